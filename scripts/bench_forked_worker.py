"""Benchmark: what a batch worker forked from the fork server pays per session beyond the process it was forked from.

Usage: python scripts/bench_forked_worker.py [--rounds 3] [--sessions 8] [--data DIR]
Each round runs two fresh processes, in turn, that import what the fork server imports (``batch.server_preload``:
the analysis, the readers and the Arrow writer, then the heap frozen) and then analyse the same ``--sessions``
of ``bench_batch.py``'s ten-minute sessions one after the other with ``batch.worker.analyze_one``: one in that
process itself ("in place", as ``--jobs 1`` and a never-forked worker), one in a child forked from it after the
preload ("forked", as a local worker). One session at a time, so the two see no contention from each other. Per
session it prints the process' CPU (ms), its minor page faults (k: a forked child's writes to the pages it shares
with its parent are copied on write) and the time of the cyclic garbage collector (ms, ``gc.callbacks``), then the
medians over the rounds of the first session and of the sum of the later ones. Issue 16, BATCH-41/42.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_batch import make_sessions
from benchproc import compile_package, load

#: Runs in a fresh interpreter: argv = mode ("in place" or "forked"), output folder, session paths; prints one line
#: per session: CPU seconds, minor faults, collector seconds.
_PROBE = """
import gc, os, resource, sys, time
import retrogait.batch.server_preload
from retrogait.allocator import prepare_for_analysis
from retrogait.batch.worker import analyze_one
collected = [0.0, 0.0]
def on_gc(phase, info):
    if phase == "start":
        collected[1] = time.perf_counter()
    else:
        collected[0] += time.perf_counter() - collected[1]
def sessions():
    prepare_for_analysis()  # as a worker's initializer (lifeline.start_worker) and --jobs 1 do
    gc.callbacks.append(on_gc)
    for i, path in enumerate(sys.argv[3:]):
        collected[0] = 0.0
        faults, cpu = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, time.process_time()
        outcome = analyze_one(path, f"{i:064d}", {}, sys.argv[2])
        cpu, faults = time.process_time() - cpu, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
        assert outcome.ok, outcome.error
        print(cpu, faults, collected[0], flush=True)
if sys.argv[1] == "forked":
    child = os.fork()
    if child == 0:
        sessions()
        os._exit(0)
    _, status = os.waitpid(child, 0)
    sys.exit(os.waitstatus_to_exitcode(status))
sessions()
"""

#: One BLAS/OpenMP thread, as a batch worker has.
ONE_THREAD = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")


def probe(mode: str, paths: list[Path]) -> list[tuple[float, float, float]]:
    """(CPU s, minor faults, collector s) of each session analysed in a fresh process, ``mode`` as in ``_PROBE``."""
    with tempfile.TemporaryDirectory() as out:
        lines = subprocess.run(
            [sys.executable, "-c", _PROBE, mode, out, *map(str, paths)],
            env={**os.environ, **ONE_THREAD},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    rows = [tuple(map(float, line.split())) for line in lines if line.strip()]
    return [(cpu, faults, gc_s) for cpu, faults, gc_s in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-batch")
    args = parser.parse_args()
    print(compile_package())
    paths = make_sessions(args.data / "20x10min", 20, 10.0)[: args.sessions]
    print(f"{load()} (before)")
    firsts: dict[str, list[float]] = {"in place": [], "forked": []}
    laters: dict[str, list[float]] = {"in place": [], "forked": []}
    for round_ in range(args.rounds):
        modes = ["in place", "forked"] if round_ % 2 == 0 else ["forked", "in place"]
        for mode in modes:
            rows = probe(mode, paths)
            cpu = " ".join(f"{1000 * c:4.0f}" for c, _, _ in rows)
            faults = " ".join(f"{f / 1000:4.1f}" for _, f, _ in rows)
            collector = " ".join(f"{1000 * g:4.1f}" for _, _, g in rows)
            print(f"round {round_} {mode:8s} CPU ms {cpu} | faults k {faults} | collector ms {collector}", flush=True)
            firsts[mode].append(rows[0][0])
            laters[mode].append(sum(c for c, _, _ in rows[1:]))
    for mode in firsts:
        first, later = statistics.median(firsts[mode]), statistics.median(laters[mode])
        print(
            f"{mode:8s}: CPU median of the first session {1000 * first:.0f} ms, "
            f"of sessions 2-{args.sessions} {1000 * later:.0f} ms"
        )
    print(f"{load()} (after)")


if __name__ == "__main__":
    main()
