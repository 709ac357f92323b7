"""DIRECTION-41: at the lower back, a walking step whose two contacts both lie half a step or more off the gait's
phase (no braking evidence of their own) is no step of the steady gait: its link takes the odds of a change at a
bout end, not those within gait. A step split in two (its contacts closer than half a step) is no such step."""

from __future__ import annotations

import numpy as np

from retrogait.analysis.direction import direction_cues, link_switch_probability
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
