"""The grid of a clock whose samples sit on their own slots but for a few slots without one (PERF-149).

A uniform recording that lost a row (an implausible sample dropped by the range check, a lost BLE packet) has its
samples placed on the sensor's clock (``preprocess._clock_slots``) with a few slots left empty. The interpolation
onto the grid searches every grid point among the samples and gathers four (n, 3) rows; here the samples' own slots
take the sum that interpolation makes at weight 0, and only the empty slots are interpolated, with the same
formula: the same floats, bit for bit, but for the sign of a NaN where two NaN summands meet (a NaN beside an
infinity: numpy's add keeps one summand's or the other's by the element's place in the array, so it follows the row's
place in a block on either path, PERF-138's too). In ``analyze`` no infinity reaches the grid (read as missing,
EDGE-198, or its row dropped by the range check): it would take two NaNs of opposite sign side by side (REVIEW-243).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: Times the slots may skip (runs of samples between empty slots, handled one after the other, less one); more (a
#: recording losing samples all through) go to the interpolation. An implementation bound: it changes no result.
MAX_LOST_RUNS = 64
#: Samples a run needs on average, or the recording goes to the interpolation: a run costs a Python step of ~20 us, the
#: interpolation ~0.1 us a grid point (64 runs on 7,864 samples: 2.4 ms against its 1.4 ms, REVIEW-242). An
#: implementation bound: it changes no result.
SAMPLES_PER_LOST_RUN = 256
#: Slots looked at a block at a time (no (n,) temporary beside the grid).
_BLOCK = 1 << 16
#: The interpolation's weights at a sample's own slot, as float64 whatever the values' type (as PERF-138's).
_ONE, _ZERO = np.float64(1.0), np.float64(0.0)

Pair = tuple[NDArray[np.float64] | None, NDArray[np.float64] | None]
#: What the grid is filled into: the (source, out) pairs of the acceleration and the gyroscope (m/s^2, deg/s; None
#: without one) and of the clip flags, and the gap flags (out only).
Filled = tuple[Pair, Pair, tuple[NDArray[np.bool_], NDArray[np.bool_]], NDArray[np.bool_]]


def lost_slots(k: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
    """(samples, their slots) starting each run of samples on consecutive slots ``k`` (increasing, ``k[0]`` 0),
    the first run's included; None where the slots skip more than MAX_LOST_RUNS times or more than once in
    SAMPLES_PER_LOST_RUN samples (REVIEW-242)."""
    starts: list[NDArray[np.int64]] = [np.zeros(1, dtype=np.int64)]
    found, most = 0, min(MAX_LOST_RUNS, k.size // SAMPLES_PER_LOST_RUN)
    for first in range(0, k.size - 1, _BLOCK):
        end = min(first + _BLOCK, k.size - 1)
        after = np.flatnonzero(k[first + 1 : end + 1] - k[first:end] != 1) + (first + 1)
        found += after.size
        if found > most:
            return None
        starts.append(after.astype(np.int64))
    samples = np.concatenate(starts)
    return samples, np.asarray(k[samples], dtype=np.int64)


def onto_slots_with_holes(
    t: NDArray[np.float64],
    grid: NDArray[np.float64],
    runs: tuple[NDArray[np.int64], NDArray[np.int64]],
    longest: float,
    part: int,
    filled: Filled,
) -> bool:
    """``preprocess._uniform_grid``'s interpolation of samples at ``t`` onto ``grid`` (s), where each sample's time is
    its own grid point (``t[i] == grid[k[i]]``) and ``runs`` (:func:`lost_slots`) says where the slots ``k`` skip.

    The interpolation takes, at grid point j, the samples ``left = right - 1`` and ``right`` = the number of samples
    at or before it (clipped to [1, samples - 1]). On a strictly increasing grid that is the number of slots at or
    before j; so a sample's own slot (but the last) is ``v[i] * 1.0 + v[i + 1] * 0.0``, the last
    ``v[-2] * 0.0 + v[-1] * 1.0``, and an empty slot between samples i and i + 1 is interpolated between them; the
    gap is the step between left and right over ``longest``, the clip flag the nearer sample's. Fills ``filled``'s
    ``(source, out)`` pairs and gap flags ``part`` rows at a time and returns True; False (nothing promised of what
    was written: the interpolation writes every row again) where the grid does not increase strictly."""
    n, size = grid.size, t.size
    acc, gyr, clipped, gap = filled
    for first in range(0, n - 1, _BLOCK):  # two grid points on one float: searched, the general path
        end = min(first + _BLOCK, n - 1)
        if not bool((grid[first + 1 : end + 1] > grid[first:end]).all()):
            return False
    samples, slots = runs
    ends = np.append(samples[1:], size).tolist()  # one past each run's last sample
    next_slots = np.append(slots[1:], n).tolist()  # the next run's first slot
    for a, b, j, following in zip(samples.tolist(), ends, slots.tolist(), next_slots, strict=True):
        last = min(b, size - 1)  # the recording's last sample is its own case (below)
        for first in range(a, last, part):
            end = min(first + part, last)
            rows = slice(j + first - a, j + end - a)
            gap[rows] = t[first + 1 : end + 1] - t[first:end] > longest
            clipped[1][rows] = clipped[0][first:end]
            for values, out in (acc, gyr):
                if values is not None and out is not None:
                    out[rows] = values[first:end] * _ONE + values[first + 1 : end + 1] * _ZERO
        if b < size:  # the empty slots after this run's last sample, up to the next run's first
            _between(t, grid, b - 1, (j + b - a, following), longest, part, filled)
    gap[-1] = t[-1] - t[-2] > longest
    clipped[1][-1] = clipped[0][-1]
    for values, out in (acc, gyr):
        if values is not None and out is not None:
            out[-1] = values[-2] * _ZERO + values[-1] * _ONE
    return True


def _between(
    t: NDArray[np.float64],
    grid: NDArray[np.float64],
    left: int,
    empty: tuple[int, int],
    longest: float,
    part: int,
    filled: Filled,
) -> None:
    """The empty slots [``empty[0]``, ``empty[1]``) of the grid between samples ``left`` and ``left + 1``, filled
    by the interpolation's formula on those rows alone (every operation in it is elementwise)."""
    acc, gyr, clipped, gap = filled
    right = left + 1
    step = t[right] - t[left]
    for first in range(empty[0], empty[1], part):
        rows = slice(first, min(first + part, empty[1]))
        gap[rows] = step > longest
        w = np.clip((grid[rows] - t[left]) / step, 0.0, 1.0)[:, None]
        for values, out in (acc, gyr):
            if values is not None and out is not None:
                out[rows] = values[left] * (1.0 - w) + values[right] * w
        clipped[1][rows] = np.where(w[:, 0] < 0.5, clipped[0][left], clipped[0][right])
