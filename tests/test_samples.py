"""Durations as whole numbers of samples (retrogait.samples, CONTACT-12/13): a rate a clock's error under a round
one gets the round rate's windows, and the same run's contacts do not move with it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import retrogait
from retrogait.rate import measured_rate_hz
from retrogait.samples import CLOCK_TOLERANCE, nearest_samples, whole_at_least, whole_samples
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, simulate


def test_a_window_a_clock_error_under_a_round_rate_is_the_round_rates() -> None:
    assert int(0.05 * 199.99998) == 9  # the plain cut this replaces
    assert whole_samples(0.05, 199.99998) == whole_samples(0.05, 200.0) == 10
    assert whole_samples(0.22, 199.99998) == whole_samples(0.22, 200.0) == 44
    assert whole_samples(0.05, 200.0 * (1 + 1e-5)) == 10


def test_exact_rates_cut_as_before() -> None:
    for fs in (52.0, 100.0, 104.0, 200.0, 208.0, 400.0, 300.0, 1000.0):
        for d in (0.0, 0.01, 0.02, 0.05, 0.1, 0.22, 0.25, 0.44, 0.5, 1.3):
            assert whole_samples(d, fs) == int(d * fs)


def test_a_real_shortfall_still_cuts_down() -> None:
    # 9.99 samples (a rate 0.1 % under) is 9: only a clock's error counts as the whole number
    assert whole_samples(0.05, 199.8) == 9
    assert whole_samples(0.05, 200.0 * (1 - 10 * CLOCK_TOLERANCE)) == 9


def test_nearest_a_clock_error_off_a_tie_is_the_tie() -> None:
    assert round(0.06 * 124.9999875) == 7  # the plain round this replaces: 7.4999993
    assert nearest_samples(0.06, 124.9999875) == nearest_samples(0.06, 125.0) == round(7.5) == 8
    assert nearest_samples(0.02, 124.9999875) == nearest_samples(0.02, 125.0000125) == 2  # 2.5: to the even one
    assert nearest_samples(0.06, 124.9) == 7  # 7.494: a real shortfall rounds as it is
    for fs in (50.0, 52.0, 100.0, 104.0, 125.0, 200.0, 208.0, 300.0, 400.0, 1000.0):
        for d in (0.01, 0.02, 0.025, 0.05, 0.06, 0.07, 0.1, 0.25, 0.5, 1.5, 2.0):
            assert nearest_samples(d, fs) == round(d * fs)


def test_whole_at_least() -> None:
    assert whole_at_least(200.0 / 99.99998) == whole_at_least(2.0) == 2
    assert whole_at_least(200.0 / 104.0) == 2
    assert whole_at_least(200.0 / 52.0) == 4
    assert whole_at_least(2.01) == 3


@pytest.mark.parametrize(("placement", "fs"), [("shank", 200.0), ("shank", 100.0), ("foot", 100.0), ("foot", 125.0)])
def test_contacts_do_not_move_with_a_rate_a_hair_off_a_round_one(placement: str, fs: float) -> None:
    bouts = [Bout("forward", "running", 3.0, 12), Bout("backward", "running", 2.0, 12)]
    session = simulate(SimulationConfig(placement, bouts, fs, seed=4)).session

    def contacts(scale: float) -> np.ndarray:
        t = session.t_s * scale
        meta = dataclasses.replace(session.meta, sample_rate_hz=measured_rate_hz(t))  # a table's stamped rate
        steps = retrogait.analyze(Session(t, session.acc, session.gyr, meta)).steps
        return steps["ic_time_s"].to_numpy(dtype=float) / scale

    same = contacts(1.0)
    assert same.size > 10
    for scale in (1 + 1e-7, 1 - 1e-7, 1 + 1e-5):
        moved = contacts(scale)
        assert moved.size == same.size
        np.testing.assert_allclose(moved, same, atol=1e-6)


def test_a_long_window_keeps_its_own_count() -> None:
    # the tolerance is relative: 30 s at 200.1 Hz (a rate 500 ppm off any round one) is 6003.0 samples, which
    # 100 ppm would widen to 0.6 samples of slack and take for the tie 6003.5 -> 6004 (gyro_lag's BLOCK_S); 10 s at
    # 1000 Hz is 10000 samples, which 1 sample of slack would cut to 10001 (REVIEW-134)
    assert nearest_samples(30.0, 200.1) == round(30.0 * 200.1) == 6003
    assert nearest_samples(30.0, 175.1) == 5253
    assert whole_samples(10.0, 1000.0) == 10000
    assert whole_samples(60.0, 1000.0) == 60000
    assert whole_at_least(20000.0) == 20000
    for fs in (100.0, 200.0, 400.0, 1000.0):  # a long window a clock's error off still counts as the round rate's
        assert nearest_samples(30.0, fs * (1 - 1e-5)) == round(30.0 * fs)
        assert whole_samples(1.0, fs * (1 - 1e-6)) == int(fs)


def test_the_shank_interpolation_factor_reaches_its_rate_as_rates_are_compared() -> None:
    # CONTACT-13 reads a shank within RATE_TOLERANCE of 200 Hz as at 200 Hz; the factor reaching 200 Hz must ask
    # the same: 99.5 Hz x 2 = 199 Hz meets 200 Hz, so 2 as at 100 Hz, not 3 (which moved 17 of 33 contacts by up
    # to 100 ms against the same run at 100 Hz; REVIEW-135)
    from retrogait.analysis.contacts import interpolation_factor
    from retrogait.analysis.settings import ContactsSettings

    s = ContactsSettings()
    assert interpolation_factor(100.0, s) == interpolation_factor(99.5, s) == interpolation_factor(99.99999, s) == 2
    assert interpolation_factor(49.7, s) == interpolation_factor(50.0, s) == 4
    assert interpolation_factor(52.0, s) == 4 and interpolation_factor(104.0, s) == 2
    assert interpolation_factor(66.0, s) == interpolation_factor(66.4, s) == 3  # 198 Hz meets 200 Hz within 1 %
    assert interpolation_factor(65.9, s) == 4
    assert interpolation_factor(97.0, s) == 3  # 194 Hz: short of 200 Hz beyond the tolerance


@pytest.mark.parametrize(("fs", "slow"), [(100.0, 99.5), (50.0, 49.7)])
def test_a_shank_within_the_rate_tolerance_reads_as_at_the_round_rate(fs: float, slow: float) -> None:
    # the same run stamped at 99.5 Hz was interpolated by 3 and moved 17 of 33 contacts by up to 100 ms (REVIEW-135)
    bouts = [Bout("forward", "running", 3.0, 12), Bout("backward", "running", 2.0, 12)]
    session = simulate(SimulationConfig("shank", bouts, fs, seed=4)).session

    def contacts(scale: float) -> np.ndarray:
        t = session.t_s * scale
        meta = dataclasses.replace(session.meta, sample_rate_hz=measured_rate_hz(t))
        return retrogait.analyze(Session(t, session.acc, session.gyr, meta)).steps["ic_time_s"].to_numpy(float) / scale

    same = contacts(1.0)
    assert same.size > 10
    np.testing.assert_allclose(contacts(fs / slow), same, atol=1e-6)
