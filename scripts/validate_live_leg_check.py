"""PHONE-17's check live (LIVE-46): a foot or shank streamed without gyroscope, read by the live detector in packets
of 8 samples (only what has arrived, as bench_live replays), against the offline analysis of the whole recording.

Usage: RETROGAIT_SHARED_DATA=../shared/data python scripts/validate_live_leg_check.py [phones|legs|sim|all]
       [--seeds N]

Per recording: the offline verdict (analysed as ``other``, PHONE-18) and the live one, when in the stream the live
verdict came (s from the first sample) and how many contacts were committed as one leg's before it, and the median
cadence of the live steps after it against the offline steps' (steps/min). The sets are validate_leg_rhythm's: the
21 phone_positions traces declared shank and foot; the real leg-worn recordings without their gyroscope; simulated
shank and foot sessions without gyroscope (seeds 1..N, both simulator versions; walking, jogging, running).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from retrogait import analyze
from retrogait.live.online import LiveStep, OnlineStepDetector
from retrogait.session import Session, read_session
from retrogait.simulate import Bout, SimulationConfig, simulate
from validate_gait_gate import real_recordings
from validate_leg_rhythm import LEG_NAMES, ROOT, simulated_legs
from validate_phone import read_trace

PACKET = 8


def live(session: Session) -> tuple[OnlineStepDetector, list[LiveStep]]:
    """The detector after streaming ``session`` in packets of PACKET samples, and the steps it committed."""
    m = session.meta
    det = OnlineStepDetector(m.placement, m.sample_rate_hz, m.side, m.anterior_axis, m.acc_range_g)
    steps: list[LiveStep] = []
    for i in range(0, session.n_samples, PACKET):
        gyr = session.gyr[i : i + PACKET] if session.gyr is not None else None
        det.feed(session.t_s[i : i + PACKET], session.acc[i : i + PACKET], gyr)
        steps += det.step() if det.due() else []
    return det, steps + det.step(final=True)


def compared(name: str, session: Session, placement: str) -> dict[str, object]:
    """One recording declared ``placement`` without gyroscope: offline and live verdicts and cadences."""
    s = replace(session, gyr=None, meta=replace(session.meta, placement=placement, side=session.meta.side or "left"))
    result = analyze(s)
    offline = result.summary["placement"] == "other"
    det, steps = live(s)
    online = det.note is not None
    decided = det.both_legs_from_s - float(s.t_s[0]) if online else float("nan")
    before = sum(st.ready_time_s <= det.both_legs_from_s for st in steps) if online else len(steps)
    after = [st.cadence_spm for st in steps if not online or st.ready_time_s > det.both_legs_from_s]
    finite = result.steps["cadence_spm"].dropna()
    return {
        "name": name,
        "offline": offline,
        "online": online,
        "decided_s": decided,
        "before": before,
        "steps_off": len(result.steps),
        "steps_on": len(steps),
        "cadence_off": float(np.median(finite)) if len(finite) else float("nan"),
        "cadence_on": float(np.nanmedian(after)) if np.isfinite(after).any() else float("nan"),
    }


def phones() -> Iterator[dict[str, object]]:
    folder = ROOT / "phone_positions"
    for row in pd.read_csv(folder / "steps.csv").itertuples(index=False):
        session = read_trace(folder / f"{row.trace}.accelerometer.csv.gz", "shank")
        for placement in ("shank", "foot"):
            yield compared(f"{row.trace} as {placement}", session, placement)


def legs() -> Iterator[dict[str, object]]:
    for rec in real_recordings(ROOT):
        if any(k in rec.name for k in LEG_NAMES):
            yield compared(rec.name, rec.session, "foot" if "foot" in rec.name else "shank")
    for f in ("shank_forward_backward_forward.csv", "foot_mixed.csv"):
        session = read_session(Path(__file__).resolve().parents[1] / "sample_data" / f)
        yield compared(f"sample_data/{f}", session, session.meta.placement)


def sims(seeds: int) -> Iterator[dict[str, object]]:
    for name, session, placement, _ in simulated_legs(range(1, seeds + 1)):
        yield compared(name, session, placement)
    # a trunk walking read as a shank: both legs' steps (test_leg_rhythm's case)
    for seed in range(1, seeds + 1):
        for speed in (1.0, 1.4):
            config = SimulationConfig(
                "lower_back",
                [Bout("forward", "walking", speed, 40.0)],
                sample_rate_hz=200.0,
                with_gyro=False,
                seed=seed,
            )
            trunk = simulate(config).session
            yield compared(f"seed {seed} lower back walking {speed} m/s as shank", trunk, "shank")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="?", default="all", choices=("phones", "legs", "sim", "all"))
    parser.add_argument("--seeds", type=int, default=3, help="simulated people 1..N (at most 20)")
    args = parser.parse_args()
    if not 1 <= args.seeds <= 20:
        parser.error("--seeds must be 1-20 (simulated people from 70 on are reserved)")
    sets = {"phones": phones, "legs": legs, "sim": lambda: sims(args.seeds)}
    for which in sets if args.which == "all" else (args.which,):
        rows = []
        print(f"{which}: recording, offline / online verdict (other = both legs), live verdict at s (contacts before)")
        print("        steps offline / online, median cadence offline / online after the verdict (steps/min)")
        for r in sets[which]():
            rows.append(r)
            verdict = f"{r['decided_s']:6.1f} s ({r['before']:3d})" if r["online"] else " " * 14
            print(
                f"  {r['name']:<52} {'other' if r['offline'] else 'leg':>5} / {'other' if r['online'] else 'leg':<5}"
                f" {verdict} steps {r['steps_off']:4d} / {r['steps_on']:4d}"
                f" cadence {r['cadence_off']:6.1f} / {r['cadence_on']:6.1f}",
                flush=True,
            )
        same = sum(r["offline"] == r["online"] for r in rows)
        flagged = [r for r in rows if r["online"]]
        print(
            f"{which}: online verdict = offline {same} / {len(rows)}; read as both legs offline "
            f"{sum(bool(r['offline']) for r in rows)}, online {len(flagged)}"
        )
        if flagged:
            at = np.asarray([r["decided_s"] for r in flagged], dtype=float)
            before = np.asarray([r["before"] for r in flagged], dtype=float)
            print(
                f"   live verdict at {np.median(at):.1f} s median ({at.min():.1f}-{at.max():.1f}), after "
                f"{np.median(before):.0f} contacts ({before.min():.0f}-{before.max():.0f}) reported as one leg's"
            )


if __name__ == "__main__":
    main()
