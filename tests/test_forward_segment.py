"""A declared forward segment sets which way the wearer faces from its steps' own direction evidence
(ANALYSIS-23). The swing-rate and braking rules it replaces read every step of a forward run backward at full
confidence on a simulated foot running, the simulated and real lower back walking and 8 of 11 real sacral trials."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from retrogait import analyze
from retrogait.session import Session, read_session
from retrogait.simulate import Bout, SimulationConfig, simulate
from script_module import load_script

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def _no_axis(session: Session) -> Session:
    return replace(session, meta=replace(session.meta, anterior_axis=None))


@pytest.mark.parametrize(
    ("placement", "activity", "speed"),
    [("foot", "running", 3.0), ("lower_back", "walking", 1.3), ("shank", "running", 3.0)],
)
def test_a_forward_run_reads_forward(placement: str, activity: str, speed: float) -> None:
    sim = simulate(SimulationConfig(placement, [Bout("forward", activity, speed, 30)], sample_rate_hz=200.0, seed=1))
    result = analyze(_no_axis(sim.session), forward_segment_s=(1.0, 20.0))
    assert result.summary["anterior_source"] == "calibration"
    assert set(result.steps["direction"]) == {"forward"}
    assert any(n.startswith("anterior sign from the declared forward segment 1-20 s") for n in result.summary["notes"])


@pytest.mark.parametrize("name", ["lower_back_mixed", "shank_forward_backward_forward", "foot_mixed"])
def test_a_mixed_session_reads_as_with_its_header_axis(name: str) -> None:
    """Forward, then backward: the segment's sign carries to the backward steps."""
    session = read_session(SAMPLE / f"{name}.csv")
    declared = analyze(session)
    start = float(declared.steps.loc[declared.steps["direction"] == "forward", "ic_time_s"].min())
    calibrated = analyze(_no_axis(session), forward_segment_s=(start, start + 8.0))
    assert calibrated.steps["direction"].tolist() == declared.steps["direction"].tolist()


def test_a_segment_without_steps_leaves_the_facing_unknown() -> None:
    session = read_session(SAMPLE / "lower_back_mixed.csv")
    result = analyze(_no_axis(session), forward_segment_s=(0.0, 1.0))  # standing still
    assert result.summary["anterior_source"] == "signal"
    assert any("facing unknown" in n for n in result.summary["notes"])


@pytest.mark.shared_data
def test_real_trunks_read_forward(shared_data: Path) -> None:
    impact = load_script("validate_impact")
    for trial in impact.sacral_trials(shared_data):
        session = trial["session"]
        result = analyze(_no_axis(session), forward_segment_s=(0.0, float(session.t_s[-1])))
        assert set(result.steps["direction"]) == {"forward"}, trial["trial"]
    walks = load_script("shared_recordings")
    for csv in sorted((shared_data / "lowerback_walking" / "HA_001").glob("*Test5*.csv")):
        session = walks.lowerback_walking_session(csv)
        result = analyze(session, forward_segment_s=(float(session.t_s[0]), float(session.t_s[-1])))
        assert set(result.steps["direction"]) == {"forward"}, csv.name
