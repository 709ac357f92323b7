"""Speed and memory of ``retrogait analyze`` on 1 h of 200 Hz 6-axis data from a native file.

Usage: python scripts/bench_analyze.py [--minutes 60] [--repeats 3] [--data DIR]
Simulates a shank session once (forward and backward running, 200 Hz, 6 axes; cached in ``--data``), then
1. in this process: times read + analysis (outputs in memory, no report) and measures peak memory with
   tracemalloc (its ratio to the raw n x 7 float64 array; goal <= 4x);
2. whole processes, run in turn (issue 16): ``retrogait analyze FILE`` with and without its report
   against a bare Python process doing ``pandas.read_csv`` of the same file (goals: <= 2x with the
   report, <= 1.5x without), with each process's peak RSS, user and system CPU time and minor page faults
   (first touches of fresh memory pages: much of the system time on this virtual machine, PERF-12); and for
   reference the bare read plus ``import scipy.signal``, the floor while the analysis used scipy (PERF-5;
   since PERF-8 it does not).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import retrogait
from benchproc import RETROGAIT, compile_package, load, python, run_in_turn
from retrogait.session import read_session
from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation


def simulated_shank(minutes: float, folder: Path, placement: str = "shank") -> Path:
    """A simulated shank session (still, forward running at 3.0 m/s, backward at 2.5 m/s, still; 200 Hz,
    6 axes; seed 0), written once into ``folder`` and reused: the simulator's gait is what the analysis
    is built for (a hand-made periodic signal was read as hundreds of short bouts and took other paths).
    ``placement``: the same gait at another placement (``foot``: MOUNT-11's check)."""
    path = folder / f"{placement}_{minutes:g}min.csv"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        run_s = max(60.0 * minutes - 10.0, 2.0) / 2
        bouts = [
            Bout("still", "still", 0.0, 5.0),
            Bout("forward", "running", 3.0, run_s),
            Bout("backward", "running", 2.5, run_s),
            Bout("still", "still", 0.0, 5.0),
        ]
        config = SimulationConfig(placement=placement, bouts=bouts, sample_rate_hz=200.0, seed=0)
        write_simulation(simulate(config), path)
    return path


def probe_hour(description: str, repeats: int) -> tuple[argparse.Namespace, Path]:
    """The arguments of a probe of the bench hour (``--repeats``, ``--minutes``, ``--data``; ``description``: the
    probe's docstring) and the hour's file, simulated once (:func:`simulated_shank`)."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-analyze")
    args = parser.parse_args()
    return args, simulated_shank(args.minutes, args.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-analyze")
    args = parser.parse_args()
    print(compile_package())
    minutes = args.minutes
    path = simulated_shank(minutes, args.data)
    with tempfile.TemporaryDirectory() as tmp:
        raw_bytes = read_session(path).n_samples * 7 * 8
        start = time.perf_counter()
        result = retrogait.analyze(path)
        seconds = time.perf_counter() - start
        tracemalloc.start()
        retrogait.analyze(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(load())
        out = str(Path(tmp) / "out")
        runs = run_in_turn(
            {
                "bare": python(f"import pandas; pandas.read_csv({str(path)!r}, comment='#')"),
                "floor": python(f"import pandas, scipy.signal; pandas.read_csv({str(path)!r}, comment='#')"),
                "with": [RETROGAIT, "analyze", str(path), "--out", out],
                "without": [RETROGAIT, "analyze", str(path), "--out", out, "--no-report"],
            },
            args.repeats,
        )
        bare, floor, with_report, without = runs["bare"], runs["floor"], runs["with"], runs["without"]
        print(load())
    print(f"{minutes:g} min of 200 Hz 6-axis data ({path}), {len(result.steps)} steps, {len(result.bouts)} bouts")
    print(f"end to end (read + analyze): {seconds:.2f} s   (goal < 2 s)")
    print(
        f"peak traced memory: {peak / 1e6:.0f} MB = {peak / raw_bytes:.2f} x the raw array ({raw_bytes / 1e6:.0f} MB)"
        "   (goal <= 4x)"
    )
    print(f"whole process, median of {args.repeats}, the commands run in turn:")
    print(f"  bare pandas.read_csv             {bare.seconds:6.2f} s  peak RSS {bare.peak_mib:5.0f} MiB (reference)")
    print(f"  {'':32s} {bare.cpu()}")
    print(
        f"  the same + import scipy.signal   {floor.seconds:6.2f} s  peak RSS {floor.peak_mib:5.0f} MiB"
        f"  = {floor.ratio(bare):.2f}x the bare read (the floor of any analysis filtering with scipy)"
    )
    print(f"  {'':32s} {floor.cpu()}")
    for label, r, goal in (("retrogait analyze (with report)", with_report, 2.0), ("  --no-report", without, 1.5)):
        print(
            f"  {label:32s} {r.seconds:6.2f} s  peak RSS {r.peak_mib:5.0f} MiB  = {r.ratio(bare):.2f}x the bare read"
            f"  (goal <= {goal:g}x)"
        )
        print(f"  {'':32s} {r.cpu()}")


if __name__ == "__main__":
    main()
