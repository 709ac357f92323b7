"""DIRECTION-27: a walking trunk's interval between two contacts that holds missed contacts (DIRECTION-15's n
steps) is n steps of braking evidence and n links of the chain."""

from __future__ import annotations

import numpy as np

import retrogait
from direction_sessions import confident_wrong, stepturn_bouts
from retrogait.analysis.direction import direction_cues, link_switch_probability, travel_evidence
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.settings import preset
from retrogait.analysis.signals import Contacts
from retrogait.analysis.travel import chained_switch_probability
from retrogait.simulate import Bout, SimulationConfig, simulate


def test_an_interval_holding_a_missed_contact_counts_as_its_steps() -> None:
    bouts = [Bout("still", "still", 0, 1.0), Bout("forward", "walking", 1.2, 20.0), Bout("still", "still", 0, 1.0)]
    result = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=100.0, seed=3))
    signals = preprocess(result.session)
    ic = np.round((result.truth["ic_time_s"].to_numpy() - signals.t_s[0]) * signals.fs_hz).astype(np.int64)
    keep = np.ones(ic.size, dtype=bool)
    keep[16:24:2] = False  # every other contact missed over 4 steps
    ic = ic[keep]
    contacts = Contacts(ic, np.full(ic.size, -1, dtype=np.int64), np.full(ic.size, "unknown"))
    settings = preset("lower_back").direction
    cues = direction_cues(signals, contacts, settings)
    held = cues["interval_steps"].to_numpy()
    np.testing.assert_array_equal(held[15:19], [2.0, 2.0, 2.0, 2.0])
    assert np.all(held[5:14] == 1.0)
    switch = link_switch_probability(signals, contacts, cues, settings)
    np.testing.assert_allclose(switch[15:19], chained_switch_probability(settings.switch_probability, 2))
    assert np.all(switch[5:14] == settings.switch_probability)
    one = {k: np.asarray(v, dtype=np.float64) for k, v in cues.items()}
    one["interval_steps"] = np.ones(len(contacts))
    doubled, _ = travel_evidence(cues, signals, settings)
    single, _ = travel_evidence(one, signals, settings)
    assert np.all(doubled[16:18].min(axis=1) <= single[16:18].min(axis=1))  # twice the steps, firmer
    np.testing.assert_allclose(doubled[5:14], single[5:14])


def test_a_walk_after_a_stepping_turn_whose_contacts_are_missed_keeps_its_steps() -> None:
    """Issue 17, simulated person 26 (stepturn, lower back, 200 Hz, end to end): a walk turns round in three
    steps at 46.5 s and walks on forward until 49 s, then backward without standing. Through the turn the
    detector misses every other contact (1.1 s intervals), so the forward stretch after the turn had half its
    steps' evidence and the backward walk after it carried the turn's step at 47.5 s (`unknown` 0.57)."""
    bouts = stepturn_bouts((1.2699, 1.0056, 2.7494, 1.2788, 0.994), (-172.885, 159.696, -169.476, 180.333), (4.0, 3.0))
    config = SimulationConfig(
        "lower_back", bouts, sample_rate_hz=200.0, side="left", mounting_rotation_deg=(-5.361, 5.919, 0.046), seed=26
    )
    result = simulate(config)
    steps = retrogait.analyze(result.session).steps
    t = steps["ic_time_s"].to_numpy(dtype=float)
    k = int(np.argmin(np.abs(t - 47.515)))
    assert abs(t[k] - 47.515) < 0.01
    assert steps["direction"].iloc[k] == "forward"
    assert confident_wrong(result).empty
