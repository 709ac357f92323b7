"""Write the SYNTHETIC demo sessions in sample_data/ with the simulator (deterministic).

Usage: python scripts/make_sample_data.py [OUTPUT_DIR]   (default: sample_data/ beside this script)
"""

from __future__ import annotations

import sys
from pathlib import Path

from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

STILL = Bout("still", "still", 0.0, 3.0)
#: The committed sample_data/ stays simulator version 1 (its snapshots and users' notes refer to these bytes; SIM-17).
VERSION = 1

SESSIONS = {
    "shank_forward_backward_forward": SimulationConfig(
        placement="shank",
        side="left",
        sample_rate_hz=500.0,
        with_gyro=True,
        bouts=[
            STILL,
            Bout("forward", "running", 3.0, 40.0),
            STILL,
            Bout("backward", "running", 2.5, 40.0),
            STILL,
            Bout("forward", "running", 3.0, 40.0),
            STILL,
        ],
        seed=101,
        version=VERSION,
        notes="sample_data demo: shank, forward -> backward -> forward running",
    ),
    "foot_mixed": SimulationConfig(
        placement="foot",
        side="right",
        sample_rate_hz=200.0,
        with_gyro=True,
        bouts=[
            STILL,
            Bout("forward", "running", 3.0, 30.0),
            Bout("backward", "running", 2.5, 30.0),
            STILL,
            Bout("forward", "walking", 1.4, 20.0),
            Bout("backward", "walking", 1.0, 15.0),
            STILL,
        ],
        seed=202,
        version=VERSION,
        notes="sample_data demo: foot, running and walking in both directions",
    ),
    "lower_back_mixed": SimulationConfig(
        placement="lower_back",
        side="left",
        sample_rate_hz=208.0,
        with_gyro=False,
        bouts=[
            STILL,
            Bout("forward", "running", 3.0, 40.0),
            STILL,
            Bout("backward", "running", 2.5, 40.0),
            STILL,
            Bout("forward", "running", 3.5, 20.0, foot_strike="midfoot"),
            STILL,
        ],
        seed=303,
        version=VERSION,
        notes="sample_data demo: lower back, accelerometer only, forward and backward running",
    ),
}


def main(out_dir: Path) -> None:
    for name, config in SESSIONS.items():
        result = simulate(config)
        session_path, truth_path = write_simulation(result, out_dir / f"{name}.csv")
        size_kb = (session_path.stat().st_size + truth_path.stat().st_size) / 1024
        print(f"{session_path.name}: {result.session.n_samples} samples, {len(result.truth)} stances, {size_kb:.0f} kB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "sample_data")
