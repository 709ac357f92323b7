"""SensorLog (iOS app by B. Thomas) CSV: one wide row per logging tick.

Columns used: ``accelerometerTimestamp_sinceReboot(s)`` with ``accelerometerAccelerationX(G)`` ..
(raw CoreMotion acceleration in g, gravity included, iOS sign: a phone lying face up reads
z = -1 g, so values are negated to read +9.81 m/s^2 up) and ``gyroTimestamp_sinceReboot(s)`` with
``gyroRotationX(rad/s)`` .. (rad/s -> deg/s), the gyroscope put on the accelerometer clock.
"""

from __future__ import annotations

from pathlib import Path

from retrogait.errors import InputFileError
from retrogait.imports.base import ImportFormat, ImportOptions, ImportReport, ImportResult
from retrogait.imports.common import (
    ACC_TO_MS2,
    GYR_TO_DPS,
    Source,
    align_gyro,
    clean_stream,
    csv_layout,
    finish,
    first_line,
    head_bytes,
    read_table,
    require_rows,
    to_si,
)

NAME = "sensorlog"
_ACC_T = "accelerometerTimestamp_sinceReboot(s)"
_ACC = tuple(f"accelerometerAcceleration{a}(G)" for a in "XYZ")
_GYR_T = "gyroTimestamp_sinceReboot(s)"
_GYR = tuple(f"gyroRotation{a}(rad/s)" for a in "XYZ")


def sniff(path: Path) -> float:
    return 0.95 if first_line(head_bytes(path)).lstrip('"').startswith("loggingTime(txt)") else 0.0


def read(path: Path, options: ImportOptions) -> ImportResult:
    source = Source(str(path), path=path)
    fields, sep, decimal = csv_layout(source)
    if not {_ACC_T, *_ACC} <= set(fields):
        raise InputFileError(path, "SensorLog file has no accelerometer columns; enable the accelerometer when logging")
    with_gyro = {_GYR_T, *_GYR} <= set(fields)
    report = ImportReport(format=NAME, files=[str(path)])
    numeric = [_ACC_T, *_ACC] + ([_GYR_T, *_GYR] if with_gyro else [])
    text = ["deviceID(txt)"] if "deviceID(txt)" in fields else []
    table = read_table(source, sep=sep, decimal=decimal, numeric=numeric, text=text, report=report)
    report.rows_read = len(table) + report.dropped_total
    acc = clean_stream(table[_ACC_T].to_numpy(), to_si(table[list(_ACC)].to_numpy(), -ACC_TO_MS2["g"]), report, "acc")
    require_rows(acc, str(path), "accelerometer", report=report)
    gyr = None
    if with_gyro:
        gyr = clean_stream(
            table[_GYR_T].to_numpy(), to_si(table[list(_GYR)].to_numpy(), GYR_TO_DPS["rads"]), report, "gyr"
        )
    acc, gyr_dps = align_gyro(acc, gyr, report)
    device = str(table[text[0]].dropna().iloc[0]).strip() if text and table[text[0]].notna().any() else None
    return finish(str(path), acc, gyr_dps, options, report, device=f"SensorLog {device}" if device else "SensorLog")


FORMAT = ImportFormat(
    name=NAME,
    description="SensorLog (iOS) CSV: accelerometerAcceleration (g) + gyroRotation (rad/s)",
    sniff=sniff,
    read=read,
)
