"""A limb's vertical motion in the level (world) frame between its rests, for the landing search.

Vectorised over strides in chunks of samples (docs/decisions.md PERF-4): the numbers are those of a
per-stride loop (same operations per sample, per-stride running sums restarted at each stride).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.stepwindows import block_samples
from retrogait.analysis.zupt import gravity_pitches_rad
from retrogait.conventions import STANDARD_GRAVITY_MS2

#: Samples of strides processed at once: bounds the temporary arrays on long recordings (changes no
#: result, so not an analysis setting); a shorter part in a slow or short recording (block_samples, PERF-49).
CHUNK_SAMPLES = 1 << 17
#: Longest rest-to-rest interval (s) read as a stride by default; longer ones are pauses.
MAX_STRIDE_S = 2.5


def world_vertical_motion(
    acc_ms2: NDArray[np.float64],
    gyr_dps: NDArray[np.float64],
    fs: float,
    rest_idx: NDArray[np.int64],
    with_velocity: bool = True,
    max_stride_s: float = MAX_STRIDE_S,
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """(n,) upward acceleration (m/s^2, gravity removed) and upward velocity (m/s, or None) of a limb.

    Between consecutive rest points (mid-stance; for the foot zero velocity) the sagittal pitch is the
    gyro integral anchored on gravity at both rests (as zupt.stride_pitch), the specific force is
    rotated to the level frame, and for the foot it is integrated with the velocity's end error
    removed linearly (zero at both rests). Elsewhere (before the first rest, across pauses longer
    than ``max_stride_s``) the acceleration is the body frame's z (the segment's standing vertical)
    and the velocity NaN.
    """
    n = acc_ms2.shape[0]
    up = acc_ms2[:, 2] - STANDARD_GRAVITY_MS2
    vel = np.full(n, np.nan) if with_velocity else None
    rest = np.asarray(rest_idx, dtype=np.int64)
    a, b = rest[:-1], rest[1:]
    ok = (a >= 0) & (b > a) & (b - a <= max_stride_s * fs)
    a, b = a[ok], b[ok]
    if a.size == 0:
        return up, vel
    cum = np.concatenate([[0.0], np.cumsum(gyr_dps[:, 1])]) * (np.pi / 180.0 / fs)
    theta_a, theta_b = gravity_pitches_rad(acc_ms2, a, b, fs)
    drift = theta_a + cum[b] - cum[a] - theta_b
    for rows in _chunks(b - a, block_samples(n, CHUNK_SAMPLES)):
        first, length = a[rows], b[rows] - a[rows]
        at = _samples(first, b[rows])
        pos = (np.arange(int(first[0]), int(b[rows][-1])) if isinstance(at, slice) else at) - np.repeat(first, length)
        frac = pos / np.repeat(length, length)  # sample within stride / stride length
        del pos
        # theta_a + (cum - cum at the start) - drift * frac, term by term as written (each sum's order kept)
        theta = cum[at] - np.repeat(cum[first], length)
        theta += np.repeat(theta_a[rows], length)
        theta -= np.multiply(np.repeat(drift[rows], length), frac)
        # -f_x sin(theta) + f_z cos(theta) - g, in place: -(f_x sin) is (-f_x) sin to the bit
        seg = np.sin(theta)
        seg *= acc_ms2[at, 0]
        np.negative(seg, out=seg)
        seg += np.multiply(np.cos(theta, out=theta), acc_ms2[at, 2], out=theta)
        del theta
        seg -= STANDARD_GRAVITY_MS2
        up[at] = seg
        if vel is not None:
            v = _cumsum_per_stride(seg, length) / fs
            last = v[np.cumsum(length) - 1]
            vel[at] = v - np.repeat(last, length) * (frac + np.repeat(1.0 / length, length))
    return up, vel


def _samples(first: NDArray[np.int64], end: NDArray[np.int64]) -> slice | NDArray[np.int64]:
    """The samples of the strides ``first`` to ``end`` (exclusive), back to back in stride order: one slice where
    each stride starts where the one before it ends (rests in a row: no index array, views instead of gathers,
    PERF-59), else their indices."""
    if np.array_equal(first[1:], end[:-1]):
        return slice(int(first[0]), int(end[-1]))
    length = end - first
    return np.arange(int(length.sum())) + np.repeat(first - (np.cumsum(length) - length), length)


def _chunks(length: NDArray[np.int64], most: int) -> Iterator[NDArray[np.int64]]:
    """Consecutive stride indices whose samples add up to about ``most`` (at least one stride)."""
    ends = np.cumsum(length)
    first = 0
    while first < length.size:
        last = max(first + 1, int(np.searchsorted(ends, ends[first] - length[first] + most, "right")))
        yield np.arange(first, last)
        first = last


def _cumsum_per_stride(x: NDArray[np.float64], length: NDArray[np.int64]) -> NDArray[np.float64]:
    """``np.cumsum`` of each stride's run of ``x`` (runs of ``length`` samples, back to back), bit for bit:
    the runs are laid out as the rows of a zero-padded matrix, whose row-wise running sum adds the same
    numbers in the same order."""
    width = int(length.max())
    inside = np.arange(width)[None, :] < length[:, None]
    padded = np.zeros((length.size, width))
    padded[inside] = x
    np.cumsum(padded, axis=1, out=padded)
    return np.asarray(padded[inside])
