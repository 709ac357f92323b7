"""Foot strike seen from the lower back: does the landing send a heel-strike shock up the body?

Physics. A heel strike stops the foot and shank on the heel pad within about 10-30 ms with the knee
nearly straight: the vertical ground force jumps by about 1 BW in that time and a shock travels up
the skeleton to the pelvis (the impact transient of the force plate). A midfoot or forefoot landing
lets the ankle yield for 50-80 ms first: the force rises smoothly, and no shock reaches the trunk.
At the sacrum a shock shows as vibration above the body's own motion: the centre of mass moves
below about 5 Hz, the soft tissue under the sensor rings at 15-20 Hz when something excites it, and
a shock carries energy up to 50-100 Hz.

Evidence per landing (``landing_shock_ratio``, dimensionless, per band): the RMS of the vertical
acceleration band-passed to a band (the upper edge kept below 0.4 fs) over the landing window (10 ms
before to 70 ms after initial contact) divided by its RMS over the rest of the step (100 ms after contact
up to 20 ms before the next contact: mid and late stance, toe-off, flight). Both windows see the same
sensor, belt, tissue and noise, so the ratio does not depend on the attachment; the vibration of a fast
or loose-fitting run raises both. A ratio near 1 says the landing adds nothing to the stride's own
vibration; a heel strike reads 3-20 (real force-plate trials, docs/validation.md).

Two bands, each blind to what fools the other. The shock band (20-80 Hz) lies above the soft-tissue mode:
a smooth landing that sets the tissue ringing does not raise it. The transient band (12-40 Hz) holds the
heel transient itself, the rise and dip of the force's impact peak within its first 20-40 ms (on the
force plate it carries 0.14-0.43 BW RMS at heel-strike landings and 0.04-0.08 BW at midfoot ones):
a click above it, with no impact peak in the force, does not raise it. A heel strike raises both, so
the evidence (``heel_shock_evidence``) is the band raised least, and nothing chooses between them.

Classes (``sacral_strikes``): ratio >= ``heel_shock_ratio`` (2.5: the landing holds more than six
times the background's energy; with ~4 degrees of freedom in the landing window and ~10 in the
background, chance alone gives that in under 1 % of steps) is a heel strike, ``rearfoot``, with
confidence 1 - 1/ratio^2 (the share of the landing's energy that the background does not explain).
Ratio <= ``no_shock_ratio`` (1.5: the landing's energy within 2.25 times the background's, what
chance gives) is a landing without a heel shock: midfoot or forefoot, which the trunk cannot tell
apart (both load smoothly). The label then follows what such a landing most likely is in that
direction (forward: midfoot, 16.6 % of recreational runners against 1.7 % forefoot; backward: the
ball of the foot lands first, Roos et al. 2012), and its confidence is that prior share times
min(1, 1/ratio^2), so it is never high. Between the two, and where the direction is unknown, the
label is ``unknown``.

Thin evidence (``habit_evidence``, IMPACT-15). The label reads the habit, a running median over the bout's
landings, and the habit is only as sure as the landings it rests on: at a bout's ends and in short bouts it
has fewer. Each band's habit gets its standard error from the landings in its window, sqrt(pi / 2) times their
standard deviation (log ratio) over sqrt(n), and the confidence is multiplied by the probability that the
habit lies on the label's side of the class limit (Student's t with n - 1 degrees of freedom; a heel strike's
both bands at or above ``heel_shock_ratio``, a landing without one: the band read below ``no_shock_ratio``).
A landing without a heel shock is a claim about this landing, so its own landing must have been measured and
show no heel shock itself (its own ratio below ``heel_shock_ratio`` in some band): the last contact of a bout
(no background) and a landing of its own at heel-strike level are ``unknown``, whatever the neighbours say.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.filters import in_g
from retrogait.analysis.settings import TrunkStrikeSettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.stepwindows import window_mean
from retrogait.dsp import butter_sos, sosfiltfilt, student_t_cdf
from retrogait.samples import nearest_samples

FloatArray = NDArray[np.float64]

#: Standard error of a median of n normal values over that of their mean, for large n (sqrt(pi / 2)).
MEDIAN_ERROR_FACTOR = float(np.sqrt(np.pi / 2))


class HabitEvidence(NamedTuple):
    """What the habit rests on, per contact and band (``habit_evidence``): ``own`` the landing's own ratio,
    ``log_error`` the standard error of the habit's log ratio (NaN below two landings), ``landings`` how many
    landings with a ratio the running median's window holds."""

    own: FloatArray
    log_error: FloatArray
    landings: NDArray[np.int64]


def landing_shock_ratio(
    signals: BodySignals, contacts: Contacts, settings: TrunkStrikeSettings | None = None
) -> FloatArray:
    """Per contact (rows) and band (columns: the shock band, then the transient band): the landing/background
    RMS ratio of the vertical acceleration in that band (dimensionless, see the module docstring). NaN without
    a next contact, when the background window is shorter than the landing window, below ``min_rate_hz``,
    or when the band's low edge lies at or above 0.4 fs (the rate cannot hold it)."""
    settings = settings or preset(signals.placement).trunk_strike
    bands = (
        (settings.shock_band_low_hz, settings.shock_band_high_hz),
        (settings.transient_band_low_hz, settings.transient_band_high_hz),
    )
    return np.column_stack([band_shock_ratio(signals, contacts, band, settings) for band in bands])


def heel_shock_evidence(shock_ratio: FloatArray) -> FloatArray:
    """Per contact: the ratio of the band the landing raises least (a heel strike raises every band; NaN
    where a band is NaN). A 1-D ratio is one band's and is returned as it is."""
    ratio = np.asarray(shock_ratio, dtype=float)
    return ratio if ratio.ndim == 1 else np.asarray(np.min(ratio, axis=1), dtype=np.float64)


def band_shock_ratio(
    signals: BodySignals, contacts: Contacts, band_hz: tuple[float, float], settings: TrunkStrikeSettings
) -> FloatArray:
    """Per contact: RMS of the vertical acceleration band-passed to ``band_hz`` (Hz, the upper edge kept
    below 0.4 fs) in the landing window over its RMS in the rest of the step; NaN as ``landing_shock_ratio``."""
    m = len(contacts)
    fs = signals.fs_hz
    high = min(band_hz[1], 0.4 * fs)
    if m < 2 or fs < settings.min_rate_hz or band_hz[0] >= high:  # the band above 0.4 fs: EDGE-70
        return np.full(m, np.nan)
    z = in_g(signals.acc_ms2[:, 2])
    sos = butter_sos(2, (band_hz[0], high), fs, "band")
    if z.size <= 3 * (2 * len(sos) + 1):
        return np.full(m, np.nan)
    shock = sosfiltfilt(sos, z) ** 2
    ic = contacts.ic_idx.astype(np.int64)
    nxt = np.append(ic[1:], -1)
    land_lo = np.maximum(ic - nearest_samples(settings.landing_before_s, fs), 0)
    land_hi = ic + nearest_samples(settings.landing_after_s, fs)
    bg_lo = ic + nearest_samples(settings.background_after_s, fs)
    bg_hi = nxt - nearest_samples(settings.background_end_before_s, fs)
    land_energy = window_mean(shock, land_lo, land_hi)
    bg_hi = np.minimum(bg_hi, bg_lo + nearest_samples(2.0, fs))  # a pause after the step is not its background
    bg_energy = window_mean(shock, bg_lo, bg_hi)
    ok = (nxt > ic) & (bg_hi - bg_lo >= land_hi - land_lo) & (bg_energy > 0) & (land_hi <= signals.n_samples)
    return np.where(ok, np.sqrt(land_energy / np.where(ok, bg_energy, 1.0)), np.nan)


def habitual_shock_ratio(
    shock_ratio: FloatArray, group: NDArray[np.int64], settings: TrunkStrikeSettings | None = None
) -> FloatArray:
    """Running median of the landing shock ratio (each band's column on its own) over ``habit_steps``
    consecutive contacts of the same group (bout), centred; NaN ratios are left out. A runner's foot strike
    is a habit that holds over strides (10.6 % of recreational runners land differently left and right,
    fewer change stride to stride), while one landing's ratio scatters with the vibration of that stride:
    the median over a few strides keeps a change of habit within a bout and drops single-stride noise."""
    settings = settings or TrunkStrikeSettings()
    ratio = np.asarray(shock_ratio, dtype=float)
    frame = pd.DataFrame(np.log(np.where(ratio > 0, ratio, np.nan)).reshape(ratio.shape[0], -1))
    rolled = frame.groupby(np.asarray(group)).transform(
        lambda x: x.rolling(settings.habit_steps, center=True, min_periods=1).median()
    )
    out = np.exp(rolled.to_numpy(dtype=float))
    return np.asarray(out.reshape(ratio.shape), dtype=np.float64)


def habit_evidence(
    shock_ratio: FloatArray, group: NDArray[np.int64], settings: TrunkStrikeSettings | None = None
) -> HabitEvidence:
    """Per contact and band, what ``habitual_shock_ratio``'s median rests on: the landings with a ratio in its
    window (same group, ``habit_steps`` centred) and the standard error of the median's log ratio from them
    (``MEDIAN_ERROR_FACTOR`` x their standard deviation / sqrt(n); NaN below two). ``shock_ratio`` is each
    landing's own ratio (``landing_shock_ratio``)."""
    settings = settings or TrunkStrikeSettings()
    ratio = np.asarray(shock_ratio, dtype=float)
    frame = pd.DataFrame(np.log(np.where(ratio > 0, ratio, np.nan)).reshape(ratio.shape[0], -1))
    window = frame.groupby(np.asarray(group)).rolling(settings.habit_steps, center=True, min_periods=1)
    spread = window.std(ddof=1).reset_index(level=0, drop=True).sort_index().to_numpy(dtype=float)
    count = window.count().reset_index(level=0, drop=True).sort_index().to_numpy(dtype=float)
    count = np.nan_to_num(count).astype(np.int64)
    error = MEDIAN_ERROR_FACTOR * spread / np.sqrt(np.maximum(count, 1))
    error = np.where(count >= 2, error, np.nan)
    return HabitEvidence(ratio, error.reshape(ratio.shape), count.reshape(ratio.shape))


def habit_side_probability(habit: FloatArray, evidence: HabitEvidence, limit: float, above: bool) -> FloatArray:
    """Per contact and band: the probability that the habit's ratio lies at or above (``above``) or below
    ``limit``, from its log's standard error (Student's t, n - 1 degrees of freedom). A window of identical
    ratios (no spread) is sure; fewer than two landings give NaN."""
    log_habit = np.log(np.where(habit > 0, habit, np.nan))
    margin = (log_habit - np.log(limit)) * (1.0 if above else -1.0)
    error = evidence.log_error
    with np.errstate(divide="ignore", invalid="ignore"):  # no spread: the side is sure (+-inf), on the limit 1/2
        z = np.where(error > 0, margin / error, np.where(margin == 0, 0.0, np.sign(margin) * np.inf))
    return student_t_cdf(np.where(np.isfinite(error), z, np.nan), evidence.landings - 1)


def no_heel_shock(shock_ratio: FloatArray, settings: TrunkStrikeSettings | None = None) -> NDArray[np.bool_]:
    """The landings whose (habitual) shock-band ratio is at or below ``no_shock_ratio``: nothing above the
    soft-tissue mode, so the landing is as smooth as a half-sine (vgrf.py's loading rate holds). The
    transient band is not asked: the tissue's own ring does not change the loading. NaN ratios are not
    among them (a heel transient cannot be excluded)."""
    settings = settings or TrunkStrikeSettings()
    ratio = np.asarray(shock_ratio, dtype=float)
    ratio = ratio if ratio.ndim == 1 else ratio[:, 0]
    return np.asarray(np.isfinite(ratio) & (ratio <= settings.no_shock_ratio), dtype=bool)


def sacral_strikes(
    shock_ratio: FloatArray,
    direction: NDArray[np.object_],
    walking: NDArray[np.bool_],
    settings: TrunkStrikeSettings | None = None,
    evidence: HabitEvidence | None = None,
) -> tuple[NDArray[np.object_], FloatArray]:
    """Foot-strike labels and their confidence (0..1, NaN for ``unknown``) from the landing shock ratio
    of each contact, its run direction (``forward``/``backward``/other) and whether it is a walking
    contact (walking: ``unknown``, the classes are defined for running). Per band ``shock_ratio`` reads
    through ``heel_shock_evidence``, the band the landing raises least. With the habit's ``evidence``
    (``habit_evidence``; ``shock_ratio`` then the habit) the confidence is that of the habit's side of the
    class limit too, and a landing without a heel shock needs its own landing measured and without one."""
    settings = settings or TrunkStrikeSettings()
    ratio = heel_shock_evidence(shock_ratio)
    finite = np.isfinite(ratio) & ~np.asarray(walking, dtype=bool)
    safe = np.where(finite & (ratio > 0), ratio, 1.0)
    heel = finite & (ratio >= settings.heel_shock_ratio)
    none = finite & no_heel_shock(ratio, settings)
    sure_heel = sure_none = np.ones(ratio.size)
    if evidence is not None:
        habit = np.asarray(shock_ratio, dtype=float).reshape(ratio.size, -1)
        weakest = np.argmin(np.where(np.isfinite(habit), habit, np.inf), axis=1)
        own = heel_shock_evidence(evidence.own)
        none &= np.isfinite(own) & (own < settings.heel_shock_ratio)  # this landing seen, without a heel shock
        above = habit_side_probability(habit, evidence, settings.heel_shock_ratio, above=True)
        below = habit_side_probability(habit, evidence, settings.no_shock_ratio, above=False)
        sure_heel = np.nan_to_num(np.prod(above, axis=1))
        sure_none = np.nan_to_num(np.take_along_axis(below, weakest[:, None], axis=1)[:, 0])
        heel &= sure_heel > 0
        none &= sure_none > 0
    direction = np.asarray(direction, dtype=object)
    forward = none & (direction == "forward")
    backward = none & (direction == "backward")
    label = np.full(ratio.size, "unknown", dtype=object)
    label[heel] = "rearfoot"
    label[forward] = "midfoot"
    label[backward] = "forefoot"
    absent = np.minimum(1.0, 1.0 / safe**2) * sure_none
    confidence = np.full(ratio.size, np.nan)
    confidence[heel] = (1.0 - 1.0 / safe[heel] ** 2) * sure_heel[heel]
    confidence[forward] = settings.forward_midfoot_probability * absent[forward]
    confidence[backward] = settings.backward_forefoot_probability * absent[backward]
    return label, confidence
