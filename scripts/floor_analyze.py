"""Floor: how close an hour's `retrogait analyze --no-report` can come to the bare read on two cores (PERF-109).

Usage: python scripts/floor_analyze.py [--runs 6] [--cores 2] [--minutes 60] [--data DIR]
Alternates, in one run, the bare ``pandas.read_csv`` process of ``bench_analyze.py``'s simulated hour (the issue's
reference) with ``timeline_analyze.py``'s stamped ``analyze --no-report`` of the same file, and prints per run and as
medians: the bare read's wall; the command's wall at the end of its read (``read <``: the imports, which hold the GIL
and so run one at a time, and the parse) and at its exit; the CPU of every thread after the read (the checks left,
the analysis, the writing, the exit). The floor is the read's end plus that CPU spread over ``--cores`` with no
core ever idle: what the same work could take with the analysis perfectly parallel, a bound no chain of stages can
beat. Also printed: the CPU after the read that 1.5x the bare read would leave room for (``cores x (1.5 x bare -
read's end)``). Linux only (the stamps read ``/proc``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from bench_analyze import simulated_shank
from benchproc import _once, compile_package, python
from timeline_analyze import one_run

GOAL = 1.5  #: issue 16: `--no-report` at most this many times the bare read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--cores", type=int, default=2, help="cores the floor spreads the CPU after the read over")
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-analyze")
    args = parser.parse_args()
    print(compile_package())
    path = simulated_shank(args.minutes, args.data)
    rows: list[tuple[float, float, float, float, float]] = []
    print("run  bare s  read< s  exit s  CPU after read s  floor s  exit/bare  floor/bare  (load)")
    with tempfile.TemporaryDirectory() as out:
        for i in range(args.runs):
            bare = _once(python(f"import pandas; pandas.read_csv({str(path)!r}, comment='#')"), None)[0]
            stamps = one_run(path, f"{out}/run", None, report=False)
            read_end, exit_ = stamps["read <"], stamps["exit"]
            cpu_after = exit_[2] - read_end[2]  # every thread's CPU from the read's end to the exit
            floor = read_end[0] + cpu_after / args.cores
            rows.append((bare, read_end[0], exit_[0], cpu_after, floor))
            print(
                f"{i:3d}  {bare:6.3f}  {read_end[0]:7.3f}  {exit_[0]:6.3f}  {cpu_after:16.3f}  {floor:7.3f}"
                f"  {exit_[0] / bare:9.2f}  {floor / bare:10.2f}  ({os.getloadavg()[0]:.2f})",
                flush=True,
            )
    bare, read_end, exit_, cpu_after, floor = (statistics.median(r[k] for r in rows) for k in range(5))
    ratios = [r[2] / r[0] for r in rows]
    floors = [r[4] / r[0] for r in rows]
    room = args.cores * (GOAL * bare - read_end)
    print(f"medians of {args.runs} runs: bare read {bare:.3f} s; analyze --no-report read ends {read_end:.3f} s,")
    print(f"exits {exit_:.3f} s = {statistics.median(ratios):.2f}x the bare read of its run (median of the ratios);")
    print(f"CPU after the read {cpu_after:.3f} s; floor on {args.cores} cores {floor:.3f} s =")
    print(f"{statistics.median(floors):.2f}x ({min(floors):.2f}-{max(floors):.2f}x over the runs).")
    share = room / cpu_after
    print(f"{GOAL:g}x leaves {room:.3f} s of CPU after the read on {args.cores} cores, {share:.0%} of today's.")


if __name__ == "__main__":
    main()
