"""The placement checked against the gyroscope in gait (ANALYSIS-22): each recording with a gyroscope analysed
as what it is and as the other kind of segment; the typical peak angular rate and whether a note is given.

Usage: RETROGAIT_SHARED_DATA=../shared/data python scripts/validate_placement_check.py   # ~1 min

A right answer: no note for the true placement, a note for the swapped one ("-" where the swapped analysis finds
no gait to judge: then it has no numbers to trust either). Nothing here is fitted: the thresholds are physical
(retrogait.analysis.placement_check).
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from retrogait import analyze
from retrogait.analysis.placement_check import typical_peak_rate_dps
from retrogait.session import Session, read_session
from retrogait.simulate import Bout, SimulationConfig, simulate
from shared_recordings import foot_walking_sessions, lowerback_walking_session

SWAPPED = {"foot": "lower_back", "shank": "lower_back", "lower_back": "shank"}


def judged(session: Session, placement: str) -> tuple[str, str, int]:
    """(typical peak deg/s, whether the placement note was given, steps found) analysing ``session`` as
    ``placement``."""
    s = replace(session, meta=replace(session.meta, placement=placement, side=session.meta.side or "left"))
    result = analyze(s)
    peak = typical_peak_rate_dps(result.signals, result.bouts)
    noted = any(n.startswith("the sensor turns at") for n in result.summary["notes"])
    return ("-" if peak is None else f"{peak:.0f}"), ("note" if noted else "no note"), len(result.steps)


def recordings() -> list[tuple[str, Session]]:
    out: list[tuple[str, Session]] = []
    for f in sorted((Path(__file__).resolve().parents[1] / "sample_data").glob("*.csv")):
        if "truth" not in f.name:
            s = read_session(f)
            if s.gyr is not None:
                out.append((f"sample_data/{f.name}", s))
    for placement in ("lower_back", "shank", "foot"):
        for activity, speed in (("walking", 0.8), ("walking", 1.4), ("running", 3.0)):
            for direction in ("forward", "backward"):
                bouts = [Bout(direction, activity, speed, 30)]
                sim = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=1))
                out.append((f"simulator {placement} {activity} {speed} m/s {direction}", sim.session))
    root = Path(os.environ.get("RETROGAIT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
    if root.is_dir():
        for side, s in foot_walking_sessions(root / "foot_walking").items():
            out.append((f"foot_walking {side} (real)", s))
        for csv in sorted((root / "lowerback_walking" / "HA_001").glob("*.csv")):
            out.append((f"lowerback_walking {csv.stem} (real)", lowerback_walking_session(csv)))
    return out


def main() -> None:
    print("| recording | placement | typical peak deg/s | note | swapped to | typical peak deg/s | note | steps |")
    print("|---|---|---|---|---|---|---|---|")
    right = wrong = 0
    for name, session in recordings():
        placement = session.meta.placement
        peak, note, _ = judged(session, placement)
        other = SWAPPED[placement]
        peak2, note2, n2 = judged(session, other)
        right += (note == "no note") + (note2 == "note")
        wrong += (note == "note") + (note2 == "no note" and peak2 != "-")
        print(f"| {name} | {placement} | {peak} | {note} | {other} | {peak2} | {note2} | {n2} |")
    print(f"\nright {right}, wrong {wrong} (a swapped analysis without gait to judge counts neither)")


if __name__ == "__main__":
    main()
