"""DIRECTION-31: at the lower back a change of gait without standing (a walk into a run, a run into a walk) ends a
bout like standing does, so the link across it takes the odds of a change across standing."""

from __future__ import annotations

import numpy as np

import retrogait
from direction_sessions import confident_wrong, person_1_nostand
from retrogait.analysis.direction import direction_cues, gait_changes, link_switch_probability
from retrogait.analysis.settings import preset


def test_the_last_backward_step_before_a_forward_run_stays_backward() -> None:
    """End to end, the last backward walking step before the run (78.95 s) was `unknown` at 0.54: its braking is
    weak, and the firm forward run after it (DIRECTION-26) weighed against the walk through a link of 0.01."""
    result = person_1_nostand()
    steps = retrogait.analyze(result.session).steps
    t = steps["ic_time_s"].to_numpy(dtype=float)
    truth = result.truth
    last = float(truth.loc[(truth["ic_time_s"] < 79.5) & (truth["direction"] == "backward"), "ic_time_s"].max())
    k = int(np.argmin(np.abs(t - last)))
    assert abs(t[k] - last) <= 0.05
    assert steps["direction"].iloc[k] == "backward"
    assert confident_wrong(result).empty


def test_the_link_into_the_run_takes_the_odds_across_standing() -> None:
    result = person_1_nostand()
    analysed = retrogait.analyze(result.session)
    signals, contacts = analysed.signals, analysed.contacts
    settings = preset("lower_back").direction
    changed = gait_changes(signals, contacts, settings)
    t = signals.t_s[contacts.ic_idx]
    into_run = int(np.flatnonzero((t[:-1] < 79.5) & (t[1:] > 79.5))[0])  # the link from the walk into the run
    assert changed[into_run]
    p = link_switch_probability(signals, contacts, direction_cues(signals, contacts, settings), settings)
    assert p[into_run] >= settings.standing_switch_probability
    # within the run and within the walk the links keep the odds within a bout
    assert not changed[into_run + 3] and not changed[into_run - 3]
