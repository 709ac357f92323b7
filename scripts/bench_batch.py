"""Benchmark: batch end to end with 1 and 2 local workers and on a 2-worker Dask cluster, 20 and 200 sessions.

Usage: python scripts/bench_batch.py [--sessions 20 200] [--minutes 10] [--repeats 2] [--data DIR] [--no-dask]
Simulated 10-minute shank sessions are made once into DIR (default: a folder in the temp dir) and reused.
Per session count it prints, paired in one run:
- cold: the whole ``retrogait batch DIR --out OUT --force --no-compare`` process (median of ``--repeats``:
  start-up, imports, worker start, every analysis, the combined tables: what a user waits for) with
  ``--jobs 1`` and ``--jobs 2`` in turn, then ``--scheduler`` on a 2-worker Dask cluster whose workers have
  imported the analysis (an untimed warm-up), in turn with ``--jobs 2`` again (the cluster alive for both: the
  ratio on one load), and in the same turns ``--scheduler`` with the workers' statistical profiler off (as
  docs/batch.md recommends for a cluster that runs batches: BATCH-30), with each run's CPU seconds
  (user + system of the process and its workers: on a busy machine the wall-time ratio says little, the
  CPU time says what the batch costs);
- warm: the steady state from the first to the last result of ``run_batch`` in this process (workers
  already started), for 1 and 2 local workers and Dask.
Goals (issue 16): ``--jobs 2`` >= 1.7x ``--jobs 1`` on 20 ten-minute sessions; Dask with 2 workers within
10 % of the local pool (the Dask cluster: 2 worker processes, 1 thread each, one BLAS thread each).
"""

from __future__ import annotations

import os

# One BLAS/OpenMP thread in this process too (jobs=1 runs in-process): otherwise the "1 worker" run
# quietly uses the second core through BLAS threads and the comparison is not 1 vs 2.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import functools  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from benchproc import RETROGAIT, compile_package, load  # noqa: E402
from retrogait.batch import run_batch  # noqa: E402
from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation  # noqa: E402

#: Reports the wall time and the CPU time (user + system, the command and every process it started). On
#: Linux this process becomes a child subreaper, so the fork server and the resource tracker, which outlive
#: the batch by a moment, are re-parented here and waited for: their CPU, and that of the workers the fork
#: server forked and waited for, is counted too.
_TIMED = (
    "import ctypes, os, sys, time, subprocess\n"
    "try:\n    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER\n"
    "except (OSError, AttributeError):\n    pass\n"
    "t = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "wall = time.perf_counter() - t\n"
    "while True:\n    try:\n        os.wait()\n    except ChildProcessError:\n        break\n"
    "c = os.times()\nprint(wall, c.children_user + c.children_system, code)\n"
)


#: Simulated people (seeds) this bench may use: those from 112 on are kept for the lead's final check and are never run
#: (BATCH-61); session ``i`` is person ``i % SEEDS`` running a little faster in each further round of them.
SEEDS = 100


def make_sessions(folder: Path, n: int, minutes: float) -> list[Path]:
    """``n`` simulated shank sessions (forward and backward running bouts), made once: person ``i % SEEDS`` (seed),
    at 3.0 m/s forward and 2.5 m/s backward, 0.05 m/s faster in each further round of ``SEEDS`` people, so that every
    session's bytes differ (a batch counts a copy once)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    half = 60.0 * minutes / 2
    for i in range(n):
        path = folder / f"athlete{i % 20:02d}" / f"session{i:04d}.csv"
        paths.append(path)
        if path.exists():
            continue
        faster = 0.05 * (i // SEEDS)
        bouts = [Bout("forward", "running", 3.0 + faster, half), Bout("backward", "running", 2.5 + faster, half)]
        config = SimulationConfig(placement="shank", bouts=bouts, sample_rate_hz=200.0, seed=i % SEEDS)
        write_simulation(simulate(config), path)
    return paths


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process (the command and every process it started; it must
    succeed)."""
    out = subprocess.run(
        [sys.executable, "-c", _TIMED, *command], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    if out[2] != "0":
        raise SystemExit(f"{' '.join(command)} exited {out[2]}")
    return float(out[0]), float(out[1])


def cold(
    commands: dict[str, list[str]],
    repeats: int,
    before: dict[str, Callable[[], None]] | None = None,
    cluster_cpu: Callable[[], float] | None = None,
) -> dict[str, tuple[float, float, float]]:
    """Median wall and CPU seconds of whole ``retrogait batch`` processes (each must succeed), the commands
    run in turn (A B A B ...) so that a change of the machine's load hits them alike; ``before[label]``, if
    given, is called (untimed) before each run of that command. The third number is the median CPU seconds that
    ``cluster_cpu`` (a running total, e.g. :func:`cluster_cpu_s`) grew by during each run: what a Dask cluster alive
    beside spent meanwhile (its scheduler, nannies and workers, which run a Dask batch's sessions); 0 without."""
    runs: dict[str, list[tuple[float, float, float]]] = {label: [] for label in commands}
    for _ in range(repeats):
        for label, command in commands.items():
            if before and label in before:
                before[label]()
            spent = cluster_cpu() if cluster_cpu else 0.0
            wall, cpu = timed(command)
            spent = cluster_cpu() - spent if cluster_cpu else 0.0
            runs[label].append((wall, cpu, spent))
    median = statistics.median
    return {
        label: (median(r[0] for r in v), median(r[1] for r in v), median(r[2] for r in v)) for label, v in runs.items()
    }


def cluster_cpu_s() -> float:
    """CPU seconds (user + system) so far of this process (a ``LocalCluster``'s scheduler runs on its event loop
    thread here) and of its child processes alive now (the nannies and their workers; a timed command's processes
    have ended when this is read after it). Read before and after a run, the difference is the cluster's share."""
    import psutil

    me = psutil.Process()
    total = 0.0
    for process in [me, *me.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.Error:  # ended meanwhile
            continue
        total += times.user + times.system
    return total


def steady_rate(folder: Path, out: Path, **options: object) -> float:
    """Sessions/min from the first to the last result of a ``run_batch`` in this process."""
    done_at: list[float] = []
    start = time.perf_counter()
    stamp: Callable[[object, bool], None] = lambda _o, _s: done_at.append(time.perf_counter() - start)  # noqa: E731
    result = run_batch([folder], out, compare=False, force=True, on_done=stamp, **options)  # type: ignore[arg-type]
    assert result.n_failed == 0, result
    return 60 * (len(done_at) - 1) / (done_at[-1] - done_at[0]) if len(done_at) > 1 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[20, 200])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-batch")
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    print(compile_package())
    for n in args.sessions:
        t0 = time.perf_counter()
        # a folder of more than SEEDS sessions made before BATCH-61 held people 112 and on: not reused
        name = f"{n}x{args.minutes:g}min" + ("" if n <= SEEDS else f"-seeds{SEEDS}")
        paths = make_sessions(args.data / name, n, args.minutes)
        folder = paths[0].parent.parent
        print(f"{n} sessions of {args.minutes:g} min ready in {time.perf_counter() - t0:.0f} s; {load()}")
        with tempfile.TemporaryDirectory() as out:
            batch = [RETROGAIT, "batch", str(folder), "--force", "--no-compare", "--out"]
            configs = {f"--jobs {jobs}": [*batch, f"{out}/jobs{jobs}", "--jobs", str(jobs)] for jobs in (1, 2)}
            # the local pool is timed with no Dask cluster alive: its idle processes cost CPU too
            rows = cold(configs, args.repeats)
            warm = {f"--jobs {jobs}": steady_rate(folder, Path(out) / f"warm{jobs}", jobs=jobs) for jobs in (1, 2)}
            paired: dict[str, tuple[float, float]] = {}
            if not args.no_dask:
                cluster = _dask_cluster()
                address = cluster.scheduler_address
                warm_up_workers(address)
                # Dask and the local pool in turn, the cluster alive for both: their ratio on the same load (the
                # rows above ran before the cluster started, minutes apart: 1.12-1.87x between runs of one code)
                # and Dask with its workers' statistical profiler off (docs/batch.md recommends it: BATCH-30), by
                # the same cluster's workers, the profiler switched off before and on again after each of its runs
                profiler = {
                    "Dask, profiler off": functools.partial(worker_profiler, address, on=False),
                    "--jobs 2 beside": functools.partial(worker_profiler, address, on=True),
                }
                paired = cold(
                    {
                        "Dask, 2 workers": [*batch, f"{out}/dask", "--scheduler", address],
                        "Dask, profiler off": [*batch, f"{out}/dasknp", "--scheduler", address],
                        "--jobs 2 beside": [*batch, f"{out}/jobs2b", "--jobs", "2"],
                    },
                    args.repeats,
                    before=profiler,
                    cluster_cpu=cluster_cpu_s,
                )
                worker_profiler(address, on=True)
                rows["Dask, 2 workers"] = paired["Dask, 2 workers"]
                warm["Dask, 2 workers"] = steady_rate(folder, Path(out) / "warmdask", scheduler=address)
                cluster.close()
            print(f"  cold: whole `retrogait batch` process, median of {args.repeats}")
            for label, (wall, cpu, spent) in rows.items():
                beside = (
                    f" + the cluster's {spent:.1f} s (scheduler, nannies, workers)" if label.startswith("Dask") else ""
                )
                print(f"    {label:18s} {wall:6.1f} s = {60 * n / wall:6.1f} sessions/min   CPU {cpu:6.1f} s{beside}")
            one, two = rows["--jobs 1"][0], rows["--jobs 2"][0]
            print(f"    speed-up --jobs 2 vs --jobs 1: {one / two:.2f}x (goal >= 1.7x)")
            if "Dask, 2 workers" in rows:
                print(f"    Dask vs --jobs 2: {rows['Dask, 2 workers'][0] / two:.2f}x the time (goal <= 1.10x)")
                beside, beside_cpu, idle_cpu = paired["--jobs 2 beside"]
                print(
                    f"    Dask vs --jobs 2 run in turn with it (cluster alive for both, --jobs 2 {beside:.1f} s, CPU "
                    f"{beside_cpu:.1f} s + the idle cluster's {idle_cpu:.1f} s): "
                    f"{rows['Dask, 2 workers'][0] / beside:.2f}x the time (goal <= 1.10x)"
                )
                quiet = paired["Dask, profiler off"]
                print(
                    f"    Dask with its workers' profiler off (docs/batch.md), in the same turns: {quiet[0]:.1f} s, "
                    f"CPU {quiet[1]:.1f} s + the cluster's {quiet[2]:.1f} s = {quiet[0] / beside:.2f}x the time of "
                    f"--jobs 2 (the default cluster's {rows['Dask, 2 workers'][0] / beside:.2f}x above)"
                )
            print("  warm: steady state, first to last result")
            for label, rate in warm.items():
                print(f"    {label:18s} {rate:6.1f} sessions/min")
            print(f"    speed-up 2 vs 1 worker: {warm['--jobs 2'] / warm['--jobs 1']:.2f}x")
        print(f"  {load()}")


def warm_up_workers(address: str) -> None:
    """Let the cluster's workers import the analysis before the timed runs, as a lab's long-running cluster
    has after its first batch: otherwise the first timed run alone pays it, and the median of two runs
    (``--repeats 2``) took it in while that of three did not."""
    from distributed import Client

    from retrogait.batch.runner import _warm_up

    with Client(address) as client:
        client.run(_warm_up)


def worker_profiler(address: str, *, on: bool) -> None:
    """Start or stop the statistical profiler of every worker of the cluster at ``address`` (Dask samples each
    task thread's stack every 10 ms for its dashboard, ``distributed.worker.profile``): as workers started with
    ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` run, without a second cluster alive beside."""
    from distributed import Client

    def switch(dask_worker: Any = None) -> None:
        for name in ("profile", "profile-cycle"):
            callback = dask_worker.periodic_callbacks.get(name)
            if callback is not None and on:
                callback.start()
            elif callback is not None:
                callback.stop()

    with Client(address) as client:
        client.run(switch)


def _dask_cluster(**options: Any) -> Any:
    """A local Dask cluster of 2 worker processes, 1 thread and one BLAS thread each (started warm); ``options``
    go to ``LocalCluster`` (``preload``: modules its workers import as they start)."""
    from distributed import LocalCluster

    one_thread = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    return LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, env=one_thread, dashboard_address=":0", **options
    )


if __name__ == "__main__":
    main()
