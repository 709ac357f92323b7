"""How far each real recording's gyroscope lies from being read as rad/s: its 99th percentile |rate| over every row
(the read before EDGE-266) and over the rate each row holds with its neighbours (their median of three, the read
since), in the unit the analysis gets (deg/s: the apps' rad/s is converted at import).

Usage: python scripts/probe_gyro_units.py [FILE_OR_FOLDER ...] [--shared DIR]

Without inputs: every export of ``DIR/formats`` (folders and their files) read by ``load_input``, and the tables
``load_input`` does not read without options, their columns read by name: foot_walking's imu_sample(_not_rotated)
(two feet, acc m/s^2, gyr deg/s) and lowerback_walking's trials (acc g, gyr deg/s). Prints per input with a
gyroscope both percentiles and the unit ``preprocess._gyr_scale`` reads (a p99 under 6 while the sensor moves:
rad/s). Run with either tree's ``src`` first on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from retrogait.analysis.load import load_input
from retrogait.analysis.preprocess import _gyr_scale
from retrogait.analysis.vectors import norm_rows
from retrogait.errors import InputFileError


def inputs(shared: Path) -> list[Path]:
    out: list[Path] = []
    for folder in sorted((shared / "formats").iterdir()):
        out.append(folder)
        out.extend(p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in (".csv", ".txt", ".json"))
    return out


def print_rates(name: str, acc_ms2: np.ndarray, gyr: np.ndarray) -> None:
    rates = norm_rows(gyr)
    rates = rates[np.isfinite(rates)]
    held = np.median(np.stack([np.r_[rates[:1], rates[:-1]], rates, np.r_[rates[1:], rates[-1:]]]), axis=0)
    unit = "rad/s" if _gyr_scale(acc_ms2, gyr, []) != 1.0 else "deg/s"
    print(
        f"{name}: {rates.size} rows, p99 |rate| {np.percentile(rates, 99):.1f}, held by 3 rows "
        f"{np.percentile(held, 99):.1f} (read as {unit})"
    )


def tables(shared: Path) -> None:
    """The foot and lower-back tables' sensors, their columns by name (foot: two header rows, sensor and axis)."""
    paths = sorted((shared / "foot_walking").glob("imu_sample*.csv"))
    paths += sorted((shared / "lowerback_walking").rglob("TimeMeasure*.csv"))
    for path in paths:
        two = path.read_text()[:7] == "sensor,"
        table = pd.read_csv(path, header=[0, 1] if two else 0, index_col=0)
        g = 9.80665 if "lowerback" in str(path) else 1.0
        for sensor in dict.fromkeys(table.columns.get_level_values(0)) if two else [""]:
            part = table[sensor] if two else table
            acc = part[["acc_x", "acc_y", "acc_z"]].to_numpy(dtype=np.float64) * g
            gyr = part[["gyr_x", "gyr_y", "gyr_z"]].to_numpy(dtype=np.float64)
            print_rates(f"{path} {sensor}", acc, gyr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", type=Path)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    if not args.inputs:
        tables(args.shared)
    for path in args.inputs or inputs(args.shared):
        try:
            session = load_input(path)
        except (InputFileError, ValueError) as exc:
            print(f"{path}: not read ({str(exc).splitlines()[0][:80]})")
            continue
        if session.gyr is None:
            continue
        print_rates(str(path), session.acc, session.gyr)


if __name__ == "__main__":
    main()
