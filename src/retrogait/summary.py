"""Plain facts about a session's signal (no gait analysis): rate, gaps, gravity, clipping."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.rate import REGULAR_PERCENTILE, measured_rate_hz, steady_clock
from retrogait.session import Session

#: A step in time longer than this many nominal sample periods counts as a gap.
GAP_FACTOR = 1.5
#: A sample within this fraction of the declared range counts as clipped.
CLIP_MARGIN = 0.995


@dataclass(frozen=True)
class SessionOverview:
    placement: str
    side: str | None
    sensor: str | None
    n_samples: int
    duration_s: float
    nominal_rate_hz: float
    measured_rate_hz: float
    has_gyro: bool
    n_gaps: int
    gap_total_s: float
    median_acc_norm_ms2: float
    clipped_fraction: float | None


def gap_mask(t_s: np.ndarray, sample_rate_hz: float) -> np.ndarray:
    """Boolean (n-1,): True where the step from sample i to i+1 is longer than GAP_FACTOR periods; on a clock
    that is not steady (a phone delivering in bursts) GAP_FACTOR times the longest regular interval
    (REGULAR_PERCENTILE), as ``analyze`` counts gaps (``preprocess._uniform``): a Samsung export's 1130
    "gaps" of one burst spacing were 2 for the analysis (EDGE-83)."""
    steps = np.diff(t_s)
    limit = 1.0 / sample_rate_hz
    if steps.size and not steady_clock(t_s):
        finite = steps[np.isfinite(steps)]
        limit = max(limit, float(np.percentile(finite, REGULAR_PERCENTILE))) if finite.size else limit
    return np.asarray(steps > GAP_FACTOR * limit)


def clipped_mask(acc_ms2: np.ndarray, acc_range_g: float) -> np.ndarray:
    """Boolean (n,): True where any axis is at the declared full scale."""
    limit = CLIP_MARGIN * acc_range_g * STANDARD_GRAVITY_MS2
    return np.asarray(np.abs(acc_ms2).max(axis=1) >= limit)


def session_overview(session: Session) -> SessionOverview:
    """Summarise a session's recording quality."""
    meta = session.meta
    steps = np.diff(session.t_s)
    gaps = gap_mask(session.t_s, meta.sample_rate_hz)
    measured = measured_rate_hz(session.t_s)
    clipped = float(clipped_mask(session.acc, meta.acc_range_g).mean()) if meta.acc_range_g is not None else None
    with np.errstate(over="ignore"):  # a value near 1e300 read as written: its norm is inf, not a warning (EDGE-28)
        norm = np.linalg.norm(session.acc, axis=1)
    present = norm[~np.isnan(norm)]  # a row with an empty acceleration cell (EDGE-197) left out (REVIEW-55)
    median_acc_norm = float(np.median(present)) if present.size else float("nan")
    return SessionOverview(
        placement=meta.placement,
        side=meta.side,
        sensor=meta.sensor,
        n_samples=session.n_samples,
        duration_s=session.duration_s,
        nominal_rate_hz=meta.sample_rate_hz,
        measured_rate_hz=measured,
        has_gyro=session.has_gyro,
        n_gaps=int(gaps.sum()),
        gap_total_s=float((steps[gaps] - 1.0 / meta.sample_rate_hz).sum()),
        median_acc_norm_ms2=median_acc_norm,
        clipped_fraction=clipped,
    )


def percent(share: float) -> str:
    """``share`` (0..1) as ``67 %``, ``0.03 %`` below 1 % and ``99.7 %`` above 99 % (never a bare ``0 %`` for a
    share above 0, nor ``100 %`` for one below 1: EDGE-107)."""
    value = 100.0 * share
    if 99.0 < value < 100.0:
        return f"{math.floor(value * 10.0) / 10.0:.1f} %"
    return f"{value:.0f} %" if value >= 1.0 or value == 0.0 else f"{value:.1g} %"


def gyro_text(session: Session) -> str:
    """``yes``, ``no`` or ``67 %`` (the share of samples with a gyroscope value, EDGE-46)."""
    if session.gyr is None:
        return "no"
    missing = session.gyro_missing
    return percent(1.0 - float(missing.mean())) if missing.any() else "yes"


def absurd_samples(session: Session, limit: float = 1e7) -> int:
    """How many samples hold a value of ``limit`` or more in size (any unit: m/s^2, deg/s) or a non-finite
    time: read as written, dropped by ``analyze`` (``analysis.preprocess.ANY_UNIT_LIMIT``)."""
    bad = ~np.isfinite(session.t_s) | (np.abs(session.acc) >= limit).any(axis=1)
    if session.gyr is not None:
        bad |= (np.abs(session.gyr) >= limit).any(axis=1)
    return int(bad.sum())
