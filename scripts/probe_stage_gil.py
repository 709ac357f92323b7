"""Probe: how much of each analysis stage's CPU could share the machine's two cores with another part (PERF-142).

Usage: python scripts/probe_stage_gil.py [--repeats 5] [--minutes 60] [--data DIR]
Records every listed stage's arguments during one ``pipeline.analyze`` of ``bench_analyze.py``'s simulated hour
(the parts ``analyze`` runs beside made serial, each in its stage), then for each stage, ``--repeats`` times after
one untimed: the stage alone on this thread (its CPU), and two copies of it started together on two threads. Per
copy it reads the thread's wall, CPU (``time.thread_time``) and time queued for a core (``/proc/thread-self/
schedstat``); the rest of its wall it was blocked, waiting for the GIL the other copy held (or for memory the
kernel zeroes). ``blocked / CPU`` is then about the share of the stage's work that holds the GIL: two parts that
hold it that much cannot overlap more than ``1 - share``. The pair's wall against twice the stage's CPU is the
overlap as measured (1 = two stages in the time of one; under load, minus the queueing). The analysis' cached masks
are filled by the recorded run, so a stage repeats only its own work. Two control rows: a Python loop (holds the
GIL) and ``np.sort`` of 2^22 floats (lets it go). Medians; the load is printed: run it quiet.
Linux only.
"""

from __future__ import annotations

import importlib
import os
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

from bench_analyze import probe_hour

#: (module, function): the stages whose arguments are recorded and replayed.
STAGES = [
    ("retrogait.analysis.pipeline", "preprocess"),
    ("retrogait.analysis.pipeline", "detect_contacts"),
    ("retrogait.analysis.pipeline", "accumulated_change_g"),
    ("retrogait.analysis.pipeline", "shank_rotation_cues"),
    ("retrogait.analysis.pipeline", "direction_cues"),
    ("retrogait.analysis.direction", "stride_vectors"),
    ("retrogait.analysis.pipeline", "summarize"),
]


def _queued_s() -> float:
    """This thread's time waiting for a core so far (s)."""
    with open(f"/proc/self/task/{threading.get_native_id()}/schedstat", encoding="ascii") as fh:
        return int(fh.read().split()[1]) / 1e9


def _one(call: Callable[[], Any], out: list[tuple[float, float, float]], start: threading.Barrier | None) -> None:
    if start is not None:
        start.wait()
    wall, cpu, queued = time.perf_counter(), time.thread_time(), _queued_s()
    call()
    out.append((time.perf_counter() - wall, time.thread_time() - cpu, _queued_s() - queued))


def _pair(call: Callable[[], Any]) -> tuple[float, list[tuple[float, float, float]]]:
    """Two copies of ``call`` started together: the pair's wall and each copy's (wall, CPU, queued), s."""
    out: list[tuple[float, float, float]] = []
    start = threading.Barrier(3)
    threads = [threading.Thread(target=_one, args=(call, out, start)) for _ in range(2)]
    for thread in threads:
        thread.start()
    start.wait()
    wall = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - wall, out


def _controls() -> dict[str, Callable[[], Any]]:
    """Two rows that show the probe reads the GIL: a Python loop holds it throughout, a sort of 2^22 floats lets
    it go (numpy sorts without it)."""
    import numpy as np

    values = np.random.default_rng(0).random(1 << 22)

    def python_loop() -> int:
        total = 0
        for i in range(2_000_000):
            total += i
        return total

    return {"(control) Python loop": python_loop, "(control) np.sort": lambda: np.sort(values)}


def main() -> None:
    args, path = probe_hour(__doc__ or "", 5)
    import retrogait.analysis.beside as beside
    from retrogait.analysis import load, pipeline
    from retrogait.analysis.blas import single_blas_thread

    beside._threaded = lambda: False  # every part in its stage, on the stage's thread
    calls: dict[str, Callable[[], Any]] = {}
    for module_name, name in STAGES:
        module = importlib.import_module(module_name)
        original = getattr(module, name)

        def recorded(*a: Any, _f: Callable[..., Any] = original, _k: str = name, **k: Any) -> Any:
            calls.setdefault(_k, lambda: _f(*a, **k))
            return _f(*a, **k)

        setattr(module, name, recorded)
    with single_blas_thread():
        pipeline.analyze(load.load_input(path))
        calls.update(_controls())
        print(f"load {os.getloadavg()[0]:.2f}; medians of {args.repeats} after 1, ms")
        print(
            f"{'stage':22s} {'alone CPU':>9s} {'pair wall':>9s} {'copy CPU':>9s} {'queued':>7s} {'blocked':>7s}"
            f" {'GIL share':>9s} {'overlap':>7s}"
        )
        for name, call in calls.items():
            alone, walls, copies = [], [], []
            for run in range(args.repeats + 1):
                single: list[tuple[float, float, float]] = []
                _one(call, single, None)
                wall, out = _pair(call)
                if run:
                    alone.append(single[0][1])
                    walls.append(wall)
                    copies += out
            cpu = statistics.median(c[1] for c in copies)
            queued = statistics.median(c[2] for c in copies)
            blocked = statistics.median(c[0] - c[1] - c[2] for c in copies)
            single_cpu, pair_wall = statistics.median(alone), statistics.median(walls)
            overlap = 2 * single_cpu / pair_wall - 1
            print(
                f"{name:22s} {1000 * single_cpu:9.1f} {1000 * pair_wall:9.1f} {1000 * cpu:9.1f} {1000 * queued:7.1f}"
                f" {1000 * blocked:7.1f} {blocked / cpu:9.2f} {overlap:7.2f}"
            )


if __name__ == "__main__":
    main()
