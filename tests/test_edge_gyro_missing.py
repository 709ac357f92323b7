"""EDGE-46: accelerometer rows where a separate gyroscope stream has no sample are kept (empty gyroscope
cells), and ``analyze`` says what it did with them. Each test failed before: those rows were dropped on
import (``no_gyro_at_time``), or the whole gyroscope when it covered less than half the time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import import_samples as samples
from retrogait.cli import main
from retrogait.imports import load_recording
from retrogait.imports.base import GenericCsvOptions
from retrogait.session import read_session, write_session
from retrogait.simulate import Bout, SimulationConfig, simulate


def _polar_gyro_cut(folder: Path, keep: slice) -> Path:
    """A Polar Sensor Logger pair whose _GYRO.txt keeps only the data rows ``keep``; returns the ACC file."""
    acc = samples.polar_pair(folder)
    gyro = next(folder.glob("*_GYRO.txt"))
    header, *rows = gyro.read_text().splitlines(keepends=True)
    gyro.write_text(header + "".join(rows[keep]))
    return acc


@pytest.mark.parametrize(
    ("keep", "missing_at"),
    [
        (slice(0, 140), "end"),  # the gyroscope stops early: every later accelerometer row was dropped
        (slice(70, None), "start"),  # ... starts late
        (slice(0, 80), "end"),  # covers < half: the gyroscope itself was left out
    ],
)
def test_every_accelerometer_row_is_kept_where_the_gyroscope_stops(
    tmp_path: Path, keep: slice, missing_at: str
) -> None:
    whole = load_recording(samples.polar_pair(tmp_path / "whole")).session
    result = load_recording(_polar_gyro_cut(tmp_path / "cut", keep))
    s = result.session
    assert s.n_samples == whole.n_samples and np.array_equal(s.acc, whole.acc)
    assert "no_gyro_at_time" not in result.report.dropped
    assert s.gyr is not None
    missing = s.gyro_missing
    assert 0 < missing.sum() < s.n_samples
    edge = missing[-1] if missing_at == "end" else missing[0]
    inner = ~(missing | np.roll(missing, 1) | np.roll(missing, -1))  # the row next to a gap holds the edge value
    assert edge and np.array_equal(s.gyr[inner], whole.gyr[inner])  # type: ignore[index]
    assert "kept with empty gyroscope cells" in s.meta.extra["import_gyro_missing"]
    back = read_session(write_session(s, tmp_path / "s.csv"))  # empty cells, read back as they were
    assert np.array_equal(back.gyr, s.gyr, equal_nan=True) and np.array_equal(back.acc, s.acc)


def test_a_gyroscope_gap_in_the_middle_keeps_its_accelerometer_rows(tmp_path: Path) -> None:
    acc = samples.polar_pair(tmp_path)
    gyro = next(tmp_path.glob("*_GYRO.txt"))
    header, *rows = gyro.read_text().splitlines(keepends=True)
    gyro.write_text(header + "".join(rows[:60] + rows[110:]))  # ~1 s without gyroscope samples
    s = load_recording(acc).session
    assert s.n_samples == load_recording(samples.polar_pair(tmp_path / "whole")).session.n_samples
    missing = np.flatnonzero(s.gyro_missing)
    assert missing.size and np.all(np.diff(missing) == 1)  # one stretch, inside
    assert missing[0] > 0 and missing[-1] < s.n_samples - 1


def test_session_file_takes_a_row_without_gyroscope_but_not_one_gyroscope_cell(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    s = load_recording(_polar_gyro_cut(tmp_path, slice(0, 140))).session
    write_session(s, path)
    text = path.read_text()
    assert text.rstrip("\n").endswith(",,,")  # the last row: no gyroscope value
    lines = text.splitlines()
    last = lines[-1].split(",")
    lines[-1] = ",".join([*last[:5], "1.0", "2.0"])  # gyr_x alone empty
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(Exception, match="gyr_x is empty where another gyroscope column has a value"):
        read_session(path)


def _foot_run(tmp_path: Path, keep_gyro_s: float | None) -> tuple[Path, int]:
    """A simulated foot run whose gyroscope stops at ``keep_gyro_s`` (None: no gyroscope at all)."""
    sim = simulate(SimulationConfig("foot", [Bout("forward", "running", 3.0, 20)], sample_rate_hz=200.0, seed=1))
    s = sim.session
    assert s.gyr is not None
    gyr: np.ndarray | None = None
    if keep_gyro_s is not None:
        gyr = s.gyr.copy()
        gyr[s.t_s > keep_gyro_s] = np.nan  # the gyroscope stopped
    path = tmp_path / f"run_{keep_gyro_s}.csv"
    write_session(type(s)(t_s=s.t_s, acc=s.acc, gyr=gyr, meta=s.meta), path)
    return path, int((s.t_s > (keep_gyro_s or 0.0)).sum())


def _analysed_summary(path: Path, out: Path) -> dict[str, Any]:
    """summary.json of ``retrogait analyze PATH --no-report --out OUT``."""
    assert main(["analyze", str(path), "--no-report", "--out", str(out)]) == 0
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text())
    return summary


def test_analyze_leaves_rows_without_gyroscope_out_as_gaps_and_says_so(tmp_path: Path) -> None:
    path, n_missing = _foot_run(tmp_path, keep_gyro_s=18.5)  # 1.5 s: shorter than a stretch analysed without (GYRO-1)
    summary = _analysed_summary(path, tmp_path / "out")
    assert summary["has_gyro"] is True
    note = next(n for n in summary["notes"] if n.startswith("the gyroscope has no value"))
    assert f"at {n_missing} samples" in note and "left out of the analysis as gaps" in note
    assert not any("missing, infinite or absurd" in n for n in summary["notes"])


def test_analyze_without_gyroscope_when_it_covers_less_than_half(tmp_path: Path) -> None:
    path, _ = _foot_run(tmp_path, keep_gyro_s=5.0)
    out = tmp_path / "out"
    summary = _analysed_summary(path, out)
    assert summary["has_gyro"] is False
    assert any("analysed without the gyroscope" in n for n in summary["notes"])
    without, _ = _foot_run(tmp_path, keep_gyro_s=None)  # the whole run, as from a sensor without gyroscope
    assert main(["analyze", str(without), "--no-report", "--out", str(tmp_path / "without")]) == 0
    expected = (tmp_path / "without" / "steps.csv").read_text()
    assert (out / "steps.csv").read_text() == expected and summary["all"]["n_steps"] > 20


def test_info_and_convert_show_the_gyroscope_share(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    acc = _polar_gyro_cut(tmp_path, slice(0, 140))
    assert main(["info", str(acc)]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "gyro 67 %" in printed and "analyze leaves those out as gaps" in printed
    assert main(["convert", str(acc), "--out", str(tmp_path / "s.csv")]) == 0
    assert "gyroscope 67 %" in capsys.readouterr().out


# ------------------------------------------ EDGE-50: empty gyroscope cells in one table (generic CSV, PTSS)


def _blank_gyro(path: Path, sep: str, rows: slice) -> Path:
    """Empty the last three fields (the gyroscope) of the data rows ``rows`` of a table."""
    header, *lines = path.read_text().splitlines()
    for i in range(len(lines))[rows]:
        fields = lines[i].split(sep)
        lines[i] = sep.join([*fields[:-3], "", "", ""])
    path.write_text("\n".join([header, *lines]) + "\n")
    return path


@pytest.mark.parametrize(
    ("write", "sep"), [(samples.generic, ";"), (samples.physics_toolbox, ",")], ids=["generic", "physics_toolbox"]
)
def test_a_row_with_empty_gyroscope_cells_in_one_table_is_kept(tmp_path: Path, write: Any, sep: str) -> None:
    """The rows were dropped (``row_not_a_number``): 1 s of a 4 s table gone, a gap in the acceleration."""
    whole = load_recording(write(tmp_path / "whole.csv")).session
    result = load_recording(_blank_gyro(write(tmp_path / "cut.csv"), sep, slice(100, 200)))
    s = result.session
    assert s.n_samples == whole.n_samples and np.array_equal(s.acc, whole.acc)
    assert not result.report.dropped
    assert s.gyr is not None and s.gyro_missing.sum() == 100 and np.flatnonzero(s.gyro_missing)[0] == 100
    assert "kept with empty gyroscope cells" in s.meta.extra["import_gyro_missing"]


def test_gyroscope_columns_empty_in_every_row_are_left_out_with_a_note(tmp_path: Path) -> None:
    path = _blank_gyro(samples.generic(tmp_path / "g.csv"), ";", slice(None))
    result = load_recording(path, generic=GenericCsvOptions(gyr_columns=("gx", "gy", "gz"), gyr_unit="rads"))
    assert result.session.gyr is None and result.session.n_samples == 400
    assert "hold no number in any row" in result.session.meta.extra["import_gyro_left_out"]
