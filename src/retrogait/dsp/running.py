"""Running maximum, minimum and median over a sliding window, as ``scipy.ndimage`` computes them.

``running_max(x, size)`` / ``running_min(x, size)`` are ``maximum_filter1d`` / ``minimum_filter1d`` with
``mode="nearest"`` (the ends repeated), ``origin=0``: sample i sees ``x[i - size // 2 : i - size // 2 +
size]``. van Herk / Gil-Werman: the edge-padded signal is cut into blocks of ``size``; every window spans
the end of one block and the start of the next, so its extreme is that of a suffix extreme of the first
and a prefix extreme of the second (``np.maximum.accumulate`` within blocks): three passes whatever the
size, in chunks of ``CHUNK`` samples. The values are samples of ``x``, so the results are exact.
``running_median(x, size)`` is ``median_filter`` with ``mode="mirror"`` (reflected about the end
samples) for short per-step series.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Output samples per chunk of the running extremes (bounds the temporary memory of long signals).
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
    before = size // 2
    out = np.empty(n)
    step = max(size, CHUNK - CHUNK % size)  # a whole number of blocks per chunk
    for start in range(0, n, step):
        stop = min(start + step, n)
        out[start:stop] = _chunk_extreme(x, start - before, stop - start, size, op)
    return out


def _chunk_extreme(x: FloatArray, first: int, count: int, size: int, op: np.ufunc) -> FloatArray:
    """Extremes of the ``count`` windows starting at ``x[first]``, ``x[first + 1]``, ... (indices outside
    ``x`` read its end samples)."""
    blocks = -(-(count + size - 1) // size)
    idx = np.clip(np.arange(first, first + blocks * size), 0, x.size - 1)
    padded = x[idx].reshape(blocks, size)
    prefix = op.accumulate(padded, axis=1).reshape(-1)
    suffix = op.accumulate(padded[:, ::-1], axis=1)[:, ::-1].reshape(-1)
    return np.asarray(op(suffix[:count], prefix[size - 1 : size - 1 + count]))


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
