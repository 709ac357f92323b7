"""Damaged real-life inputs through the CLI as a user types it (EDGE-2 ...): each test failed before its fix.
Fixtures are generated here (tests/import_samples.py); nothing depends on ../shared."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.cli import main
from retrogait.session import Session, read_session, write_session


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line on stderr (no blank line either: a progress bar off a terminal left one before it)."""
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


# ------------------------------------------------------------------ EDGE-2: the time going back


def test_two_recordings_joined_in_one_file_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Half the rows (the second recording) were dropped as "time not increasing" and analyze said nothing. The
    second recording has other values (the same file twice is the same samples twice, read once: EDGE-262)."""
    one = samples.phyphox_classic(tmp_path / "one.csv").read_text()
    two = samples.phyphox_classic(tmp_path / "two.csv", linear=True).read_text()
    joined = tmp_path / "joined.csv"
    joined.write_text(one + two)  # the second header is a row of text, then the times start again
    assert main(["analyze", str(joined), "--no-report", "--out", str(tmp_path / "out")]) == 2
    line = _error(capsys)
    assert line.startswith(f"retrogait: error: {joined}: time goes back from ")
    assert "(50 %)" in line and "two recordings joined in one file" in line
    assert not (tmp_path / "out").exists()


def test_rows_newest_first_are_put_back_unless_not_a_clean_reversal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rows newest first were refused "sort the file by time"; reversing them is lossless, so they are read, said
    (EDGE-180). A newest-first file with two rows swapped is not one clean reversal: refused in one line."""
    from retrogait.imports import load_recording

    lines = samples.phyphox_classic(tmp_path / "one.csv").read_text().splitlines(keepends=True)
    expected = load_recording(tmp_path / "one.csv").session
    backwards = tmp_path / "newest_first.csv"
    backwards.write_text(lines[0] + "".join(reversed(lines[1:])))
    result = load_recording(backwards)
    np.testing.assert_array_equal(result.session.t_s, expected.t_s)
    np.testing.assert_array_equal(result.session.acc, expected.acc)
    assert "written newest first" in result.session.meta.extra["import_notes"]
    rows = list(reversed(lines[1:]))
    rows[50], rows[51] = rows[51], rows[50]
    backwards.write_text(lines[0] + "".join(rows))
    assert main(["info", str(backwards)]) == 2
    line = _error(capsys)
    assert str(backwards) in line and line.endswith(
        "rows are in reverse time order (newest first), but not one clean reversal (the time steps forward at some "
        "place too: reversed, it would step back there); sort the file by time"
    )


def test_a_few_rows_out_of_order_and_repeated_rows_are_still_dropped(tmp_path: Path) -> None:
    from retrogait.imports import load_recording

    lines = samples.phyphox_classic(tmp_path / "one.csv").read_text().splitlines(keepends=True)
    lines[10], lines[11] = lines[11], lines[10]  # one row out of order
    lines = lines[:1] + [row for row in lines[1:] for _ in (0, 1)]  # every row twice: nothing is lost
    path = tmp_path / "jitter.csv"
    path.write_text("".join(lines))
    result = load_recording(path)
    assert result.report.dropped["acc_time_not_increasing"] == len(lines) // 2 + 1


def test_no_usable_rows_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = samples.phyphox_classic(tmp_path / "one.csv").read_text().splitlines(keepends=True)
    same = tmp_path / "same_time.csv"
    same.write_text(lines[0] + "".join("0" + row[row.index(",") :] for row in lines[1:]))
    assert main(["info", str(same)]) == 2
    assert _error(capsys).endswith("(1 after dropping bad rows: acc_time_not_increasing=" + f"{len(lines) - 2})")


# ------------------------------------------------------------- EDGE-3: a recording cut mid-line


def test_session_cut_mid_line_is_read_up_to_its_last_whole_row(small_session: Session, tmp_path: Path) -> None:
    """A recorder killed while appending leaves half a row; the whole recording was refused for it."""
    path = write_session(small_session, tmp_path / "rec.csv")
    text = path.read_bytes()
    path.write_bytes(text[: text.rindex(b",")])  # the last row loses its last field
    back = read_session(path)
    assert back.n_samples == small_session.n_samples - 1
    assert back.meta.extra["import_dropped_rows"] == "1"
    assert back.meta.extra["import_dropped_detail"] == "last_line_cut_short=1"
    assert np.array_equal(back.acc, small_session.acc[:-1])


def test_analyze_notes_the_rows_reading_dropped(
    small_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_session(small_session, tmp_path / "rec.csv")
    text = path.read_bytes()
    path.write_bytes(text[:-3])
    assert main(["analyze", str(path), "--no-report", "--out", str(tmp_path / "out")]) == 0
    note = "1 row dropped on import (last_line_cut_short=1)"
    assert f"note: {note}" in capsys.readouterr().out
    assert note in json.loads((tmp_path / "out" / "summary.json").read_text())["notes"]


def test_a_whole_last_row_without_a_line_end_is_the_only_row_left_out(small_session: Session, tmp_path: Path) -> None:
    path = write_session(small_session, tmp_path / "rec.csv")
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    assert read_session(path).n_samples == small_session.n_samples - 1
    path.write_bytes(path.read_bytes() + b"\n")
    assert read_session(path).n_samples == small_session.n_samples


# ---------------------------------------------------------- EDGE-4: a recording is never overwritten


def test_convert_does_not_overwrite_a_recording(
    small_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`convert EXPORT --out run.csv` replaced a recording already called run.csv without a word."""
    recording = write_session(small_session, tmp_path / "run.csv")
    before = recording.read_bytes()
    export = samples.phyphox_classic(tmp_path / "export.csv")
    assert main(["convert", str(export), "--out", str(recording)]) == 2
    assert _error(capsys).startswith(f"retrogait: error: {recording}: exists and is not a session file that convert")
    assert recording.read_bytes() == before


def test_convert_writes_its_own_conversion_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = samples.phyphox_classic(tmp_path / "export.csv")
    out = tmp_path / "run.csv"
    assert main(["convert", str(export), "--out", str(out)]) == 0
    assert main(["convert", str(export), "--out", str(out), "--placement", "hand"]) == 0
    assert read_session(out).meta.placement == "hand"


def test_convert_does_not_replace_the_conversion_of_another_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`convert A --out run.csv`, A deleted, then `convert B --out run.csv` replaced the only copy of A."""
    first = samples.phyphox_classic(tmp_path / "a" / "first.csv")
    out = tmp_path / "run.csv"
    assert main(["convert", str(first), "--out", str(out)]) == 0
    before = out.read_bytes()
    first.unlink()
    other = samples.phyphox_classic(tmp_path / "b" / "other.csv")
    assert main(["convert", str(other), "--out", str(out)]) == 2
    assert _error(capsys).startswith(f"retrogait: error: {out}: exists and was converted from another export")
    assert out.read_bytes() == before


def test_convert_to_a_folder_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It said "OUT.partial: Is a directory" (the name of an internal temporary file)."""
    export = samples.phyphox_classic(tmp_path / "export.csv")
    assert main(["convert", str(export), "--out", str(tmp_path)]) == 2
    assert _error(capsys) == (
        f"retrogait: error: {tmp_path}: is a folder; give the name of the session file to write, "
        f"e.g. {tmp_path / 'run.csv'}"
    )


def test_record_refuses_an_existing_file_before_looking_for_sensors(
    small_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recording = write_session(small_session, tmp_path / "run.csv")
    before = recording.read_bytes()
    args = ["record", "--sensor", "polar", "--name", "Polar H10", "--placement", "foot", "--out", str(recording)]
    assert main(args) == 2
    assert _error(capsys).startswith(f"retrogait: error: {recording}: exists; it is not overwritten")
    assert recording.read_bytes() == before
    two = ["record", "--sensor", "polar", "--sensor", "polar", "--name", "A", "--name", "B", "--placement", "foot"]
    assert main([*two, "--out", str(tmp_path / "x.csv"), "--out", str(tmp_path / "x.csv")]) == 2
    assert _error(capsys) == "retrogait: error: give each --sensor its own --out file"


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (["--duration", "-1"], "--duration must be a positive number, got -1"),
        (["--rate", "0"], "--rate must be a positive number, got 0"),
        (["--scan-timeout", "nan"], "--scan-timeout must be a positive number, got nan"),
        (["--give-up", "-5"], "--give-up must be zero or a positive number of s, got -5"),
        (["--baseline-steps", "0"], "--baseline-steps must be at least 1, got 0"),
        (["--poll-ms", "0"], "--poll-ms must be between 5 and 1000 ms, got 0"),
        (["--poll-ms", "nan"], "--poll-ms must be between 5 and 1000 ms, got nan"),
        (["--poll-ms", "2000"], "--poll-ms must be between 5 and 1000 ms, got 2000"),
        (
            ["--url", "http://[::1"],
            "--url 'http://[::1': give the address phyphox shows, e.g. http://192.168.0.42:8080",
        ),
        (["--url", "http://phone:80a"], "--url 'http://phone:80a': give the address phyphox shows"),
    ],
)
def test_record_refuses_impossible_options_before_looking_for_sensors(
    option: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--duration -1` looked for the sensors, connected and stopped at once; an unclosed IPv6 bracket in
    `--url` was an internal error ("ValueError: Invalid IPv6 URL") (EDGE-63/64). No file is written."""
    sensor = ["--sensor", "phyphox"] + ([] if option[0] == "--url" else ["--url", "http://127.0.0.1:9"])
    assert main(["record", *sensor, "--placement", "shank", "--out", str(tmp_path / "r.csv"), *option]) == 2
    assert _error(capsys).startswith(f"retrogait: error: {expected}")
    assert not list(tmp_path.iterdir())


def test_record_hands_poll_ms_to_the_phone_s_poll_loop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """LIVE-52: `--poll-ms 20` is the recorder's poll interval (0.02 s), the default without it is the documented
    one (the help's number is RecordOptions'); without a phone the option is one line, before any sensor is looked
    for. The recording itself is replaced by a stand-in that keeps the options (no sensor, no timing)."""
    import retrogait.live.recording as recording
    from retrogait.ble.collector import RecordOptions
    from retrogait.cli.record import POLL_DEFAULT_MS

    seen: list[RecordOptions] = []

    async def keep(specs: list, options: RecordOptions, **_: object) -> None:
        seen.append(options)

    monkeypatch.setattr(recording, "record", keep)
    phone = ["record", "--sensor", "phyphox", "--url", "http://127.0.0.1:9", "--placement", "shank", "--quiet"]
    assert main([*phone, "--out", str(tmp_path / "a.csv"), "--poll-ms", "20"]) == 0
    assert main([*phone, "--out", str(tmp_path / "b.csv")]) == 0
    assert [o.poll_every_s for o in seen] == [0.02, RecordOptions.poll_every_s]
    assert 1000 * RecordOptions.poll_every_s == POLL_DEFAULT_MS
    ble = ["record", "--sensor", "polar", "--name", "Polar", "--placement", "shank", "--out", str(tmp_path / "c.csv")]
    capsys.readouterr()
    assert main([*ble, "--poll-ms", "20"]) == 2
    assert _error(capsys) == "retrogait: error: --poll-ms is for --sensor phyphox (BLE sensors send as they measure)"
    assert not (tmp_path / "c.csv").exists()


@pytest.mark.parametrize("suffix", [".unpaired.csv", ".reference.csv", ".feedback.csv", ".ble.json"])
def test_record_refuses_the_side_files_of_an_earlier_recording(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """run.csv moved away (as the refusal says) left run.unpaired.csv ...: the next `record --out run.csv`
    deleted or replaced these samples and logs of the earlier recording."""
    side = tmp_path / f"run{suffix}"
    side.write_text("recorded earlier\n")
    args = ["record", "--sensor", "polar", "--name", "Polar H10", "--placement", "foot"]
    assert main([*args, "--out", str(tmp_path / "run.csv")]) == 2
    assert _error(capsys).startswith(f"retrogait: error: {side}: exists; it is not overwritten")
    assert side.read_text() == "recorded earlier\n"


def test_an_output_folder_that_is_a_file_is_named_as_such(
    small_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--out FILE` for a command that writes a folder said only "FILE: File exists" / "Not a directory"."""
    source = write_session(small_session, tmp_path / "rec.csv")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine\n")
    assert main(["analyze", str(source), "--no-report", "--out", str(a_file)]) == 2
    assert _error(capsys) == f"retrogait: error: {a_file}: is a file, not a folder (an output folder was expected)"
    assert main(["analyze", str(source), "--no-report", "--out", str(a_file / "sub")]) == 2
    assert _error(capsys) == f"retrogait: error: {a_file / 'sub'}: {a_file} is a file, not a folder"
    assert a_file.read_text() == "mine\n"
    if os.path.exists(os.devnull) and not os.path.isdir(os.devnull):  # `--out /dev/null` said "File exists" (EDGE-62)
        assert main(["analyze", str(source), "--no-report", "--out", os.devnull]) == 2
        expected = (
            f"retrogait: error: {os.devnull}: is a device or a pipe, not a folder (an output folder was expected)"
        )
        assert _error(capsys) == expected


# ------------------------------------------------------- Physics Toolbox with decimal commas


def test_physics_toolbox_with_decimal_commas_reads_as_with_points(tmp_path: Path) -> None:
    """Its time column (read as text) kept '0,006431': the export was refused or misread."""
    from retrogait.imports import load_recording

    points = samples.physics_toolbox(tmp_path / "points.csv")
    commas = tmp_path / "commas.csv"
    commas.write_text(points.read_text().replace(",", ";").replace(".", ","))
    a, b = load_recording(points).session, load_recording(commas).session
    assert np.array_equal(a.t_s, b.t_s) and np.array_equal(a.acc, b.acc)


# ------------------------------------------------------------------------ damaged zip exports


def test_a_damaged_or_empty_zip_is_named_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A phyphox zip cut short by a download said "format not recognised (not a table of numbers ...)"; cut before
    any whole row, it says so (a zip cut later is read up to its cut, EDGE-173)."""
    import zipfile

    whole = samples.phyphox_zip(tmp_path / "export.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[:64])
    assert main(["info", str(cut)]) == 2
    assert _error(capsys) == (
        f"retrogait: error: {cut}: is a zip archive cut short (after 64 bytes, in Accelerometer.csv) with no whole "
        "file or row before the cut: download it again"
    )
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    assert main(["info", str(empty)]) == 2
    assert _error(capsys) == f"retrogait: error: {empty}: is an empty zip archive"
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert main(["info", str(other)]) == 2
    assert "is a zip archive holding no export a format knows (files: notes.txt); supported formats" in _error(capsys)


# --------------------------------------------------------- EDGE-5: compare counts a session once


def test_compare_refuses_the_same_input_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`compare run_analysis run_analysis/steps.csv` counted every step twice: n doubled, intervals narrowed."""
    from steps_factory import make_steps

    folder = tmp_path / "run_analysis"
    folder.mkdir()
    make_steps(n_forward=40, n_backward=40).to_csv(folder / "steps.csv", index=False)
    out = str(tmp_path / "cmp")
    assert main(["compare", str(folder), "--placement", "shank", "--n-boot", "200", "--out", out]) == 0
    capsys.readouterr()
    assert main(["compare", str(folder), str(folder / "steps.csv"), "--out", out]) == 2
    assert _error(capsys) == (
        f"retrogait: error: {folder / 'steps.csv'}: is the same input as {folder}; "
        "its steps would count twice: give each session once"
    )
    assert main(["compare", str(folder), str(folder), "--out", out]) == 2
    assert _error(capsys).endswith(f"{folder}: is given twice; its steps would count twice: give each session once")


# ------------------------------------ EDGE-8: compare links a recording and its analysis by content


def test_compare_refuses_a_recording_with_its_own_analysis(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`compare c5/*` (c5 holding run.csv and run_analysis/) counted the same session twice."""
    import hashlib
    import shutil

    from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

    config = SimulationConfig(
        "lower_back", [Bout("forward", "running", 3.0, 15.0), Bout("backward", "running", 2.5, 15.0)], seed=5
    )
    c5 = tmp_path / "c5"
    c5.mkdir()
    recording, _ = write_simulation(simulate(config), c5 / "run.csv")
    analysis = c5 / "run_analysis"
    assert main(["analyze", str(recording), "--no-report"]) == 0
    summary = json.loads((analysis / "summary.json").read_text())
    assert summary["source_digest"] == "sha256:" + hashlib.sha256(recording.read_bytes()).hexdigest()
    capsys.readouterr()
    out = str(tmp_path / "cmp")
    assert main(["compare", str(analysis), str(recording), "--n-boot", "200", "--out", out]) == 2
    assert _error(capsys) == (
        f"retrogait: error: {recording}: is the same session as {analysis}; "
        "its steps would count twice: give each session once"
    )
    copy = shutil.copy(recording, tmp_path / "copy.csv")  # a copy is the same session too
    assert main(["compare", str(recording), str(copy), "--n-boot", "200", "--out", out]) == 2
    assert "copy.csv: is the same session as" in _error(capsys)
    # a summary written before EDGE-8 has no digest: the pair was taken as two sessions; their steps are the
    # same steps at the same times, which is one session too (COMPARE-12)
    del summary["source_digest"]
    (analysis / "summary.json").write_text(json.dumps(summary))
    assert main(["compare", str(analysis), str(recording), "--n-boot", "200", "--out", out]) == 2
    assert "run.csv: holds the same" in _error(capsys)


# ------------------------------------------- EDGE-9: a file cut off is read up to the cut, with a note


def test_a_gzip_file_cut_off_is_read_up_to_the_cut(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A .gz cut short by a download was refused ("gzip stream is truncated"): the whole recording lost."""
    import gzip

    from retrogait.imports import load_recording

    text = samples.phyphox_classic(tmp_path / "export.csv").read_bytes()
    packed = gzip.compress(text)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(packed[: len(packed) * 19 // 20])
    result = load_recording(cut)
    whole = load_recording(tmp_path / "export.csv").session
    n = result.session.n_samples
    assert 300 < n < whole.n_samples
    assert np.array_equal(result.session.acc, whole.acc[:n])  # the rows before the cut, exactly
    assert result.report.dropped == {"last_line_cut_short": 1}
    extra = result.session.meta.extra
    assert extra["import_cut_short"].startswith("cut.csv.gz: gzip stream ends early (cut off after ")
    assert extra["import_dropped_detail"] == "last_line_cut_short=1"
    assert main(["analyze", str(cut), "--no-report", "--out", str(tmp_path / "out")]) == 0
    notes = json.loads((tmp_path / "out" / "summary.json").read_text())["notes"]
    assert any(note.startswith("file cut short: cut.csv.gz: gzip stream ends early") for note in notes)
    assert "1 row dropped on import (last_line_cut_short=1)" in notes
    capsys.readouterr()
    assert main(["info", str(cut)]) == 0
    assert "cut short: cut.csv.gz: gzip stream ends early" in capsys.readouterr().out
    # a cut that leaves nothing is refused in one line, as before
    (tmp_path / "nothing.csv.gz").write_bytes(packed[:12])
    assert main(["info", str(tmp_path / "nothing.csv.gz")]) == 2
    assert _error(capsys).startswith(f"retrogait: error: {tmp_path / 'nothing.csv.gz'}: ")


def test_a_gzip_compressed_session_file_is_read(
    small_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`analyze run.csv.gz` (a native session compressed to save room) said "is a binary file, not a
    retrogait session CSV" although every input may be gzip-compressed (EDGE-11); cut off, it is read up to
    the cut (EDGE-9)."""
    import gzip

    text = write_session(small_session, tmp_path / "rec.csv").read_bytes()
    packed = tmp_path / "rec.csv.gz"
    packed.write_bytes(gzip.compress(text))
    from retrogait.imports import load_recording

    session = load_recording(packed).session
    assert np.array_equal(session.acc, small_session.acc) and session.source == str(packed)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(packed.read_bytes()[: packed.stat().st_size * 2 // 3])
    result = load_recording(cut)
    assert 0 < result.session.n_samples < small_session.n_samples
    assert result.report.dropped == {"last_line_cut_short": 1}
    bad = tmp_path / "bad.csv.gz"  # a problem of the session file is named by the user's path
    bad.write_bytes(gzip.compress(text.replace(b"# placement: shank", b"# placement: elbow")))
    assert main(["info", str(bad)]) == 2
    assert _error(capsys).startswith(f"retrogait: error: {bad}:")


def test_an_export_still_being_written_leaves_its_cut_last_row_out(tmp_path: Path) -> None:
    """An app export whose last row was cut while being written or copied was read with the cut value:
    `8.46190` of `8.461903381E-1`, ten times too large (EDGE-12). A whole last row without a line end (as
    phyphox and MetaWear write) is kept."""
    from retrogait.imports import load_recording

    text = samples.phyphox_classic(tmp_path / "export.csv").read_text().rstrip("\n")
    whole = tmp_path / "whole.csv"
    whole.write_text(text)  # no line end after the last row
    complete = load_recording(whole)
    assert complete.report.dropped == {}
    growing = tmp_path / "growing.csv"
    growing.write_text(text[:-4])
    result = load_recording(growing)
    assert result.report.dropped == {"last_line_cut_short": 1}
    assert result.session.n_samples == complete.session.n_samples - 1
    assert np.array_equal(result.session.acc, complete.session.acc[:-1])


def test_a_whole_last_row_one_sign_shorter_is_kept(tmp_path: Path) -> None:
    """A whole last row without a line end whose x is positive where the 50 rows before had it negative is a
    character shorter than each of them: EDGE-12's line-length rule left it out as cut short (a sample
    lost and a false note, for 0.2-2 % of the real exports in ../shared ended at another row). Judged
    field by field it is whole (EDGE-17); a row cut in its last value or in an earlier one is still left out."""
    from retrogait.imports import load_recording

    header, *rows = samples.phyphox_classic(tmp_path / "export.csv").read_text().splitlines()
    fields = [row.split(",") for row in rows]
    for row in fields:
        row[1] = "-" + row[1].lstrip("-")
    fields[-1][1] = fields[-1][1].lstrip("-")
    text = "\n".join([header, *(",".join(row) for row in fields)])
    whole = tmp_path / "whole.csv"
    whole.write_text(text)  # no line end after the last row, as phyphox writes
    result = load_recording(whole)
    assert result.report.dropped == {}
    assert result.session.acc[-1, 0] > 0 > result.session.acc[-2, 0]
    for cut in (text[:-4], text[: text.rindex(",") - 3]):  # in the last value; in an earlier one
        (tmp_path / "cut.csv").write_text(cut)
        assert load_recording(tmp_path / "cut.csv").report.dropped == {"last_line_cut_short": 1}


@pytest.mark.parametrize("share", [0.999, 0.9, 0.61, 0.5, 0.37])
def test_a_movesense_log_cut_off_keeps_its_whole_packets(share: float, tmp_path: Path) -> None:
    """A Movesense JSON log cut off (logger stopped, copy interrupted) was "is not valid JSON"; cut at any
    character, its whole packets are read and the packet being written is left out and counted."""
    from retrogait.imports import load_recording

    log = samples.movesense_json(tmp_path / "log.json")
    text = log.read_text()
    whole = load_recording(log).session
    cut = tmp_path / "cut.json"
    cut.write_text(text[: int(len(text) * share)])
    result = load_recording(cut)
    n = result.session.n_samples
    assert 0 < n < whole.n_samples
    assert np.allclose(result.session.acc, whole.acc[:n])
    assert set(result.report.dropped) <= {"last_packet_cut_short"}
    assert result.session.meta.extra["import_cut_short"].startswith("cut.json: the JSON log ends before its end")


def test_a_movesense_log_cut_at_every_character_is_read_or_refused_in_one_line(tmp_path: Path) -> None:
    from retrogait.errors import RetrogaitError
    from retrogait.imports.movesense import _cut_log_repaired

    text = samples.movesense_json(tmp_path / "log.json").read_text()
    head = text[:3000]
    for end in range(1, len(head)):
        repaired = _cut_log_repaired(head[:end])
        assert repaired is None or isinstance(repaired[0], (dict, list))
    (tmp_path / "broken.json").write_text(text.replace("]", "}", 1))  # a real syntax error: refused as before
    with pytest.raises(RetrogaitError, match="is not valid JSON"):
        from retrogait.imports import load_recording

        load_recording(tmp_path / "broken.json")


# ------------------------------------------------------------ text saved again by other programs


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_an_export_saved_as_utf16_is_read(encoding: str, tmp_path: Path) -> None:
    """Saved as "Unicode text" (UTF-16): with a byte-order mark it was "format not recognised" (the generic
    reader's sniffer counted the NUL bytes before decoding); without one the phyphox reader claimed it and
    failed with pandas' "Usecols do not match columns"."""
    from retrogait.imports import load_recording

    original = samples.phyphox_classic(tmp_path / "export.csv")
    wide = tmp_path / "wide.csv"
    wide.write_bytes(original.read_text().encode(encoding))
    a, b = load_recording(original).session, load_recording(wide).session
    assert np.array_equal(a.t_s, b.t_s) and np.array_equal(a.acc, b.acc)


def test_blank_and_binary_files_are_named_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blank = tmp_path / "blank.csv"
    blank.write_text("\n\n   \n")
    zeros = tmp_path / "zeros.csv"
    zeros.write_bytes(bytes(4096))
    assert main(["info", str(blank)]) == 2
    assert _error(capsys) == f"retrogait: error: {blank}: is empty (blank lines only)"
    assert main(["info", str(zeros)]) == 2
    assert _error(capsys) == f"retrogait: error: {zeros}: is a binary file, not a table of numbers nor a known export"


def test_a_session_saved_again_with_semicolons_says_so(
    small_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said "required column(s) missing: t_s, acc_x, acc_y, acc_z" for columns that are all there; then that the
    columns are separated by ';'; now it is read, saying so (EDGE-174)."""
    path = write_session(small_session, tmp_path / "rec.csv")
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line if line.startswith("#") else line.replace(",", ";") for line in lines))
    assert main(["convert", str(path), "--out", str(tmp_path / "out.csv")]) == 0
    assert "note: saved again with ';' between columns (by a spreadsheet)" in capsys.readouterr().out


def test_a_session_saved_again_by_a_spreadsheet_is_read(small_session: Session, tmp_path: Path) -> None:
    """Excel pads every row to the table's width when it saves a CSV: `# retrogait-session: 1,,,,,,` was
    refused as "unsupported session version '1,,,,,,'" (EDGE-13)."""
    path = write_session(small_session, tmp_path / "rec.csv")
    lines = path.read_text().splitlines()
    width = next(line for line in lines if not line.startswith("#")).count(",")
    padded = [line + "," * width if line.startswith("#") else line for line in lines]
    resaved = tmp_path / "resaved.csv"
    resaved.write_bytes(("\ufeff" + "\r\n".join(padded) + "\r\n").encode())  # with a BOM and CRLF, as Excel
    again = read_session(resaved)
    assert again.meta == read_session(path).meta and np.array_equal(again.acc, small_session.acc)
    (tmp_path / "notes.csv").write_text(path.read_text().replace("# side: left", "# side: left,"))
    from retrogait.errors import InputFileError

    with pytest.raises(InputFileError, match="side must be one of left, right, got 'left,'"):
        read_session(tmp_path / "notes.csv")  # one line ending in a comma is no padding


def test_a_session_with_commas_in_its_notes_saved_again_by_a_spreadsheet_is_read(
    small_session: Session, tmp_path: Path
) -> None:
    """Excel splits each line at its commas and pads it to the widest row: a notes line with two commas gets
    two fewer, so EDGE-13's "commas every header line ends with" stripped none and the file was still
    refused ("unsupported session version '1,,,,,,'") (EDGE-19)."""
    import csv

    from retrogait.errors import InputFileError

    noted = replace(small_session, meta=replace(small_session.meta, notes="left foot, then right, indoors"))
    path = write_session(noted, tmp_path / "rec.csv")
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    width = max(len(row) for row in rows)
    resaved = tmp_path / "resaved.csv"
    with open(resaved, "w", newline="", encoding="utf-8-sig") as fh:  # as Excel writes it: BOM, CRLF, padded
        csv.writer(fh, lineterminator="\r\n").writerows(row + [""] * (width - len(row)) for row in rows)
    assert "# notes: left foot, then right, indoors,,,," in resaved.read_text(encoding="utf-8-sig")
    again = read_session(resaved)
    assert again.meta == read_session(path).meta and np.array_equal(again.acc, noted.acc)
    (tmp_path / "side.csv").write_text(path.read_text().replace("# side: left", "# side: left,"))
    with pytest.raises(InputFileError, match="side must be one of left, right, got 'left,'"):
        read_session(tmp_path / "side.csv")  # one line ending in a comma is no padding


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX named pipes")
def test_a_pipe_is_refused_without_waiting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A named pipe with no writer made `info` and `analyze` wait for ever (a sniffer opened it); `<(zcat x)`
    (a pipe read once) was "format not recognised"."""
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    assert main(["info", str(pipe)]) == 2
    assert _error(capsys) == (
        f"retrogait: error: {pipe}: is a pipe or a device, not a file (e.g. <(zcat ...)): "
        "a recording is read more than once; save it"
    )


# ---------------------------------------------------- Sensor Logger: a sensor that gave nothing


@pytest.mark.parametrize("empty", ["", "time,seconds_elapsed,z,y,x\n"])
def test_sensor_logger_with_an_empty_gyroscope_file_is_read_without_it(
    empty: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app leaves an empty file (or only its header) for a sensor that gave nothing; the whole recording
    was refused: "Gyroscope.csv: is not a Sensor Logger table (columns: )"."""
    from retrogait.imports import load_recording

    folder = samples.sensorlogger_folder(tmp_path / "export")
    (folder / "Gyroscope.csv").write_text(empty)
    result = load_recording(folder)
    assert result.session.gyr is None and result.session.n_samples > 100
    assert "Gyroscope.csv holds no samples: left out" in result.report.notes
    (folder / "TotalAcceleration.csv").write_text(empty)
    (folder / "Accelerometer.csv").write_text(empty)
    assert main(["info", str(folder)]) == 2
    assert _error(capsys).endswith(
        "TotalAcceleration.csv, Accelerometer.csv hold no samples: the recording has no acceleration"
    )


def test_a_gyroscope_file_with_only_its_header_is_left_out(tmp_path: Path) -> None:
    """phyphox and Polar Sensor Logger: the whole recording was refused ("has no usable gyr rows")."""
    from retrogait.imports import load_recording

    folder = samples.phyphox_folder(tmp_path / "phyphox")
    gyro = folder / "Gyroscope.csv"
    gyro.write_text(gyro.read_text().splitlines(keepends=True)[0])
    result = load_recording(folder)
    assert result.session.gyr is None and "Gyroscope.csv holds no samples: left out" in result.report.notes
    acc_file = samples.polar_pair(tmp_path / "polar")
    polar_gyro = next((tmp_path / "polar").glob("*GYRO*"))
    polar_gyro.write_text(polar_gyro.read_text().splitlines(keepends=True)[0])
    result = load_recording(acc_file)
    assert result.session.gyr is None and f"{polar_gyro.name} holds no samples: left out" in result.report.notes


# -------------------------------------------- batch: earlier outputs in the data folder are no inputs


def test_batch_does_not_take_earlier_outputs_for_recordings(tmp_path: Path) -> None:
    """`analyze run.csv` writes run_analysis/ beside it; a later `batch DATA` failed on its bouts.csv and
    summary.json (exit 1), and on an earlier batch's compare.json and CSV session tables."""
    from retrogait.batch.inputs import discover_inputs

    data = tmp_path / "data"
    recording = data / "run.csv"
    for name in ("run.csv", "run_analysis/steps.csv", "run_analysis/bouts.csv", "run_analysis/summary.json"):
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text("x\n")
    for name in ("manifest.jsonl", "sessions/0a1b2c.csv", "cohort/shank_x/compare.json", "sessions.csv"):
        (data / "results" / name).parent.mkdir(parents=True, exist_ok=True)
        (data / "results" / name).write_text("x\n")
    assert discover_inputs([data]) == [recording.resolve()]


def test_batch_takes_recordings_beside_a_manifest_or_a_feedback_log(tmp_path: Path) -> None:
    """A manifest.jsonl alone (not an earlier batch's folder, which also holds sessions/) skipped every
    recording beside it; a live-feedback log (`run.feedback.csv`) was taken for a recording (review)."""
    from retrogait.batch.inputs import discover_inputs

    data = tmp_path / "data"
    data.mkdir()
    for name in ("run.csv", "manifest.jsonl", "run.feedback.csv", "run.unpaired.csv"):
        (data / name).write_text("x\n")
    assert discover_inputs([data]) == [(data / "run.csv").resolve()]


# ------------------------------------------- EDGE-14: an analysis output or a folder of runs given as a recording


def test_an_analysis_output_given_as_a_recording_says_so(
    small_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`analyze run_analysis` said "format not recognised", `analyze run_analysis/steps.csv` "holds no three
    acceleration columns"; `analyze data/` for a folder of runs "format not recognised"."""
    from steps_factory import make_steps

    folder = tmp_path / "run_analysis"
    folder.mkdir()
    make_steps(n_forward=10, n_backward=10).to_csv(folder / "steps.csv", index=False)
    (folder / "summary.json").write_text("{}")
    assert main(["analyze", str(folder)]) == 2
    assert _error(capsys) == (
        f"retrogait: error: {folder}: is an analysis folder written by `retrogait analyze` (steps.csv, "
        "summary.json), not a recording: give the recording it was made from; `retrogait compare` takes it as it is"
    )
    assert main(["info", str(folder / "steps.csv")]) == 2
    assert "steps.csv: is a steps table written by `retrogait analyze`, not a recording" in _error(capsys)
    # EDGE-76: the simulator's truth was called analyze's steps table; summary.json and bouts.csv were
    # "format not recognised"
    from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

    sim = write_simulation(
        simulate(SimulationConfig("shank", [Bout("forward", "running", 3.0, 4.0)], 100.0)), folder / "sim"
    )
    truth = folder / "sim_truth.csv"
    assert truth.is_file() and sim
    assert main(["analyze", str(truth)]) == 2
    assert _error(capsys) == (
        f"retrogait: error: {truth}: is the ground truth `retrogait simulate` writes beside a recording, not a "
        "recording: give sim.csv"
    )
    (folder / "summary.json").write_text('{"source": "run.csv", "source_digest": "sha256:0"}')
    (folder / "bouts.csv").write_text("bout_id,start_s,end_s,activity,n_steps,cadence_spm,contact_time_s\n")
    for name, what in (("summary.json", "the summary"), ("bouts.csv", "the bouts table")):
        assert main(["analyze", str(folder / name)]) == 2
        assert _error(capsys) == (
            f"retrogait: error: {folder / name}: is {what} written by `retrogait analyze`, not a recording: give "
            "the recording it was made from; `retrogait compare` takes its folder"
        )
    runs = tmp_path / "runs"
    runs.mkdir()
    for name in ("a.csv", "b.csv"):
        write_session(small_session, runs / name)
    (runs / "a_truth.csv").write_text(truth.read_text())  # a simulator's truth is not counted (EDGE-76)
    assert main(["info", str(runs)]) == 2
    assert _error(capsys) == (
        f"retrogait: error: {runs}: is a folder of 2 recordings (a.csv, b.csv), not one export: give them one "
        f"by one (e.g. {runs / '*'}), or `retrogait batch` the folder"
    )


def test_batch_takes_an_export_of_several_files_once(tmp_path: Path) -> None:
    """`batch data/` analysed a phyphox folder's Accelerometer.csv and Gyroscope.csv, a Sensor Logger
    folder's Accelerometer.csv, TotalAcceleration.csv and Metadata.csv, a Polar *_ACC.txt and *_GYRO.txt
    each as a session: each reader reads the whole export, so the same recording counted two to four times
    in the tables and the cohort comparison (EDGE-15)."""
    from retrogait.batch.inputs import discover_inputs

    files = {
        "phyphox": ["Accelerometer.csv", "Gyroscope.csv", "Accelerometer_2.csv", "Gyroscope_2.csv"],
        "sensorlogger": ["Accelerometer.csv", "TotalAcceleration.csv", "Metadata.csv", "Gyroscope.csv"],
        "android": ["TotalAcceleration.csv", "Gyroscope.csv", "Annotation.csv"],
        "polar": ["Polar_Sense_ACC.txt", "Polar_Sense_GYRO.txt", "Polar_Sense_HR.txt", "MARKER.txt"],
        "metabase": ["MW_2022_C4_Accelerometer_100.000Hz_1.4.5.csv", "MW_2022_C4_Gyroscope_100.000Hz_1.4.5.csv"],
        "alone": ["Gyroscope.csv", "Polar_Sense_GYRO.txt"],  # no accelerometer file beside: the reader says why
    }
    for folder, names in files.items():
        (tmp_path / folder).mkdir()
        for name in names:
            (tmp_path / folder / name).write_text("x\n")
    found = [p.relative_to(tmp_path.resolve()).as_posix() for p in discover_inputs([tmp_path])]
    assert found == [
        "alone/Gyroscope.csv",
        "alone/Polar_Sense_GYRO.txt",
        "android/TotalAcceleration.csv",
        "metabase/MW_2022_C4_Accelerometer_100.000Hz_1.4.5.csv",
        "phyphox/Accelerometer.csv",
        "phyphox/Accelerometer_2.csv",
        "polar/Polar_Sense_ACC.txt",
        "sensorlogger/Accelerometer.csv",
    ]


def test_batch_takes_a_sensor_logger_export_s_other_sensors_for_no_recordings(tmp_path: Path) -> None:
    """Sensor Logger writes a CSV per sensor (Location, Barometer, Battery, Network ... ~30; an empty one for a
    sensor that gave nothing): `batch` of a folder of exports took each as a session and failed it ("a Sensor Logger
    Barometer table without acceleration", "no three acceleration columns", "is empty"), exit 1 for good exports
    (EDGE-166). A file of another kind put in the folder is still an input."""
    from retrogait.batch.inputs import discover_inputs

    export = tmp_path / "2024-05-01_07-30-00"
    export.mkdir()
    table = "time,seconds_elapsed,z,y,x\n1700000000000000000,0.0,1,2,3\n"
    for name in ("TotalAcceleration.csv", "Gyroscope.csv", "Barometer.csv", "Location.csv", "Network.csv"):
        (export / name).write_text(table.replace("z,y,x", "a,b,c") if name[0] in "BLN" else table)
    (export / "BatteryTemp.csv").write_text("time,seconds_elapsed,temperature\n1700000000000000000,0.0,30\n")
    (export / "Pedometer.csv").write_text("")
    (export / "Metadata.csv").write_text("version,device name,recording epoch time\n3,Phone,1700000000000\n")
    (export / "notes.csv").write_text("t,ax,ay,az\n0,1,2,3\n")  # not the app's: still a recording to try
    found = [p.name for p in discover_inputs([tmp_path])]
    assert found == ["TotalAcceleration.csv", "notes.csv"]


def test_batch_keeps_a_renamed_sensor_logger_acceleration_table_beside_an_export(tmp_path: Path) -> None:
    """A Sensor Logger table renamed by its user (``walk.csv``: another recording's accelerometer table, read by the
    generic reader) beside an export was taken for one of the export's other sensors and left out of the batch
    without a word (EDGE-166 told them by the app's header alone). A table is left out as another sensor's only where
    its name is one of the app's tables, or it holds no x, y, z (EDGE-171)."""
    from retrogait.batch.inputs import discover_inputs

    table = "time,seconds_elapsed,z,y,x\n1700000000000000000,0.0,1,2,3\n"
    for name in ("Accelerometer.csv", "Gyroscope.csv", "GyroscopeUncalibrated.csv", "walk.csv", "run_2.csv"):
        (tmp_path / name).write_text(table)
    (tmp_path / "Network.csv").write_text("time,seconds_elapsed,type\n1700000000000000000,0.0,wifi\n")
    found = [p.name for p in discover_inputs([tmp_path])]
    assert found == ["Accelerometer.csv", "run_2.csv", "walk.csv"]


# -------------------------------------------------- EDGE-6: compare a folder of analysis folders


def _analysis_folder(folder: Path, placement: str, seed: int) -> Path:
    from steps_factory import make_steps

    folder.mkdir(parents=True)
    make_steps(n_forward=40, n_backward=40, seed=seed).to_csv(folder / "steps.csv", index=False)
    summary = {"placement": placement, "sensor": "S", "side": "left", "sample_rate_hz": 200.0, "subject": "me"}
    (folder / "summary.json").write_text(json.dumps(summary))
    return folder


def test_compare_takes_a_folder_of_analysis_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`compare results/` (one analysis folder per run inside) said "is an empty folder: no recording in it"."""
    results = tmp_path / "results"
    _analysis_folder(results / "run1", "shank", 1)
    _analysis_folder(results / "run2", "shank", 2)
    out = tmp_path / "cmp"
    assert main(["compare", str(results), "--n-boot", "200", "--out", str(out)]) == 0
    assert json.loads((out / "compare.json").read_text())
    capsys.readouterr()
    _analysis_folder(results / "run3", "lower_back", 3)
    assert main(["compare", str(results), "--n-boot", "200", "--out", str(out)]) == 2
    assert _error(capsys).startswith(
        f"retrogait: error: cannot compare {results / 'run1'} (shank) with {results / 'run3'} (lower_back)"
    )
    assert main(["compare", str(results), "--out", str(results / "run1")]) == 2
    assert "would be written into the input folder" in _error(capsys)


def test_a_folder_of_folders_given_as_one_recording_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`analyze data/` (one folder per athlete inside) said "is an empty folder: no recording in it"."""
    data = tmp_path / "data"
    (data / "alice").mkdir(parents=True)
    (data / "bob").mkdir()
    samples.phyphox_classic(data / "alice" / "run.csv")
    assert main(["analyze", str(data), "--out", str(tmp_path / "out")]) == 2
    assert _error(capsys) == (
        f"retrogait: error: {data}: holds folders (alice, bob) but no recording file; "
        "give one, or `retrogait batch` the whole tree"
    )


@pytest.mark.parametrize("given", [".", ".."])
def test_analyze_an_export_folder_given_as_dot(
    given: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`analyze .` inside a phyphox export ended in an internal error (ValueError: '.' has an empty name);
    `analyze ..` from its meta/ folder wrote a folder called `.._analysis` inside the export."""
    folder = samples.phyphox_folder(tmp_path / "export")
    monkeypatch.chdir(folder if given == "." else folder / "meta")
    assert main(["analyze", given, "--no-report"]) == 0
    assert (tmp_path / "export_analysis" / "summary.json").is_file()
    assert sorted(p.name for p in folder.rglob("*")) == [
        "Accelerometer.csv",
        "Gyroscope.csv",
        "device.csv",
        "meta",
        "time.csv",
    ]


def test_a_batch_refusal_is_one_line(
    small_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A blank line (a progress bar stopped without being started) came before the refusal."""
    source = write_session(small_session, tmp_path / "rec.csv")
    assert main(["batch", str(source), "--out", str(source), "--jobs", "1"]) == 2
    assert _error(capsys) == f"retrogait: error: {source}: is the input file {source}, not a folder to write into"


def test_an_unreadable_file_is_named_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file without read permission was "format not recognised (not a table of numbers ...)": every sniffer
    met the PermissionError and answered 'not mine'. (Root reads any file, so the refusal is simulated.)"""
    export = samples.phyphox_classic(tmp_path / "export.csv")
    real_open = Path.open

    def no_permission(self: Path, *args: object, **kwargs: object) -> object:
        if self == export:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", no_permission)
    assert main(["info", str(export)]) == 2
    assert _error(capsys) == f"retrogait: error: {export}: cannot be read (Permission denied)"


def test_simulate_does_not_overwrite_a_recording(
    small_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`simulate --out run.csv` replaced a recording called run.csv; `--out FOLDER/` wrote FOLDER.csv beside it."""
    recording = write_session(small_session, tmp_path / "run.csv")
    before = recording.read_bytes()
    assert main(["simulate", "--bouts", "still::0:3", "--out", str(recording)]) == 2
    assert "exists and is not a session file that simulate wrote" in _error(capsys)
    assert recording.read_bytes() == before
    assert main(["simulate", "--bouts", "still::0:3", "--out", str(tmp_path)]) == 2
    assert _error(capsys).endswith(
        f"{tmp_path}: is a folder; give the name of the session file to write, e.g. {tmp_path / 'run.csv'}"
    )
    synthetic = tmp_path / "sim.csv"
    assert main(["simulate", "--bouts", "still::0:3", "--out", str(synthetic)]) == 0
    assert main(["simulate", "--bouts", "still::0:4", "--out", str(synthetic)]) == 0  # its own file: made again


# ------------------------------------------------------ EDGE-10: a full disk while writing the outputs

# runs the CLI with a file size limit (RLIMIT_FSIZE; writes beyond it fail with EFBIG as on a full disk)
_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from retrogait.cli import main
sys.argv = ["retrogait", *sys.argv[2:]]
sys.exit(main())
"""


def _with_file_size_limit(limit: int, *args: str) -> tuple[int, str]:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _LIMITED, str(limit), *args], capture_output=True, text=True, timeout=300, check=False
    )
    return done.returncode, done.stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX resource limits")
def test_a_full_disk_names_the_output_and_keeps_the_earlier_set(small_session: Session, tmp_path: Path) -> None:
    """A full disk said "retrogait: error: No space left on device" (no file named; `convert` named its
    temporary `x.csv.partial`), and `analyze` left new tables beside an earlier run's report."""
    from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

    config = SimulationConfig("shank", [Bout("forward", "running", 3.0, 12.0)], seed=2)
    recording, _ = write_simulation(simulate(config), tmp_path / "run.csv")
    out = tmp_path / "out"
    assert main(["analyze", str(recording), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    largest = max(len(data) for data in before.values())
    smallest = min(len(data) for data in before.values())
    status, stderr = _with_file_size_limit((smallest + largest) // 2, "analyze", str(recording), "--out", str(out))
    assert status == 2 and len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith(f"retrogait: error: {out}{os.sep}") and "cannot be written: File too large" in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the earlier set, whole, and nothing else
    copy = tmp_path / "copy.csv"
    status, stderr = _with_file_size_limit(1000, "convert", str(recording), "--out", str(copy))
    assert status == 2 and stderr.strip() == f"retrogait: error: {copy}: cannot be written: File too large (disk full?)"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "run.csv", "run_truth.csv"]


def test_a_full_disk_in_a_batch_worker_is_no_internal_error(
    small_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch worker's full disk was listed as "internal error: OSError: [Errno 28] ..." (a bug in retrogait)
    and left its `.parquet.partial` behind."""
    import errno

    import pandas as pd

    from retrogait.batch.worker import write_table
    from retrogait.errors import RetrogaitError

    def full(self: pd.DataFrame, path: Path, *args: object, **kwargs: object) -> None:
        Path(path).write_bytes(b"half")
        raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    target = tmp_path / "abc.parquet"
    with pytest.raises(RetrogaitError) as caught:
        write_table(pd.DataFrame({"a": [1.0]}), target)
    assert str(caught.value) == f"{target}: cannot be written: No space left on device"
    assert not list(tmp_path.iterdir())


def test_compare_says_which_files_beside_analysis_folders_it_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`compare data/` where data holds analysis folders and recordings compared the analysis folders only
    and left the recordings out without a word (EDGE-16)."""
    data = tmp_path / "data"
    _analysis_folder(data / "run1_analysis", "shank", 1)
    _analysis_folder(data / "run2_analysis", "shank", 2)
    (data / "run3.csv").write_text("t_s,acc_x\n")
    (data / "notes.md").write_text("not a recording\n")
    assert main(["compare", str(data), "--n-boot", "200", "--out", str(tmp_path / "cmp")]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert f"note: {data} also holds run3.csv, not compared" in printed


def test_compare_does_not_name_a_recording_whose_analysis_it_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`analyze data/*.csv` puts run1_analysis beside run1.csv; `compare data/` then named run1.csv as "not
    compared: give them as inputs", and giving it was refused as the same session as run1_analysis (EDGE-8).
    A recording an analysis folder there was made from (its source_digest, else the source file's name in an
    older summary) is compared through it (EDGE-18)."""
    from retrogait.imports.identity import recording_digest

    data = tmp_path / "data"
    one = _analysis_folder(data / "run1_analysis", "shank", 1)
    two = _analysis_folder(data / "run2_analysis", "shank", 2)
    for name in ("run1.csv", "run2.csv", "run3.csv"):
        (data / name).write_text(f"t_s,acc_x\n0,{name[3]}\n")
    summary = json.loads((one / "summary.json").read_text())
    (one / "summary.json").write_text(json.dumps({"source_digest": recording_digest(data / "run1.csv"), **summary}))
    summary = json.loads((two / "summary.json").read_text())  # written before source_digest: by its name
    (two / "summary.json").write_text(json.dumps({"source": "elsewhere/run2.csv", **summary}))
    assert main(["compare", str(data), "--n-boot", "200", "--out", str(tmp_path / "cmp")]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert f"note: {data} also holds run3.csv, not compared" in printed


def test_an_export_folder_digest_hashes_only_files_that_can_hold_a_recording(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`analyze` waits for the digest of its input (EDGE-8). An export folder's digest hashed every file in
    it: a phyphox folder with a 3 GB video beside the tables took 10.7 s to analyse instead of 1.1 s. Only the
    files that can hold a recording are hashed (EDGE-20); a copy still has its original's digest."""
    from retrogait.imports import identity

    export = tmp_path / "export"
    (export / "meta").mkdir(parents=True)
    (export / "Accelerometer.csv").write_text("Time (s),x,y,z\n0,1,2,3\n")
    (export / "meta" / "device.csv").write_text("property,value\n")
    (export / "Microphone.mp4").write_bytes(b"\0" * 1000)
    (export / ".DS_Store").write_bytes(b"x")
    hashed: list[str] = []
    real = identity.file_digest

    def recorded(path: Path) -> str:
        hashed.append(path.relative_to(export).as_posix())
        return real(path)

    monkeypatch.setattr(identity, "file_digest", recorded)
    digest = identity.recording_digest(export)
    assert sorted(hashed) == ["Accelerometer.csv", "meta/device.csv"]
    (export / "Microphone.mp4").write_bytes(b"\1" * 1000)
    assert identity.recording_digest(export) == digest
    (export / "Accelerometer.csv").write_text("Time (s),x,y,z\n0,1,2,4\n")
    assert identity.recording_digest(export) != digest


def test_a_full_disk_while_batch_writes_its_manifest_or_combined_steps_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`batch` under a file size limit said `retrogait: error: cannot be written: File too large (disk
    full?)`, naming no file (the manifest), or named none and left `steps.parquet.partial` behind (the
    combined steps): EDGE-10 had left the batch's own files open (EDGE-21)."""
    import errno

    import pandas as pd

    from retrogait.batch import store as store_module
    from retrogait.batch.worker import JobOutcome, steps_suffix, write_table
    from retrogait.cli import os_error_text

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    steps = tmp_path / f"one{steps_suffix()}"
    write_table(pd.DataFrame({"ic_time_s": [0.5, 1.0], "direction": ["forward", "forward"]}), steps)
    out = tmp_path / "out"
    store = store_module.BatchStore(out)
    tables = store.combined()
    if steps_suffix() == ".parquet":
        import pyarrow.parquet as pq

        monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    else:
        monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    with pytest.raises(OSError) as caught:
        tables.add(JobOutcome("k", "rec.csv", True, steps_file=str(steps)))
    assert (
        os_error_text(caught.value) == f"{tables.steps_path}: cannot be written: No space left on device (disk full?)"
    )
    assert not [p.name for p in out.iterdir() if p.name.endswith(".partial")]
    monkeypatch.setattr(store_module, "open", full, raising=False)
    with pytest.raises(OSError) as caught:
        store.record(JobOutcome("k", "rec.csv", True, steps_file=str(steps)))
    assert (
        os_error_text(caught.value)
        == f"{out / 'manifest.jsonl'}: cannot be written: No space left on device (disk full?)"
    )


def test_a_folder_of_more_recordings_than_are_sniffed_is_not_given_a_count_it_does_not_have(
    small_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder of 60 runs given as a recording said "is a folder of 50 recordings": only the first 50 files
    are sniffed (EDGE-14). It says "at least 50" (EDGE-22); a folder of 3 says 3."""
    one = write_session(small_session, tmp_path / "one.csv").read_bytes()
    data = tmp_path / "data"
    data.mkdir()
    for i in range(60):
        (data / f"run{i:02d}.csv").write_bytes(one)
    assert main(["analyze", str(data), "--out", str(tmp_path / "out")]) == 2
    assert f"{data}: is a folder of at least 50 recordings (run00.csv, run01.csv, " in _error(capsys)
    for extra in data.glob("run[1-5]*.csv"):
        extra.unlink()
    assert main(["analyze", str(data), "--out", str(tmp_path / "out")]) == 2
    assert f"{data}: is a folder of 10 recordings (run00.csv, " in _error(capsys)


# ------------------------------------------------------ EDGE-23: --no-report after a run with the report


def test_no_report_removes_an_earlier_runs_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`analyze --no-report` into a folder where a run with the report had written left that report.html
    beside the new tables: a page of other numbers, read as this run's."""
    from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

    config = SimulationConfig("shank", [Bout("forward", "running", 3.0, 12.0)], seed=2)
    recording, _ = write_simulation(simulate(config), tmp_path / "run.csv")
    out = tmp_path / "out"
    assert main(["analyze", str(recording), "--out", str(out)]) == 0
    assert (out / "report.html").is_file()
    capsys.readouterr()
    assert main(["analyze", str(recording), "--out", str(out), "--no-report"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["bouts.csv", "steps.csv", "summary.json"]
    printed = capsys.readouterr().out.splitlines()  # one line off a terminal, whatever the path's length (EDGE-220)
    assert f"removed {out / 'report.html'}: an earlier run's report, of other results" in printed
    assert main(["analyze", str(recording), "--out", str(out), "--no-report"]) == 0  # nothing to remove
    assert "removed" not in capsys.readouterr().out


# ------------------------------------------------------ EDGE-24: empty lines after a session's last row


def test_a_session_with_empty_lines_at_its_end_is_read(
    small_session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A session file given extra line ends (an editor, a copy) was refused: "column t_s is empty or not
    finite" at the first empty line. An empty line inside the table is still refused where it is."""
    path = write_session(small_session, tmp_path / "rec.csv")
    text = path.read_bytes()
    path.write_bytes(text + b"\n\n \n")
    back = read_session(path)
    assert np.array_equal(back.acc, small_session.acc) and np.array_equal(back.t_s, small_session.t_s)
    assert "import_dropped_rows" not in back.meta.extra
    lines = text.split(b"\n")
    lines.insert(len(lines) - 5, b"")
    path.write_bytes(b"\n".join(lines))
    assert main(["info", str(path)]) == 2
    assert "is empty or not finite" in _error(capsys)


def test_a_compressed_recordings_analysis_is_named_without_its_endings(tmp_path: Path) -> None:
    """`analyze run.csv.gz` wrote `run.csv_analysis/` (only `.gz` taken off); it is `run_analysis/`, as for
    `run.csv` (EDGE-25)."""
    import gzip

    from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

    config = SimulationConfig("shank", [Bout("forward", "running", 3.0, 12.0)], seed=2)
    recording, _ = write_simulation(simulate(config), tmp_path / "run.csv")
    packed = tmp_path / "run.csv.GZ"
    packed.write_bytes(gzip.compress(recording.read_bytes()))
    recording.unlink()
    assert main(["analyze", str(packed), "--no-report"]) == 0
    assert (tmp_path / "run_analysis" / "steps.csv").is_file()


# ------------------------------- EDGE-26: a last row of shortest round-trip doubles judged by how it is written


def _sensorlogger_rows(n: int = 80) -> list[str]:
    """Sensor Logger's Accelerometer.csv rows as the app writes them: doubles as short as they read back,
    every last value with 16 or 17 significant digits."""
    rng = np.random.default_rng(26)
    rows = []
    for k in range(n):
        x = y = z = 0.0
        while len(repr(x).lstrip("-").replace(".", "").lstrip("0")) < 16:
            x, y, z = (float(v) for v in rng.normal(0.0, 2.0, 3))
        rows.append(f"{1_700_000_000_000_000_000 + k * 10_000_000},{k / 100 + 0.05!r},{z!r},{y!r},{x!r}")
    return rows


@pytest.mark.parametrize("last", ["-0.083081475448329", "2.55312556317746"])
def test_a_whole_last_row_of_shortest_doubles_is_kept(last: str, tmp_path: Path) -> None:
    """A Sensor Logger table ended at a whole row without a line end lost that row, with a false note, when
    its last value had fewer digits than each of the 50 before (EDGE-17's rule: 0.2-1.2 % of the rows of
    the real and generated exports; a shortest round trip has 15-17 digits, fewer now and then)."""
    from retrogait.imports.common import without_cut_last_line

    rows = _sensorlogger_rows()
    rows[-1] = rows[-1].rsplit(",", 1)[0] + "," + last
    text = "\n".join(["time,seconds_elapsed,z,y,x", *rows]).encode()
    assert without_cut_last_line(text) is None


def test_a_whole_last_row_of_float32_values_reading_zero_is_kept() -> None:
    """Android writes float32 values as doubles; a quantized axis crossing zero reads exactly ``0``."""
    from retrogait.imports.common import without_cut_last_line

    rows = [f"{k},{float(np.float32(1.0 + k / 7))!r}" for k in range(60)]
    assert without_cut_last_line("\n".join([*rows, "60,0"]).encode()) is None


def test_a_last_row_of_shortest_doubles_cut_short_is_still_left_out(tmp_path: Path) -> None:
    """A cut that took digits, the exponent or all after the point is left out; one that left 14 of 17
    significant digits is read (the value as written to 1e-13)."""
    from retrogait.imports import load_recording
    from retrogait.imports.common import without_cut_last_line

    rows = _sensorlogger_rows()
    text = "\n".join(["time,seconds_elapsed,z,y,x", *rows])
    head, value = text.rsplit(",", 1)
    for cut in ("1.", "1", "-", "-0", "-0.0", "0.0", "2.5", "0.07914616355970", "1.2e-", "1.234567891"):
        assert without_cut_last_line(f"{head},{cut}".encode()) is not None, cut
    assert without_cut_last_line(f"{head},1.23456789012345".encode()) is None
    exported = tmp_path / "Accelerometer.csv"
    exported.write_text(text)
    whole = load_recording(exported)
    assert whole.report.dropped == {}
    exported.write_text(f"{head},{value[:6]}")
    cut = load_recording(exported)
    assert cut.report.dropped == {"last_line_cut_short": 1}
    assert cut.session.n_samples == whole.session.n_samples - 1


def test_a_whole_last_row_with_a_shorter_exponent_is_kept(tmp_path: Path) -> None:
    """phyphox writes ``%.9E``: ``1.282909714E0`` is a character narrower than ``3.214742381E-1``; EDGE-17's
    width rule left such a whole last row out (0.24 % of ../shared's ankle_walk(1).csv). Its decimals tell."""
    from retrogait.imports.common import without_cut_last_line

    rows = [f"{k / 100:.9E},{-(k + 1) / 300:.9E}" for k in range(1, 60)]
    assert without_cut_last_line("\n".join([*rows, "6.000000000E-1,1.282909714E0"]).encode()) is None
    for cut in ("1.282909714E", "1.282909714", "1.28290971"):
        assert without_cut_last_line("\n".join([*rows, f"6.000000000E-1,{cut}"]).encode()) is not None, cut


def _polar_gyro_rows(last_k: int, n: int = 60) -> list[str]:
    """Polar Sensor Logger's GYRO rows: readings of 0.07 deg/s, scaled in float32 and written as Java floats
    (shortest digits: ``0.35``, ``0.42000002``, ``2.1``); every value before the last at least 4 characters."""
    rng = np.random.default_rng(14)
    rows = []
    for k in range(n):
        counts = rng.choice([c for c in range(15, 140) if c % 10], 3) * rng.choice([-1, 1], 3)
        if k == n - 1:
            counts[2] = last_k
        x, y, z = (np.format_float_positional(np.float32(c) * np.float32(0.07), trim="0") for c in counts)
        rows.append(f"2022-04-25T11:39:{k // 50:02d}.{k % 50:03d};{704201974831222483 + k * 19_340_000};{x};{y};{z}")
    return ["Phone timestamp;sensor timestamp [ns];X [dps];Y [dps];Z [dps]", *rows]


@pytest.mark.parametrize("last_k", [10, -1, 0, 6])
def test_a_whole_last_polar_row_narrower_than_those_before_is_kept(last_k: int) -> None:
    """Polar's quantized Java floats: a whole last row whose value (``0.7``, ``-0.07``, ``0.0``) is narrower
    than each of the 50 before was left out by EDGE-17's width rule (0.50 % of ../shared's GYRO rows); it is
    a whole multiple of the column's 0.07 deg/s (IMPORT-14)."""
    from retrogait.imports.common import without_cut_last_line

    rows = _polar_gyro_rows(last_k)
    assert min(len(row.rsplit(";", 1)[1].lstrip("-")) for row in rows[1:-1]) >= 4
    assert without_cut_last_line("\n".join(rows).encode(), ";") is None


def test_a_cut_polar_row_is_left_out_or_read_within_two_quanta() -> None:
    """Every cut of a Polar GYRO last row is left out, or read within two of the sensor's 0.07 deg/s steps
    (a cut on the lattice that kept enough decimals); none off the lattice is read."""
    from retrogait.imports.common import without_cut_last_line

    left_out = 0
    for last_k in (-37, 17, 6, 301, -1430):
        rows = _polar_gyro_rows(last_k)
        head, value = "\n".join(rows).rsplit(";", 1)
        for at in range(1, len(value)):
            cut = value[:at]
            if without_cut_last_line(f"{head};{cut}".encode(), ";") is None:
                assert abs(float(cut) - float(value)) <= 2 * 0.07 + 1e-6, (value, cut)
            else:
                left_out += 1
    assert left_out >= 10


def test_a_column_without_a_quantum_keeps_the_width_rule() -> None:
    """Decimal fractions with no common step (3-6 decimals of noise): the lattice says nothing, the width
    rule decides as before (a value narrower than each before is taken as cut)."""
    from retrogait.imports.common import without_cut_last_line

    rng = np.random.default_rng(5)
    values = zip(rng.uniform(1, 9, 60), rng.integers(3, 7, 60), strict=True)
    rows = [f"{k},{v:.{d}f}" for k, (v, d) in enumerate(values)]
    assert without_cut_last_line("\n".join([*rows, "60,1.2"]).encode()) is not None
    assert without_cut_last_line("\n".join([*rows, "60,1.234"]).encode()) is None


# --------------------------------------------------- EDGE-27: convert --out run.csv.gz writes what it names


@pytest.mark.parametrize("name", ["run.csv.gz", "run.csv.GZ"])
def test_convert_to_a_gz_name_writes_a_compressed_session(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`convert export.csv --out run.csv.gz` wrote plain text under a .gz name: every command then refused
    the file it had just written ("cannot be read as native (Not a gzipped file (b'# '))")."""
    import gzip

    from retrogait.imports import load_recording

    export = samples.phyphox_classic(tmp_path / "export.csv")
    out = tmp_path / name
    assert main(["convert", str(export), "--out", str(out)]) == 0
    assert gzip.decompress(out.read_bytes()).startswith(b"# retrogait-session:")
    assert np.array_equal(load_recording(out).session.acc, load_recording(export).session.acc)
    assert main(["convert", str(export), "--out", str(out)]) == 0  # its own conversion is replaced, as for .csv
    other = samples.physics_toolbox(tmp_path / "other.csv")
    capsys.readouterr()
    assert main(["convert", str(other), "--out", str(out)]) == 2  # another export's is not (EDGE-4)
    assert "was converted from another export than other.csv" in _error(capsys)
    assert main(["info", str(out)]) == 0


# ------------------------------------------------ EDGE-28: info of an absurd value prints no numpy warning


def test_info_of_a_recording_with_an_absurd_value_prints_its_line_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One value of 1e300 in an export (a logger's glitch): `info` printed numpy's "RuntimeWarning: overflow
    encountered in multiply" and a line of numpy's source to stderr under the summary."""
    header, *rows = samples.phyphox_classic(tmp_path / "export.csv").read_text().splitlines()
    fields = rows[50].split(",")
    fields[2] = "1e300"
    rows[50] = ",".join(fields)
    path = tmp_path / "glitch.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    assert main(["info", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "glitch.csv" in captured.out and "|acc| median" in captured.out


def test_an_absurd_gyroscope_value_in_a_file_of_its_own_prints_no_numpy_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """EDGE-133: `fuzz_import.py --seed 3535` case 1681, a Polar GYRO.txt with one value 1e308 deg/s: the
    import's still check (HONEST-24) squared it, and `info` printed numpy's "RuntimeWarning: overflow encountered
    in multiply" with a line of numpy's source above its summary (the value is kept and dropped by analyze)."""
    acc = samples.polar_pair(tmp_path)
    gyro = next(tmp_path.glob("*_GYRO.txt"))
    header, *rows = gyro.read_text().splitlines()
    fields = rows[120].split(";")
    fields[2] = "1e308"
    rows[120] = ";".join(fields)
    gyro.write_text("\n".join([header, *rows]) + "\n")
    assert main(["info", str(acc)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "polar_logger" in captured.out and "|acc| median" in captured.out


# ---------------------------------------- EDGE-29: a gyroscope read but left out is noted by analyze and info


def test_a_gyroscope_left_out_on_import_is_noted_by_analyze_and_info(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Sensor Logger Gyroscope.csv whose clock lies 1000 s after the accelerometer's covers none of it and
    is left out: `convert` said so, but `analyze` analysed without the gyroscope (no direction, no foot strike)
    and neither it, its summary nor `info` said a word."""
    folder = samples.sensorlogger_folder(tmp_path / "export")
    gyro = folder / "Gyroscope.csv"
    header, *rows = gyro.read_text().splitlines()
    shifted = [f"{int(row.split(',', 1)[0]) + 10**12},{row.split(',', 1)[1]}" for row in rows]
    gyro.write_text("\n".join([header, *shifted]) + "\n")
    note = "gyroscope covers only 0 % of the accelerometer time; it was left out"
    out = tmp_path / "out"
    assert main(["analyze", str(folder), "--no-report", "--out", str(out)]) == 0
    assert note in json.loads((out / "summary.json").read_text())["notes"]
    capsys.readouterr()
    assert main(["info", str(folder)]) == 0
    assert "gyroscope: " + note in " ".join(capsys.readouterr().out.split())
    session = tmp_path / "run.csv"  # a converted session keeps it in its header
    assert main(["convert", str(folder), "--out", str(session)]) == 0
    assert read_session(session).meta.extra["import_gyro_left_out"] == note


# ------------------------------------------------------- EDGE-30: an empty or damaged .gz is named as such


def test_an_empty_or_damaged_gzip_file_is_named_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A logger that made run.csv.gz and stopped before its first row, and a .gz damaged at its start, were
    both "format not recognised (not a table of numbers nor a known file)", as if the wrong file was given."""
    import gzip

    text = samples.phyphox_classic(tmp_path / "export.csv").read_bytes()
    cases = {
        "empty.csv.gz": (gzip.compress(b""), "is empty (a gzip file that unpacks to nothing or to blank lines)"),
        "blank.csv.gz": (gzip.compress(b"\n\r\n"), "is empty (a gzip file that unpacks to nothing or to blank lines)"),
        "damaged.csv.gz": (b"\x1f\x8b" + bytes(range(7, 200)), "is a damaged gzip file ("),
        "cut.csv.gz": (gzip.compress(text)[:14], "is a gzip file cut off before any of its text"),
    }
    for name, (data, problem) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        for command in (["info", str(path)], ["analyze", str(path), "--out", str(tmp_path / "out")]):
            assert main(command) == 2
            assert _error(capsys).startswith(f"retrogait: error: {path}: {problem}"), name
    whole = tmp_path / "whole.csv.gz"
    whole.write_bytes(gzip.compress(text))
    assert main(["info", str(whole)]) == 0


# ------------------------------------------- EDGE-31: batch says which input it counted once with another


def test_batch_names_an_input_that_is_the_same_recording_as_another(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same recording copied into two subjects' folders: batch wrote it once, under the first subject,
    and said "2 sessions: 1 analysed, 0 skipped, 0 failed": the second input was in none of the counts and
    not named anywhere a user looks."""
    import csv

    squad = tmp_path / "squad"
    first = samples.phyphox_classic(squad / "anna" / "run.csv")
    (squad / "ben").mkdir()
    again = Path(shutil.copy(first, squad / "ben" / "run.csv"))
    out = tmp_path / "out"
    assert main(["batch", str(squad), "--out", str(out), "--jobs", "1", "--no-compare"]) == 0
    printed = capsys.readouterr().err.splitlines()  # one line off a terminal, whatever the path's length (EDGE-220)
    note = f"note: {again} is the same recording as {first} (the same bytes): counted once"
    assert note in printed
    assert any(
        line.startswith("2 sessions: 1 analysed, 0 skipped, 0 failed, 1 the same as another") for line in printed
    )
    with (out / "sessions.csv").open() as fh:
        assert [row["session"] for row in csv.DictReader(fh)] == [str(first)]


# ------------------------------------------ EDGE-32: a recording and its gzip-compressed copy are one session


def test_compare_refuses_a_recording_given_with_its_compressed_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`compare run.csv run.csv.gz` (or run.csv.gz's analysis folder with run.csv) counted every step twice:
    the digest that tells one session given twice (EDGE-8) hashed the .gz as stored."""
    import gzip

    from retrogait.imports.identity import recording_digest

    recording = samples.phyphox_classic(tmp_path / "run.csv")
    packed = tmp_path / "run.csv.gz"
    packed.write_bytes(gzip.compress(recording.read_bytes()))
    assert recording_digest(packed) == recording_digest(recording)
    cut = tmp_path / "cut.csv.gz"  # a .gz cut off is another recording (read up to its cut, EDGE-9)
    cut.write_bytes(packed.read_bytes()[:-40])
    assert recording_digest(cut) not in (recording_digest(recording), "sha256:")
    out = str(tmp_path / "cmp")
    assert main(["compare", str(recording), str(packed), "--n-boot", "200", "--out", out]) == 2
    assert _error(capsys) == (
        f"retrogait: error: {packed}: is the same session as {recording}; "
        "its steps would count twice: give each session once"
    )
    analysis = tmp_path / "packed_analysis"
    assert main(["analyze", str(packed), "--no-report", "--out", str(analysis)]) == 0
    capsys.readouterr()
    assert main(["compare", str(analysis), str(recording), "--n-boot", "200", "--out", out]) == 2
    assert "is the same session as" in _error(capsys)
