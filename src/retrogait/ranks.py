"""Whether a median or an upper quantile lies past a bound, told by counting the values on either side (PERF-54).

``np.median`` and ``np.percentile`` partition every value (~5 ms for an hour's 720,000 norms); a check that only asks
on which side of a bound the order statistic lies needs two comparisons a value. Each answer here is one the full
computation gives too, or None where counting cannot tell (the caller then computes the value itself).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: Relative margin over a quantile's bound: numpy's interpolation between two order statistics can round its
#: result a few ulps below the lower one; a margin of 1e-9 is far above that and far below any bound's meaning.
QUANTILE_MARGIN = 1e-9
#: The largest finite float64: a value above it is an infinity.
FLOAT_MAX = float(np.finfo(np.float64).max)


def median_within(values: NDArray[np.float64], low: float, high: float) -> bool | None:
    """True when ``np.median(values)`` lies in [``low``, ``high``]; None when counting cannot tell (a middle value
    outside, or a NaN). With the middle one (odd count) or the two middle ones (even: their mean, which lies between
    them) inside, the median is."""
    n = values.size
    if n == 0:
        return None
    below = int(np.count_nonzero(values < low))
    above = int(np.count_nonzero(values > high))
    if below + above + int(np.count_nonzero((values >= low) & (values <= high))) != n:
        return None  # a NaN: np.median is NaN
    middle = (n - 1) // 2  # the (lower) middle order statistic
    return True if below <= middle and above <= n - 1 - (n // 2) else None


def quantile_at_least(values: NDArray[np.float64], q: float, bound: float) -> bool:
    """True when ``np.percentile(values, q)`` (linear) is surely at least ``bound`` (> 0): the order statistic one
    below its lower neighbour is at least ``bound`` x (1 + QUANTILE_MARGIN), and every value finite. False: not told."""
    n = values.size
    if n == 0:
        return False
    lower = int(np.floor(q / 100.0 * (n - 1))) - 1  # the lower neighbour's position, one less for its rounding
    if lower < 0:
        return False
    level = bound * (1.0 + QUANTILE_MARGIN)
    at_least = int(np.count_nonzero((values >= level) & (values <= FLOAT_MAX)))
    if at_least + int(np.count_nonzero(values < level)) != n:
        return False  # a NaN or an infinity: np.percentile is NaN or may be (inf - inf between neighbours)
    return n - at_least <= lower
