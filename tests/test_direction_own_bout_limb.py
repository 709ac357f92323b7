"""DIRECTION-47 (issue 17, DIRECTION-46): a foot or shank contact is no surer than its own bout makes it, where the
limb stood through most of a link (a stop, or a pivot on that limb), offline and live (LIVE-57)."""

from __future__ import annotations

import numpy as np

from retrogait.analysis.direction import direction_cues, own_bout_ends, standing_between, step_directions
from retrogait.analysis.settings import DirectionSettings
from retrogait.analysis.signals import Contacts
from retrogait.analysis.travel import FORGET
from retrogait.live.direction_filter import OnlineDirection
from script_module import load_script
from stepturn_people import stepturn


def _assert_unknown_after_missed_pivot_contact(person: int, placement: str, missed_s: float, at_s: float) -> None:
    """The pivot contact at `missed_s` removed from the true contacts: the contact at `at_s` (truth forward) reads
    `unknown`, and no label is wrong at >= 0.9."""
    scored, t = stepturn(person, placement)
    c = scored.contacts
    keep = np.abs(t - missed_s) > 0.01
    contacts = Contacts(c.ic_idx[keep], c.to_idx[keep], c.side[keep])
    steps = step_directions(scored.signals, contacts)
    label, conf = steps["direction"].to_numpy(), steps["direction_confidence"].to_numpy()
    at = int(np.argmin(np.abs(t[keep] - at_s)))
    assert label[at] == "unknown", (label[at], conf[at])
    true = np.asarray(scored.truth)[keep]
    assert not ((label != true) & (label != "unknown") & (conf >= 0.9)).any()


def test_a_contact_between_a_turn_and_the_pivot_stance_takes_no_certainty_across_it() -> None:
    """Person 14: the walk turns round at 46-47.8 s and turns into the backward walk at 49.8 s; with the pivot
    contact at 46.66 s missed, the next one (47.82 s, truth forward) carries a stride of no evidence over the whole
    turn (the chain forgets before it) and the foot then stands 1.8 s as the other leg pivots (standing, 0.05): it
    read the backward walk's `backward` at 0.95. Its own bout measures nothing: `unknown`. Fails before."""
    _assert_unknown_after_missed_pivot_contact(14, "foot", missed_s=46.655, at_s=47.82)


def test_a_slow_walk_s_foot_flat_ends_no_bout_for_the_cap() -> None:
    """Person 1's backward walk (1.0 m/s) turns round mid-walk at 21 s: the foot lies still 0.4 s of each 1.06 s
    stride, which standing_between reads as standing at every link. Those are no bout ends for the cap (the walk goes
    on): the turning step (its own stride -0.28 m over a 151 deg turn, own evidence 0.48) keeps its walk's
    `backward` (0.97). With standing as the bout end it went `unknown` 0.48 (35 such contacts in people 1-35)."""
    scored, t = stepturn(1)
    signals, c = scored.signals, scored.contacts
    steps = step_directions(signals, c)
    at = int(np.argmin(np.abs(t - 21.0)))
    assert steps["direction"].iloc[at] == "backward" and steps["direction_confidence"].iloc[at] > 0.9
    settings = DirectionSettings()
    walk = (t[:-1] > 16.0) & (t[1:] < 26.0)
    assert standing_between(signals, c, settings)[walk].all()  # the foot-flat reads as standing ...
    assert not own_bout_ends(signals, c, direction_cues(signals, c, settings), settings)[walk].any()  # ... no bout end


def test_a_foot_contact_live_takes_no_certainty_across_a_bout_end_in_its_lag() -> None:
    """LIVE-57, synthetic: a foot contact with no evidence of its own after a turn round (the chain forgets into it),
    whose lag (the next contact) lies across a bout end in a firm backward walk. Its own bout measures nothing, so it
    makes no claim, as offline (DIRECTION-47); it read the lag's `backward` at 0.95 through the bout end's link."""
    settings = DirectionSettings()
    fwd = np.array([0.0, -6.0, -6.0])
    back = np.array([-6.0, 0.0, -6.0])
    no_cues = {"x_log_odds": 0.0, "free_log_odds": 0.0}

    def after_turn(placement: str, ends: list[bool] | None) -> tuple[str, float]:
        filt = OnlineDirection(settings, placement)
        for i in range(10):
            filt.decide(fwd, FORGET if i == 0 else 0.01, [fwd], [0.01], no_cues, False, True)
        return filt.decide(np.zeros(3), FORGET, [back], [0.05], no_cues, False, True, lag_bout_start=ends)

    for placement in ("foot", "shank"):
        label, conf = after_turn(placement, [True])
        assert label == "unknown" and conf < 0.4, (placement, label, conf)
        assert after_turn(placement, [False])[0] == "backward"  # within a bout the lag decides, as before


def test_data_lost_in_the_pivot_stance_does_not_undo_its_bout_end() -> None:
    """REVIEW-82: person 14 with the pivot contact missed (as above) and 0.3 s of data lost in the foot's 1.9 s
    pivot stance (a BLE dropout, interpolated and marked in ``gap``). The limb lay still for 0.54 of the link's
    observed samples; counted over the whole interval, lost samples included, it was 0.45, no bout end, and the
    contact at 47.82 s read the backward walk's `backward` 0.95 again. Lost samples are neither still nor moving."""
    lost = load_script("validate_pivot_drop")._lost
    scored, t = stepturn(14)
    c = scored.contacts
    keep = np.abs(t - 46.655) > 0.01
    contacts = Contacts(c.ic_idx[keep], c.to_idx[keep], c.side[keep])
    at = int(np.argmin(np.abs(t[keep] - 47.82)))
    signals = lost(scored.signals, contacts.ic_idx[at + 1], 0.3, 0.3)  # 0.6-0.3 s before the next contact
    settings = DirectionSettings()
    assert own_bout_ends(signals, contacts, direction_cues(signals, contacts, settings), settings)[at]
    steps = step_directions(signals, contacts)
    assert steps["direction"].iloc[at] == "unknown", steps.iloc[at]


def test_a_shank_contact_between_a_turn_and_the_pivot_stance_takes_no_certainty_across_it() -> None:
    """REVIEW-83: DIRECTION-47's case at the shank (person 33, the pivot contact at 46.645 s missed). The shank is
    never still through a walk's stance (it turns over the ankle), so its still mask reads only a stop or a pivot
    stance, and there the quiet 0.3 s windows fill 0.44 of the 1.95 s link: under the foot's half, no bout end, and the
    contact at 47.805 s (truth forward) read the backward walk's `backward` 0.95. The shank preset's
    bout_still_fraction is 0: its standing is the bout end."""
    _assert_unknown_after_missed_pivot_contact(33, "shank", missed_s=46.645, at_s=47.805)
