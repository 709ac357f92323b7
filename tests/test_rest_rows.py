"""The stride travel's rests read from their samples gathered by ``np.take``: the numbers of indexing (PERF-175)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from retrogait.analysis import direction
from retrogait.analysis.settings import preset
from retrogait.analysis.signals import BodySignals
from retrogait.analysis.stride_vectors import stride_vectors
from retrogait.analysis.vectors import norm_rows
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.samples import nearest_samples


def _indexed(signals: BodySignals, rest: NDArray[np.int64]) -> tuple[NDArray[np.float64], ...]:
    """``direction._stride_travel`` as before PERF-175: the rows around each rest by indexing."""
    assert signals.gyr_dps is not None
    s = preset("shank").direction
    fs = signals.fs_hz
    vectors = stride_vectors(
        signals.acc_ms2, signals.gyr_dps, fs, rest, s.max_stride_s, block_rate_hz=s.strapdown_block_rate_hz
    )
    half = nearest_samples(0.02, fs)
    around = np.clip(rest[:, None] + np.arange(-half, half + 1)[None, :], 0, signals.n_samples - 1)
    deviation = np.abs(norm_rows(signals.acc_ms2[around.ravel()]).reshape(around.shape) - STANDARD_GRAVITY_MS2)
    at_rest = (rest >= 0) & (deviation.mean(axis=1) <= s.max_rest_acc_deviation_ms2)
    rate = norm_rows(signals.gyr_dps[around.ravel()]).reshape(around.shape).mean(axis=1)
    turn = vectors.heading_change_deg
    ok = vectors.valid & at_rest[:-1] & at_rest[1:] & (np.abs(np.diff(rate)) <= s.max_rest_rate_change_dps)
    ok &= np.abs(vectors.dz_m) <= s.max_stride_rise_m
    half_turn = np.radians(-0.5 * np.nan_to_num(turn))
    dx = np.cos(half_turn) * vectors.dx_m - np.sin(half_turn) * vectors.dy_m
    dy = np.sin(half_turn) * vectors.dx_m + np.cos(half_turn) * vectors.dy_m
    return np.where(ok, dx, np.nan), np.where(ok, dy, np.nan), turn


@pytest.mark.parametrize("layout", ["C", "F", "float32"])
def test_the_stride_travel_is_the_indexed_rows_one(layout: str) -> None:
    rng = np.random.default_rng(7)
    n, fs = 4000, 200.0
    # the noise's size changes every 50 samples: rests at and off 1 g, turning slower and faster than the bound
    scale = np.repeat(rng.uniform(0.0, 1.0, n // 50), 50)[:, None]
    acc = rng.normal(0.0, 1.0, (n, 3)) * 3.0 * scale + (0.0, 0.0, STANDARD_GRAVITY_MS2)
    gyr = rng.normal(0.0, 1.0, (n, 3)) * 150.0 * scale
    if layout == "F":
        acc, gyr = np.asfortranarray(acc), np.asfortranarray(gyr)
    elif layout == "float32":
        acc, gyr = acc.astype(np.float32), gyr.astype(np.float32)
    signals = BodySignals.uniform(acc, gyr, fs, "shank", "left")  # type: ignore[arg-type]
    # rests about a stride apart, one missing (-1), the first and last samples
    rest = np.r_[0, np.arange(150, n - 150, 190), -1, 2000, n - 1].astype(np.int64)
    found = direction._stride_travel(signals, rest, preset("shank").direction)
    for got, want in zip(found, _indexed(signals, rest), strict=True):
        assert got.tobytes() == want.tobytes()
    assert 3 <= np.isfinite(found[0]).sum() < found[0].size - 3  # rests taken and refused
