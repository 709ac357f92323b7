"""Stretches without gyroscope analysed as a sensor without one, joined to the rest (GYRO-1, docs/analysis.md).

A recording whose gyroscope has values at MIN_GYRO_COVERAGE of the rows or more is analysed with it; its
rows without one (EDGE-46) are gaps of that analysis. A stretch of such rows lasting MIN_STRETCH_S or more
is analysed a second time from the acceleration alone (with MARGIN_S of acceleration either side, the
same placement, arguments and settings, as a sensor without a gyroscope), and the steps of that analysis
that fall in the hole the stretch makes in the gyroscope analysis' contacts (up to EDGE_S beyond it, and
at least half the shortest step from a contact the gyroscope analysis kept) join the steps table, flagged
``no_gyro``. A bout ending at a join and the one on its other side are one bout when their contacts are
no further apart than a bout allows and their activity is the same; the step time across the join is
the stretch analysis' own (it saw both contacts), so cadence neither counts a step twice nor invents one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.bouts import bout_row_of_steps
from retrogait.analysis.impact import mean_finite
from retrogait.analysis.settings import AnalysisSettings
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.errors import RetrogaitError
from retrogait.masks import true_runs
from retrogait.session import Session

#: A stretch without gyroscope this long (s, from the last sample with one to the next) or longer is analysed
#: without the gyroscope: one stride of the slowest gait the detectors take (two 1 s steps, 60 steps/min).
#: A shorter one stays a gap of the gyroscope analysis (it hides at most a stride's contacts, flagged ``gap``).
MIN_STRETCH_S = 2.0
#: Acceleration (s) analysed on each side of a stretch with it: the filters, the period windows and the gait
#: gate see the gait going into and out of the stretch, as in an unbroken recording (steps here are not kept).
MARGIN_S = 5.0
#: The stretch analysis' contacts are kept this far (s) beyond the stretches too, where the gyroscope analysis
#: has a hole around them: it loses contacts next to its gap (filters, and the gait gate drops a run of
#: contacts cut short by gaps); half MARGIN_S, so that the stretch analysis' own ends are as far.
EDGE_S = 2.5
#: Stretches whose windows lie less than this apart (s) are analysed in one window, the acceleration between
#: them too: an analysis costs ~0.2 s to start and ~1.5 ms per second of a lower back at 200 Hz, so a minute
#: between is cheaper than a second start (a 5 min run with 10 stretches of 5 s:
#: 0.5 s without them, 2.7 s with a window each, 0.9 s in one).
SHARED_WINDOW_S = 60.0
#: Where the gyroscope analysis' anterior axis came from (BodySignals.anterior_source) for the stretch analysis to
#: take it, yaw and sign (GYRO-2): a declared axis, refined by the gyroscope. A sign calibrated on a forward
#: segment or guessed from the cues stays the stretch's own: passed on, it made simulated backward walking in a
#: stretch forward at confidence 0.99 (acc-only evidence read against it), where alone it says ``unknown``.
DECLARED_SOURCES = ("header", "argument")
#: The flag of a step found without the gyroscope (steps.csv ``quality_flags``).
NO_GYRO_FLAG = "no_gyro"


def no_gyro_stretches(
    t_s: NDArray[np.float64], missing: NDArray[np.bool_], min_s: float = MIN_STRETCH_S
) -> NDArray[np.int64]:
    """(k, 2) first and one-past-last row of each run of ``missing`` rows lasting ``min_s`` (s) or more, measured
    from the row before the run to the row after it (the time the gyroscope is absent; a run at an end of
    the recording to that end)."""
    start, end = true_runs(missing)
    n = t_s.size
    before = t_s[np.maximum(start - 1, 0)]
    after = t_s[np.minimum(end, n - 1)]
    long = (after - before) >= min_s
    return np.column_stack([start[long], end[long]]).astype(np.int64)


@dataclass(frozen=True)
class _Part:
    """The kept steps of one stretch analysis, and what the join reads from that analysis."""

    steps: pd.DataFrame
    all_ic_s: NDArray[np.float64]
    all_step_time_s: NDArray[np.float64]
    bouts: pd.DataFrame
    stretches_s: list[tuple[float, float]]


def join_no_gyro_stretches(
    result: Any,
    session: Session,
    stretches: NDArray[np.int64],
    settings: AnalysisSettings,
    analyse: Callable[[Session], Any],
) -> tuple[pd.DataFrame, pd.DataFrame, Contacts, list[str], list[dict[str, Any]]]:
    """The steps, bouts and contacts of ``result`` (the gyroscope analysis, an ``AnalysisResult``) with the steps
    of ``stretches`` (rows of ``session``, :func:`no_gyro_stretches`) analysed by ``analyse`` on the
    acceleration alone; the notes of those analyses and one entry per stretch for summary.json."""
    t = session.t_s
    main = result.steps
    tol = 0.5 * settings.contacts.min_step_s
    main_ic = main["ic_time_s"].to_numpy(dtype=float)
    parts: list[_Part] = []
    notes: list[str] = []
    entries: list[dict[str, Any]] = []
    for lo, hi, group in _windows(t, stretches):
        span = f"{t[stretches[group[0], 0]]:.2f}-{t[stretches[group[-1], 1] - 1]:.2f} s"
        sub_session = Session(t[lo:hi], session.acc[lo:hi], None, session.meta, source=session.source)
        try:
            sub = analyse(sub_session)
        except RetrogaitError as err:  # e.g. a flat stretch: it stays a gap, said so
            notes.append(f"without the gyroscope, {span}: not analysed ({str(err).split(': ', 1)[-1]}); a gap")
            continue
        ic = sub.steps["ic_time_s"].to_numpy(dtype=float)
        first, last = t[stretches[group, 0]], t[stretches[group, 1] - 1]
        keep = _in_hole(ic, main_ic, first, last, tol)
        kept = sub.steps.loc[keep].copy()
        flags = kept["quality_flags"].astype(str)
        kept["quality_flags"] = np.where(flags == "", NO_GYRO_FLAG, flags + ";" + NO_GYRO_FLAG).astype(object)
        within = [(float(a), float(b)) for a, b in zip(first, last, strict=True)]
        parts.append(_Part(kept, ic, sub.steps["step_time_s"].to_numpy(dtype=float), sub.bouts, within))
        for g in group:  # the steps kept, each counted with the stretch nearest to it
            a, b = float(t[stretches[g, 0]]), float(t[stretches[g, 1] - 1])
            owner = np.argmin(np.abs(ic[keep, None] - np.clip(ic[keep, None], first, last)), axis=1)
            entries.append({"start_s": a, "end_s": b, "n_steps": int((owner == group.index(g)).sum())})
        notes += [
            f"without the gyroscope, {span}: {note}"
            for note in sub.summary["notes"]
            if note not in result.summary["notes"]
        ]
    steps, bouts = _joined(main, result.bouts, parts, settings)
    return steps, bouts, _contacts(steps, result.signals), notes, entries


def _windows(t: NDArray[np.float64], stretches: NDArray[np.int64]) -> list[tuple[int, int, list[int]]]:
    """Rows [lo, hi) analysed without the gyroscope: each stretch with MARGIN_S either side, windows that
    overlap or lie less than SHARED_WINDOW_S apart as one (with the stretches they hold)."""
    lo = np.searchsorted(t, t[stretches[:, 0]] - MARGIN_S, side="left")
    hi = np.searchsorted(t, t[stretches[:, 1] - 1] + MARGIN_S, side="right")
    out: list[tuple[int, int, list[int]]] = []
    for k in range(stretches.shape[0]):  # one iteration per stretch
        if out and (lo[k] <= out[-1][1] or t[lo[k]] - t[out[-1][1] - 1] <= SHARED_WINDOW_S):
            out[-1] = (out[-1][0], int(hi[k]), [*out[-1][2], k])
        else:
            out.append((int(lo[k]), int(hi[k]), [k]))
    return out


def _in_hole(
    ic: NDArray[np.float64],
    main_ic: NDArray[np.float64],
    first: NDArray[np.float64],
    last: NDArray[np.float64],
    tol: float,
) -> NDArray[np.bool_]:
    """(len(ic),) True at the stretch analysis' contacts ``ic`` (s) to keep: within EDGE_S of the stretches
    ``first``-``last`` (s) of one window, or between two less than 2 MARGIN_S apart, in a hole of the
    gyroscope analysis' contacts ``main_ic`` (sorted, s) -- between two consecutive ones (or before the
    first, after the last) with a stretch between them -- and at least ``tol`` from both."""
    j = np.searchsorted(main_ic, ic)
    prev = np.concatenate([[-np.inf], main_ic])[j]
    nxt = np.concatenate([main_ic, [np.inf]])[j]
    hole = ((first[None, :] < nxt[:, None]) & (last[None, :] > prev[:, None])).any(axis=1)
    apart = np.flatnonzero(first[1:] - last[:-1] > 2.0 * MARGIN_S)  # closer: between them too
    zone_lo = first[np.concatenate([[0], apart + 1])] - EDGE_S
    zone_hi = last[np.concatenate([apart, [last.size - 1]])] + EDGE_S
    zone = ((ic[:, None] >= zone_lo[None, :]) & (ic[:, None] <= zone_hi[None, :])).any(axis=1)
    return np.asarray(zone & hole & (ic - prev >= tol) & (nxt - ic >= tol))


def _joined(
    main: pd.DataFrame, main_bouts: pd.DataFrame, parts: list[_Part], settings: AnalysisSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One steps table in time order and its bouts (see the module doc for the join's rules)."""
    source = np.concatenate(
        [np.zeros(len(main), dtype=np.int64), *[np.full(len(p.steps), k + 1) for k, p in enumerate(parts)]]
    )
    # bout keys unique across the analyses: a stretch analysis' bout b of part k is (k + 1) * BIG + b
    big = 1 + max([len(main_bouts), *[len(p.bouts) for p in parts]])
    keys = [main["bout_id"].to_numpy(dtype=np.int64)]
    keys += [
        np.where(p.steps["bout_id"].to_numpy() >= 0, (k + 1) * big + p.steps["bout_id"].to_numpy(), -1)
        for k, p in enumerate(parts)
    ]
    steps = pd.concat([main, *[p.steps for p in parts]], ignore_index=True)
    key = np.concatenate(keys).astype(np.int64)
    order = np.argsort(steps["ic_time_s"].to_numpy(dtype=float), kind="stable")
    steps, key, source = steps.iloc[order].reset_index(drop=True), key[order], source[order]
    joins = np.flatnonzero(source[1:] != source[:-1]) + 1
    ic = steps["ic_time_s"].to_numpy(dtype=float)
    step = steps["step_time_s"].to_numpy(dtype=float).copy()
    for j in joins:  # one per stretch edge: the first step after it, timed by the stretch analysis
        if source[j] == 0 and not np.isfinite(step[j]):
            part = parts[source[j - 1] - 1]
            near = np.flatnonzero(np.abs(part.all_ic_s - ic[j]) < 0.5 * settings.contacts.min_step_s)
            step[j] = part.all_step_time_s[near[0]] if near.size else np.nan
    steps["step_time_s"] = step
    around = np.unique(np.clip(np.concatenate([joins - 1, joins]), 0, max(len(steps) - 1, 0)))
    nxt = np.append(step[1:], np.nan)
    steps.loc[around, "cadence_spm"] = 60.0 / mean_finite(step[around], nxt[around])
    activity = steps["activity"].astype(str).to_numpy()
    for j in joins:  # a bout across the join continues
        close = ic[j] - ic[j - 1] <= settings.bouts.max_contact_gap_s
        if key[j] >= 0 and key[j - 1] >= 0 and key[j] != key[j - 1] and close and activity[j] == activity[j - 1]:
            key[key == key[j]] = key[j - 1]
    return _rebuilt_bouts(steps, key, main_bouts, parts, settings)


def _rebuilt_bouts(
    steps: pd.DataFrame,
    key: NDArray[np.int64],
    main_bouts: pd.DataFrame,
    parts: list[_Part],
    settings: AnalysisSettings,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bouts table of the joined steps: the gyroscope analysis' rows of bouts the join left alone, rows
    measured again for bouts it changed (joined, or cut to a stretch: fewer than min_bout_steps are none),
    and the stretch analyses' still segments inside their stretches; bout ids in time order."""
    rows: list[dict[str, Any]] = []
    row_key: list[int] = []
    for k in np.unique(key[key >= 0]):  # one per bout
        at = np.flatnonzero(key == k)
        same = k < len(main_bouts) and int(main_bouts["n_steps"].iloc[k]) == at.size
        if same:
            rows.append({c: main_bouts[c].iloc[k] for c in main_bouts.columns})
        elif at.size >= settings.bouts.min_bout_steps:
            rows.append(bout_row_of_steps(steps, at))
        else:
            key[at] = -1
            continue
        row_key.append(int(k))
    rows += [
        {str(c): v for c, v in r.items()} for r in main_bouts.to_dict(orient="records") if r["activity"] == "still"
    ]
    rows += [r for p in parts for r in _still_inside(p, settings.bouts.min_still_s)]
    row_key += [-1] * (len(rows) - len(row_key))
    order = np.argsort([float(r["start_s"]) for r in rows], kind="stable")
    new_id = np.full(len(rows), -1, dtype=np.int64)
    new_id[order] = np.arange(len(rows))
    gait = np.asarray(row_key, dtype=np.int64) >= 0
    known, ids = np.asarray(row_key, dtype=np.int64)[gait], new_id[gait]  # known: ascending (np.unique above)
    at = np.clip(np.searchsorted(known, key), 0, max(known.size - 1, 0))
    found = (key >= 0) & (known.size > 0) & (known[at] == key) if known.size else np.zeros(key.size, dtype=bool)
    steps["bout_id"] = np.where(found, ids[at] if known.size else -1, -1).astype(np.int64)
    bouts = pd.DataFrame([{**rows[i], "bout_id": int(new_id[i])} for i in order], columns=list(main_bouts.columns))
    return steps, bouts.astype({"bout_id": "int64", "n_steps": "int64"})


def _still_inside(part: _Part, min_still_s: float) -> list[dict[str, Any]]:
    """The stretch analysis' still segments cut to its stretches, where at least ``min_still_s`` remains (the
    gyroscope analysis has its own outside them)."""
    rows: list[dict[str, Any]] = []
    for r in part.bouts.to_dict(orient="records"):  # one per bout of the stretch analysis
        if r["activity"] != "still":
            continue
        for a, b in part.stretches_s:
            start, end = max(float(r["start_s"]), a), min(float(r["end_s"]), b)
            if end - start >= min_still_s:
                rows.append({**{str(c): v for c, v in r.items()}, "start_s": start, "end_s": end})
    return rows


def _contacts(steps: pd.DataFrame, signals: BodySignals) -> Contacts:
    """The joined steps' contacts as sample indices of the gyroscope analysis' signals (for the report)."""
    fs, t0, n = signals.fs_hz, float(signals.t_s[0]), signals.n_samples
    ic = np.clip(np.rint((steps["ic_time_s"].to_numpy(dtype=float) - t0) * fs), 0, n - 1).astype(np.int64)
    to_t = steps["to_time_s"].to_numpy(dtype=float)
    to = np.where(np.isfinite(to_t), np.clip(np.rint((np.nan_to_num(to_t) - t0) * fs), 0, n - 1), -1).astype(np.int64)
    return Contacts(ic, to, steps["side"].astype(str).to_numpy().astype("<U7"))
