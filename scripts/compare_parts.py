"""The steps of a recording analysed whole against the same recording analysed in parts (LONG-4).

Usage: python scripts/compare_parts.py WHOLE_DIR PARTS_DIR

Both folders are ``retrogait analyze`` outputs of one recording, the second with ``--part-hours H`` (or in parts by
itself). Prints the step counts, how many contacts of one are within one sample of the other's, and per column of
steps.csv how many matched steps differ (text: not equal; numbers: more than 1e-5 relative, beyond the 6 digits
written, or finite in one only),
with the largest relative difference and how many of the differing steps lie within the overlap (two minutes) of a seam
(summary.json ``parts``); then the bouts: count, and rows that differ.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from retrogait.analysis.part_plan import OVERLAP_S


def _read(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    steps = pd.read_csv(folder / "steps.csv", keep_default_na=False, na_values=[""])
    bouts = pd.read_csv(folder / "bouts.csv", keep_default_na=False, na_values=[""])
    return steps, bouts, json.loads((folder / "summary.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("whole", type=Path)
    parser.add_argument("parts", type=Path)
    args = parser.parse_args()
    a, a_bouts, a_sum = _read(args.whole)
    b, b_bouts, b_sum = _read(args.parts)
    rate = float(a_sum["sample_rate_hz"])
    entries = b_sum.get("parts") or []
    seams = np.array([float(e["from_t_s"]) for e in entries[1:]])
    print(f"steps: whole {len(a)}, in parts {len(b)} ({len(entries)} parts, seams at {seams.round(1).tolist()} s)")
    a_ic, b_ic = a["ic_time_s"].to_numpy(float), b["ic_time_s"].to_numpy(float)
    j = np.clip(np.searchsorted(b_ic, a_ic), 1, max(len(b_ic) - 1, 1)) if len(b_ic) > 1 else np.zeros(len(a_ic), int)
    near = np.where(np.abs(b_ic[j - 1] - a_ic) <= np.abs(b_ic[j] - a_ic), j - 1, j) if len(b_ic) > 1 else j
    # steps.csv spells numbers to 6 significant digits: from 10,000 s on a time is known to 0.1 s only
    digit = 10.0 ** (np.floor(np.log10(np.maximum(np.abs(a_ic), 1e-9))) - 5)
    tol = np.maximum(1.0 / rate, digit) + 1e-9
    if len(a_ic) == len(b_ic) and np.all(np.abs(b_ic - a_ic) <= tol):  # one for one: rows paired in order (from
        near = np.arange(len(a_ic))  # 100,000 s on, steps.csv's times are whole seconds: nearest would mis-pair)
    matched = np.abs(b_ic[near] - a_ic) <= tol
    said = "within one sample (or the last of steps.csv's 6 digits)"
    print(f"whole steps with a parts' contact {said}: {int(matched.sum())} of {len(a)}")
    sa, sb = a.loc[matched].reset_index(drop=True), b.iloc[near[matched]].reset_index(drop=True)
    at_seam = (
        np.min(np.abs(sa["ic_time_s"].to_numpy(float)[:, None] - seams[None, :]), axis=1) <= OVERLAP_S
        if seams.size
        else np.zeros(len(sa), dtype=bool)
    )
    for column in a.columns:
        x, y = sa[column].to_numpy(), sb[column].to_numpy()
        if x.dtype.kind in "fi" and y.dtype.kind in "fi":
            x, y = x.astype(float), y.astype(float)
            both = np.isfinite(x) & np.isfinite(y)
            rel = np.where(both, np.abs(y - x) / np.maximum(np.abs(x), 1e-12), 0.0)
            differ = (both & (rel > 1e-5)) | (np.isfinite(x) != np.isfinite(y))  # beyond the 6 digits written
            worst = f", largest {float(rel.max()):.2g} relative" if differ.any() else ""
        else:
            differ = x.astype(str) != y.astype(str)
            worst = ""
        if differ.any():
            seam = int((differ & at_seam).sum())
            print(f"  {column}: {int(differ.sum())} differ ({seam} within a seam's overlap){worst}")
    print(f"bouts: whole {len(a_bouts)}, in parts {len(b_bouts)}")
    if len(a_bouts) == len(b_bouts):
        cols = ["start_s", "end_s", "activity", "n_steps"]
        same = (a_bouts[cols].astype(str).to_numpy() == b_bouts[cols].astype(str).to_numpy()).all(axis=1)
        print(f"  rows with another start, end, activity or count: {int((~same).sum())}")


if __name__ == "__main__":
    main()
