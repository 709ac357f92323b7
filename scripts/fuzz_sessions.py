"""Fuzz ``retrogait analyze`` on physically varied, damaged sessions written as files (default settings).

Each case simulates a random session (placement, 1-5 bouts of any direction, activity, speed and length,
stands, pivots and stepping turns; a rate of 20-1000 Hz; with or without gyroscope; a range that clips;
a mounting turned up to 180 deg; sensor noise up to 10x), damages it the way real recordings are damaged
(rows lost singly or in runs, the gyroscope missing in stretches, a stuck axis, spikes, jittered or
coarse stamps, counts rounded to a coarse quantum, the header's rate wrong, stamps in whole ms that repeat,
counts converted with a wider range's factor than the 2 g range declared),
writes it as a session file or (a third of the cases) as an app's CSV export in random units, and analyses it
by path as ``retrogait analyze`` does, then writes the outputs. Each case must end as
``accepted`` (no NaN/inf where none belongs, times increasing: the checks of ``fuzz_settings.leaks``) or
``refused`` (one RetrogaitError line); an uncaught exception or a numpy warning (turned into an error) is
``uncaught`` and is printed with its reproducer.

    python scripts/fuzz_sessions.py [--cases 200] [--seed 1] [--show 5] [--report-every 0] [--refusals]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import numpy as np

from fuzz_settings import judge
from retrogait.analysis.pipeline import analyze
from retrogait.session import Session, write_session

PLACEMENTS = ("foot", "shank", "lower_back")
DAMAGES = (
    "none",
    "lost_rows",
    "lost_runs",
    "gyro_stretch",
    "stuck_axis",
    "spikes",
    "jitter",
    "quantum",
    "rate_off",
    "stamp_ties",
    "range_gain",
)


def random_bouts(rng: random.Random) -> str:
    """1-5 segments: gait of any direction/activity/speed (3-20 s), stands, pivots, stepping turns."""
    parts = []
    if rng.random() < 0.6:
        parts.append(f"still::0:{rng.uniform(0.5, 4):.1f}")
    for _ in range(rng.randint(1, 5)):
        kind = rng.random()
        if kind < 0.1:
            parts.append(f"still::0:{rng.uniform(0.3, 3):.1f}")
        elif kind < 0.18:
            parts.append(f"turn::{rng.choice([-180, -90, 90, 180])}:{rng.uniform(0.6, 2):.1f}")
        else:
            direction = rng.choice(["forward", "forward", "backward", "backward", "left", "right"])
            activity = rng.choice(["walking", "running"])
            speed = rng.uniform(0.4, 1.6) if activity == "walking" else rng.uniform(1.8, 4.5)
            if direction in ("left", "right"):
                activity, speed = "walking", rng.uniform(0.3, 0.8)
            parts.append(f"{direction}:{activity}:{speed:.2f}:{rng.uniform(3, 20):.1f}")
    return ",".join(parts)


def make_session(rng: random.Random) -> tuple[Session, str]:
    """A simulated session and the ``retrogait simulate`` command line that makes it (before resampling)."""
    from scipy.signal import resample_poly

    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    placement = rng.choice(PLACEMENTS)
    bouts = random_bouts(rng)
    rate = rng.choice([20.0, 26.0, 52.0, 100.0, 104.0, 200.0, 204.8, 400.0, 500.0, 1000.0])
    gyro = rng.random() < 0.8
    acc_range = rng.choice([2.0, 4.0, 8.0, 16.0, 16.0, 16.0])
    rotation = ",".join(f"{rng.uniform(-180, 180):.0f}" if rng.random() < 0.3 else "0" for _ in range(3))
    noise = 0.025 * rng.choice([1.0, 1.0, 3.0, 10.0])
    seed = rng.randint(0, 10_000)
    config = SimulationConfig(
        placement=placement,
        bouts=parse_bouts(bouts),
        sample_rate_hz=max(rate, 100.0),
        side=rng.choice(["left", "right"]),
        with_gyro=gyro,
        seed=seed,
        acc_range_g=acc_range,
        acc_noise_ms2=noise,
        mounting_rotation_deg=tuple(float(x) for x in rotation.split(",")),
    )
    command = (
        f"simulate --placement {placement} --bouts {bouts} --rate {max(rate, 100.0):g} --seed {seed} "
        f"--acc-range-g {acc_range:g} --acc-noise-ms2 {noise:g} --mount-rotation-deg {rotation}"
        f"{'' if gyro else ' --no-gyro'}"
    )
    session = simulate(config).session
    if rate < 100.0:
        ratio = Fraction(rate / 100.0).limit_denominator(100)
        acc = resample_poly(session.acc, ratio.numerator, ratio.denominator, axis=0)
        gyr = None if session.gyr is None else resample_poly(session.gyr, ratio.numerator, ratio.denominator, axis=0)
        session = replace(
            session,
            t_s=np.arange(acc.shape[0]) / rate,
            acc=acc,
            gyr=gyr,
            meta=replace(session.meta, sample_rate_hz=rate),
            extra={},
        )
        command += f", resampled to {rate:g} Hz"
    return session, command


def damage(session: Session, kind: str, rng: np.random.Generator) -> Session:
    """The session damaged as ``kind`` says (DAMAGES)."""
    t, acc = session.t_s.copy(), session.acc.copy()
    gyr = None if session.gyr is None else session.gyr.copy()
    n, meta = t.size, session.meta
    keep = np.ones(n, dtype=bool)
    if kind == "lost_rows":
        keep &= rng.random(n) > rng.uniform(0.001, 0.05)
    elif kind == "lost_runs":
        for start in rng.integers(0, n, int(rng.integers(1, 6))):
            keep[start : start + int(rng.integers(2, max(3, n // 10)))] = False
    elif kind == "gyro_stretch" and gyr is not None:
        for start in rng.integers(0, n, int(rng.integers(1, 4))):
            gyr[start : start + int(rng.integers(2, max(3, n // 3)))] = np.nan
    elif kind == "stuck_axis":
        start = int(rng.integers(0, n))
        acc[start : start + int(rng.integers(2, max(3, n // 4))), int(rng.integers(0, 3))] = acc[start, 0]
    elif kind == "spikes":
        where = rng.integers(0, n, int(rng.integers(1, 20)))
        acc[where] = rng.choice([-1, 1], (where.size, 3)) * rng.uniform(50, 400)
    elif kind == "jitter":
        t = t + rng.uniform(-0.6, 0.6) / meta.sample_rate_hz * rng.standard_normal(n)
        t = np.maximum.accumulate(t) + np.arange(n) * 1e-9
    elif kind == "quantum":
        q = rng.choice([0.0625, 0.0156, 0.0039]) * 9.80665
        acc = np.round(acc / q) * q
    elif kind == "stamp_ties":  # stamped on arrival in whole ms, up to +-2 periods late or early (export only)
        t = np.round((t + rng.uniform(0, 2) / meta.sample_rate_hz * rng.standard_normal(n)) * 1e3) / 1e3
        t = np.maximum.accumulate(t)
    elif kind == "range_gain":  # counts converted with another range's factor, a 2 g range declared (EDGE-127)
        acc, meta = acc * float(rng.choice([1.5, 2.5, 3.0])), replace(meta, acc_range_g=2.0)
    elif kind == "rate_off":
        meta = replace(meta, sample_rate_hz=meta.sample_rate_hz * float(rng.choice([0.5, 0.97, 1.03, 2.0])))
    gyr = None if gyr is None else gyr[keep]
    return replace(session, t_s=t[keep], acc=acc[keep], gyr=gyr, meta=meta, extra={})


#: An app's export: the time's unit (name, factor from s) and the acceleration's (name, factor from m/s^2).
TIME_UNITS = (("time_s", 1.0), ("timestamp_ms", 1e3), ("timestamp_ns", 1e9))
ACC_UNITS = (("m/s^2", 1.0), ("g", 1 / 9.80665), ("mg", 1e3 / 9.80665))
GYR_UNITS = (("deg/s", 1.0), ("rad/s", np.pi / 180))


def write_export(session: Session, path: Path, rng: np.random.Generator) -> Path:
    """``session`` as a phone or logger app exports it: a plain CSV table, the time from an epoch in s, ms
    or ns, the acceleration in m/s^2, g or mg, the gyroscope in deg/s or rad/s, no header lines."""
    (time_name, time_k), (acc_name, acc_k) = (TIME_UNITS[rng.integers(3)], ACC_UNITS[rng.integers(3)])
    columns = {time_name: (1.7e9 + session.t_s) * time_k}
    for axis, values in zip("xyz", session.acc.T, strict=True):
        columns[f"acc_{axis} ({acc_name})"] = values * acc_k
    if session.gyr is not None:
        gyr_name, gyr_k = GYR_UNITS[rng.integers(2)]
        for axis, values in zip("xyz", session.gyr.T, strict=True):
            columns[f"gyro_{axis} ({gyr_name})"] = values * gyr_k
    import pandas as pd

    frame = pd.DataFrame(columns)
    frame[time_name] = frame[time_name].map(lambda v: f"{v:.0f}" if time_k >= 1e3 else f"{v:.6f}")
    frame.to_csv(path, index=False, float_format="%.6g")
    return path


def one_case(path: Path, out: Path, report: bool = False, session: Session | None = None) -> tuple[str, str]:
    """(outcome, detail) of analysing the file at ``path`` (an export of ``session``: its placement and
    side given as options) and writing the outputs (and, with ``report``, report.html) into ``out``."""
    if session is None:
        return judge(lambda: analyze(path), out, report)
    return judge(lambda: analyze(path, placement=session.meta.placement, side=session.meta.side), out, report)


def run(
    cases: int, seed: int, refusals: bool = False, report_every: int = 0
) -> tuple[Counter[str], list[tuple[str, str]]]:
    """Run ``cases`` cases; returns the counts and, per uncaught case (and per refusal with
    ``refusals``), (reproducer, detail)."""
    rng = random.Random(seed)
    damage_rng = np.random.default_rng(seed)
    counts: Counter[str] = Counter()
    uncaught: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(cases):
            session, command = make_session(rng)
            kind = DAMAGES[i % len(DAMAGES)]
            damaged = damage(session, kind, damage_rng)
            export = kind == "stamp_ties" or rng.random() < 0.3
            if export:
                path = write_export(damaged, Path(tmp) / f"case{i}.csv", damage_rng)
                command += "; written as an app's export"
            else:
                path = write_session(damaged, Path(tmp) / f"case{i}.csv")
            report = bool(report_every) and i % report_every == 0
            outcome, detail = one_case(path, Path(tmp) / f"out{i}", report, damaged if export else None)
            counts[outcome] += 1
            counts[f"{kind} {outcome}"] += 1
            if outcome == "uncaught" or (refusals and outcome == "refused"):
                uncaught.append((f"case {i} (seed {seed}): {command}; damage {kind}", detail))
    return counts, uncaught


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=5, help="print this many uncaught cases")
    parser.add_argument("--refusals", action="store_true", help="also print the refusals with their reproducers")
    parser.add_argument("--report-every", type=int, default=0, help="also write report.html every N cases")
    args = parser.parse_args()
    counts, uncaught = run(args.cases, args.seed, args.refusals, args.report_every)
    print(
        f"cases {args.cases}: accepted {counts['accepted']}, refused {counts['refused']}, uncaught {counts['uncaught']}"
    )
    for kind in DAMAGES:
        print(f"  {kind:13s} " + ", ".join(f"{o} {counts[f'{kind} {o}']}" for o in ("accepted", "refused", "uncaught")))
    kinds = Counter(detail.splitlines()[0][:100] for _, detail in uncaught)
    for kind, n in kinds.most_common():
        print(f"  {n:4d} x {kind}")
    for name, detail in uncaught[: args.show]:
        print(f"--- {name}\n{detail}")
    return 1 if counts["uncaught"] else 0


if __name__ == "__main__":
    sys.exit(main())
