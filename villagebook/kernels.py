"""The kernels that run the book's notebooks, and running one notebook in one (papermill).

A kernel is either fresh (started for one notebook, shut down after it) or warm: one per
process, kept from notebook to notebook, so that a kernel's start and the imports of pandas and
Altair are paid once. A warm kernel is put back as a fresh kernel has it before each notebook
(villagebook.warm, then IPython's ``%reset -f``) and its cells are numbered as a fresh kernel
numbers them; tests/test_speed.py runs a notebook that changes everything a notebook can
before every page and compares the pages with fresh kernels'.

Only jupyter_client's public interface is used: kernels are shut down by request
(``request_shutdown``, ``finish_shutdown``, ``cleanup_resources``), never interrupted first
as ``shutdown_kernel`` does (an idle kernel interrupted logs "KeyboardInterrupt caught in
kernel"); a manager hands nbclient the one client it keeps (``client_class``, ``client``), so
its channels start and it waits for the kernel once.
"""

from __future__ import annotations

import functools
import multiprocessing.util
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

from villagebook.errors import BuildError
from villagereport import render


def _socket_dir() -> Path:
    path = Path(tempfile.gettempdir()) / f"villagereport-kernels-{os.getpid()}"
    if not path.is_dir():
        path.mkdir()
        # One folder per process for its kernels' sockets, gone with the process (after its
        # kernels: a lower priority runs later).
        multiprocessing.util.Finalize(None, shutil.rmtree, args=(path,), kwargs={"ignore_errors": True}, exitpriority=1)
    return path


class KeptClient(AsyncKernelClient):
    """A kernel's one client, kept while the kernel lives: its channels start once and it waits
    for the kernel once (a new client spends 0.2 s draining IOPub before it is ready). Messages
    left from an earlier notebook are ignored: nbclient reads only replies to its own."""

    _ready = False

    def start_channels(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        """Start the channels, unless they run already (an earlier notebook started them)."""
        if not self.channels_running:
            super().start_channels(*args, **kwargs)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Wait for the kernel the first time only."""
        if not self._ready:
            await super().wait_for_ready(timeout=timeout)
            self._ready = True


class BookKernelManager(AsyncKernelManager):
    """A kernel that talks over local sockets (no open TCP port) and keeps one client."""

    kept: KeptClient | None = None

    def __init__(self, **kwargs: object) -> None:
        super().__init__(client_class=f"{__name__}.KeptClient", transport="ipc",
                         ip=str(_socket_dir() / "kernel"), **kwargs)

    def client(self, **kwargs: object) -> KeptClient:
        """The kept client, or a new one (kept) where there is none or its channels stopped."""
        if self.kept is None or (self.kept._ready and not self.kept.channels_running):
            self.kept = super().client(**kwargs)
        return self.kept

    def stop(self) -> None:
        """Shut the kernel down by request (not a signal), and close the kept client."""
        if self.kept is not None and self.kept.channels_running:
            self.kept.stop_channels()
        if self.has_kernel:
            run_sync(self.request_shutdown)()
            run_sync(self.finish_shutdown)()
        run_sync(self.cleanup_resources)()


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


# This process's warm kernel, started by its first notebook.
_WARM: dict[str, BookKernelManager] = {}
# Run in a warm kernel once, before its first notebook: its state as a fresh kernel has it.
_SNAPSHOT = "import villagebook.warm\nvillagebook.warm.snapshot()"
# Run before each next notebook: that state back, no names left from the notebook before, the
# notebook's folder as the working directory (villagebook.warm says what is put back).
_RESET_CELLS = (
    "import villagebook.warm\nvillagebook.warm.restore(CWD)",
    "%reset -f",
    # What is left after the collection (the modules a page imports, their caches) stays for
    # the kernel's life: frozen, the garbage collector no longer walks it on every collection.
    "import gc; gc.collect(); gc.freeze(); del gc",
)


def _run_cells(km: BookKernelManager, cells: list[str]) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, km=km, kernel_name="python3").execute()


def warm_kernel(cwd: Path) -> BookKernelManager:
    """The warm kernel of this process, put back as a fresh kernel has it, for a notebook in ``cwd``."""
    km = _WARM.get("km")
    if km is not None and not run_sync(km.is_alive)():
        _WARM.pop("km").stop()  # the kernel died (a notebook ended it): start another
        km = None
    if km is None:
        km = _WARM["km"] = BookKernelManager(kernel_name="python3")
        # At this process's exit, a pool worker's too (multiprocessing's own exit runs its
        # finalizers, not atexit's functions).
        multiprocessing.util.Finalize(km, stop_warm_kernel, exitpriority=10)
        run_sync(km.start_kernel)(cwd=str(cwd))
        _run_cells(km, [_SNAPSHOT])
    else:
        _run_cells(km, [c.replace("CWD", repr(str(cwd))) for c in _RESET_CELLS])
    return km


def stop_warm_kernel() -> None:
    """Shut this process's warm kernel down politely (a shutdown request, not a signal)."""
    km = _WARM.pop("km", None)
    if km is not None:
        km.stop()


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """An executed notebook, not validated again (papermill validated it as it wrote it)."""
    return nbformat.v4.reads(path.read_text(encoding="utf-8"))


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write a notebook as nbformat.write does, without validating it again."""
    path.write_text(nbformat.v4.writes(nb) + "\n", encoding="utf-8")


def as_fresh(output: Path) -> None:
    """Number the executed cells 1, 2, 3 ... as a fresh kernel numbers them, and give the cell
    papermill injects the same id each run (papermill draws a random one): the same inputs then
    give the same cells, in the goldens and in the notebooks the site publishes."""
    nb = read_notebook(output)
    count = 0
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            count += 1
            cell["execution_count"] = count
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = count
    write_notebook(nb, output)


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


@dataclass(frozen=True)
class Execution:
    """One executed notebook: where it went and how long it took."""

    source: Path
    output: Path
    seconds: float
    cached: bool = False
    kernel: str | None = None  # the warm kernel that ran it, by its id


def execute(source: Path, output: Path, parameters: dict | None, *, warm: bool = False,
            cwd: Path | None = None) -> Execution:
    """Run one notebook with papermill and ``parameters`` (None: its own defaults, no cell
    injected) into ``output``, in this process's warm kernel or a fresh one, in the folder
    ``cwd`` (the notebook's own by default); its cells numbered as a fresh kernel numbers them."""
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    cwd = source.parent if cwd is None else cwd
    km = warm_kernel(cwd) if warm else BookKernelManager(kernel_name="python3")
    try:
        papermill.execute_notebook(
            str(source), str(output), parameters=parameters, km=km,
            kernel_name="python3", progress_bar=False, cwd=str(cwd), log_output=False,
            # Written once at the end, not after every cell (each write validates the whole notebook).
            request_save_on_cell_execute=False,
        )
    except papermill.PapermillExecutionError as err:
        raise BuildError(f"{source.name}: {_failed_cell(output, source)}") from err
    finally:
        if not warm:
            km.stop()
    as_fresh(output)
    return Execution(source, output, time.perf_counter() - started, kernel=km.kernel_id if warm else None)
