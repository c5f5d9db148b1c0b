"""Parallel execution and a cache that knows what each notebook depends on."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import DATA, ROOT
from jupyter_core.utils import run_sync
from notebook_runs import NOTEBOOKS, run
from villagebook import cache, execute, kernels
from villagebook.build import BuildError, build
from villagebook.cache import execution_key
from villagebook.execute import close_pool, run_jobs
from villagebook.gate import GOLDENS, compare_with_goldens
from villagebook.stage import finish_page, stage

LINJIANG = DATA / "reports" / "linjiang-2021.yaml"
JIAXIANG = DATA / "reports" / "jiaxiang-2021.yaml"


def _executed(runs):
    return sorted(f"{lang}:{e.source.name}" for lang, group in runs.items() for e in group if not e.cached)


def test_a_warm_build_executes_nothing_and_a_changed_report_reruns_only_its_readers(tmp_path):
    other = tmp_path / "jiaxiang-copy.yaml"
    shutil.copy2(JIAXIANG, other)
    target = tmp_path / "site"
    build([LINJIANG, other], ["zh"], target, run_gate=False)
    page = (target / "zh" / "book" / "09_comparison.html").read_bytes()
    assert _executed(build([LINJIANG, other], ["zh"], target, run_gate=False)) == []
    assert (target / "zh" / "book" / "09_comparison.html").read_bytes() == page
    # One figure changed in the compared report: only the page that reads it runs again.
    text = other.read_text(encoding="utf-8")
    other.write_text(text.replace("47.86", "47.96"), encoding="utf-8")
    assert _executed(build([LINJIANG, other], ["zh"], target, run_gate=False)) == ["zh:09_comparison.ipynb"]
    assert "47.96" in (target / "zh" / "book" / "09_comparison.html").read_text(encoding="utf-8")


def test_the_key_follows_source_parameters_data_and_declared_reads(tmp_path, monkeypatch):
    notebook = ROOT / "book" / "01_overview.ipynb"
    key = execution_key(notebook, {"lang": "zh"}, [LINJIANG])
    assert key == execution_key(notebook, {"lang": "zh"}, [LINJIANG])
    assert key != execution_key(notebook, {"lang": "en"}, [LINJIANG])
    copy = tmp_path / "linjiang.yaml"
    copy.write_text(LINJIANG.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert key != execution_key(notebook, {"lang": "zh"}, [copy])
    edited = tmp_path / "01_overview.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[4].source += "\n"
    nbformat.write(nb, edited)
    assert key != execution_key(edited, {"lang": "zh"}, [LINJIANG])
    # The words are data too: a catalogue given in VILLAGEREPORT_CATALOGUES that changes one
    # message (here the English one, which every other language falls back on) reaches the key.
    words = tmp_path / "words"
    words.mkdir()
    en = (ROOT / "villagereport" / "text" / "locale" / "en.po").read_text(encoding="utf-8")
    (words / "en.po").write_text(en.replace('msgstr "', 'msgstr "~', 1), encoding="utf-8")
    monkeypatch.setenv("VILLAGEREPORT_CATALOGUES", str(words))
    assert key != execution_key(notebook, {"lang": "zh"}, [LINJIANG])
    monkeypatch.delenv("VILLAGEREPORT_CATALOGUES")
    assert key == execution_key(notebook, {"lang": "zh"}, [LINJIANG])
    # The guide declares the example report it reads; a change to that file reaches its key.
    guide = ROOT / "book" / "08_your_county.ipynb"
    reads = nbformat.read(guide, as_version=4).metadata["villagebook"]["reads"]
    assert "data/reports/tongguan-2021.yaml" in reads
    root = tmp_path / "root"
    example = root / "data" / "reports" / "tongguan-2021.yaml"
    example.parent.mkdir(parents=True)
    shutil.copy2(ROOT / "data" / "reports" / "tongguan-2021.yaml", example)
    monkeypatch.setattr(cache, "ROOT", root)
    before = execution_key(guide, {"lang": "zh"}, [LINJIANG])
    assert before == execution_key(guide, {"lang": "zh"}, [LINJIANG])
    example.write_text(example.read_text(encoding="utf-8").replace("value: ", "value:  ", 1), encoding="utf-8")
    assert execution_key(guide, {"lang": "zh"}, [LINJIANG]) != before


def test_warm_kernels_give_a_fresh_kernels_outputs_and_shut_down_cleanly(tmp_path, capfd, monkeypatch):
    def cells(executions):
        # Ids too: the cell papermill injects has the same one in every run, as the rest do.
        return [[(c.id, c.get("execution_count"), c.get("outputs")) for c in nbformat.read(e.output, as_version=4).cells]
                for e in executions]

    # jupyter_client's shutdown_kernel interrupts a kernel first, and a kernel interrupted when
    # idle may log "KeyboardInterrupt caught in kernel" (it did under load): ours are shut down
    # by request only (checked in the logs below).
    # Worker processes kept from a build before would run the parallel notebooks: not here,
    # where the kernels' start and shutdown are what is watched.
    close_pool()
    # Three notebooks each way: a warm kernel runs two or three in turn, one after another.
    fresh = run_jobs(stage([LINJIANG], "en", ["en"], tmp_path / "a")[:3], use_cache=False, workers=1, warm=False)
    # This process has a warm kernel of its own (as the tests' notebook runs do): the worker
    # processes start their own and leave this one alone.
    run(NOTEBOOKS[5], tmp_path / "ours.ipynb")
    ours = kernels._WARM["km"]
    parallel = run_jobs(stage([LINJIANG], "en", ["en"], tmp_path / "b")[:3], use_cache=False, workers=2, warm=True)
    assert kernels._WARM["km"] is ours and run_sync(ours.is_alive)() and Path(ours.connection_file).exists()
    # The worker processes and their kernels are kept for the next run: it starts no kernel.
    again = run_jobs(stage([LINJIANG], "en", ["en"], tmp_path / "d")[:2], use_cache=False, workers=2, warm=True)
    assert {e.kernel for e in again} <= {e.kernel for e in parallel} and None not in {e.kernel for e in again}
    assert cells(again) == cells(parallel)[:2]
    close_pool()  # each kernel shut down by request (checked in the logs below)
    serial = run_jobs(stage([LINJIANG], "en", ["en"], tmp_path / "c")[:3], use_cache=False, workers=1, warm=True)
    assert cells(fresh) == cells(parallel) == cells(serial)
    assert [count for _, count, _ in cells(parallel)[1] if count][0] == 1  # numbered from 1, as a fresh kernel does
    logs = capfd.readouterr()
    assert "KeyboardInterrupt" not in logs.err + logs.out


def test_kept_kernels_are_replaced_when_what_they_hold_may_have_changed(tmp_path, monkeypatch):
    # A kernel keeps the library's modules and the words it read: the processes that hold
    # kernels are kept only while the code, the catalogues and the environment stay the same.
    key = execute.pool_key(2)
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "another test (call)")
    assert execute.pool_key(2) == key
    assert execute.pool_key(1) != key
    monkeypatch.setenv("VILLAGEREPORT_SOMETHING", "1")
    assert execute.pool_key(2) != key
    monkeypatch.delenv("VILLAGEREPORT_SOMETHING")
    words = tmp_path / "words"
    words.mkdir()
    en = (ROOT / "villagereport" / "text" / "locale" / "en.po").read_text(encoding="utf-8")
    (words / "en.po").write_text(en, encoding="utf-8")
    monkeypatch.setenv("VILLAGEREPORT_CATALOGUES", str(words))
    with_catalogue = execute.pool_key(2)
    assert with_catalogue != key
    (words / "en.po").write_text(en.replace('msgstr "', 'msgstr "~', 1), encoding="utf-8")
    assert execute.pool_key(2) != with_catalogue  # the same variable, a changed word
    # The library edited while this process lives (a notebook session that builds again): the
    # kept kernels and the cached executions both follow the edit.
    packages = tmp_path / "packages"
    for package in cache.PACKAGES:
        shutil.copytree(package, packages / package.name, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGES", tuple(packages / p.name for p in cache.PACKAGES))
    pool, execution = execute.pool_key(2), execution_key(ROOT / "book" / "01_overview.ipynb", {}, [LINJIANG])
    assert execute.pool_key(2) == pool
    story = packages / "villagereport" / "story.py"
    story.write_text(story.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert execute.pool_key(2) != pool
    assert execution_key(ROOT / "book" / "01_overview.ipynb", {}, [LINJIANG]) != execution


def test_the_gate_on_reused_executions_names_the_changed_cells(tmp_path):
    fresh = tmp_path / "05_discipline.ipynb"
    text = (GOLDENS / "05_discipline.ipynb").read_text(encoding="utf-8")
    fresh.write_text(text.replace("6.8万", "7.2万"), encoding="utf-8")
    with pytest.raises(BuildError, match=r"05_discipline\.ipynb Cell 3 \(# The page's story"):
        compare_with_goldens([fresh])
    shutil.copy2(GOLDENS / "05_discipline.ipynb", fresh)
    compare_with_goldens([fresh])  # unchanged outputs pass


def test_executed_notebooks_are_rewritten_as_nbformat_writes_them(tmp_path):
    # The build renumbers and hides cells in the JSON papermill wrote, without nbformat's second
    # validation and copy: what it writes must be the file nbformat would write, to the byte.
    for golden in sorted(GOLDENS.glob("*.ipynb")):  # executed notebooks, written by nbformat
        copy = tmp_path / golden.name
        kernels.write_notebook(kernels.read_notebook(golden), copy)
        assert copy.read_bytes() == golden.read_bytes(), golden.name
        kernels.as_fresh(copy)
        finish_page(copy)
        rewritten = nbformat.read(copy, as_version=4)
        nbformat.validate(rewritten)
        again = tmp_path / f"again-{golden.name}"
        nbformat.write(rewritten, again)
        assert copy.read_bytes() == again.read_bytes(), golden.name
        # ...and the parameter cell was marked to be left off the page.
        assert any("remove-cell" in c.metadata.get("tags", []) for c in rewritten.cells), golden.name


# A notebook that changes everything a notebook can change in its kernel and that outlives it
# (villagebook.warm lists what is put back), the project's cached catalogue included.
POISON = [
    "import os, sys, warnings\nimport altair as alt\nimport pandas as pd",
    "pd.set_option('display.precision', 1)\npd.set_option('display.max_rows', 3)\npd.set_option('display.width', 20)",
    "alt.theme.enable('dark')\nalt.renderers.enable('json')\nalt.data_transformers.disable_max_rows()\n"
    "alt.theme.register('poison', enable=False)(lambda: alt.theme.ThemeConfig({'background': 'red'}))",
    "os.chdir('/')\nos.environ['VILLAGEBOOK_CHARTS'] = 'embedded'\nos.environ['VILLAGEREPORT_CATALOGUES'] = '/nowhere'\n"
    "sys.path.insert(0, '/nowhere')\nwarnings.simplefilter('error')",
    "from villagereport.catalogue import load_catalogue\n"
    "load_catalogue().indicators.loc[:, 'name_en'] = 'poisoned'\nload_catalogue().indicators.loc[:, 'name_zh'] = '毒'",
]
# What a notebook that imports nothing of the project sees (the issue's own example).
PROBE = ["import os, sys, warnings\nimport altair as alt\nimport pandas as pd",
         "print(pd.get_option('display.precision'), alt.theme.active, alt.renderers.active, alt.data_transformers.options,"
         " 'poison' in alt.theme.names(), os.environ.get('VILLAGEREPORT_CATALOGUES'), '/nowhere' in sys.path,"
         " warnings.filters[0][0])"]


def _notebook(path: Path, cells: list[str]) -> Path:
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells],
                                            metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                     "display_name": "Python 3"}}), path)
    return path


def test_a_warm_kernel_after_a_notebook_that_changes_everything_is_a_fresh_one(tmp_path):
    from villagebook.stage import Job

    poison = _notebook(tmp_path / "poison.ipynb", POISON)
    probe = _notebook(tmp_path / "probe.ipynb", PROBE)
    fresh = execute.run_job(Job(probe, tmp_path / "fresh" / "probe.ipynb", {}, ()), use_cache=False, warm=False, hide=False)
    # One warm kernel (one worker): the poison before the probe and before every page of the
    # book, each page with its goldens' parameters (the goldens are fresh kernels': `make test`
    # runs them through nbval).
    jobs = [Job(poison, tmp_path / "poisoned" / f"poison-{i}.ipynb", {}, ()) for i in range(len(NOTEBOOKS) + 1)]
    pages = [Job(probe, tmp_path / "warm" / "probe.ipynb", {}, ())]
    pages += [Job(nb, tmp_path / "warm" / nb.name, {}, (), raw=tmp_path / "raw" / nb.name) for nb in NOTEBOOKS]
    ran = run_jobs([job for pair in zip(jobs, pages, strict=True) for job in pair], use_cache=False, workers=1, warm=True)
    assert len({e.kernel for e in ran}) == 1
    assert (nbformat.read(tmp_path / "warm" / "probe.ipynb", as_version=4).cells[1].outputs
            == nbformat.read(fresh.output, as_version=4).cells[1].outputs)
    compare_with_goldens(sorted((tmp_path / "raw").glob("*.ipynb")))


def test_a_build_whose_inputs_are_all_unchanged_returns_before_staging(tmp_path, monkeypatch):
    from villagebook import stage as staging

    target = tmp_path / "site"
    build([LINJIANG], ["en"], target, run_gate=False)
    # Nothing changed: not a notebook staged, the site as it was.
    monkeypatch.setattr(staging, "stage", lambda *a, **k: pytest.fail("staged although nothing changed"))
    page = (target / "en" / "book" / "01_overview.html").read_bytes()
    assert build([LINJIANG], ["en"], target, run_gate=False) == {"en": []}
    assert (target / "en" / "book" / "01_overview.html").read_bytes() == page
    # Another language, or a changed report, is another site: staged again.
    other = tmp_path / "linjiang.yaml"
    other.write_text(LINJIANG.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="staged although nothing changed"):
        build([other], ["en"], target, run_gate=False)
