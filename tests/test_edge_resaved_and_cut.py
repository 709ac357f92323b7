"""Users' files changed on the way (issues 15/17): a table sorted by a column, a zip or workbook cut short, a session
file saved again by a spreadsheet with `;`, a Polar file saved as a workbook (EDGE-172..175)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.imports import load_recording
from retrogait.session import Session, SessionMeta, write_session


def _spreadsheet_semicolon(text: str, decimal_comma: bool) -> str:
    """A session file opened in a spreadsheet (split at its commas) and saved as CSV with `;` between the cells, each
    row padded to the widest with `;`; numbers with a decimal comma; a cell holding `;` quoted (Excel, LibreOffice)."""
    rows = list(csv.reader(io.StringIO(text)))
    width = max(len(row) for row in rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        if not row[0].startswith("#") and decimal_comma:
            row = [c.replace(".", ",") for c in row]
        writer.writerow(row + [""] * (width - len(row)))
    return out.getvalue()


@pytest.mark.parametrize("decimal_comma", [True, False])
@pytest.mark.parametrize("labels", [False, True])
def test_a_session_file_saved_again_with_semicolons_is_read(decimal_comma: bool, labels: bool, tmp_path: Path) -> None:
    """A retrogait session file saved again by a spreadsheet with `;` (a German Excel, LibreOffice): refused "columns
    are separated by ';'", or, its header padded with `;`, "unsupported session version '1;;;;;;'" (EDGE-174). Now read
    with the same samples and header, the resave said in the notes."""
    t = samples.times()
    extra = {"label": np.where(t < 1.0, "stand, still", "walk")} if labels else {}
    meta = SessionMeta(
        placement="shank", sample_rate_hz=100.0, side="left", extra={"import_dropped_detail": "a=1;b=2", "note": "x, y"}
    )
    session = Session(t_s=t, acc=samples.truth_acc_ms2(t), gyr=samples.truth_gyr_dps(t), meta=meta, extra=extra)
    original = write_session(session, tmp_path / "session.csv")
    expected = load_recording(original).session
    resaved = tmp_path / "resaved.csv"
    resaved.write_text(_spreadsheet_semicolon(original.read_text(), decimal_comma))
    result = load_recording(resaved)
    assert result.report.format == "native"
    got = result.session
    np.testing.assert_array_equal(got.t_s, expected.t_s)
    np.testing.assert_array_equal(got.acc, expected.acc)
    assert got.gyr is not None and expected.gyr is not None
    np.testing.assert_array_equal(got.gyr, expected.gyr)
    assert (got.meta.placement, got.meta.side, got.meta.sample_rate_hz) == ("shank", "left", 100.0)
    assert got.meta.extra["import_dropped_detail"] == "a=1;b=2" and got.meta.extra["note"] == "x, y"
    if labels:
        assert list(got.extra["label"]) == list(expected.extra["label"])
    assert any("saved again with ';'" in note for note in result.report.notes)
    assert "saved again with ';'" in got.meta.extra["import_notes"]


def _as_workbook(table: Path) -> Path:
    """A Polar `;` text file opened in Excel and saved as a workbook: one sheet named after the file, cut to a sheet
    name's 31 characters; the numbers as numbers, the phone timestamp as text."""
    header, *rows = table.read_text().splitlines()
    cells: list[list[object]] = [header.split(";")]
    cells += [[r.split(";")[0], *(float(v) for v in r.split(";")[1:])] for r in rows]
    book = samples.xlsx_workbook(table.with_suffix(".xlsx"), [(table.stem[:31], cells)])
    table.unlink()
    return book


@pytest.mark.parametrize("gyro_as", ["xlsx", "txt"])
def test_a_polar_file_saved_as_a_workbook_is_read_as_its_text(gyro_as: str, tmp_path: Path) -> None:
    """Polar Sensor Logger's `_ACC.txt` saved by Excel as `.xlsx`: read by the generic reader, without its gyroscope,
    device or Polar's rate (EDGE-175). Now read as the text pair is: the same samples, the same time base."""
    expected = load_recording(samples.polar_pair(tmp_path / "text")).session
    folder = tmp_path / "book"
    acc = _as_workbook(samples.polar_pair(folder))
    if gyro_as == "xlsx":
        _as_workbook(next(folder.glob("*_GYRO.txt")))
    result = load_recording(acc)
    assert result.report.format == "polar_logger"
    got = result.session
    np.testing.assert_allclose(got.t_s, expected.t_s, atol=1e-6)
    np.testing.assert_array_equal(got.acc, expected.acc)
    assert got.gyr is not None and expected.gyr is not None
    np.testing.assert_allclose(got.gyr, expected.gyr, atol=1e-6)
    for key in ("sample_rate_hz", "sensor"):
        assert getattr(got.meta, key) == getattr(expected.meta, key), key
    assert got.meta.extra.get("import_start_time_local") == expected.meta.extra.get("import_start_time_local")
