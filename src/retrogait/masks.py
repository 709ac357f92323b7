"""Runs of True in a boolean mask, a mask painted from runs, and counts of True before given indices (numpy only,
importable from every layer).

A run is given by its first index and its one-past-last index (``mask[start:end]`` is all True, the
samples just outside are False or beyond the ends).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

IndexArray = NDArray[np.intp]


def true_runs(mask: NDArray[np.bool_]) -> tuple[IndexArray, IndexArray]:
    """First and one-past-last index of each run of True in the 1-d ``mask``, in order."""
    edges = np.diff(np.asarray(mask, dtype=np.bool_).view(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def runs_mask(n: int, starts: IndexArray, ends: IndexArray) -> NDArray[np.bool_]:
    """A mask of ``n`` samples, True in each ``[start, end)`` (runs may overlap or be empty)."""
    marks = np.zeros(n + 1, dtype=np.int64)
    np.add.at(marks, starts, 1)
    np.add.at(marks, ends, -1)
    return np.cumsum(marks[:-1]) > 0


def counts_before(mask: NDArray[np.bool_], idx: NDArray[np.integer]) -> IndexArray:
    """How many values of the 1-d ``mask`` before each index of ``idx`` (any shape, ``0 <= idx <= mask.size``) are True:
    ``concatenate([[0], cumsum(mask)])[idx]``, the same integers, without the (n + 1,) running count that is read
    only at ``idx``: the rarer value's positions searched (PERF-164). An index outside 0..n is an IndexError, as the
    running count's read of it past n was (a negative one is no count before a sample; searched, either gave a number:
    REVIEW-278)."""
    mask = np.asarray(mask, dtype=np.bool_)
    at = np.asarray(idx)
    if at.size and (at.min() < 0 or at.max() > mask.size):
        raise IndexError(f"counts_before: indices must lie from 0 to {mask.size}, got {at.min()} to {at.max()}")
    if 2 * np.count_nonzero(mask) <= mask.size:
        return np.searchsorted(np.flatnonzero(mask), at, side="left")
    return at - np.searchsorted(np.flatnonzero(~mask), at, side="left")


def run_starts_at(mask: NDArray[np.bool_], idx: NDArray[np.integer]) -> IndexArray:
    """The first index of the run of True values of the 1-d ``mask`` holding each index of ``idx`` (1-d, each in
    0..n - 1), the index itself where ``mask`` is False there: what the running maximum of the runs' starts reads at
    ``idx``, without that (n,) array (PERF-176)."""
    mask = np.asarray(mask, dtype=np.bool_)
    at = np.asarray(idx, dtype=np.intp)
    starts = np.flatnonzero(mask & ~np.concatenate([[False], mask[:-1]]))
    if starts.size == 0:  # no run: every index is its own
        return at.copy()
    holding = starts[np.maximum(np.searchsorted(starts, at, side="right") - 1, 0)]
    return np.where(mask[at], holding, at)
