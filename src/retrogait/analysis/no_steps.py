"""Why an analysis found no step: one line for the notes, never a silent empty table (IMPORT-29)."""

from __future__ import annotations

import numpy as np

from retrogait.analysis.settings import AnalysisSettings
from retrogait.analysis.signals import BodySignals
from retrogait.analysis.still import still_mask

#: Periodicity windows of movement below which gait cannot be told (phone_steps.window_s each): the gait checks
#: compare a window's strides with the next's, so a stretch shorter than two windows holds no full comparison.
SHORT_WINDOWS = 2.0


def no_steps_note(signals: BodySignals, settings: AnalysisSettings) -> str:
    """The note of an analysis that found no step: how long the sensor moved (s: samples outside gaps whose |a| is
    not quiet by the gait gate's ``quiet_window_s``/``quiet_std_ms2``) and why that gave no step: hardly any
    movement (under one stride of the slowest steps, 2 x ``phone_steps.max_step_s``), movement too short for the
    gait checks' windows (under ``SHORT_WINDOWS`` x ``phone_steps.window_s``), or movement that does not repeat as
    steps do."""
    fs_hz = signals.fs_hz
    measured = ~signals.gap
    gate = settings.gait_gate  # the gate's quiet sensor: a lower back's still mask also holds slow walking
    still = still_mask(signals.acc_ms2, fs_hz, gate.quiet_window_s, gate.quiet_std_ms2)
    moving_s = float(np.count_nonzero(measured & ~still)) / fs_hz
    span_s = float(np.count_nonzero(measured)) / fs_hz
    steps = settings.phone_steps
    if moving_s < 2.0 * steps.max_step_s:
        return (
            f"no steps found: the sensor hardly moves ({moving_s:.1f} s of movement in {span_s:.1f} s of samples, "
            f"under one stride of the slowest steps, {2.0 * steps.max_step_s:.1f} s)"
        )
    if moving_s < SHORT_WINDOWS * steps.window_s:
        return (
            f"no steps found: {moving_s:.1f} s of movement is too short to tell gait (the gait checks compare strides "
            f"over {steps.window_s:.0f} s windows: record at least {SHORT_WINDOWS * steps.window_s:.0f} s of walking "
            "or running)"
        )
    return (
        f"no steps found: {moving_s:.1f} s of movement, but it does not repeat as walking or running does "
        "(no gait found)"
    )
