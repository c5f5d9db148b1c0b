"""Jupyter Book on each staged edition, the edition's status page, and the finishing touches to
the HTML it writes.

Jupyter Book runs in a process of its own that the build starts once (forked by
multiprocessing's forkserver, so from a process that has run no thread): it imports Jupyter
Book once (about half of an edition's build) and forks one child per edition, each running
Jupyter Book's own command line, as ``jupyter-book build`` does, its output in a log.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import re
import sys
import traceback
from pathlib import Path

from villagebook.errors import BuildError
from villagebook.execute import adopt
from villagebook.kernels import Execution
from villagereport import render
from villagereport.wording import fill, strings

# Jupyter Book 1 can exit 0 after a failure; these in its log mean the build is not good.
LOG_FAILURES = re.compile(r"WARNING:|ERROR:|CRITICAL:|Execution Failed|Traceback")
# What Jupyter Book imports to build a page, imported by its process once.
JUPYTER_BOOK_MODULES = ("jupyter_book.cli.main", "jupyter_book.sphinx", "myst_nb.sphinx_ext", "pydata_sphinx_theme",
                        "sphinx_book_theme", "sphinx_design.extension", "sphinx.builders.epub3",
                        "sphinx_external_toc.parsing")


def _edition(arguments: list[str], log: str) -> int:
    """In the child forked for one edition: Jupyter Book's command line, its stdout and stderr
    written to ``log``; its exit status."""
    import warnings

    from jupyter_book.cli.main import main

    with open(log, "w", encoding="utf-8") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)
    sys.stderr = sys.__stderr__ = open(2, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)
    # A new interpreter's filters, with DeprecationWarning ignored too: the deprecations of
    # Jupyter Book's own dependencies are not the book's warnings.
    warnings.resetwarnings()
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.simplefilter("ignore", category)
    try:
        main.main(args=arguments, prog_name="jupyter-book", standalone_mode=True)
        return 0
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:  # noqa: BLE001 - said in the log, which the build reads
        traceback.print_exc()
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def _serve(connection) -> None:  # type: ignore[no-untyped-def]
    """Jupyter Book's process: import it once, then for each list of (arguments, log) received,
    fork one child per edition (in the build's environment and folder) and send back their
    exit statuses."""
    import importlib
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # its dependencies' deprecations, not the book's
        for module in JUPYTER_BOOK_MODULES:
            importlib.import_module(module)
    while (builds := connection.recv()) is not None:
        children = []
        for arguments, log, environment, cwd in builds:
            pid = os.fork()  # this process runs no thread: a fork is safe
            if pid == 0:
                adopt(environment, cwd)
                os._exit(_edition(arguments, log))
            children.append(pid)
        connection.send([os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children])


_SERVER: dict[str, object] = {}


def start_server() -> None:
    """Start Jupyter Book's process, if it is not running, without waiting for it: a build
    starts it first, so that it (and the forkserver the workers come from) import while the
    editions are staged and their notebooks run."""
    _server()


def _server():  # type: ignore[no-untyped-def]
    if "connection" not in _SERVER:
        context = multiprocessing.get_context("forkserver")
        ours, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs,), daemon=True, name="jupyter-book")
        process.start()
        _SERVER.update(connection=ours, process=process, used=False)
    return _SERVER["connection"]


def stop_server() -> None:
    """End Jupyter Book's process."""
    connection, process, used = _SERVER.pop("connection", None), _SERVER.pop("process", None), _SERVER.pop("used", True)
    if connection is None:
        return
    if not used:
        process.terminate()  # type: ignore[attr-defined]  # it has built nothing: no need to wait for its imports
    else:
        try:
            connection.send(None)
        except OSError:
            pass
    process.join(timeout=10)  # type: ignore[attr-defined]


atexit.register(stop_server)


def jupyter_books(builds: list[tuple[Path, Path]]) -> None:
    """Run Jupyter Book for each (source, output), the editions side by side, strictly: a
    warning fails the build, naming its line and the log."""
    jobs = []
    for source, output in builds:
        output.mkdir(parents=True, exist_ok=True)
        arguments = ["build", str(source), "--path-output", str(output), "--warningiserror", "--keep-going", "--nitpick"]
        jobs.append((arguments, str(output / "jupyter-book.log"), dict(os.environ), os.getcwd()))
    connection = _server()
    _SERVER["used"] = True
    try:
        connection.send(jobs)  # type: ignore[attr-defined]
        codes = connection.recv()  # type: ignore[attr-defined]
    except (EOFError, OSError) as err:
        stop_server()
        raise BuildError(f"jupyter-book: its process ended ({err})") from err
    failures = []
    for (_, output), code in zip(builds, codes, strict=True):
        log = output / "jupyter-book.log"
        try:
            check_log(output, log.read_text(encoding="utf-8", errors="replace"), code)
        except BuildError as err:
            failures.append(str(err))
    if failures:
        raise BuildError("; ".join(failures))


def check_log(output: Path, log: str, returncode: int) -> None:
    """Fail on a non-zero exit or on any warning or error line in the log (kept in ``output``)."""
    bad = [line for line in log.splitlines() if LOG_FAILURES.search(line)]
    if returncode != 0 or bad:
        first = bad[0].strip() if bad else f"exit status {returncode}"
        raise BuildError(f"jupyter-book: {first} (full log: {output / 'jupyter-book.log'})")


def finish_edition(html: Path) -> None:
    """What Jupyter Book writes that a reader should not get."""
    # The theme's icon script, which no page loads (villagebook/templates/static/webpack-macros.html).
    for unused in (html / "_static" / "scripts").glob("fontawesome.js*"):
        unused.unlink()
    # Jupyter Book's index.html only sends the reader on to INDEX.html. It names no icon, so a
    # browser would ask the server for /favicon.ico (a 404 on a static host); an empty one
    # asks for nothing, and the page is gone before an icon would show.
    redirect = html / "index.html"
    if redirect.exists():
        redirect.write_text('<link rel="icon" href="data:," />\n' + redirect.read_text(encoding="utf-8"), encoding="utf-8")


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
