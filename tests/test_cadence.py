"""Cadence of a bout or a direction (ANALYSIS-16) and one stance per swing on a one-leg sensor."""

from __future__ import annotations

import numpy as np

import retrogait
from retrogait.analysis.contacts import _one_stance_per_swing
from retrogait.analysis.impact import mean_cadence_spm
from retrogait.conventions import STANDARD_GRAVITY_MS2 as G
from retrogait.session import Session, SessionMeta
from retrogait.simulate import Bout, SimulationConfig, simulate


def test_mean_cadence_is_steps_over_the_time_they_took() -> None:
    step = np.array([np.nan, 0.294, 0.324, 0.294, 0.324, 0.294, 0.324, 0.294])  # left/right asymmetry
    ic = np.concatenate([[0.0], np.cumsum(step[1:])])
    cadence, n = mean_cadence_spm(step)
    assert n == 7
    assert abs(cadence - 60.0 * (ic.size - 1) / (ic[-1] - ic[0])) < 1e-9
    # a median of per-step cadences would be 60 / 0.294 or 60 / 0.324 depending on the step count
    assert abs(cadence - 60.0 / 0.294) > 3.0 and abs(cadence - 60.0 / 0.324) > 3.0
    assert np.isnan(mean_cadence_spm(np.array([np.nan, np.nan]))[0])
    assert mean_cadence_spm(np.zeros(0))[1] == 0


def _asymmetric_sacral_running(fs: float = 500.0) -> tuple[Session, np.ndarray]:
    """Spring-mass sacral running with alternating 0.294 / 0.324 s steps (a left/right asymmetry)."""
    rng = np.random.default_rng(3)
    duration_s = 10.0
    t = np.arange(int(duration_s * fs)) / fs
    ics = 0.5 + np.concatenate([[0.0], np.cumsum(np.tile([0.294, 0.324], 15))])
    ics = ics[ics < duration_s - 0.5]
    force = np.zeros_like(t)
    for ic, step in zip(ics, np.diff(ics, append=ics[-1] + 0.294), strict=True):
        contact = 0.2
        sel = (t >= ic) & (t < ic + contact)
        force[sel] = np.pi / 2 * step / contact * np.sin(np.pi * (t[sel] - ic) / contact)
    acc = np.column_stack([rng.normal(0, 0.2, t.size), rng.normal(0, 0.2, t.size), force * G])
    meta = SessionMeta("lower_back", fs, anterior_axis="+x", vertical_axis="+z")
    return Session(t, acc, None, meta), ics


def test_bout_and_summary_cadence_use_the_mean_step_time() -> None:
    session, ics = _asymmetric_sacral_running()
    result = retrogait.analyze(session)
    expected = 60.0 * (ics.size - 1) / (ics[-1] - ics[0])
    running = result.bouts[result.bouts["activity"] == "running"]
    assert len(running) == 1
    assert abs(float(running["cadence_spm"].iloc[0]) - expected) < 0.5
    agg = result.summary["all"]["cadence_spm"]
    assert set(agg) == {"value", "n"} and abs(agg["value"] - expected) < 0.5
    assert result.summary["per_bout"][0]["cadence_spm"]["value"] == float(running["cadence_spm"].iloc[0])


def test_a_landing_before_the_previous_toe_off_is_not_a_new_stance() -> None:
    ic = np.array([100, 300, 330, 600])
    to = np.array([200, 400, 420, 700])
    score = np.array([0.2, 0.3, 8.0, 0.2])  # the third "stance" is a lull inside a swing
    assert _one_stance_per_swing(ic, to, score).tolist() == [True, True, False, True]
    score = np.array([0.2, 8.0, 0.3, 0.2])  # the quieter of two overlapping stances is kept
    assert _one_stance_per_swing(ic, to, score).tolist() == [True, False, True, True]
    unknown_to = np.array([200, -1, 420, 700])
    assert _one_stance_per_swing(ic, unknown_to, np.ones(4)).all()


def test_shank_walk_to_run_change_adds_no_contact_in_the_swing() -> None:
    """At a walk-to-run change the local stride estimate already holds the running stride, so a lull of
    the rest score in the last walking swing passed as a stance and cut the stride before it."""
    bouts = [
        Bout("forward", "walking", 1.3, 15),
        Bout("backward", "walking", 0.8, 15),
        Bout("forward", "running", 3.0, 15),
    ]
    sim = simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=1))
    steps = retrogait.analyze(sim.session).steps
    to = steps["to_time_s"].to_numpy()
    ic = steps["ic_time_s"].to_numpy()
    assert not np.any(ic[1:] <= to[:-1])  # every landing after the previous toe-off
    truth = sim.truth[sim.truth["side"] == sim.config.side]
    back = truth[(truth["activity"] == "walking") & (truth["direction"] == "backward")]["ic_time_s"].to_numpy()
    near = [int(np.argmin(np.abs(ic - t))) for t in back[1:-1]]
    assert (steps["direction"].to_numpy()[near] == "backward").all()


def test_a_bouts_cadence_leaves_out_the_step_into_it() -> None:
    """A walk after a run: its first step is timed from the last running contact (ANALYSIS-21)."""
    bouts = [
        Bout("still", "still", 0.0, 3.0),
        Bout("forward", "walking", 1.3, 12.0),
        Bout("forward", "running", 3.0, 12.0),
        Bout("forward", "walking", 1.3, 12.0),
    ]
    result = retrogait.analyze(simulate(SimulationConfig("lower_back", bouts, 200.0, seed=5)).session)
    gait = result.bouts[result.bouts["activity"] != "still"]
    assert set(gait["activity"]) == {"walking", "running"}
    for _, bout in gait.iterrows():
        ic = result.steps.loc[result.steps["bout_id"] == bout["bout_id"], "ic_time_s"].to_numpy()
        expected = 60.0 * (ic.size - 1) / (ic[-1] - ic[0])
        assert abs(bout["cadence_spm"] - expected) < 0.05, (bout["activity"], bout["cadence_spm"], expected)
        entry = next(b for b in result.summary["per_bout"] if b["bout_id"] == bout["bout_id"])
        assert abs(entry["cadence_spm"]["value"] - expected) < 0.05


def test_sessions_table_has_a_cadence_for_sessions_without_directions() -> None:
    from retrogait.batch.worker import session_row

    result = retrogait.analyze(
        simulate(SimulationConfig("shank", [Bout("forward", "running", 3.0, 15.0)], 200.0, with_gyro=False)).session
    )
    assert (result.steps["direction"] == "unknown").all()  # an acc-only shank has no direction cue
    row = session_row(result.summary)
    assert np.isnan(row["cadence_spm_forward"]) and 150.0 < row["cadence_spm_all"] < 200.0
