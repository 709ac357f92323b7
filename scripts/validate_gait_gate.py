"""The gait gate (gait_gate.py) on every real recording that holds gait, on the simulator's gait, under contact
jitter and other contact detectors, and its cross-validation (issue 12 item 3, issue 11 item 4; PHONE-9).

Usage:
    RETROGAIT_SHARED_DATA=../shared/data python scripts/validate_gait_gate.py            # everything (~4 min)
    python scripts/validate_gait_gate.py --only real|sim|cv [--jitter-seeds 5]

Parts (docs/validation.md, "Not gait is not steps"):
* real: per recording, the contacts the detector finds where the recording holds gait (reference bouts,
  the whole trial, or the walk found by inspection: said per row), how many the gate drops there, the
  worst of ``--jitter-seeds`` runs with every contact moved by a uniform +-50 ms before the gate, and the
  gate on the contacts of the placement's other detector (lower back: the steepest rise before IMPACT-6;
  foot: the impact alone before IMPACT-7; phones: the step's peak instead of its landing). Contacts
  outside gait: kept / found. Real recordings that hold no gait: steps found (0 expected).
* sim: the same for the simulator (lower back, shank, foot; walking and running, forward and backward),
  the lower-back simulation counted as a phone on the chest, the synthetic pocket walk, and sample_data.
* cv: the two tuned thresholds (``min_periodicity_correlation``, ``max_stride_cv_ratio``) chosen on a
  grid: leave one real recording out (chosen on the other recordings and the goal's non-gait kinds,
  scored on the held-out recording's gait contacts) and leave one non-gait kind out (chosen on every real
  recording and the other kinds, scored on the held-out kind), next to the shipped values in-sample;
  the harsher kinds are scored, never chosen on. Then the margins of both thresholds.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

import retrogait.analysis.contacts as contacts_module
import retrogait.analysis.phone_steps as phone_steps_module
from retrogait.analysis.contacts import detect_contacts
from retrogait.analysis.gait_gate import RunMeasures, contact_verdicts, decide, measure_runs
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.settings import AnalysisSettings
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.conventions import ONE_LEG_PLACEMENTS, STEP_COUNT_PLACEMENTS
from retrogait.imports import load_session
from retrogait.session import Session, SessionMeta
from retrogait.simulate import Bout, SimulationConfig, simulate
from retrogait.simulate.nongait import HARSH_KINDS, KINDS, non_gait, pocket_walk

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate_contact_timing import lb_raw, lb_refs, lb_session, steepest_rise, walking_marker
from validate_phone import load_traces

WHOLE = [(0.0, np.inf)]
JITTER_S = 0.05
#: GENEActiv demo: gaitpy's unix-ms times count the file's local clock (10:25:50.000 = its first sample) as UTC.
GENEACTIV_T0_MS = 1565087150000.0
GRID = {"min_periodicity_correlation": (0.15, 0.2, 0.25, 0.3, 0.35), "max_stride_cv_ratio": (0.1, 0.15, 0.2, 0.25, 0.3)}
NONGAIT_PLACEMENTS = ("thigh", "hand", "other", "lower_back", "shank", "foot")


@dataclass(frozen=True)
class Recording:
    """A recording and where it holds gait (s), with how that was found."""

    name: str
    session: Session
    gait_s: list[tuple[float, float]]
    where: str
    true_steps: int | None = None


def _linear(path: Path, placement: str, time_column: str, columns: list[str]) -> Session:
    """A gravity-removed export (phyphox Linear Acceleration, Physics Toolbox ax/ay/az) as a session marked
    ``acc_gravity: removed`` (the importers refuse these until the generic reader lands, issue 11 item 1)."""
    data = pd.read_csv(path)
    t = data[time_column].to_numpy(float)
    t = t - t[0]
    meta = SessionMeta(placement, round((t.size - 1) / (t[-1] - t[0]), 3), acc_gravity="removed")
    return Session(t, data[columns].to_numpy(float), None, meta, source=str(path))


def real_recordings(root: Path) -> Iterator[Recording]:
    """Every recording in ../shared/data that holds gait, with where it does."""
    folder = root / "running_sacral_grf"
    acc = np.loadtxt(folder / "Accelerometer_dev.csv", delimiter=",")
    n = acc.shape[1] // 2
    for k in range(acc.shape[0]):
        meta = SessionMeta("lower_back", 500.0, anterior_axis="+x", vertical_axis="+z")
        specific = np.column_stack([acc[k, n:], np.zeros(n), acc[k, :n]])
        yield Recording(f"running_sacral_grf trial {k + 1}", Session(np.arange(n) / 500.0, specific, None, meta),
                        WHOLE, "whole trial (force plate)")  # fmt: skip
    for csv in sorted((root / "lowerback_walking" / "HA_001").glob("*.csv")):
        session = lb_session(*lb_raw(root, csv.stem), 100.0)
        ref = lb_refs(root, csv.stem, "INDIP")
        bouts = [(float(b["wb_start_s"].iloc[0]), float(b["wb_end_s"].iloc[0])) for _, b in ref.groupby("wb_id")]
        yield Recording(f"lowerback_walking {csv.stem.split('_', 1)[1]}", session, bouts, "INDIP bouts")
    data = pd.read_csv(root / "foot_walking" / "imu_sample_not_rotated.csv", header=[0, 1], index_col=0)
    for side in ("left", "right"):
        x = data[f"{side}_sensor"]
        session = Session(np.arange(len(x)) / 204.8, x[["acc_x", "acc_y", "acc_z"]].to_numpy(),
                          x[["gyr_x", "gyr_y", "gyr_z"]].to_numpy(), SessionMeta("foot", 204.8, side=side))  # fmt: skip
        yield Recording(f"foot_walking {side}", session, WHOLE, "whole recording (mocap)")
    formats = root / "formats"
    gaitpy = pd.read_csv(formats / "geneactiv_gaitpy" / "demo_gait_features.csv")
    bouts = [((b["IC"].min() - GENEACTIV_T0_MS) / 1000 - 1.0, (b["IC"].max() - GENEACTIV_T0_MS) / 1000 + 1.0)
             for _, b in gaitpy.groupby("bout_number")]  # fmt: skip
    yield Recording("geneactiv_gaitpy demo (lower back)", load_session(formats / "geneactiv_gaitpy" / "demo_data.csv",
                    placement="lower_back"), bouts, "gaitpy's bouts +-1 s")  # fmt: skip
    metawear = load_session(formats / "metawear_chenliseu_lowerback" / "Accelerometer.csv", placement="lower_back")
    yield Recording("metawear_chenliseu (lower back)", metawear, [(21.0, 41.0)],
                    "the walk, by inspection (gaitpy's times do not match this file)")  # fmt: skip
    movesense = load_session(formats / "movesense_json_tjrantal" / "MovesenseLog_2_625.json", placement="foot")
    yield Recording("movesense_json_tjrantal (foot)", movesense, [(40.0, 57.0)],
                    "the walk, by inspection (1.1-1.2 s strides; hops after it)")  # fmt: skip
    for name in ("Accelerometer.csv", "Accelerometer_2.csv"):
        yield Recording(f"phyphox_lucadomene {name} (other)",
                        load_session(formats / "phyphox_lucadomene_gaitlab" / name, placement="other"),
                        WHOLE, "whole recording (walking throughout, by inspection)")  # fmt: skip
    otato = formats / "phyphox_otatoYL_walk" / "data"
    cols = [f"Linear Acceleration {a} (m/s^2)" for a in "xyz"]
    for name, placement, gait in (("ankle_walk(1)", "shank", [(1.5, 12.5)]), ("hand_walk(1)", "hand", WHOLE),
                                  ("pocket_walk(1)", "thigh", WHOLE)):  # fmt: skip
        session = _linear(otato / f"{name}.csv", placement, "Time (s)", cols)
        yield Recording(f"phyphox_otatoYL {name} ({placement}, gravity removed)", session, gait,
                        "the walk, by inspection")  # fmt: skip
    huy = formats / "physicstoolbox_huy"
    for name, placement, gait, steps in (("ankle1_100", "shank", [(13.0, 78.0)], 100),
                                         ("pocket1_114", "thigh", [(8.0, 82.0)], 114)):  # fmt: skip
        session = _linear(huy / f"{name}.csv", placement, "time", ["ax (m/s^2)", "ay (m/s^2)", "az (m/s^2)"])
        yield Recording(f"physicstoolbox_huy {name} ({placement}, gravity removed)", session, gait,
                        "the walk, by inspection (handling before and after)", steps)  # fmt: skip
    for row, session in load_traces(root):
        yield Recording(f"phone_positions {row.trace} ({session.meta.placement})", session, WHOLE,
                        "whole trace (true count)", int(row.true_steps))  # fmt: skip


def real_without_gait(root: Path) -> Iterator[Recording]:
    """Real recordings that hold no gait (0 steps expected)."""
    formats = root / "formats"
    polar = load_session(formats / "polar_sensor_logger_biobss" / "Polar_Sense_ACC.txt", placement="wrist")
    yield Recording("polar_sensor_logger_biobss ACC (wrist, resting)", polar, [], "")
    android = load_session(formats / "sensorlogger_android_malimsZen" / "TotalAcceleration.csv", placement="hand")
    yield Recording("sensorlogger_android_malimsZen (hand, held)", android, [], "")


def simulated_recordings() -> Iterator[Recording]:
    """The simulator's gait for every placement it models, as a phone on the chest, a pocket walk, sample_data."""
    still = Bout("still", "still", 0.0, 2.0)
    cases = {
        "walking forward 1.3 m/s": Bout("forward", "walking", 1.3, 30),
        "walking forward 0.8 m/s": Bout("forward", "walking", 0.8, 30),
        "walking backward 0.8 m/s": Bout("backward", "walking", 0.8, 30),
        "walking backward 1.2 m/s": Bout("backward", "walking", 1.2, 30),
        "running forward 3.0 m/s": Bout("forward", "running", 3.0, 30),
        "running backward 2.5 m/s": Bout("backward", "running", 2.5, 30),
    }
    for placement in ("lower_back", "shank", "foot", "chest"):
        for name, bout in cases.items():
            sim = simulate(SimulationConfig(placement if placement != "chest" else "lower_back", [still, bout, still],
                                            sample_rate_hz=200.0, seed=1))  # fmt: skip
            session = replace(sim.session, meta=replace(sim.session.meta, placement=placement))
            yield Recording(f"simulated {placement}: {name}", session, WHOLE, "simulator")
    for placement in ("lower_back", "shank", "foot"):  # a walk that turns back, where detectors miss landings
        for speed, seed in itertools.product((0.6, 1.3), range(3, 8)):
            bouts = [still, Bout("forward", "walking", speed, 20), Bout("backward", "walking", speed, 15), still]
            sim = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=seed))
            yield Recording(f"simulated {placement}: walking {speed} m/s forward, then backward, seed {seed}",
                            sim.session, WHOLE, "simulator")  # fmt: skip
    for weak in (0.5, 0.2, 0.0):
        walk = pocket_walk(weak_leg=weak, turn_at_s=30.0)
        yield Recording(f"pocket walk, other leg x{weak:g}, turns over (thigh)", walk.session, WHOLE, "synthetic",
                        walk.step_times_s.size)  # fmt: skip
    for csv in sorted((Path(__file__).resolve().parents[1] / "sample_data").glob("*.csv")):
        if not csv.stem.endswith("_truth"):
            yield Recording(f"sample_data {csv.stem}", load_session(csv), WHOLE, "simulator")


def _print(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A Markdown table (docs/validation.md takes it as printed)."""
    print(f"\n{title}\n")
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(row) + " |")


@contextmanager
def other_detector(placement: str) -> Iterator[str]:
    """Detect contacts with the placement's other contact marker; yields its name ("" when there is none)."""
    if placement == "lower_back":
        with walking_marker(steepest_rise):
            yield "steepest rise (before IMPACT-6)"
        return
    if placement == "foot":
        shipped = contacts_module.first_touch
        contacts_module.first_touch = lambda *args: args[5]  # type: ignore[assignment]  # impact_ic
        try:
            yield "impact only (before IMPACT-7)"
        finally:
            contacts_module.first_touch = shipped  # type: ignore[assignment]
        return
    if placement in STEP_COUNT_PLACEMENTS:
        landings = phone_steps_module.landings
        phone_steps_module.landings = lambda signals, peak_idx, *args: peak_idx  # type: ignore[assignment]
        try:
            yield "step peak, no landing (70-130 ms later)"
        finally:
            phone_steps_module.landings = landings  # type: ignore[assignment]
        return
    yield ""


@dataclass
class Gated:
    """One recording's contacts and the gate's verdicts."""

    signals: BodySignals
    settings: AnalysisSettings
    contacts: Contacts
    runs: RunMeasures
    in_gait: NDArray[np.bool_]

    @classmethod
    def of(cls, rec: Recording, contacts: Contacts | None = None, signals: BodySignals | None = None) -> Gated:
        settings = AnalysisSettings.for_placement(rec.session.meta.placement)
        signals = signals or preprocess(rec.session, settings=settings.preprocess, still=settings.still)
        if contacts is None:
            contacts = detect_contacts(signals, settings.contacts, settings.still, settings.phone_steps)
        t = contacts.ic_idx / signals.fs_hz
        in_gait = np.zeros(t.size, dtype=bool)
        for lo, hi in rec.gait_s:
            in_gait |= (t >= lo) & (t <= hi)
        runs = measure_runs(signals, contacts, one_leg=signals.placement in ONE_LEG_PLACEMENTS,
                            max_gap_s=settings.bouts.max_contact_gap_s, settings=settings.gait_gate,
                            band=settings.contacts, still=settings.still)  # fmt: skip
        return cls(signals, settings, contacts, runs, in_gait)

    def keep(self, **overrides: float) -> NDArray[np.bool_]:
        """The gate's verdict per contact, with the gait_gate settings ``overrides``."""
        if len(self.contacts) == 0:
            return np.zeros(0, dtype=bool)
        gate = replace(self.settings.gait_gate, **overrides)
        one_leg = self.signals.placement in ONE_LEG_PLACEMENTS
        reach = 2.0 * self.settings.bouts.max_contact_gap_s * self.signals.fs_hz
        return contact_verdicts(self.runs, gate, self.settings.contacts, one_leg, reach) == ""

    def jittered(self, rec: Recording, seed: int) -> tuple[Gated, NDArray[np.int64]]:
        """The gate on the contacts moved by a uniform +-JITTER_S, and where each original contact went."""
        rng = np.random.default_rng(seed)
        fs = self.signals.fs_hz
        moved = self.contacts.ic_idx + np.rint(rng.uniform(-JITTER_S, JITTER_S, len(self.contacts)) * fs)
        moved = np.clip(moved, 0, self.signals.n_samples - 1).astype(np.int64)
        order = np.argsort(moved, kind="stable")
        contacts = Contacts(moved[order], self.contacts.to_idx[order], self.contacts.side[order])
        return Gated.of(rec, contacts, self.signals), np.argsort(order)


def gate_row(rec: Recording, jitter_seeds: int) -> tuple[str, ...]:
    """One table row: contacts in gait, dropped by the gate, under jitter, with the other detector, outside."""
    g = Gated.of(rec)
    keep = g.keep()
    dropped = int((~keep & g.in_gait).sum())
    worst, changed = 0, 0
    for seed in range(jitter_seeds):
        j, back = g.jittered(rec, seed)
        kj = j.keep()[back]
        worst = max(worst, int((~kj & g.in_gait).sum()))
        changed += int(((kj != keep) & g.in_gait).sum())
    with other_detector(rec.session.meta.placement) as variant:
        other = f"{int((~(o := Gated.of(rec, signals=g.signals)).keep() & o.in_gait).sum())} of {int(o.in_gait.sum())}"
    steps = ""
    if rec.true_steps:
        n = int(keep.sum()) * (2 if g.signals.placement in ONE_LEG_PLACEMENTS else 1)
        steps = f"{n} / {rec.true_steps} ({100.0 * (n - rec.true_steps) / rec.true_steps:+.1f} %)"
    return (
        rec.name,
        rec.where,
        str(int(g.in_gait.sum())),
        f"**{dropped}**" if dropped else "0",
        f"{worst} ({changed} changed)",
        f"{other} ({variant})" if variant else "-",
        f"{int((keep & ~g.in_gait).sum())} / {int((~g.in_gait).sum())}",
        steps,
    )


COLUMNS = (
    "recording",
    "gait (where)",
    "contacts in gait",
    "dropped by the gate",
    "jitter +-50 ms: worst dropped (verdicts changed, all seeds)",
    "other detector: dropped",
    "outside gait: kept / found",
    "steps kept / true",
)


def real(root: Path, jitter_seeds: int) -> None:
    rows = [gate_row(rec, jitter_seeds) for rec in real_recordings(root)]
    _print(f"Gait gate on real recordings that hold gait (jitter: {jitter_seeds} seeds)", COLUMNS, rows)
    rows = []
    for rec in real_without_gait(root):
        g = Gated.of(rec)
        rows.append((rec.name, str(len(g.contacts)), str(int(g.keep().sum()))))
    _print("Real recordings without gait (0 steps expected)", ("recording", "contacts found", "kept"), rows)


def sim(jitter_seeds: int) -> None:
    rows = [gate_row(rec, jitter_seeds) for rec in simulated_recordings()]
    _print(f"Gait gate on simulated gait and sample_data (jitter: {jitter_seeds} seeds)", COLUMNS, rows)


def _nongait_sessions() -> Iterator[tuple[str, Recording]]:
    for kind in (*KINDS, *HARSH_KINDS):
        for placement in NONGAIT_PLACEMENTS:
            for seed in range(3):
                yield kind, Recording(f"{kind} {placement} {seed}", non_gait(kind, placement, seed=seed), [], "")


def cross_validated(root: Path) -> None:
    """Leave one real recording out (gait kept) and leave one non-gait kind out (non-gait dropped). The
    thresholds are chosen on the goal's kinds (KINDS); the harsher kinds are only scored, never chosen on."""
    recordings = list(real_recordings(root))
    positives = [Gated.of(rec) for rec in recordings]
    negatives = [(kind, Gated.of(rec)) for kind, rec in _nongait_sessions()]
    kinds = np.array([k for k, _ in negatives])
    goal = np.isin(kinds, KINDS)
    combos = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    lost = np.array([[int((~g.keep(**c) & g.in_gait).sum()) for g in positives] for c in combos])  # (combos, recs)
    kept = np.array([[int(g.keep(**c).sum()) for _, g in negatives] for c in combos])  # (combos, sessions)
    default = combos.index({k: getattr(AnalysisSettings().gait_gate, k) for k in GRID})
    index = np.array(list(itertools.product(*(range(len(v)) for v in GRID.values()))))  # grid coordinates
    top = np.array([len(v) - 1 for v in GRID.values()])

    def choose(cost: NDArray[np.int64]) -> int:
        """The cheapest grid point; among equally cheap ones the farthest (in grid steps) from any dearer
        one and from the grid's edge (nothing is known beyond it): the middle of the cheap region."""
        best = cost == cost.min()
        room = np.minimum(index, top - index).min(axis=1) + 1
        if not best.all():
            room = np.minimum(room, np.abs(index[:, None, :] - index[None, ~best, :]).max(axis=2).min(axis=1))
        return int(np.flatnonzero(best)[np.argmax(room[best])])

    rows, total = [], 0
    for i, rec in enumerate(recordings):
        train = np.arange(len(recordings)) != i
        c = choose(lost[:, train].sum(axis=1) + kept[:, goal].sum(axis=1))
        total += lost[c, i]
        if lost[c, i] or lost[default, i]:
            rows.append((rec.name, str(combos[c]), str(lost[c, i]), str(lost[default, i])))
    rows.append((f"all {len(recordings)} real recordings (gait contacts dropped)", "-", str(total),
                 str(lost[default].sum())))  # fmt: skip
    for kind in KINDS:
        c = choose(lost.sum(axis=1) + kept[:, goal & (kinds != kind)].sum(axis=1))
        rows.append((f"non-gait '{kind}' (contacts kept)", str(combos[c]), str(kept[c, kinds == kind].sum()),
                     str(kept[default, kinds == kind].sum())))  # fmt: skip
    c = choose(lost.sum(axis=1) + kept[:, goal].sum(axis=1))
    for kind in HARSH_KINDS:
        rows.append((f"harsher '{kind}' (contacts kept; never chosen on)", str(combos[c]),
                     str(kept[c, kinds == kind].sum()), str(kept[default, kinds == kind].sum())))  # fmt: skip
    gait_runs = [_run_values(g, inside=True) for g in positives]
    periodic, irregular = (np.concatenate([v[i] for v in gait_runs]) for i in (0, 1))
    shipped = AnalysisSettings().gait_gate
    rows.append(("margins: real gait runs (every recording)", "-",
                 f"periodicity >= {periodic.min():.2f}, stride CV <= {irregular.max():.2f}",
                 f"thresholds {shipped.min_periodicity_correlation:g} / {shipped.max_stride_cv_ratio:g}"))  # fmt: skip
    for label, chosen in (("goal kinds", goal), ("harsher kinds", ~goal)):
        values = [_run_values(g, inside=False) for (_, g), keep in zip(negatives, chosen, strict=True) if keep]
        rep, cv = (np.concatenate([v[i] for v in values]) for i in (0, 1))
        top = rep[cv <= shipped.max_stride_cv_ratio].max(initial=-1)
        low = cv[rep >= shipped.min_periodicity_correlation].min(initial=np.inf)
        rows.append((f"margins: non-gait runs, {label}", "-",
                     f"periodicity <= {top:.2f} where stride CV passes; stride CV >= {low:.2f} where periodicity does",
                     f"{rep.size} runs"))  # fmt: skip
    _print(
        "Cross-validated thresholds: real gait contacts dropped (leave one recording out) and non-gait contacts "
        f"kept (leave one kind out; {len(NONGAIT_PLACEMENTS)} placements x 3 seeds); shipped: {combos[default]}",
        ("held out", "chosen on the rest", "cross-validated", "in-sample (shipped)"),
        rows,
    )


def _run_values(g: Gated, inside: bool) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Periodicity and stride CV of the runs the gate judges alone (at least two strides) that pass its
    other checks (cadence, faster than steps, quiet); with ``inside`` only those whose contacts lie mostly
    where the recording holds gait."""
    open_gate = replace(g.settings.gait_gate, min_periodicity_correlation=-1.0, max_stride_cv_ratio=10.0)
    one_leg = g.signals.placement in ONE_LEG_PLACEMENTS
    verdict = decide(g.runs, open_gate, g.settings.contacts, one_leg, 0.0)
    judged = np.flatnonzero(np.isfinite(g.runs.interval_s) & (verdict == ""))
    if inside:
        judged = np.array([k for k in judged if g.in_gait[g.runs.starts[k] : g.runs.ends[k]].mean() > 0.5], dtype=int)
    return g.runs.periodicity[judged], g.runs.stride_cv[judged]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = os.environ.get("RETROGAIT_SHARED_DATA") or str(Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--data", default=default)
    parser.add_argument("--only", choices=("real", "sim", "cv"), default=None)
    parser.add_argument("--jitter-seeds", type=int, default=5)
    args = parser.parse_args()
    root = Path(args.data)
    if args.only in (None, "real", "cv") and not (root / "lowerback_walking").is_dir():
        raise SystemExit(f"validate_gait_gate: no shared data under {root} (set RETROGAIT_SHARED_DATA)")
    started = time.perf_counter()
    parts: dict[str, Callable[[], None]] = {
        "real": lambda: real(root, args.jitter_seeds),
        "sim": lambda: sim(args.jitter_seeds),
        "cv": lambda: cross_validated(root),
    }
    for name, part in parts.items():
        if args.only in (None, name):
            part()
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
