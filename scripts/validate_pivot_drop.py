"""A contact missed (or added) in a stepping turn's pivot (issue 17, DIRECTION-43/44/45/46).

Usage::

    python scripts/validate_pivot_drop.py                       # people 1-35, foot, stepturn, v1, 800 Hz
    python scripts/validate_pivot_drop.py --rate 200            # the same at 200 Hz
    python scripts/validate_pivot_drop.py --mode extra          # a contact added mid-pivot instead
    python scripts/validate_pivot_drop.py --rate 200 --gap-s 0.6  # and 0.6 s of data lost before the next contact
    PYTHONPATH=/path/to/base/src python scripts/validate_pivot_drop.py   # the same on another checkout

The simulator's true contacts of each person's ``stepturn`` session (validate_reliability's people:
the same bouts, mounting, leg and seed) are labelled once per turning contact with that contact removed
(``--mode drop``: the detector missed it), or with one contact added halfway to the next one (``--mode
extra``: the detector found one in the pivot's stride); ``--gap-s`` also loses that much data up to
``--gap-end-s`` before the contact after the removed one (interpolated and marked as a gap, as preprocess
does: REVIEW-67). Every label of every variant is scored against the truth. Prints the number of labels,
the share labelled right and the labels wrong at confidence >= 0.9 (issue 17's bar: none), one line each.
People 1-35 are the in-sample set DIRECTION-44 was found on; 36-69 were held out; 70 and above are
fresh sets and are refused unless ``--allow-fresh`` is given.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import validate_reliability as vr
from retrogait.analysis.direction import direction_cues, step_directions
from retrogait.analysis.settings import preset
from retrogait.analysis.signals import BodySignals, Contacts

FRESH_SEED = 70


def _seeds(text: str) -> range:
    lo, _, hi = text.partition("-")
    try:
        first, last = int(lo), int(hi or lo)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a seed range (like 1-35): {text!r}") from None
    if first < 1 or last < first:
        raise argparse.ArgumentTypeError(f"not a seed range (like 1-35): {text!r}")
    return range(first, last + 1)


def _lost(signals: BodySignals, contact: int, gap_s: float, end_s: float) -> BodySignals:
    """``signals`` with ``gap_s`` of data lost up to ``end_s`` before the sample ``contact``: interpolated between the
    samples either side and marked in ``gap``, as preprocess does with a recording gap."""
    hi = contact - round(end_s * signals.fs_hz)
    lo = hi - round(gap_s * signals.fs_hz)
    if lo < 1 or hi >= signals.n_samples:
        return signals
    w = ((np.arange(lo, hi) - (lo - 1)) / (hi - (lo - 1)))[:, None]
    acc = signals.acc_ms2.copy()
    acc[lo:hi] = acc[lo - 1] * (1.0 - w) + acc[hi] * w
    gyr = None
    if signals.gyr_dps is not None:
        gyr = np.array(signals.gyr_dps)
        gyr[lo:hi] = gyr[lo - 1] * (1.0 - w) + gyr[hi] * w
    gap = signals.gap.copy()
    gap[lo:hi] = True
    return replace(signals, acc_ms2=acc, gyr_dps=gyr, gap=gap)


def variants(seed: int, args: argparse.Namespace) -> pd.DataFrame:
    """Every label of every variant of one person's session (one row per label)."""
    rng = np.random.default_rng(1000 + seed)  # validate_reliability.simulated's draws, scenario by scenario
    for scenario, bouts_of in vr.SCENARIOS.items():
        bouts = bouts_of(rng)
        mounting = tuple(float(v) for v in rng.uniform(-8.0, 8.0, 3))
        if scenario == args.scenario:
            break
    config = vr.SimulationConfig(
        args.placement,
        bouts,
        sample_rate_hz=args.rate or vr.RATES_HZ[args.placement][seed % 2],
        side=args.side or ("left", "right")[seed % 2],
        mounting_rotation_deg=mounting,
        seed=seed,
        version=args.simulator_version,
    )
    result = vr.simulate(config)
    truth = result.truth[result.truth["side"] == config.side].reset_index(drop=True)
    truth = truth.assign(turn_phase=vr.turn_phases(bouts, truth, 1))
    scored = vr._with_true_contacts("pivot", "sim", result.session, truth, args.placement)
    settings = preset(scored.signals.placement).direction
    c = scored.contacts
    rows = []
    for k in np.flatnonzero(scored.turn_phase == "turning"):
        signals = scored.signals
        if args.mode == "drop":
            keep = np.arange(len(c)) != k
            contacts = Contacts(c.ic_idx[keep], c.to_idx[keep], c.side[keep])
            true = np.asarray(scored.truth)[keep]
            if args.gap_s > 0.0 and k + 1 < len(c):
                signals = _lost(signals, c.ic_idx[k + 1], args.gap_s, args.gap_end_s)
        else:
            if k + 1 >= len(c):
                continue
            mid = (c.ic_idx[k] + c.ic_idx[k + 1]) // 2
            contacts = Contacts(
                np.insert(c.ic_idx, k + 1, mid), np.insert(c.to_idx, k + 1, -1), np.insert(c.side, k + 1, c.side[k])
            )
            true = np.insert(np.asarray(scored.truth).astype(object), k + 1, "none").astype(str)
        cues = direction_cues(signals, contacts, settings)
        labels = step_directions(signals, contacts, settings, cues=cues)
        rows.append(
            pd.DataFrame(
                {
                    "seed": seed,
                    "changed_t_s": scored.signals.t_s[c.ic_idx[k]],
                    "t_s": scored.signals.t_s[contacts.ic_idx],
                    "truth": true,
                    "label": labels["direction"].to_numpy(),
                    "confidence": labels["direction_confidence"].to_numpy(),
                    "stride_dx_m": cues["stride_dx_m"],
                    "stride_turn_deg": cues["stride_turn_deg"],
                }
            )
        )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="validate_pivot_drop.py",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seeds", type=_seeds, default=_seeds("1-35"), help="simulated people, like 1-35")
    parser.add_argument("--rate", type=float, default=800.0, help="sample rate (Hz; 0: validate_reliability's)")
    parser.add_argument("--simulator-version", type=int, choices=(1, 2), default=1)
    parser.add_argument("--placement", choices=("foot", "shank"), default="foot")
    parser.add_argument("--scenario", choices=tuple(vr.SCENARIOS), default="stepturn")
    parser.add_argument("--side", choices=("left", "right"), default=None, help="default: each person's leg")
    parser.add_argument("--mode", choices=("drop", "extra"), default="drop")
    parser.add_argument(
        "--gap-s", type=float, default=0.0, help="drop mode: also lose this much data (s) before the next contact"
    )
    parser.add_argument("--gap-end-s", type=float, default=0.1, help="... ending this long (s) before it")
    parser.add_argument("--allow-fresh", action="store_true", help=f"allow people >= {FRESH_SEED} (fresh sets)")
    parser.add_argument("--csv", type=Path, default=None, help="also write every label to this file")
    args = parser.parse_args(argv)
    if args.seeds.stop - 1 >= FRESH_SEED and not args.allow_fresh:
        parser.error(f"people >= {FRESH_SEED} are fresh sets: pass --allow-fresh to run them")
    if args.gap_s < 0 or args.gap_end_s < 0:
        parser.error("--gap-s and --gap-end-s must be 0 or more (s)")
    if args.rate < 0:
        parser.error("--rate must be 0 (the validation's own) or a positive rate in Hz")
    frames = []
    for seed in args.seeds:
        frames.append(variants(seed, args))
        print(f"person {seed}", file=sys.stderr, flush=True)
    df = pd.concat(frames, ignore_index=True)
    if df.empty:
        print(
            f"validate_pivot_drop.py: no turning contact in these {args.scenario} sessions: nothing to change",
            file=sys.stderr,
        )
        return 1
    if args.csv is not None:
        df.to_csv(args.csv, index=False)
    scored = df[df.truth != "none"]
    right = scored.label == scored.truth
    # the added contact (truth "none", --mode extra) is no step of the simulator's: scored are the true contacts
    wrong = (df.truth != "none") & (df.label != df.truth) & (df.label != "unknown") & (df.confidence >= 0.9)
    rate = f"{args.rate:g} Hz" if args.rate else "validate_reliability's rates"
    if args.gap_s > 0.0 and args.mode == "drop":
        rate += f", {args.gap_s:g} s lost {args.gap_end_s:g} s before the next contact"
    print(
        f"{args.mode}, {args.placement} {args.scenario} v{args.simulator_version} at {rate}, people "
        f"{args.seeds.start}-{args.seeds.stop - 1}: {len(scored)} labels, right {100 * right.mean():.2f} %, "
        f"wrong at >= 0.9: {int(wrong.sum())}"
    )
    if wrong.any():
        print(df[wrong].round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
