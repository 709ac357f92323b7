"""A straight line through points by least squares: ``np.polyfit(x, y, 1)``'s two floats bit for bit, in less of
its time on a long series: on 741,191 points ~36 -> ~13 ms in a fresh process, ~37 -> ~23 ms as ``analyze`` runs it
(after threadpoolctl's BLAS limit; ``scripts/bench_line_fit.py``; PERF-137, REVIEW-215)."""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import NDArray


def line_fit(x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[np.float64, np.float64]:
    """(slope, offset) of the least-squares line ``y ~ slope * x + offset`` (units of y per unit of x, units of y):
    what ``np.polyfit(x, y, 1)`` gives, bit for bit. The same steps in the same order (x's column scaled by its
    norm, summed row after row as numpy's sum along the first axis does, and ``np.linalg.lstsq`` with polyfit's
    ``rcond``), with the matrix built column-major, the layout LAPACK takes, instead of ``np.vander``'s rows
    copied into it; the same ``RankWarning`` where the points hold no line. ``x`` and ``y``: 1-D float64, one
    length (at least 1)."""
    n = x.size
    lhs = np.empty((n, 2), order="F")
    column = lhs[:, 0]
    np.add(x, 0.0, out=column)  # polyfit's ``x + 0.0``: a -0.0 becomes +0.0
    x_scale = np.sqrt(np.add.accumulate(column * column)[-1])
    ones_scale = np.sqrt(np.float64(n))  # the sum of n ones, exact
    column /= x_scale
    lhs[:, 1] = 1.0 / ones_scale
    coefficients, _, rank, _ = np.linalg.lstsq(lhs, y + 0.0, rcond=n * np.finfo(np.float64).eps)
    if rank != 2:
        warnings.warn("Polyfit may be poorly conditioned", np.exceptions.RankWarning, stacklevel=2)
    return coefficients[0] / x_scale, coefficients[1] / ones_scale
