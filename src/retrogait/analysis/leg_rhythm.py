"""Is a sensor declared on one leg on one leg? The placement checked without a gyroscope (PHONE-17).

A sensor on one leg sees its own leg's swing and landing once per stride, the other leg's landing only faintly:
the one-leg detector finds one contact per stride. A sensor on the trunk, in a hand, a bag or on an arm sees
both legs alike: its |a| rises and falls once per step of either leg, and the one-leg detector then takes every
landing of either leg for its own leg's, so the cadence it reports is twice the true one (EDGE-187). The
acceleration alone cannot tell a trunk walking at 0.55 s a step from a leg running at 0.55 s a stride (ANALYSIS-22)
without knowing the gait, so the check asks three things of the contacts found in walking and running bouts,
all of which a both-legs signal read as one leg shows and a leg's own signal cannot:

* read as one leg's strides, the contacts step at ``RUN_CADENCE_SPM`` or more (steps of both legs per minute):
  no one walks that fast (walking tops out near 140 steps/min; people run above ~2 m/s), so a leg would be running;
* yet the step-band |a| (``phone_steps.step_signal``) moves like a walk's, its standard deviation below
  ``WALK_MAX_STD_G``: in a run each step has a flight (|a| near 0 g) and a landing of 2-3 g at the trunk, more
  at a leg, an SD of 0.7 g or more (a leg's slow backward jog, 1.6 m/s in the simulator, 0.48 g: its half r is
  then +0.5 or more, REVIEW-34); a walk never leaves the ground and its |a| stays within about 0.6-1.4 g
  at the trunk (SD 0.1-0.3 g);
* and at half the contact interval the signal is in antiphase with itself (Pearson r at or below
  ``ANTIPHASE_R``, periodicity.pearson_by_lag over each bout): one smooth rise and fall per contact, the body's
  step rhythm. A running leg's other-leg landing shows in phase at half its stride (simulator: r +0.1 to +0.8).

Thresholds are physical, not fitted (docs/decisions.md PHONE-17, cross-validated there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retrogait.analysis.periodicity import pearson_by_lag
from retrogait.analysis.phone_steps import step_signal
from retrogait.analysis.settings import PhoneStepSettings
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.conventions import ONE_LEG_PLACEMENTS

#: Read as one leg's strides, contacts at this many steps of both legs per minute or more would be a run.
RUN_CADENCE_SPM = 160.0
#: A run's step-band |a| has a standard deviation above this (g); a walk's, at the trunk or in a hand, below.
WALK_MAX_STD_G = 0.5
#: At half the contact interval a both-legs step rhythm is in antiphase with itself: r at or below this.
ANTIPHASE_R = -0.5
#: Contacts in gait needed before anything is said (10 s of walking).
MIN_CONTACTS = 20
#: Consecutive contacts further apart than this (s) are not one stride of continuous gait.
MAX_STRIDE_S = 2.5

GAIT_ACTIVITIES = ("walking", "running")


@dataclass(frozen=True)
class LegRhythm:
    """What the acceleration of the gait bouts shows about the contacts of a one-leg analysis.

    Attributes:
        cadence_spm: the contacts read as one leg's strides (steps of both legs per minute: 120 / median interval).
        std_g: standard deviation of the step-band |a| in the gait bouts (g).
        half_r: Pearson r of the step-band |a| with itself half the median contact interval later (mean over
            the bouts, weighted by their length).
        contacts: contacts in gait the numbers were read from.
    """

    cadence_spm: float
    std_g: float
    half_r: float
    contacts: int

    @property
    def both_legs(self) -> bool:
        """The contacts are every landing of either leg, not one leg's (see module)."""
        return self.cadence_spm >= RUN_CADENCE_SPM and self.std_g < WALK_MAX_STD_G and self.half_r <= ANTIPHASE_R


def leg_rhythm(
    signals: BodySignals,
    contacts: Contacts,
    bouts: pd.DataFrame,
    settings: PhoneStepSettings,
    *,
    always: bool = False,
) -> LegRhythm | None:
    """The contacts' rhythm against the signal's (see module); None with fewer than MIN_CONTACTS contacts in gait
    or no bout long enough to hold two contact intervals. Contacts at a walk's cadence are a leg's whatever the
    signal shows: their ``std_g`` and ``half_r`` are NaN, not measured, unless ``always`` (validation).

    The contacts and bouts are read in time order, each contact once, in whatever order they are given (EDGE-193:
    the detector's are sorted and unique, a join of pieces need not be; bouts do not overlap)."""
    if not len(bouts) or len(contacts) < MIN_CONTACTS:
        return None
    fs = signals.fs_hz
    gait = bouts[bouts["activity"].isin(GAIT_ACTIVITIES)].sort_values("start_s", kind="stable")
    if not len(gait):
        return None
    first = np.searchsorted(signals.t_s, gait["start_s"].to_numpy(dtype=float))
    last = np.searchsorted(signals.t_s, gait["end_s"].to_numpy(dtype=float), side="right")
    ic = np.unique(contacts.ic_idx)  # in time order, each once: an interval is between two landings, never 0
    bout_of = np.searchsorted(last, ic, side="right")  # the first bout ending after the contact
    inside = (bout_of < last.size) & (ic >= first[np.minimum(bout_of, last.size - 1)])
    intervals = np.diff(ic) / fs
    same = (bout_of[1:] == bout_of[:-1]) & inside[1:] & inside[:-1] & (intervals <= MAX_STRIDE_S)
    if int(inside.sum()) < MIN_CONTACTS or not same.any():
        return None
    interval = float(np.median(intervals[same]))
    if 120.0 / interval < RUN_CADENCE_SPM and not always:  # the signal is read only where it can decide
        return LegRhythm(120.0 / interval, float("nan"), float("nan"), int(inside.sum()))
    lag = interval * fs
    x = step_signal(signals, settings)
    std_parts, r_parts, weights = [], [], []
    for a, b in zip(first, last, strict=True):  # one autocorrelation per bout: bouts are few
        piece = x[a:b]
        if piece.size < 2 * lag + 4:
            continue
        r = pearson_by_lag((piece - piece.mean())[None, :], int(np.ceil(lag / 2.0)) + 1)[0]
        r_parts.append(0.5 * (r[int(np.floor(lag / 2.0))] + r[int(np.ceil(lag / 2.0))]))
        std_parts.append(float(np.mean((piece - piece.mean()) ** 2)))
        weights.append(piece.size)
    if not weights:
        return None
    return LegRhythm(
        cadence_spm=120.0 / interval,
        std_g=float(np.sqrt(np.average(std_parts, weights=weights))),
        half_r=float(np.average(r_parts, weights=weights)),
        contacts=int(inside.sum()),
    )


def both_legs_note(rhythm: LegRhythm, placement: str) -> str:
    """The note of a one-leg placement whose recording shows both legs' steps (PHONE-18)."""
    return (
        f"declared {placement} without a gyroscope, but the acceleration rises and falls once per contact like a "
        f"body stepping with both legs (the contacts as one leg's strides: {rhythm.cadence_spm:.0f} steps/min, a "
        f"run's cadence, at a walk's movement, |a| SD {rhythm.std_g:.2f} g; at half a contact r "
        f"{rhythm.half_r:+.2f}): it is not on one leg, so it is analysed as a sensor that sees both legs "
        "(--placement other: steps of both legs; foot strike, contact time and impact not given); if it is on a "
        "leg, record with its gyroscope"
    )


def reads_one_leg(placement: str | None, has_gyroscope: bool) -> bool:
    """The check applies: a one-leg placement declared and no gyroscope (with one, placement_check decides)."""
    return placement in ONE_LEG_PLACEMENTS and not has_gyroscope


def read_apart(placements: set[str | None]) -> bool:
    """True where the parts or mountings of one recording were read some as both legs' steps (``other``, PHONE-18)
    and some as one leg's: one sensor on one body is read one way, every one-leg piece again as ``other``
    (REVIEW-33)."""
    return "other" in placements and bool(placements & set(ONE_LEG_PLACEMENTS))
