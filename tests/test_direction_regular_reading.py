"""DIRECTION-24: where the walking trunk's two braking readings (detected contacts, contacts moved to the
vertical phase) differ in sign, the reading whose contacts walk the more regular step times is kept."""

from __future__ import annotations

import numpy as np

from direction_sessions import confident_wrong, stepturn_bouts
from retrogait.analysis.direction import _sign_agreed
from retrogait.simulate import SimulationConfig, simulate


def test_the_more_regular_reading_decides_where_the_two_disagree() -> None:
    a = np.array([-1.0, 1.0, 1.0, 1.0, np.nan])
    b = np.array([-2.0, -1.0, -1.0, -1.0, 1.0])
    error_a = np.array([0.1, 0.3, 0.1, 0.2, 0.1])
    error_b = np.array([0.3, 0.1, 0.3, 0.2, 0.1])
    out = _sign_agreed(a, b, error_a, error_b)
    np.testing.assert_array_equal(out[:4], [-1.0, -1.0, 0.0, 0.0])  # agree: a; b more regular: b; else none
    assert np.isnan(out[4])


def test_steps_after_a_stepping_turn_before_backward_walking_are_not_taken_backward() -> None:
    """Issue 17, fresh person 25 (stepturn, lower back, 100 Hz, end to end): a walk turns round in three steps
    and walks on 2.5 s before walking backward without standing. Through and after the turn the detector
    splits and skips steps (contacts 0.1-0.3 s off), so the reading from the detected contacts turns backward
    while the one from the vertical phase stays forward; with no evidence either way the backward walk after
    carried the forward steps, `backward` at 0.942 and 0.973. The moved contacts walk regular steps (their
    step-time asymmetry below the detected ones'), so their forward reading counts. The same session."""
    bouts = stepturn_bouts((1.1305, 0.9685, 2.897, 1.3772, 1.1712), (-169.616, 169.515, -178.032, 168.545), (4.0, 4.0))
    config = SimulationConfig(
        "lower_back", bouts, sample_rate_hz=100.0, side="right", mounting_rotation_deg=(2.587, -1.812, -4.614), seed=25
    )
    assert confident_wrong(simulate(config)).empty
