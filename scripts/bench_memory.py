"""Peak memory of the analysis per placement, as a multiple of the samples' float64 array (issue 16).

Usage: python scripts/bench_memory.py [--minutes 60] [--data DIR] [--only TEXT]
Simulates once (cached in ``--data``) a session per case -- shank, foot and lower back at 200 Hz (forward
then backward running, as ``bench_analyze.py``'s shank), a lower back walking at 1000 Hz, and shanks at 52 and
100 Hz (their landings searched at 200 Hz, CONTACT-9) -- and prints
for each the peak of memory traced by tracemalloc during ``retrogait.analyze`` (read and analysis, outputs
in memory, no report) over the raw n x 7 float64 array (goal <= 4x), with the analysis' CPU time. Memory is
counted, not timed, so the numbers do not depend on the machine's load; the first case takes ~1 min to
simulate at 60 minutes.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import retrogait
from retrogait.session import read_session
from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

#: (name, placement, activity, rate Hz): the cases printed.
CASES = (
    ("shank 200 Hz", "shank", "running", 200.0),
    ("foot 200 Hz", "foot", "running", 200.0),
    ("lower back 200 Hz", "lower_back", "running", 200.0),
    ("lower back 1000 Hz walking", "lower_back", "walking", 1000.0),
    ("shank 52 Hz", "shank", "running", 52.0),
    ("shank 100 Hz", "shank", "running", 100.0),
)


def simulated(placement: str, activity: str, rate_hz: float, minutes: float, folder: Path) -> Path:
    """Still 5 s, forward then backward for the rest, still 5 s (seed 0), written once into ``folder``."""
    path = folder / f"{placement}_{activity}_{rate_hz:g}hz_{minutes:g}min.csv"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        half = max(60.0 * minutes - 10.0, 2.0) / 2
        speeds = (3.0, 2.5) if activity == "running" else (1.3, 1.0)
        bouts = [
            Bout("still", "still", 0.0, 5.0),
            Bout("forward", activity, speeds[0], half),
            Bout("backward", activity, speeds[1], half),
            Bout("still", "still", 0.0, 5.0),
        ]
        config = SimulationConfig(placement=placement, bouts=bouts, sample_rate_hz=rate_hz, seed=0)
        write_simulation(simulate(config), path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-memory")
    parser.add_argument("--only", default="", help="only the cases whose name contains this text")
    args = parser.parse_args()
    print(f"{'case':28s} {'samples':>9s} {'raw MB':>7s} {'peak MB':>8s} {'peak/raw':>8s} {'cpu s':>6s}  (goal <= 4x)")
    for name, placement, activity, rate_hz in CASES:
        if args.only not in name:
            continue
        path = simulated(placement, activity, rate_hz, args.minutes, args.data)
        raw = read_session(path).n_samples * 7 * 8
        start = time.process_time()
        result = retrogait.analyze(path)
        cpu = time.process_time() - start
        del result
        tracemalloc.start()
        retrogait.analyze(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        mark = "ok" if peak <= 4 * raw else "over"
        print(f"{name:28s} {raw // 56:9d} {raw / 1e6:7.1f} {peak / 1e6:8.1f} {peak / raw:7.2f}x {cpu:6.2f}  {mark}")


if __name__ == "__main__":
    main()
