"""Direction in mixed sessions with turns and side-steps, and the reliability of its confidence (issue 17).

Usage::

    RETROGAIT_SHARED_DATA=../shared/data python scripts/validate_reliability.py [--seeds 3] [--no-real]

Validation sets:

* real recordings with their reference contacts (foot_walking with and without gyroscope,
  running_sacral_grf, lowerback_walking), the same time-reversed (kinematically backward gait) and
  with the facing unknown (validate_direction.real_cases);
* real recordings end to end (``retrogait.analyze`` on the files as a user gives them, forward and
  time-reversed), every detected step scored against the recording's one direction;
* simulated mixed sessions (foot, shank, lower back; one simulated person per seed: speeds within
  +-10 %, turn sense, mounting error within +-8 deg per axis, leg, sample rate) in three scenarios:
  ``protocol`` (walk slow and fast, jog, run, sprint, stand, turn round, walk backward fast on hard
  toes and slow, side-step left and right, with standing between), ``nostand`` (the same kinds of
  change without standing: run, turn, run backward, turn, walk, side-step, walk, walk backward,
  run) and ``stepturn`` (stepping turns of 2-4 steps mid-walk, mid-backward-walk, mid-run and at the
  end of a walk into backward walking); scored with the simulator's contacts and end to end (our
  contacts matched within 50 ms).

Prints, per set, the share of forward and backward steps labelled right, the share of side-steps
labelled ``sideways`` or ``unknown``, and the labels that are wrong with confidence >= 0.9; the
steps of the stepping turns and of the two strides after each turn; then the
reliability table (confidence bins vs observed accuracy) over all sets with the shipped settings,
and the evidence temperature fitted by leave-one-group-out cross-validation (groups: each real data
set with its variants, each simulated person), with its reliability table on the held-out groups
next to the in-sample one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

import retrogait
from retrogait.analysis.direction import direction_cues, direction_probabilities, step_directions
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.settings import DirectionSettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.stride_vectors import stride_vectors
from retrogait.analysis.zupt import rest_indices
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, simulate
from retrogait.simulate.config import DEFAULT_SIMULATOR_VERSION
from validate import add_simulator_version
from validate_direction import (
    _reversed_session,
    end_to_end_sessions,
    load_foot_walking,
    real_cases,
    shared_data_dir,
)

LABELS = np.array(["forward", "backward", "sideways"])
#: Confidence bins of the reliability table (left-closed).
BINS = (0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0 + 1e-9)
#: Evidence temperatures tried by the calibration fit.
TEMPERATURES = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


@dataclass(frozen=True)
class Scored:
    """One recording ready to classify: signals, contacts, the truth per contact and its groups."""

    name: str
    group: str  # cross-validation group: a real data set or a simulated person
    vset: str  # validation set it is reported in
    signals: BodySignals
    contacts: Contacts
    truth: np.ndarray  # forward / backward / sideways per contact ("none": a detection with no true step)
    #: per contact: "turning" (a stepping turn), "stride 1/2 after" (the strides after it), else ""
    turn_phase: np.ndarray | None = None
    #: end to end on simulated sessions: the true activity per detection ("none": no true step) and ours
    activity: tuple[np.ndarray, np.ndarray] | None = None
    #: end to end on simulated sessions: the true steps, and how many of them a detection was matched to
    coverage: tuple[int, int] | None = None


def _jitter(rng: np.random.Generator) -> Callable[[float], float]:
    return lambda v: float(v * (1.0 + 0.1 * rng.uniform(-1.0, 1.0)))


def protocol_bouts(rng: np.random.Generator) -> list[Bout]:
    """The held-back protocol: walk slow, walk fast, jog, run, sprint, turn round, walk backward fast
    (hard toe landings) and slow, side-step left and right; standing between the parts."""
    j = _jitter(rng)
    turn = float(rng.choice([-1.0, 1.0]) * rng.uniform(160.0, 200.0))
    return [
        Bout("still", "still", 0, 2.0),
        Bout("forward", "walking", j(1.0), 15.0),
        Bout("forward", "walking", j(1.7), 15.0),
        Bout("forward", "running", j(2.5), 15.0),
        Bout("forward", "running", j(3.6), 12.0),
        Bout("forward", "running", min(6.9, j(5.5)), 8.0),
        Bout("still", "still", 0, 1.0),
        Bout("still", "still", 0, float(rng.uniform(1.2, 2.0)), turn_deg=turn),
        Bout("still", "still", 0, 0.5),
        Bout("backward", "walking", j(1.6), 15.0, hard_landing=True),
        Bout("backward", "walking", j(0.7), 15.0),
        Bout("still", "still", 0, 1.0),
        Bout("left", "walking", j(0.5), 12.0),
        Bout("still", "still", 0, 1.0),
        Bout("right", "walking", j(0.6), 12.0),
        Bout("still", "still", 0, 2.0),
    ]


def nostand_bouts(rng: np.random.Generator) -> list[Bout]:
    """Changes of direction without standing: turns straight out of a run, side-steps between walks."""
    j = _jitter(rng)
    sense = float(rng.choice([-1.0, 1.0]))
    return [
        Bout("still", "still", 0, 1.0),
        Bout("forward", "running", j(3.0), 15.0),
        Bout("still", "still", 0, 1.3, turn_deg=sense * 180.0),
        Bout("backward", "running", j(2.5), 15.0),
        Bout("still", "still", 0, 1.3, turn_deg=-sense * 180.0),
        Bout("forward", "walking", j(1.3), 12.0),
        Bout("left" if sense > 0 else "right", "walking", j(0.6), 10.0),
        Bout("forward", "walking", j(1.2), 12.0),
        Bout("backward", "walking", j(1.0), 12.0),
        Bout("forward", "running", j(3.2), 12.0),
        Bout("still", "still", 0, 1.0),
    ]


def stepturn_bouts(rng: np.random.Generator) -> list[Bout]:
    """Stepping turns (the heading changes over 2-4 steps while the gait goes on): turning round
    mid-walk, mid-backward-walk and mid-run, and turning round at the end of a walk into backward
    walking without standing."""
    j = _jitter(rng)
    sense = float(rng.choice([-1.0, 1.0]))
    return [
        Bout("still", "still", 0, 1.0),
        Bout("forward", "walking", j(1.2), 14.0, turn_deg=sense * j(180.0), turn_steps=float(rng.choice([2, 3, 4]))),
        Bout("backward", "walking", j(1.0), 12.0, turn_deg=-sense * j(160.0), turn_steps=float(rng.choice([2, 3, 4]))),
        Bout("forward", "running", j(3.0), 12.0, turn_deg=sense * j(180.0), turn_steps=4.0),
        Bout("forward", "walking", j(1.3), 10.0, turn_deg=-sense * j(180.0), turn_at_s=7.5, turn_steps=3.0),
        Bout("backward", "walking", j(1.1), 10.0),
        Bout("still", "still", 0, 1.0),
    ]


SCENARIOS = {"protocol": protocol_bouts, "nostand": nostand_bouts, "stepturn": stepturn_bouts}
RATES_HZ = {"foot": (800.0, 200.0), "shank": (500.0, 200.0), "lower_back": (200.0, 100.0)}


def simulated(
    seeds: int,
    scenarios: tuple[str, ...] = tuple(SCENARIOS),
    first_seed: int = 1,
    trunk_momentum: bool | None = None,
    simulator_version: int = DEFAULT_SIMULATOR_VERSION,
) -> Iterator[Scored]:
    """Simulated mixed sessions, with the simulator's contacts and end to end; ``seeds`` people from
    ``first_seed`` on. Every scenario draws from the person's generator in the order of SCENARIOS, so
    leaving one out does not change the sessions of the others. ``trunk_momentum``: the simulator's (DIRECTION-35; None:
    the version's default); ``simulator_version``: SimulationConfig.version (SIM-13)."""
    for placement in ("foot", "shank", "lower_back"):
        for seed in range(first_seed, first_seed + seeds):
            rng = np.random.default_rng(1000 + seed)
            for scenario, bouts_of in SCENARIOS.items():
                bouts = bouts_of(rng)
                mounting = tuple(float(v) for v in rng.uniform(-8.0, 8.0, 3))  # drawn for a left-out one too
                if scenario not in scenarios:
                    continue
                config = SimulationConfig(
                    placement,
                    bouts,
                    sample_rate_hz=RATES_HZ[placement][seed % 2],
                    side=("left", "right")[seed % 2],
                    mounting_rotation_deg=mounting,
                    seed=seed,
                    trunk_momentum=trunk_momentum,
                    version=simulator_version,
                )
                result = simulate(config)
                truth = result.truth
                if placement != "lower_back":
                    truth = truth[truth["side"] == config.side].reset_index(drop=True)
                truth = truth.assign(turn_phase=turn_phases(bouts, truth, 1 if placement != "lower_back" else 2))
                group = f"sim person {seed}"
                name = f"sim {placement} {scenario} seed {seed} ({config.sample_rate_hz:g} Hz)"
                yield _with_true_contacts(name, group, result.session, truth, placement)
                e2e = name.replace("sim", "sim end to end", 1)
                yield _end_to_end(e2e, group, "simulated, end to end", result.session, truth)


def turn_phases(bouts: list[Bout], truth: pd.DataFrame, steps_per_stride: int, margin_s: float = 0.3) -> np.ndarray:
    """Per truth row: "turning" within a stepping turn (its window +- ``margin_s``), "stride 1 after" /
    "stride 2 after" for the next strides (``steps_per_stride`` rows each: 1 for one leg, 2 for both),
    else ""."""
    phase = np.full(len(truth), "", dtype=object)
    t = truth["ic_time_s"].to_numpy()
    start = 0.0
    for bout in bouts:
        window = bout.stepping_turn_s
        if window is not None:
            lo, hi = start + window[0] - margin_s, start + window[1] + margin_s
            phase[(t >= lo) & (t <= hi)] = "turning"
            after = np.flatnonzero(t > hi)
            phase[after[:steps_per_stride]] = "stride 1 after"
            phase[after[steps_per_stride : 2 * steps_per_stride]] = "stride 2 after"
        start += bout.duration_s
    return phase


def _with_true_contacts(name: str, group: str, session: Session, truth: pd.DataFrame, placement: str) -> Scored:
    signals = preprocess(session)
    ic = np.round((truth["ic_time_s"].to_numpy() - signals.t_s[0]) * signals.fs_hz).astype(np.int64)
    to_s = truth["to_time_s"].to_numpy()
    to = np.where(np.isfinite(to_s), np.round((np.nan_to_num(to_s) - signals.t_s[0]) * signals.fs_hz), -1)
    if placement == "lower_back":  # a sacral toe-off is a flight edge: none in walking (docs/analysis.md)
        to = np.where(truth["activity"].to_numpy() == "walking", -1, to)
    contacts = Contacts(ic, to.astype(np.int64), truth["side"].to_numpy().astype(str))
    direction = truth["direction"].to_numpy().astype(str)
    phase = truth["turn_phase"].to_numpy() if "turn_phase" in truth else None
    return Scored(name, group, "simulated, true contacts", signals, contacts, direction, phase)


def _end_to_end(name: str, group: str, vset: str, session: Session, truth: pd.DataFrame | str) -> Scored:
    """The pipeline's own contacts; each detection gets the truth of the true contact within 50 ms
    (``none`` if there is none), or the recording's one direction when ``truth`` is a string."""
    result = retrogait.analyze(session)
    det = result.steps["ic_time_s"].to_numpy(dtype=float)
    phase, activity = None, None
    if isinstance(truth, str):
        labels = np.full(det.size, truth)
    else:
        t = truth["ic_time_s"].to_numpy()
        labels = np.full(det.size, "none", dtype=object)
        phase = np.full(det.size, "", dtype=object)
        true_activity = np.full(det.size, "none", dtype=object)
        if det.size and t.size:
            near = np.abs(t[None, :] - det[:, None]).argmin(axis=1)
            ok = np.abs(t[near] - det) <= 0.05
            labels[ok] = truth["direction"].to_numpy()[near[ok]]
            true_activity[ok] = truth["activity"].to_numpy()[near[ok]]
            if "turn_phase" in truth:
                phase[ok] = truth["turn_phase"].to_numpy()[near[ok]]
        activity = (true_activity.astype(str), result.steps["activity"].to_numpy(dtype=str))
    labels = np.asarray(labels, dtype=str)
    coverage = None
    if not isinstance(truth, str):
        t = truth["ic_time_s"].to_numpy()
        found = np.abs(t[:, None] - det[None, :]).min(axis=1) <= 0.05 if det.size else np.zeros(t.size, dtype=bool)
        coverage = (int(t.size), int(found.sum()))
    return Scored(name, group, vset, result.signals, result.contacts, labels, phase, activity, coverage)


def real(root: Path) -> Iterator[Scored]:
    """Real recordings: reference contacts (with their variants) and end to end."""
    for case in real_cases(root):
        group = case.name.split("/")[0]
        variant = next((v for v in ("time-reversed", "unknown facing") if v in case.name), "")
        vset = "real, reference contacts" + (f" ({variant})" if variant else "")
        yield Scored(case.name, group, vset, case.signals, case.contacts, case.direction)
    for name, session in end_to_end_sessions(root):
        group = name.split("/")[0]
        yield _end_to_end(name, group, "real, end to end", session, "forward")
        yield _end_to_end(name + " [time-reversed]", group, "real, end to end", _reversed_session(session), "backward")


def stride_length_vs_mocap(root: Path) -> pd.DataFrame:
    """Strapdown stride length (stride_vectors.py, between our rest points from the mocap contacts)
    against motion capture on foot_walking: each mocap stride (start/end borders) is paired with our
    rest-to-rest stride nearest to it; turning strides (heading change > 45 deg) are left out."""
    folder = root / "foot_walking"
    position = pd.read_csv(folder / "position_sample.csv")
    position = position.rename(columns={position.columns[0]: "sensor"})
    mocap = position.groupby("s_id").agg(x=("pos_x", "last"), y=("pos_y", "last"))
    mocap_m = np.hypot(mocap["x"], mocap["y"])
    events = pd.read_csv(folder / "stride_events_sample.csv")
    rows = []
    for case in load_foot_walking(root):
        signals, side = case.signals, case.name.split("/")[1]
        rest = rest_indices(signals.acc_ms2, signals.gyr_dps, signals.fs_hz, case.contacts.ic_idx)
        vectors = stride_vectors(signals.acc_ms2, signals.gyr_dps, signals.fs_hz, rest)
        for _, stride in events[events["foot"] == side].iterrows():
            k = int(np.argmin(np.abs(rest[:-1] - stride["start"]) + np.abs(rest[1:] - stride["end"])))
            if abs(vectors.heading_change_deg[k]) <= 45.0:
                rows.append({"ours_m": vectors.horizontal_m[k], "mocap_m": mocap_m[stride["s_id"]]})
    out = pd.DataFrame(rows)
    out["error_m"] = out["ours_m"] - out["mocap_m"]
    return out


def classify(items: list[Scored], temperature: float | None = None) -> pd.DataFrame:
    """One row per scored step: truth, label, confidence, the probability of the truth."""
    rows = []
    for item in items:
        settings: DirectionSettings = preset(item.signals.placement).direction
        if temperature is not None:
            settings = replace(settings, evidence_temperature_factor=temperature)
        cues = direction_cues(item.signals, item.contacts, settings)
        probs = direction_probabilities(item.signals, item.contacts, settings, cues=cues).to_numpy()
        labelled = step_directions(item.signals, item.contacts, settings, cues=cues)
        label = labelled["direction"].to_numpy(dtype=str)
        conf = labelled["direction_confidence"].to_numpy(dtype=float)
        best = probs.argmax(axis=1)
        column = np.array([{"forward": 0, "backward": 1, "sideways": 2}.get(t, -1) for t in item.truth], dtype=int)
        p_truth = np.where(column >= 0, probs[np.arange(best.size), np.maximum(column, 0)], np.nan)
        rows.append(
            pd.DataFrame(
                {
                    "name": item.name,
                    "group": item.group,
                    "vset": item.vset,
                    "placement": item.signals.placement,
                    "truth": item.truth,
                    "turn_phase": item.turn_phase if item.turn_phase is not None else "",
                    "label": label,
                    "confidence": conf,
                    "p_truth": p_truth,
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out = out[out["truth"] != "none"]  # a detection without a true step has no right answer
    # for a side-step, unknown is an acceptable answer (the goal); for the others it is not wrong either
    out["labelled"] = out["label"] != "unknown"
    out["right"] = out["label"] == out["truth"]
    out["wrong"] = out["labelled"] & ~out["right"]
    return out


def goals(df: pd.DataFrame) -> pd.DataFrame:
    """Per validation set and placement: the issue's goals."""
    rows = []
    for (vset, placement), g in df.groupby(["vset", "placement"], sort=False):
        row: dict[str, object] = {"set": vset, "placement": placement, "steps": len(g)}
        for d in ("forward", "backward"):
            sub = g[g["truth"] == d]
            row[f"{d} right"] = f"{sub['right'].mean():.1%} of {len(sub)}" if len(sub) else "-"
        side = g[g["truth"] == "sideways"]
        ok = side["label"].isin(["sideways", "unknown"])
        row["side-steps sideways|unknown"] = f"{ok.mean():.1%} of {len(side)}" if len(side) else "-"
        row["side-steps sideways"] = f"{(side['label'] == 'sideways').mean():.1%}" if len(side) else "-"
        row["wrong at >= 0.9"] = int((g["wrong"] & (g["confidence"] >= 0.9)).sum())
        rows.append(row)
    return pd.DataFrame(rows)


def stepping_turns(df: pd.DataFrame) -> pd.DataFrame:
    """Per validation set and placement: the steps of stepping turns and the two strides after each,
    right / unknown / wrong (and wrong at >= 0.9)."""
    rows = []
    turning = df[df["turn_phase"] != ""]
    for (vset, placement, phase), g in turning.groupby(["vset", "placement", "turn_phase"], sort=False):
        rows.append(
            {
                "set": vset,
                "placement": placement,
                "steps": phase,
                "n": len(g),
                "right": f"{g['right'].mean():.1%}",
                "unknown": f"{(g['label'] == 'unknown').mean():.1%}",
                "wrong": int(g["wrong"].sum()),
                "wrong at >= 0.9": int((g["wrong"] & (g["confidence"] >= 0.9)).sum()),
            }
        )
    return pd.DataFrame(rows)


def coverage_table(items: list[Scored]) -> pd.DataFrame:
    """End to end on simulated sessions, per placement and scenario: the true steps (of the sensor's leg; both
    at the lower back), how many a detection was matched to within 50 ms (only those are scored above), and the
    sessions with none (every contact dropped, e.g. by the gait gate)."""
    rows = []
    for it in items:
        if it.coverage is not None:
            scenario = next((s for s in SCENARIOS if f" {s} " in it.name), "")
            rows.append({"placement": it.signals.placement, "scenario": scenario, "true": it.coverage[0]})
            rows[-1].update({"matched": it.coverage[1], "none found": int(it.coverage[1] == 0)})
    if not rows:
        return pd.DataFrame()
    out = pd.DataFrame(rows).groupby(["placement", "scenario"], sort=False).sum().reset_index()
    out["matched share"] = (out["matched"] / out["true"]).map(lambda v: f"{v:.1%}")
    return out


def activity_table(items: list[Scored]) -> pd.DataFrame:
    """End to end on simulated sessions, per placement and true direction: the share of matched steps
    whose activity (walking / running: a flight phase) is the truth's, and the share ``unknown``."""
    frames = [
        pd.DataFrame(
            {"placement": it.signals.placement, "truth": it.truth, "want": it.activity[0], "got": it.activity[1]}
        )
        for it in items
        if it.activity is not None
    ]
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    df = df[df["want"] != "none"]
    rows = []
    for (placement, truth), g in df.groupby(["placement", "truth"], sort=False):
        right, unknown = (g["got"] == g["want"]).mean(), (g["got"] == "unknown").mean()
        rows.append({"placement": placement, "direction": truth, "steps": len(g), "activity right": f"{right:.1%}"})
        rows[-1]["unknown"] = f"{unknown:.1%}"
    for placement, g in df.groupby("placement", sort=False):
        right, unknown = (g["got"] == g["want"]).mean(), (g["got"] == "unknown").mean()
        rows.append({"placement": placement, "direction": "all", "steps": len(g), "activity right": f"{right:.1%}"})
        rows[-1]["unknown"] = f"{unknown:.1%}"
    return pd.DataFrame(rows)


def reliability(df: pd.DataFrame) -> pd.DataFrame:
    """Confidence bins of the labelled steps vs the share of them that are right."""
    lab = df[df["labelled"]]
    bins = pd.cut(lab["confidence"], BINS, right=False)
    table = lab.groupby(bins, observed=False).agg(labels=("right", "size"), right=("right", "mean"))
    table["wrong"] = lab.groupby(bins, observed=False)["wrong"].sum()
    return table


def log_loss(df: pd.DataFrame) -> float:
    p = df["p_truth"].to_numpy(dtype=float)
    return float(-np.mean(np.log(np.clip(p[np.isfinite(p)], 1e-6, 1.0))))


def cross_validated(items: list[Scored]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float], float]:
    """Leave-one-group-out fit of the evidence temperature (minimum log-loss on the other groups);
    the held-out predictions pooled, the in-sample predictions, each group's fitted value and the
    in-sample one."""
    by_t = {t: classify(items, t) for t in TEMPERATURES}
    groups = sorted(by_t[TEMPERATURES[0]]["group"].unique())
    held_out = []
    fitted: dict[str, float] = {}
    for group in groups:
        losses = {t: log_loss(df[df["group"] != group]) for t, df in by_t.items()}
        best = min(losses, key=losses.__getitem__)
        fitted[group] = best
        held_out.append(by_t[best][by_t[best]["group"] == group])
    losses = {t: log_loss(df) for t, df in by_t.items()}
    in_sample_t = min(losses, key=losses.__getitem__)
    return pd.concat(held_out, ignore_index=True), by_t[in_sample_t], fitted, in_sample_t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="simulated people (seeds F..F+N-1)")
    parser.add_argument(
        "--first-seed", type=int, default=1, help="seed of the first simulated person (F; 4 with --seeds 3: held out)"
    )
    parser.add_argument("--no-real", action="store_true", help="skip the real recordings")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validated calibration")
    parser.add_argument(
        "--trunk-momentum",
        action="store_const",
        const=True,
        default=None,
        help="simulate the trunk's velocity changes (DIRECTION-35; on by default in simulator version 2)",
    )
    add_simulator_version(parser)
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"simulated scenarios, comma-separated ({', '.join(SCENARIOS)})",
    )
    args = parser.parse_args(argv)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 20)
    root = shared_data_dir()
    items: list[Scored] = []
    if not args.no_real:
        if root.is_dir():
            items += list(real(root))
        else:
            print(f"shared data not found at {root}; real recordings skipped", file=sys.stderr)
    if not args.no_real and root.is_dir():
        err = stride_length_vs_mocap(root)["error_m"].abs()
        print(
            f"Strapdown stride length vs motion capture (foot_walking, {err.size} strides): median |error| "
            f"{100 * err.median():.1f} cm, 90th percentile {100 * err.quantile(0.9):.1f} cm\n"
        )
    items += list(
        simulated(
            args.seeds, tuple(args.scenarios.split(",")), args.first_seed, args.trunk_momentum, args.simulator_version
        )
    )
    shipped = classify(items)
    print("Goals per validation set (shipped settings):")
    print(goals(shipped).to_string(index=False))
    if (shipped["turn_phase"] != "").any():
        print("\nStepping turns (scenario stepturn): the turning steps and the two strides after each turn:")
        print(stepping_turns(shipped).to_string(index=False))
    coverage = coverage_table(items)
    if not coverage.empty:
        print("\nEnd to end on the simulated sessions, true steps a detection was matched to (only those are scored):")
        print(coverage.to_string(index=False))
    print("\nActivity end to end on the simulated sessions (matched steps):")
    print(activity_table(items).to_string(index=False))
    print("\nReliability over all sets (shipped settings): confidence bin, labels, share right, wrong")
    print(reliability(shipped).to_string(float_format=lambda v: f"{v:.4f}"))
    wrong = shipped[shipped["wrong"] & (shipped["confidence"] >= 0.9)]
    print(f"\nwrong with confidence >= 0.9: {len(wrong)} of {int((shipped['confidence'] >= 0.9).sum())} labels")
    if len(wrong):
        print(wrong.groupby(["name", "truth", "label"]).size().to_string())
    if not args.no_cv:
        held_out, in_sample, fitted, t_all = cross_validated(items)
        print("\nEvidence temperature fitted by leave-one-group-out (min log-loss on the other groups):")
        print(", ".join(f"{g}: {t:g}" for g, t in fitted.items()) + f"; in-sample (all groups): {t_all:g}")
        table = pd.concat({"cross-validated": reliability(held_out), "in-sample": reliability(in_sample)}, axis=1)
        print(table.to_string(float_format=lambda v: f"{v:.4f}"))
        print(
            f"log-loss: shipped {log_loss(shipped):.4f}, cross-validated {log_loss(held_out):.4f}, "
            f"in-sample {log_loss(in_sample):.4f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
