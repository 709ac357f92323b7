"""A lone missing acceleration value bridged by linear interpolation over a physically short span (EDGE-197).

A logger that leaves one cell empty (or writes NaN) still recorded the row's time and its other values. Across
at most ``BRIDGE_MAX_S`` between the finite values around it on the same axis, the missing value is interpolated
in time: 25 ms is a tenth of the shortest step (``phone_steps.min_step_s``/``contacts.min_step_s`` 0.25 s), so a
contact found there moves by at most that much and a cadence, read over many steps, by far less; but an impact
transient rises in 10-30 ms, so a bridged sample can flatten a peak: the steps touching one are flagged
``bridged`` and their impact peak and loading rates are left NaN. Longer runs stay gaps as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.acc_subrate import own_rows
from retrogait.conventions import (
    ANY_UNIT_LIMIT,
    BRIDGE_MAX_S,
    GYR_LOST_SPAN_COLUMN,
    GYR_PERIOD_KEY,
    SEPARATE_GYRO_WORDS,
)
from retrogait.gyro_subrate import SubRate, filled_in
from retrogait.rate import REGULAR_PERCENTILE, STEADY_GAP_INTERVALS, steady_clock

__all__ = [
    "BRIDGE_MAX_S",
    "MIN_LOSS_STAMPS",
    "absurd_as_missing",
    "acc_kept_rows",
    "bridge_missing",
    "bridge_separate_gyro",
    "gyro_left",
    "interpolated_rows",
    "knows_losses",
    "losing_steps",
    "lost_span_column",
    "older_separate_gyro_note",
    "older_session_note",
    "on_grid",
    "separate_bridge_s",
    "separate_span_s",
    "short_bridged",
    "short_losses",
]

#: A separate gyroscope's loss is bridged across up to this many of its own samples lost in a row (EDGE-239): its
#: measured samples around lie (n + 1) of its periods apart, +``SPAN_TOLERANCE``.
SEPARATE_LOST_SAMPLES: Final = 2
#: The stamps' own spread allowed on such a span (+5 %, as EDGE-218's one lost sample of a table's gyroscope).
SPAN_TOLERANCE: Final = 1.05
#: A jittered clock is on its own grid (t0 + k P) where every stamp lies within this share of a period of its slot:
#: jitter under half a period either side leaves each stamp nearest its own slot, so a step that skips a slot lost a
#: sample whatever the jitter of the two stamps around it (EDGE-244; +-0.4 leaves room for the fit's own error).
GRID_SLOT_SHARE: Final = 0.4
#: Stamps per stretch fitted a grid of its own (REVIEW-186): 2.56 s at 100 Hz, over which a clock's rate wandering
#: by 100 ppm moves its stamps 0.03 ms and a 0.1 % step of rate a stretch's by 0.03 of a period from its line, while
#: the fit's own error from +-0.2 of a period of jitter stays near 0.02 of one (not fitted to a sweep).
GRID_BLOCK: Final = 256
#: The fewest stamps of a stream on which its lost samples can be judged (EDGE-247): a lost sample shows only as a
#: step of its own about twice the clock's step, and the stamps show the clock's step only where two steps agree beside
#: a third; on two steps (three stamps) either may be the clock's (10 and 20 ms: a 100 Hz clock that lost one, or a
#: 67 Hz one jittered by a third of its period), so neither rule (:func:`losing_steps`) can see a loss there.
MIN_LOSS_STAMPS: Final = 4
#: The longest span (s) a separate gyroscope's loss is bridged over, whatever its rate (EDGE-239): a 100 Hz stream's
#: two lost samples (31.5 ms) pass, a 50 Hz stream's (63 ms, a quarter of a running contact) do not.
SEPARATE_BRIDGE_CAP_S: Final = 0.035


def bridge_missing(
    t_s: NDArray[np.float64],
    acc: NDArray[np.float64],
    max_s: float = BRIDGE_MAX_S,
    short: NDArray[np.bool_] | None = None,
    short_max_s: float | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    """``(acc, times, values)``: ``acc`` (n, 3) with each NaN whose axis has finite values before and after it at
    most ``max_s`` (s) apart in ``t_s`` (s), its own time between theirs, replaced by linear interpolation in time;
    the times (s) of the rows with a bridged value; how many values were bridged. Other NaN stay (left out as gaps:
    times out of order or NaN are never extrapolated, REVIEW-56). ``short`` (n,): rows whose loss is known short by
    other means (a separate gyroscope's measured samples around it, EDGE-223), bridged whatever the span of the
    rows with values around them where the rows without a value lie within ``max_s`` of each other and each side's
    step (to the row with a value) is an ordinary one of ``t_s`` (:func:`ordinary_step_s`: the grid's gap rule; a
    longer one has lost a row): the rows without a value of a separate stream's loss lie between its measured
    samples, the rows with one within a row's own step outside them, so rows further apart are a gap whatever a
    file's span says (EDGE-231), and a jittered clock's longer-than-median steps beside a loss are no reason to leave
    it (EDGE-234). ``short_max_s`` (s): the span those rows may take (a separate gyroscope's own, EDGE-239; default
    ``max_s``)."""
    missing = np.isnan(acc)
    if not missing.any():
        return acc, np.zeros(0), 0
    if short is not None:  # a row's own step beside a short loss: at most an ordinary one (no row lost there)
        step_max_s = ordinary_step_s(t_s)
    out = acc.copy()
    rows = np.zeros(t_s.size, dtype=bool)
    count = 0
    for k in range(acc.shape[1]):  # per axis (three), each vectorised along time
        at = np.flatnonzero(missing[:, k])
        good = np.flatnonzero(~missing[:, k])
        if at.size == 0 or good.size < 2:
            continue
        after = np.searchsorted(good, at)
        inside = (after > 0) & (after < good.size)
        at, after = at[inside], after[inside]
        left, right = good[after - 1], good[after]
        span = t_s[right] - t_s[left]
        near = (span > 0.0) & (span <= max_s * (1.0 + 1e-6))
        if short is not None:  # the rows without a value within max_s, each side's step an ordinary one (EDGE-234)
            inner = t_s[right - 1] - t_s[left + 1]
            sides = np.maximum(t_s[left + 1] - t_s[left], t_s[right] - t_s[right - 1])
            inner_ok = inner <= (max_s if short_max_s is None else short_max_s) * (1.0 + 1e-6)
            near |= (span > 0.0) & inner_ok & (sides <= step_max_s * (1.0 + 1e-6)) & short[at]
        # its own time between its neighbours' (times out of order or NaN: never extrapolated, REVIEW-56)
        near &= (t_s[at] > t_s[left]) & (t_s[at] < t_s[right])
        at, left, right, span = at[near], left[near], right[near], span[near]
        w = (t_s[at] - t_s[left]) / span
        out[at, k] = acc[left, k] * (1.0 - w) + acc[right, k] * w
        rows[at] = True
        count += int(at.size)
    return out, t_s[rows], count


def bridge_separate_gyro(
    t_s: NDArray[np.float64],
    gyr: NDArray[np.float64],
    bridge_s: float,
    spans: NDArray[Any] | None,
    header: Mapping[str, str],
    absurd: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], int, float]:
    """``(gyr, times, values, span_s)``: the gyroscope (n, 3, deg/s) at times ``t_s`` (s) with its missing values
    bridged as the analysis bridges them (:func:`bridge_missing`): a lone one over ``bridge_s`` (s: 25 ms, or a table's
    gyroscope's own sub-rate span, EDGE-212/218), and a separate gyroscope's short losses (``spans``, s: the session's
    ``gyr_lost_span_s``, EDGE-223) over its own span (:func:`separate_bridge_s` of the ``header``, EDGE-239); the
    times (s) of the rows bridged, how many values, and the longest span (s) a bridged value may lie in: the separate
    gyroscope's where one of its short losses was bridged (a row not ``absurd``, whose value is no measurement,
    EDGE-225), else ``bridge_s``. The one spelling read by the analysis (``preprocess._bridge_gyro``) and by
    ``retrogait info`` (``cli/info._gyro_left``)."""
    short_s = separate_bridge_s(header)
    short = short_losses(spans, gyr, short_s)
    out, times, values = bridge_missing(t_s, gyr, bridge_s, short, short_s)
    if short is None or not times.size:
        return out, times, values, bridge_s
    taken = short & np.isin(t_s, times)
    if absurd is not None and absurd.any():  # put back absurd by the caller: not bridged (EDGE-225)
        taken &= ~np.isin(t_s, t_s[absurd])
    return out, times, values, max(bridge_s, short_s) if taken.any() else bridge_s


def gyro_left(
    t_s: NDArray[np.float64],
    gyr: NDArray[np.float64],
    columns: Mapping[str, Any],
    header: Mapping[str, str],
    missing: NDArray[np.bool_] | None = None,
    keep: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.bool_], SubRate | None, NDArray[np.bool_], float]:
    """``(left, sub_rate, filled, span_s)``: of a session's rows (times ``t_s``, s; gyroscope ``gyr`` (n, 3), NaN where
    it has no value, or ``missing``; its extra ``columns`` and ``header``), those the analysis leaves without a
    gyroscope value after a table's sub-rate fill (EDGE-217; never where the losses of a separate gyroscope are known,
    REVIEW-161/EDGE-238/REVIEW-177) and :func:`bridge_separate_gyro`; the sub-rate found, the rows it fills, and the
    longest span (s) bridged: the analysis' own functions in its order, read by ``retrogait info`` and by the import's
    notes (the coverage the analysis then judges, ``session.covers_enough``, EDGE-242). A row with an absurd value
    (:func:`absurd_as_missing`) is, as in the analysis, no anchor of the fill or the bridge and not bridged over
    (EDGE-225), and is not left without a value: the analysis drops it as absurd (EDGE-36). With ``keep`` (n,), the
    rows the analysis keeps of an accelerometer at a lower rate (:func:`acc_kept_rows`, EDGE-222), the rows are read
    there after the fill, as the analysis reads them: ``left`` and ``filled`` are then of those rows (REVIEW-204)."""
    spans = lost_span_column(columns.get(GYR_LOST_SPAN_COLUMN), t_s.size)  # its losses (EDGE-223)
    none = np.zeros(t_s.size, dtype=bool)
    gyr, absurd = absurd_as_missing(gyr)
    if missing is not None and absurd.any():
        missing = missing | absurd
    gyr, sub, filled = (  # a table's gyroscope at a lower rate; a separate one's rows without a value are losses
        filled_in(t_s, gyr, missing) if spans is None and not knows_losses(columns, header) else (gyr, None, none)
    )
    if keep is not None:  # the accelerometer's own rows, the gyroscope read there (EDGE-222, REVIEW-204)
        t_s, gyr, filled, absurd = t_s[keep], gyr[keep], filled[keep], absurd[keep]
        spans = spans[keep] if spans is not None else None
    bridge_s = BRIDGE_MAX_S if sub is None else sub.bridge_s
    out, _, _, span_s = bridge_separate_gyro(t_s, gyr, bridge_s, spans, header, absurd)
    left = np.isnan(out).any(axis=1)
    return np.asarray(left & ~absurd if absurd.any() else left, dtype=bool), sub, filled, span_s


def acc_kept_rows(t_s: NDArray[np.float64], acc: NDArray[np.float64]) -> NDArray[np.bool_] | None:
    """(n,) the rows the analysis keeps where the acceleration ``acc`` (n, 3) at times ``t_s`` (s) is at a lower rate
    than the rows (``acc_subrate.own_rows``, EDGE-222; an absurd value missing, as the analysis reads it), else None:
    what ``retrogait info`` reads the gyroscope on (REVIEW-204). One ``isnan`` pass where every value is there."""
    values = absurd_as_missing(acc)[0]
    missing = np.isnan(values).any(axis=1)
    if not missing.any():
        return None
    sub, keep = own_rows(t_s, np.asarray(missing, dtype=bool))
    return None if sub is None else keep


def absurd_as_missing(values: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """``(values, rows)``: ``values`` (n, 3) with the rows holding a finite value beyond ``ANY_UNIT_LIMIT`` set NaN
    (a copy only where there is one), and those rows (n,): no anchor for the sub-rate's fill or the bridge
    (EDGE-225); the analysis makes them absurd again afterwards (``preprocess._absurd_put_back``), to be dropped as
    before (EDGE-36). One pass where there is none."""
    largest = float(np.abs(values).max()) if values.size else 0.0  # NaN where a value is missing: the full test
    if largest < ANY_UNIT_LIMIT:  # a recording without one pays one pass (EDGE-225)
        return values, np.zeros(values.shape[0], dtype=bool)
    with np.errstate(invalid="ignore"):
        rows = np.asarray((np.isfinite(values) & (np.abs(values) >= ANY_UNIT_LIMIT)).any(axis=1), dtype=bool)
    if not rows.any():
        return values, rows
    out = values.copy()
    out[rows] = np.nan
    return out, rows


def lost_span_column(spans: NDArray[Any] | None, n: int) -> NDArray[np.float64] | None:
    """The session's ``gyr_lost_span_s`` column (``spans``) as floats (s, NaN where empty or not a number), None
    without it or where it holds another number of rows than ``n`` (written where a separate gyroscope lost a sample,
    EDGE-237/REVIEW-177)."""
    if spans is None or len(spans) != n:
        return None
    if isinstance(spans, np.ndarray) and spans.dtype == np.float64:
        return spans
    return np.asarray(pd.to_numeric(pd.Series(spans), errors="coerce"), dtype=np.float64)


def separate_bridge_s(extra: Mapping[str, str]) -> float:
    """The longest span (s) over which a separate gyroscope's loss is bridged (EDGE-239), from its own median period
    (the header's ``import_gyro_period_s``, s): the larger of ``BRIDGE_MAX_S`` (a tenth of the shortest step) and
    ``SEPARATE_LOST_SAMPLES`` + 1 periods + 5 % (two lost samples of a 100 Hz stream, 31.5 ms, carry no more than
    four of a 200 Hz stream's, 25 ms), at most ``SEPARATE_BRIDGE_CAP_S``; ``BRIDGE_MAX_S`` where the period is not
    known (a file converted before it was written)."""
    try:
        return separate_span_s(float(extra.get(GYR_PERIOD_KEY, "nan")))
    except ValueError:
        return BRIDGE_MAX_S


def separate_span_s(period_s: float) -> float:
    """:func:`separate_bridge_s` of a separate gyroscope whose median period is ``period_s`` (s); ``BRIDGE_MAX_S``
    where it is not a positive number."""
    if not (np.isfinite(period_s) and period_s > 0.0):
        return BRIDGE_MAX_S
    own = (SEPARATE_LOST_SAMPLES + 1) * period_s * SPAN_TOLERANCE
    return max(BRIDGE_MAX_S, min(SEPARATE_BRIDGE_CAP_S, own))


def short_losses(
    spans: NDArray[Any] | None, values: NDArray[np.float64], max_s: float = BRIDGE_MAX_S
) -> NDArray[np.bool_] | None:
    """(n,) the rows of ``values`` (n, 3) without a value whose separate stream's measured samples around lie at
    most ``max_s`` (s) apart (``spans``, s: the session's ``gyr_lost_span_s`` column, EDGE-223; ``max_s``
    :func:`separate_bridge_s`, EDGE-239), for :func:`bridge_missing`'s ``short``; None without the column (or one of
    another length)."""
    span = lost_span_column(spans, values.shape[0])
    if span is None:
        return None
    return np.asarray((span <= max_s * (1.0 + 1e-6)) & np.isnan(values).any(axis=1), dtype=bool)


def interpolated_rows(spans: NDArray[Any] | None, values: NDArray[np.float64]) -> NDArray[np.bool_] | None:
    """(n,) the rows of ``values`` (n, 3) with a value that lie in a separate stream's loss (a finite ``spans``, s:
    the import interpolated them across a lost sample, EDGE-237): angular rate not measured there, whose steps are
    flagged ``bridged`` (EDGE-238); None without the column."""
    span = lost_span_column(spans, values.shape[0])
    if span is None:
        return None
    return np.asarray(np.isfinite(span) & np.isfinite(values).all(axis=1), dtype=bool)


def ordinary_step_s(t_s: NDArray[np.float64], steady: bool | None = None) -> float:
    """The longest step (s) of the times ``t_s`` (s) that loses no row, by the grid's own gap rule
    (``preprocess._to_uniform``): ``STEADY_GAP_INTERVALS`` (1.5) times the longest regular interval, the median step
    on a steady clock (``rate.steady_clock``), else the longer of it and the ``REGULAR_PERCENTILE`` (95th) percentile
    of the steps (a jittered clock's longer steps lose nothing); 0 without a step. ``steady``: ``rate.steady_clock``
    of ``t_s`` where the caller has it (one pass fewer)."""
    steps = np.diff(t_s)
    steps = steps[np.isfinite(steps) & (steps > 0.0)]
    if not steps.size:
        return 0.0
    typical = float(np.median(steps))
    steady = steady_clock(t_s) if steady is None else steady
    regular = typical if steady else max(typical, float(np.percentile(steps, REGULAR_PERCENTILE)))
    return STEADY_GAP_INTERVALS * regular


def losing_steps(t_s: NDArray[np.float64]) -> NDArray[np.bool_]:
    """(n - 1,) the steps of a stream's increasing times ``t_s`` (s) that lose a sample: longer than
    :func:`ordinary_step_s` (the grid's gap rule), or, on a clock that does not tick steadily but keeps to a grid of its
    own (:func:`grid_slots`), a step that skips a slot of it (EDGE-244): a jittered clock's frequent losses raise the
    gap rule's 95th percentile to a loss step itself (REVIEW-181), while its stamps stay within ``GRID_SLOT_SHARE`` of
    a period of their slots; a bursty clock keeps to no grid and reads as before."""
    steps = np.diff(t_s)
    steady = steady_clock(t_s)
    lost = np.asarray(steps > ordinary_step_s(t_s, steady) * (1.0 + 1e-6), dtype=bool)
    if steps.size < 2 or steady:
        return lost
    slots = grid_slots(t_s)
    return lost if slots is None else lost | (np.diff(slots) >= 2)


def grid_slots(t_s: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """(n,) each time's slot ``k`` on the clock's own grid (s), fitted to the times ``t_s`` (s, increasing, finite) a
    line ``t0 + k P`` per stretch of ``GRID_BLOCK`` stamps (a rate that wanders, a crystal's +-100 ppm, or steps by
    0.1 %, moves a stretch's stamps a few hundredths of a period off its line, an hour's by periods: REVIEW-186),
    where every time lies within ``GRID_SLOT_SHARE`` of its stretch's ``P`` of its slot, no two share one and fewer
    slots are skipped than taken (a clock losing a sample now and then, REVIEW-185); None otherwise (a clock in
    bursts, in pairs, a rate that changes within a stretch by more, times not increasing). The slots start from the
    steps counted in median steps (of those under 1.5 medians: a lost sample's left out), then each stretch's line is
    fitted twice (least squares in ``k``); a step from one stretch to the next counts the slots between the two lines'
    times. Vectorised (``bincount`` sums), two fits."""
    steps = np.diff(t_s)
    if not (np.isfinite(t_s).all() and (steps > 0.0).all()) or t_s.size < 2:
        return None
    typical = float(np.median(steps))
    typical = float(np.median(steps[steps < STEADY_GAP_INTERVALS * typical]))  # a lost sample's steps left out
    slots = np.concatenate([[0.0], np.cumsum(np.rint(steps / typical))])
    blocks = max(1, t_s.size // GRID_BLOCK)  # the last stretch takes the stamps after the last whole one
    block = np.minimum(np.arange(t_s.size) // GRID_BLOCK, blocks - 1)
    first = np.arange(blocks) * GRID_BLOCK
    y = t_s - t_s[first][block]  # each stretch's times and slots from its first stamp's (well conditioned)
    x = slots - slots[first][block]
    count = np.bincount(block, minlength=blocks).astype(np.float64)
    for _ in range(2):
        sx, sy = np.bincount(block, x, blocks), np.bincount(block, y, blocks)
        sxx, sxy = np.bincount(block, x * x, blocks), np.bincount(block, x * y, blocks)
        spread = count * sxx - sx * sx
        if not (spread > 0.0).all():
            return None
        period = (count * sxy - sx * sy) / spread
        if not (period > 0.0).all():
            return None
        t0 = (sy - period * sx) / count
        x = np.rint((y - t0[block]) / period[block])
    p = period[block]
    if float((np.abs(y - (t0[block] + x * p)) / p).max()) > GRID_SLOT_SHARE:
        return None
    grid = t_s[first][block] + t0[block] + x * p  # each stamp's slot's time on its stretch's line
    skips = np.rint(np.diff(grid) / (0.5 * (p[:-1] + p[1:])))  # within a stretch its slots' difference exactly
    if bool((skips < 1).any()) or float(skips.sum()) - steps.size >= steps.size:  # as many slots skipped as steps:
        return None  # no clock's own grid (samples in pairs 5 ms apart, 15 ms between: a 5 ms grid, REVIEW-185)
    return np.concatenate([[0.0], np.cumsum(skips)])


def short_bridged(
    t_s: NDArray[np.float64], values: NDArray[np.float64], spans: NDArray[Any] | None, max_s: float = BRIDGE_MAX_S
) -> int:
    """How many rows of ``values`` (n, 3) at times ``t_s`` (s) without a value :func:`bridge_missing` bridges as a
    separate stream's short loss (``spans``, s, as :func:`short_losses` reads them with ``max_s``, s): what an
    import's note may say the analysis bridges (EDGE-234), read by the same function the analysis runs; an absurd
    value (:func:`absurd_as_missing`) no anchor and not counted, as the analysis drops it (EDGE-225, EDGE-246)."""
    values, absurd = absurd_as_missing(values)
    short = short_losses(spans, values, max_s)
    if short is None or not short.any():
        return 0
    out = bridge_missing(t_s, values, BRIDGE_MAX_S, short, max_s)[0]
    return int(np.count_nonzero(short & ~absurd & np.isfinite(out).all(axis=1)))


def knows_losses(columns: Mapping[str, Any], header: Mapping[str, str]) -> bool:
    """True where a session's import knew its separate gyroscope's losses: the header key ``import_gyro_period_s``,
    written by every import of a separate gyroscope since EDGE-239 (REVIEW-177: the mark, whatever its value), or the
    ``gyr_lost_span_s`` column in its extra ``columns``, written where a loss exists (EDGE-223 on). Such a session's
    rows without a gyroscope value are losses, never a lower rate (REVIEW-161, EDGE-238)."""
    return GYR_PERIOD_KEY in header or GYR_LOST_SPAN_COLUMN in columns


def older_separate_gyro_note(
    has_gyro: bool, columns: Mapping[str, Any], header: Mapping[str, str], used: bool = True
) -> str | None:
    """Where a session's gyroscope (``has_gyro``) came from a file of its own (its import's note in the ``header``,
    ``SEPARATE_GYRO_WORDS``) and neither its header holds ``import_gyro_period_s`` nor its extra ``columns``
    ``gyr_lost_span_s`` (:func:`knows_losses`: converted before EDGE-237/REVIEW-177), one note that the gyroscope's
    losses are not known and that converting the export again would tell them (EDGE-240); None for any other session (a
    new one says its losses, even none, by the header key's presence, REVIEW-177). Where the analysis goes without the
    gyroscope (not ``used``: :func:`gyro_left`, ``session.covers_enough``) the note promises no bridge (REVIEW-187)."""
    if not has_gyro or knows_losses(columns, header):
        return None
    if SEPARATE_GYRO_WORDS not in header.get("import_notes", ""):
        return None
    doing = (
        f"so none of them is flagged bridged and only rows within {BRIDGE_MAX_S * 1000:.0f} ms of measured values are "
        "bridged"
        if used
        else "and the analysis goes without the gyroscope (a value at under half the rows), so none is bridged or "
        "flagged"
    )
    return (
        "this session was converted before retrogait kept its separate gyroscope's losses (no import_gyro_period_s "
        "header key, no gyr_lost_span_s column): which of its rows the gyroscope was interpolated across a lost sample "
        f"at, and which rows without a value are a short loss, are not known, {doing}; `retrogait convert` of the "
        "export again would tell them"
    )


def older_session_note(
    t_s: NDArray[np.float64], gyr: NDArray[np.float64] | None, columns: Mapping[str, Any], header: Mapping[str, str]
) -> str | None:
    """:func:`older_separate_gyro_note` of a session (times ``t_s``, s; gyroscope ``gyr`` (n, 3) or None; its extra
    ``columns`` and ``header``), the gyroscope's use read as the analysis reads it (:func:`gyro_left`, then
    ``session.covers_enough``) only where the note applies and a value is missing (REVIEW-187)."""
    from retrogait.session import covers_enough

    note = older_separate_gyro_note(gyr is not None, columns, header)
    if note is None or gyr is None:
        return note
    missing = np.asarray(np.isnan(gyr).any(axis=1), dtype=bool)
    if not missing.any() or covers_enough(gyro_left(t_s, gyr, columns, header, missing)[0]):
        return note
    return older_separate_gyro_note(True, columns, header, used=False)


def on_grid(times_s: NDArray[np.float64], t_grid: NDArray[np.float64], fs_hz: float) -> NDArray[np.bool_]:
    """(n,) True at the grid points (``t_grid``, s, uniform at ``fs_hz``) within one period of a time in
    ``times_s`` (s): a grid point interpolated from a bridged sample."""
    marked = np.zeros(t_grid.size, dtype=bool)
    if times_s.size == 0 or t_grid.size == 0:
        return marked
    k = np.rint((times_s - t_grid[0]) * fs_hz).astype(np.int64)
    for shift in (-1, 0, 1):
        marked[np.clip(k + shift, 0, t_grid.size - 1)] = True
    return marked
