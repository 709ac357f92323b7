"""Is the simulated walking trunk physically plausible? (CADENCE-4, SIM-13)

Per simulator version, direction and speed (lower back, 30 s walks between standing, 100 Hz, seeds 1-3 by default):

* ``rms_g``: the vertical acceleration's RMS (g, its mean removed) over the walk's steady part, from the session as
  written (what a sensor reads); measured lower-trunk RMS rises with walking speed (Kavanagh 2009);
* ``ds<1g``: the share of double supports (a contact to the other leg's toe-off, from the truth) in which the summed
  vertical force (the noise-free trunk, 1 kHz, in g) falls below 1 g; ``ds_min``: their median minimum;
* ``peak`` / ``valley``: the median stance peak (truth ``vgrf_peak_bw``) and the median single-support minimum of the
  summed force (one leg on the ground: that leg's valley), BW;
* ``stride_mean``: the summed force averaged over the walk's whole strides (BW; 1 if the trunk does not drift),
  and the largest |mean - 1| of any single stride;
* ``lr_cv`` / ``lr_max``: the truth's loading rate (``vgrf_loading_rate_bw_per_s``) over the steady stances: its
  coefficient of variation step to step and its largest value over the median (SIM-14; measured walking loading rates
  vary by a few to ~10 % step to step);
* with ``--hard``: the walks land hard (``hard_landing``); ``ds_min`` then also gives the lowest double support of all
  (``min``), which stays at or above 1 BW if a landing's impulse is not taken from the peaks (SIM-15).

Usage: python scripts/validate_walking_force.py [--versions 1,2] [--seeds 1-3] [--speeds 0.6,0.8,1.0,1.3,1.6,1.8]
       [--directions forward,backward] [--hard]
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np

from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.simulate import Bout, SimulationConfig, simulate
from retrogait.simulate.assemble import physical_signals

SPEEDS = (0.6, 0.8, 1.0, 1.3, 1.6, 1.8)
WALK_S = 30.0
STILL_S = 2.0
RATE_HZ = 100.0
FINE_HZ = 1000.0
EDGE_S = 3.0  # the walk's start and stop left out of the steady part


def _seeds(text: str) -> list[int]:
    if "-" in text:
        a, b = text.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(v) for v in text.split(",")]


def measure(version: int, direction: str, speed: float, seed: int, hard: bool = False) -> dict[str, list[float]]:
    """The numbers of one walk (lists to pool over seeds)."""
    bouts = [
        Bout("still", "still", 0, STILL_S),
        Bout(direction, "walking", speed, WALK_S, hard_landing=hard),
        Bout("still", "still", 0, STILL_S),
    ]
    config = SimulationConfig("lower_back", bouts, sample_rate_hz=RATE_HZ, seed=seed, version=version)
    result = simulate(config)
    t, az = result.session.t_s, result.session.acc[:, 2] / STANDARD_GRAVITY_MS2
    lo, hi = STILL_S + EDGE_S, STILL_S + WALK_S - EDGE_S
    steady = (t >= lo) & (t < hi)
    rms = float(np.sqrt(np.mean((az[steady] - az[steady].mean()) ** 2)))
    tf = np.arange(0.0, 2 * STILL_S + WALK_S, 1.0 / FINE_HZ)
    force = 1.0 + physical_signals(config, tf).impact_ms2 / STANDARD_GRAVITY_MS2  # summed vertical force, BW
    truth = result.truth.sort_values("ic_time_s")
    ic, to = truth["ic_time_s"].to_numpy(), truth["to_time_s"].to_numpy()
    ds_min, valley = [], []
    for i in range(1, ic.size - 1):
        if not (lo <= ic[i] < hi):
            continue
        ds = (tf >= ic[i]) & (tf < to[i - 1])  # this contact to the other leg's toe-off
        if ds.any():
            ds_min.append(float(force[ds].min()))
        single = (tf >= to[i - 1]) & (tf < ic[i + 1])
        if single.any():
            valley.append(float(force[single].min()))
    lead = truth[truth["side"] == truth["side"].iloc[0]]["ic_time_s"].to_numpy()
    lead = lead[(lead >= lo) & (lead < hi)]
    stride_means = [float(force[(tf >= a) & (tf < b)].mean()) for a, b in itertools.pairwise(lead)]
    whole = (tf >= lead[0]) & (tf < lead[-1])
    steady_truth = truth[(truth["ic_time_s"] >= lo) & (truth["ic_time_s"] < hi)]
    peaks = steady_truth["vgrf_peak_bw"].to_numpy()
    rates = steady_truth["vgrf_loading_rate_bw_per_s"].to_numpy()
    return {
        "lr_cv": [float(np.std(rates) / np.mean(rates))],
        "lr_max": [float(rates.max() / np.median(rates))],
        "rms": [rms],
        "ds_min": ds_min,
        "valley": valley,
        "peak": list(peaks),
        "mean": [float(force[whole].mean())],
        "stride_dev": [max(abs(m - 1.0) for m in stride_means)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", default="1,2", help="simulator versions, comma-separated")
    parser.add_argument("--seeds", default="1-3", help="seeds, e.g. 1-3 or 1,4")
    parser.add_argument("--speeds", default=",".join(map(str, SPEEDS)), help="walking speeds (m/s)")
    parser.add_argument("--directions", default="forward,backward", help="walking directions, comma-separated")
    parser.add_argument("--hard", action="store_true", help="hard landings (hard_landing=True)")
    args = parser.parse_args()
    seeds = _seeds(args.seeds)
    hard = ", hard landings" if args.hard else ""
    print(f"lower back, {WALK_S:g} s walks{hard}, {RATE_HZ:g} Hz, seeds {args.seeds}; forces BW (noise-free, 1 kHz)")
    print("v  direction  speed  rms_g  ds<1g   ds_min  (min)  peak  valley  stride_mean  max|stride-1|  lr_cv  lr_max")
    for version in (int(v) for v in args.versions.split(",")):
        for direction in args.directions.split(","):
            for speed in (float(v) for v in args.speeds.split(",")):
                pooled: dict[str, list[float]] = {}
                for seed in seeds:
                    for key, values in measure(version, direction, speed, seed, args.hard).items():
                        pooled.setdefault(key, []).extend(values)
                ds = np.asarray(pooled["ds_min"])
                print(
                    f"{version}  {direction:9s}  {speed:4.1f}  {np.mean(pooled['rms']):.3f}  "
                    f"{np.mean(ds < 1.0):5.1%}  {np.median(ds):.3f}  {ds.min():.3f}  {np.median(pooled['peak']):.2f}  "
                    f"{np.median(pooled['valley']):.2f}    {np.mean(pooled['mean']):.4f}       "
                    f"{max(pooled['stride_dev']):.4f}         {np.mean(pooled['lr_cv']):.3f}  "
                    f"{max(pooled['lr_max']):.2f}"
                )


if __name__ == "__main__":
    main()
