"""What to simulate: bouts of gait and the sensor that records them (see docs/simulator.md).

A :class:`Bout` is a stretch of constant direction, activity and speed (or standing, which may
hold a turn round; a walking or running bout may hold a stepping turn); a :class:`SimulationConfig`
strings bouts together for one sensor at one placement. Every value that is a physical quantity
carries its unit in its name. Invalid values raise a one-line :class:`~retrogait.errors.RetrogaitError`.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from retrogait.conventions import AXES, SIDES
from retrogait.errors import RetrogaitError
from retrogait.simulate.nominal import nominal_timing

SIM_DIRECTIONS = ("forward", "backward", "left", "right", "still")
#: Directions that travel sideways (side-steps); the truth labels them ``sideways``.
SIDEWAYS_DIRECTIONS = ("left", "right")
SIM_ACTIVITIES = ("running", "walking", "still")
SIM_FOOT_STRIKES = ("rearfoot", "midfoot", "forefoot")
SIM_PLACEMENTS = ("foot", "shank", "lower_back")

#: Speed ranges (m/s) the timing model is built for; outside them it would extrapolate.
RUNNING_SPEED_RANGE_MS = (1.0, 7.0)
WALKING_SPEED_RANGE_MS = (0.3, 2.5)
#: Cadence range (steps/min) accepted when requested explicitly.
CADENCE_RANGE_SPM = (60.0, 240.0)
#: Side-step (step-together) speeds (m/s) the side-step model is built for.
SIDESTEP_SPEED_RANGE_MS = (0.2, 1.2)
#: Shortest moving bout (s): at least a few strides, so the bout's start and end pose fit in.
MIN_MOVING_BOUT_S = 3.0
#: Largest turn (deg) one standing bout may hold, and the shortest time (s) per 180 deg of it.
MAX_TURN_DEG = 360.0
MIN_TURN_S_PER_180_DEG = 0.6
#: A stepping turn (a moving bout's ``turn_deg``) is made over this many steps (both legs), and the
#: bout keeps at least STEPPING_TURN_MARGIN_STRIDES of straight gait before and after it.
STEPPING_TURN_STEPS_RANGE = (1.0, 8.0)
STEPPING_TURN_MARGIN_STRIDES = 1.0
#: Shortest standing bout (s) holding a re-mount: a third still, a third turning the sensor, a third still, each
#: long enough (1 s) for the still-sample mean that finds the vertical.
MIN_REMOUNT_S = 3.0
#: The longest simulated recording (s): a day of wear.
MAX_DURATION_S = 86_400.0
#: The most samples simulated at once: ~90 bytes each while simulating (acc, gyr, the fine impact, the
#: truth), so ~4.5 GB; a day at 200 Hz is 17.3 million (EDGE-61).
MAX_SAMPLES = 50_000_000
#: Simulator versions (SIM-13): 1, the walking force of fixed humps (kept bit-identical); 2, walking force tied to the
#: double support, whose M deepens with speed, and the trunk's momentum on.
SIMULATOR_VERSIONS = (1, 2)
#: The version a SimulationConfig simulates unless told otherwise (2 since SIM-17; version 1 stays selectable).
DEFAULT_SIMULATOR_VERSION = 2


@dataclass(frozen=True)
class Bout:
    """A stretch of gait with constant direction, activity and speed.

    Attributes:
        direction: ``forward`` (travel along the facing direction, +x), ``backward`` (travel along
            -x), ``left`` / ``right`` (side-steps toward the wearer's left, +y, or right, -y; walking
            only; the truth calls them ``sideways``) or ``still`` (quiet standing).
        activity: ``running``, ``walking`` or ``still``.
        speed_ms: treadmill-equivalent speed (m/s); 0 for still bouts.
        duration_s: length of the bout (s).
        foot_strike: strike pattern, or None for the literature default (forward running rearfoot,
            backward running forefoot, walking rearfoot forward and forefoot backward, side-steps
            midfoot).
        cadence_spm: requested cadence (steps/min), or None for the speed/direction model.
        hard_landing: the foot lands with a stiff ankle: the landing point is stopped as fast as a
            heel (foot 12 ms, shank 14 ms; walking not slowed) from the forward touchdown velocity
            (backward landings not softened). Fast backward walking and running on the toes.
        turn_deg: how far the wearer turns about the vertical (deg, positive to the left, i.e.
            counter-clockwise seen from above; 180 = turn round). A still bout pivots while standing
            over the whole bout; a walking or running bout (forward or backward) makes a **stepping
            turn**: the heading changes over ``turn_steps`` steps centred at ``turn_at_s``, the feet
            placed along the turn, and the gait goes on (docs/simulator.md).
        turn_steps: steps (both legs) over which a stepping turn is made (1-8; 2-4 is usual).
        turn_at_s: time (s from the bout start) at the middle of a stepping turn; None: the bout's
            middle. At least one stride of straight gait stays before and after the turn.
        remount_deg: a still bout only: the sensor is re-mounted while the wearer stands (a strap
            adjusted, a pod clipped back turned): over the bout's middle third it turns from its
            mounting so far to this one (x, y, z intrinsic Euler angles, deg, from the nominal
            mounting, as ``SimulationConfig.mounting_rotation_deg``), which holds from then on.
    """

    direction: str
    activity: str
    speed_ms: float
    duration_s: float
    foot_strike: str | None = None
    cadence_spm: float | None = None
    hard_landing: bool = False
    turn_deg: float = 0.0
    turn_steps: float = 3.0
    turn_at_s: float | None = None
    remount_deg: tuple[float, float, float] | None = None

    def __post_init__(self) -> None:
        if self.remount_deg is not None:
            object.__setattr__(self, "remount_deg", tuple(float(v) for v in self.remount_deg))
        problem = self.problem()
        if problem:
            raise RetrogaitError(f"bout {self.describe()}: {problem}")

    @property
    def is_still(self) -> bool:
        return self.activity == "still"

    @property
    def is_sideways(self) -> bool:
        return self.direction in SIDEWAYS_DIRECTIONS

    @property
    def travel_sign(self) -> float:
        """+1 for forward, -1 for backward travel (along body x), 0 when still or sideways."""
        return {"forward": 1.0, "backward": -1.0}.get(self.direction, 0.0)

    @property
    def lateral_sign(self) -> float:
        """+1 for side-steps to the left (+y), -1 to the right, 0 otherwise."""
        return {"left": 1.0, "right": -1.0}.get(self.direction, 0.0)

    @property
    def truth_direction(self) -> str:
        """The direction label of the truth: forward, backward, sideways or still."""
        return "sideways" if self.is_sideways else self.direction

    @property
    def resolved_foot_strike(self) -> str | None:
        """The strike pattern used: the given one or the literature default; None when still."""
        if self.is_still:
            return None
        if self.foot_strike is not None:
            return self.foot_strike
        if self.is_sideways:
            return "midfoot"
        return "rearfoot" if self.direction == "forward" else "forefoot"

    @property
    def stepping_turn_s(self) -> tuple[float, float] | None:
        """(start, end) of a moving bout's stepping turn (s from the bout start), or None: ``turn_steps``
        nominal steps centred at ``turn_at_s`` (default: the bout's middle)."""
        if self.is_still or not self.turn_deg:
            return None
        half = 0.5 * self.turn_steps * nominal_timing(self).step_time_s
        centre = 0.5 * self.duration_s if self.turn_at_s is None else self.turn_at_s
        return centre - half, centre + half

    def describe(self) -> str:
        """Compact text such as ``forward:running:3.0:60`` (``turn::180:1.5`` for a turn while standing,
        ``forward:walking:1.2:12:turn180@6`` for a stepping turn)."""
        if self.remount_deg is not None:
            return f"remount::{'/'.join(f'{v:g}' for v in self.remount_deg)}:{self.duration_s:g}"
        if self.turn_deg and self.is_still:
            return f"turn::{self.turn_deg:g}:{self.duration_s:g}"
        text = f"{self.direction}:{self.activity}:{self.speed_ms:g}:{self.duration_s:g}"
        turn = None
        if self.turn_deg:
            turn = f"turn{self.turn_deg:g}" + (f"@{self.turn_at_s:g}" if self.turn_at_s is not None else "")
            turn += f"x{self.turn_steps:g}" if self.turn_steps != 3.0 else ""
        options = [o for o in (self.foot_strike, "hard" if self.hard_landing else None, turn) if o]
        return text + (f":{'+'.join(options)}" if options else "")

    def problem(self) -> str | None:
        """The first thing wrong with this bout, or None."""
        if self.direction not in SIM_DIRECTIONS:
            return f"direction must be one of {', '.join(SIM_DIRECTIONS)}, got {self.direction!r}"
        if self.activity not in SIM_ACTIVITIES:
            return f"activity must be one of {', '.join(SIM_ACTIVITIES)}, got {self.activity!r}"
        if (self.direction == "still") != (self.activity == "still"):
            return "a still bout needs both direction and activity 'still' (or use still::0:SECONDS)"
        if not (math.isfinite(self.duration_s) and self.duration_s > 0):
            return f"duration_s must be a positive number, got {self.duration_s!r}"
        if not math.isfinite(self.speed_ms):
            return f"speed_ms must be a number, got {self.speed_ms!r}"
        if not math.isfinite(self.turn_deg):
            return f"turn_deg must be a number, got {self.turn_deg!r}"
        if self.remount_deg is not None:
            if not self.is_still or self.turn_deg:
                return "a re-mount is made standing still (remount::RX/RY/RZ:SECONDS), not while moving or turning"
            if len(self.remount_deg) != 3 or not all(math.isfinite(v) for v in self.remount_deg):
                return f"remount_deg must be three finite angles, got {self.remount_deg!r}"
            if self.duration_s < MIN_REMOUNT_S:
                return (
                    f"a re-mount stands at least {MIN_REMOUNT_S:g} s (still, turning, still), got {self.duration_s:g}"
                )
        if self.is_still:
            if self.speed_ms != 0:
                return f"a still bout has speed 0, got {self.speed_ms:g} m/s"
            if self.foot_strike is not None or self.cadence_spm is not None or self.hard_landing:
                return "a still bout has no foot strike, cadence or landing"
            if self.turn_at_s is not None:
                return "turn_at_s places a stepping turn in a moving bout; a still bout turns over its whole length"
            if abs(self.turn_deg) > MAX_TURN_DEG:
                return f"a turn may be at most {MAX_TURN_DEG:g} deg, got {self.turn_deg:g}"
            shortest = MIN_TURN_S_PER_180_DEG * abs(self.turn_deg) / 180.0
            if self.duration_s < shortest:
                return f"turning {self.turn_deg:g} deg takes at least {shortest:.2g} s, got {self.duration_s:g}"
            return None
        if self.is_sideways and self.turn_deg:
            return "side-steps cannot turn (a stepping turn is forward or backward gait)"
        if self.is_sideways and self.activity != "walking":
            return "side-steps are simulated as walking (step-together), not running"
        low, high = RUNNING_SPEED_RANGE_MS if self.activity == "running" else WALKING_SPEED_RANGE_MS
        if self.is_sideways:
            low, high = SIDESTEP_SPEED_RANGE_MS
        if not low <= self.speed_ms <= high:
            return f"{self.activity} speed must be within {low:g}-{high:g} m/s, got {self.speed_ms:g}"
        if self.duration_s < MIN_MOVING_BOUT_S:
            return f"a moving bout must last at least {MIN_MOVING_BOUT_S:g} s, got {self.duration_s:g}"
        if self.foot_strike is not None and self.foot_strike not in SIM_FOOT_STRIKES:
            return f"foot_strike must be one of {', '.join(SIM_FOOT_STRIKES)}, got {self.foot_strike!r}"
        if self.cadence_spm is not None:
            lo, hi = CADENCE_RANGE_SPM
            if not (math.isfinite(self.cadence_spm) and lo <= self.cadence_spm <= hi):
                return f"cadence_spm must be within {lo:g}-{hi:g}, got {self.cadence_spm!r}"
        return self._stepping_turn_problem()

    def _stepping_turn_problem(self) -> str | None:
        if not self.turn_deg:
            return None
        if abs(self.turn_deg) > MAX_TURN_DEG:
            return f"a turn may be at most {MAX_TURN_DEG:g} deg, got {self.turn_deg:g}"
        lo, hi = STEPPING_TURN_STEPS_RANGE
        if not (math.isfinite(self.turn_steps) and lo <= self.turn_steps <= hi):
            return f"turn_steps must be within {lo:g}-{hi:g}, got {self.turn_steps!r}"
        if self.turn_at_s is not None and not math.isfinite(self.turn_at_s):
            return f"turn_at_s must be a number, got {self.turn_at_s!r}"
        window = self.stepping_turn_s
        assert window is not None
        margin = STEPPING_TURN_MARGIN_STRIDES * 2.0 * nominal_timing(self).step_time_s
        if window[0] < margin or window[1] > self.duration_s - margin:
            return (
                f"the stepping turn ({window[0]:.2f}-{window[1]:.2f} s) must leave {margin:.2f} s "
                f"(one stride) of straight gait before and after it within the {self.duration_s:g} s bout"
            )
        return None


@dataclass(frozen=True)
class SimulationConfig:
    """One simulated recording: placement, bouts and the sensor's properties.

    Defaults are those of a typical consumer 6-axis IMU (Bosch BMI160 / ST LSM6DSL class:
    accelerometer noise density about 150-180 ug/sqrt(Hz), gyroscope about 0.007-0.008 dps/sqrt(Hz),
    16-bit output) after a basic offset calibration.

    Attributes:
        placement: ``foot``, ``shank`` or ``lower_back``.
        bouts: the bouts in order; the session lasts their total duration.
        sample_rate_hz: output data rate (Hz).
        side: leg carrying a foot or shank sensor (for lower back: the leg that starts the bouts).
        with_gyro: also simulate the gyroscope.
        acc_range_g: accelerometer full scale (+/- g); values beyond it clip.
        gyr_range_dps: gyroscope full scale (+/- deg/s).
        acc_noise_ms2: white-noise standard deviation per accelerometer axis at the output rate (m/s^2).
        gyr_noise_dps: white-noise standard deviation per gyroscope axis at the output rate (deg/s).
        acc_bias_ms2: constant per-axis accelerometer offsets are drawn uniformly within +/- this (m/s^2).
        gyr_bias_dps: constant per-axis gyroscope offsets are drawn uniformly within +/- this (deg/s).
        mounting_rotation_deg: rotation (x, y, z Euler angles, deg, intrinsic) of the sensor away from
            its nominal mounting; the header still names the nominal axes (an unknown misalignment).
        anterior_axis: sensor axis pointing anterior in the nominal mounting (quiet standing).
        vertical_axis: sensor axis pointing up in the nominal mounting (quiet standing).
        body_mass_kg: body mass (kg); forces are reported in body weights, so it only enters the notes.
        stride_time_cv: coefficient of variation of stride time (fraction; steps vary independently).
        contact_time_cv: coefficient of variation of contact time (fraction).
        seed: seed of every random draw; the same config gives identical output.
        start_time_utc: header start time (ISO 8601) or None.
        trunk_momentum: lower back: the trunk's travel velocity changes at a start, a stop and a change of travel,
            carried by the stances' horizontal force (DIRECTION-35); off: their braking and propulsion have zero mean
            there too. None (default): on in version 2, off in version 1.
        version: simulator version (SIMULATOR_VERSIONS; SIM-13): 2 (the default since SIM-17) ties the walking
            force to the double support (its M deepening with speed) and carries the trunk's momentum; 1 gives the
            bytes it always gave.
    """

    placement: str
    bouts: Sequence[Bout]
    sample_rate_hz: float = 500.0
    side: str = "left"
    with_gyro: bool = True
    acc_range_g: float = 16.0
    gyr_range_dps: float = 2000.0
    acc_noise_ms2: float = 0.025
    gyr_noise_dps: float = 0.12
    acc_bias_ms2: float = 0.02
    gyr_bias_dps: float = 0.5
    mounting_rotation_deg: tuple[float, float, float] = (0.0, 0.0, 0.0)
    anterior_axis: str = "+x"
    vertical_axis: str = "+z"
    body_mass_kg: float = 70.0
    stride_time_cv: float = 0.02
    contact_time_cv: float = 0.03
    seed: int = 0
    start_time_utc: str | None = "2026-05-01T07:30:00Z"
    notes: str | None = field(default=None)
    trunk_momentum: bool | None = None
    version: int = DEFAULT_SIMULATOR_VERSION

    def __post_init__(self) -> None:
        object.__setattr__(self, "bouts", tuple(self.bouts))
        object.__setattr__(self, "mounting_rotation_deg", tuple(float(v) for v in self.mounting_rotation_deg))
        problem = self.problem()
        if problem:
            raise RetrogaitError(f"simulation config: {problem}")

    @property
    def carries_momentum(self) -> bool:
        """Whether the trunk carries its momentum: ``trunk_momentum``, or by default in version 2."""
        return self.version >= 2 if self.trunk_momentum is None else bool(self.trunk_momentum)

    @property
    def duration_s(self) -> float:
        return float(sum(b.duration_s for b in self.bouts))

    def problem(self) -> str | None:
        """The first thing wrong with this configuration, or None."""
        if (
            isinstance(self.version, bool)
            or not isinstance(self.version, numbers.Integral)
            or self.version not in SIMULATOR_VERSIONS
        ):
            return f"version must be one of {', '.join(map(str, SIMULATOR_VERSIONS))}, got {self.version!r}"
        if self.placement not in SIM_PLACEMENTS:
            return f"placement must be one of {', '.join(SIM_PLACEMENTS)}, got {self.placement!r}"
        if not self.bouts:
            return "at least one bout is needed"
        if not all(isinstance(b, Bout) for b in self.bouts):
            return "bouts must be Bout objects"
        if self.side not in SIDES:
            return f"side must be one of {', '.join(SIDES)}, got {self.side!r}"
        if isinstance(self.seed, bool) or not isinstance(self.seed, numbers.Integral) or self.seed < 0:
            return f"seed must be a whole number, 0 or more, got {self.seed!r}"  # numpy's generators take no other
        positive = {
            "sample_rate_hz": self.sample_rate_hz,
            "acc_range_g": self.acc_range_g,
            "gyr_range_dps": self.gyr_range_dps,
            "body_mass_kg": self.body_mass_kg,
        }
        for name, value in positive.items():
            if not (math.isfinite(value) and value > 0):
                return f"{name} must be a positive number, got {value!r}"
        if not 50.0 <= self.sample_rate_hz <= 4000.0:
            return f"sample_rate_hz must be within 50-4000 Hz, got {self.sample_rate_hz:g}"
        if self.duration_s > MAX_DURATION_S:
            return f"the bouts last {self.duration_s:g} s; a simulation is at most {MAX_DURATION_S:g} s (24 h)"
        if self.duration_s * self.sample_rate_hz > MAX_SAMPLES:
            return (
                f"{self.duration_s:g} s at {self.sample_rate_hz:g} Hz is {self.duration_s * self.sample_rate_hz:,.0f} "
                f"samples; at most {MAX_SAMPLES:,} are simulated at once (~4.5 GB of memory): "
                "simulate shorter sessions or at a lower rate"
            )
        non_negative = {
            "acc_noise_ms2": self.acc_noise_ms2,
            "gyr_noise_dps": self.gyr_noise_dps,
            "acc_bias_ms2": self.acc_bias_ms2,
            "gyr_bias_dps": self.gyr_bias_dps,
        }
        for name, value in non_negative.items():
            if not (math.isfinite(value) and value >= 0):
                return f"{name} must be zero or positive, got {value!r}"
        for name, cv in (("stride_time_cv", self.stride_time_cv), ("contact_time_cv", self.contact_time_cv)):
            if not (math.isfinite(cv) and 0 <= cv <= 0.1):
                return f"{name} must be within 0-0.1, got {cv!r}"
        if len(self.mounting_rotation_deg) != 3 or not all(math.isfinite(v) for v in self.mounting_rotation_deg):
            return f"mounting_rotation_deg must be three finite angles, got {self.mounting_rotation_deg!r}"
        if self.anterior_axis not in AXES or self.vertical_axis not in AXES:
            return f"anterior_axis and vertical_axis must be among {' '.join(AXES)}"
        if self.anterior_axis[1] == self.vertical_axis[1]:
            return f"anterior_axis {self.anterior_axis} and vertical_axis {self.vertical_axis} use the same axis"
        return None


def parse_bouts(spec: str) -> list[Bout]:
    """Bouts from text like ``forward:running:3.0:60,backward:running:2.5:60:forefoot,still::0:5``.

    Each comma-separated item is ``direction:activity:speed_ms:duration_s[:options[:cadence_spm]]``,
    options being a foot strike, ``hard`` (hard landing) and ``turnDEG[@SECONDS][xSTEPS]`` (a stepping
    turn of DEG degrees, positive to the left, centred SECONDS into the bout, over STEPS steps), joined
    by ``+`` (``forefoot+hard``, ``turn180@8x4``); for standing use ``still::0:SECONDS``, for a turn
    while standing ``turn::DEGREES:SECONDS`` (positive to the left), for a re-mount of the sensor while
    standing ``remount::RX/RY/RZ:SECONDS`` (its new mounting rotation, deg; Bout.remount_deg). Raises a
    one-line RetrogaitError naming the bad item.
    """
    items = [item.strip() for item in spec.split(",")]
    if not spec.strip() or any(not item for item in items):
        raise RetrogaitError(f"bouts {spec!r}: empty item (expected direction:activity:speed_ms:duration_s,...)")
    bouts = []
    for item in items:
        parts = [p.strip() for p in item.split(":")]
        if not 4 <= len(parts) <= 6:
            raise RetrogaitError(
                f"bout {item!r}: expected direction:activity:speed_ms:duration_s[:foot_strike[:cadence_spm]]"
            )
        direction, activity = parts[0].lower(), parts[1].lower()
        if direction == "remount":
            bouts.append(_remount(parts, item))
            continue
        turn = direction == "turn"
        if turn:
            if activity not in ("", "still") or len(parts) != 4:
                raise RetrogaitError(f"bout {item!r}: a turn is turn::DEGREES:SECONDS")
            direction = "still"
        if direction == "still" and not activity:
            activity = "still"
        try:
            speed = float(parts[2])
            duration = float(parts[3])
            cadence = float(parts[5]) if len(parts) == 6 and parts[5] else None
        except ValueError:
            raise RetrogaitError(f"bout {item!r}: speed, duration and cadence must be numbers") from None
        options = [o for o in (parts[4].lower().split("+") if len(parts) >= 5 else []) if o]
        hard = "hard" in options
        turns = [o for o in options if o.startswith("turn")]
        strikes = [o for o in options if o != "hard" and o not in turns]
        if len(strikes) > 1:
            raise RetrogaitError(f"bout {item!r}: one foot strike at most, got {'+'.join(strikes)}")
        if len(turns) > 1:
            raise RetrogaitError(f"bout {item!r}: one stepping turn at most, got {'+'.join(turns)}")
        strike = strikes[0] if strikes else None
        if turn:
            bouts.append(Bout("still", "still", 0.0, duration, turn_deg=speed))
        else:
            stepping: dict[str, Any] = _stepping_turn(turns[0], item) if turns else {}
            bouts.append(
                Bout(
                    direction,
                    activity,
                    speed,
                    duration,
                    foot_strike=strike,
                    cadence_spm=cadence,
                    hard_landing=hard,
                    **stepping,
                )
            )
    return bouts


def _remount(parts: list[str], item: str) -> Bout:
    """The still bout of a ``remount::RX/RY/RZ:SECONDS`` item."""
    if parts[1] not in ("", "still") or len(parts) != 4:
        raise RetrogaitError(f"bout {item!r}: a re-mount is remount::RX/RY/RZ:SECONDS (angles in deg)")
    try:
        angles = tuple(float(v) for v in parts[2].split("/"))
        duration = float(parts[3])
    except ValueError:
        raise RetrogaitError(f"bout {item!r}: a re-mount is remount::RX/RY/RZ:SECONDS (angles in deg)") from None
    if len(angles) != 3:
        raise RetrogaitError(f"bout {item!r}: a re-mount takes three angles RX/RY/RZ (deg)")
    return Bout("still", "still", 0.0, duration, remount_deg=(angles[0], angles[1], angles[2]))


_STEPPING_TURN = re.compile(r"^turn([+-]?[0-9.]+)(?:@([0-9.]+))?(?:x([0-9.]+))?$")


def _stepping_turn(option: str, item: str) -> dict[str, float]:
    """Bout fields of a ``turnDEG[@SECONDS][xSTEPS]`` option."""
    match = _STEPPING_TURN.match(option)
    try:
        if match is None:
            raise ValueError(option)
        fields = {"turn_deg": float(match.group(1))}
        if match.group(2):
            fields["turn_at_s"] = float(match.group(2))
        if match.group(3):
            fields["turn_steps"] = float(match.group(3))
    except ValueError:
        raise RetrogaitError(f"bout {item!r}: a stepping turn is turnDEG[@SECONDS][xSTEPS], got {option!r}") from None
    return fields
