"""Running maximum, minimum and median over a sliding window, as ``scipy.ndimage`` computes them.

``running_max(x, size)`` / ``running_min(x, size)`` are ``maximum_filter1d`` / ``minimum_filter1d`` with
``mode="nearest"`` (the ends repeated), ``origin=0``: sample i sees ``x[i - size // 2 : i - size // 2 +
size]``. By doubling: the extreme over 2w samples is that of two windows of w side by side, so
log2(size) whole-signal passes give windows of the largest power of two w <= size, and one more pass
combines two of them, overlapping, into ``size`` (the extreme is the same however often a sample is
seen); ``CHUNK`` samples at a time. The values are samples of ``x``, so the results are exact. NaN is
not handled as ndimage handles it (the analysis's signals are finite).
``running_median(x, size)`` is ``median_filter`` with ``mode="mirror"`` (reflected about the end
samples) for short per-step series.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Output samples per chunk of the running extremes (bounds their temporary memory on long signals).
CHUNK = 1 << 16


def running_max(x: NDArray[np.floating], size: int) -> FloatArray:
    """(n,) largest sample of each window of ``size`` samples (ends repeated); ndimage's
    ``maximum_filter1d(x, size, mode="nearest")``. Finite input."""
    return _running_extreme(np.asarray(x, dtype=np.float64), size, np.maximum)


def running_min(x: NDArray[np.floating], size: int) -> FloatArray:
    """(n,) smallest sample of each window of ``size`` samples (ends repeated); ndimage's
    ``minimum_filter1d(x, size, mode="nearest")``. Finite input."""
    return _running_extreme(np.asarray(x, dtype=np.float64), size, np.minimum)


def _running_extreme(x: FloatArray, size: int, op: np.ufunc) -> FloatArray:
    if x.ndim != 1:
        raise ValueError("running extremes take a 1-D signal")
    if size < 1:
        raise ValueError(f"window size must be at least 1, not {size}")
    n = x.size
    if size == 1 or n == 0:
        return x.copy()
    out = np.empty(n)
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        out[start:stop] = _doubling(_padded(x, start - size // 2, stop - start + size - 1), size, op)
    return out


def _padded(x: FloatArray, first: int, length: int) -> FloatArray:
    """``x[first : first + length]`` with indices outside ``x`` reading its end samples."""
    seg = np.empty(length)
    lo, hi = max(first, 0), min(first + length, x.size)
    seg[: lo - first] = x[0]
    seg[lo - first : hi - first] = x[lo:hi]
    seg[hi - first :] = x[-1]
    return seg


def _doubling(seg: FloatArray, size: int, op: np.ufunc) -> FloatArray:
    """op over each window of ``size`` samples of ``seg`` (len(seg) - size + 1 windows)."""
    spare = np.empty_like(seg)
    width = 1  # seg[i] = op(original[i : i + width]) for i <= len - width
    while 2 * width <= size:
        valid = seg.size - 2 * width + 1
        op(seg[:valid], seg[width : width + valid], out=spare[:valid])
        seg, spare = spare, seg
        width *= 2
    count = seg.size - size + 1
    return np.asarray(op(seg[:count], seg[size - width : size - width + count], out=spare[:count]))


def running_median(x: NDArray[np.floating], size: int) -> FloatArray:
    """(n,) median of each window of ``size`` samples centred on the sample, the signal mirrored about its
    end samples (``d c b | a b c d | c b a``); for an even size the upper of the two middle values.
    ndimage's ``median_filter(x, size, mode="mirror")`` for 1-D ``x``; memory n x size (short series)."""
    values = np.asarray(x, dtype=np.float64)
    if values.ndim != 1 or size < 1:
        raise ValueError("running_median takes a 1-D signal and a window of at least 1 sample")
    n = values.size
    if n == 0:
        return values.copy()
    before = size // 2
    idx = np.arange(-before, n - before + size - 1)
    if n == 1:
        idx[:] = 0
    else:
        period = 2 * (n - 1)  # mirror: ... 2 1 | 0 1 ... n-1 | n-2 ...
        idx = np.abs(idx) % period
        idx = np.where(idx >= n, period - idx, idx)
    windows = np.lib.stride_tricks.sliding_window_view(values[idx], size)
    return np.partition(windows, size // 2, axis=1)[:, size // 2].copy()
