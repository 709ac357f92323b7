"""The still mask: where the acceleration magnitude barely changes (standing, a foot flat in stance)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.vectors import norm_rows


def still_mask(acc_ms2: NDArray[np.float64], fs_hz: float, window_s: float, std_ms2: float) -> NDArray[np.bool_]:
    """(n,) True where the std of |acc| over a centred window (s) is below ``std_ms2`` (m/s^2)."""
    return still_mask_of_norm(norm_rows(acc_ms2), fs_hz, window_s, std_ms2)


def still_mask_of_norm(norm: NDArray[np.float64], fs_hz: float, window_s: float, std_ms2: float) -> NDArray[np.bool_]:
    """:func:`still_mask` from |acc| (m/s^2, (n,)) already computed (or subsampled: a std needs no filter).

    The window shrinks at the ends (it never reaches past the first or last sample); the running sums are
    taken once over the whole signal.
    """
    n = norm.size
    dev = norm - norm.mean()
    csum = np.empty(n + 1)
    csum[0] = 0.0
    np.cumsum(dev, out=csum[1:])
    np.square(dev, out=dev)
    csq = np.empty(n + 1)
    csq[0] = 0.0
    np.cumsum(dev, out=csq[1:])
    del dev
    half = max(3, round(window_s * fs_hz)) // 2
    idx = np.arange(n)
    lo = np.clip(idx - half, 0, n)
    hi = np.minimum(idx + half + 1, n)
    count = hi - lo
    mean = (csum[hi] - csum[lo]) / count
    var = (csq[hi] - csq[lo]) / count
    var -= np.square(mean, out=mean)
    np.maximum(var, 0.0, out=var)
    return np.asarray(np.sqrt(var, out=var) < std_ms2)
