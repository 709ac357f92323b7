"""Steps of both legs from a phone (or any sensor) whose orientation is unknown and changes.

Placements ``thigh`` (trouser pocket), ``arm``, ``hand``, ``chest``, ``bag``, ``wrist`` and ``other``
(docs/analysis.md, "Phones"). Only the magnitude of the acceleration is used: it does not
depend on how the phone is turned in the pocket or the hand.

1. **Signal**: |a| / g - 1, band-passed to the step band.
2. **Periodicity** (periodicity.py): per window, the stride, whether its half is the other leg's step
   (in phase) or swing against landing (antiphase), and how alike consecutive cycles are. A pocket
   sees one leg's landings strongly and the other's weakly; the stride repeats all the same, and
   its half is in phase, so the step period is half the stride: both legs are counted.
3. **Gait stretches**: a stretch starts where two consecutive strides are alike
   (``seed_stride_correlation``) with some movement (``min_rms_g``) and goes on while steps or strides stay
   alike (``keep_step_correlation``): a turn changes the strides but keeps stepping.
4. **Steps**: the highest peak within +-``anchor_periods`` / 2 step periods is an anchor (the
   strong leg of a pocket, or either leg of a symmetric placement). Between two anchors lie
   round(gap / step period) steps; the ones in between are placed on the highest peak near where
   the rhythm puts them (``placement_periods``), else where it puts them. At a stretch's ends,
   anchors without the rhythm (gap not close to a whole number of steps; a pocket's leg whose peak
   lies off the half-stride, late from one anchor and early to the next, keeps it where its peaks are steps of the
   walk's size: :func:`in_rhythm`), without the
   stride-to-stride likeness of gait, or much smaller than the stretch's steps are dropped: handling
   the phone before or after a walk is not steps.

5. **Landing**: the steepest rise of |a| in the half step before each step's peak (the collision of
   the leading foot), the step's time in steps.csv.

No toe-off, side, direction, foot strike or impact is measurable from a free-moving phone: they stay
unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.filters import bandpass, in_g, lowpass
from retrogait.analysis.periodicity import Periodicity, sample_windows, windowed_periodicity
from retrogait.analysis.settings import PhoneStepSettings, StillSettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.vectors import norm_rows
from retrogait.dsp import find_peaks, running_min
from retrogait.masks import true_runs
from retrogait.samples import whole_samples

#: A stretch-end anchor's size is compared with the median of this many anchors just inside the stretch.
EDGE_NEIGHBOURS = 9
#: A stretch starts (ends) with this many consecutive anchor pairs that keep the gait's rhythm.
EDGE_GOOD_PAIRS = 3
#: The stride likeness is computed on the signal decimated to about this many samples per step.
LIKENESS_SAMPLES_PER_STEP = 25
#: Values (anchors x lags x samples) of one block of the stride likeness: its temporaries stay in the cache (512 kB).
LIKENESS_BLOCK = 1 << 16


@dataclass(frozen=True)
class PhoneSteps:
    """Steps found by :func:`phone_steps`.

    Attributes:
        contacts: one contact per step (both legs), no toe-off, side ``unknown``.
        periodicity: the per-window periods and likeness the steps were found with.
        gait: (n,) True where a gait stretch was found.
    """

    contacts: Contacts
    periodicity: Periodicity
    gait: NDArray[np.bool_]


def step_signal(
    signals: BodySignals, settings: PhoneStepSettings, size: NDArray[np.float64] | None = None
) -> NDArray[np.float64]:
    """|a| / g - 1 band-passed to the step band (g): independent of the sensor's orientation. ``size``: |a| (m/s^2,
    ``norm_rows(signals.acc_ms2)``) where the caller has it."""
    norm = in_g(norm_rows(signals.acc_ms2) if size is None else size) - 1.0
    return bandpass(norm, settings.band_low_hz, settings.band_high_hz, signals.fs_hz)


def phone_steps(
    signals: BodySignals, settings: PhoneStepSettings | None = None, still: StillSettings | None = None
) -> PhoneSteps:
    """Every step of both legs (see the module docstring); settings default to the placement's preset."""
    settings = settings or preset(signals.placement).phone_steps
    still = still or preset(signals.placement).still
    fs = signals.fs_hz
    size = norm_rows(signals.acc_ms2)  # |a| (m/s^2) once for the step signal and standing (PERF-135)
    x = step_signal(signals, settings, size)
    per = _periodicity(x, fs, settings, settings.window_s)
    n = x.size
    if per.centre_s.size == 0:
        return PhoneSteps(Contacts.empty(), per, np.zeros(n, dtype=bool))
    moving = _moving(per, settings)
    seed = moving & (per.stride_r >= settings.seed_stride_correlation)
    keep = moving & (per.step_r >= settings.keep_step_correlation)
    # the steps may stay alike over a shorter window where the long one mixes two gaits (walk to run): asked only
    # where the long one neither starts nor keeps a stretch (elsewhere it cannot change one; PERF-125)
    short = _periodicity(x, fs, settings, settings.short_window_s, per.centre_s[~(seed | keep)])
    near = short.at(per.centre_s)
    keep |= _moving(short, settings)[near] & (short.step_r[near] >= settings.keep_step_correlation)
    in_gait = hysteresis(seed, keep)
    window = sample_windows(per.centre_s, n, fs)  # per.at(np.arange(n) / fs)'s indices (PERF-147)
    standing = signals.still_mask(still.window_s, still.std_ms2, size)  # shared with bouts (PERF-4)
    gait = in_gait[window] & ~_long_gaps(signals.gap, settings.max_gap_s * fs) & ~standing
    period = per.step_s[window] * fs  # samples
    peaks = find_peaks(x, distance=max(1, whole_samples(settings.min_step_s, fs)))
    stretches = runs(gait)
    found = _stretch_steps(x, peaks, stretches, period, settings)
    steps = [f[0] for f in found]
    trimmed = sum(f[1] for f in found)  # samples between the anchors the end rule dropped and the steps (HONEST-37)
    signals.keep_phone_gait(sum(b - a for a, b in stretches) / fs, trimmed / fs, sum(f.size for f in steps))
    peak_idx = np.sort(np.concatenate(steps)) if steps else np.zeros(0, dtype=np.int64)
    del size  # not held through the landings' search: they take their own |a| (PERF-140: memory)
    idx = landings(signals, peak_idx, period, settings)
    contacts = Contacts(
        ic_idx=idx.astype(np.int64),
        to_idx=np.full(idx.size, -1, dtype=np.int64),
        side=np.full(idx.size, "unknown", dtype="<U7"),
    )
    return PhoneSteps(contacts, per, gait)


def landings(
    signals: BodySignals,
    peak_idx: NDArray[np.int64],
    period: NDArray[np.float64],
    settings: PhoneStepSettings,
    size: NDArray[np.float64] | None = None,
) -> NDArray[np.int64]:
    """Initial contact of each step: the steepest rise of |a| (low-passed) in the half step period
    before the step's peak. The leading foot's collision turns the body's fall into a rise, so the
    force rises fastest at contact, whichever part of the foot lands (as at the lower back).

    The rise is read on the step's leg's mean rise before its peak, over ``landing_strides`` strides either side
    (every other step, within as many strides of time), not on the one step alone: a collision comes at the same
    point of each step of a leg, while a phone in the hand, the arm damping the collision, shows two rises of about
    the same steepness per step (one a quarter of a step earlier), and the steeper of the two flips from step to
    step: the right number of steps at uneven times (0.3-0.9 s apart where the steps come every 0.6 s; PHONE-30)."""
    if peak_idx.size == 0:
        return peak_idx
    fs = signals.fs_hz
    # |a| (m/s^2), the caller's where it has it; one taken here is let go once low-passed (PERF-140: memory)
    rise = np.gradient(lowpass(norm_rows(signals.acc_ms2) if size is None else size, settings.landing_cutoff_hz, fs))
    reach = np.maximum(np.rint(settings.landing_search_periods * period[peak_idx]).astype(np.int64), 1)
    offs = np.arange(int(reach.max()) + 1)
    idx = peak_idx[:, None] - offs[None, :]
    valid = (offs[None, :] <= reach[:, None]) & (idx >= 0)
    values = np.where(valid, rise[np.clip(idx, 0, rise.size - 1)], np.nan)
    # the same leg's steps around each: every other step, landing_strides strides either side, as near in time;
    # summed neighbour by neighbour, in order (the same sums as a stacked (steps, neighbours, offsets) array's, whose
    # memory grew with landing_strides: REVIEW-182)
    strides = settings.landing_strides
    own = np.arange(peak_idx.size)
    window = (2 * strides + 0.5) * period[peak_idx]
    total = np.zeros(values.shape)
    count = np.zeros(values.shape, dtype=np.int64)
    for shift in 2 * np.arange(-strides, strides + 1):
        near = own + shift
        inside = (near >= 0) & (near < peak_idx.size)
        near = np.clip(near, 0, peak_idx.size - 1)
        inside &= np.abs(peak_idx[near] - peak_idx) <= window
        counted = inside[:, None] & np.isfinite(values[near])
        total += np.where(counted, values[near], 0.0)
        count += counted
    mean = np.where(valid, total / np.maximum(count, 1), -np.inf)
    out = peak_idx - offs[np.argmax(mean, axis=1)]
    return np.unique(out).astype(np.int64)


def _periodicity(
    x: NDArray[np.float64],
    fs: float,
    settings: PhoneStepSettings,
    window_s: float,
    needed_s: NDArray[np.float64] | None = None,
) -> Periodicity:
    return windowed_periodicity(
        x,
        fs,
        window_s=window_s,
        hop_s=settings.hop_s,
        min_step_s=settings.min_step_s,
        max_step_s=settings.max_step_s,
        strong_fraction=settings.strong_fraction,
        clip_mad=settings.clip_factor,
        needed_s=needed_s,
    )


def _moving(per: Periodicity, settings: PhoneStepSettings) -> NDArray[np.bool_]:
    """Windows with movement, and none repeating faster than a step (shaking, vibration)."""
    return np.asarray((per.rms_g >= settings.min_rms_g) & (per.fast_r < settings.max_fast_correlation))


def _long_gaps(gap: NDArray[np.bool_], max_samples: float) -> NDArray[np.bool_]:
    """The runs of ``gap`` longer than ``max_samples``: a hole that can hide a step (phones sample
    irregularly, so single late samples are common and harmless for counting)."""
    out = np.zeros(gap.size, dtype=bool)
    for a, b in runs(gap):
        if b - a > max_samples:
            out[a:b] = True
    return out


def hysteresis(seed: NDArray[np.bool_], keep: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Runs of ``keep | seed`` that hold at least one ``seed``."""
    allowed = seed | keep
    out = np.zeros(allowed.size, dtype=bool)
    count = np.concatenate([[0], np.cumsum(seed)])
    for a, b in runs(allowed):  # one iteration per stretch
        out[a:b] = count[b] > count[a]
    return out


def runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(start, end) index pairs of the runs of True in ``mask`` (end exclusive)."""
    starts, ends = true_runs(mask)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _stretch_steps(
    x: NDArray[np.float64],
    peaks: NDArray[np.int64],
    stretches: list[tuple[int, int]],
    period: NDArray[np.float64],
    settings: PhoneStepSettings,
) -> list[tuple[NDArray[np.int64], int]]:
    """:func:`_segment_steps` of each gait stretch (start, end: samples) from the signal's ``peaks`` (increasing).

    The stride likeness the stretch-end rule asks first from each end of every stretch is computed in one
    :func:`stride_likeness` call per decimation and direction, not one per stretch end (PERF-153): each row's sums
    are those of a row on its own, so every stretch keeps its bits; only the rare later asks go stretch by stretch."""
    bounds = np.searchsorted(peaks, np.asarray(stretches, dtype=np.int64).reshape(-1, 2))  # peaks >= a and < b
    own = [peaks[lo:hi] for lo, hi in bounds.tolist()]
    ends = [
        _stretch_ends(x, local_maxima(p, x[p], 0.5 * settings.anchor_periods * period[p]), period, settings)
        if p.size >= 2
        else None
        for p in own
    ]
    _ask_first(x, [e for e in ends if e is not None], settings.edge_stride_correlation)
    return [_segment_steps(x, p, period, settings, e) for p, e in zip(own, ends, strict=True)]


def _segment_steps(
    x: NDArray[np.float64],
    peaks: NDArray[np.int64],
    period: NDArray[np.float64],
    settings: PhoneStepSettings,
    ends: _StretchEnds | None = None,
) -> tuple[NDArray[np.int64], int]:
    """Steps (sample indices) of one gait stretch from its signal peaks, and the samples the stretch-end rule
    (:func:`_trim`) cut off: from the first anchor to the first kept, and from the last kept to the last.
    ``ends``: the stretch's anchors and end candidates as :func:`_stretch_steps` laid them out (None: here)."""
    if peaks.size < 2:
        return np.zeros(0, dtype=np.int64), 0
    if ends is None:
        found = local_maxima(peaks, x[peaks], 0.5 * settings.anchor_periods * period[peaks])
        ends = _stretch_ends(x, found, period, settings)
    found = ends.anchors
    anchors = _trim(ends, settings.edge_stride_correlation)
    if anchors.size < 2:
        return np.zeros(0, dtype=np.int64), int(found[-1] - found[0]) if found.size else 0
    trimmed = int(anchors[0] - found[0]) + int(found[-1] - anchors[-1])
    gap = np.diff(anchors).astype(np.float64)
    p = period[(anchors[:-1] + anchors[1:]) // 2]
    k = np.maximum(np.rint(gap / p), 1).astype(np.int64)  # steps from one anchor to the next
    pair = np.repeat(np.arange(gap.size), k - 1)
    j = np.arange(pair.size) - np.repeat(np.cumsum(k - 1) - (k - 1), k - 1) + 1  # 1 .. k-1 within a pair
    expected = anchors[pair] + j * gap[pair] / k[pair]
    inserted = _nearest_strong_peak(x, peaks, expected, settings.placement_periods * p[pair])
    return np.sort(np.concatenate([anchors, inserted])).astype(np.int64), trimmed


def local_maxima(peaks: NDArray[np.int64], height: NDArray[np.float64], half: NDArray[np.float64]) -> NDArray[np.int64]:
    """The peaks that are the highest within +-``half`` samples (ties: the earlier one)."""
    keep = np.ones(peaks.size, dtype=bool)
    reach = float(half.max(initial=0.0))
    k = 1
    while k < peaks.size and float((peaks[k:] - peaks[:-k]).min()) <= reach:  # a few neighbours at most
        apart = peaks[k:] - peaks[:-k]
        keep[k:] &= ~((apart <= half[k:]) & (height[:-k] >= height[k:]))  # a higher (or equal) one before
        keep[:-k] &= ~((apart <= half[:-k]) & (height[k:] > height[:-k]))  # a higher one after
        k += 1
    return peaks[keep]


@dataclass
class _StretchEnds:
    """A stretch's anchors as the stretch-end rule sees them, before any stride likeness is asked.

    Attributes:
        anchors: (k,) the anchors (samples), increasing.
        dec: the decimation of the stride likeness (about LIKENESS_SAMPLES_PER_STEP samples a step).
        coarse: the signal decimated for the stride likeness (a view of every ``dec``-th sample).
        at, step: (k,) each anchor's sample and step period (samples) in ``coarse``.
        start, end: (k - 1,) per anchor pair: a candidate of a good run from the start (from the end).
        known: per direction (True: the stride ahead of the anchor; False: behind it), the anchors whose
            likeness is known and, for them, whether it reaches ``edge_stride_correlation`` ((k,) each).
    """

    anchors: NDArray[np.int64]
    dec: int
    coarse: NDArray[np.float64]
    at: NDArray[np.int64]
    step: NDArray[np.float64]
    start: NDArray[np.bool_]
    end: NDArray[np.bool_]
    known: dict[bool, tuple[NDArray[np.bool_], NDArray[np.bool_]]]

    def first_asked(self, ahead: bool) -> NDArray[np.int64]:
        """The anchors whose likeness :func:`_first_run` asks first from the start (``ahead``) or the end."""
        pairs = self.start.size
        if ahead:
            return _first_asked(self.start, EDGE_GOOD_PAIRS)
        return pairs - _first_asked(self.end[::-1], EDGE_GOOD_PAIRS)

    def alike(self, i: NDArray[np.int64], ahead: bool, threshold: float) -> NDArray[np.bool_]:
        """Whether the stride likeness of anchors ``i`` (ahead of or behind them) reaches ``threshold``: known, or
        computed here."""
        asked, value = self.known.get(ahead, (np.zeros(self.at.size, dtype=bool), np.zeros(self.at.size, dtype=bool)))
        out = value[i]
        new = ~asked[i]
        if new.any():
            j = i[new]
            out[new] = stride_likeness(self.coarse, self.at[j], self.step[j], ahead) >= threshold
        return out


def _stretch_ends(
    x: NDArray[np.float64], anchors: NDArray[np.int64], period: NDArray[np.float64], settings: PhoneStepSettings
) -> _StretchEnds:
    """The anchors of a stretch and the candidates of the stretch-end rule (fewer than 2 anchors: no pairs)."""
    p = period[anchors]
    if anchors.size < 2:
        none = np.zeros(0, dtype=bool)
        return _StretchEnds(anchors, 1, x, anchors, p, none, none, {})
    width = max(3, int(np.median(p)) * 2 + 1)
    prominence = x[anchors] - _running_min_at(x, width, anchors)
    gap = np.diff(anchors) / period[(anchors[:-1] + anchors[1:]) // 2]
    dec = max(1, int(np.median(p) / LIKENESS_SAMPLES_PER_STEP))
    # an end anchor is compared with the steps just inside the stretch (a walk that turns into a run
    # has steps of every size; handling before a walk is small next to the walk's first steps)
    inner_after, inner_before = _inner_medians(prominence, EDGE_NEIGHBOURS)
    big_start = prominence >= settings.edge_prominence_fraction * inner_after
    big_end = prominence >= settings.edge_prominence_fraction * inner_before
    # a displaced leg's peaks are steps: of the walk's size next to the anchors on both sides (REVIEW-130)
    rhythm = in_rhythm(gap, settings.rhythm_tolerance_fraction, big_start & big_end)
    # a pair of anchors holds at least one step of the walk's size (a pocket's other leg lands softly)
    start = rhythm & (big_start[:-1] | big_start[1:])
    end = rhythm & (big_end[:-1] | big_end[1:])
    return _StretchEnds(anchors, dec, x[::dec], anchors // dec, p / dec, start, end, {})


def _trim(ends: _StretchEnds, threshold: float) -> NDArray[np.int64]:
    """The stretch-end rule: anchors at the stretch's ends dropped until EDGE_GOOD_PAIRS consecutive anchor pairs keep
    the gait's rhythm and stride likeness and hold a step of the walk's size; the anchors from the first good run to
    the last (none: no such run). The likeness of
    a pair's first anchor (the stride ahead) or last (behind), asked from each end only until the first good run
    (PERF-123: the same anchors, the likeness of a few of them)."""
    anchors, run, pairs = ends.anchors, EDGE_GOOD_PAIRS, ends.start.size
    if anchors.size < 2:
        return anchors
    first = _first_run(ends.start, lambda i: ends.alike(i, True, threshold), run)
    back = _first_run(ends.end[::-1], lambda j: ends.alike(pairs - j, False, threshold), run)
    if first < 0 or back < 0:
        return anchors[:0]
    last = pairs - 1 - back if pairs >= run else run - 1  # the last pair of the last good run
    if last < first:
        return anchors[:0]
    return anchors[first : last + 2]


def _ask_first(x: NDArray[np.float64], ends: list[_StretchEnds], threshold: float) -> None:
    """Fill each stretch's ``known`` likeness with the anchors :func:`_first_run` asks first from each end: all
    stretches' anchors of one decimation and direction in one :func:`stride_likeness` call (PERF-153)."""
    for ahead in (True, False):
        asked = [e.first_asked(ahead) for e in ends]
        for e in ends:
            e.known[ahead] = (np.zeros(e.at.size, dtype=bool), np.zeros(e.at.size, dtype=bool))
        for dec in sorted({e.dec for e in ends}):
            group = [k for k, e in enumerate(ends) if e.dec == dec and asked[k].size]
            if not group:
                continue
            coarse = x[::dec]
            at = np.concatenate([ends[k].at[asked[k]] for k in group])
            step = np.concatenate([ends[k].step[asked[k]] for k in group])
            good = stride_likeness(coarse, at, step, ahead) >= threshold
            cut = np.cumsum([asked[k].size for k in group])[:-1]
            for k, value in zip(group, np.split(good, cut), strict=True):
                seen, alike = ends[k].known[ahead]
                seen[asked[k]] = True
                alike[asked[k]] = value


#: :func:`_first_run`'s first block of candidates, in runs (the blocks double after it); :func:`_first_asked` lays out
#: the same block for PERF-153's one call.
FIRST_BLOCK_RUNS = 4


def _first_asked(candidate: NDArray[np.bool_], run: int) -> NDArray[np.int64]:
    """The indices :func:`_first_run` asks ``alike`` of in its first block (none where it asks nothing)."""
    n = candidate.size
    if n < run:
        return np.arange(n) if n > 0 and bool(candidate.all()) else np.zeros(0, dtype=np.int64)
    return np.flatnonzero(candidate[: min(n, FIRST_BLOCK_RUNS * run)])


def _first_run(candidate: NDArray[np.bool_], alike: Callable[[NDArray[np.int64]], NDArray[np.bool_]], run: int) -> int:
    """The first i where ``candidate[i : i + run]`` and ``alike`` of those indices all hold (-1: nowhere; fewer than
    ``run``: 0 where all hold). ``alike`` is asked in blocks that double from the start, only where ``candidate``
    holds: a run found within the block's end is the first (every later start reaches past it)."""
    n = candidate.size
    if n < run:
        return 0 if n > 0 and bool(candidate.all()) and bool(alike(np.arange(n)).all()) else -1
    good = np.zeros(n, dtype=bool)
    done, size = 0, FIRST_BLOCK_RUNS * run
    while done < n:
        upto = min(n, done + size)
        asked = np.flatnonzero(candidate[done:upto]) + done
        if asked.size:
            good[asked] = alike(asked)
        found = np.flatnonzero(_all_in_run(good[:upto], run))
        if found.size:
            return int(found[0])
        done, size = upto, 2 * size
    return -1


def in_rhythm(
    gap: NDArray[np.float64], tolerance: float, step_sized: NDArray[np.bool_] | None = None
) -> NDArray[np.bool_]:
    """Per anchor pair (``gap`` in step periods): True where it keeps the gait's rhythm. A pair does where its gap
    is a whole number (1 or 2) of steps within ``tolerance`` of that number; or where one leg's peak lies off the
    half-stride (a pocket: the thigh's two legs peak unlike), which puts the pair before it late (1.3 steps) and
    the one after it early (0.7), or, where the other leg's peak was not an anchor, the second pair after it
    early (1.3, 2.0, 0.7) with the one between in rhythm: both pairs keep it where one is late and the other
    early and the anchors around the displaced peak(s) lie a whole number of steps apart within ``tolerance``
    of a step. A lone late or early pair beside pairs in rhythm (handling at a recording's ends, PHONE-22) is not
    a displaced leg and stays out (PHONE-23). ``step_sized`` (per anchor, ``gap.size + 1``; None: all): the
    displaced reading also needs every anchor of the late and early pairs to be a step of the walk's size, so a
    stray peak beside a walk does not pair with a noise peak into a late and an early pair (REVIEW-130)."""
    whole = np.maximum(np.rint(gap), 1)
    step = (np.abs(gap - whole) / whole <= tolerance) & (whole <= 2)
    off = np.where(whole <= 2, gap - whole, np.nan)  # step periods late (> 0) or early (< 0); NaN: no step gap
    out = step.copy()
    for skip in (1, 2):  # the next pair, or the one after it with a pair in rhythm between
        if gap.size <= skip:
            break
        a, b = off[:-skip], off[skip:]
        both = ~step[:-skip] & ~step[skip:] & (a * b < 0) & (np.abs(a + b) <= tolerance)
        if skip == 2:
            both &= step[1:-1]
        if step_sized is not None:  # the anchors i .. i + skip + 1 of the late and the early pair
            for k in range(skip + 2):
                both &= step_sized[k : k + both.size]
        out[:-skip] |= both
        out[skip:] |= both
    return out


def _all_in_run(good: NDArray[np.bool_], run: int) -> NDArray[np.bool_]:
    """(n - run + 1,) True where ``good[i : i + run]`` are all True (shorter input: all of it)."""
    if good.size < run:
        return np.array([bool(good.all()) and good.size > 0])
    return np.asarray(np.lib.stride_tricks.sliding_window_view(good, run).all(axis=1))


def _inner_medians(values: NDArray[np.float64], k: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per element, the median of the (up to) ``k`` elements after it and of those before it; the
    element itself where there are none."""
    n = values.size
    padded = np.concatenate([np.full(k, np.nan), values, np.full(k, np.nan)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, k)  # windows[j] = padded[j : j + k]
    return _row_median(windows[k + 1 : k + 1 + n], values), _row_median(windows[:n], values)


def _row_median(rows: NDArray[np.float64], fallback: NDArray[np.float64]) -> NDArray[np.float64]:
    """Median of the finite values of each row; ``fallback`` for rows without any."""
    count = np.isfinite(rows).sum(axis=1)
    ordered = np.sort(np.where(np.isfinite(rows), rows, np.inf), axis=1)  # NaNs (as inf) last
    lo = np.clip((count - 1) // 2, 0, None)
    hi = np.clip(count // 2, 0, None)
    idx = np.arange(rows.shape[0])
    med = 0.5 * (ordered[idx, lo] + ordered[idx, hi])
    return np.where(count > 0, med, fallback)


def stride_likeness(
    x: NDArray[np.float64], at: NDArray[np.int64], period: NDArray[np.float64], ahead: bool
) -> NDArray[np.float64]:
    """Per index in ``at``: the best Pearson correlation (lags 1.8-2.2 step periods) between the stride
    that starts there and the next one (``ahead``), or the stride that ends there and the one before.
    At a stretch's start the stride ahead is the walk's; behind it lies what came before the walk.

    All lags of the anchors of one step length at once, LIKENESS_BLOCK values at a time: each row's sums are
    those of a row on its own (the same values in the same order: the same bits as lag by lag, PERF-123)."""
    n = x.size
    half = np.maximum(np.rint(period).astype(np.int64), 2)
    out = np.full(at.size, -1.0)
    for h in np.unique(half):  # one pass per distinct step length (few: the period changes slowly)
        sel = np.flatnonzero(half == h)
        lags = np.arange(int(1.8 * h), int(2.2 * h) + 1)
        shifts = lags if ahead else -lags
        rows = max(1, LIKENESS_BLOCK // (lags.size * 2 * h))
        for first in range(0, sel.size, rows):
            block = sel[first : first + rows]
            start = at[block] if ahead else at[block] - 2 * h
            lo = int(start.min()) + min(0, int(shifts[-1]))  # the block's samples, ends repeated (clipped indices)
            piece = x[np.clip(np.arange(lo, int(start.max()) + max(0, int(shifts[-1])) + 2 * h), 0, n - 1)]
            strides = np.lib.stride_tricks.sliding_window_view(piece, 2 * h)  # strides[i] = the stride at lo + i
            a = strides[start - lo]
            b = strides[(start - lo)[:, None] + shifts[None, :]]
            out[block] = np.maximum(out[block], _row_pearson(a[:, None, :], b).max(axis=1))
    return out


def _row_pearson(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Pearson correlation of ``a`` and ``b`` along their last axis (broadcast over the others)."""
    a = a - a.mean(axis=-1, keepdims=True)
    b = b - b.mean(axis=-1, keepdims=True)
    den = np.sqrt(np.maximum((a * a).sum(axis=-1) * (b * b).sum(axis=-1), 1e-30))
    out: NDArray[np.float64] = (a * b).sum(axis=-1) / den
    return out


def _running_min_at(x: NDArray[np.float64], size: int, at: NDArray[np.int64]) -> NDArray[np.float64]:
    """``running_min(x, size)[at]`` from the samples the windows at ``at`` (increasing) reach only: a stretch's
    anchors, not the whole recording once per stretch (PERF-123). Exact: a window inside the piece is the same
    samples, and one cut by the recording's ends repeats the same end sample."""
    lo = max(int(at[0]) - size // 2, 0)
    hi = min(int(at[-1]) - size // 2 + size, x.size)
    return running_min(x[lo:hi], size)[at - lo]


def _nearest_strong_peak(
    x: NDArray[np.float64], peaks: NDArray[np.int64], expected: NDArray[np.float64], reach: NDArray[np.float64]
) -> NDArray[np.int64]:
    """For each expected step time (samples), the highest peak within +-``reach`` of it, else the time itself."""
    out = np.rint(expected).astype(np.int64)
    if peaks.size == 0 or expected.size == 0:
        return out
    lo = np.searchsorted(peaks, expected - reach)
    hi = np.searchsorted(peaks, expected + reach, side="right")
    width = int((hi - lo).max(initial=0))
    if width == 0:
        return out
    idx = lo[:, None] + np.arange(width)[None, :]
    valid = idx < hi[:, None]
    heights = np.where(valid, x[peaks[np.clip(idx, 0, peaks.size - 1)]], -np.inf)
    best = np.argmax(heights, axis=1)
    has = valid.any(axis=1)
    out[has] = peaks[np.clip(lo[has] + best[has], 0, peaks.size - 1)]
    return out
