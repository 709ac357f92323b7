"""Analysis pipeline: synthetic gait, bad input, outputs, CLI, and the shared recordings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrogait
from retrogait.analysis.pipeline import STEP_COLUMNS, write_outputs
from retrogait.analysis.preprocess import preprocess
from retrogait.cli import main
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.errors import RetrogaitError
from retrogait.session import Session, SessionMeta, write_session

G = STANDARD_GRAVITY_MS2


def sacral_running(
    fs: float = 500.0, duration_s: float = 12.0, step_s: float = 0.33, contact_s: float = 0.22, seed: int = 0
) -> tuple[Session, np.ndarray]:
    """Spring-mass running at the sacrum: half-sine vGRF in contact, free fall in flight, noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(duration_s * fs)) / fs
    ics = np.arange(0.5, duration_s - 0.5, step_s)
    force = np.zeros_like(t)
    peak = np.pi / 2 * step_s / contact_s
    for ic in ics:
        sel = (t >= ic) & (t < ic + contact_s)
        force[sel] = peak * np.sin(np.pi * (t[sel] - ic) / contact_s)
    acc = np.column_stack(
        [rng.normal(0, 0.3, t.size), rng.normal(0, 0.3, t.size), force * G + rng.normal(0, 0.3, t.size)]
    )
    meta = SessionMeta("lower_back", fs, anterior_axis="+x", vertical_axis="+z", acc_range_g=16.0)
    return Session(t, acc, None, meta, source="synthetic.csv"), ics


def test_running_contacts_and_timing() -> None:
    session, ics = sacral_running()
    result = retrogait.analyze(session)
    steps = result.steps
    assert list(steps.columns) == list(STEP_COLUMNS)
    det = steps["ic_time_s"].to_numpy()
    assert len(det) == len(ics)
    assert np.max(np.abs(det - ics)) < 0.01
    assert np.nanmedian(np.abs(steps["contact_time_s"] - 0.22)) < 0.01
    assert abs(np.nanmedian(steps["cadence_spm"]) - 60 / 0.33) < 1.0
    expected_peak = np.pi / 2 * 0.33 / 0.22
    assert abs(np.nanmedian(steps["vgrf_peak_bw"]) / expected_peak - 1) < 0.1
    assert set(steps["activity"]) == {"running"}
    assert (steps["quality_flags"] == "").all()
    assert result.bouts["activity"].tolist() == ["running"]


def test_g_units_and_low_rate_flag() -> None:
    session, ics = sacral_running(fs=100.0)
    in_g = Session(session.t_s, session.acc / G, None, session.meta)
    result = retrogait.analyze(in_g)
    assert any("g" in note for note in result.summary["notes"])
    assert len(result.steps) == len(ics)
    assert result.steps["quality_flags"].str.contains("low_rate").all()


def test_gaps_and_clipping_are_flagged() -> None:
    session, _ = sacral_running()
    keep = (session.t_s < 5.0) | (session.t_s > 5.2)
    acc = session.acc[keep].copy()
    acc[:, 2] = np.minimum(acc[:, 2], 2.0 * G)  # a ±2 g sensor
    meta = SessionMeta("lower_back", 500.0, anterior_axis="+x", vertical_axis="+z", acc_range_g=2.0)
    steps = retrogait.analyze(Session(session.t_s[keep], acc, None, meta)).steps
    assert steps["quality_flags"].str.contains("clipped").any()
    near_gap = steps[(steps["ic_time_s"] > 4.7) & (steps["ic_time_s"] < 5.2)]
    assert near_gap["quality_flags"].str.contains("gap").any()  # the step at 4.79 s runs into the gap
    # nothing is found where nothing was measured: the step whose contact (5.12 s) lies in the gap read one
    # at 5.17 s inside it, then 5.24 s at its edge (CADENCE-7); it has none (CADENCE-8)
    ic = steps["ic_time_s"].to_numpy()
    assert not ((ic > 4.99) & (ic < 5.3)).any()


def test_nan_runs_become_gaps() -> None:
    session, _ = sacral_running()
    acc = session.acc.copy()
    acc[1000:1100] = np.nan
    signals = preprocess(Session(session.t_s, acc, None, session.meta))
    assert signals.gap.sum() >= 95
    assert np.isfinite(signals.acc_ms2).all()


def test_irregular_timestamps_go_on_a_uniform_grid() -> None:
    session, _ = sacral_running()
    rng = np.random.default_rng(3)
    t = session.t_s + rng.uniform(-0.4, 0.4, session.t_s.size) / 500.0
    signals = preprocess(Session(t, session.acc, None, session.meta))
    assert np.allclose(np.diff(signals.t_s), np.diff(signals.t_s)[0])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda s: Session(s.t_s[:500], s.acc[:500], None, s.meta), "at least"),
        (lambda s: Session(s.t_s * 30, s.acc, None, SessionMeta("lower_back", 500 / 30)), "below 20 Hz"),
        (lambda s: Session(s.t_s, np.tile([0.0, 0.0, G], (s.t_s.size, 1)), None, s.meta), "constant"),
        (lambda s: Session(s.t_s, s.acc * 37.0, None, s.meta), "units"),
        (lambda s: Session(s.t_s, np.full_like(s.acc, np.nan), None, s.meta), "too few"),
    ],
    ids=["too-short", "below-20-hz", "flat", "unknown-units", "all-nan"],
)
def test_bad_input_gives_one_line_errors(make, message) -> None:  # type: ignore[no-untyped-def]
    session, _ = sacral_running()
    with pytest.raises(RetrogaitError, match=message) as info:
        retrogait.analyze(make(session))
    assert "\n" not in str(info.value)


def test_no_gait_keeps_columns(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    t = np.arange(3000) / 100.0
    acc = rng.normal(0, 0.05, (t.size, 3)) + [0, 0, G]
    result = retrogait.analyze(Session(t, acc, None, SessionMeta("shank", 100.0, side="left")))
    assert result.steps.empty
    assert list(result.steps.columns) == list(STEP_COLUMNS)
    assert result.bouts["activity"].tolist() == ["still"]
    paths = write_outputs(result, tmp_path)
    assert list(pd.read_csv(paths["steps"]).columns) == list(STEP_COLUMNS)


def test_unknown_anterior_axis_is_reported() -> None:
    session, ics = sacral_running()
    result = retrogait.analyze(Session(session.t_s, session.acc, None, SessionMeta("lower_back", 500.0)))
    assert result.summary["anterior_source"] in ("signal", "none")
    assert len(result.steps) == len(ics)


def test_cli_writes_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session, ics = sacral_running(duration_s=6.0)
    path = write_session(session, tmp_path / "run.csv")
    out = tmp_path / "out"
    assert main(["analyze", str(path), "--out", str(out)]) == 0
    steps = pd.read_csv(out / "steps.csv")
    assert len(steps) == len(ics)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["all"]["n_steps"] == len(ics)
    assert "<svg" in (out / "report.html").read_text()  # charts are inline SVG (PERF-2)
    assert "running" in capsys.readouterr().out or summary["per_bout"][0]["activity"] == "running"
    assert summary["acc_range_g"] == 16.0  # header facts that compare reads
    assert set(summary) >= {"sensor", "subject"}


def test_cli_bad_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("hello\n")
    assert main(["analyze", str(bad)]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("retrogait:")]
    assert len(errors) == 1 and "bad.csv" in errors[0]


@pytest.mark.shared_data
def test_running_force_plate_contacts(shared_data: Path) -> None:
    folder = shared_data / "running_sacral_grf"
    acc = np.loadtxt(folder / "Accelerometer_dev.csv", delimiter=",")[:2]
    grf = np.loadtxt(folder / "GRF_dev.csv", delimiter=",")[:2]
    n = grf.shape[1]
    for k in range(2):
        meta = SessionMeta("lower_back", 500.0, anterior_axis="+x", vertical_axis="+z")
        session = Session(np.arange(n) / 500.0, np.column_stack([acc[k, n:], np.zeros(n), acc[k, :n]]), None, meta)
        det = retrogait.analyze(session).steps["ic_time_s"].to_numpy()
        on = (np.flatnonzero((grf[k, 1:] > 0.1) & (grf[k, :-1] <= 0.1)) + 1) / 500.0
        on = on[(on > 0.2) & (on < n / 500.0 - 0.3)]
        nearest = np.min(np.abs(det[None, :] - on[:, None]), axis=1)
        assert np.mean(nearest <= 0.05) >= 0.9


@pytest.mark.shared_data
def test_foot_walking_contacts(shared_data: Path) -> None:
    folder = shared_data / "foot_walking"
    data = pd.read_csv(folder / "imu_sample_not_rotated.csv", header=[0, 1], index_col=0)["left_sensor"]
    events = pd.read_csv(folder / "stride_events_sample.csv")
    ref = events.loc[events["foot"] == "left", "ic"].to_numpy() / 204.8
    session = Session(
        np.arange(len(data)) / 204.8,
        data[["acc_x", "acc_y", "acc_z"]].to_numpy(),
        data[["gyr_x", "gyr_y", "gyr_z"]].to_numpy(),
        SessionMeta("foot", 204.8, side="left"),
    )
    det = retrogait.analyze(session).steps["ic_time_s"].to_numpy()
    nearest = np.min(np.abs(det[None, :] - ref[:, None]), axis=1)
    assert np.mean(nearest <= 0.05) >= 0.95
