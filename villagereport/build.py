"""Build the book: execute the notebooks with papermill, then Jupyter Book, then publish.

Sources are never written: executed notebooks go to a staging tree under ``_build/``, the
site is built from there, and the new site replaces the published one only when every
step passed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager

from villagereport.errors import ReportError
from villagereport.report import load_report
from villagereport.wording import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
BUILD = ROOT / "_build"
# What Jupyter Book needs beside the executed notebooks.
BOOK_FILES = ("_config.yml", "_toc.yml", "INDEX.md")
BOOK_DIRS = ("_static",)
# Jupyter Book 1 can exit 0 after a failure; these in its log mean the build is not good.
LOG_FAILURES = re.compile(r"WARNING:|ERROR:|CRITICAL:|Execution Failed|Traceback")


class IPCKernelManager(AsyncKernelManager):
    """Kernels that talk over local sockets: no open TCP ports, no warning about them."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.ip = str(_socket_dir() / "kernel")


def _socket_dir() -> Path:
    path = Path(tempfile.gettempdir()) / f"villagereport-kernels-{os.getpid()}"
    path.mkdir(exist_ok=True)
    return path


class BuildError(RuntimeError):
    """A step of the build failed; the message says which notebook, cell or step."""


@dataclass(frozen=True)
class Execution:
    """One executed notebook: where it went and how long it took."""

    source: Path
    output: Path
    seconds: float


def notebooks() -> list[Path]:
    """The book's notebook sources, in reading order."""
    return sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))


def _failed_cell(path: Path) -> str:
    """Name the first cell of an executed notebook that raised, with its error line."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - a half-written notebook: say so rather than fail here
        return "(the executed notebook could not be read)"
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"cell {index} ({cell.get('id', '?')}): {output.get('ename')}: {output.get('evalue')}"
    return "(no cell recorded an error)"


def execute(source: Path, output: Path, report: Path, lang: str) -> Execution:
    """Run one notebook with papermill for ``report`` and ``lang`` into ``output``."""
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(source), str(output), parameters={"report": os.path.relpath(report, source.parent), "lang": lang},
            kernel_name="python3", progress_bar=False, cwd=str(source.parent), log_output=False,
            kernel_manager_class=f"{__name__}.IPCKernelManager",
        )
    except papermill.PapermillExecutionError as err:
        msg = f"{source.name}: {_failed_cell(output)}"
        raise BuildError(msg) from err
    return Execution(source, output, time.perf_counter() - started)


def stage(report: Path, lang: str, stage_dir: Path) -> list[Execution]:
    """Lay out a Jupyter Book source tree in ``stage_dir`` with freshly executed notebooks."""
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    stage_dir.mkdir(parents=True)
    for name in BOOK_FILES:
        shutil.copy2(ROOT / name, stage_dir / name)
    for name in BOOK_DIRS:
        shutil.copytree(ROOT / name, stage_dir / name)
    return [execute(nb, stage_dir / "book" / nb.name, report, lang) for nb in notebooks()]


def jupyter_book(source: Path, output: Path) -> None:
    """Build HTML from ``source`` into ``output``, failing on any warning or error in the log."""
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(source),
               "--path-output", str(output), "--warningiserror", "--keep-going", "--nitpick"]
    result = subprocess.run(command, capture_output=True, text=True, check=False,
                            env={**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"})
    log = result.stdout + result.stderr
    (output / "jupyter-book.log").parent.mkdir(parents=True, exist_ok=True)
    (output / "jupyter-book.log").write_text(log, encoding="utf-8")
    bad = [line for line in log.splitlines() if LOG_FAILURES.search(line)]
    if result.returncode != 0 or bad:
        first = bad[0].strip() if bad else f"exit status {result.returncode}"
        raise BuildError(f"jupyter-book: {first} (full log: {output / 'jupyter-book.log'})")


def publish(new_site: Path, target: Path) -> None:
    """Replace ``target`` with ``new_site`` by renames, so a reader never sees half a site."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new_site.rename(target)
    if old.exists():
        shutil.rmtree(old)


def build(report: Path, lang: str, target: Path) -> list[Execution]:
    """Execute, build and publish the book for ``report`` in ``lang`` at ``target``."""
    load_report(report)  # a bad report stops the build before any kernel starts
    if lang not in LANGUAGES:
        raise ReportError("parameters", "lang", f"expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    work = BUILD / "work" / lang
    executions = stage(report.resolve(), lang, work / "source")
    site = work / "site"
    if site.exists():
        shutil.rmtree(site)
    jupyter_book(work / "source", site)
    publish(site / "_build" / "html", target)
    return executions
