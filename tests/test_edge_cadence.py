"""The cadence of a group stays honest on a change of direction and over a recording gap (EDGE-47,
EDGE-48): simulated sessions with known truth; each test failed before its fix."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retrogait.analysis.aggregate import direction_changes
from retrogait.analysis.pipeline import analyze
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, simulate


def _pooled_truth_spm(truth: pd.DataFrame) -> float:
    """60 / mean step time over each direction's steps (both legs), the steps of one direction in a row."""
    times = [np.diff(np.sort(g["ic_time_s"].to_numpy())) for _, g in truth.groupby("direction")]
    return float(60.0 / np.mean(np.concatenate(times)))


def test_all_cadence_leaves_out_the_step_across_a_change_of_direction() -> None:
    """Forward then backward running without a stop or turn: "all" counted the 1.06 s from the last forward
    to the first backward contact as one step, 171.8 spm, below the truth's 176.1 (both directions)."""
    sim = simulate(
        SimulationConfig(
            "lower_back",
            [Bout("forward", "running", 3.0, 15), Bout("backward", "running", 2.5, 15)],
            sample_rate_hz=200.0,
            seed=0,
        )
    )
    result = analyze(sim.session)
    summary = result.summary
    assert len(result.bouts) == 1  # one bout: the change is inside it
    cadence = summary["all"]["cadence_spm"]
    assert abs(cadence["value"] / _pooled_truth_spm(sim.truth) - 1.0) < 0.01
    assert cadence["n"] == summary["all"]["n_steps"] - 2  # the bout's first step and the change


def test_a_lone_step_taken_for_the_other_direction_is_no_change() -> None:
    direction = ["forward"] * 6 + ["backward"] + ["forward"] * 5 + ["unknown"] + ["backward"] * 6
    changes = direction_changes(pd.DataFrame({"direction": direction}))
    assert np.flatnonzero(changes).tolist() == [13]  # the first known step of the lasting change


def test_no_step_time_across_a_recording_gap() -> None:
    """0.5 s of samples missing in a lower-back run: the 1.03 s between the contacts around it (three steps,
    the middle contacts lost in the gap) was one step time, and the cadence fell 167.8 -> 161.5 spm."""
    sim = simulate(SimulationConfig("lower_back", [Bout("forward", "running", 3.0, 20)], sample_rate_hz=200.0, seed=2))
    s = sim.session
    whole = analyze(s)
    keep = ~((s.t_s > 10.0) & (s.t_s < 10.5))
    cut = Session(t_s=s.t_s[keep], acc=s.acc[keep], gyr=s.gyr[keep] if s.gyr is not None else None, meta=s.meta)
    result = analyze(cut)
    step = result.steps["step_time_s"].to_numpy()
    assert np.nanmax(step) < 0.45
    across = (result.steps["ic_time_s"] > 10.5).to_numpy() & (np.r_[np.inf, result.steps["ic_time_s"][:-1]] < 10.0)
    assert across.sum() == 1 and np.isnan(step[across]).all()
    expected = whole.summary["all"]["cadence_spm"]["value"]
    assert abs(result.summary["all"]["cadence_spm"]["value"] / expected - 1.0) < 0.005
