"""A text table's rows found by their time without reading the file (LONG-6): a native session file or a GENEActiv
CSV export too long to read whole is read a part at a time.

Its rows are in time order (what a recorder or an export writes), so the first row at or after a time is found by
bisecting on byte offsets: the offset is moved to the start of the next line, that line's time read, and the
bisection goes on until its bounds are one block apart, whose lines' times are then parsed together (numpy or
pandas, no row loop). About 30 reads of 64 KiB find a row of a file of gigabytes. A part is then the bytes between
two such rows, read in one piece: the memory holds the part, never the file. The recording's length (first row to
last) is read from its first and last lines.

Whether the rows really are in time order is checked as the parts are read (:class:`OrderCheck`): each part's bytes
start at or before the previous part's end, and no row is before a row ahead of it in the file, in its part or in
those before. The parts together cover the file's bytes, so a file read whole in parts without
:class:`~retrogait.recording_part.NotInTimeOrder` is in order from its first row to its last.

A reader may let rows lie a little behind a row before them (``back_s``, less than MARGIN_S: a GENEActiv export's
clock glitch at a page, LONG-9): the bisection still finds every part's rows. Where no row is ``back_s`` or more
behind any row before it, every row before the byte found for ``t - MARGIN_S`` is before ``t`` (it is before that
byte's row, or before ``t - MARGIN_S``, plus less than ``back_s``), and every row from the byte found for
``t + MARGIN_S`` on is after ``t``: a part's rows from ``start`` to ``end`` are all in its bytes, and no row before
them is at or after ``start``, so the rows a whole reading drops for going back (behind a row before them) are
those the part's reading drops.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

from retrogait.recording_part import NotInTimeOrder

#: Bytes read at each probe of the bisection, and the bounds at which it reads the block between them whole.
PROBE_BYTES = 1 << 16
#: (s) The part's bytes are found this much wider than asked; its rows are then cut exactly, as a whole reading is.
MARGIN_S = 1.0
#: (s) A row this much or more behind a row before it makes a file out of order for a reader that lets rows go back
#: (a GENEActiv export, LONG-9): the part margin, so every part's rows are still found (module doc).
TIME_BACK_S = MARGIN_S

#: The times of the complete lines of a block that starts at a line start: (each line's first byte in the block,
#: its time, s; NaN where a line holds none: blank, cut or not a row).
LineTimes = Callable[[bytes], tuple[NDArray[np.int64], NDArray[np.float64]]]


def complete_lines(block: bytes, newline: int, at_end: bool) -> bytes:
    """``block`` up to and with its last line end (the whole of it where it ends the file: its last line is whole)."""
    if at_end:
        return block
    last = block.rfind(bytes([newline]))
    return block[: last + 1] if last >= 0 else b""


def line_starts(block: bytes, newline: int) -> NDArray[np.int64]:
    """The first byte of each non-empty tail of ``block`` after a line end (the block starts at a line start)."""
    buf = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(buf == newline)
    starts = np.concatenate([[0], ends + 1]).astype(np.int64)
    return starts[starts < buf.size]


def end_times(block: bytes, newline: int, line_times: LineTimes) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The first bytes (in ``block``) and times of the first and the last row with a time of ``block`` (whole lines;
    none, one or two rows): what :class:`OrderCheck` needs of a part whose own order its reader checks."""
    head = complete_lines(block[:PROBE_BYTES], newline, len(block) <= PROBE_BYTES)
    tail_at = max(0, len(block) - PROBE_BYTES)
    tail = block[tail_at:]
    if tail_at:  # from the first whole line of the last PROBE_BYTES
        cut = tail.find(bytes([newline])) + 1
        tail, tail_at = tail[cut:], tail_at + cut
    (head_starts, first), (tail_starts, last) = line_times(head), line_times(tail)
    i, j = np.flatnonzero(np.isfinite(first))[:1], np.flatnonzero(np.isfinite(last))[-1:]
    at = np.concatenate([head_starts[i], tail_starts[j] + tail_at]).astype(np.int64)
    times = np.concatenate([first[i], last[j]])
    return (at, times) if i.size and j.size else (at[:1], times[:1])


class RowsInTime:
    """An open text table whose rows from ``data_start`` on are in time order: the byte of the row at a time.

    ``line_times`` reads the times of a block's lines (the format's own); ``newline`` the line end byte (LF, or CR
    in an old export). Times are the format's own (s; a GENEActiv's wall clock, a session's ``t_s``)."""

    def __init__(
        self, fh: BinaryIO, data_start: int, newline: int, line_times: LineTimes, display: str, back_s: float = 0.0
    ) -> None:
        self.fh, self.data_start, self.newline, self.line_times, self.display = (
            fh,
            data_start,
            newline,
            line_times,
            display,
        )
        self.back_s = back_s  # (s) how far a row may lie behind one before it (module doc; 0: none)
        fh.seek(0, os.SEEK_END)
        self.size = fh.tell()
        self.first = self._line_at(data_start)
        if not math.isfinite(self.first[1]):
            raise NotInTimeOrder(f"{display}: its first rows hold no time that can be read: it is not read in parts")
        self.last = self._last_line()

    def _read(self, start: int, length: int) -> bytes:
        self.fh.seek(start)
        return self.fh.read(length)

    def _line_at(self, p: int) -> tuple[int, float]:
        """(first byte, time) of the first line with a time that starts at or after byte ``p`` (``size``, inf: none
        in the next PROBE_BYTES)."""
        if p >= self.size:
            return self.size, math.inf
        if p > self.data_start:  # the line holding byte p-1 ends before the next line starts
            block = self._read(p - 1, PROBE_BYTES + 1)
            cut = block.find(bytes([self.newline]))
            if cut < 0:
                return self.size, math.inf
            p += cut
            block = block[cut + 1 :]
        else:
            p, block = self.data_start, self._read(self.data_start, PROBE_BYTES)
        block = complete_lines(block, self.newline, p + len(block) >= self.size)
        starts, times = self.line_times(block)
        good = np.flatnonzero(np.isfinite(times))
        if not good.size:
            return self.size, math.inf
        return p + int(starts[good[0]]), float(times[good[0]])

    def _last_line(self) -> tuple[int, float]:
        """(first byte, time) of the file's last line with a time (a last line cut short holds none, or is left out
        by the reader: the line before it)."""
        start = max(self.data_start, self.size - PROBE_BYTES)
        block = self._read(start, self.size - start)
        if start > self.data_start:  # from the first whole line of the block
            cut = block.find(bytes([self.newline]))
            block, start = block[cut + 1 :], start + cut + 1
        ends_whole = block.endswith(bytes([self.newline]))
        starts, times = self.line_times(block if ends_whole else complete_lines(block, self.newline, False))
        good = np.flatnonzero(np.isfinite(times))
        if not good.size:
            raise NotInTimeOrder(f"{self.display}: its last lines hold no row with a time: it is not read in parts")
        return start + int(starts[good[-1]]), float(times[good[-1]])

    @property
    def length_s(self) -> float:
        """From the first row to the last (s): a gap inside the file counts."""
        return self.last[1] - self.first[1]

    def offset_of(self, t: float) -> int:
        """The first byte of the first row at or after time ``t`` (``size``: none), by bisection (module doc)."""
        if t <= self.first[1]:
            return self.data_start
        if t > self.last[1]:
            return self.size
        lo, hi = self.first[0], self.last[0]  # lo's time < t <= hi's
        while hi - lo > PROBE_BYTES:
            start, time = self._line_at((lo + hi) // 2)
            if start >= hi:  # no row with a time between the middle and hi
                break
            if time >= t:
                hi = start
            else:
                lo = start
        block = self._read(lo, hi - lo)
        starts, times = self.line_times(complete_lines(block, self.newline, False))
        known = times[np.isfinite(times)]
        if known.size and too_far_back(_running_max_before(known) - known, self.back_s).any():
            raise NotInTimeOrder(
                f"{self.display}: its rows are not in time order (bytes {lo:,}-{hi:,}): it is not read in parts"
            )
        later = np.flatnonzero(times >= t)
        return lo + int(starts[later[0]]) if later.size else hi

    def part_bytes(self, start_s: float | None, end_s: float | None) -> tuple[int, int]:
        """(first byte, end) of the rows from ``start_s`` to ``end_s`` (s from the first row; None: from the first,
        to the end), MARGIN_S wider on both sides."""
        first = self.first[1]
        a = self.data_start if start_s is None else self.offset_of(first + start_s - MARGIN_S)
        b = self.size if end_s is None else self.offset_of(first + end_s + MARGIN_S)
        return a, max(a, b)


def _running_max_before(t: NDArray[np.float64]) -> NDArray[np.float64]:
    """The latest of the times before each of ``t`` (s; -inf before the first)."""
    return np.concatenate([[-math.inf], np.maximum.accumulate(t)[:-1]]) if t.size else t


def too_far_back(behind_s: NDArray[np.float64], back_s: float) -> NDArray[np.bool_]:
    """Whether rows ``behind_s`` (s) behind the latest row before them are out of order where rows may lie less than
    ``back_s`` behind (0: none may; a row at the same time is in order)."""
    return behind_s >= back_s if back_s > 0 else behind_s > 0


@dataclass
class OrderCheck:
    """What the parts read so far say (module doc): the file (path, size, change time), the end of the bytes
    read and the latest row's time before it."""

    file: tuple[str, int, int] | None = None
    end: int = 0
    latest_t: float = -math.inf

    def read(
        self,
        display: str,
        key: tuple[str, int, int],
        a: int,
        b: int,
        times: NDArray[np.float64],
        at: NDArray[np.int64],
        back_s: float = 0.0,
    ) -> None:
        """Check a part's bytes (``a``-``b``) and the times of its rows (in file order; ``at``: each row's first byte
        in the file) against the parts before; rows may lie less than ``back_s`` (s) behind a row before them."""
        finite = np.isfinite(times)
        known, at = times[finite], at[finite]
        inner = _running_max_before(known)
        behind = too_far_back(inner - known, back_s)
        if behind.any():
            i = int(np.argmax(behind))
            raise NotInTimeOrder(
                f"{display}: its rows are not in time order (a row at {known[i]:.3f} s after one at "
                f"{inner[i]:.3f} s, in bytes {a:,}-{b:,}): it is not read in parts"
            )
        if a == b:  # nothing read: a part inside a gap, or beyond the end (the length asked for)
            return
        first = self.file != key  # the first part read: from the first row
        if not first:
            new = at >= self.end  # rows not read before: after every row up to the end of those read
            if a > self.end or too_far_back(self.latest_t - known[new], back_s).any():
                raise NotInTimeOrder(
                    f"{display}: its rows are not in time order (the rows from byte {a:,} do not follow those up to "
                    f"byte {self.end:,}): it is not read in parts"
                )
        if first or b >= self.end:
            latest = float(known.max()) if known.size else -math.inf
            self.file, self.end, self.latest_t = key, b, latest if first else max(self.latest_t, latest)


_ORDER: ContextVar[OrderCheck | None] = ContextVar("retrogait_text_parts_order", default=None)


@contextmanager
def parts_in_order() -> Iterator[OrderCheck]:
    """While the parts of one recording are read one after another: each checked against those before it."""
    check = OrderCheck()
    token = _ORDER.set(check)
    try:
        yield check
    finally:
        _ORDER.reset(token)


def reading_parts() -> bool:
    """Whether the parts of a recording are being read one after another (:func:`parts_in_order`): a part that is
    not in time order is then for their caller to read whole, not for the part's own reading."""
    return _ORDER.get() is not None


def check_order(
    display: str,
    path: str | os.PathLike[str],
    a: int,
    b: int,
    times: NDArray[np.float64],
    at: NDArray[np.int64],
    back_s: float = 0.0,
) -> None:
    """Check a part read (bytes ``a``-``b``, its rows' times and first bytes in the file) against the parts read
    before it, where parts are being read (:func:`parts_in_order`); its own rows' order always (``back_s``:
    :meth:`OrderCheck.read`)."""
    stat = os.stat(path)
    key = (os.fspath(path), stat.st_size, stat.st_mtime_ns)
    check = _ORDER.get() or OrderCheck()
    check.read(display, key, a, b, times, at, back_s)
