"""The phone hour's small stages: the flat-signal check and each sample's periodicity window, two trees alternated.

Usage: python scripts/bench_phone_cuts.py BASE_SRC FILE [FILE ...] [--runs 2]

For each input (what ``retrogait analyze`` is given) a process per tree reads it (``load_input``), runs
``preprocess`` once (catching the grid ``_refuse_nothing_to_analyse`` is handed) and ``phone_steps`` once (its
periodicity's window centres), then times, each the least main-thread CPU (``time.thread_time``) of 5 calls, in ms:
the flat-signal check on that grid (PERF-145) and each sample's window as the tree's ``phone_steps`` takes it
(``sample_windows`` where the tree has it, PERF-147, else ``nearest_window`` of every sample's time). The trees run
in turn, ``--runs`` times (this tree first), with the load. An input ``analyze`` refuses is a ``refused`` row.
"""

from __future__ import annotations

from pathlib import Path

from benchproc import load, tree_bench_args, tree_rows

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import sys, time, warnings
import numpy as np
from retrogait.analysis import periodicity, preprocess
from retrogait.analysis.load import load_input
from retrogait.analysis.phone_steps import phone_steps
from retrogait.errors import RetrogaitError

def cpu_ms(call):  # one call's main-thread CPU (ms)
    start = time.thread_time()
    call()
    return (time.thread_time() - start) * 1e3

least = lambda call: min(cpu_ms(call) for _ in range(5))

check = preprocess._refuse_nothing_to_analyse
ways = getattr(periodicity, "sample_windows", None)
for path in sys.argv[1:]:
    caught = []
    preprocess._refuse_nothing_to_analyse = lambda *a: caught.append(a) or check(*a)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            signals = preprocess.preprocess(load_input(path))
            centres = phone_steps(signals).periodicity.centre_s
    except RetrogaitError as error:
        print(f"{path}\\t-\\t-\\t0\\t{type(error).__name__}", flush=True)
        continue
    finally:
        preprocess._refuse_nothing_to_analyse = check
    acc, gap = caught[0][0], caught[0][1]
    n, fs = signals.t_s.size, signals.fs_hz
    check_ms = least(lambda: check(acc, gap, path, []))
    if ways is not None:
        window_ms = least(lambda: ways(centres, n, fs))
    else:
        window_ms = least(lambda: periodicity.nearest_window(centres, np.arange(n) / fs))
    print(f"{path}\\t{check_ms:.1f}\\t{window_ms:.1f}\\t{n}\\t{centres.size}", flush=True)
"""


def _rows(src: str, files: list[str]) -> list[list[str]]:
    """The child's tab-separated rows with the tree ``src`` first on PYTHONPATH."""
    return tree_rows(src, _CHILD, files)


def main() -> None:
    args = tree_bench_args(__doc__.split("\n\n")[0])
    trees = {"this": str(ROOT / "src"), "base": args.base_src}
    table = [f"{load()}"]
    table.append(f"{'input':40} {'tree':5} {'flat ms':>8} {'windows ms':>10} {'samples':>9} {'windows':>8}")
    for name, src in [item for _ in range(args.runs) for item in trees.items()]:
        table += [
            f"{Path(row[0]).name[:40]:40} {name:5} {row[1]:>8} {row[2]:>10} {int(row[3]):9d} {row[4]:>8}"
            for row in _rows(src, args.files)
        ]
        print("\n".join(table), flush=True)
        table = []
    print(load())


if __name__ == "__main__":
    main()
