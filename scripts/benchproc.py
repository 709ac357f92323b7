"""Helpers for the whole-process benchmarks: run a command, time it from outside, read its peak memory.

Imported by ``scripts/bench_*.py`` (run them from the repository root: ``python scripts/bench_x.py``).
Every number is a median of a few runs and is printed next to a reference measured in the same run,
because the development machine is shared and absolute seconds drift with its load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: The ``retrogait`` console script of this interpreter's environment (the one users run).
RETROGAIT = str(Path(sys.executable).with_name("retrogait"))


@dataclass(frozen=True)
class Run:
    """Median wall time (s) and the largest peak resident memory (MiB) of a few runs of one command, with
    the medians of its user and system CPU time (s) and of its minor page faults (the first touches of fresh
    memory pages: on a virtual machine that zeroes pages for the host they are much of the system time)."""

    seconds: float
    peak_mib: float
    runs: tuple[float, ...]
    user_s: float = 0.0
    sys_s: float = 0.0
    minor_faults: float = 0.0

    def ratio(self, reference: Run) -> float:
        return self.seconds / reference.seconds

    def cpu(self) -> str:
        """``user U s, sys S s, F k faults``: the process's CPU and page faults, to print beside its time."""
        return f"user {self.user_s:.2f} s, sys {self.sys_s:.2f} s, {self.minor_faults / 1000:.0f}k faults"


#: Runs the command from a small launcher process and reports its wall time, peak RSS, user and system
#: CPU time and minor page faults (``os.wait4``'s resource usage of that child alone) on the last stderr
#: line. Without it a child forked from a benchmark that already holds hundreds of MB reports that
#: size as its own peak (Linux carries the pre-exec high-water mark into ``ru_maxrss``).
_LAUNCH = (
    "import os, sys, time, subprocess; t = time.perf_counter(); p = subprocess.Popen(sys.argv[1:], "
    "stdout=subprocess.DEVNULL); _, st, ru = os.wait4(p.pid, 0); "
    "print(f'\\nRUN {time.perf_counter() - t} {ru.ru_maxrss} {ru.ru_utime} {ru.ru_stime} {ru.ru_minflt} '"
    "f'{os.waitstatus_to_exitcode(st)}', file=sys.stderr)"
)


def run(command: Sequence[str], repeats: int = 3, env: dict[str, str] | None = None) -> Run:
    """Run ``command`` ``repeats`` times (output discarded); fail loudly when it fails."""
    return run_in_turn({"": command}, repeats, env)[""]


def run_in_turn(
    commands: dict[str, Sequence[str]], repeats: int = 3, env: dict[str, str] | None = None
) -> dict[str, Run]:
    """Run the commands in turn (A B C A B C ...) ``repeats`` times, so that each sees the same machine
    load as the others and their ratios hold on a busy machine; fail loudly when one fails."""
    samples: dict[str, list[tuple[float, ...]]] = {label: [] for label in commands}
    for _ in range(repeats):
        for label, command in commands.items():
            samples[label].append(_once(command, env))
    return {label: _summary(samples[label]) for label in commands}


def _summary(samples: list[tuple[float, ...]]) -> Run:
    seconds, peak_mib, user_s, sys_s, faults = zip(*samples, strict=True)
    median = statistics.median
    return Run(median(seconds), max(peak_mib), seconds, median(user_s), median(sys_s), median(faults))


def _once(command: Sequence[str], env: dict[str, str] | None) -> tuple[float, ...]:
    """Wall time (s), peak RSS (MiB), user and system CPU (s) and minor faults of one run of ``command``."""
    proc = subprocess.run(
        [sys.executable, "-c", _LAUNCH, *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        check=False,
        text=True,
    )
    _, seconds, maxrss_kb, user_s, sys_s, faults, code = proc.stderr.strip().splitlines()[-1].split()
    if int(code) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {proc.stderr.strip()}")
    return float(seconds), int(maxrss_kb) / 1024, float(user_s), float(sys_s), float(faults)


def python(code: str) -> list[str]:
    """A command running ``code`` in this interpreter."""
    return [sys.executable, "-c", code]


def compile_package() -> str:
    """Write retrogait's bytecode caches (``__pycache__``) now, as an install or a first run does, so that a
    timed command does not compile the package from source on every run where ``PYTHONDONTWRITEBYTECODE``
    is set (this development machine sets it); returns the line to print."""
    import compileall

    import retrogait

    package = Path(retrogait.__file__).parent
    ok = compileall.compile_dir(package, quiet=2)
    return f"bytecode of {package} {'compiled' if ok else 'NOT all compiled'} (as after an install or a first run)"


def load() -> str:
    """The machine's load averages (1, 5, 15 min) and core count, to print with every result."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def tree_rows(src: str, code: str, files: Sequence[str]) -> list[list[str]]:
    """The tab-separated lines ``code`` prints when run with ``files`` as its arguments in a process importing the
    tree whose ``src`` folder is ``src`` (first on ``PYTHONPATH``)."""
    env = {**os.environ, "PYTHONPATH": src}
    done = subprocess.run([sys.executable, "-c", code, *files], env=env, capture_output=True, text=True, check=True)
    return [line.split("\t") for line in done.stdout.splitlines()]


def tree_bench_args(description: str) -> argparse.Namespace:
    """The command line of a bench that runs this tree and another in turn: ``BASE_SRC FILE [FILE ...] [--runs N]``
    (``base_src``, ``files``, ``runs``; 2 runs unless told)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("base_src")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--runs", type=int, default=2)
    return parser.parse_args()
