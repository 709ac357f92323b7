"""EDGE-181: a table sorted by another column, its stamps jittered: put back or refused (no data needed).

For Gaussian and uniform jitter of 0-0.6 sample period, 10 seeds each, 3,000 rows at 100 Hz sorted by a
rounded signal column: how many tables `time_order_lost` puts back, and the largest share of "crowded"
8-step spans (< 0.75 of the median step) in time order. Then a clock that went back 50 ms at 20 places
(still refused: ~5 % crowded spans). Usage: python scripts/validate_sorted_jitter.py  (~2 s)
"""

from __future__ import annotations

import numpy as np

from retrogait.imports import common

PERIOD_S = 0.01
SEEDS = range(1, 11)


def _sorted_by_signal(t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The stamps in the order of a rounded sine-plus-noise column (a table sorted by that column)."""
    x = np.sin(np.arange(t.size) * 0.05) + rng.normal(0, 0.05, t.size)
    return t[np.argsort(np.round(x, 2), kind="stable")]


def _crowded_share(stamps: np.ndarray) -> float:
    ordered = np.sort(stamps)
    median_step = np.median(np.diff(ordered))
    return float(np.mean(common._spans(ordered, 8) < 0.75 * median_step))


def main() -> None:
    for kind in ("gauss", "uniform"):
        for share in (0.0, 0.15, 0.3, 0.45, 0.5, 0.6):
            crowded, restored = 0.0, 0
            for seed in SEEDS:
                rng = np.random.default_rng(seed)
                n = 3000
                if kind == "gauss":
                    jitter = rng.normal(0, share * PERIOD_S, n)
                else:
                    jitter = rng.uniform(-share * PERIOD_S, share * PERIOD_S, n)
                stamps = _sorted_by_signal(np.arange(n) * PERIOD_S + jitter, rng)
                crowded = max(crowded, _crowded_share(stamps))
                restored += common.time_order_lost(stamps) is not None
            print(f"{kind:8s} jitter {share:.2f} period: put back {restored}/10, largest crowded share {crowded:.4f}")
    for seed in range(1, 4):
        rng = np.random.default_rng(seed)
        t = np.arange(4000) * PERIOD_S
        for at in range(300, 2300, 100):
            t[at:] -= 0.050 + PERIOD_S
        stamps = _sorted_by_signal(t, rng)
        put_back = common.time_order_lost(stamps) is not None
        print(f"clock back 20 x 50 ms (seed {seed}): crowded share {_crowded_share(stamps):.4f}, put back {put_back}")


if __name__ == "__main__":
    main()
