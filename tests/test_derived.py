"""Derived figures, checked against figures parsed afresh from the sources' own text."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from conftest import DATA
from villagereport import load_report
from villagereport.derived import derive


def _round(x: float, places: int) -> Decimal:
    return Decimal(str(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _places(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


@pytest.fixture(scope="module")
def linjiang():
    return derive(load_report(DATA / "reports" / "linjiang-2021.yaml"))


@pytest.fixture(scope="module")
def jiaxiang():
    return derive(load_report(DATA / "reports" / "jiaxiang-2021.yaml"))


def _one(table, **where):
    rows = table
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, f"expected one derived row for {where}, got {len(rows)}"
    return rows.iloc[0]


def test_previous_average_ages_are_level_plus_decline(linjiang, body):
    pairs = re.findall(r"平均年龄([\d.]+)岁,比上届下降了([\d.]+)岁", body)
    assert len(pairs) == 2  # members, then party secretaries
    for indicator, (now, fall) in zip(["members_avg_age", "secretaries_avg_age"], pairs, strict=True):
        row = _one(linjiang, quantity="previous", indicator=indicator, reading="absolute")
        assert row["value"] == pytest.approx(float(Decimal(now) + Decimal(fall)))


def test_every_stated_percentage_fits_its_count_and_whole(linjiang, body):
    villages = int(re.search(r"完成(\d+)个行政村", body).group(1))
    for count_text, share_text in re.findall(r"(\d+)(?:人|个村配备35岁以下年轻干部),占([\d.]+)%", body):
        assert _round(int(count_text) / villages * 100, _places(share_text)) == Decimal(share_text)
    checks = linjiang[linjiang["quantity"] == "share_check"]
    assert len(checks) == 2 and (checks["status"] == "rounded").all()


@pytest.mark.parametrize(("indicator", "pattern"), [
    ("secretaries_entrepreneur_share", r"致富带头人比例达到([\d.]+)%"),
    ("secretaries_college_share", r"大专及以上学历占到([\d.]+)%"),
])
def test_counts_implied_by_secretary_shares(linjiang, body, indicator, pattern):
    secretaries = int(re.search(r"全市(\d+)个村党组织书记", body).group(1))
    share = re.search(pattern, body).group(1)
    fits = [n for n in range(secretaries + 1) if _round(n / secretaries * 100, _places(share)) == Decimal(share)]
    row = _one(linjiang, quantity="implied_count", indicator=indicator)
    assert [row["low"], row["high"]] == [min(fits), max(fits)]
    assert len(fits) == 1 and row["value"] == fits[0]


def test_shares_stated_in_words_imply_the_whole_exactly(linjiang):
    row = _one(linjiang, quantity="implied_count", indicator="one_shoulder_share")
    villages = load_report(DATA / "reports" / "linjiang-2021.yaml").value("villages_completed")
    assert row["status"] == "exact" and row["value"] == villages


def test_the_ambiguous_college_rise_is_carried_under_both_readings(linjiang, body):
    college, rise = re.search(r"大专及以上学历(\d+)名,比上届提高了([\d.]+)%", body).groups()
    members = int(re.search(r"班子(\d+)名", body).group(1))
    share = int(college) / members * 100
    points = _one(linjiang, quantity="previous", indicator="members_college_share", reading="percentage_points")
    relative = _one(linjiang, quantity="previous", indicator="members_college_share", reading="relative")
    assert points["value"] == pytest.approx(share - float(rise))
    assert relative["value"] == pytest.approx(share / (1 + float(rise) / 100))
    # As a relative rise in the count, no whole number of members before gives 5.7%.
    wholes = [p for p in range(1, int(college)) if _round((int(college) / p - 1) * 100, 1) == Decimal(rise)]
    count = _one(linjiang, quantity="previous_count", indicator="members_college")
    assert wholes == [] and count["status"] == "no_whole_number"


def test_simple_ratios(linjiang, body):
    members = int(re.search(r"班子(\d+)名", body).group(1))
    villages = int(re.search(r"完成(\d+)个行政村", body).group(1))
    college = int(re.search(r"学历(\d+)名", body).group(1))
    assert _one(linjiang, quantity="members_per_place")["value"] == pytest.approx(members / villages)
    assert _one(linjiang, quantity="computed_share", indicator="members_college_share")["value"] == pytest.approx(
        college / members * 100)
    women = _one(linjiang, quantity="minimum", indicator="women_members")
    assert women["value"] == villages  # at least one woman in each village's committees


def _pairs(text: str):
    """(count, share) pairs as 嘉祥's report states them: '766名，占比39.34%'."""
    return [(int(c), s) for c, s in re.findall(r"(\d+)名，占比([\d.]+)%", text)]


def test_jiaxiang_unstated_total_is_found_and_cross_checked(jiaxiang, excerpt):
    pairs = _pairs(excerpt("jiaxiang-2021"))
    assert len(pairs) == 3
    per_pair = []
    for count, share in pairs:
        fits = {n for n in range(count, 20000) if _round(count / n * 100, _places(share)) == Decimal(share)}
        row = jiaxiang[(jiaxiang["quantity"] == "implied_whole") & (jiaxiang["reading"] == "rounded")
                       & (jiaxiang["stated"] == float(share))].iloc[0]
        assert (row["low"], row["high"]) == (min(fits), max(fits))
        per_pair.append(fits)
    together = set.intersection(*per_pair)
    combined = _one(jiaxiang, quantity="implied_whole", reading="all_rounded")
    assert combined["status"] == ("agree" if together else "disagree")
    # Cut alone, pair by pair: worked out again by brute force, and so are the pairs together.
    cut = []
    for count, share in pairs:
        quantum = Decimal(1).scaleb(-_places(share))
        fits = {n for n in range(count, 20000)
                if (Decimal(count * 100) / Decimal(n)).quantize(quantum, rounding="ROUND_DOWN") == Decimal(share)}
        row = jiaxiang[(jiaxiang["quantity"] == "implied_whole") & (jiaxiang["reading"] == "truncated")
                       & (jiaxiang["stated"] == float(share))].iloc[0]
        assert (row["low"], row["high"]) == (min(fits), max(fits))
        cut.append(fits)
    all_cut = _one(jiaxiang, quantity="implied_whole", reading="all_truncated")
    assert all_cut["status"] == ("agree" if set.intersection(*cut) else "disagree")
    # Each figure rounded or cut (an office may do either): one total fits all three.
    either = _one(jiaxiang, quantity="implied_whole", reading="all_either")
    assert either["status"] == "agree" and either["low"] == either["high"]
    assert {int(either["value"])} == set.intersection(*(r | c for r, c in zip(per_pair, cut, strict=True)))


def test_jiaxiang_change_stated_twice_is_cross_checked(jiaxiang, excerpt):
    fewer, pct = re.search(r"减少(\d+)人，降幅达([\d.]+)%", excerpt("jiaxiang-2021")).groups()
    now = int(re.search(r"党组织成员共(\d+)人", excerpt("jiaxiang-2021")).group(1))
    exact = int(fewer) / (now + int(fewer)) * 100
    row = _one(jiaxiang, quantity="relative_change", indicator="party_committee_members")
    assert row["value"] == pytest.approx(exact)
    expected = "rounded" if _round(exact, 1) == Decimal(pct) else "truncated"
    assert row["status"] == expected


def test_nothing_is_derived_from_figures_a_report_lacks():
    tongguan = derive(load_report(DATA / "reports" / "tongguan-2021.yaml"))
    assert not (tongguan["quantity"] == "implied_whole").any()
    assert not (tongguan["indicator"] == "members_college_share").any()
    assert tongguan["value"].notna().all()
