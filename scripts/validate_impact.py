"""Impact load, sacral foot strike and contact timing on ../shared/data, in-sample and cross-validated.

Usage: python scripts/validate_impact.py [--data DIR]   (DIR: $RETROGAIT_SHARED_DATA or ../shared/data)

Every number is printed twice where anything was chosen on these recordings: in-sample, and
leave-one-trial-out (LOTO: the choice is made on the other trials and scored on the one left out).
Methods with nothing chosen on the data print "= in-sample". Issue 15; docs/validation.md, "Impact".

References (force plate, running_sacral_grf): contacts are GRF > 0.1 BW; the peak is the stance's
largest force; the loading rate is the average vertical loading rate of the simulator's truth
(docs/conventions.md): 20-80 % of the rise to the impact peak (the first local maximum in the first
30 % of stance) or, without one, to the force at 50 % of stance.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from rich.console import Console

import retrogait
from retrogait.analysis.bouts import segment_bouts, step_activity
from retrogait.analysis.contacts import detect_contacts
from retrogait.analysis.direction import step_directions
from retrogait.analysis.filters import in_g, lowpass
from retrogait.analysis.impact import step_timing
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.settings import TrunkStrikeSettings, VgrfSettings
from retrogait.analysis.transient import impact_transient_prominence
from retrogait.analysis.trunk_strike import (
    habit_evidence,
    habitual_shock_ratio,
    heel_shock_evidence,
    landing_shock_ratio,
    no_heel_shock,
    sacral_strikes,
)
from retrogait.analysis.vgrf import sacral_vgrf
from retrogait.session import Session, SessionMeta
from retrogait.simulate import Bout, SimulationConfig, simulate
from shared_recordings import lowerback_walking_reference, lowerback_walking_session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate import _print, average_loading_rate, f1, match

FS_SACRAL_HZ = 500.0
#: Bands paired (shock band, transient band) by the LOTO check of the band choice (Hz).
SHOCK_BANDS = ((12.0, 40.0), (15.0, 60.0), (20.0, 80.0))


# ------------------------------------------------------------------------------------ sacral running


def sacral_trials(root: Path) -> list[dict]:
    """The 11 force-plate trials: signals, plate force, video strike class, speed and slope."""
    folder = root / "running_sacral_grf"
    acc = np.loadtxt(folder / "Accelerometer_dev.csv", delimiter=",")
    grf = np.loadtxt(folder / "GRF_dev.csv", delimiter=",")
    info = pd.read_csv(folder / "Sub_Info_dev.csv")
    n = grf.shape[1]
    trials = []
    for k in range(grf.shape[0]):
        strike = "rearfoot" if info["RFS"][k] >= 50 else ("midfoot" if info["MFS"][k] >= 50 else "forefoot")
        session = Session(
            np.arange(n) / FS_SACRAL_HZ,
            np.column_stack([acc[k, n:], np.zeros(n), acc[k, :n]]),
            None,
            SessionMeta("lower_back", FS_SACRAL_HZ, anterior_axis="+x", vertical_axis="+z"),
        )
        trials.append(
            {
                "trial": int(info["trial"][k]),
                "session": session,
                "force": grf[k],
                "strike": strike,
                "speed": float(info["Speed"][k]),
                "slope": float(info["Slope"][k]),
            }
        )
    return trials


def plate_stances(force: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(on, off) sample indices of stances fully inside the trial (GRF > 0.1 BW)."""
    n = force.size
    on = np.flatnonzero((force[1:] > 0.1) & (force[:-1] <= 0.1)) + 1
    off = np.flatnonzero((force[1:] <= 0.1) & (force[:-1] > 0.1)) + 1
    on = on[(on > 0.1 * FS_SACRAL_HZ) & (on < n - 0.1 * FS_SACRAL_HZ)]
    on = np.asarray([o for o in on if np.any(off > o)], dtype=np.int64)
    return on, np.asarray([off[off > o][0] for o in on], dtype=np.int64)


def sacral_steps(
    trial: dict, strike_settings: TrunkStrikeSettings | None = None, vgrf_settings: VgrfSettings | None = None
) -> pd.DataFrame:
    """Per plate stance matched within 50 ms: reference values, the method's outputs and the old ones."""
    signals = preprocess(trial["session"])
    contacts = detect_contacts(signals)
    timing = step_timing(signals, contacts)
    activity = step_activity(signals, contacts, timing)
    _, bout_id, bout_activity = segment_bouts(signals, contacts, timing, activity)
    direction = step_directions(signals, contacts)["direction"].to_numpy(dtype=object)
    walking = contacts.to_idx < 0
    own = landing_shock_ratio(signals, contacts, strike_settings)
    ratio = habitual_shock_ratio(own, bout_id, strike_settings)
    evidence = habit_evidence(own, bout_id, strike_settings)
    label, confidence = sacral_strikes(ratio, direction, walking, strike_settings, evidence)
    running = ~walking & (np.where(bout_id >= 0, bout_activity, activity) == "running")
    vgrf = sacral_vgrf(signals, contacts, timing, running, no_heel_shock(ratio, strike_settings), vgrf_settings)
    old_rate = _old_loading_rate(signals, contacts, timing)
    old_strike = np.where(walking, "unknown", _old_prominence_classes(impact_transient_prominence(signals, contacts)))
    force = trial["force"]
    on, off = plate_stances(force)
    rows = []
    for i, j in match(on / FS_SACRAL_HZ, signals.t_s[contacts.ic_idx])[3]:
        stance = force[on[i] : off[i]]
        rows.append(
            {
                "trial": trial["trial"],
                "strike_truth": trial["strike"],
                "ref_peak_bw": float(stance.max()),
                "ref_loading_rate": average_loading_rate(stance, FS_SACRAL_HZ),
                "ref_contact_s": (off[i] - on[i]) / FS_SACRAL_HZ,
                "ref_step_s": float(np.mean(np.diff(on))) / FS_SACRAL_HZ,
                "shock_ratio": heel_shock_evidence(ratio)[j],
                "strike": label[j],
                "strike_confidence": confidence[j],
                "old_strike": old_strike[j],
                "contact_time_s": timing["contact_time_s"].iloc[j],
                "old_loading_rate": old_rate[j],
                **vgrf.iloc[j].to_dict(),
            }
        )
    return pd.DataFrame(rows)


def _old_loading_rate(signals: object, contacts: object, timing: pd.DataFrame) -> NDArray[np.float64]:
    """The loading rate before issue 15 (ANALYSIS-1): the 20-80 % slope of the 10 Hz sacral curve from its
    lowest value to its peak in the first half of stance (from 20 ms before the contact)."""
    from retrogait.analysis.signals import BodySignals, Contacts

    assert isinstance(signals, BodySignals) and isinstance(contacts, Contacts)
    fs = signals.fs_hz
    curve = lowpass(in_g(signals.acc_ms2[:, 2]), 10.0, fs)
    contact = timing["contact_time_s"].to_numpy(dtype=float)
    out = np.full(len(contacts), np.nan)
    for j, ic in enumerate(contacts.ic_idx):  # a validation script: one pass over steps is fine
        if not np.isfinite(contact[j]):
            continue
        seg = curve[max(ic - round(0.02 * fs), 0) : ic + max(round(0.5 * contact[j] * fs), 2) + 1]
        k = int(np.argmax(seg))
        kb = int(np.argmin(seg[: k + 1]))
        rise = seg[k] - seg[kb]
        part = seg[kb : k + 1]
        if rise <= 0 or part.size < 3:
            continue
        t20 = np.interp(0.2 * rise + seg[kb], part, np.arange(part.size))
        t80 = np.interp(0.8 * rise + seg[kb], part, np.arange(part.size))
        out[j] = 0.6 * rise / ((t80 - t20) / fs) if t80 > t20 else np.nan
    return out


def _old_prominence_classes(prominence: NDArray[np.float64]) -> NDArray[np.object_]:
    """The sacral strike classes before issue 15 (ANALYSIS-13): prominence >= 0.5 rearfoot, < 0.15 forefoot."""
    label = np.where(prominence >= 0.5, "rearfoot", np.where(prominence < 0.15, "forefoot", "unknown"))
    return np.where(np.isfinite(prominence), label, "unknown").astype(object)


def _errors(est: pd.Series, ref: pd.Series) -> str:
    ok = np.isfinite(est.to_numpy(dtype=float)) & np.isfinite(ref.to_numpy(dtype=float))
    e, r = est.to_numpy(dtype=float)[ok], ref.to_numpy(dtype=float)[ok]
    if e.size < 3:
        return f"n {e.size}"
    rel = e / r - 1
    return (
        f"MAE {100 * np.mean(np.abs(rel)):.1f} % (median {100 * np.median(np.abs(rel)):.1f} %, bias "
        f"{100 * np.median(rel):+.1f} %), r {np.corrcoef(e, r)[0, 1]:.2f}, n {e.size}"
    )


def _coverage(lo: pd.Series, hi: pd.Series, ref: pd.Series) -> float:
    ok = np.isfinite(lo.to_numpy(dtype=float))
    inside = (ref >= lo) & (ref <= hi)
    return float(np.mean(inside[ok])) if ok.any() else float("nan")


def loto_shape_band(steps: pd.DataFrame) -> tuple[float, float]:
    """Coverage of the peak interval when its shape-factor band is the 5th-95th percentile of the plate's
    k = peak x contact time / step time: (taken from the other trials and scored on the left-out one,
    taken from all trials). The contact time uncertainty stays the shipped one."""
    k = steps["ref_peak_bw"] * steps["ref_contact_s"] / steps["ref_step_s"]
    du = VgrfSettings().contact_time_uncertainty_s
    tc = steps["contact_time_s"]
    step = 2 / np.pi * steps["vgrf_peak_bw"] * tc  # the estimate's step time: peak = (pi/2) step / contact

    def covered(lo_k: float, hi_k: float, rows: pd.Index) -> list[bool]:
        lo = lo_k * step[rows] / (tc[rows] + du)
        hi = hi_k * step[rows] / np.maximum(tc[rows] - du, du)
        ok = np.isfinite(lo)
        ref = steps.loc[rows, "ref_peak_bw"]
        return list(((ref >= lo) & (ref <= hi))[ok])

    loto: list[bool] = []
    for trial in steps["trial"].unique():
        test = steps.index[steps["trial"] == trial]
        lo_k, hi_k = np.percentile(k[steps["trial"] != trial], [5, 95])
        loto += covered(float(lo_k), float(hi_k), test)
    lo_all, hi_all = np.percentile(k, [5, 95])
    return float(np.mean(loto)), float(np.mean(covered(float(lo_all), float(hi_all), steps.index)))


def strike_per_trial(steps: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per trial: the majority of the called steps (``unknown`` when none is called or on a tie), its
    share among all steps, and the mean confidence of the majority's steps."""
    rows = []
    for trial, group in steps.groupby("trial"):
        called = group[group[column] != "unknown"]
        counts = called[column].value_counts()
        tie = len(counts) > 1 and counts.iloc[0] == counts.iloc[1]
        majority = "unknown" if counts.empty or tie else str(counts.index[0])
        conf = "strike_confidence" if column == "strike" else None
        mean_conf = (
            float(group.loc[group[column] == majority, conf].mean()) if conf and majority != "unknown" else np.nan
        )
        rows.append(
            {
                "trial": trial,
                "truth": group["strike_truth"].iloc[0],
                "majority": majority,
                "called": f"{len(called)}/{len(group)}",
                "confidence": mean_conf,
                "right": majority == group["strike_truth"].iloc[0],
                "wrong": majority not in ("unknown", group["strike_truth"].iloc[0]),
            }
        )
    return pd.DataFrame(rows)


Pair = tuple[tuple[float, float], tuple[float, float]]


def band_pair_trials(trials: list[dict]) -> dict[Pair, pd.DataFrame]:
    """Per (shock band, transient band) pair of ``SHOCK_BANDS`` (each unordered pair once; a band with
    itself is that band alone, the rule before the transient band): the strike per trial."""
    out = {}
    for i, shock in enumerate(SHOCK_BANDS):
        for transient in SHOCK_BANDS[: i + 1]:
            settings = replace(
                TrunkStrikeSettings(),
                shock_band_low_hz=shock[0],
                shock_band_high_hz=shock[1],
                transient_band_low_hz=transient[0],
                transient_band_high_hz=transient[1],
            )
            steps = pd.concat([sacral_steps(t, settings) for t in trials], ignore_index=True)
            out[(shock, transient)] = strike_per_trial(steps, "strike").set_index("trial")
    return out


def loto_band_pair(per_pair: dict[Pair, pd.DataFrame], two_bands: bool) -> tuple[int, int]:
    """Leave-one-trial-out choice among the pairs (``two_bands``: only pairs of two different bands, the
    shipped rule; else also each band alone): the pair with the most right trial majorities on the other
    trials scores the left-out trial; ties go against the left-out trial (its worst outcome among the tied
    pairs). Returns (right, wrong)."""
    pairs = {p: t for p, t in per_pair.items() if p[0] != p[1] or not two_bands}
    right = wrong = 0
    for trial in next(iter(pairs.values())).index:
        score = {p: int(t.drop(index=trial)["right"].sum()) for p, t in pairs.items()}
        tied = [p for p in pairs if score[p] == max(score.values())]
        worst = min(tied, key=lambda p: int(pairs[p].loc[trial, "right"]) - int(pairs[p].loc[trial, "wrong"]))
        right += bool(pairs[worst].loc[trial, "right"])
        wrong += bool(pairs[worst].loc[trial, "wrong"])
    return right, wrong


def sacral_running(root: Path, rows: list[tuple[str, ...]]) -> pd.DataFrame:
    trials = sacral_trials(root)
    steps = pd.concat([sacral_steps(t) for t in trials], ignore_index=True)
    name = "running_sacral_grf (11 trials)"
    cov_loto, cov_in = loto_shape_band(steps)
    reported = steps["vgrf_loading_rate_bw_per_s"].notna()
    ref_rate = steps["ref_loading_rate"]
    rate_cover = _coverage(steps["vgrf_loading_rate_bw_per_s_lo"], steps["vgrf_loading_rate_bw_per_s_hi"], ref_rate)
    flags = steps["vgrf_flags"].replace("", "(none)").value_counts().to_dict()
    rows += [
        (name, "peak vGRF (impulse, k = pi/2)", _errors(steps["vgrf_peak_bw"], steps["ref_peak_bw"]), "= in-sample"),
        (
            name,
            "peak interval covers the plate",
            f"{100 * _coverage(steps['vgrf_peak_bw_lo'], steps['vgrf_peak_bw_hi'], steps['ref_peak_bw']):.0f} % "
            f"(shipped band 1.4-1.75, +-10 ms); plate-derived band in-sample {100 * cov_in:.0f} %",
            f"LOTO {100 * cov_loto:.0f} %",
        ),
        (
            name,
            "loading rate, old method (all steps)",
            _errors(steps["old_loading_rate"], steps["ref_loading_rate"]),
            "-",
        ),
        (
            name,
            "loading rate, steps reported (no heel shock)",
            _errors(steps["vgrf_loading_rate_bw_per_s"], steps["ref_loading_rate"]),
            "= in-sample",
        ),
        (
            name,
            "loading-rate interval covers the plate",
            f"{100 * rate_cover:.0f} % of {int(reported.sum())}",
            "= in-sample",
        ),
        (name, "vgrf_flags", ", ".join(f"{k} {v}" for k, v in flags.items()), "-"),
    ]
    per_trial = strike_per_trial(steps, "strike")
    old = strike_per_trial(steps, "old_strike")
    per_pair = band_pair_trials(trials)
    two, one = loto_band_pair(per_pair, two_bands=True), loto_band_pair(per_pair, two_bands=False)
    table = "; ".join(
        f"{sh[0]:g}-{sh[1]:g}" + ("" if sh == tr else f" & {tr[0]:g}-{tr[1]:g}") + f" Hz {int(t['right'].sum())}/"
        f"{int(t['wrong'].sum())}"
        for (sh, tr), t in per_pair.items()
    )
    rows += [
        (
            name,
            "foot strike, trial majority right / wrong",
            f"{int(per_trial['right'].sum())} / {int(per_trial['wrong'].sum())} of {len(per_trial)} "
            f"(old prominence classes: {int(old['right'].sum())} / {int(old['wrong'].sum())})",
            f"nothing fitted: = in-sample; LOTO choice of the two bands (ties against the left-out trial) "
            f"{two[0]} / {two[1]} of {len(per_trial)}, of one or two bands {one[0]} / {one[1]}",
        ),
        (name, "foot strike right / wrong per band or pair of bands, in-sample", table, "-"),
        (
            name,
            "steps called wrong (confidence)",
            _wrong_calls(steps),
            "= in-sample",
        ),
        (name, "strike confidence reliability: wrong / called per bin", _reliability(steps), "= in-sample"),
    ]
    return per_trial.merge(
        pd.DataFrame([{"trial": t["trial"], "speed": t["speed"], "slope": t["slope"]} for t in trials]), on="trial"
    )


def _wrong_calls(steps: pd.DataFrame) -> str:
    called = steps[steps["strike"] != "unknown"]
    wrong = called[called["strike"] != called["strike_truth"]]
    if wrong.empty:
        return f"0 of {len(called)} called"
    return f"{len(wrong)} of {len(called)} called, confidence max {wrong['strike_confidence'].max():.2f}"


#: Confidence bins of the strike reliability row (IMPACT-15).
CONFIDENCE_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0)


def _reliability(steps: pd.DataFrame) -> str:
    """Wrong / called steps per confidence bin (the last bin holds 1.0)."""
    called = steps[steps["strike"] != "unknown"]
    confidence = called["strike_confidence"].to_numpy(dtype=float)
    wrong = (called["strike"] != called["strike_truth"]).to_numpy()
    parts = []
    for lo, hi in pairwise(CONFIDENCE_BINS):
        inside = (confidence >= lo) & ((confidence < hi) | (hi == CONFIDENCE_BINS[-1]))
        parts.append(
            f"[{lo:g}, {hi:g}{']' if hi == CONFIDENCE_BINS[-1] else ')'} {int(wrong[inside].sum())}/{int(inside.sum())}"
        )
    return "; ".join(parts)


# ------------------------------------------------------------------------------------ walking contacts


def lowerback_walking(root: Path, rows: list[tuple[str, ...]]) -> None:
    """Lower-back walking ICs vs INDIP and Stereophoto, per trial group; no parameter is chosen here."""
    folder = root / "lowerback_walking"
    for group in ("Test5", "Test11"):
        for system in ("INDIP", "Stereophoto"):
            tot = np.zeros(3, int)
            errors: list[float] = []
            cadence: list[float] = []
            for csv in sorted((folder / "HA_001").glob(f"*_{group}_*.csv")):
                session = lowerback_walking_session(csv)
                det = retrogait.analyze(session).steps["ic_time_s"].to_numpy()
                ref = lowerback_walking_reference(csv, system)
                for _, bout in ref.groupby("wb_id"):
                    lo, hi = bout["wb_start_s"].iloc[0], bout["wb_end_s"].iloc[0]
                    ref_t = bout["ic_time_s"].to_numpy()
                    mine = det[(det >= lo - 0.05) & (det <= hi + 0.05)]
                    tp, fp, fn, pairs = match(ref_t, mine)
                    tot += (tp, fp, fn)
                    errors += [mine[j] - ref_t[i] for i, j in pairs]
                    if mine.size > 1 and ref_t.size > 1:
                        cadence.append(_cadence(mine) - _cadence(ref_t))
            rows.append(
                (
                    f"lowerback_walking HA_001 {group} vs {system}",
                    "IC F1 (50 ms) / median error / max |bout cadence error|",
                    f"{f1(*tot):.3f} ({tot[0]}/{tot[1]}/{tot[2]}) / {1000 * np.median(errors):+.0f} ms / "
                    f"{np.max(np.abs(cadence)):.2f} spm",
                    "= in-sample",
                )
            )


def _cadence(ic_s: NDArray[np.float64]) -> float:
    return float(60.0 * (ic_s.size - 1) / (ic_s[-1] - ic_s[0]))


def foot_walking_reversed(root: Path, rows: list[tuple[str, ...]]) -> None:
    """Foot contacts in forward walking and in the same walk time-reversed (kinematically backward
    walking: the toe-off becomes a soft toe landing), against the mocap events."""
    folder = root / "foot_walking"
    data = pd.read_csv(folder / "imu_sample_not_rotated.csv", header=[0, 1], index_col=0)
    events = pd.read_csv(folder / "stride_events_sample.csv")
    fs = 204.8
    for reverse in (False, True):
        tot = np.zeros(3, int)
        errors: list[float] = []
        for side in ("left", "right"):
            x = data[f"{side}_sensor"]
            n = len(x)
            acc = x[["acc_x", "acc_y", "acc_z"]].to_numpy()
            gyr = x[["gyr_x", "gyr_y", "gyr_z"]].to_numpy()
            if reverse:  # positions retrace: acceleration keeps its sign, angular rate flips
                acc, gyr = acc[::-1], -gyr[::-1]
            session = Session(np.arange(n) / fs, acc, gyr, SessionMeta("foot", fs, side=side))
            det = retrogait.analyze(session).steps["ic_time_s"].to_numpy()
            ev = events[events["foot"] == side]
            ref = np.sort((n - 1) / fs - ev["tc"].to_numpy() / fs) if reverse else np.sort(ev["ic"].to_numpy() / fs)
            det = det[(det >= ref.min() - 0.5) & (det <= ref.max() + 0.5)]
            tp, fp, fn, pairs = match(ref, det)
            tot += (tp, fp, fn)
            errors += [det[j] - ref[i] for i, j in pairs]
        label = "time-reversed (toe landings)" if reverse else "forward"
        rows.append(
            (
                f"foot_walking {label}",
                "IC F1 (50 ms) / median error",
                f"{f1(*tot):.3f} ({tot[0]}/{tot[1]}/{tot[2]}) / {1000 * np.median(errors):+.0f} ms",
                "= in-sample",
            )
        )


# ------------------------------------------------------------------------------------------ simulated

#: Lower-back running cases of the simulator: (direction, strike, speed m/s).
SIM_STRIKES = (
    ("forward", "rearfoot", 3.0),
    ("forward", "midfoot", 3.0),
    ("forward", "forefoot", 3.3),
    ("backward", "forefoot", 2.5),
)


def simulated_sacrum(rows: list[tuple[str, ...]]) -> None:
    """Sacral strike labels, shock ratio and loading rate on simulated lower-back running (500 Hz, seed 1),
    against the simulator's truth (its sacrum is the centre of mass: docs/simulator.md)."""
    for direction, strike, speed in SIM_STRIKES:
        sim = simulate(
            SimulationConfig("lower_back", [Bout(direction, "running", speed, 20, foot_strike=strike)], 500.0, seed=1)
        )
        signals = preprocess(sim.session)
        contacts = detect_contacts(signals)
        timing = step_timing(signals, contacts)
        zeros = np.zeros(len(contacts), dtype=np.int64)
        own = landing_shock_ratio(signals, contacts)
        ratio = habitual_shock_ratio(own, zeros)
        dirs = step_directions(signals, contacts)["direction"].to_numpy(dtype=object)
        label, _ = sacral_strikes(ratio, dirs, contacts.to_idx < 0, evidence=habit_evidence(own, zeros))
        vgrf = sacral_vgrf(signals, contacts, timing, contacts.to_idx >= 0, no_heel_shock(ratio))
        _, _, _, pairs = match(sim.truth["ic_time_s"].to_numpy(), signals.t_s[contacts.ic_idx])
        truth_rate = sim.truth["vgrf_loading_rate_bw_per_s"].to_numpy()[[i for i, _ in pairs]]
        ours = vgrf["vgrf_loading_rate_bw_per_s"].to_numpy()[[j for _, j in pairs]]
        values, counts = np.unique(label, return_counts=True)
        rate = (
            f"{np.nanmedian(ours):.1f} vs truth {np.nanmedian(truth_rate):.1f} BW/s"
            if np.isfinite(ours).any()
            else f"NaN (truth {np.nanmedian(truth_rate):.1f} BW/s)"
        )
        rows.append(
            (
                f"simulated lower back, {direction} {strike} {speed:g} m/s",
                "shock ratio / labels / loading rate",
                f"{np.nanmedian(heel_shock_evidence(ratio)):.1f} / "
                + ", ".join(f"{v} {c}" for v, c in zip(values, counts, strict=True))
                + f" / {rate}",
                "= in-sample",
            )
        )


# ------------------------------------------------------------------------------------------- output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = os.environ.get("RETROGAIT_SHARED_DATA") or str(Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--data", default=default)
    args = parser.parse_args()
    root = Path(args.data)
    if not root.is_dir():
        raise SystemExit(f"validate_impact: no data folder at {root} (set RETROGAIT_SHARED_DATA)")
    rows: list[tuple[str, ...]] = []
    sections: list[Callable[[Path, list[tuple[str, ...]]], object]] = [
        sacral_running,
        lowerback_walking,
        foot_walking_reversed,
    ]
    per_trial = None
    for section in sections:
        result = section(root, rows)
        if isinstance(result, pd.DataFrame):
            per_trial = result
    simulated_sacrum(rows)
    _print("retrogait impact validation (issue 15)", ("data", "metric", "in-sample", "cross-validated"), rows)
    if per_trial is not None:
        Console(width=200).print(per_trial.round(2).to_string(index=False))


if __name__ == "__main__":
    main()
