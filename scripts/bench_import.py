"""Import speed: our readers vs a bare ``pandas.read_csv`` of the same ~100 MB file.

GENEActiv CSV is the largest export users bring (a week on the wrist at 100 Hz is several GB), so
it sets the bar. The generic reader is timed on a ~100 MB table nobody described (``t,ax..gz``):
once finding everything out itself (layout, time unit, units, the row screen of ``limits``) and
once with the full column mapping given. Each file is written to /tmp (not kept), read once after
a warm-up read (page cache); MB/s of both sides and their ratio are printed. Goal: ratio within 2x.

    python scripts/bench_import.py [--mb 100] [--keep] [--which all|geneactiv|generic|geneactiv_bin|sensorlogger_json]

``geneactiv_bin`` writes the device's own .bin of about ``--mb`` MB (100 Hz, 300-sample pages; ~100 MB is a
day, a week ~750 MB) and prints the time to read it (best of two) and the peak resident memory of a fresh
process that only reads it (there is no pandas counterpart: the data are hex digits).

``sensorlogger_json`` writes ``--minutes`` (default 60) of a Sensor Logger recording at 100 Hz (Accelerometer,
Gravity, Gyroscope, Magnetometer, Orientation; the app's compact JSON export) and the same recording as its zip
export, and prints the time to read each (best of two) and the JSON's peak memory in a fresh process (IMPORT-18).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from retrogait.imports import load_recording

HEADER_LINES = 100
RATE_HZ = 100.0


def write_geneactiv(path: Path, target_mb: float, seed: int = 1) -> int:
    """A GENEActiv-layout CSV of about ``target_mb`` MB (walking-like signal in g); returns rows."""
    n = int(target_mb * 1e6 / 52)
    rng = np.random.default_rng(seed)
    t = np.arange(n) / RATE_HZ
    w = 2 * np.pi * 1.8
    x = 0.3 * np.sin(w * t) + rng.normal(0, 0.02, n)
    y = 1.0 + 0.5 * np.sin(2 * w * t) + rng.normal(0, 0.02, n)
    z = 0.2 * np.cos(w * t) + rng.normal(0, 0.02, n)
    stamps = np.datetime64("2024-05-01T08:00:00.000") + np.round(t * 1000).astype("timedelta64[ms]")
    text = np.datetime_as_string(stamps, unit="ms")
    text = np.char.replace(np.char.replace(text, "T", " "), ".", ":")
    frame = pd.DataFrame(
        {"t": text, "x": x.round(4), "y": y.round(4), "z": z.round(4), "lux": 0, "button": 0, "temp": 25.0}
    )
    header = [
        "Device Type,GENEActiv",
        "Device Model,1.1",
        "Device Unique Serial Code,012345",
        f"Measurement Frequency,{RATE_HZ:.1f} Hz",
        "Time Zone,GMT +00",
        "Units,g",
    ]
    header += [""] * (HEADER_LINES - len(header))
    with open(path, "w", newline="\r\n") as fh:
        fh.write("\n".join(header) + "\n")
    frame.to_csv(path, mode="a", header=False, index=False, lineterminator="\r\n", float_format="%.4f")
    return n


def write_generic(path: Path, target_mb: float, seed: int = 2) -> int:
    """A ``t,ax,ay,az,gx,gy,gz`` CSV of about ``target_mb`` MB (s, m/s^2 with gravity, deg/s); returns rows."""
    n = int(target_mb * 1e6 / 62)
    rng = np.random.default_rng(seed)
    t = np.arange(n) / RATE_HZ
    w = 2 * np.pi * 1.8
    columns = {
        "t": t,
        "ax": 2.0 * np.sin(w * t) + rng.normal(0, 0.1, n),
        "ay": 9.81 + 4.0 * np.sin(2 * w * t) + rng.normal(0, 0.1, n),
        "az": 1.5 * np.cos(w * t) + rng.normal(0, 0.1, n),
        "gx": 120 * np.sin(w * t),
        "gy": 40 * np.cos(w * t),
        "gz": 15 * np.sin(2 * w * t),
    }
    pd.DataFrame(columns).to_csv(path, index=False, float_format="%.5f")
    return n


MAPPING = {
    "time_column": "t",
    "time_unit": "s",
    "acc_columns": ("ax", "ay", "az"),
    "acc_unit": "ms2",
    "gyr_columns": ("gx", "gy", "gz"),
    "gyr_unit": "dps",
}


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def bench_generic(size: float) -> None:
    """The generic reader, inferring and mapped, against pandas on the same table."""
    from retrogait.imports import GenericCsvOptions

    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        path = Path(tmp) / "generic_bench.csv"
        rows = write_generic(path, size)
        size_mb = path.stat().st_size / 1e6

        def bare() -> None:
            pd.read_csv(path)

        def inferred() -> None:
            load_recording(path)

        def mapped() -> None:
            load_recording(path, generic=GenericCsvOptions(**MAPPING))  # type: ignore[arg-type]

        bare()
        t_bare = min(timed(bare) for _ in range(2))
        print(f"file: generic CSV t,ax..gz, {size_mb:.1f} MB, {rows} rows")
        print(f"pandas.read_csv: {t_bare:.2f} s = {size_mb / t_bare:.1f} MB/s")
        for label, fn in (("generic, mapped", mapped), ("generic, inferred", inferred)):
            try:
                t_ours = min(timed(fn) for _ in range(2))
            except Exception as exc:  # the inferred path does not exist before the generic reader
                print(f"retrogait {label}: n/a ({type(exc).__name__})")
                continue
            print(f"retrogait {label}: {t_ours:.2f} s = {size_mb / t_ours:.1f} MB/s, ratio {t_ours / t_bare:.2f}x")


def write_geneactiv_bin(path: Path, target_mb: float, seed: int = 3) -> int:
    """A GENEActiv .bin of about ``target_mb`` MB at 100 Hz (walking-like signal), written page block by page
    block (tests/import_samples.py's encoder, from the published layout); returns its samples."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import import_samples as samples

    pages = max(1, int(target_mb * 1e6 / 3820))  # 3602 hex bytes + ~220 bytes of page header
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-05-01T08:00:00.000")
    with open(path, "wb") as fh:
        fh.write("\r\n".join(samples.geneactiv_bin_header(RATE_HZ, pages)).encode() + b"\r\n")
        for first in range(0, pages, 1000):
            block = range(first, min(pages, first + 1000))
            t = np.arange(block.start * 300, block.stop * 300) / RATE_HZ
            w = 2 * np.pi * 1.8
            acc_g = np.column_stack(
                [0.3 * np.sin(w * t), 1.0 + 0.5 * np.sin(2 * w * t), 0.2 * np.cos(w * t)]
            ) + rng.normal(0, 0.02, (t.size, 3))
            lines = samples.geneactiv_page_hex(samples.geneactiv_counts(acc_g))
            for i, page in enumerate(block):
                stamp = str(start + np.timedelta64(page * 3000, "ms"))
                head = (
                    f"Recorded Data\r\nDevice Unique Serial Code:046164\r\nSequence Number:{page}\r\n"
                    f"Page Time:{stamp[:10]} {stamp[11:19]}:{stamp[20:23]}\r\nUnassigned:\r\nTemperature:31.6\r\n"
                    "Battery voltage:4.1400\r\nDevice Status:Recording\r\nMeasurement Frequency:100.0\r\n"
                )
                fh.write(head.encode() + lines[i * 3602 : (i + 1) * 3602])
    return pages * 300


#: Peak resident memory of a fresh process (VmHWM: ``ru_maxrss`` would carry over the parent's from the fork).
_PEAK_CHILD = (
    "import re, sys; from retrogait.imports import load_recording; load_recording(sys.argv[1]); "
    "print(int(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1)) / 1024)"
)


def bench_geneactiv_bin(size: float) -> None:
    """The .bin reader: seconds and peak memory to read a day-long (``--mb 100``) or longer file."""
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        path = Path(tmp) / "geneactiv_bench.bin"
        samples_n = write_geneactiv_bin(path, size)
        size_mb = path.stat().st_size / 1e6

        def ours() -> None:
            load_recording(path)

        ours()  # warm the page cache
        t_ours = min(timed(ours) for _ in range(2))
        child = subprocess.run([sys.executable, "-c", _PEAK_CHILD, str(path)], capture_output=True, text=True)
        peak = float(child.stdout.strip() or "nan")
        baseline = subprocess.run(
            [sys.executable, "-c", _PEAK_CHILD.replace("load_recording(sys.argv[1]); ", ""), str(path)],
            capture_output=True,
            text=True,
        )
        base = float(baseline.stdout.strip() or "nan")
        hours = samples_n / RATE_HZ / 3600
        print(f"file: GENEActiv .bin, {size_mb:.1f} MB, {samples_n} samples ({hours:.1f} h at {RATE_HZ:g} Hz)")
        rate = f"{size_mb / t_ours:.1f} MB/s = {samples_n / t_ours / 1e6:.2f} M samples/s"
        print(f"retrogait import: {t_ours:.2f} s = {rate}")
        print(
            f"peak memory of a process reading it: {peak:.0f} MB ({base:.0f} MB before reading: Python and libraries)"
        )


def write_sensorlogger(folder: Path, minutes: float, seed: int = 4) -> tuple[Path, Path, int]:
    """Sensor Logger's JSON and zip exports of one ``minutes``-long recording at 100 Hz; returns both and the
    samples per sensor."""
    import json
    import zipfile

    n = int(minutes * 60 * RATE_HZ)
    rng = np.random.default_rng(seed)
    t0 = 1_700_000_000_000_000_000
    ns = t0 + np.arange(n) * 10_000_000 + rng.integers(-20_000, 20_000, n)
    elapsed = [repr(float(e)) for e in (ns - t0) / 1e9]
    stamps = [str(int(v)) for v in ns]
    sensors = {
        "Accelerometer": "zyx",
        "Gravity": "zyx",
        "Gyroscope": "zyx",
        "Magnetometer": "zyx",
        "Orientation": ("yaw", "qx", "qz", "roll", "qw", "qy", "pitch"),
    }
    records: list[str] = []
    tables: dict[str, str] = {}
    for name, keys in sensors.items():
        values = rng.normal(size=(n, len(keys)))
        if name == "Gravity":
            values[:, 0] -= 9.80665  # iOS sign: z down at rest
        text = [[repr(float(v)) for v in row] for row in values]
        rows = [
            dict(zip(("time", "seconds_elapsed", *keys), (s, e, *r), strict=True))
            for s, e, r in zip(stamps, elapsed, text, strict=True)
        ]
        records += [json.dumps({"sensor": name, **r}, separators=(",", ":")) for r in rows]
        tables[f"{name}.csv"] = (
            ",".join(("time", "seconds_elapsed", *keys))
            + "\n"
            + "".join(",".join((s, e, *r)) + "\n" for s, e, r in zip(stamps, elapsed, text, strict=True))
        )
    meta = {"version": "3", "device name": "iPhone", "platform": "ios", "appVersion": "1.30.0"}
    records.append(json.dumps({"sensor": "Metadata", **meta}, separators=(",", ":")))
    tables["Metadata.csv"] = ",".join(meta) + "\n" + ",".join(meta.values()) + "\n"
    json_path, zip_path = folder / "run.json", folder / "run.zip"
    json_path.write_text("[" + ",".join(records) + "]")
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in tables.items():
            archive.writestr(name, text)
    return json_path, zip_path, n


def bench_sensorlogger_json(minutes: float) -> None:
    """Sensor Logger's JSON export against its zip export of the same recording: seconds to read each."""
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        json_path, zip_path, n = write_sensorlogger(Path(tmp), minutes)
        times = {}
        for path in (json_path, zip_path):

            def ours(path: Path = path) -> None:
                load_recording(path)

            ours()  # warm the page cache
            times[path.suffix] = min(timed(ours) for _ in range(2))
        child = subprocess.run([sys.executable, "-c", _PEAK_CHILD, str(json_path)], capture_output=True, text=True)
        size_mb = json_path.stat().st_size / 1e6
        print(f"file: Sensor Logger JSON export, {size_mb:.0f} MB, {minutes:g} min at {RATE_HZ:g} Hz, 5 sensors x {n}")
        print(f"retrogait import: JSON {times['.json']:.2f} s, the zip export of the same {times['.zip']:.2f} s")
        print(f"peak memory of a process reading the JSON: {float(child.stdout.strip() or 'nan'):.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100.0, help="size of the test file (MB)")
    parser.add_argument("--keep", action="store_true", help="keep the file in /tmp")
    parser.add_argument(
        "--which", choices=("all", "geneactiv", "generic", "geneactiv_bin", "sensorlogger_json"), default="all"
    )
    parser.add_argument("--minutes", type=float, default=60.0, help="length of the Sensor Logger recording (min)")
    args = parser.parse_args()
    if args.which in ("all", "sensorlogger_json"):
        bench_sensorlogger_json(args.minutes)
    if args.which == "sensorlogger_json":
        return
    if args.which in ("all", "geneactiv_bin"):
        bench_geneactiv_bin(args.mb)
    if args.which == "geneactiv_bin":
        return
    if args.which in ("all", "generic"):
        bench_generic(args.mb)
    if args.which == "generic":
        return
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        path = Path(tmp) / "geneactiv_bench.csv"
        rows = write_geneactiv(path, args.mb)
        size_mb = path.stat().st_size / 1e6

        def bare() -> None:
            pd.read_csv(path, skiprows=HEADER_LINES, header=None)

        def ours() -> None:
            load_recording(path, "geneactiv")

        bare()  # warm the page cache
        t_bare = min(timed(bare) for _ in range(2))
        t_ours = min(timed(ours) for _ in range(2))
        print(f"file: GENEActiv CSV, {size_mb:.1f} MB, {rows} rows")
        print(f"pandas.read_csv: {t_bare:.2f} s = {size_mb / t_bare:.1f} MB/s")
        print(f"retrogait import: {t_ours:.2f} s = {size_mb / t_ours:.1f} MB/s")
        print(f"ratio (ours / pandas time): {t_ours / t_bare:.2f}x (goal <= 2x)")
        if args.keep:
            kept = Path("/tmp") / path.name
            path.replace(kept)
            print(f"kept {kept}")


if __name__ == "__main__":
    main()
