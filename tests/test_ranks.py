"""PERF-54: a median's or an upper quantile's side of a bound told by counting is the full computation's answer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrogait.ranks import median_within, quantile_at_least


@pytest.mark.parametrize("seed", range(6))
def test_a_median_told_within_its_bounds_is_within_them(seed: int) -> None:
    rng = np.random.default_rng(seed)
    told = 0
    for n in (1, 2, 3, 4, 5, 10, 11, 200, 201):
        for _ in range(60):
            values = rng.choice(np.array([2.9, 3.0, 3.0000000000000004, 9.8, 59.99, 60.0, 60.1, 400.0]), n)
            values = np.where(rng.random(n) < 0.3, rng.uniform(0.0, 80.0, n), values)
            answer = median_within(values, 3.0, 60.0)
            inside = 3.0 <= float(np.median(values)) <= 60.0
            assert answer is None or answer == inside
            if answer is None:
                # counting declines only where a middle value lies outside: then it may or may not be
                middle = np.sort(values)[[(n - 1) // 2, n // 2]]
                assert not (middle.min() >= 3.0 and middle.max() <= 60.0)
            told += answer is True
    assert told > 100


def test_a_median_of_two_middle_values_at_the_bounds_and_a_nan() -> None:
    assert median_within(np.array([3.0, 60.0]), 3.0, 60.0) is True  # (3 + 60) / 2
    assert median_within(np.array([2.9, 3.0, 60.0, 61.0]), 3.0, 60.0) is True
    assert median_within(np.array([2.9, 2.95, 60.0, 61.0]), 3.0, 60.0) is None  # the lower middle below
    assert median_within(np.array([5.0, math.nan, 6.0]), 3.0, 60.0) is None  # np.median is NaN
    assert median_within(np.zeros(0), 3.0, 60.0) is None


@pytest.mark.parametrize("seed", range(6))
def test_a_quantile_told_above_its_bound_is_above_it(seed: int) -> None:
    rng = np.random.default_rng(seed + 10)
    told = 0
    for n in (1, 2, 50, 99, 100, 101, 1000, 4001):
        for _ in range(40):
            scale = rng.choice(np.array([0.5, 5.0, 6.0, 50.0]))
            values = np.abs(rng.standard_normal(n)) * scale
            values[rng.random(n) < 0.2] = 6.0  # ties at the bound
            answer = quantile_at_least(values, 99.0, 6.0)
            if answer:
                assert float(np.percentile(values, 99)) >= 6.0
            told += answer
    assert told > 20


def test_a_quantile_between_far_apart_neighbours_and_a_nan() -> None:
    values = np.r_[np.full(98, 6.0), 1e300, 1e300]  # the 99th percentile between 6 and 1e300
    assert quantile_at_least(values, 99.0, 6.0) is False  # 6.0 is not above the margin: not told
    assert quantile_at_least(np.r_[np.full(98, 6.000001), 1e300, 1e300], 99.0, 6.0) is True
    assert quantile_at_least(np.r_[np.full(98, 7.0), math.nan], 99.0, 6.0) is False  # np.percentile is NaN
    assert quantile_at_least(np.r_[np.full(98, 7.0), math.inf, math.inf], 99.0, 6.0) is False  # NaN: inf - inf
    assert quantile_at_least(np.full(1, 7.0), 99.0, 6.0) is False  # too few values for the margin of one
