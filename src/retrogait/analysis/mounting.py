"""A sensor re-mounted during a recording (MOUNT-2): where the analysis' one sensor-to-body frame stops holding.

The frame (preprocess.py) is found once per session: up from the still samples, forward from the gait. A runner who
stops, adjusts the strap or clips the pod back turned and runs on changes the mounting; the frame of the whole
session then reads one mounting's steps in the other's frame. Two physical checks, on the analysis of the whole:

* **Up at standing next to gait.** Standing upright just before and just after a gait bout holds each segment's
  tilt within a narrow range (the foot flat on the ground, the shank within ~15 deg of vertical, the trunk within
  ~15 deg of its lean); up in the sensor (the mean specific force over ``remount_standing_s`` of still samples)
  turning by more than ``remount_tilt_deg`` between the standing after one gait bout and the standing before the
  next is more than posture explains. Sitting or lying between them is not compared (only standing next to gait).
* **The leg's swing axis per gait bout** (foot/shank with a gyroscope): the gait swings the leg about its
  medio-lateral axis; a bout whose dominant horizontal rotation axis lies more than ``remount_swing_axis_deg``
  from the frame's left with a sagittal-size swing (median range per stride at least ``remount_min_swing_deg``;
  a side-step's frontal-plane rotation stays far below) was recorded on another mounting.

What cannot be seen: a half turn about the vertical keeps every axis line and up -- it looks like the wearer
turning round at the stop -- so these checks miss it; the facing the gait shows per stretch can
(direction.facing_reversal, MOUNT-1). The trunk's main horizontal acceleration line is too weak a cue (walking
sway rivals braking) to place a yaw change on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.settings import AnalysisSettings
from retrogait.analysis.signals import BodySignals


@dataclass(frozen=True)
class MountingChange:
    """A change of the mounting found between two gait bouts: the cut (s) in the middle of what lies between them
    (the first sample after ``after_s``, the last gait contact before ``before_s``), and what showed it."""

    at_s: float
    after_s: float
    before_s: float
    why: str


def _unit(v: NDArray[np.float64]) -> NDArray[np.float64] | None:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 and np.isfinite(norm) else None


def _standing_up(
    signals: BodySignals, still: NDArray[np.bool_], lo: int, hi: int, from_end: bool, n: int
) -> NDArray[np.float64] | None:
    """Up (unit, body coordinates) from the mean specific force over the ``n`` still samples of [lo, hi) nearest
    its end (``from_end``) or start; None with fewer than ``n`` of them."""
    idx = np.flatnonzero(still[lo:hi]) + lo
    if idx.size < n:
        return None
    use = idx[-n:] if from_end else idx[:n]
    return _unit(signals.acc_ms2[use].mean(axis=0))


def _swing(signals: BodySignals, lo: int, hi: int, stride_samples: int) -> tuple[float, float, float] | None:
    """The leg's swing over samples [lo, hi): the angle (deg) of its dominant horizontal rotation axis from the
    frame's left (y), the power ratio of that axis over the other, and the median range (deg) per stride of the
    angle turned about it; None without a gyroscope or strides."""
    gyr = signals.gyr_dps
    if gyr is None or hi - lo < 2 * stride_samples or stride_samples < 2:
        return None
    g = gyr[lo:hi, :2]
    vals, vecs = np.linalg.eigh(g.T @ g)
    axis = vecs[:, -1]
    angle = float(np.degrees(np.arctan2(abs(axis[0]), abs(axis[1]))))
    ratio = float(vals[-1] / vals[-2]) if vals[-2] > 0 else float("inf")
    turned = np.cumsum(g @ axis) / signals.fs_hz
    k = turned.size // stride_samples
    windows = turned[: k * stride_samples].reshape(k, stride_samples)
    slope = (windows[:, -1] - windows[:, 0])[:, None] * np.linspace(0.0, 1.0, stride_samples)[None, :]
    ranges = np.ptp(windows - slope, axis=1)  # drift within a stride taken off
    return angle, ratio, float(np.median(ranges))


def mounting_changes(
    signals: BodySignals, steps: pd.DataFrame, bouts: pd.DataFrame, settings: AnalysisSettings
) -> list[MountingChange]:
    """The mounting changes between consecutive gait bouts of an analysis (module doc), in time order."""
    s = settings.preprocess
    gait = bouts.loc[bouts["activity"].astype(str) != "still"].sort_values("start_s")
    if len(gait) < 2:
        return []
    t = signals.t_s
    still = signals.still_mask(settings.still.window_s, settings.still.std_ms2) & ~signals.gap
    n_stand = max(round(s.remount_standing_s * signals.fs_hz), 2)
    starts = np.searchsorted(t, gait["start_s"].to_numpy(dtype=float))
    ends = np.searchsorted(t, gait["end_s"].to_numpy(dtype=float), side="right")
    step_s = float(np.nanmedian(steps["step_time_s"].to_numpy(dtype=float))) if len(steps) else float("nan")
    stride = round(2.0 * step_s * signals.fs_hz) if np.isfinite(step_s) else 0
    leg = signals.placement in ("foot", "shank") and signals.gyr_dps is not None
    swings = [_swing(signals, int(a), int(b), stride) if leg else None for a, b in zip(starts, ends, strict=True)]
    off = [
        sw is not None
        and sw[0] > s.remount_swing_axis_deg
        and sw[1] >= s.sagittal_dominance_ratio
        and sw[2] >= s.remount_min_swing_deg
        for sw in swings
    ]
    changes: list[MountingChange] = []
    for i in range(len(gait) - 1):  # one per pair of consecutive gait bouts
        a, b = int(ends[i]), int(starts[i + 1])
        why = None
        after = _standing_up(signals, still, a, b, False, n_stand)
        if after is None:  # no standing between them: a re-mount needs the wearer to stop
            continue
        before = _standing_up(signals, still, a, b, True, n_stand)
        if before is not None and not signals.gravity_removed:
            tilt = float(np.degrees(np.arccos(np.clip(after @ before, -1.0, 1.0))))
            if tilt > s.remount_tilt_deg:
                why = f"up in the sensor turned {tilt:.0f} deg between standing after one gait bout and before the next"
        if why is None and off[i] != off[i + 1]:
            turned = swings[i + 1] if off[i + 1] else swings[i]
            assert turned is not None
            why = (
                f"the leg swings about an axis {turned[0]:.0f} deg from the frame's left in one gait bout and not in "
                "the other"
            )
        if why is not None:
            lo, hi = float(gait["end_s"].iloc[i]), float(gait["start_s"].iloc[i + 1])
            changes.append(MountingChange(0.5 * (lo + hi), lo, hi, why))
    return changes
