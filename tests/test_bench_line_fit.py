"""scripts/bench_line_fit.py: the check PERF-137's numbers come from finds the same floats as np.polyfit, and would
find a difference (REVIEW-215)."""

from __future__ import annotations

import numpy as np
import pytest

from script_module import load_script

BENCH = load_script("bench_line_fit")


def test_random_slot_fits_are_polyfits() -> None:
    assert BENCH.differing_fits(25) == 0


def test_a_fit_off_by_an_ulp_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    fit = BENCH.line_fit
    monkeypatch.setattr(BENCH, "line_fit", lambda x, y: (np.nextafter(fit(x, y)[0], np.inf), fit(x, y)[1]))
    assert BENCH.differing_fits(5) == 5
