"""The start of the run of True holding each index, without the recording's running maximum (PERF-176)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from retrogait.masks import run_starts_at


def _running_maximum(mask: NDArray[np.bool_], idx: NDArray[np.intp]) -> NDArray[np.int64]:
    """The code before PERF-176 (contacts._limb): the runs' starts' running maximum, read where ``mask`` holds."""
    starts = np.flatnonzero(mask & ~np.concatenate([[False], mask[:-1]]))
    run_start = np.maximum.accumulate(np.bincount(starts, weights=starts, minlength=mask.size).astype(np.int64))
    return np.where(mask[idx], run_start[idx], idx)


@pytest.mark.parametrize("share", [0.0, 0.02, 0.5, 0.9, 1.0])
def test_the_run_starts_are_the_running_maximum_s(share: float) -> None:
    rng = np.random.default_rng(int(share * 100))
    for _ in range(300):
        n = int(rng.integers(1, 400))
        # runs of random lengths, about ``share`` of the values True
        mask = np.repeat(rng.random(n) < share, rng.integers(1, 20, n))[:n]
        idx = np.sort(rng.integers(0, n, int(rng.integers(0, 60))))
        found = run_starts_at(mask, idx)
        assert np.array_equal(found, _running_maximum(mask, idx))


def test_edge_cases() -> None:
    assert run_starts_at(np.zeros(0, dtype=bool), np.zeros(0, dtype=np.intp)).size == 0
    assert run_starts_at(np.array([True]), np.array([0])).tolist() == [0]
    assert run_starts_at(np.array([False]), np.array([0])).tolist() == [0]
    mask = np.array([True, True, False, True, True, True, False])
    assert run_starts_at(mask, np.array([0, 1, 2, 3, 5, 6])).tolist() == [0, 0, 2, 3, 3, 6]
