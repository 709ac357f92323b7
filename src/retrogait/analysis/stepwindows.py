"""Vectorised per-step windows: sums, peaks and arg-extrema over many [start, stop) sample ranges.

Every function takes arrays of window starts and stops (sample indices, one pair per step) and works
without a Python loop over steps: sums come from cumulative sums, extrema from one padded
(steps x longest window) index matrix. Empty or invalid windows (stop <= start, outside the signal)
give NaN (or -1 for indices).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: A part of a recording processed at once (where the parts change no result) is at most this fraction of
#: its samples, so that the part's temporaries stay a small multiple of the samples on a slow or short
#: recording too, and at least BLOCK_MIN_SAMPLES samples (PERF-49).
BLOCK_FRACTION = 8
BLOCK_MIN_SAMPLES = 4096


def block_samples(n: int, most: int) -> int:
    """Samples of a part (of the strides) of a recording of ``n`` samples processed at once: ``most``, at most
    1 / BLOCK_FRACTION of the recording, at least BLOCK_MIN_SAMPLES (but never more than ``most``)."""
    return min(most, max(n // BLOCK_FRACTION, BLOCK_MIN_SAMPLES))


def clip_windows(start: IntArray, stop: IntArray, n: int) -> tuple[IntArray, IntArray, NDArray[np.bool_]]:
    """Clip windows to [0, n) and tell which are usable (non-empty after clipping)."""
    lo = np.clip(np.asarray(start, dtype=np.int64), 0, n)
    hi = np.clip(np.asarray(stop, dtype=np.int64), 0, n)
    return lo, hi, hi > lo


def window_sum(x: FloatArray, start: IntArray, stop: IntArray) -> FloatArray:
    """Sum of ``x[start:stop]`` per window (NaN for empty windows), from one cumulative sum."""
    lo, hi, ok = clip_windows(start, stop, x.shape[0])
    csum = np.empty(x.shape[0] + 1)  # running sum with a leading 0, filled in place (no copy)
    csum[0] = 0.0
    np.cumsum(x, dtype=np.float64, out=csum[1:])
    out = csum[hi] - csum[lo]
    return np.where(ok, out, np.nan)


def paired_window_sums(sums: FloatArray, start: IntArray, stop: IntArray) -> tuple[FloatArray, FloatArray]:
    """:func:`window_sum` of each column of ``sums[1:]`` ((n + 1, 2) float64, C-ordered, filled by the caller: e.g.
    products written in place, no (n,) temporaries) over the same windows, bit for bit, from one complex running
    sum (:func:`paired_running_sums`), about half the time of two. ``sums`` becomes the running sums."""
    lo, hi, ok = clip_windows(start, stop, sums.shape[0] - 1)
    paired_running_sums(sums)
    return np.where(ok, sums[hi, 0] - sums[lo, 0], np.nan), np.where(ok, sums[hi, 1] - sums[lo, 1], np.nan)


def paired_running_sums(sums: FloatArray) -> None:
    """Turn ``sums`` ((n + 1, 2) float64, C-ordered; rows 1.. the values) into the running sums of its two columns
    with a leading 0, in place and bit for bit ``np.cumsum``'s: the columns side by side are the real and imaginary
    parts of one complex running sum, whose additions add the parts separately, each in a cumsum's order; numpy's
    float64 cumsum is bound by the latency of each addition (about 3 ns a value here), the complex one takes both
    values in about that time (PERF-43)."""
    sums[0] = 0.0
    both = sums.view(np.complex128)[:, 0]
    np.cumsum(both[1:], out=both[1:])  # from the first value: -0.0 stays -0.0, as in a cumsum


def interval_sums(x: FloatArray, edges: IntArray) -> FloatArray:
    """(m - 1, ...) sums of the rows of ``x`` (n, ...) over ``[edges[i], edges[i + 1])``, edges in 0..n (an
    interval whose edges go back gives minus the sum between them, an empty one zero).

    One pass over the samples between the distinct edges (numpy's reduceat): no running sum of the whole
    signal, whose differences also lose digits on a long recording. Sorted edges take each interval as one
    piece; otherwise an interval is a difference of the pieces' running sum."""
    n = x.shape[0]
    in_order = not np.any(np.diff(edges) < 0)
    if in_order:
        distinct = np.concatenate([[True], np.diff(edges) > 0])
        starts = edges[distinct & (edges < n)]
        position = np.cumsum(distinct) - 1  # of each edge among the distinct ones (those at n come last)
    else:
        starts = np.unique(edges[edges < n])
        position = np.searchsorted(starts, edges)
    if starts.size == 0:  # every edge at the signal's end
        return np.zeros((max(edges.size - 1, 0), *x.shape[1:]))
    pieces = np.add.reduceat(x, starts, axis=0)
    if in_order:
        filled = (edges[1:] > edges[:-1]).reshape(-1, *([1] * (x.ndim - 1)))
        return np.where(filled, pieces[np.minimum(position[:-1], starts.size - 1)], 0.0)
    running = np.concatenate([np.zeros((1, *x.shape[1:])), np.cumsum(pieces, axis=0)])
    return np.asarray(running[position[1:]] - running[position[:-1]], dtype=np.float64)


def window_mean(x: FloatArray, start: IntArray, stop: IntArray) -> FloatArray:
    """Mean of ``x[start:stop]`` per window (NaN for empty windows)."""
    lo, hi, ok = clip_windows(start, stop, x.shape[0])
    total = window_sum(x, lo, hi)
    return np.where(ok, total / np.maximum(hi - lo, 1), np.nan)


def window_matrix(
    x: FloatArray,
    start: IntArray,
    stop: IntArray,
    fill: float = np.nan,
    max_len: int | None = None,
    width: int | None = None,
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Windows as rows of a padded matrix (steps x longest window) and its validity mask.

    ``max_len`` caps the row length (samples) so one overlong window cannot blow up memory; ``width``, where
    given, is the row length instead (a block of windows given its whole set's rows: PERF-96). A float64
    signal's rows are copied from a sliding view of it (whole rows, no index matrix; PERF-14), the
    samples past each window's end then set to ``fill``: the same matrix as gathering every sample.
    """
    lo, hi, _ = clip_windows(start, stop, x.shape[0])
    length = np.maximum(hi - lo, 0)
    if width is None:
        width = int(length.max()) if length.size else 0
        if max_len is not None:
            width = min(width, max_len)
        width = max(width, 1)
    offsets = np.arange(width)
    mask = offsets[None, :] < length[:, None]
    n = x.shape[0]
    if x.ndim == 1 and x.dtype == np.float64 and n >= width:
        rows = sliding_window_view(x, width)
        inside = lo <= n - width
        if inside.all():
            vals = rows[lo]
        else:  # windows near the signal's end: their samples up to it, the last one repeated (then filled)
            vals = np.empty((lo.shape[0], width))
            vals[inside] = rows[lo[inside]]
            vals[~inside] = x[np.minimum(lo[~inside, None] + offsets[None, :], n - 1)]
        vals[~mask] = fill
        return vals, mask
    idx = lo[:, None] + offsets[None, :]
    vals = np.where(mask, x[np.minimum(idx, max(x.shape[0] - 1, 0))], fill) if x.size else np.full(idx.shape, fill)
    return vals.astype(np.float64), mask


def window_argmax(x: FloatArray, start: IntArray, stop: IntArray, max_len: int | None = None) -> IntArray:
    """Sample index of the maximum of ``x[start:stop]`` per window (-1 for empty windows)."""
    lo, hi, ok = clip_windows(start, stop, x.shape[0])
    vals, mask = window_matrix(x, lo, hi, fill=-np.inf, max_len=max_len)
    arg = np.argmax(vals, axis=1) if vals.size else np.zeros(lo.shape[0], dtype=np.int64)
    return np.where(ok & mask.any(axis=1), lo + arg, -1).astype(np.int64)


def window_argmin(x: FloatArray, start: IntArray, stop: IntArray, max_len: int | None = None) -> IntArray:
    """Sample index of the minimum of ``x[start:stop]`` per window (-1 for empty windows): the first
    one, as ``window_argmax(-x)`` finds it, without negating the whole float signal (an integer one is
    negated: the most negative integer is its own negative)."""
    if x.dtype.kind != "f":
        return window_argmax(-x, start, stop, max_len=max_len)
    lo, hi, ok = clip_windows(start, stop, x.shape[0])
    vals, mask = window_matrix(x, lo, hi, fill=np.inf, max_len=max_len)
    arg = np.argmin(vals, axis=1) if vals.size else np.zeros(lo.shape[0], dtype=np.int64)
    return np.where(ok & mask.any(axis=1), lo + arg, -1).astype(np.int64)


def window_max(x: FloatArray, start: IntArray, stop: IntArray, max_len: int | None = None) -> FloatArray:
    """Maximum of ``x[start:stop]`` per window (NaN for empty windows)."""
    arg = window_argmax(x, start, stop, max_len=max_len)
    return np.where(arg >= 0, x[np.maximum(arg, 0)] if x.size else np.nan, np.nan)


def window_extremes(
    x: FloatArray, start: IntArray, stop: IntArray, max_len: int | None = None
) -> tuple[FloatArray, FloatArray]:
    """Maximum and minimum of ``x[start:stop]`` per window (NaN for empty windows): the samples that
    :func:`window_max` and ``-window_max(-x)`` pick (the first extreme), from one window matrix (of a
    float signal; an integer one takes those two)."""
    if x.dtype.kind != "f":
        return window_max(x, start, stop, max_len=max_len), -window_max(-x, start, stop, max_len=max_len)
    lo, hi, ok = clip_windows(start, stop, x.shape[0])
    vals, mask = window_matrix(x, lo, hi, fill=-np.inf, max_len=max_len)
    if not x.size:
        return np.full(lo.shape[0], np.nan), np.full(lo.shape[0], np.nan)
    top = np.argmax(vals, axis=1)
    vals[~mask] = np.inf
    bottom = np.argmin(vals, axis=1)
    good = ok & mask.any(axis=1)
    high = x[np.where(good, lo + top, 0)]
    low = x[np.where(good, lo + bottom, 0)]
    return np.where(good, high, np.nan), np.where(good, low, np.nan)


def previous_same_side(side: NDArray[np.str_], single_leg: bool) -> IntArray:
    """Index of the previous contact of the same leg (-1 for none).

    ``single_leg`` (foot or shank sensor): every contact is the sensor's leg, so it is simply i-1.
    Otherwise contacts of a known side are matched by side and unknown sides alternate (i-2).
    """
    m = side.shape[0]
    idx = np.arange(m, dtype=np.int64)
    if single_leg:
        return idx - 1
    prev = idx - 2
    for name in ("left", "right"):
        sel = np.flatnonzero(side == name)
        if sel.size:
            prev_sel = np.full(sel.shape, -1, dtype=np.int64)
            prev_sel[1:] = sel[:-1]
            prev[sel] = prev_sel
    return np.where(prev >= 0, prev, -1)


def next_same_side(side: NDArray[np.str_], single_leg: bool) -> IntArray:
    """Index of the next contact of the same leg (-1 for none); see :func:`previous_same_side`."""
    m = side.shape[0]
    prev = previous_same_side(side, single_leg)
    nxt = np.full(m, -1, dtype=np.int64)
    has = prev >= 0
    nxt[prev[has]] = np.flatnonzero(has)
    return nxt
