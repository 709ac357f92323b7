"""Peak memory and wall time of the CLI on long recordings (a GENEActiv week, a day-long session file).

Usage: python scripts/bench_long.py [--hours 1 6 24] [--kinds bin csv gcsv] [--commands info convert analyze ...]
       [--data DIR] [--src /tmp/base30/src] [--part-hours 1 4]

Builds once (cached in ``--data``, never committed) a 10-minute block of a simulated shank at 100 Hz -- still,
forward and backward walking, forward running, still between them -- and tiles it to each length as

- ``bin``: a GENEActiv ``.bin`` (the device's own pages of 300 samples in hex, acceleration only, 12-bit counts),
  written in pieces so that a week does not need the week in memory;
- ``csv``: a native session file (acceleration and gyroscope);
- ``gcsv``: a GENEActiv CSV export (the PC software's text: rows of wall-clock time and g, CRLF), written a block at
  a time (LONG-6).

Then runs each command as its own process under ``/usr/bin/time -v`` and prints its peak resident memory, its wall
time and the peak over the samples' float64 size (n x 7 x 8 bytes: time, 3 acceleration, 3 gyroscope). The
commands: ``info``, ``convert`` (to a session file), ``analyze`` (``--no-report``), ``analyze-report`` and
``batch`` (the file alone in a folder, one worker); with ``--part-hours H ...`` each ``analyze`` runs once per H
in parts of H hours (LONG-4). Slow (a 24 h analysis takes minutes): kept out of the tests.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.session import Session, SessionMeta, read_session, write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

RATE_HZ = 100.0
BLOCK_S = 600.0
#: A GENEActiv's calibration (counts = g * gain + offset, in hundredths of a count) and a page's samples.
GAIN = (3400.0, 3350.0, 3300.0)
OFFSET = (120.0, -80.0, 40.0)
PAGE = 300
COMMANDS = ("info", "convert", "analyze", "analyze-report", "batch")


def block(folder: Path) -> Session:
    """The 10-minute block every long input repeats (simulated once, seed 0)."""
    path = folder / "block_shank_100hz.csv"
    if not path.exists():
        bouts = [
            Bout("still", "still", 0.0, 60.0),
            Bout("forward", "walking", 1.3, 120.0),
            Bout("still", "still", 0.0, 30.0),
            Bout("forward", "running", 3.0, 120.0),
            Bout("still", "still", 0.0, 30.0),
            Bout("backward", "walking", 1.0, 90.0),
            Bout("still", "still", 0.0, BLOCK_S - 450.0),
        ]
        config = SimulationConfig(placement="shank", bouts=bouts, sample_rate_hz=RATE_HZ, seed=0)
        folder.mkdir(parents=True, exist_ok=True)
        write_session(simulate(config).session, path)
    return read_session(path)


def _bin_header(pages: int) -> bytes:
    lines = [
        "Device Identity",
        "Device Unique Serial Code:046164",
        "Device Type:GENEActiv",
        "Device Model:1.1",
        "",
        "Device Capabilities",
        "Accelerometer Range:-8 to 8",
        "",
        "Configuration Info",
        f"Measurement Frequency:{RATE_HZ:g} Hz",
        "Start Time:2019-08-06 10:25:45:000",
        "Time Zone:GMT +00:00",
        "",
        "Subject Info",
        "Device Location Code:right ankle",
        "",
        "Memory Status",
        f"Number of Pages:{pages}",
        "",
        "Calibration Data",
        *(f"{a} gain:{g:g}\r\n{a} offset:{o:g}" for a, g, o in zip("xyz", GAIN, OFFSET, strict=True)),
        "Volts:300",
        "Lux:800",
        "",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def _page_hex(acc_ms2: np.ndarray) -> bytes:
    """The data lines of whole pages of ``acc_ms2`` (pages * 300, 3): 12 hex digits a sample, CRLF a page."""
    counts = np.clip(np.round((acc_ms2 / STANDARD_GRAVITY_MS2 * GAIN + OFFSET) / 100.0), -2048, 2047).astype(np.int64)
    word = ((counts[:, 0] & 0xFFF) << 36) | ((counts[:, 1] & 0xFFF) << 24) | ((counts[:, 2] & 0xFFF) << 12) | (37 << 2)
    digits = (word[:, None] >> (4 * np.arange(11, -1, -1))) & 0xF
    text = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)[digits].reshape(-1, PAGE * 12)
    lines = np.concatenate([text, np.tile(np.frombuffer(b"\r\n", dtype=np.uint8), (text.shape[0], 1))], axis=1)
    return lines.tobytes()


def geneactiv_bin(folder: Path, hours: float, base: Session) -> Path:
    """A GENEActiv ``.bin`` of ``hours`` of the block repeated (written a block at a time)."""
    path = folder / f"long_{hours:g}h.bin"
    if path.exists():
        return path
    n = round(hours * 3600 * RATE_HZ) // PAGE * PAGE
    per_block = base.n_samples // PAGE * PAGE
    start = np.datetime64("2019-08-06T10:25:50.000")
    tmp = path.with_suffix(".partial")
    with open(tmp, "wb") as out:
        out.write(_bin_header(n // PAGE))
        page = 0
        for first in range(0, n, per_block):
            count = min(per_block, n - first)
            hex_lines = _page_hex(base.acc[:count])
            for k in range(count // PAGE):
                stamp = str(
                    (start + np.timedelta64(round(page * PAGE / RATE_HZ * 1000), "ms")).astype("datetime64[ms]")
                )
                head = (
                    f"Recorded Data\r\nDevice Unique Serial Code:046164\r\nSequence Number:{page}\r\n"
                    f"Page Time:{stamp[:10]} {stamp[11:19]}:{stamp[20:23]}\r\nUnassigned:\r\nTemperature:31.6\r\n"
                    f"Battery voltage:4.1400\r\nDevice Status:Recording\r\nMeasurement Frequency:{RATE_HZ:.1f}\r\n"
                )
                out.write(head.encode() + hex_lines[k * (PAGE * 12 + 2) : (k + 1) * (PAGE * 12 + 2)])
                page += 1
    tmp.replace(path)
    return path


def session_csv(folder: Path, hours: float, base: Session) -> Path:
    """A native session file of ``hours`` of the block repeated."""
    path = folder / f"long_{hours:g}h.csv"
    if path.exists():
        return path
    n = round(hours * 3600 * RATE_HZ)
    reps = -(-n // base.n_samples)
    acc = np.tile(base.acc, (reps, 1))[:n]
    gyr = np.tile(base.gyr, (reps, 1))[:n] if base.gyr is not None else None
    meta = SessionMeta(placement="shank", sample_rate_hz=RATE_HZ, side="left", sensor="simulated long")
    write_session(Session(t_s=np.arange(n) / RATE_HZ, acc=acc, gyr=gyr, meta=meta), path)
    return path


def geneactiv_csv(folder: Path, hours: float, base: Session) -> Path:
    """A GENEActiv CSV export (the PC software's: its header, then ``YYYY-MM-DD HH:MM:SS:mmm,x,y,z,lux,button,
    temperature`` rows in g, CRLF) of ``hours`` of the block repeated, written a block at a time (LONG-6)."""
    path = folder / f"long_{hours:g}h_geneactiv.csv"
    if path.exists():
        return path
    n = round(hours * 3600 * RATE_HZ)
    header = [
        "Device Type,GENEActiv",
        "Device Model,1.1",
        "Device Unique Serial Code,046164",
        f"Measurement Frequency,{RATE_HZ:.1f} Hz",
        "Start Time,2019-08-06 10:25:50:000",
        "Device Location Code,left ankle",
        "Time Zone,GMT +00",
        "Units,g",
        "",
        "",
    ]
    g = base.acc / STANDARD_GRAVITY_MS2
    values = pd.DataFrame({"x": g[:, 0], "y": g[:, 1], "z": g[:, 2], "lux": 0, "button": 0, "temperature": 31.6})
    text = values.to_csv(header=False, index=False, float_format="%.4f", lineterminator="\r\n").encode()
    rows = np.array([b"," + r + b"\r\n" for r in text.split(b"\r\n")[:-1]])  # one block's values, once
    start = np.datetime64("2019-08-06T10:25:50.000")
    tmp = path.with_suffix(".partial")
    with open(tmp, "wb") as out:
        out.write(("\r\n".join(header) + "\r\n").encode())
        for first in range(0, n, base.n_samples):  # one per block: its rows' times, then its values' text
            count = min(base.n_samples, n - first)
            stamps = start + np.round((first + np.arange(count)) * 1000 / RATE_HZ).astype("timedelta64[ms]")
            said = np.char.replace(np.char.replace(np.datetime_as_string(stamps, unit="ms"), "T", " "), ".", ":")
            out.write(b"".join(np.char.add(np.char.encode(said), rows[:count]).tolist()))
    tmp.replace(path)
    return path


def measure(argv: list[str], src: Path | None = None) -> tuple[float, float, int]:
    """(peak RSS MB, wall s, exit status) of a command run under /usr/bin/time -v (``src``: the package from
    there, e.g. another checkout's ``src`` to measure it before a change)."""
    env = {**os.environ, "PYTHONPATH": str(src)} if src is not None else None
    done = subprocess.run(["/usr/bin/time", "-v", *argv], capture_output=True, text=True, check=False, env=env)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    peak_mb = int(rss.group(1)) / 1024 if rss else float("nan")
    wall_s = float("nan")
    if wall:
        wall_s = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    status = int(re.search(r"Exit status: (\d+)", done.stderr).group(1)) if "Exit status" in done.stderr else -1
    if status:
        last = [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("\t")]
        print(f"    exit {status}: {last[-1] if last else ''}", file=sys.stderr)
    return peak_mb, wall_s, status


def command(name: str, path: Path, work: Path, part_hours: float | None = None) -> list[str]:
    cli = [str(Path(sys.executable).parent / "retrogait")]
    parts = [] if part_hours is None else ["--part-hours", f"{part_hours:g}"]
    if name == "info":
        return [*cli, "info", str(path)]
    if name == "convert":
        return [*cli, "convert", str(path), "--out", str(work / "converted.csv"), "--placement", "shank"]
    if name in ("analyze", "analyze-report"):
        report = "--report" if name == "analyze-report" else "--no-report"
        return [*cli, "analyze", str(path), "--out", str(work / "analysis"), "--placement", "shank", report, *parts]
    folder = work / "batch_in"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / path.name).symlink_to(path)
    return [*cli, "batch", str(folder), "--out", str(work / "batch_out"), "--jobs", "1", "--placement", "shank"]


#: The inputs by kind: a GENEActiv ``.bin``, a native session file, a GENEActiv CSV export.
KINDS = {"bin": geneactiv_bin, "csv": session_csv, "gcsv": geneactiv_csv}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, nargs="+", default=[1.0, 6.0, 24.0])
    parser.add_argument("--kinds", nargs="+", choices=tuple(KINDS), default=["bin", "csv"])
    parser.add_argument("--commands", nargs="+", choices=COMMANDS, default=list(COMMANDS))
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-long")
    parser.add_argument("--src", type=Path, help="Run the package from this folder (PYTHONPATH), e.g. /tmp/base30/src.")
    parser.add_argument("--build-only", action="store_true", help="Write the inputs and stop.")
    parser.add_argument(
        "--part-hours",
        type=float,
        nargs="+",
        default=[None],
        help="Run analyze / analyze-report in parts of these many hours, once each (LONG-4: peak memory by part size).",
    )
    parser.add_argument("--keep", type=Path, help="Keep each analysis' outputs here (INPUT_COMMAND), to compare them.")
    args = parser.parse_args()
    base = block(args.data)
    print(f"{'input':24s} {'MB':>7s} {'samples':>11s} {'command':15s} {'peak MB':>8s} {'wall s':>7s} {'peak/raw':>8s}")
    for hours in args.hours:
        for kind in args.kinds:
            path = KINDS[kind](args.data, hours, base)
            if args.build_only:
                continue
            n = round(hours * 3600 * RATE_HZ)
            raw_mb = n * 7 * 8 / 1024**2
            with tempfile.TemporaryDirectory(dir=args.data) as work:
                runs = [
                    (name, hours_part)
                    for name in args.commands
                    for hours_part in (args.part_hours if name.startswith("analyze") else [None])
                ]
                for name, hours_part in runs:
                    peak, wall, status = measure(command(name, path, Path(work), hours_part), args.src)
                    if args.keep is not None and (Path(work) / "analysis").is_dir():  # for compare_parts.py
                        label = name if hours_part is None else f"{name}@{hours_part:g}h"
                        kept = args.keep / f"{path.stem}_{label}"
                        shutil.rmtree(kept, ignore_errors=True)
                        shutil.move(Path(work) / "analysis", kept)
                    failed = "" if status == 0 else f"  (exit {status})"
                    label = name if hours_part is None else f"{name}@{hours_part:g}h"
                    print(
                        f"{path.name:24s} {path.stat().st_size / 1024**2:7.0f} {n:11,d} {label:15s} {peak:8.0f} "
                        f"{wall:7.1f} {peak / raw_mb:8.2f}{failed}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
