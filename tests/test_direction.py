"""Per-step run direction on generated sessions (tests/synthgait.py) and the evidence smoother."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from retrogait.analysis.direction import (
    direction_cues,
    direction_probabilities,
    facing_probability,
    link_switch_probability,
    standing_between,
    step_directions,
)
from retrogait.analysis.settings import DirectionSettings
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.travel import FORGET, axis_evidence, smooth_states
from synthgait import SynthBout, synth_session

MIXED = [
    SynthBout("forward"),
    SynthBout("backward", stride_m=1.6),
    SynthBout("forward", strike_angle_deg=-5.0),
    SynthBout("backward", stride_m=1.6, stride_s=0.66),
]


def _accuracy(labels: np.ndarray, truth: np.ndarray) -> float:
    return float((labels == truth).mean())


@pytest.mark.parametrize(("placement", "with_gyro"), [("foot", True), ("foot", False), ("shank", True)])
def test_mixed_session_direction_step_by_step(placement: str, with_gyro: bool) -> None:
    session = synth_session(MIXED, placement=placement, with_gyro=with_gyro, pause_s=1.0)
    out = step_directions(session.signals, session.contacts)
    assert list(out.columns) == ["direction", "direction_confidence"]
    assert len(out) == len(session.contacts)
    # the first contact of each generated bout after its pause (the foot starts from rest) has no landing
    # impulse nor, mostly, a swing landing on it: without a gyroscope it may stay unknown, and with one too
    # since it reads its own swing, not the next contact's stride (DIRECTION-44), but never wrong
    minimum = 0.97
    labels = out.direction.to_numpy()
    assert _accuracy(labels, session.direction) >= minimum
    assert ((labels == session.direction) | (labels == "unknown")).all()
    if with_gyro:  # only there (REVIEW-68): a forward bout's first contact after its pause (its foot does not swing)
        firsts = np.cumsum([0] + [bout.strides for bout in MIXED[:-1]])
        no_swing = [k for k, bout in zip(firsts, MIXED, strict=True) if bout.direction == "forward" and k > 0]
        assert set(np.flatnonzero(labels == "unknown")) <= set(no_swing)
    assert out.direction_confidence.between(1 / 3, 1.0).all()


def test_shank_without_gyro_says_unknown() -> None:
    session = synth_session(MIXED, placement="shank", with_gyro=False, pause_s=1.0)
    out = step_directions(session.signals, session.contacts)
    assert (out.direction == "unknown").all()
    np.testing.assert_allclose(out.direction_confidence, 1 / 3)


def test_both_directions_are_reported_not_just_forward() -> None:
    session = synth_session([SynthBout("backward")], placement="foot")
    out = step_directions(session.signals, session.contacts)
    assert (out.direction == "backward").mean() >= 0.99
    assert out.direction_confidence.median() > 0.95


def test_foot_cues_have_the_physical_signs() -> None:
    session = synth_session([SynthBout("forward"), SynthBout("backward")], placement="foot", pause_s=1.0)
    cues = direction_cues(session.signals, session.contacts)
    fwd, bwd = session.direction == "forward", session.direction == "backward"
    assert cues.rotation_moment_deg[fwd].median() > 1 > -1 > cues.rotation_moment_deg[bwd].median()
    assert cues.stride_dx_m[fwd].median() > 1.5
    assert cues.stride_dx_m[bwd].median() < -1.5


def test_no_evidence_gives_unknown_at_a_third() -> None:
    session = synth_session([SynthBout("forward", strides=6)], placement="foot")
    still = replace(
        session.signals,
        acc_ms2=np.tile([0.0, 0.0, 9.80665], (session.signals.t_s.shape[0], 1)),
        gyr_dps=np.zeros_like(session.signals.acc_ms2),
    )
    out = step_directions(still, session.contacts)
    assert (out.direction == "unknown").all()
    np.testing.assert_allclose(out.direction_confidence, 1 / 3, atol=0.05)  # three travel states
    assert DirectionSettings().unknown_below_confidence > 0.5
    probs = direction_probabilities(still, session.contacts)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


def _flip_facing(signals: BodySignals, flip: float) -> BodySignals:
    sign = np.array([flip, flip, 1.0])
    return replace(
        signals,
        acc_ms2=signals.acc_ms2 * sign,
        gyr_dps=None if signals.gyr_dps is None else signals.gyr_dps * sign,
        anterior_sign_known=False,
    )


def test_unknown_facing_of_a_foot_is_decided_from_the_anatomical_pitch_range() -> None:
    session = synth_session(MIXED, placement="foot", pause_s=1.0)
    for flip in (1.0, -1.0):
        signals = _flip_facing(session.signals, flip)
        p_facing = facing_probability(signals, session.contacts)
        assert (p_facing > 0.85) if flip > 0 else (p_facing < 0.15)
        out = step_directions(signals, session.contacts)
        assert _accuracy(out.direction.to_numpy(), session.direction) >= 0.97


def test_unknown_facing_of_a_shank_leans_the_right_way_or_stays_unknown() -> None:
    """The shank's anatomical asymmetry is weak once centred on the stride: the facing may stay
    undecided, but it must lean the right way and no step may be confidently wrong."""
    session = synth_session(MIXED, placement="shank", pause_s=1.0)
    for flip in (1.0, -1.0):
        signals = _flip_facing(session.signals, flip)
        p_facing = facing_probability(signals, session.contacts)
        assert (p_facing > 0.5) if flip > 0 else (p_facing < 0.5)
        out = step_directions(signals, session.contacts)
        decided = out.direction.to_numpy() != "unknown"
        assert (out.direction.to_numpy()[decided] == session.direction[decided]).all()


def test_unknown_facing_without_gyro_is_never_confidently_wrong() -> None:
    """Without a gyroscope only the landing/take-off transient is frame-free; the generator has no
    push-off transient, so the facing may stay undecided (steps 'unknown'), but no step may be
    reported in the wrong direction."""
    session = synth_session(
        [SynthBout("forward"), SynthBout("backward", stride_m=1.6)], placement="shank", with_gyro=False
    )
    for flip in (1.0, -1.0):
        out = step_directions(_flip_facing(session.signals, flip), session.contacts)
        decided = out.direction.to_numpy() != "unknown"
        assert (out.direction.to_numpy()[decided] == session.direction[decided]).all()


def test_empty_contacts_keep_the_columns() -> None:
    session = synth_session([SynthBout("forward", strides=3)], placement="foot")
    empty = Contacts(
        ic_idx=np.zeros(0, dtype=np.int64), to_idx=np.zeros(0, dtype=np.int64), side=np.zeros(0, dtype=str)
    )
    out = step_directions(session.signals, empty)
    assert list(out.columns) == ["direction", "direction_confidence"]
    assert len(out) == 0


def test_missing_toe_offs_still_decide() -> None:
    session = synth_session([SynthBout("forward"), SynthBout("backward", stride_m=1.6)], placement="shank", pause_s=1.0)
    no_to = Contacts(
        ic_idx=session.contacts.ic_idx, to_idx=np.full(len(session.contacts), -1), side=session.contacts.side
    )
    out = step_directions(session.signals, no_to)
    assert _accuracy(out.direction.to_numpy(), session.direction) >= 0.95


def test_smoother_is_symmetric_and_forgets_across_pauses() -> None:
    x = np.array([3.0, 3.0, 3.0, -0.5, 3.0, -3.0, -3.0, -3.0])
    switch = np.array([0.01, 0.01, 0.01, 0.01, FORGET, 0.01, 0.01])  # a pause between the 5th and 6th
    post = smooth_states(axis_evidence(x), switch)
    mirrored = smooth_states(axis_evidence(-x), switch)
    np.testing.assert_allclose(mirrored[:, [1, 0, 2]], post)
    assert post[3, 0] > 0.9  # one weak contrary step inside a bout is outvoted
    assert (post[5:, 1] > 0.9).all()  # after a pause the new bout stands on its own


def test_steps_without_evidence_borrow_from_their_own_bout_only_across_standing() -> None:
    # the landing a runner stops on and the first of the next bout carry no braking cue
    x = np.array([3.0, 3.0, 3.0, 0.0, 0.0, -3.0, -3.0, -3.0])
    called = DirectionSettings().unknown_below_confidence
    linked = smooth_states(axis_evidence(x), np.full(7, 0.01))
    assert linked[3].max() < called and linked[4].max() < called  # the turn could be at either: unknown
    standing = np.full(7, 0.01)
    standing[3] = DirectionSettings().standing_switch_probability
    post = smooth_states(axis_evidence(x), standing)
    assert post[3, 0] > called and post[4, 1] > called  # the turn is at the standing: each joins its own bout
    same = np.array([3.0, 3.0, 3.0, 0.0, 0.0, 0.5, 0.5, 0.5])  # no turn: standing only weakens the link
    assert (smooth_states(axis_evidence(same), standing)[:, 0] > 0.7).all()


def test_switch_probability_forgets_across_pauses_and_turns() -> None:
    fs = 100.0
    t = np.arange(0.0, 12.0, 1 / fs)
    acc = np.zeros((t.size, 3))
    acc[:, 2] = 9.81 + 2.0 * np.sin(2 * np.pi * 1.8 * t)
    gyr = np.zeros((t.size, 3))
    turning = (t > 4.2) & (t < 5.2)
    gyr[turning, 2] = 180.0  # a 180-degree pivot between two contacts
    signals = BodySignals.uniform(acc, gyr, fs, "lower_back")
    ic = np.round(np.array([1.0, 1.5, 2.0, 4.0, 5.5, 6.0, 9.0, 9.5]) * fs).astype(np.int64)
    contacts = Contacts(ic, np.full(ic.size, -1, np.int64), np.full(ic.size, "unknown", dtype="<U7"))
    cues = direction_cues(signals, contacts)
    p = link_switch_probability(signals, contacts, cues)
    s = DirectionSettings()
    assert p[0] == pytest.approx(s.switch_probability) and p[4] == pytest.approx(s.switch_probability)
    assert p[3] == pytest.approx(FORGET)  # turned round
    assert p[2] == pytest.approx(FORGET) and p[5] == pytest.approx(FORGET)  # pauses (2 s and 3 s)


def test_standing_between_contacts_needs_a_still_stretch() -> None:
    fs = 100.0
    t = np.arange(0, 4.0, 1 / fs)
    rng = np.random.default_rng(3)
    acc = np.zeros((t.size, 3))
    acc[:, 2] = 9.81 + 3.0 * np.sin(2 * np.pi * 3.0 * t)  # moving ...
    acc[(t > 1.4) & (t < 2.2), 2] = 9.81  # ... except 0.8 s of standing
    acc += 0.01 * rng.standard_normal(acc.shape)
    signals = BodySignals.uniform(acc, None, fs, "lower_back")
    ic = np.array([50, 100, 140, 250, 300], dtype=np.int64)
    contacts = Contacts(ic, np.full(ic.size, -1, np.int64), np.full(ic.size, "unknown", dtype="<U7"))
    np.testing.assert_array_equal(standing_between(signals, contacts), [False, False, True, False])
    one = Contacts(ic[:1], ic[:1], contacts.side[:1])
    assert standing_between(signals, one).shape == (0,)


@pytest.mark.parametrize("placement", ["foot", "shank", "lower_back", "wrist", "other"])
@pytest.mark.parametrize("with_gyro", [True, False])
def test_odd_inputs_never_raise(placement: str, with_gyro: bool) -> None:
    """Random signals, contacts at the edges, missing toe-offs, one contact: valid rows, no warnings."""
    rng = np.random.default_rng(5)
    n = 3000
    acc = rng.normal(0.0, 3.0, (n, 3)) + [0.0, 0.0, 9.80665]
    signals = BodySignals.uniform(
        acc,
        rng.normal(0.0, 100.0, (n, 3)) if with_gyro else None,
        200.0,
        placement,
        side="left",
        anterior_sign_known=bool(rng.integers(2)),
    )
    for ic, to in (
        (np.array([0, 5, 1500, 2990, 2999]), np.array([-1, 100, 1400, 2999, -1])),
        (np.array([100]), np.array([-1])),
        (np.sort(rng.choice(n, 40, replace=False)), np.full(40, -1)),
    ):
        contacts = Contacts(ic_idx=ic.astype(np.int64), to_idx=to.astype(np.int64), side=np.full(ic.shape[0], "left"))
        out = step_directions(signals, contacts)
        assert len(out) == len(contacts)
        assert out.direction.isin(["forward", "backward", "sideways", "unknown"]).all()
        assert out.direction_confidence.between(1 / 3, 1.0).all()
