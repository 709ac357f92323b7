"""A row with more fields than its table's header (EDGE-255): its fields cannot be matched to the header's columns, so
it is dropped and counted as ``malformed`` (what ``read_table``'s docstring said and what a long such row got), not
read by its first fields without a word; a row whose extra fields are empty (a trailing separator) is read. phyphox
writes every row of a table with the header's fields; the generic reader and phyphox's read the same way."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from retrogait.imports import load_recording


def _phyphox(folder: Path, extra: str) -> Path:
    """A phyphox folder (Accelerometer.csv, 100 Hz, 20 s of a 2 Hz bounce, m/s^2) whose row 500 ends in ``extra``."""
    folder.mkdir()
    t = np.arange(2000) / 100.0
    rows = [f"{x:.9E},{0.3 * np.sin(6 * x):.9E},{0.2:.9E},{9.8 + 3 * np.sin(4 * np.pi * x):.9E}" for x in t]
    rows[500] += extra
    head = '"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"'
    (folder / "Accelerometer.csv").write_text(head + "\n" + "\n".join(rows) + "\n")
    return folder


def _generic(path: Path, extra: str) -> Path:
    """The same signal as a generic table (time_s, acc_x..z)."""
    t = np.arange(2000) / 100.0
    rows = [f"{x:.3f},{0.3 * np.sin(6 * x):.4f},0.2,{9.8 + 3 * np.sin(4 * np.pi * x):.4f}" for x in t]
    rows[500] += extra
    path.write_text("time_s,acc_x,acc_y,acc_z\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("make", [_phyphox, _generic])
def test_a_row_wider_than_the_header_is_dropped_and_counted(tmp_path: Path, make: Callable[[Path, str], Path]) -> None:
    session = load_recording(make(tmp_path / "wide", ",7.5E0")).session
    assert session.t_s.size == 1999
    assert not np.isclose(session.t_s, 5.0).any()  # the wide row's own time
    assert session.meta.extra["import_dropped_rows"] == "1"
    assert session.meta.extra["import_dropped_detail"] == "malformed=1"


@pytest.mark.parametrize("make", [_phyphox, _generic])
def test_a_row_whose_extra_fields_are_empty_is_read(tmp_path: Path, make: Callable[[Path, str], Path]) -> None:
    session = load_recording(make(tmp_path / "trailing", ",,")).session
    assert session.t_s.size == 2000
    assert session.meta.extra["import_dropped_rows"] == "0"


def _marked(path: Path, every: int, sep: str = ",", extra: str = "lap") -> Path:
    """The generic table (a 2 Hz bounce at rest level, 100 Hz, 20 s) whose every ``every``-th row ends in a field the
    header does not name (``extra``: a logger's lap or event marker written only on the rows it marks)."""
    t = np.arange(2000) / 100.0
    rows = [f"{x:.3f}{sep}{0.3 * np.sin(6 * x):.4f}{sep}0.2{sep}{9.8 + 3 * np.sin(4 * np.pi * x):.4f}" for x in t]
    rows = [r + (f"{sep}{extra}" if i % every == 5 else "") for i, r in enumerate(rows)]
    path.write_text(sep.join(["time_s", "acc_x", "acc_y", "acc_z"]) + "\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("every", [100, 10])
def test_a_row_whose_extra_field_holds_text_is_read_and_told(tmp_path: Path, every: int) -> None:
    """A marker beyond the header's columns (text, no number) is no part of a sample's values: the row's fields are
    the header's, in order, so it is read by them and the rows holding one are told (REVIEW-221: EDGE-255 dropped
    every such row, 200 of 2000 at every 10th; a row dropped every 100 leaves no 1 s without a gap, and a table
    with a still start was then refused, "hold no gravity at rest")."""
    session = load_recording(_marked(tmp_path / "marked.csv", every)).session
    assert session.t_s.size == 2000
    assert session.meta.extra["import_dropped_rows"] == "0"
    told = [n for n in session.meta.extra.get("import_notes", "").split(" | ") if "beyond the header's" in n]
    assert told == [f"{2000 // every} rows hold text beyond the header's 4 fields ('lap'): read by their first 4"]


@pytest.mark.parametrize(("sep", "extra"), [(",", "7.5"), (";", "7,5"), (",", "-1e3")])
def test_a_row_whose_extra_field_holds_a_number_is_dropped(tmp_path: Path, sep: str, extra: str) -> None:
    """A number beyond the header's columns (a decimal comma's too) may be a value of a row joined to this one or
    shifted by an edit: which field is which column cannot be told, so the row is dropped and counted (EDGE-255)."""
    session = load_recording(_marked(tmp_path / "numbered.csv", 100, sep, extra)).session
    assert session.t_s.size == 1980
    assert session.meta.extra["import_dropped_detail"] == "malformed=20"


@pytest.mark.parametrize("end", ["\r\n", "\r"])
@pytest.mark.parametrize("trailing", [",", ", ", ",\t"])
def test_crlf_or_cr_rows_with_a_trailing_separator_are_read_untold(tmp_path: Path, end: str, trailing: str) -> None:
    """A phyphox table whose every row ends in a separator (and a space or tab) before a CRLF or CR line end (a
    spreadsheet on Windows; GENEActiv writes CR): the line end and the blank are no field's content, so nothing is
    dropped or told (REVIEW-222: no test had a CR; the extra fields read without their blanks stripped passed every
    test). The generic reader takes such a table, every row one field wider than its header, as headerless."""
    folder = _phyphox(tmp_path / "crlf", "")
    table = folder / "Accelerometer.csv"
    head, *rows = table.read_text().splitlines()
    table.write_bytes((head + end + "".join(row + trailing + end for row in rows)).encode())
    session = load_recording(folder).session
    assert session.t_s.size == 2000
    assert session.meta.extra["import_dropped_rows"] == "0"
    assert "beyond the header's" not in session.meta.extra.get("import_notes", "")


def _fields_asked(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The fields the screen asks ``limits._is_number`` of, one by one, from now on."""
    from retrogait.imports import limits

    asked: list[bytes] = []
    number = limits._is_number
    monkeypatch.setattr(limits, "_is_number", lambda field: asked.append(field) or number(field))
    return asked


def _phyphox_rows(folder: Path) -> tuple[Path, str, list[str]]:
    """A phyphox folder's Accelerometer.csv (``_phyphox``'s, no row changed), its header and its rows."""
    table = _phyphox(folder, "") / "Accelerometer.csv"
    head, *rows = table.read_text().splitlines()
    return table, head, rows


def test_trailing_separators_are_screened_without_reading_each_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every row ending in a separator: the screen sees the fields beyond the header's blank in one vectorised pass
    and reads no row's fields one by one (REVIEW-223: EDGE-255 split every such row in Python, an hour's phyphox
    export with trailing separators imported in 0.67-0.75 s instead of 0.2-0.3 s); a row with a marker is still
    read and told."""
    asked = _fields_asked(monkeypatch)
    table, head, rows = _phyphox_rows(tmp_path / "trailing")
    rows[700] += ",lap"
    table.write_text(head + "\n" + "".join(row + ",\n" for row in rows))
    session = load_recording(table.parent).session
    assert session.t_s.size == 2000
    assert asked == []  # nor the marked row's: its fields are read with every wide row's at once (EDGE-264)
    assert "1 rows hold text beyond the header's 4 fields ('lap')" in session.meta.extra["import_notes"]


@pytest.mark.parametrize(("every", "rows_read", "dropped"), [(100, 1980, "malformed=20"), (95, 2000, None)])
def test_numbers_beyond_the_header_on_more_than_one_row_in_a_hundred_are_a_column(
    tmp_path: Path, every: int, rows_read: int, dropped: str | None
) -> None:
    """Rows holding a number beyond the header's fields: up to UNNAMED_COLUMN_SHARE (1 %) of the rows (20 of 2000)
    are damage, dropped and counted (EDGE-255); more (21 of 2000 at every 95th) are a column the header does not
    name, every row read by its first fields and told (EDGE-260: dropping most of a recording for a field nobody asked
    for lost what was recorded)."""
    session = load_recording(_marked(tmp_path / "numbered.csv", every, ",", "7.5")).session
    assert session.t_s.size == rows_read
    assert session.meta.extra.get("import_dropped_detail") == dropped
    told = [n for n in session.meta.extra.get("import_notes", "").split(" | ") if "a column the header" in n]
    assert told == ([] if every == 100 else [_unnamed(sum(i % every == 5 for i in range(2000)))])


def _unnamed(rows: int) -> str:
    return (
        f"{rows} rows hold numbers beyond the header's 4 fields ('7.5'): too many to be damage, a column the header "
        "does not name; read by their first 4"
    )


def test_a_phyphox_table_whose_every_row_holds_an_unnamed_number_is_read(tmp_path: Path) -> None:
    """Every row of a phyphox table one number wider than its header (an edited export, a logger writing phyphox's
    layout with a counter): read by the header's fields, told, nothing dropped (EDGE-260; EDGE-255 dropped all 2000
    rows and refused the file: "has no usable acc rows (0 after dropping bad rows: malformed=2000)")."""
    folder = _phyphox(tmp_path / "counter", "")
    table = folder / "Accelerometer.csv"
    head, *rows = table.read_text().splitlines()
    table.write_text(head + "\n" + "".join(f"{row},7.5\n" for row in rows))
    session = load_recording(folder).session
    assert session.t_s.size == 2000
    assert session.meta.extra["import_dropped_rows"] == "0"
    assert _unnamed(2000) in session.meta.extra["import_notes"].split(" | ")


def test_an_unnamed_number_on_every_row_is_read_without_reading_each_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EDGE-260's table (a number beyond the header on every row) screened without a Python call per row (EDGE-264:
    each row's fields were split and read by ``float`` one by one, ~0.3 s an hour at 100 Hz): read and told as
    before."""
    asked = _fields_asked(monkeypatch)
    table, head, rows = _phyphox_rows(tmp_path / "counter")
    table.write_text(head + "\n" + "".join(f"{row},{i}\n" for i, row in enumerate(rows)))
    session = load_recording(table.parent).session
    assert session.t_s.size == 2000
    assert asked == []
    assert "2000 rows hold numbers beyond the header's 4 fields ('0')" in session.meta.extra["import_notes"]


_TAILS = [
    "",
    " ",
    "\t",
    "\x0b",
    "lap",
    "7.5",
    "7,5",
    "-1e3",
    "1E+05",
    "+.5",
    "1.",
    ".5",
    ".",
    "+",
    "-",
    "e5",
    "1e",
    "1.e5",
    "1.5.3",
    "1,5,3",
    "nan",
    "NaN",
    "-inf",
    "Infinity",
    "infinit",
    "1_000",
    "_1",
    "0x10",
    "12:30",
    "1 2",
    " 3 ",
    "fay",
    "1-2",
    "--1",
    "1e5e5",
    "1e+",
    "5+",
    "x" * 70,
    "1" * 70,
    " " * 70,
    "\u0661",
    "\u00a01",
    "1\u00a0",
    "3\x1c",
]


def _split_each_line(data: bytes, sep: str, n_fields: int) -> tuple[list[int], list[int], list[int]]:
    """REVIEW-221/EDGE-260's decisions by splitting every line in Python (the reference: REVIEW-223's comparison)."""
    numbered: list[int] = []
    marked: list[int] = []
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    for i, line in enumerate(lines[1:], start=1):
        fields = re.split(rb"[ \t]+", line.strip(b" \t")) if sep == r"\s+" else line.split(sep.encode())
        extra = [f.strip() for f in fields[n_fields:]]
        if any(_float(f) for f in extra):
            numbered.append(i)
        elif any(extra):
            marked.append(i)
    rows = sum(1 for line in lines[1:] if line)
    return ([], marked, numbered) if len(numbered) > 0.01 * rows else (numbered, marked, [])


def _float(field: bytes) -> bool:
    try:
        float(field.replace(b",", b"."))
    except ValueError:
        return False
    return True


def test_the_screen_takes_the_decisions_of_splitting_each_line() -> None:
    """Random tables (2-6 fields, ``,`` ``;`` tab, LF and CRLF, tails of blanks, markers, numbers in every form
    ``float`` reads or refuses, long fields, non-ASCII bytes): the vectorised screen's wide rows are those of splitting
    every line (EDGE-264, REVIEW-223's comparison); tables separated by runs of spaces and tabs too (EDGE-265)."""
    from retrogait.imports.limits import _wide_short_rows, line_bounds

    rng = np.random.default_rng(57)
    for _ in range(600):
        n_fields = int(rng.integers(2, 7))
        sep = str(rng.choice([",", ";", "\t", r"\s+"]))
        end = str(rng.choice(["\n", "\r\n"]))
        rows = []
        for _ in range(int(rng.integers(1, 60))):
            gap = (lambda: str(rng.choice([" ", "\t", "  ", " \t"]))) if sep == r"\s+" else (lambda s=sep: s)
            row = (gap() if sep == r"\s+" and rng.random() < 0.2 else "") + gap().join(
                str(v) for v in np.round(rng.normal(size=n_fields), 3)
            )
            if rng.random() < 0.5:
                row += "".join(gap() + str(rng.choice(_TAILS)) for _ in range(int(rng.integers(1, 4))))
            rows.append(row)
        head = (" " if sep == r"\s+" else sep).join(f"c{i}" for i in range(n_fields))
        data = (head + end + end.join(rows) + end).encode("utf-8")
        if b'"' in data:
            continue
        got = _wide_short_rows(data, line_bounds(data), sep, n_fields, 1)
        assert got == _split_each_line(data, sep, n_fields), (sep, n_fields, data[:400])


def _table(path: Path, sep: str, quote: str, extra: dict[int, str], head: str = "time_s,acc_x,acc_y,acc_z") -> Path:
    """The generic table (a 2 Hz bounce at rest level, 100 Hz, 20 s), its fields separated by ``sep`` and each
    written within ``quote``, the rows ``extra``'s keys ending in its text."""
    t = np.arange(2000) / 100.0
    values = [(f"{x:.3f}", f"{0.3 * np.sin(6 * x):.4f}", "0.2", f"{9.8 + 3 * np.sin(4 * np.pi * x):.4f}") for x in t]
    rows = [sep.join(f"{quote}{v}{quote}" for v in row) + extra.get(i, "") for i, row in enumerate(values)]
    names = sep.join(f"{quote}{name}{quote}" for name in head.split(","))
    path.write_text(names + "\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("sep", "quote", "extra"),
    [(",", '"', ',"7.5"'), (",", "", ',"7.5"'), (" ", "", " 7.5"), ("  ", "", "  -1e3"), ("\t", "", " \t7.5")],
)
def test_a_number_beyond_the_header_in_a_quoted_or_whitespace_table_is_dropped(
    tmp_path: Path, sep: str, quote: str, extra: str
) -> None:
    """EDGE-265: rows holding quotes, and tables whose fields are separated by runs of whitespace, were not screened
    (EDGE-255's "not covered"): a row with a number beyond the header was read by its first fields without a word.
    Now screened as any other table: dropped and counted."""
    session = load_recording(_table(tmp_path / "t.csv", sep, quote, {500: extra})).session
    assert session.t_s.size == 1999
    assert session.meta.extra["import_dropped_detail"] == "malformed=1"


@pytest.mark.parametrize(
    ("sep", "quote", "extra", "marker"),
    [(",", '"', ',"lap"', "lap"), (",", "", ',"a,b"', "a,b"), (" ", "", " lap", "lap")],
)
def test_text_beyond_the_header_in_a_quoted_or_whitespace_table_is_told(
    tmp_path: Path, sep: str, quote: str, extra: str, marker: str
) -> None:
    """EDGE-265: a marker (a quoted one may hold the separator) read by the first fields and told, as REVIEW-221's."""
    session = load_recording(_table(tmp_path / "t.csv", sep, quote, {500: extra, 900: extra})).session
    assert session.t_s.size == 2000
    assert session.meta.extra["import_dropped_rows"] == "0"
    assert f"2 rows hold text beyond the header's 4 fields ('{marker}')" in session.meta.extra["import_notes"]


def test_a_number_beyond_the_header_on_many_rows_of_a_whitespace_table_is_a_column(tmp_path: Path) -> None:
    """EDGE-265 with EDGE-260: every 10th row one number wider than its header: read and told, nothing dropped (a
    table whose *every* row is wider is read as headerless, its header a preamble line, as a comma table is)."""
    session = load_recording(_table(tmp_path / "t.txt", " ", "", dict.fromkeys(range(5, 2000, 10), " 7.5"))).session
    assert session.t_s.size == 2000
    assert session.meta.extra["import_dropped_rows"] == "0"
    assert _unnamed(200) in session.meta.extra["import_notes"].split(" | ")


@pytest.mark.parametrize(("sep", "extra"), [(",", ",7.5"), (" ", " 7.5")])
def test_a_first_data_row_wider_than_the_header_is_a_row_not_a_preamble(tmp_path: Path, sep: str, extra: str) -> None:
    """EDGE-265: where the first data row held a field beyond the header's (every 10th row from the first), the
    generic reader took the header and that row for a 2-line preamble and read the table without its header: the
    first sample lost, told only as "2 preamble line(s) skipped". The header is the header; the wide rows are the
    row screen's (here a column the header does not name: read and told, EDGE-260)."""
    session = load_recording(_table(tmp_path / "t.csv", sep, "", dict.fromkeys(range(0, 2000, 10), extra))).session
    assert session.t_s.size == 2000
    assert "no header" not in session.meta.extra["inferred_layout"]
    assert _unnamed(200) in session.meta.extra["import_notes"].split(" | ")


def test_a_wide_first_data_row_that_is_damage_is_dropped_and_counted(tmp_path: Path) -> None:
    """EDGE-265: one wide first row (up to 1 % of the rows): damage, dropped and counted as any other (EDGE-255)."""
    session = load_recording(_table(tmp_path / "t.csv", ",", "", {0: ",7.5"})).session
    assert session.t_s.size == 1999
    assert session.meta.extra["import_dropped_detail"] == "malformed=1"


def test_a_separator_within_quotes_makes_no_row_wide(tmp_path: Path) -> None:
    """EDGE-265 counts only the separators outside quotes: a label column whose quoted text holds the separator
    ("walk, fast" on every 10th row) is no field beyond the header. Without that part of the rule those rows were told
    "hold text beyond the header's 5 fields" and no test failed (REVIEW-231)."""
    t = np.arange(2000) / 100.0
    rows = [
        f"{x:.3f},{0.3 * np.sin(6 * x):.4f},0.2,{9.8 + 3 * np.sin(4 * np.pi * x):.4f},"
        + ('"walk, fast"' if i % 10 == 0 else '"run"')
        for i, x in enumerate(t)
    ]
    path = tmp_path / "labelled.csv"
    path.write_text("time_s,acc_x,acc_y,acc_z,label\n" + "\n".join(rows) + "\n")
    session = load_recording(path).session
    assert session.t_s.size == 2000
    assert "beyond the header" not in session.meta.extra.get("import_notes", "")


def test_a_quoted_table_whose_separators_make_up_its_rows_is_not_parsed_for_quotes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """phyphox quotes every value: where the separators count exactly the header's fields on every row, no row can be
    wide but with a short one beside it (EDGE-265's fast path, as without quotes), so the quotes are not followed byte
    by byte (EDGE-272: following them cost a 93 MB phyphox hour ~0.4 s of its 0.6 s read); a wide row still is."""
    from retrogait.imports import limits

    followed: list[int] = []
    outside = limits._outside_quotes
    monkeypatch.setattr(limits, "_outside_quotes", lambda buf, ends: followed.append(buf.size) or outside(buf, ends))
    session = load_recording(_table(tmp_path / "t.csv", ",", '"', {})).session
    assert followed == []
    assert "beyond the header" not in session.meta.extra.get("import_notes", "")
    session = load_recording(_table(tmp_path / "w.csv", ",", '"', {500: ',"7.5"'})).session
    assert len(followed) == 1
    assert session.meta.extra.get("import_dropped_detail") == "malformed=1"
