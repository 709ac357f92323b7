"""Benchmark of retrogait compare: statistics on many steps and sessions, and the effort proxy on 1 h.

Prints wall-clock seconds; run with ``python scripts/bench_compare.py``. ``--flags-only`` times only the reading of
the steps' quality flags as a comparison reads them (the flag table and the metrics' exclusions) on a million steps
with realistic flag texts; run it with ``PYTHONPATH=BASE/src`` in turn to pair it with another checkout (BATCH-53).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from retrogait.compare import CompareSettings, compare_directions, effort_per_minute


def synthetic_steps(n_sessions: int, steps_per_direction: int, seed: int = 0) -> pd.DataFrame:
    """Sessions of forward then backward steps with impact, cadence, contact time and strike class."""
    rng = np.random.default_rng(seed)
    n = n_sessions * 2 * steps_per_direction
    direction = np.tile(np.repeat(["forward", "backward"], steps_per_direction), n_sessions)
    backward = direction == "backward"
    cadence = rng.normal(np.where(backward, 182.0, 170.0), 3.0)
    return pd.DataFrame(
        {
            "ic_time_s": np.tile(np.arange(2 * steps_per_direction) * 0.34, n_sessions),
            "direction": direction,
            "impact_peak_g": rng.normal(np.where(backward, 8.0, 10.0), 2.0),
            "step_time_s": 60.0 / cadence,  # compare's cadence is 60 / mean step time (TRUST-4)
            "cadence_spm": cadence,
            "contact_time_s": rng.normal(np.where(backward, 0.23, 0.25), 0.02),
            "foot_strike": np.where(rng.random(n) < np.where(backward, 0.8, 0.1), "forefoot", "rearfoot"),
            "quality_flags": "",
            "session": np.repeat([f"s{k}" for k in range(n_sessions)], 2 * steps_per_direction),
        }
    )


#: Flag texts as analyses write them, with their share of steps (most steps carry none).
FLAG_TEXTS = {"": 0.80, "gap": 0.05, "clipped": 0.05, "low_rate": 0.03, "clipped;low_rate": 0.03, "no_gyro": 0.02}
FLAG_TEXTS |= {"quantised": 0.01, "bridged;gap": 0.005, "remounted": 0.005}


def flagged_steps(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` steps, half forward, with quality flags drawn from :data:`FLAG_TEXTS`."""
    rng = np.random.default_rng(seed)
    texts = rng.choice(list(FLAG_TEXTS), size=n, p=np.array(list(FLAG_TEXTS.values())) / sum(FLAG_TEXTS.values()))
    return pd.DataFrame({"direction": np.where(rng.random(n) < 0.5, "forward", "backward"), "quality_flags": texts})


def flags_as_compare_reads_them(steps: pd.DataFrame) -> None:
    """What a comparison does with the flag texts: the flag table, then the matrix the metrics' exclusions use (read
    once where ``flag_bits`` exists, BATCH-53; twice before)."""
    from retrogait.compare import fairness

    if hasattr(fairness, "flag_bits"):
        bits = fairness.flag_bits(steps)
        fairness.flag_counts(steps, bits)
        fairness.flags_of(bits, steps.index)
    else:
        fairness.flag_counts(steps)
        fairness.flag_matrix(steps)


def bench_flags(n: int, repeats: int) -> None:
    steps = flagged_steps(n)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        flags_as_compare_reads_them(steps)
        times.append(time.perf_counter() - start)
    print(f"quality flags of {n} steps (flag table and exclusions): median {np.median(times):.3f} s of {repeats}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--flags-only", action="store_true", help="time only the reading of the quality flags")
    parser.add_argument("--flag-steps", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    bench_flags(args.flag_steps, args.repeats)
    if args.flags_only:
        return
    for n_sessions, per_dir in ((1, 5000), (30, 1000)):
        steps = synthetic_steps(n_sessions, per_dir)
        for unit in ("steps", "auto"):
            start = time.perf_counter()
            result = compare_directions(steps, settings=CompareSettings(unit=unit))  # type: ignore[arg-type]
            elapsed = time.perf_counter() - start
            print(
                f"{len(steps):6d} steps, {n_sessions:2d} session(s), level {result.level:8s}: "
                f"{elapsed:.3f} s for {len(result.table)} metrics (2000 bootstrap resamples each)"
            )
    fs_hz, hours = 500.0, 1.0
    t = np.arange(int(hours * 3600 * fs_hz)) / fs_hz
    acc = np.random.default_rng(1).normal(0.0, 3.0, (t.size, 3)) + [0.0, 0.0, 9.81]
    starts = np.arange(0.0, t[-1] - 1.0, 0.34)
    start = time.perf_counter()
    effort_per_minute(t, acc, starts, starts + 0.34)
    print(f"effort proxy: {hours:g} h at {fs_hz:g} Hz, {starts.size} step windows: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
