"""phyphox exports: one CSV file, the folder, the zip of one export, or the Excel workbook (its default).

Both header styles: classic (``"Time (s)","Acceleration x (m/s^2)",...``, ``"Gyroscope x (rad/s)"``)
and per-sensor (``"Time (s)","X (m/s^2)",...`` in ``Accelerometer.csv``, ``"X (rad/s)"`` in
``Gyroscope.csv``). Acceleration with g is used as is (m/s^2); *linear* acceleration (classic
header "Linear Acceleration", or a file named "Linear Accelerometer") has gravity removed and is
read as ``acc_gravity: removed``. Gyroscope rad/s -> deg/s, on the accelerometer clock. ``meta/device.csv`` gives the
phone model, ``meta/time.csv`` the wall-clock start. The Excel export holds the same tables as sheets
(``Accelerometer``, ..., ``Metadata Device``, ``Metadata Time``; ``workbook.py``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from retrogait.errors import InputFileError
from retrogait.imports import column_names
from retrogait.imports.base import ImportFormat, ImportOptions, ImportReport, ImportResult
from retrogait.imports.common import (
    GYR_TO_DPS,
    Source,
    Stream,
    align_gyro,
    bundle_sources,
    csv_layout,
    finish,
    first_line,
    head_bytes,
    head_text,
    read_stream,
    read_table,
    require_rows,
    zip_names,
)
from retrogait.imports.workbook import is_workbook

NAME = "phyphox"
#: The time column in the phone's language (phyphox translates the export's names; EDGE-117).
_TIME_WORDS = "time|zeit|temps|tiempo|tempo|tijd|czas|tid|aika|cas|čas|время"
_TIME = re.compile(rf"^(?:{_TIME_WORDS}) \(s\)$", re.IGNORECASE)
_ACC = re.compile(r"^(?:(.+?) )?([xyz]) \(m/s(?:\^2|²)\)$", re.IGNORECASE)
_GYR = re.compile(r"^(?:(.+?) )?([xyz]) \(rad/s\)$", re.IGNORECASE)
_HEADER_START = re.compile(rf'^"?(?:{_TIME_WORDS}) \(s\)"?(?:[,;\t]|$)', re.IGNORECASE)


@dataclass(frozen=True)
class _Layout:
    source: Source
    sep: str
    decimal: str
    time: str
    acc: tuple[str, str, str] | None
    gyr: tuple[str, str, str] | None
    linear: bool


def _layout(source: Source) -> _Layout | None:
    """The phyphox columns of a file, or None when it is not a phyphox sensor table."""
    try:
        fields, sep, decimal = csv_layout(source)
    except InputFileError:
        return None
    time = next((f for f in fields if _TIME.match(f)), None)
    if time is None:
        return None
    acc: dict[str, str] = {}
    gyr: dict[str, str] = {}
    linear = "linear" in source.name.lower()
    for f in fields:  # the axis bare (``X (m/s^2)``) or named in any language (``Beschleunigung x``, EDGE-117)
        kind = column_names.parse(f).kind
        if (m := _ACC.match(f)) and (m.group(1) is None or kind in ("acc", "linear")):
            acc[m.group(2).lower()] = f
            linear = linear or kind == "linear"
        elif (m := _GYR.match(f)) and (m.group(1) is None or kind == "gyro"):
            gyr[m.group(2).lower()] = f
    acc_cols = (acc["x"], acc["y"], acc["z"]) if len(acc) == 3 else None
    gyr_cols = (gyr["x"], gyr["y"], gyr["z"]) if len(gyr) == 3 else None
    if acc_cols is None and gyr_cols is None:
        return None
    return _Layout(source, sep, decimal, time, acc_cols, gyr_cols, linear)


def sniff(path: Path) -> float:
    if is_workbook(path):  # phyphox's Excel export: its metadata sheets, or a sheet with its header
        sources = bundle_sources(path)
        if any(s.display.lower().endswith(("/meta/device.csv", "/meta/time.csv")) for s in sources):
            return 0.95
        return 0.9 if any(_layout(s) is not None for s in sources) else 0.0
    if path.is_dir():
        names = {p.name.lower() for p in path.iterdir()}
        tables = [p for p in path.glob("*.csv") if _header_is_phyphox(first_line(head_bytes(p)))]
        return 0.9 if tables or ("meta" in names and "accelerometer.csv" in names) else 0.0
    members = zip_names(path)
    if members:
        return 0.95 if any(n.endswith("meta/device.csv") for n in members) else 0.0
    if not _header_is_phyphox(first_line(head_bytes(path))):
        return 0.0
    source = Source(str(path), path=path)
    layout = _layout(source)  # None: not phyphox's own delimiters
    if layout is None or any(
        _motion(f) for f in _unread_columns(layout, csv_layout(source)[0], head_text(source.head()))
    ):
        return 0.0  # a phyphox sensor table holds time, one triplet and its magnitude: another triplet is not ours
    return 0.9


def _motion(field: str) -> bool:
    """A column of a sensor axis or quantity (``gx (deg/s)``, ``Magnetic field x``): in a table phyphox would read,
    the generic reader reads it (a gyroscope named otherwise is not lost); a user's own column (``label``,
    ``norm``, a note) is left out with a note, the export's gyroscope file still paired (EDGE-120)."""
    parsed = column_names.parse(field)
    if not field.strip().strip('"').strip():
        return True  # a column without a name holding values: what it is cannot be told (EDGE-39)
    return parsed.axis is not None or parsed.kind in ("acc", "linear", "gravity", "gyro") or parsed.unit is not None


def _unread_columns(layout: _Layout, fields: list[str], head: str) -> list[str]:
    """Columns of a table this reader would drop (not its time, triplets or magnitude: ``Absolute acceleration``,
    ``Betrag der Beschleunigung (m/s²)``, a column in m/s^2 or rad/s without an axis, EDGE-117; nor the empty last
    fields a spreadsheet adds after trailing delimiters: no name, nothing in the rows of ``head``, the file's first
    lines; EDGE-39)."""
    read = {layout.time, *(layout.acc or ()), *(layout.gyr or ())}
    names = [f.strip().strip('"').strip().lower() for f in fields]
    rows = [line.rstrip("\r").split(layout.sep) for line in head.split("\n")[1:-1] if line.strip()]
    width = len(fields)
    while width and not names[width - 1] and all(len(r) == len(fields) and not r[width - 1].strip() for r in rows):
        width -= 1
    return [f for f, name in zip(fields[:width], names, strict=False) if f not in read and not _magnitude(name)]


def _magnitude(name: str) -> bool:
    """A column holding the size of a triplet (phyphox's last column, named in the phone's language)."""
    parsed = column_names.parse(name)
    return name.startswith("absolute") or (parsed.axis is None and column_names.unit_kind(parsed.unit) is not None)


def _header_is_phyphox(line: str) -> bool:
    low = line.lower()
    return bool(_HEADER_START.match(low)) and ("m/s" in low or "rad/s" in low)


def _unpacked_name(name: str) -> str:
    """``name`` in lower case without a ``.gz`` ending."""
    low = name.lower()
    return low[:-3] if low.endswith(".gz") else low


def _partner(chosen: Source, sources: list[Source], wanted: str) -> _Layout | None:
    """The per-sensor file of the same export: ``Accelerometer_2.csv`` <-> ``Gyroscope_2.csv``."""
    swap = {"gyr": ("accelerometer", "gyroscope"), "acc": ("gyroscope", "accelerometer")}[wanted]
    target = _unpacked_name(re.sub(swap[0], swap[1], chosen.name, flags=re.IGNORECASE))
    if target == _unpacked_name(chosen.name):
        return None
    for source in sources:  # one file compressed and not the other is the same export (EDGE-122)
        if _unpacked_name(source.name) == target:
            layout = _layout(source)
            if layout and (layout.gyr if wanted == "gyr" else layout.acc):
                return layout
    return None


def _choose(path: Path) -> tuple[_Layout, _Layout | None, list[Source]]:
    """The acceleration table and the gyroscope table (may be the same file) of an export."""
    if path.is_file() and not zip_names(path) and not is_workbook(path):
        given = _layout(Source(str(path), path=path))
        if given is None:
            raise InputFileError(path, "is not a phyphox export (no 'Time (s)' column with m/s^2 or rad/s columns)")
        siblings = bundle_sources(path)
        if given.acc is not None:
            gyr = given if given.gyr else _partner(given.source, siblings, "gyr")
            return given, gyr, siblings
        acc = _partner(given.source, siblings, "acc")
        if acc is None:
            raise InputFileError(path, "holds only the gyroscope; the matching Accelerometer file was not found")
        return acc, given, siblings
    everything = bundle_sources(path)
    sources = [s for s in everything if s.name.lower().endswith(".csv") and "/meta/" not in s.display]
    layouts = [lay for s in sources if (lay := _layout(s)) is not None]
    with_g = [lay for lay in layouts if lay.acc and not lay.linear]
    if not with_g:
        if any(lay.acc for lay in layouts):
            return next(lay for lay in layouts if lay.acc), None, everything
        raise InputFileError(path, "holds no phyphox accelerometer table")
    if len(with_g) > 1:
        names = ", ".join(lay.source.name for lay in with_g)
        raise InputFileError(path, f"holds several accelerometer tables ({names}); pass one of the files")
    acc = with_g[0]
    gyr = acc if acc.gyr else _partner(acc.source, sources, "gyr")
    if gyr is None:
        gyros = [lay for lay in layouts if lay.gyr]
        gyr = gyros[0] if len(gyros) == 1 else None
    return acc, gyr, everything


#: A pause shorter than this (s) is left as it is: less than the stamps' own jitter.
MIN_PAUSE_S = 0.001


def _pauses(table: pd.DataFrame) -> list[tuple[float, float]]:
    """(experiment time, length) in s of each pause meta/time.csv records: a PAUSE row followed by a START row. The
    experiment time stands still while phyphox is paused (its ExperimentTimeReference), so the samples after a pause
    follow the ones before it in "Time (s)" without a gap; the length is the two rows' system time apart (EDGE-142)."""
    events = table["event"].astype(str).str.strip().str.upper().to_list()
    experiment = table["experiment time"].to_numpy(dtype=float)
    system = table["system time"].to_numpy(dtype=float)
    pauses = []
    for i in range(len(events) - 1):
        if events[i] == "PAUSE" and events[i + 1] == "START":
            length = float(system[i + 1] - system[i])
            if math.isfinite(length) and length > MIN_PAUSE_S and math.isfinite(experiment[i]):
                pauses.append((float(experiment[i]), length))
    return pauses


def _with_pauses(stream: Stream, pauses: list[tuple[float, float]]) -> Stream:
    """``stream`` with the samples after each pause moved later by its length: the pause is a gap again."""
    if not pauses or not len(stream):
        return stream
    t = stream.t_s.copy()
    for at, length in pauses:
        t[stream.t_s > at] += length
    return Stream(t, stream.xyz)


def _meta(sources: list[Source]) -> tuple[str | None, float | None, list[tuple[float, float]]]:
    """Phone model from meta/device.csv, epoch start (s) and the pauses (:func:`_pauses`) from meta/time.csv, where
    present."""
    device = start = None
    pauses: list[tuple[float, float]] = []
    for source in sources:
        lower = source.display.lower().replace("\\", "/")
        try:
            if lower.endswith("meta/device.csv"):
                table = read_table(source, text=["property", "value"])
                props = dict(zip(table["property"].str.strip(), table["value"].str.strip(), strict=True))
                parts = [props.get("deviceBrand"), props.get("deviceModel")]
                device = " ".join(p for p in parts if p and p != "nan") or None
            elif lower.endswith("meta/time.csv"):
                table = read_table(source, numeric=["experiment time", "system time"], text=["event"])
                start_rows = table[table["event"].str.strip().str.upper() == "START"]
                if len(start_rows):
                    row = start_rows.iloc[0]
                    start = float(row["system time"] - row["experiment time"])
                pauses = _pauses(table)
        except (InputFileError, KeyError, ValueError):
            continue
    return device, start, pauses


def read(path: Path, options: ImportOptions) -> ImportResult:
    acc_layout, gyr_layout, sources = _choose(path)
    shown = acc_layout.source.display
    report = ImportReport(format=NAME, files=[acc_layout.source.display])
    if acc_layout.linear:
        report.notes.append("phyphox linear acceleration: gravity removed (acc_gravity: removed)")
    shared = _shared_table(acc_layout, gyr_layout, report)
    acc = _read_stream(acc_layout, "acc", report, 1.0, shared)
    require_rows(acc, shown, "accelerometer", report=report)
    fields = csv_layout(acc_layout.source)[0]
    extra = _unread_columns(acc_layout, fields, head_text(acc_layout.source.head()))
    if extra:
        report.notes.append(f"{acc_layout.source.name}: column(s) {', '.join(extra)} not phyphox's: left out")
    gyr = None
    if gyr_layout is not None:
        if gyr_layout.source is not acc_layout.source:
            report.files.append(gyr_layout.source.display)
        gyr = _read_stream(gyr_layout, "gyr", report, GYR_TO_DPS["rads"], shared)
    device, start, pauses = _meta(sources)
    pauses = [p for p in pauses if len(acc) and p[0] < float(acc.t_s[-1])]  # within the samples: some moved
    if pauses:
        acc, gyr = _with_pauses(acc, pauses), None if gyr is None else _with_pauses(gyr, pauses)
        said = ", ".join(f"at {at:.2f} s for {length:.2f} s" for at, length in pauses[:5])
        report.notes.append(
            f"phyphox was paused {len(pauses)} time{'s' if len(pauses) > 1 else ''} ({said}"
            f"{', ...' if len(pauses) > 5 else ''}; meta/time.csv): its Time (s) stands still in a pause, so the "
            "samples after each were moved later by its length and the pause is a gap"
        )
    acc, gyr_dps = align_gyro(acc, gyr, report)
    return finish(
        shown,
        acc,
        gyr_dps,
        options,
        report,
        device=device,
        start_epoch_s=start + float(acc.t_s[0]) if start is not None and len(acc) else None,
        gravity="removed" if acc_layout.linear else "included",
    )


def _shared_table(acc: _Layout, gyr: _Layout | None, report: ImportReport) -> pd.DataFrame | None:
    """The table of a file holding both the accelerometer and the gyroscope beside one time column, read and parsed
    once for both streams (PERF-128; its dropped lines counted once, EDGE-250); None for separate files."""
    if gyr is None or gyr.source is not acc.source or acc.acc is None or acc.gyr is None:
        return None
    numeric = [acc.time, *acc.acc, *acc.gyr]
    return read_table(acc.source, sep=acc.sep, decimal=acc.decimal, numeric=numeric, report=report)


def _read_stream(
    layout: _Layout, kind: str, report: ImportReport, factor: float, table: pd.DataFrame | None = None
) -> Stream:
    """The ``kind`` stream of a table: read from its file, or taken from ``table`` (:func:`_shared_table`)."""
    columns = layout.acc if kind == "acc" else layout.gyr
    assert columns is not None
    return read_stream(
        layout.source,
        layout.time,
        columns,
        report,
        kind,
        to_unit=factor,
        sep=layout.sep,
        decimal=layout.decimal,
        table=table,
    )


FORMAT = ImportFormat(
    name=NAME,
    description="phyphox export (Excel workbook, CSV file, folder or zip; acceleration with g or linear; gyro rad/s)",
    sniff=sniff,
    read=read,
)
