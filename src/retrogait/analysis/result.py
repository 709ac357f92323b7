"""What an analysis gives: the columns of steps.csv, :class:`AnalysisResult` and its JSON summary. Below both the
pipeline that makes a result and the parts that join several (``parts.py``), so neither imports the other's home."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from retrogait.analysis.aggregate import StepArrays
from retrogait.analysis.footstrike import FOOT_STRIKE_COLUMNS
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.vgrf import VGRF_COLUMNS
from retrogait.conventions import STEP_COUNT_PLACEMENTS
from retrogait.session import Session

#: summary.json's ``anterior_source`` of a placement that counts steps from |a| (``STEP_COUNT_PLACEMENTS``): its
#: analysis reads no anterior axis, so none came from anywhere (HONEST-33).
NOT_READ = "not_read"

#: The columns of steps.csv, in order (docs/conventions.md, "Analysis outputs").
STEP_COLUMNS = (
    "ic_time_s",
    "to_time_s",
    "side",
    "direction",
    "direction_confidence",
    *FOOT_STRIKE_COLUMNS,
    "step_time_s",
    "cadence_spm",
    "contact_time_s",
    "impact_peak_g",
    "impact_loading_rate_g_per_s",
    "impact_flags",
    *VGRF_COLUMNS,
    "effort_g_per_min",
    "activity",
    "bout_id",
    "quality_flags",
)


@dataclass(frozen=True)
class AnalysisResult:
    """What ``analyze`` returns.

    Attributes:
        steps: one row per initial contact, columns STEP_COLUMNS (empty keeps the columns).
        bouts: one row per still / walking / running segment, columns bouts.BOUT_COLUMNS.
        summary: JSON-ready dict with session facts and per-direction and per-bout aggregates.
        signals: the body-frame signals the steps were found in (for figures), None if rejected.
        contacts: the detected contacts (sample indices into ``signals``).
        declared_facing_seen: the sign is declared and a stretch of steps was firm on its facing, here or in an
            earlier part (direction.facing_per_stretch): passed on to the next part of a recording (MOUNT-8).
        frame_mirrored: a foot's acceleration and gyroscope axes were found a mirror image of each other (MOUNT-11,
            or REVIEW-54 where the gait gate dropped every contact): steps joined to these afterwards (a stretch
            without gyroscope, REVIEW-53) have their direction and foot strike withheld too.
    """

    steps: pd.DataFrame
    bouts: pd.DataFrame
    summary: dict[str, Any]
    signals: BodySignals
    contacts: Contacts
    declared_facing_seen: bool = False
    frame_mirrored: bool = False


def summarize(steps: pd.DataFrame, bouts: pd.DataFrame, signals: BodySignals, session: Session) -> dict[str, Any]:
    """JSON-ready summary: session facts, per-direction and per-bout aggregates (aggregate.StepArrays: the one
    definition of a group's cadence and metric aggregates)."""
    arrays = StepArrays.of(steps)
    direction = steps["direction"].to_numpy(dtype=str)
    per_direction = {
        d: arrays.aggregate(np.flatnonzero(direction == d)) for d in ("forward", "backward", "sideways", "unknown")
    }
    ids = steps["bout_id"].to_numpy(dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    keys, first = np.unique(ids[order], return_index=True)
    rows_of_bout = dict(zip(keys.tolist(), np.split(order, first[1:]), strict=True)) if ids.size else {}
    no_rows = np.zeros(0, dtype=np.int64)
    per_bout = []
    for record in bouts.to_dict(orient="records"):
        entry = {str(k): _json_value(v) for k, v in record.items()}
        entry.update(arrays.aggregate(rows_of_bout.get(int(entry["bout_id"]), no_rows)))
        per_bout.append(entry)
    return {
        "source": session.source,
        "sensor": session.meta.sensor,
        "acc_range_g": session.meta.acc_range_g,
        "subject": session.meta.subject,
        "placement": signals.placement,
        # the placement the analysis was asked for; `placement` differs where a foot or shank that sees both legs
        # was analysed as `other` (PHONE-18, REVIEW-33: the pipeline sets it there, EDGE-192)
        "declared_placement": signals.placement,
        "side": signals.side,
        "sample_rate_hz": signals.fs_hz,
        "duration_s": float(signals.t_s[-1] - signals.t_s[0]),
        "has_gyro": signals.gyr_dps is not None,
        "acc_gravity": "removed" if signals.gravity_removed else "included",
        # a placement that counts steps from |a| reads no anterior axis (HONEST-30, PHONE-16, HONEST-33)
        "anterior_source": NOT_READ if signals.placement in STEP_COUNT_PLACEMENTS else signals.anterior_source,
        "anterior_yaw_deg": signals.anterior_yaw_deg,
        "anterior_yaw_applied": signals.anterior_yaw_applied,
        "notes": list(signals.notes),
        # how the recording was read or recorded: the header's further keys (import format and files, every
        # inference, rows dropped, a cut, the recorder's facts), as the session file holds them (EDGE-77)
        "input_provenance": dict(session.meta.extra),
        "all": arrays.aggregate(np.arange(len(steps)), all_directions=True),  # EDGE-47
        "per_direction": per_direction,
        "per_bout": per_bout,
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
