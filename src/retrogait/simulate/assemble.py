"""Put it together: bouts -> stances -> segment signals -> sensor -> native session + ground truth."""

from __future__ import annotations

import itertools
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation

from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.errors import RetrogaitError
from retrogait.session import Session, SessionMeta, write_session
from retrogait.simulate.config import DEFAULT_SIMULATOR_VERSION, SimulationConfig
from retrogait.simulate.grf import DoubleSupport, WalkingVgrf, stance_force_metrics
from retrogait.simulate.kinematics import (
    draw_foot_strike_angle,
    draw_stance_strike_angles,
    impact_model,
    stride_template,
)
from retrogait.simulate.segments import LimbMotion, MovingBout, SegmentSignals, TrunkMotion, Turn, moving_vgrf_shape
from retrogait.simulate.sensor import acc_full_scale_ms2, block_average, digitise, segment_to_sensor_matrix
from retrogait.simulate.timing import stance_sequence

SIMULATOR_VERSION = str(DEFAULT_SIMULATOR_VERSION)  # the default version (SimulationConfig.version)
SENSOR_NAME = f"retrogait simulator v{SIMULATOR_VERSION} (synthetic)"


def sensor_name(version: int) -> str:
    """The header's ``sensor`` of a simulator version's files."""
    return f"retrogait simulator v{version} (synthetic)"


#: The physics is evaluated at least this fast (Hz) and averaged down to the output rate.
MIN_FINE_RATE_HZ = 1000.0
#: Sample times are written to the microsecond (exact for rates that divide 1 MHz).
TIME_DECIMALS = 6
#: Output samples evaluated per chunk (bounds memory for long sessions).
CHUNK_SAMPLES = 100_000
#: Window after contact in which the impact peak is searched: this fraction of the stance, at least
#: IMPACT_WINDOW_MIN_S.
IMPACT_WINDOW_OF_STANCE = 0.2
IMPACT_WINDOW_MIN_S = 0.04

TRUTH_COLUMNS = (
    "ic_time_s",
    "to_time_s",
    "side",
    "direction",
    "activity",
    "foot_strike",
    "foot_strike_angle_deg",
    "contact_time_s",
    "speed_ms",
    "cadence_spm",
    "vgrf_peak_bw",
    "vgrf_loading_rate_bw_per_s",
    "impact_peak_g",
    "bout_id",
    "mounting_rx_deg",
    "mounting_ry_deg",
    "mounting_rz_deg",
)


@dataclass(frozen=True)
class SimulationResult:
    """A simulated session and its ground truth (one row per stance of either leg; see conventions)."""

    session: Session
    truth: pd.DataFrame
    config: SimulationConfig


def _other_side(side: str) -> str:
    return "right" if side == "left" else "left"


def _plan(config: SimulationConfig, rng: np.random.Generator) -> tuple[list[MovingBout], list[int]]:
    """Moving bouts with their stances and models, and each moving bout's index in the config."""
    moving: list[MovingBout] = []
    ids: list[int] = []
    start = 0.0
    for bout_id, bout in enumerate(config.bouts):
        if not bout.is_still:
            seq = stance_sequence(
                bout,
                start,
                rng,
                config.stride_time_cv,
                config.contact_time_cv,
                contact_follows_step=config.version >= 2,
            )
            fsa = draw_foot_strike_angle(bout, rng)
            angles = draw_stance_strike_angles(bout, fsa, seq.ic_s.size, rng)
            swing = 2 * seq.timing.step_time_s - seq.timing.contact_time_s
            limb = config.placement in ("foot", "shank")
            moving.append(
                MovingBout(
                    bout=bout,
                    start_s=start,
                    end_s=start + bout.duration_s,
                    stances=seq,
                    template=stride_template(bout, seq.timing.duty_factor, fsa, config.side) if limb else None,
                    impact=impact_model(bout, config.placement, swing) if limb else None,
                    vgrf=moving_vgrf_shape(bout, config.version),
                    strike_angle_deg=angles,
                )
            )
            ids.append(bout_id)
        start += bout.duration_s
    return moving, ids


def _turns(config: SimulationConfig) -> list[Turn]:
    """The pivots of the still bouts that turn (``turn_deg``), with their times."""
    ends = np.cumsum([b.duration_s for b in config.bouts])
    return [
        Turn(float(end - b.duration_s), float(end), b.turn_deg)
        for b, end in zip(config.bouts, ends, strict=True)
        if b.turn_deg and b.is_still
    ]


def _model(config: SimulationConfig, moving: list[MovingBout]) -> LimbMotion | TrunkMotion:
    if config.placement == "lower_back":
        return TrunkMotion(moving, config.side, _turns(config), momentum=config.carries_momentum)
    return LimbMotion(config.placement, moving, config.side, _turns(config))


def physical_signals(config: SimulationConfig, t_s: NDArray[np.float64]) -> SegmentSignals:
    """Noise-free physical signals of the simulation ``config`` describes (same seed, same gait) at
    the uniform times ``t_s`` (s; use a step of 1 ms or less): segment-frame specific force (m/s^2),
    angular rate (deg/s) and the impact-axis acceleration (m/s^2, gravity removed; foot and lower
    back: world vertical, shank: tibial axis), before any sensor effect. For checking physics."""
    moving, _ = _plan(config, np.random.default_rng(config.seed))
    return _model(config, moving).signals(t_s, float(t_s[1] - t_s[0]))


def simulate(config: SimulationConfig) -> SimulationResult:
    """Simulate a recording (deterministic for a given config, including its seed)."""
    rng = np.random.default_rng(config.seed)
    moving, bout_ids = _plan(config, rng)
    model = _model(config, moving)

    fs = config.sample_rate_hz
    factor = max(1, math.ceil(MIN_FINE_RATE_HZ / fs))
    dt_fine = 1.0 / (fs * factor)
    n = math.floor(config.duration_s * fs + 1e-9)
    t_phys = np.arange(n) / fs  # exact uniform grid for the physics
    t_out = np.round(t_phys, TIME_DECIMALS)  # what the file states
    offsets = (np.arange(factor) - (factor - 1) / 2) * dt_fine
    rotation = segment_to_sensor_matrix(config.anterior_axis, config.vertical_axis, config.mounting_rotation_deg)
    remounts = _remounts(config)

    acc = np.empty((n, 3))
    gyr = np.empty((n, 3))
    impact_fine = np.empty(n * factor, dtype=np.float32)
    for i0 in range(0, n, CHUNK_SAMPLES):
        i1 = min(n, i0 + CHUNK_SAMPLES)
        t_fine = (t_phys[i0:i1, None] + offsets[None, :]).ravel()
        sig: SegmentSignals = model.signals(t_fine, dt_fine)
        if remounts:
            acc_s, gyr_s = _remounted(t_fine, sig, rotation, remounts)
            acc[i0:i1], gyr[i0:i1] = block_average(acc_s, factor), block_average(gyr_s, factor)
        else:
            acc[i0:i1] = block_average(sig.acc_ms2 @ rotation.T, factor)
            gyr[i0:i1] = block_average(sig.gyr_dps @ rotation.T, factor)
        impact_fine[i0 * factor : i1 * factor] = sig.impact_ms2

    acc_bias = rng.uniform(-config.acc_bias_ms2, config.acc_bias_ms2, 3)
    gyr_bias = rng.uniform(-config.gyr_bias_dps, config.gyr_bias_dps, 3)
    noise_rng = np.random.default_rng([config.seed, 1])
    acc = digitise(acc, acc_full_scale_ms2(config.acc_range_g), acc_bias, config.acc_noise_ms2, noise_rng)
    gyr_out = (
        digitise(gyr, config.gyr_range_dps, gyr_bias, config.gyr_noise_dps, noise_rng) if config.with_gyro else None
    )

    notes = (
        f"SYNTHETIC data from the retrogait simulator v{config.version} (seed {config.seed}); "
        f"bouts {', '.join(b.describe() for b in config.bouts)}; "
        f"mounting rotation {','.join(f'{v:g}' for v in config.mounting_rotation_deg)} deg; "
        f"{''.join(f're-mounted to {_angles(r.to_deg)} deg at {r.start_s:g}-{r.end_s:g} s; ' for r in remounts)}"
        f"body mass {config.body_mass_kg:g} kg; not a recording of a person"
    )
    if config.notes:
        notes += f"; {config.notes}"
    meta = SessionMeta(
        placement=config.placement,
        sample_rate_hz=float(fs),
        side=config.side if config.placement in ("foot", "shank") else None,
        sensor=sensor_name(config.version),
        acc_range_g=float(config.acc_range_g),
        gyr_range_dps=float(config.gyr_range_dps) if config.with_gyro else None,
        anterior_axis=config.anterior_axis,
        vertical_axis=config.vertical_axis,
        start_time_utc=config.start_time_utc,
        notes=notes,
    )
    session = Session(t_s=t_out, acc=acc, gyr=gyr_out, meta=meta, source="simulator")
    truth = _truth(config, moving, bout_ids, impact_fine, fs * factor, offsets[0])
    return SimulationResult(session=session, truth=truth, config=config)


@dataclass(frozen=True)
class Remount:
    """A re-mount of the sensor while standing (Bout.remount_deg): from ``start_s`` to ``end_s`` (s) it turns
    from the mounting rotation ``from_deg`` to ``to_deg`` (deg, intrinsic x-y-z)."""

    start_s: float
    end_s: float
    from_deg: tuple[float, float, float]
    to_deg: tuple[float, float, float]


def _angles(deg: tuple[float, float, float]) -> str:
    return ",".join(f"{v:g}" for v in deg)


def _remounts(config: SimulationConfig) -> list[Remount]:
    """The re-mounts of ``config``: each over the middle third of its standing bout."""
    out: list[Remount] = []
    mounting = config.mounting_rotation_deg
    start = 0.0
    for b in config.bouts:  # one per bout
        if b.remount_deg is not None:
            third = b.duration_s / 3.0
            out.append(Remount(start + third, start + 2.0 * third, mounting, b.remount_deg))
            mounting = b.remount_deg
        start += b.duration_s
    return out


def _bout_mountings(config: SimulationConfig) -> list[tuple[float, float, float]]:
    """The mounting rotation (deg) in force over each bout (a re-mount's bout: the one it ends with)."""
    mounting = config.mounting_rotation_deg
    out = []
    for b in config.bouts:  # one per bout
        mounting = b.remount_deg if b.remount_deg is not None else mounting
        out.append(mounting)
    return out


def _remounted(
    t_s: NDArray[np.float64], sig: SegmentSignals, nominal: NDArray[np.float64], remounts: list[Remount]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Sensor-frame specific force (m/s^2) and angular rate (deg/s) at the times ``t_s`` with the mounting
    changing at each re-mount: over it the sensor turns about one fixed axis of its own (a raised-cosine
    profile, slerp between the two mountings), and its gyroscope adds that turning rate. The handling's own
    linear acceleration is not modelled (the accelerometer sees the segment's motion only).
    ``nominal``: the session's segment-to-sensor matrix before the first re-mount."""
    first = Rotation.from_euler("xyz", remounts[0].from_deg, degrees=True).as_matrix()
    body_from_sensor = nominal.T @ first.T  # the nominal mounting, the mounting error taken off
    sensor_to_segment = np.repeat(nominal.T[None, :, :], t_s.size, axis=0)
    extra = np.zeros((t_s.size, 3))
    for r in remounts:  # one per re-mount
        before = Rotation.from_matrix(
            body_from_sensor @ Rotation.from_euler("xyz", r.from_deg, degrees=True).as_matrix()
        )
        after = Rotation.from_matrix(body_from_sensor @ Rotation.from_euler("xyz", r.to_deg, degrees=True).as_matrix())
        rotvec = (before.inv() * after).as_rotvec()  # in the sensor frame before
        u = np.clip((t_s - r.start_s) / (r.end_s - r.start_s), 0.0, 1.0)
        moving = (u > 0.0) & (u < 1.0)
        s = 0.5 * (1.0 - np.cos(np.pi * u[moving]))
        sensor_to_segment[moving] = (before * Rotation.from_rotvec(s[:, None] * rotvec[None, :])).as_matrix()
        sensor_to_segment[t_s >= r.end_s] = after.as_matrix()
        rate = 0.5 * np.pi * np.sin(np.pi * u[moving]) / (r.end_s - r.start_s)  # ds/dt (1/s)
        extra[moving] = np.degrees(rate[:, None] * rotvec[None, :])  # the turn's rate, in the sensor's frame
    acc = np.einsum("nji,nj->ni", sensor_to_segment, sig.acc_ms2)
    gyr = np.einsum("nji,nj->ni", sensor_to_segment, sig.gyr_dps) + extra
    return acc, gyr


def _truth(
    config: SimulationConfig,
    moving: list[MovingBout],
    bout_ids: list[int],
    impact_fine: NDArray[np.float32],
    fine_rate_hz: float,
    fine_t0_s: float,
) -> pd.DataFrame:
    frames = []
    limb = config.placement in ("foot", "shank")
    mountings = _bout_mountings(config)
    next_bout = {id(a): b for a, b in itertools.pairwise(moving) if math.isclose(b.start_s, a.end_s, abs_tol=1e-9)}
    for mb, bout_id in zip(moving, bout_ids, strict=True):
        seq = mb.stances
        real = np.flatnonzero(seq.in_bout | seq.stops)
        if real.size == 0:
            continue
        ic, to = seq.ic_s[real], seq.to_s[real].copy()
        stops = seq.stops[real]
        # the foot stays down after the last landing: it leaves the ground only when the next bout
        # starts right away (its first lead stance is this one, continued); else no toe-off
        following = next_bout.get(id(mb))
        to[stops] = following.stances.to_s[0] if following is not None else np.nan
        contact = to - ic
        step = np.gradient(seq.ic_s)[real]
        nominal_contact = seq.to_s[real] - ic
        stop_fraction = np.where(stops, seq.pose_fraction, np.nan)
        support = DoubleSupport.of_stances(seq.ic_s, seq.to_s, real) if isinstance(mb.vgrf, WalkingVgrf) else None
        metrics = stance_force_metrics(
            mb.vgrf, step, nominal_contact, seq.impact_scale[real], stop_fraction, support=support
        )
        cadence = 60.0 * (ic.size - 1) / (ic[-1] - ic[0]) if ic.size > 1 else 60.0 / seq.timing.step_time_s
        impact = _impact_peaks_g(impact_fine, fine_rate_hz, fine_t0_s, ic, nominal_contact)
        lead = seq.lead[real]
        if limb:
            impact = np.where(lead, impact, np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "ic_time_s": ic,
                    "to_time_s": to,
                    "side": np.where(lead, config.side, _other_side(config.side)),
                    "direction": mb.bout.truth_direction,
                    "activity": mb.bout.activity,
                    "foot_strike": mb.bout.resolved_foot_strike,
                    "foot_strike_angle_deg": mb.strike_angle_deg[real],
                    "contact_time_s": contact,
                    "speed_ms": mb.bout.speed_ms,
                    "cadence_spm": cadence,
                    "vgrf_peak_bw": metrics.peak_bw,
                    "vgrf_loading_rate_bw_per_s": metrics.loading_rate_bw_per_s,
                    "impact_peak_g": impact,
                    "bout_id": bout_id,
                    "mounting_rx_deg": mountings[bout_id][0],
                    "mounting_ry_deg": mountings[bout_id][1],
                    "mounting_rz_deg": mountings[bout_id][2],
                }
            )
        )
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=_TRUTH_DTYPES.get(c, "float64")) for c in TRUTH_COLUMNS})
    truth = pd.concat(frames, ignore_index=True).sort_values("ic_time_s", kind="stable").reset_index(drop=True)
    return truth.loc[:, list(TRUTH_COLUMNS)]


_TRUTH_DTYPES = {
    "side": "object",
    "direction": "object",
    "activity": "object",
    "foot_strike": "object",
    "bout_id": "int64",
}


def _impact_peaks_g(
    impact_fine: NDArray[np.float32],
    fine_rate_hz: float,
    fine_t0_s: float,
    ic_s: NDArray[np.float64],
    contact_s: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Peak impact-axis acceleration (g, gravity removed) in the first part of each stance."""
    window = np.maximum(IMPACT_WINDOW_OF_STANCE * contact_s, IMPACT_WINDOW_MIN_S)
    i0 = np.clip(np.round((ic_s - fine_t0_s) * fine_rate_hz).astype(np.int64), 0, impact_fine.size - 1)
    i1 = np.clip(np.round((ic_s + window - fine_t0_s) * fine_rate_hz).astype(np.int64), 1, impact_fine.size)
    peaks = np.array([float(impact_fine[a:b].max()) if b > a else np.nan for a, b in zip(i0, i1, strict=True)])
    return peaks / STANDARD_GRAVITY_MS2


def simulation_paths(path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """The session file ``X.csv`` (``.csv`` added when missing; ``X.csv.gz`` kept: written gzip-compressed, as
    ``convert`` writes one) and the truth file ``X_truth.csv`` for ``path``."""
    session_path = Path(path)
    if isinstance(path, str) and path.endswith(("/", os.sep)):  # `newdir/` wrote newdir.csv (EDGE-93)
        raise RetrogaitError(f"{path}: names a folder, not a file; give the session file to write, e.g. {path}run.csv")
    if session_path.name in ("", ".", ".."):  # `.`, `""`, `DIR/..`: no name to add .csv to (EDGE-86)
        raise RetrogaitError(f"{path}: names a folder, not a file; give the session file to write, e.g. run.csv")
    if session_path.name.lower().endswith(".csv.gz") and len(session_path.name) > len(".csv.gz"):
        # `--out run.csv.gz` wrote run.csv.gz.csv (text) and run.csv.gz_truth.csv (EDGE-113)
        return session_path, session_path.with_name(session_path.name[: -len(".csv.gz")] + "_truth.csv")
    if session_path.suffix.lower() != ".csv":
        session_path = session_path.with_name(session_path.name + ".csv")
    return session_path, session_path.with_name(session_path.stem + "_truth.csv")


def write_simulation(result: SimulationResult, path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write the session to ``X.csv`` and the ground truth to ``X_truth.csv`` beside it."""
    session_path, truth_path = simulation_paths(path)
    write_session(result.session, session_path)
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    result.truth.to_csv(truth_path, index=False, float_format="%.10g", lineterminator="\n")
    return session_path, truth_path
