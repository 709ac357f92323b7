"""Local gait periodicity: step and stride period, and how alike consecutive cycles are (docs/analysis.md).

A walking or running body repeats itself every stride (two steps, left and right). The windowed,
normalised autocorrelation of an orientation-free signal (here |a|, band-passed to the step band)
measures it: in each window, ``r(L)`` is the Pearson correlation between the window's samples and
the same samples ``L`` later. Physics fixes the ambiguities:

* The **stride** ``L`` is the first strong autocorrelation peak between two shortest and two longest
  steps (``2 * min_step_s .. 2 * max_step_s``): the whole gait pattern repeats there, whether the two
  legs look alike (trunk, hand) or not (a thigh pocket, a foot).
* Half a stride is the other leg's step: the signal there is **in phase** with itself
  (``r(L / 2) > 0``), then the step period is ``L / 2``. If the peak ``L`` was already one step of a
  symmetric signal (a slow walk whose step is longer than ``2 * min_step_s``), its half is swing
  against landing, in **antiphase** (``r(L / 2) < 0``), and the step period is ``L`` itself - unless
  ``L`` is longer than the longest step (``max_step_s``): then it is a stride whatever its half shows
  (a pocket whose other leg lands too softly to be seen).

Strong short-lived transients (a bag knocked against a leg) would dominate a window's correlation, so
each window is clipped to ``clip_mad`` robust standard deviations first. The signal is decimated to
about 50 Hz (the step band ends at a few Hz), and windows go through the FFT in chunks, so an hour of
data costs a fraction of a second; in ``analyze``, where a core is free, a second thread takes chunks too (PERF-169).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.beside import in_turns
from retrogait.samples import nearest_samples

#: Rate (Hz) the band-passed signal is decimated to before the autocorrelation (step band < 5 Hz).
ANALYSIS_RATE_HZ = 50.0
#: Shortest lag (samples at ANALYSIS_RATE_HZ) searched for a periodicity faster than any step.
FAST_MIN_LAG_SAMPLES = 3
#: Windows processed at once (bounds memory on long recordings).
CHUNK_WINDOWS = 256
#: A robust standard deviation is 1.4826 median absolute deviations (normal data).
MAD_TO_STD = 1.4826
#: The clipping scale is at least this share of the window's standard deviation.
MIN_SCALE_OF_STD = 0.25
#: Rows of an even length up to this many values take their median from a sort, not a partition (PERF-154). An
#: implementation bound of numpy's speed on this machine, not a setting: either way the same bits (REVIEW-246).
SORTED_MEDIAN_MAX = 256


@dataclass(frozen=True)
class Periodicity:
    """Per analysis window (times are window centres, s from the first sample).

    Attributes:
        centre_s: window centres (s), increasing.
        step_s: step period (s): half the stride when the half-stride is in phase, else the stride lag.
        stride_s: the stride lag L (s): first strong autocorrelation peak in the stride range.
        stride_r: ``min(r(L), r(2 L))``: two consecutive strides alike (1 = identical, ~0 for noise).
        step_r: ``max(r(step), r(2 step))``: step-to-step or stride-to-stride likeness, whichever holds
            (a turn keeps the steps alike while the strides differ).
        rms_g: root mean square of the window (g).
        fast_r: the highest autocorrelation peak at lags shorter than the shortest step (-1 without
            one): a signal that repeats faster than anyone steps (shaking, vibration) is not gait.
    """

    centre_s: NDArray[np.float64]
    step_s: NDArray[np.float64]
    stride_s: NDArray[np.float64]
    stride_r: NDArray[np.float64]
    step_r: NDArray[np.float64]
    rms_g: NDArray[np.float64]
    fast_r: NDArray[np.float64]

    def at(self, t_s: NDArray[np.float64]) -> NDArray[np.int64]:
        """Index of the window whose centre is nearest to each time ``t_s`` (s)."""
        return nearest_window(self.centre_s, t_s)


def nearest_window(centre_s: NDArray[np.float64], t_s: NDArray[np.float64]) -> NDArray[np.int64]:
    """Index of the window (centres ``centre_s``, s, increasing) whose centre is nearest to each time ``t_s`` (s)."""
    if centre_s.size <= 1:  # no window, or a recording shorter than two: the one window
        return np.zeros(t_s.shape, dtype=np.int64)
    right = np.clip(np.searchsorted(centre_s, t_s), 1, max(centre_s.size - 1, 1))
    left = right - 1
    nearer_left = np.abs(t_s - centre_s[left]) <= np.abs(centre_s[right] - t_s)
    return np.asarray(np.where(nearer_left, left, right), dtype=np.int64).clip(0, centre_s.size - 1)


def sample_windows(centre_s: NDArray[np.float64], n: int, fs_hz: float) -> NDArray[np.int64]:
    """``nearest_window(centre_s, np.arange(n) / fs_hz)``, the same indices, without a search per sample (PERF-147).

    Between two centres the nearest window turns from the earlier to the later once (the rounded distances to
    both are monotone in the time), so each turn is found among the samples around the centres' midpoint, by
    :func:`nearest_window` itself, and the samples between turns take their window by ``np.repeat``. Past the last
    centre (where two rounded distances could tie) and wherever a turn is not bracketed by the samples around its
    midpoint, :func:`nearest_window` answers for the samples themselves."""
    m = centre_s.size
    if m <= 2 or n < 64:
        return nearest_window(centre_s, np.arange(n) / fs_hz)
    guess = np.ceil(0.5 * (centre_s[:-1] + centre_s[1:]) * fs_hz)
    if not np.isfinite(guess).all() or guess.max() > n - 3:
        return nearest_window(centre_s, np.arange(n) / fs_hz)
    near = np.clip(guess.astype(np.int64)[:, None] + np.arange(-2, 3), 0, n - 1)  # 5 samples around each midpoint
    later = nearest_window(centre_s, near / fs_hz) > np.arange(m - 1)[:, None]
    if later[:, 0].any() or not later[:, -1].all() or (np.diff(later, axis=1) < 0).any():
        return nearest_window(centre_s, np.arange(n) / fs_hz)  # a turn not bracketed: every sample asked
    turn = near[np.arange(m - 1), np.argmax(later, axis=1)]  # the first sample nearer the later centre
    if (np.diff(turn) < 0).any():
        return nearest_window(centre_s, np.arange(n) / fs_hz)
    out = np.repeat(np.arange(m, dtype=np.int64), np.diff(np.concatenate([[0], turn, [n]])))
    tail = min(max(int(np.floor(centre_s[-1] * fs_hz)) - 1, 0), n)  # from a sample before the last centre
    out[tail:] = nearest_window(centre_s, np.arange(tail, n) / fs_hz)
    return out


def robust_clip(x: NDArray[np.float64], factor: float) -> NDArray[np.float64]:
    """``x`` less its median, clipped at ``factor`` robust standard deviations, row by row along the last axis: the
    scale is MAD_TO_STD median absolute deviations, floored at MIN_SCALE_OF_STD of the standard deviation so that a
    signal mostly still between its landings is not clipped flat (windows here, a gait gate's piece: PHONE-14).
    A row shown to reach no clip (``_mad_where_clipped``) is its centred values as they are: its scale is +inf
    whatever its standard deviation, and a clip at +-inf returns finite values unchanged; only the other rows pay for
    the standard deviation and the clip (PERF-134)."""
    centred = x - row_median(x)
    mad, open_rows = _mad_where_clipped(np.abs(centred), factor)
    if open_rows is not None and not centred.flags.c_contiguous:
        # rows laid out otherwise (numpy lays ``centred`` out as ``x``): no (-1, k) view to write the clipped rows
        # into, and each row's std is summed in its own layout; every row as before PERF-134 (REVIEW-217)
        full = np.full((centred.size // max(centred.shape[-1], 1), 1), np.inf)
        full[open_rows] = mad
        mad, open_rows = full.reshape(*centred.shape[:-1], 1), None
    if open_rows is None:
        scale = np.maximum(MAD_TO_STD * mad, MIN_SCALE_OF_STD * np.std(centred, axis=-1, keepdims=True))
        return np.asarray(np.clip(centred, -factor * scale, factor * scale))
    if not open_rows.size:
        return centred
    rows = centred.reshape(-1, centred.shape[-1])  # a view: ``centred`` is a new C-ordered array
    some = rows[open_rows]
    scale = np.maximum(MAD_TO_STD * mad, MIN_SCALE_OF_STD * np.std(some, axis=-1, keepdims=True))
    rows[open_rows] = np.clip(some, -factor * scale, factor * scale)
    return centred


def _mad_where_clipped(
    size: NDArray[np.float64], factor: float
) -> tuple[NDArray[np.float64], NDArray[np.int64] | None]:
    """(the median of ``size`` (|x - median|) along the last axis, keepdims, and None), or (the medians of the rows
    ``open_rows`` (open, 1), ``open_rows``) where the other rows of the (-1, k) rows are shown to have no value beyond
    ``factor`` robust standard deviations, whose clip then changes nothing whatever the median (PERF-126).
    A row is shown so where at most its lower middle value lies below ``top / (factor * MAD_TO_STD)`` (``top``
    its largest value; a 1e-9 margin over the roundings, so only where that bound is a normal number: REVIEW-206):
    its median, so the clip, reaches ``top``. Only the other rows pay for the partition (most walking windows clip
    nothing); their medians have the same bits. Rows of non-finite values: every row's median."""
    k = size.shape[-1]
    if k == 0 or factor <= 0.0 or not np.isfinite(size).all():
        return row_median(size), None
    rows = size.reshape(-1, k)
    top = rows.max(axis=1)
    bound = top / (factor * MAD_TO_STD)
    below = (rows < (bound * (1.0 + 1e-9))[:, None]).sum(axis=1)
    # the margin is relative: only where the bound is a normal number (a subnormal's rounding is absolute, REVIEW-206)
    open_rows = np.flatnonzero(~((bound >= np.finfo(np.float64).tiny) & (below <= (k - 1) // 2)))
    return row_median(rows[open_rows]), open_rows


def row_median(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """``np.median(x, axis=-1, keepdims=True)`` with the same bits at half its cost where ``x`` holds no NaN: the
    same partition at the middle and mean of the middle value(s), without the partition's extra pass to the end
    that ``np.median`` makes to find NaNs (PERF-124). With a NaN (or no values): ``np.median`` itself.
    Rows of an even length up to SORTED_MEDIAN_MAX are sorted instead: numpy partitions at two places several
    times slower than it sorts such rows, and the two middle values are the same numbers, so their mean has the
    same bits; where one of them is a zero (whose sign a partition may choose otherwise), partitioned (PERF-154)."""
    k = x.shape[-1]
    if k == 0 or np.isnan(x).any():
        return np.asarray(np.median(x, axis=-1, keepdims=True))
    if k % 2 == 0 and k <= SORTED_MEDIAN_MAX:
        pair = np.sort(x, axis=-1)[..., k // 2 - 1 : k // 2 + 1]
        if not (pair == 0.0).any():
            return np.asarray(np.mean(pair, axis=-1, keepdims=True))
    middle = slice(k // 2, k // 2 + 1) if k % 2 else slice(k // 2 - 1, k // 2 + 1)
    part = np.partition(x, [middle.start, middle.stop - 1] if k % 2 == 0 else [middle.start], axis=-1)
    return np.asarray(np.mean(part[..., middle], axis=-1, keepdims=True))


def windowed_periodicity(
    x: NDArray[np.float64],
    fs_hz: float,
    *,
    window_s: float,
    hop_s: float,
    min_step_s: float,
    max_step_s: float,
    strong_fraction: float,
    clip_mad: float,
    needed_s: NDArray[np.float64] | None = None,
) -> Periodicity:
    """Step/stride periods and cycle likeness of a band-passed signal ``x`` (g), per window.

    Args:
        x: (n,) signal already band-passed to the step band (g), sampled at ``fs_hz``.
        window_s, hop_s: analysis window and hop (s); a recording shorter than the window is one window.
        min_step_s, max_step_s: shortest and longest plausible step (s).
        strong_fraction: the stride is the first autocorrelation peak reaching this share of the highest.
        clip_mad: each window is clipped to this many robust standard deviations (transients).
        needed_s: None (every window), or the times (s) whose nearest windows are needed: a block of CHUNK_WINDOWS
            windows holding none of them is not computed (NaN; every centre is given). The blocks are those of a
            whole run, so a window's values have the same bits either way (numpy's complex product rounds
            differently below about 16k values: rows are not computed in other company, PERF-125).
    """
    dec = max(1, nearest_samples(1.0 / ANALYSIS_RATE_HZ, fs_hz))
    fs = fs_hz / dec
    y = np.asarray(x[::dec], dtype=np.float64)
    n = y.size
    lo = max(2, nearest_samples(2.0 * min_step_s, fs))
    hi = nearest_samples(2.0 * max_step_s, fs)
    w = min(max(4, nearest_samples(window_s, fs), hi + 4), n)  # a window holds the longest stride's lag (EDGE-70)
    max_lag = min(2 * hi + 2, w - 2)
    empty = np.zeros(0)
    if n < 8 or hi + 2 > max_lag or lo >= hi:
        return Periodicity(empty, empty, empty, empty, empty, empty, empty)
    starts = np.arange(0, n - w + 1, max(1, nearest_samples(hop_s, fs)))
    frames = np.lib.stride_tricks.sliding_window_view(y, w)
    fastest = max(FAST_MIN_LAG_SAMPLES + 2, nearest_samples(min_step_s, fs))
    centre_s = (starts.astype(np.float64) + w / 2.0) / fs
    blocks = range(0, starts.size, CHUNK_WINDOWS)
    wanted = np.ones(len(blocks), dtype=bool)
    if needed_s is not None:
        wanted = np.isin(np.arange(len(blocks)), nearest_window(centre_s, needed_s) // CHUNK_WINDOWS)
    parts: list[tuple[NDArray[np.float64], ...] | None] = [
        None if want else _not_computed(starts[c : c + CHUNK_WINDOWS].size)
        for c, want in zip(blocks, wanted, strict=True)
    ]
    todo = np.flatnonzero(wanted).tolist()

    def block(k: int) -> None:
        """The wanted block ``todo[k]``, computed on its own as in one pass over them all."""
        c = blocks[todo[k]]
        parts[todo[k]] = _chunk(
            frames[starts[c : c + CHUNK_WINDOWS]], lo, hi, max_lag, fastest, strong_fraction, clip_mad
        )

    # the blocks taken one at a time by this thread and, where a core is free, a second one (PERF-169)
    in_turns(block, len(todo))
    done = [p for p in parts if p is not None]  # every block, once in_turns has returned
    lag, step, stride_r, step_r, rms, fast = (np.concatenate(p) for p in zip(*done, strict=True))
    return Periodicity(
        centre_s=centre_s,
        step_s=step / fs,
        stride_s=lag / fs,
        stride_r=stride_r,
        step_r=step_r,
        rms_g=rms,
        fast_r=fast,
    )


def _chunk(
    frames: NDArray[np.float64],
    lo: int,
    hi: int,
    max_lag: int,
    fastest: int,
    strong_fraction: float,
    clip_mad: float,
) -> tuple[NDArray[np.float64], ...]:
    """Periods and likeness of a block of windows (rows of ``frames``), lags in samples."""
    m = frames.shape[0]
    f = robust_clip(frames, clip_mad)
    r = pearson_by_lag(f, max_lag)
    values = _peak_values(r[:, lo - 1 : hi + 2])
    fast = np.maximum(_peak_values(r[:, FAST_MIN_LAG_SAMPLES - 1 : fastest + 1]).max(axis=1), -1.0)
    is_peak = np.isfinite(values)
    best = values.max(axis=1)
    found = np.isfinite(best)
    strong = is_peak & (values >= strong_fraction * best[:, None])
    lag = (np.argmax(strong, axis=1) + lo).astype(np.float64)
    rows = np.arange(m)
    li = lag.astype(np.int64)
    half = 0.5 * (r[rows, li // 2] + r[rows, (li + 1) // 2])
    # a stride lag longer than the longest step is a stride whatever its half looks like (a pocket whose
    # other leg lands too softly to show): no one walks slower than one step per max_step_s
    step = np.where((half > 0.0) | (lag > hi / 2.0), lag / 2.0, lag)
    at = lambda k: r[rows, np.clip(np.round(k).astype(np.int64), 0, max_lag)]  # noqa: E731
    stride_r = np.where(found, np.minimum(at(lag), at(2.0 * lag)), -1.0)
    step_r = np.where(found, np.maximum(at(step), at(2.0 * step)), -1.0)
    rms = np.sqrt(np.mean(f**2, axis=1))
    return lag, step, stride_r, step_r, rms, fast


def _not_computed(m: int) -> tuple[NDArray[np.float64], ...]:
    """What :func:`_chunk` gives, NaN, for ``m`` windows not needed."""
    return tuple(np.full(m, np.nan) for _ in range(6))


def _peak_values(seg: NDArray[np.float64]) -> NDArray[np.float64]:
    """(m, k - 2): the value of each local maximum of the rows' interior samples, -inf elsewhere."""
    inner = seg[:, 1:-1]
    peak = (inner > seg[:, :-2]) & (inner >= seg[:, 2:])
    out: NDArray[np.float64] = np.where(peak, inner, -np.inf)
    return out


def pearson_by_lag(frames: NDArray[np.float64], max_lag: int) -> NDArray[np.float64]:
    """(m, max_lag + 1): per row, the Pearson correlation of ``row[:w-L]`` with ``row[L:]`` for each lag L.

    The lagged products come from one FFT per row; the means and energies of the two overlapping
    segments from cumulative sums, so each lag is normalised by its own segments (a window that ends
    in standing still correlates its walking part with itself). ``max_lag`` is below the row length.
    """
    m, w = frames.shape
    if not 0 <= max_lag < w:
        raise ValueError(f"lags 0..{max_lag} do not fit in rows of {w} samples")
    nfft = 1 << int(np.ceil(np.log2(2 * w)))
    spec = np.fft.rfft(frames, nfft, axis=1)
    power = spec * np.conj(spec)  # a new array: numpy multiplies in place by other roundings
    del spec  # and of the inverse only the lags kept: a whole run is one long row (PERF-51)
    products = np.fft.irfft(power, nfft, axis=1)[:, : max_lag + 1].copy()
    del power
    c1, c2 = np.zeros((m, w + 1)), np.zeros((m, w + 1))  # sums of the first j samples and of their squares
    np.cumsum(frames, axis=1, out=c1[:, 1:])
    np.cumsum(frames**2, axis=1, out=c2[:, 1:])
    count = (w - np.arange(max_lag + 1)).astype(np.float64)
    # columns read as slices (a view; the head's reversed), not gathered: the same values (PERF-124)
    head_sum, head_sq = c1[:, w - max_lag :][:, ::-1], c2[:, w - max_lag :][:, ::-1]
    tail_sum, tail_sq = c1[:, w:] - c1[:, : max_lag + 1], c2[:, w:] - c2[:, : max_lag + 1]
    cov = products - head_sum * tail_sum / count
    var = (head_sq - head_sum**2 / count) * (tail_sq - tail_sum**2 / count)
    out: NDArray[np.float64] = cov / np.sqrt(np.maximum(var, 1e-30))
    return out
