"""Mixed simulated sessions of scripts/validate_reliability.py, rebuilt in tests, and their end-to-end score."""

from __future__ import annotations

import numpy as np
import pandas as pd

import retrogait
from retrogait.simulate import Bout, SimulationConfig, SimulationResult, simulate


def nostand_bouts(speeds_ms: tuple[float, float, float, float, float, float, float], side_step: str) -> list[Bout]:
    """The `nostand` scenario (run, pivot, run backward, pivot, walk, side-step, walk, walk backward, run) with a
    person's drawn speeds (m/s, in that order) and side-step direction."""
    run, run_back, walk, side, walk2, walk_back, run2 = speeds_ms
    return [
        Bout("still", "still", 0, 1.0),
        Bout("forward", "running", run, 15.0),
        Bout("still", "still", 0, 1.3, turn_deg=-180.0),
        Bout("backward", "running", run_back, 15.0),
        Bout("still", "still", 0, 1.3, turn_deg=180.0),
        Bout("forward", "walking", walk, 12.0),
        Bout(side_step, "walking", side, 10.0),
        Bout("forward", "walking", walk2, 12.0),
        Bout("backward", "walking", walk_back, 12.0),
        Bout("forward", "running", run2, 12.0),
        Bout("still", "still", 0, 1.0),
    ]


def confident_wrong(result: SimulationResult, side: str | None = None) -> pd.DataFrame:
    """``retrogait.analyze`` of a simulated session: the detected steps (matched to a true contact of ``side``, or
    of either leg, within 50 ms) labelled neither their true direction nor `unknown` at confidence >= 0.9."""
    truth_rows = result.truth if side is None else result.truth[result.truth["side"] == side]
    steps = retrogait.analyze(result.session).steps
    t = truth_rows["ic_time_s"].to_numpy()
    det = steps["ic_time_s"].to_numpy(dtype=float)
    near = np.abs(t[None, :] - det[:, None]).argmin(axis=1)
    truth = np.where(np.abs(t[near] - det) <= 0.05, truth_rows["direction"].to_numpy()[near], "none")
    label, conf = steps["direction"], steps["direction_confidence"]
    scored = pd.DataFrame({"t": det, "truth": truth, "label": label, "conf": conf})
    scored = scored[scored["truth"] != "none"]
    wrong = (scored["label"] != scored["truth"]) & (scored["label"] != "unknown")
    return scored[wrong & (scored["conf"] >= 0.9)]


def stepturn_bouts(
    speeds_ms: tuple[float, float, float, float, float],
    turns_deg: tuple[float, float, float, float],
    turn_steps: tuple[float, float],
) -> list[Bout]:
    """The `stepturn` scenario (stepping turns of 2-4 steps mid-walk, mid-backward-walk and mid-run, then a walk
    turning round 7.5 s in, in 3 steps, and walking straight on into backward walking) with a person's drawn
    speeds (m/s: walk, walk backward, run, walk, walk backward), turns (deg) and the first two turns' steps."""
    walk, walk_back, run, walk2, walk_back2 = speeds_ms
    first, second, third, fourth = turns_deg
    return [
        Bout("still", "still", 0, 1.0),
        Bout("forward", "walking", walk, 14.0, turn_deg=first, turn_steps=turn_steps[0]),
        Bout("backward", "walking", walk_back, 12.0, turn_deg=second, turn_steps=turn_steps[1]),
        Bout("forward", "running", run, 12.0, turn_deg=third, turn_steps=4.0),
        Bout("forward", "walking", walk2, 10.0, turn_deg=fourth, turn_at_s=7.5, turn_steps=3.0),
        Bout("backward", "walking", walk_back2, 10.0),
        Bout("still", "still", 0, 1.0),
    ]


def person_1_nostand() -> SimulationResult:
    """Issue 17, simulated person 1 (`nostand`, lower back, 100 Hz): ... a backward walk at 0.95 m/s runs forward
    at 3.5 m/s straight away, without standing (79.87 s)."""
    bouts = nostand_bouts((2.8266, 2.4302, 1.4074, 0.5475, 1.1283, 0.9532, 3.4921), "left")
    config = SimulationConfig(
        "lower_back", bouts, sample_rate_hz=100.0, side="right", mounting_rotation_deg=(4.543, -6.264, 6.228), seed=1
    )
    return simulate(config)
