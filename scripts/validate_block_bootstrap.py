"""Coverage of the step-level 95 % interval (block bootstrap) on AR(1) series with a known difference.

Two directions, each an AR(1) series of n steps (lag-1 autocorrelation phi, SD 1, means 10 and 11: a
true difference of +10 %), and a third series with mean 10 for the null. For each (n, phi), over
``--seeds`` seeds: how often the 95 % interval holds +10 % (coverage) and how often equal means are
called significant (false positives), for the block bootstrap of retrogait.compare.blocks and for
the i.i.d. percentile bootstrap that treats steps as independent.

    python scripts/validate_block_bootstrap.py --seeds 1000
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy.signal import lfilter

from retrogait.compare.blocks import block_bootstrap_difference
from retrogait.compare.stats import bootstrap_difference

TRUE_PERCENT = 10.0


def ar1(rng: np.random.Generator, n: int, phi: float, mean: float, burn_in: int = 200) -> np.ndarray:
    """An AR(1) series with marginal SD 1 (stationary: the first ``burn_in`` values are dropped)."""
    noise = rng.normal(0.0, np.sqrt(1.0 - phi**2), n + burn_in)
    return mean + lfilter([1.0], [1.0, -phi], noise)[burn_in:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--n-boot", type=int, default=1000)
    args = parser.parse_args()
    print(f"{'n':>5} {'phi':>4} {'block':>5} | {'coverage':>8} {'false+':>6} | {'iid cov':>7} {'iid f+':>6}")
    for n in (20, 50, 100, 300):
        for phi in (0.0, 0.3, 0.5, 0.8):
            cover = false_pos = cover_iid = false_iid = 0
            blocks = []
            for seed in range(args.seeds):
                rng = np.random.default_rng(1_000_000 + seed)
                fwd, bwd, same = ar1(rng, n, phi, 10.0), ar1(rng, n, phi, 11.0), ar1(rng, n, phi, 10.0)
                diff = block_bootstrap_difference(fwd, bwd, kind="percent", n_boot=args.n_boot, seed=seed)
                null = block_bootstrap_difference(fwd, same, kind="percent", n_boot=args.n_boot, seed=seed)
                cover += diff.low <= TRUE_PERCENT <= diff.high
                false_pos += null.p_value < 0.05
                blocks.append(diff.block_a)
                iid = bootstrap_difference(fwd, bwd, paired=False, kind="percent", n_boot=args.n_boot, seed=seed)
                iid_null = bootstrap_difference(fwd, same, paired=False, kind="percent", n_boot=args.n_boot, seed=seed)
                cover_iid += float(iid.low) <= TRUE_PERCENT <= float(iid.high)
                false_iid += not (float(iid_null.low) <= 0.0 <= float(iid_null.high))
            s = args.seeds
            print(
                f"{n:5d} {phi:4.1f} {np.median(blocks):5.0f} | {cover / s:8.3f} {false_pos / s:6.3f} | "
                f"{cover_iid / s:7.3f} {false_iid / s:6.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
