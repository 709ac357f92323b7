"""Statistical primitives for comparing two groups, batched over leading axes.

Every function takes arrays whose LAST axis holds the observations of one group (steps, or per-session
means) and returns one value per leading index, so the same code serves one comparison and thousands
of simulated ones (the validation tests run many seeds at once). No NaNs: callers drop them first.

Conventions: group ``a`` is the reference (forward), group ``b`` the contrast (backward); differences
are ``b`` relative to ``a``.

The test rule (documented in docs/compare.md): Welch's t-test (or the paired t-test) when both groups
(or the paired differences) are roughly symmetric, ``|skewness| <= SKEW_LIMIT``; otherwise
Mann-Whitney U (or Wilcoxon signed-rank). Welch's t is robust to unequal variances and, for roughly
symmetric data, to non-normality; a strongly skewed sample is better served by the rank test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import stats

#: Above this absolute sample skewness the rank-based test is used instead of the t-test.
SKEW_LIMIT: Final = 1.0
#: Bootstrap indices are drawn in chunks so that one chunk holds at most this many resampled values.
MAX_CHUNK_ELEMENTS: Final = 4_000_000

FloatArray = NDArray[np.float64]
DifferenceKind = Literal["percent", "points"]

WELCH: Final = "Welch's t-test"
MANN_WHITNEY: Final = "Mann-Whitney U test"
PAIRED_T: Final = "paired t-test"
WILCOXON: Final = "Wilcoxon signed-rank test"


@dataclass(frozen=True)
class GroupTest:
    """Result of a (batched) two-group test: ``test`` names the test used per comparison."""

    test: NDArray[np.str_]
    statistic: FloatArray
    p_value: FloatArray


@dataclass(frozen=True)
class Interval:
    """A difference with its bootstrap percentile confidence interval (same unit as the difference)."""

    estimate: FloatArray
    low: FloatArray
    high: FloatArray


def skewness(x: FloatArray) -> FloatArray:
    """Sample skewness (Fisher-Pearson, biased) along the last axis; 0 for constant samples."""
    centred = x - x.mean(axis=-1, keepdims=True)
    m2 = np.mean(centred**2, axis=-1)
    m3 = np.mean(centred**3, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        g1 = m3 / m2**1.5
    return np.where(m2 > 0, g1, 0.0)


def symmetric_enough(x: FloatArray) -> NDArray[np.bool_]:
    """True where the sample along the last axis has ``|skewness| <= SKEW_LIMIT``."""
    return np.abs(skewness(x)) <= SKEW_LIMIT


def welch_t(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Welch's unequal-variance t statistic and two-sided p-value (NaN where both variances are 0)."""
    n1, n2 = a.shape[-1], b.shape[-1]
    se2_a = a.var(axis=-1, ddof=1) / n1
    se2_b = b.var(axis=-1, ddof=1) / n2
    se2 = se2_a + se2_b
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (b.mean(axis=-1) - a.mean(axis=-1)) / np.sqrt(se2)
        df = se2**2 / (se2_a**2 / (n1 - 1) + se2_b**2 / (n2 - 1))
    p = 2.0 * stats.t.sf(np.abs(t), df)
    bad = ~(se2 > 0)
    return np.where(bad, np.nan, t), np.where(bad, np.nan, p)


def paired_t(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Paired t statistic (of ``b - a``) and two-sided p-value (NaN where the differences are constant)."""
    d = b - a
    n = d.shape[-1]
    sd = d.std(axis=-1, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = d.mean(axis=-1) / (sd / np.sqrt(n))
    p = 2.0 * stats.t.sf(np.abs(t), n - 1)
    bad = ~(sd > 0)
    return np.where(bad, np.nan, t), np.where(bad, np.nan, p)


def two_sample_test(a: FloatArray, b: FloatArray) -> GroupTest:
    """Unpaired test per comparison: Welch's t if both groups are roughly symmetric, else Mann-Whitney U.

    Mann-Whitney uses the normal approximation with continuity correction (our minimum group size is
    far above where the exact distribution matters) and a tie correction.
    """
    a2, b2 = np.atleast_2d(a), np.atleast_2d(b)
    use_t = symmetric_enough(a2) & symmetric_enough(b2)
    t, p_t = welch_t(a2, b2)
    mw = stats.mannwhitneyu(b2, a2, alternative="two-sided", method="asymptotic", axis=-1)
    u = np.asarray(mw.statistic, dtype=float)
    p_u = np.asarray(mw.pvalue, dtype=float)
    shape = np.shape(a)[:-1]
    return GroupTest(
        test=np.where(use_t, WELCH, MANN_WHITNEY).reshape(shape),
        statistic=np.where(use_t, t, u).reshape(shape),
        p_value=np.where(use_t, p_t, p_u).reshape(shape),
    )


def paired_test(a: FloatArray, b: FloatArray) -> GroupTest:
    """Paired test per comparison: paired t if the differences are roughly symmetric, else Wilcoxon."""
    a2, b2 = np.atleast_2d(a), np.atleast_2d(b)
    d = b2 - a2
    use_t = symmetric_enough(d)
    t, p_t = paired_t(a2, b2)
    nonzero = np.any(d != 0, axis=-1)
    w_stat = np.full(d.shape[0], np.nan)
    w_p = np.full(d.shape[0], np.nan)
    if np.any(nonzero):
        w = stats.wilcoxon(d[nonzero], axis=-1, zero_method="wilcox")
        w_stat[nonzero] = np.asarray(w.statistic, dtype=float)
        w_p[nonzero] = np.asarray(w.pvalue, dtype=float)
    shape = np.shape(a)[:-1]
    return GroupTest(
        test=np.where(use_t, PAIRED_T, WILCOXON).reshape(shape),
        statistic=np.where(use_t, t, w_stat).reshape(shape),
        p_value=np.where(use_t, p_t, w_p).reshape(shape),
    )


def hedges_g(a: FloatArray, b: FloatArray) -> FloatArray:
    """Hedges' g of ``b`` vs ``a`` (unpaired): mean difference over the pooled SD, small-sample corrected."""
    n1, n2 = a.shape[-1], b.shape[-1]
    pooled = ((n1 - 1) * a.var(axis=-1, ddof=1) + (n2 - 1) * b.var(axis=-1, ddof=1)) / (n1 + n2 - 2)
    correction = 1.0 - 3.0 / (4.0 * (n1 + n2) - 9.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (b.mean(axis=-1) - a.mean(axis=-1)) / np.sqrt(pooled)
    return np.where(pooled > 0, d * correction, np.nan)


def hedges_g_paired(a: FloatArray, b: FloatArray) -> FloatArray:
    """Hedges' g_av of ``b`` vs ``a`` for paired data: mean difference over the average SD of the two
    conditions, corrected with df = n - 1 (Lakens 2013), so it reads like the unpaired g."""
    n = a.shape[-1]
    sd_av = 0.5 * (a.std(axis=-1, ddof=1) + b.std(axis=-1, ddof=1))
    correction = 1.0 - 3.0 / (4.0 * (n - 1) - 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (b - a).mean(axis=-1) / sd_av
    return np.where(sd_av > 0, d * correction, np.nan)


def cohens_h(p_a: float, p_b: float) -> float:
    """Cohen's h of two proportions (``b`` vs ``a``): difference of arcsine-square-root transforms."""
    return float(2.0 * np.arcsin(np.sqrt(p_b)) - 2.0 * np.arcsin(np.sqrt(p_a)))


def difference(mean_a: FloatArray, mean_b: FloatArray, kind: DifferenceKind) -> FloatArray:
    """``b`` relative to ``a``: percent of ``a`` (``"percent"``, NaN when ``a <= 0``) or, for shares in
    0..1, percentage points (``"points"``)."""
    if kind == "points":
        return 100.0 * (mean_b - mean_a)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mean_a > 0, 100.0 * (mean_b / mean_a - 1.0), np.nan)


def _resampled_means(x: FloatArray, idx_rows: NDArray[np.intp]) -> FloatArray:
    """Means of ``x[..., idx]`` for each row of ``idx_rows`` (shape (c, n)): result (..., c)."""
    return np.asarray(x[..., idx_rows].mean(axis=-1), dtype=np.float64)


def bootstrap_difference(
    a: FloatArray,
    b: FloatArray,
    *,
    paired: bool,
    kind: DifferenceKind,
    n_boot: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Percentile bootstrap interval of the difference of means (``b`` vs ``a``).

    Unpaired: each group is resampled on its own (a stratified bootstrap). Paired (``a`` and ``b`` the
    two directions of the same sessions/subjects, aligned): the same indices resample both, so the
    interval keeps the pairing. Vectorised: indices are drawn as (chunk, n) integer arrays; the data
    are indexed, never looped over. Seeded with ``np.random.default_rng(seed)``.
    """
    if paired and a.shape[-1] != b.shape[-1]:
        raise ValueError("paired bootstrap needs groups of equal length")
    rng = np.random.default_rng(seed)
    n_a, n_b = a.shape[-1], b.shape[-1]
    batch = int(np.prod(a.shape[:-1], dtype=np.int64))
    chunk = max(1, MAX_CHUNK_ELEMENTS // max(1, batch * max(n_a, n_b)))
    means_a: list[FloatArray] = []
    means_b: list[FloatArray] = []
    for start in range(0, n_boot, chunk):
        c = min(chunk, n_boot - start)
        idx_a = rng.integers(0, n_a, size=(c, n_a))
        idx_b = idx_a if paired else rng.integers(0, n_b, size=(c, n_b))
        means_a.append(_resampled_means(a, idx_a))
        means_b.append(_resampled_means(b, idx_b))
    boot = difference(np.concatenate(means_a, axis=-1), np.concatenate(means_b, axis=-1), kind)
    tail = 50.0 * (1.0 - confidence)
    with np.errstate(invalid="ignore"):
        low, high = np.percentile(boot, [tail, 100.0 - tail], axis=-1)
    estimate = difference(a.mean(axis=-1), b.mean(axis=-1), kind)
    undefined = np.isnan(boot).any(axis=-1)
    return Interval(
        estimate=np.asarray(estimate, dtype=np.float64),
        low=np.where(undefined, np.nan, low),
        high=np.where(undefined, np.nan, high),
    )
