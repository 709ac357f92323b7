"""Ctrl-C in a command: one line, exit status 130, at once (EDGE-1); SIGTERM the same way, status 143 (EDGE-95).

Python turns SIGINT into ``KeyboardInterrupt`` wherever the main thread happens to be. Inside an import
that another thread is also running (``warm.import_beside``) that can leave the import lock held, and
the command then hangs for ever; elsewhere it can stop a command between two files of one output set.
So while :func:`exit_on_interrupt` is active, SIGINT ends the process with ``retrogait: interrupted``
and status 130 without unwinding anything, and :func:`uninterrupted` blocks (writing one output file,
or a set that belongs together) hold the exit back until they are done: an interrupted command leaves
the previous outputs or the new ones, never half of each, and no temporary file.

SIGTERM (``kill PID``, ``timeout``, a job scheduler's time limit, ``docker stop``) and SIGHUP (the terminal closed, an
ssh connection dropped; status 129, ``retrogait: hung up``, EDGE-100) are handled the same way:
``retrogait: terminated`` and status 143 (128 + 15, what a shell reports for a program SIGTERM stopped),
after the block being written; before EDGE-95 it killed the command wherever it was, leaving ``.partial``
files, a set of outputs half replaced, and the resource tracker's warning about leaked semaphores.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType

EXIT_INTERRUPTED = 130
#: The exit status and the line of each signal handled (EDGE-95: SIGTERM as SIGINT; EDGE-100: SIGHUP, the terminal
#: or the ssh connection gone, where the platform has it).
_ENDINGS = {signal.SIGINT: (EXIT_INTERRUPTED, b"interrupted"), signal.SIGTERM: (128 + signal.SIGTERM, b"terminated")}
if hasattr(signal, "SIGHUP"):
    _ENDINGS[signal.SIGHUP] = (128 + signal.SIGHUP, b"hung up")

_state = {"deferring": 0, "pending": 0}
_lock = threading.Lock()  # blocks may run in several threads at once (writers)
#: Temporary files written over a long stretch (a batch's combined steps table, ``discard_on_interrupt``):
#: removed when Ctrl-C ends the process, which cannot wait for them (EDGE-81).
_discard: set[str] = set()
#: What the blocks being written now finish, outermost first (:func:`finishing`): said on stderr when a signal waits for
#: them, so a Ctrl-C that does not end the command at once is not met with seconds of silence (BATCH-65).
_finishing: list[str] = []
#: What a signal that ends the process now leaves, innermost last (:func:`saying`): said on its line (EDGE-291).
_leaving: list[Leaving] = []


def discard_on_interrupt(path: str | os.PathLike[str]) -> None:
    """Remove ``path`` (a temporary file, there or not yet) if Ctrl-C ends the process before :func:`keep`."""
    with _lock:
        _discard.add(os.fspath(path))


def keep(path: str | os.PathLike[str]) -> None:
    """Undo :func:`discard_on_interrupt` for ``path`` (renamed onto its target, or removed)."""
    with _lock:
        _discard.discard(os.fspath(path))


def _exit_now(signum: int = signal.SIGINT) -> None:
    for path in list(_discard):  # no temporary file left behind (EDGE-81)
        with suppress(OSError):
            os.unlink(path)
    multiprocessing_util = sys.modules.get("multiprocessing.util")
    if multiprocessing_util is not None:
        # the batch's semaphores: released as at a normal exit (finalizers that only close and unlink, none
        # joins), else the resource tracker warns about them after we are gone
        with suppress(Exception):  # exiting anyway
            multiprocessing_util._run_finalizers(0)
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):
            stream.flush()
    # a progress bar may be on the line and have hidden the cursor: clear the line, show the cursor again
    prefix = b"\r\x1b[2K\x1b[?25h" if os.isatty(2) else b""
    status, word = _ENDINGS.get(signal.Signals(signum), _ENDINGS[signal.SIGINT])
    left = (": " + _leaving[-1].words).encode() if _leaving else b""
    try:
        os.write(2, prefix + b"retrogait: " + word + left + b"\n")
    finally:
        os._exit(status)


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    """The handler of SIGINT and SIGTERM: exit now, or when the blocks being written have finished."""
    if _state["deferring"]:
        if not _state["pending"] and _finishing:  # said once, at the first signal
            _, word = _ENDINGS.get(signal.Signals(signum), _ENDINGS[signal.SIGINT])
            prefix = b"\r\x1b[2K" if os.isatty(2) else b""  # over a progress bar's line
            with suppress(OSError):
                os.write(2, prefix + b"retrogait: " + word + b": finishing " + _finishing[0].encode() + b"\n")
        _state["pending"] = _state["pending"] or signum  # the first signal decides the status
        return
    _exit_now(signum)


@contextmanager
def exit_on_interrupt(*, whole_process: bool = False) -> Iterator[None]:
    """While the block runs (in the main thread), SIGINT, SIGTERM and SIGHUP exit the process as described above
    (each unless it is ignored: ``nohup``).

    ``whole_process``: this process is the ``retrogait`` program, so the handler stays after the block
    (a Ctrl-C while the interpreter shuts down is no traceback either)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # a signal ignored when the program started stays ignored (`nohup retrogait batch ...`, a job started with `&` by
    # a script), as Python itself leaves an ignored SIGINT (EDGE-100)
    handled = [signum for signum in _ENDINGS if signal.getsignal(signum) is not signal.SIG_IGN]
    previous = {signum: signal.signal(signum, _on_sigint) for signum in handled}
    try:
        yield
    finally:
        if not whole_process:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold back an exit on SIGINT, SIGTERM or SIGHUP until the block has finished (blocks may nest)."""
    with _lock:
        _state["deferring"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["deferring"] -= 1
            pending = 0 if _state["deferring"] else _state["pending"]
        if pending and signal.getsignal(pending) is _on_sigint:
            _exit_now(pending)


@contextmanager
def finishing(what: str) -> Iterator[None]:
    """:func:`uninterrupted`, and a signal that comes meanwhile says on stderr that the command finishes ``what``
    (``"the batch's tables and cohort comparisons first ..."``) before it exits."""
    with _lock:
        _finishing.append(what)
    try:
        with uninterrupted():
            yield
    finally:
        with _lock:
            _finishing.remove(what)


class Leaving:
    """What a signal that ends the process leaves (:func:`saying`); :meth:`now` changes it as the work goes on."""

    def __init__(self, words: str) -> None:
        self.words = words

    def now(self, words: str) -> None:
        self.words = words


@contextmanager
def saying(left: str) -> Iterator[Leaving]:
    """A signal that ends the process in the block (or as the block ends, held back by :func:`uninterrupted`) says on
    its line what it leaves, ``left`` (``"nothing of the comparison written"``), after ``retrogait: interrupted:``;
    the yielded :class:`Leaving` changes it (``"the comparison is written to OUT"``, once it is) (EDGE-291)."""
    leaving = Leaving(left)
    with _lock:
        _leaving.append(leaving)
    try:
        yield leaving
    finally:
        with _lock:
            _leaving.remove(leaving)


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """SIGINT ignored (the disposition itself, so a process started in the block inherits it): for helper
    processes such as the batch's fork server, which the command ends itself (their Ctrl-C would print a
    traceback of their own)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def sigint_held_back() -> Iterator[None]:
    """SIGINT blocked in this thread (POSIX; elsewhere :func:`sigint_ignored`): a process started in the block
    starts with it blocked and never sees it (the batch's fork server, and the workers it forks), while a Ctrl-C
    meanwhile waits in this process and is handled as usual when the block ends (BATCH-36). Ignoring it here
    instead lost such a Ctrl-C: the batch ran on to its end. Any thread: the mask is the thread's own (a process
    inherits its starting thread's), where ignoring is for the main thread only (BATCH-38)."""
    if not hasattr(signal, "pthread_sigmask"):
        with sigint_ignored():
            yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
