"""Turns: how far the wearer's heading changes between consecutive contacts, from the gyroscope.

A turn is a rotation about the vertical. Between two contacts the vertical in the sensor frame is
the direction of the specific force averaged over the interval (over a whole step or stride the
ground force balances gravity; in standing it is gravity itself), so the integral of ``omega . up``
over the interval is the heading change (deg, positive to the left, counter-clockwise seen from
above). A pivot of about 180 deg (turning round) or a turning step is a boundary between
stretches of gait whose direction is independent (docs/direction_footstrike.md).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.signals import BodySignals
from retrogait.analysis.stepwindows import FloatArray, IntArray, interval_sums


def heading_changes_deg(
    signals: BodySignals, ic_idx: IntArray, needed: NDArray[np.bool_] | None = None
) -> FloatArray | None:
    """(m - 1,) heading change (deg, positive to the left) between consecutive contacts, or None
    without a gyroscope: the angular rate integrated between them, projected on that interval's
    vertical -- the direction of its mean specific force (over a whole step or stride the ground
    force balances gravity; standing and pivoting read gravity itself).

    ``needed`` (m - 1,): only these intervals are measured, the others are NaN (a foot or shank takes
    the heading of most strides from its stride vector). Each measured interval is summed from its
    own samples in the same order, so its value is the one of the whole computation, bit for bit."""
    if signals.gyr_dps is None:
        return None
    ic = np.clip(np.asarray(ic_idx, dtype=np.int64), 0, signals.n_samples)
    if ic.size < 2:
        return np.zeros(0)
    if needed is not None and not np.any(np.diff(ic) < 0):
        return _selected_heading_changes_deg(signals, ic, np.asarray(needed, dtype=bool))
    rate = signals.gyr_dps if not signals.gap.any() else np.where(signals.gap[:, None], 0.0, signals.gyr_dps)
    up = interval_sums(signals.acc_ms2, ic)
    norm = np.linalg.norm(up, axis=1)
    up = up / np.where(norm > 0, norm, 1.0)[:, None]
    change = np.asarray(np.sum(interval_sums(rate, ic) * up, axis=1) / signals.fs_hz, dtype=np.float64)
    return change if needed is None else np.where(needed, change, np.nan)


def _selected_heading_changes_deg(signals: BodySignals, ic: IntArray, needed: NDArray[np.bool_]) -> FloatArray:
    """:func:`heading_changes_deg` of the ``needed`` intervals between the sorted contacts ``ic``
    (NaN elsewhere): their samples gathered one interval after the other and summed per interval,
    as numpy's ``reduceat`` sums each of the whole computation's intervals (row after row)."""
    assert signals.gyr_dps is not None
    out = np.full(ic.size - 1, np.nan)
    sel = np.flatnonzero(needed)
    lo, hi = ic[sel], ic[sel + 1]
    length = hi - lo
    full = length > 0
    sums_acc = np.zeros((sel.size, 3))
    sums_rate = np.zeros((sel.size, 3))
    if full.any():
        lengths = length[full]
        offsets = np.cumsum(lengths) - lengths
        rows = np.repeat(lo[full] - offsets, lengths) + np.arange(int(lengths.sum()))
        rate = signals.gyr_dps[rows]
        if signals.gap.any():
            rate = np.where(signals.gap[rows][:, None], 0.0, rate)
        sums_acc[full] = np.add.reduceat(signals.acc_ms2[rows], offsets, axis=0)
        sums_rate[full] = np.add.reduceat(rate, offsets, axis=0)
    norm = np.linalg.norm(sums_acc, axis=1)
    up = sums_acc / np.where(norm > 0, norm, 1.0)[:, None]
    out[sel] = np.sum(sums_rate * up, axis=1) / signals.fs_hz
    return out


def turn_switch_probability(
    heading_change_deg: FloatArray | None,
    m: int,
    straight_deg: float = 45.0,
    turn_deg: float = 135.0,
) -> NDArray[np.float64]:
    """(m - 1,) probability that the direction is forgotten between consecutive contacts because the
    wearer turned: 0 up to ``straight_deg`` of heading change (curved gait), rising linearly to 1 at
    ``turn_deg`` and beyond (a turning step or a pivot: the next stretch is independent)."""
    if heading_change_deg is None or m < 2:
        return np.zeros(max(m - 1, 0))
    change = np.abs(np.nan_to_num(heading_change_deg))
    return np.asarray(np.clip((change - straight_deg) / (turn_deg - straight_deg), 0.0, 1.0), dtype=np.float64)
