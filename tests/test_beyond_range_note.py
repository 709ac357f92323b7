"""A row dropped as beyond any sensor's range is told by what put it there: acceleration in g, angular rate in deg/s
(EDGE-245). The note named the largest acceleration of every dropped row, so a gyroscope spike read "acceleration up
to 0.993 g" (PERF-112's finding)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import retrogait
from retrogait.analysis.preprocess import _plausible_rows
from retrogait.analysis.settings import PreprocessSettings
from retrogait.simulate import SimulationConfig, parse_bouts, simulate

G = 9.80665


def _rows(n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = np.arange(n) / 100.0
    acc = np.column_stack([0.1 * np.sin(t), 0.2 * np.cos(t), np.full(n, G)])
    gyr = np.column_stack([30.0 * np.sin(3 * t), np.zeros(n), np.ones(n)])
    return t, acc, gyr


def _note(acc: np.ndarray, gyr: np.ndarray | None, acc_range_g: float | None = None) -> tuple[str, int]:
    t = np.arange(acc.shape[0]) / 100.0
    notes: list[str] = []
    kept, _, _ = _plausible_rows(t, acc, gyr, acc_range_g, PreprocessSettings(), notes)
    assert len(notes) == 1, notes
    return notes[0], kept.size


def test_a_row_dropped_for_its_angular_rate_says_the_angular_rate_not_the_acceleration() -> None:
    _, acc, gyr = _rows()
    gyr[50, 1] = -25_000.0  # beyond 10,000 deg/s: no wearable gyroscope reads it
    note, kept = _note(acc, gyr)
    assert kept == 199
    assert note == (
        "1 samples beyond any sensor's range (angular rate up to 25000 deg/s, limit 10000 deg/s) dropped; they are gaps"
    )


def test_a_row_dropped_for_its_acceleration_says_the_acceleration_alone() -> None:
    _, acc, gyr = _rows()
    acc[80, 2] = 30.0 * G  # beyond 1.1 x a declared 16 g
    note, kept = _note(acc, gyr, acc_range_g=16.0)
    assert kept == 199
    assert note == "1 samples beyond any sensor's range (acceleration up to 30 g, limit 17.6 g) dropped; they are gaps"
    note, _ = _note(acc, None, acc_range_g=16.0)  # without a gyroscope: the same words
    assert "angular rate" not in note


def test_rows_dropped_for_either_or_both_say_each_reason_with_its_own_rows() -> None:
    _, acc, gyr = _rows()
    acc[[10, 20], 0] = [-600.0 * G, 550.0 * G]  # beyond 500 g
    gyr[[20, 30, 40], 2] = [12_000.0, 40_000.0, -11_000.0]  # row 20 beyond both
    note, kept = _note(acc, gyr)
    assert kept == 196
    assert note == (
        "4 samples beyond any sensor's range (2 with acceleration up to 600 g, limit 500 g; 3 with angular rate up to "
        "40000 deg/s, limit 10000 deg/s) dropped; they are gaps"
    )


@pytest.mark.parametrize(
    ("acc_g", "rate", "said"),
    [
        (500.4, 0.0, "acceleration up to 500.4 g, limit 500 g"),
        (0.0, -10_000.3, "angular rate up to 10000.3 deg/s, limit 10000 deg/s"),
        (0.0, 10_000.6, "angular rate up to 10001 deg/s, limit 10000 deg/s"),
    ],
)
def test_a_value_just_beyond_its_limit_is_not_shown_rounded_down_to_it(acc_g: float, rate: float, said: str) -> None:
    """A value a hair beyond the limit reads beyond it, not "up to 10000 deg/s, limit 10000 deg/s" (EDGE-249)."""
    _, acc, gyr = _rows()
    acc[60, 0] = acc_g * G if acc_g else acc[60, 0]
    gyr[60, 0] = rate if rate else gyr[60, 0]
    note, _ = _note(acc, gyr)
    assert note == f"1 samples beyond any sensor's range ({said}) dropped; they are gaps"


@pytest.mark.parametrize("rate", [20_000.0, -15_000.0])
def test_the_analysis_notes_a_gyroscope_spike_as_angular_rate(rate: float) -> None:
    """End to end: a simulated shank run with one gyroscope value beyond the range, its acceleration at ~1 g."""
    s = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:10"), sample_rate_hz=200.0, seed=4)).session
    assert s.gyr is not None
    gyr = s.gyr.copy()
    gyr[1000, 1] = rate
    notes = retrogait.analyze(replace(s, gyr=gyr)).summary["notes"]
    said = [n for n in notes if "beyond any sensor's range" in n]
    assert said == [
        f"1 samples beyond any sensor's range (angular rate up to {abs(rate):.0f} deg/s, limit 10000 deg/s) dropped; "
        "they are gaps"
    ], said


def _rad_s_walk() -> tuple[retrogait.Session, np.ndarray]:
    """A simulated shank walk (100 Hz, seed 4, 10 s) with its gyroscope in rad/s at 0.6 of its rate (99th percentile
    4.4: the analysis reads it as rad/s)."""
    s = simulate(SimulationConfig("shank", parse_bouts("forward:walking:1.0:10"), sample_rate_hz=100.0, seed=4)).session
    assert s.gyr is not None
    return s, np.radians(s.gyr) * 0.6


def test_a_gyroscope_read_as_rad_s_has_its_dropped_rate_told_in_deg_s() -> None:
    """The rows are dropped by the limit in deg/s once the unit is read (EDGE-254), so the note tells the rate in deg/s
    (REVIEW-202 had told the file's numbers in rad/s, the limit 10,000 rad/s)."""
    s, gyr = _rad_s_walk()
    gyr[500, 1] = 20_000.0
    notes = retrogait.analyze(replace(s, gyr=gyr)).summary["notes"]
    said = [n for n in notes if "beyond any sensor's range" in n]
    assert said == [
        "1 samples beyond any sensor's range (angular rate up to 1145916 deg/s, limit 10000 deg/s) dropped; they are "
        "gaps"
    ], notes
    assert any(n.startswith("angular rate looked like rad/s") for n in notes), notes
    gyr[500, 1] = 0.0  # a row beyond both (the simulated sensor's declared 16 g)
    acc = s.acc.copy()
    acc[500, 2] = 600.0 * G
    gyr[[500, 600], 1] = [15_000.0, 12_000.0]
    notes = retrogait.analyze(replace(s, acc=acc, gyr=gyr)).summary["notes"]
    said = [n for n in notes if "beyond any sensor's range" in n]
    assert said == [
        "2 samples beyond any sensor's range (1 with acceleration up to 600 g, limit 17.6 g; angular rate up to 859437 "
        "deg/s, limit 10000 deg/s) dropped; they are gaps"
    ], notes


@pytest.mark.parametrize("spikes", [1, 3])
def test_a_gyroscope_read_as_rad_s_drops_a_rate_beyond_the_limit_in_deg_s(spikes: int) -> None:
    """EDGE-254: 500 rad/s is 28,648 deg/s, beyond any wearable gyroscope's range; the limit (10,000 deg/s) held in the
    file's unit kept it and converted it. A spike of a few samples (under 1 % of the rows) does not decide the unit:
    the gyroscope is still read as rad/s, the spike's rows are dropped as gaps, and every other row is as without
    them."""
    s, gyr = _rad_s_walk()
    rows = [300, 500, 700][:spikes]
    gyr[rows, 0] = 500.0
    result = retrogait.analyze(replace(s, gyr=gyr))
    notes = result.summary["notes"]
    said = [n for n in notes if "beyond any sensor's range" in n]
    assert said == [
        f"{spikes} samples beyond any sensor's range (angular rate up to 28648 deg/s, limit 10000 deg/s) dropped; "
        "they are gaps"
    ], notes
    assert any(n.startswith("angular rate looked like rad/s") for n in notes), notes
    gap = np.zeros(len(s.t_s), dtype=bool)
    gap[rows] = True  # the same rows dropped in the session itself: the same steps
    dropped = replace(s, t_s=s.t_s[~gap], acc=s.acc[~gap], gyr=np.radians(s.gyr)[~gap] * 0.6)
    assert result.steps.equals(retrogait.analyze(dropped).steps)


def test_a_row_dropped_for_its_acceleration_and_a_rad_s_spike_are_told_in_one_line() -> None:
    """A row beyond the acceleration's range alone (its rate plausible) dropped before the unit is read, and a 500
    rad/s spike dropped after it: one line counts both, each under its own reason (EDGE-254 rewrites the note from
    the rows read; REVIEW-222: no test held a row dropped for its acceleration alone beside a spike, so leaving those
    rows out of the rewritten note passed)."""
    s, gyr = _rad_s_walk()
    acc = s.acc.copy()
    acc[400, 2] = 600.0 * G
    gyr[700, 0] = 500.0
    notes = retrogait.analyze(replace(s, acc=acc, gyr=gyr)).summary["notes"]
    said = [n for n in notes if "beyond any sensor's range" in n]
    assert said == [
        "2 samples beyond any sensor's range (1 with acceleration up to 600 g, limit 17.6 g; 1 with angular rate up to "
        "28648 deg/s, limit 10000 deg/s) dropped; they are gaps"
    ], notes


@pytest.mark.parametrize("spikes", [10, 15, 30, 60])
def test_spikes_on_one_row_in_a_hundred_or_more_do_not_decide_the_unit(spikes: int) -> None:
    """EDGE-266: the unit was read from the 99th percentile of |rate| over every row, so 10 single-row spikes of 500
    rad/s in 1000 rows put it above 6 and the gyroscope was read as deg/s (every rate 57 x too small, the spikes kept
    as 500 deg/s). A rate one sample alone holds is no movement of a body segment: the unit is read from the rate each
    row and its neighbours hold (their median of three), so isolated spikes do not count, and are then dropped
    beyond the limit in deg/s as with fewer."""
    s, gyr = _rad_s_walk()
    rows = np.arange(50, 50 + 15 * spikes, 15)[:spikes]  # single rows, 15 apart
    gyr[rows, 0] = 500.0
    notes = retrogait.analyze(replace(s, gyr=gyr)).summary["notes"]
    assert any(n.startswith("angular rate looked like rad/s") for n in notes), notes
    said = [n for n in notes if "beyond any sensor's range" in n]
    assert said == [
        f"{spikes} samples beyond any sensor's range (angular rate up to 28648 deg/s, limit 10000 deg/s) dropped; "
        "they are gaps"
    ], notes


def test_a_deg_s_gyroscope_s_brief_turns_still_read_as_deg_s() -> None:
    """The median of three keeps a rate held over three rows: a deg/s gyroscope (the simulated walk's own) whose
    rate lies under 6 deg/s but for brief turns of 3 rows each on 2 % of its rows is still read as deg/s."""
    s, _ = _rad_s_walk()
    gyr = np.full_like(s.acc, 0.5)
    for start in range(20, 1000, 150):  # 7 turns of 3 rows at 300 deg/s: 21 rows
        gyr[start : start + 3, 2] = 300.0
    notes = retrogait.analyze(replace(s, gyr=gyr)).summary["notes"]
    assert not any(n.startswith("angular rate looked like rad/s") for n in notes), notes
