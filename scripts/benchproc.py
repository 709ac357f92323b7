"""Helpers for the whole-process benchmarks: run a command, time it from outside, read its peak memory.

Imported by ``scripts/bench_*.py`` (run them from the repository root: ``python scripts/bench_x.py``).
Every number is a median of a few runs and is printed next to a reference measured in the same run,
because the development machine is shared and absolute seconds drift with its load.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: The ``retrogait`` console script of this interpreter's environment (the one users run).
RETROGAIT = str(Path(sys.executable).with_name("retrogait"))


@dataclass(frozen=True)
class Run:
    """Median wall time (s) and the largest peak resident memory (MiB) of a few runs of one command."""

    seconds: float
    peak_mib: float
    runs: tuple[float, ...]

    def ratio(self, reference: Run) -> float:
        return self.seconds / reference.seconds


def run(command: Sequence[str], repeats: int = 3, env: dict[str, str] | None = None) -> Run:
    """Run ``command`` ``repeats`` times (output discarded); fail loudly when it fails."""
    times, peaks = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}
        )
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        err = proc.stderr.read().decode() if proc.stderr else ""
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(command)} failed: {err.strip()}")
        peaks.append(usage.ru_maxrss / 1024)
    return Run(statistics.median(times), max(peaks), tuple(times))


def python(code: str) -> list[str]:
    """A command running ``code`` in this interpreter."""
    return [sys.executable, "-c", code]


def load() -> str:
    """The machine's load averages (1, 5, 15 min) and core count, to print with every result."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"
