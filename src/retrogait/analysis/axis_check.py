"""Is a declared anterior axis reversed? A check from evidence that does not read the axis.

No frame-free cue can tell a forward runner whose anterior axis is declared the wrong way round from
a backward runner: every axis-reading cue flips with the axis. Some landing physics does not:

* a backward runner lands on the ball of the foot (biomechanics.md Q1/Q4), so the landing has no
  heel impact transient; a sharp one (foot/shank: narrower than footstrike.RFS_NARROWER_MS, lower
  back: prominence >= footstrike.RFS_PROMINENCE) is a heel strike, i.e. forward running;
* forward running lands hard and takes off soft, backward running the reverse (Cavagna et al., Proc R
  Soc B 2011): on the lower back the vertical load's centroid lies early in stance when running forward.

So when most steps of a session read backward (>= MOSTLY_BACKWARD of at least MIN_KNOWN_STEPS steps
with a known direction) and their running landings look like forward running, the session gets a note
saying that the anterior axis is probably reversed. Results are never flipped: a backward heel-striker
is unusual, not impossible. Walking has no such cue, and neither has running sampled below
footstrike.MIN_RATE_FOR_TRANSIENT_HZ at the foot or shank: those sessions get no note, because a note
without evidence would fire on every genuine retro-walking session. See docs/direction_footstrike.md,
"Reversed anterior axis".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retrogait.analysis.direction import direction_cues
from retrogait.analysis.footstrike import (
    MIN_RATE_FOR_TRANSIENT_HZ,
    classify_limb_transient,
    classify_prominence,
)
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.transient import impact_transient_prominence, impact_transient_width_ms

#: A session is checked when at least this many steps have a known direction ...
MIN_KNOWN_STEPS = 20
#: ... and at least this share of them reads backward.
MOSTLY_BACKWARD = 0.8
#: Landing evidence needs this many backward-read running steps.
MIN_EVIDENCE_STEPS = 10
#: Share of those steps with a heel impact transient that says "forward running".
HEEL_SHARE = 0.5
#: Lower back: a median landing asymmetry (load centroid in stance - 0.5) at or below this is a hard
#: landing and soft take-off, forward running (real forward sacral trials: -0.05 to -0.16; simulated
#: backward running: +0.03).
FORWARD_LANDING_ASYMMETRY = -0.03


def reversed_axis_notes(
    steps: pd.DataFrame, signals: BodySignals, contacts: Contacts, anterior_axis: str | None = None
) -> list[str]:
    """Notes (zero or one line) when a session with a declared anterior axis reads mostly backward.

    Args:
        steps: the steps table (columns ``direction``, ``activity``), one row per contact.
        signals, contacts: what the steps were found in.
        anterior_axis: the declared axis (``+x`` ... ``-z``), to name its opposite in the note.
    """
    if not signals.anterior_sign_known or signals.anterior_source == "calibration" or len(steps) == 0:
        return []
    direction = steps["direction"].to_numpy(dtype=str)
    known = direction != "unknown"
    backward = direction == "backward"
    if known.sum() < MIN_KNOWN_STEPS or backward.sum() < MOSTLY_BACKWARD * known.sum():
        return []
    share = f"{100.0 * backward.sum() / known.sum():.0f} % of the {int(known.sum())} steps read backward"
    fix = f"pass --anterior-axis {_opposite(anterior_axis)}" if anterior_axis else "pass --anterior-axis"
    running = backward & (steps["activity"].to_numpy(dtype=str) == "running")
    evidence = _forward_landings(signals, contacts, running)
    if not evidence:
        return []
    return [f"{share}, but {evidence}; if this was forward running the anterior axis is reversed: {fix}"]


def _forward_landings(signals: BodySignals, contacts: Contacts, running: np.ndarray) -> str:
    """What in the landings of the ``running`` steps says forward running ("" when nothing does or
    there is nothing to look at)."""
    if running.sum() < MIN_EVIDENCE_STEPS or signals.placement not in ("foot", "shank", "lower_back"):
        return ""
    found: list[str] = []
    if signals.fs_hz >= MIN_RATE_FOR_TRANSIENT_HZ:
        prominence = impact_transient_prominence(signals, contacts)
        if signals.placement == "lower_back":
            strike = np.asarray(classify_prominence(prominence), dtype=str)
        else:
            strike = np.asarray(classify_limb_transient(prominence, impact_transient_width_ms(signals, contacts)))
        heel = float(np.mean(strike[running] == "rearfoot"))
        if heel >= HEEL_SHARE:
            found.append(f"{100.0 * heel:.0f} % of their running landings show a heel impact transient")
    if signals.placement == "lower_back":
        cues = direction_cues(signals, contacts)
        if "landing_asymmetry" in cues:
            asym = cues["landing_asymmetry"].to_numpy(dtype=np.float64)[running]
            asym = asym[np.isfinite(asym)]
            if asym.size >= MIN_EVIDENCE_STEPS and float(np.median(asym)) <= FORWARD_LANDING_ASYMMETRY:
                found.append("they land hard and take off soft, as in forward running")
    return " and ".join(found)


def _opposite(axis: str) -> str:
    """``+x`` -> ``-x`` and back."""
    return ("-" if axis[0] == "+" else "+") + axis[1]
