"""Foot strike per step: foot-strike angle (foot gyro) and impact-transient classes (accelerometer)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from retrogait.analysis.footstrike import (
    angle_confidence,
    classify_angle,
    step_foot_strikes,
    walking_contacts,
)
from retrogait.analysis.settings import FootStrikeSettings
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.transient import impact_transient_prominence
from synthgait import BACKWARD_LANDING_PITCH_DEG, SynthBout, synth_session


def test_mo_2021_thresholds() -> None:
    rfs, ffs = FootStrikeSettings().rearfoot_above_deg, FootStrikeSettings().forefoot_below_deg
    assert (rfs, ffs) == (7.4, -0.8)
    angles = np.array([20.0, rfs + 0.1, rfs, 0.0, ffs, ffs - 0.1, np.nan])
    assert list(classify_angle(angles)) == [
        "rearfoot",
        "rearfoot",
        "midfoot",
        "midfoot",
        "midfoot",
        "forefoot",
        "unknown",
    ]


@pytest.mark.parametrize(("angle", "label"), [(15.0, "rearfoot"), (3.0, "midfoot"), (-8.0, "forefoot")])
def test_foot_strike_angle_from_foot_gyro(angle: float, label: str) -> None:
    session = synth_session([SynthBout("forward", strike_angle_deg=angle)], placement="foot")
    out = step_foot_strikes(session.signals, session.contacts)
    assert list(out.columns) == ["foot_strike", "foot_strike_angle_deg", "foot_strike_confidence"]
    inner = slice(1, None)  # the first contact follows quiet standing, not a swing
    np.testing.assert_allclose(out.foot_strike_angle_deg.to_numpy()[inner], angle, atol=1.5)
    assert (out.foot_strike.to_numpy()[inner] == label).all()


def test_backward_foot_lands_forefoot() -> None:
    session = synth_session([SynthBout("backward")], placement="foot")
    out = step_foot_strikes(session.signals, session.contacts)
    assert (out.foot_strike == "forefoot").all()
    np.testing.assert_allclose(out.foot_strike_angle_deg, -BACKWARD_LANDING_PITCH_DEG, atol=2.0)


def test_unknown_facing_flips_the_angle_back_or_gives_up() -> None:
    session = synth_session([SynthBout("forward", strike_angle_deg=15.0)], placement="foot")
    flipped = replace(
        session.signals,
        acc_ms2=session.signals.acc_ms2 * [-1.0, -1.0, 1.0],
        gyr_dps=None if session.signals.gyr_dps is None else session.signals.gyr_dps * [-1.0, -1.0, 1.0],
        anterior_sign_known=False,
    )
    out = step_foot_strikes(flipped, session.contacts)
    decided = out.foot_strike != "unknown"
    assert (out.foot_strike[decided] == "rearfoot").all()
    assert out.foot_strike_angle_deg[~decided].isna().all()


def test_accelerometer_only_heel_transient_is_rearfoot_and_toe_landing_is_not() -> None:
    heel = synth_session([SynthBout("forward", strike_angle_deg=15.0)], placement="shank", with_gyro=False)
    toe = synth_session([SynthBout("backward")], placement="shank", with_gyro=False)
    out_heel = step_foot_strikes(heel.signals, heel.contacts)
    out_toe = step_foot_strikes(toe.signals, toe.contacts)
    assert out_heel.foot_strike_angle_deg.isna().all()
    assert (out_heel.foot_strike == "rearfoot").mean() >= 0.9
    assert (out_toe.foot_strike != "rearfoot").mean() >= 0.9
    assert np.nanmedian(impact_transient_prominence(heel.signals, heel.contacts)) > np.nanmedian(
        impact_transient_prominence(toe.signals, toe.contacts)
    )


def test_angle_confidence_grows_with_the_margin_to_the_class_limits() -> None:
    settings = FootStrikeSettings()
    conf = angle_confidence(np.array([7.4, 9.4, 20.0, 3.3, np.nan]), settings)
    assert conf[0] == pytest.approx(0.5) and conf[1] == pytest.approx(0.841, abs=0.01)
    assert conf[2] > 0.99 and 0.9 < conf[3] < 0.99 and np.isnan(conf[4])


def test_walking_and_low_rate_are_unknown_for_the_accelerometer_method() -> None:
    both_legs = Contacts(
        ic_idx=np.array([0, 100, 200, 300]), to_idx=np.array([150, 250, 240, -1]), side=np.array(["left", "right"] * 2)
    )
    assert list(walking_contacts(both_legs, single_leg=False)) == [True, True, False, False]
    one_leg = Contacts(ic_idx=np.array([0, 100, 200]), to_idx=np.array([60, 130, -1]), side=np.array(["left"] * 3))
    assert list(walking_contacts(one_leg, single_leg=True)) == [True, False, False]
    session = synth_session([SynthBout("forward", strike_angle_deg=15.0)], placement="shank", with_gyro=False, fs=100.0)
    out = step_foot_strikes(session.signals, session.contacts)
    assert (out.foot_strike == "unknown").all()


def test_no_contacts_keeps_columns() -> None:
    session = synth_session([SynthBout("forward", strides=3)], placement="shank")
    empty = Contacts(
        ic_idx=np.zeros(0, dtype=np.int64), to_idx=np.zeros(0, dtype=np.int64), side=np.zeros(0, dtype=str)
    )
    out = step_foot_strikes(session.signals, empty)
    assert list(out.columns) == ["foot_strike", "foot_strike_angle_deg", "foot_strike_confidence"]
    assert len(out) == 0


@pytest.mark.parametrize("placement", ["foot", "shank", "lower_back", "wrist"])
@pytest.mark.parametrize("with_gyro", [True, False])
def test_odd_inputs_give_valid_rows(placement: str, with_gyro: bool) -> None:
    rng = np.random.default_rng(9)
    n = 3000
    signals = BodySignals.uniform(
        rng.normal(0.0, 5.0, (n, 3)) + [0.0, 0.0, 9.80665],
        rng.normal(0.0, 100.0, (n, 3)) if with_gyro else None,
        500.0,
        placement,
        side="left",
    )
    ic = np.array([0, 3, 1000, 2995, 2999], dtype=np.int64)
    to = np.array([-1, 2, 1100, 2999, -1], dtype=np.int64)
    out = step_foot_strikes(signals, Contacts(ic_idx=ic, to_idx=to, side=np.full(5, "left")))
    assert len(out) == 5
    assert out.foot_strike.isin(["rearfoot", "midfoot", "forefoot", "unknown"]).all()
    if placement != "foot" or not with_gyro:
        assert out.foot_strike_angle_deg.isna().all()


def test_the_transient_s_two_measures_share_one_landing_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-44: the z acceleration minus its 2 s mean and each stance's peak are taken once for both the prominence
    and the width (each took them before: 2 of the 2 s moving averages an analysis, ~4 ms an hour), dropped once
    both are kept; the same numbers as each measure alone."""
    import retrogait.analysis.transient as transient

    session = synth_session([SynthBout("forward", strike_angle_deg=15.0)], placement="shank", with_gyro=False)
    alone = (
        transient.impact_transient_prominence(session.signals, session.contacts),
        transient.impact_transient_width_ms(session.signals, session.contacts),
    )
    two_s = round(2.0 * session.signals.fs_hz)
    widths: list[int] = []
    real = transient.moving_average

    def counting(x: np.ndarray, width: int, running: np.ndarray | None = None) -> np.ndarray:
        widths.append(width)
        return real(x, width, running)

    monkeypatch.setattr(transient, "moving_average", counting)
    measured = transient.LandingTransients(session.signals, session.contacts)
    both = (measured.prominence, measured.width_ms)
    assert widths.count(two_s) == 1
    assert "_landings" not in measured.__dict__
    for shared, own in zip(both, alone, strict=True):
        np.testing.assert_array_equal(shared, own)
