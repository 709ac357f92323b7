"""A sensor re-mounted during a recording (MOUNT-2): where the analysis' one sensor-to-body frame stops holding.

The frame (preprocess.py) is found once per session: up from the still samples, forward from the gait. A runner who
stops, adjusts the strap or clips the pod back turned and runs on changes the mounting; the frame of the whole
session then reads one mounting's steps in the other's frame. Two physical checks, on the analysis of the whole:

* **Up in the sensor, at standing and in gait.** Up turning by more than ``remount_tilt_deg`` must show both in
  the standing next to the two gait bouts (the mean specific force over ``remount_standing_s`` of still samples
  right after one and right before the other) and in the mean specific force over whole strides of each bout
  (gravity in the sensor frame as the gait carries it, free of the posture held at the stop). Either alone is
  fooled: the standing by hands on the knees or sitting straight after a run (44 deg at the lower back), the
  gait mean by the foot's pitch pattern, which differs between gaits (simulated forward running against backward
  walking: up to 28 deg; the shank 11, the lower back 1).
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
from retrogait.samples import nearest_samples


@dataclass(frozen=True)
class MountingChange:
    """A change of the mounting found between two gait bouts (ending at ``after_s``, starting at ``before_s``): the
    cut (s, on the recording's clock) at the handling where up in the sensor turns most between them (else in the
    middle), and what showed it."""

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


def _gait_up(signals: BodySignals, ic_s: NDArray[np.float64], lo_s: float, hi_s: float) -> NDArray[np.float64] | None:
    """Up (unit) from the mean specific force over the whole strides (an even number of steps, from a contact to a
    contact) of the gait bout [lo_s, hi_s] (s); None with fewer than two strides."""
    inside = ic_s[(ic_s >= lo_s) & (ic_s <= hi_s)]
    n = (inside.size - 1) // 2 * 2
    if n < 4:
        return None
    a, b = np.searchsorted(signals.t_s, [inside[0], inside[n]])
    return _unit(signals.acc_ms2[a:b].mean(axis=0))


def _handling_cut(signals: BodySignals, still: NDArray[np.bool_], lo: int, hi: int, n: int) -> tuple[float, float]:
    """Where up in the sensor turns most among the still samples of [lo, hi): the time (s) halfway between the two
    still samples across which the mean specific force of the ``n`` still samples before and the ``n`` after turns
    most (the handling between two standings), and that angle (deg); the middle of [lo, hi) and 0 with too few."""
    t = signals.t_s
    idx = np.flatnonzero(still[lo:hi]) + lo
    if idx.size < 2 * n:
        return 0.5 * (float(t[lo]) + float(t[max(hi - 1, lo)])), 0.0
    total = np.vstack([np.zeros(3), np.cumsum(signals.acc_ms2[idx], axis=0)])
    at = np.arange(n, idx.size - n + 1)  # a cut before still sample at: n on each side
    before = total[at] - total[at - n]
    after = total[at + n] - total[at]
    cos = np.sum(before * after, axis=1) / np.maximum(
        np.linalg.norm(before, axis=1) * np.linalg.norm(after, axis=1), 1e-12
    )
    k = int(np.argmin(cos))
    j = int(at[k])
    return 0.5 * (float(t[idx[j - 1]]) + float(t[idx[j]])), float(np.degrees(np.arccos(np.clip(cos[k], -1.0, 1.0))))


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
    step_s = steps["step_time_s"].to_numpy(dtype=float) if len(steps) else np.zeros(0)
    ic_s = steps["ic_time_s"].to_numpy(dtype=float) if len(steps) else np.zeros(0)
    return changes_of_steps(signals, step_s, ic_s, bouts, settings)


def changes_of_steps(
    signals: BodySignals,
    step_time_s: NDArray[np.float64],
    ic_time_s: NDArray[np.float64],
    bouts: pd.DataFrame,
    settings: AnalysisSettings,
) -> list[MountingChange]:
    """:func:`mounting_changes` from the steps' ``step_time_s`` and ``ic_time_s`` (s; what it reads of them)."""
    s = settings.preprocess
    gait = bouts.loc[bouts["activity"].astype(str) != "still"].sort_values("start_s")
    if len(gait) < 2:
        return []
    t = signals.t_s
    still = signals.still_mask(settings.still.window_s, settings.still.std_ms2) & ~signals.gap
    n_stand = max(nearest_samples(s.remount_standing_s, signals.fs_hz), 2)
    starts = np.searchsorted(t, gait["start_s"].to_numpy(dtype=float))
    ends = np.searchsorted(t, gait["end_s"].to_numpy(dtype=float), side="right")
    step_times = step_time_s[
        np.isfinite(step_time_s)
    ]  # none where every step is cut off from the one before (EDGE-136)
    step_s = float(np.median(step_times)) if step_times.size else float("nan")
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
    ic_s = np.sort(ic_time_s)
    gait_up = [
        _gait_up(signals, ic_s, float(lo), float(hi))
        for lo, hi in zip(gait["start_s"].to_numpy(dtype=float), gait["end_s"].to_numpy(dtype=float), strict=True)
    ]
    changes: list[MountingChange] = []
    for i in range(len(gait) - 1):  # one per pair of consecutive gait bouts
        a, b = int(ends[i]), int(starts[i + 1])
        why = None
        after = _standing_up(signals, still, a, b, False, n_stand)
        if after is None:  # no standing between them: a re-mount needs the wearer to stop
            continue
        before = _standing_up(signals, still, a, b, True, n_stand)
        up_i, up_j = gait_up[i], gait_up[i + 1]
        if before is not None and up_i is not None and up_j is not None and not signals.gravity_removed:
            standing = _angle_deg(after, before)
            in_gait = _angle_deg(up_i, up_j)
            if min(standing, in_gait) > s.remount_tilt_deg:
                why = (
                    f"up in the sensor turned {standing:.0f} deg between standing after one gait bout and before the "
                    f"next, {in_gait:.0f} deg between the two bouts' strides"
                )
        if why is None and off[i] != off[i + 1]:
            turned = swings[i + 1] if off[i + 1] else swings[i]
            assert turned is not None
            why = (
                f"the leg swings about an axis {turned[0]:.0f} deg from the frame's left in one gait bout and not in "
                "the other"
            )
        if why is not None:
            lo, hi = float(gait["end_s"].iloc[i]), float(gait["start_s"].iloc[i + 1])
            cut, turn = _handling_cut(signals, still, a, b, n_stand)
            at = cut if turn > s.remount_tilt_deg else 0.5 * (lo + hi)  # no tilt (a turn about up): anywhere between
            changes.append(MountingChange(at, lo, hi, why))
    return changes


def _angle_deg(u: NDArray[np.float64], v: NDArray[np.float64]) -> float:
    return float(np.degrees(np.arccos(np.clip(u @ v, -1.0, 1.0))))
