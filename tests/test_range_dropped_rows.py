"""The rows the range check keeps are copied a run at a time where it drops few: what the mask gives (PERF-150)."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.analysis import preprocess
from retrogait.analysis.settings import preset


@pytest.mark.parametrize(
    "dropped", [[0], [4_999], [2_500], [10, 11, 12, 3_000], list(range(0, 5_000, 80)), list(range(4_990, 5_000))]
)
@pytest.mark.parametrize(("order", "dtype"), [("C", np.float64), ("F", np.float64), ("F", np.float32)])
def test_kept_rows_are_the_masks_rows_in_its_layout(dropped: list[int], order: str, dtype: type) -> None:
    rng = np.random.default_rng(len(dropped))
    values = np.asarray(rng.normal(size=(5_000, 3)), order=order, dtype=dtype)  # float32: its type kept (REVIEW-244)
    values[rng.integers(0, 5_000, 50), 1] = np.nan
    t = np.arange(5_000) / 100.0
    ok = np.ones(5_000, dtype=bool)
    ok[dropped] = False
    at = np.flatnonzero(~ok)
    for whole, kept in ((values, preprocess._kept_rows(values, at)), (t, preprocess._kept_rows(t, at))):
        masked = whole[ok]
        assert kept.shape == masked.shape and kept.dtype == masked.dtype and kept.strides == masked.strides
        assert kept.flags.c_contiguous == masked.flags.c_contiguous and kept.tobytes() == masked.tobytes()


@pytest.mark.parametrize("rows", [[1_000], [0, 1, 1_999], list(range(100, 1_900, 20))])
def test_the_range_check_drops_the_same_rows_either_way(rows: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    t = 5.0 + np.arange(2_000) / 200.0
    acc = np.asfortranarray(rng.normal(0.0, 9.81, (2_000, 3)))
    gyr = np.asfortranarray(rng.normal(0.0, 200.0, (2_000, 3)))
    acc[rows, 0] = 1e30  # beyond any sensor's range
    settings = preset("shank").preprocess
    runs = preprocess._plausible_rows(t, acc, gyr, None, settings, [])
    monkeypatch.setattr(preprocess, "FEW_DROPPED_ROWS", -1)  # every drop by the mask
    masked = preprocess._plausible_rows(t, acc, gyr, None, settings, [])
    assert runs[0].size == 2_000 - len(rows)
    for a, b in zip(runs, masked, strict=True):
        assert a is not None and b is not None
        assert a.strides == b.strides and a.tobytes() == b.tobytes()
