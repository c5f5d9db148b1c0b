"""What the build's speed-ups rely on in the libraries it runs, checked so that a new version
that changes it fails here, loudly, rather than slowing or changing the build in silence.
(Altair's shared class table: tests/test_charts.py; nbval's comparison: tests/test_gate.py.)"""

from __future__ import annotations

import importlib
from importlib.metadata import version

import nbformat
import papermill
import pytest
from jupyter_client.asynchronous import AsyncKernelClient

from conftest import ROOT
from villagebook import kernels
from villagebook.site import JUPYTER_BOOK_MODULES


@pytest.mark.kernels
def test_nbclient_runs_every_notebook_of_a_warm_kernel_through_its_one_kept_client(tmp_path, monkeypatch):
    waits = []
    wait = AsyncKernelClient.wait_for_ready

    async def counted(self, timeout=None):  # type: ignore[no-untyped-def]
        waits.append(self)
        return await wait(self, timeout=timeout)

    monkeypatch.setattr(AsyncKernelClient, "wait_for_ready", counted)
    kernels.stop_warm_kernel()
    notebook = tmp_path / "one.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")],
                                            metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                     "display_name": "Python 3"}}), notebook)
    for run in range(3):
        kernels.execute(notebook, tmp_path / f"ran-{run}.ipynb", None, warm=True)
    km = kernels._WARM["km"]
    # papermill took our manager, nbclient asked it for its client (ours, kept) and the kernel
    # was waited for once, not once a notebook (0.2 s each).
    assert isinstance(km.kept, kernels.KeptClient) and km.kept.channels_running
    assert waits == [km.kept]
    kernels.stop_warm_kernel()
    assert not km.has_kernel


def test_papermill_reads_a_notebooks_parameters_as_the_build_asks_it():
    # villagebook.edition.declared_parameters (papermill's inspect_notebook): their names, in order.
    assert list(papermill.inspect_notebook(str(ROOT / "book" / "01_overview.ipynb"))) == ["report", "lang"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Jupyter Book's own use of Click, not the book's
def test_jupyter_book_is_version_1_with_the_modules_and_command_the_build_runs():
    assert version("jupyter-book").split(".")[0] == "1"
    for module in JUPYTER_BOOK_MODULES:
        importlib.import_module(module)
    from jupyter_book.cli.main import main

    assert "build" in main.commands
    options = {o for p in main.commands["build"].params for o in getattr(p, "opts", [])}
    assert {"--path-output", "--warningiserror", "--keep-going", "--nitpick"} <= options
