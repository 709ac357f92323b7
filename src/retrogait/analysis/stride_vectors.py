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
samples or strides. The matrix is block-major (one contiguous row of all the chunk's strides per
block), gathered from one table of block sums shared by the specific force and the rate (PERF-14).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.stepwindows import FloatArray, IntArray, interval_sums
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.samples import nearest_samples

#: Strides per chunk of the padded matrix: its strides, of similar length, share its width.
CHUNK_STRIDES = 1024
#: A chunk is integrated in parts of at most this many of its (stride, block) cells, or in a long recording
#: one per this many samples (bounds _integrate's dozen (3, w, s) matrices by the recording, PERF-49).
INTEGRATE_CELLS_MIN = 4096
INTEGRATE_SAMPLES_PER_CELL = 16


@dataclass(frozen=True)
class StrideVectors:
    """Displacement of the sensor from each rest to the next, one entry per consecutive rest pair.

    Attributes:
        dx_m, dy_m, dz_m: displacement (m) in the level frame of the first rest (x toward the
            sensor's x axis projected on the horizontal, y to its left, z up); NaN where invalid.
        heading_change_deg: change of the sensor's horizontal x direction over the stride (deg,
            positive to the left, i.e. counter-clockwise seen from above), whole turns kept (a stride
            turning 190 deg right reads -190, not +170; DIRECTION-45); NaN where invalid.
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
    half = max(nearest_samples(rest_half_width_s, fs_hz), 1)
    # the specific force at every rest used, once: gravity at rest, the tilt reference of both ends
    ends = np.unique(np.concatenate([a[pairs], b[pairs]]))
    near = ends[:, None] + np.arange(-half, half + 1)[None, :]
    inside = (near >= 0) & (near < acc_ms2.shape[0])
    gravity = _rest_sums(acc_ms2, np.clip(near, 0, acc_ms2.shape[0] - 1), inside) / inside.sum(axis=1)[:, None]
    block = max(nearest_samples(1.0 / block_rate_hz, fs_hz), 1)
    dt = 1.0 / fs_hz
    a, b = a[pairs], b[pairs]
    f0, f1 = gravity[np.searchsorted(ends, a)], gravity[np.searchsorted(ends, b)]
    # strides of similar length share a chunk, so the padded matrix wastes little
    order = np.argsort(b - a, kind="stable")
    nblocks = -(-(b - a) // block)
    # each block's sums of specific force (m/s) and rotation (rad), from tables over all strides' blocks
    tables = _BlockTables((acc_ms2, gyr_dps), (dt, np.pi / 180.0 * dt), a, b, block)
    # a chunk is integrated a part at a time: its dozen (3, w, s) matrices bounded by the recording's length
    cells = max(INTEGRATE_CELLS_MIN, acc_ms2.shape[0] // INTEGRATE_SAMPLES_PER_CELL)
    for start in range(0, order.size, CHUNK_STRIDES):
        chunk = order[start : start + CHUNK_STRIDES]
        width = int(nblocks[chunk].max())  # the chunk's: numpy's pairwise sum of a stride's row rounds by it
        step = max(cells // width, 1)
        for first in range(0, chunk.size, step):
            sel = chunk[first : first + step]
            lo, hi = _blocks(a[sel], b[sel], block)
            span = np.ascontiguousarray((hi - lo).T) * dt  # (w, strides): block-major, one row per block
            # C-ordered (3, w, s): einsum sums the components in the same order as for (3, s, w) matrices
            blocks = tables.blocks(sel, lo, hi)
            del lo, hi
            dx, dy, dz, yaw = _integrate(blocks, span, nblocks[sel], f0[sel], f1[sel], width)
            out["dx"][pairs[sel]], out["dy"][pairs[sel]], out["dz"][pairs[sel]] = dx, dy, dz
            out["yaw"][pairs[sel]] = yaw
    return StrideVectors(out["dx"], out["dy"], out["dz"], out["yaw"], valid)


def _rest_sums(acc_ms2: FloatArray, near: IntArray, inside: NDArray[np.bool_]) -> FloatArray:
    """(k, 3) sums of the specific force (m/s^2) over the samples ``near`` ((k, w) indices) of each rest, those not
    ``inside`` the recording counted as zero: the numbers of ``(acc_ms2[near] * inside[..., None]).sum(axis=1)``
    (numpy sums an axis that is not the fast one element after element, in order), from one gather of rows and a
    running sum over the w columns, without the (k, w, 3) multiply by a mask that is all True away from the ends (x
    times 1.0 is x; PERF-61)."""
    samples = np.take(acc_ms2, near.ravel(), axis=0).reshape(*near.shape, acc_ms2.shape[1])
    if not inside.all():
        samples *= inside[..., None]
    total = samples[:, 0].copy()
    for column in range(1, near.shape[1]):  # a rest's few samples (9 at 200 Hz), not a loop over rests
        total += samples[:, column]
    return total


class _BlockTables:
    """The sums of ``signals`` (n, 3) times their ``scales`` over the blocks of ``block`` samples of the strides
    ``a`` to ``b``, handed out a part of the strides at a time (:meth:`blocks`), block-major.

    Strides in order (not overlapping): a block of one sample is that sample times its scale, taken as asked;
    longer blocks are :func:`_block_tables`' (3, pieces + 1) tables, each stride's blocks their consecutive
    pieces from its first (the last column zero: empty blocks). Overlapping strides: :func:`_block_tables`'
    tables of the whole (strides, longest) block matrix. Either way the very numbers of the whole tables
    (tests/test_hotspots.py), without a (strides, longest stride's blocks) index matrix where strides are in
    order (PERF-49)."""

    def __init__(
        self, signals: tuple[FloatArray, ...], scales: tuple[float, ...], a: IntArray, b: IntArray, block: int
    ) -> None:
        self.signals, self.scales = signals, scales
        self.tables: list[FloatArray] = []
        self.first = np.zeros(0, dtype=np.int64)  # each stride's first piece (strides in order)
        self.width = 0  # the whole block matrix's (overlapping strides)
        if np.any(a[1:] < b[:-1]):
            lo, hi = _blocks(a, b, block)
            self.width = lo.shape[1]
            self.tables, _ = _block_tables(signals, scales, lo, hi)
        elif block > 1:
            self.tables, self.first = _piece_tables(signals, scales, a, b, block)

    def blocks(self, sel: IntArray, lo: IntArray, hi: IntArray) -> list[FloatArray]:
        """(3, w, s) sums of each signal over the blocks [lo, hi) ((s, w)) of the strides ``sel``."""
        filled = (hi > lo).T
        w = lo.shape[1]
        if self.width:  # overlapping strides: every block a column of its own
            cols = sel[None, :] * self.width + np.arange(w)[:, None]
        elif self.tables:
            cols = np.where(filled, self.first[sel][None, :] + np.arange(w)[:, None], self.tables[0].shape[1] - 1)
        else:  # one sample a block: reduceat's sum of it is the sample
            at = np.ascontiguousarray(lo.T)
            out = []
            for x, scale in zip(self.signals, self.scales, strict=True):
                sums = np.stack([np.take(x[:, axis], at) for axis in range(3)])
                sums *= scale
                sums[:, ~filled] = 0.0
                out.append(sums)
            return out
        return [np.take(table, cols, axis=1) for table in self.tables]


def _piece_tables(
    signals: tuple[FloatArray, ...], scales: tuple[float, ...], a: IntArray, b: IntArray, block: int
) -> tuple[list[FloatArray], IntArray]:
    """:func:`_block_tables`' tables for strides in order, from their block edges without padding, and each
    stride's first piece (column): its blocks are the pieces from there on."""
    nb = -(-(b - a) // block)
    start = np.cumsum(nb + 1) - (nb + 1)  # of each stride's edges: its block starts, then its end
    edges = np.repeat(a - block * start, nb + 1) + block * np.arange(int((nb + 1).sum()))
    edges[start + nb] = b
    distinct = np.concatenate([[True], np.diff(edges) > 0])
    starts = edges[distinct & (edges < signals[0].shape[0])]
    first = (np.cumsum(distinct) - 1)[start]
    del edges, distinct
    return _piece_sums(signals, scales, starts), first


def _block_tables(
    signals: tuple[FloatArray, ...], scales: tuple[float, ...], lo: IntArray, hi: IntArray
) -> tuple[list[FloatArray], IntArray]:
    """The block sums of :func:`_block_sums` of each of ``signals`` (n, 3), times its scale, as a
    (3, pieces + 1) table, and (s, width) each block's column in it (the last column, zero, for an
    empty block). With blocks in order (strides that do not overlap) the pieces are numpy's
    ``reduceat`` between the distinct edges, a column at a time (the very numbers of the (n, 3) call
    :func:`_block_sums` makes, tests/test_hotspots.py; 20 % faster), the same columns for all signals,
    gathered once per chunk straight into the block-major layout of :func:`_integrate`; otherwise the
    table is :func:`_block_sums` itself."""
    strides, width = lo.shape
    edges = np.column_stack([lo, hi[:, -1]]).ravel()
    n = signals[0].shape[0]
    block = np.arange(strides)[:, None] * (width + 1) + np.arange(width)[None, :]
    if np.any(np.diff(edges) < 0):
        tables = [(_block_sums(x, lo, hi) * scale).reshape(3, -1) for x, scale in zip(signals, scales, strict=True)]
        zero = np.zeros((3, 1))
        return [np.concatenate([t, zero], axis=1) for t in tables], np.arange(strides * width).reshape(strides, width)
    distinct = np.concatenate([[True], np.diff(edges) > 0])
    starts = edges[distinct & (edges < n)]
    position = np.cumsum(distinct) - 1  # of each edge among the distinct ones (those at n come last)
    filled = edges[1:] > edges[:-1]
    pieces = starts.size
    column = np.where(filled, np.minimum(position[:-1], max(pieces - 1, 0)), pieces)[block]
    return _piece_sums(signals, scales, starts), column


def _piece_sums(signals: tuple[FloatArray, ...], scales: tuple[float, ...], starts: IntArray) -> list[FloatArray]:
    """(3, pieces + 1) tables: each of ``signals`` (n, 3) summed from each of ``starts`` (increasing) to the
    next (the last to the end) times its scale, and a last column of zeros."""
    pieces = starts.size
    tables = []
    for x, scale in zip(signals, scales, strict=True):
        table = np.zeros((3, pieces + 1))
        for axis in range(3) if pieces else ():  # a column at a time: reduceat's sums of the rows, faster
            np.multiply(np.add.reduceat(x[:, axis], starts), scale, out=table[axis, :pieces])
        tables.append(table)
    return tables


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
    blocks_in: list[FloatArray],
    span: FloatArray,
    blocks: IntArray,
    f0: FloatArray,
    f1: FloatArray,
    width: int = 0,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Displacement (m) and heading change (deg) of strides from their blocks: ``blocks_in``, emptied here
    (its matrices let go once used), ``impulse`` (3, w, s) the specific-force integral (m/s) and ``phi``
    (3, w, s) the rotation vector (rad) of each block
    (body frame, by component, block-major: one row of all strides per block), ``span`` (w, s) its
    duration (s; 0 past the stride's ``blocks``), and the specific force ``f0``, ``f1`` (m/s^2, (s, 3))
    at the stride's first and second rest; ``width`` (>= w): each stride's row of the displacement's sum is padded
    with zeros to it, the width of the chunk of strides these are part of. Each block's velocity change is its
    specific-force integral turned by the orientation halfway through it -- exact sums, so an impact's impulse
    is never lost. Arrays are kept by component and block-major so that every step is one elementwise pass over
    contiguous rows (PERF-14: the numbers of the stride-major (3, s, w) layout, bit for bit); each is let go
    once used (PERF-49)."""
    impulse, phi = blocks_in
    blocks_in.clear()
    m = span.shape[1]
    rows = np.arange(m)
    # |phi / 2| as _rotated takes it and |phi| as the orientations do: both take sin(|phi| / 2) / (|phi| / 2), as
    # np.sinc of |phi / 2| / pi and of |phi| / (2 pi), taken once where those are the same numbers (PERF-61; where
    # no rotation is subnormal, always: halving and the norm commute)
    half_angle = np.sqrt(np.einsum("i...,i...->...", 0.5 * phi, 0.5 * phi))
    angle = np.sqrt(np.einsum("i...,i...->...", phi, phi))
    argument = half_angle / np.pi
    sinc = _sinc(argument) if np.array_equal(argument, angle / (2.0 * np.pi)) else None
    del argument
    halfway = _rotated(0.5 * phi, impulse, half_angle, sinc)  # each block's impulse in the body at the block's start
    start, end = _block_start_orientations(phi, angle, sinc)
    del half_angle, angle, sinc
    r0 = _level_attitude(f0)  # world <- body at a: pitch and roll from gravity, zero heading
    body = _quaternion_rotated(start, halfway)
    turned = _turned_rad(r0, start, phi)  # the turn about the vertical, whole turns kept (DIRECTION-45)
    del impulse, phi, halfway, start
    dv = np.empty_like(body)
    scratch = np.empty(span.shape)
    for i in range(3):  # sum(r0_ij body_j for j), from 0 as Python's sum starts: ((0 + t0) + t1) + t2
        np.multiply(r0[None, :, i, 0], body[0], out=dv[i])
        dv[i] += 0.0
        for j in (1, 2):
            dv[i] += np.multiply(r0[None, :, i, j], body[j], out=scratch)
    del body, scratch
    # tilt correction: the measured "up" at the second rest must come out vertical
    last = r0 @ _quaternion_matrices(end)  # world <- body at b (blocks past a stride's end do not rotate)
    up = np.einsum("sij,sj->si", last, f1 / np.linalg.norm(f1, axis=1, keepdims=True))
    elapsed = _cumsum_rows(span)
    total = elapsed[blocks - 1, rows][None, :]
    frac_mid = (elapsed - 0.5 * span) / total
    # a small rotation about up x z, growing along the stride: v + (tilt x v), tilt = up x z
    tx, ty = up[None, :, 1] * frac_mid, -up[None, :, 0] * frac_mid
    dvx, dvy, dvz = dv
    dv = np.stack([dvx + ty * dvz, dvy - tx * dvz, dvz + tx * dvy - ty * dvx])
    del dvx, dvy, dvz, tx, ty, frac_mid
    dv[2] -= STANDARD_GRAVITY_MS2 * span
    # velocity at the block ends, its end error removed linearly in time, integrated (trapezoid)
    vel = _cumsum_rows(dv, axis=1)
    del dv
    vel -= vel[:, blocks - 1, rows][:, None, :] * (elapsed / total)[None]
    before = np.concatenate([np.zeros((3, 1, m)), vel[:, :-1, :]], axis=1)
    area = 0.5 * (before + vel) * span[None]
    del before, vel
    # each stride's row contiguous, as wide as the chunk's: numpy's pairwise sum rounds by the row length
    padded = np.zeros((3, m, max(width, area.shape[1])))
    padded[:, :, : area.shape[1]] = area.transpose(0, 2, 1)
    del area
    disp = np.sum(padded, axis=2)
    x_end = last[:, :, 0]  # the sensor's x axis in the first rest's level frame
    yaw = np.arctan2(x_end[:, 1], x_end[:, 0])
    # the turn, not its angle: a stride turning 190 deg right is not one turning 170 deg left (DIRECTION-45)
    yaw = yaw + 2.0 * np.pi * np.round((turned - yaw) / (2.0 * np.pi))
    return disp[0], disp[1], disp[2], np.degrees(yaw)


def _turned_rad(r0: FloatArray, start: FloatArray, phi: FloatArray) -> FloatArray:
    """(s,) how far (rad, positive to the left) each stride turned about the vertical: its blocks' rotations
    (``phi`` (3, w, s), body frame) turned into the first rest's level frame (``start`` (4, w, s), ``r0``
    (s, 3, 3)) and their vertical parts summed -- the integral of the rate about the vertical, which holds whole
    turns. Not the heading of the sensor's x axis followed from block to block: a shank's x axis passes near
    the vertical in a sprint's swing, where its heading jumps and a whole turn was counted that was not."""
    rotated = _quaternion_rotated(start, phi)  # each block's rotation in the body frame of the first rest
    vertical = r0[None, :, 2, 0] * rotated[0] + r0[None, :, 2, 1] * rotated[1] + r0[None, :, 2, 2] * rotated[2]
    return np.asarray(vertical.sum(axis=0), dtype=np.float64)


def _cumsum_rows(x: FloatArray, axis: int = 0) -> FloatArray:
    """``np.cumsum(x, axis)`` along the block axis (0 or 1) of a block-major array, one block row
    after the other: the same running sums (each is the previous one plus the row), several times
    faster than numpy's accumulation along an axis that is not the last."""
    out = np.empty_like(x)
    view_in, view_out = (x, out) if axis == 0 else (x.swapaxes(0, 1), out.swapaxes(0, 1))
    view_out[0] = view_in[0]
    for k in range(1, view_in.shape[0]):
        np.add(view_out[k - 1], view_in[k], out=view_out[k])
    return out


def _cross(u: FloatArray, v: FloatArray) -> FloatArray:
    """Cross product of vectors stored by component along axis 0 ((3, ...) each)."""
    out = np.empty(np.broadcast_shapes(u.shape, v.shape))
    scratch = np.empty(out.shape[1:])
    for i, (j, k) in enumerate(((1, 2), (2, 0), (0, 1))):
        np.multiply(u[j], v[k], out=out[i])
        out[i] -= np.multiply(u[k], v[j], out=scratch)
    return out


def _sinc(x: FloatArray) -> FloatArray:
    """``np.sinc(x)`` (sin(pi x) / (pi x), 1 at 0) by numpy's own steps, in place of ``x`` (consumed)."""
    np.multiply(np.pi, x, out=x)
    x[x == 0] = np.finfo(np.float64).eps
    out = np.sin(x)
    out /= x
    return out


def _rotated(
    rotvec: FloatArray, v: FloatArray, angle: FloatArray | None = None, sinc: FloatArray | None = None
) -> FloatArray:
    """Vectors ``v`` turned by the rotation vectors ``rotvec`` (rad), both by component ((3, ...)),
    Rodrigues: v + sin(a)/a (r x v) + (1 - cos(a))/a^2 r x (r x v), a = |r| (exact at 0). ``angle``: a, ``sinc``:
    sin(a)/a, where the caller has them (the same numbers; neither changed here)."""
    if angle is None:
        angle = np.sqrt(np.einsum("i...,i...->...", rotvec, rotvec))
    if sinc is None:
        sinc = _sinc(angle / np.pi)
    cosc = _sinc(angle / (2.0 * np.pi))
    np.square(cosc, out=cosc)
    cosc *= 0.5
    t = _cross(rotvec, v)
    out = sinc * t
    out += v  # v + sinc t: the same sum in either order
    out += cosc * _cross(rotvec, t)
    return out


def _block_start_orientations(
    phi: FloatArray, angle: FloatArray | None = None, sinc: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Unit quaternions (4, w, s) of the body at each block's start relative to the body at the
    stride's first rest, and (4, s) at its end: the blocks' rotations ``phi`` (3, w, s, rad, block-major)
    composed one block after the other, for all strides at once (a block with no rotation composes
    identity), each block's row written in place. ``angle``: |phi| (consumed), ``sinc``: sin(|phi|/2) / (|phi|/2)
    (read), where the caller has them (the same numbers)."""
    if angle is None:
        angle = np.sqrt(np.einsum("i...,i...->...", phi, phi))
    half_sinc = _sinc(angle / (2.0 * np.pi)) if sinc is None else 0.5 * sinc
    if sinc is None:
        half_sinc *= 0.5  # sin(a/2)/a
    angle *= 0.5
    step_w = np.cos(angle, out=angle)
    step_v = phi * half_sinc
    w, m = phi.shape[1], phi.shape[2]
    start = np.empty((4, w, m))
    start[0, 0], start[1:, 0] = 1.0, 0.0
    end = np.empty((4, m))
    scratch = np.empty(m)
    for k in range(w):  # one step per block of the longest stride (about 50 per second), not per sample
        q, nxt = start[:, k], start[:, k + 1] if k + 1 < w else end
        _compose(q[0], q[1], q[2], q[3], step_w[k], step_v[0, k], step_v[1, k], step_v[2, k], nxt, scratch)
    norm = np.sqrt(end[0] * end[0] + end[1] * end[1] + end[2] * end[2] + end[3] * end[3])
    return start, end / norm


def _compose(
    qw: FloatArray,
    qx: FloatArray,
    qy: FloatArray,
    qz: FloatArray,
    pw: FloatArray,
    px: FloatArray,
    py: FloatArray,
    pz: FloatArray,
    out: FloatArray,
    scratch: FloatArray,
) -> None:
    """The quaternion products q p into ``out`` (4, s), term by term in the order
    ``qw pw - qx px - qy py - qz pz`` etc., without temporaries (``scratch``: (s,))."""
    for row, terms in enumerate(
        (
            ((qw, pw, 1), (qx, px, -1), (qy, py, -1), (qz, pz, -1)),
            ((qw, px, 1), (qx, pw, 1), (qy, pz, 1), (qz, py, -1)),
            ((qw, py, 1), (qx, pz, -1), (qy, pw, 1), (qz, px, 1)),
            ((qw, pz, 1), (qx, py, 1), (qy, px, -1), (qz, pw, 1)),
        )
    ):
        target = out[row]
        (a, b, _), *rest = terms
        np.multiply(a, b, out=target)
        for a, b, sign in rest:
            np.multiply(a, b, out=scratch)
            if sign > 0:
                target += scratch
            else:
                target -= scratch


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
