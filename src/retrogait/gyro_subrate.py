"""A gyroscope logged in one table at a fraction of the rows' rate: a measured stream, not lost values (EDGE-217).

A phone or logger that writes its accelerometer and gyroscope into one table, one row per accelerometer sample,
fills the gyroscope's cells only where one of its own samples arrived: on every 2nd row of a 200 Hz table beside a
100 Hz gyroscope, on 3 rows in 4 beside a 150 Hz one, on all but every ~100th beside a gyroscope whose clock runs 1 %
slow. Those empty cells are a sampling rate, not a loss: the rows without a value fall in a steady pattern, the
gyroscope's own period. A value lost (a dropped sample, an empty or infinite cell) falls anywhere.

:func:`found` tells the two apart from the rows alone: of the rows with and without a value, the fewer lie at a
steady spacing (each ``PATTERN_WINDOW`` spacings span one whole number of rows, or the next: a sampler whose period
is not a whole number of rows alternates between the two), in at least ``PATTERN_SHARE`` of the windows. Lost
values on top of the pattern break only the windows around them. Random holes do not pass: their spacings vary as
a geometric law's (at the tightest, half the rows missing, at most 46 % of the windows pass in 50 draws; ``scripts/
validate_gyro_subrate.py``). :func:`resampled` then interpolates the gyroscope linearly in time onto the rows
between two of its samples at most one of its periods and one row apart (the stamp of a sample written into the
next row is off by up to one row), and within half a period of its first and last, as a separate gyroscope stream
is put on the accelerometer's clock (imports.common.align_gyro). Beside a gyroscope with a value on most rows (at
most 2 rows per sample) a lone empty row is the rate's only at the pattern's spacing from the empty row before or
after it: a sample lost between two measured rows leaves the same lone empty row, off the pattern's phase
(REVIEW-110). The rate must leave most of the runs of empty rows: a burst of samples lost at a steady period (a BLE
packet) passes the windows but leaves none a rate's period spans, and is values lost (REVIEW-111). A single sample
lost at an exact steady period (every 50th) cannot be told from a clock at 98 % of the rows' rate and is read as
that: the values are the bridge's (2 rows), only the flag differs. The rows it leaves without a value are the values
lost: the analysis bridges them where their measured neighbours lie at most 25 ms apart, or one lost sample of the
gyroscope's own where that is longer (``SubRate.bridge_s``), flagged ``bridged`` (EDGE-212), or leaves them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from retrogait.conventions import BRIDGE_MAX_S

#: Spacings (between the rows of the sparser kind: with a value, or without) one window of the test spans.
PATTERN_WINDOW: Final = 4
#: A pattern is steady where at least this share of its windows span the typical number of rows or one more/less.
PATTERN_SHARE: Final = 0.75
#: Fewest spacings of the sparser kind a pattern is told from; with fewer the missing values are taken as lost.
PATTERN_MIN_SPACINGS: Final = 20
#: A gap between two measured gyroscope samples is interpolated across where it is at most (rows per sample + 1)
#: rows' periods long, times this (timestamp jitter); a longer one held lost samples.
SPAN_TOLERANCE: Final = 1.05


@dataclass(frozen=True)
class SubRate:
    """A gyroscope found at a steady fraction of the rows' rate: ``rows_per_sample`` rows per gyroscope sample
    (> 1; 2 for every 2nd row, 4/3 for 3 rows in 4) and ``row_period_s`` (s) the rows' typical period."""

    rows_per_sample: float
    row_period_s: float

    @property
    def rate_hz(self) -> float:
        """The gyroscope's own rate (Hz)."""
        return 1.0 / (self.rows_per_sample * self.row_period_s)

    @property
    def row_rate_hz(self) -> float:
        """The rows' (the accelerometer's) rate (Hz)."""
        return 1.0 / self.row_period_s

    @property
    def max_span_s(self) -> float:
        """The longest time (s) between two gyroscope samples interpolated across: one of its periods and a row."""
        return (self.rows_per_sample + 1.0) * self.row_period_s * SPAN_TOLERANCE

    @property
    def bridge_s(self) -> float:
        """The longest time (s) between two measured gyroscope samples across which the analysis bridges lost ones
        (flagged ``bridged``, EDGE-212): ``BRIDGE_MAX_S``, or one lost sample of its own (two of its periods and a
        row) where that is longer: a 50 Hz gyroscope's lone lost sample leaves 40 ms between its neighbours."""
        return max(BRIDGE_MAX_S, (2.0 * self.rows_per_sample + 1.0) * self.row_period_s * SPAN_TOLERANCE)

    def words(self, sensor: str = "a gyroscope") -> str:
        """``a value on every 2nd row, a gyroscope at 100 Hz beside rows at 200 Hz`` and the like (``sensor``: the
        stream named, ``an accelerometer`` for the acceleration's own rate, EDGE-222)."""
        r = self.rows_per_sample
        every = round(r)
        pattern = (
            f"a value on every {_ordinal(every)} row"
            if abs(r - every) < 0.02 * r
            else f"a value on {1.0 / r:.0%} of the rows in a steady pattern"
        )
        return f"{pattern}, {sensor} at {self.rate_hz:.4g} Hz beside rows at {self.row_rate_hz:.4g} Hz"


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def found(t_s: NDArray[np.float64], missing: NDArray[np.bool_]) -> SubRate | None:
    """The gyroscope's steady sub-rate, where the rows (times ``t_s``, s, increasing) ``missing`` a gyroscope value
    between its first and last value lie in a steady pattern (module docstring); else None (no row missing, times not
    increasing, too few spacings, or holes that fall anywhere: values lost)."""
    measured = np.flatnonzero(~missing)
    if measured.size < 2 or not missing[measured[0] : measured[-1]].any():
        return None
    t = np.asarray(t_s, dtype=np.float64)
    steps = np.diff(t)
    if not (np.isfinite(t).all() and (steps > 0).all()):
        return None
    inner = missing[measured[0] : measured[-1] + 1]
    share_missing = float(inner.mean())
    sparse = np.flatnonzero(inner if share_missing <= 0.5 else ~inner)  # the sparser kind's rows
    if sparse.size <= PATTERN_MIN_SPACINGS:
        return None
    spans = sparse[PATTERN_WINDOW:] - sparse[:-PATTERN_WINDOW]  # rows spanned by PATTERN_WINDOW spacings
    typical = float(np.median(spans))
    steady = np.abs(spans - typical) <= 1.0
    if steady.mean() < PATTERN_SHARE:
        return None
    spacing = float(spans[steady].mean()) / PATTERN_WINDOW  # rows between the sparser kind's rows
    rows_per_sample = spacing if share_missing > 0.5 else spacing / (spacing - 1.0) if spacing > 1.0 else np.inf
    if not np.isfinite(rows_per_sample) or rows_per_sample <= 1.0:
        return None
    sub = SubRate(float(rows_per_sample), float(np.median(steps)))
    # The rate must be what leaves the empty rows: a burst of samples lost at a steady period (a BLE packet) passes
    # the windows but leaves runs of empty rows no period of a rate spans (none is the rate's); a rate leaves most of
    # the runs, counted as runs so that one long stretch without the gyroscope weighs as one (REVIEW-111).
    lost = np.asarray(missing, dtype=bool)
    filled = np.zeros(lost.size, dtype=bool)
    filled[rate_rows(t, lost, measured, sub)[0]] = True
    runs = np.flatnonzero(np.diff(inner.astype(np.int8)) == 1) + 1 + measured[0]  # each run's first row
    if 2 * int(filled[runs].sum()) <= runs.size:
        return None
    return sub


def resampled(
    t_s: NDArray[np.float64], gyr: NDArray[np.float64], sub: SubRate, missing: NDArray[np.bool_] | None = None
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """``(gyr, filled)``: the gyroscope (n, 3, deg/s) with each row without a value (``missing``, else NaN in any
    axis) that lies between two measured rows at most ``sub.max_span_s`` apart interpolated linearly in time (s,
    ``t_s``), and each within half the gyroscope's period before its first or after its last measured row given that
    row's value; ``filled`` (n,) the rows so filled. The others stay NaN: values lost. Vectorised (one cumulative
    count finds each row's measured neighbours)."""
    lost = np.asarray(np.isnan(gyr).any(axis=1) if missing is None else missing, dtype=bool)
    filled = np.zeros(lost.size, dtype=bool)
    measured = np.flatnonzero(~lost)
    if measured.size < 2 or not lost.any():
        return gyr, filled
    at, left, right = rate_rows(t_s, lost, measured, sub)
    w = (t_s[at] - t_s[left]) / (t_s[right] - t_s[left])
    out = gyr.copy()
    for k in range(gyr.shape[1]):  # per axis (three), each vectorised along time
        out[at, k] = gyr[left, k] + (gyr[right, k] - gyr[left, k]) * w
    filled[at] = True
    half = 0.5 * sub.rows_per_sample * sub.row_period_s
    first, last = measured[0], measured[-1]
    head = np.flatnonzero(lost[:first] & (t_s[first] - t_s[:first] <= half))
    tail = last + 1 + np.flatnonzero(lost[last + 1 :] & (t_s[last + 1 :] - t_s[last] <= half))
    out[head], out[tail] = gyr[first], gyr[last]
    filled[head], filled[tail] = True, True
    return out, filled


def filled_in(
    t_s: NDArray[np.float64], gyr: NDArray[np.float64], missing: NDArray[np.bool_] | None = None
) -> tuple[NDArray[np.float64], SubRate | None, NDArray[np.bool_]]:
    """``(gyr, sub, filled)``: where the rows without a gyroscope value (``missing``, else NaN in any axis) lie in a
    steady pattern (:func:`found`), the gyroscope :func:`resampled` onto them, the sub-rate found and the rows it
    filled; else ``gyr`` as it is, None and no row. One ``isnan`` pass on a gyroscope with every value."""
    lost = np.asarray(np.isnan(gyr).any(axis=1) if missing is None else missing, dtype=bool)
    none = np.zeros(lost.size, dtype=bool)
    sub = found(t_s, lost) if lost.any() else None
    if sub is None:
        return gyr, None, none
    out, filled = resampled(t_s, gyr, sub, lost)
    return out, sub, filled


def rate_rows(
    t_s: NDArray[np.float64], lost: NDArray[np.bool_], measured: NDArray[np.intp], sub: SubRate
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """``(at, left, right)``: the rows without a value (``lost``) that are the rate's, each with its measured
    neighbours ``left``/``right`` (``measured``: the rows with one, at least two): at most ``sub.max_span_s`` apart;
    and, beside a gyroscope with a value on most rows (at most 2 rows per sample, so its empty rows come singly at
    its pattern's spacing), a lone empty row at that spacing (within a row, as :func:`found`'s windows) from the
    empty row before or after it. A lone sample lost between two measured rows spans 2 rows, within a rate's span:
    off the pattern's phase it is a value lost, left for the bridge (flagged), not filled (REVIEW-110)."""
    before = np.cumsum(~lost)  # measured rows up to and including each row
    at = np.flatnonzero(lost & (before > 0) & (before < measured.size))  # between two measured rows
    right = measured[before[at]]
    left = measured[before[at] - 1]
    near = t_s[right] - t_s[left] <= sub.max_span_s
    r = sub.rows_per_sample
    if r <= 2.0:  # the empty rows are the pattern's sparser kind, one at a time, (r / (r - 1)) rows apart
        holes = np.flatnonzero(lost)
        apart = np.diff(holes)
        k = np.cumsum(lost)[at] - 1  # each one's place among the empty rows
        gap_before = np.concatenate([[-1], apart])[k]
        gap_after = np.concatenate([apart, [-1]])[k]
        spacing = r / (r - 1.0)
        on_phase = (np.abs(gap_before - spacing) <= 1.0) | (np.abs(gap_after - spacing) <= 1.0)
        near &= (right - left != 2) | on_phase  # longer: the span's test (jitter at 2 rows per sample)
    return at[near], left[near], right[near]
