"""Not gait is not steps (gait_gate.py, phone_steps.py) and impossible samples (preprocess.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import retrogait
from retrogait.session import Session, SessionMeta, write_session
from retrogait.simulate import Bout, SimulationConfig, simulate
from retrogait.simulate.nongait import KINDS, non_gait

STILL = Bout("still", "still", 0.0, 2.0)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("placement", ["thigh", "hand", "bag", "other", "lower_back", "shank", "foot"])
def test_movement_that_is_not_gait_gives_no_steps(kind: str, placement: str) -> None:
    result = retrogait.analyze(non_gait(kind, placement, seed=1))
    assert len(result.steps) == 0
    assert result.summary["all"]["n_steps"] == 0


@pytest.mark.parametrize("placement", ["lower_back", "shank", "foot", "thigh", "other"])
@pytest.mark.parametrize("rate_hz", [100.0, 400.0])
def test_pure_noise_gives_no_steps_and_says_why(placement: str, rate_hz: float) -> None:
    """Issue 12 item 3: N(0, 15 m/s^2) gave 54 steps labelled walking/running (warnings are errors here)."""
    result = retrogait.analyze(non_gait("noise", placement, fs_hz=rate_hz, seed=2))
    assert len(result.steps) == 0
    if placement in ("lower_back", "shank", "foot"):  # their detectors fire on noise; the gate says so
        assert any("not alike" in note for note in result.summary["notes"])


@pytest.mark.parametrize("placement", ["lower_back", "shank", "foot"])
def test_the_gate_keeps_every_simulated_contact(placement: str) -> None:
    bouts = [STILL, Bout("forward", "walking", 1.3, 12), Bout("backward", "running", 2.5, 12), STILL]
    sim = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=3))
    result = retrogait.analyze(sim.session)
    assert not any("dropped" in note for note in result.summary["notes"])


def _running(placement: str = "lower_back", seed: int = 1) -> Session:
    bouts = [STILL, Bout("forward", "running", 3.0, 15), STILL]
    return simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=seed)).session


@pytest.mark.parametrize("bad", [1e300, np.inf, -np.inf, np.nan])
def test_impossible_samples_are_dropped_with_a_note_and_the_rest_analysed(bad: float) -> None:
    """Issue 12 item 3: a 0.1 % sprinkle of 1e300 gave 0 steps, silently, with RuntimeWarnings."""
    session = _running()
    clean = len(retrogait.analyze(session).steps)
    acc = session.acc.copy()
    rows = np.random.default_rng(0).choice(len(acc), len(acc) // 1000, replace=False)
    acc[rows, 1] = bad
    result = retrogait.analyze(replace(session, acc=acc))
    assert abs(len(result.steps) - clean) <= 1
    assert any(f"{rows.size} samples with missing" in note for note in result.summary["notes"])


def test_samples_beyond_the_declared_range_are_dropped() -> None:
    session = _running()
    assert session.meta.acc_range_g == 16
    acc = session.acc.copy()
    acc[1000:1003, 2] = 40 * 9.80665  # 40 g from a 16 g sensor: a glitch, not a measurement
    result = retrogait.analyze(replace(session, acc=acc))
    assert any("3 samples beyond any sensor's range" in note for note in result.summary["notes"])
    assert len(result.steps) >= len(retrogait.analyze(session).steps) - 1


def test_gravity_removed_is_analysed_and_says_what_is_missing(tmp_path: Path) -> None:
    """Issue 11 item 2: contacts, cadence and contact time from the signal; no gyroscope, no direction."""
    session = replace(_running(), gyr=None)
    with_gravity = retrogait.analyze(session)
    moved = session.acc - session.acc[: 2 * 200].mean(axis=0)  # standing at the start: gravity alone
    meta = replace(session.meta, acc_gravity="removed")
    path = write_session(replace(session, acc=moved, meta=meta), tmp_path / "linear.csv")
    result = retrogait.analyze(path)  # the native reader does not refuse the missing gravity
    assert result.summary["acc_gravity"] == "removed"
    assert any("gravity removed" in note and "unknown" in note for note in result.summary["notes"])
    assert set(result.steps["direction"]) == {"unknown"} and set(result.steps["foot_strike"]) == {"unknown"}
    ours, theirs = result.steps["ic_time_s"].to_numpy(), with_gravity.steps["ic_time_s"].to_numpy()
    assert ours.size == theirs.size and np.max(np.abs(ours - theirs)) < 0.02
    assert np.nanmedian(result.steps["contact_time_s"]) == pytest.approx(
        np.nanmedian(with_gravity.steps["contact_time_s"]), abs=0.02
    )
    assert result.summary["all"]["cadence_spm"]["value"] == pytest.approx(
        with_gravity.summary["all"]["cadence_spm"]["value"], rel=0.01
    )


def test_gravity_removed_with_a_gyroscope_keeps_direction() -> None:
    session = _running("foot", seed=2)
    meta = replace(session.meta, acc_gravity="removed", extra={})
    moved = session.acc - session.acc[: 2 * 200].mean(axis=0)
    result = retrogait.analyze(replace(session, acc=moved, meta=meta))
    assert "foot strike use the gyroscope" in " ".join(result.summary["notes"])
    assert (result.steps["direction"] == "forward").mean() > 0.8


def test_flat_gravity_free_recording_without_header_is_still_refused_by_units() -> None:
    """Without the header key, 0.3 m/s^2 of movement is not a unit anyone records in: refused as before."""
    t = np.arange(2000) / 100.0
    acc = np.random.default_rng(3).normal(0.0, 0.3, (2000, 3))
    with pytest.raises(retrogait.RetrogaitError, match="units"):
        retrogait.analyze(Session(t, acc, None, SessionMeta("other", 100.0)))
