"""One robust clip for the periodicity windows and the gait gate's pieces (periodicity.robust_clip)."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from retrogait.analysis.periodicity import MAD_TO_STD, MIN_SCALE_OF_STD, robust_clip, row_median


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


def _reference_clip(x: np.ndarray, factor: float) -> np.ndarray:
    """robust_clip as written before PERF-124/126: np.median twice, every row."""
    centred = x - np.median(x, axis=-1, keepdims=True)
    scale = np.maximum(
        MAD_TO_STD * np.median(np.abs(centred), axis=-1, keepdims=True),
        MIN_SCALE_OF_STD * np.std(centred, axis=-1, keepdims=True),
    )
    return np.asarray(np.clip(centred, -factor * scale, factor * scale))


def test_rows_that_clip_nothing_skip_the_mad_with_the_same_bits() -> None:
    """Rows shown not to reach the clip (no partition for their MAD) and rows that do, side by side: every value has
    the bits of the clip computed with both medians, also where the largest value lies within a few roundings of
    the clip (the proof's margin) and in rows of zeros."""
    rng = np.random.default_rng(11)
    factor = 4.0
    for k in (5, 8, 101, 200, 405):
        rows = [rng.standard_normal(k), rng.standard_normal(k) ** 5, np.zeros(k), np.round(rng.standard_normal(k), 1)]
        for j in range(-4, 5):  # the largest value on either side of the clip, by a few ulps
            row = rng.standard_normal(k)
            row[0] = 10.0  # the largest: where it lies above the others moves neither the median nor the MAD
            median = float(np.median(row))
            row[0] = median + factor * MAD_TO_STD * float(np.median(np.abs(row - median)))
            for _ in range(abs(j)):
                row[0] = np.nextafter(row[0], np.inf * j)
            rows.append(row)
        x = np.array(rows)
        got, want = robust_clip(x, factor), _reference_clip(x, factor)
        assert np.array_equal(got.view(np.uint64), want.view(np.uint64))
        assert np.array_equal(robust_clip(x[1], factor).view(np.uint64), want[1].view(np.uint64))  # one row (1-D)
    with_nan = np.r_[rng.standard_normal(20), np.nan]
    assert np.isnan(robust_clip(with_nan, factor)).all() and np.isnan(_reference_clip(with_nan, factor)).all()


def test_rows_of_subnormal_values_keep_the_bits_of_the_clip() -> None:
    """REVIEW-206: the proof's 1e-9 margin is relative; below the normal range a rounding is absolute (up to half of
    5e-324), so a row of subnormal values (a band-pass's tail decaying after exact zeros) must not skip its MAD."""
    rng = np.random.default_rng(206)
    tiny = float(np.nextafter(0.0, 1.0))
    for factor in (1.0, 2.5, 4.0, 5.0):
        for k in (3, 7):
            x = rng.integers(-60, 61, size=(4000, k)) * tiny
            got, want = robust_clip(x, factor), _reference_clip(x, factor)
            assert np.array_equal(got.view(np.uint64), want.view(np.uint64)), (factor, k)


_SCALES = st.sampled_from([5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-3, 1.0, 1e3, 1e150])


@given(
    rows=st.integers(1, 4).flatmap(
        lambda m: st.integers(1, 40).flatmap(
            lambda k: arrays(np.int64, (m, k), elements=st.integers(-50, 50))  # ties, zeros and equal rows
        )
    ),
    scale=_SCALES,
    factor=st.sampled_from([1.0, 2.5, 4.0, 100.0]),
    top=st.integers(0, 3),
)
def test_clip_and_row_median_have_the_bits_of_numpy_medians_at_any_scale(
    rows: np.ndarray, scale: float, factor: float, top: int
) -> None:
    """REVIEW-206: `robust_clip` (PERF-126's skipped MAD) and `row_median` (PERF-124) against np.median at scales from
    the least subnormal to 1e150, with the largest value of a row moved 0-3 ulps up (the proof's margin)."""
    x = rows.astype(np.float64) * scale
    for _ in range(top):
        x[:, -1] = np.nextafter(x[:, -1], np.inf)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a square overflowing in the std, on both sides
        got, want = robust_clip(x, factor), _reference_clip(x, factor)
    assert np.array_equal(got.view(np.uint64), want.view(np.uint64))
    assert np.array_equal(row_median(x).view(np.uint64), np.median(x, axis=-1, keepdims=True).view(np.uint64))


def test_only_rows_that_reach_the_clip_are_clipped_with_their_own_scale() -> None:
    """PERF-134: a block of rows shown to reach no clip (returned centred as they are) between rows whose clip acts,
    some by the MAD, some by the standard deviation's floor (mostly still between two landings): every value has the
    bits of the clip computed on every row, also for a row given alone and for a block that holds no open row."""
    rng = np.random.default_rng(21)
    k = 203
    still = np.zeros(k)
    still[[40, 140]] = (9.0, -7.0)
    spike = rng.standard_normal(k)
    spike[100] = 40.0
    calm = rng.uniform(-1.0, 1.0, k)  # no value beyond 4 robust standard deviations: no clip
    rows = [calm, still, calm * 3.0, spike, rng.standard_normal(k) * 1e-3, still * -2.0, calm + 5.0]
    x = np.array(rows * 3)
    for factor in (2.0, 4.0):
        expected = _reference_clip(x, factor)
        got = robust_clip(x, factor)
        assert np.array_equal(got.view(np.int64), expected.view(np.int64))
        for row, want in zip(x, expected, strict=True):
            assert np.array_equal(robust_clip(row, factor).view(np.int64), want.view(np.int64))
    calm_block = np.array([calm, calm * 2.0, -calm])
    assert np.array_equal(robust_clip(calm_block, 4.0), _reference_clip(calm_block, 4.0))


def test_a_block_of_any_memory_layout_is_clipped_as_before() -> None:
    """REVIEW-217: rows given in another memory layout (an F-ordered or transposed block, a 3-D block of windows
    whose centred values numpy lays out as the input) are clipped with the bits of the clip on every row: the
    clipped rows written back into ``centred`` itself, the standard deviation of each row in its own layout."""
    rng = np.random.default_rng(217)
    flat = rng.uniform(-1.0, 1.0, (12, 101))
    flat[::2, 50] = 50.0  # every other row has a landing to clip; the others reach no clip
    blocks = {
        "F-ordered": np.asfortranarray(flat),
        "transposed": np.ascontiguousarray(flat.T).T,
        "3-D F-ordered": np.asfortranarray(flat.reshape(3, 4, 101)),
        "3-D axes swapped": flat.reshape(4, 3, 101).transpose(1, 0, 2),
        "reversed rows": flat[::-1],
    }
    for name, x in blocks.items():
        for factor in (2.0, 4.0):
            got, want = robust_clip(x, factor), _reference_clip(x, factor)
            assert np.abs(got).max() < 10.0, name  # the landings clipped
            assert np.array_equal(got.view(np.uint64), want.view(np.uint64)), (name, factor)
