"""What a column holds, from its name: the time base, and the three axes of acceleration, linear
acceleration (gravity removed), gravity, angular rate or something else (magnetometer, attitude).

Names are matched by family, not by spelling: ``x``, ``accX``, ``AccelerationX``, ``acc_x``,
``Acceleration x (m/s^2)``, ``gFx``, ``userAcceleration.x``, ``X-axis (g)``, ``x_acc`` ... all
give (stem, axis, unit); the stem says the sensor. A unit in brackets or parentheses (or a suffix
such as ``_ms2``, ``_dps``) is kept for the unit decision. Axes are ordered by name, so ``z, y, x``
is read as x, y, z.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Stems (lower case, letters and digits only) of each sensor family.
ACC_STEMS = frozenset(
    {
        "a", "acc", "accel", "accelerometer", "acceleration", "accelerations", "accelerometeracceleration",
        "totalacceleration", "totalacc", "accelerationincludinggravity", "accelerationwithg", "rawacceleration",
        "rawacc", "accraw", "accelerometerraw", "accelerometeruncalibrated", "accelerometercalibrated",
        "gf", "gforce", "imuacc", "imuaccel", "accelerometerx",
    }
)  # fmt: skip
LINEAR_STEMS = frozenset(
    {
        "linearacceleration", "linearaccel", "linacc", "linearacc", "useracceleration", "useracc",
        "motionuseracceleration", "accelerationwithoutgravity", "accelerationnogravity", "la", "lacc",
        "dynamicacceleration", "linearaccelerometer",
    }
)  # fmt: skip
GRAVITY_STEMS = frozenset({"gravity", "grav", "motiongravity", "gravityvector"})
GYRO_STEMS = frozenset(
    {
        "g", "gyr", "gyro", "gyros", "gyroscope", "gyrorotation", "rotationrate", "motionrotationrate", "w",
        "omega", "angularvelocity", "angularrate", "angvel", "gyroscopeuncalibrated", "gyrouncalibrated",
        "gyroscopecalibrated", "imugyro", "gyrorate", "rot", "rotrate",
    }
)  # fmt: skip
#: The same quantities named in the languages a phone app translates its export into (accents folded: ``_squash``;
#: phyphox's ``Beschleunigung x``, ``Accélération linéaire x``, ``Gyroskop x``; EDGE-117): a stem holding one of
#: these words is that quantity, linear where it also holds a word of LINEAR_WORDS.
ACC_WORDS = (
    "beschleunigung", "beschl", "acceleration", "aceleracion", "accelerazione", "aceleracao", "versnelling",
    "przyspieszenie", "acceleratie", "zrychleni", "ivmelenme",
)  # fmt: skip
#: ... unless the stem also names another quantity (angular acceleration, gravity: ``Erdbeschleunigung``).
NOT_ACC_WORDS = ("angular", "winkel", "angolare", "mag", "grav", "erdbeschl", "pesanteur", "gravedad", "gravita")
LINEAR_WORDS = ("linear", "lineaire", "lineal", "liniowe", "lineare", "linearni", "dogrusal")
GYRO_WORDS = (
    "gyroskop", "giroscopio", "gyroscoop", "zyroskop", "gyroscope", "drehrate", "winkelgeschwindigkeit",
    "vitesseangulaire", "velocidadangular", "velocitaangolare", "velocidadeangular", "hoeksnelheid",
)  # fmt: skip
#: A bare axis (``x``, ``X [mg]``) or a stem that names no sensor (RealSense ``3DOF_x``): the kind
#: comes from the unit, the block or the data.
PLAIN_STEMS = frozenset({"", "3dof", "axis", "value", "values", "val", "data", "sensor", "raw", "imu"})

TIME_NAMES = (
    "t", "ts", "time", "times", "timestamp", "timestamps", "secondselapsed", "elapsed", "elapsedtime",
    "sec", "secs", "seconds", "ms", "millis", "milliseconds", "epoch", "epoc", "unixtime", "unixtimestamp",
    "datetime", "sensortimestamp", "hwtimestamp", "eventtimestamp", "systemtime", "timesincestart",
    "relativetime", "clock", "timestampms", "timestampns", "timestampus", "timems", "timens", "timeus",
    "times", "tms", "tns", "tus", "zeit", "tiempo", "temps", "tempo", "tijd", "czas", "zeitstempel", "horodatage",
)  # fmt: skip
#: Words naming a quantity that is not time: such a column is never taken as the time base by its values.
NOT_TIME_WORDS = (
    "attitude", "roll", "pitch", "yaw", "heading", "azimuth", "angle", "quat", "orient", "rotation", "gravity",
    "mag", "lat", "lon", "alt", "speed", "pressure", "temp", "batt", "light", "lux", "step", "count", "index",
    "frame", "sample", "number", "accuracy", "distance", "height", "hr", "bpm",
)  # fmt: skip
#: Words inside a column name that say it is not the time base although it mentions time.
_NOT_TIME = ("zone", "offset", "interval", "delta", "duration", "accuracy", "count", "index", "frame", "number")

_UNIT_IN_BRACKETS = re.compile(r"\s*[\(\[\{]\s*([^\)\]\}]*?)\s*[\)\]\}]\s*$")
_UNIT_SUFFIX = re.compile(r"[_\s-](m_?s_?2|mps2|ms2|mg|g|dps|degs|deg_s|rads|rad_s|s|ms|us|ns)$", re.IGNORECASE)
_AXIS_LAST = re.compile(r"^(?P<stem>.*?)[\s_.\-]*(?P<axis>[xyz])(?:[\s_.\-]*axis)?$")
_AXIS_FIRST = re.compile(r"^(?P<axis>[xyz])(?:[\s_.\-]*axis)?[\s_.\-]+(?P<stem>.+)$")


@dataclass(frozen=True)
class ColumnName:
    """A column name taken apart: ``kind`` is acc, linear, gravity, gyro, plain, time or other."""

    name: str
    kind: str
    stem: str
    axis: str | None
    unit: str | None


def _squash(text: str) -> str:
    """Lower case letters and digits, accents folded (``Accélération`` -> ``acceleration``)."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return re.sub(r"[^a-z0-9]", "", folded)


def unit_of(name: str) -> tuple[str, str | None]:
    """(name without its unit, unit text or None): ``Acceleration x (m/s^2)`` -> (``Acceleration x``,
    ``m/s^2``); ``acc_x_ms2`` -> (``acc_x``, ``ms2``)."""
    text = name.strip().strip('"').strip()
    match = _UNIT_IN_BRACKETS.search(text)
    if match and match.start() > 0:
        return text[: match.start()].strip(), match.group(1).strip() or None
    match = _UNIT_SUFFIX.search(text)
    if match and _squash(text[: match.start()]) not in ("", "t"):
        base = text[: match.start()]
        if _AXIS_LAST.match(base.lower()) or _AXIS_FIRST.match(base.lower()):
            return base, match.group(1)
    return text, None


def parse(name: str) -> ColumnName:
    """What the column called ``name`` holds, from its name alone."""
    base, unit = unit_of(name)
    low = base.lower().strip()
    squashed = _squash(low)
    if squashed in TIME_NAMES or (
        any(w in squashed for w in ("time", "stamp", "elapsed")) and not any(w in squashed for w in _NOT_TIME)
    ):
        return ColumnName(name, "time", squashed, None, unit)
    for pattern in (_AXIS_LAST, _AXIS_FIRST):
        match = pattern.match(low)
        if match:
            stem = _squash(match.group("stem"))
            return ColumnName(name, _kind(stem, unit), stem, match.group("axis"), unit)
    return ColumnName(name, "other", squashed, None, unit)


def _kind(stem: str, unit: str | None) -> str:
    translated_acc = (
        any(word in stem for word in ACC_WORDS)
        and not any(word in stem for word in NOT_ACC_WORDS)
        and unit_kind(unit) in (None, "acc")
    )
    if stem in LINEAR_STEMS or ("linear" in stem and "acc" in stem):
        return "linear"
    if translated_acc and any(word in stem for word in LINEAR_WORDS):
        return "linear"
    if stem in GRAVITY_STEMS:
        return "gravity"
    if stem in ACC_STEMS or (stem.startswith("acc") and "mag" not in stem) or translated_acc:
        return "acc"
    if stem in GYRO_STEMS or stem.startswith("gyr") or "rotationrate" in stem or stem in GYRO_WORDS:
        return "gyro"
    if stem in PLAIN_STEMS or stem.isdigit():
        return unit_kind(unit) or "plain"
    return "other"


def unit_kind(unit: str | None) -> str | None:
    """``acc`` or ``gyro`` when a unit names the quantity (``m/s^2``, ``mg``, ``rad/s``, ``dps`` ...)."""
    if unit is None:
        return None
    if acc_unit(unit) is not None and unit != "G":  # Polar writes [G] for the magnetometer's gauss
        return "acc"
    if gyro_unit(unit) is not None:
        return "gyro"
    return None


def acc_unit(unit: str | None) -> str | None:
    """``ms2``, ``g`` or ``mg`` from a unit text, or None."""
    if unit is None:
        return None
    text = unit.strip().replace(" ", "").replace("²", "^2")
    low = text.lower()
    if low in ("m/s^2", "m/s2", "ms2", "ms^-2", "ms-2", "m/s/s", "mps2", "m_s2", "ms_2", "m_s_2"):
        return "ms2"
    if low == "mg":
        return "mg"
    if low in ("g", "gs", "gravity", "gee"):
        return "g"
    return None


def gyro_unit(unit: str | None) -> str | None:
    """``rads`` or ``dps`` from a unit text, or None."""
    if unit is None:
        return None
    low = unit.strip().lower().replace(" ", "")
    if low in ("rad/s", "rads", "rad/sec", "rads^-1", "rads-1", "rad_s", "radians/s", "radianspersecond"):
        return "rads"
    if low in ("deg/s", "dps", "°/s", "degs", "deg/sec", "degs^-1", "degs-1", "deg_s", "degrees/s", "º/s"):
        return "dps"
    return None


def time_unit(column: ColumnName) -> str | None:
    """``s``, ``ms``, ``us`` or ``ns`` as a time column's name says it (``time_ms``, ``Time (s)``), or None."""
    for text in (column.unit or "", column.stem):
        low = text.strip().lower()
        if low in ("s", "sec", "secs", "seconds") or (low.endswith("elapsed") and low != "elapsed"):
            return "s"
        if low in ("ms", "msec", "millis", "milliseconds") or (low.endswith("ms") and len(low) > 2):
            return "ms"
        if low in ("us", "µs", "μs", "usec", "micros", "microseconds") or (low.endswith("us") and len(low) > 2):
            return "us"
        if low in ("ns", "nsec", "nanos", "nanoseconds") or (low.endswith("ns") and len(low) > 2):
            return "ns"
    if column.stem == "secondselapsed":
        return "s"
    return None


@dataclass(frozen=True)
class Triplet:
    """Three columns of one sensor, in x, y, z order."""

    kind: str
    stem: str
    columns: tuple[str, str, str]
    unit: str | None

    def describe(self) -> str:
        return ",".join(self.columns)


def triplets(columns: list[ColumnName]) -> list[Triplet]:
    """Every complete x/y/z set of one stem, in the order their first column appears."""
    groups: dict[tuple[str, str], dict[str, ColumnName]] = {}
    for column in columns:
        if column.axis is None or column.kind in ("time", "other"):
            continue
        group = groups.setdefault((column.kind, column.stem), {})
        group.setdefault(column.axis, column)
    out = []
    for (kind, stem), axes in groups.items():
        if set(axes) == {"x", "y", "z"}:
            units = {axes[a].unit for a in "xyz"} - {None}
            unit = units.pop() if len(units) == 1 else None
            out.append(Triplet(kind, stem, (axes["x"].name, axes["y"].name, axes["z"].name), unit))
    return out
