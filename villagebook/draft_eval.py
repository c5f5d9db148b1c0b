"""How well ``villagereport draft`` drafts the project's reports: for every report in
data/reports/ whose article is in the repository (data/articles/, the seed article and the
excerpts in ../shared), the figures the draft found (indicator, scope and value equal),
missed, got wrong in value, and added that the hand-made file does not hold."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from villagereport.draft import draft

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VILLAGEREPORT_SHARED", ROOT.parent / "shared"))


def articles() -> dict[str, Path]:
    """Each report id with the article text the repository holds for it."""
    found = {p.stem: p for p in sorted((ROOT / "data" / "articles").glob("*.md"))}
    found.update({p.stem: p for p in sorted((SHARED / "reports").glob("*-20*.md"))})
    seed = SHARED / "seed" / "linjiang-2021.txt"
    if seed.exists():
        found["linjiang-2021"] = seed
    return {rid: path for rid, path in found.items() if (ROOT / "data" / "reports" / f"{rid}.yaml").exists()}


def _figures(entries: list[dict]) -> dict[tuple, tuple]:
    out = {}
    for entry in entries:
        key = (entry["indicator"], entry.get("scope"))
        changes = tuple(round(float(c["value"]), 6) for c in entry.get("changes", []))
        value = entry.get("value")
        out.setdefault(key, (None if value is None else round(float(value), 6), changes))
    return out


def compare(hand: list[dict], drafted: list[dict]) -> dict[str, list]:
    """found, missed, wrong and extra (indicator, scope) keys of ``drafted`` against ``hand``."""
    want, got = _figures(hand), _figures(drafted)
    result: dict[str, list] = {"found": [], "missed": [], "wrong": [], "extra": []}
    for key, (value, changes) in want.items():
        if key not in got:
            result["missed"].append(key)
            continue
        other, other_changes = got[key]
        same = value == other if value is not None else (other is None and other_changes[:1] == changes[:1])
        result["found" if same else "wrong"].append((key, value if value is not None else changes, other))
    result["extra"] = [key for key in got if key not in want]
    return result


def main() -> int:
    rows, totals = [], {"found": 0, "missed": 0, "wrong": 0, "extra": 0, "figures": 0}
    details = []
    for rid, article in articles().items():
        hand = yaml.safe_load((ROOT / "data" / "reports" / f"{rid}.yaml").read_text(encoding="utf-8"))
        _, entries = draft(article)
        result = compare(hand.get("figures", []), entries)
        n = len(_figures(hand.get("figures", [])))
        rows.append((rid, n, *(len(result[k]) for k in ("found", "missed", "wrong", "extra"))))
        totals["figures"] += n
        for k in ("found", "missed", "wrong", "extra"):
            totals[k] += len(result[k])
        details += [f"  {rid}: wrong {key}: report {want}, draft {got}" for key, want, got in result["wrong"]]
        details += [f"  {rid}: missed {key}" for key in result["missed"]]
    print(f"{'report':<26}{'figures':>8}{'found':>7}{'missed':>7}{'wrong':>7}{'extra':>7}")
    for rid, n, found, missed, wrong, extra in rows:
        print(f"{rid:<26}{n:>8}{found:>7}{missed:>7}{wrong:>7}{extra:>7}")
    share = 100 * totals["found"] / totals["figures"] if totals["figures"] else 0
    print(f"{'all':<26}{totals['figures']:>8}{totals['found']:>7}{totals['missed']:>7}{totals['wrong']:>7}"
          f"{totals['extra']:>7}")
    print(f"found {share:.1f}% of the figures (target 90%); {totals['wrong']} wrong in value (target 0)")
    print("\n".join(details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
