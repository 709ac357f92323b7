"""A shank's two rotation cues of direction, a block of strides at a time (PERF-96).

Both read the sagittal rate omega_y (deg/s) over each contact-to-contact stride only: the swing's peak ratio
(:func:`swing_peak_log_ratio`) and the pitch range asymmetry (:func:`pitch_asymmetry_log_ratio`). The strides'
window matrices are built for ``block_strides`` strides at a time, from the samples those strides span, so their
temporaries are bounded whatever the recording's length (the pipeline computes them beside the stride vectors
where a core is free: their whole matrices there took a 26 Hz shank's peak +0.25x, PERF-93). Each stride's
numbers are those of the whole matrices: a row's samples, its extremes and its sum (over the same row width,
the widest window's: a row's sum is a pairwise sum whose order of additions depends on the width) do not depend
on the other rows.
"""

from __future__ import annotations

from typing import Final, NamedTuple

import numpy as np

from retrogait.analysis.settings import DirectionSettings
from retrogait.analysis.stepwindows import FloatArray, IntArray, clip_windows, window_extremes, window_matrix
from retrogait.analysis.zupt import moving_average, running_sum
from retrogait.samples import nearest_samples

#: Strides a block: ~2 MB a window matrix at 200 Hz (2.5 s rows), about ten blocks an hour of running.
BLOCK_STRIDES: Final = 512
#: The swing's peaks are read on omega_y smoothed over this (s).
SWING_SMOOTHING_S: Final = 0.02


class Strides(NamedTuple):
    """A shank's omega_y (deg/s, (n,)) at ``fs_hz`` and its strides ``[start, stop)`` (samples, (m,) each)."""

    gyr_y_dps: FloatArray
    fs_hz: float
    start: IntArray
    stop: IntArray


def rotation_cues(
    strides: Strides, s: DirectionSettings, block_strides: int = BLOCK_STRIDES
) -> tuple[FloatArray, FloatArray]:
    """(swing_peak_log_ratio, pitch_asymmetry_log_ratio) of each of ``strides``: :func:`swing_peak_log_ratio` and
    :func:`pitch_asymmetry_log_ratio`, ``block_strides`` strides at a time."""
    gyr_y_dps, fs_hz, start, stop = strides
    if gyr_y_dps.dtype != np.float64:  # the running sum's ratio to fs is then another number: the whole arrays
        return swing_peak_log_ratio(strides, s), pitch_asymmetry_log_ratio(strides, s)
    rate_sum = running_sum(gyr_y_dps)  # (n + 1,): both cues read it
    swing = np.empty(start.shape[0])
    pitch = np.empty(start.shape[0])
    width = _pitch_width(start, stop, s, fs_hz, rate_sum.shape[0])
    for k in range(0, start.shape[0], max(block_strides, 1)):
        block = slice(k, k + max(block_strides, 1))
        some = strides._replace(start=start[block], stop=stop[block])
        swing[block] = swing_peak_log_ratio(some, s, rate_sum)
        pitch[block] = pitch_asymmetry_log_ratio(some, s, rate_sum, width)
    return swing, pitch


def swing_peak_log_ratio(strides: Strides, s: DirectionSettings, rate_sum: FloatArray | None = None) -> FloatArray:
    """ln(|most negative omega_y| / most positive omega_y) over each contact-to-contact stride of a
    shank (20 ms smoothed). The fastest rotation of the stride is the swing bringing the distal
    end forward in forward gait (omega_y < 0: positive value) and backward in backward gait.
    Anchor-free: any window of one stride will do, so contact timing errors do not matter.
    ``rate_sum``: zupt.running_sum of omega_y (deg/s), if already taken; with it, omega_y is smoothed only over
    the samples the strides span."""
    gyr_y_dps, fs_hz, start, stop = strides
    max_len = nearest_samples(s.max_stride_s, fs_hz)
    a, b = _span(start, np.minimum(stop, start + max_len), gyr_y_dps.shape[0])
    width = nearest_samples(SWING_SMOOTHING_S, fs_hz)
    if rate_sum is None:
        omega, a = moving_average(gyr_y_dps, width), 0
    else:
        omega = moving_average(gyr_y_dps, width, rate_sum, span=(a, b))
    high, low = window_extremes(omega, start - a, stop - a, max_len=max_len)
    floor = s.swing_floor_dps  # below it there is no swing to speak of
    with np.errstate(invalid="ignore"):
        ratio = np.log((np.maximum(-low, 0.0) + floor) / (np.maximum(high, 0.0) + floor))
    return np.where((stop > start) & (stop - start <= s.max_stride_s * fs_hz), ratio, np.nan)


def pitch_asymmetry_log_ratio(
    strides: Strides, s: DirectionSettings, rate_sum: FloatArray | None = None, width: int | None = None
) -> FloatArray:
    """The shank's pitch range asymmetry over each contact-to-contact stride: the gyro integral,
    made periodic (linear drift removed) and centred on its stride mean, then
    ln((largest top-forward + floor) / (largest top-back + floor)), floor = ``pitch_floor_deg``. The knee
    flexes one way, so the heel kick tips the shank top-forward further than the swing tips it back, in
    both directions.
    Anchor-free like the swing peak ratio (a shank is never still, so it has no rest to anchor to).
    ``rate_sum``: zupt.running_sum of omega_y (deg/s, float64), if already taken; with it, the integral is taken
    only over the samples the strides span. ``width``: the window matrix's row width (samples; default: this call's
    widest window, :func:`_pitch_width`)."""
    gyr_y_dps, fs_hz, start, stop = strides
    n = gyr_y_dps.shape[0]
    stop = np.where(stop - start <= s.max_stride_s * fs_hz, stop, start)
    max_len = nearest_samples(s.max_stride_s, fs_hz) + 1
    if rate_sum is None:  # from the running sum the same: 0 / fs is 0.0
        cum, a = np.concatenate([[0.0], np.cumsum(gyr_y_dps) / fs_hz]), 0
    else:
        a, b = _span(start, stop + 1, n + 1)
        cum = rate_sum[a:b] / fs_hz
    width = _pitch_width(start, stop, s, fs_hz, n + 1) if width is None else width
    vals, mask = window_matrix(cum, start - a, stop + 1 - a, max_len=max_len, width=width)
    n_valid = mask.sum(axis=1)
    last = np.take_along_axis(vals, np.maximum(n_valid - 1, 0)[:, None], axis=1)[:, 0]
    frac = np.arange(vals.shape[1])[None, :] / np.maximum(n_valid - 1, 1)[:, None]
    # in place (PERF-14): pitch = vals - vals[:, :1] - (last - vals[:, 0]) * frac
    first = vals[:, 0].copy()
    frac *= (last - first)[:, None]
    pitch = vals
    pitch -= first[:, None]
    pitch -= frac
    pitch[~mask] = np.nan
    ok = (n_valid > 3) & (stop > start)
    out = np.full(start.shape[0], np.nan)
    if ok.any():
        centred = _centred_rows(pitch if ok.all() else pitch[ok])
        high = np.nanmax(centred, axis=1)
        low = np.nanmin(centred, axis=1)
        out[ok] = np.log((np.maximum(high, 0.0) + s.pitch_floor_deg) / (np.maximum(-low, 0.0) + s.pitch_floor_deg))
    return out


def _pitch_width(start: IntArray, stop: IntArray, s: DirectionSettings, fs_hz: float, n: int) -> int:
    """The pitch asymmetry's row width (samples) over all of ``start``/``stop``: window_matrix's own for the
    windows ``[start, stop + 1)`` (a stride longer than ``max_stride_s`` empty) of a running sum of ``n``."""
    stop = np.where(stop - start <= s.max_stride_s * fs_hz, stop, start)
    lo, hi, _ = clip_windows(start, stop + 1, n)
    longest = int(np.max(hi - lo)) if lo.size else 0
    return max(min(longest, nearest_samples(s.max_stride_s, fs_hz) + 1), 1)


def _span(start: IntArray, stop: IntArray, n: int) -> tuple[int, int]:
    """[a, b): the samples of a signal of ``n`` that the windows ``[start, stop)`` clipped to it hold (0, 0: none)."""
    lo, hi, ok = clip_windows(start, stop, n)
    if not ok.any():
        return 0, 0
    return int(lo[ok].min()), int(hi[ok].max())


def _centred_rows(p: FloatArray) -> FloatArray:
    """``p - np.nanmean(p, axis=1)[:, None]`` computed in ``p`` (consumed) by numpy's own steps -- the
    NaNs set to 0 for the row sums, counted, and put back -- without copying the matrix twice."""
    isnan = np.isnan(p)
    np.copyto(p, 0.0, where=isnan)
    count = np.sum(~isnan, axis=1, dtype=np.intp)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.divide(np.sum(p, axis=1), count)
    np.copyto(p, np.nan, where=isnan)
    p -= mean[:, None]
    return p
