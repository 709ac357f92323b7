"""Worker processes die with the batch that started them (issue 12 item 7).

A ``kill -9`` of ``retrogait batch`` gives the pool no chance to stop its workers, and the standard
library's workers only notice when they next read a task; meanwhile they (and multiprocessing's
resource tracker, which lives as long as any process holds its pipe) stayed alive for minutes as
~200 MB orphans. Each worker therefore watches its parent from a daemon thread and exits at once when
the parent is gone; the resource tracker then sees its pipe close and exits too. Polling the parent id
works the same on Linux, macOS and Windows (``prctl(PR_SET_PDEATHSIG)`` would be Linux only).
"""

from __future__ import annotations

import os
import signal
import threading
import time

from retrogait.allocator import prepare_for_analysis

#: How often a worker checks that its parent is still alive (s).
POLL_S = 0.25


def _parent_alive(parent_pid: int, first_ppid: int) -> bool:
    if os.getppid() != first_ppid:  # re-parented (POSIX): the process that started this one is gone
        return False
    try:
        os.kill(parent_pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(parent_pid)


def _zombie(pid: int) -> bool:
    """True when ``pid`` has exited but its own parent has not collected it yet (Linux; elsewhere False).

    Signal 0 still finds such a process. A batch ended by Ctrl-C stays one while the program that started
    it reads its output to the end before waiting for it (``subprocess.run(..., capture_output=True)``),
    and that end never came: the workers, forked from the fork server, hold the output open."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2 : stat.rfind(b")") + 3] == b"Z"  # the state follows "(name) "


def _watch(parent_pid: int, first_ppid: int) -> None:
    while _parent_alive(parent_pid, first_ppid):
        time.sleep(POLL_S)
    os._exit(1)  # no clean-up: the parent that would collect anything is gone


def start_worker(parent_pid: int, warm_up: bool = True) -> None:
    """Pool initializer: let the allocator reuse what one session frees for the next (``allocator.py``,
    PERF-12), watch the batch process ``parent_pid`` and the process that started this one (the batch
    itself, or the fork server between them), then import the analysis once (the worker stays warm; a
    no-op when the fork server had it imported)."""
    prepare_for_analysis()  # before the thread below
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C ends the batch process; the lifeline then ends this one
    first_ppid = os.getppid()
    threading.Thread(target=_watch, args=(parent_pid, first_ppid), name="retrogait-lifeline", daemon=True).start()
    if warm_up:
        import retrogait.analysis.pipeline  # noqa: F401  (the first session should not pay for the imports)
