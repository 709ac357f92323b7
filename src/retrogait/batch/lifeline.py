"""Worker processes die with the batch that started them (issue 12 item 7).

A ``kill -9`` of ``retrogait batch`` gives the pool no chance to stop its workers, and the standard
library's workers only notice when they next read a task; meanwhile they (and multiprocessing's
resource tracker, which lives as long as any process holds its pipe) stayed alive for minutes as
~200 MB orphans. Each worker therefore watches its parent from a daemon thread and exits at once when
the parent is gone; the resource tracker then sees its pipe close and exits too. Polling the parent id
works the same on Linux, macOS and Windows (``prctl(PR_SET_PDEATHSIG)`` would be Linux only).

A worker the fork server is still handing over when the batch ends (Ctrl-C in the batch's first second)
finds the batch's semaphores removed or its pipe closed: it exits quietly too (``quiet_when_batch_gone``,
EDGE-7), instead of printing the standard library's traceback under ``retrogait: interrupted``.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from types import TracebackType

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


#: What a worker meets while it receives its process object from a batch that has gone: the batch's exit
#: removed its semaphores (FileNotFoundError from ``SemLock._rebuild``), or closed the pipe mid-way.
_SENDER_GONE = (FileNotFoundError, EOFError, ConnectionError)

#: Where a worker (``spawn._main``) or the fork server (``reduction.recvfds``) receives from the batch.
_RECEIVING = {("multiprocessing.spawn", "_main"), ("multiprocessing.reduction", "recvfds")}


def _while_receiving(tb: TracebackType | None) -> bool:
    while tb is not None:
        if (tb.tb_frame.f_globals.get("__name__"), tb.tb_frame.f_code.co_name) in _RECEIVING:
            return True
        tb = tb.tb_next
    return False


def quiet_when_batch_gone() -> None:
    """In the fork server (and so in every worker it forks): an error that says the batch went away while
    a worker was being handed over ends that process without a traceback; the user has already seen
    ``retrogait: interrupted`` and there is no one left to report to. Any other error is shown as before."""
    shown = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if isinstance(error, _SENDER_GONE) and _while_receiving(tb):
            return
        shown(kind, error, tb)

    sys.excepthook = hook


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
