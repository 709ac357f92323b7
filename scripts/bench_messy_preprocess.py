"""What one implausible row costs preprocessing: ``preprocess`` on a messy and a clean recording, two trees alternated.

Usage: python scripts/bench_messy_preprocess.py BASE_SRC FILE [FILE ...] [--runs 2]

For each input (a session file; ``bench_memory.py --messy`` writes the messy twin of its cases, ``*_messy.csv``) a
process per tree reads it (``load_input``) and times ``preprocess.preprocess`` of the session, and the range check
(``_plausible_rows``) on the arguments the preprocessing gave it: each the least main-thread CPU
(``time.thread_time``) of 5 calls after one, in ms, the parts ``analyze`` runs beside computed in line (outside
``analyze`` no part is on a thread). The trees run in turn, ``--runs`` times (this tree first, then BASE_SRC), and
the load is printed. Compare a messy file's row with its clean twin's: the difference is the lone row's cost
(PERF-149, PERF-150).
"""

from __future__ import annotations

from pathlib import Path

from benchproc import load, tree_bench_args, tree_rows

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import sys, time, warnings
import retrogait.imports
from retrogait.analysis import preprocess
from retrogait.analysis.load import load_input

def least(call):
    call()
    best = float("inf")
    for _ in range(5):
        start = time.thread_time()
        call()
        best = min(best, time.thread_time() - start)
    return best * 1e3

rows = preprocess._plausible_rows
for path in sys.argv[1:]:
    session = load_input(path)
    caught = []
    def catching(*args):
        caught.append(args)
        return rows(*args)
    preprocess._plausible_rows = catching
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = least(lambda: preprocess.preprocess(session))
    preprocess._plausible_rows = rows
    t, acc, gyr, acc_range_g, settings, _ = caught[0]
    check = least(lambda: rows(t, acc, gyr, acc_range_g, settings, []))
    print(f"{path}\\t{whole:.1f}\\t{check:.1f}\\t{t.size}", flush=True)
"""


def main() -> None:
    args = tree_bench_args(__doc__.split("\n\n")[0])
    trees = (("this", str(ROOT / "src")), ("base", args.base_src))
    print(load())
    print(f"{'input':40} {'tree':5} {'preprocess ms':>13} {'range check ms':>14} {'rows':>9}")
    for name, src in [tree for _ in range(args.runs) for tree in trees]:
        for path, whole, check, samples in tree_rows(src, _CHILD, args.files):
            print(f"{Path(path).name[:40]:40} {name:5} {whole:>13} {check:>14} {int(samples):9d}")
    print(load())


if __name__ == "__main__":
    main()
