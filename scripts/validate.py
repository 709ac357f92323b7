"""Accuracy of ``retrogait.analyze`` on the real recordings in ../shared/data (and simulated ones).

Usage: python scripts/validate.py [--data DIR] [--only real|simulated]
(DIR defaults to $RETROGAIT_SHARED_DATA or ../shared/data)

Prints one table: dataset, metric, value, goal. Contacts are matched one-to-one within 50 ms.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from rich.console import Console
from rich.table import Table

import retrogait
from retrogait.analysis.impact import mean_cadence_spm
from retrogait.session import Session, SessionMeta
from retrogait.simulate import Bout, SimulationConfig, simulate
from retrogait.simulate.config import DEFAULT_SIMULATOR_VERSION, SIMULATOR_VERSIONS
from shared_recordings import (
    FOOT_WALKING_RATE_HZ,
    foot_walking_sessions,
    lowerback_walking_reference,
    lowerback_walking_session,
)

TOLERANCE_S = 0.05
#: The simulator version of the simulated sessions (`--simulator-version`, SIM-13).
SIMULATOR = {"version": DEFAULT_SIMULATOR_VERSION}


def add_simulator_version(parser: argparse.ArgumentParser) -> None:
    """The scripts' ``--simulator-version`` option (SimulationConfig.version, SIM-13)."""
    parser.add_argument(
        "--simulator-version",
        type=int,
        choices=SIMULATOR_VERSIONS,
        default=DEFAULT_SIMULATOR_VERSION,
        help="simulator version of the simulated sessions (SIM-13)",
    )


def match(ref: NDArray[np.float64], det: NDArray[np.float64], tol: float = TOLERANCE_S) -> tuple[int, int, int, list]:
    """Greedy one-to-one matching (time order); returns tp, fp, fn and the matched (ref, det) index pairs."""
    pairs = []
    used = np.zeros(det.size, bool)
    for i, r in enumerate(ref):
        if det.size == 0:
            break
        d = np.abs(det - r)
        d[used] = np.inf
        j = int(np.argmin(d))
        if d[j] <= tol:
            used[j] = True
            pairs.append((i, j))
    tp = len(pairs)
    return tp, int(det.size - tp), int(ref.size - tp), pairs


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / max(2 * tp + fp + fn, 1)


def running_sacral_grf(root: Path, rows: list[tuple[str, ...]]) -> None:
    folder = root / "running_sacral_grf"
    acc = np.loadtxt(folder / "Accelerometer_dev.csv", delimiter=",")
    grf = np.loadtxt(folder / "GRF_dev.csv", delimiter=",")
    fs = 500.0
    n = grf.shape[1]
    tot = np.zeros(3, int)
    tc_err, cad_err, peak_err, lr_pairs = [], [], [], []
    for k in range(grf.shape[0]):
        vertical, ap, force = acc[k, :n], acc[k, n:], grf[k]
        session = Session(
            np.arange(n) / fs,
            np.column_stack([ap, np.zeros(n), vertical]),
            None,
            SessionMeta("lower_back", fs, anterior_axis="+x", vertical_axis="+z"),
        )
        result = retrogait.analyze(session)
        steps = result.steps
        on = np.flatnonzero((force[1:] > 0.1) & (force[:-1] <= 0.1)) + 1
        off = np.flatnonzero((force[1:] <= 0.1) & (force[:-1] > 0.1)) + 1
        # reference contacts fully inside the recording (their flight before and toe-off after are seen)
        on = on[(on > 0.1 * fs) & (on < n - 0.1 * fs)]
        on = on[[bool(np.any(off > o)) for o in on]]
        ref_t = on / fs
        det_t = steps["ic_time_s"].to_numpy()
        inside = (det_t > 0.1) & (det_t < n / fs - 0.1) & (det_t < (off.max() / fs if off.size else 0))
        tp, fp, fn, pairs = match(ref_t, det_t[inside])
        tot += (tp, fp, fn)
        sub = steps[inside].reset_index(drop=True)
        # the cadence the library ships (bouts.csv: the trial is one running bout) against the trial's
        # mean step interval on the plate: one definition on both sides (ANALYSIS-16)
        ref_cad = 60.0 / np.mean(np.diff(on / fs))
        gait = result.bouts[result.bouts["activity"] != "still"]
        ours = float(gait["cadence_spm"].iloc[0]) if len(gait) == 1 else float("nan")
        cad_err.append(ours - ref_cad)
        for i, j in pairs:
            o = on[i]
            e = off[off > o][0]
            if np.isfinite(sub["contact_time_s"][j]):
                tc_err.append(sub["contact_time_s"][j] - (e - o) / fs)
            if np.isfinite(sub["vgrf_peak_bw"][j]):
                peak_err.append((sub["vgrf_peak_bw"][j] - force[o:e].max()) / force[o:e].max())
            reference = average_loading_rate(force[o:e], fs)  # the simulator truth's definition
            if np.isfinite(reference) and np.isfinite(sub["vgrf_loading_rate_bw_per_s"][j]):
                lr_pairs.append((sub["vgrf_loading_rate_bw_per_s"][j], reference))
    name = "running_sacral_grf (11 trials, force plate)"
    lr = np.array(lr_pairs)
    rows += [
        (name, "contact F1 (50 ms)", f"{f1(*tot):.3f} (tp {tot[0]}, fp {tot[1]}, fn {tot[2]})", ">= 0.99"),
        (
            name,
            "median |contact time error|",
            f"{1000 * np.median(np.abs(tc_err)):.1f} ms (n {len(tc_err)})",
            "<= 10 ms",
        ),
        (name, "median contact time error (bias)", f"{1000 * np.median(tc_err):+.1f} ms", "-"),
        (name, "max |cadence error| per trial", f"{np.max(np.abs(cad_err)):.2f} spm", "<= 1 spm"),
        (name, "median |peak vGRF error|", f"{100 * np.median(np.abs(peak_err)):.1f} % (n {len(peak_err)})", "<= 10 %"),
        (name, "peak vGRF error, 90th pct", f"{100 * np.percentile(np.abs(peak_err), 90):.1f} %", "-"),
        (
            name,
            "loading rate, steps without a heel shock",
            f"MAE {100 * np.mean(np.abs(lr[:, 0] / lr[:, 1] - 1)):.1f} % (n {len(lr)} of {tot[0]}; the others "
            "are NaN, heel_transient: validate_impact.py)",
            "<= 20 %",
        ),
    ]


def average_loading_rate(stance: NDArray[np.float64], fs: float) -> float:
    """Average vertical loading rate (BW/s) of one plate stance, as the simulator's truth defines it: 20-80 %
    of the rise to the impact peak (the first local maximum in the first 30 % of stance), or without one to
    the force at 50 % of stance."""
    n = stance.size
    early = stance[: max(int(0.3 * n), 3)]
    local_max = np.flatnonzero((early[1:-1] > early[:-2]) & (early[1:-1] >= early[2:])) + 1
    end = int(local_max[0]) if local_max.size else n // 2
    target = stance[end]
    rise = stance[: end + 1]
    i20, i80 = int(np.argmax(rise >= 0.2 * target)), int(np.argmax(rise >= 0.8 * target))
    return float(0.6 * target / ((i80 - i20) / fs)) if i80 > i20 else float("nan")


def lowerback_walking(root: Path, rows: list[tuple[str, ...]]) -> None:
    """ICs and bout cadence vs INDIP and Stereophoto, for the straight walks (Test5) and the course (Test11).

    Bout cadence is compared with one definition on both sides: 60 (n - 1) / (last IC - first IC) over the
    reference bout (the reference's own ``wb_cadence`` differs from its own ICs by up to 16 spm in Test11).
    """
    folder = root / "lowerback_walking"
    sessions = {}
    for csv in sorted((folder / "HA_001").glob("*.csv")):
        session = lowerback_walking_session(csv)
        sessions[csv.stem] = retrogait.analyze(session).steps["ic_time_s"].to_numpy()
    for system in ("INDIP", "Stereophoto"):
        for group, label in (("Test5", "straight walks"), ("Test11", "daily-life course")):
            tot = np.zeros(3, int)
            cad_err = []
            for stem, det_t in sessions.items():
                if f"_{group}_" not in stem:
                    continue
                ref = lowerback_walking_reference(folder / "HA_001" / f"{stem}.csv", system)
                for _, bout in ref.groupby("wb_id"):
                    lo, hi = bout["wb_start_s"].iloc[0], bout["wb_end_s"].iloc[0]
                    ref_t = bout["ic_time_s"].to_numpy()
                    mine = det_t[(det_t >= lo - TOLERANCE_S) & (det_t <= hi + TOLERANCE_S)]
                    tot += match(ref_t, mine)[:3]
                    if mine.size > 1 and ref_t.size > 1:
                        cad_err.append(_mean_cadence(mine) - _mean_cadence(ref_t))
            name = f"lowerback_walking HA_001 {group} ({label}) vs {system}"
            rows += [
                (
                    name,
                    "IC F1 (50 ms, in reference bouts)",
                    f"{f1(*tot):.3f} (tp {tot[0]}, fp {tot[1]}, fn {tot[2]})",
                    ">= 0.95",
                ),
                (
                    name,
                    "|bout cadence error| median / max",
                    f"{np.median(np.abs(cad_err)):.2f} / {np.max(np.abs(cad_err)):.2f} spm (bouts {len(cad_err)})",
                    "<= 1 spm",
                ),
            ]
    # how far the two reference systems agree with each other (INDIP as reference, in its bouts)
    for group in ("Test5", "Test11"):
        tot = np.zeros(3, int)
        for stem in sessions:
            if f"_{group}_" not in stem:
                continue
            refs = [
                lowerback_walking_reference(folder / "HA_001" / f"{stem}.csv", system)
                for system in ("INDIP", "Stereophoto")
            ]
            other = refs[1]["ic_time_s"].to_numpy()
            for _, bout in refs[0].groupby("wb_id"):
                lo, hi = bout["wb_start_s"].iloc[0], bout["wb_end_s"].iloc[0]
                near = other[(other >= lo - TOLERANCE_S) & (other <= hi + TOLERANCE_S)]
                tot += match(bout["ic_time_s"].to_numpy(), near)[:3]
        value = f"{f1(*tot):.3f} (tp {tot[0]}, fp {tot[1]}, fn {tot[2]})"
        rows.append((f"lowerback_walking HA_001 {group}", "Stereophoto vs INDIP IC F1 (50 ms)", value, "-"))


def _mean_cadence(ic_s: NDArray[np.float64]) -> float:
    """Steps per minute over a bout from its contact times (s)."""
    return float(60.0 * (ic_s.size - 1) / (ic_s[-1] - ic_s[0]))


def foot_walking(root: Path, rows: list[tuple[str, ...]]) -> None:
    folder = root / "foot_walking"
    events = pd.read_csv(folder / "stride_events_sample.csv")
    fs = FOOT_WALKING_RATE_HZ
    tot = np.zeros(3, int)
    ic_err, to_err = [], []
    for side, session in foot_walking_sessions(folder).items():
        steps = retrogait.analyze(session).steps
        ev = events[events["foot"] == side].sort_values("ic")
        ref_ic = ev["ic"].to_numpy() / fs
        ref_tc = np.sort(ev["tc"].to_numpy()) / fs
        det = steps["ic_time_s"].to_numpy()
        sel = (det >= ref_ic.min() - 0.5) & (det <= ref_ic.max() + 0.5)
        tp, fp, fn, pairs = match(ref_ic, det[sel])
        tot += (tp, fp, fn)
        sub = steps[sel].reset_index(drop=True)
        for i, j in pairs:
            ic_err.append(sub["ic_time_s"][j] - ref_ic[i])
            nxt = ref_tc[ref_tc > ref_ic[i]]
            if nxt.size and np.isfinite(sub["to_time_s"][j]):
                to_err.append(sub["to_time_s"][j] - nxt[0])
    name = "foot_walking (gaitmap, mocap events)"
    rows += [
        (name, "initial-contact F1 (50 ms)", f"{f1(*tot):.3f} (tp {tot[0]}, fp {tot[1]}, fn {tot[2]})", ">= 0.95"),
        (name, "IC error median (IQR)", _med_iqr(ic_err), "-"),
        (name, "toe-off error median (IQR)", _med_iqr(to_err), "-"),
    ]


def _med_iqr(x: list[float]) -> str:
    a = 1000 * np.asarray(x)
    return f"{np.median(a):+.0f} ms ({np.percentile(a, 25):+.0f}..{np.percentile(a, 75):+.0f}), n {a.size}"


#: Simulated cases: name -> bouts. Speeds are typical (forward running 3 m/s, backward 2.5 m/s, walking
#: 1.3 / 0.8 m/s); "mixed" sessions switch direction and activity several times.
SIM_CASES: dict[str, list[Bout]] = {
    "forward running": [Bout("forward", "running", 3.0, 30)],
    "backward running": [Bout("backward", "running", 2.5, 30)],
    "forward walking": [Bout("forward", "walking", 1.3, 30)],
    "backward walking": [Bout("backward", "walking", 0.8, 30)],
    "mixed running": [
        Bout("forward", "running", 3.0, 20),
        Bout("backward", "running", 2.5, 20),
        Bout("forward", "running", 3.5, 20),
        Bout("backward", "running", 2.0, 20),
    ],
    "mixed walking+running": [
        Bout("forward", "walking", 1.3, 15),
        Bout("backward", "walking", 0.8, 15),
        Bout("forward", "running", 3.0, 15),
        Bout("backward", "running", 2.5, 15),
    ],
}
SIM_PLACEMENTS = ("foot", "shank", "lower_back")
SIM_RATE_HZ = 200.0


def simulated_case(placement: str, bouts: list[Bout], seed: int = 1) -> dict[str, float]:
    """Accuracy of analyze() on one simulated session against the simulator's truth."""
    sim = simulate(
        SimulationConfig(placement, bouts, sample_rate_hz=SIM_RATE_HZ, seed=seed, version=SIMULATOR["version"])
    )
    steps = retrogait.analyze(sim.session).steps
    truth = sim.truth
    if placement in ("foot", "shank"):  # one sensor sees the contacts of its own leg
        truth = truth[truth["side"] == sim.config.side]
    truth = truth.reset_index(drop=True)
    tp, fp, fn, pairs = match(truth["ic_time_s"].to_numpy(), steps["ic_time_s"].to_numpy())
    ref = truth.iloc[[i for i, _ in pairs]].reset_index(drop=True)
    det = steps.iloc[[j for _, j in pairs]].reset_index(drop=True)
    ic_err = (det["ic_time_s"] - ref["ic_time_s"]).to_numpy()
    tc_err = (det["contact_time_s"] - ref["contact_time_s"]).to_numpy()
    imp = (det["impact_peak_g"] - ref["impact_peak_g"]).to_numpy()
    # bout cadence, one definition on both sides (ANALYSIS-16): 60 / mean step time over the contacts
    # inside the true bout, ours from every detection there (a spurious or missed contact counts), the
    # truth from its own contacts (one-leg placements: a step is half a stride)
    cad_err = []
    per_leg = placement in ("foot", "shank")
    det_t = steps["ic_time_s"].to_numpy()
    for _, rows in truth.groupby("bout_id"):
        t_true = rows["ic_time_s"].to_numpy()
        inside = (det_t >= t_true[0] - TOLERANCE_S) & (det_t <= t_true[-1] + TOLERANCE_S)
        mine, n_times = mean_cadence_spm(steps["step_time_s"].to_numpy(dtype=float)[inside][1:])
        if n_times and t_true.size > 1:
            cad_err.append(mine - 60.0 / np.mean(np.diff(t_true) / (2.0 if per_leg else 1.0)))
    known_fs = ref["foot_strike"].notna()
    classified = det["foot_strike"] != "unknown"
    return {
        "f1": f1(tp, fp, fn),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "ic_ms": 1000 * _nanmedian(ic_err),
        "tc_ms": 1000 * _nanmedian(np.abs(tc_err)),
        "cad_spm": _nanmax(np.abs(cad_err)),
        "impact_g": _nanmedian(np.abs(imp)),
        "direction": float(np.mean(det["direction"] == ref["direction"])) if len(det) else float("nan"),
        "foot_strike": _share(det["foot_strike"][known_fs] == ref["foot_strike"][known_fs], classified[known_fs]),
        "strike_classified": float(np.mean(classified[known_fs])) if known_fs.any() else float("nan"),
    }


def _share(hit: pd.Series, among: pd.Series) -> float:
    """Share of ``hit`` among the rows where ``among`` is True (NaN when there are none)."""
    return float(np.mean(hit[among])) if among.any() else float("nan")


def _nanmedian(x: NDArray[np.float64] | list[float]) -> float:
    a = np.asarray(x, dtype=float)
    return float(np.median(a[np.isfinite(a)])) if np.isfinite(a).any() else float("nan")


def _nanmax(x: NDArray[np.float64] | list[float]) -> float:
    a = np.asarray(x, dtype=float)
    return float(np.max(a[np.isfinite(a)])) if np.isfinite(a).any() else float("nan")


SIM_COLUMNS = (
    "placement",
    "case",
    "F1 (tp/fp/fn)",
    "IC err",
    "|tc err|",
    "max |cad err|",
    "|impact err|",
    "direction",
    "strike ok (called)",
)


def simulated() -> list[tuple[str, ...]]:
    """One row per placement and case (medians over matched contacts; cadence: worst bout)."""
    rows = []
    for placement in SIM_PLACEMENTS:
        for case, bouts in SIM_CASES.items():
            r = simulated_case(placement, bouts)
            rows.append(
                (
                    placement,
                    case,
                    f"{r['f1']:.3f} ({r['tp']}/{r['fp']}/{r['fn']})",
                    f"{r['ic_ms']:+.0f} ms",
                    f"{r['tc_ms']:.0f} ms",
                    f"{r['cad_spm']:.2f} spm",
                    f"{r['impact_g']:.2f} g",
                    f"{100 * r['direction']:.1f} %",
                    f"{100 * r['foot_strike']:.0f} % ({100 * r['strike_classified']:.0f} %)",
                )
            )
    return rows


def loading_rate_contrast(seed: int = 1) -> str:
    """Lower-back vGRF loading rate, forward vs backward running: how many matched steps get a value (the
    others carry a reason in vgrf_flags) and the medians, ours and the simulator's truth (which measures
    it up to the impact peak when there is one)."""
    parts = []
    for case in ("forward running", "backward running"):
        sim = simulate(
            SimulationConfig(
                "lower_back", SIM_CASES[case], sample_rate_hz=SIM_RATE_HZ, seed=seed, version=SIMULATOR["version"]
            )
        )
        steps = retrogait.analyze(sim.session).steps
        _, _, _, pairs = match(sim.truth["ic_time_s"].to_numpy(), steps["ic_time_s"].to_numpy())
        ours = steps["vgrf_loading_rate_bw_per_s"].to_numpy()[[j for _, j in pairs]]
        truth = sim.truth["vgrf_loading_rate_bw_per_s"].to_numpy()[[i for i, _ in pairs]]
        flags = steps["vgrf_flags"].iloc[[j for _, j in pairs]].value_counts().to_dict()
        parts.append(
            f"{case}: ours {_nanmedian(ours):.1f} BW/s on {int(np.isfinite(ours).sum())} of {len(pairs)} steps "
            f"(flags {flags}), truth {_nanmedian(truth):.1f}"
        )
    return "lower-back vGRF loading rate: " + "; ".join(parts)


def _print(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    Console(width=160).print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = os.environ.get("RETROGAIT_SHARED_DATA") or str(Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--data", default=default)
    parser.add_argument("--only", choices=("real", "simulated"), default=None, help="run one part only")
    add_simulator_version(parser)
    args = parser.parse_args()
    SIMULATOR["version"] = args.simulator_version
    root = Path(args.data)
    rows: list[tuple[str, ...]] = []
    if args.only != "simulated":
        if not root.is_dir():
            raise SystemExit(f"validate: no data folder at {root} (set RETROGAIT_SHARED_DATA)")
        running_sacral_grf(root, rows)
        lowerback_walking(root, rows)
        foot_walking(root, rows)
        _print("retrogait analysis validation: real recordings", ("data", "metric", "value", "goal"), rows)
    if args.only != "real":
        _print(
            f"retrogait analysis validation: simulated sessions ({SIM_RATE_HZ:g} Hz, seed 1; goals F1 >= 0.99, "
            "direction >= 99 %)",
            SIM_COLUMNS,
            simulated(),
        )
        Console(width=160).print(loading_rate_contrast())


if __name__ == "__main__":
    main()
