"""Coverage of a foot-strike share's 95 % interval where a share sits at or near 0 or 100 % (HONEST-42).

Each direction is a series of n landings, each rearfoot (1) or not (0), drawn as a two-state Markov chain with
rearfoot probability p and lag-1 autocorrelation rho (rho = 0: independent landings). The true difference of
shares is ``p_b - p_a``. For each case, over ``--reps`` replicates (all drawn from one generator seeded with
``--seed``), leaving out those where both directions are constant (no method gives an interval): how often each
method's 95 % interval holds the true difference, counting a replicate without an interval as not holding it, and
the share of replicates where an end sits at the estimate:

* ``dropped``: the percentile-t interval as ``compare.blocks`` built it before HONEST-42 (the resamples whose spread
  is zero dropped as undefined; no interval where they are half or more);
* ``percentile``: the percentile interval of the same resamples' differences (no studentizing);
* ``floor``: ``compare.blocks`` from HONEST-42 to HONEST-43: percentile-t with each standard error floored at one
  step's worth (1 / n of its direction), so zero-spread resamples are kept;
* ``floor0``: percentile-t with only the standard errors that are zero (a resample, or the observed series, whose
  landings are all alike) taken as one step's worth (1 / n of its direction): the others as ``dropped``;
* ``newcombe``: Newcombe's hybrid score interval (Wilson per direction) on the effective number of landings
  (n x variance / long-run variance), not a bootstrap;
* ``hull``: ``compare.blocks`` since HONEST-43: the smallest interval holding both ``floor``'s and ``newcombe``'s.

``--cases grid`` (HONEST-43): the shares 0, 0.02, 0.1, 0.3, 0.5 against their mirror (1 - p) and against themselves
(no difference), instead of HONEST-42's seven pairs; ``--widths`` prints each method's mean width (percentage points)
beside its coverage.

    python scripts/validate_share_interval.py --reps 300
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from retrogait.compare.blocks import _resample, block_bootstrap_difference, serial_dependence

#: (p_a, p_b): rearfoot probability of each direction.
CASES = ((0.0, 0.98), (0.0, 0.95), (0.02, 0.98), (0.05, 0.9), (0.1, 0.9), (0.3, 0.7), (0.5, 0.5))
#: HONEST-43's grid: each share against its mirror and against itself.
GRID = tuple((p, round(1.0 - p, 2)) for p in (0.0, 0.02, 0.1, 0.3, 0.5)) + tuple((p, p) for p in (0.02, 0.1, 0.3))
METHODS = ("dropped", "percentile", "floor", "floor0", "newcombe", "hull")
Z = 1.959963984540054


def landings(rng: np.random.Generator, n: int, p: float, rho: float) -> np.ndarray:
    """n landings (1 = rearfoot), a stationary Markov chain with P(1) = p and lag-1 autocorrelation rho."""
    out = np.empty(n)
    state = rng.random() < p
    for i in range(n):
        out[i] = state
        stay = p + rho * (1 - p) if state else p * (1 - rho)  # P(next is 1)
        state = rng.random() < stay
    return out


def _wilson(p: float, n: float) -> tuple[float, float]:
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


def intervals(a: np.ndarray, b: np.ndarray, n_boot: int, seed: int) -> dict[str, tuple[float, float] | None]:
    """Each method's 95 % interval of mean(b) - mean(a) (fractions), None where it is undefined."""
    out: dict[str, tuple[float, float] | None] = dict.fromkeys(METHODS)
    dep_a, dep_b = serial_dependence(a), serial_dependence(b)
    rng = np.random.default_rng(seed)  # the resamples of `block_bootstrap_difference` with this seed
    ra, rb = _resample(a, dep_a, n_boot, rng), _resample(b, dep_b, n_boot, rng)
    d = rb.means - ra.means
    observed = float(b.mean() - a.mean())
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (d - observed) / np.hypot(ra.se, rb.se)
    t = t[np.isfinite(t)]
    se = math.hypot(ra.se_observed, rb.se_observed)
    if se > 0.0 and t.size >= n_boot // 2:  # dropped: the resamples without spread left out (before HONEST-42)
        q_lo, q_hi = np.percentile(t, [2.5, 97.5])
        out["dropped"] = (max(observed - q_hi * se, -1.0), min(observed - q_lo * se, 1.0))
    lo, hi = np.percentile(d, [2.5, 97.5])
    out["percentile"] = (max(float(lo), -1.0), min(float(hi), 1.0))
    sf = np.fmax(np.nan_to_num(ra.se), 1.0 / a.size), np.fmax(np.nan_to_num(rb.se), 1.0 / b.size)
    sef = math.hypot(max(ra.se_observed, 1.0 / a.size), max(rb.se_observed, 1.0 / b.size))
    q_lo, q_hi = np.percentile((d - observed) / np.hypot(*sf), [2.5, 97.5])  # HONEST-42 (compare's until HONEST-43)
    out["floor"] = (max(observed - q_hi * sef, -1.0), min(observed - q_lo * sef, 1.0))
    sa0 = np.where(np.nan_to_num(ra.se) > 0, ra.se, 1.0 / a.size)
    sb0 = np.where(np.nan_to_num(rb.se) > 0, rb.se, 1.0 / b.size)
    se0 = math.hypot(ra.se_observed or 1.0 / a.size, rb.se_observed or 1.0 / b.size)
    t0 = (d - observed) / np.hypot(sa0, sb0)
    q_lo, q_hi = np.percentile(t0, [2.5, 97.5])
    out["floor0"] = (max(observed - q_hi * se0, -1.0), min(observed - q_lo * se0, 1.0))
    pa, pb = float(a.mean()), float(b.mean())
    n_a = a.size * (a.var() / dep_a.long_run_variance if dep_a.long_run_variance > 0 else 1.0)
    n_b = b.size * (b.var() / dep_b.long_run_variance if dep_b.long_run_variance > 0 else 1.0)
    la, ua = _wilson(pa, min(n_a, a.size))
    lb, ub = _wilson(pb, min(n_b, b.size))
    out["newcombe"] = (observed - math.hypot(pb - lb, ua - pa), observed + math.hypot(ub - pb, pa - la))
    hull = block_bootstrap_difference(a, b, kind="points", n_boot=n_boot, seed=seed)  # compare's since HONEST-43
    out["hull"] = (hull.low / 100.0, hull.high / 100.0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=58, help="the generator's seed (below 109: the lead's)")
    parser.add_argument("--n", default="20,40,80,160", help="steps per direction, comma-separated")
    parser.add_argument("--cases", choices=("honest42", "grid"), default="honest42")
    parser.add_argument("--widths", action="store_true", help="print each method's mean width (points) too")
    args = parser.parse_args()
    if args.seed >= 109:
        parser.error("seeds 109 and above are reserved for the lead's final check")
    rng = np.random.default_rng(args.seed)
    print(f"{'n':>4} {'rho':>4} {'p_a':>5} {'p_b':>5} {'defined':>7} | " + " | ".join(f"{m:>17}" for m in METHODS))
    second = "cover   width" if args.widths else "cover  at-est"
    print(f"{'':>29} | " + " | ".join(f"{second:>17}" for _ in METHODS))
    for n in (int(x) for x in args.n.split(",")):
        for rho in (0.0, 0.4):
            for p_a, p_b in GRID if args.cases == "grid" else CASES:
                truth = p_b - p_a
                cover = dict.fromkeys(METHODS, 0)
                width, given = dict.fromkeys(METHODS, 0.0), dict.fromkeys(METHODS, 0)
                at_estimate = dict.fromkeys(METHODS, 0)
                defined = 0
                for rep in range(args.reps):
                    a, b = landings(rng, n, p_a, rho), landings(rng, n, p_b, rho)
                    if a.var() == 0.0 and b.var() == 0.0:
                        continue
                    defined += 1
                    estimate = float(b.mean() - a.mean())
                    for method, interval in intervals(a, b, args.n_boot, rep).items():
                        if interval is None:
                            continue
                        lo, hi = interval
                        cover[method] += lo - 1e-12 <= truth <= hi + 1e-12
                        width[method] += 100.0 * (hi - lo)
                        given[method] += 1
                        at_estimate[method] += min(abs(lo - estimate), abs(hi - estimate)) < 1e-12
                cells = [
                    f"{cover[m] / max(defined, 1):7.3f} "
                    + (
                        f"{width[m] / max(given[m], 1):7.1f}  "
                        if args.widths
                        else f"{at_estimate[m] / max(defined, 1):7.3f}  "
                    )
                    for m in METHODS
                ]
                print(f"{n:>4} {rho:>4} {p_a:>5} {p_b:>5} {defined:>7} | " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
