"""How figures are written and how shares are checked, on cases worked by hand."""

from __future__ import annotations

import pytest

from villagereport.numbers import chinese_numeral, decimals_of, found_in, plain, renderings
from villagereport.shares import EQUAL, EXACT, INCONSISTENT, ROUNDED, TRUNCATED, fitting_counts, fitting_wholes, share_status


@pytest.mark.parametrize(("n", "words"), [(0, "零"), (3, "三"), (10, "十"), (16, "十六"), (40, "四十"), (99, "九十九")])
def test_chinese_numerals(n, words):
    assert words in chinese_numeral(n)


def test_two_has_its_colloquial_forms():
    assert {"二", "两", "双"} <= set(chinese_numeral(2))


def test_renderings_cover_wan_and_words_for_all():
    assert "6.8万" in renderings(68000) and "68,000" in renderings(68000)
    assert {"百分百", "全部"} <= set(renderings(100, "percent"))
    assert "百分百" not in renderings(100, "person")


def test_plain_has_no_float_noise():
    assert [plain(70.0), plain(43.7), plain(39.34), plain(0.1 + 0.2)] == ["70", "43.7", "39.34", "0.30000000000000004"]


@pytest.mark.parametrize(("text", "form", "found"), [
    ("有61个村", "61", True), ("有61个村", "6", False), ("占12.9%", "12.9", True), ("占12.9%", "12", False),
    ("2021年", "21", False), ("6.8万张", "6.8万", True),
])
def test_found_in_matches_whole_numbers_only(text, form, found):
    assert found_in(text, form) is found


@pytest.mark.parametrize(("text", "places"), [("12.9", 1), ("39.34", 2), ("70", 0), ("6.8万", -3), ("百分百", None)])
def test_decimals_of(text, places):
    assert decimals_of(text) == places


def test_share_status_rounding_and_truncation():
    assert share_status(9, 70, 12.9, 1) == ROUNDED  # 12.857 -> 12.9
    assert share_status(120, 1338, 8.9, 1) == TRUNCATED  # 8.969: 9.0 rounded, 8.9 cut
    assert share_status(9, 70, 12.8, 1) == TRUNCATED and share_status(9, 70, 12.7, 1) == INCONSISTENT
    assert share_status(70, 70, 100, None) == EXACT
    assert share_status(69, 70, 100, None) == INCONSISTENT  # 全部 means all, not 98.6%
    assert share_status(1, 8, 12.5, 1) == EQUAL and share_status(1, 8, 13, 0) == ROUNDED  # exact; half rounds up


def test_fitting_counts_and_wholes_agree_with_brute_force():
    for whole, stated, places in [(70, 84.3, 1), (70, 51.4, 1), (311, 33.4, 1), (1947, 39.34, 2)]:
        brute = [n for n in range(whole + 1) if share_status(n, whole, stated, places) in (ROUNDED, EQUAL)]
        assert fitting_counts(whole, stated, places) == brute
    for count, stated, places in [(766, 39.34, 2), (284, 14.58, 2), (197, 10.12, 2), (9, 12.9, 1)]:
        brute = [w for w in range(count, 30000) if share_status(count, w, stated, places) in (ROUNDED, EQUAL)]
        assert list(fitting_wholes(count, stated, places)) == brute


def test_truncated_wholes_are_truncation_alone():
    """The wholes of a cut percentage are those whose exact share cuts to it: not the union
    with the rounded ones (3.30% of 14 people: rounding and cutting give different wholes)."""
    from decimal import ROUND_DOWN, Decimal

    for count, stated, places in [(14, 3.30, 2), (33, 3.3, 1), (120, 8.9, 1), (9, 12.8, 1), (766, 39.34, 2)]:
        quantum = Decimal(1).scaleb(-places)
        brute = [w for w in range(count, 30000)
                 if (Decimal(count) * 100 / Decimal(w)).quantize(quantum, rounding=ROUND_DOWN) == Decimal(repr(stated))]
        assert list(fitting_wholes(count, stated, places, allow_truncation=True)) == brute
    # Where the rules differ, the cut wholes hold none that only rounding gives.
    assert set(fitting_wholes(33, 3.3, 1)) - set(fitting_wholes(33, 3.3, 1, allow_truncation=True))


def test_fitting_wholes_is_a_range_even_when_huge():
    fits = fitting_wholes(1, 0.01, 2)
    assert len(fits) > 10000 and share_status(1, fits[0], 0.01, 2) == ROUNDED
    assert fitting_wholes(0, 0.0, 1) == range(0)
