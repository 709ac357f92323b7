"""Aggregates of a group of steps (a direction, a bout, a session): the one definition of every number
that summary.json, batch's sessions.csv, the report, ``compare`` and the live view give for a group
(issue 13 item 5; docs/analysis.md, "Cadence of a group of steps").

* cadence: ``60 / mean step time`` over the group's steps timed within their bout (the first step of a
  bout is timed from the bout before and left out), ``{"value": steps/min or None, "n": step times used}``;
* every other per-step metric: ``{"median", "mean", "n"}`` of its finite values (None, None, 0 when none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.impact import mean_cadence_spm, step_times_within_bouts

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
#: Quality flags counted per group (``flagged_steps``).
QUALITY_FLAGS: Final = ("clipped", "low_rate", "gap")


def cadence_aggregate(bout_step_times_s: NDArray[np.float64]) -> dict[str, Any]:
    """Cadence of a group from its step times timed within their bout (s; NaN where not):
    ``{"value": 60 / mean step time (steps/min) or None, "n": step times used}`` (ANALYSIS-16, -21)."""
    cadence, n_times = mean_cadence_spm(bout_step_times_s)
    return {"value": cadence if n_times else None, "n": n_times}


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

    @classmethod
    def of(cls, steps: pd.DataFrame) -> StepArrays:
        """The arrays of an analysis steps table (columns of docs/conventions.md, in time order)."""
        text = steps["quality_flags"].astype(str)
        return cls(
            bout_step_times_s=step_times_within_bouts(
                steps["step_time_s"].to_numpy(dtype=float), steps["bout_id"].to_numpy()
            ),
            metrics={c: steps[c].to_numpy(dtype=float) for c in SUMMARY_METRICS},
            flags={f: text.str.contains(f, regex=False).to_numpy(dtype=bool) for f in QUALITY_FLAGS},
        )

    def aggregate(self, rows: NDArray[np.int64]) -> dict[str, Any]:
        """Aggregates of the steps at ``rows``: ``n_steps``, ``cadence_spm`` (:func:`cadence_aggregate`),
        every metric of SUMMARY_METRICS (:func:`metric_aggregate`) and the ``flagged_steps`` per flag."""
        out: dict[str, Any] = {"n_steps": int(rows.size)}
        out["cadence_spm"] = cadence_aggregate(self.bout_step_times_s[rows])
        for column, all_values in self.metrics.items():
            out[column] = metric_aggregate(all_values[rows])
        out["flagged_steps"] = {f: int(mask[rows].sum()) for f, mask in self.flags.items()}
        return out
