"""Directions of the steps found without the gyroscope (GYRO-1/GYRO-2): right / unknown / wrong on simulated sessions.

Usage::

    python scripts/validate_gyro_stretch_directions.py [--no-header]

Simulated 80 s sessions at 200 Hz (foot, shank, lower back; seeds 1-3: mounting error within +-8 deg per axis
(seed 1), a mounting yaw of +-25 deg (seed 2), +-45 deg (seed 3)), the gyroscope blanked 25-55 s, in four
scenarios: forward running, backward running, forward running with a 5 s stop and backward running inside the
stretch, forward walking turning into backward walking inside it. ``--no-header``: the header's anterior axis
removed and the sign calibrated on a declared forward segment (1-20 s, before the stretch). Every ``no_gyro`` step
matched to a simulated forward or backward contact within 50 ms is scored; prints per session and per placement
the counts right / unknown / wrong, the wrong ones with confidence >= 0.9 and the highest confidence of a wrong one.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np

from retrogait import analyze
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, simulate

STRETCH_S = (25.0, 55.0)
SCENARIOS = {
    "forward": [Bout("forward", "running", 3.0, 80.0)],
    "backward": [Bout("backward", "running", 2.5, 80.0)],
    "stop+change": [
        Bout("forward", "running", 3.0, 30.0),
        Bout("still", "still", 0.0, 5.0),
        Bout("backward", "running", 2.5, 25.0),
        Bout("forward", "running", 3.0, 20.0),
    ],
    "change(walk)": [
        Bout("forward", "walking", 1.4, 30.0),
        Bout("backward", "walking", 1.0, 25.0),
        Bout("forward", "walking", 1.4, 25.0),
    ],
}


def scored(placement: str, bouts: list[Bout], seed: int, header: bool) -> list[tuple[str, float]]:
    """(right/unknown/wrong, confidence) of each no_gyro step matched to a forward or backward contact."""
    rng = np.random.default_rng(100 + seed)
    yaw = float(rng.choice([-1, 1])) * (25.0 if seed == 2 else 45.0)
    mount = tuple(float(v) for v in rng.uniform(-8, 8, 3)) if seed == 1 else (0.0, 0.0, yaw)
    config = SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=seed, mounting_rotation_deg=mount)
    sim = simulate(config)
    s = sim.session
    assert s.gyr is not None
    gyr = s.gyr.copy()
    gyr[(s.t_s >= STRETCH_S[0]) & (s.t_s < STRETCH_S[1])] = np.nan
    meta = s.meta if header else replace(s.meta, anterior_axis=None)
    result = analyze(Session(s.t_s, s.acc, gyr, meta), forward_segment_s=None if header else (1.0, 20.0))
    steps = result.steps[result.steps["quality_flags"].astype(str).str.contains("no_gyro")]
    truth_ic = sim.truth["ic_time_s"].to_numpy(dtype=float)
    truth_dir = sim.truth["direction"].astype(str).to_numpy()
    out: list[tuple[str, float]] = []
    for ic, label, conf in zip(steps["ic_time_s"], steps["direction"], steps["direction_confidence"], strict=True):
        k = int(np.argmin(np.abs(truth_ic - ic)))
        if abs(truth_ic[k] - ic) > 0.05 or truth_dir[k] not in ("forward", "backward"):
            continue
        kind = "unknown" if label == "unknown" else ("right" if label == truth_dir[k] else "wrong")
        out.append((kind, float(conf)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-header", action="store_true", help="no anterior axis in the header; calibrate")
    args = parser.parse_args()
    for placement in ("foot", "shank", "lower_back"):
        total: list[tuple[str, float]] = []
        for name, bouts in SCENARIOS.items():
            for seed in (1, 2, 3):
                got = scored(placement, bouts, seed, not args.no_header)
                total += got
                wrong = [c for k, c in got if k == "wrong"]
                print(
                    f"{placement:10s} {name:13s} seed {seed}: n={len(got):3d} "
                    f"right={sum(k == 'right' for k, _ in got):3d} "
                    f"unknown={sum(k == 'unknown' for k, _ in got):3d} wrong={len(wrong):3d} "
                    f"(>= 0.9: {sum(c >= 0.9 for c in wrong)}, max {max(wrong, default=float('nan')):.2f})",
                    flush=True,
                )
        n = max(len(total), 1)
        wrong = [c for k, c in total if k == "wrong"]
        print(
            f"TOTAL {placement}: n={len(total)} right {sum(k == 'right' for k, _ in total) / n:.1%}, unknown "
            f"{sum(k == 'unknown' for k, _ in total) / n:.1%}, wrong {len(wrong) / n:.1%} ({len(wrong)}; >= 0.9: "
            f"{sum(c >= 0.9 for c in wrong)}, max {max(wrong, default=float('nan')):.2f})"
        )


if __name__ == "__main__":
    main()
