"""Initial contacts and toe-offs for every placement, forward and backward (see docs/analysis.md).

Nothing here assumes a heel strike: backward gait lands on the forefoot, so events come from
direction-free physics.

* Lower back: the sacral vertical specific force is close to the vertical ground-reaction force per
  body mass. One peak per step. Running has a flight phase (specific force near 0 g), and a contact
  starts where the force leaves that floor (tangent to the steepest rise, extrapolated back to the
  flight level) and ends where it comes back to it. Walking has no flight; the contact is the
  onset of the collision that ends single support: the kink where the vertical force starts to rise
  faster, between its single-support minimum and the loading peak (trunk_walk_contacts; toe-off is
  not observable).
* Foot and shank: the foot stops at contact, whichever part lands first. Mid-stance is the quietest
  moment of the stride (lowest rest score: |a| close to g and little rotation, held over 40 ms). The
  initial contact before it is where the ground stops the segment's descent, found in the vertical
  (world-frame) acceleration, not the vector norm, so late-swing horizontal braking in the air is not
  taken for the landing (_limb_landings); the toe-off is the first strong sagittal rotation after it.
* Phones (thigh, arm, hand, chest, bag), wrist and other: every step of both legs from the
  acceleration magnitude, whatever the orientation (phone_steps.py; cadence and step count only).
"""

from __future__ import annotations

import bisect
import math
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.beside import Beside, in_halves
from retrogait.analysis.filters import (
    LocalPeriod,
    bandpass,
    block_means,
    decimation_step,
    in_g,
    local_period_s,
    lowpass,
)
from retrogait.analysis.foot_landing import first_touch
from retrogait.analysis.phone_steps import phone_steps
from retrogait.analysis.settings import ContactsSettings, ImpactSettings, PhoneStepSettings, StillSettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.swing_axis import RATE_LOWPASS_HZ, rates_about, swing_axes
from retrogait.analysis.trunk_walk_contacts import WINDOW_BLOCK_SAMPLES, collision_onsets
from retrogait.analysis.vectors import gradient, gradient_norm_rows, norm_rows
from retrogait.analysis.world_vertical import MAX_STRIDE_S, world_vertical_motion
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.dsp import find_peaks, running_max
from retrogait.dsp.peaks import local_maxima, peak_prominences, select_by_distance
from retrogait.dsp.upsample import HALF_LENGTH, upsample
from retrogait.masks import counts_before, run_starts_at
from retrogait.rate import RATE_TOLERANCE, meets_rate
from retrogait.samples import nearest_samples, whole_samples

# a conflict walk reads lists where more than one element in this many starts a conflict (REVIEW-280)
CONFLICTS_PER_LISTED = 16


def detect_contacts(
    signals: BodySignals,
    settings: ContactsSettings | None = None,
    still: StillSettings | None = None,
    phone: PhoneStepSettings | None = None,
    impact: ImpactSettings | None = None,
) -> Contacts:
    """All initial contacts (and toe-offs where the placement shows them) of a session; settings default
    to the placement's preset (``impact``: a foot's landing transient, CONTACT-3). Placements without
    leg-specific physics (phones, wrist, other) get one contact per step of either leg from phone_steps.py."""
    settings = settings or preset(signals.placement).contacts
    still = still or preset(signals.placement).still
    if signals.placement == "lower_back":
        return _lower_back(signals, settings, still)
    if signals.placement in ("foot", "shank"):
        return _limb(signals, settings, still, impact or preset(signals.placement).impact)
    return phone_steps(signals, phone or preset(signals.placement).phone_steps, still).contacts


# ------------------------------------------------------------------------------------------ helpers


def _moving(signals: BodySignals, still: StillSettings, size: NDArray[np.float64] | None = None) -> NDArray[np.bool_]:
    """(n,) the samples that move and lie outside gaps (``size``: |a| of the body-frame acceleration, if taken)."""
    return np.asarray(~signals.still_mask(still.window_s, still.std_ms2, size) & ~signals.gap)


def _step_period_s(
    x: NDArray[np.float64], fs: float, s: ContactsSettings, per: float = 1.0, first_fraction: float = 0.7
) -> NDArray[np.float64]:
    """(n,) local period (s) of ``x`` between ``per`` times the step-period bounds (per = 2: strides): the
    first autocorrelation peak reaching ``first_fraction`` of the highest."""
    return _step_period(x, fs, s, per, first_fraction).result_alone()


def _step_period(
    x: NDArray[np.float64],
    fs: float,
    s: ContactsSettings,
    per: float = 1.0,
    first_fraction: float = 0.7,
    parts: int = 1,
    step: int = 1,
    n_out: int | None = None,
) -> LocalPeriod:
    """:func:`_step_period_s` as pieces threads can share (filters.LocalPeriod; ``parts``: runs of samples
    interpolated apart; ``x`` at ``fs`` one value per ``step`` samples of the ``n_out`` the period is put on)."""
    return LocalPeriod(
        x,
        fs,
        per * s.min_step_s,
        per * s.max_step_s,
        s.period_window_s,
        s.period_hop_s,
        first_fraction,
        parts=parts,
        step=step,
        n_out=n_out,
    )


def _walked(arrays: tuple[NDArray[Any], ...], conflicts: int) -> tuple[Sequence[Any], ...]:
    """The arrays a conflict walk reads element by element: as they are where the conflicts are few (each read a numpy
    scalar, no (n,) work), as lists where they are many (a list's read ~10 x cheaper than a numpy scalar's: the
    walk over a messy recording no slower than the one pass over every element before; REVIEW-280). Equal either way:
    Python's int / float comparison is exact, numpy's casts int64 sample indices below 2^53 exactly, NaN is False."""
    if CONFLICTS_PER_LISTED * conflicts > arrays[0].size:
        return tuple(a.tolist() for a in arrays)
    return arrays  # type: ignore[return-value]


def _spaced(peaks: NDArray[np.int64], heights: NDArray[np.float64], min_gap: NDArray[np.float64]) -> NDArray[np.int64]:
    """Drop peaks closer than ``min_gap`` (samples, per peak) to a higher neighbour kept before them."""
    if peaks.size < 2:
        return peaks
    # only a peak closer than its gap to the one before starts a conflict: the pass visits those and the peaks judged
    # against an earlier one than their neighbour, not every peak (PERF-178); over Python lists, so a recording of
    # conflicts only is no slower than the one pass over every peak before (REVIEW-280)
    starts = np.flatnonzero(np.diff(peaks) < min_gap[1:]) + 1
    if starts.size == 0:
        return peaks
    conflicts, k = starts.tolist(), 0  # the next conflict start not passed yet: each passed once (REVIEW-280)
    at, height, gap = _walked((peaks, heights, min_gap), starts.size)
    keep = np.ones(peaks.size, dtype=bool)
    last, i = -1, 0  # the last peak kept, the peak judged
    while i < len(at):
        if last == i - 1:  # each peak kept, as far as the next conflict
            while k < len(conflicts) and conflicts[k] < i:
                k += 1
            if k == len(conflicts):
                break
            i = conflicts[k]
            last = i - 1
        if last >= 0 and at[i] - at[last] < gap[i]:
            keep[i] = False
            if height[i] > height[last]:  # the higher one takes the last one's place
                keep[last], keep[i], last = False, True, i
            i += 1
            continue
        last, i = i, i + 1
    return peaks[keep]


def _tallest_spaced(
    peaks: NDArray[np.int64], heights: NDArray[np.float64], min_gap: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Keep peaks tallest first, each unless a kept one lies closer than its ``min_gap`` (samples). Unlike
    :func:`_spaced` no chain of ever taller neighbours, each closer than the gap to the last, carries the kept
    peak a whole step on (a fast walk's loading and push-off humps alternate; CADENCE-2)."""
    kept: list[int] = []
    for i in np.argsort(-heights, kind="stable"):  # one pass over steps, not samples
        p = int(peaks[i])
        j = bisect.bisect_left(kept, p)
        if all(abs(p - kept[k]) >= min_gap[i] for k in (j - 1, j) if 0 <= k < len(kept)):
            kept.insert(j, p)
    return np.asarray(kept, dtype=np.int64)


def _fill_lost_steps(
    kept: NDArray[np.int64], candidates: NDArray[np.int64], period: NDArray[np.float64], gap_periods: float
) -> NDArray[np.int64]:
    """``kept`` (sorted sample indices) with one step peak added in each gap longer than ``gap_periods`` and
    shorter than ``gap_periods`` + 1 local periods (``period``: (n,) samples): the candidate peak nearest the
    gap's middle. Walking goes on at its period, so such a gap lost one step: a step whose humps each lay
    within the spacing of a kept neighbour (a fast walk's push-off and loading humps; CADENCE-3)."""
    if kept.size < 2 or candidates.size == 0:
        return kept
    lo, hi = kept[:-1], kept[1:]
    mid = (lo + hi) / 2.0
    gap = (hi - lo) / period[np.round(mid).astype(np.int64)]
    lost = (gap > gap_periods) & (gap < gap_periods + 1.0)
    inside = candidates[(candidates > kept[0]) & (candidates < kept[-1])]
    # the gap holding each candidate; a kept peak (itself a candidate) falls in the gap it starts and is left out
    which = np.searchsorted(kept, inside, side="right") - 1
    ok = lost[which] & (inside != kept[which])  # (CADENCE-5)
    inside, which = inside[ok], which[ok]
    if inside.size == 0:
        return kept
    order = np.lexsort((np.abs(inside - mid[which]), which))
    first = order[np.r_[True, np.diff(which[order]) > 0]]  # per gap, the candidate nearest its middle
    return np.sort(np.concatenate([kept, inside[first]]))


def _sides(signals: BodySignals, m: int) -> NDArray[np.str_]:
    side = signals.side if signals.side in ("left", "right") else "unknown"
    return np.full(m, side, dtype="<U7")


# ---------------------------------------------------------------------------------------- lower back


def _lower_back(signals: BodySignals, s: ContactsSettings, still: StillSettings) -> Contacts:
    fs = signals.fs_hz
    fz = in_g(signals.acc_ms2[:, 2])
    moving = _moving(signals, still)
    step = bandpass(fz, s.step_band_low_hz, s.step_band_high_hz, fs)
    period = _trunk_step_period_s(signals, step, s)
    peaks = find_peaks(step, distance=max(1, whole_samples(s.min_step_s, fs)), prominence=s.min_step_prominence_g)
    peaks = peaks[moving[peaks]]
    heights = step[peaks]
    candidates = peaks.astype(np.int64)
    peaks = _tallest_spaced(candidates, heights, s.min_peak_spacing_periods * period[peaks] * fs)
    peaks = _fill_lost_steps(peaks, candidates, period * fs, s.trunk_step_gap_periods)
    del step, moving  # (n,) each: not read again, not held beside the edges' search (PERF-112)
    if peaks.size == 0:
        return Contacts.empty()
    edge = lowpass(fz, s.edge_cutoff_hz, fs)
    del fz
    ic, to = _flight_edges(edge, peaks, period, fs, s, signals.gap)
    return Contacts(ic_idx=ic, to_idx=to, side=np.full(ic.size, "unknown", dtype="<U7"))


#: A step of the trunk mirrors the one before across the sagittal plane: the anterior (x) and vertical (z)
#: acceleration repeat, the medio-lateral (y) sway reverses (CADENCE-1).
STEP_MIRROR = np.array([1.0, -1.0, 1.0])
#: Anterior axes known to be antero-posterior (BodySignals.anterior_source; as gyro_stretches.DECLARED_SOURCES): the
#: horizontal axis of most power found from the signal may be the sway's, or neither (a real lumbar recording,
#: GaitPy's GENEActiv demo: its step lag's x-y cross-correlation -0.74), and mirroring it lost 55 % of its steps.
MIRROR_AXIS_SOURCES = ("header", "argument")


def _trunk_step_period_s(signals: BodySignals, step: NDArray[np.float64], s: ContactsSettings) -> NDArray[np.float64]:
    """(n,) the lower back's step period (s), from the mirrored autocorrelation of the band-passed acceleration
    (``step`` its vertical): the anterior and vertical repeat each step, the sway reverses, so the step's lag
    scores where the vertical alone, lowered by a left-right difference, fell below the stride's. The horizontal
    weighs ``trunk_step_sway_fraction`` of its power where the anterior axis was declared (else the vertical alone)."""
    fs = signals.fs_hz
    weight = s.trunk_step_sway_fraction if signals.anterior_source in MIRROR_AXIS_SOURCES else 0.0
    period = local_period_s(
        step, fs, s.min_step_s, s.max_step_s, s.period_window_s, s.period_hop_s, s.trunk_step_repeat_fraction
    )
    if weight > 0.0:
        horizontal = bandpass(in_g(signals.acc_ms2[:, :2]), s.step_band_low_hz, s.step_band_high_hz, fs)
        if _mirrors_at_step(horizontal, period, fs):
            period = local_period_s(
                np.column_stack([horizontal, step]),
                fs,
                s.min_step_s,
                s.max_step_s,
                s.period_window_s,
                s.period_hop_s,
                s.trunk_step_repeat_fraction,
                STEP_MIRROR * [weight, weight, 1.0],
            )
    return np.where(np.isfinite(period), period, 0.5)


def _mirrors_at_step(horizontal: NDArray[np.float64], period_s: NDArray[np.float64], fs: float) -> bool:
    """Whether the declared axes mirror a step: summed over the samples, the product of x with x the vertical's
    local period ``period_s`` (s) ahead exceeds y's, or does at twice that period (a vertical with two humps a
    step repeats at half of it). A sensor turned by t about the vertical reads cos 2t of the true difference at
    the step (the anterior repeating, the sway reversing: positive), none from 45 deg on and reversed beyond,
    where mirroring would add the sway's reversal to the step's lag (CONTACT-5)."""
    base = np.round(np.nan_to_num(period_s, nan=0.0) * fs).astype(np.int64)
    for times in (1, 2):
        repeat = lagged_product_sums(horizontal, base, times)
        if repeat[0] > repeat[1]:
            return True
    return False


#: Samples whose lagged products :func:`lagged_product_sums` takes at once (a block, not the recording: PERF-66).
LAG_BLOCK_SAMPLES = 8192


def lagged_product_sums(x: NDArray[np.float64], lag: NDArray[np.int64], times: int = 1) -> NDArray[np.float64]:
    """(k,) sums over the samples i of ``x`` ((n, k)) with ``times * lag[i]`` > 0 and i + that < n of ``x[i] *
    x[i + times * lag[i]]``: ``np.sum(products, axis=0)``'s numbers bit for bit (a sum down the rows of a C-ordered
    (m, k) array adds them one after another, so a block's sum carried into the next adds them in the same
    order), LAG_BLOCK_SAMPLES samples at a time instead of the (m, k) products and their gathers (PERF-66). One
    column (k = 1: ``np.sum`` adds contiguous values pairwise) or values other than float64 take that whole-array
    sum itself (REVIEW-94)."""
    n, k = x.shape
    if k < 2 or x.dtype != np.float64:
        here = np.flatnonzero((times * lag > 0) & (np.arange(n) + times * lag < n))
        whole: NDArray[np.float64] = np.sum(x[here] * x[here + times * lag[here]], axis=0)
        return whole
    total: NDArray[np.float64] | None = None
    rows = np.empty((min(n, LAG_BLOCK_SAMPLES) + 1, k))
    for start in range(0, n, LAG_BLOCK_SAMPLES):
        i = np.arange(start, min(start + LAG_BLOCK_SAMPLES, n))
        step = lag[start : start + LAG_BLOCK_SAMPLES] * times
        keep = (step > 0) & (i + step < n)
        i = i[keep]
        if i.size == 0:
            continue
        block = rows[: i.size + 1]
        np.multiply(x[i], x[i + step[keep]], out=block[1:])
        if total is None:
            total = block[1:].sum(axis=0)
        else:
            block[0] = total
            total = block.sum(axis=0)
    return np.zeros(k) if total is None else total


#: Step windows searched at once, times their length in samples (PERF-20: bounds the window matrices
#: at high rates; changes no result, so not an analysis setting).
EDGE_BLOCK_SAMPLES = 1 << 17


def _flight_edges(
    edge: NDArray[np.float64],
    peaks: NDArray[np.int64],
    period: NDArray[np.float64],
    fs: float,
    s: ContactsSettings,
    gap: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """IC and TO around each step peak: flight-floor tangents in running, the collision in walking
    (``gap``: (n,) samples interpolated across a recording gap: a walking step whose single support lies
    in one has no contact, CADENCE-8).
    Searched a block of steps at a time (each step's search is its own)."""
    if peaks.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    width = int(np.maximum((0.8 * period[peaks] * fs).astype(np.int64), 2).max()) + 1
    block = max(EDGE_BLOCK_SAMPLES // width, 1)
    found = [_running_edges(edge, peaks[i : i + block], period, fs, s) for i in range(0, peaks.size, block)]
    running = np.concatenate([f[0] for f in found])
    ic_walk = np.full(peaks.size, -1, dtype=np.int64)
    walking = ~running  # the sag follows the walking steps' own frequency, not a run's (CADENCE-9)
    ic_walk[walking] = collision_onsets(
        edge,
        peaks[walking],
        period,
        fs,
        s.walk_search_fraction,
        s.walk_sag_cutoff_factor,
        after_fraction=s.walk_after_fraction,
        weak_fraction=s.walk_weak_kink_fraction,
        gap=gap,
    )
    ic = np.where(running, np.concatenate([f[1] for f in found]), ic_walk)
    to = np.where(running, np.concatenate([f[2] for f in found]), -1)
    measured = running | (ic_walk >= 0)  # a walking step whose single support lay in a gap has no contact
    ic, to = ic[measured], to[measured]
    order = np.argsort(ic, kind="stable")
    ic, to = ic[order], to[order]
    keep = np.concatenate([[True], np.diff(ic) > 0])[: ic.size]  # none left where every step lay in a gap (EDGE-176)
    return ic[keep].astype(np.int64), to[keep].astype(np.int64)


def _running_edges(
    edge: NDArray[np.float64], peaks: NDArray[np.int64], period: NDArray[np.float64], fs: float, s: ContactsSettings
) -> tuple[NDArray[np.bool_], NDArray[np.int64], NDArray[np.int64]]:
    """Per step peak of some steps: whether it runs (a flight floor on both sides), and its running IC and
    TO (the flight-floor tangents)."""
    n = edge.size
    half = np.maximum((0.8 * period[peaks] * fs).astype(np.int64), 2)
    lo = np.clip(peaks - half, 0, n - 1)
    hi = np.clip(peaks + half, 0, n - 1)
    width = int(half.max()) + 1
    offs = np.arange(width)
    # rising edge: window [lo, peak]
    rise_idx = np.minimum(lo[:, None] + offs[None, :], peaks[:, None])
    rise = edge[rise_idx]
    floor_before = rise.min(axis=1)
    fall_idx = np.minimum(peaks[:, None] + offs[None, :], hi[:, None])
    fall = edge[fall_idx]
    floor_after = fall.min(axis=1)
    running = (floor_before < s.flight_level_g) & (floor_after < s.flight_level_g)

    slope = np.diff(rise, axis=1, append=rise[:, -1:])
    k = np.argmax(slope, axis=1)
    rows = np.arange(peaks.size)
    s_k = np.maximum(slope[rows, k], 1e-9)
    ic_off = k - (rise[rows, k] - floor_before) / s_k
    kmin = np.argmin(np.where(offs[None, :] <= k[:, None], rise, np.inf), axis=1)
    ic_run = lo + np.clip(np.round(np.maximum(ic_off, kmin)), 0, None).astype(np.int64)

    dslope = np.diff(fall, axis=1, append=fall[:, -1:])
    j = np.argmin(dslope, axis=1)
    d_j = np.minimum(dslope[rows, j], -1e-9)
    to_off = j + (fall[rows, j] - floor_after) / -d_j
    jmin = np.argmin(fall, axis=1)
    to_run = peaks + np.clip(np.round(np.minimum(to_off, jmin)), 0, None).astype(np.int64)

    return running, ic_run, to_run


# ------------------------------------------------------------------------------------ foot and shank


def _limb(signals: BodySignals, s: ContactsSettings, still: StillSettings, impact: ImpactSettings) -> Contacts:
    fs = signals.fs_hz
    acc = signals.acc_ms2
    # |a| (m/s^2) taken once for the stride period, the still mask and the stance score, let go after (PERF-60)
    held = [norm_rows(acc)]

    period = _StrideBeside(held, fs, s)  # the stride period (FFTs) beside the sample scores in `analyze` (PERF-36)
    moving = _moving(signals, still, held[0])
    gyr = signals.gyr_dps
    shank = signals.placement == "shank"
    # the jerk of |a| is read by a foot's landings and without a gyroscope; a shank's are found in its world-vertical
    # jerk, so not computed there (PERF-56)
    jerk = _limb_jerk(acc, fs, s) if gyr is None or not shank else None
    rate = None if gyr is None else stance_score(acc, gyr, fs, s, held[0])
    sagittal = lowpass(gyr[:, 1], RATE_LOWPASS_HZ, fs) if shank and gyr is not None else None  # while the FFTs run
    stride = period.result()  # this thread's own scores done: it takes the period's windows left (PERF-75)
    held.clear()  # read by the period (done) and the scores: an (n,) array less from here (PERF-49)
    if rate is None or gyr is None:
        assert jerk is not None
        return _limb_acc_only(signals, jerk, moving, stride, s)

    quiet, swing_way = _quiet_points(rate, moving, stride, fs, s, sagittal, signals.gap)
    if quiet.size == 0:
        return Contacts.empty()

    def way() -> NDArray[np.float64]:  # each stance's way of turning (+1 / -1): against its swing's
        assert swing_way is not None  # the swing test's own, read at the mid-stances kept (PERF-92)
        return -swing_way

    # the landing precedes the start of the rest that holds the quiet point (standing may follow it): found among
    # the rest runs' starts, not from an (n,) running maximum of them read at the quiet points only (PERF-176)
    quiet_end = run_starts_at(rate < s.rest_level_score, quiet).astype(np.int64)
    back = np.maximum((s.landing_window_strides * stride[quiet] * fs).astype(np.int64), 2)
    width = int(back.max()) + 1
    offs = np.arange(width)
    lo = np.minimum(quiet - back, quiet_end - 2 * nearest_samples(s.rest_window_s, fs))
    idx = np.clip(lo[:, None] + offs[None, :], 0, quiet_end[:, None])
    # the toe-offs (after each mid-stance) beside the landings (before it) in `analyze`: neither reads the other
    # (PERF-38); the shank's sagittal rate is the one its mid-stances were tested with (PERF-47)
    toe_offs = Beside(lambda: _limb_toe_offs(gyr, quiet, back, stride[quiet], fs, shank, s, sagittal))
    # a rate within RATE_TOLERANCE of shank_interpolate_hz is that rate (199.99998 Hz is 200 Hz: CONTACT-13)
    slow = meets_rate(fs, s.shank_interpolate_min_hz) and not meets_rate(fs, s.shank_interpolate_hz)
    if sagittal is not None and slow:
        ic = _interpolated_landings(signals, quiet, lo, quiet_end, way(), s)
    elif sagittal is not None:
        vjerk = _vertical_jerk(acc, gyr, fs, quiet, s)
        ic = _shank_landings(vjerk, idx, _turned(sagittal, way(), idx, s), fs, s)
        del vjerk
    else:
        assert jerk is not None
        ic = _limb_landings(signals, gyr, jerk, quiet, idx, s, impact)
    to = toe_offs.result()
    ic = np.where(lo >= 0, ic, -1)  # a stance already under way when the recording starts has no landing
    order = np.argsort(ic, kind="stable")
    ic, to, quiet = ic[order], to[order], quiet[order]
    keep = np.concatenate([[True], np.diff(ic) > whole_samples(2 * s.min_step_s, fs)]) & (ic >= 0)
    ic, to, quiet = ic[keep], to[keep], quiet[keep]
    keep = _one_stance_per_swing(ic, to, rate[quiet])
    ic, to = ic[keep], to[keep]
    return Contacts(ic_idx=ic.astype(np.int64), to_idx=to.astype(np.int64), side=_sides(signals, ic.size))


class _StrideBeside:
    """A limb's stride period (s, (n,); none found: 1 s) of its |a| ``held[0]`` (m/s^2), band-passed and searched on
    another thread where :class:`Beside` starts one (PERF-36); :meth:`result` first takes the period's windows left
    with that thread (PERF-75). ``held[0]`` is read by the part, on the thread beside whenever it gets there, or in
    :meth:`result` where no thread runs it: the caller lets |a| go only after :meth:`result` (REVIEW-123). The part
    refers to its lists, not to this object: no reference cycle keeps the period alive after the caller (PERF-18's
    paused collector)."""

    def __init__(self, held: list[NDArray[np.float64]], fs: float, s: ContactsSettings) -> None:
        self._shared: list[LocalPeriod] = []  # the period's pieces, once the band-pass is done
        self._ready = threading.Event()
        shared, ready = self._shared, self._ready
        self._period = Beside(lambda: _stride_s(held, shared, ready, fs, s))

    def result(self) -> NDArray[np.float64]:
        """The stride period (s), this thread computing the pieces left where the other thread runs. Raised or not,
        the pieces, the part and its error are let go once the other thread has ended: no cycle through an error
        keeps |a| or its windows after the caller (EDGE-305)."""
        try:
            if self._period.threaded:
                self._ready.wait()
                period = next(iter(self._shared), None)  # one step: the other thread may empty the list meanwhile
                if period is not None:
                    period.work()
                del period
            return self._period.result()
        finally:
            self._period.let_go()  # waits for the other thread: no thread works on the pieces after it
            for pieces in self._shared:  # a failed piece's (the list is emptied where the period was found)
                pieces.let_go()
            self._shared.clear()


def stride_period_step(fs: float, s: ContactsSettings) -> int:
    """Samples a block of the stride period's |a| (PERF-118): the rate kept at or above ``stride_period_rate_hz`` and
    10 x ``step_band_high_hz`` (the stride band's upper edge, 2 x step_band_high_hz, 2.5 x below the lower rate's
    Nyquist frequency). A floor, not a refusal: a wider step band, valid before the setting, is read at a higher
    rate, not refused by a default it never named (REVIEW-194)."""
    return decimation_step(fs, max(s.stride_period_rate_hz, 10.0 * s.step_band_high_hz))


def _stride_s(
    held: list[NDArray[np.float64]], shared: list[LocalPeriod], ready: threading.Event, fs: float, s: ContactsSettings
) -> NDArray[np.float64]:
    """:class:`_StrideBeside`'s part: the pieces put in ``shared`` (``ready`` set) once |a| is band-passed. |a| is
    first averaged over blocks of k samples, the largest k keeping ``stride_period_rate_hz`` or above (a boxcar
    anti-alias; an |a| periodic at the stride stays so however it aliases), then band-passed and searched at that
    rate, the period put back on every sample (PERF-118)."""
    try:  # the band-passed |a| held by the pieces alone, let go once their windows are done
        step = stride_period_step(fs, s)
        step = step if held[0].shape[0] >= step else 1  # a recording shorter than one block: read as it is
        band = bandpass(block_means(held[0], step), s.step_band_low_hz, 2 * s.step_band_high_hz, fs / step)
        shared.append(_step_period(band, fs / step, s, per=2.0, parts=2, step=step, n_out=held[0].shape[0]))
        del band
    finally:
        ready.set()
    stride = shared[0].result()
    shared.clear()
    return np.where(np.isfinite(stride), stride, 1.0)


#: Interpolated samples a block of a slow shank's landing windows spans at most, margins included: bounds its copies
#: at 200 Hz on long recordings (PERF-48; changes no result, so not an analysis setting).
LANDING_BLOCK_SAMPLES = 1 << 16
#: e-folds a low-pass's transient from a block's edge decays over before that block's windows: e^-40 ~ 4e-18 of it,
#: below float64's resolution of the values it is added to (PERF-48).
EDGE_EFOLDS = 40.0


def _interpolated_landings(
    signals: BodySignals,
    quiet: NDArray[np.int64],
    lo: NDArray[np.int64],
    quiet_end: NDArray[np.int64],
    stance_way: NDArray[np.float64],
    s: ContactsSettings,
) -> NDArray[np.int64]:
    """A shank's landings (sample index) below ``shank_interpolate_hz``: each window ``lo``..``quiet_end`` before its
    mid-stance ``quiet`` searched as :func:`_limb_landings` does, in the signals interpolated (band-limited,
    dsp.upsample) by the least whole factor reaching that rate, each landing then put on the nearest recorded sample.
    The stances are the recorded rate's: only where each lands is read finer.

    A landing's impact is shorter than a slow sensor's sample interval: at 52 Hz the jerk's central difference spans
    38 ms, the 50 ms rise (two samples) reached back into the swing's own jerk, and the contacts came ~40 ms early on
    every shank row (CONTACT-9). A sensor's anti-alias filter band-limits its signal, so the samples between are what
    it would have read. Not below ``shank_interpolate_min_hz``: there a backward walk's swing reversal in the air and
    its touch (60-90 ms apart) lie within two samples, and the interpolated signal blends them.

    Only the windows are interpolated, a block of them at a time (at most ``LANDING_BLOCK_SAMPLES`` interpolated
    samples), each block with :func:`_landing_margin` on either side, so that they read as in the whole recording
    interpolated: the 208 Hz copies of a 52 Hz hour were 4 x its arrays (PERF-48)."""
    assert signals.gyr_dps is not None
    fs, n = signals.fs_hz, signals.n_samples
    k = interpolation_factor(fs, s)
    margin = _landing_margin(fs, s)
    # blocks of windows (ordered by start), each interpolated with its margins: never the whole recording (PERF-48)
    order = np.argsort(lo, kind="stable")
    first = np.maximum(lo[order] - margin, 0)
    last = np.minimum(np.maximum.accumulate(quiet_end[order]) + margin + 1, n)
    span = max(1, LANDING_BLOCK_SAMPLES // k)  # recorded samples of a block
    ic = np.empty(quiet.size, dtype=np.int64)
    i = 0
    while i < order.size:
        j = max(i + 1, int(np.searchsorted(last, first[i] + span, "right")))
        a, b, rows = int(first[i]), int(last[j - 1]), order[i:j]
        rests = quiet[(quiet >= a) & (quiet < b)] - a
        acc = upsample(signals.acc_ms2[a:b], k)
        gyr = upsample(signals.gyr_dps[a:b], k)
        start, end = lo[rows] * k, quiet_end[rows] * k
        width = int((end - start).max()) + 1
        idx = np.clip(start[:, None] + np.arange(width)[None, :], 0, end[:, None]) - a * k
        turned = _turned(lowpass(gyr[:, 1], RATE_LOWPASS_HZ, fs * k), stance_way[rows], idx, s)
        vjerk = _vertical_jerk(acc, gyr, fs * k, rests * k, s)
        del acc, gyr
        ic[rows] = a * k + _shank_landings(vjerk, idx, turned, fs * k, s)
        i = j
    return np.minimum(np.round(ic / k), n - 1).astype(np.int64)


def _limb_jerk(acc: NDArray[np.float64], fs: float, s: ContactsSettings) -> NDArray[np.float64]:
    """(n,) magnitude of a limb's jerk (m/s^3), the acceleration low-passed at ``impact_cutoff_hz``."""
    jerk = gradient_norm_rows(lowpass(acc, s.impact_cutoff_hz, fs))
    jerk *= fs
    return jerk


def interpolation_factor(fs: float, s: ContactsSettings) -> int:
    """The least whole factor whose rate meets ``shank_interpolate_hz`` as rates are compared (``meets_rate``, the
    1 % tolerance that tells which shank is slow, CONTACT-13): 99.5 Hz x 2 = 199 Hz meets 200 Hz, so 2, as at
    100 Hz (REVIEW-135)."""
    k = max(1, math.ceil(s.shank_interpolate_hz * (1.0 - RATE_TOLERANCE) / fs))
    while not meets_rate(k * fs, s.shank_interpolate_hz):
        k += 1
    while k > 1 and meets_rate((k - 1) * fs, s.shank_interpolate_hz):
        k -= 1
    return k


def _landing_margin(fs: float, s: ContactsSettings) -> int:
    """Recorded samples read on either side of a slow shank's landing windows so that they read as in the whole
    recording: a stride (its pitch is integrated from rest to rest), the low-passes' transients from the block's
    edge (decayed by EDGE_EFOLDS e-folds at the lower cutoff; a 2nd-order Butterworth's decay rate is
    2 pi fc / sqrt 2), the impact onset's look back and the interpolation filter's reach. A bound meant to be
    enough: rounded up plainly, not with a clock's tolerance (that is for a window meant to be a round duration;
    at 50 Hz it took 160.01 samples for 160: CONTACT-16)."""
    cutoff = min(s.impact_cutoff_hz, RATE_LOWPASS_HZ)
    settle_s = EDGE_EFOLDS * math.sqrt(2.0) / (2.0 * math.pi * cutoff)
    return math.ceil((MAX_STRIDE_S + settle_s + 2 * s.impact_rise_s) * fs) + HALF_LENGTH + 1


def _vertical_jerk(
    acc: NDArray[np.float64], gyr: NDArray[np.float64], fs: float, rests: NDArray[np.int64], s: ContactsSettings
) -> NDArray[np.float64]:
    """(n,) magnitude of a limb's world-vertical jerk (m/s^3) between its ``rests``, low-passed at
    ``impact_cutoff_hz``."""
    up, _ = world_vertical_motion(acc, gyr, fs, rests, with_velocity=False)
    up = lowpass(up, s.impact_cutoff_hz, fs)
    vjerk = gradient(up)
    np.abs(vjerk, out=vjerk)
    vjerk *= fs
    return vjerk


def _shank_landings(
    vjerk: NDArray[np.float64],
    idx: NDArray[np.int64],
    turned: NDArray[np.bool_] | None,
    fs: float,
    s: ContactsSettings,
) -> NDArray[np.int64]:
    """A shank's landing in each window ``idx``: the onset of its sharpest vertical-jerk burst (``vjerk``, m/s^3)
    where ``turned`` (all the window if None), read from the burst's first lobe.

    An impact's jerk is an oscillation: |jerk| has its rise and its fall as two lobes of near-equal height ~17 ms
    apart, and where the samples fall decided which was the sharpest and whether the trough between them was sampled
    below the onset's 15 %, the onset then walking back to one lobe's start or the other's (a 2.5 ms later reading
    moved 40 % of the contacts by > 10 ms: CONTACT-14, CONTACT-20). So the burst starts at its
    earliest local peak reaching ``shank_lobe_fraction`` of the sharpest within ``impact_rise_s`` before it
    (the sharpest itself where none does), whichever lobe the samples make the sharpest (CONTACT-17); a lobe is a
    peak of the jerk itself, not of the window cut where the swing's reversal ends (REVIEW-157). The onset
    is read at ``shank_onset_fraction`` of that lobe: the jerk steps up at the touch, and the zero-phase low-pass
    at ``impact_cutoff_hz`` spreads a step evenly about it, its half-height at the step (CONTACT-18)."""
    jerk = vjerk[idx]
    score = jerk if turned is None else np.where(turned, jerk, -1.0)
    rows = np.arange(idx.shape[0])
    top = np.argmax(score, axis=1)
    rise = whole_samples(s.impact_rise_s, fs)
    cols = np.arange(score.shape[1])[None, :]
    lobe = np.zeros(score.shape, dtype=bool)
    # the first turned sample on the falling tail of the reversal's own burst is no lobe of the impact (REVIEW-157)
    lobe[:, 1:-1] = (jerk[:, 1:-1] >= jerk[:, :-2]) & (jerk[:, 1:-1] > jerk[:, 2:]) & (score[:, 1:-1] > 0)
    del jerk
    lobe &= score >= s.shank_lobe_fraction * score[rows, top][:, None]
    lobe &= (cols >= top[:, None] - rise) & (cols <= top[:, None])
    first = np.where(lobe.any(axis=1), np.argmax(lobe, axis=1), top)
    return _impact_onset(vjerk, idx[rows, first], rise, s, s.shank_onset_fraction)


def _limb_acc_only(
    signals: BodySignals,
    jerk: NDArray[np.float64],
    moving: NDArray[np.bool_],
    stride: NDArray[np.float64],
    s: ContactsSettings,
) -> Contacts:
    """Foot/shank without gyroscope: IC = onset of the largest jerk per stride, TO unknown."""
    fs = signals.fs_hz
    peaks = find_peaks(lowpass(jerk, 10.0, fs), distance=max(1, whole_samples(2 * s.min_step_s, fs)))
    peaks = peaks[moving[peaks]].astype(np.int64)
    peaks = _spaced(peaks, jerk[peaks], s.min_peak_spacing_periods * stride[peaks] * fs)
    rise = whole_samples(s.impact_rise_s, fs)
    peaks = np.asarray([_local_max(jerk, int(p), rise) for p in peaks], dtype=np.int64)
    ic = _impact_onset(jerk, peaks, rise, s)
    return Contacts(ic_idx=ic, to_idx=np.full(ic.size, -1, np.int64), side=_sides(signals, ic.size))


def _shank_swinging(
    sagittal_dps: NDArray[np.float64],
    at: NDArray[np.int64],
    stride_s: NDArray[np.float64],
    fs: float,
    s: ContactsSettings,
    way: NDArray[np.float64] | None = None,
) -> NDArray[np.bool_]:
    """Mask of the samples ``at`` where a shank turns the swing's way faster than ``shank_swing_rate_dps``
    (``way``: :func:`_swing_way` at ``at``, where the caller has it).

    Stance and swing rotate the shank opposite ways in either direction of travel (in stance the knee
    passes over the planted foot; in swing the foot passes under the knee; Aminian et al. 2002), and the
    swing turns fastest: the swing's way is the sign of the largest sagittal rate (``sagittal_dps``, deg/s)
    within half a local stride (``stride_s``, s per sample) either side. A running shank is never at rest:
    its rest score's least value of a stride may lie just after toe-off, where the swing has begun but the
    accelerometer reads about 1 g (CONTACT-4); a mid-stance there puts the landing a whole stance late.
    """
    if at.size == 0:
        return np.zeros(0, dtype=bool)
    n = sagittal_dps.size
    way = _swing_way(sagittal_dps, at, stride_s, fs) if way is None else way
    # the swing ends turning back before the touch: a mid-stance comes ``shank_swing_end_s`` after its last fast turn
    recent = np.clip(at[:, None] - np.arange(max(1, nearest_samples(s.shank_swing_end_s, fs)) + 1)[None, :], 0, n - 1)
    return np.asarray((way[:, None] * sagittal_dps[recent]).max(axis=1) > s.shank_swing_rate_dps)


def _swing_way(
    sagittal_dps: NDArray[np.float64], at: NDArray[np.int64], stride_s: NDArray[np.float64], fs: float
) -> NDArray[np.float64]:
    """(m,) the sign (+1 / -1) a shank's sagittal rate (``sagittal_dps``, deg/s) has in its swing near each sample
    ``at``: the sign of the largest rate within half a local stride (``stride_s``, s per sample) either side (the
    swing turns fastest). Gathered in bounded blocks of windows (PERF-20, CONTACT-6), each as wide as its own widest
    window: a window's samples past its end repeat its last, which cannot be the first largest (PERF-92)."""
    n = sagittal_dps.size
    half = np.maximum((stride_s[at] * fs / 2).astype(np.int64), 1)
    lo, hi = np.maximum(at - half, 0), np.minimum(at + half, n - 1)
    way = np.empty(at.size)
    if at.size == 0:
        return way
    offsets = np.arange(2 * int(half.max()) + 1)
    rows = max(1, WINDOW_BLOCK_SAMPLES // offsets.size)  # a stride's window each, in bounded blocks (PERF-20)

    def ways(start: int, stop: int) -> None:  # the blocks from ``start`` (a multiple of ``rows``) to ``stop``
        for first in range(start, stop, rows):
            part = slice(first, min(first + rows, stop))
            width = 2 * int(half[part].max()) + 1
            seg = sagittal_dps[np.clip(lo[part, None] + offsets[None, :width], None, hi[part, None])]
            way[part] = np.sign(seg[np.arange(seg.shape[0]), np.argmax(np.abs(seg), axis=1)])

    # each window's way reads only its own samples: the halves of the blocks on two cores where one is free (PERF-159)
    in_halves(ways, at.size, align=rows, row_values=offsets.size)
    return way


def _quiet_points(
    rate: NDArray[np.float64],
    moving: NDArray[np.bool_],
    stride: NDArray[np.float64],
    fs: float,
    s: ContactsSettings,
    shank_sagittal_dps: NDArray[np.float64] | None = None,
    gap: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.float64] | None]:
    """Mid-stance sample of each stride: the prominent minima of the rest score ``rate`` (one per
    ``min_peak_spacing_periods`` strides) with movement in the ``landing_window_strides`` before them.
    A shank's (its sagittal rate ``shank_sagittal_dps`` given, deg/s) are never where it swings
    (:func:`_shank_swinging`): those are dropped before the nearer minima give way to the lower. A minimum
    inside a recording gap (``gap``: (n,) interpolated samples) is no measured stance: a gap over the first
    swing from standing reads as rest, and its landing window put a contact on the push-off (CONTACT-11).
    With them, a shank's swing way (:func:`_swing_way`, +1 / -1) at each: the swing test's own numbers at the
    candidates kept, the same inputs, not taken again (PERF-92); None without ``shank_sagittal_dps``."""
    # the recording may end (or start) standing on a stance: pad so that its rest still is a minimum
    padded = np.empty(rate.size + 2)
    np.negative(rate, out=padded[1:-1])
    padded[0] = padded[-1] = -rate.max()
    distance = max(1, whole_samples(2 * s.min_step_s, fs))
    ways = None  # a shank's swing way at each of ``quiet`` (kept alongside while the candidates are many)
    if shank_sagittal_dps is None:
        quiet = find_peaks(padded, distance=distance, prominence=s.min_stance_prominence_score)
    else:
        # find_peaks' own steps, the swinging minima left out first: the nearer minima give way to the lower,
        # then the prominence test (each minimum's prominence is the signal's, whichever others are kept)
        maxima = local_maxima(padded)  # the prominence test below reads them too (PERF-177)
        at = maxima - 1
        ways = _swing_way(shank_sagittal_dps, at, stride, fs)
        kept = ~_shank_swinging(shank_sagittal_dps, at, stride, fs, s, ways)
        quiet, ways = at[kept] + 1, ways[kept]
        del at, kept
        if quiet.size > 1:
            kept = select_by_distance(quiet, padded[quiet], distance)
            quiet, ways = quiet[kept], ways[kept]
        kept = peak_prominences(padded, quiet, maxima) >= s.min_stance_prominence_score
        del maxima
        quiet, ways = quiet[kept], ways[kept]
    quiet = quiet - 1
    candidates = quiet  # increasing: each mid-stance kept is found among them by searchsorted
    del padded
    if gap is not None:
        quiet = quiet[~gap[quiet]]
    quiet = quiet[~_leaving_rest(rate, quiet, fs, s)]
    # a stance on which the wearer stops and stands is still, but the stride landing on it moved
    reach = (s.landing_window_strides * stride[quiet] * fs).astype(np.int64)
    ends, starts = counts_before(moving, np.stack([quiet + 1, np.maximum(quiet - reach, 0)]))  # PERF-164
    quiet = quiet[ends - starts > 0].astype(np.int64)
    quiet = _spaced(quiet, -rate[quiet], s.min_peak_spacing_periods * stride[quiet] * fs)
    return quiet, None if ways is None else ways[np.searchsorted(candidates, quiet)]


def _leaving_rest(
    rate: NDArray[np.float64], quiet: NDArray[np.int64], fs: float, s: ContactsSettings
) -> NDArray[np.bool_]:
    """Mask of the minima ``quiet`` of the rest score ``rate`` that lie in the motion leaving a rest (CONTACT-10).

    A limb that leaves a rest (the score below ``rest_level_score``) lands again no sooner than the shortest
    stride, 2 ``min_step_s``, and a stance whose least score is not at rest follows the previous stance's rest
    by about a stride. A minimum not at rest less than that after the limb was at rest is therefore a lull of
    the motion leaving it: the push-off and first swing from standing (the rotation reversing from plantar-
    to dorsiflexion), or the shank of the standing leg tilting forward as the other leg steps off. Taken for a
    stance, its landing window reaches back into the standing and puts a contact on the push-off, 0.45 s
    before the bout's first landing, which the shortest stride then drops as too close. A minimum followed by
    a rest within the shortest step (``min_step_s``) is kept: that is a short step settling into standing (a
    closing step of 0.35 s whose stance's own rest minimum lies too late to count as moved).
    """
    rest = rate < s.rest_level_score
    reach = max(1, whole_samples(2 * s.min_step_s, fs))
    soon = max(1, whole_samples(s.min_step_s, fs))
    # the running count of rest read at the minima and a stride before and a shortest step after them (PERF-164)
    at, before, after = counts_before(
        rest, np.stack([quiet, np.maximum(quiet - reach, 0), np.minimum(quiet + soon, rate.size)])
    )
    recent = at - before > 0  # at rest somewhere in the stride before
    settles = after - at > 0  # at rest within a shortest step after
    return np.asarray(recent & ~rest[quiet] & ~settles)


def _one_stance_per_swing(
    ic: NDArray[np.int64], to: NDArray[np.int64], score: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Mask of the stances to keep (time order): a leg lands only after it has left the ground.

    A landing found before the previous stance's toe-off is not a new stance: its "mid-stance" was a
    brief lull of the rest score inside the swing (e.g. at the swing's rate peak when the local stride
    estimate still holds the faster gait of a coming bout), and the landing searched before it falls
    on the previous stance. Of two such stances the one whose quiet point is less at rest (higher
    ``score``, dimensionless) is dropped.
    """
    # only a stance landing by its predecessor's toe-off starts a conflict: the pass visits those and the stances
    # a dropped one leaves judged against an earlier stance, not every stance (PERF-174); over Python lists, so a
    # recording of conflicts only is no slower than the one pass over every stance before (REVIEW-280)
    starts = np.flatnonzero((to[:-1] >= 0) & (ic[1:] <= to[:-1])) + 1
    if starts.size == 0:
        return np.ones(ic.size, dtype=bool)
    conflicts, k = starts.tolist(), 0  # the next conflict start not passed yet: each passed once (REVIEW-280)
    land, off, rest = _walked((ic, to, score), starts.size)
    keep = np.ones(ic.size, dtype=bool)
    last, i = -1, 0
    while i < len(land):
        if last == i - 1:  # each stance kept and followed by one landing after its toe-off, up to the next conflict
            while k < len(conflicts) and conflicts[k] < i:
                k += 1
            if k == len(conflicts):
                break
            i = conflicts[k]
            last = i - 1
        if last >= 0 and off[last] >= 0 and land[i] <= off[last]:
            if rest[i] >= rest[last]:
                keep[i] = False
                i += 1
                continue
            keep[last] = False
        last, i = i, i + 1
    return keep


def _limb_landings(
    signals: BodySignals,
    gyr_dps: NDArray[np.float64],
    jerk: NDArray[np.float64],
    quiet: NDArray[np.int64],
    idx: NDArray[np.int64],
    s: ContactsSettings,
    impact: ImpactSettings | None = None,
) -> NDArray[np.int64]:
    """A foot's initial contact (sample index) of the landing in each search window ``idx`` (rows: stances).

    A landing is where the ground stops the segment's DESCENT, so the vertical (world-frame)
    acceleration is used, not the vector norm: late-swing horizontal braking (leg retraction,
    several g in the air) must not be taken for the landing. Foot: the vertical velocity between
    the zero-velocity rests (world_vertical_motion) tells how the foot meets the ground. A foot
    falling faster than ``fall_speed_ms`` (running) is stopped by the ground: the landing is the largest
    upward acceleration up to where the descent ends (the foot last moves down faster than
    ``descent_speed_ms``), no more than ``landing_search_s`` before that, its onset from the vertical jerk.
    A foot lowered slowly (walking) has no such peak; its landing is the sharpest jerk of the window.
    An impact found well after a sole point came to rest is the heel dropping onto a planted
    forefoot, not the touch (foot_landing.first_touch). A shank's (no zero-velocity rest, so no velocity) are
    :func:`_shank_landings`.
    """
    fs = signals.fs_hz
    acc = signals.acc_ms2
    n, rise, rows = acc.shape[0], whole_samples(s.impact_rise_s, fs), np.arange(quiet.size)
    up, vel = world_vertical_motion(acc, gyr_dps, fs, quiet, with_velocity=True)
    assert vel is not None
    up = lowpass(up, s.impact_cutoff_hz, fs)
    vjerk = np.abs(gradient(up)) * fs
    width = idx.shape[1]
    offs = np.arange(width)
    v = np.where(np.isfinite(vel[idx]), vel[idx], 0.0)
    descending: NDArray[np.bool_] = np.asarray(v < -s.descent_speed_ms)
    has: NDArray[np.bool_] = np.asarray(descending.any(axis=1))
    arrest = np.where(has, width - np.argmax(descending[:, ::-1], axis=1), width - 1)
    early = (offs[None, :] < (arrest - nearest_samples(s.landing_search_s, fs))[:, None]) & has[:, None]
    outside = early | (offs[None, :] > arrest[:, None])
    stop_at = idx[rows, np.argmax(np.where(outside, -np.inf, up[idx]), axis=1)]
    before = np.clip(stop_at[:, None] + np.arange(-rise, 1)[None, :], 0, n - 1)
    ic_fall = _impact_onset(vjerk, before[rows, np.argmax(vjerk[before], axis=1)], rise, s)
    ic_lowered = _impact_onset(jerk, idx[rows, np.argmax(jerk[idx], axis=1)], rise, s)
    ic = np.where(v.min(axis=1) < -s.fall_speed_ms, ic_fall, ic_lowered).astype(np.int64)
    del up, vel, vjerk, v  # freed before the sole's speed is integrated (PERF-20)
    return first_touch(acc, gyr_dps, fs, quiet, idx, ic, s, impact)


def _turned(
    sagittal_dps: NDArray[np.float64] | None,
    stance_way: NDArray[np.float64] | None,
    idx: NDArray[np.int64],
    s: ContactsSettings,
) -> NDArray[np.bool_] | None:
    """(stances, window) the samples of each landing window ``idx`` from the end of the swing's reversal on: the
    first where a shank's sagittal rate (``sagittal_dps``, deg/s) turns the stance's way (``stance_way``, +1 / -1
    per stance) at ``shank_touch_rate_dps`` or more after it last turned the swing's way faster than
    ``shank_swing_rate_dps``. A window without such a reversal (a side-step's swing dies out into the touch) is
    left whole. None without a shank.

    The foot touches at the end of the swing's reversal: the shank swings one way, turns back in late swing and
    lands turning the stance's way (the knee passing over the planted foot), in either direction of travel
    (Aminian et al. 2002: the contact at the rate's minimum after the swing's peak). A backward walk's reversal
    is fast (4-6 x 10^3 deg/s^2 in the simulator) and its vertical jerk in the air rivals a soft toe touch's;
    there the rate has only begun to turn (CONTACT-8)."""
    if sagittal_dps is None or stance_way is None:
        return None
    rate = stance_way[:, None] * sagittal_dps[idx]
    width = idx.shape[1]
    cols = np.arange(width)
    swinging = rate < -s.shank_swing_rate_dps
    last_swing = np.where(swinging.any(axis=1), width - 1 - np.argmax(swinging[:, ::-1], axis=1), -1)
    reversed_ = (rate >= s.shank_touch_rate_dps) & (cols[None, :] > last_swing[:, None])
    start = np.where(reversed_.any(axis=1), np.argmax(reversed_, axis=1), 0)
    return np.asarray(cols[None, :] >= start[:, None])


def _limb_toe_offs(
    gyr_dps: NDArray[np.float64],
    quiet: NDArray[np.int64],
    back: NDArray[np.int64],
    stride_s: NDArray[np.float64],
    fs: float,
    shank: bool,
    s: ContactsSettings,
    sagittal: NDArray[np.float64] | None = None,
) -> NDArray[np.int64]:
    """Toe-off after each mid-stance (sample index, -1 if none) from the rate (deg/s) the leg swings at,
    searched over ``back`` samples after it (the landing window's length). ``sagittal``: the sagittal rate
    low-passed at ``RATE_LOWPASS_HZ`` where the caller has it (the shank's swing test), else filtered here.

    Foot: the last push of the stance, the first strong sagittal-rotation peak after mid-stance. Shank:
    the stance rotation ends where the rate, before reversing into the swing, peaks with the sign
    opposite to the swing's largest rate (Aminian et al. 2002, Salarian et al. 2004: the minimum
    before the mid-swing peak). This holds both ways: backward walking's heel leaves the ground at
    the end of the stance rotation, not at the first swing peak. Where a shank's sagittal rate shows
    no toe-off there, the search goes on about the axis its stride rotates about (swing_axis.py) for up
    to ``shank_toe_off_window_strides`` of its stride (``stride_s``, s) and never past the next
    mid-stance (a toe-off comes before the next stance): a long stance after an early mid-stance
    (slow walking, side-steps), or a leg that swings sideways (abduction), whose sagittal rate is too
    small to show its toe-off. The default is chosen on the simulator (DIRECTION-12): its side-steps
    need 0.7 stride, a whole stride finds a false toe-off where a runner stops and then pivots.
    """
    n = gyr_dps.shape[0]
    sagittal = lowpass(gyr_dps[:, 1], RATE_LOWPASS_HZ, fs) if sagittal is None else sagittal
    offset = _toe_off_offsets(sagittal[_ahead(quiet, back, n)], shank, s)
    missing = np.flatnonzero(offset < 0) if shank else np.zeros(0, dtype=np.int64)
    if missing.size:
        q = quiet[missing]
        # a toe-off comes before the next stance: never search past the next mid-stance
        later = np.sort(quiet)
        k = np.searchsorted(later, q, side="right")
        next_quiet = np.where(k < later.size, later[np.minimum(k, later.size - 1)], n)
        window = np.minimum((s.shank_toe_off_window_strides * stride_s[missing] * fs).astype(np.int64), next_quiet - q)
        ahead = np.maximum(window, back[missing])
        rates = rates_about(gyr_dps, _ahead(q, ahead, n), swing_axes(gyr_dps, q, q + ahead), fs, {1: sagittal})
        offset[missing] = _toe_off_offsets(rates, shank, s)
    return np.where(offset >= 0, quiet + offset, -1).astype(np.int64)


def _ahead(start: NDArray[np.int64], length: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    """(m, max length + 1) sample indices from each start over its length, held at its end (or n - 1)."""
    offs = np.arange(int(length.max()) + 1)
    return np.clip(start[:, None] + offs[None, :], None, np.minimum(start + length, n - 1)[:, None])


def _toe_off_offsets(signed: NDArray[np.float64], shank: bool, s: ContactsSettings) -> NDArray[np.int64]:
    """Per row of rates (deg/s) after a mid-stance, the offset of the toe-off (see _limb_toe_offs), or -1."""
    seg = np.abs(signed)
    swing_max = seg.max(axis=1)
    is_peak = np.zeros_like(seg, dtype=bool)
    is_peak[:, 1:-1] = (seg[:, 1:-1] >= seg[:, :-2]) & (seg[:, 1:-1] > seg[:, 2:])
    strong = is_peak & (seg >= s.toe_off_peak_fraction * swing_max[:, None])
    first = np.argmax(strong, axis=1)
    found = strong.any(axis=1) & (swing_max > 50.0)
    if shank:
        rows = np.arange(signed.shape[0])
        top = np.argmax(seg, axis=1)
        sign = np.sign(signed[rows, top])
        against = np.where(np.arange(signed.shape[1])[None, :] < top[:, None], -sign[:, None] * signed, -np.inf)
        k = np.argmax(against, axis=1)
        has = against[rows, k] > s.toe_off_min_rate_dps
        first = np.where(has, k, first)
    return np.where(found, first, -1).astype(np.int64)


def stance_score(
    acc_ms2: NDArray[np.float64],
    gyr_dps: NDArray[np.float64],
    fs: float,
    settings: ContactsSettings = ContactsSettings(),
    acc_norm: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """(n,) dimensionless distance from rest: the largest |(|a| - g)| / ``rest_acc_scale_ms2`` +
    |w| / ``rest_rate_scale_dps`` within ``rest_window_s`` around each sample.

    A foot in mid-stance is still (only gravity in the accelerometer, no rotation: the zero-velocity
    conditions of Skog et al. 2010); a shank rotates over the fixed ankle, so its accelerometer near
    the ankle still reads about 1 g. A rate zero-crossing in swing is not rest: the segment is then
    accelerating, which the first term catches; a swing moment where |a| passes g is not rest either:
    the segment rotates then, which the second term catches. Taking the largest value over a short
    window asks for the whole window to be quiet, so a momentary coincidence does not count. The window
    holds at least two samples (RATE-5): below 37.5 Hz ``rest_window_s`` rounds to one sample, which
    asks nothing, and a single sample on a swing's rate zero-crossing (or on the running shank's brief
    stance dip) then passed for rest. ``acc_norm``: ``norm_rows(acc_ms2)`` where already taken (not changed here).
    """
    acc_dev = (
        np.abs((norm_rows(acc_ms2) if acc_norm is None else acc_norm) - STANDARD_GRAVITY_MS2)
        / settings.rest_acc_scale_ms2
    )
    rate = norm_rows(gyr_dps) / settings.rest_rate_scale_dps
    size = max(2, nearest_samples(settings.rest_window_s, fs))
    return running_max(acc_dev + rate, size)


def _impact_onset(
    jerk: NDArray[np.float64],
    peak: NDArray[np.int64],
    rise: int,
    settings: ContactsSettings = ContactsSettings(),
    onset_fraction: float | None = None,
) -> NDArray[np.int64]:
    """Start of the jerk burst that ends in each peak, at most ``rise`` samples before it.

    Walking back from the peak, the burst starts after the last sample below ``onset_fraction`` (default
    ``impact_onset_fraction``) of the peak, or at a trough below ``impact_dip_fraction`` of it: a late-swing
    deceleration just before landing is a separate burst, not part of the impact. Without either, the impact rose
    for the whole ``rise`` (onset ``rise`` before the peak) if the swing was quiet before that; if it was not, the
    landing ends a sustained deceleration without a transient of its own (a gentle toe landing) and the contact is
    the peak, where that deceleration stops.
    """
    fraction = settings.impact_onset_fraction if onset_fraction is None else onset_fraction
    offs = np.arange(-rise, 1)
    idx = np.clip(peak[:, None] + offs[None, :], 0, jerk.size - 1)
    seg = jerk[idx]
    below = seg < fraction * jerk[peak][:, None]
    dip = np.zeros_like(below)  # a clear trough between two bursts
    dip[:, 1:-1] = (seg[:, 1:-1] <= seg[:, :-2]) & (seg[:, 1:-1] < seg[:, 2:])
    dip &= seg < settings.impact_dip_fraction * jerk[peak][:, None]
    stop = below | dip
    last = rise - np.argmax(stop[:, ::-1], axis=1)  # last stop before the peak
    # no stop within the rise: a long impact rising from a quiet swing starts about ``rise`` before
    # its peak; with no quiet in the ``rise`` before that either, there is no impact onset to find
    # (a gentle landing ending a sustained deceleration): the contact is where it ends, the peak
    early = np.clip(peak[:, None] - rise + np.arange(-rise, 0)[None, :], 0, jerk.size - 1)
    quiet_before = (jerk[early] < fraction * jerk[peak][:, None]).any(axis=1)
    onset = np.where(stop.any(axis=1), last + below[np.arange(peak.size), last], np.where(quiet_before, 0, rise))
    return np.asarray(idx[np.arange(peak.size), np.clip(onset, 0, rise)], dtype=np.int64)


def _first_strong_peak(seg: NDArray[np.float64], fraction: float) -> NDArray[np.int64]:
    """Per row, the column of the first local maximum reaching ``fraction`` of the row's maximum."""
    top = seg.max(axis=1, keepdims=True)
    peak = np.zeros(seg.shape, dtype=bool)
    peak[:, 1:-1] = (seg[:, 1:-1] >= seg[:, :-2]) & (seg[:, 1:-1] > seg[:, 2:])
    peak[:, -1] = seg[:, -1] > seg[:, -2]
    peak &= seg >= fraction * top
    return np.where(peak.any(axis=1), np.argmax(peak, axis=1), np.argmax(seg, axis=1)).astype(np.int64)


def _local_max(x: NDArray[np.float64], i: int, half: int) -> int:
    lo, hi = max(0, i - half), min(x.size, i + half + 1)
    return lo + int(np.argmax(x[lo:hi]))
