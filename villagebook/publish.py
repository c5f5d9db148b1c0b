"""Publishing a built site in one atomic step.

The published path (``_build/html``) is a symbolic link to one complete site kept beside it
(``_build/.html.sites/<name>``). A new site is assembled in that folder, then a new link is
renamed over the old one: ``rename(2)`` replaces its target atomically (POSIX), so a reader, or
a build killed at any moment, finds the old site whole or the new one whole, never neither.
The sites the link no longer names are removed after. A target that is a real folder (a site
published before this layout, or by hand) is moved into the sites folder first; only that
first publication has a moment without a site.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from villagereport.errors import ReportError


def sites(target: Path) -> Path:
    """The folder that holds the sites ``target`` links to."""
    target = target.absolute()
    return target.with_name(f".{target.name}.sites")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def new_site(target: Path) -> Path:
    """An empty folder to assemble the next site for ``target`` in. Folders left by builds
    that were killed (their process is gone) are removed first."""
    kept = sites(target)
    published = target.absolute().resolve() if target.absolute().is_symlink() else None
    if kept.is_dir():
        for folder in kept.iterdir():
            pid = folder.name.split("-")[1] if folder.name.count("-") >= 2 else ""
            if folder.resolve() != published and pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)
    folder = kept / f"site-{os.getpid()}-{os.urandom(4).hex()}"
    folder.mkdir(parents=True)
    return folder


def publish(site: Path, target: Path) -> None:
    """Make ``target`` name ``site`` (made by ``new_site``) in one atomic rename, then remove
    the site it named before."""
    target = target.absolute()
    before = None
    if target.is_symlink():
        before = target.resolve()
    elif target.is_dir():
        before = sites(target) / f"site-{os.getpid()}-before"
        target.rename(before)  # the first publication in this layout
    link = target.with_name(f".{target.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(site, target.parent), target_is_directory=True)
    os.replace(link, target)
    if before is not None and before != site.resolve():
        shutil.rmtree(before, ignore_errors=True)


def discard(site: Path) -> None:
    """Remove a site that was not published (a step after its assembly failed)."""
    shutil.rmtree(site, ignore_errors=True)


def check_target(target: Path) -> None:
    """Refuse, before anything runs, a place the site cannot be published: a file, or a folder
    under a file or one this user cannot write."""
    where = target.absolute()
    if where.exists() and not where.is_dir():
        raise ReportError(target, "out", "expected a folder to publish the site in, got a file")
    parent = where.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ReportError(target, "out", f"expected a folder to publish the site in, got a path under the file {parent}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ReportError(target, "out", f"expected a folder that can be written, got {parent}, which cannot")
