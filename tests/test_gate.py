"""One gate: the build's comparison of outputs with goldens is nbval's, and a stale golden stops
every target that publishes or passes a page."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from villagebook.errors import BuildError
from villagebook.gate import GOLDENS, check_goldens, compare_with_goldens, stale_goldens
from villagebook.kernels import execute

DISPLAY = "from IPython.display import display\ndisplay({mimes!r}, raw=True, metadata={metadata!r})"
# (what the cell runs, what its golden recorded, whether nbval passes it)
PAIRS = {
    "same_stream": ("print('a')", [{"output_type": "stream", "name": "stdout", "text": "a\n"}], True),
    "stream_moved_to_stderr": ("import sys\nprint('a', file=sys.stderr)",
                               [{"output_type": "stream", "name": "stdout", "text": "a\n"}], False),
    "streams_joined": ("print('a')\nprint('b')", [{"output_type": "stream", "name": "stdout", "text": "a\nb\n"}], True),
    "other_text": ("print('b')", [{"output_type": "stream", "name": "stdout", "text": "a\n"}], False),
    "other_image_only": (DISPLAY.format(mimes={"text/plain": "x", "image/png": "AAAA"}, metadata={}),
                         [{"output_type": "display_data", "metadata": {},
                           "data": {"text/plain": "x", "image/png": "BBBB"}}], True),
    "other_metadata_only": (DISPLAY.format(mimes={"text/plain": "x"}, metadata={"width": 1}),
                            [{"output_type": "display_data", "metadata": {"width": 2}, "data": {"text/plain": "x"}}],
                            True),
    "other_html": (DISPLAY.format(mimes={"text/plain": "x", "text/html": "<b>x</b>"}, metadata={}),
                   [{"output_type": "display_data", "metadata": {},
                     "data": {"text/plain": "x", "text/html": "<i>x</i>"}}], False),
    "one_output_more": ("print('a')\n1", [{"output_type": "stream", "name": "stdout", "text": "a\n"}], False),
}


def _golden(folder: Path, name: str, source: str, outputs: list) -> Path:
    cell = nbformat.v4.new_code_cell(source, execution_count=1, outputs=[nbformat.from_dict(o) for o in outputs])
    nb = nbformat.v4.new_notebook(cells=[cell], metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                          "display_name": "Python 3"}})
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.kernels
def test_the_build_and_nbval_give_the_same_verdict_on_the_same_pairs(tmp_path):
    goldens = tmp_path / "goldens"
    goldens.mkdir()
    paths = [_golden(goldens, name, source, outputs) for name, (source, outputs, _) in PAIRS.items()]
    # nbval, as `make test` runs it: it executes each golden's cell and compares.
    result = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
                             "-q", "-rf", "-o", "addopts=", "-o", "testpaths=", *map(str, paths)],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    by_nbval = {name for name in PAIRS if re.search(rf"FAILED \S*{name}\.ipynb::Cell 0", result.stdout)}
    # The build: the same cell executed by papermill, compared with the same golden.
    by_build = set()
    for path in paths:
        executed = tmp_path / "ran" / path.name
        execute(path, executed, None, warm=True)
        try:
            compare_with_goldens([executed], goldens)
        except BuildError as err:
            assert f"{path.name} Cell 0" in str(err)
            by_build.add(path.stem)
    assert by_nbval == by_build == {name for name, (_, _, same) in PAIRS.items() if not same}, result.stdout[-2000:]


def test_a_golden_whose_cells_are_not_its_notebooks_is_stale_in_one_line(tmp_path):
    assert stale_goldens() == []  # the repository's goldens are their notebooks'
    goldens = tmp_path / "goldens"
    shutil.copytree(GOLDENS, goldens)
    nb = nbformat.read(goldens / "04_guidance.ipynb", as_version=4)
    nb.cells[-1].source += "\n# an edit the golden was not recorded again after"
    nbformat.write(nb, goldens / "04_guidance.ipynb")
    (goldens / "06_risk.ipynb").unlink()
    with pytest.raises(BuildError) as caught:
        check_goldens(goldens)
    message = str(caught.value)
    assert "\n" not in message and "make goldens" in message
    assert "04_guidance.ipynb (its cells are not the notebook's)" in message and "06_risk.ipynb (no golden)" in message


def test_every_target_that_passes_a_page_checks_the_goldens_first(tmp_path, monkeypatch):
    from villagebook import gate
    from villagebook.build import build

    goldens = tmp_path / "goldens"
    shutil.copytree(GOLDENS, goldens)
    (goldens / "06_risk.ipynb").unlink()
    monkeypatch.setattr(gate, "GOLDENS", goldens)
    # make book: refused before any kernel starts, nothing published.
    with pytest.raises(BuildError, match=r"stale goldens: 06_risk\.ipynb \(no golden\).*make goldens"):
        build([ROOT / "data" / "reports" / "linjiang-2021.yaml"], ["zh"], tmp_path / "site")
    assert not (tmp_path / "site").exists()
    # make test-page runs this module too (make test-quick runs every quick module).
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "tests/test_gate.py" in re.search(r"^test-page:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)
