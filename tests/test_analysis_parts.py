"""A recording too long for the memory analysed in overlapping parts and joined into one result (LONG-4): the
steps, bouts and aggregates of a recording forced into parts are those of the whole analysis."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrogait.analysis.part_plan as part_plan
import retrogait.analysis.parts as parts_module
import retrogait.imports.file_size as file_size
import retrogait.memory as memory
from retrogait.analysis.parts import PartSteps, analyze_in_parts, join_parts, seam_at_rest
from retrogait.analysis.pipeline import AnalysisResult, analyze
from retrogait.analysis.settings import AnalysisSettings
from retrogait.cli import main
from retrogait.imports.part import part_of
from retrogait.session import Session, write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

SHANK = AnalysisSettings.for_placement("shank")


@pytest.fixture(scope="module")
def recording() -> Session:
    """Five and a half minutes of a shank at 100 Hz: forward walking, forward running, backward walking, forward
    running into forward walking, a rest between each."""
    bouts = [
        Bout("still", "still", 0.0, 20.0),
        Bout("forward", "walking", 1.3, 60.0),
        Bout("still", "still", 0.0, 15.0),
        Bout("forward", "running", 3.0, 60.0),
        Bout("still", "still", 0.0, 15.0),
        Bout("backward", "walking", 1.0, 60.0),
        Bout("still", "still", 0.0, 15.0),
        Bout("forward", "running", 3.0, 40.0),
        Bout("forward", "walking", 1.3, 40.0),
        Bout("still", "still", 0.0, 20.0),
    ]
    session = simulate(SimulationConfig("shank", bouts, 100.0, seed=1)).session
    return session.with_meta(placement="shank", side="left")


@pytest.fixture(scope="module")
def whole(recording: Session) -> AnalysisResult:
    return analyze(recording)


def _same_steps(whole: pd.DataFrame, joined: pd.DataFrame, rate_hz: float) -> None:
    """The same steps: as many, each contact within one sample, the same directions, activities and bouts; the
    impact within 0.1 % (measured in the body frame whose yaw each part finds alone)."""
    assert len(joined) == len(whole) > 200
    np.testing.assert_allclose(joined["ic_time_s"], whole["ic_time_s"], atol=1.0 / rate_hz + 1e-9)
    for column in ("direction", "activity", "bout_id", "side", "foot_strike"):
        assert joined[column].astype(str).tolist() == whole[column].astype(str).tolist(), column
    np.testing.assert_allclose(joined["impact_peak_g"], whole["impact_peak_g"], rtol=1e-3)
    for column in ("step_time_s", "contact_time_s", "cadence_spm"):
        np.testing.assert_allclose(joined[column], whole[column], rtol=1e-5, err_msg=column)  # %.6g


def test_a_seam_is_the_middle_of_the_rest_nearest_its_planned_end() -> None:
    bouts = pd.DataFrame(
        {"start_s": [10.0, 40.0, 90.0, 200.0], "end_s": [20.0, 80.0, 96.0, 300.0], "activity": ["still"] * 4}
    )
    assert seam_at_rest(bouts, 50.0, 100.0, 20.0) == (93.0, True)
    assert seam_at_rest(bouts.iloc[:2], 50.0, 100.0, 20.0) == (65.0, True)  # its piece after ``earliest``
    assert seam_at_rest(bouts.iloc[3:], 50.0, 100.0, 20.0) == (100.0, False)  # none before 110 s: in gait


def test_a_recording_forced_into_parts_gives_the_whole_analysis(recording: Session, whole: AnalysisResult) -> None:
    """Four parts of about 100 s with 30 s either side, each ending in the middle of the rest nearest its planned
    end: every step kept once, from the part whose core holds its contact; the rests cut at the seams are one."""
    joined = analyze_in_parts(
        lambda part: part_of(recording, "sim", part),
        recording.duration_s,
        analyze,
        lambda _: SHANK,
        part_s=100.0,
        overlap_s=30.0,
    )
    _same_steps(whole.steps, joined.steps, 100.0)
    pd.testing.assert_frame_equal(joined.bouts, whole.bouts, rtol=1e-9)
    for key in ("n_steps", "cadence_spm", "contact_time_s"):
        assert joined.summary["all"][key] == pytest.approx(whole.summary["all"][key], rel=1e-9)
    assert joined.summary["duration_s"] == pytest.approx(whole.summary["duration_s"])
    seams = [p["start_s"] for p in joined.summary["parts"]][1:]
    rests = joined.bouts.loc[joined.bouts["activity"] == "still", ["start_s", "end_s"]].to_numpy()
    assert len(seams) == 3 and all(((rests[:, 0] < s) & (s < rests[:, 1])).any() for s in seams)
    assert all(p["ends_at_rest"] for p in joined.summary["parts"])
    assert sum(p["n_steps"] for p in joined.summary["parts"]) == len(whole.steps)
    assert "4 parts of 100 s" in joined.summary["input_provenance"]["analysed_in_parts"]


def _part(lo: float, hi: float, ic: list[float], own: list[int], bouts: list[tuple[float, float, str]]) -> PartSteps:
    steps = pd.DataFrame(
        {
            "ic_time_s": ic,
            "step_time_s": np.full(len(ic), 1.0),
            "contact_time_s": np.full(len(ic), 0.6),
            "activity": ["walking"] * len(ic),
            "bout_id": own,
        }
    )
    table = pd.DataFrame(
        [
            {"bout_id": k, "start_s": a, "end_s": b, "activity": act, "n_steps": 0, "cadence_spm": np.nan}
            for k, (a, b, act) in enumerate(bouts)
        ]
    )
    return PartSteps(lo, hi, steps, table, {}, (lo, hi))


def test_a_bout_and_a_rest_across_a_seam_are_one() -> None:
    """The walking bout the first part holds past the seam at 10 s (to 14 s) continues into the second part's
    bout; the still segment 20-40 s, cut at the seam at 30 s, is one segment; a piece of rest shorter than
    min_still_s that meets no other is dropped."""
    first = _part(-np.inf, 10.0, [5.0, 6.0, 7.0, 8.0, 9.0], [0] * 5, [(5.0, 14.0, "walking"), (20.0, 30.5, "still")])
    second = _part(10.0, 30.0, [10.0, 11.0, 12.0, 13.0, 14.0], [1] * 5, [(0.0, 4.0, "still"), (6.0, 14.0, "walking")])
    second.bouts.loc[0, ["start_s", "end_s"]] = [-5.0, -4.0]
    second.bouts.loc[2] = [2, 20.0, 32.0, "still", 0, np.nan]
    third = _part(30.0, np.inf, [], [], [(28.0, 40.0, "still"), (41.0, 41.5, "still")])
    steps, bouts = join_parts([first, second, third], SHANK, 100.0)
    assert bouts[["start_s", "end_s", "activity", "n_steps"]].values.tolist() == [
        [5.0, 14.0, "walking", 10],
        [20.0, 40.0, "still", 0],
    ]
    assert steps["bout_id"].tolist() == [0] * 10


def test_a_bout_the_parts_do_not_carry_across_a_seam_stays_two() -> None:
    first = _part(-np.inf, 10.0, [3.0, 4.0, 5.0, 6.0, 7.0], [0] * 5, [(3.0, 7.0, "walking")])
    second = _part(10.0, np.inf, [10.0, 11.0, 12.0, 13.0, 14.0], [0] * 5, [(10.0, 14.0, "walking")])
    steps, bouts = join_parts([first, second], SHANK, 100.0)
    assert bouts["n_steps"].tolist() == [5, 5]
    assert steps["bout_id"].tolist() == [0] * 5 + [1] * 5


def test_analyze_part_hours_gives_the_whole_outputs_and_says_so(
    tmp_path: Path, recording: Session, whole: AnalysisResult, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_session(recording, tmp_path / "rec.csv")
    assert main(["analyze", str(path), "--out", str(tmp_path / "out"), "--part-hours", "0.05"]) == 0
    steps = pd.read_csv(tmp_path / "out" / "steps.csv", keep_default_na=False, na_values=[""])
    _same_steps(analyze(path).steps, steps, 100.0)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    # the middle of the rest 155-170 s as found (simulator v1: 162.355)
    assert [p["start_s"] for p in summary["parts"]] == [0.0, pytest.approx(162.37)]
    assert "Not drawn: the recording was analysed in 2 parts" in (tmp_path / "out" / "report.html").read_text()
    capsys.readouterr()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--part-hours", "0.01"], "--part-hours must be at least 0.0333 h, got 0.01"),
        (["--part-hours", "1", "--start", "5"], "--part-hours analyses the whole recording in parts: not with"),
    ],
)
def test_part_hours_refused_in_one_line(
    tmp_path: Path, recording: Session, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    path = write_session(recording, tmp_path / "rec.csv")
    assert main(["analyze", str(path), "--out", str(tmp_path / "out"), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert said in err and "\n" not in err


def test_a_bin_too_long_for_the_memory_is_analysed_in_parts_by_itself(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A GENEActiv week (~11 GB to analyse) was refused, to be cut by hand with --start/--end: a `.bin`, whose
    pages are read a part at a time, is now analysed in parts that fit, with one set of outputs."""
    import import_samples as samples

    n = recording.n_samples // 300 * 300
    start = np.datetime64("2019-08-06T10:25:50.000")
    times = [start + np.timedelta64(3000 * k, "ms") for k in range(n // 300)]
    counts = samples.geneactiv_counts(recording.acc[:n] / 9.80665)
    path = samples.write_geneactiv_bin(tmp_path / "week.bin", counts, times, 100.0)
    monkeypatch.setattr(file_size, "CHECK_FROM_BYTES", 0)
    monkeypatch.setattr(parts_module, "OVERLAP_S", 30.0)  # the analysis' overlap, and the plan's
    monkeypatch.setattr(part_plan, "OVERLAP_S", 30.0)
    monkeypatch.setattr(part_plan, "MIN_PART_S", 60.0)
    monkeypatch.setenv(memory.MEMORY_ENV, "0.0052")  # 5.5 MB: the whole needs ~7 MB, parts of ~120 s fit
    out = tmp_path / "out"
    assert main(["analyze", str(path), "--out", str(out), "--placement", "shank", "--no-report"]) == 0
    capsys.readouterr()
    monkeypatch.delenv(memory.MEMORY_ENV)
    alone = analyze(path, placement="shank")
    steps = pd.read_csv(out / "steps.csv", keep_default_na=False, na_values=[""])
    _same_steps(alone.steps, steps, 100.0)
    summary = json.loads((out / "summary.json").read_text())
    assert len(summary["parts"]) >= 2 and all(p["ends_at_rest"] for p in summary["parts"])


def test_an_open_part_of_a_bin_is_estimated_to_its_end() -> None:
    """`analyze week.bin --start 604000` (no --end) ended in `internal error: OverflowError` before it was read."""
    estimate = file_size.Estimate(60_000, 100.0, 100, True)  # 10 min
    assert estimate.read_bytes((300.0, None)) == 60_000 * 20 + 30_001 * 100
    assert estimate.read_bytes((None, None)) == 60_000 * 20 + 60_000 * 100


def test_a_gap_longer_than_a_part_loses_nothing_after_it(tmp_path: Path) -> None:
    """A device off for 1000 s (more than a part and its overlaps): the part whose read ended before its planned
    end was taken as the recording's last, and everything after the gap was dropped without a word (review of
    LONG-4: 82 of 165 steps). A part inside a gap is now skipped and the parts go on to the recording's end."""
    from dataclasses import replace

    from retrogait.session import write_session
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    bouts = parse_bouts("forward:running:3.0:60,still::0:40,forward:running:3.0:60")
    session = simulate(SimulationConfig(placement="shank", bouts=bouts, sample_rate_hz=100.0)).session
    t = np.where(session.t_s > 100.0, session.t_s + 1000.0, session.t_s)
    path = tmp_path / "gap.csv"
    write_session(replace(session, t_s=t), path)
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    assert main(["analyze", str(path), "-o", str(whole), "--no-report"]) == 0
    assert main(["analyze", str(path), "-o", str(parts), "--no-report", "--part-hours", "0.04"]) == 0
    a = pd.read_csv(whole / "steps.csv", keep_default_na=False, na_values=[""])
    b = pd.read_csv(parts / "steps.csv", keep_default_na=False, na_values=[""])
    assert len(a) > 150 and (a["ic_time_s"] > 1100.0).sum() > 60
    # every contact of the whole is found in parts but at the edges of the run after the gap: its part holds that
    # run alone (60 s of running, no rest, from 0.16 s before its first contact), read as a recording of its own
    x, y = a["ic_time_s"].to_numpy(), b["ic_time_s"].to_numpy()
    missed = x[np.min(np.abs(x[:, None] - y[None, :]), axis=1) > 0.03]
    assert missed.size <= 2 and np.all((np.abs(missed - 1100.0) < 1.0) | (missed > t[-1] - 3.0))
    assert not (np.min(np.abs(y[:, None] - x[None, :]), axis=1) > 0.03).any()  # 3 samples: the run's edge
    notes = json.loads((parts / "summary.json").read_text())["notes"]  # yaws 0.05 deg apart are the same (review)
    assert not any("differ in anterior_yaw_deg" in note for note in notes)
