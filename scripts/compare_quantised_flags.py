"""How many steps compare's flag table counts quantised on coarse acceleration (EDGE-206).

Usage: python scripts/compare_quantised_flags.py [--bits 10 8] [--seeds 1 2 3]

Simulated shank runs (40 s forward at 3.0 m/s, 40 s backward at 2.5 m/s, 200 Hz), the acceleration rounded to BITS
over +-8 g (HONEST-8's coarse case), analysed and compared: prints per bits and seed the forward/backward steps, the
quantised and remounted counts and the clean ones of compare's flag table, and whether the quantised caveat is said.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np

from retrogait import analyze
from retrogait.compare.core import compare_directions
from retrogait.compare.sentences import caveats_for
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.simulate import SimulationConfig, parse_bouts, simulate

BOUTS = "still::0:2,forward:running:3.0:40,backward:running:2.5:40"
RANGE_G = 8.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bits", type=int, nargs="+", default=[10, 8])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    for bits in args.bits:
        quantum = 2 * RANGE_G / 2**bits * STANDARD_GRAVITY_MS2
        for seed in args.seeds:
            session = simulate(SimulationConfig("shank", parse_bouts(BOUTS), 200.0, seed=seed)).session
            session = replace(session, acc=np.round(session.acc / quantum) * quantum)
            comparison = compare_directions(analyze(session).steps)
            counts = comparison.flag_counts.set_index("direction")
            said = any("flagged quantised" in c for c in caveats_for(comparison))
            cells = ", ".join(
                f"{d} {counts.loc[d, 'steps']} steps: quantised {counts.loc[d, 'quantised']}, "
                f"remounted {counts.loc[d, 'remounted']}, clean {counts.loc[d, 'clean']}"
                for d in ("forward", "backward")
            )
            print(f"{bits} bits over +-{RANGE_G:g} g, seed {seed}: {cells}; caveat said: {said}")


if __name__ == "__main__":
    main()
