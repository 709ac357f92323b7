"""A limb's stride period at each internal rate: CPU and how far the period moves (PERF-118).

Usage: python scripts/bench_stride_period.py [--rates 10000,100,50] [--repeats 7] [--data DIR]
On ``bench_analyze.py``'s simulated shank hour (200 Hz): ``contacts._stride_s`` (|a| averaged over blocks down to
``stride_period_rate_hz``, band-passed, the windowed autocorrelation, the period put back on every sample) once per
rate in turn, ``--repeats`` times, on one thread. Prints each rate's CPU of this thread (``time.thread_time``, median
and least) and how far its period lies from the first rate's (10000 Hz: every sample, today's before PERF-118).
Rates below ``ContactsSettings``' bound (10 Hz) are set past its check; the period is searched at no less than 10 x
``step_band_high_hz`` (40 Hz at the default 4 Hz: a rate below it reads as 40 Hz, REVIEW-194).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from bench_analyze import simulated_shank
from retrogait.analysis import contacts
from retrogait.analysis.blas import single_blas_thread
from retrogait.analysis.load import load_input
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.settings import preset
from retrogait.analysis.vectors import norm_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="10000,100,50", help="internal rates (Hz), the first the reference")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-analyze")
    args = parser.parse_args()
    signals = preprocess(load_input(simulated_shank(60.0, args.data)), "shank")
    size = norm_rows(signals.acc_ms2)
    rates = [float(r) for r in args.rates.split(",")]
    base = preset("shank").contacts
    settings = []
    for rate in rates:
        s = dataclasses.replace(base)
        object.__setattr__(s, "stride_period_rate_hz", rate)  # past the settings' bound (10 Hz)
        settings.append(s)
    cpu: dict[float, list[float]] = {r: [] for r in rates}
    period: dict[float, np.ndarray] = {}
    with single_blas_thread():
        for _ in range(args.repeats):
            for rate, s in zip(rates, settings, strict=True):
                start = time.thread_time()
                period[rate] = contacts._stride_s([size], [], threading.Event(), signals.fs_hz, s)
                cpu[rate].append(1000.0 * (time.thread_time() - start))
    ref = period[rates[0]]
    print(f"stride period of {size.size} samples at {signals.fs_hz:g} Hz, CPU of this thread over {args.repeats} runs")
    for rate in rates:
        moved = 1000.0 * np.abs(period[rate] - ref)
        print(
            f"{rate:7g} Hz: median {statistics.median(cpu[rate]):6.1f} ms, least {min(cpu[rate]):6.1f} ms; "
            f"period moved median {np.median(moved):.1f} ms, 99th pct {np.percentile(moved, 99):.1f},"
            f" max {moved.max():.1f}"
        )


if __name__ == "__main__":
    main()
