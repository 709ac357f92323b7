"""Reading a generic table whose rows are out of time order: this tree against another's src, paired.

Usage: python scripts/bench_sorted_read.py BASE/src [--rows 200000] [--rounds 5] [--reads 3]

Writes three generic tables (``t,ax,ay,az``: a walk at 100 Hz, seconds, acceleration in m/s^2) of ``--rows`` rows
to a temporary folder: in time order, sorted by ``ax`` rounded to 0.01 m/s^2 (the time steps back at a few % of its
rows: put back by ``clean_rows``, its unit told in time order: EDGE-181's case, whose time order was worked out
twice), and newest first (reversed). Each round starts one process per tree, this one and BASE, which goes first
alternating (A B B A A B ...); each process reads every table once to warm up, then ``--reads`` times, and prints
the median wall and CPU seconds of a ``load_recording`` of each. The medians over the rounds are printed side by
side with their ratio, and the machine's load before and after (the machine is shared: only the paired ratio means
something; run it with this tree as BASE too to see the noise).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from benchproc import load

#: Reads each table in one process: a warm-up, then ``reads`` timed reads; prints {path: [median wall s, median CPU s]}
#: as JSON (the process's CPU time moves less with the machine's load than the wall time).
_CHILD = """
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from retrogait.imports import load_recording
reads = int(sys.argv[2])
out = {}
for path in sys.argv[3:]:
    load_recording(path)
    wall, cpu = [], []
    for _ in range(reads):
        t, c = time.perf_counter(), time.process_time()
        load_recording(path)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    out[path] = [statistics.median(wall), statistics.median(cpu)]
print(json.dumps(out))
"""


def write_tables(folder: Path, rows: int, seed: int = 1) -> dict[str, Path]:
    """The three tables (in order, sorted by ax to 0.01, newest first), each ``rows`` rows."""
    rng = np.random.default_rng(seed)
    t = np.arange(rows) / 100.0
    phase = 2 * np.pi * 1.8 * t
    acc = np.column_stack(
        [
            np.round(2.0 * np.sin(phase) + rng.normal(0, 0.3, rows), 2),
            0.8 * np.sin(phase / 2) + rng.normal(0, 0.2, rows),
            9.81 + 3.0 * np.maximum(np.sin(phase), 0) ** 4 + rng.normal(0, 0.3, rows),
        ]
    )
    table = np.column_stack([t, acc])
    orders = {
        "in_order": np.arange(rows),
        "sorted_by_ax": np.argsort(acc[:, 0], kind="stable"),
        "newest_first": np.arange(rows)[::-1],
    }
    paths = {}
    for name, order in orders.items():
        path = folder / f"{name}.csv"
        body = "\n".join(f"{a:.2f},{b:.3f},{c:.4f},{d:.4f}" for a, b, c, d in table[order])
        path.write_text("t,ax,ay,az\n" + body + "\n")
        paths[name] = path
    return paths


def read_times(src: Path, paths: dict[str, Path], reads: int) -> dict[str, list[float]]:
    """Median wall and CPU seconds of a read of each table in a fresh process running the package under ``src``."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(src), str(reads), *(str(p) for p in paths.values())],
        capture_output=True,
        text=True,
        check=True,
    )
    by_path = json.loads(proc.stdout.strip().splitlines()[-1])
    return {name: by_path[str(path)] for name, path in paths.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="BASE/src: the tree to pair with")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reads", type=int, default=3)
    args = parser.parse_args()
    here = Path(__file__).resolve().parents[1] / "src"
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_tables(Path(tmp), args.rows)
        print(load())
        runs: dict[str, list[dict[str, list[float]]]] = {"this": [], "base": []}
        for round_ in range(args.rounds):  # which tree goes first alternates: neither always follows the other
            for tree in ("this", "base") if round_ % 2 == 0 else ("base", "this"):
                runs[tree].append(read_times(here if tree == "this" else args.base, paths, args.reads))
        print(load())
    print(f"{args.rows:,} rows, median of {args.rounds} rounds (each the median of {args.reads} reads)")
    for name in paths:
        line = f"{name:14s}"
        for i, kind in enumerate(("wall", "CPU")):
            this = statistics.median(r[name][i] for r in runs["this"])
            base = statistics.median(r[name][i] for r in runs["base"])
            line += f"  {kind}: this {this:6.3f} s  base {base:6.3f} s  ratio {this / base:.3f}"
        print(line)


if __name__ == "__main__":
    main()
