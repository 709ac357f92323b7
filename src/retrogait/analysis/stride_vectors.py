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

Vectorised over strides: the samples of all strides are summed over blocks (about 50 per second)
in one pass, the blocks of all strides (in chunks of similar length) form one padded matrix, and
the orientation is composed block after block for all strides at once -- no Python loop over
samples or strides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.stepwindows import FloatArray, IntArray, interval_sums
from retrogait.conventions import STANDARD_GRAVITY_MS2

#: Strides per chunk of the padded matrix (bounds memory: chunk x longest stride's blocks x 9 floats).
CHUNK_STRIDES = 1024


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
    pairs = np.flatnonzero(valid)
    if pairs.size == 0:
        return StrideVectors(out["dx"], out["dy"], out["dz"], out["yaw"], valid)
    half = max(round(rest_half_width_s * fs_hz), 1)
    # the specific force at every rest used, once: gravity at rest, the tilt reference of both ends
    ends = np.unique(np.concatenate([a[pairs], b[pairs]]))
    near = ends[:, None] + np.arange(-half, half + 1)[None, :]
    inside = (near >= 0) & (near < acc_ms2.shape[0])
    samples = acc_ms2[np.clip(near, 0, acc_ms2.shape[0] - 1)] * inside[..., None]
    gravity = samples.sum(axis=1) / inside.sum(axis=1)[:, None]
    block = max(round(fs_hz / block_rate_hz), 1)
    dt = 1.0 / fs_hz
    # every stride's blocks [lo, hi), and their sums of specific force (m/s) and rotation (rad)
    lo, hi = _blocks(a[pairs], b[pairs], block)
    impulse = _block_sums(acc_ms2, lo, hi) * dt
    rotation = _block_sums(gyr_dps, lo, hi) * (np.pi / 180.0 * dt)
    f0, f1 = gravity[np.searchsorted(ends, a[pairs])], gravity[np.searchsorted(ends, b[pairs])]
    # strides of similar length share a chunk, so the padded matrix wastes little
    order = np.argsort(b[pairs] - a[pairs], kind="stable")
    nblocks = (hi > lo).sum(axis=1)
    for start in range(0, order.size, CHUNK_STRIDES):
        sel = order[start : start + CHUNK_STRIDES]
        w = int(nblocks[sel].max())
        span = ((hi[sel, :w] - lo[sel, :w]) * dt).astype(np.float64)
        dx, dy, dz, yaw = _integrate(impulse[:, sel, :w], rotation[:, sel, :w], span, nblocks[sel], f0[sel], f1[sel])
        out["dx"][pairs[sel]], out["dy"][pairs[sel]], out["dz"][pairs[sel]], out["yaw"][pairs[sel]] = dx, dy, dz, yaw
    return StrideVectors(out["dx"], out["dy"], out["dz"], out["yaw"], valid)


def _blocks(a: IntArray, b: IntArray, block: int) -> tuple[IntArray, IntArray]:
    """(s, width) first and end sample of each stride's blocks of ``block`` samples from ``a`` to
    ``b``; past a stride's end both are ``b`` (empty blocks)."""
    width = int((-(-(b - a) // block)).max())
    lo = np.minimum(a[:, None] + block * np.arange(width)[None, :], b[:, None])
    return lo, np.minimum(lo + block, b[:, None])


def _block_sums(x: FloatArray, lo: IntArray, hi: IntArray) -> FloatArray:
    """(3, s, width) sums of the columns of ``x`` (n, 3) over the blocks [lo, hi) (zero for empty
    blocks): each stride's block starts and its end are consecutive edges of
    :func:`~retrogait.analysis.stepwindows.interval_sums` (one pass over the samples, no running sum of
    the whole signal); the intervals between one stride's end and the next stride's start are dropped."""
    strides, width = lo.shape
    sums = interval_sums(x, np.column_stack([lo, hi[:, -1]]).ravel())
    block = np.arange(strides)[:, None] * (width + 1) + np.arange(width)[None, :]
    return np.ascontiguousarray(sums[block].transpose(2, 0, 1))


def _integrate(
    impulse: FloatArray,
    phi: FloatArray,
    span: FloatArray,
    blocks: IntArray,
    f0: FloatArray,
    f1: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Displacement (m) and heading change (deg) of strides from their blocks: ``impulse`` (3, s, w)
    the specific-force integral (m/s) and ``phi`` (3, s, w) the rotation vector (rad) of each block
    (body frame, by component), ``span`` (s, w) its duration (s; 0 past the stride's ``blocks``), and
    the specific force ``f0``, ``f1`` (m/s^2, (s, 3)) at the stride's first and second rest. Each
    block's velocity change is its specific-force integral turned by the orientation halfway through
    it -- exact sums, so an impact's impulse is never lost. Arrays are kept by component ((s, w) each)
    so that every step is one elementwise pass."""
    m = span.shape[0]
    rows = np.arange(m)
    halfway = _rotated(0.5 * phi, impulse)  # each block's impulse in the body at the block's start
    start, end = _block_start_orientations(phi)
    r0 = _level_attitude(f0)  # world <- body at a: pitch and roll from gravity, zero heading
    body = _quaternion_rotated(start, halfway)
    dv = np.stack([sum(r0[:, i, j, None] * body[j] for j in range(3)) for i in range(3)])
    # tilt correction: the measured "up" at the second rest must come out vertical
    last = r0 @ _quaternion_matrices(end)  # world <- body at b (blocks past a stride's end do not rotate)
    up = np.einsum("sij,sj->si", last, f1 / np.linalg.norm(f1, axis=1, keepdims=True))
    elapsed = np.cumsum(span, axis=1)
    total = elapsed[rows, blocks - 1][:, None]
    frac_mid = (elapsed - 0.5 * span) / total
    # a small rotation about up x z, growing along the stride: v + (tilt x v), tilt = up x z
    tx, ty = up[:, 1, None] * frac_mid, -up[:, 0, None] * frac_mid
    dvx, dvy, dvz = dv
    dv = np.stack([dvx + ty * dvz, dvy - tx * dvz, dvz + tx * dvy - ty * dvx])
    dv[2] -= STANDARD_GRAVITY_MS2 * span
    # velocity at the block ends, its end error removed linearly in time, integrated (trapezoid)
    vel = np.cumsum(dv, axis=2)
    vel -= vel[:, rows, blocks - 1][:, :, None] * (elapsed / total)[None]
    before = np.concatenate([np.zeros((3, m, 1)), vel[:, :, :-1]], axis=2)
    disp = np.sum(0.5 * (before + vel) * span[None], axis=2)
    x_end = last[:, :, 0]  # the sensor's x axis in the first rest's level frame
    yaw = np.degrees(np.arctan2(x_end[:, 1], x_end[:, 0]))
    return disp[0], disp[1], disp[2], yaw


def _cross(u: FloatArray, v: FloatArray) -> FloatArray:
    """Cross product of vectors stored by component along axis 0 ((3, ...) each)."""
    return np.stack([u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]])


def _rotated(rotvec: FloatArray, v: FloatArray) -> FloatArray:
    """Vectors ``v`` turned by the rotation vectors ``rotvec`` (rad), both by component ((3, ...)),
    Rodrigues: v + sin(a)/a (r x v) + (1 - cos(a))/a^2 r x (r x v), a = |r| (exact at 0)."""
    angle = np.sqrt(np.einsum("i...,i...->...", rotvec, rotvec))
    sinc, cosc = np.sinc(angle / np.pi), 0.5 * np.sinc(angle / (2.0 * np.pi)) ** 2
    t = _cross(rotvec, v)
    return np.asarray(v + sinc * t + cosc * _cross(rotvec, t), dtype=np.float64)


def _block_start_orientations(phi: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Unit quaternions (4, s, w) of the body at each block's start relative to the body at the
    stride's first rest, and (4, s) at its end: the blocks' rotations ``phi`` (3, s, w, rad) composed
    one block after the other, for all strides at once (a block with no rotation composes identity)."""
    angle = np.sqrt(np.einsum("i...,i...->...", phi, phi))
    step_w = np.cos(0.5 * angle)
    step_v = phi * (0.5 * np.sinc(angle / (2.0 * np.pi)))  # sin(a/2)/a
    w = phi.shape[2]
    start = np.empty((4, *phi.shape[1:]))
    qw, qx, qy, qz = (np.ones(phi.shape[1]), np.zeros(phi.shape[1]), np.zeros(phi.shape[1]), np.zeros(phi.shape[1]))
    for k in range(w):  # one step per block of the longest stride (about 50 per second), not per sample
        start[0, :, k], start[1, :, k], start[2, :, k], start[3, :, k] = qw, qx, qy, qz
        pw, px, py, pz = step_w[:, k], step_v[0, :, k], step_v[1, :, k], step_v[2, :, k]
        qw, qx, qy, qz = (
            qw * pw - qx * px - qy * py - qz * pz,
            qw * px + qx * pw + qy * pz - qz * py,
            qw * py - qx * pz + qy * pw + qz * px,
            qw * pz + qx * py - qy * px + qz * pw,
        )
    norm = np.sqrt(qw * qw + qx * qx + qy * qy + qz * qz)
    return start, np.stack([qw, qx, qy, qz]) / norm


def _quaternion_rotated(q: FloatArray, v: FloatArray) -> FloatArray:
    """Vectors ``v`` (3, ...) rotated by unit quaternions ``q`` (4, ...): v + 2w (u x v) + 2 u x (u x v)."""
    u = q[1:]
    t = 2.0 * _cross(u, v)
    return np.asarray(v + q[0] * t + _cross(u, t), dtype=np.float64)


def _quaternion_matrices(q: FloatArray) -> FloatArray:
    """Rotation matrices (s, 3, 3) of unit quaternions stored by component ((4, s))."""
    w, x, y, z = q
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
