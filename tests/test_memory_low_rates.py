"""Peak memory of the analysis' parts on a slow recording (issue 16: <= 4x the float64 samples at every rate,
PERF-49, PERF-50): parts bounded by a fixed number of samples or strides held the whole of a slow hour at once.
Bytes are counted by tracemalloc (deterministic), never timed; each bound lies between the before and after."""

from __future__ import annotations

import math
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from retrogait.conventions import STANDARD_GRAVITY_MS2

FS_HZ = 26.0
N = 62_400  # 40 min at 26 Hz


def _peak_per_sample(call: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak / N


@pytest.fixture(scope="module")
def slow_strides() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Noise around gravity at 26 Hz, a rest every 20 samples and one 2.5 s stride (the longest)."""
    rng = np.random.default_rng(1)
    acc = rng.normal(0.0, 0.5, (N, 3)) + [0.0, 0.0, STANDARD_GRAVITY_MS2]
    gyr = rng.normal(0.0, 5.0, (N, 3))
    rest = np.arange(10, N - 70, 20)
    rest[-1] = rest[-2] + 64
    return acc, gyr, rest


def test_stride_vectors_hold_no_whole_recording_block_matrices(slow_strides: tuple[np.ndarray, ...]) -> None:
    """Before: (strides x longest stride's blocks) index matrices, the block tables of every sample and
    1024 strides' dozen (3, w, s) matrices at once: 267 bytes a sample; now 45."""
    from retrogait.analysis.stride_vectors import stride_vectors

    acc, gyr, rest = slow_strides
    assert _peak_per_sample(lambda: stride_vectors(acc, gyr, FS_HZ, rest)) < 80


def test_world_vertical_and_sole_speed_parts_are_bounded_by_the_recording(slow_strides: tuple[np.ndarray, ...]) -> None:
    """Before: parts of 2^17 / 2^16 samples, so a slow hour was one part (120 / 156 bytes a sample); now 42 / 46."""
    from retrogait.analysis.foot_landing import lowest_sole_speed_ms
    from retrogait.analysis.world_vertical import world_vertical_motion

    acc, gyr, rest = slow_strides
    assert _peak_per_sample(lambda: world_vertical_motion(acc, gyr, FS_HZ, rest)) < 60
    assert _peak_per_sample(lambda: lowest_sole_speed_ms(acc, gyr, FS_HZ, rest, 0.2, 0.05)) < 70


def test_slotted_stamps_are_put_on_the_grid_without_whole_recording_temporaries() -> None:
    """Stamps written to the microsecond at 52 Hz are off the grid (placed on their slots): before, every grid
    point's neighbours, weights and the interpolation's (n, 3) temporaries at once (154 bytes a sample); now 88."""
    import retrogait.analysis.preprocess as preprocess

    rng = np.random.default_rng(2)
    acc, gyr = rng.normal(size=(N, 3)), rng.normal(size=(N, 3))
    t = np.round(np.arange(N) / 52.0, 6)
    clipped = np.zeros(N, dtype=bool)
    placed = preprocess._uniform_grid(t, acc, gyr, clipped, 52.0)
    assert placed[-1] == "slots"
    assert _peak_per_sample(lambda: preprocess._uniform_grid(t, acc, gyr, clipped, 52.0)) < 110


def test_the_effort_s_change_is_taken_without_the_differences() -> None:
    """Before: the (n - 1, 3) differences beside the low-passed signal (59.5 bytes a sample); now 49.8, and
    the norms the same bits."""
    from retrogait.analysis.effort import accumulated_change_g
    from retrogait.analysis.vectors import difference_norm_rows, norm_rows

    rng = np.random.default_rng(3)
    acc = rng.normal(0.0, 2.0, (N, 3))
    t = np.arange(N) / FS_HZ
    assert _peak_per_sample(lambda: accumulated_change_g(t, acc, cutoff_hz=10.0)) < 54
    for n in (1, 2, 8193, 8194, 20_001):
        v = acc[:n]
        assert np.array_equal(difference_norm_rows(v), norm_rows(np.diff(v, axis=0)))
        assert np.array_equal(difference_norm_rows(np.asfortranarray(v)), norm_rows(np.diff(v, axis=0)))


def test_the_effort_s_total_holds_one_low_passed_axis_at_a_time() -> None:
    """PERF-65: before, the (n, 3) low-passed signal beside one axis' forward and backward passes and its copy
    (49.8 bytes a sample); now one low-passed axis and the (n - 1,) norms (41.8), and the same bits as filtering
    the whole (n, 3) array and taking the norms of its differences."""
    from retrogait.analysis.effort import accumulated_change_g
    from retrogait.analysis.vectors import difference_norm_rows
    from retrogait.dsp import butter_sos, sosfiltfilt
    from retrogait.rate import measured_rate_hz

    rng = np.random.default_rng(3)
    acc = rng.normal(0.0, 2.0, (N, 3))
    t = np.arange(N) / FS_HZ
    assert _peak_per_sample(lambda: accumulated_change_g(t, acc, cutoff_hz=10.0)) < 45
    for n, fs_hz in ((2, 26.0), (3, 26.0), (60, 26.0), (8193, 200.0), (8194, 26.0), (40_001, 200.0)):
        v = acc[:n] + np.cumsum(rng.normal(0.0, 0.3, (n, 3)), axis=0)
        time_s = np.arange(n) / fs_hz
        rate_hz = measured_rate_hz(time_s)
        sos = butter_sos(4, min(20.0, 0.45 * rate_hz), rate_hz, "low")
        change_g = difference_norm_rows(sosfiltfilt(sos, v, padlen=min(3 * (2 * sos.shape[0] + 1), n - 1)))
        expected = np.concatenate([[0.0], np.cumsum(change_g / STANDARD_GRAVITY_MS2)])
        for layout in (v, np.asfortranarray(v)):
            assert accumulated_change_g(time_s, layout, cutoff_hz=20.0).tobytes() == expected.tobytes()


def test_the_trunk_s_mirror_check_sums_its_lagged_products_a_block_at_a_time() -> None:
    """PERF-66: before, the (m, 2) products, both gathers and the index arrays of the whole recording at once
    (48.1 bytes a sample); now a block's (9.7), and the sums the same bits as ``np.sum(products, axis=0)``
    (blocks of 8192 samples: n around and across a block, a lag of zero or reaching past the end, -0.0)."""
    from retrogait.analysis.contacts import lagged_product_sums

    rng = np.random.default_rng(2)
    x = rng.normal(0.0, 1.0, (N, 2))
    period = np.round(rng.uniform(0.3, 0.45, N) * FS_HZ).astype(np.int64)
    assert _peak_per_sample(lambda: lagged_product_sums(x, period, 1)) < 20
    for n in (0, 1, 5, 8191, 8192, 8193, 20_001, N):
        v = x[:n].copy()
        v[: min(n, 3)] = -0.0
        lag = period[:n].copy()
        lag[: n // 10] = 0
        for times in (1, 2):
            here = np.flatnonzero((times * lag > 0) & (np.arange(n) + times * lag < n))
            expected = np.sum(v[here] * v[here + times * lag[here]], axis=0)
            assert lagged_product_sums(v, lag, times).tobytes() == expected.tobytes()


def test_the_steps_directions_recursions_hold_doubles_not_python_floats() -> None:
    """PERF-67: before, each step's evidence, links and both messages as Python lists of floats (438 bytes a
    step, beside the contacts on a slow recording's many steps); now arrays of doubles (165), the messages the
    same bits as the lists' (evidence underflowing at every state included, EDGE-70)."""
    from retrogait.analysis import travel

    rng = np.random.default_rng(4)
    steps = 10_500
    evidence = rng.normal(0.0, 3.0, (steps, 3))
    evidence[::97] = -800.0
    switch = rng.uniform(0.0, 0.3, steps)
    tracemalloc.start()
    try:
        forward, backward = travel._recursions(evidence, switch)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak / steps < 250
    e0, e1, e2 = (evidence[:, j].tolist() for j in range(3))
    links = np.clip(switch[: steps - 1], travel.MIN_SWITCH, travel.FORGET)
    half, stays = (0.5 * links).tolist(), (1.0 - 1.5 * links).tolist()
    a = [e0[0] - max(e0[0], e1[0], e2[0]), e1[0] - max(e0[0], e1[0], e2[0]), e2[0] - max(e0[0], e1[0], e2[0])]
    rows = [a]
    for h, stay, *y in zip(half, stays, e0[1:], e1[1:], e2[1:], strict=True):
        x = [math.exp(v) for v in a]
        share = h * (x[0] + x[1] + x[2])
        a = [math.log(stay * x[j] + share) + y[j] for j in range(3)]
        a = [v - max(a) for v in a]
        rows.append(a)
    assert np.array_equal(forward, np.array(rows))
    # REVIEW-97: the backward messages too (before, only their shape, last row and maxima were checked: a backward
    # pass reading its links forwards passed), with the underflow branch every 97th step exercises (EDGE-70)
    b = [0.0, 0.0, 0.0]
    back = [b]
    for h, stay, *y in zip(half[::-1], stays[::-1], e0[:0:-1], e1[:0:-1], e2[:0:-1], strict=True):
        x = [math.exp(b[j] + y[j]) for j in range(3)]
        share = h * (x[0] + x[1] + x[2])
        if share == 0.0:
            top = max(b[j] + y[j] for j in range(3))
            x = [math.exp(b[j] + y[j] - top) for j in range(3)]
            share = h * (x[0] + x[1] + x[2])
        b = [math.log(stay * x[j] + share) for j in range(3)]
        b = [v - max(b) for v in b]
        back.append(b)
    assert np.array_equal(backward, np.array(back[::-1]))
    assert backward.shape == (steps, 3) and np.array_equal(backward[-1], [0.0, 0.0, 0.0])
    assert np.all(backward.max(axis=1) == 0.0)


@pytest.mark.parametrize("case", ["in order", "one sample a block", "overlapping"])
def test_stride_vectors_are_the_same_bits_whatever_the_parts(monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    """A chunk integrated one stride at a time (its rows still padded to the chunk's width) gives the numbers of
    the whole chunk; with blocks of several samples (block tables), of one sample (taken) and overlapping strides."""
    import retrogait.analysis.stride_vectors as sv

    rng = np.random.default_rng(4)
    n = 6000
    fs = 40.0 if case == "one sample a block" else 200.0
    acc = rng.normal(0.0, 3.0, (n, 3)) + [0.0, 0.0, STANDARD_GRAVITY_MS2]
    gyr = rng.normal(0.0, 50.0, (n, 3))
    rest = np.cumsum(rng.integers(25, 90, 90)) + 5
    if case == "overlapping":
        rest[10], rest[40] = rest[12], rest[38]  # pairs reaching back: strides that overlap
    whole = sv.stride_vectors(acc, gyr, fs, rest)
    monkeypatch.setattr(sv, "INTEGRATE_CELLS_MIN", 1)
    monkeypatch.setattr(sv, "INTEGRATE_SAMPLES_PER_CELL", 10**9)
    parts = sv.stride_vectors(acc, gyr, fs, rest)
    monkeypatch.setattr(sv, "CHUNK_STRIDES", 32)
    chunks = sv.stride_vectors(acc, gyr, fs, rest)
    assert np.isfinite(whole.dx_m).sum() > 60
    for got in (parts, chunks):
        for field in ("dx_m", "dy_m", "dz_m", "heading_change_deg"):
            if got is chunks:  # other chunks: other widths, the same numbers but for the row sum's rounding
                np.testing.assert_allclose(getattr(got, field), getattr(whole, field), rtol=1e-12, atol=1e-12)
            else:
                assert np.array_equal(getattr(got, field), getattr(whole, field), equal_nan=True), field


def test_a_steps_table_s_text_cells_share_one_string_per_text() -> None:
    """Before: ``astype(object)`` of an Arrow text column made a Python string per cell (~60 bytes: five text
    columns of an hour's steps weighed 0.7x a 26 Hz recording's samples); now each text one object."""
    import retrogait
    from retrogait.simulate import Bout, SimulationConfig, simulate

    bouts = [Bout("still", "still", 0.0, 2.0), Bout("forward", "running", 3.0, 20.0), Bout("still", "still", 0.0, 2.0)]
    config = SimulationConfig("lower_back", bouts, sample_rate_hz=100.0, seed=1)
    steps = retrogait.analyze(simulate(config).session).steps
    assert len(steps) > 40
    for column in ("direction", "activity", "quality_flags"):
        values = steps[column]
        assert values.dtype == object
        assert len({id(v) for v in values}) == pd.unique(values).size, column


def _pearson_by_lag_before(frames: np.ndarray, max_lag: int) -> np.ndarray:
    """periodicity.pearson_by_lag as it was before PERF-51 (the whole inverse kept, the product a new array)."""
    m, w = frames.shape
    nfft = 1 << int(np.ceil(np.log2(2 * w)))
    spec = np.fft.rfft(frames, nfft, axis=1)
    products = np.fft.irfft(spec * np.conj(spec), nfft, axis=1)[:, : max_lag + 1]
    zero = np.zeros((m, 1))
    c1 = np.concatenate([zero, np.cumsum(frames, axis=1)], axis=1)
    c2 = np.concatenate([zero, np.cumsum(frames**2, axis=1)], axis=1)
    lags = np.arange(max_lag + 1)
    count = (w - lags).astype(np.float64)
    head_sum, head_sq = c1[:, w - lags], c2[:, w - lags]
    tail_sum, tail_sq = c1[:, [w]] - c1[:, lags], c2[:, [w]] - c2[:, lags]
    cov = products - head_sum * tail_sum / count
    var = (head_sq - head_sum**2 / count) * (tail_sq - tail_sum**2 / count)
    return np.asarray(cov / np.sqrt(np.maximum(var, 1e-30)))


def test_a_whole_run_s_autocorrelation_keeps_only_its_lags() -> None:
    """The gait gate correlates a whole run at its step and stride lags (one row of 30 min: an FFT of 2^18 points
    at 52 Hz): before, the spectrum, its product with its conjugate and the whole inverse (66 bytes a sample of the
    row); now the spectrum let go once squared and only the lags kept of the inverse (42), the same bits."""
    from retrogait.analysis.periodicity import pearson_by_lag

    rng = np.random.default_rng(5)
    x = rng.normal(size=(1, 100_000))
    pearson_by_lag(x, 130)
    tracemalloc.start()
    try:
        got = pearson_by_lag(x, 130)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak / x.size < 50
    assert np.array_equal(got, _pearson_by_lag_before(x, 130))
    frames = rng.normal(size=(7, 300))
    assert np.array_equal(pearson_by_lag(frames, 40), _pearson_by_lag_before(frames, 40))


def test_lagged_product_sums_are_np_sum_s_bits_for_one_column_too() -> None:
    """REVIEW-94: one column of products is summed pairwise by ``np.sum`` (its rows are contiguous), not one row
    after another, so blocks carried into each other differ from it in the last bits (2 of the 8 one-column cases
    here); a column alone, or float32 values (summed in float32 by ``np.sum``), take the whole-array sum, which is
    the number promised. Two or more float64 columns stay blocked."""
    from retrogait.analysis.contacts import lagged_product_sums

    rng = np.random.default_rng(11)
    for n in (100, 8192, 20_000, 100_000):
        lag = rng.integers(0, 60, n)
        for v in (rng.normal(0.0, 1.0, (n, 1)), rng.normal(0.0, 1.0, (n, 2)).astype(np.float32)):
            for times in (1, 2):
                here = np.flatnonzero((times * lag > 0) & (np.arange(n) + times * lag < n))
                expected = np.sum(v[here] * v[here + times * lag[here]], axis=0)
                got = lagged_product_sums(v, lag, times)
                assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes()


@pytest.mark.parametrize("columns", [0, 1, 2, 4])
def test_the_effort_s_total_refuses_an_acceleration_that_is_not_three_axes(columns: int) -> None:
    """REVIEW-96: taken one axis at a time (PERF-65), the total no longer failed on a table without three axes: it
    summed the squares of 1, 2 or 4 axes, and of none left its changes unwritten (whatever was in memory). Each is one
    ValueError line, as it was on base (a broadcast error there)."""
    from retrogait.analysis.effort import accumulated_change_g

    t = np.arange(500) / FS_HZ
    with pytest.raises(ValueError, match=r"acc_ms2 must be \(n, 3\)"):
        accumulated_change_g(t, np.ones((500, columns)), cutoff_hz=10.0)
    with pytest.raises(ValueError, match=r"acc_ms2 must be \(n, 3\)"):
        accumulated_change_g(t, np.ones((499, 3)), cutoff_hz=10.0)


def _flagged(gap_every: int) -> tuple[float, np.ndarray]:
    """Bytes a sample at step_flags' peak, and its flags, over a 26 Hz lower back's steps (one every 13 samples)
    with a gap sample in every ``gap_every``-th step (0: none)."""
    from types import SimpleNamespace
    from typing import Any, cast

    from retrogait.analysis.quality import step_flags
    from retrogait.analysis.signals import Contacts

    ic = np.arange(20, N - 40, 13, dtype=np.int64)
    contacts = Contacts(ic_idx=ic, to_idx=ic + 5, side=np.full(ic.size, "unknown", dtype="<U7"))
    gap = np.zeros(N, dtype=bool)
    if gap_every:
        gap[ic[::gap_every] + 2] = True
    signals: Any = SimpleNamespace(
        fs_hz=FS_HZ,
        n_samples=N,
        placement="lower_back",
        bridged=None,
        gyr_bridged=None,
        clipped=np.zeros(N, dtype=bool),
        gap=gap,
    )
    flags: list[np.ndarray] = []
    peak = _peak_per_sample(lambda: flags.append(step_flags(signals, cast(Contacts, contacts))))
    return peak, flags[0]


def test_a_gap_flags_its_steps_without_copies_of_every_step_s_text() -> None:
    """One row dropped (an implausible value) leaves a gap: before, each flag found made two copies of every step's
    fixed-width text beside it and the gap's running count beside its copy (42.0 bytes a sample against 30.9 without a
    gap); now the steps hit are rewritten in place (29.6), the flags the same text of the same width (PERF-112)."""
    clean_peak, clean = _flagged(0)
    peak, flags = _flagged(10)
    assert peak < 34 and peak < clean_peak + 3
    assert flags.dtype == np.dtype("<U45") and clean.dtype == np.dtype("<U41")  # as np.char.add widened them
    assert (flags[::10] == "gap;low_rate").all() and (np.delete(flags, np.s_[::10]) == "low_rate").all()


def test_a_dropped_row_s_grid_is_made_after_the_slots_fit() -> None:
    """One row dropped at 52 Hz (an implausible value) puts the samples on their clock's slots: before, the first
    grid was held beside the slots' fit and the slots beside the grid's arrays (88.2 bytes a sample); now 80.1
    (PERF-112)."""
    import retrogait.analysis.preprocess as preprocess

    rng = np.random.default_rng(2)
    keep = np.ones(N, dtype=bool)
    keep[N // 2] = False
    acc, gyr = rng.normal(size=(N, 3))[keep], rng.normal(size=(N, 3))[keep]
    t = (np.arange(N) / 52.0)[keep]
    clipped = np.zeros(t.size, dtype=bool)
    grid, _, _, gap, _, placed = preprocess._uniform_grid(t, acc, gyr, clipped, 52.0)
    assert placed == "slots" and grid.size == N and int(gap.sum()) == 2
    assert _peak_per_sample(lambda: preprocess._uniform_grid(t, acc, gyr, clipped, 52.0)) < 84
