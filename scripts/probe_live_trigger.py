"""The live impact trigger's landings per simulated person (issue 14; LIVE-29, LIVE-31, LIVE-36): does each offline
landing get a trigger window, is its cue the offline impact's decision, does the trigger hold the committed value.

    python scripts/probe_live_trigger.py                        # seeds 1-12, foot, shank, lower back, 3 sessions
    python scripts/probe_live_trigger.py --seeds 7-12 --placements foot --sessions walk

Per seed, three simulated sessions at 200 Hz replayed in packets of 8 samples through the online detector and one
trigger (deterministic): ``walk`` = 4 s standing, forward walk 1.2 m/s 20 s, backward walk 0.8 m/s 20 s (bench_live's
2b replay, LIVE-28/29); ``run`` = 4 s standing, forward run 3.0 m/s 20 s, backward run 2.5 m/s 20 s; ``pause`` = 4 s
standing, forward walk 1.2 m/s 12 s, 6 s standing, forward run 3.0 m/s 12 s, 6 s standing, backward walk 0.8 m/s 12 s
(a runner's first steps after each stop). The target is each gait's median offline impact (in force by the gait of
the next offline contact, as bench_live's stress rows). Per gait (activity and direction of the offline contacts
with an impact), over its offline landings:

* ``n``: the landings; ``<0.25s`` / ``<20ms``: a trigger window whose landing (the contact it was judged at, else the
  recognised sample) lies within 0.25 s / 20 ms of the offline contact;
* ``agree``: cued == (offline impact > target), the window being the one the runner matches (trigger.take_matching:
  the nearest landing within the impact window + lead); no window is no cue;
* ``in5%``: that matched window's value within 5 % of the committed impact;
* ``fp``: that matched window cued where the offline impact is at or below the target (bench_live's "false"; the
  contact at the median itself can count here when the two values differ in the last bits);
* ``f5``, ``f5<.25s``, ``f5<20ms``: the first five landings of each bout of that gait (offline contacts with an
  impact inside the bout's span, the first steps after standing or a change of gait), and those with a window
  within 0.25 s / 20 ms;
* ``cues``, ``false``, ``false%``: the cues whose landing lies in that gait's bout (or the standing before it), and
  those with no offline contact (any, with or without an impact) within 0.25 s.

Seeds 1-6 are those the trigger was developed on (LIVE-29, LIVE-31, LIVE-36), 7-12 held out; 58 and up are reserved.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields

import numpy as np

import retrogait
from retrogait.live.online import OnlineStepDetector
from retrogait.live.trigger import ImpactTrigger, ImpactWindow
from retrogait.simulate import Bout, SimulationConfig, simulate
from retrogait.simulate.config import DEFAULT_SIMULATOR_VERSION, SIMULATOR_VERSIONS

PACKET = 8
RATE_HZ = 200.0
SESSIONS = {
    "walk": [Bout("still", "still", 0, 4), Bout("forward", "walking", 1.2, 20), Bout("backward", "walking", 0.8, 20)],
    "run": [Bout("still", "still", 0, 4), Bout("forward", "running", 3.0, 20), Bout("backward", "running", 2.5, 20)],
    "pause": [
        Bout("still", "still", 0, 4),
        Bout("forward", "walking", 1.2, 12),
        Bout("still", "still", 0, 6),
        Bout("forward", "running", 3.0, 12),
        Bout("still", "still", 0, 6),
        Bout("backward", "walking", 0.8, 12),
    ],
}
#: a bout's first landings counted apart (a new walk's or run's first steps: before the trigger has a rhythm)
FIRST = 5
#: a cue with no offline contact (any, with or without an impact) within this of its landing is false (s)
FALSE_S = 0.25
HEADER = "n  <0.25s  <20ms  agree  in5%  fp  f5 f5<.25s f5<20ms  cues false false%"


@dataclass
class Landings:
    """Counts over one gait's offline landings (see the module)."""

    n: int = 0
    near: int = 0
    close: int = 0
    agree: int = 0
    value: int = 0
    above: int = 0
    first: int = 0
    first_near: int = 0
    first_close: int = 0
    cues: int = 0
    false: int = 0

    def add(self, other: Landings) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def replayed(
    placement: str, session_name: str, seed: int, version: int = DEFAULT_SIMULATOR_VERSION
) -> dict[str, Landings]:
    """One session (simulator ``version``) through the detector and a trigger with the target at each gait's median:
    counts per gait."""
    config = SimulationConfig(placement, SESSIONS[session_name], sample_rate_hz=RATE_HZ, seed=seed, version=version)
    session = simulate(config).session
    off = retrogait.analyze(session).steps
    gait = (off["activity"] + " " + off["direction"]).to_numpy()
    impact = off["impact_peak_g"].to_numpy(dtype=float)
    ic = off["ic_time_s"].to_numpy(dtype=float)
    target = {g: float(np.nanmedian(impact[gait == g])) for g in set(gait) if np.isfinite(impact[gait == g]).any()}
    m = session.meta
    det = OnlineStepDetector(m.placement, m.sample_rate_hz, m.side, m.anterior_axis, m.acc_range_g)
    trig = ImpactTrigger(m.placement, m.sample_rate_hz, det.analysis.impact)
    for i in range(0, session.n_samples, PACKET):
        t, acc = session.t_s[i : i + PACKET], session.acc[i : i + PACKET]
        k = min(int(np.searchsorted(ic, t[0])), len(ic) - 1) if len(ic) else 0
        gyr = session.gyr[i : i + PACKET] if session.gyr is not None else None
        trig.feed(t, acc, np.full(t.size, t[-1]), target.get(gait[k]) if len(ic) else None, gyr)
        det.feed(t, acc, gyr)
        if det.due():
            det.step()
            trig.update(det.vertical, det.rhythm)
    windows: list[ImpactWindow] = list(trig.windows)
    landing = np.asarray([w.landing_s for w in windows])
    out: dict[str, Landings] = {}
    every_ic = np.sort(ic)
    bouts = SESSIONS[session_name]
    ends = np.cumsum([b.duration_s for b in bouts]) + float(session.t_s[0])
    names = [f"{b.activity} {b.direction}" for b in bouts]
    for b, name in enumerate(names):  # each bout's first landings (offline contacts with an impact in its span)
        if bouts[b].activity == "still":
            continue
        lo = ends[b - 1] if b else -np.inf
        first = np.flatnonzero(np.isfinite(impact) & (ic >= lo) & (ic < ends[b]))
        first = first[np.argsort(ic[first])][:FIRST]
        c = out.setdefault(name, Landings())
        for j in first.tolist():
            off_s = np.abs(landing - ic[j]) if landing.size else np.full(1, np.inf)
            c.first += 1
            c.first_near += bool(off_s.min() <= 0.25)
            c.first_close += bool(off_s.min() <= 0.02)
    for w in windows:  # every cue, in the bout of its landing (a standing bout's: the next bout's)
        if not w.cued:
            continue
        b = min(int(np.searchsorted(ends, w.landing_s, side="right")), len(bouts) - 1)
        b += bouts[b].activity == "still" and b + 1 < len(bouts)
        c = out.setdefault(names[b], Landings())
        c.cues += 1
        near = every_ic.size and np.abs(every_ic - w.landing_s).min() <= FALSE_S
        c.false += not near
    for j in np.flatnonzero(np.isfinite(impact)):
        c = out.setdefault(str(gait[j]), Landings())
        c.n += 1
        off_s = np.abs(landing - ic[j]) if landing.size else np.full(1, np.inf)
        c.near += bool(off_s.min() <= 0.25)
        c.close += bool(off_s.min() <= 0.02)
        w = trig.take_matching(float(ic[j]))
        cued = w is not None and w.cued
        c.agree += cued == (impact[j] > target[str(gait[j])])
        c.above += cued and impact[j] <= target[str(gait[j])]
        c.value += w is not None and abs(w.max_g - impact[j]) <= 0.05 * abs(impact[j])
    return out


def seed_list(text: str) -> list[int]:
    """``1-12`` or ``1,3,5``; seeds 58 and up are refused (held back)."""
    seeds: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        seeds += list(range(int(lo), int(hi or lo) + 1))
    if max(seeds) >= 58:
        raise SystemExit("seeds 58 and up are held back")
    return seeds


def _cells(c: Landings) -> str:
    false_pct = 100.0 * c.false / c.cues if c.cues else 0.0
    return (
        f"{c.n:>4} {c.near:>6} {c.close:>5} {c.agree:>6} {c.value:>5} {c.above:>4}"
        f" {c.first:>3} {c.first_near:>5} {c.first_close:>5} {c.cues:>5} {c.false:>3} {false_pct:>5.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="1-12", help="simulated people, e.g. 1-12 or 7,8 (default 1-12)")
    parser.add_argument("--placements", default="foot,shank,lower_back")
    parser.add_argument("--sessions", default="walk,run,pause", help="walk, run, pause (comma-separated)")
    parser.add_argument(
        "--simulator-version", type=int, choices=SIMULATOR_VERSIONS, default=DEFAULT_SIMULATOR_VERSION, help="SIM-13"
    )
    args = parser.parse_args()
    seeds = seed_list(args.seeds)
    gaits = {
        "walk": ("walking forward", "walking backward"),
        "run": ("running forward", "running backward"),
        "pause": ("walking forward", "running forward", "walking backward"),
    }
    for placement in args.placements.split(","):
        for name in args.sessions.split(","):
            print(f"\n{placement}, {name}: per gait  {HEADER}")
            totals = {g: {"1-6": Landings(), "7-12": Landings()} for g in gaits[name]}
            for seed in seeds:
                counts = replayed(placement, name, seed, args.simulator_version)
                cells = "   ".join(f"{g:<16} {_cells(counts.get(g, Landings()))}" for g in gaits[name])
                print(f"  seed {seed:>2}  {cells}", flush=True)
                for g in gaits[name]:
                    totals[g]["1-6" if seed <= 6 else "7-12"].add(counts.get(g, Landings()))
            for part in ("1-6", "7-12"):
                cells = "   ".join(f"{g:<16} {_cells(totals[g][part])}" for g in gaits[name])
                print(f"  {part:<7}  {cells}")


if __name__ == "__main__":
    main()
