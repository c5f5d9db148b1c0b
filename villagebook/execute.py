"""Run the staged notebooks: in parallel, one worker process per core with a warm kernel each,
and each execution kept in a cache so that a notebook runs again only when something it
depends on has changed (villagebook.cache).

The workers are started by multiprocessing's forkserver: forked from a process that has run no
thread, never from the build's own (which has the pool's threads, and Jupyter Book's). They are
kept from one run of jobs to the next in this process (a script that builds many reports, or
the tests) while what a kernel holds stays the same: the packages' code, the words it read,
and the environment it was started with.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import hashlib
import multiprocessing
import os
import shutil

from villagebook.cache import CACHE, execution_key, package_digest, words_digest
from villagebook.kernels import Execution, execute, stop_warm_kernel
from villagebook.stage import Job, finish_page

# Imported by the forkserver once, so that each worker it forks starts with them.
PRELOAD = ["villagebook.execute"]


def run_job(job: Job, use_cache: bool, warm: bool = True, hide: bool = True) -> Execution:
    """Run one job, or copy its cached execution when nothing it depends on has changed. The
    cache keeps the execution as papermill wrote it (a golden is recorded from it); ``hide``
    then makes the output a page (villagebook.stage.finish_page)."""
    key = execution_key(job.notebook, job.parameters, list(job.reports))
    cached = CACHE / f"{key}.ipynb"
    if use_cache and cached.exists():
        job.output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(cached, job.output)
        execution = Execution(job.notebook, job.output, 0.0, cached=True)
    else:
        execution = execute(job.notebook, job.output, job.parameters, warm=warm)
        if use_cache:
            CACHE.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(f".{os.getpid()}.tmp")
            shutil.copy2(job.output, partial)
            partial.replace(cached)  # atomically: a killed build never leaves half an entry
    if job.raw is not None:
        job.raw.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(job.output, job.raw)
    if hide:
        finish_page(job.output, job.downloads, job.parameters.get("lang", ""))
    return execution


_POOL: dict[str, object] = {}
# Set by pytest for each test; nothing a page shows depends on it.
_VOLATILE_ENVIRONMENT = ("PYTEST_CURRENT_TEST",)


def pool_key(workers: int) -> str:
    """What the kept workers' kernels hold: a new key means new workers."""
    environment = sorted((k, v) for k, v in os.environ.items() if k not in _VOLATILE_ENVIRONMENT)
    return hashlib.sha256(repr((workers, environment, package_digest(), words_digest())).encode()).hexdigest()


def close_pool() -> None:
    """Stop the kept worker processes; each shuts its kernel down by request on its way out."""
    pool = _POOL.pop("executor", None)
    _POOL.pop("key", None)
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)  # type: ignore[attr-defined]


atexit.register(close_pool)


def adopt(environment: dict[str, str], cwd: str) -> None:
    """In a worker (or Jupyter Book's child): the environment and working directory of the
    build that started it, not the forkserver's, which has those of the build's first pool."""
    os.environ.clear()
    os.environ.update(environment)
    os.chdir(cwd)


def _workers(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    return concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=adopt,
                                                  initargs=(dict(os.environ), os.getcwd()))


def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    key = pool_key(workers)
    if _POOL.get("key") != key:
        close_pool()
        _POOL["executor"] = _workers(workers)
        _POOL["key"] = key
    return _POOL["executor"]  # type: ignore[return-value]


def run_jobs(jobs: list[Job], *, use_cache: bool = True, workers: int | None = None,
             warm: bool = True) -> list[Execution]:
    """Run every job, in parallel on all cores: one process per core, each with one kernel kept
    warm from notebook to notebook, and from one call to the next while nothing a kernel holds
    has changed (``warm=False``: a fresh kernel for every notebook, in processes of this call's)."""
    workers = workers or os.cpu_count() or 1
    # What the cache holds is copied here: no worker (or kernel) is started for it.
    done = {i: run_job(job, use_cache, warm) for i, job in enumerate(jobs)
            if use_cache and (CACHE / f"{execution_key(job.notebook, job.parameters, list(job.reports))}.ipynb").exists()}
    left = [(i, job) for i, job in enumerate(jobs) if i not in done]
    if not left:
        return [done[i] for i in range(len(jobs))]
    if workers == 1 or len(left) < 2:
        try:
            done.update((i, run_job(job, use_cache, warm)) for i, job in left)
            return [done[i] for i in range(len(jobs))]
        finally:
            stop_warm_kernel()
    pool = _pool(workers) if warm else _workers(workers)
    futures = {i: pool.submit(run_job, job, use_cache, warm) for i, job in left}
    try:
        done.update((i, future.result()) for i, future in futures.items())
        return [done[i] for i in range(len(jobs))]
    except BaseException:
        # The jobs still running finish; a failed notebook's kernel is not kept.
        if warm:
            close_pool()
        raise
    finally:
        if not warm:
            pool.shutdown(wait=True, cancel_futures=True)
