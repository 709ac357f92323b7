"""scripts/bench_batch.py: a Dask run's CPU counts the cluster's processes beside the client's (BATCH-44)."""

from __future__ import annotations

import subprocess
import sys

import pytest

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


def test_the_sessions_are_of_people_below_112_and_all_differ(tmp_path, monkeypatch) -> None:
    """Simulated people from 112 on are the lead's final check: the bench's 200 sessions never run them (BATCH-61)."""
    bench = load_script("bench_batch")
    made: list[tuple[int, tuple[float, ...]]] = []

    def simulate(config):
        made.append((config.seed, tuple(bout.speed_ms for bout in config.bouts)))
        return config

    monkeypatch.setattr(bench, "simulate", simulate)

    def write_simulation(_result, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")

    monkeypatch.setattr(bench, "write_simulation", write_simulation)
    paths = bench.make_sessions(tmp_path, 230, 10.0)
    assert len(paths) == len(set(paths)) == len(made) == 230
    assert max(seed for seed, _ in made) < 112
    assert len(set(made)) == 230  # no two the same recording: a batch would count a copy once
    assert made[:20] == [(i, (3.0, 2.5)) for i in range(20)]  # the 20-session bench's sessions as before


def test_the_timeline_reads_each_process_stamps() -> None:
    """scripts/timeline_batch.py: the head, each worker's sessions, the end's imbalance and the tail (PERF-161)."""
    timeline = load_script("timeline_batch").timeline
    launched = 100.0
    lines = [
        "100.01 0.01 1 batch start",
        "100.02 0.02 1 fork server asked",
        "100.30 0.25 1 first submit",
        "100.05 0.00 2 server start",
        "100.50 0.40 2 server preloaded",
        "100.51 0.40 3 worker start",
        "100.52 0.41 3 worker ready",
        "100.52 0.41 3 session start a.csv",
        "101.00 0.89 3 session end",
        "101.01 0.89 3 session start c.csv",
        "101.40 1.28 3 session end",
        "100.53 0.40 4 worker start",
        "100.53 0.40 4 worker ready",
        "100.54 0.40 4 session start b.csv",
        "101.10 0.96 4 session end",
        "101.00 0.30 1 result",
        "101.10 0.31 1 result",
        "101.40 0.32 1 result",
        "101.42 0.33 1 tables close",
        "101.45 0.35 1 tables closed",
        "101.46 0.36 1 thread main 0.30",
        "101.47 0.36 1 batch exit",
    ]
    numbers = timeline(lines, launched, 101.5)
    assert numbers["server preloaded"] - numbers["server start"] == pytest.approx(0.45)
    assert numbers["server preload CPU"] == pytest.approx(0.40)
    assert numbers["first result"] == pytest.approx(1.0) and numbers["last result"] == pytest.approx(1.4)
    assert numbers["w0 sessions"] == 2 and numbers["w1 sessions"] == 1
    assert numbers["w0 busy"] == pytest.approx(0.87) and numbers["w0 idle between"] == pytest.approx(0.01)
    assert numbers["w0 CPU"] == pytest.approx(0.87) and numbers["w1 first session"] == pytest.approx(0.54)
    assert numbers["end imbalance"] == pytest.approx(0.30)
    assert numbers["process end"] == pytest.approx(1.5) and numbers["batch thread main CPU"] == pytest.approx(0.30)
