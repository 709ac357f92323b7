"""Clock mapping, gap accounting and de-duplication of the stream assembler, without Bluetooth."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.ble.emulator import encoders
from retrogait.ble.emulator.peripherals import acc_counts, index_from_counts
from retrogait.ble.profiles.base import StreamInfo
from retrogait.ble.profiles.metawear import MetaWear
from retrogait.ble.profiles.movesense import Movesense
from retrogait.ble.profiles.polar import PolarPmd
from retrogait.ble.stream import StreamAssembler
from retrogait.ble.timing import ClockMap, theil_sen_slope
from retrogait.conventions import STANDARD_GRAVITY_MS2


def test_clock_map_estimates_drift_and_stays_monotonic() -> None:
    rng = np.random.default_rng(3)
    clock = ClockMap()
    drift = 150e-6  # the host sees the sensor clock run 150 ppm slow
    sensor = np.arange(0, 120, 0.05)
    host = 1000.0 + sensor * (1 + drift) + rng.exponential(0.015, sensor.size)  # latency is never negative
    mapped = []
    for i in range(0, sensor.size, 10):
        clock.observe(sensor[i : i + 10], host[i : i + 10])
        mapped.append(clock.map(sensor[i : i + 10]))
    m = np.concatenate(mapped)
    assert abs(clock.drift - drift) < 30e-6
    assert np.all(np.diff(m) > 0)
    late = host[-200:] - m[-200:]
    assert 0 <= np.median(late) < 0.03  # mapped near the lower envelope of the arrivals


def test_theil_sen_slope_is_scipys() -> None:
    from scipy.stats import theilslopes

    rng = np.random.default_rng(5)
    x = np.round(rng.uniform(0, 50, 301), 1)  # ties in x are left out of the pairs, as scipy does
    y = 2e-4 * x + rng.exponential(0.01, x.size)
    assert theil_sen_slope(x, y) == theilslopes(y, x)[0]


def test_clock_map_fits_the_pairs_of_its_window() -> None:
    """Pairs older than ``window_s`` are forgotten; the drift is the Theil-Sen slope of the kept ones
    (every k-th of them when more than 300), re-estimated every ``refit_every_s``."""
    from scipy.stats import theilslopes

    rng = np.random.default_rng(4)
    clock = ClockMap(window_s=30.0)
    sensor = np.arange(0, 100, 1 / 26)  # one pair per packet, 26 packets/s
    host = sensor * (1 + 80e-6) + rng.exponential(0.01, sensor.size)
    for i in range(sensor.size):
        clock.observe(sensor[i : i + 1], host[i : i + 1])
    fitted = clock._last_fit_s
    kept = (sensor >= fitted - 30.0) & (sensor <= fitted)
    step = max(1, int(kept.sum()) // 300)
    expected = theilslopes(host[kept][::step], sensor[kept][::step])[0] - 1.0
    assert clock.drift == pytest.approx(expected, abs=1e-15)


def _polar_stream(rate: float = 416.0) -> tuple[PolarPmd, StreamAssembler]:
    profile = PolarPmd(model="verity_sense")
    profile.info = StreamInfo(rate, 16.0, None, has_gyro=False, has_clock=True)
    profile.factor = 16 / 32768
    return profile, StreamAssembler(profile, profile.info)


def _frame(k0: int, n: int = 24, rate: float = 416.0) -> bytes:
    k = np.arange(k0, k0 + n)
    return encoders.polar_delta_frame(acc_counts(k, 2048.0), 10**15 + round((k0 + n - 1) * 1e9 / rate))


def _indices(acc: np.ndarray) -> np.ndarray:
    c = np.rint(acc / STANDARD_GRAVITY_MS2 * 2048).astype(np.int64)
    return index_from_counts(c[:, 0], c[:, 1])


def test_gap_duplicate_and_replay_after_reconnect() -> None:
    _, stream = _polar_stream()
    period = 24 / 416
    ks = [0, 24, 48, 48, 72, 168, 192, 144, 216]  # a duplicate, a lost stretch (96-143), 144 out of order
    items = [(i * period, _frame(k)) for i, k in enumerate(ks)]
    out = [stream.push(items[:5], now_s=1.0), stream.push(items[5:], now_s=100.0, final=False)]
    stream.on_reconnect()
    out.append(stream.push([(100.0, _frame(192)), (100.1, _frame(240))], now_s=200.0, final=True))  # replayed 192
    timed = [o for o in out if o is not None]
    idx = _indices(np.concatenate([t.acc_ms2 for t in timed]))
    t = np.concatenate([t.t_host_s for t in timed])
    assert np.all(np.diff(t) > 0)
    assert np.unique(idx).size == idx.size
    assert set(idx) == set(range(0, 96)) | set(range(144, 264)), "every sample once, in order"
    assert stream.stats.duplicates == 2  # the repeated frame 48 and the replayed 192 (packets)
    assert stream.stats.gaps >= 1 and stream.stats.lost_samples >= 48
    step = np.diff(t)
    assert step.max() > 40 / 416  # the lost stretch stays a gap in time


def test_unclocked_stream_measures_the_gap_of_a_reconnect() -> None:
    profile = MetaWear()
    profile.info = StreamInfo(100.0, 16.0, None, has_gyro=False, has_clock=False)
    stream = StreamAssembler(profile, profile.info)
    packets = []
    for i in range(200):
        k = np.arange(3 * i, 3 * i + 3)
        arrival = 3 * i / 100 + (2.0 if i >= 100 else 0.0) + 0.05 * (i == 50)  # down 2 s; one late packet
        packets.append((arrival, encoders.metawear_packed(acc_counts(k, 2048.0))))
    out = []
    for i in range(0, 200, 10):
        if i == 100:
            stream.on_reconnect()
        out.append(stream.push(packets[i : i + 10], now_s=packets[i][0]))
    t = np.concatenate([o.t_host_s for o in out if o is not None])
    assert t.size == 600 and np.all(np.diff(t) > 0)
    assert stream.stats.gaps == 1
    assert abs(stream.stats.lost_samples - 200) <= 3
    assert abs(t[300] - t[299] - 2.01) < 0.05


def _movesense_stream(rate: float = 208.0) -> tuple[Movesense, StreamAssembler]:
    profile = Movesense()
    profile.resource = "IMU6"
    profile.info = StreamInfo(rate, None, None, has_gyro=True, has_clock=True)
    return profile, StreamAssembler(profile, profile.info)


def _movesense_packet(k0: int, n: int = 8, rate: float = 208.0) -> bytes:
    k = np.arange(k0, k0 + n)
    acc = acc_counts(k, 2048.0) / 2048.0 * STANDARD_GRAVITY_MS2
    return encoders.movesense_data(1, round(k0 * 1000 / rate), acc, np.zeros((n, 3)))


@pytest.mark.parametrize("kind", ["movesense", "polar"])
def test_a_packet_that_continues_its_stream_is_written_at_once_a_hole_waits(kind: str) -> None:
    """BLE-17: live feedback must not wait out the reorder window for every packet; only a packet after a
    hole (a swapped or lost one) waits for it. Nothing is lost or written twice."""
    if kind == "movesense":
        _, stream = _movesense_stream()
        packet, n, rate = _movesense_packet, 8, 208.0
    else:
        _, stream = _polar_stream()
        packet, n, rate = _frame, 24, 416.0
    stream.reorder_window_s = 0.03
    period = n / rate
    got: list[np.ndarray] = []

    def push(arrival: float, k0: int | None) -> int:
        items = [(arrival, packet(k0))] if k0 is not None else []
        timed = stream.push(items, now_s=arrival)  # handled the moment it arrives
        if timed is None:
            return 0
        got.append(_indices(timed.acc_ms2))
        return int(timed.t_host_s.size)

    assert push(1.0, 0) == 0, "a connection's first packet waits: there is nothing it continues"
    assert push(1.0 + period, n) == 2 * n, "the first, older than the window, and the second, which continues it"
    assert push(1.0 + 2 * period, 2 * n) == n, "in order: written at once"
    assert push(1.0 + 3 * period, 4 * n) == 0, "after a hole (packet 3 still in flight): waits"
    assert push(1.0 + 3 * period + 0.001, 3 * n) == 2 * n, "the late packet fills the hole: both written"
    assert push(1.0 + 5 * period, 6 * n) == 0, "packet 5 lost: the next waits for the window"
    assert push(1.0 + 5 * period + 0.031, None) == n
    idx = np.concatenate(got)
    assert idx.tolist() == [k for k in range(7 * n) if not 5 * n <= k < 6 * n], "each once, in order"
    assert stream.stats.lost_samples == n and stream.stats.gaps == 1
