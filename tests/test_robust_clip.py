"""One robust clip for the periodicity windows and the gait gate's pieces (periodicity.robust_clip)."""

from __future__ import annotations

import numpy as np

from retrogait.analysis.periodicity import MAD_TO_STD, MIN_SCALE_OF_STD, robust_clip


def test_each_row_is_clipped_as_the_row_alone() -> None:
    rng = np.random.default_rng(3)
    frames = rng.standard_normal((5, 101)) ** 3
    clipped = robust_clip(frames, 4.0)
    for row, got in zip(frames, clipped, strict=True):
        assert np.array_equal(robust_clip(row, 4.0), got)


def test_the_scale_is_the_mad_floored_at_a_share_of_the_std() -> None:
    x = np.r_[np.zeros(98), 10.0, -10.0]  # still between two landings: the MAD is 0, the std's share is the scale
    scale = MIN_SCALE_OF_STD * float(np.std(x))
    assert np.array_equal(robust_clip(x, 2.0), np.clip(x, -2.0 * scale, 2.0 * scale))
    y = np.r_[np.linspace(-1.0, 1.0, 999), 8.0]  # one landing in a steady signal: the MAD rules
    centred = y - np.median(y)
    mad_scale = MAD_TO_STD * float(np.median(np.abs(centred)))
    assert mad_scale > MIN_SCALE_OF_STD * float(np.std(centred))
    assert robust_clip(y, 3.0).max() == 3.0 * mad_scale
