"""A lone missing gyroscope value is bridged over at most 25 ms as the acceleration's is (EDGE-212, EDGE-203)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrogait.analysis.load import load_input
from retrogait.analysis.pipeline import analyze
from retrogait.simulate import SimulationConfig, parse_bouts, simulate

HEADER = "time (s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2),gyr_x (deg/s),gyr_y (deg/s),gyr_z (deg/s)"


def _csv(path: Path, placement: str, share: float, run: int = 1, cell: str = "inf") -> tuple[Path, int]:
    """A simulated run (200 Hz, seed 4) as a generic CSV, ``share`` of its rows starting ``run`` rows in a row whose
    one gyroscope cell reads ``cell`` (seeded)."""
    sim = simulate(SimulationConfig(placement, parse_bouts("forward:running:3.0:30"), sample_rate_hz=200.0, seed=4))
    s = sim.session
    assert s.gyr is not None
    table = np.column_stack([s.t_s, s.acc, s.gyr])
    text = np.array([[f"{v:.9g}" for v in row] for row in table], dtype=object)
    rng = np.random.default_rng(5)
    starts = rng.choice(np.arange(10, len(table) - 10, run + 2), size=int(share * len(table)), replace=False)
    for first in starts:
        text[first : first + run, 4 + int(rng.integers(3))] = cell
    path.write_text("\n".join([HEADER, *(",".join(row) for row in text)]) + "\n")
    return path, len(table)


def _run(path: Path, placement: str) -> tuple[pd.DataFrame, float, list[str]]:
    result = analyze(path, placement=placement)
    return result.steps, float(result.summary["all"]["cadence_spm"]["value"]), list(result.summary["notes"])


@pytest.mark.parametrize("cell", ["inf", "", "NaN"])
@pytest.mark.parametrize("placement", ["shank", "lower_back"])
def test_a_lone_missing_gyroscope_value_is_bridged_and_costs_no_contact(
    tmp_path: Path, placement: str, cell: str
) -> None:
    clean, rows = _csv(tmp_path / "clean.csv", placement, 0.0)
    damaged, _ = _csv(tmp_path / "damaged.csv", placement, 0.01, cell=cell)
    session = load_input(damaged)
    assert session.n_samples == rows and session.gyr is not None  # every row kept
    assert np.isnan(session.gyr).any(axis=1).sum() == int(0.01 * rows)
    steps0, cadence0, _ = _run(clean, placement)
    steps, cadence, notes = _run(damaged, placement)
    assert len(steps) == len(steps0) and cadence == pytest.approx(cadence0, rel=0.005)
    assert any(f"{int(0.01 * rows) * 3} missing gyroscope values bridged" in n for n in notes), notes
    assert not any("left out of the analysis as gaps" in n or "gaps in the timestamps" in n for n in notes)
    flags = steps["quality_flags"].astype(str)
    assert flags.str.contains("bridged").any() and not flags.str.contains("gap").any()
    # the impact reads the acceleration, which was measured: a bridged gyroscope value leaves it
    assert not steps["impact_flags"].astype(str).str.contains("bridged").any()
    assert steps["impact_peak_g"].notna().sum() == steps0["impact_peak_g"].notna().sum()


def test_a_gyroscope_run_longer_than_the_bridge_stays_a_gap(tmp_path: Path) -> None:
    damaged, _ = _csv(tmp_path / "damaged.csv", "shank", 0.002, run=6)  # 6 samples at 200 Hz: 35 ms apart
    steps, _, notes = _run(damaged, "shank")
    assert any("left out of the analysis as gaps" in n for n in notes)
    assert not any("gyroscope values bridged" in n for n in notes)
    assert steps["quality_flags"].astype(str).str.contains("gap").any()


def test_a_gyroscope_analysed_without_says_nothing_of_bridging(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """REVIEW-90 (EDGE-212): where the gyroscope is left out (a value at fewer than half the rows once the lone ones are
    bridged), its bridged values are used nowhere: no note says they were bridged and their steps flagged (none
    was), and ``retrogait info`` does not say analyze bridges them."""
    from retrogait.cli import main

    path, rows = _csv(tmp_path / "clean.csv", "shank", 0.0)
    lines = path.read_text().splitlines()
    for i in range(1, rows + 1):  # no gyroscope after 30 % of the rows, a lone one missing in 50 before
        if i > 0.3 * rows or i % 50 == 25:
            cells = lines[i].split(",")
            lines[i] = ",".join(cells[:4] + ["", "", ""])
    path.write_text("\n".join(lines) + "\n")
    steps, _, notes = _run(path, "shank")
    assert any("analysed without the gyroscope, as a sensor without one" in n for n in notes), notes
    assert not any("gyroscope values bridged" in n for n in notes), notes
    assert not steps["quality_flags"].astype(str).str.contains("bridged").any()
    capsys.readouterr()
    assert main(["info", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "analyses without the gyroscope" in out and "bridges" not in out, out
