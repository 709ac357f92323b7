"""A gyroscope logged in one table at a fraction of the rows' rate against values lost at random (EDGE-217).

Three parts, each printing its numbers:

- ``pattern``: ``gyro_subrate.found`` on rows missing a gyroscope value at random (shares 0.5-70 %, 50 draws of 6,000
  rows each): how many are taken for a lower rate (should be none) and the largest share of steady windows seen
  (the rule needs ``PATTERN_SHARE``); and on regular patterns (2,000-6,000 rows per draw, 20 draws, a random phase)
  at ratios 1.05-8 rows per gyroscope sample, with 0-10 % of the samples lost on top and the stamps jittered by
  0-0.5 rows: how often the pattern is found and the ratio it is given.
- ``analysis``: simulated runs (seeds given, forward then backward running, 30 s) written as one generic CSV table,
  the gyroscope in the row at or after each of its own samples, at several rates beside 200 or 100 Hz rows, with
  0 or 1 % of its samples lost; analysed, against the same run with the gyroscope on every row: steps, steps
  flagged ``bridged`` / ``gap``, directions equal, and whether the gyroscope was used. Runs on another tree too
  (``PYTHONPATH=BASE/src``; the pattern part needs this tree's module and is skipped there).
- ``--cost``: the time of ``found`` + ``resampled`` on an hour at 200 Hz with the gyroscope on every 2nd row.

    .venv/bin/python scripts/validate_gyro_subrate.py [--seeds 1,2,3] [--skip-pattern] [--skip-analysis] [--cost]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HEADER = "time (s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2),gyr_x (deg/s),gyr_y (deg/s),gyr_z (deg/s)"
BOUTS = "forward:running:3.0:15,backward:running:2.5:15"
#: (rows Hz, gyroscope Hz) of the analysis part.
RATES = ((200, 100), (200, 50), (200, 150), (100, 50))


def _regular(n: int, ratio: float, lost: float, jitter: float, rng: np.random.Generator) -> np.ndarray:
    """Rows (n) missing a gyroscope value: a sample every ``ratio`` rows stamped in the row at or after its time
    (jittered by ``jitter`` rows sd), ``lost`` of them lost."""
    j = np.arange(int(n / ratio) + 2)
    rows = np.ceil(rng.random() * ratio + j * ratio + rng.normal(0.0, jitter, j.size) * (jitter > 0)).astype(int)
    rows = rows[(rows >= 0) & (rows < n)]
    missing = np.ones(n, dtype=bool)
    missing[rows[rng.random(rows.size) >= lost]] = False
    return missing


def pattern_part() -> None:
    from retrogait.gyro_subrate import PATTERN_SHARE, PATTERN_WINDOW, found

    rng = np.random.default_rng(1)
    n = 6000
    t = np.arange(n) / 200.0
    print(f"## random holes ({n} rows, 50 draws each): taken for a lower rate; largest steady share ", end="")
    print(f"(rule >= {PATTERN_SHARE})")
    for share in (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        hits, best = 0, 0.0
        for _ in range(50):
            missing = rng.random(n) < share
            hits += found(t, missing) is not None
            inner = missing[np.argmax(~missing) : n - np.argmax(~missing[::-1])]
            sparse = np.flatnonzero(inner if inner.mean() <= 0.5 else ~inner)
            spans = sparse[PATTERN_WINDOW:] - sparse[:-PATTERN_WINDOW]
            best = max(best, float((np.abs(spans - np.median(spans)) <= 1).mean()))
        print(f"  {share:6.1%} missing: {hits}/50 taken, largest steady share {best:.2f}")
    print("## regular patterns (20 draws each, 2,000-6,000 rows): found / 20, ratio given (median, range)")
    for ratio in (1.05, 1.2, 4 / 3, 1.5, 2.0, 2.5, 3.0, 4.0, 8.0):
        for lost in (0.0, 0.01, 0.05, 0.1):
            for jitter in (0.0, 0.2, 0.5):
                got = []
                for _ in range(20):
                    rows = int(rng.integers(2000, 6001))
                    sub = found(np.arange(rows) / 200.0, _regular(rows, ratio, lost, jitter, rng))
                    got.append(np.nan if sub is None else sub.rows_per_sample)
                g = np.asarray(got)
                ok = g[np.isfinite(g)]
                given = f"{np.median(ok):.3f} ({ok.min():.3f}-{ok.max():.3f})" if ok.size else "-"
                print(
                    f"  ratio {ratio:5.3f} lost {lost:4.0%} jitter {jitter:.1f} rows: found {ok.size:2d}/20, "
                    f"ratio {given}"
                )


def _table(path: Path, placement: str, seed: int, acc_hz: int, gyr_hz: int, lost: float, every_row: bool) -> str:
    """The simulated run as one table (module docstring); ``every_row``: the same run with the gyroscope on every
    row (the reference). Returns the anterior axis."""
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    fine = int(np.lcm(acc_hz, gyr_hz))
    s = simulate(SimulationConfig(placement, parse_bouts(BOUTS), sample_rate_hz=float(fine), seed=seed)).session
    assert s.gyr is not None
    ka, kg = fine // acc_hz, fine // gyr_hz
    rows = np.arange(0, s.t_s.size, ka)
    gyr = np.full((rows.size, 3), np.nan)
    samples = np.arange(0, s.t_s.size, kg)
    samples = samples[np.random.default_rng(seed + 100).random(samples.size) >= lost]
    at = -(-samples // ka)
    ok = at < rows.size
    gyr[at[ok]] = s.gyr[samples[ok]]
    if every_row:
        gyr = s.gyr[rows]
    text = pd.DataFrame(np.column_stack([s.t_s[rows], s.acc[rows], gyr])).to_csv(
        index=False, header=False, float_format="%.7g", na_rep=""
    )
    path.write_text(f"{HEADER}\n{text}")
    return str(s.meta.anterior_axis)


def analysis_part(seeds: list[int]) -> None:
    from retrogait.analysis.pipeline import analyze

    print(
        "## simulated runs as one table: steps, bridged, gap, directions equal to the gyroscope on every row, gyro used"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for placement in ("shank", "foot", "lower_back"):
            for acc_hz, gyr_hz in RATES:
                for lost in (0.0, 0.01):
                    totals = np.zeros(6, dtype=np.int64)
                    for seed in seeds:
                        full, sub = folder / "full.csv", folder / "sub.csv"
                        axis = _table(full, placement, seed, acc_hz, gyr_hz, 0.0, every_row=True)
                        _table(sub, placement, seed, acc_hz, gyr_hz, lost, every_row=False)
                        kw = {"placement": placement, "side": "left", "anterior_axis": axis}
                        r0, r = analyze(full, **kw), analyze(sub, **kw)
                        flags = r.steps["quality_flags"].astype(str).str.split(";")
                        ic0, ic = r0.steps["ic_time_s"].to_numpy(), r.steps["ic_time_s"].to_numpy()
                        k = np.clip(np.searchsorted(ic0, ic), 1, max(ic0.size - 1, 1))
                        near = np.where(np.abs(ic0[k - 1] - ic) <= np.abs(ic0[k] - ic), k - 1, k)
                        matched = np.abs(ic0[near] - ic) <= 0.05  # the same contact within 50 ms
                        same = matched & (r.steps["direction"].to_numpy() == r0.steps["direction"].to_numpy()[near])
                        without = any("analysed without the gyroscope" in str(n) for n in r.summary["notes"])
                        totals += [
                            len(r0.steps),
                            len(r.steps),
                            int(flags.apply(lambda f: "bridged" in f).sum()),
                            int(flags.apply(lambda f: "gap" in f).sum()),
                            int(same.sum()),
                            int(not without),
                        ]
                    print(
                        f"  {placement:10s} rows {acc_hz} Hz, gyro {gyr_hz} Hz, lost {lost:.0%}: steps {totals[1]} "
                        f"(every row {totals[0]}), bridged {totals[2]}, gap {totals[3]}, directions equal "
                        f"{totals[4]} (of the contacts found within 50 ms of one with it), "
                        f"gyro used {totals[5]}/{len(seeds)}"
                    )


def cost_part() -> None:
    from retrogait.gyro_subrate import found, resampled

    n = 200 * 3600
    t = np.arange(n) / 200.0
    gyr = np.random.default_rng(0).normal(size=(n, 3))
    gyr[1::2] = np.nan
    from retrogait.bridge import bridge_missing

    now, before = [], []
    for _ in range(7):  # alternating: this rule, then what EDGE-212 did with the same rows (bridged them all)
        start = time.perf_counter()
        missing = np.isnan(gyr).any(axis=1)
        sub = found(t, missing)
        assert sub is not None
        filled, _ = resampled(t, gyr, sub)
        bridge_missing(t, filled, sub.bridge_s)
        now.append(time.perf_counter() - start)
        start = time.perf_counter()
        bridge_missing(t, gyr)
        before.append(time.perf_counter() - start)
    print(
        f"## cost: an hour at 200 Hz, the gyroscope on every 2nd row (median of 7): found + resampled + bridge "
        f"{1000 * np.median(now):.1f} ms; EDGE-212's bridge of every row {1000 * np.median(before):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="1,2,3", help="simulator seeds of the analysis part (below 70)")
    parser.add_argument("--skip-pattern", action="store_true")
    parser.add_argument("--skip-analysis", action="store_true")
    parser.add_argument("--cost", action="store_true")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    if any(s >= 70 for s in seeds):
        parser.error("seeds 70 and above are kept for a final fresh check")
    if not args.skip_pattern:
        try:
            pattern_part()
        except ImportError:
            print("## pattern: skipped (no retrogait.gyro_subrate in this tree)")
    if not args.skip_analysis:
        analysis_part(seeds)
    if args.cost:
        cost_part()


if __name__ == "__main__":
    main()
