"""A text table's rows found by their time without reading the file (LONG-6): a native session file or a GENEActiv
CSV export too long to read whole is read a part at a time.

Its rows are in time order (what a recorder or an export writes), so the first row at or after a time is found by
bisecting on byte offsets: the offset is moved to the start of the next line, that line's time read, and the
bisection goes on until its bounds are one block apart, whose lines' times are then parsed together (numpy or
pandas, no row loop). About 30 reads of 64 KiB find a row of a file of gigabytes. A part is then the bytes between
two such rows, read in one piece: the memory holds the part, never the file. The recording's length (first row to
last) is read from its first and last lines.

Whether the rows really are in time order is checked as the parts are read (:class:`OrderCheck`): each part's rows
are in order, each part's bytes start at or before the previous part's end, and where they only meet, the first row
is not before the previous part's last. The parts together cover the file's bytes, so a file read whole in parts
without :class:`~retrogait.imports.part.NotInTimeOrder` is in order from its first row to its last.
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

from retrogait.imports.part import NotInTimeOrder

#: Bytes read at each probe of the bisection, and the bounds at which it reads the block between them whole.
PROBE_BYTES = 1 << 16
#: (s) The part's bytes are found this much wider than asked; its rows are then cut exactly, as a whole reading is.
MARGIN_S = 1.0

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


def end_times(block: bytes, newline: int, line_times: LineTimes) -> NDArray[np.float64]:
    """The times of the first and the last row with a time of ``block`` (whole lines; none, one or two values):
    what :class:`OrderCheck` needs of a part whose own order its reader checks."""
    head = complete_lines(block[:PROBE_BYTES], newline, len(block) <= PROBE_BYTES)
    tail = block[-PROBE_BYTES:]
    if len(block) > PROBE_BYTES:  # from the first whole line of the last PROBE_BYTES
        tail = tail[tail.find(bytes([newline])) + 1 :]
    first, last = line_times(head)[1], line_times(tail)[1]
    first, last = first[np.isfinite(first)][:1], last[np.isfinite(last)][-1:]
    return np.concatenate([first, last]) if first.size and last.size else np.concatenate([first, last])[:1]


class RowsInTime:
    """An open text table whose rows from ``data_start`` on are in time order: the byte of the row at a time.

    ``line_times`` reads the times of a block's lines (the format's own); ``newline`` the line end byte (LF, or CR
    in an old export). Times are the format's own (s; a GENEActiv's wall clock, a session's ``t_s``)."""

    def __init__(self, fh: BinaryIO, data_start: int, newline: int, line_times: LineTimes, display: str) -> None:
        self.fh, self.data_start, self.newline, self.line_times, self.display = (
            fh,
            data_start,
            newline,
            line_times,
            display,
        )
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
        if known.size and (np.diff(known) < 0).any():
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


@dataclass
class OrderCheck:
    """What the parts read so far say (module doc): the file (path, size, change time) and the end of the bytes
    read and the last row's time there."""

    file: tuple[str, int, int] | None = None
    end: int = 0
    last_t: float = -math.inf

    def read(self, display: str, key: tuple[str, int, int], a: int, b: int, times: NDArray[np.float64]) -> None:
        """Check a part's bytes (``a``-``b``) and the times of its rows (in file order) against the parts before."""
        known = times[np.isfinite(times)]
        if known.size and (np.diff(known) < 0).any():
            at = int(np.argmax(np.diff(known) < 0))
            raise NotInTimeOrder(
                f"{display}: its rows are not in time order (a row at {known[at + 1]:.3f} s after one at "
                f"{known[at]:.3f} s, in bytes {a:,}-{b:,}): it is not read in parts"
            )
        if a == b:  # nothing read: a part inside a gap, or beyond the end (the length asked for)
            return
        if self.file != key:  # the first part read: from the first row
            self.file, self.end, self.last_t = key, b, float(known[-1]) if known.size else -math.inf
            return
        if a > self.end or (a == self.end and known.size and known[0] < self.last_t):
            raise NotInTimeOrder(
                f"{display}: its rows are not in time order (the rows from byte {a:,} do not follow those up to "
                f"byte {self.end:,}): it is not read in parts"
            )
        if b >= self.end:
            self.end = b
            self.last_t = float(known[-1]) if known.size else self.last_t


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


def check_order(display: str, path: str | os.PathLike[str], a: int, b: int, times: NDArray[np.float64]) -> None:
    """Check a part read (bytes ``a``-``b``, its rows' times) against the parts read before it, where parts are
    being read (:func:`parts_in_order`); its own rows' order always."""
    stat = os.stat(path)
    key = (os.fspath(path), stat.st_size, stat.st_mtime_ns)
    check = _ORDER.get() or OrderCheck()
    check.read(display, key, a, b, times)
