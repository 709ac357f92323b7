"""App exports read faster with the same results (PERF-127..129, EDGE-250).

A time column of numbers is parsed as float64 by the C parser, not as text and converted (PERF-127); a phyphox table
holding the accelerometer and gyroscope beside one time column is read and parsed once (PERF-128), its dropped lines
counted once (EDGE-250); a gyroscope on the accelerometer's own clock takes its values as interpolation would give
them, bit for bit (PERF-129).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from retrogait.imports import common, load_recording
from retrogait.imports.common import Source, Stream, interpolate_onto, read_table, text_time_s

_PHYPHOX = (
    '"Time (s)","Acceleration x (m/s^2)","Acceleration y (m/s^2)","Acceleration z (m/s^2)",'
    '"Gyroscope x (rad/s)","Gyroscope y (rad/s)","Gyroscope z (rad/s)"\n'
)


def _phyphox_table(path: Path, rows: int = 600) -> Path:
    rng = np.random.default_rng(7)
    lines = [_PHYPHOX]
    for i in range(rows):
        acc = rng.normal(0.0, 1.0, 3) + [0.0, 0.0, 9.81]
        gyr = rng.normal(0.0, 0.5, 3)
        lines.append(",".join(f"{v:.9E}" for v in (0.01 * i, *acc, *gyr)) + "\n")
    path.write_text("".join(lines))
    return path


def _times(text: str) -> Source:
    return Source("t.csv", data=("time,ax\n" + text).encode())


@pytest.mark.parametrize(
    "cells",
    [
        ["0.006431", "0.007555", "1.5e-3", "-0", "", "2.0000000000000004", "123456.789012345678"],
        ["0,5", "1,25", "3"],
    ],
)
def test_a_time_column_of_numbers_is_read_as_the_numbers_its_text_gives(cells: list[str]) -> None:
    decimal, sep = ("," if "0,5" in cells else "."), (";" if "0,5" in cells else ",")
    data = f"time{sep}ax\n" + "".join(f"{c}{sep}1{sep[:0]}\n" for c in cells)
    source = Source("t.csv", data=data.encode())
    fast = read_table(source, sep=sep, decimal=decimal, numeric=["ax"], text=["time"], numbers_first=["time"])
    slow = read_table(source, sep=sep, decimal=decimal, numeric=["ax"], text=["time"])
    assert fast["time"].dtype == np.float64
    assert slow["time"].dtype != np.float64
    expected, kind = text_time_s(slow["time"], decimal)
    assert kind == "number"
    assert fast["time"].to_numpy().tobytes() == expected.tobytes()  # bit for bit, NaN where empty


@pytest.mark.parametrize(
    "text",
    [
        "2021-03-05 12:34:56.789,1\n2021-03-05 12:34:56.799,2\n",  # date-time text
        "0.01,1\nTime,2\n0.03,3\n",  # a real export's repeated header text in a row
        "0.01,1\n,2\n,3\n",  # under half the cells finite: not what text_time_s calls numbers
    ],
)
def test_a_time_column_that_is_not_all_numbers_is_read_as_text(text: str) -> None:
    table = read_table(_times(text), numeric=["ax"], text=["time"], numbers_first=["time"])
    assert table["time"].dtype != np.float64
    assert table["ax"].dtype == np.float64


def test_a_phyphox_table_of_both_sensors_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _phyphox_table(tmp_path / "both.csv")
    calls: list[str] = []
    real = common.Source.read_bytes

    def counted(self: Source) -> bytes:
        calls.append(self.display)
        return real(self)

    monkeypatch.setattr(common.Source, "read_bytes", counted)
    result = load_recording(path)
    assert result.session.gyr is not None and np.isfinite(result.session.gyr).all()
    assert calls == [str(path)]


def test_a_cut_last_line_of_a_phyphox_table_of_both_sensors_is_counted_once(tmp_path: Path) -> None:
    path = _phyphox_table(tmp_path / "cut.csv")
    path.write_bytes(path.read_bytes()[:-20])  # a recording stopped mid-row
    result = load_recording(path)
    assert result.report.dropped == {"last_line_cut_short": 1}
    assert result.session.meta.extra["import_dropped_detail"] == "last_line_cut_short=1"


def _interpolated(t: np.ndarray, v: np.ndarray, gap_s: float, edge_s: float) -> np.ndarray:
    """interpolate_onto's general sums, at times that are the stream's own."""
    k = np.searchsorted(t, t, side="right") - 1
    out = np.full((t.size, 3), np.nan)
    inner = (k >= 0) & (k < t.size - 1)
    ki = k[inner]
    ok = (t[ki + 1] - t[ki]) <= gap_s
    idx, ki = np.flatnonzero(inner)[ok], ki[ok]
    w = ((t[idx] - t[ki]) / (t[ki + 1] - t[ki]))[:, None]
    out[idx] = v[ki] * (1.0 - w) + v[ki + 1] * w
    out[k >= t.size - 1] = v[-1]
    return out


@pytest.mark.parametrize("seed", range(6))
def test_a_gyroscope_on_the_accelerometers_own_clock_keeps_what_interpolation_gives(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 300
    t = np.cumsum(rng.choice([0.01, 0.01, 0.01, 0.05, 0.3], size=n)) + 12.0
    v = rng.normal(size=(n, 3))
    draw = rng.random(size=(n, 3))
    v[draw < 0.15] = 0.0
    v[draw > 0.85] = -0.0  # -0.0 beside +0.0 becomes +0.0 in the sums: kept so
    v[(draw > 0.80) & (draw < 0.82)] = np.nan
    got = interpolate_onto(t.copy(), Stream(t, v), 0.025, 0.005)
    assert got.tobytes() == _interpolated(t, v, 0.025, 0.005).tobytes()


def test_a_master_clock_that_is_not_the_streams_own_is_interpolated() -> None:
    t = np.arange(10) * 0.01
    v = np.column_stack([t, 2 * t, 3 * t])
    master = t + 0.005
    got = interpolate_onto(master, Stream(t, v), 0.025, 0.01)
    assert np.allclose(got[:-1], np.column_stack([master, 2 * master, 3 * master])[:-1])
    assert np.array_equal(got[-1], v[-1])  # past the last sample by less than edge_s: its value


def _physics_toolbox(path: Path, times: list[str]) -> Path:
    rng = np.random.default_rng(3)
    acc = rng.normal(0.0, 2.0, (len(times), 3))
    rows = "".join(f"{t},{a[0]:.4f},{a[1]:.4f},{a[2]:.4f},1.000\n" for t, a in zip(times, acc, strict=True))
    path.write_text("time,ax (m/s^2),ay (m/s^2),az (m/s^2),aT (m/s^2)\n" + rows)
    return path


@pytest.mark.parametrize(
    "write",
    [
        lambda s: f"{1_609_459_200 + s:.6f}",  # epoch seconds
        lambda s: f"{1_609_459_200_000 + round(s * 1e3)}",  # epoch ms integers
        lambda s: f"{1_609_459_200_000_000_000 + round(s * 1e9)}",  # epoch ns integers, beyond 2^53
    ],
    ids=["epoch_s", "epoch_ms", "epoch_ns"],
)
def test_a_physics_toolbox_time_column_of_epoch_stamps_is_read(tmp_path: Path, write: object) -> None:
    """REVIEW-211: a time column since 1970 (seconds, ms or ns) was a KeyError ('epoch_s') in the reader, on 7f60ccd4
    as on perf55r: the unit's factor is its relative unit's (as the generic reader takes it)."""
    assert callable(write)
    steps = np.cumsum(np.random.default_rng(4).uniform(0.004, 0.006, 2000))
    path = _physics_toolbox(tmp_path / "epoch.csv", [write(s) for s in steps])
    result = load_recording(path)
    t = result.session.t_s
    assert t[0] == 0.0 and 0.004 <= float(np.median(np.diff(t))) <= 0.006
    assert "epoch" in result.session.meta.extra["inferred_time_unit"]
    # EDGE-251: its first stamp is when the recording started, kept as the generic reader keeps it
    start = result.session.meta.start_time_utc
    assert start is not None and start.endswith("Z")
    started = datetime.fromisoformat(start.replace("Z", "+00:00")).timestamp()
    assert abs(started - (1_609_459_200 + float(steps[0]))) < 0.002  # its millisecond text


def test_a_physics_toolbox_time_column_from_its_start_claims_no_start_time(tmp_path: Path) -> None:
    """EDGE-251: seconds since the recording's start say nothing of the clock: no start time is made up."""
    steps = np.cumsum(np.random.default_rng(6).uniform(0.004, 0.006, 2000))
    result = load_recording(_physics_toolbox(tmp_path / "seconds.csv", [f"{s:.6f}" for s in steps]))
    assert result.session.meta.start_time_utc is None


def test_a_physics_toolbox_time_column_of_numbers_is_parsed_once_as_float64(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-213: PERF-127 in the reader itself (nothing failed with `_numbers_first` always False): a time column
    of numbers never goes through text_time_s; one of clock text does."""
    from retrogait.imports import physics_toolbox

    called: list[int] = []
    real = physics_toolbox.text_time_s

    def counted(values: object, decimal: str = ".") -> object:
        called.append(1)
        return real(values, decimal)  # type: ignore[arg-type]

    monkeypatch.setattr(physics_toolbox, "text_time_s", counted)
    steps = np.cumsum(np.random.default_rng(5).uniform(0.004, 0.006, 2000))
    load_recording(_physics_toolbox(tmp_path / "seconds.csv", [f"{s:.6f}" for s in steps]))
    assert called == []
    clock = [f"10:{int(s) // 60:02d}:{int(s) % 60:02d}:{int(s % 1 * 1000):03d}" for s in steps]
    load_recording(_physics_toolbox(tmp_path / "clock.csv", clock))
    assert called == [1]


@pytest.mark.parametrize("cells", [["-0", "5", "10"], ["3", "-0", "1"], ["-0.0", "5", ""], ["-0", "1.5"]])
def test_a_negative_zero_among_the_times_reads_as_the_text_path_gives_it(cells: list[str]) -> None:
    """REVIEW-212: pd.to_numeric reads a column of integers as int64 ("-0" -> +0.0), the C parser's float64 keeps
    the sign: such a column goes the text path (the same bits as text_time_s's, whichever path)."""
    source = _times("".join(f"{c},1\n" for c in cells))
    slow = read_table(source, numeric=["ax"], text=["time"])
    expected, _ = text_time_s(slow["time"])
    fast = read_table(source, numeric=["ax"], text=["time"], numbers_first=["time"])
    got = fast["time"].to_numpy() if fast["time"].dtype == np.float64 else text_time_s(fast["time"])[0]
    assert got.tobytes() == expected.tobytes()


def test_a_step_of_exactly_the_gap_limit_on_the_own_clock_is_interpolated_as_before() -> None:
    """REVIEW-213: the own clock's gap test is the general path's `<=` (a `<` mutant passed every test above)."""
    t = np.array([0.0, 1.0, 2.0, 4.5, 5.5, 9.0])  # steps 1, 1, 2.5 (the limit), 1, 3.5: exact in binary
    v = np.arange(18, dtype=np.float64).reshape(6, 3)
    got = interpolate_onto(t.copy(), Stream(t, v), 2.5, 0.5)
    assert got.tobytes() == _interpolated(t, v, 2.5, 0.5).tobytes()
    assert np.array_equal(got[2], v[2]) and np.isnan(got[4]).all()
