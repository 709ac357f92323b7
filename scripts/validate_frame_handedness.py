"""Is a foot recording's (acc, gyr) pair right-handed? The stride-closure test (MOUNT-10, measured, not built).

A foot rests flat at every stance, so its velocity is zero at both ends of a stride. Integrating the
gyroscope for the orientation, rotating the specific force into the world, removing gravity and
integrating once gives the sensor's velocity at the next stance: about 0 m/s when acc and gyr are one
right-handed frame, several m/s when one acc axis is negated or a pair swapped (gravity is then removed
in the wrong direction whenever the foot turns). The lever arm between sensor and rotation centre does
not matter: it is the sensor point's own velocity that is integrated.

The first table is a probe (a per-sample Python loop for the orientation), not a product path. The audit's
gravity-turn cosine (EDGE-195) is printed beside it: on a real foot it reads "mirrored" on a
right-handed recording because the foot's linear acceleration, not gravity, turns the specific force
while the foot turns fastest. The second table is the product's test (``analysis/handedness.py``, MOUNT-11:
the strides' median |rise| with the rate as given and negated) on every foot recording with a gyroscope
here and the simulator's foot (both versions, seeds 1-6), as given and mirrored, through ``analyze``.

    RETROGAIT_SHARED_DATA=/work/shared/data .venv/bin/python scripts/validate_frame_handedness.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial.transform import Rotation

sys.path.insert(0, str(Path(__file__).resolve().parent))
import retrogait
from retrogait.analysis.handedness import foot_handedness
from retrogait.analysis.settings import AnalysisSettings
from retrogait.imports import load_recording
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, simulate
from retrogait.simulate.config import SIMULATOR_VERSIONS
from shared_recordings import foot_walking_sessions

#: A stance sample: smoothed |acc| within this of its resting value (m/s^2) ...
STILL_ACC_MS2 = 0.6
#: ... and smoothed |gyr| below this (rad/s), over this window (s).
STILL_GYR_RADS = 0.5
STILL_WINDOW_S = 0.05
#: A stride is this long (s); shorter or longer motion between stances is skipped.
STRIDE_S = (0.3, 2.0)


def stride_closure(acc: np.ndarray, gyr_dps: np.ndarray, rate_hz: float) -> np.ndarray:
    """|velocity| (m/s) at each stride's next stance, strapdown-integrated from the stance before."""
    gyr = np.deg2rad(gyr_dps)
    norm = np.linalg.norm(acc, axis=1)
    turn = np.linalg.norm(gyr, axis=1)
    rest = float(np.median(norm[turn < 0.3]))
    kernel = np.ones(max(1, round(STILL_WINDOW_S * rate_hz)))
    kernel /= kernel.size
    still = (np.convolve(np.abs(norm - rest), kernel, "same") < STILL_ACC_MS2) & (
        np.convolve(turn, kernel, "same") < STILL_GYR_RADS
    )
    edges = np.flatnonzero(np.diff(still.astype(np.int8)))
    out = []
    dt = 1.0 / rate_hz
    for start in edges[still[edges]]:
        later = np.flatnonzero(still[start + 1 :])
        if not later.size:
            break
        end = start + 1 + int(later[0])
        if not STRIDE_S[0] <= (end - start) * dt <= STRIDE_S[1]:
            continue
        a0 = acc[max(0, start - 5) : start + 1].mean(axis=0)
        rot = Rotation.align_vectors([[0.0, 0.0, 1.0]], [a0 / np.linalg.norm(a0)])[0]
        gravity = np.array([0.0, 0.0, np.linalg.norm(a0)])
        v = np.zeros(3)
        for t in range(start, end):
            v += (rot.apply(acc[t]) - gravity) * dt
            rot = rot * Rotation.from_rotvec(gyr[t] * dt)
        out.append(float(np.linalg.norm(v)))
    return np.array(out)


def gravity_turn_cosine(acc: np.ndarray, gyr_dps: np.ndarray, rate_hz: float) -> float:
    """The audit's EDGE-195 test: median cos(d(a_hat)/dt, -w x a_hat) over the 30 % most turning samples."""
    kernel = np.ones(max(3, round(0.1 * rate_hz)))
    kernel /= kernel.size
    a = np.column_stack([np.convolve(acc[:, i], kernel, "same") for i in range(3)])
    w = np.column_stack([np.convolve(np.deg2rad(gyr_dps[:, i]), kernel, "same") for i in range(3)])
    d = a / np.linalg.norm(a, axis=1, keepdims=True)
    turn = np.gradient(d, axis=0) * rate_hz
    pred = -np.cross(w, d)
    size = np.linalg.norm(pred, axis=1)
    busy = size >= np.quantile(size, 0.7)
    cos = (turn * pred).sum(axis=1)[busy] / (np.linalg.norm(turn, axis=1)[busy] * size[busy])
    return float(np.median(cos))


def variants(acc: np.ndarray, gyr: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The recording as given and its mirrored copies (one acc axis negated, acc+gyr x/y swapped)."""
    out = {"as recorded": (acc, gyr)}
    for i, axis in enumerate("xyz"):
        flipped = acc.copy()
        flipped[:, i] *= -1
        out[f"acc {axis} negated"] = (flipped, gyr)
    out["acc+gyr x/y swapped"] = (acc[:, [1, 0, 2]], gyr[:, [1, 0, 2]])
    return out


#: The simulator's foot sessions: forward and backward, walking and running, one recording (s at each).
SIM_BOUTS = [
    Bout("forward", "running", 3.0, 15),
    Bout("backward", "running", 2.5, 15),
    Bout("forward", "walking", 1.3, 15),
    Bout("backward", "walking", 0.8, 15),
]


def mirrored_sessions(session: Session) -> dict[str, Session]:
    """``session`` as given, with acc x negated, and with acc and gyr x/y swapped (the audit's damages)."""
    acc, gyr = np.asarray(session.acc, dtype=float), np.asarray(session.gyr, dtype=float)
    flipped = acc.copy()
    flipped[:, 0] *= -1
    return {
        "as recorded": session,
        "acc x negated": Session(session.t_s, flipped, gyr, session.meta),
        "acc+gyr x/y swapped": Session(session.t_s, acc[:, [1, 0, 2]], gyr[:, [1, 0, 2]], session.meta),
    }


def product_rows(name: str, session: Session) -> list[str]:
    """One line per frame: the product's rises (cm), its verdict, the note and the steps' directions."""
    rows = []
    for label, damaged in mirrored_sessions(session).items():
        result = retrogait.analyze(damaged)
        assert result.signals is not None
        handed = foot_handedness(result.signals, result.contacts, AnalysisSettings().direction)
        noted = any("mirror image" in n for n in result.summary["notes"])
        counts = pd.Series(result.steps["direction"]).value_counts()
        said = " ".join(f"{k} {v}" for k, v in counts.items())
        rise = "-" if handed is None else f"{100 * handed.rise_m:6.1f} {100 * handed.mirrored_rise_m:6.1f}"
        rows.append(f"{name:24s} {label:20s} {rise:>13s} {noted!s:>6s}  {said}")
    return rows


def mocap_pitch_rate_check(folder: Path) -> list[str]:
    """foot_walking's ``gyr_y`` (gaitmap's frame: x to the toes, y left) against the foot's pitch rate from the
    toe and heel markers (toes rising positive): a right-handed rate about a left axis reads them with slope -1."""
    data = pd.read_csv(folder / "imu_sample.csv", header=[0, 1], index_col=0)
    mocap = pd.read_csv(folder / "mocap_sample.csv", header=[0, 1], index_col=0)
    t_imu = np.arange(len(data)) / 204.8
    t_mocap = np.arange(len(mocap)) / 100.0
    rows = []
    for side, mark in (("left", "L"), ("right", "R")):
        v = mocap[f"{mark}_TOE"].to_numpy() - mocap[f"{mark}_FCC"].to_numpy()
        pitch = np.arctan2(v[:, 2], np.hypot(v[:, 0], v[:, 1]))
        ok = np.isfinite(pitch)
        rate = np.gradient(np.interp(t_imu, t_mocap[ok], pitch[ok])) * 204.8
        gyr_y = np.deg2rad(data[(f"{side}_sensor", "gyr_y")].to_numpy())
        slope = float(np.dot(gyr_y, rate) / np.dot(rate, rate))
        rows.append(
            f"foot_walking {side}: corr(gyr_y, mocap pitch rate) {np.corrcoef(gyr_y, rate)[0, 1]:+.2f}, "
            f"slope {slope:+.2f}"
        )
    return rows


def main() -> None:
    recordings = {}
    shared = os.environ.get("RETROGAIT_SHARED_DATA")
    if shared:
        for side, session in foot_walking_sessions(Path(shared) / "foot_walking").items():
            recordings[f"foot_walking {side}"] = (session.acc, session.gyr, session.meta.sample_rate_hz)
    if shared:
        print("\n".join(mocap_pitch_rate_check(Path(shared) / "foot_walking")))
        print()
    sample = Path(__file__).resolve().parent.parent / "sample_data" / "foot_mixed.csv"
    session = load_recording(sample).session
    recordings["sample_data foot_mixed"] = (session.acc, session.gyr, session.meta.sample_rate_hz)
    print(f"{'recording':24s} {'frame':22s} {'strides':>7s} {'closure m/s':>11s} {'audit cos':>9s}")
    for name, (acc, gyr, rate) in recordings.items():
        for label, (a, g) in variants(np.asarray(acc), np.asarray(gyr)).items():
            closure = stride_closure(a, g, rate)
            median = float(np.median(closure)) if closure.size else float("nan")
            print(f"{name:24s} {label:22s} {closure.size:7d} {median:11.2f} {gravity_turn_cosine(a, g, rate):+9.2f}")
    print()
    print(f"{'recording':24s} {'frame':20s} {'rise cm: as/mirror':>13s} {'noted':>6s}  directions")
    sessions: dict[str, Session] = {}
    if shared:
        for side, session in foot_walking_sessions(Path(shared) / "foot_walking").items():
            sessions[f"foot_walking {side}"] = session
    sessions["sample_data foot_mixed"] = load_recording(sample).session
    for version in SIMULATOR_VERSIONS:
        for seed in range(1, 7):
            config = SimulationConfig("foot", SIM_BOUTS, sample_rate_hz=200.0, seed=seed, version=version)
            sessions[f"simulator v{version} seed {seed}"] = simulate(config).session
    for name, session in sessions.items():
        print("\n".join(product_rows(name, session)), flush=True)


if __name__ == "__main__":
    main()
