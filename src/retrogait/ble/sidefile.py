"""``NAME.unpaired.csv``: samples a sensor sent that cannot become session rows.

Devices that stream acceleration and angular rate separately (Polar Verity Sense, MetaWear) are
paired into 6-axis rows; an acceleration sample without a gyroscope partner is a row with empty
gyroscope cells (decision REC-20), but a gyroscope sample whose acceleration partner was lost with the
link, or came before that stream started or after it stopped, has no row. It is kept here, on the
session's clock, so that nothing a sensor sent is ever lost (``acc`` rows: recordings before REC-20).
Columns (units in the names, values in the sensor frame):

``t_s`` (s, same clock and origin as the session's ``t_s``), ``stream`` (``acc`` or ``gyr``),
``acc_x_ms2, acc_y_ms2, acc_z_ms2`` (m/s^2, gravity included; empty on ``gyr`` rows),
``gyr_x_dps, gyr_y_dps, gyr_z_dps`` (deg/s; empty on ``acc`` rows).

Rows are in the order they were decided (by stream, each in time order), not sorted by ``t_s``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
from numpy.typing import NDArray

from retrogait.outfiles import DISK_FULL, restore_if_removed

UNPAIRED_SUFFIX = ".unpaired.csv"
UNPAIRED_HEADER = "t_s,stream,acc_x_ms2,acc_y_ms2,acc_z_ms2,gyr_x_dps,gyr_y_dps,gyr_z_dps\n"
_ROW_FORMAT = {"acc": "%.6f,acc,%.9g,%.9g,%.9g,,,\n", "gyr": "%.6f,gyr,,,,%.9g,%.9g,%.9g\n"}
#: Rows formatted per ``%`` call (bounds the temporary format string to ~0.3 MB).
_FORMAT_BLOCK_ROWS = 8192
#: Text written and synced at once from the lines held (bounds a try the full disk refuses: EDGE-297, REVIEW-274).
_PIECE_BYTES = 1 << 20


@dataclass
class PlacedUnpaired:
    """Unpaired samples of one stream placed on the shared host clock.

    Attributes:
        stream: ``"acc"`` (m/s^2) or ``"gyr"`` (deg/s).
        t_host_s: host time of every sample (s, ``time.monotonic`` clock).
        values: shape (n, 3).
    """

    stream: str
    t_host_s: NDArray[np.float64]
    values: NDArray[np.float64]


def unpaired_path(session_path: Path) -> Path:
    """The side file next to a session file: ``run.csv`` -> ``run.unpaired.csv``."""
    return session_path.with_name(session_path.stem + UNPAIRED_SUFFIX)


class UnpairedWriter:
    """Appends unpaired samples to the side file; the file is created with the first flush of a sample.

    :meth:`append` formats and holds; :meth:`flush` writes what is held and pushes it to disk. A write the disk
    refuses (full: :data:`~retrogait.outfiles.DISK_FULL`) loses nothing: the file is cut back to its last flush that
    reached the disk and the samples after it stay held, written again at the next flush (``disk_full`` says why
    meanwhile); samples still held at the end go to a file of their own (:meth:`write_elsewhere`; EDGE-297).
    """

    def __init__(self, path: Path, origin_s: float) -> None:
        self.path = path
        self.origin_s = origin_s
        #: samples handed to the writer (in the file, or held while the disk is full)
        self.samples_written = 0
        self._fh: IO[str] | None = None
        self.restored_to: Path | None = None
        #: formatted lines not yet on disk, oldest first, with their number of samples
        self._held: deque[tuple[str, int]] = deque()
        #: (bytes, samples) of the file at its last flush that reached the disk: where a refusal cuts it back to
        self._kept = (0, 0)
        #: why the disk refuses the file now (``No space left on device``), or None
        self.disk_full: str | None = None

    @property
    def samples_held(self) -> int:
        """Samples appended that are not on disk yet (held while the disk is full)."""
        return sum(n for _, n in self._held)

    @property
    def samples_on_disk(self) -> int:
        """Samples in the file as of its last flush that reached the disk."""
        return self._kept[1]

    def append(self, batches: list[PlacedUnpaired]) -> int:
        """Format the batches as whole lines and hold them for the next :meth:`flush`; returns the number of samples.

        Lines are formatted a block at a time by one C-level ``%`` over the whole block (no
        per-row Python; 2.3x faster than ``np.savetxt``), so a large backlog decided at the end
        of a recording is written without stalling the writer.
        """
        parts: list[str] = []
        n = 0
        for b in batches:
            table = np.column_stack([b.t_host_s - self.origin_s, b.values])
            for start in range(0, table.shape[0], _FORMAT_BLOCK_ROWS):
                block = table[start : start + _FORMAT_BLOCK_ROWS]
                parts.append((_ROW_FORMAT[b.stream] * block.shape[0]) % tuple(block.ravel().tolist()))
            n += int(table.shape[0])
        if n == 0:
            return 0
        self._held.append(("".join(parts), n))
        self.samples_written += n
        return n

    def flush(self) -> None:
        """Write the lines held and push them to the operating system and to disk (no file before the first
        sample). A full disk's refusal is not raised: the file is cut back to its last flush and the lines stay
        held (``disk_full`` set); any other error is."""
        try:
            while self._held:
                text, n = self._next_piece()
                self._kept = (self._write_piece(text), self._kept[1] + n)
                self._held.popleft()
            if self._fh is not None and not self._fh.closed:
                self._fh.flush()
                os.fsync(self._fh.fileno())
        except OSError as exc:
            if exc.errno not in DISK_FULL:
                raise
            self._rewind()
            self.disk_full = os.strerror(exc.errno)
            return
        self.disk_full = None

    def _next_piece(self) -> tuple[str, int]:
        """The oldest held lines, joined up to :data:`_PIECE_BYTES` (whole appends), made the first held piece."""
        if len(self._held) > 1 and len(self._held[0][0]) < _PIECE_BYTES:
            parts = [self._held.popleft()]
            size = len(parts[0][0])
            while self._held and size + len(self._held[0][0]) <= _PIECE_BYTES:
                parts.append(self._held.popleft())
                size += len(parts[-1][0])
            self._held.appendleft(("".join(text for text, _ in parts), sum(n for _, n in parts)))
        return self._held[0]

    def _write_piece(self, text: str) -> int:
        """Write ``text`` at the file's end (the file made, with its header, before the first) and sync it; returns
        the file's size (bytes)."""
        if self._fh is None:  # its folder may not be made yet: unpaired samples can come before the first row
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "w+", encoding="utf-8", newline="\n")  # noqa: SIM115  (closed in close())
            self._fh.write(UNPAIRED_HEADER)
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._kept = (os.fstat(self._fh.fileno()).st_size, 0)
        self._fh.write(text)
        self._fh.flush()
        os.fsync(self._fh.fileno())
        return os.fstat(self._fh.fileno()).st_size

    def _rewind(self) -> None:
        """Back to the last flush that reached the disk: what a refused write left after it (part of a line perhaps)
        is cut off; a file whose header did not reach it is removed (made again by the next flush). The file is cut
        back through its own descriptor, not reopened by its name: its folder may have been removed meanwhile, the
        samples then only in the open file, restored at :meth:`close` (USER-4, REVIEW-294)."""
        if self._fh is None:
            return
        kept = os.dup(self._fh.fileno()) if self._kept[0] else None
        with contextlib.suppress(OSError, ValueError):  # its buffer's lines, written or not, are cut off below
            self._fh.close()
        if kept is None:
            self.path.unlink(missing_ok=True)
            self._fh = None
            return
        self._fh = open(kept, "r+", encoding="utf-8", newline="\n")  # noqa: SIM115  (closed in close())
        self._fh.truncate(self._kept[0])
        self._fh.seek(0, os.SEEK_END)

    def write_elsewhere(self, folder: Path | None = None) -> Path:
        """The lines still held (the disk full to the end), in a new file of their own, the user's alone, in
        ``folder`` (default: the system's temporary folder, another file system as a rule): returns it. Raises the
        OSError where it cannot be written (no part of it is left there)."""
        fd, name = tempfile.mkstemp(
            prefix=f"{self.path.stem}.after-disk-full-{os.getpid()}-", suffix=".csv", dir=folder
        )
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(UNPAIRED_HEADER + "".join(text for text, _ in self._held))
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        self._held.clear()
        return Path(name)

    def close(self) -> None:
        """Flush (lines a full disk refuses stay held: :meth:`write_elsewhere`) and close."""
        self.flush()
        if self._fh is not None and not self._fh.closed:
            try:
                self.restored_to = restore_if_removed(self._fh, self.path)  # its folder removed meanwhile (USER-4)
            finally:
                self._fh.close()
