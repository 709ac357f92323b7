"""Fuzz the importers for longer than CI does (issue 12's harness; tests/test_imports_fuzz.py runs a
bounded slice of it): mutate exports of every format (the test writers' exports, plus the real
files under ../shared/data/formats when present, and phyphox's Excel export as .xlsx and .xls), import
each through detection and through a forced reader, and count what happened; ``--only xls`` mutates only
the seeds whose name holds ``xls``.

Every case must end as ``accepted`` (a valid session that survives write -> read) or ``refused``
(one RetrogaitError line); anything else (an exception, a warning turned into an error) is ``uncaught`` and is
printed with its reproducer.
Printed: cases, accepted, refused, uncaught, the slowest case, and the peak memory of the process
(resident set; the largest rise one case caused is named).

    python scripts/fuzz_import.py [--cases 3000] [--seed 1] [--max-seconds 0] [--only NAME]
    python scripts/fuzz_import.py --hostile     # issue 12 item 14's inputs, each in a fresh process

``--hostile`` builds the four inputs issue 12 item 14 measured (a 50,000-field row in a 20,000-row
table, 40,000 duplicate header names, a 0.9 MB phyphox zip that unpacks to 400 MB, a 2.2 MB one-line
JSON given to the table reader) and prints, for each, the outcome, the seconds and the peak resident
memory of a process that only imports it.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import import_samples as samples  # noqa: E402
from import_mutations import check_import, mutate, random_op  # noqa: E402
from retrogait.imports import ImportOptions, get_format, load_recording  # noqa: E402

SHARED = Path(os.environ.get("RETROGAIT_SHARED_DATA") or ROOT.parent / "shared" / "data")
#: Real exports small enough to mutate many times (bytes).
MAX_REAL_BYTES = 3_000_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seeds(root: Path) -> dict[str, Path]:
    """Name -> export to mutate: every writer of the tests, and small real files."""
    out = {name: writer(root / name) for name, writer in {**samples.WRITERS, **samples.GENERIC_WRITERS}.items()}
    for suffix in ("xlsx", "xls"):  # phyphox's Excel export (IMPORT-15), its source tables kept apart
        out[f"phyphox_{suffix}"] = samples.phyphox_workbook(
            root / f"phyphox_{suffix}" / f"run.{suffix}", samples.phyphox_folder(root / f"phyphox_{suffix}_src")
        )
    for platform in ("android", "ios"):  # Sensor Logger's JSON and SQLite exports (IMPORT-18)
        source = samples.sensorlogger_folder(root / f"sensorlogger_{platform}_src", platform=platform)
        (root / f"sensorlogger_{platform}_json").mkdir()
        (root / f"sensorlogger_{platform}_sqlite").mkdir()
        out[f"sensorlogger_{platform}_json"] = samples.sensorlogger_json(
            root / f"sensorlogger_{platform}_json" / "run.json", source, "lines" if platform == "ios" else "compact"
        )
        out[f"sensorlogger_{platform}_sqlite"] = samples.sensorlogger_sqlite(
            root / f"sensorlogger_{platform}_sqlite" / "run.sqlite", source, typed=platform == "android"
        )
    # GENEActiv's own .bin (IMPORT-21): besides the writers' one, a page missing (a gap) and gzip-compressed
    out["geneactiv_bin_gap"] = samples.geneactiv_bin(root / "geneactiv_bin_gap" / "rec.bin", 100.0, 4, (1,))
    packed = root / "geneactiv_bin_gz" / "rec.bin.gz"
    packed.write_bytes(gzip.compress(samples.geneactiv_bin(root / "geneactiv_bin_gz" / "rec.bin").read_bytes()))
    (root / "geneactiv_bin_gz" / "rec.bin").unlink()
    out["geneactiv_bin_gz"] = packed
    formats = SHARED / "formats"
    if formats.is_dir():
        for path in sorted(formats.rglob("*")):
            if path.is_file() and path.suffix in (".csv", ".txt", ".json") and path.stat().st_size < MAX_REAL_BYTES:
                copy = root / "real" / path.relative_to(formats)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, copy)
                out[f"real:{path.relative_to(formats)}"] = copy
    return out


def one_case(original: Path, op: tuple, rng: random.Random, tmp: str) -> list[tuple[str, float, str]]:  # type: ignore[type-arg]
    """(outcome, seconds, what) of detection and of a forced reader for ``original`` mutated by ``op``."""
    folder = original if original.is_dir() else original.parent
    copy = Path(tmp) / "case"
    shutil.copytree(folder, copy)
    path = copy if original.is_dir() else copy / original.name
    files = sorted(p for p in copy.rglob("*") if p.is_file() and p.stat().st_size > 0)
    victim = path if path.is_file() and rng.random() < 0.7 else rng.choice(files)
    data, suffix = mutate(victim.read_bytes(), op)
    victim.write_bytes(data)
    if suffix:
        renamed = victim.rename(victim.with_name(victim.name + suffix))
        path = renamed if victim == path else path
    target = path
    forced = rng.choice(["generic_csv", "generic_csv", *(f.name for f in samples_formats())])
    rate = rng.choice([None, 100.0])
    runs = [
        ("detected", lambda: load_recording(target)),
        (f"--format {forced} --rate {rate}", lambda: get_format(forced).read(target, ImportOptions(rate_hz=rate))),
    ]
    out = []
    for how, run in runs:
        start = time.perf_counter()
        outcome = check_import(run)
        out.append((outcome, time.perf_counter() - start, f"{victim.name} mutated, {how}"))
    return out


def samples_formats() -> list:  # type: ignore[type-arg]
    from retrogait.imports import FORMATS

    return list(FORMATS)


def hostile_inputs(folder: Path) -> dict[str, tuple[Path, dict[str, object]]]:
    """Issue 12 item 14's inputs: name -> (path, keyword arguments of load_recording)."""
    import json
    import zipfile

    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(20000) / 100.0
    rows = [f"{a!r},0.1,0.2,9.8\n" for a in t.tolist()]
    rows.insert(10000, ",".join(["1.5"] * 50000) + "\n")
    wide = folder / "wide_row.csv"
    wide.write_text("t,x,y,z\n" + "".join(rows))
    dups = folder / "duplicate_names.csv"
    dups.write_text(",".join(["t"] + ["x"] * 40000) + "\n" + "\n".join(",".join(["1"] * 40001) for _ in range(20)))
    bomb = folder / "phyphox_bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("meta/device.csv", '"property","value"\n"deviceModel","x"\n')
        with zf.open("Accelerometer.csv", "w") as fh:
            fh.write(b'"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"\n')
            block = b"0.000000000E0,0.000000000E0,0.000000000E0,9.810000000E0\n" * 20000
            for _ in range(400 * 1024 * 1024 // len(block)):
                fh.write(block)
    packets = [{"Timestamp": i, "ArrayAcc": [{"x": 0.1, "y": 0.2, "z": 9.8}] * 8} for i in range(7500)]
    one_line = folder / "one_line.json"
    one_line.write_text(json.dumps({"Meas": {"IMU6": packets}}))
    by_position = {"time_column": "0", "acc_columns": ["1", "2", "3"]}  # the mapping the reproducers used
    return {
        "50,000-field row in 20,000 rows": (wide, {"time_column": "t", "acc_columns": ["x", "y", "z"]}),
        "40,000 duplicate header names": (dups, by_position),
        "phyphox zip unpacking to 400 MB": (bomb, {}),
        "one-line JSON to the table reader": (one_line, by_position),
    }


#: A hostile input still being read after this long is stopped and reported as such (s).
HOSTILE_TIMEOUT_S = 600.0

_CHILD = """
import json, resource, sys, time
from retrogait.errors import RetrogaitError
from retrogait.imports import GenericCsvOptions, load_recording
path, mapping = sys.argv[1], json.loads(sys.argv[2])
mapping = {k: tuple(v) if isinstance(v, list) else v for k, v in mapping.items()}
generic = GenericCsvOptions(**mapping) if mapping else None
start = time.perf_counter()
try:
    load_recording(path, generic=generic)
    outcome = "read"
except RetrogaitError as exc:
    outcome = "refused: " + str(exc).split(": ", 1)[-1][:90]
print(f"{time.perf_counter() - start:.2f}|{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}|{outcome}")
"""


def run_hostile() -> None:
    import json
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        for name, (path, mapping) in hostile_inputs(Path(tmp)).items():
            size = path.stat().st_size / 1e6
            try:
                done = subprocess.run(
                    [sys.executable, "-c", _CHILD, str(path), json.dumps(mapping)],
                    capture_output=True,
                    text=True,
                    timeout=HOSTILE_TIMEOUT_S,
                )
                line = done.stdout.strip() or f"-|-|crashed: {done.stderr.strip()[-160:]}"
            except subprocess.TimeoutExpired:
                line = f"> {HOSTILE_TIMEOUT_S:.0f}|-|still reading, stopped"
            seconds, peak, outcome = line.split("|", 2)
            print(f"{name} ({size:.2f} MB): {seconds} s, peak {peak} MB, {outcome}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000, help="mutated files to import")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=0.0, help="stop after this long (0: no limit)")
    parser.add_argument("--hostile", action="store_true", help="issue 12 item 14's inputs, cost of each")
    parser.add_argument("--only", default="", help="mutate only the seed exports whose name contains this")
    args = parser.parse_args()
    if args.hostile:
        run_hostile()
        return
    rng = random.Random(args.seed)
    counts: Counter[str] = Counter()
    uncaught: list[str] = []
    slowest = (0.0, "")
    per_kind: Counter[str] = Counter()
    rise = (0.0, "")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as root:
        corpus = seeds(Path(root) / "seeds")
        names = sorted(n for n in corpus if args.only in n)
        baseline = peak_mb()
        for case in range(args.cases):
            if args.max_seconds and time.perf_counter() - started > args.max_seconds:
                break
            name = rng.choice(names)
            op = random_op(rng)
            before = peak_mb()
            start = time.perf_counter()
            label = f"{name} {str(op)[:80]}"
            with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
                warnings.simplefilter("error")  # a warning printed to the user is a bug, as in the tests (EDGE-133)
                try:
                    for outcome, seconds, what in one_case(corpus[name], op, rng, tmp):
                        counts[outcome] += 1
                        slowest = max(slowest, (seconds, f"case {case}: {label}: {what}"))
                except Exception as exc:  # the harness's point: count and show, never stop
                    counts["uncaught"] += 1
                    detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
                    uncaught.append(f"case {case}: {name} {str(op)[:120]}: {detail}")
            per_kind[op[0]] += time.perf_counter() - start
            rise = max(rise, (peak_mb() - before, label))
            counts["cases"] += 1
    total = time.perf_counter() - started
    imports = counts["accepted"] + counts["refused"] + counts["uncaught"]
    print(f"seed {args.seed}: {counts['cases']} mutated files, {imports} imports in {total:.0f} s")
    print(f"accepted {counts['accepted']}, refused {counts['refused']}, uncaught {counts['uncaught']}")
    print(f"slowest import {slowest[0]:.2f} s: {slowest[1]}")
    print(f"peak memory {peak_mb():.0f} MB (start {baseline:.0f} MB); largest rise {rise[0]:.0f} MB: {rise[1]}")
    print("seconds by mutation: " + ", ".join(f"{k} {v:.1f}" for k, v in per_kind.most_common()))
    for line in uncaught[:20]:
        print("UNCAUGHT", line)
    sys.exit(1 if uncaught else 0)


if __name__ == "__main__":
    main()
