"""What a book says of its report's source and round, and how it sets reports side by side:
the article's address linked byte for byte, text fields in the edition's language, a
province-level place named once, the report file named where it is; counts written in 万 kept
as precise as the article wrote them; a comparison that names each report's round and what it
covers, and never puts figures of different bodies in one row."""

from __future__ import annotations

import html
import json
import re

import pytest
import yaml
from markdown_it import MarkdownIt

from conftest import DATA
from villagebook.edition import landing_page
from villagebook.stories import story
from villagebook.stories import told
from villagereport.errors import ReportError
from villagereport.sourcing import place_line
from villagereport.numbers import format_figure
from villagereport.comparison import ComparisonPage
from villagereport.pages import Page
from villagereport.report import load_report
from villagereport.wording import strings

LINJIANG = DATA / "reports" / "linjiang-2021.yaml"
BASE = yaml.safe_load(LINJIANG.read_text(encoding="utf-8"))


def _write(tmp_path, document: dict, name: str = "report.yaml"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_report(path)


def _copy() -> dict:
    return json.loads(json.dumps(BASE))


def _links(markdown: str) -> list[str]:
    """Every link target of the page, as a reader's browser would follow it."""
    rendered = MarkdownIt("commonmark").render(markdown)
    return [html.unescape(href) for href in re.findall(r'href="([^"]*)"', rendered)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_articles_address_is_linked_byte_for_byte(tmp_path, lang):
    document = _copy()
    url = "http://cnews.example.cn/2015-04/15/content_20441481_2.htm?a=1&b=*x*"
    document["source"]["url"] = url
    page = landing_page(lang, _write(tmp_path, document), [])
    assert url in _links(page)


def test_an_address_that_cannot_be_linked_as_written_is_refused_in_one_line(tmp_path):
    document = _copy()
    document["source"]["url"] = "http://example.cn/a b"
    with pytest.raises(ReportError) as err:
        _write(tmp_path, document)
    assert "source.url" in str(err.value) and "\n" not in str(err.value)


def test_a_text_field_given_per_language_is_shown_in_the_editions_language(tmp_path):
    document = _copy()
    document["source"]["republished_in"] = {"zh": "人民网转载", "en": "Republished by People's Daily Online"}
    document["source"]["title"] = {"zh": "临江市圆满完成村“两委”换届工作", "en": "Linjiang completes its village elections"}
    report = _write(tmp_path, document)
    english, chinese = landing_page("en", report, []), landing_page("zh", report, [])
    # The English edition gives the translation with the article's own words beside it.
    assert "Republished by People's Daily Online (人民网转载)" in english
    assert "人民网转载" in chinese and "People's Daily" not in chinese
    assert "Linjiang completes its village elections" in english and "临江市圆满完成" in chinese


def test_a_title_with_no_translation_is_shown_as_written_in_english(tmp_path):
    document = _copy()
    document["source"]["title"] = "临江市圆满完成村“两委”换届工作"  # as written, with no translation
    page = landing_page("en", _write(tmp_path, document), [])
    assert "- **Title**: 临江市圆满完成村“两委”换届工作 (in Chinese" in page


def test_a_translated_field_is_shown_with_the_articles_own_words_beside_it():
    page = landing_page("en", load_report(LINJIANG), [])
    assert "Linjiang completes its village two-committee elections (临江市圆满完成村“两委”换届工作)" in page
    assert "Chu Hui (初慧)" in page  # the editor romanised, as the authors are


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_province_level_report_names_its_place_once(tmp_path, lang):
    document = _copy()
    document["place"] = {"name": {"zh": "江西省", "en": "Jiangxi Province"}, "province": {"zh": "江西省", "en": "Jiangxi"}}
    assert place_line(_write(tmp_path, document), lang) == {"zh": "江西省", "en": "Jiangxi Province"}[lang]
    # A city that shares its province's name is another place, and both are named.
    document["place"] = {"name": {"zh": "吉林市", "en": "Jilin City"}, "province": {"zh": "吉林省", "en": "Jilin"}}
    assert place_line(_write(tmp_path, document), lang) == {"zh": "吉林省吉林市", "en": "Jilin City, Jilin"}[lang]


def test_the_landing_page_names_the_report_file_where_it_is(tmp_path):
    unseen = sorted((DATA / "unseen" / "reports").glob("*.yaml"))[0]
    assert f"`data/unseen/reports/{unseen.name}`" in landing_page("en", load_report(unseen), [])
    assert "`data/reports/linjiang-2021.yaml`" in landing_page("en", load_report(LINJIANG), [])
    elsewhere = landing_page("zh", _write(tmp_path, _copy(), "my-county.yaml"), [])
    assert "`my-county.yaml`" in elsewhere and "data/reports/my-county" not in elsewhere


def test_with_no_outlet_and_no_date_the_chinese_intro_has_no_stray_comma(tmp_path):
    document = _copy()
    document["source"] = {"url": "https://example.cn/a"}
    page = landing_page("zh", _write(tmp_path, document), [])
    assert "这篇报道讲述" in page and "报道，" not in page


@pytest.mark.parametrize(("value", "places", "qualifier", "zh", "en"), [
    (68000, -3, "exact", "6.8万", "about 68,000"),
    (700000, -4, "more_than", "70余万", "more than 700,000"),
    (68000, 0, "exact", "6.8万", "68,000"),
])
def test_a_count_in_wan_is_as_precise_as_the_article_wrote_it(value, places, qualifier, zh, en):
    for lang, expected in (("zh", zh), ("en", en)):
        assert format_figure(value, "person", lang, places, qualifier, strings(lang)["number"]) == expected


def test_a_qualified_count_in_wan_is_accepted_as_the_article_writes_it(tmp_path):
    document = _copy()
    leaflets = next(f for f in document["figures"] if f["indicator"] == "leaflets")
    leaflets.update(value=700000, qualifier="more_than", stated_as="70余万", quote="印发各类宣传单页70余万张")
    report = _write(tmp_path, document)
    assert report.figures.at["leaflets", "stated_as"] == "70余万"
    assert "70余万" in story(report, "discipline", "zh").markdown()


def _one_body(tmp_path, bodies: list[str], name: str):  # type: ignore[no-untyped-def]
    document = _copy()
    document["id"] = name
    document["coverage"]["bodies"] = bodies
    return _write(tmp_path, document, f"{name}.yaml")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_comparison_never_sets_two_bodies_figures_in_one_row(tmp_path, lang):
    both = load_report(LINJIANG)
    party = _one_body(tmp_path, ["party"], "party-only")
    twin = _one_body(tmp_path, ["party", "committee"], "twin")
    page = ComparisonPage([both, party, twin], lang)
    for key, values in page.rows.items():
        # A row of the two committees' members holds the two reports of both committees only.
        assert not ({both.id, twin.id} & set(values) and party.id in values) or key[1] not in (
            "members_avg_age", "members_per_place"), key
    labels = [page.label(k) for k in page.rows]
    assert len(labels) == len(set(labels))
    assert any(k[1] == "members_avg_age" and set(v) == {both.id, twin.id} for k, v in page.rows.items())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_comparison_names_each_reports_round_and_what_it_covers(tmp_path, lang):
    linjiang = load_report(LINJIANG)
    document = _copy()
    document["id"] = "no-year"
    document.pop("election_year", None)
    document["coverage"] = {"bodies": ["committee"], "status": "under_way", "as_of": "2021-03-18"}
    undated = _write(tmp_path, document, "no-year.yaml")
    page = ComparisonPage([linjiang, undated], lang)
    # Each report's column and what it covers, as the page's notebook says them.
    text = " ".join(page.column(r) + " " + page.coverage(r) for r in page.reports) + page.table().data
    assert {"zh": "2021年", "en": "(2021)"}[lang] in text
    assert {"zh": "年份未说明", "en": "year not stated"}[lang] in text
    # What each report covers, in its own words: the second is of one body, under way.
    assert {"zh": "尚未全部完成", "en": "still under way"}[lang] in text


def test_the_women_heads_exercise_needs_its_premise_stated(tmp_path):
    linjiang = load_report(LINJIANG)
    assert "women_heads" in [e.id for e in told(linjiang, "overview", "en").exercises]
    document = _copy()
    document["figures"] = [f for f in document["figures"] if f["indicator"] != "one_shoulder_share"]
    without = _write(tmp_path, document)
    assert "women_heads" not in [e.id for e in told(without, "overview", "en").exercises]


def test_a_share_whose_article_disagrees_with_itself_is_held_and_checked_as_not_fitting(tmp_path):
    document = _copy()
    share = next(f for f in document["figures"] if f["indicator"] == "villages_with_young_cadres_share")
    share.update(value=80.5, quote=share["quote"].replace("87.1", "80.5"))
    with pytest.raises(ReportError) as err:
        _write(tmp_path, document)
    assert "article_disagrees" in str(err.value)
    share["article_disagrees"] = True
    report = _write(tmp_path, document)
    checks = " ".join(Page("checking", report, "en").figures().data.split())
    assert "does not fit" in checks
    # ...and the flag is refused where the article's figures agree after all.
    share.update(value=87.1, quote=share["quote"].replace("80.5", "87.1"))
    with pytest.raises(ReportError) as err:
        _write(tmp_path, document)
    assert "article_disagrees" in str(err.value)


def test_a_family_name_is_read_as_a_family_name():
    from villagereport.sourcing import romanised

    # 曾 and 单 in a word are ceng and dan; as family names, Zeng and Shan.
    assert romanised("曾组宣") == "Zeng Zuxuan (曾组宣)"
    assert romanised("单雄信").startswith("Shan ")
    assert romanised("佟粒玮") == "Tong Liwei (佟粒玮)"


def test_the_book_reads_as_text_for_a_desk_read():
    import subprocess
    import sys

    from conftest import ROOT

    result = subprocess.run([sys.executable, "tests/read_book.py", "data/unseen/reports/yucheng.yaml"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    for lang in ("en", "zh"):
        for page in ("landing", "teacher", "overview", "checking"):
            assert f"######## {lang} {page}" in result.stdout
    assert "Yucheng" in result.stdout and "雨城区" in result.stdout


def test_the_blank_templates_hold_the_same_fields_in_each_language():
    # The Chinese edition shows the template with Chinese comments; its fields are the same.
    from villagereport.catalogue import DATA_DIR

    english = yaml.safe_load((DATA_DIR / "template.yaml").read_text(encoding="utf-8"))
    chinese = yaml.safe_load((DATA_DIR / "template.zh.yaml").read_text(encoding="utf-8"))
    assert english == chinese
    assert "coverage" in english
    from villagereport.guide import GuidePage

    page = GuidePage("zh", LINJIANG).template().data
    assert "空白报道文件" in page and "A blank report file" not in page
