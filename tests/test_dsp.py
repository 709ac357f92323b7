"""retrogait.dsp against scipy, the library it stands in for on the analysis path (PERF-8).

Exact where the operation is exact (peak indices, running extremes and medians: samples of the input);
to rounding where it is arithmetic (filter design 1e-12, filtering against a long-double recursion
1e-14 and against scipy within scipy's own rounding, ndtr 1e-15).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage, signal, special

from retrogait.dsp import (
    butter_sos,
    find_peaks,
    ndtr,
    running_max,
    running_median,
    running_min,
    sosfiltfilt,
    student_t_cdf,
    zerophase,
)
from retrogait.dsp import peaks as peaks_module
from retrogait.dsp import running as running_module
from retrogait.dsp.peaks import local_maxima, peak_prominences
from retrogait.dsp.upsample import upsample
from retrogait.dsp.zerophase import BLOCK, default_padlen

#: (order, edges in Hz, type) of every filter the analysis designs, at 200 Hz, and harder ones.
FILTERS = [
    (2, (0.3, 4.0), "band"),  # step band, gait gate, phone steps, free moving
    (2, (0.3, 20.0), "band"),  # preprocess
    (2, (0.3, 90.0), "band"),  # gait gate "quick"
    (2, (20.0, 80.0), "band"),  # shock band
    (2, 10.0, "low"),  # jerk
    (2, 40.0, "low"),  # impact
    (4, 20.0, "low"),  # effort
    (2, (0.05, 0.5), "band"),  # the lowest edge the settings allow
    (1, 5.0, "low"),  # odd orders: a real pole, trailing zeros shorten the default padding
    (3, 0.5, "low"),
    (1, (0.3, 1.75), "band"),  # two nearly equal real poles
]


@pytest.mark.parametrize("fs_hz", [50.0, 100.0, 200.0, 1000.0])
@pytest.mark.parametrize("order", [1, 2, 3, 4, 6])
def test_butter_sos_is_scipys_design(order: int, fs_hz: float) -> None:
    nyquist = fs_hz / 2
    for cutoff in np.linspace(0.005, 0.98, 17) * nyquist:
        expected = signal.butter(order, cutoff, btype="low", fs=fs_hz, output="sos")
        np.testing.assert_allclose(butter_sos(order, float(cutoff), fs_hz, "low"), expected, rtol=1e-12, atol=0)
    for low in np.linspace(0.002, 0.8, 7) * nyquist:
        for high in np.linspace(low / nyquist + 0.01, 0.98, 5) * nyquist:
            expected = signal.butter(order, [low, high], btype="band", fs=fs_hz, output="sos")
            actual = butter_sos(order, (float(low), float(high)), fs_hz, "band")
            np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    ("order", "edges", "btype"), [(0, 5.0, "low"), (2, 120.0, "low"), (2, (5.0, 3.0), "band"), (2, 5.0, "band")]
)
def test_butter_sos_refuses_what_scipy_refuses(order: int, edges: float | tuple[float, float], btype: str) -> None:
    with pytest.raises(ValueError):
        butter_sos(order, edges, 200.0, btype)  # type: ignore[arg-type]


def _signal(n: int, seed: int, columns: int | None = None) -> np.ndarray:
    """A drifting random walk with an offset (a gravity-like DC and low frequencies stress the filters)."""
    rng = np.random.default_rng(seed)
    shape = (n,) if columns is None else (n, columns)
    return 9.81 + np.cumsum(rng.normal(0.0, 0.3, shape), axis=0) + rng.normal(0.0, 1.0, shape)


def _sos(spec: tuple[int, float | tuple[float, float], str], fs_hz: float = 200.0) -> np.ndarray:
    order, edges, btype = spec
    return butter_sos(order, edges, fs_hz, btype)  # type: ignore[arg-type]


@pytest.mark.parametrize("spec", FILTERS)
def test_sosfiltfilt_is_scipys_to_its_rounding(spec: tuple[int, float | tuple[float, float], str]) -> None:
    sos = _sos(spec)
    pad = default_padlen(sos)
    for seed, n in enumerate([pad + 1, pad + 2, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 5, 1000, 20_011]):
        if n <= pad:
            continue
        x = _signal(n, seed)
        expected = signal.sosfiltfilt(sos, x)
        # scipy's own rounding grows as the poles near z = 1 (its error against a long-double recursion
        # reaches ~5e-13 of the signal at 0.05 Hz); ours stays below 1e-14 (next test)
        np.testing.assert_allclose(sosfiltfilt(sos, x), expected, rtol=0, atol=2e-11 * np.abs(x).max())


def _long_double_filtfilt(sos: np.ndarray, x: np.ndarray, edge: int) -> np.ndarray:
    """scipy's algorithm, sample by sample, in 80-bit arithmetic."""
    s = sos.astype(np.longdouble)
    xl = x.astype(np.longdouble)
    ext = np.concatenate((2 * xl[0] - xl[edge:0:-1], xl, 2 * xl[-1] - xl[-2 : -(edge + 2) : -1]))

    def one_pass(v: np.ndarray) -> np.ndarray:
        state, scale = [], np.longdouble(1)
        for b0, b1, b2, _a0, a1, a2 in s:  # steady state: solve (I - A) z = B for each section
            c0, c1, det = b1 - a1 * b0, b2 - a2 * b0, 1 + a1 + a2
            state.append([scale * (c0 + c1) / det * v[0], scale * ((1 + a1) * c1 - a2 * c0) / det * v[0]])
            scale *= (b0 + b1 + b2) / (1 + a1 + a2)
        out = np.empty(v.size, dtype=np.longdouble)
        for i, u in enumerate(v):
            for k, (b0, b1, b2, _a0, a1, a2) in enumerate(s):
                y = b0 * u + state[k][0]
                state[k] = [b1 * u - a1 * y + state[k][1], b2 * u - a2 * y]
                u = y
            out[i] = u
        return out

    return np.asarray(one_pass(one_pass(ext)[::-1])[::-1][edge:-edge], dtype=np.float64)


@pytest.mark.skipif(np.finfo(np.longdouble).eps > 1e-18, reason="no extended precision long double here")
@pytest.mark.parametrize("spec", [FILTERS[0], FILTERS[6], FILTERS[7], FILTERS[9]])
def test_sosfiltfilt_is_within_rounding_of_exact_arithmetic(spec: tuple[int, float | tuple[float, float], str]) -> None:
    sos = _sos(spec)
    x = _signal(3000, 5)
    exact = _long_double_filtfilt(sos, x, default_padlen(sos))
    np.testing.assert_allclose(sosfiltfilt(sos, x), exact, rtol=0, atol=1e-14 * np.abs(x).max())


def test_sosfiltfilt_chunks_carry_the_state(monkeypatch: pytest.MonkeyPatch) -> None:
    sos = _sos((2, (0.3, 4.0), "band"))
    x = _signal(5000, 3)
    whole = sosfiltfilt(sos, x)
    for chunk in (BLOCK, 3 * BLOCK, 64 * BLOCK):
        monkeypatch.setattr(zerophase, "CHUNK", chunk)
        np.testing.assert_allclose(sosfiltfilt(sos, x), whole, rtol=0, atol=1e-14 * np.abs(x).max())
        expected = signal.sosfiltfilt(sos, x)
        np.testing.assert_allclose(sosfiltfilt(sos, x), expected, rtol=0, atol=2e-11 * np.abs(x).max())


def test_sosfiltfilt_columns_padlen_and_short_signals() -> None:
    sos = _sos((4, 20.0, "low"))
    x = _signal(5000, 1, columns=3)
    np.testing.assert_allclose(sosfiltfilt(sos, x), signal.sosfiltfilt(sos, x, axis=0), rtol=0, atol=1e-12)
    for n, padlen in [(2, 1), (10, 9), (40, 0), (400, 27)]:  # effort.py's min(default, n - 1)
        y = _signal(n, n, columns=3)
        expected = signal.sosfiltfilt(sos, y, axis=0, padlen=padlen)
        np.testing.assert_allclose(sosfiltfilt(sos, y, padlen=padlen), expected, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="greater than padlen"):
        sosfiltfilt(sos, np.ones(default_padlen(sos)))


def test_sosfiltfilt_nan_spreads_as_in_scipy() -> None:
    sos = _sos((2, (0.3, 4.0), "band"))
    x = _signal(500, 2)
    x[300] = np.nan
    assert np.isnan(signal.sosfiltfilt(sos, x)).all()
    assert np.isnan(sosfiltfilt(sos, x)).all()


def _peak_inputs() -> list[np.ndarray]:
    """Seeded random signals and the adversarial ones: plateaus and ties, NaN, edges, a ramp of peaks."""
    rng = np.random.default_rng(0)
    inputs = [np.zeros(0), np.ones(1), np.array([0.0, 1.0]), np.array([0.0, 1.0, 0.0]), np.full(50, 3.0)]
    inputs.append(np.array([0, 2, 2, 1, 2, 2, 2, 0, 3, 3, 0, 1, 1], dtype=float))  # plateaus: even, odd widths
    inputs.append(np.array([5, 5, 1, 4, 4, 2, 4, 4, 9, 9], dtype=float))  # plateaus at the ends are no peaks
    inputs.append(np.tile([0.0, 1.0], 40))  # equal heights everywhere: scipy's argsort order decides
    ramp = np.zeros(3000)
    ramp[1::2] = np.arange(1500)  # each peak just higher than the last: the one-by-one finish
    inputs.append(ramp)
    for trial in range(60):
        n = int(rng.integers(3, 400))
        kind = trial % 4
        if kind == 0:
            x = rng.normal(size=n)
        elif kind == 1:
            x = rng.integers(0, 4, size=n).astype(float)
        elif kind == 2:
            x = np.round(3 * np.sin(np.arange(n) / rng.uniform(1, 8))) + 0.5 * rng.integers(0, 2, n)
        else:
            x = rng.integers(0, 5, size=n).astype(float)
            x[rng.random(n) < 0.1] = np.nan
        inputs.append(x)
    t = np.arange(20_000) / 200.0  # gait-like: two harmonics and noise
    inputs.append(np.sin(2 * np.pi * 1.4 * t) + 0.3 * np.sin(2 * np.pi * 4.2 * t) + 0.05 * rng.normal(size=t.size))
    rate = np.abs(rng.normal(size=5000))  # contacts.py's rest score: a running maximum, negated and padded
    rate = ndimage.maximum_filter1d(rate, 9, mode="nearest")
    inputs.append(np.concatenate(([-rate.max()], -rate, [-rate.max()])))
    return inputs


@pytest.mark.parametrize("distance", [None, 1, 2, 7, 4.5, 44])
@pytest.mark.parametrize("prominence", [None, 0.0, 0.5, 2.0])
def test_find_peaks_is_scipys(distance: float | None, prominence: float | None) -> None:
    for x in _peak_inputs():
        expected = signal.find_peaks(x, distance=distance, prominence=prominence)[0]
        np.testing.assert_array_equal(find_peaks(x, distance=distance, prominence=prominence), expected)


def test_find_peaks_rounds_and_one_by_one_finish_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    x = _peak_inputs()[-2]
    expected = signal.find_peaks(x, distance=44)[0]
    for rounds in (0, 1, 2):
        monkeypatch.setattr(peaks_module, "MAX_ROUNDS", rounds)
        np.testing.assert_array_equal(find_peaks(x, distance=44), expected)


def test_prominences_are_scipys() -> None:
    for x in _peak_inputs():
        maxima = local_maxima(x)
        if maxima.size:
            expected = signal.peak_prominences(x, maxima)[0]
            np.testing.assert_array_equal(peak_prominences(x, maxima), expected)
    with pytest.raises(ValueError, match="local maxima"):
        peak_prominences(np.array([0.0, 1.0, 2.0, 1.0]), np.array([1]))
    with pytest.raises(ValueError, match="distance"):
        find_peaks(np.zeros(5), distance=0.5)


@pytest.mark.parametrize("chunk", [1 << 16, 7])
def test_running_extremes_are_ndimages(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(running_module, "CHUNK", chunk)
    rng = np.random.default_rng(3)
    for trial in range(600):
        n = int(rng.integers(1, 400))
        size = int(rng.integers(1, 80)) if trial % 3 else int(rng.integers(1, 1000))
        x = rng.integers(0, 5, n).astype(float) if trial % 2 else rng.normal(size=n)
        np.testing.assert_array_equal(running_max(x, size), ndimage.maximum_filter1d(x, size, mode="nearest"))
        np.testing.assert_array_equal(running_min(x, size), ndimage.minimum_filter1d(x, size, mode="nearest"))
    with pytest.raises(ValueError):
        running_max(np.zeros(3), 0)


def test_running_median_is_ndimages_mirror() -> None:
    """Against ndimage's general (n-D) rank filter, which mirrors as documented for any length; its 1-D fast
    path agrees wherever it stays inside the array (scipy 1.17 reads past the end when the series has
    (size - 1) // 2 to size // 2 samples: bouts.py's odd window of 2 k - 1 steps over k - 1 known steps;
    scipy issues 22586, 23075)."""
    rng = np.random.default_rng(4)
    for trial in range(400):
        n = int(rng.integers(1, 60))
        size = int(rng.integers(1, 40))
        x = rng.integers(0, 2, n).astype(float) if trial % 2 else rng.normal(size=n)
        general = ndimage.median_filter(x[:, None], size=(size, 1), mode="mirror")[:, 0]
        np.testing.assert_array_equal(running_median(x, size), general)
        if not (size - 1) // 2 <= n <= size // 2:
            np.testing.assert_array_equal(running_median(x, size), ndimage.median_filter(x, size=size, mode="mirror"))


def test_ndtr_is_scipys() -> None:
    x = np.concatenate((np.linspace(-40.0, 40.0, 40_001), [0.0, -0.0, np.inf, -np.inf]))
    np.testing.assert_allclose(ndtr(x), special.ndtr(x), rtol=0, atol=1e-15)
    inner = np.linspace(-8.0, 8.0, 1601)
    np.testing.assert_allclose(ndtr(inner), special.ndtr(inner), rtol=1e-14, atol=0)
    assert np.isnan(ndtr(np.array([np.nan]))).all()
    assert ndtr(np.zeros((2, 3))).shape == (2, 3)


@pytest.mark.parametrize("factor", [2, 4, 8])
def test_upsample_keeps_the_samples_and_interpolates_as_resample_poly(factor: int) -> None:
    """CONTACT-9: band-limited interpolation by a whole factor; every factor-th sample is the input's, and between them
    it agrees with scipy's polyphase resampling (the same Kaiser window, edges held) to 0.1 % of the signal's range away
    from the edges (the low-pass's cutoff is the input's Nyquist rate, scipy's a little below it)."""
    rng = np.random.default_rng(5)
    x = np.cumsum(rng.normal(size=(400, 3)), axis=0)
    up = upsample(x, factor)
    assert up.shape == (400 * factor, 3)
    np.testing.assert_allclose(up[::factor], x, atol=1e-9)
    reference = signal.resample_poly(x, factor, 1, axis=0, padtype="edge")
    inner = slice(20 * factor, -20 * factor)
    assert np.abs(up[inner] - reference[inner]).max() <= 1e-3 * np.ptp(x)
    np.testing.assert_array_equal(upsample(x, 1), x)


def test_student_t_cdf_is_scipys() -> None:
    """IMPACT-15: Student's t for whole degrees of freedom (the closed forms), against scipy's stdtr."""
    x = np.concatenate((np.linspace(-30.0, 30.0, 601), [0.0, np.inf, -np.inf]))
    for dof in (1, 2, 3, 4, 5, 6, 7, 10, 31, 100):
        np.testing.assert_allclose(student_t_cdf(x, np.full(x.size, dof)), special.stdtr(dof, x), rtol=0, atol=1e-14)
    mixed = student_t_cdf(np.array([1.0, 1.0, np.nan, 1.0]), np.array([1, 6, 3, 0]))
    np.testing.assert_allclose(mixed[:2], special.stdtr([1, 6], [1.0, 1.0]), rtol=0, atol=1e-14)
    assert np.isnan(mixed[2:]).all()


def test_sosfiltfilt_into_out_is_the_same_bits_and_checks_out() -> None:
    """PERF-64/65: ``out`` (a new array, a column of a table, a whole table) holds the numbers the call returns
    without it; an ``out`` of another shape, dtype or a strided table is refused, not silently left unwritten."""
    rng = np.random.default_rng(5)
    sos = butter_sos(4, 20.0, 200.0, "low")
    x = np.cumsum(rng.normal(0.0, 1.0, (40_000, 3)), axis=0)
    whole = sosfiltfilt(sos, x)
    table = np.full((40_000, 3), np.nan)
    assert sosfiltfilt(sos, x, out=table) is table
    assert table.tobytes() == whole.tobytes()
    columns = np.full((40_000, 3), np.nan)
    for j in range(3):
        column = columns[:, j]
        assert sosfiltfilt(sos, x[:, j], padlen=30, out=column) is column
        assert column.tobytes() == sosfiltfilt(sos, np.ascontiguousarray(x[:, j]), padlen=30).tobytes()
    assert np.array_equal(columns[:, 0], sosfiltfilt(sos, x, padlen=30)[:, 0])
    for bad in (np.empty(40_000), np.empty((40_000, 3), dtype=np.float32), np.empty((3, 40_000)).T):
        with pytest.raises(ValueError, match="out must be"):
            sosfiltfilt(sos, x, out=bad)


def test_sosfiltfilt_refuses_an_out_that_overlaps_a_table_unless_it_is_the_table() -> None:
    """REVIEW-95: a table is filtered a column at a time into ``out``; an ``out`` that shares the table's memory in
    another layout (the same buffer read as Fortran-ordered ``x`` and C-ordered ``out``, or shifted by one value)
    overwrote columns not yet read and gave wrong numbers silently. It is refused; ``out`` that is ``x`` itself
    (each column read before it is written) and a 1-D ``x`` overlapping ``out`` in any way (read whole first) stay."""
    rng = np.random.default_rng(6)
    sos = butter_sos(4, 20.0, 200.0, "low")
    n = 5000
    x = np.cumsum(rng.normal(0.0, 1.0, (n, 3)), axis=0)
    expected = sosfiltfilt(sos, x)
    same = x.copy()
    assert sosfiltfilt(sos, same, out=same).tobytes() == expected.tobytes()
    line = np.concatenate([[0.0], x[:, 1]])
    assert sosfiltfilt(sos, line[1:], out=line[:-1]).tobytes() == expected[:, 1].tobytes()
    by_axis = np.ascontiguousarray(x.T)
    flat = np.concatenate([[0.0], x.ravel()])
    for table, out in ((by_axis.T, by_axis.reshape(n, 3)), (flat[1:].reshape(n, 3), flat[:-1].reshape(n, 3))):
        with pytest.raises(ValueError, match="out must be"):
            sosfiltfilt(sos, table, out=out)
