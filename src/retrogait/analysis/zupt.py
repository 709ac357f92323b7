"""Zero-velocity (flat-foot) points of a foot- or shank-worn IMU and the sagittal pitch between them.

A foot on the ground in mid-stance is still: velocity zero, orientation known from gravity (a shank
there turns over the still ankle). Between two such points the sagittal pitch is integrated from the
gyroscope, its drift spread linearly so it ends at the gravity pitch of the next rest; from it come
the stride's rotation moment and pitch extremes (direction.py's rotation and anatomy cues) and the
contact-to-rest rotation (the foot-strike angle). The stride's displacement is stride_vectors.py's
three-dimensional strapdown; the sagittal level-frame velocity between rests (level_velocity_ms) is
foot_landing.py's. All steps are vectorised with cumulative sums over the whole signal.

Pitch sign (docs/conventions.md): positive omega_y tips the front down, so the pitch theta of the
sensor's x axis below the horizontal grows with omega_y, and at rest ``theta = atan2(-f_x, f_z)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.stepwindows import FloatArray, IntArray, window_argmin, window_mean, window_sum
from retrogait.analysis.vectors import norm_rows
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.samples import nearest_samples


def running_sum(x: FloatArray) -> FloatArray:
    """(n + 1,) running sum of ``x`` in float64 with a leading 0 (sum of the first i samples at i)."""
    csum = np.empty(x.shape[0] + 1)
    csum[0] = 0.0
    np.cumsum(x, dtype=np.float64, out=csum[1:])
    return csum


def moving_average(
    x: FloatArray, width: int, running: FloatArray | None = None, span: tuple[int, int] | None = None
) -> FloatArray:
    """Centred moving average over ``width`` samples (edges use the samples available).

    Sample i averages ``x[i - width // 2 : i - width // 2 + width]`` clipped to the signal, from one
    running sum (``running``: :func:`running_sum` of ``x``, if already taken); the windows that fit
    take their differences by whole-array slices and divide by ``width``, only the clipped ones at the
    ends by their own count (PERF-14; the same numbers as gathering every window's ends). ``span``: (a, b),
    only the samples ``a:b`` of the result (the same numbers: each is its own window's; PERF-96), 0 <= a <= b <= n
    (else ValueError: REVIEW-176)."""
    width = max(int(width), 1)
    n = x.shape[0]
    a, b = (0, n) if span is None else span
    if not 0 <= a <= b <= n:
        raise ValueError(f"moving_average: span {a}:{b} is not within the signal's {n} samples")
    if width == 1 or x.size == 0:
        return x[a:b].astype(np.float64)
    csum = running_sum(x) if running is None else running
    half = width // 2
    out = np.empty(b - a)
    # windows inside the signal: i from half to n - width + half (those of them in the span)
    first, last = max(half, a), min(n - width + half, b - 1)
    if last >= first:
        inside = out[first - a : last - a + 1]
        shift = first - half
        np.subtract(csum[shift + width : last - half + width + 1], csum[shift : last - half + 1], out=inside)
        inside /= width
    edge = np.concatenate([np.arange(min(half, n)), np.arange(max(n - width + half + 1, half, 0), n)])
    if span is not None:
        edge = edge[(edge >= a) & (edge < b)]
    if edge.size:
        lo = np.clip(edge - half, 0, n)
        hi = np.clip(edge - half + width, 0, n)
        out[edge - a] = (csum[hi] - csum[lo]) / np.maximum(hi - lo, 1)
    return out


def motion_energy(
    acc_ms2: FloatArray,
    gyr_dps: FloatArray | None,
    fs_hz: float,
    smooth_ms: float = 40.0,
    acc_weight_dps_per_ms2: float = 20.0,
) -> FloatArray:
    """How much the sensor moves, per sample: smoothed |omega| (deg/s) plus ``acc_weight_dps_per_ms2``
    deg/s per m/s^2 of deviation of |acc| from 1 g. Low in a flat-foot phase (and, with a heavier
    acceleration weight, at a shank's mid-stance, which rotates over the ankle but does not accelerate)."""
    energy = norm_rows(acc_ms2)  # in place from here: the same operations without temporaries
    energy -= STANDARD_GRAVITY_MS2
    np.abs(energy, out=energy)
    np.multiply(acc_weight_dps_per_ms2, energy, out=energy)
    if gyr_dps is not None:
        energy += norm_rows(gyr_dps)
    return moving_average(energy, nearest_samples(smooth_ms * 1e-3, fs_hz))


def rest_indices(
    acc_ms2: FloatArray,
    gyr_dps: FloatArray | None,
    fs_hz: float,
    ic_idx: IntArray,
    skip_s: float = 0.03,
    max_stride_s: float = 2.5,
    acc_weight_dps_per_ms2: float = 20.0,
    energy: FloatArray | None = None,
) -> IntArray:
    """Per contact of one leg, the quietest sample between it and the next contact (its stance's
    flat-foot point, or the shank's mid-stance), or -1.

    Only initial contacts are used, not toe-offs, and only as window edges: whatever part of the
    stride an imprecise contact detector marks, each window holds one stance. The first
    ``skip_s`` after contact (the landing rotation) is skipped; no window is longer than one median
    stride (nor ``max_stride_s``): a stance lands and comes to rest within a stride, and a wearer who
    stops and stands on it keeps the rest near the landing, so the stride that landed there still
    spans one stride, not the standing. ``acc_weight_dps_per_ms2``: see :func:`motion_energy`; ``energy``: that
    motion energy where the caller already has it (the same arguments), else it is computed here.
    """
    if energy is None:
        energy = motion_energy(acc_ms2, gyr_dps, fs_hz, acc_weight_dps_per_ms2=acc_weight_dps_per_ms2)
    ic = np.asarray(ic_idx, dtype=np.int64)
    if ic.size == 0:
        return ic.copy()
    strides = np.diff(ic)
    typical = int(np.median(strides)) if strides.size else nearest_samples(1.0, fs_hz)
    stop = np.append(ic[1:], ic[-1] + typical)
    stop = np.minimum(stop, ic + min(typical, nearest_samples(max_stride_s, fs_hz)))
    start = ic + nearest_samples(skip_s, fs_hz)
    return window_argmin(energy, start, stop, max_len=nearest_samples(max_stride_s, fs_hz))


def contact_to_rest_rotation_deg(
    acc_ms2: FloatArray, gyr_dps: FloatArray, fs_hz: float, ic_idx: IntArray, rest_idx: IntArray | None = None
) -> FloatArray:
    """Integral of omega_y (deg) from each initial contact to the rest point of its stance: the
    sole's angle at contact relative to the flat foot, positive toes up (NaN without a rest).
    ``rest_idx``: the stances' rest points (:func:`rest_indices`), if already found."""
    ic = np.asarray(ic_idx, dtype=np.int64)
    rest = rest_indices(acc_ms2, gyr_dps, fs_hz, ic) if rest_idx is None else np.asarray(rest_idx, dtype=np.int64)
    angle = window_sum(gyr_dps[:, 1], ic, rest) / fs_hz
    return np.where(rest > ic, angle, np.nan)


def gravity_pitch_rad(acc_ms2: FloatArray, idx: IntArray, fs_hz: float, half_width_s: float = 0.02) -> FloatArray:
    """Sagittal pitch (rad, positive front down) from the mean specific force around each index."""
    half = max(nearest_samples(half_width_s, fs_hz), 1)
    fx = window_mean(acc_ms2[:, 0], idx - half, idx + half + 1)
    fz = window_mean(acc_ms2[:, 2], idx - half, idx + half + 1)
    return np.arctan2(-fx, fz)


def gravity_pitches_rad(
    acc_ms2: FloatArray, first: IntArray, second: IntArray, fs_hz: float
) -> tuple[FloatArray, FloatArray]:
    """:func:`gravity_pitch_rad` at ``first`` and at ``second`` (a stride's start and end rests) from one running
    sum per axis, not two (PERF-39): each window's mean is the same difference of the same sum, so the same bits."""
    both = gravity_pitch_rad(acc_ms2, np.concatenate([first, second]), fs_hz)
    return both[: len(first)], both[len(first) :]


@dataclass(frozen=True)
class StridePitch:
    """Sagittal pitch (rad, positive front down) of every sample of every valid stride.

    Strides run from one rest point to the next; ``valid`` marks which of the ``len(rest) - 1``
    pairs were used, ``seg`` gives each sample's stride (0..valid.sum()-1), ``seg_start`` and
    ``lengths`` the strides' positions in the flat sample arrays."""

    valid: NDArray[np.bool_]
    samples: IntArray
    seg: IntArray
    seg_start: IntArray
    lengths: IntArray
    frac: FloatArray
    theta_rad: FloatArray


def stride_pitch(
    acc_ms2: FloatArray, gyr_dps: FloatArray, fs_hz: float, rest_idx: IntArray, max_stride_s: float = 2.5
) -> StridePitch:
    """Pitch between consecutive rest points: the gyro integral from the gravity pitch at the first
    rest, its drift spread linearly so that it lands on the gravity pitch at the next rest. Pairs
    with a missing (-1) or non-increasing rest, or more than ``max_stride_s`` apart, are skipped."""
    pairs = _PitchPairs.of(acc_ms2, gyr_dps, fs_hz, rest_idx, max_stride_s)
    return pairs.pitch(np.flatnonzero(pairs.valid))


def stride_pitch_blocks(
    acc_ms2: FloatArray,
    gyr_dps: FloatArray,
    fs_hz: float,
    rest_idx: IntArray,
    max_stride_s: float = 2.5,
    block_samples: int = 1 << 17,
) -> Iterator[StridePitch]:
    """:func:`stride_pitch` a block of consecutive strides at a time (about ``block_samples`` samples, at
    least one stride): the same numbers per sample, with temporaries bounded on long recordings. Each
    block's ``valid`` marks the pairs it holds."""
    pairs = _PitchPairs.of(acc_ms2, gyr_dps, fs_hz, rest_idx, max_stride_s)
    used = np.flatnonzero(pairs.valid)
    ends = np.cumsum(pairs.b[used] - pairs.a[used])
    first = 0
    while first < used.size:
        before = ends[first - 1] if first else 0
        last = max(first + 1, int(np.searchsorted(ends, before + block_samples, "right")))
        yield pairs.pitch(used[first:last])
        first = last


@dataclass(frozen=True)
class _PitchPairs:
    """Per pair of consecutive rests: its ends ``a``/``b`` (samples), gravity pitch at ``a`` and drift
    (rad); and the gyro's running integral (rad, n + 1)."""

    valid: NDArray[np.bool_]
    a: IntArray
    b: IntArray
    theta_a: FloatArray
    drift: FloatArray
    cum_omega: FloatArray

    @classmethod
    def of(
        cls, acc_ms2: FloatArray, gyr_dps: FloatArray, fs_hz: float, rest_idx: IntArray, max_stride_s: float
    ) -> _PitchPairs:
        rest = np.asarray(rest_idx, dtype=np.int64)
        a, b = rest[:-1], rest[1:]
        valid = (a >= 0) & (b > a) & ((b - a) <= max_stride_s * fs_hz)
        a, b = np.where(valid, a, 0), np.where(valid, b, 0)
        omega = np.deg2rad(gyr_dps[:, 1])
        omega /= fs_hz
        cum_omega = np.empty(omega.size + 1)  # filled in place: no second copy of the signal
        cum_omega[0] = 0.0
        np.cumsum(omega, out=cum_omega[1:])
        del omega
        theta_a, theta_b = gravity_pitches_rad(acc_ms2, a, b, fs_hz)
        drift = theta_a + (cum_omega[b] - cum_omega[a]) - theta_b
        return cls(valid, a, b, theta_a, drift, cum_omega)

    def pitch(self, pairs: IntArray) -> StridePitch:
        """The samples and pitch of the strides ``pairs`` (valid pair indices, in order)."""
        a, b = self.a[pairs], self.b[pairs]
        lengths = b - a
        seg = np.repeat(np.arange(a.shape[0]), lengths)
        seg_start = np.cumsum(lengths) - lengths
        samples = a[seg] + (np.arange(int(lengths.sum())) - seg_start[seg])
        frac = (samples - a[seg]) / np.maximum(lengths[seg], 1)
        theta_a, drift = self.theta_a[pairs], self.drift[pairs]
        theta = theta_a[seg] + (self.cum_omega[samples] - self.cum_omega[a[seg]]) - drift[seg] * frac
        valid = np.zeros(self.valid.shape, dtype=bool)
        valid[pairs] = True
        return StridePitch(valid, samples, seg, seg_start, lengths, frac, theta)


def level_velocity_ms(acc_ms2: FloatArray, sp: StridePitch, fs_hz: float) -> tuple[FloatArray, FloatArray]:
    """Velocity (m/s) of every sample of ``sp``'s strides in the stride's level frame (x horizontal
    toward the toes at rest, z up): the specific force rotated by the pitch, gravity removed,
    integrated from the first rest, its end error removed linearly (zero at both rests)."""
    vx, vz, _ = level_velocity_carried(acc_ms2, sp, fs_hz, (0.0, 0.0))
    return vx, vz


def level_velocity_carried(
    acc_ms2: FloatArray, sp: StridePitch, fs_hz: float, carry: tuple[float, float]
) -> tuple[FloatArray, FloatArray, tuple[float, float]]:
    """:func:`level_velocity_ms` of one block of :func:`stride_pitch_blocks`, bit for bit the numbers of
    the whole: ``carry`` is the two running sums (m/s^2 x samples) the blocks before it ended on
    ((0, 0) for the first); returns the velocities and the sums this block ends on."""
    fx, fz = acc_ms2[sp.samples, 0], acc_ms2[sp.samples, 2]
    cos_t, sin_t = np.cos(sp.theta_rad), np.sin(sp.theta_rad)
    out = []
    ends = []
    components = (fx * cos_t + fz * sin_t, -fx * sin_t + fz * cos_t - STANDARD_GRAVITY_MS2)
    for comp, start in zip(components, carry, strict=True):
        summed, end = _segment_cumsum(comp, sp.seg_start, sp.seg, start)
        vel = summed / fs_hz
        end_vel = vel[sp.seg_start + sp.lengths - 1]
        out.append(vel - end_vel[sp.seg] * (sp.frac + 1.0 / sp.lengths[sp.seg]))
        ends.append(end)
    return out[0], out[1], (ends[0], ends[1])


def stride_rotation_moment_deg(
    acc_ms2: FloatArray,
    gyr_dps: FloatArray,
    fs_hz: float,
    rest_idx: IntArray,
    max_stride_s: float = 2.5,
    pitch: StridePitch | None = None,
) -> FloatArray:
    """Which way the segment rotates first after its rest (deg): mean over the stride of the pitch
    (relative to the rest) times (0.5 - fraction of the stride). Positive when it tips front-down
    (toes down / knee forward) first and front-up later -- forward gait: heel-off, push-off and
    heel kick, then the swing brings the toes (the distal shank) forward and up. Backward gait runs
    the sequence the other way round (negative). Needs no toe-off and no precise contact time.
    ``pitch``: :func:`stride_pitch` of the same rests, if already computed."""
    k = max(np.asarray(rest_idx).shape[0] - 1, 0)
    out = np.full(k, np.nan)
    if k < 1:
        return out
    sp = pitch or stride_pitch(acc_ms2, gyr_dps, fs_hz, rest_idx, max_stride_s)
    if not sp.valid.any():
        return out
    rel = np.rad2deg(sp.theta_rad - sp.theta_rad[sp.seg_start][sp.seg])
    out[sp.valid] = np.add.reduceat(rel * (0.5 - sp.frac), sp.seg_start) / sp.lengths
    return out


def stride_pitch_extremes_deg(
    acc_ms2: FloatArray,
    gyr_dps: FloatArray,
    fs_hz: float,
    rest_idx: IntArray,
    max_stride_s: float = 2.5,
    relative_to_rest: bool = True,
    pitch: StridePitch | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Largest positive (front down) and negative (front up) pitch (deg) of each stride between
    consecutive rest points; NaN for skipped pairs. See :func:`stride_pitch`.

    ``relative_to_rest``: measured from the pitch at the stride's first rest (for the foot: flat on
    the ground, the anatomical zero whatever the frame's own tilt); otherwise from the frame's
    horizontal (for the shank: upright, since a shank never rests in stance). ``pitch``: as in
    :func:`stride_rotation_moment_deg`."""
    k = max(np.asarray(rest_idx).shape[0] - 1, 0)
    high = np.full(k, np.nan)
    low = np.full(k, np.nan)
    if k < 1:
        return high, low
    sp = pitch or stride_pitch(acc_ms2, gyr_dps, fs_hz, rest_idx, max_stride_s)
    if not sp.valid.any():
        return high, low
    theta = np.rad2deg(sp.theta_rad - sp.theta_rad[sp.seg_start][sp.seg] if relative_to_rest else sp.theta_rad)
    high[sp.valid] = np.maximum.reduceat(theta, sp.seg_start)
    low[sp.valid] = np.minimum.reduceat(theta, sp.seg_start)
    return high, low


def _segment_cumsum(
    x: FloatArray, seg_start: NDArray[np.int64], seg: NDArray[np.int64], start: float = 0.0
) -> tuple[FloatArray, float]:
    """Cumulative sum of ``x`` restarting at every segment start (segments are contiguous), taken as
    one running sum from ``start`` (a block's predecessors' sum) minus its value before each segment;
    and that running sum's last value."""
    csum = np.cumsum(np.concatenate([[start], x]))
    end = float(csum[-1])
    before = csum[:-1][seg_start]
    return csum[1:] - before[seg], end
