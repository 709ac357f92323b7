"""REVIEW-181's sweep: a jittered separate gyroscope losing one sample every n, through import, analysis and `info`.

Phyphox folders of a simulated shank run (seed 4, 10 s forward then 10 s backward running), acceleration at 100 Hz,
the gyroscope file at 100 Hz stamped 1.3 ms after it, its stamps jittered uniformly by +-j of its period (j = 0, 0.05,
0.1, 0.2, 0.3; seed 5) and one sample lost every n (10, 16, 20, 37). Per folder: the rows the import's note counts as
interpolated across a lost sample, the analysis' and `info`'s counts of them ("-": none said), the steps and those
flagged ``bridged``. Runs on any tree (``PYTHONPATH=TREE/src``). Simulated seeds only (never >= 91).

    python scripts/sweep_jittered_gyro_losses.py
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import numpy as np

from retrogait.analysis.load import load_input
from retrogait.analysis.pipeline import analyze
from retrogait.cli.info import _separate_gyro_lines
from retrogait.simulate import SimulationConfig, parse_bouts, simulate

BOUTS = "forward:running:3.0:10,backward:running:2.5:10"


def _write(path: Path, t: np.ndarray, values: np.ndarray, unit: str, name: str) -> None:
    header = f'"Time (s)","X ({unit})","Y ({unit})","Z ({unit})"'
    np.savetxt(path / name, np.column_stack([t, values]), delimiter=",", header=header, comments="", fmt="%.9g")


def main() -> None:
    sim = simulate(SimulationConfig("shank", parse_bouts(BOUTS), sample_rate_hz=1000.0, seed=4)).session
    assert sim.gyr is not None
    axis = str(sim.meta.anterior_axis)
    end = sim.t_s[-1] - 0.05
    print("jitter every lost | import analysis info (rows interpolated across a lost sample) | steps bridged")
    with tempfile.TemporaryDirectory() as tmp:
        for j in (0.0, 0.05, 0.1, 0.2, 0.3):
            for n in (10, 16, 20, 37):
                path = Path(tmp) / f"j{j}_n{n}"
                path.mkdir()
                rng = np.random.default_rng(5)
                ta = np.arange(0.0, end, 0.01)
                tg = np.arange(0.0, end - 0.01, 0.01) + 0.0013
                tg = tg + rng.uniform(-j, j, tg.size) * 0.01
                keep = (np.arange(tg.size) % n) >= 1
                acc = np.column_stack([np.interp(ta, sim.t_s, sim.acc[:, k]) for k in range(3)])
                gyr = np.column_stack([np.interp(tg, sim.t_s, np.radians(sim.gyr[:, k])) for k in range(3)])
                _write(path, ta, acc, "m/s^2", "Accelerometer.csv")
                _write(path, tg[keep], gyr[keep], "rad/s", "Gyroscope.csv")
                session = load_input(path)
                said = str(session.meta.extra.get("import_notes", ""))
                result = analyze(path, placement="shank", side="left", anterior_axis=axis)
                told = " | ".join(str(note) for note in result.summary["notes"])
                info = " | ".join(_separate_gyro_lines(session))
                counts = [
                    re.search(pattern, text)
                    for pattern, text in (
                        (r"lost sample of its own at (\d+) accelerometer row", said),
                        (r"(\d+) gyroscope values? interpolated by the import", told),
                        (r"lost sample of its own at (\d+) sample", info),
                    )
                ]
                flags = result.steps["quality_flags"].astype(str).str.split(";")
                bridged = int(flags.apply(lambda f: "bridged" in f).sum())
                shown = " ".join(m.group(1) if m else "-" for m in counts)
                print(f"{j:4.2f} {n:3d} {int((~keep).sum()):4d} | {shown} | {len(result.steps)} {bridged}", flush=True)


if __name__ == "__main__":
    main()
