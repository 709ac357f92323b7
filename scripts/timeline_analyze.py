"""Timeline: where the wall of one whole `retrogait analyze` process goes, stage by stage, thread by thread (PERF-71).

Usage: python scripts/timeline_analyze.py [BASE_SRC] [--runs 6] [--report] [--minutes 60] [--data DIR] [--file PATH]
Runs ``retrogait analyze`` of ``bench_analyze.py``'s simulated shank, or of ``--file`` (an export, a folder: PERF-156),
(``--no-report`` unless ``--report``) as the
program runs it (``main()`` reading ``sys.argv``: the early set-up, the paused collector, the exit without teardown),
with a probe that stamps the start and end of the read, its parse and checks, each stage of the analysis and the
writing: the wall since the process started (``/proc``, 10 ms resolution at the start), the main thread's CPU, the
other threads' CPU (the import thread, the source digest, pandas' parse, the parts beside: PERF-36/38/40) and the
main thread's time waiting for a core (``/proc/self/task/ID/schedstat``; wall minus it is what the load did not add).
With BASE_SRC (another tree's ``src``, first on ``PYTHONPATH``) its runs alternate with this tree's (the retrogait
this Python imports, the caller's ``PYTHONPATH`` kept). The analysis' stamps are set where the command joins its import
thread, so a tree that joins before the read has them too. Prints each stamp's medians over the runs. Linux only.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_analyze import simulated_shank
from benchproc import compile_package

#: Run in the analysed process: wraps the stages, then runs the CLI as the ``retrogait`` program does.
PROBE = r"""
import os, sys, threading, time
T0 = time.perf_counter()
with open("/proc/self/stat") as f:
    started = int(f.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
with open("/proc/uptime") as f:
    BEFORE = float(f.read().split()[0]) - started
SCHED = f"/proc/self/task/{threading.get_native_id()}/schedstat"
marks = []
def mark(name):
    with open(SCHED) as f:
        waited = int(f.read().split()[1]) / 1e9
    marks.append((name, time.perf_counter() - T0 + BEFORE, time.thread_time(), time.process_time(), waited))
def wrapped(module, name):
    original = getattr(module, name)
    def stage(*args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            return original(*args, **kwargs)
        mark(name + " >")
        try:
            return original(*args, **kwargs)
        finally:
            mark(name + " <")
    setattr(module, name, stage)
STAGES = ("preprocess", "detect_contacts", "_gait_contacts", "impact_load", "direction_cues", "facing_per_stretch",
          "segment_bouts", "sacral_vgrf", "summarize", "mounting_changes", "write_outputs")
import importlib, atexit
import retrogait.analysis.load as load
import retrogait.warm as warm
read = load.load_input
def load_input(*args, **kwargs):
    session = importlib.import_module("retrogait.session")
    for name in ("_read_table", "_time_problem", "implausible_units"):
        wrapped(session, name)
    mark("read >")
    try:
        return read(*args, **kwargs)
    finally:
        mark("read <")
load.load_input = load_input
# the pipeline's functions wrapped once its import thread is joined, before the command binds them: after the read
# on this tree, before it on a tree that joins there (63a4863); both get the same stamps (REVIEW-108)
beside = warm.import_beside
def import_beside(modules):
    thread = beside(modules)
    join = thread.join
    def joined(*args, **kwargs):
        join(*args, **kwargs)
        pipeline = sys.modules.get("retrogait.analysis.pipeline")
        if pipeline is not None and not getattr(pipeline, "_timeline_wrapped", False):
            pipeline._timeline_wrapped = True
            for name in ("analyze", *STAGES):
                wrapped(pipeline, name)
    thread.join = joined
    return thread
warm.import_beside = import_beside
def report():
    mark("exit")
    for name, wall, main, process, waited in marks:
        print(f"MARK\t{name}\t{wall}\t{main}\t{process}\t{waited}", file=sys.stderr)
atexit.register(report)
mark("interpreter up")
from retrogait.cli import main
sys.argv = ["retrogait", *sys.argv[1:]]
sys.exit(main())  # its status, as the program exits with it: a refused input is not timed (REVIEW-247)
"""


def one_run(path: Path, out: str, src: str | None, report: bool) -> dict[str, tuple[float, ...]]:
    """The stamps of one process: name -> (wall, main CPU, process CPU, main waiting for a core), s."""
    # this tree: the caller's own (its PYTHONPATH kept, as compile_package and bench_analyze_pairs.py take it: a review
    # worktree run with another worktree's environment measures itself, REVIEW-107); BASE_SRC first on PYTHONPATH
    env = {**os.environ, "PYTHONPATH": src} if src else dict(os.environ)
    args = [sys.executable, "-c", PROBE, "analyze", str(path), "--out", out, *([] if report else ["--no-report"])]
    proc = subprocess.run(args, capture_output=True, text=True, env=env)
    if proc.returncode != 0:  # a refused input (--file: anyone's export) says why, not a traceback (REVIEW-247)
        said = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("MARK\t")]
        raise SystemExit(
            f"analyze {path} ({src or 'this tree'}): exit status {proc.returncode}: {said[-1] if said else ''}"
        )
    stamps: dict[str, tuple[float, ...]] = {}
    for line in proc.stderr.splitlines():
        if line.startswith("MARK\t"):
            name, *numbers = line.split("\t")[1:]
            stamps.setdefault(name, tuple(float(n) for n in numbers))
    return stamps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_src", type=Path, nargs="?")
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--report", action="store_true", help="with the report (default: --no-report)")
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-analyze")
    parser.add_argument("--file", type=Path, help="analyse this input instead of the simulated shank")
    args = parser.parse_args()
    if args.file is not None and not args.file.exists():
        parser.error(f"--file {args.file}: no such file or folder")
    print(compile_package())
    path = args.file if args.file is not None else simulated_shank(args.minutes, args.data)
    trees: dict[str, str | None] = {"this": None}
    if args.base_src is not None:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(args.base_src)], check=True)
        trees = {"base": str(args.base_src.resolve()), "this": None}
    runs: dict[str, list[dict[str, tuple[float, ...]]]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory() as out:
        for i in range(args.runs):
            for name, src in list(trees.items())[:: 1 if i % 2 == 0 else -1]:
                runs[name].append(one_run(path, f"{out}/{name}", src, args.report))
    print(
        f"load {os.getloadavg()[0]:.2f}; medians of {args.runs} runs, ms: wall since the process started, main thread's"
    )
    print("CPU, other threads' CPU, wall less the main thread's wait for a core")
    for name, stamps in runs.items():
        print(f"{name}:")
        for stamp in stamps[0]:
            values = [s[stamp] for s in stamps if stamp in s]
            columns = (
                statistics.median(v[0] for v in values),
                statistics.median(v[1] for v in values),
                statistics.median(v[2] - v[1] for v in values),
                statistics.median(v[0] - v[3] for v in values),
            )
            print(f"  {re.sub(r'^_', '', stamp):24s}" + "".join(f" {1000 * c:7.1f}" for c in columns))


if __name__ == "__main__":
    main()
