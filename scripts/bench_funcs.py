"""In-process main-thread CPU (ms) of named functions over analyses of one recording (REVIEW-282).

Usage: python scripts/bench_funcs.py REPS [--free] [--file CSV] MODULE:FUNCTION ...
Loads the recording once (default: ``bench_analyze.py``'s simulated 1 h shank session), runs ``analyze`` REPS + 1
times and prints the median over the last REPS of the analysis' main-thread CPU and of each named function's, summed
per analysis (inclusive; calls on other threads are not counted). Without ``--free`` no part runs beside (serial);
with it a core is reported free, so every part that may start a thread does. Each function is wrapped where it is
defined and where a module of retrogait imported it by name; the wraps are undone at the end. PERF-173..178 measured
with this script (their ``/tmp/perf61n/funcs.py``).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bench_analyze import simulated_shank

#: Modules imported before the wraps, so that their ``from ... import name`` copies are found and wrapped too.
ANALYSIS_MODULES = ("retrogait.analysis.pipeline", "retrogait.analysis.contacts", "retrogait.analysis.direction")


@contextmanager
def _wrapped(spec: str, spent_s: list[float]) -> Iterator[None]:
    """``MODULE:FUNCTION`` (or ``MODULE:CLASS.METHOD``) wrapped while inside: its main-thread CPU added to
    ``spent_s[-1]``; every retrogait module holding the same function by name gets the wrap too."""
    module_name, _, name = spec.partition(":")
    owner: Any = importlib.import_module(module_name)
    *path, attribute = name.split(".")
    for part in path:
        owner = getattr(owner, part)
    original: Callable[..., Any] = getattr(owner, attribute)

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is not threading.main_thread():
            return original(*args, **kwargs)
        start = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent_s[-1] += time.thread_time() - start

    holders = [owner]
    if not path:
        importers = [m for m in list(sys.modules.values()) if getattr(m, "__name__", "").startswith("retrogait")]
        holders += [m for m in importers if m is not owner and vars(m).get(attribute) is original]
    for holder in holders:
        setattr(holder, attribute, timed)
    try:
        yield
    finally:
        for holder in holders:
            setattr(holder, attribute, original)


def measure(recording: Path, reps: int, names: list[str], free: bool = False) -> tuple[float, dict[str, float]]:
    """(the analysis' median main-thread CPU, each name's median main-thread CPU), ms, over ``reps`` analyses of
    ``recording`` after one untimed."""
    from retrogait.analysis import beside, load, pipeline
    from retrogait.analysis.blas import single_blas_thread

    for module in ANALYSIS_MODULES:
        importlib.import_module(module)
    session = load.load_input(recording)
    spent: dict[str, list[float]] = {name: [] for name in names}
    total: list[float] = []
    with ExitStack() as stack:
        if free:
            stack.enter_context(_patched(beside, "runnable_now", lambda: 1))
            stack.enter_context(beside.second_thread())
        else:
            stack.enter_context(_patched(beside, "_threaded", lambda: False))
        for name in names:
            stack.enter_context(_wrapped(name, spent[name]))
        with single_blas_thread():
            for _ in range(reps + 1):
                for name in names:
                    spent[name].append(0.0)
                start = time.thread_time()
                pipeline.analyze(session)
                total.append(time.thread_time() - start)
    analysis_ms = 1000.0 * statistics.median(total[1:])
    return analysis_ms, {name: 1000.0 * statistics.median(spent[name][1:]) for name in names}


@contextmanager
def _patched(owner: object, attribute: str, value: object) -> Iterator[None]:
    """``owner.attribute`` set to ``value`` while inside."""
    before = getattr(owner, attribute)
    setattr(owner, attribute, value)
    try:
        yield
    finally:
        setattr(owner, attribute, before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reps", type=int)
    parser.add_argument("names", nargs="*", help="MODULE:FUNCTION")
    parser.add_argument("--free", action="store_true", help="a core reported free: every part beside")
    parser.add_argument("--file", type=Path, default=None, help="the recording (default: the simulated 1 h shank)")
    args = parser.parse_args()
    recording = args.file or simulated_shank(60.0, Path(tempfile.gettempdir()) / "retrogait-bench-analyze")
    analysis_ms, named = measure(recording, args.reps, args.names, args.free)
    print(f"analysis {analysis_ms:.1f} ms")
    for name, ms in named.items():
        print(f"{name:70s} {ms:8.2f}")


if __name__ == "__main__":
    main()
