"""What three more stages would shed at a lower internal rate or in float32, and what it would change (PERF-119..121).

Usage: python scripts/probe_lower_rates.py [--repeats 7] [--data DIR]
       python scripts/probe_lower_rates.py --still-rate-hz 50 -- scripts/validate.py [ARGS]
On ``bench_analyze.py``'s simulated shank hour (200 Hz), one thread, CPU of this thread (``time.thread_time``,
medians of ``--repeats``), each variant alternated with today's in one process; none of them is in the analysis:
- the still mask (std of |a| over ``still.window_s`` below ``still.std_ms2``) from every 4th sample (50 Hz, a standard
  deviation needs no anti-alias filter, as the gait gate's) put back on every sample, against every sample; also on
  sample_data's foot, shank and lower back: the samples whose mask differs (PERF-119);
- the effort's running total (``effort.accumulated_change_g``, 20 Hz low-pass) of the acceleration averaged over
  blocks of 2 and 4 samples (100 and 50 Hz): CPU, and the effort of 10 s and 0.7 s windows against 200 Hz (PERF-120);
- one pass of the zero-phase filter's block recursion (``dsp.zerophase._filter``) in float32 against float64 on |a|
  (a 40 Hz 2nd-order low-pass: the world-vertical jerk's): CPU and the largest error (PERF-121).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bench_analyze import simulated_shank
from retrogait.analysis.blas import single_blas_thread
from retrogait.analysis.effort import accumulated_change_g
from retrogait.analysis.filters import _butter_sos
from retrogait.analysis.load import load_input
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.settings import StillSettings
from retrogait.analysis.still import still_masks_of_norm
from retrogait.analysis.vectors import norm_rows
from retrogait.dsp import zerophase

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"


def cpu_ms(calls: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median CPU (ms, this thread) of each call, the calls alternated ``repeats`` times."""
    spent: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            start = time.thread_time()
            call()
            spent[name].append(1000.0 * (time.thread_time() - start))
    return {name: statistics.median(values) for name, values in spent.items()}


def still_low(size: NDArray[np.float64], fs: float, k: int, still: StillSettings) -> NDArray[np.bool_]:
    """The still mask from every k-th sample of |a|, each value repeated over its k samples."""
    sparse = still_masks_of_norm(size[::k], fs / k, [(still.window_s, still.std_ms2)])[0]
    return np.repeat(sparse, k)[: size.size]


def still_mask_probe(size: NDArray[np.float64], fs: float, repeats: int) -> None:
    still = StillSettings()
    ms = cpu_ms(
        {
            "every sample": lambda: still_masks_of_norm(size, fs, [(still.window_s, still.std_ms2)]),
            "every 4th": lambda: still_low(size, fs, 4, still),
        },
        repeats,
    )
    full = still_masks_of_norm(size, fs, [(still.window_s, still.std_ms2)])[0]
    differ = int(np.count_nonzero(full != still_low(size, fs, 4, still)))
    print(f"still mask, bench hour: {ms['every sample']:.1f} -> {ms['every 4th']:.1f} ms; {differ} samples differ")
    for name, placement in (
        ("foot_mixed", "foot"),
        ("shank_forward_backward_forward", "shank"),
        ("lower_back_mixed", "lower_back"),
    ):
        signals = preprocess(load_input(SAMPLES / f"{name}.csv"), placement)
        a = norm_rows(signals.acc_ms2)
        k = max(1, int(signals.fs_hz * 1.01 / 50.0))
        mask = still_masks_of_norm(a, signals.fs_hz, [(still.window_s, still.std_ms2)])[0]
        edges = int(np.count_nonzero(np.diff(mask.astype(np.int8))))
        differ = int(np.count_nonzero(mask != still_low(a, signals.fs_hz, k, still)))
        print(f"  {name} ({signals.fs_hz:g} Hz, every {k}th): {edges} mask edges, {differ} of {a.size} samples differ")


def blocks(t_s: NDArray[np.float64], acc: NDArray[np.float64], k: int) -> tuple[NDArray[np.float64], ...]:
    """Times and acceleration averaged over blocks of k samples (a boxcar anti-alias, then every k-th)."""
    used = t_s.size // k * k
    t = sum(t_s[j:used:k] for j in range(k)) / k
    a = sum(acc[j:used:k] for j in range(k)) / k
    return np.asarray(t), np.asarray(a)


def effort_probe(t_s: NDArray[np.float64], acc: NDArray[np.float64], repeats: int) -> None:
    total = {1: (t_s, accumulated_change_g(t_s, acc, cutoff_hz=20.0))}
    calls: dict[str, Callable[[], object]] = {"200 Hz": lambda: accumulated_change_g(t_s, acc, cutoff_hz=20.0)}
    for k in (2, 4):
        tk, ak = blocks(t_s, acc, k)
        total[k] = (tk, accumulated_change_g(tk, ak, cutoff_hz=20.0))
        calls[f"{200 // k} Hz"] = lambda k=k: accumulated_change_g(*blocks(t_s, acc, k), cutoff_hz=20.0)
    ms = cpu_ms(calls, repeats)
    t_ref, ref = total[1]
    for k, (tk, values) in total.items():
        parts = []
        for window_s in (10.0, 0.7):
            edges = np.arange(t_s[0] + 1.0, t_s[-1] - 1.0, window_s)
            change = np.diff(np.interp(edges, tk, values)) / np.diff(np.interp(edges, t_ref, ref)) - 1.0
            lo, mid, hi = (100.0 * np.percentile(change, q) for q in (5, 50, 95))
            parts.append(f"{window_s:g} s windows {mid:+.1f} % (5-95 % {lo:+.1f}..{hi:+.1f})")
        print(f"effort, {200 // k} Hz: {ms[f'{200 // k} Hz']:.1f} ms (blocks included); " + "; ".join(parts))


def filter_pass(plan: zerophase._Plan, src: NDArray[np.floating], dtype: type) -> NDArray[np.floating]:
    """``zerophase._filter`` with its matrices and work arrays in ``dtype``."""
    n_state, size = plan.zi.size, zerophase.BLOCK
    dst = np.empty(src.size, dtype)
    work = np.empty((min(zerophase.CHUNK, -(-src.size // size) * size) // size, size + n_state), dtype)
    inject, weights = plan.inject.astype(dtype), plan.weights.astype(dtype)
    jumps = [j.astype(dtype) for j in plan.jumps]
    carry = plan.zi.astype(dtype) * src[0]
    for start in range(0, src.size, zerophase.CHUNK):
        chunk = src[start : start + zerophase.CHUNK]
        used, full = -(-chunk.size // size), chunk.size // size
        block = work[:used]
        block[:full, :size] = chunk[: full * size].reshape(full, size)
        if full < used:
            block[full, : chunk.size - full * size] = chunk[full * size :]
            block[full, chunk.size - full * size : size] = 0.0
        leaving = block[:, :size] @ inject
        states = np.empty((used, n_state), dtype)
        states[0], states[1:] = carry, leaving[:-1]
        shift = 1
        for jump in jumps:
            if shift >= used:
                break
            states[shift:] += states[:-shift] @ jump.T
            shift *= 2
        carry = jumps[0] @ states[-1] + leaving[-1]
        block[:, size:] = states
        dst[start : start + chunk.size] = (block @ weights).reshape(-1)[: chunk.size]
    return dst


def float32_probe(size: NDArray[np.float64], repeats: int) -> None:
    sos = _butter_sos(2, 40.0, 200.0, "low")
    plan = zerophase._plan(np.ascontiguousarray(sos).tobytes(), len(sos))
    single = size.astype(np.float32)
    ms = cpu_ms(
        {
            "float64": lambda: filter_pass(plan, size, np.float64),
            "float32": lambda: filter_pass(plan, single, np.float32),
        },
        repeats,
    )
    today = np.empty_like(size)
    zerophase._filter(plan, size, today)
    same = np.array_equal(today, filter_pass(plan, size, np.float64))
    err = np.abs(filter_pass(plan, single, np.float32) - today)
    print(
        f"zero-phase pass of {size.size} samples: float64 {ms['float64']:.1f} -> float32 {ms['float32']:.1f} ms "
        f"(float64 copy = today's: {same}); float32 error max {err.max():.1e}, median {np.median(err):.1e} m/s^2 "
        f"(|a| median {np.median(size):.1f})"
    )


def run_with_sparse_still_masks(rate_hz: float, script: list[str]) -> None:
    """Run another script (``script``: its path and arguments) with every still mask of the offline analysis taken from
    every k-th sample of |a| (k: the largest whole factor keeping ``rate_hz``; the gait gate's own as it is)."""
    import runpy
    import sys

    from retrogait.analysis import signals, still
    from retrogait.analysis.filters import decimation_step

    plain = still.still_masks_of_norm

    def sparse(norm: NDArray[np.float64], fs_hz: float, windows: list[tuple[float, float]]) -> list[NDArray[np.bool_]]:
        k = decimation_step(fs_hz, rate_hz)
        if k == 1 or norm.size < k:
            return plain(norm, fs_hz, windows)
        return [np.repeat(m, k)[: norm.size] for m in plain(norm[::k], fs_hz / k, windows)]

    def mask(acc_ms2: NDArray[np.float64], fs_hz: float, window_s: float, std_ms2: float) -> NDArray[np.bool_]:
        return sparse(norm_rows(acc_ms2), fs_hz, [(window_s, std_ms2)])[0]

    signals.still_masks_of_norm = sparse  # type: ignore[assignment]  # BodySignals.still_mask
    still.still_mask = mask  # type: ignore[assignment]
    from retrogait.analysis import preprocess as preprocess_module

    preprocess_module.still_mask = mask  # type: ignore[attr-defined]  # preprocessing's sensor-frame mask
    sys.argv = script
    runpy.run_path(script[0], run_name="__main__")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-analyze")
    parser.add_argument(
        "--still-rate-hz", type=float, help="run the script after -- with the offline still masks at this rate"
    )
    parser.add_argument("script", nargs=argparse.REMAINDER, help="-- SCRIPT ARGS (with --still-rate-hz)")
    args = parser.parse_args()
    if args.still_rate_hz is not None:
        run_with_sparse_still_masks(args.still_rate_hz, args.script[1:] if args.script[:1] == ["--"] else args.script)
        return
    signals = preprocess(load_input(simulated_shank(60.0, args.data)), "shank")
    size = norm_rows(signals.acc_ms2)
    with single_blas_thread():
        still_mask_probe(size, signals.fs_hz, args.repeats)
        effort_probe(signals.t_s, np.ascontiguousarray(signals.acc_ms2), args.repeats)
        float32_probe(size, args.repeats)


if __name__ == "__main__":
    main()
