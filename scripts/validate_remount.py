"""A sensor re-mounted during the recording: turned about its own z while the wearer stands (MOUNT-1/2).

Simulated sessions (200 Hz, seed 5): standing 3 s, forward running 3.0 m/s 40 s, standing 10 s, backward
running 2.5 m/s 40 s, standing 3 s. From the middle of the 10 s stand on, the sensor's samples are turned by
YAW about its own z (a pod clipped back turned, a strap turned round the leg), with the header's axes kept
(they then describe the first mounting only) or dropped. The turn is applied to the simulated samples here, not
by the simulator, so the same command runs on code that predates the simulator's `remount` bout:

    python scripts/validate_remount.py                      # this code
    PYTHONPATH=BASE/src python scripts/validate_remount.py  # BASE: a `git archive` of older code

Prints, per placement, yaw and header: the steps of each bout labelled right / unknown / wrong, how many of
them at confidence >= 0.9 are wrong, and whether a re-mount note was given. Then an asymmetric stand (MOUNT-4):
the sensor tilted 60 deg about its y 1.5 s before the backward run (TILT_AT_S), so most of the stand is on the
first mounting; printed with the backward bout's median impact_peak_g against the untilted session's (a frame
whose up mixes the two mountings' standing misreads it). Last, analysed in parts (LONG-4; MOUNT-6/8): the
same run with an 80 s stand (turned at its middle) in parts of 100 s with 30 s overlap, so that no part holds
steps on both sides of the turn, against the whole analysis. Then slow walking (MOUNT-9): forward walking 0.8 m/s
30 s, a 10 s stand turned at its middle, then forward 0.8 m/s or backward 0.7 m/s walking 30 s (a foot lies flat,
still, through most of each slow stance).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

import retrogait
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, simulate

BOUTS = [
    Bout("still", "still", 0.0, 3),
    Bout("forward", "running", 3.0, 40),
    Bout("still", "still", 0.0, 10),
    Bout("backward", "running", 2.5, 40),
    Bout("still", "still", 0.0, 3),
]
TURN_AT_S = 48.0  # the middle of the 10 s stand
TILT_AT_S = 51.5  # 1.5 s before the backward run
BOUT_SPANS = {"forward": (3.0, 43.0), "backward": (53.0, 93.0)}
LONG_REST = [*BOUTS[:2], Bout("still", "still", 0.0, 80), *BOUTS[3:]]
LONG_TURN_AT_S, LONG_SPANS = 83.0, {"forward": (3.0, 43.0), "backward": (123.0, 163.0)}
SLOW_TURN_AT_S = 38.0  # the middle of the slow walks' 10 s stand


def slow_bouts(then: str) -> list[Bout]:
    """A slow forward walk, a 10 s stand and a slow walk ``then`` (forward 0.8 m/s or backward 0.7 m/s)."""
    speed = 0.8 if then == "forward" else 0.7
    return [
        Bout("still", "still", 0.0, 3),
        Bout("forward", "walking", 0.8, 30),
        Bout("still", "still", 0.0, 10),
        Bout(then, "walking", speed, 30),
        Bout("still", "still", 0.0, 3),
    ]


def turned(
    session: Session, yaw_deg: float, keep_axes: bool, pitch_deg: float = 0.0, at_s: float = TURN_AT_S
) -> Session:
    """``session`` with its samples after ``at_s`` turned by ``yaw_deg`` about the sensor's z (or, with
    ``pitch_deg``, after TILT_AT_S by that about its y)."""
    c, s = np.cos(np.radians(yaw_deg)), np.sin(np.radians(yaw_deg))
    rotation = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    if pitch_deg:
        c, s = np.cos(np.radians(pitch_deg)), np.sin(np.radians(pitch_deg))
        rotation = np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])
    after = session.t_s > (TILT_AT_S if pitch_deg else at_s)
    acc = session.acc.copy()
    acc[after] = acc[after] @ rotation
    gyr = None
    if session.gyr is not None:
        gyr = session.gyr.copy()
        gyr[after] = gyr[after] @ rotation
    out = dataclasses.replace(session, acc=acc, gyr=gyr)
    return out if keep_axes else out.with_meta(anterior_axis=None, vertical_axis=None)


def row(placement: str, yaw_deg: float, keep_axes: bool, base: Session, pitch_deg: float = 0.0) -> tuple[str, int]:
    """One printed line (per bout right / unknown / wrong, wrong at >= 0.9, the re-mount note) and the steps wrong
    at confidence >= 0.9."""
    result = retrogait.analyze(turned(base, yaw_deg, keep_axes, pitch_deg))
    steps = result.steps
    t = steps["ic_time_s"].to_numpy(dtype=float)
    cells, confidently_wrong = scored(steps, BOUT_SPANS)
    said = any("re-mounted" in note for note in result.summary["notes"])
    header = "header axes" if keep_axes else "no header  "
    turn = f"pitch {pitch_deg:>3g}" if pitch_deg else f"yaw {yaw_deg:>5g}"
    line = f"{placement:10s} {turn}  {header}  " + "   ".join(cells) + f"   note: {'yes' if said else 'no'}"
    if pitch_deg:
        one = retrogait.analyze(turned(base, 0.0, keep_axes)).steps
        late = t >= BOUT_SPANS["backward"][0]
        late_one = one["ic_time_s"].to_numpy(dtype=float) >= BOUT_SPANS["backward"][0]
        impact = float(np.nanmedian(steps["impact_peak_g"].to_numpy(dtype=float)[late]))
        impact_one = float(np.nanmedian(one["impact_peak_g"].to_numpy(dtype=float)[late_one]))
        line += f"   backward impact {impact:.3f} g (untilted {impact_one:.3f} g)"
    return line, confidently_wrong


def scored(steps: pd.DataFrame, spans: dict[str, tuple[float, float]]) -> tuple[list[str], int]:
    """Per bout right / unknown / wrong (wrong at >= 0.9) as printed, and the steps wrong at >= 0.9."""
    t = steps["ic_time_s"].to_numpy(dtype=float)
    label = steps["direction"].to_numpy(dtype=str)
    confident = steps["direction_confidence"].to_numpy(dtype=float) >= 0.9
    cells, confidently_wrong = [], 0
    for want, (lo, hi) in spans.items():
        inside = (t >= lo) & (t < hi)
        right = int(np.sum(inside & (label == want)))
        unknown = int(np.sum(inside & (label == "unknown")))
        wrong = inside & (label != want) & (label != "unknown")
        confidently_wrong += int(np.sum(wrong & confident))
        cells.append(f"{want} {right}/{unknown}/{int(wrong.sum())} ({int(np.sum(wrong & confident))} at >= 0.9)")
    return cells, confidently_wrong


def analyse(session: Session, **told: bool) -> retrogait.AnalysisResult:
    """``retrogait.analyze`` as a part's analysis (what it is told is passed on where the code takes it)."""
    return retrogait.analyze(session, **told)


def parts_rows() -> None:
    """Whole against parts of 100 s with 30 s overlap, an 80 s stand turned at its middle (MOUNT-6/8)."""
    from retrogait.analysis.parts import analyze_in_parts
    from retrogait.analysis.settings import AnalysisSettings
    from retrogait.imports.part import part_of

    print(f"analysed in parts of 100 s (30 s overlap): 80 s stand, turned at {LONG_TURN_AT_S:g} s, header axes")
    for placement in ("foot", "shank", "lower_back"):
        base = simulate(SimulationConfig(placement, LONG_REST, sample_rate_hz=200.0, seed=5)).session
        settings = AnalysisSettings.for_placement(placement)
        for yaw in (0.0, 180.0):
            session = turned(base, yaw, True, at_s=LONG_TURN_AT_S)
            whole = retrogait.analyze(session).steps

            def read(part: tuple[float | None, float | None], one: Session = session) -> Session:
                return part_of(one, "sim", part)

            parts = analyze_in_parts(
                read, session.duration_s, analyse, lambda _, chosen=settings: chosen, 100.0, 30.0
            ).steps
            for how, steps in (("whole", whole), ("parts", parts)):
                cells, _ = scored(steps, LONG_SPANS)
                print(f"{placement:10s} yaw {yaw:>5g}  {how}  " + "   ".join(cells), flush=True)


def slow_rows() -> int:
    """Slow walks either side of a turned stand (MOUNT-9): printed as the grid; the steps wrong at >= 0.9."""
    print(f"slow walking (0.8 m/s forward, then forward 0.8 or backward 0.7 m/s): turned at {SLOW_TURN_AT_S:g} s")
    total = 0
    for placement in ("foot", "shank", "lower_back"):
        for then in ("forward", "backward"):
            base = simulate(SimulationConfig(placement, slow_bouts(then), sample_rate_hz=200.0, seed=5)).session
            for yaw in (0.0, 180.0):
                for keep_axes in (True, False):
                    result = retrogait.analyze(turned(base, yaw, keep_axes, at_s=SLOW_TURN_AT_S))
                    first, wrong_first = scored(result.steps, {"forward": (3.0, 33.0)})
                    second, wrong_second = scored(result.steps, {then: (43.0, 73.0)})
                    cells, wrong = [*first, *second], wrong_first + wrong_second
                    said = any("re-mounted" in note for note in result.summary["notes"])
                    header = "header axes" if keep_axes else "no header  "
                    print(
                        f"{placement:10s} then {then:8s} yaw {yaw:>5g}  {header}  "
                        + "   ".join(cells)
                        + f"   note: {'yes' if said else 'no'}",
                        flush=True,
                    )
                    total += wrong
    print(f"wrong at confidence >= 0.9 over the slow walks: {total}")
    return total


def main() -> None:
    print("right/unknown/wrong steps per bout (wrong at confidence >= 0.9); sensor turned at 48 s while standing")
    total = 0
    for placement in ("foot", "shank", "lower_back"):
        base = simulate(SimulationConfig(placement, BOUTS, sample_rate_hz=200.0, seed=5)).session
        for yaw in (0.0, 90.0, 180.0):
            for keep_axes in (True, False):
                line, wrong = row(placement, yaw, keep_axes, base)
                total += wrong
                print(line, flush=True)
    print(f"wrong at confidence >= 0.9 over the grid: {total}")
    print(f"asymmetric stand: tilted 60 deg about y at {TILT_AT_S:g} s, 1.5 s before the backward run")
    for placement in ("foot", "shank", "lower_back"):
        base = simulate(SimulationConfig(placement, BOUTS, sample_rate_hz=200.0, seed=5)).session
        for keep_axes in (True, False):
            print(row(placement, 0.0, keep_axes, base, 60.0)[0], flush=True)
    parts_rows()
    slow_rows()


if __name__ == "__main__":
    main()
