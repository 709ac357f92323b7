"""Peak memory of rebuilding a zip cut short (EDGE-182): the process's peak resident memory (ru_maxrss) while
``cutzip.rebuilt`` reads a cut zip, each run in a fresh process, paired against a base ``src`` and alternated.

    python scripts/bench_cutzip.py [--mb 120] [--stored] [--runs 3] [--base /tmp/base41/src]

Writes a zip of one CSV member of ``--mb`` MB (deflated, or ``--stored`` with a data descriptor as a stream writer
writes it) into a temporary folder, cuts it at 90 %, and prints for each side the median peak (MB) over ``--runs``
runs and the file's size. Memory is counted, not timed: the numbers do not depend on the machine's load.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

_CHILD = """
import resource, sys
from pathlib import Path
from retrogait.imports import cutzip
with cutzip.rebuilt(Path(sys.argv[1])) as (target, cut):
    size = target.stat().st_size
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, size)
"""


class _Unseekable(io.RawIOBase):
    def __init__(self, fh: io.BufferedWriter) -> None:
        self.fh = fh

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        return self.fh.write(data)


def _cut_zip(folder: Path, mb: int, stored: bool) -> Path:
    whole = folder / "whole.zip"
    rng = np.random.default_rng(1)  # numbers that pack as a sensor's do (about 2.3x), not as a repeated line's
    values = rng.normal(0.0, 3.0, (1 << 16, 3))
    block = "".join(f"{k * 0.01:.2f},{x:.6f},{y:.6f},{z:.6f}\n" for k, (x, y, z) in enumerate(values)).encode()
    with open(whole, "wb") as fh:
        out = _Unseekable(fh) if stored else fh
        method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(out, "w", method) as archive, archive.open("acc.csv", "w", force_zip64=True) as member:
            member.write(b"t,x,y,z\n")
            for _ in range(mb * (1 << 20) // len(block)):
                member.write(block)
    cut = folder / "cut.zip"
    data = whole.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.9)])
    whole.unlink()
    return cut


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=120, help="the member's size unpacked (MB)")
    parser.add_argument("--stored", action="store_true", help="stored with a data descriptor (else deflated)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--base", default="/tmp/base41/src", help="the base's src folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cut = _cut_zip(Path(tmp), args.mb, args.stored)
        peaks: dict[str, list[float]] = {"base": [], "this": []}
        for _ in range(args.runs):
            for side in ("base", "this"):
                env = dict(os.environ)
                if side == "base":
                    env["PYTHONPATH"] = args.base
                out = subprocess.run([sys.executable, "-c", _CHILD, str(cut)], env=env, capture_output=True, text=True)
                if out.returncode:
                    print(f"{side}: {out.stderr.strip().splitlines()[-1]}")
                    continue
                peaks[side].append(float(out.stdout.split()[0]))
        kind = "stored, descriptor" if args.stored else "deflated"
        print(f"cut zip {cut.stat().st_size / 1e6:.1f} MB ({kind}, {args.mb} MB unpacked, cut at 90 %)")
        for side, values in peaks.items():
            if values:
                print(f"{side}: peak RSS median {statistics.median(values):.0f} MB over {len(values)} runs {values}")


if __name__ == "__main__":
    main()
