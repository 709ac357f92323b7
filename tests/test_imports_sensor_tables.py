"""IMPORT-18/19: Sensor Logger's JSON and SQLite exports read as its zip/CSV export is, value for value; a
sensor's cached value from before the recording is dropped; other SQLite files and JSON without acceleration
are refused in one line. The exports are written here as the app's documentation shows them (import_samples)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.cli import main
from retrogait.errors import InputFileError
from retrogait.imports import load_recording, sensor_tables
from retrogait.recordings import is_recording
from retrogait.session import Session


def _same_session(a: Session, b: Session) -> None:
    np.testing.assert_array_equal(a.t_s, b.t_s)
    np.testing.assert_array_equal(a.acc, b.acc)
    if b.gyr is None:
        assert a.gyr is None
    else:
        assert a.gyr is not None
        np.testing.assert_array_equal(a.gyr, b.gyr)
    assert a.meta.sample_rate_hz == b.meta.sample_rate_hz
    assert a.meta.sensor == b.meta.sensor
    assert a.meta.start_time_utc == b.meta.start_time_utc
    assert a.meta.acc_gravity == b.meta.acc_gravity


@pytest.mark.parametrize("platform", ["android", "ios"])
@pytest.mark.parametrize("style", ["compact", "lines", "indented"])
def test_the_json_export_reads_as_the_zip_export(tmp_path: Path, platform: str, style: str) -> None:
    folder = samples.sensorlogger_folder(tmp_path / "csv", platform=platform)
    exported = samples.sensorlogger_json(tmp_path / "run.json", folder, style)
    from_json, from_csv = load_recording(exported), load_recording(folder)
    assert from_json.report.format == "sensorlogger"
    _same_session(from_json.session, from_csv.session)
    assert from_json.report.notes == from_csv.report.notes
    assert all(f.startswith(f"{exported}/") for f in from_json.report.files)


@pytest.mark.parametrize("platform", ["android", "ios"])
@pytest.mark.parametrize("typed", [True, False])
def test_the_sqlite_export_reads_as_the_zip_export(tmp_path: Path, platform: str, typed: bool) -> None:
    folder = samples.sensorlogger_folder(tmp_path / "csv", platform=platform)
    exported = samples.sensorlogger_sqlite(tmp_path / "run.sqlite", folder, typed=typed)
    result = load_recording(exported)
    assert result.report.format == "sensorlogger"
    _same_session(result.session, load_recording(folder).session)
    assert any(f.endswith("run.sqlite/Gyroscope.csv") for f in result.report.files)


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["sensorlogger_android_malimsZen", "sensorlogger_ios_BennyJHui"])
def test_real_recordings_exported_as_json_and_sqlite_read_as_their_csv(
    tmp_path: Path, shared_data: Path, name: str
) -> None:
    real = shared_data / "formats" / name
    folder = tmp_path / "csv"
    folder.mkdir()
    for path in real.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    from_csv = load_recording(folder)
    for exported in (
        samples.sensorlogger_json(tmp_path / "real.json", folder),
        samples.sensorlogger_sqlite(tmp_path / "real.sqlite", folder),
    ):
        result = load_recording(exported)
        _same_session(result.session, from_csv.session)
        assert result.session.n_samples == from_csv.session.n_samples > 600


def test_records_out_of_shape_are_read_one_by_one_to_the_same_values(tmp_path: Path) -> None:
    """A record with its keys in another order (and a sensor's records split into two runs) leaves the fast
    pattern: that run is parsed record by record, to the same session."""
    folder = samples.sensorlogger_folder(tmp_path / "csv")
    records = json.loads(samples.sensorlogger_json(tmp_path / "run.json", folder).read_text())
    accelerometer = [i for i, r in enumerate(records) if r["sensor"] == "Accelerometer"]
    moved = records[accelerometer[5]]
    records[accelerometer[5]] = {k: moved[k] for k in reversed(list(moved))}
    gyro_first = next(i for i, r in enumerate(records) if r["sensor"] == "Gyroscope")
    records.insert(gyro_first + 3, records.pop(accelerometer[-1]))  # one accelerometer record amid the gyroscope
    (tmp_path / "odd.json").write_text(json.dumps(records))
    _same_session(load_recording(tmp_path / "odd.json").session, load_recording(folder).session)


def test_interleaved_sensors_are_parsed_whole(tmp_path: Path) -> None:
    folder = samples.sensorlogger_folder(tmp_path / "csv")
    records = json.loads(samples.sensorlogger_json(tmp_path / "run.json", folder).read_text())
    acc, gyr = ([r for r in records if r["sensor"] == name] for name in ("Accelerometer", "Gyroscope"))
    rest = [r for r in records if r["sensor"] not in ("Accelerometer", "Gyroscope")]
    mixed = [r for pair in zip(acc, gyr, strict=True) for r in pair] + rest  # one record of each in turn
    (tmp_path / "mixed.json").write_text(json.dumps(mixed))
    assert len(list(sensor_tables._blocks((tmp_path / "mixed.json").read_bytes()))) > sensor_tables.MAX_RUNS
    _same_session(load_recording(tmp_path / "mixed.json").session, load_recording(folder).session)


def test_a_json_export_cut_short_is_read_up_to_the_cut_and_says_so(tmp_path: Path) -> None:
    folder = samples.sensorlogger_folder(tmp_path / "csv")
    (folder / "Metadata.csv").unlink()
    text = samples.sensorlogger_json(tmp_path / "run.json", folder, "lines").read_text()
    cut = text.rstrip().rstrip("]").rstrip()[:-40]  # inside the last record (the last TotalAcceleration row)
    (tmp_path / "cut.json").write_text(cut)
    total = folder / "TotalAcceleration.csv"
    total.write_text("".join(total.read_text().splitlines(keepends=True)[:-1]))
    result = load_recording(tmp_path / "cut.json")
    _same_session(result.session, load_recording(folder).session)
    assert "JSON ends early" in result.session.meta.extra["import_cut_short"]
    assert result.report.dropped.get("last_line_cut_short") == 1


def test_a_value_cached_from_before_the_recording_is_dropped(tmp_path: Path) -> None:
    """Real iOS exports start some sensors with an all-zero row 91 h before the recording (-328883 s)."""
    folder = samples.sensorlogger_folder(tmp_path / "csv")
    for name in ("TotalAcceleration.csv", "Gyroscope.csv"):
        lines = (folder / name).read_text().splitlines(keepends=True)
        first_ns = int(lines[1].split(",")[0])
        lines.insert(1, f"{first_ns - 328883427174072},-328883.42717407225,0,0,0\n")
        (folder / name).write_text("".join(lines))
    result = load_recording(folder)
    assert result.session.duration_s < 10.0
    assert result.report.dropped == {"acc_before_recording_start": 1, "gyr_before_recording_start": 1}


def test_exports_without_acceleration_or_of_other_apps_are_refused_in_one_line(tmp_path: Path) -> None:
    located = tmp_path / "location.json"
    located.write_text(json.dumps([{"sensor": "Location", "time": "1", "seconds_elapsed": "0", "latitude": "1"}]))
    with pytest.raises(InputFileError, match=r"no Accelerometer or TotalAcceleration records \(records: Location\)"):
        load_recording(located)
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE steps (a, b)")
    connection.commit()
    connection.close()
    with pytest.raises(InputFileError, match=r"SQLite database \(tables: 'steps'\) that is not a Sensor Logger"):
        load_recording(other)
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(sensor_tables.SQLITE_MAGIC + b"\x01" * 5000)
    with pytest.raises(InputFileError, match="damaged SQLite database"):
        load_recording(damaged)


def test_analyze_and_batch_take_the_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = samples.sensorlogger_folder(tmp_path / "csv")
    exported = samples.sensorlogger_sqlite(tmp_path / "runs" / "run.sqlite", folder)
    samples.sensorlogger_json(tmp_path / "runs" / "run.json", folder)
    assert is_recording(exported)
    assert main(["analyze", str(tmp_path / "runs" / "run.json"), "--out", str(tmp_path / "out"), "--no-report"]) == 0
    assert (tmp_path / "out" / "steps.csv").is_file()
    assert main(["convert", str(exported), "--out", str(tmp_path / "native.csv")]) == 0
    header = (tmp_path / "native.csv").read_text()[:2000]
    assert "# import_format: sensorlogger" in header
    assert "# import_source: TotalAcceleration.csv, Gyroscope.csv" in header
    capsys.readouterr()


@pytest.mark.parametrize(("platform", "in_g"), [("ios", True), ("android", True), ("ios", False)])
def test_placement_wrist_reads_the_watch(tmp_path: Path, platform: str, in_g: bool) -> None:
    """IMPORT-20: a paired watch's WristMotion.csv (gravity + user acceleration, rotation rate) is read when
    the wrist is said, when it is the file given, or when the phone recorded no acceleration."""
    folder = samples.sensorlogger_folder(tmp_path / "rec", platform=platform)
    true = samples.wrist_motion(folder, platform=platform, in_g=in_g)
    t = samples.times(rate_hz=50.0)
    for result in (load_recording(folder, placement="wrist"), load_recording(folder / "WristMotion.csv")):
        session = result.session
        assert session.meta.placement == "wrist"
        assert session.meta.sensor == f"watch paired with TestPhone ({platform})"
        np.testing.assert_allclose(session.acc, true, rtol=1e-9, atol=1e-9)
        assert session.gyr is not None
        np.testing.assert_allclose(session.gyr, samples.truth_gyr_dps(t) * 0.5, rtol=1e-9, atol=1e-9)
        assert session.meta.sample_rate_hz == pytest.approx(50.0)
    phone = load_recording(folder)
    assert phone.session.meta.placement == "other" and phone.session.n_samples == 400
    assert any("WristMotion.csv: --placement wrist" in note for note in phone.report.notes)
    for name in ("Accelerometer.csv", "TotalAcceleration.csv", "Gravity.csv"):
        (folder / name).unlink(missing_ok=True)
    np.testing.assert_allclose(load_recording(folder).session.acc, true, rtol=1e-9, atol=1e-9)


def test_the_watch_in_a_json_export_reads_as_in_the_folder(tmp_path: Path) -> None:
    folder = samples.sensorlogger_folder(tmp_path / "rec", platform="ios")
    samples.wrist_motion(folder)
    exported = samples.sensorlogger_json(tmp_path / "run.json", folder)
    from_json = load_recording(exported, placement="wrist")
    _same_session(from_json.session, load_recording(folder, placement="wrist").session)


def test_an_sqlite_export_with_text_that_is_not_utf8_is_read_or_refused_in_one_line(tmp_path: Path) -> None:
    """A damaged SQLite export whose text holds bytes that are no UTF-8 (a table name, a metadata value): sqlite3
    raised UnicodeDecodeError out of the import (fuzz_import.py --seed 4141, case 88: "uncaught"). Now its texts are
    decoded with U+FFFD for the bad bytes: the motion tables are read, what the bad text was is not."""
    folder = samples.sensorlogger_folder(tmp_path / "csv", "ios")
    exported = samples.sensorlogger_sqlite(tmp_path / "run.sqlite", folder)
    connection = sqlite3.connect(exported)
    connection.execute('CREATE TABLE "Xnote" ("text" TEXT)')
    connection.execute("INSERT INTO \"Xnote\" VALUES ('Xvalue')")
    connection.commit()
    connection.close()
    data = exported.read_bytes()
    assert data.count(b"Xnote") >= 1 and data.count(b"Xvalue") == 1
    exported.write_bytes(data.replace(b"Xnote", b"\x82note").replace(b"Xvalue", b"\x82value"))
    expected = load_recording(folder).session
    session = load_recording(exported).session
    np.testing.assert_array_equal(session.acc, expected.acc)


def test_an_sqlite_export_whose_schema_a_junk_write_damaged_is_refused_in_one_line(tmp_path: Path) -> None:
    """`fuzz_import.py --seed 4141` case 88: 64 junk bytes written 3 % into an iOS SQLite export (untyped). SQLite's
    message about the damage quoted the bytes, and sqlite3 raised UnicodeDecodeError decoding it: uncaught."""
    from import_mutations import mutate

    folder = samples.sensorlogger_folder(tmp_path / "csv", "ios")
    exported = samples.sensorlogger_sqlite(tmp_path / "run.sqlite", folder, typed=False)
    junk = b"^\x82@\xe1ej\xf8-R\xdbe\xd5\xeb\x98J\xf2J\x94m\x1bQ\x16V@\x0e5\xbb\xd0\xbc}\xda\x85\xedw"
    exported.write_bytes(mutate(exported.read_bytes(), ("junk", 0.03134509905324856, junk))[0])
    with pytest.raises(InputFileError, match="damaged SQLite database"):
        load_recording(exported)
