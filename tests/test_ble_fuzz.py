"""Damaged notifications and phyphox replies (scripts/fuzz_ble.py runs the long version; here a bounded,
seeded slice of it and the cases it found, BLE-19 to BLE-22)."""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest

from retrogait.ble.emulator import encoders
from retrogait.ble.profiles.base import StreamInfo
from retrogait.ble.profiles.movesense import Movesense
from retrogait.ble.profiles.polar import PolarPmd
from retrogait.ble.profiles.polar.control_point import MEAS_ACC, MEAS_GYRO
from retrogait.ble.stream import StreamAssembler
from retrogait.ble.timing import Timed
from retrogait.conventions import STANDARD_GRAVITY_MS2 as G
from retrogait.live.phyphox import PhyphoxBuffers, PhyphoxStream, _after
from script_module import load_script

fuzz = load_script("fuzz_ble")


@pytest.mark.parametrize("name", [t.name for t in fuzz.targets()])
def test_fuzz_slice_finds_no_bug(name: str) -> None:
    """Every mutation once per profile, through decode and the assembler: no bug of any kind."""
    counts, bugs = fuzz.fuzz_profiles(len(fuzz.OPS), seed=3, only={name})
    assert bugs == []
    assert counts[f"{name} handled"] > 0


def test_fuzz_slice_phyphox_and_sig() -> None:
    counts, bugs = fuzz.fuzz_phyphox(2 * len(fuzz.PHYPHOX_OPS), seed=3)
    _, bugs_sig = fuzz.fuzz_sig(60, seed=3)
    assert bugs == [] and bugs_sig == []
    assert counts["phyphox handled"] > 0


def _run(asm: StreamAssembler, packets: list[bytes], arrivals: list[float]) -> Timed | None:
    out = None
    for t, p in zip(arrivals, packets, strict=True):
        out = Timed.join(out, asm.push([(t, p)], t))
    return Timed.join(out, asm.push([], arrivals[-1] + 5.0, final=True))


def _movesense() -> Movesense:
    m = Movesense(resource="IMU6")
    m.info = StreamInfo(104.0, None, None, has_gyro=True, has_clock=True)
    return m


def _movesense_stream(t0_ms: int, n_packets: int = 20) -> tuple[list[bytes], list[float]]:
    rng = np.random.default_rng(5)
    packets = [
        encoders.movesense_data(99, t0_ms + round(i * 4000 / 104), rng.normal(0, 9, (4, 3)), rng.normal(0, 90, (4, 3)))
        for i in range(n_packets)
    ]
    return packets, [50.0 + (i + 1) * 4 / 104 for i in range(n_packets)]


def test_movesense_clock_wrap_keeps_every_sample() -> None:
    """The uint32 ms clock wraps after 49.7 days of uptime: the stream goes on (BLE-19)."""
    m = _movesense()
    asm = StreamAssembler(m, m.info)  # type: ignore[arg-type]
    packets, arrivals = _movesense_stream(2**32 - 300)
    timed = _run(asm, packets, arrivals)
    assert timed is not None and timed.t_host_s.size == 80
    assert np.all(np.diff(timed.t_host_s) > 0) and timed.t_host_s[-1] - timed.t_host_s[0] < 1.0
    assert asm.stats.duplicates == 0 and asm.stats.lost_samples == 0


@pytest.mark.parametrize("first_ms", [0, 2**31 + 5, 2**32 - 1])
def test_a_damaged_first_timestamp_before_the_wrap_loses_only_its_packet(first_ms: int) -> None:
    """The first packet's clock damaged (to 0, or ahead) just before the uint32 wrap: the true times that
    follow lie before it modulo the wrap. They must not unwrap to negative keys, which mean unreadable:
    every packet but the damaged one is kept (fuzz_ble seed 3030, cases 11 and 68: 3 good packets lost)."""
    m = _movesense()
    asm = StreamAssembler(m, m.info)  # type: ignore[arg-type]
    packets, arrivals = _movesense_stream(2**32 - 300)
    bad = bytearray(packets[0])
    bad[2:6] = first_ms.to_bytes(4, "little")
    timed = _run(asm, [bytes(bad), *packets[1:]], arrivals)
    assert timed is not None and timed.t_host_s.size >= 80 - 4
    assert np.all(np.diff(timed.t_host_s) > 0)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 3e38, 200 * G])
def test_movesense_damaged_float_refuses_its_packet(value: float) -> None:
    """NaN, inf or a value no sensor range holds: the packet is malformed, not a row (BLE-20)."""
    packets, _ = _movesense_stream(1000, 3)
    bad = bytearray(packets[1])
    bad[6 + 4 * 7 : 6 + 4 * 8] = struct.pack("<f", value)
    out = _movesense().decode([packets[0], bytes(bad), packets[2]])
    assert out.malformed == 1 and out.packet_index.tolist() == [0, 2]
    assert np.isfinite(out.acc_ms2).all() and out.gyr_dps is not None and np.isfinite(out.gyr_dps).all()


def _polar(gyro: bool = False) -> PolarPmd:
    p = PolarPmd(model="verity_sense" if gyro else "h10")
    p.factor, p.with_gyro, p.key_streams = 8 / 32768, gyro, 2 if gyro else 1
    p.factor_gyr, p.gyr_range_dps = 2000 / 32768, 2000.0
    p.info = StreamInfo(52.0, 8.0, 2000.0 if gyro else None, has_gyro=gyro, has_clock=True)
    return p


def _polar_stream(n_packets: int = 16) -> tuple[list[bytes], list[float]]:
    rng = np.random.default_rng(2)
    counts = np.cumsum(rng.integers(-50, 51, (18 * n_packets, 3)), axis=0)
    t0 = 7 * 10**17
    packets = [
        encoders.polar_delta_frame(counts[18 * i : 18 * (i + 1)], t0 + (i + 1) * 18 * 10**9 // 52, MEAS_ACC)
        for i in range(n_packets)
    ]
    return packets, [20.0 + (i + 1) * 18 / 52 + 0.01 for i in range(n_packets)]


def test_polar_delta_frame_beyond_resolution_is_refused() -> None:
    """A damaged delta block sums to counts 16 bits cannot hold: the frame is malformed (BLE-20)."""
    packets, _ = _polar_stream(2)
    bad = bytearray(packets[1])
    bad[16], bad[17] = 32, 17  # 32-bit deltas: the block's length no longer matches ...
    bad = bad[:18] + bytes(4 * 3 * 17)  # ... unless the payload is made to match it, with zeros
    bad[18:22] = (2**30).to_bytes(4, "little")
    out = _polar().decode([packets[0], bytes(bad)])
    assert out.malformed == 1 and out.n_samples == 18
    assert np.abs(out.acc_ms2).max() <= 8 * G


def test_polar_float_gyro_nan_frame_is_refused() -> None:
    """A gyro 0x81 frame (float32) holding NaN: refused, not a row with an empty gyro (BLE-20)."""
    ts = 7 * 10**17
    nan_gyro = bytes([MEAS_GYRO]) + ts.to_bytes(8, "little") + bytes([0x81]) + struct.pack("<3f", math.nan, 1.0, 2.0)
    ok_gyro = nan_gyro[:10] + struct.pack("<3f", 0.5, 1.0, 2.0)
    assert _polar(gyro=True).decode([ok_gyro]).malformed == 0
    assert _polar(gyro=True).decode([nan_gyro]).malformed == 1


def _with_damaged_timestamp(frame: int, byte: int, flip: int) -> tuple[Timed | None, StreamAssembler, list[float]]:
    """The Polar stream with one bit of one frame's timestamp flipped, through the assembler:
    (rows, assembler, arrival times)."""
    packets, arrivals = _polar_stream()
    bad = bytearray(packets[frame])
    bad[byte] ^= flip
    packets[frame] = bytes(bad)
    p = _polar()
    asm = StreamAssembler(p, p.info)  # type: ignore[arg-type]
    return _run(asm, packets, arrivals), asm, arrivals


def test_damaged_timestamp_far_ahead_loses_only_its_packet() -> None:
    """A damaged high byte of one frame's timestamp: that frame is malformed, every other one is written
    at its time (before: rows hours away, and every later frame dropped as a duplicate; BLE-21)."""
    timed, asm, arrivals = _with_damaged_timestamp(5, 7, 0x40)
    assert timed is not None and timed.t_host_s.size == 15 * 18
    assert np.all(np.diff(timed.t_host_s) > 0) and timed.t_host_s[-1] < arrivals[-1] + 1.0
    assert asm.stats.malformed == 1


def test_damaged_first_timestamp_does_not_take_the_stream() -> None:
    """The very first frame is the damaged one: after three frames that agree with each other the
    clock restarts on them and the rest of the stream is written (BLE-21)."""
    timed, _, arrivals = _with_damaged_timestamp(0, 8, 0x01)
    assert timed is not None and timed.t_host_s.size >= 15 * 18
    assert np.all(np.diff(timed.t_host_s) > 0)
    assert timed.t_host_s.min() > arrivals[0] - 60 and timed.t_host_s.max() < arrivals[-1] + 60


BUFFERS = PhyphoxBuffers(("ax", "ay", "az"), "t", ("gx", "gy", "gz"), "tg")


def _reply(t: list[float]) -> dict[str, object]:
    buffer = {name: {"buffer": list(t), "updateMode": "partial"} for name in ("t", "ax", "ay", "az", "tg")}
    buffer.update({name: {"buffer": [0.1] * len(t), "updateMode": "partial"} for name in ("gx", "gy", "gz")})
    return {"buffer": buffer, "status": {"session": "s", "measuring": True}}


@pytest.mark.parametrize(
    "damage",
    [
        lambda r: ["not", "an", "object"],
        lambda r: {**r, "buffer": "nope"},
        lambda r: {**r, "status": 5},
        lambda r: {**r, "buffer": {**r["buffer"], "ax": 7}},
        lambda r: {**r, "buffer": {**r["buffer"], "ax": {"buffer": 3}}},
        lambda r: {**r, "buffer": {**r["buffer"], "ax": {"buffer": ["abc", 1.0, [], {}, True]}}},
        lambda r: {**r, "buffer": {**r["buffer"], "gx": {"buffer": [1e308, 1e308, 1e308, 1e308, 1e308]}}},
        # an integer no float holds (json reads 400 digits as an int), arrays of arrays of one length (REVIEW-114)
        lambda r: {**r, "buffer": {**r["buffer"], "ax": {"buffer": [1.03, 10**400, 1.05, 1.06, 1.07]}}},
        lambda r: {**r, "buffer": {**r["buffer"], "ax": {"buffer": [[1.0, 2.0]] * 5}}},
    ],
)
def test_phyphox_damaged_reply_is_counted_not_raised(damage: object) -> None:
    """A reply of the wrong shape is a malformed reply, never an exception that ends the recording (BLE-22)."""
    stream = PhyphoxStream(BUFFERS)
    stream.take(_reply([1.0, 1.01, 1.02]))
    with np.errstate(all="raise"):
        samples = stream.take(damage(_reply([1.03, 1.04, 1.05, 1.06, 1.07])))  # type: ignore[operator]
    assert samples.malformed == 1
    assert np.isfinite(samples.acc).all() and np.isfinite(samples.gyr).all()
    assert samples.acc.shape == (samples.acc_t.size, 3) and samples.gyr.shape == (samples.gyr_t.size, 3)
    assert not samples.restarted


def test_phyphox_times_back_and_forth_stay_increasing() -> None:
    t, _ = _after(np.array([1.0, 3.0, 2.0, 2.5, 4.0]), np.zeros((5, 3)), 0.0)
    assert t.tolist() == [1.0, 3.0, 4.0]
