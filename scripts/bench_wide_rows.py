"""Cost of ``limits.drop_wide_rows`` (the row screen before every table is parsed, EDGE-255) on tables' bytes.

Usage: python scripts/bench_wide_rows.py FILE [FILE ...] [--repeat N]

For each file (a header line, then rows; its separator the first of ``,`` ``;`` tab in the header) prints the least,
over N runs, of the main thread's CPU time of ``drop_wide_rows`` with the line index given (as ``read_table`` has it
for the generic and GENEActiv readers) and without (the other readers), and the rows it drops. Run it with either
tree's ``src`` first on ``PYTHONPATH`` and alternate the trees: the machine is shared.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from retrogait.imports.limits import drop_wide_rows, line_bounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    for path in args.files:
        data = path.read_bytes()
        header = data[: data.find(b"\n")].decode("latin-1")
        sep = next((s for s in (",", ";", "\t") if s in header), ",")
        width = header.count(sep) + 1
        lines = line_bounds(data)
        best, best_given, dropped = float("inf"), float("inf"), 0
        for _ in range(args.repeat):
            start = time.thread_time()
            dropped = drop_wide_rows(data, sep, width, 1).dropped_rows
            best = min(best, time.thread_time() - start)
            start = time.thread_time()
            drop_wide_rows(data, sep, width, 1, lines=lines)
            best_given = min(best_given, time.thread_time() - start)
        print(
            f"{path} ({len(data) / 1e6:.1f} MB, {width} fields): {1e3 * best:.1f} ms, with the line index given "
            f"{1e3 * best_given:.1f} ms; {dropped} rows dropped"
        )


if __name__ == "__main__":
    main()
