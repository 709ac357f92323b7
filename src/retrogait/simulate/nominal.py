"""Nominal gait timing of a bout (cadence, step and contact time) from its speed, direction and activity.

The laws of preferred cadence and contact time the simulator builds its stances on (docs/simulator.md).
A leaf module: bouts (``config``) and stance sequences (``timing``) both ask it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


class GaitBout(Protocol):
    """What the timing laws read of a bout (``simulate.config.Bout``)."""

    @property
    def speed_ms(self) -> float: ...
    @property
    def direction(self) -> str: ...
    @property
    def activity(self) -> str: ...
    @property
    def cadence_spm(self) -> float | None: ...
    @property
    def is_sideways(self) -> bool: ...


#: Backward running relative to forward running at the same speed.
BACKWARD_RUN_CADENCE_FACTOR = 1.12
BACKWARD_RUN_CONTACT_FACTOR = 0.82
#: Backward walking relative to forward walking at the same speed.
BACKWARD_WALK_CADENCE_FACTOR = 1.15
BACKWARD_WALK_DUTY_OFFSET = 0.02
#: Side-step stride length (m) per stride: base + per m/s of speed, capped (the legs' lateral reach).
SIDESTEP_STRIDE_M = (0.3, 0.4)
SIDESTEP_MAX_STRIDE_M = 0.8


@dataclass(frozen=True)
class NominalTiming:
    """Nominal timing of a bout: cadence (steps/min), step time (s), contact time (s), duty factor."""

    cadence_spm: float
    step_time_s: float
    contact_time_s: float

    @property
    def duty_factor(self) -> float:
        """Stance time / stride time (stride = two steps)."""
        return self.contact_time_s / (2.0 * self.step_time_s)


def forward_running_cadence_spm(speed_ms: float) -> float:
    """Preferred forward-running cadence (steps/min) at a speed (m/s)."""
    return 145.0 + 7.5 * speed_ms


def forward_running_contact_s(speed_ms: float) -> float:
    """Forward-running contact time (s) at a speed (m/s)."""
    return 0.265 * (3.0 / speed_ms) ** 0.7


def forward_walking_cadence_spm(speed_ms: float) -> float:
    """Preferred forward-walking cadence (steps/min) at a speed (m/s)."""
    return 72.0 + 28.0 * speed_ms


def forward_walking_duty(speed_ms: float) -> float:
    """Forward-walking duty factor (stance / stride) at a speed (m/s)."""
    return float(np.clip(0.62 - 0.04 * (speed_ms - 1.4), 0.56, 0.70))


def sidestep_stride_m(speed_ms: float) -> float:
    """Side-step stride length (m): how far each foot moves sideways per stride at a speed (m/s)."""
    base, per_speed = SIDESTEP_STRIDE_M
    return min(base + per_speed * speed_ms, SIDESTEP_MAX_STRIDE_M)


def nominal_timing(bout: GaitBout) -> NominalTiming:
    """Cadence, step and contact time of a moving bout from its speed, direction and activity."""
    v = bout.speed_ms
    backward = bout.direction == "backward"
    if bout.is_sideways:
        cadence = bout.cadence_spm or 120.0 * v / sidestep_stride_m(v)
        step = 60.0 / cadence
        return NominalTiming(cadence_spm=cadence, step_time_s=step, contact_time_s=forward_walking_duty(v) * 2 * step)
    if bout.activity == "running":
        cadence = forward_running_cadence_spm(v) * (BACKWARD_RUN_CADENCE_FACTOR if backward else 1.0)
        cadence = bout.cadence_spm or cadence
        step = 60.0 / cadence
        contact = forward_running_contact_s(v) * (BACKWARD_RUN_CONTACT_FACTOR if backward else 1.0)
        contact = min(contact, 0.8 * step)
    else:
        cadence = forward_walking_cadence_spm(v) * (BACKWARD_WALK_CADENCE_FACTOR if backward else 1.0)
        cadence = bout.cadence_spm or cadence
        step = 60.0 / cadence
        duty = forward_walking_duty(v) + (BACKWARD_WALK_DUTY_OFFSET if backward else 0.0)
        contact = duty * 2.0 * step
    return NominalTiming(cadence_spm=cadence, step_time_s=step, contact_time_s=contact)
