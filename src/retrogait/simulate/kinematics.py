"""Sagittal kinematics of the foot and shank over a stride, and the landing impact.

Angles (deg) follow docs/conventions.md: the foot angle ``theta`` is positive when the toes point up
(the foot-strike-angle sign); the shank angle ``psi`` is the tilt of the tibia from vertical,
positive when the knee is ahead of the ankle (+x). A segment rotation ``a`` about body y (positive
tips the segment's top forward) is ``-theta`` for the foot and ``psi`` for the shank, so the
gyroscope's sagittal rate is ``da/dt``.

Stance is a rocker: the foot touches the ground at the heel while ``theta > 0`` and at the ball while
``theta < 0``, and is flat in between, so the ankle's path in stance follows from the foot angle
with no slip. Swing moves the ankle from its toe-off position to the next landing one stride length
further in the direction of TRAVEL (cubic Hermite curves matching position and velocity at both
ends). Backward gait is the forward pattern reversed in time (stance and swing each run backward),
as reported for backward walking and running, except that landing uses the requested strike.

The landing impact is a separate world-vertical acceleration of the sensor point: the landing point
arrives with a downward velocity and is stopped over a strike-dependent time (short on the heel pad,
long when the ankle yields on a forefoot landing), followed by a damped soft-tissue oscillation for
heel and midfoot landings. Its velocity and displacement integrate to zero over each stride.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.interpolate import CubicHermiteSpline, CubicSpline

from retrogait.simulate.config import Bout

# Geometry in the foot frame (m, x toward the toes, z up, origin at the ankle joint centre).
HEEL_XZ_M = (-0.06, -0.09)
BALL_XZ_M = (0.14, -0.09)
FOOT_SENSOR_XZ_M = (0.06, -0.03)
# Shank sensor in the shank frame (m): 9 cm above the ankle joint, 2 cm anterior (tibial surface).
SHANK_SENSOR_XZ_M = (0.02, 0.09)
#: Ankle height when the foot is flat (m).
ANKLE_FLAT_HEIGHT_M = -HEEL_XZ_M[1]

#: Nominal foot-strike angle (deg, toes up positive) by strike pattern and activity.
NOMINAL_FSA_DEG = {
    ("running", "rearfoot"): 14.0,
    ("running", "midfoot"): 3.0,
    ("running", "forefoot"): -9.0,
    ("walking", "rearfoot"): 18.0,
    ("walking", "midfoot"): 3.0,
    ("walking", "forefoot"): -8.0,
}
#: Foot-strike angle ranges (deg) inside each class of Mo et al. 2021 with margin.
FSA_CLASS_RANGE_DEG = {"rearfoot": (10.0, 25.0), "midfoot": (1.0, 5.0), "forefoot": (-18.0, -3.0)}
#: Stance fraction at which the foot becomes flat after landing, by strike.
FLAT_FROM_STANCE = {"rearfoot": 0.28, "midfoot": 0.10, "forefoot": 0.28}


@dataclass(frozen=True)
class ImpactModel:
    """World-vertical acceleration (m/s^2) of the sensor point around one landing.

    Attributes:
        touchdown_velocity_ms: downward speed of the landing point at contact (m/s).
        stop_time_s: duration of the half-sine deceleration that stops it (s).
        ringing_ratio: amplitude of the damped oscillation relative to the deceleration peak.
        ringing_hz: frequency of that oscillation (Hz); damping ratio RINGING_DAMPING.
        descent_time_s: duration of the late-swing downward acceleration (s).
        lift_time_s: duration of the earlier bipolar term that cancels the net displacement (s).
    """

    touchdown_velocity_ms: float
    stop_time_s: float
    ringing_ratio: float
    ringing_hz: float
    descent_time_s: float = 0.06
    lift_time_s: float = 0.2

    RINGING_DAMPING = 0.3

    @property
    def _alpha(self) -> float:
        zeta = self.RINGING_DAMPING
        return zeta * 2 * math.pi * self.ringing_hz / math.sqrt(1 - zeta**2)

    @property
    def _omega(self) -> float:
        return 2 * math.pi * self.ringing_hz

    @property
    def ringing_time_s(self) -> float:
        return 5.0 / self._alpha

    @property
    def before_s(self) -> float:
        """How long before contact the profile starts (s)."""
        return self.descent_time_s + self.lift_time_s

    @property
    def after_s(self) -> float:
        """How long after contact the profile lasts (s)."""
        return self.stop_time_s + self.ringing_time_s

    @property
    def _ringing_amplitude(self) -> float:
        return self.ringing_ratio * math.pi * self.touchdown_velocity_ms / (2 * self.stop_time_s)

    @property
    def _ringing_integral(self) -> float:
        a, w, t = self._alpha, self._omega, self.ringing_time_s
        unit = (w - math.exp(-a * t) * (a * math.sin(w * t) + w * math.cos(w * t))) / (a * a + w * w)
        return -self._ringing_amplitude * unit

    @property
    def stop_peak_ms2(self) -> float:
        """Peak of the half-sine deceleration (m/s^2)."""
        return (self.touchdown_velocity_ms - self._ringing_integral) * math.pi / (2 * self.stop_time_s)

    def _core(self, r: NDArray[np.float64]) -> NDArray[np.float64]:
        """Descent, stop and ringing (no displacement correction) at time r from contact (s)."""
        out = np.zeros_like(r)
        td, tau = self.descent_time_s, self.stop_time_s
        m = (r >= -td) & (r < 0)
        out[m] = -self.touchdown_velocity_ms * (1 - np.cos(2 * np.pi * (r[m] + td) / td)) / td
        m = (r >= 0) & (r < tau)
        out[m] = self.stop_peak_ms2 * np.sin(np.pi * r[m] / tau)
        m = (r >= tau) & (r < tau + self.ringing_time_s)
        x = r[m] - tau
        out[m] = -self._ringing_amplitude * np.exp(-self._alpha * x) * np.sin(self._omega * x)
        return out

    @property
    def _lift_amplitude(self) -> float:
        dt = 1e-4
        r = np.arange(-self.descent_time_s, self.after_s + dt, dt)
        velocity = np.cumsum(self._core(r)) * dt
        displacement = float(np.sum(velocity) * dt)
        return -2 * math.pi * displacement / self.lift_time_s**2

    def accel_ms2(self, r: NDArray[np.float64]) -> NDArray[np.float64]:
        """Vertical acceleration (m/s^2, up positive) at times ``r`` (s) relative to contact."""
        out = self._core(r)
        t0 = -self.before_s
        m = (r >= t0) & (r < -self.descent_time_s)
        out[m] += self._lift_amplitude * np.sin(2 * np.pi * (r[m] - t0) / self.lift_time_s)
        return out


#: Landing-stop time (s) of the sensor point by placement and strike (running); walking x 1.5.
STOP_TIME_S = {
    ("shank", "rearfoot"): 0.014,
    ("shank", "midfoot"): 0.020,
    ("shank", "forefoot"): 0.045,
    ("foot", "rearfoot"): 0.012,
    ("foot", "midfoot"): 0.016,
    ("foot", "forefoot"): 0.035,
}
RINGING_RATIO = {"rearfoot": 0.35, "midfoot": 0.2, "forefoot": 0.0}
RINGING_HZ = {"shank": 25.0, "foot": 30.0}
#: Touchdown velocity (m/s) per m/s of speed; backward landings are softer by BACKWARD_LANDING_FACTOR.
TOUCHDOWN_PER_SPEED = {"running": 0.27, "walking": 0.20}
BACKWARD_LANDING_FACTOR = 0.7
#: A side-step places the foot: its touchdown velocity (m/s) does not grow with the sideways speed.
SIDESTEP_TOUCHDOWN_MS = 0.25


def impact_model(bout: Bout, placement: str, swing_time_s: float) -> ImpactModel:
    """Landing impact of a bout at the foot or shank.

    A hard landing (``bout.hard_landing``: fast backward walking or running on stiff toes) is
    stopped as fast as a heel, from the running touchdown velocity, neither softened backward nor
    slowed for walking; its ringing is that of a midfoot landing."""
    strike = bout.resolved_foot_strike or "rearfoot"
    if bout.hard_landing:
        velocity = TOUCHDOWN_PER_SPEED["running"] * bout.speed_ms
        stop = STOP_TIME_S[(placement, "rearfoot")]
        ringing = RINGING_RATIO["midfoot"]
    else:
        velocity = TOUCHDOWN_PER_SPEED[bout.activity] * bout.speed_ms
        if bout.is_sideways:
            velocity = SIDESTEP_TOUCHDOWN_MS
        if bout.direction == "backward":
            velocity *= BACKWARD_LANDING_FACTOR
        stop = STOP_TIME_S[(placement, strike)] * (1.5 if bout.activity == "walking" else 1.0)
        ringing = RINGING_RATIO[strike]
    lift = min(0.2, 0.45 * swing_time_s)
    return ImpactModel(
        touchdown_velocity_ms=velocity,
        stop_time_s=stop,
        ringing_ratio=ringing,
        ringing_hz=RINGING_HZ[placement],
        descent_time_s=min(0.06, 0.2 * swing_time_s),
        lift_time_s=lift,
    )


# ------------------------------------------------------------------------------------ templates


def rotate(angle_rad: NDArray[np.float64], rx: float, rz: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """World (x, z) of a segment-frame vector (rx, rz) for a segment rotated by ``angle_rad`` about y."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return rx * c + rz * s, -rx * s + rz * c


def _rocker(theta_deg: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Ankle (x, z) relative to the flat-foot heel position for a foot on the ground at angle theta."""
    beta = -np.radians(theta_deg)
    heel = rotate(beta, *HEEL_XZ_M)
    ball = rotate(beta, *BALL_XZ_M)
    on_heel = theta_deg >= 0
    contact_x = np.where(on_heel, 0.0, BALL_XZ_M[0] - HEEL_XZ_M[0])
    x = contact_x - np.where(on_heel, heel[0], ball[0])
    z = -np.where(on_heel, heel[1], ball[1])
    return x, z


def _catmull_rom(x: list[float], y: list[float], fixed: dict[int, float]) -> list[float]:
    """Slopes for Hermite keys: given where fixed, else the secant through the neighbours."""
    slopes = []
    for i in range(len(x)):
        if i in fixed:
            slopes.append(fixed[i])
        else:
            slopes.append((y[i + 1] - y[i - 1]) / (x[i + 1] - x[i - 1]))
    return slopes


Value = float | NDArray[np.float64]


def _quintic(
    w: NDArray[np.float64], start: tuple[Value, Value, Value], end: tuple[Value, Value, Value]
) -> NDArray[np.float64]:
    """Quintic Hermite curve on w in [0, 1] matching value, slope and curvature at both ends."""
    (p0, v0, a0), (p1, v1, a1) = start, end
    w2, w3 = w * w, w * w * w
    w4, w5 = w3 * w, w3 * w2
    return np.asarray(
        (1 - 10 * w3 + 15 * w4 - 6 * w5) * p0
        + (w - 6 * w3 + 8 * w4 - 3 * w5) * v0
        + (0.5 * w2 - 1.5 * w3 + 1.5 * w4 - 0.5 * w5) * a0
        + (0.5 * w3 - w4 + 0.5 * w5) * a1
        + (-4 * w3 + 7 * w4 - 3 * w5) * v1
        + (10 * w3 - 15 * w4 + 6 * w5) * p1,
        dtype=np.float64,
    )


#: Exponent of the foot's landing (to flat) and push-off (from flat) rotation; > 2 keeps the
#: angular acceleration continuous where the foot becomes flat and where the heel lifts.
ROCKER_EXPONENT = 2.5


#: Swing fraction from which the next landing's strike-angle variation is blended in.
LANDING_BLEND_FROM = 0.6


@dataclass(frozen=True)
class FootAngle:
    """Foot angle (deg, toes up positive) over canonical stride phase u in [0, 1).

    Stance: ``theta_ic (1 - u/flat_from)^n`` until flat, 0, then ``theta_to ((u - flat_to)/(duty - flat_to))^n``;
    swing: a cubic Hermite through keys that continues the push-off and ends in the landing.
    """

    duty: float
    flat_from: float  # u at which the foot becomes flat
    flat_to: float  # u at which it leaves flat
    theta_ic: float
    theta_to: float
    swing: CubicHermiteSpline

    def __call__(
        self,
        u: NDArray[np.float64],
        scale_this: NDArray[np.float64] | None = None,
        scale_next: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """Angle at phase u. ``scale_this`` scales this stride's landing angle (stride-to-stride
        variation of the strike angle), ``scale_next`` the next landing, blended in over late swing
        with zero slope at contact, so the angle stays smooth (C1) through every contact."""
        u = np.asarray(u, dtype=np.float64)
        n = ROCKER_EXPONENT
        out = np.zeros_like(u)
        land = u < self.flat_from
        factor = 1.0 if scale_this is None else scale_this[land]
        out[land] = factor * self.theta_ic * (1 - u[land] / self.flat_from) ** n
        push = (u > self.flat_to) & (u < self.duty)
        out[push] = self.theta_to * ((u[push] - self.flat_to) / (self.duty - self.flat_to)) ** n
        sw = u >= self.duty
        out[sw] = self.swing(u[sw])
        if scale_next is not None:
            w = (u[sw] - self.duty) / (1 - self.duty)
            x = np.clip((w - LANDING_BLEND_FROM) / (1 - LANDING_BLEND_FROM), 0.0, 1.0)
            out[sw] *= 1 + (scale_next[sw] - 1) * x * x * (3 - 2 * x)
        return out


@dataclass(frozen=True)
class StrideTemplate:
    """Foot angle, shank angle and ankle path over one stride of canonical phase u in [0, 1).

    Stance is u in [0, duty), swing u in [duty, 1). In swing the ankle follows quintic curves that
    match the rocker's position, velocity and acceleration at toe-off and at the next contact
    (one stride length further along the travel direction). Height: two quintic pieces that meet at
    the clearance peak (``clearance_m`` above the higher of the toe-off and landing ankle heights, at
    swing fraction ``peak_fraction``, zero vertical velocity), so the rise and the descent are each
    one smooth movement; backward gait mirrors the forward peak time (1 - forward fraction).
    """

    duty: float
    travel_sign: float
    foot_strike_angle_deg: float
    foot_angle: FootAngle
    shank_angle: CubicSpline
    twist: CubicSpline  # foot eversion / tibial internal rotation (deg), see TWIST_KEYS_DEG
    ankle_x_to: tuple[float, float, float]  # x, dx/dw, d2x/dw2 at toe-off (w = swing fraction)
    ankle_z_to: tuple[float, float, float]
    clearance_m: float
    peak_fraction: float
    lateral_sign: float = 0.0  # side-steps: +1 toward the left (+y), -1 right; 0 for sagittal gait
    roll: FootAngle | None = None  # side-steps: foot roll about its long axis (deg, + lifts the +y edge)

    def lateral(self, u: NDArray[np.float64], stride_length_m: NDArray[np.float64]) -> NDArray[np.float64]:
        """Ankle y (m) relative to the stride's stance position: 0 in stance, and in swing a quintic
        step of one stride length toward the travel side, at rest at both ends (the foot is placed)."""
        out = np.zeros_like(u)
        if self.lateral_sign == 0.0:
            return out
        swing = u >= self.duty
        w = (u[swing] - self.duty) / (1 - self.duty)
        out[swing] = self.lateral_sign * stride_length_m[swing] * w**3 * (10 - 15 * w + 6 * w * w)
        return out

    def foot_roll(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """Roll of the foot about its long axis (deg); 0 for sagittal gait (its twist is separate)."""
        return np.zeros_like(u) if self.roll is None else self.roll(u)

    def landing_state(self, scale: NDArray[np.float64]) -> tuple[NDArray[np.float64], ...]:
        """Ankle x, dx/dw, d2x/dw2, z, dz/dw, d2z/dw2 at contact for landing angles scaled by ``scale``
        (one value per stride), w being the swing fraction."""
        h = 1e-4
        u = h * np.arange(4, dtype=np.float64)
        foot = self.foot_angle
        theta = scale[:, None] * foot.theta_ic * (1 - u[None, :] / foot.flat_from) ** ROCKER_EXPONENT
        x, z = _rocker(theta)
        swing = 1 - self.duty
        out: list[NDArray[np.float64]] = []
        for f in (x, z):
            out.append(f[:, 0])
            out.append((-3 * f[:, 0] + 4 * f[:, 1] - f[:, 2]) / (2 * h) * swing)
            out.append((2 * f[:, 0] - 5 * f[:, 1] + 4 * f[:, 2] - f[:, 3]) / h**2 * swing**2)
        return tuple(out)

    def ankle(
        self,
        u: NDArray[np.float64],
        stride_length_m: NDArray[np.float64],
        scale_this: NDArray[np.float64],
        scale_next: NDArray[np.float64],
        landing_next: tuple[NDArray[np.float64], ...],
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Ankle (x, z) in m relative to the stride's flat-foot heel position.

        Args:
            u: stride phase; stride_length_m: per sample.
            scale_this, scale_next: landing-angle factors of this and the next contact, per sample.
            landing_next: :meth:`landing_state` of the next contact, per sample.
        """
        x, z = _rocker(self.foot_angle(u, scale_this, scale_next))
        swing = u >= self.duty
        w = (u[swing] - self.duty) / (1 - self.duty)
        x_ic, vx_ic, ax_ic, z_ic, vz_ic, az_ic = (v[swing] for v in landing_next)
        x_end = x_ic + self.travel_sign * stride_length_m[swing]
        x[swing] = _quintic(w, self.ankle_x_to, (x_end, vx_ic, ax_ic))
        # the height arrives with the rocker's position and velocity but no vertical acceleration:
        # the foot descends freely and is decelerated only by the ground, from contact on
        z[swing] = self.swing_height(w, self.ankle_z_to, (z_ic, vz_ic, np.zeros_like(az_ic)))
        return x, z

    def swing_height(
        self,
        w: NDArray[np.float64],
        toe_off: tuple[float, float, float],
        landing: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]],
    ) -> NDArray[np.float64]:
        """Ankle height (m) at swing fraction ``w`` from the toe-off state to the landing state, each
        (z, dz/dw, d2z/dw2); landing values are per sample.

        The peak (``clearance_m`` above the higher stance end, at ``peak_fraction``, dz/dw = 0) joins
        a rising and a descending quintic; its curvature is the mean of the two parabolas through
        the peak and each end, so the acceleration is continuous there.
        """
        z_to, v_to, a_to = toe_off
        z_ic, v_ic, a_ic = landing
        wp = self.peak_fraction
        z_peak = np.maximum(z_to, z_ic) + self.clearance_m
        a_peak = -((z_peak - z_to) / wp**2 + (z_peak - z_ic) / (1 - wp) ** 2)
        rise = w < wp
        out = np.empty_like(w)
        # quintic pieces in their own unit parameter: derivatives scale with the piece length
        r = w[rise] / wp
        out[rise] = _quintic(r, (z_to, v_to * wp, a_to * wp**2), (z_peak[rise], 0.0, a_peak[rise] * wp**2))
        f = ~rise
        q = (w[f] - wp) / (1 - wp)
        d = 1 - wp
        out[f] = _quintic(q, (z_peak[f], 0.0, a_peak[f] * d**2), (z_ic[f], v_ic[f] * d, a_ic[f] * d**2))
        return out


def _rocker_derivatives(
    foot: FootAngle, u0: float, direction: int, swing_scale: float
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Ankle (x, z) value, first and second derivative w.r.t. swing fraction at a stance end.

    ``direction`` -1 differentiates from the left (toe-off), +1 from the right (contact).
    """
    h = 1e-4
    u = u0 + direction * h * np.arange(4, dtype=np.float64)
    x, z = _rocker(foot(u))
    out = []
    for f in (x, z):
        d1 = direction * (-3 * f[0] + 4 * f[1] - f[2]) / (2 * h)
        d2 = (2 * f[0] - 5 * f[1] + 4 * f[2] - f[3]) / h**2
        out.append((float(f[0]), float(d1 * swing_scale), float(d2 * swing_scale**2)))
    return out[0], out[1]


# Forward keys. Foot angle: toe-off angle and mid-swing angle (deg); shank keys (deg).
_FOOT_TO_DEG = {"running": -55.0, "walking": -50.0}
_FOOT_SWING_MID_DEG = {"running": -30.0, "walking": -10.0}
_HEEL_OFF_STANCE = {"running": 0.50, "walking": 0.60}
_FLAT_FROM_SCALE = {"running": 1.0, "walking": 0.75}
_SHANK_KEYS_DEG = {
    # (stance fraction, angle) x 3 then (swing fraction, angle) x 2; the IC angle closes the loop.
    "running": ((0.0, -8.0), (0.5, 18.0), (1.0, 45.0), (0.3, 65.0), (0.8, -18.0)),
    "walking": ((0.0, -18.0), (0.5, 5.0), (1.0, 40.0), (0.3, 50.0), (0.85, -25.0)),
}
#: Out-of-plane rotation over a forward stride (deg): (stance fraction, angle) x 3, (swing fraction,
#: angle); positive = foot eversion (pronation) and, scaled by TWIST_SHANK_RATIO, tibial internal
#: rotation. Typical running values (about 10 deg of rearfoot eversion excursion peaking near 40 %
#: of stance); not from bm.md, so unverified. Backward gait reverses them in time.
TWIST_KEYS_DEG = {
    "running": ((0.0, -4.0), (0.4, 7.0), (1.0, 0.0), (0.5, -4.0)),
    "walking": ((0.0, -3.0), (0.4, 5.0), (1.0, 0.0), (0.5, -3.0)),
}
TWIST_SHANK_RATIO = 0.7
#: Swing clearance (m): how far the ankle rises above the higher of its toe-off and landing heights,
#: base + per m/s of speed, capped at 0.3 m. Forward running at 3 m/s: about 0.31 m ankle height.
_CLEARANCE_M = {"running": (0.05, 0.03), "walking": (0.04, 0.02)}
#: Swing fraction of the forward clearance peak (knee flexion lifts the heel early in swing);
#: backward gait, the forward stride reversed in time, peaks at 1 - this.
_FORWARD_PEAK_FRACTION = 0.35


def _stance_swing_angle(
    d: float, flat_from: float, flat_to: float, theta_ic: float, theta_to: float, mid: float
) -> FootAngle:
    """A :class:`FootAngle` for duty ``d``: lands at ``theta_ic``, flat from ``flat_from`` to
    ``flat_to`` (fractions of stance), leaves at ``theta_to``; the swing passes ``mid`` halfway and
    joins both stance ends with the rocker's slope."""
    n = ROCKER_EXPONENT
    m_ic = -n * theta_ic / (flat_from * d)
    m_to = n * theta_to / ((1 - flat_to) * d)
    swing = 1 - d
    post_w, pre_w = 0.15, 0.8
    post = theta_to + m_to * swing * post_w / 2.5
    pre = theta_ic - m_ic * swing * (1 - pre_w) / 2.5
    u_keys = [d, d + post_w * swing, d + 0.5 * swing, d + pre_w * swing, 1.0]
    th_keys = [theta_to, post, mid, pre, theta_ic]
    slopes = _catmull_rom(u_keys, th_keys, {0: m_to, 1: 0.0, 3: 0.0, 4: m_ic})
    return FootAngle(
        duty=d,
        flat_from=flat_from * d,
        flat_to=flat_to * d,
        theta_ic=theta_ic,
        theta_to=theta_to,
        swing=CubicHermiteSpline(u_keys, th_keys, slopes),
    )


#: Side-steps (step-together, see docs/simulator.md), by the sensor leg's role: the leading leg
#: steps out (lifted with little plantarflexion), the trailing leg pushes off from its ball and
#: closes. Foot pitch at toe-off and heel-off (fraction of stance); roll (deg, the travel-side edge
#: down) at landing and toe-off; the mid-swing pitch; the shank's sagittal keys (knee flexion lifts
#: the foot: the distal shank swings back and returns); swing clearance (m, base + per m/s).
SIDESTEP_FOOT_TO_DEG = {"lead": -10.0, "trail": -25.0}
SIDESTEP_HEEL_OFF_STANCE = {"lead": 0.75, "trail": 0.60}
SIDESTEP_ROLL_DEG = {"lead": (6.0, 4.0), "trail": (3.0, 10.0)}
SIDESTEP_SWING_MID_DEG = -5.0
SIDESTEP_SHANK_KEYS_DEG = ((0.0, 3.0), (0.5, 5.0), (1.0, 12.0), (0.45, 35.0), (0.85, 6.0))
SIDESTEP_CLEARANCE_M = (0.04, 0.02)


def stride_template(bout: Bout, duty: float, foot_strike_angle_deg: float, sensor_side: str = "left") -> StrideTemplate:
    """Kinematic template of a moving bout for a canonical duty factor (stance / stride).

    ``sensor_side`` (the leg the template is for) matters for side-steps only: the leg on the
    travel side leads, the other trails."""
    if bout.is_sideways:
        return _sidestep_template(bout, duty, foot_strike_angle_deg, sensor_side)
    act = bout.activity
    backward = bout.direction == "backward"
    strike = bout.resolved_foot_strike or "rearfoot"
    d = duty
    theta_ic = foot_strike_angle_deg
    # Foot angle. Forward: land at theta_ic, flat, heel off, push off from the ball at theta_to.
    # Backward: the reverse contact sequence: land at theta_ic (ball), flat, leave from the heel.
    flat_from = FLAT_FROM_STANCE[strike] * _FLAT_FROM_SCALE[act]
    if backward:
        theta_to = 12.0 if act == "running" else 15.0
        flat_to = 1 - 0.5 * (1 - _HEEL_OFF_STANCE[act])
    else:
        theta_to = _FOOT_TO_DEG[act]
        flat_to = _HEEL_OFF_STANCE[act]
    foot = _stance_swing_angle(d, flat_from, flat_to, theta_ic, theta_to, _FOOT_SWING_MID_DEG[act])
    swing = 1 - d

    # Shank angle: forward keys, reversed in time for backward gait.
    keys = _SHANK_KEYS_DEG[act]
    (_, ic_deg), (s_mid, mid_deg), (_, to_deg), (w1, sw1), (w2, sw2) = keys
    if backward:
        stance_keys = [(0.0, to_deg), (1 - s_mid, mid_deg), (1.0, ic_deg)]
        swing_keys = [(1 - w2, sw2), (1 - w1, sw1)]
    else:
        stance_keys = [(0.0, ic_deg), (s_mid, mid_deg), (1.0, to_deg)]
        swing_keys = [(w1, sw1), (w2, sw2)]
    su = [s * d for s, _ in stance_keys] + [d + w * swing for w, _ in swing_keys] + [1.0]
    sv = [v for _, v in stance_keys] + [v for _, v in swing_keys] + [stance_keys[0][1]]
    shank = CubicSpline(su, sv, bc_type="periodic")
    (_, tw_ic), (tw_s, tw_mid), (_, tw_to), (tw_w, tw_sw) = TWIST_KEYS_DEG[act]
    if backward:
        tu = [0.0, (1 - tw_s) * d, d, d + (1 - tw_w) * swing, 1.0]
        tv = [tw_to, tw_mid, tw_ic, tw_sw, tw_to]
    else:
        tu = [0.0, tw_s * d, d, d + tw_w * swing, 1.0]
        tv = [tw_ic, tw_mid, tw_to, tw_sw, tw_ic]
    twist = CubicSpline(tu, tv, bc_type="periodic")

    # Ankle path: rocker ends (value, velocity, acceleration w.r.t. swing fraction).
    x_to, z_to = _rocker_derivatives(foot, d, -1, swing)
    base, per_speed = _CLEARANCE_M[act]
    clearance = min(base + per_speed * bout.speed_ms, 0.3)
    peak_fraction = 1 - _FORWARD_PEAK_FRACTION if backward else _FORWARD_PEAK_FRACTION
    return StrideTemplate(
        duty=d,
        travel_sign=bout.travel_sign,
        foot_strike_angle_deg=theta_ic,
        foot_angle=foot,
        shank_angle=shank,
        twist=twist,
        ankle_x_to=x_to,
        ankle_z_to=z_to,
        clearance_m=clearance,
        peak_fraction=peak_fraction,
    )


def _sidestep_template(bout: Bout, duty: float, foot_strike_angle_deg: float, sensor_side: str) -> StrideTemplate:
    """Side-step template: the sagittal rocker and swing height as in walking (no travel along x,
    clearance peak halfway), a lateral swing of one stride (:meth:`StrideTemplate.lateral`) and a
    foot roll that lands and leaves on the travel-side edge."""
    d = duty
    lam = bout.lateral_sign
    role = "lead" if (lam > 0) == (sensor_side == "left") else "trail"
    flat_from = FLAT_FROM_STANCE[bout.resolved_foot_strike or "midfoot"] * _FLAT_FROM_SCALE["walking"]
    flat_to = SIDESTEP_HEEL_OFF_STANCE[role]
    foot = _stance_swing_angle(
        d, flat_from, flat_to, foot_strike_angle_deg, SIDESTEP_FOOT_TO_DEG[role], SIDESTEP_SWING_MID_DEG
    )
    roll_ic, roll_to = SIDESTEP_ROLL_DEG[role]
    # +roll lifts the +y edge: the travel-side edge stays down with roll of sign -lam
    roll = _stance_swing_angle(d, 0.15, flat_to, -lam * roll_ic, -lam * roll_to, 0.0)
    (_, ic_deg), (s_mid, mid_deg), (_, to_deg), (w1, sw1), (w2, sw2) = SIDESTEP_SHANK_KEYS_DEG
    swing = 1 - d
    su = [0.0, s_mid * d, d, d + w1 * swing, d + w2 * swing, 1.0]
    shank = CubicSpline(su, [ic_deg, mid_deg, to_deg, sw1, sw2, ic_deg], bc_type="periodic")
    twist = CubicSpline([0.0, 0.5, 1.0], [0.0, 0.0, 0.0], bc_type="periodic")
    x_to, z_to = _rocker_derivatives(foot, d, -1, swing)
    base, per_speed = SIDESTEP_CLEARANCE_M
    return StrideTemplate(
        duty=d,
        travel_sign=0.0,
        foot_strike_angle_deg=foot_strike_angle_deg,
        foot_angle=foot,
        shank_angle=shank,
        twist=twist,
        ankle_x_to=x_to,
        ankle_z_to=z_to,
        clearance_m=base + per_speed * bout.speed_ms,
        peak_fraction=0.5,
        lateral_sign=lam,
        roll=roll,
    )


def draw_foot_strike_angle(bout: Bout, rng: np.random.Generator) -> float:
    """Foot-strike angle (deg) of a bout: the nominal one for its class +/- 2 deg, kept in class."""
    strike = bout.resolved_foot_strike or "rearfoot"
    nominal = NOMINAL_FSA_DEG[(bout.activity, strike)]
    low, high = FSA_CLASS_RANGE_DEG[strike]
    return float(np.clip(nominal + 2.0 * rng.standard_normal(), low, high))


#: Stride-to-stride standard deviation of the foot-strike angle (deg).
STRIKE_ANGLE_SD_DEG = 1.5


def draw_stance_strike_angles(
    bout: Bout, bout_angle_deg: float, n: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    """Foot-strike angle (deg) of each of ``n`` stances around the bout's angle, kept in class."""
    low, high = FSA_CLASS_RANGE_DEG[bout.resolved_foot_strike or "rearfoot"]
    return np.clip(bout_angle_deg + STRIKE_ANGLE_SD_DEG * rng.standard_normal(n), low, high)
