"""Validate per-step direction and foot strike on real, time-reversed real and simulated data.

Usage::

    RETROGAIT_SHARED_DATA=../shared/data python scripts/validate_direction.py [--no-sim]

Prints one accuracy table per data source. Real recordings (all forward gait) use their reference
contacts (motion-capture events, force-plate contacts, reference-system initial contacts), so the
numbers measure the classifiers, not the contact detector. A time-reversed forward recording is
kinematically a backward one (positions retrace, angular rate flips sign, acceleration keeps its
sign; initial contacts and toe-offs swap). Simulated sessions (``retrogait.simulate``, when
installed) are checked per placement for forward, backward and mixed bouts with the simulator's
true contacts.

The loaders here are also used by the tests (``tests/test_direction_real.py``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from retrogait.analysis.direction import direction_cues, step_directions
from retrogait.analysis.footstrike import classify_angle, step_foot_strikes
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.session import Session, SessionMeta


@dataclass(frozen=True)
class Case:
    """One recording with reference contacts and the truth per contact."""

    name: str
    signals: BodySignals
    contacts: Contacts
    direction: np.ndarray  # (m,) true direction per contact
    foot_strike: np.ndarray  # (m,) true strike class per contact ("" where not known)
    foot_strike_angle_deg: np.ndarray  # (m,) NaN where not known


def shared_data_dir() -> Path:
    """../shared/data beside the repository or RETROGAIT_SHARED_DATA."""
    env = os.environ.get("RETROGAIT_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


def _level_rotation(mean_acc: np.ndarray) -> np.ndarray:
    """Smallest rotation taking the quiet-standing specific force to +z (Rodrigues)."""
    a = mean_acc / np.linalg.norm(mean_acc)
    z = np.array([0.0, 0.0, 1.0])
    v = np.cross(a, z)
    s, c = np.linalg.norm(v), float(a @ z)
    if s < 1e-12:
        return np.eye(3)
    vx = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + vx + vx @ vx * ((1 - c) / s**2)


def load_foot_walking(root: Path) -> list[Case]:
    """gaitmap example: foot IMUs (204.8 Hz, gyro), mocap initial contacts and toe-offs.

    ``imu_sample.csv`` is in gaitmap's foot sensor frame (x toward the toes, z up, right-handed,
    so omega_y has our sign); it is levelled on the first second of quiet standing."""
    folder = root / "foot_walking"
    data = pd.read_csv(folder / "imu_sample.csv", header=[0, 1], index_col=0)
    mocap = pd.read_csv(folder / "mocap_sample.csv", header=[0, 1], index_col=0)
    events = pd.read_csv(folder / "stride_events_sample.csv")
    fs = 204.8
    cases = []
    for side in ("left", "right"):
        acc = data[[(f"{side}_sensor", f"acc_{a}") for a in "xyz"]].to_numpy(dtype=np.float64)
        gyr = data[[(f"{side}_sensor", f"gyr_{a}") for a in "xyz"]].to_numpy(dtype=np.float64)
        rot = _level_rotation(acc[: int(fs)].mean(axis=0))
        acc, gyr = acc @ rot.T, gyr @ rot.T
        ev = events[events.foot == side].sort_values("ic")
        ic = np.concatenate([[ev.pre_ic.iloc[0]], ev.ic.to_numpy()]).astype(np.int64)
        to = np.concatenate([ev.tc.to_numpy(), [-1]]).astype(np.int64)
        signals = BodySignals.uniform(
            acc,
            gyr,
            fs,
            "foot",
            side=side,
        )
        contacts = Contacts(ic_idx=ic, to_idx=to, side=np.full(ic.shape[0], side))
        m = ic.shape[0]
        angle = mocap_foot_strike_angle_deg(mocap, side, ic / fs, to / fs)
        label = np.where(np.isfinite(angle), np.asarray(classify_angle(angle), dtype=str), "")
        cases.append(Case(f"foot_walking/{side}", signals, contacts, np.full(m, "forward"), label, angle))
    return cases


def mocap_foot_strike_angle_deg(
    mocap: pd.DataFrame, side: str, ic_s: np.ndarray, to_s: np.ndarray, rate_hz: float = 100.0
) -> np.ndarray:
    """Reference foot-strike angle (deg, toes up) from heel (FCC) and toe markers: the heel-to-toe
    elevation angle at initial contact minus its median over 25-50 % of the same stance (flat foot).
    NaN without a toe-off."""
    key = side[0].upper()
    toe = mocap[[(f"{key}_TOE", a) for a in "xyz"]].to_numpy(dtype=np.float64)
    heel = mocap[[(f"{key}_FCC", a) for a in "xyz"]].to_numpy(dtype=np.float64)
    d = toe - heel
    elevation = np.degrees(np.arctan2(d[:, 2], np.hypot(d[:, 0], d[:, 1])))
    out = np.full(ic_s.shape[0], np.nan)
    for k, (a_s, b_s) in enumerate(zip(ic_s, to_s, strict=True)):
        a, b = round(a_s * rate_hz), round(b_s * rate_hz)
        if b_s > a_s and b < elevation.shape[0]:
            quarter = max((b - a) // 4, 1)
            out[k] = elevation[a] - np.median(elevation[a + quarter : a + 2 * quarter + 1])
    return out


def load_running_sacral(root: Path) -> list[Case]:
    """Sacral vertical + AP acceleration (500 Hz, g), force-plate contacts (GRF > 0.1 BW), per-trial
    strike labels (each trial is 100 % one class).

    The signals are the product's: a session (its axes declared, +x anterior, +z vertical, as
    ``validate_impact.sacral_trials``) through ``preprocess``, which levels the vertical on gravity; the raw z
    read as vertical (``BodySignals.uniform``) called trials 21 and 24's foot strikes on another axis (EDGE-184)."""
    from retrogait.analysis.preprocess import preprocess

    folder = root / "running_sacral_grf"
    acc = np.loadtxt(folder / "Accelerometer_dev.csv", delimiter=",")
    grf = np.loadtxt(folder / "GRF_dev.csv", delimiter=",")
    info = pd.read_csv(folder / "Sub_Info_dev.csv")
    fs = 500.0
    n = grf.shape[1]
    cases = []
    for row in range(grf.shape[0]):
        session = Session(
            np.arange(n) / fs,
            np.column_stack([acc[row, n:], np.zeros(n), acc[row, :n]]),
            None,
            SessionMeta("lower_back", fs, anterior_axis="+x", vertical_axis="+z"),
        )
        signals = preprocess(session)
        if signals.t_s.shape[0] != n or signals.fs_hz != fs:  # the plate's sample indices are the signals' own
            raise RuntimeError(f"preprocess changed trial {row}'s grid: {signals.t_s.shape[0]} at {signals.fs_hz} Hz")
        on = (grf[row] > 0.1).astype(np.int8)
        ic = np.flatnonzero(np.diff(on) == 1) + 1
        to = np.flatnonzero(np.diff(on) == -1) + 1
        to = to[to > ic[0]]
        k = min(ic.shape[0], to.shape[0])
        ic, to = ic[:k], to[:k]
        contacts = Contacts(ic_idx=ic.astype(np.int64), to_idx=to.astype(np.int64), side=np.full(k, "unknown"))
        r = info.iloc[row]
        label = ["rearfoot", "midfoot", "forefoot"][int(np.argmax([r.RFS, r.MFS, r.FFS]))]
        name = f"running_sacral/trial{int(r.trial)} ({label}, {r.Speed} m/s, slope {r.Slope})"
        cases.append(Case(name, signals, contacts, np.full(k, "forward"), np.full(k, label), np.full(k, np.nan)))
    return cases


def load_lowerback_walking(root: Path) -> list[Case]:
    """mobgap lower-back IMU (100 Hz; acc in g; sensor x up, y right, z anterior) with INDIP
    initial contacts (no toe-offs)."""
    folder = root / "lowerback_walking"
    fs = 100.0
    cases = []
    for path in sorted((folder / "HA_001").glob("*.csv")):
        raw = pd.read_csv(path)
        acc_s = raw[["acc_x", "acc_y", "acc_z"]].to_numpy(dtype=np.float64) * STANDARD_GRAVITY_MS2
        gyr_s = raw[["gyr_x", "gyr_y", "gyr_z"]].to_numpy(dtype=np.float64)
        to_body = np.array([[0.0, 0.0, 1.0], [0.0, -1.0, 0.0], [1.0, 0.0, 0.0]])
        acc, gyr = acc_s @ to_body.T, gyr_s @ to_body.T
        ref = pd.read_csv(folder / "reference_initial_contacts" / f"HA_001_{path.stem}_INDIP_initial_contacts.csv")
        ic = np.round(ref.ic_time_s.to_numpy() * fs).astype(np.int64)
        keep = (ic >= 0) & (ic < acc.shape[0])
        ic = ic[keep]
        side = ref.ic_lr.str.lower().to_numpy()[keep].astype(str)
        signals = BodySignals.uniform(
            acc,
            gyr,
            fs,
            "lower_back",
            side=None,
        )
        m = ic.shape[0]
        contacts = Contacts(ic_idx=ic, to_idx=np.full(m, -1, dtype=np.int64), side=side)
        cases.append(
            Case(
                f"lowerback_walking/{path.stem}",
                signals,
                contacts,
                np.full(m, "forward"),
                np.full(m, ""),
                np.full(m, np.nan),
            )
        )
    return cases


def time_reversed(case: Case) -> Case:
    """The same recording played backwards: kinematically backward gait.

    Acceleration keeps its sign, angular rate flips, samples run in reverse; each stance keeps its
    samples, so the reversed initial contact is the original toe-off (contacts without a toe-off
    are dropped for placements that need one, or kept at the original initial contact otherwise).
    Foot strike labels do not carry over (impacts are not time-reversible)."""
    s = case.signals
    n = s.t_s.shape[0]
    gyr = None if s.gyr_dps is None else -s.gyr_dps[::-1].copy()
    signals = replace(
        s,
        acc_ms2=s.acc_ms2[::-1].copy(),
        gyr_dps=gyr,
        gap=s.gap[::-1].copy(),
        clipped=s.clipped[::-1].copy(),
    )
    c = case.contacts
    has_to = c.to_idx > c.ic_idx
    if has_to.any():
        keep = has_to
        ic = (n - 1 - c.to_idx[keep])[::-1]
        to = (n - 1 - c.ic_idx[keep])[::-1]
    else:
        keep = np.ones(len(c), dtype=bool)
        ic = (n - 1 - c.ic_idx)[::-1]
        to = np.full(ic.shape[0], -1, dtype=np.int64)
    side = c.side[keep][::-1].copy()
    m = ic.shape[0]
    flipped = np.where(case.direction[keep][::-1] == "forward", "backward", "forward")
    return Case(
        case.name + " [time-reversed]",
        signals,
        Contacts(ic_idx=ic.astype(np.int64), to_idx=to.astype(np.int64), side=side),
        flipped,
        np.full(m, ""),
        np.full(m, np.nan),
    )


def with_unknown_facing(case: Case, flip: bool) -> Case:
    """The recording as the pipeline sees it when the anterior sign is unknown (optionally with
    x and y negated, i.e. the frame turned 180 degrees about the vertical)."""
    s = case.signals
    sign = np.array([-1.0, -1.0, 1.0]) if flip else np.ones(3)
    signals = replace(
        s,
        acc_ms2=s.acc_ms2 * sign,
        gyr_dps=None if s.gyr_dps is None else s.gyr_dps * sign,
        anterior_sign_known=False,
    )
    return replace(
        case, name=case.name + (" [unknown facing, flipped]" if flip else " [unknown facing]"), signals=signals
    )


def score(case: Case) -> dict[str, object]:
    """Direction and foot-strike accuracy of one case."""
    d = step_directions(case.signals, case.contacts)
    f = step_foot_strikes(case.signals, case.contacts)
    m = len(case.contacts)
    correct = (d.direction.to_numpy() == case.direction).mean() if m else np.nan
    unknown = (d.direction.to_numpy() == "unknown").mean() if m else np.nan
    has_fs = case.foot_strike != ""
    fs_acc = (f.foot_strike.to_numpy()[has_fs] == case.foot_strike[has_fs]).mean() if has_fs.any() else np.nan
    has_angle = np.isfinite(case.foot_strike_angle_deg) & np.isfinite(f.foot_strike_angle_deg.to_numpy())
    angle_err = (
        np.median(np.abs(f.foot_strike_angle_deg.to_numpy()[has_angle] - case.foot_strike_angle_deg[has_angle]))
        if has_angle.any()
        else np.nan
    )
    strikes = f.foot_strike.value_counts().to_dict()
    return {
        "case": case.name,
        "steps": m,
        "direction_correct": correct,
        "unknown": unknown,
        "median_confidence": float(d.direction_confidence.median()) if m else np.nan,
        "foot_strike_correct": fs_acc,
        "fsa_median_abs_err_deg": angle_err,
        "strikes": ", ".join(f"{k}:{v}" for k, v in sorted(strikes.items())),
    }


def without_gyro(case: Case) -> Case:
    """The recording as an accelerometer-only sensor would give it (foot-strike angles dropped)."""
    m = len(case.contacts)
    return replace(
        case,
        name=case.name + " (acc only)",
        signals=replace(case.signals, gyr_dps=None),
        foot_strike=np.full(m, ""),
        foot_strike_angle_deg=np.full(m, np.nan),
    )


def real_cases(root: Path) -> Iterator[Case]:
    """Every real recording, then its time-reversed copy, then unknown-facing variants."""
    feet = load_foot_walking(root)
    base = [*feet, *[without_gyro(c) for c in feet], *load_running_sacral(root), *load_lowerback_walking(root)]
    yield from base
    for case in base:
        yield time_reversed(case)
    for case in base:
        yield with_unknown_facing(case, flip=True)


#: Simulated scenarios: name -> bouts (direction, activity, speed m/s, duration s, strike).
SIM_SCENARIOS: dict[str, list[tuple[str, str, float, float, str | None]]] = {
    "forward running": [("forward", "running", 3.3, 40.0, None)],
    "backward running": [("backward", "running", 2.4, 40.0, None)],
    "mixed running": [
        ("forward", "running", 3.3, 20.0, None),
        ("backward", "running", 2.4, 20.0, None),
        ("forward", "running", 3.0, 15.0, "midfoot"),
        ("backward", "running", 2.2, 15.0, None),
        ("forward", "running", 3.6, 15.0, "forefoot"),
    ],
    "backward walking": [("backward", "walking", 1.0, 40.0, None)],
    "mixed walking": [
        ("forward", "walking", 1.4, 20.0, None),
        ("backward", "walking", 1.0, 20.0, None),
        ("forward", "walking", 1.2, 15.0, None),
    ],
}


def _sim_session(placement: str, scenario: str, seed: int, with_gyro: bool = True):  # type: ignore[no-untyped-def]
    from retrogait.simulate import Bout, SimulationConfig, simulate

    bouts = [Bout(d, a, v, t, fs) for d, a, v, t, fs in SIM_SCENARIOS[scenario]]
    return simulate(SimulationConfig(placement, bouts, sample_rate_hz=500.0, with_gyro=with_gyro, seed=seed))


def _sensor_leg(truth: pd.DataFrame, placement: str, side: str = "left") -> pd.DataFrame:
    """The true contacts a sensor can see: both legs for the lower back, its own leg otherwise."""
    if placement == "lower_back":
        return truth.reset_index(drop=True)
    return truth[truth.side == side].reset_index(drop=True)


def simulated_cases(seed: int = 1) -> Iterator[Case]:
    """Simulated sessions per placement and scenario, preprocessed by the pipeline, with the
    simulator's true contacts (so the numbers measure direction and foot strike alone)."""
    from retrogait.analysis.preprocess import preprocess

    for placement in ("foot", "shank", "lower_back"):
        for with_gyro in (True, False) if placement != "lower_back" else (True,):
            for scenario in SIM_SCENARIOS:
                result = _sim_session(placement, scenario, seed, with_gyro)
                signals = preprocess(result.session)
                truth = _sensor_leg(result.truth, placement)
                ic = np.round((truth.ic_time_s.to_numpy() - signals.t_s[0]) * signals.fs_hz).astype(np.int64)
                to_s = truth.to_time_s.to_numpy()  # NaN: the stopping landing, the wearer stands on it
                to = np.where(np.isfinite(to_s), np.round((np.nan_to_num(to_s) - signals.t_s[0]) * signals.fs_hz), -1)
                to = to.astype(np.int64)
                contacts = Contacts(ic_idx=ic, to_idx=to, side=truth.side.to_numpy().astype(str))
                angle = truth.foot_strike_angle_deg.to_numpy(dtype=np.float64)
                if placement != "foot" or not with_gyro:
                    angle = np.full(angle.shape[0], np.nan)
                name = f"sim {placement}{'' if with_gyro else ' (no gyro)'}: {scenario}"
                yield Case(
                    name,
                    signals,
                    contacts,
                    truth.direction.to_numpy().astype(str),
                    truth.foot_strike.fillna("").to_numpy().astype(str),
                    angle,
                )


def end_to_end_rows(seed: int = 2) -> list[dict[str, object]]:
    """Full pipeline (``retrogait.analyze``: preprocessing, contact detection, classifiers) on
    simulated sessions; detected contacts are matched to true ones within 50 ms."""
    import retrogait

    rows: list[dict[str, object]] = []
    for placement in ("foot", "shank", "lower_back"):
        for scenario in ("mixed running", "mixed walking"):
            result = _sim_session(placement, scenario, seed)
            steps = retrogait.analyze(result.session).steps
            truth = _sensor_leg(result.truth, placement)
            det = steps.ic_time_s.to_numpy()
            j = np.clip(np.searchsorted(det, truth.ic_time_s.to_numpy()), 1, max(det.shape[0] - 1, 1))
            near = np.where(
                np.abs(det[j - 1] - truth.ic_time_s.to_numpy()) < np.abs(det[j] - truth.ic_time_s.to_numpy()), j - 1, j
            )
            ok = np.abs(det[near] - truth.ic_time_s.to_numpy()) <= 0.05
            got = steps.direction.to_numpy()[near[ok]]
            want = truth.direction.to_numpy()[ok]
            fs_got = steps.foot_strike.to_numpy()[near[ok]]
            fs_want = truth.foot_strike.to_numpy()[ok]
            rows.append(
                {
                    "case": f"end-to-end {placement}: {scenario}",
                    "steps": int(ok.sum()),
                    "direction_correct": float((got == want).mean()) if ok.any() else np.nan,
                    "unknown": float((got == "unknown").mean()) if ok.any() else np.nan,
                    "median_confidence": float(np.median(steps.direction_confidence.to_numpy()[near[ok]]))
                    if ok.any()
                    else np.nan,
                    "foot_strike_correct": float((fs_got == fs_want).mean()) if ok.any() else np.nan,
                    "fsa_median_abs_err_deg": np.nan,
                    "strikes": f"matched {ok.mean():.2f} of true contacts",
                }
            )
    return rows


def _reversed_session(session: Session) -> Session:
    gyr = None if session.gyr is None else -session.gyr[::-1].copy()
    return Session(session.t_s, session.acc[::-1].copy(), gyr, session.meta)


def end_to_end_sessions(root: Path) -> list[tuple[str, Session]]:
    """The real recordings as a user would give them: foot_walking in the raw sensor frame without
    axes (the facing is unknown), the sacral trials with and without the anterior axis."""
    from retrogait.session import SessionMeta

    sessions: list[tuple[str, Session]] = []
    data = pd.read_csv(root / "foot_walking" / "imu_sample_not_rotated.csv", header=[0, 1], index_col=0)
    for side in ("left", "right"):
        x = data[f"{side}_sensor"]
        sessions.append(
            (
                f"foot_walking/{side} (raw axes)",
                Session(
                    np.arange(len(x)) / 204.8,
                    x[["acc_x", "acc_y", "acc_z"]].to_numpy(dtype=np.float64),
                    x[["gyr_x", "gyr_y", "gyr_z"]].to_numpy(dtype=np.float64),
                    SessionMeta("foot", 204.8, side=side),
                ),
            )
        )
    acc = np.loadtxt(root / "running_sacral_grf" / "Accelerometer_dev.csv", delimiter=",")
    n = acc.shape[1] // 2
    for axis in ("+x", None):
        for row in range(acc.shape[0]):
            meta = SessionMeta("lower_back", 500.0, anterior_axis=axis, vertical_axis="+z")
            body = np.column_stack([acc[row, n:], np.zeros(n), acc[row, :n]])
            sessions.append(
                (
                    f"running_sacral/{'header axis' if axis else 'no axis'}",
                    Session(np.arange(n) / 500.0, body, None, meta),
                )
            )
    return sessions


def end_to_end_real_rows(root: Path) -> list[dict[str, object]]:
    """Full pipeline on the real recordings as a user would give them (end_to_end_sessions), forward
    and time-reversed; every detected step is scored."""
    import retrogait

    sessions = end_to_end_sessions(root)
    mocap = pd.read_csv(root / "foot_walking" / "mocap_sample.csv", header=[0, 1], index_col=0)
    events = pd.read_csv(root / "foot_walking" / "stride_events_sample.csv")
    rows: dict[str, dict[str, list[str]]] = {}
    angle_err: dict[str, float] = {}
    for name, session in sessions:
        for variant, sess, truth in (
            ("", session, "forward"),
            (" [time-reversed]", _reversed_session(session), "backward"),
        ):
            steps = retrogait.analyze(sess).steps
            entry = rows.setdefault(name + variant, {"labels": [], "truth": []})
            entry["labels"] += steps.direction.astype(str).tolist()
            entry["truth"] += [truth] * len(steps)
            if name.startswith("foot_walking") and not variant:
                angle_err[name] = _fsa_error_vs_mocap(steps, mocap, events, str(session.meta.side))
    out: list[dict[str, object]] = []
    for name, entry in rows.items():
        labels, truth = np.array(entry["labels"]), np.array(entry["truth"])
        out.append(
            {
                "case": f"end-to-end {name}",
                "steps": int(labels.size),
                "direction_correct": float((labels == truth).mean()) if labels.size else np.nan,
                "unknown": float((labels == "unknown").mean()) if labels.size else np.nan,
                "median_confidence": np.nan,
                "foot_strike_correct": np.nan,
                "fsa_median_abs_err_deg": angle_err.get(name, np.nan),
                "strikes": "",
            }
        )
    return out


def _fsa_error_vs_mocap(steps: pd.DataFrame, mocap: pd.DataFrame, events: pd.DataFrame, side: str) -> float:
    """Median |foot-strike angle - mocap| (deg) over our steps within 50 ms of a mocap stance start."""
    fs = 204.8
    ev = events[events.foot == side]
    ic_s, to_s = ev.pre_ic.to_numpy() / fs, ev.tc.to_numpy() / fs
    reference = mocap_foot_strike_angle_deg(mocap, side, ic_s, to_s)
    ours_t = steps.ic_time_s.to_numpy(dtype=np.float64)
    if ours_t.size == 0:
        return float("nan")
    nearest = np.abs(ours_t[None, :] - ic_s[:, None]).argmin(axis=1)
    close = np.abs(ours_t[nearest] - ic_s) <= 0.05
    err = steps.foot_strike_angle_deg.to_numpy(dtype=np.float64)[nearest[close]] - reference[close]
    return float(np.nanmedian(np.abs(err))) if np.isfinite(err).any() else float("nan")


def pooled(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Rows of the same case (several seeds) pooled: step-weighted rates, summed steps."""
    frame = pd.DataFrame(rows)
    out = []
    for name, group in frame.groupby("case", sort=False):
        w = group["steps"].to_numpy(dtype=float)
        row: dict[str, object] = {"case": name, "steps": int(w.sum())}
        for col in (
            "direction_correct",
            "unknown",
            "median_confidence",
            "foot_strike_correct",
            "fsa_median_abs_err_deg",
        ):
            v = group[col].to_numpy(dtype=float)
            ok = np.isfinite(v)
            row[col] = float(np.sum(v[ok] * w[ok]) / np.sum(w[ok])) if ok.any() and w[ok].sum() > 0 else np.nan
        row["strikes"] = group["strikes"].iloc[0] if len(group) == 1 else f"{len(group)} seeds"
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-sim", action="store_true", help="skip simulated sessions")
    parser.add_argument("--cues", action="store_true", help="print per-cue medians too")
    parser.add_argument("--seeds", type=int, default=1, help="simulated sessions per scenario (seeds 1..N)")
    args = parser.parse_args(argv)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.max_colwidth", 70)
    root = shared_data_dir()
    rows = []
    if root.is_dir():
        for case in real_cases(root):
            rows.append(score(case))
            if args.cues:
                print(case.name, direction_cues(case.signals, case.contacts).median().round(3).to_dict())
        rows += end_to_end_real_rows(root)
    else:
        print(f"shared data not found at {root}; real-data tables skipped", file=sys.stderr)
    if not args.no_sim:
        try:
            sim_rows = []
            for seed in range(1, args.seeds + 1):
                for case in simulated_cases(seed):
                    sim_rows.append(score(case))
                    if ("mixed" in case.name or "backward" in case.name) and "no gyro" not in case.name:
                        sim_rows.append(score(with_unknown_facing(case, flip=True)))
            rows += pooled(sim_rows)
            rows += end_to_end_rows()
        except ImportError as exc:
            print(f"simulator not available ({exc}); simulated tables skipped", file=sys.stderr)
    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
