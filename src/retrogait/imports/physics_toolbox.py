"""Physics Toolbox Sensor Suite CSV (single sensor and multi-record exports).

Columns by short name (units in brackets are ignored): ``time``, ``gFx gFy gFz`` (g-force meter:
g, gravity included), ``ax ay az`` (linear accelerometer: m/s^2, gravity REMOVED), ``wx wy wz``
(gyroscope: rad/s). The g-force columns are used when present; files with only ``ax ay az`` are
read as ``acc_gravity: removed``. Units are converted before rows are checked, so a value the
conversion overflows is dropped and counted, never carried into the session. ``time`` is
seconds, or date-time text (``2021-03-05 12:34:56.789``), or ``hh:mm:ss:SSS``.
Rows whose time or values are not numbers (a real export repeats the header text ``Time`` in
some rows) are dropped and counted.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from retrogait.errors import InputFileError
from retrogait.imports import column_names, inference
from retrogait.imports.base import ImportFormat, ImportOptions, ImportReport, ImportResult
from retrogait.imports.common import (
    ACC_TO_MS2,
    Source,
    Stream,
    bundle_sources,
    clean_rows,
    csv_layout,
    delivery_retimed,
    detect_delimiter,
    finish,
    first_line,
    head_bytes,
    head_text,
    header_fields,
    in_time_order,
    read_table,
    say_delivery,
    table_gyro,
    text_time_s,
    to_si,
)
from retrogait.imports.table_layout import is_number
from retrogait.imports.workbook import is_workbook

NAME = "physics_toolbox"
_KNOWN = {"gfx", "gfy", "gfz", "tgf", "ax", "ay", "az", "at", "wx", "wy", "wz", "bx", "by", "bz", "p"}


def _short(name: str) -> str:
    return re.sub(r"\s*\(.*\)\s*$", "", name).strip().lower()


#: The units Physics Toolbox writes for its motion columns (by stem); a column naming another unit is not its.
_OWN_UNITS = {"gf": "g", "a": "ms2", "w": "rads"}


def _stated_unit(field: str) -> tuple[str, str | None]:
    """(stem, unit family) of a column by its name: ``wx(deg/s)`` -> (``w``, ``dps``); no unit -> None."""
    column = column_names.parse(field)
    family = column_names.gyro_unit(column.unit) if column.stem == "w" else column_names.acc_unit(column.unit)
    return column.stem, family


def _source(path: Path) -> Source:
    """The table read: the file, or the one sheet of a workbook it was saved again as that reads as the app's
    (Excel's Save As .xlsx of the CSV, EDGE-168)."""
    if is_workbook(path):
        sheets = [s for s in bundle_sources(path) if _sniff_head(s.head())]
        if len(sheets) == 1:
            return sheets[0]
        raise InputFileError(path, "holds no one sheet of a Physics Toolbox export")
    return Source(str(path), path=path)


def sniff(path: Path) -> float:
    if is_workbook(path):
        return max((_sniff_head(s.head()) for s in bundle_sources(path)), default=0.0)
    return _sniff_head(head_bytes(path))


def _sniff_head(data: bytes) -> float:
    """:func:`sniff` of a table's first bytes."""
    sep, _ = detect_delimiter(head_text(data))
    raw = header_fields(first_line(data), sep)
    if any(family not in (None, _OWN_UNITS.get(stem, family)) for stem, family in map(_stated_unit, raw)):
        return 0.0  # a unit Physics Toolbox never writes (WitMotion's ``wx(deg/s)``): the generic reader's (EDGE-73)
    fields = [_short(f) for f in raw]
    if (
        not fields
        or "time" not in fields
        or (fields[0] != "time" and not set(fields) - {"time"} <= _KNOWN)  # the app's own names in another order
        or not ({"gfx", "gfy", "gfz"} <= set(fields) or {"ax", "ay", "az"} <= set(fields))
    ):
        return 0.0
    others = [
        t for t in column_names.triplets([column_names.parse(f) for f in fields]) if t.stem not in ("gf", "a", "w")
    ]
    if any(t.kind in ("acc", "linear", "gyro") for t in others):
        return 0.0  # motion columns this reader would leave out: the generic reader reads them all
    return 0.85 if len(set(fields) & _KNOWN) >= 3 else 0.0


def _numbers_first(source: Source, sep: str, decimal: str, index: int) -> bool:
    """Whether the first data row's time (field ``index``) is a number (``table_layout.is_number``): its column is
    then tried as float64 before it is read as text (a date-time text column would only fail that try, PERF-127)."""
    lines = head_text(source.head()).splitlines()
    fields = header_fields(lines[1], sep) if len(lines) > 1 else []
    return len(fields) > index and is_number(fields[index], decimal)


def read(path: Path, options: ImportOptions) -> ImportResult:
    source = _source(path)
    fields, sep, decimal = csv_layout(source)
    by_short = {_short(f): f for f in fields}
    shorts = [_short(f) for f in fields]
    twice = [name for name in ("time", *sorted(_KNOWN)) if shorts.count(name) > 1]
    if twice:  # ``ax`` beside ``ax (m/s^2)``: one would be read, the other left out untold (EDGE-289)
        where = "; ".join(
            " and ".join(f"'{f}' (column {i})" for i, f in enumerate(fields) if shorts[i] == name) for name in twice
        )
        raise InputFileError(
            path,
            f"names a column twice, units aside ({where}, 0-based): which one holds the samples cannot be told; "
            "rename or remove one",
        )
    if "time" not in by_short:
        raise InputFileError(path, "is not a Physics Toolbox export (no 'time' column)")
    if {"gfx", "gfy", "gfz"} <= set(by_short):
        acc_cols, acc_factor, gravity = [by_short[c] for c in ("gfx", "gfy", "gfz")], ACC_TO_MS2["g"], "included"
    elif {"ax", "ay", "az"} <= set(by_short):
        acc_cols, acc_factor, gravity = [by_short[c] for c in ("ax", "ay", "az")], ACC_TO_MS2["ms2"], "removed"
    else:
        raise InputFileError(path, "has no acceleration columns (gFx, gFy, gFz or ax, ay, az)")
    gyr_cols = [by_short[c] for c in ("wx", "wy", "wz")] if {"wx", "wy", "wz"} <= set(by_short) else []
    report = ImportReport(format=NAME, files=[source.display])
    time = by_short["time"]
    first = [time] if _numbers_first(source, sep, decimal, fields.index(time)) else []
    table = read_table(
        source,
        sep=sep,
        decimal=decimal,
        numeric=[*acc_cols, *gyr_cols],
        text=[time],
        report=report,
        numbers_first=first,
    )
    report.rows_read = len(table) + report.dropped_total
    if table[time].dtype == np.float64:  # every time a number to the C parser: text_time_s's numbers (PERF-127)
        t, kind = table[time].to_numpy(dtype=np.float64), "number"
    else:
        t, kind = text_time_s(table[time], decimal)  # 0,006431 s in a decimal-comma export
    values = table[[*acc_cols, *gyr_cols]].to_numpy(dtype=np.float64)
    if kind == "number":  # rows sorted by another column: back in time order before their unit is told (EDGE-177)
        t, values = in_time_order(t, values, report, "row", unit=" (its unit)")
    t, packets = delivery_retimed(t, values)  # the phone's stamps, per sample or per delivered batch (EDGE-150)
    inferred: dict[str, str] = {}
    to_s = 1.0
    start_epoch_s = None
    if kind == "number":  # seconds, as PTSS writes them, unless that makes no sampling rate
        base = inference.time_base(t, "s")
        if base is not None and base.unit != "s":
            t, inferred["inferred_time_unit"] = base.t_s, base.evidence
            to_s = inference.TIME_FACTORS[base.unit.removeprefix("epoch_")]  # epoch_s .. epoch_ns (REVIEW-211)
        if base is not None and base.epoch:  # the earliest stamp since 1970 is the start, as generic_csv keeps it
            finite = t[np.isfinite(t)]
            start_epoch_s = float(finite[0]) if finite.size else None  # t is in time order here (EDGE-251)
    if packets is not None:  # said in the unit found (EDGE-155)
        say_delivery(packets, to_s, report, "row")
    with np.errstate(over="ignore", invalid="ignore"):  # 1e308 g is no number of m/s^2: dropped as out of range
        values[:, :3] *= acc_factor
        stated = _stated_unit(gyr_cols[0])[1] if gyr_cols else None
        if gyr_cols and stated == "dps":  # a unit in the name wins (forced onto another app's table)
            inferred["inferred_gyr_unit"] = "dps (as the column names say)"
        elif gyr_cols:  # rad/s, as PTSS writes, unless a physical bound says the values cannot be
            step = inference.median_step(t)
            rate_hz = 1.0 / step if step > 0 else 100.0
            rate_units = inference.gyro_units(values[:, 3:], values[:, :3], rate_hz, "rads")
            values[:, 3:] *= rate_units.factor
            if rate_units.unit != "rads":
                inferred["inferred_gyr_unit"] = rate_units.evidence
    t, values = clean_rows(t, values, report, "row", gyro_from=3 if gyr_cols else None, retimed=packets is not None)
    if gravity == "removed":  # PTSS's ax, ay, az: linear acceleration in m/s^2, unless the data show gravity
        units = inference.acc_units(values[:, :3], 1.0 / max(inference.median_step(t), 1e-9), "ms2", None, "ms2")
        if isinstance(units, inference.AccUnits) and units.gravity == "included":
            gravity = "included"
            values[:, :3] = to_si(values[:, :3], units.factor)
            inferred["inferred_acc_unit"] = units.evidence
        else:
            report.notes.append("'ax, ay, az' is the Linear Accelerometer: gravity removed (acc_gravity: removed)")
    gyr_dps = table_gyro(t, values[:, 3:6], report) if gyr_cols else None
    return finish(
        source.display,
        Stream(t, values[:, :3]),
        gyr_dps,
        options,
        report,
        device="Physics Toolbox Sensor Suite",
        start_epoch_s=start_epoch_s,
        gravity=gravity,
        inferred=inferred,
    )


FORMAT = ImportFormat(
    name=NAME,
    description="Physics Toolbox Sensor Suite CSV: time, gFx/gFy/gFz (g) or ax/ay/az (gravity removed), wx/wy/wz",
    sniff=sniff,
    read=read,
)
