"""Impact feedback: which contacts get a cue and at what pitch (the Wood & Kipp 2014 design: a tone
when peak tibial acceleration exceeds a target, higher the further above it), and the running
per-direction read-out of the live view.

Target: absolute (``target_g`` > 0, g above 1 g, the unit of ``impact_peak_g``) or a drop from a
baseline: the median impact of the first ``baseline_steps`` committed contacts that have one, minus
``target_drop_pct`` percent. While the baseline is being taken no cue sounds. The value judged is the
impact trigger's running maximum at the moment it passes the target (live/trigger.py). Pitch:
``base_pitch_hz * 2 ** (pitch_per_excess_pct * excess_pct / 12)`` (semitones per percent above the
target), at most ``max_pitch_hz``. Contacts at or below the target stay quiet.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from retrogait.analysis.aggregate import cadence_aggregate
from retrogait.live.online import LiveStep
from retrogait.live.settings import FeedbackSettings

#: Steps per direction the live view's running median and cadence use.
RUNNING_STEPS = 20


@dataclass(frozen=True)
class Cue:
    """A cue: the impact that set it off and how it sounds.

    Attributes:
        value_g: the impact window's running maximum when the cue fired (g above 1 g).
        target_g: the target in force (g).
        excess_pct: how far the value was above the target (% of the target).
        pitch_hz: pitch of the tone (Hz).
    """

    value_g: float
    target_g: float
    excess_pct: float
    pitch_hz: float


class ImpactFeedback:
    """The target (absolute, or a drop from the baseline of the first committed contacts) and the cue
    for an impact value (see the module docstring)."""

    def __init__(self, settings: FeedbackSettings | None = None) -> None:
        self.settings = settings or FeedbackSettings()
        self._baseline: list[float] = []
        self.baseline_g: float | None = None

    @property
    def target_g(self) -> float | None:
        """The target (g above 1 g), or None while the baseline is still being taken."""
        s = self.settings
        if s.target_g > 0:
            return s.target_g
        if self.baseline_g is None:
            return None
        return self.baseline_g * (1.0 - s.target_drop_pct / 100.0)

    def add_contact(self, step: LiveStep) -> None:
        """A committed contact (its offline impact): taken into the baseline until it is complete."""
        s = self.settings
        if s.target_g > 0 or self.baseline_g is not None or not np.isfinite(step.impact_peak_g):
            return
        self._baseline.append(step.impact_peak_g)
        if len(self._baseline) >= s.baseline_steps:
            self.baseline_g = float(np.median(self._baseline))

    def cue_for(self, value_g: float) -> Cue | None:
        """The cue for an impact value, or None when it stays quiet (no target yet, at or below it)."""
        s = self.settings
        target = self.target_g
        if target is None or not np.isfinite(value_g) or value_g <= target:
            return None
        excess = 100.0 * (value_g - target) / target
        pitch = min(s.base_pitch_hz * 2.0 ** (s.pitch_per_excess_pct * excess / 12.0), s.max_pitch_hz)
        return Cue(value_g, target, excess, pitch)


class RunningStats:
    """Running median impact and cadence per direction over the last ``RUNNING_STEPS`` contacts.

    Cadence is the summary's (analysis/aggregate.py, TRUST-4): 60 / mean step time over the steps timed
    from a contact of the same direction; the first step after a change of direction spans the turn and
    is left out, as are step times beyond the offline limits (a pause: NaN in ``LiveStep.step_time_s``).
    """

    def __init__(self) -> None:
        self._impact: dict[str, deque[float]] = {}
        self._step_time: dict[str, deque[float]] = {}
        self._last_direction: str | None = None
        self.n_steps = 0
        self.n_cues = 0

    def add(self, step: LiveStep, cued: bool) -> None:
        self.n_steps += 1
        self.n_cues += int(cued)
        d = step.direction
        same_run = d == self._last_direction
        self._last_direction = d
        self._impact.setdefault(d, deque(maxlen=RUNNING_STEPS)).append(step.impact_peak_g)
        self._step_time.setdefault(d, deque(maxlen=RUNNING_STEPS)).append(step.step_time_s if same_run else math.nan)

    def per_direction(self) -> dict[str, tuple[float, float, int]]:
        """direction -> (median impact g, cadence steps/min = 60 / mean step time, steps)."""
        out = {}
        for d, impacts in self._impact.items():
            values = np.asarray(impacts, dtype=float)
            values = values[np.isfinite(values)]
            cadence = cadence_aggregate(np.asarray(self._step_time[d], dtype=float))["value"]
            out[d] = (
                float(np.median(values)) if values.size else math.nan,
                math.nan if cadence is None else cadence,
                len(impacts),
            )
        return out

    def text(self) -> str:
        """``fwd 4.1 g 172 spm | bwd 2.9 g 181 spm`` (directions with steps, forward first)."""
        parts = []
        for d, (impact, cadence, _) in sorted(self.per_direction().items(), key=lambda kv: _ORDER.get(kv[0], 9)):
            parts.append(f"{d[:3]} {impact:.1f} g {cadence:.0f} spm")
        return " | ".join(parts) if parts else "-"


_ORDER = {"forward": 0, "backward": 1, "unknown": 2}
