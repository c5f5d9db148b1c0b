"""Measure the book's build against the plain way, and the bytes a reader downloads.

Run with `make benchmark` (or `.venv/bin/python benchmarks/build_speed.py`). It prints:

(a) the plain way: `jupyter-book build` with `execute_notebooks: force`, one edition;
(b) our build, cold (empty caches): both editions, the regression gate included (every golden compared);
(c) our build, warm, nothing changed;
(d) our build after one figure changed in one report (a copy of Jiaxiang's, compared with
    Linjiang's), with the notebooks it re-executed;
(e) a build of several other reports, one after another (both editions each, gated), as a
    province's worth of counties would be built: seconds per report-edition, reports per hour;
(f) the atlas of every report in data/reports (both editions): cold, then with nothing changed;
    the time per report and the comparison page's weight;
then the ratios to (a), and bytes per page with the shared vega library counted once.
Its executions go to a cache of its own, never the developer's _build/cache.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Before the build is imported: it reads where its cache is when it loads.
os.environ["VILLAGEBOOK_CACHE"] = tempfile.mkdtemp(prefix="villagebook-bench-cache-")

from villagebook.build import BUILD, build  # noqa: E402
from villagebook.stage import notebooks, stage  # noqa: E402
from villagebook.cache import CACHE  # noqa: E402

LINJIANG = ROOT / "data" / "reports" / "linjiang-2021.yaml"
JIAXIANG = ROOT / "data" / "reports" / "jiaxiang-2021.yaml"
# (e): real reports of other places, of different shapes and lengths.
MANY = [ROOT / "data" / "reports" / f"{name}.yaml" for name in ("baiyin-2021", "bazhou-2021", "lingqiu-2021", "xixian-2021")]


def plain_way(scratch: Path) -> float:
    """Jupyter Book executing the same notebooks itself, one edition, no gate, no cache."""
    source = scratch / "plain-source"
    jobs = stage([LINJIANG], "zh", ["zh"], source)
    for job in jobs:  # the notebooks as they are; Jupyter Book runs them with their defaults
        shutil.copy2(job.notebook, job.output)
    config = yaml.safe_load((source / "_config.yml").read_text(encoding="utf-8"))
    config["execute"] = {"execute_notebooks": "force", "timeout": 300}
    (source / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (source / "status.md").write_text("# Status\n", encoding="utf-8")
    jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
    started = time.perf_counter()
    result = subprocess.run([jupyter_book, "build", str(source), "--path-output", str(scratch / "plain-out")],
                            capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0 or "Execution Failed" in result.stdout:
        sys.exit(f"the plain build failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return seconds


def timed(reports: list[Path], target: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    executions = build(reports, ["zh", "en"], target, run_gate=True)
    return time.perf_counter() - started, executions


def bytes_per_page(site: Path) -> list[dict]:
    """HTML, chart data and scripts per page of the Chinese edition; shared files counted once."""
    edition = site / "zh"
    rows, seen = [], set()
    for page in sorted(edition.rglob("*.html")):
        if {"_static", "_sources"} & set(page.parts) or "Refresh" in page.read_text(encoding="utf-8")[:500]:
            continue
        text = page.read_text(encoding="utf-8")
        data = sum(len(m.encode()) for m in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', text, re.S))
        assets = set(re.findall(r'(?:src|href)="([^"?#]+\.(?:js|css))', text))
        new = 0
        for asset in assets:
            path = (page.parent / asset).resolve()
            if path.exists() and path not in seen:
                seen.add(path)
                new += path.stat().st_size
        rows.append({"page": str(page.relative_to(edition)), "html": len(text.encode()), "chart_data": data,
                     "scripts_and_styles_new": new})
    return rows


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="villagebook-bench-", dir=BUILD))
    try:
        target = scratch / "site"
        a = plain_way(scratch)
        shutil.rmtree(CACHE, ignore_errors=True)  # the benchmark's own cache: (b) starts cold
        b, cold = timed([LINJIANG], target)
        c, warm = timed([LINJIANG], target)
        # (d): a book comparing Linjiang with a copy of Jiaxiang; warm it, change one figure, rebuild.
        copy = scratch / "jiaxiang-copy.yaml"
        shutil.copy2(JIAXIANG, copy)
        timed([LINJIANG, copy], scratch / "site-d")
        text = copy.read_text(encoding="utf-8")
        assert text.count("47.86") == 2  # the value and its quote
        copy.write_text(text.replace("47.86", "47.96"), encoding="utf-8")
        d, changed = timed([LINJIANG, copy], scratch / "site-d")
        rerun = sorted(f"{lang}:{e.source.name}" for lang, runs in changed.items() for e in runs if not e.cached)
        pages = bytes_per_page(target)
        started = time.perf_counter()
        for report in MANY:
            build([report], ["zh", "en"], scratch / f"many-{report.stem}", run_gate=True)
        e = time.perf_counter() - started
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    executed = lambda runs: sum(not e.cached for r in runs.values() for e in r)  # noqa: E731
    print(f"notebooks: {len(notebooks())}; cores: {__import__('os').cpu_count()}")
    print()
    print(f"{'run':<58} {'seconds':>8} {'/ (a)':>7} {'executed':>9}")
    print(f"{'(a) plain: jupyter-book, execute_notebooks: force, 1 edition':<58} {a:>8.1f} {1:>7.2f} {'8':>9}")
    print(f"{'(b) ours, cold: 2 editions + gate':<58} {b:>8.1f} {b / a:>7.2f} {executed(cold):>9}")
    print(f"{'(c) ours, warm: nothing changed':<58} {c:>8.1f} {c / a:>7.2f} {executed(warm):>9}")
    print(f"{'(d) ours, one figure changed in one report':<58} {d:>8.1f} {d / a:>7.2f} {executed(changed):>9}")
    print(f"    re-executed in (d): {', '.join(rerun) or 'nothing'}")
    per_edition = e / (2 * len(MANY))
    print(f"{f'(e) ours, {len(MANY)} other reports x 2 editions, one after another':<58} {e:>8.1f} {e / a:>7.2f} "
          f"{len(MANY) * 2 * len(notebooks()):>9}")
    print(f"    {per_edition:.1f} s per report-edition; {3600 / (e / len(MANY)):.0f} reports (both editions) an hour")
    print(f"targets: (b)/(a) <= 0.7: {'met' if b / a <= 0.7 else 'NOT met'}; "
          f"(c)/(a) <= 0.05: {'met' if c / a <= 0.05 else 'NOT met'}")
    print()
    print(f"{'page (zh edition)':<34} {'HTML':>9} {'chart data':>11} {'new JS+CSS':>11}")
    for row in pages:
        print(f"{row['page']:<34} {row['html']:>9,} {row['chart_data']:>11,} {row['scripts_and_styles_new']:>11,}")
    total = {k: sum(r[k] for r in pages) for k in ("html", "chart_data", "scripts_and_styles_new")}
    print(f"{'total (shared files once)':<34} {total['html']:>9,} {total['chart_data']:>11,} "
          f"{total['scripts_and_styles_new']:>11,}")
    bundle = ROOT / "villagereport" / "static" / "vega-bundle.min.js"
    print(f"of which the vega bundle, loaded once and cached: {bundle.stat().st_size:,} bytes")
    # (f) the atlas of every report in data/reports: cold (this run's cache holds the pages (b)
    # and (e) ran), then warm; the time per report, and the weight of the comparison page.
    from villagebook.atlas import atlas, reports_of

    everyone = reports_of([])
    folder = Path(tempfile.mkdtemp(prefix="villagebook-atlas-", dir=BUILD))
    try:
        started = time.perf_counter()
        atlas(everyone, ["zh", "en"], folder / "atlas")
        f_cold = time.perf_counter() - started
        started = time.perf_counter()
        atlas(everyone, ["zh", "en"], folder / "atlas")
        f_warm = time.perf_counter() - started
        weight = (folder / "atlas" / "comparison" / "zh" / "book" / "09_comparison.html").stat().st_size
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print()
    print(f"(f) atlas of {len(everyone)} reports, both editions: {f_cold:.1f} s ({f_cold / len(everyone):.1f} s a report), "
          f"again with nothing changed {f_warm:.2f} s; its comparison page {weight:,} bytes of HTML")
    (BUILD / "benchmark.json").write_text(json.dumps({"a": a, "b": b, "c": c, "d": d, "e": e, "rerun_d": rerun,
                                                      "pages": pages}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
