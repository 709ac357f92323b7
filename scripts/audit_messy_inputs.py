"""Real recordings damaged the ways real life damages them, and what the product says about each (HONEST-34).

Takes real files (../shared/data: a phyphox export, an Android phone trace from phone_positions, the foot_walking
foot and a lowerback_walking lower back, both with ground truth, written as the generic CSV a user's logger makes,
in m/s^2 and rad/s with the units in the names) and sample_data's session files, and writes into a temporary
folder each damaged as a recording can be: cut mid-line (a crash while recording), a gap of 2 s (BLE lost: the
samples gone) and a pause of 30 s (phone paused: the time jumps on), the clock stepping back or on by 1 s (NTP),
rows or a block written twice, rows out of order, a second recording appended with its own header, CRLF, a UTF-8
BOM, UTF-16, decimal comma with ';', acceleration in mg or g (or a gyroscope in deg/s, or rad/s in a file that
says deg/s) where the header says otherwise, a gravity off by a gain (|g| read 9.3 or 10.4 m/s^2), two axes
swapped or one sign flipped, clipping at +-2 g / +-8 g, one axis stuck at a constant (y from a third on; x from a
tenth on), empty and NaN cells, infinite cells, 10 s only. Each is run through `retrogait analyze` (and `info`,
`convert`), and, per base, all its damaged files together through `retrogait batch`. Prints one row per (file,
damage): the outcome (analysed with the notes and flags the undamaged file does not have; refused with its line;
TRACEBACK = a bug) and, for analysed ones, the
shift of the headline numbers against the undamaged file: contacts, cadence (%), impact median (%), and the
direction shares (forward/backward/sideways/unknown, percentage points). A `?` marks a number moved by more than
10 % (or 10 points) where the run adds no note and no flagged step: a change said nowhere.

    RETROGAIT_SHARED_DATA=/work/shared/data .venv/bin/python scripts/audit_messy_inputs.py [--only BASE,..]
        [--damage NAME,..] [--no-batch] [--long] [--keep DIR]

`--long`: also a 3 h recording (the lower back tiled), analysed under `/usr/bin/time -v` (wall time, peak memory).
About 20 minutes for all six bases on 2 cores shared at load ~12 (each case a fresh `retrogait` process);
`--long` adds about a minute.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(os.environ.get("RETROGAIT_SHARED_DATA", "../shared/data"))
REPO = Path(__file__).resolve().parents[1]
RETROGAIT = str(Path(sys.executable).with_name("retrogait"))
G = 9.80665  # m/s^2 per g


@dataclass
class Base:
    """One undamaged recording as text: header lines, data lines, and where its columns are."""

    name: str
    header: list[str]  # lines above the data (comments and the column names), may be empty
    lines: list[str]  # data lines, without line ends
    time_scale: float  # file time units per second (1 for s, 1e9 for ns)
    acc: tuple[int, int, int]  # acceleration columns
    acc_ms2: float  # file acceleration units per m/s^2 (1: m/s^2)
    gyr: tuple[int, int, int] | None = None
    gyr_unit: str = "rads"  # what the file's gyroscope is in: rads or dps
    args: list[str] = field(default_factory=list)  # analyze/convert options (placement, side)
    sep: str = ","
    filename: str = "recording.csv"

    def values(self) -> np.ndarray:
        return np.array(
            [[float(v) if v not in ("", "NaN") else np.nan for v in ln.split(self.sep)] for ln in self.lines]
        )

    def text(self, lines: list[str] | None = None, eol: str = "\n") -> str:
        return eol.join([*self.header, *(self.lines if lines is None else lines)]) + eol


def _num(v: float, integer: bool) -> str:
    return str(round(v)) if integer else f"{v:.9g}"


def _rewrite(base: Base, values: np.ndarray, cols: list[int], keep: np.ndarray | None = None) -> str:
    """``base``'s text with the columns ``cols`` written from ``values`` (other fields as they were), the rows
    ``keep`` only."""
    integer_time = base.time_scale > 1e3
    out = []
    rows = range(len(base.lines)) if keep is None else np.flatnonzero(keep)
    for i in rows:
        f = base.lines[i].split(base.sep)
        for c in cols:
            f[c] = "" if np.isnan(values[i, c]) else _num(values[i, c], integer_time and c == 0)
        out.append(base.sep.join(f))
    return base.text(out)


# ---------------------------------------------------------------- the bases


def bases(folder: Path) -> list[Base]:
    out: list[Base] = []
    for stem, args in (("shank_forward_backward_forward", []), ("lower_back_mixed", [])):
        lines = (REPO / "sample_data" / f"{stem}.csv").read_text().splitlines()
        n_head = next(i for i, ln in enumerate(lines) if ln[:1].isdigit() or ln[:1] == "-")
        gyr = (4, 5, 6) if "gyr_x" in lines[n_head - 1] else None
        name = f"sample_{stem.split('_')[0]}"
        out.append(Base(name, lines[:n_head], lines[n_head:], 1.0, (1, 2, 3), 1.0, gyr, "dps", args))
    ph = DATA / "formats/phyphox_lucadomene_gaitlab/Accelerometer.csv"
    lines = ph.read_text().splitlines()
    out.append(Base("phyphox_acc", lines[:1], lines[1:], 1.0, (1, 2, 3), 1.0, None, filename="Accelerometer.csv"))
    import gzip

    pp = DATA / "phone_positions/Pixel_Jamie_Hard_FrontPocket_1.accelerometer.csv.gz"
    lines = gzip.decompress(pp.read_bytes()).decode().splitlines()
    out.append(Base("phone_pocket", [], lines, 1e9, (2, 3, 4), 1.0, None, args=["--placement", "bag"]))
    # foot_walking's left foot: acc m/s^2, gyr deg/s -> rad/s, at 204.8 Hz, as a logger's generic CSV
    foot = pd.read_csv(DATA / "foot_walking/imu_sample_not_rotated.csv", header=[0, 1], index_col=0)["left_sensor"]
    t = np.arange(len(foot)) / 204.8
    acc = foot[["acc_x", "acc_y", "acc_z"]].to_numpy()
    gyr = np.deg2rad(foot[["gyr_x", "gyr_y", "gyr_z"]].to_numpy())
    out.append(_generic("foot_walking", t, acc, gyr, ["--placement", "foot", "--side", "left"]))
    lb = pd.read_csv(DATA / "lowerback_walking/HA_001/TimeMeasure1_Test11_Trial1.csv")
    t = lb["samples"].to_numpy() / 100.0
    acc = lb[["acc_x", "acc_y", "acc_z"]].to_numpy() * G
    gyr = np.deg2rad(lb[["gyr_x", "gyr_y", "gyr_z"]].to_numpy())
    out.append(_generic("lowerback_walking", t, acc, gyr, ["--placement", "lower_back"]))
    return out


def _generic(name: str, t: np.ndarray, acc: np.ndarray, gyr: np.ndarray, args: list[str]) -> Base:
    head = "time (s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2),gyr_x (rad/s),gyr_y (rad/s),gyr_z (rad/s)"
    lines = [",".join(f"{v:.9g}" for v in row) for row in np.column_stack([t, acc, gyr])]
    return Base(name, [head], lines, 1.0, (1, 2, 3), 1.0, (4, 5, 6), "rads", args)


# ---------------------------------------------------------------- the damages

Damage = Callable[[Base], "str | bytes | None"]


def _t(base: Base, v: np.ndarray) -> np.ndarray:
    return (v[:, 0] - v[0, 0]) / base.time_scale


def cut_mid_line(b: Base) -> str:
    text = b.text()
    i = int(len(text) * 0.6)
    while text[i] in ",\n":  # cut inside a value
        i += 1
    return text[: i + 1]


def _shift_after(b: Base, seconds: float, drop_s: float = 0.0) -> str:
    v = b.values()
    t = _t(b, v)
    mid = t[-1] / 2
    keep = ~((t >= mid) & (t < mid + drop_s))
    v[t >= mid, 0] += seconds * b.time_scale
    return _rewrite(b, v, [0], keep)


def gap_2s(b: Base) -> str:
    return _shift_after(b, 0.0, drop_s=2.0)


def pause_30s(b: Base) -> str:
    return _shift_after(b, 30.0)


def clock_back_1s(b: Base) -> str:
    return _shift_after(b, -1.0)


def clock_on_1s(b: Base) -> str:
    return _shift_after(b, 1.0)


def rows_twice(b: Base) -> str:
    return b.text([ln for i, ln in enumerate(b.lines) for _ in range(2 if i % 50 == 25 else 1)])


def block_twice(b: Base) -> str:
    i = int(len(b.lines) * 0.4)
    return b.text(b.lines[: i + 200] + b.lines[i : i + 200] + b.lines[i + 200 :])


def rows_swapped(b: Base) -> str:
    rng = np.random.default_rng(42)
    lines = list(b.lines)
    for i in rng.choice(np.arange(10, len(lines) - 10), size=20, replace=False):
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return b.text(lines)


def second_appended(b: Base) -> str:
    return b.text() + b.text()


def crlf(b: Base) -> str:
    return b.text(eol="\r\n")


def bom(b: Base) -> bytes:
    return b"\xef\xbb\xbf" + b.text().encode()


def utf16(b: Base) -> bytes:
    return b.text().encode("utf-16")


def decimal_comma(b: Base) -> str:
    conv = [ln.replace(",", ";").replace(".", ",") for ln in b.lines]
    head = [ln if ln.startswith("#") else ln.replace(",", ";") for ln in b.header]
    return "\n".join([*head, *conv]) + "\n"


def _scaled(b: Base, cols: tuple[int, int, int] | None, k: float) -> str | None:
    if cols is None:
        return None
    v = b.values()
    v[:, list(cols)] *= k
    return _rewrite(b, v, list(cols))


def acc_in_mg(b: Base) -> str | None:
    return _scaled(b, b.acc, 1000 / G / b.acc_ms2)


def acc_in_g(b: Base) -> str | None:
    return _scaled(b, b.acc, 1 / G / b.acc_ms2)


def gyr_other_unit(b: Base) -> str | None:
    """deg/s where the file says rad/s, or rad/s where it says deg/s."""
    return _scaled(b, b.gyr, 180 / np.pi if b.gyr_unit == "rads" else np.pi / 180)


def gravity_9_3(b: Base) -> str | None:
    return _scaled(b, b.acc, 9.3 / G)


def gravity_10_4(b: Base) -> str | None:
    return _scaled(b, b.acc, 10.4 / G)


def axes_xy_swapped(b: Base) -> str:
    v = b.values()
    x, y, _ = b.acc
    v[:, [x, y]] = v[:, [y, x]]
    cols = [x, y]
    if b.gyr is not None:
        gx, gy, _ = b.gyr
        v[:, [gx, gy]] = v[:, [gy, gx]]
        cols += [gx, gy]
    return _rewrite(b, v, cols)


def x_sign_flipped(b: Base) -> str:
    v = b.values()
    v[:, b.acc[0]] *= -1
    return _rewrite(b, v, [b.acc[0]])


def _clipped(b: Base, range_g: float) -> str:
    v = b.values()
    lim = range_g * G * b.acc_ms2
    cols = list(b.acc)
    v[:, cols] = np.clip(v[:, cols], -lim, lim)
    return _rewrite(b, v, cols)


def clip_2g(b: Base) -> str:
    return _clipped(b, 2.0)


def clip_8g(b: Base) -> str:
    return _clipped(b, 8.0)


def stuck_axis(b: Base) -> str:
    v = b.values()
    n = len(v)
    v[n // 3 :, b.acc[1]] = v[n // 3, b.acc[1]]
    return _rewrite(b, v, [b.acc[1]])


def empty_cells(b: Base) -> str:
    rng = np.random.default_rng(7)
    lines = []
    for ln in b.lines:
        f = ln.split(b.sep)
        if rng.random() < 0.01:
            f[b.acc[rng.integers(3)]] = "" if rng.random() < 0.5 else "NaN"
        lines.append(b.sep.join(f))
    return b.text(lines)


def inf_cells(b: Base) -> str:
    """1 % of rows with one acceleration (or, with a gyroscope, gyroscope) cell written infinite (EDGE-198)."""
    rng = np.random.default_rng(11)
    cols = [*b.acc, *(b.gyr or ())]
    lines = []
    for ln in b.lines:
        f = ln.split(b.sep)
        if rng.random() < 0.01:
            f[cols[rng.integers(len(cols))]] = ("inf", "-inf", "Infinity")[rng.integers(3)]
        lines.append(b.sep.join(f))
    return b.text(lines)


def x_frozen_10pct(b: Base) -> str:
    """Acc x held at the value it read at 10 % of the rows from there on (EDGE-201)."""
    v = b.values()
    n = len(v)
    v[n // 10 :, b.acc[0]] = v[n // 10, b.acc[0]]
    return _rewrite(b, v, [b.acc[0]])


def first_10s(b: Base) -> str:
    v = b.values()
    t = _t(b, v)
    mid = t[-1] / 2
    return b.text([ln for ln, ti in zip(b.lines, t, strict=True) if mid <= ti < mid + 10])


DAMAGES: dict[str, Damage] = {
    f.__name__: f
    for f in (
        cut_mid_line, gap_2s, pause_30s, clock_back_1s, clock_on_1s, rows_twice, block_twice, rows_swapped,
        second_appended, crlf, bom, utf16, decimal_comma, acc_in_mg, acc_in_g, gyr_other_unit, gravity_9_3,
        gravity_10_4, axes_xy_swapped, x_sign_flipped, clip_2g, clip_8g, stuck_axis, empty_cells, inf_cells,
        x_frozen_10pct, first_10s,
    )
}  # fmt: skip


# ---------------------------------------------------------------- running the product


@dataclass
class Outcome:
    kind: str  # analysed, refused, TRACEBACK
    line: str = ""
    summary: dict | None = None


def run_cli(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RETROGAIT, *cmd], capture_output=True, text=True, timeout=1800)


def analyse(path: Path, args: list[str], out: Path) -> Outcome:
    p = run_cli(["analyze", str(path), "--out", str(out), "--no-report", *args])
    text = p.stdout + p.stderr
    if "Traceback" in text or p.returncode not in (0, 2):
        last = (p.stderr.strip().splitlines() or ["?"])[-1]
        return Outcome("TRACEBACK", f"exit {p.returncode}: {last}")
    if p.returncode == 2:
        lines = [ln for ln in p.stderr.strip().splitlines() if ln.strip()]
        return Outcome(
            "refused", " ".join(ln.strip() for ln in lines) + ("" if len(lines) == 1 else f" [{len(lines)} lines]")
        )
    return Outcome("analysed", summary=json.loads((out / "summary.json").read_text()))


def headline(s: dict) -> dict[str, float]:
    a = s["all"]
    n = a["n_steps"]
    per = s["per_direction"]
    out = {
        "contacts": float(n),
        "cadence": (a["cadence_spm"] or {}).get("value") or np.nan,
        "impact": (a["impact_peak_g"] or {}).get("median") or np.nan,
        "flagged": float(sum((a.get("flagged_steps") or {}).values())),
    }
    for d in ("forward", "backward", "sideways", "unknown"):
        out[d] = 100.0 * per[d]["n_steps"] / n if n else np.nan
    return out


def _note_key(note: str) -> str:
    return re.sub(r"[-+]?\d[\d.,e+-]*", "#", note)[:70]


def describe(ref: dict, s: dict) -> tuple[str, str, bool]:
    """(shifts, new notes and flags, silent?) of a damaged run against the undamaged one."""
    h0, h1 = headline(ref), headline(s)
    old = {_note_key(n) for n in ref["notes"]}
    new = [n for n in s["notes"] if _note_key(n) not in old]
    flags0 = ref["all"].get("flagged_steps") or {}
    flags1 = s["all"].get("flagged_steps") or {}
    more_flags = {k: v for k, v in flags1.items() if v > flags0.get(k, 0)}
    said = bool(new) or bool(more_flags)
    moved = []

    def pct(k: str) -> float:
        return 100.0 * (h1[k] - h0[k]) / h0[k] if h0[k] else np.nan

    big = False
    parts = [f"contacts {int(h0['contacts'])}->{int(h1['contacts'])}"]
    for k in ("contacts", "cadence", "impact"):
        d = pct(k)
        if k != "contacts":
            parts.append(f"{k} {d:+.1f}%" if np.isfinite(d) else f"{k} n/a")
        if np.isfinite(d) and abs(d) > 10:
            big = True
            moved.append(k)
    shares = []
    for d in ("forward", "backward", "sideways", "unknown"):
        dd = h1[d] - h0[d]
        if np.isfinite(dd) and abs(dd) >= 1:
            shares.append(f"{d[:3]} {dd:+.0f}pt")
        if np.isfinite(dd) and abs(dd) > 10:
            big = True
    parts.append("dir " + (" ".join(shares) or "same"))
    said_txt = "; ".join(
        [*(f"flag {k}+{v - flags0.get(k, 0)}" for k, v in more_flags.items()), *(n[:160] for n in new)]
    )
    return ", ".join(parts), said_txt, big and not said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="bases, comma-separated (default: all)")
    parser.add_argument("--damage", default="", help="damages, comma-separated (default: all)")
    parser.add_argument("--no-batch", action="store_true", help="skip the batch run over each base's damaged files")
    parser.add_argument("--long", action="store_true", help="also a 3 h recording under /usr/bin/time -v")
    parser.add_argument("--keep", type=Path, default=None, help="write into this folder and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="retrogait_messy_"))
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    only = set(filter(None, args.only.split(",")))
    damages = [d for d in DAMAGES if not args.damage or d in args.damage.split(",")]
    counts = {"analysed": 0, "refused": 0, "TRACEBACK": 0, "silent": 0, "batch_lost": 0}
    for b in bases(root / "src"):
        if only and b.name not in only:
            continue
        folder = root / b.name
        folder.mkdir()
        clean = folder / "undamaged" / b.filename
        clean.parent.mkdir()
        clean.write_text(b.text())
        ref = analyse(clean, b.args, root / "out" / b.name / "undamaged")
        if ref.summary is None:
            print(f"{b.name}: the undamaged file is not analysed: {ref.line}")
            continue
        h = headline(ref.summary)
        print(
            f"\n## {b.name} ({' '.join(b.args) or 'header'}): undamaged {int(h['contacts'])} contacts, cadence "
            f"{h['cadence']:.1f} spm, impact {h['impact']:.2f} g, fwd/bwd/side/unk "
            f"{h['forward']:.0f}/{h['backward']:.0f}/{h['sideways']:.0f}/{h['unknown']:.0f} %",
            flush=True,
        )
        alone: dict[str, str] = {}
        for name in damages:
            data = DAMAGES[name](b)
            if data is None:
                continue
            path = folder / name / b.filename
            path.parent.mkdir()
            path.write_bytes(data if isinstance(data, bytes) else data.encode())
            o = analyse(path, b.args, root / "out" / b.name / name)
            info = run_cli(["info", str(path)])
            conv = run_cli(["convert", str(path), "--out", str(root / "out" / b.name / f"{name}.session.csv"), *b.args])
            extra = [
                f"{c} TRACEBACK" for c, p in (("info", info), ("convert", conv)) if "Traceback" in p.stdout + p.stderr
            ]
            if o.kind == "analysed" and conv.returncode != 0:
                extra.append(
                    "convert refused what analyze read: " + (conv.stderr.strip().splitlines() or ["?"])[-1][:200]
                )
            if o.kind == "refused" and conv.returncode == 0:
                extra.append("convert wrote what analyze refused")
            counts[o.kind] += 1
            alone[name] = o.kind
            if o.kind == "analysed":
                assert o.summary is not None
                shifts, said, silent = describe(ref.summary, o.summary)
                counts["silent"] += silent
                print(f"{'?' if silent else ' '} {name:16s} analysed | {shifts} | {said or '-'}", *extra, flush=True)
            else:
                print(
                    f"{'!' if o.kind == 'TRACEBACK' else ' '} {name:16s} {o.kind} | {o.line[:400]}", *extra, flush=True
                )
        if not args.no_batch:
            counts["batch_lost"] += batch(folder, b, root / "out" / b.name / "batch", alone)
    if args.long:
        long_run(root)
    print("\n" + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if args.keep is None:
        shutil.rmtree(root)


def batch(folder: Path, b: Base, out: Path, alone: dict[str, str]) -> int:
    """Every damaged file of ``b`` (and the undamaged one) in one `retrogait batch`: each analysed alone must be
    analysed, each refused alone must be one line of errors.csv; returns how many are neither."""
    p = run_cli(["batch", str(folder), "--out", str(out), "--jobs", "1", "--no-compare", *b.args])
    errors: dict[str, str] = {}
    if (out / "errors.csv").exists():
        with open(out / "errors.csv", newline="") as fh:
            for r in csv.DictReader(fh):
                errors[str(r.get("input") or r.get("path") or next(iter(r.values())))] = str(r)
    lost = 0
    for name, kind in alone.items():
        hit = [v for k, v in errors.items() if f"/{name}/" in k]
        if kind == "refused" and len(hit) != 1:
            print(f"  batch: {name} refused alone, {len(hit)} lines in errors.csv")
            lost += 1
        if kind == "analysed" and hit:
            print(f"  batch: {name} analysed alone, in errors.csv: {hit[0][:200]}")
            lost += 1
    tb = "Traceback" in p.stdout + p.stderr
    print(f"  batch exit {p.returncode}, {len(errors)} in errors.csv, {lost} not as alone{', TRACEBACK' if tb else ''}")
    return lost + tb


def long_run(root: Path) -> None:
    """The lower back tiled to 3 h (100 Hz), analysed under /usr/bin/time -v."""
    lb = next(b for b in bases(root) if b.name == "lowerback_walking")
    v = lb.values()
    reps = int(np.ceil(3 * 3600 / (len(v) / 100.0)))
    tiled = np.tile(v, (reps, 1))[: 3 * 3600 * 100]
    tiled[:, 0] = np.arange(len(tiled)) / 100.0
    path = root / "long" / "three_hours.csv"
    path.parent.mkdir()
    with open(path, "w") as fh:
        fh.write(lb.header[0] + "\n")
        np.savetxt(fh, tiled, fmt="%.6g", delimiter=",")
    cmd = [
        "/usr/bin/time",
        "-v",
        RETROGAIT,
        "analyze",
        str(path),
        "--out",
        str(root / "long" / "out"),
        "--no-report",
        *lb.args,
    ]
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", p.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    s = json.loads((root / "long" / "out" / "summary.json").read_text()) if p.returncode == 0 else None
    print(
        f"\n3 h lower back ({path.stat().st_size / 1e6:.0f} MB, {len(tiled)} rows): exit {p.returncode}, wall "
        f"{wall.group(1) if wall else '?'}, peak RSS {int(rss.group(1)) / 1024 if rss else float('nan'):.0f} MB"
        + (f", {s['all']['n_steps']} contacts, {len(s['notes'])} notes" if s else f": {p.stderr.strip()[-300:]}")
    )


if __name__ == "__main__":
    main()
