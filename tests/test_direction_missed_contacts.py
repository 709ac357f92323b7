"""DIRECTION-21: a walking trunk's stretch of missed contacts is walked-through steps, not a pause; the chain
does not forget across it, so a change of direction after it is not carried back over weak steps."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from retrogait.analysis.direction import (
    direction_cues,
    link_switch_probability,
    standing_between,
    step_directions,
    walked_through_steps,
)
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.settings import DirectionSettings
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.travel import FORGET, chained_switch_probability
from retrogait.simulate import Bout, SimulationConfig, simulate


def _contacts(signals: BodySignals, times_s: np.ndarray) -> Contacts:
    """Walking-trunk contacts (no toe-off) at ``times_s``, legs alternating."""
    ic = np.round((times_s - signals.t_s[0]) * signals.fs_hz).astype(np.int64)
    side = np.where(np.arange(ic.size) % 2 == 0, "left", "right")
    return Contacts(ic, np.full(ic.size, -1, dtype=np.int64), side)


def test_chained_switch_probability_is_the_chain_over_n_steps() -> None:
    p = 0.01
    assert chained_switch_probability(p, 1) == pytest.approx(p)
    stay = np.array([[1 - p, p / 2, p / 2], [p / 2, 1 - p, p / 2], [p / 2, p / 2, 1 - p]])
    three = np.linalg.matrix_power(stay, 3)
    assert chained_switch_probability(p, 3) == pytest.approx(1.0 - three[0, 0])
    assert chained_switch_probability(p, 10_000) == pytest.approx(FORGET)


@pytest.mark.parametrize("seed", [1, 2])
def test_missed_contacts_before_a_change_of_direction_do_not_carry_it_back(seed: int) -> None:
    """Issue 17, fresh person 21 (stepturn, 100 Hz, end to end): a forward walk misses two contacts in a row
    (1.74 s without one), two weakly evidenced forward steps follow with one more contact missed between
    them and a spurious one at the change, then the wearer walks backward without standing. The long
    interval was taken for a pause, the chain forgot the forward walk before it, and the backward walk
    after took the two forward steps at 0.93-0.96. The trunk walked on all through the interval: it is three
    steps of the chain, not a boundary."""
    bouts = [Bout("still", "still", 0, 1.0), Bout("forward", "walking", 1.2, 7.0)]
    bouts.append(Bout("backward", "walking", 1.0, 6.0))  # straight on, without standing
    result = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=100.0, seed=seed))
    signals = preprocess(result.session)
    t = result.truth["ic_time_s"].to_numpy()
    truth = result.truth["direction"].to_numpy().astype(str)
    k = int(np.flatnonzero(truth == "backward")[0])  # the first backward contact
    kept = np.setdiff1d(np.arange(t.size), [k - 5, k - 4, k - 2])  # missed: two in a row, then one
    times = np.sort(np.append(t[kept], 0.5 * (t[k - 1] + t[k])))  # a spurious contact at the change
    contacts = _contacts(signals, times)
    near = np.abs(times[:, None] - t[None, :]).argmin(axis=1)
    expected = np.where(np.abs(t[near] - times) < 0.05, truth[near], "none")

    out = step_directions(signals, contacts)
    label = out["direction"].to_numpy().astype(str)
    wrong = (expected != "none") & (label != expected) & (label != "unknown")
    assert not (wrong & (out["direction_confidence"].to_numpy() >= 0.9)).any()

    cues = direction_cues(signals, contacts)
    switch = link_switch_probability(signals, contacts, cues)
    gap = int(np.flatnonzero(np.isclose(times, t[k - 6]))[0])  # the link over the two missed in a row
    assert switch[gap] == pytest.approx(chained_switch_probability(DirectionSettings().switch_probability, 3))
    assert np.all(switch < 0.1)  # nothing in this session is a pause


def test_a_pause_without_the_step_rhythm_stays_a_boundary() -> None:
    """A wearer who stops walking for 2 s, moving too much to count as standing, breaks the trunk's
    vertical rhythm: the interval is a pause and the chain forgets across it."""
    bouts = [Bout("still", "still", 0, 1.0), Bout("forward", "walking", 1.2, 7.0), Bout("still", "still", 0, 2.0)]
    bouts.append(Bout("forward", "walking", 1.2, 6.0))
    result = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=100.0, seed=3))
    signals = preprocess(result.session)
    t = result.truth["ic_time_s"].to_numpy()
    link = int(np.flatnonzero(np.diff(t) > 2.0)[0])
    paused = (signals.t_s > t[link] + 0.3) & (signals.t_s < t[link + 1] - 0.1)
    fidget = np.random.default_rng(0).normal(0.0, 0.3, (int(paused.sum()), 3))  # no rhythm, not still
    acc = signals.acc_ms2.copy()
    acc[paused] += fidget
    signals = replace(signals, acc_ms2=acc)
    contacts = _contacts(signals, t)
    assert not standing_between(signals, contacts)[link]
    assert walked_through_steps(signals, contacts, np.ones(t.size - 1, dtype=bool), DirectionSettings())[link] == 0
    assert link_switch_probability(signals, contacts, direction_cues(signals, contacts))[link] == pytest.approx(FORGET)
