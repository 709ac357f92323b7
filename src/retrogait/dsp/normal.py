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
