"""Where the test suite's time goes: pytest's ``--durations=0`` report grouped by test file and by test (SUITE-1).

Usage:
    nice -n 19 .venv/bin/python -m pytest -n logical --dist worksteal -q -p no:cacheprovider --durations=0 > suite.txt
    python scripts/suite_durations.py suite.txt [--files 40] [--tests 20]

With pytest-xdist (``-n``, the README's command since SUITE-11) the report lists every worker's tests: their sum is
the time of all workers together, above the closing line's wall.

Prints the summed setup / call / teardown seconds of each test file (the module-scoped fixtures are in the setup of
a file's first test that uses them), the slowest tests (setup + call + teardown) and the run's closing line. The
numbers move with the machine's load: compare two reports only from runs made one after the other, and say the load.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

#: One line of pytest's durations report: "12.34s call     tests/test_x.py::test_y[param]".
LINE = re.compile(r"^\s*(\d+(?:\.\d+)?)s (setup|call|teardown)\s+(\S.*?)\s*$")
#: pytest's closing line: "3497 passed, 13 xfailed in 1016.22s (0:16:56)".
CLOSING = re.compile(r"^=*\s*(\d+ passed.* in [\d.]+s.*?)\s*=*$")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path, help="pytest's output with --durations=0")
    parser.add_argument("--files", type=int, default=40, help="files to list (default 40)")
    parser.add_argument("--tests", type=int, default=20, help="tests to list (default 20)")
    args = parser.parse_args()

    by_file: Counter[str] = Counter()
    by_phase: Counter[tuple[str, str]] = Counter()
    by_test: Counter[str] = Counter()
    closing = None
    for line in args.report.read_text(encoding="utf-8", errors="replace").splitlines():
        found = LINE.match(line)
        if found:
            seconds, phase, node = float(found[1]), found[2], found[3]
            file = node.split("::")[0]
            by_file[file] += seconds
            by_phase[(file, phase)] += seconds
            by_test[node] += seconds
        elif said := CLOSING.match(line):
            closing = said[1]
    if not by_test:
        raise SystemExit(f"{args.report}: no durations found (run pytest with --durations=0)")

    print(f"{sum(by_file.values()):.1f} s in the {len(by_test)} tests listed (pytest hides those under 5 ms)")
    print(f"closing line: {closing or 'not found'}")
    print(f"\nslowest {args.files} files: total, setup, call, teardown (s)")
    for file, seconds in by_file.most_common(args.files):
        phases = "".join(f" {by_phase[(file, p)]:7.1f}" for p in ("setup", "call", "teardown"))
        print(f"{seconds:7.1f}{phases}  {file}")
    print(f"\nslowest {args.tests} tests (setup + call + teardown, s)")
    for node, seconds in by_test.most_common(args.tests):
        print(f"{seconds:7.2f}  {node}")


if __name__ == "__main__":
    main()
