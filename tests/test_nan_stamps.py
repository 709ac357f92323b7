"""Inputs no caller passes today, guarded so the functions keep the answer they gave before their speed-ups
(EDGE-257): a NaN phase in the slots' middle phase (PERF-130 raised ValueError; before, NaN) and a single NaN stamp
interpolated onto itself (PERF-129 took its value; the search gives NaN)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrogait.analysis.preprocess import _middle_phase
from retrogait.imports.common import Stream, interpolate_onto


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_phase_not_finite_gives_a_nan_middle_phase(bad: float) -> None:
    x = np.arange(200.0) + 0.1
    x[77] = bad
    assert math.isnan(_middle_phase(x))
    assert _middle_phase(np.arange(200.0) + 0.1) == pytest.approx(0.1)  # finite phases: as before


def test_a_single_nan_stamp_interpolated_onto_itself_gives_nan() -> None:
    t = np.array([np.nan])
    out = interpolate_onto(t, Stream(t, np.array([[1.0, 2.0, 3.0]])), 0.05, 0.005)
    assert np.isnan(out).all()
    t = np.array([0.5])  # a finite single stamp keeps its value
    out = interpolate_onto(t, Stream(t, np.array([[1.0, 2.0, 3.0]])), 0.05, 0.005)
    assert out.tolist() == [[1.0, 2.0, 3.0]]
