"""Peak picking: ``scipy.signal.find_peaks(x, distance=, prominence=)``'s peaks, in numpy.

The three steps are scipy's, with its tie rules (docs/decisions.md PERF-8):
1. local maxima: samples above both neighbours; a flat top (plateau) counts once, at its middle sample
   (the left one of two middles); the first and last sample never; NaN never, and NaN is no lower
   neighbour;
2. ``distance``: peaks are taken highest first (in the order of ``np.argsort`` of their heights, as scipy
   takes them), each removing every peak closer than ``ceil(distance)`` samples that was not taken before;
3. ``prominence``: a peak's height above the higher of its two bases, each base the lowest sample between
   the peak and the nearest sample higher than it (or NaN, or the signal's end) on that side.

Vectorised: step 2 runs in rounds over the undecided peaks (a peak highest among the undecided ones
within reach is taken, the undecided ones it reaches are removed), a handful of rounds on gait signals;
an input that needs more than ``MAX_ROUNDS`` (a long ramp of peaks, each just higher than the last) finishes
the remaining peaks one by one. Step 3 works on the local maxima only: between two neighbouring maxima the
signal falls and then rises, so the lowest sample up to the nearest higher maximum is the lowest of the
valley minima in between; the nearest higher maximum and the lowest valley come from sparse tables
(range maximum and minimum in O(1), binary search by halving).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from retrogait.masks import true_runs

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]
#: Indices or counts of 32 or 64 bits.
Counts = NDArray[np.signedinteger[Any]]

#: Rounds of the vectorised distance selection before the remaining peaks are taken one by one.
MAX_ROUNDS = 64


def find_peaks(x: NDArray[np.floating], distance: float | None = None, prominence: float | None = None) -> IndexArray:
    """Indices of the peaks of the 1-D signal ``x`` at least ``distance`` samples apart (>= 1) with a
    prominence of at least ``prominence`` (in the units of ``x``); scipy's ``find_peaks(x,
    distance=distance, prominence=prominence)[0]``."""
    values = np.asarray(x, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError("`x` must be a 1-D array")
    if distance is not None and distance < 1:
        raise ValueError("`distance` must be greater or equal to 1")
    peaks = maxima = local_maxima(values)
    if distance is not None and peaks.size > 1:
        peaks = peaks[select_by_distance(peaks, values[peaks], distance)]
    if prominence is not None:
        peaks = peaks[_prominences(values, peaks, maxima) >= prominence]
    return peaks


def local_maxima(x: FloatArray) -> IndexArray:
    """Sorted indices of the local maxima of ``x``: single samples above both neighbours and the middle
    sample (rounded down) of flat tops whose neighbours on both sides are lower."""
    n = x.size
    if n < 3:
        return np.zeros(0, dtype=np.intp)
    mid = x[1:-1]
    single = np.flatnonzero((x[:-2] < mid) & (x[2:] < mid)) + 1
    flat = x[1:] == x[:-1]  # flat[i]: x[i + 1] == x[i]
    if not flat.any():
        return single
    first, last = true_runs(flat)  # plateau x[first : last + 1]
    inner = (first >= 1) & (last <= n - 2)
    first, last = first[inner], last[inner]
    top = (x[first - 1] < x[first]) & (x[last + 1] < x[first])
    plateaus = (first[top] + last[top]) // 2
    return np.sort(np.concatenate((single, plateaus)))


def select_by_distance(peaks: IndexArray, heights: FloatArray, distance: float) -> NDArray[np.bool_]:
    """Which of the sorted ``peaks`` survive: highest first (ties in ``np.argsort`` order), each removing the
    peaks closer than ``ceil(distance)`` samples."""
    reach = math.ceil(distance)
    m = peaks.size
    rank = np.empty(m, dtype=np.intp)
    rank[np.argsort(heights)] = np.arange(m)  # scipy's order of taking: highest rank first
    keep = np.zeros(m, dtype=bool)
    undecided = np.arange(m)
    for _round in range(MAX_ROUNDS):
        if undecided.size == 0:
            return keep
        pos, r = peaks[undecided], rank[undecided]
        lo, hi = _within(pos, reach)
        taken = _RangeTable(r, np.maximum, int((hi - lo).max())).query(lo, hi) == r
        keep[undecided[taken]] = True
        count = np.concatenate(([0], np.cumsum(taken)))  # taken among undecided[: i]
        undecided = undecided[count[hi] == count[lo]]  # neither taken nor within reach of one taken
    _one_by_one(peaks, rank, keep, undecided, reach)
    return keep


def _within(pos: IndexArray, reach: int) -> tuple[Counts, Counts]:
    """For sorted distinct positions: [lo[i], hi[i]) = the indices of those closer than ``reach`` to pos[i]
    (counted on the sample grid: one cumulative count instead of two binary searches)."""
    first = int(pos[0])
    span = int(pos[-1]) - first + 1
    upto: Counts = np.zeros(span, dtype=np.int32 if span < 2**31 else np.intp)
    upto[pos - first] = 1
    np.cumsum(upto, out=upto)  # upto[t - first]: positions <= t
    lo = upto[np.maximum(pos - reach - first, -1)]
    lo[pos - reach - first < 0] = 0
    hi = upto[np.minimum(pos + reach - 1 - first, upto.size - 1)]
    return lo, hi


def _one_by_one(
    peaks: IndexArray, rank: IndexArray, keep: NDArray[np.bool_], undecided: IndexArray, reach: int
) -> None:
    """Finish the distance selection for ``undecided`` peaks in scipy's order (highest rank first); the
    peaks taken so far have already removed their neighbours."""
    left = {int(i) for i in undecided}
    for i in undecided[np.argsort(-rank[undecided])]:
        if int(i) not in left:
            continue
        keep[i] = True
        k = i - 1
        while k >= 0 and peaks[i] - peaks[k] < reach:
            left.discard(int(k))
            k -= 1
        k = i + 1
        while k < peaks.size and peaks[k] - peaks[i] < reach:
            left.discard(int(k))
            k += 1


def peak_prominences(x: FloatArray, peaks: IndexArray, maxima: IndexArray | None = None) -> FloatArray:
    """(len(peaks),) prominence of each peak of ``x`` (peaks being local maxima, as from
    :func:`local_maxima`), scipy's ``peak_prominences(x, peaks)[0]`` with no window. ``maxima``: ``local_maxima(x)``
    where the caller has it (the same array, not searched again: PERF-177)."""
    return _prominences(x, peaks, local_maxima(x) if maxima is None else maxima)


def _prominences(x: FloatArray, peaks: IndexArray, maxima: IndexArray) -> FloatArray:
    """:func:`peak_prominences` given all local maxima of ``x``."""
    if peaks.size == 0:
        return np.zeros(0)
    nan_at = np.flatnonzero(np.isnan(x))
    nodes = np.sort(np.concatenate((maxima, nan_at))) if nan_at.size else maxima  # NaN is never a maximum
    k = np.searchsorted(nodes, peaks)
    if np.any(k >= nodes.size) or np.any(nodes[np.minimum(k, nodes.size - 1)] != peaks):
        raise ValueError("prominences are defined here for local maxima only")
    height = x[nodes]
    is_nan = np.isnan(height)
    height[is_nan] = -np.inf  # a NaN stops the search by itself below
    valley = _valley_minima(x, nodes)  # (nodes + 1,): valley[k] lies just before node k
    h = height[k]
    tops = _RangeTable(height, np.maximum)
    higher_left = tops.last_above(k, h)  # node index or -1
    higher_right = tops.first_above(k, h)  # node index or len(nodes)
    if nan_at.size:
        node_idx = np.arange(nodes.size)
        nan_left = np.maximum.accumulate(np.where(is_nan, node_idx, -1))
        nan_right = np.minimum.accumulate(np.where(is_nan, node_idx, nodes.size)[::-1])[::-1]
        higher_left = np.maximum(higher_left, np.where(k > 0, nan_left[np.maximum(k - 1, 0)], -1))
        higher_right = np.minimum(
            higher_right, np.where(k + 1 < nodes.size, nan_right[np.minimum(k + 1, nodes.size - 1)], nodes.size)
        )
    lows = _RangeTable(valley, np.minimum)
    left_base = lows.query(higher_left + 1, k + 1)
    right_base = lows.query(k + 1, higher_right + 1)
    return np.asarray(x[peaks] - np.maximum(left_base, right_base), dtype=np.float64)


def _valley_minima(x: FloatArray, nodes: IndexArray) -> FloatArray:
    """(len(nodes) + 1,) lowest sample strictly between consecutive nodes (before the first, after the
    last); +inf where there is none."""
    n = x.size
    starts = np.concatenate(([0], nodes + 1))
    ends = np.concatenate((nodes, [n]))
    valley = np.full(starts.size, np.inf)
    inner = starts[:-1] < ends[:-1]  # all but the last piece end at a node, inside the array
    if inner.any():
        bounds = np.column_stack((starts[:-1][inner], ends[:-1][inner])).reshape(-1)
        valley[:-1][inner] = np.minimum.reduceat(x, bounds)[::2]
    if starts[-1] < n:
        valley[-1] = x[starts[-1] :].min()
    return valley


class _RangeTable:
    """Sparse table of a 1-D array: ``level[j][i] = op(values[i : i + 2**j])``; range queries in O(1),
    nearest-element searches by halving in O(log n)."""

    def __init__(self, values: NDArray[np.generic], op: np.ufunc, max_span: int | None = None) -> None:
        self.op = op
        self.levels = [np.asarray(values)]
        width = 1
        limit = values.size if max_span is None else min(max_span, values.size)
        while 2 * width <= limit:
            prev = self.levels[-1]
            self.levels.append(op(prev[:-width], prev[width:]))
            width *= 2

    def query(self, lo: Counts, hi: Counts) -> NDArray[np.generic]:
        """op over ``values[lo[i] : hi[i]]`` (each range non-empty)."""
        level = np.frexp((hi - lo).astype(np.float64))[1] - 1  # floor(log2(span))
        if len(self.levels) == 1:
            return self.levels[0][lo]
        n = self.levels[0].size
        stack = np.empty((len(self.levels), n), dtype=self.levels[0].dtype)
        for j, values in enumerate(self.levels):
            stack[j, : values.size] = values
        flat = stack.reshape(-1)
        offset = level * n
        return self.op(flat[offset + lo], flat[offset + hi - np.left_shift(1, level)])

    def last_above(self, k: IndexArray, h: FloatArray) -> IndexArray:
        """Per query, the last index i < k[q] with values[i] > h[q], or -1 (values a max table)."""
        pos = k.copy()  # values[pos : k] are all <= h
        for j in range(len(self.levels) - 1, -1, -1):
            cand = pos - (1 << j)
            ok = cand >= 0
            ok[ok] = self.levels[j][cand[ok]] <= h[ok]
            pos[ok] = cand[ok]
        return pos - 1

    def first_above(self, k: IndexArray, h: FloatArray) -> IndexArray:
        """Per query, the first index i > k[q] with values[i] > h[q], or len(values) (values a max table)."""
        n = self.levels[0].size
        pos = k + 1  # values[k + 1 : pos] are all <= h
        for j in range(len(self.levels) - 1, -1, -1):
            ok = pos + (1 << j) <= n
            ok[ok] = self.levels[j][pos[ok]] <= h[ok]
            pos[ok] += 1 << j
        return pos
