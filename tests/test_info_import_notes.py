"""`retrogait info` shows the reader's notes (what it inferred, converted or dropped) and reads the accelerometer's
own rows once for both gyroscope lines (EDGE-256)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrogait.simulate import SimulationConfig, parse_bouts, simulate


def _phyphox_folder(path: Path) -> Path:
    """A phyphox folder of a simulated shank run (100 Hz, seed 3, 12 s): Accelerometer.csv and a Gyroscope.csv (rad/s)
    whose stamps lie 3 ms after the accelerometer's, so the reader interpolates it and says so."""
    s = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:12"), sample_rate_hz=100.0, seed=3)).session
    assert s.gyr is not None
    path.mkdir()
    for name, t, values in [("Accelerometer", s.t_s, s.acc), ("Gyroscope", s.t_s + 0.003, np.radians(s.gyr))]:
        unit = "m/s^2" if name == "Accelerometer" else "rad/s"
        head = ",".join(f'"{axis} ({unit})"' for axis in ("X", "Y", "Z"))
        rows = [f"{a:.9E},{x:.9E},{y:.9E},{z:.9E}" for a, (x, y, z) in zip(t, values, strict=True)]
        (path / f"{name}.csv").write_text(f'"Time (s)",{head}\n' + "\n".join(rows) + "\n")
    return path


def test_info_prints_the_reader_s_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from retrogait.cli import main
    from retrogait.imports import load_recording

    folder = _phyphox_folder(tmp_path / "run")
    told = load_recording(folder).session.meta.extra["import_notes"]
    assert "gyroscope interpolated linearly onto the accelerometer timestamps" in told
    capsys.readouterr()
    assert main(["info", str(folder)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "import note: gyroscope interpolated linearly onto the accelerometer timestamps" in out, out


def test_info_reads_the_accelerometer_s_own_rows_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session whose gyroscope lacks values and holds rows interpolated across a lost sample of its own: both of
    `info`'s gyroscope lines are printed, from one reading of `bridge.acc_kept_rows` (two before)."""
    from dataclasses import replace

    import retrogait.bridge
    from retrogait.cli import main
    from retrogait.session import write_session

    s = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:15"), sample_rate_hz=200.0, seed=4)).session
    assert s.gyr is not None
    gyr, spans = s.gyr.copy(), np.full(s.t_s.size, np.nan)
    gyr[1000] = np.nan  # a lone row without a value
    spans[2000:2002] = 0.02  # rows interpolated across a lost sample of a separate 100 Hz gyroscope
    meta = replace(s.meta, extra={**s.meta.extra, "import_gyro_period_s": "0.01"})
    path = write_session(replace(s, gyr=gyr, meta=meta, extra={"gyr_lost_span_s": spans}), tmp_path / "s.csv")
    calls = []
    read = retrogait.bridge.acc_kept_rows

    def counted(t_s: np.ndarray, acc: np.ndarray) -> np.ndarray | None:
        calls.append(1)
        return read(t_s, acc)

    monkeypatch.setattr(retrogait.bridge, "acc_kept_rows", counted)
    capsys.readouterr()
    assert main(["info", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "gyroscope: no value at 1 of 3000 samples" in out, out
    assert "interpolated by the import across a lost sample of its own at 2 samples" in out, out
    assert len(calls) == 1
