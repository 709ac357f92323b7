"""Run direction as the contacts arrive: the causal counterpart of the offline smoother (LIVE-8).

Offline, ``direction.smooth_log_odds`` runs the two-state Markov chain forwards and backwards over the
whole session. Live, the same chain (``direction.predict_log_odds``, ``direction.switch_probabilities``,
the same settings) runs forwards over the committed contacts, and each contact's backward message
comes from a fixed lag: the contacts of the stride after it that the deciding window already holds
(one-leg placements: the next contact, both legs: the next two). The cues are the offline ones
(``direction.direction_cues``), measured on the window that decides the contact.

Which evidence is chained follows ``direction.forward_probability``: axis and frame-free evidence
summed when the anterior sign is known; otherwise the axis evidence, relative to the sensor's +x (the
detector keeps +x the same from window to window), mixed with the facing decided from the cues of the
contacts so far (``direction.facing_probability_from_cues``: offline it is decided over the session).
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd

from retrogait.analysis.direction import facing_probability_from_cues, predict_log_odds, switch_probabilities
from retrogait.analysis.settings import DirectionSettings

#: Committed contacts whose cues decide the facing, and intervals whose median says what a pause is.
_MEMORY = 500


class OnlineDirection:
    """Forward filter over committed contacts plus a fixed-lag backward message (see the module)."""

    def __init__(self, settings: DirectionSettings) -> None:
        self.settings = settings
        self._forward: float | None = None  # log-odds after the last committed contact
        self._last_ic_s = float("nan")
        self._gaps: deque[float] = deque(maxlen=_MEMORY)
        self._facing_cues: deque[dict[str, float]] = deque(maxlen=_MEMORY)

    def decide(
        self,
        evidence: float,
        ic_time_s: float,
        separated: bool,
        lag_evidence: list[float],
        lag_ic_time_s: list[float],
        lag_separated: list[bool],
        facing_cues: dict[str, float] | None,
    ) -> tuple[str, float]:
        """Commit one contact and return its ``(direction, confidence)``.

        ``evidence``: its summed log-odds (see the module for which); ``separated``: standing still
        since the previous committed contact; ``lag_*``: the contacts after it in the deciding window
        (evidence, times, standing before each); ``facing_cues``: its cue values for the facing (None
        when the anterior sign is known).
        """
        s = self.settings
        ev = float(np.nan_to_num(evidence))
        if self._forward is None:
            forward = ev
        else:
            gap = ic_time_s - self._last_ic_s
            self._gaps.append(gap)
            p = self._switch([gap], [separated])[0]
            forward = predict_log_odds(self._forward, p) + ev
        self._forward, self._last_ic_s = forward, ic_time_s
        backward = 0.0
        if lag_evidence:
            times = [ic_time_s, *lag_ic_time_s]
            p_lag = self._switch(list(np.diff(times)), lag_separated)
            for j in range(len(lag_evidence) - 1, -1, -1):
                backward = predict_log_odds(backward + float(np.nan_to_num(lag_evidence[j])), float(p_lag[j]))
        relative = _sigmoid(forward + backward)
        p_forward = relative
        if facing_cues is not None:
            self._facing_cues.append(facing_cues)
            p_facing = facing_probability_from_cues(pd.DataFrame(list(self._facing_cues)), s)
            p_forward = p_facing * relative + (1.0 - p_facing) * (1.0 - relative)
        confidence = max(p_forward, 1.0 - p_forward)
        if confidence < s.unknown_below_confidence:
            return "unknown", confidence
        return ("forward" if p_forward >= 0.5 else "backward"), confidence

    def _switch(self, gaps_s: list[float], separated: list[bool]) -> list[float]:
        median = float(np.median(self._gaps)) if self._gaps else (float(np.median(gaps_s)) if gaps_s else None)
        p = switch_probabilities(np.asarray(gaps_s, dtype=float), self.settings, np.asarray(separated, bool), median)
        return [float(v) for v in p]


def _sigmoid(z: float) -> float:
    return float(0.5 * (1.0 + np.tanh(0.5 * z)))
