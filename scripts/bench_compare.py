"""Benchmark of retrogait compare: statistics on many steps and sessions, and the effort proxy on 1 h.

Prints wall-clock seconds; run with ``python scripts/bench_compare.py``.
"""

from __future__ import annotations

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


def main() -> None:
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
