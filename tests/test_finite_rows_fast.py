"""PERF-79: a recording with every value measured skips the fill / bridge / drop passes, with the same result."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.analysis import preprocess
from retrogait.session import Session, SessionMeta


def _session(t: np.ndarray, acc: np.ndarray, gyr: np.ndarray | None) -> Session:
    return Session(t, acc, gyr, SessionMeta("shank", 200.0), source="test")


def _clean(n: int = 4000, gyro: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    rng = np.random.default_rng(7)
    t = np.arange(n) / 200.0
    acc = rng.normal(size=(n, 3)) + [0.0, 0.0, 9.81]
    return t, acc, (rng.normal(size=(n, 3)) if gyro else None)


def _both_ways(session: Session, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple, list[str], tuple, list[str]]:
    fast_notes: list[str] = []
    fast = preprocess._finite_rows(session, fast_notes)
    with monkeypatch.context() as m:
        m.setattr(preprocess, "_every_value_measured", lambda *a: False)
        slow_notes: list[str] = []
        slow = preprocess._finite_rows(session, slow_notes)
    return fast, fast_notes, slow, slow_notes


def _same(a: tuple, b: tuple) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        if x is None or y is None:
            assert x is None and y is None
        else:
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("gyro", [True, False])
def test_a_clean_recording_takes_the_fast_path_with_the_full_path_s_result(
    gyro: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    t, acc, gyr = _clean(gyro=gyro)
    assert preprocess._every_value_measured(t, acc, gyr)
    fast, fast_notes, slow, slow_notes = _both_ways(_session(t, acc, gyr), monkeypatch)
    _same(fast, slow)
    assert fast_notes == slow_notes == []


def test_unsorted_times_are_sorted_on_the_fast_path_too(monkeypatch: pytest.MonkeyPatch) -> None:
    t, acc, gyr = _clean()
    t[[100, 101]] = t[[101, 100]]
    t[200] = t[199]
    fast, fast_notes, slow, slow_notes = _both_ways(_session(t, acc, gyr), monkeypatch)
    _same(fast, slow)
    assert fast_notes == slow_notes
    assert any("sorted" in n for n in fast_notes)


@pytest.mark.parametrize(
    "damage",
    ["acc_nan", "gyr_nan", "acc_inf", "gyr_minus_inf", "acc_absurd", "gyr_minus_absurd", "t_nan"],
)
def test_any_missing_infinite_or_absurd_value_takes_the_full_path(damage: str) -> None:
    t, acc, gyr = _clean()
    assert gyr is not None
    where, axis = 1234, 1
    if damage == "acc_nan":
        acc[where, axis] = np.nan
    elif damage == "gyr_nan":
        gyr[where, axis] = np.nan
    elif damage == "acc_inf":
        acc[where, axis] = np.inf
    elif damage == "gyr_minus_inf":
        gyr[where, axis] = -np.inf
    elif damage == "acc_absurd":
        acc[where, axis] = 2e7
    elif damage == "gyr_minus_absurd":
        gyr[where, axis] = -2e7
    else:
        t[where] = np.nan
    assert not preprocess._every_value_measured(t, acc, gyr)
