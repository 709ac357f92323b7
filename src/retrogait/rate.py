"""The sample rate of a recording: one robust definition for every part of retrogait (docs/conventions.md).

A rate is measured as samples per second over the recording's regular intervals (count / span, so a
phone that delivers samples in bursts around its nominal rate gets its true rate, not the most common
interval's), leaving out intervals longer than ``GAP_INTERVALS`` typical ones (the recording stopped).
The header's nominal rate is used whenever the timestamps agree with it within ``RATE_TOLERANCE``:
float timestamps of an hour at 200 Hz give 1 / median interval = 199.9999999998 Hz, and that is 200 Hz.
Rates are compared with a requirement (200 Hz for impacts, 20 Hz for gait) with the same tolerance.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

#: Two rates closer than this (relative) are the same rate: clock drift and timestamp rounding.
RATE_TOLERANCE = 0.01
#: An interval longer than this many typical intervals is a pause in the recording, not sampling.
GAP_INTERVALS = 3.0


def measured_rate_hz(t_s: NDArray[np.float64]) -> float:
    """Samples per second (Hz) over the regular intervals of the timestamps ``t_s`` (s, increasing);
    NaN with fewer than two samples or timestamps that do not advance."""
    steps = np.diff(np.asarray(t_s, dtype=np.float64))
    steps = steps[np.isfinite(steps) & (steps > 0)]
    if steps.size == 0:
        return float("nan")
    regular = steps[steps <= GAP_INTERVALS * float(np.median(steps))]
    return float(regular.size / regular.sum())


def recording_rate_hz(t_s: NDArray[np.float64], nominal_hz: float | None) -> float:
    """The rate of a recording (Hz): ``nominal_hz`` (the header's) when the timestamps agree with it within
    RATE_TOLERANCE, else the measured rate."""
    measured = measured_rate_hz(t_s)
    if nominal_hz is None or not (math.isfinite(nominal_hz) and nominal_hz > 0):
        return measured
    if math.isfinite(measured) and not same_rate(measured, nominal_hz):
        return measured
    return float(nominal_hz)


def same_rate(a_hz: float, b_hz: float) -> bool:
    """True when two rates differ by no more than RATE_TOLERANCE (relative to the second)."""
    return abs(a_hz / b_hz - 1.0) <= RATE_TOLERANCE


def meets_rate(rate_hz: float, required_hz: float) -> bool:
    """True when ``rate_hz`` reaches ``required_hz`` within RATE_TOLERANCE (199.9999 Hz meets 200 Hz)."""
    return rate_hz >= required_hz * (1.0 - RATE_TOLERANCE)
