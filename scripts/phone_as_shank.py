"""The 21 phone_positions traces declared shank (EDGE-187, PHONE-18): per trace the median cadence against the
true mean (true steps / duration), and the shares of `running` steps and `forefoot` strikes.

Usage: RETROGAIT_SHARED_DATA=../shared/data python scripts/phone_as_shank.py
       (PYTHONPATH=BASE/src before it: the same with another tree's code, e.g. before PHONE-18)
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import retrogait
from retrogait import analyze
from validate_phone import read_trace

ROOT = Path(os.environ.get("RETROGAIT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def main() -> None:
    folder = ROOT / "phone_positions"
    table = pd.read_csv(folder / "steps.csv")
    print("code:", retrogait.__file__)
    ratios, runs, fore = [], [], []
    for row in table.itertuples(index=False):
        s = read_trace(folder / f"{row.trace}.accelerometer.csv.gz", "shank")
        r = analyze(replace(s, meta=replace(s.meta, placement="shank", side="left")))
        c = r.steps["cadence_spm"].dropna()
        cad = float(np.median(c)) if len(c) else float("nan")
        true = 60.0 * row.true_steps / row.duration_s
        ratios.append(cad / true)
        run = float((r.steps["activity"] == "running").mean())
        fs = float((r.steps["foot_strike"] == "forefoot").mean())
        runs.append(run)
        fore.append(fs)
        print(
            f"{row.trace:40s} {r.summary['placement']:6s} steps {len(r.steps):4d} cadence {cad:6.1f} "
            f"true {true:6.1f} ratio {cad / true:5.2f} running {run:.2f} forefoot {fs:.2f}",
            flush=True,
        )
    print(
        f"median ratio {np.median(ratios):.2f} (range {min(ratios):.2f}-{max(ratios):.2f}); "
        f"running {np.mean(runs):.2f}; forefoot {np.mean(fore):.2f} (means over the traces)"
    )


if __name__ == "__main__":
    main()
