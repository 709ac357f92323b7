"""Messy but real layouts the readers must read right or refuse in one line (EDGE-274..): a GENEActiv header written
again mid-file, phyphox's `;` table with decimal commas and a units row, a headerless table under a preamble."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from import_samples import geneactiv, metabase_pair, physics_toolbox, physics_toolbox_linear, sensorlogger_folder
from retrogait.errors import InputFileError
from retrogait.imports import GenericCsvOptions, load_recording


def _geneactiv_header_again(path: Path) -> tuple[Path, int, int]:
    """A GENEActiv CSV with its metadata header written again mid-file (a second export appended to the first's
    rows, its clock going on): the file, its data rows and the header's non-blank lines."""
    geneactiv(path)
    lines = path.read_bytes().decode("latin-1").split("\r\n")
    first = next(i for i, line in enumerate(lines) if line[:2] == "20")
    header, rows = lines[:first], [line for line in lines[first:] if line]
    middle = len(rows) // 2
    path.write_bytes("\r\n".join(header + rows[:middle] + header + rows[middle:]).encode("latin-1") + b"\r\n")
    return path, len(rows), sum(1 for line in header if line.strip())


def test_a_geneactiv_header_written_again_is_named(tmp_path: Path) -> None:
    """GENEActiv's metadata header written again mid-file: its lines dropped as `header_repeated`, as every other
    reader counts a header written again (EDGE-263), not `row_not_a_number` (EDGE-274); every sample read."""
    path, rows, lines = _geneactiv_header_again(tmp_path / "again.csv")
    session = load_recording(path).session
    assert session.t_s.size == rows
    assert session.meta.extra["import_dropped_detail"] == f"header_repeated={lines}"


def _phyphox_semicolon(path: Path, units: bool) -> Path:
    """phyphox's single table as a German phone writes it (`;`, decimal commas), a units row under the header or
    not: 400 rows at 100 Hz."""
    t = np.arange(400) / 100.0
    rows = [f"{x:.6f};{0.3 * np.sin(6 * x):.6f};0.200000;{9.8 + 3 * np.sin(4 * np.pi * x):.6f}" for x in t]
    head = '"Time (s)";"X (m/s^2)";"Y (m/s^2)";"Z (m/s^2)"\n' + ('"s";"m/s^2";"m/s^2";"m/s^2"\n' if units else "")
    path.write_text(head + "\n".join(row.replace(".", ",") for row in rows) + "\n")
    return path


def test_a_semicolon_decimal_comma_table_with_a_units_row_is_read(tmp_path: Path) -> None:
    """The units row under the header does not decide the decimal mark: the row after it does (EDGE-275); every
    sample read as the table without the units row reads it, the units row counted."""
    clean = load_recording(_phyphox_semicolon(tmp_path / "clean.csv", units=False)).session
    session = load_recording(_phyphox_semicolon(tmp_path / "units.csv", units=True)).session
    assert session.meta.extra["import_dropped_detail"] == "units_row=1"
    assert np.array_equal(session.t_s, clean.t_s)
    assert np.array_equal(session.acc, clean.acc)


def test_a_metadata_line_over_a_wider_line_of_numbers_is_a_preamble_where_it_names_no_acceleration(
    tmp_path: Path,
) -> None:
    """A headerless table under two lines of metadata, the first as many names as the table has fields, the second
    more numbers ("device,pixel,fw,x" / "1,2,3,4,5"): read as before EDGE-265, both lines a preamble, and said so
    (EDGE-276); a header naming the acceleration over such a line stays the header (EDGE-265)."""
    t = np.arange(2000) / 100.0
    rows = [f"{x:.3f},{0.3 * np.sin(6 * x):.4f},0.2,{9.8 + 3 * np.sin(4 * np.pi * x):.4f}" for x in t]
    path = tmp_path / "meta.csv"
    path.write_text("device,pixel,fw,x\n1,2,3,4,5\n" + "\n".join(rows) + "\n")
    loaded = load_recording(path)
    assert loaded.session.t_s.size == 2000
    assert "no header, 2 preamble line(s) skipped" in loaded.session.meta.extra["inferred_layout"]
    assert any("(device, pixel, fw, x) names no acceleration columns" in note for note in loaded.report.notes)
    named = tmp_path / "named.csv"
    named.write_text("time_s,acc_x,acc_y,acc_z\n" + rows[0] + ",7.5\n" + "\n".join(rows[1:]) + "\n")
    session = load_recording(named).session
    assert (session.t_s.size, session.meta.extra["import_dropped_detail"]) == (1999, "malformed=1")
    assert "header line" in session.meta.extra["inferred_layout"]


def _quote_text_cells(line: str, sep: str) -> str:
    """``line`` as a spreadsheet writes it with "quote all text cells": the cells that are no number in quotes."""

    def cell(text: str) -> str:
        try:
            float(text.replace(",", "."))
        except ValueError:
            return f'"{text}"' if text else text
        return text

    return sep.join(cell(text) for text in line.split(sep))


@pytest.mark.parametrize("sep", [",", ";"])
def test_a_geneactiv_file_whose_text_cells_a_spreadsheet_quoted_is_read(tmp_path: Path, sep: str) -> None:
    """GENEActiv re-saved with its text cells quoted (`"Device Type","GENEActiv"`, `"2019-08-06 10:25:50:000",0.1,...`):
    the same samples as the file as written (EDGE-277), and a part of it the same part."""
    clean = geneactiv(tmp_path / "clean.csv")
    text = clean.read_bytes().decode("latin-1")
    if sep == ";":
        text = text.replace(",", ";").replace(".", ",")
    quoted = tmp_path / "quoted.csv"
    quoted.write_bytes("\r\n".join(_quote_text_cells(line, sep) for line in text.split("\r\n")).encode("latin-1"))
    assert quoted.read_bytes().startswith(b'"Device Type"' + sep.encode() + b'"GENEActiv')
    want, got = load_recording(clean).session, load_recording(quoted).session
    assert np.array_equal(got.t_s, want.t_s) and np.array_equal(got.acc, want.acc)
    want, got = load_recording(clean, part_s=(1.0, 3.0)).session, load_recording(quoted, part_s=(1.0, 3.0)).session
    assert got.t_s.size > 50 and np.array_equal(got.t_s, want.t_s) and np.array_equal(got.acc, want.acc)


def test_a_time_written_as_the_largest_float_is_told_without_a_warning(tmp_path: Path) -> None:
    """A row whose time reads 1e308 (a stamp damaged into the largest double) is dropped as stamped ahead and told
    in s from the first row, without numpy's overflow warning on the way (EDGE-278; found by
    `scripts/fuzz_import.py --seed 59`, case 1388)."""
    t = np.arange(2000) / 100.0
    rows = [f"{x:.3f},{0.3 * np.sin(6 * x):.4f},0.2,{9.8 + 3 * np.sin(4 * np.pi * x):.4f}" for x in t]
    rows[588] = "1e308" + rows[588][rows[588].index(",") :]
    path = tmp_path / "far.csv"
    path.write_text("time_s,acc_x,acc_y,acc_z\n" + "\n".join(rows) + "\n")
    loaded = load_recording(path)  # pytest turns a warning into an error
    assert loaded.session.t_s.size == 1999
    assert any("1e+308 s" in note for note in loaded.report.notes)


def test_a_header_over_a_wider_row_keeps_its_refusal_where_the_headerless_reading_fails_later(tmp_path: Path) -> None:
    """REVIEW-236: a header naming its columns in no way the reader knows ("t,c1,...,c6", the gyroscope's first) over
    a wider first row: read without it, the gyroscope's columns by position were taken as the acceleration and
    refused in those words ("columns 1,2,3 are not named as acceleration at rest"), a header the file has unsaid and
    --acc-columns not offered. The header's own refusal stands, as with a first row of the table's width."""
    _unknown_names_refused(tmp_path, gyro_first=True)


def _unknown_names_refused(tmp_path: Path, gyro_first: bool) -> Path:
    """2000 rows at 100 Hz under "t,c1,...,c6" (gyroscope or acceleration first), written with the first row one field
    wider and without: both refused, naming the header's columns; the wide file."""
    t = np.arange(2000) / 100.0
    gyro = [f"{50 * np.sin(3 * x):.3f},{10 * np.cos(2 * x):.3f},{5 + np.sin(x):.3f}" for x in t]
    acc = [f"{0.3 * np.sin(6 * x):.4f},0.2,{9.8 + 3 * np.sin(4 * np.pi * x):.4f}" for x in t]
    rows = [f"{x:.3f},{g},{a}" if gyro_first else f"{x:.3f},{a},{g}" for x, g, a in zip(t, gyro, acc, strict=True)]
    wide, plain = tmp_path / "wide.csv", tmp_path / "plain.csv"
    wide.write_text("t,c1,c2,c3,c4,c5,c6\n" + rows[0] + ",7.5\n" + "\n".join(rows[1:]) + "\n")
    plain.write_text("t,c1,c2,c3,c4,c5,c6\n" + "\n".join(rows) + "\n")
    refusal = r"no three acceleration columns that can be told by name \(columns: t, c1"
    for path in (wide, plain):
        with pytest.raises(InputFileError, match=refusal):
            load_recording(path)
    return wide


def test_an_angular_rate_written_as_the_largest_float_is_told_without_a_warning(tmp_path: Path) -> None:
    """REVIEW-237 (`scripts/fuzz_import.py --cases 800 --seed 61`, case 606, on the base too): one gyroscope cell in
    rad/s written 1e308 overflowed to inf in the unit check's conversion to deg/s, numpy's "overflow encountered in
    multiply" on the user's terminal (an error here), as EDGE-278's time did. The row is dropped and told."""
    t = np.arange(2000) / 100.0
    rows = [
        f"{x:.3f},{0.03 * np.sin(6 * x):.4f},0.02,{-1 + 0.3 * np.sin(4 * np.pi * x):.4f},"
        f"{0.5 * np.sin(3 * x):.4f},{0.2 * np.cos(2 * x):.4f},0.01"
        for x in t
    ]
    rows[700] = rows[700].rsplit(",", 1)[0] + ",1e308"
    path = tmp_path / "far.csv"
    path.write_text(
        "time_s,acc_x(G),acc_y(G),acc_z(G),gyro_x(rad/s),gyro_y(rad/s),gyro_z(rad/s)\n" + "\n".join(rows) + "\n"
    )
    session = load_recording(path).session  # pytest turns a warning into an error
    assert session.t_s.size >= 1999 and session.gyr is not None
    assert np.isfinite(session.gyr).sum() >= 3 * 1998


def test_a_geneactiv_header_written_again_is_named_in_a_part_read_alone(tmp_path: Path) -> None:
    """REVIEW-238: a part found by its time (LONG-6) is read by its own `_samples` call; with the header's keys not
    passed there, its header lines were `row_not_a_number` again, and no test failed."""
    path, rows, lines = _geneactiv_header_again(tmp_path / "again.csv")
    session = load_recording(path, part_s=(0.0, 1e6)).session
    assert session.t_s.size == rows
    assert session.meta.extra["import_dropped_detail"] == f"header_repeated={lines}"


def _geneactiv_rows(path: Path) -> tuple[list[str], int]:
    """The test sample's lines (CRLF) and the index of its first data row."""
    lines = geneactiv(path).read_bytes().decode("latin-1").split("\r\n")
    return lines, next(i for i, line in enumerate(lines) if line[:2] == "20")


def test_geneactiv_rows_between_two_stray_quotes_are_read(tmp_path: Path) -> None:
    """A stray double quote at the start of two rows 10 apart: the quote opened in one closed in the other, and the
    rows between were one text field, 11 rows lost and 1 counted. Now the two rows are dropped and counted, the
    rows between read as written (EDGE-281); a lone stray quote (refused before: "EOF inside string") alike."""
    lines, first = _geneactiv_rows(tmp_path / "clean.csv")
    clean = load_recording(tmp_path / "clean.csv").session
    for name, damaged in (("two", (20, 30)), ("one", (20,))):
        stray = list(lines)
        for row in damaged:
            stray[first + row] = '"' + stray[first + row]
        path = tmp_path / f"{name}.csv"
        path.write_bytes("\r\n".join(stray).encode("latin-1"))
        loaded = load_recording(path)
        keep = np.ones(clean.t_s.size, dtype=bool)
        keep[list(damaged)] = False
        assert loaded.session.meta.extra["import_dropped_detail"] == f"row_quote_unclosed={len(damaged)}"
        assert np.array_equal(loaded.session.t_s, clean.t_s[keep] - clean.t_s[keep][0])
        assert np.array_equal(loaded.session.acc, clean.acc[keep])
        assert any("not closed in the row" in note for note in loaded.report.notes)


def test_geneactiv_quotes_that_open_no_field_keep_their_rows(tmp_path: Path) -> None:
    """A quote inside or at the end of a field (``0"``, ``31.6"``) opens no quoted field: the parser reads it as
    text, and the base read every row, the same samples as the clean file. EDGE-281 counted quotes by parity and
    dropped such rows as ``row_quote_unclosed``; a row whose quotes are even but the last opens a field
    (``0",",31.6``: a literal quote, then one at a field's start) was kept and merged the rows after it. Now the
    rows are judged as the parser reads them: only a field opened and not closed drops its row (REVIEW-257); and
    the rows are cut out without a 64-bit count per byte of the file (17 times the file's bytes before)."""
    import tracemalloc

    from retrogait.imports.geneactiv import _without_unclosed_quotes

    lines, first = _geneactiv_rows(tmp_path / "clean.csv")
    clean = load_recording(tmp_path / "clean.csv").session
    literal = list(lines)
    literal[first + 20] += '"'
    literal[first + 30] = literal[first + 30].replace(",0,0,", ',0",0,', 1)
    path = tmp_path / "literal.csv"
    path.write_bytes("\r\n".join(literal).encode("latin-1"))
    loaded = load_recording(path)
    assert "import_dropped_detail" not in loaded.session.meta.extra
    assert np.array_equal(loaded.session.t_s, clean.t_s) and np.array_equal(loaded.session.acc, clean.acc)
    opened = list(lines)
    opened[first + 20] = opened[first + 20].replace(",0,0,", ',0","0,', 1)
    assert opened[first + 20].count('"') == 2
    path = tmp_path / "opened.csv"
    path.write_bytes("\r\n".join(opened).encode("latin-1"))
    loaded = load_recording(path)
    keep = np.ones(clean.t_s.size, dtype=bool)
    keep[20] = False
    assert loaded.session.meta.extra["import_dropped_detail"] == "row_quote_unclosed=1"
    assert np.array_equal(loaded.session.acc, clean.acc[keep])
    raw = ("\r\n".join(opened[first:]) * 20).encode("latin-1")
    tracemalloc.start()
    kept, lost = _without_unclosed_quotes(raw, ",")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(lost) == 20 and len(kept) < len(raw) and peak < 4 * len(raw)


def test_a_geneactiv_file_with_a_trailing_empty_column_is_read(tmp_path: Path) -> None:
    """Every row ending with a separator (a spreadsheet's empty column after GENEActiv's 7) was refused ("table
    cannot be parsed (Number of passed names did not match ...)"); now the same samples as the file as written, and
    a cell in that column told (EDGE-282)."""
    lines, first = _geneactiv_rows(tmp_path / "clean.csv")
    clean = load_recording(tmp_path / "clean.csv").session
    padded = [line + "," if i >= first and line else line for i, line in enumerate(lines)]
    path = tmp_path / "padded.csv"
    path.write_bytes("\r\n".join(padded).encode("latin-1"))
    session = load_recording(path).session
    assert np.array_equal(session.t_s, clean.t_s) and np.array_equal(session.acc, clean.acc)
    padded[first + 5] += "note"
    path.write_bytes("\r\n".join(padded).encode("latin-1"))
    loaded = load_recording(path)
    assert np.array_equal(loaded.session.t_s, clean.t_s) and np.array_equal(loaded.session.acc, clean.acc)
    assert any("empty column after GENEActiv's 7 ('note')" in note for note in loaded.report.notes)


def _columns_reversed(path: Path) -> None:
    """``path``'s table rewritten with its columns in the reverse order (a user or a script moving columns)."""
    lines = path.read_text().splitlines()
    path.write_text("\n".join(",".join(line.split(",")[::-1]) for line in lines) + "\n")


@pytest.mark.parametrize("app", ["physics_toolbox", "sensorlogger", "metabase"])
def test_an_app_s_table_with_its_own_columns_in_another_order_is_read_by_name(tmp_path: Path, app: str) -> None:
    """Physics Toolbox, Sensor Logger and MetaBase tables whose header holds the app's own names in another order:
    read by their app's reader, by name, the same samples as the file in its own order (IMPORT-30). Before, the app
    was not recognised: the generic reader refused Physics Toolbox's and Sensor Logger's (the acceleration without
    gravity by position) and read MetaBase's from `elapsed (s)` (its times up to 2e-7 s off)."""
    if app == "physics_toolbox":
        clean = physics_toolbox(tmp_path / "clean" / "ptb.csv")
        moved = physics_toolbox(tmp_path / "moved" / "ptb.csv")
        targets = [moved]
    elif app == "sensorlogger":  # one of its tables alone (its folder's Metadata.csv names the app already)
        table = sensorlogger_folder(tmp_path / "export") / "TotalAcceleration.csv"
        clean, moved = tmp_path / "clean" / table.name, tmp_path / "moved" / table.name
        for copy in (clean, moved):
            copy.parent.mkdir()
            copy.write_bytes(table.read_bytes())
        targets = [moved]
    else:
        clean = metabase_pair(tmp_path / "clean")
        moved = metabase_pair(tmp_path / "moved")
        targets = sorted(moved.parent.glob("*.csv"))
    for target in targets:
        _columns_reversed(target)
    want, loaded = load_recording(clean), load_recording(moved)
    assert loaded.report.format == want.report.format == app
    assert np.array_equal(loaded.session.t_s, want.session.t_s)
    assert np.array_equal(loaded.session.acc, want.session.acc)
    assert (loaded.session.gyr is None) == (want.session.gyr is None)
    if want.session.gyr is not None:
        assert np.array_equal(loaded.session.gyr, want.session.gyr, equal_nan=True)


def test_an_app_s_names_in_another_order_beside_a_name_it_does_not_write_are_not_its_table() -> None:
    """IMPORT-30 takes an app's table by its names in any order only where every name is the app's own: with a name
    the app does not write beside them the table is another's (the generic reader reads every column). Without this
    test the guard could go unnoticed (REVIEW-259: the mutant dropping it passed every test)."""
    from retrogait.imports.metabase import _kind
    from retrogait.imports.physics_toolbox import _sniff_head

    assert _sniff_head(b"ax,time,ay,az\n0.1,0.0,0.2,9.8\n") > 0
    assert _sniff_head(b"ax,time,ay,az,heart rate\n0.1,0.0,0.2,9.8,80\n") == 0.0
    assert _kind("x-axis (g),epoc (ms),y-axis (g),z-axis (g)") == "acc"
    assert _kind("x-axis (g),epoc (ms),y-axis (g),z-axis (g),heart rate") is None


def test_a_header_of_unknown_names_over_a_first_row_one_field_wider_keeps_its_refusal(tmp_path: Path) -> None:
    """EDGE-276's trade (REVIEW-236's "seen"): "t,c1,...,c6" over rows whose acceleration comes first is refused
    (no acceleration told by name); with one field too many in the first row, the header and that row were read as a
    preamble and the table by position. That row continues the table's clock (0.000, then 0.010, 0.020): a damaged
    row, not metadata; the file keeps the plain file's refusal (EDGE-284). EDGE-276's metadata ("1,2,3,4,5" over a
    clock starting at 0) stays a preamble, and so it does over a clock starting at 10 s: "1" lies 9 s before it, far
    from its 10 ms step."""
    wide = _unknown_names_refused(tmp_path, gyro_first=False)
    t = 10.0 + np.arange(2000) / 100.0
    rows = [f"{x:.3f},{0.3 * np.sin(6 * x):.4f},0.2,{9.8 + 3 * np.sin(4 * np.pi * x):.4f}" for x in t]
    meta = tmp_path / "meta.csv"
    meta.write_text("device,pixel,fw,x\n1,2,3,4,5\n" + "\n".join(rows) + "\n")
    assert "no header, 2 preamble line(s) skipped" in load_recording(meta).session.meta.extra["inferred_layout"]
    mapped = load_recording(wide, generic=GenericCsvOptions(time_column="t", acc_columns=("c1", "c2", "c3")))
    assert (mapped.session.t_s.size, mapped.session.meta.extra["import_dropped_detail"]) == (1999, "malformed=1")


def _plain_table(path: Path, header: bool = True) -> tuple[Path, list[str]]:
    """2000 rows at 100 Hz (time, x, y, z in m/s^2), with its header or without one: the file and its rows."""
    t = np.arange(2000) / 100.0
    rows = [f"{x:.3f},{0.3 * np.sin(6 * x):.4f},0.2,{9.8 + 3 * np.sin(4 * np.pi * x):.4f}" for x in t]
    path.write_text(("time_s,acc_x,acc_y,acc_z\n" if header else "") + "\n".join(rows) + "\n")
    return path, rows


@pytest.mark.parametrize("header", [True, False])
def test_a_blank_line_and_a_row_of_empty_cells_do_not_cut_the_table(tmp_path: Path, header: bool) -> None:
    """A spreadsheet's empty row (`,,,`) under a blank line mid-file was taken as a second table's header: the rows
    after it, half the recording, were not read and not told (the real Pixel phone trace: 29,916 of 59,833 rows).
    Now that row is blank: every sample read, the empty row counted (EDGE-285)."""
    clean, rows = _plain_table(tmp_path / "clean.csv", header)
    damaged = tmp_path / "damaged.csv"
    head = clean.read_text().splitlines()[: 1 if header else 0]
    damaged.write_text("\n".join([*head, *rows[:1000], "", ",,,", *rows[1000:]]) + "\n")
    want, loaded = load_recording(clean).session, load_recording(damaged).session
    assert np.array_equal(loaded.t_s, want.t_s) and np.array_equal(loaded.acc, want.acc)
    assert loaded.meta.extra["import_dropped_detail"] == "row_not_a_number=1"


def test_rows_ending_with_a_separator_the_header_does_not_have_are_read(tmp_path: Path) -> None:
    """Every data row one empty field wider than the header (a spreadsheet's trailing empty column, its header cell
    not written): pandas took the first column as the rows' index and every column shifted, refused as "rows are not
    in time order" (Physics Toolbox, Polar, phyphox) or "no usable acc rows" (MetaWear). Now the same samples as
    the file without the trailing separators (EDGE-285)."""
    toolbox = physics_toolbox_linear(tmp_path / "ptb" / "ptb.csv")  # its aT column not read
    lines = toolbox.read_text().splitlines()
    moved = tmp_path / "ptb_padded" / "ptb.csv"
    moved.parent.mkdir()
    moved.write_text("\n".join([lines[0], *(line + "," for line in lines[1:] if line)]) + "\n")
    want, loaded = load_recording(toolbox).session, load_recording(moved).session
    assert np.array_equal(loaded.t_s, want.t_s) and np.array_equal(loaded.acc, want.acc)
