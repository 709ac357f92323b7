"""A recording too long for the memory, analysed in overlapping parts and joined into one result (LONG-4).

The recording is cut into cores of about ``part_s`` seconds (from its first sample; the last core runs to its
end), and each core is analysed with ``overlap_s`` of the recording on each side (a *part*), one part at a time,
so the memory holds one part. A core ends in the middle of a rest (a still segment) near its planned end, found by
its own part (:func:`seam_at_rest`): no run of contacts crosses a seam, so the gait gate, which judges a run of
contacts whole, and the direction's chain, which breaks at standing, read each run in one part. Each step is kept
from the part whose core holds its contact; a step near a seam was found, timed and classified with at least half
an overlap of signal after it and a whole one before it. The bouts are rebuilt from the joined steps: a bout that
crosses a seam (a seam in gait, where no rest was near) is one bout where the parts on both sides agree that it
crosses it (one of them holds it past the seam) and read the same activity; a still segment crossing a seam is
the union of both parts' pieces. The summary's aggregates are computed from the joined steps and bouts.

What is per part (each part infers it as a recording of its own; summary.json ``parts`` lists them per part, and
a note names any that differ): what the reading infers from the samples (the rate measured, the resolution), and
what the analysis infers of the whole session (the vertical, the anterior axis, its yaw and sign, the placement
check, the gait gate's notes, the stretches without gyroscope), and the random re-readings of a coarsely quantised
recording (HONEST-8: their offsets are drawn from the part's first sample, so a step whose ``quantised`` flag is
decided by the draw may read otherwise).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.bouts import BOUT_COLUMNS, bout_row_of_steps
from retrogait.analysis.leg_rhythm import read_apart
from retrogait.analysis.part_plan import OVERLAP_S, PART_S
from retrogait.analysis.result import STEP_COLUMNS, AnalysisResult, summarize
from retrogait.analysis.settings import AnalysisSettings
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.errors import RetrogaitError
from retrogait.imports.limits import SAMPLE_RATE_KEY
from retrogait.imports.part import PART_KEY, EmptyPart, NotInTimeOrder, Part
from retrogait.session import Session

#: A part's read starts at a whole number of these (s; rounded up to whole local-period hops) from the first
#: sample (less a millisecond: that sample is its first), so that what the analysis computes on a grid from its
#: first sample (the local step period's hops, a decimation) falls on the same samples in every part as in the
#: whole recording (off the grid, 2 of 284 contacts of a simulated shank moved by 0.06-0.08 s).
GRID_S = 10.0
#: The summary fields each part infers for itself; the first part's are summary.json's, a note names any differing.
PER_PART_FIELDS = (
    "sample_rate_hz",
    "placement",
    "side",
    "has_gyro",
    "acc_gravity",
    "anterior_source",
    "anterior_yaw_deg",
    "anterior_yaw_applied",
)
#: Steps of a bout that crosses a seam are one bout where a part holds it within this (s) of the other side's step.
_SEAM_TOL_S = 1e-6


class PartAnalysis(Protocol):
    """How a part is analysed: ``pipeline.analyze`` with the user's placement, axis and settings, told whether an
    earlier part was firm on the declared facing (``AnalysisResult.declared_facing_seen``), so that a sensor
    re-mounted turned during a rest longer than the overlap is seen as within one analysis (MOUNT-8)."""

    def __call__(self, session: Session, /, *, declared_facing_seen: bool = False) -> AnalysisResult: ...


class BothLegsReader(Protocol):
    """How a part read as one leg's is analysed again as ``other`` (``pipeline.read_as_both_legs``, REVIEW-33):
    passed in by the caller, so that this module, which the pipeline uses, does not import the pipeline."""

    def __call__(self, result: AnalysisResult, session: Session, given: AnalysisSettings | None) -> AnalysisResult: ...


@dataclass(frozen=True)
class PartSteps:
    """One part's analysis as the join reads it: its core (absolute s, ``lo`` <= contact < ``hi``), the steps kept
    (contacts in the core), its whole bouts table, its summary and its core in s from the first sample (the end
    None for the last part) and whether its end is a rest (:func:`seam_at_rest`)."""

    lo: float
    hi: float
    steps: pd.DataFrame
    bouts: pd.DataFrame
    summary: dict[str, Any]
    core: tuple[float, float | None]
    ends_at_rest: bool = True


def seam_at_rest(bouts: pd.DataFrame, earliest: float, planned: float, overlap_s: float) -> tuple[float, bool]:
    """Where a part's core ends (s, on the recording's time line): the middle of the still segment of ``bouts``
    (the part's bouts table; its piece between ``earliest`` and half an overlap after ``planned``) nearest
    ``planned``, so that no run of contacts crosses it (the gait gate judges a run whole, the direction's chain
    breaks at standing), and True; ``planned`` and False where the part has no rest there (a seam in gait)."""
    latest = planned + overlap_s / 2
    still = bouts.loc[bouts["activity"] == "still"]
    a = np.maximum(still["start_s"].to_numpy(dtype=float), earliest)
    b = np.minimum(still["end_s"].to_numpy(dtype=float), latest)
    middle = (0.5 * (a + b))[b > a]
    if not middle.size:
        return planned, False
    return float(middle[np.argmin(np.abs(middle - planned))]), True


def _in_gap(t_s: NDArray[np.float64], at: float, longer_s: float) -> bool:
    """True where ``at`` (s) lies in a gap of the time stamps ``t_s`` longer than ``longer_s`` (no run of contacts
    crosses one: a seam there is as good as one at rest; EDGE-116)."""
    i = int(np.searchsorted(t_s, at))
    before = float(t_s[i - 1]) if i > 0 else -math.inf
    after = float(t_s[i]) if i < t_s.size else math.inf
    return after - before > longer_s


def analyze_in_parts(
    read: Callable[[Part], Session],
    length_s: float,
    analyse: PartAnalysis,
    settings_for: Callable[[Session], AnalysisSettings],
    part_s: float = PART_S,
    overlap_s: float | None = None,
    first_s: float | None = None,
    *,
    both_legs: BothLegsReader | None = None,
) -> AnalysisResult:
    """The ``AnalysisResult`` of a recording analysed part by part (module doc): ``read(part)`` reads the samples
    of ``part`` ((start, end) s from the first sample), ``analyse(session)`` analyses one (:class:`PartAnalysis`),
    ``settings_for(session)`` the settings it analyses one with (the bouts are rebuilt with the first part's);
    ``length_s``: the recording's length, from its first sample to its last (the last part reads to the end
    whatever it is; parts are planned up to it, so a gap counts in it); ``overlap_s``: OVERLAP_S unless given. A
    part inside a gap (its read holds no sample: ``EmptyPart``) is skipped; a part whose read or analysis fails
    otherwise is refused in one line naming it. ``first_s``: the recording's first sample time (s), where the
    caller knows it: then the first part may be empty too (a stray first sample before a gap of days, EDGE-116),
    else it is refused. ``both_legs`` (``pipeline.read_as_both_legs``): where parts disagree on one leg or both legs,
    each one-leg part is analysed again with it (REVIEW-33); None leaves each part's own reading."""
    overlap_s = OVERLAP_S if overlap_s is None else overlap_s
    kept: list[PartSteps] = []
    t0 = math.nan if first_s is None else first_s
    signals: BodySignals | None = None
    last: Session | None = None
    settings = AnalysisSettings()
    span = (math.nan, math.nan)
    start, k, seen = 0.0, 0, False  # seen: an earlier part was firm on the declared facing (MOUNT-8)
    while True:  # one iteration per part: a part's read and analysis at a time
        end = None if length_s - start < 1.5 * part_s else start + part_s  # the last part: what remains
        grid = math.ceil(GRID_S / settings.contacts.period_hop_s) * settings.contacts.period_hop_s
        first = math.floor((start - overlap_s) / grid) * grid - 1e-3  # on the grid: the same sample phase
        window: Part = (None if k == 0 else max(first, 0.0), None if end is None else end + overlap_s)
        where = f"its part from {start:g} s (analysed in parts: LONG-4)"
        last = signals = None  # the previous part's samples go before this one's are read
        try:
            session = read(window)
            if not kept:
                t0 = float(session.t_s[0]) if first_s is None else first_s
                settings = settings_for(session)
            result = analyse(session, declared_facing_seen=seen)
        except EmptyPart as err:
            if k == 0 and first_s is None and err.first_s is not None:  # a stray first sample (EDGE-116)
                first_s = t0 = err.first_s
            if (k == 0 and first_s is None) or end is None:  # nothing at the start, or none in the last part
                raise RetrogaitError(f"{err} (in {where})") from None
            start, k = end, k + 1  # a part inside a gap (a device off for a while): nothing in it to keep
            continue
        except NotInTimeOrder:  # read whole instead, where it fits (LONG-6)
            raise
        except RetrogaitError as err:
            raise RetrogaitError(f"{err} (in {where})") from None
        seam, rest = None, True
        if end is not None:
            seam, rest = seam_at_rest(result.bouts, t0 + start + part_s / 2, t0 + end, overlap_s)
            rest = rest or _in_gap(session.t_s, seam, settings.bouts.max_contact_gap_s)
        lo = -math.inf if k == 0 else t0 + start
        hi = math.inf if seam is None else seam
        ic = result.steps["ic_time_s"].to_numpy(dtype=float)
        inside = (ic >= lo) & (ic < hi)
        core = (start, None if seam is None else seam - t0)
        kept.append(PartSteps(lo, hi, result.steps.loc[inside], result.bouts, result.summary, core, rest))
        sig = result.signals
        span = (min(span[0], float(sig.t_s[0])) if len(kept) > 1 else float(sig.t_s[0]), float(sig.t_s[-1]))
        signals, last, seen = sig, session, seen or result.declared_facing_seen
        del result, session
        if core[1] is None:
            break
        start, k = core[1], k + 1
    assert signals is not None and last is not None  # a plan holds one part at least
    placements = {p.summary.get("placement") for p in kept}
    if read_apart(placements) and both_legs is not None and not getattr(analyse, "both_legs", False):
        # a part showed both legs' steps (PHONE-17) where another was read as one leg's: one sensor, one reading
        # (REVIEW-33): every part again, the one-leg ones as `other`
        del kept, signals, last
        both = _as_both_legs(analyse, settings_for, both_legs)
        return analyze_in_parts(read, length_s, both, settings_for, part_s, overlap_s, first_s, both_legs=both_legs)
    return _joined_result(kept, settings, signals, last, span, seen, (part_s, overlap_s))


def _joined_result(
    kept: list[PartSteps],
    settings: AnalysisSettings,
    signals: BodySignals,
    last: Session,
    span: tuple[float, float],
    seen: bool,
    plan: tuple[float, float],
) -> AnalysisResult:
    """The parts' kept steps joined into one result (``plan``: the parts' length and overlap, s) with the summary
    saying how; ``signals`` and ``last``: the last part's, which the summary reads for what it does not join."""
    steps, bouts = join_parts(kept, settings, signals.fs_hz)
    how = (
        "analysed_in_parts",
        f"{len(kept)} parts of {plan[0]:g} s with {plan[1]:g} s more on each side, each step from the part whose "
        "core holds its contact, the bouts and aggregates from the joined steps; inferred per part: the rate and "
        "resolution read, the vertical, the anterior axis and sign, the placement check, the gait gate, the "
        "direction chain (summary.json `parts`)",
    )
    summary = joined_summary(kept, summarize(steps, bouts, signals, last), span, how)
    none = np.zeros(0, dtype=np.int64)
    contacts = Contacts(none, none.copy(), np.zeros(0, dtype="<U7"))  # the whole's signals are never held
    return AnalysisResult(steps, bouts, summary, signals, contacts, declared_facing_seen=seen)


def _as_both_legs(
    analyse: PartAnalysis, settings_for: Callable[[Session], AnalysisSettings], read_as_both_legs: BothLegsReader
) -> PartAnalysis:
    """``analyse`` with every part read as one leg's analysed again as ``other`` (REVIEW-33)."""

    def both(session: Session, /, *, declared_facing_seen: bool = False) -> AnalysisResult:
        result = analyse(session, declared_facing_seen=declared_facing_seen)
        return read_as_both_legs(result, session, settings_for(session))

    both.both_legs = True  # type: ignore[attr-defined]
    return both


def analyze_file_in_parts(
    input_file: str | os.PathLike[str],
    read: Callable[[Part | None], Session],
    analyse: PartAnalysis,
    settings_for: Callable[[Session], AnalysisSettings],
    part_s: float,
    *,
    both_legs: BothLegsReader | None = None,
) -> AnalysisResult:
    """The analysis of ``input_file`` in parts of ``part_s`` (LONG-4): a GENEActiv ``.bin``, a session file or a
    GENEActiv CSV read a part at a time (LONG-6; the length from its pages' times or its first and last rows), any
    other recording read whole and cut (``--part-hours`` on a file that fits); a text table whose rows are not in
    time order is read whole where it fits, else refused in one line. ``both_legs``: as for
    :func:`analyze_in_parts`."""
    from retrogait.imports.file_size import analysis_fits, estimated_samples
    from retrogait.imports.part import part_of
    from retrogait.textparts import parts_in_order

    estimate = estimated_samples(input_file, any_size=True)
    if estimate is not None and estimate.reads_part and estimate.rate_hz:
        try:
            with parts_in_order():
                length_s = _length_s(read, estimate.n / estimate.rate_hz)
                return analyze_in_parts(read, length_s, analyse, settings_for, part_s, both_legs=both_legs)
        except NotInTimeOrder as exc:  # read whole where it fits (the whole reading says what is wrong)
            try:
                analysis_fits(input_file)
            except RetrogaitError:
                raise RetrogaitError(
                    f"{exc}, and it is too long to analyse whole in the memory available: sort its rows by time"
                ) from None
    whole = read(None)

    def cut(part: Part) -> Session:
        return part_of(whole, str(input_file), part)

    return analyze_in_parts(cut, whole.duration_s, analyse, settings_for, part_s, both_legs=both_legs)


def _length_s(read: Callable[[Part | None], Session], samples_s: float) -> float:
    """The length (s, first sample to last) of a recording read a part at a time: a part beyond any end is refused
    naming it (a ``.bin``'s page times, no sample decoded); else ``samples_s``, its samples' worth, which a gap
    (a device off for a while) makes short of its length (review of LONG-4)."""
    try:
        read((1e15, None))
    except EmptyPart as exc:
        if exc.lasts_s is not None and exc.lasts_s > 0:
            return exc.lasts_s
    return samples_s


def join_parts(parts: list[PartSteps], settings: AnalysisSettings, fs_hz: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The parts' kept steps as one table in time order, and its bouts rebuilt (module doc); bout ids in time
    order over gait and still bouts, as one analysis numbers them."""
    frames = [p.steps for p in parts]
    steps = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(STEP_COLUMNS))
    part_of = np.concatenate([np.full(len(p.steps), k, dtype=np.int64) for k, p in enumerate(parts)])
    own = np.concatenate([p.steps["bout_id"].to_numpy(dtype=np.int64) for p in parts])
    big = 1 + max(len(p.bouts) for p in parts)
    key = np.where(own >= 0, part_of * big + own, -1)
    ic = steps["ic_time_s"].to_numpy(dtype=float)
    activity = steps["activity"].astype(str).to_numpy()
    for j in np.flatnonzero(part_of[1:] != part_of[:-1]) + 1:  # one per seam with steps on both sides
        i = j - 1
        if own[i] < 0 or own[j] < 0 or activity[i] != activity[j]:
            continue
        before = parts[part_of[i]].bouts
        after = parts[part_of[j]].bouts
        past = float(before.loc[before["bout_id"] == own[i], "end_s"].iloc[0]) >= ic[j] - _SEAM_TOL_S
        early = float(after.loc[after["bout_id"] == own[j], "start_s"].iloc[0]) <= ic[i] + _SEAM_TOL_S
        if past or early:  # the parts agree the bout crosses the seam: one bout
            key[key == key[j]] = key[i]
    return _bouts_of(steps, key, parts, settings, fs_hz)


def _bouts_of(
    steps: pd.DataFrame, key: NDArray[np.int64], parts: list[PartSteps], settings: AnalysisSettings, fs_hz: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bouts table of the joined steps: gait bouts measured from their steps as ``bouts.segment_bouts`` does
    (fewer than min_bout_steps after a cut: none), the parts' still segments within their cores (joined across
    seams); ``steps["bout_id"]`` set to the new ids."""
    rows: list[dict[str, Any]] = []
    row_key: list[int] = []
    for k in np.unique(key[key >= 0]):  # one per gait bout
        at = np.flatnonzero(key == k)
        if at.size < settings.bouts.min_bout_steps:
            key[at] = -1
            continue
        rows.append(bout_row_of_steps(steps, at))
        row_key.append(int(k))
    still = _still_rows(parts, settings.bouts.min_still_s, fs_hz)
    rows += still
    row_key += [-1] * len(still)
    order = np.argsort([float(r["start_s"]) for r in rows], kind="stable")
    new_id = np.full(len(rows), -1, dtype=np.int64)
    new_id[order] = np.arange(len(rows))
    gait = np.asarray(row_key, dtype=np.int64)
    lookup = dict(zip(gait[gait >= 0].tolist(), new_id[gait >= 0].tolist(), strict=True))
    steps["bout_id"] = np.array([lookup.get(int(k), -1) for k in key], dtype=np.int64)
    bouts = pd.DataFrame([{**rows[i], "bout_id": int(new_id[i])} for i in order], columns=list(BOUT_COLUMNS))
    return steps, bouts.astype({"bout_id": "int64", "n_steps": "int64"})


def _still_rows(parts: list[PartSteps], min_still_s: float, fs_hz: float) -> list[dict[str, Any]]:
    """Each part's still segments cut to its core, the pieces that meet at a seam joined; a piece shorter than
    ``min_still_s`` that joins none is dropped (its part saw it cut by the part's end)."""
    pieces: list[dict[str, Any]] = []
    for part in parts:  # one per part
        for r in part.bouts.loc[part.bouts["activity"] == "still"].to_dict(orient="records"):
            start, end = max(float(r["start_s"]), part.lo), min(float(r["end_s"]), part.hi)
            if end < start or start >= part.hi:
                continue
            if pieces and start - float(pieces[-1]["end_s"]) <= 1.5 / fs_hz and float(pieces[-1]["end_s"]) >= part.lo:
                pieces[-1]["end_s"] = end
                continue
            pieces.append({**{str(c): v for c, v in r.items()}, "start_s": start, "end_s": end})
    return [p for p in pieces if float(p["end_s"]) - float(p["start_s"]) >= min_still_s - 1.5 / fs_hz]


def joined_summary(
    parts: list[PartSteps],
    joined: dict[str, Any],
    span: tuple[float, float],
    how: tuple[str, str],
    unit: str = "part",
) -> dict[str, Any]:
    """summary.json of the joined analysis: the first part's facts and provenance (``how``: the key and text of
    ``input_provenance`` saying how it was cut), the joined aggregates, the length over all parts, per-part
    entries (``parts``; ``unit``: what the notes call a part, and the key is its plural: ``mounting`` for a
    recording cut where the sensor was re-mounted, MOUNT-2) and notes where parts differ. Where the parts' rates
    were taken from their own stamps in other words, ``inferred_sample_rate`` says it is the first part's
    (REVIEW-45)."""
    first = parts[0].summary
    summary = {**first, **{k: joined[k] for k in ("all", "per_direction", "per_bout")}}
    summary["duration_s"] = span[1] - span[0]
    every = [p.summary for p in parts]
    notes = [n for n in first["notes"] if all(n in s["notes"] for s in every)]
    entries = []
    for p in parts:  # one per part
        extra = p.summary.get("input_provenance", {})
        entries.append(
            {
                "start_s": p.core[0],
                "end_s": p.core[1],
                "from_t_s": p.lo if math.isfinite(p.lo) else None,  # on the steps' time line
                "ends_at_rest": p.ends_at_rest,
                "read_s": extra.get(PART_KEY),
                "n_steps": len(p.steps),
                **{f: p.summary.get(f) for f in PER_PART_FIELDS},
                "inferred": {k: v for k, v in extra.items() if k.startswith("inferred_")},
                "notes": [n for n in p.summary["notes"] if n not in notes],
            }
        )
        notes += [f"{unit} {_span(entries[-1])}: {n}" for n in entries[-1]["notes"]]
        if not p.ends_at_rest:
            notes.append(
                f"the seam at {p.core[1]:g} s lies in gait (no rest near it): the gait gate and the direction chain "
                "read the run of steps crossing it in two pieces, one in each part"
            )
    for field in (*PER_PART_FIELDS, "inferred"):
        values = [_compared(e, field) for e in entries]
        if any(not _same_value(v, values[0]) for v in values):
            said = "; ".join(f"{_span(e)}: {_shown(e[field])}" for e in entries)
            notes.append(f"the {unit}s differ in {field} (each {unit} infers it alone; summary.json `{unit}s`): {said}")
    summary["notes"] = notes
    provenance = {k: v for k, v in first.get("input_provenance", {}).items() if k != PART_KEY}
    rates = [e["inferred"].get(SAMPLE_RATE_KEY) for e in entries]
    if rates[0] is not None and any(r != rates[0] for r in rates):  # each part's stamps its own (REVIEW-45)
        provenance[SAMPLE_RATE_KEY] = (
            f"{rates[0]}: the first {unit}'s ({_span(entries[0])}; each {unit}'s own in summary.json `{unit}s`)"
        )
    provenance[how[0]] = how[1]
    summary["input_provenance"] = provenance
    summary[f"{unit}s"] = entries
    if any("no_gyro_stretches" in s for s in every):
        summary["no_gyro_stretches"] = [
            e for p in parts for e in p.summary.get("no_gyro_stretches", []) if p.lo <= float(e["start_s"]) < p.hi
        ]
    return summary


def _span(entry: dict[str, Any]) -> str:
    start, end = entry["start_s"], entry["end_s"]
    return f"{start or 0:g}-{'end' if end is None else f'{end:g}'} s"


#: Angles (deg) and rates (Hz) the parts infer alone agree when within this (the yaw each part finds differs by
#: ~0.05 deg, and every analysis in parts said the parts differ, to 16 digits: review of LONG-4).
SAME_WITHIN = 0.5


def _compared(entry: dict[str, Any], field: str) -> Any:
    """A part's value of ``field`` as the parts are compared: its ``inferred`` keys but the rate's words (each part's
    own count of steps; the rates themselves are compared as ``sample_rate_hz``, HONEST-32)."""
    if field != "inferred":
        return entry[field]
    return {k: v for k, v in entry[field].items() if k != SAMPLE_RATE_KEY}


def _same_value(a: Any, b: Any) -> bool:
    """Two parts' values of a field agree: equal, or numbers within SAME_WITHIN."""
    if a == b:
        return True
    numbers = all(isinstance(x, int | float) and not isinstance(x, bool) for x in (a, b))
    return numbers and abs(float(a) - float(b)) <= SAME_WITHIN


def _shown(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)
