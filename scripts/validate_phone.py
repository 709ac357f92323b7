"""Phone step counting, the gait gate, gravity-removed input and the robust sample rate (issues 11 and 12).

Usage:
    RETROGAIT_SHARED_DATA=../shared/data python scripts/validate_phone.py            # everything (~4 min)
    python scripts/validate_phone.py --only counts|cv|cuts|nongait|synthetic|gravity|rate    # one part

Parts (docs/validation.md, "Phones"):
* counts: the 21 phone traces of ../shared/data/phone_positions (3 people, 7 positions), counted with the
  default settings: per trace, per position and overall |step-count error| against the true count, and
  the most steps the recording can hold (its dominant step frequency x its duration).
* cv: leave-one-person-out cross-validation of the three thresholds that were chosen while looking at
  these traces (gait start, gait continuation, stretch ends): for each person, the grid point best on
  the other two people is scored on that person.
* cuts: each trace whole and cut to 12 and 24 s at 5 offsets (210 cuts), each analysed alone: a cut is
  "low" where it counts under 90 % of the steps the whole trace places in its window (a short recording
  must not lose the steps the long one finds: PHONE-22/23); per person, with the whole traces' summed
  |step-count error| against the true counts.
* nongait: pure noise, handling, shaking, a car, a table, and the harsher handling at 2 Hz, rough road and
  a table tapped at 1 Hz (simulate/nongait.py) for every placement: steps found (0 expected); ``--seeds``.
* synthetic: a phone in a pocket whose other leg lands 2-20x softer (or not at all) and which turns
  over mid-walk; simulated lower-back walking and running counted as a phone on the chest (count and
  landing time against the simulator's truth).
* gravity: recordings with gravity removed (``acc_gravity: removed``): sacral running against the force
  plate, lower-back walking against INDIP, the phone traces (gravity removed as a 1 s moving mean).
* rate: a 200 Hz session an hour into its recording (float timestamps, 1 / median step = 199.99999 Hz).

The phone traces have no header (timestamp ns, accuracy, x, y, z m/s^2 with gravity); until the generic
reader reads them they are parsed here.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table
from scipy.ndimage import uniform_filter1d
from scipy.signal import welch

import retrogait
import retrogait.analysis.pipeline as pipeline_module
from retrogait.analysis.contacts import detect_contacts
from retrogait.analysis.pipeline import gait_contacts
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.settings import AnalysisSettings
from retrogait.analysis.signals import BodySignals
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.session import Session, SessionMeta
from retrogait.simulate import Bout, SimulationConfig, simulate
from retrogait.simulate.nongait import HARSH_KINDS, KINDS, non_gait, pocket_walk

#: The dataset's positions and the placement each is analysed as (docs/conventions.md).
POSITION_PLACEMENT = {
    "inhand": "hand",
    "swingingarm": "hand",
    "armband": "arm",
    "frontpocket": "thigh",
    "backpocket": "thigh",
    "neckpouch": "chest",
    "purse": "bag",
}
#: The cross-validated grid: (table, key) -> values.
GRID = {
    ("phone_steps", "seed_stride_correlation"): (0.5, 0.6, 0.7),
    ("phone_steps", "keep_step_correlation"): (0.3, 0.4, 0.5),
    ("phone_steps", "edge_prominence_fraction"): (0.2, 0.3, 0.4),
}
MATCH_S = 0.05
#: The cuts part: lengths (s), offsets per length, and the share of the whole trace's steps under which a cut is low.
CUT_LENGTHS_S = (12.0, 24.0)
CUT_OFFSETS = 5
CUT_LOW_FRACTION = 0.9
#: Placements the non-gait movements are analysed as (every detector: phones, trunk, one leg).
NONGAIT_PLACEMENTS = ("thigh", "arm", "hand", "chest", "bag", "wrist", "other", "lower_back", "shank", "foot")
CONSOLE = Console(width=170)


def read_trace(path: Path, placement: str) -> Session:
    """One phone trace: no header; timestamp (ns), accuracy, x, y, z (m/s^2 with gravity)."""
    with gzip.open(path, "rt") as fh:
        values = np.loadtxt(fh, delimiter=",")
    t = (values[:, 0] - values[0, 0]) * 1e-9
    rate = float((t.size - 1) / (t[-1] - t[0]))
    return Session(t, values[:, 2:5], None, SessionMeta(placement, round(rate, 3)), source=str(path))


def load_traces(root: Path) -> list[tuple[pd.Series, Session]]:
    folder = root / "phone_positions"
    table = pd.read_csv(folder / "steps.csv")
    table["position"] = table["position"].str.lower()
    return [
        (row, read_trace(folder / f"{row.trace}.accelerometer.csv.gz", POSITION_PLACEMENT[row.position]))
        for row in table.itertuples(index=False)
    ]


def _table(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    table = Table(title=title, title_justify="left")
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*r)
    CONSOLE.print(table)


def most_steps(session: Session) -> float:
    """The dominant step frequency (Hz, 1.2-3 Hz of |a|) times the recording's duration: the most steps
    the recording can hold if the wearer walked all of it."""
    t = session.t_s
    fs = (t.size - 1) / (t[-1] - t[0])
    grid = np.arange(t[0], t[-1], 1.0 / 100.0)
    norm = np.interp(grid, t, np.linalg.norm(session.acc, axis=1))
    f, p = welch(norm - norm.mean(), fs=100.0, nperseg=8192)
    band = (f > 1.2) & (f < 3.0)
    return float(f[band][np.argmax(p[band])] * (t[-1] - t[0])) if fs > 0 else float("nan")


def counts(traces: list[tuple[pd.Series, Session]]) -> pd.DataFrame:
    rows, out = [], []
    for row, session in traces:
        n = len(retrogait.analyze(session).steps)
        err = 100.0 * (n - row.true_steps) / row.true_steps
        bound = most_steps(session)
        out.append({"trace": row.trace, "user": row.user, "position": row.position, "error_pct": err})
        rows.append(
            (row.trace, row.position, POSITION_PLACEMENT[row.position], str(row.true_steps), str(n), f"{err:+.1f} %",
             f"{bound:.0f}" + (" < true" if bound < row.true_steps else ""))
        )  # fmt: skip
    _table(
        "Phone traces: steps counted (default settings) against the true count",
        ("trace", "position", "placement", "true", "counted", "error", "most the recording holds"),
        rows,
    )
    df = pd.DataFrame(out)
    _per_position(df, "in-sample (default settings)")
    return df


def cuts(traces: list[tuple[pd.Series, Session]]) -> None:
    """Short recordings against the whole trace (PHONE-22/23): per person, cuts low and whole |error|."""
    per: dict[str, list[int]] = {}
    for row, session in traces:
        whole = retrogait.analyze(session).steps["ic_time_s"].to_numpy()
        t0, duration = float(session.t_s[0]), float(session.t_s[-1] - session.t_s[0])
        low = 0
        for length, k in itertools.product(CUT_LENGTHS_S, range(CUT_OFFSETS)):
            start = t0 + (duration - length) * (k + 0.5) / CUT_OFFSETS
            inside = int(((whole >= start) & (whole < start + length)).sum())
            found = len(retrogait.analyze(session.between(start, start + length)).steps)
            low += found < CUT_LOW_FRACTION * inside
        tally = per.setdefault(str(row.user), [0, 0, 0, 0])
        tally[0] += low
        tally[1] += len(CUT_LENGTHS_S) * CUT_OFFSETS
        tally[2] += abs(whole.size - int(row.true_steps))
        tally[3] += int(row.true_steps)
    rows = [(user, f"{lo} of {n}", f"{err} of {true}") for user, (lo, n, err, true) in sorted(per.items())]
    total = np.sum(list(per.values()), axis=0)
    rows.append(("all", f"{total[0]} of {total[1]}", f"{total[2]} of {total[3]}"))
    _table(
        f"Cuts of {' and '.join(f'{x:g}' for x in CUT_LENGTHS_S)} s at {CUT_OFFSETS} offsets: cuts under "
        f"{CUT_LOW_FRACTION:.0%} of the whole trace's steps in their window; whole traces' summed |error|",
        ("person", "cuts low", "whole |error| of true steps"),
        rows,
    )


def _per_position(df: pd.DataFrame, label: str) -> None:
    df = df.assign(abs_pct=df["error_pct"].abs())
    rows = [
        (
            p,
            str(len(g)),
            f"{g['abs_pct'].mean():.2f} %",
            f"{g['error_pct'].mean():+.2f} %",
            f"{g['abs_pct'].max():.1f} %",
        )
        for p, g in df.groupby("position")
    ]
    rows.append(("all", str(len(df)), f"{df['abs_pct'].mean():.2f} %", f"{df['error_pct'].mean():+.2f} %",
                 f"{df['abs_pct'].max():.1f} %"))  # fmt: skip
    _table(
        f"Per position, {label} (goals: mean |error| <= 2 % overall, <= 5 % per position)",
        ("position", "traces", "mean |error|", "mean error", "worst |error|"),
        rows,
    )


def cross_validated(traces: list[tuple[pd.Series, Session]]) -> None:
    """Leave one person out over GRID; signals are preprocessed once per trace."""
    signals: list[BodySignals] = [preprocess(s) for _, s in traces]
    truth = np.array([row.true_steps for row, _ in traces], dtype=float)
    users = np.array([row.user for row, _ in traces])
    keys = list(GRID)
    combos = list(itertools.product(*GRID.values()))
    errors = np.zeros((len(combos), len(traces)))
    for i, combo in enumerate(combos):  # 27 settings x 21 traces
        overrides: dict[str, dict[str, float]] = {}
        for (table, key), value in zip(keys, combo, strict=True):
            overrides.setdefault(table, {})[key] = value
        for j, sig in enumerate(signals):
            settings = AnalysisSettings.for_placement(sig.placement).with_overrides(overrides)
            found = detect_contacts(sig, settings.contacts, settings.still, settings.phone_steps)
            contacts, _ = gait_contacts(sig, found, settings)
            errors[i, j] = 100.0 * (len(contacts) - truth[j]) / truth[j]
    default = combos.index(tuple(getattr(AnalysisSettings().phone_steps, key) for _, key in keys))
    held = np.zeros(len(traces))
    chosen = []
    for user in np.unique(users):
        train = users != user
        best = int(np.argmin(np.abs(errors[:, train]).mean(axis=1)))
        held[~train] = errors[best, ~train]
        chosen.append(f"{user}: " + ", ".join(f"{k}={v}" for (_, k), v in zip(keys, combos[best], strict=True)))
    df = pd.DataFrame({"position": [row.position for row, _ in traces], "error_pct": held})
    CONSOLE.print("Chosen on the other two people: " + "; ".join(chosen))
    _per_position(df, "leave-one-person-out (each person scored with the grid point best on the others)")
    df_default = pd.DataFrame({"position": df["position"], "error_pct": errors[default]})
    CONSOLE.print(f"(in-sample at the defaults: mean |error| {np.abs(df_default['error_pct']).mean():.2f} %; "
                  f"best grid point in-sample: {np.abs(errors).mean(axis=1).min():.2f} %)")  # fmt: skip


def nongait(seeds: int) -> None:
    rows = []
    for kind in (*KINDS, *HARSH_KINDS):
        cells = [kind + (" (harsher)" if kind in HARSH_KINDS else "")]
        for placement in NONGAIT_PLACEMENTS:
            found = [len(retrogait.analyze(non_gait(kind, placement, seed=s)).steps) for s in range(seeds)]
            cells.append(f"{sum(found)}" + (f" ({sum(f > 0 for f in found)} seeds)" if sum(found) else ""))
        rows.append(tuple(cells))
    _table(
        f"Not gait: steps found in {seeds} x 60 s at 200 Hz, seeds 0-{seeds - 1} (0 expected)",
        ("movement", *NONGAIT_PLACEMENTS),
        rows,
    )


def synthetic() -> None:
    rows = []
    for weak in (0.5, 0.2, 0.05, 0.0):
        for turn in (None, 30.0):
            walk = pocket_walk(weak_leg=weak, turn_at_s=turn)
            found = retrogait.analyze(walk.session).steps["ic_time_s"].to_numpy()
            true = walk.step_times_s.size
            name = f"pocket, other leg x{weak:g}" + (", phone turns over at 30 s" if turn else "")
            rows.append((name, str(true), str(found.size), f"{100 * (found.size / true - 1):+.1f} %"))
    _table("Synthetic pocket walk (60 s, 0.55 s steps, 100 Hz)", ("case", "true", "counted", "error"), rows)
    cases = {
        "forward walking 1.3 m/s": [Bout("forward", "walking", 1.3, 30)],
        "backward walking 0.8 m/s": [Bout("backward", "walking", 0.8, 30)],
        "forward running 3.0 m/s": [Bout("forward", "running", 3.0, 30)],
        "backward running 2.5 m/s": [Bout("backward", "running", 2.5, 30)],
    }
    rows = []
    for name, bouts in cases.items():
        still = Bout("still", "still", 0.0, 2.0)
        sim = simulate(SimulationConfig("lower_back", [still, *bouts, still], sample_rate_hz=200.0, seed=1))
        session = replace(sim.session, meta=replace(sim.session.meta, placement="chest"))
        found = retrogait.analyze(session).steps["ic_time_s"].to_numpy()
        truth = sim.truth["ic_time_s"].to_numpy()
        gap = found[:, None] - truth[None, :]
        nearest = gap[np.arange(found.size), np.argmin(np.abs(gap), axis=1)] if found.size else np.zeros(0)
        matched = nearest[np.abs(nearest) <= MATCH_S]
        rows.append(
            (name, str(truth.size), str(found.size), f"{100 * (found.size / truth.size - 1):+.1f} %",
             f"{matched.size}", f"{1000 * np.median(matched):+.0f} ms" if matched.size else "-")
        )  # fmt: skip
    _table(
        "Simulated lower-back gait counted as a phone on the chest (200 Hz, seed 1, 2 s standing before and after)",
        ("case", "true steps", "counted", "error", f"within {1000 * MATCH_S:.0f} ms", "landing error median"),
        rows,
    )


def _without_gravity(session: Session, window_s: float) -> Session:
    """The session with gravity removed as a moving mean over ``window_s`` (the orientation is taken as
    constant over it), marked ``acc_gravity: removed``."""
    fs = (session.t_s.size - 1) / (session.t_s[-1] - session.t_s[0])
    gravity = uniform_filter1d(session.acc, size=max(3, round(window_s * fs)), axis=0, mode="nearest")
    meta = replace(session.meta, acc_gravity="removed")
    return replace(session, acc=session.acc - gravity, meta=meta)


def _f1(ref: np.ndarray, det: np.ndarray, tolerance_s: float = MATCH_S) -> tuple[int, int, int]:
    used = np.zeros(det.size, bool)
    tp = 0
    for r in ref:
        d = np.where(used, np.inf, np.abs(det - r))
        if d.size and d.min() <= tolerance_s:
            used[int(np.argmin(d))] = True
            tp += 1
    return tp, int(det.size - tp), int(ref.size - tp)


@dataclass
class _Score:
    """Contacts against a reference: matches within 50 and 200 ms, counts, bout cadences (spm)."""

    hits: np.ndarray = field(default_factory=lambda: np.zeros((2, 3), int))  # (tolerance, tp/fp/fn)
    counted: int = 0
    true: int = 0
    cadence_err: list[float] = field(default_factory=list)

    def add(self, ref: np.ndarray, det: np.ndarray) -> None:
        for i, tol in enumerate((MATCH_S, 0.2)):
            self.hits[i] += _f1(ref, det, tol)
        self.counted += det.size
        self.true += ref.size
        if ref.size > 2 and det.size > 2:
            cadence = [60.0 * (x.size - 1) / (x[-1] - x[0]) for x in (np.sort(det), np.sort(ref))]
            self.cadence_err.append(abs(cadence[0] - cadence[1]))

    def cells(self) -> tuple[str, ...]:
        f1 = [2 * h[0] / max(2 * h[0] + h[1] + h[2], 1) for h in self.hits]
        err = np.median(self.cadence_err) if self.cadence_err else float("nan")
        return (f"{f1[0]:.3f}", f"{f1[1]:.3f}", f"{self.counted} / {self.true}", f"{err:.2f}")


@contextmanager
def _guessed_vertical() -> Iterator[None]:
    """Analyse a lower back without a declared vertical fully on the guessed one (before PHONE-11)."""
    shipped = pipeline_module.without_vertical
    pipeline_module.without_vertical = lambda signals, session: (signals, None)  # type: ignore[assignment]
    try:
        yield
    finally:
        pipeline_module.without_vertical = shipped  # type: ignore[assignment]


def _up_axis(acc: np.ndarray) -> str:
    """The sensor axis gravity points along at rest (what a user who knows the mounting declares)."""
    mean = acc.mean(axis=0)
    k = int(np.argmax(np.abs(mean)))
    return ("+" if mean[k] > 0 else "-") + "xyz"[k]


def _gravity_conditions(session: Session, window_s: float) -> dict[str, tuple[Session, bool]]:
    """With gravity; gravity removed with the vertical declared; not declared: the steps only (shipped),
    everything on the guessed vertical (before), counted from |a| as a phone (phone_steps.py, the
    orientation-free counter): session and whether to use the guessed vertical for everything."""
    declared = replace(session, meta=replace(session.meta, vertical_axis=_up_axis(session.acc)))
    undeclared = _without_gravity(replace(session, meta=replace(session.meta, vertical_axis=None)), window_s)
    return {
        "with gravity": (session, False),
        "gravity removed, vertical declared": (_without_gravity(declared, window_s), False),
        "gravity removed, not declared: steps only (shipped)": (undeclared, False),
        "gravity removed, not declared: everything on the guessed vertical (before)": (undeclared, True),
        "gravity removed, not declared: counted from |a| as a phone": (
            replace(undeclared, meta=replace(undeclared.meta, placement="other")),
            False,
        ),
    }


def _ics(session: Session, guess: bool) -> np.ndarray:
    if guess:
        with _guessed_vertical():
            return np.asarray(retrogait.analyze(session).steps["ic_time_s"].to_numpy(), dtype=float)
    return np.asarray(retrogait.analyze(session).steps["ic_time_s"].to_numpy(), dtype=float)


def gravity(root: Path, traces: list[tuple[pd.Series, Session]] | None) -> None:
    rows = []
    folder = root / "running_sacral_grf"
    acc = np.loadtxt(folder / "Accelerometer_dev.csv", delimiter=",")
    grf = np.loadtxt(folder / "GRF_dev.csv", delimiter=",")
    n = grf.shape[1]
    scores: dict[str, _Score] = {}
    for k in range(grf.shape[0]):
        specific = np.column_stack([acc[k, n:], np.zeros(n), acc[k, :n]]) * STANDARD_GRAVITY_MS2
        session = Session(np.arange(n) / 500.0, specific, None, SessionMeta("lower_back", 500.0, anterior_axis="+x"))
        force = grf[k]
        on = np.flatnonzero((force[1:] > 0.1) & (force[:-1] <= 0.1)) + 1
        on = on[(on > 50) & (on < n - 50)] / 500.0
        for label, (s, guess) in _gravity_conditions(session, 5.0).items():
            det = _ics(s, guess)
            scores.setdefault(label, _Score()).add(on, det[(det > 0.1) & (det < n / 500.0 - 0.1)])
    rows += [("running_sacral_grf (11 trials, plate)", label, *sc.cells()) for label, sc in scores.items()]
    walk = root / "lowerback_walking"
    scores = {}
    for csv in sorted((walk / "HA_001").glob("*.csv")):
        data = pd.read_csv(csv)
        acc_ms2 = data[["acc_x", "acc_y", "acc_z"]].to_numpy() * STANDARD_GRAVITY_MS2  # the file holds g
        gyr = data[["gyr_x", "gyr_y", "gyr_z"]].to_numpy()
        session = Session(data["samples"].to_numpy() / 100.0, acc_ms2, gyr, SessionMeta("lower_back", 100.0))
        ref = pd.read_csv(walk / "reference_initial_contacts" / f"HA_001_{csv.stem}_INDIP_initial_contacts.csv")
        for label, (s, guess) in _gravity_conditions(session, 4.0).items():
            det = _ics(s, guess)
            for _, bout in ref.groupby("wb_id"):
                lo, hi = bout["wb_start_s"].iloc[0], bout["wb_end_s"].iloc[0]
                inside = det[(det >= lo - MATCH_S) & (det <= hi + MATCH_S)]
                scores.setdefault(label, _Score()).add(bout["ic_time_s"].to_numpy(), inside)
    rows += [("lowerback_walking HA_001 (3 trials, INDIP bouts)", label, *sc.cells()) for label, sc in scores.items()]
    _table(
        "Gravity removed (moving mean: 5 s sacral trials, 4 s walks): initial contacts against the reference",
        ("data", "input", "F1 50 ms", "F1 200 ms", "counted / true", "median |bout cadence error| spm"),
        rows,
    )
    if traces:
        out = []
        for row, session in traces:
            count = len(retrogait.analyze(_without_gravity(session, 1.0)).steps)
            out.append({"position": row.position, "error_pct": 100.0 * (count - row.true_steps) / row.true_steps})
        _per_position(pd.DataFrame(out), "phone traces with gravity removed as a 1 s moving mean")


def rate() -> None:
    still = Bout("still", "still", 0.0, 2.0)
    bouts = [still, Bout("forward", "running", 3.0, 10.0), Bout("backward", "running", 2.5, 10.0), still]
    sim = simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=1))
    t = 3590.0 + np.arange(sim.session.n_samples) / 200.0  # an hour into the recording
    session = replace(sim.session, t_s=t)
    result = retrogait.analyze(session)
    flagged = int(result.steps["quality_flags"].astype(str).str.contains("low_rate").sum())
    CONSOLE.print(
        f"Rate: a 200 Hz session 3590 s into its recording: 1 / median step = {1.0 / np.median(np.diff(t)):.10f} Hz; "
        f"analysed at {result.summary['sample_rate_hz']:g} Hz; {flagged} of {len(result.steps)} steps flagged low_rate"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = os.environ.get("RETROGAIT_SHARED_DATA") or str(Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--data", default=default)
    parts = ("counts", "cv", "cuts", "nongait", "synthetic", "gravity", "rate")
    parser.add_argument("--only", choices=parts, default=None)
    parser.add_argument("--seeds", type=int, default=3, help="seeds per non-gait cell (default 3)")
    args = parser.parse_args()
    root = Path(args.data)
    needs_data = args.only in (None, "counts", "cv", "cuts", "gravity")
    if needs_data and not (root / "phone_positions").is_dir():
        raise SystemExit(f"validate_phone: no phone_positions folder under {root} (set RETROGAIT_SHARED_DATA)")
    started = time.perf_counter()
    traces = load_traces(root) if needs_data else None
    if args.only in (None, "counts"):
        assert traces is not None
        counts(traces)
    if args.only in (None, "cv"):
        assert traces is not None
        cross_validated(traces)
    if args.only in (None, "cuts"):
        assert traces is not None
        cuts(traces)
    if args.only in (None, "nongait"):
        nongait(args.seeds)
    if args.only in (None, "synthetic"):
        synthetic()
    if args.only in (None, "gravity"):
        gravity(root, traces)
    if args.only in (None, "rate"):
        rate()
    CONSOLE.print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
