"""Where the sites of a group are built: worker processes on this machine, or a Dask cluster.

Both are a ``concurrent.futures.Executor``, so the build (group.build.staging) submits one job per
site and does not know which it has:

- by default a ``ProcessPoolExecutor`` with one worker per core (at most one per site):
  each site's Pelican run, search index and archives in a process of its own, so two
  cores build two sites at once and no process holds more than one site's pages;
- with a scheduler address (``tcp://host:8786``) the executor of a ``dask.distributed``
  client: the sites are built on the cluster's workers, which must see the same content
  folder and output folder at the same paths (shared storage) and run one task at a time
  (``dask worker tcp://host:8786 --nthreads 1``: Pelican is not thread-safe).

No scheduling of our own: Dask and the standard library do that.

A local worker ends with the build, however the build ends: it ignores SIGINT (Ctrl-C
reaches the whole process group; the main process decides how to stop), it dies when the
main process does, even by ``kill -9`` (``follow_main``: a pidfd the kernel wakes when the
main process exits; its parent, the forkserver, by PR_SET_PDEATHSIG), and ``halt`` kills
the pool's workers when the build is stopped, before the staging folder is removed.
"""

from __future__ import annotations

import functools
import importlib
import multiprocessing
import os
import select
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from ...errors import ToolkitError
from ...warc.parallel import die_with_parent


def default_workers(jobs: int) -> int:
    """One worker per core, no more than there are sites to build."""
    return max(1, min(jobs, os.cpu_count() or 1))


def worker_count(setting: Any, jobs: int) -> int:
    """BUILD_WORKERS as set (None: one per core), at most one per site; refused unless it is
    a whole number of at least 1, before anything is built.

    >>> worker_count(None, 3) >= 1, worker_count(8, 3), worker_count("2", 3)
    (True, 3, 2)
    """
    if setting is None or setting == "":
        return default_workers(jobs)
    try:
        count = int(setting) if not isinstance(setting, (bool, float)) else 0
    except (TypeError, ValueError):
        count = 0
    if count < 1:
        raise ToolkitError(
            f"设置 BUILD_WORKERS 应为不小于 1 的整数（同时构建的工作进程数；不写则每个 CPU 核一个），"
            f"实为「{str(setting)[:40]}」"
        )
    return max(1, min(count, jobs))


@contextmanager
def site_executor(scheduler: str | None, workers: int) -> Iterator[Executor]:
    """An executor for per-site jobs: local worker processes, or a Dask cluster's."""
    if scheduler:
        with _dask_executor(scheduler) as executor:
            yield executor
        return
    # forkserver: each worker is forked from a small server process that imported Pelican
    # once, not from this one, which holds the whole group's content model: a worker's
    # memory is its site's build only.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pelican", "markdown", "lxml.html", "archive_tool.group.build.staging"])
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=follow_main, initargs=(os.getpid(),)
    ) as executor:
        yield executor


def follow_main(main: int) -> None:
    """Worker initializer: leave stopping to the main process, and end with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(os.getppid())  # the forkserver
    try:
        watched = os.pidfd_open(main)
    except (AttributeError, OSError):  # no pidfd (before Linux 5.3), or main already gone
        watched = None
        if not alive(main):
            os._exit(1)

    def watch() -> None:
        if watched is not None:
            select.select([watched], [], [])  # readable once the process has exited
        else:
            while alive(main):
                threading.Event().wait(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="follow-main", daemon=True).start()


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def halt(executor: Executor) -> None:
    """Stop a build's executor now: queued jobs cancelled, local workers killed and reaped
    (their half-written sites are discarded with the staging folder). Returns once no
    local worker can write any more; its futures may never complete."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:  # ProcessPoolExecutor's workers
        process.kill()
    for process in processes:
        process.join(timeout=10)
    try:
        executor.shutdown(wait=False, cancel_futures=True)
    except TypeError:  # an executor without cancel_futures
        executor.shutdown(wait=False)


def by_name(target: str, import_paths: list[str]) -> Callable[[Any], Any]:
    """A picklable stand-in for the function ``module:name``, imported where it runs after
    ``import_paths`` are put on sys.path: the Pelican plugin's job function is not an
    installed module, and a Dask scheduler or worker knows only installed ones."""
    return functools.partial(call_by_name, target, tuple(import_paths))


def call_by_name(target: str, import_paths: tuple[str, ...], argument: Any) -> Any:
    for path in reversed(import_paths):
        if path not in sys.path:
            sys.path.insert(0, path)
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)(argument)


@contextmanager
def _dask_executor(scheduler: str) -> Iterator[Executor]:
    try:
        from distributed import Client
    except ImportError as error:
        raise ToolkitError(
            "使用 Dask 集群构建需要安装 dask[distributed]：pip install 'dask[distributed]'"
        ) from error
    try:
        client = Client(scheduler, timeout="10s", set_as_default=False)
    except OSError as error:
        raise ToolkitError(f"无法连接 Dask 调度器 {scheduler}：{error}") from error
    try:
        # pure=False: the same job submitted twice (a rebuild) runs again, never a cached result.
        yield client.get_executor(pure=False)
    finally:
        client.close()
