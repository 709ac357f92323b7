"""Benchmark: `retrogait batch` of this tree against another tree's code, in alternating pairs.

Usage: python scripts/bench_batch_pairs.py BASE_SRC [--pairs 5] [--jobs 1 2] [--sessions 20] [--long MIN]
                                              [--when-idle F] [--data DIR]
BASE_SRC is the ``src`` folder of the code to compare with (e.g. ``git archive COMMIT src | tar -x -C DIR``,
then DIR/src); it is put first on ``PYTHONPATH`` for its runs. Each pair runs the base and this tree one
after the other (the order alternating from pair to pair) on the sessions of ``bench_batch.py``, with
``--force --no-compare``, and prints every run's wall and CPU seconds (the process and every process it
started) with the load, then the medians and the ``--jobs 1`` / ``--jobs 2`` ratio of each. On a shared
machine the pairs, not single runs, say whether a change helped. ``--long MIN`` adds one session of MIN minutes
listed after the others (a folder of mixed lengths: the order the workers take them in matters, BATCH-32);
``--when-idle F`` starts each pair once a fraction F of the machine's CPU time was idle (``bench_analyze_pairs.py``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_analyze_pairs import wait_for_idle
from bench_batch import SEEDS, make_sessions, timed
from benchproc import RETROGAIT, compile_package
from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

#: One BLAS/OpenMP thread per process, as bench_batch.py runs.
ONE_THREAD = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_src", type=Path)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--long", type=float, default=0.0, help="minutes of one more session, listed last")
    parser.add_argument("--when-idle", type=float, default=0.0, help="idle share to wait for before each pair")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-batch")
    args = parser.parse_args()
    print(compile_package())
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(args.base_src)], check=True)
    name = f"{args.sessions}x{args.minutes:g}min" + ("" if args.sessions <= SEEDS else f"-seeds{SEEDS}")  # BATCH-61
    name += f"+{args.long:g}min" if args.long else ""
    folder = make_sessions(args.data / name, args.sessions, args.minutes)[0].parent.parent
    if args.long:
        long_session(folder / "zz_long" / "session_long.csv", args.long)
    trees = {"base": str(args.base_src.resolve()), "this": ""}
    runs: dict[tuple[str, int], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as out:
        for i in range(args.pairs):
            order = list(trees.items()) if i % 2 == 0 else list(trees.items())[::-1]
            waited = wait_for_idle(args.when_idle)
            if args.when_idle:
                print(f"pair {i}: {waited:.1f} s waited for an idle share of {args.when_idle:g}", flush=True)
            for jobs in args.jobs:
                for name, path in order:
                    env = {**os.environ, **{k: os.environ.get(k, v) for k, v in ONE_THREAD.items()}}
                    if path:
                        env["PYTHONPATH"] = path
                    command = [RETROGAIT, "batch", str(folder), "--force", "--no-compare", "--jobs", str(jobs)]
                    wall, cpu = timed([*command, "--out", f"{out}/{name}{jobs}"], env)
                    runs.setdefault((name, jobs), []).append((wall, cpu))
                    line = f"pair {i} {name:4s} --jobs {jobs}: {wall:5.2f} s, CPU {cpu:5.2f} s"
                    print(f"{line}, load {os.getloadavg()[0]:.2f}", flush=True)
    medians = {key: statistics.median(w for w, _ in v) for key, v in runs.items()}
    for (name, jobs), values in sorted(runs.items()):
        cpu = statistics.median(c for _, c in values)
        print(f"{name:4s} --jobs {jobs}: wall median {medians[name, jobs]:.2f} s, CPU median {cpu:.2f} s")
    if {1, 2} <= set(args.jobs):
        for name in trees:
            print(f"{name:4s} --jobs 2 vs --jobs 1: {medians[name, 1] / medians[name, 2]:.2f}x (medians)")


def long_session(path: Path, minutes: float) -> None:
    """One shank session of ``minutes`` as ``bench_batch.make_sessions`` makes them (made once)."""
    if path.exists():
        return
    half = 60.0 * minutes / 2
    bouts = [Bout("forward", "running", 3.0, half), Bout("backward", "running", 2.5, half)]
    config = SimulationConfig(placement="shank", bouts=bouts, sample_rate_hz=200.0, seed=48)  # 49+ are held back
    write_simulation(simulate(config), path)


if __name__ == "__main__":
    main()
