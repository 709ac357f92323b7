"""A part of the analysis computed on a second thread while the main thread goes on (PERF-36).

Only where the ``analyze`` command asked for it (:func:`second_thread`, one recording in a process of its own)
and a core is free at the moment the part starts:
a batch worker analyses on one core beside the other workers and never starts a thread here, so ``--jobs 2``
keeps one analysis per core. Without it a :class:`Beside` computes its part when its result is first asked
for, on the caller's thread: the same operations on the same arrays, so the same bits either way. The part
runs in a copy of the caller's context (numpy's ``errstate``); its exception is raised by :meth:`Beside.result`.
:func:`in_halves` is the same rule for a row-independent function: its second half of rows on a thread of its own;
:func:`in_turns` for pieces of work taken one at a time by whichever thread asks next (:class:`Pieces`), so the
caller never waits for more than the piece the other thread is computing.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

T = TypeVar("T")

#: Values (rows x a row's values) below which :func:`in_halves` makes one call: a thread's start and join (~0.1 ms)
#: would take what half of a few milliseconds of row work saves (an implementation bound: either way the same bits,
#: so not a setting).
HALVES_MIN_VALUES = 1 << 17

_depth = 0  # second_thread() blocks open on the thread that opened them
_owner: threading.Thread | None = None


@contextmanager
def second_thread() -> Iterator[None]:
    """Inside the block, :class:`Beside` parts created on this thread run on threads of their own (where the
    machine has a second core)."""
    global _depth, _owner
    _depth, _owner = _depth + 1, threading.current_thread()
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            _owner = None


def runnable_now() -> int | None:
    """Threads runnable on the machine at this moment, this one included (Linux ``/proc/loadavg``'s fourth
    field); None where it cannot be read."""
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            return int(fh.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return None


def _threaded() -> bool:
    """A thread of its own for a part: inside :func:`second_thread` on its thread, and a core free now (the
    threads runnable, this one included, fewer than the cores): where none is, the part would only take
    turns with the caller, which then waits for it (measured: 3.5 % slower with one core kept busy)."""
    if _depth == 0 or _owner is not threading.current_thread():
        return False
    cores = os.cpu_count() or 1
    runnable = runnable_now()
    return cores > 1 and (runnable is None or runnable < cores)


class Beside(Generic[T]):
    """``part()`` started now on another thread inside :func:`second_thread`, else computed at :meth:`result`.

    ``after``: a part started earlier whose thread this one follows: where ``after`` runs on a thread, this part
    runs once that thread's part is done, on the core it held (its thread waits, so the two never take turns on
    one core; PERF-96); else it starts as any part does."""

    def __init__(self, part: Callable[[], T], *, after: Beside[Any] | None = None) -> None:
        self._part: Callable[[], T] | None = part
        self._value: T | None = None
        self._error: BaseException | None = None
        self._done = False
        self._gone = False  # let go (:meth:`let_go`): no result to hand back any more (REVIEW-306)
        self._thread: threading.Thread | None = None
        first = None if after is None else after._thread
        if first is not None or _threaded():
            context = contextvars.copy_context()
            self._thread = threading.Thread(
                target=context.run, args=(self._run, first), name="retrogait-beside", daemon=True
            )
            self._thread.start()

    @property
    def threaded(self) -> bool:
        """The part runs on a thread of its own (else :meth:`result` computes it on the caller's)."""
        return self._thread is not None

    def _run(self, first: threading.Thread | None = None) -> None:
        if first is not None:  # the part this one follows, on the core this one takes over
            first.join()
        try:
            assert self._part is not None, "a part let go before it ran"
            self._value = self._part()
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc
        self._done = True

    def wait(self) -> None:
        """Wait for the part's thread, if it has one (its value or exception stays for :meth:`result`)."""
        if self._thread is not None:
            self._thread.join()

    def result(self) -> T:
        """The part's value (waiting for its thread, or computing it here); its exception raised here. Not after
        :meth:`let_go`: its error no longer held, a failed part would read as None (REVIEW-306)."""
        if self._gone:
            raise RuntimeError("a part's result asked for after it was let go")
        if self._thread is not None:
            self._thread.join()
        elif not self._done:
            self._run()
        error = self._error
        if error is not None:
            # held no more once raised: its traceback holds :meth:`_run`'s frame (this object, its part and what the
            # part read), a cycle past the caller's handling of it; a later result() raises (REVIEW-306, REVIEW-307)
            self._error, self._part, self._gone = None, None, True
            try:
                raise error
            finally:
                del error  # nor this frame's own reference, which the raised traceback holds
        return self._value  # type: ignore[return-value]

    def let_go(self) -> None:
        """Once its result was taken or raised: neither the part nor its error held, so an error raised, whose
        traceback's frames (the thread's :meth:`_run`) hold this object, makes no cycle keeping what the part read
        (EDGE-305). Waits for the part's thread first."""
        self.wait()
        self._gone = True
        self._part = None
        self._error = None


def in_halves(part: Callable[[int, int], object], rows: int, *, align: int = 1, row_values: int = 1) -> None:
    """``part(start, stop)`` over the rows ``0..rows``, for a ``part`` whose output rows ``start:stop`` depend only on
    its input rows ``start:stop`` and are written only by that call (PERF-157): where :class:`Beside` starts a
    thread (inside :func:`second_thread`, a core free now) and the rows hold HALVES_MIN_VALUES values or more
    (``row_values`` a row), ``part(middle, rows)`` runs on it while this thread runs ``part(0, middle)``, ``middle``
    half the rows rounded down to a multiple of ``align`` (a part that works in blocks of ``align`` rows then meets
    the whole call's blocks); else one call ``part(0, rows)``. Each row gets the same operations either way, so the
    same bits."""
    middle = rows // 2 // align * align
    if rows * row_values < HALVES_MIN_VALUES or middle == 0:
        part(0, rows)
        return
    second = Beside(lambda: part(middle, rows))
    if not second.threaded:  # no core free: one call, the second half never computed
        part(0, rows)
        return
    try:
        part(0, middle)
    finally:  # no thread left writing the rows once this returns or raises
        second.wait()
    second.result()


class Pieces:
    """``piece(k)`` for k in 0..count-1, each called once, by whichever thread asks next (:meth:`work`; PERF-75,
    PERF-169): threads share the pieces one at a time, so a thread that finds none left waits at most for the pieces
    the others are computing. A piece that raises raises in the thread that ran it and in :meth:`result`; no other
    thread waits for it or starts a piece after it (REVIEW-124); ``failed`` is then called (after the error is kept),
    to wake what a piece of the caller's waits on. ``piece`` is let go once every piece is done."""

    def __init__(self, count: int, piece: Callable[[int], object], failed: Callable[[], object] | None = None) -> None:
        self._count = count
        self._piece: Callable[[int], object] | None = piece
        self._failed = failed
        self._claims = itertools.count()  # next() of a count is atomic: each piece is claimed by one thread
        self._lock = threading.Lock()
        self._left = count
        self._error: BaseException | None = None
        self._all_done = threading.Event()
        if count <= 0:
            self._piece = None
            self._all_done.set()

    @property
    def error(self) -> BaseException | None:
        """The exception a piece raised, if one did."""
        return self._error

    def work(self) -> None:
        """Compute pieces not yet claimed until none is left or one has raised (its exception raised here where it
        ran here)."""
        try:
            while self._error is None:  # a piece failed: its error handed over at once, no piece left computed first
                k = next(self._claims)
                piece = self._piece
                if k >= self._count or piece is None:
                    return
                piece(k)
                del piece
                with self._lock:
                    self._left -= 1
                    if self._left == 0:
                        self._piece = None  # what the pieces read is not held by a thread that comes late
                        self._all_done.set()
        except BaseException as exc:
            self._error = exc
            if self._failed is not None:
                self._failed()
            self._all_done.set()
            raise

    def result(self) -> None:
        """Every piece done (this thread computing those left, then waiting for those another is computing); the
        exception of a piece that raised raised here."""
        self.work()
        self._all_done.wait()
        if self._error is not None:  # a piece another thread computed failed
            raise self._error

    def helped(self) -> None:
        """:meth:`work` for a thread beside the one that calls :meth:`result`: a piece's exception is kept here
        and raised by :meth:`result`, not also held by that thread (its traceback holds this object: a cycle)."""
        with contextlib.suppress(BaseException):
            self.work()

    def let_go(self) -> None:
        """Once no thread works on the pieces any more: neither ``piece`` nor an error held, so a raised error,
        whose traceback's frames hold this object, makes no cycle keeping what the pieces read (REVIEW-286)."""
        self._piece = None
        self._error = None


def in_turns(piece: Callable[[int], object], count: int) -> None:
    """``piece(k)`` for k in 0..count-1, each once, for pieces that read no piece's output and write only their own
    (PERF-169): where :class:`Beside` starts a thread (inside :func:`second_thread`, a core free now) and there are
    two pieces or more, that thread and this one take the pieces one at a time, whichever asks next
    (:class:`Pieces`), and this thread, once none is left, waits only for the piece the other is computing; else
    every piece here, in order. Each piece gets the same operations either way, so the same bits. It returns or
    raises once that thread has ended: a piece failing here (or Ctrl-C) stops it after the one piece it holds."""
    pieces = Pieces(count, piece)
    helper = Beside(pieces.helped) if count > 1 else None  # where a core is free; its error raised by result()
    try:
        pieces.result()
    finally:  # the helper outlives no call: an error here (Ctrl-C) lets it end the one piece it holds (REVIEW-285)
        if helper is not None:
            helper.wait()
        pieces.let_go()  # no cycle through a raised error keeps the signal past the call (REVIEW-286)
