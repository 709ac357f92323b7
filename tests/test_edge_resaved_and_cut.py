"""Users' files changed on the way (issues 15/17): a table sorted by a column, a zip or workbook cut short, a session
file saved again by a spreadsheet with `;` or quoted decimal commas, a Polar file saved as a workbook (EDGE-172..175,
EDGE-177..179)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.errors import RetrogaitError
from retrogait.imports import ImportResult, load_recording
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
    if gyro_as == "xlsx":  # given the GYRO workbook: the pair, as for the text
        by_gyro = load_recording(next(folder.glob("*_GYRO.xlsx"))).session
        np.testing.assert_array_equal(by_gyro.acc, got.acc)
        assert by_gyro.meta.sensor == got.meta.sensor


def _zipped(folder: Path, path: Path, streamed: bool, stored: bool = False) -> Path:
    """``folder``'s files zipped (deflated; ``stored``: not packed) into ``path``; ``streamed``: as an app writing to a
    stream does (each member's sizes in a data descriptor after it, not in its local header)."""
    with open(path, "wb") as fh:
        out = _Unseekable(fh) if streamed else fh
        method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(out, "w", method) as archive:  # type: ignore[arg-type]
            for file in sorted(folder.iterdir()):
                archive.write(file, f"export/{file.name}")
    return path


class _Unseekable:
    def __init__(self, fh: io.BufferedWriter) -> None:
        self.fh = fh

    def write(self, data: bytes) -> int:
        return self.fh.write(data)

    def flush(self) -> None:
        self.fh.flush()

    def tell(self) -> int:
        raise OSError("not seekable")

    def seekable(self) -> bool:
        return False


def _read_cut_in(whole: Path, member: str, cut: Path, expected: Session) -> ImportResult:
    """``whole`` cut halfway through its ``member`` into ``cut``, read: a prefix of ``expected``'s samples."""
    with zipfile.ZipFile(whole) as archive:
        info = archive.getinfo(member)
    cut.write_bytes(whole.read_bytes()[: info.header_offset + 60 + info.compress_size // 2])
    result = load_recording(cut)
    session = result.session
    assert 0.2 * expected.n_samples < session.n_samples < expected.n_samples
    np.testing.assert_allclose(session.acc, expected.acc[: session.n_samples], atol=1e-9)
    return result


@pytest.mark.parametrize(("streamed", "stored"), [(False, False), (True, False), (False, True), (True, True)])
def test_a_zip_cut_short_keeps_its_whole_rows_and_says_so(streamed: bool, stored: bool, tmp_path: Path) -> None:
    """A Sensor Logger export's zip whose download was interrupted: refused whole, "is a damaged zip archive (cut
    short while copying or downloading?)" (EDGE-173). Now its members are read from their local headers: the whole
    ones kept, the one cut up to its last whole row, the cut said; cut before any row, refused in one line. Stored
    members streamed (sizes in a descriptor after each, as Go's archive/zip writes them) ended the reading at the
    first: "no whole file or row before the cut" (EDGE-182)."""
    folder = samples.sensorlogger_folder(tmp_path / "sl")
    whole = _zipped(folder, tmp_path / "whole.zip", streamed, stored)
    expected = load_recording(whole).session
    # cut in the table the reader times the recording by
    result = _read_cut_in(whole, "export/TotalAcceleration.csv", tmp_path / "cut.zip", expected)
    note = next(n for n in result.report.notes if "cut short" in n)
    assert "cut.zip" in note and "TotalAcceleration.csv cut after" in note and "unfinished last row left out" in note
    assert "cut short" in result.session.meta.extra["import_cut_short"]
    assert result.report.dropped.get("last_line_cut_short") == 1
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[:40])
    with pytest.raises(RetrogaitError, match=r"cut.zip: is a zip archive cut short .* download it again$"):
        load_recording(cut)


def test_a_workbook_cut_short_keeps_its_whole_rows_and_says_so(tmp_path: Path) -> None:
    """phyphox's Excel export cut short (its sheets come first, the workbook's own parts last): refused as a damaged
    zip archive (EDGE-173). Now its whole sheets and the whole rows of the sheet cut are read, the cut said."""
    book = samples.phyphox_workbook(tmp_path / "run.xlsx", samples.phyphox_folder(tmp_path / "ph"))
    result = _read_cut_in(book, "xl/worksheets/sheet1.xml", tmp_path / "cut.xlsx", load_recording(book).session)
    assert any("cut.xlsx: workbook cut short" in n for n in result.report.notes)


def _headerless(path: Path, rows: np.ndarray, key: np.ndarray | None = None) -> Path:
    """``rows`` (time s, acc x y z m/s^2, ...) as a table without a header, sorted by ``key`` (a stable sort, as a
    spreadsheet's) where given."""
    order = np.arange(len(rows)) if key is None else np.argsort(key, kind="stable")
    path.write_text("".join(",".join(f"{v:.5f}" for v in row) + "\n" for row in rows[order]))
    return path


def test_a_headerless_table_sorted_by_another_column_is_put_back_in_time_order(tmp_path: Path) -> None:
    """A table without a header that a user sorted by |acc x| (or by x) was refused "has no time column (none
    increasing)" (EDGE-172). Its time column, sorted, is a steady clock and the only one: the rows are put back in
    its order, said in the notes and the header; the same samples as the table in order."""
    t = np.arange(3000) / 100.0
    acc = samples.truth_acc_ms2(t) + np.random.default_rng(5).normal(0, 0.05, (t.size, 3))
    rows = np.column_stack([t, acc])
    expected = load_recording(_headerless(tmp_path / "in_order.csv", rows)).session
    for key, tail in ((np.abs(acc[:, 0]), ""), (acc[:, 1], ",,,\n" * 3)):  # a spreadsheet's empty rows after it
        table = _headerless(tmp_path / "sorted.csv", rows, key)
        table.write_text(table.read_text() + tail)
        result = load_recording(table)
        np.testing.assert_array_equal(result.session.t_s, expected.t_s)
        np.testing.assert_array_equal(result.session.acc, expected.acc)
        assert any("rows were not in time order" in n and "column 0" in n for n in result.report.notes)
        assert "put back in the order of column 0" in result.session.meta.extra["import_notes"]


def test_a_headerless_table_with_two_clocks_in_other_orders_is_refused_in_one_line(tmp_path: Path) -> None:
    """Two columns that each sort into a steady clock, in different orders: which is the time cannot be told; refused
    in one line saying to sort the file by its time column (EDGE-172)."""
    t = np.arange(3000) / 100.0
    other = np.random.default_rng(3).permutation(t.size) * 0.02
    rows = np.column_stack([t, samples.truth_acc_ms2(t), other])
    table = _headerless(tmp_path / "two.csv", rows, samples.truth_acc_ms2(t)[:, 2])
    with pytest.raises(RetrogaitError, match=r"two.csv: has its rows out of time order .* sort the file by its time"):
        load_recording(table)


def _sorted_table(path: Path, column: int, sep: str) -> None:
    """``path``'s rows sorted by one of its columns (a spreadsheet's stable sort, then saved), its header kept first."""
    header, *rows = path.read_text().splitlines()
    key = [float(row.split(sep)[column].strip('"').replace(",", ".")) for row in rows]
    path.write_text("\n".join([header, *(rows[i] for i in np.argsort(key, kind="stable"))]) + "\n")


def _date_text_table(path: Path) -> Path:
    """A logger's table with a header: date-time text to the ms, acceleration in m/s^2, ';' between columns."""
    t = samples.times()
    stamps = (np.datetime64("2024-05-01T10:00:00.000") + np.round(t * 1000).astype("timedelta64[ms]")).astype(str)
    acc = samples.truth_acc_ms2(t)
    rows = zip(stamps, acc.tolist(), strict=True)
    lines = "".join(f"{s.replace('T', ' ')};{x:.5f};{y:.5f};{z:.5f}\n" for s, (x, y, z) in rows)
    path.write_text("timestamp;acc_x;acc_y;acc_z\n" + lines)
    return path


#: Each app's export with its own time column: how to make it, its tables (globs), the column to sort them by, the
#: separator. Movesense's JSON log has no rows a spreadsheet sorts (its packets out of order are dropped as before).
_APPS = {
    "phyphox": (lambda p: samples.phyphox_folder(p), ["Accelerometer.csv", "Gyroscope.csv"], 1, ","),
    "sensorlogger": (
        lambda p: samples.sensorlogger_folder(p),
        ["Accelerometer.csv", "Gyroscope.csv", "TotalAcceleration.csv"],
        4,
        ",",
    ),
    "polar_logger": (lambda p: samples.polar_pair(p), ["*_ACC.txt", "*_GYRO.txt"], 2, ";"),
    "metabase": (lambda p: samples.metabase_pair(p), ["*Accelerometer*", "*Gyroscope*"], 3, ","),
    "physics_toolbox": (lambda p: samples.physics_toolbox(p / "pt.csv"), ["pt.csv"], 1, ","),
    "sensorlog": (lambda p: samples.sensorlog(p / "sl.csv"), ["sl.csv"], 3, ","),
    "generic_csv": (lambda p: samples.generic(p / "log.csv"), ["log.csv"], 1, ";"),
    "generic_csv date text": (lambda p: _date_text_table(p / "log.csv"), ["log.csv"], 1, ";"),
}


@pytest.mark.parametrize("app", list(_APPS))
def test_an_app_table_with_a_header_sorted_by_another_column_is_put_back_in_time_order(
    app: str, tmp_path: Path
) -> None:
    """An app's export (or a logger's table with a header) whose rows a user sorted by its x column was refused "rows
    are not in time order ... sort the file by time" or "sort the rows by NAME" (EDGE-165), while a table without a
    header is put back in the order of its one steady clock (EDGE-172). One rule now (EDGE-177): the same samples as
    the export in order, said in the notes and the header."""
    make, tables, column, sep = _APPS[app]
    recording = make(tmp_path)
    expected = load_recording(recording).session
    for pattern in tables:
        for table in tmp_path.glob(pattern):
            _sorted_table(table, column, sep)
    result = load_recording(recording)
    assert result.report.format == app.split()[0]
    np.testing.assert_array_equal(result.session.t_s, expected.t_s)
    np.testing.assert_array_equal(result.session.acc, expected.acc)
    if expected.gyr is not None:
        assert result.session.gyr is not None
        np.testing.assert_array_equal(result.session.gyr, expected.gyr)
    assert any("not in time order" in n and "put back in the order of" in n for n in result.report.notes)
    assert "put back in the order of" in result.session.meta.extra["import_notes"]


def _headerless_dates(path: Path, fmt: str, key_column: int = 1) -> Path:
    """A table without a header: date-time text written with ``fmt`` (numpy's ISO text cut to it), acceleration in
    m/s^2; rows sorted by acceleration column ``key_column`` (1..3)."""
    t = np.arange(3000) / 100.0
    acc = samples.truth_acc_ms2(t) + np.random.default_rng(5).normal(0, 0.05, (t.size, 3))
    stamps = (np.datetime64("2024-05-01T10:00:00.000") + np.round(t * 1000).astype("timedelta64[ms]")).astype(str)
    text = {"ms": lambda s: s.replace("T", " "), "s": lambda s: s.replace("T", " ")[:19], "day": lambda s: s[11:]}
    rows = [f"{text[fmt](s)},{x:.5f},{y:.5f},{z:.5f}\n" for s, (x, y, z) in zip(stamps, acc.tolist(), strict=True)]
    order = np.arange(len(rows)) if key_column == 0 else np.argsort(acc[:, key_column - 1], kind="stable")
    path.write_text("".join(rows[i] for i in order))
    return path


def test_a_headerless_table_of_date_text_sorted_by_another_column_is_put_back_or_refused_naming_it(
    tmp_path: Path,
) -> None:
    """A table without a header whose time is date-time text, sorted by x: refused "holds no three acceleration
    columns that can be told by name" (EDGE-172 read numbers only). Now put back in the order of its dates where they
    are one a row and steady (EDGE-179); written to the whole second, or as a time of day without its date, the order
    cannot be told: refused in one line naming the column."""
    expected = load_recording(_headerless_dates(tmp_path / "in_order.csv", "ms", key_column=0)).session
    result = load_recording(_headerless_dates(tmp_path / "sorted.csv", "ms"))
    np.testing.assert_array_equal(result.session.t_s, expected.t_s)
    np.testing.assert_array_equal(result.session.acc, expected.acc)
    assert "put back in the order of column 0" in result.session.meta.extra["import_notes"]
    for fmt in ("s", "day"):
        with pytest.raises(RetrogaitError) as err:
            load_recording(_headerless_dates(tmp_path / f"{fmt}.csv", fmt))
        message = str(err.value)
        assert "\n" not in message and message.startswith(str(tmp_path / f"{fmt}.csv"))
        assert "out of time order: column 0 holds" in message and "sort the file by column 0" in message


def _spreadsheet_comma(text: str, quoted: bool, as_held: bool = False) -> str:
    """A session file opened in a spreadsheet in a decimal-comma locale (split at its commas) and saved as CSV with
    ``,`` between the cells, each row padded to the widest; numbers with a decimal comma, quoted (LibreOffice, Excel)
    where ``quoted``; ``as_held``: each written as the number the spreadsheet holds (0.0 as ``0``, unquoted)."""
    rows = list(csv.reader(io.StringIO(text)))
    width = max(len(row) for row in rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    table = False
    for row in rows:
        if not row[0].startswith("#"):
            cells = [f"{float(c):.15g}" for c in row] if as_held and table else row
            row = [c.replace(".", ",") for c in cells] if table else row
            table = True
        if quoted:
            writer.writerow(row + [""] * (width - len(row)))
        else:
            out.write(",".join(row + [""] * (width - len(row))) + "\r\n")
    return out.getvalue()


@pytest.mark.parametrize("labels", [False, True])
def test_a_session_file_saved_again_with_quoted_decimal_commas_is_read(labels: bool, tmp_path: Path) -> None:
    """A session file saved again with ',' between its columns and its numbers quoted with a decimal comma ("1,23"):
    refused "column t_s holds text, not a number: '0,0'" (EDGE-174 read ';' only). Now read with the same samples and
    header, said (EDGE-178); unquoted, its columns cannot be told apart: refused in one line saying how to save it."""
    t = samples.times()
    extra = {"label": np.where(t < 1.0, "stand, still", "walk")} if labels else {}
    meta = SessionMeta(placement="shank", sample_rate_hz=100.0, side="left", extra={"note": "x, y"})
    session = Session(t_s=t, acc=samples.truth_acc_ms2(t), gyr=samples.truth_gyr_dps(t), meta=meta, extra=extra)
    original = write_session(session, tmp_path / "session.csv")
    expected = load_recording(original).session
    resaved = tmp_path / "resaved.csv"
    resaved.write_text(_spreadsheet_comma(original.read_text(), quoted=True))
    result = load_recording(resaved)
    assert result.report.format == "native"
    np.testing.assert_array_equal(result.session.t_s, expected.t_s)
    np.testing.assert_array_equal(result.session.acc, expected.acc)
    assert result.session.gyr is not None and expected.gyr is not None
    np.testing.assert_array_equal(result.session.gyr, expected.gyr)
    assert result.session.meta.side == "left" and result.session.meta.extra["note"] == "x, y"
    if labels:
        assert list(result.session.extra["label"]) == list(expected.extra["label"])
    assert "quoted numbers with ','" in result.session.meta.extra["import_notes"]
    if not labels:
        resaved.write_text(_spreadsheet_comma(original.read_text(), quoted=False))
        with pytest.raises(RetrogaitError, match=r"resaved.csv: .* cannot be told apart; save it again with ';'"):
            load_recording(resaved)


@pytest.mark.parametrize(("streamed", "stored"), [(False, False), (True, False), (True, True)])
def test_a_zip_cut_anywhere_is_read_or_refused_in_one_line(streamed: bool, stored: bool, tmp_path: Path) -> None:
    """Cut at 60 places, from inside the first local header to just before the end: each read (a prefix of the
    samples) or refused in one line naming the zip, never an exception of another kind (EDGE-173; stored members
    with descriptors, EDGE-182)."""
    whole = _zipped(samples.sensorlogger_folder(tmp_path / "sl"), tmp_path / "whole.zip", streamed, stored)
    data = whole.read_bytes()
    cut = tmp_path / "cut.zip"
    read = 0
    for at in np.linspace(10, len(data) - 1, 60).astype(int):
        cut.write_bytes(data[:at])
        try:
            session = load_recording(cut).session
        except RetrogaitError as exc:
            assert "\n" not in str(exc) and str(cut) in str(exc)
            continue
        read += 1
        assert session.n_samples > 0 and "cut short" in session.meta.extra["import_cut_short"]
    assert read >= 30


@pytest.mark.parametrize("zip64", [False, True])
def test_a_bomb_in_a_zip_cut_short_is_refused_whatever_size_its_local_header_gives(zip64: bool, tmp_path: Path) -> None:
    """REVIEW-13: a member's unpacking limit was taken over the larger of the packed size its local header gives and
    the bytes left: a zip64 member (its sizes 0xFFFFFFFF in the header, as a stream writer gives them) or a header
    giving any large size raised the limit to 8 GiB, and a cut zip holding 40 kB that unpack to 17 MiB (and
    further, in memory) was inflated whole and read. The limit is now over the packed bytes the member can have."""
    line = b"0.0,0.0,0.0,9.8\n"
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("run/acc.csv", "w", force_zip64=zip64) as fh,
    ):
        fh.write(b"t,x,y,z\n" + line * (17 * 1024**2 // len(line)))
    data = buffer.getvalue()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: data.index(b"PK\x01\x02")])  # the central directory lost
    with pytest.raises(RetrogaitError, match=r"acc.csv: unpacks to more than 16 MiB .*decompression bomb"):
        load_recording(cut)


def test_an_encrypted_zip_cut_short_is_refused_as_encrypted(tmp_path: Path) -> None:
    """REVIEW-14: a password-protected zip cut short (its members' flag bit 0) was inflated as if plain: a deflated
    member's ciphertext breaks the inflater, "cut short ... with no whole file or row before the cut: download it
    again" (`zip -P`, checked by hand), which no download mends; a stored one's ciphertext went to the readers as a
    table. Refused as encrypted instead, as the whole zip is."""
    folder = samples.sensorlogger_folder(tmp_path / "sl")
    data = bytearray(_zipped(folder, tmp_path / "whole.zip", streamed=False).read_bytes())
    at = 0
    while (at := data.find(b"PK\x03\x04", at)) >= 0:  # every member flagged encrypted (bit 0 of its flags)
        data[at + 6] |= 1
        at += 4
    cut = tmp_path / "cut.zip"
    cut.write_bytes(bytes(data[: len(data) * 2 // 3]))
    with pytest.raises(RetrogaitError, match=r"cut.zip/export/\S+: is encrypted"):
        load_recording(cut)


def test_a_polar_workbook_whose_name_holds_brackets_finds_its_gyroscope(tmp_path: Path) -> None:
    """REVIEW-15: the partner of a Polar file saved as a workbook was looked up with its name as a glob pattern, so a
    name holding `[...]` (a user's "[copy]") matched nothing: the gyroscope was dropped without a word (the text
    pair, matched by name, keeps it)."""
    folder = tmp_path / "book"
    samples.polar_pair(folder)
    for file in list(folder.iterdir()):
        file.rename(folder / file.name.replace("Polar_", "Polar [copy]_"))
    _as_workbook(next(folder.glob("*_GYRO.txt")))
    result = load_recording(_as_workbook(next(folder.glob("*_ACC.txt"))))
    assert result.report.format == "polar_logger" and result.session.gyr is not None


def _rewritten(table: Path, sep: str, header: bool, repeated: bool, newest_first: bool) -> None:
    """``table``'s rows (after its header, where it has one): ``repeated``, two stamps written twice (the row after
    each carries the stamp of the row before, as a phone's clock repeats one); ``newest_first``: newest first."""
    lines = table.read_text().splitlines()
    head, rows = (lines[:1], lines[1:]) if header else ([], lines)
    for k in (50, 150) if repeated else ():
        cells = rows[k + 1].split(sep)
        rows[k + 1] = sep.join([rows[k].split(sep)[0], *cells[1:]])
    table.write_text("\n".join([*head, *(rows[::-1] if newest_first else rows)]) + "\n")


@pytest.mark.parametrize("repeated", [False, True])
@pytest.mark.parametrize("app", [*_APPS, "generic_csv headerless"])
def test_rows_newest_first_are_put_back_by_reversing_them(app: str, repeated: bool, tmp_path: Path) -> None:
    """A table whose rows were written newest first was refused "rows are in reverse time order (newest first); sort
    the file by time" (EDGE-2), also with a stamp written twice (REVIEW-18). Reversing is lossless: each app's tables
    (and a table without a header) are read as the same tables in time order, the ties kept as the clock wrote them
    (a stable sort would swap them), said in the notes and the header (EDGE-180)."""
    if app == "generic_csv headerless":
        t = np.arange(3000) / 100.0
        rows = np.column_stack([t, samples.truth_acc_ms2(t)])

        def make(p: Path) -> Path:
            return _headerless(p / "trace.csv", rows)

        tables, sep = ["trace.csv"], ","
    else:
        make, tables, _, sep = _APPS[app]
    read = {}
    for newest_first in (False, True):
        folder = tmp_path / ("newest_first" if newest_first else "in_order")
        folder.mkdir()
        recording = make(folder)
        for pattern in tables:
            for table in folder.glob(pattern):
                _rewritten(table, sep, app != "generic_csv headerless", repeated, newest_first)
        read[newest_first] = load_recording(recording)
    expected, result = read[False].session, read[True]
    np.testing.assert_array_equal(result.session.t_s, expected.t_s)
    np.testing.assert_array_equal(result.session.acc, expected.acc)
    if expected.gyr is not None:
        assert result.session.gyr is not None
        np.testing.assert_array_equal(result.session.gyr, expected.gyr)
    assert "written newest first" in result.session.meta.extra["import_notes"]
    assert any("put back in time order by reversing them" in n for n in result.report.notes)


def test_a_session_file_whose_first_row_holds_whole_numbers_is_read(tmp_path: Path) -> None:
    """A session file written by another tool (or saved again by a spreadsheet with '.' for the decimal point) writes
    0.0 as "0": a first row "0,0,0,10,0,0,0" was refused as "saved again with ',' ... for the decimal point, unquoted"
    (EDGE-178 asked only that its first two cells be whole numbers and the row have twice the core's commas). A number
    split at its decimal comma gives the row more cells than the header has names; this one has as many (REVIEW-19)."""
    t = samples.times()
    acc, gyr = samples.truth_acc_ms2(t), samples.truth_gyr_dps(t)
    acc[0], gyr[0] = (0.0, 0.0, 10.0), (0.0, 0.0, 0.0)
    meta = SessionMeta(placement="shank", sample_rate_hz=100.0, side="left")
    original = write_session(Session(t_s=t, acc=acc, gyr=gyr, meta=meta), tmp_path / "session.csv")
    expected = load_recording(original).session
    lines = original.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if not line.startswith("#")) + 1
    lines[first] = ",".join(cell.removesuffix(".0") for cell in lines[first].split(","))
    assert lines[first] == "0,0,0,10,0,0,0"
    whole = tmp_path / "whole.csv"
    whole.write_text("\n".join(lines) + "\n")
    result = load_recording(whole)
    np.testing.assert_array_equal(result.session.t_s, expected.t_s)
    np.testing.assert_array_equal(result.session.acc, expected.acc)


def test_a_session_file_saved_again_with_quoted_decimal_commas_and_whole_numbers_unquoted_is_read(
    tmp_path: Path,
) -> None:
    """A spreadsheet writes the numbers it holds: t_s = 0.0 as ``0``, unquoted (no comma in it), the others quoted
    (``"0,01"``). EDGE-178 looked only at the first row's first cell and refused the file "column t_s holds text, not a
    number: '0,01'"; now a quoted decimal-comma number in a core column of the first rows tells it (REVIEW-19)."""
    t = samples.times()
    meta = SessionMeta(placement="shank", sample_rate_hz=100.0, side="left")
    session = Session(t_s=t, acc=samples.truth_acc_ms2(t), gyr=samples.truth_gyr_dps(t), meta=meta)
    original = write_session(session, tmp_path / "session.csv")
    expected = load_recording(original).session
    text = _spreadsheet_comma(original.read_text(), quoted=True, as_held=True)
    resaved = tmp_path / "resaved.csv"
    resaved.write_text(text)
    assert text.split("t_s,acc_x", 1)[1].splitlines()[1].startswith("0,0,")  # t_s and acc_x unquoted
    result = load_recording(resaved)
    np.testing.assert_allclose(result.session.t_s, expected.t_s, rtol=1e-14)
    np.testing.assert_allclose(result.session.acc, expected.acc, rtol=1e-14)
    assert "quoted numbers with ','" in result.session.meta.extra["import_notes"]


def _jittered(path: Path, header: str | None, sep: str, jitter: float, key: str, repeat_every: int = 0) -> Path:
    """A 100 Hz table (time s, acceleration m/s^2) whose stamps carry Gaussian arrival jitter of ``jitter`` periods
    (seeded), with ``header`` or none, its rows ``key``: "time" (in the order of its stamps), "x" (sorted by x, a
    spreadsheet's stable sort); ``repeat_every``: every so many rows a stamp written twice (the row after it carries
    it)."""
    rng = np.random.default_rng(11)
    t = np.arange(3000) / 100.0 + rng.normal(0.0, jitter / 100.0, 3000)
    if repeat_every:
        t[1::repeat_every] = t[::repeat_every][: t[1::repeat_every].size]
    acc = samples.truth_acc_ms2(np.arange(3000) / 100.0) + rng.normal(0, 0.05, (3000, 3))
    order = np.argsort(t, kind="stable") if key == "time" else np.argsort(np.round(acc[:, 0], 2), kind="stable")
    rows = [sep.join(f"{v:.6f}" for v in (t[i], *acc[i])) for i in order]
    path.write_text("\n".join(([header] if header else []) + rows) + "\n")
    return path


@pytest.mark.parametrize("jitter", [0.0, 0.15, 0.3, 0.45])
@pytest.mark.parametrize(
    ("header", "sep"),
    [(None, ","), ("time_s;acc_x;acc_y;acc_z", ";"), ('"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"', ",")],
)
def test_a_table_with_jittered_stamps_sorted_by_another_column_is_put_back_in_time_order(
    header: str | None, sep: str, jitter: float, tmp_path: Path
) -> None:
    """Stamps with arrival jitter of 0.15 period or more, sorted by x, were refused (a generic table "sort the rows by
    time_s", phyphox "rows are not in time order ... sort the file by time", a table without a header "has no time
    column ... read it with --rate HZ"): one sorted step is the period give or take two stamps' jitter, and 1 % of them
    under half the median was taken for two clocks interleaved. Sorting unique stamps is lossless: read as the same
    table in the order of its stamps (EDGE-181). Without jitter, the generic table sorted by x rounded to 0.01 (6 % of
    its steps back) had its unit told from steps across the sort: its seconds read as ms, without a word."""
    folder = tmp_path / "ph"
    folder.mkdir()
    name = "Accelerometer.csv" if header and header.startswith('"Time') else "log.csv"
    expected = load_recording(_jittered(folder / name, header, sep, jitter, "time")).session
    result = load_recording(_jittered(folder / name, header, sep, jitter, "x"))
    np.testing.assert_array_equal(result.session.t_s, expected.t_s)
    np.testing.assert_array_equal(result.session.acc, expected.acc)
    assert "put back in the order of" in result.session.meta.extra["import_notes"]


@pytest.mark.parametrize("empty_cell", [False, True])
def test_a_generic_table_sorted_by_another_column_has_its_time_order_worked_out_once(
    empty_cell: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generic reader tells the time unit from the column in time order, then ``clean_rows`` puts the rows back:
    one ``time_order_lost`` (it was two since EDGE-181: 200,000 rows 1.34 -> 1.64 s), the same session. With a row
    holding nothing but a time off the sampling clock (0.3 periods after a sample: dropped by ``clean_rows`` before
    the rows are put back; one empty cell is kept and bridged since EDGE-197, an infinite one since EDGE-198, a row of
    them on the clock since EDGE-213) the order found for the column is not that of the rows kept: worked out again
    for them, and the session is the table in order less that row."""
    from retrogait.imports import common, generic_csv

    calls: list[int] = []
    real = common.time_order_lost

    def counted(t: np.ndarray) -> common.TimeOrder | None:
        calls.append(t.size)
        return real(t)

    monkeypatch.setattr(common, "time_order_lost", counted)
    monkeypatch.setattr(generic_csv, "time_order_lost", counted)
    in_order, by_x = tmp_path / "in_order.csv", tmp_path / "by_x.csv"
    for path, key in ((in_order, "time"), (by_x, "x")):
        _jittered(path, "time_s;acc_x;acc_y;acc_z", ";", 0.0, key)
        if empty_cell:  # a row with no value at 12.343 s, between the samples at 12.34 and 12.35 s
            lines = path.read_text().split("\n")
            at = next(i for i, line in enumerate(lines) if line.startswith("12.340000;"))
            lines.insert(at + 1, "12.343000;;;")
            path.write_text("\n".join(lines))
    expected = load_recording(in_order).session
    calls.clear()
    result = load_recording(by_x)
    np.testing.assert_array_equal(result.session.t_s, expected.t_s)
    np.testing.assert_array_equal(result.session.acc, expected.acc)
    assert "put back in the order of their time, which steps by 0.01 s" in result.session.meta.extra["import_notes"]
    assert result.session.n_samples == 3000
    assert calls == ([3001, 3000] if empty_cell else [3000])


@pytest.mark.parametrize(
    ("header", "sep"), [("time_s;acc_x;acc_y;acc_z", ";"), ('"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"', ",")]
)
def test_a_table_with_jittered_and_repeated_stamps_sorted_by_another_column_is_refused_in_one_line(
    header: str, sep: str, tmp_path: Path
) -> None:
    """Sorted by x with a stamp written twice every 10 rows: the order within a repeated stamp is lost (which of the
    two rows came first cannot be told), so nothing is put back: refused in one line naming the file (EDGE-181)."""
    folder = tmp_path / "ph"
    folder.mkdir()
    name = "Accelerometer.csv" if header.startswith('"Time') else "log.csv"
    path = _jittered(folder / name, header, sep, 0.3, "x", repeat_every=10)
    with pytest.raises(RetrogaitError) as err:
        load_recording(path)
    message = str(err.value)
    assert "\n" not in message and message.startswith(str(path))
    assert "repeats at 300 of them, so the order of the rows sharing a time cannot be put back" in message


def test_a_stored_member_with_a_descriptor_ends_at_the_descriptor_whose_crc_is_its_own(tmp_path: Path) -> None:
    """A stored member streamed (its sizes in a descriptor after it) ends where a descriptor's CRC-32 and size are
    those of the bytes before it: a descriptor's signature inside its bytes does not end it (EDGE-182)."""
    from retrogait.imports.cutzip import members_before_cut

    inside = b"t,x\n0,1\nPK\x07\x08\x01\x02\x03\x04\x05\x06\x07\x08\n1,2\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(_Unseekable(buffer), "w", zipfile.ZIP_STORED) as archive:  # type: ignore[arg-type]
        archive.writestr("a.csv", inside)
        archive.writestr("b.csv", b"t,x\n" + b"0,1\n" * 50)
    data = buffer.getvalue()
    cut = data[: data.index(b"b.csv") + 100]
    first, second = members_before_cut(cut, "cut.zip")
    assert (first.name, first.data, first.whole) == ("a.csv", inside, True)
    assert second.name == "b.csv" and not second.whole and second.data.startswith(b"t,x\n0,1\n")


@pytest.mark.parametrize("damage", ["crc", "no_signature"])
def test_a_stored_member_whose_descriptor_does_not_match_never_takes_the_next_member_s_bytes(
    damage: str, tmp_path: Path
) -> None:
    """A stored member streamed whose descriptor is not found (its bytes damaged, so the CRC differs; or a descriptor
    written without its optional signature) ends before the next member's local header: the next member's header and
    rows are never read as rows of the one before (REVIEW-29; on edge they were, up to the cut)."""
    from retrogait.imports.cutzip import members_before_cut

    buffer = io.BytesIO()
    with zipfile.ZipFile(_Unseekable(buffer), "w", zipfile.ZIP_STORED) as archive:  # type: ignore[arg-type]
        archive.writestr("a.csv", b"t,x\n" + b"0,1\n" * 20)
        archive.writestr("b.csv", b"t,y\n" + b"5,9\n" * 50)
    data = bytearray(buffer.getvalue())
    if damage == "crc":
        at = data.index(b"t,x\n") + 6
        data[at : at + 1] = b"7"
    else:
        at = data.index(b"PK\x07\x08")
        del data[at : at + 4]
    cut = bytes(data[: data.index(b"b.csv") + 100])
    members = members_before_cut(cut, "cut.zip")
    first = members[0]
    assert first.name == "a.csv" and b"b.csv" not in first.data and b"5,9" not in first.data
    if damage == "crc":  # damaged: none of its bytes kept (a changed byte is no value), the reading stops there
        assert not first.whole and len(members) == 1 and first.data == b""
    else:  # its descriptor's CRC and size found before the next header: whole, and the next member read
        assert first.whole and first.data == b"t,x\n" + b"0,1\n" * 20
        assert members[1].name == "b.csv" and members[1].data.startswith(b"t,y\n5,9\n")


@pytest.mark.parametrize("offset_s", [0.002, 0.003, 0.005])
@pytest.mark.parametrize("header", [True, False])
def test_two_recordings_whose_stamps_overlap_joined_and_sorted_are_refused_not_interleaved(
    offset_s: float, header: bool, tmp_path: Path
) -> None:
    """Two 100 Hz recordings of the same length, their stamps a few ms apart, joined in one file and sorted by x: their
    spans of sorted steps are a clock's (the steps alternate), so EDGE-181's rule put them back as one 200 Hz
    recording, each row's neighbour from the other one; refused as two recordings (REVIEW-30; edge read them all)."""
    rng = np.random.default_rng(5)
    n, period = 3000, 0.01

    def walk(phase: float, amp: float) -> np.ndarray:
        angle = 2 * np.pi * 1.6 * np.arange(n) * period + phase
        wave = np.c_[amp * np.sin(angle), amp * np.cos(2 * angle), 9.81 + 2.5 * amp * np.sin(2 * angle) ** 2]
        return np.asarray(wave + rng.normal(0, 0.2, (n, 3)))

    t = np.r_[np.arange(n) * period, np.arange(n) * period + offset_s]
    v = np.r_[walk(0.0, 3.0), walk(1.3, 2.0)]
    order = np.argsort(np.round(v[:, 0], 1), kind="stable")
    body = "\n".join(f"{a:.4f},{x:.4f},{y:.4f},{z:.4f}" for a, (x, y, z) in zip(t[order], v[order], strict=True))
    path = tmp_path / "joined.csv"
    path.write_text(("time_s,acc_x,acc_y,acc_z\n" if header else "") + body + "\n")
    with pytest.raises(RetrogaitError) as caught:
        load_recording(path)
    assert "\n" not in str(caught.value), str(caught.value)


@pytest.mark.parametrize("given_unit", [False, True])
def test_a_table_stamped_in_epoch_ms_sorted_by_another_column_starts_at_its_first_time(
    given_unit: bool, tmp_path: Path
) -> None:
    """A generic table stamped in epoch ms and sorted by a coarse column (under 10 % of its steps back: put back by
    ``clean_rows``) says the start time of its earliest row, as the table in order does, not that of the row the sort
    put first (REVIEW-31; on edge 2.34 s late here, its t = 0 the earliest row's)."""
    n = 2000
    stamps = 1.7e12 + np.arange(n) * 10.0
    rng = np.random.default_rng(1)
    angle = 2 * np.pi * 1.6 * np.arange(n) * 0.01
    acc = np.c_[3 * np.sin(angle), 3 * np.cos(2 * angle), 9.81 + 2 * np.sin(2 * angle)] + rng.normal(0, 0.2, (n, 3))
    rows = [f"{a:.0f},{x:.4f},{y:.4f},{z:.4f}" for a, (x, y, z) in zip(stamps, acc, strict=True)]
    order = np.argsort(np.round(acc[:, 0], 1), kind="stable")
    from retrogait.imports.base import GenericCsvOptions

    options = GenericCsvOptions(time_unit="epoch_ms") if given_unit else None
    starts = []
    for name, body in (("in_order", rows), ("sorted_by_x", [rows[i] for i in order])):
        path = tmp_path / f"{name}.csv"
        path.write_text("timestamp_ms,acc_x,acc_y,acc_z\n" + "\n".join(body) + "\n")
        session = load_recording(path, generic=options).session
        assert session.t_s.size == n and session.t_s[0] == 0.0
        starts.append(session.meta.start_time_utc)
    assert starts == ["2023-11-14T22:13:20.000Z"] * 2


def test_the_interleaving_check_takes_a_column_without_a_value_silently() -> None:
    """A column with no finite value (a gyroscope missing in every row) gives no warning (warnings are errors) and no
    vote (REVIEW-30)."""
    from retrogait.imports.common import interleaved

    steady = np.c_[np.sin(np.arange(300) * 0.05), np.full(300, np.nan)]
    assert not interleaved(steady)
    assert interleaved(np.c_[np.tile([0.0, 5.0], 150) + np.arange(300) * 0.001, np.full(300, np.nan)])
