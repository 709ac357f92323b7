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

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import sys, time, warnings
import numpy as np
from retrogait.analysis import periodicity, preprocess
from retrogait.analysis.load import load_input
from retrogait.analysis.phone_steps import phone_steps
from retrogait.errors import RetrogaitError

def least(call):
    best = float("inf")
    for _ in range(5):
        start = time.thread_time()
        call()
        best = min(best, time.thread_time() - start)
    return best * 1e3

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


def run(src: str, files: list[str]) -> list[list[str]]:
    env = {**os.environ, "PYTHONPATH": src}
    done = subprocess.run([sys.executable, "-c", _CHILD, *files], env=env, capture_output=True, text=True, check=True)
    return [line.split("\t") for line in done.stdout.splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_src")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'input':40} {'tree':5} {'flat ms':>8} {'windows ms':>10} {'samples':>9} {'windows':>8}")
    for _ in range(args.runs):
        for name, src in (("this", str(ROOT / "src")), ("base", args.base_src)):
            for path, check_ms, window_ms, samples, windows in run(src, args.files):
                label = Path(path).name[:40]
                print(f"{label:40} {name:5} {check_ms:>8} {window_ms:>10} {int(samples):9d} {windows:>8}")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
