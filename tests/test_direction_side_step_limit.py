"""DIRECTION-25 (analysis, no fix): a lower back's last side-step before forward walking, without standing, is
read from its neighbours. The known limit is kept as a strict expected failure on simulator version 1 so that a later
change that removes it (or moves it) is seen. On version 2 (the default, SIM-17) it passes: the simulated trunk
carries its momentum (DIRECTION-35), so the side-step's end brakes the lateral travel and the step is evidence of its
own (person 33's last side-step `forward` at 0.90 -> 0.75, person 60's 0.92 -> 0.84; version 1 with the momentum on
passes too, 0.75 / 0.88, and version 2 with it off fails person 33, 0.89 >= 0.85)."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.simulate import Bout, SimulationConfig
from true_contacts import labels_at_true_contacts

#: the limit: version 1's trunk without its momentum (DIRECTION-25, 38); version 2 passes (module docstring)
V1_LIMIT = pytest.param(
    1,
    marks=pytest.mark.xfail(
        strict=True, reason="the trunk's weak lateral braking: limit (4) of docs/validation.md, DIRECTION-25"
    ),
)


def _person_33_at_true_contacts(version: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fresh person 33's `nostand` session (lower back, 100 Hz) at the simulator's contacts: per contact the time
    (s), true direction, label and confidence."""
    bouts = [
        Bout("still", "still", 0, 1.0),
        Bout("forward", "running", 3.0304, 15.0),
        Bout("still", "still", 0, 1.3, turn_deg=180.0),
        Bout("backward", "running", 2.3207, 15.0),
        Bout("still", "still", 0, 1.3, turn_deg=-180.0),
        Bout("forward", "walking", 1.4174, 12.0),
        Bout("left", "walking", 0.62, 10.0),
        Bout("forward", "walking", 1.297, 12.0),
        Bout("backward", "walking", 0.9207, 12.0),
        Bout("forward", "running", 3.0588, 12.0),
        Bout("still", "still", 0, 1.0),
    ]
    config = SimulationConfig(
        "lower_back",
        bouts,
        sample_rate_hz=100.0,
        side="right",
        mounting_rotation_deg=(2.4325, 0.3117, 5.2635),
        seed=33,
        version=version,
    )
    return labels_at_true_contacts(config)


@pytest.mark.parametrize("version", [V1_LIMIT, 2])
def test_the_last_side_step_before_forward_walking_is_not_claimed_forward_firmly(version: int) -> None:
    _, truth, label, confidence = _person_33_at_true_contacts(version)
    wrong = (label != truth) & (label != "unknown")
    # DIRECTION-37's bound for a change of speed (the forward walk's start after the side-steps) moved this side-step
    # 0.902 -> 0.900, across 0.9 at these rounded parameters (validate_reliability's person 33: 0.903 -> 0.901): the
    # same limit, so it is held at 0.85 here
    assert not np.any(wrong & (confidence >= 0.85))


def _person_60_at_true_contacts(version: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fresh person 60's `nostand` session (lower back, 200 Hz; the twenty-first session's fresh check) at the
    simulator's contacts: the same limit as person 33, the last side-step (55.26 s) read `forward` at 0.92 from the
    walk after it (cabe51e and the stop's final code alike; DIRECTION-38)."""
    bouts = [
        Bout("still", "still", 0, 1.0),
        Bout("forward", "running", 3.2803595940894636, 15.0),
        Bout("still", "still", 0, 1.3, turn_deg=180.0),
        Bout("backward", "running", 2.4890709409236758, 15.0),
        Bout("still", "still", 0, 1.3, turn_deg=-180.0),
        Bout("forward", "walking", 1.3916951887361064, 12.0),
        Bout("left", "walking", 0.598753364289408, 10.0),
        Bout("forward", "walking", 1.1417231783050723, 12.0),
        Bout("backward", "walking", 1.0738927796086046, 12.0),
        Bout("forward", "running", 3.4874790229538606, 12.0),
        Bout("still", "still", 0, 1.0),
    ]
    config = SimulationConfig(
        "lower_back",
        bouts,
        sample_rate_hz=200.0,
        side="left",
        mounting_rotation_deg=(1.5777005139471214, -2.2659631134930454, 7.630147315533215),
        seed=60,
        version=version,
    )
    return labels_at_true_contacts(config)


@pytest.mark.parametrize(
    "version",
    [
        pytest.param(
            1,
            marks=pytest.mark.xfail(
                strict=True, reason="the trunk's weak lateral braking: DIRECTION-25, seen again on fresh person 60"
            ),
        ),
        2,
    ],
)
def test_fresh_person_60s_last_side_step_before_forward_walking_is_not_claimed_forward_firmly(version: int) -> None:
    _, truth, label, confidence = _person_60_at_true_contacts(version)
    wrong = (label != truth) & (label != "unknown")
    assert not np.any(wrong & (confidence >= 0.9))
