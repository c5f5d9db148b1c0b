"""What a notebook's outputs depend on, as a digest: its source, parameters, data and our code.

An execution is reused only when every one of these is byte-identical to a past run's:
the notebook, the parameters it was given, every data file it reads (the reports passed to
it, the catalogue, every language's words, and any file its metadata ``villagebook.reads``
names), the package's code, and the versions of what runs it. Outputs are deterministic, so reusing
one is the same as running it again.
"""

from __future__ import annotations

import hashlib
import os
import json
import sys
from importlib.metadata import version
from pathlib import Path

import nbformat
from villagebook import ROOT
from villagereport.catalogue import CATALOGUE_PATH
from villagereport.wording import catalogue_paths

# The build and the library it runs: a change to either makes every cached execution stale.
PACKAGES = (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "villagereport")
# Executions kept between builds; tests point it at a temporary folder of their own.
CACHE = Path(os.environ.get("VILLAGEBOOK_CACHE") or ROOT / "_build" / "cache")
# Versions that shape outputs: a new one invalidates every cached execution.
RUNTIME = ("papermill", "nbclient", "ipykernel", "altair", "pandas", "jinja2", "jsonschema", "pyyaml")


def _digest_files(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path).encode())
        sha.update(b"\0")
        sha.update(path.read_bytes())
        sha.update(b"\0")
    return sha.hexdigest()


# The last digest of the packages, with the files' sizes and times it was made from.
_PACKAGE_DIGEST: dict[str, object] = {}


def package_digest() -> str:
    """The packages' code, schemas, words, catalogue and templates, and the runtime's versions.

    Read again whenever a file's size or modification time has changed (a process that lives
    across an edit of the library, such as a notebook session, sees it), else remembered."""
    files = sorted(p for package in PACKAGES for p in package.rglob("*")
                   if p.is_file() and p.suffix in (".py", ".json", ".yaml", ".md", ".html", ".po"))
    seen = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    if _PACKAGE_DIGEST.get("seen") != seen:
        runtime = json.dumps([sys.version, *[version(name) for name in RUNTIME]])
        _PACKAGE_DIGEST.update(seen=seen, digest=hashlib.sha256((_digest_files(files) + runtime).encode()).hexdigest())
    return _PACKAGE_DIGEST["digest"]  # type: ignore[return-value]


def words_digest() -> str:
    """Every language's catalogue (the library's and those VILLAGEREPORT_CATALOGUES adds) and
    the catalogue of figures: what a page reads besides its report and declared files."""
    words = [catalogue_paths()[lang] for lang in sorted(catalogue_paths())]
    return _digest_files([p.resolve() for p in (CATALOGUE_PATH, *words)])


def extra_reads(notebook: Path) -> list[Path]:
    """Data files a notebook reads beyond its parameters, as its metadata declares them."""
    nb = nbformat.read(notebook, as_version=4)
    return [ROOT / name for name in nb.metadata.get("villagebook", {}).get("reads", [])]


def execution_key(notebook: Path, parameters: dict, reports: list[Path]) -> str:
    """The digest that decides whether a cached execution of ``notebook`` can stand in for a new one."""
    # Every language's catalogue, the library's and those VILLAGEREPORT_CATALOGUES adds: a page
    # says its words (and falls back on the source language's), so they are data it reads.
    words = [catalogue_paths()[lang] for lang in sorted(catalogue_paths())]
    reads = [CATALOGUE_PATH, *words, *reports, *extra_reads(notebook)]
    sha = hashlib.sha256()
    sha.update(notebook.read_bytes())
    sha.update(json.dumps(parameters, sort_keys=True).encode())
    sha.update(_digest_files([p.resolve() for p in reads]).encode())
    sha.update(package_digest().encode())
    return sha.hexdigest()


def tree_digest(folder: Path, exclude: tuple[str, ...] = ()) -> str:
    """A digest of every file under ``folder`` (their paths and bytes), less ``exclude`` names."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in exclude)
    sha = hashlib.sha256()
    for path in files:
        sha.update(str(path.relative_to(folder)).encode())
        sha.update(b"\0")
        sha.update(path.read_bytes())
    return sha.hexdigest()
