"""What an import says reaches the analysis (IMPORT-23): ``retrogait analyze export`` used to drop every note of
the import's report that no header key carried (a watch beside the phone, a gyroscope interpolated onto the
accelerometer's clock, where the device says it was worn); only ``convert`` printed them."""

from __future__ import annotations

from pathlib import Path

import import_samples as samples
from retrogait import analyze
from retrogait.imports import load_recording
from retrogait.imports.limits import GYRO_MISSING_KEY, IMPORT_NOTES_KEY
from retrogait.session import read_session, write_session

ANKLE = "Device Location Code 'left ankle': analysed as 'other' (steps of both legs); --placement shank analyses it so"


def _ankle_geneactiv(tmp_path: Path) -> Path:
    path = samples.geneactiv(tmp_path / "rec.csv")
    path.write_bytes(path.read_bytes().replace(b"right wrist", b"left ankle"))
    return path


def test_an_import_note_is_in_the_header_the_summary_and_its_provenance(tmp_path: Path) -> None:
    result = load_recording(_ankle_geneactiv(tmp_path))
    assert result.session.meta.extra[IMPORT_NOTES_KEY] == ANKLE
    summary = analyze(result.session).summary
    assert ANKLE in summary["notes"]
    assert summary["input_provenance"][IMPORT_NOTES_KEY] == ANKLE


def test_a_converted_file_keeps_the_notes(tmp_path: Path) -> None:
    session = load_recording(_ankle_geneactiv(tmp_path)).session
    write_session(session, tmp_path / "rec_native.csv")
    again = read_session(tmp_path / "rec_native.csv")
    assert again.meta.extra[IMPORT_NOTES_KEY] == ANKLE
    assert ANKLE in analyze(again).summary["notes"]


def test_what_another_key_says_is_not_said_twice(tmp_path: Path) -> None:
    """A gyroscope that stops early is the header's ``import_gyro_missing``, noted from there."""
    acc = samples.polar_pair(tmp_path)
    gyro = next(tmp_path.glob("*_GYRO.txt"))
    header, *rows = gyro.read_text().splitlines(keepends=True)
    gyro.write_text(header + "".join(rows[: len(rows) // 2]))  # the gyroscope stops half-way
    result = load_recording(acc)
    meta = result.session.meta
    assert GYRO_MISSING_KEY in meta.extra
    assert meta.extra[GYRO_MISSING_KEY] in result.report.notes
    assert meta.extra[GYRO_MISSING_KEY] not in meta.extra.get(IMPORT_NOTES_KEY, "")
    assert IMPORT_NOTES_KEY in meta.extra  # the interpolation onto the accelerometer's clock is said
