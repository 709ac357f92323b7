"""Impact peak per gait, direction and speed on simulated sessions: what retrogait reads against the truth.

Usage: python scripts/validate_sim_impact.py [--seeds 1] [--first-seed 4] [--rate 200]
       [--placements foot,shank,lower_back] [--stance-fraction F] [--data DIR]

One session per placement, seed and case (30 s, one bout; the truth's own leg for foot and shank); contacts
matched one-to-one within 50 ms. Per row: matched contacts, the medians of the read ``impact_peak_g`` and of
the simulator's ``impact_peak_g`` (its window: the first 20 % of stance, at least 40 ms, from the first touch),
the median |read - truth|, and for each gait and speed the backward-over-forward change in %, read and true
(the question users bring: how much softer does backward gait land); IC err is the median detected minus
true contact time of the matched contacts. Issue 15; docs/decisions.md IMPACT-9.

Lower back: ``--stance-fraction`` overrides ``impact.stance_fraction`` (the impact phase's share of stance;
the truth keeps its 20 %) to show how the reading depends on it. With ``--data DIR`` (or
$RETROGAIT_SHARED_DATA) and lower_back among the placements, the real sacral force-plate trials
(running_sacral_grf, forward heel and midfoot runners) follow: per trial the plate's impact phase (the largest
force - 1 BW in the first 20 % of stance, the truth's definition) and its active peak (largest force - 1 BW)
against the sacral ``impact_peak_g`` at the shipped impact phase and at half the stance (before IMPACT-10), with
the correlation over steps and the sacral/plate ratio predicted leave-one-trial-out; the same for the loading
rate against the plate's average loading rate (docs/conventions.md). IMPACT-10.
Seeds 49 and above are held back for the lead's final check: this script refuses them.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

import retrogait
from retrogait.analysis.contacts import detect_contacts
from retrogait.analysis.impact import impact_peaks, step_timing
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.settings import AnalysisSettings, ImpactSettings
from retrogait.simulate import Bout, SimulationConfig, simulate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate import _print, average_loading_rate, match

#: (gait, speed m/s) pairs simulated forward and backward.
GAITS = (("walking", 0.8), ("walking", 1.2), ("running", 2.5), ("running", 3.0))
HELD_BACK_SEED = 49


def impact_rows(
    placement: str, direction: str, gait: str, speed: float, seed: int, rate: float, fraction: float | None = None
) -> dict:
    """The matched contacts' read and true impact peaks (g), their contact-time errors (s) and the number of
    true contacts of one simulated session (``fraction``: impact.stance_fraction, default the preset's)."""
    sim = simulate(SimulationConfig(placement, [Bout(direction, gait, speed, 30)], sample_rate_hz=rate, seed=seed))
    overrides = {"impact": {"stance_fraction": fraction}} if fraction is not None else None
    steps = retrogait.analyze(sim.session, settings=AnalysisSettings.for_placement(placement, overrides)).steps
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
    parser.add_argument("--stance-fraction", type=float, default=None, help="impact.stance_fraction to read with")
    parser.add_argument("--data", default=os.environ.get("RETROGAIT_SHARED_DATA"), help="shared data folder")
    args = parser.parse_args()
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    if any(s >= HELD_BACK_SEED for s in seeds):
        raise SystemExit(f"validate_sim_impact: seeds {HELD_BACK_SEED} and above are held back")
    rows = []
    for placement in args.placements.split(","):
        for gait, speed in GAITS:
            medians = {}
            for direction in ("forward", "backward"):
                parts = [
                    impact_rows(placement, direction, gait, speed, s, args.rate, args.stance_fraction) for s in seeds
                ]
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
    if args.data and "lower_back" in args.placements.split(","):
        sacral_real(Path(args.data))


def sacral_real(root: Path) -> None:
    """Sacral ``impact_peak_g`` on the real force-plate running trials against the plate (module doc)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from validate_impact import FS_SACRAL_HZ, plate_stances, sacral_trials

    shipped = ImpactSettings().stance_fraction
    steps = []
    for trial in sacral_trials(root):
        signals = preprocess(trial["session"])
        contacts = detect_contacts(signals)
        contact_s = step_timing(signals, contacts)["contact_time_s"].to_numpy()
        read = {
            f: impact_peaks(signals, contacts, contact_s, replace(ImpactSettings(), stance_fraction=f))
            for f in (shipped, 0.5)
        }
        on, off = plate_stances(trial["force"])
        for i, j in match(on / FS_SACRAL_HZ, signals.t_s[contacts.ic_idx])[3]:
            stance = trial["force"][on[i] : off[i]]
            steps.append(
                {
                    "trial": f"{trial['trial']} {trial['strike']} {trial['slope']:+g} %",
                    "plate_impact": float(stance[: max(round(0.2 * stance.size), 1)].max()) - 1.0,
                    "plate_active": float(stance.max()) - 1.0,
                    "plate_rate": average_loading_rate(stance, FS_SACRAL_HZ),
                    "shipped": read[shipped][0][j],
                    "half": read[0.5][0][j],
                    "shipped_rate": read[shipped][1][j],
                    "half_rate": read[0.5][1][j],
                }
            )
    d = pd.DataFrame(steps).dropna()
    rows = []
    for trial, g in d.groupby("trial", sort=False):
        med = g.median(numeric_only=True)
        rows.append(
            (
                trial,
                str(len(g)),
                f"{med['plate_impact']:.2f}",
                f"{med['plate_active']:.2f}",
                f"{med['shipped']:.2f}",
                f"{med['half']:.2f}",
                f"{med['shipped'] / med['plate_impact']:.1f}",
            )
        )
    for column, label, ref in (
        ("shipped", f"peak, impact phase ({shipped:g} of stance)", "plate_impact"),
        ("half", "peak, 0.5 of stance", "plate_impact"),
        ("shipped_rate", f"loading rate, impact phase ({shipped:g})", "plate_rate"),
        ("half_rate", "loading rate, 0.5 of stance", "plate_rate"),
    ):
        ratio = d[column] / d[ref]
        loto = []  # the sacral/plate ratio from the other trials predicts the left-out trial's plate value
        for trial in d["trial"].unique():
            test = d["trial"] == trial
            k = float(np.median(ratio[~test]))
            loto += list(np.abs(d.loc[test, column] / k / d.loc[test, ref] - 1))
        in_sample = np.median(np.abs(ratio / np.median(ratio) - 1))
        rows.append(
            (
                f"all, sacral {label}",
                str(len(d)),
                f"r {np.corrcoef(d[column], d[ref])[0, 1]:.2f}" + (" (plate ALR)" if ref == "plate_rate" else ""),
                f"r {np.corrcoef(d[column], d['plate_active'])[0, 1]:.2f}",
                "",
                "",
                f"median {np.median(ratio):.1f}; LOTO |err| {100 * np.median(loto):.0f} % (in-sample "
                f"{100 * in_sample:.0f} %)",
            )
        )
    _print(
        "real sacral impact_peak_g vs force plate (running_sacral_grf, forward; medians per trial, g / BW - 1)",
        (
            "trial (strike, slope)",
            "steps",
            "plate impact phase",
            "plate active peak",
            f"sacral {shipped:g} stance",
            "sacral 0.5 stance",
            "sacral / plate impact",
        ),
        rows,
    )


if __name__ == "__main__":
    main()
