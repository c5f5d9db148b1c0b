"""JupyterHub for a school that has outgrown one machine running `make lab`.

One server; each student signs in with their own account on it and gets a JupyterLab of their
own, opened on their copy of the book's notebooks and reports, drawing charts offline (the
notebooks carry their chart library). Start it from the project's folder, as an administrator:

    .venv/bin/pip install jupyterhub            # the hub, into the project's environment
    npm install -g configurable-http-proxy      # the proxy JupyterHub puts in front of the labs
    sudo .venv/bin/jupyterhub -f classroom/jupyterhub_config.py

Each student is an account of this machine (PAM, JupyterHub's default): make one per student
(or use an authenticator that fits the school: JupyterHub's documentation lists them). Give
the class the address below; on a network others share, serve it over HTTPS (ssl_cert, ssl_key).
"""

import shutil
from pathlib import Path

c = get_config()  # noqa: F821 - JupyterHub's configuration object, given when it reads this file

PROJECT = Path(__file__).resolve().parent.parent

# This machine's address on the school network (not 0.0.0.0: only the classroom's network).
c.JupyterHub.bind_url = "http://192.168.1.10:8000"

# Each student's lab runs from the project's own environment, on their own folder.
c.Spawner.cmd = [str(PROJECT / ".venv" / "bin" / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = "~/villagebook"
c.Spawner.default_url = "/lab/tree/book"
# Not the book's build: the notebooks carry their chart library (villagereport.render).
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL"]
c.Spawner.mem_limit = "1G"


def give_each_student_a_copy(spawner):  # type: ignore[no-untyped-def]
    """Before a student's first lab: their own copy of the notebooks and the report files."""
    home = Path(f"~{spawner.user.name}").expanduser() / "villagebook"
    for folder in ("book", "data"):
        if not (home / folder).exists():
            shutil.copytree(PROJECT / folder, home / folder)
            for path in [home, home / folder, *(home / folder).rglob("*")]:
                shutil.chown(path, user=spawner.user.name)


c.Spawner.pre_spawn_hook = give_each_student_a_copy
