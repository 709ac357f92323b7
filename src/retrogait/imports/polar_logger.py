"""Polar Sensor Logger text files (``*_ACC.txt`` and ``*_GYRO.txt``, ';' separated).

Header ``Phone timestamp;sensor timestamp [ns];X [mg];Y [mg];Z [mg]`` (gyro ``[dps]``). The sensor
timestamp (ns since 2000-01-01, set from the phone's local clock) is the time base; acceleration
mg -> m/s^2 (gravity included), gyroscope deg/s put on the accelerometer clock. The first phone
timestamp (local time text) is kept as ``import_start_time_local``.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path

import numpy as np

from retrogait.errors import InputFileError
from retrogait.imports.base import ImportFormat, ImportOptions, ImportReport, ImportResult
from retrogait.imports.common import (
    ACC_TO_MS2,
    ROUNDED_TIME_MIN_VALUE,
    Source,
    Stream,
    align_gyro,
    bundle_sources,
    csv_layout,
    finish,
    first_line,
    head_bytes,
    head_text,
    header_fields,
    read_stream,
    snap_rate,
)
from retrogait.imports.workbook import is_workbook

NAME = "polar_logger"
_SENSOR_TIME = "sensor timestamp [ns]"
_PHONE_TIME = "Phone timestamp"
#: Unit text is case-sensitive: Polar writes [mg] for acceleration and [G] (gauss) for the magnetometer.
_AXIS = re.compile(r"^([XYZ]) \[(mg|dps|deg/s)\]$")
_FACTORS = {"mg": ACC_TO_MS2["mg"], "dps": 1.0, "deg/s": 1.0}
#: Rates Polar sensors (Verity Sense, H10, OH1) sample at (Hz).
POLAR_RATES_HZ = (25.0, 26.0, 50.0, 52.0, 100.0, 104.0, 200.0, 208.0, 400.0, 416.0)


def _sep(line: str) -> str | None:
    """The delimiter after the header's first name: `;` as the app writes it; a tab or `,` where a spreadsheet saved
    it again (Excel saves a `.txt` it opened as tab-delimited text; Google Sheets' CSV has `,`, EDGE-167)."""
    match = re.match(r'"?phone timestamp"?\s*([;\t,])', line, re.IGNORECASE)
    return match.group(1) if match else None


def _kind(line: str) -> str | None:
    """'acc' or 'gyr' from a header line, 'other' for another Polar Sensor Logger file (MAGN, HR,
    PPG, MARKER ...), or None."""
    sep = _sep(line)
    fields = header_fields(line, sep) if sep is not None else []
    if sep is None or (sep != ";" and _SENSOR_TIME not in fields):  # another app's `Phone timestamp,...` table
        return None
    units = {m.group(2) for f in fields if (m := _AXIS.match(f))}
    if "mg" in units:
        return "acc"
    if units & {"dps", "deg/s"}:
        return "gyr"
    return "other"


def sniff(path: Path) -> float:
    if is_workbook(path):  # a file saved again as an Excel workbook (EDGE-175)
        return 0.95 if _sheet(path) is not None else 0.0
    if path.is_dir():
        return 0.9 if any(_kind(first_line(head_bytes(p))) == "acc" for p in path.glob("*ACC*.txt")) else 0.0
    kind = _kind(first_line(head_bytes(path)))
    return 0.95 if kind else 0.0


def _read(source: Source, report: ImportReport, label: str, phone_clock: bool = False) -> Stream:
    line = first_line(source.head())
    fields = header_fields(line, _sep(line) or ";")
    axes = {m.group(1): (f, m.group(2)) for f in fields if (m := _AXIS.match(f))}
    if set(axes) != {"X", "Y", "Z"} or _SENSOR_TIME not in fields:
        raise InputFileError(source.display, "is not a Polar Sensor Logger ACC/GYRO file (header not recognised)")
    columns = [axes[a][0] for a in "XYZ"]
    factor = _FACTORS[axes["X"][1]]
    # decimal commas: saved again by a spreadsheet in such a locale (EDGE-123), also tab-separated or quoted (EDGE-167)
    _, sep, decimal = csv_layout(source)
    sep = _sep(line) or ";"
    phone = _PHONE_TIME if _PHONE_TIME in fields else None  # times the rows if a spreadsheet rounded the ns (EDGE-141)
    return read_stream(
        source,
        _SENSOR_TIME,
        columns,
        report,
        label,
        time_to_s=1e-9,
        to_unit=factor,
        sep=sep,
        decimal=decimal,
        text_time=phone,
        text_time_forced=phone_clock,
    )


def _rounded_at_start(source: Source) -> bool:
    """Whether the sensor's ns stamps in the first rows (the file's head) were rounded by a spreadsheet (as
    common.rounded_time judges a whole column): then both files of the pair are timed by the phone timestamp, one
    clock for both (EDGE-146)."""
    lines = head_text(source.head()).splitlines()
    sep = (_sep(lines[0]) if lines else None) or ";"
    fields = header_fields(lines[0], sep) if lines else []
    if _SENSOR_TIME not in fields or len(lines) < 3:
        return False
    k = fields.index(_SENSOR_TIME)
    cells = [line.split(sep)[k].strip('"') if line.count(sep) >= k else "" for line in lines[1:-1]]  # the last: cut?
    values = np.array([_number(c) for c in cells], dtype=np.float64)
    finite = values[np.isfinite(values)]
    if finite.size < 20 or float(np.abs(finite).max()) < ROUNDED_TIME_MIN_VALUE:
        return False
    # a ns clock gives every row its own stamp; 6 digits of ~7e17 ns step by 1000 s: one or two values in the head,
    # each one a spreadsheet's 6 significant digits (a clock stamping per packet keeps all its digits)
    distinct = np.unique(finite)
    return distinct.size <= 2 and all(float(f"{v:.6g}") == v for v in distinct.tolist())


def _number(text: str) -> float:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return float("nan")


def _phone_start(source: Source) -> str:
    """The phone timestamp (local time text) of the first data row, or ''."""
    lines = head_text(source.head()).splitlines()
    sep = (_sep(lines[0]) if lines else None) or ";"
    return lines[1].split(sep, 1)[0].strip().strip('"')[:40] if len(lines) > 1 else ""


def _partner(source: Source, sources: list[Source], kind: str) -> Source | None:
    old, new = ("ACC", "GYRO") if kind == "gyr" else ("GYRO", "ACC")
    head, sep, tail = source.name.rpartition(old)
    if not sep:
        return None
    target = f"{head}{new}{tail}"
    return next((s for s in sources if s.name == target), None)


def _sheet(path: Path, kind: str | None = None) -> Source | None:
    """The first sheet of the workbook ``path`` that is a Polar file (of ``kind``: 'acc', 'gyr'; None: any), as the
    CSV text its cells stand for (EDGE-175)."""
    return next(
        (s for s in bundle_sources(path) if (found := _kind(first_line(s.head()))) and kind in (None, found)), None
    )


def _workbook_pair(path: Path) -> tuple[Source, Source | None, str]:
    """(ACC, GYRO or None, file name) of a Polar file saved again as a workbook (``*_ACC.xlsx``: one sheet, named
    after the file as far as a sheet name's 31 characters go); the partner is the file beside it named with GYRO
    (ACC) for ACC (GYRO), a workbook or the app's text file (EDGE-175)."""
    given = _sheet(path)
    if given is None:
        raise InputFileError(path, "is a spreadsheet workbook without a Polar Sensor Logger sheet")
    kind = _kind(first_line(given.head()))
    if kind == "other":
        raise InputFileError(path, "is a Polar Sensor Logger file without acceleration; pass its _ACC file")
    old, new = ("GYRO", "ACC") if kind == "gyr" else ("ACC", "GYRO")
    head, sep, _ = path.stem.rpartition(old)
    partner_stem = f"{head}{new}{path.stem[len(head) + len(old) :]}" if sep else None
    # the files of that name, whatever their suffix: the name escaped, not a pattern (`[copy]`, REVIEW-15)
    pattern = f"{glob.escape(partner_stem)}.*" if partner_stem else None
    partners = sorted(p for p in path.parent.glob(pattern) if p.is_file()) if pattern else []
    other, other_name = None, ""
    for candidate in partners:
        other = _sheet(candidate, "gyr" if kind == "acc" else "acc") if is_workbook(candidate) else None
        if other is None and _kind(first_line(head_bytes(candidate))) == ("gyr" if kind == "acc" else "acc"):
            other = Source(str(candidate), path=candidate)
        if other is not None:
            other_name = candidate.name
            break
    if kind == "gyr":
        if other is None:
            raise InputFileError(path, "holds only the gyroscope; the matching _ACC file was not found beside it")
        return other, given, other_name
    return given, other, path.name


def read(path: Path, options: ImportOptions) -> ImportResult:
    if is_workbook(path):
        acc_source, gyr_source, file_name = _workbook_pair(path)
        return _read_pair(acc_source, gyr_source, file_name, options)
    sources = bundle_sources(path)
    if path.is_dir():
        candidates = [s for s in sources if _kind(first_line(s.head())) == "acc"]
        if len(candidates) != 1:
            found = ", ".join(s.name for s in candidates) or "none"
            raise InputFileError(
                path, f"needs exactly one Polar ACC file in the folder (found: {found}); pass the file"
            )
        acc_source = candidates[0]
    else:
        given = Source(str(path), path=path)
        kind = _kind(first_line(given.head()))
        if kind is None:
            raise InputFileError(path, "is not a Polar Sensor Logger ACC/GYRO file (header not recognised)")
        if kind == "other":
            line = first_line(given.head())
            columns = ", ".join(header_fields(line, _sep(line) or ";"))[:120]
            raise InputFileError(
                path,
                f"is a Polar Sensor Logger file without acceleration (columns: {columns}); pass its _ACC.txt file",
            )
        partner = _partner(given, sources, "acc") if kind == "gyr" else None
        if kind == "gyr" and partner is None:
            raise InputFileError(path, "holds only the gyroscope; the matching _ACC file was not found beside it")
        acc_source = partner or given
    gyr_source = _partner(acc_source, sources, "gyr")
    if gyr_source is not None and _kind(first_line(gyr_source.head())) != "gyr":
        gyr_source = None
    return _read_pair(acc_source, gyr_source, acc_source.name, options)


def _read_pair(acc_source: Source, gyr_source: Source | None, file_name: str, options: ImportOptions) -> ImportResult:
    """The recording of an ACC file and its GYRO file (None: none), ``file_name`` the ACC file's (its device)."""
    report = ImportReport(format=NAME, files=[acc_source.display])
    # one clock for the pair: where a spreadsheet rounded either file's ns stamps, both are timed by the phone
    phone_clock = gyr_source is not None and (_rounded_at_start(acc_source) or _rounded_at_start(gyr_source))
    acc = _read(acc_source, report, "acc", phone_clock)
    phone_start = _phone_start(acc_source)
    gyr = None
    if gyr_source is not None:
        gyr = _read(gyr_source, report, "gyr", phone_clock)
        report.files.append(gyr_source.display)
    acc, gyr_dps = align_gyro(acc, gyr, report)
    device = (
        re.sub(r"_(ACC|GYRO)\.(txt|xlsx|xlsm|xls|ods)$", "", file_name, flags=re.IGNORECASE).replace("_", " ") or None
    )
    header = {"import_start_time_local": phone_start} if phone_start else {}
    return finish(
        acc_source.display,
        acc,
        gyr_dps,
        options,
        report,
        device=device,
        stated_rate_hz=snap_rate(acc, POLAR_RATES_HZ),
        header=header,
    )


FORMAT = ImportFormat(
    name=NAME,
    description="Polar Sensor Logger *_ACC.txt (+ *_GYRO.txt): mg, deg/s, ns timestamps, ';' separated",
    sniff=sniff,
    read=read,
)
