"""A one-leg placement without gyroscope whose acceleration shows both legs' steps is read as steps of both legs
with a note (PHONE-17, -18): a phone declared on the shank reported twice the cadence, with nothing said."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from retrogait import analyze
from retrogait.analysis.result import AnalysisResult
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, SimulationResult, simulate
from script_module import load_script

RECORDINGS = load_script("shared_recordings")
PHONE = load_script("validate_phone")
LOW_RATES = load_script("validate_low_rates")
NOTE = "without a gyroscope, but the acceleration rises and falls once per contact"


def _sim(placement: str, activity: str, speed: float, direction: str = "forward", rate: float = 100.0) -> Session:
    return _simulated(placement, activity, speed, direction, rate).session


def _simulated(
    placement: str, activity: str, speed: float, direction: str = "forward", rate: float = 100.0
) -> SimulationResult:
    config = SimulationConfig(
        placement, [Bout(direction, activity, speed, 40)], sample_rate_hz=200.0, with_gyro=False, seed=3
    )
    sim = simulate(config)
    return replace(sim, session=LOW_RATES.decimated(sim.session, rate))


def _as(session: Session, placement: str) -> Session:
    return replace(session, meta=replace(session.meta, placement=placement, side=session.meta.side or "left"))


def _noted(result: AnalysisResult) -> list[str]:
    return [n for n in result.summary["notes"] if NOTE in n]


@pytest.mark.parametrize("speed", [1.0, 1.4])
def test_a_trunk_walking_read_as_a_shank_is_read_as_both_legs(speed: float) -> None:
    trunk = _simulated("lower_back", "walking", speed)
    truth = 60.0 * len(trunk.truth) / 40.0  # one row per stance of either leg: steps per minute
    result = analyze(_as(trunk.session, "shank"))
    (note,) = _noted(result)
    assert note.startswith("declared shank") and "(--placement other: steps of both legs" in note
    assert result.summary["placement"] == "other"
    cadence = float(np.median(result.steps["cadence_spm"]))
    assert abs(cadence - truth) / truth < 0.1  # not doubled
    steps = result.steps  # no one-leg output the placement cannot support
    assert (steps["foot_strike"] == "unknown").all() and (steps["side"] == "unknown").all()
    assert steps[["contact_time_s", "impact_peak_g", "vgrf_peak_bw"]].isna().all().all()
    assert (steps["activity"] == "walking").all()  # not "running" at twice the cadence


@pytest.mark.parametrize(
    ("placement", "activity", "speed", "direction", "rate"),
    [
        ("shank", "walking", 1.4, "forward", 100.0),
        ("shank", "running", 3.5, "backward", 200.0),
        ("foot", "running", 3.0, "forward", 50.0),
        ("foot", "walking", 0.8, "backward", 26.0),
    ],
)
def test_a_leg_without_gyroscope_is_left_as_declared(
    placement: str, activity: str, speed: float, direction: str, rate: float
) -> None:
    result = analyze(_sim(placement, activity, speed, direction, rate))
    assert _noted(result) == [] and result.summary["placement"] == placement


def test_a_trunk_running_is_not_judged() -> None:
    """A run moves |a| like a running leg: the acceleration alone cannot say which (nothing said)."""
    result = analyze(_as(_sim("lower_back", "running", 3.0), "shank"))
    assert _noted(result) == [] and result.summary["placement"] == "shank"


@pytest.mark.shared_data
def test_a_phone_in_the_hand_declared_on_the_shank(shared_data: Path) -> None:
    folder = shared_data / "phone_positions"
    session = PHONE.read_trace(folder / "Pixel_Jamie_Hard_InHand_1.accelerometer.csv.gz", "shank")
    result = analyze(_as(session, "shank"))
    assert len(_noted(result)) == 1
    cadence = float(np.median(result.steps["cadence_spm"]))
    assert 95.0 < cadence < 125.0  # 107.5 steps/min over the whole trace; 206.6 before (EDGE-187)


@pytest.mark.shared_data
@pytest.mark.parametrize("side", ["left", "right"])
def test_real_feet_without_their_gyroscope_are_left_as_declared(shared_data: Path, side: str) -> None:
    foot = RECORDINGS.foot_walking_sessions(shared_data / "foot_walking")[side]
    result = analyze(replace(foot, gyr=None))
    assert _noted(result) == [] and result.summary["placement"] == "foot" and len(result.steps) > 20


def test_the_analysis_as_other_uses_others_preset_with_the_callers_overrides() -> None:
    """REVIEW-32: the CLI passes the declared placement's preset (with any --settings overrides): the analysis as
    `other` ran with the shank's preset (bouts 3.0 s apart, not other's 1.5 s); the overrides must be kept."""
    from retrogait.analysis.pipeline import preset_settings

    trunk = _as(_sim("lower_back", "walking", 1.2), "shank")
    other = preset_settings("other")
    result = analyze(trunk, settings=preset_settings("shank"))
    assert result.summary["placement"] == "other" and result.summary["settings"] == other.to_dict()
    mine = preset_settings("shank").with_overrides({"phone_steps": {"min_step_s": 0.3}})
    result = analyze(trunk, settings=mine)
    expected = other.with_overrides({"phone_steps": {"min_step_s": 0.3}}).to_dict()
    assert result.summary["settings"] == expected


def test_a_recording_analysed_in_parts_is_read_as_both_legs_in_every_part() -> None:
    """REVIEW-33: each part decided alone; a first part with too little gait to judge kept its one-leg contacts
    ("running" at twice the cadence) and its `placement` shank became summary.json's, so the joined steps of both
    legs were counted as one leg's contacts (twice the steps)."""
    from retrogait.analysis.parts import analyze_in_parts
    from retrogait.analysis.pipeline import preset_settings, read_as_both_legs
    from retrogait.imports.part import part_of

    bouts = [
        Bout("still", "still", 0.0, 10.0),
        Bout("forward", "walking", 1.2, 8.0),  # too few contacts in this part to judge
        Bout("still", "still", 0.0, 120.0),
        Bout("forward", "walking", 1.2, 150.0),
        Bout("still", "still", 0.0, 10.0),
    ]
    config = SimulationConfig("lower_back", bouts, 100.0, with_gyro=False, seed=2)
    trunk = _as(simulate(config).session, "shank")
    joined = analyze_in_parts(
        lambda part: part_of(trunk, "sim", part),
        trunk.duration_s,
        analyze,
        lambda _: preset_settings("shank"),
        part_s=100.0,
        overlap_s=30.0,
        both_legs=read_as_both_legs,
    )
    assert (joined.summary["placement"], joined.summary["declared_placement"]) == ("other", "shank")  # EDGE-192
    assert [p["placement"] for p in joined.summary["parts"]] == ["other"] * len(joined.summary["parts"])
    assert (joined.steps["side"] == "unknown").all() and not (joined.steps["activity"] == "running").any()


def test_the_analysis_as_other_keeps_the_declared_forward_segment() -> None:
    """REVIEW-32: the analysis as `other` dropped ``forward_segment_s``: the anterior sign it calibrates and its
    note were lost."""
    trunk = _as(_sim("lower_back", "walking", 1.2), "shank")
    axis_from_signal = replace(trunk, meta=replace(trunk.meta, anterior_axis=None))
    whole_as_other = analyze(axis_from_signal, placement="other", forward_segment_s=(5.0, 35.0))
    result = analyze(axis_from_signal, forward_segment_s=(5.0, 35.0))
    assert len(_noted(result)) == 1 and result.summary["placement"] == "other"
    said = [n for n in whole_as_other.summary["notes"] if "declared forward segment" in n]
    assert said and said[0] in result.summary["notes"]
    assert result.steps["direction"].tolist() == whole_as_other.steps["direction"].tolist()


def test_a_remounted_recording_is_read_as_both_legs_in_every_mounting() -> None:
    """REVIEW-33: each mounting (MOUNT-2) decided alone, as the parts did: a first mounting too short to judge kept
    its one-leg contacts and summary.json's `placement` shank over the steps of both legs of the second."""
    bouts = [
        Bout("still", "still", 0.0, 5.0),
        Bout("forward", "walking", 1.2, 9.0),
        Bout("still", "still", 0.0, 9.0, remount_deg=(90.0, 0.0, 0.0)),
        Bout("forward", "walking", 1.2, 60.0),
        Bout("still", "still", 0.0, 5.0),
    ]
    trunk = _as(simulate(SimulationConfig("lower_back", bouts, 100.0, with_gyro=False, seed=4)).session, "shank")
    result = analyze(trunk)
    mountings = result.summary["mountings"]
    assert len(mountings) == 2 and [m["placement"] for m in mountings] == ["other", "other"]
    assert result.summary["placement"] == "other"
    assert (result.steps["side"] == "unknown").all() and not (result.steps["activity"] == "running").any()


def test_the_command_line_in_parts_reads_every_part_as_both_legs(tmp_path: Path) -> None:
    """REVIEW-33 through `retrogait analyze --part-hours`: the command passes the both-legs reading to the parts
    (parts.py takes it from its caller, not from the pipeline it is used by)."""
    import json

    from retrogait.cli import main
    from retrogait.session import write_session

    bouts = [
        Bout("still", "still", 0.0, 10.0),
        Bout("forward", "walking", 1.2, 5.0),  # too few contacts in the first part's read (0-242 s) to judge
        Bout("still", "still", 0.0, 260.0),
        Bout("forward", "walking", 1.2, 150.0),
        Bout("still", "still", 0.0, 10.0),
    ]
    trunk = _as(simulate(SimulationConfig("lower_back", bouts, 100.0, with_gyro=False, seed=2)).session, "shank")
    path = write_session(trunk, tmp_path / "trunk_as_shank.csv")
    out = tmp_path / "out"
    assert main(["analyze", str(path), "-o", str(out), "--no-report", "--part-hours", "0.034"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert len(summary["parts"]) > 1
    assert summary["placement"] == "other"
    assert [p["placement"] for p in summary["parts"]] == ["other"] * len(summary["parts"])


def test_the_rhythm_is_read_from_contacts_in_any_order_and_bouts_in_any_order() -> None:
    """``leg_rhythm`` took its contacts as sorted and unique and its bouts in time order (EDGE-193): contacts in
    another order gave negative intervals, a contact given twice an interval of 0 s (a median of 0: 120 / 0 steps/min,
    a RuntimeWarning), bouts out of order put contacts in no bout. Each is read in time order, once."""
    from retrogait.analysis.leg_rhythm import leg_rhythm
    from retrogait.analysis.pipeline import _analyze_session, preset_settings
    from retrogait.analysis.signals import Contacts

    bouts_walked = [
        Bout("still", "still", 0.0, 5.0),
        Bout("forward", "walking", 1.4, 25.0),
        Bout("still", "still", 0.0, 8.0),
        Bout("forward", "walking", 1.4, 25.0),
        Bout("still", "still", 0.0, 5.0),
    ]
    trunk = _as(simulate(SimulationConfig("lower_back", bouts_walked, 100.0, with_gyro=False, seed=3)).session, "shank")
    one_leg = _analyze_session(trunk, "shank", "left", None, preset_settings("shank"))
    settings = preset_settings("shank").phone_steps
    expected = leg_rhythm(one_leg.signals, one_leg.contacts, one_leg.bouts, settings)
    assert expected is not None and expected.both_legs
    c = one_leg.contacts
    order = np.random.default_rng(7).permutation(len(c))
    twice = np.concatenate([order, order[:5]])  # five contacts given twice, the whole out of order
    shuffled = Contacts(c.ic_idx[twice], c.to_idx[twice], c.side[twice])
    bouts = one_leg.bouts.iloc[::-1].reset_index(drop=True)
    assert len(bouts) > 1
    assert leg_rhythm(one_leg.signals, shuffled, bouts, settings) == expected
