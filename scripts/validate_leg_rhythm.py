"""The one-leg placement checked without a gyroscope (PHONE-17, -18): per set, how many recordings are read as
both legs' steps, and the three numbers the check reads (analysis/leg_rhythm.py).

Usage: RETROGAIT_SHARED_DATA=../shared/data python scripts/validate_leg_rhythm.py [phones|legs|sim|all] [--cv]

* phones: the 21 phone_positions traces (phone in a hand, pocket, bag, on an arm, in a neck pouch) declared
  shank and foot: the check should fire where the one-leg detector doubles the cadence (a thigh pocket sees one
  leg: its cadence is right and it need not fire); the cadence after, against the true count.
* legs: every real leg-worn recording in ../shared/data (foot_walking left and right, the Movesense foot, the
  phyphox and Physics Toolbox ankle phones) and sample_data's shank and foot, each without its gyroscope: no
  recording may be flagged.
* sim: simulated shank and foot sessions, seeds 1-20, simulator versions 2 and 1, walking, running and jogging
  (1.6 and 2.0 m/s), forward and backward, 26-200 Hz, without gyroscope: none may be flagged.
* --cv: each threshold chosen as the middle of the gap between the two kinds on half the material (phones of
  Jamie and Carmelo, simulator seeds 1-10, foot_walking) and the other half judged with it (phones of Dario,
  seeds 11-20, the other real legs), next to the physical thresholds judged in-sample on all of it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from retrogait import analyze
from retrogait.analysis import leg_rhythm as lr
from retrogait.analysis.pipeline import _analyze_session, preset_settings
from retrogait.session import Session, read_session
from retrogait.simulate import Bout, SimulationConfig, simulate
from validate_gait_gate import real_recordings
from validate_low_rates import decimated
from validate_phone import read_trace

ROOT = Path(os.environ.get("RETROGAIT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
LEG_NAMES = ("foot_walking", "movesense", "ankle")
#: (activity, its two speeds m/s): walking, running and jogging, the slowest running, whose step-band |a| is a
#: walk's on its own or whose half r is near antiphase on its own (REVIEW-34)
SPEEDS = (("walking", (0.8, 1.4)), ("running", (2.5, 3.5)), ("running", (1.6, 2.0)))
RATES_HZ = (26.0, 50.0, 100.0, 200.0)


@dataclass(frozen=True)
class Row:
    """One recording analysed as a one-leg placement without gyroscope."""

    group: str  # phones / legs / sim
    half: int  # 0: the tuning half of --cv, 1: the judged half
    name: str
    rhythm: lr.LegRhythm | None
    flagged: bool
    cadence_spm: float  # the analysis' median cadence after the check
    true_spm: float  # the true cadence where known, else NaN


def judged(session: Session, placement: str) -> tuple[lr.LegRhythm | None, bool, float]:
    """The check's numbers, whether the analysis was re-read as both legs, and its median cadence."""
    s = replace(session, gyr=None, meta=replace(session.meta, placement=placement, side=session.meta.side or "left"))
    result = analyze(s)
    flagged = any(n.startswith(f"declared {placement} without a gyroscope") for n in result.summary["notes"])
    # the numbers the check read: from the one-leg analysis a flagged one replaced
    one_leg = _analyze_session(s, placement, s.meta.side, None, preset_settings(placement)) if flagged else result
    rhythm = lr.leg_rhythm(
        one_leg.signals, one_leg.contacts, one_leg.bouts, preset_settings(placement).phone_steps, always=True
    )
    finite = result.steps["cadence_spm"].dropna()
    cadence = float(np.median(finite)) if len(finite) else float("nan")
    return rhythm, flagged, cadence


def phones() -> Iterator[Row]:
    folder = ROOT / "phone_positions"
    table = pd.read_csv(folder / "steps.csv")
    for row in table.itertuples(index=False):
        session = read_trace(folder / f"{row.trace}.accelerometer.csv.gz", "shank")
        for placement in ("shank", "foot"):
            rhythm, flagged, cadence = judged(session, placement)
            true = 60.0 * row.true_steps / row.duration_s
            yield Row("phones", int(row.user == "Dario"), f"{row.trace} as {placement}", rhythm, flagged, cadence, true)


def legs() -> Iterator[Row]:
    for rec in real_recordings(ROOT):
        if any(k in rec.name for k in LEG_NAMES):
            placement = "foot" if "foot" in rec.name else "shank"
            rhythm, flagged, cadence = judged(rec.session, placement)
            yield Row("legs", int("foot_walking" not in rec.name), rec.name, rhythm, flagged, cadence, float("nan"))
    for f in ("shank_forward_backward_forward.csv", "foot_mixed.csv"):
        session = read_session(Path(__file__).resolve().parents[1] / "sample_data" / f)
        rhythm, flagged, cadence = judged(session, session.meta.placement)
        yield Row("legs", 1, f"sample_data/{f}", rhythm, flagged, cadence, float("nan"))


def simulated_legs(seeds: range) -> Iterator[tuple[str, Session, str, int]]:
    """(name, session, placement, seed) of the simulated legs without gyroscope: each seed and simulator version, a
    shank and a foot, walking and running forward and backward, decimated (anti-aliased, as low_rates) to a rate
    of RATES_HZ (shared with validate_live_leg_check.py)."""
    for seed in seeds:
        for version in (2, 1):
            for placement in ("shank", "foot"):
                for activity, speeds in SPEEDS:
                    for k, direction in enumerate(("forward", "backward")):
                        speed = speeds[(seed + k) % 2]
                        rate = RATES_HZ[(seed + version + k) % len(RATES_HZ)]
                        config = SimulationConfig(
                            placement,
                            [Bout(direction, activity, speed, 30.0)],
                            sample_rate_hz=200.0,
                            with_gyro=False,
                            seed=seed,
                            version=version,
                        )
                        session = decimated(simulate(config).session, rate)
                        name = f"seed {seed} v{version} {placement} {activity} {speed} m/s {direction} {rate:g} Hz"
                        yield name, session, placement, seed


def sims() -> Iterator[Row]:
    for name, session, placement, seed in simulated_legs(range(1, 21)):
        rhythm, flagged, cadence = judged(session, placement)
        yield Row("sim", int(seed > 10), name, rhythm, flagged, cadence, float("nan"))


def _fmt(r: Row) -> str:
    h = r.rhythm
    said = "-" if h is None else f"{h.cadence_spm:6.1f} {h.std_g:5.2f} {h.half_r:+.2f} {h.contacts:4d}"
    true = "" if np.isnan(r.true_spm) else f" true {r.true_spm:6.1f}"
    return f"{r.group:6s} {r.name:62s} {said:26s} {'FLAG' if r.flagged else 'ok  '} cadence {r.cadence_spm:6.1f}{true}"


def _gap(low: list[float], high: list[float]) -> float:
    """The middle of the gap between the highest of ``low`` and the lowest of ``high`` (NaN if they overlap)."""
    return 0.5 * (max(low) + min(high)) if low and high and max(low) < min(high) else float("nan")


def _activity(r: Row) -> str:
    """The gait of a leg recording: the simulator's from its name, the real legs' walking, sample_data's mixed."""
    if r.group == "sim":
        return "running" if " running " in r.name else "walking"
    return "mixed" if r.name.startswith("sample_data") else "walking"


def cross_validate(rows: list[Row]) -> None:
    """Each threshold as the middle of the gap it guards on one half, all three judged on the other half: the
    cadence between walking legs and the doubled phones, the SD and the half r between the doubled phones and
    running legs (which step as fast as a phone read as one leg)."""
    usable = [r for r in rows if r.rhythm is not None]
    doubled = [r for r in usable if r.group == "phones" and r.true_spm * 1.5 < r.rhythm.cadence_spm]  # type: ignore[union-attr]
    leg_rows = [r for r in usable if r.group != "phones"]
    for half in (0, 1):
        pos = [r.rhythm for r in doubled if r.half == half]
        walk = [r.rhythm for r in leg_rows if r.half == half and _activity(r) == "walking"]
        run = [r.rhythm for r in leg_rows if r.half == half and _activity(r) == "running"]
        cad = _gap([h.cadence_spm for h in walk], [h.cadence_spm for h in pos])  # type: ignore[union-attr]
        std = _gap([h.std_g for h in pos], [h.std_g for h in run])  # type: ignore[union-attr]
        half_r = _gap([h.half_r for h in pos], [h.half_r for h in run])  # type: ignore[union-attr]
        print(f"tuned on half {half}: cadence >= {cad:.1f} steps/min, SD < {std:.2f} g, half r <= {half_r:+.2f}")
        for label, judged_rows in (
            ("doubled phones", [r for r in doubled if r.half != half]),
            ("leg recordings", [r for r in leg_rows if r.half != half]),
        ):
            fire = sum(
                1
                for r in judged_rows
                if r.rhythm is not None
                and r.rhythm.cadence_spm >= cad
                and r.rhythm.std_g < std
                and r.rhythm.half_r <= half_r
            )
            print(f"  judged on the other half: {label}: {fire} of {len(judged_rows)} flagged")


def main() -> None:
    which = next((a for a in sys.argv[1:] if not a.startswith("--")), "all")
    sets = {"phones": phones, "legs": legs, "sim": sims}
    rows: list[Row] = []
    for name, make in sets.items():
        if which not in (name, "all"):
            continue
        if name != "sim" and not ROOT.is_dir():
            print(f"{name}: ../shared/data not found (RETROGAIT_SHARED_DATA)")
            continue
        for row in make():
            print(_fmt(row), flush=True)
            rows.append(row)
        got = [r for r in rows if r.group == name]
        print(f"== {name}: {sum(r.flagged for r in got)} of {len(got)} flagged", flush=True)
    print(
        f"thresholds (physical): cadence >= {lr.RUN_CADENCE_SPM:g} steps/min, SD < {lr.WALK_MAX_STD_G:g} g, "
        f"half r <= {lr.ANTIPHASE_R:+g}"
    )
    if "--cv" in sys.argv:
        cross_validate(rows)


if __name__ == "__main__":
    main()
