"""What a gyroscope's numbers say of their unit, in numpy alone (importable from every layer: the session reader's
check and the importers' inference both use it).

A sensor that does not turn feels gravity alone on average; one that turns sees gravity's direction turn in its
frame at the rate of the turn across it: in rad/s the ratio of the two is 1, in deg/s it is pi / 180.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: |rate| (deg/s) under which the gyroscope shows the sensor still (a foot flat in stance turns under 10 deg/s).
STILL_RATE_DPS = 10.0
#: log10 of gravity's turning over the rate across it above which the rate is rad/s: midway between 0 (rad/s) and
#: log10(pi / 180) = -1.76 (deg/s) (``imports.inference.gyro_units``; the session's own check, HONEST-26)
RADS_TURN_LOG10 = -0.88


def gravity_turn_ratio(gyr: FloatArray, acc_ms2: FloatArray, rate_hz: float) -> float | None:
    """How fast the gravity direction turns in the sensor frame (rad/s) over the rate across it
    (file units), where the sensor turns most; None when it barely turns."""
    n = acc_ms2.shape[0]
    width = max(3, round(0.2 * rate_hz))
    if n < 4 * width:
        return None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        smooth_acc = _moving_mean(acc_ms2, width)
        smooth_gyr = _moving_mean(gyr, width)
        direction = smooth_acc / np.linalg.norm(smooth_acc, axis=1, keepdims=True)
        turning = np.linalg.norm(np.gradient(direction, axis=0), axis=1) * rate_hz
        across = np.linalg.norm(np.cross(smooth_gyr, direction), axis=1)
    inner = slice(width, n - width)
    turning, across = turning[inner], across[inner]
    ok = np.isfinite(turning) & np.isfinite(across)
    turning, across = turning[ok], across[ok]
    if across.size < 10:
        return None
    busy = across >= np.quantile(across, 0.7)
    if float(np.median(turning[busy])) < 0.2:  # gravity turning less than ~11 deg/s: no evidence
        return None
    denominator = float(np.median(across[busy]))
    return float(np.median(turning[busy])) / denominator if denominator > 0 else None


def _moving_mean(values: FloatArray, width: int) -> FloatArray:
    """Centred moving mean of each column over ``width`` samples (edges use what there is)."""
    padded = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(values, axis=0)])
    n = values.shape[0]
    lo = np.clip(np.arange(n) - width // 2, 0, n)
    hi = np.clip(np.arange(n) + (width + 1) // 2, 0, n)
    return (padded[hi] - padded[lo]) / (hi - lo)[:, None]
