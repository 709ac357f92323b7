"""A bout's first landing from standing (issue 15, CONTACT-10): the push-off and first swing that leave the
standing are no stance, so no contact lands on them and the first landing is kept."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import retrogait
from retrogait.analysis.contacts import _leaving_rest
from retrogait.analysis.settings import ContactsSettings
from retrogait.simulate import Bout, SimulationConfig, simulate


@pytest.mark.parametrize(
    ("placement", "activity", "speed_ms", "seed"), [("foot", "running", 3.0, 2), ("shank", "walking", 1.2, 1)]
)
def test_first_landing_after_standing_is_found_and_nothing_before_it(
    placement: str, activity: str, speed_ms: float, seed: int
) -> None:
    bouts = [Bout("still", "still", 0, 3), Bout("forward", activity, speed_ms, 5)]
    result = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=seed))
    ic = retrogait.analyze(result.session).steps["ic_time_s"].to_numpy()
    first = float(result.truth["ic_time_s"][result.truth["impact_peak_g"].notna()].iloc[0])
    # before: a contact on the push-off ~0.45 s before the first landing (foot: the landing itself then dropped)
    assert ic.size and abs(ic[0] - first) < 0.03


def test_a_lull_soon_after_a_rest_is_not_a_stance() -> None:
    s = ContactsSettings()
    fs = 100.0
    rate = np.full(500, 20.0)
    rate[:100] = 0.1  # standing
    rate[130] = 5.0  # a lull of the push-off, 0.3 s after the rest ends: leaving it
    rate[200] = 0.5  # a stance at rest
    rate[290] = 5.0  # a stance not at rest, 0.9 s after the last rest
    rate[330:370] = 0.1  # standing again, then a short closing step: its touch-down's lull 0.3 s after
    rate[400], rate[410:] = 5.0, 0.1  # the rest, settling into standing 0.1 s later: a stance
    quiet = np.array([50, 130, 200, 290, 400])
    assert _leaving_rest(rate, quiet, fs, s).tolist() == [False, True, False, False, False]


def test_a_gap_over_the_first_swing_from_standing_puts_no_contact_on_the_push_off() -> None:
    """A recording gap over the first swing from standing: its interpolation reads as rest, and its rest-score
    minimum (inside the gap) was taken for a stance whose landing window put a contact on the push-off, 0.72 s
    before the first landing (3.14 s against 3.86 s), and the first landing itself 0.14 s late (4.00 s). A
    minimum inside a gap is no measured stance (CONTACT-11)."""
    bouts = [Bout("still", "still", 0, 3), Bout("forward", "walking", 1.2, 5)]
    result = simulate(SimulationConfig("foot", bouts, sample_rate_hz=100.0, seed=1))
    session = result.session
    keep = (session.t_s < 3.36) | (session.t_s >= 3.66)  # the first swing from standing, 3.0-3.86 s
    gapped = replace(
        session,
        t_s=session.t_s[keep],
        acc=session.acc[keep],
        gyr=None if session.gyr is None else session.gyr[keep],
        extra={k: v[keep] for k, v in session.extra.items()},
    )
    ic = retrogait.analyze(gapped).steps["ic_time_s"].to_numpy()
    truth = result.truth
    first = float(truth[truth["side"] == session.meta.side]["ic_time_s"].iloc[0])
    assert ic.size and abs(ic[0] - first) < 0.05
