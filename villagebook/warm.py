"""Run inside a warm kernel: what a notebook can change that outlives it, and putting it back.

The build keeps one kernel per worker from notebook to notebook (villagebook.kernels). Before
the first notebook, ``snapshot()`` imports the library and records the kernel's state; before
each next one, ``restore()`` puts back everything a notebook of the book can change:

- pandas' options (``pd.set_option``), Altair's theme, renderer and data transformer (which
  is enabled, with which options, and which names are registered);
- the working directory, the environment variables, ``sys.path``, the warning filters and
  IPython's handler of custom exceptions (``vr.start()`` sets one);
- the library's own state (``villagereport``): importing it changes no setting (``vr.start()``
  enables its chart theme and renderer), and its caches (the catalogue and the words it read)
  are compared with the snapshot's; where a notebook changed one, the library is unloaded, so
  the next notebook's import reads everything afresh.

What stays: the library's theme and renderer remain registered (not enabled) once imported,
and the library and pandas and Altair stay imported. The notebook's own names go with
IPython's ``%reset -f`` (villagebook.kernels). tests/test_speed.py runs a notebook that changes
everything above before every page and compares the pages with fresh kernels'.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings

import altair as alt
import pandas as pd

# Modules whose state is the project's: unloaded when a notebook changed their caches.
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


def _library_fingerprint() -> str:
    """A digest of what the library keeps between calls and hands to notebooks: the catalogue's
    tables and every language's words and sentences."""
    from villagereport.catalogue import load_catalogue
    from villagereport.wording import languages, messages, sentences, strings

    catalogue = load_catalogue()
    parts = [frame.to_json(default_handler=repr) for frame in (catalogue.indicators, catalogue.sections, catalogue.units)]
    parts += [json.dumps([strings(lang), messages(lang)], sort_keys=True, default=repr) for lang in languages()]
    parts.append(json.dumps(sentences(), sort_keys=True, default=repr))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def snapshot() -> None:
    """Import the library and record the kernel's state, before any notebook has run in it."""
    import villagereport.notebook  # noqa: F401 - what every page imports first

    _STATE.update(
        environ=dict(os.environ), path=list(sys.path), filters=list(warnings.filters),
        registries={name: (set(registry.names()), registry.active, dict(registry.options))
                    for name, registry in _registries().items()},
        library=_library_fingerprint(),
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
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.custom_exceptions = ()
    os.chdir(cwd)
    if "villagereport" not in sys.modules or _library_fingerprint() != _STATE["library"]:
        for module in [m for m in sys.modules if m.split(".")[0] in OWN]:
            del sys.modules[module]
