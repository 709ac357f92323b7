"""Benchmark: read and write 1 h of 200 Hz 6-axis data as a native session file.

Usage: python scripts/bench_session_io.py [--hours 1] [--rate 200]
Prints file size, write and read time (wall and CPU, medians; writes and reads alternate so that both
see the same machine load) and, as the reference measured in the same run, pandas' own ``to_csv``
writer (the writer before issue 16). Goals: read well under 1 s
(issue 2); writing at least as fast as reading and 1 h of 6-axis data in <= 1.5 s (issue 16).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchproc import load
from retrogait.session import Session, SessionMeta, format_header, read_session, write_session


def make_session(hours: float, rate_hz: float, decimals: int | None) -> Session:
    """A noisy 6-axis session; ``decimals`` rounds values like a real logger (None = full float precision)."""
    rng = np.random.default_rng(0)
    n = int(hours * 3600 * rate_hz)
    t = np.arange(n) / rate_hz
    acc = rng.normal(0.0, 3.0, (n, 3)) + [0.0, 0.0, 9.81]
    gyr = rng.normal(0.0, 100.0, (n, 3))
    if decimals is not None:
        acc, gyr = np.round(acc, decimals), np.round(gyr, decimals)
    return Session(t, acc, gyr, SessionMeta("shank", rate_hz, acc_range_g=16.0, gyr_range_dps=2000.0))


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """(wall s, CPU s of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one run of the pandas reference instead of two")
    args = parser.parse_args()
    print(f"before: {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, decimals in (("4 decimals (simulator/logger)", 4), ("full float precision", None)):
            session = make_session(args.hours, args.rate, decimals)
            path = Path(tmp) / "bench.csv"
            writes, reads = [], []
            for _ in range(args.repeats):  # write and read in turn: both see the same machine load
                writes.append(timed(lambda: write_session(session, path)))  # noqa: B023
                reads.append(timed(lambda: read_session(path)))  # noqa: B023
            assert np.array_equal(read_session(path).acc, session.acc)
            pandas_writes = []
            for _ in range(1 if args.quick else 2):
                pandas_writes.append(timed(lambda: write_with_pandas(session, Path(tmp) / "pandas.csv")))  # noqa: B023
            assert (Path(tmp) / "pandas.csv").read_bytes() == path.read_bytes()  # the same text, byte for byte
            size_mb = path.stat().st_size / 1e6
            write_s, read_s = (statistics.median(w for w, _ in runs) for runs in (writes, reads))
            write_cpu, read_cpu = (statistics.median(c for _, c in runs) for runs in (writes, reads))
            ratio = statistics.median(w[0] / r[0] for w, r in zip(writes, reads, strict=True))
            pandas_s = min(w for w, _ in pandas_writes)
            print(
                f"{label:30s} {session.n_samples:>9d} rows {size_mb:6.1f} MB, median of {args.repeats}:\n"
                f"    write {write_s:5.2f} s (CPU {write_cpu:5.2f} s)   read {read_s:5.2f} s (CPU {read_cpu:5.2f} s)"
                f"   write/read {ratio:4.2f}x (paired)   pandas to_csv {pandas_s:5.2f} s = {pandas_s / write_s:4.1f}x "
                "slower"
            )
    print(f"after: {load()}")


def write_with_pandas(session: Session, path: Path) -> None:
    """The writer before issue 16: pandas' ``to_csv`` (the reference; it formats each float in Python)."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(format_header(session.meta))
        session.to_frame().to_csv(fh, index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
