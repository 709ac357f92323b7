"""Check: does ``load_input`` of this tree give the same Session as another tree's code, on the real exports?

Usage: python scripts/same_session.py BASE_SRC [FILE_OR_FOLDER ...] [--shared DIR]
BASE_SRC is the ``src`` folder of the code to compare with (put first on ``PYTHONPATH`` for its process). Without
files it takes every file and folder of ``../shared/data/formats`` and ``../shared/data/phone_positions`` (and the
files inside each export folder one by one). Each tree reads all of them in its own process; the Sessions must
match bit for bit (``t_s``, ``acc``, ``gyr``, every extra column, with NaN where NaN), their headers (``meta``,
notes included) and source equal, and an input both refuse refused with the same message (one a tree fails on with
another exception, a bug, is ``crashed`` with its type and message, compared the same way). Prints one line per
input and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

_DUMP = """
import pickle, sys, warnings
from dataclasses import asdict
from retrogait.analysis.load import load_input
from retrogait.errors import RetrogaitError
out = {}
for path in sys.argv[2:]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = load_input(path)
    except RetrogaitError as exc:
        out[path] = ("refused", str(exc))
        continue
    except Exception as exc:  # a tree's bug is a result too: the other inputs are still compared (REVIEW-210)
        out[path] = ("crashed", f"{type(exc).__name__}: {exc}")
        continue
    out[path] = ("read", s.t_s, s.acc, s.gyr, dict(s.extra), asdict(s.meta), s.source)
with open(sys.argv[1], "wb") as fh:
    pickle.dump(out, fh)
"""


def sessions(src: str, paths: list[str]) -> dict[str, tuple[object, ...]]:
    """What ``load_input`` of the tree ``src`` ('' = this one) gives for each path."""
    env = {**os.environ, "PYTHONPATH": src} if src else dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "sessions.pickle"
        subprocess.run([sys.executable, "-c", _DUMP, str(dump), *paths], env=env, check=True)
        with open(dump, "rb") as fh:
            found: dict[str, tuple[object, ...]] = pickle.load(fh)
    return found


def _same_array(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    x, y = np.asarray(a), np.asarray(b)
    if x.dtype != y.dtype or x.shape != y.shape:
        return False
    if x.dtype.kind == "f":
        return x.tobytes() == y.tobytes()  # bit for bit: -0.0 and NaN payloads too
    return bool(np.array_equal(x, y))


def differences(base: tuple[object, ...], this: tuple[object, ...]) -> list[str]:
    """What differs between two trees' results for one input."""
    if base[0] != this[0]:
        return [f"{base[0]} vs {this[0]}"]
    if base[0] in ("refused", "crashed"):
        return [] if base == this else [f"{base[0]} differently"]
    found = [name for name, i in (("t_s", 1), ("acc", 2), ("gyr", 3)) if not _same_array(base[i], this[i])]
    extra_a, extra_b = base[4], this[4]
    assert isinstance(extra_a, dict) and isinstance(extra_b, dict)
    if extra_a.keys() != extra_b.keys() or any(not _same_array(extra_a[k], extra_b[k]) for k in extra_a):
        found.append("extra")
    if base[5] != this[5]:
        found.append("meta")
    if base[6] != this[6]:
        found.append("source")
    return found


def shared_inputs(shared: Path) -> list[str]:
    """Every export folder and file of ``shared/formats`` and every phone_positions trace."""
    found: list[Path] = []
    for folder in sorted((shared / "formats").iterdir()):
        if folder.is_dir():
            found.append(folder)
            found += sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() != ".md")
    found += sorted((shared / "phone_positions").glob("*.csv.gz"))
    return [str(p) for p in found]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_src")
    parser.add_argument("inputs", nargs="*")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    paths = args.inputs or shared_inputs(args.shared)
    base, this = sessions(args.base_src, paths), sessions("", paths)
    failed = 0
    for path in paths:
        found = differences(base[path], this[path])
        failed += bool(found)
        status = "DIFFERENT " + ", ".join(found) if found else "same"
        print(f"{status:30} {this[path][0]:8} {path}")
    print(f"{len(paths) - failed} of {len(paths)} inputs the same")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
