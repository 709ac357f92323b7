"""MbientLab MetaBase CSV (MetaWear sensors): separate accelerometer and gyroscope files.

Header ``epoc (ms),timestamp (-0500),elapsed (s),x-axis (g),y-axis (g),z-axis (g)``; the gyroscope
file has ``x-axis (deg/s)``. Time base: ``epoc (ms)`` (ms since 1970, UTC). Acceleration g ->
m/s^2; the gyroscope file of the same recording (name with ``Gyroscope`` for ``Accelerometer``)
is put on the accelerometer clock. The rate in MetaBase's file name (``_100.000Hz_``) is carried
over, and the device MAC address from the name, when present.
"""

from __future__ import annotations

import re
from pathlib import Path

from retrogait.errors import InputFileError
from retrogait.imports.base import ImportFormat, ImportOptions, ImportReport, ImportResult
from retrogait.imports.common import (
    ACC_TO_MS2,
    GYR_TO_DPS,
    Source,
    Stream,
    align_gyro,
    bundle_sources,
    clock_rewritten,
    csv_layout,
    detect_delimiter,
    finish,
    first_line,
    head_bytes,
    header_fields,
    read_stream,
)
from retrogait.imports.workbook import is_workbook

NAME = "metabase"
_TIME = "epoc (ms)"
_ELAPSED = "elapsed (s)"
_EPOCH_CLOCK = (_TIME, 1e-3)
_ELAPSED_CLOCK = (_ELAPSED, 1.0)
_AXIS = re.compile(r"^([xyz])-axis \(([^)]*)\)$", re.IGNORECASE)
_FACTORS = {"g": ACC_TO_MS2["g"], "m/s^2": 1.0, "deg/s": 1.0, "rad/s": GYR_TO_DPS["rads"]}
_SENSOR_IN_NAME = re.compile(r"(accelerometer|gyroscope)(_[0-9.]+hz)?", re.IGNORECASE)


def _kind(line: str) -> str | None:
    """``acc`` or ``gyr`` for a MetaBase header, also saved again with `;` or tabs between fields (EDGE-163), or with
    its own columns in another order (IMPORT-30)."""
    fields = header_fields(line, detect_delimiter(line)[0])
    if not fields or _TIME not in (names := [f.lower() for f in fields]):
        return None
    own = (_TIME, "elapsed (s)")
    if names[0] != _TIME and not all(n in own or n.startswith("timestamp (") or _AXIS.match(n) for n in names):
        return None  # its own names in another order are read by name (IMPORT-30); another table is not its
    units = {m.group(2).lower() for f in fields if (m := _AXIS.match(f))}
    if units & {"g", "m/s^2"}:
        return "acc"
    if units & {"deg/s", "rad/s"}:
        return "gyr"
    return None


def sniff(path: Path) -> float:
    if is_workbook(path):  # its CSV saved again as a workbook (Excel's Save As .xlsx, EDGE-168)
        return 0.9 if any(_kind(first_line(s.head())) == "acc" for s in bundle_sources(path)) else 0.0
    if path.is_dir():
        return 0.85 if any(_kind(first_line(head_bytes(p))) == "acc" for p in path.glob("*.csv")) else 0.0
    return 0.95 if _kind(first_line(head_bytes(path))) else 0.0


def _read(source: Source, report: ImportReport, label: str, clock: tuple[str, float] = _EPOCH_CLOCK) -> Stream:
    fields, sep, decimal = csv_layout(source)
    axes = {m.group(1).lower(): (f, m.group(2).lower()) for f in fields if (m := _AXIS.match(f))}
    if set(axes) != {"x", "y", "z"} or axes["x"][1] not in _FACTORS:
        raise InputFileError(source.display, "is not a MetaBase sensor CSV (x/y/z-axis columns with units not found)")
    columns = [axes[a][0] for a in "xyz"]
    time_column, to_s = clock
    factor = _FACTORS[axes["x"][1]]
    return read_stream(
        source, time_column, columns, report, label, time_to_s=to_s, to_unit=factor, sep=sep, decimal=decimal
    )


def _clock(sources: list[Source], report: ImportReport) -> tuple[str, float]:
    """``epoc (ms)``, unless in one of the files it does not advance with ``elapsed (s)`` (saved again by a
    spreadsheet, which shows 13 digits as ``1.65973E+12``): then ``elapsed (s)`` for both files (one origin, the
    logging's start), with a note, and no wall-clock start (EDGE-115)."""
    for source in sources:
        if clock_rewritten(source, _TIME, 1e-3, _ELAPSED, *csv_layout(source)[1:]):
            report.notes.append(
                f"{source.name}: its epoc (ms) column does not advance with elapsed (s) (rounded by a spreadsheet?): "
                "timed by elapsed (s), the start time unknown"
            )
            return _ELAPSED_CLOCK
    return _EPOCH_CLOCK


def _key(name: str) -> str:
    return _SENSOR_IN_NAME.sub("SENSOR", name).lower()


def read(path: Path, options: ImportOptions) -> ImportResult:
    sources = bundle_sources(path)
    sheets = {s.display for s in sources} if is_workbook(path) else set()
    if sheets:  # a file saved again as a workbook: its gyroscope file may be beside it (EDGE-168)
        sources += [Source(str(p), path=p) for p in sorted(path.parent.iterdir()) if p.is_file() and p != path]
    kinds = {s.display: _kind(first_line(s.head())) for s in sources if s.name.lower().endswith(".csv")}
    if path.is_dir() or sheets:
        accs = [s for s in sources if kinds.get(s.display) == "acc" and (not sheets or s.display in sheets)]
        if len(accs) != 1:
            found = ", ".join(s.name for s in accs) or "none"
            raise InputFileError(path, f"needs exactly one MetaBase accelerometer CSV (found: {found}); pass the file")
        acc_source = accs[0]
    else:
        kind = _kind(first_line(head_bytes(path)))
        if kind is None:
            raise InputFileError(path, "is not a MetaBase sensor CSV (no 'epoc (ms)' column among its own names)")
        given = Source(str(path), path=path)
        if kind == "gyr":
            partner = next(
                (s for s in sources if kinds.get(s.display) == "acc" and _key(s.name) == _key(given.name)), None
            )
            if partner is None:
                raise InputFileError(path, "holds only the gyroscope; the matching Accelerometer CSV was not found")
            acc_source = partner
        else:
            acc_source = given
    report = ImportReport(format=NAME, files=[acc_source.display])
    gyr_source = next(
        (s for s in sources if kinds.get(s.display) == "gyr" and _key(s.name) == _key(acc_source.name)), None
    )
    clock = _clock([acc_source] + ([gyr_source] if gyr_source is not None else []), report)
    acc = _read(acc_source, report, "acc", clock)
    gyr = None
    if gyr_source is not None:
        gyr = _read(gyr_source, report, "gyr", clock)
        report.files.append(gyr_source.display)
    acc, gyr_dps = align_gyro(acc, gyr, report)
    rate = re.search(r"_([0-9.]+)hz", acc_source.name, re.IGNORECASE)
    mac = re.search(r"_([0-9A-F]{12})_", acc_source.name, re.IGNORECASE)
    device = f"MetaWear {mac.group(1)}" if mac else "MetaWear"
    try:
        stated = float(rate.group(1)) if rate else None
    except ValueError:
        stated = None
    return finish(
        acc_source.display,
        acc,
        gyr_dps,
        options,
        report,
        device=device,
        stated_rate_hz=stated,
        start_epoch_s=float(acc.t_s[0]) if len(acc) and clock == _EPOCH_CLOCK else None,
    )


FORMAT = ImportFormat(
    name=NAME,
    description="MbientLab MetaBase CSV: accelerometer (g) + gyroscope (deg/s) files, epoch ms, merged on time",
    sniff=sniff,
    read=read,
)
