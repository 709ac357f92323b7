"""A gyroscope the analysis goes without (a value at under half its rows once filled and bridged) is not promised a
bridge, a flag or a fill by the import's note (EDGE-242)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrogait.analysis.load import load_input
from retrogait.analysis.pipeline import analyze
from retrogait.simulate import SimulationConfig, parse_bouts, simulate

BOUTS = "forward:running:3.0:15,backward:running:2.5:15"
HEADER = "time (s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2),gyr_x (deg/s),gyr_y (deg/s),gyr_z (deg/s)"
GOES_WITHOUT = "under 50 %: the analysis goes without the gyroscope, as a sensor without one"
#: The analysis' note where it drops the gyroscope whole; a stretch of 2 s without one says "... samples) analysed
#: without the gyroscope, as a sensor without one" too (REVIEW-188).
DROPPED = " %): analysed without the gyroscope, as a sensor without one"


def _sim(hz: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    s = simulate(SimulationConfig("shank", parse_bouts(BOUTS), sample_rate_hz=hz, seed=4)).session
    assert s.gyr is not None
    return s.t_s, s.acc, s.gyr, str(s.meta.anterior_axis)


def _phyphox(path: Path, burst: int, every: int, stop_s: float) -> tuple[Path, str]:
    """A phyphox folder of the simulated run (200 Hz acceleration) whose 100 Hz gyroscope loses ``burst`` samples
    every ``every`` and stops at ``stop_s`` (s) of 30."""
    t, acc, gyr, axis = _sim(200.0)
    path.mkdir(parents=True)
    head = '"Time (s)","X ({0})","Y ({0})","Z ({0})"'
    np.savetxt(path / "Accelerometer.csv", np.column_stack([t, acc]), delimiter=",", header=head.format("m/s^2"),
               comments="", fmt="%.7g")  # fmt: skip
    at = np.arange(0, t.size, 2)
    kept = ((np.arange(at.size) % every) >= burst) & (t[at] < stop_s)
    rows = np.column_stack([t[at][kept] + 0.0013, np.radians(gyr[at][kept])])
    np.savetxt(path / "Gyroscope.csv", rows, delimiter=",", header=head.format("rad/s"), comments="", fmt="%.7g")
    return path, axis


def _table(path: Path, every: int, stop_s: float) -> tuple[Path, str]:
    """The simulated run as one 200 Hz table whose gyroscope cells are filled on every ``every``-th row up to
    ``stop_s`` (s), empty elsewhere."""
    t, acc, gyr, axis = _sim(200.0)
    cells = np.full_like(gyr, np.nan)
    on = (np.arange(t.size) % every == 0) & (t < stop_s)
    cells[on] = gyr[on]
    text = pd.DataFrame(np.column_stack([t, acc, cells])).to_csv(index=False, header=False, float_format="%.7g")
    path.write_text(f"{HEADER}\n{text}")
    return path, axis


def _said(path: Path, axis: str) -> tuple[str, str, int]:
    """The import's notes (the header's import_notes and import_gyro_missing), the analysis' notes, its steps
    flagged bridged."""
    extra = load_input(path).meta.extra
    imported = f"{extra.get('import_notes', '')} | {extra.get('import_gyro_missing', '')}"
    result = analyze(path, placement="shank", side="left", anterior_axis=axis)
    bridged = int(result.steps["quality_flags"].astype(str).str.contains("bridged").sum())
    return imported, " | ".join(str(n) for n in result.summary["notes"]), bridged


def test_a_separate_gyroscope_stopping_early_is_promised_no_flag_or_bridge(tmp_path: Path) -> None:
    """A 100 Hz gyroscope file that stops at 12 s of 30: its lost samples (1 every 10: rows interpolated across them;
    2 every 16: short losses) were promised "flags the steps over them bridged" and "bridges those", while the
    analysis went without the gyroscope (EDGE-242). The import's note now says the analysis goes without it, naming
    the file, and the analysis does so and flags nothing."""
    for name, burst, every in (("single", 1, 10), ("short", 2, 16)):
        folder, axis = _phyphox(tmp_path / name, burst, every, 12.0)
        imported, told, bridged = _said(folder, axis)
        assert "flags the steps over them bridged" not in imported, imported
        assert "the analysis bridges" not in imported, imported
        assert "Gyroscope.csv gives a gyroscope value at 40 % of the accelerometer rows" in imported, imported
        assert GOES_WITHOUT in imported, imported
        assert DROPPED in told, told
        assert bridged == 0


def test_a_separate_gyroscope_covering_most_rows_keeps_its_promise(tmp_path: Path) -> None:
    """The same losses in a gyroscope file that stops at 24 s of 30 (80 % of the rows): the note promises the flag,
    and the analysis keeps it (the rule of EDGE-242 reads the analysis' coverage, not any early stop)."""
    folder, axis = _phyphox(tmp_path / "late", 1, 10, 24.0)
    imported, told, bridged = _said(folder, axis)
    assert "flags the steps over them bridged" in imported and GOES_WITHOUT not in imported, imported
    assert "interpolated by the import across a lost sample" in told and bridged > 0, told


@pytest.mark.parametrize(
    ("name", "every", "old_promise"),
    [
        # a gyroscope filling every 2nd row (100 Hz beside 200 Hz rows): its note said "the analysis interpolates it
        # linearly in time onto the rows between its own samples" while the analysis went without it
        ("sub.csv", 2, "the analysis interpolates it"),
        # a gyroscope filling every row: its note hedged ("bridges a lone one ... or analyses ... as from a sensor
        # without one, and its note says which"); it now says which
        ("full.csv", 1, "the analysis bridges a lone one"),
    ],
)
def test_a_table_s_gyroscope_that_stops_early_is_told_it_is_gone_without(
    tmp_path: Path, name: str, every: int, old_promise: str
) -> None:
    """A table whose gyroscope stops at 12 s of 30 (40 % of the rows) is promised no fill or bridge: its note names
    the file and says the analysis goes without it, as the analysis then says (EDGE-242)."""
    path, axis = _table(tmp_path / name, every, 12.0)
    imported, told, _ = _said(path, axis)
    assert old_promise not in imported, imported
    assert f"{name} gives a gyroscope value at 40 % of the rows" in imported and GOES_WITHOUT in imported, imported
    assert DROPPED in told, told


def test_an_older_session_whose_gyroscope_is_gone_without_is_promised_no_bridge(tmp_path: Path) -> None:
    """REVIEW-187 (EDGE-242's "seen, not changed"): a session converted before the losses were kept (no
    import_gyro_period_s, no gyr_lost_span_s: EDGE-240) whose separate gyroscope stops at 12 s of 30 was told "only
    rows within 25 ms of measured values are bridged" beside "analysed without the gyroscope" (analysis and `info`);
    the note now says the analysis goes without it, and still that converting again would tell the losses."""
    from retrogait.cli.info import _separate_gyro_lines
    from retrogait.session import read_session, write_session

    folder, axis = _phyphox(tmp_path / "early", 1, 10, 12.0)
    session = load_input(folder)
    session.meta.extra.pop("import_gyro_period_s")
    session.extra.pop("gyr_lost_span_s", None)
    old = write_session(session, tmp_path / "old.csv")
    result = analyze(old, placement="shank", side="left", anterior_axis=axis)
    notes = [str(n) for n in result.summary["notes"]]
    older = [n for n in notes if "converted before retrogait kept" in n]
    assert len(older) == 1 and DROPPED in " | ".join(notes), notes
    assert "are bridged" not in older[0] and "the analysis goes without the gyroscope" in older[0], older[0]
    assert "`retrogait convert` of the export again would tell them" in older[0]
    assert _separate_gyro_lines(read_session(old)) == older
    late, axis = _phyphox(tmp_path / "late", 1, 10, 24.0)  # most rows covered: the promise kept
    session = load_input(late)
    session.meta.extra.pop("import_gyro_period_s")
    session.extra.pop("gyr_lost_span_s", None)
    kept = analyze(write_session(session, tmp_path / "late.csv"), placement="shank", side="left", anterior_axis=axis)
    assert any("only rows within 25 ms of measured values are bridged" in str(n) for n in kept.summary["notes"])


def test_the_import_and_the_analysis_agree_at_exactly_half_the_rows(tmp_path: Path) -> None:
    """REVIEW-188: the coverage rule's boundary (`MIN_GYRO_COVERAGE`, a value at half the rows or more: used) was
    tested by nothing; `>=` turned to `>` in `session.covers_enough`, or the analysis' own rule moved by one row,
    passed every test. A table whose gyroscope has a value on exactly half its rows: the import promises what the
    analysis does (uses it); one row fewer: both go without it."""
    t, acc, gyr, axis = _sim(200.0)
    n = t.size - t.size % 2
    for name, kept in (("half.csv", n // 2), ("under.csv", n // 2 - 1)):
        cells = np.full((n, 3), np.nan)
        cells[:kept] = gyr[:kept]
        text = pd.DataFrame(np.column_stack([t[:n], acc[:n], cells])).to_csv(
            index=False, header=False, float_format="%.7g"
        )
        path = tmp_path / name
        path.write_text(f"{HEADER}\n{text}")
        imported, told, _ = _said(path, axis)
        gone = DROPPED in told
        assert gone == (name == "under.csv"), told
        assert (GOES_WITHOUT in imported) == gone, imported
