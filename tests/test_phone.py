"""Phone placements: both legs' steps from |a| (phone_steps.py), and the phone traces' step-count goal."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray

import retrogait
from retrogait.analysis.settings import PRESETS, AnalysisSettings
from retrogait.conventions import PLACEMENTS, STEP_COUNT_PLACEMENTS
from retrogait.simulate.nongait import pocket_walk
from script_module import load_script

V = load_script("validate_phone")


def test_phone_placements_exist_with_presets() -> None:
    for placement in ("thigh", "arm", "hand", "chest", "bag", "other"):
        assert placement in PLACEMENTS and placement in STEP_COUNT_PLACEMENTS
        assert AnalysisSettings.for_placement(placement) is PRESETS[placement]


@pytest.mark.parametrize("weak_leg", [0.5, 0.2, 0.05, 0.0])
@pytest.mark.parametrize("turn_at_s", [None, 30.0])
def test_pocket_counts_both_legs_whatever_the_phone_does(weak_leg: float, turn_at_s: float | None) -> None:
    """One leg lands hard, the other softly or invisibly; the phone swings with the thigh and turns over."""
    walk = pocket_walk(weak_leg=weak_leg, turn_at_s=turn_at_s)
    steps = retrogait.analyze(walk.session).steps
    assert abs(len(steps) - walk.step_times_s.size) <= 2
    # each true step has a detection close to it (within a quarter step), so both legs are found
    found = steps["ic_time_s"].to_numpy()
    inner = walk.step_times_s[2:-2]
    assert np.all(np.min(np.abs(found[None, :] - inner[:, None]), axis=1) < 0.15)
    assert set(steps["direction"]) == {"unknown"} and set(steps["foot_strike"]) == {"unknown"}


def test_pocket_cadence_per_bout() -> None:
    walk = pocket_walk(step_s=0.55)
    result = retrogait.analyze(walk.session)
    gait = result.bouts[result.bouts["activity"] != "still"]
    assert len(gait) == 1
    assert gait["cadence_spm"].iloc[0] == pytest.approx(60.0 / 0.55, rel=0.02)


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "position",
    [
        "armband",
        "backpocket",
        "frontpocket",
        "inhand",
        "neckpouch",
        "purse",
        pytest.param(
            "swingingarm",
            marks=pytest.mark.xfail(
                reason="its one trace's true count (284) exceeds the 269 step cycles the 144 s recording holds "
                "(dominant step frequency x duration; docs/validation.md, Phones): the count includes steps "
                "outside the recording",
                strict=True,
            ),
        ),
    ],
)
def test_phone_traces_every_position_within_5_percent(shared_data: Path, position: str) -> None:
    errors = _trace_errors(shared_data)
    assert errors.loc[errors["position"] == position, "error_pct"].abs().mean() <= 5.0


@pytest.mark.shared_data
def test_phone_traces_mean_error_within_2_percent(shared_data: Path) -> None:
    assert _trace_errors(shared_data)["error_pct"].abs().mean() <= 2.0


_ERRORS: dict[Path, pd.DataFrame] = {}


def _trace_errors(root: Path) -> pd.DataFrame:
    """Per trace: position and signed step-count error (%), counted once per test session."""
    if root not in _ERRORS:
        rows = []
        for row, session in V.load_traces(root):
            n = len(retrogait.analyze(session).steps)
            rows.append({"position": row.position, "error_pct": 100.0 * (n - row.true_steps) / row.true_steps})
        _ERRORS[root] = pd.DataFrame(rows)
    return _ERRORS[root]


@pytest.mark.parametrize("duration_s", [12.0, 24.0, 60.0])
def test_a_pocket_whose_other_leg_peaks_off_the_half_stride_keeps_its_steps(duration_s: float) -> None:
    """PHONE-23: the other leg's landing peaks 0.3 of a step after the half-stride, so the anchors lie 1.3 and 0.7 step
    periods apart (as the Samsung pockets', HONEST-37); read step by step no pair keeps the rhythm at the stretch's ends
    and the detector placed no step (0 of 22, 44 and 109 before PHONE-23). Read over the
    displaced peak, the pair late and the pair early together keep it: the count is the walk's and the stretch
    reaches the walk's first and last steps. (A step the rhythm places between two anchors 2 steps apart may sit at
    the half-stride rather than on the late peak, 0.3 s off: the count, not the time, is what a phone gives.)"""
    walk = pocket_walk(duration_s=duration_s, weak_leg=0.8, weak_late=0.3)
    found = retrogait.analyze(walk.session).steps["ic_time_s"].to_numpy()
    true = walk.step_times_s
    assert abs(found.size - true.size) <= 2
    assert found[0] < true[0] + 0.15 and found[-1] > true[-1] - 0.15


def test_the_rhythm_is_read_over_a_displaced_peak_not_over_any_late_gap() -> None:
    """PHONE-23: a pair late and the next (or, past a pair in rhythm, the one after) early by the same amount keep
    the rhythm together (one leg's peak off the half-stride); a late or early pair beside pairs in rhythm does not
    (handling's stray peak), nor two late pairs (1.3 + 1.3 spans no whole number of steps within a quarter step)."""
    from retrogait.analysis.phone_steps import in_rhythm

    def read(gaps: list[float]) -> list[bool]:
        return in_rhythm(np.array(gaps), 0.25).tolist()

    assert read([1.3, 0.7, 1.3, 0.7]) == [True] * 4
    assert read([1.3, 2.0, 0.7, 1.0]) == [True] * 4
    assert read([1.0, 1.3, 1.0]) == [True, False, True]
    assert read([1.0, 0.7, 1.0, 1.0]) == [True, False, True, True]
    assert read([1.3, 1.3, 1.0]) == [False, False, True]
    assert read([1.4, 0.7]) == [True, True]  # late 0.4, early 0.3: the anchors around lie 2.1 steps apart
    assert read([1.3, 1.0, 1.0, 0.7]) == [False, True, True, False]  # two pairs in rhythm between: not one peak
    assert read([3.3, 0.7]) == [False, False]  # three steps in one pair: no step's gap


@pytest.mark.shared_data
def test_handling_at_a_phone_traces_ends_is_not_read_as_a_displaced_peak(shared_data: Path) -> None:
    """PHONE-23 (PHONE-22's finding): read over any stride, the Pixel in-hand trace gained steps at 0.10, 0.78 s and
    163.94 s (the recording's first and last second: their anchors 1.27 and 1.38 step periods from a pair in rhythm);
    read over a displaced peak only, its steps start at 1.54 s and end at 163.21 s, as before."""
    from retrogait.analysis.load import load_input

    session = load_input(shared_data / "phone_positions" / "Pixel_Jamie_Hard_InHand_1.accelerometer.csv.gz")
    t = retrogait.analyze(session, placement="bag").steps["ic_time_s"].to_numpy() - float(session.t_s[0])
    assert t[0] > 1.0 and t[-1] < 163.5, (t[:3], t[-3:])


@pytest.mark.shared_data
@pytest.mark.parametrize(("start_s", "length_s"), [(114.3, 24.0), (99.0, 12.0), (126.0, 12.0)])
def test_a_short_pocket_cut_whose_landings_alternate_keeps_its_steps(
    shared_data: Path, start_s: float, length_s: float
) -> None:
    """PHONE-26 (PHONE-25's part 2): the Samsung (Carmelo) back pocket's steps alternate 0.34 and 0.76 s apart (one
    leg's peak 0.38 of a step off the half-stride); in these cuts the short intervals outnumber the long by one, the
    gait gate read their median, the short one, as the step, found no repetition near it or twice it (the stride,
    1.10 s, lies beyond both lag windows) and dropped every step. Read as half the median stride, the cuts keep
    their steps, as many as the whole trace has in the same seconds."""
    from retrogait.analysis.load import load_input

    session = load_input(shared_data / "phone_positions" / "Samsung_Carmelo_Hard_BackPocket_1.accelerometer.csv.gz")
    t0 = float(session.t_s[0])
    whole = retrogait.analyze(session, placement="thigh").steps["ic_time_s"].to_numpy() - t0
    inside = int(((whole >= start_s) & (whole < start_s + length_s)).sum())
    cut = retrogait.analyze(session.between(t0 + start_s, t0 + start_s + length_s), placement="thigh")
    assert inside >= 0.9 * length_s / 0.56 and len(cut.steps) >= 0.9 * inside, (len(cut.steps), inside)
    assert not any("contacts dropped" in n for n in cut.summary["notes"]), cut.summary["notes"]


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("trace", "start_s", "length_s"),
    [("Samsung_Carmelo_Hard_InHand_1", 104.1, 12.0), ("Pixel_Jamie_Hard_InHand_1", 126.1, 24.0)],
)
def test_an_in_hand_cut_whose_steps_have_two_rises_keeps_its_steps(
    shared_data: Path, trace: str, start_s: float, length_s: float
) -> None:
    """PHONE-30 (PHONE-27's gate-dropped cuts): in the hand each step's |a| rises twice about as steeply, at its peak
    and a quarter of a step before it; the landing read step by step flipped between the two, so the steps' peaks came
    every 0.55-0.61 s and their landings 0.26-0.96 s apart, and the gait gate dropped every step of these cuts as
    strides varying more than any walk's (0 of 20 and 0 of 43 on f9c7a98). Read on the leg's mean rise, they keep as
    many steps as the whole trace has in the same seconds."""
    session = V.read_trace(shared_data / "phone_positions" / f"{trace}.accelerometer.csv.gz", "hand")
    t0 = float(session.t_s[0])  # validate_phone's cuts, read as it reads them
    whole = retrogait.analyze(session).steps["ic_time_s"].to_numpy() - t0
    inside = int(((whole >= start_s) & (whole < start_s + length_s)).sum())
    cut = retrogait.analyze(session.between(t0 + start_s, t0 + start_s + length_s))
    assert inside >= 0.9 * length_s / 0.62 and len(cut.steps) >= 0.9 * inside, (len(cut.steps), inside)
    assert not any("contacts dropped" in n for n in cut.summary["notes"]), cut.summary["notes"]


def test_a_steps_landing_is_read_on_its_legs_mean_rise() -> None:
    """PHONE-30: every step's |a| rises twice, a 20-ms pulse at its peak and one 0.23 s before it a tenth smaller on
    average, each step's sizes drawn at random within +-10 %, so the steeper rise is now the one, now the other (one
    step in nine). The landing is the same point of every step (the leg's mean rise), not the steeper of the two step
    by step (0.25 s apart; 5 of 47 steps on f9c7a98)."""
    from retrogait.analysis.phone_steps import landings
    from retrogait.analysis.preprocess import preprocess
    from retrogait.session import Session, SessionMeta

    fs, step_s = 100.0, 0.6
    t = np.arange(round(30.0 * fs)) / fs
    peaks = np.arange(1.0, 29.0, step_s)
    rng = np.random.default_rng(0)
    size = rng.uniform(0.9, 1.1, (peaks.size, 2)) * [0.5, 0.45]
    pulses = np.exp(-0.5 * ((t[:, None] - peaks[None, :]) / 0.02) ** 2) * size[:, 0]
    pulses += np.exp(-0.5 * ((t[:, None] - peaks[None, :] + 0.23) / 0.02) ** 2) * size[:, 1]
    acc = np.column_stack([np.zeros(t.size), np.zeros(t.size), 9.80665 * (1.0 + pulses.sum(axis=1))])
    signals = preprocess(Session(t, acc, None, SessionMeta("hand", fs)))
    peak_idx = np.rint(peaks * fs).astype(np.int64)
    period = np.full(t.size, step_s * fs)
    found = landings(signals, peak_idx, period, AnalysisSettings.for_placement("hand").phone_steps)
    assert found.size == peak_idx.size
    before = (peak_idx - found) / fs
    assert np.count_nonzero(before > 0.05) <= 1, np.round(before, 2)  # a run's last step has fewer of its leg's around


def _two_rise_steps(
    peaks: NDArray[np.float64], early: NDArray[np.float64], late: NDArray[np.float64], fs: float = 100.0
) -> tuple[object, NDArray[np.int64]]:
    """|a| with two 20-ms pulses per step: ``late`` at its peak, ``early`` 0.23 s before it; the preprocessed
    signals and the peaks' samples (for :func:`landings`)."""
    from retrogait.analysis.preprocess import preprocess
    from retrogait.session import Session, SessionMeta

    t = np.arange(round((peaks[-1] + 1.0) * fs)) / fs
    pulses = np.exp(-0.5 * ((t[:, None] - peaks[None, :]) / 0.02) ** 2) * late
    pulses += np.exp(-0.5 * ((t[:, None] - peaks[None, :] + 0.23) / 0.02) ** 2) * early
    acc = np.column_stack([np.zeros(t.size), np.zeros(t.size), 9.80665 * (1.0 + pulses.sum(axis=1))])
    return preprocess(Session(t, acc, None, SessionMeta("hand", fs))), np.rint(peaks * fs).astype(np.int64)


def test_a_landing_is_read_on_its_own_legs_steps_not_the_other_legs() -> None:
    """REVIEW-183 (PHONE-30): the mean rise is its leg's, every other step: one leg lands at its early rise, the
    other at its peak, every step alike. Averaged over both legs' steps the peak's rise would win for both (a test
    pinned neither the every-other-step nor the time window before: both mutants passed)."""
    from retrogait.analysis.phone_steps import landings

    step_s = 0.6
    peaks = np.arange(1.0, 25.0, step_s)
    even = np.arange(peaks.size) % 2 == 0
    signals, peak_idx = _two_rise_steps(peaks, np.where(even, 0.6, 0.4), np.where(even, 0.4, 0.7))
    period = np.full(signals.acc_ms2.shape[0], step_s * 100.0)
    found = landings(signals, peak_idx, period, AnalysisSettings.for_placement("hand").phone_steps)
    before = (peak_idx - found) / 100.0
    assert np.all(before[even] > 0.15) and np.all(before[~even] < 0.05), np.round(before, 2)


def test_a_landing_is_not_read_on_steps_of_a_walk_seconds_away() -> None:
    """REVIEW-183 (PHONE-30): the leg's steps count only within ``landing_strides`` strides of time: a walk that lands
    at its peaks, then 10 s later one whose early rise is far the steeper; the first walk's last steps keep their
    peak's landing (without the time window its last step's mean would take the second walk's)."""
    from retrogait.analysis.phone_steps import landings

    step_s = 0.6
    first, second = np.arange(1.0, 10.0, step_s), np.arange(20.0, 29.0, step_s)
    peaks = np.concatenate([first, second])
    one = np.arange(peaks.size) < first.size
    signals, peak_idx = _two_rise_steps(peaks, np.where(one, 0.2, 1.5), np.where(one, 0.5, 0.3))
    period = np.full(signals.acc_ms2.shape[0], step_s * 100.0)
    found = landings(signals, peak_idx, period, AnalysisSettings.for_placement("hand").phone_steps)
    before = (peak_idx - found) / 100.0
    assert np.all(before[one] < 0.05) and np.all(before[~one] > 0.15), np.round(before, 2)


def test_the_landings_memory_does_not_grow_with_landing_strides() -> None:
    """REVIEW-182 (PHONE-30, PHONE-32): the mean rise over the leg's steps is summed neighbour by neighbour, not
    stacked as a (steps, neighbours, offsets) array: `bench_memory.py --grid` put the phone at 26 and 52 Hz over its
    4x goal (4.43x, 4.15x; f9c7a98 3.61x, 3.54x), and `landing_strides` = 10 (its bound) held 21 such copies."""
    import tracemalloc

    from retrogait.analysis.phone_steps import landings

    step_s = 0.6
    peaks = np.arange(1.0, 600.0, step_s)
    signals, peak_idx = _two_rise_steps(peaks, np.full(peaks.size, 0.4), np.full(peaks.size, 0.5))
    period = np.full(signals.acc_ms2.shape[0], step_s * 100.0)
    base = AnalysisSettings.for_placement("hand").phone_steps
    peak = {}
    for strides in (0, 10):
        tracemalloc.start()
        landings(signals, peak_idx, period, replace(base, landing_strides=strides))
        peak[strides] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak[10] <= 1.5 * peak[0], peak


@pytest.mark.parametrize("late_s", [0.715, -0.715])
def test_a_lone_stray_peak_beside_a_walk_is_not_read_as_a_displaced_leg(late_s: float) -> None:
    """REVIEW-130 (PHONE-23): a stray peak 1.3 steps before a pocket walk's first step (or after its last), a third of
    the walk's size, pairs with a noise peak 0.7 steps beyond it (3 % of the walk's size) into a late and an early
    pair: read over a displaced peak without the peaks' size, that passed as a leg off the half-stride and the stray
    and the noise became 2 steps (f59410f: none; the generator's abrupt start or stop leaves a step just outside the
    walk with or without the stray). A displaced leg's peaks are steps of the walk's size."""
    walk = pocket_walk(duration_s=30.0, seed=1)
    session = walk.session
    at = walk.step_times_s[0] - late_s if late_s > 0 else walk.step_times_s[-1] - late_s
    size = np.linalg.norm(session.acc, axis=1, keepdims=True)
    acc = session.acc + 0.5 * 9.80665 * np.exp(-0.5 * ((session.t_s - at) / 0.03) ** 2)[:, None] * session.acc / size
    true = walk.step_times_s

    def outside(acc: np.ndarray) -> list[float]:
        found = retrogait.analyze(replace(session, acc=acc)).steps["ic_time_s"].to_numpy()
        return found[(found < true[0] - 0.3) | (found > true[-1] + 0.3)].round(2).tolist()

    # the generator's abrupt start and stop can leave a step just outside the walk: the stray must add none
    assert set(outside(acc)) <= set(outside(session.acc)), (outside(acc), outside(session.acc))


def test_the_displaced_reading_needs_its_peaks_to_be_steps() -> None:
    """REVIEW-130: the late and early pairs keep the rhythm only where every anchor of them is a step of the walk's
    size (a noise peak beside a stray one is not a displaced leg); the whole-number reading needs no size here."""
    from retrogait.analysis.phone_steps import in_rhythm

    gaps = np.array([0.73, 1.31, 1.0, 1.0])
    assert in_rhythm(gaps, 0.25).tolist() == [True] * 4
    small_first = np.array([False, True, True, True, True])
    assert in_rhythm(gaps, 0.25, small_first).tolist() == [False, False, True, True]
    run = np.array([1.3, 2.0, 0.7, 1.0])
    assert in_rhythm(run, 0.25, np.ones(5, dtype=bool)).tolist() == [True] * 4
    assert in_rhythm(run, 0.25, np.array([True, True, False, True, True])).tolist() == [False, True, False, True]
