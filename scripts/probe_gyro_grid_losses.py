"""REVIEW-181 at a gyroscope's own stamps: the steps read as losing a sample by ``bridge.ordinary_step_s`` (the grid's
gap rule, on the base) and by three candidate rules, on simulated stamps and on the real exports' clocks.

Simulated: a 100 Hz clock, 3000 stamps jittered uniformly by +-j of its period (j = 0, 0.05, 0.1, 0.2, 0.3), one
sample lost every n (10, 16, 20, 37), seed 11. Rules: base; A, the 95th percentile of the steps under 1.5 medians;
B, an empty band of steps between 1.35 and 1.65 medians marks the steps over it as losses; C, the clock's own grid
(``bridge.losing_steps``, EDGE-243: t0 + k P fitted to the stamps, a step that skips a slot loses a sample, where
every stamp lies within 0.4 P of its slot; else the base rule). Real: each export's accelerometer and gyroscope stamps
(their threshold over the median step and how many steps each rule reads as losing a sample). A and B: not taken.

    python scripts/probe_gyro_grid_losses.py
"""

from __future__ import annotations

import glob

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.load import load_input
from retrogait.bridge import grid_slots, losing_steps, ordinary_step_s
from retrogait.errors import RetrogaitError
from retrogait.rate import steady_clock

F = "/work/shared/data/formats"


def _steps(t: NDArray[np.float64]) -> tuple[NDArray[np.float64], float]:
    s = np.diff(t)
    s = s[np.isfinite(s) & (s > 0)]
    return s, float(np.median(s))


def rule_a(t: NDArray[np.float64]) -> float:
    """1.5 x the larger of the median step and the 95th percentile of the steps under 1.5 medians."""
    s, m = _steps(t)
    return 1.5 * m if steady_clock(t) else 1.5 * max(m, float(np.percentile(s[s <= 1.5 * m], 95)))


def rule_b(t: NDArray[np.float64]) -> float:
    """1.5 medians where no step lies between 1.35 and 1.65 medians and under half lie above; else the base."""
    s, m = _steps(t)
    over = int(np.count_nonzero(s >= 1.65 * m))
    if steady_clock(t) or (not np.count_nonzero((s > 1.35 * m) & (s < 1.65 * m)) and 0 < over < 0.5 * s.size):
        return 1.5 * m
    return ordinary_step_s(t)


def grid_losses(t: NDArray[np.float64]) -> NDArray[np.bool_] | None:
    """The steps of ``t`` (s) C reads as losing a sample (``bridge.losing_steps``); None where the clock keeps to no
    grid (``bridge.grid_slots``: C is then the base rule)."""
    return None if grid_slots(t) is None else losing_steps(t)


def _read(path: str) -> NDArray[np.float64]:
    if path.endswith(".csv") and ("phyphox" in path or "sensorlogger" in path):
        d = pd.read_csv(path)
        cols = [c for c in d.columns if "elapsed" in c.lower()] or [c for c in d.columns if "time" in c.lower()]
        t = d[cols[0]].to_numpy(float)
        return t * 1e-9 if t[-1] > 1e12 else t
    return load_input(path).t_s


def main() -> None:
    rng = np.random.default_rng(11)
    print("jitter every | lost | base A B C  (steps read as losing a sample; C '-': not a grid clock, the base)")
    for j in (0.0, 0.05, 0.1, 0.2, 0.3):
        for n in (10, 16, 20, 37):
            t = np.arange(3000) * 0.01 + rng.uniform(-j, j, 3000) * 0.01
            keep = (np.arange(t.size) % n) != n // 2
            tk = np.sort(t[keep])
            s = np.diff(tk)
            seen = [int(np.count_nonzero(s > f(tk) * (1 + 1e-6))) for f in (ordinary_step_s, rule_a, rule_b)]
            g = grid_losses(tk)
            print(
                f"{j:4.2f} {n:3d} | {int((~keep).sum()):4d} | {seen[0]} {seen[1]} {seen[2]} "
                f"{'-' if g is None else int(g.sum())}"
            )
    print("\nfile | steady | steps | threshold / median: base A B | read as losing: base A B C")
    names = ("Accelerometer.csv", "Gyroscope.csv", "Accelerometer_2.csv", "Gyroscope_2.csv")
    files = [f"{F}/phyphox_lucadomene_gaitlab/{n}" for n in names]
    files += [f"{F}/sensorlogger_ios_BennyJHui/{n}" for n in names[:2]]
    files += [f"{F}/sensorlogger_android_malimsZen/Accelerometer.csv", f"{F}/physicstoolbox_huy/ankle1_100.csv"]
    files += [f"{F}/physicstoolbox_huy/pocket1_114.csv", f"{F}/metawear_chenliseu_lowerback/Accelerometer.csv"]
    files += sorted(glob.glob(f"{F}/phyphox_otatoYL_walk/data/*.csv"))
    files += [f"{F}/polar_sensor_logger_biobss", f"{F}/movesense_json_tjrantal/MovesenseLog_2_625.json"]
    files += [f"{F}/geneactiv_gaitpy/demo_data.csv"]
    for path in files:
        try:
            t = np.unique(_read(path))
        except (RetrogaitError, ValueError, KeyError) as exc:
            print("/".join(path.split("/")[-2:]), "not read:", str(exc)[:60])
            continue
        t = t[np.isfinite(t)]
        s, m = _steps(t)
        limits = (ordinary_step_s(t), rule_a(t), rule_b(t))
        seen = [int(np.count_nonzero(s > x * (1 + 1e-6))) for x in limits]
        g = grid_losses(t)
        print(
            "/".join(path.split("/")[-2:]), steady_clock(t), s.size, " ".join(f"{x / m:.2f}" for x in limits),
            "|", *seen, "-" if g is None else int(g.sum()),
        )  # fmt: skip


if __name__ == "__main__":
    main()
