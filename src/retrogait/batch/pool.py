"""Local worker processes for a batch, started early (docs/decisions.md BATCH-1, BATCH-5, BATCH-10, BATCH-13).

Standard library only, so that ``retrogait batch`` can start its workers before it imports anything
heavy itself: the import of the analysis (about 1.2 s of CPU) then overlaps the parent's own start-up
(rich, pandas, pyarrow) instead of following it. Where the platform has a fork server (Linux, macOS),
that one process imports the analysis and every worker is forked from it, already warm: one import for
any number of workers instead of one each. Elsewhere (Windows) each worker is spawned and imports it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from retrogait.batch.lifeline import start_worker
from retrogait.library_threads import THREAD_VARIABLES, one_thread_each

#: Imported once by the fork server (``server_preload.py``: ``preload.py``, frozen); its workers inherit it.
PRELOAD = ["retrogait.batch.server_preload"]

#: Local workers per core at most: the analysis is CPU-bound and each worker holds the analysis and a recording
#: in memory (0.2-0.3 GB), so more only cost memory; --jobs 10000 would start a process per input (EDGE-71).
MAX_WORKERS_PER_CORE = 4


@contextmanager
def one_thread_per_worker() -> Iterator[None]:
    """Spawned workers inherit this environment: one BLAS/OpenMP thread each.

    With N workers on N cores, a BLAS library that also starts N threads per worker oversubscribes the
    machine (measured: 2 workers ran 1.1x faster than 1 instead of 1.6x). Variables the user set are kept.
    """
    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    one_thread_each()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def local_workers(jobs: int | None) -> int:
    """Local worker processes for ``--jobs`` (None: one per core), at most MAX_WORKERS_PER_CORE per core."""
    cores = os.cpu_count() or 1
    return max(1, min(jobs or cores, MAX_WORKERS_PER_CORE * cores))


def worker_context() -> multiprocessing.context.BaseContext:
    """A fork server that preloads the analysis where the platform has one, else fresh spawned processes.

    Neither inherits this process' state (threads, open files, the CLI's modules): a fork server is a
    clean interpreter started like a spawned worker, and only its own imports are shared.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def start_fork_server() -> None:
    """Start the fork server now and return at once: it imports the analysis while this process goes on
    starting up (BATCH-14). A no-op where there is no fork server; the pool uses the running one.

    Spawned with one BLAS thread per worker in its environment, which the workers it forks inherit.
    """
    if worker_context().get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver, resource_tracker

    from retrogait.interrupt import sigint_held_back

    # the server and the workers it forks never see Ctrl-C: the batch process ends on it, and they follow
    # (lifeline); a Ctrl-C meanwhile ends the batch after this block, it is not lost (BATCH-36). The resource
    # tracker first: starting it unblocks SIGINT again (it blocks and unblocks SIGINT around its own start)
    resource_tracker.ensure_running()
    with one_thread_per_worker(), sigint_held_back():
        forkserver.ensure_running()


def start_local_pool(jobs: int) -> ProcessPoolExecutor:
    """``jobs`` worker processes: each watches this process (lifeline) and has the analysis imported (from
    the fork server, or by itself). Spawned workers start now; forked ones at the pool's first submits,
    so that this process prepares its first jobs while the server imports (BATCH-20). Shut it down when done.
    """
    context = worker_context()
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=start_worker,
        initargs=(os.getpid(),),
    )
    start_fork_server()  # usually running already (cli.early); else it starts here
    if context.get_start_method() == "forkserver":
        return pool  # a fork waits for the server's preload: forking now would block this process until then
    with one_thread_per_worker():
        for _ in range(jobs):  # the pool starts a process per submit while none is idle: all start now
            pool.submit(int)
    return pool
