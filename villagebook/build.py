"""Build the book: stage each edition, run its notebooks, gate them, run Jupyter Book, publish.

Sources are never written: executed notebooks go to a staging tree under ``_build/work/``, the
site is built from there, and the new site replaces the published one only when every step
passed. Each step is a module of its own: villagebook.stage, .execute (and .kernels), .gate,
.site and .publish; this one runs them in order.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from villagebook import BOOK, DEFAULT_REPORT, ROOT
from villagebook.cache import package_digest, tree_digest, words_digest
from villagebook.errors import BuildError
from villagebook.publish import check_target, discard, new_site, publish
from villagereport.errors import ReportError
from villagereport.report import load_report
from villagereport.wording import check_language

if TYPE_CHECKING:
    from villagebook.kernels import Execution
    from villagebook.stage import Job

# The steps are imported by a build that has something to do (papermill, nbval and Jupyter
# Book take a second to import; a build that finds its site up to date needs none of them).

BUILD = ROOT / "_build"
# Written into each published site: the digest of the sources it was built from, and of
# everything those sources were made from (input_key), which a build compares first.
SITE_KEY = ".villagebook-build-key"
INPUT_KEY = ".villagebook-input-key"


def input_key(reports: list[Path], langs: list[str], book: Path, gated: bool) -> str:
    """What a site is made from: the reports, the languages, the book's sources and data, the
    configuration and static files, the packages (their code, templates and words, and the
    runtime's versions), every catalogue, and, where the gate runs, the goldens. The same key,
    the same site (outputs are deterministic): a build that finds it published stops there."""
    parts = [repr((langs, gated)), package_digest(), words_digest(), tree_digest(book, exclude=("__pycache__",)),
             tree_digest(ROOT / "data"), tree_digest(ROOT / "_static")]
    parts += [(ROOT / name).read_text(encoding="utf-8") for name in ("_config.yml", "_toc.yml")]
    parts += [f"{r}\0{hashlib.sha256(r.read_bytes()).hexdigest()}" for r in reports]
    if gated:
        from villagebook import gate

        parts.append(tree_digest(gate.GOLDENS))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()

__all__ = ["BUILD", "SITE_KEY", "BuildError", "build"]


def _gate_only(names: set[str], work: Path, book: Path) -> list[Job]:
    """The goldens the book does not run (the comparison page, for one report): run beside it
    with their own defaults, their executions kept for the gate."""
    from villagebook import gate
    from villagebook.stage import Job

    every_report = tuple(sorted((ROOT / "data" / "reports").glob("*.yaml")))
    return [Job(book / g.name, work / "gate" / g.name, {}, every_report, raw=work / "raw" / g.name)
            for g in sorted(gate.GOLDENS.glob("*.ipynb")) if g.name not in names]


def build(reports: list[Path], langs: list[str], target: Path, *, run_gate: bool = True, book: Path = BOOK,
          goldens: Path | None = None, use_cache: bool = True) -> dict[str, list[Execution]]:
    """Execute, gate, build and publish the book for ``reports`` in each of ``langs`` at ``target``.

    Steps: (1) papermill runs every notebook of every edition into a staging tree; (2) the
    gate compares their outputs with the goldens (nbval's comparison; or nbval itself with
    ``goldens`` given); (3) Jupyter Book builds each edition, strictly; (4) the new site (one
    folder per edition and a page to choose between them) replaces ``target``. A failure at any
    step raises BuildError and leaves ``target`` as it was.
    """
    # Everything a user gave is checked before any kernel starts.
    for report in reports:
        load_report(report)
    for lang in langs:
        check_language(lang)
    if not reports or not langs:
        raise ReportError("parameters", "report" if not reports else "lang", "expected at least one, got none")
    check_target(target)
    reports = [r.resolve() for r in reports]
    # Nothing it is made from has changed since the published site was built: keep it.
    made_from = input_key(reports, langs, book, run_gate and goldens is None)
    published = target.absolute() / INPUT_KEY
    if use_cache and published.exists() and published.read_text(encoding="utf-8") == made_from:
        return {lang: [] for lang in langs}
    from villagebook.kernels import book_kernels

    return book_kernels(_build)(reports, langs, target, run_gate, book, goldens, use_cache, made_from)


def _build(reports: list[Path], langs: list[str], target: Path, run_gate: bool, book: Path, goldens: Path | None,
           use_cache: bool, made_from: str) -> dict[str, list[Execution]]:
    """``build``'s steps, once its parameters are checked and its site found out of date."""
    from villagebook import gate
    from villagebook.edition import chooser_page
    from villagebook.execute import run_jobs
    from villagebook.site import finish_edition, jupyter_books, start_server, write_status
    from villagebook.stage import stage

    start_server()
    default_gate = run_gate and goldens is None and reports[0] == DEFAULT_REPORT.resolve()
    if default_gate:
        if not gate.GOLDENS.is_dir() or not any(gate.GOLDENS.glob("*.ipynb")):
            raise BuildError(f"regression gate: no goldens in {gate.GOLDENS}; record them with `make goldens`")
        gate.check_goldens(gate.GOLDENS, book)
    # A folder of its own per build, so two builds never share a staging tree.
    work = BUILD / "work" / str(os.getpid())
    started = time.perf_counter()
    jobs = {lang: stage(reports, lang, langs, work / lang / "source", book) for lang in langs}
    if run_gate and goldens is None and "zh" in jobs:
        # The Chinese edition's executions are kept as papermill wrote them, for the gate: of
        # the default report, those that run with the goldens' parameters (all but a
        # comparison with other reports); of another, all (its own goldens, never Linjiang's).
        jobs["zh"] = [replace(j, raw=work / "raw" / j.notebook.name) if not default_gate or len(j.reports) == 1 else j
                      for j in jobs["zh"]]
    gate_only = _gate_only({j.notebook.name for j in jobs.get("zh", []) if j.raw}, work, book) if default_gate else []
    done = run_jobs([job for lang in langs for job in jobs[lang]] + gate_only, use_cache=use_cache)
    executions = {lang: [e for e in done if e.output.is_relative_to(work / lang)] for lang in langs}
    gate_seconds = None
    if run_gate:
        gate_started = time.perf_counter()
        if default_gate:
            gate.compare_with_goldens(sorted((work / "raw").glob("*.ipynb")), gate.GOLDENS)
        elif goldens is None:
            gate.gate_report(reports[0], {p.name: p for p in sorted((work / "raw").glob("*.ipynb"))})
        else:
            gate.gate(goldens, use_cache=use_cache)  # goldens from elsewhere: nbval re-executes them
        gate_seconds = time.perf_counter() - gate_started
    # Nothing changed since the published site was built from the same sources: keep it.
    site_key = hashlib.sha256("".join(tree_digest(work / lang / "source") for lang in langs).encode()).hexdigest()
    key_file = target.absolute() / SITE_KEY
    if use_cache and key_file.exists() and key_file.read_text(encoding="utf-8") == site_key:
        (target.absolute() / INPUT_KEY).write_text(made_from, encoding="utf-8")
        shutil.rmtree(work, ignore_errors=True)
        return executions
    site = new_site(target)
    try:
        for lang in langs:
            write_status(work / lang / "source", executions[lang], reports, lang, gate_seconds,
                         time.perf_counter() - started)
        # The editions are independent: Jupyter Book builds them side by side.
        jupyter_books([(work / lang / "source", work / lang / "output") for lang in langs])
        for lang in langs:
            shutil.move(work / lang / "output" / "_build" / "html", site / lang)
            finish_edition(site / lang)
        (site / "index.html").write_text(chooser_page(langs, load_report(reports[0])), encoding="utf-8")
        (site / SITE_KEY).write_text(site_key, encoding="utf-8")
        (site / INPUT_KEY).write_text(made_from, encoding="utf-8")
        publish(site, target)
    except BaseException:
        discard(site)
        raise
    shutil.rmtree(work, ignore_errors=True)  # kept only when a step failed, for its logs
    return executions
