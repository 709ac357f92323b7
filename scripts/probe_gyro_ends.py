"""How far each real export's separate gyroscope runs beyond its accelerometer's first and last stamps (EDGE-258).

Usage: python scripts/probe_gyro_ends.py [--shared DIR] [EXPORT ...]

For each export (default: those of ``DIR/formats`` with a separate gyroscope file or none) prints, where the reader
puts a separate gyroscope on the accelerometer's clock (``imports.common.align_gyro``), its samples more than half a
period before the accelerometer's first stamp and after its last, how much earlier it starts and later it ends (ms),
both sensors' periods, and the EDGE-258 note if the import gives one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from retrogait.imports import common, load_recording

EXPORTS = [
    "phyphox_lucadomene_gaitlab/Accelerometer.csv",
    "phyphox_lucadomene_gaitlab/Accelerometer_2.csv",
    "phyphox_otatoYL_walk/data",
    "polar_sensor_logger_biobss",
    "sensorlogger_ios_BennyJHui",
    "sensorlogger_android_malimsZen",
    "movesense_json_tjrantal/MovesenseLog_2_625.json",
    "metawear_chenliseu_lowerback/Accelerometer.csv",
    "physicstoolbox_huy/ankle1_100.csv",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exports", nargs="*")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    seen: list[tuple[Any, ...]] = []
    original = common.align_gyro

    def spy(acc: common.Stream, gyr: common.Stream | None, report: common.ImportReport) -> Any:
        if gyr is not None and len(gyr) > 1:
            p = gyr.period_s()
            before = int(np.count_nonzero(gyr.t_s < acc.t_s[0] - 0.5 * p))
            after = int(np.count_nonzero(gyr.t_s > acc.t_s[-1] + 0.5 * p))
            lead, tail = acc.t_s[0] - gyr.t_s[0], gyr.t_s[-1] - acc.t_s[-1]
            seen.append((before, after, lead, tail, p, acc.period_s()))
        return original(acc, gyr, report)

    for module in list(sys.modules.values()):  # every reader that imported it by name
        if getattr(module, "align_gyro", None) is original:
            module.align_gyro = spy  # type: ignore[attr-defined]
    for name in args.exports or EXPORTS:
        path = Path(name) if Path(name).is_absolute() else args.shared / "formats" / name
        seen.clear()
        try:
            notes = load_recording(path).session.meta.extra.get("import_notes", "")
        except Exception as exc:  # a probe: say it and go on
            print(f"{name}: error {exc}")
            continue
        told = [n for n in notes.split(" | ") if "where the accelerometer has none" in n]
        for before, after, lead, tail, period, acc_period in seen:
            print(
                f"{name}: gyroscope samples before the accelerometer {before}, after {after}; starts {1e3 * lead:.1f} "
                f"ms earlier, ends {1e3 * tail:.1f} ms later (gyroscope period {1e3 * period:.2f} ms, accelerometer "
                f"{1e3 * acc_period:.2f} ms); note: {told[0] if told else 'none'}"
            )
        if not seen:
            print(f"{name}: no separate gyroscope")


if __name__ == "__main__":
    main()
