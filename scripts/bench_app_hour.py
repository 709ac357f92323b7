"""App exports at an hour: ``retrogait analyze FILE --no-report`` against a bare ``pandas.read_csv`` of the same files.

Usage: python scripts/bench_app_hour.py [BASE_SRC] [--pairs 3] [--only NAME,...] [--data DIR] [--shared DIR]

Each real export in ``../shared/data/formats`` (and one phone_positions trace, the generic CSV reader's) is tiled
to about an hour (built once into ``--data``, never committed): its data rows repeated, EVERY time column of every
file of the export shifted by the same whole number of milliseconds per copy (the span of the first file plus one
median step), each time written back in the export's own text form (phyphox's ``2.810500002E-3``, Physics
Toolbox's fixed decimals, nanosecond integers, ISO or GENEActiv date-time text); the other columns, the header
lines, the line endings and the files that hold no samples (Metadata.csv, MARKER.txt) are kept as they are.
Without ``../shared`` the simulator's hour (seed 0, 200 Hz shank) is written as a phyphox-style single table and as
a phyphox folder (Accelerometer.csv + Gyroscope.csv on one clock).

Per format, in pairs whose order alternates: the whole ``retrogait analyze FILE --no-report`` process, a process
that only reads the same file(s) with ``pandas.read_csv`` (its bare columns: the reference of issue 16), and the
read phase alone (``load_input`` inside a process: a first call's wall, its lazy imports included, and a second
call's main-thread CPU, the read's own work). With BASE_SRC (the ``src`` of another tree, put first on PYTHONPATH)
the base's analyze and read join each pair. ``--simulated`` adds the simulated hour's two layouts to the real
exports (no real export holds acc and gyro beside one time column). Prints each format's medians and ratio (analyze /
pandas), with the machine's load.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from benchproc import RETROGAIT, _once, compile_package, load, python

HOUR_S = 3600.0
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class TimeColumn:
    """A time column of a data row: its field index and how it is written (see :func:`_writer`)."""

    index: int
    kind: str  # int_ns | int_ms | fixed | repr | phyphox | iso | metabase | geneactiv


@dataclass(frozen=True)
class Part:
    """One file of an export: where it comes from, its name in the tiled export, its time columns."""

    source: str  # relative to the formats folder
    name: str
    times: tuple[TimeColumn, ...] = ()  # none: copied as it is (Metadata.csv, MARKER.txt)
    sep: str = ","
    header_lines: int = 1  # lines before the first data row (GENEActiv: found, -1)
    pandas: dict[str, object] = field(default_factory=dict)  # the bare read's read_csv options


@dataclass(frozen=True)
class Export:
    """An app export: its files (the first one's clock sets the copies' shift) and what ``analyze`` is given."""

    name: str
    parts: tuple[Part, ...]
    folder: bool  # analyze the folder (else the first file)


_PHY_ACC = TimeColumn(0, "phyphox")
_SL = (TimeColumn(0, "int_ns"), TimeColumn(1, "repr"))
_POLAR = (TimeColumn(0, "iso"), TimeColumn(1, "int_ns"))

EXPORTS = (
    Export(
        "phyphox folder (acc+gyro files, 50 Hz)",
        (
            Part("phyphox_lucadomene_gaitlab/Accelerometer.csv", "Accelerometer.csv", (_PHY_ACC,)),
            Part("phyphox_lucadomene_gaitlab/Gyroscope.csv", "Gyroscope.csv", (_PHY_ACC,)),
        ),
        folder=True,
    ),
    Export(
        "phyphox single table (linear acc, 100 Hz)",
        (Part("phyphox_otatoYL_walk/data/ankle_walk(1).csv", "ankle_walk(1).csv", (_PHY_ACC,)),),
        folder=False,
    ),
    Export(
        "Physics Toolbox (linear acc, ~200 Hz irregular)",
        (Part("physicstoolbox_huy/ankle1_100.csv", "ankle1_100.csv", (TimeColumn(0, "fixed"),)),),
        folder=False,
    ),
    Export(
        "Sensor Logger iOS folder (acc, gyro, magn; 100 Hz)",
        tuple(
            Part(f"sensorlogger_ios_BennyJHui/{n}.csv", f"{n}.csv", _SL)
            for n in ("Accelerometer", "Gyroscope", "Magnetometer")
        ),
        folder=True,
    ),
    Export(
        "Sensor Logger Android folder (acc, total, uncal; 100 Hz)",
        (
            *(
                Part(f"sensorlogger_android_malimsZen/{n}.csv", f"{n}.csv", _SL)
                for n in ("TotalAcceleration", "Accelerometer", "AccelerometerUncalibrated")
            ),
            Part("sensorlogger_android_malimsZen/Metadata.csv", "Metadata.csv"),
            Part("sensorlogger_android_malimsZen/Annotation.csv", "Annotation.csv"),
        ),
        folder=True,
    ),
    Export(
        "Polar Sensor Logger (acc, gyro, magn, HR; 52 Hz)",
        (
            *(
                Part(f"polar_sensor_logger_biobss/Polar_Sense_{n}.txt", f"Polar_Sense_{n}.txt", _POLAR, sep=";")
                for n in ("ACC", "GYRO", "MAGN")
            ),
            Part(
                "polar_sensor_logger_biobss/Polar_Sense_HR.txt",
                "Polar_Sense_HR.txt",
                (TimeColumn(0, "iso"),),
                sep=";",
                pandas={"sep": ";"},
            ),
            Part("polar_sensor_logger_biobss/MARKER.txt", "MARKER.txt"),
        ),
        folder=True,
    ),
    Export(
        "MetaWear MetaBase (acc, 100 Hz)",
        (
            Part(
                "metawear_chenliseu_lowerback/Accelerometer.csv",
                "Accelerometer.csv",
                (TimeColumn(0, "int_ms"), TimeColumn(1, "metabase"), TimeColumn(2, "fixed")),
            ),
        ),
        folder=False,
    ),
    Export(
        "GENEActiv CSV (acc, 50 Hz, CR line ends)",
        (
            Part(
                "geneactiv_gaitpy/demo_data.csv",
                "demo_data.csv",
                (TimeColumn(0, "geneactiv"),),
                header_lines=-1,
            ),
        ),
        folder=False,
    ),
    Export(
        "generic CSV (phone_positions trace, ns, no header)",
        (
            Part(
                "../phone_positions/Pixel_Jamie_Hard_Armband_1.accelerometer.csv.gz",
                "Pixel_Jamie_Hard_Armband_1.accelerometer.csv",
                (TimeColumn(0, "int_ns"),),
                header_lines=0,
                pandas={"header": None},
            ),
        ),
        folder=False,
    ),
)


def _seconds(values: list[str], kind: str) -> np.ndarray:
    """The times of a column in s (any origin)."""
    if kind == "int_ns":
        return np.array(values, dtype=np.int64).astype(np.float64) / 1e9
    if kind == "int_ms":
        return np.array(values, dtype=np.int64).astype(np.float64) / 1e3
    if kind in ("fixed", "repr", "phyphox"):
        return np.array(values, dtype=np.float64)
    return _datetimes(values, kind).astype(np.int64).astype(np.float64) / 1e3


_DATETIME_FORMATS = {
    "iso": "%Y-%m-%dT%H:%M:%S.%f",
    "metabase": "%Y-%m-%dT%H.%M.%S.%f",
    "geneactiv": "%Y-%m-%d %H:%M:%S:%f",
}


def _datetimes(values: list[str], kind: str) -> np.ndarray:
    """Date-time text as datetime64[ms]."""
    parsed = pd.to_datetime(pd.Series(values).str.strip(), format=_DATETIME_FORMATS[kind])
    return parsed.to_numpy(dtype="datetime64[ms]")


def _decimals(text: str) -> int:
    return len(text.strip().split(".", 1)[1]) if "." in text else 0


def _phyphox(x: float) -> str:
    """phyphox's number text: 10 significant digits, the exponent without padding (``2.810500002E-3``)."""
    mantissa, exponent = f"{x:.9E}".split("E")
    return f"{mantissa}E{int(exponent)}"


def _writer(values: list[str], kind: str) -> Callable[[int], list[str]]:
    """A function of a shift (ms) giving the column's texts shifted by it, in the column's own form."""
    if kind in ("int_ns", "int_ms"):
        ints = np.array(values, dtype=np.int64)
        per_ms = 1_000_000 if kind == "int_ns" else 1
        return lambda ms: (ints + np.int64(ms * per_ms)).astype(str).tolist()
    if kind in ("fixed", "repr", "phyphox"):
        floats = [float(v) for v in values]
        places = [_decimals(v) for v in values]
        if kind == "fixed":
            return lambda ms: [f"{x + ms / 1000:.{p}f}" for x, p in zip(floats, places, strict=True)]
        if kind == "repr":
            return lambda ms: [repr(x + ms / 1000) for x in floats]
        return lambda ms: [_phyphox(x + ms / 1000) for x in floats]
    stamps = _datetimes(values, kind)

    def dated(ms: int) -> list[str]:
        text = np.datetime_as_string(stamps + np.timedelta64(ms, "ms"), unit="ms")
        if kind == "metabase":
            return [s.replace(":", ".") for s in text]
        if kind == "geneactiv":
            return [f"{s[:10]} {s[11:19]}:{s[20:]}" for s in text]
        return list(text)

    return dated


def _split(data: bytes) -> tuple[str, list[str], str]:
    """(line end, lines without the last empty one, the text after the last line end)."""
    text = data.decode("latin-1")  # byte for byte
    end = "\r\n" if "\r\n" in text else "\r" if "\r" in text and "\n" not in text else "\n"
    lines = text.split(end)
    last = lines.pop() if lines and lines[-1] == "" else None
    return end, lines, end if last is not None else ""


def _raw(path: Path) -> bytes:
    import gzip

    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _data_start(lines: list[str], part: Part) -> int:
    if part.header_lines >= 0:
        return part.header_lines
    return next(i for i, line in enumerate(lines) if line[:4].isdigit() and line[4:5] == "-")


def shift_ms(formats: Path, export: Export) -> tuple[int, int]:
    """(shift per copy in ms, copies) from the export's first file: its span plus one median step, to ~1 h."""
    part = export.parts[0]
    _, lines, _ = _split(_raw(formats / part.source))
    rows = [line for line in lines[_data_start(lines, part) :] if line.strip()]
    column = part.times[0]
    t = _seconds([r.split(part.sep)[column.index] for r in rows], column.kind)
    span_s = float(t[-1] - t[0] + np.median(np.diff(t)))
    ms = math.ceil(span_s * 1000)
    return ms, math.ceil(HOUR_S * 1000 / ms)


def tile(formats: Path, export: Export, out: Path) -> list[Path]:
    """Write ``export`` tiled to about an hour into ``out``; returns its data files (those the bare read reads)."""
    ms, copies = shift_ms(formats, export)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for part in export.parts:
        target = out / part.name
        if not part.times:
            shutil.copyfile(formats / part.source, target)
            continue
        end, lines, tail = _split(_raw(formats / part.source))
        start = _data_start(lines, part)
        header, rows = lines[:start], [line.split(part.sep) for line in lines[start:] if line.strip()]
        writers = [(c.index, _writer([r[c.index] for r in rows], c.kind)) for c in part.times]
        with open(target, "w", encoding="latin-1", newline="") as fh:
            if header:
                fh.write(end.join(header) + end)
            for k in range(copies):
                columns = [(i, write(k * ms)) for i, write in writers]
                body = []
                for j, row in enumerate(rows):
                    fields = row.copy()
                    for i, texts in columns:
                        fields[i] = texts[j]
                    body.append(part.sep.join(fields))
                fh.write(end.join(body))
                fh.write(end if k < copies - 1 else tail)
        written.append(target)
    return written


def simulated(out: Path) -> list[tuple[str, Path, list[tuple[Path, dict[str, object]]]]]:
    """The simulator's hour (seed 0, 200 Hz shank) as a phyphox-style single table and a phyphox folder."""
    from retrogait.simulate import Bout, SimulationConfig, simulate

    table, folder = out / "sim_single" / "phyphox_single.csv", out / "sim_folder"
    if not table.exists() or not (folder / "Gyroscope.csv").exists():
        run_s = (HOUR_S - 10.0) / 2
        bouts = [
            Bout("still", "still", 0.0, 5.0),
            Bout("forward", "running", 3.0, run_s),
            Bout("backward", "running", 2.5, run_s),
            Bout("still", "still", 0.0, 5.0),
        ]
        session = simulate(SimulationConfig(placement="shank", bouts=bouts, sample_rate_hz=200.0, seed=0)).session
        assert session.gyr is not None
        gyr = session.gyr * np.pi / 180.0
        columns = {"Time (s)": session.t_s}
        columns |= {f"Acceleration {a} (m/s^2)": session.acc[:, i] for i, a in enumerate("xyz")}
        columns |= {f"Gyroscope {a} (rad/s)": gyr[:, i] for i, a in enumerate("xyz")}
        table.parent.mkdir(parents=True, exist_ok=True)
        write = {"index": False, "float_format": "%.9E", "quoting": csv.QUOTE_NONNUMERIC}
        pd.DataFrame(columns).to_csv(table, **write)  # type: ignore[arg-type]
        folder.mkdir(parents=True, exist_ok=True)
        acc = {"Time (s)": session.t_s} | {f"{a.upper()} (m/s^2)": session.acc[:, i] for i, a in enumerate("xyz")}
        pd.DataFrame(acc).to_csv(folder / "Accelerometer.csv", **write)  # type: ignore[arg-type]
        gyro = {"Time (s)": session.t_s} | {f"{a.upper()} (rad/s)": gyr[:, i] for i, a in enumerate("xyz")}
        pd.DataFrame(gyro).to_csv(folder / "Gyroscope.csv", **write)  # type: ignore[arg-type]
    return [
        ("simulated phyphox single table (acc+gyro, 200 Hz)", table, [(table, {})]),
        (
            "simulated phyphox folder (acc+gyro, 200 Hz)",
            folder,
            [(folder / "Accelerometer.csv", {}), (folder / "Gyroscope.csv", {})],
        ),
    ]


def inputs(
    formats: Path | None, data: Path, only: list[str], with_simulated: bool = False
) -> list[tuple[str, Path, list[tuple[Path, dict[str, object]]]]]:
    """(name, what analyze is given, [(data file, bare read options)]) per format, built once into ``data``."""
    found = simulated(data) if formats is None or with_simulated else []
    if formats is None:
        return found
    for number, export in enumerate(EXPORTS):
        if only and not any(o.lower() in export.name.lower() for o in only):
            continue
        folder = data / f"app{number}"
        done = folder / "DONE"
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            tile(formats, export, folder)
            done.write_text(export.name)
        files = []
        for part in export.parts:
            if part.times:
                options = dict(part.pandas) or ({"sep": part.sep} if part.sep != "," else {})
                if part.header_lines < 0:
                    _, lines, _ = _split((folder / part.name).read_bytes()[:100_000])
                    options = {"skiprows": _data_start(lines, part), "header": None}
                files.append((folder / part.name, options))
        given = folder if export.folder else folder / export.parts[0].name
        found.append((export.name, given, files))
    return found


_READ = (
    "import sys, time; import retrogait.imports; from retrogait.analysis.load import load_input; "
    "t0 = time.perf_counter(); s = load_input(sys.argv[1]); wall = time.perf_counter() - t0; "
    "c0 = time.thread_time(); load_input(sys.argv[1]); print(wall, time.thread_time() - c0, len(s.t_s))"
)


def read_phase(src: str, given: Path) -> tuple[float, float, int]:
    """(wall s of a first ``load_input`` in a process, its lazy imports included; main-thread CPU s of a second
    one, the read's own work; samples)."""
    env = {**os.environ, "PYTHONPATH": src} if src else dict(os.environ)
    done = subprocess.run(python(_READ) + [str(given)], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"load_input {given} failed: {done.stderr.strip().splitlines()[-1:]}")
    wall, cpu, n = done.stdout.split()
    return float(wall), float(cpu), int(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_src", nargs="?", default="", help="another tree's src folder, run in alternation")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--simulated", action="store_true", help="the simulated hour's layouts too")
    parser.add_argument("--only", default="", help="comma-separated words of the formats to run")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "bench_app_hour")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data" / "formats")
    args = parser.parse_args()
    print(compile_package())
    formats = args.shared if args.shared.is_dir() else None
    if formats is None:
        print(f"{args.shared} absent: the simulated hour instead")
    only = [o for o in args.only.split(",") if o]
    trees = {"this": str(ROOT / "src")} | ({"base": args.base_src} if args.base_src else {})
    print(load())
    header = f"{'format':58} {'MB':>5} {'rows':>8} {'pandas s':>8}"
    for label in trees:
        header += f" | {label}: {'analyze s':>9} {'ratio':>5} {'read s':>6} {'warm cpu':>8}"
    print(header)
    for name, given, files in inputs(formats, args.data, only, args.simulated):
        bare = python(
            f"import sys, json, pandas; [pandas.read_csv(f, **o) for f, o in {[(str(f), o) for f, o in files]!r}]"
        )
        samples: dict[str, list[float]] = {"pandas": []}
        for label in trees:
            samples |= {f"{label} analyze": [], f"{label} read": [], f"{label} read cpu": []}
        rows = 0
        with tempfile.TemporaryDirectory() as tmp:
            for pair in range(args.pairs):
                order = list(trees.items()) if pair % 2 == 0 else list(trees.items())[::-1]
                samples["pandas"].append(_once(bare, None)[0])
                for label, src in order:
                    command = [RETROGAIT, "analyze", str(given), "--no-report", "--out", f"{tmp}/{label}{pair}"]
                    samples[f"{label} analyze"].append(_once(command, {"PYTHONPATH": src})[0])
                    wall, cpu, rows = read_phase(src, given)
                    samples[f"{label} read"].append(wall)
                    samples[f"{label} read cpu"].append(cpu)
        median = {k: statistics.median(v) for k, v in samples.items()}
        mb = sum(f.stat().st_size for f, _ in files) / 1e6
        line = f"{name[:58]:58} {mb:5.0f} {rows:8d} {median['pandas']:8.2f}"
        for label in trees:
            analyze = median[f"{label} analyze"]
            line += (
                f" | {label}: {analyze:9.2f} {analyze / median['pandas']:5.2f} {median[f'{label} read']:6.2f}"
                f" {median[f'{label} read cpu']:8.2f}"
            )
        print(line, flush=True)
    print(load())


if __name__ == "__main__":
    sys.exit(main())
