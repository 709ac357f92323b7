"""Statistical primitives: formulas, the test-choice rule, interval coverage and the false-positive rate.

Coverage and error rates are checked over many seeds at once (the primitives are batched over leading
axes), so these run in well under a second.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from retrogait.compare import stats

N_SEEDS = 1000


def test_welch_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(10, 2, 40), rng.normal(9, 3, 55)
    t, p = stats.welch_t(a, b)
    ref = sps.ttest_ind(b, a, equal_var=False)
    assert t == pytest.approx(ref.statistic)
    assert p == pytest.approx(ref.pvalue)


def test_paired_t_matches_scipy() -> None:
    rng = np.random.default_rng(2)
    a = rng.normal(10, 2, 12)
    b = a + rng.normal(-0.5, 0.5, 12)
    t, p = stats.paired_t(a, b)
    ref = sps.ttest_rel(b, a)
    assert t == pytest.approx(ref.statistic)
    assert p == pytest.approx(ref.pvalue)


def test_hedges_g_by_hand() -> None:
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = np.array([3.0, 4.0, 5.0, 6.0])
    # pooled SD = sd = sqrt(5/3); d = 2 / sqrt(5/3); J = 1 - 3/(4*8 - 9)
    expected = 2.0 / np.sqrt(5.0 / 3.0) * (1.0 - 3.0 / 23.0)
    assert stats.hedges_g(a, b) == pytest.approx(expected)
    assert stats.hedges_g(b, a) == pytest.approx(-expected)


def test_hedges_g_constant_groups_is_nan() -> None:
    assert np.isnan(stats.hedges_g(np.ones(5), np.ones(5)))


def test_difference_kinds() -> None:
    assert stats.difference(np.array(10.0), np.array(8.0), "percent") == pytest.approx(-20.0)
    assert stats.difference(np.array(0.1), np.array(0.8), "points") == pytest.approx(70.0)
    assert np.isnan(stats.difference(np.array(0.0), np.array(1.0), "percent"))


def test_rule_picks_welch_for_symmetric_and_rank_test_for_skewed() -> None:
    rng = np.random.default_rng(3)
    sym = stats.two_sample_test(rng.normal(10, 2, 60), rng.normal(10, 2, 60))
    skew = stats.two_sample_test(rng.lognormal(0, 1, 60), rng.lognormal(0, 1, 60))
    assert str(sym.test) == stats.WELCH
    assert str(skew.test) == stats.MANN_WHITNEY
    paired = stats.paired_test(rng.normal(0, 1, 10), rng.normal(0, 1, 10))
    assert str(paired.test) in (stats.PAIRED_T, stats.WILCOXON)


@pytest.mark.parametrize("law", ["normal", "gamma", "lognormal"])
def test_zero_difference_is_not_significant_more_often_than_alpha(law: str) -> None:
    """Equal directions: at most alpha plus three binomial standard errors called significant."""
    rng = np.random.default_rng(11)
    size = (N_SEEDS, 30)
    draw = {
        "normal": lambda: rng.normal(10.0, 2.0, size),
        "gamma": lambda: rng.gamma(2.0, 5.0, size),
        "lognormal": lambda: rng.lognormal(2.0, 0.8, size),
    }[law]
    a, b = draw(), draw()
    result = stats.two_sample_test(a, b)
    rate = float(np.mean(result.p_value < 0.05))
    bound = 0.05 + 3 * np.sqrt(0.05 * 0.95 / N_SEEDS)
    assert rate <= bound, f"{law}: {rate:.3f} false positives > {bound:.3f}"
    assert rate >= 0.01  # the test is not vacuous either


def test_zero_difference_paired_error_rate() -> None:
    rng = np.random.default_rng(12)
    person = rng.normal(10.0, 3.0, (N_SEEDS, 8))  # a strong per-subject level, shared by both directions
    a = person + rng.normal(0, 1.0, person.shape)
    b = person + rng.normal(0, 1.0, person.shape)
    rate = float(np.mean(stats.paired_test(a, b).p_value < 0.05))
    assert rate <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / N_SEEDS)


def test_bootstrap_interval_contains_the_truth_at_its_nominal_rate() -> None:
    """Backward = 0.8 x forward: truth -20 %. Coverage of the 95 % interval over 400 seeds."""
    rng = np.random.default_rng(21)
    a = rng.normal(10.0, 2.0, (400, 60))
    b = rng.normal(8.0, 2.0, (400, 60))
    ci = stats.bootstrap_difference(a, b, paired=False, kind="percent", n_boot=1000, seed=3)
    covered = (ci.low <= -20.0) & (ci.high >= -20.0)
    assert 0.90 <= covered.mean() <= 0.99
    assert np.all(ci.low < ci.estimate) and np.all(ci.estimate < ci.high)
    assert np.median(ci.estimate) == pytest.approx(-20.0, abs=1.0)


def test_paired_bootstrap_keeps_the_pairing() -> None:
    rng = np.random.default_rng(5)
    person = rng.normal(10.0, 3.0, 10)
    a = person + rng.normal(0, 0.2, 10)
    b = 0.9 * person + rng.normal(0, 0.2, 10)
    paired = stats.bootstrap_difference(a, b, paired=True, kind="percent", n_boot=2000, seed=0)
    unpaired = stats.bootstrap_difference(a, b, paired=False, kind="percent", n_boot=2000, seed=0)
    assert (paired.high - paired.low) < 0.5 * (unpaired.high - unpaired.low)
    assert paired.low <= -10.0 <= paired.high


def test_bootstrap_is_seeded() -> None:
    rng = np.random.default_rng(6)
    a, b = rng.normal(10, 2, 50), rng.normal(9, 2, 50)
    one = stats.bootstrap_difference(a, b, paired=False, kind="percent", n_boot=500, seed=4)
    two = stats.bootstrap_difference(a, b, paired=False, kind="percent", n_boot=500, seed=4)
    assert one.low == two.low and one.high == two.high


def test_cohens_h() -> None:
    assert stats.cohens_h(0.5, 0.5) == 0.0
    assert stats.cohens_h(0.1, 0.8) > 1.0
