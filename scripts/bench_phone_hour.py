"""Benchmark: `retrogait analyze --no-report` of a 1 h phone recording against the bare read of the same file, paired.

Usage: python scripts/bench_phone_hour.py [BASE_SRC] [--pairs 6] [--cpu N] [--minutes 60] [--only sim|ptb|phyphox]
                                        [--data DIR]
Issue 16 on the files users have (PERF-123): phones analysed by the phone step path (phone_steps.py).
* ``sim``: the simulator's lower-back walking and running (1.3 and 3.0 m/s, alternating 5 min bouts, 100 Hz,
  accelerometer only, seed 0) written as a session file of a phone on the chest (as validate_phone.py counts
  it); built here, no ../shared needed.
* ``ptb``, ``phyphox``: where ../shared/data (or ``RETROGAIT_SHARED_DATA``) is present, the real Physics Toolbox
  export ``formats/physicstoolbox_huy/ankle1_100.csv`` (100 Hz, accelerometer only) and the phyphox folder
  ``formats/phyphox_lucadomene_gaitlab`` (50 Hz accelerometer and gyroscope) tiled to the hour: rows repeated,
  the time column shifted by the recording's span plus one median step per copy; each analysed with
  ``--placement thigh`` (a phone in a pocket) and without a placement (``other``); the bare read of a folder
  reads its two CSV files.
The files are written once into ``--data`` and reused. Each pair runs the bare ``pandas.read_csv`` of the
file, then this tree's ``analyze`` (and with BASE_SRC, that tree's ``src`` first on ``PYTHONPATH``, the order
alternating from pair to pair), printing every run's wall, user and system seconds and the load; then per
input the medians, each tree's median ratio to the bare read of its pair, and this / base.
``--cpu N``: before the pairs, per input and tree (in turn, in a child process of that tree), the CPU of this thread
(``time.thread_time``) of ``phone_steps`` alone on the signals the analysis hands it, N runs after one untimed:
median and least (the step detector's own cost, steadier on a shared machine than the whole process's wall).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from benchproc import RETROGAIT, _once, compile_package, load, python
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

ROOT = Path(__file__).resolve().parent.parent
#: The real phone export tiled to the hour (../shared/data).
PTB_EXPORT = Path("formats/physicstoolbox_huy/ankle1_100.csv")
#: The real phyphox export (50 Hz accelerometer and gyroscope) tiled to the hour.
PHYPHOX_EXPORT = Path("formats/phyphox_lucadomene_gaitlab")


def shared_data() -> Path | None:
    """../shared/data (or ``RETROGAIT_SHARED_DATA``) where it holds the Physics Toolbox export, else None."""
    folder = Path(os.environ.get("RETROGAIT_SHARED_DATA", ROOT.parent / "shared" / "data"))
    return folder if (folder / PTB_EXPORT).exists() else None


def simulated_phone(minutes: float, folder: Path) -> Path:
    """The simulator's lower-back gait (walking 1.3 m/s and running 3.0 m/s in alternating 5 min bouts, 5 s
    standing at both ends; 100 Hz, no gyroscope, seed 0) as a phone on the chest, written once into ``folder``."""
    path = folder / f"phone_chest_{minutes:g}min.csv"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        moving_s = max(60.0 * minutes - 10.0, 20.0)
        count = max(1, round(moving_s / 300.0))
        bouts = [Bout("still", "still", 0.0, 5.0)]
        for i in range(count):
            walking = i % 2 == 0
            bouts.append(
                Bout("forward", "walking" if walking else "running", 1.3 if walking else 3.0, moving_s / count)
            )
        bouts.append(Bout("still", "still", 0.0, 5.0))
        config = SimulationConfig(placement="lower_back", bouts=bouts, sample_rate_hz=100.0, seed=0, with_gyro=False)
        session = simulate(config).session
        write_session(replace(session, meta=replace(session.meta, placement="chest")), path)
    return path


def tiled_csv(source: Path, path: Path, minutes: float, time_column: str, time_format: str) -> Path:
    """``source`` (an export's CSV) tiled to ``minutes`` into ``path``: rows repeated, the time column (s) shifted by
    the span plus one median step per copy and written with ``time_format``, the other columns as written; once."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = pd.read_csv(source, dtype=str, keep_default_na=False)
        t = raw[time_column].astype(float).to_numpy()
        span = t[-1] - t[0] + float(np.median(np.diff(t)))
        parts = []
        for i in range(int(np.ceil(60.0 * minutes / span))):
            part = raw.copy()
            part[time_column] = [time_format % v for v in t + i * span]
            parts.append(part)
        pd.concat(parts, ignore_index=True).to_csv(path, index=False)
    return path


def tiled_exports(shared: Path, minutes: float, folder: Path) -> dict[str, Path]:
    """The real phone exports tiled to ``minutes``: the Physics Toolbox file and the phyphox folder (accelerometer
    and gyroscope, each tiled by its own span)."""
    ptb = tiled_csv(shared / PTB_EXPORT, folder / f"ptb_{PTB_EXPORT.stem}_{minutes:g}min.csv", minutes, "time", "%.6f")
    phyphox = folder / f"phyphox_{minutes:g}min"
    for name in ("Accelerometer", "Gyroscope"):
        tiled_csv(shared / PHYPHOX_EXPORT / f"{name}.csv", phyphox / f"{name}.csv", minutes, "Time (s)", "%.9E")
    return {"ptb": ptb, "phyphox": phyphox}


def phone_steps_cpu(path: Path, placement: str, repeats: int) -> list[float]:
    """Thread CPU (s) of ``repeats`` runs of ``phone_steps`` on the signals ``analyze`` hands it for ``path`` at
    ``placement`` (``-``: the file's), after one untimed run; in this process, with this tree's code."""
    import time

    import retrogait
    import retrogait.analysis.contacts as contacts

    seen = []
    detector = contacts.phone_steps

    def keep(signals, settings=None, still=None):  # type: ignore[no-untyped-def]
        seen.append((signals, settings, still))
        return detector(signals, settings, still)

    contacts.phone_steps = keep
    retrogait.analyze(path, placement=None if placement == "-" else placement)
    contacts.phone_steps = detector
    if not seen:
        raise SystemExit(f"{path}: the analysis did not reach phone_steps (not a phone placement)")
    signals, settings, still = seen[0]
    times = []
    for _ in range(repeats + 1):
        signals._memo.clear()
        start = time.thread_time()
        detector(signals, settings, still)
        times.append(time.thread_time() - start)
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_src", type=Path, nargs="?", help="another tree's src to compare with")
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--only", choices=("sim", "ptb", "phyphox"), help="one input only")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-phone")
    parser.add_argument("--cpu", type=int, default=0, help="runs of phone_steps' CPU per input and tree (0: none)")
    parser.add_argument("--child-cpu", nargs="+", help=argparse.SUPPRESS)  # FILE REPEATS PLACEMENT (- for none)
    args = parser.parse_args()
    if args.child_cpu:
        print(
            " ".join(
                f"{t:.4f}" for t in phone_steps_cpu(Path(args.child_cpu[0]), args.child_cpu[2], int(args.child_cpu[1]))
            )
        )
        return
    print(compile_package())
    trees = {"this": ""}
    if args.base_src is not None:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(args.base_src)], check=True)
        trees = {"base": str(args.base_src.resolve()), "this": ""}
    inputs: dict[str, tuple[Path, list[str], str]] = {}  # name: file, analyze options, bare read's options
    if args.only in (None, "sim"):
        inputs["sim chest"] = (simulated_phone(args.minutes, args.data), [], "comment='#'")
    shared = shared_data()
    if shared is None and args.only != "sim":
        print("../shared/data absent: the tiled real exports are left out")
    elif shared is not None and args.only != "sim":
        tiled = tiled_exports(shared, args.minutes, args.data)
        if args.only in (None, "ptb"):
            inputs["ptb thigh"] = (tiled["ptb"], ["--placement", "thigh"], "")
            inputs["ptb none"] = (tiled["ptb"], [], "")
        if args.only in (None, "phyphox"):
            inputs["phyphox thigh"] = (tiled["phyphox"], ["--placement", "thigh"], "")
            inputs["phyphox none"] = (tiled["phyphox"], [], "")
    runs: dict[tuple[str, str], list[tuple[float, ...]]] = {}
    bares: dict[str, list[tuple[float, ...]]] = {}
    print(load())
    for name, (path, options, _) in inputs.items() if args.cpu else ():
        for tree, src in trees.items():
            child = [sys.executable, __file__, "--child-cpu", str(path), str(args.cpu), options[1] if options else "-"]
            env = {**os.environ, "PYTHONPATH": src} if src else None
            times = [
                float(v)
                for v in subprocess.run(child, env=env, check=True, capture_output=True, text=True).stdout.split()
            ]
            print(
                f"{name:13s} {tree:4s}: phone_steps thread CPU median {statistics.median(times):.3f} s, "
                f"least {min(times):.3f} s ({args.cpu} runs), {load()}",
                flush=True,
            )
    with tempfile.TemporaryDirectory() as out:
        for i in range(args.pairs):
            read_done: dict[Path, tuple[float, ...]] = {}
            for name, (path, options, read_options) in inputs.items():
                if path not in read_done:
                    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
                    reads = "; ".join(f"pandas.read_csv({str(f)!r}, {read_options})" for f in files)
                    read_done[path] = _once(python(f"import pandas; {reads}"), None)
                bare = read_done[path]
                bares.setdefault(name, []).append(bare)
                print(f"pair {i} {name:13s} bare read: {bare[0]:5.2f} s, user {bare[2]:.2f} s", flush=True)
                order = list(trees.items()) if i % 2 == 0 else list(trees.items())[::-1]
                for tree, src in order:
                    command = [RETROGAIT, "analyze", str(path), "--out", f"{out}/{tree}", "--no-report", *options]
                    sample = _once(command, {"PYTHONPATH": src} if src else None)
                    runs.setdefault((name, tree), []).append(sample)
                    print(
                        f"pair {i} {name:13s} {tree:4s}: {sample[0]:5.2f} s, user {sample[2]:.2f} s, "
                        f"sys {sample[3]:.2f} s = {sample[0] / bare[0]:.2f}x the bare read, "
                        f"load {os.getloadavg()[0]:.2f}",
                        flush=True,
                    )
    print(load())
    median = statistics.median
    for name, (path, options, _) in inputs.items() if args.pairs else ():
        walls = [b[0] for b in bares[name]]
        print(f"{name} ({path.name} {' '.join(options)}): bare read median {median(walls):.2f} s")
        for tree in trees:
            samples = runs[name, tree]
            ratios = [s[0] / b for s, b in zip(samples, walls, strict=True)]
            print(
                f"  {tree:4s}: wall median {median(s[0] for s in samples):.2f} s, "
                f"user {median(s[2] for s in samples):.2f} s, {median(ratios):.2f}x the bare read of its pair (median)"
            )
        if "base" in trees:
            this, base = runs[name, "this"], runs[name, "base"]
            wall = [t[0] / b[0] for t, b in zip(this, base, strict=True)]
            cpu = [(t[2] + t[3]) / (b[2] + b[3]) for t, b in zip(this, base, strict=True)]
            print(f"  this / base: wall {median(wall):.3f}, CPU {median(cpu):.3f} (medians of pair ratios)")


if __name__ == "__main__":
    main()
