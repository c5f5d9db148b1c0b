"""Run inside a warm kernel: what a notebook can change that outlives it, and putting it back.

The build keeps one kernel per worker from notebook to notebook (villagebook.kernels). Before
the first notebook, ``snapshot()`` records the kernel's state as a fresh kernel has it; before
each next one, ``restore()`` puts back everything a notebook of the book can change:

- pandas' options (``pd.set_option``), Altair's theme, renderer and data transformer (which
  is enabled, with which options, and which names are registered);
- the working directory, the environment variables, ``sys.path`` and the warning filters;
- the project's own modules (``villagereport``): unloaded, so that the next notebook's import
  runs them afresh, their import-time settings (the chart theme and renderer they register)
  and their caches (the catalogue and words they read) as a fresh kernel has them.

The notebook's own names go with IPython's ``%reset -f`` (villagebook.kernels). Not restored:
IPython's display formatters and third-party modules' private state; the book's notebooks
change neither (tests/test_speed.py runs a notebook that changes everything above before every
page and compares the pages with fresh kernels').
"""

from __future__ import annotations

import os
import sys
import warnings

import altair as alt
import pandas as pd

# Modules whose state is the project's: unloaded between notebooks (this module stays).
OWN = ("villagereport",)

_STATE: dict = {}


def _registries() -> dict:
    return {"theme": alt.theme, "renderers": alt.renderers, "data_transformers": alt.data_transformers}


def _pandas_options(prefix: str = "", node: object = pd.options) -> dict:
    """Every pandas option (``pd.options`` walked as its attributes), with its value."""
    found = {}
    for name in dir(node):
        value = getattr(node, name)
        if type(value) is type(pd.options):
            found.update(_pandas_options(f"{prefix}{name}.", value))
        else:
            found[f"{prefix}{name}"] = value
    return found


def snapshot() -> None:
    """Record the kernel's state before any notebook has run in it."""
    _STATE.update(
        environ=dict(os.environ), path=list(sys.path), filters=list(warnings.filters),
        registries={name: (set(registry.names()), registry.active, dict(registry.options))
                    for name, registry in _registries().items()},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated options warn when read
        _STATE["pandas"] = _pandas_options()


def restore(cwd: str) -> None:
    """Put back what ``snapshot`` recorded, with ``cwd`` (the next notebook's folder) as the
    working directory."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated options warn when read or set
        for key, value in _STATE["pandas"].items():
            if pd.get_option(key) != value:
                pd.set_option(key, value)
    for name, registry in _registries().items():
        names, active, options = _STATE["registries"][name]
        for added in set(registry.names()) - names:
            if name == "theme":
                alt.theme.unregister(added)
            else:
                registry.register(added, None)
        registry.enable(active, **options)
    os.environ.clear()
    os.environ.update(_STATE["environ"])
    sys.path[:] = _STATE["path"]
    # resetwarnings() starts a new generation of the filters, so a warning shown once by an
    # earlier notebook is shown again; then the kernel's own filters come back.
    warnings.resetwarnings()
    warnings.filters[:] = _STATE["filters"]
    for module in [m for m in sys.modules if m.split(".")[0] in OWN]:
        del sys.modules[module]
    os.chdir(cwd)
