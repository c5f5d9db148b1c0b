"""The report files hold every figure their sources state, each beside its verbatim clause."""

from __future__ import annotations

import re

import pytest

from conftest import ARTICLE, DATA
from villagereport import load_report
from villagereport.numbers import found_in, plain, renderings

LINJIANG = DATA / "reports" / "linjiang-2021.yaml"
# Arabic figures as the article writes them, 6.8万 included.
ARABIC = re.compile(r"\d+(?:\.\d+)?万?")
# Counts written in Chinese numerals before a classifier: 三个百分百, 十种禁入情形, 双组长
# (not 每一个, "every single one", which counts nothing).
CHINESE_COUNT = re.compile(r"(?<![每一二两三四五六七八九十双])[一二两三四五六七八九十双]+(?=[个种项级]|组长)")


@pytest.fixture(scope="module")
def linjiang():
    return load_report(LINJIANG)


def _stated_forms(report) -> set[str]:
    """Everything the data says the article writes as a figure."""
    forms = set(report.figures["stated_as"]) | set(report.changes["stated_as"])
    forms |= {plain(t) for t in report.figures["threshold"].dropna()}
    forms |= {f for f in report.lists["stated_as"].dropna()}
    return forms


def _quotes(report) -> list[str]:
    return list(report.figures["quote"]) + list(report.lists["quote"])


def test_every_arabic_number_in_the_article_is_in_the_data(linjiang, body):
    forms = _stated_forms(linjiang)
    items = " ".join(linjiang.list_items["item"])
    missing = []
    for number in ARABIC.findall(body):
        in_quote = any(found_in(q, number) for q in _quotes(linjiang))
        held = number in forms or found_in(items, number)
        if not (in_quote and held):
            missing.append(number)
    assert not missing, f"numbers of the article not held in the data: {missing}"


def test_every_counted_list_of_the_article_is_in_the_data(linjiang, body):
    stated = list(linjiang.lists["stated_as"].dropna())
    missing = [w for w in CHINESE_COUNT.findall(body) if not any(s.startswith(w) for s in stated)]
    assert not missing, f"counts in Chinese numerals not held as lists: {missing}"
    slogans = set(linjiang.lists["slogan"].dropna())
    assert set(re.findall(r"一降[一二三四五六七八九]升", body)) <= slogans
    # “零”发生: zero written as a word is a figure too.
    if "零" in body:
        assert "零" in set(linjiang.figures["stated_as"])


def test_the_article_figures_count_matches(linjiang, body):
    # Each Arabic number is held by at least one figure, change, threshold or list item;
    # a figure stated twice in the article (70, 311) is held once per meaning.
    assert len(linjiang.figures) >= len(set(ARABIC.findall(body))) - 6


@pytest.mark.parametrize("report_id", ["linjiang-2021", "jiaxiang-2021", "tongguan-2021"])
def test_every_quote_is_verbatim_from_its_source(report_id, excerpt):
    report = load_report(DATA / "reports" / f"{report_id}.yaml")
    source = excerpt(report_id)
    for quote in _quotes(report):
        assert quote in source, f"{report_id}: quote not found verbatim in the source: {quote}"


@pytest.mark.parametrize("report_id", ["linjiang-2021", "jiaxiang-2021", "tongguan-2021"])
def test_every_quote_contains_its_figure_as_written(report_id):
    report = load_report(DATA / "reports" / f"{report_id}.yaml")
    for ind, fig in report.figures.iterrows():
        assert fig["stated_as"] in renderings(fig["value"], fig["unit"]), ind
        assert found_in(fig["quote"], fig["stated_as"]), ind
    for _, change in report.changes.iterrows():
        quote = report.figures.at[change["indicator"], "quote"]
        assert found_in(quote, change["stated_as"]), change["indicator"]


def test_large_figures_are_quoted_the_way_the_article_writes_them(linjiang, body):
    leaflets = linjiang.figures.loc["leaflets"]
    assert leaflets["value"] == 68000
    assert leaflets["stated_as"] == "6.8万" and "6.8万" in leaflets["quote"]
    assert "68000" not in body


def test_the_data_quotes_the_article_rather_than_republishing_it(linjiang, body):
    quoted = set(_quotes(linjiang))
    assert sum(len(q) for q in quoted) < 0.5 * len(body)


def test_source_metadata_is_complete(linjiang):
    src = linjiang.sources.iloc[0]
    assert src["outlet_zh"] == "吉林农村报" and src["date"] == "2021-04-15"
    assert src["authors"] == "佟粒玮、杜立鹏" and src["editor"] == "初慧"
    assert (src["place_zh"], src["prefecture_zh"], src["province_zh"]) == ("临江市", "白山市", "吉林省")
    header = ARTICLE.read_text(encoding="utf-8")[:200]
    for field in ("title", "subtitle"):
        assert src[field] in header


@pytest.mark.parametrize(
    ("indicator", "items"),
    [("work_routines", ["周前提醒", "当日反馈", "周末小结", "月末调度"]),
     ("survey_clarities", ["基本情况", "班子运转", "党员现状", "人选储备", "群众诉求", "风险隐患"]),
     ("supervision_levels", ["市", "乡", "村"])],
)
def test_counted_lists_hold_their_items_in_order(linjiang, indicator, items):
    assert linjiang.items(indicator) == items
    assert linjiang.lists.at[indicator, "stated_count"] == len(items)


def test_lists_the_article_counts_but_does_not_itemise_hold_no_invented_items(linjiang, body):
    for indicator in ("exclusion_criteria", "discipline_prohibitions", "discipline_investigations"):
        assert linjiang.items(indicator) == []
        assert linjiang.lists.at[indicator, "stated_count"] > 0


def test_qualifiers_follow_the_wording(linjiang):
    assert linjiang.figures.at["staff_seconded", "qualifier"] == "more_than"  # 30余名: more than 30
    assert linjiang.figures.at["women_members_per_village", "qualifier"] == "at_least"  # 1名以上
    assert linjiang.figures.at["one_shoulder_share", "stated_as"] == "百分百"


def test_sparse_reports_leave_out_what_they_do_not_state(excerpt):
    tongguan = load_report(DATA / "reports" / "tongguan-2021.yaml")
    assert not tongguan.has("members_college") and tongguan.value("members_college") is None
    assert tongguan.source.get("title") is None  # the excerpt gives no title
    assert tongguan.items("down_up_targets") == [] and tongguan.lists.at["down_up_targets", "slogan"] == "一降四升"
    jiaxiang = load_report(DATA / "reports" / "jiaxiang-2021.yaml")
    assert not jiaxiang.has("members_total")  # implied by its shares, never stated
    assert "authors" not in jiaxiang.source
