"""Results at the low sample rates commodity sensors use (RATE-1..): a seeded, deterministic sweep.

Simulated: foot, shank and lower back (the simulator has no phone) x walking (1.2 m/s) / running
(3.3 m/s forward, 2.5 m/s backward) x forward / backward, simulated at 208 Hz (2 s still, 30 s of gait,
2 s still) and decimated with a zero-phase anti-alias FIR (scipy ``resample_poly``) to 104 / 52 / 26 /
13 Hz. Per cell, summed over the seeds: contact F1 within 50 ms, median timing error (contacts matched
within 200 ms), worst |cadence error| (bout cadence, one definition on both sides as validate.py),
direction right / unknown / wrong / wrong at confidence >= 0.9 (per detected step matched to a true
one), foot strike wrong / called (at >= 0.9 in brackets), impact peak (median detected / true, the share
of steps flagged ``low_rate``). A rate the analysis refuses (below 20 Hz) is shown as such.

Real, decimated the same way: lowerback_walking HA_001 (100 Hz; INDIP and Stereophoto), the sacral
running set (500 Hz; force-plate contacts) and foot_walking (204.8 Hz; mocap events), at their native
rate and 52 / 26 / 13 Hz.

    RETROGAIT_SHARED_DATA=/work/shared/data .venv/bin/python scripts/validate_low_rates.py [--seeds 1,2,3]

Seeds 1-3 are where the RATE decisions were developed; 4-6 are held out. About 1 minute (30 s with
``--no-real``). ``--trunk-walking``: only the walking lower back at 0.8 / 1.2 / 1.6 m/s and 25-100 Hz,
contacts and direction with ``direction.walking_min_rate_hz`` as shipped and off (RATE-1, RATE-2; ~2 min).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.signal import resample_poly

import retrogait
from retrogait.analysis.settings import AnalysisSettings
from retrogait.errors import RetrogaitError
from retrogait.session import Session, SessionMeta
from retrogait.simulate import Bout, SimulationConfig, simulate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shared_recordings import FOOT_WALKING_RATE_HZ, foot_walking_sessions
from validate import _print, f1, match
from validate_contact_timing import SYSTEMS, TRIALS, lb_raw, lb_refs, lb_session, score_reference

SIM_RATE_HZ = 208.0
RATES_HZ = (104.0, 52.0, 26.0, 13.0)
SPEED_MS = {("walking", "forward"): 1.2, ("walking", "backward"): 1.2, ("running", "forward"): 3.3}
SPEED_MS[("running", "backward")] = 2.5


def decimated(session: Session, fs: float) -> Session:
    """``session`` at ``fs`` (zero-phase FIR anti-alias and resampling; timestamps from the first)."""
    fs0 = session.meta.sample_rate_hz
    if fs >= fs0:
        return session
    ratio = Fraction(fs / fs0).limit_denominator(1000)
    acc = resample_poly(session.acc, ratio.numerator, ratio.denominator, axis=0)
    gyr = None if session.gyr is None else resample_poly(session.gyr, ratio.numerator, ratio.denominator, axis=0)
    t = session.t_s[0] + np.arange(acc.shape[0]) / fs
    meta = dataclasses.replace(session.meta, sample_rate_hz=fs)
    return dataclasses.replace(session, t_s=t, acc=acc, gyr=gyr, meta=meta, extra={})


def analyzed(session: Session) -> pd.DataFrame | None:
    try:
        return retrogait.analyze(session).steps
    except RetrogaitError:
        return None


def _cadence_errors(steps: pd.DataFrame, truth: pd.DataFrame, per_leg: bool) -> list[float]:
    det_t = steps["ic_time_s"].to_numpy()
    out = []
    t_true = truth["ic_time_s"].to_numpy()
    inside = (det_t >= t_true[0] - 0.05) & (det_t <= t_true[-1] + 0.05)
    step_t = steps["step_time_s"].to_numpy(dtype=float)[inside][1:]
    step_t = step_t[np.isfinite(step_t)]
    if step_t.size and t_true.size > 1:
        true_step = np.mean(np.diff(t_true)) / (2.0 if per_leg else 1.0)
        out.append(60.0 / np.mean(step_t) - 60.0 / true_step)
    return out


def sim_cell(placement: str, activity: str, direction: str, fs: float, seeds: list[int]) -> dict[str, object]:
    tot = np.zeros(3, int)
    err: list[float] = []
    cad: list[float] = []
    dirs = np.zeros(4, int)  # right, unknown, wrong, wrong at >= 0.9
    strike = np.zeros(3, int)  # wrong, called, wrong at >= 0.9
    imp_ratio: list[float] = []
    low_rate = [0, 0]
    for seed in seeds:
        bouts = [
            Bout("still", "still", 0, 2.0),
            Bout(direction, activity, SPEED_MS[activity, direction], 30.0),
            Bout("still", "still", 0, 2.0),
        ]
        sim = simulate(SimulationConfig(placement, bouts, sample_rate_hz=SIM_RATE_HZ, side="left", seed=seed))
        steps = analyzed(decimated(sim.session, fs))
        if steps is None:
            return {"refused": True}
        truth = sim.truth[sim.truth["activity"] != "still"]
        if placement in ("foot", "shank"):
            truth = truth[truth["side"] == "left"]
        truth = truth.reset_index(drop=True)
        ref_t, det_t = truth["ic_time_s"].to_numpy(), steps["ic_time_s"].to_numpy()
        tot += match(ref_t, det_t)[:3]
        pairs = match(ref_t, det_t, 0.2)[3]
        ref = truth.iloc[[i for i, _ in pairs]].reset_index(drop=True)
        det = steps.iloc[[j for _, j in pairs]].reset_index(drop=True)
        err += list(det["ic_time_s"] - ref["ic_time_s"])
        cad += _cadence_errors(steps, truth, placement in ("foot", "shank"))
        lab, conf = det["direction"].to_numpy(), det["direction_confidence"].to_numpy(dtype=float)
        wrong = (lab != ref["direction"].to_numpy()) & (lab != "unknown")
        right = int(np.sum(lab == ref["direction"].to_numpy()))
        dirs += (right, int(np.sum(lab == "unknown")), int(wrong.sum()), int(np.sum(wrong & (conf >= 0.9))))
        fs_lab, fs_conf = det["foot_strike"].to_numpy(), det["foot_strike_confidence"].to_numpy(dtype=float)
        called = (fs_lab != "unknown") & ref["foot_strike"].notna().to_numpy()
        s_wrong = called & (fs_lab != ref["foot_strike"].to_numpy())
        strike += (int(s_wrong.sum()), int(called.sum()), int(np.sum(s_wrong & (fs_conf >= 0.9))))
        true_peak = ref["impact_peak_g"].to_numpy(dtype=float)
        has = np.isfinite(true_peak) & (true_peak > 0)
        ratio = det["impact_peak_g"].to_numpy(dtype=float)[has] / true_peak[has]
        imp_ratio += list(ratio[np.isfinite(ratio)])
        flags = steps["quality_flags"].astype(str)
        low_rate[0] += int(flags.str.contains("low_rate").sum())
        low_rate[1] += len(steps)
    return {
        "refused": False,
        "f1": f1(*tot),
        "tot": tot,
        "ic_ms": 1000 * float(np.median(err)) if err else float("nan"),
        "cad": float(np.max(np.abs(cad))) if cad else float("nan"),
        "dirs": dirs,
        "strike": strike,
        "impact": float(np.median(imp_ratio)) if imp_ratio else float("nan"),
        "low_rate": low_rate[0] / max(low_rate[1], 1),
    }


def simulated_rows(seeds: list[int]) -> list[tuple[str, ...]]:
    rows = []
    for placement in ("foot", "shank", "lower_back"):
        for activity in ("walking", "running"):
            for direction in ("forward", "backward"):
                for fs in (SIM_RATE_HZ, *RATES_HZ):
                    r = sim_cell(placement, activity, direction, fs, seeds)
                    case = (placement, f"{direction} {activity}", f"{fs:g}")
                    if r["refused"]:
                        rows.append((*case, "refused (< 20 Hz)", "", "", "", "", ""))
                        continue
                    tot, d, s = r["tot"], r["dirs"], r["strike"]
                    rows.append(
                        (
                            *case,
                            f"{r['f1']:.3f} ({tot[0]}/{tot[1]}/{tot[2]})",
                            f"{r['ic_ms']:+.0f} ms",
                            f"{r['cad']:.2f}",
                            f"{d[0]}/{d[1]}/{d[2]} ({d[3]})",
                            f"{s[0]}/{s[1]} ({s[2]})",
                            f"{r['impact']:.2f} ({100 * r['low_rate']:.0f} %)",
                        )
                    )
    return rows


SIM_COLUMNS = (
    "placement",
    "case",
    "Hz",
    "F1 50 ms (tp/fp/fn)",
    "IC err (median)",
    "max |cad err| spm",
    "direction right/unk/wrong (wrong >= 0.9)",
    "strike wrong/called (>= 0.9)",
    "impact det/true (low_rate)",
)


# ------------------------------------------------------------------------------------------ real data


def _rates(native: float) -> list[float]:
    return [native, *(r for r in RATES_HZ if r < native)]


def lowerback_walking(root: Path) -> list[tuple[str, ...]]:
    rows = []
    raw = {stem: lb_raw(root, stem) for stem in TRIALS}
    for fs in _rates(100.0):
        per_system = {system: (np.zeros(3, int), []) for system in SYSTEMS}
        refused = False
        for stem in TRIALS:
            steps = analyzed(decimated(lb_session(*raw[stem], 100.0), fs))
            if steps is None:
                refused = True
                break
            det = steps["ic_time_s"].to_numpy()
            for system in SYSTEMS:
                tot, _, _ = score_reference(det, lb_refs(root, stem, system))
                _, errors, _ = score_reference(det, lb_refs(root, stem, system), 0.2)
                per_system[system][0][:] += tot
                per_system[system][1].extend(errors)
        if refused:
            rows.append(("lowerback_walking HA_001", f"{fs:g}", "refused (< 20 Hz)"))
            continue
        cells = [
            f"{system} F1 {f1(*tot):.3f}, median {1000 * np.median(e):+.0f} ms "
            f"(IQR {1000 * np.percentile(e, 25):+.0f}..{1000 * np.percentile(e, 75):+.0f})"
            for system, (tot, e) in per_system.items()
        ]
        rows.append(("lowerback_walking HA_001", f"{fs:g}", "; ".join(cells)))
    return rows


def sacral_running(root: Path) -> list[tuple[str, ...]]:
    folder = root / "running_sacral_grf"
    acc = np.loadtxt(folder / "Accelerometer_dev.csv", delimiter=",")
    grf = np.loadtxt(folder / "GRF_dev.csv", delimiter=",")
    n = grf.shape[1]
    rows = []
    for fs in _rates(500.0):
        tot = np.zeros(3, int)
        errors: list[float] = []
        tc: list[float] = []
        impact: list[float] = []
        refused = False
        for k in range(grf.shape[0]):
            vertical, ap, force = acc[k, :n], acc[k, n:], grf[k]
            xyz = np.column_stack([ap, np.zeros(n), vertical])
            session = Session(np.arange(n) / 500.0, xyz, None, SessionMeta("lower_back", 500.0))
            steps = analyzed(decimated(session, fs))
            if steps is None:
                refused = True
                break
            on = np.flatnonzero((force[1:] > 0.1) & (force[:-1] <= 0.1)) + 1
            off = np.flatnonzero((force[1:] <= 0.1) & (force[:-1] > 0.1)) + 1
            on = on[(on > 50) & (on < n - 50)]
            on = on[[bool(np.any(off > o)) for o in on]]
            det_t = steps["ic_time_s"].to_numpy()
            inside = (det_t > 0.1) & (det_t < n / 500.0 - 0.1) & (det_t < (off.max() / 500.0 if off.size else 0))
            tot += match(on / 500.0, det_t[inside])[:3]
            sub = steps[inside].reset_index(drop=True)
            for i, j in match(on / 500.0, det_t[inside], 0.2)[3]:
                errors.append(sub["ic_time_s"][j] - on[i] / 500.0)
                end = off[off > on[i]][0]
                if np.isfinite(sub["contact_time_s"][j]):
                    tc.append(sub["contact_time_s"][j] - (end - on[i]) / 500.0)
                impact.append(float(sub["impact_peak_g"][j]))
        if refused:
            rows.append(("running_sacral_grf", f"{fs:g}", "refused (< 20 Hz)"))
            continue
        rows.append(
            (
                "running_sacral_grf",
                f"{fs:g}",
                f"F1 {f1(*tot):.3f} ({tot[0]}/{tot[1]}/{tot[2]}), IC median {1000 * np.median(errors):+.0f} ms, "
                f"contact time error median {1000 * np.median(tc):+.0f} ms (n {len(tc)}), "
                f"impact peak median {np.nanmedian(impact):.2f} g",
            )
        )
    return rows


def foot_walking(root: Path) -> list[tuple[str, ...]]:
    folder = root / "foot_walking"
    sessions = foot_walking_sessions(folder)
    events = pd.read_csv(folder / "stride_events_sample.csv")
    native = FOOT_WALKING_RATE_HZ
    rows = []
    for fs in _rates(native):
        tot = np.zeros(3, int)
        errors: list[float] = []
        refused = False
        for side, session in sessions.items():
            steps = analyzed(decimated(session, fs))
            if steps is None:
                refused = True
                break
            ref: NDArray[np.float64] = np.sort(events[events["foot"] == side]["ic"].to_numpy() / native)
            det = steps["ic_time_s"].to_numpy()
            det = det[(det >= ref.min() - 0.5) & (det <= ref.max() + 0.5)]
            tot += match(ref, det)[:3]
            errors += [det[j] - ref[i] for i, j in match(ref, det, 0.2)[3]]
        if refused:
            rows.append(("foot_walking", f"{fs:g}", "refused (< 20 Hz)"))
            continue
        rows.append(
            (
                "foot_walking",
                f"{fs:g}",
                f"F1 {f1(*tot):.3f} ({tot[0]}/{tot[1]}/{tot[2]}), IC median {1000 * np.median(errors):+.0f} ms",
            )
        )
    return rows


TRUNK_RATES_HZ = (100.0, 50.0, 40.0, 100.0 / 3.0, 30.0, 26.0, 25.0)


def trunk_walking_rows(seeds: list[int]) -> list[tuple[str, ...]]:
    """RATE-1 / RATE-2: the walking lower back at 0.8 / 1.2 / 1.6 m/s, forward and backward (2 s still, 30 s,
    2 s still, simulated at 200 Hz), per rate: contacts (F1 within 50 ms, median and IQR of those within
    200 ms) and direction right / unknown / wrong (wrong at >= 0.9), with `walking_min_rate_hz` as shipped
    and with it off (20 Hz)."""
    base = AnalysisSettings.for_placement("lower_back")
    off = dataclasses.replace(base, direction=dataclasses.replace(base.direction, walking_min_rate_hz=20.0))
    sims = [
        simulate(
            SimulationConfig(
                "lower_back",
                [
                    Bout("still", "still", 0, 2.0),
                    Bout(direction, "walking", speed, 30.0),
                    Bout("still", "still", 0, 2.0),
                ],
                sample_rate_hz=200.0,
                seed=seed,
            )
        )
        for seed in seeds
        for direction in ("forward", "backward")
        for speed in (0.8, 1.2, 1.6)
    ]
    rows = []
    for fs in TRUNK_RATES_HZ:
        tot = np.zeros(3, int)
        err: list[float] = []
        dirs = {"shipped": np.zeros(4, int), "off": np.zeros(4, int)}
        for sim in sims:
            session = decimated(sim.session, fs)
            truth = sim.truth[sim.truth["activity"] != "still"].reset_index(drop=True)
            ref_t = truth["ic_time_s"].to_numpy()
            for name, settings in (("shipped", base), ("off", off)):
                steps = retrogait.analyze(session, settings=settings).steps
                det_t = steps["ic_time_s"].to_numpy()
                pairs = match(ref_t, det_t, 0.2)[3]
                if name == "shipped":
                    tot += match(ref_t, det_t)[:3]
                    err += [det_t[j] - ref_t[i] for i, j in pairs]
                lab = steps["direction"].to_numpy()[[j for _, j in pairs]]
                conf = steps["direction_confidence"].to_numpy(dtype=float)[[j for _, j in pairs]]
                true_dir = truth["direction"].to_numpy()[[i for i, _ in pairs]]
                wrong = (lab != true_dir) & (lab != "unknown")
                dirs[name] += (
                    int(np.sum(lab == true_dir)),
                    int(np.sum(lab == "unknown")),
                    int(wrong.sum()),
                    int(np.sum(wrong & (conf >= 0.9))),
                )
        e = 1000 * np.asarray(err)
        rows.append(
            (
                f"{fs:.1f}",
                f"{f1(*tot):.3f} ({tot[0]}/{tot[1]}/{tot[2]})",
                f"{np.median(e):+.0f} ms ({np.percentile(e, 25):+.0f}..{np.percentile(e, 75):+.0f})",
                *(f"{d[0]}/{d[1]}/{d[2]} ({d[3]})" for d in (dirs["shipped"], dirs["off"])),
            )
        )
    return rows


TRUNK_COLUMNS = (
    "Hz",
    "contacts F1 50 ms (tp/fp/fn)",
    "IC err median (IQR)",
    "direction right/unk/wrong (>= 0.9), shipped",
    "same, walking_min_rate_hz off",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3", help="simulator seeds (1-3 development, 4-6 held out)")
    parser.add_argument("--no-real", action="store_true", help="simulated sweep only")
    parser.add_argument(
        "--trunk-walking", action="store_true", help="only the walking lower back at 25-100 Hz (RATE-1, RATE-2)"
    )
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.trunk_walking:
        _print(f"Walking lower back, seeds {args.seeds} (summed)", TRUNK_COLUMNS, trunk_walking_rows(seeds))
        return
    _print(f"Simulated, seeds {args.seeds} (summed)", SIM_COLUMNS, simulated_rows(seeds))
    shared = os.environ.get("RETROGAIT_SHARED_DATA")
    if args.no_real or not shared or not Path(shared).is_dir():
        return
    root = Path(shared)
    rows = lowerback_walking(root) + sacral_running(root) + foot_walking(root)
    _print("Real data, decimated", ("data", "Hz", "result"), rows)


if __name__ == "__main__":
    main()
