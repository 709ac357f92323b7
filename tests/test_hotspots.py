"""The fast paths of the analysis give the numbers of the plain code they replace, bit for bit (PERF-4)."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest

from retrogait.analysis import contacts, filters, foot_landing, trunk_walk_contacts, world_vertical
from retrogait.analysis import preprocess as preprocess_module
from retrogait.analysis.blas import single_blas_thread
from retrogait.analysis.contacts import detect_contacts
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.settings import ContactsSettings
from retrogait.analysis.signals import BodySignals
from retrogait.analysis.still import still_mask
from retrogait.analysis.vectors import gate_norm_rows, gradient_norm_rows, norm_rows
from retrogait.analysis.world_vertical import world_vertical_motion
from retrogait.analysis.zupt import gravity_pitch_rad, stride_pitch, stride_pitch_blocks
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.simulate import Bout, SimulationConfig, simulate


def _signal(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    acc = rng.normal(0.0, 3.0, (n, 3)) * rng.lognormal(0.0, 1.0, (n, 1))
    acc[:, 2] += STANDARD_GRAVITY_MS2
    acc[n // 3 : n // 2] = [0.3, -0.2, 9.8] + rng.normal(0.0, 0.02, (n // 2 - n // 3, 3))  # standing
    return acc, rng.normal(0.0, 150.0, (n, 3))


@pytest.mark.parametrize("n", [1, 8191, 8192, 10_001, 3 * 8192 + 1])
def test_norm_rows_is_numpys_norm(n: int) -> None:
    """PERF-22: C-ordered arrays a block of rows at a time (sizes about the block's), others a column at a time."""
    acc, gyr = _signal(n, seed=n)
    table = np.hstack([acc[:, :1], acc, gyr])  # a session's (n, 7) values: its acc and gyr are strided views
    with_nan = acc.copy()
    with_nan[n // 2, 1] = np.nan
    for v in (acc, gyr, acc * 1e-200, acc * 1e150, np.zeros((0, 3)), table[:, 1:4], np.asfortranarray(gyr)):
        assert np.array_equal(norm_rows(v), np.linalg.norm(v, axis=1))
    assert np.array_equal(norm_rows(with_nan), np.linalg.norm(with_nan, axis=1), equal_nan=True)
    single = acc.astype(np.float32)  # keeps its precision, as numpy's norm does
    assert norm_rows(single).dtype == np.float32
    assert np.array_equal(norm_rows(single), np.linalg.norm(single, axis=1))


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


@pytest.mark.parametrize("n", [2, 7, 20_000])
def test_still_masks_from_one_running_sum_are_each_the_reference(n: int) -> None:
    """PERF-80: several windows' masks from one set of running sums are each the mask of the first-written code."""
    from retrogait.analysis.still import still_masks_of_norm

    acc, _ = _signal(n)
    windows = [(0.5, 0.3), (1.0, 0.5), (0.001, 0.2), (3.0, 2.0)]
    masks = still_masks_of_norm(norm_rows(acc), 100.0, windows)
    for (window_s, std_ms2), mask in zip(windows, masks, strict=True):
        assert np.array_equal(mask, _still_reference(acc, 100.0, window_s, std_ms2))


def _counted_still_masks(monkeypatch: pytest.MonkeyPatch) -> list[list[tuple[float, float]]]:
    """The windows of each ``still_masks_of_norm`` call from now on (the body signals' shared running sums, PERF-80)."""
    import retrogait.analysis.signals as signals_module

    calls: list[list[tuple[float, float]]] = []
    takes = signals_module.still_masks_of_norm

    def counted(norm: np.ndarray, fs_hz: float, windows: list[tuple[float, float]]) -> list[np.ndarray]:
        calls.append(list(windows))
        return takes(norm, fs_hz, windows)

    monkeypatch.setattr(signals_module, "still_masks_of_norm", counted)
    return calls


@pytest.mark.parametrize("n", [6_000, 6_003])
def test_a_still_mask_asked_for_ahead_comes_from_the_first_mask_s_sums(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-80: ``want_still`` has the first still mask computed also compute the wanted one, from the same |a| and
    running sums (one |a|, one accumulation for both); each the mask it is alone; a wanted mask already there or the
    one asked for is not computed again. ``n`` not a multiple of 8: the bits unpacked to n samples (REVIEW-145)."""

    acc, gyr = _signal(n)
    size = norm_rows(acc)
    signals = BodySignals.uniform(acc, gyr, 100.0, "shank")
    signals.want_still(1.0, 0.5)
    signals.want_still(1.0, 0.5)  # asked for twice: computed once
    signals.want_still(0.5, 0.3)  # the one asked for first: computed once
    sums = np.cumsum
    calls = _counted_still_masks(monkeypatch)
    cumsums: list[int] = []
    monkeypatch.setattr(np, "cumsum", lambda *a, **k: cumsums.append(1) or sums(*a, **k))
    first = signals.still_mask(0.5, 0.3, size)
    assert calls == [[(0.5, 0.3), (1.0, 0.5)]] and len(cumsums) == 1
    assert ("still", 1.0, 0.5) not in signals._memo  # a bit a sample until asked for
    assert signals._memo[("still_bits", 1.0, 0.5)].nbytes == -(-acc.shape[0] // 8)
    assert np.array_equal(first, still_mask(acc, 100.0, 0.5, 0.3))
    assert np.array_equal(signals.still_mask(1.0, 0.5), still_mask(acc, 100.0, 1.0, 0.5))
    signals.want_still(1.0, 0.5)  # already there: nothing more is computed
    signals.still_mask(2.0, 0.4)
    assert calls[1:] == [[(2.0, 0.4)]]


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


def test_start_and_end_pitches_from_one_running_sum_per_axis(monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-39: a stride's start and end pitch come from one running sum of each axis (two, not four), bit for bit."""
    from retrogait.analysis import zupt

    acc, _ = _signal(30_000, seed=5)
    rng = np.random.default_rng(6)
    for size in (1, 7, 200, 1001):
        first = rng.integers(-3, 30_003, size)
        second = rng.integers(-3, 30_003, size + 1)[1:]
        for fs in (100.0, 200.0, 1000.0):
            a, b = zupt.gravity_pitches_rad(acc, first, second, fs)
            assert np.array_equal(a, gravity_pitch_rad(acc, first, fs), equal_nan=True)
            assert np.array_equal(b, gravity_pitch_rad(acc, second, fs), equal_nan=True)
    sums: list[int] = []
    real = zupt.window_mean
    monkeypatch.setattr(zupt, "window_mean", lambda *args: sums.append(1) or real(*args))
    rest = np.arange(100, 29_000, 150, dtype=np.int64)
    world_vertical_motion(acc, _signal(30_000, seed=7)[1], 100.0, rest)
    assert len(sums) == 2
    sums.clear()
    stride_pitch(acc, _signal(30_000, seed=7)[1], 100.0, rest)
    assert len(sums) == 2


@pytest.mark.parametrize("chunk", [world_vertical.CHUNK_SAMPLES, 300, 1])
def test_world_vertical_motion_is_the_stride_loop(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(world_vertical, "CHUNK_SAMPLES", chunk)
    acc, gyr = _signal(30_000, seed=3)
    rng = np.random.default_rng(4)
    regular = np.sort(rng.choice(30_000, 200, replace=False)).astype(np.int64)
    in_a_row = np.arange(100, 29_000, 150, dtype=np.int64)  # strides back to back: their samples one slice (PERF-59)
    for rest in (
        regular,
        in_a_row,
        np.concatenate([in_a_row[:50], in_a_row[60:]]),  # a pause: back to back on either side of it
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


# ---------------------------------------------------------------- PERF-14: the direction's fast paths


def _moving_average_reference(x: np.ndarray, width: int) -> np.ndarray:
    """The index-gathering moving average zupt.moving_average had before PERF-14."""
    width = max(int(width), 1)
    if width == 1 or x.size == 0:
        return x.astype(np.float64)
    csum = np.concatenate([[0.0], np.cumsum(x, dtype=np.float64)])
    n = x.shape[0]
    half = width // 2
    lo = np.clip(np.arange(n) - half, 0, n)
    hi = np.clip(np.arange(n) - half + width, 0, n)
    return np.asarray((csum[hi] - csum[lo]) / np.maximum(hi - lo, 1), dtype=np.float64)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 8, 9, 101, 5_000])
def test_moving_average_by_slices_is_the_gathering_one(n: int) -> None:
    from retrogait.analysis.zupt import moving_average, running_sum

    acc, _ = _signal(max(n, 3), seed=n)
    for x in (acc[:n, 1], np.ascontiguousarray(acc[:n, 2]) * 1e-3, np.arange(n) % 7):
        for width in (0, 1, 2, 3, 4, 8, 9, 100, 6_000):
            expected = _moving_average_reference(x, width)
            for got in (moving_average(x, width), moving_average(x, width, running_sum(x))):
                assert got.dtype == np.float64
                assert np.array_equal(got, expected) and np.array_equal(np.signbit(got), np.signbit(expected))


def _window_matrix_reference(x, start, stop, fill=np.nan, max_len=None):  # type: ignore[no-untyped-def]
    """stepwindows.window_matrix before PERF-14: every sample gathered by an index matrix."""
    n = x.shape[0]
    lo, hi = np.clip(start, 0, n), np.clip(stop, 0, n)
    length = np.maximum(hi - lo, 0)
    width = int(length.max()) if length.size else 0
    width = max(min(width, max_len) if max_len is not None else width, 1)
    offsets = np.arange(width)
    mask = offsets[None, :] < length[:, None]
    idx = lo[:, None] + offsets[None, :]
    vals = np.where(mask, x[np.minimum(idx, max(n - 1, 0))], fill) if x.size else np.full(idx.shape, fill)
    return vals.astype(np.float64), mask


def test_window_matrix_and_extremes_are_the_gathering_ones() -> None:
    """Sliding-view rows, argmin without negation and both extremes from one matrix (PERF-14) pick the
    samples of the index-gathering code: NaN, +-inf, +-0 and ties, windows past either end, capped rows."""
    from retrogait.analysis import stepwindows as sw

    rng = np.random.default_rng(14)
    for trial in range(300):
        n = int(rng.integers(0, 80))
        x = np.round(rng.normal(size=n) * 3.0) if trial % 2 else rng.normal(size=n)
        if n:
            x[rng.integers(0, n, 4)] = rng.choice([np.nan, 0.0, -0.0, np.inf, -np.inf], 4)
        m = int(rng.integers(0, 9))
        start = rng.integers(-5, n + 5, m)
        stop = start + rng.integers(-3, 40, m)
        for signal in (x, np.column_stack([x, -x])[:, 1]):
            for max_len in (None, 1, 7):
                for fill in (np.nan, -np.inf, np.inf):
                    got, got_mask = sw.window_matrix(signal, start, stop, fill, max_len)
                    want, want_mask = _window_matrix_reference(signal, start, stop, fill, max_len)
                    assert np.array_equal(got, want, equal_nan=True) and np.array_equal(got_mask, want_mask)
                    assert np.array_equal(np.signbit(got), np.signbit(want))
                assert np.array_equal(
                    sw.window_argmin(signal, start, stop, max_len), sw.window_argmax(-signal, start, stop, max_len)
                )
                high, low = sw.window_extremes(signal, start, stop, max_len)
                assert np.array_equal(high, sw.window_max(signal, start, stop, max_len), equal_nan=True)
                assert np.array_equal(low, -sw.window_max(-signal, start, stop, max_len), equal_nan=True)


def test_selected_heading_changes_are_the_whole_computations() -> None:
    """turns.heading_changes_deg(needed=...): the needed intervals, each summed from its own samples, bit
    for bit as in the whole computation (sorted contacts with repeats and the signal's end; a gap)."""
    from retrogait.analysis.turns import heading_changes_deg

    acc, gyr = _signal(3_000, seed=7)
    signals = BodySignals.uniform(acc, gyr, 100.0, "shank")
    gap = np.zeros(3_000, dtype=bool)
    gap[1_000:1_040] = True
    rng = np.random.default_rng(2)
    for sig in (signals, dataclasses.replace(signals, gap=gap)):
        for ic in (np.sort(rng.integers(0, 3_000, 60)), np.array([0, 5, 5, 2_999, 3_000, 3_000]), np.array([9, 3])):
            whole = heading_changes_deg(sig, ic)
            assert whole is not None
            for needed in (rng.random(ic.size - 1) < 0.3, np.ones(ic.size - 1, bool), np.zeros(ic.size - 1, bool)):
                got = heading_changes_deg(sig, ic, needed)
                assert got is not None
                assert np.array_equal(got, np.where(needed, whole, np.nan), equal_nan=True)


def _smooth_states_reference(log_likelihood: np.ndarray, switch: np.ndarray) -> np.ndarray:
    """travel.smooth_states before PERF-14 (tuples of rows, max(), the link's factors per step)."""
    import math

    m = log_likelihood.shape[0]
    ev = np.nan_to_num(np.asarray(log_likelihood, dtype=np.float64))
    e0, e1, e2 = ev[:, 0].tolist(), ev[:, 1].tolist(), ev[:, 2].tolist()
    pl = np.clip(np.asarray(switch, dtype=np.float64), 0.0, 2.0 / 3.0).tolist()
    a0, a1, a2 = e0[0], e1[0], e2[0]
    top = max(a0, a1, a2)
    a0, a1, a2 = a0 - top, a1 - top, a2 - top
    fwd = [(a0, a1, a2)]
    for i in range(1, m):
        x0, x1, x2 = math.exp(a0), math.exp(a1), math.exp(a2)
        p = pl[i - 1]
        share, stay = 0.5 * p * (x0 + x1 + x2), 1.0 - 1.5 * p
        a0 = math.log(stay * x0 + share) + e0[i]
        a1 = math.log(stay * x1 + share) + e1[i]
        a2 = math.log(stay * x2 + share) + e2[i]
        top = max(a0, a1, a2)
        a0, a1, a2 = a0 - top, a1 - top, a2 - top
        fwd.append((a0, a1, a2))
    bwd = [(0.0, 0.0, 0.0)]
    b0 = b1 = b2 = 0.0
    for i in range(m - 2, -1, -1):
        x0, x1, x2 = math.exp(b0 + e0[i + 1]), math.exp(b1 + e1[i + 1]), math.exp(b2 + e2[i + 1])
        p = pl[i]
        share, stay = 0.5 * p * (x0 + x1 + x2), 1.0 - 1.5 * p
        b0, b1, b2 = math.log(stay * x0 + share), math.log(stay * x1 + share), math.log(stay * x2 + share)
        top = max(b0, b1, b2)
        b0, b1, b2 = b0 - top, b1 - top, b2 - top
        bwd.append((b0, b1, b2))
    post = np.array(fwd) + np.array(bwd[::-1])
    post -= post.max(axis=1, keepdims=True)
    prob = np.exp(post)
    return np.asarray(prob / prob.sum(axis=1, keepdims=True), dtype=np.float64)


def test_smoother_is_the_per_step_one() -> None:
    from retrogait.analysis.travel import smooth_states

    rng = np.random.default_rng(5)
    for trial in range(150):
        m = int(rng.integers(1, 200))
        ev = rng.normal(0.0, 3.0, (m, 3)) * (20.0 if trial % 6 == 0 else 1.0)
        ev = np.round(ev) if trial % 3 == 0 else ev  # ties between states
        ev[rng.random((m, 3)) < 0.1] = np.nan if trial % 5 == 0 else 0.0
        switch = rng.choice([0.0, 2.0 / 3.0, 0.01, 1.0, -0.5], m - 1) if trial % 2 else rng.random(m - 1) * 0.7
        assert np.array_equal(smooth_states(ev, switch), _smooth_states_reference(ev, switch))


def test_stride_vector_helpers_are_numpys_numbers() -> None:
    """The block-major strapdown's pieces (PERF-14): block tables hold _block_sums' sums, the row-by-row
    running sums are np.cumsum's, _sinc is np.sinc's, the centred rows are nanmean's."""
    from retrogait.analysis.shank_rotation import _centred_rows
    from retrogait.analysis.stride_vectors import _block_sums, _block_tables, _blocks, _cumsum_rows, _sinc

    acc, gyr = _signal(3_000, seed=11)
    for a, b in (([100, 400, 900], [400, 900, 1500]), ([100, 50, 900], [400, 300, 2999]), ([0], [3_000])):
        lo, hi = _blocks(np.array(a), np.array(b), 4)
        tables, column = _block_tables((acc, gyr), (0.01, 0.5), lo, hi)
        assert np.array_equal(tables[0][:, column], _block_sums(acc, lo, hi) * 0.01)
        assert np.array_equal(tables[1][:, column], _block_sums(gyr, lo, hi) * 0.5)
    blocks = acc.reshape(3, 150, 20)
    assert np.array_equal(_cumsum_rows(blocks, axis=1), np.cumsum(blocks, axis=1))
    assert np.array_equal(_cumsum_rows(blocks[0]), np.cumsum(blocks[0], axis=0))
    angles = np.concatenate([[0.0, -0.0, 1e-300], acc[:, 0] * 0.01])
    assert np.array_equal(_sinc(angles / np.pi), np.sinc(angles / np.pi))
    rows = acc.reshape(300, 30).copy()
    rows[rows > 4.0] = np.nan
    rows[7] = np.nan
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning, match="empty slice"):
        expected = rows - np.nanmean(rows, axis=1)[:, None]
    assert np.array_equal(_centred_rows(rows.copy()), expected, equal_nan=True)


def _sole_speed_reference(
    acc: np.ndarray, gyr: np.ndarray, fs: float, rest: np.ndarray, reach: float, depth: float
) -> np.ndarray:
    """The lowest sole speed as first written (IMPACT-7): every stride's samples at once."""
    a, b = rest[:-1], rest[1:]
    valid = (a >= 0) & (b > a) & ((b - a) <= 2.5 * fs)
    a, b = a[valid], b[valid]
    out = np.full(acc.shape[0], np.nan)
    if a.size == 0:
        return out
    lengths = b - a
    seg = np.repeat(np.arange(a.shape[0]), lengths)
    seg_start = np.cumsum(lengths) - lengths
    samples = a[seg] + (np.arange(int(lengths.sum())) - seg_start[seg])
    frac = (samples - a[seg]) / np.maximum(lengths[seg], 1)
    cum_omega = np.concatenate([[0.0], np.cumsum(np.deg2rad(gyr[:, 1]) / fs)])
    theta_a, theta_b = gravity_pitch_rad(acc, a, fs), gravity_pitch_rad(acc, b, fs)
    drift = theta_a + (cum_omega[b] - cum_omega[a]) - theta_b
    theta = theta_a[seg] + (cum_omega[samples] - cum_omega[a[seg]]) - drift[seg] * frac
    fx, fz = acc[samples, 0], acc[samples, 2]
    cos_t, sin_t = np.cos(theta), np.sin(theta)
    level = []
    for comp in (fx * cos_t + fz * sin_t, -fx * sin_t + fz * cos_t - STANDARD_GRAVITY_MS2):
        csum = np.cumsum(comp)
        vel = (csum - np.concatenate([[0.0], csum])[seg_start][seg]) / fs
        end_vel = vel[seg_start + lengths - 1]
        level.append(vel - end_vel[seg] * (frac + 1.0 / lengths[seg]))
    vx = cos_t * level[0] - sin_t * level[1]
    vz = sin_t * level[0] + cos_t * level[1]
    w = np.deg2rad(gyr[samples, 1])
    w2 = np.maximum(w * w, 1e-12)
    z = np.clip(-vx * w / w2, -depth, 0.0)
    x = np.clip(vz * w / w2, -reach, reach)
    out[samples] = np.hypot(vx + w * z, vz - w * x)
    return out


@pytest.mark.parametrize("block", [1, 97, 400, 1 << 16])
def test_sole_speed_a_block_at_a_time_is_the_whole(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-20: the strides integrated a block at a time, the running sums carried over: the same bits."""
    acc, gyr = _signal(6_000, seed=4)
    fs = 200.0
    rest = np.array([-1, 40, 250, 251, 600, 590, 900, 1400, 1650, 2100, 2300, 2800, 3500, 3900, 5950])
    monkeypatch.setattr(foot_landing, "SOLE_SPEED_BLOCK_SAMPLES", block)
    got = foot_landing.lowest_sole_speed_ms(acc, gyr, fs, rest, 0.3, 0.12)
    assert np.array_equal(got, _sole_speed_reference(acc, gyr, fs, rest, 0.3, 0.12), equal_nan=True)
    assert np.isfinite(got).sum() > 3000
    pitch = stride_pitch(acc, gyr, fs, rest)
    blocks = list(stride_pitch_blocks(acc, gyr, fs, rest, block_samples=block))
    assert np.array_equal(np.concatenate([p.theta_rad for p in blocks]), pitch.theta_rad)
    assert np.array_equal(np.logical_or.reduce([p.valid for p in blocks]), pitch.valid)


def test_trunk_step_edges_a_block_at_a_time_are_the_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-20: the lower back's step windows searched a block of steps at a time: the same contacts."""
    bouts = [
        Bout("still", "still", 0, 1.0),
        Bout("forward", "walking", 1.3, 8.0),
        Bout("backward", "running", 2.5, 6.0),
        Bout("still", "still", 0, 1.0),
    ]
    signals = preprocess(simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=200.0, seed=2)).session)
    whole = detect_contacts(signals)
    assert len(whole) > 20 and (whole.to_idx >= 0).any() and (whole.to_idx < 0).any()  # running and walking
    for block_samples in (1, 500, 3000):
        monkeypatch.setattr(contacts, "EDGE_BLOCK_SAMPLES", block_samples)
        monkeypatch.setattr(trunk_walk_contacts, "WINDOW_BLOCK_SAMPLES", block_samples)
        blocked = detect_contacts(signals)
        assert np.array_equal(blocked.ic_idx, whole.ic_idx) and np.array_equal(blocked.to_idx, whole.to_idx)


def _period_reference(
    x: np.ndarray, fs: float, min_s: float, max_s: float, window_s: float, hop_s: float
) -> np.ndarray:
    """local_period_s as first written: every window zero-padded to twice its length for the FFT."""
    n = x.shape[0]
    w = min(round(window_s * fs), n)
    hop = max(1, round(hop_s * fs))
    starts = np.arange(0, max(n - w, 0) + 1, hop)
    lo, hi = max(1, int(min_s * fs)), min(w - 2, int(max_s * fs))
    period = np.full(starts.size, np.nan)
    if hi > lo + 2:
        frames = np.lib.stride_tricks.sliding_window_view(x, w)[starts]
        period = filters._first_period(frames, 1 << int(np.ceil(np.log2(2 * w))), lo, hi, fs)
    if starts.size == 1:
        return np.full(n, period[0])
    return np.interp(np.arange(n), starts + w / 2.0, period)


@pytest.mark.parametrize("fs", [50.0, 100.0, 200.0, 1000.0])
def test_local_period_with_the_smaller_fft_is_the_twice_window_one(fs: float) -> None:
    """PERF-21: padded to the window plus the lags searched, not twice the window; the same periods.
    Steps that speed up and slow down, a stride that repeats, noise, standing, and a short recording."""
    rng = np.random.default_rng(int(fs))
    t = np.arange(round(300 * fs)) / fs
    step_hz = 1.2 + 1.4 * (0.5 + 0.5 * np.sin(2 * np.pi * t / 97.0))
    phase = 2 * np.pi * np.cumsum(step_hz) / fs
    x = np.sin(phase) + 0.6 * np.sin(phase / 2) + rng.normal(0.0, 0.4, t.size)
    x[t.size // 3 : t.size // 2] = rng.normal(0.0, 0.01, t.size // 2 - t.size // 3)  # standing
    for per in (1.0, 2.0):
        args = (fs, per * 0.22, per * 1.5, 6.0, 2.0)
        for signal in (x, x[: round(4.5 * fs)]):
            expected = _period_reference(signal, *args)
            assert np.array_equal(filters.local_period_s(signal, *args), expected, equal_nan=True)


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_local_period_shared_by_threads_is_the_one_thread_one(parts: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-75: a LocalPeriod's chunks of windows and runs of samples taken by three threads at once (a window a
    chunk), or by one, give local_period_s as first written, bit for bit; one column or three with signs."""
    import threading

    monkeypatch.setattr(filters, "PERIOD_CHUNK", 1)
    fs = 100.0
    rng = np.random.default_rng(parts)
    t = np.arange(round(120 * fs)) / fs
    x = np.sin(2 * np.pi * 1.4 * t + 0.3 * np.sin(2 * np.pi * t / 31.0)) + rng.normal(0.0, 0.3, t.size)
    args = (fs, 0.44, 3.0, 6.0, 2.0)
    for signal in (x, x[: round(4.5 * fs)], x[: round(6.5 * fs)]):
        expected = _period_reference(signal, *args)
        shared = filters.LocalPeriod(signal, *args, parts=parts)
        helpers = [threading.Thread(target=shared.work) for _ in range(2)]
        for helper in helpers:
            helper.start()
        assert np.array_equal(shared.result(), expected, equal_nan=True)
        for helper in helpers:
            helper.join()
        assert np.array_equal(filters.LocalPeriod(signal, *args, parts=parts).result(), expected, equal_nan=True)
    three = np.column_stack([x, -x, 0.5 * x])
    signs = np.array([1.0, 1.0, 1.0])
    whole = filters.local_period_s(three, *args, signs=signs)
    assert np.isfinite(whole).any()
    shared = filters.LocalPeriod(three, *args, signs=signs, parts=parts)
    helper = threading.Thread(target=shared.work)
    helper.start()
    assert np.array_equal(shared.result(), whole, equal_nan=True)
    helper.join()


def test_a_shared_local_period_s_failing_chunk_raises_where_it_ran_and_leaves_no_thread_waiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PERF-75: the chunk that raises raises in the thread that computed it and in result(); no wait is left."""
    import threading

    monkeypatch.setattr(filters, "PERIOD_CHUNK", 1)
    original = filters._first_period
    calls: list[int] = []

    def failing(*args: object, **kwargs: object) -> np.ndarray:
        calls.append(1)
        if len(calls) == 3:
            raise MemoryError("chunk 3")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(filters, "_first_period", failing)
    x = np.sin(2 * np.pi * 1.4 * np.arange(6000) / 100.0)
    shared = filters.LocalPeriod(x, 100.0, 0.44, 3.0, 6.0, 2.0, parts=2)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            shared.work()
        except MemoryError as exc:
            errors.append(exc)

    helper = threading.Thread(target=work)
    helper.start()
    with pytest.raises(MemoryError, match="chunk 3"):  # where it ran, or handed over by result()
        shared.result()
    helper.join(30.0)
    assert not helper.is_alive() and all(str(e) == "chunk 3" for e in errors)


def test_a_shared_local_period_s_failed_chunk_stops_the_other_threads_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """REVIEW-124: once a chunk of windows has raised, a thread that asks for work (the other thread's next piece,
    or result()) starts no other chunk: the error is handed over at once, not after every chunk left is computed."""
    monkeypatch.setattr(filters, "PERIOD_CHUNK", 1)
    original = filters._first_period
    calls: list[int] = []

    def failing(*args: object, **kwargs: object) -> np.ndarray:
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError("chunk 1")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(filters, "_first_period", failing)
    x = np.sin(2 * np.pi * 1.4 * np.arange(6000) / 100.0)
    shared = filters.LocalPeriod(x, 100.0, 0.44, 3.0, 6.0, 2.0, parts=2)
    with pytest.raises(MemoryError, match="chunk 1"):
        shared.work()  # the thread the chunk failed on
    shared.work()  # the other thread's next piece: none taken
    with pytest.raises(MemoryError, match="chunk 1"):
        shared.result()
    assert len(calls) == 1


@pytest.mark.parametrize("n", [5, 60, 20_001])
def test_rotating_mask_is_the_gathering_one(n: int) -> None:
    """PERF-23: |omega| by norm_rows, its 0.5 s mean by moving_average's slices; the mask as first written."""
    _acc, gyr = _signal(n, seed=n)
    table = np.hstack([gyr[:, :1], gyr, gyr])
    for fs in (20.0, 100.0, 200.0):
        for v in (gyr, np.asfortranarray(gyr), table[:, 1:4]):
            rate = np.linalg.norm(v, axis=1)
            width = max(round(0.5 * fs), 1)
            csum = np.concatenate([[0.0], np.cumsum(rate)])
            idx = np.arange(rate.size)
            lo = np.clip(idx - width // 2, 0, rate.size)
            hi = np.clip(idx - width // 2 + width, 0, rate.size)
            mean = (csum[hi] - csum[lo]) / np.maximum(hi - lo, 1)
            for limit in (100.0, float(np.median(mean))):
                assert np.array_equal(preprocess_module._rotating(v, n, fs, limit), mean > limit)


def _welch_segment_major(x: np.ndarray, width: int, fs: float, block: int) -> np.ndarray:
    """preprocess._psd as it was before PERF-42: the segments laid out (k, width, axes)."""
    window = np.hanning(width)
    starts = np.arange(0, x.shape[0] - width + 1, max(width // 2, 1))
    power = np.zeros((width // 2 + 1, x.shape[1]))
    for first in range(0, starts.size, block):
        segments = x[starts[first : first + block, None] + np.arange(width)]
        segments = (segments - segments.mean(axis=1, keepdims=True)) * window[None, :, None]
        power += (np.abs(np.fft.rfft(segments, axis=1)) ** 2).sum(axis=0)
    power /= starts.size * fs * float(window @ window)
    power[1 : (width + 1) // 2] *= 2.0
    return power


@pytest.mark.parametrize("block", [1024, 40])
def test_welch_spectrum_is_the_segment_major_one(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-42: the smoothing check's spectrum, its segments laid out axis by axis, is the segment-major one bit for
    bit: one segment, one axis, odd widths, several blocks, strided and Fortran-ordered input, float32."""
    monkeypatch.setattr(preprocess_module, "PSD_SEGMENTS", block)
    rng = np.random.default_rng(42)
    for n, width in ((12_000, 200), (3001, 51), (250, 200), (200, 200), (5000, 1000), (2000, 7)):
        base = rng.normal(0.0, 3.0, (2 * n, 4)) + [0.0, 0.0, STANDARD_GRAVITY_MS2, 1.0]
        for x in (
            np.ascontiguousarray(base[:n, :3]),
            base[:n, 1:],
            base[::2, :3],
            np.asfortranarray(base[:n, :3]),
            np.ascontiguousarray(base[:n, :1]),
            base[:n, :2],
            base[:n, :3].astype(np.float32),
        ):
            expected = _welch_segment_major(x, width, 200.0, block)
            assert np.array_equal(preprocess_module._psd(x, width, 200.0), expected), (n, width, x.shape, x.strides)


def test_welch_spectrum_transforms_contiguous_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-42: each segment's FFT runs along a contiguous row (it ran along a stride of three values)."""
    rfft = np.fft.rfft
    strides: list[int] = []

    def spy(a: np.ndarray, *args: object, axis: int = -1, **kwargs: object) -> np.ndarray:
        strides.append(np.asarray(a).strides[axis] // np.asarray(a).itemsize)
        return rfft(a, *args, axis=axis, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(np.fft, "rfft", spy)
    acc, _ = _signal(24_000)
    preprocess_module._psd(acc, 200, 200.0)
    assert strides == [1]


def _running(x: np.ndarray) -> np.ndarray:
    out = np.empty(x.shape[0] + 1)
    out[0] = 0.0
    np.cumsum(x, dtype=np.float64, out=out[1:])
    return out


@pytest.mark.parametrize("n", [0, 1, 7, 10_001])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_paired_running_sums_are_two_cumsums(n: int, dtype: type) -> None:
    """PERF-43: two running sums as the parts of one complex running sum are numpy's two cumsums bit for bit
    (float32 input too, infinities and NaN in one of them), and so are the window sums."""
    from retrogait.analysis.stepwindows import paired_window_sums, window_sum
    from retrogait.analysis.still import running_sums_and_squares

    rng = np.random.default_rng(n)
    x = (rng.normal(0.0, 3.0, n) * rng.lognormal(0.0, 2.0, n)).astype(dtype)
    y = rng.normal(1e6, 1.0, n).astype(dtype)
    dev = x - x.mean() if n else x.copy()
    if n:
        x[0], y[0], dev[0] = -0.0, -0.0, -0.0  # a first -0.0 stays -0.0, as in a cumsum
    if n > 5:
        x[3], y[4], x[5], dev[2] = np.inf, np.nan, -np.inf, np.inf
    start = rng.integers(-3, n + 3, 50)
    stop = start + rng.integers(-2, 40, 50)
    with np.errstate(invalid="ignore", over="ignore"):  # the infinities' sums
        sums, squares = running_sums_and_squares(dev.copy())
        assert np.array_equal(sums, _running(dev), equal_nan=True)
        assert np.array_equal(np.signbit(sums), np.signbit(_running(dev)))
        assert np.array_equal(squares, _running(np.square(dev)), equal_nan=True)
        sums = np.empty((n + 1, 2))
        sums[1:, 0], sums[1:, 1] = x, y
        first, second = paired_window_sums(sums, start, stop)
        assert np.array_equal(np.signbit(first), np.signbit(window_sum(x, start, stop)))
        assert np.array_equal(first, window_sum(x, start, stop), equal_nan=True)
        assert np.array_equal(second, window_sum(y, start, stop), equal_nan=True)


def test_a_still_mask_takes_one_running_sum(monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-43: the still mask's running sums of the deviation and of its square are one accumulation, not two;
    the mask is the one two cumsums give."""
    import retrogait.analysis.still as still_module

    acc, _ = _signal(30_000)
    norm = norm_rows(acc)
    dev = norm - norm.mean()
    csum, csq = _running(dev), _running(np.square(dev))
    half = round(0.25 * 200.0) // 2
    expected = still_module._window_std(csum, csq, half) < 0.3
    cumsum = np.cumsum
    calls: list[int] = []

    def counting(*args: object, **kwargs: object) -> np.ndarray:
        calls.append(1)
        return cumsum(*args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(np, "cumsum", counting)
    assert np.array_equal(still_module.still_mask_of_norm(norm, 200.0, 0.25, 0.3), expected)
    assert len(calls) == 1


def test_swing_axes_from_paired_sums_are_the_window_sums_ones() -> None:
    """PERF-43: the swing axes' moments, two products' running sums at a time in one buffer, are the six window
    sums of the products (float64 and float32 rates)."""
    import itertools

    from retrogait.analysis.stepwindows import window_sum
    from retrogait.analysis.swing_axis import swing_axes

    _, gyr = _signal(20_000, seed=5)
    rng = np.random.default_rng(5)
    start = rng.integers(0, 19_600, 300)
    stop = start + rng.integers(1, 400, 300)  # windows inside the signal, as the toe-off search asks
    for rates in (gyr, gyr.astype(np.float32), np.asfortranarray(gyr)):
        moment = np.zeros((start.size, 3, 3))
        for i, j in itertools.combinations_with_replacement(range(3), 2):
            moment[:, i, j] = moment[:, j, i] = window_sum(rates[:, i] * rates[:, j], start, stop)
        axes = np.linalg.eigh(moment)[1][:, :, -1]
        axes[~(np.trace(moment, axis1=1, axis2=2) > 0)] = (0.0, 1.0, 0.0)
        assert np.array_equal(swing_axes(rates, start, stop), axes)


def test_a_shank_s_sagittal_rate_is_low_passed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-47: the shank's swing test (CONTACT-4) and its toe-offs read the same sagittal rate low-passed at
    RATE_LOWPASS_HZ; it is filtered once (the toe-offs filtered it again: ~5 ms of an hour at 200 Hz)."""
    bouts = [Bout("forward", "running", 3.0, 8.0), Bout("backward", "walking", 1.0, 6.0)]
    session = simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=4)).session
    signals = preprocess(session)
    filtered: list[bytes] = []
    original = contacts.lowpass

    def recorded(x: np.ndarray, cutoff_hz: float, fs_hz: float, order: int = 2) -> np.ndarray:
        filtered.append(np.ascontiguousarray(x).tobytes() + repr((cutoff_hz, fs_hz, order)).encode())
        return original(x, cutoff_hz, fs_hz, order)

    monkeypatch.setattr(contacts, "lowpass", recorded)
    found = detect_contacts(signals)
    assert len(found) > 10 and (found.to_idx >= 0).mean() > 0.9
    assert len(filtered) == len(set(filtered))  # no signal low-passed twice alike


def test_a_gyroscope_in_deg_s_needs_no_movement_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-54: preprocess asks whether the sensor moves only of a gyroscope that looks like rad/s (99th
    percentile |rate| under 6); a deg/s one is taken as it is without |acc|'s spread over every row. The answers:
    rad/s of a moving sensor converted, of a still one not, deg/s untouched."""
    rng = np.random.default_rng(5)
    n = 3000
    moving = np.c_[rng.normal(0, 4.0, (n, 2)), 9.81 + rng.normal(0, 4.0, n)]
    still = np.c_[rng.normal(0, 0.01, (n, 2)), 9.81 + rng.normal(0, 0.01, n)]
    deg_s, rad_s = rng.normal(0, 60.0, (n, 3)), rng.normal(0, 1.0, (n, 3))
    notes: list[str] = []
    assert preprocess_module._gyr_scale(moving, rad_s, notes) == pytest.approx(180 / np.pi)
    assert "rad/s" in notes[-1]
    assert preprocess_module._gyr_scale(still, rad_s, []) == 1.0
    norms: list[int] = []
    monkeypatch.setattr(preprocess_module, "norm_rows", lambda v: norms.append(len(v)) or norm_rows(v))
    for acc in (moving, still):
        notes = []
        assert preprocess_module._gyr_scale(acc, deg_s, notes) == 1.0
        assert notes == []
    assert norms == [n, n]  # the gyroscope's |rate| only, once a call


@pytest.mark.parametrize(
    ("placement", "gyro", "jerk_taken"), [("shank", True, False), ("foot", True, True), ("shank", False, True)]
)
def test_the_limb_jerk_is_taken_only_where_a_landing_reads_it(
    placement: str, gyro: bool, jerk_taken: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PERF-56: the jerk of the low-passed acceleration is read by a foot's landings and by a limb without a
    gyroscope; a shank with one finds its landings in the world-vertical jerk, so its three low-passes are not taken
    (~25 ms of an hour at 200 Hz). The contacts are found either way."""
    bouts = [Bout("forward", "running", 3.0, 8.0), Bout("backward", "walking", 1.0, 6.0)]
    config = SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=6, with_gyro=gyro)
    signals = preprocess(simulate(config).session)
    calls: list[int] = []
    original = contacts._limb_jerk
    monkeypatch.setattr(contacts, "_limb_jerk", lambda acc, fs, s: calls.append(len(acc)) or original(acc, fs, s))
    found = detect_contacts(signals)
    assert len(found) > 10
    assert calls == ([signals.n_samples] if jerk_taken else [])


@pytest.mark.parametrize("placement", ["shank", "foot"])
def test_a_limb_s_contacts_take_the_norm_of_its_acceleration_once(
    placement: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PERF-60: a foot's or shank's stride period, still mask and stance score read one |a| of the body-frame
    acceleration (three before, ~3 ms each of an hour at 200 Hz), and the contacts are those of each taking its own."""
    from retrogait.analysis import still, vectors

    bouts = [Bout("forward", "running", 3.0, 8.0), Bout("backward", "walking", 1.0, 6.0)]
    signals = preprocess(simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=6)).session)
    separate = dataclasses.replace(signals)  # its own memo of still masks, empty
    expected = contacts.stance_score(signals.acc_ms2, signals.gyr_dps, signals.fs_hz)
    mask = still.still_mask(signals.acc_ms2, signals.fs_hz, 1.0, 0.5)
    assert np.array_equal(separate.still_mask(1.0, 0.5, vectors.norm_rows(signals.acc_ms2)), mask)
    size = vectors.norm_rows(signals.acc_ms2)
    assert np.array_equal(
        contacts.stance_score(signals.acc_ms2, signals.gyr_dps, signals.fs_hz, acc_norm=size), expected
    )
    assert np.array_equal(size, vectors.norm_rows(signals.acc_ms2))  # read, not changed
    reference = detect_contacts(signals)
    taken: list[int] = []
    original = vectors.norm_rows

    def counted(v: np.ndarray) -> np.ndarray:
        if v is signals.acc_ms2:
            taken.append(1)
        return original(v)

    for module in (contacts, still):
        monkeypatch.setattr(module, "norm_rows", counted)
    found = detect_contacts(dataclasses.replace(signals))
    assert len(found) > 10 and len(taken) == 1
    assert np.array_equal(found.ic_idx, reference.ic_idx) and np.array_equal(found.to_idx, reference.to_idx)


@pytest.mark.parametrize("placement", ["shank", "foot"])
def test_a_limb_s_contacts_with_the_shared_norm_are_those_of_each_score_taking_its_own(
    placement: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-63: the contacts `_limb` finds with its one |a| (PERF-60) are those found with the still mask and the
    stance score each taking |a| of the acceleration itself, on gait with standing between (so the still mask
    matters). The test above compares `detect_contacts` with itself, so a wrong norm handed over passed it."""
    bouts = [
        Bout("still", "still", 0.0, 3.0),
        Bout("forward", "running", 3.0, 8.0),
        Bout("still", "still", 0.0, 3.0),
        Bout("backward", "walking", 1.0, 6.0),
        Bout("still", "still", 0.0, 3.0),
    ]
    signals = preprocess(simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=6)).session)
    shared = detect_contacts(dataclasses.replace(signals))  # its own memo of still masks, empty
    score, mask = contacts.stance_score, BodySignals.still_mask

    def score_alone(
        acc: np.ndarray, gyr: np.ndarray, fs: float, settings: ContactsSettings, acc_norm: object = None
    ) -> np.ndarray:
        return score(acc, gyr, fs, settings)  # |a| taken here, as before PERF-60

    def mask_alone(self: BodySignals, window_s: float, std_ms2: float, size: object = None) -> np.ndarray:
        return mask(self, window_s, std_ms2)  # likewise

    monkeypatch.setattr(contacts, "stance_score", score_alone)
    monkeypatch.setattr(BodySignals, "still_mask", mask_alone)
    alone = detect_contacts(dataclasses.replace(signals))
    assert len(alone) > 10
    for name in ("ic_idx", "to_idx", "side"):
        assert np.array_equal(getattr(shared, name), getattr(alone, name)), name


def test_a_rest_s_gravity_sum_and_the_shared_rotation_sinc_are_the_numbers_of_each_taken_apart() -> None:
    """PERF-61: the rests' specific-force sums from one gather and a running sum over their few samples, and
    sin(|phi|/2)/(|phi|/2) taken once for the blocks' halfway turn and their orientations, bit for bit."""
    from retrogait.analysis.stride_vectors import _block_start_orientations, _rest_sums, _rotated, _sinc

    acc, _ = _signal(5_000, seed=8)
    for half in (1, 4, 16):
        near = np.array([0, 3, 2_500, 4_998, 4_999])[:, None] + np.arange(-half, half + 1)[None, :]
        inside = (near >= 0) & (near < 5_000)  # the ends: samples outside count zero
        clipped = np.clip(near, 0, 4_999)
        expected = (acc[clipped] * inside[..., None]).sum(axis=1)
        assert np.array_equal(_rest_sums(acc, clipped, inside).view(np.int64), expected.view(np.int64))
        whole = inside.all(axis=1)  # rests away from the ends: no mask
        assert np.array_equal(_rest_sums(acc, clipped[whole], inside[whole]), acc[clipped[whole]].sum(axis=1))
    rng = np.random.default_rng(9)
    phi = rng.normal(0.0, 0.05, (3, 40, 30)) * rng.lognormal(0.0, 2.0, (1, 40, 30))
    phi[:, :3] = 0.0  # blocks that do not turn (past a stride's end)
    v = rng.normal(0.0, 1.0, (3, 40, 30))
    half_angle = np.sqrt(np.einsum("i...,i...->...", 0.5 * phi, 0.5 * phi))
    angle = np.sqrt(np.einsum("i...,i...->...", phi, phi))
    assert np.array_equal(half_angle / np.pi, angle / (2.0 * np.pi))  # so one sinc serves both
    sinc = _sinc(half_angle / np.pi)
    assert np.array_equal(_rotated(0.5 * phi, v, half_angle, sinc), _rotated(0.5 * phi, v))
    for shared, alone in zip(
        _block_start_orientations(phi, angle.copy(), sinc), _block_start_orientations(phi), strict=True
    ):
        assert np.array_equal(shared, alone)


def test_the_stride_vectors_with_the_shared_sinc_are_those_of_each_rotation_taking_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """REVIEW-62: the sinc `_integrate` shares (PERF-61) is the one each rotation took alone: the stride vectors bit
    for bit those of `_rotated` and `_block_start_orientations` each taking its own angle and sinc (the helpers'
    test above hands them a sinc of its own making, so a wrong one handed over by `_integrate` passed it)."""
    from retrogait.analysis import stride_vectors as vectors_module

    acc, gyr = _signal(20_000, seed=11)
    rest = np.concatenate([np.arange(0, 9_000, 170), np.arange(9_600, 20_000, 190), [19_999]]).astype(np.int64)
    shared = vectors_module.stride_vectors(acc, gyr, 200.0, rest)
    handed: list[bool] = []
    rotated, orientations = vectors_module._rotated, vectors_module._block_start_orientations

    def rotated_alone(rotvec: np.ndarray, v: np.ndarray, angle: object = None, sinc: object = None) -> np.ndarray:
        handed.append(sinc is not None)
        return rotated(rotvec, v)

    monkeypatch.setattr(vectors_module, "_rotated", rotated_alone)
    monkeypatch.setattr(
        vectors_module, "_block_start_orientations", lambda phi, angle=None, sinc=None: orientations(phi)
    )
    alone = vectors_module.stride_vectors(acc, gyr, 200.0, rest)
    assert handed and all(handed)  # the shared sinc was taken
    assert int(shared.valid.sum()) > 100
    for ours, theirs in zip(
        (shared.dx_m, shared.dy_m, shared.dz_m, shared.heading_change_deg),
        (alone.dx_m, alone.dy_m, alone.dz_m, alone.heading_change_deg),
        strict=True,
    ):
        assert np.array_equal(ours, theirs, equal_nan=True)


@pytest.mark.parametrize("n", [1, 3, 8191, 8192, 3 * 8192 + 1])
def test_the_gate_s_norm_sums_the_first_and_third_squares_then_the_second(n: int) -> None:
    """PERF-62: the gait gate's |a| is (x^2 + z^2) + y^2 under the root, the order numpy's einsum summed a C-ordered
    row of three in (the same numbers as the einsum the gate took before on every row of the bench hour), a block of
    rows at a time; another layout takes the einsum itself."""
    rng = np.random.default_rng(n)
    v = rng.normal(0.0, 1.0, (n, 3)) * rng.lognormal(0.0, 4.0, (n, 1))
    x, y, z = v[:, 0], v[:, 1], v[:, 2]
    assert np.array_equal(gate_norm_rows(v).view(np.int64), np.sqrt((x * x + z * z) + y * y).view(np.int64))
    fortran = np.asfortranarray(v)
    assert np.array_equal(gate_norm_rows(fortran), np.sqrt(np.einsum("ij,ij->i", fortran, fortran)))


@pytest.mark.parametrize("placement", ["shank", "lower_back"])
def test_the_analysis_takes_the_standing_mask_with_the_contacts_still_mask(
    placement: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PERF-80: the facing's and the directions' standing mask (``standing_s``) comes from the same |a| and running
    sums as the contacts' still mask, not from a second pass after the cues; the steps are those of masks taken one
    at a time."""
    from retrogait.analysis import pipeline
    from retrogait.analysis.settings import preset

    bouts = [Bout("still", "still", 0, 1.0), Bout("forward", "running", 3.0, 10.0), Bout("still", "still", 0, 2.0)]
    session = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=4)).session
    with monkeypatch.context() as one_at_a_time:
        one_at_a_time.setattr(BodySignals, "want_still", lambda *_: None)
        alone = pipeline.analyze(session, mounting=False)
    calls = _counted_still_masks(monkeypatch)
    shared = pipeline.analyze(session, mounting=False)
    settings = preset(placement)
    still = (settings.still.window_s, settings.still.std_ms2)
    standing = (settings.direction.standing_s, settings.direction.standing_std_ms2)
    assert calls == [[still, standing]]
    pd.testing.assert_frame_equal(shared.steps, alone.steps)
    pd.testing.assert_frame_equal(shared.bouts, alone.bouts)


@pytest.mark.parametrize("rate_hz", [200.0, 100.0])
def test_a_shank_s_swing_way_is_taken_once_at_its_candidates(rate_hz: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-92: the way each mid-stance turns (the landing search's and the interpolated landings') is the swing
    test's own :func:`contacts._swing_way` at those candidates, not a second gather of their stride windows: one
    call a detection, and the ways handed on are the numbers a call at the mid-stances gives."""
    bouts = [Bout("forward", "running", 3.0, 8.0), Bout("backward", "running", 2.5, 6.0)]
    signals = preprocess(simulate(SimulationConfig("shank", bouts, sample_rate_hz=rate_hz, seed=7)).session)
    ways: list[tuple[np.ndarray, np.ndarray]] = []
    original = contacts._swing_way

    def recorded(sagittal: np.ndarray, at: np.ndarray, stride: np.ndarray, fs: float) -> np.ndarray:
        way = original(sagittal, at, stride, fs)
        ways.append((at.copy(), way.copy()))
        return way

    monkeypatch.setattr(contacts, "_swing_way", recorded)
    found = detect_contacts(signals)
    assert len(found) > 10 and len(ways) == 1
    quiet_points = contacts._quiet_points
    handed: list[tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]] = []

    def kept(rate, moving, stride, fs, s, sagittal=None, gap=None):  # type: ignore[no-untyped-def]
        quiet, way = quiet_points(rate, moving, stride, fs, s, sagittal, gap)
        handed.append((quiet, way, sagittal, stride))
        return quiet, way

    monkeypatch.setattr(contacts, "_quiet_points", kept)
    monkeypatch.setattr(contacts, "_swing_way", original)
    again = detect_contacts(signals)
    np.testing.assert_array_equal(again.ic_idx, found.ic_idx)
    ((quiet, way, sagittal, stride),) = handed
    assert way is not None and quiet.size > 10 and np.isin(quiet, ways[0][0]).all()
    assert np.array_equal(way, original(sagittal, quiet, stride, signals.fs_hz))


def test_a_shank_s_swing_way_block_as_wide_as_its_widest_window_is_the_whole_width_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PERF-92: each block of the swing way's windows is gathered as wide as its own widest window, not the widest
    of all: a narrower window's samples past its end repeat its last, never the first largest. The signs are those
    of every window gathered at the widest width, ties (a rate and its negative) and a NaN included."""
    rng = np.random.default_rng(8)
    fs, n = 200.0, 30_000
    sagittal = np.round(np.cumsum(rng.normal(0.0, 30.0, n)) / 50.0) * 50.0  # coarse: equal |rate|s of either sign
    sagittal[12_345] = np.nan
    stride = np.full(n, 0.7)
    stride[20_000:20_050] = 2.4  # a few long strides: one block much wider than the rest
    at = np.sort(rng.choice(np.arange(n), 3000, replace=False)).astype(np.int64)
    half = np.maximum((stride[at] * fs / 2).astype(np.int64), 1)
    lo, hi = np.maximum(at - half, 0), np.minimum(at + half, n - 1)
    seg = sagittal[np.clip(lo[:, None] + np.arange(2 * int(half.max()) + 1)[None, :], None, hi[:, None])]
    reference = np.sign(seg[np.arange(at.size), np.argmax(np.abs(seg), axis=1)])
    widths: list[int] = []
    original = np.argmax

    def recorded(a: np.ndarray, *args: object, **kwargs: object) -> object:
        widths.append(int(np.shape(a)[1]))
        return original(a, *args, **kwargs)

    monkeypatch.setattr(contacts, "WINDOW_BLOCK_SAMPLES", 20_000)
    monkeypatch.setattr(np, "argmax", recorded)
    way = contacts._swing_way(sagittal, at, stride, fs)
    monkeypatch.setattr(np, "argmax", original)
    np.testing.assert_array_equal(way, reference)  # NaN where the reference has it
    assert max(widths) == 2 * int(half.max()) + 1 and min(widths) == 2 * 70 + 1 and len(widths) > 10


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_shank_s_mid_stances_take_their_own_swing_way_whichever_candidates_each_test_drops(seed: int) -> None:
    """REVIEW-153: :func:`contacts._quiet_points` hands on the swing way it took at the rest score's candidates,
    found at the mid-stances kept by ``searchsorted``. Each test after the swing test (distance, prominence, gap,
    moved, spacing) drops candidates here, and the ways are +1 and -1 at random, so a way read at another
    candidate's place shows; on a simulated bout the way is one sign for its whole length and hides that."""
    rng = np.random.default_rng(seed)
    fs, n = 100.0, 6000
    t = np.arange(n) / fs
    depth = rng.uniform(0.0, 2.0, n // 35 + 2)[(t / 0.35).astype(np.int64)]  # each half stride its own depth
    rate = np.abs(1.5 + depth * np.cos(2 * np.pi * t / 0.7) + rng.normal(0.0, 0.05, n))
    sagittal = np.round(rng.normal(0.0, 50.0, n) / 40.0) * 40.0
    stride = rng.uniform(0.5, 1.6, n)
    moving = np.repeat(rng.random(n // 100) < 0.8, 100)
    gap = np.repeat(rng.random(n // 20) < 0.1, 20)
    quiet, way = contacts._quiet_points(rate, moving, stride, fs, ContactsSettings(), sagittal, gap)
    assert way is not None and quiet.size > 30 and (way > 0).any() and (way < 0).any()
    np.testing.assert_array_equal(way, contacts._swing_way(sagittal, quiet, stride, fs))


@pytest.mark.parametrize("block", [1, 5_000, 20_000])
def test_a_shank_s_swing_way_reads_no_sample_past_its_own_window(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """REVIEW-154: each block of the swing way's windows is gathered as wide as its widest (PERF-92); a narrower
    window must still end at its own end. White noise (its largest |rate| a sample's own, either sign, ties
    included), a stride period of its own at each sample and candidates at the recording's first and last
    samples: the signs are those of each window sliced alone."""
    rng = np.random.default_rng(block)
    fs, n = 200.0, 8000
    sagittal = np.round(rng.normal(0.0, 300.0, n) / 100.0) * 100.0
    sagittal[[17, 4000]] = np.nan
    stride = rng.uniform(0.05, 2.4, n)
    at = np.concatenate([[0, n - 1], rng.integers(0, n, 600)]).astype(np.int64)
    half = np.maximum((stride[at] * fs / 2).astype(np.int64), 1)
    reference = np.empty(at.size)
    for i, (a, h) in enumerate(zip(at, half, strict=True)):
        window = sagittal[max(a - h, 0) : min(a + h, n - 1) + 1]
        reference[i] = np.sign(window[np.argmax(np.abs(window))])
    monkeypatch.setattr(contacts, "WINDOW_BLOCK_SAMPLES", block)
    np.testing.assert_array_equal(contacts._swing_way(sagittal, at, stride, fs), reference)
