"""Travel direction per step (forward / backward / sideways) with a confidence that means something.

Each cue is a physical quantity measured per contact and turned into evidence. Where a placement
measures the horizontal direction of travel -- the strapdown stride vector of a foot or shank with a
gyroscope (stride_vectors.py), the braking vector of a walking trunk -- the evidence is a
log-likelihood of each of the three travel states (+x, -x, lateral; travel.py). Elsewhere a cue is
a log-odds of +x over -x (value / scale, clipped). Cues that read the anterior axis (x) flip with
it; "frame-free" cues do not. The evidence is smoothed along the step sequence by a three-state
hidden Markov model (direction rarely changes between two steps; it may change across standing, and
the chain forgets across a pause or a turn, turns.py); its posterior is the confidence. See
docs/direction_footstrike.md for the physics, scales and validation.

Cues (every scale, cap and window is a field of :class:`~retrogait.analysis.settings.DirectionSettings`):

=========================  ==========================  ===============================  ========
cue                        placements                  forward                          scale
=========================  ==========================  ===============================  ========
stride_dx_m, stride_dy_m   foot, shank (gyro)          the stride's horizontal travel   0.10 m
                                                       (strapdown, rest to rest) along
                                                       +x; sideways: along +-y
rotation_moment_deg        foot (gyro; no stride       positive (after flat foot the    3 deg
                           vector)                     toes go down first: push-off;
                                                       then the swing brings them up)
swing_peak_log_ratio       shank (gyro; no stride      positive (the fastest rotation   0.15
                           vector)                     is the distal end swinging
                                                       forward, omega_y < 0)
landing_impulse_ms         foot (no gyro)              negative (the ground stops a     0.25 m/s
                                                       foot moving forward; to rest)
early_stance_ax_ms2        lower back (with toe-offs)  negative (braking in the first   1 m/s^2
                                                       30 % of a typical stance)
braking_contrast_ms2,      lower back (no toe-offs)    braking vector (first half of    1 m/s^2
lateral_contrast_ms2                                   the step minus the second, two
                                                       steps, levelled by the gyro)
                                                       points against the travel
contact_phase_error_steps  lower back (no toe-offs)    weights the braking vector       0.5 steps
                                                       (step-time asymmetry about its   (reversal)
                                                       contacts: none from half a step;
                                                       with the vertical's: a step
                                                       between two contacts off the
                                                       phase takes a bout end's switch
                                                       odds, DIRECTION-41)
vertical_phase_error_steps lower back (no toe-offs)    weights it too (the contact's    0.5 steps
                                                       phase in the vertical            (reversal)
                                                       oscillation off the session's)
interval_steps             lower back (no toe-offs)    multiplies the braking vector    steps
                                                       and chains the link (the steps
                                                       an interval with missed
                                                       contacts holds)
landing_asymmetry          lower back, running         negative (hard landing, soft     0.15
                           (frame-free)                take-off; capped at 1 per step)
pitch_asymmetry_log_ratio  foot, shank (gyro; facing)  positive in both directions:     anatomy_
                                                       anatomy, decides the facing      scale_...
strike_consistency         foot (gyro; facing)         positive in both directions:     capped sum
                                                       sharp landings have toes up      (strike_...)
=========================  ==========================  ===============================  ========
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.settings import DirectionSettings, preset
from retrogait.analysis.shank_rotation import Strides, rotation_cues
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.stepwindows import (
    FloatArray,
    IntArray,
    next_same_side,
    paired_window_sums,
    previous_same_side,
    window_argmin,
    window_extremes,
    window_mean,
    window_sum,
)
from retrogait.analysis.stride_vectors import stride_vectors
from retrogait.analysis.transient import LandingTransients
from retrogait.analysis.travel import (
    FORGET,
    axis_evidence,
    chained_switch_probability,
    forget_states,
    one_sided_states,
    smooth_states,
    vector_evidence,
)
from retrogait.analysis.turns import heading_changes_deg, turn_switch_probability
from retrogait.analysis.vectors import norm_rows
from retrogait.analysis.zupt import (
    StridePitch,
    contact_to_rest_rotation_deg,
    motion_energy,
    moving_average,
    rest_indices,
    stride_pitch,
    stride_pitch_extremes_deg,
    stride_rotation_moment_deg,
)
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.masks import counts_before
from retrogait.rate import meets_rate
from retrogait.samples import nearest_samples

DIRECTION_COLUMNS = ("direction", "direction_confidence")
#: The travel labels, in the column order of :func:`direction_probabilities`.
TRAVEL_LABELS = ("forward", "backward", "sideways")
PROBABILITY_COLUMNS = ("p_forward", "p_backward", "p_sideways")
#: Placements whose sideways evidence says where the stride went (a stride vector). A walking trunk's
#: braking vector also turns sideways in a curve, so there it only withholds forward/backward.
SIDEWAYS_PLACEMENTS = ("foot", "shank")
#: A walking trunk's typical step (the median of its steps) is taken to find missed contacts only over at
#: least this many steps: over a few, one extra or misplaced contact moves the median (the live windows).
TYPICAL_STEP_MIN_STEPS = 10
#: Resolution of the walking trunk's reference phase in the vertical oscillation (candidates per step).
PHASE_GRID_STEPS = 200
#: Per-contact cues, one column each: direction_cues' table, or the live filter's arrays by name.
CueTable = pd.DataFrame | Mapping[str, NDArray[np.float64]]
#: A facing reversal (:func:`facing_reversal`) not given: measured where it is read.
MEASURE: Final = "measure"


def step_directions(
    signals: BodySignals,
    contacts: Contacts,
    settings: DirectionSettings | None = None,
    *,
    cues: pd.DataFrame | None = None,
    reversal: FacingReversal | Literal["measure"] | None = MEASURE,
) -> pd.DataFrame:
    """Direction per contact: columns ``direction`` (forward|backward|sideways|unknown) and
    ``direction_confidence`` (1/3..1, the posterior probability of the most likely travel state, the
    reported one; 1/3 when there is no evidence). Below ``unknown_below_confidence`` the direction is
    ``unknown``; so is a step most likely lateral at a placement outside SIDEWAYS_PLACEMENTS, which sees
    that the gait is not sagittal but not reliably why. One row per contact, in the order of
    ``contacts``. ``cues`` (:func:`direction_cues`) are computed here unless given; settings default to
    the placement's preset; ``reversal`` (:func:`facing_reversal` of these cues) is measured unless given."""
    settings = settings or preset(signals.placement).direction
    probs = direction_probabilities(signals, contacts, settings, cues=cues, reversal=reversal)
    return direction_labels(probs.to_numpy(dtype=np.float64), signals.placement, settings)


def direction_labels(probs: FloatArray, placement: str, settings: DirectionSettings) -> pd.DataFrame:
    """``direction`` and ``direction_confidence`` from (m, 3) travel-state probabilities (the rules of
    :func:`step_directions`, :func:`label_arrays` as a table)."""
    if probs.shape[0] == 0:
        return pd.DataFrame(
            {"direction": pd.Series([], dtype=object), "direction_confidence": pd.Series([], dtype=float)}
        )
    label, confidence = label_arrays(probs, placement, settings)
    return pd.DataFrame({"direction": label, "direction_confidence": confidence})


def label_arrays(
    probs: FloatArray, placement: str, settings: DirectionSettings
) -> tuple[NDArray[np.object_], FloatArray]:
    """The labels (object array) and their confidences of :func:`direction_labels`, without the table
    (the live filter labels one contact at a time)."""
    best = np.argmax(probs, axis=1)
    confidence = probs[np.arange(best.size), best]
    label = np.asarray(TRAVEL_LABELS, dtype=object)[best]
    if placement not in SIDEWAYS_PLACEMENTS:
        label = np.where(best == 2, "unknown", label)
    label = np.where(confidence < settings.unknown_below_confidence, "unknown", label)
    return label.astype(object), confidence


def direction_probabilities(
    signals: BodySignals,
    contacts: Contacts,
    settings: DirectionSettings | None = None,
    *,
    cues: pd.DataFrame | None = None,
    reversal: FacingReversal | Literal["measure"] | None = MEASURE,
) -> pd.DataFrame:
    """Posterior probability of each travel state per contact: columns PROBABILITY_COLUMNS (summing
    to 1), from the evidence of :func:`travel_evidence` smoothed along the contacts with the switch
    probabilities of :func:`link_switch_probability`. With an unknown anterior sign the evidence
    tells travel relative to the sensor's +x; the facing (:func:`facing_probability_from_cues`) mixes
    the two sagittal states, and the lateral state does not depend on it."""
    settings = settings or preset(signals.placement).direction
    m = len(contacts)
    if m == 0:
        return pd.DataFrame({c: pd.Series([], dtype=float) for c in PROBABILITY_COLUMNS})
    if cues is None:
        cues = direction_cues(signals, contacts, settings)
    evidence, relative = travel_evidence(cues, signals, settings)
    switch = link_switch_probability(signals, contacts, cues, settings)
    if signals.placement in SIDEWAYS_PLACEMENTS:  # foot, shank: the cap at its own bout ends (DIRECTION-47)
        # the chain and the own-bout one in one go: the second run only where it differs (PERF-69)
        smoothed, own = forget_states(evidence, switch, own_bout_ends(signals, contacts, cues, settings))
        smoothed = own_bout_capped(smoothed, own)
    else:
        smoothed = smooth_states(evidence, switch)
    if signals.placement == "lower_back":  # the trunk: contacts of no evidence of their own (DIRECTION-32)
        # the chain within each bout (every bout end forgetting): its posterior, and its readings up to and from a step
        own, before, after = one_sided_states(
            evidence, np.where(bout_ends(signals, contacts, cues, settings), FORGET, switch)
        )
        # ... no surer than its own bout makes it (DIRECTION-32), nor less sure of that state for another bout (LIVE-44)
        smoothed = own_bout_raised(own_bout_capped(smoothed, own), own)
        # a change across standing or a change of gait is the bout end's, not a seam (DIRECTION-40)
        smoothed = seam_capped(smoothed, evidence, before, after, settings.unknown_below_confidence)
    post = facing_and_conflict(smoothed, cues, relative, signals.anterior_sign_known, settings)
    if isinstance(reversal, str):  # MEASURE
        reversal = facing_reversal(signals, contacts, cues, settings)
    post = reversal_applied(smoothed, post, reversal, relative, signals.anterior_sign_known, settings)
    post = unmeasured_capped(post, cues, settings.unmeasured_cap_probability)
    return pd.DataFrame(post, columns=list(PROBABILITY_COLUMNS))


def unmeasured_capped(post: FloatArray, cues: CueTable, cap: float) -> FloatArray:
    """(m, 3) posteriors ``post`` with each contact whose own swing a recording gap took (the ``own_swing_lost`` cue:
    a foot or shank contact after a pause, REVIEW-67) no surer of its most probable state than ``cap``
    (:func:`capped_posteriors`; the label stays where ``cap`` is at least the labels' ``unknown_below_confidence``).
    Such a contact has no evidence of its own: it reads the next contact's stride (DIRECTION-44's fallback) or the
    chain, i.e. its neighbours, across a stretch the recording did not see, where the wearer may have turned or
    stopped. The chain's odds that nothing changed there (1 - ``standing_switch_probability``, 0.95) are a prior,
    not a measurement of this contact (DIRECTION-49)."""
    if "own_swing_lost" not in cues:
        return post
    lost = np.asarray(cues["own_swing_lost"], dtype=np.float64) > 0
    over = lost & (post.max(axis=1) > cap)
    if not over.any():
        return post
    out = np.array(post, dtype=np.float64)
    out[over] = capped_posteriors(out[over], cap)
    return out


def own_bout_capped(post: FloatArray, own: FloatArray) -> FloatArray:
    """(m, 3) posteriors ``post`` each made no surer of its most probable state than ``own`` (the same
    chain with every bout end, :func:`bout_ends`, forgetting: the contact's own bout alone) makes it: mixed
    with the uniform one (:func:`capped_posteriors`). What the chain carries across a bout end is the odds
    that the direction did not change there, not evidence about this bout (LIVE-23 offline, DIRECTION-32)."""
    rows = np.arange(post.shape[0])
    best = np.argmax(post, axis=1)
    cap = own[rows, best]
    over = cap < post[rows, best]
    out = np.array(post, dtype=np.float64)
    out[over] = capped_posteriors(out[over], cap[over, None])
    return out


def own_bout_raised(post: FloatArray, own: FloatArray) -> FloatArray:
    """(m, 3) posteriors ``post`` where ``own`` (the chain with every bout end forgetting: the contact's own bout alone,
    :func:`own_bout_capped`) names the same most probable state and is surer of it: ``own``'s row (LIVE-44). The
    chain lets the next or the previous bout's evidence through the bout end's link (``standing_switch_probability``):
    the last landing of a backward run with no evidence of its own, followed by a firm forward walk, read `backward`
    at 0.69 from the walk, 0.98 from its run. A bout end is where the direction may change (:func:`standing_between`:
    the landing a runner stops on belongs to the bout it ends, the first after it to the bout it starts), so another
    bout's evidence says nothing about this one, either way; as the cap, never a change of state."""
    rows = np.arange(post.shape[0])
    best = np.argmax(post, axis=1)
    under = (np.argmax(own, axis=1) == best) & (own[rows, best] > post[rows, best])
    out = np.array(post, dtype=np.float64)
    out[under] = own[under]
    return out


def seam_capped(
    post: FloatArray, evidence: FloatArray, before: FloatArray, after: FloatArray, claim: float
) -> FloatArray:
    """(m, 3) posteriors ``post`` (the lower back's) each made no surer of its most probable state than the step's
    own ``evidence`` (log-likelihoods) makes it against the states the chain reads up to it (``before``: the forward
    filter, the chain cut after the step) and from it on (``after``: the backward one, cut before it), both within
    its own bout (the chain forgetting at every bout end, as for :func:`own_bout_capped`), where those two readings
    each name a state (at least ``claim``, the labels' ``unknown_below_confidence``), differ, and one is
    lateral (:func:`capped_posteriors`). The step then sits where the chain changes its mind, and whether it goes with
    the steps before or after it is for its own evidence to say, the two even a priori: the chain's preference comes
    from its switch odds against the trunk's weak lateral braking (0.2-0.6 m/s^2, near a mounting yaw's leak), not from
    the step (DIRECTION-40). Not where both sides are sagittal (the braking along the travel reads both firmly), nor
    for a contact with no evidence of its own (no measured step, :func:`phase_weight` 0): the chain carries it."""
    rows = np.arange(post.shape[0])
    best = np.argmax(post, axis=1)
    first, then = np.argmax(before, axis=1), np.argmax(after, axis=1)
    own = np.exp(evidence - evidence.max(axis=1, keepdims=True))
    candidates = np.zeros_like(own, dtype=bool)
    for state in (first, then, best):
        candidates[rows, state] = True
    cap = own[rows, best] / np.where(candidates, own, 0.0).sum(axis=1)
    named = (before.max(axis=1) >= claim) & (after.max(axis=1) >= claim)
    measured = np.ptp(evidence, axis=1) > 0
    over = named & measured & (first != then) & ((first == 2) | (then == 2)) & (cap < post[rows, best])
    out = np.array(post, dtype=np.float64)
    out[over] = capped_posteriors(out[over], cap[over, None])
    return out


def reversal_applied(
    smoothed: FloatArray,
    post: FloatArray,
    reversal: FacingReversal | None,
    relative: bool,
    sign_known: bool,
    settings: DirectionSettings,
) -> FloatArray:
    """(m, 3) posteriors ``post`` (``smoothed`` after :func:`facing_and_conflict`) where the facing reverses
    between stretches (``reversal``, MOUNT-1): with evidence ``relative`` to the sensor's +x each stretch faces as
    its own steps say (undecided ones unknown); with a known sign the steps against it make no claim."""
    if reversal is None:
        return post
    if relative:
        return facing_mixed(smoothed, reversal.facing)
    post = np.array(post, dtype=np.float64)
    if sign_known:
        post[reversal.changed] = capped_posteriors(post[reversal.changed], settings.conflict_cap_probability)
    return post


@dataclass(frozen=True)
class FacingReversal:
    """Where the facing the gait shows reverses between stretches of steps separated by standing (MOUNT-1): a
    sensor re-mounted turned about the vertical while the wearer stood (a pod clipped back the other way) keeps
    every axis line, so the frame found over the session reads the steps after it reversed.

    Attributes:
        facing: (m,) P(the sensor's +x is anterior) per contact from its own stretch's frame-free cues where
            that stretch is firm (``remount_facing_log_odds``), else 0.5.
        changed: (m,) the contacts of firm stretches facing against the reference: the declared facing where
            the sign is known, else the first firm stretch's.
        at_s: where the firm facing reverses: (last contact of a firm stretch, first of the next firm one) (s).
    """

    facing: FloatArray
    changed: NDArray[np.bool_]
    at_s: tuple[tuple[float, float], ...]


def facing_reversal(
    signals: BodySignals,
    contacts: Contacts,
    cues: CueTable,
    settings: DirectionSettings | None = None,
    declared_seen: bool = False,
) -> FacingReversal | None:
    """The reversal of the facing across standing (:class:`FacingReversal`), or None where no two stretches of
    at least ``remount_min_steps`` contacts are each at least ``remount_facing_log_odds`` sure of opposite
    facings (one facing over the session: nothing to say). ``declared_seen``: a stretch before these contacts
    (an earlier part of the recording, parts.py) was firm on the declared facing; with a known sign it counts as
    a firm stretch facing as declared before the first contact (MOUNT-8)."""
    return facing_per_stretch(signals, contacts, cues, settings, declared_seen)[0]


def facing_per_stretch(
    signals: BodySignals,
    contacts: Contacts,
    cues: CueTable,
    settings: DirectionSettings | None = None,
    declared_seen: bool = False,
) -> tuple[FacingReversal | None, bool]:
    """:func:`facing_reversal` and whether the sign is known and a stretch between standings is firm on the declared
    facing (what a part of a recording passes on to the parts after it, MOUNT-8), the stretches read once."""
    settings = settings or preset(signals.placement).direction
    m = len(contacts)
    if m < settings.remount_min_steps or signals.anterior_source == "none":
        return None, False
    standing = standing_between(signals, contacts, settings)
    bounds = np.concatenate([[0], np.flatnonzero(standing) + 1, [m]]).astype(np.int64)
    log_odds = _stretch_log_odds(cues, bounds, settings)
    sign_known = signals.anterior_sign_known
    seen = sign_known and bool(np.any(log_odds >= settings.remount_facing_log_odds))
    before = declared_seen and sign_known
    if not before and (m < 2 * settings.remount_min_steps or not standing.any()):
        return None, seen
    found = _facings_of(log_odds, bounds, sign_known, settings, before)
    if found is None:
        return None, seen
    facing, changed, firm = found
    t = signals.t_s[np.clip(contacts.ic_idx.astype(np.int64), 0, signals.n_samples - 1)]
    k_firm = np.flatnonzero(firm)
    at = tuple(  # from the last contact of the one firm stretch to the first of the next facing the other way
        (float(t[bounds[i + 1] - 1]), float(t[bounds[j]])) for i, j in itertools.pairwise(k_firm) if firm[i] != firm[j]
    )
    if before and firm[k_firm[0]] < 0:  # against the facing an earlier part was firm on: before its first contact
        at = ((-math.inf, float(t[bounds[k_firm[0]]])), *at)
    return FacingReversal(facing=facing, changed=changed, at_s=at), seen


def stretch_facings(
    cues: CueTable, bounds: IntArray, sign_known: bool, settings: DirectionSettings, declared_seen: bool = False
) -> tuple[FloatArray, NDArray[np.bool_], FloatArray] | None:
    """:func:`facing_reversal` over the stretches of contacts ``bounds[k]:bounds[k + 1]`` (offline those between
    standings, live those committed so far): (facing, changed) of :class:`FacingReversal` and per stretch its firm
    facing (+1, -1, 0: undecided), or None without two firm stretches facing opposite ways (``declared_seen``, with
    ``sign_known``: one firm on the declared facing counted before the first, MOUNT-8)."""
    return _facings_of(_stretch_log_odds(cues, bounds, settings), bounds, sign_known, settings, declared_seen)


def _facings_of(
    log_odds: FloatArray, bounds: IntArray, sign_known: bool, settings: DirectionSettings, declared_seen: bool
) -> tuple[FloatArray, NDArray[np.bool_], FloatArray] | None:
    """:func:`stretch_facings` from the stretches' log-odds of facing (:func:`_stretch_log_odds`)."""
    firm = np.where(np.abs(log_odds) >= settings.remount_facing_log_odds, np.sign(log_odds), 0.0)
    if not (np.any(firm < 0) and ((declared_seen and sign_known) or np.any(firm > 0))):
        return None
    reference = 1.0 if sign_known else float(firm[firm != 0][0])
    sizes = np.diff(bounds)
    facing = np.repeat(np.where(firm != 0, 1.0 / (1.0 + np.exp(-log_odds)), 0.5), sizes)
    changed = np.repeat(firm == -reference, sizes)
    return facing, changed, firm


def _stretch_log_odds(cues: CueTable, bounds: IntArray, settings: DirectionSettings) -> FloatArray:
    """Per stretch ``bounds[k]:bounds[k + 1]``, the log-odds that the sensor's +x is anterior from its frame-free
    cues (0 for a stretch shorter than ``remount_min_steps``)."""
    log_odds = np.zeros(bounds.size - 1)
    for k, (a, b) in enumerate(itertools.pairwise(bounds)):  # one per stretch
        if b - a >= settings.remount_min_steps:
            part = {c: np.asarray(cues[c], dtype=np.float64)[a:b] for c in _FACING_CUES if c in cues}
            p = float(np.clip(facing_probability_from_cues(part, settings), 1e-12, 1 - 1e-12))
            log_odds[k] = np.log(p / (1.0 - p))
    return log_odds


#: The cues :func:`facing_probability_from_cues` reads.
_FACING_CUES = ("x_log_odds", "free_log_odds", "pitch_asymmetry_log_ratio", "strike_consistency")


def facing_mixed(post: FloatArray, facing: FloatArray) -> FloatArray:
    """(m, 3) posteriors relative to the sensor's +x mixed by a facing per contact (``facing``: P(+x anterior))."""
    out = np.array(post, dtype=np.float64)
    plus, minus = out[:, 0].copy(), out[:, 1].copy()
    out[:, 0] = facing * plus + (1.0 - facing) * minus
    out[:, 1] = facing * minus + (1.0 - facing) * plus
    return out


def facing_and_conflict(
    post: FloatArray, cues: CueTable, relative: bool, sign_known: bool, settings: DirectionSettings
) -> FloatArray:
    """What is decided over all the contacts in ``cues`` (offline the session, live those so far),
    applied to (m, 3) smoothed travel-state posteriors: with evidence ``relative`` to the sensor's +x,
    the facing (:func:`facing_probability_from_cues`) mixes the two sagittal states; with a known
    anterior sign whose frame-free cues contradict the axis cues (:func:`cue_agreement` below
    ``-conflict_log_odds``), the posteriors are capped (:func:`capped_posteriors`)."""
    post = np.array(post, dtype=np.float64)
    if relative:
        p_facing = facing_probability_from_cues(cues, settings)
        plus, minus = post[:, 0].copy(), post[:, 1].copy()
        post[:, 0] = p_facing * plus + (1.0 - p_facing) * minus
        post[:, 1] = p_facing * minus + (1.0 - p_facing) * plus
    elif sign_known and cue_agreement(cues) < -settings.conflict_log_odds:
        post = capped_posteriors(post, settings.conflict_cap_probability)
    return post


def cue_agreement(cues: CueTable) -> float:
    """How the frame-free cues agree with the axis cues over the session (log-odds):
    ``sum_i free_i * tanh(x_i)``, positive when both say the same (the facing's own measure)."""
    x = np.asarray(cues["x_log_odds"], dtype=np.float64)
    free = np.asarray(cues["free_log_odds"], dtype=np.float64)
    return float(np.sum(free * np.tanh(x)))


def capped_posteriors(post: FloatArray, cap: float | FloatArray) -> FloatArray:
    """Posteriors mixed with the uniform one just enough that none exceeds ``cap`` (one, or (k, 1) per row): when two
    independent physical measurements of direction contradict each other over a session (a corrupted
    cue, a reversed axis), the labels keep the axis cues' reading but make no firm claim."""
    top = post.max(axis=1, keepdims=True)
    weight = np.clip((cap - 1.0 / 3.0) / np.maximum(top - 1.0 / 3.0, 1e-12), 0.0, 1.0)
    return np.asarray(weight * post + (1.0 - weight) / 3.0, dtype=np.float64)


def travel_evidence(
    cues: CueTable, signals: BodySignals, settings: DirectionSettings | None = None
) -> tuple[FloatArray, bool]:
    """(m, 3) log-likelihoods of travel along +x, -x and sideways per contact, scaled by
    ``evidence_temperature_factor``, and whether +x is relative to an unknown facing.

    Steps with a measured travel vector (``stride_dx_m``/``stride_dy_m``: foot and shank; the negated
    braking vector ``braking_contrast_ms2``/``lateral_contrast_ms2``: walking trunk) get
    travel.vector_evidence; the others the x cues' log-odds (travel.axis_evidence). With a known
    anterior sign the frame-free cues add to the x cues. With an unknown sign the evidence is relative
    to the sensor's +x -- unless there is no axis evidence at all, when the frame-free cues, which
    need no facing, decide alone. Without a horizontal axis (``anterior_source == "none"``) only the
    frame-free cues count."""
    settings = settings or preset(signals.placement).direction
    x = np.asarray(cues["x_log_odds"], dtype=np.float64)
    free = np.asarray(cues["free_log_odds"], dtype=np.float64)
    relative = not signals.anterior_sign_known and bool(np.any(x != 0))
    evidence = axis_evidence(x if relative else x + free)
    if signals.anterior_source != "none":
        cap = settings.max_cue_log_odds
        vectors: list[tuple[FloatArray, FloatArray, float, FloatArray | float]] = []
        if "stride_dx_m" in cues:
            facing_spread = np.radians(np.asarray(cues["stride_facing_spread_deg"], dtype=np.float64))
            dx, dy = (np.asarray(cues[c], dtype=np.float64) for c in ("stride_dx_m", "stride_dy_m"))
            vectors.append((dx, dy, settings.stride_dx_scale_m, facing_spread))
        if "lateral_contrast_ms2" in cues:  # braking points against the travel
            dx, dy = (-np.asarray(cues[c], dtype=np.float64) for c in ("braking_contrast_ms2", "lateral_contrast_ms2"))
            if "contact_phase_error_steps" in cues:
                weight = phase_weight(phase_error_steps(cues), settings)
                if "interval_steps" in cues:  # a contrast over n steps is the evidence of n steps (DIRECTION-27)
                    weight = weight * np.nan_to_num(np.asarray(cues["interval_steps"], dtype=np.float64), nan=1.0)
                dx, dy = dx * weight, dy * weight
            vectors.append((dx, dy, settings.braking_contrast_scale_ms2, 0.0))
        for vx, vy, scale, spread in vectors:
            has = np.isfinite(vx) & np.isfinite(vy)
            evidence = np.where(has[:, None], vector_evidence(vx, vy, scale, cap, spread), evidence)
    return evidence * settings.evidence_temperature_factor, relative


def phase_weight(error_steps: FloatArray, settings: DirectionSettings) -> FloatArray:
    """Share of a walking trunk's braking contrast to trust when the contacts it rests on may lie up to
    ``error_steps`` d off the gait's phase (:func:`_contact_phase_error`; NaN: not measured, 1).

    The braking wave has one cycle per step, so a first-half-minus-second-half contrast taken from
    contacts shifted by s steps is cos(pi s / r) of the true one, r = ``contact_phase_reversal_steps``
    (half a step): none at a quarter step, reversed at half a step. The measured d bounds the shift but
    also holds the gait's own step-to-step asymmetry, so the shift is taken anywhere in [0, d]: the mean
    of cos(pi s / r) over it, sin(pi d / r) / (pi d / r), and none from d = r on."""
    d = np.nan_to_num(np.asarray(error_steps, dtype=np.float64), nan=0.0)
    x = np.minimum(d / settings.contact_phase_reversal_steps, 1.0)
    return np.asarray(np.where(x < 1.0, np.sinc(x), 0.0), dtype=np.float64)  # exactly none (sinc(1) = 4e-17)


def link_switch_probability(
    signals: BodySignals,
    contacts: Contacts,
    cues: CueTable,
    settings: DirectionSettings | None = None,
    *,
    earlier_steps_s: FloatArray | None = None,
    earlier_intervals_s: FloatArray | None = None,
) -> FloatArray:
    """(m - 1,) probability that the travel state changes between consecutive contacts:
    ``switch_probability`` within gait, ``standing_switch_probability`` across standing
    (:func:`standing_between`) and, at the lower back, where a walk turns into a run or a run into a walk
    without standing (:func:`gait_changes`, DIRECTION-31) and, for a walking trunk, over a step whose two contacts both
    lie half a step or more off the gait's phase (:func:`phase_weight` 0) and at least half a median interval apart
    (its rhythm broke, as where a walk reverses without a stop; DIRECTION-41), and the chain forgets (travel.FORGET)
    across a pause (longer than ``pause_s`` or ``pause_median_intervals`` median intervals) and, in proportion to
    turns.turn_switch_probability, across a turn (the ``heading_change_deg`` cue). ``earlier_steps_s``: the
    walking trunk's steps measured before these contacts (:func:`walking_steps_s`; the live windows, LIVE-24);
    ``earlier_intervals_s``: the intervals (s) between the contacts before these, whose median the pause's
    limit is taken over as well (the live windows: as offline over the session's contacts, LIVE-41)."""
    settings = settings or preset(signals.placement).direction
    m = len(contacts)
    if m < 2:
        return np.zeros(0)
    ic = np.clip(contacts.ic_idx.astype(np.int64), 0, signals.n_samples - 1)
    gaps = np.diff(signals.t_s[ic])
    typical_gap = median_interval_s(gaps, earlier_intervals_s)
    limit = min(settings.pause_s, settings.pause_median_intervals * typical_gap)
    p = np.full(m - 1, settings.switch_probability)
    standing = standing_between(signals, contacts, settings)
    ends = bout_ends(signals, contacts, cues, settings, standing)
    p[ends] = np.maximum(p[ends], settings.standing_switch_probability)
    pause = gaps > limit
    if "braking_contrast_ms2" in cues and np.any(pause & ~standing):  # a walking trunk: missed contacts?
        steps = walked_through_steps(signals, contacts, pause & ~standing, settings, earlier_steps_s)
        pause &= steps == 0
        p = np.where(steps > 0, chained_switch_probability(settings.switch_probability, steps), p)
    if "interval_steps" in cues:  # a walking trunk's interval holding missed contacts: that many links
        held = np.nan_to_num(np.asarray(cues["interval_steps"], dtype=np.float64)[:-1], nan=1.0).astype(np.int64)
        chained = (held >= 2) & ~standing & ~pause
        p = np.where(chained, np.maximum(p, chained_switch_probability(settings.switch_probability, held)), p)
    if "contact_phase_error_steps" in cues:  # a walking trunk: a step whose rhythm broke (DIRECTION-41)
        off = phase_weight(phase_error_steps(cues), settings) == 0.0
        broken = off[:-1] & off[1:] & (gaps >= settings.contact_phase_reversal_steps * typical_gap)
        p = np.where(broken, np.maximum(p, settings.standing_switch_probability), p)
    heading = np.asarray(cues["heading_change_deg"], dtype=np.float64)[1:] if "heading_change_deg" in cues else None
    turning = turn_switch_probability(heading, m, settings.turn_straight_deg, settings.turn_round_deg)
    p = p + (FORGET - p) * turning
    p[pause] = FORGET
    return p


def phase_error_steps(cues: CueTable) -> FloatArray:
    """(m,) how far (steps) a walking trunk's contacts may lie off the gait's phase: the larger of the contacts'
    (``contact_phase_error_steps``) and the vertical oscillation's (``vertical_phase_error_steps``) measure, either
    may show it; NaN where neither is measured."""
    error = np.asarray(cues["contact_phase_error_steps"], dtype=np.float64)
    if "vertical_phase_error_steps" in cues:
        error = np.fmax(error, np.asarray(cues["vertical_phase_error_steps"], dtype=np.float64))
    return error


def median_interval_s(gaps_s: FloatArray, earlier_s: FloatArray | None = None) -> float:
    """The median interval between consecutive contacts (s) of ``gaps_s`` and the ``earlier_s`` ones before them
    (the live detector's committed contacts: a 4 s window holds the intervals of one gait, the session many)."""
    if earlier_s is None or np.asarray(earlier_s).size == 0:
        return float(np.median(gaps_s))
    return float(np.median(np.concatenate([gaps_s, np.asarray(earlier_s, dtype=np.float64)])))


def bout_ends(
    signals: BodySignals,
    contacts: Contacts,
    cues: CueTable,
    settings: DirectionSettings,
    standing: NDArray[np.bool_] | None = None,
) -> NDArray[np.bool_]:
    """(m - 1,) the links across which one bout ends and the next begins, which take at least
    ``standing_switch_probability``: standing (:func:`standing_between`, or ``standing`` as computed) and, in
    a trunk session that runs (the ``early_stance_ax_ms2`` cue), a change of gait without standing
    (:func:`gait_changes`, DIRECTION-31)."""
    ends = standing_between(signals, contacts, settings) if standing is None else standing
    if "early_stance_ax_ms2" in cues:  # a trunk that runs and may walk: a change of gait ends a bout
        ends = ends | gait_changes(signals, contacts, settings)
    return np.asarray(ends, dtype=bool)


def own_bout_ends(
    signals: BodySignals, contacts: Contacts, cues: CueTable, settings: DirectionSettings
) -> NDArray[np.bool_]:
    """(m - 1,) the links at which a contact's own bout ends for the own-bout cap (:func:`own_bout_capped`; live, the
    bout reading of LIVE-23): :func:`bout_ends`, and at a foot or shank only where the limb lay still for at least
    ``bout_still_fraction`` of the link's interval (DIRECTION-47). A limb lies still through a slow stride's foot-flat
    (0.3-0.5 s of a 1-1.4 s stride, MOUNT-9), which :func:`standing_between` reads as standing although the walk goes
    on; a wearer who stops, or pivots on that limb while the other leg turns, stands on it for most of the interval.
    A shank never lies still through a stance of gait: its preset's fraction is 0, its standing (REVIEW-83).
    The share is of the link's measured samples: samples lost in a recording gap are neither still nor moving
    (REVIEW-82)."""
    ends = bout_ends(signals, contacts, cues, settings)
    if signals.placement not in SIDEWAYS_PLACEMENTS or ends.size == 0 or settings.bout_still_fraction <= 0:
        return ends  # a fraction of 0: every link's still count reaches it (the shank; PERF-70)
    ic = np.clip(contacts.ic_idx.astype(np.int64), 0, signals.n_samples - 1)
    still = signals.still_mask(settings.standing_s, settings.standing_std_ms2) & ~signals.gap
    count = np.concatenate([[0], np.cumsum(still)])
    measured = np.concatenate([[0], np.cumsum(~signals.gap)])
    return ends & (count[ic[1:]] - count[ic[:-1]] >= settings.bout_still_fraction * np.diff(measured[ic]))


def gait_changes(signals: BodySignals, contacts: Contacts, settings: DirectionSettings) -> NDArray[np.bool_]:
    """(m - 1,) per link between consecutive lower-back contacts, whether it joins a walking contact and a
    running one (either way round): running has a toe-off (a flight edge) or starts a run out of walking
    (:func:`_run_starts`), walking is a contact inside a walking stretch (:func:`walking_stretch`).

    Like standing, a change of gait ends one bout and starts the next: a runner who slows to a walk, or a
    walker who breaks into a run, may go on in another direction (a backward walk into a forward run), so the
    link takes the odds of a change across standing, ``standing_switch_probability``, not those within a bout."""
    m = len(contacts)
    if m < 2:
        return np.zeros(max(m - 1, 0), dtype=bool)
    ic = contacts.ic_idx.astype(np.int64)
    has_to = _trunk_toe_offs(signals, contacts, settings)
    starts = _run_starts(signals, ic, has_to, settings)
    running = has_to | starts
    walking = walking_stretch(has_to) & ~starts
    return np.asarray((running[:-1] & walking[1:]) | (walking[:-1] & running[1:]), dtype=bool)


def walked_through_steps(
    signals: BodySignals,
    contacts: Contacts,
    links: NDArray[np.bool_],
    settings: DirectionSettings,
    earlier_steps_s: FloatArray | None = None,
) -> IntArray:
    """(m - 1,) per link between consecutive contacts of a walking trunk, the number of steps n >= 2 the
    wearer walked through it where its interval holds missed contacts rather than a pause, else 0; only
    the ``links`` asked about are measured (the pauses by time, without standing).

    Such an interval joins two walking contacts (no toe-off), holds n = floor(T / typical + 2 -
    ``missed_step_ratio``) >= 2 typical walking steps (the median of the session's walking steps, over at
    least TYPICAL_STEP_MIN_STEPS of them, with ``earlier_steps_s``: :func:`typical_walking_step`; DIRECTION-15),
    and the trunk's vertical oscillation went on where each of its n - 1 missed contacts belongs (the interval
    split evenly): each such window (:func:`_vertical_phase_offset`'s, ``vertical_phase_window_steps`` long,
    inside the recording, no sample lost) holds the step rhythm, its step-frequency component carrying at
    least ``vertical_rhythm_min_fraction`` of its RMS (DIRECTION-18's measure). A wearer who stopped, stood or did
    something other than walking breaks the rhythm there, and the interval stays a pause (DIRECTION-21)."""
    ic = contacts.ic_idx.astype(np.int64)
    out = np.zeros(max(ic.shape[0] - 1, 0), dtype=np.int64)
    walking = _trunk_walking(signals, contacts, settings)
    step = _typical_walking_step(ic, signals.fs_hz, settings, signals.n_samples, walking, earlier_steps_s)
    if step <= 0:
        return out
    length = np.diff(ic)
    n = np.floor(length / step + 2.0 - settings.missed_step_ratio).astype(np.int64)
    ask = np.flatnonzero(links & walking[:-1] & walking[1:] & (n >= 2))
    if ask.size == 0:
        return out
    half, basis, taper = _step_window(step, settings)
    missed = n[ask] - 1
    link = np.repeat(ask, missed)  # one row per missed contact, at j / n of its interval
    j = np.arange(int(missed.sum())) - np.repeat(np.cumsum(missed) - missed, missed) + 1
    centre = ic[link] + (length[link] * j) // n[link]
    inside = (centre - half >= 0) & (centre + half < signals.n_samples)
    lost = np.concatenate([[0], np.cumsum(signals.gap)])
    lo = np.clip(centre - half, 0, signals.n_samples)
    inside &= lost[np.clip(centre + half + 1, 0, signals.n_samples)] == lost[lo]
    rhythm = np.zeros(link.size, dtype=bool)
    if inside.any():
        _, share = _windowed_components(_vertical_load(signals, settings), centre[inside] - half, basis, taper)
        rhythm[inside] = share >= settings.vertical_rhythm_min_fraction
    # every missed contact's window of the link holds the rhythm: none of its rows fails
    failed = np.bincount(link[~rhythm], minlength=out.size)
    kept = ask[failed[ask] == 0]
    out[kept] = n[kept]
    return out


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
    still = signals.still_mask(settings.standing_s, settings.standing_std_ms2) & ~signals.gap
    count = counts_before(still, ic)  # the running count read at the contacts only (PERF-164)
    return np.asarray(count[1:] - count[:-1] > 0)


# --------------------------------------------------------------------------------------------- cues


def direction_cues(
    signals: BodySignals,
    contacts: Contacts,
    settings: DirectionSettings | None = None,
    transients: LandingTransients | None = None,
    rotation: Callable[[], tuple[FloatArray, FloatArray]] | None = None,
) -> pd.DataFrame:
    """Every direction cue that the placement and sensors allow, one row per contact (NaN where
    a cue cannot be measured), plus the summed evidence columns ``x_log_odds`` (cues that read the
    anterior axis) and ``free_log_odds`` (frame-free cues), both positive for forward.

    ``transients`` (the landings' impact transients, foot strike consistency) are measured here unless
    given; settings default to the placement's preset. ``rotation``: where given, returns a shank's
    :func:`shank_rotation_cues` of these contacts (computed beside: PERF-96). :func:`direction_cue_columns` as a
    table."""
    return pd.DataFrame(
        direction_cue_columns(signals, contacts, settings, transients, rotation=rotation),
        index=pd.RangeIndex(len(contacts)),
    )


def direction_cue_columns(
    signals: BodySignals,
    contacts: Contacts,
    settings: DirectionSettings | None = None,
    transients: LandingTransients | None = None,
    *,
    earlier_steps_s: FloatArray | None = None,
    rotation: Callable[[], tuple[FloatArray, FloatArray]] | None = None,
) -> dict[str, FloatArray]:
    """The columns of :func:`direction_cues`, one array each (the live detector's windows use them
    without building the table, with ``earlier_steps_s``: the walking trunk's steps measured before the
    window, :func:`typical_walking_step`; ``rotation``: as :func:`direction_cues`')."""
    settings = settings or preset(signals.placement).direction
    m = len(contacts)
    cues: dict[str, FloatArray] = {}
    evidence_x: list[FloatArray] = []
    evidence_free: list[FloatArray] = []
    if signals.placement in ("foot", "shank"):
        transients = transients or LandingTransients(signals, contacts)
        _limb_cues(signals, contacts, settings, transients, cues, evidence_x, rotation)
    elif signals.placement == "lower_back":
        _trunk_cues(signals, contacts, settings, cues, evidence_x, evidence_free, earlier_steps_s)
    if signals.anterior_source == "none":  # no horizontal axis was found: x cues are noise
        evidence_x = []
    heading = _heading_change(signals, contacts, cues, settings)
    if heading is not None:
        cues["heading_change_deg"] = heading
    cues["x_log_odds"] = _sum_evidence(evidence_x, m)
    cues["free_log_odds"] = _sum_evidence(evidence_free, m)
    return cues


def _limb_cues(
    signals: BodySignals,
    contacts: Contacts,
    s: DirectionSettings,
    transients: LandingTransients,
    cues: dict[str, FloatArray],
    evidence_x: list[FloatArray],
    rotation: Callable[[], tuple[FloatArray, FloatArray]] | None = None,
) -> None:
    """Foot and shank cues (into ``cues``) and their axis-reading evidence (into ``evidence_x``); ``rotation``:
    a shank's :func:`shank_rotation_cues` of ``contacts``, where computed already."""
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
    energy = motion_energy(signals.acc_ms2, signals.gyr_dps, fs, acc_weight_dps_per_ms2=s.rest_acc_weight_dps_per_ms2)
    rest = rest_indices(
        signals.acc_ms2,
        signals.gyr_dps,
        fs,
        ic,
        max_stride_s=s.max_stride_s,
        acc_weight_dps_per_ms2=s.rest_acc_weight_dps_per_ms2,
        energy=energy,  # computed once: the own swings' quietest sample reads it too (REVIEW-69)
    )
    pause = _after_pause(ic, prev, nxt, s.pause_stride_ratio)
    dx, dy, turn = _stride_travel(signals, rest, s)
    # after a pause, the contact's own swing where it was measured (DIRECTION-44), else the next contact's stride
    own_dx, own_dy, own_turn, lost = _own_swing_travel(signals, ic, rest, prev, pause, s, energy)
    cues["own_swing_lost"] = lost.astype(np.float64)  # a gap took it: no evidence of its own (DIRECTION-49)
    own = np.isfinite(own_dx)
    cues["stride_dx_m"] = np.where(own, own_dx, _into_or_next(_into(dx, prev), pause, nxt))
    cues["stride_dy_m"] = np.where(own, own_dy, _into_or_next(_into(dy, prev), pause, nxt))
    # the facing lies between the stride's start and end heading: up to half its change off its frame
    spread = np.where(own, 0.5 * np.abs(own_turn), _into_or_next(_into(0.5 * np.abs(turn), prev), pause, nxt))
    cues["stride_facing_spread_deg"] = spread
    cues["stride_turn_deg"] = _into(turn, prev)
    travel = _log_odds(cues["stride_dx_m"], s.stride_dx_scale_m, s.max_cue_log_odds)
    # where no stride vector could be measured, the stride's sagittal rotation stands in: a proxy of how
    # the segment turns in each direction, it claims at most max_proxy_log_odds (DIRECTION-5)
    if signals.placement == "shank":
        swing, pitch_ratio = shank_rotation_cues(signals, contacts, s) if rotation is None else rotation()
        cues["swing_peak_log_ratio"] = swing
        rotation_odds = _log_odds(swing, s.swing_peak_scale_log_ratio, s.max_proxy_log_odds)
        cues["pitch_asymmetry_log_ratio"] = pitch_ratio
    else:
        pitch = stride_pitch(signals.acc_ms2, signals.gyr_dps, fs, rest, s.max_stride_s)
        moment = stride_rotation_moment_deg(signals.acc_ms2, signals.gyr_dps, fs, rest, s.max_stride_s, pitch)
        cues["rotation_moment_deg"] = _into_or_next(_into(moment, prev), pause, nxt)
        rotation_odds = _log_odds(cues["rotation_moment_deg"], s.rotation_moment_scale_deg, s.max_proxy_log_odds)
        cues["pitch_asymmetry_log_ratio"] = _pitch_asymmetry_per_contact(signals, rest, prev, s, pitch)
        cues["strike_consistency"] = _strike_consistency(signals, contacts, s, transients.width_ms, rest)
    evidence_x.append(np.where(np.isfinite(travel), travel, rotation_odds))


def shank_rotation_cues(
    signals: BodySignals, contacts: Contacts, s: DirectionSettings
) -> tuple[FloatArray, FloatArray]:
    """A shank's (swing_peak_log_ratio, pitch_asymmetry_log_ratio) per contact, over the same-leg stride landing on
    it (or leaving it, after a pause: :func:`_stride_window`); shank_rotation.py, a block of strides at a time.
    They read only the contacts and omega_y, so the pipeline starts them once the contacts are known (PERF-96)."""
    assert signals.gyr_dps is not None
    ic = contacts.ic_idx.astype(np.int64)
    prev = previous_same_side(contacts.side, True)
    nxt = next_same_side(contacts.side, True)
    window = _stride_window(ic, prev, nxt, _after_pause(ic, prev, nxt, s.pause_stride_ratio))
    return rotation_cues(Strides(signals.gyr_dps[:, 1], signals.fs_hz, *window), s)


def _heading_change(
    signals: BodySignals, contacts: Contacts, cues: dict[str, FloatArray], s: DirectionSettings
) -> FloatArray | None:
    """Per contact, the wearer's heading change (deg, positive to the left) since the contact before
    (NaN for the first): that of the stride vector landing on it where a foot or shank has one
    (strapdown, a few degrees per stride), else the gyroscope's rate about the vertical integrated
    between the two contacts (turns.heading_changes_deg); None without a gyroscope."""
    stride_turn = cues.get("stride_turn_deg")
    # the gyroscope's turn only where no stride vector tells it (PERF-14: the same values, fewer samples)
    needed = None if stride_turn is None else ~np.isfinite(stride_turn[1:])
    between = heading_changes_deg(signals, contacts.ic_idx, needed)
    if between is None:
        return None
    heading = np.concatenate([[np.nan], between])
    if stride_turn is not None:
        heading = np.where(np.isfinite(stride_turn), stride_turn, heading)
    return np.asarray(heading, dtype=np.float64)


def _stride_travel(
    signals: BodySignals, rest: IntArray, s: DirectionSettings
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per consecutive rest pair: the stride vector's horizontal travel (m) along x and y, in the
    frame halfway between the stride's start and end heading, and its heading change (deg; a turning
    stride keeps its vector, its evidence allows for the facing anywhere between the two headings,
    travel.vector_evidence). The travel is NaN for a stride that did not start and end at rest on level
    ground: a rest whose specific force is not about 1 g (``max_rest_acc_deviation_ms2``; a segment
    at rest, or turning about a still ankle, reads gravity), two rests turning at rates further apart
    than ``max_rest_rate_change_dps`` (a shank's mid-stance turns over the still ankle, so its sensor
    moves at a speed the zero-velocity reset assumes to be the same at both ends: running into a
    standing stop breaks that), or a height change above ``max_stride_rise_m``."""
    assert signals.gyr_dps is not None
    fs = signals.fs_hz
    vectors = stride_vectors(
        signals.acc_ms2, signals.gyr_dps, fs, rest, s.max_stride_s, block_rate_hz=s.strapdown_block_rate_hz
    )
    around = np.clip(
        rest[:, None] + np.arange(-nearest_samples(0.02, fs), nearest_samples(0.02, fs) + 1)[None, :],
        0,
        signals.n_samples - 1,
    )
    # |f| and |omega| of the samples around each rest (norm_rows: np.linalg.norm's numbers, PERF-4); the rows gathered
    # by np.take, the same rows as indexing gives, several times faster (PERF-175)
    near = around.ravel()
    deviation = np.abs(norm_rows(np.take(signals.acc_ms2, near, axis=0)).reshape(around.shape) - STANDARD_GRAVITY_MS2)
    deviation = deviation.mean(axis=1)
    at_rest = (rest >= 0) & (deviation <= s.max_rest_acc_deviation_ms2)
    rate = norm_rows(np.take(signals.gyr_dps, near, axis=0)).reshape(around.shape).mean(axis=1)
    turn = vectors.heading_change_deg
    ok = vectors.valid & at_rest[:-1] & at_rest[1:] & (np.abs(np.diff(rate)) <= s.max_rest_rate_change_dps)
    ok &= np.abs(vectors.dz_m) <= s.max_stride_rise_m
    half = np.radians(-0.5 * np.nan_to_num(turn))
    dx = np.cos(half) * vectors.dx_m - np.sin(half) * vectors.dy_m
    dy = np.sin(half) * vectors.dx_m + np.cos(half) * vectors.dy_m
    return np.where(ok, dx, np.nan), np.where(ok, dy, np.nan), turn


def _trunk_cues(
    signals: BodySignals,
    contacts: Contacts,
    s: DirectionSettings,
    cues: dict[str, FloatArray],
    evidence_x: list[FloatArray],
    evidence_free: list[FloatArray],
    earlier: FloatArray | None = None,
) -> None:
    """Lower-back cues (into ``cues``) and their evidence (axis-reading and frame-free); ``earlier``: walking
    steps (s) measured before these contacts (:func:`typical_walking_step`)."""
    ic = contacts.ic_idx.astype(np.int64)
    to = contacts.to_idx.astype(np.int64)
    has_to = _trunk_toe_offs(signals, contacts, s)
    walking = np.ones(ic.shape[0], dtype=bool)
    if _running_contacts(ic, to, has_to):
        # a contact whose toe-off could not be found in a running session (typically cut by the
        # recording's start or end) has no trustworthy initial contact either: no evidence
        early = _early_stance_braking(signals, ic, has_to, to, s)
        # the first step of a run out of walking has no flight before it, so no flight-timed toe-off, but it
        # runs: its contact is the walking collision its detector found, and its stance brakes (DIRECTION-26)
        cues["early_stance_ax_ms2"] = np.where(has_to | _run_starts(signals, ic, has_to, s), early, np.nan)
        evidence_x.append(_log_odds(-cues["early_stance_ax_ms2"], s.early_stance_scale_ms2, s.max_cue_log_odds))
        # the landing/take-off asymmetry is a running result (Cavagna et al. 2011)
        cues["landing_asymmetry"] = _landing_asymmetry(signals, ic, to, has_to, s)
        evidence_free.append(
            _log_odds(-cues["landing_asymmetry"], s.landing_asymmetry_scale_fraction, s.max_frame_free_log_odds)
        )
        walking = walking_stretch(has_to)
    if walking.any():  # walking, or the walking stretches of a session that also runs
        # a contact with a toe-off (a flight edge) is timed by its flight, and the vertical force of running
        # peaks later in the step: the phase is taken over the walking contacts proper
        offset, step = _vertical_phase_offset(signals, ic, walking & ~has_to, s, earlier)
        level_x, level_y = _trunk_level(signals, s)
        # an interval that holds standing is a stop and a start, not a step (DIRECTION-22)
        stepped = walking & np.append(~standing_between(signals, contacts, s), True)
        along = _braking_contrast(level_x, ic, stepped, signals.fs_hz, s, earlier)
        across = _braking_contrast(level_y, ic, stepped, signals.fs_hz, s, earlier)
        # the steps again, each contact moved to where the vertical oscillation puts it: forward or backward is
        # claimed only where both readings agree (DIRECTION-20; the lateral keeps the detected contacts'), or where
        # they differ, from the contacts whose step times are the more regular (DIRECTION-24)
        anchored = ic - np.round(np.nan_to_num(offset) * step).astype(np.int64)
        along = _sign_agreed(
            along,
            _braking_contrast(level_x, anchored, stepped, signals.fs_hz, s, earlier),
            _contact_phase_error(ic, signals.fs_hz, s, signals.n_samples, walking, earlier),
            _contact_phase_error(anchored, signals.fs_hz, s, signals.n_samples, walking, earlier),
        )
        # a change of speed's force is carried through the stances, in proportion to the vertical force, so it reads
        # in the contrast too: a run speeding up in a walking session read its steps backward (DIRECTION-37)
        along = _acceleration_bounded(along, level_x, signals, ic, stepped, s, earlier)
        if not meets_rate(signals.fs_hz, s.walking_min_rate_hz):
            # below it the walking trunk's contacts are not timed finely enough for the phase-bound contrast
            # (DIRECTION-19; RATE-2: at 25-26 Hz fast walking still read reversed): no evidence
            along, across = np.full_like(along, np.nan), np.full_like(across, np.nan)
        cues["braking_contrast_ms2"] = along
        cues["lateral_contrast_ms2"] = across
        cues["contact_phase_error_steps"] = _contact_phase_error(
            ic, signals.fs_hz, s, signals.n_samples, walking, earlier
        )
        cues["vertical_phase_error_steps"] = np.abs(offset)
        # the steps each braking contrast stands for: an interval between two walking contacts that holds missed
        # contacts is that many steps (DIRECTION-15's split) of evidence and of links of the chain (DIRECTION-27);
        # one into a running contact is the step into the run, whatever its length
        _, parts, measured, _ = _step_bounds(ic, signals.fs_hz, s, signals.n_samples, walking, earlier)
        walks_on = np.append(walking[1:] & ~has_to[1:], False)
        held = np.where(walks_on, parts, 1)
        cues["interval_steps"] = np.where(measured & np.isfinite(along), held, np.nan).astype(np.float64)
        evidence_x.append(_log_odds(-cues["braking_contrast_ms2"], s.braking_contrast_scale_ms2, s.max_cue_log_odds))


def _run_starts(
    signals: BodySignals, ic: IntArray, has_to: NDArray[np.bool_], s: DirectionSettings
) -> NDArray[np.bool_]:
    """Lower-back contacts that start a run out of walking: no toe-off, the contact before without one
    either (walking), the next with one (running), and a flight between this contact and the next (the
    vertical specific force below ``run_start_flight_g``) within ``max_stride_s`` (a longer interval is a
    pause). A toe-off is a flight edge found with a flight on both sides of the step, so the first running step,
    which has none before it, gets no toe-off; its own step still ends in a flight."""
    m = ic.shape[0]
    out = np.zeros(m, dtype=bool)
    if m < 3:
        return out
    seam = np.zeros(m, dtype=bool)
    seam[1:-1] = ~has_to[1:-1] & ~has_to[:-2] & has_to[2:]
    longest = max(
        1, nearest_samples(s.max_stride_s, signals.fs_hz)
    )  # a longer interval is a pause, not a step into a run
    nxt = np.append(ic[1:], -1)
    k = np.flatnonzero(seam & (ic >= 0) & (nxt > ic) & (nxt - ic <= longest) & (ic < signals.n_samples))
    if k.size:
        lo, hi = ic[k], np.minimum(ic[k + 1], signals.n_samples)
        lost = np.concatenate([[0], np.cumsum(signals.gap)])
        _, low = window_extremes(signals.acc_ms2[:, 2], lo, hi, max_len=longest)
        out[k] = (low < s.run_start_flight_g * STANDARD_GRAVITY_MS2) & (lost[hi] == lost[lo])
    return out


def _trunk_toe_offs(signals: BodySignals, contacts: Contacts, s: DirectionSettings) -> NDArray[np.bool_]:
    """Lower-back contacts with a toe-off within 0.9 of their same-leg stride (a flight edge: running)."""
    ic = contacts.ic_idx.astype(np.int64)
    to = contacts.to_idx.astype(np.int64)
    prev = previous_same_side(contacts.side, False)
    nxt = next_same_side(contacts.side, False)
    stride = _stride_samples(ic, prev, nxt, signals.fs_hz, s.max_stride_s)
    return np.asarray((to > ic) & (to - ic < 0.9 * np.where(np.isfinite(stride), stride, np.inf)), dtype=bool)


def _trunk_walking(signals: BodySignals, contacts: Contacts, s: DirectionSettings) -> NDArray[np.bool_]:
    """Lower-back walking contacts proper, as :func:`_trunk_cues` takes them for the vertical phase: no
    toe-off, and in a session that also runs, none at either neighbour (:func:`walking_stretch`)."""
    has_to = _trunk_toe_offs(signals, contacts, s)
    if _running_contacts(contacts.ic_idx.astype(np.int64), contacts.to_idx.astype(np.int64), has_to):
        return np.asarray(walking_stretch(has_to) & ~has_to, dtype=bool)
    return np.asarray(~has_to, dtype=bool)


def _typical_walking_step(
    ic: IntArray, fs: float, s: DirectionSettings, n: int, walking: NDArray[np.bool_], earlier: FloatArray | None = None
) -> float:
    """The walking trunk's typical step (samples): :func:`typical_walking_step` of the ``walking`` contacts'
    measured steps (:func:`_step_bounds`) and the ``earlier`` ones (s), 0 without enough of them."""
    _, _, _, step_ok = _step_bounds(ic, fs, s, n, walking)
    return typical_walking_step(np.diff(ic)[(step_ok & walking)[:-1]], fs, earlier)


def typical_walking_step(steps: IntArray, fs: float, earlier_s: FloatArray | None = None) -> float:
    """The walking trunk's typical step (samples at ``fs`` Hz): the median of its measured walking ``steps``
    (samples) over at least TYPICAL_STEP_MIN_STEPS of them, else 0 (none).

    ``earlier_s``: the walking steps (s) the live detector measured before its window (LIVE-24). A 4 s window
    holds 7-9 walking steps, fewer than the minimum, and a window of a walk whose every other contact is
    missed has mostly double intervals: it cannot tell them apart. Once at least TYPICAL_STEP_MIN_STEPS steps
    were measured before it, the typical step is the median of those and the window's own, as offline over
    the session's steps received so far; before that, the window's own only (a few steps of the window
    would outweigh the earlier ones: the minimum's reason)."""
    if earlier_s is not None and np.asarray(earlier_s).size >= TYPICAL_STEP_MIN_STEPS:
        return float(np.median(np.concatenate([steps, np.asarray(earlier_s, dtype=np.float64) * fs])))
    if steps.size < TYPICAL_STEP_MIN_STEPS:
        return 0.0
    return float(np.median(steps))


def walking_steps_s(signals: BodySignals, contacts: Contacts, settings: DirectionSettings) -> FloatArray:
    """(m,) per contact of a walking trunk, its measured walking step (s) -- the interval to the next contact
    that :func:`typical_walking_step` takes the median of -- else NaN (another placement: all NaN)."""
    out = np.full(len(contacts), np.nan)
    if signals.placement != "lower_back" or len(contacts) < 2:
        return out
    ic = contacts.ic_idx.astype(np.int64)
    walking = _trunk_walking(signals, contacts, settings)
    _, _, _, step_ok = _step_bounds(ic, signals.fs_hz, settings, signals.n_samples, walking)
    walked = step_ok & walking
    out[walked] = (np.append(ic[1:], 0) - ic)[walked] / signals.fs_hz
    return out


def _sign_agreed(a: FloatArray, b: FloatArray, error_a: FloatArray, error_b: FloatArray) -> FloatArray:
    """Per element, ``a`` where a second reading ``b`` of the same quantity has its sign; where they differ, ``b``
    if its contacts lie closer to the gait's phase by their step times (``error_b`` < ``error_a``, both
    :func:`_contact_phase_error`), else 0 (no evidence either way); NaN where either is NaN.

    The walking trunk's braking contrast is phase-bound: from contacts early by 0.15-0.25 step (the
    simulated lower back; DIRECTION-16's cosine model puts the zero at a quarter step) it already
    reverses, and contacts shifted alike keep regular step times. ``a`` is read from the detected contacts,
    ``b`` from the contacts moved to the session's phase in the vertical oscillation
    (:func:`_vertical_phase_offset`); either may be the one off, so where they disagree the sign is kept only
    from the contacts that also walk regularly (a contact d steps off makes its two steps 1 + d and 1 - d long;
    DIRECTION-24: after a stepping turn the detected contacts split and skip steps, the moved ones do not)."""
    disagree = np.sign(a) != np.sign(b)
    regular = disagree & (np.asarray(error_b) < np.asarray(error_a))
    return np.where(~disagree, a, np.where(np.isnan(a + b), np.nan, np.where(regular, b, 0.0)))


def _stride_samples(ic: IntArray, prev: IntArray, nxt: IntArray, fs: float, max_stride_s: float) -> FloatArray:
    """Same-leg stride length (samples) around each contact: to the previous same-leg contact,
    else to the next one; NaN when neither exists or it is longer than ``max_stride_s``."""
    before = np.where(prev >= 0, ic - ic[np.maximum(prev, 0)], -1).astype(np.float64)
    after = np.where(nxt >= 0, ic[np.maximum(nxt, 0)] - ic, -1).astype(np.float64)
    stride = np.where(before > 0, before, after)
    return np.where((stride > 0) & (stride <= max_stride_s * fs), stride, np.nan)


def _after_pause(ic: IntArray, prev: IntArray, nxt: IntArray, ratio: float) -> NDArray[np.bool_]:
    """Contacts whose same-leg stride before is a pause or a gait start rather than a stride: more
    than ``ratio`` times the stride after, the leg's median stride and the stride before it (or no
    stride before at all). The median and the stride before guard a normal stride before a short one
    (a turning step, a stutter, the first side-step) from passing for a pause: the median alone does
    not where the session also runs, whose strides make it short (DIRECTION-23)."""
    big = np.iinfo(np.int64).max // 4
    before = np.where(prev >= 0, ic - ic[np.maximum(prev, 0)], big)
    after = np.where(nxt >= 0, ic[np.maximum(nxt, 0)] - ic, -1)
    earlier = np.where(prev >= 0, before[np.maximum(prev, 0)], big)  # the stride before that one
    earlier = np.where(earlier == big, 0, earlier)
    strides = after[after > 0]
    typical = float(np.median(strides)) if strides.size else 0.0
    return (after > 0) & (before > ratio * np.maximum(np.maximum(after, typical), earlier))


def _into_or_next(into: FloatArray, after_pause: NDArray[np.bool_], nxt: IntArray) -> FloatArray:
    """A stride cue of the stride landing on each contact, or -- for the first contact after a
    pause, on which no stride lands -- that of the stride leaving it (the next contact's). A landing
    stride that could not be measured is not replaced: the stride leaving a stop may start a new
    bout in another direction."""
    following = np.where(nxt >= 0, into[np.maximum(nxt, 0)], np.nan)
    use_next = after_pause & np.isfinite(following)
    return np.where(use_next, following, into)


def _own_swing_travel(
    signals: BodySignals,
    ic: IntArray,
    rest: IntArray,
    prev: IntArray,
    pause: NDArray[np.bool_],
    s: DirectionSettings,
    energy: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.bool_]]:
    """Per contact after a pause with a contact of its leg before it: the stride of its own swing (m, m, deg: as
    :func:`_stride_travel`), from the quietest sample within one median stride before the contact (and after
    the rest of the leg's contact before) to its own rest; NaN elsewhere or where it was not measured (a swing
    holding samples of a recording gap is interpolated, not measured: REVIEW-67); and whether a gap took it (the
    fourth array: not measured, with a gap in the swing or in the window searched for its start, whose rest may lie
    in the gap; the contact then has no evidence of its own, DIRECTION-49, REVIEW-102). ``energy``: the motion energy
    :func:`~retrogait.analysis.zupt.rest_indices` found the rests with (REVIEW-69).

    A same-leg interval of two strides or more is a stop -- the landing stride then also holds the step the
    foot came to rest with, the bout before's -- or a contact the detector missed (in a stepping turn's pivot,
    DIRECTION-43/44): either way the swing that lands on the contact starts from the last rest before it
    (the standing, or the missed contact's stance). The stride leaving the contact (taken before) is the next
    contact's: counted twice, and at a change of direction the other direction's (a walk turning round and
    then walking backward without a stop read its last forward contact `backward` at 1.000)."""
    nan = np.full(ic.size, np.nan)
    lost_swing = np.zeros(ic.size, dtype=bool)
    k = np.flatnonzero(pause & (prev >= 0) & (rest >= 0))
    if k.size == 0:
        return nan, nan.copy(), nan.copy(), lost_swing
    assert signals.gyr_dps is not None
    strides = ic[prev >= 0] - ic[np.maximum(prev, 0)][prev >= 0]
    typical = int(np.median(strides))
    earlier_rest = rest[prev[k]]
    start = np.maximum(ic[k] - typical, np.where(earlier_rest >= 0, earlier_rest + 1, 0))
    before = window_argmin(energy, start, ic[k], max_len=typical)
    pairs = np.column_stack([before, rest[k]]).ravel()  # (before_0, rest_0, before_1, rest_1, ...): every other stride
    ok = (before >= 0) & (before < rest[k])  # the odd pairs (a rest to the next window) are not read
    searched_gap = np.zeros(k.size, dtype=bool)
    if signals.gap.any():  # a swing across a gap is interpolated, not measured (REVIEW-67)
        lost = np.concatenate([[0], np.cumsum(signals.gap)])
        ok &= lost[rest[k] + 1] == lost[np.maximum(before, 0)]
        # the window searched for the swing's start held a gap: the rest it started from may be in it (REVIEW-102)
        searched_gap = lost[rest[k] + 1] != lost[start]
    dx, dy, turn = (v[0::2] for v in _stride_travel(signals, pairs, s))
    out = [nan, nan.copy(), nan.copy()]
    for o, v in zip(out, (dx, dy, turn), strict=True):
        o[k] = np.where(ok, v, np.nan)
    # not measured where a gap held the swing or the window its start was searched in (DIRECTION-49, REVIEW-102)
    lost_swing[k] = searched_gap & ~np.isfinite(out[0][k])
    return out[0], out[1], out[2], lost_swing


def _stride_window(ic: IntArray, prev: IntArray, nxt: IntArray, pause: NDArray[np.bool_]) -> tuple[IntArray, IntArray]:
    """[start, stop) of the same-leg stride landing on each contact (previous contact to this one),
    or of the stride leaving it when there is none or the one before was a pause."""
    has_prev = (prev >= 0) & ~pause
    start = np.where(has_prev, ic[np.maximum(prev, 0)], ic)
    stop = np.where(has_prev, ic, np.where(nxt >= 0, ic[np.maximum(nxt, 0)], ic))
    return start, stop


def _strike_consistency(
    signals: BodySignals, contacts: Contacts, s: DirectionSettings, width_ms: FloatArray, rest: IntArray
) -> FloatArray:
    """Facing check for a foot (frame-free in effect): a heel landing is sharp (impact transient
    narrower than ~12 ms), a toe landing soft (wider than ~20 ms), whichever way the foot travels;
    and a heel landing has the toes up. So sharpness x sign of the measured strike angle is
    positive when the frame's +x is the toes' side. Per contact in [-1, 1]; NaN when unmeasured.
    ``width_ms`` (m,): the landings' impact-transient width (transient.LandingTransients); ``rest``
    (m,): the stances' rest points."""
    assert signals.gyr_dps is not None
    angle = contact_to_rest_rotation_deg(signals.acc_ms2, signals.gyr_dps, signals.fs_hz, contacts.ic_idx, rest)
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
    signals: BodySignals, rest: IntArray, prev: IntArray, s: DirectionSettings, pitch: StridePitch
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
        pitch=pitch,
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
    start = ic - nearest_samples(0.02, fs)
    stop = np.where(rest > ic, rest, ic + nearest_samples(0.06, fs))
    # f_x of the flat, still foot is the frame's own tilt: not an acceleration
    half = nearest_samples(0.02, fs)
    baseline = np.where(rest > ic, window_mean(fx, rest - half, rest + half + 1), 0.0)
    impulse = window_sum(fx, start, stop) / fs - baseline * (stop - start) / fs
    return np.where((start >= 0) & (stop <= fx.shape[0]), impulse, np.nan)


def _trunk_anterior(signals: BodySignals, s: DirectionSettings) -> FloatArray:
    """Anterior acceleration (m/s^2) minus its moving mean over ``tilt_window_s``: over whole strides
    the mean horizontal acceleration is zero, so what the mean removes is the sensor's tilt (gravity)."""
    ax = signals.acc_ms2[:, 0]
    return ax - moving_average(ax, nearest_samples(s.tilt_window_s, signals.fs_hz))


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


def _trunk_level(signals: BodySignals, s: DirectionSettings) -> tuple[FloatArray, FloatArray]:
    """Anterior and left acceleration (m/s^2) of the trunk in a level frame: the moving mean over
    ``tilt_window_s`` removes the sensor's static tilt (over whole strides the mean horizontal
    acceleration is zero); with a gyroscope the tilt's swing about it (the pelvis pitches and rolls a
    few degrees every step, which leaks g sin(tilt) into the horizontal axes) is removed as well, from
    the integrated rate with its own moving mean removed."""
    fs = signals.fs_hz
    width = nearest_samples(s.tilt_window_s, fs)
    ax = _trunk_anterior(signals, s)
    ay = signals.acc_ms2[:, 1] - moving_average(signals.acc_ms2[:, 1], width)
    if signals.gyr_dps is not None:
        pitch = np.cumsum(np.radians(signals.gyr_dps[:, 1])) / fs  # front down: gravity leaks into -x
        roll = np.cumsum(np.radians(signals.gyr_dps[:, 0])) / fs  # left side up: gravity leaks into +y
        ax = ax + STANDARD_GRAVITY_MS2 * (pitch - moving_average(pitch, width))
        ay = ay - STANDARD_GRAVITY_MS2 * (roll - moving_average(roll, width))
    return ax, ay


def _braking_contrast(
    a: FloatArray,
    ic: IntArray,
    walking: NDArray[np.bool_],
    fs: float,
    s: DirectionSettings,
    earlier: FloatArray | None = None,
) -> FloatArray:
    """Walking (no toe-off): the braking contrast (m/s^2) per contact of one axis ``a`` of the level-frame
    acceleration (:func:`_trunk_level`: x along the travel, y across it), NaN outside ``walking``: ``a``
    averaged over the first half of the step minus the second half (:func:`_step_contrast`), then averaged
    with the mean of its neighbours' -- two steps, one of each leg, so the sway that alternates from step to
    step cancels and the braking along the travel stays. Forward walking brakes from contact to mid single
    support and is propelled after it (x negative), backward walking the reverse, side-steps along y."""
    return _with_neighbours(np.where(walking, _step_contrast(a, ic, fs, s, walking, earlier), np.nan))


def _with_neighbours(c: FloatArray) -> FloatArray:
    """Per step, half its own ``c`` and half the mean of its neighbours' (those not NaN; its own alone without)."""
    around = np.vstack([np.concatenate([[np.nan], c[:-1]]), np.concatenate([c[1:], [np.nan]])])
    count = np.isfinite(around).sum(axis=0)
    neighbours = np.where(count > 0, np.nansum(around, axis=0) / np.maximum(count, 1), np.nan)
    return np.where(np.isfinite(neighbours), 0.5 * (c + neighbours), c)


def _acceleration_bounded(
    contrast: FloatArray,
    a: FloatArray,
    signals: BodySignals,
    ic: IntArray,
    walking: NDArray[np.bool_],
    s: DirectionSettings,
    earlier: FloatArray | None = None,
) -> FloatArray:
    """The braking ``contrast`` (:func:`_braking_contrast` of ``a``) less the most that a change of speed could add
    to it, towards 0 and never past it (so never a surer cue). The travel's acceleration A (m/s^2): each step's mean
    of ``a`` (the braking and propulsion of steady walking or running cancel over a step) averaged with its
    neighbours' as the contrast is, half and half -- a stride, so the legs' alternating step-to-step differences
    cancel. A change of speed is delivered through the stances in proportion to the vertical force (the
    ground-reaction force tilted along the travel: a runner speeding up leans into it; Kugler & Janshen 2010, Morin
    et al. 2011), so it adds A times K, the contrast of the vertical force over its moving mean (first half of the
    step minus the second, averaged alike: about 0.1-0.2 in walking, whose load spans the step, 1-2 for running
    steps, whose stance fills the first half). |A K| (``acceleration_vertical_fraction`` of it) is taken off: not its
    sign, as the moving mean that removes the tilt (``tilt_window_s``) spreads a change of speed over the
    neighbouring steps with the opposite sign."""
    if s.acceleration_vertical_fraction <= 0.0:
        return contrast
    stop, _, ok, _ = _step_bounds(ic, signals.fs_hz, s, a.shape[0], walking, earlier)
    z = signals.acc_ms2[:, 2]
    load = z / np.maximum(
        moving_average(z, nearest_samples(s.tilt_window_s, signals.fs_hz)), 0.5 * STANDARD_GRAVITY_MS2
    )
    share = _braking_contrast(load, ic, walking, signals.fs_hz, s, earlier)
    mean = np.where(ok & walking, window_mean(a, np.clip(ic, 0, a.shape[0]), np.clip(stop, 0, a.shape[0])), np.nan)
    bound = s.acceleration_vertical_fraction * np.abs(_with_neighbours(mean) * share)
    left = np.maximum(np.abs(contrast) - np.nan_to_num(bound), 0.0)
    return np.where(np.isfinite(contrast), np.sign(contrast) * left, np.nan)


def _step_contrast(
    a: FloatArray,
    ic: IntArray,
    fs: float,
    s: DirectionSettings,
    walking: NDArray[np.bool_] | None = None,
    earlier: FloatArray | None = None,
) -> FloatArray:
    """Acceleration ``a`` (m/s^2) averaged over the first half of each step (from this contact to the
    next of either leg) minus the second half; the last step of a bout lasts a typical step.

    An interval of about n >= 2 typical walking steps (the median step of the ``walking`` contacts,
    default all, and the ``earlier`` ones: :func:`typical_walking_step`; from ``missed_step_ratio`` of them on: n =
    floor(ratio + 2 - missed_step_ratio)) holds n - 1 contacts the detector missed, typically the other
    leg's: over it, first half minus second half would be one leg's step minus the other's -- their
    alternating sway, not the braking (a simulated walk with every other contact missed read lateral,
    `unknown`). It is split into n equal steps and their contrasts averaged (one step of each leg)."""
    m = ic.shape[0]
    n = a.shape[0]
    stop, parts, ok, _ = _step_bounds(ic, fs, s, n, walking, earlier)
    contrast = np.zeros(m)
    for k in range(int(parts.max(initial=1))):
        here = parts > k
        lo = np.clip(ic + ((stop - ic) * k) // parts, 0, n)
        hi = np.clip(ic + ((stop - ic) * (k + 1)) // parts, 0, n)
        mid = (lo + hi) // 2
        part = window_mean(a, lo, mid) - window_mean(a, mid, hi)
        contrast += np.where(here, part, 0.0)
    contrast /= parts
    return np.where(ok, contrast, np.nan)


def _step_bounds(
    ic: IntArray,
    fs: float,
    s: DirectionSettings,
    n: int,
    walking: NDArray[np.bool_] | None = None,
    earlier: FloatArray | None = None,
) -> tuple[IntArray, IntArray, NDArray[np.bool_], NDArray[np.bool_]]:
    """The walking trunk's steps of :func:`_step_contrast`: per contact the step's end (the next
    contact of either leg, or a typical step on for the last of a bout), the number of steps the
    interval holds (``missed_step_ratio``), whether the step can be measured within the ``n``
    samples, and whether it ends at a real next contact (not the typical step's stand-in). The typical
    walking step: :func:`typical_walking_step` of the ``walking`` steps and the ``earlier`` ones (s)."""
    m = ic.shape[0]
    next_any = np.full(m, -1, dtype=np.int64)
    next_any[:-1] = ic[1:]
    step_ok = (next_any > ic) & (next_any - ic <= 0.5 * s.max_stride_s * fs)
    # the last step of a bout: a typical step's length
    typical = int(np.median(next_any[step_ok] - ic[step_ok])) if step_ok.any() else 0
    stop = np.where(step_ok, next_any, ic + typical)
    # a step cut off by the end of the recording would show braking without its propulsion
    ok = (step_ok | (typical > 0)) & (ic >= 0) & (stop <= n)
    parts = np.ones(m, dtype=np.int64)
    walked = step_ok if walking is None else step_ok & walking
    step = typical_walking_step(next_any[walked] - ic[walked], fs, earlier)
    if step > 0:
        ratio = (stop - ic) / step
        parts = np.maximum(np.floor(np.where(ok, ratio, 1.0) + 2.0 - s.missed_step_ratio), 1).astype(np.int64)
    return stop, parts, ok, step_ok


def _contact_phase_error(
    ic: IntArray, fs: float, s: DirectionSettings, n: int, walking: NDArray[np.bool_], earlier: FloatArray | None = None
) -> FloatArray:
    """Per walking contact, how far (in steps) the contacts bounding its step may lie off the gait's
    phase: ``|T_before - T_after| / (T_before + T_after)`` of the steps on either side of a contact
    (a missed contact's interval counted as its :func:`_step_bounds` steps), the larger of the step's
    two contacts. Walking is regular from one step to the next (left and right steps differ by a few
    per cent), so a contact placed a fraction d of a step off the true one makes the step before it
    1 + d and the one after 1 - d steps long: the measure is d. NaN where neither contact has a
    measured step on both sides."""
    stop, parts, ok, step_ok = _step_bounds(ic, fs, s, n, walking, earlier)
    length = np.where(ok & step_ok & walking, (stop - ic) / parts, np.nan)
    before, after = length[:-1], length[1:]
    at = np.full(ic.shape[0] + 1, np.nan)  # at[j]: contact j, from the steps j - 1 and j
    at[1 : ic.shape[0]] = np.abs(before - after) / (before + after)
    return np.where(walking, np.fmax(at[:-1], at[1:]), np.nan)


def _vertical_phase_offset(
    signals: BodySignals,
    ic: IntArray,
    walking: NDArray[np.bool_],
    s: DirectionSettings,
    earlier: FloatArray | None = None,
) -> tuple[FloatArray, float]:
    """Per walking contact, how far (in steps, -0.5..0.5, negative where the contact lies early) it lies off
    the phase of the trunk's own vertical oscillation, and the typical walking step (samples; 0 with no
    measured walking step): the phase of the vertical acceleration's step-frequency component (one cycle per typical
    walking step, a Hann window of ``vertical_phase_window_steps`` steps centred on the contact) minus the
    session's phase (the circular median of its walking contacts' phases, weighted by the size of their
    components: the clear oscillations weigh most), over 2 pi. The vertical force peaks at the same point of
    every walking step, a little after the contact (loading, double support), and time reversal mirrors it
    about double support, so backward walking keeps that point: a contact whose component is off the
    session's by d steps lies d steps off the gait's phase. Unlike :func:`_contact_phase_error` this needs
    no step times, so it sees contacts shifted alike and contacts next to missed ones; not a session most of
    whose contacts are off alike (the reference is theirs). NaN outside walking, where the window leaves the
    recording, with no measured walking step (typical step: the median of them), and where the window holds
    no step rhythm (:func:`_rhythm_share` below ``vertical_rhythm_min_fraction``: around the first step of a
    change of direction, whose load is missing, the phase is that of whatever else the window holds); such
    windows do not count towards the session's phase either (DIRECTION-18)."""
    m = ic.shape[0]
    out = np.full(m, np.nan)
    stop, parts, ok, step_ok = _step_bounds(ic, signals.fs_hz, s, signals.n_samples, walking, earlier)
    measured = ok & step_ok & walking
    if not measured.any():
        return out, 0.0
    step = float(np.median((stop - ic)[measured] / parts[measured]))
    half, basis, taper = _step_window(step, s)
    inside = walking & (ic - half >= 0) & (ic + half < signals.n_samples)
    if not inside.any():
        return out, step
    component, share = _windowed_components(_vertical_load(signals, s), ic[inside] - half, basis, taper)
    phase = np.arctan2(component[:, 1], component[:, 0]) / (2.0 * np.pi)  # steps
    weight = np.hypot(component[:, 0], component[:, 1])
    rhythm = share >= s.vertical_rhythm_min_fraction
    if not rhythm.any():
        return out, step
    # the session's phase: the weighted circular median (contacts off it do not pull it while they are fewer)
    grid = np.arange(PHASE_GRID_STEPS) / PHASE_GRID_STEPS
    spread = np.abs((phase[None, rhythm] - grid[:, None] + 0.5) % 1.0 - 0.5) @ weight[rhythm]
    reference = grid[int(np.argmin(spread))]
    # the component's phase is minus the load's lag after the contact: a contact early by x steps reads -x
    out[np.flatnonzero(inside)[rhythm]] = (phase[rhythm] - reference + 0.5) % 1.0 - 0.5
    return out, step


def _step_window(step: float, s: DirectionSettings) -> tuple[int, FloatArray, FloatArray]:
    """The walking trunk's window about a contact for a typical step of ``step`` samples: its half length
    (``vertical_phase_window_steps`` / 2 steps, samples), the Hann-tapered step-frequency basis
    (window length, 2: cosine, minus sine) and the taper."""
    half = max(round(0.5 * s.vertical_phase_window_steps * step), 1)
    lag = np.arange(-half, half + 1)
    taper = 0.5 * (1.0 + np.cos(np.pi * lag / (half + 1)))
    basis = taper[:, None] * np.stack([np.cos(2.0 * np.pi * lag / step), -np.sin(2.0 * np.pi * lag / step)], axis=1)
    return half, basis, taper


#: Windows gathered per block in :func:`_windowed_components` (x their length in samples = the block's copy).
WINDOW_BLOCK_SAMPLES = 1 << 18


def _windowed_components(
    a: FloatArray, starts: IntArray, basis: FloatArray, taper: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Per window ``a[start : start + len(taper)]``: its projection on ``basis`` (k, 2) and its
    :func:`_rhythm_share`. Windows are copied a block at a time (at most ``WINDOW_BLOCK_SAMPLES`` values,
    2 MB), not all at once: at 1000 Hz an hour of walking holds ~6500 windows of ~1100 samples (57 MB)."""
    width = taper.size
    view = np.lib.stride_tricks.sliding_window_view(a, width)
    component = np.empty((starts.size, basis.shape[1]))
    share = np.empty(starts.size)
    block = max(WINDOW_BLOCK_SAMPLES // width, 1)
    for lo in range(0, starts.size, block):  # per block of windows, not per sample
        rows = view[starts[lo : lo + block]]
        component[lo : lo + block] = rows @ basis
        size = np.hypot(component[lo : lo + block, 0], component[lo : lo + block, 1])
        share[lo : lo + block] = _rhythm_share(size, rows, taper)
    return component, share


def _rhythm_share(size: FloatArray, rows: FloatArray, taper: FloatArray) -> FloatArray:
    """Per window (``rows``, weighted by ``taper``), the share of its RMS that its step-frequency
    oscillation carries: the oscillation's amplitude, 2 ``size`` / sum(taper) (``size``: the magnitude of
    the tapered step-frequency component), over sqrt(2) times the tapered RMS. 1 for a pure oscillation at
    the step frequency, its square the share of the variance; a lone load (one dip or peak, no rhythm)
    spreads over every frequency and carries little of it."""
    total = taper.sum()
    rms = np.sqrt(np.maximum((rows * rows) @ taper, 0.0) / total)
    amplitude = 2.0 * size / total
    return np.asarray(amplitude / np.maximum(np.sqrt(2.0) * rms, np.finfo(np.float64).tiny), dtype=np.float64)


def _vertical_load(signals: BodySignals, s: DirectionSettings) -> FloatArray:
    """Vertical acceleration (m/s^2) minus its moving mean over ``tilt_window_s``: gravity and any
    calibration offset go, since the mean vertical acceleration over whole strides is zero."""
    z = signals.acc_ms2[:, 2]
    return z - moving_average(z, nearest_samples(s.tilt_window_s, signals.fs_hz))


def _landing_asymmetry(
    signals: BodySignals, ic: IntArray, to: IntArray, has_to: NDArray[np.bool_], s: DirectionSettings
) -> FloatArray:
    """Centroid in time of the vertical load above 1 g within stance, as a fraction of stance,
    minus 0.5. Forward running lands hard and takes off soft (load early, negative); backward
    running lands soft and takes off hard (Cavagna et al. 2011). Needs toe-off; NaN otherwise."""
    load = np.clip(_vertical_load(signals, s), 0.0, None)
    n = load.shape[0]
    sums = np.empty((n + 1, 2))  # the load and its moment about the first sample, summed at once (PERF-43)
    sums[1:, 0] = load
    np.multiply(load, np.arange(n, dtype=np.float64), out=sums[1:, 1])
    del load
    mass, moment = paired_window_sums(sums, ic, to)
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


def facing_probability_from_cues(cues: CueTable, settings: DirectionSettings = DirectionSettings()) -> float:
    """P(the sensor's +x axis is the wearer's anterior) from frame-free evidence.

    Two sources, both systematic (so they are capped, not allowed to grow without bound with the
    number of steps): how each step's frame-free evidence agrees with its axis-reading evidence,
    ``sum_i free_i * tanh(x_i)``; and, with a gyroscope on the leg, the anatomical pitch asymmetry
    (median over strides; the shank's is firm, the foot's less so in backward walking: the scale and
    cap of ``settings``, which the shank preset sets firmer)."""
    x = np.asarray(cues["x_log_odds"], dtype=np.float64)
    free = np.asarray(cues["free_log_odds"], dtype=np.float64)
    cap = settings.max_facing_log_odds
    facing = float(np.clip(np.sum(free * np.tanh(x)), -cap, cap))
    if "pitch_asymmetry_log_ratio" in cues:
        ratio = np.asarray(cues["pitch_asymmetry_log_ratio"], dtype=np.float64)
        ratio = ratio[np.isfinite(ratio)]
        if ratio.size:
            anatomy_cap = settings.anatomy_cap_log_odds
            facing += float(np.clip(np.median(ratio) / settings.anatomy_scale_log_ratio, -anatomy_cap, anatomy_cap))
    if "strike_consistency" in cues:
        strike = np.asarray(cues["strike_consistency"], dtype=np.float64)
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


def _sigmoid(z: FloatArray) -> FloatArray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))
