"""DIRECTION-41: at the lower back, a walking step whose two contacts both lie half a step or more off the gait's
phase (no braking evidence of their own) is no step of the steady gait: its link takes the odds of a change at a
bout end, not those within gait. A step split in two (its contacts closer than half a step) is no such step."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.analysis.direction import direction_cues, link_switch_probability, step_directions
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.settings import preset
from retrogait.analysis.signals import Contacts
from retrogait.simulate import Bout, SimulationConfig, simulate


def test_a_step_between_two_contacts_off_the_gait_s_phase_takes_a_bout_end_s_switch() -> None:
    bouts = [Bout("still", "still", 0, 1.0), Bout("forward", "walking", 1.2, 20.0), Bout("still", "still", 0, 1.0)]
    result = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=100.0, seed=3))
    signals = preprocess(result.session)
    ic = np.round((result.truth["ic_time_s"].to_numpy() - signals.t_s[0]) * signals.fs_hz).astype(np.int64)
    ic = np.sort(np.concatenate([ic, [ic[20] + 6]]))  # contact 21: the step of contact 20 split 60 ms after it
    contacts = Contacts(ic, np.full(ic.size, -1, dtype=np.int64), np.full(ic.size, "unknown"))
    settings = preset("lower_back").direction
    cues = direction_cues(signals, contacts, settings)
    steady = link_switch_probability(signals, contacts, cues, settings)
    off = cues.copy()
    phase = off["contact_phase_error_steps"].to_numpy(dtype=np.float64).copy()
    phase[[10, 11, 20, 21, 30]] = 0.8  # 10-11: a step; 20-21: a split step; 30 alone
    off["contact_phase_error_steps"] = phase
    switch = link_switch_probability(signals, contacts, off, settings)
    assert steady[10] == settings.switch_probability
    assert switch[10] == settings.standing_switch_probability  # the step 10 -> 11 broke the rhythm
    changed = np.flatnonzero(switch != steady)
    np.testing.assert_array_equal(changed, [10])  # not the split step 20 -> 21, nor a lone contact's links


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_steady_walking_with_a_missed_or_a_doubled_contact_keeps_its_labels(version: int, direction: str) -> None:
    """REVIEW-42: a missed contact makes a long interval, but its steps lie on the phase (the interval is taken as
    the two steps it holds), so no link takes the bout end's odds; a contact doubled 60-80 ms after a step's
    (the detector's duplicate) puts the step before it off the phase (the contact's measure is the larger of its
    step's two contacts), so that one regular step's link takes 0.05: in steady walking no label moves."""
    speed = 1.2 if direction == "forward" else 0.9
    bouts = [Bout("still", "still", 0, 1.0), Bout(direction, "walking", speed, 30.0), Bout("still", "still", 0, 1.0)]
    result = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=100.0, seed=4, version=version))
    signals = preprocess(result.session)
    t = result.truth["ic_time_s"].to_numpy()
    every = np.arange(8, t.size - 8, 9)
    settings = preset("lower_back").direction

    def run(times: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ic = np.round((times - signals.t_s[0]) * signals.fs_hz).astype(np.int64)
        contacts = Contacts(ic, np.full(ic.size, -1, dtype=np.int64), np.full(ic.size, "unknown"))
        cues = direction_cues(signals, contacts, settings)
        out = step_directions(signals, contacts, settings, cues=cues)
        switch = link_switch_probability(signals, contacts, cues, settings)
        return out["direction"].to_numpy(dtype=str), out["direction_confidence"].to_numpy(), switch

    missed = np.delete(t, every)
    label, confidence, switch = run(missed)
    assert np.all(switch < settings.standing_switch_probability)  # a missed contact: 2 steps, chained (0.02)
    assert np.all(label == direction) and confidence.min() >= 0.95

    doubled = np.sort(np.concatenate([t, t[every] + 0.15 * (t[every + 1] - t[every])]))
    label, confidence, switch = run(doubled)
    real = np.isin(doubled, t)
    assert np.count_nonzero(switch >= settings.standing_switch_probability) <= every.size  # one link a duplicate
    assert np.all(label[real] == direction) and confidence[real].min() >= 0.95
