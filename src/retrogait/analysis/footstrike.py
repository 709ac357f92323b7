"""Foot strike per step: rearfoot / midfoot / forefoot.

Foot IMU with gyroscope: the foot-strike angle (FSA, deg, positive toes up) is the sagittal angle of
the sole at initial contact relative to the same foot flat on the ground later in that stance. It is
the gyroscope integral from initial contact to the stance's rest (flat-foot) point -- a rotation of
0.1-0.3 s, so gyro drift is negligible and no absolute orientation is needed; on a slope the flat
foot is the reference, which is what a foot-strike angle means. Classes follow Mo et al. (Sports
Biomech 2021): rearfoot > 7.4 deg, forefoot < -0.8 deg, midfoot between.

Accelerometer only (shank axial, lower-back/sacral vertical, or a foot without gyroscope): a heel
strike is a collision of the heel pad -- an impact transient, a sharp peak in the first 20 % of
stance riding above the smooth loading curve (Cavanagh & Lafortune 1980; Lieberman et al. 2010). A
midfoot landing shows a smaller, slower one, a forefoot landing little or none (the ankle yields
first). Lower back: whether a heel-strike shock reaches the trunk (trunk_strike.py): rearfoot with a
shock; without one midfoot or forefoot, which the trunk cannot tell apart, so the label is the likelier
one in that direction at a confidence that is never high; unknown between. Shank and foot sit close to
the collision, where every landing leaves a transient, so its duration decides: narrower than 14 ms
rearfoot, wider than 22 ms (or no transient) forefoot. Walking steps (double support) and rates
below 200 Hz are "unknown"; so are lower-back contacts without a flight phase after them (no
toe-off: walking, where the transient classes are undefined). ``foot_strike_confidence`` (0..1) is the
probability of the label: foot + gyro from the angle's margin to the nearest class limit over the
angle's measurement error, lower back from the shock evidence; NaN for the other methods and for
``unknown``. Agreement with labels: docs/direction_footstrike.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.direction import facing_probability, step_directions
from retrogait.analysis.settings import FootStrikeSettings, TrunkStrikeSettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.stepwindows import (
    FloatArray,
    next_same_side,
)
from retrogait.analysis.transient import LandingTransients
from retrogait.analysis.trunk_strike import (
    HabitEvidence,
    habit_evidence,
    habitual_shock_ratio,
    landing_shock_ratio,
    sacral_strikes,
)
from retrogait.analysis.zupt import contact_to_rest_rotation_deg
from retrogait.dsp import ndtr
from retrogait.rate import meets_rate

FOOT_STRIKE_COLUMNS = ("foot_strike", "foot_strike_angle_deg", "foot_strike_confidence")


def step_foot_strikes(
    signals: BodySignals,
    contacts: Contacts,
    settings: FootStrikeSettings | None = None,
    *,
    facing: float | FloatArray | None = None,
    transient_classes: NDArray[np.object_] | None = None,
    direction: NDArray[np.object_] | None = None,
    shock_ratio: FloatArray | None = None,
    trunk_settings: TrunkStrikeSettings | None = None,
    habit: HabitEvidence | None = None,
) -> pd.DataFrame:
    """Foot strike per contact: columns FOOT_STRIKE_COLUMNS: ``foot_strike`` (rearfoot|midfoot|forefoot|
    unknown), ``foot_strike_angle_deg`` (deg, positive toes up; NaN unless a foot IMU with gyroscope) and
    ``foot_strike_confidence`` (probability of the label, NaN where not estimated).

    ``facing`` (P(+x anterior), direction.facing_probability; or one per contact, where the facing reverses
    across standing: direction.facing_reversal, MOUNT-1), ``transient_classes``
    (:func:`transient_strike_classes`), the lower back's ``direction`` per contact
    (direction.step_directions) and habitual ``shock_ratio`` (trunk_strike) are computed here when not
    given; the pipeline passes the ones it computed once. Settings default to the placement's preset.
    """
    settings = settings or preset(signals.placement).foot_strike
    m = len(contacts)
    angle = np.full(m, np.nan)
    label = np.full(m, "unknown", dtype=object)
    confidence = np.full(m, np.nan)
    if m == 0:
        return pd.DataFrame(
            {
                "foot_strike": pd.Series([], dtype=object),
                "foot_strike_angle_deg": angle,
                "foot_strike_confidence": angle,
            }
        )
    if signals.placement == "foot" and signals.gyr_dps is not None:
        p = facing_probability(signals, contacts) if facing is None else facing
        angle = foot_strike_angle_deg(signals, contacts) * _facing_sign(p, settings)
        label = classify_angle(angle, settings)
        confidence = angle_confidence(angle, settings, sampling_angle_error_deg(signals, contacts))
    elif signals.placement == "lower_back":
        trunk_settings = trunk_settings or preset(signals.placement).trunk_strike
        if shock_ratio is None:  # one bout: the habit runs over all contacts
            one_bout = np.zeros(m, dtype=np.int64)
            own = landing_shock_ratio(signals, contacts, trunk_settings)
            shock_ratio = habitual_shock_ratio(own, one_bout, trunk_settings)
            habit = habit_evidence(own, one_bout, trunk_settings)
        if direction is None:
            direction = step_directions(signals, contacts)["direction"].to_numpy(dtype=object)
        label, confidence = sacral_strikes(shock_ratio, direction, contacts.to_idx < 0, trunk_settings, habit)
    else:
        if transient_classes is None:
            transient_classes = transient_strike_classes(signals, LandingTransients(signals, contacts), settings)
        if transient_classes is not None:
            walking = walking_contacts(contacts, signals.placement in ("foot", "shank"))
            label = np.where(walking, "unknown", transient_classes).astype(object)
    return pd.DataFrame({"foot_strike": label, "foot_strike_angle_deg": angle, "foot_strike_confidence": confidence})


def transient_strike_classes(
    signals: BodySignals,
    transients: LandingTransients,
    settings: FootStrikeSettings | None = None,
    shock_ratio: FloatArray | None = None,
) -> NDArray[np.object_] | None:
    """Strike class of every landing from its impact transient, walking or not, whichever way the wearer
    faces: foot and shank from its width and prominence; lower back from the heel-strike shock
    (``shock_ratio``, trunk_strike; computed when not given): rearfoot with one, forefoot (here: any
    landing without a heel shock) without, unknown between. None where the method does not apply (other
    placements, or a rate below ``min_rate_for_transient_hz``)."""
    settings = settings or preset(signals.placement).foot_strike
    if signals.placement not in ("foot", "shank", "lower_back") or not meets_rate(
        signals.fs_hz, settings.min_rate_for_transient_hz
    ):
        return None
    if signals.placement == "lower_back":
        ratio = landing_shock_ratio(signals, transients.contacts) if shock_ratio is None else shock_ratio
        m = len(ratio)
        label, _ = sacral_strikes(ratio, np.full(m, "backward", dtype=object), np.zeros(m, bool))
        return label
    return classify_limb_transient(transients.prominence, transients.width_ms, settings)


def angle_confidence(
    angle_deg: FloatArray, settings: FootStrikeSettings, sampling_error_deg: FloatArray | None = None
) -> FloatArray:
    """Probability that a foot-strike angle's class is right: the normal probability of the angle's
    margin to the nearest class limit over its error (0.5 on a limit, 0.84 one error away); NaN for NaN
    angles. The error is ``angle_error_deg`` and, where given, ``sampling_error_deg`` (per contact, deg)
    added in quadrature (:func:`sampling_angle_error_deg`)."""
    rearfoot, forefoot = settings.rearfoot_above_deg, settings.forefoot_below_deg
    margin = np.where(
        angle_deg > rearfoot,
        angle_deg - rearfoot,
        np.where(angle_deg < forefoot, forefoot - angle_deg, np.minimum(rearfoot - angle_deg, angle_deg - forefoot)),
    )
    error = (
        settings.angle_error_deg
        if sampling_error_deg is None
        else np.hypot(settings.angle_error_deg, sampling_error_deg)
    )
    return ndtr(margin / error)


def sampling_angle_error_deg(signals: BodySignals, contacts: Contacts) -> FloatArray:
    """Foot-strike angle error from the sampling (deg, per contact; RATE-4): the contact lies anywhere
    within half a sample of the sample it is placed on, and the angle is integrated from that sample,
    so it is uncertain by the sagittal rotation over half a sample there, ``|omega_y(IC)| / (2 fs)``
    (taken as one standard error; a uniform half-sample would be 1/sqrt(3) of it: the contacts' own
    scatter also grows at low rates).
    At 200 Hz that is 0.5-1 deg, inside ``angle_error_deg``; at 26 Hz 5-10 deg: a landing's class near a
    limit is then not known with confidence."""
    assert signals.gyr_dps is not None
    ic = np.clip(contacts.ic_idx, 0, signals.n_samples - 1)
    return np.asarray(np.abs(signals.gyr_dps[ic, 1]) / (2.0 * signals.fs_hz), dtype=np.float64)


def foot_strike_angle_deg(signals: BodySignals, contacts: Contacts) -> FloatArray:
    """Sole angle (deg, positive toes up) at each initial contact relative to flat foot in the same
    stance: the integral of omega_y from initial contact to the rest point (positive omega_y brings
    the toes down, so a heel landing integrates to a positive angle)."""
    assert signals.gyr_dps is not None
    return contact_to_rest_rotation_deg(signals.acc_ms2, signals.gyr_dps, signals.fs_hz, contacts.ic_idx)


def _facing_sign(p_facing: float | FloatArray, settings: FootStrikeSettings) -> FloatArray:
    """+1 when the frame's +x is anterior (probability ``p_facing``, one or one per contact), -1 when it is
    posterior, NaN when that is undecided (the angle's sign then means nothing and the strike is reported
    unknown)."""
    p = np.asarray(p_facing, dtype=np.float64)
    decided = settings.facing_decided_probability
    return np.asarray(np.where(p >= decided, 1.0, np.where(p <= 1.0 - decided, -1.0, np.nan)), dtype=np.float64)


def walking_contacts(contacts: Contacts, single_leg: bool) -> NDArray[np.bool_]:
    """Contacts of walking: stance longer than half the same-leg stride (duty factor > 0.5, double
    support), or -- with both legs' contacts -- the next contact landing before this toe-off. The
    accelerometer impact-transient classes are defined for running only; walking gives "unknown".
    Contacts without a toe-off are not called walking."""
    ic = contacts.ic_idx.astype(np.int64)
    to = contacts.to_idx.astype(np.int64)
    has_to = to > ic
    nxt_same = next_same_side(contacts.side, single_leg)
    stride = np.where(nxt_same >= 0, ic[np.maximum(nxt_same, 0)] - ic, 0)
    duty_walk = (stride > 0) & ((to - ic) > 0.5 * stride)
    nxt_any = np.append(ic[1:], np.iinfo(np.int64).max)
    overlap = (not single_leg) & (nxt_any < to)
    return has_to & (duty_walk | overlap)


def classify_angle(angle_deg: FloatArray, settings: FootStrikeSettings = FootStrikeSettings()) -> np.ndarray:
    """Mo et al. (2021) classes from foot-strike angles (deg); NaN gives "unknown"."""
    rearfoot, forefoot = settings.rearfoot_above_deg, settings.forefoot_below_deg
    label = np.where(angle_deg > rearfoot, "rearfoot", np.where(angle_deg < forefoot, "forefoot", "midfoot"))
    return np.where(np.isfinite(angle_deg), label, "unknown").astype(object)


def classify_limb_transient(
    prominence: FloatArray, width_ms: FloatArray, settings: FootStrikeSettings = FootStrikeSettings()
) -> np.ndarray:
    """Strike classes for a shank or foot accelerometer: no transient (prominence below
    ``forefoot_max_prominence_fraction``) or a slow one (wider than ``forefoot_wider_ms``) is a forefoot landing,
    a sharp one (narrower than ``rearfoot_narrower_ms``) a heel landing, midfoot between; NaN gives
    "unknown"."""
    label = np.where(
        (prominence < settings.forefoot_max_prominence_fraction) | (width_ms > settings.forefoot_wider_ms),
        "forefoot",
        np.where(width_ms < settings.rearfoot_narrower_ms, "rearfoot", "midfoot"),
    )
    return np.where(np.isfinite(prominence) & np.isfinite(width_ms), label, "unknown").astype(object)
