"""Sensor Logger (Kelvin Choi; iOS and Android): the folder or zip of one recording, or any file in it; its
JSON and SQLite exports, whose tables are read as the zip's files (``sensor_tables``, IMPORT-18).

Files: ``time`` (ns since 1970), ``seconds_elapsed``, then ``z,y,x`` (order taken from the header).
Which files carry gravity (the app's UNITS/COORDINATES notes):

- ``Accelerometer.csv``: gravity REMOVED on both platforms (m/s^2);
- ``Gravity.csv``: the gravity vector (m/s^2), so Accelerometer + Gravity = total acceleration;
- ``TotalAcceleration.csv`` (Android): WITH gravity (m/s^2);
- ``AccelerometerUncalibrated.csv``: with gravity; Android m/s^2, iOS g unless "Standardise Units &
  Frames" was on (then m/s^2).

Preference: TotalAcceleration, else Accelerometer + Gravity, else AccelerometerUncalibrated, else
Accelerometer alone, read as ``acc_gravity: removed``. iOS reports acceleration
with the opposite sign of Android (inertial force): unless the recording was standardised (seen
from Metadata or from AccelerometerUncalibrated being in m/s^2) iOS acceleration is negated so a
phone at rest reads +9.81 m/s^2 up. ``Gyroscope.csv`` rad/s -> deg/s, on the accelerometer clock.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.errors import InputFileError
from retrogait.imports.base import ImportFormat, ImportOptions, ImportReport, ImportResult
from retrogait.imports.common import (
    GYR_TO_DPS,
    MIN_GRAVITY_MS2,
    Source,
    Stream,
    add_on_clock,
    align_gyro,
    bundle_sources,
    clock_rewritten,
    csv_layout,
    detect_delimiter,
    find_source,
    finish,
    first_line,
    head_bytes,
    header_fields,
    read_stream,
    read_table,
    zip_names,
)
from retrogait.imports.sensor_tables import (
    is_records_json,
    is_sqlite,
    json_sensor_names,
    sqlite_table_names,
)
from retrogait.imports.workbook import is_workbook

NAME = "sensorlogger"
_HEADER_START = "time,seconds_elapsed"
#: A row more than this long before the recording's start (``seconds_elapsed`` < -this, s) is a sensor's
#: cached value from before it, not a sample of the recording: real iOS exports start Accelerometer, Gravity
#: and Orientation with an all-zero row 91 h early (-328883 s); buffering makes rows a few ms early (the
#: app's notes), never seconds (IMPORT-19).
MAX_EARLY_S = 5.0
#: Its tables the reader reads acceleration from (or with); AccelerometerUncalibrated alone is a recording too (the
#: reader's last choice), which was not claimed: "a folder of 2 recordings (AccelerometerUncalibrated.csv,
#: Metadata.csv)" (EDGE-118).
_ACC_FILES = (
    "accelerometer.csv", "totalacceleration.csv", "gravity.csv", "gyroscope.csv", "wristmotion.csv",
    "accelerometeruncalibrated.csv",
)  # fmt: skip
_MOTION_FILES = {"accelerometer.csv", "totalacceleration.csv", "wristmotion.csv", "accelerometeruncalibrated.csv"}


#: Sensor Logger tables without acceleration (the sensor's name, lower case, before ``.csv`` or ``_N.csv``): given
#: alone, the generic reader took them and said "no three acceleration columns"; now they are answered with the
#: file to give, as Polar's MAGN files are (EDGE-94).
_OTHER_TABLES = (
    "magnetometer",
    "magnetometeruncalibrated",
    "orientation",
    "barometer",
    "compass",
    "location",
    "pedometer",
    "microphone",
    "heartrate",
    "battery",
    "brightness",
    "annotation",
)
_TABLE_NAME = re.compile(r"^([a-z]+)(?:_\d+)?\.csv$")
#: The names of the app's tables (lower case, before ``.csv``): a name beginning so is the app's (EDGE-171).
_OWN_TABLES = (*(name.removesuffix(".csv") for name in _ACC_FILES), *_OTHER_TABLES)


def another_sensor(stem: str, header: str) -> bool:
    """Whether a table of the app (``header``: its first line, :func:`is_table`) named ``stem`` (lower case, before
    ``.csv`` or ``_N.csv``) is one of its sensors other than the acceleration it is read from: named after one of
    them (also their ``Uncalibrated`` kin), or holding no x, y, z. A table of x, y, z of another name was renamed by
    its user: a recording of its own, for the generic reader (EDGE-171)."""
    if any(stem.startswith(name) for name in _OWN_TABLES):
        return True
    return not {"x", "y", "z"} <= {f.lower() for f in header_fields(header, detect_delimiter(header)[0])}


def _other_table(path: Path) -> str | None:
    """The sensor (``Magnetometer``) of a Sensor Logger table ``path`` that holds no acceleration, or None."""
    match = _TABLE_NAME.match(path.name.lower())
    if match is None or match.group(1) not in _OTHER_TABLES:
        return None
    return path.name[: len(match.group(1))]


def is_table(line: str) -> bool:
    """The header of one of the app's tables, also saved again with `;` or tabs between fields (EDGE-163), or with
    its columns in another order (``time`` and ``seconds_elapsed`` among them: read by name, IMPORT-30)."""
    header = re.sub(r"[;\t]", ",", line.lower().replace('"', ""))
    return header.startswith(_HEADER_START) or {"time", "seconds_elapsed"} <= {f.strip() for f in header.split(",")}


def sniff(path: Path) -> float:
    if is_workbook(path):  # a table of the app saved again as a workbook (its sheet named after the file, EDGE-168)
        sheets = [s for s in bundle_sources(path) if s.name.lower() in _ACC_FILES]
        return 0.9 if any(is_table(first_line(s.head())) for s in sheets) else 0.0
    if path.is_dir():
        names = {p.name.lower() for p in path.iterdir()}
        if "metadata.csv" in names and names & _MOTION_FILES:
            return 0.95
        tables = [p for p in path.glob("*.csv") if p.name.lower() in _ACC_FILES]
        return 0.9 if any(is_table(first_line(head_bytes(p))) for p in tables) else 0.0
    if is_records_json(path):  # the JSON export: a records array with a "sensor" key (IMPORT-18)
        return 0.9
    if is_sqlite(path):  # the SQLite export: a table per sensor
        held = {name.lower() for name in sqlite_table_names(path)}
        motion = {"accelerometer", "totalacceleration", "accelerometeruncalibrated", "wristmotion"}
        return 0.95 if held & motion else 0.0
    members = [n.rsplit("/", 1)[-1].lower() for n in zip_names(path)]
    if members:
        return 0.95 if "metadata.csv" in members and _MOTION_FILES & set(members) else 0.0
    line = first_line(head_bytes(path))
    if is_table(line):  # one of its own files; a renamed table is the generic reader's (it reads any name)
        return 0.9 if path.name.lower() in _ACC_FILES or _other_table(path) else 0.0
    return 0.6 if line.lower().startswith("version,device name,recording epoch time") else 0.0


def _metadata(sources: list[Source]) -> dict[str, str]:
    source = find_source(sources, r"metadata\.csv")
    if source is None:
        return {}
    try:
        columns, sep, _ = csv_layout(source)
        table = read_table(source, sep=sep, text=[c for c in columns if c])
    except InputFileError:
        return {}
    if table.empty:
        return {}
    return {str(k).strip(): str(v).strip() for k, v in table.iloc[0].items()}


def _columns(source: Source) -> list[str]:
    return [c for c in csv_layout(source)[0] if c]


def _stream(
    source: Source, time_column: str, columns: list[str], report: ImportReport, label: str, **kw: Any
) -> Stream:
    """:func:`read_stream` with the table's own delimiter and decimal mark: a table saved again by a spreadsheet in
    a decimal-comma locale has `;` between fields and ``0,5`` (EDGE-163)."""
    _, sep, decimal = csv_layout(source)
    return read_stream(source, time_column, columns, report, label, sep=sep, decimal=decimal, **kw)


def _stated_rate_hz(meta: dict[str, str], sensor: str) -> float | None:
    """Rate the app was set to for one sensor (``sampleRateMs`` lists one value per sensor)."""
    sensors = meta.get("sensors", "").split("|")
    rates = meta.get("sampleRateMs", "").split("|")
    try:
        value = float(rates[sensors.index(sensor)]) if sensor in sensors and len(rates) == len(sensors) else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) and len(set(rates) - {""}) == 1:
        try:
            value = float(next(r for r in rates if r))
        except ValueError:
            value = math.nan
    return 1000.0 / value if math.isfinite(value) and value > 0 else None


#: The time base: ``time`` (ns since 1970), or ``seconds_elapsed`` where ``time`` was rewritten (_clock).
_EPOCH_CLOCK = ("time", 1e-9)
_ELAPSED_CLOCK = ("seconds_elapsed", 1.0)


def _read(
    source: Source, report: ImportReport, label: str, factor: float = 1.0, clock: tuple[str, float] = _EPOCH_CLOCK
) -> Stream:
    columns = _columns(source)
    if not {clock[0], "x", "y", "z"} <= set(columns):
        raise InputFileError(source.display, f"is not a Sensor Logger table (columns: {', '.join(columns)[:120]})")
    stale = ("seconds_elapsed", MAX_EARLY_S) if "seconds_elapsed" in columns else None
    time_column, to_s = clock
    return _stream(source, time_column, ["x", "y", "z"], report, label, time_to_s=to_s, to_unit=factor, stale=stale)


def _clock(sources: list[Source | None], report: ImportReport) -> tuple[str, float]:
    """``time`` (ns), unless in one of the motion tables it does not advance with ``seconds_elapsed`` (saved again
    by a spreadsheet: ``1.70081E+18`` in every row; or not in ns): then ``seconds_elapsed`` for every table (one
    origin, the recording's start), with a note, and no wall-clock start (EDGE-115)."""
    for source in sources:
        if source is not None and clock_rewritten(source, "time", 1e-9, "seconds_elapsed", *csv_layout(source)[1:]):
            report.notes.append(
                f"{source.name}: its time column does not advance with seconds_elapsed (rounded by a spreadsheet, "
                "or not in ns): timed by seconds_elapsed, the recording's start time unknown"
            )
            return _ELAPSED_CLOCK
    return _EPOCH_CLOCK


def _with_samples(source: Source | None, report: ImportReport) -> Source | None:
    """``source``, or None (with a note) when it holds no samples: the app leaves an empty file, or one with
    only its header, for a sensor that gave nothing; the other files are still the recording."""
    if source is None:
        return None
    rows = [line for line in source.head(8192).splitlines()[1:] if line.strip()]
    if rows:
        return source
    report.notes.append(f"{source.name} holds no samples: left out")
    return None


def read(path: Path, options: ImportOptions) -> ImportResult:
    if path.is_file() and (sensor := _other_table(path)) is not None:
        raise InputFileError(path, _without_acceleration(path, sensor))
    sources = bundle_sources(path)
    if is_workbook(path):  # a table saved again as a workbook: the export's other files beside it (EDGE-168)
        sources += [Source(str(p), path=p) for p in sorted(path.parent.iterdir()) if p.is_file() and p != path]
    meta = _metadata(sources)
    report = ImportReport(format=NAME)
    platform = meta.get("platform", "").lower()
    watch = _read_watch(path, sources, options, meta, report)
    if watch is not None:
        return watch
    total = _with_samples(find_source(sources, r"totalacceleration\.csv"), report)
    linear = _with_samples(find_source(sources, r"accelerometer\.csv"), report)
    gravity_file = _with_samples(find_source(sources, r"gravity\.csv"), report)
    uncal = _with_samples(find_source(sources, r"accelerometeruncalibrated\.csv"), report)
    gyro_found = find_source(sources, r"gyroscope\.csv") or find_source(sources, r"gyroscopeuncalibrated\.csv")
    clock = _clock([total, linear, gravity_file, uncal, gyro_found], report)
    # the uncalibrated table: the acceleration where no other is there (read once, into the report), else read
    # aside only on iOS, where its units tell whether the app standardised the others
    uncal_chosen = uncal is not None and total is None and (linear is None or gravity_file is None)
    uncal_stream = (
        _read(uncal, report if uncal_chosen else ImportReport(format=NAME), "acc", clock=clock)
        if uncal is not None and (uncal_chosen or platform == "ios")
        else None
    )
    with np.errstate(over="ignore", invalid="ignore"):
        uncal_in_g = (
            uncal_stream is not None and float(np.median(np.linalg.norm(uncal_stream.xyz, axis=1))) < MIN_GRAVITY_MS2
        )
    standardised = meta.get("standardisation", meta.get("standardised", "")).lower() in ("true", "1", "yes", "on")
    if uncal_stream is not None and platform == "ios" and not uncal_in_g:
        standardised = True
    gravity = "included"
    if total is not None:
        chosen, sensor_name = total, "TotalAcceleration"
        acc = _read(total, report, "acc", clock=clock)
    elif linear is not None and gravity_file is not None:
        chosen, sensor_name = linear, "Accelerometer"
        acc = _read(linear, report, "acc", clock=clock)
        acc = add_on_clock(acc, _read(gravity_file, report, "gravity", clock=clock), report, "gravity")
        report.files.append(gravity_file.display)
        report.notes.append("acceleration = Accelerometer (gravity removed) + Gravity, on the accelerometer clock")
    elif uncal is not None and uncal_stream is not None:
        chosen, sensor_name = uncal, "AccelerometerUncalibrated"
        acc = Stream(uncal_stream.t_s, uncal_stream.xyz * STANDARD_GRAVITY_MS2) if uncal_in_g else uncal_stream
        report.notes.append(f"acceleration from AccelerometerUncalibrated ({'g' if uncal_in_g else 'm/s^2'})")
    elif linear is not None:
        chosen, sensor_name, gravity = linear, "Accelerometer", "removed"
        acc = _read(linear, report, "acc", clock=clock)
        report.notes.append(
            "Accelerometer.csv has gravity removed and no Gravity.csv or TotalAcceleration.csv is beside it: "
            "read as acc_gravity: removed"
        )
    else:
        empty = [note.split(" ", 1)[0] for note in report.notes if note.endswith("holds no samples: left out")]
        raise InputFileError(
            path,
            f"{', '.join(empty)} hold{'s' if len(empty) == 1 else ''} no samples: the recording has no acceleration"
            if empty
            else _no_acceleration(path),
        )
    report.files.insert(0, chosen.display)
    if platform == "ios" and not standardised and sensor_name != "TotalAcceleration":
        acc = Stream(acc.t_s, -acc.xyz)
        report.notes.append("iOS acceleration negated to the Android sign (at rest +9.81 m/s^2 up)")
    gyro_source = _with_samples(gyro_found, report)
    gyr = None
    if gyro_source is not None:
        gyr = _read(gyro_source, report, "gyr", GYR_TO_DPS["rads"], clock)
        report.files.append(gyro_source.display)
    acc, gyr_dps = align_gyro(acc, gyr, report)
    if find_source(sources, r"wristmotion\.csv") is not None:
        report.notes.append(f"{path.name} also holds a watch's WristMotion.csv: --placement wrist reads the watch")
    device = meta.get("device name") or None
    if device and platform:
        device = f"{device} ({platform})"
    header = {"import_app_version": meta["appVersion"]} if meta.get("appVersion") else {}
    return finish(
        chosen.display,
        acc,
        gyr_dps,
        options,
        report,
        device=device,
        stated_rate_hz=_stated_rate_hz(meta, sensor_name),
        start_epoch_s=float(acc.t_s[0]) if len(acc) and clock == _EPOCH_CLOCK else None,
        header=header,
        gravity=gravity,
    )


def _read_watch(
    path: Path, sources: list[Source], options: ImportOptions, meta: dict[str, str], report: ImportReport
) -> ImportResult | None:
    """The watch's ``WristMotion.csv`` (Apple Watch, Wear OS companion app) when it is the file given or
    ``--placement wrist`` was said or the phone recorded no acceleration; None otherwise (the phone is read).

    Columns (real exports): ``time, seconds_elapsed, rotationRateX..Z`` (rad/s), ``gravityX..Z``,
    ``accelerationX..Z`` (the user acceleration, gravity removed), quaternion and angles. gravity and
    acceleration are in g unless "Standardise Units & Frames" was on (m/s^2): told by |gravity|. The
    acceleration read is gravity + user acceleration; an iOS watch in g has CoreMotion's sign (at rest -1 g
    up) and is negated as the phone is (IMPORT-20)."""
    source = find_source(sources, r"wristmotion\.csv")
    given = path.is_file() and path.name.lower() == "wristmotion.csv"
    phone = any(find_source(sources, rf"{name}\.csv") for name in ("totalacceleration", "accelerometer(uncalibrated)?"))
    if source is None or not (given or options.placement == "wrist" or not phone):
        return None
    source = _with_samples(source, report)
    if source is None:
        return None
    columns = _columns(source)
    axes = {kind: [f"{kind}{axis}" for axis in "XYZ"] for kind in ("acceleration", "gravity", "rotationRate")}
    missing = [c for names in axes.values() for c in names if c not in columns]
    if "time" not in columns or missing:
        first = "time" if "time" not in columns else missing[0]
        raise InputFileError(
            source.display,
            f"has no {first} column (a watch's wrist motion has time and rotationRate, gravity and acceleration "
            f"X/Y/Z; columns: {', '.join(columns)[:120]})",
        )
    stale = ("seconds_elapsed", MAX_EARLY_S) if "seconds_elapsed" in columns else None
    clock = _clock([source], report)
    at, to_s = clock
    user = _stream(source, at, axes["acceleration"], report, "acc", time_to_s=to_s, stale=stale)
    down = _stream(source, at, axes["gravity"], report, "gravity", time_to_s=to_s, stale=stale)
    with np.errstate(over="ignore", invalid="ignore"):
        in_g = float(np.median(np.linalg.norm(down.xyz, axis=1))) < MIN_GRAVITY_MS2
    acc = add_on_clock(user, down, report, "gravity")
    platform = meta.get("platform", "").lower()
    scale = STANDARD_GRAVITY_MS2 if in_g else 1.0
    if platform == "ios" and in_g:
        scale = -scale
        report.notes.append("the watch's acceleration (iOS, in g) negated to the Android sign")
    acc = Stream(acc.t_s, acc.xyz * scale)
    gyr = _stream(
        source, at, axes["rotationRate"], report, "gyr", time_to_s=to_s, to_unit=GYR_TO_DPS["rads"], stale=stale
    )
    acc, gyr_dps = align_gyro(acc, gyr, report)
    report.files.append(source.display)
    report.notes.append(
        f"the watch's wrist motion (WristMotion: gravity + acceleration in {'g' if in_g else 'm/s^2'}, rotation "
        "rate), not the phone"
    )
    paired = meta.get("device name")
    device = f"watch paired with {paired}" + (f" ({platform})" if platform else "") if paired else "watch"
    header = {"import_app_version": meta["appVersion"]} if meta.get("appVersion") else {}
    return finish(
        source.display,
        acc,
        gyr_dps,
        replace(options, placement=options.placement or "wrist"),
        report,
        device=device,
        stated_rate_hz=_stated_rate_hz(meta, "WristMotion"),
        start_epoch_s=float(acc.t_s[0]) if len(acc) and clock == _EPOCH_CLOCK else None,
        header=header,
        gravity="included",
    )


def _without_acceleration(path: Path, sensor: str) -> str:
    """The answer to a Sensor Logger table without acceleration given alone (EDGE-94): the file to give instead."""
    beside = sorted(
        p.name for p in path.parent.iterdir() if p.name.lower() in ("accelerometer.csv", "totalacceleration.csv")
    )
    columns = ", ".join(_columns(Source(str(path), path=path)))[:120]
    if beside:
        return (
            f"is a Sensor Logger {sensor} table without acceleration (columns: {columns}); pass {beside[-1]} beside "
            "it, or the export folder"
        )
    return (
        f"is a Sensor Logger {sensor} table without acceleration (columns: {columns}); pass the export's "
        "Accelerometer.csv (or TotalAcceleration.csv), or the export folder"
    )


def _no_acceleration(path: Path) -> str:
    """Why an export has no acceleration to read, naming what it holds where it is one file of all sensors."""
    kind = "records" if is_records_json(path) else "tables" if is_sqlite(path) else None
    if kind is not None:
        names = json_sensor_names(path) if kind == "records" else sqlite_table_names(path)
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "") if names else "none"
        return f"holds no Accelerometer or TotalAcceleration {kind} ({kind}: {shown}): record with the accelerometer on"
    return "holds no Sensor Logger acceleration file (Accelerometer.csv, TotalAcceleration.csv)"


FORMAT = ImportFormat(
    name=NAME,
    description="Sensor Logger folder/zip/JSON/SQLite (iOS, Android): TotalAcceleration or Accelerometer+Gravity, "
    "Gyroscope",
    sniff=sniff,
    read=read,
)
