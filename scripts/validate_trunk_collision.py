"""How sharp the leading leg's collision is in the lower back's vertical force, simulated vs real (CADENCE-11).

The lower-back walking contact is the collision's kink (IMPACT-6): the force's slope jumps up at initial contact.
At 25 Hz a kink weaker than the single-support valley's curvature is lost (RATE-1, CADENCE-10). This prints, for
the force the detector sees (the vertical specific force low-passed at ``contacts.edge_cutoff_hz``, 100 Hz), per
true contact: the **jump**, the largest slope within 20 ms after the contact less the mean slope 20-40 ms before
it (g/s), and the **fall**, the lowest slope 40-100 ms after it (g/s; negative: the force peaks soon after the
contact). Medians over the contacts: HA_001 (INDIP contacts, 100 Hz; their own jitter only blunts it) and the
simulator's lower-back walks (2 s still, 20 s walk, 2 s still, 200 Hz decimated to 100 Hz; both versions).

    RETROGAIT_SHARED_DATA=/work/shared/data .venv/bin/python scripts/validate_trunk_collision.py [--seeds 1,2,3]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

import retrogait
from retrogait.analysis import contacts
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, simulate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate import _print
from validate_contact_timing import TRIALS, lb_raw, lb_refs, lb_session
from validate_low_rates import decimated

FS_HZ = 100.0
SPEEDS_MS = (0.8, 1.2, 1.6)
#: What a row says where the analysis found no walking contact to measure.
_NO_WALK = "no walking contacts found"


class NoWalkingContacts(ValueError):
    """The analysis found no step in a recording: no walking contact, no edge force to measure (EDGE-183)."""


def edge_force(session: Session) -> NDArray[np.float64]:
    """The walking contacts' edge force (g) of ``session``, as `contacts.collision_onsets` receives it.

    Raises:
        NoWalkingContacts: the analysis found no step at all (a recording standing still), so the lower back's
            detector never formed the edge force.
    """
    seen: list[NDArray[np.float64]] = []
    original = contacts.collision_onsets

    def spy(edge_g: NDArray[np.float64], *args: object, **kwargs: object) -> NDArray[np.int64]:
        seen.append(edge_g)
        return original(edge_g, *args, **kwargs)  # type: ignore[arg-type]

    contacts.collision_onsets = spy  # type: ignore[assignment]
    try:
        retrogait.analyze(session)
    finally:
        contacts.collision_onsets = original
    if not seen:
        raise NoWalkingContacts("the analysis found no step (standing still?): no walking contact, no edge force")
    return seen[0]


def jump_and_fall(edge_g: NDArray[np.float64], ic_idx: NDArray[np.int64], fs: float) -> tuple[float, float, int]:
    """Median jump and fall (g/s) of the slope at the contacts ``ic_idx`` (see the module docstring)."""
    slope = np.gradient(edge_g) * fs
    ms = np.rint(np.array([-40, -20, 0, 20, 40, 100]) * fs / 1000).astype(int)
    ic_idx = ic_idx[(ic_idx + ms[0] >= 0) & (ic_idx + ms[-1] < slope.size)]
    before = np.array([slope[i + ms[0] : i + ms[1] + 1].mean() for i in ic_idx])
    after = np.array([slope[i + ms[2] : i + ms[3] + 1].max() for i in ic_idx])
    fall = np.array([slope[i + ms[4] : i + ms[5] + 1].min() for i in ic_idx])
    return float(np.median(after - before)), float(np.median(fall)), int(ic_idx.size)


def simulated_rows(seeds: list[int]) -> list[tuple[str, ...]]:
    rows = []
    for version in (1, 2):
        for direction in ("forward", "backward"):
            for speed in SPEEDS_MS:
                jumps, falls, n, without = [], [], 0, 0
                for seed in seeds:
                    bouts = [Bout("still", "still", 0, 2.0), Bout(direction, "walking", speed, 20.0)]
                    bouts.append(Bout("still", "still", 0, 2.0))
                    sim = simulate(
                        SimulationConfig("lower_back", bouts, sample_rate_hz=200.0, seed=seed, version=version)
                    )
                    session = decimated(sim.session, FS_HZ)
                    ic = np.rint((sim.truth["ic_time_s"].to_numpy()[1:-1] - session.t_s[0]) * FS_HZ).astype(np.int64)
                    try:
                        j, f, k = jump_and_fall(edge_force(session), ic, FS_HZ)
                    except NoWalkingContacts:
                        without += 1  # said in the row's name
                        continue
                    jumps.append(j)
                    falls.append(f)
                    n += k
                name = f"simulator v{version} {direction} {speed} m/s"
                if without:
                    name += f" ({without} of {len(seeds)} seeds: {_NO_WALK})"
                if not jumps:
                    rows.append((name, "0", _NO_WALK, "-"))
                    continue
                rows.append((name, str(n), f"{np.median(jumps):.1f}", f"{np.median(falls):+.1f}"))
    return rows


def real_rows(root: Path) -> list[tuple[str, ...]]:
    rows = []
    for stem in TRIALS:
        try:
            edge = edge_force(lb_session(*lb_raw(root, stem), FS_HZ))
        except NoWalkingContacts:
            rows.append((f"HA_001 {stem} (INDIP)", "0", _NO_WALK, "-"))
            continue
        ic = np.rint(lb_refs(root, stem, "INDIP")["ic_time_s"].to_numpy() * FS_HZ).astype(np.int64)
        j, f, k = jump_and_fall(edge, ic, FS_HZ)
        rows.append((f"HA_001 {stem} (INDIP)", str(k), f"{j:.1f}", f"{f:+.1f}"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3", help="simulator seeds")
    args = parser.parse_args()
    rows = simulated_rows([int(s) for s in args.seeds.split(",")])
    shared = os.environ.get("RETROGAIT_SHARED_DATA")
    if shared and Path(shared).is_dir():
        rows = real_rows(Path(shared)) + rows
    _print("Lower-back walking collision at 100 Hz (medians)", ("data", "contacts", "jump (g/s)", "fall (g/s)"), rows)


if __name__ == "__main__":
    main()
