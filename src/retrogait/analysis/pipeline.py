"""``retrogait.analyze``: a session in, one row per foot contact out (see docs/analysis.md).

preprocess -> contacts -> timing -> impact -> activity and bouts -> direction / foot strike ->
quality flags -> summary. Every stage takes its part of one :class:`AnalysisSettings` (the placement's
preset unless given); the summary records the settings and the analysis version. Intermediate results
that several stages read (the direction cues, the landings' impact transients and their strike
classes) are computed once here and handed on. Outputs: steps.csv, bouts.csv, summary.json, report.html.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.axis_check import reversed_axis_notes
from retrogait.analysis.beside import Beside
from retrogait.analysis.blas import single_blas_thread
from retrogait.analysis.bouts import BOUT_COLUMNS, segment_bouts, step_activity
from retrogait.analysis.contacts import detect_contacts
from retrogait.analysis.direction import (
    FacingReversal,
    direction_cues,
    facing_per_stretch,
    facing_probability,
    shank_rotation_cues,
    step_directions,
)
from retrogait.analysis.effort import EFFORT_COLUMN, accumulated_change_g, effort_for_steps
from retrogait.analysis.flight_check import slow_flights_as_walking
from retrogait.analysis.footstrike import FOOT_STRIKE_COLUMNS, step_foot_strikes, transient_strike_classes
from retrogait.analysis.gait_gate import gait_gate
from retrogait.analysis.gyro_stretches import DECLARED_SOURCES, join_no_gyro_stretches, no_gyro_stretches
from retrogait.analysis.handedness import Handedness, foot_handedness
from retrogait.analysis.impact import impact_load, impact_peaks, step_timing, step_timing_columns
from retrogait.analysis.leg_rhythm import LegRhythm, both_legs_note, leg_rhythm, read_apart, reads_one_leg
from retrogait.analysis.load import OUTPUT_FILES, load_input
from retrogait.analysis.mounting import MountingChange, changes_of_steps, mounting_changes
from retrogait.analysis.no_steps import no_steps_note, short_gait_note, unplaced_gait_note
from retrogait.analysis.placement_check import placement_notes
from retrogait.analysis.preprocess import AnteriorFrame, preprocess, without_vertical
from retrogait.analysis.quality import bridged_unmeasured, step_flags, with_flag
from retrogait.analysis.result import STEP_COLUMNS, AnalysisResult, summarize
from retrogait.analysis.settings import PRESETS, AnalysisSettings, settings_as_other
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.transient import LandingTransients
from retrogait.analysis.trunk_strike import (
    HabitEvidence,
    habit_evidence,
    habitual_shock_ratio,
    landing_shock_ratio,
    no_heel_shock,
)
from retrogait.analysis.version import analysis_version
from retrogait.analysis.vgrf import sacral_vgrf
from retrogait.conventions import ONE_LEG_PLACEMENTS, STANDARD_GRAVITY_MS2
from retrogait.csvsafe import write_csv
from retrogait.errors import RetrogaitError
from retrogait.memory import ANALYSIS_BYTES_PER_SAMPLE, ANALYSIS_INSTEAD, check_fits
from retrogait.outfiles import write_text
from retrogait.rate import meets_rate
from retrogait.resolution import is_coarse
from retrogait.session import Session

#: Times on the recording's time line are written to 1 us whatever their size (the other numbers to 6
#: significant digits: ``%.6g`` wrote 3600.123 s as 3600.12 and from 10,000 s on to 0.1 s, LONG-4's finding).
STEP_TIME_FORMATS = {"ic_time_s": "%.6f", "to_time_s": "%.6f"}
BOUT_TIME_FORMATS = {"start_s": "%.6f", "end_s": "%.6f"}
#: How the note of a mirror-image foot frame begins (MOUNT-11); what withholds the steps without gyroscope too is
#: the result's ``frame_mirrored`` (REVIEW-53, EDGE-202), not this text.
MIRRORED_NOTE_START = "the acceleration and gyroscope axes are a mirror image"
#: The text (label) columns of steps.csv; all others are numbers.
TEXT_COLUMNS = ("side", "direction", "foot_strike", "impact_flags", "vgrf_flags", "activity", "quality_flags")


@single_blas_thread()  # 3x3 rotations of long arrays: one BLAS thread is 40x faster (blas.py)
def analyze(
    source: Session | str | os.PathLike[str],
    placement: str | None = None,
    side: str | None = None,
    anterior_axis: str | None = None,
    forward_segment_s: tuple[float, float] | None = None,
    settings: AnalysisSettings | None = None,
    *,
    mounting: bool = True,
    declared_facing_seen: bool = False,
    say_no_steps: bool = True,
) -> AnalysisResult:
    """Analyse every step of a session.

    Args:
        source: a Session or the path of a recording.
        placement, side, anterior_axis: override the header (see docs/conventions.md).
        forward_segment_s: (start, end) s of a stretch declared as forward gait, to calibrate the anterior
            sign when the header does not give the anterior axis.
        settings: every analysis parameter; default: the preset of the placement
            (``AnalysisSettings.for_placement``). Written into ``summary["settings"]``.
        mounting: find re-mounts of the sensor (mounting.py, MOUNT-2) and analyse each mounting with its own
            frame; False: one frame for the whole session.
        declared_facing_seen: an earlier part of the recording was firm on the declared facing, so steps firm
            against it here were re-mounted (parts.py, MOUNT-8; ``AnalysisResult.declared_facing_seen`` passes it on).
        say_no_steps: an analysis that finds no step says why in a note (no_steps.py, IMPORT-29); False for a part
            of a recording, whose caller says it of the whole.

    Raises:
        RetrogaitError: one line when the recording cannot be analysed at all (too short, below 20 Hz,
            flat, unknown units, longer than the memory available holds: memory.py). Recordings without gait give
            an empty steps table instead, with a note saying why (IMPORT-29).
    """
    result = _analyze(
        source, placement, side, anterior_axis, forward_segment_s, settings, mounting, declared_facing_seen
    )
    return said_if_no_steps(result, settings) if say_no_steps else result


def _analyze(
    source: Session | str | os.PathLike[str],
    placement: str | None,
    side: str | None,
    anterior_axis: str | None,
    forward_segment_s: tuple[float, float] | None,
    settings: AnalysisSettings | None,
    mounting: bool,
    declared_facing_seen: bool,
) -> AnalysisResult:
    """:func:`analyze` without the note of no steps."""
    max_acc_g = None if settings is None else settings.preprocess.max_acc_g  # for the units' check (EDGE-131)
    given = settings
    session = (
        source
        if isinstance(source, Session)
        else load_input(source, placement, side, anterior_axis, max_acc_g=max_acc_g)
    )
    rate_hz = session.meta.sample_rate_hz
    display = session.source or "the recording"  # refused in one line where it would not fit in memory (LONG-2)
    held = session.t_s.nbytes + session.acc.nbytes + (0 if session.gyr is None else session.gyr.nbytes)
    need = max(session.n_samples * ANALYSIS_BYTES_PER_SAMPLE - held, 0)  # the read is done: what it holds is counted
    check_fits(display, session.n_samples, rate_hz, 0, "analyse", ANALYSIS_INSTEAD, need_bytes=need)
    if settings is None:
        settings = preset_settings(placement or session.meta.placement)
    grid_need = _grid_samples(session) * ANALYSIS_BYTES_PER_SAMPLE - held  # a gap in the time stamps is on the grid
    if grid_need > need:  # a calibration segment needs the recording whole: then only the grid's refusal
        parts_s = _parts_across_gaps(session, grid_need) if forward_segment_s is None else None
        if parts_s is not None:
            return _analyze_across_gaps(session, parts_s, placement, side, anterior_axis, settings)
        check_fits(display, session.n_samples, rate_hz, 0, "analyse", ANALYSIS_INSTEAD, need_bytes=grid_need)
    result, calibration_note = _facing_from_forward_segment(
        session, placement, side, anterior_axis, forward_segment_s, settings
    )
    found: Beside[list[MountingChange]] | None = None
    if result is None:
        result, found = _session_analysis(
            session, placement, side, anterior_axis, settings, declared_seen=declared_facing_seen, mountings=mounting
        )
    if calibration_note:
        result.summary["notes"].append(calibration_note)
    if mounting:
        changes = (
            found.result()
            if found is not None
            else mounting_changes(result.signals, result.steps, result.bouts, settings)
        )
        if changes and forward_segment_s is not None:  # the segment calibrates one frame: the others' steps unread
            said = _changes_said(changes, float(session.t_s[0]))
            said += "; not cut into mountings: the declared forward segment sets the sign for its own mounting only"
            result = _whole_after_change(result, changes, said, forward_segment_s)
        elif changes:
            return _analyze_by_mounting(
                session, changes, result, placement, side, anterior_axis, settings, declared_facing_seen
            )
    result = _with_no_gyro_stretches(result, session, placement, side, anterior_axis, settings)
    return _one_leg_checked(result, session, anterior_axis, given, forward_segment_s, mounting=mounting)


def said_if_no_steps(result: AnalysisResult, settings: AnalysisSettings | None) -> AnalysisResult:
    """``result`` with the note of why no step was found (no_steps.py, IMPORT-29) where its steps table is empty, or
    that its steps came from too little movement for a full count (``short_gait_note``, HONEST-36)."""
    parts = [key for key in ("parts", "mountings") if isinstance(result.summary.get(key), list)]
    if len(result.steps) and not parts:  # joined parts: the whole's signals are not held (parts.py)
        used = settings or preset_settings(result.signals.placement)
        placement = str(result.summary.get("placement", result.signals.placement))
        short = short_gait_note(result.signals, placement, len(result.steps), used)
        if short:
            result.summary["notes"].append(short)
        unplaced = unplaced_gait_note(result.signals, len(result.steps))  # HONEST-37
        if unplaced:
            result.summary["notes"].append(unplaced)
    elif not len(result.steps):
        if parts:  # joined parts: the whole's signals are not held (parts.py), so no movement is measured
            result.summary["notes"].append(f"no steps found in any of the {len(result.summary[parts[0]])} {parts[0]}")
        else:
            used = settings or preset_settings(result.signals.placement)
            result.summary["notes"].append(no_steps_note(result.signals, used))
    return result


def _one_leg_checked(
    result: AnalysisResult,
    session: Session,
    anterior_axis: str | None,
    given: AnalysisSettings | None,
    forward_segment_s: tuple[float, float] | None,
    *,
    mounting: bool,
) -> AnalysisResult:
    """``result`` of a one-leg placement without a gyroscope whose acceleration shows both legs' steps (leg_rhythm,
    PHONE-17) analysed again as steps of both legs (placement ``other``, with a note saying why: PHONE-18);
    ``result`` itself otherwise."""
    sig = result.signals
    rhythm = _one_leg_rhythm(result, given)
    if rhythm is None or not rhythm.both_legs:
        return result
    as_other = settings_as_other(given, sig.placement)
    again = analyze(
        session, "other", None, anterior_axis, forward_segment_s, as_other, mounting=mounting, say_no_steps=False
    )
    again.summary["notes"].append(both_legs_note(rhythm, sig.placement))
    again.summary["declared_placement"] = sig.placement  # what was declared beside what was analysed (EDGE-192)
    return again


def _one_leg_rhythm(result: AnalysisResult, given: AnalysisSettings | None) -> LegRhythm | None:
    """PHONE-17's reading of ``result``'s contacts (leg_rhythm); None where the check does not apply (another
    placement, a gyroscope) or has too little gait to judge."""
    sig = result.signals
    if not reads_one_leg(sig.placement, sig.gyr_dps is not None):
        return None
    settings = given or preset_settings(sig.placement)
    return leg_rhythm(sig, result.contacts, result.bouts, settings.phone_steps)


def one_leg_rhythm(session: Session, settings: AnalysisSettings) -> LegRhythm | None:
    """PHONE-17's check of ``session`` (a one-leg placement without gyroscope) analysed as declared, one frame:
    what :func:`analyze` decides the analysis as ``other`` on (PHONE-18); the live detector runs it on the samples
    received (live/leg_check.py, LIVE-46). None: the check does not apply or has too little gait to judge."""
    return _one_leg_rhythm(_analyze_session(session, None, None, None, settings), settings)


def read_as_both_legs(
    result: AnalysisResult, session: Session, given: AnalysisSettings | None, *, mounting: bool = True
) -> AnalysisResult:
    """``result`` of a one-leg placement without a gyroscope analysed again as ``other`` whatever its own signal
    shows, with a note: a part of a recording another part of which showed both legs' steps (REVIEW-33: the
    parts of one recording are one sensor on one body); ``result`` itself otherwise."""
    sig = result.signals
    if not reads_one_leg(sig.placement, sig.gyr_dps is not None):
        return result
    again = analyze(
        session,
        "other",
        None,
        None,
        settings=settings_as_other(given, sig.placement),
        mounting=mounting,
        say_no_steps=False,
    )
    again.summary["notes"].append(
        f"declared {sig.placement} without a gyroscope: another part or mounting of the recording shows both legs' "
        "steps (PHONE-17), so this one too is analysed as a sensor that sees both legs (--placement other)"
    )
    again.summary["declared_placement"] = sig.placement  # (EDGE-192)
    return again


def _with_no_gyro_stretches(
    result: AnalysisResult,
    session: Session,
    placement: str | None,
    side: str | None,
    anterior_axis: str | None,
    settings: AnalysisSettings,
) -> AnalysisResult:
    """``result`` with the stretches the gyroscope is missing from analysed on the acceleration alone and joined
    (gyro_stretches.py, GYRO-2); ``result`` itself where there are none."""
    sig = result.signals
    cut = sig.gap.any() or sig.t_s[0] > session.t_s[0] or sig.t_s[-1] < session.t_s[-1]
    if sig.gyr_dps is None or session.gyr is None or not cut:
        return result  # no gyroscope, or no sample left out: nothing more to do (no extra pass)
    stretches = no_gyro_stretches(session.t_s, session.gyro_missing)
    if not stretches.size or not np.all(np.diff(session.t_s) > 0):  # unsorted times: preprocess sorted them
        return result  # (a session file's are increasing); the stretches stay gaps, as their note says

    def without_gyro(part: Session) -> AnalysisResult:
        return _analyze_session(part, placement, side, anterior_axis, settings, frame)

    # the same sensor on the same mounting: a declared axis as the gyroscope analysis refined it (GYRO-2); a sign
    # calibrated or guessed is not passed on (it made a stretch's backward walking forward at 0.99)
    declared = result.signals.anterior_source in DECLARED_SOURCES
    frame = AnteriorFrame.of(result.signals) if declared else None

    steps, bouts, contacts, notes, entries = join_no_gyro_stretches(result, session, stretches, settings, without_gyro)
    if result.frame_mirrored:  # the stretch's acceleration is the same mirror: its steps read the frame's sign too
        steps = _frame_reads_withheld(steps)  # (REVIEW-53)
    summary = summarize(steps, bouts, result.signals, session)
    summary = {**result.summary, **{k: summary[k] for k in ("all", "per_direction", "per_bout")}}
    summary["notes"] = [*result.summary["notes"], *notes]
    summary["no_gyro_stretches"] = entries
    start = min(float(sig.t_s[0]), float(session.t_s[stretches[0, 0]]))
    summary["duration_s"] = max(float(sig.t_s[-1]), float(session.t_s[stretches[-1, 1] - 1])) - start
    return replace(result, steps=steps, bouts=bouts, summary=summary, contacts=contacts)


def _analyze_by_mounting(
    session: Session,
    changes: list[MountingChange],
    whole: AnalysisResult,
    placement: str | None,
    side: str | None,
    anterior_axis: str | None,
    settings: AnalysisSettings,
    declared_seen: bool = False,
    both_legs: bool = False,
) -> AnalysisResult:
    """:func:`analyze` of ``session`` cut at its mounting ``changes`` (MOUNT-2): each mounting analysed alone, with
    its own frame (up, forward, its sign), and joined as the parts of a long recording are (parts.py, LONG-4: each
    step from the mounting holding its contact; a cut lies between gait bouts, so no run of steps crosses one). The
    steps of every mounting after the first are flagged ``remounted``. Where a mounting cannot be analysed alone (too
    short), ``whole`` is kept with the steps after the first change flagged and their direction unknown.
    ``declared_seen``: :func:`analyze`'s ``declared_facing_seen``, for the first mounting (the declared one).
    ``both_legs``: every mounting read as one leg's analysed as ``other`` (read_as_both_legs): where some mounting
    showed both legs' steps and another was read as one leg's (REVIEW-33: one sensor on one body)."""
    from retrogait.analysis.parts import PartSteps, join_parts, joined_summary
    from retrogait.imports.part import part_of

    display = session.source or "the recording"
    first = float(session.t_s[0])
    cuts = [c.at_s for c in changes]
    said = _changes_said(changes, first)
    kept: list[PartSteps] = []
    last: AnalysisResult | None = None
    seen = declared_seen
    try:
        for k in range(len(cuts) + 1):  # one per mounting
            start = None if k == 0 else cuts[k - 1] - first
            end = None if k == len(cuts) else cuts[k] - first
            part = part_of(session, display, (start, end))
            if k:  # the declared axes describe the mounting the recording started on, not this one
                part = part.with_meta(anterior_axis=None, vertical_axis=None)
            declared = None if k else anterior_axis
            result = _analyze(part, placement, side, declared, None, settings, False, seen)  # no note of no steps
            if both_legs:
                result = read_as_both_legs(result, part, settings, mounting=False)
            seen = seen or (k == 0 and result.declared_facing_seen)
            lo = -math.inf if start is None else cuts[k - 1]
            hi = math.inf if end is None else cuts[k]
            ic = result.steps["ic_time_s"].to_numpy(dtype=float)
            steps = result.steps.loc[(ic >= lo) & (ic < hi)].copy()
            if k:
                steps["quality_flags"] = with_flag(
                    steps["quality_flags"].fillna("").to_numpy(dtype=str),
                    np.ones(len(steps), dtype=bool),
                    "remounted",
                ).astype(object)
            kept.append(PartSteps(lo, hi, steps, result.bouts, result.summary, (start or 0.0, end), True))
            last = result
    except RetrogaitError as err:
        return _whole_after_change(whole, changes, f"{said}; a mounting cannot be analysed alone ({err})")
    assert last is not None
    placements = {p.summary.get("placement") for p in kept}
    if not both_legs and read_apart(placements):
        return _analyze_by_mounting(
            session, changes, whole, placement, side, anterior_axis, settings, declared_seen, both_legs=True
        )
    steps, bouts = join_parts(kept, settings, last.signals.fs_hz)
    span = (float(session.t_s[0]), float(session.t_s[-1]))
    how = (
        "analysed_by_mounting",
        f"{len(kept)} mountings cut between gait bouts where the mounting changed, each analysed alone with its own "
        "frame (up, forward, its sign), each step from the mounting holding its contact (summary.json `mountings`)",
    )
    summary = joined_summary(kept, summarize(steps, bouts, last.signals, session), span, how, "mounting")
    summary["notes"].append(
        f"the sensor was re-mounted {said}: analysed as {len(kept)} mountings, each with its own frame (summary.json "
        "`mountings`); the steps after the first are flagged `remounted`"
    )
    contacts = _contacts_on(whole.signals, steps)
    return AnalysisResult(steps, bouts, summary, whole.signals, contacts, declared_facing_seen=seen)


def _changes_said(changes: list[MountingChange], first_s: float) -> str:
    """Where and why the mounting changed, on the clock of summary.json `mountings` (s from the recording's first
    sample), and on the recording's own clock (the steps' ``ic_time_s``) where that starts elsewhere."""
    return "; ".join(
        f"at {c.at_s - first_s:.1f} s from the first sample"
        + (f" ({c.at_s:.1f} s on the recording's clock)" if first_s != 0.0 else "")
        + f" ({c.why})"
        for c in changes
    )


def _contacts_on(signals: BodySignals, steps: pd.DataFrame) -> Contacts:
    """The joined steps' contacts as samples of the whole session's grid ``signals`` (its frame is one mounting's:
    for drawing the signal, not for measuring); a toe-off not found: -1."""
    t = signals.t_s
    ic = np.clip(np.searchsorted(t, steps["ic_time_s"].to_numpy(dtype=float)), 0, t.size - 1)
    to_s = steps["to_time_s"].to_numpy(dtype=float)
    to = np.where(np.isfinite(to_s), np.clip(np.searchsorted(t, np.nan_to_num(to_s)), 0, t.size - 1), -1)
    return Contacts(ic.astype(np.int64), to.astype(np.int64), steps["side"].astype(str).to_numpy(dtype="<U7"))


def _whole_after_change(
    whole: AnalysisResult, changes: list[MountingChange], said: str, kept_s: tuple[float, float] | None = None
) -> AnalysisResult:
    """``whole`` with the steps off the mounting its frame holds for (the first; ``kept_s``: the one holding that
    span, s) flagged ``remounted`` and nothing that reads the frame claimed for them (the frame is another
    mounting's): direction and foot strike ``unknown`` (confidence at most 0.5), the strike angle NaN; a note naming
    those columns."""
    steps = whole.steps.copy()
    ic = steps["ic_time_s"].to_numpy(dtype=float)
    if kept_s is None:
        after = ic > changes[0].at_s
    else:
        cuts = np.array([c.at_s for c in changes])
        k = int(np.searchsorted(cuts, 0.5 * (kept_s[0] + kept_s[1])))
        lo, hi = (cuts[k - 1] if k else -math.inf), (cuts[k] if k < cuts.size else math.inf)
        after = (ic < lo) | (ic >= hi)
    steps["quality_flags"] = with_flag(steps["quality_flags"].fillna("").to_numpy(dtype=str), after, "remounted")
    steps["quality_flags"] = steps["quality_flags"].astype(object)
    for label in ("direction", "foot_strike"):
        steps.loc[after, label] = "unknown"
        confidence = steps[f"{label}_confidence"].to_numpy(dtype=float)
        steps[f"{label}_confidence"] = np.where(after, np.minimum(confidence, 0.5), confidence)
    steps.loc[after, "foot_strike_angle_deg"] = np.nan
    which = "after it" if kept_s is None else "on the other mountings"
    summary = {
        **whole.summary,
        "notes": [
            *whole.summary["notes"],
            (
                f"the sensor was re-mounted {said}: the steps {which} are read in the session's frame and flagged "
                "`remounted`; their direction and foot_strike are `unknown` (confidence at most 0.5) and their "
                "foot_strike_angle_deg NaN (the other columns are measured in that frame as they stand)"
            ),
        ],
    }
    return replace(whole, steps=steps, summary=summary)


def _shared_text(column: pd.Series) -> pd.Series:
    """``column.astype(object)`` whose cells of one text share one Python string: a string per cell (~60 bytes,
    what ``astype`` makes of an Arrow text column) made an hour's steps table's text weigh more than a slow
    recording's samples (PERF-50). Missing cells as ``astype`` gives them."""
    codes, uniques = pd.factorize(column)
    out = np.asarray(uniques.astype(object))[np.maximum(codes, 0)] if len(uniques) else np.empty(len(column), object)
    missing = codes < 0
    if missing.any():
        out[missing] = column[missing].astype(object).to_numpy()
    return pd.Series(out, index=column.index, dtype=object)


def _grid_samples(session: Session) -> int:
    """The samples of the uniform grid the analysis puts the recording on (preprocess): its span at its rate, so a
    gap in the time stamps counts as if it were recorded."""
    rate_hz = session.meta.sample_rate_hz
    if session.n_samples < 2 or not rate_hz or not math.isfinite(rate_hz) or rate_hz <= 0:
        return session.n_samples
    return max(session.n_samples, int(session.duration_s * rate_hz) + 1)


#: A grid this many times the samples' own (gaps over 3/4 of the span), longer than two parts, is analysed in parts.
GAP_GRID_FACTOR = 4


def _parts_across_gaps(session: Session, grid_need: int) -> float | None:
    """The core (s) of the parts to analyse ``session`` in where the grid over its gaps (EDGE-116: a phone clock that
    jumped a week, a logger paused for days) does not fit in the memory available, or is mostly gap
    (GAP_GRID_FACTOR) over more than two parts: the longest of at most ``PART_S`` whose part fits (as
    ``part_plan.analysis_parts``); None where the grid is analysed whole, or no part of ``MIN_PART_S`` would fit."""
    from retrogait.analysis.part_plan import MIN_PART_S, PART_S, part_core_s
    from retrogait.memory import available_bytes

    available = available_bytes()
    too_big = available is not None and grid_need > available
    # the grid's samples against the recording's (the memory needs less what the read holds made it ~3.2x)
    mostly_gap = _grid_samples(session) > GAP_GRID_FACTOR * session.n_samples and session.duration_s > 2 * PART_S
    if not (too_big or mostly_gap):
        return None
    per_s = session.meta.sample_rate_hz * ANALYSIS_BYTES_PER_SAMPLE
    part_s = PART_S if available is None else part_core_s(available, per_s)
    return part_s if part_s >= MIN_PART_S else None


def _analyze_across_gaps(
    session: Session,
    part_s: float,
    placement: str | None,
    side: str | None,
    anterior_axis: str | None,
    settings: AnalysisSettings,
) -> AnalysisResult:
    """:func:`analyze` of ``session`` in parts of ``part_s`` joined into one result (LONG-4's parts; a part inside a
    gap holds no sample and is skipped), with a note saying why (EDGE-116)."""
    from retrogait.analysis.parts import analyze_in_parts
    from retrogait.imports.part import part_of

    display = session.source or "the recording"
    result = analyze_in_parts(
        lambda part: part_of(session, display, part),
        session.duration_s,
        lambda one, declared_facing_seen=False: analyze(
            one,
            placement,
            side,
            anterior_axis,
            settings=settings,
            declared_facing_seen=declared_facing_seen,
            say_no_steps=False,
        ),
        lambda _one: settings,
        part_s,
        first_s=float(session.t_s[0]),
        both_legs=read_as_both_legs,
    )
    gaps = float(session.duration_s - (session.n_samples - 1) / session.meta.sample_rate_hz)
    result.summary["notes"].append(
        f"the time stamps span {session.duration_s:.0f} s for {session.n_samples:,} samples (gaps of about "
        f"{gaps:.0f} s): analysed in parts of {part_s:.0f} s joined (a part inside a gap skipped), not on one time "
        "grid over the gaps"
    )
    return result


def preset_settings(placement: str | None) -> AnalysisSettings:
    """The settings a placement is analysed with when none are given: its preset, else the defaults."""
    return (
        AnalysisSettings.for_placement(placement)
        if placement is not None and placement in PRESETS
        else AnalysisSettings()
    )


def _facing_from_forward_segment(
    session: Session,
    placement: str | None,
    side: str | None,
    anterior_axis: str | None,
    forward_segment_s: tuple[float, float] | None,
    settings: AnalysisSettings,
) -> tuple[AnalysisResult | None, str | None]:
    """The analysis with the anterior axis found from the signal, its sign set so that the steps of the declared
    forward segment read forward (ANALYSIS-23), and a note saying so; None where there is no segment, an axis was
    declared (header or argument) or none was found; None with a note where the segment's steps do not tell (as
    many read backward as forward: the sign stays unknown).

    The steps' own direction evidence decides (the validated per-step direction, docs/direction_footstrike.md),
    not a separate rule: the swing-rate and braking rules it replaces read the sign wrong on real feet, on the
    real lower back walking and on 8 of 11 real sacral running trials.
    """
    if forward_segment_s is None:
        return None, None
    found = AnteriorFrame.of(preprocess(session, placement, side, anterior_axis, settings.preprocess, settings.still))
    if found is None or found.source != "signal" or not np.any(found.axis):
        return None, None
    start, end = forward_segment_s
    frame = replace(found, source="calibration", sign_known=True)
    as_found = _analyze_session(session, placement, side, anterior_axis, settings, frame)
    inside = as_found.steps.loc[as_found.steps["ic_time_s"].between(start, end), "direction"]
    forward, backward = int((inside == "forward").sum()), int((inside == "backward").sum())
    where = f"the declared forward segment {start:g}-{end:g} s"
    if forward == backward:
        return None, f"{where}: its steps read {forward} forward and {backward} backward either way; facing unknown"
    said = f"anterior sign from {where}: {max(forward, backward)} of {forward + backward} of its steps read forward"
    if forward > backward:
        return as_found, said
    turned = replace(frame, axis=-found.axis)
    return _analyze_session(session, placement, side, anterior_axis, settings, turned), said


def _analyze_session(
    session: Session,
    placement: str | None,
    side: str | None,
    anterior_axis: str | None,
    settings: AnalysisSettings,
    frame: AnteriorFrame | None = None,
    declared_seen: bool = False,
) -> AnalysisResult:
    """:func:`analyze` of one session, settings resolved, without the stretches without gyroscope (``frame``: the
    anterior axis of another analysis of the recording, see preprocess; ``declared_seen``: ``declared_facing_seen``)."""
    return _session_analysis(session, placement, side, anterior_axis, settings, frame, declared_seen)[0]


def _session_analysis(
    session: Session,
    placement: str | None,
    side: str | None,
    anterior_axis: str | None,
    settings: AnalysisSettings,
    frame: AnteriorFrame | None = None,
    declared_seen: bool = False,
    *,
    mountings: bool = False,
) -> tuple[AnalysisResult, Beside[list[MountingChange]] | None]:
    """:func:`_analyze_session`, and with ``mountings`` its :func:`mounting_changes` started beside the summary and
    the notes once the steps and bouts are final (PERF-76; ``beside.py``: only in ``analyze``, where a core is free)."""
    declared_signals = preprocess(session, placement, side, anterior_axis, settings.preprocess, settings.still, frame)
    signals, vertical_note = without_vertical(declared_signals, session)
    _standing_asked_ahead(declared_signals, signals, settings)
    contacts, gate_notes, gate_mirrored = _gait_contacts(
        declared_signals,
        detect_contacts(declared_signals, settings.contacts, settings.still, settings.phone_steps, settings.impact),
        settings,
    )
    # the effort's running total reads only the samples, a shank's rotation cues the contacts: beside (PERF-36, -96)
    effort_total, rotation = _beside_after_gate(signals, contacts, settings, session)
    if vertical_note:  # the steps stand; what needs the vertical (toe-off, impact, ...) is unknown
        contacts = Contacts(contacts.ic_idx, np.full(len(contacts), -1, dtype=np.int64), contacts.side)
    timing = step_timing(signals, contacts, settings.timing)
    flight_notes: list[str] = []
    if signals.placement == "lower_back" and len(contacts):  # a flight at a walker's cadence (PHONE-15)
        contacts, flight_notes = slow_flights_as_walking(contacts, timing["step_time_s"].to_numpy(dtype=float))
        timing = step_timing(signals, contacts, settings.timing) if flight_notes else timing
    load = impact_load(signals, contacts, timing, settings.impact)
    activity = step_activity(signals, contacts, timing, settings.bouts)
    transients, measured = _transients_beside(signals, contacts, settings, rotation)
    cues = _direction_cues(signals, contacts, settings, transients, rotation)
    heading = None if cues is None or "heading_change_deg" not in cues else cues["heading_change_deg"].to_numpy()
    reversal, seen = None, declared_seen
    if cues is not None and not _frameless(signals):  # a direction to read: the facing per stretch (MOUNT-1, -8)
        reversal, firm_as_declared = facing_per_stretch(signals, contacts, cues, settings.direction, declared_seen)
        seen = seen or firm_as_declared
    # the steps' directions read only the cues and the signals: beside the bouts and the strike evidence (PERF-40)
    directions = _directions_beside(signals, contacts, settings, cues, reversal)
    bouts, bout_id, bout_activity = segment_bouts(
        signals, contacts, timing, activity, settings.bouts, settings.still, heading, settings.contacts.min_step_s
    )
    evidence = _Evidence.of(signals, contacts, settings, bout_id, _measured(transients, measured), cues)
    step_activities = np.where(bout_id >= 0, bout_activity, activity)
    running = (contacts.to_idx >= 0) & (step_activities == "running")
    vgrf = sacral_vgrf(signals, contacts, timing, running, evidence.no_heel_shock(settings), settings.vgrf)
    steps = pd.concat([timing, load, vgrf, *evidence.classify(settings, reversal, directions)], axis=1)
    steps["side"] = contacts.side.astype(object) if len(contacts) else pd.Series([], dtype=object)
    steps["activity"] = step_activities.astype(object)
    steps["bout_id"] = bout_id
    flags = step_flags(signals, contacts, settings.quality)
    if is_coarse(declared_signals.acc_quantum_g) and len(contacts):  # HONEST-8
        unsettled = quantum_unsettled(declared_signals, signals, contacts, steps["impact_peak_g"].to_numpy(), settings)
        flags = with_flag(flags, unsettled, "quantised")
    if reversal is not None:  # MOUNT-1
        flags = with_flag(flags, reversal.changed, "remounted")
    steps["quality_flags"] = flags.astype(object)
    del flags  # (steps,) fixed-width text: not held beside the stages after (PERF-112)
    steps = bridged_unmeasured(steps, signals, contacts, settings.impact, settings.quality)  # EDGE-197
    steps[EFFORT_COLUMN] = _effort_column(steps, signals, settings, effort_total)
    steps, mirror_notes = _frame_checked(steps.reindex(columns=list(STEP_COLUMNS)), signals, contacts, settings)
    steps = steps.assign(**{c: _shared_text(steps[c]) for c in TEXT_COLUMNS}).astype({"bout_id": "int64"})
    found = _mountings_beside(declared_signals, steps, bouts, settings) if mountings else None
    summary = summarize(steps, bouts, declared_signals, session)
    notes = [
        *gate_notes,
        *flight_notes,
        *evidence.axis_notes(steps, anterior_axis or session.meta.anterior_axis, settings),
        *([vertical_note] if vertical_note else []),
        *mirror_notes,
    ]
    notes += placement_notes(declared_signals, bouts)  # a sensor that turns unlike its declared segment
    if reversal is not None:
        notes.append(_reversal_note(reversal, signals.anterior_sign_known))
    summary["notes"] = [*summary["notes"], *notes]
    summary.update(provenance(settings))
    mirrored = bool(mirror_notes) or gate_mirrored
    return AnalysisResult(steps, bouts, summary, declared_signals, contacts, seen, mirrored), found


def _standing_asked_ahead(declared: BodySignals, signals: BodySignals, settings: AnalysisSettings) -> None:
    """The facing's and the steps' directions' standing mask asked for with the contacts' still mask (PERF-80), where
    those stages read the declared signals' own masks and a frame is there to read."""
    if signals is declared and not _frameless(signals):
        signals.want_still(settings.direction.standing_s, settings.direction.standing_std_ms2)


def _effort_column(
    steps: pd.DataFrame, signals: BodySignals, settings: AnalysisSettings, total: Beside[NDArray[np.float64]] | None
) -> NDArray[np.float64]:
    """The steps' effort (g/min, EFFORT_COLUMN) from the running total computed beside (PERF-36); none without steps."""
    if total is None:
        return np.zeros(0)
    return effort_for_steps(steps, signals.t_s, signals.acc_ms2, settings.effort, total.result())


_Rotation = Beside[tuple[NDArray[np.float64], NDArray[np.float64]]]


def _beside_after_gate(
    signals: BodySignals, contacts: Contacts, settings: AnalysisSettings, session: Session
) -> tuple[Beside[NDArray[np.float64]] | None, _Rotation | None]:
    """The parts started once the gait gate has passed the contacts (none without contacts): the effort's running
    total (PERF-36), and after it, on its thread where it has one, a shank's two rotation cues of direction
    (:func:`shank_rotation_cues`, PERF-96: they read the contacts' times and sides and omega_y only, which nothing
    after the gate changes at a shank; the effort is done before the main thread reaches the cues, so its core is
    free for them). The rotation cues are None where the cues do not read them. The effort's rate is ``session``'s
    measured rate where the samples keep its times (taken once: PERF-162)."""
    if not len(contacts):
        return None, None
    samples, cutoff_hz = (signals.t_s, signals.acc_ms2), settings.effort.cutoff_hz
    effort = Beside(
        lambda: accumulated_change_g(*samples, cutoff_hz=cutoff_hz, fs_hz=session.measured_rate_hz(samples[0]))
    )
    if signals.placement != "shank" or signals.gyr_dps is None:
        return effort, None
    direction = settings.direction
    return effort, Beside(lambda: shank_rotation_cues(signals, contacts, direction), after=effort)


def _transients_beside(
    signals: BodySignals, contacts: Contacts, settings: AnalysisSettings, rotation: _Rotation | None
) -> tuple[LandingTransients, Beside[tuple[NDArray[np.float64], NDArray[np.float64]]] | None]:
    """The landings' impact transients, and at a shank whose strikes read them (its rate high enough) their two
    measures computed after its rotation cues, on their thread where they have one (PERF-96): a shank's direction
    cues do not read them, so nothing else does before :func:`_measured`."""
    transients = LandingTransients(signals, contacts, settings.transient)
    if rotation is None or not meets_rate(signals.fs_hz, settings.foot_strike.min_rate_for_transient_hz):
        return transients, None
    return transients, Beside(lambda: (transients.prominence, transients.width_ms), after=rotation)


def _measured(transients: LandingTransients, measured: Beside[Any] | None) -> LandingTransients:
    """``transients`` once their measures started beside are done (:func:`_transients_beside`)."""
    if measured is not None:
        measured.result()
    return transients


def _direction_cues(
    signals: BodySignals,
    contacts: Contacts,
    settings: AnalysisSettings,
    transients: LandingTransients,
    rotation: _Rotation | None,
) -> pd.DataFrame | None:
    """:func:`direction_cues` of the contacts (None without any), a shank's rotation cues from ``rotation``."""
    if not len(contacts):
        return None
    computed = None if rotation is None else rotation.result
    return direction_cues(signals, contacts, settings.direction, transients, computed)


def _mountings_beside(
    signals: BodySignals, steps: pd.DataFrame, bouts: pd.DataFrame, settings: AnalysisSettings
) -> Beside[list[MountingChange]]:
    """:func:`mounting_changes` of the final ``steps`` and ``bouts`` beside the caller (PERF-76): the steps' columns it
    reads taken as arrays here and the bouts (a row a bout) copied, so no table is read by two threads."""
    step_s = steps["step_time_s"].to_numpy(dtype=float)
    ic_s = steps["ic_time_s"].to_numpy(dtype=float)
    own_bouts = bouts.copy()
    return Beside(lambda: changes_of_steps(signals, step_s, ic_s, own_bouts, settings))


def _frame_checked(
    steps: pd.DataFrame, signals: BodySignals, contacts: Contacts, settings: AnalysisSettings
) -> tuple[pd.DataFrame, list[str]]:
    """``steps`` and the note of the foot's handedness test (MOUNT-11): in a mirror-image frame the numbers stand,
    what reads the frame's sign does not (:func:`_frame_reads_withheld`)."""
    handed = foot_handedness(signals, contacts, settings.direction)
    if handed is None or not handed.mirrored:
        return steps, []
    return _frame_reads_withheld(steps), [_mirrored_note(handed)]


def _frame_reads_withheld(steps: pd.DataFrame) -> pd.DataFrame:
    """``steps`` with direction and foot strike ``unknown`` (confidence at most 0.5) and the strike angle NaN:
    in a mirror-image frame their signs are not read (MOUNT-11); every other column stands."""
    steps = steps.copy()
    for label in ("direction", "foot_strike"):
        steps[label] = "unknown"
        steps[f"{label}_confidence"] = np.minimum(steps[f"{label}_confidence"].to_numpy(dtype=float), 0.5)
    steps["foot_strike_angle_deg"] = np.nan
    return steps


def _mirrored_note(handed: Handedness) -> str:
    """The note of a foot recording whose acceleration and angular rate are a mirror image (MOUNT-11)."""
    return (
        f"{_mirror_evidence(handed)}; which axis is wrong cannot be told, so direction and foot_strike are "
        f"`unknown` (confidence at most 0.5) and foot_strike_angle_deg NaN; the other columns stand, measured in "
        f"the mirrored frame (contact times and impact read its axes: check them once the axes are fixed)"
    )


def _mirror_evidence(handed: Handedness) -> str:
    """What MOUNT-11's notes say of a mirror-image frame and the strides that show it."""
    return (
        f"{MIRRORED_NOTE_START} of each other (one axis negated, or two swapped, by the export or an axis map?): "
        f"integrated stride by stride the foot rises or sinks a median {100 * handed.rise_m:.0f} cm, "
        f"{100 * handed.mirrored_rise_m:.0f} cm with the mirror image ({handed.strides} strides)"
    )


def _gate_mirrored_note(handed: Handedness, dropped: int) -> str:
    """The note of a foot recording, mirrored (MOUNT-11), whose contacts the gait gate dropped all (REVIEW-54)."""
    return (
        f"the gait gate dropped all {dropped} contacts, and {_mirror_evidence(handed)}; the gate reads the frame's "
        "axes: fix them and analyse again"
    )


def _reversal_note(reversal: FacingReversal, sign_known: bool) -> str:
    """The note of a facing that reverses across standing (MOUNT-1)."""
    at = ", ".join(  # -inf: against the facing a part before this one was firm on (MOUNT-8)
        f"between {a:.1f} s and {b:.1f} s" if math.isfinite(a) else f"before {b:.1f} s (after an earlier part)"
        for a, b in reversal.at_s
    )
    what = (
        "the steps facing against the declared axis are flagged `remounted` and get no direction at more than even odds"
        if sign_known
        else "each stretch's facing is decided from its own steps (flagged `remounted`: those facing against the "
        "first), a stretch too short to decide gets none"
    )
    return (
        f"the facing the gait shows reverses while the wearer stands {at}: the sensor was probably re-mounted "
        f"turned (a half turn about the vertical keeps every axis line, so one frame reads the steps after it "
        f"reversed); {what}"
    )


def _directions_beside(
    signals: BodySignals,
    contacts: Contacts,
    settings: AnalysisSettings,
    cues: pd.DataFrame | None,
    reversal: FacingReversal | None,
) -> Beside[pd.DataFrame] | None:
    """:meth:`_Evidence.classify`'s step directions, started beside the caller (PERF-40; ``beside.py``: only in
    ``analyze``, where a core is free); None where classify does not read them (no cues, or no frame)."""
    if cues is None or _frameless(signals):
        return None
    return Beside(
        lambda: step_directions(signals, contacts, settings.direction, cues=cues, reversal=reversal).reset_index(
            drop=True
        )
    )


def _frameless(signals: BodySignals) -> bool:
    """No frame to read a direction or a strike in: gravity removed and no gyroscope (both unknown)."""
    return bool(signals.gravity_removed and signals.gyr_dps is None)


def gait_contacts(
    signals: BodySignals, contacts: Contacts, settings: AnalysisSettings
) -> tuple[Contacts, tuple[str, ...]]:
    """The contacts that pass the gait gate (gait_gate.py: not gait is not steps), and its notes."""
    kept, notes, _ = _gait_contacts(signals, contacts, settings)
    return kept, notes


def _gait_contacts(
    signals: BodySignals, contacts: Contacts, settings: AnalysisSettings
) -> tuple[Contacts, tuple[str, ...], bool]:
    """:func:`gait_contacts`, and whether the gate dropped every contact of a foot found mirrored (REVIEW-54)."""
    gate = gait_gate(
        signals,
        contacts,
        one_leg=signals.placement in ONE_LEG_PLACEMENTS,
        max_gap_s=settings.bouts.max_contact_gap_s,
        settings=settings.gait_gate,
        band=settings.contacts,
        still=settings.still,
    )
    if gate.keep.all():
        return contacts, gate.notes, False
    keep = gate.keep
    notes = gate.notes
    mirrored = False
    if not keep.any():  # a mirror-image foot frame can make the gate drop them all: say so (REVIEW-54)
        handed = foot_handedness(signals, contacts, settings.direction)
        mirrored = handed is not None and handed.mirrored
        if handed is not None and handed.mirrored:
            notes = (*notes, _gate_mirrored_note(handed, len(contacts)))
    return Contacts(contacts.ic_idx[keep], contacts.to_idx[keep], contacts.side[keep]), notes, mirrored


#: Readings of a coarsely quantised recording that its samples cannot tell apart, analysed besides it ...
QUANTUM_DITHERS = 2
#: ... and a step is ``quantised`` when in one of them its contact is not found within this (s) of its
#: own, a contact is found that it does not have next to it, or its impact peak differs by more than
#: QUANTUM_IMPACT_CHANGE (relative).
QUANTUM_CONTACT_S = 0.025
QUANTUM_IMPACT_CHANGE = 0.10


def quantum_unsettled(
    declared: BodySignals,
    signals: BodySignals,
    contacts: Contacts,
    impact_g: NDArray[np.float64],
    settings: AnalysisSettings,
) -> NDArray[np.bool_]:
    """(m,) True where a contact or its impact peak is not settled by the samples of a coarsely quantised
    recording (HONEST-8).

    A sample recorded as ``a`` on an axis with quantum ``q`` was anywhere in ``[a - q/2, a + q/2]``: the
    recording is analysed again QUANTUM_DITHERS times with every value moved within its step (seeded
    uniform offsets on the sensor's axes; deterministic), and a step whose contact time or impact peak
    changes between these equally valid readings, or next to which one finds a contact the recording's
    own analysis does not, is decided by the rounding rather than the movement. ``declared`` are the
    signals the contacts were found in, ``signals`` those the impact was measured on (without_vertical).
    An impact peak within QUANTUM_IMPACT_CHANGE of the most the rounding can move it (half a step on each
    sensor axis, along the body's vertical) is not settled either."""
    m = len(contacts)
    quantum_g = float(declared.acc_quantum_g or 0.0)
    quantum_ms2 = quantum_g * STANDARD_GRAVITY_MS2
    rot = declared.sensor_to_body if declared.sensor_to_body is not None else np.eye(3)
    # the rounding moves a peak along the body's vertical by at most half a step on each sensor axis
    rounding_g = 0.5 * quantum_g * float(np.abs(rot[2]).sum())
    unsettled = np.asarray(np.isfinite(impact_g) & (rounding_g > QUANTUM_IMPACT_CHANGE * impact_g))
    ic_s = declared.t_s[contacts.ic_idx]
    for seed in range(QUANTUM_DITHERS):
        offsets = np.random.default_rng(seed).uniform(-0.5, 0.5, declared.acc_ms2.shape) * quantum_ms2
        other = replace(declared, acc_ms2=declared.acc_ms2 + offsets @ rot.T)
        found = detect_contacts(other, settings.contacts, settings.still, settings.phone_steps, settings.impact)
        other_contacts, _ = gait_contacts(other, found, settings)
        if not len(other_contacts):
            return np.ones(m, dtype=bool)
        other_s = other.t_s[other_contacts.ic_idx]
        nearest = _nearest(other_s, ic_s)
        unsettled |= np.abs(other_s[nearest] - ic_s) > QUANTUM_CONTACT_S
        extra = np.abs(ic_s[_nearest(ic_s, other_s)] - other_s) > QUANTUM_CONTACT_S
        after = np.searchsorted(ic_s, other_s[extra])  # a contact only the other reading has: its neighbours
        unsettled[np.clip(after, 0, m - 1)] = True
        unsettled[np.clip(after - 1, 0, m - 1)] = True
        measured = replace(other, placement=signals.placement)
        timing = step_timing_columns(measured, other_contacts, settings.timing)
        other_g, _ = impact_peaks(measured, other_contacts, timing["contact_time_s"], settings.impact)
        both = np.isfinite(impact_g) & np.isfinite(other_g[nearest])
        change = np.abs(other_g[nearest] / np.where(both, impact_g, 1.0) - 1.0)
        unsettled |= np.where(
            both, change > QUANTUM_IMPACT_CHANGE, np.isfinite(impact_g) != np.isfinite(other_g[nearest])
        )
    return unsettled


def _nearest(sorted_s: NDArray[np.float64], at_s: NDArray[np.float64]) -> NDArray[np.int64]:
    """Index into ``sorted_s`` (non-empty, increasing) of the value nearest each of ``at_s``."""
    right = np.clip(np.searchsorted(sorted_s, at_s), 0, sorted_s.size - 1)
    left = np.clip(right - 1, 0, sorted_s.size - 1)
    return np.where(np.abs(sorted_s[left] - at_s) <= np.abs(sorted_s[right] - at_s), left, right).astype(np.int64)


def provenance(settings: AnalysisSettings) -> dict[str, Any]:
    """How a result was made: summary.json's ``settings`` ({table: {key: value}}), ``settings_hash``
    (AnalysisSettings.digest) and ``analysis_version`` (version.analysis_version)."""
    return {"settings": settings.to_dict(), "settings_hash": settings.digest(), "analysis_version": analysis_version()}


@dataclass(frozen=True)
class _Evidence:
    """What several per-step classifiers read, computed once per analysis: the direction cues, the
    landings' impact transients (measured on first use) and their strike classes (None where the
    accelerometer method does not apply or the foot-strike angle is used instead)."""

    signals: BodySignals
    contacts: Contacts
    cues: pd.DataFrame | None
    transients: LandingTransients
    transient_classes: NDArray[np.object_] | None
    shock_ratio: NDArray[np.float64] | None
    habit: HabitEvidence | None = None

    @classmethod
    def of(
        cls,
        signals: BodySignals,
        contacts: Contacts,
        settings: AnalysisSettings,
        bout_id: NDArray[np.int64],
        transients: LandingTransients | None = None,
        cues: pd.DataFrame | None = None,
    ) -> _Evidence:
        """The evidence of an analysis; ``transients`` and the direction ``cues`` are measured here
        unless given (the pipeline measures them before the bouts, which end at turns)."""
        transients = transients or LandingTransients(signals, contacts, settings.transient)
        if not len(contacts):
            return cls(signals, contacts, None, transients, None, None)
        if cues is None:
            cues = direction_cues(signals, contacts, settings.direction, transients)
        shock = habit = None
        if signals.placement == "lower_back":  # one landing's shock ratio, then its bout's habit
            ratio = landing_shock_ratio(signals, contacts, settings.trunk_strike)
            shock = habitual_shock_ratio(ratio, bout_id, settings.trunk_strike)
            habit = habit_evidence(ratio, bout_id, settings.trunk_strike)
        angle_method = signals.placement == "foot" and signals.gyr_dps is not None
        classes = None if angle_method else transient_strike_classes(signals, transients, settings.foot_strike, shock)
        return cls(signals, contacts, cues, transients, classes, shock, habit)

    def no_heel_shock(self, settings: AnalysisSettings) -> NDArray[np.bool_]:
        """The landings without a heel-strike shock at the trunk (lower back; elsewhere none)."""
        if self.shock_ratio is None:
            return np.zeros(len(self.contacts), dtype=bool)
        return no_heel_shock(self.shock_ratio, settings.trunk_strike)

    def classify(
        self,
        settings: AnalysisSettings,
        reversal: FacingReversal | None,
        directions: Beside[pd.DataFrame] | None = None,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Direction (direction.py) and foot strike (footstrike.py) per step; empty tables keep their columns.
        ``reversal``: the facing reversal of these cues (MOUNT-1, measured once per analysis); ``directions``: the
        step directions of these cues, started beside (:func:`_directions_beside`)."""
        if self.cues is None:
            return (
                pd.DataFrame(
                    {"direction": pd.Series([], dtype=object), "direction_confidence": pd.Series([], dtype=float)}
                ),
                pd.DataFrame(
                    {
                        "foot_strike": pd.Series([], dtype=object),
                        "foot_strike_angle_deg": pd.Series([], dtype=float),
                        "foot_strike_confidence": pd.Series([], dtype=float),
                    }
                ),
            )
        signals, contacts = self.signals, self.contacts
        if _frameless(signals):
            m = len(contacts)
            return (
                pd.DataFrame({"direction": ["unknown"] * m, "direction_confidence": np.full(m, 0.5)}),
                pd.DataFrame(
                    {
                        "foot_strike": ["unknown"] * m,
                        "foot_strike_angle_deg": np.full(m, np.nan),
                        "foot_strike_confidence": np.full(m, np.nan),
                    }
                ).loc[:, list(FOOT_STRIKE_COLUMNS)],
            )
        direction = (
            directions.result()
            if directions is not None
            else step_directions(signals, contacts, settings.direction, cues=self.cues, reversal=reversal).reset_index(
                drop=True
            )
        )
        facing: float | NDArray[np.float64] = facing_probability(signals, contacts, settings.direction, cues=self.cues)
        if reversal is not None:  # MOUNT-1: each stretch's own facing; against a declared one: undecided
            facing = np.where(reversal.changed, 0.5, facing) if signals.anterior_sign_known else reversal.facing
        strike = step_foot_strikes(
            signals,
            contacts,
            settings.foot_strike,
            facing=facing,
            transient_classes=self.transient_classes,
            direction=direction["direction"].to_numpy(dtype=object),
            shock_ratio=self.shock_ratio,
            trunk_settings=settings.trunk_strike,
            habit=self.habit,
        ).reset_index(drop=True)
        return (
            direction.loc[:, ["direction", "direction_confidence"]],
            strike.loc[:, list(FOOT_STRIKE_COLUMNS)],
        )

    def axis_notes(self, steps: pd.DataFrame, declared: str | None, settings: AnalysisSettings) -> list[str]:
        """The reversed-axis note (axis_check.py), from the evidence already computed."""
        return reversed_axis_notes(
            steps,
            self.signals,
            self.contacts,
            declared,
            settings,
            cues=self.cues,
            transients=self.transients,
            transient_classes=self.transient_classes,
        )


#: The files :func:`write_outputs` writes into the output folder, by key (the CLI adds report.html).
def write_outputs(result: AnalysisResult, out_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """Write steps.csv, bouts.csv and summary.json into ``out_dir``; returns the paths.

    Each file is replaced atomically (a crash leaves the previous one), CSV text cells neutralised. The
    HTML report is written by ``retrogait.report.analysis_report.write_analysis_report`` (the report
    depends on the analysis, never the other way round).
    """
    out = Path(out_dir)
    paths = {key: out / name for key, name in OUTPUT_FILES.items() if key != "report"}
    write_csv(result.steps, paths["steps"], STEP_TIME_FORMATS, float_format="%.6g")
    write_csv(result.bouts.reindex(columns=list(BOUT_COLUMNS)), paths["bouts"], BOUT_TIME_FORMATS, float_format="%.6g")
    write_text(paths["summary"], json.dumps(result.summary, indent=2, allow_nan=False) + "\n")
    return paths
