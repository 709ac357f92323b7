"""Intermediates computed once and shared between stages give the bits of computing them again (PERF-16)."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.analysis.contacts import stance_score
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.still import still_mask, still_mask_of_sums, still_sums
from retrogait.analysis.transient import LandingTransients, impact_transient_prominence, impact_transient_width_ms
from retrogait.analysis.vectors import norm_rows
from retrogait.analysis.zupt import contact_to_rest_rotation_deg, gravity_pitch_rad, gravity_pitches_rad, rest_indices
from retrogait.conventions import STANDARD_GRAVITY_MS2


def _signals(n: int = 6_000, seed: int = 1) -> BodySignals:
    rng = np.random.default_rng(seed)
    acc = rng.normal(0.0, 3.0, (n, 3))
    acc[:, 2] += STANDARD_GRAVITY_MS2
    acc[n // 3 : n // 2] = [0.3, -0.2, 9.8] + rng.normal(0.0, 0.02, (n // 2 - n // 3, 3))  # standing
    table = np.hstack([acc, rng.normal(0.0, 150.0, (n, 3))])  # strided columns, as a session's
    return BodySignals.uniform(table[:, :3], table[:, 3:], 100.0, "foot")


def test_norms_are_computed_once_read_only_and_equal_to_norm_rows() -> None:
    signals = _signals()
    assert signals.gyr_dps is not None
    acc_norm, gyr_norm = signals.acc_norm(), signals.gyr_norm()
    assert signals.acc_norm() is acc_norm and signals.gyr_norm() is gyr_norm
    assert np.array_equal(acc_norm, norm_rows(signals.acc_ms2))
    assert gyr_norm is not None and np.array_equal(gyr_norm, norm_rows(signals.gyr_dps))
    with pytest.raises(ValueError):
        acc_norm[0] = 0.0
    assert BodySignals.uniform(signals.acc_ms2, None, 100.0, "foot").gyr_norm() is None


@pytest.mark.parametrize("n", [1, 2, 7, 6_000])
def test_still_masks_from_shared_sums_are_the_plain_masks(n: int) -> None:
    signals = _signals(max(n, 2))
    acc = signals.acc_ms2[:n]
    sums = still_sums(norm_rows(acc))
    for window_s, std_ms2 in [(0.5, 0.3), (1.0, 0.5), (0.001, 0.2)]:
        assert np.array_equal(
            still_mask_of_sums(sums, 100.0, window_s, std_ms2), still_mask(acc, 100.0, window_s, std_ms2)
        )
    if n == 6_000:  # BodySignals' masks of two windows share one |acc| and one pair of running sums
        assert np.array_equal(signals.still_mask(0.5, 0.3), still_mask(acc, 100.0, 0.5, 0.3))
        assert np.array_equal(signals.still_mask(1.0, 0.5), still_mask(acc, 100.0, 1.0, 0.5))


def test_rest_search_stance_score_and_pitch_with_shared_inputs_are_unchanged() -> None:
    signals = _signals()
    acc, gyr = signals.acc_ms2, signals.gyr_dps
    assert gyr is not None
    norms = (signals.acc_norm(), signals.gyr_norm())
    ic = np.arange(50, 5_900, 97, dtype=np.int64)
    assert np.array_equal(stance_score(acc, gyr, 100.0, norms=norms), stance_score(acc, gyr, 100.0))
    for gyro, pair in ((gyr, norms), (None, (signals.acc_norm(), None))):
        assert np.array_equal(rest_indices(acc, gyro, 100.0, ic, norms=pair), rest_indices(acc, gyro, 100.0, ic))
    shared = contact_to_rest_rotation_deg(acc, gyr, 100.0, ic, norms=norms)
    assert np.array_equal(shared, contact_to_rest_rotation_deg(acc, gyr, 100.0, ic), equal_nan=True)
    a, b = ic[:-1], ic[1:]
    theta_a, theta_b = gravity_pitches_rad(acc, (a, b), 100.0)
    assert np.array_equal(theta_a, gravity_pitch_rad(acc, a, 100.0))
    assert np.array_equal(theta_b, gravity_pitch_rad(acc, b, 100.0))


def test_landing_transients_share_the_dynamic_z() -> None:
    signals = _signals()
    ic = np.arange(50, 5_900, 97, dtype=np.int64)
    contacts = Contacts(ic, ic + 40, np.full(ic.size, "left"))
    transients = LandingTransients(signals, contacts)
    expected = impact_transient_prominence(signals, contacts)
    assert np.array_equal(transients.prominence, expected, equal_nan=True)
    assert np.array_equal(transients.width_ms, impact_transient_width_ms(signals, contacts), equal_nan=True)
    assert not transients.dynamic.flags.writeable
