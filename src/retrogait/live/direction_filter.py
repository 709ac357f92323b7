"""Travel direction as the contacts arrive: the causal counterpart of the offline smoother (LIVE-8).

Offline, direction.direction_probabilities smooths each contact's travel evidence (forward, backward,
sideways; direction.travel_evidence) with a three-state Markov chain over the whole session
(travel.smooth_states, switch probabilities from direction.link_switch_probability). Live, the same
chain runs forwards over the committed contacts, and each contact's backward message comes from a fixed
lag: the contacts of the stride after it that the deciding window holds (one-leg placements the next
contact, both legs the next two). Both are travel.smooth_states itself: the filtered state of the last
committed contact stands first in the sequence as the evidence of a step, followed by the contact and
its lag. The evidence and the switch probabilities are the offline ones, measured on the deciding
window; the labels are direction.direction_labels' (direction.label_arrays).

What offline is decided once over the session is decided over the contacts so far, by the offline step
itself (direction.facing_and_conflict): the facing when the anterior sign is unknown (each window's +x
is kept the same by the detector), and whether the frame-free cues contradict the axis cues (the
conflict cap).

A re-mount at a stop (LIVE-26, MOUNT-1): the committed contacts are cut into stretches at standing (and at a
pause); where two stretches are each firm on opposite facings (direction.stretch_facings, as offline between
standings), the contact's stretch faces as its own steps say, or, with a declared sign it contradicts, makes no
claim (direction.reversal_applied). A stretch counts once it is firm: its first contacts keep the facing so far.

A bout's first contacts (LIVE-23): offline, a contact just after the end of a bout (direction.bout_ends:
standing, at the lower back a change of gait without standing, DIRECTION-31) is decided with the whole new
bout after it, which outweighs what the chain carries over from the bout before. Live, its look-ahead is one stride, and
the filtered state carries the previous bout's certainty across the boundary at 1 - p (0.95). So each
contact's label is no surer than the contacts of its own bout (from its first contact, the lag included,
without the state carried into it) make its direction: where the carried state claims more, the
posteriors are mixed with the uniform one just enough (direction.capped_posteriors). Inside a bout the
two agree once the bout's own contacts decide; with every later contact as the lag, only the carry-over
differs from the offline smoother. At the lower back the rule goes both ways, as offline (LIVE-44): the bout's
reading stops at a bout end in the lag too, and where it names the label's state more surely than the chain (the
next bout's evidence let through the bout end's link), the label is the bout's reading (direction.own_bout_raised).
At a foot or shank the bout's reading stops at a bout end in the lag too, as offline's cap (DIRECTION-47, LIVE-57);
the bout ends are direction.own_bout_ends' (a limb's standing only where it lay still through most of the link).
"""

from __future__ import annotations

from collections import deque

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.direction import (
    SIDEWAYS_PLACEMENTS,
    FacingReversal,
    capped_posteriors,
    facing_and_conflict,
    label_arrays,
    own_bout_raised,
    reversal_applied,
    stretch_facings,
    unmeasured_capped,
)
from retrogait.analysis.settings import DirectionSettings
from retrogait.analysis.travel import FORGET, smooth_states

#: Committed contacts whose cues decide the facing and the conflict cap (their caps saturate long before).
_MEMORY = 500


class OnlineDirection:
    """Forward filter over committed contacts plus a fixed-lag backward message (see the module)."""

    def __init__(self, settings: DirectionSettings, placement: str) -> None:
        self.settings = settings
        self.placement = placement
        self._filtered: NDArray[np.float64] | None = None  # log-probabilities after the last committed contact
        self._bout: NDArray[np.float64] | None = None  # the same, from the first contact of its bout (LIVE-23)
        self._cues: dict[str, deque[float]] = {}  # cue name -> its values at the committed contacts
        self._stretch: deque[int] = deque(maxlen=_MEMORY)  # per committed contact, its stretch (LIVE-26)
        self._count = 0

    def decide(
        self,
        evidence: NDArray[np.float64],
        switch_before: float,
        lag_evidence: list[NDArray[np.float64]],
        lag_switch: list[float],
        cues: dict[str, float],
        relative: bool,
        sign_known: bool,
        later_cues: list[dict[str, float]] | None = None,
        bout_start: bool = False,
        stretch_start: bool = False,
        lag_bout_start: list[bool] | None = None,
        own_swing_lost: bool = False,
    ) -> tuple[str, float]:
        """Commit one contact and return its ``(direction, confidence)``.

        ``evidence`` (3,): its travel log-likelihoods; ``switch_before``: switch probability from the
        previous committed contact (travel.FORGET when unknown); ``lag_*``: the contacts after it in the
        deciding window and the switch probabilities into each; ``cues``: its ``x_log_odds``,
        ``free_log_odds`` and facing cues; ``relative``: the evidence is relative to the sensor's +x;
        ``later_cues``: those of the contacts after it in the deciding window (not committed yet): the
        facing and the conflict cap are decided over every contact received so far, as offline over the
        session; ``bout_start``: a bout ended between the previous committed contact and this one
        (direction.own_bout_ends: standing, a change of gait; see the module); ``stretch_start``: it follows
        standing or a pause, where a sensor may have been re-mounted (MOUNT-1, LIVE-26); ``lag_bout_start``: per lag
        contact, whether a bout ends before it (the bout reading stops there: LIVE-44, LIVE-57); ``own_swing_lost``:
        a recording gap took its own swing, so it claims at most ``unmeasured_cap_probability`` (offline's
        direction.unmeasured_capped, DIRECTION-49).
        """
        own = np.asarray(evidence, dtype=np.float64)
        link = float(np.clip(switch_before, 0.0, FORGET))
        lag_links = [float(p) for p in lag_switch]
        post, self._filtered = _lagged(self._filtered, link, own, lag_evidence, lag_links)
        # the bout's own contacts: the state is not carried across the end of a bout (nor a pause: forgotten)
        trunk = self.placement == "lower_back"  # offline's own-bout reading both ways (DIRECTION-32, LIVE-44)
        bout_links = lag_links
        capped = trunk or self.placement in SIDEWAYS_PLACEMENTS  # offline's own-bout cap (DIRECTION-32, -47)
        if capped and lag_bout_start is not None:  # its bout alone: the lag stops at a bout end, as offline's
            bout_links = [FORGET if ends else p for p, ends in zip(lag_links, lag_bout_start, strict=True)]
        bout, self._bout = _lagged(None if bout_start else self._bout, link, own, lag_evidence, bout_links)
        for name, value in cues.items():
            self._cues.setdefault(name, deque([np.nan] * min(self._count, _MEMORY), maxlen=_MEMORY)).append(value)
        self._stretch.append((self._stretch[-1] if self._stretch else 0) + int(stretch_start))
        self._count += 1
        for values in self._cues.values():
            if len(values) < min(self._count, _MEMORY):
                values.append(np.nan)  # a cue this contact's window did not measure
        later = later_cues or []
        table = {
            name: np.concatenate([np.fromiter(values, dtype=np.float64), [c.get(name, np.nan) for c in later]])
            for name, values in self._cues.items()
        }
        smoothed = np.vstack([post, bout])
        post, bout = reversal_applied(
            smoothed,
            facing_and_conflict(smoothed, table, relative, sign_known, self.settings),
            self._reversal(table, len(later), sign_known),
            relative,
            sign_known,
            self.settings,
        )
        final = own_bout_raised(post[None, :], bout[None, :])[0] if trunk else post
        final = bout_capped(final, bout)[None, :]
        if own_swing_lost:
            final = unmeasured_capped(final, {"own_swing_lost": np.ones(1)}, self.settings.unmeasured_cap_probability)
        label, confidence = label_arrays(final, self.placement, self.settings)
        return str(label[0]), float(confidence[0])

    def _reversal(self, table: dict[str, NDArray[np.float64]], n_later: int, sign_known: bool) -> FacingReversal | None:
        """The facing's reversal between stretches of the contacts so far (direction.stretch_facings, as offline
        between standings), for this contact's two rows; None where no two stretches are firm and opposite. The
        contacts after it in the window belong to its stretch."""
        ids = np.fromiter(self._stretch, dtype=np.int64)
        if ids.size == 0 or ids[-1] == ids[0]:
            return None  # one stretch: nothing to compare
        ids = np.concatenate([ids, np.full(n_later, ids[-1])])
        bounds = np.concatenate([[0], np.flatnonzero(np.diff(ids)) + 1, [ids.size]])
        found = stretch_facings(table, bounds, sign_known, self.settings)
        if found is None:
            return None
        facing, changed, firm = found
        at = len(self._stretch) - 1  # this contact's row in the table
        k = int(np.searchsorted(bounds, at, side="right")) - 1  # its stretch
        if firm[k] == 0:  # not firm yet: the facing so far, the last firm stretch's (there is one: two are)
            at = int(bounds[np.flatnonzero(firm[:k])[-1]]) if np.any(firm[:k]) else at
        return FacingReversal(np.repeat(facing[at], 2), np.repeat(changed[at], 2), ())


def _lagged(
    filtered: NDArray[np.float64] | None,
    link: float,
    evidence: NDArray[np.float64],
    lag_evidence: list[NDArray[np.float64]],
    lag_links: list[float],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(posterior (3,) of a contact given the state before it and its lag, its filtered log-probabilities
    (3,)): ``filtered`` is the previous contact's (None: the chain starts at this contact), ``link`` the
    switch probability from it."""
    rows = [evidence] if filtered is None else [filtered, evidence]
    links = [] if filtered is None else [link]
    at = len(rows) - 1
    forward = smooth_states(np.vstack(rows), np.asarray(links))[at]
    post = smooth_states(np.vstack([*rows, *lag_evidence]), np.asarray(links + lag_links))[at]
    return post, np.log(np.maximum(forward, 1e-300))


def bout_capped(post: NDArray[np.float64], bout: NDArray[np.float64]) -> NDArray[np.float64]:
    """(3,) posterior ``post`` made no surer of its most probable state than ``bout`` (the posterior from
    the contact's own bout, see the module) is: mixed with the uniform one (direction.capped_posteriors)."""
    best = int(np.argmax(post))
    if bout[best] >= post[best]:
        return post
    return capped_posteriors(post[None, :], float(bout[best]))[0]
