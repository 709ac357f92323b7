"""Run direction per step (forward / backward) with a calibrated-ish confidence.

Each cue is a physical quantity measured per contact and turned into evidence, a log-odds of
"forward" (value / scale, clipped): positive says forward, zero says nothing. Cues that read the
anterior axis (x) flip with it; "frame-free" cues do not. Evidence is summed per step and smoothed
along the step sequence by a two-state hidden Markov model (direction rarely changes between two
steps; it may change freely across a pause), whose posterior is the confidence. See
docs/direction_footstrike.md for the physics, scales and validation.

Cues (log-odds = value / scale, each clipped to +-``max_cue_log_odds``; every scale, cap and window is a
field of :class:`~retrogait.analysis.settings.DirectionSettings`):

=========================  ==========================  ===============================  ========
cue                        placements                  forward                          scale
=========================  ==========================  ===============================  ========
rotation_moment_deg        foot (gyro)                 positive (after flat foot the    3 deg
                                                       toes go down first: push-off;
                                                       then the swing brings them up)
swing_peak_log_ratio       shank (gyro)                positive (the fastest rotation   0.15
                                                       is the distal end swinging
                                                       forward, omega_y < 0)
stride_dx_m                foot (gyro, ZUPT)           positive                         0.10 m
landing_impulse_ms         foot (no gyro)              negative (the ground stops a     0.25 m/s
                                                       foot moving forward; to rest)
early_stance_ax_ms2        lower back (with toe-offs)  negative (braking in the first   1 m/s^2
                                                       30 % of a typical stance)
braking_contrast_ms2       lower back (no toe-offs)    negative (first half of the      1 m/s^2
                                                       step brakes, second propels)
landing_asymmetry          lower back, running         negative (hard landing, soft     0.15
                           (frame-free)                take-off; capped at 1 per step)
pitch_asymmetry_log_ratio  foot, shank (gyro; facing)  positive in both directions:     anatomy_
                                                       anatomy, decides the facing      scale_...
strike_consistency         foot (gyro; facing)         positive in both directions:     capped sum
                                                       sharp landings have toes up      (strike_...)
=========================  ==========================  ===============================  ========
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.preprocess import still_mask
from retrogait.analysis.settings import DirectionSettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.stepwindows import (
    FloatArray,
    IntArray,
    next_same_side,
    previous_same_side,
    window_matrix,
    window_max,
    window_mean,
    window_sum,
)
from retrogait.analysis.transient import LandingTransients
from retrogait.analysis.zupt import (
    contact_to_rest_rotation_deg,
    moving_average,
    rest_indices,
    stride_displacement_m,
    stride_pitch_extremes_deg,
    stride_rotation_moment_deg,
)

DIRECTION_COLUMNS = ("direction", "direction_confidence")


def step_directions(
    signals: BodySignals,
    contacts: Contacts,
    settings: DirectionSettings | None = None,
    *,
    cues: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Direction per contact: columns ``direction`` (forward|backward|unknown) and
    ``direction_confidence`` (0..1, the posterior probability of the reported direction; 0.5 when
    there is no evidence). One row per contact, in the order of ``contacts``. ``cues``
    (:func:`direction_cues`) are computed here unless given; settings default to the placement's preset."""
    settings = settings or preset(signals.placement).direction
    m = len(contacts)
    if m == 0:
        return pd.DataFrame(
            {"direction": pd.Series([], dtype=object), "direction_confidence": pd.Series([], dtype=float)}
        )
    if cues is None:
        cues = direction_cues(signals, contacts, settings)
    separated = standing_between(signals, contacts, settings)
    p_forward = forward_probability(cues, contacts, signals.t_s, signals.anterior_sign_known, settings, separated)
    confidence = np.maximum(p_forward, 1.0 - p_forward)
    label = np.where(p_forward >= 0.5, "forward", "backward")
    label = np.where(confidence < settings.unknown_below_confidence, "unknown", label)
    return pd.DataFrame({"direction": label.astype(object), "direction_confidence": confidence})


def standing_between(
    signals: BodySignals, contacts: Contacts, settings: DirectionSettings | None = None
) -> NDArray[np.bool_]:
    """(m - 1,) True where the wearer stood still for ``standing_s`` (s; std of |acc| below
    ``standing_std_ms2``) between two consecutive contacts.

    A step borrows its direction from its neighbours through the Markov chain. Within gait a turn
    is rare between any two steps; standing is where a wearer turns round. So the landing a runner
    stops on belongs to the bout it ends, the first landing after standing to the bout it starts,
    and a direction change between two bouts is placed at the standing, not inside a stride."""
    settings = settings or preset(signals.placement).direction
    ic = np.clip(contacts.ic_idx.astype(np.int64), 0, signals.n_samples - 1)
    if ic.size < 2:
        return np.zeros(max(ic.size - 1, 0), dtype=bool)
    still = still_mask(signals.acc_ms2, signals.fs_hz, settings.standing_s, settings.standing_std_ms2) & ~signals.gap
    count = np.concatenate([[0], np.cumsum(still)])
    return np.asarray(count[ic[1:]] - count[ic[:-1]] > 0)


# --------------------------------------------------------------------------------------------- cues


def direction_cues(
    signals: BodySignals,
    contacts: Contacts,
    settings: DirectionSettings | None = None,
    transients: LandingTransients | None = None,
) -> pd.DataFrame:
    """Every direction cue that the placement and sensors allow, one row per contact (NaN where
    a cue cannot be measured), plus the summed evidence columns ``x_log_odds`` (cues that read the
    anterior axis) and ``free_log_odds`` (frame-free cues), both positive for forward.

    ``transients`` (the landings' impact transients, foot strike consistency) are measured here unless
    given; settings default to the placement's preset."""
    settings = settings or preset(signals.placement).direction
    m = len(contacts)
    cues: dict[str, FloatArray] = {}
    evidence_x: list[FloatArray] = []
    evidence_free: list[FloatArray] = []
    if signals.placement in ("foot", "shank"):
        transients = transients or LandingTransients(signals, contacts)
        _limb_cues(signals, contacts, settings, transients, cues, evidence_x)
    elif signals.placement == "lower_back":
        _trunk_cues(signals, contacts, settings, cues, evidence_x, evidence_free)
    if signals.anterior_source == "none":  # no horizontal axis was found: x cues are noise
        evidence_x = []
    out = pd.DataFrame(cues, index=pd.RangeIndex(m))
    out["x_log_odds"] = _sum_evidence(evidence_x, m)
    out["free_log_odds"] = _sum_evidence(evidence_free, m)
    return out


def _limb_cues(
    signals: BodySignals,
    contacts: Contacts,
    s: DirectionSettings,
    transients: LandingTransients,
    cues: dict[str, FloatArray],
    evidence_x: list[FloatArray],
) -> None:
    """Foot and shank cues (into ``cues``) and their axis-reading evidence (into ``evidence_x``)."""
    ic = contacts.ic_idx.astype(np.int64)
    fs = signals.fs_hz
    prev = previous_same_side(contacts.side, True)
    nxt = next_same_side(contacts.side, True)
    if signals.gyr_dps is None:
        if signals.placement == "foot":
            impulse = _landing_impulse(signals, ic, rest_indices(signals.acc_ms2, None, fs, ic))
            cues["landing_impulse_ms"] = impulse
            evidence_x.append(_log_odds(-impulse, s.landing_impulse_scale_ms, s.max_cue_log_odds))
        return  # a shank without gyroscope has no direction cue that survives its unknown tilt (see docs)
    # rest to rest: event-free, so an imprecise contact or toe-off time cannot flip a cue
    rest = rest_indices(signals.acc_ms2, signals.gyr_dps, fs, ic)
    pause = _after_pause(ic, prev, nxt, s.pause_stride_ratio)
    window = _stride_window(ic, prev, nxt, pause)
    if signals.placement == "shank":
        cues["swing_peak_log_ratio"] = _swing_peak_log_ratio(signals, *window, s)
        evidence_x.append(_log_odds(cues["swing_peak_log_ratio"], s.swing_peak_scale_log_ratio, s.max_cue_log_odds))
        cues["pitch_asymmetry_log_ratio"] = _shank_pitch_asymmetry(signals, *window, s)
        return
    moment = stride_rotation_moment_deg(signals.acc_ms2, signals.gyr_dps, fs, rest, s.max_stride_s)
    cues["rotation_moment_deg"] = _into_or_next(_into(moment, prev), pause, nxt)
    evidence_x.append(_log_odds(cues["rotation_moment_deg"], s.rotation_moment_scale_deg, s.max_cue_log_odds))
    dx, _ = stride_displacement_m(signals.acc_ms2, signals.gyr_dps, fs, rest, s.max_stride_s)
    cues["stride_dx_m"] = _into_or_next(_into(dx, prev), pause, nxt)
    evidence_x.append(_log_odds(cues["stride_dx_m"], s.stride_dx_scale_m, s.max_cue_log_odds))
    cues["pitch_asymmetry_log_ratio"] = _pitch_asymmetry_per_contact(signals, rest, prev, s)
    cues["strike_consistency"] = _strike_consistency(signals, contacts, s, transients.width_ms)


def _trunk_cues(
    signals: BodySignals,
    contacts: Contacts,
    s: DirectionSettings,
    cues: dict[str, FloatArray],
    evidence_x: list[FloatArray],
    evidence_free: list[FloatArray],
) -> None:
    """Lower-back cues (into ``cues``) and their evidence (axis-reading and frame-free)."""
    ic = contacts.ic_idx.astype(np.int64)
    to = contacts.to_idx.astype(np.int64)
    prev = previous_same_side(contacts.side, False)
    nxt = next_same_side(contacts.side, False)
    stride = _stride_samples(ic, prev, nxt, signals.fs_hz, s.max_stride_s)
    has_to = (to > ic) & (to - ic < 0.9 * np.where(np.isfinite(stride), stride, np.inf))
    walking = np.ones(ic.shape[0], dtype=bool)
    if _running_contacts(ic, to, has_to):
        # a contact whose toe-off could not be found in a running session (typically cut by the
        # recording's start or end) has no trustworthy initial contact either: no evidence
        early = _early_stance_braking(signals, ic, has_to, to, s)
        cues["early_stance_ax_ms2"] = np.where(has_to, early, np.nan)
        evidence_x.append(_log_odds(-cues["early_stance_ax_ms2"], s.early_stance_scale_ms2, s.max_cue_log_odds))
        # the landing/take-off asymmetry is a running result (Cavagna et al. 2011)
        cues["landing_asymmetry"] = _landing_asymmetry(signals, ic, to, has_to, s)
        evidence_free.append(
            _log_odds(-cues["landing_asymmetry"], s.landing_asymmetry_scale_fraction, s.max_frame_free_log_odds)
        )
        walking = walking_stretch(has_to)
    if walking.any():  # walking, or the walking stretches of a session that also runs
        cues["braking_contrast_ms2"] = np.where(walking, _braking_contrast(signals, ic, s), np.nan)
        evidence_x.append(_log_odds(-cues["braking_contrast_ms2"], s.braking_contrast_scale_ms2, s.max_cue_log_odds))


def _stride_samples(ic: IntArray, prev: IntArray, nxt: IntArray, fs: float, max_stride_s: float) -> FloatArray:
    """Same-leg stride length (samples) around each contact: to the previous same-leg contact,
    else to the next one; NaN when neither exists or it is longer than ``max_stride_s``."""
    before = np.where(prev >= 0, ic - ic[np.maximum(prev, 0)], -1).astype(np.float64)
    after = np.where(nxt >= 0, ic[np.maximum(nxt, 0)] - ic, -1).astype(np.float64)
    stride = np.where(before > 0, before, after)
    return np.where((stride > 0) & (stride <= max_stride_s * fs), stride, np.nan)


def _after_pause(ic: IntArray, prev: IntArray, nxt: IntArray, ratio: float) -> NDArray[np.bool_]:
    """Contacts whose same-leg stride before is a pause or a gait start rather than a stride: more
    than ``ratio`` times the stride after (or no stride before at all)."""
    before = np.where(prev >= 0, ic - ic[np.maximum(prev, 0)], np.iinfo(np.int64).max // 4)
    after = np.where(nxt >= 0, ic[np.maximum(nxt, 0)] - ic, -1)
    return (after > 0) & (before > ratio * after)


def _into_or_next(into: FloatArray, after_pause: NDArray[np.bool_], nxt: IntArray) -> FloatArray:
    """A stride cue of the stride landing on each contact, or -- for the first contact after a
    pause, or when it is missing -- that of the stride leaving it (the next contact's)."""
    following = np.where(nxt >= 0, into[np.maximum(nxt, 0)], np.nan)
    use_next = (after_pause | ~np.isfinite(into)) & np.isfinite(following)
    return np.where(use_next, following, into)


def _stride_window(ic: IntArray, prev: IntArray, nxt: IntArray, pause: NDArray[np.bool_]) -> tuple[IntArray, IntArray]:
    """[start, stop) of the same-leg stride landing on each contact (previous contact to this one),
    or of the stride leaving it when there is none or the one before was a pause."""
    has_prev = (prev >= 0) & ~pause
    start = np.where(has_prev, ic[np.maximum(prev, 0)], ic)
    stop = np.where(has_prev, ic, np.where(nxt >= 0, ic[np.maximum(nxt, 0)], ic))
    return start, stop


def _swing_peak_log_ratio(signals: BodySignals, start: IntArray, stop: IntArray, s: DirectionSettings) -> FloatArray:
    """ln(|most negative omega_y| / most positive omega_y) over each contact-to-contact stride of a
    shank (20 ms smoothed). The fastest rotation of the stride is the swing bringing the distal
    end forward in forward gait (omega_y < 0: positive value) and backward in backward gait.
    Anchor-free: any window of one stride will do, so contact timing errors do not matter."""
    assert signals.gyr_dps is not None
    fs = signals.fs_hz
    omega = moving_average(signals.gyr_dps[:, 1], round(0.02 * fs))
    high = window_max(omega, start, stop, max_len=round(s.max_stride_s * fs))
    low = -window_max(-omega, start, stop, max_len=round(s.max_stride_s * fs))
    floor = s.swing_floor_dps  # below it there is no swing to speak of
    with np.errstate(invalid="ignore"):
        ratio = np.log((np.maximum(-low, 0.0) + floor) / (np.maximum(high, 0.0) + floor))
    return np.where((stop > start) & (stop - start <= s.max_stride_s * fs), ratio, np.nan)


def _shank_pitch_asymmetry(signals: BodySignals, start: IntArray, stop: IntArray, s: DirectionSettings) -> FloatArray:
    """The shank's pitch range asymmetry over each contact-to-contact stride: the gyro integral,
    made periodic (linear drift removed) and centred on its stride mean, then
    ln((largest top-forward + floor) / (largest top-back + floor)), floor = ``pitch_floor_deg``. The knee
    flexes one way, so the heel kick tips the shank top-forward further than the swing tips it back, in
    both directions.
    Anchor-free like the swing peak ratio (a shank is never still, so it has no rest to anchor to)."""
    assert signals.gyr_dps is not None
    fs = signals.fs_hz
    cum = np.concatenate([[0.0], np.cumsum(signals.gyr_dps[:, 1]) / fs])
    stop = np.where(stop - start <= s.max_stride_s * fs, stop, start)
    vals, mask = window_matrix(cum, start, stop + 1, max_len=round(s.max_stride_s * fs) + 1)
    n_valid = mask.sum(axis=1)
    last = np.take_along_axis(vals, np.maximum(n_valid - 1, 0)[:, None], axis=1)[:, 0]
    frac = np.arange(vals.shape[1])[None, :] / np.maximum(n_valid - 1, 1)[:, None]
    pitch = vals - vals[:, :1] - (last - vals[:, 0])[:, None] * frac
    pitch = np.where(mask, pitch, np.nan)
    ok = (n_valid > 3) & (stop > start)
    out = np.full(start.shape[0], np.nan)
    if ok.any():
        centred = pitch[ok] - np.nanmean(pitch[ok], axis=1)[:, None]
        high = np.nanmax(centred, axis=1)
        low = np.nanmin(centred, axis=1)
        out[ok] = np.log((np.maximum(high, 0.0) + s.pitch_floor_deg) / (np.maximum(-low, 0.0) + s.pitch_floor_deg))
    return out


def _strike_consistency(
    signals: BodySignals, contacts: Contacts, s: DirectionSettings, width_ms: FloatArray
) -> FloatArray:
    """Facing check for a foot (frame-free in effect): a heel landing is sharp (impact transient
    narrower than ~12 ms), a toe landing soft (wider than ~20 ms), whichever way the foot travels;
    and a heel landing has the toes up. So sharpness x sign of the measured strike angle is
    positive when the frame's +x is the toes' side. Per contact in [-1, 1]; NaN when unmeasured.
    ``width_ms`` (m,): the landings' impact-transient width (transient.LandingTransients)."""
    assert signals.gyr_dps is not None
    angle = contact_to_rest_rotation_deg(signals.acc_ms2, signals.gyr_dps, signals.fs_hz, contacts.ic_idx)
    heel = np.clip((s.strike_sharp_ms - width_ms) / s.strike_width_scale_ms, -1.0, 1.0)
    return heel * np.tanh(angle / s.strike_angle_scale_deg)


def _into(pairs: FloatArray, prev: IntArray) -> FloatArray:
    """Per contact, the value of the rest-to-rest stride that ends in its stance (the stride that
    lands on it); NaN for a first contact. ``pairs`` has one value per consecutive rest pair."""
    m = prev.shape[0]
    out = np.full(m, np.nan)
    if m > 1:
        out[1:] = np.where(prev[1:] == np.arange(1, m) - 1, pairs, np.nan)
    return out


def _pitch_asymmetry_per_contact(
    signals: BodySignals, rest: IntArray, prev: IntArray, s: DirectionSettings
) -> FloatArray:
    """ln((largest front-down pitch + floor) / (largest front-up pitch + floor)) over the stride
    landing on each contact. Anatomy, not direction: the ankle plantarflexes (toes down, ~60-70 deg
    at push-off) far more than it dorsiflexes (~20-25 deg), and the knee flexes only one way, so the
    shank tips top-forward (heel kick) more than top-back -- in forward and in backward gait alike
    (backward kinematics are close to forward ones time-reversed, which keeps the angle range). A
    positive value says the frame's +x is the toes' side; it only decides the facing."""
    assert signals.gyr_dps is not None
    high, low = stride_pitch_extremes_deg(
        signals.acc_ms2,
        signals.gyr_dps,
        signals.fs_hz,
        rest,
        s.max_stride_s,
        relative_to_rest=signals.placement == "foot",
    )
    floor = s.pitch_floor_deg
    with np.errstate(invalid="ignore"):
        ratio = np.log((np.maximum(high, 0.0) + floor) / (np.maximum(-low, 0.0) + floor))
    return _into(ratio, prev)


def _landing_impulse(signals: BodySignals, ic: IntArray, rest: IntArray) -> FloatArray:
    """Velocity change (m/s) along x from 20 ms before initial contact until the foot is flat and
    still (its rest): the ground stops a foot that arrives moving in the direction of travel
    (forward: negative). Ending at rest, not at a fixed time, takes in the heel drop after a
    forefoot landing (which swings the sensor the other way first). The foot is within ~20 deg of
    flat meanwhile, so gravity leaks at most ~0.1-0.3 m/s into it."""
    fs = signals.fs_hz
    fx = signals.acc_ms2[:, 0]
    start = ic - round(0.02 * fs)
    stop = np.where(rest > ic, rest, ic + round(0.06 * fs))
    # f_x of the flat, still foot is the frame's own tilt: not an acceleration
    half = round(0.02 * fs)
    baseline = np.where(rest > ic, window_mean(fx, rest - half, rest + half + 1), 0.0)
    impulse = window_sum(fx, start, stop) / fs - baseline * (stop - start) / fs
    return np.where((start >= 0) & (stop <= fx.shape[0]), impulse, np.nan)


def _trunk_anterior(signals: BodySignals, s: DirectionSettings) -> FloatArray:
    """Anterior acceleration (m/s^2) minus its moving mean over ``tilt_window_s``: over whole strides
    the mean horizontal acceleration is zero, so what the mean removes is the sensor's tilt (gravity)."""
    ax = signals.acc_ms2[:, 0]
    return ax - moving_average(ax, round(s.tilt_window_s * signals.fs_hz))


def walking_stretch(has_to: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Lower-back contacts inside walking: no toe-off (no flight after the stance) and none at
    either neighbour. A lone contact without toe-off between running steps is a running step whose
    flight was cut (recording edge, gap), not walking."""
    no_to = ~has_to
    before = np.concatenate([no_to[:1], no_to[:-1]])
    after = np.concatenate([no_to[1:], no_to[-1:]])
    return np.asarray(no_to & before & after, dtype=bool)


def _running_contacts(ic: IntArray, to: IntArray, has_to: NDArray[np.bool_]) -> bool:
    """Contacts of running: most have a toe-off and the median contact time is shorter than the
    median interval between contacts (a flight phase)."""
    if ic.shape[0] < 2 or has_to.sum() < 0.5 * ic.shape[0]:
        return False
    return bool(np.median(to[has_to] - ic[has_to]) < np.median(np.diff(ic)))


def _early_stance_braking(
    signals: BodySignals, ic: IntArray, has_to: NDArray[np.bool_], to: IntArray, s: DirectionSettings
) -> FloatArray:
    """Mean anterior acceleration (m/s^2) over the first ``early_stance_fraction`` of a typical
    contact time after each initial contact: the braking phase of forward running (negative);
    backward running is propelled there (positive). Only the initial contact and the median contact
    time are used, so a late or early toe-off of one step cannot move the window."""
    ax = _trunk_anterior(signals, s)
    contact = int(np.median(to[has_to] - ic[has_to]))
    stop = ic + max(round(s.early_stance_fraction * contact), 2)
    ok = (ic >= 0) & (stop <= ax.shape[0])
    return np.where(ok, window_mean(ax, ic, stop), np.nan)


def _braking_contrast(signals: BodySignals, ic: IntArray, s: DirectionSettings) -> FloatArray:
    """Walking (no toe-off): anterior acceleration averaged over the first half of the step (from
    this contact to the next of either leg) minus the second half. Forward walking brakes from
    contact to mid single support and is propelled after it (negative); backward the reverse."""
    fs = signals.fs_hz
    ax = _trunk_anterior(signals, s)
    m = ic.shape[0]
    next_any = np.full(m, -1, dtype=np.int64)
    next_any[:-1] = ic[1:]
    step_ok = (next_any > ic) & (next_any - ic <= 0.5 * s.max_stride_s * fs)
    # the last step of a bout: a typical step's length
    typical = int(np.median(next_any[step_ok] - ic[step_ok])) if step_ok.any() else 0
    stop = np.where(step_ok, next_any, ic + typical)
    # a step cut off by the end of the recording would show braking without its propulsion
    ok = (step_ok | (typical > 0)) & (ic >= 0) & (stop <= ax.shape[0])
    mid = (ic + stop) // 2
    contrast = window_mean(ax, ic, mid) - window_mean(ax, mid, stop)
    return np.where(ok, contrast, np.nan)


def _vertical_load(signals: BodySignals, s: DirectionSettings) -> FloatArray:
    """Vertical acceleration (m/s^2) minus its moving mean over ``tilt_window_s``: gravity and any
    calibration offset go, since the mean vertical acceleration over whole strides is zero."""
    z = signals.acc_ms2[:, 2]
    return z - moving_average(z, round(s.tilt_window_s * signals.fs_hz))


def _landing_asymmetry(
    signals: BodySignals, ic: IntArray, to: IntArray, has_to: NDArray[np.bool_], s: DirectionSettings
) -> FloatArray:
    """Centroid in time of the vertical load above 1 g within stance, as a fraction of stance,
    minus 0.5. Forward running lands hard and takes off soft (load early, negative); backward
    running lands soft and takes off hard (Cavagna et al. 2011). Needs toe-off; NaN otherwise."""
    load = np.clip(_vertical_load(signals, s), 0.0, None)
    n = load.shape[0]
    idx = np.arange(n, dtype=np.float64)
    mass = window_sum(load, ic, to)
    moment = window_sum(load * idx, ic, to)
    centroid = (moment / np.where(mass > 0, mass, np.nan) - ic) / np.maximum(to - ic, 1)
    return np.where(has_to & (to <= n), centroid - 0.5, np.nan)


# ------------------------------------------------------------------------------------ evidence


def _log_odds(value: FloatArray, scale: float, cap: float) -> FloatArray:
    """value / scale clipped to +-cap; NaN stays NaN (no evidence)."""
    return np.clip(value / scale, -cap, cap)


def _sum_evidence(parts: list[FloatArray], m: int) -> FloatArray:
    if not parts:
        return np.zeros(m)
    stacked = np.vstack(parts)
    return np.nansum(stacked, axis=0)


def forward_probability(
    cues: pd.DataFrame,
    contacts: Contacts,
    t_s: FloatArray,
    anterior_sign_known: bool,
    settings: DirectionSettings = DirectionSettings(),
    separated: NDArray[np.bool_] | None = None,
) -> FloatArray:
    """Posterior probability of forward per contact from the summed evidence and the step sequence.

    With a known anterior sign both kinds of evidence are summed and smoothed. Without it the
    axis-reading evidence only tells direction relative to the unknown facing; the facing itself
    is decided once for the whole session by how the frame-free evidence correlates with it
    (``P(facing = +x) = sigmoid(sum_i free_i * tanh(x_i))``), and each step mixes the two cases.
    ``separated`` (m - 1,) marks consecutive contacts with standing between them (standing_between).
    """
    x = cues["x_log_odds"].to_numpy(dtype=np.float64)
    free = cues["free_log_odds"].to_numpy(dtype=np.float64)
    ic_time = t_s[np.clip(contacts.ic_idx, 0, t_s.shape[0] - 1)]
    if anterior_sign_known:
        return _sigmoid(smooth_log_odds(x + free, ic_time, settings, separated=separated))
    if not np.any(x != 0):  # no axis evidence at all: frame-free cues alone, smoothed
        return _sigmoid(smooth_log_odds(free, ic_time, settings, separated=separated))
    relative = _sigmoid(smooth_log_odds(x, ic_time, settings, separated=separated))  # P(toward the sensor's +x)
    p_facing = facing_probability_from_cues(cues, settings)
    return p_facing * relative + (1.0 - p_facing) * (1.0 - relative)


def facing_probability_from_cues(cues: pd.DataFrame, settings: DirectionSettings = DirectionSettings()) -> float:
    """P(the sensor's +x axis is the wearer's anterior) from frame-free evidence.

    Two sources, both systematic (so they are capped, not allowed to grow without bound with the
    number of steps): how each step's frame-free evidence agrees with its axis-reading evidence,
    ``sum_i free_i * tanh(x_i)``; and, with a gyroscope on the leg, the anatomical pitch asymmetry
    (median over strides; the shank's is firm, the foot's less so in backward walking: the scale and
    cap of ``settings``, which the shank preset sets firmer)."""
    x = cues["x_log_odds"].to_numpy(dtype=np.float64)
    free = cues["free_log_odds"].to_numpy(dtype=np.float64)
    cap = settings.max_facing_log_odds
    facing = float(np.clip(np.sum(free * np.tanh(x)), -cap, cap))
    if "pitch_asymmetry_log_ratio" in cues:
        ratio = cues["pitch_asymmetry_log_ratio"].to_numpy(dtype=np.float64)
        ratio = ratio[np.isfinite(ratio)]
        if ratio.size:
            anatomy_cap = settings.anatomy_cap_log_odds
            facing += float(np.clip(np.median(ratio) / settings.anatomy_scale_log_ratio, -anatomy_cap, anatomy_cap))
    if "strike_consistency" in cues:
        strike = cues["strike_consistency"].to_numpy(dtype=np.float64)
        strike_cap = settings.strike_facing_cap_log_odds
        facing += float(np.clip(np.nansum(strike), -strike_cap, strike_cap))
    facing = float(np.clip(facing, -cap, cap))
    return float(_sigmoid(np.array([facing]))[0])


def facing_probability(
    signals: BodySignals,
    contacts: Contacts,
    settings: DirectionSettings | None = None,
    *,
    cues: pd.DataFrame | None = None,
) -> float:
    """P(the body frame's +x is where the wearer faces): 1 when the anterior sign is known,
    otherwise decided from frame-free cues over the whole session (0.5 = undecided). ``cues``
    (:func:`direction_cues`) are computed here unless given; settings default to the placement's preset."""
    if signals.anterior_sign_known:
        return 1.0
    if len(contacts) == 0:
        return 0.5
    settings = settings or preset(signals.placement).direction
    if cues is None:
        cues = direction_cues(signals, contacts, settings)
    return facing_probability_from_cues(cues, settings)


def smooth_log_odds(
    log_odds: FloatArray,
    ic_time_s: FloatArray,
    settings: DirectionSettings = DirectionSettings(),
    separated: NDArray[np.bool_] | None = None,
) -> FloatArray:
    """Posterior log-odds of a two-state Markov chain (forward/backward) given per-step evidence.

    Forward-backward recursion in the log-odds domain: the prediction through a symmetric switch
    probability p (``switch_probability``) maps log-odds f to ln(((1-p) e^f + p) / (p e^f + 1-p)).
    Across a pause (longer than ``pause_s`` or than ``pause_median_intervals`` median intervals between
    contacts) the chain forgets (p = 0.5); between contacts marked ``separated`` (m - 1,: standing still
    between them) the direction changes with ``standing_switch_probability``. One O(1) scalar update per step.
    """
    m = log_odds.shape[0]
    if m == 0:
        return log_odds.astype(np.float64)
    gaps = np.diff(ic_time_s)
    # a pause: longer than pause_s, or than pause_median_intervals times the usual interval between contacts
    pause_s, switch = settings.pause_s, settings.switch_probability
    limit = min(pause_s, settings.pause_median_intervals * float(np.median(gaps))) if gaps.size else pause_s
    p = np.full(gaps.shape, switch)
    if separated is not None:
        p[separated] = max(settings.standing_switch_probability, switch)
    p[gaps > limit] = 0.5
    ev = np.nan_to_num(log_odds.astype(np.float64)).tolist()
    pl = p.tolist()
    fwd = [0.0] * m
    bwd = [0.0] * m
    acc = ev[0]
    fwd[0] = acc
    for i in range(1, m):
        acc = _predict(acc, pl[i - 1]) + ev[i]
        fwd[i] = acc
    acc = 0.0
    for i in range(m - 2, -1, -1):
        acc = _predict(acc + ev[i + 1], pl[i])
        bwd[i] = acc
    return np.asarray(fwd) + np.asarray(bwd)


def _predict(f: float, p: float) -> float:
    """Log-odds after one Markov step with switch probability p (numerically safe for large |f|)."""
    if p >= 0.5:
        return 0.0
    q = 1.0 - p
    if f > 0:
        e = math.exp(-f)
        return math.log((q + p * e) / (p + q * e))
    e = math.exp(f)
    return math.log((q * e + p) / (p * e + q))


def _sigmoid(z: FloatArray) -> FloatArray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))
