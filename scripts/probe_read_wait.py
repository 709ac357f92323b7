"""Probe: what `analyze`'s main thread waits for while the hour's table is parsed (PERF-141).

Usage: python scripts/probe_read_wait.py [--repeats 7] [--minutes 60] [--data DIR]
In one process (pandas imported once), parses ``bench_analyze.py``'s simulated hour three ways, in turn, and prints
for each the medians of the wall, this (main) thread's CPU (``time.thread_time``) and the other threads' CPU
(``time.process_time`` less it): the issue's bare read (``pandas.read_csv(path, comment='#')``), the table as
``session._read_table`` parses it (pandas' worker count: ``mode.max_threads`` unset), and the same with
``mode.max_threads = 1``. Also: whether pandas' chunked read takes the call (``_can_parallelize_csv``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import pandas as pd
from pandas.io.parsers import readers

from bench_analyze import probe_hour
from retrogait.session import _read_head, _read_table


def _timed(read: Callable[[], object]) -> tuple[float, float, float]:
    """(wall, this thread's CPU, other threads' CPU) of one call, s."""
    wall, main, process = time.perf_counter(), time.thread_time(), time.process_time()
    read()
    main = time.thread_time() - main
    return time.perf_counter() - wall, main, time.process_time() - process - main


def main() -> None:
    args, path = probe_hour(__doc__ or "", 7)
    _, skip, columns = _read_head(path)

    def table() -> object:
        return _read_table(path, columns, skip_lines=skip, first_data_line=skip + 2, nrows=None, spaced=False)

    def one_thread() -> object:
        with pd.option_context("mode.max_threads", 1):
            return table()

    ways = {"bare read (comment='#')": lambda: pd.read_csv(path, comment="#"), "session table": table}
    ways["session table, 1 thread"] = one_thread
    options = {"encoding": "utf-8-sig", "skiprows": skip, "skip_blank_lines": False}
    print(f"pandas {pd.__version__}; workers by default: {readers._default_n_workers()}")
    print(f"chunked read takes the bare read: {readers._can_parallelize_csv(str(path), {'comment': '#'})}")
    print(f"chunked read takes the session table: {readers._can_parallelize_csv(str(path), options)}")
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in ways}
    for _ in range(args.repeats + 1):  # the first round untimed
        for name, read in ways.items():
            times[name].append(_timed(read))
    print(f"medians of {args.repeats} after 1, ms: wall, this thread's CPU, other threads' CPU")
    for name, runs in times.items():
        cols = [statistics.median(r[i] for r in runs[1:]) for i in range(3)]
        print(f"  {name:28s}" + "".join(f" {1000 * c:7.1f}" for c in cols))


if __name__ == "__main__":
    main()
