"""A lower-back "flight" at a walker's cadence is the sensor's own bounce, not running (PHONE-15).

At the lower back running is recognised by its flight phase: the vertical specific force falls to the free-fall
floor between steps (contacts.py). A body that runs steps fast: its legs are springs, and the preferred running
cadence is about 150-200 steps/min at every speed (the simulator's forward model 145 + 7.5 v steps/min, backward
faster; the real sacral treadmill trials 167-233). A sensor that is not held against the sacrum -- a phone in a
back pocket, a neck pouch or a bag, a loose belt -- leaves the body between steps and reads its own free fall
while the wearer walks at 90-130 steps/min; the flights, the toe-offs and everything read from them (contact
time, vGRF, the running direction cues) are then the sensor's, not the body's. A stretch of flight contacts whose
typical step time is longer than a runner's longest is read as walking: its toe-offs are dropped, and a note
says why. The bound is physical, not fitted: 130 steps/min lies 10 % below the model's 145 (its limit at zero
speed), 15 % below the slowest run the simulator makes (152.5 at 1.0 m/s; its flight contacts' typical cadence at
1.0 m/s, 20 seeds, versions 1 and 2: 147.5 or more; REVIEW-22).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.signals import Contacts

#: Slowest cadence of running (steps/min): a flight phase at a lower typical cadence is not the body's.
MIN_RUNNING_CADENCE_SPM = 130.0
#: Contacts with a flight phase whose step times give each one's cadence (itself and 4 on either side).
NEIGHBOURS = 9


def slow_flights(contacts: Contacts, step_time_s: NDArray[np.float64]) -> NDArray[np.bool_]:
    """(m,) True for a contact with a toe-off (a flight after it) whose typical step time over the NEIGHBOURS
    flight contacts around it (s; NaN step times left out) is slower than MIN_RUNNING_CADENCE_SPM.

    Typical: the mean without the longest and the shortest step (where three or more are known), so one landing
    missed in a run (a step twice as long) does not slow it, and contacts found off the rhythm (a short step
    then a long one) do not speed it up as a median of them would."""
    flight = contacts.to_idx >= 0
    slow = np.zeros(len(contacts), dtype=bool)
    at = np.flatnonzero(flight)
    if not at.size:
        return slow
    half = NEIGHBOURS // 2
    times = np.pad(np.asarray(step_time_s, dtype=float)[at], half, constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(times, NEIGHBOURS)
    known = np.isfinite(windows)
    count = known.sum(axis=1)
    total = np.where(known, windows, 0.0).sum(axis=1)
    longest = np.where(known, windows, -np.inf).max(axis=1)
    shortest = np.where(known, windows, np.inf).min(axis=1)
    trimmed = count >= 3
    typical = np.full(at.size, np.nan)
    # only where three or more are known: an empty window's longest and shortest are -inf and inf (REVIEW-21)
    typical[trimmed] = (total[trimmed] - longest[trimmed] - shortest[trimmed]) / (count[trimmed] - 2)
    few = (count > 0) & ~trimmed
    typical[few] = total[few] / count[few]
    slow[at] = np.isfinite(typical) & (typical > 60.0 / MIN_RUNNING_CADENCE_SPM)
    return slow


def slow_flights_as_walking(contacts: Contacts, step_time_s: NDArray[np.float64]) -> tuple[Contacts, list[str]]:
    """``contacts`` with the toe-offs of :func:`slow_flights` dropped (read as walking), and the note saying so
    (none, and ``contacts`` as given, where no flight is slow)."""
    slow = slow_flights(contacts, step_time_s)
    if not slow.any():
        return contacts, []
    return without_slow_flights(contacts, slow), [slow_flight_note(slow, step_time_s)]


def without_slow_flights(contacts: Contacts, slow: NDArray[np.bool_]) -> Contacts:
    """``contacts`` with the toe-offs of the ``slow`` ones dropped (-1): they are read as walking."""
    return Contacts(contacts.ic_idx, np.where(slow, -1, contacts.to_idx).astype(np.int64), contacts.side)


def slow_flight_note(slow: NDArray[np.bool_], step_time_s: NDArray[np.float64]) -> str:
    """The note of the ``slow`` lower-back contacts (:func:`slow_flights`), with their cadence (steps/min: 60 over
    their mean step time, s)."""
    times = np.asarray(step_time_s, dtype=float)[slow]
    times = times[np.isfinite(times)]
    at = f"about {60.0 / float(np.mean(times)):.0f} steps/min" if times.size else "a walker's cadence"
    n = int(np.count_nonzero(slow))
    steps, they = ("step", "it is") if n == 1 else ("steps", "they are")  # one step spoken of as one (REVIEW-22)
    return (
        f"{n} {steps} showed a flight phase (the sensor's force at the free-fall floor "
        f"between steps) at {at}, slower than anyone runs (below {MIN_RUNNING_CADENCE_SPM:.0f}): the sensor "
        "bounced on its own, not held against the sacrum (a phone in a pocket, pouch or bag, or a loose belt?); "
        f"{they} read as walking, without toe-off, contact time or vGRF; fasten the sensor over the sacrum, or "
        "give a phone's placement (--placement thigh, chest or bag)"
    )
