"""An accelerometer axis stuck at one value while the others move (IMPORT-26, docs/conventions.md).

A sensor whose read of one axis fails (a bus error, a frozen register) repeats that axis' last value, or 0,
while the other two go on measuring. A moving body's acceleration changes every sample on every axis; an
axis holding exactly one value for half a second while another spans 0.1 g is not measuring. Clipping
holds an axis at its full scale too, but only while the acceleration is beyond the range: an impact's
plateau lasts 5-30 ms, a +-2 g foot sensor's swing saturates for well under 0.4 s. A sensor at rest, or
a coarse sensor (its levels 0.06 g apart) on a still trunk, holds every axis near one value: no axis
moves there, so nothing is stuck.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from retrogait.masks import true_runs

#: An axis holding exactly one value at least this long (s) while another moves is stuck.
STUCK_MIN_S = 0.5
#: Another axis moves when it spans at least this share of the recording's median |acc| over the run (in any
#: unit: the median is 1 g at rest, up to 4 g on a running foot): 0.1-0.4 g, 30-100 times a sensor's noise at
#: rest (1-3 mg) and above a coarse sensor's level step (0.0625 g at 8 bits over +-8 g).
MOVING_SPAN_SHARE = 0.1

#: An axis holding one value over at least this share of the rows is not measured at all (a two-axis
#: sensor's third column filled with 0): not a stuck stretch of an axis that measures, unless it spans
#: MOVING_SPAN_SHARE outside its runs (it measured there, then failed: EDGE-194).
ABSENT_SHARE = 0.5


def stuck_rows(acc: NDArray[np.float64], rate_hz: float) -> NDArray[np.bool_]:
    """Rows (n,) where an axis of ``acc`` (n, 3; any unit) holds one value for at least STUCK_MIN_S while
    another axis spans at least MOVING_SPAN_SHARE of the median |acc| over the same rows (an axis holding one
    value over ABSENT_SHARE of the rows or more is absent, and left as it is)."""
    n = acc.shape[0]
    stuck = np.zeros(n, dtype=bool)
    min_len = max(3, round(STUCK_MIN_S * rate_hz)) if np.isfinite(rate_hz) and rate_hz > 0 else n + 1
    if n < min_len:
        return stuck
    runs = [_long_runs(acc[:, k], min_len) for k in range(acc.shape[1])]
    if not any(starts.size for starts, _ in runs):
        return stuck
    with np.errstate(invalid="ignore", over="ignore"):
        span = MOVING_SPAN_SHARE * float(np.nanmedian(np.sqrt((acc * acc).sum(axis=1))))
    if not np.isfinite(span) or span <= 0:
        return stuck
    for k, (starts, stops) in enumerate(runs):
        if not starts.size:
            continue
        if (stops - starts).max() >= ABSENT_SHARE * n and not _measured_elsewhere(acc[:, k], starts, stops, span):
            continue  # an axis the sensor does not have (filled with one value): not a failed read
        others = np.delete(acc, k, axis=1)
        bounds = np.column_stack([starts, stops]).ravel()
        bounds = bounds[bounds < n]  # a run to the last row reduces to the end
        with np.errstate(invalid="ignore"):
            high = np.maximum.reduceat(others, bounds, axis=0)[::2]
            low = np.minimum.reduceat(others, bounds, axis=0)[::2]
            moving = ((high - low) >= span).any(axis=1)
        for start, stop in zip(starts[moving], stops[moving], strict=True):  # one slice per stuck run
            stuck[start:stop] = True
    return stuck


def _measured_elsewhere(x: NDArray[np.float64], starts: NDArray[np.intp], stops: NDArray[np.intp], span: float) -> bool:
    """True where the axis ``x`` spans at least ``span`` over its rows outside the runs ``starts``..``stops``: it
    measured there, so its runs are a read that failed, however long (EDGE-194), not an axis the sensor lacks."""
    outside = np.ones(x.size, dtype=bool)
    for start, stop in zip(starts, stops, strict=True):
        outside[start:stop] = False
    rest = x[outside & np.isfinite(x)]
    return bool(rest.size) and float(rest.max() - rest.min()) >= span


def _long_runs(x: NDArray[np.float64], min_len: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(starts, stops) of the runs of at least ``min_len`` rows of ``x`` holding exactly one value
    (rows start..stop-1; NaN never equals, so a NaN run is no run)."""
    none = np.empty(0, dtype=np.intp)
    every = max(1, min_len // 2)  # a run of min_len rows holds two rows `every` apart: look at those first
    sparse = x[::every]
    if x.size < min_len or not np.any(sparse[1:] == sparse[:-1]):
        return none, none
    starts, ends = true_runs(x[1:] == x[:-1])  # x[i + 1] == x[i] for i in starts..ends-1
    stops = ends + 1
    long = stops - starts >= min_len
    return starts[long], stops[long]


def frozen_axis(acc: NDArray[np.float64], stuck: NDArray[np.bool_]) -> tuple[int, int, int]:
    """``(axis, first row, end row)``: the longest run of ``stuck`` rows (:func:`stuck_rows`, at least one) and the
    axis of ``acc`` (n, 3) holding one value over it (the first such), to name in a message."""
    starts, stops = true_runs(stuck)
    k = int(np.argmax(stops - starts))
    start, stop = int(starts[k]), int(stops[k])
    held = (acc[start:stop] == acc[start]).all(axis=0)
    return int(np.argmax(held)), start, stop
