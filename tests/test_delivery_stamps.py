"""Samples stamped on delivery (EDGE-145): a BLE host or phone stamps every sample of a packet of 10-40 with the
packet's arrival. The packets are found from the stamps, their samples re-timed evenly at the packets' rate with
none lost (and said so), or the file refused in one line where the packets give no steady rate; a regular clock
with jitter or a real gap is not mistaken for bursts."""

from __future__ import annotations

import numpy as np
import pytest

import import_samples as samples
from retrogait.errors import InputFileError
from retrogait.imports import load_recording
from retrogait.imports.base import GenericCsvOptions
from retrogait.rate import delivery_packets, retimed_packets

RATE_HZ = 200.0


def _true_times(n: int = 4000) -> np.ndarray:
    return np.arange(n) / RATE_HZ


def _delivered(t: np.ndarray, rng: np.random.Generator, lo: int = 10, hi: int = 40) -> np.ndarray:
    """Packets of ``lo``-``hi`` samples, each stamped with its arrival (0-2 ms after its last sample), the samples
    0.05 periods apart (Android sensor batching)."""
    n = t.size
    sizes = rng.integers(lo, hi + 1, n // lo + 1)
    first = np.cumsum(sizes) - sizes
    bunch = np.repeat(np.arange(sizes.size), sizes)[:n]
    last = np.minimum(first + sizes - 1, n - 1)
    arrival = t[last[bunch]] + rng.uniform(0.0, 0.002, sizes.size)[bunch]
    return np.asarray(arrival - (last[bunch] - np.arange(n)) * 0.05 / RATE_HZ)


def _csv(path, t_s: np.ndarray, time_unit_ms: bool = False):
    acc = samples.truth_acc_ms2(np.arange(t_s.size) / RATE_HZ)
    name, scale = ("time_ms", 1000.0) if time_unit_ms else ("time_s", 1.0)
    rows = "\n".join(f"{t * scale:.9g},{x:.6f},{y:.6f},{z:.6f}" for t, (x, y, z) in zip(t_s, acc, strict=True))
    path.write_text(f"{name},acc_x,acc_y,acc_z\n{rows}\n")
    return path


def _text_csv(path, t: np.ndarray, stamps: np.ndarray, start: str = "2026-03-29T10:00:00"):
    """A table of ``t``'s walk timed by ``stamps`` (s) written as ISO date-time text to the microsecond."""
    acc = samples.truth_acc_ms2(t)
    text = (np.datetime64(start, "us") + np.round(stamps * 1e6).astype("timedelta64[us]")).astype(str)
    rows = "\n".join(f"{s},{x:.6f},{y:.6f},{z:.6f}" for s, (x, y, z) in zip(text, acc, strict=True))
    path.write_text(f"time,acc_x,acc_y,acc_z\n{rows}\n")
    return path


@pytest.mark.parametrize("time_unit_ms", [False, True])
def test_packets_stamped_on_delivery_are_re_timed_at_their_rate(tmp_path, time_unit_ms):
    """Before: the median step (0.05 periods) read as 4 kHz, refused as 'steps too small for any unit'."""
    t = _true_times()
    path = _csv(tmp_path / "delivered.csv", _delivered(t, np.random.default_rng(3)), time_unit_ms)
    result = load_recording(path)
    session = result.session
    assert session.t_s.size == t.size  # nothing recorded lost
    assert session.meta.sample_rate_hz == pytest.approx(RATE_HZ, rel=0.01)
    assert np.all(np.diff(session.t_s) > 0)
    assert float(np.max(np.abs(session.t_s - t))) < 0.004  # within the delivery delay of the true times
    assert "stamped on delivery" in session.meta.extra["inferred_time_base"]
    assert any("stamped on delivery" in note for note in result.report.notes)


@pytest.mark.parametrize("within_s", [1e-5, 1e-3])
def test_bursts_with_no_steady_packet_rate_are_refused_in_one_line(tmp_path, within_s):
    """Packets whose arrivals give no steady rate: the samples' times cannot be told (before: 'steps too small' for
    stamps 0.01 ms apart within a packet, read at 1 kHz for stamps 1 ms apart)."""
    rng = np.random.default_rng(5)
    sizes = rng.integers(10, 41, 200)
    arrival = np.cumsum(rng.uniform(0.1, 0.6, sizes.size))  # 100-600 ms between packets of any size
    stamps = np.repeat(arrival, sizes) + np.concatenate([np.arange(s) for s in sizes]) * within_s
    with pytest.raises(InputFileError) as caught:
        load_recording(_csv(tmp_path / "bursts.csv", stamps))
    message = str(caught.value)
    assert "bursts.csv" in message and "bursts" in message and "--rate" in message and "\n" not in message


def test_jittered_clock_is_not_bursts(tmp_path):
    t = _true_times()
    rng = np.random.default_rng(7)
    jittered = np.maximum.accumulate(t + rng.uniform(-0.003, 0.003, t.size))
    assert delivery_packets(jittered) is None
    session = load_recording(_csv(tmp_path / "jitter.csv", jittered)).session
    assert "inferred_time_base" not in session.meta.extra


def test_real_gaps_are_not_bursts(tmp_path):
    t = _true_times()
    gap = t.copy()
    gap[t.size // 2 :] += 3.0  # the recording paused for 3 s
    assert delivery_packets(gap) is None
    lost = t[np.arange(t.size) % 50 >= 10]  # a BLE packet of 10 samples lost every 50
    assert delivery_packets(lost) is None
    session = load_recording(_csv(tmp_path / "gap.csv", gap)).session
    assert "inferred_time_base" not in session.meta.extra
    assert float(np.max(np.diff(session.t_s))) == pytest.approx(3.0 + 1.0 / RATE_HZ)


def test_re_timed_packets_keep_increasing_after_a_pause_and_a_late_packet():
    """A packet packed closer where its step from the one before holds fewer periods than samples; a pause stays."""
    t = _true_times(2000)
    stamps = _delivered(t, np.random.default_rng(11))
    stamps[1000:] += 2.0  # a pause of 2 s
    packets = delivery_packets(stamps)
    assert packets is not None and packets.steady
    retimed = retimed_packets(stamps, packets)
    assert retimed.size == stamps.size and np.all(np.diff(retimed) > 0)
    assert float(np.max(np.diff(retimed))) > 1.9


def _same_stamp(t: np.ndarray, rng: np.random.Generator, size: int = 4, late_s: float = 0.001) -> np.ndarray:
    """Packets of ``size`` samples, every sample stamped with its packet's arrival (0-``late_s`` after its last)."""
    bunch = np.arange(t.size) // size
    last = np.minimum((bunch + 1) * size - 1, t.size - 1)
    return np.asarray(t[last] + rng.uniform(0.0, late_s, bunch.max() + 1)[bunch])


def test_packets_of_four_on_one_arrival_stamp_are_re_timed(tmp_path):
    """HONEST-27: four samples on one stamp, the packets' arrivals jittering off any grid (a BLE host's stamps).
    Before: refused 'column time_s repeats the time before it in 75% of its rows' (HONEST-7)."""
    t = _true_times()
    stamps = _same_stamp(t, np.random.default_rng(13))
    result = load_recording(_csv(tmp_path / "same.csv", stamps))
    session = result.session
    assert session.t_s.size == t.size
    assert session.meta.sample_rate_hz == pytest.approx(RATE_HZ, rel=0.01)
    assert np.all(np.diff(session.t_s) > 0)
    true_from_first = t - t[0]
    assert float(np.max(np.abs(session.t_s - session.t_s[0] - true_from_first))) < 0.002  # the arrival jitter
    assert "packets of 4-4" in session.meta.extra["inferred_time_base"]
    assert any("stamped on delivery" in note for note in result.report.notes)


def test_equal_stamps_at_no_steady_rate_are_refused_naming_the_bursts(tmp_path):
    """Runs of 2-12 equal stamps whose arrivals give no steady rate: their samples' times cannot be told.
    Before: refused as 'repeats the time before it' (HONEST-7), not naming the unsteady packets."""
    rng = np.random.default_rng(17)
    sizes = rng.integers(2, 13, 400)
    stamps = np.repeat(np.cumsum(rng.uniform(0.01, 0.2, sizes.size)), sizes)
    with pytest.raises(InputFileError) as caught:
        load_recording(_csv(tmp_path / "irregular.csv", stamps))
    message = str(caught.value)
    assert "irregular.csv" in message and "no steady sample rate" in message and "--rate" in message
    assert "\n" not in message


def test_equal_stamps_on_one_grid_stay_refused_as_coarser_than_the_samples(tmp_path):
    """Four samples on each stamp and every stamp exactly 20 ms on from the one before: a clock coarser than its
    samples (or packets stamped without any arrival jitter) - where each sample lies cannot be told (HONEST-27)."""
    t = _true_times()
    stamps = (np.arange(t.size) // 4 * 4 + 3) / RATE_HZ
    with pytest.raises(InputFileError, match=r"repeats the time before it in 75% .*on one grid 0\.02 apart"):
        load_recording(_csv(tmp_path / "grid.csv", stamps))


def test_a_named_clock_with_jitter_or_a_pause_is_not_taken_for_equal_stamp_packets(tmp_path):
    """Regular stamps written to the ms at 200 Hz (some steps 0 after rounding) and a real pause stay a clock."""
    t = _true_times()
    rng = np.random.default_rng(19)
    rounded = np.round(np.maximum.accumulate(t + rng.uniform(-0.002, 0.002, t.size)), 3)
    rounded[t.size // 2 :] += 2.0
    session = load_recording(_csv(tmp_path / "clock.csv", rounded)).session
    assert "inferred_time_base" not in session.meta.extra
    assert session.t_s.size >= 0.95 * t.size


def test_date_time_text_of_four_samples_on_one_arrival_stamp_is_re_timed(tmp_path):
    """The same packets written as ISO text to the microsecond (a phone's own clock) - before: refused as
    'holds date-time text that repeats the time before it' (EDGE-135's coarse stamps)."""
    t = _true_times()
    stamps = _same_stamp(t, np.random.default_rng(23))
    session = load_recording(_text_csv(tmp_path / "text.csv", t, stamps)).session
    assert session.t_s.size == t.size
    assert session.meta.sample_rate_hz == pytest.approx(RATE_HZ, rel=0.01)
    assert "packets of 4-4" in session.meta.extra["inferred_time_base"]


@pytest.mark.parametrize("text", [False, True])
def test_a_named_time_column_on_one_grid_is_not_re_timed_as_deliveries(tmp_path, text):
    """Review of HONEST-27/EDGE-150 (EDGE-153): a 200 Hz clock truncated to 20 ms, named with --time-column, was read
    as packets 'stamped on delivery' (the generic reader's own copy of the rule, without HONEST-27's grid check) at
    203 Hz (float floor made packets of 3-5), its samples moved before their stamps. Named, a coarse clock's runs are
    HONEST-12's: spaced after their stamp, said, at the samples' own rate."""
    t = _true_times()
    stamps = np.floor(t * 50.0) / 50.0  # 4 samples on each stamp, every stamp on one 20 ms grid
    if text:
        base = np.datetime64("2026-05-01T10:00:00", "ms")
        cells = (base + np.round(stamps * 1e3).astype("timedelta64[ms]")).astype(str)
    else:
        cells = np.array([f"{s:.3f}" for s in stamps])
    acc = samples.truth_acc_ms2(t)
    rows = "\n".join(f"{c},{x:.6f},{y:.6f},{z:.6f}" for c, (x, y, z) in zip(cells, acc, strict=True))
    path = tmp_path / "grid_named.csv"
    path.write_text(f"time,acc_x,acc_y,acc_z\n{rows}\n")
    result = load_recording(path, generic=GenericCsvOptions(time_column="time"))
    session = result.session
    assert session.t_s.size == t.size
    assert session.meta.sample_rate_hz == pytest.approx(RATE_HZ, rel=0.002)
    assert "inferred_time_base" not in session.meta.extra
    assert not any("stamped on delivery" in note for note in result.report.notes)
    assert any("carry the stamp of the row before" in note for note in result.report.notes)
    assert float(np.max(np.abs(session.t_s - session.t_s[0] - t))) <= 1.0 / RATE_HZ + 1e-6


def test_date_time_text_of_batches_of_20_to_60_on_one_stamp_is_found_by_its_name(tmp_path):
    """Review of HONEST-27 (EDGE-156): Android batches of 20-60 samples on one arrival stamp, written as date-time
    text, were refused 'written to 0.113 s: coarser than the samples' although the same stamps as numbers are read:
    the text column's packets were looked for in its first 200 rows only (under 8 packets of 20-60)."""
    t = _true_times(6000)
    rng = np.random.default_rng(29)
    sizes = rng.integers(20, 61, t.size // 20 + 1)
    bunch = np.repeat(np.arange(sizes.size), sizes)[: t.size]
    last = np.minimum(np.cumsum(sizes) - 1, t.size - 1)
    stamps = t[last[bunch]] + rng.uniform(0.0, 0.002, sizes.size)[bunch]
    session = load_recording(_text_csv(tmp_path / "batches.csv", t, stamps, "2026-05-01T10:00:00")).session
    assert session.t_s.size == t.size
    assert session.meta.sample_rate_hz == pytest.approx(RATE_HZ, rel=0.01)
    assert "stamped on delivery" in session.meta.extra["inferred_time_base"]
    assert float(np.max(np.abs(session.t_s - session.t_s[0] - (t - t[0])))) < 0.004


def test_near_equal_stamps_exactly_on_a_grid_are_still_re_timed(tmp_path):
    """A guard for EDGE-153: packets of 4 whose samples are stamped 0.05 periods apart, the packets exactly 20 ms
    apart: the stamps tell the samples apart (no coarser clock), so they are re-timed, not read as 4 kHz."""
    t = _true_times()
    bunch = np.arange(t.size) // 4
    stamps = (bunch * 4 + 3) / RATE_HZ + (np.arange(t.size) - bunch * 4 - 3) * 0.05 / RATE_HZ
    result = load_recording(_csv(tmp_path / "near.csv", stamps))
    assert result.session.t_s.size == t.size
    assert result.session.meta.sample_rate_hz == pytest.approx(RATE_HZ, rel=0.002)
    assert "packets of 4-4" in result.session.meta.extra["inferred_time_base"]
