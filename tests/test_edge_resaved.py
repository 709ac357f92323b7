"""Exports saved again by other programs (EDGE-33 on): re-encoded, zipped, cut, padded.
Fixtures are generated here (tests/import_samples.py); nothing depends on ../shared."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.imports import load_recording

ENCODINGS = {
    "utf-16": lambda text: text.encode("utf-16"),
    "utf-16-le": lambda text: text.encode("utf-16-le"),
    "utf-16-be": lambda text: text.encode("utf-16-be"),
    "utf-8-bom": lambda text: b"\xef\xbb\xbf" + text.encode(),
}


def _resave(original: Path, into: Path, encode: object) -> Path:
    """Every file of ``original``'s export (the file and its siblings, or the folder) saved again with
    ``encode``; the path in ``into`` that stands for ``original``."""
    folder = original if original.is_dir() else original.parent
    for file in folder.rglob("*"):
        if file.is_file():
            target = into / file.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(encode(file.read_bytes().decode("utf-8")))  # type: ignore[operator]
    return into if original.is_dir() else into / original.name


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("fmt", sorted(samples.WRITERS))
def test_an_export_saved_again_as_unicode_text_reads_as_its_format(fmt: str, encoding: str, tmp_path: Path) -> None:
    """Saved again as "Unicode text" (UTF-16) an app export was read by the generic reader only: a Polar,
    MetaBase or phyphox pair lost its gyroscope and device, Sensor Logger and Physics Toolbox were refused
    ("hold no gravity at rest"), GENEActiv and Movesense "format not recognised"; GENEActiv with a UTF-8 BOM
    "is not a GENEActiv CSV export" (EDGE-33)."""
    original = samples.WRITERS[fmt](tmp_path / "orig" / fmt)
    resaved = _resave(original, tmp_path / "resaved" / fmt, ENCODINGS[encoding])
    a, b = load_recording(original), load_recording(resaved)
    assert b.report.format == a.report.format == samples.format_of(fmt)
    assert np.array_equal(a.session.t_s, b.session.t_s) and np.array_equal(a.session.acc, b.session.acc)
    assert (a.session.gyr is None) == (b.session.gyr is None)
    if a.session.gyr is not None and b.session.gyr is not None:
        assert np.array_equal(a.session.gyr, b.session.gyr)
    assert a.session.meta.sensor == b.session.meta.sensor
    assert a.session.meta.start_time_utc == b.session.meta.start_time_utc


# ------------------------------------------------------------------------------------ zipped again


def _zipped(original: Path, archive: Path, top: str = "") -> Path:
    """Every file of ``original``'s export zipped into ``archive`` (under the folder ``top`` when given), with
    the ``__MACOSX/`` and ``.DS_Store`` entries macOS "Compress" adds."""
    import zipfile

    folder = original if original.is_dir() else original.parent
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                out.write(file, top + file.relative_to(folder).as_posix())
        out.writestr("__MACOSX/._" + folder.name, b"\x00\x05\x16\x07 resource fork")
        out.writestr(top + ".DS_Store", b"\x00\x00\x00\x01Bud1\x00\x00")
    return archive


@pytest.mark.parametrize("top", ["", "2024-05-01_07-30-00/"])
@pytest.mark.parametrize("fmt", sorted(samples.WRITERS))
def test_a_zip_of_an_export_reads_as_the_export(fmt: str, top: str, tmp_path: Path) -> None:
    """A phone's "share" zips what it sends: a zip of one CSV, of a Polar or MetaBase pair, of a GENEActiv or
    Movesense file was "is a zip archive holding no export a format knows (files: ...)" (EDGE-34)."""
    original = samples.WRITERS[fmt](tmp_path / "orig" / fmt)
    archive = _zipped(original, tmp_path / f"{fmt}.zip", top)
    a, b = load_recording(original), load_recording(archive)
    assert b.report.format == a.report.format == samples.format_of(fmt)
    assert np.array_equal(a.session.t_s, b.session.t_s) and np.array_equal(a.session.acc, b.session.acc)
    assert (a.session.gyr is None) == (b.session.gyr is None)
    assert a.session.meta.extra.get("import_source") == b.session.meta.extra.get("import_source")
    assert all(f.startswith(f"{archive}/") or f == str(archive) for f in b.report.files), b.report.files
    assert b.session.source.startswith(str(archive))


def test_a_zip_of_several_recordings_or_a_zip_in_a_zip_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused with one line naming the zip and what it holds, never the folder it was unpacked into."""
    import zipfile

    from retrogait.cli import main

    a = samples.generic(tmp_path / "a.csv")
    b = samples.physics_toolbox(tmp_path / "b.csv")
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as out:
        out.write(a, "a.csv")
        out.write(b, "b.csv")
    assert main(["info", str(two)]) == 2
    assert capsys.readouterr().err == (
        f"retrogait: error: {two}: is a zip of 2 recordings (a.csv, b.csv), not one export: unpack it and give "
        "them one by one, or `retrogait batch` its folder\n"
    )
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as out:
        out.write(two, "two.zip")
    assert main(["info", str(outer)]) == 2
    assert capsys.readouterr().err == (
        f"retrogait: error: {outer}/two.zip: is a zip inside a zip archive: unpack the outer one, then give this one\n"
    )
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as out:
        out.write(a, "../a.csv")
    assert main(["info", str(slip)]) == 2
    assert capsys.readouterr().err == f"retrogait: error: {slip}: member '../a.csv' lies outside the zip's folder\n"
    assert not (tmp_path.parent / "a.csv").exists()


@pytest.mark.parametrize("fmt", ["sensorlogger", "phyphox"])
def test_a_zip_of_two_exports_of_one_app_is_refused_not_read_as_one(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """EDGE-74: a zip of two Sensor Logger (or phyphox) recording folders was claimed by the app's reader, which
    took the first file of each name: one recording read, the other left out without a word (or, with a file
    missing from the first, the two mixed)."""
    import zipfile

    from retrogait.cli import main

    writer = samples.WRITERS[fmt]
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as out:
        for run in ("run1", "run2"):
            folder = writer(tmp_path / run / fmt)
            folder = folder if folder.is_dir() else folder.parent
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    out.write(file, f"runs/{run}/{file.relative_to(folder).as_posix()}")
    assert main(["info", str(two)]) == 2
    assert capsys.readouterr().err == (
        f"retrogait: error: {two}: is a zip of 2 recordings (runs/run1/, runs/run2/), not one export: unpack it "
        "and give them one by one, or `retrogait batch` its folder\n"
    )


def test_a_zip_of_one_csv_is_analysed_and_converted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every command reads it; what they print and write names the zip, never a temporary folder."""
    import zipfile

    from retrogait.cli import main

    archive = tmp_path / "shared.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(samples.polar_pair(tmp_path / "polar"), "Polar_Sense_ACC.txt")
    assert main(["convert", str(archive), "--out", str(tmp_path / "run.csv")]) == 0
    assert main(["info", str(archive)]) == 0
    assert main(["analyze", str(archive), "--out", str(tmp_path / "out"), "--no-report"]) == 0
    printed = capsys.readouterr()
    assert "retrogait-zip" not in printed.out + printed.err
    assert "retrogait-zip" not in (tmp_path / "out" / "summary.json").read_text()
    assert "# import_source: Polar_Sense_ACC.txt" in (tmp_path / "run.csv").read_text()


# ---------------------------------------------------------------------- an analysis copied in part


@pytest.mark.parametrize("cut", ["mid_row", "at_a_field", "at_a_line_end", "in_the_header"])
def test_compare_names_a_steps_table_cut_off(
    cut: str, analysis_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A copy interrupted in steps.csv: `compare` counted the half row as a step (its missing fields empty:
    "1 steps not running"), the rows after a cut at a line end were silently missing, and a header cut off
    compared "no forward or backward steps" with exit 0 (EDGE-35)."""
    import shutil

    from retrogait.cli import main

    copy = tmp_path / "copy"
    shutil.copytree(analysis_folder, copy)
    raw = (analysis_folder / "steps.csv").read_bytes()
    middle = raw.index(b"\n", len(raw) // 2) + 1  # the start of a row half way down
    end = {
        "mid_row": raw.index(b",", middle + 12) + 3,
        "at_a_field": raw.index(b",", middle + 12) + 1,
        "at_a_line_end": middle,
        "in_the_header": 60,
    }[cut]
    (copy / "steps.csv").write_bytes(raw[:end])
    assert main(["compare", str(copy), "--out", str(tmp_path / "cmp")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"retrogait: error: {copy / 'steps.csv'}: ") and err.count("\n") == 1
    expected = {
        "mid_row": "its last row (line ",
        "at_a_field": "its last row (line ",
        "at_a_line_end": "steps but summary.json beside it counts",
        "in_the_header": "is cut off in its header line",
    }[cut]
    assert expected in err
    assert main(["compare", str(analysis_folder), "--out", str(tmp_path / "whole")]) == 0


# --------------------------------------------------------------------- what analyze will drop, told


def test_info_says_how_many_absurd_values_analyze_drops(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Values of 1e300 and -1e305 (a logger's glitch) are read as written and dropped by `analyze` ("2 samples
    with missing, infinite or absurd values (beyond 1e7 in any unit) dropped"); `info` showed the recording
    as if whole (EDGE-36)."""
    from retrogait.cli import main

    header, *rows = samples.phyphox_classic(tmp_path / "export.csv").read_text().splitlines()
    for row, value in ((50, "1e300"), (90, "-1e305")):
        fields = rows[row].split(",")
        fields[2] = value
        rows[row] = ",".join(fields)
    path = tmp_path / "glitch.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    assert main(["info", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "  absurd values: 2 samples beyond 1e7 in any unit: analyze drops them (gaps)\n" in captured.out
    assert main(["info", str(tmp_path / "export.csv")]) == 0
    assert "absurd" not in capsys.readouterr().out


# ------------------------------------------------------------ a header written again in the middle


def test_a_table_whose_header_repeats_mid_file_is_read_whole(tmp_path: Path) -> None:
    """A logger restarted mid-file writes its header again: the generic reader took the rest for a second
    table and read only the first (half the recording gone, no note); two recordings joined were read as the
    first one alone instead of refused as the app formats refuse them (EDGE-37)."""
    from retrogait.errors import InputFileError

    original = samples.generic(tmp_path / "whole.csv")
    header, *rows = original.read_text().splitlines()
    middle = len(rows) // 2
    again = tmp_path / "again.csv"
    again.write_text("\n".join([header, *rows[:middle], header, *rows[middle:]]) + "\n")
    a, b = load_recording(original), load_recording(again)
    assert np.array_equal(a.session.t_s, b.session.t_s) and np.array_equal(a.session.acc, b.session.acc)
    assert b.report.dropped == {"header_repeated": 1}  # counted as what it is (EDGE-263)
    joined = tmp_path / "joined.csv"
    second = [row.rsplit(";", 1)[0] + ";9.0" for row in rows]  # other values: the same rows are read once (EDGE-262)
    joined.write_text("\n".join([header, *rows, header, *second]) + "\n")
    with pytest.raises(InputFileError, match="two recordings joined in one file"):
        load_recording(joined)


# ------------------------------------------------------------------------- a time stamp repeated


@pytest.mark.parametrize("header", ["", "c0,accuracy,ax,ay,az\n"])
def test_an_unnamed_clock_with_repeated_stamps_is_the_time(header: str, tmp_path: Path) -> None:
    """An Android logger's table (ns stamps, an accuracy flag, x y z) with 2 % of its rows written twice: the
    time column was not found ("has no time column (none named like time/timestamp/t, none increasing)")
    because a clock had to step forward 99 % of the time; the repeats are now dropped and counted (EDGE-38)."""
    t = samples.times(200.0, duration_s=6.0)
    acc = samples.truth_acc_ms2(t)
    stamps = (1e9 * t).astype(np.int64) + 123_456_789_000
    lines = [f"{s},3,{x:.6f},{y:.6f},{z:.6f}" for s, (x, y, z) in zip(stamps.tolist(), acc.tolist(), strict=True)]
    doubled = [line for i, line in enumerate(lines) for _ in range(2 if i % 50 == 7 else 1)]
    path = tmp_path / "android.csv"
    path.write_text(header + "\n".join(doubled) + "\n")
    result = load_recording(path)
    assert result.report.dropped == {"row_time_not_increasing": len(doubled) - len(lines)}
    assert np.allclose(result.session.t_s, t - t[0]) and np.allclose(result.session.acc, acc, atol=1e-5)


# ------------------------------------------------------------------- an empty column added at the end


def test_a_phyphox_export_with_a_trailing_empty_column_keeps_its_gyroscope(tmp_path: Path) -> None:
    """Saved again with a delimiter at the end of every line (an empty last column): the phyphox reader left
    it to the generic reader, which read the accelerometer alone (`gyro no`, no partner file) (EDGE-39)."""
    original = samples.phyphox_folder(tmp_path / "orig") / "Accelerometer.csv"
    padded = tmp_path / "padded"
    padded.mkdir()
    for file in original.parent.glob("*.csv"):
        lines = file.read_text().splitlines()
        (padded / file.name).write_text("".join(line + ",\n" for line in lines))
    a, b = load_recording(original), load_recording(padded / "Accelerometer.csv")
    assert b.report.format == "phyphox" and b.session.gyr is not None and a.session.gyr is not None
    assert np.array_equal(a.session.acc, b.session.acc) and np.array_equal(a.session.gyr, b.session.gyr)
    filled = tmp_path / "filled"  # a last column without a name but with values is not phyphox's: not dropped
    filled.mkdir()
    lines = original.read_text().splitlines()
    (filled / "Accelerometer.csv").write_text(lines[0] + ",\n" + "".join(line + ",7\n" for line in lines[1:]))
    assert load_recording(filled / "Accelerometer.csv").report.format != "phyphox"


# ------------------------------------------------------------------ GENEActiv saved again by Excel


def test_a_geneactiv_export_saved_again_by_excel_is_read(tmp_path: Path) -> None:
    """Excel pads every header line with commas to the rows' width (`Units,g,,,,,`): the import was refused
    as "acceleration units g ,,,,, are not g" (EDGE-40)."""
    original = samples.geneactiv(tmp_path / "geneactiv.csv")
    lines = original.read_bytes().replace(b"\x00", b"").decode().splitlines()
    padded = [line + "," * (6 - line.count(",")) if line[:1].isalpha() else line for line in lines]
    resaved = tmp_path / "resaved.csv"
    resaved.write_bytes(("\ufeff" + "\r\n".join(padded) + "\r\n").encode())
    a, b = load_recording(original).session, load_recording(resaved).session
    assert np.array_equal(a.t_s, b.t_s) and np.array_equal(a.acc, b.acc)
    assert (a.meta.sensor, a.meta.start_time_utc, a.meta.sample_rate_hz) == (
        b.meta.sensor,
        b.meta.start_time_utc,
        b.meta.sample_rate_hz,
    )
    assert a.meta.extra["import_device_location"] == b.meta.extra["import_device_location"] == "right wrist"


def test_a_recording_and_its_zip_are_one_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With EDGE-34 reading a zip of one recording, `compare run.csv run.zip` counted every step twice (the zip
    was hashed as stored): refused now as the same session, as EDGE-32 refuses `run.csv.gz` (EDGE-41)."""
    import zipfile

    from retrogait.cli import main
    from retrogait.imports.identity import recording_digest

    native = samples.native(tmp_path / "run.csv")
    archive = tmp_path / "run.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(native, "run.csv")
    assert recording_digest(archive) == recording_digest(native)
    polar = samples.polar_pair(tmp_path / "polar").parent
    pair = _zipped(polar, tmp_path / "polar.zip", "polar/")
    assert recording_digest(pair) == recording_digest(polar)
    assert main(["compare", str(native), str(archive), "--out", str(tmp_path / "cmp")]) == 2
    assert capsys.readouterr().err.startswith(f"retrogait: error: {archive}: is the same session as {native}")


def test_compare_takes_steps_whose_direction_is_sideways(
    analysis_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`sideways` is one of the four directions `analyze` writes (docs/conventions.md) and `compare` leaves
    out and counts, but its input check knew three: a steps table or a recording with one sideways step was
    refused ("direction must be one of forward, backward, unknown, found 'sideways'") (EDGE-42)."""
    from retrogait.cli import main

    text = (analysis_folder / "steps.csv").read_text()
    table = tmp_path / "mine.csv"
    table.write_text(text.replace(",forward,", ",sideways,", 1))
    assert main(["compare", str(table), "--out", str(tmp_path / "cmp")]) == 0
    assert "1 steps direction sideways" in " ".join(capsys.readouterr().out.split())


def test_a_gzip_compressed_geneactiv_export_is_read(tmp_path: Path) -> None:
    """`demo_data.csv.gz` (a week of GENEActiv at 100 Hz is gigabytes; people compress it): the header was
    read unpacked but the rows from the packed bytes at the header's offset, and the import refused it as
    "has no usable rows (0 left after dropping bad rows)" or "table cannot be parsed (Too many columns
    specified: expected 7 and found 4)" (EDGE-43)."""
    import gzip

    original = samples.geneactiv(tmp_path / "geneactiv.csv")
    packed = tmp_path / "geneactiv.csv.gz"
    packed.write_bytes(gzip.compress(original.read_bytes()))
    a, b = load_recording(original).session, load_recording(packed).session
    assert np.array_equal(a.t_s, b.t_s) and np.array_equal(a.acc, b.acc)
    assert a.meta.start_time_utc == b.meta.start_time_utc


# ------------------------------------------------------------------ a session's columns in another order


def test_a_session_with_its_columns_in_another_order_reads_them_by_name(small_session: object, tmp_path: Path) -> None:
    """A session file whose columns were put in another order (a spreadsheet, a script: `t_s,acc_y,acc_x,...`)
    was read by position: acc_x and acc_y swapped, the gyroscope's axes mixed, without a word (EDGE-44)."""
    import pandas as pd

    from retrogait.session import Session, read_session, write_session

    assert isinstance(small_session, Session)
    path = write_session(small_session, tmp_path / "run.csv")
    lines = path.read_text().splitlines(keepends=True)
    header = [line for line in lines if line.startswith("#")]
    table = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    order = ["t_s", "acc_y", "acc_x", "acc_z", "gyr_z", "gyr_x", "gyr_y"]
    order += [c for c in table.columns if c not in order]
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text("".join(header) + table[order].to_csv(index=False))
    again = read_session(shuffled)
    assert np.array_equal(again.acc, small_session.acc) and again.gyr is not None
    assert small_session.gyr is not None and np.array_equal(again.gyr, small_session.gyr)


# ------------------------------------------------------------------------- a name without an ending


def test_batch_takes_a_recording_whose_name_has_no_ending(tmp_path: Path) -> None:
    """`run2` (an ending lost in a copy): `analyze run2` read it, `compare data/` said "a folder of 2
    recordings (a.csv, run2) ... or `retrogait batch` the folder", and `batch data/` analysed a.csv alone
    without a word about run2; `batch data/run2` said "no recordings found" (EDGE-45)."""
    import shutil

    from retrogait.batch.inputs import discover_inputs

    data = tmp_path / "data"
    samples.native(data / "a.csv")
    shutil.copy(samples.polar_pair(tmp_path / "polar"), data / "run2")
    (data / "LICENSE").write_text("Permission is hereby granted, free of charge, to any person\n")
    assert discover_inputs([data]) == [(data / "a.csv").resolve(), (data / "run2").resolve()]
    assert discover_inputs([data / "run2"]) == [(data / "run2").resolve()]


# ------------------------------------------------------------------------------------ a rounded clock beside another


def _excel_general(value: str) -> str:
    """A long number as a spreadsheet's General format writes it: 6 significant digits (`7.04202E+17`)."""
    mantissa, exponent = f"{float(value):.5E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent):02d}"


def test_a_polar_export_whose_sensor_clock_a_spreadsheet_rounded_is_timed_by_the_phone(tmp_path: Path) -> None:
    """A Polar Sensor Logger pair saved again by a spreadsheet (`7.04202E+17` in every row of `sensor timestamp [ns]`)
    was refused, "give the file as the app wrote it", although every row keeps its `Phone timestamp` to the ms
    (EDGE-141): it is timed by that now, with a note; the samples are the original's."""
    original = samples.polar_pair(tmp_path / "orig")
    resaved = tmp_path / "resaved"
    resaved.mkdir()
    for file in original.parent.glob("*.txt"):
        lines = file.read_text().splitlines()
        rows = [line.split(";") for line in lines[1:]]
        text = "\n".join([lines[0], *(";".join([r[0], _excel_general(r[1]), *r[2:]]) for r in rows)]) + "\n"
        (resaved / file.name).write_text(text)
    a, b = load_recording(original), load_recording(resaved / original.name)
    assert np.array_equal(a.session.acc, b.session.acc)
    assert b.session.gyr is not None
    np.testing.assert_allclose(b.session.t_s - b.session.t_s[0], a.session.t_s - a.session.t_s[0], atol=1.5e-3)
    assert any("timed by Phone timestamp instead" in note for note in b.report.notes)


@pytest.mark.parametrize("rounded", ["ACC", "GYRO"])
def test_a_polar_pair_with_one_file_rounded_keeps_its_gyroscope_on_one_clock(tmp_path: Path, rounded: str) -> None:
    """Review of EDGE-141 (EDGE-146): with only one file of the pair re-saved, that one was timed by the phone clock
    (~1.7e9 s) and the other by the sensor's (~7e8 s), and the gyroscope "covered 0 %" and was left out. Both are
    timed by the phone now."""
    original = samples.polar_pair(tmp_path / "orig")
    for name, which in (("one", (rounded,)), ("both", ("ACC", "GYRO"))):
        (tmp_path / name).mkdir()
        for file in original.parent.glob("*.txt"):
            lines = file.read_text().splitlines()
            if any(f"_{kind}" in file.name for kind in which):
                rows = [line.split(";") for line in lines[1:]]
                lines = [lines[0], *(";".join([r[0], _excel_general(r[1]), *r[2:]]) for r in rows)]
            (tmp_path / name / file.name).write_text("\n".join(lines) + "\n")
    one, both = load_recording(tmp_path / "one" / original.name), load_recording(tmp_path / "both" / original.name)
    assert one.session.gyr is not None and both.session.gyr is not None
    np.testing.assert_array_equal(one.session.gyr, both.session.gyr)  # the same phone clock as both re-saved
    np.testing.assert_array_equal(one.session.t_s, both.session.t_s)
    assert sum("timed by Phone timestamp instead" in note for note in one.report.notes) == 2
