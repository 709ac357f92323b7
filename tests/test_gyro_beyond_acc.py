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
