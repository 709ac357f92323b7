"""Per-step timing and impact: step time, cadence, contact time, impact peak (see docs/analysis.md).

Impact axis: shank = tibial axis (body z of the shank's quiet-standing frame, which is along the bone);
foot and lower back = vertical (body z). Gravity is removed by subtracting 1 g: at contact the segment
is close to its standing orientation (a 20 deg tilt changes the gravity share by 0.06 g). The lower
back's vertical ground-reaction force is vgrf.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.filters import in_g
from retrogait.analysis.settings import ImpactSettings, TimingSettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.samples import nearest_samples


def step_timing(signals: BodySignals, contacts: Contacts, settings: TimingSettings | None = None) -> pd.DataFrame:
    """Columns ``ic_time_s, to_time_s, step_time_s, cadence_spm, contact_time_s`` (s, steps/min).

    For one-leg placements (foot, shank) consecutive contacts are strides of one leg, so the step time
    is half the interval between them. Settings default to the placement's preset.
    """
    return pd.DataFrame(step_timing_columns(signals, contacts, settings))


def step_timing_columns(
    signals: BodySignals, contacts: Contacts, settings: TimingSettings | None = None
) -> dict[str, NDArray[np.float64]]:
    """The columns of :func:`step_timing`, one array each (the live detector's windows use them
    without building the table)."""
    settings = settings or preset(signals.placement).timing
    t = signals.t_s
    ic_t = t[contacts.ic_idx] if len(contacts) else np.zeros(0)
    to_t = np.where(contacts.to_idx >= 0, t[np.clip(contacts.to_idx, 0, None)], np.nan) if len(contacts) else ic_t
    per_leg = signals.placement in ("foot", "shank")
    interval = np.diff(ic_t, prepend=np.nan)
    if per_leg:  # a pause between two strides must not pass as a slow step: limit the stride itself
        step = np.where(interval <= settings.max_stride_time_s, interval / 2.0, np.nan)
    else:
        step = np.where(interval <= settings.max_step_time_s, interval, np.nan)
    if len(contacts) > 1 and signals.gap.any():  # a contact may be missing in a gap: no step time across one
        gaps_before = np.cumsum(signals.gap)[contacts.ic_idx]
        step[1:] = np.where(np.diff(gaps_before) > 0, np.nan, step[1:])
    # cadence from the contacts around this one: mean of the step times before and after
    nxt = np.append(step[1:], np.nan)
    around = mean_finite(step, nxt)
    cadence = 60.0 / around
    contact = to_t - ic_t
    contact = np.where((contact > 0) & (contact < settings.max_step_time_s), contact, np.nan)
    return {
        "ic_time_s": ic_t,
        "to_time_s": to_t,
        "step_time_s": step,
        "cadence_spm": cadence,
        "contact_time_s": contact,
    }


def mean_cadence_spm(step_time_s: NDArray[np.float64]) -> tuple[float, int]:
    """Cadence of a group of steps (a bout, a direction): 60 / mean of their finite step times (s).

    Returns (steps/min, number of step times used); (NaN, 0) when no step has a step time. Inside a bout
    without gaps this is 60 (n - 1) / (t_last - t_first), the steps taken over the time they took. A
    median of per-step cadences is not used: with left and right steps of different length (e.g. 0.294
    and 0.324 s) it depends on which of the two happens to be the middle value.
    """
    finite = np.asarray(step_time_s, dtype=float)
    finite = finite[np.isfinite(finite) & (finite > 0)]
    if finite.size == 0:
        return float("nan"), 0
    return float(60.0 / np.mean(finite)), int(finite.size)


def step_times_within_bouts(step_time_s: NDArray[np.float64], bout_id: NDArray[np.int64]) -> NDArray[np.float64]:
    """Step times (s) of steps whose previous contact is in the same bout; NaN for the first step of a bout.

    The first contact of a bout is timed from the last contact before it (another gait, a pause, the
    other direction): counting it would mix two bouts into one cadence (ANALYSIS-16).
    """
    step = np.asarray(step_time_s, dtype=float)
    ids = np.asarray(bout_id)
    same = np.zeros(step.size, dtype=bool)
    same[1:] = ids[1:] == ids[:-1]
    return np.where(same, step, np.nan)


#: The per-step columns of impact_load.
IMPACT_COLUMNS = ("impact_peak_g", "impact_loading_rate_g_per_s", "impact_flags")
#: Placements whose impact axis is measured (elsewhere the impact columns stay NaN, without a flag).
IMPACT_PLACEMENTS = ("foot", "shank", "lower_back")


def impact_load(
    signals: BodySignals, contacts: Contacts, timing: pd.DataFrame, settings: ImpactSettings | None = None
) -> pd.DataFrame:
    """Columns IMPACT_COLUMNS (g, g/s, reasons) per contact (settings default to the placement's preset).

    The impact peak is the largest gravity-removed acceleration along the impact axis in the window (lower
    back: the impact phase, ``stance_fraction`` of the stance; the active peak is ``vgrf_peak_bw``'s); a
    peak is a positive acceleration (the ground pushing the segment up), so a window that holds none (the
    axis is not the impact axis there, or nothing landed) gives NaN and ``impact_flags`` =
    ``no_impact_peak``, never a negative "peak".
    """
    m = len(contacts)
    out = pd.DataFrame(
        {
            "impact_peak_g": np.full(m, np.nan),
            "impact_loading_rate_g_per_s": np.full(m, np.nan),
            "impact_flags": pd.Series([""] * m, dtype=object),
        }
    )
    if m == 0 or signals.placement not in IMPACT_PLACEMENTS:
        return out
    peak, rate = impact_peaks(signals, contacts, timing["contact_time_s"].to_numpy(), settings)
    out["impact_peak_g"] = peak
    out["impact_loading_rate_g_per_s"] = rate
    out["impact_flags"] = np.where(np.isfinite(peak), "", "no_impact_peak").astype(object)
    return out


def impact_peaks(
    signals: BodySignals,
    contacts: Contacts,
    contact_time_s: NDArray[np.float64],
    settings: ImpactSettings | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The impact peak (g) and loading rate (g/s) of :func:`impact_load` per contact (NaN where the
    window holds no positive peak), from the contacts' contact times (s; step_timing's
    ``contact_time_s``): without the table, for the live detector's windows."""
    settings = settings or preset(signals.placement).impact
    m = len(contacts)
    fs = signals.fs_hz
    n = signals.n_samples
    if m == 0 or signals.placement not in IMPACT_PLACEMENTS:
        return np.full(m, np.nan), np.full(m, np.nan)
    ic = contacts.ic_idx
    contact_s = np.asarray(contact_time_s, dtype=np.float64)
    if signals.placement in ("foot", "shank"):
        # the leg's shock is a transient of the landing (peak within ~50 ms of contact): a fixed window
        # ends when the contact is known, so the value can be judged as the samples arrive (live cues)
        contact_s = np.full(m, np.nan)
    phase = np.isfinite(contact_s)  # lower back with a toe-off: the impact phase, a share of the stance
    window = np.maximum(
        np.where(phase, np.round(impact_phase_s(contact_s, settings) * fs), nearest_samples(settings.window_s, fs)), 2
    ).astype(np.int64)
    axis_g = in_g(signals.acc_ms2[:, 2]) - 1.0
    lead = nearest_samples(settings.loading_lead_s, fs)
    leg = signals.placement in ("foot", "shank")
    peak, rate = _peak_and_rate(axis_g, ic, window, lead, n, fs, settings.transient_rise_fraction if leg else None)
    # still rising at the impact phase's end: no impact peak in it, and the rise to the phase's end is the
    # steep start of the loading; the loading rate is the rise's to the loading (IMPACT-10)
    rising = phase & (peak == axis_g[np.clip(ic + window, 0, n - 1)])
    if rising.any():
        loading = np.maximum(np.round(settings.loading_stance_fraction * contact_s[rising] * fs), 2).astype(np.int64)
        rate[rising] = _peak_and_rate(axis_g, ic[rising], loading, lead, n, fs)[1]
    positive = peak > 0
    return np.where(positive, peak, np.nan), np.where(positive, rate, np.nan)


def impact_phase_s(contact_s: NDArray[np.float64] | float, settings: ImpactSettings) -> NDArray[np.float64]:
    """Length (s) of the lower back's impact phase after contact for contact times ``contact_s`` (s): the first
    ``stance_fraction`` of the stance, at least ``impact_phase_min_s`` (the simulator's truth: 20 %, 40 ms)."""
    return np.maximum(settings.stance_fraction * np.asarray(contact_s, dtype=np.float64), settings.impact_phase_min_s)


def _peak_and_rate(
    x: NDArray[np.float64],
    ic: NDArray[np.int64],
    window: NDArray[np.int64],
    lead: int,
    n: int,
    fs: float,
    rise_fraction: float | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Peak of x in [ic, ic + window] (samples) and the mean slope (per s) between 20 % and 80 % of
    the rise from the lowest value before the peak (from ``lead`` samples before the contact) to the peak.

    The rise is searched from ``lead`` (ImpactSettings.loading_lead_s) before the contact so that a contact
    time placed a few ms late (at the steep part of a heel transient) still sees the whole rise. Crossing
    times are interpolated between samples: a heel-strike transient rises within one or two samples even at
    500 Hz. With ``rise_fraction`` (foot, shank) the peak is that of the touch-down's own rise
    (:func:`touchdown_peaks`).
    """
    found = touchdown_peaks(x[:n], ic, window, lead, rise_fraction)
    seg, k = found.seg, found.column
    offs = np.arange(seg.shape[1])
    rows = np.arange(ic.size)
    peak = seg[rows, k]
    back = k[:, None] - offs[None, :]  # indices from the peak backwards
    trail = np.where(back >= 0, seg[rows[:, None], np.clip(back, 0, None)], np.inf)
    kb = k - np.argmin(trail, axis=1)  # the last minimum before the peak
    base = seg[rows, kb]
    rise = peak - base
    t20 = _crossing(seg, base + 0.2 * rise, kb, k)
    t80 = _crossing(seg, base + 0.8 * rise, kb, k)
    dt = (t80 - t20) / fs
    rate = np.where((dt > 0) & (rise > 0), 0.6 * rise / np.where(dt > 0, dt, 1.0), np.nan)
    return peak, rate


@dataclass(frozen=True)
class TouchdownPeaks:
    """Per contact, where :func:`touchdown_peaks` found the touch-down's peak (one row per contact).

    ``seg``: x from ``lead`` samples before the contact to the window's end (later columns repeat the last);
    ``sample``: the sample index into x of each column; ``start``: the column the peak is searched from;
    ``column``: the peak's column; ``transient``: the event at the contact is the landing's own transient (else
    one from the air, and the search starts at the largest rise after it); ``event``: the sample index of that
    event's peak.
    """

    seg: NDArray[np.float64]
    sample: NDArray[np.int64]
    start: NDArray[np.int64]
    column: NDArray[np.int64]
    transient: NDArray[np.bool_]
    event: NDArray[np.int64]

    @property
    def peak(self) -> NDArray[np.float64]:
        """The touch-down's peak per contact (x's unit)."""
        return np.asarray(self.seg[np.arange(self.column.size), self.column])

    @property
    def peak_sample(self) -> NDArray[np.int64]:
        """The sample index into x of each peak."""
        return np.asarray(self.sample[np.arange(self.column.size), self.column])


def touchdown_peaks(
    x: NDArray[np.float64],
    ic: NDArray[np.int64],
    window: NDArray[np.int64],
    lead: int,
    rise_fraction: float | None = None,
) -> TouchdownPeaks:
    """The peak of x in each contact's window [ic, ic + window] (samples): from the contact, or with
    ``rise_fraction`` (foot, shank) from the start of the touch-down's own rise (:func:`_landing_starts`).

    Only the samples in ``x`` are used: given the samples received so far, it is the rule applied to them
    (the live trigger judges its windows with it, LIVE-29); columns past the end repeat the last sample.
    """
    n = x.size
    width = int(window.max()) + lead + 1
    offs = np.arange(width)
    idx = np.clip(ic[:, None] - lead + np.minimum(offs[None, :], window[:, None] + lead), 0, n - 1)
    seg = x[idx]
    if rise_fraction is None:
        start = np.full(ic.size, lead, dtype=np.int64)
        transient = np.ones(ic.size, dtype=bool)
        event = np.asarray(ic, dtype=np.int64)
    else:
        start, transient, event = _landing_starts(x, ic, seg, lead, window + lead, rise_fraction)
    k = np.argmax(np.where(offs[None, :] >= start[:, None], seg, -np.inf), axis=1)  # at or after contact
    return TouchdownPeaks(seg, idx, start, k, transient, event)


def _landing_starts(
    x: NDArray[np.float64],
    ic: NDArray[np.int64],
    seg: NDArray[np.float64],
    lead: int,
    last: NDArray[np.int64],
    rise_fraction: float,
) -> tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.int64]]:
    """Per contact, the column of ``seg`` (``x`` from ``lead`` samples before the contact ``ic`` to the
    window's end ``last``) from which the touch-down's own peak is searched: the contact (column ``lead``),
    or the start of the largest rise after it; whether the event at the contact is a transient; the
    sample index of that event's peak.

    The ground can push a landing segment up only from the touch on, so the touch-down's transient is a
    rise that starts at the touch. The event at the contact (its peak: the largest value within ``lead``
    either side) is the landing's own when more than ``rise_fraction`` of its rise over the two ``lead``
    before its peak came in the last one: a landing's transient rises within the stop time of the heel pad
    or the yielding ankle (12-20 ms, about the lead), and a contact placed a few ms early or late on it
    keeps the search from the contact, or from the transient's peak when the contact lies after it (a
    contact placed on the transient's falling side, one sample after a shank's 2 g heel-strike peak, must
    not report the 1.5 g after it: IMPACT-13). Otherwise the contact lies on a slow event from the air,
    tens of ms before the touch: the late-swing braking of the descent (foot: 1-1.6 g, building over
    ~60 ms, against a 0.4-0.8 g soft toe landing in backward walking) or the leg's retraction seen along a
    tilted tibia (shank), which end at the touch. The ground's push then is the largest rise after the
    contact, and the search starts where it starts (IMPACT-9). Below one sample per ``lead`` (25 Hz and
    under at 20 ms) no rise within it can be seen: the search starts at the contact, as before.
    """
    if lead < 1:
        return np.full(ic.size, lead, dtype=np.int64), np.ones(ic.size, dtype=bool), np.asarray(ic, np.int64)
    transient, peak = _landing_event(x, ic, lead, rise_fraction)
    width = seg.shape[1]
    offs = np.arange(width)
    after = np.where((offs[None, :] >= lead) & (offs[None, :] <= last[:, None]), seg, -np.inf)
    ahead = np.full_like(after, -np.inf)  # the largest value after each column, within the window
    ahead[:, :-1] = np.maximum.accumulate(after[:, :0:-1], axis=1)[:, ::-1]
    rise = np.where(np.isfinite(after), ahead - after, -np.inf)
    own = lead + np.minimum(peak - ic, 0)  # the transient's peak, when the contact lies just after it (IMPACT-13)
    return np.where(transient, own, np.argmax(rise, axis=1)).astype(np.int64), transient, peak


def landing_transient(
    x: NDArray[np.float64], ic: NDArray[np.int64], lead: int, rise_fraction: float
) -> NDArray[np.bool_]:
    """Per contact ``ic`` (samples), whether the event at it (its peak: the largest ``x`` within ``lead``
    samples either side) is a landing's transient: more than ``rise_fraction`` of its rise over the two
    ``lead`` before its peak came in the last one (the heel pad or the yielding ankle stops a landing
    within 12-20 ms; a braking in the air builds over ~60 ms). See :func:`_landing_starts` (IMPACT-9)."""
    return _landing_event(x, ic, lead, rise_fraction)[0]


def _landing_event(
    x: NDArray[np.float64], ic: NDArray[np.int64], lead: int, rise_fraction: float
) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """:func:`landing_transient` and the sample index of the event's peak it judged."""
    n = x.size
    near = np.clip(ic[:, None] + np.arange(-lead, lead + 1)[None, :], 0, n - 1)
    peak = near[np.arange(ic.size), np.argmax(x[near], axis=1)]  # the event at the contact
    base = x[np.clip(peak[:, None] - np.arange(2 * lead + 1)[None, :], 0, n - 1)].min(axis=1)
    risen = x[peak] - x[np.clip(peak - lead, 0, n - 1)]
    return np.asarray(risen > rise_fraction * (x[peak] - base)), peak.astype(np.int64)


def _crossing(
    seg: NDArray[np.float64], level: NDArray[np.float64], first: NDArray[np.int64], last: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Fractional sample index (per row) where ``seg`` first reaches ``level`` in ``(first, last]``."""
    offs = np.arange(seg.shape[1])
    reached = (seg >= level[:, None]) & (offs[None, :] > first[:, None]) & (offs[None, :] <= last[:, None])
    j = np.where(reached.any(axis=1), np.argmax(reached, axis=1), last)
    rows = np.arange(seg.shape[0])
    before = seg[rows, np.maximum(j - 1, 0)]
    after = seg[rows, j]
    step = after - before
    fraction = np.where(step > 0, (level - before) / np.where(step > 0, step, 1.0), 1.0)
    return j - 1 + np.clip(fraction, 0.0, 1.0)


def mean_finite(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Element-wise mean of the finite ones of a and b (NaN when neither is)."""
    count = np.isfinite(a).astype(float) + np.isfinite(b)
    total = np.where(np.isfinite(a), a, 0.0) + np.where(np.isfinite(b), b, 0.0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)
