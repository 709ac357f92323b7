"""Pairing of separate acc and gyro streams when one stalls, the sensor clock restarts, or a packet is
malformed: every sample ends up once, as a row or as an unpaired sample, and rows pair the right twins."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.ble.emulator import encoders
from retrogait.ble.profiles.base import Decoded, StreamInfo
from retrogait.ble.profiles.metawear import MetaWear
from retrogait.ble.profiles.polar import STALL_HORIZON_S, PolarPmd
from retrogait.ble.sidefile import PlacedUnpaired
from retrogait.ble.stream import StreamAssembler
from retrogait.ble.timing import Timed
from retrogait.conventions import STANDARD_GRAVITY_MS2

G = STANDARD_GRAVITY_MS2
RATE_HZ = 52.0
FRAME = 13  # samples per Polar frame (0.25 s at 52 Hz)


def _polar() -> PolarPmd:
    profile = PolarPmd(model="verity_sense")
    profile.info = StreamInfo(RATE_HZ, 16.0, 2000.0, has_gyro=True, has_clock=True)
    profile.with_gyro, profile.key_streams = True, 2
    profile.factor, profile.factor_gyr = 16 / 32768, 2000 / 32768
    return profile


def _frame(k0: int, meas_type: int, clock_ns: int = 10**15, value0: int = 0) -> bytes:
    """A Polar frame of samples k0.. whose x (and -y) count is ``value0 + k``; sensor time k / rate."""
    k = np.arange(k0, k0 + FRAME)
    counts = np.column_stack([value0 + k, -(value0 + k), np.full(FRAME, 2048)])
    return encoders.polar_delta_frame(counts, clock_ns + round((k0 + FRAME - 1) * 1e9 / RATE_HZ), meas_type)


def _acc_index(profile: PolarPmd, acc: np.ndarray) -> np.ndarray:
    return np.rint(acc[:, 0] / (profile.factor * G)).astype(np.int64)


def _gyr_index(profile: PolarPmd, gyr: np.ndarray) -> np.ndarray:
    return np.rint(gyr[:, 0] / profile.factor_gyr).astype(np.int64)


def test_polar_stalled_gyro_is_decided_within_the_stall_horizon_and_its_late_samples_kept() -> None:
    profile = _polar()
    rows: list[Decoded] = []
    n_acc, n_gyr_live = round(60 * RATE_HZ), round(5 * RATE_HZ)  # 60 s of acc; gyro stalls after 5 s
    n_acc = n_acc - n_acc % FRAME
    worst_waiting = 0
    unpaired = []
    for k0 in range(0, n_acc, FRAME):
        frames = [_frame(k0, 2)] + ([_frame(k0, 5)] if k0 < n_gyr_live else [])
        rows.append(profile.decode(frames))
        unpaired += profile.take_unpaired()
        worst_waiting = max(worst_waiting, k0 + FRAME - sum(r.n_samples for r in rows))
    # nothing older than the stall horizon (plus the frame it arrived in) waits in memory: the acc
    # samples the stalled gyro leaves alone are rows with NaN gyro (REC-20), not held back
    assert worst_waiting <= (STALL_HORIZON_S * RATE_HZ) + 2 * FRAME
    assert not any(u.stream == "acc" for u in unpaired)
    # the gyro resumes with its buffered old samples (5-20 s), the acc goes on 5 s more, then the end
    for k0 in range(n_gyr_live, round(20 * RATE_HZ), FRAME):
        rows.append(profile.decode([_frame(k0, 5)]))
    for k0 in range(n_acc, n_acc + round(5 * RATE_HZ), FRAME):
        rows.append(profile.decode([_frame(k0, 2)]))
    profile.flush_pending()
    rows.append(profile.decode([]))
    unpaired += profile.take_unpaired()
    acc = np.concatenate([r.acc_ms2 for r in rows])
    gyr = np.concatenate([r.gyr_dps for r in rows if r.gyr_dps is not None])
    t = np.concatenate([r.sensor_time_s for r in rows if r.sensor_time_s is not None])
    assert np.all(np.diff(t) > 0)
    # every acc sample is a row, once; those of the first 5 s with their gyro twin, the rest with NaN
    acc_k = _acc_index(profile, acc)
    assert acc_k.tolist() == list(range(n_acc + round(5 * RATE_HZ) // FRAME * FRAME))
    has_gyr = np.isfinite(gyr).all(axis=1)
    assert np.array_equal(has_gyr, acc_k < n_gyr_live) and np.isnan(gyr[~has_gyr]).all()
    np.testing.assert_array_equal(acc_k[has_gyr], _gyr_index(profile, gyr[has_gyr]))
    # the resumed gyro samples' acc twins had passed the horizon: the gyro samples are unpaired, once
    gyr_k = np.concatenate([_gyr_index(profile, u.values) for u in unpaired if u.stream == "gyr"])
    assert sorted(gyr_k.tolist()) == list(range(n_gyr_live, round(20 * RATE_HZ) // FRAME * FRAME))


def test_polar_clock_restart_decides_waiting_samples_on_the_old_clock_first(monkeypatch: pytest.MonkeyPatch) -> None:
    profile = _polar()
    # frames whose continuity cannot be read wait out the reorder window (contiguous ones would not wait)
    monkeypatch.setattr(profile, "sample_span_s", lambda payload, key: None)
    stream = StreamAssembler(profile, profile.info)
    period_s = FRAME / RATE_HZ
    out: list[Timed | None] = []
    placed: list[PlacedUnpaired] = []
    # old clock: acc 0-519, gyro 0-441 (the gyro lags 6 frames when the sensor reboots)
    for i, k0 in enumerate(range(0, 520, FRAME)):
        items = [(100.0 + i * period_s, _frame(k0, 2))]
        if k0 < 442:
            items.append((100.0 + i * period_s + 0.01, _frame(k0, 5)))
        out.append(stream.push(items, now_s=items[-1][0] + 0.1))  # the newest frames stay in the reorder window
        placed += stream.take_unpaired()
    assert profile.has_pending() and stream._held, "samples wait for a partner, frames wait in the reorder window"
    stream.on_reconnect()
    # new clock from 1 s; values 5000+k tell the new samples apart
    restart_s = 100.0 + 40 * period_s + 3.0
    for i, k0 in enumerate(range(0, 260, FRAME)):
        items = [(restart_s + i * period_s + d, _frame(k0, m, 10**9, 5000)) for d, m in ((0.0, 2), (0.01, 5))]
        out.append(stream.push(items, now_s=items[-1][0] + 1.0, final=k0 == 247))
        placed += stream.take_unpaired()
    timed = [o for o in out if o is not None]
    t = np.concatenate([x.t_host_s for x in timed])
    acc = _acc_index(profile, np.concatenate([x.acc_ms2 for x in timed]))
    gyr_dps = np.concatenate([x.gyr_dps for x in timed if x.gyr_dps is not None])
    assert np.all(np.diff(t) > 0), "old-clock rows all come before new-clock rows"
    # acc 442-519 (their gyro never came) are rows with NaN gyro, decided on the OLD clock (REC-20)
    assert acc.tolist() == [*range(520), *range(5000, 5260)]
    has = np.isfinite(gyr_dps).all(axis=1)
    assert np.array_equal(~has, (acc >= 442) & (acc < 520)) and np.isnan(gyr_dps[~has]).all()
    np.testing.assert_array_equal(acc[has], _gyr_index(profile, gyr_dps[has]))
    assert placed == [] and stream.stats.acc_without_gyro == 78
    old_step = np.diff(t[(acc >= 400) & (acc < 520)])
    assert np.allclose(old_step, 1 / RATE_HZ, rtol=0.02), "the rows without gyro continue the old clock's grid"


def _metawear(rate_hz: float = 100.0) -> tuple[MetaWear, StreamAssembler]:
    profile = MetaWear()
    profile.with_gyro = True
    profile.gyr_range_dps = 2000.0
    profile.info = StreamInfo(rate_hz, 16.0, 2000.0, has_gyro=True, has_clock=False)
    return profile, StreamAssembler(profile, profile.info)


def test_metawear_malformed_packet_leaves_a_hole_instead_of_shifting_the_pairing() -> None:
    _, stream = _metawear()
    scale_acc, scale_gyr = 16 / 32768 * G, 1 / 16.4
    items = []
    for i in range(100):
        k = np.repeat(np.arange(3 * i, 3 * i + 3)[:, None], 3, axis=1)
        acc, gyr = encoders.metawear_packed(k, 0x1C, 0x03), encoders.metawear_packed(k, 0x07, 0x13)
        if i == 40:
            gyr = gyr[:14]  # a short gyro packet: its header still says "gyro"
        if i == 70:
            acc = acc + b"\x00"  # a malformed acc packet
        items += [(i * 0.03 + 0.002, acc), (i * 0.03 + 0.004, gyr)]
    out = [stream.push(items[j : j + 20], now_s=items[j][0], final=j == 180) for j in range(0, 200, 20)]
    timed = [o for o in out if o is not None]
    t = np.concatenate([x.t_host_s for x in timed])
    acc_k = np.rint(np.concatenate([x.acc_ms2 for x in timed])[:, 0] / scale_acc).astype(np.int64)
    gyr_k = np.rint(np.concatenate([x.gyr_dps for x in timed if x.gyr_dps is not None])[:, 0] / scale_gyr)
    has = np.isfinite(gyr_k)
    np.testing.assert_array_equal(acc_k[has], gyr_k[has])  # every row pairs twins, also after the bad packets
    # the acc half of the damaged gyro packet is a row with NaN gyro (REC-20), the gyro half is unpaired
    assert acc_k.tolist() == [k for k in range(300) if not 210 <= k < 213]
    assert acc_k[~has].tolist() == [120, 121, 122]
    assert np.all(np.diff(t) > 0)
    (gyr_half,) = stream.take_unpaired()
    assert gyr_half.stream == "gyr"
    np.testing.assert_array_equal(np.rint(gyr_half.values[:, 0] / scale_gyr), [210, 211, 212])
    # each half keeps its place in time: the rows around it are 4 sample periods apart, not compressed
    before, after = t[acc_k == 209][0], t[acc_k == 213][0]
    assert before < gyr_half.t_host_s[0] < gyr_half.t_host_s[-1] < after
    assert abs((after - before) - 4 / 100) < 0.005
    assert np.allclose(np.diff(t[(acc_k >= 119) & (acc_k <= 123)]), 1 / 100, atol=0.005)
    assert stream.stats.malformed == 2 and stream.stats.unpaired_kept == 3 and stream.stats.acc_without_gyro == 3


def test_metawear_acc_whose_gyro_went_with_the_link_is_rows_between_the_rows_before_and_after() -> None:
    """REC-20: acc triples waiting for a gyro twin when the link drops are rows with NaN gyro, returned
    by on_reconnect: after every row written before, before every row after; also when no row came yet."""
    _, stream = _metawear()
    scale_acc = 16 / 32768 * G

    def packets(i: int, gyro: bool) -> list[tuple[float, bytes]]:
        k = np.repeat(np.arange(3 * i, 3 * i + 3)[:, None], 3, axis=1)
        out = [(i * 0.03 + 0.002, encoders.metawear_packed(k, 0x1C, 0x03))]
        return out + ([(i * 0.03 + 0.004, encoders.metawear_packed(k, 0x07, 0x13))] if gyro else [])

    # the gyro never starts before the first link loss; then 20 pairs, 5 acc without gyro, a loss, 20 pairs
    timed = [stream.push([p for i in range(10) for p in packets(i, False)], now_s=0.3), stream.on_reconnect()]
    timed.append(stream.push([p for i in range(20, 40) for p in packets(i, True)], now_s=1.3))
    timed.append(stream.push([p for i in range(40, 45) for p in packets(i, False)], now_s=1.4))
    timed.append(stream.on_reconnect())
    timed.append(stream.push([p for i in range(60, 80) for p in packets(i, True)], now_s=2.5, final=True))
    rows = [x for x in timed if x is not None]
    t = np.concatenate([x.t_host_s for x in rows])
    acc_k = np.rint(np.concatenate([x.acc_ms2 for x in rows])[:, 0] / scale_acc).astype(np.int64)
    gyr = np.concatenate([x.gyr_dps for x in rows if x.gyr_dps is not None])
    assert np.all(np.diff(t) > 0)
    assert acc_k.tolist() == [*range(30), *range(60, 135), *range(180, 240)]
    assert np.array_equal(np.isnan(gyr).all(axis=1), (acc_k < 30) | ((acc_k >= 120) & (acc_k < 135)))
    assert stream.take_unpaired() == [] and stream.stats.acc_without_gyro == 45


def test_polar_rows_before_a_late_gyro_are_placed_when_they_were_sent_not_when_decided() -> None:
    """The gyro starts 1.5 s after the acc: the acc rows before it are decided only when the first gyro frame
    arrives. The clock's anchor is the smallest delay of the first rows (latency is never negative), not the
    first row with the arrival of the batch that decided it, which put every row of the recording ~1.5 s late
    and left the map to slew it back at 5 ms/s (REC-20 had made those rows; bench_live's Polar end to end
    median went +6 -> -58 ms)."""
    profile = _polar()
    asm = StreamAssembler(profile, profile.info)
    latency_s, gyro_from = 0.010, 78  # the gyro's first frame: sample 78 = 1.5 s
    rows: list[Timed] = []
    for k0 in range(0, 20 * FRAME, FRAME):
        arrival = (k0 + FRAME - 1) / RATE_HZ + latency_s  # host clock = sensor clock + latency
        frames = [_frame(k0, 2)] + ([_frame(k0, 5)] if k0 >= gyro_from else [])
        timed = asm.push([(arrival, f) for f in frames], arrival)
        if timed is not None:
            rows.append(timed)
    t = np.concatenate([r.t_host_s for r in rows])
    acc = np.concatenate([r.acc_ms2 for r in rows])
    sent = (_acc_index(profile, acc) // FRAME * FRAME + FRAME - 1) / RATE_HZ + latency_s  # its frame's arrival
    assert t.size >= 18 * FRAME and np.all(np.diff(t) > 0)
    assert float(np.max(t - sent)) <= 1.5 / RATE_HZ  # no row placed after its frame arrived (a sample's grid)


@pytest.mark.parametrize("last", ["none", "duplicate", "damaged"])
def test_polar_samples_waiting_for_their_gyro_are_rows_when_the_recording_ends(last: str) -> None:
    """LIVE-20: at the end every acc sample still waiting for its gyro partner is decided (a row with NaN
    gyro). When the last packets released were only a duplicate or a damaged frame, nothing reached the
    decoder and the waiting samples (the last frame) were never written."""
    profile = _polar()
    asm = StreamAssembler(profile, profile.info, reorder_window_s=0.3)
    items = []
    for i in range(4):  # acc frames 0-3; gyro frames 0-2: the last acc frame waits for its partner
        items.append((100.0 + 0.25 * i, _frame(i * FRAME, 2)))
        if i < 3:
            items.append((100.01 + 0.25 * i, _frame(i * FRAME, 5)))
    rows = [asm.push(items, now_s=102.0)]
    assert profile.has_pending()
    final = {"none": [], "duplicate": [_frame(2 * FRAME, 2)], "damaged": [_frame(3 * FRAME, 2)[:9] + b"\x7f"]}
    rows.append(asm.push([(102.1, p) for p in final[last]], now_s=102.2, final=True))
    acc = np.concatenate([r.acc_ms2 for r in rows if r is not None])
    gyr = np.concatenate([r.gyr_dps for r in rows if r is not None and r.gyr_dps is not None])
    assert _acc_index(profile, acc).tolist() == list(range(4 * FRAME)) and not profile.has_pending()
    assert np.isnan(gyr[3 * FRAME :]).all() and np.isfinite(gyr[: 3 * FRAME]).all()
    assert asm.stats.duplicates + asm.stats.malformed == (last != "none")
