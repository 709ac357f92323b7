"""Counts of True before given indices without the whole running count (masks.counts_before, PERF-164)."""

from __future__ import annotations

import numpy as np
import pytest

import retrogait
from retrogait.masks import counts_before
from retrogait.simulate import Bout, SimulationConfig, simulate


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 100, 4097])
@pytest.mark.parametrize("share", [0.0, 0.02, 0.5, 0.51, 0.98, 1.0])
def test_counts_before_are_the_running_count_s(n: int, share: float) -> None:
    rng = np.random.default_rng(n + int(100 * share))
    mask = rng.random(n) < share
    if n > 20:
        mask[5:15] = not mask[4]  # runs and lone values both
    reference = np.concatenate([[0], np.cumsum(mask)])
    idx = np.concatenate([[0, n, n // 2], rng.integers(0, n + 1, 50), [n, 0]]).astype(np.int64)
    got = counts_before(mask, idx)
    assert got.dtype.kind == "i"
    assert np.array_equal(got, reference[idx])
    assert counts_before(mask, idx[:0]).size == 0
    pairs = np.stack([idx, idx[::-1]])  # several index arrays in one search
    assert np.array_equal(counts_before(mask, pairs), reference[pairs])


def test_the_count_s_callers_take_no_running_count_of_a_whole_recording(monkeypatch: pytest.MonkeyPatch) -> None:
    """The contacts' landing and rest checks, the standing between contacts and the bouts' pauses and bridged gaps
    read counts at a few indices: no cumsum of a whole recording's mask is left in the analysis (each was ~3 ms an
    hour at 200 Hz)."""
    still = Bout("still", "still", 0.0, 3.0)
    gait = [Bout("forward", "running", 3.0, 8.0), still, Bout("backward", "running", 2.5, 8.0)]
    session = simulate(SimulationConfig("shank", gait, sample_rate_hz=200.0, seed=9)).session
    whole: list[int] = []
    original = np.cumsum

    def counted(a: object, *args: object, **kwargs: object) -> object:
        values = np.asarray(a)
        if values.dtype == np.bool_ and values.size >= session.n_samples - 1:
            whole.append(values.size)
        return original(a, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(np, "cumsum", counted)
    steps = retrogait.analyze(session).steps
    monkeypatch.undo()
    assert len(steps) > 20
    assert whole == []
