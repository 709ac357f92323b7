"""The standard normal distribution function, as ``scipy.special.ndtr`` computes it."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

_SQRT1_2 = math.sqrt(0.5)


def _ndtr(a: float) -> float:
    """cephes' ``ndtr`` of one value."""
    x = a * _SQRT1_2
    z = abs(x)
    if z < _SQRT1_2:
        return 0.5 + 0.5 * math.erf(x)
    y = 0.5 * math.erfc(z)
    return 1.0 - y if x > 0 else y


def ndtr(x: NDArray[np.floating]) -> NDArray[np.float64]:
    """P(Z <= x) for a standard normal Z, element by element (NaN stays NaN): erf near 0, erfc in the
    tails as scipy (cephes) does, so small tail probabilities keep their relative precision. One
    ``math`` call per element: for per-step arrays, not for signals."""
    x = np.asarray(x, dtype=np.float64)
    return np.fromiter(map(_ndtr, x.reshape(-1).tolist()), dtype=np.float64, count=x.size).reshape(x.shape)


def student_t_cdf(x: NDArray[np.floating], dof: NDArray[np.integer]) -> NDArray[np.float64]:
    """P(T <= x) for Student's t with a whole number of degrees of freedom ``dof`` (>= 1), element by element,
    as ``scipy.special.stdtr`` computes it: the closed forms in theta = arctan(x / sqrt(dof)) (Abramowitz and
    Stegun 26.7.3-4), 0 and 1 at -inf and +inf; NaN where ``x`` is NaN or ``dof`` < 1. One array pass per term:
    for per-step arrays."""
    x, nu = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(dof, dtype=np.int64))
    ok = ~np.isnan(x) & (nu >= 1)
    nu = np.where(ok, nu, 1)
    theta = np.arctan(np.where(ok, x, 0.0) / np.sqrt(nu))
    sin, cos = np.sin(theta), np.cos(theta)
    odd = nu % 2 == 1
    last = np.where(odd, (nu - 3) // 2, (nu - 2) // 2)  # the series' last power of cos^2
    term, total = np.ones_like(theta), np.ones_like(theta)
    for k in range(1, int(last.max(initial=0)) + 1):
        term = term * np.where(odd, 2 * k / (2 * k + 1), (2 * k - 1) / (2 * k)) * cos**2
        total = total + np.where(k <= last, term, 0.0)
    share = np.where(odd, 2 / np.pi * (theta + np.where(nu > 1, sin * cos * total, 0.0)), sin * total)
    return np.where(ok, 0.5 + 0.5 * share, np.nan)
