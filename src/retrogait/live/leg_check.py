"""Is a sensor streamed as a foot or shank without gyroscope on one leg? PHONE-17's check, live (LIVE-46).

Offline, a foot or shank recording without gyroscope whose acceleration shows both legs' steps (leg_rhythm.py,
PHONE-17) is analysed as ``other`` with a note (PHONE-18): read as one leg, every landing of either leg is taken
for the leg's own, and the cadence, ``running``, foot strike and impact follow from that. The live detector runs
the same check, :func:`retrogait.analysis.pipeline.one_leg_rhythm` with the detector's own settings, on the samples
already received: the offline analysis of everything received so far (at most ``SPAN_S``, the newest), as one
recording. When: with the window handed out after the ``leg_rhythm.MIN_CONTACTS``-th contact committed (the
fewest the offline check judges), again after twice as many, four times ... (the verdict over more of the
recording, at a cost that stays a fixed share of the stream's), until it reads both legs. That verdict is final
(one sensor on one body, REVIEW-33): the detector goes on as ``other`` (steps of both legs, no impact, no cue);
the contacts committed before it stay as they were reported (final; their cues were heard), and the note says
from when on the steps are both legs'.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.leg_rhythm import MIN_CONTACTS, LegRhythm, reads_one_leg
from retrogait.analysis.pipeline import one_leg_rhythm
from retrogait.analysis.settings import AnalysisSettings
from retrogait.errors import RetrogaitError
from retrogait.session import Session, SessionMeta

#: The newest samples (s) a check reads: the offline check needs MIN_CONTACTS (20) contacts in gait, 50 s at the
#: slowest stride it counts (leg_rhythm.MAX_STRIDE_S, 2.5 s); twice that holds them with the standing around them.
SPAN_S = 120.0


def rhythm_of_received(
    t_s: NDArray[np.float64], acc_ms2: NDArray[np.float64], meta: SessionMeta, settings: AnalysisSettings
) -> LegRhythm | None:
    """PHONE-17's reading of the samples received (host clock s, m/s^2; no gyroscope) analysed as ``meta``'s
    placement; None where they hold too little gait to judge or cannot be analysed (too short: the offline one-line
    refusal)."""
    try:
        return one_leg_rhythm(Session(t_s, acc_ms2, None, meta), settings)
    except RetrogaitError:
        return None


class LegCheck:
    """The samples a one-leg stream without gyroscope keeps for the check, and when the check is due.

    Args:
        placement: the declared placement; has_gyroscope: the stream carries one (then nothing is checked).
        behind_s: how far (s) the end of a window handed out may lie before the newest sample received (the
            detector's ``hop_s * max_catch_up``): samples are dropped only where no such window's ``SPAN_S`` reaches
            them, so what a check reads does not depend on packet sizes or a worker behind (REVIEW-48).
    """

    def __init__(self, placement: str, has_gyroscope: bool, behind_s: float = 0.0) -> None:
        self.active = reads_one_leg(placement, has_gyroscope)
        self._behind_s = behind_s
        self._chunks: deque[tuple[NDArray[np.float64], NDArray[np.float64]]] = deque()
        self._next_at = MIN_CONTACTS  # committed contacts at which the next check is due
        #: the verdict of both legs' steps (None: not (yet) read so)
        self.rhythm: LegRhythm | None = None
        #: end of the window whose check read both legs (host clock s; NaN before)
        self.decided_s = math.nan
        self.checks = 0

    def keep(self, t_s: NDArray[np.float64], acc_ms2: NDArray[np.float64]) -> None:
        """Samples received (in time order), kept while the check may still read both legs."""
        if not self.active or t_s.size == 0:
            return
        self._chunks.append((t_s, acc_ms2))
        oldest_s = float(t_s[-1]) - self._behind_s - SPAN_S  # the oldest sample a window handed out can still read
        while len(self._chunks) > 1 and self._chunks[1][0][0] < oldest_s:
            self._chunks.popleft()

    def due(self, committed: int) -> bool:
        """A check is due with the next window (``committed``: contacts committed so far); counted as made."""
        if not self.active or committed < self._next_at:
            return False
        self._next_at = 2 * max(self._next_at, committed)
        self.checks += 1
        return True

    def received(self, end_s: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The samples kept up to ``end_s`` (s), at most ``SPAN_S`` of them."""
        t = np.concatenate([c[0] for c in self._chunks]) if self._chunks else np.zeros(0)
        acc = np.concatenate([c[1] for c in self._chunks]) if self._chunks else np.zeros((0, 3))
        sel = (t <= end_s) & (t >= end_s - SPAN_S)
        return t[sel], acc[sel]

    def decide(self, rhythm: LegRhythm | None, end_s: float) -> bool:
        """Take a check's reading (of the window ending ``end_s``); True where it is both legs' steps, the first
        time: the stream is read as ``other`` from then on and nothing more is kept."""
        if not self.active or rhythm is None or not rhythm.both_legs:
            return False
        self.rhythm, self.decided_s, self.active = rhythm, end_s, False
        self._chunks.clear()
        return True
