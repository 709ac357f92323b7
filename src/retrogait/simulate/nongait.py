"""Recordings of movement that is not gait, and of a phone in a trouser pocket, for the gait gate's checks.

Deterministic (seeded) synthetic sessions: what a sensor reads when it is handled, shaken, carried in
a car, put down on a table or fed pure noise - none of which may give steps (docs/analysis.md, "Not gait
is not steps") - and a walk with a phone in a trouser pocket, whose one leg lands hard and the other
softly while the thigh swings the phone through +-30 deg (both legs' steps must be counted). Units:
m/s^2 with gravity, deg/s; sensor frame arbitrary.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.signal import butter, sosfiltfilt
from scipy.spatial.transform import Rotation

from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.session import Session, SessionMeta

G = STANDARD_GRAVITY_MS2
#: The kinds of non-gait movement :func:`non_gait` makes.
KINDS = ("noise", "handling", "shaking", "car", "table")
#: Harsher kinds, closer to gait: handled at a step's rate, a rough road, a phone tapped at 1 Hz.
HARSH_KINDS = ("handling_2hz", "rough_car", "tapping")


def _lowpass(x: NDArray[np.float64], cutoff_hz: float, fs: float) -> NDArray[np.float64]:
    return np.asarray(sosfiltfilt(butter(2, cutoff_hz, fs=fs, output="sos"), x, axis=0))


def non_gait(
    kind: str, placement: str = "other", fs_hz: float = 200.0, duration_s: float = 60.0, seed: int = 0
) -> Session:
    """A session of ``kind`` (one of KINDS):

    * ``noise``: pure noise, N(0, 15 m/s^2) on every axis (issue 12 item 3);
    * ``handling``: the sensor turned about at random (up to ~1 Hz) and moved (2 m/s^2 rms below 3 Hz);
    * ``shaking``: shaken to and fro at 5 Hz by +-2 g, with the amplitude wandering;
    * ``car``: road and engine vibration (8-30 Hz, 0.4 m/s^2), braking and turning (0.2 Hz), a road bump
      every 3 s on average;
    * ``table``: lying still, knocked five times;
    * ``handling_2hz``: handled at a step's rate: turns up to 2 Hz, 2 m/s^2 rms of movement in 1-3 Hz;
    * ``rough_car``: the car on a rough road: twice the vibration, a bump every second on average;
    * ``tapping``: lying on a table, tapped by a finger once a second (+-5 %): a 1 g, 20 ms knock.
    """
    rng = np.random.default_rng(seed)
    n = round(duration_s * fs_hz)
    t = np.arange(n) / fs_hz
    up = np.array([0.0, 0.0, G])
    if kind == "noise":
        acc = rng.normal(0.0, 15.0, (n, 3))
    elif kind in ("handling", "handling_2hz"):
        fast = kind == "handling_2hz"
        turn = np.cumsum(_lowpass(rng.normal(0.0, 1.0, (n, 3)), 2.0 if fast else 1.0, fs_hz), axis=0) / fs_hz * 3.0
        if fast:
            move = sosfiltfilt(
                butter(2, [1.0, 3.0], btype="band", fs=fs_hz, output="sos"), rng.normal(0, 1, (n, 3)), axis=0
            )
        else:
            move = _lowpass(rng.normal(0.0, 1.0, (n, 3)), 3.0, fs_hz)
        acc = Rotation.from_rotvec(turn).inv().apply(up) + 2.0 * move / move.std() + rng.normal(0, 0.05, (n, 3))
    elif kind == "shaking":
        size = 1.0 + 0.3 * _lowpass(rng.normal(0.0, 1.0, n), 0.5, fs_hz) / 0.05
        phase = 2 * np.pi * 5.0 * t + np.cumsum(rng.normal(0.0, 0.02, n))
        acc = np.column_stack([2 * G * size * np.sin(phase), 0.3 * G * np.sin(phase + 1.0), np.full(n, G)])
        acc += rng.normal(0.0, 0.3, (n, 3))
    elif kind in ("car", "rough_car"):
        rough = kind == "rough_car"
        band = butter(2, [8.0, min(30.0, 0.45 * fs_hz)], btype="band", fs=fs_hz, output="sos")
        vibration = sosfiltfilt(band, rng.normal(0.0, 1.0, (n, 3)), axis=0)
        drive = _lowpass(rng.normal(0.0, 1.0, (n, 3)), 0.2, fs_hz) * [1.0, 1.0, 0.3]
        bumps = np.zeros((n, 3))
        at = rng.choice(n, max(1, round(duration_s / (1.0 if rough else 3.0))), replace=False)
        bumps[at, 2] = rng.normal(0.0, 40.0, at.size)
        shake = (0.8 if rough else 0.4) * vibration / vibration.std()
        acc = shake + drive / drive.std() + _lowpass(bumps, 15.0, fs_hz) + up
    elif kind == "table":
        acc = np.tile(up, (n, 1)) + rng.normal(0.0, 0.02, (n, 3))
        for start in rng.integers(0, n - round(0.1 * fs_hz), 5):
            acc[start : start + round(0.1 * fs_hz)] += rng.normal(0.0, 5.0, 3)
    elif kind == "tapping":
        acc = np.tile(up, (n, 1)) + rng.normal(0.0, 0.02, (n, 3))
        knock = np.sin(np.pi * np.arange(round(0.02 * fs_hz)) / round(0.02 * fs_hz)) * G  # 1 g half-sine, 20 ms
        taps = np.cumsum(rng.uniform(0.95, 1.05, int(duration_s)))
        for start in np.rint(taps[taps < duration_s - 0.05] * fs_hz).astype(np.int64):
            acc[start : start + knock.size, 2] += knock[: n - start]
    else:
        raise ValueError(f"kind must be one of {', '.join(KINDS + HARSH_KINDS)}, got {kind!r}")
    meta = SessionMeta(placement, fs_hz, sensor=f"retrogait non-gait generator ({kind}, seed {seed}; synthetic)")
    return Session(t_s=t, acc=np.asarray(acc, dtype=np.float64), gyr=None, meta=meta)


@dataclass(frozen=True)
class PocketWalk:
    """A synthetic walk with a phone in a trouser pocket and its true step times.

    Attributes:
        session: the recording (placement ``thigh``).
        step_times_s: every landing of either leg (s).
    """

    session: Session
    step_times_s: NDArray[np.float64]


def pocket_walk(
    duration_s: float = 60.0,
    step_s: float = 0.55,
    fs_hz: float = 100.0,
    weak_leg: float = 0.2,
    turn_at_s: float | None = None,
    seed: int = 0,
    weak_late: float = 0.0,
) -> PocketWalk:
    """Walking with a phone in a trouser pocket (still 2 s before and after).

    The pocket leg's landing shakes the phone by a sharp 1.5 g, the other leg's by ``weak_leg`` times that;
    the body bounces by 0.1 g at each step; the thigh swings +-30 deg once per stride, carrying the phone
    (gravity turns in the phone frame) and accelerating it along the thigh (0.3 g at the stride rate).
    The phone is put in at an arbitrary angle; with ``turn_at_s`` it turns over by 120 deg in the pocket
    there (within 0.5 s). The other leg's landing comes ``weak_late`` of a step after the half-stride (steps
    late, 1.3 / 0.7 step periods apart at 0.3, as a pocket's anchors can be, HONEST-37).
    """
    rng = np.random.default_rng(seed)
    total = duration_s + 4.0
    n = round(total * fs_hz)
    t = np.arange(n) / fs_hz
    steps = np.arange(2.0 + step_s / 2, 2.0 + duration_s, step_s)
    strong = np.arange(steps.size) % 2 == 0
    steps = np.where(strong, steps, steps + weak_late * step_s)
    walking = (t >= 2.0) & (t <= 2.0 + duration_s)
    vertical = np.zeros(n)
    for time, size in zip(steps, np.where(strong, 1.5, 1.5 * weak_leg), strict=True):  # one pulse per step
        vertical += size * np.exp(-0.5 * ((t - time) / 0.03) ** 2) + 0.1 * np.exp(-0.5 * ((t - time - 0.1) / 0.08) ** 2)
    vertical = (vertical - vertical[walking].mean() * walking) * G
    stride_phase = 2 * np.pi * (t - 2.0) / (2 * step_s)
    pitch = np.where(walking, np.radians(30.0) * np.sin(stride_phase), 0.0)
    along_thigh = np.where(walking, 0.3 * G * np.cos(stride_phase), 0.0)
    world = np.column_stack([along_thigh, np.zeros(n), G + vertical])  # thigh frame before the swing
    swing = Rotation.from_euler("y", pitch[:, None])
    mount = Rotation.from_rotvec(rng.normal(0.0, 1.0, 3))
    if turn_at_s is not None:
        share = np.clip((t - turn_at_s) / 0.5, 0.0, 1.0)
        mount = Rotation.from_rotvec(share[:, None] * np.radians(120.0) * np.array([1.0, 0.0, 0.0])) * mount
    acc = (mount.inv() * swing.inv()).apply(world) + rng.normal(0.0, 0.2, (n, 3))
    meta = SessionMeta("thigh", fs_hz, sensor="retrogait pocket-walk generator (synthetic)")
    return PocketWalk(Session(t_s=t, acc=acc, gyr=None, meta=meta), steps)
