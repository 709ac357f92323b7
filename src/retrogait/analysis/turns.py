"""Turns: how far the wearer's heading changes between consecutive contacts, from the gyroscope.

A turn is a rotation about the vertical. The vertical in the sensor frame is the direction of the
specific force averaged over ``gravity_window_s`` (over whole strides the ground force balances
gravity; in standing it is gravity itself), so the rate about the vertical is ``omega . up``; its
integral between two contacts is the heading change (deg, positive to the left, counter-clockwise
seen from above). A pivot of about 180 deg (turning round) or a turning step is a boundary between
stretches of gait whose direction is independent (docs/direction_footstrike.md).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.signals import BodySignals
from retrogait.analysis.stepwindows import FloatArray, IntArray
from retrogait.analysis.zupt import moving_average


def vertical_rate_dps(
    acc_ms2: FloatArray, gyr_dps: FloatArray, fs_hz: float, gravity_window_s: float = 1.0
) -> FloatArray:
    """Angular rate about the vertical (deg/s, positive to the left) per sample: omega projected on
    the direction of the specific force averaged over ``gravity_window_s`` (s)."""
    width = max(round(gravity_window_s * fs_hz), 1)
    up = np.column_stack([moving_average(acc_ms2[:, i], width) for i in range(3)])
    norm = np.linalg.norm(up, axis=1)
    up = up / np.where(norm > 0, norm, 1.0)[:, None]
    return np.asarray(np.einsum("ij,ij->i", gyr_dps, up), dtype=np.float64)


def heading_changes_deg(signals: BodySignals, ic_idx: IntArray, gravity_window_s: float = 1.0) -> FloatArray | None:
    """(m - 1,) heading change (deg) between consecutive contacts, or None without a gyroscope."""
    if signals.gyr_dps is None:
        return None
    rate = vertical_rate_dps(signals.acc_ms2, signals.gyr_dps, signals.fs_hz, gravity_window_s)
    rate = np.where(signals.gap, 0.0, rate)
    heading = np.concatenate([[0.0], np.cumsum(rate) / signals.fs_hz])
    ic = np.clip(np.asarray(ic_idx, dtype=np.int64), 0, signals.n_samples)
    return np.asarray(np.diff(heading[ic]), dtype=np.float64)


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
