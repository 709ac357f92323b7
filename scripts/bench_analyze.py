"""Speed and memory of ``retrogait analyze`` on 1 h of 200 Hz 6-axis data from a native file.

Usage: python scripts/bench_analyze.py [--minutes 60] [--repeats 3]
Writes a synthetic shank session (spring-mass running with gyro) to a temporary native file, then
1. in this process: times read + analysis (outputs in memory, no report) and measures peak memory with
   tracemalloc (its ratio to the raw n x 7 float64 array; goal <= 4x);
2. whole processes, run in turn (issue 16): ``retrogait analyze FILE`` with and without its report
   against a bare Python process doing ``pandas.read_csv`` of the same file (goals: <= 2x with the
   report, <= 1.5x without), with each process's peak RSS; and the floor: the bare read plus
   ``import scipy.signal`` (docs/decisions.md PERF-5).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

import retrogait
from benchproc import RETROGAIT, load, python, run_in_turn
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.session import Session, SessionMeta, read_session, write_session


def synthetic_shank(minutes: float, fs: float = 200.0, seed: int = 0) -> Session:
    """Running at 170 steps/min on one shank: impact, stance rotation, swing, noise (vectorised)."""
    rng = np.random.default_rng(seed)
    n = int(minutes * 60 * fs)
    t = np.arange(n) / fs
    stride = 2 * 60 / 170
    phase = (t % stride) / stride
    contact = phase < 0.3
    vertical = np.where(
        contact, 1.0 + 1.5 * np.sin(np.pi * phase / 0.3), 1.0 - 0.6 * np.sin(np.pi * (phase - 0.3) / 0.7)
    )
    impact = 6.0 * np.exp(-((((phase - 0.005) * stride) / 0.004) ** 2))
    acc = np.empty((n, 3))
    acc[:, 0] = 2.0 * np.sin(2 * np.pi * phase) + rng.normal(0, 0.05, n)
    acc[:, 1] = rng.normal(0, 0.05, n)
    acc[:, 2] = vertical + impact + rng.normal(0, 0.05, n)
    acc *= STANDARD_GRAVITY_MS2
    gyr = np.empty((n, 3))
    gyr[:, 0] = rng.normal(0, 5, n)
    gyr[:, 1] = np.where(contact, 150 * np.sin(np.pi * phase / 0.3), -600 * np.sin(np.pi * (phase - 0.3) / 0.7))
    gyr[:, 2] = rng.normal(0, 5, n)
    meta = SessionMeta("shank", fs, side="left", acc_range_g=16.0, anterior_axis="+x", vertical_axis="+z")
    return Session(t, acc, gyr, meta)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    minutes = args.minutes
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.csv"
        write_session(synthetic_shank(minutes), path)
        raw_bytes = read_session(path).n_samples * 7 * 8
        start = time.perf_counter()
        result = retrogait.analyze(path)
        seconds = time.perf_counter() - start
        tracemalloc.start()
        retrogait.analyze(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(load())
        out = str(Path(tmp) / "out")
        runs = run_in_turn(
            {
                "bare": python(f"import pandas; pandas.read_csv({str(path)!r}, comment='#')"),
                "floor": python(f"import pandas, scipy.signal; pandas.read_csv({str(path)!r}, comment='#')"),
                "with": [RETROGAIT, "analyze", str(path), "--out", out],
                "without": [RETROGAIT, "analyze", str(path), "--out", out, "--no-report"],
            },
            args.repeats,
        )
        bare, floor, with_report, without = runs["bare"], runs["floor"], runs["with"], runs["without"]
        print(load())
    print(f"{minutes:g} min of 200 Hz 6-axis data, {len(result.steps)} steps")
    print(f"end to end (read + analyze): {seconds:.2f} s   (goal < 2 s)")
    print(
        f"peak traced memory: {peak / 1e6:.0f} MB = {peak / raw_bytes:.2f} x the raw array ({raw_bytes / 1e6:.0f} MB)"
        "   (goal <= 4x)"
    )
    print(f"whole process, median of {args.repeats}, the commands run in turn:")
    print(f"  bare pandas.read_csv             {bare.seconds:6.2f} s  peak RSS {bare.peak_mib:5.0f} MiB (reference)")
    print(
        f"  the same + import scipy.signal   {floor.seconds:6.2f} s  peak RSS {floor.peak_mib:5.0f} MiB"
        f"  = {floor.ratio(bare):.2f}x the bare read (the floor of any analysis filtering with scipy)"
    )
    for label, r, goal in (("retrogait analyze (with report)", with_report, 2.0), ("  --no-report", without, 1.5)):
        print(
            f"  {label:32s} {r.seconds:6.2f} s  peak RSS {r.peak_mib:5.0f} MiB  = {r.ratio(bare):.2f}x the bare read"
            f"  (goal <= {goal:g}x)"
        )


if __name__ == "__main__":
    main()
