"""Benchmark: `retrogait analyze` of 1 h of this tree against another tree's code, in alternating pairs.

Usage: python scripts/bench_analyze_pairs.py BASE_SRC [--pairs 6] [--minutes 60] [--no-report-only] [--when-idle F]
                                              [--placement shank] [--data DIR]
BASE_SRC is the ``src`` folder of the code to compare with (e.g. ``git archive COMMIT src | tar -x -C DIR``,
then DIR/src); it is put first on ``PYTHONPATH`` for its runs. Each pair runs the bare ``pandas.read_csv``
process of ``bench_analyze.py`` (the issue's reference), then the base and this tree's ``retrogait analyze``
with and without the report, the two trees' order alternating from pair to pair, and prints every run's
wall, user and system seconds with the load; then the medians, the median of the per-pair ratios this /
base, and each tree's ratio to the bare read of its pair. On a shared machine the pairs, not single runs,
say whether a change helped. ``--when-idle F`` starts each pair only once a fraction F of the machine's CPU
time was idle over 0.2 s (waiting up to a minute): a change that uses a second core can only show on a
machine where one is free at times, which a machine kept busy by other work hides.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_analyze import simulated_shank
from benchproc import RETROGAIT, _once, compile_package, python


def idle_share(seconds: float = 0.2) -> float:
    """The share of the machine's CPU time that was idle over the next ``seconds`` (Linux ``/proc/stat``;
    1.0 elsewhere)."""
    stat = Path("/proc/stat")
    if not stat.exists():
        return 1.0

    def counters() -> tuple[int, int]:
        values = [int(v) for v in stat.read_text().split("\n", 1)[0].split()[1:]]
        return values[3] + values[4], sum(values)

    idle0, total0 = counters()
    time.sleep(seconds)
    idle1, total1 = counters()
    return (idle1 - idle0) / max(total1 - total0, 1)


def wait_for_idle(share: float, limit_s: float = 60.0) -> float:
    """Wait until :func:`idle_share` reaches ``share`` (at most ``limit_s``); returns the seconds waited."""
    start = time.perf_counter()
    while share > 0 and time.perf_counter() - start < limit_s and idle_share() < share:
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_src", type=Path)
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--placement", default="shank", help="the simulated session's placement (shank, foot)")
    parser.add_argument("--no-report-only", action="store_true", help="time only `--no-report`")
    parser.add_argument("--when-idle", type=float, default=0.0, help="idle share to wait for before each pair")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-analyze")
    args = parser.parse_args()
    print(compile_package())
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(args.base_src)], check=True)
    path = simulated_shank(args.minutes, args.data, args.placement)
    trees = {"base": str(args.base_src.resolve()), "this": ""}
    variants: dict[str, list[str]] = {"--no-report": ["--no-report"]}
    if not args.no_report_only:
        variants = {"report": [], **variants}
    runs: dict[tuple[str, str], list[tuple[float, ...]]] = {}
    bare_runs: list[tuple[float, ...]] = []
    with tempfile.TemporaryDirectory() as out:
        for i in range(args.pairs):
            waited = wait_for_idle(args.when_idle)
            if args.when_idle:
                print(f"pair {i}: {waited:.1f} s waited for an idle share of {args.when_idle:g}", flush=True)
            bare = _once(python(f"import pandas; pandas.read_csv({str(path)!r}, comment='#')"), None)
            bare_runs.append(bare)
            print(f"pair {i} bare read: {bare[0]:5.2f} s, user {bare[2]:.2f} s, sys {bare[3]:.2f} s", flush=True)
            order = list(trees.items()) if i % 2 == 0 else list(trees.items())[::-1]
            for variant, extra in variants.items():
                for name, src in order:
                    command = [RETROGAIT, "analyze", str(path), "--out", f"{out}/{name}", *extra]
                    sample = _once(command, {"PYTHONPATH": src} if src else None)
                    runs.setdefault((name, variant), []).append(sample)
                    print(
                        f"pair {i} {name:4s} {variant:11s}: {sample[0]:5.2f} s, user {sample[2]:.2f} s, "
                        f"sys {sample[3]:.2f} s = {sample[0] / bare[0]:.2f}x the bare read, "
                        f"load {os.getloadavg()[0]:.2f}",
                        flush=True,
                    )
    median = statistics.median
    bare_wall = [b[0] for b in bare_runs]
    print(f"bare read: wall median {median(bare_wall):.2f} s, user {median(b[2] for b in bare_runs):.2f} s")
    for variant in variants:
        for name in trees:
            samples = runs[name, variant]
            ratios = [s[0] / b for s, b in zip(samples, bare_wall, strict=True)]
            print(
                f"{name:4s} {variant:11s}: wall median {median(s[0] for s in samples):.2f} s, "
                f"user {median(s[2] for s in samples):.2f} s, sys {median(s[3] for s in samples):.2f} s, "
                f"{median(ratios):.2f}x the bare read of its pair (median)"
            )
        pair = [t[0] / b[0] for t, b in zip(runs["this", variant], runs["base", variant], strict=True)]
        cpu = [(t[2] + t[3]) / (b[2] + b[3]) for t, b in zip(runs["this", variant], runs["base", variant], strict=True)]
        print(f"this / base {variant:11s}: wall {median(pair):.3f}, CPU {median(cpu):.3f} (medians of pair ratios)")


if __name__ == "__main__":
    main()
