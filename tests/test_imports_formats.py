"""Every importer on small synthetic exports in its real layout: units, axes, time, header, bad rows."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.conventions import STANDARD_GRAVITY_MS2 as G
from retrogait.errors import InputFileError, RetrogaitError
from retrogait.imports import GenericCsvOptions, detect_format, load_recording, load_session
from retrogait.imports.common import Stream, interpolate_onto
from retrogait.session import Session, read_session, write_session


def _check_motion(session: Session, t0_s: float, acc_tol: float, gyr_tol: float | None) -> None:
    """The session holds the known motion (m/s^2 with gravity, deg/s) on the right axes."""
    t = session.t_s + t0_s
    np.testing.assert_allclose(session.acc, samples.truth_acc_ms2(t), atol=acc_tol)
    if gyr_tol is None:
        assert session.gyr is None
    else:
        assert session.gyr is not None
        np.testing.assert_allclose(session.gyr, samples.truth_gyr_dps(t), atol=gyr_tol)


CASES: list[tuple[str, Callable[[Path], Path], float, float | None, float]] = [
    # (format, writer, acc tolerance m/s^2, gyro tolerance deg/s or None, rate Hz)
    ("phyphox", lambda d: samples.phyphox_folder(d / "p") / "Accelerometer.csv", 1e-6, 0.2, 100.0),
    ("phyphox", lambda d: samples.phyphox_folder(d / "p"), 1e-6, 0.2, 100.0),
    ("phyphox", lambda d: samples.phyphox_zip(d / "export.zip"), 1e-6, 0.2, 100.0),
    ("phyphox", lambda d: samples.phyphox_classic(d / "Raw Data.csv"), 1e-6, None, 100.0),
    ("phyphox", lambda d: samples.phyphox_semicolon(d / "Accelerometer.csv"), 1e-5, None, 100.0),
    ("sensorlogger", lambda d: samples.sensorlogger_folder(d / "sl"), 1e-4, 1e-3, 100.0),
    ("sensorlogger", lambda d: samples.sensorlogger_folder(d / "sl") / "Gyroscope.csv", 1e-4, 1e-3, 100.0),
    ("sensorlogger", lambda d: samples.sensorlogger_folder(d / "sl", platform="ios"), 1e-4, 1e-3, 100.0),
    ("polar_logger", lambda d: samples.polar_pair(d / "pl"), 0.006, 0.5, 52.0),
    ("metabase", lambda d: samples.metabase_pair(d / "mb"), 0.001, 0.001, 100.0),
    ("movesense", lambda d: samples.movesense_json(d / "m.json"), 0.02, 0.5, 104.0),
    ("physics_toolbox", lambda d: samples.physics_toolbox(d / "pt.csv"), 1e-5, 1e-3, 100.0),
    ("geneactiv", lambda d: samples.geneactiv(d / "ga.csv"), 0.001, None, 50.0),
    ("geneactiv", lambda d: samples.geneactiv(d / "ga.csv", newline="\r"), 0.001, None, 50.0),
    ("sensorlog", lambda d: samples.sensorlog(d / "log.csv"), 1e-4, 1.0, 50.0),
    ("native", lambda d: samples.native(d / "n.csv"), 1e-12, 1e-12, 100.0),
]


@pytest.mark.parametrize(("name", "writer", "acc_tol", "gyr_tol", "rate_hz"), CASES)
def test_importer_recovers_known_motion(
    tmp_path: Path,
    name: str,
    writer: Callable[[Path], Path],
    acc_tol: float,
    gyr_tol: float | None,
    rate_hz: float,
) -> None:
    path = writer(tmp_path)
    assert detect_format(path).name == name
    result = load_recording(path, placement="shank", side="left", anterior_axis="+x", vertical_axis="+z")
    session = result.session
    assert session.meta.sample_rate_hz == pytest.approx(rate_hz, rel=0.01)
    assert session.meta.placement == "shank" and session.meta.side == "left"
    assert session.meta.anterior_axis == "+x" and session.meta.vertical_axis == "+z"
    assert session.duration_s == pytest.approx(samples.DURATION_S, abs=0.1)
    assert session.t_s[0] == 0.0 and np.all(np.diff(session.t_s) > 0)
    _check_motion(session, 0.0, acc_tol, gyr_tol)
    if name != "native":
        assert session.meta.extra["import_format"] == name
        assert session.meta.extra["import_dropped_rows"] == str(result.report.dropped_total)
    # the converted session is a valid native file
    back = read_session(write_session(session, tmp_path / "out.csv"))
    np.testing.assert_array_equal(back.acc, session.acc)


def test_device_rate_and_start_carried_into_header(tmp_path: Path) -> None:
    sl = load_session(samples.sensorlogger_folder(tmp_path / "sl"))
    assert sl.meta.sensor == "TestPhone (android)"
    assert sl.meta.start_time_utc == "2023-11-14T22:13:20.000Z"
    ga = load_session(samples.geneactiv(tmp_path / "ga.csv"), sensor="my watch")
    assert ga.meta.sensor == "my watch" and ga.meta.extra["import_device"] == "GENEActiv 1.1 046164"
    assert ga.meta.start_time_utc == "2019-08-06T14:25:50.000Z"  # local GMT -04
    assert ga.meta.extra["import_device_location"] == "right wrist"
    ph = load_session(samples.phyphox_folder(tmp_path / "ph"))
    assert ph.meta.sensor == "google Pixel 7" and ph.meta.start_time_utc == "2023-11-14T22:13:20.000Z"
    mb = load_session(samples.metabase_pair(tmp_path / "mb"))
    assert mb.meta.sensor == "MetaWear C4D5E6F7A8B9" and mb.meta.sample_rate_hz == 100.0


def test_generic_csv_mapping(tmp_path: Path) -> None:
    path = samples.generic(tmp_path / "g.csv")
    mapping = GenericCsvOptions(
        time_column="stamp_ms", time_unit="ms", acc_columns=("ax", "ay", "az"), acc_unit="mg",
        gyr_columns=("4", "5", "6"), gyr_unit="rads",
    )  # fmt: skip
    session = load_session(path, generic=mapping)
    _check_motion(session, 0.0, 1e-5, 1e-3)
    assert not any(k.startswith(("inferred_time", "inferred_acc", "inferred_gyr")) for k in session.meta.extra)
    inferred = load_session(path)  # the same, found out from the names and the data, and said
    _check_motion(inferred, 0.0, 1e-5, 1e-3)
    extra = inferred.meta.extra
    assert extra["import_format"] == "generic_csv"
    assert extra["inferred_time_column"].startswith("stamp_ms") and extra["inferred_time_unit"].startswith("ms")
    assert extra["inferred_acc_unit"].startswith("mg") and extra["inferred_gyr_unit"].startswith("rads")
    with pytest.raises(InputFileError, match="column 'nope' not found"):
        load_session(path, generic=GenericCsvOptions(time_column="nope", acc_columns=("ax", "ay", "az")))


def test_generic_csv_wrong_delimiter_names_the_right_one(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("time;ax;ay;az\n" + "".join(f"{k / 100:.2f};0.1;0.2;9.8\n" for k in range(300)))
    mapping = GenericCsvOptions(time_column="time", time_unit="s", acc_columns=("ax", "ay", "az"), delimiter=",")
    with pytest.raises(InputFileError, match="does not split into columns on ',': pass --delimiter ';'"):
        load_session(path, generic=mapping)
    semicolon = GenericCsvOptions(time_column="time", time_unit="s", acc_columns=("ax", "ay", "az"), delimiter=";")
    assert load_session(path, generic=semicolon).t_s.size == 300


@pytest.mark.parametrize(
    ("writer", "sign"),
    [
        (lambda d: samples.phyphox_classic(d / "lin.csv", linear=True), 1.0),
        (lambda d: samples.physics_toolbox_linear(d / "pt.csv"), 1.0),
        (lambda d: _without(samples.sensorlogger_folder(d / "sl", "ios"), "Gravity.csv"), 1.0),  # negated back
        (lambda d: _without(samples.sensorlogger_folder(d / "sl"), "TotalAcceleration.csv"), 1.0),
    ],
)
def test_acceleration_without_gravity_is_read_and_said(
    tmp_path: Path, writer: Callable[[Path], Path], sign: float
) -> None:
    """Issue 11 item 2: linear acceleration is read, not refused; the header says gravity is removed."""
    result = load_recording(writer(tmp_path))
    session = result.session
    assert session.meta.acc_gravity == "removed"
    t = session.t_s
    expected = samples.truth_acc_ms2(t) - [0.0, 0.0, G]
    np.testing.assert_allclose(session.acc, sign * expected, atol=1e-3)
    assert any("gravity removed" in note for note in result.report.notes)
    back = read_session(write_session(session, tmp_path / "out.csv"))
    assert back.meta.acc_gravity == "removed"


def _without(folder: Path, name: str) -> Path:
    (folder / name).unlink()
    return folder


def test_corrupted_rows_dropped_and_counted(tmp_path: Path) -> None:
    path = samples.physics_toolbox(tmp_path / "pt.csv", corrupt_rows=(10, 11, 200))
    result = load_recording(path)
    assert result.report.dropped == {"row_not_a_number": 3}
    assert result.session.n_samples == samples.RATE_HZ * samples.DURATION_S - 3
    assert result.session.meta.extra["import_dropped_detail"] == "row_not_a_number=3"
    _check_motion(result.session, 0.0, 1e-5, 1e-3)


def test_duplicate_and_backwards_rows_dropped(tmp_path: Path) -> None:
    path = samples.physics_toolbox(tmp_path / "pt.csv")
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(50, lines[49])  # duplicate
    lines.insert(100, lines[20])  # a row from the past, written again: the same sample (EDGE-262)
    path.write_text("".join(lines))
    result = load_recording(path)
    assert result.report.dropped == {"row_time_not_increasing": 1, "row_written_twice": 1}
    _check_motion(result.session, 0.0, 1e-5, 1e-3)


def test_movesense_lost_packet_is_a_gap(tmp_path: Path) -> None:
    session = load_session(samples.movesense_json(tmp_path / "m.json", drop_packet=20))
    steps = np.diff(session.t_s)
    assert int((steps > 1.5 / 104).sum()) == 1
    assert steps.max() == pytest.approx(9 / 104, abs=0.003)
    _check_motion(session, 0.0, 0.02, 0.5)


def test_gyro_gap_is_not_papered_over() -> None:
    t_gyr = np.concatenate([np.arange(0, 1, 0.01), np.arange(1.5, 2, 0.01)])
    gyr = Stream(t_gyr, np.column_stack([t_gyr, 2 * t_gyr, -t_gyr]))
    master = np.arange(0, 2, 0.004)
    values = interpolate_onto(master, gyr, 0.025, 0.005)
    inside_gap = (master > 1.0) & (master < 1.5)
    assert np.isnan(values[inside_gap]).all()
    ok = np.isfinite(values[:, 0]) & (master <= t_gyr[-1])
    np.testing.assert_allclose(values[ok, 1], 2 * master[ok], atol=1e-9)


def test_low_sample_rate_rejected_with_reason(tmp_path: Path) -> None:
    path = tmp_path / "androsensor.csv"
    t = np.arange(0, 60, 0.5)
    body = "".join(f"{x * 1000:.0f};0.1;0.2;9.8\n" for x in t)
    path.write_text("ms;ax;ay;az\n" + body)
    mapping = GenericCsvOptions(time_column="ms", time_unit="ms", acc_columns=("ax", "ay", "az"))
    with pytest.raises(InputFileError, match=r"2 Hz, too low for gait analysis.*at least 20 Hz"):
        load_session(path, generic=mapping)


def test_bad_paths_and_flags(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        load_recording(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="is empty"):
        load_recording(empty)
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(InputFileError, match="format not recognised"):
        load_recording(junk)
    with pytest.raises(RetrogaitError, match="unknown format 'nope'; supported formats: native, phyphox"):
        load_recording(junk, "nope")
    with pytest.raises(RetrogaitError, match="placement must be one of"):
        load_recording(samples.geneactiv(tmp_path / "ga.csv"), placement="ankle")


def test_sensorlogger_zip_and_uncalibrated_fallback(tmp_path: Path) -> None:
    folder = samples.sensorlogger_folder(tmp_path / "sl")
    archive = tmp_path / "2023-11-14_22-13-20.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in folder.iterdir():
            zf.write(file, f"2023-11-14_22-13-20/{file.name}")
    assert detect_format(archive).name == "sensorlogger"
    _check_motion(load_session(archive), 0.0, 1e-4, 1e-3)
    # iOS without Gravity: AccelerometerUncalibrated in g with the iOS sign is used (and negated)
    ios = _without(samples.sensorlogger_folder(tmp_path / "ios", platform="ios"), "Gravity.csv")
    t = samples.times()
    samples._sensorlogger_table(ios / "AccelerometerUncalibrated.csv", t, -samples.truth_acc_ms2(t) / G)
    result = load_recording(ios)
    assert any("AccelerometerUncalibrated (g)" in note for note in result.report.notes)
    _check_motion(result.session, 0.0, 1e-4, 1e-3)


def test_another_apps_table_with_short_names_and_its_own_units_is_not_physics_toolbox(tmp_path: Path) -> None:
    """EDGE-73: WitMotion's export (``ax(g)``, ``wx(deg/s)``, ``ChipTime``, angles) was claimed by the Physics
    Toolbox reader, which ignores units in names: its gyroscope read as rad/s, 57x too large."""
    t = samples.times()
    acc_g = samples.truth_acc_ms2(t) / G
    gyr = samples.truth_gyr_dps(t) / 10.0  # small rates that rad/s could also be
    rows = "".join(
        f"{s:.3f}\t{s:.3f}\t{a[0]:.5f}\t{a[1]:.5f}\t{a[2]:.5f}\t{w[0]:.4f}\t{w[1]:.4f}\t{w[2]:.4f}\t1.0\t2.0\t90.0\t25.3\n"
        for s, a, w in zip(t, acc_g.tolist(), gyr.tolist(), strict=True)
    )
    path = tmp_path / "wit.txt"
    path.write_text(
        "Time\tChipTime\tax(g)\tay(g)\taz(g)\twx(deg/s)\twy(deg/s)\twz(deg/s)\tAngleX(deg)\tAngleY(deg)\tAngleZ(deg)\tT(°)\n"
        + rows
    )
    for result in (load_recording(path), load_recording(path, "physics_toolbox")):
        assert result.session.gyr is not None
        np.testing.assert_allclose(result.session.gyr, gyr, atol=1e-3)
    assert load_recording(path).report.format == "generic_csv"
