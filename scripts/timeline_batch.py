"""Benchmark: a time line of whole `retrogait batch` processes, the batch process and each worker, run in turn.

Usage: python scripts/timeline_batch.py [TREE_SRC] [--jobs 1 2] [--runs 3] [--data DIR] [--dask]
Runs ``retrogait batch DIR --force --no-compare --out OUT --jobs N`` ``--runs`` times for each ``--jobs`` in turn (with
``--dask`` also ``--scheduler`` on ``bench_batch.py``'s 2-worker Dask cluster, started warm here), with TREE_SRC
(default: this checkout's src) first on the path, in an interpreter that stamps (seconds since the command was
launched, one monotonic clock for every process, with the process' CPU seconds) where the batch process starts, asks
for its fork server, submits its first job, gets each result, closes the tables and exits (and each of its threads'
CPU as it ends); where the fork server starts and ends its preload; where each worker (local or Dask) is forked and
starts and ends each session. It prints per run: the head (launch to each worker's first session), each worker's
sessions (how many, their busy seconds, its idle time between them, its CPU), the imbalance at the end (the two
workers' last ends apart) and the tail (last result to tables closed to the process' end), then the medians over the
runs. The functions are wrapped from outside (an import hook); the tree is not changed. DIR: ``bench_batch.py``'s 20
ten-minute sessions (made by ``python scripts/bench_batch.py --sessions 20``).
When imported with ``RETROGAIT_TIMELINE`` set (the fork server, as its first preload; a Dask worker, as the cluster's
preload), this module stamps that process and the workers forked from it instead.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

#: Where every process appends its stamps (set by the launcher for the batch process and inherited).
STAMPS = "RETROGAIT_TIMELINE"


def stamp(event: str) -> None:
    """Append ``monotonic-seconds process-CPU-seconds pid event`` to the stamps file (one small O_APPEND write: lines
    never mix)."""
    line = f"{time.monotonic():.6f} {time.process_time():.6f} {os.getpid()} {event}\n".encode()
    fd = os.open(os.environ[STAMPS], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def after_import(names: dict[str, object]) -> None:
    """Call ``names[module](module)`` right after each of those modules is first imported (a meta path hook)."""
    import importlib.abc
    import importlib.machinery

    class Hook(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: object, target: object = None) -> object:
            if name not in names:
                return None
            spec = importlib.machinery.PathFinder.find_spec(name, path)  # type: ignore[arg-type]
            if spec is None or spec.loader is None:
                return spec
            loader, patch = spec.loader, names[name]
            execute = loader.exec_module  # type: ignore[attr-defined]

            def exec_module(module: object) -> None:
                execute(module)
                patch(module)  # type: ignore[operator]

            loader.exec_module = exec_module  # type: ignore[attr-defined]
            return spec

    sys.meta_path.insert(0, Hook())


def _wrap(module: object, name: str, before: str | None, after: str | None, describe: bool = False) -> object:
    import functools

    function = getattr(module, name)

    @functools.wraps(function)
    def wrapped(*args: object, **kwargs: object) -> object:
        if before:
            stamp(before + (f" {os.path.basename(str(args[0]))}" if describe else ""))
        try:
            return function(*args, **kwargs)
        finally:
            if after:
                stamp(after)

    setattr(module, name, wrapped)
    return wrapped


def _patch_worker(module: object) -> None:
    _wrap(module, "analyze_one", "session start", "session end", describe=True)


def _patch_lifeline(module: object) -> None:
    _wrap(module, "start_worker", "worker start", "worker ready")


def probe_dask_worker() -> None:
    """In a Dask worker (the cluster's preload): stamp its sessions."""
    import retrogait.batch.runner as runner

    if hasattr(runner.analyze_one, "__wrapped__"):  # run again as the spawned worker's __mp_main__
        return
    _wrap(runner, "analyze_one", "session start", "session end", describe=True)


def probe_worker_side() -> None:
    """In the fork server: stamp its start and its preload's end; its forked workers stamp their sessions."""
    stamp("server start")
    import retrogait.batch.lifeline as lifeline
    import retrogait.batch.worker as worker

    _patch_lifeline(lifeline)
    _patch_worker(worker)
    import retrogait.batch.server_preload  # noqa: F401

    stamp("server preloaded")


#: Run as the batch process: stamps, then the CLI as the program runs it.
_PROBE = r"""
import atexit, os, sys
sys.path.insert(0, os.environ["RETROGAIT_TIMELINE_SCRIPTS"])
os.environ["RETROGAIT_TIMELINE_BATCH"] = str(os.getpid())  # imported here, the module probes nothing itself
import timeline_batch as t
t.stamp("batch start")
atexit.register(t.stamp, "batch exit")
if __name__ == "__main__":
    def pool(module):
        module.PRELOAD = ["timeline_batch", *module.PRELOAD]  # first: the server's start is stamped
        start = module.start_fork_server
        def started():
            t.stamp("fork server asked")
            start()
        module.start_fork_server = started
    def runner(module):
        # the worker module's too: the pool pickles the function by its module's name
        sys.modules["retrogait.batch.worker"].analyze_one = t._wrap(
            module, "analyze_one", "session start", "session end", describe=True)
        bounded = module._bounded
        def first_submit(submit, todo, limit):
            def once(task, seen=[]):
                if not seen:
                    seen.append(1)
                    t.stamp("first submit")
                return submit(task)
            return bounded(once, todo, limit)
        module._bounded = first_submit
    def store(module):
        t._wrap(module.BatchStore, "record", "result", None)
        t._wrap(module.CombinedTables, "close", "tables close", "tables closed")
    import threading
    run_thread = threading.Thread.run
    def counted(thread):  # each of the batch process' threads' own CPU, stamped as it ends
        try:
            run_thread(thread)
        finally:
            t.stamp(f"thread {thread.name.split()[0].split('-')[0]} {time.thread_time():.6f}")
    threading.Thread.run = counted
    import time
    atexit.register(lambda: t.stamp(f"thread main {time.thread_time():.6f}"))
    t.after_import({"retrogait.batch.pool": pool, "retrogait.batch.runner": runner, "retrogait.batch.store": store})
    from retrogait.cli import main
    sys.argv = ["retrogait", *sys.argv[1:]]
    sys.exit(main())
"""


def timeline(lines: list[str], launched: float, ended: float) -> dict[str, float]:
    """Print one run's time line by process; return its headline numbers (s)."""
    events: dict[int, list[tuple[float, str]]] = {}
    cpu: dict[tuple[int, str], float] = {}  # (pid, event) -> the process' CPU seconds at its last such stamp
    for line in lines:
        at, used, pid, event = line.split(" ", 3)
        events.setdefault(int(pid), []).append((float(at) - launched, event))
        cpu[int(pid), event] = float(used)
    batch = next(pid for pid, e in events.items() if any(x == "batch start" for _, x in e))
    mine = dict(events[batch])
    first = lambda pid, what: next((at for at, e in events[pid] if e.startswith(what)), float("nan"))  # noqa: E731
    results = [at for at, e in events[batch] if e == "result"]
    numbers = {
        "batch start": first(batch, "batch start"),
        "fork server asked": first(batch, "fork server asked"),
        "first submit": first(batch, "first submit") if "first submit" in mine.values() else first(batch, "session"),
        "first result": min(results),
        "last result": max(results),
        "tables closed": first(batch, "tables closed"),
        "batch exit": first(batch, "batch exit"),
        "process end": ended - launched,
        "batch CPU to first submit": cpu.get((batch, "first submit"), float("nan")),
        "batch CPU at exit": cpu[batch, "batch exit"],
    }
    threads: dict[str, float] = {}
    for _, event in events[batch]:
        if event.startswith("thread "):
            _, name, used = event.split(" ")
            threads[name] = threads.get(name, 0.0) + float(used)
    numbers.update({f"batch thread {name} CPU": used for name, used in threads.items()})
    workers = [pid for pid in events if pid != batch and any(e.startswith("session") for _, e in events[pid])]
    if any(e.startswith("session") for _, e in events[batch]):
        workers.append(batch)
    servers = [pid for pid in events if any(e == "server start" for _, e in events[pid])]
    for pid in servers:
        numbers["server start"] = first(pid, "server start")
        numbers["server preloaded"] = first(pid, "server preloaded")
        numbers["server preload CPU"] = cpu[pid, "server preloaded"] - cpu[pid, "server start"]
    ends = []
    for index, pid in enumerate(sorted(workers, key=lambda p: first(p, "session start"))):
        starts = [at for at, e in events[pid] if e.startswith("session start")]
        stops = [at for at, e in events[pid] if e == "session end"]
        busy = sum(b - a for a, b in zip(starts, stops, strict=True))
        numbers[f"w{index} forked"] = first(pid, "worker start")
        numbers[f"w{index} first session"] = starts[0]
        numbers[f"w{index} last end"] = stops[-1]
        numbers[f"w{index} sessions"] = len(starts)
        numbers[f"w{index} busy"] = busy
        numbers[f"w{index} idle between"] = stops[-1] - starts[0] - busy
        numbers[f"w{index} CPU"] = cpu[pid, "session end"] - cpu.get((pid, "worker ready"), 0.0)
        ends.append(stops[-1])
    numbers["end imbalance"] = max(ends) - min(ends)
    return numbers


def main() -> None:
    import argparse
    import statistics
    import tempfile
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", nargs="?", default=str(Path(__file__).resolve().parent.parent / "src"))
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dask", action="store_true", help="also on a 2-worker Dask cluster (bench_batch.py's)")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-batch" / "20x10min")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data}: no sessions (python scripts/bench_batch.py --sessions 20 makes them)")
    configs = {f"--jobs {jobs}": ["--jobs", str(jobs)] for jobs in args.jobs}
    scripts = str(Path(__file__).resolve().parent)  # on the path of the fork server too
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([args.src, scripts]), RETROGAIT_TIMELINE_SCRIPTS=scripts)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    with tempfile.TemporaryDirectory() as scratch:
        cluster = None
        if args.dask:  # its workers import the tree's analysis and stamp their sessions into one file
            sys.path[:0] = [args.src, scripts]
            os.environ.update(RETROGAIT_TIMELINE_DASK="1", PYTHONPATH=env["PYTHONPATH"])
            os.environ[STAMPS] = f"{scratch}/dask"
            from bench_batch import _dask_cluster, warm_up_workers

            cluster = _dask_cluster(preload=["timeline_batch"])
            warm_up_workers(cluster.scheduler_address)
            configs["Dask"] = ["--scheduler", cluster.scheduler_address]
        try:
            runs = in_turn(configs, args, env, scratch)
        finally:
            if cluster is not None:
                cluster.close()
    print(f"medians of {args.runs} runs (s since launch; busy/idle: s of the worker)")
    for label, numbers in runs.items():
        keys = list(dict.fromkeys(k for n in numbers for k in n))
        medians = {k: statistics.median(n[k] for n in numbers if k in n) for k in keys}
        print(f"  {label}: " + ", ".join(f"{k} {v:.3f}" for k, v in medians.items()))
    print(f"  {os.getloadavg()[0]:.2f} load (1 min)")


def in_turn(
    configs: dict[str, list[str]], args: Any, env: dict[str, str], scratch: str
) -> dict[str, list[dict[str, float]]]:
    """Each configuration's batch run ``args.runs`` times in turn; each run's headline numbers."""
    import subprocess
    from pathlib import Path

    runs: dict[str, list[dict[str, float]]] = {label: [] for label in configs}
    for run in range(args.runs):
        for label, options in configs.items():
            stamps = Path(scratch) / f"stamps{run}{label.replace(' ', '')}"
            env[STAMPS] = str(stamps)
            command = [sys.executable, "-c", _PROBE, "batch", str(args.data), "--force", "--no-compare"]
            command += ["--out", f"{scratch}/out{label.replace(' ', '')}", *options]
            launched = time.monotonic()
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            ended = time.monotonic()
            if done.returncode != 0:
                raise SystemExit(f"{label}: exit {done.returncode}: {done.stderr[-2000:]}")
            lines = stamps.read_text().splitlines()
            cluster = Path(scratch) / "dask"
            if label == "Dask" and cluster.exists():  # the cluster's workers' stamps during this run
                lines += [x for x in cluster.read_text().splitlines() if launched <= float(x.split()[0]) <= ended]
            numbers = timeline(lines, launched, ended)
            runs[label].append(numbers)
            print(f"run {run} {label}: " + ", ".join(f"{k} {v:.3f}" for k, v in numbers.items()), flush=True)
    return runs


if __name__ == "__main__":
    main()
elif "RETROGAIT_TIMELINE_DASK" in os.environ:
    probe_dask_worker()
elif STAMPS in os.environ and os.environ.get("RETROGAIT_TIMELINE_BATCH") != str(os.getpid()):
    probe_worker_side()
