"""The phone step analysis' stages, in-process: main-thread CPU of each, two trees alternated (PERF-153/154).

Usage: python scripts/bench_phone_stages.py BASE_SRC FILE [FILE ...] [--runs 2]

For each input (what ``retrogait analyze`` is given) a process per tree reads it (``load_input``), runs
``preprocess`` once and ``phone_steps`` three times with these functions wrapped: ``phone_steps._periodicity`` (both
windows), the stretches' steps (``_stretch_steps`` where the tree has it, PERF-153, else ``_segment_steps`` of every
stretch, as dd3875e3 called it) and ``periodicity.row_median`` (PERF-154; apart, its calls on rows of an even
length of up to 256, the rows PERF-154 sorts); each their summed main-thread CPU
(``time.thread_time``) within one ``phone_steps`` call, the least of the three, in ms. The trees run in turn,
``--runs`` times (this tree first), with the load. The numbers of PERF-153/154 were taken by a session-local script
doing the same (REVIEW-246). An input ``analyze`` refuses is a ``refused`` row.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchproc import load, tree_bench_args

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import functools, sys, time, warnings
from retrogait.analysis import periodicity, preprocess, phone_steps as ps
from retrogait.analysis.load import load_input
from retrogait.errors import RetrogaitError

spent = {}

def even(x):  # rows PERF-154 sorts: an even length of up to 256 values
    return x.shape[-1] % 2 == 0 and x.shape[-1] <= 256

def wrap(module, name, key, also=None):
    call = getattr(module, name, None)
    if call is None:
        return False
    @functools.wraps(call)
    def timed(*args, **kwargs):
        start = time.thread_time()
        try:
            return call(*args, **kwargs)
        finally:
            took = time.thread_time() - start
            spent[key] = spent.get(key, 0.0) + took
            if also is not None and also(*args):
                spent[key + " even"] = spent.get(key + " even", 0.0) + took
    setattr(module, name, timed)
    return True

wrap(ps, "_periodicity", "periodicity")
if not wrap(ps, "_stretch_steps", "stretches"):
    wrap(ps, "_segment_steps", "stretches")
wrap(periodicity, "row_median", "row_median", even)
for path in sys.argv[1:]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            signals = preprocess.preprocess(load_input(path))
            best = {}
            for _ in range(3):
                spent.clear()
                start = time.thread_time()
                ps.phone_steps(signals)
                spent["phone_steps"] = time.thread_time() - start
                for key, value in spent.items():
                    best[key] = min(best.get(key, value), value)
    except RetrogaitError as error:
        print(f"{path}\\trefused\\t{type(error).__name__}", flush=True)
        continue
    keys = ("phone_steps", "periodicity", "row_median", "row_median even", "stretches")
    print("\\t".join([path, *(f"{1e3 * best.get(k, 0.0):.1f}" for k in keys)]), flush=True)
"""


def _rows(src: str, files: list[str]) -> list[list[str]]:
    """The child's tab-separated rows with the tree ``src`` first on PYTHONPATH."""
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, *files], env={**os.environ, "PYTHONPATH": src}, capture_output=True, text=True
    )
    if child.returncode != 0:
        raise SystemExit(f"{src}: exit status {child.returncode}: {child.stderr.strip().splitlines()[-1:]}")
    return [line.split("\t") for line in child.stdout.splitlines()]


def main() -> None:
    args = tree_bench_args(__doc__.split("\n\n")[0])
    trees = {"this": str(ROOT / "src"), "base": args.base_src}
    print(f"{load()}; least main-thread CPU of 3 phone_steps calls, ms")
    print(
        f"{'input':40} {'tree':5} "
        + " ".join(f"{c:>11}" for c in ("phone_steps", "periodicity", "row_median", "even rows", "stretches"))
    )
    for name, src in [item for _ in range(args.runs) for item in trees.items()]:
        for row in _rows(src, args.files):
            cells = row[1:] if len(row) == 6 else [row[1], "", "", "", ""]
            print(f"{Path(row[0]).name[:40]:40} {name:5} " + " ".join(f"{c:>11}" for c in cells), flush=True)
        print(load(), flush=True)


if __name__ == "__main__":
    main()
