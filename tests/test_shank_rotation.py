"""A shank's rotation cues a block of strides at a time are the whole matrices' numbers, bit for bit (PERF-96)."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.analysis import pipeline
from retrogait.analysis.direction import _after_pause, _stride_window
from retrogait.analysis.settings import preset
from retrogait.analysis.shank_rotation import Strides, pitch_asymmetry_log_ratio, rotation_cues, swing_peak_log_ratio
from retrogait.analysis.stepwindows import IntArray, next_same_side, previous_same_side
from retrogait.analysis.zupt import moving_average, running_sum
from retrogait.simulate import Bout, SimulationConfig, simulate


@pytest.fixture(scope="module", params=[200.0, 52.0])
def strides(request: pytest.FixtureRequest) -> tuple[np.ndarray, float, IntArray, IntArray]:
    """A shank's omega_y, its rate and its strides' windows as the direction cues take them: forward running, a
    stop (a pause: a stride leaving the contact), backward walking (longer strides), so the windows differ."""
    bouts = [
        Bout("forward", "running", 3.0, 12.0),
        Bout("still", "still", 0, 3.0),
        Bout("backward", "walking", 1.0, 12.0),
    ]
    session = simulate(SimulationConfig("shank", bouts, sample_rate_hz=request.param, seed=7)).session
    result = pipeline.analyze(session)
    contacts, signals = result.contacts, result.signals
    assert signals.gyr_dps is not None and len(contacts) > 20
    ic = contacts.ic_idx.astype(np.int64)
    prev, nxt = previous_same_side(contacts.side, True), next_same_side(contacts.side, True)
    start, stop = _stride_window(
        ic, prev, nxt, _after_pause(ic, prev, nxt, preset("shank").direction.pause_stride_ratio)
    )
    return signals.gyr_dps[:, 1], signals.fs_hz, start, stop


@pytest.mark.parametrize("block", [1, 2, 5, 16])
def test_blocks_of_strides_give_the_whole_matrices_numbers(
    strides: tuple[np.ndarray, float, IntArray, IntArray], block: int
) -> None:
    """Against the whole-array computation (omega_y smoothed over the whole recording, every stride's window in one
    matrix of the widest window's width): a block's span off by one sample, or its own narrower rows (a row's sum is
    pairwise, its order of additions set by the width), would change bits."""
    rate, fs, start, stop = strides
    s = preset("shank").direction
    whole_swing = swing_peak_log_ratio(Strides(rate, fs, start, stop), s)
    whole_pitch = pitch_asymmetry_log_ratio(Strides(rate, fs, start, stop), s)
    assert np.isfinite(whole_swing).sum() > 20 and np.isfinite(whole_pitch).sum() > 20
    assert np.ptp(stop - start) > 0.2 * fs  # windows of other lengths: blocks of other widths
    swing, pitch = rotation_cues(Strides(rate, fs, start, stop), s, block_strides=block)
    assert np.array_equal(swing, whole_swing, equal_nan=True)
    assert np.array_equal(pitch, whole_pitch, equal_nan=True)


def test_a_block_s_own_row_width_would_change_the_pitch_asymmetry(
    strides: tuple[np.ndarray, float, IntArray, IntArray],
) -> None:
    """Why each block is given the whole set's row width: with its own (narrower) rows, some row sums round
    otherwise (this guards the test above against data where the width could not matter)."""
    rate, fs, start, stop = strides
    s = preset("shank").direction
    whole = pitch_asymmetry_log_ratio(Strides(rate, fs, start, stop), s)
    rate_sum = running_sum(rate)
    own = np.concatenate(
        [
            pitch_asymmetry_log_ratio(Strides(rate, fs, start[k : k + 2], stop[k : k + 2]), s, rate_sum)
            for k in range(0, start.shape[0], 2)
        ]
    )
    assert not np.array_equal(own, whole, equal_nan=True)
    np.testing.assert_allclose(own, whole, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("width", [1, 2, 4, 5])
def test_a_moving_average_s_span_is_the_whole_one_s_samples(width: int) -> None:
    x = np.random.default_rng(3).normal(size=40).cumsum()
    whole = moving_average(x, width)
    csum = running_sum(x)
    for a, b in [(0, 40), (0, 1), (0, 3), (1, 7), (10, 30), (37, 40), (39, 40), (5, 5)]:
        assert np.array_equal(moving_average(x, width, csum, span=(a, b)), whole[a:b]), (a, b)


def _odd_stride_sets(rng: np.random.Generator, n: int, fs: float) -> list[tuple[str, IntArray, IntArray]]:
    """Stride sets the pipeline's sorted, inner strides never make: at the recording's two edges (a window from
    before its first sample, one past its last), unsorted and overlapping, empty and reversed windows, 1 stride,
    exactly 512 and 513 (a block of 1 stride after the first), the widest window the last one."""
    longest = int(2.4 * fs)
    sets = []
    start = np.sort(rng.integers(0, n - longest, size=40))
    stop = start + rng.integers(int(0.6 * fs), int(1.2 * fs), size=40)
    sets.append(("to the end", np.append(start, n - longest + 3), np.append(stop, n + 7)))
    sets.append(("from before the start", np.append(-5, start), np.append(longest - 9, stop)))
    sets.append(("last sample only", np.append(start, n - 1), np.append(stop, n)))
    order = rng.permutation(40)
    sets.append(("unsorted", start[order], stop[order]))
    wild = rng.integers(-20, n + 20, size=60)
    sets.append(("overlapping, empty, reversed", wild, wild + rng.integers(-5, int(3.0 * fs), size=60)))
    sets.append(("one stride", start[:1], stop[:1]))
    for m in (512, 513):
        s0 = np.sort(rng.integers(0, n - longest, size=m))
        sets.append((f"{m} strides", s0, s0 + rng.integers(1, longest, size=m)))
    return sets


@pytest.mark.filterwarnings("ignore:All-NaN slice:RuntimeWarning")  # a NaN rate's pitch rows, as before
@pytest.mark.parametrize("fs", [26.0, 52.0, 200.0])
def test_blocks_give_the_whole_numbers_on_any_stride_set(fs: float) -> None:
    """REVIEW-172: the blocks' spans and row width taken from unsorted strides and strides at the recording's edges,
    NaN in omega_y included, for 1, 3 and 512 strides a block. Fails on a block's span or the whole set's row width
    clipped to n rather than the running sum's n + 1 samples, and on a span from the first and last strides."""
    rng = np.random.default_rng(int(fs))
    s = preset("shank").direction
    n = int(90 * fs)
    rate = np.cumsum(rng.normal(0.0, 40.0, size=n)) % 800.0 - 400.0
    for nan_at in ([], [n // 3, n - 1]):
        rate[nan_at] = np.nan
        for name, start, stop in _odd_stride_sets(rng, n, fs):
            strides = Strides(rate, fs, start.astype(np.int64), stop.astype(np.int64))
            whole = swing_peak_log_ratio(strides, s), pitch_asymmetry_log_ratio(strides, s)
            assert np.isfinite(whole[1]).any(), name
            for block in (1, 3, 512):
                swing, pitch = rotation_cues(strides, s, block_strides=block)
                assert np.array_equal(swing, whole[0], equal_nan=True), (name, block, nan_at)
                assert np.array_equal(pitch, whole[1], equal_nan=True), (name, block, nan_at)


@pytest.mark.parametrize("width", [1, 4])
@pytest.mark.parametrize("span", [(35, 45), (-2, 5), (7, 3)])
def test_a_moving_average_s_span_outside_the_signal_is_refused(width: int, span: tuple[int, int]) -> None:
    """REVIEW-176: a span past the signal's end (or before its start, or reversed) was answered with b - a values
    of which those outside the signal were np.empty's leftovers (width > 1) or with fewer values (width 1)."""
    x = np.random.default_rng(3).normal(size=40)
    with pytest.raises(ValueError, match="span"):
        moving_average(x, width, running_sum(x), span=span)
