"""The acceleration logged in one table at a fraction of the rows' rate: analysed on its own rows (EDGE-222).

A phone whose gyroscope runs faster than its accelerometer (400 Hz beside 200 Hz) and writes both into one table, a
row per gyroscope sample, fills the acceleration's cells only on the rows where one of its own samples arrived: every
2nd row, or 2 rows in 5 beside a 500 Hz gyroscope. Those empty cells are the accelerometer's sampling rate, not values
lost; :func:`retrogait.gyro_subrate.found` tells the two apart as it does for a gyroscope at a lower rate (EDGE-217).
Bridged as lost values (EDGE-197) they were interpolated acceleration on every other row: every step flagged
``bridged`` and every impact NaN. The acceleration is the analysis' clock, so :func:`own_rows` keeps the rows where
it was measured (a sample stamped into the row at or after its own time lies within a row of it: the grid's slots put
it back on its clock, HONEST-3), and the gyroscope is read on them, as a separate gyroscope stream is put on the
accelerometer's times (imports.common.align_gyro): on a row where it was measured it is its own value. The rows
between, which hold only the gyroscope, are left out of the analysis (the session keeps them). A sample lost off the
pattern keeps one row, the one nearest its place on the accelerometer's clock, its acceleration missing: bridged over
at most 25 ms or a gap, flagged, as any lost value (EDGE-197).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Final

import numpy as np
from numpy.typing import NDArray

from retrogait.gyro_subrate import SubRate, found, rate_rows
from retrogait.rate import same_rate

#: The largest denominator of the rows' rate over the accelerometer's taken as the ratio of two sensors' set rates
#: (400/200 = 2, 500/200 = 5/2, 200/150 = 4/3, 320/200 = 8/5): a phone's rates are divisions of one clock. The
#: closest such ratio to one is 9/8: a single sample lost at a steady period of 10 rows or more is not read as a rate;
#: one lost every 9th (9/8) or 8th (8/7) row is, and analysed at 8/9 (7/8) of the rows' rate (REVIEW-128).
RATIO_MAX_DENOMINATOR: Final = 8


def own_rows(t_s: NDArray[np.float64], missing: NDArray[np.bool_]) -> tuple[SubRate | None, NDArray[np.bool_]]:
    """``(sub, keep)``: where the rows (times ``t_s``, s) ``missing`` an acceleration value lie in a steady pattern
    (:func:`retrogait.gyro_subrate.found`), the accelerometer's sub-rate and the rows (n,) to analyse: those with a
    value and, for each run of empty rows off the pattern (samples lost), as many rows as samples it lost (at least
    one), each the row nearest its slot between the measured rows around the run; empty rows before the first value
    or after the last are left out (the accelerometer had not started or had stopped: nothing to bridge from, and no
    count of samples it lost there, REVIEW-127). Else None and every row. Vectorised (one cumulative count places
    each empty row between its measured ones)."""
    lost = np.asarray(missing, dtype=bool)
    keep = np.ones(lost.size, dtype=bool)
    sub = found(t_s, lost) if lost.any() else None
    if sub is None or not sets_a_rate(sub.rows_per_sample):
        return None, keep
    t = np.asarray(t_s, dtype=np.float64)
    measured = np.flatnonzero(~lost)
    first, last = int(measured[0]), int(measured[-1])
    period = sub.rows_per_sample * sub.row_period_s  # the accelerometer's own (s)
    keep[:first] = False  # before its first value and after its last: not started or stopped, no sample lost
    keep[last + 1 :] = False
    inner = np.zeros(lost.size, dtype=bool)
    inner[first:last] = lost[first:last]
    keep[inner] = False  # the rate's rows, and the runs off it until a row is kept for each sample they lost
    off = inner.copy()
    off[rate_rows(t, lost, measured, sub)[0]] = False
    if off.any():
        keep[_one_per_sample(t, lost, measured, off, period)] = True
    return _over_the_recording(sub, t[keep[first : last + 1].nonzero()[0] + first]), keep


def sets_a_rate(rows_per_sample: float) -> bool:
    """True where ``rows_per_sample`` is within ``rate.RATE_TOLERANCE`` of a fraction above one whose denominator is
    at most ``RATIO_MAX_DENOMINATOR``: two sensors' set rates. A single sample lost at a steady period (every 97th
    row) leaves the same cells as a clock at 96/97 of the rows' (REVIEW-110): for the gyroscope the values are the
    bridge's either way, but the acceleration is the analysis' clock, and read as a rate its rows would be dropped and
    the whole recording analysed at 99 % of its rate; it stays values lost (bridged, EDGE-197/213)."""
    ratio = Fraction(rows_per_sample).limit_denominator(RATIO_MAX_DENOMINATOR)
    return ratio > 1 and same_rate(float(ratio), rows_per_sample)


def _one_per_sample(
    t: NDArray[np.float64],
    lost: NDArray[np.bool_],
    measured: NDArray[np.intp],
    off: NDArray[np.bool_],
    period: float,
) -> NDArray[np.intp]:
    """The rows (indices) kept for the samples lost in the runs of empty rows ``off`` the pattern: per run, as many
    as its measured rows' span (s, times ``t``) holds periods (``period``, s) less one (at least one, at most the
    run's rows), each the row nearest its slot, the span divided evenly."""
    after = np.unique(np.cumsum(~lost)[off])  # each run's measured row after it, as an index into ``measured``
    left, right = measured[after - 1], measured[after]
    span = t[right] - t[left]
    samples = np.minimum(np.maximum(np.rint(span / period).astype(np.int64) - 1, 1), right - left - 1)
    run = np.repeat(np.arange(after.size), samples)
    j = np.arange(run.size) - np.repeat(np.cumsum(samples) - samples, samples) + 1  # 1 .. samples in each run
    slot = t[left[run]] + j * span[run] / (samples[run] + 1)
    lo, hi = left[run] + 1, right[run] - 1
    at = np.clip(np.searchsorted(t, slot), lo, hi)  # the first row at or after the slot, inside the run
    before = np.clip(at - 1, lo, hi)
    return np.where(slot - t[before] < t[at] - slot, before, at)


def _over_the_recording(sub: SubRate, t_kept: NDArray[np.float64]) -> SubRate:
    """``sub`` with the accelerometer's period read over the whole recording: the least-squares slope of its samples'
    stamps (the rows kept, times ``t_kept``, s, from its first to its last value, one for each sample lost) against
    their number on its clock, a step longer than one of its periods and a row (a pause of the rows) counted as the
    periods it spans. The pattern's windows give the ratio to within ~0.05 % (a 150 Hz accelerometer in 200 Hz rows
    with 1 % lost: 149.94 Hz), the first and last stamps alone within a row over the recording (a 200 Hz accelerometer
    in 300 Hz rows: 199.989 Hz over 30 s); the analysis' clock is the accelerometer's, and its filters and windows
    move contacts by samples for a rate 0.006 % off (20 ms on 5 of a simulated shank's 42)."""
    steps = np.diff(t_kept)
    if steps.size < 2:
        return sub
    period = sub.rows_per_sample * sub.row_period_s
    count = np.where(steps > sub.max_span_s, np.rint(steps / period), 1.0)
    k = np.concatenate([[0.0], np.cumsum(count)])
    k -= k.mean()
    slope = float(np.dot(k, t_kept - t_kept.mean()) / np.dot(k, k))
    return SubRate(slope / sub.row_period_s, sub.row_period_s) if slope > 0 else sub


def own_rate_hz(sub: SubRate, rows_stated_hz: float | None) -> float:
    """The accelerometer's rate (Hz) to analyse at: the rate the file states for its rows (``rows_stated_hz``, the
    session's) over the pattern's ratio as a fraction of small whole numbers (at most ``RATIO_MAX_DENOMINATOR``),
    where the rate measured over the recording (``sub``) agrees with it within ``rate.RATE_TOLERANCE``, as
    ``rate.recording_rate_hz`` takes a stated rate; else the measured. (A 200 Hz accelerometer in 300 Hz rows read
    199.99998 Hz, which moved 5 of a simulated shank's 42 contacts by 20 ms before durations became samples within
    a clock's tolerance, CONTACT-12.)"""
    if rows_stated_hz is None or not (math.isfinite(rows_stated_hz) and rows_stated_hz > 0):
        return sub.rate_hz
    ratio = Fraction(rows_stated_hz / sub.rate_hz).limit_denominator(RATIO_MAX_DENOMINATOR)
    nominal = rows_stated_hz / float(ratio) if ratio > 1 else math.nan
    return nominal if math.isfinite(nominal) and same_rate(sub.rate_hz, nominal) else sub.rate_hz
