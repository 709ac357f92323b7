"""Benchmark: when a `retrogait batch --scheduler` process submits its first task and gets its results.

Usage: python scripts/bench_dask_timeline.py [--runs 6] [--data DIR]
Starts a local Dask cluster like ``bench_batch.py`` (2 worker processes, 1 thread and one BLAS thread each)
and runs ``retrogait batch DIR --force --no-compare --scheduler ADDRESS`` against it ``--runs`` times, each
in a fresh interpreter whose ``distributed.Client`` and combined tables are wrapped to print the seconds
since the interpreter started at: ``distributed`` imported, the client connected, the first task
submitted, the first and the last result appended, the process about to exit. The first run's workers
import the analysis (its first submit comes later). DIR: ``bench_batch.py``'s 20 ten-minute sessions.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_batch import _dask_cluster

#: Run in the timed interpreter: wraps the client and the tables, then runs the CLI as the program does.
_PROBE = r"""
import atexit, sys, time
T0 = time.perf_counter()
stamp = lambda what: sys.stderr.write(f"TIMELINE {time.perf_counter() - T0:.3f} {what}\n")
atexit.register(stamp, "exit")
if __name__ == "__main__":
    import distributed
    stamp("distributed imported")
    from retrogait.batch import store

    class Client(distributed.Client):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stamp("client connected")
            self._submitted = False

        def submit(self, *args, **kwargs):
            if not self._submitted:
                self._submitted = True
                stamp("first submit")
            return super().submit(*args, **kwargs)

    distributed.Client = Client
    add, added = store.CombinedTables.add, []

    def timed_add(tables, outcome):
        added.append(time.perf_counter() - T0)
        if len(added) == 1:
            stamp("first result")
        return add(tables, outcome)

    store.CombinedTables.add = timed_add
    atexit.register(lambda: sys.stderr.write(f"TIMELINE {added[-1]:.3f} last result ({len(added)})\n"))
    from retrogait.cli import main
    sys.exit(main())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-batch" / "20x10min")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data}: no sessions (python scripts/bench_batch.py --sessions 20 makes them)")
    cluster = _dask_cluster()
    try:
        with tempfile.TemporaryDirectory() as out:
            for run in range(args.runs):
                command = [sys.executable, "-c", _PROBE, "batch", str(args.data), "--force", "--no-compare"]
                command += ["--out", out, "--scheduler", cluster.scheduler_address]
                start = time.perf_counter()
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                wall = time.perf_counter() - start
                lines = done.stderr.splitlines()
                marks = [line.removeprefix("TIMELINE ") for line in lines if line.startswith("TIMELINE")]
                print(f"run {run}: exit {done.returncode}, wall {wall:.2f} s | " + " | ".join(marks), flush=True)
    finally:
        cluster.close()


if __name__ == "__main__":
    main()
