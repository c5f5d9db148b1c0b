"""Every sentence the book says rests on what its report states or on arithmetic it shows.

The library records, for each sentence it writes, the facts the sentence asserts (a stated
figure, a derived row, an assumption, the report's coverage); ``villagereport.claims.problems``
holds each sentence to them. Run here on the repository's reports, on real reports the book
was not tuned on (data/unseen/reports), and on generated reports of every shape and coverage.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from conftest import DATA, REPORTS
from test_shapes import reports as generated_reports
from villagereport.claims import Claim, problems
from villagereport.coverage import CoverageText
from villagebook.stories import story, told_book
from villagereport.report import load_report
from villagereport.sections import PAGES

SECTIONS = PAGES
UNSEEN = [path for kept in ("unseen", "holdout", "final-holdout") for path in sorted((DATA / kept / "reports").glob("*.yaml"))]


def _claims(report, lang):  # type: ignore[no-untyped-def]
    # Each page's story as its notebook tells it (the checking page's: how it works, then each
    # check), and the exercises it poses with their solutions.
    pages = told_book(report, lang)
    claims = [c for page in pages for c in page.story.all_claims()]
    claims += [c for page in pages for exercise in page.exercises for c in exercise.claims()]
    # (The chart titles, which a notebook chooses as it draws its charts, are held to the same
    # rule by the page scan, which runs every cell: tests/page_scan.py, tests/test_shapes.py.)
    # The landing page's account of what the report tells of.
    said: set = set()
    account = CoverageText(report.coverage, lang, said, where="X").story
    claims.append(Claim(account, "coverage.story", frozenset(said)))
    return claims


@pytest.mark.parametrize("path", [*REPORTS, *UNSEEN], ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_sentence_of_every_report_rests_on_what_it_states(path, lang):
    report = load_report(path)
    claims = _claims(report, lang)
    assert claims
    found = problems(report, claims)
    assert not found, "\n".join(found)


def test_unseen_reports_are_there_to_try():
    """The reports the words were not tuned on (written from articles by someone who had not
    seen the code) are in the repository, and of more than one coverage."""
    covered = {load_report(p).coverage.body_key for p in UNSEEN}
    assert len(UNSEEN) >= 8 and {"party", "committee"} <= covered


@settings(max_examples=int(os.environ.get("VILLAGEBOOK_EXAMPLES", "60")) // 2, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(document=generated_reports())
def test_generated_reports_of_every_shape_and_coverage_say_only_what_they_state(document):
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "generated-2021.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
        report = load_report(path)
        found = [p for lang in ("zh", "en") for p in problems(report, _claims(report, lang))]
    assert not found, "\n".join(found)


def _report(coverage: dict | None) -> object:
    document = yaml.safe_load((DATA / "reports" / "yutang-2021.yaml").read_text(encoding="utf-8"))
    document.pop("coverage", None)
    if coverage:
        document["coverage"] = coverage
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "yutang-2021.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        return load_report(path)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_bodys_report_is_never_said_to_have_elected_both_committees(lang):
    for bodies, key in ((["party"], "party"), (["committee"], "committee"), (None, "unknown")):
        report = _report({"bodies": bodies} if bodies else None)
        # Every sentence, check and chart title of the book.
        claims = _claims(report, lang)
        text = " ".join(c.text for c in claims)
        assert "两委" not in text.replace("“两委”换届", "") if lang == "zh" else "two committees" not in text.lower()
        assert not problems(report, claims)
        assert report.coverage.body_key == key
    both = _report({"bodies": ["party", "committee"]})
    text = " ".join(c.text for c in story(both, "overview", lang).all_claims())
    assert ("两委" in text) if lang == "zh" else ("two committees" in text)


def test_a_sentence_claiming_what_the_report_does_not_say_is_caught():
    """The check itself can fail: each kind of unsupported fact, and coverage words with no fact."""
    party = _report({"bodies": ["party"]})
    bad = [
        Claim("In X, 15 villages elected their two committees.", "made-up",
              frozenset({("figure", "units_completed", "level")})),
        Claim("The average age was 50 last term.", "made-up", frozenset({("figure", "members_avg_age", "change0")})),
        Claim("About 4.4 per village.", "made-up", frozenset({("derived", "members_per_place", "members_total")})),
        Claim("…", "made-up", frozenset({("coverage", "bodies", "both")})),
        Claim("…", "made-up", frozenset({("assumption", "members_college_share")})),
        Claim("Nothing.", "made-up", frozenset()),
        Claim("The round was completed.", "made-up", frozenset({("coverage", "bodies", "party")})),
    ]
    found = problems(party, bad)
    assert len(found) == len(bad), "\n".join(found)
    assert "both committees" in found[0] and "no change0 of members_avg_age" in found[1]
    assert "derives no members_per_place" in found[2] and "bodies is party, not both" in found[3]
    assert "completed" in found[6]


def test_a_check_on_an_assumed_whole_says_so_in_both_languages():
    report = load_report(DATA / "reports" / "linjiang-2021.yaml")
    for lang, words in (("zh", "本书的假定"), ("en", "the book assumes")):
        assumed = [c for c in story(report, "checking", lang).claims if ("assumption", "women_heads_share") in c.facts]
        assert assumed and all(words in c.text for c in assumed)
