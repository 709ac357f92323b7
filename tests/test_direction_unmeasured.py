"""DIRECTION-49 (issue 17, DIRECTION-48): a foot or shank contact whose own swing a recording gap took has no evidence
of its own, so its label claims at most ``unmeasured_cap_probability``, offline and live; the label stays."""

from __future__ import annotations

from typing import Any

import numpy as np

from retrogait.analysis.direction import direction_cues, step_directions
from retrogait.analysis.settings import preset
from retrogait.analysis.signals import Contacts
from retrogait.analysis.travel import FORGET
from retrogait.live.direction_filter import OnlineDirection
from script_module import load_script
from stepturn_people import stepturn


def _person_2_gapped(gap_s: float, gap_end_s: float) -> tuple[Any, Any, Any, int, bool]:
    """Person 2's `stepturn` with the pivot contact at 47.62 s missed and ``gap_s`` of data lost up to ``gap_end_s``
    before the next contact (48.70 s; validate_pivot_drop.py's gap variant): the directions without and with the gap,
    the gapped cues, the index of the contact at 48.70 s and whether its truth is forward."""
    drop = load_script("validate_pivot_drop")
    scored, t = stepturn(2)  # validate_reliability's person 2
    signals, c = scored.signals, scored.contacts
    k = int(np.argmin(np.abs(t - 47.62)))
    keep = np.arange(len(c)) != k
    contacts = Contacts(c.ic_idx[keep], c.to_idx[keep], c.side[keep])
    settings = preset("foot").direction
    whole = step_directions(signals, contacts, settings)
    gapped = drop._lost(signals, c.ic_idx[k + 1], gap_s, gap_end_s)
    cues = direction_cues(gapped, contacts, settings)
    steps = step_directions(gapped, contacts, settings, cues=cues)
    after = int(np.argmin(np.abs(t[keep] - 48.70)))
    return whole, steps, cues, after, bool(np.asarray(scored.truth)[keep][after] == "forward")


def test_a_contact_whose_own_swing_a_gap_took_is_not_sure_of_the_stride_it_borrows() -> None:
    """Simulated person 2 (`stepturn`, foot, v1, 200 Hz, in-sample), the pivot contact at 47.62 s missed and 0.3 s of
    data lost up to 0.05 s before the next contact (48.70 s, truth forward: the last forward stride before the
    backward walk; validate_pivot_drop.py's gap variant). Its own swing is not measured (REVIEW-67), so it took the
    next contact's stride, the first backward one, and read `backward` 1.000 on 63a4863."""
    whole, steps, cues, after, forward = _person_2_gapped(0.3, 0.05)
    settings = preset("foot").direction
    assert forward
    assert np.flatnonzero(cues["own_swing_lost"].to_numpy() > 0).tolist() == [after]
    # the label it borrowed stays, no surer than the cap
    assert steps["direction"][after] == "backward"
    assert abs(steps["direction_confidence"][after] - settings.unmeasured_cap_probability) < 1e-12
    # without the gap its own swing is measured and it reads right (DIRECTION-44); nothing else moves with the gap
    assert whole["direction"][after] == "forward"
    others = np.arange(len(steps)) != after
    assert (steps["direction"][others] == whole["direction"][others]).all()


def test_the_live_filter_caps_a_contact_whose_own_swing_a_gap_took() -> None:
    """Online as offline: a contact with firm borrowed evidence reads 0.8, the label kept; without the flag, 1.000."""
    settings = preset("foot").direction
    evidence = np.array([-40.0, 0.0, -40.0])  # the next contact's backward stride
    cues = {"x_log_odds": -10.0, "free_log_odds": 0.0}
    plain = OnlineDirection(settings, "foot").decide(evidence, FORGET, [], [], cues, False, True)
    lost = OnlineDirection(settings, "foot").decide(evidence, FORGET, [], [], cues, False, True, own_swing_lost=True)
    assert plain[0] == lost[0] == "backward"
    assert plain[1] > 0.99 and abs(lost[1] - settings.unmeasured_cap_probability) < 1e-12


def test_a_gap_that_took_the_swing_s_start_caps_the_contact_although_its_quietest_sample_lies_after_it() -> None:
    """REVIEW-102: person 2 as above, but 1.0 s lost up to 0.2 s before the contact at 48.70 s (validate_pivot_drop.py
    --gap-s 1.0 --gap-end-s 0.2). The swing and the rest it started from lie in the gap, so the quietest sample of the
    search window is the one 3 samples before the contact, after the gap: the "swing" from it held no gap sample, was
    not measured either, and the contact borrowed the next, backward stride at 1.000 uncapped."""
    _, steps, cues, after, forward = _person_2_gapped(1.0, 0.2)
    settings = preset("foot").direction
    assert forward
    assert np.flatnonzero(cues["own_swing_lost"].to_numpy() > 0).tolist() == [after]
    assert steps["direction"][after] == "backward"  # the borrowed stride's label stays, capped
    assert abs(steps["direction_confidence"][after] - settings.unmeasured_cap_probability) < 1e-12
