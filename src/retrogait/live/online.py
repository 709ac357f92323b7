"""Online steps: the offline analysis stages on short windows of the live stream (LIVE-1, LIVE-6).

There is no second step detector. The samples received (host clock) are kept; at grid times ``hop_s``
apart (counted from the first sample) the newest ``window_s`` up to the grid time go through the very
stages ``retrogait.analyze`` runs -- preprocess, contacts, timing, impact, the direction cues -- with
the placement's ``AnalysisSettings``. A window whose last ``transition_window_s`` hold standing (a
start or a stop) reaches back that far: the gait gate and the stride estimate then see the walk next
to the standing, as offline (LIVE-12). So is a window whose gait gate keeps no contact while contacts wait
(a change of gait without standing: the two rhythms mixed, neither long enough in 4 s to stand alone): the same
grid time is analysed again reaching back (LIVE-42). Because windows end on the grid, what a contact is decided on
is a function of the samples alone, not of when packets arrived or threads ran.

A contact found in a window is **committed** (reported once, final) when the window also holds the
contacts of the stride after it (``lookahead_strides``: one-leg placements the next contact, both legs
the next two) -- so its landing was searched with the context it has offline, the previous and the
next mid-stance -- or ``max_wait_s`` after it without them (the wearer stopped), or when the
recording ends. A window younger than ``window_s`` (the recording's first seconds) commits nothing:
its stride estimate rests on a stride or two. A waiting contact that a later window no longer holds
(a stop: the gait gate sees no run of gait in it) is decided on the last window that held it,
``max_wait_s`` after it, unless a later window holds a contact after it or within half its typical
interval before it (then that window placed the landing elsewhere: superseded, LIVE-11, LIVE-12).
Contacts are committed in time order; one within ``min_separation_s`` of a committed contact is that
contact found again (on one leg: within the shortest stride the offline detector keeps between two landings, two
``min_step_s``, LIVE-47, unless the window holds the committed contact where it was committed, REVIEW-49). Its
direction comes from the causal Markov filter with that same lag
(live/direction_filter.py).

The body frame: preprocessing takes the vertical from still stretches of its input (at least 50
samples), else from the mean over all of it, which tilts with the gait in a window in mid-run. So the
detector keeps the latest still samples it has seen (up to ``still_reference_s`` of them) and puts them
in front of a window that has fewer: every window is analysed in the standing frame of the recording.
When the anterior sign is not known (no anterior axis declared), each window's +x is turned to agree
with the previous window's, so the axis evidence of successive windows adds up.
A walking trunk's typical step, which tells a missed contact's interval from a step, is taken over the
walking steps of the contacts committed before the window as well as the window's own, once there are
enough of them (direction.typical_walking_step, LIVE-24): a 4 s window holds too few steps to see it.

A foot or shank streamed without gyroscope is checked as offline (PHONE-17): with the window after the 20th
contact committed (and after 40, 80, ...) the samples received go through the offline check
(live/leg_check.py); where they show both legs' steps the detector goes on as ``other`` (PHONE-18, LIVE-46).

Work is split for the live runner: :meth:`OnlineStepDetector.windows_due` (cheap, on the thread that
feeds samples) -> :func:`analyse_window` (pure, any thread) -> :meth:`OnlineStepDetector.commit`
(cheap, on the feeding thread). :meth:`OnlineStepDetector.step` does all three.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.contacts import detect_contacts
from retrogait.analysis.direction import (
    direction_cue_columns,
    link_switch_probability,
    own_bout_ends,
    standing_between,
    travel_evidence,
    walking_steps_s,
)
from retrogait.analysis.flight_check import slow_flights_as_walking
from retrogait.analysis.impact import impact_peaks, step_timing_columns
from retrogait.analysis.leg_rhythm import LegRhythm, both_legs_note
from retrogait.analysis.pipeline import gait_contacts, settings_as_other
from retrogait.analysis.preprocess import preprocess, still_mask
from retrogait.analysis.settings import AnalysisSettings
from retrogait.analysis.signals import BodySignals
from retrogait.analysis.transient import LandingTransients
from retrogait.analysis.travel import FORGET
from retrogait.conventions import ONE_LEG_PLACEMENTS
from retrogait.errors import RetrogaitError
from retrogait.live.direction_filter import OnlineDirection
from retrogait.live.leg_check import LegCheck, rhythm_of_received
from retrogait.live.settings import OnlineSettings, TriggerSettings
from retrogait.live.trigger import LandingRhythm, landing_jerks, peak_times
from retrogait.samples import nearest_samples
from retrogait.session import Session, SessionMeta

#: The travel evidence per contact: log-likelihoods of +x, -x and sideways (direction.travel_evidence).
EVIDENCE_COLUMNS = ("evidence_plus_x", "evidence_minus_x", "evidence_lateral")
#: Cue columns that decide the facing and the conflict cap (direction.facing_probability_from_cues).
FACING_CUES = ("x_log_odds", "free_log_odds", "pitch_asymmetry_log_ratio", "strike_consistency")
#: Still samples preprocessing needs before it takes the vertical from them (preprocess._vertical).
MIN_STILL_SAMPLES = 50
#: Committed contacts remembered for the step time.
_HISTORY = 16
#: Committed walking steps remembered for the walking trunk's typical step (LIVE-24; as the facing's memory).
_WALKING_STEPS = 500
#: Intervals between committed contacts remembered for the pause's limit (LIVE-41; as the facing's memory).
_INTERVALS = 500


@dataclass(frozen=True)
class LiveStep:
    """One committed contact (all times on the recording's host clock, s).

    Attributes:
        ic_time_s: initial contact.
        to_time_s: toe-off (NaN when not found).
        peak_time_s: time of the impact peak sample (NaN without an impact).
        impact_peak_g: offline definition (impact.py): the largest impact-axis acceleration minus 1 g
            in the impact window after contact (g).
        direction: ``forward``, ``backward``, ``sideways`` or ``unknown`` (causal filter, one stride of lag).
        direction_confidence: posterior probability of that direction (0..1).
        side: ``left``, ``right`` or ``unknown``.
        step_time_s: time since the previous committed contact (one-leg placements: half the
            stride), NaN after a pause or for the first contact.
        ready_time_s: newest sample time of the window that committed it.
        contact_time_s: toe-off minus initial contact (NaN without a toe-off).
        placement: the placement it was analysed as: the declared one, or ``other`` once the stream was read as
            both legs' steps (LIVE-46); empty where not given.
    """

    ic_time_s: float
    to_time_s: float
    peak_time_s: float
    impact_peak_g: float
    direction: str
    direction_confidence: float
    side: str
    step_time_s: float
    ready_time_s: float
    contact_time_s: float = float("nan")
    placement: str = ""

    @property
    def cadence_spm(self) -> float:
        """60 / this step's time (steps/min); NaN without a step time."""
        return 60.0 / self.step_time_s if np.isfinite(self.step_time_s) and self.step_time_s > 0 else float("nan")


@dataclass(frozen=True)
class Window:
    """The samples one analysis sees: times relative to ``t0_s`` (host clock s), the still reference in front.

    ``reference_x``: the previous window's anterior axis in sensor coordinates (keeps an unknown sign).
    ``standing_only``: every sample of its last ``window_s`` is still (nothing to find in it).
    ``earlier_steps_s``: the walking trunk's steps (s) of the contacts committed before the window's first
    sample (direction.typical_walking_step, LIVE-24).
    ``start_s``: the window's own first sample (host clock s); the still reference lies before it.
    ``earlier_intervals_s``: the intervals (s) between the contacts committed before its first sample, each
    to the committed one before it: the pause's limit is over the session's median interval (LIVE-41).
    ``received``: the samples received up to its end (host clock s, m/s^2), for PHONE-17's check (live/leg_check.py,
    LIVE-46); None when no check is due with it.
    """

    end_s: float
    t0_s: float
    t_s: NDArray[np.float64]
    acc_ms2: NDArray[np.float64]
    gyr_dps: NDArray[np.float64] | None
    final: bool = False
    reference_x: NDArray[np.float64] | None = None
    standing_only: bool = False
    earlier_steps_s: NDArray[np.float64] | None = None
    start_s: float = -math.inf
    earlier_intervals_s: NDArray[np.float64] | None = None
    received: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None


@dataclass(frozen=True)
class WindowResult:
    """What the offline stages found in one window.

    ``steps`` (one array per column, one row per contact, host clock): ``ic_time_s, to_time_s,
    impact_peak_g, peak_time_s, side, landing_jerk_g_per_s``, ``switch_before`` (probability that the
    travel state changed since the window's previous contact, direction.link_switch_probability),
    ``bout_start`` (a bout ends between it and the window's previous contact: standing or a change of gait,
    direction.own_bout_ends; True for the window's first contact), ``standing_before`` (the wearer stood between it
    and the window's previous contact, direction.standing_between; True for the first), ``walking_step_s`` (the
    walking trunk's measured step to the next contact, NaN if none: direction.walking_steps_s), the
    travel evidence EVIDENCE_COLUMNS (direction.travel_evidence), the FACING_CUES present and, at a foot
    or shank with a gyroscope, ``own_swing_lost`` (a recording gap took the contact's own swing: DIRECTION-49).
    ``sign_known``: the anterior sign was known; ``relative``: the evidence is relative to the sensor's
    +x; ``signals``: the window's body-frame signals (None when the window could not be analysed).
    ``start_s``: the window's own first sample (host clock s; Window.start_s).
    ``leg_checked``: PHONE-17's check was run with it; ``leg_rhythm``: its reading (None: too little gait).
    """

    end_s: float
    final: bool
    steps: dict[str, NDArray[Any]]
    sign_known: bool
    signals: BodySignals | None
    relative: bool = False
    start_s: float = -math.inf
    leg_checked: bool = False
    leg_rhythm: LegRhythm | None = None

    @property
    def n_contacts(self) -> int:
        return len(self.steps["ic_time_s"])


@dataclass(frozen=True)
class _Held:
    """A contact waiting to be committed: its time (s), row and look-ahead rows in the latest window that held it."""

    ic_s: float
    i: int
    lag: list[int]
    result: WindowResult


_STEP_COLUMNS = ("ic_time_s", "to_time_s", "impact_peak_g", "peak_time_s", "side", "landing_jerk_g_per_s",
                 "switch_before", "bout_start", "standing_before", "walking_step_s")  # fmt: skip


def analyse_window(
    window: Window,
    meta: SessionMeta,
    anterior_axis: str | None,
    settings: AnalysisSettings,
) -> WindowResult:
    """The offline stages, with the offline settings, on one window (pure: safe in a worker thread); with
    ``window.received``, PHONE-17's check of them too (live/leg_check.py).

    A window the stages refuse (too short, flat: the offline one-line errors) gives no contacts.
    """
    if window.received is not None:
        rhythm = rhythm_of_received(*window.received, meta, settings)
        result = analyse_window(replace(window, received=None), meta, anterior_axis, settings)
        return replace(result, leg_checked=True, leg_rhythm=rhythm)
    no_steps: dict[str, NDArray[Any]] = {name: np.zeros(0) for name in _STEP_COLUMNS}
    empty = WindowResult(window.end_s, window.final, no_steps, True, None, start_s=window.start_s)
    session = Session(window.t_s, window.acc_ms2, window.gyr_dps, meta)
    try:
        signals = preprocess(
            session, meta.placement, meta.side, anterior_axis, settings=settings.preprocess, still=settings.still
        )
    except RetrogaitError:
        return empty
    signals = _same_facing(signals, window.reference_x)
    found = detect_contacts(signals, settings.contacts, settings.still, settings.phone_steps, settings.impact)
    contacts, _ = gait_contacts(signals, found, settings)
    if len(contacts) == 0:
        return replace(empty, signals=signals, sign_known=signals.anterior_sign_known)
    # the stages' column entry points: the values of analyze's tables, without building the tables
    timing = step_timing_columns(signals, contacts, settings.timing)
    if signals.placement == "lower_back":  # a flight at a walker's cadence is walking, as offline (PHONE-15, REVIEW-20)
        contacts, slow = slow_flights_as_walking(contacts, timing["step_time_s"])
        timing = step_timing_columns(signals, contacts, settings.timing) if slow else timing
    peak, _ = impact_peaks(signals, contacts, timing["contact_time_s"], settings.impact)
    transients = LandingTransients(signals, contacts, settings.transient)
    earlier = window.earlier_steps_s
    cues = direction_cue_columns(signals, contacts, settings.direction, transients, earlier_steps_s=earlier)
    evidence, relative = travel_evidence(cues, signals, settings.direction)
    switch = link_switch_probability(
        signals,
        contacts,
        cues,
        settings.direction,
        earlier_steps_s=earlier,
        earlier_intervals_s=window.earlier_intervals_s,
    )
    lead = nearest_samples(settings.impact.loading_lead_s, signals.fs_hz)  # as impact.py's (CONTACT-15)
    columns: dict[str, NDArray[Any]] = {
        "ic_time_s": timing["ic_time_s"] + window.t0_s,
        "to_time_s": timing["to_time_s"] + window.t0_s,
        "impact_peak_g": peak,
        "peak_time_s": peak_times(signals, contacts.ic_idx, peak, lead) + window.t0_s,
        "side": contacts.side.astype(object),
        "landing_jerk_g_per_s": landing_jerks(signals, contacts.ic_idx, lead),
        "switch_before": np.concatenate([[np.nan], switch]),
        "bout_start": np.concatenate([[True], own_bout_ends(signals, contacts, cues, settings.direction)]),
        "standing_before": np.concatenate([[True], standing_between(signals, contacts, settings.direction)]),
        "walking_step_s": walking_steps_s(signals, contacts, settings.direction),
    }
    for k, name in enumerate(EVIDENCE_COLUMNS):
        columns[name] = evidence[:, k]
    for name in FACING_CUES:
        if name in cues:
            columns[name] = np.asarray(cues[name], dtype=float)
    if "own_swing_lost" in cues:  # a foot or shank contact whose own swing a gap took (DIRECTION-49)
        columns["own_swing_lost"] = np.asarray(cues["own_swing_lost"], dtype=float) > 0
    return WindowResult(
        window.end_s, window.final, columns, signals.anterior_sign_known, signals, relative, window.start_s
    )


def stances_seen(steps: Mapping[str, NDArray[Any]], end_s: float) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Which of a window's contacts (``ic_time_s, to_time_s``) have their mid-stance, and which their
    whole stance, inside the window (it ends at ``end_s``).

    Mid-stance: half the window's typical contact time after the contact (without toe-offs in the
    window -- lower back walking, no gyroscope -- half the typical interval between contacts). Whole
    stance: the toe-off found, at least half the typical contact time after the contact (without
    toe-offs: the mid-stance). A contact at the window's very end is often a lull of the swing taken
    for a stance (the end is padded as a rest); a stance whose middle is not in the window does not
    count as the next stride's (the commit rule), nor one without its toe-off for the trigger's timing.
    """
    ic = np.asarray(steps["ic_time_s"], dtype=float)
    contact = np.asarray(steps["to_time_s"], dtype=float) - ic
    has_to = np.isfinite(contact) & (contact > 0)
    if has_to.any():
        typical = float(np.median(contact[has_to]))
        return np.asarray(ic + 0.5 * typical <= end_s), np.asarray(has_to & (contact >= 0.5 * typical))
    interval = float(np.median(np.diff(ic))) if ic.size > 1 else 0.0
    mid = np.asarray(ic + 0.5 * interval <= end_s)
    return mid, mid


def _same_facing(signals: BodySignals, reference_x: NDArray[np.float64] | None) -> BodySignals:
    """With an unknown anterior sign, the body frame turned half round about z when its +x points
    away from the previous window's (x -> -x, y -> -y): contacts do not change, cues keep their sign."""
    rot = signals.sensor_to_body
    if signals.anterior_sign_known or rot is None or reference_x is None or float(rot[0] @ reference_x) >= 0:
        return signals
    turn = np.array([-1.0, -1.0, 1.0])
    return replace(
        signals,
        acc_ms2=signals.acc_ms2 * turn,
        gyr_dps=signals.gyr_dps * turn if signals.gyr_dps is not None else None,
        sensor_to_body=rot * turn[:, None],
    )


class OnlineStepDetector:
    """Commits contacts from a live stream using only the samples received so far (see the module).

    Args:
        placement, side, anterior_axis: as the session header would give them.
        sample_rate_hz: nominal rate of the stream (Hz).
        acc_range_g: the sensor's range (+-g), for the clipping flags, or None.
        settings: windows and the commit rule.
        analysis: the offline settings the stages run with (default: the placement's preset, as
            ``retrogait analyze`` uses).
        trigger: settings of the rhythm handed to the impact trigger.
    """

    def __init__(
        self,
        placement: str,
        sample_rate_hz: float,
        side: str | None = None,
        anterior_axis: str | None = None,
        acc_range_g: float | None = None,
        settings: OnlineSettings | None = None,
        analysis: AnalysisSettings | None = None,
        trigger: TriggerSettings | None = None,
    ) -> None:
        self.settings = settings or OnlineSettings()
        self._given = analysis
        self.analysis = analysis or AnalysisSettings.for_placement(placement)
        self.trigger_settings = trigger or TriggerSettings()
        self.placement = placement
        self.side = side
        self.anterior_axis = anterior_axis
        self.meta = SessionMeta(placement, sample_rate_hz, side=side, acc_range_g=acc_range_g)
        self.one_leg = placement in ONE_LEG_PLACEMENTS
        self._lookahead = round(self.settings.lookahead_strides * (1 if self.one_leg else 2))
        self._t = np.zeros(0)
        self._acc = np.zeros((0, 3))
        self._queued: list[tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]] = []
        self._ends: list[float] = []  # grid times passed, not analysed yet
        self._useful_from_s = -math.inf  # no window ending earlier can commit anything (commit)
        self._finished = False
        self._newest_s = -math.inf
        self._gyr: NDArray[np.float64] | None = None
        self._grid0_s = math.nan
        self._next_end_s = math.nan
        self._committed: list[LiveStep] = []
        self._held: list[_Held] = []  # uncommitted contacts, each with the latest window that held it
        self._reach_back_s: float | None = None  # a window end to analyse again reaching back (LIVE-42)
        self._reaching_back = False  # the window handed out is that one
        self._last_ic_s = -math.inf
        self._still: tuple[NDArray[np.float64], NDArray[np.float64] | None] | None = None
        self._reference_x: NDArray[np.float64] | None = None
        self._direction = OnlineDirection(self.analysis.direction, placement)
        # (contact time s, its walking step s) of committed walking contacts of the trunk (LIVE-24)
        self._walking_steps: deque[tuple[float, float]] = deque(maxlen=_WALKING_STEPS)
        # (contact time s, interval s from the committed contact before it): the pause's limit (LIVE-41)
        self._intervals: deque[tuple[float, float]] = deque(maxlen=_INTERVALS)
        #: the body frame's vertical (sensor coordinates) of the latest analysis: the impact axis
        self.vertical: NDArray[np.float64] | None = None
        #: the gait's timing from the latest analysis, for the impact trigger
        self.rhythm: LandingRhythm | None = None
        self.runs = 0
        self.skipped = 0
        self.idle = 0
        self._legs: LegCheck | None = None  # PHONE-17's check of a one-leg stream without gyroscope (LIVE-46)
        self._n_committed = 0
        #: PHONE-18's note once the stream was read as both legs' steps (the detector then runs as ``other``)
        self.note: str | None = None

    @property
    def both_legs_from_s(self) -> float:
        """End of the window (host clock s) whose check read the stream as both legs' steps (NaN: not so read)."""
        return self._legs.decided_s if self._legs is not None else math.nan

    @property
    def both_legs_rhythm(self) -> LegRhythm | None:
        """The check's reading that made the stream both legs' steps (None: not so read; LIVE-46)."""
        return self._legs.rhythm if self._legs is not None else None

    @property
    def committed(self) -> int:
        """Contacts committed so far."""
        return self._n_committed

    @property
    def newest_s(self) -> float:
        """Time of the newest sample received (s; -inf before any)."""
        return self._newest_s

    def feed(self, t_s: NDArray[np.float64], acc_ms2: NDArray[np.float64], gyr_dps: NDArray[np.float64] | None) -> None:
        """Append samples (host clock s, m/s^2 with gravity, deg/s or None), in time order.

        Cheap: the packet is queued; the buffer is joined when windows are cut."""
        if t_s.size == 0:
            return
        if math.isnan(self._grid0_s):
            self._gyr = np.zeros((0, 3)) if gyr_dps is not None else None
            self._grid0_s = float(t_s[0])
            self._next_end_s = self._grid0_s + self.settings.hop_s
            # a window handed out ends up to max_catch_up hops (+ the one the gate emptied) before the newest sample
            behind_s = self.settings.hop_s * (self.settings.max_catch_up + 1)
            self._legs = LegCheck(self.placement, gyr_dps is not None, behind_s)
        if self._legs is not None:
            self._legs.keep(t_s, acc_ms2)
        gyr = None
        if self._gyr is not None:
            gyr = gyr_dps if gyr_dps is not None else np.full((t_s.size, 3), np.nan)
        self._queued.append((t_s, acc_ms2, gyr))
        self._newest_s = float(t_s[-1])

    def _join(self) -> None:
        """The queued packets appended to the buffer, which keeps what the next windows can reach."""
        if not self._queued:
            return
        s = self.settings
        span = max(s.window_s, s.transition_window_s) + s.hop_s * s.max_catch_up
        keep = self._t > self._newest_s - span
        self._t = np.concatenate([self._t[keep], *(q[0] for q in self._queued)])
        self._acc = np.concatenate([self._acc[keep], *(q[1] for q in self._queued)])
        if self._gyr is not None:
            self._gyr = np.concatenate([self._gyr[keep], *(q[2] for q in self._queued if q[2] is not None)])
        self._queued.clear()

    def due(self) -> bool:
        """Whether a grid time has passed that was not analysed or skipped yet."""
        return bool(self._ends) or self._newest_s >= self._next_end_s

    def windows_due(self, final: bool = False) -> list[Window]:
        """The next window to analyse (a list of at most one), or none. Grid times before the next
        stance whose middle can enter the window (:meth:`commit` predicts it from the gait so far), and
        windows of nothing but standing while no contact waits, are skipped: nothing can be committed
        from them (counted in ``idle``). Windows are handed out one at a
        time, each after the previous one's commit, so what is decided does not depend on packet sizes;
        a detector more than ``max_catch_up`` grid times behind skips the oldest (counted in
        ``skipped``). ``final``: the recording ended; a last window ends at the newest sample."""
        s = self.settings
        self._join()
        while self._t.size > 1 and self._next_end_s <= self.newest_s:
            self._ends.append(self._next_end_s)
            self._next_end_s += s.hop_s
        if len(self._ends) > s.max_catch_up:
            self.skipped += len(self._ends) - s.max_catch_up
            del self._ends[: -s.max_catch_up]
        if self._reach_back_s is not None:  # the window the gate emptied, again over the gait before it (LIVE-42)
            end, self._reach_back_s, self._reaching_back = self._reach_back_s, None, True
            return [self._checked(self._window(end, reach_back=True))]
        self._reaching_back = False
        while self._ends:
            end = self._ends.pop(0)
            if end < self._useful_from_s:
                self.idle += 1
                continue
            window = self._window(end)
            if window.standing_only and not self._held:
                self.idle += 1  # nothing to find and nothing waiting
                continue
            if window.t_s.size > 1:
                return [self._checked(window)]
        if final and not self._finished and self._t.size > 1:
            self._finished = True
            window = self._window(self.newest_s, final=True)
            return [self._checked(window)] if window.t_s.size > 1 else []
        return []

    def _checked(self, window: Window) -> Window:
        """``window`` with the samples received up to its end where PHONE-17's check is due with it (LIVE-46)."""
        if self._legs is None or not self._legs.due(self._n_committed):
            return window
        return replace(window, received=self._legs.received(window.end_s))

    def _window(self, end_s: float, final: bool = False, reach_back: bool = False) -> Window:
        """The window ending at ``end_s``; ``reach_back``: over ``transition_window_s`` whatever it holds."""
        s = self.settings
        sel = (self._t <= end_s) & (self._t >= end_s - s.window_s)
        longer = (self._t <= end_s) & (self._t >= end_s - max(s.transition_window_s, s.window_s))
        still = self._still_mask(longer)
        # nothing but standing in the last window_s: no contact can be found in it
        standing_only = bool(still[sel[longer]].all()) if still.size else False
        if s.transition_window_s > s.window_s and (reach_back or np.count_nonzero(still) >= MIN_STILL_SAMPLES):
            sel = longer  # a start or a stop: the window reaches back over the gait next to the standing
        t, acc = self._t[sel], self._acc[sel]
        gyr = self._gyr[sel] if self._gyr is not None else None
        # the walking steps of committed contacts before the window: its contacts' own are measured in it
        first = float(t[0]) if t.size else end_s
        earlier = np.asarray([step for ic, step in self._walking_steps if ic < first], dtype=np.float64)
        intervals = np.asarray([gap for ic, gap in self._intervals if ic < first], dtype=np.float64)
        if gyr is not None and not np.isfinite(gyr).all():
            gyr = None
        t, acc, gyr = self._with_still_reference(t, acc, gyr)
        t0 = float(t[0]) if t.size else end_s
        return Window(end_s, t0, t - t0, acc, gyr, final, self._reference_x, standing_only, earlier, first, intervals)

    def _still_mask(self, sel: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """The offline still mask (analysis.still) of the selected samples (all False when too few)."""
        acc = self._acc[sel]
        if acc.shape[0] < MIN_STILL_SAMPLES:
            return np.zeros(acc.shape[0], dtype=bool)
        still = self.analysis.still
        return still_mask(acc, self.meta.sample_rate_hz, still.window_s, still.std_ms2)

    def _with_still_reference(
        self, t: NDArray[np.float64], acc: NDArray[np.float64], gyr: NDArray[np.float64] | None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
        """The window, with the latest still stretch seen before it in front when it has none itself."""
        rate = self.meta.sample_rate_hz
        need = nearest_samples(self.settings.still_reference_s, rate)
        if t.size < 3:
            return t, acc, gyr
        still = np.flatnonzero(still_mask(acc, rate, self.analysis.still.window_s, self.analysis.still.std_ms2))
        if still.size >= MIN_STILL_SAMPLES:
            # the latest still samples become the reference, repeated to ``need`` if fewer: next to the gait
            # preprocessing's still mask (std over a centred window) takes the stretch as still only so far
            keep = np.resize(still[-need:], need)
            self._still = (acc[keep], gyr[keep] if gyr is not None else None)
        if still.size >= need:
            return t, acc, gyr
        if self._still is None or (gyr is None) != (self._still[1] is None):
            return t, acc, gyr
        ref_acc, ref_gyr = self._still
        ref_t = t[0] - np.arange(ref_acc.shape[0], 0, -1) / rate
        joined_gyr = np.concatenate([ref_gyr, gyr]) if gyr is not None and ref_gyr is not None else None
        return np.concatenate([ref_t, t]), np.concatenate([ref_acc, acc]), joined_gyr

    def analyse(self, window: Window) -> WindowResult:
        """:func:`analyse_window` with this detector's header and settings."""
        return analyse_window(window, self.meta, self.anterior_axis, self.analysis)

    def step(self, final: bool = False) -> list[LiveStep]:
        """Analyse the windows due and return the contacts that became final (oldest first).

        ``final``: the recording ended; every contact found is committed.
        """
        out: list[LiveStep] = []
        while windows := self.windows_due(final):
            out += self.commit(self.analyse(windows[0]))
        return out

    # ------------------------------------------------------------------------------- commit

    def commit(self, result: WindowResult) -> list[LiveStep]:
        """The contacts of ``result`` that are final now (see the module), in time order; then, where PHONE-17's
        check ran with it and read both legs' steps, the detector goes on as ``other`` (live/leg_check.py)."""
        new = self._commit_window(result)
        if result.leg_checked and self._legs is not None and self._legs.decide(result.leg_rhythm, result.end_s):
            self._read_as_both_legs()
        return new

    def _read_as_both_legs(self) -> None:
        """From the next window on, the stream is analysed as ``other`` with ``other``'s preset and the caller's own
        changes (pipeline.settings_as_other, REVIEW-32), as offline (PHONE-18). The contacts waiting are dropped
        (the next windows find them again as steps); the committed ones stay as reported."""
        assert self._legs is not None and self._legs.rhythm is not None
        declared = self.placement
        into_s = self._legs.decided_s - self._grid0_s
        self.note = (
            f"{both_legs_note(self._legs.rhythm, declared)}. Live: read so from {into_s:.1f} s into the stream on "
            f"(after {self._n_committed} contacts, reported as one leg's; no cue since)"
        )
        self.placement = "other"
        self.side = None
        self.analysis = settings_as_other(self._given, declared)
        self.meta = replace(self.meta, placement="other", side=None)
        self.one_leg = False
        self._lookahead = round(self.settings.lookahead_strides * 2)
        self._direction = OnlineDirection(self.analysis.direction, "other")
        self._held = []
        self._reach_back_s = None
        self._useful_from_s = -math.inf
        self.rhythm = None

    def _commit_window(self, result: WindowResult) -> list[LiveStep]:
        """:meth:`commit` of one window's contacts."""
        self.runs += 1
        short = result.start_s >= result.end_s - self.settings.window_s  # it did not reach back already
        if result.n_contacts == 0 and self._held and short and not result.final and not self._reaching_back:
            # the gate kept no contact while contacts wait: a change of gait without standing whose two rhythms
            # mix in the window, neither lasting long enough in it to stand alone (LIVE-42). The same end is
            # analysed again reaching back over the gait before it, as a window holding standing does
            self._reach_back_s = result.end_s
            return []
        if self._reaching_back:
            return self._decided_reaching_back(result)
        if result.signals is not None:
            rot = result.signals.sensor_to_body
            if rot is not None:
                self.vertical = rot[2].copy()
                if result.signals.anterior_source != "none":
                    self._reference_x = rot[0].copy()
        steps = result.steps
        s = self.settings
        ic = steps["ic_time_s"].astype(float)
        # waiting contacts an earlier window held and this one does not (e.g. a stop: the gate no longer
        # sees a run of gait): decided on the last window that held them, below
        gone = [h for h in self._held if not np.any(np.abs(ic - h.ic_s) < s.min_separation_s)]
        self._held = []
        new: list[LiveStep] = []
        # a window shorter than window_s (the recording is younger) decides nothing: its stride estimate
        # rests on a stride or two; its contacts wait for the first full window
        young = result.end_s < self._grid0_s + s.window_s
        if ic.size:
            mid_stance, whole = stances_seen(steps, result.end_s)
            # a stance found at the seam of the still reference and the window's own first sample is no gait
            own = whole & (ic > result.start_s)
            self.rhythm = LandingRhythm.of(steps, own, self.trigger_settings.history_contacts) or self.rhythm
            for i in range(ic.size):
                if ic[i] <= self._last_ic_s + self._again_s(ic):
                    continue  # committed already (or older than the newest committed contact)
                lag = self._lag(mid_stance, i)
                waits = len(lag) < self._lookahead and not self._overdue(ic[i], result.end_s)
                if (waits or young) and not result.final:
                    # later contacts wait as well: contacts are committed in order
                    self._held = [_Held(float(ic[k]), k, self._lag(mid_stance, k), result) for k in range(i, ic.size)]
                    break
                new.append(self._commit_one(i, lag, result))
        # a gone contact is superseded when this window holds a contact after it or within half its
        # typical interval before it (it placed that landing elsewhere); else it is final max_wait_s after
        # it (or at the end), unless a contact this window still waits on comes first
        near = 0.5 * float(np.median(np.diff(ic))) if ic.size > 1 else 0.0
        for h in gone:
            if h.ic_s <= self._last_ic_s + self._again_s(h.result.steps["ic_time_s"]) or np.any(ic > h.ic_s - near):
                continue
            waiting_before = bool(self._held) and self._held[0].ic_s < h.ic_s
            if (result.final or self._overdue(h.ic_s, result.end_s)) and not waiting_before:
                new.append(self._commit_one(h.i, h.lag, h.result, ready_s=result.end_s))
            else:
                self._held.append(h)
        self._held.sort(key=lambda h: h.ic_s)
        del self._committed[:-_HISTORY]
        self._useful_from_s = self._next_change_s(result, young)
        return new

    @property
    def _found_again_s(self) -> float:
        """A contact this close after the newest committed one (s) is that contact found again: ``min_separation_s``;
        on one leg the stride the offline detector keeps between two landings at least (2 ``min_step_s``,
        contacts.py), the foot's next landing comes after a swing (LIVE-47)."""
        if not self.one_leg:
            return self.settings.min_separation_s
        return max(self.settings.min_separation_s, 2.0 * self.analysis.contacts.min_step_s)

    def _again_s(self, ic: NDArray[np.float64]) -> float:
        """How close after the newest committed contact (s) a contact of a window whose contacts are ``ic`` is that
        contact found again: ``min_separation_s`` where the window holds the committed one where it was committed (its
        other contacts are other landings, as the offline stages read them: a run's first landing 0.39 s after a
        contact in the standing, REVIEW-49), else :attr:`_found_again_s` (a later window placed it elsewhere)."""
        ic = np.asarray(ic, dtype=float)
        if np.any(np.abs(ic - self._last_ic_s) < self.settings.min_separation_s):
            return self.settings.min_separation_s
        return self._found_again_s

    def _overdue(self, ic_s: float, end_s: float) -> bool:
        """Whether a contact landed at ``ic_s`` (s) is final at a window ending ``end_s`` (s) without its look-ahead:
        ``max_wait_s`` after it (the wearer stopped)."""
        return end_s >= ic_s + self.settings.max_wait_s

    def _decided_reaching_back(self, result: WindowResult) -> list[LiveStep]:
        """The waiting contacts that the window reaching back (LIVE-42) holds with their look-ahead, in order: each is
        placed as the last window that held it placed it (its landing, impact and side: a window over two gaits
        estimates their stride worse, LIVE-6), and its direction is decided on this one. The others wait on, up to
        ``max_wait_s`` after they landed (REVIEW-12)."""
        s = self.settings
        ic = result.steps["ic_time_s"].astype(float)
        new: list[LiveStep] = []
        if ic.size:
            mid_stance, _ = stances_seen(result.steps, result.end_s)
            while self._held:
                h = self._held[0]
                if h.ic_s <= self._last_ic_s + self._again_s(h.result.steps["ic_time_s"]):
                    self._held.pop(0)  # the committed contact found again
                    continue
                j = int(np.argmin(np.abs(ic - h.ic_s)))
                lag = self._lag(mid_stance, j)
                if abs(ic[j] - h.ic_s) >= s.min_separation_s or len(lag) < self._lookahead:
                    break
                new.append(self._commit_one(h.i, h.lag, h.result, result.end_s, direction_from=(j, lag, result)))
                self._held.pop(0)
        # the others are final max_wait_s after they landed, as when the window without contacts drops them
        # (a walk ending without standing: else they wait as long as windows without contacts follow, REVIEW-12)
        while self._held and self._overdue(self._held[0].ic_s, result.end_s):
            h = self._held.pop(0)
            new.append(self._commit_one(h.i, h.lag, h.result, ready_s=result.end_s))
        return new

    def _next_change_s(self, result: WindowResult, young: bool) -> float:
        """The earliest window end from which a window can commit more than this one (-inf: any): the
        next stance whose middle the window does not hold yet -- the look-ahead a waiting contact needs
        -- or the first waiting contact's ``max_wait_s``. Without a run of gait in the window, or
        before the first full window, every grid time is analysed."""
        if young or result.n_contacts < 2:
            return -math.inf
        ic = result.steps["ic_time_s"].astype(float)
        to = result.steps["to_time_s"].astype(float)
        contact = to - ic
        has_to = np.isfinite(contact) & (contact > 0)
        interval = float(np.median(np.diff(ic)))
        half_stance = 0.5 * float(np.median(contact[has_to])) if has_to.any() else 0.5 * interval
        mid = ic + half_stance
        ahead = mid[mid > result.end_s]
        change = float(ahead[0]) if ahead.size else float(ic[-1] + interval + half_stance)
        if self._held:
            change = min(change, self._held[0].ic_s + self.settings.max_wait_s)
        return change

    def _lag(self, mid_stance: NDArray[np.bool_], i: int) -> list[int]:
        """Rows of the contacts after row ``i`` whose mid-stance the window holds: its look-ahead."""
        return [int(j) for j in np.flatnonzero(mid_stance[i + 1 :]) + i + 1][: self._lookahead]

    def _commit_one(
        self,
        i: int,
        lag: list[int],
        result: WindowResult,
        ready_s: float | None = None,
        direction_from: tuple[int, list[int], WindowResult] | None = None,
    ) -> LiveStep:
        """Commit contact ``i`` of ``result`` (``ready_s``: when it became final, default the window's end);
        ``direction_from``: the same contact's row, look-ahead and window its direction is decided on (LIVE-42)."""
        timing, row, end_s = result.steps, i, result.end_s
        ic = float(timing["ic_time_s"][row])
        i, lag, result = direction_from or (i, lag, result)
        col = result.steps
        evidence = np.column_stack([col[c] for c in EVIDENCE_COLUMNS]).astype(float)
        switch = col["switch_before"].astype(float)
        # the link from the previous committed contact, when the window holds both (else: independent)
        prev_in_window = (
            i > 0 and abs(float(col["ic_time_s"][i - 1]) - self._last_ic_s) < self.settings.min_separation_s
        )
        direction, confidence = self._direction.decide(
            evidence[i],
            float(switch[i]) if prev_in_window else FORGET,
            [evidence[j] for j in lag],
            [float(switch[j]) for j in lag],  # lag contacts are consecutive: the links into each
            {c: float(col[c][i]) for c in FACING_CUES if c in col},
            result.relative,
            result.sign_known,
            [{c: float(col[c][j]) for c in FACING_CUES if c in col} for j in range(i + 1, col["ic_time_s"].size)],
            bout_start=bool(col["bout_start"][i]) if prev_in_window else True,
            stretch_start=bool(col["standing_before"][i]) if prev_in_window else True,
            lag_bout_start=[bool(col["bout_start"][j]) for j in lag],
            own_swing_lost="own_swing_lost" in col and bool(col["own_swing_lost"][i]),
        )
        to = float(timing["to_time_s"][row])
        step = LiveStep(
            ic_time_s=ic,
            to_time_s=to,
            peak_time_s=float(timing["peak_time_s"][row]),
            impact_peak_g=float(timing["impact_peak_g"][row]),
            direction=direction,
            direction_confidence=confidence,
            side=str(timing["side"][row]),
            step_time_s=self._step_time(ic, self._last_ic_s),
            ready_time_s=end_s if ready_s is None else ready_s,
            contact_time_s=to - ic if np.isfinite(to) and to > ic else float("nan"),
            placement=self.placement,
        )
        self._committed.append(step)
        self._n_committed += 1
        if np.isfinite(self._last_ic_s):
            self._intervals.append((ic, ic - self._last_ic_s))
        self._last_ic_s = ic
        walked = float(timing["walking_step_s"][row])
        if np.isfinite(walked):
            self._walking_steps.append((ic, walked))
        return step

    def _step_time(self, ic: float, previous_ic: float) -> float:
        interval = ic - previous_ic
        timing = self.analysis.timing  # the offline step-time limits (impact.step_timing)
        if self.one_leg:
            return interval / 2.0 if interval <= timing.max_stride_time_s else float("nan")
        return interval if interval <= timing.max_step_time_s else float("nan")
