"""A sensor mounted turned about the vertical while the header keeps the default axes (ANALYSIS-19).

Simulated sessions (500 Hz, seed 4): forward running 3.0 m/s 20 s, standing 2 s, forward walking
1.3 m/s 20 s, with the sensor turned by 0, 30, 70, 90 and 180 deg; plus true backward running (2.5 m/s,
20 s) as the case the reversed-axis note must stay quiet on. Prints, per placement and yaw: the yaw
found, whether it was applied, the share of steps right / unknown / wrong, the median |contact time
error|, and which note the session got.

    python scripts/validate_mounting.py
"""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.table import Table

import retrogait
from retrogait.simulate import Bout, SimulationConfig, simulate

FORWARD = [Bout("forward", "running", 3.0, 20), Bout("still", "still", 0.0, 2), Bout("forward", "walking", 1.3, 20)]
BACKWARD = [Bout("backward", "running", 2.5, 20)]


def _case(placement: str, yaw_deg: float, bouts: list[Bout]) -> tuple[str, ...]:
    sim = simulate(
        SimulationConfig(placement, bouts, sample_rate_hz=500.0, mounting_rotation_deg=(0.0, 0.0, yaw_deg), seed=4)
    )
    truth = sim.truth
    if placement in ("foot", "shank"):
        truth = truth[truth["side"] == sim.config.side]
    result = retrogait.analyze(sim.session)
    steps = result.steps
    det = steps["ic_time_s"].to_numpy()
    ref = truth["ic_time_s"].to_numpy()
    nearest = np.argmin(np.abs(det[:, None] - ref[None, :]), axis=1)
    ok = np.abs(det - ref[nearest]) <= 0.05
    got = steps["direction"].to_numpy(dtype=str)[ok]
    want = truth["direction"].to_numpy(dtype=str)[nearest[ok]]
    tc_err = np.abs(steps["contact_time_s"].to_numpy()[ok] - truth["contact_time_s"].to_numpy()[nearest[ok]])
    notes = " ".join(result.summary["notes"])
    kind = (
        "reversed?"
        if "anterior axis is reversed" in notes
        else "sign unknown"
        if "does not say which way is forward" in notes
        else "refined"
        if "refined from the gyroscope" in notes
        else "turned?"
        if "main horizontal acceleration" in notes
        else "-"
    )
    yaw = result.summary["anterior_yaw_deg"]
    return (
        placement,
        f"{yaw_deg:g}" + (" (backward run)" if bouts is BACKWARD else ""),
        "-" if yaw is None else f"{yaw:+.0f}" + (" applied" if result.summary["anterior_yaw_applied"] else ""),
        f"{100 * np.mean(got == want):.0f} %",
        f"{100 * np.mean(got == 'unknown'):.0f} %",
        f"{100 * np.mean((got != want) & (got != 'unknown')):.0f} %",
        f"{1000 * np.nanmedian(tc_err):.0f} ms" if np.isfinite(tc_err).any() else "-",
        kind,
    )


def main() -> None:
    table = Table(title="sensor turned about the vertical, header axes at default (+x anterior, +z up)")
    for column in ("placement", "yaw deg", "yaw found", "right", "unknown", "wrong", "|tc err|", "note"):
        table.add_column(column)
    for placement in ("foot", "shank", "lower_back"):
        for yaw in (0.0, 30.0, 70.0, 90.0, 180.0):
            table.add_row(*_case(placement, yaw, FORWARD))
        table.add_row(*_case(placement, 0.0, BACKWARD))
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
