"""IMPORT-15: phyphox's Excel export (its default) is read as its CSV export is; other workbooks are refused
in one line. The workbooks are written here as phyphox-android's XlsxWriter writes them (import_samples)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import import_samples as samples
from retrogait.cli import main
from retrogait.errors import InputFileError
from retrogait.imports import load_recording
from retrogait.imports import workbook as workbook_module
from retrogait.session import Session


def _same_session(a: Session, b: Session) -> None:
    np.testing.assert_array_equal(a.t_s, b.t_s)
    np.testing.assert_array_equal(a.acc, b.acc)
    assert a.gyr is not None and b.gyr is not None
    np.testing.assert_array_equal(a.gyr, b.gyr)
    assert a.meta.sample_rate_hz == b.meta.sample_rate_hz
    assert a.meta.sensor == b.meta.sensor
    assert a.meta.start_time_utc == b.meta.start_time_utc


def test_phyphox_excel_export_reads_as_its_csv_export(tmp_path: Path) -> None:
    folder = samples.phyphox_folder(tmp_path / "csv")
    book = samples.phyphox_workbook(tmp_path / "run.xlsx", folder)
    from_csv = load_recording(folder)
    from_book = load_recording(book)
    assert from_book.report.format == "phyphox"
    _same_session(from_book.session, from_csv.session)
    assert from_book.session.meta.sensor and "Pixel 7" in from_book.session.meta.sensor
    assert any(f.endswith("run.xlsx/Accelerometer.csv") for f in from_book.report.files)


def test_the_older_xls_export_reads_as_the_csv_export(tmp_path: Path) -> None:
    pytest.importorskip("xlwt")
    folder = samples.phyphox_folder(tmp_path / "csv")
    book = samples.phyphox_workbook(tmp_path / "run.xls", folder)
    assert book.read_bytes()[:8] == workbook_module.OLE2_MAGIC
    result = load_recording(book)
    assert result.report.format == "phyphox"
    _same_session(result.session, load_recording(folder).session)


def test_the_export_saved_as_opendocument_reads_as_the_csv_export(tmp_path: Path) -> None:
    folder = samples.phyphox_folder(tmp_path / "csv")
    book = samples.phyphox_workbook(tmp_path / "run.ods", folder)
    result = load_recording(book)
    assert result.report.format == "phyphox"
    _same_session(result.session, load_recording(folder).session)


def test_a_single_graph_export_without_metadata_sheets_is_read(tmp_path: Path) -> None:
    folder = samples.phyphox_folder(tmp_path / "csv")
    book = samples.phyphox_workbook(tmp_path / "graph.xlsx", folder, metadata=False)
    result = load_recording(book)
    assert result.report.format == "phyphox"
    np.testing.assert_array_equal(result.session.acc, load_recording(folder).session.acc)


def test_linear_acceleration_sheet_is_read_with_gravity_removed(tmp_path: Path) -> None:
    folder = samples.phyphox_folder(tmp_path / "csv")
    acc = folder / "Accelerometer.csv"
    lines = acc.read_text().splitlines()
    rows = [lines[0]] + [
        ",".join(
            [f.split(",")[0], *(f"{float(v) - (9.81 if k == 2 else 0):.9E}" for k, v in enumerate(f.split(",")[1:]))]
        )
        for f in lines[1:]
    ]
    acc.rename(folder / "Linear Accelerometer.csv")
    (folder / "Linear Accelerometer.csv").write_text("\n".join(rows) + "\n")
    result = load_recording(samples.phyphox_workbook(tmp_path / "linear.xlsx", folder))
    assert result.session.meta.gravity_removed


def test_nan_text_cells_are_missing_values_as_in_the_csv_export(tmp_path: Path) -> None:
    folder = samples.phyphox_folder(tmp_path / "csv")
    gyro = folder / "Gyroscope.csv"
    lines = gyro.read_text().splitlines()
    lines[40] = ",".join([lines[40].split(",")[0], "NaN", "NaN", "NaN"])  # as phyphox pads a shorter column
    gyro.write_text("\n".join(lines) + "\n")
    book = samples.phyphox_workbook(tmp_path / "nan.xlsx", folder)
    _same_session(load_recording(book).session, load_recording(folder).session)


@pytest.mark.shared_data
def test_a_real_phyphox_recording_saved_as_excel_reads_as_the_csv(tmp_path: Path, shared_data: Path) -> None:
    real = shared_data / "formats" / "phyphox_lucadomene_gaitlab"
    folder = tmp_path / "csv"
    folder.mkdir()
    for name in ("Accelerometer.csv", "Gyroscope.csv"):
        shutil.copy(real / name, folder / name)
    book = samples.phyphox_workbook(tmp_path / "real.xlsx", folder, metadata=False)
    from_book, from_csv = load_recording(book), load_recording(folder / "Accelerometer.csv")
    np.testing.assert_array_equal(from_book.session.t_s, from_csv.session.t_s)
    np.testing.assert_array_equal(from_book.session.acc, from_csv.session.acc)
    np.testing.assert_array_equal(from_book.session.gyr, from_csv.session.gyr)  # type: ignore[arg-type]
    assert from_book.session.n_samples == 2388


def test_analyze_info_and_convert_take_the_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = samples.phyphox_folder(tmp_path / "csv")
    book = samples.phyphox_workbook(tmp_path / "run.xlsx", folder)
    assert main(["info", str(book)]) == 0
    assert "phyphox" in capsys.readouterr().out
    assert main(["convert", str(book), "--out", str(tmp_path / "run.csv"), "--placement", "shank"]) == 0
    assert main(["analyze", str(book), "--placement", "shank", "--out", str(tmp_path / "out"), "--no-report"]) == 0
    assert (tmp_path / "out" / "steps.csv").is_file()


def _refusal(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["info", str(path)]) != 0
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    return err


def test_another_workbook_is_refused_in_one_line_naming_its_sheets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = samples.xlsx_workbook(tmp_path / "budget.xlsx", [("Costs", [["item", "euro"], ["shoes", 120.0]])])
    err = _refusal(book, capsys)
    assert err.count("\n") == 0
    assert "is a spreadsheet workbook (sheets: 'Costs') that is not a phyphox export" in err


def test_a_damaged_workbook_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = samples.phyphox_workbook(tmp_path / "run.xlsx", samples.phyphox_folder(tmp_path / "csv"))
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(book.read_bytes()[:64])  # cut before any whole row (cut later, it is read up to the cut, EDGE-173)
    err = _refusal(cut, capsys)
    assert err.count("\n") == 0 and "cut.xlsx" in err
    cut.write_bytes(book.read_bytes()[: book.stat().st_size // 2])
    assert main(["info", str(cut)]) == 0
    assert "cut short" in capsys.readouterr().out


def test_a_workbook_that_unpacks_to_a_bomb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    book = tmp_path / "bomb.xlsx"
    samples.xlsx_workbook(book, [("Accelerometer", [["Time (s)", "X (m/s^2)", "Y (m/s^2)", "Z (m/s^2)"]])])
    with zipfile.ZipFile(book, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet2.xml", b" " * (40 * 1024**2))
    with pytest.raises(InputFileError, match="decompression bomb"):
        workbook_module.read_sheets(book)


def test_without_python_calamine_the_message_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = samples.phyphox_workbook(tmp_path / "run.xlsx", samples.phyphox_folder(tmp_path / "csv"))
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    workbook_module._read_sheets.cache_clear()
    with pytest.raises(InputFileError, match="needs python-calamine"):
        workbook_module.read_sheets(book)
    workbook_module._read_sheets.cache_clear()


def test_a_workbook_rewritten_after_it_was_read_is_read_again(tmp_path: Path) -> None:
    folder = samples.phyphox_folder(tmp_path / "csv")
    book = samples.phyphox_workbook(tmp_path / "run.xlsx", folder)
    first = load_recording(book).session.n_samples
    samples.xlsx_workbook(book, [("Accelerometer", samples._csv_rows(folder / "Accelerometer.csv")[:101])])
    assert load_recording(book).session.n_samples == 100 != first


# ------------------------------------------------- damaged zips (found by fuzzing the workbooks, IMPORT-15)


def _zipped_csv(path: Path) -> Path:
    """A zip of one generated CSV export, its member deflated."""
    source = samples.generic(path.parent / "inner.csv")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(source, "run.csv")
    return path


def test_a_zip_whose_member_does_not_unpack_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The deflate stream itself damaged: zlib.error escaped as a traceback."""
    path = _zipped_csv(tmp_path / "run.zip")
    data = bytearray(path.read_bytes())
    start = 30 + len("run.csv")  # the local header, then the compressed data
    data[start : start + 4] = b"\xff\xff\xff\xff"
    path.write_bytes(bytes(data))
    err = _refusal(path, capsys)
    assert err.count("\n") == 0 and "run.zip" in err


def test_a_zip_of_an_unknown_version_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A central directory entry asking for zip version 9.9: NotImplementedError escaped as a traceback."""
    path = _zipped_csv(tmp_path / "run.zip")
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")
    data[entry + 6 : entry + 8] = (99).to_bytes(2, "little")  # version needed to extract
    path.write_bytes(bytes(data))
    err = _refusal(path, capsys)
    assert err.count("\n") == 0 and "run.zip" in err


def _with_a_cell_at(path: Path, row: int, column: str) -> Path:
    """phyphox's workbook at ``path`` with one more cell (the number 1) in its first sheet at ``column``/``row``."""
    book = samples.phyphox_workbook(path, samples.phyphox_folder(path.parent / "csv"))
    with zipfile.ZipFile(book) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        "</sheetData>", f'<row r="{row}"><c r="{column}{row}"><v>1</v></c></row></sheetData>'
    ).encode()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return book


def test_a_cell_far_from_the_others_is_refused_not_the_end_of_the_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """calamine holds a sheet as a dense grid: one cell at XFD1048576 asks for ~17 billion cells and Rust ends
    the process on the failed allocation (IMPORT-16: parsed in a child with its memory capped)."""
    book = _with_a_cell_at(tmp_path / "far.xlsx", 1048576, "XFD")
    err = _refusal(book, capsys)
    assert err.count("\n") == 0 and "far.xlsx" in err and "is a damaged spreadsheet workbook" in err


def test_an_xls_whose_chain_of_sectors_loops_is_refused_before_calamine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An .xls (a compound file) whose directory's chain of sectors points back to itself, as a file damaged by
    bytes inserted or lost leaves it (`fuzz_import.py --seed 60`, case 316): calamine followed the loop until its
    child's 2 GiB cap (about 5 s of a quiet machine); the structure is checked first and the file refused naming
    the problem (EDGE-283). Bytes inserted mid-file and a file cut at half: refused in one line too."""
    pytest.importorskip("xlwt")
    book = samples.phyphox_workbook(tmp_path / "run.xls", samples.phyphox_folder(tmp_path / "csv"))
    data = bytearray(book.read_bytes())
    first_dir, fat = struct.unpack_from("<I", data, 0x30)[0], struct.unpack_from("<I", data, 0x4C)[0]
    struct.pack_into("<I", data, (fat + 1) * 512 + 4 * first_dir, first_dir)  # the directory's next: itself
    looped = tmp_path / "looped.xls"
    looped.write_bytes(bytes(data))
    err = _refusal(looped, capsys)
    assert err.count("\n") == 0 and "looped.xls" in err and "chain of sectors runs in a loop" in err
    clean = book.read_bytes()
    for name, damaged in (("inserted", clean[:20000] + clean[19537:]), ("cut", clean[: len(clean) // 2])):
        path = tmp_path / f"{name}.xls"
        path.write_bytes(damaged)
        err = _refusal(path, capsys)
        assert err.count("\n") == 0 and f"{name}.xls" in err and "past the file's end" in err


def test_an_xls_whose_sector_table_index_loops_is_refused_before_calamine(tmp_path: Path) -> None:
    """The DIFAT (the index of the FAT's sectors past the header's 109) is a chain too, and calamine follows it to
    its end whatever the header's count says: a DIFAT sector naming itself as the next made calamine grow its table
    to the child's 2 GiB cap (~34 s), and a count of 2**32 - 1 made the check itself take 1.7 GB and 18 s per
    million steps in the main process, without a cap. Both refused at once, naming the loop (REVIEW-256)."""
    pytest.importorskip("xlwt")
    from retrogait.imports.ole2 import DamagedCompoundFile, check_compound_file

    clean = samples.phyphox_workbook(tmp_path / "run.xls", samples.phyphox_folder(tmp_path / "csv")).read_bytes()
    check_compound_file(clean)
    last = len(clean) // 512 - 2  # the file's last sector: made a DIFAT sector whose next is itself
    for count in (1, 2**32 - 1):
        data = bytearray(clean)
        struct.pack_into("<I", data, 0x44, last)
        struct.pack_into("<I", data, 0x48, count)
        struct.pack_into("<I", data, (last + 1) * 512 + 508, last)
        with pytest.raises(DamagedCompoundFile, match="runs in a loop"):
            check_compound_file(bytes(data))


def test_an_xls_whose_workbook_stream_declares_more_than_it_holds_is_refused(tmp_path: Path) -> None:
    """EDGE-283's check of the workbook stream's size (more than the file, more than its chain of sectors holds)
    had no test: each mutant dropping one passed (REVIEW-259)."""
    pytest.importorskip("xlwt")
    from retrogait.imports.ole2 import DamagedCompoundFile, check_compound_file

    clean = samples.phyphox_workbook(tmp_path / "run.xls", samples.phyphox_folder(tmp_path / "csv")).read_bytes()
    first_dir = struct.unpack_from("<I", clean, 0x30)[0]
    entries = clean[(first_dir + 1) * 512 : (first_dir + 2) * 512]
    name = "Workbook".encode("utf-16-le")
    at = (first_dir + 1) * 512 + next(i for i in range(0, 512, 128) if entries[i : i + 16] == name)
    size = struct.unpack_from("<I", clean, at + 120)[0]
    assert size >= 4096  # in the FAT's sectors, not the mini stream
    beyond_chain = -(-size // 512) * 512 + 1
    for declared, problem in ((len(clean) + 1, "more than the file's"), (beyond_chain, "its sectors hold")):
        data = bytearray(clean)
        struct.pack_into("<I", data, at + 120, declared)
        with pytest.raises(DamagedCompoundFile, match=problem):
            check_compound_file(bytes(data))


# ------------------------------------------------------- any table saved again as a workbook (IMPORT-17)


def test_a_table_saved_again_as_a_workbook_reads_as_the_table(tmp_path: Path) -> None:
    table = samples.generic(tmp_path / "phone.csv")
    book = samples.xlsx_workbook(tmp_path / "phone.xlsx", [("Sheet1", samples._csv_rows(table))])
    from_book, from_csv = load_recording(book), load_recording(table)
    assert from_book.report.format == from_csv.report.format == "generic_csv"
    np.testing.assert_array_equal(from_book.session.t_s, from_csv.session.t_s)
    np.testing.assert_array_equal(from_book.session.acc, from_csv.session.acc)
    np.testing.assert_array_equal(from_book.session.gyr, from_csv.session.gyr)  # type: ignore[arg-type]


def test_a_workbook_with_two_tables_of_numbers_is_refused_naming_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = samples._csv_rows(samples.generic(tmp_path / "phone.csv"))
    book = samples.xlsx_workbook(tmp_path / "two.xlsx", [("Left", rows), ("Right", rows)])
    assert main(["analyze", str(book), "--out", str(tmp_path / "out")]) != 0
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "'Left', 'Right'" in err, err


def test_a_sheet_wider_than_a_table_is_refused_once_without_its_grid_handed_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cell's column index damaged to the far right (`fuzz_import.py --only xls --seed 74`, case 35: 12,548
    columns) made calamine's dense grid of 5 million empty cells, handed to the parent and converted cell by cell,
    once for every reader's sniff (7 parses, 10.6 s). Now a sheet wider than a CSV header may be is refused in the
    child, named, and the refusal is kept for the file like its sheets: one parse (EDGE-294)."""
    book = _with_a_cell_at(tmp_path / "wide.xlsx", 5000, "BZZ")
    parses: list[object] = []
    run = workbook_module.subprocess.run

    def counted(*args: Any, **kwargs: Any) -> Any:
        parses.append(args)
        return run(*args, **kwargs)

    monkeypatch.setattr(workbook_module.subprocess, "run", counted)
    err = _refusal(book, capsys)
    assert err.count("\n") == 0 and "wide.xlsx" in err and "'Accelerometer' is 2,054 columns wide" in err
    assert len(parses) == 1


def test_a_parse_cut_short_by_time_is_not_kept_as_the_file_s_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-275's "seen" (lead): EDGE-294 keeps a workbook's refusal with its file state, so that every reader's sniff
    does not parse a damaged file again; a parse that ran out of time under load was kept too, and the same file was
    refused for the rest of the process (a batch, a compare of many files) though it reads. A timeout, or a child
    killed from outside, is not a fact about the file: the next read parses it again."""
    book = samples.phyphox_workbook(tmp_path / "run.xlsx", samples.phyphox_folder(tmp_path / "csv"))
    run = workbook_module.subprocess.run
    calls: list[int] = []

    def late_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise subprocess.TimeoutExpired(args[0], kwargs.get("timeout", 0))
        return run(*args, **kwargs)

    monkeypatch.setattr(workbook_module.subprocess, "run", late_once)
    workbook_module._read_sheets.cache_clear()
    with pytest.raises(InputFileError, match="not read within"):
        workbook_module.read_sheets(book)
    assert [sheet.name for sheet in workbook_module.read_sheets(book)]  # read now
    assert len(calls) == 2
    workbook_module._read_sheets.cache_clear()


#: A notes sheet wider than a table (2,001 columns: a row of remarks, one a column), valid as a workbook.
_WIDE_NOTES = ("Notes", [["note", *(f"remark {i}" for i in range(2000))], ["warm-up", *([""] * 1999), "end"]])


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_a_notes_sheet_wider_than_a_table_beside_the_sensor_sheets_is_left_alone(tmp_path: Path, suffix: str) -> None:
    """REVIEW-275's "seen" (EDGE-295): a valid phyphox workbook with a notes sheet of 2,001 columns, or a table saved as
    a workbook with one, was refused naming the notes sheet and its width, though its sensor sheets are whole
    (21199662). Now a sheet too wide is refused only where it is read: both read as without it (IMPORT-31). (An
    .xls holds at most 256 columns: only a damaged one has a wider sheet.)"""
    folder = samples.phyphox_folder(tmp_path / "csv")
    plain = samples.phyphox_workbook(tmp_path / f"plain{suffix}", folder)
    sheets = [(p.stem, samples._csv_rows(p)) for p in sorted(folder.glob("*.csv"))]
    sheets += [("Metadata Device", samples._csv_rows(folder / "meta" / "device.csv"))]
    sheets += [("Metadata Time", samples._csv_rows(folder / "meta" / "time.csv")), _WIDE_NOTES]
    writer = samples.ods_workbook if suffix == ".ods" else samples.xlsx_workbook
    noted = writer(tmp_path / f"noted{suffix}", sheets)
    with_notes, without = load_recording(noted), load_recording(plain)
    assert with_notes.report.format == without.report.format == "phyphox"
    _same_session(with_notes.session, without.session)
    table = samples.generic(tmp_path / "phone.csv")
    book = writer(tmp_path / f"phone{suffix}", [("Sheet1", samples._csv_rows(table)), _WIDE_NOTES])
    from_book, from_csv = load_recording(book), load_recording(table)
    assert from_book.report.format == "generic_csv"
    np.testing.assert_array_equal(from_book.session.acc, from_csv.session.acc)


def test_a_sensor_sheet_wider_than_a_table_is_still_refused_naming_its_width(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The other half of IMPORT-31: the sheet that would be read, too wide (a damaged cell's index), is refused naming
    it and its width, as EDGE-294's: a table saved as a workbook whose one sheet has a cell at BZZ (2,054 columns),
    and phyphox's whose Accelerometer sheet has a cell at BZZ (with a wide notes sheet beside it: the next test)."""
    table = samples.generic(tmp_path / "phone.csv")
    rows = samples._csv_rows(table)
    rows[5] = [*rows[5], *([""] * 2050), 1.0]
    book = samples.xlsx_workbook(tmp_path / "phone.xlsx", [("Sheet1", rows)])
    err = _refusal(book, capsys)
    assert err.count("\n") == 0 and "phone.xlsx" in err and "its sheet 'Sheet1' is 2,0" in err, err
    damaged = _with_a_cell_at(tmp_path / "wide.xlsx", 5000, "BZZ")
    with zipfile.ZipFile(damaged) as archive:
        names = archive.namelist()
    assert "xl/worksheets/sheet1.xml" in names
    err = _refusal(damaged, capsys)
    assert err.count("\n") == 0 and "'Accelerometer' is 2,054 columns wide" in err, err


def test_a_damaged_sensor_sheet_behind_a_wide_notes_sheet_is_the_one_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """REVIEW-291: IMPORT-31's test said it checked "phyphox's with a notes sheet of 2,001 columns beside its damaged
    Accelerometer sheet" but built no notes sheet. Here the notes sheet comes first in the workbook and the
    Accelerometer sheet has a cell at column 2,054: the refusal names the sheet that would be read and its width, not
    the notes sheet (21199662 named the first wide sheet, 'Notes')."""
    folder = samples.phyphox_folder(tmp_path / "csv")
    sheets = [_WIDE_NOTES, *((p.stem, samples._csv_rows(p)) for p in sorted(folder.glob("*.csv")))]
    sheets += [("Metadata Device", samples._csv_rows(folder / "meta" / "device.csv"))]
    sheets += [("Metadata Time", samples._csv_rows(folder / "meta" / "time.csv"))]
    acc = dict(sheets)["Accelerometer"]
    acc[5] = [*acc[5], *([""] * 2048), 1.0]
    book = samples.xlsx_workbook(tmp_path / "noted.xlsx", sheets)
    err = _refusal(book, capsys)
    assert err.count("\n") == 0 and "noted.xlsx" in err, err
    assert "its sheet 'Accelerometer' is 2,05" in err and "'Notes'" not in err, err
