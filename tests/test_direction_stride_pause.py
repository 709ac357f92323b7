"""DIRECTION-23: a foot or shank stride as long as the one before it is no pause, though the session's
median stride (short where the session also runs) and the stride after it (a first side-step) are shorter."""

from __future__ import annotations

import numpy as np

from direction_sessions import confident_wrong, nostand_bouts
from retrogait.analysis.direction import _after_pause
from retrogait.simulate import SimulationConfig, simulate


def test_a_stride_as_long_as_the_one_before_is_no_pause() -> None:
    """Same-leg contacts: eight running strides of 0.7 s (the median stride), walking strides of 1.05 s,
    then a short one of 0.8 s (the first side-step): the last walking stride, 1.3 x the stride after it and
    the median, is as long as the stride before it: no pause. A stride of 2 s between walking strides is
    one, and so is the first contact."""
    ic = np.cumsum([0] + [70] * 8 + [105] * 3 + [80, 200, 105, 105])
    m = ic.size
    prev, nxt = np.arange(m) - 1, np.arange(m) + 1
    nxt[-1] = -1
    pause = _after_pause(ic, prev, nxt, 1.3)
    assert pause[0]
    assert not pause[11]  # 1.05 s before, 0.8 s after, the median stride 0.7 s
    assert pause[13]  # 2 s before: a pause
    assert not pause[1:11].any() and not pause[14:].any()


def test_the_last_forward_stride_before_side_steps_is_forward() -> None:
    """Issue 17, fresh person 30 (nostand, shank, 500 Hz, end to end): the walk turns straight into
    side-steps; the last forward contact's stride (1.05 s, like every walking stride before it) was over
    1.3 x the first side-step's (0.8 s) and the session's median stride (its runs make it ~0.75 s), so it
    was taken for the first contact after a pause and given the side-step's stride vector: `sideways` at
    0.992. The same session."""
    bouts = nostand_bouts((2.961, 2.431, 1.376, 0.614, 1.118, 1.0, 3.153), "right")
    config = SimulationConfig(
        "shank", bouts, sample_rate_hz=500.0, side="left", mounting_rotation_deg=(-4.36, 5.31, -3.23), seed=30
    )
    assert confident_wrong(simulate(config), "left").empty
