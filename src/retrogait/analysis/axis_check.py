"""Is a declared anterior axis reversed? A check from evidence that does not read the axis.

No frame-free cue can tell a forward runner whose anterior axis is declared the wrong way round from
a backward runner: every axis-reading cue flips with the axis. Some landing physics does not:

* a backward runner lands on the ball of the foot (biomechanics.md Q1/Q4), so the landing has no
  heel impact transient; a sharp one (the foot-strike transient classes: foot/shank narrower than
  ``rearfoot_narrower_ms``, lower back a heel-strike shock, trunk_strike.py) is a heel strike,
  i.e. forward running;
* forward running lands hard and takes off soft, backward running the reverse (Cavagna et al., Proc R
  Soc B 2011): on the lower back the vertical load's centroid lies early in stance when running forward.

So when most steps of a session read backward (>= ``mostly_backward_fraction`` of at least
``min_known_steps`` steps with a known direction; AxisCheckSettings) and their running landings look
like forward running, the session gets a note saying that the anterior axis is probably reversed.
Results are never flipped: a backward heel-striker is unusual, not impossible. Walking has no such cue,
and neither has running sampled below ``min_rate_for_transient_hz`` at the foot or shank: those
sessions get no note, because a note
without evidence would fire on every genuine retro-walking session. See docs/direction_footstrike.md,
"Reversed anterior axis".
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.direction import cue_agreement, direction_cues, direction_probabilities, label_arrays
from retrogait.analysis.footstrike import transient_strike_classes
from retrogait.analysis.settings import AnalysisSettings, AxisCheckSettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.transient import LandingTransients


def reversed_axis_notes(
    steps: pd.DataFrame,
    signals: BodySignals,
    contacts: Contacts,
    anterior_axis: str | None = None,
    settings: AnalysisSettings | None = None,
    *,
    cues: pd.DataFrame | None = None,
    transients: LandingTransients | None = None,
    transient_classes: NDArray[np.object_] | None = None,
) -> list[str]:
    """Notes (zero or one line) when a session with a declared anterior axis reads mostly backward.

    Args:
        steps: the steps table (columns ``direction``, ``activity``), one row per contact.
        signals, contacts: what the steps were found in.
        anterior_axis: the declared axis (``+x`` ... ``-z``), to name its opposite in the note.
        settings: all settings (this check reads ``axis_check``, and ``foot_strike``, ``direction`` for
            the evidence it recomputes when not given); default: the placement's preset.
        cues, transients, transient_classes: the direction cues, the landings' impact transients and their
            strike classes (footstrike.transient_strike_classes) the pipeline already has; computed here
            (from ``transients`` when given) only when needed and not given.
    """
    settings = settings or preset(signals.placement)
    s = settings.axis_check
    if not signals.anterior_sign_known or signals.anterior_source == "calibration" or len(steps) == 0:
        return []
    if cues is None and signals.placement == "lower_back":
        cues = direction_cues(signals, contacts, settings.direction)
    direction = _axis_reading(steps, signals, contacts, settings, cues)
    known = direction != "unknown"
    backward = direction == "backward"
    if known.sum() < s.min_known_steps or backward.sum() < s.mostly_backward_fraction * known.sum():
        return []
    share = f"{100.0 * backward.sum() / known.sum():.0f} % of the {int(known.sum())} steps read backward"
    fix = f"pass --anterior-axis {_opposite(anterior_axis)}" if anterior_axis else "pass --anterior-axis"
    running = backward & (steps["activity"].to_numpy(dtype=str) == "running")
    if running.sum() < s.min_evidence_steps or signals.placement not in ("foot", "shank", "lower_back"):
        return []
    if transient_classes is None:
        transients = transients or LandingTransients(signals, contacts, settings.transient)
        transient_classes = transient_strike_classes(signals, transients, settings.foot_strike)
    evidence = _forward_landings(running, s, transient_classes, cues)
    if not evidence:
        return []
    return [f"{share}, but {evidence}; if this was forward running the anterior axis is reversed: {fix}"]


def _axis_reading(
    steps: pd.DataFrame,
    signals: BodySignals,
    contacts: Contacts,
    settings: AnalysisSettings,
    cues: pd.DataFrame | None,
) -> NDArray[np.str_]:
    """Per step, the direction the axis-reading cues give: the steps' labels, or -- in a session whose
    frame-free cues contradict them (direction.cue_agreement below ``-conflict_log_odds``), where every
    confidence is capped and the labels are `unknown` (DIRECTION-28) -- the labels without the cap. A
    reversed axis is such a session: its axis cues read backward, its landings forward."""
    direction = steps["direction"].to_numpy(dtype=str)
    s = settings.direction
    if cues is None or cue_agreement(cues) >= -s.conflict_log_odds or len(contacts) != len(steps):
        return direction
    uncapped = replace(s, conflict_cap_probability=1.0)
    probs = direction_probabilities(signals, contacts, uncapped, cues=cues).to_numpy(dtype=np.float64)
    return np.asarray(label_arrays(probs, signals.placement, uncapped)[0], dtype=str)


def _forward_landings(
    running: NDArray[np.bool_],
    s: AxisCheckSettings,
    transient_classes: NDArray[np.object_] | None,
    cues: pd.DataFrame | None,
) -> str:
    """What in the landings of the ``running`` steps says forward running ("" when nothing does):
    heel impact transients (``transient_classes``, None below the transient rate) and, lower back, a
    hard landing and soft take-off (the ``landing_asymmetry`` cue)."""
    found: list[str] = []
    if transient_classes is not None:
        heel = float(np.mean(np.asarray(transient_classes, dtype=str)[running] == "rearfoot"))
        if heel >= s.heel_share_fraction:
            found.append(f"{100.0 * heel:.0f} % of their running landings show a heel impact transient")
    if cues is not None and "landing_asymmetry" in cues:
        asym = cues["landing_asymmetry"].to_numpy(dtype=np.float64)[running]
        asym = asym[np.isfinite(asym)]
        if asym.size >= s.min_evidence_steps and float(np.median(asym)) <= s.forward_landing_asymmetry_fraction:
            found.append("they land hard and take off soft, as in forward running")
    return " and ".join(found)


def _opposite(axis: str) -> str:
    """``+x`` -> ``-x`` and back."""
    return ("-" if axis[0] == "+" else "+") + axis[1]
