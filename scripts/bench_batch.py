"""Benchmark: batch end to end with 1 and 2 local workers and on a 2-worker Dask cluster, 20 and 200 sessions.

Usage: python scripts/bench_batch.py [--sessions 20 200] [--minutes 10] [--data DIR] [--no-dask]
Simulated 10-minute shank sessions are made once into DIR (default: a folder in the temp dir) and reused.
Per session count it prints, paired in one run:
- cold: ``run_batch`` end to end in a fresh output folder, worker processes started by the batch itself
  (the number a user waits for), with ``--jobs 1``, ``--jobs 2`` and Dask; the speed-up of 2 workers;
- warm: the steady state from the first to the last result (workers already started and imported),
  and for Dask a second run (``force=True``) on the same, already warm cluster.
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
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

from benchproc import load  # noqa: E402
from retrogait.batch import run_batch  # noqa: E402
from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation  # noqa: E402


def make_sessions(folder: Path, n: int, minutes: float) -> list[Path]:
    """``n`` simulated shank sessions (forward and backward running bouts), made once."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    half = 60.0 * minutes / 2
    for i in range(n):
        path = folder / f"athlete{i % 20:02d}" / f"session{i:04d}.csv"
        paths.append(path)
        if path.exists():
            continue
        bouts = [Bout("forward", "running", 3.0, half), Bout("backward", "running", 2.5, half)]
        config = SimulationConfig(placement="shank", bouts=bouts, sample_rate_hz=200.0, seed=i)
        write_simulation(simulate(config), path)
    return paths


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_batch(folder: Path, out: Path, **options: object) -> tuple[float, float, int]:
    """(end-to-end s, steady-state sessions/min, sessions analysed) of one batch without the cohort comparison."""
    done_at: list[float] = []
    start = time.perf_counter()
    stamp: Callable[[object, bool], None] = lambda _o, _s: done_at.append(time.perf_counter() - start)  # noqa: E731
    result = run_batch([folder], out, compare=False, on_done=stamp, **options)  # type: ignore[arg-type]
    assert result.n_failed == 0, result
    steady = 60 * (len(done_at) - 1) / (done_at[-1] - done_at[0]) if len(done_at) > 1 else float("nan")
    return result.elapsed_s, steady, result.n_analysed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[20, 200])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-batch")
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    cluster = None
    if not args.no_dask:
        from distributed import LocalCluster

        one_thread = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, env=one_thread,
                               dashboard_address=":0")  # fmt: skip
    for n in args.sessions:
        t0 = time.perf_counter()
        paths = make_sessions(args.data / f"{n}x{args.minutes:g}min", n, args.minutes)
        folder = paths[0].parent.parent
        print(f"{n} sessions of {args.minutes:g} min ready in {time.perf_counter() - t0:.0f} s; {load()}")
        with tempfile.TemporaryDirectory() as out:
            rows = {}
            for jobs in (1, 2):
                rows[f"--jobs {jobs}"] = timed_batch(folder, Path(out) / f"jobs{jobs}", jobs=jobs)
            if cluster is not None:
                rows["Dask, 2 workers"] = timed_batch(folder, Path(out) / "dask", scheduler=cluster.scheduler_address)
                warm = timed_batch(folder, Path(out) / "dask", scheduler=cluster.scheduler_address, force=True)
                rows["Dask, 2 workers, warm"] = warm
            for label, (seconds, steady, done) in rows.items():
                print(
                    f"  {label:24s} {done} sessions in {seconds:6.1f} s = {60 * done / seconds:6.1f} sessions/min "
                    f"(steady state {steady:6.1f} sessions/min)"
                )
            one, two = rows["--jobs 1"][0], rows["--jobs 2"][0]
            print(f"  speed-up --jobs 2 vs --jobs 1: {one / two:.2f}x end to end (goal >= 1.7x)")
            if cluster is not None:
                print(
                    f"  Dask vs --jobs 2: {rows['Dask, 2 workers'][0] / two:.2f}x the time cold, "
                    f"{rows['Dask, 2 workers, warm'][0] / two:.2f}x warm (goal <= 1.10x)"
                )
        print(f"  parent peak RSS {peak_rss_mb():.0f} MB; {load()}")
    if cluster is not None:
        cluster.close()


if __name__ == "__main__":
    main()
