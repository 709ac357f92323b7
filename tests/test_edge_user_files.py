"""The files users actually hand over (EDGE-115 on): exports saved again by a spreadsheet, in another locale,
with a long pause in the clock. Fixtures are generated here (tests/import_samples.py); nothing reads ../shared."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.analysis.pipeline import analyze
from retrogait.errors import RetrogaitError
from retrogait.imports import ImportResult, load_recording
from retrogait.session import Session, SessionMeta
from retrogait.simulate import Bout, SimulationConfig, simulate


def _excel_general(text: str) -> str:
    """A number as Excel's General format saves it to CSV: 11 characters at most, so a 13- or 19-digit epoch
    stamp becomes ``1.70000E+18`` (6 significant digits) and a long fraction is cut to 10 digits."""
    value = float(text)
    if abs(value) >= 1e11:
        mantissa, exponent = f"{value:.5E}".split("E")
        return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent):02d}"
    return f"{value:.10g}"


def _saved_by_excel(path: Path, sep: str = ",") -> None:
    """``path`` opened in Excel and saved again as CSV (CRLF, every number in General format)."""
    lines = path.read_text().splitlines()
    rows = [lines[0]]
    for line in lines[1:]:
        fields = line.split(sep)
        rows.append(sep.join(_excel_general(f) if re.fullmatch(r"-?[0-9.eE+-]+", f) else f for f in fields))
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode())


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_sensor_logger_saved_by_a_spreadsheet_is_timed_by_seconds_elapsed(platform: str, tmp_path: Path) -> None:
    """Saved again by Excel, Sensor Logger's ns ``time`` reads 1.70000E+18 in every row: the recording was
    refused ("no usable acc rows (1 after dropping bad rows: acc_time_not_increasing=...)") although
    ``seconds_elapsed`` holds its clock (EDGE-115)."""
    original = load_recording(samples.sensorlogger_folder(tmp_path / "a", platform)).session
    folder = samples.sensorlogger_folder(tmp_path / "b", platform)
    for table in folder.glob("*.csv"):
        if table.name != "Metadata.csv" and table.stat().st_size:
            _saved_by_excel(table)
    result = load_recording(folder)
    session = result.session
    assert session.n_samples == original.n_samples
    np.testing.assert_allclose(session.t_s, original.t_s, atol=1e-6)
    np.testing.assert_allclose(session.acc, original.acc, atol=1e-6)
    assert session.gyr is not None and original.gyr is not None
    np.testing.assert_allclose(session.gyr, original.gyr, atol=1e-4)
    assert session.meta.start_time_utc is None  # the wall clock is what was lost
    assert any("timed by seconds_elapsed" in note for note in result.report.notes)


def test_sensor_logger_time_in_seconds_is_not_read_as_ns(tmp_path: Path) -> None:
    """A ``time`` column rewritten in s (1700000000.01, ...) was read as ns: a 0.0 s recording at 1e11 Hz."""
    original = load_recording(samples.sensorlogger_folder(tmp_path / "a")).session
    folder = samples.sensorlogger_folder(tmp_path / "b")
    for table in folder.glob("*.csv"):
        lines = table.read_text().splitlines()
        if lines and lines[0].startswith("time,"):
            body = [f"{int(line.split(',', 1)[0]) / 1e9:.6f},{line.split(',', 1)[1]}" for line in lines[1:]]
            table.write_text("\n".join([lines[0], *body]) + "\n")
    session = load_recording(folder).session
    assert session.n_samples == original.n_samples
    np.testing.assert_allclose(session.t_s, original.t_s, atol=1e-6)


def test_metabase_saved_by_a_spreadsheet_is_timed_by_elapsed(tmp_path: Path) -> None:
    """MetaBase's ``epoc (ms)`` saved by Excel (1.66E+12 in every row) was refused the same way; ``elapsed (s)``
    holds the clock (EDGE-115)."""
    original = load_recording(samples.metabase_pair(tmp_path / "a")).session
    acc = samples.metabase_pair(tmp_path / "b")
    for table in acc.parent.glob("*.csv"):
        _saved_by_excel(table)
    result = load_recording(acc)
    np.testing.assert_allclose(result.session.t_s, original.t_s, atol=1e-6)
    np.testing.assert_allclose(result.session.acc, original.acc, atol=1e-3)
    assert result.session.gyr is not None
    assert result.session.meta.start_time_utc is None
    assert any("timed by elapsed (s)" in note for note in result.report.notes)


def test_a_time_stamp_rounded_by_a_spreadsheet_is_said_and_what_to_do(tmp_path: Path) -> None:
    """Polar's sensor timestamp (19 digits) saved by Excel: the refusal said "no usable acc rows (1 after
    dropping bad rows: acc_time_not_increasing=...)"; now it names the column and what happened (EDGE-115). Where
    the phone timestamp still holds its ms it times the rows (EDGE-141, test_edge_resaved.py); here the spreadsheet
    also showed it as a date to the minute (`14.11.2023 22:13`)."""
    acc = samples.polar_pair(tmp_path)
    for table in tmp_path.glob("*.txt"):
        _saved_by_excel(table, sep=";")
        lines = table.read_text().splitlines()
        minutes = [re.sub(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d):[0-9.]+;", r"\3.\2.\1 \4;", x) for x in lines]
        table.write_text("\n".join(minutes) + "\n")
    with pytest.raises(RetrogaitError) as err:
        load_recording(acc)
    message = str(err.value)
    assert acc.name in message and "'sensor timestamp [ns]'" in message
    assert "too few digits" in message and "give the file as the app wrote it" in message


def _walk(seed: int) -> Session:
    bouts = [Bout("still", "still", 0.0, 5.0), Bout("forward", "walking", 1.3, 30.0), Bout("still", "still", 0.0, 5.0)]
    session = simulate(SimulationConfig("shank", bouts, 100.0, seed=seed)).session
    return session.with_meta(placement="shank", side="left")


def test_a_recording_whose_clock_jumps_days_is_analysed_in_parts_not_on_a_grid_over_the_gap() -> None:
    """Two walks with 6 days between their time stamps (a phone clock that jumped, a logger paused): the analysis put
    the 8,000 samples on a grid over the 6 days, 52 M samples, and died of memory (`internal error: MemoryError`,
    or killed by the kernel without a word: `info` of such a file says `gaps 11 (584065.61 s)`). Now it is analysed
    in parts, the parts inside the gap skipped: the steps of each walk as analysed alone, and a note (EDGE-116)."""
    first, second = _walk(1), _walk(2)
    gap_s = 6 * 86400.0
    joined = replace(
        first,
        t_s=np.concatenate([first.t_s, second.t_s + first.t_s[-1] + gap_s]),
        acc=np.concatenate([first.acc, second.acc]),
        gyr=np.concatenate([first.gyr, second.gyr]),  # type: ignore[list-item]
        extra={},
    )
    result = analyze(joined)
    alone = [analyze(first).steps, analyze(second).steps]
    assert len(result.steps) == sum(len(s) for s in alone) > 40
    expected = np.concatenate([alone[0]["ic_time_s"], alone[1]["ic_time_s"] + first.t_s[-1] + gap_s])
    np.testing.assert_allclose(result.steps["ic_time_s"], expected, atol=0.011)
    assert any("analysed in parts" in note for note in result.summary["notes"])
    assert not any("lies in gait" in note for note in result.summary["notes"])  # a seam in the gap is no seam in gait


#: phyphox's names as a phone in another language writes them: (time, acceleration x, linear acceleration x,
#: gyroscope x, the magnitude) (EDGE-117).
TRANSLATED = {
    "de": ("Zeit (s)", "Beschleunigung x", "Lineare Beschleunigung x", "Gyroskop x", "Betrag der Beschleunigung"),
    "fr": ("Temps (s)", "Accélération x", "Accélération linéaire x", "Gyroscope x", "Accélération absolue"),
    "es": ("Tiempo (s)", "Aceleración x", "Aceleración lineal x", "Giroscopio x", "Aceleración absoluta"),
}


def _translated(path: Path, lang: str) -> None:
    """``path`` (a phyphox table) with its column names in ``lang``."""
    time, acc, linear, gyro, norm = TRANSLATED[lang]
    header, body = path.read_text().split("\n", 1)
    for english, local in (
        ("Time (s)", time),
        ("Linear Acceleration x", linear),
        ("Acceleration x", acc),
        ("Gyroscope x", gyro),
        ("Absolute acceleration", norm),
    ):
        header = header.replace(english, local)
        for axis in "yz":
            header = header.replace(english[:-1] + axis, local[:-1] + axis)
    path.write_text(header + "\n" + body, encoding="utf-8")


@pytest.mark.parametrize("lang", sorted(TRANSLATED))
def test_a_phyphox_export_in_another_language_reads_as_in_english(lang: str, tmp_path: Path) -> None:
    """With a translated time column the per-sensor pair lost its gyroscope (read by the generic reader, alone);
    a classic export with translated axis names was refused ("holds no three acceleration columns that can be told
    by name", or "hold no gravity at rest") (EDGE-117)."""
    english = load_recording(samples.phyphox_folder(tmp_path / "en") / "Accelerometer.csv").session
    folder = samples.phyphox_folder(tmp_path / lang)
    for name in ("Accelerometer.csv", "Gyroscope.csv"):
        _translated(folder / name, lang)
    result = load_recording(folder / "Accelerometer.csv")
    assert result.report.format == "phyphox"
    assert result.session.gyr is not None and english.gyr is not None
    np.testing.assert_allclose(result.session.acc, english.acc)
    np.testing.assert_allclose(result.session.gyr, english.gyr)
    for linear in (False, True):
        classic = samples.phyphox_classic(tmp_path / f"classic_{linear}.csv", linear=linear)
        expected = load_recording(classic).session
        _translated(classic, lang)
        session = load_recording(classic).session
        assert session.meta.acc_gravity == expected.meta.acc_gravity == ("removed" if linear else "included")
        np.testing.assert_allclose(session.acc, expected.acc)


def test_a_phyphox_export_saved_by_a_western_windows_excel_reads(tmp_path: Path) -> None:
    """German Excel: `;`, decimal comma, CRLF, Windows-1252 (`m/s²` as the byte B2), two empty columns after the
    last. The names read as `m/s�` and the file was refused; two trailing empty columns made the pair lose its
    gyroscope (only one was passed over, EDGE-39) (EDGE-117)."""
    english = load_recording(samples.phyphox_folder(tmp_path / "en") / "Accelerometer.csv").session
    folder = samples.phyphox_folder(tmp_path / "de")
    for name in ("Accelerometer.csv", "Gyroscope.csv"):
        _translated(folder / name, "de")
        header, body = (folder / name).read_text().split("\n", 1)
        header = header.replace(",", ";").replace("m/s^2", "m/s²") + ";;"
        rows = [line.replace(",", ";").replace(".", ",") + ";;" for line in body.splitlines()]
        (folder / name).write_bytes("\r\n".join([header, *rows, ";;;;;"]).encode("cp1252") + b"\r\n")
    result = load_recording(folder / "Accelerometer.csv")
    assert result.report.format == "phyphox" and result.session.gyr is not None
    np.testing.assert_allclose(result.session.acc, english.acc)
    np.testing.assert_allclose(result.session.gyr, english.gyr, atol=1e-6)


def test_a_sensor_logger_recording_of_the_uncalibrated_accelerometer_alone_is_read(tmp_path: Path) -> None:
    """Only "Accelerometer (uncalibrated)" switched on: the folder (and its zip) was "a folder of 2 recordings
    (AccelerometerUncalibrated.csv, Metadata.csv)", the file alone read by the generic reader without the phone
    (EDGE-118)."""
    folder = samples.sensorlogger_folder(tmp_path / "run")
    expected = load_recording(folder).session
    (folder / "TotalAcceleration.csv").rename(folder / "AccelerometerUncalibrated.csv")
    for name in ("Accelerometer.csv", "Gyroscope.csv"):
        (folder / name).unlink()
    for given in (folder, folder / "AccelerometerUncalibrated.csv"):
        result = load_recording(given)
        assert result.report.format == "sensorlogger"
        assert result.session.meta.sensor == "TestPhone (android)"
        np.testing.assert_allclose(result.session.acc, expected.acc)


def test_sensor_logger_reads_its_uncalibrated_table_once_and_only_where_it_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EDGE-118's recording of the uncalibrated accelerometer alone read that table twice (once aside for its units,
    once as the acceleration), and an Android export with it beside TotalAcceleration read it for nothing
    (REVIEW-9): now once where it is the acceleration, aside only on iOS (its units say whether the app
    standardised the others); the samples as before."""
    import retrogait.imports.sensorlogger as sensorlogger

    reads: list[str] = []
    real = sensorlogger.read_stream
    monkeypatch.setattr(
        sensorlogger, "read_stream", lambda source, *a, **k: reads.append(source.name) or real(source, *a, **k)
    )
    alone = samples.sensorlogger_folder(tmp_path / "alone")
    expected = load_recording(alone).session
    (alone / "TotalAcceleration.csv").rename(alone / "AccelerometerUncalibrated.csv")
    for name in ("Accelerometer.csv", "Gyroscope.csv"):
        (alone / name).unlink()
    reads.clear()
    np.testing.assert_array_equal(load_recording(alone).session.acc, expected.acc)
    assert reads == ["AccelerometerUncalibrated.csv"]
    beside = samples.sensorlogger_folder(tmp_path / "beside")
    (beside / "AccelerometerUncalibrated.csv").write_bytes((beside / "TotalAcceleration.csv").read_bytes())
    reads.clear()
    np.testing.assert_array_equal(load_recording(beside).session.acc, expected.acc)
    assert "AccelerometerUncalibrated.csv" not in reads


def test_a_geneactiv_export_saved_in_a_decimal_comma_locale_reads(tmp_path: Path) -> None:
    """GENEActiv's CSV imported into a German Excel and saved as CSV: `;` between fields, decimal commas, a BOM,
    CRLF. It was "format not recognised (not a table of numbers nor a known file)" (EDGE-119)."""
    original = samples.geneactiv(tmp_path / "a.csv")
    expected = load_recording(original)
    lines = original.read_bytes().decode("latin-1").replace("\r\n", "\n").split("\n")
    resaved = []
    for line in lines:
        if re.match(r"\d{4}-\d{2}-\d{2} ", line):
            stamp, *values = line.split(",")
            resaved.append(";".join([stamp, *(v.replace(".", ",") for v in values)]))
        else:
            resaved.append(line.replace(",", ";", 1))
    path = tmp_path / "b.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(resaved).encode("latin-1"))
    result = load_recording(path)
    assert result.report.format == "geneactiv"
    np.testing.assert_allclose(result.session.t_s, expected.session.t_s)
    np.testing.assert_allclose(result.session.acc, expected.session.acc)
    for key in ("sample_rate_hz", "start_time_utc", "sensor"):
        assert getattr(result.session.meta, key) == getattr(expected.session.meta, key), key


def test_a_phyphox_table_with_a_users_own_columns_keeps_its_gyroscope(tmp_path: Path) -> None:
    """A label and a computed norm added in a spreadsheet: the table went to the generic reader, which read the
    acceleration alone, the Gyroscope.csv beside it silently not paired (EDGE-120)."""
    folder = samples.phyphox_folder(tmp_path / "run")
    expected = load_recording(folder / "Accelerometer.csv").session
    header, *rows = (folder / "Accelerometer.csv").read_text().splitlines()
    (folder / "Accelerometer.csv").write_text(
        "\n".join([header + ',"label","norm"', *(row + ",walk,9.81" for row in rows)]) + "\n"
    )
    result = load_recording(folder / "Accelerometer.csv")
    assert result.report.format == "phyphox" and result.session.gyr is not None
    np.testing.assert_allclose(result.session.gyr, expected.gyr)  # type: ignore[arg-type]
    assert any("label, norm not phyphox's: left out" in note for note in result.report.notes)


def test_a_table_whose_line_ends_were_lost_is_said_so(tmp_path: Path) -> None:
    """Every row run together on one line: "format not recognised" with the reader options, none of which reads it
    (EDGE-121)."""
    table = samples.generic(tmp_path / "a.csv")
    joined = tmp_path / "joined.csv"
    joined.write_text(",".join(table.read_text().splitlines()))
    with pytest.raises(RetrogaitError) as err:
        load_recording(joined)
    assert str(err.value).startswith(f"{joined}: is one line of numbers without a line end")
    assert "export it again" in str(err.value)


def test_a_phyphox_pair_with_one_file_compressed_stays_a_pair(tmp_path: Path) -> None:
    """`gzip Accelerometer.csv` beside `Gyroscope.csv`: the gyroscope was not found (EDGE-122)."""
    import gzip

    folder = samples.phyphox_folder(tmp_path / "run")
    expected = load_recording(folder / "Accelerometer.csv").session
    packed = folder / "Accelerometer.csv.gz"
    packed.write_bytes(gzip.compress((folder / "Accelerometer.csv").read_bytes()))
    (folder / "Accelerometer.csv").unlink()
    for given in (packed, folder / "Gyroscope.csv"):
        session = load_recording(given).session
        assert session.gyr is not None
        np.testing.assert_allclose(session.gyr, expected.gyr)  # type: ignore[arg-type]


@pytest.mark.parametrize("header", ["", "timestamp,accuracy,x,y,z\n"])
def test_a_table_whose_ns_clock_a_spreadsheet_rounded_names_the_column(header: str, tmp_path: Path) -> None:
    """An Android logger's table (ns since boot, accuracy, x, y, z) saved by Excel: `5.84065E+14` in runs of ~400
    rows. Without a header it was "has no time column (none named like time/timestamp/t, none increasing)"; with
    one "repeats the time before it ... (samples stamped per packet or burst)": neither said what happened
    (EDGE-115)."""
    t_ns = 584_065_454_762_638 + np.arange(3000) * 2_465_020
    rows = [f"{_excel_general(str(n))},3,0.1,0.2,9.8" for n in t_ns]
    path = tmp_path / "trace.csv"
    path.write_text(header + "\n".join(rows) + "\n")
    with pytest.raises(RetrogaitError) as err:
        load_recording(path)
    assert re.search(r"holds \d distinct values in 2,000 rows", str(err.value))
    assert "give the file as the app wrote it" in str(err.value)


def test_a_stray_first_sample_days_before_the_recording_does_not_stop_its_analysis() -> None:
    """One sample stamped 3 days before the others (a stray first row): the first part held one sample and the
    analysis in parts refused the recording ("has no samples from 0-14520 s") (EDGE-116)."""
    walk = _walk(1)
    gap_s = 3 * 86400.0
    stray = replace(
        walk,
        t_s=np.concatenate([[walk.t_s[0] - gap_s], walk.t_s]),
        acc=np.concatenate([walk.acc[:1], walk.acc]),
        gyr=np.concatenate([walk.gyr[:1], walk.gyr]),  # type: ignore[index]
        extra={},
    )
    result = analyze(stray)
    alone = analyze(walk).steps
    assert len(result.steps) == len(alone) > 20
    np.testing.assert_allclose(result.steps["ic_time_s"], alone["ic_time_s"], atol=0.011)


def test_a_polar_pair_saved_in_a_decimal_comma_locale_keeps_its_gyroscope(tmp_path: Path) -> None:
    """Polar's `;` files saved again by a German Excel: `0,35` in the gyroscope's rows. The whole recording was
    refused: "GYRO.txt: has no usable gyr rows (0 after dropping bad rows: gyr_not_a_number=...)" (EDGE-123)."""
    acc = samples.polar_pair(tmp_path)
    expected = load_recording(acc).session
    for table in tmp_path.glob("*.txt"):
        header, *rows = table.read_text().splitlines()
        fixed = [";".join([*r.split(";")[:2], *(v.replace(".", ",") for v in r.split(";")[2:])]) for r in rows]
        table.write_bytes(("\r\n".join([header, *fixed]) + "\r\n").encode())
    session = load_recording(acc).session
    assert session.gyr is not None and expected.gyr is not None
    np.testing.assert_allclose(session.acc, expected.acc)
    np.testing.assert_allclose(session.gyr, expected.gyr)


@pytest.mark.parametrize("fmt", ["polar", "phyphox"])
def test_a_gyroscope_file_with_no_usable_row_is_left_out_not_the_recording(fmt: str, tmp_path: Path) -> None:
    """A gyroscope file whose every row is unreadable refused the whole recording ("has no usable gyr rows"),
    although its accelerometer file is whole; it is left out with a note naming why (EDGE-124)."""
    acc = samples.polar_pair(tmp_path) if fmt == "polar" else samples.phyphox_folder(tmp_path) / "Accelerometer.csv"
    expected = load_recording(acc).session
    gyro = next(p for p in acc.parent.iterdir() if "GYRO" in p.name or p.name == "Gyroscope.csv")
    header, *rows = gyro.read_text().splitlines()
    gyro.write_text("\n".join([header, *(r.replace("0", "O") for r in rows)]) + "\n")  # a letter for a digit
    result = load_recording(acc)
    assert result.session.gyr is None
    np.testing.assert_allclose(result.session.acc, expected.acc)
    assert any(note.startswith(f"{gyro.name} has no usable rows (gyr_not_a_number=") for note in result.report.notes)


@pytest.mark.parametrize("writer", ["phyphox", "polar", "metabase", "physics_toolbox", "generic"])
def test_an_export_of_its_header_alone_says_so(writer: str, tmp_path: Path) -> None:
    """An export stopped before its first sample: "has no usable acc rows (0 after dropping bad rows)" (none was
    dropped), "has no usable rows (0 left ...)" or "format not recognised" with the reader options (EDGE-125)."""
    path = {
        "phyphox": lambda: samples.phyphox_folder(tmp_path) / "Accelerometer.csv",
        "polar": lambda: samples.polar_pair(tmp_path),
        "metabase": lambda: samples.metabase_pair(tmp_path),
        "physics_toolbox": lambda: samples.physics_toolbox(tmp_path / "pt.csv"),
        "generic": lambda: samples.generic(tmp_path / "g.csv"),
    }[writer]()
    path.write_text(path.read_text().splitlines()[0] + "\n")
    with pytest.raises(RetrogaitError) as err:
        load_recording(path)
    assert re.fullmatch(rf"{re.escape(str(path))}: holds (its header|one line \(.*\)) and no samples.*", str(err.value))


def test_a_file_of_a_byte_order_mark_and_line_ends_is_empty(tmp_path: Path) -> None:
    """It was "format not recognised" with the reader options (EDGE-125)."""
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n\r\n")
    with pytest.raises(RetrogaitError, match="is empty"):
        load_recording(path)


def test_a_grid_mostly_gap_is_counted_in_samples_as_its_rule_says() -> None:
    """EDGE-116: a grid more than GAP_GRID_FACTOR (4) times the samples, over more than two parts, is analysed in
    parts. The rule compared the memory needs, less what the read holds (56 bytes a sample with a gyroscope), so a
    grid 3.3 times the samples went to parts too (REVIEW-9)."""
    import retrogait.analysis.pipeline as pipeline
    from retrogait.analysis.part_plan import PART_S
    from retrogait.memory import ANALYSIS_BYTES_PER_SAMPLE

    rate, n = 20.0, 200_000
    span_s = 3.3 * n / rate  # 9.2 h: a grid 3.3 times the samples, longer than two parts
    assert span_s > 2 * PART_S
    t = np.concatenate([np.arange(n // 2) / rate, span_s - np.arange(n // 2)[::-1] / rate])
    session = Session(t_s=t, acc=np.zeros((n, 3)), gyr=np.zeros((n, 3)), meta=SessionMeta("shank", rate))
    held = t.nbytes + 2 * session.acc.nbytes
    grid_need = pipeline._grid_samples(session) * ANALYSIS_BYTES_PER_SAMPLE - held
    assert pipeline._parts_across_gaps(session, grid_need) is None  # 3.3x: whole
    wider = replace(session, t_s=np.concatenate([t[: n // 2], t[n // 2 :] + 0.8 * span_s]))  # 5.9x: in parts
    assert pipeline._parts_across_gaps(wider, pipeline._grid_samples(wider) * ANALYSIS_BYTES_PER_SAMPLE - held)


def test_a_calibration_segment_does_not_skip_the_grid_s_memory_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """With `forward_segment_s` (the calibration of facing: the recording analysed whole) EDGE-116's grid was not
    checked at all: a gap of days went onto the grid until the memory ran out (REVIEW-9). It is refused in one line
    where the grid does not fit; here two walks 2 h apart (736,000 grid samples, 147 MB) with 20 MB available."""
    import retrogait.memory as memory

    first, second = _walk(1), _walk(2)
    joined = replace(
        first,
        t_s=np.concatenate([first.t_s, second.t_s + first.t_s[-1] + 7200.0]),
        acc=np.concatenate([first.acc, second.acc]),
        gyr=np.concatenate([first.gyr, second.gyr]),  # type: ignore[list-item]
        extra={},
    )
    monkeypatch.setenv(memory.MEMORY_ENV, "0.02")
    with pytest.raises(RetrogaitError, match=r"needs about .* of memory to analyse"):
        analyze(joined, forward_segment_s=(5.0, 35.0))


def _saved_in_a_decimal_comma_locale(path: Path) -> None:
    """``path`` (a `,`-separated table) opened in a German/French Excel and saved as CSV: `;` between fields, every
    number in General format with a decimal comma (``1,7E+18``), CRLF."""
    lines = path.read_text().splitlines()
    rows = [lines[0].replace(",", ";")]
    for line in lines[1:]:
        fields = line.split(",")
        numbers = (
            _excel_general(f).replace(".", ",") if re.fullmatch(r"-?[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?", f) else f
            for f in fields
        )
        rows.append(";".join(numbers))
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode())


@pytest.mark.parametrize("which", ["android", "ios", "ios_one_file", "metabase"])
def test_an_app_export_saved_in_a_decimal_comma_locale_is_read_by_its_app(which: str, tmp_path: Path) -> None:
    """Sensor Logger's and MetaBase's tables saved again by a spreadsheet in a decimal-comma locale (`;`, `0,5`,
    `1,7E+18`): an iOS Accelerometer.csv (gravity removed) was refused ("columns x,y,z hold no gravity at rest"),
    the folder of the recording was "not a Sensor Logger table (columns: time;seconds_elapsed;z;y;x)", and the rest
    went to the generic reader, without the app's stated rate, device, gyroscope or iOS sign (EDGE-163)."""
    if which == "metabase":
        given, resave = samples.metabase_pair(tmp_path / "a"), "*.csv"
        fmt, note = "metabase", "timed by elapsed (s)"
    else:
        platform = which.split("_")[0]
        folder = samples.sensorlogger_folder(tmp_path / "a", platform)
        given, resave = folder, ("Accelerometer.csv" if which == "ios_one_file" else "*.csv")
        fmt, note = "sensorlogger", "timed by seconds_elapsed"
    expected = load_recording(given)
    for table in given.parent.glob(resave) if which == "metabase" else given.glob(resave):
        if table.stat().st_size:
            _saved_in_a_decimal_comma_locale(table)
    result = load_recording(given)
    assert result.report.format == fmt
    session = result.session
    np.testing.assert_allclose(session.t_s, expected.session.t_s, atol=1e-6)
    np.testing.assert_allclose(session.acc, expected.session.acc, atol=1e-3)
    assert session.gyr is not None and expected.session.gyr is not None
    np.testing.assert_allclose(session.gyr, expected.session.gyr, atol=1e-3)
    for key in ("sample_rate_hz", "sensor", "acc_gravity"):
        assert getattr(session.meta, key) == getattr(expected.session.meta, key), key
    assert any(note in n for n in result.report.notes)


def _read_as(result: ImportResult, expected: ImportResult, acc_atol: float) -> Session:
    """``result``'s session, checked to be ``expected``'s as its app's reader reads it: the format, the samples, the
    gyroscope's presence."""
    assert result.report.format == expected.report.format
    session = result.session
    assert session.n_samples == expected.session.n_samples
    np.testing.assert_allclose(session.t_s, expected.session.t_s, atol=1e-6)
    np.testing.assert_allclose(session.acc, expected.session.acc, atol=acc_atol)
    assert (session.gyr is None) == (expected.session.gyr is None)
    return session


def _quoted_with_decimal_commas(path: Path) -> None:
    """``path`` (a `,`-separated table) uploaded to Google Sheets in a decimal-comma locale and downloaded as CSV (or
    saved by LibreOffice with `,` between fields): `,` stays the delimiter, every number with a fraction is written
    with a decimal comma and quoted (``"0,103623047"``), Excel's General digits (``"1,7E+18"``)."""
    lines = path.read_bytes().decode("latin-1").splitlines()
    number = re.compile(r"-?[0-9]*\.[0-9]+([eE][+-]?[0-9]+)?|-?[0-9]{12,}")
    rows = []
    for line in lines:
        fields = line.split(",")
        rows.append(",".join(f'"{_excel_general(f).replace(".", ",")}"' if number.fullmatch(f) else f for f in fields))
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("latin-1"))


@pytest.mark.parametrize("writer", ["phyphox", "sensorlogger", "metabase", "physics_toolbox", "geneactiv"])
def test_an_app_export_with_quoted_decimal_commas_is_read(writer: str, tmp_path: Path) -> None:
    """A `,`-separated export whose numbers a spreadsheet in a decimal-comma locale quoted with a decimal comma
    (Google Sheets' CSV download, LibreOffice with `,` between fields) was refused by every app reader: "has no
    usable acc rows (0 after dropping bad rows: acc_not_a_number=N)" (EDGE-164)."""
    given = samples.WRITERS[writer](tmp_path / "a")
    expected = load_recording(given)
    folder = given if given.is_dir() else given.parent
    for table in [p for p in folder.rglob("*.csv") if p.stat().st_size and p.name != "Metadata.csv"]:
        _quoted_with_decimal_commas(table)
    session = _read_as(load_recording(given), expected, acc_atol=1e-3)
    if session.gyr is not None and expected.session.gyr is not None:
        np.testing.assert_allclose(session.gyr, expected.session.gyr, atol=1e-3)


def test_a_quoted_decimal_comma_table_cut_inside_a_number_keeps_its_rows(tmp_path: Path) -> None:
    """Cut inside its last quoted number (``"0,9`` of ``"0,991"``: a copy interrupted), the table was refused whole:
    "table cannot be parsed (... EOF inside string starting at row 400)" (EDGE-164)."""
    given = samples.WRITERS["metabase"](tmp_path)
    expected = load_recording(given).session
    for table in tmp_path.rglob("*.csv"):
        _quoted_with_decimal_commas(table)
    data = given.read_bytes().rstrip(b"\r\n")
    given.write_bytes(data[: data.rindex(b",") + 2])  # ends in `"0,` (or `"-0,`): its last value cut short
    result = load_recording(given)
    assert result.session.n_samples == expected.n_samples - 1
    assert result.report.dropped == {"last_line_cut_short": 1}
    np.testing.assert_allclose(result.session.acc, expected.acc[:-1], atol=1e-3)


def _sorted_by(path: Path, column: int, sep: str) -> None:
    """``path``'s rows sorted by one of its columns (a spreadsheet's sort, then saved), its header kept first."""
    header, *rows = path.read_text().splitlines()
    rows.sort(key=lambda row: float(row.split(sep)[column].strip('"').replace(",", ".")))
    path.write_text("\n".join([header, *rows]) + "\n")


def _stamped_in_bursts(path: Path, sep: str, to_unit: float, apart_s: float = 0.0) -> None:
    """``path``'s time column (its first, in s x ``to_unit``) stamped as samples delivered in pairs every 20 ms, the
    two ``apart_s`` apart: on one stamp (0), the order of a pair is lost once sorted by another column, so the sort
    cannot be undone; 2 ms apart, one time a row, it can (EDGE-181: the stamps sorted are the rows' order)."""
    header, *rows = path.read_text().splitlines()
    t = (np.arange(len(rows)) // 2 * 0.02 + np.arange(len(rows)) % 2 * apart_s) * to_unit
    cells = [row.split(sep, 1)[1] for row in rows]
    path.write_text("\n".join([header, *(f"{s:.6f}{sep}{c}" for s, c in zip(t, cells, strict=True))]) + "\n")


def test_an_app_export_sorted_by_another_column_is_said_to_be_out_of_order(tmp_path: Path) -> None:
    """A phyphox table sorted by its x column (time steps back at half its rows) was refused as "two recordings
    joined in one file, or a clock reset? split the file where the time goes back" (EDGE-165); it is now put back in
    time order (EDGE-177), also stamped in bursts of one time a row (EDGE-181), and where it cannot be (pairs of
    samples on one stamp: their order lost) refused as out of order; joined recordings keep EDGE-2's answer."""
    acc = samples.phyphox_folder(tmp_path / "a") / "Accelerometer.csv"
    _stamped_in_bursts(acc, ",", 1.0, apart_s=0.002)
    expected = load_recording(acc).session
    _sorted_by(acc, 1, ",")
    result = load_recording(acc)
    np.testing.assert_array_equal(result.session.t_s, expected.t_s)
    np.testing.assert_array_equal(result.session.acc, expected.acc)
    acc = samples.phyphox_folder(tmp_path / "c") / "Accelerometer.csv"
    _stamped_in_bursts(acc, ",", 1.0)
    _sorted_by(acc, 1, ",")
    with pytest.raises(RetrogaitError) as err:
        load_recording(acc)
    assert "rows are not in time order" in str(err.value) and "sort the file by time" in str(err.value)
    assert "cannot be put back" in str(err.value) and "split the file" not in str(err.value)
    joined = samples.phyphox_folder(tmp_path / "b") / "Accelerometer.csv"
    header, body = joined.read_text().split("\n", 1)
    second = "".join(line.rsplit(",", 1)[0] + ",9.0\n" for line in body.splitlines())  # other values (EDGE-262)
    joined.write_text(header + "\n" + body + second)
    with pytest.raises(RetrogaitError, match="two recordings joined"):
        load_recording(joined)


def test_a_table_sorted_by_another_column_is_not_read_by_rate_without_a_word(tmp_path: Path) -> None:
    """A table whose named time column a sort put out of order was refused with "read it with --rate HZ": done, the
    rows were timed in their sorted order without a word, a recording of nonsense (EDGE-165). Now the refusal (where
    the order cannot be put back, EDGE-177: its samples stamped in pairs on one stamp, EDGE-181) says to sort the rows
    by that column, and --rate given anyway says what it did."""
    table = samples.generic(tmp_path / "log.csv")
    _stamped_in_bursts(table, ";", 1000.0)
    _sorted_by(table, 1, ";")
    with pytest.raises(RetrogaitError) as err:
        load_recording(table)
    message = str(err.value)
    assert "out of order" in message and "sort the rows by stamp_ms" in message and "--rate" not in message
    result = load_recording(table, rate_hz=100.0)
    assert any("out of order" in note and "--rate" in note for note in result.report.notes)


def _polar_saved_by_excel(folder: Path, sep: str) -> Path:
    """A Polar pair opened in Excel and saved with ``sep`` between fields, its numbers in General format (the ns
    stamps as ``7.04202E+17``); returns the ACC file."""
    acc = samples.polar_pair(folder)
    for table in folder.glob("*.txt"):
        header, *rows = table.read_text().splitlines()
        saved = [header.replace(";", sep)]
        saved += [sep.join(_excel_general(f) if i else f for i, f in enumerate(r.split(";"))) for r in rows]
        table.write_bytes(("\r\n".join(saved) + "\r\n").encode())
    return acc


@pytest.mark.parametrize("sep", ["\t", ","])
def test_a_polar_pair_saved_again_tab_or_comma_separated_keeps_its_gyroscope(sep: str, tmp_path: Path) -> None:
    """Polar's `;` files opened in Excel and saved (a `.txt` it opened is saved as tab-delimited text), or downloaded
    from Google Sheets (`,`): read by the generic reader, the accelerometer alone: the *_GYRO.txt beside it was left
    out without a word (EDGE-167). Now read as the same pair saved with `;` is (timed by the phone clock, EDGE-141)."""
    expected = load_recording(_polar_saved_by_excel(tmp_path / "semicolon", ";")).session
    result = load_recording(_polar_saved_by_excel(tmp_path / "other", sep))
    assert result.report.format == "polar_logger"
    session = result.session
    assert session.gyr is not None and expected.gyr is not None
    np.testing.assert_array_equal(session.t_s, expected.t_s)
    np.testing.assert_array_equal(session.acc, expected.acc)
    np.testing.assert_array_equal(session.gyr, expected.gyr)


@pytest.mark.parametrize("writer", ["sensorlogger_ios", "physics_toolbox", "metabase"])
def test_an_app_table_saved_again_as_a_workbook_is_read_by_its_app(writer: str, tmp_path: Path) -> None:
    """An app's CSV opened in Excel and saved as a workbook (its one sheet named after the file): the generic reader
    took it, and refused a table without gravity ("columns x,y,z hold no gravity at rest": Sensor Logger's iOS
    Accelerometer.csv, Physics Toolbox's linear acceleration), or read it without the app's gyroscope file beside it,
    stated rate and device (EDGE-168)."""
    if writer == "sensorlogger_ios":
        table = samples.sensorlogger_folder(tmp_path, "ios") / "Accelerometer.csv"
        (tmp_path / "Metadata.csv").unlink()  # a table alone: its sign and rate as the folder gives them
    elif writer == "physics_toolbox":
        table = samples.physics_toolbox(tmp_path / "ptss.csv")
    else:
        table = samples.metabase_pair(tmp_path)
    expected = load_recording(table)
    book = samples.xlsx_workbook(table.with_suffix(".xlsx"), [(table.stem, samples._csv_rows(table))])
    table.unlink()
    session = _read_as(load_recording(book), expected, acc_atol=1e-9)
    for key in ("sample_rate_hz", "sensor", "acc_gravity"):
        assert getattr(session.meta, key) == getattr(expected.session.meta, key), key


def test_a_table_cut_at_a_spreadsheet_s_row_limit_says_so(tmp_path: Path) -> None:
    """A recording saved again by a spreadsheet is cut at the sheet's most rows (65,536 in Excel 97-2003's .xls,
    1,048,576 in Excel and LibreOffice Calc): 11 min at 100 Hz, 3 h; the cut falls between two rows, so nothing said
    that the rest of the recording was gone (EDGE-170). One line more is no such cut."""
    t = np.arange(65_535) / 100.0
    rows = "".join(f"{s:.2f},{np.sin(s):.4f},{np.cos(s):.4f},{9.81 + 0.1 * np.sin(3 * s):.4f}\n" for s in t)
    cut = tmp_path / "cut.csv"
    cut.write_text("t,ax,ay,az\n" + rows)
    result = load_recording(cut)
    assert any("holds 65,536 lines" in n and "cut off" in n for n in result.report.notes)
    assert "cut off" in result.session.meta.extra["import_notes"]
    whole = tmp_path / "whole.csv"
    whole.write_text("t,ax,ay,az\n" + rows + "655.35,0,1,9.81\n")
    assert not any("cut off" in n for n in load_recording(whole).report.notes)
