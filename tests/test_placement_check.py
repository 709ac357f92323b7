"""A sensor that turns unlike its declared segment gets a note (ANALYSIS-22): a shank read as the lower back
halved the cadence with nothing said."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from retrogait import analyze
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, simulate
from script_module import load_script

RECORDINGS = load_script("shared_recordings")


def _sim(placement: str, activity: str = "running", speed: float = 3.0) -> Session:
    return simulate(
        SimulationConfig(placement, [Bout("forward", activity, speed, 30)], sample_rate_hz=200.0, seed=1)
    ).session


def _as(session: Session, placement: str) -> Session:
    return replace(session, meta=replace(session.meta, placement=placement, side=session.meta.side or "left"))


def _noted(session: Session) -> list[str]:
    return [n for n in analyze(session).summary["notes"] if n.startswith("the sensor turns at")]


@pytest.mark.parametrize("placement", ["shank", "foot"])
def test_a_leg_sensor_read_as_the_lower_back_is_noted(placement: str) -> None:
    (note,) = _noted(_as(_sim(placement), "lower_back"))
    assert "is it on a leg? (--placement shank or foot" in note


def test_a_trunk_sensor_read_as_a_shank_is_noted() -> None:
    (note,) = _noted(_as(_sim("lower_back"), "shank"))
    assert "is it at the trunk? (--placement lower_back" in note


@pytest.mark.parametrize(
    ("placement", "activity", "speed"),
    [
        ("shank", "walking", 0.8),
        ("foot", "walking", 0.8),
        ("lower_back", "running", 3.0),
        ("lower_back", "walking", 1.4),
    ],
)
def test_the_declared_segment_gets_no_note(placement: str, activity: str, speed: float) -> None:
    assert _noted(_sim(placement, activity, speed)) == []


def test_without_a_gyroscope_nothing_is_said() -> None:
    leg = _as(_sim("shank"), "lower_back")
    assert _noted(replace(leg, gyr=None)) == []


@pytest.mark.shared_data
def test_real_feet_and_a_real_trunk(shared_data: Path) -> None:
    foot = RECORDINGS.foot_walking_sessions(shared_data / "foot_walking")["left"]
    assert _noted(foot) == [] and len(_noted(_as(foot, "lower_back"))) == 1
    trunk = RECORDINGS.lowerback_walking_session(
        shared_data / "lowerback_walking" / "HA_001" / "TimeMeasure1_Test11_Trial1.csv"
    )
    assert _noted(trunk) == [] and len(_noted(_as(trunk, "shank"))) == 1
