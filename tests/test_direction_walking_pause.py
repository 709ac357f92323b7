"""DIRECTION-22: a walking trunk's interval that holds standing is a stop and a start, not a step: it gives no
braking contrast and the two-step average does not reach across it."""

from __future__ import annotations

import numpy as np
import pytest

from direction_sessions import confident_wrong, nostand_bouts
from retrogait.analysis.direction import direction_cues, standing_between, step_directions
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.signals import Contacts
from retrogait.simulate import Bout, SimulationConfig, simulate


def test_an_interval_holding_standing_is_no_step_of_the_braking_contrast() -> None:
    """A forward walk, standing, a backward walk, at the simulator's contacts: the interval from the last
    contact before the stand to the first after it is a stop and a start, not a step. It gives no braking
    contrast (it was read as a step of two halves, or split as missed contacts), and neither neighbour's
    contrast is averaged across the stand: every step before reads forward, every step after backward."""
    bouts = [Bout("still", "still", 0, 1.0), Bout("forward", "walking", 1.2, 6.0), Bout("still", "still", 0, 1.0)]
    bouts.append(Bout("backward", "walking", 1.0, 6.0))
    result = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=100.0, seed=5))
    signals = preprocess(result.session)
    t = result.truth["ic_time_s"].to_numpy()
    truth = result.truth["direction"].to_numpy().astype(str)
    ic = np.round((t - signals.t_s[0]) * signals.fs_hz).astype(np.int64)
    contacts = Contacts(ic, np.full(ic.size, -1, dtype=np.int64), result.truth["side"].to_numpy().astype(str))
    stand = int(np.flatnonzero(standing_between(signals, contacts))[0])
    assert truth[stand] == "forward" and truth[stand + 1] == "backward"
    braking = direction_cues(signals, contacts)["braking_contrast_ms2"].to_numpy()
    assert np.isnan(braking[stand])
    assert np.all(braking[1:stand] < 0) and np.all(braking[stand + 1 : -1] > 0)


def test_a_forward_step_before_backward_walking_is_not_taken_backward_across_missed_contacts() -> None:
    """Issue 17, fresh person 26 (nostand, lower back, 200 Hz, end to end): the forward walk before the
        backward one misses every other contact over its last 4 s; the last interval, two steps of 1.12 s,
        was over three of the session's median intervals (its runs make them 0.37 s) and its missed contact's
        window had little rhythm (0.38), so it was a pause, and the forward step after it (own evidence forward)
        was carried by the backward walk that follows a brief stand, `backward` at 0.921: the interval over the stand
    was read as two steps (+1.09 m/s^2, backward) and averaged into its neighbour. The same session."""
    bouts = nostand_bouts((2.858, 2.449, 1.376, 0.606, 1.158, 0.951, 2.991), "right")
    config = SimulationConfig(
        "lower_back", bouts, sample_rate_hz=200.0, side="left", mounting_rotation_deg=(-7.26, -6.82, 0.32), seed=26
    )
    assert confident_wrong(simulate(config)).empty


@pytest.mark.parametrize(("seed", "missed"), [(2, (-1, 0)), (2, (-2, 0)), (6, (-2, 0)), (3, (-2, -1, 0))])
def test_a_change_of_direction_inside_missed_contacts_is_not_claimed_firmly(seed: int, missed: tuple[int, ...]) -> None:
    """The weak spot DIRECTION-21 left: a forward walk turns straight into backward walking and the detector
    misses contacts around the change (the last forward and the first backward one, or one before as well),
    the weak steps on either side lying between the two firm walks. Where the first backward step's load is
    missing, the trunk's rhythm breaks at the change and the stretch is a boundary; otherwise its one link
    is a step of the chain. Either way no step is labelled wrong at confidence >= 0.9 (seeds 1-8, 100 and
    200 Hz, four patterns of missed contacts: wrong labels at 0.70-0.72 at most)."""
    bouts = [
        Bout("still", "still", 0, 1.0),
        Bout("forward", "walking", 1.2, 8.0),
        Bout("backward", "walking", 1.0, 6.0),
    ]
    result = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=100.0, seed=seed))
    signals = preprocess(result.session)
    t = result.truth["ic_time_s"].to_numpy()
    truth = result.truth["direction"].to_numpy().astype(str)
    k = int(np.flatnonzero(truth == "backward")[0])
    kept = np.setdiff1d(np.arange(t.size), k + np.array(missed))
    ic = np.round((t[kept] - signals.t_s[0]) * signals.fs_hz).astype(np.int64)
    side = np.where(np.arange(ic.size) % 2 == 0, "left", "right")
    out = step_directions(signals, Contacts(ic, np.full(ic.size, -1, dtype=np.int64), side))
    label = out["direction"].to_numpy().astype(str)
    wrong = (label != truth[kept]) & (label != "unknown")
    assert not (wrong & (out["direction_confidence"].to_numpy() >= 0.9)).any()
