"""The sample rate of a recording: one robust definition for every part of retrogait (docs/conventions.md).

A rate is measured as samples per second over the recording's regular intervals (count / span, so a
phone that delivers samples in bursts around its nominal rate gets its true rate, not the most common
interval's), leaving out intervals longer than ``GAP_INTERVALS`` typical ones (the recording stopped).
The header's nominal rate is used whenever the timestamps agree with it within ``RATE_TOLERANCE``:
float timestamps of an hour at 200 Hz give 1 / median interval = 199.9999999998 Hz, and that is 200 Hz.
Rates are compared with a requirement (200 Hz for impacts, 20 Hz for gait) with the same tolerance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

#: Two rates closer than this (relative) are the same rate: clock drift and timestamp rounding.
RATE_TOLERANCE = 0.01
#: An interval longer than this many typical intervals is a pause in the recording, not sampling.
GAP_INTERVALS = 3.0
#: A steady clock: at least STEADY_SHARE of its intervals lie within STEADY_SPREAD typical intervals of a whole
#: number of them (lost samples are whole periods). On it an interval longer than STEADY_GAP_INTERVALS typical
#: ones has lost a sample (HONEST-2).
STEADY_SHARE = 0.9
STEADY_SPREAD = 0.25
STEADY_GAP_INTERVALS = 1.5
#: ... and at least STEADY_SINGLE of them are one typical interval.
STEADY_SINGLE = 0.8
#: On an irregular clock (bursts) the longest regular interval is this percentile of the intervals.
REGULAR_PERCENTILE = 95.0


@dataclass(frozen=True)
class MeasuredRate:
    """How :func:`measured_rate` took a rate: ``hz`` (samples per second, NaN where none) is ``regular_steps``
    intervals over their ``regular_s`` seconds, of the timestamps' ``steps`` advancing intervals; the others are
    gaps (a lost sample, a pause). ``median_step_s`` (s) is the typical interval (1 / it: the most common rate,
    what a time unit is told from)."""

    hz: float
    steps: int
    regular_steps: int
    regular_s: float
    median_step_s: float

    def words(self) -> str:
        """``221.87 Hz: the mean rate of the stamps, 37,668 steps over 169.78 s (the median step would make 205.5
        Hz)``: the rate and how it was taken, the gaps left out named (HONEST-32)."""
        gaps = self.steps - self.regular_steps
        left_out = f", {gaps:,} longer ones left out as gaps" if gaps else ""
        return (
            f"{self.hz:.6g} Hz: the mean rate of the stamps, {self.regular_steps:,} steps over {self.regular_s:.6g} s"
            f"{left_out} (the median step would make {1.0 / self.median_step_s:.4g} Hz)"
        )


def measured_rate(t_s: NDArray[np.float64]) -> MeasuredRate:
    """The rate of :func:`measured_rate_hz` with how it was taken (:class:`MeasuredRate`)."""
    steps = np.diff(np.asarray(t_s, dtype=np.float64))
    steps = steps[np.isfinite(steps) & (steps > 0)]
    if steps.size == 0:
        return MeasuredRate(float("nan"), 0, 0, 0.0, float("nan"))
    typical = float(np.median(steps))
    if _steady(steps, typical):
        regular = steps[steps <= STEADY_GAP_INTERVALS * typical]
    else:  # bursts: the interval after a burst of 4 stamped a quarter period apart is 3.25 typical ones
        regular = steps[steps <= GAP_INTERVALS * max(typical, float(np.percentile(steps, REGULAR_PERCENTILE)))]
    span = float(regular.sum())
    return MeasuredRate(float(regular.size / span), int(steps.size), int(regular.size), span, typical)


def measured_rate_hz(t_s: NDArray[np.float64]) -> float:
    """Samples per second (Hz) over the regular intervals of the timestamps ``t_s`` (s, increasing);
    NaN with fewer than two samples or timestamps that do not advance.

    On a steady clock (STEADY_SHARE of the intervals within STEADY_SPREAD of a whole number of typical
    ones) the intervals longer than STEADY_GAP_INTERVALS typical ones are left out:
    a lost sample or BLE packet, whose interval holds two periods and would otherwise count as one
    (1 % single samples lost read 1 % slow, and the whole recording was resampled off its samples). On
    any other clock (bursts, jitter) those longer than GAP_INTERVALS times the longer of the typical
    (median) and the longest regular interval (REGULAR_PERCENTILE) are pauses: a burst of 4 stamped a
    quarter period apart is followed by 3.25 typical intervals, and a phone delivering 200 Hz in bursts
    (Physics Toolbox: 0.3 ms within, up to 46 ms between) is no 329 Hz sensor with 36 s of pauses."""
    return measured_rate(t_s).hz


def _steady(steps: NDArray[np.float64], typical: float) -> bool:
    """True when STEADY_SHARE of the intervals ``steps`` (s, > 0) lie within STEADY_SPREAD typical ones of a
    whole number (one or more) of ``typical``, and STEADY_SINGLE of one: a steady clock, some of whose
    samples were lost."""
    one = float(np.count_nonzero(np.abs(steps - typical) <= STEADY_SPREAD * typical)) / steps.size
    if one >= max(STEADY_SHARE, STEADY_SINGLE):  # most clocks: decided in one pass (the same answer)
        return True
    if one < STEADY_SINGLE:
        return False
    ratio = steps / typical
    whole = np.rint(ratio)
    near = np.abs(ratio - whole) <= STEADY_SPREAD
    # most intervals are one period: bursts of 4 stamped a quarter period apart are whole quarter periods
    # too (1, 1, 1, 13), on a clock that would have lost 12 of every 16 samples
    return (
        float(np.mean(near & (whole >= 1.0))) >= STEADY_SHARE and float(np.mean(near & (whole == 1.0))) >= STEADY_SINGLE
    )


def steady_clock(t_s: NDArray[np.float64]) -> bool:
    """True when the timestamps ``t_s`` (s, increasing) tick steadily: STEADY_SHARE of their intervals within
    STEADY_SPREAD of the typical one (lost samples aside); False for bursts and jitter of a large part of
    a period."""
    steps = np.diff(np.asarray(t_s, dtype=np.float64))
    steps = steps[np.isfinite(steps) & (steps > 0)]
    return bool(steps.size) and _steady(steps, float(np.median(steps)))


def recording_rate_hz(t_s: NDArray[np.float64], nominal_hz: float | None, measured_hz: float | None = None) -> float:
    """The rate of a recording (Hz): ``nominal_hz`` (the header's) when the timestamps agree with it within
    RATE_TOLERANCE, else the measured rate (``measured_hz``: :func:`measured_rate_hz` of ``t_s``, where taken)."""
    measured = measured_rate_hz(t_s) if measured_hz is None else measured_hz
    if nominal_hz is None or not (math.isfinite(nominal_hz) and nominal_hz > 0):
        return measured
    if math.isfinite(measured) and not same_rate(measured, nominal_hz):
        return measured
    return float(nominal_hz)


def same_rate(a_hz: float, b_hz: float) -> bool:
    """True when two rates differ by no more than RATE_TOLERANCE (relative to the second)."""
    return abs(a_hz / b_hz - 1.0) <= RATE_TOLERANCE


def meets_rate(rate_hz: float, required_hz: float) -> bool:
    """True when ``rate_hz`` reaches ``required_hz`` within RATE_TOLERANCE (199.9999 Hz meets 200 Hz)."""
    return rate_hz >= required_hz * (1.0 - RATE_TOLERANCE)


#: Samples per block whose median distance from its slot tracks the clock (order_slots) ...
ORDER_BLOCK = 64
#: ... and the blocks' medians lie within this many periods of one line when no sample was lost or added
#: (a lost sample moves every later one by a whole period).
ORDER_DRIFT_PERIODS = 0.3
#: No stamp lies further than this many periods from its slot (a pause is not jitter).
ORDER_MAX_PERIODS = 3.0


def order_slots(t: NDArray[np.float64], fs_hz: float) -> tuple[float, NDArray[np.int64]] | None:
    """(start s, slot of each sample) when the stamps ``t`` are a uniform ``fs_hz`` clock's samples in order
    with none lost or added, delivered with jitter or in bursts of more than half a period: sample k on
    slot k; else None (HONEST-9).

    Stamped k periods after the first, sample k lies at a distance from slot k that jitter and bursts
    move by up to ORDER_MAX_PERIODS but whose median over a block of ORDER_BLOCK samples stays on one line
    (the clock's phase and its drift off ``fs_hz``); a lost sample moves every later block's median by a
    whole period, an added one by minus one, and the samples are then left where stamped. The clock's
    phase is the stamps' median: a constant delivery delay cannot be seen and stays in every time."""
    n = t.size
    if n < 4 * ORDER_BLOCK:
        return None
    r = (t - t[0]) * fs_hz - np.arange(n, dtype=np.float64)  # periods from slot k, stamped at t[0] + k periods
    blocks = n // ORDER_BLOCK
    med = np.median(r[: blocks * ORDER_BLOCK].reshape(blocks, ORDER_BLOCK), axis=1)
    centre = (np.arange(blocks) + 0.5) * ORDER_BLOCK - 0.5
    slope, offset = np.polyfit(centre, med, 1)
    if float(np.max(np.abs(med - (offset + slope * centre)))) > ORDER_DRIFT_PERIODS:
        return None
    line = offset + slope * np.arange(n)
    if float(np.max(np.abs(r - line))) > ORDER_MAX_PERIODS:
        return None
    return float(t[0] + offset / fs_hz), np.arange(n, dtype=np.int64)


#: Stamped on delivery (EDGE-145): a BLE host or phone stamps each packet of samples with its arrival time (or the
#: packet's samples a small part of a period apart). A packet ends where the step to the next stamp is longer than
#: BURST_JUMP times the median step (any step, where the median step is 0: equal stamps) ...
BURST_JUMP = 4.0
#: ... there are at least BURST_MIN_PACKETS packets, of BURST_MIN_SIZE samples or more (median) ...
BURST_MIN_PACKETS = 8
BURST_MIN_SIZE = 3
#: ... the median step inside a packet is under BURST_WITHIN of the sample period the packets give ...
BURST_WITHIN = 0.25
#: ... and, for the packets to be re-timed, BURST_STEADY_SHARE of them give that period within BURST_PERIOD_SPREAD
#: (relative): a sensor sampling steadily whose delivery alone is bursty (a lost packet or a pause gives a longer one).
BURST_STEADY_SHARE = 0.8
BURST_PERIOD_SPREAD = 0.25


#: Rows out of stamp order in a packet file (EDGE-157): where no more than BURST_MAX_BEHIND of the rows are stamped
#: before a time already read (a row the app wrote late, or the clock stepped back), the packets are found in the
#: stamps' order and those rows are dropped and counted, as on any clock (EDGE-2: the same share splits a few rows out
#: of order from two recordings joined, which stay refused).
BURST_MAX_BEHIND = 0.01
#: A row repeating the row before (its stamp and every value) is an app's duplicate where its packet holds more samples
#: than the stamps' step gives it by at least BURST_EXTRA_SAMPLES (EDGE-158): a sensor at rest on a coarse grid repeats
#: its values too, but its packet holds the samples its step gives (within the arrival jitter, under half a period).
BURST_EXTRA_SAMPLES = 0.5
#: ... where the packets without a repeat (BURST_MIN_PACKETS of them at least) count their samples within
#: BURST_COUNT_SPREAD (median, samples): an arrival jitter of a large part of a period blurs the count, and then no
#: repeat is told a duplicate; nor where one of them is BURST_EXTRA_SAMPLES off (EDGE-161).
BURST_COUNT_SPREAD = 0.25
#: Packets are stamped with their first sample (EDGE-160) where the steps between stamps count the packet before's
#: samples within this share of the distance they lie from the packet after's (median, in samples).
BURST_END_RATIO = 0.5


@dataclass(frozen=True)
class Packets:
    """Samples delivered in packets: the index of each packet's last sample, each packet's size (samples), the
    sample period the packets give (in the stamps' unit) and the share of packets that give it (BURST_PERIOD_SPREAD).

    ``rows``: the rows (file order indices) the packets are made of, in the stamps' order, without an app's duplicated
    rows; None where that is every row in file order (``last`` indexes ``t[rows]``); ``apart``: rows stamped before a
    time already read in no packet (EDGE-157). ``behind``: rows stamped before a time already read (dropped by the
    readers), ``back`` the furthest one behind (the stamps' unit);
    ``duplicates``: rows written twice left out (EDGE-158), ``undecided`` rows repeating the row before kept where the
    steps cannot count the packets' samples; ``stamp_first``: each packet stamped with its first sample,
    not its last (EDGE-160); ``step_at``: the row from which the clock's step back of ``step_back`` was taken out (-1:
    none, EDGE-157)."""

    last: NDArray[np.int64]
    size: NDArray[np.int64]
    period: float
    steady_share: float
    rows: NDArray[np.int64] | None = None
    apart: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    behind: int = 0
    back: float = 0.0
    duplicates: int = 0
    undecided: int = 0
    stamp_first: bool = False
    step_at: int = -1
    step_back: float = 0.0

    @property
    def steady(self) -> bool:
        """True when BURST_STEADY_SHARE of the packets give the period: re-timing them is the right reading."""
        return self.steady_share >= BURST_STEADY_SHARE

    def stamps(self, t: NDArray[np.float64]) -> NDArray[np.float64]:
        """The stamps ``t`` of the packets' rows, in the order the packets read them, a clock's step back taken out."""
        if self.step_at >= 0:
            t = t.copy()
            t[self.step_at :] += self.step_back
        return t if self.rows is None else t[self.rows]


def delivery_packets(
    t: NDArray[np.float64], repeat: NDArray[np.bool_] | None = None, step_out: bool = True
) -> Packets | None:
    """The packets of stamps ``t`` (any unit, finite) stamped on delivery: runs of equal or near-equal stamps (the
    median step inside a run under BURST_WITHIN of a sample period) separated by jumps of about a packet's samples'
    worth of periods; None for any other clock (a regular one with jitter or gaps: its median step is a period, its few
    long steps pauses), or where more than BURST_MAX_BEHIND of the rows are stamped before a time already read.

    Packet k's period is the step from packet k-1's stamp to its own over its size (arrival stamps: its samples were
    taken in between; or over packet k-1's size where the packets are stamped with their first sample, EDGE-160); the
    period is their total over the packets that agree with the median one. Rows stamped before a time already read
    are taken in the stamps' order (EDGE-157); where a packet's stamps lie before a time already read and in no packet
    of the others, the clock stepped back: taken out (``step_out``, :func:`_clock_back`). ``repeat``: the rows equal
    to the row before in their stamp and every value; those in a packet holding more samples than its step gives are an
    app's duplicates, left out (EDGE-158)."""
    n = t.size
    if n < BURST_MIN_PACKETS * BURST_MIN_SIZE or not bool(np.all(np.isfinite(t))):
        return None
    rows: NDArray[np.int64] | None = None
    apart = np.zeros(0, dtype=np.int64)
    behind, back = 0, 0.0
    if bool(np.any(np.diff(t) < 0)):
        reached = np.concatenate([[-np.inf], np.maximum.accumulate(t)[:-1]])
        late = np.flatnonzero(t < reached)
        behind = int(late.size)
        if behind > BURST_MAX_BEHIND * n:
            return None  # two recordings joined, or a clock reset: EDGE-2 refuses it
        back = float(np.max(reached[late] - t[late]))
        rows, apart = _rows_in_order(t, late)
        if rows is None:
            return None
        if apart.size and step_out:
            stepped = _clock_back(t, int(apart[0]), late)
            if stepped is not None:
                packets = delivery_packets(stepped[1], repeat, step_out=False)
                if packets is not None:
                    return replace(packets, step_at=int(apart[0]), step_back=stepped[0])
    found = _packets_in_order(t if rows is None else t[rows])
    if found is None:
        return None
    duplicates = undecided = 0
    if repeat is not None and bool(np.any(repeat)):
        drop = _app_duplicates(t if rows is None else t[rows], repeat if rows is None else repeat[rows], found)
        if drop is None:
            undecided = int(np.count_nonzero(repeat))
        elif drop.any():
            duplicates = int(drop.sum())
            rows = (np.arange(n, dtype=np.int64) if rows is None else rows)[~drop]
            found = _packets_in_order(t[rows])
            if found is None:
                return None
    return replace(found, rows=rows, apart=apart, behind=behind, back=back, duplicates=duplicates, undecided=undecided)


def _clock_back(t: NDArray[np.float64], at: int, late: NDArray[np.int64]) -> tuple[float, NDArray[np.float64]] | None:
    """(how far the clock stepped back, the stamps ``t`` with it taken out from row ``at`` on) where the packet that
    row begins is stamped before a time already read and in no packet of the rows before: the clock went back between
    two packets, so the packet is put its samples' worth of periods after the packet before (arrival stamps: its
    stamp is its last sample's), as if no sample was lost at the step; None where that does not move it on, or where
    no later stamp passes the time read before it (the file ends still behind: a short recording joined, EDGE-162)."""
    if at < 1 or not bool(np.any(t[at:] > np.max(t[:at]))):
        return None  # the stamps never catch up with the time read: another recording joined at the end (EDGE-162)
    others = np.setdiff1d(np.arange(t.size, dtype=np.int64), late)
    found = _packets_in_order(t[others])
    if found is None or found.stamp_first:
        return None
    reach = _within_packet_step(np.diff(t[others]))
    inside = np.diff(t[at:]) <= reach
    size = int(np.argmin(inside)) + 1 if not bool(inside.all()) else t.size - at  # the packet beginning at ``at``
    back = float(t[at - 1] + size * found.period - t[at + size - 1])
    if not back > 0:
        return None
    moved = t.copy()
    moved[at:] += back
    return back, moved


def _rows_in_order(
    t: NDArray[np.float64], late: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]] | tuple[None, NDArray[np.int64]]:
    """(the rows of ``t`` the packets are made of, in the stamps' order; the ``late`` rows left apart): a row stamped
    before a time already read whose stamp lies within a packet of the other rows, or a step inside a packet from it (a
    row the app wrote out of order)
    takes its place there, where it keeps its packet's count; one whose stamp lies in no packet (the packet after a
    clock stepped back) is left apart, the packets made of the rest in file order (EDGE-157)."""
    others = np.setdiff1d(np.arange(t.size, dtype=np.int64), late)
    found = _packets_in_order(t[others])
    if found is None:
        return None, late
    stamps = t[others]
    reach = _within_packet_step(np.diff(stamps))
    lo, hi = stamps[found.last - found.size + 1] - reach, stamps[found.last] + reach
    k = np.minimum(np.searchsorted(hi, t[late], side="left"), hi.size - 1)
    inside = (t[late] >= lo[k]) & (t[late] <= hi[k])
    rows = np.concatenate([others, late[inside]])
    return rows[np.argsort(t[rows], kind="stable")].astype(np.int64), late[~inside]


def _within_packet_step(steps: NDArray[np.float64]) -> float:
    """The longest step between stamps (``steps``, the stamps' unit) that stays inside a packet: BURST_JUMP times
    the median step, or 0 where the median step is 0 (equal stamps: any step ends a packet)."""
    typical = float(np.median(steps))
    return BURST_JUMP * typical if typical > 0 else 0.0


def _packets_in_order(t: NDArray[np.float64]) -> Packets | None:
    """The packets of stamps ``t`` (never going back), or None (:func:`delivery_packets`)."""
    n = t.size
    steps = np.diff(t)
    jump = steps > _within_packet_step(steps)
    last = np.append(np.flatnonzero(jump), n - 1).astype(np.int64)
    size = np.diff(np.concatenate([[-1], last])).astype(np.int64)
    if last.size < BURST_MIN_PACKETS or float(np.median(size)) < BURST_MIN_SIZE:
        return None
    between = np.diff(t[last])
    each = between / size[1:]  # the first packet has no stamp before it
    middle = float(np.median(each))
    if not middle > 0:
        return None
    within = steps[~jump]
    if within.size and float(np.median(within)) >= BURST_WITHIN * middle:
        return None
    counted = size[1:]
    first = _stamped_first(between, size)
    if first:  # each step holds the packet before's samples: the stamp is its first sample's (EDGE-160)
        counted = size[:-1]
        each = between / counted
        middle = float(np.median(each))
    agree = np.abs(each / middle - 1.0) <= BURST_PERIOD_SPREAD
    period = float(between[agree].sum() / counted[agree].sum())
    return Packets(last, size, period, float(np.mean(agree)), stamp_first=first)


def _miscount(between: NDArray[np.float64], counted: NDArray[np.int64]) -> tuple[float, float]:
    """(the median distance in samples of the steps ``between`` packet stamps from their ``counted`` samples at the
    period they give together, the share of the steps that give that period within BURST_PERIOD_SPREAD)."""
    each = between / counted
    period = float(np.median(each))
    if not period > 0:
        return math.inf, 0.0
    agree = float(np.mean(np.abs(each / period - 1.0) <= BURST_PERIOD_SPREAD))
    return float(np.median(np.abs(between / period - counted))), agree


def _stamped_first(between: NDArray[np.float64], size: NDArray[np.int64]) -> bool:
    """True where the steps ``between`` packet stamps hold the samples of the packet before them (``size``), not of
    the packet after: each packet stamped with its first sample (EDGE-160). Only packets of different sizes tell
    the two apart: the steps give a steady rate counting the packet before's samples (BURST_STEADY_SHARE) and count
    them within BURST_END_RATIO of the distance they lie from the packet after's (arrival jitter blurs both alike)."""
    if bool(np.all(size[1:] == size[:-1])):
        return False
    off_first, agree = _miscount(between, size[:-1])
    off_last, _ = _miscount(between, size[1:])
    return agree >= BURST_STEADY_SHARE and off_first < BURST_END_RATIO * off_last


def _app_duplicates(t: NDArray[np.float64], repeat: NDArray[np.bool_], packets: Packets) -> NDArray[np.bool_] | None:
    """The rows of ``t`` (in the packets' order) to leave out as an app's duplicates: in each packet whose samples a
    step counts, as many of its ``repeat`` rows (equal to the row before in stamp and values) as it holds samples more
    than that step gives at the packets' period, rounded (BURST_EXTRA_SAMPLES; EDGE-158); None where fewer than
    BURST_MIN_PACKETS packets hold no repeat, or their steps count their samples no closer than BURST_COUNT_SPREAD, or
    one of them off by BURST_EXTRA_SAMPLES: the jitter alone then puts a packet half a sample over (EDGE-161)."""
    size = packets.size
    group = np.repeat(np.arange(size.size), size)
    repeats = np.bincount(group, weights=repeat, minlength=size.size)
    between = np.diff(t[packets.last])
    counted, k = (size[:-1], slice(None, -1)) if packets.stamp_first else (size[1:], slice(1, None))
    # the period of the packets without a repeat (the duplicates would make it short by their share)
    clean = (repeats[k] == 0) & (np.abs(between / counted / packets.period - 1.0) <= BURST_PERIOD_SPREAD)
    period = float(between[clean].sum() / counted[clean].sum()) if clean.any() else packets.period
    extra = np.zeros(size.size)  # the step after a packet counts its samples where stamped first, else the step before
    extra[k] = counted - between / period
    off = np.abs(extra[k][clean])
    if clean.sum() < BURST_MIN_PACKETS or float(np.median(off)) > BURST_COUNT_SPREAD:
        return None  # the arrival jitter blurs the count: no repeat is told a duplicate
    if float(off.max()) >= BURST_EXTRA_SAMPLES:
        return None  # the jitter alone makes some packet a half sample over or short (EDGE-161)
    allowed = np.floor(np.maximum(extra, 0.0) + 1.0 - BURST_EXTRA_SAMPLES).astype(np.int64)
    rank = np.cumsum(repeat) - 1  # the repeats' running number; less those of the packets before: within its packet
    before = np.concatenate([[0], np.cumsum(repeats)[:-1]])
    return np.asarray(repeat & (rank - before.astype(np.int64)[group] < allowed[group]), dtype=np.bool_)


#: Packet stamps on one grid (HONEST-27): every packet's stamp within BURST_GRID_OFF of a whole number of the median
#: step between packets. A host's arrival stamps jitter off any grid by its scheduling (0.1-2 ms); stamps exactly on
#: one are a clock coarser than its samples (rounded or truncated, the samples anywhere within a step), not deliveries.
BURST_GRID_OFF = 1e-3


def packets_on_a_grid(t: NDArray[np.float64], packets: Packets) -> float | None:
    """The grid step (the stamps' unit) when every packet's samples share its stamp and every packet stamp of ``t``
    lies on one grid of the median step between packets (a clock coarser than its samples, HONEST-27); None when the
    stamps jitter off it (arrival stamps) or differ within a packet (a clock that tells its samples apart, EDGE-153)."""
    t = packets.stamps(t)
    stamp = t[packets.last]
    if not bool(np.all(t == np.repeat(stamp, packets.size))):
        return None
    step = float(np.median(np.diff(stamp)))
    if not step > 0:
        return None
    k = (stamp - stamp[0]) / step
    return step if bool(np.all(np.abs(k - np.round(k)) <= BURST_GRID_OFF)) else None


def retimed_packets(t: NDArray[np.float64], packets: Packets) -> NDArray[np.float64]:
    """The stamps ``t`` re-timed one period apart within each packet, its last sample on its stamp (the arrival
    follows the last sample taken; its first, where the packets are stamped with their first sample, EDGE-160); packed
    closer where the step to the next packet holds fewer periods than samples, so that the times keep increasing and
    every sample is kept (EDGE-145). Rows stamped before a time already read get their place in the stamps' order
    (behind the rows before them: the readers drop them, EDGE-157), an app's duplicate its original's time
    (EDGE-158)."""
    stamps = packets.stamps(t)
    group = np.repeat(np.arange(packets.size.size), packets.size)
    within = np.arange(stamps.size) - (packets.last - packets.size + 1)[group]  # 0 for a packet's first sample
    period, size = packets.period, packets.size
    if packets.stamp_first:
        stamp = stamps[packets.last - size + 1]
        after = np.concatenate([stamp[1:], [stamp[-1] + size[-1] * period]])
        spacing = np.minimum(period, (after - stamp) / size)
        times = stamp[group] + within * spacing[group]
    else:
        stamp = stamps[packets.last]
        before = np.concatenate([[stamp[0] - size[0] * period], stamp[:-1]])
        spacing = np.minimum(period, (stamp - before) / size)
        times = stamp[group] - (size[group] - 1 - within) * spacing[group]
    if packets.rows is None:
        return np.asarray(times, dtype=np.float64)
    out = np.full(t.size, np.nan)
    out[packets.rows] = times
    placed = np.zeros(t.size, dtype=bool)
    placed[packets.rows] = True
    placed[packets.apart] = True
    original = np.maximum.accumulate(np.where(placed, np.arange(t.size), 0))  # a duplicate's: the row before
    out = np.where(placed, out, out[original])
    if packets.apart.size:  # just behind the times before them, so that the readers drop them
        reached = np.concatenate([[-np.inf], np.fmax.accumulate(np.where(np.isnan(out), -np.inf, out))[:-1]])
        out[packets.apart] = np.nextafter(reached[packets.apart], -np.inf)
    return np.asarray(out, dtype=np.float64)


def packets_to_retime(t: NDArray[np.float64], repeat: NDArray[np.bool_] | None = None) -> Packets | None:
    """The packets of stamps ``t`` (any unit) to re-time (:func:`retimed_packets`): stamped on delivery
    (:func:`delivery_packets`, ``repeat`` its rows equal to the row before) at a steady rate, their stamps off any
    grid (:func:`packets_on_a_grid`, HONEST-27); None for any other clock. Every reader that re-times packets decides
    by this (EDGE-150)."""
    packets = delivery_packets(t, repeat)
    if packets is None or not packets.steady or packets_on_a_grid(t, packets) is not None:
        return None
    return packets
