"""``retrogait.analyze``: a session in, one row per foot contact out (see docs/analysis.md).

preprocess -> contacts -> timing -> impact -> activity and bouts -> direction / foot strike ->
quality flags -> summary. Outputs: steps.csv, bouts.csv, summary.json and report.html.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.axis_check import reversed_axis_notes
from retrogait.analysis.bouts import BOUT_COLUMNS, segment_bouts, step_activity
from retrogait.analysis.contacts import detect_contacts
from retrogait.analysis.direction import step_directions
from retrogait.analysis.effort import EFFORT_COLUMN, effort_for_steps
from retrogait.analysis.footstrike import step_foot_strikes
from retrogait.analysis.impact import impact_load, mean_cadence_spm, step_times_within_bouts, step_timing
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.quality import step_flags
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.session import Session

if TYPE_CHECKING:
    from retrogait.imports.base import ReaderOptions

#: The columns of steps.csv, in order (docs/conventions.md, "Analysis outputs").
STEP_COLUMNS = (
    "ic_time_s",
    "to_time_s",
    "side",
    "direction",
    "direction_confidence",
    "foot_strike",
    "foot_strike_angle_deg",
    "step_time_s",
    "cadence_spm",
    "contact_time_s",
    "impact_peak_g",
    "impact_loading_rate_g_per_s",
    "vgrf_peak_bw",
    "vgrf_loading_rate_bw_per_s",
    "effort_g_per_min",
    "activity",
    "bout_id",
    "quality_flags",
)
#: The text (label) columns of steps.csv; all others are numbers.
TEXT_COLUMNS = ("side", "direction", "foot_strike", "activity", "quality_flags")
#: Per-step metrics summarised by their median and mean (cadence is not: see _aggregate).
_SUMMARY_METRICS = (
    "step_time_s",
    "contact_time_s",
    "impact_peak_g",
    "impact_loading_rate_g_per_s",
    "vgrf_peak_bw",
    "vgrf_loading_rate_bw_per_s",
    "effort_g_per_min",
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
    """

    steps: pd.DataFrame
    bouts: pd.DataFrame
    summary: dict[str, Any]
    signals: BodySignals
    contacts: Contacts


def load_input(
    path: str | os.PathLike[str],
    placement: str | None = None,
    side: str | None = None,
    anterior_axis: str | None = None,
    reader: ReaderOptions | None = None,
) -> Session:
    """Read a recording for analysis: a native session file or any export ``retrogait.imports`` knows
    (``reader``: the user's --format, --rate and column mapping).

    This is the single place where analysis reads input.
    """
    from retrogait.imports import load_session

    kwargs = reader.load_kwargs() if reader is not None else {}
    return load_session(path, placement=placement, side=side, anterior_axis=anterior_axis, **kwargs)


def analyze(
    source: Session | str | os.PathLike[str],
    placement: str | None = None,
    side: str | None = None,
    anterior_axis: str | None = None,
    forward_segment_s: tuple[float, float] | None = None,
) -> AnalysisResult:
    """Analyse every step of a session.

    Args:
        source: a Session or the path of a recording.
        placement, side, anterior_axis: override the header (see docs/conventions.md).
        forward_segment_s: (start, end) s of a stretch declared as forward gait, to calibrate the anterior
            sign when the header does not give the anterior axis.

    Raises:
        RetrogaitError: one line when the recording cannot be analysed at all (too short, below 20 Hz,
            flat, unknown units). Recordings without gait give an empty steps table instead.
    """
    session = source if isinstance(source, Session) else load_input(source, placement, side, anterior_axis)
    signals = preprocess(session, placement, side, anterior_axis, forward_segment_s)
    contacts = detect_contacts(signals)
    timing = step_timing(signals, contacts)
    load = impact_load(signals, contacts, timing)
    activity = step_activity(signals, contacts, timing)
    bouts, bout_id, bout_activity = segment_bouts(signals, contacts, timing, activity)
    direction, foot_strike = _classify(signals, contacts)
    m = len(contacts)
    steps = pd.concat([timing, load, direction, foot_strike], axis=1)
    steps["side"] = contacts.side.astype(object) if m else pd.Series([], dtype=object)
    steps["activity"] = np.where(bout_id >= 0, bout_activity, activity).astype(object)
    steps["bout_id"] = bout_id
    steps["quality_flags"] = step_flags(signals, contacts).astype(object)
    steps[EFFORT_COLUMN] = effort_for_steps(steps, signals.t_s, signals.acc_ms2) if m else np.zeros(0)
    steps = steps.reindex(columns=list(STEP_COLUMNS))
    steps = steps.astype({c: object for c in TEXT_COLUMNS}).astype({"bout_id": "int64"})
    summary = summarize(steps, bouts, signals, session)
    declared = anterior_axis or session.meta.anterior_axis
    summary["notes"] = [*summary["notes"], *reversed_axis_notes(steps, signals, contacts, declared)]
    return AnalysisResult(steps=steps, bouts=bouts, summary=summary, signals=signals, contacts=contacts)


def _classify(signals: BodySignals, contacts: Contacts) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Direction (direction.py) and foot strike (footstrike.py) per step; empty tables keep their columns."""
    if not len(contacts):
        return (
            pd.DataFrame(
                {"direction": pd.Series([], dtype=object), "direction_confidence": pd.Series([], dtype=float)}
            ),
            pd.DataFrame(
                {"foot_strike": pd.Series([], dtype=object), "foot_strike_angle_deg": pd.Series([], dtype=float)}
            ),
        )
    direction = step_directions(signals, contacts).reset_index(drop=True)
    strike = step_foot_strikes(signals, contacts).reset_index(drop=True)
    return (
        direction.loc[:, ["direction", "direction_confidence"]],
        strike.loc[:, ["foot_strike", "foot_strike_angle_deg"]],
    )


_FLAGS = ("clipped", "low_rate", "gap")


@dataclass(frozen=True)
class _StepArrays:
    """The steps table as plain arrays, extracted once, so that a summary of thousands of bouts does not
    select DataFrame rows per bout."""

    bout_step_times_s: NDArray[np.float64]
    metrics: dict[str, NDArray[np.float64]]
    flags: dict[str, NDArray[np.bool_]]

    @classmethod
    def of(cls, steps: pd.DataFrame) -> _StepArrays:
        text = steps["quality_flags"].astype(str)
        return cls(
            bout_step_times_s=step_times_within_bouts(
                steps["step_time_s"].to_numpy(dtype=float), steps["bout_id"].to_numpy()
            ),
            metrics={c: steps[c].to_numpy(dtype=float) for c in _SUMMARY_METRICS},
            flags={f: text.str.contains(f, regex=False).to_numpy(dtype=bool) for f in _FLAGS},
        )

    def aggregate(self, rows: NDArray[np.int64]) -> dict[str, Any]:
        """Aggregates of the steps at ``rows``: ``cadence_spm`` as {"value", "n"} (60 / mean step time over
        the ``n`` steps timed within their bout, ANALYSIS-16), the other metrics as {"median", "mean", "n"}."""
        out: dict[str, Any] = {"n_steps": int(rows.size)}
        cadence, n_times = mean_cadence_spm(self.bout_step_times_s[rows])
        out["cadence_spm"] = {"value": cadence if n_times else None, "n": n_times}
        for column, all_values in self.metrics.items():
            values = all_values[rows]
            values = values[np.isfinite(values)]
            out[column] = (
                {"median": float(np.median(values)), "mean": float(np.mean(values)), "n": int(values.size)}
                if values.size
                else {"median": None, "mean": None, "n": 0}
            )
        out["flagged_steps"] = {f: int(mask[rows].sum()) for f, mask in self.flags.items()}
        return out


def summarize(steps: pd.DataFrame, bouts: pd.DataFrame, signals: BodySignals, session: Session) -> dict[str, Any]:
    """JSON-ready summary: session facts, per-direction and per-bout aggregates."""
    arrays = _StepArrays.of(steps)
    direction = steps["direction"].to_numpy(dtype=str)
    per_direction = {d: arrays.aggregate(np.flatnonzero(direction == d)) for d in ("forward", "backward", "unknown")}
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
        "side": signals.side,
        "sample_rate_hz": signals.fs_hz,
        "duration_s": float(signals.t_s[-1] - signals.t_s[0]),
        "has_gyro": signals.gyr_dps is not None,
        "anterior_source": signals.anterior_source,
        "anterior_yaw_deg": signals.anterior_yaw_deg,
        "anterior_yaw_applied": signals.anterior_yaw_applied,
        "notes": list(signals.notes),
        "all": arrays.aggregate(np.arange(len(steps))),
        "per_direction": per_direction,
        "per_bout": per_bout,
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_outputs(result: AnalysisResult, out_dir: str | os.PathLike[str], report: bool = True) -> dict[str, Path]:
    """Write steps.csv, bouts.csv, summary.json (and report.html) into ``out_dir``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"steps": out / "steps.csv", "bouts": out / "bouts.csv", "summary": out / "summary.json"}
    result.steps.to_csv(paths["steps"], index=False, float_format="%.6g")
    result.bouts.reindex(columns=list(BOUT_COLUMNS)).to_csv(paths["bouts"], index=False, float_format="%.6g")
    paths["summary"].write_text(json.dumps(result.summary, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    if report:
        from retrogait.report.analysis_report import write_analysis_report

        paths["report"] = write_analysis_report(result, out / "report.html")
    return paths
