"""Build the book: execute the notebooks with papermill, then Jupyter Book, then publish.

Sources are never written: executed notebooks go to a staging tree under ``_build/``, the
site is built from there, and the new site replaces the published one only when every
step passed.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import multiprocessing.util
import ctypes
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import nbformat
import papermill
import yaml
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.client import KernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

from villagebook.cache import CACHE, execution_key, package_digest, tree_digest, words_digest
from villagebook.classroom import Posed, write_copies
from villagebook.edition import book_config, book_page, chooser_page, declared_parameters, landing_page, table_of_contents
from villagereport import comments, render
from villagereport.errors import ReportError
from villagebook.sources import text_sources
from villagebook.stories import told_book
from villagereport.notebook import DOWNLOADS_MARKER, TITLE_MARKER, TITLE_MIME
from villagereport.furniture import furniture
from villagereport.pages import Page
from villagereport.sections import PAGE_STEMS
from villagebook import DEFAULT_REPORT, ROOT
from villagereport.report import load_report
from villagereport.wording import check_language, escape_markdown, fill, strings

BOOK = ROOT / "book"
BUILD = ROOT / "_build"
# What Jupyter Book needs beside the executed notebooks.
# (_config.yml, _toc.yml and INDEX.md are written per edition by villagebook.edition.)
BOOK_DIRS = ("_static",)
# A section page's section (overview) by its notebook's name (01_overview).
SECTION_OF = {stem: section for section, stem in PAGE_STEMS.items()}
# Jupyter Book 1 can exit 0 after a failure; these in its log mean the build is not good.
# Written into each published site: the digest of the sources it was built from.
SITE_KEY = ".villagebook-build-key"
LOG_FAILURES = re.compile(r"WARNING:|ERROR:|CRITICAL:|Execution Failed|Traceback")


class IPCKernelManager(AsyncKernelManager):
    """Kernels that talk over local sockets: no open TCP ports, no warning about them."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.ip = str(_socket_dir() / "kernel")

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts a kernel (SIGINT) before asking it to shut down; an idle
        # kernel then logs "KeyboardInterrupt caught in kernel". The shutdown request alone
        # ends it (and a kernel that does not end is terminated after the wait).
        if not self.shutting_down:
            await super()._async_interrupt_kernel()


class WarmClient(AsyncKernelClient):
    """A warm kernel's one client, kept from notebook to notebook: its channels start once and it
    waits for the kernel once (every new client spends 0.2 s draining IOPub before it is ready).
    Messages left from an earlier notebook are ignored: nbclient reads only replies to its own."""

    _ready = False

    def start_channels(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if not self.channels_running:
            super().start_channels(*args, **kwargs)

    async def _wait_once(self, timeout: float | None = None) -> None:
        if not self._ready:
            await KernelClient._async_wait_for_ready(self, timeout=timeout)
            self._ready = True

    wait_for_ready = _wait_once


class WarmKernelManager(IPCKernelManager):
    """The manager of a warm kernel: hands out the same client while its channels run."""

    kept: WarmClient | None = None

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.client_factory = WarmClient

    def client(self, **kwargs: object) -> WarmClient:
        if self.kept is None or (self.kept._ready and not self.kept.channels_running):
            self.kept = super().client(**kwargs)
        return self.kept


def _socket_dir() -> Path:
    path = Path(tempfile.gettempdir()) / f"villagereport-kernels-{os.getpid()}"
    if not path.is_dir():
        path.mkdir()
        # One folder per process for its kernels' sockets, gone with the process (each test
        # worker and build left one behind before).
        atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def book_kernels(function):  # type: ignore[no-untyped-def]
    """Run ``function`` with the book's kernels told that their pages load the chart library
    (render.LIBRARY_ENV): a page's charts then carry no copy of it. A notebook run any other way
    (``make run``, JupyterLab) carries its own."""

    @functools.wraps(function)
    def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        before = os.environ.get(render.LIBRARY_ENV)
        os.environ[render.LIBRARY_ENV] = "site"
        try:
            return function(*args, **kwargs)
        finally:
            if before is None:
                os.environ.pop(render.LIBRARY_ENV, None)
            else:
                os.environ[render.LIBRARY_ENV] = before

    return wrapped


class BuildError(RuntimeError):
    """A step of the build failed; the message says which notebook, cell or step."""


@dataclass(frozen=True)
class Execution:
    """One executed notebook: where it went and how long it took."""

    source: Path
    output: Path
    seconds: float
    cached: bool = False
    kernel: str | None = None  # the warm kernel that ran it, by its id


def notebooks(book: Path = BOOK) -> list[Path]:
    """The book's notebook sources, in reading order."""
    return sorted(book.glob("[0-9][0-9]_*.ipynb"))


def _failed_cell(executed: Path, source: Path) -> str:
    """Name the cell that raised: its index in the source notebook, its id, its error line."""
    try:
        nb = nbformat.read(executed, as_version=4)
        ids = [cell.get("id") for cell in nbformat.read(source, as_version=4).cells]
    except Exception:  # noqa: BLE001 - a half-written notebook: say so rather than fail here
        return "(the executed notebook could not be read)"
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                # papermill inserts cells of its own; the id finds the cell in the source.
                where = ids.index(cell.get("id")) if cell.get("id") in ids else "?"
                return f"cell {where} ({cell.get('id', '?')}): {output.get('ename')}: {output.get('evalue')}"
    return "(no cell recorded an error)"


# One kernel per worker process, kept warm from one notebook to the next: a kernel's start and
# the pandas/Altair/villagereport imports are paid once per worker, not once per notebook.
_WARM: dict[str, IPCKernelManager] = {}
# Run before each notebook in a warm kernel, so that it starts as a fresh kernel would: no names
# left from the notebook before, warnings shown again, the notebook's folder as the cwd.
_RESET_CELLS = (
    "import gc, os, sys, warnings\n"
    "for _module in list(sys.modules.values()):\n"
    "    getattr(_module, '__warningregistry__', {}).clear()\n"
    "warnings._filters_mutated()\n"
    "os.chdir(CWD)",
    "%reset -f",
    # What is left after the collection (the modules a page imports, their caches) stays for
    # the kernel's life: frozen, the garbage collector no longer walks it on every collection.
    # Walking it cost 0.1 s, twice per notebook (%reset collects too): about half of a warm
    # notebook's kernel time (measured on Linjiang's pages).
    "import gc; gc.collect(); gc.freeze(); del gc",
)


def _kernel(cwd: Path, warm: bool) -> IPCKernelManager | None:
    """This process's warm kernel, reset for the next notebook (started by its first notebook)."""
    if not warm:
        return None
    km = _WARM.get("km")
    if km is not None and km.has_kernel and not run_sync(km.is_alive)():
        _WARM.pop("km")  # the kernel died (a notebook ended it): start another
        km = None
    if km is None:
        km = _WARM["km"] = WarmKernelManager(kernel_name="python3")
        multiprocessing.util.Finalize(km, _shutdown_warm, exitpriority=10)
    elif km.has_kernel:
        cells = [c.replace("CWD", repr(str(cwd))) for c in _RESET_CELLS]
        reset = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
        NotebookClient(reset, km=km, kernel_name="python3").execute()
    return km


# Warm kernels of the process a pool worker was forked from: never used or cleaned up there.
_INHERITED: list[IPCKernelManager] = []


def _own_kernel() -> None:
    """In a pool worker forked from a process that has a warm kernel (a test's, or the goldens'):
    start a kernel of its own rather than share that one, and leave it to its process."""
    if "km" in _WARM:
        _INHERITED.append(_WARM.pop("km"))


def _shutdown_warm() -> None:
    """Shut the warm kernel down politely (a shutdown request, not a signal)."""
    km = _WARM.pop("km", None)
    if km is not None and km.has_kernel:
        run_sync(km.shutdown_kernel)(now=False)
    if km is not None and km.kept is not None and km.kept.channels_running:
        km.kept.stop_channels()


def _read_executed(path: Path) -> dict:
    """An executed notebook as the JSON papermill wrote: not validated or converted again, as
    nbformat.read would (with nbformat.write, about 10 ms of the parent's 70 ms a page)."""
    return json.loads(path.read_text(encoding="utf-8"))


def _write_executed(nb: dict, path: Path) -> None:
    """Write back a notebook read by _read_executed, byte for byte as nbformat.write writes it
    (sorted keys, an indent of one, text kept as lines, a final newline)."""
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, separators=(",", ": "), ensure_ascii=False) + "\n",
                    encoding="utf-8")


def _as_fresh(output: Path) -> None:
    """Number the executed cells 1, 2, 3 ... as a fresh kernel numbers them, and give the cell
    papermill injects the same id each run (papermill draws a random one): the same inputs then
    give the same cells, in the goldens and in the notebooks the site publishes."""
    nb = _read_executed(output)
    count = 0
    for cell in nb["cells"]:
        if "injected-parameters" in cell["metadata"].get("tags", []):
            cell["id"] = "injected-parameters"
        if cell["cell_type"] == "code" and cell.get("execution_count") is not None:
            count += 1
            cell["execution_count"] = count
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = count
    _write_executed(nb, output)


def execute(source: Path, output: Path, parameters: dict, *, warm: bool = False, hide: bool = True) -> Execution:
    """Run one notebook with papermill and ``parameters`` into ``output``; with ``warm``, in this
    process's warm kernel, reset first, with outputs as a fresh kernel gives them; with ``hide``,
    its parameter cells marked to be left off the page."""
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    km = _kernel(source.parent, warm)
    try:
        papermill.execute_notebook(
            str(source), str(output), parameters=parameters,
            kernel_name="python3", progress_bar=False, cwd=str(source.parent), log_output=False,
            # Written once at the end, not after every cell (each write validates the whole notebook).
            request_save_on_cell_execute=False,
            **({"km": km} if km is not None else {"kernel_manager_class": f"{__name__}.IPCKernelManager"}),
        )
    except papermill.PapermillExecutionError as err:
        msg = f"{source.name}: {_failed_cell(output, source)}"
        raise BuildError(msg) from err
    _as_fresh(output)
    if hide:
        finish_page(output)
    return Execution(source, output, time.perf_counter() - started, kernel=km.kernel_id if km is not None else None)


def downloads_html(notebook: str, report_file: str, lang: str) -> str:
    """The line under a page offering its student and teacher notebooks, and the report file
    they open, where the site keeps them (``_static/notebooks/``, written by ``stage``)."""
    words = strings(lang)["exercises"]
    links = [{"name": f"{kind}-{notebook}", "href": f"../_static/notebooks/{kind}/{notebook}", "text": words[kind]}
             for kind in ("student", "teacher")]
    links.append({"name": report_file, "href": f"../_static/notebooks/student/{quote(report_file)}",
                  "text": words["report_file"]})
    return furniture("downloads.html", label=words["downloads"], colon=strings(lang)["page"]["label_colon"], links=links)


def finish_page(path: Path, downloads: str = "", lang: str = "") -> None:
    """Make an executed notebook a page: its title, which the page announced when it ran (an
    output of type TITLE_MIME), written into its heading; ``downloads`` (HTML) where the page
    offers its notebooks (DOWNLOADS_MARKER); its code's comments in the edition's ``lang``
    (the code a reader opens under "show the code"); the default and papermill's injected
    parameter cells kept off the reader's page (a report id and a language code are the
    notebook's, not the reader's); and cells that showed nothing."""
    nb = _read_executed(path)
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if lang and cell["cell_type"] == "code":
            cell["source"] = comments.in_language(source, lang)
        if downloads and cell["cell_type"] == "markdown" and source.strip() == DOWNLOADS_MARKER:
            cell["source"] = downloads.splitlines(keepends=True)  # raw HTML, as the page shows it
        announced = [o for o in cell.get("outputs", []) if TITLE_MIME in o.get("data", {})]
        if announced:
            cell["outputs"] = [o for o in cell["outputs"] if o not in announced]
            title = escape_markdown(announced[-1]["data"][TITLE_MIME]["title"])
            for heading in nb["cells"]:
                if heading["cell_type"] == "markdown":
                    # The source as papermill wrote it: a list of lines (or one string).
                    source = heading["source"]
                    heading["source"] = ([line.replace(TITLE_MARKER, title) for line in source]
                                         if isinstance(source, list) else source.replace(TITLE_MARKER, title))
    for cell in nb["cells"]:
        tags = cell["metadata"].get("tags", [])
        # A cell whose input is hidden or removed and that showed nothing (an exercise a report
        # has no figures for) would leave an empty toggle or an empty box in the page: left off too.
        empty = cell["cell_type"] == "code" and {"hide-input", "remove-input"} & set(tags) and not cell.get("outputs")
        if ({"parameters", "injected-parameters"} & set(tags) or empty) and "remove-cell" not in tags:
            cell["metadata"]["tags"] = [*tags, "remove-cell"]
    _write_executed(nb, path)


def _parameters(notebook: Path, reports: list[Path], lang: str) -> dict | None:
    """What to pass a notebook, by the names it declares; None to leave it out of this edition."""
    declared = declared_parameters(notebook)
    as_seen_from_book = [os.path.relpath(r, notebook.parent) for r in reports]
    values = {"report": as_seen_from_book[0], "lang": lang, "others": as_seen_from_book[1:]}
    if "others" in declared and len(reports) < 2:
        return None  # the comparison page is for several reports
    return {name: values[name] for name in declared if name in values}


@dataclass(frozen=True)
class Job:
    """One notebook to run for one edition."""

    notebook: Path
    output: Path
    parameters: dict
    reports: tuple[Path, ...]
    downloads: str = ""  # the HTML offering the page's notebooks, where it has exercises


def stage(reports: list[Path], lang: str, editions: list[str], stage_dir: Path, book: Path = BOOK) -> list[Job]:
    """Lay out one edition's Jupyter Book source in ``stage_dir``; return the notebooks to run into it."""
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    stage_dir.mkdir(parents=True)
    loaded = [load_report(r) for r in reports]
    for name in BOOK_DIRS:
        shutil.copytree(ROOT / name, stage_dir / name)
    # The chart library the pages load: the package's copy, which notebooks outside the book carry.
    (stage_dir / "_static" / "vendor").mkdir(parents=True, exist_ok=True)
    for name in (render.LIBRARY.name, "LICENSES.txt"):
        shutil.copy2(render.LIBRARY.parent / name, stage_dir / "_static" / "vendor" / name)
    # The figures' styles, which the notebooks outside the book use too (Jupyter Book loads every
    # style sheet in _static on every page).
    shutil.copy2(render.LIBRARY.parent / "figures.css", stage_dir / "_static" / "figures.css")
    config = book_config(lang, editions, loaded[0])
    (stage_dir / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    toc = table_of_contents(lang, comparison=len(reports) > 1)
    (stage_dir / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    pages = {page.section: page for page in told_book(loaded[0], lang)}  # each page's story and exercises
    (stage_dir / "INDEX.md").write_text(landing_page(lang, loaded[0], loaded[1:], pages.values()), encoding="utf-8")
    # The pages written in Markdown (the teacher's guide); the notebooks' text sources are not
    # pages: their .ipynb, executed, are.
    notebook_texts = set(text_sources(book))
    for page in sorted(p for p in book.glob("*.md") if p not in notebook_texts):
        (stage_dir / "book").mkdir(exist_ok=True)
        (stage_dir / "book" / page.name).write_text(book_page(page, lang, loaded[0], pages.values()),
                                                         encoding="utf-8")
    # Student and teacher copies of each page, downloadable from it. They open the book's own
    # report and language, by the report's file name: the file is offered beside them.
    copies = stage_dir / "_static" / "notebooks"
    write_copies(notebooks(book), copies, parameters={"report": reports[0].name, "lang": lang},
                 posed={f"{PAGE_STEMS[section]}.ipynb": {e.id: Posed.of(e) for e in page.exercises}
                        for section, page in pages.items()},
                 titles={f"{stem}.ipynb": Page(section, loaded[0], lang).title for section, stem in PAGE_STEMS.items()})
    for kind in ("student", "teacher"):
        shutil.copy2(reports[0], copies / kind / reports[0].name)
    jobs = []
    for notebook in notebooks(book):
        parameters = _parameters(notebook, reports, lang)
        if parameters is not None:
            read = tuple(reports) if "others" in parameters else (reports[0],)
            section = SECTION_OF.get(notebook.stem)
            # A page offers its notebooks only where it has exercises for this report.
            downloads = (downloads_html(notebook.name, reports[0].name, lang)
                         if section and pages[section].exercises else "")
            jobs.append(Job(notebook, stage_dir / "book" / notebook.name, parameters, read, downloads))
    return jobs


def _run_job(job: Job, use_cache: bool, warm: bool = True, hide: bool = True) -> Execution:
    """Run one job, or copy its cached execution when nothing it depends on has changed. The
    cache keeps the execution as papermill wrote it (a golden is recorded from it); ``hide``
    then marks the output's parameter cells to be left off the page."""
    key = execution_key(job.notebook, job.parameters, list(job.reports))
    cached = CACHE / f"{key}.ipynb"
    if use_cache and cached.exists():
        job.output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(cached, job.output)
        execution = Execution(job.notebook, job.output, 0.0, cached=True)
    else:
        execution = execute(job.notebook, job.output, job.parameters, warm=warm, hide=False)
        if use_cache:
            CACHE.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(f".{os.getpid()}.tmp")
            shutil.copy2(job.output, partial)
            partial.replace(cached)  # atomically: a killed build never leaves half an entry
    if hide:
        finish_page(job.output, job.downloads, job.parameters.get("lang", ""))
    return execution


# Worker processes with warm kernels, kept from one run of jobs to the next in this process (a
# script that builds many reports, or the tests): a kernel's start and imports are paid once.
# They are kept only while what a kernel holds once it has run a page stays the same: the
# packages' code, the words it read, and the environment it was started with.
_POOL: dict[str, object] = {}
# Set by pytest for each test; nothing a page shows depends on it.
_VOLATILE_ENVIRONMENT = ("PYTEST_CURRENT_TEST",)


def _pool_key(workers: int) -> str:
    environment = sorted((k, v) for k, v in os.environ.items() if k not in _VOLATILE_ENVIRONMENT)
    return hashlib.sha256(repr((workers, environment, package_digest(), words_digest())).encode()).hexdigest()


def close_pool() -> None:
    """Stop the kept worker processes; each shuts its kernel down by request on its way out."""
    pool = _POOL.pop("executor", None)
    _POOL.pop("key", None)
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)  # type: ignore[attr-defined]


atexit.register(close_pool)


def _pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    key = _pool_key(workers)
    if _POOL.get("key") != key:
        close_pool()
        _POOL["executor"] = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, initializer=_own_kernel, mp_context=multiprocessing.get_context("fork"))
        _POOL["key"] = key
    return _POOL["executor"]  # type: ignore[return-value]


def run_jobs(jobs: list[Job], *, use_cache: bool = True, workers: int | None = None,
             warm: bool = True) -> list[Execution]:
    """Run every job, in parallel on all cores: one process per core, each with one kernel kept
    warm from notebook to notebook, and from one call to the next while nothing a kernel holds
    has changed (``warm=False``: a fresh kernel for every notebook, in processes of this call's)."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) < 2:
        try:
            return [_run_job(job, use_cache, warm) for job in jobs]
        finally:
            _shutdown_warm()
    pool = _pool(workers) if warm else concurrent.futures.ProcessPoolExecutor(max_workers=workers, initializer=_own_kernel)
    futures = [pool.submit(_run_job, job, use_cache, warm) for job in jobs]
    try:
        return [future.result() for future in futures]
    except BaseException:
        # The jobs still running finish; a failed notebook's kernel is not kept.
        if warm:
            close_pool()
        raise
    finally:
        if not warm:
            pool.shutdown(wait=True, cancel_futures=True)


# What Jupyter Book imports to build a page (about 1.2 s of a 2.4 s edition): imported once per
# process, before the editions' builds are forked from it, rather than again in each.
_JUPYTER_BOOK_MODULES = ("jupyter_book.cli.main", "jupyter_book.sphinx", "myst_nb.sphinx_ext", "pydata_sphinx_theme",
                         "sphinx_book_theme", "sphinx_design.extension", "sphinx.builders.epub3",
                         "sphinx_external_toc.parsing")


def _jupyter_book_child(arguments: list[str], log: Path) -> None:
    """In a process forked for one edition: Jupyter Book's own command line, as `jupyter-book
    build` runs it, its output (stdout and stderr) written to ``log``."""
    import warnings

    from jupyter_book.cli.main import main

    with open(log, "w", encoding="utf-8") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
    # The process it was forked from may have redirected its streams (pytest does): write to
    # the descriptors themselves, line by line, as the command does.
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)
    sys.stderr = sys.__stderr__ = open(2, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)
    # A new interpreter's filters, with DeprecationWarning ignored too: the deprecations of
    # Jupyter Book's own dependencies are not the book's warnings.
    warnings.resetwarnings()
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.simplefilter("ignore", category)
    try:
        main.main(args=arguments, prog_name="jupyter-book", standalone_mode=True)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def jupyter_books(builds: list[tuple[Path, Path]]) -> None:
    """Run Jupyter Book for each (source, output) at once, one process per edition, forked from
    this one once it has Jupyter Book imported."""
    import importlib
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # its dependencies' deprecations, not the book's
        for module in _JUPYTER_BOOK_MODULES:
            importlib.import_module(module)
    processes = []
    for source, output in builds:
        output.mkdir(parents=True, exist_ok=True)
        log = output / "jupyter-book.log"
        process = multiprocessing.get_context("fork").Process(
            target=_jupyter_book_child, daemon=True,
            args=(["build", str(source), "--path-output", str(output), "--warningiserror", "--keep-going", "--nitpick"], log))
        process.start()
        processes.append((output, process, log))
    failures = []
    for output, process, log in processes:
        process.join()
        try:
            _check_jupyter_book_log(output, log.read_text(encoding="utf-8", errors="replace"), process.exitcode)
        except BuildError as err:
            failures.append(str(err))
    if failures:
        raise BuildError("; ".join(failures))


def _check_jupyter_book_log(output: Path, log: str, returncode: int) -> None:
    """Fail on a non-zero exit or on any warning or error line in the log (kept in ``output``)."""
    bad = [line for line in log.splitlines() if LOG_FAILURES.search(line)]
    if returncode != 0 or bad:
        first = bad[0].strip() if bad else f"exit status {returncode}"
        raise BuildError(f"jupyter-book: {first} (full log: {output / 'jupyter-book.log'})")


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return result == 0


def publish(new_site: Path, target: Path) -> None:
    """Put ``new_site`` at ``target`` in one atomic step: a reader, or a build killed at any
    moment, finds either the old site whole or the new one whole, never neither."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists() and _exchange(new_site, target):
        shutil.rmtree(new_site)  # which now holds the previous site
        return
    if target.exists():
        target.rename(old)
    new_site.rename(target)
    if old.exists():
        shutil.rmtree(old)


def check_target(target: Path) -> None:
    """Refuse, before anything runs, a place the site cannot be published: a file, or a folder
    under a file or one this user cannot write."""
    where = target.absolute()
    if where.exists() and not where.is_dir():
        raise ReportError(target, "out", "expected a folder to publish the site in, got a file")
    parent = where.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ReportError(target, "out", f"expected a folder to publish the site in, got a path under the file {parent}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ReportError(target, "out", f"expected a folder that can be written, got {parent}, which cannot")


@book_kernels
def build(reports: list[Path], langs: list[str], target: Path, *, run_gate: bool = True, book: Path = BOOK,
          goldens: Path | None = None, use_cache: bool = True) -> dict[str, list[Execution]]:
    """Execute, gate, build and publish the book for ``reports`` in each of ``langs`` at ``target``.

    Steps: (1) papermill runs every notebook of every edition into a staging tree; (2) nbval
    re-executes the goldens and compares every output; (3) Jupyter Book builds each edition,
    strictly; (4) the new site (one folder per edition and a page to choose between them)
    replaces ``target``. A failure at any step raises BuildError and leaves ``target`` as it was.
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
    # A folder of its own per build, so two builds never share a staging tree.
    work = BUILD / "work" / str(os.getpid())
    started = time.perf_counter()
    jobs = {lang: stage(reports, lang, langs, work / lang / "source", book) for lang in langs}
    # The default report's gate: the Chinese edition's runs with the goldens' parameters are
    # compared as they are; the goldens it does not run (the comparison page, for one report)
    # are run beside the book's notebooks, with their own defaults, and compared the same way.
    default_gate = run_gate and goldens is None and reports[0] == DEFAULT_REPORT.resolve()
    reusable = [j for j in jobs.get("zh", []) if _is_default_run(j.notebook, reports)] if default_gate else []
    rest = [g.name for g in sorted(GOLDENS.glob("*.ipynb"))
            if g.name not in {j.notebook.name for j in reusable}] if default_gate else []
    gate_jobs = [Job(book / name, work / "gate" / name, {}, tuple(sorted((ROOT / "data" / "reports").glob("*.yaml"))))
                 for name in rest]
    done = run_jobs([job for lang in langs for job in jobs[lang]] + gate_jobs, use_cache=use_cache)
    executions = {lang: [e for e in done if e.output.is_relative_to(work / lang)] for lang in langs}
    gate_seconds = None
    if run_gate and goldens is None and reports[0] != DEFAULT_REPORT.resolve():
        # Another county's book is gated against its own goldens, never Linjiang's.
        gate_started = time.perf_counter()
        gate_report(reports[0], executions)
        gate_seconds = time.perf_counter() - gate_started
    elif default_gate:
        gate_started = time.perf_counter()
        if not GOLDENS.is_dir() or not any(GOLDENS.glob("*.ipynb")):
            raise BuildError(f"regression gate: no goldens in {GOLDENS}; record them with `make goldens`")
        compare_with_goldens([j.output for j in reusable + gate_jobs], GOLDENS)
        gate_seconds = time.perf_counter() - gate_started
    elif run_gate:
        # Goldens from elsewhere (a test's, or a folder given): nbval re-executes them.
        gate_started = time.perf_counter()
        gate(goldens, use_cache=use_cache)
        gate_seconds = time.perf_counter() - gate_started
    # Nothing changed since the published site was built from the same sources: keep it.
    site_key = hashlib.sha256("".join(tree_digest(work / lang / "source") for lang in langs).encode()).hexdigest()
    key_file = target.absolute() / SITE_KEY
    if use_cache and key_file.exists() and key_file.read_text(encoding="utf-8") == site_key:
        shutil.rmtree(work, ignore_errors=True)
        return executions
    # The new site is assembled beside the target, so publishing it is one rename.
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    site = target.with_name(f".{target.name}.new-{os.getpid()}")
    if site.exists():
        shutil.rmtree(site)
    site.mkdir()
    try:
        for lang in langs:
            write_status(work / lang / "source", executions[lang], reports, lang, gate_seconds,
                         time.perf_counter() - started)
        # The editions are independent: Jupyter Book builds them side by side.
        jupyter_books([(work / lang / "source", work / lang / "output") for lang in langs])
        for lang in langs:
            shutil.move(work / lang / "output" / "_build" / "html", site / lang)
            # The theme's icon script, which no page loads (villagebook/templates/static/webpack-macros.html).
            for unused in (site / lang / "_static" / "scripts").glob("fontawesome.js*"):
                unused.unlink()
            # Jupyter Book's index.html only sends the reader on to INDEX.html. It names no icon,
            # so a browser would ask the server for /favicon.ico (a 404 on a static host); an
            # empty one asks for nothing, and the page is gone before an icon would show.
            redirect = site / lang / "index.html"
            if redirect.exists():
                redirect.write_text('<link rel="icon" href="data:," />\n' + redirect.read_text(encoding="utf-8"),
                                    encoding="utf-8")
        (site / "index.html").write_text(chooser_page(langs, load_report(reports[0])), encoding="utf-8")
        (site / SITE_KEY).write_text(site_key, encoding="utf-8")
        publish(site, target)
    finally:
        if site.exists():
            shutil.rmtree(site)
    shutil.rmtree(work, ignore_errors=True)  # kept only when a step failed, for its logs
    return executions


def _versions() -> list[tuple[str, str]]:
    from importlib.metadata import version

    packages = ["papermill", "nbval", "nbclient", "ipykernel", "jupyter-book", "sphinx", "myst-nb", "altair",
                "pandas", "jsonschema"]
    rows = [("python", sys.version.split()[0])] + [(name, version(name)) for name in packages]
    bundle = render.LIBRARY.read_text(encoding="utf-8").split("\n", 1)[0]
    rows += [(lib, ver) for lib, ver in re.findall(r"(vega(?:-lite|-embed)?) (\d+\.\d+\.\d+)", bundle)]
    return rows


def write_status(source: Path, executions: list[Execution], reports: list[Path], lang: str,
                 gate_seconds: float | None, total_seconds: float) -> None:
    """Write the edition's status page: what ran, for how long, with which versions."""
    words = strings(lang)["build_status"]
    gate_result = (fill(words["gate_passed"], seconds=f"{gate_seconds:.1f}") if gate_seconds is not None
                   else words["gate_skipped"])
    colon = strings(lang)["page"]["label_colon"]  # "：" in Chinese, ": " in English
    lines = [f"# {words['title']}", "", words["intro"], "",
             f"- {words['reports']}{colon}{', '.join(f'`{r.name}`' for r in reports)}",
             f"- {words['language']}{colon}`{lang}`",
             f"- {words['gate']}{colon}{gate_result}",
             f"- {words['total']}{colon}{fill(words['seconds'], seconds=f'{total_seconds:.1f}')}", "",
             f"| {words['notebook']} | {words['executed']} | {words['result']} |", "| --- | ---: | --- |"]
    lines += [f"| `{ex.source.name}` | {ex.seconds:.1f} | {words['cached'] if ex.cached else words['ok']} |"
              for ex in executions]
    lines += ["", f"| {words['software']} | {words['version']} |", "| --- | --- |"]
    lines += [f"| {name} | {ver} |" for name, ver in _versions()]
    (source / "status.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- the regression gate -----------------------------------------------------------------
GOLDENS = ROOT / "tests" / "goldens"
# Metadata that changes from run to run without any output changing.
VOLATILE_CELL_METADATA = ("papermill", "execution")
VOLATILE_NOTEBOOK_METADATA = ("papermill",)


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop run timestamps and durations so a golden changes only when an output does."""
    for key in VOLATILE_NOTEBOOK_METADATA:
        nb.metadata.pop(key, None)
    nb.metadata.get("language_info", {}).pop("version", None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    return nb


@book_kernels
def refresh_goldens(target: Path = GOLDENS, report: Path | None = None) -> list[Path]:
    """Record each notebook's outputs as its golden: for the default parameters, or, with
    ``report``, for that report in Chinese into tests/goldens/<id>/."""
    if report is not None:
        load_report(report)  # a bad file stops here, in one line
        target = report_goldens(report)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        for source in notebooks():
            executed = Path(scratch) / source.name
            if report is not None and report.resolve() != DEFAULT_REPORT.resolve():
                parameters = _parameters(source, [report.resolve()], "zh")
                if parameters is None:
                    continue
                # As the build runs the page for this report's Chinese edition: where a build has
                # just run it, its cached execution is that run, and nothing runs again.
                _run_job(Job(source, executed, parameters, (report.resolve(),)), use_cache=True, hide=False)
            else:
                # The golden runs exactly the source cells, with their defaults, in this process's
                # warm kernel, reset between notebooks: the outputs are a fresh kernel's
                # (tests/test_speed.py), without a kernel start and the imports per notebook.
                papermill.execute_notebook(str(source), str(executed), parameters=None, kernel_name="python3",
                                           progress_bar=False, cwd=str(source.parent), request_save_on_cell_execute=False,
                                           km=_kernel(source.parent, warm=True))
                _as_fresh(executed)
            golden = normalise(nbformat.read(executed, as_version=4))
            nbformat.write(golden, target / source.name)
            written.append(target / source.name)
    return written


NBVAL_FAILURE = re.compile(r"^FAILED (\S+\.ipynb)::(Cell \d+)", re.MULTILINE)


def _code_cell_line(path: Path, cell: str) -> str:
    """The first line of nbval's "Cell N" (N counts code cells only), to say which it was."""
    try:
        code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        return code[int(cell.split()[1])].source.splitlines()[0]
    except (OSError, IndexError, ValueError):
        return "?"


@book_kernels
def gate(goldens: Path = GOLDENS, *, use_cache: bool = False) -> None:
    """Re-execute the goldens with nbval; fail naming each notebook and cell whose outputs changed.

    With ``use_cache``, a gate that passed on byte-identical goldens, notebooks, data and code
    is not run again: the same inputs give the same outputs.
    """
    paths = sorted(goldens.glob("*.ipynb"))
    if not paths:
        raise BuildError(f"regression gate: no goldens in {goldens}; record them with `make goldens`")
    key = hashlib.sha256("".join([tree_digest(goldens), tree_digest(BOOK), tree_digest(ROOT / "data"),
                                  package_digest(), *[p.name for p in paths]]).encode()).hexdigest()
    passed = CACHE / f"gate-{key}.passed"
    if use_cache and passed.exists():
        return
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
               "-q", "-rf", "--no-header", "-o", "addopts=", "-o", "testpaths=", *map(str, paths)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if result.returncode == 0:
        if use_cache:
            CACHE.mkdir(parents=True, exist_ok=True)
            passed.write_text("nbval passed\n", encoding="utf-8")
        return
    failed = [f"{Path(nb).name} {cell} ({_code_cell_line(ROOT / nb, cell)})"
              for nb, cell in NBVAL_FAILURE.findall(result.stdout)]
    log = BUILD / "nbval.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    where = "; ".join(failed) if failed else f"pytest exit status {result.returncode}"
    raise BuildError(f"regression gate: outputs differ from the goldens in {where} (details: {log}); {accept_hint()}")


def report_goldens(report: Path) -> Path:
    """Where a report's goldens live: tests/goldens/ for the default, tests/goldens/<id>/ else."""
    from villagebook import DEFAULT_REPORT

    if report.resolve() == DEFAULT_REPORT.resolve():
        return GOLDENS
    return GOLDENS / load_report(report).id


def accept_hint(report: Path | None = None) -> str:
    """The command that accepts a deliberate change, for the end of a gate's error."""
    arg = "" if report is None else f" REPORT={os.path.relpath(report, ROOT)}"
    return f"if the change is deliberate, record it with `make goldens{arg}` and review `git diff tests/goldens`"


def gate_report(report: Path, executions: dict[str, list[Execution]]) -> None:
    """The gate for a report other than the default: its Chinese edition's outputs against its
    own goldens; where it has none yet, lax (every cell ran without error) and said in one line."""
    goldens = report_goldens(report)
    runs = [e for e in executions.get("zh", []) if (goldens / e.output.name).exists()]
    if not goldens.is_dir() or not runs:
        print(f"regression gate: no goldens for {load_report(report).id} yet, so only checked that every cell "
              f"ran without error; record them with `make goldens REPORT={os.path.relpath(report, ROOT)}`")
        return
    try:
        compare_with_goldens([e.output for e in runs], goldens)
    except BuildError as err:
        raise BuildError(f"{err}; {accept_hint(report)}") from err


def _is_default_run(notebook: Path, reports: list[Path]) -> bool:
    """Whether a notebook runs with the parameters the goldens were recorded with (the defaults)."""
    return reports[0] == DEFAULT_REPORT.resolve() and (len(reports) == 1 or "comparison" not in notebook.name)


# nbval's own list of what it does not compare in an output.
NBVAL_SKIPS = {"metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
               "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg",
               # The page's title, announced by the kernel: a published page carries it in its
               # heading instead (finish_page), the goldens as the kernel gave it.
               TITLE_MIME}


def _comparable(outputs: list) -> list:
    flat = []
    for output in outputs:
        for key, value in output.items():
            if key == "data":
                flat += [(mime, data) for mime, data in sorted(value.items()) if mime not in NBVAL_SKIPS]
            elif key not in NBVAL_SKIPS:
                flat.append((key, value))
    return flat


def compare_with_goldens(executed: list[Path], goldens: Path = GOLDENS) -> None:
    """The gate on executions already made: every output of every code cell, as nbval compares them."""
    failed = []
    for path in executed:
        golden_path = goldens / path.name
        if not golden_path.exists():
            failed.append(f"{path.name} (no golden; record it with `make goldens`)")
            continue
        # papermill's injected parameters cell has no outputs and an id of its own each run.
        golden = [c for c in nbformat.read(golden_path, as_version=4).cells
                  if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
        fresh = {c.get("id"): c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"}
        for number, cell in enumerate(golden):
            ran = fresh.get(cell.get("id"))
            if ran is None or _comparable(ran.get("outputs", [])) != _comparable(cell.get("outputs", [])):
                first = cell.source.splitlines()[0] if cell.source else "?"
                failed.append(f"{path.name} Cell {number} ({first})")
    if failed:
        hint = accept_hint() if goldens == GOLDENS else "record them again after a deliberate change"
        raise BuildError(f"regression gate: outputs differ from the goldens in {'; '.join(failed)}; {hint}")
