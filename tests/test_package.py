"""The package installs as it says: what it imports is what it declares, and `pip install .`
into a fresh environment gives a library whose notebooks run."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from conftest import ROOT

OURS = ("villagereport", "villagebook")


def _declared() -> dict[str, set[str]]:
    """The distributions pyproject.toml declares, by extra ("" for the package's own)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {"": {Requirement(r).name.lower() for r in project["dependencies"]}}
    for extra, requirements in project["optional-dependencies"].items():
        declared[extra] = {Requirement(r).name.lower() for r in requirements}
    return declared


def _imports(source: str) -> list[tuple[str, bool]]:
    """Each third-party top-level module ``source`` imports, and whether at the module's top."""
    found = []
    tree = ast.parse(source)
    top = set(map(id, tree.body))
    for node in ast.walk(tree):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
        for name in names:
            module = name.split(".")[0]
            if module not in sys.stdlib_module_names and module not in (*OURS, "__future__"):
                found.append((module, id(node) in top))
    return found


def test_every_module_the_code_and_the_notebooks_import_is_declared():
    declared = _declared()
    everything = set().union(*declared.values())
    distributions = packages_distributions()
    missing = []
    for path in sorted(p for package in OURS for p in (ROOT / package).rglob("*.py")):
        for module, at_top in _imports(path.read_text(encoding="utf-8")):
            names = {d.lower() for d in distributions.get(module, [module])}
            # The library's own imports at load time are the package's; the build's and the
            # drafter's, and whatever a function imports when used, may be an extra's.
            need = declared[""] if at_top and path.parent.name == "villagereport" else everything
            if not names & need:
                missing.append(f"{path.relative_to(ROOT)}: {module}")
    for page in sorted((ROOT / "book").glob("[0-9][0-9]_*.md")):
        code = "\n".join(re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL))
        for module, _ in _imports("\n".join(line for line in code.splitlines() if not line.startswith(("%", ":")))):
            if not {d.lower() for d in distributions.get(module, [module])} & declared[""]:
                missing.append(f"{page.relative_to(ROOT)}: {module}")
    assert not missing, missing


@pytest.mark.kernels
def test_pip_install_gives_a_package_whose_notebooks_run(tmp_path):
    # A fresh environment. No package index here: the dependencies are this environment's,
    # seen through a path file (not as this repository's editable install, whose finder a
    # plain path entry does not load); the package itself is built and installed from the tree.
    fresh = tmp_path / "venv"
    # Nothing of this environment's but what the path file gives (no PYTHONPATH, no venv).
    env = {"PATH": f"{fresh / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    subprocess.run([sys.executable, "-m", "venv", str(fresh)], check=True, env=env)
    python = fresh / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True, env=env).stdout.strip())
    (site / "zz-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    # From a copy of what the package is made of: setuptools writes its build/ beside the source.
    tree = tmp_path / "tree"
    tree.mkdir()
    for part in ("pyproject.toml", "README.md", "villagereport", "villagebook"):
        copy = shutil.copytree if (ROOT / part).is_dir() else shutil.copy2
        copy(ROOT / part, tree / part, **({"ignore": shutil.ignore_patterns("__pycache__")} if (ROOT / part).is_dir() else {}))
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", str(tree)],
                   check=True, cwd=tmp_path, env=env)
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    where = subprocess.run([str(python), "-c", "import villagereport, villagebook; print(villagereport.__file__)"],
                           capture_output=True, text=True, check=True, cwd=tmp_path, env=env).stdout
    assert where.startswith(str(site)), where
    # A page of the book, run as a reader reruns it, by the installed package in its own kernel.
    out = tmp_path / "overview.ipynb"
    ran = subprocess.run([str(python), "-m", "villagebook", "run", str(ROOT / "book" / "01_overview.ipynb"),
                          "--report", str(ROOT / "data" / "reports" / "tongguan-2021.yaml"), "--lang", "en",
                          "--out", str(out)], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert ran.returncode == 0, ran.stderr
    assert "Tongguan" in out.read_text(encoding="utf-8") or "潼关" in out.read_text(encoding="utf-8")
