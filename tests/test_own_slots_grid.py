"""Samples on their own slots are put on the grid without the interpolation's search: the same arrays (PERF-138)."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.analysis import preprocess


def _recording(seed: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """A 100 Hz clock stamped with delivery jitter (each sample near its slot), values with NaN, infinities, -0.0
    and +0.0 side by side, some samples clipped."""
    rng = np.random.default_rng(seed)
    fs = 100.0
    t = 1.7e9 * (seed % 2) + 3.0 + np.arange(n) / fs + rng.uniform(-0.2, 0.2, n) / fs
    acc = rng.normal(0.0, 9.81, (n, 3))
    gyr = rng.normal(0.0, 100.0, (n, 3))
    for values in (acc, gyr):
        values[rng.integers(0, n, n // 20), rng.integers(0, 3, n // 20)] = np.nan
        values[rng.integers(0, n, n // 50), rng.integers(0, 3, n // 50)] = np.inf
        values[rng.integers(0, n, n // 50), rng.integers(0, 3, n // 50)] = -np.inf
        values[rng.integers(0, n, n // 10), rng.integers(0, 3, n // 10)] = -0.0
        values[rng.integers(0, n, n // 10), rng.integers(0, 3, n // 10)] = 0.0
    acc[-1] = [np.nan, -0.0, np.inf]
    acc[-2] = [1.0, np.inf, -0.0]
    clipped = rng.random(n) < 0.05
    return t, acc, gyr, clipped, fs


def spied(monkeypatch: pytest.MonkeyPatch, name: str) -> list[bool]:
    """``preprocess``'s fast path ``name`` replaced by itself noting what it returned, in the list returned."""
    taken: list[bool] = []
    real = getattr(preprocess, name)

    def counted(*args: object, **kw: object) -> bool:
        taken.append(real(*args, **kw))
        return taken[-1]

    monkeypatch.setattr(preprocess, name, counted)
    return taken


def _as_bytes(out: tuple) -> list[bytes | str | None]:
    return [None if a is None else a if isinstance(a, str) else np.ascontiguousarray(a).tobytes() for a in out]


@pytest.mark.parametrize("seed", range(6))
def test_samples_on_their_own_slots_get_what_interpolation_gives(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    t, acc, gyr, clipped, fs = _recording(seed, 70_001 if seed < 2 else 997)
    taken = spied(monkeypatch, "_onto_own_slots")
    with np.errstate(invalid="ignore"):  # an infinity times the weight 0: NaN, as interpolated
        fast = preprocess._uniform_grid(t, acc, gyr if seed != 3 else None, clipped, fs)
    assert taken == [True] and fast[-1] == "slots"
    monkeypatch.setattr(preprocess, "_onto_own_slots", lambda *args, **kw: False)
    with np.errstate(invalid="ignore"):
        general = preprocess._uniform_grid(t, acc, gyr if seed != 3 else None, clipped, fs)
    assert _as_bytes(fast) == _as_bytes(general)


def test_a_lost_sample_is_interpolated_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    t, acc, gyr, clipped, fs = _recording(7, 2_000)
    keep = np.ones(t.size, dtype=bool)
    keep[500] = False  # a slot without its sample: the grid is not the samples' times
    taken: list[bool] = []
    monkeypatch.setattr(preprocess, "_onto_own_slots", lambda *args, **kw: taken.append(True) or True)
    with np.errstate(invalid="ignore"):
        out = preprocess._uniform_grid(t[keep], acc[keep], gyr[keep], clipped[keep], fs)
    assert taken == [] and out[-1] == "slots" and out[0].size == t.size


def test_two_slots_on_one_float_leave_it_to_the_interpolation() -> None:
    n = 70_000
    t = np.arange(n) / 100.0
    t[50_001] = t[50_000]  # a step of 0 in the second block: the general path's 0 / 0 is kept
    values = np.ones((n, 3))
    out = np.empty((n, 3))
    gap, clipped = np.empty(n, dtype=bool), np.zeros(n, dtype=bool)
    done = preprocess._onto_own_slots(t, 0.025, 32_768, (values, out), (None, None), (clipped, clipped.copy()), gap)
    assert done is False
