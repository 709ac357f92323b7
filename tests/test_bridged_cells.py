"""A lone missing acceleration value keeps its row and is bridged over at most 25 ms (EDGE-197)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrogait.analysis.load import load_input
from retrogait.analysis.pipeline import analyze
from retrogait.bridge import BRIDGE_MAX_S, bridge_missing
from retrogait.session import read_session, write_session
from retrogait.simulate import SimulationConfig, parse_bouts, simulate

HEADER = "time (s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2),gyr_x (deg/s),gyr_y (deg/s),gyr_z (deg/s)"


def _csv(path: Path, placement: str, empty_share: float, run: int = 1, seed: int = 5) -> tuple[Path, int]:
    """A simulated recording as a logger's generic CSV, ``empty_share`` of its rows with ``run`` consecutive empty
    cells of one acceleration axis from there (seeded); returns the path and the rows written."""
    sim = simulate(SimulationConfig(placement, parse_bouts("forward:running:3.0:30"), sample_rate_hz=200.0, seed=4))
    s = sim.session
    assert s.gyr is not None
    table = np.column_stack([s.t_s, s.acc, s.gyr])
    text = table.astype(object)
    text[:] = [[f"{v:.9g}" for v in row] for row in table]
    rng = np.random.default_rng(seed)
    starts = rng.choice(np.arange(10, len(table) - 10, run + 2), size=int(empty_share * len(table)), replace=False)
    for first in starts:
        text[first : first + run, 1 + int(rng.integers(3))] = ""
    path.write_text("\n".join([HEADER, *(",".join(row) for row in text)]) + "\n")
    return path, len(table)


def _headline(path: Path, placement: str) -> tuple[int, float, pd.DataFrame, list[str]]:
    result = analyze(path, placement=placement)
    cadence = result.summary["all"]["cadence_spm"]["value"]
    return len(result.steps), float(cadence), result.steps, list(result.summary["notes"])


@pytest.mark.parametrize("placement", ["shank", "lower_back"])
def test_one_empty_cell_in_a_hundred_rows_costs_no_contact(tmp_path: Path, placement: str) -> None:
    clean, rows = _csv(tmp_path / "clean.csv", placement, 0.0)
    damaged, _ = _csv(tmp_path / "damaged.csv", placement, 0.01)
    session = load_input(damaged)
    assert session.n_samples == rows  # every row kept, its time and other values with it
    assert np.isnan(session.acc).any(axis=1).sum() == int(0.01 * rows)
    n0, cadence0, _, _ = _headline(clean, placement)
    n1, cadence1, steps, notes = _headline(damaged, placement)
    assert n1 == n0 and cadence1 == pytest.approx(cadence0, rel=0.005)
    bridged = steps["quality_flags"].str.contains("bridged").to_numpy()
    assert bridged.any()
    impact_bridged = steps["impact_flags"].str.contains("bridged").to_numpy()
    assert impact_bridged.any() and (impact_bridged <= bridged).all()
    assert steps.loc[impact_bridged, "impact_peak_g"].isna().all()
    assert steps.loc[impact_bridged, "impact_loading_rate_g_per_s"].isna().all()
    assert any("missing acceleration values bridged" in n for n in notes)
    assert not any("gaps in the timestamps" in n for n in notes)


def test_a_run_longer_than_the_bridge_stays_a_gap(tmp_path: Path) -> None:
    damaged, _ = _csv(tmp_path / "damaged.csv", "shank", 0.002, run=6)  # 6 samples at 200 Hz: 35 ms apart
    _, _, steps, notes = _headline(damaged, "shank")
    assert any("gaps in the timestamps" in n for n in notes)
    assert not any("bridged" in n for n in notes)
    assert steps["quality_flags"].str.contains("gap").any()


def test_bridge_is_linear_and_limited_in_time() -> None:
    t = np.arange(20) * 0.01  # 100 Hz
    acc = np.column_stack([np.arange(20.0), np.zeros(20), np.ones(20)])
    acc[5, 0] = np.nan  # one sample: 20 ms between its neighbours, bridged
    acc[10:13, 1] = np.nan  # three: 40 ms, left missing
    out, times, count = bridge_missing(t, acc)
    assert count == 1 and times.tolist() == [t[5]]
    assert out[5, 0] == pytest.approx(5.0)
    assert np.isnan(out[10:13, 1]).all()
    t200 = np.arange(40) / 200.0  # 200 Hz: four in a row lie 25 ms apart at their neighbours, five 30 ms
    acc200 = np.ones((40, 3))
    acc200[5:9, 0] = np.nan
    acc200[20:25, 1] = np.nan
    out, _, count = bridge_missing(t200, acc200)
    assert count == 4 and np.isfinite(out[5:9, 0]).all() and np.isnan(out[20:25, 1]).all()
    assert 4 / 200.0 < BRIDGE_MAX_S < 6 / 200.0


def test_session_file_keeps_an_empty_cell(tmp_path: Path) -> None:
    damaged, rows = _csv(tmp_path / "damaged.csv", "shank", 0.01)
    session = load_input(damaged)
    back = read_session(write_session(session, tmp_path / "session.csv"))
    assert back.n_samples == rows
    np.testing.assert_array_equal(np.isnan(back.acc), np.isnan(session.acc))


def test_info_median_leaves_an_empty_acceleration_cell_out(tmp_path: Path) -> None:
    """REVIEW-55: ``info``'s |acc| median of a file with an empty acceleration cell is read from the rows with
    all three values, not printed as ``nan``."""
    from retrogait.summary import session_overview

    clean, _ = _csv(tmp_path / "clean.csv", "shank", 0.0)
    damaged, _ = _csv(tmp_path / "damaged.csv", "shank", 0.01)
    median = session_overview(load_input(damaged)).median_acc_norm_ms2
    assert np.isfinite(median)
    assert median == pytest.approx(session_overview(load_input(clean)).median_acc_norm_ms2, rel=0.01)


def test_the_bridge_never_extrapolates_out_of_order_or_timeless_rows() -> None:
    """REVIEW-56: preprocess bridges before it sorts (an API Session's times may be out of order): a missing value
    whose time does not lie between its neighbours' (or is NaN) is not bridged (it stays a gap), never extrapolated."""
    acc = np.ones((5, 3))
    acc[:, 0] = [1.0, 2.0, np.nan, 3.0, 4.0]
    for t2 in (0.1, np.nan):
        t = np.array([0.0, 0.005, t2, 0.010, 0.015])
        out, times, count = bridge_missing(t, acc)
        assert count == 0 and times.size == 0 and np.isnan(out[2, 0])
    out, _, count = bridge_missing(np.array([0.0, 0.005, 0.0075, 0.010, 0.015]), acc)
    assert count == 1 and out[2, 0] == pytest.approx(2.5)


def _unflagged_steps(n: int, seed: int, metric: tuple[str, float, float]) -> pd.DataFrame:
    """``n`` forward then ``n`` backward steps with no flag: ``impact_peak_g`` ~ N(8, 1) g and ``metric``
    ``(column, mean, sd)`` drawn from one seeded generator (the metric first)."""
    rng = np.random.default_rng(seed)
    column, mean, sd = metric
    return pd.DataFrame(
        {
            "direction": ["forward"] * n + ["backward"] * n,
            "ic_time_s": np.arange(2 * n) * 0.7,
            column: rng.normal(mean, sd, 2 * n),
            "impact_peak_g": rng.normal(8.0, 1.0, 2 * n),
            "quality_flags": [""] * (2 * n),
            "impact_flags": [""] * (2 * n),
        }
    )


def test_compare_says_how_many_impact_values_bridged_cells_left_out() -> None:
    """REVIEW-57: compare's caveats say how many contacts per direction carry ``bridged`` in their impact flags and
    that their impact values (NaN) are left out of those metrics (their n is smaller)."""
    from retrogait.compare.core import compare_directions
    from retrogait.compare.sentences import caveats_for

    n = 40
    steps = _unflagged_steps(n, seed=3, metric=("cadence_spm", 170.0, 3.0))
    hit = np.r_[0:3, n : n + 5]
    steps.loc[hit, "quality_flags"] = "bridged"
    steps.loc[hit, "impact_flags"] = "bridged"
    steps.loc[hit, "impact_peak_g"] = np.nan
    said = [c for c in caveats_for(compare_directions(steps)) if "bridged" in c]
    assert len(said) == 1 and "3 forward, 5 backward" in said[0] and "left out" in said[0]
    clean = steps.assign(quality_flags="", impact_flags="")
    assert not any("bridged" in c for c in caveats_for(compare_directions(clean)))


def test_compares_flag_table_counts_bridged_steps_as_the_other_flags() -> None:
    """EDGE-204: the flag table (compare.json `quality_flags`, `Comparison.flag_counts`) had no `bridged` column and
    counted a step with a bridged sample clean; the metrics keep their steps as before (the flag spoils none: the
    analysis already left its impact values NaN, REVIEW-57)."""
    from retrogait.compare.core import compare_directions

    n = 40
    steps = _unflagged_steps(n, seed=4, metric=("step_time_s", 0.36, 0.01))
    steps.loc[[1, 2], "quality_flags"] = "bridged"
    steps.loc[[n + 4], "quality_flags"] = "gap;bridged"
    steps.loc[[n + 5, n + 6], "quality_flags"] = "clipped"
    comparison = compare_directions(steps)
    counts = comparison.flag_counts.set_index("direction")
    assert list(counts.columns)[:6] == ["steps", "clipped", "low_rate", "gap", "bridged", "no_gyro"]
    assert counts.loc["forward", ["bridged", "clean"]].tolist() == [2, n - 2]
    assert counts.loc["backward", ["bridged", "gap", "clipped", "clean"]].tolist() == [1, 1, 2, n - 3]
    unflagged = compare_directions(steps.assign(quality_flags=steps["quality_flags"].str.replace("bridged", "")))
    table, before = comparison.table.set_index("metric"), unflagged.table.set_index("metric")
    assert table[["n_forward", "n_backward"]].equals(before[["n_forward", "n_backward"]])


def _with_empty_rows(path: Path, rows: list[int], columns: range) -> Path:
    """A copy of the generic CSV ``path`` with the cells ``columns`` of the data rows ``rows`` emptied."""
    lines = path.read_text().splitlines()
    for row in rows:
        fields = lines[1 + row].split(",")
        for col in columns:
            fields[col] = ""
        lines[1 + row] = ",".join(fields)
    out = path.with_name(f"{path.stem}_{len(rows)}_{columns.start}_{columns.stop}.csv")
    out.write_text("\n".join(lines) + "\n")
    return out


def test_a_whole_acceleration_sample_missing_beside_its_gyroscope_is_one_missing_sample(tmp_path: Path) -> None:
    """EDGE-200: a row whose three acceleration values are all missing while its gyroscope measured is one lost
    sample at a known time: bridged over at most 25 ms on each axis as a lone cell is (same steps and cadence); a run
    of such rows longer than the bridge is a gap, said."""
    clean, rows = _csv(tmp_path / "clean.csv", "shank", 0.0)
    n0, cadence0, _, _ = _headline(clean, "shank")
    lone = list(range(40, rows - 40, 97))  # about 1 % of the rows, none next to another
    whole = _with_empty_rows(clean, lone, range(1, 4))
    session = load_input(whole)
    assert session.n_samples == rows and np.isnan(session.acc[lone]).all()
    assert session.gyr is not None and np.isfinite(session.gyr[lone]).all()
    n1, cadence1, steps, notes = _headline(whole, "shank")
    assert steps["quality_flags"].str.contains("bridged").any()
    assert n1 == n0 and cadence1 == pytest.approx(cadence0, rel=0.005)
    assert any(f"{3 * len(lone)} missing acceleration values bridged" in n for n in notes), notes
    assert not any("in the timestamps" in n for n in notes)
    run = _with_empty_rows(clean, list(range(1200, 1210)), range(1, 4))  # 10 rows at 200 Hz: 55 ms, over the bridge
    _, _, _, notes = _headline(run, "shank")
    assert any("1 gap in the timestamps" in n for n in notes) and not any("values bridged" in n for n in notes)


def test_a_row_with_only_its_time_on_the_sampling_clock_is_a_missed_sample(tmp_path: Path) -> None:
    """EDGE-213 (EDGE-200): a row holding its time and nothing else, one period from its neighbours, is a sample
    whose every value was lost: kept, bridged over at most 25 ms like any missing value (same steps and cadence as
    the undamaged file, and as the same rows in a session file); a row squeezed between two samples (a marker line,
    off the clock) is still dropped (``row_not_a_number``), said."""
    clean, rows = _csv(tmp_path / "clean.csv", "shank", 0.0)
    n0, cadence0, _, _ = _headline(clean, "shank")
    lone = list(range(40, rows - 40, 97))
    whole = _with_empty_rows(clean, lone, range(1, 7))
    session = load_input(whole)
    assert session.n_samples == rows and np.isnan(session.acc[lone]).all()
    assert "row_not_a_number" not in str(session.meta.extra.get("import_dropped_detail", ""))
    n1, cadence1, steps, notes = _headline(whole, "shank")
    assert n1 == n0 and cadence1 == pytest.approx(cadence0, rel=0.005)
    assert steps["quality_flags"].str.contains("bridged").any() and not steps["quality_flags"].str.contains("gap").any()
    assert any(f"{len(lone)} rows holding a time and no value" in n for n in notes), notes
    as_session = write_session(session, tmp_path / "whole_session.csv")
    assert _headline(as_session, "shank")[:2] == (n1, cadence1)  # the session file agrees
    lines = clean.read_text().splitlines()
    t0, t1 = float(lines[501].split(",")[0]), float(lines[502].split(",")[0])
    lines.insert(502, f"{t0 + 0.3 * (t1 - t0):.9g},,,,,,")  # between two samples, off the clock
    marker = tmp_path / "marker.csv"
    marker.write_text("\n".join(lines) + "\n")
    session = load_input(marker)
    assert session.n_samples == rows
    assert "row_not_a_number=1" in str(session.meta.extra.get("import_dropped_detail", "")).replace(": ", "=")


def test_another_streams_rows_between_a_jittered_clocks_samples_are_not_taken_for_missed_ones(tmp_path: Path) -> None:
    """REVIEW-91 (EDGE-213): on a phone clock stamped with jitter (sd 5 % of a period), a second stream's time-only
    rows lying between the samples are more than half the *median* period from both neighbours wherever that
    interval is longer than the median; they were kept as 'missed samples' (363 of 1899 rows, then bridged: 26 of
    27 steps lost their impact). A row is a missed sample only where the measured rows around it leave room for one
    (about two periods apart or more); the samples truly lost on the same clock are still kept."""
    rng = np.random.default_rng(2)
    n, period = 2000, 0.01
    t = np.sort(np.arange(n) * period + rng.normal(0.0, 0.05 * period, n))
    values = rng.normal(0.0, 1.0, (n, 3)) + [0.0, 0.0, 9.81]
    lost = np.zeros(n, dtype=bool)
    lost[rng.choice(np.arange(200, n - 10), 15, replace=False)] = True
    cells = [",,," if gone else "," + ",".join(f"{v:.6f}" for v in vv) for vv, gone in zip(values, lost, strict=True)]
    rows = [(tt, f"{tt:.6f}{c}") for tt, c in zip(t, cells, strict=True)]
    other = ((t[:-1] + t[1:]) / 2 + rng.normal(0.0, 0.05 * period, n - 1))[150:]  # after 150 clean rows
    other = other[~(lost[150:-1] | lost[151:])]  # beside measured rows only
    rows += [(tt, f"{tt:.6f},,,") for tt in other]
    rows.sort(key=lambda row: row[0])
    path = tmp_path / "interleaved.csv"
    path.write_text("\n".join(["time (s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2)", *(r for _, r in rows)]) + "\n")
    session = load_input(path)
    assert session.n_samples == n  # the measured rows and the lost samples, none of the other stream's
    assert int(np.isnan(session.acc).all(axis=1).sum()) == int(lost.sum())
    detail = str(session.meta.extra.get("import_dropped_detail", "")).replace(": ", "=")
    assert f"row_not_a_number={other.size}" in detail, detail


def test_a_table_whose_rows_alternate_with_time_only_rows_from_its_start_is_read_by_its_header(tmp_path: Path) -> None:
    """REVIEW-93 (EDGE-213): a generic CSV that interleaves another stream's time-only rows with its samples from the
    first row was refused as "holds no three acceleration columns that can be told by name (columns: 0.984825,
    column_1, ...)": the layout looked for 3 rows in a row each with 3 numbers or more, found them only past its
    200-line window, and took a data line for the header. A row whose cells are numbers or empty (a value lost) is
    no preamble: it is passed over when the data's start is looked for. The table is read by its header; the
    interleaved rows lie between samples, so they are dropped (row_not_a_number), none taken for a missed sample."""
    rng = np.random.default_rng(3)
    n, period = 1000, 0.01
    t = np.arange(n) * period + rng.normal(0.0, 0.05 * period, n)
    values = rng.normal(0.0, 1.0, (n, 3)) + [0.0, 0.0, 9.81]
    other = t[:-1] + 0.5 * period + rng.normal(0.0, 0.05 * period, n - 1)
    rows = [(tt, f"{tt:.6f}," + ",".join(f"{v:.6f}" for v in vv)) for tt, vv in zip(t, values, strict=True)]
    rows += [(tt, f"{tt:.6f},,,") for tt in other]
    rows.sort(key=lambda row: row[0])
    path = tmp_path / "interleaved_from_the_start.csv"
    path.write_text("\n".join(["time (s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2)", *(r for _, r in rows)]) + "\n")
    session = load_input(path)
    assert session.n_samples == n
    np.testing.assert_allclose(session.acc[:, 2], values[:, 2], atol=1e-6)
    detail = str(session.meta.extra.get("import_dropped_detail", "")).replace(": ", "=")
    assert f"row_not_a_number={n - 1}" in detail, detail
