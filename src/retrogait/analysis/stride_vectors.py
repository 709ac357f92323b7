"""Three-dimensional stride vectors of a foot-worn IMU from strapdown integration with zero-velocity resets.

A foot in mid-stance is still: velocity zero, tilt known from gravity (Skog et al. 2010; Foxlin
2005). Between two such rests the orientation is integrated from the gyroscope (quaternions,
composed exactly), starting from the gravity tilt of the first rest with zero heading; the tilt it
arrives with at the second rest is corrected to that rest's gravity, spread linearly over the stride.
The specific force is rotated to the level frame, gravity removed, integrated to velocity, the
velocity's end error removed linearly (zero at both rests) and integrated to the displacement.

The result is expressed in the **level frame of the stride's first rest**: x the horizontal
direction of the sensor's x axis there (toward the toes for a foot), y to the left of it, z up. So
a forward stride is +x, a backward one -x, a side-step +-y, whatever the wearer's heading in the
room; turns between strides do not matter. The heading change of the sensor over the stride (deg,
positive to the left) comes with it.

Vectorised over strides: the samples of all strides (in chunks) form one padded matrix, and the
quaternion products are composed by a parallel prefix scan (log2 of the stride length passes), so
there is no Python loop over samples or strides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.stepwindows import FloatArray, IntArray, window_mean
from retrogait.conventions import STANDARD_GRAVITY_MS2

#: Strides per chunk of the padded matrix (bounds memory: chunk x longest stride x 4 floats).
CHUNK_STRIDES = 256


@dataclass(frozen=True)
class StrideVectors:
    """Displacement of the sensor from each rest to the next, one entry per consecutive rest pair.

    Attributes:
        dx_m, dy_m, dz_m: displacement (m) in the level frame of the first rest (x toward the
            sensor's x axis projected on the horizontal, y to its left, z up); NaN where invalid.
        heading_change_deg: change of the sensor's horizontal x direction over the stride (deg,
            positive to the left, i.e. counter-clockwise seen from above); NaN where invalid.
        valid: pairs that were integrated (both rests found, increasing, at most ``max_stride_s`` apart).
    """

    dx_m: FloatArray
    dy_m: FloatArray
    dz_m: FloatArray
    heading_change_deg: FloatArray
    valid: NDArray[np.bool_]

    @property
    def horizontal_m(self) -> FloatArray:
        """Horizontal length of each stride (m)."""
        return np.asarray(np.hypot(self.dx_m, self.dy_m), dtype=np.float64)


def stride_vectors(
    acc_ms2: FloatArray,
    gyr_dps: FloatArray,
    fs_hz: float,
    rest_idx: IntArray,
    max_stride_s: float = 2.5,
    rest_half_width_s: float = 0.02,
) -> StrideVectors:
    """Strapdown stride vectors between consecutive rest points (see the module docstring).

    Args:
        acc_ms2: specific force (m/s^2, gravity included), (n, 3), sensor/body frame.
        gyr_dps: angular rate (deg/s), (n, 3), same frame.
        fs_hz: sample rate (Hz).
        rest_idx: (k,) sample index of each zero-velocity rest, -1 where there is none.
        max_stride_s: pairs further apart than this (s) are pauses, not strides (NaN).
        rest_half_width_s: the gravity tilt of a rest is the mean specific force over +- this (s).
    """
    rest = np.asarray(rest_idx, dtype=np.int64)
    k = max(rest.shape[0] - 1, 0)
    out = {name: np.full(k, np.nan) for name in ("dx", "dy", "dz", "yaw")}
    a, b = rest[:-1], rest[1:]
    valid = (a >= 0) & (b > a) & ((b - a) <= max_stride_s * fs_hz) if k else np.zeros(0, dtype=bool)
    pairs = np.flatnonzero(valid)
    half = max(round(rest_half_width_s * fs_hz), 1)
    for lo in range(0, pairs.size, CHUNK_STRIDES):
        sel = pairs[lo : lo + CHUNK_STRIDES]
        dx, dy, dz, yaw = _integrate(acc_ms2, gyr_dps, fs_hz, a[sel], b[sel], half)
        out["dx"][sel], out["dy"][sel], out["dz"][sel], out["yaw"][sel] = dx, dy, dz, yaw
    return StrideVectors(out["dx"], out["dy"], out["dz"], out["yaw"], valid)


def _integrate(
    acc: FloatArray, gyr: FloatArray, fs: float, a: IntArray, b: IntArray, half: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Displacement (m) and heading change (deg) of the strides [a, b] (sample indices)."""
    n = acc.shape[0]
    length = b - a  # intervals per stride; samples a..b inclusive
    width = int(length.max()) + 1
    offsets = np.arange(width)
    idx = np.minimum(a[:, None] + offsets[None, :], n - 1)
    inside = offsets[None, :] <= length[:, None]
    dt = 1.0 / fs
    # body-frame rotation over each interval [j, j + 1] (midpoint rate), identity past the stride end
    omega = np.deg2rad(gyr)
    w_mid = 0.5 * (omega[idx[:, :-1]] + omega[idx[:, 1:]])
    w_mid = np.where((offsets[None, 1:] <= length[:, None])[..., None], w_mid, 0.0)
    q = _rotation_quaternions(w_mid * dt)
    q = np.concatenate([np.broadcast_to([1.0, 0.0, 0.0, 0.0], (a.shape[0], 1, 4)), q], axis=1)
    q = _prefix_product(q)  # (strides, width, 4): body at sample j relative to body at a
    # level attitude of the first rest (pitch and roll from gravity, zero heading)
    f0 = np.column_stack([window_mean(acc[:, i], a - half, a + half + 1) for i in range(3)])
    r0 = _level_attitude(f0)  # (strides, 3, 3) world <- body at a
    r = np.einsum("sij,swjk->swik", r0, _quaternion_matrices(q))  # world <- body at each sample
    f_world = np.einsum("swij,swj->swi", r, acc[idx])
    # tilt correction: the measured "up" at the second rest must come out vertical
    f1 = np.column_stack([window_mean(acc[:, i], b - half, b + half + 1) for i in range(3)])
    last = r[np.arange(a.shape[0]), length]
    up = np.einsum("sij,sj->si", last, f1 / np.linalg.norm(f1, axis=1, keepdims=True))
    tilt = np.cross(up, np.array([0.0, 0.0, 1.0]))  # small rotation taking "up" onto the vertical
    frac = offsets[None, :] / np.maximum(length[:, None], 1)
    f_world = f_world + np.cross(tilt[:, None, :] * frac[..., None], f_world)
    f_world[..., 2] -= STANDARD_GRAVITY_MS2
    f_world = np.where(inside[..., None], f_world, 0.0)
    # velocity (trapezoid), its end error removed linearly, then position
    vel = np.cumsum(0.5 * (f_world[:, 1:] + f_world[:, :-1]), axis=1) * dt
    vel = np.concatenate([np.zeros((a.shape[0], 1, 3)), vel], axis=1)
    end_vel = vel[np.arange(a.shape[0]), length]
    vel = np.where(inside[..., None], vel - end_vel[:, None, :] * frac[..., None], 0.0)
    disp = (vel.sum(axis=1) - 0.5 * vel[np.arange(a.shape[0]), length]) * dt
    x_end = last[:, :, 0]  # the sensor's x axis in the first rest's level frame
    yaw = np.degrees(np.arctan2(x_end[:, 1], x_end[:, 0]))
    return disp[:, 0], disp[:, 1], disp[:, 2], yaw


def _rotation_quaternions(rotvec: FloatArray) -> FloatArray:
    """Unit quaternions (w, x, y, z) of rotation vectors (rad), last axis 3 -> 4."""
    angle = np.linalg.norm(rotvec, axis=-1, keepdims=True)
    half = 0.5 * angle
    scale = np.where(angle > 1e-12, np.sin(half) / np.maximum(angle, 1e-12), 0.5)
    return np.concatenate([np.cos(half), rotvec * scale], axis=-1)


def _quaternion_product(p: FloatArray, q: FloatArray) -> FloatArray:
    """Hamilton product p q (last axis w, x, y, z)."""
    pw, px, py, pz = p[..., 0], p[..., 1], p[..., 2], p[..., 3]
    qw, qx, qy, qz = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    return np.stack(
        [
            pw * qw - px * qx - py * qy - pz * qz,
            pw * qx + px * qw + py * qz - pz * qy,
            pw * qy - px * qz + py * qw + pz * qx,
            pw * qz + px * qy - py * qx + pz * qw,
        ],
        axis=-1,
    )


def _prefix_product(q: FloatArray) -> FloatArray:
    """Inclusive prefix products along axis 1: out[:, j] = q[:, 0] q[:, 1] ... q[:, j] (Hillis-Steele)."""
    out = q.copy()
    step = 1
    while step < out.shape[1]:
        out[:, step:] = _quaternion_product(out[:, :-step], out[:, step:])
        step *= 2
    norm = np.linalg.norm(out, axis=-1, keepdims=True)
    return np.asarray(out / norm, dtype=np.float64)


def _quaternion_matrices(q: FloatArray) -> FloatArray:
    """Rotation matrices of unit quaternions, (..., 4) -> (..., 3, 3)."""
    w, x, y, z = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    return np.stack(
        [
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], axis=-1),
            np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], axis=-1),
            np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], axis=-1),
        ],
        axis=-2,
    )


def _level_attitude(f: FloatArray) -> FloatArray:
    """World-from-body rotations R = R_y(pitch) R_x(roll) with zero heading for specific forces
    ``f`` (k, 3) at rest: R f points up and R's x axis projects onto the world x axis."""
    roll = np.arctan2(f[:, 1], f[:, 2])
    pitch = np.arctan2(-f[:, 0], np.hypot(f[:, 1], f[:, 2]))
    cr, sr, cp, sp = np.cos(roll), np.sin(roll), np.cos(pitch), np.sin(pitch)
    zero = np.zeros_like(cr)
    rx = np.stack([np.stack([cp, sp * sr, sp * cr], -1), np.stack([zero, cr, -sr], -1)], axis=-2)
    third = np.stack([-sp, cp * sr, cp * cr], -1)[:, None, :]
    return np.concatenate([rx, third], axis=-2)
