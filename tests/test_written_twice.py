"""A block of rows written twice (a logger or an app sending a buffer again: each row's time and every value equal,
as read from the file's text, to a row already read) is the same samples twice: the repeats are dropped, counted
(``<stream>_written_twice``) and told; a time going back to *other* values is still refused as a clock reset or two
recordings joined (EDGE-262)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from retrogait.errors import InputFileError
from retrogait.imports import load_recording

Edit = Callable[[list[str]], list[str]]


def _rows() -> list[str]:
    """2000 rows of a 2 Hz bounce at 100 Hz (time_s, acc_x..z in m/s^2)."""
    t = np.arange(2000) / 100.0
    return [f"{x:.3f},{0.3 * np.sin(6 * x):.4f},0.2,{9.8 + 3 * np.sin(4 * np.pi * x):.4f}" for x in t]


def _generic(path: Path, edit: Edit) -> Path:
    path.write_text("time_s,acc_x,acc_y,acc_z\n" + "\n".join(edit(_rows())) + "\n")
    return path


def _phyphox(folder: Path, edit: Edit) -> Path:
    folder.mkdir()
    head = '"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"'
    (folder / "Accelerometer.csv").write_text(head + "\n" + "\n".join(edit(_rows())) + "\n")
    return folder


def _block_again(rows: list[str]) -> list[str]:  # rows 800..999 written again after row 999
    return rows[:1000] + rows[800:1000] + rows[1000:]


def _start_again_at_end(rows: list[str]) -> list[str]:  # the first 200 rows written again at the end
    return rows + rows[:200]


@pytest.mark.parametrize("make", [_generic, _phyphox])
@pytest.mark.parametrize("edit", [_block_again, _start_again_at_end])
def test_a_block_written_twice_is_read_once_and_told(
    tmp_path: Path, make: Callable[[Path, Edit], Path], edit: Edit
) -> None:
    clean = load_recording(make(tmp_path / "clean", lambda rows: rows)).session
    loaded = load_recording(make(tmp_path / "twice", edit))
    session = loaded.session
    np.testing.assert_array_equal(session.t_s, clean.t_s)
    np.testing.assert_array_equal(session.acc, clean.acc)
    assert session.meta.extra["import_dropped_rows"] == "200"
    label, words = ("row", "rows") if make is _generic else ("acc", "accelerometer rows")  # the generic reader's rows
    assert session.meta.extra["import_dropped_detail"] == f"{label}_written_twice=200"
    notes = session.meta.extra["import_notes"]
    assert f"200 {words} repeat the time and every value of rows already read" in notes


def test_a_time_going_back_to_other_values_is_still_refused(tmp_path: Path) -> None:
    def reset(rows: list[str]) -> list[str]:  # rows 800..999's times again, with the values of rows 1000..1199
        again = [
            f"{a.split(',')[0]},{','.join(b.split(',')[1:])}"
            for a, b in zip(rows[800:1000], rows[1000:1200], strict=True)
        ]
        return rows[:1000] + again + rows[1000:]

    with pytest.raises(InputFileError, match="time goes back"):
        load_recording(_generic(tmp_path / "reset.csv", reset))


def test_a_block_with_one_value_changed_keeps_its_other_repeats_dropped(tmp_path: Path) -> None:
    def edited(rows: list[str]) -> list[str]:  # the block again, one of its rows with another acc_y
        block = rows[800:1000]
        block[50] = block[50].replace(",0.2,", ",0.3,")
        return rows[:1000] + block + rows[1000:]

    session = load_recording(_generic(tmp_path / "edited.csv", edited)).session
    assert session.t_s.size == 2000
    assert session.meta.extra["import_dropped_detail"] == "row_time_not_increasing=1;row_written_twice=199"


def _header_again(rows: list[str]) -> list[str]:  # the header written again at the middle (``_HEAD`` set by the maker)
    return rows[:1000] + ["HEAD"] + rows[1000:]


def _units_row(rows: list[str]) -> list[str]:
    return ["s,m/s^2,m/s^2,m/s^2"] + rows


@pytest.mark.parametrize(
    ("make", "edit", "reason"),
    [
        (_generic, _header_again, "header_repeated"),
        (_phyphox, _header_again, "header_repeated"),
        (_phyphox, _units_row, "units_row"),  # the generic reader takes a units row for its header (refused, as before)
    ],
)
def test_a_header_written_again_or_a_units_row_is_named(
    tmp_path: Path, make: Callable[[Path, Edit], Path], edit: Edit, reason: str
) -> None:
    """EDGE-263: dropped and counted as before, under what it is, not ``<stream>_not_a_number``."""
    head = "time_s,acc_x,acc_y,acc_z" if make is _generic else '"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"'
    loaded = load_recording(make(tmp_path / "messy", lambda rows: [head if r == "HEAD" else r for r in edit(rows)]))
    session = loaded.session
    assert session.t_s.size == 2000
    assert session.meta.extra["import_dropped_rows"] == "1"
    assert session.meta.extra["import_dropped_detail"] == f"{reason}=1"


def _text_at_row_7(row: str, i: int) -> str:  # a cell of text: the table is read as text, not by the C parser's floats
    return row.replace(",0.2,", ",x,") if i == 7 else row


@pytest.mark.parametrize("first", ["nan,nan,nan,nan", "NaN,-inf,Infinity,+inf"])
def test_a_first_row_of_values_that_are_no_finite_number_is_no_units_row(tmp_path: Path, first: str) -> None:
    """A first sample whose cells read as NaN or infinite is a sample's (dropped or kept as the readers count any),
    not a units row (EDGE-263)."""
    loaded = load_recording(
        _phyphox(tmp_path / "nan", lambda rows: [first, *(_text_at_row_7(r, i + 1) for i, r in enumerate(rows[1:]))])
    )
    assert "units_row" not in loaded.session.meta.extra.get("import_dropped_detail", "")


def test_a_decimal_comma_table_s_first_row_is_no_units_row(tmp_path: Path) -> None:
    """``;`` and decimal commas (a German Excel's save) read as text: its first row is a sample, its numbers written
    with a comma (EDGE-263)."""
    head = '"Time (s)";"X (m/s^2)";"Y (m/s^2)";"Z (m/s^2)"'
    rows = [_text_at_row_7(row, i).replace(",", ";").replace(".", ",") for i, row in enumerate(_rows())]
    folder = tmp_path / "de"
    folder.mkdir()
    (folder / "Accelerometer.csv").write_text(head + "\n" + "\n".join(rows) + "\n")
    session = load_recording(folder).session
    assert session.t_s.size == 2000
    assert "units_row" not in session.meta.extra.get("import_dropped_detail", "")


def test_a_clock_reset_refused_names_where_the_time_goes_back_though_its_start_repeats_rows(tmp_path: Path) -> None:
    """A sensor whose output at rest is constant (a coarse phone accelerometer lying on a table) starts two recordings
    at rest; the second, its clock from 0 again, repeats the first's first 10 s to the bit, then moves otherwise.
    The file is refused as a clock reset, as on the base; its refusal named the time going back "to 10 s" and
    counted 200 of 3200 rows, the still rows already taken as written twice: where to split the file was wrong.
    Where the file is refused anyway, the refusal speaks of the rows as written: to 0 s, 1200 of 4200 (REVIEW-230)."""
    t = np.arange(3000) / 100.0
    still = [f"{x:.3f},0.0000,0.0000,9.8066" for x in t[:1000]]
    moving = [f"{x:.3f},{0.3 * np.sin(6 * x):.4f},0.2,{9.8 + 3 * np.sin(4 * np.pi * x):.4f}" for x in t[1000:]]
    second = [*still, *(f"{x:.3f},0.1,0.2,9.0" for x in t[1000:1200])]
    path = tmp_path / "reset.csv"
    path.write_text("time_s,acc_x,acc_y,acc_z\n" + "\n".join([*still, *moving, *second]) + "\n")
    with pytest.raises(InputFileError, match=r"time goes back from 29\.99 s to 0 s .* 1200 of 4200 rows"):
        load_recording(path)


def test_rows_with_missing_values_written_twice_are_repeats_too(tmp_path: Path) -> None:
    """A missing value equals a missing one (EDGE-262's rule, not tested before): a table whose gyroscope is written on
    every other row (its cells empty between), a block of it written again, reads as the clean table; without the
    rule the block's 100 rows with empty cells lie behind, more than 1 % of the rows, and the file is refused as a
    clock reset (REVIEW-231)."""

    def rows() -> list[str]:
        out = []
        for i, row in enumerate(_rows()):
            x = i / 100.0
            out.append(row + (f",{20 * np.sin(3 * x):.3f},{5 * np.cos(2 * x):.3f},1.000" if i % 2 == 0 else ",,,"))
        return out

    def write(path: Path, lines: list[str]) -> Path:
        path.write_text("time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n" + "\n".join(lines) + "\n")
        return path

    clean = load_recording(write(tmp_path / "clean.csv", rows())).session
    r = rows()
    session = load_recording(write(tmp_path / "twice.csv", r[:1000] + r[800:1000] + r[1000:])).session
    np.testing.assert_array_equal(session.t_s, clean.t_s)
    np.testing.assert_array_equal(session.acc, clean.acc)
    assert clean.gyr is not None and session.gyr is not None
    np.testing.assert_array_equal(session.gyr, clean.gyr)
    assert session.meta.extra["import_dropped_detail"] == "row_written_twice=200"
