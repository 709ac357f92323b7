"""A session file or a GENEActiv CSV export too long to analyse whole is read a part at a time, its rows found by
their time without parsing the rest of the file, and analysed in parts as a GENEActiv ``.bin`` is (LONG-6)."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrogait.analysis.part_plan as part_plan
import retrogait.analysis.parts as parts_module
import retrogait.imports.file_size as file_size
import retrogait.memory as memory
from retrogait.analysis.pipeline import analyze
from retrogait.cli import main
from retrogait.errors import RetrogaitError
from retrogait.imports import load_session
from retrogait.imports.part import EmptyPart, NotInTimeOrder, part_of
from retrogait.session import Session, read_session, write_session
from retrogait.simulate import SimulationConfig, parse_bouts, simulate
from retrogait.textparts import parts_in_order

G = 9.80665


@pytest.fixture(scope="module")
def recording() -> Session:
    """Three and a half minutes of a shank at 100 Hz: rests between forward walking, running, backward walking.
    Simulator version 1 (SIM-17): read without its gyroscope (the GENEActiv CSVs) the forward walk's contacts vary
    more than any walk's and the gait gate drops the whole walk (CADENCE-12, both versions); on version 2 a ~50 s part
    holding its last 10 s passes the gate and the parts hold 8 steps the whole does not (114 against 106)."""
    bouts = parse_bouts(
        "still::0:15,forward:walking:1.3:45,still::0:15,forward:running:3.0:45,still::0:15,backward:walking:1.0:45,"
        "still::0:30"
    )
    session = simulate(SimulationConfig("shank", bouts, 100.0, seed=2, version=1)).session
    return session.with_meta(placement="shank", side="left")


def geneactiv_csv(session: Session, path: Path, newline: str = "\r\n", order: np.ndarray | None = None) -> Path:
    """``session`` as the GENEActiv PC software exports it: its header, then ``YYYY-MM-DD HH:MM:SS:mmm,x,y,z,lux,
    button,temperature`` in g (``order``: the rows in this order instead of time order)."""
    stamps = np.datetime64("2019-08-06T10:25:50.000") + np.round(session.t_s * 1000).astype("timedelta64[ms]")
    said = np.char.replace(np.char.replace(np.datetime_as_string(stamps, unit="ms"), "T", " "), ".", ":")
    g = session.acc / G
    rows = pd.DataFrame({"t": said, "x": g[:, 0], "y": g[:, 1], "z": g[:, 2], "lux": 0, "button": 0, "c": 31.6})
    if order is not None:
        rows = rows.iloc[order]
    header = ["Device Type,GENEActiv", "Device Model,1.1", "Device Unique Serial Code,046164"]
    header += ["Measurement Frequency,100.0 Hz", "Device Location Code,left ankle", "Time Zone,GMT +00", "Units,g", ""]
    with open(path, "w", newline="") as out:
        out.write(newline.join(header) + newline)
        rows.to_csv(out, header=False, index=False, float_format="%.4f", lineterminator=newline)
    return path


def _steps(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "steps.csv", keep_default_na=False, na_values=[""])


def _analyses(path: Path, tmp_path: Path, *more: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object]]:
    """The steps of ``path`` analysed whole and with ``--part-hours 0.034`` (122.4 s), and the second's summary."""
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    assert main(["analyze", str(path), "-o", str(whole), "--no-report", "--placement", "shank", *more]) == 0
    args = ["analyze", str(path), "-o", str(parts), "--no-report", "--placement", "shank", "--part-hours", "0.034"]
    assert main([*args, *more]) == 0
    return _steps(whole), _steps(parts), json.loads((parts / "summary.json").read_text())


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert len(a) == len(b) > 100
    np.testing.assert_allclose(b["ic_time_s"], a["ic_time_s"], atol=0.0101)
    for column in ("direction", "activity", "bout_id", "foot_strike"):
        assert b[column].astype(str).tolist() == a[column].astype(str).tolist(), column


def test_a_session_part_is_read_alone_and_is_the_whole_reading_cut(tmp_path: Path, recording: Session) -> None:
    """Its bytes found by the rows' time: times, values and header those of the whole reading cut (LONG-2's
    ``part_of``), at a row, between rows, open-ended; the rows after it are never parsed (a row of text there)."""
    shifted = replace(recording, t_s=recording.t_s + 1000.0)  # a part file of `convert --start`: its own time line
    path = write_session(shifted, tmp_path / "rec.csv")
    whole = read_session(path)
    for part in [(60.0, 120.0), (None, 30.005), (180.0, None), (0.0, 0.5)]:
        alone, cut = load_session(path, part_s=part), part_of(whole, str(path), part)
        np.testing.assert_array_equal(alone.t_s, cut.t_s)
        np.testing.assert_array_equal(alone.acc, cut.acc)
        np.testing.assert_array_equal(alone.gyr, cut.gyr)  # type: ignore[arg-type]
        assert alone.meta == cut.meta
    lines = path.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("1150."))
    fields = lines[at].split(",")
    lines[at] = ",".join([fields[0], "oops", *fields[2:]])
    path.write_text("".join(lines))
    assert len(load_session(path, part_s=(10.0, 100.0)).t_s) == 9000
    with pytest.raises(RetrogaitError, match=rf"{path}:{at + 1}: column acc_x holds text, not a number: 'oops'"):
        load_session(path, part_s=(100.0, 200.0))  # the line named is the file's, as the whole reading's
    with pytest.raises(RetrogaitError, match=rf"{path}:{at + 1}: column acc_x holds text"):
        read_session(path)


def test_a_geneactiv_csv_part_is_read_alone_and_is_the_whole_reading_cut(tmp_path: Path, recording: Session) -> None:
    """On the recording's time line (0 at its first row), its start time the recording's, as a ``.bin`` part's;
    CR line ends (an old export) too."""
    for newline in ("\r\n", "\r"):
        path = geneactiv_csv(recording, tmp_path / "ga.csv", newline)
        whole = load_session(path)
        for part in [(60.0, 120.0), (None, 30.005), (180.0, None)]:
            alone, cut = load_session(path, part_s=part), part_of(whole, str(path), part)
            np.testing.assert_allclose(alone.t_s, cut.t_s, atol=1e-9)
            np.testing.assert_array_equal(alone.acc, cut.acc)
            assert alone.meta.start_time_utc == cut.meta.start_time_utc == "2019-08-06T10:25:50.000Z"
            assert alone.meta.extra["import_part_s"] == cut.meta.extra["import_part_s"]


def test_a_geneactiv_csv_part_starts_its_time_line_where_the_whole_reading_does(
    tmp_path: Path, recording: Session
) -> None:
    """A first row whose values cannot be read is dropped by the whole reading, whose time line and start time are
    then the second row's; a part read alone took the dropped row's stamp: its times 10 ms late, its start time the
    dropped row's, the first part a sample short (REVIEW-9)."""
    path = geneactiv_csv(recording, tmp_path / "ga.csv")
    lines = path.read_bytes().split(b"\r\n")
    first = next(k for k, line in enumerate(lines) if line[:2] == b"20")
    fields = lines[first].split(b",")
    # x, y and z not numbers: a row dropped (one value missing beside others keeps its row: EDGE-197)
    lines[first] = b",".join([fields[0], b"oops", b"oops", b"oops", *fields[4:]])
    path.write_bytes(b"\r\n".join(lines))
    whole = load_session(path)
    assert whole.meta.extra["import_dropped_detail"] == "row_not_a_number=1"
    for part in [(None, 30.0), (60.0, 120.0)]:
        alone, cut = load_session(path, part_s=part), part_of(whole, str(path), part)
        np.testing.assert_allclose(alone.t_s, cut.t_s, atol=1e-9)
        assert alone.meta.start_time_utc == cut.meta.start_time_utc == "2019-08-06T10:25:50.010Z"


@pytest.mark.parametrize("kind", ["session", "geneactiv", "geneactiv CR"])
def test_a_text_file_analysed_in_parts_gives_the_whole_analysis(
    tmp_path: Path, recording: Session, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--part-hours` on a session file or a GENEActiv CSV: each part read alone, the steps and bouts the whole's."""
    import retrogait.textparts as textparts  # new in LONG-6: here, so that the test fails before, not its file

    newline = "\r" if kind.endswith("CR") else "\r\n"  # an old export's line ends: its rate found too
    path = tmp_path / "r.csv"
    write_session(recording, path) if kind == "session" else geneactiv_csv(recording, path, newline)
    read = []
    real = textparts.RowsInTime.part_bytes
    monkeypatch.setattr(textparts.RowsInTime, "part_bytes", lambda self, *p: read.append(p) or real(self, *p))
    whole, parts, summary = _analyses(path, tmp_path)
    _same(whole, parts)
    assert len(summary["parts"]) == 2 and len(read) == 3  # the length (beyond the end), then each part
    assert pd.read_csv(tmp_path / "whole" / "bouts.csv").equals(pd.read_csv(tmp_path / "parts" / "bouts.csv"))


def _small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """3.1 MB of memory: the recording's whole analysis needs ~4.2 MB, parts of ~50 s with 10 s overlaps fit."""
    monkeypatch.setattr(file_size, "CHECK_FROM_BYTES", 0)
    monkeypatch.setattr(parts_module, "OVERLAP_S", 10.0)
    monkeypatch.setattr(part_plan, "OVERLAP_S", 10.0)
    monkeypatch.setattr(part_plan, "MIN_PART_S", 30.0)
    monkeypatch.setenv(memory.MEMORY_ENV, "0.003")


def test_a_geneactiv_csv_too_long_for_the_memory_is_analysed_in_parts_by_itself(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was refused in one line ("it is read whole before a part is cut"): now analysed in parts that fit."""
    path = geneactiv_csv(recording, tmp_path / "week.csv")
    _small_parts(monkeypatch)
    out = tmp_path / "out"
    assert main(["analyze", str(path), "--out", str(out), "--placement", "shank", "--no-report"]) == 0
    capsys.readouterr()
    monkeypatch.delenv(memory.MEMORY_ENV)
    _same(analyze(path, placement="shank").steps, _steps(out))
    assert len(json.loads((out / "summary.json").read_text())["parts"]) >= 4  # parts of ~50 s


def _in_a_decimal_comma_locale(path: Path) -> Path:
    """``path`` (a GENEActiv CSV) saved again by a spreadsheet in a decimal-comma locale: a BOM, ``;`` between
    fields, decimal commas (EDGE-119)."""
    lines = path.read_bytes().decode().split("\r\n")
    resaved = [
        ";".join([line[:23], line[24:].replace(",", ";").replace(".", ",")])
        if line[:2] == "20"
        else line.replace(",", ";", 1)
        for line in lines
    ]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(resaved).encode())
    return path


def test_a_decimal_comma_geneactiv_csv_too_long_for_the_memory_is_analysed_in_parts(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """EDGE-119's `;` export (its part reader reads `;`) was refused by the plan, which knew `Device Type,` only:
    "it is read whole before a part is cut" (REVIEW-9); now read a part at a time as the `,` export is."""
    import retrogait.textparts as textparts

    path = _in_a_decimal_comma_locale(geneactiv_csv(recording, tmp_path / "week.csv"))
    assert b"Device Type;GENEActiv" in path.read_bytes()[:40] and b";0,0" in path.read_bytes()
    estimate = file_size.estimated_samples(path, any_size=True)
    assert estimate is not None and estimate.reads_part and estimate.rate_hz == 100.0
    assert estimate.analysis_bytes_per_sample == memory.GENEACTIV_CSV_ANALYSIS_BYTES_PER_SAMPLE
    _small_parts(monkeypatch)
    read: list[object] = []
    real = textparts.RowsInTime.part_bytes
    monkeypatch.setattr(textparts.RowsInTime, "part_bytes", lambda self, *p: read.append(p) or real(self, *p))
    out = tmp_path / "out"
    assert main(["analyze", str(path), "--out", str(out), "--placement", "shank", "--no-report"]) == 0, (
        capsys.readouterr()
    )
    monkeypatch.delenv(memory.MEMORY_ENV)
    assert len(read) >= 5  # the length, then each part read alone
    _same(analyze(path, placement="shank").steps, _steps(out))


@pytest.mark.parametrize("kind", ["session", "geneactiv"])
def test_a_batch_job_too_long_for_the_memory_is_analysed_in_parts_as_analyze_does(
    tmp_path: Path, recording: Session, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`batch` failed such a job in errors.csv (LONG-2) where `analyze` analyses it in parts: now the job does too,
    with the file's header in its row and no samples' digest (the recording is never in memory whole)."""
    from retrogait.batch.worker import analyze_one, read_table

    path = tmp_path / "week.csv"
    write_session(recording, path) if kind == "session" else geneactiv_csv(recording, path)
    _small_parts(monkeypatch)
    outcome = analyze_one(str(path), "k" * 64, {"placement": "shank"}, str(tmp_path))
    assert outcome.ok, outcome.error
    assert outcome.samples is None and outcome.summary["sample_rate_hz"] == pytest.approx(100.0)
    monkeypatch.delenv(memory.MEMORY_ENV)
    assert outcome.steps_file is not None
    _same(analyze(path, placement="shank").steps, read_table(Path(outcome.steps_file)))


@pytest.mark.parametrize("kind", ["session", "geneactiv"])
def test_after_a_gap_nothing_is_lost_and_a_part_inside_it_is_skipped(tmp_path: Path, kind: str) -> None:
    """A device off for 1000 s: the length is the first row's to the last's (read from the file's two ends), the
    parts inside the gap hold no row and are skipped, the run after the gap is kept (REVIEW-8's lesson)."""
    bouts = parse_bouts("still::0:10,forward:running:3.0:60,still::0:40,forward:running:3.0:60,still::0:10")
    session = simulate(SimulationConfig(placement="shank", bouts=bouts, sample_rate_hz=100.0)).session
    session = replace(session, t_s=np.where(session.t_s > 110.0, session.t_s + 1000.0, session.t_s))
    path = tmp_path / "gap.csv"
    write_session(session, path) if kind == "session" else geneactiv_csv(session, path)
    whole, parts, summary = _analyses(path, tmp_path)
    assert (whole["ic_time_s"] > 1110.0).sum() > 80 and len(summary["parts"]) <= 6  # of 9 planned
    x, y = whole["ic_time_s"].to_numpy(), parts["ic_time_s"].to_numpy()
    missed = x[np.min(np.abs(x[:, None] - y[None, :]), axis=1) > 0.03]
    assert missed.size <= 2  # the edges of the run its part holds alone (REVIEW-8)
    assert summary["duration_s"] == pytest.approx(session.duration_s, abs=0.02)


@pytest.mark.parametrize("kind", ["session", "geneactiv"])
def test_a_stray_first_sample_days_before_does_not_refuse_the_parts(
    tmp_path: Path, recording: Session, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """EDGE-116 skips an empty first part where the whole recording is in memory, but a file read a part at a time
    (LONG-6, `--part-hours` or too long) was refused: "has no samples from 0-3720 s" (REVIEW-9). Its reader says
    where the recording's first sample is, so its first part is skipped too, and the steps are the whole's."""
    t = recording.t_s.copy()
    t[1:] += 6 * 86400.0  # the first row misread, six days before the rest
    path = tmp_path / "r.csv"
    write_session(replace(recording, t_s=t), path) if kind == "session" else geneactiv_csv(
        replace(recording, t_s=t), path
    )
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    assert main(["analyze", str(path), "-o", str(whole), "--no-report", "--placement", "shank"]) == 0
    args = ["analyze", str(path), "-o", str(parts), "--no-report", "--placement", "shank", "--part-hours", "1"]
    assert main(args) == 0, capsys.readouterr().err
    _same(_steps(whole), _steps(parts))


def test_a_part_beyond_the_end_is_refused_naming_the_length(tmp_path: Path, recording: Session) -> None:
    path = geneactiv_csv(recording, tmp_path / "ga.csv")
    with pytest.raises(EmptyPart, match=r"has no samples from 1000-end s: it lasts 210.0 s") as said:
        load_session(path, part_s=(1000.0, None))
    assert said.value.lasts_s == pytest.approx(recording.duration_s)


def _read_whole_where_it_fits_else_refused(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    """`--part-hours` on ``path`` gives the whole analysis (read whole, then cut); too long for the memory it is
    refused in one line saying its rows are not in time order; that line."""
    whole = tmp_path / "whole"
    assert main(["analyze", str(path), "-o", str(whole), "--no-report", "--placement", "shank"]) == 0
    parts = tmp_path / "parts"
    args = ["analyze", str(path), "-o", str(parts), "--no-report", "--placement", "shank", "--part-hours", "0.034"]
    assert main(args) == 0
    assert _steps(parts).equals(_steps(whole))  # read whole, then cut into parts
    capsys.readouterr()
    _small_parts(monkeypatch)
    assert main(args[:-2]) == 2  # too long to analyse whole: in parts by itself, its order found wrong
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and f"{path}: its rows are not in time order" in err
    return err


def test_rows_out_of_time_order_are_read_whole_where_they_fit_else_refused(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A GENEActiv export with two rows 2 s apart swapped cannot be cut by its time: read whole where it fits (the whole
    reading drops the row going back, EDGE-2), refused in one line naming the file where it does not."""
    order = np.arange(recording.n_samples)
    order[[15000, 15200]] = [15200, 15000]  # 2 s apart (rows less than 1 s behind are dropped in parts, LONG-9)
    path = geneactiv_csv(recording, tmp_path / "swapped.csv", order=order)
    err = _read_whole_where_it_fits_else_refused(path, tmp_path, monkeypatch, capsys)
    assert "too long to analyse whole in the memory available: sort its rows by time" in err


def test_one_part_of_rows_out_of_time_order_is_read_whole_and_cut_where_it_fits(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--start/--end` of the same export was refused "its rows are not in time order (...): it is not read in
    parts", though the whole export reads and `--part-hours` on it reads it whole (REVIEW-9): one part falls back
    as the parts do, to the whole reading cut, where it fits; else one line saying to sort it."""
    order = np.arange(recording.n_samples)
    order[[6000, 6200]] = [6200, 6000]  # at 60 and 62 s, inside the part asked for: 2 s back, over LONG-9's 1 s
    path = geneactiv_csv(recording, tmp_path / "swapped.csv", order=order)
    alone, cut = load_session(path, part_s=(50.0, 90.0)), part_of(load_session(path), str(path), (50.0, 90.0))
    np.testing.assert_array_equal(alone.t_s, cut.t_s)
    np.testing.assert_array_equal(alone.acc, cut.acc)
    monkeypatch.setattr(file_size, "CHECK_FROM_BYTES", 0)
    monkeypatch.setenv(memory.MEMORY_ENV, "0.003")  # the part fits, the whole does not
    with pytest.raises(RetrogaitError, match=r"its rows are not in time order .* sort its rows by time$"):
        load_session(path, part_s=(50.0, 90.0))


def test_a_session_file_cut_short_drops_its_last_line_in_its_last_part(tmp_path: Path, recording: Session) -> None:
    """A recorder killed while appending (EDGE-3): the last line, cut short, is left out and counted, as whole."""
    path = write_session(recording, tmp_path / "cut.csv")
    path.write_bytes(path.read_bytes()[:-7])
    whole, alone = read_session(path), load_session(path, part_s=(100.0, None))
    np.testing.assert_array_equal(alone.t_s, part_of(whole, str(path), (100.0, None)).t_s)
    assert alone.meta.extra["import_dropped_detail"] == whole.meta.extra["import_dropped_detail"]
    assert "import_dropped_detail" not in load_session(path, part_s=(10.0, 100.0)).meta.extra


def test_a_gzip_file_too_long_to_analyse_whole_is_refused_saying_to_unzip_it(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A gzip stream cannot be sought (LONG-7): it was read whole, whatever its length; now refused in one line
    before it is read where its analysis would not fit, saying to unzip it (the text is then read in parts)."""
    text = write_session(recording, tmp_path / "rec.csv").read_bytes()
    path = tmp_path / "rec.csv.gz"
    path.write_bytes(gzip.compress(text))
    monkeypatch.setattr(file_size, "CHECK_FROM_BYTES", 0)
    monkeypatch.setenv(memory.MEMORY_ENV, "0.003")
    assert main(["analyze", str(path), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and f"{path}: about " in err and " min at 100 Hz" in err
    assert "a gzip-compressed file is read whole: unzip it (gunzip) and analyse the text, read in parts" in err


def test_a_gzip_geneactiv_csv_is_planned_at_what_its_whole_reading_costs(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """LONG-6 plans a GENEActiv CSV at 340 bytes a sample (its stamps decoded at once), LONG-7 refuses a `.gz` whose
    analysis does not fit: the `.gz` of a GENEActiv CSV was planned at 200, so one that fits at 200 and not at 340
    was read whole into what it does not fit in (REVIEW-9). 21,000 samples: 4.2 MB at 200, 7.1 MB at 340."""
    path = tmp_path / "ga.csv.gz"
    path.write_bytes(gzip.compress(geneactiv_csv(recording, tmp_path / "ga.csv").read_bytes()))
    monkeypatch.setattr(file_size, "CHECK_FROM_BYTES", 0)
    monkeypatch.setenv(memory.MEMORY_ENV, "0.0055")
    assert main(["analyze", str(path), "-o", str(tmp_path / "out"), "--no-report"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "a gzip-compressed file is read whole: unzip it" in err


def test_parts_that_do_not_follow_each_other_are_not_in_time_order() -> None:
    """Each part's rows in order is not enough: a part must start at or before the end of the one before (else rows
    between were never read) and its rows after those bytes not before the latest row read; the length's read beyond
    the end (nothing read) first does not count as a part. A reader may let rows lie less than 1 s behind (LONG-9)."""
    from retrogait.textparts import OrderCheck

    key = ("f.csv", 1000, 1)
    check = OrderCheck()
    check.read("f.csv", key, 1000, 1000, np.zeros(0), np.zeros(0, dtype=np.int64))  # the length: beyond the end
    check.read("f.csv", key, 10, 400, np.array([0.0, 1.0, 2.0]), np.array([10, 200, 390]))
    check.read("f.csv", key, 300, 600, np.array([1.5, 2.0, 3.0]), np.array([300, 390, 500]))  # overlapping
    check.read("f.csv", key, 600, 600, np.zeros(0), np.zeros(0, dtype=np.int64))  # a part inside a gap
    check.read("f.csv", key, 600, 700, np.array([3.5, 4.0]), np.array([600, 650]))  # meeting
    with pytest.raises(NotInTimeOrder, match=r"f.csv: its rows are not in time order \(the rows from byte 800"):
        check.read("f.csv", key, 800, 900, np.array([5.0, 6.0]), np.array([800, 850]))  # bytes 700-800 never read
    with pytest.raises(NotInTimeOrder, match="do not follow those up to byte 700"):  # before the last row read
        check.read("f.csv", key, 700, 900, np.array([3.0, 6.0]), np.array([700, 800]))
    with pytest.raises(NotInTimeOrder, match="do not follow those up to byte 700"):  # overlapping, one behind
        check.read("f.csv", key, 650, 900, np.array([3.5, 3.8, 3.9]), np.array([650, 690, 800]))
    with pytest.raises(NotInTimeOrder, match=r"a row at 2.000 s after one at 3.700 s, in bytes 650-900"):
        check.read("f.csv", key, 650, 900, np.array([3.7, 2.0, 1.0]), np.array([650, 700, 800]))
    # rows may lie less than 1 s behind a row before them (LONG-9): in a part, and after the parts before
    check.read("f.csv", key, 650, 900, np.array([4.0, 3.5, 5.0, 4.1]), np.array([650, 700, 750, 800]), 1.0)
    check.read("f.csv", key, 900, 950, np.array([4.01]), np.array([900]), 1.0)
    with pytest.raises(NotInTimeOrder, match="do not follow those up to byte 950"):
        check.read("f.csv", key, 950, 990, np.array([4.0]), np.array([950]), 1.0)  # 1 s behind the 5.0


def test_start_and_end_read_only_that_part_of_a_long_session_file(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`analyze --start --end` of a session file too long to read whole was refused ("needs ... to read"): the
    part alone is read now, so it needs the part's memory."""
    path = write_session(recording, tmp_path / "week.csv")
    monkeypatch.setattr(file_size, "CHECK_FROM_BYTES", 0)
    monkeypatch.setenv(memory.MEMORY_ENV, "0.003")  # reading the whole needs ~4.2 MB, the minute ~1.2 MB
    out = tmp_path / "out"
    args = ["analyze", str(path), "-o", str(out), "--no-report", "--start", "60", "--end", "120"]
    assert main(args) == 0
    capsys.readouterr()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["input_provenance"]["import_part_s"] == "60-120" and summary["duration_s"] == pytest.approx(59.99)


def test_a_geneactiv_csv_is_planned_at_what_its_whole_reading_costs(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Analysing a GENEActiv CSV whole peaks at ~324 bytes a sample (its stamps decoded at once), not the 200 the
    plan counted: one that needs more than the memory at that cost is analysed in parts, not whole."""
    path = geneactiv_csv(recording, tmp_path / "ga.csv")
    monkeypatch.setattr(file_size, "CHECK_FROM_BYTES", 0)
    monkeypatch.setattr(part_plan, "OVERLAP_S", 10.0)
    monkeypatch.setattr(part_plan, "MIN_PART_S", 30.0)
    monkeypatch.setenv(memory.MEMORY_ENV, "0.005")  # 5.1 MB: 21,000 samples x 200 fit, x 340 (7.1 MB) do not
    assert part_plan.analysis_parts(path) == pytest.approx(90.0, abs=10.0)
    session = write_session(recording, tmp_path / "rec.csv")  # a session file's whole analysis: 200 a sample
    assert part_plan.analysis_parts(session) is None


def _clock_glitches(session: Session, every: int = 3000) -> Session:
    """``session`` with a row going back every ``every`` rows, as a GENEActiv export's page times can: the row after
    the glitch (and those after it) stamped 5 to 50 ms before the row before it, then the clock runs on from there
    (each page's rows timed from its own start time)."""
    t = session.t_s.copy()
    backs = np.array([0.005, 0.023, 0.050, 0.012, 0.037])
    for k, at in enumerate(range(every, session.n_samples - 10, every)):
        t[at:] -= backs[k % backs.size] + (t[at] - t[at - 1])  # the row at `at` this far before the one before
    return replace(session, t_s=t)


def test_a_geneactiv_csv_with_clock_glitches_is_analysed_in_parts_as_whole(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows going back by 5-50 ms (less than the parts' 1 s margin) do not make the file out of order: each part is
    read alone and cleaned as the whole reading cleans it (the rows going back dropped, EDGE-2), with the whole's
    steps and bouts; before (LONG-6), the file was read whole and cut."""
    import retrogait.textparts as textparts

    glitchy = _clock_glitches(recording)
    assert (np.diff(glitchy.t_s) < 0).sum() == 6
    path = geneactiv_csv(glitchy, tmp_path / "glitches.csv")
    whole_session = load_session(path)
    assert 6 <= int(whole_session.meta.extra["import_dropped_rows"]) <= 6 * 6  # dropped whole, as before
    for part in [(60.0, 120.0), (29.0, 31.0), (30.985, 60.0), (31.0, 60.0), (150.0, None)]:  # a glitch at 30 s
        alone, cut = load_session(path, part_s=part), part_of(whole_session, str(path), part)
        np.testing.assert_allclose(alone.t_s, cut.t_s, atol=1e-9)
        np.testing.assert_array_equal(alone.acc, cut.acc)
    read = []
    real = textparts.RowsInTime.part_bytes
    monkeypatch.setattr(textparts.RowsInTime, "part_bytes", lambda self, *p: read.append(p) or real(self, *p))
    whole, parts, summary = _analyses(path, tmp_path)
    _same(whole, parts)
    assert len(summary["parts"]) == 2 and len(read) == 3  # each part read alone, not the file whole
    assert pd.read_csv(tmp_path / "whole" / "bouts.csv").equals(pd.read_csv(tmp_path / "parts" / "bouts.csv"))


def test_a_session_file_with_time_going_back_is_refused_in_parts_as_whole(
    tmp_path: Path, recording: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    """A session file's ``t_s`` must strictly increase (our writer writes no other): one with rows going back by
    5-50 ms is refused at the line, whole and in parts alike."""
    glitchy = _clock_glitches(recording)
    path = write_session(recording, tmp_path / "s.csv")
    text = path.read_text().splitlines(keepends=True)
    first = next(i for i, line in enumerate(text) if line.startswith("t_s"))
    for row, t in enumerate(glitchy.t_s):  # every row's time the glitchy clock's
        text[first + 1 + row] = f"{t:.6f}," + text[first + 1 + row].split(",", 1)[1]
    path.write_text("".join(text))
    line = first + 2 + int(np.flatnonzero(np.diff(glitchy.t_s) < 0)[0]) + 1
    said = []
    for more in ([], ["--part-hours", "0.034"]):
        args = ["analyze", str(path), "-o", str(tmp_path / f"out{len(more)}"), "--no-report", "--placement", "shank"]
        assert main([*args, *more]) == 2
        said.append(capsys.readouterr().err.strip())
    assert all(f"{path}:{line}: time t_s=" in err and "t_s must strictly increase" in err for err in said), said


def test_a_geneactiv_row_going_back_by_more_than_the_margin_is_read_whole_or_refused(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A row 1.5 s behind the row before (more than the parts' 1 s margin: the bisection could miss rows) still makes
    the file out of order: read whole where it fits, refused in one line where it does not (LONG-6)."""
    t = recording.t_s.copy()
    t[15000] -= 1.5
    path = geneactiv_csv(replace(recording, t_s=t), tmp_path / "back.csv")
    _read_whole_where_it_fits_else_refused(path, tmp_path, monkeypatch, capsys)


def test_a_geneactiv_part_with_more_than_1_percent_of_rows_going_back_is_read_whole(
    tmp_path: Path, recording: Session
) -> None:
    """EDGE-2 refuses a recording whose time goes back for more than 1 % of its rows, judged on the whole: a part
    over it alone is not read in parts (read whole where it fits), so no part refuses what the whole accepts."""
    t = recording.t_s.copy()
    for at in range(3000, 5000, 100):  # 20 glitches of 50 ms within 20 s: 100 rows behind, 0.5 % of the recording
        t[at:] -= 0.050 + (t[at] - t[at - 1])
    path = geneactiv_csv(replace(recording, t_s=t), tmp_path / "many.csv")
    assert int(load_session(path).meta.extra["import_dropped_rows"]) > 100  # read whole: under 1 %, dropped
    going_back = r"its time goes back for 1\d\d of the \d+ rows .*more than 1 %"
    with parts_in_order(), pytest.raises(NotInTimeOrder, match=going_back):
        load_session(path, part_s=(20.0, 60.0))  # among parts: for their caller to read whole
    alone = load_session(path, part_s=(20.0, 60.0))  # one part alone: the whole reading cut (REVIEW-9)
    np.testing.assert_array_equal(alone.t_s, part_of(load_session(path), str(path), (20.0, 60.0)).t_s)
    whole, parts, summary = _analyses(path, tmp_path)
    assert parts.equals(whole) and "parts" in summary  # read whole, then cut into parts
