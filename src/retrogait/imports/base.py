"""Types shared by every importer: options, the import report and the format descriptor."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for the annotation: this module stays free of numpy and pandas (BATCH-17)
    from retrogait.imports.part import Part
    from retrogait.session import Session

#: Units the generic CSV reader understands (``--time-unit``, ``--acc-unit``, ``--gyr-unit``).
TIME_UNITS = ("s", "ms", "us", "ns", "epoch_s", "epoch_ms", "epoch_us", "epoch_ns", "datetime")
ACC_UNITS = ("ms2", "g", "mg")
GYR_UNITS = ("dps", "rads")
#: Every format's name in detection order, and other names a user may give (``registry.FORMATS`` holds the
#: readers; tests/test_imports_formats.py keeps the two lists equal): ``--format`` is checked before any
#: reader is imported or any file read (EDGE-75).
FORMAT_NAMES = (
    *("native", "phyphox", "sensorlogger", "polar_logger", "metabase", "movesense", "physics_toolbox"),
    *("geneactiv", "sensorlog", "generic_csv"),
)
FORMAT_ALIASES = {"generic": "generic_csv", "polar": "polar_logger", "physicstoolbox": "physics_toolbox"}


def format_key(name: str) -> str:
    """The format name a user's ``--format`` value stands for (any case, ``-`` for ``_``, aliases)."""
    key = name.strip().lower().replace("-", "_")
    return FORMAT_ALIASES.get(key, key)


@dataclass(frozen=True)
class GenericCsvOptions:
    """Column mapping for the generic reader: what the user says about a table; ``None`` = inferred.

    Columns are named by their header text or by 0-based position (``"0"``). Time units: ``s``,
    ``ms``, ``us``, ``ns`` (relative), ``epoch_s`` .. ``epoch_ns`` (since 1970-01-01 UTC) or
    ``datetime`` (ISO-like text). Acceleration ``ms2`` (m/s^2), ``g`` or ``mg``; angular rate
    ``dps`` (deg/s) or ``rads`` (rad/s). ``delimiter``: one character, ``tab`` or ``space``.
    """

    time_column: str | None = None
    time_unit: str | None = None
    acc_columns: tuple[str, str, str] | None = None
    acc_unit: str | None = None
    gyr_columns: tuple[str, str, str] | None = None
    gyr_unit: str | None = None
    delimiter: str | None = None

    def problem(self) -> str | None:
        """The first thing wrong with these options, or None."""
        for flag, value, allowed in (
            ("--time-unit", self.time_unit, TIME_UNITS),
            ("--acc-unit", self.acc_unit, ACC_UNITS),
            ("--gyr-unit", self.gyr_unit, GYR_UNITS),
        ):
            if value is not None and value not in allowed:
                return f"{flag} must be one of {', '.join(allowed)}, got {value!r}"
        mapped: list[str] = []
        for name, cols in (("--acc-columns", self.acc_columns), ("--gyr-columns", self.gyr_columns)):
            if cols is not None and len(cols) != 3:
                return f"{name} needs exactly three column names (x,y,z), got {len(cols)}"
            mapped += list(cols or ())
        if self.time_column is not None:
            mapped.append(self.time_column)
        twice = sorted({c for c in mapped if mapped.count(c) > 1})
        if twice:
            return f"column(s) {', '.join(twice)} mapped twice in --time-column/--acc-columns/--gyr-columns"
        if self.delimiter is not None and len(self.delimiter) != 1 and self.delimiter not in ("tab", "space"):
            return f"--delimiter must be one character, 'tab' or 'space', got {self.delimiter!r}"
        return None

    @property
    def given(self) -> bool:
        """True when any of the mapping was given."""
        return any(getattr(self, f.name) is not None for f in fields(self))


@dataclass(frozen=True)
class ReaderOptions:
    """How to read a recording, as the user gave it (``--format``, ``--rate``, column mapping); the
    same for every command that reads one. ``None`` everywhere = detect and infer."""

    format: str | None = None
    rate_hz: float | None = None
    mapping: GenericCsvOptions | None = None

    def problem(self) -> str | None:
        """The first thing wrong with these options, or None."""
        if self.rate_hz is not None and not (math.isfinite(self.rate_hz) and self.rate_hz > 0):
            return f"--rate must be a positive number of Hz, got {self.rate_hz!r}"
        if self.format is not None and format_key(self.format) not in FORMAT_NAMES:
            return f"unknown format {self.format!r}; supported formats: {', '.join(FORMAT_NAMES)}"
        return self.mapping.problem() if self.mapping is not None else None

    def load_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`retrogait.imports.load_recording` / ``load_session``."""
        return {"format": self.format, "generic": self.mapping, "rate_hz": self.rate_hz}

    def as_dict(self) -> dict[str, Any]:
        """Only what was given, as JSON-ready values (batch job keys, summaries)."""
        out: dict[str, Any] = {k: v for k, v in (("format", self.format), ("rate_hz", self.rate_hz)) if v is not None}
        if self.mapping is not None:
            out.update({f.name: getattr(self.mapping, f.name) for f in fields(self.mapping)})
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items() if v is not None}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ReaderOptions:
        """Inverse of :meth:`as_dict`."""
        names = {f.name for f in fields(GenericCsvOptions)}
        mapping: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in names}
        return cls(
            format=values.get("format"),
            rate_hz=values.get("rate_hz"),
            mapping=GenericCsvOptions(**mapping) if mapping else None,
        )


@dataclass(frozen=True)
class ImportOptions:
    """What the user says about the recording; recorded in the session header.

    ``placement`` defaults to ``other`` when not given (the file formats do not say it); ``rate_hz``
    is the sampling rate the user gave (``--rate``): the time base of a file without a time column,
    and the stated rate of any other. ``header_wins``: placement, side and axes fill in only what a session
    file's header leaves open (no side or axis; placement ``other``, "not known"): what ``batch`` and
    ``compare`` do with a folder of files, some of which say it (EDGE-79).
    """

    placement: str | None = None
    side: str | None = None
    sensor: str | None = None
    anterior_axis: str | None = None
    vertical_axis: str | None = None
    generic: GenericCsvOptions | None = None
    rate_hz: float | None = None
    header_wins: bool = False
    #: (start, end) s from the first sample: the part wanted (LONG-2); a reader that can read only it (a GENEActiv
    #: ``.bin``, page by page) does and says so (``import_part_s``), the loader cuts the others' whole sessions
    part_s: Part | None = None
    #: the analysis' ``[preprocess] max_acc_g`` (g) where a settings file gives one: a row beyond it is no movement
    #: to the units' check, as the analysis drops it (EDGE-131); None: the setting's default
    max_acc_g: float | None = None


@dataclass
class ImportReport:
    """What an import did: the files read, the rows kept and the rows dropped by reason."""

    format: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_kept: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: how the acceleration's times went back (EDGE-2): (rows before an earlier time, rows, the time
    #: before the first jump back, the time after it; seconds from the stream's first time; the rows whose time is
    #: before the row before's, EDGE-165; the times that repeat once sorted, EDGE-181)
    time_back: tuple[int, int, float, float, int, int] | None = None
    #: why a gyroscope that was read is not in the session (EDGE-29): kept in its header, noted by ``analyze``
    gyro_left_out: str | None = None
    #: accelerometer rows kept without a gyroscope value (EDGE-46): kept in the header (``import_gyro_missing``)
    gyro_missing: str | None = None
    #: infinite gyroscope cells of a table's rows kept (EDGE-214): read as missing, counted in ``gyro_missing``
    gyro_infinite_cells: int = 0
    #: per accelerometer row, the time (s) between the measured samples of a separate gyroscope around a row it has
    #: no value at (NaN elsewhere, EDGE-223): the session's ``gyr_lost_span_s`` column, which the analysis bridges by
    #: and, since EDGE-237, at every row it interpolated across a lost sample; set where such a row exists (REVIEW-177)
    gyro_lost_span_s: Any = None  # a numpy array (n,); typed Any: this module stays free of numpy (BATCH-17)
    #: a separate gyroscope's own median period (s): the header's ``import_gyro_period_s`` (EDGE-239)
    gyro_period_s: float | None = None
    #: the reader read only the part asked for (a GENEActiv ``.bin`` page by page, LONG-2); a part file's header
    #: that carries ``import_part_s`` from an earlier cut does not say this
    part_read: bool = False
    #: how the acceleration's stamps were re-timed within their delivery packets (EDGE-145, EDGE-150): the header's
    #: ``inferred_time_base`` where the reader does not set it itself
    time_base: str | None = None

    def drop(self, reason: str, count: int) -> None:
        """Count ``count`` rows dropped for ``reason`` (a short snake_case label)."""
        if count > 0:
            self.dropped[reason] = self.dropped.get(reason, 0) + int(count)

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())

    def dropped_detail(self) -> str:
        """``reason=count`` pairs separated by ``;`` (empty when nothing was dropped)."""
        return ";".join(f"{reason}={count}" for reason, count in sorted(self.dropped.items()))

    def lines(self) -> list[str]:
        """Human-readable summary, one fact per line."""
        out = [f"format: {self.format}", f"read: {', '.join(self.files)}"]
        out.append(f"rows kept: {self.rows_kept} of {self.rows_read} read")
        if self.dropped:
            out.append(f"rows dropped: {self.dropped_total} ({self.dropped_detail().replace(';', ', ')})")
        out.extend(f"note: {note}" for note in self.notes)
        return out


@dataclass
class ImportResult:
    """A native session plus the report of how it was made."""

    session: Session
    report: ImportReport


@dataclass(frozen=True)
class ImportFormat:
    """One supported input format.

    ``sniff(path)`` returns a confidence in 0..1 from names and the first bytes only (never raises);
    ``read(path, options)`` returns the converted session or raises a one-line RetrogaitError.
    """

    name: str
    description: str
    sniff: Callable[[Path], float]
    read: Callable[[Path, ImportOptions], ImportResult]
