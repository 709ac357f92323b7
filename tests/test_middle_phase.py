"""The slots' middle phase found without sorting every phase: the same float as in order (PERF-130)."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.analysis.preprocess import _middle_phase, _widest_empty_arc


def _in_order(x: np.ndarray) -> float:
    """The middle phase from all the phases sorted (the code before PERF-130)."""
    f = np.sort(x - np.floor(x))
    empty = np.diff(np.concatenate([f, [f[0] + 1.0]]))
    i = int(np.argmax(empty))
    return float((f[i] + 0.5 * empty[i] + 0.5) % 1.0)


def _clocks(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 5000))
    k = np.arange(n, dtype=np.float64)
    return [
        k + rng.normal(0.0, 0.05, n),  # a jittered clock
        k * 1.0001 + rng.uniform(-0.3, 0.3, n),  # a rate off by 1e-4
        np.round(k + rng.normal(0.0, 0.1, n), 3),  # stamps to the ms: equal phases
        k + rng.choice([0.0, 0.25, 0.5], n),  # phases on three values only
        np.cumsum(rng.uniform(0.5, 1.5, n)),  # no clock: phases everywhere
        rng.uniform(-5.0, 5.0, n) - 1e-17,  # below zero: a phase of 1.0
        k + 0.999999 + rng.normal(0.0, 1e-7, n),  # phases across 1
    ]


@pytest.mark.parametrize("seed", range(8))
def test_the_middle_phase_is_the_one_the_phases_in_order_give(seed: int) -> None:
    for x in _clocks(seed):
        assert _middle_phase(x) == _in_order(x)


def test_the_widest_arc_is_found_without_sorting_where_a_stretch_is_empty() -> None:
    rng = np.random.default_rng(1)
    x = np.arange(10_000) + rng.normal(0.0, 0.05, 10_000)
    found = _widest_empty_arc(x - np.floor(x))
    assert found is not None
    start, length = found
    f = np.sort(x - np.floor(x))
    empty = np.diff(np.concatenate([f, [f[0] + 1.0]]))
    assert (start, length) == (float(f[np.argmax(empty)]), float(empty.max()))
    assert _widest_empty_arc(np.linspace(0.0, 1.0, 1000, endpoint=False)) is None  # no empty stretch: in order
