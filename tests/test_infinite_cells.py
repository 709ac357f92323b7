"""An infinite acceleration or gyroscope value is no measurement: it is a missing value, not a lost file (EDGE-198)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrogait.analysis.load import load_input
from retrogait.analysis.pipeline import analyze
from retrogait.errors import InputFileError
from retrogait.session import read_session, write_session
from retrogait.simulate import SimulationConfig, parse_bouts, simulate

HEADER = "time (s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2),gyr_x (deg/s),gyr_y (deg/s),gyr_z (deg/s)"


def _table() -> np.ndarray:
    sim = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:20"), sample_rate_hz=200.0, seed=4))
    s = sim.session
    assert s.gyr is not None
    return np.column_stack([s.t_s, s.acc, s.gyr])


def _generic(path: Path, cells: dict[tuple[int, int], str]) -> tuple[Path, int]:
    """The simulated shank as a logger's generic CSV with ``cells`` ((row, column): text) written as given."""
    table = _table()
    text = [[f"{v:.9g}" for v in row] for row in table]
    for (row, col), value in cells.items():
        text[row][col] = value
    path.write_text("\n".join([HEADER, *(",".join(row) for row in text)]) + "\n")
    return path, len(table)


@pytest.mark.parametrize("token", ["inf", "-inf", "Infinity"])
def test_an_infinite_acceleration_cell_keeps_its_row_and_is_bridged(tmp_path: Path, token: str) -> None:
    path, rows = _generic(tmp_path / "rec.csv", {(500, 2): token, (1500, 3): token})
    session = load_input(path)
    assert session.n_samples == rows  # nothing recorded lost: the rows keep their time and other values
    assert np.isnan(session.acc[[500, 1500], [1, 2]]).all() and not np.isinf(session.acc).any()
    result = analyze(path, placement="shank")
    notes = list(result.summary["notes"])
    assert any("2 of them infinite" in n for n in notes), notes
    assert any("2 missing acceleration values bridged" in n for n in notes), notes
    assert not any("dropped on import" in n or "gaps in the timestamps" in n for n in notes), notes


def test_an_infinite_gyroscope_cell_leaves_that_row_without_gyroscope(tmp_path: Path) -> None:
    path, rows = _generic(tmp_path / "rec.csv", {(700, 5): "inf"})
    session = load_input(path)
    assert session.n_samples == rows and session.gyr is not None
    assert np.isnan(session.gyr[700]).all() and np.isfinite(session.acc[700]).all()


def test_a_run_of_infinite_cells_longer_than_the_bridge_is_a_gap(tmp_path: Path) -> None:
    path, rows = _generic(tmp_path / "rec.csv", {(r, 1): "inf" for r in range(900, 910)})  # 10 at 200 Hz: 50 ms
    assert load_input(path).n_samples == rows
    notes = list(analyze(path, placement="shank").summary["notes"])
    assert any("in the timestamps" in n for n in notes) and not any("values bridged" in n for n in notes)


def _session_file(tmp_path: Path, cells: dict[tuple[int, str], str]) -> Path:
    """The simulated shank written as a session file with ``cells`` ((row, column name): text) replaced."""
    table = _table()
    sim = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:20"), sample_rate_hz=200.0, seed=4))
    path = write_session(sim.session, tmp_path / "s.csv")
    lines = path.read_text().splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("t_s"))
    names = lines[head].split(",")
    for (row, name), value in cells.items():
        fields = lines[head + 1 + row].split(",")
        fields[names.index(name)] = value
        lines[head + 1 + row] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")
    assert len(lines) - head - 1 == len(table)
    return path


def test_a_session_file_with_infinite_values_is_read_with_them_missing(tmp_path: Path) -> None:
    """The audit: one ``inf`` in acc_y refused the whole session file ("column acc_y is empty or not finite")."""
    path = _session_file(tmp_path, {(500, "acc_y"): "inf", (900, "gyr_x"): "-Infinity"})
    session = read_session(path)
    assert np.isnan(session.acc[500, 1]) and np.isfinite(session.acc[500, [0, 2]]).all()
    assert session.gyr is not None and np.isnan(session.gyr[900]).all()
    notes = list(analyze(path).summary["notes"])
    assert any("1 acceleration value" in n and "1 gyroscope" in n and "infinite" in n for n in notes), notes
    assert any("1 missing acceleration values bridged" in n for n in notes), notes


def test_an_infinite_time_is_refused_naming_it(tmp_path: Path) -> None:
    path = _session_file(tmp_path, {(40, "t_s"): "inf"})
    with pytest.raises(InputFileError) as info:
        read_session(path)
    assert "column t_s is infinite" in str(info.value)


def test_info_counts_the_missing_cells_of_each_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """EDGE-199: ``info`` says per acceleration column how many cells are empty or not finite, and how many of them
    the analysis bridges (a lone one within 25 ms) or leaves out as gaps; nothing for a column without one."""
    from retrogait.cli import main

    cells = {(300, 2): "", (600, 2): "inf", (900, 2): "NaN"}
    cells |= {(r, 3): "" for r in range(1200, 1210)}  # 10 in a row at 200 Hz: 55 ms, over the bridge
    path, _ = _generic(tmp_path / "rec.csv", cells)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    text = " ".join(out.split())  # the console wraps long lines
    assert "acc_y: 3 cells empty or not finite: analyze bridges 3 (within 25 ms), leaves 0 out as gaps" in text, out
    assert "acc_z: 10 cells empty or not finite: analyze bridges 0 (within 25 ms), leaves 10 out as gaps" in text, out
    assert "acc_x:" not in text
    clean, _ = _generic(tmp_path / "clean.csv", {})
    assert main(["info", str(clean)]) == 0
    assert "empty or not finite" not in capsys.readouterr().out


def test_the_note_counts_only_the_infinite_cells_of_the_rows_it_keeps(tmp_path: Path) -> None:
    """An infinite cell in a row dropped for its empty time is not one of the missing values the note counts
    (REVIEW-74): one empty cell kept, one infinite cell dropped with its row, is not '1 of them infinite'."""
    path, rows = _generic(tmp_path / "rec.csv", {(500, 0): "", (500, 2): "inf", (800, 1): ""})
    session = load_input(path)
    assert session.n_samples == rows - 1
    notes = str(session.meta.extra.get("import_notes"))
    assert "1 acceleration values missing (empty or NaN cells) in 1 rows" in notes, notes
    assert "of them infinite" not in notes, notes


def test_a_clean_table_pays_no_pass_for_infinite_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The look for infinite values runs only where the finiteness pass the readers already make found a value not
    finite (REVIEW-75): a clean file loads as fast as before EDGE-198."""
    import retrogait.imports.common as common
    import retrogait.session as session_module

    def never(*args: object) -> None:
        raise AssertionError("a look for infinite values on a clean table")

    monkeypatch.setattr(common, "_infinite_as_missing", never)
    monkeypatch.setattr(session_module, "_infinite_read_as_missing", never)
    path, rows = _generic(tmp_path / "rec.csv", {})
    assert load_input(path).n_samples == rows
    assert read_session(_session_file(tmp_path, {})).n_samples > 0


@pytest.mark.parametrize("array", ["ArrayAcc", "ArrayGyro"])
@pytest.mark.parametrize(
    ("value", "said"),
    [
        (float("inf"), "1 of them infinite"),
        (None, "1 acceleration values missing"),
        (float("nan"), "1 acceleration values missing"),
    ],
    ids=["inf", "null", "NaN"],
)
def test_a_missing_or_infinite_movesense_value_costs_no_packet(
    tmp_path: Path, array: str, value: float | None, said: str
) -> None:
    """A Movesense log's infinite (REVIEW-76), ``null`` or ``NaN`` (EDGE-207) value is a missing value like any
    reader's (EDGE-198): it dropped its whole packet (8 samples at 104 Hz, ``bad_packet_samples``); now only that
    value is missing, counted in the note (acceleration) or leaving that sample without gyroscope (EDGE-50)."""
    import json

    from import_samples import movesense_json
    from retrogait.imports import load_recording

    clean = movesense_json(tmp_path / "clean.json")
    rows = load_recording(clean).session.n_samples
    document = json.loads(clean.read_text())
    document["Meas"]["IMU6"][20][array][3]["y"] = value  # json writes Infinity, null or NaN
    path = tmp_path / "MovesenseLog.json"
    path.write_text(json.dumps(document))
    session = load_recording(path).session
    assert session.n_samples == rows and "bad_packet" not in str(session.meta.extra.get("import_dropped_detail"))
    row = 20 * 8 + 3
    assert session.gyr is not None
    if array == "ArrayAcc":
        assert np.isnan(session.acc[row, 1]) and np.isfinite(session.gyr[row]).all()
        assert said in str(session.meta.extra.get("import_notes"))
    else:
        assert np.isnan(session.gyr[row]).all() and np.isfinite(session.acc[row]).all()
    assert np.isfinite(np.delete(session.acc, row, axis=0)).all()
    assert np.isfinite(np.delete(session.gyr, row, axis=0)).all()


@pytest.mark.parametrize("gyro", ["inf", ""], ids=["gyro_inf", "gyro_empty"])
def test_a_row_of_infinite_values_is_dropped_saying_they_were_infinite(tmp_path: Path, gyro: str) -> None:
    """A row whose values are all infinite (or infinite and empty) has no measurement left. Off the sampling clock
    (0.3 periods after a sample) it is dropped, as a row of empty cells is, and the note says they were infinite
    (EDGE-208: it said only ``row_not_a_number=1``); on the clock it is a sample whose values were all lost, kept as
    missing and bridged, and its note says they were infinite (EDGE-213)."""
    infinite = 6 if gyro == "inf" else 3
    cells = {**{(700, c): "-inf" for c in (1, 2, 3)}, **{(700, c): gyro for c in (4, 5, 6)}}
    t = _table()[:, 0]
    off = {**cells, (700, 0): f"{t[699] + 0.3 * (t[700] - t[699]):.9g}"}
    path, rows = _generic(tmp_path / "off.csv", off)
    session = load_input(path)
    assert session.n_samples == rows - 1
    assert "row_not_a_number=1" in str(session.meta.extra.get("import_dropped_detail"))
    notes = list(analyze(path, placement="shank").summary["notes"])
    assert any(f"1 of the rows dropped with no number (row_not_a_number) held {infinite} infinite" in n for n in notes)
    on, _ = _generic(tmp_path / "on.csv", cells)
    session = load_input(on)
    assert session.n_samples == rows and np.isnan(session.acc[700]).all()
    notes = list(analyze(on, placement="shank").summary["notes"])
    assert any(f"1 row holding a time and no value ({infinite} infinite values" in n for n in notes), notes
    assert any("3 missing gyroscope values bridged" in n for n in notes), notes
    assert any("3 missing acceleration values bridged" in n for n in notes), notes
    empty, _ = _generic(tmp_path / "empty.csv", {(700, c): "" for c in range(1, 7)})  # no word of infinite there
    assert not any("infinite" in n for n in analyze(empty, placement="shank").summary["notes"])


@pytest.mark.parametrize("token", ["", "NaN", "inf"])
def test_a_missing_gyroscope_cell_of_a_table_is_noted_with_what_analyze_does(tmp_path: Path, token: str) -> None:
    """A table's empty, NaN or infinite gyroscope cell (EDGE-209): the import's note counts the rows and says what
    becomes of them, as the acceleration's does (EDGE-197); it said only that the gyroscope "has no sample" there,
    the words of a separate stream, with nothing of the cell or of the analysis."""
    from import_samples import physics_toolbox
    from retrogait.imports import load_recording

    generic, rows = _generic(tmp_path / "rec.csv", {(700, 5): token, (701, 4): token})
    toolbox = physics_toolbox(tmp_path / "toolbox.csv")
    lines = toolbox.read_text().splitlines()
    head = next(i for i, line in enumerate(lines) if line[:1].isdigit() or line[:1] == "-")
    cells = lines[head + 40].split(",")
    cells[-1] = token
    lines[head + 40] = ",".join(cells)
    toolbox.write_text("\n".join(lines) + "\n")
    toolbox_rows = load_recording(physics_toolbox(tmp_path / "clean.csv")).session.n_samples
    for path, count, n in ((generic, 2, rows), (toolbox, 1, toolbox_rows)):
        session = load_recording(path).session
        assert session.n_samples == n, path.name  # nothing recorded lost
        note = str(session.meta.extra.get("import_gyro_missing"))
        assert session.gyr is not None and int(session.gyro_missing.sum()) == count, path.name
        assert f"gyroscope has no sample at {count} of" in note, note
        assert "an empty, NaN or infinite gyroscope cell leaves its row's three gyroscope values missing" in note, note
        assert "the analysis bridges a lone one over at most 25 ms" in note, note
        infinite = f"{count} of the cells infinite in the file" if token == "inf" else "infinite in the file"
        assert (infinite in note) == (token == "inf"), note  # EDGE-214: the infinite cells counted too


def test_an_infinite_time_drops_its_row_of_a_generic_table_counted_out_of_range(tmp_path: Path) -> None:
    """EDGE-216: the CHANGELOG's EDGE-198 line says so: "column t_s is infinite" refuses a session file only; a
    generic table's row with an infinite time is dropped, counted as ``row_out_of_range`` (nothing places it)."""
    path, rows = _generic(tmp_path / "rec.csv", {(700, 0): "inf"})
    session = load_input(path)
    assert session.n_samples == rows - 1
    assert "row_out_of_range=1" in str(session.meta.extra.get("import_dropped_detail"))
