"""Consecutive steps are not independent: a block bootstrap over consecutive steps of one runner.

Steps of one run drift together (fatigue, speed, surface): in real recordings the lag-1
autocorrelation of impact peaks and of the effort proxy is about 0.4. A step then tells less than an
independent observation would, so an interval that resamples single steps is too narrow and a test
that counts steps as independent says "significant" too often (docs/compare.md, "One person: the
steps are the sample").

Method (a studentized circular block bootstrap, Politis & Romano 1992; Götze & Künsch 1996):

* each direction's steps, in time order, are resampled in blocks of consecutive steps (wrapping
  round at the end), the two directions independently of each other;
* block length: twice the automatic length of Politis & White (2004, corrected by Patton, Politis &
  White 2009), at most a third of the series. Their rule minimises the error of the variance
  estimate; an interval needs less bias, hence the factor 2 (chosen in the simulation of
  scripts/validate_block_bootstrap.py);
* each resample's difference is studentized by the spread of its own block means; the observed
  difference by the flat-top long-run variance (Politis & Romano 1995) computed for the block rule
  (never below the block estimate). The interval is the percentile-t interval, on the log scale for
  percent differences;
* the p-value inverts that interval: p < alpha exactly when the 1 - alpha interval excludes zero;
* a share (0/1 per step): each standard error is at least one step's worth, 1 / n of its direction. A resample
  whose steps are all alike has no spread: it was dropped as undefined, and where one direction's share never
  varies and the other's is off by a step or two, the interval's other end sat at the estimate (HONEST-42);
* a share's interval is the smallest one holding both that bootstrap interval and Newcombe's hybrid score interval
  (Wilson's interval of each direction's share on its effective number of steps, n x variance / long-run variance,
  at most n): the bootstrap under-covers where a share is within a few steps of 0 or 1 at 80-160 steps, the score
  interval at 20 steps; the p-value is the larger of the two intervals' (HONEST-43).

Coverage of the 95 % interval on AR(1) series with a known difference is in docs/compare.md.
Vectorised: block means from one cumulative sum, resamples as index arrays in chunks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from retrogait.compare.stats import MAX_CHUNK_ELEMENTS, DifferenceKind, difference

FloatArray = NDArray[np.float64]

#: Name of the test reported for step-level comparisons.
BLOCK_BOOTSTRAP_TEST: Final = "block-bootstrap test"
#: Name of the test reported where a share's p-value is Newcombe's score interval's, the larger (HONEST-43/44).
SCORE_TEST: Final = "Newcombe score test"
#: Block length as a multiple of the Politis-White length (see the module docstring).
BLOCK_FACTOR: Final = 2
#: Longest block as a fraction of the series (a block as long as the series resamples nothing).
MAX_BLOCK_FRACTION: Final = 1.0 / 3.0


@dataclass(frozen=True)
class SerialDependence:
    """How strongly consecutive values of a series depend on each other.

    Attributes:
        block_steps: block length used to resample the series (steps).
        long_run_variance: variance per step that the mean of ``n`` steps divides by ``n``
            (flat-top estimate, units squared); equals the variance for independent steps.
    """

    block_steps: int
    long_run_variance: float


@dataclass(frozen=True)
class BlockInterval:
    """A difference of means (``b`` vs ``a``) with its block-bootstrap interval and two-sided p-value.

    ``statistic`` is the studentized observed difference; ``p_value`` is NaN when no value varies.
    ``p_is_bound``: no resample was as extreme as the data, so ``p_value`` is the smallest p the resamples
    can show, an upper bound of the p-value, not its value (USER-6). ``test``: the test whose p-value
    ``p_value`` is (a share's may be Newcombe's score interval's, the larger: HONEST-43/44).
    """

    estimate: float
    low: float
    high: float
    statistic: float
    p_value: float
    block_a: int
    block_b: int
    p_is_bound: bool = False
    test: str = BLOCK_BOOTSTRAP_TEST


def _flat_top(t: FloatArray) -> FloatArray:
    """The trapezoidal flat-top lag window of Politis & Romano (1995)."""
    a = np.abs(t)
    return np.where(a <= 0.5, 1.0, np.where(a <= 1.0, 2.0 * (1.0 - a), 0.0))


def serial_dependence(x: FloatArray) -> SerialDependence:
    """Block length and long-run variance of the series ``x`` (in time order).

    The autocorrelation is read up to the first lag ``m`` after which ``K = max(5, sqrt(log10 n))``
    consecutive autocorrelations are insignificant (|rho| < 2 sqrt(log10(n) / n)); with the flat-top
    window over ``M = 2m`` lags, ``G = sum |k| w(k) R(k)`` and ``g = sum w(k) R(k)`` (the long-run
    variance), the circular-bootstrap length is ``(2 G^2 / D)^(1/3) n^(1/3)`` with ``D = 4/3 g^2``.
    Independent or constant data give blocks of one step.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    centred = x - x.mean() if n else x
    var = float(centred @ centred) / n if n else 0.0
    if n < 6 or var <= 0.0:
        return SerialDependence(1, var)
    k_n = max(5, math.ceil(math.sqrt(math.log10(n))))
    max_lag = min(n - 1, math.ceil(math.sqrt(n)) + 2 * k_n)
    acov = np.array([float(centred[: n - k] @ centred[k:]) / n for k in range(max_lag + 1)])
    small = np.abs(acov[1:] / var) < 2.0 * math.sqrt(math.log10(n) / n)
    runs = np.convolve(small.astype(int), np.ones(k_n, dtype=int), mode="valid")
    quiet = np.flatnonzero(runs == k_n)
    m_hat = int(quiet[0]) if quiet.size else max_lag - k_n
    big_m = min(2 * max(m_hat, 1), max_lag)  # lag 1 is always looked at
    lags = np.arange(-big_m, big_m + 1)
    weights = _flat_top(lags / big_m)
    r = acov[np.abs(lags)]
    g = float(np.sum(weights * np.abs(lags) * r))
    long_run = float(np.sum(weights * r))
    if long_run <= 0.0 or g == 0.0:
        return SerialDependence(1, max(long_run, 0.0))
    b_pw = (2.0 * g**2 / (4.0 / 3.0 * long_run**2)) ** (1.0 / 3.0) * n ** (1.0 / 3.0)
    block = min(BLOCK_FACTOR * math.ceil(b_pw), math.floor(n * MAX_BLOCK_FRACTION))
    return SerialDependence(max(1, block), long_run)


def _circular_block_means(x: FloatArray, block: int) -> FloatArray:
    """Mean of the ``block`` consecutive values starting at each index (wrapping round)."""
    wrapped = np.concatenate([x, x[: block - 1]])
    sums = np.concatenate([[0.0], np.cumsum(wrapped)])
    return (sums[block : block + x.size] - sums[: x.size]) / block


def _effective_n(x: FloatArray, dep: SerialDependence) -> float:
    """The number of independent steps the mean of ``x`` is worth: ``n`` x variance / long-run variance (the design
    effect of consecutive steps that drift together), at most ``n``; ``n`` where ``x`` does not vary."""
    var = float(x.var())
    return (
        float(x.size) if dep.long_run_variance <= 0.0 or var <= 0.0 else min(1.0, var / dep.long_run_variance) * x.size
    )


def _wilson(p: float, n: float, z: float) -> tuple[float, float]:
    """Wilson's score interval of a share ``p`` of ``n`` (effective) steps at the normal quantile ``z``."""
    centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n)
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / (1.0 + z * z / n)
    return centre - half, centre + half


def _newcombe(pa: float, na: float, pb: float, nb: float, z: float) -> tuple[float, float]:
    """Newcombe's hybrid score interval (method 10, 1998) of ``pb - pa`` (fractions) at the normal quantile ``z``."""
    la, ua = _wilson(pa, na, z)
    lb, ub = _wilson(pb, nb, z)
    d = pb - pa
    return d - math.hypot(pb - lb, ua - pa), d + math.hypot(ub - pb, pa - la)


def _newcombe_p(pa: float, na: float, pb: float, nb: float) -> float:
    """Two-sided p-value of Newcombe's interval: the alpha at which its end nearest 0 reaches 0 (bisection on z)."""
    d = pb - pa
    if d == 0.0:
        return 1.0
    lo, hi = 0.0, 40.0
    for _ in range(80):  # the interval widens with z: the end nearest 0 moves towards it
        z = 0.5 * (lo + hi)
        low, high = _newcombe(pa, na, pb, nb, z)
        lo, hi = (z, hi) if (low > 0.0 if d > 0.0 else high < 0.0) else (lo, z)
    return float(math.erfc(lo / math.sqrt(2.0)))


@dataclass(frozen=True)
class _Resampled:
    means: FloatArray  # mean of each resample
    se: FloatArray  # its standard error from the spread of its own block means
    se_observed: float  # standard error of the observed mean


def _resample(x: FloatArray, dep: SerialDependence, n_boot: int, rng: np.random.Generator) -> _Resampled:
    """``n_boot`` circular block-bootstrap resamples of ``x``: ceil(n / block) whole blocks each."""
    block = dep.block_steps
    block_means = _circular_block_means(x, block)
    k = -(-x.size // block)
    chunk = max(1, MAX_CHUNK_ELEMENTS // k)
    means, ses = [], []
    for start in range(0, n_boot, chunk):
        drawn = block_means[rng.integers(0, x.size, size=(min(chunk, n_boot - start), k))]
        means.append(drawn.mean(axis=1))
        ses.append(drawn.std(axis=1, ddof=1) / math.sqrt(k) if k > 1 else np.full(drawn.shape[0], np.nan))
    block_variance = float(block_means.var()) * block  # the block bootstrap's own long-run variance
    se_observed = math.sqrt(max(dep.long_run_variance, block_variance) / x.size)
    return _Resampled(np.concatenate(means), np.concatenate(ses), se_observed)


def _scale(means: FloatArray, se: FloatArray, kind: DifferenceKind) -> tuple[FloatArray, FloatArray]:
    """Means and standard errors on the scale the interval is built on: log for percent differences."""
    if kind == "points":
        return means, se
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(means), se / means


def block_bootstrap_difference(
    a: FloatArray,
    b: FloatArray,
    *,
    kind: DifferenceKind,
    n_boot: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> BlockInterval:
    """Interval and p-value of the difference of means of two step series (``b`` vs ``a``), each in
    time order and resampled on its own in blocks of consecutive steps (module docstring)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    dep_a, dep_b = serial_dependence(a), serial_dependence(b)
    estimate = float(difference(np.array(a.mean()), np.array(b.mean()), kind))
    undefined = BlockInterval(estimate, math.nan, math.nan, math.nan, math.nan, dep_a.block_steps, dep_b.block_steps)
    if not math.isfinite(estimate) or (kind == "percent" and b.mean() <= 0.0):
        return undefined
    rng = np.random.default_rng(seed)
    ra, rb = _resample(a, dep_a, n_boot, rng), _resample(b, dep_b, n_boot, rng)
    ma, sa = _scale(ra.means, ra.se, kind)
    mb, sb = _scale(rb.means, rb.se, kind)
    (oa,), (sea,) = _scale(np.array([a.mean()]), np.array([ra.se_observed]), kind)
    (ob,), (seb,) = _scale(np.array([b.mean()]), np.array([rb.se_observed]), kind)
    if kind == "points" and (a.var() > 0.0 or b.var() > 0.0):  # a share: no standard error below one step's worth
        sa, sb = np.fmax(np.nan_to_num(sa), 1.0 / a.size), np.fmax(np.nan_to_num(sb), 1.0 / b.size)
        sea, seb = max(sea, 1.0 / a.size), max(seb, 1.0 / b.size)
    observed, se = float(ob - oa), math.hypot(float(sea), float(seb))
    with np.errstate(divide="ignore", invalid="ignore"):
        t_boot = ((mb - ma) - observed) / np.hypot(sa, sb)
    t_boot = t_boot[np.isfinite(t_boot)]
    if se <= 0.0 or t_boot.size < n_boot // 2:  # values (nearly) constant within each direction
        return undefined
    tail = 50.0 * (1.0 - confidence)
    q_low, q_high = np.percentile(t_boot, [tail, 100.0 - tail])
    low, high = observed - q_high * se, observed - q_low * se
    t0 = observed / se
    side = min(int(np.sum(t_boot >= t0)), int(np.sum(t_boot <= t0)))
    p = min(1.0, 2.0 * (side + 1) / (t_boot.size + 1))
    test = BLOCK_BOOTSTRAP_TEST
    if kind == "points":  # a share: held with Newcombe's score interval (HONEST-43); within +-100 points (HONEST-40)
        pa, na, pb, nb = float(a.mean()), _effective_n(a, dep_a), float(b.mean()), _effective_n(b, dep_b)
        score_low, score_high = _newcombe(pa, na, pb, nb, float(ndtri(0.5 + confidence / 2.0)))
        low, high = min(low, score_low), max(high, score_high)
        p_score = _newcombe_p(pa, na, pb, nb)
        side = side if p >= p_score else 1  # the p-value is the score interval's, not a bound of the resamples'
        test = test if p >= p_score else SCORE_TEST  # the test named is the one whose p is told (HONEST-44)
        p = max(p, p_score)
        low, high = 100.0 * max(low, -1.0), 100.0 * min(high, 1.0)
    else:
        low, high = 100.0 * math.expm1(low), 100.0 * math.expm1(high)
    return BlockInterval(
        estimate, float(low), float(high), float(t0), p, dep_a.block_steps, dep_b.block_steps, p_is_bound=side == 0,
        test=test,
    )  # fmt: skip
