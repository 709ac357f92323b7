"""A leg lands only after it has left the ground: the stances kept, visiting only the conflicts (PERF-174)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from call_count import NumpyCalls
from retrogait.analysis import contacts
from retrogait.analysis.contacts import _one_stance_per_swing


def _one_pass(ic: NDArray[np.int64], to: NDArray[np.int64], score: NDArray[np.float64]) -> NDArray[np.bool_]:
    """The rule as one pass over every stance (the code before PERF-174)."""
    keep = np.ones(ic.size, dtype=bool)
    last = -1
    for i in range(ic.size):
        if last >= 0 and to[last] >= 0 and ic[i] <= to[last]:
            if score[i] >= score[last]:
                keep[i] = False
                continue
            keep[last] = False
        last = i
    return keep


@pytest.mark.parametrize("listed", [0, 10**9])  # the walk over the arrays and over lists (REVIEW-280)
@pytest.mark.parametrize("seed", range(4))
def test_the_stances_kept_are_the_one_pass_s(seed: int, listed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contacts, "CONFLICTS_PER_LISTED", listed)
    rng = np.random.default_rng(seed)
    conflicts = 0
    for _ in range(2000):
        m = int(rng.integers(0, 40))
        ic = np.sort(rng.integers(0, 300, m)).astype(np.int64)
        to = (ic + rng.integers(-3, 40, m)).astype(np.int64)
        to[rng.random(m) < 0.2] = -1  # no toe-off found
        score = rng.random(m)
        score[rng.random(m) < 0.1] = np.nan
        if rng.random() < 0.3:  # ties
            score = np.round(score, 1)
        kept = _one_stance_per_swing(ic, to, score)
        assert kept.dtype == bool and np.array_equal(kept, _one_pass(ic, to, score))
        conflicts += int((~kept).sum())
    assert conflicts > 1000  # the cases hold chains of conflicts, not only clean strides


def test_edge_cases_empty_one_and_no_conflict() -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert _one_stance_per_swing(empty, empty, np.zeros(0)).size == 0
    one = np.array([5], dtype=np.int64)
    assert _one_stance_per_swing(one, np.array([9]), np.array([np.nan])).tolist() == [True]
    ic = np.arange(0, 1000, 10, dtype=np.int64)
    assert _one_stance_per_swing(ic, ic + 5, np.ones(ic.size)).all()
    # a chain: each lands before the one before leaves; the last stance kept is judged against the next one
    ic, to = np.array([0, 10, 20, 30]), np.array([25, 35, 45, 55])
    score = np.array([0.5, 0.4, 0.6, 0.1])
    expected = [False, False, False, True]
    assert _one_stance_per_swing(ic, to, score).tolist() == _one_pass(ic, to, score).tolist() == expected


def test_a_run_of_conflicts_costs_no_numpy_call_per_stance(monkeypatch: pytest.MonkeyPatch) -> None:
    """A messy recording (each stance landing before the one before leaves) is walked over lists, not with a
    searchsorted per conflict: the worst case no slower than the one pass before (REVIEW-280)."""
    searches = NumpyCalls(monkeypatch, "searchsorted")
    ic = np.arange(0, 5000, 10, dtype=np.int64)
    for score in (np.arange(ic.size, 0, -1, dtype=float), np.arange(ic.size, dtype=float)):
        searches.n = 0
        kept = _one_stance_per_swing(ic, ic + 15, score)
        assert np.array_equal(kept, _one_pass(ic, ic + 15, score))
        assert searches.n <= 2
