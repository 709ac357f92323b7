"""Every real export in ../shared/data/formats: duration, rate, units and column mapping, or a clear refusal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrogait.conventions import STANDARD_GRAVITY_MS2 as G
from retrogait.errors import InputFileError
from retrogait.imports import detect_format, load_recording

pytestmark = pytest.mark.shared_data

# path under formats/, format, samples, duration s, rate Hz, gyro, axis carrying gravity at rest (index, sign);
# every accelerometer row, those where the gyroscope has no sample too (EDGE-46: Polar's gyroscope starts
# 69 rows late, phyphox's ends a row early; 26457 and 3315 rows before)
READABLE = [
    ("phyphox_lucadomene_gaitlab/Accelerometer.csv", "phyphox", 2388, 48.0, 49.7, True, (0, 1)),
    ("phyphox_lucadomene_gaitlab/Gyroscope_2.csv", "phyphox", 3316, 66.67, 49.7, True, (0, 1)),
    ("sensorlogger_android_malimsZen", "sensorlogger", 725, 7.24, 100.0, False, (2, 1)),
    ("polar_sensor_logger_biobss/Polar_Sense_ACC.txt", "polar_logger", 26526, 513.0, 52.0, True, None),
    ("metawear_chenliseu_lowerback/Accelerometer.csv", "metabase", 4578, 45.67, 100.0, False, (1, 1)),
    ("movesense_json_tjrantal/MovesenseLog_2_625.json", "movesense", 10000, 93.5, 106.9, True, (2, -1)),
    ("geneactiv_gaitpy/demo_data.csv", "geneactiv", 8400, 168.5, 50.0, False, None),
]

# gravity removed (issue 11 item 2): read, with acc_gravity: removed. path, format, samples, rate Hz, gyro
GRAVITY_REMOVED = [
    ("phyphox_otatoYL_walk/data/ankle_walk(1).csv", "phyphox", 1696, 100.5, False),
    ("phyphox_otatoYL_walk/data/pocket_walk(1).csv", "phyphox", 1815, 100.5, False),
    ("phyphox_otatoYL_walk/data/hand_walk(1).csv", "phyphox", 1377, 100.5, False),
    # bursty (0.3 ms within a burst, up to 46 ms between): count / span (PHONE-4) with the intervals between
    # bursts counted (HONEST-2); 190-212 samples in every second (328.7 / 315.4 Hz before: 36 s "paused")
    ("physicstoolbox_huy/ankle1_100.csv", "physics_toolbox", 17237, 202.4, False),
    ("physicstoolbox_huy/pocket1_114.csv", "physics_toolbox", 18883, 201.9, False),
    ("sensorlogger_ios_BennyJHui", "sensorlogger", 1038, 99.7, True),
]

REFUSED = [
    ("phyphox_otatoYL_walk/data/hand_walk(2).csv", "sensorlog", r"16.8 Hz, too low for gait analysis"),
    ("geneactiv_gaitpy/demo_gait_features.csv", "generic_csv", "a table of gait events or features.*not a recording"),
    (
        "metawear_chenliseu_lowerback/gait_features.csv",
        "generic_csv",
        "a table of gait events or features.*not a recording",
    ),
    ("polar_sensor_logger_biobss/Polar_Sense_MAGN.txt", "polar_logger", "without acceleration.*pass its _ACC.txt"),
    ("polar_sensor_logger_biobss/Polar_Sense_HR.txt", "polar_logger", "without acceleration"),
    ("geneactiv_gaitpy/LICENSE", None, "format not recognised.*--format NAME.*--rate HZ"),
]


@pytest.mark.parametrize(("rel", "fmt", "n", "rate_hz", "gyro"), GRAVITY_REMOVED)
def test_real_export_without_gravity_is_read(
    shared_data: Path, rel: str, fmt: str, n: int, rate_hz: float, gyro: bool
) -> None:
    path = shared_data / "formats" / rel
    if not path.exists():
        pytest.skip(f"{rel} is not present")
    assert detect_format(path).name == fmt
    s = load_recording(path).session
    assert s.meta.acc_gravity == "removed" and s.n_samples == n and s.has_gyro is gyro
    assert s.meta.sample_rate_hz == pytest.approx(rate_hz, rel=0.01)
    assert float(np.linalg.norm(s.acc.mean(axis=0))) < 3.0  # no gravity in it (m/s^2; 9.8 with it)


def test_android_logger_gz_without_header_is_read_with_its_evidence(shared_data: Path) -> None:
    """``timestamp_ns, accuracy, x, y, z`` with no header, gzip-compressed: the generic path, evidence said."""
    folder = shared_data / "phone_positions"
    path = folder / "Samsung_Jamie_Hard_InHand_1.accelerometer.csv.gz"
    if not path.exists():
        pytest.skip("phone_positions is not present")
    s = load_recording(path).session
    extra = s.meta.extra
    assert extra["import_format"] == "generic_csv" and s.meta.acc_gravity == "included"
    assert extra["inferred_layout"].startswith("delimiter ',', decimal '.', no header")
    assert (
        extra["inferred_time_unit"].startswith("ns (median step")
        and "the unit's evidence" in extra["inferred_time_unit"]
    )
    # the session's rate is the stamps' mean, and the header says so beside the median step's (HONEST-32)
    steps = np.diff(s.t_s)
    rate = extra["inferred_sample_rate"]
    assert float(rate.split(" Hz: the mean rate of the stamps")[0]) == pytest.approx(s.meta.sample_rate_hz, rel=1e-5)
    assert f"the median step would make {1.0 / float(np.median(steps)):.4g} Hz" in extra["inferred_sample_rate"]
    assert extra["inferred_acc_columns"].startswith("2,3,4") and "1: a status flag" in extra["inferred_acc_columns"]
    assert extra["inferred_acc_unit"].startswith("ms2: |mean acc|")
    assert float(np.median(np.linalg.norm(s.acc, axis=1))) == pytest.approx(G, rel=0.1)
    steps = __import__("pandas").read_csv(folder / "steps.csv")
    duration = float(steps.loc[steps.trace == path.name.split(".")[0], "duration_s"].iloc[0])
    assert s.duration_s == pytest.approx(duration, abs=2.0)


@pytest.mark.parametrize(("rel", "fmt", "n", "duration_s", "rate_hz", "gyro", "gravity_axis"), READABLE)
def test_real_export_converts(
    shared_data: Path,
    rel: str,
    fmt: str,
    n: int,
    duration_s: float,
    rate_hz: float,
    gyro: bool,
    gravity_axis: tuple[int, int] | None,
) -> None:
    path = shared_data / "formats" / rel
    if not path.exists():
        pytest.skip(f"{rel} is not present")
    assert detect_format(path).name == fmt
    result = load_recording(path, placement="lower_back")
    s = result.session
    assert s.n_samples == n
    assert s.duration_s == pytest.approx(duration_s, abs=0.1)
    measured = 1.0 / float(np.median(np.diff(s.t_s)))
    assert measured == pytest.approx(rate_hz, rel=0.02)
    assert s.meta.sample_rate_hz == pytest.approx(rate_hz, rel=0.05)  # nominal rate may differ a little
    assert s.has_gyro is gyro
    # units: |acc| at rest (the quietest second) is 1 g in m/s^2
    norm = np.linalg.norm(s.acc, axis=1)
    window = max(int(rate_hz), 5)
    stds = np.array([norm[i : i + window].std() for i in range(0, norm.size - window, window)])
    quiet = int(np.argmin(stds)) * window
    assert float(np.mean(norm[quiet : quiet + window])) == pytest.approx(G, abs=0.35)
    if gravity_axis is not None:  # column mapping: gravity on the axis the provenance notes say
        axis, sign = gravity_axis
        mean = s.acc[quiet : quiet + window].mean(axis=0)
        assert int(np.argmax(np.abs(mean))) == axis and np.sign(mean[axis]) == sign
    if s.gyr is not None:  # deg/s, not rad/s: real gyros reach tens of deg/s when moving
        assert float(np.nanpercentile(np.abs(s.gyr), 99)) > 3.0
    assert s.meta.extra["import_format"] == fmt


@pytest.mark.parametrize(("rel", "fmt", "message"), REFUSED)
def test_real_export_refused_with_reason(shared_data: Path, rel: str, fmt: str | None, message: str) -> None:
    path = shared_data / "formats" / rel
    if not path.exists():
        pytest.skip(f"{rel} is not present")
    if fmt is not None:
        assert detect_format(path).name == fmt
    with pytest.raises(InputFileError, match=message):
        load_recording(path)
