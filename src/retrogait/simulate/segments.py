"""Noise-free signals at the placement, in the segment frame, on any time grid.

:class:`LimbMotion` (foot, shank) evaluates the sensor point's sagittal path and the segment angle
and differentiates them numerically on the fine grid it is given: acceleration is the second
derivative of position, the accelerometer reads it minus gravity expressed in the rotating segment
frame, and the gyroscope reads the segment angle's rate. :class:`TrunkMotion` (lower back, taken as
the centre of mass) reads the summed ground-reaction force of both legs divided by body mass; with ``momentum`` (the
config's ``trunk_momentum``) the stances' horizontal force also carries the change of its travel velocity at a
start, a stop or a change of travel (:func:`travel_velocity_changes`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.interpolate import PchipInterpolator

from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.simulate.config import Bout
from retrogait.simulate.grf import (
    HALF_STEP_WIDTH_M,
    DoubleSupport,
    VgrfShape,
    WalkingVgrf,
    horizontal_forces_bw,
    stop_blend,
    vgrf_shape,
)
from retrogait.simulate.kinematics import (
    ANKLE_FLAT_HEIGHT_M,
    BALL_XZ_M,
    FOOT_SENSOR_XZ_M,
    HEEL_XZ_M,
    SHANK_SENSOR_XZ_M,
    TWIST_SHANK_RATIO,
    ImpactModel,
    StrideTemplate,
    _rocker,
)
from retrogait.simulate.nominal import nominal_timing
from retrogait.simulate.timing import StanceSequence

#: Duration (s) over which the shank angle blends from quiet standing into gait and back.
SHANK_BLEND_S = 0.4
#: Trunk (pelvis) pitch oscillation amplitude (deg) at step frequency, lower back only.
TRUNK_PITCH_AMPLITUDE_DEG = 2.0


@dataclass(frozen=True)
class SegmentSignals:
    """Noise-free signals in the segment frame (x anterior, y left, z up in quiet standing).

    Attributes:
        acc_ms2: specific force (m/s^2, gravity included), (n, 3).
        gyr_dps: angular rate (deg/s), (n, 3).
        impact_ms2: acceleration along the placement's impact axis (m/s^2, gravity removed), (n,).
    """

    acc_ms2: NDArray[np.float64]
    gyr_dps: NDArray[np.float64]
    impact_ms2: NDArray[np.float64]


@dataclass(frozen=True)
class MovingBout:
    """Everything needed to evaluate one moving bout."""

    bout: Bout
    start_s: float
    end_s: float
    stances: StanceSequence
    template: StrideTemplate | None
    impact: ImpactModel | None
    vgrf: VgrfShape | WalkingVgrf
    strike_angle_deg: NDArray[np.float64]  # per stance of ``stances``

    @property
    def stepping_turn(self) -> SteppingTurn | None:
        """The bout's stepping turn (absolute times), or None."""
        window = self.bout.stepping_turn_s
        if window is None:
            return None
        return SteppingTurn(self.start_s + window[0], self.start_s + window[1], self.bout.turn_deg)


def _smoothstep(x: NDArray[np.float64]) -> NDArray[np.float64]:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


@dataclass(frozen=True)
class Turn:
    """A pivot about the vertical while standing (a still bout with ``turn_deg``)."""

    start_s: float
    end_s: float
    turn_deg: float

    def fraction(self, t: NDArray[np.float64]) -> NDArray[np.float64]:
        """Progress 0..1 of the pivot at times t (s), 0 before and 1 after it."""
        return np.clip((t - self.start_s) / (self.end_s - self.start_s), 0.0, 1.0)


@dataclass(frozen=True)
class SteppingTurn:
    """A turn made while walking or running (a moving bout's ``turn_deg``): the body's heading
    follows a minimum-jerk profile over [start_s, end_s] while the gait goes on."""

    start_s: float
    end_s: float
    turn_deg: float

    def heading_rad(self, t: NDArray[np.float64]) -> NDArray[np.float64]:
        """The body's heading change so far (rad, positive to the left) at times t (s)."""
        tau = np.clip((t - self.start_s) / (self.end_s - self.start_s), 0.0, 1.0)
        return np.radians(self.turn_deg) * _min_jerk(tau)


def _min_jerk(tau: NDArray[np.float64]) -> NDArray[np.float64]:
    """Minimum-jerk progress 0..1 (zero velocity and acceleration at both ends)."""
    return np.asarray(tau**3 * (10 - 15 * tau + 6 * tau * tau), dtype=np.float64)


def yaw_rad(turns: list[Turn], t: NDArray[np.float64]) -> NDArray[np.float64]:
    """Heading (rad, positive to the left) at times t: the sum of the turns made so far, each
    following a minimum-jerk profile over its bout."""
    out = np.zeros_like(t)
    for turn in turns:
        out += np.radians(turn.turn_deg) * _min_jerk(turn.fraction(t))
    return out


#: Heel lift (deg) halfway through a pivot: the wearer turns on the ball of the foot.
TURN_HEEL_LIFT_DEG = 15.0
#: The shank leans forward by this fraction of the heel lift during a pivot (the knee moves over the ball).
TURN_SHANK_LEAN = 0.5
#: Hip joint above the ankle (m), for the shank's frontal tilt in side-steps.
LEG_LENGTH_M = 0.85
#: The body pivots on the ball of the lead leg's foot: that vertical axis lies this far ahead of and
#: beside the sacrum (m; x anterior, y toward the lead leg).
TRUNK_PIVOT_M = (0.15, 0.10)


@dataclass(frozen=True)
class LimbPose:
    """Pose of the foot or shank in the heading frame (x where the wearer faces, z up) at times t.

    The orientation is R = R_x(roll) R_y(sagittal) R_local(twist) (R_local = R_x for the foot,
    R_z for the shank); ``yaw`` (rad) turns the heading frame about the vertical through
    ``pivot_xy`` (m) while the wearer pivots."""

    ankle_x: NDArray[np.float64]
    ankle_y: NDArray[np.float64]
    ankle_z: NDArray[np.float64]
    sagittal: NDArray[np.float64]
    roll: NDArray[np.float64]
    twist: NDArray[np.float64]
    yaw: NDArray[np.float64]
    pivot_x: NDArray[np.float64]
    pivot_y: NDArray[np.float64]


class LimbMotion:
    """Foot or shank of the lead leg through a sequence of bouts (and the turns between them)."""

    def __init__(self, placement: str, moving: list[MovingBout], side: str, turns: list[Turn] | None = None) -> None:
        self.placement = placement
        self.side = side
        self.moving = moving
        self.turns = list(turns or [])
        self._phase: list[PchipInterpolator] = []
        self._heel: list[NDArray[np.float64]] = []
        self._lateral: list[NDArray[np.float64]] = []
        self._stride: list[NDArray[np.float64]] = []
        self._scale: list[NDArray[np.float64]] = []
        self._landing: list[tuple[NDArray[np.float64], ...]] = []
        self.final_heel_m: list[float] = []
        self.final_lateral_m: list[float] = []
        origin = 0.0  # heel position (m) while standing; each bout continues where the last ended
        origin_y = 0.0  # the foot's sideways position (m), moved by side-steps only
        for mb in moving:
            seq = mb.stances
            assert mb.template is not None
            ic, to = seq.ic_s[seq.lead], seq.to_s[seq.lead]
            k = np.arange(ic.size, dtype=np.float64)
            knots_t = np.column_stack([ic, to]).ravel()
            knots_p = np.column_stack([k, k + mb.template.duty]).ravel()
            phase = PchipInterpolator(knots_t, knots_p)
            stride = mb.bout.speed_ms * np.diff(ic)
            heel = origin + mb.bout.travel_sign * np.concatenate([[0.0], np.cumsum(stride)])
            lateral = origin_y + mb.bout.lateral_sign * np.concatenate([[0.0], np.cumsum(stride)])
            self._phase.append(phase)
            scale = np.append(mb.strike_angle_deg[seq.lead], 1.0) / mb.template.foot_strike_angle_deg
            self._scale.append(scale)
            self._landing.append(mb.template.landing_state(scale))
            self._stride.append(np.append(stride, stride[-1]))
            self._heel.append(heel)
            self._lateral.append(lateral)
            last = int(np.floor(phase(seq.gait_end_s)))
            origin, origin_y = float(heel[last]), float(lateral[last])
            self.final_heel_m.append(origin)
            self.final_lateral_m.append(origin_y)

    def pose(self, t: NDArray[np.float64]) -> LimbPose:
        """Pose at times t (s); see :class:`LimbPose`.

        The twist is about the segment's x axis for the foot (eversion) and its z axis for the shank
        (internal rotation), signed for the side so that eversion/internal rotation is positive
        anatomically. Outside the gait of a bout the wearer stands: foot flat, shank vertical, heel
        where the last stride left it -- or, during a turn, pivots on the ball of the foot with the
        heel lifted (TURN_HEEL_LIFT_DEG halfway)."""
        heel = np.zeros_like(t)
        lateral = np.zeros_like(t)
        theta = np.zeros_like(t)
        psi = np.zeros_like(t)
        twist = np.zeros_like(t)
        roll = np.zeros_like(t)
        shank_roll = np.zeros_like(t)
        ankle_z = np.full_like(t, ANKLE_FLAT_HEIGHT_M)
        for i, mb in enumerate(self.moving):
            after = t > mb.stances.gait_end_s
            heel[after] = self.final_heel_m[i]
            lateral[after] = self.final_lateral_m[i]
        ankle_x = heel - HEEL_XZ_M[0]
        ankle_y = lateral.copy()
        pivot_x = heel + (BALL_XZ_M[0] - HEEL_XZ_M[0])
        pivot_y = lateral
        for turn in self.turns:
            inside = (t >= turn.start_s) & (t <= turn.end_s)
            if inside.any():
                # sin^4: the heel leaves and returns to the ground without a jump in acceleration
                lift = -TURN_HEEL_LIFT_DEG * np.sin(np.pi * turn.fraction(t[inside])) ** 4
                x_rel, z_rel = _rocker(lift)
                ankle_x[inside] = heel[inside] + x_rel
                ankle_z[inside] = z_rel
                theta[inside] = lift
                psi[inside] = np.radians(-TURN_SHANK_LEAN * lift)
        for i, mb in enumerate(self.moving):
            seq, tpl = mb.stances, mb.template
            assert tpl is not None
            gait = (t >= seq.gait_start_s) & (t <= seq.gait_end_s)
            if not gait.any():
                continue
            tg = t[gait]
            p = self._phase[i](tg)
            k = np.floor(p).astype(np.int64)
            u = p - k
            this, nxt = self._scale[i][k], self._scale[i][k + 1]
            landing_next = tuple(v[k + 1] for v in self._landing[i])
            x_rel, z = tpl.ankle(u, self._stride[i][k], this, nxt, landing_next)
            ankle_x[gait] = self._heel[i][k] + x_rel
            ankle_z[gait] = z
            theta[gait] = tpl.foot_angle(u, this, nxt)
            blend = _smoothstep((tg - seq.gait_start_s) / SHANK_BLEND_S) * _smoothstep(
                (seq.gait_end_s - tg) / SHANK_BLEND_S
            )
            psi[gait] = np.radians(tpl.shank_angle(u)) * blend
            twist[gait] = np.radians(tpl.twist(u)) * blend
            if tpl.lateral_sign:
                ankle_y[gait] = self._lateral[i][k] + tpl.lateral(u, self._stride[i][k])
                roll[gait] = np.radians(tpl.foot_roll(u))
                # the leg tilts in the frontal plane from the ankle toward the hip, which moves
                # sideways at the bout speed from above the ankle at the gait start
                hip_y = self._lateral[i][0] + tpl.lateral_sign * mb.bout.speed_ms * (tg - seq.gait_start_s)
                shank_roll[gait] = -np.arctan2(hip_y - ankle_y[gait], LEG_LENGTH_M) * blend
        yaw = yaw_rad(self.turns, t)
        for i, mb in enumerate(self.moving):
            if mb.stepping_turn is not None:
                self._stepping_turn(i, mb.stepping_turn, t, yaw, pivot_x, pivot_y)
        # eversion of the left foot turns its sole to +y: +x rotation; internal rotation of the left
        # shank turns its front to -y: -z rotation. Mirrored for the right leg.
        left = 1.0 if self.side == "left" else -1.0
        if roll.any():  # the foot rolls about its sole below the ankle, which moves the ankle
            h = ANKLE_FLAT_HEIGHT_M
            ankle_y = ankle_y - h * np.sin(roll)
            ankle_z = ankle_z - h * (1 - np.cos(roll))
        if self.placement == "foot":
            return LimbPose(ankle_x, ankle_y, ankle_z, -np.radians(theta), roll, left * twist, yaw, pivot_x, pivot_y)
        return LimbPose(
            ankle_x, ankle_y, ankle_z, psi, shank_roll, -left * TWIST_SHANK_RATIO * twist, yaw, pivot_x, pivot_y
        )

    def _stepping_turn(
        self,
        i: int,
        turn: SteppingTurn,
        t: NDArray[np.float64],
        yaw: NDArray[np.float64],
        pivot_x: NDArray[np.float64],
        pivot_y: NDArray[np.float64],
    ) -> None:
        """Add bout ``i``'s stepping turn to ``yaw`` (rad) and set the pivot (m) of its swings, in place.

        A planted foot does not turn: each stance keeps the body's heading at its middle, and the
        foot turns in the swing that follows to the next stance's (minimum jerk, so the rate and its
        change are zero at toe-off and landing). It turns about the midpoint between the two stances'
        ankles, so the stride's chord lies along the heading halfway between them, as on a curve."""
        seq = self.moving[i].stances
        ic, to = seq.ic_s[seq.lead], seq.to_s[seq.lead]
        heading = turn.heading_rad(0.5 * (ic + to))
        k = np.searchsorted(ic, t, side="right") - 1
        before = k < 0
        k = np.clip(k, 0, ic.size - 1)
        nxt = np.minimum(k + 1, ic.size - 1)
        swing = ~before & (t >= to[k]) & (k + 1 < ic.size) & (heading[nxt] != heading[k])
        tau = np.where(swing, (t - to[k]) / np.maximum(ic[nxt] - to[k], 1e-9), 0.0)
        yaw += np.where(before, heading[0], heading[k] + (heading[nxt] - heading[k]) * _min_jerk(tau))
        heel = self._heel[i]
        pivot_x[swing] = 0.5 * (heel[k[swing]] + heel[nxt[swing]]) - HEEL_XZ_M[0]
        pivot_y[swing] = self._lateral[i][k[swing]]

    def impact_accel_ms2(self, t: NDArray[np.float64]) -> NDArray[np.float64]:
        """Extra world-vertical landing acceleration (m/s^2) of the sensor point at times t (s)."""
        out = np.zeros_like(t)
        for mb in self.moving:
            seq, model = mb.stances, mb.impact
            assert model is not None
            real = seq.lead & (seq.in_bout | seq.stops)  # the last landing is a landing too
            ic, scale = seq.ic_s[real], seq.impact_scale[real]
            if ic.size == 0:
                continue
            j = np.searchsorted(ic, t - model.after_s, side="left")
            valid = j < ic.size
            r = np.full_like(t, np.inf)
            r[valid] = t[valid] - ic[j[valid]]
            inside = valid & (r >= -model.before_s) & (r < model.after_s)
            if inside.any():
                out[inside] += scale[j[inside]] * model.accel_ms2(r[inside])
        return out

    def signals(self, t_fine: NDArray[np.float64], dt_s: float) -> SegmentSignals:
        """Signals at ``t_fine`` (uniform, step ``dt_s``), differentiated on that grid.

        Orientation R = R_x(roll) R_y(a) R_local(twist) in the heading frame; the sensor point is
        ankle + R r_sensor. The accelerometer reads R^T (p'' + g z_hat + pivot terms), the gyroscope
        the body-frame angular rate; a pivot at yaw rate w about the vertical through c adds
        2 w z x p' + w' z x (p - c) + w^2 z x (z x (p - c)) and R^T (0, 0, w).
        """
        t_pad = np.concatenate([[t_fine[0] - dt_s], t_fine, [t_fine[-1] + dt_s]])
        pose = self.pose(t_pad)
        rx, rz = FOOT_SENSOR_XZ_M if self.placement == "foot" else SHANK_SENSOR_XZ_M
        twist = pose.twist
        ct, st = np.cos(twist), np.sin(twist)
        if self.placement == "foot":  # R_x(twist) @ (rx, 0, rz)
            lx, ly, lz = np.full_like(twist, rx), -st * rz, ct * rz
        else:  # R_z(twist) @ (rx, 0, rz)
            lx, ly, lz = ct * rx, st * rx, np.full_like(twist, rz)
        a = pose.sagittal
        ca, sa = np.cos(a), np.sin(a)
        cr, sr = np.cos(pose.roll), np.sin(pose.roll)
        px = pose.ankle_x + ca * lx + sa * lz  # ankle + R_x(roll) R_y(a) l
        if np.any(pose.roll != 0.0):
            vz = -sa * lx + ca * lz
            py, pz = pose.ankle_y + cr * ly - sr * vz, pose.ankle_z + sr * ly + cr * vz
        else:  # sagittal gait: the same arithmetic as before the roll existed (bit-identical output)
            py, pz = pose.ankle_y + ly, pose.ankle_z - sa * lx + ca * lz
        position = (px, py, pz)

        def second(v: NDArray[np.float64]) -> NDArray[np.float64]:
            return np.asarray((v[2:] - 2 * v[1:-1] + v[:-2]) / dt_s**2, dtype=np.float64)

        def first(v: NDArray[np.float64]) -> NDArray[np.float64]:
            return np.asarray((v[2:] - v[:-2]) / (2 * dt_s), dtype=np.float64)

        ax, ay, az = (second(v) for v in position)
        az = az + self.impact_accel_ms2(t_fine)
        a_rate, tw_rate, roll_rate = first(a), first(twist), first(pose.roll)
        yaw_rate, yaw_acc = first(pose.yaw), second(pose.yaw)
        if np.any(yaw_rate != 0.0):
            px, py = position[0][1:-1] - pose.pivot_x[1:-1], position[1][1:-1] - pose.pivot_y[1:-1]
            vel_x, vel_y = first(position[0]), first(position[1])
            ax = ax - 2 * yaw_rate * vel_y - yaw_acc * py - yaw_rate**2 * px
            ay = ay + 2 * yaw_rate * vel_x + yaw_acc * px - yaw_rate**2 * py
        ca, sa, ct, st, cr, sr = ca[1:-1], sa[1:-1], ct[1:-1], st[1:-1], cr[1:-1], sr[1:-1]
        fx, fy, fz = ax, ay, az + STANDARD_GRAVITY_MS2
        fx, fy, fz = fx, cr * fy + sr * fz, -sr * fy + cr * fz  # R_x(roll)^T f
        vx, vy, vz = ca * fx - sa * fz, fy, sa * fx + ca * fz  # R_y(a)^T
        # angular rate before the local twist: R_y^T (roll' e_x + R_x^T yaw' e_z) + a' e_y
        wx0, wy0, wz0 = roll_rate, sr * yaw_rate, cr * yaw_rate
        ox, oy, oz = ca * wx0 - sa * wz0, wy0 + a_rate, sa * wx0 + ca * wz0
        n = t_fine.size
        acc = np.empty((n, 3))
        gyr = np.empty((n, 3))
        if self.placement == "foot":  # R_x^T v; omega = R_x^T o + (twist', 0, 0)
            acc[:, 0], acc[:, 1], acc[:, 2] = vx, ct * vy + st * vz, -st * vy + ct * vz
            gyr[:, 0], gyr[:, 1], gyr[:, 2] = ox + tw_rate, ct * oy + st * oz, -st * oy + ct * oz
        else:  # R_z^T v; omega = R_z^T o + (0, 0, twist')
            acc[:, 0], acc[:, 1], acc[:, 2] = ct * vx + st * vy, -st * vx + ct * vy, vz
            gyr[:, 0], gyr[:, 1], gyr[:, 2] = ct * ox + st * oy, -st * ox + ct * oy, oz + tw_rate
        gyr = np.degrees(gyr)
        impact = ax * sa + az * ca if self.placement == "shank" else az
        return SegmentSignals(acc_ms2=acc, gyr_dps=gyr, impact_ms2=impact)


#: Steps over which the trunk (centre of mass) gains the bout's travel velocity from rest, or loses it to rest: gait
#: initiation reaches the steady velocity by the end of the first or second step (Breniere & Do 1986; Jian et al.
#: 1993), and a planned stop takes the velocity off over the last one or two steps (Jian et al. 1993). Two steps: the
#: mean horizontal force of a start or a stop at 1.2 m/s walking is then about v / (2 x 0.57 s) = 1.05 m/s^2, of the
#: size of a step's braking; each stance delivers its share in proportion to its vertical force (TrunkMotion).
MOMENTUM_STEPS = 2.0


@dataclass(frozen=True)
class VelocityChange:
    """A change of the trunk's travel velocity (heading frame, m/s) by (dvx, dvy) over [start_s, end_s], following a
    minimum-jerk profile (no jump in the force at either end)."""

    start_s: float
    end_s: float
    dvx_ms: float
    dvy_ms: float


def travel_velocity_changes(moving: list[MovingBout]) -> list[VelocityChange]:
    """The trunk's travel velocity changes over a session's moving bouts (heading frame: x where the wearer faces).

    A bout's travel velocity is its speed along its travel direction (forward +x, backward -x, side-steps +-y). From
    rest (the first bout, or one after standing) it is gained over MOMENTUM_STEPS of the bout's steps from the gait
    start; into rest it is lost over MOMENTUM_STEPS before the gait end. A bout that follows another without standing
    takes the velocity straight from the one to the other over a step of each around the seam (a walk into a backward
    walk: -2v, through zero)."""

    def velocity(mb: MovingBout) -> tuple[float, float]:
        return mb.bout.travel_sign * mb.bout.speed_ms, mb.bout.lateral_sign * mb.bout.speed_ms

    out: list[VelocityChange] = []
    for i, mb in enumerate(moving):
        seq = mb.stances
        span = 0.5 * MOMENTUM_STEPS * seq.timing.step_time_s
        vx, vy = velocity(mb)
        before = moving[i - 1] if i > 0 and np.isclose(moving[i - 1].end_s, mb.start_s, atol=1e-9) else None
        if before is None:  # a start from rest
            out.append(VelocityChange(seq.gait_start_s, seq.gait_start_s + 2.0 * span, vx, vy))
        else:  # straight on from the bout before: a step of each around the seam
            px, py = velocity(before)
            prev = before.stances
            start = prev.gait_end_s - 0.5 * MOMENTUM_STEPS * prev.timing.step_time_s
            out.append(VelocityChange(start, seq.gait_start_s + span, vx - px, vy - py))
        after = i + 1 < len(moving) and np.isclose(moving[i + 1].start_s, mb.end_s, atol=1e-9)
        if not after:  # a stop: the velocity falls to rest by the gait end
            out.append(VelocityChange(seq.gait_end_s - 2.0 * span, seq.gait_end_s, -vx, -vy))
    return out


class TrunkMotion:
    """Lower back (sacrum, taken as the centre of mass) through a sequence of bouts."""

    def __init__(
        self, moving: list[MovingBout], lead_side: str, turns: list[Turn] | None = None, momentum: bool = False
    ) -> None:
        self.moving = moving
        self.lead_side = lead_side
        self.turns = list(turns or [])
        self.momentum = momentum  # the travel velocity changes through the stances (DIRECTION-35)
        self.velocity_changes = travel_velocity_changes(moving) if momentum else []
        self._stance_dv = self._stance_velocity_changes()
        self._tied = [isinstance(mb.vgrf, WalkingVgrf) for mb in moving]  # walking force tied to double support

    def _stance_velocity_changes(self) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
        """Per moving bout, per stance: the travel velocity change (m/s; heading frame x, y) the stance delivers,
        that of :meth:`travel_velocity` from its initial contact to the next stance's of either leg in any bout
        (the first stance from before the session, the last to after it). 0 for stances not in the signal."""
        real = [np.flatnonzero(mb.stances.in_bout | mb.stances.stops) for mb in self.moving]
        ic = np.concatenate([mb.stances.ic_s[k] for mb, k in zip(self.moving, real, strict=True)] + [np.zeros(0)])
        order = np.argsort(ic, kind="stable")
        bounds = np.concatenate([[-1e9], ic[order][1:], [1e9]])  # before and after the session
        vx, vy = self.travel_velocity(bounds)
        dv = np.empty((ic.size, 2))
        dv[order, 0], dv[order, 1] = np.diff(vx), np.diff(vy)
        out = []
        first = 0
        for mb, k in zip(self.moving, real, strict=True):  # one per bout
            per = np.zeros((mb.stances.ic_s.size, 2))
            per[k] = dv[first : first + k.size]
            out.append((per[:, 0], per[:, 1]))
            first += k.size
        return out

    def travel_velocity(self, t: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The trunk's travel velocity (m/s, heading frame: anterior, left) at times t (s)."""
        vx, vy = np.zeros_like(t), np.zeros_like(t)
        for c in self.velocity_changes:  # a few per session
            p = _min_jerk(np.clip((t - c.start_s) / (c.end_s - c.start_s), 0.0, 1.0))
            vx += c.dvx_ms * p
            vy += c.dvy_ms * p
        return vx, vy

    def forces_bw(
        self, t: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Anterior, left and vertical ground-reaction force (BW) and trunk pitch (rad) at t."""
        fx = np.zeros_like(t)
        fy = np.zeros_like(t)
        fz = np.ones_like(t)  # quiet standing
        pitch = np.zeros_like(t)
        for m, mb in enumerate(self.moving):
            seq = mb.stances
            real = np.flatnonzero(seq.in_bout | seq.stops)
            if real.size == 0:
                continue
            first_ic, last_to = seq.ic_s[real[0]], seq.to_s[real].max()
            in_gait = (t >= first_ic) & (t < last_to)
            fz[in_gait] = 0.0
            step_all = np.gradient(seq.ic_s)
            width = HALF_STEP_WIDTH_M[mb.bout.activity]
            for lead in (True, False):
                idx = real[seq.lead[real] == lead]
                if idx.size == 0:
                    continue
                ic, to = seq.ic_s[idx], seq.to_s[idx]
                j = np.searchsorted(ic, t, side="right") - 1
                ok = (j >= 0) & in_gait
                ok[ok] &= t[ok] < to[j[ok]]
                if not ok.any():
                    continue
                jj = idx[j[ok]]
                contact = seq.to_s[jj] - seq.ic_s[jj]
                step = step_all[jj]
                s = (t[ok] - seq.ic_s[jj]) / contact
                scale = seq.impact_scale[jj]
                support = DoubleSupport.of_stances(seq.ic_s, seq.to_s, jj) if self._tied[m] else None
                vz = mb.vgrf.vgrf_bw(s, step, contact, scale, support)
                centroid = mb.vgrf.centroid_fraction(step, contact, scale, support)
                side = self.lead_side if lead else ("right" if self.lead_side == "left" else "left")
                lateral = np.full_like(s, width if side == "left" else -width)
                if mb.bout.is_sideways:  # travel along y; the feet side by side along x
                    ml, ap = horizontal_forces_bw(
                        vz, s, centroid, mb.bout.speed_ms * contact, mb.bout.lateral_sign, np.zeros_like(s)
                    )
                else:
                    ap, ml = horizontal_forces_bw(
                        vz, s, centroid, mb.bout.speed_ms * contact, mb.bout.travel_sign, lateral
                    )
                # the stance on which the gait stops: from the standing pose on, the force settles
                # to standing (1 BW, no horizontal force) by the end of the nominal stance
                settle = np.where(seq.stops[jj], stop_blend(s, seq.pose_fraction), 0.0)
                # the stance's share of a change of the travel velocity (a start, a stop, a change of travel): the
                # foot placed so that the centre of mass passes over it earlier or later adds a horizontal force in
                # proportion to the vertical one (the inverted pendulum), whose impulse over the stance (the
                # vertical impulse is 1 BW x step time) is the change
                dvx, dvy = (v[jj] / (STANDARD_GRAVITY_MS2 * step) for v in self._stance_dv[m])
                fz[ok] += (1 - settle) * vz + settle
                fx[ok] += (1 - settle) * ap + dvx * vz  # the last stance too stops the body by its whole impulse
                fy[ok] += (1 - settle) * ml + dvy * vz
            gait = (t >= seq.gait_start_s) & (t <= seq.gait_end_s)
            if gait.any():
                tg = t[gait]
                j = np.clip(np.searchsorted(seq.ic_s, tg, side="right") - 1, 0, seq.ic_s.size - 2)
                phase = j + (tg - seq.ic_s[j]) / (seq.ic_s[j + 1] - seq.ic_s[j])
                blend = _smoothstep((tg - seq.gait_start_s) / SHANK_BLEND_S) * _smoothstep(
                    (seq.gait_end_s - tg) / SHANK_BLEND_S
                )
                pitch[gait] = np.radians(TRUNK_PITCH_AMPLITUDE_DEG) * np.sin(2 * np.pi * phase) * blend
        return fx, fy, fz, pitch

    def signals(self, t_fine: NDArray[np.float64], dt_s: float) -> SegmentSignals:
        """Signals at ``t_fine`` (uniform, step ``dt_s``). During a turn the sacrum, TRUNK_PIVOT_M
        from the vertical axis it turns about, adds the pivot's tangential and centripetal
        acceleration, and the gyroscope reads the yaw rate. In a stepping turn the sacrum follows
        the turning heading at its travel velocity (without momentum: the bout speed): the heading frame adds
        omega x v (centripetal)."""
        t_pad = np.concatenate([[t_fine[0] - dt_s], t_fine, [t_fine[-1] + dt_s]])
        fx, fy, fz, pitch = self.forces_bw(t_pad)
        g = STANDARD_GRAVITY_MS2
        wx, wy, wz = g * fx[1:-1], g * fy[1:-1], g * fz[1:-1]
        yaw = yaw_rad(self.turns, t_pad)
        yaw_rate = (yaw[2:] - yaw[:-2]) / (2 * dt_s)
        if np.any(yaw_rate != 0.0):
            yaw_acc = (yaw[2:] - 2 * yaw[1:-1] + yaw[:-2]) / dt_s**2
            side = 1.0 if self.lead_side == "left" else -1.0
            px, py = -TRUNK_PIVOT_M[0], -side * TRUNK_PIVOT_M[1]  # sacrum relative to the pivot
            wx = wx - yaw_acc * py - yaw_rate**2 * px
            wy = wy + yaw_acc * px - yaw_rate**2 * py
        stepping = [mb for mb in self.moving if mb.stepping_turn is not None]
        if stepping:  # walking along the turn: the centripetal acceleration omega x v of the heading frame
            travel_vx, _ = self.travel_velocity(t_fine)
            for mb in stepping:
                assert mb.stepping_turn is not None
                heading = mb.stepping_turn.heading_rad(t_pad)
                rate = (heading[2:] - heading[:-2]) / (2 * dt_s)
                wy = wy + rate * (travel_vx if self.momentum else mb.bout.travel_sign * mb.bout.speed_ms)
                yaw_rate = yaw_rate + rate
        a = pitch[1:-1]
        c, s = np.cos(a), np.sin(a)
        n = t_fine.size
        acc = np.column_stack([wx * c - wz * s, wy, wx * s + wz * c])
        gyr = np.zeros((n, 3))
        gyr[:, 1] = np.degrees((pitch[2:] - pitch[:-2]) / (2 * dt_s))
        if np.any(yaw_rate != 0.0):
            gyr[:, 0] = np.degrees(-s * yaw_rate)
            gyr[:, 2] = np.degrees(c * yaw_rate)
        return SegmentSignals(acc_ms2=acc, gyr_dps=gyr, impact_ms2=wz - g)


def moving_vgrf_shape(bout: Bout, version: int = 1) -> VgrfShape | WalkingVgrf:
    """vGRF shape of a moving bout (side-steps: that of forward walking) in a simulator ``version``."""
    direction = "forward" if bout.is_sideways else bout.direction
    strike = bout.resolved_foot_strike or "rearfoot"
    timing = nominal_timing(bout)
    return vgrf_shape(
        bout.activity,
        direction,
        strike,
        bout.speed_ms,
        hard_landing=bout.hard_landing,
        version=version,
        timing_s=(timing.step_time_s, timing.contact_time_s),
    )
