"""The README and CONTRIBUTING name files and commands that exist: a newcomer who follows them
finds every path and every make target they name."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

DOCS = ("README.md", "CONTRIBUTING.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")))
TOP = ("villagereport", "villagebook", "book", "data", "tests", "benchmarks", "_static", ".ci", "docs", "classroom")
# A repository path inside backticks: it starts at one of the project's folders (or is one of
# its top-level files); <id>, <lang> and the like stand for any name.
PATH = re.compile(r"`((?:%s)/[\w./<>*-]*|[\w.-]+\.(?:yml|toml|txt|md))`" % "|".join(re.escape(t) for t in TOP))
MAKE = re.compile(r"`make ([\w-]+)")


def _named(pattern: re.Pattern) -> list[tuple[str, str]]:
    return sorted({(doc, m) for doc in DOCS for m in pattern.findall((ROOT / doc).read_text(encoding="utf-8"))})


@pytest.mark.parametrize(("doc", "path"), _named(PATH), ids=lambda v: v)
def test_every_path_the_docs_name_exists(doc, path):
    # A placeholder (<id>) is any name; the path must still match something.
    pattern = re.sub(r"<[^>]+>", "*", path.rstrip("/"))
    matches = list(ROOT.glob(pattern)) if "*" in pattern else [ROOT / pattern] if (ROOT / pattern).exists() else []
    assert matches, f"{doc} names {path}, which the repository does not have"


def test_the_docs_name_paths_and_the_check_sees_them():
    named = {path for _, path in _named(PATH)}
    assert {"book/01_overview.ipynb", "tests/test_claims.py", "data/reports/<id>.yaml"} <= named


@pytest.mark.parametrize(("doc", "target"), _named(MAKE), ids=lambda v: v)
def test_every_make_command_the_docs_name_is_a_target(doc, target):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"{doc} names `make {target}`, which the Makefile lacks"


def test_the_jupyterhub_configuration_reads_and_serves_the_book_on_the_school_network_only():
    # The configuration the README gives for a school, read as JupyterHub reads it (a Python
    # file given get_config); JupyterHub itself is not installed here.
    from traitlets.config import Config

    config = Config()
    path = ROOT / "classroom" / "jupyterhub_config.py"
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), {"get_config": lambda: config, "__file__": str(path)})  # noqa: S102
    assert config.Spawner.default_url == "/lab/tree/book"
    assert not config.JupyterHub.bind_url.startswith(("http://0.0.0.0", "https://0.0.0.0"))
    assert config.Spawner.cmd == [str(ROOT / ".venv" / "bin" / "jupyterhub-singleuser")]
    assert "VILLAGEBOOK_CHARTS" not in config.Spawner.env_keep  # the notebooks carry their charts' library
    assert callable(config.Spawner.pre_spawn_hook)


def test_the_readme_stays_short_and_links_every_page_of_the_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", readme))
    assert linked == {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}


def test_the_docs_hold_no_timing_history():
    # Timings are what `make benchmark` prints, measured when it runs; prose goes stale.
    timing = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s|seconds|minutes)\b")
    for doc in DOCS:
        text = (ROOT / doc).read_text(encoding="utf-8")
        assert not timing.findall(text), (doc, timing.findall(text)[:5])
