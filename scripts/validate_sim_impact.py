"""Impact peak per gait, direction and speed on simulated sessions: what retrogait reads against the truth.

Usage: python scripts/validate_sim_impact.py [--seeds 1] [--first-seed 4] [--rate 200]
       [--placements foot,shank,lower_back]

One session per placement, seed and case (30 s, one bout; the truth's own leg for foot and shank); contacts
matched one-to-one within 50 ms. Per row: matched contacts, the medians of the read ``impact_peak_g`` and of
the simulator's ``impact_peak_g`` (its window: the first 20 % of stance, at least 40 ms, from the first touch),
the median |read - truth|, and for each gait and speed the backward-over-forward change in %, read and true
(the question users bring: how much softer does backward gait land); IC err is the median detected minus
true contact time of the matched contacts. Issue 15; docs/decisions.md IMPACT-9.
Seeds 49 and above are held back for the lead's final check: this script refuses them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import retrogait
from retrogait.simulate import Bout, SimulationConfig, simulate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate import _print, match

#: (gait, speed m/s) pairs simulated forward and backward.
GAITS = (("walking", 0.8), ("walking", 1.2), ("running", 2.5), ("running", 3.0))
HELD_BACK_SEED = 49


def impact_rows(placement: str, direction: str, gait: str, speed: float, seed: int, rate: float) -> dict:
    """The matched contacts' read and true impact peaks (g), their contact-time errors (s) and the number of
    true contacts of one simulated session."""
    sim = simulate(SimulationConfig(placement, [Bout(direction, gait, speed, 30)], sample_rate_hz=rate, seed=seed))
    steps = retrogait.analyze(sim.session).steps
    truth = sim.truth
    if placement in ("foot", "shank"):
        truth = truth[truth["side"] == sim.config.side]
    truth = truth.reset_index(drop=True)
    _, _, _, pairs = match(truth["ic_time_s"].to_numpy(), steps["ic_time_s"].to_numpy())
    ti = [i for i, _ in pairs]
    dj = [j for _, j in pairs]
    read = steps["impact_peak_g"].to_numpy(dtype=float)[dj]
    true = truth["impact_peak_g"].to_numpy(dtype=float)[ti]
    ic_err = steps["ic_time_s"].to_numpy(dtype=float)[dj] - truth["ic_time_s"].to_numpy(dtype=float)[ti]
    return {"read": read, "true": true, "ic_err_s": ic_err, "n_truth": len(truth)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=1, help="how many people (seeds)")
    parser.add_argument("--first-seed", type=int, default=4)
    parser.add_argument("--rate", type=float, default=200.0, help="sample rate (Hz)")
    parser.add_argument("--placements", default="foot,shank,lower_back")
    args = parser.parse_args()
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    if any(s >= HELD_BACK_SEED for s in seeds):
        raise SystemExit(f"validate_sim_impact: seeds {HELD_BACK_SEED} and above are held back")
    rows = []
    for placement in args.placements.split(","):
        for gait, speed in GAITS:
            medians = {}
            for direction in ("forward", "backward"):
                parts = [impact_rows(placement, direction, gait, speed, s, args.rate) for s in seeds]
                read = np.concatenate([p["read"] for p in parts])
                true = np.concatenate([p["true"] for p in parts])
                ic_err = np.concatenate([p["ic_err_s"] for p in parts])
                n_truth = sum(p["n_truth"] for p in parts)
                ok = np.isfinite(read) & np.isfinite(true)
                med_read = float(np.median(read[ok])) if ok.any() else float("nan")
                med_true = float(np.median(true[ok])) if ok.any() else float("nan")
                medians[direction] = (med_read, med_true)
                err = np.abs(read[ok] - true[ok])
                rows.append(
                    (
                        placement,
                        f"{direction} {gait} {speed:g}",
                        f"{read.size}/{n_truth}",
                        f"{1000 * np.median(ic_err):+.0f} ms" if ic_err.size else "-",
                        f"{med_read:.2f}",
                        f"{med_true:.2f}",
                        f"{np.median(err):.2f}" if err.size else "-",
                        f"{100 * np.mean(err <= 0.1 * np.maximum(true[ok], 1.0)):.0f} %" if err.size else "-",
                        "",
                    )
                )
            (fr, ft), (br, bt) = medians["forward"], medians["backward"]
            rows[-1] = (*rows[-1][:-1], f"{100 * (br / fr - 1):+.0f} % / {100 * (bt / ft - 1):+.0f} %")
    _print(
        f"simulated impact_peak_g, read vs truth ({args.rate:g} Hz, seeds {seeds[0]}-{seeds[-1]}, 30 s each)",
        (
            "placement",
            "case (m/s)",
            "matched/true",
            "IC err",
            "read g",
            "true g",
            "|err| g",
            "within 10 % (or 0.1 g)",
            "backward vs forward read / true",
        ),
        rows,
    )


if __name__ == "__main__":
    main()
