"""A session writer whose disk is full for a while, for the recorders' full-disk tests (EDGE-293, REVIEW-273)."""

from __future__ import annotations

import errno
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrogait.session import SessionWriter


def held_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new folder made the temporary folder, where a recording puts the rows a full disk held to its end."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(elsewhere))
    return elsewhere


def full_disk_writer(out: Path, room_again_at: int | None, *, rows_only: bool = False) -> type[SessionWriter]:
    """A :class:`SessionWriter` whose appends to ``out`` find the disk full (ENOSPC) from the 3rd to before the
    ``room_again_at``-th (None: to the end); each refused append is a short write, half its rows reaching the file
    before the error. ``rows_only``: appends of no rows are not counted (a phone's empty polls). The class counts
    the appends to ``out`` in ``appends``."""

    class FullDisk(SessionWriter):
        appends = 0

        def append(self, table: Any) -> int:
            if self.path == out and (not rows_only or len(table["t_s"])):
                FullDisk.appends += 1
                if FullDisk.appends > 2 and (room_again_at is None or FullDisk.appends < room_again_at):
                    half = {name: np.asarray(column)[: len(column) // 2] for name, column in table.items()}
                    super().append(half)  # a short write: part of the rows reach the file before the error
                    self._fh.flush()
                    raise OSError(errno.ENOSPC, "No space left on device")
            return super().append(table)

    return FullDisk


def full_disk_side_file(
    monkeypatch: pytest.MonkeyPatch,
    room_again_at: int | Callable[[int], bool] | None,
    *,
    full_from: int = 3,
) -> list[int]:
    """Every ``NAME.unpaired.csv`` file's writes of samples (not its header's) find the disk full (ENOSPC) from the
    ``full_from``-th to before the ``room_again_at``-th (None: to the end; a callable: room again where it returns
    True, given the write's number, 1 the first: an event rather than a count), each refused write a short one: half
    its text reaches the file before the error. The files the side-file module opens are wrapped (its ``open``), so
    that the writer's own code is what is tested. Returns the list the samples' writes are counted in (the size of
    each, in characters)."""
    from retrogait.ble import sidefile

    writes: list[int] = []

    class Full:
        def __init__(self, fh: Any) -> None:
            self._fh = fh

        def write(self, text: str) -> int:
            if text.startswith(sidefile.UNPAIRED_HEADER):
                return self._fh.write(text)
            writes.append(len(text))
            if len(writes) >= full_from and not _room(room_again_at, len(writes)):
                self._fh.write(text[: len(text) // 2])  # a short write: part of the lines reach the file
                self._fh.flush()
                raise OSError(errno.ENOSPC, "No space left on device")
            return self._fh.write(text)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._fh, name)

    def full_open(*args: Any, **kwargs: Any) -> Full:
        return Full(open(*args, **kwargs))

    monkeypatch.setattr(sidefile, "open", full_open, raising=False)
    return writes


def _room(room_again_at: int | Callable[[int], bool] | None, write: int) -> bool:
    """Whether the disk has room again for the side file's ``write``-th write of samples (see full_disk_side_file)."""
    if room_again_at is None:
        return False
    if callable(room_again_at):
        return room_again_at(write)
    return write >= room_again_at
