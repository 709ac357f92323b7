"""Impact feedback: which contacts get a cue and at what pitch (the Wood & Kipp 2014 design: a tone
when peak tibial acceleration exceeds a target, higher the further above it), and the running
per-direction read-out of the live view.

Target: absolute (``target_g`` > 0, g above 1 g, the unit of ``impact_peak_g``) or a drop from a
baseline: the median impact of the first ``baseline_steps`` contacts that have one, minus
``target_drop_pct`` percent. While the baseline is being taken no cue sounds. Pitch:
``base_pitch_hz * 2 ** (pitch_per_excess_pct * excess_pct / 12)`` (semitones per percent above the
target), at most ``max_pitch_hz``. Contacts at or below the target stay quiet.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from retrogait.analysis.impact import mean_cadence_spm
from retrogait.live.online import LiveStep
from retrogait.live.settings import FeedbackSettings

#: Steps per direction the live view's running median and cadence use.
RUNNING_STEPS = 20


@dataclass(frozen=True)
class Cue:
    """A cue decided for one contact.

    Attributes:
        step: the contact.
        target_g: the target in force when it was judged (g).
        excess_pct: how far the impact was above the target (% of the target).
        pitch_hz: pitch of the tone (Hz).
    """

    step: LiveStep
    target_g: float
    excess_pct: float
    pitch_hz: float


class ImpactFeedback:
    """Judges committed contacts against the target (see the module docstring)."""

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

    def judge(self, step: LiveStep) -> Cue | None:
        """The cue for a contact, or None when it stays quiet (below target, no impact, baseline)."""
        s = self.settings
        if not np.isfinite(step.impact_peak_g):
            return None
        if s.target_g <= 0 and self.baseline_g is None:
            self._baseline.append(step.impact_peak_g)
            if len(self._baseline) >= s.baseline_steps:
                self.baseline_g = float(np.median(self._baseline))
            return None
        target = self.target_g
        if target is None or step.impact_peak_g <= target:
            return None
        excess = 100.0 * (step.impact_peak_g - target) / target
        pitch = min(s.base_pitch_hz * 2.0 ** (s.pitch_per_excess_pct * excess / 12.0), s.max_pitch_hz)
        return Cue(step, target, excess, pitch)


class RunningStats:
    """Running median impact and cadence per direction over the last ``RUNNING_STEPS`` contacts."""

    def __init__(self) -> None:
        self._impact: dict[str, deque[float]] = {}
        self._step_time: dict[str, deque[float]] = {}
        self.n_steps = 0
        self.n_cues = 0

    def add(self, step: LiveStep, cued: bool) -> None:
        self.n_steps += 1
        self.n_cues += int(cued)
        d = step.direction
        self._impact.setdefault(d, deque(maxlen=RUNNING_STEPS)).append(step.impact_peak_g)
        self._step_time.setdefault(d, deque(maxlen=RUNNING_STEPS)).append(step.step_time_s)

    def per_direction(self) -> dict[str, tuple[float, float, int]]:
        """direction -> (median impact g, cadence steps/min = 60 / mean step time, steps)."""
        out = {}
        for d, impacts in self._impact.items():
            values = np.asarray(impacts, dtype=float)
            values = values[np.isfinite(values)]
            cadence, _ = mean_cadence_spm(np.asarray(self._step_time[d], dtype=float))
            out[d] = (float(np.median(values)) if values.size else float("nan"), cadence, len(impacts))
        return out

    def text(self) -> str:
        """``fwd 4.1 g 172 spm | bwd 2.9 g 181 spm`` (directions with steps, forward first)."""
        parts = []
        for d, (impact, cadence, _) in sorted(self.per_direction().items(), key=lambda kv: _ORDER.get(kv[0], 9)):
            parts.append(f"{d[:3]} {impact:.1f} g {cadence:.0f} spm")
        return " | ".join(parts) if parts else "-"


_ORDER = {"forward": 0, "backward": 1, "unknown": 2}
