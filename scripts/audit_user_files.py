"""The files users actually hand over (EDGE-115 on): variants of the real exports in ../shared/data built the way a
user's programs change them, each read and analysed, and compared with the original.

Variants: the same app in another locale (decimal comma and `;`, phyphox names in 7 languages, Windows-1252), saved
again by a spreadsheet (CRLF, BOM, quotes, Excel's General numbers: a 19-digit ns stamp as `1.70081E+18`, trailing
empty columns and rows, extra columns), zipped, gzipped, renamed, two exports joined, Sensor Logger with extra or
only some sensors, time in s instead of ns, a GENEActiv CSV cut mid-line or of its header only, a table whose line
ends were lost, a clock that jumps days. For each: `load_recording` in this process (samples against the
original's: t and acc within 1e-5, the gyroscope's presence and values, gravity), then `retrogait info` and
`retrogait analyze` (steps and cadence against the original's); a variant that must be refused must be refused in
one line, never with a traceback. Prints one line per variant (OK/BAD, what differs, the refusal or the analysis:
steps, cadence spm, rate Hz) and the count of BAD.

    RETROGAIT_SHARED_DATA=/work/shared/data .venv/bin/python scripts/audit_user_files.py [--out DIR] [NAME ...]

The variants are written to --out (default: a temporary folder), never into the repository.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from retrogait.errors import RetrogaitError
from retrogait.imports import load_recording

DATA = Path(os.environ.get("RETROGAIT_SHARED_DATA", "../shared/data"))


def excel_num(s: str) -> str:
    """A number as Excel's General format writes it to CSV (up to 11 characters shown)."""
    s = s.strip().strip('"')
    try:
        v = float(s)
    except ValueError:
        return s
    if v == 0:
        return "0"
    if abs(v) >= 1e11 or abs(v) < 1e-9:  # 11 characters wide: General turns to 1.23457E+12
        m = f"{v:.5E}"
        mant, exp = m.split("E")
        mant = mant.rstrip("0").rstrip(".")
        e = int(exp)
        return f"{mant}E{'+' if e >= 0 else '-'}{abs(e):02d}"
    g = f"{v:.10g}" if abs(v) >= 1 else f"{v:.9g}"
    if "e" in g:  # Excel shows small numbers in fixed notation up to 11 chars
        g = f"{v:.10f}".rstrip("0").rstrip(".")
    return g


def workbook_of(folder: Path, table: Path) -> Path:
    """``table`` (a CSV) opened in Excel and saved as ``folder/STEM.xlsx``: one sheet named after the file, numbers
    as doubles (tests/import_samples.py writes the workbook)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import import_samples

    folder.mkdir(parents=True, exist_ok=True)
    rows = import_samples._csv_rows(table)
    return import_samples.xlsx_workbook(folder / f"{table.stem}.xlsx", [(table.stem, rows)])


def rows(t: str, sep: str = ",") -> list[list[str]]:
    return [line.split(sep) for line in t.splitlines()]


def join(rs: list[list[str]], sep: str, eol: str = "\n") -> str:
    return eol.join(sep.join(r) for r in rs) + eol


def text(p: Path) -> str:
    return p.read_bytes().decode("utf-8")


def build(OUT: Path) -> list[dict[str, Any]]:
    """Write every variant into ``OUT``; one dict per variant: name, path, ref (the original, ``#tag``: compare
    only a prefix, without or with the gyroscope, or on another clock to 2 ms), kind, expect (same, refuse, analyze)."""
    CASES: list[dict[str, Any]] = []

    def case(name: str, path: Path, ref: str | None, kind: str, expect: str = "same") -> None:
        CASES.append({"name": name, "path": str(path), "ref": ref, "kind": kind, "expect": expect})

    def put(rel: str, data: str | bytes, encoding: str = "utf-8") -> Path:
        p = OUT / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
        return p

    D = DATA / "formats"
    P = DATA / "phone_positions"

    # ---------------- phyphox ----------------
    PH = D / "phyphox_lucadomene_gaitlab"
    acc, gyr = text(PH / "Accelerometer.csv"), text(PH / "Gyroscope.csv")
    ref_ph = str(PH / "Accelerometer.csv")
    CL = D / "phyphox_otatoYL_walk/data/ankle_walk(1).csv"
    cl = text(CL)
    ref_cl = str(CL)

    def decomma(t: str) -> str:
        """phyphox's 'CSV (Semicolon, decimal comma)' export."""
        out = []
        for line in t.splitlines():
            out.append(";".join(f.replace(".", ",") if not f.startswith('"') else f for f in line.split(",")))
        return "\n".join(out) + "\n"

    def pair(dirname: str, a: str, g: str | None, an: str = "Accelerometer.csv", gn: str = "Gyroscope.csv", **kw):
        pa = put(f"{dirname}/{an}", a, **kw)
        if g is not None:
            put(f"{dirname}/{gn}", g, **kw)
        return pa

    case("ph_semicolon_decimal_comma", pair("ph_semi", decomma(acc), decomma(gyr)), ref_ph, "locale")
    case("ph_tab", pair("ph_tab", acc.replace(",", "\t"), gyr.replace(",", "\t")), ref_ph, "locale")
    # translated headers (the experiment's names in the phone's language)
    for lang, tname, aname in [
        ("de", "Zeit (s)", "Beschleunigung {a} (m/s^2)"),
        ("fr", "Temps (s)", "Accélération {a} (m/s^2)"),
        ("es", "Tiempo (s)", "Aceleración {a} (m/s^2)"),
        ("it", "Tempo (s)", "Accelerazione {a} (m/s^2)"),
        ("pt", "Tempo (s)", "Aceleração {a} (m/s^2)"),
        ("nl", "Tijd (s)", "Versnelling {a} (m/s^2)"),
        ("pl", "Czas (s)", "Przyspieszenie {a} (m/s^2)"),
    ]:
        h = ",".join(f'"{n}"' for n in [tname, *(aname.format(a=a) for a in "xyz"), "Absolute acceleration (m/s^2)"])
        body = cl.split("\n", 1)[1]
        case(f"ph_classic_{lang}", put(f"ph_classic_{lang}/Linear Acceleration.csv", h + "\n" + body), ref_cl, "locale")
        hs = ",".join(f'"{n}"' for n in [tname, "X (m/s^2)", "Y (m/s^2)", "Z (m/s^2)"])
        hg = ",".join(f'"{n}"' for n in [tname, "X (rad/s)", "Y (rad/s)", "Z (rad/s)"])
        case(
            f"ph_sensor_{lang}",
            pair(f"ph_sensor_{lang}", hs + "\n" + acc.split("\n", 1)[1], hg + "\n" + gyr.split("\n", 1)[1]),
            ref_ph,
            "locale",
        )
        # the German export with decimal comma too
        if lang == "de":
            case(
                "ph_sensor_de_decimal_comma",
                pair(
                    "ph_sensor_de_dc",
                    decomma(hs + "\n" + acc.split("\n", 1)[1]),
                    decomma(hg + "\n" + gyr.split("\n", 1)[1]),
                ),
                ref_ph,
                "locale",
            )

    # Excel re-save: CRLF, BOM, quotes gone, General-format numbers, trailing empty columns/rows
    def excel(t: str, sep: str = ",", trailing_cols: int = 0, trailing_rows: int = 0, bom: bool = True) -> bytes:
        rs = rows(t)
        out = [[f.strip('"') for f in rs[0]] + [""] * trailing_cols]
        out += [[excel_num(f) for f in r] + [""] * trailing_cols for r in rs[1:] if r != [""]]
        width = len(out[0])
        out += [[""] * width for _ in range(trailing_rows)]
        s = join(out, sep, "\r\n")
        return (b"\xef\xbb\xbf" if bom else b"") + s.encode("utf-8")

    # Google Sheets' CSV download in a decimal-comma locale (LibreOffice the same with `,` between fields): `,` stays
    # the delimiter, each number with a fraction quoted with a decimal comma, General digits (EDGE-164)
    def gsheets(t: str) -> str:
        out = []
        for r in rows(t):
            if r == [""]:
                continue
            out.append(
                [
                    f'"{excel_num(f).replace(".", ",")}"' if re.fullmatch(r"-?\d*\.\d+([eE][+-]?\d+)?", f) else f
                    for f in r
                ]
            )
        return join(out, ",", "\r\n")

    case("ph_gsheets_dc", pair("ph_gsheets", gsheets(acc), gsheets(gyr)), ref_ph, "locale")
    case("ph_excel_resave", pair("ph_excel", excel(acc), excel(gyr)), ref_ph, "resave")
    case(
        "ph_excel_trailing",
        pair("ph_excel_tr", excel(acc, trailing_cols=2, trailing_rows=3), excel(gyr, trailing_cols=2, trailing_rows=3)),
        ref_ph,
        "resave",
    )
    case(
        "ph_classic_excel_trailing",
        put("ph_cl_excel/ankle_walk.csv", excel(cl, trailing_cols=1, trailing_rows=2)),
        ref_cl,
        "resave",
    )
    # German Excel / LibreOffice: ; and decimal comma, CRLF
    case(
        "ph_excel_de",
        pair(
            "ph_excel_de",
            excel(acc).decode().replace(",", ";").replace(".", ",").encode(),
            excel(gyr).decode().replace(",", ";").replace(".", ",").encode(),
        ),
        ref_ph,
        "resave",
    )

    # quoted numbers (LibreOffice "quote all text cells" / "as shown")
    def quote_all(t: str) -> str:
        rs = rows(t)
        return join([[f if f.startswith('"') else f'"{f}"' for f in r] for r in rs if r != [""]], ",")

    case("ph_quoted_numbers", pair("ph_quoted", quote_all(acc), quote_all(gyr)), ref_ph, "resave")

    # a sheet with extra columns (a user's added column: a label, a computed norm)
    def extra_cols(t: str) -> str:
        rs = rows(t)
        out = [rs[0] + ['"label"', '"norm"']]
        for r in rs[1:]:
            if r == [""]:
                continue
            x, y, z = (float(v) for v in r[1:4])
            out.append(r + ["walk", f"{(x * x + y * y + z * z) ** 0.5:.6f}"])
        return join(out, ",")

    case("ph_extra_columns", pair("ph_extra", extra_cols(acc), gyr), ref_ph, "resave")
    # LibreOffice: LF, no BOM, numbers with full precision, quotes only on header
    case("ph_libreoffice_crlf_nobom", pair("ph_lo", excel(acc, bom=False), excel(gyr, bom=False)), ref_ph, "resave")
    # container variants
    z = OUT / "ph_zip.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(PH / "Accelerometer.csv", "Accelerometer.csv")
        zf.write(PH / "Gyroscope.csv", "Gyroscope.csv")
    case("ph_zip_pair", z, ref_ph, "container")
    z = OUT / "ph_zip_folder.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(PH / "Accelerometer.csv", "Walk 2024-05-01 07-30-00/Accelerometer.csv")
        zf.write(PH / "Gyroscope.csv", "Walk 2024-05-01 07-30-00/Gyroscope.csv")
        zf.writestr("Walk 2024-05-01 07-30-00/meta/device.csv", '"property","value"\n"deviceModel","Pixel 7"\n')
        zf.writestr(
            "Walk 2024-05-01 07-30-00/meta/time.csv",
            '"event","experiment time","system time","system time text"\n'
            '"START",0.000000000E0,1.714548600E9,"2024-05-01 07:30:00.000 UTC+00:00"\n',
        )
        zf.writestr("__MACOSX/Walk 2024-05-01 07-30-00/._Accelerometer.csv", b"\x00\x05\x16\x07junk")
    case("ph_zip_folder_meta_macosx", z, ref_ph, "container")
    g = OUT / "ph_gz/Accelerometer.csv.gz"
    g.parent.mkdir()
    g.write_bytes(gzip.compress((PH / "Accelerometer.csv").read_bytes()))
    shutil.copy(PH / "Gyroscope.csv", g.parent / "Gyroscope.csv")
    case("ph_gz_acc_plain_gyro", g, ref_ph, "container")
    g2 = OUT / "ph_gz_both"
    g2.mkdir()
    (g2 / "Accelerometer.csv.gz").write_bytes(gzip.compress((PH / "Accelerometer.csv").read_bytes()))
    (g2 / "Gyroscope.csv.gz").write_bytes(gzip.compress((PH / "Gyroscope.csv").read_bytes()))
    case("ph_gz_both", g2 / "Accelerometer.csv.gz", ref_ph, "container")
    case("ph_renamed_txt", pair("ph_txt", acc, gyr, an="Accelerometer.txt", gn="Gyroscope.txt"), ref_ph, "container")
    case(
        "ph_uppercase_CSV", pair("ph_upper", acc, gyr, an="ACCELEROMETER.CSV", gn="GYROSCOPE.CSV"), ref_ph, "container"
    )
    case("ph_no_extension", put("ph_noext/Accelerometer", acc), ref_ph + "#nogyro", "container")
    case(
        "ph_copy_suffix",
        pair("ph_copy", acc, gyr, an="Accelerometer (1).csv", gn="Gyroscope (1).csv"),
        ref_ph,
        "container",
    )
    case("ph_folder", OUT / "ph_semi", ref_ph, "container")
    # gyroscope-only experiment
    case("ph_gyro_only", put("ph_gyro_only/Gyroscope.csv", gyr), None, "partial", expect="refuse")
    case("ph_gyro_only_folder", OUT / "ph_gyro_only", None, "partial", expect="refuse")
    # "Acceleration without g" per-sensor export is "Linear Accelerometer.csv"
    case(
        "ph_linear_sensor_file",
        put(
            "ph_lin/Linear Accelerometer.csv",
            cl.split("\n", 1)[0]
            .replace("Linear Acceleration ", "")
            .replace(" x", " X")
            .replace(" y", " Y")
            .replace(" z", " Z")
            + "\n"
            + cl.split("\n", 1)[1],
        ),
        None,
        "partial",
    )
    # two exports concatenated: time restarts at 0
    case(
        "ph_concat_restart",
        put("ph_concat/Accelerometer.csv", acc + acc.split("\n", 1)[1]),
        None,
        "concat",
        expect="refuse",
    )
    case("ph_concat_header_repeated", put("ph_concat_h/Accelerometer.csv", acc + acc), None, "concat", expect="refuse")
    # phyphox "Raw Data.csv" name of the classic export with g
    rawh = '"Time (s)",' + (
        '"Acceleration x (m/s^2)","Acceleration y (m/s^2)","Acceleration z (m/s^2)","Absolute acceleration (m/s^2)"'
    )
    raw_body = []
    for line in acc.splitlines()[1:]:
        f = line.split(",")
        x, y, zz = (float(v) for v in f[1:4])
        raw_body.append(line + f",{(x * x + y * y + zz * zz) ** 0.5:.9E}")
    case(
        "ph_raw_data_classic",
        put("ph_raw/Raw Data.csv", rawh + "\n" + "\n".join(raw_body) + "\n"),
        ref_ph + "#nogyro",
        "partial",
    )
    # only header
    case(
        "ph_header_only", put("ph_hdr/Accelerometer.csv", acc.split("\n", 1)[0] + "\n"), None, "broken", expect="refuse"
    )
    # sorted by the x column in a spreadsheet: refused as rows out of order, not as two recordings (EDGE-165); put back
    # in the order of its time, a steady clock once sorted (EDGE-177)
    acc_rows = acc.splitlines()
    by_x = sorted((r for r in acc_rows[1:] if r), key=lambda r: float(r.split(",")[1]))
    case("ph_sorted_by_x", pair("ph_sorted", "\n".join([acc_rows[0], *by_x]) + "\n", gyr), ref_ph, "order")
    case("ph_header_only_gyro", pair("ph_hdr_gyro", acc, gyr.split("\n", 1)[0] + "\n"), ref_ph + "#nogyro", "broken")
    # non-UTF-8: Windows-1252 with ² and translated names
    h1252 = '"Zeit (s)";"Beschleunigung x (m/s²)";"Beschleunigung y (m/s²)";"Beschleunigung z (m/s²)"'
    h1252 += ';"Betrag der Beschleunigung (m/s²)"'
    case(
        "ph_classic_cp1252",
        put("ph_cp1252/Linear Acceleration.csv", h1252 + "\n" + decomma(cl).split("\n", 1)[1], encoding="cp1252"),
        ref_cl,
        "encoding",
    )
    # ---------------- Sensor Logger ----------------
    SLA = D / "sensorlogger_android_malimsZen"
    SLI = D / "sensorlogger_ios_BennyJHui"
    ref_sla = str(SLA / "TotalAcceleration.csv")
    ref_sli = str(SLI / "Accelerometer.csv")

    def sl_folder(name: str, src: Path, files: dict[str, str | bytes | None], keep: list[str] | None = None) -> Path:
        d = OUT / name
        d.mkdir(parents=True)
        for p in src.iterdir():
            if p.suffix == ".csv" and (keep is None or p.name in keep):
                shutil.copy(p, d / p.name)
        for fn, data in files.items():
            if data is not None:
                (d / fn).write_bytes(data if isinstance(data, bytes) else data.encode())
        return d

    ta = text(SLA / "TotalAcceleration.csv")

    def derived(t: str, fn) -> str:
        rs = rows(t)
        out = [rs[0]]
        for r in rs[1:]:
            if r == [""]:
                continue
            out.append(r[:2] + [repr(fn(float(v), i)) for i, v in enumerate(r[2:5])])
        return join(out, ",")

    grav = derived(ta, lambda v, i: v * 0.98)
    gyro_a = derived(ta, lambda v, i: 0.01 * (i + 1))
    orient_rows = ["time,seconds_elapsed,qz,qy,qx,qw,roll,pitch,yaw"] + [
        ",".join(r[:2] + ["0.1", "0.2", "0.3", "0.927", "0.5", "0.2", "1.0"]) for r in rows(ta)[1:] if r != [""]
    ]
    orient = "\n".join(orient_rows) + "\n"
    case(
        "sl_android_extra_sensors",
        sl_folder(
            "sl_extra",
            SLA,
            {
                "Gravity.csv": grav,
                "Gyroscope.csv": gyro_a,
                "GyroscopeUncalibrated.csv": gyro_a,
                "Orientation.csv": orient,
                "Magnetometer.csv": grav,
                "Barometer.csv": "time,seconds_elapsed,relativeAltitude,pressure\n1700810754682863000,0.05,0,1013.2\n",
            },
        ),
        ref_sla + "#gyro",
        "sensors",
    )
    case(
        "sl_android_only_total",
        sl_folder("sl_only_total", SLA, {}, keep=["TotalAcceleration.csv", "Metadata.csv"]),
        ref_sla,
        "sensors",
    )
    case(
        "sl_android_no_metadata",
        sl_folder("sl_nometa", SLA, {}, keep=["TotalAcceleration.csv", "Accelerometer.csv"]),
        ref_sla,
        "sensors",
    )
    case(
        "sl_android_uncal_only",
        sl_folder("sl_uncal", SLA, {}, keep=["AccelerometerUncalibrated.csv", "Metadata.csv"]),
        None,
        "sensors",
    )
    case(
        "sl_android_acc_gravity",
        sl_folder(
            "sl_acc_grav", SLA, {"Gravity.csv": derived(ta, lambda v, i: v)}, keep=["Accelerometer.csv", "Metadata.csv"]
        ),
        None,
        "sensors",
    )
    case("sl_android_file_in_folder", OUT / "sl_extra" / "Orientation.csv", None, "sensors", expect="refuse")
    case("sl_ios_folder", sl_folder("sl_ios", SLI, {}), ref_sli, "sensors")
    # zip with the folder name, and zip with __MACOSX
    z = OUT / "sl_android.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in SLA.glob("*.csv"):
            zf.write(p, f"2023-11-24_07-25-54/{p.name}")
        zf.writestr("__MACOSX/2023-11-24_07-25-54/._TotalAcceleration.csv", b"\x00\x05\x16\x07")
    case("sl_zip_folder_macosx", z, ref_sla, "container")

    # Excel re-save of the Sensor Logger table: the ns time becomes 1.70081E+18
    def sl_excel(t: str) -> bytes:
        return excel(t)

    case(
        "sl_excel_resave_total_only",
        sl_folder("sl_excel", SLA, {"TotalAcceleration.csv": sl_excel(ta)}, keep=["Metadata.csv"])
        / "TotalAcceleration.csv",
        ref_sla,
        "resave",
    )
    case(
        "sl_ios_excel_resave",
        sl_folder(
            "sl_ios_excel",
            SLI,
            {
                "Accelerometer.csv": sl_excel(text(SLI / "Accelerometer.csv")),
                "Gyroscope.csv": sl_excel(text(SLI / "Gyroscope.csv")),
            },
        )
        / "Accelerometer.csv",
        ref_sli,
        "resave",
    )

    # the same in a decimal-comma locale (`;`, `0,5`, `1,7E+18`): the iOS table (gravity removed) was refused as a
    # generic table without gravity, the Android one read without the app's metadata (EDGE-163)
    def excel_de(t: str) -> bytes:
        return excel(t).decode("utf-8-sig").replace(",", ";").replace(".", ",").encode("utf-8")

    case(
        "sl_ios_excel_de",
        sl_folder(
            "sl_ios_excel_de",
            SLI,
            {n: excel_de(text(SLI / n)) for n in ("Accelerometer.csv", "Gyroscope.csv")},
        )
        / "Accelerometer.csv",
        ref_sli,
        "resave",
    )
    case(
        "sl_android_excel_de",
        sl_folder("sl_excel_de", SLA, {"TotalAcceleration.csv": excel_de(ta)}, keep=["Metadata.csv"]),
        ref_sla,
        "resave",
    )

    case(
        "sl_ios_gsheets_dc",
        sl_folder(
            "sl_ios_gsheets",
            SLI,
            {n: gsheets(text(SLI / n)) for n in ("Accelerometer.csv", "Gyroscope.csv")},
        )
        / "Accelerometer.csv",
        ref_sli,
        "locale",
    )

    # Accelerometer.csv saved again as an Excel workbook beside the export's other files (EDGE-168)
    sl_book = sl_folder("sl_ios_xlsx", SLI, {}, keep=["Gyroscope.csv"])
    case("sl_ios_xlsx", workbook_of(sl_book, SLI / "Accelerometer.csv"), ref_sli, "resave")

    # time in seconds instead of ns (another logger's Sensor-Logger-like table)
    def sl_time_s(t: str) -> str:
        rs = rows(t)
        out = [rs[0]]
        for r in rs[1:]:
            if r == [""]:
                continue
            out.append([f"{int(r[0]) / 1e9:.6f}"] + r[1:])
        return join(out, ",")

    case(
        "sl_time_epoch_s",
        sl_folder("sl_time_s", SLA, {"TotalAcceleration.csv": sl_time_s(ta)}, keep=["Metadata.csv"])
        / "TotalAcceleration.csv",
        ref_sla,
        "timeunit",
    )
    # two recordings appended (app restarted)
    case(
        "sl_concat_restart",
        sl_folder("sl_concat", SLA, {"TotalAcceleration.csv": ta + ta.split("\n", 1)[1]}, keep=["Metadata.csv"])
        / "TotalAcceleration.csv",
        None,
        "concat",
        expect="refuse",
    )
    # ---------------- GENEActiv ----------------
    GA = D / "geneactiv_gaitpy/demo_data.csv"
    ga = GA.read_bytes()
    ref_ga = str(GA)
    cut = ga[: len(ga) // 2]
    cut = cut[: cut.rfind(b",") + 3]
    case("ga_cut_mid_line", put("ga_cut/demo_data.csv", cut), ref_ga + "#prefix", "broken")
    case("ga_lf", put("ga_lf/demo_data.csv", ga.replace(b"\r\n", b"\n").replace(b"\r", b"\n")), ref_ga, "resave")
    case("ga_crlf", put("ga_crlf/demo_data.csv", ga.replace(b"\r\n", b"\n").replace(b"\r", b"\r\n")), ref_ga, "resave")
    case("ga_gsheets_dc", put("ga_gsheets/demo_data.csv", gsheets(ga.decode("latin-1"))), ref_ga, "locale")

    lines = ga.replace(b"\r\n", b"\r").split(b"\r")
    data_start = next(i for i, ln in enumerate(lines) if ln[:2] == b"20" and ln[4:5] == b"-")
    case(
        "ga_header_only",
        put("ga_hdr/demo_data.csv", b"\r".join(lines[:data_start]) + b"\r"),
        None,
        "broken",
        expect="refuse",
    )
    lat = b"\r".join(ln.replace(b"Subject Notes,", "Subject Notes,Müller – Läufer ".encode("cp1252")) for ln in lines)
    case("ga_cp1252_header", put("ga_1252/demo_data.csv", lat), ref_ga, "encoding")
    # the rows in semicolon/decimal comma (a German Excel re-save)
    de_lines = []
    for i, ln in enumerate(lines):
        s = ln.decode("latin-1")
        if i >= data_start and s:
            f = s.split(",")
            s = ";".join([f[0]] + [v.replace(".", ",") for v in f[1:]])
        else:
            s = s.replace(",", ";", 1)
        de_lines.append(s)
    case(
        "ga_excel_de", put("ga_de/demo_data.csv", ("\ufeff" + "\r\n".join(de_lines)).encode("utf-8")), ref_ga, "resave"
    )
    z = OUT / "ga.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(GA, "demo_data.csv")
    case("ga_zip", z, ref_ga, "container")
    # ---------------- MetaWear ----------------
    MW = D / "metawear_chenliseu_lowerback/Accelerometer.csv"
    mw = text(MW)
    ref_mw = str(MW)
    case("mw_excel_resave", put("mw_excel/Accelerometer.csv", excel(mw)), ref_mw, "resave")
    case(
        "mw_excel_de",
        put(
            "mw_excel_de/Accelerometer.csv",
            excel(mw).decode("utf-8-sig").replace(",", ";").replace(".", ",").encode("utf-8"),
        ),
        ref_mw,
        "resave",
    )
    case("mw_gsheets_dc", put("mw_gsheets/Accelerometer.csv", gsheets(mw)), ref_mw, "locale")
    case(
        "mw_concat_restart",
        put("mw_concat/Accelerometer.csv", mw + mw.split("\n", 1)[1]),
        None,
        "concat",
        expect="refuse",
    )
    # ---------------- Polar ----------------
    PO = D / "polar_sensor_logger_biobss"
    ref_po = str(PO / "Polar_Sense_ACC.txt")
    po_acc, po_gyr = text(PO / "Polar_Sense_ACC.txt"), text(PO / "Polar_Sense_GYRO.txt")
    case(
        "po_crlf",
        pair(
            "po_crlf",
            po_acc.replace("\n", "\r\n"),
            po_gyr.replace("\n", "\r\n"),
            an="Polar_Sense_B5A6F928_20220425_113936_ACC.txt",
            gn="Polar_Sense_B5A6F928_20220425_113936_GYRO.txt",
        ),
        ref_po,
        "resave",
    )

    # opened in Excel and saved: a `.txt` is saved as tab-delimited text (General numbers: the ns stamps rounded, timed
    # by the phone's clock, EDGE-141); the generic reader took it and left the gyroscope out (EDGE-167)
    def po_tab(t: str) -> str:
        lines = t.splitlines()
        body = ["\t".join(excel_num(f) if i else f for i, f in enumerate(r.split(";"))) for r in lines[1:] if r]
        return "\r\n".join([lines[0].replace(";", "\t"), *body]) + "\r\n"

    case(
        "po_excel_tab_txt",
        pair("po_tab", po_tab(po_acc), po_tab(po_gyr), an="Polar_Sense_ACC.txt", gn="Polar_Sense_GYRO.txt"),
        ref_po + "#clock",
        "resave",
    )
    case("po_acc_only", pair("po_acc_only", po_acc, None, an="Polar_Sense_ACC.txt"), ref_po + "#nogyro", "partial")
    case(
        "po_csv_ext",
        pair("po_csv", po_acc, po_gyr, an="Polar_Sense_ACC.csv", gn="Polar_Sense_GYRO.csv"),
        ref_po,
        "container",
    )
    case(
        "po_excel_resave",
        pair(
            "po_excel",
            excel(po_acc.replace(";", ","), sep=";"),
            excel(po_gyr.replace(";", ","), sep=";"),
            an="Polar_Sense_ACC.txt",
            gn="Polar_Sense_GYRO.txt",
        ),
        ref_po + "#clock",  # refused before EDGE-141; now timed by the phone timestamp (ms, the phone's clock)
        "resave",
    )
    # ---------------- Movesense ----------------
    MS = D / "movesense_json_tjrantal/MovesenseLog_2_625.json"
    ref_ms = str(MS)
    doc = json.loads(MS.read_text())
    case("ms_pretty", put("ms_pretty/MovesenseLog.json", json.dumps(doc, indent=2)), ref_ms, "resave")
    case("ms_txt", put("ms_txt/MovesenseLog.txt", MS.read_text()), ref_ms, "container")
    case(
        "ms_crlf_bom",
        put("ms_bom/MovesenseLog.json", b"\xef\xbb\xbf" + json.dumps(doc, indent=1).replace("\n", "\r\n").encode()),
        ref_ms,
        "resave",
    )
    # ---------------- Physics Toolbox ----------------
    PT = D / "physicstoolbox_huy/ankle1_100.csv"
    pt = text(PT)
    ref_pt = str(PT)
    case("pt_semicolon_dc", put("pt_semi/ankle.csv", decomma(pt)), ref_pt, "locale")
    case("pt_excel", put("pt_excel/ankle.csv", excel(pt, trailing_cols=1)), ref_pt, "resave")
    case("pt_gsheets_dc", put("pt_gsheets/ankle.csv", gsheets(pt)), ref_pt, "locale")
    # saved again as an Excel workbook (one sheet named after the file): refused by the generic reader (EDGE-168)
    case("pt_xlsx", workbook_of(OUT / "pt_xlsx", PT), ref_pt, "resave")
    # ---------------- generic phone traces ----------------
    PP = P / "Pixel_Jamie_Hard_FrontPocket_1.accelerometer.csv.gz"
    pp = gzip.decompress(PP.read_bytes()).decode()
    ref_pp = str(PP)

    def retime(t: str, fn, fmt) -> str:
        out = []
        for line in t.splitlines():
            f = line.split(",")
            out.append(",".join([fmt(fn(int(f[0])))] + f[1:]))
        return "\n".join(out) + "\n"

    case("pp_plain", put("pp_plain/trace.csv", pp), ref_pp, "container")
    case("pp_time_s", put("pp_s/trace.csv", retime(pp, lambda n: n / 1e9, lambda v: f"{v:.6f}")), ref_pp, "timeunit")
    case("pp_time_ms", put("pp_ms/trace.csv", retime(pp, lambda n: n / 1e6, lambda v: f"{v:.3f}")), ref_pp, "timeunit")
    base = 1_700_000_000_000_000_000
    case("pp_time_epoch_ns", put("pp_ens/trace.csv", retime(pp, lambda n: base + n, str)), ref_pp, "timeunit")
    case(
        "pp_time_epoch_s",
        put("pp_es/trace.csv", retime(pp, lambda n: (base + n) / 1e9, lambda v: f"{v:.6f}")),
        ref_pp,
        "timeunit",
    )
    case(
        "pp_time_epoch_ms_float",
        put("pp_ems/trace.csv", retime(pp, lambda n: (base + n) / 1e6, lambda v: f"{v:.3f}")),
        ref_pp,
        "timeunit",
    )
    case(
        "pp_semicolon_dc",
        put(
            "pp_semi/trace.csv",
            "\n".join(";".join(f.replace(".", ",") for f in ln.split(",")) for ln in pp.splitlines()) + "\n",
        ),
        ref_pp,
        "locale",
    )
    case(
        "pp_header_de",
        put(
            "pp_de/trace.csv",
            "Zeitstempel (ns);Genauigkeit;Beschl. X (m/s²);Beschl. Y (m/s²);Beschl. Z (m/s²)\n"
            + "\n".join(";".join(f.replace(".", ",") for f in ln.split(",")) for ln in pp.splitlines())
            + "\n",
            encoding="cp1252",
        ),
        ref_pp,
        "locale",
    )
    case(
        "pp_one_huge_line",
        put("pp_oneline/trace.csv", pp.replace("\r\n", ",").replace("\n", ",")),
        None,
        "broken",
        expect="refuse",
    )
    # with a header naming the time, sorted by x: refused saying to sort the rows, not "read it with --rate" (EDGE-165);
    # put back in the order of its named time, as without a header (EDGE-177); its stamps cut to 10 ms (ties: the
    # order within a tie lost), refused saying to sort the rows by it
    pp_by_x = sorted(pp.splitlines(), key=lambda r: float(r.split(",")[2]))
    case(
        "pp_named_sorted_by_x",
        put("pp_sorted/trace.csv", "\n".join(["timestamp,accuracy,x,y,z", *pp_by_x]) + "\n"),
        ref_pp,
        "order",
    )
    pp_by_x_10ms = [f"{int(r.split(',', 1)[0]) // 10_000_000 * 10},{r.split(',', 1)[1]}" for r in pp_by_x]
    case(
        "pp_named_sorted_by_x_10ms",
        put("pp_sorted_10ms/trace.csv", "\n".join(["timestamp_ms,accuracy,x,y,z", *pp_by_x_10ms]) + "\n"),
        None,
        "order",
        expect="refuse",
    )
    case("pp_cr_only", put("pp_cr/trace.csv", pp.replace("\r\n", "\r").replace("\n", "\r")), ref_pp, "resave")
    case(
        "pp_leading_delimiter",
        put("pp_lead/trace.csv", "".join("," + ln + "\n" for ln in pp.splitlines())),
        ref_pp,
        "resave",
    )
    # saved again as Excel 97-2003's .xls and back: cut at its 65,536 rows (66,544 in the trace), said (EDGE-170)
    HAND = P / "Pixel_Jamie_Hard_InHand_1.accelerometer.csv.gz"
    hand = gzip.decompress(HAND.read_bytes()).decode().splitlines(True)
    case("pp_xls_row_limit", put("pp_xls/trace.csv", "".join(hand[:65_536])), str(HAND) + "#prefix", "broken")
    case("pp_cut_midline", put("pp_cut/trace.csv", pp[: len(pp) // 2 + 7]), ref_pp + "#prefix", "broken")

    case(
        "pp_concat_restart_s",
        put(
            "pp_concat/trace.csv",
            retime(pp, lambda n: n / 1e9, lambda v: f"{v:.6f}")
            + retime(pp, lambda n: n / 1e9 - 0.0, lambda v: f"{v:.6f}"),
        ),
        None,
        "concat",
        expect="refuse",
    )
    # the phone's local clock written as date-time text without a zone, across a daylight-saving change 60 s in
    # (spring: on 1 h at 02:00; autumn: back 1 h at 03:00): the hour taken out, the same samples (EDGE-151)
    first_ns = int(pp.split(",", 1)[0])

    def local_text(start: str, jump_s: float) -> Any:
        def text_of(n: int) -> str:
            s = (n - first_ns) / 1e9
            us = np.datetime64(start, "us") + np.timedelta64(round((s + (jump_s if s >= 60.0 else 0.0)) * 1e6), "us")
            return str(us).replace("T", " ")

        return text_of

    for name, start, jump in (("spring", "2026-03-29T01:59:00", 3600.0), ("autumn", "2026-10-25T02:59:00", -3600.0)):
        case(
            f"pp_local_dst_{name}",
            put(f"pp_dst_{name}/trace.csv", retime(pp, local_text(start, jump), str)),
            ref_pp,
            "timeunit",
        )
    # GENEActiv and MetaWear with the empty rows a spreadsheet leaves after the table
    case("ga_excel_empty_rows", put("ga_rows/demo_data.csv", ga + b",,,,,,\r" * 3), ref_ga, "resave")
    case("mw_excel_empty_rows", put("mw_rows/Accelerometer.csv", mw + ",,,,,\n" * 3), ref_mw, "resave")
    case("ms_trailing_newlines", put("ms_nl/MovesenseLog.json", MS.read_text() + "\n\n"), ref_ms, "resave")
    case("ga_two_joined", put("ga_two/demo_data.csv", ga + ga), None, "concat", expect="refuse")
    case("sl_json_like_named_csv", put("sl_weird/TotalAcceleration.txt", ta), ref_sla + "#nometa", "container")
    # the rows of a CRLF trace joined with commas: read as a table whose clock jumps 6.8 days (EDGE-116; not run on the
    # old code: its analysis took the machine's memory)
    case("pp_rows_joined_gap", put("pp_joined/trace.csv", pp.replace("\n", ",")), None, "gap", expect="analyze")
    # ---------------- stop 40: sorted without a header, cut short, saved again (EDGE-172..175) ----------------
    # the trace (no header) sorted by x or by |z|: put back in the order of its clock (EDGE-172)
    for name, key in (("x", lambda r: float(r.split(",")[2])), ("abs_z", lambda r: abs(float(r.split(",")[4])))):
        by = sorted(pp.splitlines(), key=key)
        case(
            f"pp_headerless_sorted_by_{name}", put(f"pp_sorted_{name}/trace.csv", "\n".join(by) + "\n"), ref_pp, "order"
        )

    # a zip or workbook whose download was interrupted: read up to the cut, said (EDGE-173)
    def cut_zip(name: str, members: list[tuple[str, Path]], cut_in: str) -> Path:
        """``members`` zipped, cut halfway through the member ``cut_in``."""
        z = OUT / f"{name}_whole.zip"
        with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
            for arcname, src in members:
                zf.write(src, arcname)
            info = zf.getinfo(cut_in)
        return put(f"{name}/{name}.zip", z.read_bytes()[: info.header_offset + 100 + info.compress_size // 2])

    sla_members = [(f"2023-11-24_07-25-54/{p.name}", p) for p in sorted(SLA.glob("*.csv"))]
    sl_cut = cut_zip("sl_zip_cut", sla_members, "2023-11-24_07-25-54/TotalAcceleration.csv")
    case("sl_zip_cut", sl_cut, ref_sla + "#prefix", "broken")
    ph_members = [("Accelerometer.csv", PH / "Accelerometer.csv"), ("Gyroscope.csv", PH / "Gyroscope.csv")]
    case("ph_zip_cut", cut_zip("ph_zip_cut", ph_members, "Accelerometer.csv"), ref_ph + "#prefix", "broken")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import import_samples

    ph_book_folder = OUT / "ph_book_src"
    ph_book_folder.mkdir(parents=True)
    for member in ("Accelerometer.csv", "Gyroscope.csv"):
        shutil.copy(PH / member, ph_book_folder / member)
    book = import_samples.phyphox_workbook(OUT / "ph_book_whole.xlsx", ph_book_folder, metadata=False).read_bytes()
    case("ph_xlsx_cut", put("ph_xlsx_cut/run.xlsx", book[: int(len(book) * 0.3)]), ref_ph + "#prefix", "broken")
    case("sl_zip_cut_in_header", put("sl_zip_head/export.zip", b"PK\x03\x04\x14\x00\x00\x00"), None, "broken", "refuse")

    # a retrogait session file saved again by a spreadsheet with `;` (and decimal commas): read (EDGE-174)
    from retrogait.session import write_session

    native = write_session(load_recording(ref_sla).session, OUT / "native" / "session.csv")
    lines = native.read_text().splitlines()
    width = max(len(line.split(",")) for line in lines)

    def semicolons(decimal_comma: bool) -> str:
        out = []
        for line in lines:
            cells = line.split(",")
            if decimal_comma and not line.startswith("#"):
                cells = [c.replace(".", ",") for c in cells]
            out.append(";".join(cells + [""] * (width - len(cells))))
        return "\r\n".join(out) + "\r\n"

    case("native_excel_de", put("native_de/session.csv", semicolons(True)), str(native), "locale")
    case("native_semicolon", put("native_semi/session.csv", semicolons(False)), str(native), "resave")

    # a Polar pair opened in Excel and saved as workbooks (one sheet each, named after the file): read as the text
    # pair, with its gyroscope (EDGE-175)
    def polar_book(table: Path) -> None:
        header, *body = table.read_text().splitlines()
        cells: list[list[object]] = [header.split(";")]
        cells += [[r.split(";")[0], *(float(v) for v in r.split(";")[1:])] for r in body if r]
        import_samples.xlsx_workbook(OUT / "po_xlsx" / f"{table.stem}.xlsx", [(table.stem[:31], cells)])

    polar_book(PO / "Polar_Sense_ACC.txt")
    polar_book(PO / "Polar_Sense_GYRO.txt")
    case("po_xlsx", OUT / "po_xlsx" / "Polar_Sense_ACC.xlsx", ref_po, "resave")

    # ---------------- stop 40: sorted with a header, quoted decimal commas, dates sorted (EDGE-177..179) ---------
    def sorted_by(t: str, sep: str, column: int) -> str:
        """A table's rows sorted by ``column`` (a spreadsheet's stable sort), its header first."""
        header, *body = t.splitlines()
        return "\n".join([header, *sorted((r for r in body if r), key=lambda r: float(r.split(sep)[column]))]) + "\n"

    # each app's export with its own time column sorted by x: put back in the order of its time (EDGE-177)
    sl_sorted = {n: sorted_by(text(SLA / n), ",", 4) for n in ("TotalAcceleration.csv", "Accelerometer.csv")}
    case("sl_sorted_by_x", sl_folder("sl_sorted", SLA, dict(sl_sorted)) / "TotalAcceleration.csv", ref_sla, "order")
    case(
        "po_sorted_by_x",
        pair(
            "po_sorted",
            sorted_by(po_acc, ";", 2),
            sorted_by(po_gyr, ";", 2),
            "Polar_Sense_ACC.txt",
            "Polar_Sense_GYRO.txt",
        ),
        ref_po,
        "order",
    )
    case("mw_sorted_by_x", put("mw_sorted/Accelerometer.csv", sorted_by(mw, ",", 3)), ref_mw, "order")

    # the trace without a header, its time as date-time text, sorted by x: put back in its order (EDGE-179); to the
    # whole second, the order within a second lost: refused naming the column
    def dated(n: int, width: int = 26) -> str:
        return str(np.datetime64("2026-05-01T10:00:00", "ns") + np.timedelta64(n - first_ns, "ns"))[:width]

    pp_rows = [r for r in pp.splitlines() if r]
    pp_dated = [dated(int(r.split(",", 1)[0])).replace("T", " ") + "," + r.split(",", 1)[1] for r in pp_rows]
    key = [float(r.split(",")[2]) for r in pp_rows]
    by_key = [pp_dated[i] for i in np.argsort(key, kind="stable")]
    case("pp_headerless_dates_sorted_by_x", put("pp_dates_sorted/trace.csv", "\n".join(by_key) + "\n"), ref_pp, "order")
    by_second = [r[:19] + r[r.index(",") :] for r in by_key]
    case(
        "pp_headerless_seconds_sorted_by_x",
        put("pp_seconds_sorted/trace.csv", "\n".join(by_second) + "\n"),
        None,
        "order",
        expect="refuse",
    )

    # a session file saved again with ',' between columns and its numbers quoted with a decimal comma (EDGE-178)
    def quoted_commas() -> str:
        out = []
        for line in lines:
            cells = line.split(",")
            if not line.startswith("#") and not line.startswith("t_s"):
                cells = [f'"{c.replace(".", ",")}"' if "." in c else c for c in cells]
            out.append(",".join(cells + [""] * (width - len(cells))))
        return "\r\n".join(out) + "\r\n"

    case("native_quoted_decimal_comma", put("native_qdc/session.csv", quoted_commas()), str(native), "locale")

    # ---------------- stop 41: rows newest first (EDGE-180) ---------
    def newest_first(t: str, header: bool = True, swap: int | None = None) -> str:
        """A table's rows written newest first, its header first; ``swap``: two rows swapped there (no clean
        reversal)."""
        lines = [r for r in t.splitlines() if r]
        head, body = (lines[:1], lines[1:]) if header else ([], lines)
        body = body[::-1]
        if swap is not None:
            body[swap], body[swap + 1] = body[swap + 1], body[swap]
        return "\n".join([*head, *body]) + "\n"

    # each app's tables newest first: put back by reversing them, the same samples and analysis (EDGE-180)
    case("ph_newest_first", pair("ph_newest", newest_first(acc), newest_first(gyr)), ref_ph, "order")
    sl_newest = {n: newest_first(text(SLA / n)) for n in ("TotalAcceleration.csv", "Accelerometer.csv")}
    case("sl_newest_first", sl_folder("sl_newest", SLA, dict(sl_newest)) / "TotalAcceleration.csv", ref_sla, "order")
    case(
        "po_newest_first",
        pair("po_newest", newest_first(po_acc), newest_first(po_gyr), "Polar_Sense_ACC.txt", "Polar_Sense_GYRO.txt"),
        ref_po,
        "order",
    )
    case("pp_headerless_newest_first", put("pp_newest/trace.csv", newest_first(pp, header=False)), ref_pp, "order")
    case(
        "pp_named_newest_first",
        put("pp_named_newest/trace.csv", "timestamp,accuracy,x,y,z\n" + newest_first(pp, header=False)),
        ref_pp,
        "order",
    )
    # two rows swapped in a newest-first table: not one clean reversal, refused in one line
    case(
        "ph_newest_first_rows_swapped",
        pair("ph_newest_swapped", newest_first(acc, swap=500), newest_first(gyr)),
        None,
        "order",
        expect="refuse",
    )
    return CASES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the variants (default: a temporary one)")
    parser.add_argument("only", nargs="*", help="variant names (default: all)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="retrogait_user_files_"))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cases = build(out / "v")
    ana = out / "ana"
    ana.mkdir()
    run(cases, args.only, ana)


def load(path: str) -> tuple[Any, str | None]:
    try:
        return load_recording(path).session, None
    except RetrogaitError as e:
        return None, f"REFUSED: {e}"
    except Exception:
        return None, "TRACEBACK: " + traceback.format_exc().strip().splitlines()[-1]


def analyze(path: str, out: Path) -> tuple[Any, subprocess.CompletedProcess[str]]:
    r = str(Path(sys.executable).with_name("retrogait"))
    p = subprocess.run([r, "analyze", path, "--out", str(out), "--no-report"], capture_output=True, text=True)
    if p.returncode != 0:
        return None, p
    s = json.loads((out / "summary.json").read_text())
    cadence = round((s["all"].get("cadence_spm") or {}).get("value") or 0, 3)
    return (s["all"].get("n_steps"), cadence, round(s["sample_rate_hz"], 3)), p


def run(CASES: list[dict[str, Any]], only: list[str], ANA: Path) -> None:
    R = str(Path(sys.executable).with_name("retrogait"))
    refs: dict[str, tuple[Any, Any]] = {}
    results = []

    results = []
    for c in CASES:
        if only and c["name"] not in only:
            continue
        if os.environ.get("BASE") and c["kind"] == "gap":
            continue
        name, path, ref = c["name"], c["path"], c["ref"]
        verdict = []
        sess, err = load(path)
        info = subprocess.run([R, "info", path], capture_output=True, text=True)
        if "Traceback" in info.stderr + info.stdout:
            verdict.append("info traceback")
        ana, proc = analyze(path, ANA / name)
        if "Traceback" in proc.stderr + proc.stdout:
            verdict.append("analyze traceback")
        msg = (err or "").replace("\n", " ")
        if c["expect"] == "refuse":
            if sess is not None:
                verdict.append(f"read, expected refusal ({sess.n_samples} samples)")
            elif err.startswith("TRACEBACK"):
                verdict.append(err)
        elif ref is not None:
            rpath, _, tag = ref.partition("#")
            if rpath not in refs:
                rs, _ = load(rpath)
                ra, _ = analyze(rpath, ANA / ("REF_" + Path(rpath).stem))
                refs[rpath] = (rs, ra)
            rs, ra = refs[rpath]
            if sess is None:
                verdict.append("not read: " + msg[:300])
            else:
                n = sess.n_samples
                if tag == "prefix":
                    ok = n <= rs.n_samples and n > 0.3 * rs.n_samples and np.allclose(sess.acc, rs.acc[:n], atol=1e-6)
                    if not ok:
                        verdict.append(f"prefix differs n={n}/{rs.n_samples}")
                else:
                    if n != rs.n_samples:
                        verdict.append(f"n {n} != {rs.n_samples}")
                    else:
                        dt = np.max(np.abs(sess.t_s - rs.t_s))
                        da = np.max(np.abs(sess.acc - rs.acc))
                        if dt > (2e-3 if tag == "clock" else 1e-5) or da > 1e-5:
                            verdict.append(f"values differ dt={dt:.3g} da={da:.3g}")
                        if tag != "nogyro" and tag != "gyro" and (sess.gyr is None) != (rs.gyr is None):
                            verdict.append(f"gyro {sess.gyr is not None} vs {rs.gyr is not None}")
                        if tag == "gyro" and sess.gyr is None:
                            verdict.append("gyro missing")
                        if sess.gyr is not None and rs.gyr is not None and tag not in ("gyro", "clock"):
                            dg = np.nanmax(np.abs(sess.gyr - rs.gyr))
                            if dg > 1e-4:
                                verdict.append(f"gyro differs {dg:.3g}")
                    if sess.meta.acc_gravity != rs.meta.acc_gravity:
                        verdict.append(f"gravity {sess.meta.acc_gravity} vs {rs.meta.acc_gravity}")
                    if tag not in ("prefix",) and ana is not None and ra is not None and ana[:2] != ra[:2]:
                        verdict.append(f"analysis {ana} vs {ra}")
        else:
            if sess is None and err and err.startswith("TRACEBACK"):
                verdict.append(err)
            if c["expect"] == "analyze" and ana is None:
                verdict.append("not analysed")
        if proc.returncode not in (0, 2):
            verdict.append(f"analyze exit {proc.returncode}")
        line = (proc.stderr.strip().splitlines() or [""])[-1] if proc.returncode else ""
        results.append(
            {
                "name": name,
                "ok": not verdict,
                "verdict": verdict,
                "msg": msg[:400],
                "analyze_err": line[:400],
                "ana": ana,
            }
        )
        print(
            ("OK  " if not verdict else "BAD ") + name,
            "|",
            "; ".join(verdict),
            "|",
            msg[:250] or (ana and str(ana)),
            flush=True,
        )
    print(sum(not r["ok"] for r in results), "bad of", len(results))


if __name__ == "__main__":
    main()
