"""travel.forget_states: the chain and the chain forgetting at some links, the same bits as two runs (PERF-69)."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.analysis.travel import FORGET, forget_states, smooth_states


def _chain(rng: np.random.Generator, m: int, scale: float, share: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evidence (m, 3) with contacts of none and NaN cells, links of the kinds the direction chain uses, and a mask."""
    ll = -np.abs(rng.normal(size=(m, 3)) * scale)
    ll[rng.random(m) < 0.2] = 0.0  # contacts of no evidence
    ll[rng.random(m) < 0.05, 0] = np.nan
    links = max(m - 1, 0)
    switch = rng.choice([0.01, 0.05, FORGET, 0.0, 0.3, 1.0], size=links, p=[0.6, 0.15, 0.1, 0.05, 0.05, 0.05])
    return ll, switch, rng.random(links) < share


@pytest.mark.parametrize("scale", [0.1, 1.0, 5.0, 30.0, 800.0])  # 800: every state's evidence underflows (EDGE-70)
@pytest.mark.parametrize("share", [0.0, 0.01, 0.05, 0.3, 1.0])
def test_the_same_bits_as_two_runs_of_the_chain(scale: float, share: float) -> None:
    rng = np.random.default_rng(int(scale * 10) + int(share * 1000))
    for m in [1, 2, 3, *rng.integers(4, 400, size=40)]:
        ll, switch, forget = _chain(rng, int(m), scale, share)
        smoothed, own = forget_states(ll, switch, forget)
        assert smoothed.tobytes() == smooth_states(ll, switch).tobytes()
        assert own.tobytes() == smooth_states(ll, np.where(forget, FORGET, switch)).tobytes()


def test_a_link_that_forgets_changes_the_steps_around_it() -> None:
    """Not the first chain returned twice: one bout end between a firm forward and a firm backward walk frees both."""
    ll = np.tile([0.0, -3.0, -3.0], (20, 1))
    ll[10:] = [-3.0, 0.0, -3.0]
    ll[9] = ll[10] = 0.0  # the contacts either side of the link have no evidence of their own
    switch = np.full(19, 0.01)
    forget = np.zeros(19, dtype=bool)
    forget[9] = True
    smoothed, own = forget_states(ll, switch, forget)
    assert own.tobytes() == smooth_states(ll, np.where(forget, FORGET, switch)).tobytes()
    assert own[9, 0] > smoothed[9, 0] and own[10, 1] > smoothed[10, 1]


#: Evidence cells at the edges of float64: zeros of both signs, NaN, infinities (nan_to_num's +-1.8e308),
#: log-odds past exp's range, subnormals.
EXTREMES = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e308, -1e308, 745.0, -745.0, 800.0, -800.0, 5e-324, -5e-324, 1e15]


def _outcome(ll: np.ndarray, switch: np.ndarray, forget: np.ndarray) -> tuple[object, object]:
    """forget_states' two chains as bytes, and two smooth_states calls' (or the exception each raises)."""
    try:
        smoothed, own = forget_states(ll, switch, forget)
        got: object = (smoothed.tobytes(), own.tobytes())
    except (OverflowError, ValueError) as exc:  # exp of a log-odds past its range: as smooth_states
        got = type(exc)
    try:
        want: object = (
            smooth_states(ll, switch).tobytes(),
            smooth_states(ll, np.where(forget, FORGET, switch)).tobytes(),
        )
    except (OverflowError, ValueError) as exc:
        want = type(exc)
    return got, want


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # inf - inf in a NaN evidence row's normalisation: both ways
def test_the_same_bits_at_the_edges_of_float64() -> None:
    """REVIEW-103 (PERF-69's review): evidence of +-0, NaN, +-inf, huge and subnormal cells, switch probabilities
    NaN, negative, 0, above FORGET; forgetting at the first, the last, adjacent or every link; 0-2 steps."""
    rng = np.random.default_rng(103)
    for _ in range(400):
        m = int(rng.choice([0, 1, 2, 3, 5, 40, 200]))
        ll = rng.normal(size=(m, 3)) * float(rng.choice([1e-3, 1.0, 30.0, 800.0]))
        cells = rng.random((m, 3)) < 0.15
        ll[cells] = rng.choice(EXTREMES, size=int(cells.sum()))
        links = max(m - 1, 0)
        kinds = [0.01, 0.05, FORGET, 0.0, -0.0, 1e-320, 1.0, -1.0, np.nan]
        switch = rng.choice(kinds, size=links, p=[0.5, 0.1, 0.1, 0.08, 0.05, 0.05, 0.05, 0.04, 0.03])
        forget = rng.random(links) < float(rng.choice([0.0, 0.05, 0.5, 1.0]))
        if links > 1:  # the first link, the last, or two adjacent ones
            j = int(rng.integers(0, links - 1))
            forget[[[0], [links - 1], [j, j + 1]][int(rng.integers(0, 3))]] = True
        got, want = _outcome(ll, switch, forget)
        assert got == want
