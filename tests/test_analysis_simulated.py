"""Contacts on simulated sessions (forward and backward; the simulator's truth) and lower-back walking ICs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import retrogait
from retrogait.analysis.bouts import activity_changes
from retrogait.analysis.direction import walking_stretch
from retrogait.simulate import Bout, SimulationConfig, simulate
from script_module import load_script

RECORDINGS = load_script("shared_recordings")


def _hit_rate(truth_s: np.ndarray, det_s: np.ndarray, tol_s: float = 0.05) -> float:
    """Share of true contacts with a detection within tol_s, and share of detections near a true one."""
    near = np.min(np.abs(det_s[None, :] - truth_s[:, None]), axis=1) <= tol_s
    back = np.min(np.abs(truth_s[None, :] - det_s[:, None]), axis=1) <= tol_s
    return float(min(near.mean(), back.mean()))


# Foot backward running: the foot is braked horizontally at 3.4-4.2 g in the air before a backward
# landing, a larger jerk than the landing's; the landing comes from the vertical descent (ANALYSIS-14).
@pytest.mark.parametrize(
    ("placement", "direction", "activity", "speed_ms"),
    [
        ("foot", "forward", "walking", 1.3),
        # the descent braked in the air before a ~0.5 g toe landing: its onset was the contact (a strict
        # xfail until CONTACT-3)
        ("foot", "backward", "walking", 0.8),
        ("foot", "forward", "running", 3.0),
        ("foot", "backward", "running", 2.5),
        ("shank", "forward", "running", 3.0),
        # the rest score's least value of a stride just after toe-off (the swing begun, ~1 g): a quarter of the
        # contacts were the push-off ~0.2 s late until CONTACT-4
        ("shank", "forward", "running", 4.5),
        ("shank", "backward", "running", 2.5),
        # the swing's reversal in the air (3.5-4.6 g, 60-90 ms before a soft toe touch) gave the sharpest vertical
        # jerk of the landing window: a third to three quarters of the contacts ~80 ms early until CONTACT-8
        ("shank", "backward", "walking", 0.8),
        ("shank", "backward", "walking", 1.2),
        ("lower_back", "forward", "running", 3.0),
        ("lower_back", "backward", "running", 2.5),
        ("lower_back", "backward", "walking", 0.8),
    ],
)
def test_simulated_contacts_forward_and_backward(
    placement: str, direction: str, activity: str, speed_ms: float
) -> None:
    sim = simulate(SimulationConfig(placement, [Bout(direction, activity, speed_ms, 10)], sample_rate_hz=200.0))
    truth = sim.truth
    if placement in ("foot", "shank"):  # one leg's sensor
        truth = truth[truth["side"] == sim.config.side]
    steps = retrogait.analyze(sim.session).steps
    # inner contacts: away from the start and from the landing the wearer stops on
    end_s = float(truth["ic_time_s"].max()) - 0.5
    inner = truth["ic_time_s"].to_numpy()
    inner = inner[(inner > 1.0) & (inner < end_s)]
    det = steps["ic_time_s"].to_numpy()
    det = det[(det > 1.0) & (det < end_s)]
    assert _hit_rate(inner, det) >= 0.95
    assert (steps["direction"].iloc[2:-2] == direction).mean() >= 0.9


@pytest.mark.shared_data
def test_lower_back_walking_contacts_at_the_collision(shared_data: Path) -> None:
    folder = shared_data / "lowerback_walking"
    trial = folder / "HA_001" / "TimeMeasure1_Test5_Trial1.csv"
    session = RECORDINGS.lowerback_walking_session(trial)
    det = retrogait.analyze(session).steps["ic_time_s"].to_numpy()
    ref = RECORDINGS.lowerback_walking_reference(trial)
    err = np.array([det[np.argmin(np.abs(det - r))] - r for r in ref["ic_time_s"]])
    assert np.mean(np.abs(err) <= 0.05) >= 0.95
    assert abs(np.median(err)) <= 0.02


def test_activity_change_starts_a_new_bout() -> None:
    act = np.array(["walking"] * 8 + ["unknown"] + ["running"] * 8 + ["walking"] + ["running"] * 3)
    assert activity_changes(act).tolist() == [9]  # the lone walking step does not split the run


def test_walking_stretch_needs_walking_neighbours() -> None:
    has_to = np.array([True, False, True, True, False, False, False, True])
    assert walking_stretch(has_to).tolist() == [False, False, False, False, False, True, False, False]


def test_mixed_lower_back_session_walks_and_runs_both_ways() -> None:
    bouts = [Bout("forward", "walking", 1.3, 12), Bout("forward", "running", 3.0, 12)]
    sim = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=200.0))
    steps = retrogait.analyze(sim.session).steps
    walk = steps[(steps["ic_time_s"] > 2.0) & (steps["ic_time_s"] < 10.0)]
    run = steps[(steps["ic_time_s"] > 14.0) & (steps["ic_time_s"] < 22.0)]
    assert (walk["activity"] == "walking").all() and (run["activity"] == "running").all()
    assert (walk["direction"] == "forward").mean() >= 0.9 and (run["direction"] == "forward").mean() >= 0.9


def test_shank_backward_walking_toe_off_ends_the_stance_rotation() -> None:
    sim = simulate(SimulationConfig("shank", [Bout("backward", "walking", 0.8, 12)], sample_rate_hz=200.0))
    truth = sim.truth[sim.truth["side"] == sim.config.side]
    steps = retrogait.analyze(sim.session).steps
    to = steps["to_time_s"].dropna().to_numpy()
    ref = truth["to_time_s"].to_numpy()
    ref = ref[np.isfinite(ref) & (ref > 1.0) & (ref < 11.0)]
    err = np.min(np.abs(to[None, :] - ref[:, None]), axis=1)
    assert np.median(err) <= 0.03  # the first swing peak, found before, was ~0.19 s late


def test_impact_onset_of_a_transient_and_of_a_gentle_landing() -> None:
    from retrogait.analysis.contacts import _impact_onset

    rise = 10
    quiet_then_impact = np.concatenate([np.full(30, 1.0), np.linspace(1.0, 100.0, 8), np.full(10, 5.0)])
    long_rise = np.concatenate([np.full(30, 1.0), np.linspace(20.0, 100.0, 15), np.full(10, 5.0)])
    sustained = np.concatenate([np.full(30, 40.0), np.linspace(40.0, 100.0, 8), np.full(10, 5.0)])
    assert _impact_onset(quiet_then_impact, np.array([37]), rise)[0] == 31  # the first sample of the burst
    assert _impact_onset(long_rise, np.array([44]), rise)[0] == 34  # rose for the whole window
    assert _impact_onset(sustained, np.array([37]), rise)[0] == 37  # no onset: where the braking ends


def test_the_landing_the_wearer_stops_on_is_found() -> None:
    sim = simulate(SimulationConfig("foot", [Bout("forward", "running", 3.0, 8)], sample_rate_hz=200.0, seed=3))
    truth = sim.truth[sim.truth["side"] == sim.config.side]
    last = float(truth["ic_time_s"].max())
    det = retrogait.analyze(sim.session).steps["ic_time_s"].to_numpy()
    assert np.min(np.abs(det - last)) <= 0.05


def test_world_vertical_motion_integrates_a_level_lift_between_rests() -> None:
    from retrogait.analysis.contacts import world_vertical_motion
    from retrogait.conventions import STANDARD_GRAVITY_MS2

    fs = 200.0
    t = np.arange(0, 2.0, 1 / fs)
    lift = (t > 0.5) & (t < 1.5)
    up_true = np.where(lift, 3.0 * np.sin(2 * np.pi * (t - 0.5)), 0.0)  # m/s^2, one full period
    acc = np.zeros((t.size, 3))
    acc[:, 2] = STANDARD_GRAVITY_MS2 + up_true
    gyr = np.zeros((t.size, 3))
    up, vel = world_vertical_motion(acc, gyr, fs, np.array([40, 360]))
    np.testing.assert_allclose(up, up_true, atol=1e-9)
    assert vel is not None and np.isnan(vel[:40]).all() and np.isnan(vel[360:]).all()
    v_true = np.cumsum(up_true) / fs
    np.testing.assert_allclose(vel[40:360], v_true[40:360] - v_true[40], atol=0.02)
    assert world_vertical_motion(acc, gyr, fs, np.array([40, 360]), with_velocity=False)[1] is None
