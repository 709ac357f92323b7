"""``dsp.line_fit`` gives ``np.polyfit(x, y, 1)``'s two floats bit for bit (PERF-137)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from retrogait.dsp.line_fit import line_fit


def _cases(seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Slots against clock phases as ``preprocess._clock_slots`` fits them, and plain noisy lines."""
    rng = np.random.default_rng(seed)
    cases = []
    for n in (3, 4, 17, 1_000, 8_193, 60_000):
        fs = float(rng.uniform(20.0, 1_000.0))
        t = np.cumsum(rng.uniform(0.5, 1.5, n) / fs) + float(rng.uniform(0.0, 2e9))
        r = (t - t[0]) * fs
        cases.append((np.rint(r / rng.uniform(0.999, 1.001) - rng.uniform()), r))
        x = rng.normal(0.0, 1.0, n) * 10.0 ** rng.uniform(-3.0, 6.0, n)
        cases.append((x, 3.5 * x - 2.0 + rng.normal(0.0, 1e-3, n)))
    x = np.rint(np.linspace(-3.0, 3.0, 101))  # -0.0 among the slots
    cases.append((x, 2.0 * x + 0.25))
    return cases


@pytest.mark.parametrize("seed", range(4))
def test_the_line_is_polyfits_bit_for_bit(seed: int) -> None:
    for x, y in _cases(seed):
        assert _said_by(line_fit, x, y) == _said_by(lambda a, b: np.polyfit(a, b, 1), x, y), x.size


def _said_by(
    fit: Callable[[np.ndarray, np.ndarray], Any], x: np.ndarray, y: np.ndarray
) -> tuple[bytes, bytes, list[str]]:
    """The slope's and offset's bytes a fit of ``y`` on ``x`` gives, and the messages of the warnings it gives."""
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        slope, offset = fit(x, y)
    return np.float64(slope).tobytes(), np.float64(offset).tobytes(), [str(w.message) for w in said]


def test_points_without_a_line_warn_as_polyfit_does() -> None:
    x = np.full(5, 2.0)
    y = np.arange(5.0)
    with pytest.warns(np.exceptions.RankWarning):
        expected = np.polyfit(x, y, 1)
    with pytest.warns(np.exceptions.RankWarning, match="poorly conditioned"):
        got = line_fit(x, y)
    assert np.array_equal(np.array(got), expected, equal_nan=True)


def test_points_on_one_x_of_zero_fail_as_polyfit_does() -> None:
    x = np.zeros(4)
    with np.errstate(invalid="ignore"), pytest.raises(np.linalg.LinAlgError):
        np.polyfit(x, np.arange(4.0), 1)
    with np.errstate(invalid="ignore"), pytest.raises(np.linalg.LinAlgError):
        line_fit(x, np.arange(4.0))


@pytest.mark.parametrize("spacing", [1e-5, 1e-6])
def test_polyfits_rcond_decides_the_rank_of_a_nearly_flat_x(spacing: float) -> None:
    """An epoch-seconds clock over microseconds: the scaled columns' singular values 8e-15 (1e-5 s apart) and 9e-16
    (1e-6 s) apart, either side of polyfit's rcond (n x eps = 2.2e-15): a line, then no line (REVIEW-216). Another
    rcond (1e-10, or LAPACK's eps) gives other floats or no warning; the fits above never come near it."""
    x = 1.7e9 + np.arange(10) * spacing
    y = 2.0 * np.arange(10) + 1.0
    got = _said_by(line_fit, x, y)
    assert got == _said_by(lambda a, b: np.polyfit(a, b, 1), x, y)
    assert len(got[2]) == (1 if spacing == 1e-6 else 0)
