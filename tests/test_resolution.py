"""The accelerometer's quantum measured from its values (HONEST-8, retrogait.resolution)."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.resolution import COARSE_QUANTUM_G, acc_quantum_g, axis_quantum, describe_quantum, is_coarse


def _gait_g(n: int = 12000, seed: int = 3) -> np.ndarray:
    """(n,) a vertical acceleration (g) of walking at 200 Hz with sensor noise: continuous floats."""
    t = np.arange(n) / 200.0
    return np.asarray(1.0 + 0.6 * np.sin(2 * np.pi * 1.8 * t) + 0.05 * np.random.default_rng(seed).standard_normal(n))


@pytest.mark.parametrize(("bits", "range_g"), [(8, 8.0), (10, 8.0), (12, 8.0), (12, 16.0), (16, 16.0)])
def test_the_quantum_of_counts_converted_to_any_unit(bits: int, range_g: float) -> None:
    """Counts written as m/s^2 (counts * 9.80665 * quantum, 9 significant digits) or as float32 text read
    back: the quantum in g, whatever the float noise of the conversion."""
    quantum = 2 * range_g / 2**bits
    counts = np.round(_gait_g() / quantum)
    ms2 = counts * quantum * STANDARD_GRAVITY_MS2
    as_text = np.array([float(f"{x:.9g}") for x in ms2])
    as_float32 = np.array([float(f"{x:.7g}") for x in ms2.astype(np.float32)])
    for values in (ms2, as_text, as_float32):
        assert axis_quantum(values / STANDARD_GRAVITY_MS2) == pytest.approx(quantum, rel=1e-4)


def test_a_grid_with_an_offset_and_a_short_recording() -> None:
    """GENEActiv's (count * 100 - offset) / gain lies on a grid that does not hold 0; 3 s of a fine
    16-bit sensor repeat few values, and every distinct value shows the grid."""
    counts = np.round(_gait_g() * 256)
    assert axis_quantum((counts * 100 - 398) / 25322) == pytest.approx(100 / 25322, rel=1e-6)
    fine = np.round(_gait_g(600) / (32 / 2**16)) * (32 / 2**16)
    assert axis_quantum(fine) == pytest.approx(32 / 2**16, rel=1e-6)


def test_calibrated_floats_and_resampled_values_claim_no_coarse_grid() -> None:
    """Continuous values (a phone's calibrated output) lie on no grid; 8-bit counts resampled by linear
    interpolation at an unrelated rate show no grid coarser than the sensor's (none, or the sensor's)."""
    assert axis_quantum(_gait_g()) is None
    assert acc_quantum_g(np.column_stack([_gait_g(seed=s) for s in range(3)]) * STANDARD_GRAVITY_MS2) is None
    assert describe_quantum(None).startswith("none found")
    t = np.arange(12000) / 200.0
    coarse = np.round(_gait_g() / 0.0625) * 0.0625
    resampled = np.interp(np.arange(0.0, t[-1], 1 / (200 * 4 / np.pi)), t, coarse)
    found = axis_quantum(resampled)
    assert found is None or found <= 0.0625 * (1 + 1e-6)


def test_coarse_is_ten_bits_over_8_g_not_twelve_over_16() -> None:
    assert is_coarse(16 / 2**10) and is_coarse(16 / 2**8)
    assert not is_coarse(32 / 2**12) and not is_coarse(None) and COARSE_QUANTUM_G == 0.01


def test_a_long_recording_is_measured_on_blocks_spread_over_it() -> None:
    """An hour at 200 Hz: the quantum of its 8-bit values from blocks of it (bounded work)."""
    g = np.tile(_gait_g(), 60)
    acc = np.column_stack([g, 0.5 * g, -g]) * STANDARD_GRAVITY_MS2
    acc = np.round(acc / (0.0625 * STANDARD_GRAVITY_MS2)) * 0.0625 * STANDARD_GRAVITY_MS2
    assert acc_quantum_g(acc) == pytest.approx(0.0625, rel=1e-6)


def test_values_near_the_float_limit_give_an_answer_not_a_warning() -> None:
    """A file's 1e308 among its values (kept: it is finite) must not overflow into RuntimeWarnings (shown to
    a user, errors in the tests); the grid of the other values is still found, or none is claimed."""
    coarse = np.round(_gait_g() / 0.0625) * 0.0625
    for extreme in ([1e308, -1e308], [1.7e308], [-1.7e308, 5e-324]):
        values = np.concatenate([coarse, extreme])
        found = axis_quantum(values)
        assert found is None or found == pytest.approx(0.0625, rel=1e-6)
        acc_quantum_g(np.column_stack([values, values, values]))
