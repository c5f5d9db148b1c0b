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
from villagereport import ReportError, load_report
from villagereport.draft import draft, read_article, tokens, simplified, write_draft
from villagereport.numbers import found_in, renderings

ARTICLES = articles()


def test_the_repository_holds_the_articles_to_draft():
    assert {"linjiang-2021", "jiaxiang-2021", "tongguan-2021"} <= set(ARTICLES)
    assert len(ARTICLES) >= 10


def reviewed(path, hand: dict) -> dict:  # type: ignore[no-untyped-def]
    """A draft as a person leaves it after review: the TODO line gone, each TODO filled in from
    the hand-made report (the person read the article)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document.pop("TODO")

    def fill(node, truth):  # type: ignore[no-untyped-def]
        for key, value in list(node.items()):
            if isinstance(value, dict):
                fill(value, (truth or {}).get(key) or {})
                if all(v is None for v in value.values()):
                    node.pop(key)
            elif isinstance(value, str) and value.startswith("TODO"):
                node[key] = (truth or {}).get(key)
                if node[key] is None:
                    node.pop(key)

    fill(document, hand)
    document.pop("coverage", None) if not document.get("coverage") else None
    return document


@pytest.mark.parametrize("report_id", sorted(ARTICLES))
def test_each_article_drafts_a_file_refused_until_reviewed_then_valid_with_each_value_in_its_verbatim_quote(
        tmp_path, report_id):
    article = ARTICLES[report_id]
    out = write_draft(article, tmp_path / "draft.yaml")
    # Unreviewed, the draft cannot become a book: one line, naming the draft's TODO.
    with pytest.raises(ReportError, match="a draft's TODO"):
        load_report(out)
    hand = yaml.safe_load((ROOT / "data" / "reports" / f"{report_id}.yaml").read_text(encoding="utf-8"))
    (tmp_path / "reviewed.yaml").write_text(yaml.safe_dump(reviewed(out, hand), allow_unicode=True), encoding="utf-8")
    report = load_report(tmp_path / "reviewed.yaml")  # the validator's own checks, or its one-line error
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


def test_the_drafts_find_most_figures_none_wrong_in_value_none_against_a_negation():
    # A ratchet under today's figure: `make draft-eval` prints the three measures (the
    # repository's articles, each as if unseen, and the held-out sets) against the target of 90% unseen.
    found = wrong = negated = total = 0
    for report_id, article in ARTICLES.items():
        hand = yaml.safe_load((ROOT / "data" / "reports" / f"{report_id}.yaml").read_text(encoding="utf-8"))
        result = compare(hand.get("figures", []), draft(article)[1])
        found, wrong, negated = found + len(result["found"]), wrong + len(result["wrong"]), negated + len(result["negated"])
        total += len(result["found"]) + len(result["partial"]) + len(result["missed"]) + len(result["wrong"])
    assert wrong == 0 and negated == 0
    assert found / total >= 0.9, f"{found} of {total}"


def test_each_article_as_if_unseen_meets_the_target():
    # Leave one out: the cue words only that article holds taken away (villagebook.draft_eval).
    # The target, on every article the repository holds: 90% found, none wrong, none
    # against a negation.
    from villagebook.draft_eval import measure

    tally = measure()["leave one out"]
    assert tally.counts["negated"] == 0 and tally.counts["wrong"] == 0
    below = [(rid, found, n) for rid, n, found, *_ in tally.rows if found < 0.9 * n]
    assert not below, below


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


def _draft_of(tmp_path, text: str):  # type: ignore[no-untyped-def]
    from villagereport.draft import draft_report

    article = tmp_path / "article.txt"
    article.write_text(text, encoding="utf-8")
    return draft_report(article)


def test_what_did_not_happen_is_drafted_as_such_or_ruled_out(tmp_path):
    drafted = _draft_of(tmp_path, "全县172个村党组织中，150个村完成换届，剩下未完成换届的22个村党组织将于月底前完成；"
                                  "目前仍有6名候选人在公示。")
    completed = {e["indicator"]: e.get("value") for e in drafted.entries}
    # 22 did not finish: on the indicator of those that did not, never on one of those that did.
    assert completed.get("party_units_not_completed") == 22
    assert all(v != 22 for i, v in completed.items() if i != "party_units_not_completed")
    ruled = [d for d in drafted.decisions if drafted.article[d.start:d.end] == "6"]
    assert [(d.status, d.detail) for d in ruled] == [("ruled_out", "negation")]
    assert all(e.get("value") != 6 for e in drafted.entries)


def test_glosses_are_read_past_and_quotes_keep_them(tmp_path):
    drafted = _draft_of(tmp_path, "全區(qū)共有293個(gè)村(居)民委員會，選舉日當(dāng)天共完成271個(gè)村(居)換屆。")
    values = {e.get("value") for e in drafted.entries}
    assert {293, 271} <= values, drafted.entries
    assert all("(gè)" in e["quote"] for e in drafted.entries)


def test_every_number_is_placed_ruled_out_or_listed(tmp_path):
    text = ("全文见http://www.example.cn/2021/03/22/%E6%8D%A2%E5%B1%8A.html。"
            "2021年3月22日，全县共有选民2750多万人，1555万余人参加投票，用时80多天，参选率是上届的1.2倍。")
    drafted = _draft_of(tmp_path, text)
    numbers = [d for d in drafted.decisions]
    # Nothing from the address; the date ruled out; every other number placed or listed.
    assert all(d.start > drafted.article.index(".html") for d in numbers)
    assert {drafted.article[d.start:d.end]: d.status for d in numbers if d.status == "ruled_out"} == {
        "2021": "ruled_out", "3": "ruled_out", "22": "ruled_out"}
    listed = [d for d in numbers if d.status == "not_placed"]
    assert len(listed) + sum(d.status == "placed" for d in numbers) == len(numbers) - 3
    assert {drafted.article[d.start:d.end] for d in numbers} >= {"2750多万", "1555万余", "80", "1.2"}


@pytest.mark.parametrize(("text", "value", "qualifier"), [("选民2750多万人", 27_500_000, "more_than"),
                                                          ("1555万余人参加投票", 15_550_000, "more_than")])
def test_compound_quantities_are_read_whole(text, value, qualifier):
    found = [t for t in tokens(text)]
    assert [(t.value, t.qualifier) for t in found] == [(value, qualifier)]


def test_a_count_in_chinese_numerals_is_drafted_as_the_article_writes_it(tmp_path):
    drafted = _draft_of(tmp_path, "全县一百七十二个行政村全部完成村“两委”换届。")
    entry = next(e for e in drafted.entries if e["indicator"] == "villages_completed")
    assert (entry["value"], entry["stated_as"]) == (172, "一百七十二")


def test_a_draft_holds_todo_for_what_the_article_does_not_give(tmp_path):
    drafted = _draft_of(tmp_path, "确保全县换届工作顺利进行，共选出成员300人。")
    document = yaml.safe_load(drafted.text)
    assert document["TODO"] and document["source"]["date"] == "TODO"
    assert document["place"]["name"] == {"zh": "TODO", "en": "TODO"}  # not 「确保全县」
    assert "election_year" not in document  # no year named: left for the person, never 2021


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_review_page_marks_every_number_offline_and_shows_the_article_as_text(tmp_path, lang):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM_ARGS, require_chromium
    from villagebook.classroom import CHROMIUM
    from villagereport.draft import draft_report, review_path

    require_chromium()
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE.read_text(encoding="utf-8") + "\n<script>window.injected = 1</script>共有<b>5</b>人。\n",
                       encoding="utf-8")
    out = write_draft(article, tmp_path / "draft.yaml", lang)
    drafted = draft_report(article)
    decisions = drafted.decisions
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.on("request", lambda r: None if r.url.startswith("file://") else outside.append(r.url))
        page.goto(review_path(out).as_uri())
        marks = page.eval_on_selector_all(".article mark", "ms => ms.map(m => [m.className, m.firstChild.textContent])")
        text = page.inner_text("main")
        injected = page.evaluate("window.injected")
        scripts = page.locator(".article script, .article b").count()
        serious = [v["id"] for v in Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
                   if v["impact"] in ("serious", "critical")]
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        rows = page.locator("table tbody tr").count()
        todos = page.locator("h2 + ul").first.inner_text()
        browser.close()
    assert [(m[0], m[1]) for m in marks] == [(d.status, drafted.article[d.start:d.end]) for d in decisions]
    assert len(marks) > 40 and {m[0] for m in marks} == {"placed", "ruled_out", "not_placed"}
    assert ("<script>window.injected = 1</script>" in text) and injected is None and scripts == 0
    assert outside == [] and serious == [] and not wide
    # The figures drafted, one row each; the TODOs the file holds, first.
    assert rows == len(yaml.safe_load(out.read_text(encoding="utf-8"))["figures"]) > 20
    from villagereport.wording import strings

    assert strings(lang)["draft"]["todo"]["review"] in todos and str(len(marks)) in text


def test_levels_given_respectively_are_paired_in_order_or_not_placed(tmp_path):
    drafted = _draft_of(tmp_path, "全市537个村(居)完成换届，其中“一肩挑”和“交叉任职”比例分别为85.1%和84.8%。")
    values = {e["indicator"]: e.get("value") for e in drafted.entries}
    assert (values.get("one_shoulder_share"), values.get("cross_appointment_share")) == (85.1, 84.8)
    # A list the draft cannot pair: neither value is guessed onto an indicator.
    unpaired = _draft_of(tmp_path, "两项工作比例分别为85.1%和84.8%。")
    assert all(e.get("value") not in (85.1, 84.8) for e in unpaired.entries)


def test_the_posts_of_a_party_committee_are_told_apart_by_the_word_before_each(tmp_path):
    drafted = _draft_of(tmp_path, "共选举产生新一届社区党组织委员282名，其中书记53名，副书记77名，委员152名。")
    values = {e["indicator"]: e.get("value") for e in drafted.entries}
    assert (values.get("secretaries_elected"), values.get("deputy_secretaries_elected"),
            values.get("party_committee_ordinary_members")) == (53, 77, 152)


@pytest.mark.parametrize(("text", "place"), [("崇川區156個社區居委會和15個村委會換屆選舉圓滿收官。", "崇川区"),
                                             ("全县柿树岗乡共选举产生村委会成员77人。", "柿树岗乡"),
                                             ("3月18日是巴州区选举日，共有293个村参加。", None),
                                             ("全市共有18个社区完成换届。", None)])
def test_the_place_is_named_only_where_the_text_names_it_plainly(tmp_path, text, place):
    document = yaml.safe_load(_draft_of(tmp_path, text).text)
    assert document["place"]["name"]["zh"] == (place or "TODO")


def test_a_round_of_more_than_so_many_days_is_drafted(tmp_path):
    drafted = _draft_of(tmp_path, "此次换届历时80多天，全市共选出成员300人。")
    entry = next(e for e in drafted.entries if e["indicator"] == "round_duration_days")
    assert (entry["value"], entry["qualifier"], entry["unit"]) == (80, "more_than", "day")


@pytest.mark.parametrize(("text", "value", "not_on", "on"), [
    # The issue's own cases: the subject is in the sentence, not only beside the number.
    ("全省共有35707名妇女进入村“两委”班子，比上届增加了1605名。", 35707, "members_total", "women_members"),
    ("从机关派聘95名党员干部担任村党组织书记。", 95, "secretaries_elected", None),
    ("全市应换届的564个村(社区)中，已有540个完成换届。", 564, "units_completed", None),
])
def test_a_figure_goes_where_its_words_say_or_nowhere(tmp_path, text, value, not_on, on):
    placed = {(e["indicator"], e.get("value")) for e in _draft_of(tmp_path, text).entries}
    assert (not_on, value) not in placed
    if on:
        assert (on, value) in placed


def test_a_sentence_opening_with_qizhong_counts_a_part_and_its_changes_pair_in_turn(tmp_path):
    drafted = _draft_of(tmp_path, "“两委”班子成员中，大专及以上学历的有18691人。其中，村党组织书记和村委会主任分别有4021人和"
                                  "2441人，比上届增加572人和104人。")
    placed = {e["indicator"]: (e.get("value"), [c["value"] for c in e.get("changes", [])]) for e in drafted.entries}
    assert placed.get("secretaries_college") == (4021, [572])
    assert placed.get("directors_college") == (2441, [104])
    assert "secretaries_elected" not in placed and "directors_elected" not in placed


def test_a_share_said_right_after_a_count_is_that_counts_share(tmp_path):
    drafted = _draft_of(tmp_path, "班子成员中，男性40名，占38%，女性65名，占62%。")
    placed = {e["indicator"]: e.get("value") for e in drafted.entries}
    assert (placed.get("men_members_share"), placed.get("women_members_share")) == (38, 62)


@pytest.mark.parametrize(("text", "indicator", "value"), [
    # A counter, a modifier, the noun: 「个市直部门」 is 「个部门」's; 「个由…的工作组」 「个工作组」's.
    ("全市组织纪委、公安等12个市直部门开展联审。", "vetting_departments", 12),
    ("全区成立9个由区级领导任组长的工作组。", "working_groups", 9),
    # A clause that names no one is of the subject before it.
    ("新当选的“一肩挑”人员41人,占比100%,全部为高中及以上学历。", "one_shoulder_high_school_share", 100),
    ("全镇新一届村党组织书记23名,45岁以下占比52%;平均年龄43.2岁。", "secretaries_avg_age", 43.2),
    # 「高中(中专)」 alone is 高中 only; with 以上 it is high school and above.
    ("新一届班子中,大专以上学历30人,高中(中专)学历12人。", "members_high_school_only", 12),
    ("新一届“两委”成员中,高中(中专)及以上学历88人。", "members_high_school", 88),
    # 女委员 is 女性委员.
    ("每个村(社区)均配备至少1名女委员。", "women_members_per_village", 1),
    # The whole and its part in one sentence, whatever verb names the whole.
    ("本次换届覆盖全县187个村(社区),目前已完成180个村(社区)换届。", "units_in_election", 187),
])
def test_the_sentence_is_read_not_only_the_words_beside_the_number(tmp_path, text, indicator, value):
    placed = {(e["indicator"], e.get("value")) for e in _draft_of(tmp_path, text).entries}
    assert (indicator, value) in placed, placed
