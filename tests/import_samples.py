"""Tiny synthetic exports in each format's real layout, written by the tests themselves.

Every writer records the same known motion (``truth_acc_ms2`` / ``truth_gyr_dps`` as functions of
absolute time) in its format's units, axis order, time base and quirks, so a test can check that
the importer gives back the motion in m/s^2 (gravity included) and deg/s on the right axes.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from retrogait.conventions import STANDARD_GRAVITY_MS2 as G
from retrogait.session import Session, SessionMeta, write_session

RATE_HZ = 100.0
DURATION_S = 4.0
STEP_HZ = 1.6

Array = NDArray[np.float64]


def truth_acc_ms2(t: Array) -> Array:
    """Acceleration (m/s^2, gravity along +z) with a different signal on each axis."""
    w = 2 * math.pi * STEP_HZ
    return np.column_stack([0.8 * np.sin(w * t), -1.5 * np.cos(w * t) + 0.3, G + 2.5 * np.sin(2 * w * t)])


def truth_gyr_dps(t: Array) -> Array:
    """Angular rate (deg/s), a different signal on each axis."""
    w = 2 * math.pi * STEP_HZ
    return np.column_stack([40 * np.sin(w * t), -90 * np.cos(w * t) + 5, 15 * np.sin(2 * w * t)])


def times(rate_hz: float = RATE_HZ, start_s: float = 0.0, duration_s: float = DURATION_S) -> Array:
    return start_s + np.arange(round(duration_s * rate_hz)) / rate_hz


def _write(path: Path, text: str, newline: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def _rows(columns: list[Array], fmt: str = "{:.9g}", sep: str = ",") -> str:
    table = np.column_stack(columns)
    return "".join(sep.join(fmt.format(v) for v in row) + "\n" for row in table)


# ------------------------------------------------------------------------------------------ phyphox


def phyphox_folder(folder: Path, gyro_offset_s: float = 0.004) -> Path:
    """New-style phyphox export: Accelerometer.csv + Gyroscope.csv + meta/ (different clocks)."""
    t = times()
    tg = times(start_s=-gyro_offset_s, duration_s=DURATION_S + 0.02)
    acc = truth_acc_ms2(t)
    gyr = np.radians(truth_gyr_dps(tg))
    _write(
        folder / "Accelerometer.csv", '"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"\n' + _rows([t, *acc.T], "{:.9E}")
    )
    _write(folder / "Gyroscope.csv", '"Time (s)","X (rad/s)","Y (rad/s)","Z (rad/s)"\n' + _rows([tg, *gyr.T], "{:.9E}"))
    _write(folder / "meta" / "device.csv", '"property","value"\n"deviceModel","Pixel 7"\n"deviceBrand","google"\n')
    _write(
        folder / "meta" / "time.csv",
        '"event","experiment time","system time","system time text"\n'
        '"START",0.000000000E0,1.700000000E9,"2023-11-14 22:13:20.000 UTC+00:00"\n',
    )
    return folder


def phyphox_zip(path: Path) -> Path:
    folder = phyphox_folder(path.parent / (path.stem + "_src"))
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.rglob("*.csv")):
            archive.write(file, file.relative_to(folder).as_posix())
    return path


_XLSX_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _xlsx_cell(value: object) -> str:
    """A cell as phyphox-android's XlsxWriter writes it: a number as ``<v>``, anything else an inline string."""
    if isinstance(value, float) and math.isfinite(value):
        return f"<c><v>{value!r}</v></c>"
    text = "NaN" if isinstance(value, float) else str(value)
    return f'<c t="inlineStr"><is><t xml:space="preserve">{_xml_text(text)}</t></is></c>'


def xlsx_workbook(path: Path, sheets: list[tuple[str, list[list[object]]]]) -> Path:
    """An .xlsx laid out as phyphox-android's minimal XlsxWriter writes it (inline strings, no cell
    references, one part per sheet); rows are lists of floats and texts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "_rels/.rels",
            f'{head}<Relationships xmlns="{_PKG_NS}"><Relationship Id="rId1" Type="{_REL_NS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        for i, (_, rows) in enumerate(sheets, 1):
            body = "".join("<row>" + "".join(_xlsx_cell(v) for v in row) + "</row>" for row in rows)
            z.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'{head}<worksheet xmlns="{_XLSX_NS}"><sheetData>{body}</sheetData></worksheet>',
            )
        listed = "".join(
            f'<sheet name="{_xml_text(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, (n, _) in enumerate(sheets, 1)
        )
        z.writestr(
            "xl/workbook.xml",
            f'{head}<workbook xmlns="{_XLSX_NS}" xmlns:r="{_REL_NS}"><sheets>{listed}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr("xl/_rels/workbook.xml.rels", f'{head}<Relationships xmlns="{_PKG_NS}">{rels}</Relationships>')
        kinds = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{kinds}</Types>',
        )
    return path


def xls_workbook(path: Path, sheets: list[tuple[str, list[list[object]]]]) -> Path:
    """An Excel 97 ``.xls`` (BIFF8, as the Apache POI HSSF writer of older phyphox Android builds writes it),
    through xlwt (a test-only dependency): numbers as numbers, anything else as text (``NaN`` for a float NaN)."""
    import xlwt  # type: ignore[import-untyped]

    book = xlwt.Workbook()
    for name, rows in sheets:
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                finite = isinstance(value, float) and math.isfinite(value)
                sheet.write(r, c, value if finite else ("NaN" if isinstance(value, float) else str(value)))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    return path


def ods_workbook(path: Path, sheets: list[tuple[str, list[list[object]]]]) -> Path:
    """An OpenDocument spreadsheet (``.ods``, as LibreOffice saves a workbook): numbers as float cells,
    anything else as text (``NaN`` for a float NaN)."""

    def cell(value: object) -> str:
        if isinstance(value, float) and math.isfinite(value):
            return f'<table:table-cell office:value-type="float" office:value="{value!r}"/>'
        text = "NaN" if isinstance(value, float) else str(value)
        return f'<table:table-cell office:value-type="string"><text:p>{_xml_text(text)}</text:p></table:table-cell>'

    tables = "".join(
        f'<table:table table:name="{_xml_text(name)}">'
        + "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets
    )
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _csv_rows(path: Path) -> list[list[object]]:
    """A phyphox CSV file's header and rows (numbers as floats, as its Excel export holds them)."""
    import csv

    with open(path, newline="") as fh:
        header, *rows = list(csv.reader(fh))
    return [header, *[[_number_or_text(v) for v in row] for row in rows]]


def _number_or_text(value: str) -> object:
    try:
        return float(value)
    except ValueError:
        return value


def phyphox_workbook(path: Path, folder: Path, metadata: bool = True) -> Path:
    """phyphox's Excel export of the tables of the CSV export ``folder``: a sheet per sensor table (named as
    its file), then "Metadata Device" and "Metadata Time" from ``meta/`` (left out with ``metadata=False``,
    as phyphox's export of a single graph leaves them out); ``.xls`` or ``.ods`` when ``path`` ends so, else
    ``.xlsx``."""
    sheets = [(p.stem, _csv_rows(p)) for p in sorted(folder.glob("*.csv"))]
    if metadata:
        sheets += [("Metadata Device", _csv_rows(folder / "meta" / "device.csv"))]
        sheets += [("Metadata Time", _csv_rows(folder / "meta" / "time.csv"))]
    writers = {".xls": xls_workbook, ".ods": ods_workbook}
    return writers.get(path.suffix, xlsx_workbook)(path, sheets)


def phyphox_classic(path: Path, linear: bool = False) -> Path:
    """Classic single-file 'Acceleration with g' (or 'Linear Acceleration') export."""
    t = times()
    acc = truth_acc_ms2(t) - (np.array([0, 0, G]) if linear else 0.0)
    label = "Linear Acceleration" if linear else "Acceleration"
    header = ",".join(f'"{label} {a} (m/s^2)"' for a in "xyz")
    norm = np.linalg.norm(acc, axis=1)
    return _write(path, f'"Time (s)",{header},"Absolute acceleration (m/s^2)"\n' + _rows([t, *acc.T, norm], "{:.9E}"))


def phyphox_semicolon(path: Path) -> Path:
    """'CSV (semicolon, decimal comma)' export."""
    t = times()
    acc = truth_acc_ms2(t)
    body = _rows([t, *acc.T], "{:.6f}", sep=";").replace(".", ",")
    return _write(path, '"Time (s)";"X (m/s^2)";"Y (m/s^2)";"Z (m/s^2)"\n' + body)


# ------------------------------------------------------------------------------------ Sensor Logger

_SL_EPOCH_NS = 1_700_000_000_000_000_000


def _sensorlogger_table(path: Path, t: Array, xyz: Array) -> Path:
    ns = (_SL_EPOCH_NS + np.round(t * 1e9)).astype(np.int64)
    lines = "".join(f"{n},{s:.9f},{z!r},{y!r},{x!r}\n" for n, s, (x, y, z) in zip(ns, t, xyz.tolist(), strict=True))
    return _write(path, "time,seconds_elapsed,z,y,x\n" + lines)


def sensorlogger_folder(folder: Path, platform: str = "android") -> Path:
    """Android: TotalAcceleration (with g) + Accelerometer (without) + Gyroscope; iOS:
    Accelerometer + Gravity with the iOS sign (a phone at rest reads -g up)."""
    t = times()
    acc = truth_acc_ms2(t)
    gravity = np.tile([0.0, 0.0, G], (t.size, 1))
    sign = -1.0 if platform == "ios" else 1.0
    sensors = "Accelerometer|Gyroscope|" + ("Gravity" if platform == "ios" else "TotalAcceleration")
    _write(
        folder / "Metadata.csv",
        "version,device name,recording epoch time,recording time,recording timezone,platform,appVersion,"
        f"device id,sensors,sampleRateMs\n3,TestPhone,1700000000000,2023-11-14_22-13-20,UTC,{platform},1.30.0,"
        f"abc,{sensors},10|10|10\n",
    )
    _sensorlogger_table(folder / "Accelerometer.csv", t, sign * (acc - gravity))
    _sensorlogger_table(folder / "Gyroscope.csv", t, np.radians(truth_gyr_dps(t)))
    if platform == "ios":
        _sensorlogger_table(folder / "Gravity.csv", t, sign * gravity)
    else:
        _sensorlogger_table(folder / "TotalAcceleration.csv", t, acc)
    (folder / "Annotation.csv").write_text("")
    return folder


def wrist_motion(folder: Path, platform: str = "ios", in_g: bool = True) -> Array:
    """Write Sensor Logger's ``WristMotion.csv`` (a paired watch) into ``folder`` with the real exports'
    columns; returns the watch's true specific force (m/s^2, +g up at rest) at its sample times.
    ``in_g``: gravity and user acceleration in g (iOS: CoreMotion's sign, -1 g up), else m/s^2 (the app's
    "Standardise Units & Frames": Android's sign)."""
    t = times(rate_hz=50.0)
    true = truth_acc_ms2(t) + np.array([1.0, 0.0, 0.0])
    gravity = np.tile([0.0, 0.0, G], (t.size, 1))
    user = true - gravity
    scale = (-1.0 if platform == "ios" else 1.0) / G if in_g else 1.0
    rate = np.radians(truth_gyr_dps(t)) * 0.5
    ns = (_SL_EPOCH_NS + np.round(t * 1e9)).astype(np.int64)
    header = (
        "time,seconds_elapsed,rotationRateX,rotationRateY,rotationRateZ,gravityX,gravityY,gravityZ,"
        "accelerationX,accelerationY,accelerationZ,quaternionW,quaternionX,quaternionY,quaternionZ,pitch,roll,yaw\n"
    )
    rows = "".join(
        f"{n},{s:.9f},{r[0]!r},{r[1]!r},{r[2]!r},{g[0]!r},{g[1]!r},{g[2]!r},{u[0]!r},{u[1]!r},{u[2]!r},1,0,0,0,0,0,0\n"
        for n, s, r, g, u in zip(ns, t, rate.tolist(), (gravity * scale).tolist(), (user * scale).tolist(), strict=True)
    )
    _write(folder / "WristMotion.csv", header + rows)
    return np.asarray(true)


def _csv_records(folder: Path) -> list[tuple[str, list[dict[str, str]]]]:
    """Each non-empty CSV table of a Sensor Logger folder as (sensor, rows of texts), Metadata last."""
    import csv

    tables = []
    for path in sorted(folder.glob("*.csv"), key=lambda p: (p.stem == "Metadata", p.stem)):
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        if rows:
            tables.append((path.stem, rows))
    return tables


def sensorlogger_json(path: Path, folder: Path, style: str = "compact") -> Path:
    """Sensor Logger's JSON export of the recording in ``folder``: one array of records, each a CSV row of one
    sensor with ``"sensor"`` first and every value the CSV's text (awesome-sensor-logger README "JSON").
    ``style``: ``compact`` (one line, as the app's 2022 exports), ``lines`` (a record a line, 2021) or
    ``indented`` (as the README shows it)."""
    import json

    records = [{"sensor": sensor, **row} for sensor, rows in _csv_records(folder) for row in rows]
    if style == "indented":
        text = json.dumps(records, indent=2)
    elif style == "lines":
        text = "[\n" + ",\n".join(json.dumps(r, separators=(",", ":")) for r in records) + "\n]\n"
    else:
        text = json.dumps(records, separators=(",", ":"))
    return _write(path, text)


def sensorlogger_sqlite(path: Path, folder: Path, typed: bool = True) -> Path:
    """Sensor Logger's SQLite export of the recording in ``folder``: a table per sensor with the CSV's
    columns; ``typed``: ``time`` INTEGER and the numbers REAL, else every value TEXT as in the CSV."""
    import sqlite3

    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    try:
        for sensor, rows in _csv_records(folder):
            columns = list(rows[0])
            text = not typed or sensor == "Metadata"
            kinds = {c: "TEXT" if text else "INTEGER" if c == "time" else "REAL" for c in columns}
            declared = ", ".join(f'"{c}" {kinds[c]}' for c in columns)
            connection.execute(f'CREATE TABLE "{sensor}" ({declared})')
            convert = {"INTEGER": int, "REAL": float, "TEXT": str}
            values = [[convert[kinds[c]](r[c]) for c in columns] for r in rows]
            marks = ", ".join("?" for _ in columns)
            connection.executemany(f'INSERT INTO "{sensor}" VALUES ({marks})', values)
        connection.commit()
    finally:
        connection.close()
    return path


# ------------------------------------------------------------------------------------------- Polar

_POLAR_EPOCH_NS = 700_000_000_000_000_000


def polar_pair(folder: Path, rate_hz: float = 52.0) -> Path:
    """Polar_Sense_..._ACC.txt (mg, integers) and _GYRO.txt (deg/s); returns the ACC file."""
    t = times(rate_hz)
    tg = times(rate_hz, start_s=-0.01, duration_s=DURATION_S + 0.05)
    acc_mg = np.round(truth_acc_ms2(t) / G * 1000).astype(int)
    gyr = truth_gyr_dps(tg)

    def body(tt: Array, values: list[list[float]] | list[list[int]]) -> str:
        ns = (_POLAR_EPOCH_NS + np.round(tt * 1e9)).astype(np.int64)
        return "".join(
            f"2023-11-14T22:13:{20 + s:06.3f};{n};{';'.join(str(v) for v in row)}\n"
            for n, s, row in zip(ns, tt - tt[0], values, strict=True)
        )

    stem = folder / "Polar_Sense_B5A6F928_20231114_221320"
    _write(
        Path(f"{stem}_GYRO.txt"),
        "Phone timestamp;sensor timestamp [ns];X [dps];Y [dps];Z [dps]\n" + body(tg, gyr.round(2).tolist()),
    )
    _write(
        Path(f"{stem}_MAGN.txt"),
        "Phone timestamp;sensor timestamp [ns];X [G];Y [G];Z [G]\n" + body(t, [[0.1, 0.2, 0.3]] * t.size),
    )
    return _write(
        Path(f"{stem}_ACC.txt"),
        "Phone timestamp;sensor timestamp [ns];X [mg];Y [mg];Z [mg]\n" + body(t, acc_mg.tolist()),
    )


# ----------------------------------------------------------------------------------------- MetaBase


def metabase_pair(folder: Path) -> Path:
    """MetaWear_..._Accelerometer_100.000Hz_1.4.5.csv (g) and the Gyroscope file (deg/s)."""
    epoch_ms = 1_659_731_173_153.0

    def write(sensor: str, tt: Array, values: Array, unit: str) -> Path:
        ms = np.round(epoch_ms + tt * 1000).astype(np.int64)
        lines = "".join(
            f"{m},2022-08-05T15.26.13.153,{s:.3f},{x:.4f},{y:.4f},{z:.4f}\n"
            for m, s, (x, y, z) in zip(ms, tt, values.tolist(), strict=True)
        )
        header = "epoc (ms),timestamp (-0500),elapsed (s)," + ",".join(f"{a}-axis ({unit})" for a in "xyz")
        name = f"MetaWear_2022-08-05T15.26.13.153_C4D5E6F7A8B9_{sensor}_100.000Hz_1.4.5.csv"
        return _write(folder / name, header + "\n" + lines)

    t = times()
    write("Gyroscope", t, truth_gyr_dps(t), "deg/s")
    return write("Accelerometer", t, truth_acc_ms2(t) / G, "g")


# ----------------------------------------------------------------------------------------- Movesense


def movesense_json(path: Path, rate_hz: float = 104.0, per_packet: int = 8, drop_packet: int | None = None) -> Path:
    """``{"Meas": {"IMU6": [packets]}}`` with jittered packet timestamps (ms of first sample)."""
    n_packets = int(DURATION_S * rate_hz) // per_packet
    rng = np.random.default_rng(3)
    packets = []
    for k in range(n_packets):
        tt = (k * per_packet + np.arange(per_packet)) / rate_hz
        acc = truth_acc_ms2(tt)
        gyr = truth_gyr_dps(tt)
        stamp = round(float(1000 * tt[0]) + 158_000 + int(rng.integers(0, 2)))
        if k == drop_packet:
            continue
        packets.append(
            {
                "ArrayAcc": [{"x": x, "y": y, "z": z} for x, y, z in acc.tolist()],
                "ArrayGyro": [{"x": x, "y": y, "z": z} for x, y, z in gyr.tolist()],
                "Timestamp": stamp,
            }
        )
    return _write(path, json.dumps({"Meas": {"IMU6": packets}}))


# ----------------------------------------------------------------------------------- Physics Toolbox


def physics_toolbox(path: Path, corrupt_rows: tuple[int, ...] = ()) -> Path:
    """Multi-record export ``time,gFx,gFy,gFz,wx,wy,wz``; ``corrupt_rows`` get the text 'Time'."""
    t = times()
    acc_g = truth_acc_ms2(t) / G
    gyr = np.radians(truth_gyr_dps(t))
    lines = _rows([t, *acc_g.T, *gyr.T], "{:.6f}").splitlines()
    for row in corrupt_rows:
        lines[row] = "Time," + lines[row].split(",", 1)[1]
    return _write(path, "time,gFx,gFy,gFz,wx,wy,wz\n" + "\n".join(lines) + "\n")


def physics_toolbox_linear(path: Path) -> Path:
    t = times()
    acc = truth_acc_ms2(t) - [0, 0, G]
    norm = np.linalg.norm(acc, axis=1)
    return _write(path, "time,ax (m/s^2),ay (m/s^2),az (m/s^2),aT (m/s^2)\n" + _rows([t, *acc.T, norm], "{:.4f}"))


# ----------------------------------------------------------------------------------------- GENEActiv


def geneactiv(path: Path, rate_hz: float = 50.0, newline: str = "\r\n") -> Path:
    """PC-software CSV: metadata header with NUL padding, CRLF line ends, g, local time GMT -04."""
    header = [
        "Device Type,GENEActiv           ",
        "Device Model,1.1                 ",
        "Device Unique Serial Code,046164",
        "",
        f"Measurement Frequency,{rate_hz:.1f} Hz",
        "Start Time,2019-08-06 10:25:45:000",
        "Device Location Code,right wrist",
        "Time Zone,GMT -04",
        "Subject Notes," + "\x00" * 20,
        "Sensor type,MEMS accelerometer x-axis",
        "Units,g                   ",
        "",
        "",
    ]
    t = times(rate_hz)
    acc_g = truth_acc_ms2(t) / G
    start = np.datetime64("2019-08-06T10:25:50.000")
    stamps = start + np.round(t * 1000).astype("timedelta64[ms]")
    rows = [
        f"{str(s).replace('T', ' ')[:19]}:{str(s)[20:23]},{x:.4f},{y:.4f},{z:.4f},0,0,31.6"
        for s, (x, y, z) in zip(stamps, acc_g.tolist(), strict=True)
    ]
    return _write(path, "\n".join(header + rows) + "\n", newline=newline)


#: A GENEActiv's calibration (``.bin`` header): g = (count * 100 - offset) / gain, per axis.
GENEACTIV_GAIN = (24949, 24936, 25168)
GENEACTIV_OFFSET = (-813, -1262, 492)
_HEX_DIGITS = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)


def geneactiv_counts(
    acc_g: Array, gain: tuple[float, ...] = GENEACTIV_GAIN, offset: tuple[float, ...] = GENEACTIV_OFFSET
) -> NDArray[np.int64]:
    """The 12-bit counts a GENEActiv calibrated with ``gain`` / ``offset`` records for ``acc_g`` (n, 3)."""
    counts = np.round((acc_g * np.array(gain) + np.array(offset)) / 100.0)
    return np.clip(counts, -2048, 2047).astype(np.int64)


def geneactiv_page_hex(counts: NDArray[np.int64], light: int = 37, button: int = 0) -> bytes:
    """The data line of pages (``counts``: (pages * 300, 3)): 12 hex digits a sample, x, y, z as 12-bit two's
    complement, light (10 bits), button (1 bit), 1 reserved bit; one line of 3600 digits a page, CRLF each."""
    word = (
        ((counts[:, 0] & 0xFFF) << 36)
        | ((counts[:, 1] & 0xFFF) << 24)
        | ((counts[:, 2] & 0xFFF) << 12)
        | ((light & 0x3FF) << 2)
        | ((button & 1) << 1)
    ).astype(np.uint64)
    nibbles = (word[:, None] >> np.arange(44, -1, -4, dtype=np.uint64)) & np.uint64(0xF)
    lines = _HEX_DIGITS[nibbles.astype(np.intp)].reshape(-1, 3600)
    return np.hstack([lines, np.tile(np.frombuffer(b"\r\n", dtype=np.uint8), (lines.shape[0], 1))]).tobytes()


def geneactiv_bin_header(
    rate_hz: float,
    pages: int,
    calibration: bool = True,
    gain: tuple[float, ...] = GENEACTIV_GAIN,
    offset: tuple[float, ...] = GENEACTIV_OFFSET,
) -> list[str]:
    """The text header of a GENEActiv ``.bin`` (the layout of a real one: sections of ``Key:Value`` lines)."""
    lines = [
        "Device Identity",
        "Device Unique Serial Code:046164",
        "Device Type:GENEActiv",
        "Device Model:1.1",
        "Device Firmware Version:Ver06.17 15June23",
        "Calibration Date:2017-11-23 11:45:28:000",
        "",
        "Device Capabilities",
        "Accelerometer Range:-8 to 8",
        "Accelerometer Resolution:0.0039",
        "Accelerometer Units:g",
        "Light Meter Range:0 to 20000",
        "Light Meter Resolution:3 to 48",
        "Light Meter Units:lux",
        "Temperature Sensor Range:0 to 70",
        "Temperature Sensor Resolution:0.1",
        "Temperature Sensor Units:deg. C",
        "",
        "Configuration Info",
        f"Measurement Frequency:{rate_hz:g} Hz",
        "Measurement Period:168 Hours",
        "Start Time:2019-08-06 10:25:45:000",
        "Time Zone:GMT -04:00",
        "",
        "Trial Info",
        "Study Centre:",
        "Study Code:",
        "Investigator ID:",
        "Exercise Type:",
        "Config Operator ID:",
        "Config Time:2019-08-06 10:25:22:456",
        "Config Notes:",
        "Extract Operator ID:",
        "Extract Time:2019-08-06 10:30:16:183",
        "Extract Notes:(device clock drift 0.019s)",
        "",
        "Subject Info",
        "Device Location Code:right wrist",
        "Subject Code:20190806",
        "Date of Birth:1900-01-01",
        "Sex:",
        "Height:",
        "Weight:",
        "Handedness Code:",
        "Subject Notes:",
        "",
    ]
    if calibration:
        lines += ["Calibration Data"]
        for axis, axis_gain, axis_offset in zip("xyz", gain, offset, strict=True):
            lines += [f"{axis} gain:{axis_gain:g}", f"{axis} offset:{axis_offset:g}"]
        lines += ["Volts:300", "Lux:800", ""]
    return [*lines, "Memory Status", f"Number of Pages:{pages}", ""]


def geneactiv_bin(
    path: Path,
    rate_hz: float = 75.0,
    pages: int = 2,
    skip_pages: tuple[int, ...] = (),
    calibration: bool = True,
    start: str = "2019-08-06T10:25:50.000",
) -> Path:
    """The device's own ``.bin`` (GENEActiv instruction manual, "Decoding .bin files"): the known motion from
    ``start`` (local time, GMT -04), ``pages`` pages of 300 samples, the pages in ``skip_pages`` not written (a
    gap: their sequence numbers and times missing, as when the device lost them)."""
    t = np.arange(pages * 300) / rate_hz
    first = np.datetime64(start)
    page_times = [first + np.timedelta64(round(page * 300 / rate_hz * 1000), "ms") for page in range(pages)]
    return write_geneactiv_bin(
        path,
        geneactiv_counts(truth_acc_ms2(t) / G),
        page_times,
        rate_hz,
        skip_pages=skip_pages,
        calibration=calibration,
    )


def write_geneactiv_bin(
    path: Path,
    counts: NDArray[np.int64],
    page_times: list[np.datetime64],
    rate_hz: float,
    gain: tuple[float, ...] = GENEACTIV_GAIN,
    offset: tuple[float, ...] = GENEACTIV_OFFSET,
    skip_pages: tuple[int, ...] = (),
    calibration: bool = True,
) -> Path:
    """A ``.bin`` of ``counts`` (pages * 300, 3), each page's first sample at its time in ``page_times`` (local
    wall clock), ``skip_pages`` left out."""
    pages = len(page_times)
    hex_lines = geneactiv_page_hex(counts)
    header = geneactiv_bin_header(rate_hz, pages - len(skip_pages), calibration, gain, offset)
    out = ["\r\n".join(header).encode() + b"\r\n"]
    for page in range(pages):
        if page in skip_pages:
            continue
        stamp = str(page_times[page].astype("datetime64[ms]"))
        head = [
            "Recorded Data",
            "Device Unique Serial Code:046164",
            f"Sequence Number:{page}",
            f"Page Time:{stamp[:10]} {stamp[11:19]}:{stamp[20:23]}",
            "Unassigned:",
            "Temperature:31.6",
            "Battery voltage:4.1400",
            "Device Status:Recording",
            f"Measurement Frequency:{rate_hz:.1f}",
        ]
        out.append("\r\n".join(head).encode() + b"\r\n" + hex_lines[page * 3602 : (page + 1) * 3602])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(out))
    return path


# ----------------------------------------------------------------------------------------- SensorLog


def sensorlog(path: Path, rate_hz: float = 50.0) -> Path:
    """SensorLog (iOS) wide CSV: raw acceleration in g with the iOS sign, gyro rad/s."""
    t = times(rate_hz, start_s=549978.0)
    acc_g = -truth_acc_ms2(t - t[0]) / G
    gyr = np.radians(truth_gyr_dps(t - t[0] - 0.001))
    header = (
        "loggingTime(txt),loggingSample(N),accelerometerTimestamp_sinceReboot(s),accelerometerAccelerationX(G),"
        "accelerometerAccelerationY(G),accelerometerAccelerationZ(G),gyroTimestamp_sinceReboot(s),"
        "gyroRotationX(rad/s),gyroRotationY(rad/s),gyroRotationZ(rad/s),deviceID(txt)"
    )
    lines = "".join(
        f"2025-04-07T09:06:18.052-07:00,{i},{s:.6f},{a[0]:.6f},{a[1]:.6f},{a[2]:.6f},{s - 0.001:.6f},"
        f"{g[0]:.6f},{g[1]:.6f},{g[2]:.6f},my_iOS_device\n"
        for i, (s, a, g) in enumerate(zip(t, acc_g.tolist(), gyr.tolist(), strict=True))
    )
    return _write(path, header + "\n" + lines)


# ------------------------------------------------------------------------------------ generic, native


def generic(path: Path) -> Path:
    """A logger nobody knows: ';' separated, time in ms, acceleration in mg, gyro rad/s."""
    t = times()
    acc = truth_acc_ms2(t) / G * 1000
    gyr = np.radians(truth_gyr_dps(t))
    return _write(path, "stamp_ms;ax;ay;az;gx;gy;gz\n" + _rows([t * 1000, *acc.T, *gyr.T], "{:.6f}", sep=";"))


def native(path: Path) -> Path:
    t = times()
    meta = SessionMeta(placement="shank", sample_rate_hz=RATE_HZ, side="left")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_session(Session(t_s=t, acc=truth_acc_ms2(t), gyr=truth_gyr_dps(t), meta=meta), path)
    return path


#: format name (or a name :func:`format_of` maps to one) -> writer of one representative export in tmp dir
#: (returns the path to import).
WRITERS: dict[str, Callable[[Path], Path]] = {
    "phyphox": lambda d: phyphox_folder(d / "phyphox") / "Accelerometer.csv",
    "sensorlogger": lambda d: sensorlogger_folder(d / "sl"),
    "polar_logger": lambda d: polar_pair(d / "polar"),
    "metabase": lambda d: metabase_pair(d / "metabase"),
    "movesense": lambda d: movesense_json(d / "MovesenseLog.json"),
    "physics_toolbox": lambda d: physics_toolbox(d / "ptss.csv"),
    "geneactiv": lambda d: geneactiv(d / "geneactiv.csv"),
    "geneactiv_bin": lambda d: geneactiv_bin(d / "geneactiv.bin"),
    "sensorlog": lambda d: sensorlog(d / "sensorlog.csv"),
    "generic_csv": lambda d: generic(d / "generic.csv"),
    "native": lambda d: native(d / "native.csv"),
}


#: Writers of a second export of a format, by name -> the format that reads it.
SECOND_EXPORTS = {"geneactiv_bin": "geneactiv"}


def format_of(name: str) -> str:
    """The format reading the export that ``WRITERS[name]`` writes."""
    return SECOND_EXPORTS.get(name, name)


# ------------------------------------------------------------------------ any table (generic reader)


@dataclass(frozen=True)
class TableSpec:
    """How an unknown app might write the known motion: the families the generic reader must read.

    ``time``: (column name, unit) with unit ``s``/``ms``/``us``/``ns``, ``epoch_ms``/``epoch_ns``,
    ``datetime`` or ``clock`` text; None = no time column (read with --rate). ``acc``: three
    column names (any order: the names carry the axis), ``acc_unit`` ``ms2``/``g``/``mg``;
    ``gravity``: ``included``, ``removed`` or ``stream`` (linear columns ``acc`` plus a gravity
    triplet ``gravity_names``). ``gyr``: three names or None, ``gyr_unit`` ``rads``/``dps``. ``blocks``:
    the gyroscope in a block of its own after a blank line; ``stream_label``: a first column
    ``Stream Type`` (``Accel``/``Gyro``) and a frame counter ``F#``, as RealSense writes.
    """

    time: tuple[str, str] | None = ("time", "s")
    acc: tuple[str, str, str] = ("x", "y", "z")
    acc_unit: str = "ms2"
    gravity: str = "included"
    gravity_names: tuple[str, str, str] = ("gravity.x", "gravity.y", "gravity.z")
    gyr: tuple[str, str, str] | None = None
    gyr_unit: str = "rads"
    sep: str = ","
    decimal: str = "."
    quote: bool = False
    header: bool = True
    preamble: tuple[str, ...] = ()
    blocks: bool = False
    gzip: bool = False
    extra_text_column: bool = False
    negate: bool = False
    stream_label: bool = False
    rate_hz: float = RATE_HZ


ACC_FACTOR = {"ms2": 1.0, "g": 1.0 / G, "mg": 1000.0 / G}
EPOCH_START_S = 1_700_000_000.0


def _time_text(spec: TableSpec, t: Array) -> list[str]:
    assert spec.time is not None
    unit = spec.time[1]
    if unit in ("datetime", "clock"):
        stamps = np.datetime64("2023-11-14T22:13:20.000") + np.round(t * 1000).astype("timedelta64[ms]")
        text = [str(s).replace("T", " ") for s in stamps]
        return [s[11:] for s in text] if unit == "clock" else text
    scale = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9, "epoch_ms": 1e3, "epoch_ns": 1e9}[unit]
    offset = EPOCH_START_S if unit.startswith("epoch") else 0.0
    if unit in ("ns", "epoch_ns", "us"):
        return [str(round(float(offset + x) * scale)) for x in t]
    return [repr(round(float(offset + x) * scale, 9)) for x in t]


def generic_table(path: Path, spec: TableSpec) -> Path:
    """Write the known motion as ``spec`` says; returns the path (``.gz`` appended when gzipped)."""
    t = times(spec.rate_hz)
    total = truth_acc_ms2(t)
    sign = -1.0 if spec.negate else 1.0
    acc = sign * (total - [0.0, 0.0, G] if spec.gravity in ("removed", "stream") else total) * ACC_FACTOR[spec.acc_unit]
    gravity = sign * np.tile([0.0, 0.0, G], (t.size, 1)) * ACC_FACTOR[spec.acc_unit]
    gyr = truth_gyr_dps(t) * (math.pi / 180 if spec.gyr_unit == "rads" else 1.0)

    def fmt(v: float) -> str:
        text = f"{v:.7g}"
        return text.replace(".", ",") if spec.decimal == "," else text

    columns: list[tuple[str, list[str]]] = []
    if spec.stream_label:
        columns += [("Stream Type", ["Accel"] * t.size), ("F#", [str(i) for i in range(t.size)])]
    if spec.time is not None:
        columns.append((spec.time[0], _time_text(spec, t)))
    if spec.extra_text_column:
        columns.append(("DeviceOrientation", ["1"] * t.size))

    def triplet(names: tuple[str, str, str], values: Array) -> list[tuple[str, list[str]]]:
        return [(n, [fmt(v) for v in values[:, i]]) for i, n in zip(_axes(names), names, strict=True)]

    columns += triplet(spec.acc, acc)
    if spec.gravity == "stream":
        columns += triplet(spec.gravity_names, gravity)
    gyro_columns = triplet(spec.gyr, gyr) if spec.gyr is not None else []
    if spec.gyr is not None and not spec.blocks:
        columns += gyro_columns
    text = "".join(line + "\n" for line in spec.preamble) + _table_text(spec, columns)
    if spec.blocks and gyro_columns:
        first = 2 if spec.stream_label else 0
        labels = [("Stream Type", ["Gyro"] * t.size), columns[1]] if spec.stream_label else []
        time_columns = columns[first : first + 1] if spec.time is not None else []
        text += "\n\n" + _table_text(spec, labels + time_columns + gyro_columns)
    data = text.encode("utf-8")
    if spec.gzip:
        import gzip

        path = path.with_name(path.name + ".gz")
        data = gzip.compress(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _axes(names: tuple[str, str, str]) -> list[int]:
    """Which axis each name carries: its last x/y/z letter (so ``z, y, x`` is written reordered)."""
    out = []
    for name in names:
        bare = name.lower().split("(")[0].split("[")[0].replace("axis", "")
        letters = [c for c in bare if c in "xyz"]
        out.append("xyz".index(letters[-1]))
    return out


def _table_text(spec: TableSpec, columns: list[tuple[str, list[str]]]) -> str:
    sep = spec.sep

    def cell(text: str) -> str:
        return f'"{text}"' if spec.quote or sep in text or (spec.decimal == "," and sep == ",") else text

    lines = [sep.join(cell(name) for name, _ in columns)] if spec.header else []
    rows = zip(*(values for _, values in columns), strict=True)
    lines += [sep.join(cell(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


#: The generic reader's families as fuzz seeds: headerless gzip, blocks, no time column, semicolons.
GENERIC_WRITERS: dict[str, Callable[[Path], Path]] = {
    "generic_noheader_gz": lambda d: generic_table(
        d / "phone.csv", TableSpec(time=("t", "ns"), header=False, gzip=True)
    ),
    "generic_blocks": lambda d: generic_table(
        d / "realsense.csv",
        TableSpec(
            time=("HW Timestamp (ms)", "ms"),
            acc=("3DOF_x", "3DOF_y", "3DOF_z"),
            gyr=("3DOF_x", "3DOF_y", "3DOF_z"),
            blocks=True,
            stream_label=True,
        ),
    ),
    "generic_coremotion": lambda d: generic_table(
        d / "motion.csv",
        TableSpec(
            time=None,
            acc=("userAcceleration.x", "userAcceleration.y", "userAcceleration.z"),
            acc_unit="g",
            gravity="stream",
            gyr=("rotationRate.x", "rotationRate.y", "rotationRate.z"),
            negate=True,
        ),
    ),
    "generic_semicolon": lambda d: generic_table(
        d / "ios.csv",
        TableSpec(
            time=("Timestamp", "epoch_ms"),
            acc=("AccelerationX", "AccelerationY", "AccelerationZ"),
            acc_unit="g",
            sep=";",
            decimal=",",
            extra_text_column=True,
        ),
    ),
}
