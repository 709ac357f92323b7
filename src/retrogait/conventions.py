"""Frames, placements, axes, units and labels shared by every part of retrogait.

The prose definitions live in ``docs/conventions.md``; this module holds the same facts as code.

Body frame: x anterior (the way the wearer faces), y left, z up. Inside the pipeline acceleration
is m/s^2 with gravity included and angular rate is deg/s; impact outputs are in g.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # numpy is imported where it is used: the command line reads these names at start-up
    import numpy as np
    from numpy.typing import NDArray

#: Standard gravity (m/s^2), used for every g <-> m/s^2 conversion.
STANDARD_GRAVITY_MS2: Final = 9.80665
#: A sample beyond this many times the declared acc_range_g cannot have come from that sensor.
OVER_RANGE: Final = 1.1
#: Beyond this (g) no wearable's accelerometer reads: the default of the setting [preprocess] max_acc_g.
MAX_ACC_G: Final = 500.0
#: Longest time (s) between the two measured values of an acceleration axis across which a missing value is
#: bridged (bridge.py, EDGE-197); the import's note of kept rows states it.
BRIDGE_MAX_S: Final = 0.025
#: Beyond this no accelerometer or gyroscope reading is possible in any unit (mg, deg/s included): such values are
#: no measurement, dropped before anything is computed from them (their squares overflow, EDGE-36) and no anchor of a
#: fill or a bridge (EDGE-225).
ANY_UNIT_LIMIT: Final = 1e7

PLACEMENTS: Final = ("foot", "shank", "lower_back", "thigh", "arm", "hand", "chest", "bag", "wrist", "other")
#: Placements on one leg: they see only that leg's landings ("contacts"); the steps of both legs are
#: about twice as many, and cadence is always in steps of both legs per minute. Every other placement
#: sees each landing of either leg ("steps"). docs/conventions.md, "Contacts and steps".
ONE_LEG_PLACEMENTS: Final = ("foot", "shank")
#: Placements without leg-specific physics: steps of both legs from |a| alone (phones, watches, unknown).
STEP_COUNT_PLACEMENTS: Final = ("thigh", "arm", "hand", "chest", "bag", "wrist", "other")
SIDES: Final = ("left", "right")
#: Words people use for where the sensor was, and the placement each is (EDGE-75): a phone in a trouser pocket
#: rides on the thigh, a sensor at the ankle or on the shin on the shank, one on a belt at the lower back.
PLACEMENT_WORDS: Final = {
    **dict.fromkeys(("pocket", "trouser_pocket", "pants_pocket", "front_pocket", "pants", "trousers"), "thigh"),
    **dict.fromkeys(("ankle", "shin", "tibia", "leg", "lower_leg", "calf"), "shank"),
    **dict.fromkeys(
        ("back", "lowerback", "waist", "belt", "hip", "hips", "sacrum", "pelvis", "l5", "trunk"), "lower_back"
    ),
    **dict.fromkeys(("shoe", "shoes", "feet", "instep", "toe", "heel", "laces"), "foot"),
    **dict.fromkeys(("armband", "upper_arm", "upperarm"), "arm"),
    **dict.fromkeys(("watch", "wristband", "smartwatch"), "wrist"),
    **dict.fromkeys(("handheld", "held", "in_hand"), "hand"),
    **dict.fromkeys(("backpack", "rucksack", "purse", "handbag"), "bag"),
    **dict.fromkeys(("sternum", "breast", "strap", "chest_strap", "torso"), "chest"),
}


def placement_named(text: str, flag: str = "--placement") -> str:
    """The placement ``text`` names: one of PLACEMENTS in any case, with ``-`` or a space for ``_``.

    Raises:
        ValueError: one line listing the placements, and the one meant where ``text`` is a word for it
            (``pocket`` -> ``thigh``).
    """
    key = "_".join(text.strip().lower().replace("-", " ").split())
    if key in PLACEMENTS:
        return key
    meant = PLACEMENT_WORDS.get(key)
    hint = f"; for {text.strip()!r} give {flag} {meant}" if meant else ""
    raise ValueError(f"{flag} must be one of {', '.join(PLACEMENTS)}, got {text!r}{hint}")


def axis_named(text: str, flag: str) -> str:
    """The sensor axis ``text`` names: one of AXES in any case, a bare axis (``x``) meaning its + direction.

    Raises:
        ValueError: one line listing the axes.
    """
    key = text.strip().lower()
    key = f"+{key}" if key in ("x", "y", "z") else key
    if key in AXES:
        return key
    raise ValueError(f"{flag} must be one of {' '.join(AXES)}, got {text!r}")


def side_named(text: str, flag: str = "--side") -> str:
    """The side ``text`` names: ``left`` or ``right`` in any case, or ``l`` / ``r``.

    Raises:
        ValueError: one line listing the sides.
    """
    key = text.strip().lower()
    key = {"l": "left", "r": "right"}.get(key, key)
    if key in SIDES:
        return key
    raise ValueError(f"{flag} must be one of {', '.join(SIDES)}, got {text!r}")


AXES: Final = ("+x", "-x", "+y", "-y", "+z", "-z")

DIRECTIONS: Final = ("forward", "backward", "sideways", "unknown")
FOOT_STRIKES: Final = ("rearfoot", "midfoot", "forefoot", "unknown")
ACTIVITIES: Final = ("running", "walking", "still", "unknown")

#: Below this rate no gait analysis is attempted (Hz).
MIN_SAMPLE_RATE_HZ: Final = 20.0
#: Below this rate impact peaks are underestimated and flagged ``low_rate`` (Hz); Mitschke et al. 2017.
IMPACT_MIN_SAMPLE_RATE_HZ: Final = 200.0

#: Native session columns.
TIME_COLUMN: Final = "t_s"
ACC_COLUMNS: Final = ("acc_x", "acc_y", "acc_z")
GYR_COLUMNS: Final = ("gyr_x", "gyr_y", "gyr_z")
#: A session column (EDGE-223, EDGE-237): where the gyroscope came from a file of its own, at every row one of its
#: losses touches (a row left without a value between two of its measured samples, and a row the import interpolated
#: across a lost sample, EDGE-46's up to 2.5 periods), the time (s) between that file's measured samples around it;
#: empty elsewhere. Written where the gyroscope lost a sample (REVIEW-177: an all-empty column cost an hour's read 100
#: -> 159 ms); ``GYR_PERIOD_KEY``, written for every separate gyroscope, or the column says the import knew the
#: gyroscope's losses, neither a table or an older file (EDGE-240, ``bridge.knows_losses``). The analysis bridges a row
#: without a value where the span is short (EDGE-223, EDGE-239) and flags the steps over an interpolated one (EDGE-238).
#: Measured facts, not values written.
GYR_LOST_SPAN_COLUMN: Final = "gyr_lost_span_s"
#: A session header key (EDGE-239): a separate gyroscope's own median period (s), from which its losses' bridge span is
#: taken (``bridge.separate_bridge_s``); written by every import of a separate gyroscope: its presence says the import
#: knew the gyroscope's losses, even none (REVIEW-177).
GYR_PERIOD_KEY: Final = "import_gyro_period_s"
#: The words an import's note on a separate gyroscope begins with (``imports.common.align_gyro``), kept in a session's
#: ``import_notes`` header: a session holding them and neither ``gyr_lost_span_s`` nor ``import_gyro_period_s`` was
#: converted before EDGE-237 (EDGE-240, REVIEW-177).
SEPARATE_GYRO_WORDS: Final = "gyroscope interpolated linearly onto the accelerometer timestamps"


def landings_noun(placement: str | None) -> str:
    """What one row of steps.csv is for ``placement``: ``contacts`` (landings of the sensor's leg, on a
    one-leg placement), ``steps`` (landings of either leg) or ``landings`` (placement unknown)."""
    if placement is None:
        return "landings"
    return "contacts" if placement in ONE_LEG_PLACEMENTS else "steps"


def axis_vector(axis: str) -> NDArray[np.float64]:
    """Unit vector (in sensor coordinates) of a signed axis name such as ``"-y"``."""
    import numpy as np

    if axis not in AXES:
        raise ValueError(f"axis must be one of {', '.join(AXES)}, got {axis!r}")
    vec = np.zeros(3)
    vec["xyz".index(axis[1])] = 1.0 if axis[0] == "+" else -1.0
    return vec


def sensor_to_body_matrix(anterior_axis: str, vertical_axis: str) -> NDArray[np.float64]:
    """Rotation matrix R (3x3) with ``body = R @ sensor`` from the sensor axes that point
    anterior and up. The body y (left) axis completes a right-handed frame: y = z x x."""
    import numpy as np

    x = axis_vector(anterior_axis)
    z = axis_vector(vertical_axis)
    if abs(float(x @ z)) > 0.5:
        raise ValueError(f"anterior axis {anterior_axis} and vertical axis {vertical_axis} must differ")
    y = np.cross(z, x)
    return np.vstack([x, y, z])
