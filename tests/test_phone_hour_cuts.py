"""Thirty-seventh session's cuts of the phone hour give what the code before them gave (PERF-145..147)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from retrogait.analysis import periodicity as periodicity_module
from retrogait.analysis import preprocess as preprocess_module
from retrogait.analysis.load import load_input
from retrogait.analysis.periodicity import nearest_window, sample_windows
from retrogait.analysis.preprocess import (
    MIN_SLOT_STEP,
    ONE_SLOT_STEP,
    SNAP_PERIODS,
    _clock_slots,
    _off_every_pinned_line,
    _refuse_nothing_to_analyse,
    _two_on_one_slot,
    preprocess,
)
from retrogait.errors import RetrogaitError


def _refused(acc: NDArray[np.float64]) -> str | None:
    try:
        _refuse_nothing_to_analyse(acc, np.zeros(acc.shape[0], dtype=bool), "f.csv", [])
    except RetrogaitError as error:
        return str(error)
    return None


def test_a_flat_signal_is_refused_by_each_axis_range_as_by_numpys_ptp() -> None:
    """PERF-145: each axis' range down its own column, the refusal of ``np.ptp(acc, axis=0).max() < 1e-6``: every
    axis flat at its own level is refused (a range of the whole array would not be), one axis moving by 2e-6 is
    not, and a NaN on one axis is not (numpy's max of the ranges is NaN; Python's ``max`` would skip it)."""
    n = 1000
    levels = np.tile([0.5, -9.81, 3.0], (n, 1))
    assert _refused(levels) == "f.csv: the acceleration is constant (flat signal); nothing to analyse"
    moving = levels.copy()
    moving[::2, 2] += 2e-6
    assert _refused(moving) is None
    with_nan = levels.copy()
    with_nan[10, 1] = np.nan
    assert _refused(with_nan) is None
    assert _refused(np.asfortranarray(levels)) is not None
    for acc in (levels, moving, with_nan, np.random.default_rng(0).normal(size=(n, 3))):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            flat = float(np.ptp(acc, axis=0).max()) < 1e-6  # the check as it was
        assert (_refused(acc) is not None) == flat


def _full_clock_slots(t: NDArray[np.float64], fs_hz: float, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        patch.setattr(preprocess_module, "_two_on_one_slot", lambda r: False)
        patch.setattr(preprocess_module, "_off_every_pinned_line", lambda r: False)
        return _clock_slots(t, fs_hz)


def _stamps(rng: np.random.Generator, case: int) -> tuple[NDArray[np.float64], float]:
    """Jittered clocks, some with samples lost, one pair squeezed, bursts, a rate off, epoch seconds."""
    n = int(rng.integers(3, 30_000))
    fs = float(rng.choice([26.0, 50.0, 100.0, 200.0, 400.0]))
    k = np.cumsum(rng.choice([1, 1, 1, 2], n)) if case % 3 else np.arange(n)
    jitter = float(rng.choice([0.01, 0.05, 0.2, 0.4, 0.44, 0.46, 0.6]))
    if case % 6 == 1:  # a phone's resampled clock: every sample one slot on, the rate drifting by 1e-4 to 1e-3
        k = np.cumsum(
            1.0 + float(rng.choice([1e-4, 4e-4, 1e-3])) * np.sin(np.arange(n) / float(rng.integers(500, 9000)))
        )
    t = (k + rng.uniform(-jitter, jitter, n)) / fs
    if case % 4 == 0:  # one pair squeezed below and around MIN_SLOT_STEP
        i = int(rng.integers(0, n - 1))
        t[i + 1] = t[i] + rng.uniform(0.0, 3.0 * MIN_SLOT_STEP) / fs
    if case % 5 == 0:  # a phone's bursts: several samples a few ms apart
        t = np.sort(t + rng.choice([0.0, 0.3], n) / fs)
    if case % 7 == 0:
        t = t + 1.7e9
    fs *= float(rng.choice([1.0, 1.0, 0.9, 1.1, 10.0, 21.0]))  # a rate measured off
    return t, fs


def test_clock_slots_refused_without_the_fits_only_where_the_fits_refuse(monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-146: wherever ``_two_on_one_slot`` or ``_off_every_pinned_line`` shows it, the fits give None too;
    everywhere ``_clock_slots`` gives the fits' own answer (the same start and slots)."""
    rng = np.random.default_rng(146)
    shown = off_line = 0
    for case in range(400):
        t, fs = _stamps(rng, case)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a rank-deficient fit's warning
            full = _full_clock_slots(t, fs, monkeypatch)
            fast = _clock_slots(t, fs)
        if _two_on_one_slot((t - t[0]) * fs):
            shown += 1
            assert full is None, case
        if _off_every_pinned_line((t - t[0]) * fs):
            off_line += 1
            assert full is None, case
        assert (full is None) == (fast is None), case
        if full is not None and fast is not None:
            assert full[0] == fast[0] and np.array_equal(full[1], fast[1]), case
    assert 40 < shown < 400 and 10 < off_line < 400


def test_two_neighbouring_slots_a_fifth_of_a_period_apart_still_take_the_fits() -> None:
    """A step of 0.2 periods is two samples on neighbouring slots 0.4 off them (within SNAP_PERIODS): the slots
    hold, so the shortcut must not refuse it (fails where MIN_SLOT_STEP is taken as 1 - 2 SNAP_PERIODS or more)."""
    fs = 100.0
    k = np.arange(50_000, dtype=np.float64)
    t = k / fs
    t[20_000] += 0.4 / fs
    t[20_001] -= 0.4 / fs
    assert MIN_SLOT_STEP < 1.0 - 2.0 * SNAP_PERIODS
    assert not _two_on_one_slot((t - t[0]) * fs)
    slots = _clock_slots(t, fs)
    assert slots is not None and np.array_equal(slots[1], np.arange(k.size))


def test_a_burst_refuses_the_slots_without_fitting(monkeypatch: pytest.MonkeyPatch) -> None:
    """A phone's burst (two samples 2 % of a period apart) on an otherwise jittered hour: None without a fit (on
    the code before PERF-146 the line was fitted twice); a short recording (spread too small to pin the slope) and
    stamps with a NaN are left to the fits."""
    rng = np.random.default_rng(3)
    fs = 200.0
    t = (np.arange(300_000) + rng.uniform(-0.2, 0.2, 300_000)) / fs
    t[1001] = t[1000] + 0.02 / fs

    def no_fit(*_: object) -> None:
        raise AssertionError("fitted")

    monkeypatch.setattr(preprocess_module, "line_fit", no_fit)
    assert _clock_slots(t, fs) is None
    short = np.array([0.0, 0.02, 1.0, 2.0, 3.0]) / fs
    assert not _two_on_one_slot(short * fs)
    with_nan = t.copy()
    with_nan[5] = np.nan
    assert not _two_on_one_slot((with_nan - with_nan[0]) * fs)


def test_a_drifting_clock_refuses_the_slots_without_fitting(monkeypatch: pytest.MonkeyPatch) -> None:
    """A resampled phone clock (every sample one period on, the rate 4e-4 off for a while, as the generic phone
    trace's hour): None without a fit; the same clock without the drift keeps its slots (the fits run)."""
    n, fs = 200_000, 405.0
    rng = np.random.default_rng(5)
    drift = np.where((np.arange(n) // 20_000) % 2 == 1, 4e-4, -4e-4)
    t = np.cumsum(1.0 + drift + rng.uniform(-0.01, 0.01, n)) / fs
    steady = (np.arange(n) + rng.uniform(-0.01, 0.01, n)) / fs
    assert _off_every_pinned_line((t - t[0]) * fs)
    assert not _off_every_pinned_line((steady - steady[0]) * fs)
    slots = _clock_slots(steady, fs)
    assert slots is not None and np.array_equal(slots[1], np.arange(n))

    def no_fit(*_: object) -> None:
        raise AssertionError("fitted")

    monkeypatch.setattr(preprocess_module, "line_fit", no_fit)
    assert _clock_slots(t, fs) is None


def test_clocks_at_the_limits_of_their_slots_keep_them() -> None:
    """Samples wandering slowly within 0.42 of their slots (a stretch 0.84 wide), and a sample lost between two
    0.44 off their slots (a step of 1.12 periods that is two slots, beside steps of 1.44): the slots hold and the
    shortcuts must not refuse them (fails where the band is taken narrower than 2 SNAP_PERIODS, or a step of 1.44 as
    one slot; a step of 1.12 taken as one slot is not caught here, its neighbours' 1.44 end the stretch: REVIEW-227's
    test below catches it)."""
    fs, n = 100.0, 60_000
    wander = np.arange(n) + 0.42 * np.sin(2.0 * np.pi * np.arange(n) / 1000.0)
    k = np.concatenate([np.arange(30_000), np.arange(30_001, n + 1)]).astype(np.float64)
    lost = k.copy()
    lost[29_999] += 0.44
    lost[30_000] -= 0.44
    for stamps, slots in ((wander, np.arange(n)), (lost, k - k[0])):
        t = stamps / fs
        assert not _off_every_pinned_line((t - t[0]) * fs)
        found = _clock_slots(t, fs)
        assert found is not None and np.array_equal(found[1], slots)


def test_a_short_clock_off_its_rate_keeps_its_slots_within_the_slopes_slack() -> None:
    """REVIEW-227: 1,100 stamps (11 s at 100 Hz) of a clock 5e-4 faster than its nominal rate, wandering slowly
    within 0.3 of its slots: the fits' slope (~1.0005) keeps every slot. Against slope 1 the first 1,024 stamps
    spread 0.98 of a period (over 0.9): only the slopes' slack (~3.2 periods here: the standard deviation of the
    stamps is ~318, so the fitted slope is pinned only within ~0.3 %) keeps the band check from refusing them
    (fails where the slack is left out: PERF-146's "equivalent in practice" mutant)."""
    n, fs = 1100, 100.0
    i = np.arange(n)
    t = 1.7e9 + (i * 1.0005 + 0.3 * np.sin(2.0 * np.pi * i / 300.0)) / fs
    r = (t - t[0]) * fs
    off_one = r[:1024] - i[:1024]
    assert float(off_one.max() - off_one.min()) > 2.0 * SNAP_PERIODS and float(np.diff(r).max()) < ONE_SLOT_STEP
    assert not _off_every_pinned_line(r) and not _two_on_one_slot(r)
    found = _clock_slots(t, fs)
    assert found is not None and np.array_equal(found[1], i)


def test_a_lost_sample_one_step_of_1_1_periods_is_two_slots_not_one() -> None:
    """REVIEW-227: samples drifting over 200 stamps to 0.449 after their slots and, past a lost sample, back over
    200 from 0.449 before theirs (the stretch of 1,024 stamps around it, on its slots each side, spans 1 period
    about slope 1): the step over the lost sample is 2 - 0.898 = 1.102 periods (the shortest step two slots allow
    is 1 + 2 (1 - SNAP_PERIODS) - 1 = 1.1), every other step ~1.002; the slots hold (fails where ONE_SLOT_STEP is
    taken over 1.102: the stretch, one slot off past the lost sample, would read as off every line)."""
    n, fs = 60_000, 100.0
    k = np.concatenate([np.arange(30_000), np.arange(30_001, n + 1)]).astype(np.float64)
    i = np.arange(n)
    after = 0.449 * np.clip(1.0 - (29_999 - i) / 200.0, 0.0, 1.0)
    before = -0.449 * np.clip(1.0 - (i - 30_000) / 200.0, 0.0, 1.0)
    t = (k + np.where(i <= 29_999, after, before)) / fs
    r = (t - t[0]) * fs
    steps = np.diff(r)
    assert abs(float(steps[29_999]) - 1.102) < 1e-6 and float(np.delete(steps, 29_999).max()) < 1.003
    assert not _off_every_pinned_line(r) and not _two_on_one_slot(r)
    found = _clock_slots(t, fs)
    assert found is not None and np.array_equal(found[1], k)


def _centres(rng: np.random.Generator, case: int, n: int, fs: float) -> NDArray[np.float64]:
    if case % 3 == 0:  # as windowed_periodicity lays them out
        dec = max(1, round(fs / 50.0))
        decimated = (n + dec - 1) // dec
        w = min(int(rng.integers(4, 450)), decimated)
        starts = np.arange(0, max(decimated - w + 1, 0), int(rng.integers(1, 30)))
        return np.asarray((starts.astype(np.float64) + w / 2.0) / (fs / dec))
    if case % 3 == 1:  # centres on samples: midpoints on samples and between them
        return np.unique(rng.integers(0, n + 5, int(rng.integers(0, 200)))).astype(np.float64) / fs
    return np.sort(rng.uniform(-5.0, 1.2 * n / fs + 5.0, int(rng.integers(0, 60))))  # beyond both ends too


def test_sample_windows_are_the_nearest_windows_of_every_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-147: ``sample_windows`` gives ``nearest_window(centre_s, np.arange(n) / fs)`` exactly (centres laid out
    as the periodicity's, on samples, beyond the ends; rates with fractions), and on the periodicity's layout of a
    long recording asks ``nearest_window`` about 5 samples a turn and those past the last centre, not every sample."""
    rng = np.random.default_rng(147)
    for case in range(600):
        fs = float(rng.choice([12.5, 26.0, 50.0, 100.486, 202.386, 405.114]))
        n = int(rng.integers(1, 20_000))
        centres = _centres(rng, case, n, fs)
        expected = nearest_window(centres, np.arange(n) / fs)
        got = sample_windows(centres, n, fs)
        assert got.dtype == expected.dtype and np.array_equal(got, expected), case
    # past the last centre two rounded distances can tie and nearest_window turns back (to the one before): the
    # samples there are asked of it (fails where the tail is left to np.repeat)
    centres = np.array([0.5, 1.0, np.nextafter(1.0, 2.0)])
    expected = nearest_window(centres, np.arange(1000) / 100.0)
    assert expected[-1] == 1 and np.array_equal(sample_windows(centres, 1000, 100.0), expected)
    asked: list[int] = []

    def counted(centre_s: NDArray[np.float64], t_s: NDArray[np.float64]) -> NDArray[np.int64]:
        asked.append(t_s.size)
        return nearest_window(centre_s, t_s)

    monkeypatch.setattr(periodicity_module, "nearest_window", counted)
    fs, n = 100.486, 360_000
    starts = np.arange(0, n // 2 - 402 + 1, 13)
    centres = (starts.astype(np.float64) + 402 / 2.0) / (fs / 2)
    got = periodicity_module.sample_windows(centres, n, fs)
    assert np.array_equal(got, nearest_window(centres, np.arange(n) / fs))
    assert max(asked) <= 5 * centres.size and sum(asked) < n // 4  # 5 samples a turn, the tail


def test_sample_windows_of_centres_out_of_order_or_repeated_are_nearest_windows_own() -> None:
    """REVIEW-228: centres repeated, or out of order (outside ``nearest_window``'s contract, where a turn need not
    lie among the 5 samples around a midpoint): ``sample_windows`` still gives ``nearest_window``'s indices, its
    check that every turn is bracketed sending them to the search per sample (fails where that check is left out:
    no layout of the PERF-147 test reaches it)."""
    rng = np.random.default_rng(228)
    for case in range(300):
        fs = float(rng.choice([26.0, 100.0, 33.3333]))
        n = int(rng.integers(64, 400))
        m = int(rng.integers(3, 9))
        if case % 2:
            centres = rng.uniform(0.0, n / fs, m)  # out of order
        else:
            centres = np.sort(np.repeat(rng.uniform(0.0, n / fs, m), rng.integers(1, 4, m)))  # repeated
        expected = nearest_window(centres, np.arange(n) / fs)
        got = sample_windows(centres, n, fs)
        assert got.dtype == expected.dtype and np.array_equal(got, expected), case


@pytest.mark.shared_data
def test_real_phone_traces_the_band_shows_are_refused_by_the_fits_too(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-229: of the 21 phone_positions traces four (Pixel, back and front pocket, neck pouch, purse: a
    resampled clock drifting off its rate) are shown by ``_off_every_pinned_line``, not none as PERF-146 said; the
    fits give None there too, and on a trace neither check shows (Pixel in hand) ``_clock_slots`` is the fits'."""
    caught: list[tuple[NDArray[np.float64], float]] = []
    grid = preprocess_module._uniform_grid

    def spy(t: NDArray[np.float64], *args: Any, **kwargs: Any) -> Any:
        caught.append((t.copy(), float(args[3])))
        return grid(t, *args, **kwargs)

    monkeypatch.setattr(preprocess_module, "_uniform_grid", spy)
    folder = shared_data / "phone_positions"
    for name, shown in (
        ("BackPocket", True),
        ("FrontPocket", True),
        ("NeckPouch", True),
        ("Purse", True),
        ("InHand", False),
    ):
        caught.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            preprocess(load_input(folder / f"Pixel_Jamie_Hard_{name}_1.accelerometer.csv.gz"))
        t, fs = caught[0]
        r = (t - t[0]) * fs
        assert _off_every_pinned_line(r) is shown and not _two_on_one_slot(r), name
        full = _full_clock_slots(t, fs, monkeypatch)
        assert full is None and _clock_slots(t, fs) is None, name


def test_infinite_stamps_are_left_to_the_fits_without_a_warning_of_the_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """REVIEW-229: stamps with an infinity (one or two in a row, inside or at the end) are left to the fits without
    a warning of their own (``np.std`` and the steps' ``inf - inf`` warned "invalid value", an error under the
    tests' filter where ac447def's fits raised their own), so ``_clock_slots`` raises or answers as the fits do."""
    rng = np.random.default_rng(229)
    for n in (3000, 50_000):
        for value in (np.inf, -np.inf):
            for where in (slice(n // 2, n // 2 + 1), slice(n // 2, n // 2 + 2), slice(n - 1, n)):
                t = (np.arange(n) + rng.uniform(-0.2, 0.2, n)) / 100.0
                t[where] = value
                r = (t - t[0]) * 100.0
                assert not _two_on_one_slot(r) and not _off_every_pinned_line(r)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    try:
                        full: Any = _full_clock_slots(t, 100.0, monkeypatch)
                    except Exception as error:  # compared by type
                        full = type(error)
                if isinstance(full, type):
                    with pytest.raises(full):
                        _clock_slots(t, 100.0)
                else:
                    assert _clock_slots(t, 100.0) == full
