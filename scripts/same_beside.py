"""Check: does the analysis give the same bits with every part beside on a thread as with none (PERF-143)?

Usage: python scripts/same_beside.py [FILE ...] [--runs 3] [--minutes 60] [--data DIR]
In one process, analyses each input (default: ``bench_analyze.py``'s simulated hour) with the parts ``analyze`` runs
beside computed on the caller's thread, then ``--runs`` times inside ``beside.second_thread`` with a core reported
free whatever the load (every part on a thread of its own, its timing left to the machine), and compares the steps,
the bouts and the summary with the serial run's: equal, NaN equal to NaN. Run it quiet and again under load (a busy
loop in another process) to see that the threads' timing does not reach the results. An input the analysis refuses
is a line saying so. Prints one line per input and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

from bench_analyze import simulated_shank
from retrogait.analysis import beside, load, pipeline
from retrogait.analysis.blas import single_blas_thread
from retrogait.errors import RetrogaitError


def _tables(path: Path, threaded: bool) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The steps, the bouts and the summary (repr, the analysis version left out) of one analysis of ``path``."""
    session = load.load_input(path)
    with single_blas_thread():
        if threaded:
            with beside.second_thread():
                result = pipeline.analyze(session)
        else:
            result = pipeline.analyze(session)
    summary = {k: v for k, v in result.summary.items() if k != "analysis_version"}
    return result.steps, result.bouts, repr(summary)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-analyze")
    args = parser.parse_args()
    files = args.files or [simulated_shank(args.minutes, args.data)]
    threaded_at = beside._threaded
    free = beside.runnable_now
    differ = False
    for path in files:
        beside._threaded = lambda: False
        try:
            steps, bouts, summary = _tables(path, threaded=False)
        except RetrogaitError as exc:
            print(f"{path.name}: refused ({exc})")
            continue
        beside._threaded = threaded_at
        beside.runnable_now = lambda: 1
        same = True
        for _ in range(args.runs):
            t_steps, t_bouts, t_summary = _tables(path, threaded=True)
            same &= steps.equals(t_steps) and bouts.equals(t_bouts) and summary == t_summary
        beside.runnable_now = free
        differ |= not same
        print(f"{path.name}: {'same' if same else 'DIFFERENT'} ({len(steps)} steps, serial and {args.runs} threaded)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
