"""`row_median` of rows of an even length taken from a sort keeps the partition's bits (PERF-154)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from retrogait.analysis import periodicity
from retrogait.analysis.periodicity import SORTED_MEDIAN_MAX, row_median


def _partitioned(x: NDArray[np.floating]) -> NDArray[np.floating]:
    """dd3875e3's ``row_median`` without a NaN: the partition at the middle value(s) and their mean."""
    k = x.shape[-1]
    middle = slice(k // 2, k // 2 + 1) if k % 2 else slice(k // 2 - 1, k // 2 + 1)
    part = np.partition(x, [middle.start, middle.stop - 1] if k % 2 == 0 else [middle.start], axis=-1)
    return np.asarray(np.mean(part[..., middle], axis=-1, keepdims=True))


def _block(rng: np.random.Generator, k: int) -> NDArray[np.float64]:
    """Rows of one kind: normal at a scale of 1e-310..1e300, ties, signed zeros, a calm half, infinities."""
    m = int(rng.integers(1, 30))
    x = rng.standard_normal((m, k)) * 10.0 ** rng.uniform(-310, 300)
    kind = int(rng.integers(0, 5))
    if kind == 1:
        x = np.round(x / np.abs(x).max(initial=1e-300), 1)  # many ties
    elif kind == 2:  # zeros of either sign, from a few to all
        zero = rng.random(x.shape) < rng.uniform(0.0, 1.0)
        x[zero] = np.where(rng.random(int(zero.sum())) < rng.random(), -0.0, 0.0)
    elif kind == 3:
        x[:, : k // 2] = 0.0  # half the row still
    elif kind == 4:
        x[rng.random(x.shape) < 0.1] = np.inf
        x[rng.random(x.shape) < 0.1] = -np.inf
    return x


def _partitions_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The row lengths of every ``np.partition`` call :mod:`periodicity` makes from now on, in order."""
    asked: list[int] = []
    partition = np.partition

    def counted(x: NDArray[np.float64], kth: object, axis: int = -1) -> NDArray[np.float64]:
        asked.append(x.shape[-1])
        return partition(x, kth, axis=axis)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(periodicity.np, "partition", counted)
    return asked


@pytest.mark.parametrize("k", [2, 4, 6, 64, 100, 200, 202, 256, 258, 402])
def test_an_even_rows_median_from_a_sort_has_the_partitions_bits(k: int) -> None:
    rng = np.random.default_rng(k)
    for _ in range(60):
        x = _block(rng, k)
        with np.errstate(over="ignore"):  # float32: beyond its range an infinity, a test value too
            single = x.astype(np.float32)
        for block in (x, single, np.asfortranarray(x), x[::-1], x.reshape(1, *x.shape), x[0]):
            with np.errstate(invalid="ignore", over="ignore"):  # -inf and inf in the middle: NaN, in both
                got, want = row_median(block), _partitioned(block)
            assert got.dtype == want.dtype and got.shape == want.shape
            assert np.array_equal(got.view(np.uint8), want.view(np.uint8))  # the same bits, a zero's sign too


def test_even_rows_up_to_the_limit_are_sorted_not_partitioned(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cut is taken where it pays (rows of up to 256 values: a partition at two places costs 2-4 times a sort) and
    only there (rows of 402 real values sort slower than they partition)."""
    asked = _partitions_counted(monkeypatch)
    rng = np.random.default_rng(0)
    for k in (200, 202, SORTED_MEDIAN_MAX, SORTED_MEDIAN_MAX + 2, 402, 201):
        row_median(rng.standard_normal((8, k)))
    assert asked == [SORTED_MEDIAN_MAX + 2, 402, 201]
    row_median(np.zeros((8, 202)))  # a zero in the middle: the partition chooses its sign, as before
    assert asked[-1] == 202


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("zeros", [(0.0, 0.0), (-0.0, -0.0), (-0.0, 0.0)])
def test_one_row_whose_middle_values_are_zeros_sends_the_whole_block_to_the_partition(
    monkeypatch: pytest.MonkeyPatch, dtype: type, zeros: tuple[float, float]
) -> None:
    """REVIEW-245: the zero fallback looks at every row's two middle values, not at the block's first row, nor
    only where every row's middle is zero: one row among normal rows whose two middle values are zeros (of either
    sign) is enough, and its median keeps the partition's bits, a zero's sign included."""
    asked = _partitions_counted(monkeypatch)
    rng = np.random.default_rng(245)
    k = 202
    x = rng.standard_normal((8, k)).astype(dtype)
    row = np.concatenate([-1.0 - rng.random(k // 2 - 1), list(zeros), 1.0 + rng.random(k // 2 - 1)])
    x[5] = rng.permutation(row).astype(dtype)
    got = row_median(x)
    assert asked == [k]
    want = _partitioned(x)
    assert np.array_equal(got.view(np.uint8), want.view(np.uint8))
    assert got[5, 0] == 0.0 and got.dtype == dtype
