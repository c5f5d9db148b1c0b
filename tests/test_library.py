"""The library and the build apart: the build depends on the library, never the reverse, and
the library reads no file of the repository outside its own folder except the paths it is given."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import DATA

ROOT = DATA.parent
LIBRARY = ROOT / "villagereport"


def test_no_library_module_imports_the_build():
    for module in sorted(LIBRARY.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] == "villagebook" for n in names), module.name


# Run a page's notebook cells in a fresh interpreter and record every file the process opens.
_PROBE = """
import json, sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" and isinstance(args[0], str) else None)
sys.path.insert(0, sys.argv[1])
from inprocess import run
for section in ("overview", "checking"):
    run(section, sys.argv[2], "en")
print(json.dumps(opened))
"""


def test_a_page_reads_only_the_library_and_the_report_it_is_given(tmp_path):
    report = tmp_path / "elsewhere.yaml"
    shutil.copy2(DATA / "reports" / "linjiang-2021.yaml", report)
    # Run from outside the repository, with the notebooks' cells read before the probe starts
    # listening would be cheating: the probe reads them itself, so book/ is allowed and named.
    result = subprocess.run([sys.executable, "-c", _PROBE, str(ROOT / "tests"), str(report)],
                            capture_output=True, text=True, check=True, cwd=tmp_path)
    opened = {Path(p).resolve() for p in json.loads(result.stdout.splitlines()[-1])}
    assert report.resolve() in opened
    allowed = (LIBRARY, ROOT / "book", ROOT / "tests", ROOT / ".venv")
    # (Real files only: the editable install's import hook names a path that is no file.)
    outside = [p for p in opened
               if p.is_file() and p.is_relative_to(ROOT) and not any(p.is_relative_to(a) for a in allowed)]
    assert outside == [], outside
