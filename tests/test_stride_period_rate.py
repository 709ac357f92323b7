"""A foot's or shank's stride period searched at a lower internal rate (PERF-118)."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import pytest

from retrogait.analysis import contacts, filters
from retrogait.analysis.filters import block_means, decimation_step
from retrogait.analysis.settings import AnalysisSettings, ContactsSettings
from retrogait.analysis.settings_toml import parse_settings_toml
from retrogait.conventions import STANDARD_GRAVITY_MS2


def _size(fs: float, strides_s: list[tuple[float, float]]) -> np.ndarray:
    """|a| (m/s^2) of a gait whose stride lasts ``T`` s for ``d`` s, per (d, T): a stride fundamental and its third
    harmonic (no step harmonic, so the stride is the first strong lag), the phase running on across changes."""
    rate = np.concatenate([np.full(round(d * fs), 1.0 / period) for d, period in strides_s])
    phase = 2.0 * np.pi * np.cumsum(rate) / fs
    return STANDARD_GRAVITY_MS2 + 4.0 * np.sin(phase) + 1.0 * np.sin(3.0 * phase + 0.4)


def _stride(size: np.ndarray, fs: float, s: ContactsSettings) -> np.ndarray:
    return contacts._stride_s([size], [], threading.Event(), fs, s)


def test_the_decimation_step_keeps_the_rate_at_or_above_the_setting() -> None:
    assert [decimation_step(fs, 50.0) for fs in (200.0, 199.9999, 198.0, 104.0, 100.0, 75.0, 52.0, 50.0, 26.0)] == [
        4,
        4,
        3,
        2,
        2,
        1,
        1,
        1,
        1,
    ]
    assert decimation_step(200.0, 10000.0) == 1


def test_block_means_average_whole_blocks_and_leave_a_part_block_out() -> None:
    x = np.arange(10.0)
    assert block_means(x, 1) is x
    np.testing.assert_array_equal(block_means(x, 4), [1.5, 5.5])
    np.testing.assert_array_equal(block_means(x, 3), [1.0, 4.0, 7.0])


@pytest.mark.parametrize("fs", [200.0, 100.0])
def test_the_period_at_the_lower_rate_is_the_full_rate_s_within_a_lag_and_lies_where_the_stride_changes(
    fs: float,
) -> None:
    """A stride of 1.1 s for 60 s, then 0.74 s: each read within one 50 Hz lag (20 ms) and at its own time, the
    period put back on every sample of the recording (not on the blocks' count: that would read the first stride
    far into the second)."""
    size = _size(fs, [(60.0, 1.1), (60.0, 0.74)])
    s = ContactsSettings()
    low = _stride(size, fs, s)
    full = _stride(size, fs, dataclasses.replace(s, stride_period_rate_hz=10000.0))
    assert low.shape == full.shape == size.shape
    t = np.arange(size.size) / fs
    first, second = (t > 5.0) & (t < 55.0), (t > 65.0) & (t < 115.0)
    assert np.all(np.abs(low[first] - 1.1) <= 0.02) and np.all(np.abs(low[second] - 0.74) <= 0.02)
    lag = 1.01 / fs  # one sample of the recording
    assert np.all(np.abs(full[first] - 1.1) <= lag) and np.all(np.abs(full[second] - 0.74) <= lag)
    assert np.max(np.abs(low - full)) <= 0.03


@pytest.mark.parametrize("fs", [52.0, 26.0])
def test_at_or_below_the_rate_the_period_is_today_s_bit_for_bit(fs: float) -> None:
    size = _size(fs, [(40.0, 1.2), (40.0, 0.8)])
    s = ContactsSettings()
    np.testing.assert_array_equal(
        _stride(size, fs, s), _stride(size, fs, dataclasses.replace(s, stride_period_rate_hz=1e4))
    )


@pytest.mark.parametrize("n", [1, 2, 3, 4, 9])
def test_a_recording_of_a_few_samples_keeps_today_s_period(n: int) -> None:
    """Shorter than one block of the lower rate: read at its own rate, no mean of an empty block (a warning)."""
    size = STANDARD_GRAVITY_MS2 + np.arange(float(n))
    s = ContactsSettings()
    np.testing.assert_array_equal(
        _stride(size, 200.0, s), _stride(size, 200.0, dataclasses.replace(s, stride_period_rate_hz=1e4))
    )


def _window_lengths(monkeypatch: pytest.MonkeyPatch, settings: ContactsSettings) -> set[int]:
    """The lengths (samples) of the windows the autocorrelation reads for 30 s of 1 s strides at 200 Hz."""
    seen: list[int] = []
    first_period = filters._first_period

    def spy(frames: np.ndarray, *args: object) -> np.ndarray:
        seen.append(frames.shape[-1])
        return first_period(frames, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(filters, "_first_period", spy)
    _stride(_size(200.0, [(30.0, 1.0)]), 200.0, settings)
    assert seen
    return set(seen)


def test_at_200_hz_the_period_is_searched_in_a_quarter_of_the_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    """The windows the autocorrelation reads hold 50 Hz samples: 6 s windows of 300, not 1,200 (the CPU shed)."""
    assert _window_lengths(monkeypatch, ContactsSettings()) == {300}


def test_a_wider_step_band_valid_before_perf_118_is_still_accepted_and_read_at_a_rate_that_holds_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """REVIEW-194: a settings file with ``step_band_high_hz`` above 5 Hz (valid up to 20) was refused by the new
    setting's default (50 Hz < 10 x 6 Hz) though it never named it. Accepted, and the stride period is then searched
    at 10 x step_band_high_hz or above: 3 samples a block at 200 Hz (66.7 Hz), not 4 (50 Hz)."""
    assert ContactsSettings(step_band_high_hz=6.0).stride_period_rate_hz == 50.0
    overrides = parse_settings_toml("[contacts]\nstep_band_high_hz = 20.0\n")
    assert overrides.apply(AnalysisSettings()).contacts.step_band_high_hz == 20.0
    assert _window_lengths(monkeypatch, ContactsSettings(step_band_high_hz=6.0)) == {400}  # 6 s at 200 / 3 Hz
    assert contacts.stride_period_step(200.0, ContactsSettings(step_band_high_hz=6.0)) == 3
    assert contacts.stride_period_step(200.0, ContactsSettings()) == 4


@pytest.mark.parametrize("fs", [833.0, 204.8])
def test_the_lower_rate_s_windows_stay_on_today_s_grid_where_the_hop_is_not_whole_blocks(
    fs: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-195: at 833 Hz (16 a block) the 2 s hop is 104 blocks, 1,664 samples, not today's 1,666 (204.8 Hz: 408,
    not 410): the windows drifted from today's by 2 samples a hop, 0.72 s after 10 min, and a stride change there
    was read that much earlier or later (the period off by 71 ms at 833 Hz, 103 ms at 204.8 Hz). Each window now
    starts on the block nearest today's start: the period within one lower-rate lag of the full rate's everywhere,
    and as many windows as today's, the last one too."""
    size = _size(fs, [(600.0, 1.1), (60.0, 0.74)])
    s, every = ContactsSettings(), ContactsSettings(stride_period_rate_hz=10000.0)
    lag = contacts.stride_period_step(fs, s) / fs
    assert np.max(np.abs(_stride(size, fs, s) - _stride(size, fs, every))) <= lag
    windows = [0]
    first_period = filters._first_period

    def spy(frames: np.ndarray, *args: object) -> np.ndarray:
        windows[0] += frames.shape[0]
        return first_period(frames, *args)  # type: ignore[arg-type]

    def count(x: np.ndarray, settings: ContactsSettings) -> int:
        windows[0] = 0
        _stride(x, fs, settings)
        return windows[0]

    monkeypatch.setattr(filters, "_first_period", spy)
    ends = 8 * round(2.0 * fs) + round(6.0 * fs)  # where today's ninth window ends: the recording ends about there
    short = size[: ends + 20]
    for n in range(ends - 16, ends + 17):  # today's last window kept, or not, whatever the tail of part blocks
        assert count(short[:n], s) == count(short[:n], every), n


@pytest.mark.parametrize(("fs", "k"), [(200.0, 4), (100.0, 2), (1000.0, 20), (833.0, 16), (204.8, 4)])
def test_the_lower_rate_s_windows_are_centred_where_today_s_are(fs: float, k: int) -> None:
    """REVIEW-196: the windows' centres, put back in the recording's samples, are today's (at 200, 100, 1000 Hz to
    the sample; where the hop is not whole blocks, within a block: half for the start, half for the width in whole
    blocks): no test failed with them shifted by half a
    block or a whole one, which moves every period by up to that much along the recording."""
    n = round(fs * 95.0) + k - 1  # a tail of part blocks
    x = np.random.default_rng(1).standard_normal(n)
    args = (0.44, 3.0, 6.0, 2.0)
    full = filters.LocalPeriod(x, fs, *args)
    low = filters.LocalPeriod(block_means(x, k), fs / k, *args, step=k, n_out=n)
    assert low._centres.shape == full._centres.shape
    if round(2.0 * fs) % k == 0:
        np.testing.assert_array_equal(low._centres, full._centres)
    else:
        assert np.max(np.abs(low._centres - full._centres)) <= k
    assert low.result().shape == (n,)


def test_a_slow_stride_s_period_moves_by_at_most_one_lower_rate_lag() -> None:
    """REVIEW-197: a 2.9 s stride (its autocorrelation peak flat in the 6 s windows) is read 20 ms apart at 200 Hz,
    one 50 Hz lag, not the half lag the bench hour moved by; never more than one."""
    size = _size(200.0, [(90.0, 2.9), (60.0, 0.5)])
    s = ContactsSettings()
    moved = np.abs(_stride(size, 200.0, s) - _stride(size, 200.0, dataclasses.replace(s, stride_period_rate_hz=1e4)))
    assert 0.01 < np.max(moved) <= 0.02 + 1e-9
