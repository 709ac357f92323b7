"""Contact timing of issue 15 item 3: lower-back walking contacts and a foot's first touch, in-sample and
cross-validated, with physically varied inputs (docs/validation.md, "Contact timing").

Usage: python scripts/validate_contact_timing.py [--data DIR] [--part lowerback|foot|trunk|limbs|all]
       [--seeds 1-18] [--cv] [--gait backward_walking|forward_walking|backward_running|forward_running]
       [--speeds 0.8,1.6]
(DIR: $RETROGAIT_SHARED_DATA or ../shared/data)

Limbs (``--part limbs``, ~15 s for seeds 1-18; not in ``all``): simulated foot contacts with the sensor on the
heel counter, the laces (the simulator's own) or the toe box, and shank contacts, of ``--gait`` per speed over
``--seeds`` (F1 within 50 ms, median [IQR] error of the contacts matched within 200 ms, share within 50 ms),
and the real foot walk time-reversed (soft toe landings) as worn and with virtual sensors toward the toes
(CONTACT-3).

Trunk (``--part trunk``, ~1 min; with ``--cv`` ~10 min): lower-back walking contacts shipped vs before
CADENCE-3, CADENCE-2, CADENCE-1 and CONTACT-1/2, per HA_001 trial and reference (F1 within 50 ms and 200 ms,
median [IQR] error, bout cadence error) and per simulated direction and speed 0.6-1.8 m/s over ``--seeds`` (people 49
and up are held back and refused): F1, median [IQR], the share 50-200 ms early, the walks' cadence error
(median, max and how many walks miss the issue's 2 steps/min); ``--cv``: the CONTACT-1 pair, the CONTACT-2
fraction, the CADENCE-1 sway weight (by pooled F1) and the CADENCE-3 gap (by the walks over 2 steps/min, then
F1) tuned on half the seeds and scored on the other half (both ways) and leave-one-trial-out on HA_001, next to
in-sample.

Lower back (lowerback_walking HA_001, 100 Hz, references INDIP and Stereophoto): every trial is a fold;
per trial and reference the F1 within 50 ms (and 200 ms, the tolerance mobgap evaluates with), the
signed timing error of the contacts matched within 200 ms (median, IQR, mean = bias) and the bout
cadence error of the straight walks. Besides each reference alone,
"agreed" scores only the steps both systems mark within 50 ms of each other (their mean time is the
reference; a detection near a step only one system marks is neither right nor wrong), "either"
counts a step as found when a detection lies within 50 ms of either system's mark. Methods: the
shipped collision onset (IMPACT-6), the steepest rise it replaced (ANALYSIS-5), and our own
implementations, from their published descriptions, of McCamley et al. 2012 (Gaussian CWT, gaus1),
its Ionescu 2020 variant (mobgap IcdIonescu: 40 Hz scale 9 gaus2, minima between zero crossings) and
Zijlstra & Hof 2003 (anterior acceleration peak before its 2 Hz sign change). Varied inputs: a causal
soft-tissue filter (critically damped, 20 / 12 / 8 Hz: a looser attachment or softer landing), 50 Hz,
a static 20 deg tilt, the trunk's motion scaled to 40 % (a gentler walker), and the simulator's
lower-back walking at 0.4-1.3 m/s both ways.

Foot (foot_walking, 204.8 Hz, mocap events): forward and time-reversed (kinematically backward walking
with soft toe landings; the reference is the reversed toe-off), the shipped first touch (IMPACT-7) and
the detector without it; leave-one-foot-out choice of ``sole_rest_speed_ms``; a virtual sensor moved
toward the toes (rigid-body transfer of the acceleration); simulated foot walking and running.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.signal import bilinear, butter, lfilter, resample_poly, sosfiltfilt

import retrogait
import retrogait.analysis.contacts as contacts_module
import retrogait.simulate.segments as segments_module
from retrogait.analysis.filters import in_g, lowpass
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.settings import AnalysisSettings
from retrogait.analysis.signals import BodySignals
from retrogait.session import Session, SessionMeta
from retrogait.simulate import Bout, SimulationConfig, simulate
from retrogait.simulate.config import DEFAULT_SIMULATOR_VERSION

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate import _print, add_simulator_version, f1, match

FS_LB = 100.0
FS_FOOT = 204.8
TRIALS = ("TimeMeasure1_Test5_Trial1", "TimeMeasure1_Test5_Trial2", "TimeMeasure1_Test11_Trial1")
SYSTEMS = ("INDIP", "Stereophoto")
Rows = list[tuple[str, ...]]


# ------------------------------------------------------------------------------------ lower back
#: The simulator version of the simulated sessions (`--simulator-version`, SIM-13).
SIMULATOR = {"version": DEFAULT_SIMULATOR_VERSION}


def lb_raw(root: Path, stem: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    data = pd.read_csv(root / "lowerback_walking" / "HA_001" / f"{stem}.csv")
    return data[["acc_x", "acc_y", "acc_z"]].to_numpy(), data[["gyr_x", "gyr_y", "gyr_z"]].to_numpy()


def lb_refs(root: Path, stem: str, system: str) -> pd.DataFrame:
    folder = root / "lowerback_walking" / "reference_initial_contacts"
    return pd.read_csv(folder / f"HA_001_{stem}_{system}_initial_contacts.csv")


def lb_session(acc: NDArray[np.float64], gyr: NDArray[np.float64], fs: float) -> Session:
    return Session(np.arange(acc.shape[0]) / fs, acc, gyr, SessionMeta("lower_back", fs))


def causal_tissue(acc: NDArray[np.float64], fs: float, f0_hz: float) -> NDArray[np.float64]:
    """A critically damped second-order low-pass (DC gain 1), run forward only: soft tissue between the
    skeleton and the sensor, or a softer loading; it delays and smooths every edge."""
    w = 2 * np.pi * f0_hz
    b, a = bilinear([w * w], [1, 2 * w, w * w], fs)
    return np.asarray(lfilter(b, a, acc - acc[0], axis=0) + acc[0])


def tilted(x: NDArray[np.float64], deg: float) -> NDArray[np.float64]:
    """Sensor turned by ``deg`` about its y axis and ``deg / 2`` about its z axis (a static mounting tilt)."""
    p, r = np.radians(deg), np.radians(deg / 2)
    ry = np.array([[np.cos(p), 0, np.sin(p)], [0, 1, 0], [-np.sin(p), 0, np.cos(p)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return np.asarray(x @ (ry @ rz).T)


def gentler(acc: NDArray[np.float64], gyr: NDArray[np.float64], k: float) -> tuple[NDArray, NDArray]:
    """The trunk's motion above 0.3 Hz scaled by ``k`` (gravity and posture kept): a gentler walker."""
    sos = butter(2, 0.3, fs=FS_LB, output="sos")
    slow = sosfiltfilt(sos, acc, axis=0)
    return slow + k * (acc - slow), k * gyr


#: Physically varied versions of the HA_001 recordings: name -> (acc, gyr) -> (acc, gyr, fs).
VARIANTS: dict[str, Callable[[NDArray, NDArray], tuple[NDArray, NDArray, float]]] = {
    "as recorded": lambda a, g: (a, g, FS_LB),
    "soft tissue 20 Hz": lambda a, g: (causal_tissue(a, FS_LB, 20.0), g, FS_LB),
    "soft tissue 12 Hz": lambda a, g: (causal_tissue(a, FS_LB, 12.0), g, FS_LB),
    "soft tissue 8 Hz": lambda a, g: (causal_tissue(a, FS_LB, 8.0), g, FS_LB),
    "resampled 50 Hz": lambda a, g: (resample_poly(a, 1, 2, axis=0), resample_poly(g, 1, 2, axis=0), FS_LB / 2),
    "tilted 20 deg": lambda a, g: (tilted(a, 20.0), tilted(g, 20.0), FS_LB),
    "motion x 0.4": lambda a, g: (*gentler(a, g, 0.4), FS_LB),
}


def steepest_rise(
    edge: NDArray[np.float64],
    peaks: NDArray[np.int64],
    period: NDArray[np.float64],
    fs: float,
    frac: float,
    sag_cutoff_factor: float = 0.0,
    after_fraction: float = 0.0,
    weak_fraction: float = 0.0,
    gap: NDArray[np.bool_] | None = None,
) -> NDArray[np.int64]:
    """The walking contact before IMPACT-6 (ANALYSIS-5): the steepest rise of the force between the
    single-support minimum and the step peak, in the same window as the shipped collision onset (the
    sag, RATE-1, and the gap, CADENCE-8, are not used)."""
    n = edge.size
    if peaks.size == 0:
        return np.zeros(0, dtype=np.int64)
    back = np.maximum((frac * period[peaks] * fs).astype(np.int64), 2)
    offs = np.arange(int(back.max()) + 1)
    idx = np.clip(np.minimum(peaks[:, None] - back[:, None] + offs[None, :], peaks[:, None]), 0, n - 1)
    seg = edge[idx]
    low = np.argmin(seg, axis=1)
    slope = np.diff(seg, axis=1, append=seg[:, -1:])
    slope = np.where(offs[None, :] >= low[:, None], slope, -np.inf)
    return np.asarray(idx[np.arange(peaks.size), np.argmax(slope, axis=1)], dtype=np.int64)


@contextmanager
def walking_marker(marker: Callable[..., NDArray[np.int64]] | None) -> Iterator[None]:
    """Run ``retrogait.analyze`` with another lower-back walking marker (None: the shipped one)."""
    shipped = contacts_module.collision_onsets
    contacts_module.collision_onsets = marker or shipped  # type: ignore[assignment]
    try:
        yield
    finally:
        contacts_module.collision_onsets = shipped  # type: ignore[assignment]


@contextmanager
def chained_spacing(chained: bool) -> Iterator[None]:
    """With ``chained``, the lower back's step peaks spaced as before CADENCE-2 (each against the last kept)."""
    shipped = contacts_module._tallest_spaced
    if chained:
        contacts_module._tallest_spaced = contacts_module._spaced  # type: ignore[assignment]
    try:
        yield
    finally:
        contacts_module._tallest_spaced = shipped  # type: ignore[assignment]


def analyzed_ics(session: Session, settings: AnalysisSettings | None = None) -> NDArray[np.float64]:
    return np.asarray(retrogait.analyze(session, settings=settings).steps["ic_time_s"].to_numpy(), dtype=float)


def _bandpass4(x: NDArray[np.float64], lo: float, hi: float, fs: float) -> NDArray[np.float64]:
    return np.asarray(sosfiltfilt(butter(4, [lo, hi], btype="band", fs=fs, output="sos"), x))


def _gaussian_wavelet_cwt(x: NDArray[np.float64], fs: float, scale_s: float, order: int) -> NDArray[np.float64]:
    """CWT at one scale with the first (order 1) or second (order 2) derivative-of-Gaussian wavelet,
    signed as PyWavelets' gaus1 (-2u e^-u^2) and gaus2 (positive centre, -(e^-u^2)''): correlation."""
    s = scale_s * fs
    u = np.arange(-int(np.ceil(6 * s)), int(np.ceil(6 * s)) + 1) / s
    psi = -2 * u * np.exp(-(u**2)) if order == 1 else (2 - 4 * u**2) * np.exp(-(u**2))
    return np.asarray(np.correlate(x, psi, mode="same") / np.sqrt(s))


def _minima_between_zero_crossings(c: NDArray[np.float64]) -> NDArray[np.int64]:
    sign = c >= 0
    zc = np.flatnonzero(sign[1:] != sign[:-1])
    out = [a + 1 + int(np.argmin(c[a + 1 : b + 1])) for a, b in itertools.pairwise(zc) if sign[a]]
    return np.asarray(out, dtype=np.int64)


def mccamley(signals: BodySignals, order: int) -> NDArray[np.float64]:
    """McCamley et al. 2012 (order 1: gaus1, IC = its minima) and the Ionescu 2020 variant (order 2:
    gaus2 at the scale mobgap's IcdIonescu uses, 9 samples at 40 Hz = 0.225 s; band-pass 0.15-3.14 Hz):
    the gravity-aligned vertical acceleration (g, up) is integrated, transformed and the minima between
    zero crossings are the contacts. Zero-phase filters throughout."""
    fs = signals.fs_hz
    band = (0.15, 3.14) if order == 2 else (0.15, 20.0)
    v = np.cumsum(_bandpass4(in_g(signals.acc_ms2[:, 2]), *band, fs)) / fs
    c = _gaussian_wavelet_cwt(v, fs, 0.225 if order == 2 else 0.1, order)
    return signals.t_s[_minima_between_zero_crossings(c - c.mean())]


def zijlstra_hof(signals: BodySignals, forward_sign: float) -> NDArray[np.float64]:
    """Zijlstra & Hof 2003: the peak of the (20 Hz) anterior acceleration before each positive-to-negative
    zero crossing of its 2 Hz low-pass (tilt removed by a 0.25 Hz high-pass); needs the facing sign."""
    fs = signals.fs_hz
    ap = forward_sign * in_g(signals.acc_ms2[:, 0])
    ap = ap - np.asarray(sosfiltfilt(butter(2, 0.25, fs=fs, output="sos"), ap))
    low = np.asarray(sosfiltfilt(butter(4, 2.0, fs=fs, output="sos"), ap))
    high = lowpass(ap, 20.0, fs, order=4)
    sign = low >= 0
    zc = np.flatnonzero(sign[1:] != sign[:-1])
    out, prev = [], 0
    for z in zc:  # a validation script: one pass over crossings
        if sign[z] and z > prev:
            out.append(prev + int(np.argmax(high[prev : z + 1])))
        prev = z + 1
    return signals.t_s[np.asarray(out, dtype=np.int64)]


def _in_bouts(det: NDArray[np.float64], ref: pd.DataFrame, tol: float) -> Iterator[tuple[NDArray, NDArray]]:
    for _, bout in ref.groupby("wb_id"):
        lo, hi = bout["wb_start_s"].iloc[0], bout["wb_end_s"].iloc[0]
        yield bout["ic_time_s"].dropna().to_numpy(), det[(det >= lo - tol) & (det <= hi + tol)]


def score_reference(det: NDArray[np.float64], ref: pd.DataFrame, tol: float = 0.05) -> tuple[NDArray, list, list]:
    """(tp, fp, fn), signed errors (s) and bout cadence errors (spm) against one system, in its bouts."""
    tot, errors, cadence = np.zeros(3, int), [], []
    for ref_t, mine in _in_bouts(det, ref, tol):
        tp, fp, fn, pairs = match(ref_t, mine, tol)
        tot += (tp, fp, fn)
        errors += [mine[j] - ref_t[i] for i, j in pairs]
        if mine.size > 1 and ref_t.size > 1:
            cadence.append(_cadence(mine) - _cadence(ref_t))
    return tot, errors, cadence


def _cadence(ic_s: NDArray[np.float64]) -> float:
    return float(60.0 * (ic_s.size - 1) / (ic_s[-1] - ic_s[0]))


def _spans(ref: pd.DataFrame) -> list[tuple[float, float]]:
    return [(b["wb_start_s"].iloc[0], b["wb_end_s"].iloc[0]) for _, b in ref.groupby("wb_id")]


def _inside(t: NDArray[np.float64], spans: list[tuple[float, float]], tol: float) -> NDArray[np.bool_]:
    return np.asarray([any(lo - tol <= x <= hi + tol for lo, hi in spans) for x in t], dtype=bool)


def score_both(det: NDArray[np.float64], indip: pd.DataFrame, stereo: pd.DataFrame, tol: float = 0.05) -> dict:
    """Scores against both systems at once: "agreed" (steps both mark within ``tol``, in the bouts of
    both; detections near a step only one marks are ignored) and "either" (a step is found by a
    detection within ``tol`` of either mark, in the bouts of either)."""
    ta, tb = indip["ic_time_s"].dropna().to_numpy(), stereo["ic_time_s"].dropna().to_numpy()
    _, _, _, pairs = match(ta, tb, 0.2)  # the same step marked by both systems
    steps = [(ta[i], tb[j]) for i, j in pairs]
    steps += [(ta[i], np.nan) for i in sorted(set(range(ta.size)) - {i for i, _ in pairs})]
    steps += [(np.nan, tb[j]) for j in sorted(set(range(tb.size)) - {j for _, j in pairs})]
    marks = np.asarray(steps, dtype=float).reshape(-1, 2)
    agreed = np.isfinite(marks).all(axis=1) & (np.abs(marks[:, 0] - marks[:, 1]) <= tol)
    sa, sb = _spans(indip), _spans(stereo)
    overlap = [(max(a0, b0), min(a1, b1)) for a0, a1 in sa for b0, b1 in sb if min(a1, b1) > max(a0, b0)]
    out = {}
    for name, chosen, spans in (("agreed", agreed, overlap), ("either", np.ones(len(marks), bool), sa + sb)):
        d = det[_inside(det, spans, tol)]
        used, ignored = np.zeros(d.size, bool), np.zeros(d.size, bool)
        tp = fn = 0
        errors: list[float] = []
        for k, mark in enumerate(marks):  # a validation script: one pass over reference steps
            dist = np.nanmin(np.abs(d[:, None] - mark[None, :]), axis=1) if d.size else np.zeros(0)
            dist[used] = np.inf
            if not chosen[k]:
                ignored |= dist <= tol
                continue
            if not _inside(np.array([np.nanmean(mark)]), spans, 0.0)[0]:
                continue
            if dist.size and dist.min() <= tol:
                j = int(np.argmin(dist))
                used[j] = True
                tp += 1
                errors.append(d[j] - float(np.nanmean(mark)))
            else:
                fn += 1
        out[name] = (np.array([tp, int((~used & ~ignored).sum()), fn]), errors)
    return out


def _dist(errors: list[float]) -> str:
    e = 1000 * np.asarray(errors)
    if e.size == 0:
        return "-"
    q1, med, q3 = np.percentile(e, [25, 50, 75])
    return f"median {med:+.0f}, IQR {q1:+.0f}..{q3:+.0f}, bias {e.mean():+.0f} ms"


def _f1(tot: NDArray) -> str:
    return f"{f1(*tot):.3f} ({tot[0]}/{tot[1]}/{tot[2]})"


def lowerback_methods(root: Path) -> dict[str, Callable[[Session], NDArray[np.float64]]]:
    """Method name -> contacts (s) of a lower-back session."""

    def with_marker(marker: Callable[..., NDArray[np.int64]] | None) -> Callable[[Session], NDArray[np.float64]]:
        def run(session: Session) -> NDArray[np.float64]:
            with walking_marker(marker):
                return analyzed_ics(session)

        return run

    def on_signals(f: Callable[[BodySignals], NDArray[np.float64]]) -> Callable[[Session], NDArray[np.float64]]:
        return lambda session: f(preprocess(session))

    # Zijlstra & Hof needs the facing, which a lower-back recording without an axis does not give:
    # both signs are scored
    return {
        "collision onset (shipped)": with_marker(None),
        "steepest rise (before)": with_marker(steepest_rise),
        "McCamley 2012 (gaus1)": on_signals(lambda s: mccamley(s, 1)),
        "Ionescu 2020 (gaus2, mobgap)": on_signals(lambda s: mccamley(s, 2)),
        "Zijlstra & Hof 2003, +x forward": on_signals(lambda s: zijlstra_hof(s, 1.0)),
        "Zijlstra & Hof 2003, -x forward": on_signals(lambda s: zijlstra_hof(s, -1.0)),
    }


def lowerback(root: Path, rows: Rows) -> None:
    sessions = {stem: lb_session(*lb_raw(root, stem), FS_LB) for stem in TRIALS}
    refs = {(stem, system): lb_refs(root, stem, system) for stem in TRIALS for system in SYSTEMS}
    methods = lowerback_methods(root)
    for name, method in methods.items():
        det = {stem: method(s) for stem, s in sessions.items()}
        for stem in TRIALS:
            trial = stem.replace("TimeMeasure1_", "")
            cells = []
            for system in SYSTEMS:
                tot, _, cad = score_reference(det[stem], refs[stem, system])
                f200, err, _ = score_reference(det[stem], refs[stem, system], 0.2)
                cad_s = f", max |bout cadence err| {np.max(np.abs(cad)):.2f} spm" if "Test5" in stem else ""
                cells.append(f"{system} {_f1(tot)} (200 ms {f1(*f200):.2f}), {_dist(err)}{cad_s}")
            both = score_both(det[stem], refs[stem, "INDIP"], refs[stem, "Stereophoto"])
            cells.append(f"agreed {_f1(both['agreed'][0])} {_dist(both['agreed'][1])}; either {_f1(both['either'][0])}")
            rows.append((name, trial, "; ".join(cells)))
    loto_cutoff(sessions, refs, rows)


def loto_choice(det: dict, refs: dict, system: str, default: object) -> tuple[NDArray, list]:
    """Leave one HA_001 trial out: per held-out trial the setting (a key of ``det``: setting -> trial ->
    contacts) with the best F1 against INDIP on the other trials (ties: ``default``), scored against
    ``system`` on the held-out trial; the summed (tp, fp, fn) and the choices."""
    tot = np.zeros(3, int)
    chosen = []
    for held in TRIALS:
        others = [t for t in TRIALS if t != held]
        score = {
            k: f1(*sum((score_reference(det[k][t], refs[t, "INDIP"])[0] for t in others), np.zeros(3, int)))
            for k in det
        }
        best = max(det, key=lambda k: (round(score[k], 6), k == default))
        chosen.append(best)
        tot += score_reference(det[best][held], refs[held, system])[0]
    return tot, chosen


def loto_cutoff(sessions: dict[str, Session], refs: dict, rows: Rows) -> None:
    """Leave-one-trial-out choice of the edge low-pass (the only filter of the collision onset) among
    10-30 Hz by F1 against INDIP on the other trials, scored on the left-out one (both systems)."""
    cutoffs = (10.0, 15.0, 20.0, 30.0)
    base = AnalysisSettings.for_placement("lower_back")
    det = {
        c: {
            stem: analyzed_ics(s, replace(base, contacts=replace(base.contacts, edge_cutoff_hz=c)))
            for stem, s in sessions.items()
        }
        for c in cutoffs
    }
    for system in SYSTEMS:
        tot, chosen = loto_choice(det, refs, system, 20.0)
        in_sample = sum((score_reference(det[20.0][t], refs[t, system])[0] for t in TRIALS), np.zeros(3, int))
        rows.append(
            (
                "collision onset (shipped)",
                f"LOTO edge cutoff vs {system}",
                f"chosen {', '.join(f'{c:g}' for c in chosen)} Hz; all trials LOTO {_f1(tot)}, "
                f"in-sample 20 Hz {_f1(in_sample)}",
            )
        )


def lowerback_varied(root: Path, rows: Rows) -> None:
    """Shipped vs before on physically varied versions of HA_001 (all trials, INDIP and Stereophoto)."""
    refs = {(stem, system): lb_refs(root, stem, system) for stem in TRIALS for system in SYSTEMS}
    raw = {stem: lb_raw(root, stem) for stem in TRIALS}
    for variant, make in VARIANTS.items():
        sessions = {stem: lb_session(*make(*raw[stem])) for stem in TRIALS}
        for name, marker in (("collision onset (shipped)", None), ("steepest rise (before)", steepest_rise)):
            cells = []
            for group in ("Test5", "Test11"):
                for system in SYSTEMS:
                    tot, err = np.zeros(3, int), []
                    for stem in TRIALS:
                        if f"_{group}_" in stem:
                            with walking_marker(marker):
                                t, e, _ = score_reference(analyzed_ics(sessions[stem]), refs[stem, system])
                            tot += t
                            err += e
                    cells.append(f"{group}/{system[:5]} {f1(*tot):.2f} {1000 * np.median(err):+.0f} ms")
            rows.append((variant, name, ", ".join(cells)))


def lowerback_simulated(rows: Rows) -> None:
    """Shipped vs before on the simulator's lower-back walking (100 Hz, seed 1, 30 s), against its truth."""
    for direction in ("forward", "backward"):
        for speed in (0.4, 0.6, 0.8, 1.0, 1.3):
            sim = simulate(
                SimulationConfig(
                    "lower_back", [Bout(direction, "walking", speed, 30)], FS_LB, seed=1, version=SIMULATOR["version"]
                )
            )
            truth = sim.truth["ic_time_s"].to_numpy()
            cells = []
            for name, marker in (("shipped", None), ("before", steepest_rise)):
                with walking_marker(marker):
                    det = analyzed_ics(sim.session)
                tp, fp, fn, pairs = match(truth, det)
                err = [det[j] - truth[i] for i, j in pairs]
                cells.append(f"{name} {f1(tp, fp, fn):.3f} ({tp}/{fp}/{fn}) {_dist(err)}")
            rows.append((f"simulated lower back, {direction} walking {speed:g} m/s", "vs truth", "; ".join(cells)))


#: Simulated lower-back walking speeds (m/s) of ``--part trunk``; seeds from 49 on are held back (never run).
TRUNK_SPEEDS = (0.6, 0.8, 1.0, 1.3, 1.6, 1.8)
FIRST_HELD_BACK_SEED = 49
#: Lower-back walking settings (walk_after_fraction, walk_weak_kink_fraction, trunk_step_repeat_fraction,
#: trunk_step_sway_fraction, trunk_step_gap_periods).
Walk = tuple[float, float, float, float, float]
#: The detector before CONTACT-1 (the window ends at the step peak), CONTACT-2 (70 % step repeat) and
#: CADENCE-1 (the step period from the vertical alone) and CADENCE-3 (no lost step filled: the bound 100).
BEFORE_CONTACT_1: Walk = (0.0, 0.0, 0.7, 0.0, 100.0)
#: trunk_step_gap_periods that fills no gap (CADENCE-3's bound: a gap that long is a pause).
NO_GAP_FILL = 100.0
#: A walk's cadence error (steps/min) the issue 15 goal allows.
CADENCE_GOAL_SPM = 2.0
#: Cross-validation grids: CONTACT-1's pair (CONTACT-2's fraction as shipped), CONTACT-2's fraction
#: (CONTACT-1's pair as shipped); each also holds the value before.
PAIR_GRID = tuple(itertools.product((0.15, 0.25, 0.35), (0.1, 0.2, 0.3, 0.5)))
REPEAT_GRID = (0.7, 0.5, 0.35, 0.2)
SWAY_GRID = (0.0, 0.5, 1.0)
GAP_GRID = (NO_GAP_FILL, 1.3, 1.5, 1.7, 2.0)
Cell = tuple[str, float]


def walk_settings(after: float, weak: float, repeat: float, sway: float, gap: float) -> AnalysisSettings:
    """Lower-back settings with the walking contact's hump extension and weak-kink fraction (CONTACT-1),
    the step period's repeat fraction (CONTACT-2), its horizontal share (CADENCE-1) and the gap between kept
    step peaks that lost a step (CADENCE-3)."""
    base = AnalysisSettings.for_placement("lower_back")
    contacts = replace(
        base.contacts,
        walk_after_fraction=after,
        walk_weak_kink_fraction=weak,
        trunk_step_repeat_fraction=repeat,
        trunk_step_sway_fraction=sway,
        trunk_step_gap_periods=gap,
    )
    return replace(base, contacts=contacts)


def shipped_walk() -> Walk:
    c = AnalysisSettings.for_placement("lower_back").contacts
    return (
        c.walk_after_fraction,
        c.walk_weak_kink_fraction,
        c.trunk_step_repeat_fraction,
        c.trunk_step_sway_fraction,
        c.trunk_step_gap_periods,
    )


def trunk_sims(seeds: list[int]) -> dict[tuple[str, float, int], tuple[Session, NDArray[np.float64]]]:
    """Simulated lower-back walks (100 Hz, 30 s, one per direction, speed and seed): session and true ICs."""
    out = {}
    for direction, speed, seed in itertools.product(("forward", "backward"), TRUNK_SPEEDS, seeds):
        sim = simulate(
            SimulationConfig(
                "lower_back", [Bout(direction, "walking", speed, 30)], FS_LB, seed=seed, version=SIMULATOR["version"]
            )
        )
        out[direction, speed, seed] = (sim.session, sim.truth["ic_time_s"].to_numpy())
    return out


def sim_scores(sims: dict, settings: AnalysisSettings) -> dict[Cell, tuple[NDArray, list, list]]:
    """Per (direction, speed): (tp, fp, fn) within 50 ms, signed errors (s) of the contacts matched within
    200 ms, and each walk's cadence error (detected minus true, steps/min)."""
    out: dict[Cell, tuple[NDArray, list, list]] = {}
    for (direction, speed, _), (session, truth) in sims.items():
        det = analyzed_ics(session, settings)
        tot, err, cad = out.setdefault((direction, speed), (np.zeros(3, int), [], []))
        tp, fp, fn, _ = match(truth, det, 0.05)
        tot += (tp, fp, fn)
        _, _, _, pairs = match(truth, det, 0.2)
        err += [det[j] - truth[i] for i, j in pairs]
        inside = det[(det >= truth[0] - 0.2) & (det <= truth[-1] + 0.2)]
        if inside.size > 1:
            cad.append(_cadence(inside) - _cadence(truth))
    return out


def _pooled_f1(scores: dict[Cell, tuple[NDArray, list, list]]) -> float:
    return f1(*sum((v[0] for v in scores.values()), np.zeros(3, int)))


def _sim_cell(tot: NDArray, err: list[float], cad: list[float]) -> str:
    e = 1000 * np.asarray(err)
    early = float(np.mean((e < -50) & (e >= -200))) if e.size else float("nan")
    q1, med, q3 = np.percentile(e, [25, 50, 75]) if e.size else (np.nan,) * 3
    c = np.abs(cad)
    cad_s = (
        f"median {np.median(c):.2f} max {np.max(c):.2f} spm, {np.sum(c > CADENCE_GOAL_SPM)}/{c.size} walks > "
        f"{CADENCE_GOAL_SPM:g}"
        if cad
        else "-"
    )
    timing = f"median {med:+.0f} [{q1:+.0f}..{q3:+.0f}] ms, early {100 * early:.0f} %"
    return f"{_f1(tot)}, {timing}, |cadence err| {cad_s}"


def trunk(root: Path, seeds: list[int], cv: bool, rows: Rows) -> None:
    """Lower-back walking contacts, shipped vs before CADENCE-2, CADENCE-1 and CONTACT-1: each real recording
    (HA_001, both references) and each simulated direction and speed (seeds summed); with ``cv`` the choice of
    (walk_after_fraction, walk_weak_kink_fraction) tuned on half the seeds (or two real trials) and scored
    on the rest, next to in-sample."""
    shipped = shipped_walk()
    versions = {
        "shipped": (shipped, False),
        "before CADENCE-3": ((*shipped[:4], NO_GAP_FILL), False),
        "before CADENCE-2": ((*shipped[:4], NO_GAP_FILL), True),
        "before CADENCE-1": ((*shipped[:3], 0.0, NO_GAP_FILL), True),
        "before CONTACT-1": (BEFORE_CONTACT_1, True),
    }
    sessions = {stem: lb_session(*lb_raw(root, stem), FS_LB) for stem in TRIALS}
    refs = {(stem, system): lb_refs(root, stem, system) for stem in TRIALS for system in SYSTEMS}
    for name, (pair, chained) in versions.items():
        for stem in TRIALS:
            with chained_spacing(chained):
                det = analyzed_ics(sessions[stem], walk_settings(*pair))
            cells = []
            for system in SYSTEMS:
                tot, _, cad = score_reference(det, refs[stem, system])
                f200, err, _ = score_reference(det, refs[stem, system], 0.2)
                e = 1000 * np.asarray(err)
                q1, med, q3 = np.percentile(e, [25, 50, 75])
                cad_s = f", |cadence err| max {np.max(np.abs(cad)):.2f} spm" if "Test5" in stem else ""
                cells.append(
                    f"{system} {_f1(tot)} (200 ms {f1(*f200):.2f}), median {med:+.0f} [{q1:+.0f}..{q3:+.0f}] ms{cad_s}"
                )
            rows.append((f"real {stem.replace('TimeMeasure1_', '')}", name, "; ".join(cells)))
    sims = trunk_sims(seeds)
    for name, (pair, chained) in versions.items():
        with chained_spacing(chained):
            scores = sim_scores(sims, walk_settings(*pair))
        for (direction, speed), (tot, err, cad) in sorted(scores.items()):
            rows.append(
                (f"simulated {direction} {speed:g} m/s, seeds {_seed_span(seeds)}", name, _sim_cell(tot, err, cad))
            )
    if cv:
        default = shipped_walk()
        pairs = [BEFORE_CONTACT_1[:2], *PAIR_GRID]
        trunk_cv(sims, seeds, sessions, refs, [(a, w, *default[2:]) for a, w in pairs], "(after, weak)", rows)
        grid = [(*default[:2], r, *default[3:]) for r in REPEAT_GRID]
        trunk_cv(sims, seeds, sessions, refs, grid, "step repeat", rows)
        trunk_cv(sims, seeds, sessions, refs, [(*default[:3], w, default[4]) for w in SWAY_GRID], "sway weight", rows)
        gaps = [(*default[:4], g) for g in GAP_GRID]
        trunk_cv(sims, seeds, sessions, refs, gaps, "lost-step gap", rows, by_cadence=True)


def _seed_span(seeds: list[int]) -> str:
    return (
        ",".join(map(str, seeds))
        if len(seeds) < 3 or seeds != list(range(min(seeds), max(seeds) + 1))
        else f"{min(seeds)}-{max(seeds)}"
    )


def _walks_over_goal(scores: dict[Cell, tuple[NDArray, list, list]]) -> int:
    return sum(int(np.sum(np.abs(cad) > CADENCE_GOAL_SPM)) for _, _, cad in scores.values())


def trunk_cv(
    sims: dict,
    seeds: list[int],
    sessions: dict,
    refs: dict,
    grid: list[Walk],
    what: str,
    rows: Rows,
    by_cadence: bool = False,
) -> None:
    """Two-fold over the seeds (first half / second half) and leave-one-trial-out over HA_001 (by F1 vs
    INDIP on the other trials) of the settings in ``grid``; ties go to the shipped settings. ``by_cadence``:
    the seeds choose by the fewest walks over the 2 steps/min goal first, then by pooled F1."""
    default = shipped_walk()
    before = grid[0]
    half = len(seeds) // 2
    folds = (seeds[:half], seeds[half:])
    scores = {
        pair: {
            tuple(fold): sim_scores({k: v for k, v in sims.items() if k[2] in fold}, walk_settings(*pair))
            for fold in folds
        }
        for pair in grid
    }

    def rank(pair: Walk, fold: list[int]) -> tuple[int, float, bool]:
        got = scores[pair][tuple(fold)]
        return (-_walks_over_goal(got) if by_cadence else 0, round(_pooled_f1(got), 6), pair == default)

    def cell(pair: Walk, fold: list[int]) -> str:
        got = scores[pair][tuple(fold)]
        return f"{_pooled_f1(got):.3f}" + (f" ({_walks_over_goal(got)} walks > 2 spm)" if by_cadence else "")

    for tune, test in (folds, folds[::-1]):
        chosen = max(grid, key=lambda pair: rank(pair, tune))
        own = max(grid, key=lambda pair: rank(pair, test))
        held = scores[chosen][tuple(test)]
        rows.append(
            (
                f"CV: tuned on seeds {_seed_span(tune)}, scored on {_seed_span(test)}",
                f"{what}: chosen {chosen}",
                f"pooled F1 {cell(chosen, test)}; in-sample best {own} {cell(own, test)}; "
                f"shipped {default} {cell(default, test)}; before {before} {cell(before, test)}; "
                "forward 1.3/1.6/1.8 m/s " + " / ".join(f"{f1(*held['forward', v][0]):.3f}" for v in (1.3, 1.6, 1.8)),
            )
        )
    det = {pair: {stem: analyzed_ics(s, walk_settings(*pair)) for stem, s in sessions.items()} for pair in grid}
    for system in SYSTEMS:
        tot, chosen_pairs = loto_choice(det, refs, system, default)
        in_sample = sum((score_reference(det[default][t], refs[t, system])[0] for t in TRIALS), np.zeros(3, int))
        rows.append(
            (
                f"CV {what}: HA_001 leave one trial out, vs {system}",
                f"chosen {', '.join(map(str, chosen_pairs))}",
                f"all trials LOTO {_f1(tot)}, in-sample shipped {_f1(in_sample)}",
            )
        )


# ------------------------------------------------------------------------------------------- foot


@contextmanager
def without_first_touch() -> Iterator[None]:
    """The foot detector as before IMPACT-7: the impact-based landing only."""
    shipped = contacts_module.first_touch
    contacts_module.first_touch = lambda acc, gyr, fs, rest, idx, ic, s, impact=None: ic  # type: ignore[assignment]
    try:
        yield
    finally:
        contacts_module.first_touch = shipped  # type: ignore[assignment]


def foot_sessions(root: Path, reverse: bool, lever_m: float = 0.0) -> list[tuple[Session, NDArray[np.float64]]]:
    """(session, reference IC times) per foot; reversed: positions retrace (acceleration keeps its sign,
    angular rate flips) and the reference is the reversed toe-off. ``lever_m``: a virtual sensor this far
    toward the toes along the foot (rigid-body transfer: a + alpha x r + omega x (omega x r))."""
    folder = root / "foot_walking"
    data = pd.read_csv(folder / "imu_sample_not_rotated.csv", header=[0, 1], index_col=0)
    events = pd.read_csv(folder / "stride_events_sample.csv")
    out = []
    for side in ("left", "right"):
        x = data[f"{side}_sensor"]
        n = len(x)
        acc = x[["acc_x", "acc_y", "acc_z"]].to_numpy()
        gyr = x[["gyr_x", "gyr_y", "gyr_z"]].to_numpy()
        if reverse:
            acc, gyr = acc[::-1].copy(), -gyr[::-1].copy()
        session = Session(np.arange(n) / FS_FOOT, acc, gyr, SessionMeta("foot", FS_FOOT, side=side))
        if lever_m:
            session = _moved_sensor(session, lever_m)
        ev = events[events["foot"] == side]
        ref = (
            np.sort((n - 1) / FS_FOOT - ev["tc"].to_numpy() / FS_FOOT)
            if reverse
            else np.sort(ev["ic"].to_numpy() / FS_FOOT)
        )
        out.append((session, ref))
    return out


def _moved_sensor(session: Session, lever_m: float) -> Session:
    signals = preprocess(session)
    fs = signals.fs_hz
    assert signals.gyr_dps is not None
    w = np.radians(lowpass(signals.gyr_dps, 40.0, fs))
    alpha = np.gradient(w, axis=0) * fs
    r = np.array([lever_m, 0.0, 0.0])
    acc = signals.acc_ms2 + np.cross(alpha, r) + np.cross(w, np.cross(w, r))
    meta = SessionMeta("foot", fs, side=session.meta.side, anterior_axis="+x", vertical_axis="+z")
    return Session(signals.t_s, acc, signals.gyr_dps, meta)


def foot_score(
    pairs: list[tuple[Session, NDArray[np.float64]]], settings: AnalysisSettings | None = None
) -> tuple[NDArray, list]:
    tot, errors = np.zeros(3, int), []
    for session, ref in pairs:
        det = analyzed_ics(session, settings)
        det = det[(det >= ref.min() - 0.5) & (det <= ref.max() + 0.5)]
        tp, fp, fn, matched = match(ref, det)
        tot += (tp, fp, fn)
        errors += [det[j] - ref[i] for i, j in matched]
    return tot, errors


def foot(root: Path, rows: Rows) -> None:
    for lever, where in (
        (0.0, "as worn (near the heel)"),
        (0.17, "virtual sensor 0.17 m toward the toes"),
        (0.25, "virtual, 0.25 m"),
    ):
        for reverse in (False, True):
            pairs = foot_sessions(root, reverse, lever)
            tot, err = foot_score(pairs)
            with without_first_touch():
                tot0, err0 = foot_score(pairs)
            label = "time-reversed (toe landings)" if reverse else "forward"
            rows.append(
                (f"foot_walking {label}", where, f"shipped {_f1(tot)} {_dist(err)}; before {_f1(tot0)} {_dist(err0)}")
            )
    loto_sole_speed(root, rows)
    foot_simulated(rows)


def loto_sole_speed(root: Path, rows: Rows) -> None:
    """Leave-one-foot-out choice of ``sole_rest_speed_ms`` among 0.2 / 0.3 / 0.5 m/s (forward and
    reversed together), scored on the other foot."""
    speeds = (0.2, 0.3, 0.5)
    base = AnalysisSettings.for_placement("foot")
    pairs = [p for reverse in (False, True) for p in foot_sessions(root, reverse)]
    side_of = [p[0].meta.side for p in pairs]
    per = {}
    for v in speeds:
        settings = replace(base, contacts=replace(base.contacts, sole_rest_speed_ms=v))
        per[v] = [foot_score([p], settings)[0] for p in pairs]
    tot = np.zeros(3, int)
    chosen = []
    for held in ("left", "right"):
        score = {
            v: f1(*sum((t for t, s in zip(per[v], side_of, strict=True) if s != held), np.zeros(3, int)))
            for v in speeds
        }
        best = max(speeds, key=lambda v: (round(score[v], 6), v == 0.3))
        chosen.append(best)
        tot += sum((t for t, s in zip(per[best], side_of, strict=True) if s == held), np.zeros(3, int))
    in_sample = {v: _f1(sum(per[v], np.zeros(3, int))) for v in speeds}
    rows.append(
        (
            "foot_walking forward + reversed",
            "leave-one-foot-out sole_rest_speed_ms",
            f"chosen {chosen[0]:g} / {chosen[1]:g} m/s, LOTO {_f1(tot)}; in-sample "
            + ", ".join(f"{v:g} m/s {s}" for v, s in in_sample.items()),
        )
    )


FOOT_SIM = (
    ("forward", "running", 3.0),
    ("backward", "running", 2.5),
    ("forward", "walking", 1.3),
    ("forward", "walking", 0.6),
    ("backward", "walking", 0.8),
    ("backward", "walking", 1.2),
)


def foot_simulated(rows: Rows) -> None:
    """Simulated foot (200 Hz, seed 1, 30 s), shipped vs before, against the sensor leg's truth."""
    for direction, activity, speed in FOOT_SIM:
        sim = simulate(
            SimulationConfig(
                "foot", [Bout(direction, activity, speed, 30)], 200.0, seed=1, version=SIMULATOR["version"]
            )
        )
        truth = sim.truth[sim.truth["side"] == sim.config.side]["ic_time_s"].to_numpy()
        cells = []
        for name in ("shipped", "before"):
            if name == "before":
                with without_first_touch():
                    det = analyzed_ics(sim.session)
            else:
                det = analyzed_ics(sim.session)
            tp, fp, fn, pairs = match(truth, det)
            cells.append(f"{name} {f1(tp, fp, fn):.3f} {_dist([det[j] - truth[i] for i, j in pairs])}")
        rows.append((f"simulated foot, {direction} {activity} {speed:g} m/s", "vs truth", "; ".join(cells)))


#: Where a foot sensor sits in the simulator's foot frame (m, x toward the toes from the ankle, z up; the
#: heel's sole point is at (-0.06, -0.09), the ball's at (0.14, -0.09)): the heel counter, the laces (the
#: simulator's own), the toe box. Only the kinematic point moves (the landing's impact model is the same).
FOOT_POSITIONS = {"heel": (-0.08, -0.05), "mid": (0.06, -0.03), "toe": (0.16, -0.05)}
LIMB_SPEEDS = {
    "backward_walking": (0.6, 0.8, 1.0, 1.2, 1.4, 1.6),
    "forward_walking": (0.6, 1.0, 1.3, 1.6),
    "backward_running": (2.0, 2.5, 3.0),
    "forward_running": (2.5, 3.5, 4.5),
}


@contextmanager
def foot_sensor_at(xz_m: tuple[float, float]) -> Iterator[None]:
    """Simulate the foot with its sensor at ``xz_m`` (the foot frame, m) instead of the laces."""
    shipped = segments_module.FOOT_SENSOR_XZ_M
    segments_module.FOOT_SENSOR_XZ_M = xz_m  # type: ignore[misc]
    try:
        yield
    finally:
        segments_module.FOOT_SENSOR_XZ_M = shipped  # type: ignore[misc]


def limb_sims(gait: str, speed: float, seeds: list[int], where: str) -> list[tuple[Session, NDArray[np.float64]]]:
    """Simulated walks (200 Hz, 30 s) of ``gait`` at ``speed`` per seed, the sensor at ``where`` (``shank``
    or a FOOT_POSITIONS key): (session, the sensor leg's true contacts)."""
    direction, activity = gait.split("_")
    placement = "shank" if where == "shank" else "foot"
    out = []
    for seed in seeds:
        config = SimulationConfig(
            placement, [Bout(direction, activity, speed, 30)], 200.0, seed=seed, version=SIMULATOR["version"]
        )
        if placement == "foot":
            with foot_sensor_at(FOOT_POSITIONS[where]):
                sim = simulate(config)
        else:
            sim = simulate(config)
        truth = sim.truth[sim.truth["side"] == config.side]["ic_time_s"].to_numpy()
        out.append((sim.session, truth))
    return out


def limb_cell(sims: list[tuple[Session, NDArray[np.float64]]], settings: AnalysisSettings | None = None) -> str:
    """F1 within 50 ms and the signed error (median [IQR], ms) of the contacts matched within 200 ms."""
    tot, err = np.zeros(3, int), []
    for session, truth in sims:
        det = analyzed_ics(session, settings)
        tp, fp, fn, _ = match(truth, det, 0.05)
        tot += (tp, fp, fn)
        _, _, _, pairs = match(truth, det, 0.2)
        err += [det[j] - truth[i] for i, j in pairs]
    e = 1000 * np.asarray(err)
    q1, med, q3 = np.percentile(e, [25, 50, 75]) if e.size else (np.nan,) * 3
    within = float(np.mean(np.abs(e) <= 50)) if e.size else float("nan")
    return f"{_f1(tot)}, median {med:+.0f} [{q1:+.0f}..{q3:+.0f}] ms, {100 * within:.0f} % within 50 ms"


def limbs(root: Path, gait: str, speeds: list[float], seeds: list[int], rows: Rows) -> None:
    """Simulated foot (heel, laces, toe box) and shank contacts of ``gait`` per speed over ``seeds``,
    and the real foot walk time-reversed (soft toe landings) as worn and with virtual sensors toward
    the toes (a check of the rigid-body transfer, IMPACT-7)."""
    for where in (*FOOT_POSITIONS, "shank"):
        label = "shank" if where == "shank" else f"foot at the {where}"
        for speed in speeds:
            cell = limb_cell(limb_sims(gait, speed, seeds, where))
            rows.append((f"simulated {label}, {gait.replace('_', ' ')} {speed:g} m/s", _seed_span(seeds), cell))
    virtual = ((0.0, "as worn (near the heel)"), (0.17, "virtual 0.17 m toward the toes"), (0.25, "virtual 0.25 m"))
    for lever, where_real in virtual:
        tot, err = foot_score(foot_sessions(root, True, lever))
        rows.append(("foot_walking time-reversed (toe landings)", where_real, f"{_f1(tot)} {_dist(err)}"))


# ------------------------------------------------------------------------------------------- main


def parse_seeds(text: str) -> list[int]:
    """ "1-18" or "1,2,3" -> seeds; the people from 49 on are held back for the final check."""
    seeds = sorted(
        {
            s
            for part in text.split(",")
            for s in (range(int(part.split("-")[0]), int(part.split("-")[1]) + 1) if "-" in part else [int(part)])
        }
    )
    if not seeds or seeds[-1] >= FIRST_HELD_BACK_SEED:
        raise SystemExit(f"validate_contact_timing: seeds must lie below {FIRST_HELD_BACK_SEED} (held back)")
    return seeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = os.environ.get("RETROGAIT_SHARED_DATA") or str(Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--data", default=default)
    parser.add_argument("--part", choices=("lowerback", "foot", "trunk", "limbs", "all"), default="all")
    parser.add_argument("--gait", choices=tuple(LIMB_SPEEDS), default="backward_walking", help="limbs: the gait")
    parser.add_argument("--speeds", default="", help="limbs: speeds (m/s), e.g. 0.8,1.6 (default: the gait's sweep)")
    parser.add_argument("--seeds", default="1-18", help="trunk: simulated people, e.g. 1-18 or 1,2,3 (below 49)")
    parser.add_argument("--cv", action="store_true", help="trunk: cross-validate the CONTACT-1 pair (~6 min)")
    add_simulator_version(parser)
    args = parser.parse_args()
    SIMULATOR["version"] = args.simulator_version
    seeds = parse_seeds(args.seeds)
    root = Path(args.data)
    if not root.is_dir():
        raise SystemExit(f"validate_contact_timing: no data folder at {root} (set RETROGAIT_SHARED_DATA)")
    if args.part in ("lowerback", "all"):
        rows: Rows = []
        lowerback(root, rows)
        _print("lower-back walking contacts, HA_001 (each trial a fold)", ("method", "trial", "result"), rows)
        rows = []
        lowerback_varied(root, rows)
        lowerback_simulated(rows)
        _print("lower-back walking contacts, varied inputs", ("input", "method", "result"), rows)
    if args.part in ("trunk", "all"):
        rows = []
        trunk(root, seeds, args.cv, rows)
        title = "lower-back walking contacts, shipped vs before CADENCE-1 and CONTACT-1"
        _print(title, ("data", "detector", "result"), rows)
    if args.part in ("foot", "all"):
        rows = []
        foot(root, rows)
        _print("foot landings: first touch (IMPACT-7)", ("data", "sensor / check", "result"), rows)
    if args.part == "limbs":
        rows = []
        speeds = [float(v) for v in args.speeds.split(",")] if args.speeds else list(LIMB_SPEEDS[args.gait])
        limbs(root, args.gait, speeds, seeds, rows)
        _print(f"foot and shank contacts, {args.gait.replace('_', ' ')}", ("data", "seeds / sensor", "result"), rows)


if __name__ == "__main__":
    main()
