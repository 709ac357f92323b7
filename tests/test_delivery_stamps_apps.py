"""The app readers find samples stamped on delivery by the generic reader's rule (EDGE-150): a phone or BLE host
that stamps each batch of samples with its arrival (Android sensor batching: the samples a small part of a period
apart; a packet's samples on its one arrival stamp). Each reader's stream is re-timed within its packets at the
packets' rate, every sample kept, and said so; before, the stamps were read as written (Android batches: samples
up to a batch off their times) or spread by the tie rule with no word of packets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.imports import load_recording


def _delivered(t: np.ndarray, seed: int, lo: int, hi: int, within: float) -> np.ndarray:
    """Batches of ``lo``-``hi`` samples stamped 0-2 ms after their last sample, ``within`` periods apart inside."""
    rng = np.random.default_rng(seed)
    period = float(np.median(np.diff(t)))
    sizes = rng.integers(lo, hi + 1, t.size // lo + 1)
    first = np.cumsum(sizes) - sizes
    bunch = np.repeat(np.arange(sizes.size), sizes)[: t.size]
    last = np.minimum(first + sizes - 1, t.size - 1)
    arrival = t[last[bunch]] + rng.uniform(0.0, 0.002, sizes.size)[bunch]
    return np.asarray(arrival - (last[bunch] - np.arange(t.size)) * within * period)


def _rewrite(path: Path, sep: str, cells: Callable[[list[str], float], list[str]], stamps: np.ndarray) -> np.ndarray:
    """Rewrite each data row's time cells from ``stamps`` (s); returns the rows' true times (s, from their first)."""
    head, *rows = path.read_text().splitlines()
    rows = [r for r in rows if r.strip()]
    assert len(rows) == stamps.size
    path.write_text(
        "\n".join([head] + [sep.join(cells(r.split(sep), s)) for r, s in zip(rows, stamps, strict=True)]) + "\n"
    )
    return stamps


def _check(path: Path, t_true: np.ndarray) -> None:
    result = load_recording(path)
    session = result.session
    assert session.t_s.size == t_true.size  # every sample kept
    err = session.t_s - (t_true - t_true[0])
    assert float(np.max(np.abs(err - np.median(err)))) < 0.003  # within the arrival jitter of the true times
    assert "stamped on delivery" in session.meta.extra.get("inferred_time_base", "")
    assert any("stamped on delivery" in note for note in result.report.notes)


def test_phyphox_batches_are_re_timed(tmp_path):
    folder = samples.phyphox_folder(tmp_path / "phyphox")
    t = samples.times()
    stamps = _delivered(t, 1, 10, 40, 0.05)
    _rewrite(folder / "Accelerometer.csv", ",", lambda c, s: [f"{s:.9E}", *c[1:]], stamps)
    _check(folder, t)


def test_sensor_logger_batches_are_re_timed(tmp_path):
    folder = samples.sensorlogger_folder(tmp_path / "sl")
    t = samples.times()
    stamps = _delivered(t, 2, 10, 40, 0.05)
    epoch = samples._SL_EPOCH_NS
    for name in ("Accelerometer.csv", "Gyroscope.csv", "TotalAcceleration.csv"):
        _rewrite(folder / name, ",", lambda c, s: [str(epoch + round(s * 1e9)), f"{s:.9f}", *c[2:]], stamps)
    _check(folder, t)


def test_polar_phone_clock_packets_are_re_timed(tmp_path):
    """The sensor's ns rounded by a spreadsheet, so the rows are timed by the phone's arrival stamps (EDGE-141):
    every sample of a BLE packet on its one stamp, written to the ms."""
    acc_path = samples.polar_pair(tmp_path)
    gyr_path = Path(str(acc_path).replace("_ACC", "_GYRO"))
    t = samples.times(52.0)

    def phone(cells: list[str], s: float) -> list[str]:
        ms = round(s * 1000.0)
        return [
            f"2023-11-14T22:{13 + (20 * 1000 + ms) // 60000:02d}:{(20 * 1000 + ms) % 60000 / 1000:06.3f}",
            "7.04202E+17",
            *cells[2:],
        ]

    _rewrite(acc_path, ";", phone, _delivered(t, 3, 5, 15, 0.0))
    tg = samples.times(52.0, start_s=-0.01, duration_s=samples.DURATION_S + 0.05)
    _rewrite(gyr_path, ";", phone, _delivered(tg, 4, 5, 15, 0.0))
    _check(acc_path, t)


def test_metabase_packets_are_re_timed(tmp_path):
    acc_path = samples.metabase_pair(tmp_path)
    t = samples.times()
    stamps = _delivered(t, 5, 5, 15, 0.0)
    epoch_ms = 1_659_731_173_153.0
    _rewrite(acc_path, ",", lambda c, s: [str(round(epoch_ms + s * 1000)), c[1], f"{s:.3f}", *c[3:]], stamps)
    _check(acc_path, t)


def test_physics_toolbox_batches_are_re_timed(tmp_path):
    path = samples.physics_toolbox(tmp_path / "ptss.csv")
    t = samples.times()
    stamps = _delivered(t, 6, 10, 40, 0.05)
    _rewrite(path, ",", lambda c, s: [f"{s:.6f}", *c[1:]], stamps)
    _check(path, t)


@pytest.mark.parametrize("jitter_ms", [0.0, 3.0])
def test_app_stamps_per_sample_are_not_packets(tmp_path, jitter_ms):
    """A phone's per-sample stamps, exact or with +-3 ms of jitter: no packets, nothing re-timed (a guard)."""
    path = samples.physics_toolbox(tmp_path / "ptss.csv")
    t = samples.times()
    rng = np.random.default_rng(7)
    stamps = np.maximum.accumulate(t + rng.uniform(-jitter_ms, jitter_ms, t.size) / 1000.0)
    _rewrite(path, ",", lambda c, s: [f"{s:.6f}", *c[1:]], stamps)
    session = load_recording(path).session
    assert "inferred_time_base" not in session.meta.extra


def test_physics_toolbox_batches_in_ms_are_said_at_their_rate_in_hz(tmp_path):
    """Review of EDGE-150 (EDGE-155): a Physics Toolbox export whose times are in ms (found by the unit check after
    the re-timing) was re-timed right but said '1e+04 ms apart (0.099955 Hz)' in the note and the header."""
    path = samples.physics_toolbox(tmp_path / "ptss_ms.csv")
    t = samples.times()
    _rewrite(path, ",", lambda c, s: [f"{s * 1000.0:.3f}", *c[1:]], _delivered(t, 6, 10, 40, 0.05))
    result = load_recording(path)
    session = result.session
    assert session.t_s.size == t.size
    assert "10 ms apart (99.9" in session.meta.extra["inferred_time_base"]
    assert any("packets' rate (99.9" in note for note in result.report.notes)
