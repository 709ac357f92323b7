"""DIRECTION-32: offline, a contact's label is no surer than its own bout (the chain with every bout end forgetting)
makes it: across a bout end the chain carries the odds that the direction did not change, not evidence (LIVE-23)."""

from __future__ import annotations

import numpy as np

import retrogait
from direction_sessions import confident_wrong, stepturn_bouts
from retrogait.analysis.direction import own_bout_capped, own_bout_raised
from retrogait.analysis.travel import FORGET, smooth_states
from retrogait.simulate import SimulationConfig, simulate


def test_a_contact_without_evidence_takes_no_certainty_across_a_bout_end() -> None:
    """Two forward contacts, a contact of no evidence, standing (0.05), three of none, then firm backward ones: the
    chain gives the empty contact before the standing `backward` at > 0.9; its own bout says nothing."""
    ev = np.zeros((10, 3))
    ev[:2] = [0.0, -3.0, -3.0]
    ev[7:] = [-4.0, 0.0, -4.0]
    switch = np.full(9, 0.01)
    switch[1] = FORGET  # a turn round after the forward contacts
    switch[2] = 0.05  # standing
    ends = np.zeros(9, dtype=bool)
    ends[2] = True
    post = smooth_states(ev, switch)
    assert post[2, 1] > 0.9
    capped = own_bout_capped(post, smooth_states(ev, np.where(ends, FORGET, switch)))
    assert capped[2].max() < 0.5
    np.testing.assert_allclose(capped.sum(axis=1), 1.0)
    # contacts whose own bout is as sure keep their posteriors
    np.testing.assert_allclose(capped[[0, 1, 7, 8, 9]], post[[0, 1, 7, 8, 9]])


def test_the_forward_walk_after_a_turn_takes_no_certainty_from_the_backward_walk_after_standing() -> None:
    """Simulated person 50 (`stepturn`, lower back, 200 Hz): the walk turns round 7.5 s in and walks on into
    backward walking; the last forward contacts (46.96 s, 47.65 s), of no evidence of their own between the turn and
    a stillness read as standing, were `backward` at 0.90 / 0.91 from the backward walk after it."""
    bouts = stepturn_bouts((1.1976, 0.9187, 3.1631, 1.2517, 1.0996), (-176.70, 173.87, -169.63, 174.62), (4.0, 2.0))
    config = SimulationConfig(
        "lower_back", bouts, sample_rate_hz=200.0, side="left", mounting_rotation_deg=(-1.115, 7.014, -6.018), seed=50
    )
    result = simulate(config)
    assert confident_wrong(result).empty
    steps = retrogait.analyze(result.session).steps
    t = steps["ic_time_s"].to_numpy(dtype=float)
    k = int(np.argmin(np.abs(t - 47.645)))
    assert abs(t[k] - 47.645) < 0.02
    assert steps["direction"].iloc[k] != "backward"


def test_a_contact_without_evidence_before_a_bout_end_keeps_its_own_bout_s_reading() -> None:
    """LIVE-44: the backward run's last landing (no evidence of its own) before a change of gait (0.05) into a firm
    forward walk: the chain lets the walk's evidence through the bout end's link and reads it `backward` at 0.63
    (`unknown`), its own bout at 0.97. Each contact takes its own bout's reading; a contact whose own bout names
    another state is left to the cap (never a change of state)."""
    ev = np.zeros((10, 3))
    ev[:5] = [-1.0, 0.0, -1.0]  # the run, backward
    ev[6:] = [0.0, -5.0, -2.5]  # the walk, firmly forward; contact 5: none of its own
    switch = np.full(9, 0.01)
    switch[5] = 0.05  # the change of gait between contacts 5 and 6
    ends = np.zeros(9, dtype=bool)
    ends[5] = True
    post = smooth_states(ev, switch)
    own = smooth_states(ev, np.where(ends, FORGET, switch))
    assert post[5, 1] < 0.7 < 0.95 < own[5, 1]
    raised = own_bout_raised(own_bout_capped(post, own), own)
    # every contact's own bout names the chain's state here, at least as surely: each reads as its own bout
    np.testing.assert_allclose(raised, own)
    assert np.all(np.argmax(raised, axis=1) == np.argmax(post, axis=1))
    other = np.array([[0.2, 0.5, 0.3]])
    np.testing.assert_allclose(own_bout_raised(other, np.array([[0.9, 0.05, 0.05]])), other)
