"""A gyroscope logged in one table at a fraction of the rows' rate is a measured stream, not lost values (EDGE-217)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrogait.analysis.load import load_input
from retrogait.analysis.pipeline import analyze
from retrogait.gyro_subrate import found, resampled
from retrogait.simulate import SimulationConfig, parse_bouts, simulate

HEADER = "time (s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2),gyr_x (deg/s),gyr_y (deg/s),gyr_z (deg/s)"
BOUTS = "forward:running:3.0:15,backward:running:2.5:15"


def _table(path: Path, acc_hz: int, gyr_hz: int, lost: float = 0.0, placement: str = "shank") -> tuple[Path, str]:
    """A simulated run (seed 4) as one generic CSV table, a row per accelerometer sample at ``acc_hz``; a gyroscope at
    ``gyr_hz`` written into the row at or after each of its own sample times (its value at its own time), ``lost`` of
    its samples lost at random (seeded); the other rows' gyroscope cells empty. Returns the path and the anterior
    axis."""
    fine = int(np.lcm(acc_hz, gyr_hz))
    sim = simulate(SimulationConfig(placement, parse_bouts(BOUTS), sample_rate_hz=float(fine), seed=4))
    s = sim.session
    assert s.gyr is not None
    ka, kg = fine // acc_hz, fine // gyr_hz
    rows = np.arange(0, s.t_s.size, ka)
    gyr = np.full((rows.size, 3), np.nan)
    samples = np.arange(0, s.t_s.size, kg)
    samples = samples[np.random.default_rng(7).random(samples.size) >= lost]
    at = -(-samples // ka)  # the row at or after the sample's time
    ok = at < rows.size
    gyr[at[ok]] = s.gyr[samples[ok]]
    table = pd.DataFrame(np.column_stack([s.t_s[rows], s.acc[rows], gyr]))
    text = table.to_csv(index=False, header=False, float_format="%.7g", na_rep="")
    path.write_text(f"{HEADER}\n{text}")
    return path, str(s.meta.anterior_axis)


def _run(path: Path, axis: str) -> tuple[pd.DataFrame, list[str]]:
    result = analyze(path, placement="shank", side="left", anterior_axis=axis)
    return result.steps, [str(n) for n in result.summary["notes"]]


def _flagged(steps: pd.DataFrame, flag: str) -> int:
    return int(steps["quality_flags"].astype(str).str.split(";").apply(lambda f: flag in f).sum())


@pytest.mark.parametrize(("gyr_hz", "words"), [(100, "every 2nd row"), (50, "every 4th row")])
def test_a_gyroscope_on_every_kth_row_is_a_lower_rate_not_bridged_values(
    tmp_path: Path, gyr_hz: int, words: str
) -> None:
    """200 Hz rows, the gyroscope on every 2nd / 4th: the same steps and directions as the gyroscope on every row,
    no step flagged bridged (EDGE-212 flagged them all), the import and the analysis say the rates."""
    full, axis = _table(tmp_path / "full.csv", 200, 200)
    sub, _ = _table(tmp_path / "sub.csv", 200, gyr_hz)
    steps0, _ = _run(full, axis)
    steps, notes = _run(sub, axis)
    assert len(steps) == len(steps0)
    assert list(steps["direction"]) == list(steps0["direction"])
    assert _flagged(steps, "bridged") == 0 and _flagged(steps, "gap") == 0
    said = [n for n in notes if words in n]
    assert said and f"a gyroscope at {gyr_hz:g} Hz beside rows at 200 Hz" in said[0], notes
    assert not any("gyroscope values bridged" in n for n in notes), notes
    imported = load_input(sub).meta.extra["import_gyro_missing"]
    assert "steady pattern" in imported and f"{gyr_hz:g} Hz beside rows at 200 Hz" in imported, imported


def test_a_gyroscope_at_a_third_of_100_hz_is_used(tmp_path: Path) -> None:
    """100 Hz rows, the gyroscope on every 3rd: its cells 30 ms apart were gaps too long to bridge, so the shank was
    analysed without a gyroscope (every direction unknown); now the 33 Hz gyroscope is used."""
    path, axis = _table(tmp_path / "sub.csv", 100, 100)
    text = path.read_text().splitlines()
    for i in range(1, len(text)):
        if (i - 1) % 3:
            text[i] = ",".join(text[i].split(",")[:4] + ["", "", ""])
    path.write_text("\n".join(text) + "\n")
    steps, notes = _run(path, axis)
    assert not any("analysed without the gyroscope" in n for n in notes), notes
    assert any("every 3rd row, a gyroscope at 33.33 Hz beside rows at 100 Hz" in n for n in notes), notes
    assert (steps["direction"] != "unknown").mean() > 0.9


def test_a_non_integer_ratio_with_values_lost_on_top_flags_only_the_lost(tmp_path: Path) -> None:
    """200 Hz rows, a 150 Hz gyroscope (3 rows in 4) of which 1 % of the samples were lost: the pattern is a lower
    rate, each lost sample is bridged (EDGE-212) and flags its step only."""
    full, axis = _table(tmp_path / "full.csv", 200, 150)
    damaged, _ = _table(tmp_path / "lost.csv", 200, 150, lost=0.01)
    steps0, _ = _run(full, axis)
    steps, notes = _run(damaged, axis)
    assert _flagged(steps0, "bridged") == 0
    said = [n for n in notes if "75% of the rows in a steady pattern, a gyroscope at " in n]
    assert said and 149.0 < float(said[0].split("a gyroscope at ")[1].split(" Hz")[0]) < 151.0, notes
    assert any("gyroscope values bridged" in n for n in notes), notes
    assert 0 < _flagged(steps, "bridged") < 0.6 * len(steps)
    assert len(steps) == len(steps0) and list(steps["direction"]) == list(steps0["direction"])


def test_a_lost_sample_of_a_50_hz_gyroscope_is_bridged_not_a_gap(tmp_path: Path) -> None:
    """EDGE-218: 200 Hz rows, a 50 Hz gyroscope with 1 % of its samples lost: each lost one leaves 40 ms between its
    neighbours, over EDGE-212's 25 ms; as a gap it took its rows' acceleration and a contact with it (63a4863: 125 of
    126 steps, 19 flagged gap). Bridged across one of its own samples, flagged bridged, no step lost."""
    full, axis = _table(tmp_path / "full.csv", 200, 200)
    damaged, _ = _table(tmp_path / "lost.csv", 200, 50, lost=0.01)
    steps0, _ = _run(full, axis)
    steps, notes = _run(damaged, axis)
    assert len(steps) == len(steps0) and list(steps["direction"]) == list(steps0["direction"])
    assert _flagged(steps, "gap") == 0 and 0 < _flagged(steps, "bridged") < 0.5 * len(steps)
    assert any("bridged (linear in time over at most 47 ms" in n for n in notes), notes


def test_info_says_what_analyze_does_with_a_lower_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from retrogait.cli import main

    path, _ = _table(tmp_path / "sub.csv", 200, 100, lost=0.01)
    capsys.readouterr()
    assert main(["info", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "analyze interpolates" in out and "a gyroscope at 100 Hz beside rows at 200 Hz" in out, out
    assert "bridges" in out, out  # the lost samples


def _regular(n: int, rows_per_sample: float, lost: float, rng: np.random.Generator) -> np.ndarray:
    """Rows (n) missing a gyroscope value: one sample every ``rows_per_sample`` rows, ``lost`` of them lost."""
    rows = np.ceil(rng.random() * rows_per_sample + np.arange(int(n / rows_per_sample)) * rows_per_sample)
    rows = rows[rows < n].astype(int)
    missing = np.ones(n, dtype=bool)
    missing[rows[rng.random(rows.size) >= lost]] = False
    return missing


@pytest.mark.parametrize("ratio", [1.05, 4 / 3, 2.0, 2.5, 3.0, 4.0])
def test_a_steady_pattern_is_found_with_its_rate(ratio: float) -> None:
    rng = np.random.default_rng(3)
    t = np.arange(4000) / 200.0
    sub = found(t, _regular(4000, ratio, 0.0, rng))
    assert sub is not None and sub.rows_per_sample == pytest.approx(ratio, rel=0.01)
    assert sub.rate_hz == pytest.approx(200.0 / ratio, rel=0.01)
    lossy = found(t, _regular(4000, ratio, 0.01, rng))
    assert ratio < 1.1 or (lossy is not None and lossy.rows_per_sample == pytest.approx(ratio, rel=0.02))


@pytest.mark.parametrize("share", [0.01, 0.1, 0.25, 0.5, 0.6])
def test_holes_that_fall_anywhere_are_values_lost(share: float) -> None:
    rng = np.random.default_rng(11)
    t = np.arange(4000) / 200.0
    for _ in range(10):
        assert found(t, rng.random(4000) < share) is None


def test_the_resample_leaves_lost_samples_missing() -> None:
    """Every 2nd row, one sample lost: the rows between two samples a period apart are filled, the three around the
    lost one (20 ms between the samples beside) are not, nor is a time that is not increasing."""
    t = np.arange(200) / 200.0
    gyr = np.full((200, 3), np.nan)
    gyr[::2] = np.arange(100)[:, None] * np.array([1.0, 2.0, 3.0])
    gyr[100] = np.nan
    sub = found(t, np.isnan(gyr).any(axis=1))
    assert sub is not None and sub.rows_per_sample == 2.0
    out, filled = resampled(t, gyr, sub)
    assert np.isnan(out[99:102]).all() and not np.isnan(np.delete(out, [99, 100, 101], axis=0)).any()
    assert out[51, 0] == pytest.approx(25.5) and filled.sum() == 200 - 99 - 3
    assert found(t[::-1], np.isnan(gyr).any(axis=1)) is None


def test_a_lost_sample_off_the_pattern_is_not_filled_as_the_rate() -> None:
    """REVIEW-110: beside a gyroscope with a value on most rows (150 Hz in 200 Hz rows: every 4th row empty; a clock at
    98 %: every 50th), a sample lost between two measured rows left one empty row too, 2 rows between its neighbours,
    within the rate's span: it was interpolated as the rate, unflagged. Off the pattern's phase it is a value lost."""
    t = np.arange(4000) / 200.0
    for spacing, lost_rows in ((4, [401, 1205, 2809]), (50, [523, 1790, 3011])):
        gyr = np.tile(np.arange(4000.0)[:, None], (1, 3))
        gyr[3::spacing] = np.nan  # the pattern: the rate
        gyr[lost_rows] = np.nan  # lost samples, each between two measured rows, off the pattern
        sub = found(t, np.isnan(gyr).any(axis=1))
        assert sub is not None and sub.rows_per_sample == pytest.approx(spacing / (spacing - 1), rel=0.01)
        out, filled = resampled(t, gyr, sub)
        assert not filled[lost_rows].any() and np.isnan(out[lost_rows]).all(), spacing
        assert filled[3::spacing][1:-1].all()  # the pattern's own rows still are


@pytest.mark.parametrize(("burst", "every"), [(2, 16), (2, 50), (4, 25), (5, 50)])
def test_a_burst_lost_at_a_steady_period_is_not_a_rate(burst: int, every: int) -> None:
    """REVIEW-111: a BLE packet of ``burst`` gyroscope samples lost every ``every`` rows (the gyroscope on every other
    row) passed the pattern's test and was named a gyroscope at 150-192 Hz, though none of its rows could be
    interpolated as one (each run of empty rows spans more than its period): values lost, as before EDGE-217."""
    t = np.arange(6000) / 200.0
    missing = np.zeros(6000, dtype=bool)
    for k in range(burst):
        missing[10 + k :: every] = True
    assert found(t, missing) is None


def test_a_gyroscope_at_a_lower_rate_that_stops_for_a_long_stretch_is_still_a_rate() -> None:
    """REVIEW-111's test counts runs of empty rows, not rows: a 100 Hz gyroscope on every 2nd row of 200 Hz rows that
    stops for longer than it ran is still a rate (the stretch is one run, left to GYRO-1)."""
    t = np.arange(12000) / 200.0
    missing = np.zeros(12000, dtype=bool)
    missing[1::2] = True
    missing[3000:9000] = True
    sub = found(t, missing)
    assert sub is not None and sub.rows_per_sample == pytest.approx(2.0)
