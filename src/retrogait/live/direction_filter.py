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
"""

from __future__ import annotations

from collections import deque

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.direction import facing_and_conflict, label_arrays
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
        self._cues: dict[str, deque[float]] = {}  # cue name -> its values at the committed contacts
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
    ) -> tuple[str, float]:
        """Commit one contact and return its ``(direction, confidence)``.

        ``evidence`` (3,): its travel log-likelihoods; ``switch_before``: switch probability from the
        previous committed contact (travel.FORGET when unknown); ``lag_*``: the contacts after it in the
        deciding window and the switch probabilities into each; ``cues``: its ``x_log_odds``,
        ``free_log_odds`` and facing cues; ``relative``: the evidence is relative to the sensor's +x;
        ``later_cues``: those of the contacts after it in the deciding window (not committed yet): the
        facing and the conflict cap are decided over every contact received so far, as offline over the
        session.
        """
        rows = [np.asarray(evidence, dtype=np.float64)]
        links: list[float] = []
        if self._filtered is not None:
            rows.insert(0, self._filtered)
            links.append(float(np.clip(switch_before, 0.0, FORGET)))
        at = len(rows) - 1
        filtered = smooth_states(np.vstack(rows), np.asarray(links))[at]
        self._filtered = np.log(np.maximum(filtered, 1e-300))
        post = smooth_states(np.vstack([*rows, *lag_evidence]), np.asarray(links + list(lag_switch)))[at][None, :]
        for name, value in cues.items():
            self._cues.setdefault(name, deque([np.nan] * min(self._count, _MEMORY), maxlen=_MEMORY)).append(value)
        self._count += 1
        for values in self._cues.values():
            if len(values) < min(self._count, _MEMORY):
                values.append(np.nan)  # a cue this contact's window did not measure
        later = later_cues or []
        table = {
            name: np.concatenate([np.fromiter(values, dtype=np.float64), [c.get(name, np.nan) for c in later]])
            for name, values in self._cues.items()
        }
        post = facing_and_conflict(post, table, relative, sign_known, self.settings)
        label, confidence = label_arrays(post, self.placement, self.settings)
        return str(label[0]), float(confidence[0])
