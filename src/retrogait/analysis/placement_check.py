"""Does the sensor turn like the segment it is declared on? The placement checked against the gyroscope in gait.

A foot or shank swings through 60-100 deg in a swing of 0.3-0.5 s: its angular rate peaks at 250 deg/s or more
in every stride of walking or running (the shank about 300 deg/s in walking, young and old, Aminian et al.,
J Biomech 35:689, 2002; the foot faster). The trunk turns a few degrees each way per stride: its peaks are
20-100 deg/s, more only in turns. A one-leg analysis of a trunk sensor, or a lower-back analysis of a leg
sensor, gives numbers that look fine and are not (a shank read as the lower back halves the cadence): so a
typical stride far from the declared segment's range gets a note naming the option. Between the two ranges,
and without a gyroscope, nothing is said. Thresholds are physical, not fitted (docs/decisions.md ANALYSIS-22).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retrogait.analysis.signals import BodySignals
from retrogait.conventions import ONE_LEG_PLACEMENTS
from retrogait.samples import nearest_samples

#: A leg segment's typical stride peaks above this (deg/s); a sensor below it in most strides is not on a leg.
LEG_MIN_PEAK_DPS = 120.0
#: The trunk's typical stride peaks below this (deg/s); a sensor above it in most strides is not at the trunk.
TRUNK_MAX_PEAK_DPS = 250.0
#: Window of one peak (s): holds a whole stride of any gait of 60 steps/min or faster.
WINDOW_S = 2.0
#: Windows of gait needed before anything is said (10 s of gait).
MIN_WINDOWS = 5

GAIT_ACTIVITIES = ("walking", "running")


def typical_peak_rate_dps(signals: BodySignals, bouts: pd.DataFrame) -> float | None:
    """Median over WINDOW_S windows inside the gait bouts of the largest |angular rate| (deg/s); None without a
    gyroscope or with fewer than MIN_WINDOWS windows of gait. Samples in gaps are left out."""
    if signals.gyr_dps is None or not len(bouts):
        return None
    fs = signals.fs_hz
    width = max(1, nearest_samples(WINDOW_S, fs))
    gait = bouts[bouts["activity"].isin(GAIT_ACTIVITIES)]
    first = np.searchsorted(signals.t_s, gait["start_s"].to_numpy(dtype=float))
    last = np.searchsorted(signals.t_s, gait["end_s"].to_numpy(dtype=float), side="right")
    peaks = []
    for a, b in zip(first, last, strict=True):  # one reshape per bout: bouts are few
        end = a + (b - a) // width * width
        gyr = signals.gyr_dps[a:end]
        squared = np.einsum("ij,ij->i", gyr, gyr)  # |rate|^2: the square root of the median peak only
        squared = np.where(signals.gap[a:end] | ~np.isfinite(squared), -np.inf, squared)
        peaks.append(squared.reshape(-1, width).max(axis=1))
    found = np.concatenate(peaks) if peaks else np.zeros(0)
    found = found[np.isfinite(found)]
    return float(np.sqrt(np.median(found))) if found.size >= MIN_WINDOWS else None


def placement_notes(signals: BodySignals, bouts: pd.DataFrame) -> list[str]:
    """A note when the typical stride's peak angular rate is far from the declared segment's (see module)."""
    one_leg = signals.placement in ONE_LEG_PLACEMENTS
    if not (one_leg or signals.placement == "lower_back"):
        return []
    peak = typical_peak_rate_dps(signals, bouts)
    if peak is None:
        return []
    said = f"the sensor turns at {peak:.0f} deg/s at most in a typical 2 s of gait"
    if one_leg and peak < LEG_MIN_PEAK_DPS:
        return [
            f"{said}; a foot or shank swings at {TRUNK_MAX_PEAK_DPS:.0f} deg/s or more, a trunk at 20-100: is it at "
            f"the trunk? (--placement lower_back; the {signals.placement} analysis assumes one leg's sensor)"
        ]
    if not one_leg and peak > TRUNK_MAX_PEAK_DPS:
        return [
            f"{said}; a trunk turns at 20-100 deg/s, a foot or shank at {TRUNK_MAX_PEAK_DPS:.0f} or more: is it on a "
            "leg? (--placement shank or foot; the lower-back analysis assumes a sensor at the sacrum)"
        ]
    return []
