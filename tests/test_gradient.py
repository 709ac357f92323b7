"""``vectors.gradient``: np.gradient's numbers of a 1-d signal, without its temporaries (PERF-175)."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.analysis.vectors import gradient, gradient_norm_rows, norm_rows


def test_the_gradient_is_numpy_s_bit_for_bit() -> None:
    rng = np.random.default_rng(11)
    specials = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e308, -1e308, 5e-324])
    for n in [2, 3, 4, 5, *rng.integers(6, 400, 200)]:
        x = rng.normal(0.0, 10.0, int(n))
        special = rng.random(x.size) < 0.1
        x[special] = rng.choice(specials, int(special.sum()))
        for signal in (x, np.column_stack([x, -x, x])[:, 1]):  # contiguous and a strided column
            with np.errstate(invalid="ignore", over="ignore"):  # inf - inf, 1e308 + 1e308: as numpy's own
                found, numpy_s = gradient(signal), np.gradient(signal)
            assert found.dtype == np.float64 and found.flags.c_contiguous
            assert found.tobytes() == numpy_s.tobytes()


def test_other_inputs_are_numpy_s_own() -> None:
    x32 = np.arange(10, dtype=np.float32) ** 2
    assert gradient(x32).dtype == np.float32 and gradient(x32).tobytes() == np.gradient(x32).tobytes()
    assert gradient(np.arange(5)).tobytes() == np.gradient(np.arange(5)).tobytes()
    with pytest.raises(ValueError):
        gradient(np.ones(1))


def test_the_gradient_norm_rows_are_the_norm_of_numpy_s_gradient() -> None:
    rng = np.random.default_rng(3)
    for n in (2, 3, 17, 1000):
        v = rng.normal(size=(n, 3))
        v[rng.random((n, 3)) < 0.02] = np.nan
        assert gradient_norm_rows(v).tobytes() == norm_rows(np.gradient(v, axis=0)).tobytes()


@pytest.mark.parametrize("shape", [(), (3, 4), (2, 2, 2)])
def test_a_signal_not_1_d_is_refused_in_one_line(shape: tuple[int, ...]) -> None:
    """np.gradient gives a tuple of arrays (or its own error) there, not the one array promised (REVIEW-281)."""
    with pytest.raises(ValueError, match=r"^gradient: a 1-d signal is needed, this one has \d dimensions$"):
        gradient(np.zeros(shape))
