"""What too little gait says: why an analysis found no step (IMPORT-29), and that steps found over a stretch shorter
than the step detector's windows need are counted less surely (HONEST-36): one line each for the notes."""

from __future__ import annotations

import numpy as np

from retrogait.analysis.phone_steps import EDGE_GOOD_PAIRS
from retrogait.analysis.settings import AnalysisSettings
from retrogait.analysis.signals import BodySignals
from retrogait.analysis.still import still_mask
from retrogait.conventions import STEP_COUNT_PLACEMENTS

#: Periodicity windows of movement below which gait cannot be told (phone_steps.window_s each): the gait checks
#: compare a window's strides with the next's, so a stretch shorter than two windows holds no full comparison.
SHORT_WINDOWS = 2.0
#: Share of the gait found whose step peaks the stretch-end rule cut off from which the step count is said to be low
#: (HONEST-37): each second of it about one second's steps missing, so the share the count is low by; a tenth is
#: said where a count 10 % low would mislead (not fitted to the traces).
UNPLACED_SHARE = 0.1


def moving_s(signals: BodySignals, settings: AnalysisSettings) -> tuple[float, float]:
    """``(moving, measured)`` (s): the samples outside gaps whose |a| is not quiet by the gait gate's
    ``quiet_window_s``/``quiet_std_ms2`` (a lower back's still mask also holds slow walking), and all outside gaps."""
    fs_hz = signals.fs_hz
    measured = ~signals.gap
    gate = settings.gait_gate
    still = still_mask(signals.acc_ms2, fs_hz, gate.quiet_window_s, gate.quiet_std_ms2)
    return float(np.count_nonzero(measured & ~still)) / fs_hz, float(np.count_nonzero(measured)) / fs_hz


def no_steps_note(signals: BodySignals, settings: AnalysisSettings) -> str:
    """The note of an analysis that found no step: how long the sensor moved (s: samples outside gaps whose |a| is
    not quiet by the gait gate's ``quiet_window_s``/``quiet_std_ms2``) and why that gave no step: hardly any
    movement (under one stride of the slowest steps, 2 x ``phone_steps.max_step_s``), movement too short for the
    gait checks' windows (under ``SHORT_WINDOWS`` x ``phone_steps.window_s``), or movement that does not repeat as
    steps do. Where the phone step detector found gait, it says what became of it: no step placed (its stretch-end
    rule, HONEST-37), or steps placed that the gait checks dropped (PHONE-24)."""
    moving_s_, span_s = moving_s(signals, settings)
    steps = settings.phone_steps
    gait = signals.phone_gait()
    if gait is not None and gait[0] > 0.0 and gait[2] == 0 and gait[1] > 0.0:  # gait, no step placed (HONEST-37)
        return (
            f"no steps found: the step detector found gait over {gait[0]:.1f} s (strides alike), but it places a "
            f"stretch's first and last steps only where {EDGE_GOOD_PAIRS + 1} step peaks in a row lie a whole number "
            f"of step periods apart (within {steps.rhythm_tolerance_fraction:.0%}; or where one leg's peak lies off "
            "the half-stride, late from the peak before and early to the next by as much), with strides alike and a "
            "step of the walk's size, and in this recording those never held together (a phone in a pocket can peak "
            "between steps)"
        )
    if gait is not None and gait[0] > 0.0 and gait[2] > 0:  # steps placed, every one dropped after (PHONE-24)
        return (
            f"no steps found: the step detector found gait over {gait[0]:.1f} s (strides alike) and placed {gait[2]} "
            "steps in it, but the gait checks dropped every one (the note on dropped contacts says why)"
        )
    if moving_s_ < 2.0 * steps.max_step_s:
        return (
            f"no steps found: the sensor hardly moves ({moving_s_:.1f} s of movement in {span_s:.1f} s of samples, "
            f"under one stride of the slowest steps, {2.0 * steps.max_step_s:.1f} s)"
        )
    if moving_s_ < SHORT_WINDOWS * steps.window_s:
        return (
            f"no steps found: {moving_s_:.1f} s of movement is too short to tell gait (the gait checks compare strides "
            f"over {steps.window_s:.0f} s windows: record at least {SHORT_WINDOWS * steps.window_s:.0f} s of walking "
            "or running)"
        )
    return (
        f"no steps found: {moving_s_:.1f} s of movement, but it does not repeat as walking or running does "
        "(no gait found)"
    )


def short_gait_note(signals: BodySignals, placement: str, n_steps: int, settings: AnalysisSettings) -> str | None:
    """The note of a recording whose ``n_steps`` steps the step detector of ``placement``
    (``conventions.STEP_COUNT_PLACEMENTS``: phones, wrist, other; phone_steps.py) found in less movement than
    ``SHORT_WINDOWS`` of its periodicity windows (``phone_steps.window_s`` each; movement as :func:`moving_s`
    measures it), or None. Each step is placed by the rhythm read in windows the recording's ends cut: near its start
    and end steps are missed more often, so the count may be low; the cadence, read from the intervals of the steps
    found, is not named weak (HONEST-36)."""
    if placement not in STEP_COUNT_PLACEMENTS or n_steps == 0:
        return None
    window_s = settings.phone_steps.window_s
    if np.count_nonzero(~signals.gap) >= SHORT_WINDOWS * window_s * signals.fs_hz:
        return None  # at least as many samples measured: no still mask needed (moving <= measured)
    moving, _ = moving_s(signals, settings)
    if moving >= SHORT_WINDOWS * window_s:
        return None
    return (
        f"{n_steps} steps in {moving:.1f} s of movement: shorter than two of the step detector's {window_s:.0f} s "
        f"periodicity windows ({SHORT_WINDOWS * window_s:.0f} s), so steps near the recording's start and end are "
        "missed more often and the step count may be low (the cadence is read from the steps found); record at least "
        f"{SHORT_WINDOWS * window_s:.0f} s of walking or running for a full count"
    )


def unplaced_gait_note(signals: BodySignals, n_steps: int) -> str | None:
    """The note of a recording whose phone step detector (phone_steps.py) found gait and placed ``n_steps`` steps,
    but whose stretch-end rule cut off step peaks over at least ``UNPLACED_SHARE`` of the gait's time: the count is
    low by about that share (HONEST-37); None otherwise or where the detector did not run."""
    gait = signals.phone_gait()
    if gait is None or n_steps == 0 or gait[0] <= 0.0 or gait[1] < UNPLACED_SHARE * gait[0]:
        return None
    gait_s, trimmed_s, _ = gait
    return (
        f"{n_steps} steps, but {trimmed_s:.1f} s of the {gait_s:.1f} s in which the step detector found gait (strides "
        f"alike) hold step peaks it placed no step on: it places a stretch's first and last steps only where "
        f"{EDGE_GOOD_PAIRS + 1} step peaks in a row lie a whole number of step periods apart (or one leg's peak off "
        "the half-stride, late and then early by as much), with strides alike and a step of the walk's size, and there "
        "those did not hold together "
        f"(a phone in a pocket can peak between steps), so the step count may be low by about {trimmed_s / gait_s:.0%}"
    )
