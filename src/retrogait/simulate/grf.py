"""Ground-reaction force of one stance, in body weights (BW), as a function of stance fraction.

Vertical force (vGRF) = an active component plus a landing component (the two-mass picture of
Clark, Ryan & Weyand 2017: the lower limb is stopped at touchdown, the rest of the body rides a
spring-mass curve). Both are built from skewed half-sine pulses that leave zero with a finite
slope, so the force rises near-linearly from contact, as on a force plate, and never starts flat:

* running active component: one skewed half-sine (a spring-mass curve) peaking at ~42 % of stance
  forward and ~57 % backward ("soft landing, hard take-off", Cavagna et al. 2011);
* walking, simulator v1: two humps at 22 % and 78 % of stance (rising from contact, falling to toe-off);
* walking, simulator v2 (:class:`WalkingVgrf`, SIM-13): tied to the double supports. The force rises from contact
  to its first peak at the other leg's toe-off, dips to a valley in mid single support, rises to its second peak at
  the other leg's contact and falls to toe-off, the fall mirroring the other leg's rise, so the two legs' sum stays
  at or above the peak (>= 1 BW) through double support (but in one shorter than the 50 ms collision, SIM-14,
  which the edges last at least); the peak grows with speed (Keller et al. 1996) and the valley follows from the
  nominal stance's impulse, so the M deepens with speed; a hard landing's impulse comes out of the valley (SIM-15);
  the leading leg loads faster than the trailing leg unloads: its collision, a pulse rising over 50 ms from the
  contact and gone by its first peak, stops the centre of mass's descent, so the summed force's slope jumps at the
  contact and the force peaks soon after (SIM-18; its impulse also out of the valley);
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


def _edge(y: NDArray[np.float64], smooth: bool, n: float = EDGE_EXPONENT) -> NDArray[np.float64]:
    """Pulse edge from 0 (y = 0, the pulse's start or end) to 1 (y = 1, its peak), zero slope at
    the peak; ``smooth``: sin^2(pi/2 y), zero slope at y = 0; else a near-linear ramp of finite slope
    n/(n - 1) at y = 0 (exponent ``n``)."""
    if smooth:
        return np.asarray(np.sin(0.5 * np.pi * y) ** 2, dtype=np.float64)
    return np.asarray((n * y - y**n) / (n - 1), dtype=np.float64)


def _edge_integral(smooth: bool, n: float = EDGE_EXPONENT) -> float:
    """Integral of the edge over y in [0, 1]."""
    return 0.5 if smooth else (n / 2 - 1 / (n + 1)) / (n - 1)


def _edge_moment(smooth: bool, n: float = EDGE_EXPONENT) -> float:
    """Integral of y times the edge over y in [0, 1]."""
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
        support: DoubleSupport | None = None,
    ) -> NDArray[np.float64]:
        """Vertical force (BW) at stance fraction ``s`` for stances of the given step and contact times
        (s); ``impact_scale`` multiplies the landing component (stride-to-stride variation); ``support`` is
        not needed (the shape is fixed in stance fraction)."""
        active = self.active_scale(step_time_s, contact_time_s, impact_scale) * self.active(s)
        return np.asarray(active + impact_scale * self.impact(s), dtype=np.float64)

    def centroid_fraction(
        self,
        step_time_s: NDArray[np.float64],
        contact_time_s: NDArray[np.float64],
        impact_scale: Scale = 1.0,
        support: DoubleSupport | None = None,
    ) -> NDArray[np.float64]:
        """Stance fraction of the force centroid, where the COM passes over the foot."""
        scale = self.active_scale(step_time_s, contact_time_s, impact_scale)
        moment = scale * self.active_mean_fraction + impact_scale * self.impact_first_moment
        return np.asarray(moment / (scale + impact_scale * self.impact_integral), dtype=np.float64)


#: Simulator v2 walking: a stance's vGRF peaks (BW) at 1.5 m/s and their rise per m/s (Keller et al. 1996: about
#: 1.2 BW at 1.5 m/s, rising linearly with speed), within WALKING_PEAK_RANGE_BW.
WALKING_PEAK_BW_AT_1_5_MS = 1.2
WALKING_PEAK_BW_PER_MS = 0.25
WALKING_PEAK_RANGE_BW = (1.05, 1.5)
#: Simulator v2 walking: the other leg's toe-off is taken within these stance fractions (and its contact within
#: 1 minus them), the mid-stance valley at least this share of the peak.
WALKING_DOUBLE_SUPPORT_FRACTION = (0.03, 0.45)
WALKING_VALLEY_MIN_OF_PEAK = 0.25
#: Simulator v2 walking: a hard landing's impulse lowers the valley no further than this (BW; nor a valley already
#: lower) and scales the stance for the rest (SIM-15): v2's fastest soft walks' valley (1.8 m/s: ~0.5 BW), above the
#: lower back's flight floor (0.4 g), under which a trunk's step reads as running.
WALKING_HARD_VALLEY_MIN_BW = 0.5
#: Simulator v2 walking: a hard landing's pulse (LANDING_TIMING's rearfoot fractions) is that of a running stance of
#: this length (s; 3 m/s, where LANDING_BW is given): the heel's stop from its touchdown velocity takes as long in a
#: walk (peak ~25 ms, end ~60 ms after contact), not 2-3 times longer with the walking stance.
HARD_LANDING_STANCE_S = 0.25
#: Simulator v2 walking: a stance whose timing needs more or less impulse than the nominal one moves its valley by up
#: to this (BW) and scales as a whole by the rest (its peak then varies by a few per cent, as measured: Masani et al.
#: 2002, coefficients of variation of the peaks of a few per cent, rising with speed).
WALKING_VALLEY_SPREAD_BW = 0.05
#: Simulator v2 walking: exponent of the loading and unloading edges (:func:`_edge`). The two legs' sum over a double
#: support is P (e(x) + e(1 - x)): at least P, at most 2 e(1/2) P in its middle (1.09 P for 12; 1.19 P for
#: EDGE_EXPONENT's 6), with a kink up at the contact (the collision: slope n/(n - 1) P per double support) and
#: one down at the toe-off.
WALKING_EDGE_EXPONENT = 12.0
#: Simulator v2 walking: the shortest loading edge (s), the collision's: the knee's flexion in loading response takes
#: the body's weight over ~50-100 ms (Perry & Burnfield 2010: loading response 0-10 % of the gait cycle, ~100 ms at 1.3
#: m/s), so a walking leg does not pick up its weight faster than this however short its double support.
WALKING_LOADING_MIN_S = 0.05


#: Simulator v2 walking: the leading leg's collision (SIM-18) is a pulse on its loading edge that rises over the
#: collision's WALKING_LOADING_MIN_S (the finite-slope edge of EDGE_EXPONENT, so the summed force's slope jumps at the
#: contact) and falls smoothly to zero at the leg's first peak, but not sooner than this after the contact (s): the
#: loading response's ~100 ms (Perry & Burnfield 2010), over which the knee's yield takes the collision.
WALKING_COLLISION_END_MIN_S = 0.1


def walking_peak_bw(speed_ms: float) -> float:
    """Peak vGRF of a walking stance (BW) at a speed (m/s), simulator v2."""
    low, high = WALKING_PEAK_RANGE_BW
    return float(np.clip(WALKING_PEAK_BW_AT_1_5_MS + WALKING_PEAK_BW_PER_MS * (speed_ms - 1.5), low, high))


@dataclass(frozen=True)
class DoubleSupport:
    """Per stance, as fractions of it: the other leg's toe-off (``loading``, end of the first double support) and
    its next contact (``unloading``, start of the second)."""

    loading: NDArray[np.float64]
    unloading: NDArray[np.float64]

    @classmethod
    def of_stances(cls, ic_s: NDArray[np.float64], to_s: NDArray[np.float64], index: NDArray[np.intp]) -> DoubleSupport:
        """Of the stances ``index`` of a sequence whose legs alternate (``ic_s``, ``to_s`` in s): the stance before
        is the other leg's, the one after its next. A stance at either end takes its nominal neighbour."""
        ic, contact = ic_s[index], to_s[index] - ic_s[index]
        step = np.median(np.diff(ic_s)) if ic_s.size > 1 else 0.5 * float(np.median(contact))
        prev_to = np.where(index > 0, to_s[np.maximum(index - 1, 0)], ic + contact - step)
        next_ic = np.where(index + 1 < ic_s.size, ic_s[np.minimum(index + 1, ic_s.size - 1)], ic + step)
        low, high = WALKING_DOUBLE_SUPPORT_FRACTION
        return cls(np.clip((prev_to - ic) / contact, low, high), np.clip((next_ic - ic) / contact, 1 - high, 1 - low))


@dataclass(frozen=True)
class WalkingVgrf:
    """Walking vGRF of a stance tied to its double supports (simulator v2; module docstring).

    Over stance fraction s with the other leg's toe-off at u1 and its contact at u2 (:class:`DoubleSupport`): P e(s/a1)
    from contact to a1, the finite-slope edge of WALKING_EDGE_EXPONENT (zero slope at the peak) over the first double
    support u1, but at least WALKING_LOADING_MIN_S (the collision; SIM-14); a cosine from P down to the valley V midway
    and back up to P at 1 - a2; P e((1 - s)/a2) to toe-off, a2 the second double support's, as long. The leading leg's
    rise and the trailing leg's fall are mirror images over the same double support, so their sum is
    P (e(x) + e(1 - x)) >= P there (in one shorter than WALKING_LOADING_MIN_S it dips). P is the speed's
    (:func:`walking_peak_bw`), V that which gives the nominal stance (:meth:`nominal`) its vertical impulse (body weight
    x step time); each stance's own impulse (its timing varies) moves its valley a little and scales it as a whole for
    the rest (:meth:`_levels`); a hard landing's pulse (``landing``, ``landing_bw``, as in :class:`VgrfShape`) lasts
    as in running (its fractions are of a HARD_LANDING_STANCE_S stance: the heel's stop does not slow with the gait)
    and takes its impulse from the valley, the peaks kept (SIM-15). A soft stance's leading leg adds its collision
    (``collision_bw``, :class:`_Collision`: rising over WALKING_LOADING_MIN_S, over at its first peak or
    WALKING_COLLISION_END_MIN_S), whose impulse is the nominal stance's centre-of-mass descent at the contact and comes
    out of the valley as a hard landing's (SIM-18).
    """

    peak_bw: float
    valley_bw: float
    landing: Pulse
    landing_bw: float = 0.0
    collision_bw: float = 0.0

    def _landing_stretch(self, contact_time_s: NDArray[np.float64]) -> NDArray[np.float64]:
        """This stance's length over the landing pulse's reference stance (the pulse lies at ``s`` x this)."""
        return np.asarray(contact_time_s / HARD_LANDING_STANCE_S, dtype=np.float64)

    @classmethod
    def nominal(
        cls,
        speed_ms: float,
        step_time_s: float,
        contact_time_s: float,
        landing: Pulse,
        landing_bw: float = 0.0,
        collision: bool = True,
    ) -> WalkingVgrf:
        """The shape of a walk at a speed (m/s) with its nominal step and contact time (s): the valley that gives a
        stance whose double supports are those of the nominal timing its impulse; with ``collision`` the leading
        leg's collision that stops the descent of the centre of mass at the contact (SIM-18)."""
        peak = walking_peak_bw(speed_ms)
        low, high = WALKING_DOUBLE_SUPPORT_FRACTION
        u1 = float(np.clip(1.0 - step_time_s / contact_time_s, low, high))
        contact = np.array(contact_time_s)
        geometry = _Geometry.of(np.array(u1), np.array(1.0 - u1), contact)
        edges, half = geometry.peak_area, geometry.half
        valley = float((step_time_s / contact_time_s - peak * edges) / half - peak)
        valley = float(np.clip(valley, WALKING_VALLEY_MIN_OF_PEAK * peak, peak))
        # the collision stops the centre of mass's descent at the contact: from mid single support (level) to the
        # other leg's contact the force averages (P + V)/2 over half the dip (SIM-18)
        descent = float(half) * max(1.0 - 0.5 * (peak + valley), 0.0)  # stance fraction x BW: momentum / weight
        collision_bw = descent / float(_Collision.of(geometry, contact).integral) if collision else 0.0
        return cls(peak, valley, landing, landing_bw, collision_bw)

    def _stance(
        self,
        step_time_s: NDArray[np.float64],
        contact_time_s: NDArray[np.float64],
        impact_scale: Scale,
        support: DoubleSupport | None,
    ) -> tuple[_Geometry, NDArray[np.float64], NDArray[np.float64]]:
        """Each stance's edges (:class:`_Geometry`), peak and valley (BW): what the force and its centroid share."""
        assert support is not None, "walking force (v2) needs the double supports"
        geometry = _Geometry.of(support.loading, support.unloading, contact_time_s)
        return geometry, *self._levels(step_time_s, contact_time_s, impact_scale, geometry)

    def _levels(
        self,
        step_time_s: NDArray[np.float64],
        contact_time_s: NDArray[np.float64],
        impact_scale: Scale,
        geometry: _Geometry,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Peak and valley (BW) of the active part of each stance: the valley moves by up to WALKING_VALLEY_SPREAD_BW
        toward the stance's impulse, and the whole stance is scaled by the rest; then a hard landing's impulse is
        taken from the valley (down to WALKING_HARD_VALLEY_MIN_BW; the whole stance scaled for any rest)."""
        need = step_time_s / contact_time_s
        edges, half = geometry.peak_area, geometry.half
        p = self.peak_bw
        shift = np.clip(
            (need - p * edges) / half - p - self.valley_bw, -WALKING_VALLEY_SPREAD_BW, WALKING_VALLEY_SPREAD_BW
        )
        valley = self.valley_bw + shift
        k = need / (p * edges + half * (p + valley))
        peak, valley = k * p, k * valley
        landing = impact_scale * self.landing_bw * self.landing.integral / self._landing_stretch(contact_time_s)
        landing = landing + self.collision_bw * _Collision.of(geometry, contact_time_s).integral
        lowered = valley - landing / half
        floor = np.maximum(WALKING_VALLEY_MIN_OF_PEAK * peak, np.minimum(valley, WALKING_HARD_VALLEY_MIN_BW))
        rest = half * np.maximum(floor - lowered, 0.0)  # impulse the valley cannot give
        valley = np.maximum(lowered, floor)
        k = 1.0 - rest / (peak * edges + half * (peak + valley))
        return np.asarray(k * peak, dtype=np.float64), np.asarray(k * valley, dtype=np.float64)

    def vgrf_bw(
        self,
        s: NDArray[np.float64],
        step_time_s: NDArray[np.float64],
        contact_time_s: NDArray[np.float64],
        impact_scale: Scale = 1.0,
        support: DoubleSupport | None = None,
    ) -> NDArray[np.float64]:
        """Vertical force (BW) at stance fraction ``s`` (0 outside the stance); arrays broadcast together."""
        g, peak, valley = self._stance(step_time_s, contact_time_s, impact_scale, support)
        mid = 0.5 * (g.p1 + g.p2)
        n = WALKING_EDGE_EXPONENT
        rise = _edge(np.clip(s / g.a1, 0.0, 1.0), False, n)
        fall = _edge(np.clip((1 - s) / g.a2, 0.0, 1.0), False, n)
        dip = 0.5 * (1 + np.cos(np.pi * np.clip(np.abs(s - mid) / (mid - g.p1), 0.0, 1.0) + np.pi))
        inner = valley + (peak - valley) * dip
        shape = np.where(s < g.p1, peak * rise, np.where(s > g.p2, peak * fall, inner))
        shape = np.where((s >= 0) & (s <= 1), shape, 0.0)
        landing = self.landing(s * self._landing_stretch(contact_time_s))
        collision = self.collision_bw * _Collision.of(g, contact_time_s)(s)
        return np.asarray(shape + impact_scale * self.landing_bw * landing + collision, dtype=np.float64)

    def centroid_fraction(
        self,
        step_time_s: NDArray[np.float64],
        contact_time_s: NDArray[np.float64],
        impact_scale: Scale = 1.0,
        support: DoubleSupport | None = None,
    ) -> NDArray[np.float64]:
        """Stance fraction of the force centroid, where the COM passes over the foot."""
        g, peak, valley = self._stance(step_time_s, contact_time_s, impact_scale, support)
        e_int, e_mom = _edge_integral(False, WALKING_EDGE_EXPONENT), _edge_moment(False, WALKING_EDGE_EXPONENT)
        a1, a2 = g.a1, g.a2
        # the edges and the dip, symmetric about its middle (each half's integral half (P + V)/2)
        area = peak * g.peak_area + g.half * (peak + valley)
        moment = (
            peak * a1 * a1 * e_mom  # the rise
            + peak * a2 * (e_int - a2 * e_mom)  # the fall, s = 1 - a2 y
            + g.half * (peak + valley) * 0.5 * (g.p1 + g.p2)
        )
        landing = impact_scale * self.landing_bw
        r = self._landing_stretch(contact_time_s)
        c = _Collision.of(g, contact_time_s)
        total = area + landing * self.landing.integral / r + self.collision_bw * c.integral
        moment = moment + landing * self.landing.first_moment / r**2 + self.collision_bw * c.first_moment
        return np.asarray(moment / total, dtype=np.float64)


@dataclass(frozen=True)
class _Geometry:
    """Stance fractions of a v2 walking stance: the loading edge's length ``a1`` (the first peak's), the unloading's
    ``a2`` (the second peak at 1 - a2)."""

    a1: NDArray[np.float64]
    a2: NDArray[np.float64]

    @classmethod
    def of(cls, u1: NDArray[np.float64], u2: NDArray[np.float64], contact_time_s: NDArray[np.float64]) -> _Geometry:
        """Each double support's edges (the leading leg's rise, the trailing leg's fall) last the double support
        itself (so their sum stays >= P), or WALKING_LOADING_MIN_S where it is shorter (the sum then dips)."""
        high, shortest = WALKING_DOUBLE_SUPPORT_FRACTION[1], WALKING_LOADING_MIN_S / contact_time_s
        return cls(np.minimum(np.maximum(u1, shortest), high), np.minimum(np.maximum(1.0 - u2, shortest), high))

    @property
    def p1(self) -> NDArray[np.float64]:
        return self.a1

    @property
    def p2(self) -> NDArray[np.float64]:
        return np.asarray(1.0 - self.a2, dtype=np.float64)

    @property
    def half(self) -> NDArray[np.float64]:
        """Half the dip's length (stance fraction)."""
        return np.asarray(0.5 * (self.p2 - self.p1), dtype=np.float64)

    @property
    def peak_area(self) -> NDArray[np.float64]:
        """Integral of the two edges at peak 1 (stance fraction)."""
        return np.asarray(_edge_integral(False, WALKING_EDGE_EXPONENT) * (self.a1 + self.a2), dtype=np.float64)


@dataclass(frozen=True)
class _Collision:
    """The leading leg's collision pulse of v2 walking stances (SIM-18), 1 at its peak: from the contact the
    finite-slope edge (:func:`_edge`, EDGE_EXPONENT) up to ``rise``, then a smooth (sin^2) fall to zero at ``end``
    (stance fractions)."""

    rise: NDArray[np.float64]
    end: NDArray[np.float64]

    @classmethod
    def of(cls, geometry: _Geometry, contact_time_s: NDArray[np.float64]) -> _Collision:
        """Rising over WALKING_LOADING_MIN_S, over at the first peak but not before WALKING_COLLISION_END_MIN_S."""
        rise = WALKING_LOADING_MIN_S / contact_time_s
        return cls(np.asarray(rise), np.maximum(geometry.a1, WALKING_COLLISION_END_MIN_S / contact_time_s))

    def __call__(self, s: NDArray[np.float64]) -> NDArray[np.float64]:
        up = _edge(np.clip(s / self.rise, 0.0, 1.0), False)
        down = _edge(np.clip((self.end - s) / (self.end - self.rise), 0.0, 1.0), True)
        return np.asarray(np.where((s < 0) | (s > self.end), 0.0, np.where(s < self.rise, up, down)), dtype=np.float64)

    @property
    def integral(self) -> NDArray[np.float64]:
        """Integral over stance fraction."""
        return np.asarray(self.rise * _edge_integral(False) + 0.5 * (self.end - self.rise), dtype=np.float64)

    @property
    def first_moment(self) -> NDArray[np.float64]:
        """Integral of s times the pulse over stance fraction."""
        fall = self.end - self.rise
        m_fall = fall * (0.5 * self.end - fall * _edge_moment(True))
        return np.asarray(self.rise**2 * _edge_moment(False) + m_fall, dtype=np.float64)


def vgrf_shape(
    activity: str,
    direction: str,
    foot_strike: str,
    speed_ms: float,
    hard_landing: bool = False,
    version: int = 1,
    timing_s: tuple[float, float] | None = None,
) -> VgrfShape | WalkingVgrf:
    """vGRF shape of a stance for an activity, direction, strike pattern and speed (m/s).

    ``hard_landing`` (a stiff toe landing): the landing pulse of a heel strike, not softened
    backward, also in walking (which otherwise has none). ``version``: the simulator's; from 2 walking
    is a :class:`WalkingVgrf`, which needs the bout's nominal (step, contact) time ``timing_s`` (s)."""
    if hard_landing:
        peak, end = LANDING_TIMING["rearfoot"]
        landing_pulse = Pulse(0.0, peak, end, smooth_end=True)
        landing = LANDING_BW["rearfoot"] * (speed_ms / 3.0) ** 0.5
    if activity == "walking" and version >= 2:
        if timing_s is None:
            raise ValueError("walking force (v2) needs the nominal step and contact time")
        if hard_landing:  # the heel's stop is the collision (SIM-15); no second one (SIM-18)
            return WalkingVgrf.nominal(speed_ms, *timing_s, landing_pulse, landing, collision=False)
        return WalkingVgrf.nominal(speed_ms, *timing_s, Pulse(0.0, 0.1, 0.25, smooth_end=True))
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
    shape: VgrfShape | WalkingVgrf,
    step_time_s: NDArray[np.float64],
    contact_time_s: NDArray[np.float64],
    impact_scale: NDArray[np.float64],
    stop_fraction: NDArray[np.float64] | None = None,
    n_points: int = 600,
    support: DoubleSupport | None = None,
) -> StanceForceMetrics:
    """Peak vGRF and the average loading rate of each stance.

    The loading rate is taken between 20 % and 80 % of the rise to the impact peak (the first local
    maximum in the first 30 % of stance) or, without one, to the force at 50 % of stance.
    ``stop_fraction`` (per stance, NaN for none) marks a stance on which the gait stops: its force
    settles to 1 BW from that stance fraction on (:func:`stop_blend`). ``support``: per stance, for a
    :class:`WalkingVgrf`.
    """
    s = (np.arange(n_points) + 0.5) / n_points
    peaks = np.empty(len(step_time_s))
    rates = np.empty(len(step_time_s))
    for start in range(0, len(step_time_s), 2048):
        step = np.asarray(step_time_s[start : start + 2048])[:, None]
        contact = np.asarray(contact_time_s[start : start + 2048])[:, None]
        scale = np.asarray(impact_scale[start : start + 2048])[:, None]
        part = None
        if support is not None:
            part = DoubleSupport(
                support.loading[start : start + 2048, None], support.unloading[start : start + 2048, None]
            )
        force = shape.vgrf_bw(s[None, :], step, contact, scale, part)
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
