"""Runs of True and masks painted from runs (retrogait.masks) against a plain loop."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.masks import runs_mask, true_runs


def _runs_by_loop(mask: list[bool]) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, value in enumerate([*mask, False]):
        if value and start is None:
            start = i
        elif not value and start is not None:
            runs.append((start, i))
            start = None
    return runs


@pytest.mark.parametrize("n", [0, 1, 2, 7, 200])
def test_true_runs_match_a_loop(n: int) -> None:
    rng = np.random.default_rng(n)
    for p in (0.0, 0.3, 0.8, 1.0):
        mask = rng.random(n) < p
        starts, ends = true_runs(mask)
        assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == _runs_by_loop(mask.tolist())
        assert runs_mask(n, starts, ends).tolist() == mask.tolist()


def test_true_runs_of_a_strided_view_and_a_list() -> None:
    mask = np.array([1, 1, 0, 1, 1, 1, 0, 0, 1], dtype=bool)
    starts, ends = true_runs(mask[::2])  # [1, 0, 1, 0, 1]
    assert starts.tolist() == [0, 2, 4] and ends.tolist() == [1, 3, 5]
    starts, ends = true_runs([False, True, True])  # type: ignore[arg-type]
    assert starts.tolist() == [1] and ends.tolist() == [3]


def test_runs_mask_of_overlapping_and_empty_runs() -> None:
    painted = runs_mask(6, np.array([0, 2, 4]), np.array([3, 4, 4]))
    assert painted.tolist() == [True, True, True, True, False, False]
