"""Still, walking and running segments, and the activity of every step (see docs/analysis.md).

A gait bout is a run of contacts no more than ``max_contact_gap_s`` apart (BoutSettings; the foot and
shank presets double it: one leg's contacts are a stride apart), holding at least ``min_bout_steps``
contacts; a lasting change between walking and running, or standing still for the still mask's window
(StillSettings.window_s) between two contacts, starts a new bout.
Running is gait with a flight phase: on the lower back the vertical
specific force falls to the free-fall floor between steps (contacts with a toe-off are running); on a
foot or shank the stance takes less than half the stride (duty factor < ``running_duty_factor``). Where
neither can be measured, cadence decides (>= ``running_cadence_spm``). Still segments are stretches of
at least ``min_still_s`` where the acceleration magnitude barely varies.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.impact import mean_cadence_spm
from retrogait.analysis.settings import BoutSettings, StillSettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.dsp import running_median
from retrogait.masks import counts_before, runs_mask, true_runs

BOUT_COLUMNS = ("bout_id", "start_s", "end_s", "activity", "n_steps", "cadence_spm", "contact_time_s")


def bout_row_of_steps(steps: pd.DataFrame, at: NDArray[np.intp]) -> dict[str, object]:
    """The bouts.csv row (without ``bout_id``) of the gait bout made of the rows ``at`` of ``steps`` (in time
    order), measured from the steps alone: first and last contact (s), majority activity, step count, mean
    cadence (steps/min) and median contact time (s; NaN where none is measured). Used where steps are joined
    after their analyses (gyroscope stretches, parts)."""
    ic = steps["ic_time_s"].to_numpy(dtype=float)[at]
    contact = steps["contact_time_s"].to_numpy(dtype=float)[at]
    values, counts = np.unique(steps["activity"].astype(str).to_numpy()[at], return_counts=True)
    finite = contact[np.isfinite(contact)]
    return {
        "start_s": float(ic[0]),
        "end_s": float(ic[-1]),
        "activity": str(values[np.argmax(counts)]),
        "n_steps": int(at.size),
        "cadence_spm": mean_cadence_spm(steps["step_time_s"].to_numpy(dtype=float)[at[1:]])[0],
        "contact_time_s": float(np.median(finite)) if finite.size else float("nan"),
    }


def step_activity(
    signals: BodySignals, contacts: Contacts, timing: pd.DataFrame, settings: BoutSettings | None = None
) -> NDArray[np.str_]:
    """(m,) "running" / "walking" / "unknown" per step: running is gait with a flight phase.

    Lower back: a flight floor after the step (a toe-off). Foot/shank: duty factor below
    ``running_duty_factor``; a step whose duty factor is not measured is "unknown" (its bout's
    majority decides) when the session has toe-offs at all -- never cadence, which fast backward
    walking and side-steps push past any running threshold. Only where flight cannot be measured
    (no toe-offs: no gyroscope; wrist, other) does cadence decide (>= ``running_cadence_spm``)."""
    settings = settings or preset(signals.placement).bouts
    m = len(contacts)
    cadence = timing["cadence_spm"].to_numpy()
    by_cadence = np.where(
        np.isfinite(cadence), np.where(cadence >= settings.running_cadence_spm, "running", "walking"), "unknown"
    )
    if signals.placement == "lower_back":
        return np.where(contacts.to_idx >= 0, "running", np.where(np.isfinite(cadence), "walking", "unknown"))
    if signals.placement in ("foot", "shank"):
        stride = 2.0 * timing["step_time_s"].to_numpy()
        duty = timing["contact_time_s"].to_numpy() / stride
        by_duty = np.where(duty < settings.running_duty_factor, "running", "walking")
        without_duty = "unknown" if bool(np.any(contacts.to_idx >= 0)) else by_cadence
        return np.where(np.isfinite(duty), by_duty, without_duty)
    return by_cadence if m else np.zeros(0, dtype="<U7")


def segment_bouts(
    signals: BodySignals,
    contacts: Contacts,
    timing: pd.DataFrame,
    activity: NDArray[np.str_],
    settings: BoutSettings | None = None,
    still_settings: StillSettings | None = None,
    heading_change_deg: NDArray[np.float64] | None = None,
    shortest_step_s: float | None = None,
) -> tuple[pd.DataFrame, NDArray[np.int64], NDArray[np.str_]]:
    """Bouts table (BOUT_COLUMNS), and per step its bout id (-1 outside a bout) and the bout's activity.
    Settings default to the placement's preset. ``heading_change_deg`` (m,): the wearer's heading change
    since the contact before (direction cue ``heading_change_deg``); turning round
    (``turn_split_deg`` or more) ends a bout. ``shortest_step_s``: the contacts' ``min_step_s`` (default the
    preset's); a gap in the data shorter than it does not split a still segment."""
    settings = settings or preset(signals.placement).bouts
    still_settings = still_settings or preset(signals.placement).still
    m = len(timing)
    step_bout = np.full(m, -1, dtype=np.int64)
    step_act = np.full(m, "unknown", dtype="<U7")
    still = _still(signals, still_settings)
    rows = _gait_rows(signals, contacts, timing, activity, still, settings, heading_change_deg) if m else []
    if shortest_step_s is None:
        shortest_step_s = preset(signals.placement).contacts.min_step_s
    bridged = _bridged(still, signals.gap, math.ceil(shortest_step_s * signals.fs_hz) - 1)
    rows.extend(_still_rows(signals, bridged, settings))
    rows.sort(key=lambda r: float(r["start_s"]))  # type: ignore[arg-type]
    for bout_id, row in enumerate(rows):
        row["bout_id"] = bout_id
        sl = row.pop("_slice", None)
        if isinstance(sl, tuple):
            step_bout[sl[0] : sl[1]] = bout_id
            step_act[sl[0] : sl[1]] = row["activity"]
    bouts = pd.DataFrame(rows, columns=list(BOUT_COLUMNS))
    return bouts.astype({"bout_id": "int64", "n_steps": "int64"}), step_bout, step_act


def _gait_rows(
    signals: BodySignals,
    contacts: Contacts,
    timing: pd.DataFrame,
    activity: NDArray[np.str_],
    still: NDArray[np.bool_],
    settings: BoutSettings,
    heading_change_deg: NDArray[np.float64] | None = None,
) -> list[dict[str, object]]:
    """One row per gait bout (with its step ``_slice``): contacts split at long gaps, lasting gait
    changes, standing and turning round, keeping runs of at least ``min_bout_steps``."""
    ic_t = timing["ic_time_s"].to_numpy()
    step_time, contact_time = timing["step_time_s"].to_numpy(), timing["contact_time_s"].to_numpy()
    breaks = np.union1d(
        np.flatnonzero(np.diff(ic_t) > settings.max_contact_gap_s) + 1, still_pauses(signals, contacts, still)
    )
    if heading_change_deg is not None:
        turned = np.abs(np.nan_to_num(np.asarray(heading_change_deg, dtype=np.float64))) >= settings.turn_split_deg
        breaks = np.union1d(breaks, np.flatnonzero(turned))
    # a change of gait is looked for within each stretch, so the gait before a pause or turn has no vote
    edges = np.concatenate([[0], breaks, [ic_t.size]]).astype(np.int64)
    changes = [a + activity_changes(activity[a:b], settings.min_bout_steps) for a, b in itertools.pairwise(edges)]
    breaks = np.union1d(breaks, np.concatenate([np.zeros(0, dtype=np.int64), *changes]))
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [ic_t.size]])
    rows: list[dict[str, object]] = []
    for s, e in zip(starts, ends, strict=True):  # one iteration per bout
        if e - s < settings.min_bout_steps:
            continue
        acts = activity[s:e]
        known = acts[acts != "unknown"]
        act = "unknown"
        if known.size:
            values, counts = np.unique(known, return_counts=True)
            act = str(values[np.argmax(counts)])
        rows.append(
            {
                "start_s": float(ic_t[s]),
                "end_s": float(ic_t[e - 1]),
                "activity": act,
                "n_steps": int(e - s),
                # the first step is timed from the contact before the bout: not counted
                "cadence_spm": mean_cadence_spm(step_time[s + 1 : e])[0],
                "contact_time_s": _median(contact_time[s:e]),
                "_slice": (int(s), int(e)),
            }
        )
    return rows


def _still(signals: BodySignals, still: StillSettings) -> NDArray[np.bool_]:
    """(n,) the still mask outside gaps: std of |acc| below ``std_ms2`` over ``window_s``."""
    return np.asarray(signals.still_mask(still.window_s, still.std_ms2) & ~signals.gap)


def activity_changes(activity: NDArray[np.str_], min_steps: int = BoutSettings.min_bout_steps) -> NDArray[np.int64]:
    """Step indices where the gait switches between walking and running and stays switched: a change
    of gait starts a new bout, at the first step of the new gait whose activity is known. Unknown steps
    do not vote; the known steps' activity is a running majority over 2 min_steps - 1 of them (mirrored
    at the ends), so a lone odd step -- inside or at an end -- does not split a bout."""
    code = np.where(activity == "running", 1.0, np.where(activity == "walking", 0.0, np.nan))
    known = np.flatnonzero(np.isfinite(code))
    if known.size == 0:
        return np.zeros(0, dtype=np.int64)
    smooth = running_median(code[known], 2 * min_steps - 1)
    return np.asarray(known[np.flatnonzero(np.diff(smooth) != 0) + 1], dtype=np.int64)


def still_pauses(signals: BodySignals, contacts: Contacts, still: NDArray[np.bool_] | None = None) -> NDArray[np.int64]:
    """Contact indices i where the wearer stood still between contacts i - 1 and i: ``still`` (n,), by
    default the still mask of the placement's preset (std of |acc| below ``std_ms2`` over ``window_s``)."""
    ic = np.clip(contacts.ic_idx.astype(np.int64), 0, signals.n_samples)
    if ic.size < 2:
        return np.zeros(0, dtype=np.int64)
    if still is None:
        still = _still(signals, preset(signals.placement).still)
    count = counts_before(still, ic)  # the running count read at the contacts only (PERF-164)
    return np.asarray(np.flatnonzero(count[1:] - count[:-1] > 0) + 1, dtype=np.int64)


def _median(x: NDArray[np.float64]) -> float:
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")


def _still_rows(signals: BodySignals, still: NDArray[np.bool_], settings: BoutSettings) -> list[dict[str, object]]:
    starts, ends = true_runs(still)
    long = (ends - starts) >= settings.min_still_s * signals.fs_hz
    t = signals.t_s
    return [
        {
            "start_s": float(t[s]),
            "end_s": float(t[e - 1]),
            "activity": "still",
            "n_steps": 0,
            "cadence_spm": float("nan"),
            "contact_time_s": float("nan"),
        }
        for s, e in zip(starts[long], ends[long], strict=True)
    ]


def _bridged(still: NDArray[np.bool_], gap: NDArray[np.bool_], longest: int) -> NDArray[np.bool_]:
    """``still`` with each run of non-still samples that are all gap, at most ``longest`` samples long and with
    still samples on both sides, taken as still: no step fits in a gap shorter than the shortest step (HONEST-23)."""
    starts, ends = true_runs(~still)
    inside = (starts > 0) & (ends < still.size) & (ends - starts <= longest)
    gaps_before_end, gaps_before_start = counts_before(gap, np.stack([ends, starts]))  # PERF-164
    joined = inside & (gaps_before_end - gaps_before_start == ends - starts)
    if not joined.any():
        return still
    return still | runs_mask(still.size, starts[joined], ends[joined])
