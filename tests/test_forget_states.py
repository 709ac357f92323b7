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
