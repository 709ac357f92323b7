"""Still, walking and running segments, and the activity of every step (see docs/analysis.md).

A gait bout is a run of contacts no more than MAX_STEP_GAP_S apart (one leg: twice that), holding at
least MIN_BOUT_STEPS contacts; a lasting change between walking and running, or standing still for
MIN_PAUSE_STILL_S between two contacts, starts a new bout.
Running is gait with a flight phase: on the lower back the vertical
specific force falls to the free-fall floor between steps (contacts with a toe-off are running); on a
foot or shank the stance takes less than half the stride (duty factor < 0.5). Where neither can be
measured, cadence decides (>= RUNNING_CADENCE_SPM). Still segments are stretches of at least
MIN_STILL_S where the acceleration magnitude barely varies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.ndimage import median_filter

from retrogait.analysis.impact import mean_cadence_spm
from retrogait.analysis.preprocess import STILL_WINDOW_S, still_mask
from retrogait.analysis.signals import BodySignals, Contacts

MAX_STEP_GAP_S = 1.5
MIN_BOUT_STEPS = 4
MIN_STILL_S = 2.0
RUNNING_CADENCE_SPM = 140.0
#: Duty factor (contact time / stride time) below which a stride has a flight phase.
RUNNING_DUTY_FACTOR = 0.5
#: Standing still this long (s) between two contacts ends a bout, for every placement (one leg's
#: contacts are a stride apart, so a short stop does not open a MAX_STEP_GAP_S gap there). The still
#: mask's own window, so the still segments and the pauses come from one mask.
MIN_PAUSE_STILL_S = STILL_WINDOW_S

BOUT_COLUMNS = ("bout_id", "start_s", "end_s", "activity", "n_steps", "cadence_spm", "contact_time_s")


def step_activity(signals: BodySignals, contacts: Contacts, timing: pd.DataFrame) -> NDArray[np.str_]:
    """(m,) "running" / "walking" / "unknown" per step, from flight-phase physics or cadence."""
    m = len(contacts)
    cadence = timing["cadence_spm"].to_numpy()
    by_cadence = np.where(
        np.isfinite(cadence), np.where(cadence >= RUNNING_CADENCE_SPM, "running", "walking"), "unknown"
    )
    if signals.placement == "lower_back":
        return np.where(contacts.to_idx >= 0, "running", np.where(np.isfinite(cadence), "walking", "unknown"))
    if signals.placement in ("foot", "shank"):
        stride = 2.0 * timing["step_time_s"].to_numpy()
        duty = timing["contact_time_s"].to_numpy() / stride
        by_duty = np.where(duty < RUNNING_DUTY_FACTOR, "running", "walking")
        return np.where(np.isfinite(duty), by_duty, by_cadence)
    return by_cadence if m else np.zeros(0, dtype="<U7")


def segment_bouts(
    signals: BodySignals, contacts: Contacts, timing: pd.DataFrame, activity: NDArray[np.str_]
) -> tuple[pd.DataFrame, NDArray[np.int64], NDArray[np.str_]]:
    """Bouts table (BOUT_COLUMNS), and per step its bout id (-1 outside a bout) and the bout's activity."""
    ic_t = timing["ic_time_s"].to_numpy()
    m = ic_t.size
    per_leg = signals.placement in ("foot", "shank")
    max_gap = MAX_STEP_GAP_S * (2.0 if per_leg else 1.0)
    rows: list[dict[str, object]] = []
    step_bout = np.full(m, -1, dtype=np.int64)
    step_act = np.full(m, "unknown", dtype="<U7")
    still = still_mask(signals.acc_ms2, signals.fs_hz, window_s=MIN_PAUSE_STILL_S) & ~signals.gap
    if m:
        breaks = np.union1d(np.flatnonzero(np.diff(ic_t) > max_gap) + 1, activity_changes(activity))
        breaks = np.union1d(breaks, still_pauses(signals, contacts, still))
        starts = np.concatenate([[0], breaks])
        ends = np.concatenate([breaks, [m]])
        for s, e in zip(starts, ends, strict=True):  # one iteration per bout
            if e - s < MIN_BOUT_STEPS:
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
                    "cadence_spm": mean_cadence_spm(timing["step_time_s"].to_numpy()[s + 1 : e])[0],
                    "contact_time_s": _median(timing["contact_time_s"].to_numpy()[s:e]),
                    "_slice": (int(s), int(e)),
                }
            )
    rows.extend(_still_rows(signals, still))
    rows.sort(key=lambda r: float(r["start_s"]))  # type: ignore[arg-type]
    for bout_id, row in enumerate(rows):
        row["bout_id"] = bout_id
        sl = row.pop("_slice", None)
        if isinstance(sl, tuple):
            step_bout[sl[0] : sl[1]] = bout_id
            step_act[sl[0] : sl[1]] = row["activity"]
    bouts = pd.DataFrame(rows, columns=list(BOUT_COLUMNS))
    return bouts.astype({"bout_id": "int64", "n_steps": "int64"}), step_bout, step_act


def activity_changes(activity: NDArray[np.str_], min_steps: int = MIN_BOUT_STEPS) -> NDArray[np.int64]:
    """Step indices where the gait switches between walking and running and stays switched: a change
    of gait starts a new bout. Unknown steps take the previous known activity; the per-step activity
    is then a running majority over 2 min_steps - 1 steps, so a lone odd step does not split a bout."""
    code = np.where(activity == "running", 1.0, np.where(activity == "walking", 0.0, np.nan))
    known = np.flatnonzero(np.isfinite(code))
    if known.size == 0:
        return np.zeros(0, dtype=np.int64)
    filled = code[known[np.clip(np.searchsorted(known, np.arange(code.size), side="right") - 1, 0, None)]]
    smooth = median_filter(filled, size=2 * min_steps - 1, mode="nearest")
    return np.asarray(np.flatnonzero(np.diff(smooth) != 0) + 1, dtype=np.int64)


def still_pauses(signals: BodySignals, contacts: Contacts, still: NDArray[np.bool_] | None = None) -> NDArray[np.int64]:
    """Contact indices i where the wearer stood still between contacts i - 1 and i: ``still`` (n,), by
    default the std of |acc| below preprocess.STILL_STD_MS2 (m/s^2) over MIN_PAUSE_STILL_S (s)."""
    ic = np.clip(contacts.ic_idx.astype(np.int64), 0, signals.n_samples)
    if ic.size < 2:
        return np.zeros(0, dtype=np.int64)
    if still is None:
        still = still_mask(signals.acc_ms2, signals.fs_hz, window_s=MIN_PAUSE_STILL_S) & ~signals.gap
    count = np.concatenate([[0], np.cumsum(still)])
    return np.asarray(np.flatnonzero(count[ic[1:]] - count[ic[:-1]] > 0) + 1, dtype=np.int64)


def _median(x: NDArray[np.float64]) -> float:
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")


def _still_rows(signals: BodySignals, still: NDArray[np.bool_]) -> list[dict[str, object]]:
    edges = np.diff(np.concatenate([[0], still.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    long = (ends - starts) >= MIN_STILL_S * signals.fs_hz
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
