"""Benchmark: the cost of the one-leg check without gyroscope (leg_rhythm, PHONE-17) against the analysis it is
part of, on a simulated shank without gyroscope (walking and running, forward and backward, 100 Hz).

Usage: python scripts/bench_leg_rhythm.py [--minutes 10] [--repeats 5]

Prints the median seconds of ``analyze`` (which includes the check) and of the check alone on that analysis's
contacts and bouts, with the load. The check runs only on a foot or shank without gyroscope.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from retrogait import analyze
from retrogait.analysis.leg_rhythm import leg_rhythm
from retrogait.analysis.pipeline import preset_settings
from retrogait.simulate import Bout, SimulationConfig, simulate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    quarter = args.minutes * 15.0
    bouts = [
        Bout("forward", "walking", 1.2, quarter),
        Bout("backward", "walking", 1.0, quarter),
        Bout("forward", "running", 3.0, quarter),
        Bout("backward", "running", 2.5, quarter),
    ]
    session = simulate(SimulationConfig("shank", bouts, sample_rate_hz=100.0, with_gyro=False, seed=1)).session
    settings = preset_settings("shank").phone_steps
    whole, check = [], []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        result = analyze(session)
        whole.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        rhythm = leg_rhythm(result.signals, result.contacts, result.bouts, settings, always=True)
        check.append(time.perf_counter() - t0)
    print(f"load {os.getloadavg()[0]:.1f}; {args.minutes:g} min shank without gyroscope, {len(result.steps)} contacts")
    print(
        f"analyze (check included): median {statistics.median(whole):.3f} s of {args.repeats} "
        f"({[round(w, 3) for w in whole]})"
    )
    print(f"check alone (signal read whatever the cadence): median {statistics.median(check) * 1000:.1f} ms ({rhythm})")


if __name__ == "__main__":
    main()
