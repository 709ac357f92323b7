"""Units and time base decided from the data, each with the evidence that decided it.

- **Time unit** (s, ms, us, ns): the one that puts the median step between samples at a rate of
  2 Hz to 2 kHz (the window is 1000 wide, so exactly one unit fits); epoch when the first time lies
  between 2000 and 2100 in that unit.
- **Acceleration unit and gravity**: gravity is what the acceleration averages to while the
  sensor is quiet (the vector mean over 1 s windows with the least variation). Its magnitude is
  1 g in the file's unit: ~9.81 means m/s^2, ~1 means g, ~1000 means mg. A mean under 0.15 g
  means gravity was removed (the unit then comes from the names or the sensor family).
- **Angular-rate unit**: human segments turn faster than 5 deg/s while the body moves and never
  faster than 2000 deg/s (35 rad/s), so the 99th percentile of |rate| while moving decides outside
  5-35; inside, the rate is compared with how fast gravity turns in the sensor frame (in rad/s),
  which is 1x the rate in rad/s and 1/57 of it in deg/s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.gyro_turning import RADS_TURN_LOG10, STILL_RATE_DPS, gravity_turn_ratio
from retrogait.masks import runs_mask, true_runs
from retrogait.stuck import stuck_rows

FloatArray = NDArray[np.float64]

#: Sample rates a time unit may imply (Hz, lower bound inclusive): 1000 wide, so one unit fits.
RATE_WINDOW_HZ = (2.0, 2000.0)
TIME_FACTORS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
#: First times (s since 1970) taken as epoch time: 2000-01-01 to 2100-01-01.
EPOCH_RANGE_S = (946684800.0, 4102444800.0)
#: How a refusal writes each ``--acc-unit`` value.
GIVEN_WORDS = {"ms2": "m/s^2", "g": "g", "mg": "mg"}
#: 1 g in each acceleration unit.
GRAVITY_IN_UNIT = {"ms2": STANDARD_GRAVITY_MS2, "g": 1.0, "mg": 1000.0}
#: |gravity| / 1 g within this range: the unit fits.
GRAVITY_MATCH = (0.8, 1.25)
#: |mean acc| at rest below this fraction of 1 g: gravity removed.
REMOVED_FRACTION = 0.15
#: With the unit given: |mean acc| of the quiet windows nearer 0 than 1 g, gravity removed (HONEST-19).
GIVEN_REMOVED_FRACTION = 0.5
#: Quiet windows: the ones whose |acc| varies least (this quantile of the windows' spread).
QUIET_QUANTILE = 0.25
#: The recording rests when its quiet windows' |acc| varies by at most this share of their mean: a sensor at
#: rest or held still varies by its noise and tremor (0.1-1 % of 1 g in the real exports of ../shared); the
#: quietest windows of a recording that never rests vary by 4-40 % (a walking trunk 4 %, a running foot 40 %).
REST_SPREAD_SHARE = 0.02
#: A recording that never rests: the quiet windows' mean of a swinging limb (foot, shank) holds its centripetal
#: acceleration on top of gravity (1.1-1.9 g simulated); up to this many g the unit the names state is taken.
MOVING_GRAVITY_MAX_G = 3.0
#: At most this many 1 s windows are looked at (spread over the recording; keeps long files cheap).
MAX_WINDOWS = 2000
#: A window is moving when |acc| varies more than this (m/s^2, standard deviation).
MOVING_STD_MS2 = 1.0
#: The gyroscope shows the sensor still where |rate| stays under STILL_RATE_DPS (gyro_turning.py) for STILL_MIN_S or
#: longer (a foot flat in stance turns under 10 deg/s); not turning, a sensor feels gravity and what translates it,
#: which averages out: the median |acc| there is 1 g. Such stretches adding up to STILL_TOTAL_S are evidence: where
#: their median is not 1 g (GRAVITY_MATCH) in the unit a moving recording's quiet mean found, that mean is not
#: gravity (HONEST-22: 94 clean recordings 0.981-1.009 g; a real foot's gravity taken out by a fusion 0.22 / 0.58
#: "g").
STILL_MIN_S = 0.1
STILL_TOTAL_S = 1.0
#: What a unit's refusal says where the still samples read more than 1 g in it (the import adds what to do).
SCALE_OFF = "its scale is off"
#: The other cause of the same reading: a gyroscope read 57x too small shows a moving sensor "still" (HONEST-25).
GYRO_TOO_SMALL = "unless the gyroscope is in rad/s under deg/s names (then correct its names)"
#: 99th percentile of |rate| while moving: above this cannot be rad/s, below the lower one not deg/s.
RADS_MAX, DPS_MIN = 35.0, 5.0
GYR_FACTORS = {"dps": 1.0, "rads": 180.0 / math.pi}


@dataclass(frozen=True)
class TimeBase:
    """Times in s (any origin) and how they were read."""

    t_s: FloatArray
    unit: str
    epoch: bool
    evidence: str


def median_step(values: FloatArray) -> float:
    """Median of the positive steps of finite, increasing values (NaN when there are none)."""
    v = values[np.isfinite(values)]
    steps = np.diff(v)
    steps = steps[steps > 0]
    return float(np.median(steps)) if steps.size else math.nan


def is_increasing(values: FloatArray, share: float = 0.9) -> bool:
    """True when at least ``share`` of the steps between finite values are positive."""
    v = values[np.isfinite(values)]
    if v.size < 3:
        return False
    return float((np.diff(v) > 0).mean()) >= share


def is_clock(values: FloatArray, share: float = 0.99) -> bool:
    """True for a column that can be an unnamed clock: at least ``share`` of the steps between finite values
    do not go back and at least half go forward (a logger repeats a time stamp now and then: EDGE-38; the
    repeats are dropped and counted when the rows are read). A status flag never moves, an axis goes back."""
    v = values[np.isfinite(values)]
    if v.size < 3:
        return False
    steps = np.diff(v)
    return float((steps >= 0).mean()) >= share and float((steps > 0).mean()) >= 0.5


def is_counter(values: FloatArray) -> bool:
    """True for a sample counter (whole numbers going up by one): an index, not a time."""
    v = values[np.isfinite(values)]
    if v.size < 3:
        return False
    steps = np.diff(v)
    return bool(np.all(v == np.round(v)) and float(np.median(steps)) == 1.0 and float((steps == 1).mean()) > 0.9)


def time_base(values: FloatArray, stated_unit: str | None, epoch_hint: bool = False) -> TimeBase | None:
    """Read numeric times in the unit the name states (``stated_unit``) if it gives a plausible rate,
    else in the one unit that does; None when no unit makes a sampling rate of 2 Hz - 2 kHz."""
    step = median_step(values)
    if not (math.isfinite(step) and step > 0):
        return None
    fits = [u for u, f in TIME_FACTORS.items() if RATE_WINDOW_HZ[0] <= 1.0 / (step * f) < RATE_WINDOW_HZ[1]]
    if stated_unit in TIME_FACTORS and (stated_unit in fits or not fits):
        unit, how = stated_unit, "as the column name says"
    elif fits:
        unit = fits[0]
        how = "the one unit that makes a rate of 2 Hz - 2 kHz"
        if stated_unit in TIME_FACTORS:
            stated_hz = 1.0 / (step * TIME_FACTORS[stated_unit])
            how += f"; the column name says {stated_unit}, which would make {stated_hz:.3g} Hz"
    elif 1.0 / step < RATE_WINDOW_HZ[0]:
        unit, how = "s", "too slow for any other unit"
    else:
        return None
    factor = TIME_FACTORS[unit]
    t_s = values * factor
    first = float(t_s[np.isfinite(t_s)][0]) if np.isfinite(t_s).any() else math.nan
    epoch = epoch_hint or EPOCH_RANGE_S[0] <= first < EPOCH_RANGE_S[1]
    rate = 1.0 / (step * factor)
    evidence = (
        f"{'epoch_' if epoch else ''}{unit} (median step {step:.6g} -> {rate:.4g} Hz, the unit's evidence; {how})"
    )
    return TimeBase(t_s, f"epoch_{unit}" if epoch else unit, epoch, evidence)


@dataclass(frozen=True)
class AccUnits:
    """What the acceleration columns hold: the factor to m/s^2, gravity included or removed."""

    unit: str
    factor: float
    gravity: str
    evidence: str
    #: where a given unit reads no gravity at rest: the unit in which the quiet mean is 1 g instead (EDGE-152) ...
    one_g_in: str | None = None
    #: ... and that quiet mean |acc| (in the file's unit)
    quiet_mean: float = math.nan


def _windows(n: int, rate_hz: float, seconds: float) -> tuple[int, int]:
    """(samples per window, number of windows) for windows of ``seconds`` over ``n`` samples."""
    size = int(min(max(8, round(seconds * rate_hz)), max(n, 1)))
    return size, max(1, n // size)


def gravity_estimate(xyz: FloatArray, rate_hz: float) -> tuple[float, float, float]:
    """(|gravity|, motion, quiet spread) in the file's unit: the median |vector mean| of the quietest 1 s
    windows, the 95th percentile of |acc| about its mean, and the median over those windows of their spread (the
    standard deviation of |acc - the window's mean|)."""
    keep = np.asarray(np.isfinite(xyz).all(axis=1))
    n = int(np.count_nonzero(keep))
    if n < 2:
        return math.nan, math.nan, math.nan
    size, count = _windows(n, rate_hz, 1.0)
    with np.errstate(over="ignore", invalid="ignore"):
        if count > MAX_WINDOWS and xyz.dtype == np.float64:  # its bits shown for float64 only (REVIEW-218)
            return _spread_windows_estimate(xyz, keep, n, size, count)
        finite = xyz[keep]
        blocks = finite[: size * count].reshape(count, size, 3)
        if count > MAX_WINDOWS:  # a long recording: windows spread evenly over it say as much
            blocks = blocks[np.linspace(0, count - 1, MAX_WINDOWS).astype(int)]
            finite = blocks.reshape(-1, 3)
        means = blocks.mean(axis=1)
        spread = np.linalg.norm(blocks - means[:, None, :], axis=2).std(axis=1)
        quiet = _quiet_windows(means, spread)
        if quiet is None:
            return math.nan, math.nan, math.nan
        gravity = float(np.median(np.linalg.norm(means[quiet], axis=1)))
        centre = np.median(finite, axis=0)
        motion = float(np.nanpercentile(np.linalg.norm(finite - centre, axis=1), 95))
    return gravity, motion, float(np.median(spread[quiet]))


def _quiet_windows(means: FloatArray, spread: FloatArray) -> NDArray[np.bool_] | None:
    """The quietest windows (QUIET_QUANTILE of the spreads) of those with finite values; None if there are none."""
    usable = np.isfinite(spread) & np.isfinite(means).all(axis=1)  # a window with an absurd value is not quiet
    if not usable.any():
        return None
    return np.asarray(usable & (spread <= np.quantile(spread[usable], QUIET_QUANTILE)))


def _spread_windows_estimate(
    xyz: FloatArray, keep: NDArray[np.bool_], n: int, size: int, count: int
) -> tuple[float, float, float]:
    """:func:`gravity_estimate` of float64 ``xyz`` over MAX_WINDOWS of the ``count`` windows of ``size`` finite
    rows, spread evenly, with its numbers bit for bit and without its (n, 3) copies (PERF-133; float64 only: another
    dtype's median would come back as a Python float, REVIEW-218): each axis' windows taken from its column
    as (windows, size) rows; a window's mean adds its samples one at a time down a (size, windows) copy, as numpy's
    mean of (windows, size, 3) blocks does; the norms' squares summed (x + y) + z as ``np.linalg.norm``'s; the
    median of the values by one partition (no search for NaNs: they are finite)."""
    chosen = np.linspace(0, count - 1, MAX_WINDOWS).astype(int)
    if n == keep.size:
        blocks = np.stack([xyz[: size * count, axis].reshape(count, size)[chosen] for axis in range(3)])
    else:  # rows with a NaN or an infinity left out
        rows = np.flatnonzero(keep)[chosen[:, None] * size + np.arange(size)]
        blocks = np.stack([np.take(xyz[:, axis], rows) for axis in range(3)])
    means = np.add.reduce(np.ascontiguousarray(blocks.transpose(0, 2, 1)), axis=1) / size  # (3, windows)
    spread = _row_norms(blocks, means[:, :, None]).std(axis=1)
    means = np.ascontiguousarray(means.T)
    quiet = _quiet_windows(means, spread)
    if quiet is None:
        return math.nan, math.nan, math.nan
    gravity = float(np.median(np.linalg.norm(means[quiet], axis=1)))
    values = blocks.reshape(3, -1)
    centre = np.array([_middle(v) for v in values])[:, None]
    motion = float(np.nanpercentile(_row_norms(values, centre), 95))
    return gravity, motion, float(np.median(spread[quiet]))


def _row_norms(columns: FloatArray, centre: FloatArray) -> FloatArray:
    """|row - centre| of the rows whose axes are ``columns`` (3, ...), the squares summed as (x + y) + z: the
    numbers of ``np.linalg.norm(rows - centre, axis=-1)`` without its (..., 3) temporaries."""
    total = np.square(columns[0] - centre[0])
    for axis in (1, 2):
        total += np.square(columns[axis] - centre[axis])
    return np.sqrt(total, out=total)


def _middle(values: FloatArray) -> float:
    """The median of finite ``values``: the mean of the middle one or two of a partition (``np.median`` without
    its search for NaNs); a zero of either sign may come out as the other, which no norm about it sees."""
    k = values.size
    part = np.partition(values, [k // 2 - 1, k // 2] if k % 2 == 0 else [k // 2])
    return float((part[k // 2 - 1] + part[k // 2]) / 2.0) if k % 2 == 0 else float(part[k // 2])


def still_samples(gyr_dps: FloatArray, rate_hz: float) -> NDArray[np.bool_]:
    """Samples where |rate| (deg/s) stays under STILL_RATE_DPS for at least STILL_MIN_S."""
    with np.errstate(over="ignore", invalid="ignore"):  # an absurd value (1e308) squares to inf: not quiet (EDGE-133)
        quiet = np.linalg.norm(gyr_dps, axis=1) < STILL_RATE_DPS  # NaN: not quiet
    starts, ends = true_runs(quiet)
    long = (ends - starts) >= max(2, round(STILL_MIN_S * rate_hz))
    return runs_mask(quiet.size, starts[long], ends[long])


def still_reading(xyz: FloatArray, gyr_dps: FloatArray, rate_hz: float, one_g: float) -> tuple[float, float] | None:
    """(seconds still, the median |acc| in g there) where the gyroscope (deg/s, rows of ``xyz``) shows the sensor
    still, ``one_g`` being 1 g in the unit of ``xyz``; None under STILL_TOTAL_S of stillness, or where the gyroscope
    never shows a turn (its 99th percentile |rate| under STILL_RATE_DPS: zeros, or a sensor that never moved), as
    it then tells stillness from nothing."""
    n = min(xyz.shape[0], gyr_dps.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):  # an absurd value (1e308) is inf here, left out (EDGE-133)
        rates = np.linalg.norm(gyr_dps[:n], axis=1)
    finite = rates[np.isfinite(rates)]
    if not finite.size or float(np.percentile(finite, 99)) < STILL_RATE_DPS:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        reads = np.linalg.norm(xyz[:n][still_samples(gyr_dps[:n], rate_hz)], axis=1) / one_g
    reads = reads[np.isfinite(reads)]
    if reads.size < STILL_TOTAL_S * rate_hz:
        return None
    return reads.size / rate_hz, float(np.median(reads))


def gyro_factor_alone(raw: FloatArray, stated_unit: str | None, given_unit: str | None) -> float | None:
    """The factor to deg/s of raw angular rate where it is known without the acceleration: given, beyond any body's
    turning in rad/s (deg/s), or stated by the names; else None."""
    if given_unit is not None:
        return GYR_FACTORS[given_unit]
    with np.errstate(over="ignore", invalid="ignore"):  # an absurd value is inf here, left out (EDGE-133)
        rates = np.linalg.norm(raw, axis=1)
    finite = rates[np.isfinite(rates)]
    if finite.size >= 10 and float(np.percentile(finite, 99)) > RADS_MAX:
        return 1.0
    return GYR_FACTORS[stated_unit] if stated_unit is not None else None


def acc_units(
    xyz: FloatArray,
    rate_hz: float,
    stated_unit: str | None,
    given_unit: str | None,
    family_unit: str | None,
    gyr_dps: FloatArray | None = None,
) -> AccUnits | str:
    """The unit and gravity of raw acceleration ``xyz`` (n, 3), or why they cannot be told.

    ``given_unit`` (the user's ``--acc-unit``) is taken as is; otherwise the unit in which the
    quiet mean is 1 g wins (``stated_unit``, from the column names, is only reported when it
    disagrees). Without gravity the unit is the one given, stated or implied by the sensor family
    (``family_unit``: CoreMotion user acceleration is in g, phone linear acceleration in m/s^2). A recording that
    never rests is checked against ``gyr_dps`` (the gyroscope in deg/s, where its unit is known without the
    acceleration): where it shows the sensor still, gravity included reads 1 g (HONEST-22).
    """
    gravity, motion, quiet_spread = gravity_estimate(xyz, rate_hz)
    if not math.isfinite(gravity):
        return "no finite acceleration values"
    said = f"|mean acc| over the quietest 1 s windows = {gravity:.3g}"
    if given_unit is None and not _fitting_units(gravity):  # an axis stuck while the others move is no rest
        stuck = stuck_rows(xyz, rate_hz)
        without = gravity_estimate(xyz[~stuck], rate_hz) if stuck.any() else None
        if without is not None and _fitting_units(without[0]):
            gravity, motion, quiet_spread = without
            said = (
                f"|mean acc| over the quietest 1 s windows = {gravity:.3g}, without the {int(stuck.sum())} rows "
                "where an axis is stuck at one value while the others move"
            )
    rests = quiet_spread <= REST_SPREAD_SHARE * gravity
    moving = (
        f"the recording never rests (its quietest 1 s windows vary by {quiet_spread:.3g}, "
        f"{100 * quiet_spread / gravity:.0f} % of their mean {gravity:.3g})"
    )
    fits = _fitting_units(gravity)
    not_gravity = ""  # why a moving recording's quiet mean is not gravity, where a gyroscope shows stillness
    unit_of_mean = fits[0] if fits else stated_unit
    if given_unit is None and not rests and gyr_dps is not None and unit_of_mean is not None:
        still = still_reading(xyz, gyr_dps, rate_hz, GRAVITY_IN_UNIT[unit_of_mean])
        if still is not None and not GRAVITY_MATCH[0] <= still[1] <= GRAVITY_MATCH[1]:
            why = "gravity looks removed" if still[1] < GRAVITY_MATCH[0] else f"not 1 g in {unit_of_mean}: {SCALE_OFF}"
            not_gravity = (
                (
                    f" (1 g in {unit_of_mean})"
                    if fits
                    else f" ({gravity / GRAVITY_IN_UNIT[unit_of_mean]:.2g} g in {unit_of_mean})"
                )
                + f", but over the {still[0]:.1f} s the gyroscope shows the sensor still (under "
                f"{STILL_RATE_DPS:g} deg/s), where it feels 1 g, the median is {still[1]:.2g} g: {why}"
            )
            said += not_gravity
            fits = []
    if given_unit is None and fits:
        found = fits[0]
        evidence = f"{found}: {said}, 1 g in {found}"
        if stated_unit is not None and stated_unit != found:
            evidence += f" (the column names say {stated_unit})"
        return AccUnits(found, STANDARD_GRAVITY_MS2 / GRAVITY_IN_UNIT[found], "included", evidence)
    unit = given_unit or stated_unit or family_unit
    how = "given" if given_unit else "as the column names say" if stated_unit else "the unit of this sensor family"
    if unit is None:
        if not_gravity:
            return f"{said}, so the data cannot tell its unit and the names do not say it"
        if gravity < REMOVED_FRACTION:
            return (
                f"acceleration holds no gravity ({said}), so the data cannot tell its unit and the names do not say it"
            )
        return f"acceleration is neither 1 g in m/s^2, g or mg nor free of gravity ({said})"
    g = GRAVITY_IN_UNIT[unit]
    factor = STANDARD_GRAVITY_MS2 / g
    # with the unit given, the quiet mean is nearer 0 than 1 g or not: over whole strides it is 1 g with gravity and
    # 0 without, and 1 s of running covers a stride and a part (5 s sacral trials: 0.11-0.42 g without, 1.09-1.42 g
    # with); taken as gravity included above 0.15 g, their impacts read 40 % off with nothing said (HONEST-19)
    if gravity < (GIVEN_REMOVED_FRACTION if given_unit else REMOVED_FRACTION) * g:
        other = next((u for u in fits if u != unit), None) if given_unit else None
        return AccUnits(
            unit, factor, "removed", f"{unit} ({how}); gravity removed: {said} (motion {motion:.3g})", other, gravity
        )
    if given_unit is not None:
        # more than 1 g at rest, or more than a moving body's quietest second feels: another unit's 1 g
        over = gravity / g > (GRAVITY_MATCH[1] if rests else MOVING_GRAVITY_MAX_G)
        if over and fits and fits[0] != given_unit:
            return (
                f"acceleration is not in {GIVEN_WORDS[given_unit]} as --acc-unit {given_unit} says ({said}, 1 g in "
                f"{fits[0]}): give --acc-unit {fits[0]} (EDGE-144)"
            )
        return AccUnits(unit, factor, "included", f"{unit} ({how}); {said}")
    if (
        stated_unit is not None
        and not rests
        and not not_gravity
        and GRAVITY_MATCH[0] <= gravity / g <= MOVING_GRAVITY_MAX_G
    ):
        # a limb's swing adds to gravity in every window: the data cannot check the names, nor contradict them
        return AccUnits(unit, factor, "included", f"{unit} ({how}; not checked: {moving})")
    return f"acceleration in {unit} is neither 1 g nor free of gravity at rest ({said})"


def _fitting_units(gravity: float) -> list[str]:
    """The acceleration units in which ``gravity`` (a quiet mean |acc|) is 1 g."""
    return [u for u, g in GRAVITY_IN_UNIT.items() if GRAVITY_MATCH[0] <= gravity / g <= GRAVITY_MATCH[1]]


@dataclass(frozen=True)
class GyrUnits:
    unit: str
    factor: float
    evidence: str


def gyro_units(
    gyr: FloatArray, acc_ms2: FloatArray, rate_hz: float, stated_unit: str | None, gravity_removed: bool = False
) -> GyrUnits:
    """The unit of raw angular rate ``gyr`` (n, 3) next to acceleration in m/s^2 (see module doc;
    without gravity in the acceleration only the physiological range can decide). A unit the names
    state holds unless a physical bound says it cannot (then the data win and the evidence says so)."""
    if min(acc_ms2.shape[0], gyr.shape[0]) < 2:
        unit = stated_unit or "rads"
        return GyrUnits(unit, GYR_FACTORS[unit], f"{unit} (too few rows to tell)")
    size, count = _windows(acc_ms2.shape[0], rate_hz, 1.0)
    with np.errstate(over="ignore", invalid="ignore"):
        spread = np.linalg.norm(acc_ms2[: size * count], axis=1).reshape(count, size).std(axis=1)
        moving = np.repeat(spread > MOVING_STD_MS2, size)
        rates = np.linalg.norm(gyr[: size * count], axis=1)
    finite = np.isfinite(rates)
    bound: GyrUnits | None = None
    if finite.sum() >= 10:
        p99 = float(np.percentile(rates[finite], 99))
        if p99 > RADS_MAX:  # whatever the motion
            bound = GyrUnits(
                "dps", 1.0, f"dps: 99th percentile |rate| = {p99:.3g}, beyond {RADS_MAX:g} rad/s no body turns"
            )
    in_motion = rates[finite & moving]
    if bound is None and in_motion.size >= 10:
        p99 = float(np.percentile(in_motion, 99))
        if p99 < DPS_MIN:
            said = f"99th percentile |rate| while moving = {p99:.3g}"
            bound = GyrUnits("rads", GYR_FACTORS["rads"], f"rads: {said}, below {DPS_MIN:g} deg/s no gait turns")
    if stated_unit is not None:
        if bound is None or bound.unit == stated_unit:
            return GyrUnits(stated_unit, GYR_FACTORS[stated_unit], f"{stated_unit} (as the column names say)")
        return GyrUnits(bound.unit, bound.factor, f"{bound.evidence} (the column names say {stated_unit})")
    if bound is not None:
        return bound
    ratio = None if gravity_removed else gravity_turn_ratio(gyr, acc_ms2, rate_hz)
    if ratio is not None:
        unit = "rads" if math.log10(ratio) > RADS_TURN_LOG10 else "dps"
        return GyrUnits(
            unit, GYR_FACTORS[unit], f"{unit}: gravity turns in the sensor frame at {ratio:.3g} x the rate (1 in rad/s)"
        )
    return GyrUnits("rads", GYR_FACTORS["rads"], "rads: no motion tells the unit, so assumed (phone apps' unit)")
