"""PERF-133: a long recording's gravity estimate from its columns, with the numbers of the (windows, size, 3) blocks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrogait.imports.inference import MAX_WINDOWS, QUIET_QUANTILE, _windows, gravity_estimate


def blocks_estimate(xyz: np.ndarray, rate_hz: float) -> tuple[float, float, float]:
    """gravity_estimate as it was (b57922d9): the finite rows copied, (windows, size, 3) blocks, numpy's medians."""
    finite = xyz[np.isfinite(xyz).all(axis=1)]
    if finite.shape[0] < 2:
        return math.nan, math.nan, math.nan
    size, count = _windows(finite.shape[0], rate_hz, 1.0)
    with np.errstate(over="ignore", invalid="ignore"):
        blocks = finite[: size * count].reshape(count, size, 3)
        if count > MAX_WINDOWS:
            blocks = blocks[np.linspace(0, count - 1, MAX_WINDOWS).astype(int)]
            finite = blocks.reshape(-1, 3)
        means = blocks.mean(axis=1)
        spread = np.linalg.norm(blocks - means[:, None, :], axis=2).std(axis=1)
        usable = np.isfinite(spread) & np.isfinite(means).all(axis=1)
        if not usable.any():
            return math.nan, math.nan, math.nan
        quiet = usable & (spread <= np.quantile(spread[usable], QUIET_QUANTILE))
        gravity = float(np.median(np.linalg.norm(means[quiet], axis=1)))
        centre = np.median(finite, axis=0)
        motion = float(np.nanpercentile(np.linalg.norm(finite - centre, axis=1), 95))
    return gravity, motion, float(np.median(spread[quiet]))


def bits(values: tuple[float, float, float]) -> list[int]:
    return [int(np.float64(v).view(np.int64)) if not math.isnan(v) else -1 for v in values]


def recording(seed: int, kind: str, layout: str) -> tuple[np.ndarray, float]:
    """A recording of more than MAX_WINDOWS 1 s windows (a low rate keeps it small) with the given oddity."""
    rng = np.random.default_rng(seed)
    rate = float(rng.uniform(8.0, 40.0))
    n = int(rng.uniform(MAX_WINDOWS + 1, 2.5 * MAX_WINDOWS) * max(8, round(rate))) + int(rng.integers(0, 30))
    scale = 10.0 ** rng.uniform(-3, 3)
    xyz = (rng.standard_normal((n, 3)) + np.array([0.0, 0.0, 9.81])) * scale
    if kind == "ties":  # quantised: many equal values, the median among them
        xyz = np.round(xyz / scale * 4.0) / 4.0
    elif kind == "holes":  # rows with a NaN or an infinity left out
        xyz[rng.random(n) < 0.03, rng.integers(0, 3)] = np.nan
        xyz[rng.random(n) < 0.01, rng.integers(0, 3)] = -np.inf
    elif kind == "one hole":  # a single row left out (REVIEW-219): the rows after it move by one
        xyz[n // 3, 1] = np.nan
    elif kind == "zeros":  # zeros of both signs
        xyz[rng.random((n, 3)) < 0.4] = 0.0
        xyz[rng.random((n, 3)) < 0.4] = -0.0
    elif kind == "subnormal":
        xyz = np.round(rng.standard_normal((n, 3)) * 20.0) * 5e-324
    elif kind == "huge":  # overflows to inf in the sums and squares
        xyz[rng.random(n) < 0.005] = 1e308
    if layout == "columns":  # the readers' frames: each axis a contiguous column
        xyz = np.asfortranarray(xyz)
    elif layout == "strided":
        xyz = np.asfortranarray(np.concatenate([xyz, xyz[:, :1]], axis=1))[:, 1:]
    return xyz, rate


@pytest.mark.parametrize("layout", ["rows", "columns", "strided"])
@pytest.mark.parametrize("kind", ["plain", "ties", "holes", "one hole", "zeros", "subnormal", "huge"])
def test_a_long_recordings_gravity_estimate_has_the_bits_of_the_blocks(kind: str, layout: str) -> None:
    for seed in range(3):
        xyz, rate = recording(seed, kind, layout)
        finite = int(np.isfinite(xyz).all(axis=1).sum())
        assert _windows(finite, rate, 1.0)[1] > MAX_WINDOWS  # the path of long recordings
        assert bits(gravity_estimate(xyz, rate)) == bits(blocks_estimate(xyz, rate)), (kind, layout, seed)


def test_a_short_recordings_gravity_estimate_is_unchanged() -> None:
    rng = np.random.default_rng(5)
    for n in (2, 9, 50, 400, 3000):
        xyz = rng.standard_normal((n, 3)) + np.array([0.0, 9.81, 0.0])
        xyz[rng.random(n) < 0.05] = np.nan
        assert bits(gravity_estimate(xyz, 100.0)) == bits(blocks_estimate(xyz, 100.0))


@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_a_long_recording_of_another_dtype_has_the_bits_of_the_blocks(dtype: type) -> None:
    """REVIEW-218: a recording of float32 (or integer) values: the long path's median per axis came back as a
    Python float, so its motion (|row - centre|'s 95th percentile) was computed in float64 where the blocks' is in
    float32: other bits. Values of another dtype than float64 take the code as it was."""
    rng = np.random.default_rng(218)
    rate = 8.0
    n = (MAX_WINDOWS + 3) * 8 + 5
    xyz = ((rng.standard_normal((n, 3)) + np.array([0.0, 0.0, 9.81])) * 100.0).astype(dtype)
    assert _windows(n, rate, 1.0)[1] > MAX_WINDOWS
    for given in (xyz, np.asfortranarray(xyz)):
        assert bits(gravity_estimate(given, rate)) == bits(blocks_estimate(given, rate))
