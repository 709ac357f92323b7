"""A separate gyroscope that recorded on where the accelerometer has no sample (an accelerometer switched off mid-file,
or started late): the session follows the accelerometer's clock, so those samples are not in it; the import says so
(EDGE-258). Before, they were left out without a word."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrogait.imports import load_recording
from retrogait.simulate import SimulationConfig, parse_bouts, simulate


def _folder(path: Path, acc_rows: slice, gyr_rows: slice = slice(None)) -> Path:
    """A phyphox folder of a simulated shank run (100 Hz, seed 3, 12 s), each sensor's file holding the rows given;
    the gyroscope's stamps 3 ms after the accelerometer's."""
    s = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:12"), sample_rate_hz=100.0, seed=3)).session
    assert s.gyr is not None
    path.mkdir()
    for name, t, values, rows in [
        ("Accelerometer", s.t_s, s.acc, acc_rows),
        ("Gyroscope", s.t_s + 0.003, np.radians(s.gyr), gyr_rows),
    ]:
        unit = "m/s^2" if name == "Accelerometer" else "rad/s"
        head = ",".join(f'"{axis} ({unit})"' for axis in ("X", "Y", "Z"))
        lines = [f"{a:.9E},{x:.9E},{y:.9E},{z:.9E}" for a, (x, y, z) in zip(t[rows], values[rows], strict=True)]
        (path / f"{name}.csv").write_text(f'"Time (s)",{head}\n' + "\n".join(lines) + "\n")
    return path


def _beyond(folder: Path) -> list[str]:
    notes = load_recording(folder).session.meta.extra.get("import_notes", "").split(" | ")
    return [n for n in notes if "where the accelerometer has none" in n]


@pytest.mark.parametrize(
    ("acc_rows", "said"),
    [
        (slice(None, 600), "the gyroscope recorded 600 samples where the accelerometer has none, 600 after its last"),
        (slice(300, None), "the gyroscope recorded 300 samples where the accelerometer has none, 300 before its first"),
        (slice(300, 900), "the gyroscope recorded 600 samples where the accelerometer has none, 300 before its first"),
    ],
)
def test_gyroscope_samples_beyond_the_accelerometer_are_told(tmp_path: Path, acc_rows: slice, said: str) -> None:
    told = _beyond(_folder(tmp_path / "f", acc_rows))
    assert len(told) == 1 and told[0].startswith(said), told
    assert told[0].endswith("the session follows the accelerometer's clock, so they are left out")


def test_a_sensor_starting_or_stopping_a_few_samples_apart_is_not_told(tmp_path: Path) -> None:
    """Two samples (20 ms, under 2.5 periods) past the accelerometer's last: as every real export does, no note."""
    assert _beyond(_folder(tmp_path / "f", slice(None, 1198))) == []


def _rates_folder(path: Path, acc_hz: float, gyr_hz: float, acc_s: float = 20.0) -> Path:
    """A phyphox folder whose accelerometer (``acc_hz``, its first ``acc_s`` s) and gyroscope (``gyr_hz``, 20 s)
    start together; a 1.5 Hz bounce."""
    path.mkdir()
    for name, hz, seconds, unit in [("Accelerometer", acc_hz, acc_s, "m/s^2"), ("Gyroscope", gyr_hz, 20.0, "rad/s")]:
        t = np.arange(round(seconds * hz)) / hz
        x = np.sin(2 * np.pi * 1.5 * t)
        values = np.c_[x, 0.2 + 0 * t, 9.8 + 3 * x] if name == "Accelerometer" else np.c_[2 * x, 0.1 * x, 0.3 * x]
        head = ",".join(f'"{axis} ({unit})"' for axis in ("X", "Y", "Z"))
        lines = [f"{a:.9E},{v[0]:.9E},{v[1]:.9E},{v[2]:.9E}" for a, v in zip(t, values, strict=True)]
        (path / f"{name}.csv").write_text(f'"Time (s)",{head}\n' + "\n".join(lines) + "\n")
    return path


def test_a_faster_gyroscope_recording_the_same_span_is_not_told(tmp_path: Path) -> None:
    """A 400 Hz gyroscope beside a 100 Hz accelerometer, both recording the same 20 s: the gyroscope's last 3 samples
    lie within the accelerometer's last period (under 2.5 of its periods, 25 ms): no sample of the recording is left
    out, so no note (REVIEW-220; before, the reach was 2.5 gyroscope periods, 6.25 ms, and the note told 3 samples)."""
    assert _beyond(_rates_folder(tmp_path / "f", 100.0, 400.0)) == []


def test_a_faster_gyroscope_beyond_a_stopped_accelerometer_is_told(tmp_path: Path) -> None:
    """The same with the accelerometer stopped after 10 s: the gyroscope's other 10 s are told as before (4003
    samples: all beyond half a period of its own after the accelerometer's last stamp, 9.99 s)."""
    told = _beyond(_rates_folder(tmp_path / "f", 100.0, 400.0, acc_s=10.0))
    assert len(told) == 1 and told[0].startswith("the gyroscope recorded 4003 samples"), told
