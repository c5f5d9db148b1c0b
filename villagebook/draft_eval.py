"""How well ``villagereport draft`` drafts reports, measured three ways (``make draft-eval``):

- **the repository's articles** (data/articles/, the seed article and the excerpts in ../shared),
  against their report files in data/reports/: the articles the cues were written from;
- **each of those as if unseen** (leave one out): the article drafted with only the cues that
  could have been learned from the *other* articles, i.e. without every cue word that occurs
  in that article alone unless the indicator's own name or definition holds it, alone or after
  a counter (「个部门」 of 「…的部门数量」) (the cues are
  hand-written data; a word no other article and no definition holds can only have come from
  this one); an indicator whose cue loses a word it needs has no cue at all;
- **held out**: data/unseen/, data/holdout/ and data/final-holdout/, each a set of real
  articles whose report files a person wrote by hand from the format documents alone, each
  measured apart. Rules of the drafter were written from data/unseen/'s misses (since
  2026-12-03); nothing has been written from data/holdout/ or data/final-holdout/: theirs is
  the figure of articles the drafter has not seen.

A figure is **found** when the draft gives its indicator and scope the same value, qualifier,
changes (value and reading) and previous level; **partial** when the value agrees and the rest
does not; **wrong** when the value differs; **missed** when the draft has no such figure;
**extra** when the draft has a figure the hand-made file does not. **Negated** counts the
drafted figures whose clause says the thing did not happen or is what is left (未, 剩下, 仍有…).
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from villagereport.catalogue import load_catalogue
from villagereport.draft import _NEGATION, _plain, draft, read_article, readable

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VILLAGEREPORT_SHARED", ROOT.parent / "shared"))
# Sets of real articles with hand-made report files that the cues were not written from.
HELD_OUT = ("data/unseen", "data/holdout", "data/final-holdout")
KINDS = ("found", "partial", "wrong", "missed", "extra", "negated")


def articles() -> dict[str, Path]:
    """Each repository report id with the article text the repository holds for it."""
    found = {p.stem: p for p in sorted((ROOT / "data" / "articles").glob("*.md"))}
    found.update({p.stem: p for p in sorted((SHARED / "reports").glob("*-20*.md"))})
    seed = SHARED / "seed" / "linjiang-2021.txt"
    if seed.exists():
        found["linjiang-2021"] = seed
    return {rid: path for rid, path in found.items() if (ROOT / "data" / "reports" / f"{rid}.yaml").exists()}


def held_out(folder: str) -> dict[str, tuple[Path, Path]]:
    """A held-out set's articles with their hand-made report files, by id."""
    base = ROOT / folder
    return {p.stem: (base / "articles" / f"{p.stem}.md", p) for p in sorted((base / "reports").glob("*.yaml"))
            if (base / "articles" / f"{p.stem}.md").exists()}


def _figures(entries: list[dict]) -> dict[tuple, dict]:
    out: dict[tuple, dict] = {}
    for entry in entries:
        key = (entry["indicator"], entry.get("scope"))
        value = entry.get("value")
        previous = entry.get("previous")
        out.setdefault(key, {
            "value": None if value is None else round(float(value), 6),
            "qualifier": entry.get("qualifier", "exact"),
            "changes": tuple(sorted((round(float(c["value"]), 6), c.get("reading", "absolute"))
                                    for c in entry.get("changes", []))),
            "previous": None if not previous else round(float(previous["value"]), 6),
            "quote": entry.get("quote", ""),
        })
    return out


def compare(hand: list[dict], drafted: list[dict]) -> dict[str, list]:
    """The drafted figures against the hand-made ones, by kind (see the module's words)."""
    want, got = _figures(hand), _figures(drafted)
    result: dict[str, list] = {kind: [] for kind in KINDS}
    for key, wanted in want.items():
        if key not in got:
            result["missed"].append(key)
            continue
        other = got[key]
        same = {k: wanted[k] == other[k] for k in ("value", "qualifier", "changes", "previous")}
        if wanted["value"] is not None and not same["value"]:
            result["wrong"].append((key, wanted, other))
        elif all(same.values()):
            result["found"].append(key)
        else:
            result["partial"].append((key, wanted, other))
    result["extra"] = [key for key in got if key not in want]
    # A figure of what did not happen belongs on an indicator of its own (party_units_not_completed).
    negative = {ind for ind, cues in load_catalogue().indicators["cues"].items()
                if isinstance(cues, dict) and any("未" in c for c in cues.get("all", []))}
    result["negated"] = [key for key, figure in got.items() if key[0] not in negative and _negated(figure["quote"])]
    return result


def _negated(quote: str) -> bool:
    simple, _ = readable(quote)
    # The clause that holds the figure: what comes before its first number.
    before = re.split(r"\d", simple, maxsplit=1)[0]
    return bool(_NEGATION.search(before.split("，")[-1].split(",")[-1]))


def unseen_cues(article: Path, others: list[Path]):  # type: ignore[no-untyped-def]
    """The catalogue's indicators with only the cue words that some other article holds, that
    no article holds, or that the indicator's own name or definition holds: the cues as if this
    article had never been read."""
    # Read as the drafter matches cue words: plain (villagereport.draft._plain).
    own = _plain(readable(read_article(article)[0])[0])
    rest = _plain("\n".join(readable(read_article(p)[0])[0] for p in others))
    indicators = copy.deepcopy(load_catalogue().indicators)
    for ind, cues in indicators["cues"].items():
        if not isinstance(cues, dict):
            continue
        # Words of the indicator's own name and definition could be written with no article.
        defined = f"{indicators.at[ind, 'name_zh']} {indicators.at[ind, 'definition_zh']}"
        kept = {part: [c for c in words if _plain(c) not in own or _plain(c) in rest or _defined(c, defined)]
                for part, words in cues.items()}
        # A cue that needs a word only this article holds ("all"), or whose every word of a kind
        # went ("after", "any"), could not have been written without it: the indicator has none.
        lost_all = len(kept.get("all", [])) < len(cues.get("all", []))
        if lost_all or any(cues.get(part) and not kept[part] for part in ("after", "any")):
            kept = None
        indicators.at[ind, "cues"] = kept
    return indicators


def _defined(cue: str, defined: str) -> bool:
    """Whether a cue could be written from the indicator's name and definition alone: it is
    in them, or it is a counter before a noun that is (「个部门」 of 「…的部门数量」)."""
    cue, defined = _plain(cue), _plain(defined)
    return cue in defined or (cue[:1] in "个家名" and len(cue) > 2 and cue[1:] in defined)


@dataclass
class Tally:
    """One measure's figures, counted by kind, report by report, with every miss named."""

    figures: int = 0
    counts: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    rows: list = field(default_factory=list)
    details: list = field(default_factory=list)

    def add(self, name: str, hand: list[dict], drafted: list[dict]) -> None:
        """Count one report's drafted figures against its hand-made ones."""
        result = compare(hand, drafted)
        n = len(_figures(hand))
        self.figures += n
        for kind in KINDS:
            self.counts[kind] += len(result[kind])
        self.rows.append((name, n, *(len(result[k]) for k in KINDS)))
        self.details += [f"  {name}: wrong {key}: report {w['value']}, draft {g['value']}" for key, w, g in result["wrong"]]
        self.details += [f"  {name}: partial {key}: report {_short(w)}, draft {_short(g)}" for key, w, g in result["partial"]]
        self.details += [f"  {name}: missed {key}" for key in result["missed"]]
        self.details += [f"  {name}: negated {key}" for key in result["negated"]]

    @property
    def share(self) -> float:
        """The percentage of figures found."""
        return 100 * self.counts["found"] / self.figures if self.figures else 0.0


def _short(figure: dict) -> str:
    return ", ".join(f"{k} {figure[k]}" for k in ("value", "qualifier", "changes", "previous") if figure[k] not in (None, ()))


def measure() -> dict[str, Tally]:
    """The three measures, by name."""
    repository = articles()
    tallies = {"repository": Tally(), "leave one out": Tally(), **{f"held out: {folder}": Tally() for folder in HELD_OUT}}
    for rid, article in repository.items():
        hand = yaml.safe_load((ROOT / "data" / "reports" / f"{rid}.yaml").read_text(encoding="utf-8")).get("figures", [])
        tallies["repository"].add(rid, hand, draft(article)[1])
        others = [p for other, p in repository.items() if other != rid]
        tallies["leave one out"].add(rid, hand, draft(article, unseen_cues(article, others))[1])
    for folder in HELD_OUT:
        for rid, (article, report) in held_out(folder).items():
            hand = yaml.safe_load(report.read_text(encoding="utf-8")).get("figures", [])
            tallies[f"held out: {folder}"].add(f"{folder.removeprefix('data/')}/{rid}", hand, draft(article)[1])
    return tallies


def main() -> int:
    """Print the three measures, report by report, then every miss (``make draft-eval``)."""
    tallies = measure()
    for name, tally in tallies.items():
        print(f"\n{name}")
        print(f"{'report':<34}{'figures':>8}" + "".join(f"{k:>9}" for k in KINDS))
        for rid, n, *counts in tally.rows:
            print(f"{rid:<34}{n:>8}" + "".join(f"{c:>9}" for c in counts))
        print(f"{'all':<34}{tally.figures:>8}" + "".join(f"{tally.counts[k]:>9}" for k in KINDS))
    print()
    for name, tally in tallies.items():
        print(f"{name}: found {tally.share:.1f}% of {tally.figures} figures (value, qualifier, changes and previous "
              f"level all agreeing); {tally.counts['wrong']} wrong in value, {tally.counts['negated']} placed against "
              "a negation (targets: 90%, 0, 0)")
    for name, tally in tallies.items():
        print(f"\n{name}, figure by figure:")
        print("\n".join(tally.details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
