"""DIRECTION-40: where the chain's two one-sided readings of a lower-back step differ and one is lateral, the step is
no surer than its own evidence makes it; the one-sided readings are smooth_states' own recursions."""

from __future__ import annotations

import numpy as np

from retrogait.analysis.direction import seam_capped
from retrogait.analysis.travel import one_sided_states, smooth_states


def _evidence() -> tuple[np.ndarray, np.ndarray]:
    """A forward walk, a weakly lateral side-step bout (0.4 log-odds per step) whose last step reads 0.6 forward
    (a quarter of the walk's braking carried in), and a firm forward walk: DIRECTION-25's seam."""
    walk = np.tile([0.0, -4.0, -1.8], (10, 1))
    side = np.tile([-0.4, -0.6, 0.0], (20, 1))
    side[-1] = [0.0, -0.9, -0.6]
    ev = np.vstack([walk, side, walk])
    return ev, np.full(ev.shape[0] - 1, 0.01)


def test_one_sided_readings_are_the_chain_cut_after_or_before_the_step() -> None:
    ev, switch = _evidence()
    post, before, after = one_sided_states(ev, switch)
    np.testing.assert_allclose(post, smooth_states(ev, switch), atol=1e-12)
    for k in (0, 12, 29, 30, 39):
        np.testing.assert_allclose(before[k], smooth_states(ev[: k + 1], switch[:k])[-1], atol=1e-12)
        np.testing.assert_allclose(after[k], smooth_states(ev[k:], switch[k:])[0], atol=1e-12)


def test_the_step_at_a_lateral_seam_is_no_surer_than_its_own_evidence() -> None:
    ev, switch = _evidence()
    post = smooth_states(ev, switch)
    assert post[29, 0] > 0.9  # the chain alone: the last side-step `forward`, firmly
    capped = seam_capped(post, ev, *one_sided_states(ev, switch)[1:], 0.7)
    assert capped[29].argmax() == 0 and capped[29, 0] < 0.7  # own: 1 / (1 + exp(-0.6)) = 0.65
    np.testing.assert_allclose(capped[29, 0], 1.0 / (1.0 + np.exp(-0.6)), rtol=1e-9)
    np.testing.assert_allclose(capped.sum(axis=1), 1.0)
    assert np.allclose(capped[:8], post[:8]) and np.allclose(capped[-8:], post[-8:])  # inside the walks: as before


def test_no_cap_on_a_sagittal_seam_or_a_step_without_evidence() -> None:
    forward, backward = np.tile([0.0, -3.0, -1.5], (10, 1)), np.tile([-3.0, 0.0, -1.5], (10, 1))
    ev = np.vstack([forward, backward])
    switch = np.full(19, 0.01)
    post = smooth_states(ev, switch)
    np.testing.assert_array_equal(seam_capped(post, ev, *one_sided_states(ev, switch)[1:], 0.7), post)
    ev, switch = _evidence()
    ev[29] = 0.0  # a contact whose step could not be measured: carried by the chain as before
    post = smooth_states(ev, switch)
    np.testing.assert_array_equal(seam_capped(post, ev, *one_sided_states(ev, switch)[1:], 0.7)[29], post[29])
