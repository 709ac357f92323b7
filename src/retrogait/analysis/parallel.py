"""Two independent parts of one analysis at once, on a second core (PERF-15).

numpy releases the GIL in its large array operations (filters' matrix products, FFTs, running sums), so
two parts of the analysis that do not read each other's results can run on two threads. Only where
:func:`analysis_threads` allows it: ``retrogait analyze`` (one recording, the machine's cores otherwise
idle) turns it on; everywhere else (the library, batch workers, which already fill the cores with one
process each, the live detector) :func:`both` runs its two parts one after the other. The results do not
depend on it: each part is the same code on the same inputs either way, and its result is returned
in the order of the parts, whatever finishes first.

Only when a core is free: on a machine already busy with other work (the load average of the last
minute above the cores minus half of one) the two threads would only take turns, and every hand-over of
the GIL then waits for the scheduler: on a 2-core machine kept at load 3.5 by other processes, ``analyze``
of an hour took 1.05-1.25 x its time in turn. ``RETROGAIT_ANALYSIS_THREADS`` = 1 or 2 overrides that
guess (tests, benchmarks).

The helper thread is made on first use in the process that uses it (a forked batch worker makes its own
or none), each part runs in a copy of the caller's context (numpy's ``errstate`` is a context variable),
and only the thread that turned threads on hands work to it: a part that itself calls :func:`both` runs
its two parts in turn, so no part ever waits for the thread it runs on.
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")

#: The thread that may hand parts to the helper thread (None: no one, parts run in turn).
_owner: contextvars.ContextVar[int | None] = contextvars.ContextVar("retrogait_analysis_owner", default=None)
_lock = threading.Lock()
_pool: dict[int, ThreadPoolExecutor] = {}  # by process id: a forked child never uses its parent's


#: Environment variable: 1 = parts in turn, 2 = on two threads, whatever the load (unset: see the module).
THREADS_VARIABLE = "RETROGAIT_ANALYSIS_THREADS"


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def second_core_free() -> bool:
    """Whether a second thread would find a core: ``RETROGAIT_ANALYSIS_THREADS`` if set, else more than one
    core and a load average (last minute) below the cores minus half of one (this process counts as one)."""
    forced = os.environ.get(THREADS_VARIABLE, "").strip()
    if forced in ("1", "2"):
        return forced == "2"
    cores = available_cores()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows; no load figure: the cores alone decide
        load = 0.0
    return cores > 1 and load < cores - 0.5


@contextmanager
def analysis_threads(enabled: bool = True) -> Iterator[None]:
    """Inside the block, :func:`both` called from this thread runs its second part on a helper thread
    (when :func:`second_core_free`)."""
    token = _owner.set(threading.get_ident() if enabled and second_core_free() else None)
    try:
        yield
    finally:
        _owner.reset(token)


def both(first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """``(first(), second())``: at once when threads are allowed here, else one after the other.

    An exception of ``first`` is raised after ``second`` has ended (its own is then dropped), one of
    ``second`` after ``first`` has ended: the same exception as in turn, where ``second`` would not have
    run after ``first`` failed.
    """
    if _owner.get() != threading.get_ident():
        return first(), second()
    future = _helper().submit(contextvars.copy_context().run, second)
    try:
        result = first()
    except BaseException:
        future.exception()  # wait: the part may still be using what the caller is about to drop
        raise
    return result, future.result()


def _helper() -> ThreadPoolExecutor:
    with _lock:
        pid = os.getpid()
        if pid not in _pool:
            _pool.clear()
            _pool[pid] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="retrogait-analysis")
        return _pool[pid]
