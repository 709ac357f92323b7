"""Impact cues within the stride: a causal trigger on the offline impact definition (LIVE-7).

Offline (impact.py) a contact's impact is the largest impact-axis acceleration minus 1 g in its window,
from ``loading_lead_s`` before the initial contact to ``window_s`` after it (foot, shank) or to the end of
the impact phase, ``stance_fraction`` of the contact time and at least ``impact_phase_min_s`` (lower back,
IMPACT-10). The trigger evaluates that quantity on that axis -- body z of the standing
frame, the vertical of the detector's latest window -- while the window fills, batch by batch. What
it cannot know from the past alone is where the window starts, so it recognises the landing:

* the gate: once ``gate_airborne_fraction`` of the typical swing (flight) since the last toe-off has
  passed -- from the latest window analysis, or from the trigger's own last landing when the analysis
  has not seen it yet; at the foot and shank with a gyroscope, also no sooner than the shortest recent
  swing after the segment's last rest (the offline rest score), so its toe-off is never taken for the
  landing (LIVE-31);
* the landing: the first sample after the gate whose impact-axis jerk reaches ``landing_jerk_fraction``
  of the recent landings' median (the ground stopping the segment is the sharpest change of a stride);
  at the foot with a gyroscope, before the analysis has a rhythm (a session's first ~5 s of gait), of the
  largest jerk of the foot's last stride that came to rest with no landing recognised (LIVE-33), and before any
  such stride, the first jerk sharper than any since the foot left its rest (the push-off's): the landing is
  the stride's sharpest change; after a landing whose stance did not rest (a forefoot run, whose toe-off's jerk
  is two to three times its landing's), no more than ``landing_jerk_fraction`` of that landing's (LIVE-40).
  Looked for at least the shortest stride of the offline contacts (two
  ``min_step_s``) after the foot's last rest and after its last landing (LIVE-36). After a pause (the foot at
  rest for the longest step period, ``max_step_s``, or more) the rhythm before it no longer times the gate and the
  swing bound, which are then these, until the analysis has a rhythm of the new bout (LIVE-38).

Its window is then [landing - lead, landing + the impact window] (lower back: ``stance_fraction`` of the
typical contact time), with a running maximum; the cue fires with the first batch in which the maximum exceeds the
target, and the excess at that moment sets the pitch.

Foot and shank (LIVE-29): the window is judged by the offline rule itself (impact.touchdown_peaks, IMPACT-9) on the
samples received, at a contact found as the offline detector places it. The contact is the peak of the event at the
recognised sample (the largest value within ``loading_lead_s`` of it), or where the axis still rises then, the peak
of that rise: the jerk that recognises a soft toe landing is the onset of the late-swing braking, ~50 ms before its
peak and ~100 ms before the touch. A peak is known once a later sample is lower. The rule then says whether the
event at the contact is the landing's own transient: its value is the running maximum from the contact, and the cue
fires once the event's peak is known and the maximum passes the target (until then a braking's onset and a heel
strike's rise look alike). While none of the last ``history_contacts`` windows had an event from the air (no soft
landings in this gait), the cue fires on the rise as before, with the first sample above the target: the wait would
cost a packet where the peak ends one; a gait's first soft landing after them is cued so, once, unless a stride came
to rest with its landing below the gait's level (LIVE-33): that counts as such a window, the new gait's landings being
softer, so its first soft landing waits for its peak too (LIVE-37). Else the event is from the air, and the value is
the peak from the start of the largest rise after the contact (the ground's push).
That rise's peak, once known, is judged the same way: a transient is the landing's own (the contact moves on to it
and it is decided as above); a larger event from the air (the braking, after a recognised sample on the swing's
descent) takes the contact over (the window waits for its peak, at most twice the impact window after the recognised
sample); a smaller slow rise starting below ``air_event_end_fraction`` of the event's peak is the ground's own slow
push after the touch (decided at once); anything else is decided when the impact window after the contact ends, on
the offline value.

The value logged is the contact's offline impact, committed later by the online detector; trigger windows are
matched to contacts by time (foot, shank: the contact judged), and a cue without a contact is logged as such
(a false cue).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.contacts import stance_score
from retrogait.analysis.filters import in_g
from retrogait.analysis.impact import impact_phase_s, touchdown_peaks
from retrogait.analysis.settings import ContactsSettings, ImpactSettings, preset
from retrogait.analysis.signals import BodySignals
from retrogait.conventions import ONE_LEG_PLACEMENTS, STANDARD_GRAVITY_MS2
from retrogait.live.settings import TriggerSettings
from retrogait.samples import nearest_samples

#: Samples of the stream kept for looking back from a landing (s).
_HISTORY_S = 1.0


def impact_axis_g(acc_ms2: NDArray[np.float64]) -> NDArray[np.float64]:
    """The impact axis (body z) of body-frame acceleration minus 1 g (g), as impact.impact_load reads it."""
    return np.asarray(in_g(acc_ms2[:, 2]) - 1.0)


def landing_jerks(signals: BodySignals, ic_idx: NDArray[np.int64], lead: int) -> NDArray[np.float64]:
    """Per contact, the largest |jerk| of the impact axis (g/s) within ``lead`` samples of the contact:
    how sharply this wearer's landings change the impact axis (sets the trigger's landing level)."""
    axis = impact_axis_g(signals.acc_ms2)
    jerk = np.abs(np.diff(axis, prepend=axis[:1])) * signals.fs_hz
    if ic_idx.size == 0:
        return np.zeros(0)
    idx = np.clip(ic_idx[:, None] + np.arange(-lead, lead + 1)[None, :], 0, jerk.size - 1)
    return np.asarray(jerk[idx].max(axis=1))


#: The first block of samples :func:`peak_times` searches after each window's start (doubling after): a foot's
#: 0.1 s window and its lead at 200 Hz fit in it; a block size, no result depends on it.
_PEAK_BLOCK: Final = 32


def peak_times(
    signals: BodySignals, ic_idx: NDArray[np.int64], peak: NDArray[np.float64], lead: int
) -> NDArray[np.float64]:
    """Time (s, the signals' clock) of each contact's impact peak sample: the first sample from the
    impact window's start, ``lead`` samples (impact.py's loading lead) before the contact, whose value is the
    reported peak (NaN without a peak). A fixed 0.1 s reach missed a peak further back under a longer lead (its
    bounds reach 0.2 s) and took an equal sample before a shorter one's window (REVIEW-136). Vectorised over the
    steps, the samples searched a block at a time (LIVE-70): the same times as one search per step to the end."""
    axis = impact_axis_g(signals.acc_ms2)
    t = signals.t_s
    n = axis.size
    out = np.full(ic_idx.size, np.nan)
    todo = np.flatnonzero(np.isfinite(peak)) if n else np.zeros(0, dtype=np.intp)
    lo = np.maximum(np.asarray(ic_idx, dtype=np.int64)[todo] - lead, 0)
    value = np.asarray(peak, dtype=np.float64)[todo]
    tol = 1e-9 * np.maximum(1.0, np.abs(value))
    start, width = 0, _PEAK_BLOCK
    while todo.size:  # every step at once, a block of samples after each window's start at a time (LIVE-70)
        idx = lo[:, None] + (start + np.arange(width))[None, :]
        hit = (idx < n) & (np.abs(axis[np.minimum(idx, n - 1)] - value[:, None]) <= tol[:, None])
        found = hit.any(axis=1)
        rows = np.flatnonzero(found)
        out[todo[rows]] = t[idx[rows, np.argmax(hit[rows], axis=1)]]
        more = ~found & (lo + start + width < n)  # not found yet, samples left after the block
        todo, lo, value, tol = todo[more], lo[more], value[more], tol[more]
        start, width = start + width, 2 * width
    return out


@dataclass(frozen=True)
class LandingRhythm:
    """The gait's timing from the latest window analysis (host clock s; NaN where unknown): medians over the recent
    contacts, and the shortest of their swings (``shortest_airborne_s``)."""

    last_ic_s: float
    last_to_s: float
    interval_s: float
    contact_s: float
    airborne_s: float
    landing_jerk_g_per_s: float
    shortest_airborne_s: float = math.nan

    @classmethod
    def of(cls, steps: Mapping[str, NDArray[Any]], whole: NDArray[np.bool_], history: int) -> LandingRhythm | None:
        """From a window's contacts (``ic_time_s, to_time_s, landing_jerk_g_per_s``, one array each), the
        last ``history`` of its ``whole`` stances (online.stances_seen); None with fewer than 3. The interval
        and the swing are taken between a contact and the window's very next one (LIVE-31): a stance between
        them without its toe-off (not whole) would add a stride to them."""
        rows = np.flatnonzero(whole)[-history:]
        if rows.size < 3:
            return None
        every_ic = np.asarray(steps["ic_time_s"], dtype=float)
        every_to = np.asarray(steps["to_time_s"], dtype=float)
        ic, to = every_ic[rows], every_to[rows]
        contact = to - ic
        contact = contact[np.isfinite(contact) & (contact > 0)]
        pairs = rows[rows < rows[-1]]
        airborne = every_ic[pairs + 1] - every_to[pairs]
        airborne = airborne[np.isfinite(airborne) & (airborne > 0)]
        return cls(
            last_ic_s=float(ic[-1]),
            last_to_s=float(to[-1]),
            interval_s=float(np.median(np.diff(every_ic[rows[0] : rows[-1] + 1]))),
            contact_s=float(np.median(contact)) if contact.size else math.nan,
            airborne_s=float(np.median(airborne)) if airborne.size else math.nan,
            landing_jerk_g_per_s=float(np.median(np.asarray(steps["landing_jerk_g_per_s"], dtype=float)[rows])),
            shortest_airborne_s=float(airborne.min()) if airborne.size else math.nan,
        )


def _airborne_s(r: LandingRhythm) -> float:
    """The typical swing (flight) of ``r`` (s): its own, else the interval less the contact."""
    contact = r.contact_s if math.isfinite(r.contact_s) else 0.0
    return r.airborne_s if math.isfinite(r.airborne_s) else max(r.interval_s - contact, 0.0)


def _shortest_airborne_s(r: LandingRhythm) -> float:
    """The shortest recent swing of ``r`` (s), else its typical one (LIVE-31's bound)."""
    return r.shortest_airborne_s if math.isfinite(r.shortest_airborne_s) else _airborne_s(r)


@dataclass
class ImpactWindow:
    """One recognised landing and its impact window (host clock s; ``*_arrival_s``: ``time.monotonic``
    arrival of the packet holding that sample).

    ``max_g``/``max_time_s``/``max_arrival_s``: the running maximum so far (final once ``closed``);
    ``cue_value_g``: the running maximum when the cue fired, ``cue_arrival_s`` the arrival of the packet
    that decided it (NaN without a cue). ``contact_s``: the contact the offline rule is judged at (foot, shank;
    NaN until known), ``from_air``: an event judged in it was a slow one from the air (IMPACT-9): the landing's own
    rise came after it.
    """

    onset_s: float
    start_s: float
    end_s: float
    contact_s: float = math.nan
    from_air: bool = False
    max_g: float = -math.inf
    max_time_s: float = math.nan
    max_arrival_s: float = math.nan
    cue_value_g: float = math.nan
    cue_arrival_s: float = math.nan
    closed: bool = False

    @property
    def cued(self) -> bool:
        return math.isfinite(self.cue_value_g)

    @property
    def landing_s(self) -> float:
        """Where the landing is (host clock s): the contact the rule was judged at, else the recognised sample."""
        return self.contact_s if math.isfinite(self.contact_s) else self.onset_s


class ImpactTrigger:
    """Recognises landings and decides cues as samples arrive (see the module).

    Args:
        placement: the sensor's placement (which impact window applies).
        sample_rate_hz: nominal rate (Hz), for the jerk.
        impact: the offline impact settings (window, lead).
        settings: the gate and the landing level.
        contacts: the offline contact settings, for the rest score (default: the placement's preset).
    """

    def __init__(
        self,
        placement: str,
        sample_rate_hz: float,
        impact: ImpactSettings,
        settings: TriggerSettings | None = None,
        contacts: ContactsSettings | None = None,
    ) -> None:
        self.placement = placement
        self.fs = sample_rate_hz
        self.impact = impact
        self.settings = settings or TriggerSettings()
        self.contacts = contacts or preset(placement).contacts
        self.vertical: NDArray[np.float64] | None = None
        self.rhythm: LandingRhythm | None = None
        self._t = np.zeros(0)
        self._axis = np.zeros(0)
        self._jerk = np.zeros(0)
        self._arrival = np.zeros(0)
        self._rested = np.zeros(0)  # per sample: when the segment was last at rest (host s; -inf: not seen)
        self._rest_tail: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]] | None = None
        self._rest_s = -math.inf  # the segment's last rest known so far (host s)
        #: the landing jerk (g/s) of a stride whose landing was not recognised, and when its rest began (host s)
        self._missed_jerk = math.nan
        self._missed_at_s = math.inf
        self._rest_run_s = -math.inf  # when the segment's current (or last) run of rest began (host s)
        self._paused_s = -math.inf  # the last rest known of the latest pause: a rest of max_step_s or more (host s)
        self._open: ImpactWindow | None = None
        self._last_onset_s = -math.inf
        self._last_landing: ImpactWindow | None = None
        self._last_end_s = -math.inf
        self._windows: list[ImpactWindow] = []  # closed or open, not yet matched to a contact
        #: per recent closed foot/shank window: its event was from the air (the gait has soft landings)
        self._recent_air: deque[bool] = deque(maxlen=self.settings.history_contacts)

    def update(self, vertical: NDArray[np.float64] | None, rhythm: LandingRhythm | None) -> None:
        """What the latest window analysis says: the impact axis (sensor coordinates) and the gait's timing."""
        if vertical is not None:
            self.vertical = vertical
        if rhythm is not None:
            self.rhythm = rhythm
            if rhythm.last_ic_s >= self._missed_at_s:  # the analysis has seen the gait of the missed stride
                self._missed_jerk, self._missed_at_s = math.nan, math.inf

    def feed(
        self,
        t_s: NDArray[np.float64],
        acc_ms2: NDArray[np.float64],
        arrival_s: NDArray[np.float64],
        target_g: float | None,
        gyr_dps: NDArray[np.float64] | None = None,
    ) -> list[ImpactWindow]:
        """Take a batch (host clock s, sensor-frame m/s^2 with gravity, per-sample packet arrival, sensor-frame
        deg/s or None) and return the windows whose running maximum first exceeded ``target_g`` in it (None: no
        cues)."""
        if t_s.size == 0:
            return []
        rested = self._rest_times(t_s, acc_ms2, gyr_dps)
        if self.vertical is None:
            return []
        axis = acc_ms2 @ self.vertical / STANDARD_GRAVITY_MS2 - 1.0
        before = self._axis[-1:] if self._axis.size else axis[:1]
        jerk = np.abs(np.diff(np.concatenate([before, axis]))) * self.fs
        keep = self._t > float(t_s[-1]) - _HISTORY_S
        first_new = int(keep.sum())
        self._t = np.concatenate([self._t[keep], t_s])
        self._axis = np.concatenate([self._axis[keep], axis])
        self._jerk = np.concatenate([self._jerk[keep], jerk])
        self._arrival = np.concatenate([self._arrival[keep], np.broadcast_to(arrival_s, t_s.shape)])
        self._rested = np.concatenate([self._rested[keep], rested])
        cued: list[ImpactWindow] = []
        position = first_new
        while True:  # one pass per landing event, not per sample
            if self._open is None:
                k = self._landing(position)
                if k is None:
                    break
                self._open = self._start(float(self._t[k]))
            window = self._open
            if self._advance(window, target_g):
                cued.append(window)
            if self._t[-1] < window.end_s:
                break
            window.closed = True
            if math.isfinite(window.contact_s):
                self._recent_air.append(window.from_air)
            self._open = None
            self._last_end_s = window.end_s
            position = int(np.searchsorted(self._t, window.end_s, side="right"))
        self._missed_landing(first_new)
        self._note_pause(first_new)
        return cued

    def _landing(self, position: int) -> int | None:
        """Index (into the history) of the first landing sample from ``position``, or None."""
        r = self.rhythm
        if r is None and self.placement != "foot":
            return None
        jerk = self._missed_jerk if r is None else float(np.fmin(r.landing_jerk_g_per_s, self._missed_jerk))
        looking = self._looking(position)
        if math.isfinite(jerk):
            level: float | NDArray[np.float64] = self.settings.landing_jerk_fraction * jerk
        elif r is None:  # the first stride from standing: its landing is its sharpest change so far
            level = self._stride_jerk(position, looking)
        else:
            return None
        hit = np.flatnonzero(looking & (self._jerk[position:] >= level))
        return position + int(hit[0]) if hit.size else None

    def _stride_jerk(self, position: int, looking: NDArray[np.bool_]) -> NDArray[np.float64]:
        """Per sample from ``position`` where a landing is looked for, the largest jerk (g/s) since the segment's last
        rest before it (its push-off's): the first stride from standing, before any level is known (LIVE-36). Where a
        landing was recognised since that rest (its stance did not rest), at most ``landing_jerk_fraction`` of that
        landing's jerk, as the rhythm's level is of the analysis' landings: a forefoot runner's toe-off (the ground
        letting go as the foot turns fastest, 830-1150 g/s at 4 m/s) is two to three times as sharp as its landing
        (300-440 g/s), so the stride's sharpest change since the standing was a toe-off, the next landings passed
        under it and a later toe-off past the gate was taken for a landing (LIVE-40). NaN elsewhere."""
        out = np.full(self._t.size - position, np.nan)
        at = position + np.flatnonzero(looking)
        for rest in np.unique(self._rested[at]).tolist():  # the samples looked at hold one or two rests
            if not math.isfinite(rest):
                continue  # no rest seen (or no gyroscope): no stride to look at
            idx = at[self._rested[at] == rest]
            lo = int(np.searchsorted(self._t, rest, side="right"))
            if idx[-1] <= lo:
                continue
            before = np.maximum.accumulate(self._jerk[lo : idx[-1]])  # before[k - lo - 1]: the largest before k
            mine = idx > lo
            out[idx[mine] - position] = before[idx[mine] - lo - 1]
            if self._last_onset_s > rest:  # a landing since the rest, whose stance did not rest (LIVE-40)
                out[idx - position] = np.fmin(out[idx - position], self._landing_level())
        return np.where(out > 0, out, np.nan)  # a stride that has not moved yet has no push-off

    def _landing_level(self) -> float:
        """``landing_jerk_fraction`` of the last recognised landing's jerk (g/s): the largest in its impact window
        (from ``loading_lead_s`` before its contact to ``window_s`` after; NaN where it left the history)."""
        w = self._last_landing
        if w is None:
            return math.nan
        near = self._jerk[(self._t >= w.start_s) & (self._t <= w.end_s)]
        return self.settings.landing_jerk_fraction * float(near.max()) if near.size else math.nan

    def _rests_began(self, first_new: int) -> NDArray[np.intp]:
        """Indices (into the history, from ``first_new``) where the segment came to rest again after moving: its last
        rest moved on by more than the shortest step (``min_step_s``), the least a stride moves between two rests. Not
        by a sample period or two: a phone's sensor times come up to half a period early or late, and a run of rest
        cut there was never the longest step long, so a pause went unseen (LIVE-39)."""
        lo = max(first_new, 1)
        return lo + np.flatnonzero(self._rested[lo:] > self._rested[lo - 1 : -1] + self.contacts.min_step_s)

    def _missed_landing(self, first_new: int) -> None:
        """Foot, shank with a gyroscope: where the segment came to rest in the new samples (from ``first_new``) and
        no landing was recognised since its previous rest, the stride's landing was missed (after a change of gait
        the level is still the old gait's: a heel strike's jerk against a soft toe landing's); its largest jerk
        from the shortest swing after the previous rest to this one is that landing's, and the level follows it
        until the analysis has seen that gait (LIVE-33). A stride is seen moving for at least that swing between its
        rests: a gap in the stream while at rest also moves the rest on, with no stride in it (LIVE-34)."""
        if self.rhythm is None and self.placement != "foot":
            return  # before a rhythm only the foot's strides are looked at (LIVE-36)
        if self._rested.size < 2 or first_new >= self._rested.size:
            return
        began = self._rests_began(first_new)
        shortest = self._shortest_swing_s()
        for j in began.tolist():  # at most one a stride
            left, rest = float(self._rested[j - 1]), float(self._rested[j])
            if not math.isfinite(left) or self._last_onset_s > left:
                continue  # no rest before, or a landing was recognised in the stride
            if np.count_nonzero((self._t > left) & (self._t < rest)) < shortest * self.fs:
                continue  # not seen moving for a swing: a gap in the stream at rest, no stride (LIVE-34)
            swing = (self._t >= left + shortest) & (self._t <= rest)
            if swing.any():
                self._missed_jerk, self._missed_at_s = float(self._jerk[swing].max()), rest
                if self.rhythm is not None:  # softer than the gait's: the rise cue waits for this gait's (LIVE-37)
                    self._recent_air.append(True)

    def _rest_times(
        self, t_s: NDArray[np.float64], acc_ms2: NDArray[np.float64], gyr_dps: NDArray[np.float64] | None
    ) -> NDArray[np.float64]:
        """Per sample of a batch, when the segment was last at rest before it (host clock s; -inf: not seen, or no
        gyroscope): the offline rest score (contacts.stance_score) below ``rest_level_score``, counted once the
        score's window is complete (half a window, ~20 ms, after the sample)."""
        if gyr_dps is None or self.placement not in ONE_LEG_PLACEMENTS:
            return np.full(t_s.size, -math.inf)
        size = max(2, nearest_samples(self.contacts.rest_window_s, self.fs))  # as stance_score's (CONTACT-15)
        tail = self._rest_tail
        t, acc, gyr = (t_s, acc_ms2, gyr_dps) if tail is None else (
            np.concatenate([tail[0], t_s]), np.concatenate([tail[1], acc_ms2]), np.concatenate([tail[2], gyr_dps])
        )  # fmt: skip
        m = t.size - t_s.size
        score = stance_score(acc, gyr, self.fs, self.contacts)
        at_rest = np.where(score < self.contacts.rest_level_score, t, -math.inf)
        # counted in earlier batches (known half a window before the tail's end), and their windows may reach before
        # the tail; those after were not, and their windows lie in it (or it holds the stream from its start; LIVE-35)
        at_rest[: max(m - size // 2, 0)] = -math.inf
        before = self._rest_s
        last = np.maximum.accumulate(np.concatenate([[before], at_rest]))  # last[k + 1]: up to sample k
        known = np.arange(m, t.size) - size // 2  # the latest sample whose rest score is known at each new one
        self._rest_tail = (t[-2 * size :], acc[-2 * size :], gyr[-2 * size :])
        rested = np.where(known >= 0, last[np.maximum(known, 0) + 1], before)
        self._rest_s = float(rested[-1])
        return np.asarray(rested)

    def _looking(self, position: int) -> NDArray[np.bool_]:
        """Mask of the history's samples from ``position`` at which a landing is looked for: after :meth:`gate_s`;
        at the foot and shank with a gyroscope, also at least the shortest recent swing after the segment's last
        rest (the offline rest score, contacts.stance_score; LIVE-31). The segment left the ground after that rest
        and flew a whole swing before it lands, while its toe-off follows the rest by the heel's rise alone
        (walking: ~20 % of the stride against the swing's ~40 %); the toe-off's jerk (the push leaves the ground)
        is as sharp as a soft landing's, and a toe-off taken for a landing set the next gate a stride later at the
        next toe-off, stride after stride. The shortest swing, not the typical one: a bound, and the swing
        shortens while a run speeds up from standing."""
        t_s = self._t[position:]
        looking = t_s >= self.gate_s()
        if self.placement in ONE_LEG_PLACEMENTS:
            looking &= t_s - self._rested[position:] >= self._shortest_swing_s()
        return np.asarray(looking)

    def _note_pause(self, first_new: int) -> None:
        """Foot with a gyroscope: where the segment's rest has lasted the longest step period (``max_step_s``) or
        more, it paused: the rhythm of the contacts before it says nothing of the next bout's timing (LIVE-38)."""
        if self.placement != "foot" or first_new >= self._rested.size:
            return
        began = self._rests_began(first_new)
        if began.size:
            self._rest_run_s = float(self._rested[began[-1]])
        if self._rest_s - self._rest_run_s >= self.contacts.max_step_s:
            self._paused_s = self._rest_s

    def _timing(self) -> LandingRhythm | None:
        """The rhythm whose timing the gate and the swing bound go by: None before the analysis has one and, at the
        foot, where its last contact lies before the latest pause (LIVE-36, LIVE-38)."""
        r = self.rhythm
        return None if r is None or r.last_ic_s < self._paused_s else r

    def _shortest_swing_s(self) -> float:
        """The shortest swing a landing follows the segment's last rest by (s): the recent contacts' (LIVE-31), or
        before the analysis has a rhythm, the shortest step period of the offline contacts (``min_step_s``): a
        running foot flies longer than its step (the flight is the other foot's step less its contact) and a
        walking foot's swing, ~40 % of the stride, exceeds the shortest walking step's 0.8 x 0.45 s (LIVE-36)."""
        r = self._timing()
        return 2 * self.contacts.min_step_s if r is None else _shortest_airborne_s(r)

    def gate_s(self) -> float:
        """From when a landing is looked for (host clock s): ``gate_airborne_fraction`` of the typical
        swing after the last toe-off (see the module); never inside the last window."""
        r = self._timing()
        if r is None:  # a landing of its own stride only: one stride (two shortest steps) after the last (LIVE-36)
            return max(self._last_onset_s + 2 * self.contacts.min_step_s, self._last_end_s)
        last_ic, last_to = r.last_ic_s, r.last_to_s
        if self._last_onset_s > last_ic + 0.5 * r.interval_s:  # the trigger saw a landing the analysis has not
            last_ic, last_to = self._last_onset_s, math.nan
        contact = r.contact_s if math.isfinite(r.contact_s) else 0.0
        toe_off = last_to if math.isfinite(last_to) and last_to > last_ic else last_ic + contact
        return max(toe_off + self.settings.gate_airborne_fraction * _airborne_s(r), self._last_end_s)

    def _measured_phase_s(self) -> float | None:
        """The impact phase (s) impact.impact_load reads from the contact time for this placement, None where it
        takes the setting ``impact.window_s`` instead."""
        r = self.rhythm
        if self.placement not in ONE_LEG_PLACEMENTS and r is not None and math.isfinite(r.contact_s):
            return float(impact_phase_s(r.contact_s, self.impact))
        return None

    def window_s(self) -> float:
        """Length of the impact window after the landing (s): impact.impact_load's for this placement."""
        phase = self._measured_phase_s()
        return self.impact.window_s if phase is None else phase

    def _window_samples(self) -> int:
        """The foot's or shank's ``impact.window_s`` in samples as impact.py counts it for the offline rule it is
        judged by (:meth:`_judge`; at least 2, samples.py's rule: CONTACT-15). A measured impact phase (the lower
        back) is never judged so: its cue is :meth:`_advance`'s running maximum over the window's time (LIVE-69)."""
        return max(2, nearest_samples(self.impact.window_s, self.fs))

    def _start(self, onset_s: float) -> ImpactWindow:
        window = ImpactWindow(onset_s, onset_s - self.impact.loading_lead_s, onset_s + self.window_s())
        self._last_onset_s = onset_s
        self._last_landing = window
        self._windows.append(window)
        return window

    def _advance(self, w: ImpactWindow, target_g: float | None) -> bool:
        """The running maximum of ``w`` over the samples received; True when the cue fires now.

        The window is the samples from ``start_s`` to ``end_s`` in time, floor(window x fs) after the recognised
        landing where impact.py counts round(...) after the offline contact; the landing is recognised a sample or
        two after that contact (lower back, 200 Hz: median 2), so the later end holds what the offline window
        does not, and counting round(...) made the cue agree with the offline impact less often (LIVE-69)."""
        lead = nearest_samples(self.impact.loading_lead_s, self.fs)  # as impact.py's (CONTACT-15)
        if self.placement in ONE_LEG_PLACEMENTS and lead >= 1:
            return self._advance_landing(w, target_g, lead)
        lo = int(np.searchsorted(self._t, w.start_s, side="left"))  # a window spans a few dozen samples
        hi = int(np.searchsorted(self._t, w.end_s, side="right"))
        if hi <= lo:
            return False
        seg = self._axis[lo:hi]
        k = int(np.argmax(seg))
        if seg[k] > w.max_g:
            w.max_g, w.max_time_s, w.max_arrival_s = float(seg[k]), float(self._t[lo + k]), float(self._arrival[lo + k])
        if w.cued or target_g is None or w.max_g <= target_g:
            return False
        # decided by the first sample above the target, but not before the landing was recognised
        above = lo + int(np.argmax(seg > target_g)) if (seg > target_g).any() else lo + k
        decided = max(above, int(np.searchsorted(self._t, w.onset_s)))
        w.cue_value_g = w.max_g
        w.cue_arrival_s = float(self._arrival[min(decided, self._t.size - 1)])
        return True

    def _advance_landing(self, w: ImpactWindow, target_g: float | None, lead: int) -> bool:
        """Foot, shank: ``w`` judged by the offline rule on the samples received (see the module); True when
        the cue fires now. Until the rule can be applied the window stays open and quiet, unless the recent
        landings were all their own transients: then the cue fires on the rise, as before LIVE-29."""
        early = not w.cued and target_g is not None and not any(self._recent_air) and self._early(w, target_g)
        return self._judge(w, target_g, lead) or early

    def _judge(self, w: ImpactWindow, target_g: float | None, lead: int) -> bool:
        """``w``'s value by the offline rule on the samples received; True when its cue fires now."""
        t, x = self._t, self._axis
        if not math.isfinite(w.contact_s):
            first = self._contact(w, lead)
            if first is None:
                return False
            self._anchor(w, float(t[first]))
        window = self._window_samples()
        rise = self.impact.transient_rise_fraction
        bound = w.onset_s + 2 * self.window_s()
        slow = False
        while True:  # at most a few events per window: the contact moves on to the landing's own
            contact = int(np.searchsorted(t, w.contact_s))
            found = touchdown_peaks(x, np.array([contact]), np.array([window]), lead, rise)
            if found.event[0] >= t.size - 1:
                return False  # the event at the contact still rises: its peak is not known yet
            air = not bool(found.transient[0])
            w.from_air = w.from_air or air
            k = int(found.peak_sample[0])
            if not air or k <= contact or t[k] > bound:
                break
            if k + 1 >= t.size:  # the rise's peak is not known yet: the window waits for it
                w.end_s = max(w.end_s, float(t[k]) + 2.0 / self.fs)
                break
            there = touchdown_peaks(x, np.array([k]), np.array([window]), lead, rise)
            if not (there.transient[0] or x[k] > x[found.event[0]]):
                start = int(found.sample[0, found.start[0]])
                ended = x[start] <= self.settings.air_event_end_fraction * max(float(x[found.event[0]]), 0.0)
                slow = ended  # the ground's own slow rise after the event: its peak is known now
                break  # else a smaller event from the air: the ground's rise is still to come
            self._anchor(w, float(t[k]))  # the landing's transient, or the larger event from the air ending at it
        value = float(found.peak[0])
        w.max_g, w.max_time_s, w.max_arrival_s = value, float(t[k]), float(self._arrival[k])
        closing = t[-1] >= w.end_s
        if w.cued or target_g is None or value <= target_g or (air and not (closing or slow)):
            return False
        start = int(found.sample[0, found.start[0]])
        above = start + int(np.argmax(x[start:] > target_g))
        # decided with the sample that completed its evidence, and not before the landing was recognised nor the contact
        # known (the sample after it lower): a transient peaking just before the jerk on its fall that recognised it,
        # or one whose peak is two equal samples, is cued with the packet of the sample that told it (LIVE-51)
        known = max(int(np.searchsorted(t, w.onset_s)), contact + 1)
        decided = t.size - 1 if air and not slow else max(above, k + 1 if slow else int(found.event[0]) + 1, known)
        w.cue_value_g = value
        w.cue_arrival_s = float(self._arrival[min(decided, t.size - 1)])
        return True

    def _early(self, w: ImpactWindow, target_g: float) -> bool:
        """Where the recent landings were all their own transients (none from the air): the cue fires with the
        first sample above the target from the recognised landing less the lead, before the event's peak is known
        (LIVE-7's running maximum; a gait's first soft landing after transients is cued so, once)."""
        t, x = self._t, self._axis
        lo = int(np.searchsorted(t, w.start_s, side="left"))
        onset = int(np.searchsorted(t, w.onset_s))
        seg = x[lo:]
        above = np.flatnonzero(seg > target_g)
        if not above.size:
            return False
        w.cue_value_g = float(seg.max())
        w.cue_arrival_s = float(self._arrival[max(lo + int(above[0]), min(onset, t.size - 1))])
        return True

    def _anchor(self, w: ImpactWindow, contact_s: float) -> None:
        """The offline rule is judged at ``contact_s`` from now on: the window is the impact window after it."""
        w.contact_s = contact_s
        w.start_s = contact_s - self.impact.loading_lead_s
        w.end_s = contact_s + self.window_s()

    def _contact(self, w: ImpactWindow, lead: int) -> int | None:
        """Index of the contact the offline rule is judged at: the peak of the event at the recognised landing
        (the largest value within ``lead`` of it), or where the axis still rises ``lead`` samples after it, the
        peak of that rise (bounded by the impact window); None until known (a peak is known once a later sample
        is lower)."""
        t, x = self._t, self._axis
        onset = int(np.searchsorted(t, w.onset_s))
        lo, hi = max(onset - lead, 0), min(onset + lead + 1, t.size)
        edge = lo + int(np.argmax(x[lo:hi]))
        if edge < onset + lead:  # the event's peak, within the lead (a jerk on the fall of a transient is late)
            return edge if edge < t.size - 1 else None
        bound = int(np.searchsorted(t, w.onset_s + self.window_s(), side="right"))
        end = min(bound, t.size)
        falls = np.flatnonzero(x[edge + 1 : end] < x[edge : end - 1])
        if falls.size:
            return edge + int(falls[0])
        return bound - 1 if bound < t.size else None

    # ------------------------------------------------------------------------- matching to contacts

    @property
    def windows(self) -> tuple[ImpactWindow, ...]:
        """The windows recognised and not yet matched to a contact (oldest first)."""
        return tuple(self._windows)

    def take_matching(self, ic_time_s: float) -> ImpactWindow | None:
        """The window of the landing at ``ic_time_s`` (its landing within the impact window of it), removed."""
        tolerance = self.window_s() + self.impact.loading_lead_s
        best = None
        for w in self._windows:
            off = abs(w.landing_s - ic_time_s)
            if off <= tolerance and (best is None or off < abs(best.landing_s - ic_time_s)):
                best = w
        if best is not None:
            self._windows.remove(best)
        return best

    def take_unmatched(self, before_s: float) -> list[ImpactWindow]:
        """Closed windows that ended before ``before_s`` and matched no contact (removed)."""
        old = [w for w in self._windows if w.closed and w.end_s < before_s]
        self._windows = [w for w in self._windows if w not in old]
        return old
