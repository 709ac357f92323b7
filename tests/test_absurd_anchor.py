"""An absurd but finite value (beyond 1e7 in any unit) is no measurement: no anchor to fill or bridge (EDGE-225)."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.analysis.preprocess import _finite_rows
from retrogait.session import Session, SessionMeta


def _session(gyr: np.ndarray, acc: np.ndarray | None = None) -> Session:
    n = gyr.shape[0]
    t = np.arange(n) / 200.0
    if acc is None:
        acc = np.column_stack([np.sin(t), np.cos(t), 9.81 + 0.1 * np.sin(3 * t)])
    return Session(t, acc, gyr, SessionMeta(placement="shank", sample_rate_hz=200.0))


@pytest.mark.parametrize("absurd", [1e9, -3e12])
def test_an_absurd_gyroscope_value_is_no_anchor_of_the_lower_rate(absurd: float) -> None:
    """A 100 Hz gyroscope on every 2nd row of 200 Hz rows with one absurd value: the two rows beside it were
    interpolated from it (values of ~5e8) and then dropped as absurd too, 3 rows for one value (f59410f); now only its
    own row is dropped, the rows beside are bridged between the measured values around (flagged)."""
    n = 2000
    gyr = np.full((n, 3), np.nan)
    gyr[::2] = np.column_stack([np.arange(0, n, 2) * 0.1] * 3)
    gyr[1000] = absurd
    notes: list[str] = []
    t, _, g, _, gyr_bridged_t, _ = _finite_rows(_session(gyr), notes)
    assert t.size == n - 1 and not np.isin(1000 / 200.0, t), notes
    assert g is not None and np.isfinite(g).all() and float(np.abs(g).max()) < 1e3
    assert np.isclose(gyr_bridged_t, [999 / 200.0, 1001 / 200.0]).any(), gyr_bridged_t
    assert any("1 samples with missing, infinite or absurd values" in n_ for n_ in notes), notes


def test_an_absurd_acceleration_value_is_no_anchor_of_the_bridge() -> None:
    """A lone empty acceleration cell next to an absurd one was bridged from it (a value of ~5e8, then dropped as
    absurd); now the empty one is bridged between measured values where they lie within 25 ms, and only the absurd
    row is dropped."""
    n = 2000
    gyr = np.ones((n, 3))
    t = np.arange(n) / 200.0
    acc = np.column_stack([np.sin(t), np.cos(t), 9.81 + 0.1 * np.sin(3 * t)])
    acc[1000, 0] = np.nan
    acc[1001, 0] = 1e9
    notes: list[str] = []
    kept, a, _, bridged_t, _, _ = _finite_rows(_session(gyr, acc), notes)
    assert kept.size == n - 1 and np.isin(1000 / 200.0, kept) and not np.isin(1001 / 200.0, kept)
    assert float(np.abs(a).max()) < 20.0 and np.isclose(bridged_t, 1000 / 200.0).any()
