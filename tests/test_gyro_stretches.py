"""GYRO-1: a stretch of a recording without gyroscope values, long enough to hold gait, is analysed as from a
sensor without a gyroscope and its steps joined to the others, flagged ``no_gyro``. The tests of a stretch
failed before: its contacts were left out of the analysis as gaps (EDGE-46)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrogait import analyze
from retrogait.analysis.gyro_stretches import EDGE_S, MIN_STRETCH_S, _in_hole, no_gyro_stretches
from retrogait.analysis.pipeline import AnalysisResult
from retrogait.analysis.preprocess import AnteriorFrame, preprocess
from retrogait.cli import main
from retrogait.compare.fairness import flag_counts
from retrogait.session import Session, write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

TOL_S = 0.05


def _run(placement: str, seconds: float = 60.0) -> Session:
    """A simulated forward run at 3 m/s, 200 Hz, with a gyroscope."""
    return simulate(
        SimulationConfig(placement, [Bout("forward", "running", 3.0, seconds)], sample_rate_hz=200.0, seed=1)
    ).session


def _blanked(s: Session, start_s: float, end_s: float) -> Session:
    """``s`` with no gyroscope value (NaN, EDGE-46) from ``start_s`` to ``end_s``."""
    assert s.gyr is not None
    gyr = s.gyr.copy()
    gyr[(s.t_s >= start_s) & (s.t_s < end_s)] = np.nan
    return Session(s.t_s, s.acc, gyr, s.meta)


def _ic(result: AnalysisResult) -> np.ndarray:
    return result.steps["ic_time_s"].to_numpy(dtype=float)


def _found(expected: np.ndarray, got: np.ndarray) -> int:
    """How many of ``expected`` (s) have a contact of ``got`` within TOL_S."""
    if not got.size:
        return 0
    return int(sum(np.min(np.abs(got - x)) < TOL_S for x in expected))


@pytest.mark.parametrize("placement", ["lower_back", "foot"])
def test_contacts_in_a_stretch_without_gyroscope_are_those_of_the_whole_analysis(placement: str) -> None:
    s = _run(placement)
    full, cut = analyze(s), analyze(_blanked(s, 20.0, 50.0))
    fi, ci = _ic(full), _ic(cut)
    near = (fi >= 18.0) & (fi <= 52.0)  # the stretch and the steps next to its edges
    assert near.sum() > 40 and _found(fi[near], ci) == near.sum()  # every one found again (before: none inside)
    assert ((ci >= 18.0) & (ci <= 52.0)).sum() == near.sum()  # and no more: none doubled at an edge
    flags = cut.steps["quality_flags"].astype(str)
    no_gyro = flags.str.contains("no_gyro").to_numpy()
    assert no_gyro[(ci > 20.0) & (ci < 50.0)].all() and not no_gyro[(ci < 20.0 - EDGE_S) | (ci > 50.0 + EDGE_S)].any()
    # one bout across both joins, its cadence and contact time as the whole analysis' within 0.5 %
    assert len(cut.bouts) == len(full.bouts) == 1 and int(cut.bouts["n_steps"].iloc[0]) == len(full.steps)
    assert cut.bouts["cadence_spm"].iloc[0] == pytest.approx(full.bouts["cadence_spm"].iloc[0], rel=0.005)
    assert (cut.steps["bout_id"] == 0).all()
    whole, joined = full.summary["all"]["cadence_spm"], cut.summary["all"]["cadence_spm"]
    assert joined["n"] == whole["n"] and joined["value"] == pytest.approx(whole["value"], rel=0.005)
    assert cut.summary["all"]["flagged_steps"]["no_gyro"] == no_gyro.sum()
    assert "no_gyro" not in full.summary["all"]["flagged_steps"]  # a summary without a stretch is as before
    (entry,) = cut.summary["no_gyro_stretches"]
    assert entry["start_s"] == pytest.approx(20.0) and entry["n_steps"] == no_gyro.sum()
    assert not any("in the timestamps" in n for n in cut.summary["notes"])  # the samples are there: no gap note
    assert len(cut.contacts) == len(cut.steps)
    assert np.allclose(cut.signals.t_s[cut.contacts.ic_idx], ci, atol=0.006)  # the report's markers


def test_a_gyroscope_that_stops_before_the_end_keeps_the_steps_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = _run("lower_back", 40.0)
    full = analyze(s)
    cut_session = _blanked(s, 30.0, 100.0)
    cut = analyze(cut_session)
    fi, ci = _ic(full), _ic(cut)
    assert (fi > 30.0).sum() > 20 and _found(fi[fi > 28.0], ci) == (fi > 28.0).sum() == (ci > 28.0).sum()
    assert cut.summary["duration_s"] == pytest.approx(full.summary["duration_s"])
    note = next(n for n in cut.summary["notes"] if n.startswith("the gyroscope has no value"))
    assert "1 stretch of 2 s or more" in note and "analysed without the gyroscope" in note
    # the files: steps.csv flags them; info says what analyze does
    path = write_session(cut_session, tmp_path / "s.csv")
    assert main(["analyze", str(path), "--out", str(tmp_path / "out")]) == 0  # the report too
    written = pd.read_csv(tmp_path / "out" / "steps.csv", keep_default_na=False)
    flagged = written["quality_flags"] == "no_gyro"
    assert flagged[written["ic_time_s"] > 30.0].all() and not flagged[written["ic_time_s"] < 30.0 - EDGE_S].any()
    assert flagged.sum() == cut.summary["all"]["flagged_steps"]["no_gyro"] > 20
    capsys.readouterr()
    assert main(["info", str(path)]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "analyze analyses 2000 in stretches of 2 s or more without the gyroscope" in printed


def test_a_stretch_shorter_than_a_stride_stays_a_gap() -> None:
    s = _run("lower_back", 20.0)
    cut = analyze(_blanked(s, 10.0, 10.0 + MIN_STRETCH_S - 0.5))
    assert not cut.steps["quality_flags"].astype(str).str.contains("no_gyro").any()
    assert "no_gyro_stretches" not in cut.summary and "no_gyro" not in cut.summary["all"]["flagged_steps"]
    assert any("left out of the analysis as gaps" in n for n in cut.summary["notes"])
    assert not any("in the timestamps" in n for n in cut.summary["notes"])  # not missing timestamps: its own note


def test_stretches_are_runs_of_missing_rows_lasting_the_minimum() -> None:
    t = np.arange(0.0, 20.0, 0.01)
    missing = ((t >= 2.0) & (t < 3.0)) | ((t >= 5.0) & (t < 8.0)) | (t >= 18.5)
    assert no_gyro_stretches(t, missing).tolist() == [[500, 800]]  # 1 s and 1.5 s at the end: gaps
    assert no_gyro_stretches(t, missing, 1.0).tolist() == [[200, 300], [500, 800], [1850, 2000]]


def test_the_join_keeps_the_stretch_analysis_contacts_only_in_the_gyroscope_analysis_hole() -> None:
    main_ic = np.concatenate([np.arange(0.0, 4.01, 0.5), np.arange(7.5, 12.01, 0.5)])  # lost 4.5-7.0 at the gap
    sub_ic = np.arange(0.0, 12.01, 0.5) + 0.03  # the stretch analysis: every contact, 30 ms later
    sub_ic[[2, 22]] += 0.15  # 180 ms off the gyroscope analysis' contact: not in the hole, so not a second step
    keep = _in_hole(sub_ic, main_ic, np.array([5.0]), np.array([6.5]), tol=0.11)
    assert np.round(sub_ic[keep], 2).tolist() == [4.53, 5.03, 5.53, 6.03, 6.53, 7.03]


def test_compare_counts_the_steps_found_without_gyroscope() -> None:
    steps = pd.DataFrame({"direction": ["forward"] * 3, "quality_flags": ["", "no_gyro", "gap;no_gyro"]})
    counts = flag_counts(steps).set_index("direction")
    assert counts.loc["forward", "no_gyro"] == 2 and counts.loc["forward", "clean"] == 1


def test_a_session_with_unsorted_times_keeps_its_stretches_as_gaps() -> None:
    s = _blanked(_run("lower_back", 20.0), 5.0, 10.0)
    t = s.t_s.copy()
    t[[100, 101]] = t[[101, 100]]  # in memory only: a session file's times increase
    cut = analyze(Session(t, s.acc, s.gyr, s.meta))
    assert "no_gyro_stretches" not in cut.summary
    assert any("left out of the analysis as gaps" in n for n in cut.summary["notes"])


def test_a_stretch_analysis_takes_the_gyroscope_analysis_anterior_axis_and_yaw() -> None:
    """GYRO-2: the same sensor on the same mounting; without the frame the acceleration alone kept the declared
    axis, 25 deg off the foot's sagittal line that the gyroscope found."""
    config = SimulationConfig(
        "foot", [Bout("forward", "running", 3.0, 30.0)], sample_rate_hz=200.0, seed=1, mounting_rotation_deg=(0, 0, 25)
    )
    s = simulate(config).session
    main = preprocess(s)
    assert main.anterior_yaw_applied and main.sensor_to_body is not None
    alone = preprocess(Session(s.t_s, s.acc, None, s.meta))
    sub = preprocess(Session(s.t_s, s.acc, None, s.meta), frame=AnteriorFrame.of(main))
    assert alone.sensor_to_body is not None and sub.sensor_to_body is not None
    assert float(alone.sensor_to_body[0] @ main.sensor_to_body[0]) < np.cos(np.radians(15.0))  # before: its own
    assert np.allclose(sub.sensor_to_body[0], main.sensor_to_body[0], atol=0.01)
    assert (sub.anterior_source, sub.anterior_sign_known) == (main.anterior_source, main.anterior_sign_known)
    assert sub.anterior_yaw_deg == main.anterior_yaw_deg


def test_a_sign_calibrated_outside_a_stretch_is_not_read_into_its_backward_walking() -> None:
    """GYRO-2: the stretch analysis takes a declared axis, not a calibrated sign: with it, the acceleration alone
    called this backward walking forward at 0.99 (alone it has no sign: ``unknown``, not wrong)."""
    bouts = [Bout("forward", "walking", 1.4, 20.0), Bout("backward", "walking", 1.0, 40.0)]
    s = _blanked(simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=200.0, seed=1)).session, 25.0, 45.0)
    cut = analyze(Session(s.t_s, s.acc, s.gyr, replace(s.meta, anterior_axis=None)), forward_segment_s=(1.0, 15.0))
    assert cut.signals.anterior_source == "calibration"
    no_gyro = cut.steps[cut.steps["quality_flags"].astype(str).str.contains("no_gyro")]
    assert len(no_gyro) > 30
    confident = no_gyro["direction_confidence"].to_numpy() >= 0.9
    assert (no_gyro["direction"][confident] == "backward").all()
