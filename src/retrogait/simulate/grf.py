"""Ground-reaction force of one stance, in body weights (BW), as a function of stance fraction.

Vertical force (vGRF) = an active component plus a landing component (the two-mass picture of
Clark, Ryan & Weyand 2017: the lower limb is stopped at touchdown, the rest of the body rides a
spring-mass curve). Both are built from skewed half-sine pulses that leave zero with a finite
slope, so the force rises near-linearly from contact, as on a force plate, and never starts flat:

* running active component: one skewed half-sine (a spring-mass curve) peaking at ~42 % of stance
  forward and ~57 % backward ("soft landing, hard take-off", Cavagna et al. 2011);
* walking: two humps at 22 % and 78 % of stance (rising from contact, falling to toe-off);
* landing component: a short pulse at contact, sharp and large on the heel (the impact transient),
  smaller on the midfoot, small and slow on the ball, x 0.7 backward (the soft landing).

Every stance's vertical impulse equals body weight times its step time, so the force averaged over
whole strides is exactly 1 BW (momentum balance at constant speed); the peak then follows from the
duty factor, as in a spring-mass runner.

Horizontal forces follow from the force pointing from the foot toward the centre of mass (COM):
F_ap = F_v (x_com - x_foot) / h and F_ml = F_v (y_com - y_foot) / h with h the COM height and the
COM moving at the bout speed over the planted foot. Forward travel gives braking then propulsion;
backward travel gives the same relative to travel, i.e. the reversed sign sequence in the body frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: Peak of the active vGRF component as a fraction of stance.
ACTIVE_PEAK_FRACTION = {"forward": 0.42, "backward": 0.57}
#: Walking double hump: peaks at these stance fractions; the first hump ends and the second
#: starts at these fractions (they overlap around mid-stance, giving the ~0.7-0.8 valley).
WALKING_HUMP_FRACTIONS = (0.22, 0.78)
WALKING_HUMP_SPAN = (0.70, 0.30)
#: Landing component at 3 m/s forward (BW, peak), by strike; scales with (v/3)^0.5, x the
#: touchdown-velocity factor backward. Rearfoot gives the ~1.7 BW impact peak with ~100 BW/s.
LANDING_BW = {"rearfoot": 1.1, "midfoot": 0.5, "forefoot": 0.6}
#: Landing pulse: stance fraction of its peak and of its end, by strike (the ankle yields on a
#: forefoot landing, so that pulse is slower and leaves no separate impact peak).
LANDING_TIMING = {"rearfoot": (0.10, 0.25), "midfoot": (0.10, 0.30), "forefoot": (0.12, 0.36)}
#: Backward landings are softer: the landing component scales like the touchdown velocity.
BACKWARD_LANDING_FACTOR = 0.7
#: Height of the centre of mass above the foot (m) and half step width (m) for horizontal forces.
COM_HEIGHT_M = 0.95
HALF_STEP_WIDTH_M = {"running": 0.04, "walking": 0.05}

_ONE_OVER_PI2 = 1.0 / math.pi**2


Scale = float | NDArray[np.float64]


@dataclass(frozen=True)
class Pulse:
    """A skewed force pulse over stance fraction: 1 at ``peak``, 0 outside [start, end].

    Each edge is a near-linear ramp with a finite slope where the pulse starts or ends (force leaves
    zero at contact and returns to zero at toe-off with a finite rate) or, if ``smooth_start`` /
    ``smooth_end``, a sin^2 edge with zero slope there (a pulse that begins or ends inside a
    stance, on top of other force). The slope is zero at the peak from both sides.
    """

    start: float
    peak: float
    end: float
    smooth_start: bool = False
    smooth_end: bool = False

    def __call__(self, s: NDArray[np.float64]) -> NDArray[np.float64]:
        """Pulse value (dimensionless, peak 1) at stance fraction ``s``."""
        out = np.zeros_like(s, dtype=np.float64)
        rise = (s > self.start) & (s <= self.peak)
        out[rise] = _edge((s[rise] - self.start) / (self.peak - self.start), self.smooth_start)
        fall = (s > self.peak) & (s < self.end)
        out[fall] = _edge((self.end - s[fall]) / (self.end - self.peak), self.smooth_end)
        return out

    @property
    def integral(self) -> float:
        """Integral over stance fraction."""
        rise, fall = self.peak - self.start, self.end - self.peak
        return rise * _edge_integral(self.smooth_start) + fall * _edge_integral(self.smooth_end)

    @property
    def first_moment(self) -> float:
        """Integral of s times the pulse over stance fraction."""
        rise, fall = self.peak - self.start, self.end - self.peak
        # rise: s = start + rise y; fall: s = end - fall y (y from the pulse's end toward its peak)
        m_rise = rise * (self.start * _edge_integral(self.smooth_start) + rise * _edge_moment(self.smooth_start))
        m_fall = fall * (self.end * _edge_integral(self.smooth_end) - fall * _edge_moment(self.smooth_end))
        return m_rise + m_fall


#: Exponent n of the finite-slope pulse edge (n y - y^n)/(n - 1): a near-linear ramp whose slope
#: falls to zero at the peak; larger n is closer to a triangle (a sharper force peak).
EDGE_EXPONENT = 6.0


def _edge(y: NDArray[np.float64], smooth: bool) -> NDArray[np.float64]:
    """Pulse edge from 0 (y = 0, the pulse's start or end) to 1 (y = 1, its peak), zero slope at
    the peak; ``smooth``: sin^2(pi/2 y), zero slope at y = 0; else a near-linear ramp of finite slope
    n/(n - 1) at y = 0."""
    if smooth:
        return np.asarray(np.sin(0.5 * np.pi * y) ** 2, dtype=np.float64)
    n = EDGE_EXPONENT
    return np.asarray((n * y - y**n) / (n - 1), dtype=np.float64)


def _edge_integral(smooth: bool) -> float:
    """Integral of the edge over y in [0, 1]."""
    n = EDGE_EXPONENT
    return 0.5 if smooth else (n / 2 - 1 / (n + 1)) / (n - 1)


def _edge_moment(smooth: bool) -> float:
    """Integral of y times the edge over y in [0, 1]."""
    n = EDGE_EXPONENT
    return 0.25 + _ONE_OVER_PI2 if smooth else (n / 3 - 1 / (n + 2)) / (n - 1)


@dataclass(frozen=True)
class VgrfShape:
    """Shape of the vertical force of a stance (see module docstring).

    Attributes:
        humps: (pulse, weight) of each active hump; the active component has unit integral.
        landing: the landing pulse.
        landing_bw: peak of the landing component (BW), 0 for none.
    """

    humps: tuple[tuple[Pulse, float], ...]
    landing: Pulse
    landing_bw: float

    @property
    def _active_norm(self) -> float:
        return sum(w * p.integral for p, w in self.humps)

    def active(self, s: NDArray[np.float64]) -> NDArray[np.float64]:
        """Active component with unit integral over s in [0, 1] (1/stance fraction); 0 outside."""
        total = np.zeros_like(s, dtype=np.float64)
        for pulse, weight in self.humps:
            total += weight * pulse(s)
        return total / self._active_norm

    def impact(self, s: NDArray[np.float64]) -> NDArray[np.float64]:
        """Landing component (BW), peak ``landing_bw``; 0 outside the stance."""
        if self.landing_bw == 0:
            return np.zeros_like(s, dtype=np.float64)
        return self.landing_bw * self.landing(s)

    @property
    def impact_integral(self) -> float:
        """Integral of the landing component over stance fraction (BW)."""
        return self.landing_bw * self.landing.integral

    @property
    def impact_first_moment(self) -> float:
        """Integral of s times the landing component over stance fraction (BW)."""
        return self.landing_bw * self.landing.first_moment

    @property
    def active_mean_fraction(self) -> float:
        """Centroid (mean stance fraction) of the active component."""
        return sum(w * p.first_moment for p, w in self.humps) / self._active_norm

    def active_scale(
        self, step_time_s: NDArray[np.float64], contact_time_s: NDArray[np.float64], impact_scale: Scale = 1.0
    ) -> NDArray[np.float64]:
        """Amplitude of the active component (BW) that gives an impulse of 1 BW x step time."""
        return np.asarray(step_time_s / contact_time_s - impact_scale * self.impact_integral, dtype=np.float64)

    def vgrf_bw(
        self,
        s: NDArray[np.float64],
        step_time_s: NDArray[np.float64],
        contact_time_s: NDArray[np.float64],
        impact_scale: Scale = 1.0,
    ) -> NDArray[np.float64]:
        """Vertical force (BW) at stance fraction ``s`` for stances of the given step and contact times
        (s); ``impact_scale`` multiplies the landing component (stride-to-stride variation)."""
        active = self.active_scale(step_time_s, contact_time_s, impact_scale) * self.active(s)
        return np.asarray(active + impact_scale * self.impact(s), dtype=np.float64)

    def centroid_fraction(
        self, step_time_s: NDArray[np.float64], contact_time_s: NDArray[np.float64], impact_scale: Scale = 1.0
    ) -> NDArray[np.float64]:
        """Stance fraction of the force centroid, where the COM passes over the foot."""
        scale = self.active_scale(step_time_s, contact_time_s, impact_scale)
        moment = scale * self.active_mean_fraction + impact_scale * self.impact_first_moment
        return np.asarray(moment / (scale + impact_scale * self.impact_integral), dtype=np.float64)


def vgrf_shape(
    activity: str, direction: str, foot_strike: str, speed_ms: float, hard_landing: bool = False
) -> VgrfShape:
    """vGRF shape of a stance for an activity, direction, strike pattern and speed (m/s).

    ``hard_landing`` (a stiff toe landing): the landing pulse of a heel strike, not softened
    backward, also in walking (which otherwise has none)."""
    if hard_landing:
        peak, end = LANDING_TIMING["rearfoot"]
        landing_pulse = Pulse(0.0, peak, end, smooth_end=True)
        landing = LANDING_BW["rearfoot"] * (speed_ms / 3.0) ** 0.5
    if activity == "walking":
        (m1, m2), (end1, start2) = WALKING_HUMP_FRACTIONS, WALKING_HUMP_SPAN
        humps = (
            (Pulse(0.0, m1, end1, smooth_end=True), 1.0),
            (Pulse(start2, m2, 1.0, smooth_start=True), 1.0),
        )
        if hard_landing:
            return VgrfShape(humps=humps, landing=landing_pulse, landing_bw=landing)
        return VgrfShape(humps=humps, landing=Pulse(0.0, 0.1, 0.25, smooth_end=True), landing_bw=0.0)
    active = Pulse(0.0, ACTIVE_PEAK_FRACTION[direction], 1.0)
    if hard_landing:
        return VgrfShape(humps=((active, 1.0),), landing=landing_pulse, landing_bw=landing)
    peak, end = LANDING_TIMING[foot_strike]
    landing = LANDING_BW[foot_strike] * (speed_ms / 3.0) ** 0.5
    if direction == "backward":
        landing *= BACKWARD_LANDING_FACTOR
    return VgrfShape(humps=((active, 1.0),), landing=Pulse(0.0, peak, end, smooth_end=True), landing_bw=landing)


def horizontal_forces_bw(
    vgrf: NDArray[np.float64],
    s: NDArray[np.float64],
    centroid: NDArray[np.float64],
    contact_length_m: NDArray[np.float64],
    travel_sign: float,
    foot_lateral_m: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Anterior (+x) and left (+y) force on the body (BW) from the vertical force of a stance.

    Args:
        vgrf: vertical force (BW).
        s: stance fraction.
        centroid: stance fraction at which the COM is above the foot.
        contact_length_m: distance the COM travels during the stance (m).
        travel_sign: +1 forward, -1 backward.
        foot_lateral_m: the foot's position to the left of the COM (m; + for the left foot).
    """
    x_com_minus_foot = travel_sign * contact_length_m * (s - centroid)
    return vgrf * x_com_minus_foot / COM_HEIGHT_M, vgrf * (-foot_lateral_m) / COM_HEIGHT_M


def stop_blend(s: NDArray[np.float64], stop_fraction: Scale) -> NDArray[np.float64]:
    """Weight (0 to 1) of quiet standing in the stance on which the gait stops: 0 until the stance
    fraction ``stop_fraction`` (the standing pose), then a smooth step to 1 at the stance's end."""
    x = np.clip((s - stop_fraction) / (1 - stop_fraction), 0.0, 1.0)
    return np.asarray(x * x * (3 - 2 * x), dtype=np.float64)


@dataclass(frozen=True)
class StanceForceMetrics:
    """Per-stance vGRF peak (BW) and average loading rate (BW/s)."""

    peak_bw: NDArray[np.float64]
    loading_rate_bw_per_s: NDArray[np.float64]


def stance_force_metrics(
    shape: VgrfShape,
    step_time_s: NDArray[np.float64],
    contact_time_s: NDArray[np.float64],
    impact_scale: NDArray[np.float64],
    stop_fraction: NDArray[np.float64] | None = None,
    n_points: int = 600,
) -> StanceForceMetrics:
    """Peak vGRF and the average loading rate of each stance.

    The loading rate is taken between 20 % and 80 % of the rise to the impact peak (the first local
    maximum in the first 30 % of stance) or, without one, to the force at 50 % of stance.
    ``stop_fraction`` (per stance, NaN for none) marks a stance on which the gait stops: its force
    settles to 1 BW from that stance fraction on (:func:`stop_blend`).
    """
    s = (np.arange(n_points) + 0.5) / n_points
    peaks = np.empty(len(step_time_s))
    rates = np.empty(len(step_time_s))
    for start in range(0, len(step_time_s), 2048):
        step = np.asarray(step_time_s[start : start + 2048])[:, None]
        contact = np.asarray(contact_time_s[start : start + 2048])[:, None]
        scale = np.asarray(impact_scale[start : start + 2048])[:, None]
        force = shape.vgrf_bw(s[None, :], step, contact, scale)
        if stop_fraction is not None:
            stop = np.asarray(stop_fraction[start : start + 2048])[:, None]
            settle = np.where(np.isnan(stop), 0.0, stop_blend(s[None, :], np.nan_to_num(stop, nan=0.5)))
            force = (1 - settle) * force + settle
        peaks[start : start + 2048] = force.max(axis=1)
        rates[start : start + 2048] = _loading_rates(force, s, contact[:, 0])
    return StanceForceMetrics(peak_bw=peaks, loading_rate_bw_per_s=rates)


def _loading_rates(
    force: NDArray[np.float64], s: NDArray[np.float64], contact_s: NDArray[np.float64]
) -> NDArray[np.float64]:
    early = s < 0.3
    f_early = force[:, early]
    is_local_max = (f_early[:, 1:-1] > f_early[:, :-2]) & (f_early[:, 1:-1] >= f_early[:, 2:])
    has_peak = is_local_max.any(axis=1)
    first_max = np.argmax(is_local_max, axis=1) + 1
    mid = int(np.searchsorted(s, 0.5))
    end_index = np.where(has_peak, first_max, mid)
    rows = np.arange(force.shape[0])
    target = force[rows, end_index]
    idx = np.arange(force.shape[1])[None, :]
    before_end = idx <= end_index[:, None]
    i20 = np.argmax((force >= 0.2 * target[:, None]) & before_end, axis=1)
    i80 = np.argmax((force >= 0.8 * target[:, None]) & before_end, axis=1)
    dt = (s[i80] - s[i20]) * contact_s
    return np.asarray(0.6 * target / np.maximum(dt, 1e-6), dtype=np.float64)
