"""The session model and the native "retrogait session" file (version 1).

A session file is one CSV a person can open: ``#``-prefixed ``key: value`` header lines, then a
table with ``t_s`` (s from start, strictly increasing), ``acc_x..acc_z`` (m/s^2, gravity included),
optional ``gyr_x..gyr_z`` (deg/s) and any extra columns, which are carried through unchanged.
This module is the only place that knows that format; see ``docs/conventions.md``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.conventions import (
    ACC_COLUMNS,
    AXES,
    BRIDGE_MAX_S,
    GYR_COLUMNS,
    MAX_ACC_G,
    OVER_RANGE,
    PLACEMENTS,
    SIDES,
    STANDARD_GRAVITY_MS2,
    TIME_COLUMN,
)
from retrogait.csvtext import csv_pieces
from retrogait.errors import InputFileError
from retrogait.gyro_turning import RADS_TURN_LOG10, STILL_RATE_DPS, gravity_turn_ratio
from retrogait.interrupt import uninterrupted
from retrogait.outfiles import discard, restore_if_removed
from retrogait.ranks import median_within, quantile_at_least
from retrogait.rate import measured_rate_hz

if TYPE_CHECKING:
    from retrogait.recording_part import Part

FORMAT_KEY = "retrogait-session"
FORMAT_VERSION = "1"
CORE_COLUMNS = (TIME_COLUMN, *ACC_COLUMNS)

_HEADER_LINE = re.compile(r"^#\s*([A-Za-z0-9_.-]+)\s*:\s?(.*)$")
_OPTIONAL_FLOAT_KEYS = ("acc_range_g", "gyr_range_dps")
#: Values of ``acc_gravity``: gravity ``included`` in the acceleration (absent means the same) or ``removed``.
ACC_GRAVITY_VALUES = ("included", "removed")
#: ``analyze`` uses a gyroscope with a value at this fraction of the rows or more (EDGE-46).
MIN_GYRO_COVERAGE = 0.5


def covers_enough(left: NDArray[np.bool_]) -> bool:
    """True where ``analyze`` uses a gyroscope whose rows ``left`` (n,) hold no value after its fill and bridge: a
    value at ``MIN_GYRO_COVERAGE`` of the rows or more (``preprocess._gyro_used``'s rule, EDGE-46); else it analyses
    every row as from a sensor without one, and bridges or flags none of the gyroscope's losses (REVIEW-90)."""
    return 1.0 - float(left.mean()) >= MIN_GYRO_COVERAGE if left.size else True


#: Control characters stored as ``\xNN`` in header values (newline and CR as ``\n`` and ``\r``).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class SessionMeta:
    """Header of a session: where the sensor was worn and how it was set up.

    ``sample_rate_hz`` is the nominal rate; the timestamps are the truth. ``acc_gravity`` is
    ``removed`` for acceleration with gravity taken out (phone "linear acceleration"); absent or
    ``included`` means gravity is in it. Header keys retrogait does not know are kept verbatim in
    ``extra`` and written back unchanged.
    """

    placement: str
    sample_rate_hz: float
    side: str | None = None
    sensor: str | None = None
    acc_range_g: float | None = None
    gyr_range_dps: float | None = None
    anterior_axis: str | None = None
    vertical_axis: str | None = None
    start_time_utc: str | None = None
    acc_gravity: str | None = None
    subject: str | None = None
    notes: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problem = self.problem()
        if problem:
            raise ValueError(problem)

    def problem(self) -> str | None:
        """The first thing wrong with these values, or None."""
        if self.placement not in PLACEMENTS:
            return f"placement must be one of {', '.join(PLACEMENTS)}, got {self.placement!r}"
        if not (math.isfinite(self.sample_rate_hz) and self.sample_rate_hz > 0):
            return f"sample_rate_hz must be a positive number, got {self.sample_rate_hz!r}"
        if self.side is not None and self.side not in SIDES:
            return f"side must be one of {', '.join(SIDES)}, got {self.side!r}"
        for key in _OPTIONAL_FLOAT_KEYS:
            value = getattr(self, key)
            if value is not None and not (math.isfinite(value) and value > 0):
                return f"{key} must be a positive number, got {value!r}"
        for key in ("anterior_axis", "vertical_axis"):
            value = getattr(self, key)
            if value is not None and value not in AXES:
                return f"{key} must be one of {' '.join(AXES)}, got {value!r}"
        if self.anterior_axis and self.vertical_axis and self.anterior_axis[1] == self.vertical_axis[1]:
            return f"anterior_axis {self.anterior_axis} and vertical_axis {self.vertical_axis} use the same axis"
        if self.acc_gravity is not None and self.acc_gravity not in ACC_GRAVITY_VALUES:
            return f"acc_gravity must be one of {', '.join(ACC_GRAVITY_VALUES)}, got {self.acc_gravity!r}"
        if self.start_time_utc is not None:
            try:
                datetime.fromisoformat(self.start_time_utc.replace("Z", "+00:00"))
            except ValueError:
                return f"start_time_utc must be ISO 8601 (e.g. 2026-05-01T07:30:00Z), got {self.start_time_utc!r}"
        for key in self.extra:
            if not _HEADER_LINE.match(f"# {key}: x") or key in _KNOWN_KEYS or key == FORMAT_KEY:
                return f"extra header key {key!r} is not allowed"
        return None

    def header_items(self) -> list[tuple[str, str]]:
        """Header as ordered ``(key, value)`` text pairs, format key first."""
        items = [(FORMAT_KEY, FORMAT_VERSION)]
        for f in fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            if value is not None:
                items.append((f.name, _format_value(value)))
        items.extend((k, _escape(str(v))) for k, v in self.extra.items())
        return items

    @property
    def gravity_removed(self) -> bool:
        """True when the acceleration has gravity taken out (``acc_gravity: removed``)."""
        return self.acc_gravity == "removed"


_KNOWN_KEYS = tuple(f.name for f in fields(SessionMeta) if f.name != "extra")


@dataclass
class Session:
    """One recording from one sensor.

    Attributes:
        t_s: time from start (s), shape (n,), strictly increasing.
        acc: acceleration (m/s^2, gravity included), sensor frame, shape (n, 3).
        gyr: angular rate (deg/s), sensor frame, shape (n, 3), or None.
        meta: the header.
        extra: extra columns, by name, each of length n, in file order.
        source: where it was read from, for messages.
    """

    t_s: NDArray[np.float64]
    acc: NDArray[np.float64]
    gyr: NDArray[np.float64] | None
    meta: SessionMeta
    extra: dict[str, NDArray[Any]] = field(default_factory=dict)
    source: str | None = None

    def __post_init__(self) -> None:
        #: ``t_s``, the key of its times (:func:`_times_key`) and their measured rate (Hz), once taken (PERF-162);
        #: another array in ``t_s``, or the same one with its times changed in place since, is measured anew
        #: (REVIEW-276). An attribute, not a field: ``dataclasses.asdict``/``fields`` give the recording's fields
        #: only, not this cache (nor a deep copy of ``t_s`` in it; EDGE-299)
        self._rate: tuple[NDArray[np.float64], tuple[int, int], float] | None = None
        self.t_s = np.asarray(self.t_s, dtype=np.float64)
        self.acc = np.asarray(self.acc, dtype=np.float64)
        if self.gyr is not None:
            self.gyr = np.asarray(self.gyr, dtype=np.float64)
        n = self.t_s.shape[0]
        if self.t_s.ndim != 1 or self.acc.shape != (n, 3):
            raise ValueError(f"t_s must be (n,) and acc (n, 3); got {self.t_s.shape} and {self.acc.shape}")
        if self.gyr is not None and self.gyr.shape != (n, 3):
            raise ValueError(f"gyr must be (n, 3) = ({n}, 3), got {self.gyr.shape}")
        for name, values in self.extra.items():
            if len(values) != n:
                raise ValueError(f"extra column {name!r} has {len(values)} values, expected {n}")

    def measured_rate_hz(self, t_s: NDArray[np.float64] | None = None) -> float:
        """``rate.measured_rate_hz`` (Hz) of ``t_s`` (s; None: the session's own), taken once for the array the
        session holds as its ``t_s`` (the read's rate check, preprocessing and the effort ask of the same times:
        PERF-162) while its times are those measured (:func:`_times_key`: changed in place since, they are measured
        anew, REVIEW-276); any other array is measured now."""
        if t_s is not None and t_s is not self.t_s:
            return measured_rate_hz(t_s)
        own, known = self.t_s, self._rate
        key = _times_key(own)  # the array is the same object, but its times may have been changed in place since
        if known is None or known[0] is not own or known[1] != key:
            known = (own, key, measured_rate_hz(own))
            self._rate = known
        return known[2]

    def _remember_rate_hz(self, t_s: NDArray[np.float64], hz: float | None) -> None:
        """Keep ``hz``, ``measured_rate_hz(t_s)`` taken already, where ``t_s`` is the session's own array."""
        if hz is not None and t_s is self.t_s:
            self._rate = (t_s, _times_key(t_s), hz)

    @property
    def n_samples(self) -> int:
        return int(self.t_s.shape[0])

    @property
    def duration_s(self) -> float:
        return float(self.t_s[-1] - self.t_s[0]) if self.n_samples else 0.0

    @property
    def has_gyro(self) -> bool:
        return self.gyr is not None

    @property
    def gyro_missing(self) -> NDArray[np.bool_]:
        """(n,) True at the rows without a gyroscope value (empty cells, EDGE-46); all True without a gyroscope."""
        if self.gyr is None:
            return np.ones(self.n_samples, dtype=bool)
        return np.asarray(np.isnan(self.gyr).any(axis=1))

    def with_meta(self, **changes: Any) -> Session:
        """A copy sharing the arrays, with some header values changed: the same times, so the rate measured of them
        is kept (still checked against them: :meth:`measured_rate_hz`; REVIEW-279)."""
        copy = replace(self, meta=replace(self.meta, **changes))
        copy._rate = self._rate
        return copy

    def between(self, start_s: float | None, end_s: float | None) -> Session:
        """The samples with ``start_s <= t_s < end_s`` (s, the session's time; None: from its first or to its
        last sample), as a session of its own with the same header (the arrays are views)."""
        lo = 0 if start_s is None else int(np.searchsorted(self.t_s, start_s, side="left"))
        hi = self.n_samples if end_s is None else int(np.searchsorted(self.t_s, end_s, side="left"))
        part = slice(lo, max(lo, hi))
        return replace(
            self,
            t_s=self.t_s[part],
            acc=self.acc[part],
            gyr=None if self.gyr is None else self.gyr[part],
            extra={name: values[part] for name, values in self.extra.items()},
        )

    def to_frame(self) -> pd.DataFrame:
        """The table as it is written to file: core columns, then gyro, then extras."""
        columns: dict[str, Any] = {TIME_COLUMN: self.t_s}
        columns.update(zip(ACC_COLUMNS, self.acc.T, strict=True))
        if self.gyr is not None:
            columns.update(zip(GYR_COLUMNS, self.gyr.T, strict=True))
        columns.update(self.extra)
        return pd.DataFrame(columns, copy=False)


def _times_key(t_s: NDArray[np.float64]) -> tuple[int, int]:
    """The number of times and the wrapping sum of their 64-bit patterns: a change of any one time in place (a view's,
    an alias', a copy's of the session sharing the array) changes it, as do a scale, a shift or a gap put in, so a
    rate kept of ``t_s`` is of the times it holds now (REVIEW-276). Integer sums are exact in any order; one pass,
    ~0.1-1.5 ms an hour at 200 Hz against the measurement's diff, median and steadiness test."""
    return int(t_s.size), int(np.add.reduce(t_s.view(np.uint64)))


def _format_value(value: object) -> str:
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    return _escape(str(value))


def _escape(text: str) -> str:
    """One header line's worth of text: backslash, newline, CR and other control bytes escaped."""
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(2):
            return chr(int(m.group(2), 16))
        return {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1))

    return re.sub(r"\\(x([0-9a-fA-F]{2})|.)", one, text)


# --------------------------------------------------------------------------------------------- write


def write_session(session: Session, path: str | os.PathLike[str]) -> Path:
    """Write a session as a native file (lossless: floats use their shortest round-trip text); a name
    ending in ``.gz`` (any case) is written gzip-compressed, as every reader takes it (EDGE-11, EDGE-27)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    frame = session.to_frame()
    with uninterrupted():  # Ctrl-C waits for the file (EDGE-1): no .partial left behind
        try:
            with open(tmp, "wb") as raw:
                pieces = itertools.chain([format_header(session.meta).encode("utf-8")], _table_slices(frame))
                if path.name.lower().endswith(".gz"):
                    import gzip

                    with gzip.GzipFile(path.name[: -len(".gz")], "wb", 6, raw, mtime=0) as packed:
                        packed.writelines(pieces)
                else:
                    raw.writelines(pieces)
            os.replace(tmp, path)
        except OSError as exc:
            from retrogait.outfiles import naming_the_output

            raise naming_the_output(exc, tmp, path) from None
        finally:
            discard(tmp)  # not raising: on a read-only file system removing it fails too (EDGE-99)
    return path


#: A session file is written this many rows at a time: its text and the spelling's work arrays are never held
#: whole (a week at 100 Hz is ~3 GB of text; LONG-1). The text is the same (each value is spelled alone).
WRITE_ROWS = 1 << 19


def _table_slices(frame: pd.DataFrame) -> Iterator[bytes]:
    """The CSV text of a session table, header first, WRITE_ROWS rows at a time (:func:`_table_text`)."""
    for first in range(0, max(len(frame), 1), WRITE_ROWS):
        yield from _table_text(frame.iloc[first : first + WRITE_ROWS], header=first == 0)


def _table_text(frame: pd.DataFrame, header: bool) -> list[bytes]:
    """The CSV text of a session table, in pieces: numbers through :func:`retrogait.csvtext.csv_pieces`
    (fast), a table with text columns or names that need quoting through pandas (the same text, slower)."""
    names = [str(c) for c in frame.columns]
    rows = _number_rows(names, [frame[c].to_numpy() for c in frame.columns])
    if rows is None:
        return [frame.to_csv(index=False, header=header, lineterminator="\n").encode("utf-8")]
    return [(",".join(names) + "\n").encode("utf-8"), *rows] if header else rows


def _number_rows(names: list[str], columns: list[NDArray[Any]]) -> list[bytes] | None:
    """The rows of numeric columns whose names need no quoting, in pieces
    (:func:`~retrogait.csvtext.csv_pieces`), else None."""
    plain = not any(ch in name for name in names for ch in ',"\r\n')
    return csv_pieces(columns) if plain else None


def format_header(meta: SessionMeta) -> str:
    """The ``#`` header block of a native file, ending with a newline."""
    return "".join(f"# {key}: {value}\n" for key, value in meta.header_items())


class SessionWriter:
    """Append-only native-file writer for live recording.

    Rows are written as whole lines in one ``write`` each, so a killed process leaves a readable
    file with every row written before it; :meth:`flush` also fsyncs so a power loss loses at most
    what came after the last flush.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        meta: SessionMeta,
        has_gyro: bool,
        extra_columns: tuple[str, ...] = (),
    ) -> None:
        self.path = Path(path)
        self.meta = meta
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.columns = (*CORE_COLUMNS, *(GYR_COLUMNS if has_gyro else ()), *extra_columns)
        # w+: readable too, so a file whose folder is removed while recording can be written again (USER-4)
        self._fh: IO[str] = open(self.path, "w+", encoding="utf-8", newline="\n")  # noqa: SIM115
        self._fh.write(format_header(meta) + ",".join(self.columns) + "\n")
        self._fh.flush()
        self.rows_written = 0
        self._last_t = -math.inf
        #: (bytes, rows, last time) at the last flush that reached the disk: where :meth:`rewind` goes back to
        self._kept = (os.fstat(self._fh.fileno()).st_size, 0, -math.inf)
        #: where the rows were written again at close when ``path`` had been removed meanwhile (USER-4)
        self.restored_to: Path | None = None

    def append(self, table: Mapping[str, NDArray[Any]]) -> int:
        """Append rows given as column arrays (all of ``self.columns``); returns rows written.

        Rows whose time is not after the last written time are refused with ValueError: the
        caller must resolve duplicates before writing.
        """
        columns = [np.asarray(table[c]) for c in self.columns]
        if not len(columns[0]):
            return 0
        t = np.asarray(table[TIME_COLUMN], dtype=np.float64)
        if t[0] <= self._last_t or np.any(np.diff(t) <= 0):
            raise ValueError(f"{self.path}: rows must have strictly increasing time after {self._last_t}")
        # numbers straight to text, without a table (a live recording appends a hundred rows at a time)
        rows = _number_rows(list(self.columns), columns)
        if rows is None:
            rows = _table_text(pd.DataFrame(dict(zip(self.columns, columns, strict=True)), copy=False), header=False)
        self._fh.write(b"".join(rows).decode("utf-8"))
        self._last_t = float(t[-1])
        self.rows_written += t.size
        return int(t.size)

    def flush(self) -> None:
        """Push written rows to the operating system and to disk."""
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._kept = (os.fstat(self._fh.fileno()).st_size, self.rows_written, self._last_t)

    def rewind(self) -> None:
        """Back to the last :meth:`flush` that reached the disk: what was written after it (rows a full disk refused,
        part of a row perhaps) is cut off, so those rows can be appended again, once (EDGE-293)."""
        size, self.rows_written, self._last_t = self._kept
        with contextlib.suppress(OSError, ValueError):  # its buffer's rows, written or not, are cut off below
            self._fh.close()
        self._fh = open(self.path, "r+", encoding="utf-8", newline="\n")  # noqa: SIM115
        self._fh.truncate(size)
        self._fh.seek(0, os.SEEK_END)

    def close(self) -> None:
        """Flush and close; when the file (or its folder) was removed meanwhile, every row is written
        again to ``path`` first (``restored_to``; :func:`retrogait.outfiles.restore_if_removed`)."""
        if not self._fh.closed:
            try:
                self.flush()
                self.restored_to = restore_if_removed(self._fh, self.path)
            finally:
                self._fh.close()

    def __enter__(self) -> SessionWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------- read


def read_session(path: str | os.PathLike[str], *, check_units: bool = True, max_acc_g: float = MAX_ACC_G) -> Session:
    """Read and validate a native session file.

    Args:
        path: the ``.csv`` file.
        check_units: refuse values that look like g, mg or rad/s instead of m/s^2 and deg/s.
        max_acc_g: the analysis' ``[preprocess] max_acc_g`` (g): rows beyond it are no movement to the units' check.

    Raises:
        InputFileError: ``path:line: problem`` for every violation of the format.
    """
    path = Path(path)
    header, n_header_lines, columns = _read_head(path)
    meta = _meta_from_header(header, path)
    first_data_line = n_header_lines + 2
    _check_columns(columns, path, n_header_lines + 1)
    complete_rows = _complete_rows(path, n_header_lines + 1)
    spaced = _spaced_table(path, n_header_lines + 1)
    try:
        frame = _read_table(
            path,
            columns,
            skip_lines=n_header_lines,
            first_data_line=first_data_line,
            nrows=complete_rows,
            spaced=spaced,
        )
        frame = _without_blank_rows_at_end(frame)
        if frame.empty:
            raise InputFileError(path, "has a header but no data rows")
        if complete_rows is not None:  # the last line was cut short (EDGE-3): counted as the imports count drops
            meta = _with_cut_line(meta)
        return _session_of(frame, columns, meta, path, first_data_line, check_units, max_acc_g=max_acc_g)
    except InputFileError as exc:
        second = _second_header_line(path, n_header_lines + 1)
        if second is None or exc.line is None or exc.line < second:
            raise
        raise InputFileError(
            path,
            "a second header ('#' lines) begins among the rows: two session files joined in one? split the file "
            "there, each part is a session file of its own",
            second,
        ) from None


def _second_header_line(path: Path, lines_before_data: int) -> int | None:
    """The line number (1-based) of the first line after the first ``lines_before_data`` lines that starts with
    ``#``, or a UTF-8 byte-order mark and ``#`` (a header among the rows: two session files joined, IMPORT-27; the
    second saved with a BOM, REVIEW-37), or None. Read only on a refusal."""
    with open(path, "rb") as fh:
        start = _after_lines(fh, lines_before_data)
        fh.seek(start)
        line, tail = lines_before_data, b"\n"  # lines ended before the block (the block starts a line)
        for block in iter(lambda: fh.read(1 << 20), b""):
            text = tail + block  # the last bytes before the block (counted in line): a mark cut by its edge is seen
            found = [at for at in (text.find(b"\n#"), text.find(b"\n\xef\xbb\xbf#")) if at >= 0]
            if found:
                return line + 1 + text.count(b"\n", len(tail), min(found) + 1)
            line += block.count(b"\n")
            tail = text[-4:]
    return None


def _with_cut_line(meta: SessionMeta) -> SessionMeta:
    """``meta`` counting a last line cut short as a row dropped (EDGE-3)."""
    dropped = int(meta.extra.get("import_dropped_rows", "0") or 0) + 1
    detail = ";".join(filter(None, [meta.extra.get("import_dropped_detail", ""), "last_line_cut_short=1"]))
    return replace(meta, extra={**meta.extra, "import_dropped_rows": str(dropped), "import_dropped_detail": detail})


def _session_of(
    frame: pd.DataFrame,
    columns: list[str],
    meta: SessionMeta,
    path: Path,
    first_data_line: int,
    check_units: bool,
    part_s: Part | None = None,
    origin: float = 0.0,
    max_acc_g: float = MAX_ACC_G,
) -> Session:
    """The session of a table's rows (``first_data_line``: the file's line of its first row, for messages),
    checked as :func:`read_session` checks it; with ``part_s`` only the rows from ``origin + start`` to
    ``origin + end`` (s), as ``Session.between`` cuts them, the units checked on those."""
    # by name, in the order t, acc x y z, gyr x y z, whatever the file's order (EDGE-44)
    numeric = [*CORE_COLUMNS, *(GYR_COLUMNS if GYR_COLUMNS[0] in columns else ())]
    values = frame[numeric].to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():  # one pass: a clean table pays nothing more for EDGE-198 (REVIEW-75)
        meta = _infinite_read_as_missing(values, meta)
        bad = _first_bad_value([values[:, 0], values[:, 1:4]], values[:, 4:7] if len(numeric) == 7 else None)
        if bad is not None:
            row, col, why = bad
            raise InputFileError(path, f"column {numeric[col]} {why}", first_data_line + row)

    t = values[:, 0]
    problem, measured_hz = _time_problem(t, meta)
    if problem is not None:
        at, message = problem
        raise InputFileError(path, message, first_data_line + at if at is not None else None)
    acc = values[:, 1:4]
    gyr = values[:, 4:7] if len(numeric) == 7 else None
    extra = {c: frame[c].to_numpy() for c in columns if c not in numeric}
    del frame, values
    session = Session(t_s=t, acc=acc, gyr=gyr, meta=meta, extra=extra, source=str(path))
    session._remember_rate_hz(t, measured_hz)  # taken by the check above: not again in the analysis (PERF-162)
    if part_s is not None:
        start, end = part_s
        session = session.between(None if start is None else origin + start, None if end is None else origin + end)
        if session.n_samples < 2:
            return session
    if check_units:
        unit_problem = implausible_units(session, max_acc_g)
        if unit_problem:
            raise InputFileError(path, unit_problem)
    return session


def read_session_part(
    path: str | os.PathLike[str], part_s: Part, *, check_units: bool = True, max_acc_g: float = MAX_ACC_G
) -> Session:
    """The rows of a native session file from ``start`` to ``end`` s after its first row (``part_s``; None: from its
    first, to its last), read alone: their bytes found by their time (``textparts``; the rest of the file is not
    parsed, LONG-6), checked as :func:`read_session` checks the whole, the part in the header (``import_part_s``).
    What :func:`read_session` then ``imports.part.part_of`` gives; a part without two rows is
    ``imports.part.EmptyPart`` naming the recording's length."""
    from retrogait.recording_part import PART_KEY, empty_part, part_text
    from retrogait.textparts import RowsInTime, check_order, end_times

    path = Path(path)
    header, n_header_lines, columns = _read_head(path)
    meta = _meta_from_header(header, path)
    _check_columns(columns, path, n_header_lines + 1)
    with open(path, "rb") as fh:
        data_start = _after_lines(fh, n_header_lines + 1)
        rows = RowsInTime(fh, data_start, 10, _time_reader(columns), str(path))
        a, b = rows.part_bytes(*part_s)
        fh.seek(a)
        block = fh.read(b - a)
    cut = b == rows.size and bool(block) and not block.endswith(b"\n")  # the last line cut short (EDGE-3)
    if cut:
        block = block[: block.rfind(b"\n") + 1]
    # its own rows' order is checked as the whole's (t_s strictly increasing), its ends against the parts before
    at, times = end_times(block, 10, _time_reader(columns))
    check_order(str(path), path, a, b, times, a + at)
    if not block.strip():
        raise empty_part(str(path), part_s, rows.length_s, rows.first[1])
    try:
        spaced = b" " in block or b"\t" in block  # (PERF-37)
        frame = _read_table(
            io.BytesIO(block), columns, skip_lines=0, first_data_line=1, header=False, shown=path, spaced=spaced
        )
        if b == rows.size:
            frame = _without_blank_rows_at_end(frame)
        del block
        part = _session_of(frame, columns, meta, path, 1, check_units, part_s, rows.first[1], max_acc_g)
    except InputFileError as exc:  # its line in the part: the file's line
        if exc.line is None:
            raise
        raise InputFileError(path, exc.problem, exc.line + _lines_before(path, a)) from None
    if part.n_samples < 2:
        raise empty_part(str(path), part_s, rows.length_s, rows.first[1])
    meta = _with_cut_line(part.meta) if cut else part.meta
    return replace(part, meta=replace(meta, extra={**meta.extra, PART_KEY: part_text(part_s)}))


def _after_lines(fh: IO[bytes], n_lines: int) -> int:
    """The byte after the first ``n_lines`` line ends of ``fh`` (the header and column lines)."""
    fh.seek(0)
    at, seen = 0, 0
    while seen < n_lines:
        block = fh.read(1 << 16)
        if not block:
            return at
        ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
        if seen + ends.size >= n_lines:
            return at + int(ends[n_lines - seen - 1]) + 1
        seen, at = seen + ends.size, at + len(block)
    return at


#: Bytes of a session file's table looked through at a time for a space (:func:`_spaced_table`).
SPACE_SCAN_BYTES = 1 << 18


def _spaced_table(path: Path, n_lines: int) -> bool:
    """Whether the table after the first ``n_lines`` line ends of ``path`` (the header and column lines) may hold
    a space or a tab, where pandas' ``skipinitialspace`` can change what is read; False only when none is there.

    Without one the option changes nothing and costs a quarter of the parse (34 of 137 ms CPU for an hour at
    200 Hz, PERF-37); looking costs ~4 ms (a reused buffer, no copy of the file). A ``\r`` before the table
    (pandas ends a line there too, ``_after_lines`` does not) says True: the table's start is then not known."""
    buffer = bytearray(SPACE_SCAN_BYTES)
    with open(path, "rb", buffering=0) as fh:
        start = _after_lines(fh, n_lines)
        fh.seek(0)
        if b"\r" in fh.read(start):
            return True
        while True:
            got = fh.readinto(buffer)
            if not got:
                return False
            view = buffer if got == len(buffer) else buffer[:got]
            if view.find(b" ") >= 0 or view.find(b"\t") >= 0:
                return True


def _lines_before(path: Path, offset: int) -> int:
    """The file's lines before byte ``offset`` (counted in blocks; only for a message)."""
    count, left = 0, offset
    with open(path, "rb") as fh:
        while left > 0:
            block = fh.read(min(left, 1 << 24))
            if not block:
                break
            count += block.count(b"\n")
            left -= len(block)
    return count


def _time_reader(columns: list[str]) -> Callable[[bytes], tuple[NDArray[np.int64], NDArray[np.float64]]]:
    """The ``t_s`` of each line of a block of a session file's rows (``textparts.LineTimes``; NaN: none), parsed
    by pandas; all NaN where its lines are not one row each (a quoted line end: the file is then read whole)."""
    from retrogait.textparts import line_starts

    at = columns.index(TIME_COLUMN)

    def times(block: bytes) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        starts = line_starts(block, 10)
        options: dict[str, Any] = {"header": None, "usecols": [at], "skip_blank_lines": False, "skipinitialspace": True}
        try:
            try:  # numbers (a blank line: NaN) ...
                frame = pd.read_csv(io.BytesIO(block), dtype=np.float64, **options)
                column = frame.iloc[:, 0]
            except ValueError:  # ... or a line with text there: NaN for it
                frame = pd.read_csv(
                    io.BytesIO(block), dtype=str, keep_default_na=False, encoding_errors="replace", **options
                )
                column = pd.to_numeric(frame.iloc[:, 0].str.strip(), errors="coerce")
        except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
            return starts, np.full(starts.size, np.nan)
        if len(frame) != starts.size:
            return starts, np.full(starts.size, np.nan)
        return starts, column.to_numpy(dtype=np.float64)

    return times


def session_problem(session: Session, max_acc_g: float = MAX_ACC_G) -> str | None:
    """Why :func:`read_session` would refuse this session once written (a value that is not finite,
    time not strictly increasing, a header rate the timestamps contradict, implausible units), or
    None. Importers check with it, so ``convert`` never writes a file our own reader refuses. ``max_acc_g``
    (g): the analysis' ``[preprocess] max_acc_g``, where the user set one (EDGE-131)."""
    names = [*CORE_COLUMNS, *(GYR_COLUMNS if session.gyr is not None else ())]
    bad = _first_bad_value([session.t_s, session.acc], session.gyr)
    if bad is not None:
        return f"column {names[bad[1]]} {bad[2]} at row {bad[0] + 1}"
    problem, _ = _time_problem(session.t_s, session.meta)
    if problem is not None:
        return problem[1]
    return implausible_units(session, max_acc_g)


def _infinite_read_as_missing(values: NDArray[np.float64], meta: SessionMeta) -> SessionMeta:
    """``meta`` with a note where ``values`` (n, 4 or 7: t, acc x y z, gyr x y z) held an infinite acceleration or
    gyroscope value, which it now holds as missing (NaN, in place): no measurement, so a missing value (EDGE-198).
    A row's gyroscope is then missing in all three axes (all three or none, EDGE-46). An infinite time stays
    (refused by :func:`_first_bad_value`)."""
    inf = np.isinf(values[:, 1:])
    if not inf.any():
        return meta
    acc_inf, gyr_inf = int(inf[:, :3].sum()), int(inf[:, 3:].sum())
    values[:, 1:4][inf[:, :3]] = np.nan
    if gyr_inf:
        values[inf[:, 3:].any(axis=1), 4:7] = np.nan
    note = (
        f"{acc_inf} acceleration value{'s' * (acc_inf != 1)} and {gyr_inf} gyroscope value{'s' * (gyr_inf != 1)} "
        "in the file are infinite: no measurement, so read as missing (a value is bridged over at most "
        f"{BRIDGE_MAX_S * 1000:.0f} ms or left out as a gap; an infinite gyroscope value leaves that row's gyroscope "
        "missing in all three axes)"
    )
    told = meta.extra.get("import_notes", "")
    return replace(meta, extra={**meta.extra, "import_notes": " | ".join(filter(None, [told, note]))})


def _first_bad_value(core: list[NDArray[np.float64]], gyr: NDArray[np.float64] | None) -> tuple[int, int, str] | None:
    """(row, column, why) of the first value (by row, then column) a session may not hold, or None:
    ``core`` the arrays of t and acc x y z ((n,) or (n, k) each, columns counted in that order), ``gyr``
    (n, 3) after them. Every value finite, except that an acceleration cell may be empty (NaN: no value recorded
    there, EDGE-197) and a row's three gyroscope cells may all be empty (NaN):
    no gyroscope value at that time (EDGE-46)."""
    found: list[tuple[int, int, str]] = []
    col = 0
    for values in core:
        block = values.reshape(len(values), -1)
        bad = _first_not_finite(block, empty_allowed=col > 0)
        if bad is not None:
            why = "is infinite (a value must be a finite number)" if np.isinf(block[bad]) else "is empty or not finite"
            found.append((bad[0], col + bad[1], why))
        col += block.shape[1]
    if gyr is not None and not np.isfinite(gyr).all():
        bad_gyro = ~np.isfinite(gyr)
        bad_gyro[np.isnan(gyr).all(axis=1)] = False
        if bad_gyro.any():
            row, k = (int(i) for i in np.argwhere(bad_gyro)[0])
            why = "is not finite" if np.isinf(gyr[row, k]) else "is empty where another gyroscope column has a value"
            found.append((row, col + k, why if why == "is not finite" else f"{why} (all three or none)"))
    return min(found) if found else None


def _first_not_finite(values: NDArray[np.float64], empty_allowed: bool = False) -> tuple[int, int] | None:
    """(row, column) of the first value that is NaN or infinite (``empty_allowed``: infinite only: an acceleration
    cell left empty, no value recorded there, EDGE-197), or None."""
    if np.isfinite(values).all():
        return None
    bad = np.isinf(values) if empty_allowed else ~np.isfinite(values)
    if not bad.any():
        return None
    row, col = np.argwhere(bad)[0]
    return int(row), int(col)


def _time_problem(t: NDArray[np.float64], meta: SessionMeta) -> tuple[tuple[int | None, str] | None, float | None]:
    """(row, message) when the times do not strictly increase or contradict the header rate, else None; and the
    measured rate (Hz) where it was taken to check the header's, else None."""
    steps = np.diff(t)
    if steps.size and (steps <= 0).any():
        row = int(np.argmax(steps <= 0)) + 1
        return (
            row,
            f"time t_s={float(t[row])!r} is not after the previous {float(t[row - 1])!r} (t_s must strictly increase)",
        ), None
    if steps.size >= 10:
        measured_hz = measured_rate_hz(t)
        if abs(measured_hz / meta.sample_rate_hz - 1.0) > 0.25:
            stated = meta.sample_rate_hz
            return (
                None,
                f"header sample_rate_hz is {stated:g} but the timestamps give {measured_hz:.4g} Hz; set the header "
                "line '# sample_rate_hz:' to the sensor's rate, or correct t_s (s) if the timestamps are wrong",
            ), measured_hz
        return None, measured_hz
    return None, None


def _read_head(path: Path) -> tuple[dict[str, str], int, list[str]]:
    """Header keys, number of header lines, and the column names of a native file."""
    try:
        with open(path, "rb") as fh:
            start = fh.read(65536)
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except IsADirectoryError:
        raise InputFileError(path, "is a folder, not a session file") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror})") from None
    if b"\x00" in start:
        raise InputFileError(path, "is a binary file, not a retrogait session CSV")
    if not start.strip():
        raise InputFileError(path, "is empty")
    header: dict[str, str] = {}
    line, line_no = "", 0
    try:
        with open(path, encoding="utf-8-sig") as fh:
            header_lines: list[str] = []
            for line_no, raw_line in enumerate(fh, start=1):  # noqa: B007  (line_no: where the table starts)
                line = raw_line.rstrip("\n")
                if not line.startswith("#"):
                    break
                header_lines.append(line)
            else:
                line, line_no = "", line_no + 1
        for number, header_line in enumerate(_without_padding(header_lines), start=1):
            _parse_header_line(header_line, number, header, path)
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"is not UTF-8 text (byte {exc.start} of a header line)") from None
    if FORMAT_KEY not in header:
        raise InputFileError(
            path,
            f"not a retrogait session (first line must be '# {FORMAT_KEY}: {FORMAT_VERSION}'); "
            "to read an app export use 'retrogait convert'",
            1,
        )
    if header[FORMAT_KEY] != FORMAT_VERSION:
        raise InputFileError(path, f"unsupported session version {header[FORMAT_KEY]!r} (this reader knows 1)", 1)
    if not line.strip():
        raise InputFileError(path, "no column header after the '#' header lines", line_no)
    return header, line_no - 1, column_names(line)


def _without_padding(lines: list[str]) -> list[str]:
    """The header lines without the commas a spreadsheet pads every row with when it saves the file again
    (Excel: `# placement: shank,,,,,,`; EDGE-13). Excel splits each line at its commas and pads it to the
    table's widest row, so a line's padding is that width less its own fields (a notes line with commas
    has less, or none): stripped when every header line has the same number of fields, more than one, and
    some end in a comma (EDGE-19). One header value ending in a comma (`# side: left,`) is no padding."""
    try:
        widths = {len(fields) for fields in csv.reader(lines)}
    except csv.Error:
        return lines
    if len(widths) != 1 or widths.pop() < 2 or not any(line.endswith(",") for line in lines):
        return lines
    return [line.rstrip(",") for line in lines]


def column_names(line: str) -> list[str]:
    """The column names of a table's header line: CSV quoting understood, spaces around names removed."""
    try:
        fields = next(csv.reader([line], skipinitialspace=True), [])
    except csv.Error:
        fields = line.split(",")
    return [f.strip() for f in fields]


def _parse_header_line(line: str, line_no: int, header: dict[str, str], path: Path) -> None:
    if not line.strip("# \t"):
        return  # a blank comment line
    match = _HEADER_LINE.match(line)
    if not match:
        raise InputFileError(path, f"header line is not '# key: value': {line[:60]!r}", line_no)
    key, value = match.group(1), _unescape(match.group(2).strip(" \t"))
    if key in header:
        raise InputFileError(path, f"header key {key!r} appears twice", line_no)
    if not header and key != FORMAT_KEY:
        raise InputFileError(path, f"first line must be '# {FORMAT_KEY}: {FORMAT_VERSION}'", line_no)
    header[key] = value


def _meta_from_header(header: dict[str, str], path: str | os.PathLike[str]) -> SessionMeta:
    for key in ("placement", "sample_rate_hz"):
        if key not in header:
            raise InputFileError(path, f"required header key '{key}' is missing")
    kwargs: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for key, value in header.items():
        if key == FORMAT_KEY:
            continue
        if key not in _KNOWN_KEYS:
            extra[key] = value
        elif key in ("sample_rate_hz", *_OPTIONAL_FLOAT_KEYS):
            try:
                kwargs[key] = float(value)
            except ValueError:
                raise InputFileError(path, f"header {key} is not a number: {value!r}") from None
        else:
            kwargs[key] = value or None
    try:
        return SessionMeta(**kwargs, extra=extra)
    except ValueError as exc:
        raise InputFileError(path, f"header: {exc}") from None


def _check_columns(columns: list[str], path: str | os.PathLike[str], line: int) -> None:
    missing = [c for c in CORE_COLUMNS if c not in columns]
    if missing and len(columns) == 1 and ";" in columns[0]:  # re-saved by a spreadsheet set to a decimal comma
        raise InputFileError(
            path,
            "columns are separated by ';', not ',' (saved again by a spreadsheet?): a session file uses ',' "
            "between columns and '.' in numbers; use the file as retrogait wrote it",
            line,
        )
    if missing:
        raise InputFileError(path, f"required column(s) missing: {', '.join(missing)}", line)
    gyro_present = [c for c in GYR_COLUMNS if c in columns]
    if gyro_present and len(gyro_present) != 3:
        raise InputFileError(path, "gyroscope needs all of gyr_x, gyr_y, gyr_z or none", line)
    if "" in columns:  # before duplicates: two unnamed columns are no "duplicate column(s): "
        raise InputFileError(path, "a column has no name", line)
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        raise InputFileError(path, f"duplicate column(s): {', '.join(duplicates)}", line)


def _complete_rows(path: Path, lines_before_data: int) -> int | None:
    """The number of data rows that end with a line end when the file's last line has none, else None.

    Every row a retrogait writer (``write_session``, a recording's ``SessionWriter``) writes ends with
    ``\\n``; a last line without one was cut short (a recorder killed or out of disk while appending):
    its values may be cut too (``12.5`` of ``12.53``), so it is left out rather than read (EDGE-3)."""
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return None
        fh.seek(-1, os.SEEK_END)
        if fh.read(1) == b"\n":
            return None
        fh.seek(0)
        line_ends = sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
    return max(line_ends - lines_before_data, 0)


def _without_blank_rows_at_end(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without the rows of empty lines after its last row (an editor or a copy that adds line ends:
    they hold nothing). Empty lines inside the table stay, and are refused where they are (EDGE-24)."""
    if frame.empty or not frame.iloc[-1].isna().all():
        return frame
    filled = np.flatnonzero(frame.notna().to_numpy().any(axis=1))
    return frame.iloc[: int(filled[-1]) + 1 if filled.size else 0]


def _read_table(
    path: Path | io.BytesIO,
    columns: list[str],
    skip_lines: int,
    first_data_line: int,
    nrows: int | None = None,
    header: bool = True,
    shown: Path | None = None,
    spaced: bool = True,
) -> pd.DataFrame:
    """The table of a session file (``path``; or a block of its rows, without the column line: ``header`` False,
    ``shown`` the file named in messages). ``spaced`` False: the table holds no space or tab (:func:`_spaced_table`),
    so spaces after its commas need not be skipped (the same values, a quarter less parsing)."""
    shown = shown or Path(str(path))
    numeric = {c: np.float64 for c in columns if c in CORE_COLUMNS or c in GYR_COLUMNS}
    options: dict[str, Any] = {
        "nrows": nrows,
        "skiprows": skip_lines,
        "encoding": "utf-8-sig",
        "skip_blank_lines": False,
        "header": 0 if header else None,
        "names": columns,  # as _read_head parsed them: quotes understood, spaces removed
        "skipinitialspace": spaced,
    }
    try:
        return pd.read_csv(path, dtype=numeric, **options)
    except UnicodeDecodeError as exc:
        raise InputFileError(shown, f"is not UTF-8 text (byte {exc.start} of the table)") from None
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            expected, line, saw = match.groups()
            raise InputFileError(shown, f"row has {saw} fields, expected {expected}", int(line)) from None
        raise InputFileError(shown, f"table cannot be parsed ({str(exc).splitlines()[0]})") from None
    except ValueError:
        pass  # text where a number belongs: find the first offender for a precise message
    if isinstance(path, io.BytesIO):
        path.seek(0)
    text_frame = pd.read_csv(path, dtype=str, keep_default_na=False, **options)
    for column in numeric:
        raw = text_frame[column].str.strip()
        parsed = pd.to_numeric(raw, errors="coerce")
        bad = parsed.isna() & (raw != "")
        if bad.any():
            row = int(np.argmax(bad.to_numpy()))
            text = raw.iloc[row][:30]
            raise InputFileError(shown, f"column {column} holds text, not a number: {text!r}", first_data_line + row)
    raise InputFileError(shown, "table cannot be parsed as numbers")


def implausible_units(session: Session, max_acc_g: float = MAX_ACC_G) -> str | None:
    """Why the values look like the wrong unit (acc in g or mg, gyro in rad/s), or None. ``max_acc_g`` (g): the
    analysis' ``[preprocess] max_acc_g``: a row beyond it (or a declared range) is no movement (EDGE-130/131)."""
    with np.errstate(over="ignore", invalid="ignore"):  # an absurd value gives inf here, not a warning
        return _implausible_units(session, max_acc_g)


def within_acc_range(
    acc: NDArray[np.float64], acc_range_g: float | None, max_acc_g: float = MAX_ACC_G
) -> NDArray[np.bool_]:
    """(n,) True where every axis of ``acc`` (m/s^2) is within what the sensor can read: ``max_acc_g`` (g), or
    OVER_RANGE x a declared ``acc_range_g`` (g) where smaller. A sample beyond is no measurement."""
    limit_g = max_acc_g if acc_range_g is None else min(max_acc_g, OVER_RANGE * acc_range_g)
    return np.asarray((np.abs(acc) <= limit_g * STANDARD_GRAVITY_MS2).all(axis=1))


#: A moving sensor's gyroscope whose 99th percentile |rate| is under this (deg/s) is read as rad/s (deg/s names).
RADS_P99_DPS = 6.0
#: The share of |acc|'s spread (std) that must remain without the rows no neighbour shares for the rest to be
#: movement: under it, most of the spread is lone rows (spikes) (EDGE-132)
LONE_SHARE = 0.5


def _without_lone_samples(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """``values`` with each inner sample replaced by the median of it and its two neighbours: a one-sample excursion
    no neighbour shares (a spike) is gone, anything lasting two samples or more is kept (EDGE-132)."""
    if values.size < 3:
        return values
    a, b, c = values[:-2], values[1:-1], values[2:]
    out = values.copy()  # the median of three, elementwise: the larger of min(a, b) and min(max(a, b), c)
    out[1:-1] = np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))
    return out


def _implausible_units(session: Session, max_acc_g: float) -> str | None:
    acc_norm = np.linalg.norm(session.acc, axis=1)
    if not median_within(acc_norm, 3.0, 60.0):  # told by counting, else computed (PERF-54)
        median = float(np.median(acc_norm))
        if median < 3.0 and not session.meta.gravity_removed:  # linear acceleration has no gravity to judge units by
            return (
                f"acceleration looks like g, not m/s^2 (median |acc| = {median:.2f}); "
                f"multiply by {STANDARD_GRAVITY_MS2} when converting"
            )
        if median > 60.0:
            return f"acceleration looks like mg or raw counts, not m/s^2 (median |acc| = {median:.0f})"
    gyr_norm = np.linalg.norm(session.gyr, axis=1) if session.gyr is not None else np.zeros(0)
    gyr_norm = gyr_norm[np.isfinite(gyr_norm)]  # rows without a gyroscope value (EDGE-46) say nothing
    if gyr_norm.size > 10:
        turns = max(RADS_P99_DPS, STILL_RATE_DPS)
        if quantile_at_least(gyr_norm, 99.0, turns):  # told by counting (PERF-54): as the percentile's test below
            return None
        gyr_p99 = float(np.percentile(gyr_norm, 99))
        if gyr_p99 >= turns:  # a gyroscope that shows turns: deg/s whether it moves or not
            return None
        # the rows the analysis keeps must move too: a row beyond the sensor's range is no measurement (EDGE-130),
        # and a spread made mostly by rows no neighbour shares is no movement (EDGE-132): a body's movement shows in
        # neighbouring samples, while an impact's one-sample peak at a low rate sits in a signal that moves throughout
        measured = acc_norm[within_acc_range(session.acc, session.meta.acc_range_g, max_acc_g)]
        spread = float(np.std(measured)) if measured.size > 1 else 0.0
        moving = float(np.std(acc_norm)) > 2.0 and spread > 2.0
        if moving:  # the spread without the rows no neighbour shares, only where it can decide
            shared = float(np.std(_without_lone_samples(measured)))
            moving = shared > 2.0 or shared >= LONE_SHARE * spread
        if moving and gyr_p99 < RADS_P99_DPS:
            return (
                f"gyroscope looks like rad/s, not deg/s (99th percentile |gyr| = {gyr_p99:.2f} while moving); "
                "multiply by 57.2958 when converting"
            )
        if moving:
            return _turning_says_rad_s(session, gyr_p99, max_acc_g)
    return None


def _turning_says_rad_s(session: Session, gyr_p99: float, max_acc_g: float) -> str | None:
    """Why a moving sensor's gyroscope (deg/s by its header, 99th percentile ``gyr_p99`` under STILL_RATE_DPS) is
    rad/s: gravity turns in the sensor frame at the rate across it in rad/s, 57x it in deg/s (HONEST-26); or None."""
    if session.gyr is None:  # a gyroscope that shows turns never comes here (_implausible_units)
        return None
    rows = np.isfinite(session.gyr).all(axis=1) & within_acc_range(session.acc, session.meta.acc_range_g, max_acc_g)
    ratio = gravity_turn_ratio(session.gyr[rows], session.acc[rows], session.meta.sample_rate_hz)
    if ratio is None or ratio <= 0 or math.log10(ratio) <= RADS_TURN_LOG10:
        return None
    return (
        f"gyroscope looks like rad/s, not deg/s (99th percentile |gyr| = {gyr_p99:.2f} while moving, and gravity "
        f"turns in the sensor frame at {ratio:.2g} x the rate across it: 1 in rad/s, 0.017 in deg/s); "
        "multiply by 57.2958 when converting"
    )
