"""Gait timing: cadence and contact time from speed and direction, and the stance sequence of a bout.

Model (sources in docs/simulator.md):

* forward running: cadence 145 + 7.5 v steps/min (164 at 2.5 m/s, 168 at 3, 175 at 4) and contact
  time 0.25 s * (3 / v)^0.7 (0.28 s at 2.5 m/s, 0.25 at 3, 0.20 at 4);
* backward running at the same speed: cadence x 1.12 and contact time x 0.82, which gives flight
  times near Cavagna et al. (2012) (0.098 s backward vs 0.072 s forward, averaged over speeds) and
  the shorter contact of Wright & Weyand (2001);
* forward walking: cadence 72 + 28 v (111 at 1.4 m/s), duty factor (stance / stride) 0.62 at 1.4 m/s
  falling with speed; backward walking: cadence x 1.15 (shorter steps) and a longer stance share;
* side-steps (step-together): each foot moves 0.3 + 0.4 v m per stride (0.5 m at 0.5 m/s, at most
  SIDESTEP_MAX_STRIDE_M), so the cadence follows from the speed (120 steps/min at 0.5 m/s); the
  duty factor of forward walking at that speed (double support every step).

Step times vary independently (Gaussian, seeded) so that stride time (two steps) has the configured
coefficient of variation; contact times vary with theirs; step times are then rescaled so the bout's
mean cadence is exact. From simulator version 2 a walking stance's contact time follows the step that starts in it
(``contact_follows_step``, SIM-16): the contact times keep their coefficient of variation, but a double support (a
contact minus a step) no longer varies with two independent draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrogait.simulate.config import Bout
from retrogait.simulate.nominal import NominalTiming, nominal_timing

#: Fraction of the stance, in the middle of the flat-foot phase, at which each moving bout starts
#: and ends for the lead leg (the pose closest to quiet standing; see kinematics).
POSE_STANCE_FRACTION = {"running": 0.36, "walking": 0.40}
#: Stride-to-stride coefficient of variation of the landing impact (touchdown velocity).
IMPACT_CV = 0.10
#: Running contact may not exceed this fraction of the step time (otherwise it is not running).
MAX_RUNNING_CONTACT_OF_STEP = 0.9


@dataclass(frozen=True)
class StanceSequence:
    """All stances of both legs that the gait of one bout produces.

    Attributes:
        ic_s: initial-contact times (s), increasing, legs alternating; the first stance (lead leg)
            begins before the bout so that the lead leg is in mid-stance at the bout start.
        to_s: toe-off times (s).
        lead: True for stances of the lead leg (the sensor's leg), False for the other leg.
        in_bout: True for complete stances: initial contact at or after the bout start and toe-off
            before the end of the gait (``gait_end_s``).
        stops: True for the lead leg's last landing, the stance on which the gait stops (contact
            after the bout start and at or before ``gait_end_s``, the foot then stays down). It is in
            the signal, so it is in the truth too.
        gait_start_s: the bout start (s); the lead leg is then at ``pose_fraction`` of its stance.
        gait_end_s: when the lead leg is last at ``pose_fraction`` of a stance before the bout end (s);
            after it the wearer stands.
        pose_fraction: fraction of the lead leg's stance at gait start and end.
        impact_scale: per-stance factor on the landing impact (touchdown velocity and the vGRF
            impact transient), mean 1, coefficient of variation IMPACT_CV.
        timing: the nominal timing.
    """

    ic_s: NDArray[np.float64]
    to_s: NDArray[np.float64]
    lead: NDArray[np.bool_]
    in_bout: NDArray[np.bool_]
    stops: NDArray[np.bool_]
    gait_start_s: float
    gait_end_s: float
    pose_fraction: float
    impact_scale: NDArray[np.float64]
    timing: NominalTiming


def stance_sequence(
    bout: Bout,
    start_s: float,
    rng: np.random.Generator,
    stride_time_cv: float,
    contact_time_cv: float,
    contact_follows_step: bool = False,
) -> StanceSequence:
    """Stance times of both legs for a moving bout that starts at ``start_s`` (s); ``contact_follows_step``
    (simulator v2, walking): each contact time is the nominal one times its step's ratio to the nominal step, with an
    own residual that keeps the contact time's coefficient of variation (SIM-16)."""
    timing = nominal_timing(bout)
    step, contact = timing.step_time_s, timing.contact_time_s
    pose = POSE_STANCE_FRACTION[bout.activity]
    n = int(np.ceil(bout.duration_s / step)) + 6
    # independent steps: a stride (two steps) then varies with the requested coefficient
    steps = step * (1.0 + np.sqrt(2.0) * stride_time_cv * rng.standard_normal(n))
    steps = np.clip(steps, 0.8 * step, 1.2 * step)
    steps *= step / steps.mean()
    contacts = contact * (1.0 + contact_time_cv * rng.standard_normal(n + 1))
    if contact_follows_step and bout.activity == "walking":
        own = np.sqrt(max(contact_time_cv**2 - 2.0 * stride_time_cv**2, 0.0)) / contact_time_cv
        contacts = contact * np.append(steps, step) / step * (1.0 + own * (contacts / contact - 1.0))
    contacts = np.clip(contacts, 0.85 * contact, 1.15 * contact)
    if bout.activity == "running":
        contacts = np.minimum(contacts, MAX_RUNNING_CONTACT_OF_STEP * np.append(steps, step))
    ic = start_s - pose * contacts[0] + np.concatenate([[0.0], np.cumsum(steps)])
    to = ic + contacts
    lead = np.arange(n + 1) % 2 == 0
    end_s = start_s + bout.duration_s
    pose_times = ic + pose * contacts
    candidates = np.flatnonzero(lead & (pose_times <= end_s - 0.02) & (pose_times > start_s))
    gait_end = float(pose_times[candidates[-1]]) if candidates.size else start_s
    in_bout = (ic >= start_s) & (to <= gait_end)
    stops = lead & (ic >= start_s) & (ic <= gait_end) & (to > gait_end)
    impact_scale = np.clip(1.0 + IMPACT_CV * rng.standard_normal(n + 1), 0.7, 1.3)
    return StanceSequence(
        ic_s=ic,
        to_s=to,
        lead=lead,
        in_bout=in_bout,
        stops=stops,
        gait_start_s=start_s,
        gait_end_s=gait_end,
        pose_fraction=pose,
        impact_scale=impact_scale,
        timing=timing,
    )
