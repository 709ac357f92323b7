"""A gyroscope in rad/s with k rows at 500 rad/s (28,648 deg/s): is the unit still read as rad/s, are the rows dropped?

Usage: python scripts/probe_rad_s_spikes.py [K ...]

A simulated shank walk (100 Hz, seed 4, 10 s: 1000 rows) with its gyroscope in rad/s at 0.6 of its rate (99th
percentile 4.4, read as rad/s), k random rows of axis x set to 500 rad/s (default k = 0, 1, 3, 5, 9, 10, 11, 15, 30).
Prints per k the unit the analysis reads, its steps and its note of the rows beyond any sensor's range (EDGE-254).
Run with either tree's ``src`` first on ``PYTHONPATH`` to compare.
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np

import retrogait
from retrogait.simulate import SimulationConfig, parse_bouts, simulate


def main() -> None:
    counts = [int(k) for k in sys.argv[1:]] or [0, 1, 3, 5, 9, 10, 11, 15, 30]
    config = SimulationConfig("shank", parse_bouts("forward:walking:1.0:10"), sample_rate_hz=100.0, seed=4)
    s = simulate(config).session
    assert s.gyr is not None
    base = np.radians(s.gyr) * 0.6
    rng = np.random.default_rng(0)
    for k in counts:
        gyr = base.copy()
        gyr[rng.choice(np.arange(50, len(s.t_s) - 50), k, replace=False), 0] = 500.0
        result = retrogait.analyze(replace(s, gyr=gyr))
        notes = result.summary["notes"]
        rad = any(n.startswith("angular rate looked like rad/s") for n in notes)
        beyond = [n for n in notes if "beyond any sensor's range" in n]
        print(
            f"k={k:2d} of {len(s.t_s)} rows: read as {'rad/s' if rad else 'deg/s'}; steps {len(result.steps)}; "
            f"{beyond[0] if beyond else 'nothing dropped'}"
        )


if __name__ == "__main__":
    main()
