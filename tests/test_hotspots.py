"""The fast paths of the analysis give the numbers of the plain code they replace, bit for bit (PERF-4)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from retrogait.analysis import world_vertical
from retrogait.analysis.blas import single_blas_thread
from retrogait.analysis.signals import BodySignals
from retrogait.analysis.still import still_mask
from retrogait.analysis.vectors import gradient_norm_rows, norm_rows
from retrogait.analysis.world_vertical import world_vertical_motion
from retrogait.analysis.zupt import gravity_pitch_rad
from retrogait.conventions import STANDARD_GRAVITY_MS2


def _signal(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    acc = rng.normal(0.0, 3.0, (n, 3)) * rng.lognormal(0.0, 1.0, (n, 1))
    acc[:, 2] += STANDARD_GRAVITY_MS2
    acc[n // 3 : n // 2] = [0.3, -0.2, 9.8] + rng.normal(0.0, 0.02, (n // 2 - n // 3, 3))  # standing
    return acc, rng.normal(0.0, 150.0, (n, 3))


def test_norm_rows_is_numpys_norm() -> None:
    acc, gyr = _signal(10_001)
    table = np.hstack([acc[:, :1], acc, gyr])  # a session's (n, 7) values: its acc and gyr are strided views
    for v in (acc, gyr, acc * 1e-200, acc * 1e150, np.zeros((0, 3)), table[:, 1:4], np.asfortranarray(gyr)):
        assert np.array_equal(norm_rows(v), np.linalg.norm(v, axis=1))


@pytest.mark.parametrize("n", [2, 3, 5, 10_001])
def test_gradient_norm_rows_is_the_norm_of_numpys_gradient(n: int) -> None:
    """PERF-12: a column at a time, without the (n, 3) gradient; the same bits."""
    acc, gyr = _signal(n, seed=n)
    table = np.hstack([acc[:, :1], acc, gyr])
    for v in (acc, gyr * 1e-160, acc * 1e150, table[:, 4:7]):
        assert np.array_equal(gradient_norm_rows(v), norm_rows(np.gradient(v, axis=0)))
    v = acc.copy()
    v[n // 2, 1] = np.nan
    assert np.array_equal(gradient_norm_rows(v), norm_rows(np.gradient(v, axis=0)), equal_nan=True)


def _still_reference(acc: np.ndarray, fs_hz: float, window_s: float, std_ms2: float) -> np.ndarray:
    """The still mask as first written (gathers of two running sums)."""
    norm = np.linalg.norm(acc, axis=1)
    w = max(3, round(window_s * fs_hz))
    csum = np.concatenate([[0.0], np.cumsum(norm - norm.mean())])
    csq = np.concatenate([[0.0], np.cumsum((norm - norm.mean()) ** 2)])
    half = w // 2
    idx = np.arange(norm.size)
    lo = np.clip(idx - half, 0, norm.size)
    hi = np.clip(idx + half + 1, 0, norm.size)
    mean = (csum[hi] - csum[lo]) / (hi - lo)
    var = np.maximum((csq[hi] - csq[lo]) / (hi - lo) - mean**2, 0.0)
    return np.asarray(np.sqrt(var) < std_ms2)


@pytest.mark.parametrize("n", [1, 2, 4, 7, 40, 20_000])
@pytest.mark.parametrize(("window_s", "std_ms2"), [(0.5, 0.3), (1.0, 0.5), (0.001, 0.2), (3.0, 2.0)])
def test_still_mask_is_the_reference(n: int, window_s: float, std_ms2: float) -> None:
    acc, _ = _signal(n)
    expected = _still_reference(acc, 100.0, window_s, std_ms2)
    assert np.array_equal(still_mask(acc, 100.0, window_s, std_ms2), expected)
    assert expected.any() or n < 100  # the standing third is found


def test_body_signals_share_one_still_mask() -> None:
    acc, gyr = _signal(5_000)
    signals = BodySignals.uniform(acc, gyr, 100.0, "shank")
    first = signals.still_mask(0.5, 0.3)
    assert signals.still_mask(0.5, 0.3) is first  # computed once
    assert np.array_equal(first, still_mask(acc, 100.0, 0.5, 0.3))
    assert np.array_equal(signals.still_mask(1.0, 0.5), still_mask(acc, 100.0, 1.0, 0.5))
    assert len([k for k in signals._memo if k[0] == "still"]) == 2


def _vertical_reference(acc, gyr, fs, rest_idx, with_velocity=True, max_stride_s=2.5):  # type: ignore[no-untyped-def]
    """world_vertical_motion as a loop over strides (as first written)."""
    n = acc.shape[0]
    up = acc[:, 2] - STANDARD_GRAVITY_MS2
    vel = np.full(n, np.nan) if with_velocity else None
    a, b = rest_idx[:-1], rest_idx[1:]
    ok = (a >= 0) & (b > a) & (b - a <= max_stride_s * fs)
    a, b = a[ok], b[ok]
    if a.size == 0:
        return up, vel
    cum = np.concatenate([[0.0], np.cumsum(gyr[:, 1])]) * (np.pi / 180.0 / fs)
    theta_a = gravity_pitch_rad(acc, a, fs)
    drift = theta_a + cum[b] - cum[a] - gravity_pitch_rad(acc, b, fs)
    for k in range(a.size):
        lo, hi = int(a[k]), int(b[k])
        frac = np.arange(hi - lo) / (hi - lo)
        theta = theta_a[k] + (cum[lo:hi] - cum[lo]) - drift[k] * frac
        seg = -acc[lo:hi, 0] * np.sin(theta) + acc[lo:hi, 2] * np.cos(theta) - STANDARD_GRAVITY_MS2
        up[lo:hi] = seg
        if vel is not None:
            v = np.cumsum(seg) / fs
            vel[lo:hi] = v - v[-1] * (frac + 1.0 / (hi - lo))
    return up, vel


@pytest.mark.parametrize("chunk", [world_vertical.CHUNK_SAMPLES, 300, 1])
def test_world_vertical_motion_is_the_stride_loop(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(world_vertical, "CHUNK_SAMPLES", chunk)
    acc, gyr = _signal(30_000, seed=3)
    rng = np.random.default_rng(4)
    regular = np.sort(rng.choice(30_000, 200, replace=False)).astype(np.int64)
    for rest in (
        regular,
        np.array([5, 100, 50, 400, 399, 800, 2000, 2001, 5000, 5600]),
        regular[:1],
        np.array([-1, 30]),
    ):
        for with_velocity in (True, False):
            up, vel = world_vertical_motion(acc, gyr, 100.0, rest, with_velocity)
            ref_up, ref_vel = _vertical_reference(acc, gyr, 100.0, rest, with_velocity)
            assert np.array_equal(up, ref_up)
            assert (vel is None and ref_vel is None) or np.array_equal(vel, ref_vel, equal_nan=True)


def test_single_blas_thread_restores_the_callers_threads() -> None:
    from threadpoolctl import threadpool_info

    before = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    with single_blas_thread(), single_blas_thread():
        assert all(lib["num_threads"] == 1 for lib in threadpool_info() if lib["user_api"] == "blas")
    assert [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"] == before


def test_interval_sums_are_the_samples_between_contacts() -> None:
    """stepwindows.interval_sums: sorted edges (with repeats and the signal's end) by reduceat, unsorted by running
    sums; both equal the direct sums to rounding (the running sums of the old code differ from them by more)."""
    from retrogait.analysis.stepwindows import interval_sums

    x, _ = _signal(500, seed=3)
    for edges in ([0, 10, 10, 250, 499, 500], [3, 3, 3], [500, 500], [40, 7, 300, 120], [0, 500]):
        e = np.asarray(edges)
        pairs = itertools.pairwise(e.tolist())
        direct = np.array([x[a:b].sum(axis=0) if b >= a else -x[b:a].sum(axis=0) for a, b in pairs])
        assert np.allclose(interval_sums(x, e), direct.reshape(-1, 3), rtol=1e-12, atol=1e-9)
