"""scripts/bench_batch.py: a Dask run's CPU counts the cluster's processes beside the client's (BATCH-44)."""

from __future__ import annotations

import subprocess
import sys

from script_module import load_script

#: Burns CPU seconds (its own process time, not the clock), says so, then waits until its stdin closes.
_BURN = (
    "import sys, time\n"
    "t = time.process_time()\n"
    "while time.process_time() - t < float(sys.argv[1]):\n"
    "    pass\n"
    "print('burnt', flush=True)\n"
    "sys.stdin.read()\n"
)


def test_the_cluster_counter_counts_child_processes_alive_beside() -> None:
    bench = load_script("bench_batch")
    before = bench.cluster_cpu_s()
    child = subprocess.Popen(
        [sys.executable, "-c", _BURN, "0.35"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "burnt"
        spent = bench.cluster_cpu_s() - before  # the child is alive: a worker of a cluster beside
    finally:
        child.communicate("")
    assert spent >= 0.3  # burnt 0.35 s: read in clock ticks, a float sum of 0.3 s can be 0.2999...


def test_cold_reports_what_the_cluster_counter_grew_by_during_each_run() -> None:
    bench = load_script("bench_batch")
    readings = iter([0.0, 2.0, 2.0, 3.0, 3.0, 7.0])  # before and after each of three runs: 2, 1 and 4 s
    command = [sys.executable, "-c", "pass"]
    rows = bench.cold({"a": command}, 3, cluster_cpu=lambda: next(readings))
    wall, cpu, spent = rows["a"]
    assert spent == 2.0  # the median of 2, 1, 4
    assert wall > 0 and cpu >= 0  # (the CPU of `python -c pass` may round to 0 clock ticks)
    (_, _, none) = bench.cold({"a": command}, 1)["a"]
    assert none == 0.0
