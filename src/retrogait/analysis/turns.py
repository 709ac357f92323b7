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


def heading_changes_deg(signals: BodySignals, ic_idx: IntArray) -> FloatArray | None:
    """(m - 1,) heading change (deg, positive to the left) between consecutive contacts, or None
    without a gyroscope: the angular rate integrated between them, projected on that interval's
    vertical -- the direction of its mean specific force (over a whole step or stride the ground
    force balances gravity; standing and pivoting read gravity itself)."""
    if signals.gyr_dps is None:
        return None
    ic = np.clip(np.asarray(ic_idx, dtype=np.int64), 0, signals.n_samples)
    if ic.size < 2:
        return np.zeros(0)
    rate = np.where(signals.gap[:, None], 0.0, signals.gyr_dps)
    up = interval_sums(signals.acc_ms2, ic)
    norm = np.linalg.norm(up, axis=1)
    up = up / np.where(norm > 0, norm, 1.0)[:, None]
    return np.asarray(np.sum(interval_sums(rate, ic) * up, axis=1) / signals.fs_hz, dtype=np.float64)


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
