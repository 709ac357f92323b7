"""Contact detection's mid-stances: peaks spaced visiting only the conflicts, and the prominences from the local
maxima already found (PERF-178, PERF-177)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from call_count import NumpyCalls
from retrogait.analysis import contacts
from retrogait.analysis.contacts import _spaced
from retrogait.dsp.peaks import local_maxima, peak_prominences


def _one_pass(
    peaks: NDArray[np.int64], heights: NDArray[np.float64], min_gap: NDArray[np.float64]
) -> NDArray[np.int64]:
    """The rule as one pass over every peak (the code before PERF-178)."""
    if peaks.size < 2:
        return peaks
    keep: list[int] = []
    for i in range(peaks.size):
        if keep and peaks[i] - peaks[keep[-1]] < min_gap[i]:
            if heights[i] > heights[keep[-1]]:
                keep[-1] = i
            continue
        keep.append(i)
    return peaks[np.asarray(keep, dtype=np.int64)]


@pytest.mark.parametrize("listed", [0, 10**9])  # the walk over the arrays and over lists (REVIEW-280)
@pytest.mark.parametrize("seed", range(4))
def test_the_peaks_kept_are_the_one_pass_s(seed: int, listed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contacts, "CONFLICTS_PER_LISTED", listed)
    rng = np.random.default_rng(seed)
    dropped = 0
    for _ in range(2000):
        m = int(rng.integers(0, 40))
        peaks = np.sort(rng.choice(400, m, replace=False)).astype(np.int64)
        heights = rng.random(m)
        heights[rng.random(m) < 0.1] = np.nan
        if rng.random() < 0.3:  # ties
            heights = np.round(heights, 1)
        gap = rng.random(m) * 40
        gap[rng.random(m) < 0.05] = np.nan
        kept = _spaced(peaks, heights, gap)
        assert kept.dtype == np.int64 and np.array_equal(kept, _one_pass(peaks, heights, gap))
        dropped += m - kept.size
    assert dropped > 10000  # chains of conflicts, not only spaced peaks


def test_edge_cases_empty_one_and_a_chain() -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert _spaced(empty, np.zeros(0), np.zeros(0)).size == 0
    assert _spaced(np.array([7]), np.array([np.nan]), np.array([5.0])).tolist() == [7]
    peaks = np.array([0, 3, 6, 9, 30])
    heights = np.array([1.0, 2.0, 0.5, 3.0, 0.1])
    gap = np.full(5, 4.0)  # each within 4 of the one before: the higher one moves the kept peak on
    assert _spaced(peaks, heights, gap).tolist() == _one_pass(peaks, heights, gap).tolist() == [3, 9, 30]


def test_prominences_from_the_maxima_given_are_those_searched_again() -> None:
    rng = np.random.default_rng(5)
    for _ in range(200):
        x = np.round(rng.normal(size=int(rng.integers(3, 500))), 1)  # flat tops too
        if rng.random() < 0.2:
            x[rng.random(x.size) < 0.02] = np.nan
        maxima = local_maxima(x)
        peaks = maxima[rng.random(maxima.size) < 0.5]
        given = peak_prominences(x, peaks, maxima)
        assert np.array_equal(given, peak_prominences(x, peaks), equal_nan=True)


def test_a_run_of_conflicts_costs_no_numpy_call_per_peak(monkeypatch: pytest.MonkeyPatch) -> None:
    """A messy recording (every peak within the gap of the one before, ever higher or alternating) is walked over
    lists, not with a searchsorted per conflict: the worst case no slower than the one pass before (REVIEW-280)."""
    searches = NumpyCalls(monkeypatch, "searchsorted")
    peaks = np.arange(0, 1000, 2, dtype=np.int64)
    for heights in (np.arange(peaks.size, dtype=float), np.tile([1.0, 0.0], peaks.size // 2)):
        searches.n = 0
        kept = _spaced(peaks, heights, np.full(peaks.size, 3.0))
        assert np.array_equal(kept, _one_pass(peaks, heights, np.full(peaks.size, 3.0)))
        assert searches.n <= 2
