"""retrogait.dsp against the scipy functions it replaces, on 1 h at 200 Hz (720 000 samples).

Usage: python scripts/bench_dsp.py [--repeats 7]
Prints, per operation as the analysis calls it, the best CPU time (``time.process_time``) of ours and of
scipy's over ``--repeats`` runs with one BLAS thread (as ``retrogait analyze`` runs, PERF-4) and the peak
traced memory of one call; then, for the peak pickers, how many local maxima the signal holds and how many
rounds the vectorised distance selection takes (docs/decisions.md PERF-8). Goal: no slower than scipy.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import ndimage, signal
from threadpoolctl import threadpool_limits

from bench_analyze import simulated_shank
from retrogait.dsp import butter_sos, find_peaks, running_max, sosfiltfilt
from retrogait.dsp import peaks as peaks_module
from retrogait.session import read_session

FS_HZ = 200.0
N = 720_000


def best_cpu(call: Callable[[], Any], repeats: int) -> float:
    """Best CPU seconds of ``repeats`` calls (after one warm-up call)."""
    call()
    best = np.inf
    for _ in range(repeats):
        start = time.process_time()
        call()
        best = min(best, time.process_time() - start)
    return float(best)


def peak_mb(call: Callable[[], Any]) -> float:
    """Peak traced memory of one call (MB)."""
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def rounds(x: np.ndarray, distance: int) -> tuple[int, int]:
    """(local maxima, rounds of the distance selection) for ``x`` (each round asks ``_within`` once)."""
    maxima = peaks_module.local_maxima(x)
    within = peaks_module._within
    calls = []

    def counting(pos: np.ndarray, reach: int) -> tuple[np.ndarray, np.ndarray]:
        calls.append(pos.size)
        return within(pos, reach)

    peaks_module._within = counting
    try:
        peaks_module.select_by_distance(maxima, x[maxima], distance)
    finally:
        peaks_module._within = within
    return maxima.size, len(calls)


def gait_signals() -> dict[str, np.ndarray]:
    """bench_analyze.py's simulated 1 h shank session (cached): vertical acceleration (g), 3-axis
    acceleration, a jerk and contacts.py's rest score (without the analysis's frame rotation)."""
    session = read_session(simulated_shank(N / FS_HZ / 60, Path(tempfile.gettempdir()) / "retrogait-bench-analyze"))
    acc = session.acc[:N]
    gyr = session.gyr[:N] if session.gyr is not None else np.zeros_like(acc)
    fz = acc[:, 2] / 9.80665
    jerk = np.abs(np.gradient(sosfiltfilt(butter_sos(2, 40.0, FS_HZ, "low"), fz))) * FS_HZ
    rest = np.abs(np.linalg.norm(acc, axis=1) - 9.80665) / 2.0 + np.linalg.norm(gyr, axis=1) / 50.0
    return {"fz": fz, "acc": acc, "jerk": jerk, "rest": rest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    sig = gait_signals()
    fz, acc = sig["fz"], sig["acc"]
    low10 = butter_sos(2, 10.0, FS_HZ, "low")
    step_band = butter_sos(2, (0.3, 4.0), FS_HZ, "band")
    effort = butter_sos(4, 20.0, FS_HZ, "low")
    smooth_jerk = sosfiltfilt(low10, sig["jerk"])
    rate = ndimage.maximum_filter1d(sig["rest"], 20, mode="nearest")
    quiet = np.concatenate(([-rate.max()], -rate, [-rate.max()]))
    step = sosfiltfilt(step_band, fz)
    cases: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        (
            "butter (2, 0.3-4 Hz band)",
            lambda: butter_sos(2, (0.3, 4.0), FS_HZ, "band"),
            lambda: signal.butter(2, (0.3, 4.0), btype="band", fs=FS_HZ, output="sos"),
        ),
        (
            "sosfiltfilt 0.3-4 Hz band, (n,)",
            lambda: sosfiltfilt(step_band, fz),
            lambda: signal.sosfiltfilt(step_band, fz),
        ),
        ("sosfiltfilt 10 Hz low, (n,)", lambda: sosfiltfilt(low10, fz), lambda: signal.sosfiltfilt(low10, fz)),
        (
            "sosfiltfilt 20 Hz low order 4, (n, 3)",
            lambda: sosfiltfilt(effort, acc),
            lambda: signal.sosfiltfilt(effort, acc, axis=0),
        ),
        (
            "find_peaks jerk, distance 88",
            lambda: find_peaks(smooth_jerk, distance=88),
            lambda: signal.find_peaks(smooth_jerk, distance=88),
        ),
        (
            "find_peaks step, distance 44, prominence",
            lambda: find_peaks(step, distance=44, prominence=0.05),
            lambda: signal.find_peaks(step, distance=44, prominence=0.05),
        ),
        (
            "find_peaks rest score, distance 88, prominence",
            lambda: find_peaks(quiet, distance=88, prominence=0.5),
            lambda: signal.find_peaks(quiet, distance=88, prominence=0.5),
        ),
        (
            "running max, 20 samples",
            lambda: running_max(sig["rest"], 20),
            lambda: ndimage.maximum_filter1d(sig["rest"], 20, mode="nearest"),
        ),
    ]
    print(f"{N} samples at {FS_HZ:.0f} Hz; best CPU of {args.repeats}, one BLAS thread; peak traced memory of one call")
    with threadpool_limits(1):
        for name, ours, theirs in cases:
            a, b = best_cpu(ours, args.repeats), best_cpu(theirs, args.repeats)
            print(
                f"{name:48s} ours {a * 1e3:7.1f} ms {peak_mb(ours):6.1f} MB | scipy {b * 1e3:7.1f} ms "
                f"{peak_mb(theirs):6.1f} MB | {b / a:5.2f}x"
            )
    for name, x, distance in [("jerk", smooth_jerk, 88), ("step", step, 44), ("rest score", quiet, 88)]:
        maxima, n_rounds = rounds(x, distance)
        print(f"{name}: {maxima} local maxima, {n_rounds} rounds of the distance selection")


if __name__ == "__main__":
    main()
