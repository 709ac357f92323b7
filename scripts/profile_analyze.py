"""Profile: where the CPU of an hour's `retrogait analyze --no-report` goes, stage by stage (PERF-46).

Usage: python scripts/profile_analyze.py [--minutes 60] [--repeats 5] [--data DIR] [--beside]
On ``bench_analyze.py``'s simulated shank: (1) the imports an ``analyze`` process makes, timed in a fresh process
with the cyclic collector off as the command runs them (PERF-18): pandas (the bare read pays it too), then Typer and
the CLI, rich, the readers and the analysis; (2) in this process, the read (the parse, the unit and rate checks), each
stage of the analysis and the writing of the three tables, CPU of this thread (``time.thread_time``) with the parts
that ``analyze`` runs beside made serial (PERF-36/38/40), so each is counted once; medians of ``--repeats`` runs after
one untimed. CPU, not wall: the numbers hold on a shared machine. Stages nest (the read holds its parse and checks).
``--top N``: then the N functions by own time (cProfile's tottime, ms a run) over ``--repeats`` analyses after the
read, the beside parts as above (PERF-151).
``--beside``: the analysis inside ``beside.second_thread`` with a core reported free whatever the load, so every part
``analyze`` runs beside where a core is free is on a thread of its own; a stage's row is then the CPU of the thread
that called it (the main thread's for the chain, the part's own for ``accumulated_change_g`` and the like).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_analyze import simulated_shank
from benchproc import compile_package

#: Timed in a fresh process, each after the ones before it (what it adds), the collector off.
IMPORTS = {
    "pandas": "import pandas",
    "the CLI (a plain command line: no Typer, PERF-88)": "import retrogait.cli.analyze_line, retrogait.cli.analyze",
    "rich": "import rich.console, rich.progress, rich.table",
    "the readers": "import retrogait.analysis.part_plan, retrogait.imports.loading, retrogait.analysis.load",
    "the analysis": "import retrogait.analysis.pipeline",
}
#: Module-level names called by their module: (module, name, shown as).
STAGES = [
    ("retrogait.analysis.load", "load_input", "read"),
    ("retrogait.session", "_read_table", "  parse (this thread)"),  # pandas parses on threads of its own
    ("retrogait.session", "_time_problem", "  rate check"),
    ("retrogait.session", "implausible_units", "  unit check"),
    ("retrogait.analysis.pipeline", "analyze", "analysis"),
    *(
        ("retrogait.analysis.pipeline", name, f"  {name}")
        for name in (
            "preprocess",
            "detect_contacts",
            "gait_contacts",
            "impact_load",
            "direction_cues",
            "facing_per_stretch",
            "segment_bouts",
            "step_directions",
            "sacral_vgrf",
            "step_flags",
            "accumulated_change_g",
            "effort_for_steps",
            "summarize",
            "placement_notes",
            "mounting_changes",
        )
    ),
    ("retrogait.analysis.pipeline", "write_outputs", "writing"),
]


def import_costs() -> dict[str, float]:
    """CPU (ms) of each group of :data:`IMPORTS`, in a fresh process."""
    code = "import gc, time\ngc.disable()\n" + "".join(
        f"c = time.thread_time(); {statement}; print({name!r}, 1000 * (time.thread_time() - c), sep='\\t')\n"
        for name, statement in IMPORTS.items()
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {name: float(ms) for name, ms in (line.split("\t") for line in out.splitlines())}


def timed_stages(times: dict[str, list[float]]) -> None:
    """Wrap each of :data:`STAGES` so that its CPU (ms, this thread) is added to ``times[shown]`` per run."""
    import importlib

    for module_name, name, shown in STAGES:
        module = importlib.import_module(module_name)
        original: Callable[..., Any] = getattr(module, name)

        def wrapped(*args: Any, _f: Callable[..., Any] = original, _k: str = shown, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return _f(*args, **kwargs)
            finally:
                times[_k][-1] += 1000 * (time.thread_time() - start)

        setattr(module, name, functools.wraps(original)(wrapped))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-analyze")
    parser.add_argument(
        "--beside",
        action="store_true",
        help="the parts analyze runs beside on threads of their own, as where a core is free (PERF-143): "
        "this thread's CPU is what they leave it",
    )
    parser.add_argument("--top", type=int, default=0, help="also the N functions by own time under cProfile")
    args = parser.parse_args()
    print(compile_package())
    path = simulated_shank(args.minutes, args.data)
    for name, ms in import_costs().items():
        print(f"import {name:18s} {ms:7.1f} ms")
    import retrogait.analysis.beside as beside
    from retrogait.analysis.blas import single_blas_thread

    if args.beside:  # every part on a thread of its own: a core reported free whatever the load
        beside.runnable_now = lambda: 1
    else:
        beside._threaded = lambda: False  # every part on this thread: counted once, in its stage
    times: dict[str, list[float]] = defaultdict(list)
    timed_stages(times)
    from retrogait.analysis import load, pipeline

    @single_blas_thread()
    def once(out: Path) -> None:
        session = load.load_input(path)
        with beside.second_thread() if args.beside else contextlib.nullcontext():
            result = pipeline.analyze(session)
        pipeline.write_outputs(result, out)

    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.repeats + 1):
            for _module, _name, shown in STAGES:
                times[shown].append(0.0)
            once(Path(tmp))
            if run == 0:
                for shown in times:
                    times[shown].clear()
    print(f"CPU of this thread, median of {args.repeats} runs ({path.name}):")
    for _module, _name, shown in STAGES:
        print(f"{shown:26s} {statistics.median(times[shown]):7.1f} ms")
    if args.top:
        own_time_top(path, args.top, args.repeats, single_blas_thread)


def own_time_top(path: Path, top: int, repeats: int, blas: Callable[[], Any]) -> None:
    """The ``top`` functions by own time (ms a run, cProfile's tottime) over ``repeats`` analyses of ``path``'s
    session after the read (the stages' wrappers are counted in the stages' rows, not here)."""
    import cProfile
    import pstats

    from retrogait.analysis import load, pipeline

    session = load.load_input(path)
    profile = cProfile.Profile()

    @blas()
    def analysed() -> None:
        for _ in range(repeats):
            profile.enable()
            pipeline.analyze(session)
            profile.disable()

    analysed()
    rows = sorted(pstats.Stats(profile).stats.items(), key=lambda item: -item[1][2])  # type: ignore[attr-defined]
    print(f"own time under cProfile, ms a run (mean of {repeats}; profiled, so above the CPU above):")
    for (file, line, name), (_, calls, own, _cum, _callers) in rows[:top]:
        where = file.split("/src/")[-1].split("site-packages/")[-1]
        print(f"{1000 * own / repeats:8.1f} ms {calls // repeats:7d} calls  {where}:{line}({name})")


if __name__ == "__main__":
    main()
