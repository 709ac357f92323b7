"""The still mask: where the acceleration magnitude barely changes (standing, a foot flat in stance)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.stepwindows import paired_running_sums
from retrogait.analysis.vectors import norm_rows
from retrogait.samples import nearest_samples


def still_mask(acc_ms2: NDArray[np.float64], fs_hz: float, window_s: float, std_ms2: float) -> NDArray[np.bool_]:
    """(n,) True where the std of |acc| over a centred window (s) is below ``std_ms2`` (m/s^2)."""
    return still_mask_of_norm(norm_rows(acc_ms2), fs_hz, window_s, std_ms2)


def still_mask_of_norm(norm: NDArray[np.float64], fs_hz: float, window_s: float, std_ms2: float) -> NDArray[np.bool_]:
    """:func:`still_mask` from |acc| (m/s^2, (n,)) already computed (or subsampled: a std needs no filter).

    The window shrinks at the ends (it never reaches past the first or last sample); the running sums are
    taken once over the whole signal.
    """
    return still_masks_of_norm(norm, fs_hz, [(window_s, std_ms2)])[0]


def still_masks_of_norm(
    norm: NDArray[np.float64], fs_hz: float, windows: Sequence[tuple[float, float]]
) -> list[NDArray[np.bool_]]:
    """:func:`still_mask_of_norm` of ``norm`` for each ``(window_s, std_ms2)`` of ``windows`` (s, m/s^2), from one
    set of running sums of |acc| less its mean: each mask the one it would be alone, bit for bit (the sums do not
    depend on the window; PERF-80)."""
    csum, csq = running_sums_and_squares(norm - norm.mean())
    return [
        np.asarray(_window_std(csum, csq, max(3, nearest_samples(window_s, fs_hz)) // 2) < std_ms2)
        for window_s, std_ms2 in windows
    ]


def running_sums_and_squares(dev: NDArray[np.floating]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(n + 1,) float64 running sums of ``dev`` ((n,); overwritten by its squares) and of its squares, each with a
    leading 0: ``np.cumsum``'s numbers bit for bit, from one accumulation of complex numbers
    (stepwindows.paired_running_sums, PERF-43). The results are strided views of one (n + 1, 2) array."""
    sums = np.empty((dev.size + 1, 2))
    sums[1:, 0] = dev
    np.square(dev, out=dev)
    sums[1:, 1] = dev
    del dev
    paired_running_sums(sums)
    return sums[:, 0], sums[:, 1]


def _window_std(csum: NDArray[np.float64], csq: NDArray[np.float64], half: int) -> NDArray[np.float64]:
    """Std over samples ``i - half .. i + half`` (clipped to the signal) from the running sums (n + 1,) of
    the values and of their squares."""
    n = csum.size - 1
    ends = np.unique(np.r_[0 : min(half, n), max(n - half, 0) : n])  # windows clipped by an end
    count = np.full(n, 2.0 * half + 1)
    count[ends] = np.minimum(ends + half + 1, n) - np.maximum(ends - half, 0)
    mean = _window_sums(csum, half)
    mean /= count
    var = _window_sums(csq, half)
    var /= count
    var -= np.square(mean, out=mean)
    np.maximum(var, 0.0, out=var)
    return np.sqrt(var, out=var)


def _window_sums(running: NDArray[np.float64], half: int) -> NDArray[np.float64]:
    """``running[min(i + half + 1, n)] - running[max(i - half, 0)]`` for every i: whole-array slices, no
    index arrays (the window is the same size away from the ends; ``running[0]`` is 0)."""
    n = running.size - 1
    inside = max(n - half, 0)  # windows whose last sample is inside the signal
    out = np.empty(n)
    out[:inside] = running[half + 1 : half + 1 + inside]
    out[inside:] = running[n]
    if n > half:
        out[half:] -= running[: n - half]
    return out
