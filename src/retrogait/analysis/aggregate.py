"""Aggregates of a group of steps (a direction, a bout, a session): the one definition of every number
that summary.json, batch's sessions.csv, the report, ``compare`` and the live view give for a group
(issue 13 item 5; docs/analysis.md, "Cadence of a group of steps").

* cadence: ``60 / mean step time`` (steps of both legs) over the group's steps timed from a contact of the
  same bout and the same group (the first step of a bout is timed from the bout before, the first step
  after a turn from the other direction: both left out), ``{"value": steps/min or None, "n": step times
  used}``. Not the mean or median of per-step cadences (TRUST-4);
* every other per-step metric: ``{"median", "mean", "n"}`` of its finite values (None, None, 0 when none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.gyro_stretches import NO_GYRO_FLAG
from retrogait.analysis.impact import mean_cadence_spm
from retrogait.analysis.quality import BRIDGED_FLAG
from retrogait.dsp import running_median

#: Per-step metrics summarised by their median and mean (cadence is not: see cadence_aggregate).
SUMMARY_METRICS: Final = (
    "step_time_s",
    "contact_time_s",
    "impact_peak_g",
    "impact_loading_rate_g_per_s",
    "vgrf_peak_bw",
    "vgrf_loading_rate_bw_per_s",
    "effort_g_per_min",
)
#: A change of direction lasts this many known steps or more (as a change of gait: ``BoutSettings.min_bout_steps``).
LASTING_DIRECTION_STEPS: Final = 4
#: Quality flags counted per group (``flagged_steps``).
QUALITY_FLAGS: Final = ("clipped", "low_rate", "gap")


#: Flags counted per group only when a step carries them (a summary without them is as before).
FLAGS_WHEN_PRESENT: Final = (NO_GYRO_FLAG, BRIDGED_FLAG, "quantised", "remounted")


def flags_of(quality_flags: pd.Series) -> tuple[str, ...]:
    """The flags counted per group (``flagged_steps``): QUALITY_FLAGS, and ``no_gyro`` (steps found without the
    gyroscope in a stretch it missed, GYRO-1), ``bridged`` (EDGE-197), ``quantised`` (HONEST-8) and ``remounted``
    (MOUNT-1/2) when a step carries it (a summary without them is as before): every flag ``compare``'s flag table
    counts (REVIEW-58)."""
    extra = tuple(f for f in FLAGS_WHEN_PRESENT if quality_flags.str.contains(f, regex=False).any())
    return (*QUALITY_FLAGS, *extra)


def cadence_aggregate(step_times_s: NDArray[np.float64]) -> dict[str, Any]:
    """Cadence of a group from the step times (s) of its steps timed from a contact of the same bout and
    group (NaN for the others: :func:`step_times_in_runs`): ``{"value": 60 / mean step time (steps/min) or
    None, "n": step times used}`` (ANALYSIS-16, -21, TRUST-4)."""
    cadence, n_times = mean_cadence_spm(step_times_s)
    return {"value": cadence if n_times else None, "n": n_times}


def step_times_in_runs(steps: pd.DataFrame, same: tuple[str, ...] = ("bout_id",)) -> NDArray[np.float64]:
    """``step_time_s`` (s) of each row whose previous contact, in time order (``ic_time_s``) within its
    ``session`` (when the table has that column), has the same value in every column of ``same`` that the
    table has (a bout: ``bout_id``; a bout and a direction: add ``direction``); NaN for the others, whose
    step time reaches into another bout (another gait, a pause) or across a turn (ANALYSIS-16, TRUST-4).

    Rows may come in any order and the result is in the rows' order, so a table can be filtered (by
    direction, activity, quality) after this and each step keep what it measured."""
    n = len(steps)
    if "step_time_s" not in steps.columns:
        return np.full(n, np.nan)
    step = steps["step_time_s"].to_numpy(dtype=float)
    session = steps["session"].astype(str).to_numpy() if "session" in steps.columns else np.zeros(n, dtype=np.int64)
    times = steps["ic_time_s"].to_numpy(dtype=float) if "ic_time_s" in steps.columns else np.arange(n, dtype=float)
    order = np.lexsort((times, session))
    same_run = np.zeros(n, dtype=bool)
    same_run[1:] = True
    for key in ("session", *same):
        if key in steps.columns:
            values = steps[key].to_numpy()[order]
            same_run[1:] &= values[1:] == values[:-1]
    out = np.full(n, np.nan)
    out[order] = np.where(same_run, step[order], np.nan)
    return out


def direction_changes(steps: pd.DataFrame, lasting: int = LASTING_DIRECTION_STEPS) -> NDArray[np.bool_]:
    """(n,) True at each step (of a table in time order) where the direction changes and stays changed: the
    first step of the new direction whose direction is known, by a running majority of ``2 lasting - 1``
    known steps (forward, sideways, backward; unknown steps do not vote), so that a lone step taken for the
    other direction changes nothing. Its step time reaches back into the other direction: from running
    forward to running backward without a stop or a turn, the time it takes to change (EDGE-47)."""
    n = len(steps)
    out = np.zeros(n, dtype=bool)
    if "direction" not in steps.columns or n < 2:
        return out
    direction = steps["direction"].astype(str).to_numpy()
    code = np.select(
        [direction == "forward", direction == "sideways", direction == "backward"], [1.0, 0.0, -1.0], np.nan
    )
    known = np.flatnonzero(np.isfinite(code))
    if known.size < 2:
        return out
    smooth = running_median(code[known], 2 * lasting - 1)
    out[known[np.flatnonzero(np.diff(smooth) != 0) + 1]] = True
    return out


def cadence_of_steps(steps: pd.DataFrame, same: tuple[str, ...] = ("bout_id",)) -> dict[str, Any]:
    """Cadence of all the rows of a steps table: ``{"value": 60 / mean step time (steps/min) or None, "n":
    step times used}`` over the steps timed from a contact of the same bout (and the same value of every
    other column in ``same``, e.g. ``direction``). The one cadence of a group of steps for any caller that
    holds a steps table (the live view, scripts); a group taken out of a longer table keeps only the step
    times whose previous contact is in the group too (:meth:`StepArrays.aggregate`)."""
    return cadence_aggregate(step_times_in_runs(steps, same))


def metric_aggregate(values: NDArray[np.float64]) -> dict[str, Any]:
    """``{"median", "mean", "n"}`` of the finite ``values`` of one metric (None, None, 0 when none)."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return {"median": None, "mean": None, "n": 0}
    return {
        "median": median_of_finite(finite),
        "mean": float(np.add.reduce(finite) / finite.size),
        "n": int(finite.size),
    }


def median_of_finite(values: NDArray[np.float64]) -> float:
    """``np.median`` of finite, non-empty ``values``, the same number without its per-call overhead (a
    summary takes thousands: 7 metrics per bout)."""
    k = values.size // 2
    if values.size % 2:
        return float(np.partition(values, k)[k])
    part = np.partition(values, (k - 1, k))
    return float((part[k - 1] + part[k]) / 2)


@dataclass(frozen=True)
class StepArrays:
    """The steps table as plain arrays, extracted once, so that a summary of thousands of bouts does not
    select DataFrame rows per bout."""

    bout_step_times_s: NDArray[np.float64]
    metrics: dict[str, NDArray[np.float64]]
    flags: dict[str, NDArray[np.bool_]]
    #: ``bout_step_times_s`` without the step at a lasting change of direction (:func:`direction_changes`)
    all_step_times_s: NDArray[np.float64] | None = None

    @classmethod
    def of(cls, steps: pd.DataFrame) -> StepArrays:
        """The arrays of an analysis steps table (columns of docs/conventions.md, in time order)."""
        text = steps["quality_flags"].astype(str)
        bout_step_times = step_times_in_runs(steps)
        return cls(
            bout_step_times_s=bout_step_times,
            metrics={c: steps[c].to_numpy(dtype=float) for c in SUMMARY_METRICS},
            flags={f: text.str.contains(f, regex=False).to_numpy(dtype=bool) for f in flags_of(text)},
            all_step_times_s=np.where(direction_changes(steps), np.nan, bout_step_times),
        )

    def aggregate(self, rows: NDArray[np.int64], *, all_directions: bool = False) -> dict[str, Any]:
        """Aggregates of the steps at ``rows`` (ascending, of a table in time order): ``n_steps``,
        ``cadence_spm`` (:func:`cadence_aggregate` of the step times whose previous contact is in the same bout
        and among ``rows``: a direction's cadence leaves out the step after a turn; ``all_directions`` (the
        steps of every direction): and the step at a lasting change of direction within a bout, EDGE-47),
        every metric of SUMMARY_METRICS (:func:`metric_aggregate`) and the ``flagged_steps`` per flag."""
        out: dict[str, Any] = {"n_steps": int(rows.size)}
        follows_group = np.zeros(rows.size, dtype=bool)
        follows_group[1:] = np.diff(rows) == 1
        times = self.bout_step_times_s
        if all_directions and self.all_step_times_s is not None:
            times = self.all_step_times_s
        out["cadence_spm"] = cadence_aggregate(np.where(follows_group, times[rows], np.nan))
        for column, all_values in self.metrics.items():
            out[column] = metric_aggregate(all_values[rows])
        out["flagged_steps"] = {f: int(mask[rows].sum()) for f, mask in self.flags.items()}
        return out
