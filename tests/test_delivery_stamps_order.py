"""Packets stamped on delivery with what real files add: a row out of the stamps' order or a clock stepped back
(EDGE-157), an app's duplicated rows (EDGE-158), packets stamped with their first sample (EDGE-160), and a phone's
local clock across a daylight-saving change (EDGE-159). Regular clocks with jitter, a quantised sensor at rest and two
recordings joined keep their reading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.errors import InputFileError
from retrogait.imports import load_recording
from retrogait.rate import delivery_packets
from test_delivery_stamps import RATE_HZ, _delivered, _same_stamp, _true_times
from test_delivery_stamps_apps import _delivered as _app_delivered
from test_delivery_stamps_apps import _rewrite


def _table(path: Path, stamps: np.ndarray, acc: np.ndarray) -> Path:
    rows = "\n".join(f"{s:.9g},{x:.6f},{y:.6f},{z:.6f}" for s, (x, y, z) in zip(stamps, acc, strict=True))
    path.write_text(f"time_s,acc_x,acc_y,acc_z\n{rows}\n")
    return path


def _packet_stamps(kind: str, t: np.ndarray) -> np.ndarray:
    if kind == "same stamp":  # BLE packets of 4 on one arrival stamp (HONEST-27)
        return _same_stamp(t, np.random.default_rng(13))
    return _delivered(t, np.random.default_rng(3))  # Android batches of 10-40, 0.05 periods apart (EDGE-145)


@pytest.mark.parametrize(("kind", "where"), [("same stamp", 0), ("batches", 0), ("batches", -5)])
def test_one_row_out_of_order_in_packets_is_dropped_and_said(tmp_path, kind, where):
    """A packet's last row written after the next packet's first (where 0), or two rows of a batch swapped. Before:
    one swapped pair turned the packet rule off and the file was refused ('repeats the time before it in 75% of its
    rows' / 'steps too small for any unit'). The row that falls behind is dropped and counted, as on any clock."""
    t = _true_times()
    stamps = _packet_stamps(kind, t)
    k = int(np.flatnonzero(np.diff(stamps) > 0.003)[20]) + where
    order = np.arange(t.size)
    order[[k, k + 1]] = order[[k + 1, k]]
    result = load_recording(_table(tmp_path / "swapped.csv", stamps[order], samples.truth_acc_ms2(t)[order]))
    session = result.session
    assert session.t_s.size == t.size - 1
    assert result.report.dropped["row_time_not_increasing"] == 1
    assert session.meta.sample_rate_hz == pytest.approx(RATE_HZ, rel=0.01)
    kept = np.delete(t, k)  # sample k, stamped before sample k + 1 written above it
    assert float(np.max(np.abs(session.t_s - session.t_s[0] - (kept - t[0])))) < 0.003
    assert np.allclose(session.acc, np.delete(samples.truth_acc_ms2(t), k, axis=0), atol=1e-5)
    assert "stamped on delivery" in session.meta.extra["inferred_time_base"]
    assert any("1 row stamped before a time already read" in note for note in result.report.notes)


@pytest.mark.parametrize(("kind", "back_s"), [("same stamp", 0.03), ("batches", 0.3)])
def test_a_clock_stepped_back_between_packets_is_taken_out(tmp_path, kind, back_s):
    """The host's clock steps back 30 ms (an NTP correction) between two packets: the packet after is stamped before
    the one before, in no packet of the others. Before: the rule was off; packets of 4 on one stamp were read as 999 of
    4,000 samples at 50 Hz (the ties dropped as time going back) with no word of why, batches refused ('steps too
    small for any unit'). Dropping the rows behind (a first version) left the times after 10 ms off their clock and
    moved foot impacts by 27 %: the step is taken out, as if no sample was lost there. (A step back shorter than the
    step between two packets is not seen: the packet after is packed closer, EDGE-145's reading.)"""
    t = _true_times(8000)
    stamps = _packet_stamps(kind, t)
    at = int(np.flatnonzero(np.diff(stamps) > 0.003)[60]) + 1  # the first row of a packet
    stamps[at:] -= back_s  # more than a packet's step: the packet after is stamped before the one before
    result = load_recording(_table(tmp_path / "step.csv", stamps, samples.truth_acc_ms2(t)))
    session = result.session
    assert session.t_s.size == t.size and not result.report.dropped
    assert session.meta.sample_rate_hz == pytest.approx(RATE_HZ, rel=0.002)
    assert float(np.max(np.abs(session.t_s - session.t_s[0] - t))) < 0.003
    assert any("the clock stepped back" in note for note in result.report.notes)
    assert "step back of" in session.meta.extra["inferred_time_base"]


def test_two_packet_recordings_joined_stay_refused(tmp_path):
    """A guard: the time going back to the start (half the rows before times already read) is no row out of order."""
    t = _true_times()
    stamps = _packet_stamps("same stamp", t)
    joined = np.concatenate([stamps[:2000], stamps[:2000]])
    with pytest.raises(InputFileError, match="two recordings joined"):
        load_recording(_table(tmp_path / "joined.csv", joined, samples.truth_acc_ms2(t)))


@pytest.mark.parametrize("kind", ["same stamp", "batches"])
def test_a_short_recording_joined_at_the_end_is_no_clock_step(tmp_path, kind):
    """A second recording of 40 rows (0.5 % of the file, under EDGE-2's refusal) joined after the first, its time from
    its own start: packets of 4 on one stamp read it as the clock stepped back 4e+04 ms, taken out, and glued the other
    recording's rows on as samples after the first's end (8,040 samples). The stamps never caught up with the time
    already read before the file ended: no step to take out; its rows are dropped and counted as time going back, as
    batches already read them and as on any clock (EDGE-162)."""
    t = _true_times(8000)
    stamps = _packet_stamps(kind, t)
    acc = samples.truth_acc_ms2(t)
    joined = np.concatenate([stamps, stamps[:40] + 0.0007])
    result = load_recording(_table(tmp_path / "joined.csv", joined, np.concatenate([acc, acc[:40]])))
    assert result.session.t_s.size == t.size
    assert result.report.dropped["row_time_not_increasing"] == 40
    assert not any("taken out" in note for note in result.report.notes)


def _duplicated(n: int, share: float, seed: int = 1) -> np.ndarray:
    """Row indices with ``share`` of the rows written twice (each right after itself), none in the first 50: the
    first packet has no step before it to count its samples by, so a repeat in it is kept (EDGE-158)."""
    twice = np.random.default_rng(seed).choice(np.arange(50, n), int(share * n), replace=False)
    return np.sort(np.concatenate([np.arange(n), twice]))


@pytest.mark.parametrize("kind", ["same stamp", "batches"])
@pytest.mark.parametrize("share", [0.01, 0.04])
def test_an_apps_duplicated_rows_in_packets_are_dropped_and_counted(tmp_path, kind, share):
    """Before: every duplicate became a sample of its own (4,040 samples, the rate 1 % high, nothing said)."""
    t = _true_times()
    rows = _duplicated(t.size, share)
    acc = samples.truth_acc_ms2(t)
    result = load_recording(_table(tmp_path / "dup.csv", _packet_stamps(kind, t)[rows], acc[rows]))
    session = result.session
    extra = rows.size - t.size
    assert session.t_s.size == t.size
    assert result.report.dropped["row_time_not_increasing"] == extra
    assert float(np.max(np.abs(session.t_s - session.t_s[0] - t))) < 0.003
    assert np.allclose(session.acc, acc, atol=1e-5)
    assert f"{extra} rows written twice" in session.meta.extra["inferred_time_base"]
    assert any(f"{extra} rows written twice" in note for note in result.report.notes)


@pytest.mark.parametrize(("rate_hz", "late_s"), [(RATE_HZ, 0.001), (500.0, 0.003), (100.0, 0.0075)])
def test_a_quantised_sensor_at_rest_keeps_its_repeated_samples(tmp_path, rate_hz, late_s):
    """A guard: a coarse sensor at rest repeats its values on one packet stamp (over 1,000 rows equal to the row before
    in stamp and values), but each packet holds the samples its step gives: none is a duplicate. At 500 Hz with arrival
    stamps 0-3 ms late (1.5 periods) the steps cannot count the samples: no repeat is taken for a duplicate (without
    BURST_COUNT_SPREAD, 227 of 4,000 were dropped). At 100 Hz 0-7.5 ms late (a BLE connection interval, 0.75 periods)
    the median count is close (0.23 samples off) but a packet arriving over half a period earlier than the one before
    held a sample "too many": 53 real samples of 4,000 were dropped as written twice (EDGE-161)."""
    t = np.arange(4000) / rate_hz
    rng = np.random.default_rng(5)
    acc = np.round((np.array([0.0, 0.0, 9.81]) + rng.normal(0.0, 0.05, (t.size, 3))) / 0.3) * 0.3
    stamps = _same_stamp(t, np.random.default_rng(13), 4, late_s)
    repeats = int(np.sum((np.diff(stamps) == 0) & (np.diff(acc, axis=0) == 0).all(axis=1)))
    assert repeats > 1000
    result = load_recording(_table(tmp_path / "rest.csv", stamps, acc))
    assert result.session.t_s.size == t.size and not result.report.dropped
    assert float(np.max(np.abs(result.session.t_s - result.session.t_s[0] - t))) < late_s + 0.001
    said = any("kept as samples" in note for note in result.report.notes)
    assert said == (late_s * rate_hz >= 0.5)  # where the steps cannot count, the repeats kept are said


def test_a_regular_clock_with_duplicates_and_swaps_is_no_packets():
    """A guard: a 200 Hz clock with 3 ms jitter, 4 % of its rows written twice and 0.5 % swapped stays a clock."""
    t = _true_times()
    rng = np.random.default_rng(7)
    jittered = np.maximum.accumulate(t + rng.uniform(-0.003, 0.003, t.size))[_duplicated(t.size, 0.04)]
    swap = rng.choice(np.arange(1, jittered.size - 2, 2), 20, replace=False)
    jittered[swap], jittered[swap + 1] = jittered[swap + 1], jittered[swap].copy()
    assert delivery_packets(jittered) is None
    gap = np.concatenate([t[:2000], t[2000:] + 3.0])[_duplicated(t.size, 0.04)]
    assert delivery_packets(gap) is None


def _first_stamped(t: np.ndarray, lo: int, hi: int, seed: int = 3) -> np.ndarray:
    """Packets of ``lo``-``hi`` samples on one stamp: their first sample's time plus 0-2 ms."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(lo, hi + 1, t.size // lo + 1)
    first = np.cumsum(sizes) - sizes
    bunch = np.repeat(np.arange(sizes.size), sizes)[: t.size]
    return np.asarray(t[first[bunch]] + rng.uniform(0.0, 0.002, sizes.size)[bunch])


@pytest.mark.parametrize(
    ("lo", "hi", "rate_hz"), [(10, 40, RATE_HZ), (18, 22, RATE_HZ), (3, 6, RATE_HZ), (10, 40, 500.0)]
)
def test_packets_stamped_with_their_first_sample_are_re_timed_from_it(tmp_path, lo, hi, rate_hz):
    """Before: read as arrival stamps, 10-40 and 3-6 refused as 'no steady sample rate' (38 / 51 % agree) and 18-22
    read at 207.8 Hz with its samples up to 26 ms off; the steps between stamps hold the packet before's samples. At
    500 Hz the 0-2 ms stamp jitter is a period: the steps still count the packet before's samples far closer."""
    t = np.arange(round(20.0 * rate_hz)) / rate_hz
    result = load_recording(_table(tmp_path / "first.csv", _first_stamped(t, lo, hi), samples.truth_acc_ms2(t)))
    session = result.session
    assert session.t_s.size == t.size
    # at 500 Hz a packet stamped a period early is packed closer (501.6 Hz, as the same stamps on the last sample)
    assert session.meta.sample_rate_hz == pytest.approx(rate_hz, rel=0.002 if rate_hz < 300.0 else 0.005)
    err = session.t_s - session.t_s[0] - t
    assert float(np.max(np.abs(err - np.median(err)))) < 0.003
    assert "the first on its stamp" in session.meta.extra["inferred_time_base"]
    assert any("its first sample's" in note for note in result.report.notes)


def test_packets_of_one_size_stamped_first_cannot_be_told_and_need_not_be():
    """A guard: packets all of 4 give the same steps whichever sample is stamped, so they are read as arrivals; every
    time is then moved by the same 3 periods (a constant delay: the same analysis)."""
    t = _true_times()
    packets = delivery_packets(_first_stamped(t, 4, 4))
    assert packets is not None and not packets.stamp_first


def test_phyphox_batches_with_a_duplicate_and_a_swapped_row(tmp_path):
    """An app reader (common.read_stream) decides by the same rule: phyphox's batches of 10-40 with 3 rows written
    twice and one pair swapped. Before: refused ('time goes back' turned the rule off: 'two recordings joined'?) or
    read with the duplicates as samples."""
    folder = samples.phyphox_folder(tmp_path / "phyphox")
    path = folder / "Accelerometer.csv"
    t = samples.times()
    stamps = _app_delivered(t, 1, 10, 40, 0.05)
    head, *lines = [line for line in path.read_text().splitlines() if line.strip()]
    lines = [",".join([f"{s:.9E}", *line.split(",")[1:]]) for line, s in zip(lines, stamps, strict=True)]
    rows = np.arange(t.size)
    k = int(np.flatnonzero(np.diff(stamps) > 0.003)[5])  # a batch's last row, written after the next one's first
    rows[[k, k + 1]] = rows[[k + 1, k]]
    order = rows[np.sort(np.concatenate([np.arange(t.size), [k + 60, k + 90, k + 120]]))]
    path.write_text("\n".join([head, *(lines[i] for i in order)]) + "\n")
    result = load_recording(folder)
    assert result.session.t_s.size == t.size - 1
    assert result.report.dropped["acc_time_not_increasing"] == 4
    assert any("3 rows written twice" in note and "1 row stamped before" in note for note in result.report.notes)


def _polar_local(tmp_path: Path, start: str, jump_s: float, per_packet: bool) -> tuple[Path, np.ndarray]:
    """A Polar pair re-saved by a spreadsheet (its sensor ns rounded: timed by the phone's clock, EDGE-141) whose
    phone stamps (local time, no zone) jump ``jump_s`` 2 s in; per sample, or per BLE packet of 5-15."""
    acc_path = samples.polar_pair(tmp_path)
    t = samples.times(52.0)
    tg = samples.times(52.0, start_s=-0.01, duration_s=samples.DURATION_S + 0.05)
    base = np.datetime64(start, "ms")

    def phone(cells: list[str], s: float) -> list[str]:
        shown = s + (jump_s if s >= 2.0 else 0.0)
        return [str(base + np.timedelta64(round(shown * 1000.0), "ms")), "7.04202E+17", *cells[2:]]

    for path, times, seed in ((acc_path, t, 3), (Path(str(acc_path).replace("_ACC", "_GYRO")), tg, 4)):
        stamps = _app_delivered(times, seed, 5, 15, 0.0) if per_packet else times
        _rewrite(path, ";", phone, stamps)
    return acc_path, t


@pytest.mark.parametrize("per_packet", [False, True])
@pytest.mark.parametrize(("start", "jump_s"), [("2026-03-29T01:59:58", 3600.0), ("2026-10-25T02:59:58", -3600.0)])
def test_polars_phone_clock_across_a_daylight_saving_change_is_one_recording(tmp_path, per_packet, start, jump_s):
    """EDGE-159: Polar's phone timestamp is local text with a date and no zone, as EDGE-151's. Before: spring read
    3604 s long (an hour's gap), autumn refused as two recordings joined."""
    acc_path, t = _polar_local(tmp_path, start, jump_s, per_packet)
    result = load_recording(acc_path)
    session = result.session
    assert session.t_s.size == t.size
    assert float(session.t_s[-1] - session.t_s[0]) < samples.DURATION_S + 0.1
    assert any("a daylight-saving change" in note for note in result.report.notes)


def test_clock_text_with_a_date_column_beside_it_has_the_daylight_saving_check(tmp_path):
    """A guard for HONEST-28's words: `hh:mm:ss` text has no month, but a `date` column beside it gives one, and the
    spring hour is taken out (EDGE-151's check on the joined text)."""
    t = np.arange(6000) / 100.0
    acc = samples.truth_acc_ms2(t)
    shown = np.datetime64("2026-03-29T01:59:30", "ms") + np.round(
        (t + np.where(t >= 30.0, 3600.0, 0.0)) * 1000.0
    ).astype("timedelta64[ms]")
    text = shown.astype(str)
    rows = "\n".join(f"{s[:10]},{s[11:23]},{x:.5f},{y:.5f},{z:.5f}" for s, (x, y, z) in zip(text, acc, strict=True))
    path = tmp_path / "date_time.csv"
    path.write_text(f"date,time,acc_x,acc_y,acc_z\n{rows}\n")
    session = load_recording(path).session
    assert float(session.t_s[-1] - session.t_s[0]) == pytest.approx(59.99, abs=0.01)
    assert "jumps on 1 h" in session.meta.extra["inferred_local_clock_change"]
