"""Benchmark: what the checks of ``--out`` cost a batch before it starts (``store.refuse_replacing_foreign``), on an
output folder of many sessions, this tree against another tree's code in alternating pairs.

Usage: python scripts/bench_out_checks.py BASE_SRC [--sessions 10000] [--groups 6] [--pairs 7]

Makes once (in a temporary folder) an output folder as a batch leaves it after N sessions: ``manifest.jsonl`` of N
records, N step files in ``sessions/`` (empty: only their names are read), the tables, a settings file and a cohort
comparison per group. Each pair runs, in a fresh process of each tree (the order alternating), the check 5 times and
prints the median in ms; then the medians of the pairs and the load (BATCH-56).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

#: Run in the timed process: the check of ``OUT`` five times, the median printed in ms.
PROBE = """
import sys, time, statistics
from pathlib import Path
from retrogait.batch.store import refuse_replacing_foreign
out = Path(sys.argv[1])
times = []
for _ in range(5):
    t = time.perf_counter(); refuse_replacing_foreign(out); times.append(time.perf_counter() - t)
print(f"{1000 * statistics.median(times):.2f}")
"""


def make_out(folder: Path, sessions: int, groups: int) -> Path:
    """An output folder as a batch leaves it after ``sessions`` sessions in ``groups`` cohort groups."""
    out = folder / "out"
    (out / "sessions").mkdir(parents=True)
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as fh:
        for i in range(sessions):
            key = hashlib.sha256(str(i).encode()).hexdigest()
            record = {"key": key, "path": f"/data/s{i}.csv", "ok": True, "steps_file": f"out/sessions/{key[:24]}.csv"}
            fh.write(json.dumps(record) + "\n")
            (out / "sessions" / f"{key[:24]}.parquet").touch()
    (out / "sessions.csv").write_text("session,subject\n", encoding="utf-8")
    (out / "errors.csv").write_text("file,reason\n", encoding="utf-8")
    (out / "notes.csv").write_text("session,kind,note\n", encoding="utf-8")
    (out / "steps.parquet").write_bytes(b"PAR1")
    (out / "settings_shank.toml").write_text("# written by retrogait batch: ...\n", encoding="utf-8")
    for g in range(groups):
        group = out / "cohort" / f"shank_sensor{g}"
        group.mkdir(parents=True)
        (group / "report.html").write_text(
            "<!doctype html>\n<html><head><title>Cohort: forward vs backward (x)</title>"
        )
        for name in ("compare.csv", "compare.json", "distributions.png"):
            (group / name).write_bytes(b"x")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_src", type=Path)
    parser.add_argument("--sessions", type=int, default=10000)
    parser.add_argument("--groups", type=int, default=6)
    parser.add_argument("--pairs", type=int, default=7)
    args = parser.parse_args()
    here = Path(__file__).resolve().parents[1] / "src"
    with tempfile.TemporaryDirectory() as tmp:
        out = make_out(Path(tmp), args.sessions, args.groups)
        results: dict[str, list[float]] = {"this": [], "base": []}
        for pair in range(args.pairs):
            order = [("this", here), ("base", args.base_src.resolve())]
            for name, src in order if pair % 2 == 0 else order[::-1]:
                env = {**os.environ, "PYTHONPATH": str(src)}
                done = subprocess.run([sys.executable, "-c", PROBE, str(out)], env=env, capture_output=True, text=True)
                results[name].append(float(done.stdout.strip()))
            print(f"pair {pair + 1}: this {results['this'][-1]:.2f} ms, base {results['base'][-1]:.2f} ms")
        load = os.getloadavg()[0]
        print(
            f"{args.sessions} sessions, {args.groups} groups: median this {statistics.median(results['this']):.2f} ms, "
            f"base {statistics.median(results['base']):.2f} ms (load {load:.2f})"
        )


if __name__ == "__main__":
    main()
