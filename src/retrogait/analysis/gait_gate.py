"""Not gait is not steps: the physical checks every run of detected contacts must pass (docs/analysis.md).

Contact detectors find landing-like events; noise, handling, vibration or a sensor put down can
produce such events too. Contacts are grouped into runs (consecutive contacts no further apart than a
bout allows, no standing between them). A run is gait only if

* **its cadence is plausible**: its step lies between the shortest and the longest step (one leg's
  contacts: stride). The step is the median interval; on a phone half the median stride, two consecutive
  intervals (``median_step``): a pocket sees one leg's landing strongly and the other's displaced, so its
  intervals can alternate short and long, and a gait's regularity is its stride's (PHONE-26);
* **it does not repeat faster than anyone steps**: a strong autocorrelation peak of its movement at a
  lag below the shortest step, stronger than the stride's own repetition, is shaking or vibration
  (``max_fast_correlation``);
* **the sensor moves between landings**: a walking body segment is never quiet for long; a sensor
  quiet for most of the run is lying somewhere, knocked now and then (``max_quiet_fraction``);
* **the signal repeats at the rhythm the contacts give**: the autocorrelation of the run's step-band
  |a| has a local peak within ``lag_tolerance_fraction`` of the contacts' step (as above; on a phone, or of their
  median interval: REVIEW-148) reaching ``min_periodicity_correlation`` — at the trunk every step repeats (both legs
  load it alike), on one leg every stride, and a phone may see one leg only, so either (``periodicity``). This
  reads the signal, not the contacts' exact times: a detector's landing time may jitter by tens of ms from step to step
  (a heel contact here, a flat-foot kink there) without changing the verdict;
* **its strides are regular**: the robust coefficient of variation of the stride durations stays
  below ``max_stride_cv_ratio`` (``stride_cv``; a detector's timing jitter of +-50 ms adds < 0.05);
* a run too short to hold two strides is kept only next to a run that is gait (the landing a walker
  stops on after a pause), never on its own (a bump on a table).

A run that fails is judged again piece by piece where its gait changes kind without a pause — walking into
running or back, told by the flight phase the contact detector finds (``gait_kind_cuts``) — or where its
stride period changes (``rhythm_cuts``: a side-step straight into a faster walk), and each piece lasting
``min_gait_kind_strides`` strides is kept when it passes every check on its own (beside a change of
rhythm, the piece across it too): a walk and a run have different step periods, so the whole run's stride
CV and its repetition at one median interval mix two rhythms that are each regular. A piece's signal is
read within its own gait and clipped (:func:`periodicity`).

Dropped contacts are counted in a note. The magnitude |a| is used, so no frame is needed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.filters import bandpass, in_g
from retrogait.analysis.periodicity import MAD_TO_STD, pearson_by_lag, robust_clip
from retrogait.analysis.settings import ContactsSettings, GaitGateSettings, StillSettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.still import still_masks_of_norm
from retrogait.analysis.vectors import gate_norm_rows
from retrogait.conventions import STEP_COUNT_PLACEMENTS
from retrogait.samples import nearest_samples

#: The run's signal is analysed decimated to about this rate (Hz): the step band ends at a few Hz.
CYCLE_RATE_HZ = 50.0
#: Shortest lag (samples at CYCLE_RATE_HZ) searched for a repetition faster than any step.
FAST_MIN_LAG_SAMPLES = 3
#: An interval within this share of a whole number of median intervals is that many steps (missed landings).
MISSED_TOLERANCE = 0.15
#: Why a run was dropped, as the note says it.
REASONS = {
    "cadence": "the cadence is outside any gait's",
    "fast": "the movement repeats faster than anyone steps (shaking or vibration)",
    "quiet": "the sensor is quiet between them (lying somewhere, knocked), not carried by a walk",
    "aperiodic": "the movement does not repeat at their rhythm (handling, vibration or noise, not gait)",
    "irregular": "their strides vary more than any walk's (handling, vibration or noise, not gait)",
    "isolated": "they stand alone, too few to be a stride (a bump, not a walk)",
}


@dataclass(frozen=True)
class GateResult:
    """Which contacts are gait.

    Attributes:
        keep: (m,) True for contacts in runs that pass every check.
        notes: one line per reason contacts were dropped (empty when none were).
    """

    keep: NDArray[np.bool_]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class RunMeasures:
    """What the gate measured on each run of contacts (NaN for runs too short to hold two strides).

    Attributes:
        starts, ends: (runs,) the run's first contact and one past its last (contact indices).
        first, last: (runs,) sample indices of its first and last contact.
        interval_s: its step (s): the median interval between its contacts, a phone's half its median stride
            (:func:`median_step`).
        fast_r: highest autocorrelation peak of its movement faster than the shortest step (-1: none).
        stride_r: its movement's correlation one stride later.
        held_r: its stride's repetition that counts against the fast one: on a phone whose fast repetition
            reaches ``max_fast_correlation``, the lowest of stride_r and the correlations half the fast period either
            side (:func:`held_repeat`), else stride_r.
        quiet_fraction: share of it during which the sensor is quiet.
        periodicity: how strongly its step-band |a| repeats at its contacts' rhythm (:func:`periodicity`).
        stride_cv: robust coefficient of variation of its strides (:func:`stride_cv`).
        pieces: the same measures of the pieces of the runs that change gait kind (``gait_kind_cuts``) or
            rhythm (``rhythm_cuts``; None when none does).
        rhythm_start, rhythm_end: of pieces, (pieces,) True where the piece starts / ends at a rhythm cut.
    """

    starts: NDArray[np.int64]
    ends: NDArray[np.int64]
    first: NDArray[np.int64]
    last: NDArray[np.int64]
    interval_s: NDArray[np.float64]
    fast_r: NDArray[np.float64]
    stride_r: NDArray[np.float64]
    held_r: NDArray[np.float64]
    quiet_fraction: NDArray[np.float64]
    periodicity: NDArray[np.float64]
    stride_cv: NDArray[np.float64]
    pieces: RunMeasures | None = None
    rhythm_start: NDArray[np.bool_] | None = None
    rhythm_end: NDArray[np.bool_] | None = None


@dataclass(frozen=True)
class _Movement:
    """The session's |a| at about CYCLE_RATE_HZ, computed once for every run."""

    rate_hz: float
    dec: int
    slow: NDArray[np.float64]  # step band (g)
    quick: NDArray[np.float64]  # all the movement the samples hold (g)
    standing: NDArray[np.bool_]  # still mask (bout standing)
    quiet: NDArray[np.bool_]  # quiet over quiet_window_s


def gait_gate(
    signals: BodySignals,
    contacts: Contacts,
    *,
    one_leg: bool,
    max_gap_s: float,
    settings: GaitGateSettings | None = None,
    band: ContactsSettings | None = None,
    still: StillSettings | None = None,
) -> GateResult:
    """Keep the contacts of runs that are gait (see the module docstring).

    Args:
        signals: the session's body signals (only |a| is used).
        contacts: detected contacts, sorted.
        one_leg: contacts are one leg's (foot, shank): consecutive contacts are a stride apart.
        max_gap_s: contacts further apart start a new run (s): the bout limit of the placement.
        settings, band, still: the gate's settings, the step band and step bounds (contacts settings)
            and the still mask's; default: the placement's preset.
    """
    settings = settings or preset(signals.placement).gait_gate
    band = band or preset(signals.placement).contacts
    still = still or preset(signals.placement).still
    if len(contacts) == 0:
        return GateResult(np.ones(0, dtype=bool), ())
    runs = measure_runs(
        signals, contacts, one_leg=one_leg, max_gap_s=max_gap_s, settings=settings, band=band, still=still
    )
    verdict = contact_verdicts(runs, settings, band, one_leg, 2.0 * max_gap_s * signals.fs_hz)
    return GateResult(verdict == "", _notes(verdict))


def measure_runs(
    signals: BodySignals,
    contacts: Contacts,
    *,
    one_leg: bool,
    max_gap_s: float,
    settings: GaitGateSettings,
    band: ContactsSettings,
    still: StillSettings,
) -> RunMeasures:
    """Group the contacts into runs (a gap longer than ``max_gap_s`` or standing between two contacts ends
    one: a walk never holds still between two landings) and measure each run (:class:`RunMeasures`), and
    the pieces of those that change gait kind (``gait_kind_cuts``) or rhythm (``rhythm_cuts``)."""
    fs = signals.fs_hz
    mov = _movement(signals, band, still, settings)
    ic = contacts.ic_idx.astype(np.int64)
    m = ic.size
    at = np.minimum(ic // mov.dec, mov.slow.size - 1)
    count = np.concatenate([[0], np.cumsum(mov.standing)])
    paused = np.flatnonzero(count[at[1:]] - count[at[:-1]] > 0) + 1
    breaks = np.union1d(np.flatnonzero(np.diff(ic) > max_gap_s * fs) + 1, paused)
    starts = np.r_[0, breaks].astype(np.int64) if m else np.zeros(0, dtype=np.int64)
    ends = np.r_[breaks, m].astype(np.int64) if m else np.zeros(0, dtype=np.int64)
    runs = _measure(signals.placement, fs, mov, ic, starts, ends, one_leg, settings, band)
    kind = gait_kind_cuts(contacts, starts, ends, one_leg=one_leg, placement=signals.placement, settings=settings)
    rhythm = rhythm_cuts(ic, np.union1d(starts, kind), one_leg=one_leg, settings=settings)
    cuts = np.union1d(kind, rhythm)
    if cuts.size == 0:
        return runs
    changing = np.unique(np.searchsorted(starts, cuts, side="right") - 1)  # the runs holding a cut
    bounds = [np.r_[starts[k], cuts[(cuts > starts[k]) & (cuts < ends[k])], ends[k]] for k in changing]
    p_starts = np.concatenate([b[:-1] for b in bounds]).astype(np.int64)
    p_ends = np.concatenate([b[1:] for b in bounds]).astype(np.int64)
    # across a cut the other gait goes on: a piece's signal is read from its first contact to its last there
    at_cut = (np.isin(p_starts, cuts), np.isin(p_ends, cuts))
    pieces = _measure(signals.placement, fs, mov, ic, p_starts, p_ends, one_leg, settings, band, at_cut)
    pieces = replace(pieces, rhythm_start=np.isin(p_starts, rhythm), rhythm_end=np.isin(p_ends, rhythm))
    return replace(runs, pieces=pieces)


def rhythm_cuts(
    ic: NDArray[np.int64], bounds: NDArray[np.int64], *, one_leg: bool, settings: GaitGateSettings
) -> NDArray[np.int64]:
    """Contact indices where a stretch of contacts (``ic[bounds[k]:bounds[k + 1]]``, the last to the end)
    whose strides vary more than ``max_stride_cv_ratio`` changes its stride period: a walker's stride
    time is steady at one speed and gait (CV 1-3 %) and changes with them, so a side-step going straight
    into a faster walk holds two regular rhythms that no flight phase separates.

    The cut splits the stretch where the squared deviations of the log strides from each side's own mean
    are least (a stride across the cut counts on neither side), each side lasting ``min_gait_kind_strides``
    strides; it stands only when one side's strides are regular on their own (stride CV within the bound)
    and the two sides' median strides differ by more than that bound (one rhythm's strides vary less: a
    steady walk with a detector's odd contacts is no change of rhythm), and the other side, if still
    irregular, is split again the same way. Contacts of a missed landing are scaled back as in
    :func:`stride_cv`. No number is added: each piece must then pass every check."""
    per_cycle = 1 if one_leg else 2
    shortest = int(np.ceil(settings.min_gait_kind_strides * per_cycle)) + 1  # contacts that span the strides
    limit, tol = settings.max_stride_cv_ratio, settings.missed_tolerance_fraction
    edges = np.r_[bounds, ic.size].astype(np.int64)
    todo = [(int(a), int(b)) for a, b in itertools.pairwise(edges) if b - a >= 2 * shortest]
    cuts: list[int] = []
    while todo:  # one iteration per stretch judged: a few per run that changes its rhythm
        a, b = todo.pop()
        run = ic[a:b]
        if stride_cv(run, per_cycle, tol) <= limit:
            continue
        x = np.log(_scaled_strides(run, per_cycle, tol))  # x[k]: contacts k .. k + per_cycle of the stretch
        p1, p2 = np.r_[0.0, np.cumsum(x)], np.r_[0.0, np.cumsum(x * x)]
        j = np.arange(shortest, run.size - shortest + 1)  # the right side starts at contact j
        n_left, n_right = j - per_cycle, x.size - j
        sse_left = p2[j - per_cycle] - p1[j - per_cycle] ** 2 / n_left
        sse_right = (p2[-1] - p2[j]) - (p1[-1] - p1[j]) ** 2 / n_right
        cut = int(j[np.argmin(sse_left + sse_right)])
        left, right = (stride_cv(side, per_cycle, tol) <= limit for side in (run[:cut], run[cut:]))
        medians = np.median(x[: cut - per_cycle]), np.median(x[cut:])
        if not (left or right) or abs(medians[0] - medians[1]) <= np.log1p(limit):  # no other rhythm: outliers
            continue
        cuts.append(a + cut)
        todo += [
            (lo, hi) for lo, hi, ok in ((a, a + cut, left), (a + cut, b, right)) if not ok and hi - lo >= 2 * shortest
        ]
    return np.sort(np.asarray(cuts, dtype=np.int64))


def gait_kind_cuts(
    contacts: Contacts,
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    *,
    one_leg: bool,
    placement: str,
    settings: GaitGateSettings,
) -> NDArray[np.int64]:
    """Contact indices where a run of contacts (``starts``/``ends``) changes from walking to running or
    back, each side lasting at least ``min_gait_kind_strides`` strides (shorter stretches of either kind
    join the kind around them: a detector's odd contact is no change of gait).

    Running has a flight phase. At the lower back a contact has a toe-off only where its detector found
    flight on both sides of it (contacts.py); on one leg the foot is on the ground less than half its
    stride (the shorter of the strides next to it: a missed landing doubles one), so both feet are in the
    air in between. A run's steps are shorter than a walk's: a cut where the running side steps slower is
    dropped. Phones and other step counters see no flight: no cuts."""
    ic = contacts.ic_idx.astype(np.int64)
    to = contacts.to_idx.astype(np.int64)
    if ic.size < 2 or not (one_leg or placement == "lower_back"):
        return np.zeros(0, dtype=np.int64)
    running = to >= 0
    per_cycle = 1 if one_leg else 2
    if one_leg:
        step = np.diff(ic).astype(np.float64)
        before, after = np.r_[np.inf, step], np.r_[step, np.inf]
        before[starts], after[ends - 1] = np.inf, np.inf  # no stride across a pause
        running &= (to - ic) < 0.5 * np.minimum(before, after)
    shortest = int(np.ceil(settings.min_gait_kind_strides * per_cycle)) + 1  # contacts that span the strides
    change = np.flatnonzero(running[1:] != running[:-1]) + 1
    cuts: list[NDArray[np.int64]] = []
    for a, b in zip(starts, ends, strict=True):  # one iteration per run that changes kind
        inner = change[(change > a) & (change < b)]
        if inner.size == 0:
            continue
        bounds = np.r_[a, inner, b]
        begin = bounds[np.flatnonzero(np.diff(bounds) >= shortest)]
        cut = begin[1:][running[begin[1:]] != running[begin[:-1]]]
        if cut.size == 0:
            continue
        # a run steps faster than a walk (cadence ~150-200 against ~90-130 steps/min): a "run" whose steps
        # are longer than the walk's next to it is no change of gait (handling with a floor of |a| near 0 g)
        edges = np.r_[a, cut, b]
        step = np.array([np.median(np.diff(ic[lo:hi])) for lo, hi in itertools.pairwise(edges)])
        kind = running[edges[:-1]]
        run_step = np.where(kind[1:], step[1:], step[:-1])
        walk_step = np.where(kind[1:], step[:-1], step[1:])
        cuts.append(cut[run_step < walk_step])
    return np.concatenate(cuts).astype(np.int64) if cuts else np.zeros(0, dtype=np.int64)


def _measure(
    placement: str,
    fs: float,
    mov: _Movement,
    ic: NDArray[np.int64],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    one_leg: bool,
    settings: GaitGateSettings,
    band: ContactsSettings,
    at_cut: tuple[NDArray[np.bool_], NDArray[np.bool_]] | None = None,
) -> RunMeasures:
    """The measures of the runs of contacts ``ic[starts[k]:ends[k]]`` (:class:`RunMeasures`). ``at_cut``: they
    are pieces of runs that change gait, and per piece, whether it starts / ends where another gait goes on
    (:func:`periodicity`: its signal is then read only up to its contact there, and clipped)."""
    piece = at_cut is not None
    cut_start, cut_end = at_cut if at_cut is not None else (np.zeros(starts.size, bool), np.zeros(starts.size, bool))
    at = np.minimum(ic // mov.dec, mov.slow.size - 1)
    per_cycle = 1 if one_leg else 2  # contacts from one landing of a leg to its next
    # the lags (in contact intervals) where the signal must repeat: at the trunk every step, on one leg
    # every stride; a phone may see one leg only (a pocket), so its steps or its strides
    multiples = (1.0, 2.0) if placement in STEP_COUNT_PLACEMENTS else (1.0,)
    # ... and its step is half its stride, two consecutive intervals (PHONE-26): a pocket's intervals alternate
    # short and long (one leg's peak off the half-stride), whose median is either; at the trunk both legs load it
    # alike and the step is read as it is (a landing the detector missed doubles one interval, not the median)
    per_stride = per_cycle if placement in STEP_COUNT_PLACEMENTS else 1
    phone = placement in STEP_COUNT_PLACEMENTS
    values = np.full((7, starts.size), np.nan)  # interval, fast_r, stride_r, held_r, quiet, periodicity, stride cv
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):  # one iteration per run
        run = ic[a:b]
        if (run.size - 1) // per_cycle < 2:
            continue
        interval = median_step(run, per_stride)
        lag = interval / mov.dec  # samples at the decimated rate
        first, last = int(at[a]), int(at[b - 1])
        span = mov.quick[first : last + 1]
        closed = (bool(cut_start[k]), bool(cut_end[k]))
        # a phone's signal repeats at either reading of its step (REVIEW-148): where the detector misses one leg's
        # landing every other stride (intervals 1, 1, 2 steps) half the median stride is 1.5 steps, whose windows
        # reach neither the step nor the stride; the median interval's do. Where the two readings agree, one call
        steps = dict.fromkeys((lag, median_step(run, 1) / mov.dec))
        repeat = max(
            periodicity(
                mov.slow, first, last, per_cycle * lag, [f * s for f in multiples], settings, closed, clip=piece
            )
            for s in steps
        )
        fast_r, fast_lag = fastest_repeat(span, round(band.min_step_s * mov.rate_hz))
        stride_lag = round(per_cycle * lag)
        stride_r = lagged_correlation(span, stride_lag)
        shaken = phone and fast_r >= settings.max_fast_correlation
        values[:, k] = (
            interval / fs,
            fast_r,
            stride_r,
            held_repeat(span, stride_lag, fast_lag) if shaken else stride_r,
            float(np.mean(mov.quiet[first : last + 1])),
            repeat,
            stride_cv(run, per_cycle, settings.missed_tolerance_fraction),
        )
    return RunMeasures(starts, ends, ic[starts], ic[ends - 1], *values)


def contact_verdicts(
    runs: RunMeasures, settings: GaitGateSettings, band: ContactsSettings, one_leg: bool, reach: float
) -> NDArray[np.str_]:
    """Per contact: "" (gait) or the check its run fails (:func:`decide`); in a run that fails and changes
    gait kind or rhythm, the verdict of its piece (a piece that passes keeps its contacts). A change of
    rhythm is one gait into another: a piece beside a rhythm cut passes only when the piece across it passes
    its own checks too (else "irregular"), so a stretch of handling that holds a few regular strides is not
    cut out of it."""
    whole = np.repeat(decide(runs, settings, band, one_leg, reach), runs.ends - runs.starts)
    if runs.pieces is None:
        return whole
    part = decide(runs.pieces, settings, band, one_leg, reach)
    p = runs.pieces
    if p.rhythm_start is not None and p.rhythm_end is not None:  # pieces lie in order: the neighbours across
        ok = part == ""
        alone = (p.rhythm_start & ~np.r_[False, ok[:-1]]) | (p.rhythm_end & ~np.r_[ok[1:], False])
        part = np.where(ok & alone, "irregular", part)
    inside = np.repeat(np.arange(part.size), runs.pieces.ends - runs.pieces.starts)
    idx = np.concatenate([np.arange(a, b) for a, b in zip(runs.pieces.starts, runs.pieces.ends, strict=True)])
    verdict = whole.copy()
    verdict[idx] = np.where(whole[idx] == "", "", part[inside])
    return verdict


def decide(
    runs: RunMeasures, settings: GaitGateSettings, band: ContactsSettings, one_leg: bool, reach: float
) -> NDArray[np.str_]:
    """Per run: "" (gait) or the first check it fails (REASONS). A run too short to hold two strides is
    gait when a gait run lies within ``reach`` samples of it, else "isolated"."""
    scale = 2.0 if one_leg else 1.0
    checks = (
        ("cadence", ~((band.min_step_s * scale <= runs.interval_s) & (runs.interval_s <= band.max_step_s * scale))),
        # a steady shake repeats at every multiple of its period, where a phone's "stride" may fall: there its
        # repetition counts only where it holds half the fast period either side (held_r, PHONE-31)
        ("fast", (runs.fast_r >= settings.max_fast_correlation) & (runs.fast_r >= runs.held_r)),
        ("quiet", runs.quiet_fraction > settings.max_quiet_fraction),
        ("aperiodic", runs.periodicity < settings.min_periodicity_correlation),
        ("irregular", runs.stride_cv > settings.max_stride_cv_ratio),
    )
    verdict = np.where(np.isnan(runs.interval_s), "short", "").astype("<U10")
    for reason, failed in reversed(checks):  # the first failed check names the reason
        verdict = np.where((verdict != "short") & failed, reason, verdict)
    _settle_short_runs(verdict, runs.first, runs.last, reach)
    return verdict


def _movement(signals: BodySignals, band: ContactsSettings, still: StillSettings, gate: GaitGateSettings) -> _Movement:
    fs = signals.fs_hz
    dec = max(1, nearest_samples(1.0 / CYCLE_RATE_HZ, fs))
    rate = fs / dec
    used = signals.n_samples // dec * dec
    acc = signals.acc_ms2[:used]
    size = gate_norm_rows(acc)  # |a| (m/s^2), as einsum summed it (PERF-62)
    norm = in_g(size.reshape(-1, dec).mean(axis=1))  # block means: decimated and anti-aliased (g)
    # the still and quiet masks from every dec-th sample of |a|: a standard deviation needs no anti-alias filter
    sparse, valid = size[::dec], ~signals.gap[:used:dec]
    # both masks from one set of running sums (PERF-80)
    standing, quiet = still_masks_of_norm(
        sparse, rate, [(still.window_s, still.std_ms2), (gate.quiet_window_s, gate.quiet_std_ms2)]
    )
    return _Movement(
        rate_hz=rate,
        dec=dec,
        slow=bandpass(norm, band.step_band_low_hz, band.step_band_high_hz, rate),
        quick=bandpass(norm, band.step_band_low_hz, 0.45 * rate, rate),
        standing=standing & valid,
        quiet=quiet & valid,
    )


def periodicity(
    slow: NDArray[np.float64],
    first: int,
    last: int,
    stride: float,
    lags: list[float],
    settings: GaitGateSettings,
    closed: tuple[bool, bool] = (False, False),
    *,
    clip: bool = False,
) -> float:
    """How strongly a run's step-band signal repeats at any of ``lags`` (samples): the highest local peak of
    its autocorrelation within ``lag_tolerance_fraction`` of one of them (-1 without a peak).

    The run spans half a stride (``stride`` samples) before its first contact (sample ``first``) to half a
    stride after its last, its whole first and last cycles; an end ``closed`` (start, end) stops at the
    contact, where another gait goes on (a run's landings are stronger than the walk's after it). With
    ``clip`` (a piece of a run that changes gait) the signal is clipped at ``clip_factor`` robust
    standard deviations first: a change of gait brings transients of its own (a stepping turn's pivot, the
    shank's |a| ~7x the walk's), which would rule a Pearson correlation over a piece's few strides. A
    whole run is read as it is: where no change of gait is seen, a transient is no more gait than a car's
    road bumps (clipped, a car on the shank repeats at 0.26). Each lag's correlation is normalised by its
    own overlapping segments (periodicity.pearson_by_lag). Only the contacts' median interval enters,
    never their exact times.
    """
    a = first if closed[0] else max(0, int(first - stride / 2.0))
    b = last + 1 if closed[1] else min(slow.size, int(last + stride / 2.0) + 1)
    tol = settings.lag_tolerance_fraction
    top = int(np.ceil(max(lags) * (1.0 + tol))) + 1
    if b - a < top + 4:
        return -1.0
    x = slow[a:b]
    if clip:
        x = robust_clip(x, settings.clip_factor)
    r = pearson_by_lag((x - x.mean())[None, :], top)[0]
    inner = np.arange(1, top)
    peak = (r[inner] > r[inner - 1]) & (r[inner] >= r[inner + 1])
    best = -1.0
    for lag in lags:
        near = peak & (np.abs(inner - lag) <= tol * lag)
        if near.any():
            best = max(best, float(r[inner[near]].max()))
    return best


def median_step(run: NDArray[np.int64], per_stride: int) -> float:
    """A run's step (samples): the median of its contacts' spans over ``per_stride`` consecutive intervals, divided
    by ``per_stride``. With 1 the median interval; with 2 half the median stride, which holds where the two legs'
    intervals alternate short and long (a gait's regularity is its stride's) and is the median interval, within
    its jitter, where they do not and no landing is missed: where one in four is (intervals 1, 1, 2 steps) it is 1.5
    steps, so a phone's periodicity is read at the median interval too (REVIEW-148)."""
    return float(np.median(run[per_stride:] - run[:-per_stride])) / per_stride


def stride_cv(run: NDArray[np.int64], per_cycle: int, missed_tolerance: float) -> float:
    """Robust coefficient of variation of a run's strides (contacts ``per_cycle`` apart): 1.4826 median
    absolute deviations over the median. A stride within ``missed_tolerance`` of a whole number of steps
    more than ``per_cycle`` (median stride / ``per_cycle`` each) holds landings the detector missed and is
    scaled to ``per_cycle`` steps: a missed landing does not make a walk irregular. Other long or short
    strides count as they are."""
    scaled = _scaled_strides(run, per_cycle, missed_tolerance)
    mid = float(np.median(scaled))
    return MAD_TO_STD * float(np.median(np.abs(scaled - mid))) / mid if mid > 0 else np.inf


def _scaled_strides(run: NDArray[np.int64], per_cycle: int, missed_tolerance: float) -> NDArray[np.float64]:
    """A run's strides (samples), those holding missed landings scaled back (:func:`stride_cv`)."""
    strides = (run[per_cycle:] - run[:-per_cycle]).astype(np.float64)
    steps = strides / np.median(strides) * per_cycle
    whole = np.maximum(np.rint(steps), per_cycle)
    whole = np.where(np.abs(steps - whole) <= missed_tolerance * whole, whole, per_cycle)
    return strides * per_cycle / whole


def _settle_short_runs(
    verdict: NDArray[np.str_], first: NDArray[np.int64], last: NDArray[np.int64], reach: float
) -> None:
    """A run too short to show its cycles is gait when a gait run lies within ``reach`` samples."""
    gait = np.flatnonzero(verdict == "")
    for k in np.flatnonzero(verdict == "short"):
        near = (np.abs(first[gait] - last[k]) <= reach) | (np.abs(first[k] - last[gait]) <= reach)
        verdict[k] = "" if near.any() else "isolated"


def _notes(verdict: NDArray[np.str_]) -> tuple[str, ...]:
    notes = []
    for reason, text in REASONS.items():
        count = int(np.count_nonzero(verdict == reason))
        if count:
            notes.append(f"{count} contact{'s' if count > 1 else ''} dropped: {text}")
    return tuple(notes)


def fastest_repeat(x: NDArray[np.float64], shortest_step: int) -> tuple[float, int]:
    """The highest autocorrelation peak of ``x`` at lags shorter than ``shortest_step`` samples and its lag
    (samples; -1, 0 without one): gait repeats no faster than its steps."""
    if x.size < 4 * shortest_step or shortest_step < FAST_MIN_LAG_SAMPLES + 2:
        return -1.0, 0
    x = x - x.mean()
    energy = float(x @ x)
    if energy <= 0.0:
        return -1.0, 0
    first, last = FAST_MIN_LAG_SAMPLES - 1, shortest_step + 1  # a dozen lags at CYCLE_RATE_HZ
    lagged = np.lib.stride_tricks.sliding_window_view(x, last + 1)[:, first:]  # (n - last, lags): x[i + lag]
    r = (x[: lagged.shape[0]] @ lagged) / energy
    inner = r[1:-1]
    peak = np.flatnonzero((inner > r[:-2]) & (inner >= r[2:]))
    if not peak.size:
        return -1.0, 0
    best = peak[np.argmax(inner[peak])]
    return float(inner[best]), int(best) + first + 1


def held_repeat(x: NDArray[np.float64], lag: int, period: int) -> float:
    """The correlation of ``x`` with itself ``lag`` samples later, held half of a fast ``period`` (samples)
    either side: the lowest of the three (-1 when too short). A steady shake repeats at every multiple of its own
    period, where a phone's "stride" may fall, and half a period off it is in the opposite phase; a walk repeats at
    its step and stride, not at a fraction of a step, so its fast peak stays low and the gate never asks (PHONE-31)."""
    half = max(1, round(period / 2))
    return min(lagged_correlation(x, lag + d) for d in (-half, 0, half))


def lagged_correlation(x: NDArray[np.float64], lag: int) -> float:
    """Pearson correlation of ``x`` with itself ``lag`` samples later (-1 when too short)."""
    if lag < 1 or x.size < lag + 4:
        return -1.0
    a, b = x[:-lag] - x[:-lag].mean(), x[lag:] - x[lag:].mean()
    return float(a @ b / np.sqrt(max(float(a @ a) * float(b @ b), 1e-30)))
