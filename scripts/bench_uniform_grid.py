"""The grid of a recording: ``preprocess._uniform_grid`` and ``_clock_slots``' main-thread CPU, two trees alternated.

Usage: python scripts/bench_uniform_grid.py BASE_SRC FILE [FILE ...] [--runs 2]

For each input (what ``retrogait analyze`` is given: an export's folder or file) a process per tree reads it
(``load_input``) and runs the analysis once, catching the arguments ``_uniform_grid`` is called with; then times
``_uniform_grid`` (``_clock_slots`` inside it) and ``_clock_slots`` alone on them, each the least main-thread CPU
(``time.thread_time``) of 5 calls, in ms. The trees run in turn, ``--runs`` times (this tree first, then BASE_SRC).
Prints per input and tree the two times, how the samples were placed (``slots``, ``stamps``, ...) and how the grid
was filled (``own``: samples on their own slots, PERF-138's ``_onto_own_slots``; ``general``: it handed the recording
back; ``holes``: samples on their own slots but for a few empty ones, PERF-149's ``onto_slots_with_holes``; ``-``:
the interpolation, or a tree without it), with the load. An input ``analyze`` refuses is a ``refused``
row with the error's type (REVIEW-214).
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
from retrogait.analysis.pipeline import analyze
from retrogait.errors import RetrogaitError

def least(call):
    best = float("inf")
    for _ in range(5):
        start = time.thread_time()
        out = call()
        best = min(best, time.thread_time() - start)
    return best * 1e3, out

grid = preprocess._uniform_grid
own = getattr(preprocess, "_onto_own_slots", None)  # PERF-138's fast path: not in a tree before it
holes = getattr(preprocess, "onto_slots_with_holes", None)  # PERF-149's: not in a tree before it
for path in sys.argv[1:]:
    caught = []
    def catching(*args, **kw):
        caught.append((args, kw))
        return grid(*args, **kw)
    preprocess._uniform_grid = catching
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            analyze(load_input(path))
    except RetrogaitError as error:  # refused: a row of its own, the other inputs still timed
        print(f"{path}\\t-\\t-\\trefused\\t0\\t{type(error).__name__}", flush=True)
        continue
    finally:
        preprocess._uniform_grid = grid
    for args, kw in caught[:1]:
        taken = []
        if own is not None:
            preprocess._onto_own_slots = lambda *a, **k: taken.append(own(*a, **k)) or taken[-1]
        if holes is not None:
            preprocess.onto_slots_with_holes = lambda *a, **k: taken.append(2 * holes(*a, **k)) or bool(taken[-1])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                grid_ms, out = least(lambda: grid(*args, **kw))
                slots_ms, _ = least(lambda: preprocess._clock_slots(args[0], args[4]))
        finally:
            if own is not None:
                preprocess._onto_own_slots = own
            if holes is not None:
                preprocess.onto_slots_with_holes = holes
        path_taken = "-" if not taken else "holes" if taken[-1] == 2 else "own" if taken[-1] else "general"
        print(f"{path}\\t{grid_ms:.1f}\\t{slots_ms:.1f}\\t{out[-1]}\\t{args[0].size}\\t{path_taken}", flush=True)
"""


def run(src: str, files: list[str]) -> list[list[str]]:
    """The rows of ``files`` timed in a process importing the tree ``src``."""
    return tree_rows(src, _CHILD, files)


def main() -> None:
    args = tree_bench_args(__doc__.split("\n\n")[0])
    print(load())
    print(f"{'input':40} {'tree':5} {'grid ms':>8} {'slots ms':>8} {'placed':>7} {'samples':>9} {'grid by':>7}")
    for _ in range(args.runs):
        for name, src in (("this", str(ROOT / "src")), ("base", args.base_src)):
            for path, grid_ms, slots_ms, placed, samples, by in run(src, args.files):
                label = Path(path).name[:40]
                print(f"{label:40} {name:5} {grid_ms:>8} {slots_ms:>8} {placed:>7} {int(samples):9d} {by:>7}")
    print(load())


if __name__ == "__main__":
    main()
