"""Messy variants of two real exports (the phyphox lucadomene folder, Sensor Logger iOS), each through `retrogait info`
and `analyze`: the rows read and dropped, the import's notes, the analysis' status, steps and notes of gaps and drops.

Usage: python scripts/probe_messy_exports.py [--retrogait CMD] [--shared DIR] [--out DIR]

Variants: a clock reset mid-file (both sensors, the accelerometer only, Sensor Logger's ``seconds_elapsed``), 100 rows
written again in the middle, the first 200 rows again at the end, a sensor switched off mid-file (its rows end, or its
cells empty from there), a units row under the header, the header repeated mid-file, the whole recording appended
(EDGE-258, EDGE-259). ``--retrogait``: the command to run (another tree: a script setting ``PYTHONPATH`` first).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

Edit = Callable[[list[str]], list[str]] | None
_ARGS = argparse.ArgumentParser(description=__doc__.splitlines()[0])
_ARGS.add_argument("--retrogait", default=shutil.which("retrogait") or "retrogait")
_ARGS.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
_ARGS.add_argument("--out", type=Path, default=None)
ARGS = _ARGS.parse_args()
OUT = ARGS.out or Path(tempfile.mkdtemp(prefix="messy_exports_"))
SRC = ARGS.shared / "formats"
RG = ARGS.retrogait


def phyphox(name: str, edit_acc: Edit = None, edit_gyr: Edit = None) -> Path:
    d = OUT / f"ph_{name}"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    for f, edit in [("Accelerometer.csv", edit_acc), ("Gyroscope.csv", edit_gyr)]:
        lines = (SRC / "phyphox_lucadomene_gaitlab" / f).read_text().splitlines()
        if edit:
            lines = edit(lines)
        (d / f).write_text("\n".join(lines) + "\n")
    return d


def sl(name: str, edit_acc: Edit = None, edit_gyr: Edit = None) -> Path:
    d = OUT / f"sl_{name}"
    if d.exists():
        shutil.rmtree(d)
    shutil.copytree(SRC / "sensorlogger_ios_BennyJHui", d)
    for f, edit in [("Accelerometer.csv", edit_acc), ("Gyroscope.csv", edit_gyr)]:
        if edit:
            lines = (d / f).read_text().splitlines()
            (d / f).write_text("\n".join(edit(lines)) + "\n")
    return d


def clock_reset(lines: list[str]) -> list[str]:  # the time starts again from 0 at the middle row
    head, rows = lines[0], lines[1:]
    m = len(rows) // 2
    t0 = float(rows[m].split(",")[0])
    out = rows[:m] + [",".join([f"{float(r.split(',')[0]) - t0:.9E}"] + r.split(",")[1:]) for r in rows[m:]]
    return [head] + out


def dup_rows(lines: list[str]) -> list[str]:
    return lines[:500] + lines[400:500] + lines[500:]


def dup_block_end(lines: list[str]) -> list[str]:
    return lines + lines[1:201]


def off_mid(lines: list[str]) -> list[str]:  # the sensor stops at the middle: rows end
    return lines[: len(lines) // 2]


def off_mid_empty(lines: list[str]) -> list[str]:  # the sensor's cells empty from the middle on (time goes on)
    h = len(lines) // 2
    return lines[:h] + [r.split(",")[0] + ",,," for r in lines[h:]]


def units_in_cells(lines: list[str]) -> list[str]:
    return [lines[0], ",".join(["s", "m/s^2", "m/s^2", "m/s^2"])] + lines[1:]


def header_mid(lines: list[str]) -> list[str]:
    h = len(lines) // 2
    return lines[:h] + [lines[0]] + lines[h:]


def header_mid_restart(lines: list[str]) -> list[str]:  # a second recording appended with its own header, clock from 0
    return lines + lines


def sl_units_cells(lines: list[str]) -> list[str]:
    n = len(lines[0].split(","))
    return [lines[0], ",".join(["unit"] * n)] + lines[1:]


def sl_header_mid(lines: list[str]) -> list[str]:
    h = len(lines) // 2
    return lines[:h] + [lines[0]] + lines[h:]


def sl_clock_reset(lines: list[str]) -> list[str]:
    head = lines[0].split(",")
    ti = head.index("seconds_elapsed") if "seconds_elapsed" in head else None
    h = len(lines) // 2
    out = lines[:h]
    base = float(lines[h].split(",")[ti])
    for r in lines[h:]:
        c = r.split(",")
        c[ti] = repr(float(c[ti]) - base)
        out.append(",".join(c))
    return out


cases = [
    phyphox("clock_reset", clock_reset, clock_reset),
    phyphox("clock_reset_acc_only", clock_reset),
    phyphox("dup_rows", dup_rows, dup_rows),
    phyphox("dup_block_end", dup_block_end),
    phyphox("gyro_off_mid", None, off_mid),
    phyphox("acc_off_mid", off_mid, None),
    phyphox("gyro_empty_mid", None, off_mid_empty),
    phyphox("units_in_cells", units_in_cells, units_in_cells),
    phyphox("header_mid", header_mid, header_mid),
    phyphox("appended", header_mid_restart, header_mid_restart),
    sl("units_cells", sl_units_cells, sl_units_cells),
    sl("header_mid", sl_header_mid, sl_header_mid),
    sl("clock_reset", sl_clock_reset, sl_clock_reset),
    sl("dup_rows", dup_rows, None),
    sl("gyro_off_mid", None, off_mid),
]
for d in cases:
    info = subprocess.run([RG, "info", str(d)], capture_output=True, text=True, env={**os.environ, "COLUMNS": "250"})
    out = OUT / "out" / d.name
    if out.exists():
        shutil.rmtree(out)
    an = subprocess.run([RG, "analyze", str(d), "--out", str(out), "--no-report"], capture_output=True, text=True)
    tb = "Traceback" in info.stderr + an.stderr
    first = (info.stdout.splitlines() or [""])[0][:150]
    extra = [
        x.strip()[:200] for x in info.stdout.splitlines()[1:] if "dropped" in x or "import note" in x or "cut" in x
    ]
    print(f"== {d.name}: info rc {info.returncode} analyze rc {an.returncode}{' TRACEBACK' if tb else ''}")
    print("   ", first)
    for line in extra:
        print("    ", line)
    if an.returncode:
        print("    analyze:", an.stderr.strip().splitlines()[-1][:300] if an.stderr.strip() else "")
    else:
        s = json.loads((out / "summary.json").read_text())
        n = [x[:160] for x in s.get("notes", [])]
        print("    steps", s.get("n_steps", s.get("steps")), "| notes:", len(n))
        for x in n:
            if any(w in x for w in ("dropped", "gap", "clock", "joined", "repeated", "duplicate", "header")):
                print("      -", x)
