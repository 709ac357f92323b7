"""The acceleration logged in one table at a fraction of the rows' rate: analysed on its own clock (EDGE-222)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrogait.acc_subrate import own_rows
from retrogait.analysis.load import load_input
from retrogait.analysis.pipeline import analyze
from retrogait.simulate import SimulationConfig, parse_bouts, simulate

HEADER = "time (s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2),gyr_x (deg/s),gyr_y (deg/s),gyr_z (deg/s)"
BOUTS = "forward:running:3.0:15,backward:running:2.5:15"


def _table(path: Path, rows_hz: int, acc_hz: int, lost: float = 0.0, fine: int | None = None) -> tuple[Path, str]:
    """A simulated shank run (seed 4, simulated at ``fine`` Hz, else the least common multiple of the rates) as one
    generic CSV table, a row per gyroscope sample at ``rows_hz``; the acceleration
    at ``acc_hz`` written into the row at or after each of its own sample times (its value at its own time),
    ``lost`` of its samples lost at random (seeded); the other rows' acceleration cells empty. Returns the path and
    the anterior axis."""
    fine = fine or int(np.lcm(rows_hz, acc_hz))
    sim = simulate(SimulationConfig("shank", parse_bouts(BOUTS), sample_rate_hz=float(fine), seed=4))
    s = sim.session
    assert s.gyr is not None
    kr = fine // rows_hz
    rows = np.arange(0, s.t_s.size, kr)
    cells = np.full((rows.size, 6), np.nan)
    rng = np.random.default_rng(7)
    for first, hz, values, lose in ((0, acc_hz, s.acc, lost), (3, rows_hz, s.gyr, 0.0)):
        samples = np.arange(0, s.t_s.size, fine // hz)
        samples = samples[rng.random(samples.size) >= lose]
        at = -(-samples // kr)  # the row at or after the sample's time
        ok = at < rows.size
        cells[at[ok], first : first + 3] = values[samples[ok]]
    table = pd.DataFrame(np.column_stack([s.t_s[rows], cells]))
    text = table.to_csv(index=False, header=False, float_format="%.7g", na_rep="")
    path.write_text(f"{HEADER}\n{text}")
    return path, str(s.meta.anterior_axis)


def _run(path: Path, axis: str) -> tuple[pd.DataFrame, list[str]]:
    result = analyze(path, placement="shank", side="left", anterior_axis=axis)
    return result.steps, [str(n) for n in result.summary["notes"]]


def _flagged(steps: pd.DataFrame, flag: str) -> int:
    return int(steps["quality_flags"].astype(str).str.split(";").apply(lambda f: flag in f).sum())


@pytest.mark.parametrize(
    ("rows_hz", "acc_hz", "words"),
    [(400, 200, "every 2nd row"), (200, 100, "every 2nd row"), (500, 200, "40% of the rows in a steady pattern")],
)
def test_an_accelerometer_at_a_lower_rate_is_analysed_on_its_own_rows(
    tmp_path: Path, rows_hz: int, acc_hz: int, words: str
) -> None:
    """A gyroscope on every row beside an accelerometer on every 2nd (400/200 Hz, 200/100 Hz) or on 2 rows in 5
    (500/200 Hz): every empty acceleration cell was bridged, every step flagged bridged and every impact NaN
    (EDGE-197). On the acceleration's own rows the steps, directions and impacts are those of the same run logged
    at the accelerometer's rate, none flagged, and the import and the analysis name both rates."""
    own, axis = _table(tmp_path / "own.csv", acc_hz, acc_hz, fine=int(np.lcm(rows_hz, acc_hz)))
    sparse, _ = _table(tmp_path / "sparse.csv", rows_hz, acc_hz)
    steps0, _ = _run(own, axis)
    steps, notes = _run(sparse, axis)
    assert len(steps) == len(steps0)
    assert list(steps["direction"]) == list(steps0["direction"])
    assert _flagged(steps, "bridged") == 0 and _flagged(steps, "gap") == 0
    impact, impact0 = steps["impact_peak_g"].to_numpy(), steps0["impact_peak_g"].to_numpy()
    finite = np.isfinite(impact)
    assert np.array_equal(finite, np.isfinite(impact0)) and finite.sum() >= len(steps) - 1  # the last: the end
    assert np.allclose(impact[finite], impact0[finite], rtol=1e-6), np.max(np.abs(impact / impact0 - 1.0))
    said = [n for n in notes if f"an accelerometer at {acc_hz:g} Hz beside rows at {rows_hz:g} Hz" in n]
    assert said and words in said[0], notes
    assert not any("acceleration values bridged" in n for n in notes), notes
    imported = load_input(sparse).meta.extra["import_notes"]
    assert f"an accelerometer at {acc_hz:g} Hz beside rows at {rows_hz:g} Hz" in imported, imported


def test_acceleration_lost_off_its_pattern_stays_lost(tmp_path: Path) -> None:
    """400 Hz rows, a 200 Hz accelerometer of which 1 % of the samples were lost: each lost one is bridged (10 ms
    between its neighbours), flagged bridged with its impact NaN, as the same lost samples' empty cells in a table at
    200 Hz are (EDGE-197); the other steps keep impacts read from measured acceleration."""
    own, axis = _table(tmp_path / "own.csv", 200, 200, lost=0.01, fine=400)
    sparse, _ = _table(tmp_path / "sparse.csv", 400, 200, lost=0.01)
    steps0, _ = _run(own, axis)
    steps, notes = _run(sparse, axis)
    assert len(steps) == len(steps0) and list(steps["direction"]) == list(steps0["direction"])
    assert 0 < _flagged(steps, "bridged") < 0.6 * len(steps) and _flagged(steps, "gap") == 0
    finite = np.isfinite(steps["impact_peak_g"].to_numpy())
    assert 0.3 * len(steps) < finite.sum() < len(steps)
    assert any("acceleration values bridged" in n for n in notes), notes


def test_own_rows_keeps_one_row_per_lost_sample() -> None:
    """Every 2nd row measured, one sample lost (row 100): the rows between the samples are the rate's and left out,
    the lost sample keeps the row at its place (to be bridged), an empty row before the first value within half the
    accelerometer's period is the rate's too."""
    t = np.arange(400) / 400.0
    missing = np.ones(400, dtype=bool)
    missing[1::2] = False
    missing[101] = True  # the sample of row 101 lost
    sub, keep = own_rows(t, missing)
    assert sub is not None and sub.rows_per_sample == pytest.approx(2.0)
    expected = ~missing
    expected[101] = True
    assert np.array_equal(keep, expected)


def test_own_rows_at_a_non_integer_ratio_keeps_a_row_per_lost_sample() -> None:
    """2 rows in 5 measured, samples lost singly and two in a row: one row kept for each, none for the rate's."""
    t = np.arange(5000) / 500.0
    rows = np.ceil(np.arange(2000) * 2.5).astype(int)
    missing = np.ones(5000, dtype=bool)
    missing[rows] = False
    lost = rows[[300, 900, 901]]
    missing[lost] = True
    sub, keep = own_rows(t, missing)
    assert sub is not None and sub.rows_per_sample == pytest.approx(2.5, rel=0.01)
    assert keep.sum() == 2000 and keep[lost].all()


def test_holes_at_random_keep_every_row() -> None:
    rng = np.random.default_rng(5)
    t = np.arange(4000) / 200.0
    sub, keep = own_rows(t, rng.random(4000) < 0.01)
    assert sub is None and keep.all()


def test_info_says_the_acceleration_is_read_on_its_own_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from retrogait.cli import main

    path, _ = _table(tmp_path / "sparse.csv", 400, 200, lost=0.01)
    capsys.readouterr()
    assert main(["info", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "an accelerometer at 200 Hz beside rows at 400 Hz" in out, out
    assert "analyze runs on its 5937 rows and leaves out the 6000 between them" in out, out
    assert "of 63 samples lost off the pattern it bridges 63" in out and "cells empty" not in out, out


@pytest.mark.parametrize("every", [50, 97])
def test_a_single_sample_lost_at_a_steady_period_is_not_an_accelerometer_rate(every: int) -> None:
    """Every 50th / 97th row without acceleration leaves the cells of a clock at 98-99 % of the rows' (REVIEW-110);
    read as the accelerometer's rate its rows would be dropped and the recording analysed at 99 % of its rate: no
    ratio of two set rates, so values lost (bridged, EDGE-197/213)."""
    t = np.arange(6000) / 200.0
    missing = np.zeros(6000, dtype=bool)
    missing[40::every] = True
    sub, keep = own_rows(t, missing)
    assert sub is None and keep.all()


def test_rows_before_the_accelerometer_starts_are_no_samples_lost(tmp_path: Path) -> None:
    """REVIEW-127: the gyroscope's rows start 0.5 s (200 rows at 400 Hz) before the 200 Hz accelerometer's first
    value, as where one sensor starts later. Those rows kept one each, and the import note said "200 samples lost off
    that pattern": twice what a 200 Hz accelerometer holds in 0.5 s, and none was lost (it had not started). They are
    left out as the rows between are; nothing is said lost, and the analysis is the one of the table without them."""
    path, axis = _table(tmp_path / "t.csv", 400, 200)
    table = pd.read_csv(path)
    table.iloc[:200, 1:4] = np.nan
    table.to_csv(path, index=False)
    sub, keep = own_rows(table.iloc[:, 0].to_numpy(), table.iloc[:, 1:4].isna().any(axis=1).to_numpy())
    assert sub is not None and not keep[:200].any()
    notes = load_input(path).meta.extra["import_notes"]
    assert "lost off that pattern" not in notes, notes
    cut = tmp_path / "cut.csv"
    table.iloc[200:].to_csv(cut, index=False)
    steps, _ = _run(path, axis)
    reference, _ = _run(cut, axis)
    assert np.allclose(steps["ic_time_s"].to_numpy() - 0.5, reference["ic_time_s"].to_numpy(), atol=1e-9)
    assert np.array_equal(steps["impact_peak_g"].to_numpy(), reference["impact_peak_g"].to_numpy(), equal_nan=True)


@pytest.mark.parametrize(("every", "rate"), [(8, True), (9, True), (10, False), (11, False)])
def test_the_closest_set_rate_to_one_is_9_over_8(every: int, rate: bool) -> None:
    """REVIEW-128: RATIO_MAX_DENOMINATOR's comment said a single sample lost at a steady period of 9 rows or more is
    not read as a rate; every 9th (9/8) and every 8th (8/7) are, from every 10th on they are not."""
    from retrogait.acc_subrate import sets_a_rate

    assert sets_a_rate(every / (every - 1)) is rate
