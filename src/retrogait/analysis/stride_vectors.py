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
    block_rate_hz: float = 50.0,
) -> StrideVectors:
    """Strapdown stride vectors between consecutive rest points (see the module docstring).

    Args:
        acc_ms2: specific force (m/s^2, gravity included), (n, 3), sensor/body frame.
        gyr_dps: angular rate (deg/s), (n, 3), same frame.
        fs_hz: sample rate (Hz).
        rest_idx: (k,) sample index of each zero-velocity rest, -1 where there is none.
        max_stride_s: pairs further apart than this (s) are pauses, not strides (NaN).
        rest_half_width_s: the gravity tilt of a rest is the mean specific force over +- this (s).
        block_rate_hz: the integration runs over blocks of samples at about this rate (Hz); within a
            block the rotation axis barely turns (a stride's rotation is mostly sagittal), so the
            result changes by millimetres while the work falls with the block length.
    """
    rest = np.asarray(rest_idx, dtype=np.int64)
    k = max(rest.shape[0] - 1, 0)
    out = {name: np.full(k, np.nan) for name in ("dx", "dy", "dz", "yaw")}
    a, b = rest[:-1], rest[1:]
    valid = (a >= 0) & (b > a) & ((b - a) <= max_stride_s * fs_hz) if k else np.zeros(0, dtype=bool)
    half = max(round(rest_half_width_s * fs_hz), 1)
    # the specific force at every rest, once: gravity at rest, the tilt reference of both ends
    at_rest = np.column_stack([window_mean(acc_ms2[:, i], rest - half, rest + half + 1) for i in range(3)])
    acc_cs = np.concatenate([np.zeros((1, 3)), np.cumsum(acc_ms2, axis=0)])
    omega_cs = np.concatenate([np.zeros((1, 3)), np.cumsum(np.deg2rad(gyr_dps), axis=0)])
    block = max(round(fs_hz / block_rate_hz), 1)
    # strides of similar length share a chunk, so the padded matrix wastes little
    pairs = np.flatnonzero(valid)
    pairs = pairs[np.argsort(b[pairs] - a[pairs], kind="stable")]
    for lo in range(0, pairs.size, CHUNK_STRIDES):
        sel = pairs[lo : lo + CHUNK_STRIDES]
        dx, dy, dz, yaw = _integrate(acc_cs, omega_cs, fs_hz, a[sel], b[sel], at_rest[sel], at_rest[sel + 1], block)
        out["dx"][sel], out["dy"][sel], out["dz"][sel], out["yaw"][sel] = dx, dy, dz, yaw
    return StrideVectors(out["dx"], out["dy"], out["dz"], out["yaw"], valid)


def _integrate(
    acc_cs: FloatArray,
    omega_cs: FloatArray,
    fs: float,
    a: IntArray,
    b: IntArray,
    f0: FloatArray,
    f1: FloatArray,
    block: int,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Displacement (m) and heading change (deg) of the strides [a, b] (sample indices), with the
    specific force ``f0``, ``f1`` (m/s^2, (s, 3)) at their first and second rest, from the cumulative
    sums of the specific force (m/s^2) and the rate (rad/s) over blocks of ``block`` samples: each
    block's rotation is its rate integral, its velocity change its specific-force integral turned by
    the orientation halfway through it -- exact sums, so an impact's impulse is never lost."""
    m = a.shape[0]
    rows = np.arange(m)
    length = b - a
    blocks = -(-length // block)
    width = int(blocks.max())
    j = np.arange(width)
    lo = np.minimum(a[:, None] + block * j[None, :], b[:, None])
    hi = np.minimum(lo + block, b[:, None])
    dt = 1.0 / fs
    phi = (omega_cs[hi] - omega_cs[lo]) * dt  # rotation vector of each block (rad), zero past the end
    impulse = (acc_cs[hi] - acc_cs[lo]) * dt  # specific-force integral of each block (m/s), body frame
    step = _rotation_quaternions(phi)
    end = _prefix_product(step)  # body at each block's end relative to body at a
    start = np.concatenate([np.broadcast_to([1.0, 0.0, 0.0, 0.0], (m, 1, 4)), end[:, :-1]], axis=1)
    middle = _quaternion_product(start, _rotation_quaternions(0.5 * phi))
    r0 = _level_attitude(f0)  # world <- body at a: pitch and roll from gravity, zero heading
    dv = np.einsum("sij,swj->swi", r0, _rotate(middle, impulse))
    # tilt correction: the measured "up" at the second rest must come out vertical
    last = r0 @ _quaternion_matrices(end[rows, blocks - 1])  # world <- body at b
    up = np.einsum("sij,sj->si", last, f1 / np.linalg.norm(f1, axis=1, keepdims=True))
    tilt = np.cross(up, np.array([0.0, 0.0, 1.0]))  # small rotation taking "up" onto the vertical
    frac_mid = (0.5 * (lo + hi) - a[:, None]) / np.maximum(length[:, None], 1)
    dv += np.cross(tilt[:, None, :] * frac_mid[..., None], dv)
    dv[..., 2] -= STANDARD_GRAVITY_MS2 * (hi - lo) * dt
    # velocity at the block ends, its end error removed linearly in time, integrated (trapezoid)
    vel = np.cumsum(dv, axis=1)
    frac_end = (hi - a[:, None]) / np.maximum(length[:, None], 1)
    vel -= vel[rows, blocks - 1][:, None, :] * frac_end[..., None]
    before = np.concatenate([np.zeros((m, 1, 3)), vel[:, :-1]], axis=1)
    disp = np.sum(0.5 * (before + vel) * ((hi - lo) * dt)[..., None], axis=1)
    x_end = last[:, :, 0]  # the sensor's x axis in the first rest's level frame
    yaw = np.degrees(np.arctan2(x_end[:, 1], x_end[:, 0]))
    return disp[:, 0], disp[:, 1], disp[:, 2], yaw


def _rotate(q: FloatArray, v: FloatArray) -> FloatArray:
    """Vectors ``v`` (..., 3) rotated by unit quaternions ``q`` (..., 4): v + 2w (u x v) + 2 u x (u x v)."""
    w, u = q[..., :1], q[..., 1:]
    t = 2.0 * np.cross(u, v)
    return np.asarray(v + w * t + np.cross(u, t), dtype=np.float64)


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
