"""JupyterLab from the project's own environment, opened on the book's notebooks and reports.

``make lab`` (``python -m villagebook lab``) serves the project folder to this machine only
(127.0.0.1) behind a token it prints; ``--address`` serves a classroom's machines on a school
network (docs/teaching.md says how to do that safely). The notebooks open with their charts drawn
offline: outside the book each one carries the chart library (villagereport.render).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

from villagereport.render import LIBRARY_ENV

# JupyterLab's own settings for this project, kept under _build/ rather than in the user's home:
# no news feed or update check (the machine may have no network, and a class needs no prompt).
SETTINGS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                                 "checkForUpdates": False}}


def lab_command(root: Path, state: Path, *, address: str = "127.0.0.1", port: int = 8888, token: str,
                browser: bool = True, open_path: str = "book", allow_origin: str = "") -> list[str]:
    """The ``jupyter lab`` command line: bound to ``address`` with ``token``, the project at
    ``root`` as its folder, its settings and workspaces in ``state``, opened at ``open_path``;
    ``allow_origin``, one other site whose pages may use its kernels (with the token)."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.ip={address}", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               f"--LabApp.default_url=/lab/tree/{open_path}", f"--LabApp.user_settings_dir={state / 'settings'}",
               f"--LabApp.workspaces_dir={state / 'workspaces'}", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               # Kernels talk to the server over local sockets, not TCP ports.
               "--KernelManager.transport=ipc"]
    if allow_origin:
        command.append(f"--ServerApp.allow_origin={allow_origin}")
    if not browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # a container or CI runs as root; JupyterLab refuses it otherwise
    return command


def prepare(state: Path) -> None:
    """Write the project's JupyterLab settings under ``state``."""
    for name, values in SETTINGS.items():
        path = state / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=1) + "\n", encoding="utf-8")


def environment() -> dict[str, str]:
    """The server's environment: its kernels draw charts with the library the notebook carries."""
    return {name: value for name, value in os.environ.items() if name != LIBRARY_ENV}


def run(root: Path, *, address: str, port: int, browser: bool) -> int:
    """Serve JupyterLab until it is stopped (Ctrl+C); the token is JUPYTER_TOKEN's, or a new one."""
    state = root / "_build" / "lab"
    prepare(state)
    token = os.environ.get("JUPYTER_TOKEN") or secrets.token_urlsafe(24)
    command = lab_command(root, state, address=address, port=port, token=token, browser=browser)
    print(f"JupyterLab on http://{address}:{port}/lab?token={token} (Ctrl+C to stop)", flush=True)
    os.execve(sys.executable, command, environment())
    return 0  # not reached: the server replaces this process
