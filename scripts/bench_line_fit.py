"""``dsp.line_fit`` against ``np.polyfit(x, y, 1)``: the same two floats, and their main-thread CPU (PERF-137).

Usage: python scripts/bench_line_fit.py [--samples 741191] [--fits 400] [--repeats 9] [--alternations 2]

First ``--fits`` random fits (3-20,000 points, clocks of 20-1,000 Hz with and without an offset of up to 1e9 s, slots
against phases, as ``preprocess._clock_slots`` fits them): how many differ from ``np.polyfit`` in either float. Then
the two on a jittered 200 Hz clock of ``--samples`` points (an hour of Physics Toolbox), the least main-thread CPU
(``time.thread_time``) of ``--repeats`` calls, in ms, alternated: first in a fresh process, then inside
``analysis.blas.single_blas_thread`` (as ``retrogait analyze`` runs them, PERF-4), where once threadpoolctl has set
the BLAS' threads the same calls take longer (REVIEW-215). Prints the load.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np

from retrogait.analysis.blas import single_blas_thread
from retrogait.dsp.line_fit import line_fit


def differing_fits(fits: int) -> int:
    """How many of ``fits`` random slot fits give other floats than ``np.polyfit``."""
    rng = np.random.default_rng(2)
    bad = 0
    for _ in range(fits):
        n = int(rng.integers(3, 20_000))
        fs = rng.uniform(20.0, 1_000.0)
        t = np.cumsum(rng.uniform(0.5, 1.5, n) / fs) + rng.uniform(0.0, 1e9) * rng.integers(0, 2)
        r = (t - t[0]) * fs
        x = np.rint(r / rng.uniform(0.999, 1.001) - rng.uniform())
        expected = np.polyfit(x, r, 1)
        got = line_fit(x, r)
        bad += not (got[0] == expected[0] and got[1] == expected[1])
    return bad


def least_ms(call: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time()
        call()
        best = min(best, time.thread_time() - start)
    return best * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=741_191)
    parser.add_argument("--fits", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--alternations", type=int, default=2)
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{args.fits} random fits: {differing_fits(args.fits)} differ from np.polyfit")
    rng = np.random.default_rng(2)
    t = np.cumsum(rng.uniform(0.5, 1.5, args.samples) / 200.0)
    r = (t - t[0]) * 200.0
    x = np.rint(r - 0.3)
    calls = {"np.polyfit": lambda: np.polyfit(x, r, 1), "line_fit": lambda: line_fit(x, r)}
    for setting in ("fresh process", "single_blas_thread"):
        for _ in range(args.alternations):
            if setting == "fresh process":
                times = {name: least_ms(call, args.repeats) for name, call in calls.items()}
            else:
                with single_blas_thread():
                    times = {name: least_ms(call, args.repeats) for name, call in calls.items()}
            shown = "  ".join(f"{name} {ms:.1f} ms" for name, ms in times.items())
            print(f"{args.samples} points, {setting:18}: {shown}")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
