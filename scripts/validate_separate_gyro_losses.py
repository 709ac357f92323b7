"""A separate gyroscope's lost samples: what the import's notes say, what the analysis does, what it costs the steps.

Phyphox folders of a simulated run (seed 4, 15 s forward then 15 s backward running) whose gyroscope file (100 or 200
Hz, stamped 1.3 ms after the accelerometer, stamps jittered uniformly by +-0.1 of its period) loses ``b`` samples in a
row every 37 (b = 1-4), beside an accelerometer at 26, 100 or 200 Hz (stamps jittered by +-0 or +-0.3 of its period).
Each is analysed and compared with the same folder whose gyroscope loses nothing: steps, steps flagged gap / bridged,
directions and foot strikes equal (steps matched by contact within 40 ms), the largest contact move (ms); and the rows
counted both ways: the import's note (rows of short losses it says the analysis bridges, rows interpolated across a
lost sample) against the analysis' notes (gyroscope values bridged, values interpolated across a lost sample).
Runs on any tree (``PYTHONPATH=TREE/src``); a count a tree does not say is "-". Simulated seeds only (never >= 91).

    python scripts/validate_separate_gyro_losses.py [--parts shank,foot] [--bursts 1,2,3,4]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from retrogait.analysis.load import load_input
from retrogait.analysis.pipeline import analyze
from retrogait.simulate import SimulationConfig, parse_bouts, simulate

BOUTS = "forward:running:3.0:15,backward:running:2.5:15"
SIM_HZ = 1000.0
EVERY = 37


def _write(path: Path, t: np.ndarray, values: np.ndarray, unit: str, name: str) -> None:
    header = f'"Time (s)","X ({unit})","Y ({unit})","Z ({unit})"'
    np.savetxt(path / name, np.column_stack([t, values]), delimiter=",", header=header, comments="", fmt="%.9g")


def _folder(path: Path, sim, acc_hz: float, acc_jit: float, gyr_hz: float, burst: int) -> Path:
    rng = np.random.default_rng(11)
    end = sim.t_s[-1] - 0.05
    ta = np.arange(0.0, end, 1.0 / acc_hz)
    ta = ta + rng.uniform(-acc_jit, acc_jit, ta.size) / acc_hz
    ta = np.clip(ta, 0.0, end)
    tg = np.arange(0.0, end - 0.01, 1.0 / gyr_hz) + 0.0013
    tg = tg + rng.uniform(-0.1, 0.1, tg.size) / gyr_hz
    path.mkdir(parents=True)
    acc = np.column_stack([np.interp(ta, sim.t_s, sim.acc[:, k]) for k in range(3)])
    gyr = np.column_stack([np.interp(tg, sim.t_s, np.radians(sim.gyr[:, k])) for k in range(3)])
    kept = (np.arange(tg.size) % EVERY) >= burst
    _write(path, ta, acc, "m/s^2", "Accelerometer.csv")
    _write(path, tg[kept], gyr[kept], "rad/s", "Gyroscope.csv")
    return path


def _flagged(steps: pd.DataFrame, flag: str) -> int:
    return int(steps["quality_flags"].astype(str).str.split(";").apply(lambda f: flag in f).sum())


def _said(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    return found.group(1) if found else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="shank,foot")
    parser.add_argument("--bursts", default="1,2,3,4")
    parser.add_argument("--acc-rates", default="26,100,200")
    parser.add_argument("--gyr-rates", default="100,200")
    parser.add_argument("--jitters", default="0,0.3")
    args = parser.parse_args()
    print("part acc_hz jit gyr_hz lost | steps ref gap bridged | dir_eq strike_eq max_move_ms | "
          "import: short_bridged interp | analysis: bridged interp")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for part in args.parts.split(","):
            sim = simulate(SimulationConfig(part, parse_bouts(BOUTS), sample_rate_hz=SIM_HZ, seed=4)).session
            axis = str(sim.meta.anterior_axis)
            for acc_hz in map(float, args.acc_rates.split(",")):
                for jit in map(float, args.jitters.split(",")):
                    for gyr_hz in map(float, args.gyr_rates.split(",")):
                        tag = f"{part}_{acc_hz:g}_{jit:g}_{gyr_hz:g}"
                        ref = _folder(Path(tmp) / f"{tag}_0", sim, acc_hz, jit, gyr_hz, 0)
                        kw = {"placement": part, "side": "left", "anterior_axis": axis}
                        steps0 = analyze(ref, **kw).steps
                        for burst in map(int, args.bursts.split(",")):
                            lossy = _folder(Path(tmp) / f"{tag}_{burst}", sim, acc_hz, jit, gyr_hz, burst)
                            meta = load_input(lossy).meta.extra
                            imported = f"{meta.get('import_gyro_missing', '')} | {meta.get('import_notes', '')}"
                            result = analyze(lossy, **kw)
                            steps, told = result.steps, " | ".join(str(n) for n in result.summary["notes"])
                            t0, t1 = steps0["ic_time_s"].to_numpy(), steps["ic_time_s"].to_numpy()
                            near = np.abs(t1[:, None] - t0[None, :]) if t0.size and t1.size else np.zeros((0, 0))
                            j = near.argmin(axis=1) if near.size else np.zeros(0, dtype=int)
                            ok = near[np.arange(j.size), j] <= 0.04 if near.size else np.zeros(0, dtype=bool)
                            d_eq = int(
                                (steps["direction"].to_numpy()[ok] == steps0["direction"].to_numpy()[j[ok]]).sum()
                            )
                            s_eq = int(
                                (steps["foot_strike"].to_numpy()[ok] == steps0["foot_strike"].to_numpy()[j[ok]]).sum()
                            )
                            move = float(np.max(near[np.arange(j.size), j][ok])) * 1000 if ok.any() else float("nan")
                            short = _said(r"the analysis bridges (\d+) of those", imported)
                            if "the analysis bridges those" in imported:
                                short = _said(r"at (\d+) of them the gyroscope's measured samples", imported)
                            interp_i = _said(r"lost sample of its own at (\d+) accelerometer row", imported)
                            bridged_a = _said(r"gyroscope values bridged \([^)]* in (\d+) samples\)", told)
                            interp_a = _said(r"(\d+) gyroscope values? interpolated by the import", told)
                            print(
                                f"{part} {acc_hz:g} {jit:g} {gyr_hz:g} {burst} | {len(steps)} {len(steps0)} "
                                f"{_flagged(steps, 'gap')} {_flagged(steps, 'bridged')} | {d_eq} {s_eq} {move:.1f} | "
                                f"{short} {interp_i} | {bridged_a} {interp_a}",
                                flush=True,
                            )


if __name__ == "__main__":
    main()
