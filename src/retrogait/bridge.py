"""A lone missing acceleration value bridged by linear interpolation over a physically short span (EDGE-197).

A logger that leaves one cell empty (or writes NaN) still recorded the row's time and its other values. Across
at most ``BRIDGE_MAX_S`` between the finite values around it on the same axis, the missing value is interpolated
in time: 25 ms is a tenth of the shortest step (``phone_steps.min_step_s``/``contacts.min_step_s`` 0.25 s), so a
contact found there moves by at most that much and a cadence, read over many steps, by far less; but an impact
transient rises in 10-30 ms, so a bridged sample can flatten a peak: the steps touching one are flagged
``bridged`` and their impact peak and loading rates are left NaN. Longer runs stay gaps as before.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.conventions import BRIDGE_MAX_S
from retrogait.rate import REGULAR_PERCENTILE, STEADY_GAP_INTERVALS, steady_clock

__all__ = ["BRIDGE_MAX_S", "bridge_missing", "on_grid", "short_bridged", "short_losses"]


def bridge_missing(
    t_s: NDArray[np.float64],
    acc: NDArray[np.float64],
    max_s: float = BRIDGE_MAX_S,
    short: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    """``(acc, times, values)``: ``acc`` (n, 3) with each NaN whose axis has finite values before and after it at
    most ``max_s`` (s) apart in ``t_s`` (s), its own time between theirs, replaced by linear interpolation in time;
    the times (s) of the rows with a bridged value; how many values were bridged. Other NaN stay (left out as gaps:
    times out of order or NaN are never extrapolated, REVIEW-56). ``short`` (n,): rows whose loss is known short by
    other means (a separate gyroscope's measured samples around it, EDGE-223), bridged whatever the span of the
    rows with values around them where the rows without a value lie within ``max_s`` of each other and each side's
    step (to the row with a value) is an ordinary one of ``t_s`` (:func:`ordinary_step_s`: the grid's gap rule; a
    longer one has lost a row): the rows without a value of a separate stream's loss lie between its measured
    samples, the rows with one within a row's own step outside them, so rows further apart are a gap whatever a
    file's span says (EDGE-231), and a jittered clock's longer-than-median steps beside a loss are no reason to leave
    it (EDGE-234)."""
    missing = np.isnan(acc)
    if not missing.any():
        return acc, np.zeros(0), 0
    if short is not None:  # a row's own step beside a short loss: at most an ordinary one (no row lost there)
        step_max_s = ordinary_step_s(t_s)
    out = acc.copy()
    rows = np.zeros(t_s.size, dtype=bool)
    count = 0
    for k in range(acc.shape[1]):  # per axis (three), each vectorised along time
        at = np.flatnonzero(missing[:, k])
        good = np.flatnonzero(~missing[:, k])
        if at.size == 0 or good.size < 2:
            continue
        after = np.searchsorted(good, at)
        inside = (after > 0) & (after < good.size)
        at, after = at[inside], after[inside]
        left, right = good[after - 1], good[after]
        span = t_s[right] - t_s[left]
        near = (span > 0.0) & (span <= max_s * (1.0 + 1e-6))
        if short is not None:  # the rows without a value within max_s, each side's step an ordinary one (EDGE-234)
            inner = t_s[right - 1] - t_s[left + 1]
            sides = np.maximum(t_s[left + 1] - t_s[left], t_s[right] - t_s[right - 1])
            near |= (span > 0.0) & (inner <= max_s * (1.0 + 1e-6)) & (sides <= step_max_s * (1.0 + 1e-6)) & short[at]
        # its own time between its neighbours' (times out of order or NaN: never extrapolated, REVIEW-56)
        near &= (t_s[at] > t_s[left]) & (t_s[at] < t_s[right])
        at, left, right, span = at[near], left[near], right[near], span[near]
        w = (t_s[at] - t_s[left]) / span
        out[at, k] = acc[left, k] * (1.0 - w) + acc[right, k] * w
        rows[at] = True
        count += int(at.size)
    return out, t_s[rows], count


def short_losses(spans: NDArray[Any] | None, values: NDArray[np.float64]) -> NDArray[np.bool_] | None:
    """(n,) the rows of ``values`` (n, 3) without a value whose separate stream's measured samples around lie at
    most ``BRIDGE_MAX_S`` apart (``spans``, s: the session's ``gyr_lost_span_s`` column, EDGE-223), for
    :func:`bridge_missing`'s ``short``; None without the column (or one of another length)."""
    if spans is None or len(spans) != values.shape[0]:
        return None
    span = np.asarray(pd.to_numeric(pd.Series(spans), errors="coerce"), dtype=np.float64)
    return np.asarray((span <= BRIDGE_MAX_S * (1.0 + 1e-6)) & np.isnan(values).any(axis=1), dtype=bool)


def ordinary_step_s(t_s: NDArray[np.float64]) -> float:
    """The longest step (s) of the times ``t_s`` (s) that loses no row, by the grid's own gap rule
    (``preprocess._to_uniform``): ``STEADY_GAP_INTERVALS`` (1.5) times the longest regular interval, the median step
    on a steady clock (``rate.steady_clock``), else the longer of it and the ``REGULAR_PERCENTILE`` (95th) percentile
    of the steps (a jittered clock's longer steps lose nothing); 0 without a step."""
    steps = np.diff(t_s)
    steps = steps[np.isfinite(steps) & (steps > 0.0)]
    if not steps.size:
        return 0.0
    typical = float(np.median(steps))
    regular = typical if steady_clock(t_s) else max(typical, float(np.percentile(steps, REGULAR_PERCENTILE)))
    return STEADY_GAP_INTERVALS * regular


def short_bridged(t_s: NDArray[np.float64], values: NDArray[np.float64], spans: NDArray[Any] | None) -> int:
    """How many rows of ``values`` (n, 3) at times ``t_s`` (s) without a value :func:`bridge_missing` bridges as a
    separate stream's short loss (``spans``, s, as :func:`short_losses` reads them): what an import's note may say the
    analysis bridges (EDGE-234), read by the same function the analysis runs."""
    short = short_losses(spans, values)
    if short is None or not short.any():
        return 0
    out = bridge_missing(t_s, values, BRIDGE_MAX_S, short)[0]
    return int(np.count_nonzero(short & np.isfinite(out).all(axis=1)))


def on_grid(times_s: NDArray[np.float64], t_grid: NDArray[np.float64], fs_hz: float) -> NDArray[np.bool_]:
    """(n,) True at the grid points (``t_grid``, s, uniform at ``fs_hz``) within one period of a time in
    ``times_s`` (s): a grid point interpolated from a bridged sample."""
    marked = np.zeros(t_grid.size, dtype=bool)
    if times_s.size == 0 or t_grid.size == 0:
        return marked
    k = np.rint((times_s - t_grid[0]) * fs_hz).astype(np.int64)
    for shift in (-1, 0, 1):
        marked[np.clip(k + shift, 0, t_grid.size - 1)] = True
    return marked
