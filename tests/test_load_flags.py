"""A step that cannot be measured gets NaN and a reason, never a number (issue 12 item 2, issue 15).

Reproducers: the real Movesense foot file gave negative "peak impacts" (forward median -0.24 g), the
real GENEActiv lower-back walk a 3.5 BW vGRF (its 50 Hz handling stretch read as running).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import retrogait
from retrogait.session import Session, SessionMeta
from retrogait.simulate import Bout, SimulationConfig, simulate

MOVESENSE = Path("formats/movesense_json_tjrantal/MovesenseLog_2_625.json")
GENEACTIV = Path("formats/geneactiv_gaitpy/demo_data.csv")


@pytest.mark.shared_data
def test_a_peak_impact_is_never_negative(shared_data: Path) -> None:
    steps = retrogait.analyze(shared_data / MOVESENSE, placement="foot").steps
    peak = steps["impact_peak_g"].to_numpy(dtype=float)
    assert len(steps) > 10
    assert not (peak <= 0).any()
    missing = np.isnan(peak)
    assert missing.any()  # this file's foot axis reads no upward impact at many landings
    assert (steps["impact_flags"][missing] == "no_impact_peak").all()
    assert steps["impact_loading_rate_g_per_s"][missing].isna().all()
    assert (steps["impact_flags"][~missing] == "").all()


@pytest.mark.shared_data
def test_no_vgrf_for_walking_steps_or_a_50_hz_lower_back(shared_data: Path) -> None:
    steps = retrogait.analyze(shared_data / GENEACTIV, placement="lower_back").steps
    assert steps["vgrf_peak_bw"].isna().all() and steps["vgrf_loading_rate_bw_per_s"].isna().all()
    walking = steps["activity"] == "walking"
    assert walking.sum() > 100
    assert (steps["vgrf_flags"][walking] == "walking").all()
    assert (steps["vgrf_flags"][~walking] == "below_min_rate").all()


def test_simulated_walking_at_the_lower_back_has_no_vgrf_and_says_why() -> None:
    config = SimulationConfig("lower_back", [Bout("forward", "walking", 1.3, 20.0)], 200.0, seed=5)
    steps = retrogait.analyze(simulate(config).session).steps
    assert len(steps) > 20
    assert steps["vgrf_peak_bw"].isna().all() and steps["vgrf_peak_bw_lo"].isna().all()
    assert (steps["vgrf_flags"] == "walking").all()


def test_running_at_the_lower_back_has_a_peak_inside_its_interval() -> None:
    config = SimulationConfig("lower_back", [Bout("forward", "running", 3.0, 20.0)], 500.0, seed=5)
    sim = simulate(config)
    steps = retrogait.analyze(sim.session).steps
    measured = steps["vgrf_peak_bw"].notna()
    assert measured.mean() > 0.8
    inner = steps[measured]
    assert (
        (inner["vgrf_peak_bw_lo"] <= inner["vgrf_peak_bw"]) & (inner["vgrf_peak_bw"] <= inner["vgrf_peak_bw_hi"])
    ).all()
    assert abs(np.median(inner["vgrf_peak_bw"]) / np.median(sim.truth["vgrf_peak_bw"]) - 1) < 0.1


def test_an_axis_that_reads_no_upward_impact_gives_nan_and_a_reason() -> None:
    sim = simulate(SimulationConfig("shank", [Bout("forward", "running", 3.0, 10.0)], 500.0, seed=2)).session
    steps = retrogait.analyze(sim).steps
    assert steps["impact_peak_g"].notna().mean() > 0.9  # a real landing: a positive tibial-axis peak
    # the same recording with its impact-axis acceleration held below 1 g: no positive peak anywhere
    acc = sim.acc.copy()
    cap = 9.0 - 0.05 * np.random.default_rng(0).random(acc.shape[0])  # held below 1 g with the sensor's noise
    acc[:, 2] = np.minimum(acc[:, 2], cap)  # (held at exactly one value it would be a stuck axis: IMPORT-26)
    flat = Session(sim.t_s, acc, sim.gyr, SessionMeta("shank", sim.meta.sample_rate_hz))
    out = retrogait.analyze(flat).steps
    assert len(out) > 0 and out["impact_peak_g"].isna().all()
    assert (out["impact_flags"] == "no_impact_peak").all()
