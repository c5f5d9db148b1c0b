"""Drafting a report file from an article: every article in the repository drafts to a file
the validator accepts, every value is in its quote and every quote is the article's own."""

from __future__ import annotations

import html
import subprocess
import sys

import pytest
import yaml

from conftest import ARTICLE, ROOT
from villagebook.draft_eval import articles, compare
from villagereport import load_report
from villagereport.draft import draft, read_article, tokens, simplified, write_draft
from villagereport.numbers import found_in, renderings

ARTICLES = articles()


def test_the_repository_holds_the_articles_to_draft():
    assert {"linjiang-2021", "jiaxiang-2021", "tongguan-2021"} <= set(ARTICLES)
    assert len(ARTICLES) >= 10


@pytest.mark.parametrize("report_id", sorted(ARTICLES))
def test_each_article_drafts_a_file_that_validates_with_each_value_in_its_verbatim_quote(tmp_path, report_id):
    article = ARTICLES[report_id]
    out = write_draft(article, tmp_path / "draft.yaml")
    report = load_report(out)  # the validator's own checks, or its one-line error
    text, _ = read_article(article)
    flat = " ".join(text.split())
    for entry in _entries(out):
        assert entry["quote"] in text or entry["quote"] in flat, (report_id, entry["quote"])
        if "value" in entry:
            forms = renderings(float(entry["value"]), entry["unit"]) + ([entry["stated_as"]] if "stated_as" in entry else [])
            assert any(found_in(simplified(entry["quote"]), f) for f in forms), (report_id, entry)
    assert len(report.all_figures) >= 2


def _entries(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))["figures"]


def test_the_drafts_find_most_figures_and_none_wrong_in_value():
    found = wrong = total = 0
    for report_id, article in ARTICLES.items():
        hand = yaml.safe_load((ROOT / "data" / "reports" / f"{report_id}.yaml").read_text(encoding="utf-8"))
        result = compare(hand.get("figures", []), draft(article)[1])
        found, wrong = found + len(result["found"]), wrong + len(result["wrong"])
        total += len(result["found"]) + len(result["missed"]) + len(result["wrong"])
    assert wrong == 0
    assert found / total >= 0.9, f"{found} of {total}"  # `make draft-eval` prints the table


def test_a_saved_web_page_drafts_as_its_text_does(tmp_path):
    text = ARTICLE.read_text(encoding="utf-8")
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    page = (f"<!DOCTYPE html><html><head><title>临江市圆满完成村“两委”换届工作</title></head><body>"
            f"<nav><a href='/'>首页</a> <a href='/news'>新闻</a> 2020年12月31日 阅读100000次</nav>"
            f"<article>{body}</article><footer>版权所有 吉林农村报 2021 备案号12345678</footer></body></html>")
    saved = tmp_path / "article.html"
    saved.write_text(page, encoding="utf-8")
    from_page = {(e["indicator"], e.get("value")) for e in draft(saved)[1]}
    from_text = {(e["indicator"], e.get("value")) for e in draft(ARTICLE)[1]}
    assert len(from_page) >= 25 and from_page == from_text


def test_traditional_characters_are_matched_and_quoted_as_published(tmp_path):
    import opencc

    traditional = opencc.OpenCC("s2t").convert(ARTICLE.read_text(encoding="utf-8"))
    path = tmp_path / "traditional.txt"
    path.write_text(traditional, encoding="utf-8")
    drafted = draft(path)[1]
    assert {(e["indicator"], e.get("value")) for e in drafted} == {(e["indicator"], e.get("value"))
                                                                  for e in draft(ARTICLE)[1]}
    assert all(e["quote"] in traditional for e in drafted)
    assert any("兩委" in e["quote"] for e in drafted)


@pytest.mark.parametrize(("text", "value", "unit", "qualifier", "change"), [
    ("选出成员三十五名", 35, "名", "exact", 0),
    ("印发宣传单6.8万张", 68000, "张", "exact", 0),
    ("抽调30余名骨干", 30, "名", "more_than", 0),
    ("参选率近95%", 95, "percent", "nearly", 0),
    ("平均年龄比上届下降了4.5岁", 4.5, "year", "exact", -1),
    ("女性占比提高8.6个百分点", 8.6, "percent", "exact", 1),
    ("均有1名以上女性成员", 1, "名", "at_least", 0),
])
def test_figures_are_read_as_articles_write_them(text, value, unit, qualifier, change):
    found = [t for t in tokens(text) if t.value == value]
    assert len(found) == 1, tokens(text)
    token = found[0]
    assert (token.unit, token.qualifier, token.change) == (unit, qualifier, change)


def test_dates_ages_as_thresholds_and_ordinals_are_not_figures():
    assert [t.value for t in tokens("2021年3月10日，第3次会议，35岁以下年轻干部")] == []


def test_the_command_writes_the_file_or_fails_in_one_line(tmp_path):
    out = tmp_path / "draft.yaml"
    ok = subprocess.run([sys.executable, "-m", "villagereport", "draft", str(ARTICLE), "--out", str(out)],
                        capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and out.exists() and "make validate" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "villagereport", "draft", str(tmp_path / "none.txt"), "--out",
                          str(tmp_path / "x.yaml")], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1 and len(bad.stderr.splitlines()) == 1 and "none.txt: article: expected" in bad.stderr
    assert not (tmp_path / "x.yaml").exists()
    nowhere = subprocess.run([sys.executable, "-m", "villagereport", "draft", str(ARTICLE), "--out",
                              str(tmp_path / "no" / "such" / "x.yaml")], capture_output=True, text=True, cwd=ROOT)
    assert nowhere.returncode == 1 and len(nowhere.stderr.splitlines()) == 1, nowhere.stderr
    assert "x.yaml: out: expected a file that can be written" in nowhere.stderr
