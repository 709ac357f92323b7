"""From a :class:`~retrogait.session.Session` to :class:`BodySignals` (see docs/analysis.md).

Steps: drop non-finite rows, check units from the gravity magnitude, put the samples on a uniform
time grid (gaps marked, never invented as data), find the vertical from gravity and the anterior
axis from the header / argument / another analysis of the recording (frame) / the signal, rotate to the
body frame.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import NDArray

from retrogait.acc_subrate import own_rate_hz, own_rows
from retrogait.analysis.beside import Beside, in_halves
from retrogait.analysis.filters import bandpass
from retrogait.analysis.gyro_lag import gyro_lag, lag_note, shifted_back
from retrogait.analysis.gyro_stretches import MIN_STRETCH_S, NO_GYRO_FLAG, no_gyro_stretches
from retrogait.analysis.settings import PreprocessSettings, StillSettings, preset
from retrogait.analysis.signals import BodySignals
from retrogait.analysis.slot_holes import lost_slots, onto_slots_with_holes
from retrogait.analysis.stepwindows import block_samples
from retrogait.analysis.still import still_mask
from retrogait.analysis.vectors import NORM_BLOCK_ROWS, norm_rows
from retrogait.analysis.zupt import moving_average
from retrogait.bridge import (
    BRIDGE_MAX_S,
    absurd_as_missing,
    bridge_missing,
    bridge_separate_gyro,
    interpolated_rows,
    knows_losses,
    lost_span_column,
    older_session_note,
    on_grid,
)
from retrogait.conventions import (
    ACC_COLUMNS,
    ANY_UNIT_LIMIT,
    AXES,
    GYR_LOST_SPAN_COLUMN,
    MIN_SAMPLE_RATE_HZ,
    OVER_RANGE,
    PLACEMENTS,
    SIDES,
    STANDARD_GRAVITY_MS2,
    STEP_COUNT_PLACEMENTS,
    axis_vector,
)
from retrogait.dsp.line_fit import line_fit
from retrogait.errors import RetrogaitError
from retrogait.gyro_subrate import SubRate, filled_in
from retrogait.masks import true_runs
from retrogait.ranks import median_within, quantile_at_least
from retrogait.rate import meets_rate, order_slots, recording_rate_hz, same_rate, steady_clock
from retrogait.resolution import COARSE_QUANTUM_G, QUANTUM_SAMPLE_VALUES, acc_quantum_g, is_coarse
from retrogait.samples import nearest_samples
from retrogait.session import RADS_P99_DPS, Session, covers_enough, within_acc_range
from retrogait.stuck import STUCK_MIN_S, frozen_axis, stuck_rows
from retrogait.summary import CLIP_MARGIN, GAP_FACTOR, percent

#: Gravity removed: step-band acceleration above this (m/s^2) is movement; the extremes compared to find
#: which end of the vertical is up are these percentiles (1 and 99).
FREE_MOVING_MS2 = 0.2
EXTREME_PERCENT = 1.0
#: The longest regular sampling interval is this percentile of the intervals (a bursty clock's jitter).
REGULAR_PERCENTILE = 95.0
#: Grid points interpolated at once, at most (bounds the temporaries; changes no result, PERF-49).
GRID_BLOCK_SAMPLES = 1 << 15
#: Without a declared range a plateau at an axis' extreme is clipping only at or above this level (g): the
#: smallest full scale accelerometers are sold with (+-1.5 g, e.g. the MMA7260Q; phones and IMUs +-2 g and up,
#: a calibrated +-2 g part reads its clip a few percent under 2 g). Gait at rest and walking holds no
#: plateau of equal float values up there; a coarse grid's has its own test (HONEST-11) (HONEST-14).
MIN_FULL_SCALE_G = 1.5
#: What a recording analysed as ``other`` without ``--placement`` is told (EDGE-185): the placement no file
#: states is the import's default, and it decides which measures exist.
PLACEMENT_NOT_GIVEN_NOTE = (
    "placement not given (--placement), so analysed as 'other': steps of either leg and cadence from the "
    "acceleration's magnitude only; direction, foot strike, contact time and impact need the sensor on a foot, "
    "shank or the lower back and --placement foot, shank or lower_back (a phone: thigh, arm, hand, chest or bag)"
)

#: Accelerometers' sensitivity is specified within a few percent (MEMS data sheets: +-1 to +-3 %; local gravity
#: adds +-0.3 %): |acc| at rest further than this share from 1 g is a sensor off its calibration, whose impacts
#: carry the error (HONEST-35). Real sensors in ../shared/data read 1 g within -2.0 .. +0.9 % where impact is
#: measured (lower back, foot, Polar, Movesense, MetaWear, GENEActiv), phones up to +4.1 %.
GAIN_TOLERANCE = 0.03
#: At rest for at least this long (s) before the gain is judged.
GAIN_MIN_REST_S = 1.0
#: The still samples the gain's median is taken over, at most (evenly spaced among them: bounds its cost).
GAIN_SAMPLES = 20_000

#: The acceleration's quantum is found beside the range check (PERF-143) from this many rows on: the check's time,
#: all the part can hide, grows with the rows (~4-5 ms of CPU at 720,000), the part's ~11 ms and its arrays (65,536
#: values an axis, :data:`~retrogait.resolution.QUANTUM_SAMPLE_VALUES`) do not; below it the part saves ~1.5 ms at most,
#: and where the check drops a row it is left running beside the rows the check copies: a 26 Hz hour's threaded
#: peak 3.61-3.85 -> 3.86-3.96 x (REVIEW-226). 262,144 rows: an hour at 73 Hz.
QUANTUM_BESIDE_MIN_ROWS = 4 * QUANTUM_SAMPLE_VALUES

#: Timestamps within this many sample periods of one slot each of a uniform clock are that clock's samples
#: stamped with delivery jitter (HONEST-3): they are put on their slots, not interpolated between.
SNAP_PERIODS = 0.45


def preprocess(
    session: Session,
    placement: str | None = None,
    side: str | None = None,
    anterior_axis: str | None = None,
    settings: PreprocessSettings | None = None,
    still: StillSettings | None = None,
    frame: AnteriorFrame | None = None,
) -> BodySignals:
    """Uniform-grid body-frame signals from a session.

    Args:
        session: the recording (sensor frame, any units the gravity check can recognise).
        placement: overrides the header placement.
        side: overrides the header side ("left"/"right").
        anterior_axis: sensor axis pointing anterior in quiet standing (``+x`` ... ``-z``), overrides
            the header.
        settings, still: the stage's settings and those of the still mask (default: the placement's preset).
        frame: the anterior axis an analysis of the same recording found (the same sensor on the same
            mounting: a stretch without gyroscope takes the gyroscope analysis' axis, GYRO-2; a declared forward
            segment's sign, ANALYSIS-23); used instead of the header and the signal, put on this session's
            horizontal.

    Raises:
        RetrogaitError: one line, naming the source, when the data cannot be analysed.
    """
    where = session.source or "session"
    given = placement
    placement, side, axis = _resolved_header(session, placement, side, anterior_axis, where)
    settings = settings or preset(placement).preprocess
    still = still or preset(placement).still
    notes: list[str] = _reading_notes(session)
    if given is None and placement == "other" and not any("--placement" in note for note in notes):
        notes.append(PLACEMENT_NOT_GIVEN_NOTE)  # the import's default, said (EDGE-185)
    t, acc, gyr, fs_hz, quantum_g, bridged_t, gyr_bridged_t = _checked_samples(session, where, settings, notes)
    clipped_raw = _clipped(acc, session.meta.acc_range_g, settings, quantum_g, notes)
    by_order = placement not in STEP_COUNT_PLACEMENTS  # where impact is measured (HONEST-9)
    t_grid, acc_u, gyr_u, gap, clipped, placed = _uniform_grid(t, acc, gyr, clipped_raw, fs_hz, by_order)
    del acc, gyr, clipped_raw  # interpolated onto the grid (where they were not on it): not read again
    notes += _timing_notes(t, _timestamp_gaps(session, t_grid, gap, gyr_u is not None), fs_hz, placement, placed)
    _refuse_nothing_to_analyse(acc_u, gap, where, notes)
    is_still, gyr_u, rotating = _still_beside_gyro(acc_u, gyr_u, gap, fs_hz, notes, still, settings)
    if placement not in STEP_COUNT_PLACEMENTS:  # where impact is measured
        notes += _impact_notes(acc_u, is_still & ~gap, fs_hz, quantum_g, gravity_removed(session))
    z = _vertical(acc_u, is_still & ~rotating, gap)
    del rotating
    unused = gap | is_still
    inherited = frame.on(z) if frame is not None else None
    if inherited is not None:
        x, source, sign_known, yaw = inherited
    else:
        x, source, sign_known, yaw = _anterior(acc_u, gyr_u, z, axis, fs_hz, placement, unused, notes, settings)
        if source == "header" and sign_known and _turned_over(session, z, axis, notes):
            sign_known = False
        source = "argument" if source == "header" and anterior_axis is not None else source
    y = np.cross(z, x)
    rot = np.vstack([x, y, z])  # body = rot @ sensor
    acc_b = _to_body(acc_u, rot)
    gyr_b = _to_body(gyr_u, rot) if gyr_u is not None else None
    return BodySignals(
        fs_hz=fs_hz,
        t_s=t_grid,
        acc_ms2=acc_b,
        gyr_dps=gyr_b,
        gap=gap,
        clipped=clipped,
        placement=placement,
        side=side,
        anterior_sign_known=sign_known,
        anterior_source=source,
        notes=tuple(notes),
        anterior_yaw_deg=yaw.yaw_deg,
        anterior_yaw_applied=yaw.applied,
        gravity_removed=gravity_removed(session),
        sensor_to_body=rot,
        acc_quantum_g=quantum_g,
        bridged=on_grid(bridged_t, t_grid, fs_hz) if bridged_t.size else None,  # EDGE-197
        gyr_bridged=on_grid(gyr_bridged_t, t_grid, fs_hz) if gyr_bridged_t.size and gyr_u is not None else None,
    )


def _to_body(v: NDArray[np.float64], rot: NDArray[np.float64]) -> NDArray[np.float64]:
    """``v @ rot.T`` ((n, 3) sensor-frame rows in the body frame, ``v``'s unit): the halves of a float64 ``v``'s rows
    on two cores where one is free (PERF-158), split at a multiple of NORM_BLOCK_ROWS rows, so never at a single row,
    which numpy multiplies by another path (other bits; each half of 65,536 rows or more gives the whole product's
    bits: tests/test_halves.py)."""
    if v.dtype != np.float64 or v.ndim != 2:
        return np.asarray(v @ rot.T)
    out = np.empty((v.shape[0], rot.shape[0]))
    turn = rot.T
    in_halves(
        lambda start, stop: np.matmul(v[start:stop], turn, out=out[start:stop]), v.shape[0], align=NORM_BLOCK_ROWS
    )
    return out


def _resolved_header(
    session: Session, placement: str | None, side: str | None, anterior_axis: str | None, where: str
) -> tuple[str, str | None, str | None]:
    """Placement, side and anterior axis: the arguments over the header, each checked (one-line error)."""
    placement = placement or session.meta.placement
    if placement not in PLACEMENTS:
        raise RetrogaitError(f"{where}: placement must be one of {', '.join(PLACEMENTS)}, got {placement!r}")
    side = side or session.meta.side
    if side is not None and side not in SIDES:
        raise RetrogaitError(f"{where}: side must be one of {', '.join(SIDES)}, got {side!r}")
    anterior_axis = anterior_axis or session.meta.anterior_axis
    if anterior_axis is not None and anterior_axis not in AXES:
        raise RetrogaitError(f"{where}: anterior axis must be one of {' '.join(AXES)}, got {anterior_axis!r}")
    return placement, side, anterior_axis


def _reading_notes(session: Session) -> list[str]:
    """What reading the file dropped (the header's ``import_dropped_rows``/``_detail``, EDGE-3), a cut it
    was read up to (``import_cut_short``, EDGE-9) and a gyroscope left out (``import_gyro_left_out``,
    EDGE-29), as notes; before them what else the import said (``import_notes``, IMPORT-23)."""
    told = session.meta.extra.get("import_notes", "")
    notes = [note.strip() for note in told.split(" | ") if note.strip()]
    older = older_session_note(session.t_s, session.gyr, session.extra, session.meta.extra)
    notes += [older] if older else []  # converted before the losses were kept (EDGE-240)
    cut = session.meta.extra.get("import_cut_short", "")
    notes += [f"file cut short: {cut}"] if cut else []  # read up to the cut (EDGE-9)
    gyro = session.meta.extra.get("import_gyro_left_out", "")
    notes += [gyro] if gyro else []  # a gyroscope read but not used (EDGE-29)
    try:
        dropped = int(session.meta.extra.get("import_dropped_rows", "0"))
    except ValueError:
        return notes
    if dropped <= 0:
        return notes
    detail = session.meta.extra.get("import_dropped_detail", "").replace(";", ", ")
    why = f" ({detail})" if detail else ""
    return [*notes, f"{dropped} row{'s' if dropped > 1 else ''} dropped on import{why}"]


def _checked_samples(
    session: Session, where: str, settings: PreprocessSettings, notes: list[str]
) -> tuple[
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64] | None,
    float,
    float | None,
    NDArray[np.float64],
    NDArray[np.float64],
]:
    """Plausible samples in m/s^2 and deg/s, the rate (Hz), the acceleration's quantum (g, None when its
    values lie on no grid: resolution.acc_quantum_g) and the times (s) of the samples with a missing acceleration
    value bridged, then with a missing gyroscope value bridged (bridge.py, EDGE-197, EDGE-212); refuses too few,
    too slow or too short.

    Missing values and samples beyond any sensor's range (1e300, a declared range exceeded) are dropped
    with a note: they become gaps, and the rest is analysed. With ``acc_gravity: removed`` in the header
    the acceleration is taken as m/s^2 and gravity is put back along the vertical of the movement."""
    t, acc, gyr, bridged_t, gyr_bridged_t, acc_rate = _finite_rows(session, notes)
    if t.size < 10:
        raise RetrogaitError(f"{where}: too few valid samples ({t.size}) to analyse")
    if acc_rate is None:
        # the read measured the session's times already: asked again only of other times (PERF-162)
        fs_hz = recording_rate_hz(t, session.meta.sample_rate_hz, session.measured_rate_hz(t))
        notes += _stated_rate_notes(session, fs_hz)
    else:  # the accelerometer's own rate, read from its pattern in the rows (EDGE-222); the rows' is the file's
        fs_hz = own_rate_hz(acc_rate, session.meta.sample_rate_hz)
        notes += _stated_rate_notes(session, acc_rate.row_rate_hz, fs_hz)
    if not meets_rate(fs_hz, MIN_SAMPLE_RATE_HZ):
        raise RetrogaitError(
            f"{where}: sample rate {fs_hz:.1f} Hz is below {MIN_SAMPLE_RATE_HZ:g} Hz; gait cannot be analysed"
        )
    if t[-1] - t[0] < settings.min_duration_s:
        raise RetrogaitError(
            f"{where}: recording is {t[-1] - t[0]:.2f} s long; at least {settings.min_duration_s:g} s needed "
            "(setting [preprocess] min_duration_s)"
        )
    removed = gravity_removed(session)
    if not removed:
        acc = acc * _acc_scale(t, acc, fs_hz, where, notes)
    beyond_at = len(notes)  # where _plausible_rows' note goes, if any: told again if the unit drops more (EDGE-254)
    read_acc, read_gyr = acc, gyr
    # the quantum of the rows as read, beside the range check: the same rows where it drops none (PERF-143); not
    # where the check is too short to hide it (REVIEW-226)
    beside_quantum = not bridged_t.size and t.size >= QUANTUM_BESIDE_MIN_ROWS
    quantum_part = Beside(lambda: acc_quantum_g(read_acc)) if beside_quantum else None
    t, acc, gyr = _plausible_rows(t, acc, gyr, session.meta.acc_range_g, settings, notes)
    _refuse_too_few_plausible(t, where, notes)
    quantum_g = _measured_quantum_g(t, acc, bridged_t, quantum_part if acc is read_acc else None)
    notes += _quantum_notes(quantum_g)
    if not is_coarse(quantum_g):  # a coarse axis rests on one level while another moves: no stuck axis told
        t, acc, gyr = _without_stuck_axis(t, acc, gyr, fs_hz, notes)
        _refuse_too_few_plausible(t, where, notes)
    if gyr is not None:
        scale = _gyr_scale(acc, gyr, notes)
        if scale != 1.0 and read_gyr is not None:  # the limit holds in deg/s, whatever the unit (EDGE-254)
            kept = (t, acc, gyr * scale)
            read = (read_acc, read_gyr)
            t, acc, gyr = _beyond_in_deg_s(read, scale, kept, session.meta.acc_range_g, settings, notes, beyond_at)
            _refuse_too_few_plausible(t, where, notes[beyond_at : beyond_at + 1])
        else:
            gyr = gyr * scale
    if removed:
        acc = gravity_put_back(acc, fs_hz, session.meta.vertical_axis, gyr is not None, notes)
    return t, acc, gyr, fs_hz, quantum_g, bridged_t, gyr_bridged_t


def _measured_quantum_g(
    t: NDArray[np.float64],
    acc: NDArray[np.float64],
    bridged_t: NDArray[np.float64],
    beside: Beside[float | None] | None,
) -> float | None:
    """The acceleration's quantum (g, :func:`acc_quantum_g`) of its measured values only (the samples at
    ``bridged_t``, s, were bridged): ``beside``'s, started on these very rows where no sample was bridged (PERF-143)."""
    if beside is not None:
        return beside.result()
    return acc_quantum_g(acc[~np.isin(t, bridged_t)] if bridged_t.size else acc)


def _refuse_nothing_to_analyse(
    acc_u: NDArray[np.float64], gap: NDArray[np.bool_], where: str, notes: list[str]
) -> None:
    """The one-line refusals of a uniform grid with nothing to analyse: every point in a gap (plausible samples left
    only singly, each a gap from the next: EDGE-128; the line names the drop that left it so), or a flat signal
    (each axis' range taken down its own column: ``np.ptp(acc_u, axis=0)`` reduces an (n, 3) array three values at
    a time, ~15 x slower, for the same ranges; PERF-145)."""
    if gap.all():
        dropped = [note for note in notes if "dropped" in note]
        why = f": {dropped[-1]}" if dropped else ""
        raise RetrogaitError(f"{where}: no stretch of samples without a gap is left to analyse{why}")
    if float(np.max([np.ptp(acc_u[:, axis]) for axis in range(acc_u.shape[1])])) < 1e-6:  # PERF-145
        raise RetrogaitError(f"{where}: the acceleration is constant (flat signal); nothing to analyse")


def _gyro_on_acc_time(
    acc_u: NDArray[np.float64],
    gyr_u: NDArray[np.float64] | None,
    gap: NDArray[np.bool_],
    fs_hz: float,
    notes: list[str],
) -> NDArray[np.float64] | None:
    """The gyroscope moved onto the accelerometer's time where its stamps are found late or early, with a note
    (:mod:`retrogait.analysis.gyro_lag`, HONEST-20/21); else as it is."""
    lag = gyro_lag(acc_u, gyr_u, gap, fs_hz) if gyr_u is not None else None
    if gyr_u is None or lag is None:
        return gyr_u
    notes.append(lag_note(lag))
    return shifted_back(gyr_u, lag.samples)


def _still_beside_gyro(
    acc_u: NDArray[np.float64],
    gyr_u: NDArray[np.float64] | None,
    gap: NDArray[np.bool_],
    fs_hz: float,
    notes: list[str],
    still: StillSettings,
    settings: PreprocessSettings,
) -> tuple[NDArray[np.bool_], NDArray[np.float64] | None, NDArray[np.bool_]]:
    """The still mask of the grid's acceleration, the gyroscope on its time (:func:`_gyro_on_acc_time`) and where it
    turns fast (:func:`_rotating`): the mask reads only the acceleration, so it is found beside the other two in
    ``analyze`` where a core is free (PERF-77)."""
    still_part = Beside(lambda: still_mask(acc_u, fs_hz, still.window_s, still.std_ms2))
    gyr_u = _gyro_on_acc_time(acc_u, gyr_u, gap, fs_hz, notes)
    rotating = _rotating(gyr_u, acc_u.shape[0], fs_hz, settings.vertical_max_rate_dps)
    return still_part.result(), gyr_u, rotating


def _refuse_too_few_plausible(t: NDArray[np.float64], where: str, notes: list[str]) -> None:
    """The one-line refusal when dropping implausible rows left fewer than 10 samples, saying why (the last
    note: the rows beyond range or the stuck axis) before any later check meets an empty signal."""
    if t.size < 10:
        why = f": {notes[-1]}" if notes else ""
        raise RetrogaitError(f"{where}: too few plausible samples ({t.size}) to analyse{why}")


def _quantum_notes(quantum_g: float | None) -> list[str]:
    """A note when the acceleration's quantum is coarse (resolution.COARSE_QUANTUM_G, HONEST-8): its
    rounding, not the movement, can decide a contact or an impact peak (foot_walking rounded to 8 bits
    over +-8 g: 5 of 65 contacts moved or lost, 2 impacts moved > 10 %; the lower back: 21 of 106)."""
    if not is_coarse(quantum_g):
        return []
    return [
        f"the acceleration is recorded in steps of {quantum_g:.3g} g, coarser than an accelerometer's own noise "
        f"({COARSE_QUANTUM_G:g} g or more): contacts can be missed or moved and impact peaks can be off by "
        "the rounding; steps whose contact or impact changes when the samples move within their step are "
        "flagged quantised"
    ]


def _stated_rate_notes(session: Session, fs_hz: float, own_hz: float | None = None) -> list[str]:
    """A note when the rate the file states (the header's, or the one the import set aside,
    ``import_stated_rate_hz``) differs from the timestamps' by more than RATE_TOLERANCE (HONEST-6): the
    timestamps are used, and nothing said so. A sensor whose clock runs 2 % fast, stamped on arrival. ``own_hz``:
    the accelerometer's own rate beside rows at ``fs_hz`` (EDGE-222): a file stating either says nothing wrong."""
    try:
        stated = float(session.meta.extra.get("import_stated_rate_hz", session.meta.sample_rate_hz))
    except ValueError:
        return []
    if not (np.isfinite(stated) and stated > 0 and np.isfinite(fs_hz)) or same_rate(fs_hz, stated):
        return []
    if own_hz is not None and same_rate(own_hz, stated):
        return []
    return [
        f"the file states {stated:g} Hz but the timestamps give {fs_hz:.4g} Hz ({fs_hz / stated - 1.0:+.1%}): "
        "the sensor's clock is off its stated rate, or samples were lost or added; times follow the timestamps"
    ]


def gravity_removed(session: Session) -> bool:
    """True when the header says the acceleration has gravity removed (``acc_gravity: removed``)."""
    return session.meta.gravity_removed


def without_vertical(signals: BodySignals, session: Session) -> tuple[BodySignals, str | None]:
    """The signals the per-step measures are taken on, and a note when the vertical is unknown.

    With gravity removed and no declared ``vertical_axis`` a lower back's vertical is only a guess from the
    movement (gravity_put_back): 14-54 deg off in walking, where the anteroposterior acceleration rivals the
    vertical, and upside down in 2 of 11 sacral running trials. Its landings still repeat along that axis,
    so the lower-back detector still counts the steps (cadence, step times); but contact time, impact,
    vGRF, direction and foot strike need the true vertical. They are then measured as for a sensor whose
    frame is unknown (placement ``other``: unknown / NaN), and the toe-offs are not used. Every other
    recording is returned as it is, without a note.
    """
    if signals.placement != "lower_back" or not signals.gravity_removed or session.meta.vertical_axis in AXES:
        return signals, None
    note = (
        "lower back with gravity removed and no declared vertical_axis: the vertical cannot be identified, "
        "so only the steps (times, cadence) are counted; contact time, impact, vGRF, direction and foot strike "
        "are unknown (declare vertical_axis to measure them)"
    )
    return replace(signals, placement="other", anterior_sign_known=False, anterior_source="none"), note


def gravity_put_back(
    acc: NDArray[np.float64], fs_hz: float, vertical_axis: str | None, has_gyro: bool, notes: list[str]
) -> NDArray[np.float64]:
    """Gravity-free acceleration (m/s^2) with 1 g added along the vertical: the header's ``vertical_axis``
    when it has one, else the one found from the movement (vertical_without_gravity). The sensor is
    assumed to keep its mean orientation (trunk, thigh and arm do within some 20 deg; a foot or shank
    swings through much more, but is near its standing orientation at the landing)."""
    if vertical_axis in AXES:
        up, found = axis_vector(str(vertical_axis)), f"the header's vertical axis {vertical_axis}"
    else:
        up, share = vertical_without_gravity(acc, fs_hz)
        found = f"the main axis of the movement ({share:.0%} of it), taken as the vertical"
    notes.append(
        f"acceleration has gravity removed (header acc_gravity: removed): gravity was put back along {found}, "
        "assuming the sensor keeps its mean orientation; direction and "
        + ("foot strike use the gyroscope" if has_gyro else "foot strike need gravity or a gyroscope and are unknown")
        + "; where the sensor tilts from that orientation (a foot or shank at each landing, a trunk by 10-20 deg) the "
        "put-back gravity is off by up to 1 g, so contacts, step times, contact times, impact peaks and loading "
        "rates can differ from the sensor's own"
    )
    return np.asarray(acc + STANDARD_GRAVITY_MS2 * up, dtype=np.float64)


def vertical_without_gravity(acc: NDArray[np.float64], fs_hz: float) -> tuple[NDArray[np.float64], float]:
    """Up (unit vector, sensor coordinates) of gravity-free acceleration ``acc`` (m/s^2), and its share of
    the movement.

    The body's largest acceleration in gait is vertical (it bounces once per step), so the main axis of
    the movement is the vertical. Its upward end is the one with the larger extreme: the ground can only
    push, so the body accelerates down at most at 1 g (free fall in flight, a slow sag in walking), while
    each landing pushes it up by more (a running landing by 1-3 g, a heel strike by a sharp peak)."""
    wide = bandpass(acc, 0.3, min(20.0, 0.45 * fs_hz), fs_hz)
    moving = np.linalg.norm(bandpass(acc, 0.3, 4.0, fs_hz), axis=1) > FREE_MOVING_MS2
    x = wide[moving] if moving.sum() > 10 * fs_hz else wide
    vals, vecs = np.linalg.eigh(x.T @ x)
    up = vecs[:, -1]
    along = x @ up
    if np.percentile(along, 100 - EXTREME_PERCENT) < -np.percentile(along, EXTREME_PERCENT):
        up = -up
    return up, float(vals[-1] / max(float(vals.sum()), 1e-12))


def _plausible_rows(
    t: NDArray[np.float64],
    acc: NDArray[np.float64],
    gyr: NDArray[np.float64] | None,
    acc_range_g: float | None,
    settings: PreprocessSettings,
    notes: list[str],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
    """Drop samples beyond any sensor's range (m/s^2, and the rate in the file's numbers: beyond the limit in deg/s or
    rad/s, beyond it in deg/s; :func:`_beyond_in_deg_s` after a rad/s read): they are gaps, with a note saying, for
    each reason a row was dropped for, its own quantity (:func:`_beyond_range_note`)."""
    strong = np.asarray(~within_acc_range(acc, acc_range_g, settings.max_acc_g), dtype=bool)
    fast = None if gyr is None else _fast_rows(gyr, settings)
    ok = ~strong if fast is None else ~(strong | fast)
    if ok.all():
        return t, acc, gyr
    notes.append(_beyond_range_note(acc, gyr, strong, fast, acc_range_g, settings))
    dropped = np.flatnonzero(~ok)
    if dropped.size > FEW_DROPPED_ROWS:
        return t[ok], acc[ok], gyr[ok] if gyr is not None else None
    return _kept_rows(t, dropped), _kept_rows(acc, dropped), _kept_rows(gyr, dropped) if gyr is not None else None


#: Rows dropped by the range check up to which the rest are copied a run at a time (PERF-150).
FEW_DROPPED_ROWS = 64


def _kept_rows(values: NDArray[np.float64], dropped: NDArray[np.intp]) -> NDArray[np.float64]:
    """``values`` without the rows ``dropped`` (increasing): what a boolean mask gives (a new C-ordered array of the
    same type), copied a run of kept rows at a time, not gathered row by row (PERF-150)."""
    out = np.empty((values.shape[0] - dropped.size, *values.shape[1:]), dtype=values.dtype)
    start = at = 0
    for stop in [*dropped.tolist(), values.shape[0]]:
        out[at : at + stop - start] = values[start:stop]
        at, start = at + stop - start, stop + 1
    return out


#: The words of :func:`_beyond_range_note` that :func:`_beyond_in_deg_s` finds it by.
BEYOND_RANGE_WORDS = "beyond any sensor's range"


def _beyond_range_note(
    acc: NDArray[np.float64],
    gyr: NDArray[np.float64] | None,
    strong: NDArray[np.bool_],
    fast: NDArray[np.bool_] | None,
    acc_range_g: float | None,
    settings: PreprocessSettings,
) -> str:
    """The note on the rows :func:`_plausible_rows` drops: their count, then per reason the rows dropped for it and
    its own largest value and limit: acceleration (g) beyond ``max_acc_g`` or 1.1 x a declared ``acc_range_g``
    (``strong``, (n,)), angular rate (deg/s) beyond ``max_rate_dps`` (``fast``, (n,)); a row beyond both counts in
    both."""
    limit_g = settings.max_acc_g if acc_range_g is None else min(settings.max_acc_g, OVER_RANGE * acc_range_g)
    fast = np.zeros(strong.size, dtype=bool) if fast is None or gyr is None else fast
    dropped = int(np.count_nonzero(strong | fast))
    reasons = []
    if strong.any():
        largest = float(np.abs(acc[strong]).max()) / STANDARD_GRAVITY_MS2
        reasons.append((int(strong.sum()), f"acceleration up to {_above(largest, limit_g, 3)} g, limit {limit_g:g} g"))
    if fast.any() and gyr is not None:
        rate = float(np.abs(gyr[fast]).max())  # every value finite here (_finite_rows), under 1e7
        shown = _above(rate, settings.max_rate_dps, 0)
        reasons.append((int(fast.sum()), f"angular rate up to {shown} deg/s, limit {settings.max_rate_dps:g} deg/s"))
    said = [words if k == dropped else f"{k} with {words}" for k, words in reasons]
    return f"{dropped} samples {BEYOND_RANGE_WORDS} ({'; '.join(said)}) dropped; they are gaps"


def _above(value: float, limit: float, digits: int) -> str:
    """``value`` (beyond ``limit``) as the note shows it: ``digits`` significant digits (0: no decimals), more where
    that would round it down to the limit or below ("up to 10000 deg/s, limit 10000 deg/s" for 10,000.4; EDGE-249)."""
    text = f"{value:.{digits}g}" if digits else f"{value:.0f}"
    return text if float(text) > limit else f"{value:.9g}"


def _beyond_in_deg_s(
    read: tuple[NDArray[np.float64], NDArray[np.float64]],
    scale: float,
    kept: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]],
    acc_range_g: float | None,
    settings: PreprocessSettings,
    notes: list[str],
    at: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """``kept`` (times s, acceleration m/s^2, angular rate deg/s converted from rad/s) without its rows whose rate
    is beyond ``max_rate_dps``, and :func:`_plausible_rows`' note (``notes[at]``, or put there) told of every row
    dropped for its range, the rate in deg/s (``read``: the acceleration, m/s^2, and rate, the file's numbers, it was
    given; ``scale``: deg/s per unit of them; EDGE-254).

    :func:`_gyr_scale` reads the unit on the rows :func:`_plausible_rows` keeps by the limit in the file's numbers
    (a row beyond 10,000 is beyond it in either unit), by their 99th percentile, which a spike of fewer than 1 % of
    the rows does not move: a spike does not decide the unit. Rows beyond the limit once converted go after."""
    t, acc, gyr = kept
    fast = _fast_rows(gyr, settings)
    told = at < len(notes) and BEYOND_RANGE_WORDS in notes[at]
    if not (told or fast.any()):
        return kept
    read_acc, read_gyr = read
    strong = np.asarray(~within_acc_range(read_acc, acc_range_g, settings.max_acc_g), dtype=bool)
    before = strong | _fast_rows(read_gyr, settings)  # the rows _plausible_rows dropped: beyond in deg/s too
    before_acc, before_gyr = read_acc[before], read_gyr[before] * scale
    note = _beyond_range_note(
        np.concatenate((before_acc, acc[fast])),
        np.concatenate((before_gyr, gyr[fast])),
        np.concatenate((strong[before], np.zeros(int(fast.sum()), dtype=bool))),
        np.concatenate((_fast_rows(before_gyr, settings), fast[fast])),
        acc_range_g,
        settings,
    )
    if told:
        notes[at] = note
    else:
        notes.insert(at, note)
    return t[~fast], acc[~fast], gyr[~fast]


def _fast_rows(gyr: NDArray[np.float64], settings: PreprocessSettings) -> NDArray[np.bool_]:
    """(n,) True where an angular rate of ``gyr`` (n, 3) is beyond ``max_rate_dps`` (read in ``gyr``'s numbers)."""
    return np.asarray(~(np.abs(gyr) <= settings.max_rate_dps).all(axis=1), dtype=bool)


def _without_stuck_axis(
    t: NDArray[np.float64],
    acc: NDArray[np.float64],
    gyr: NDArray[np.float64] | None,
    fs_hz: float,
    notes: list[str],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
    """Leave out as gaps the rows where an acceleration axis is stuck at one value while another moves
    (stuck.py: a failed read, not a measurement), with a note."""
    stuck = stuck_rows(acc, fs_hz)
    if not stuck.any():
        return t, acc, gyr
    stretches = int(np.count_nonzero(np.diff(np.concatenate(([False], stuck))).astype(bool) & stuck))
    n = int(stuck.sum())
    notes.append(
        f"an acceleration axis held one value for {STUCK_MIN_S:g} s or more while another moved ({stretches} "
        f"stretch{'es' if stretches > 1 else ''}, {n} samples, {n / fs_hz:.1f} s): a stuck axis, not a measurement; "
        "those samples are left out as gaps (the session keeps them)"
    )
    keep = ~stuck
    return t[keep], acc[keep], None if gyr is None else gyr[keep]


def _gyro_used(t: NDArray[np.float64], gyr: NDArray[np.float64] | None, notes: list[str]) -> NDArray[np.float64] | None:
    """The gyroscope to analyse with, given rows without a gyroscope value (NaN, EDGE-46): with a value at
    fewer than MIN_GYRO_COVERAGE of the rows, none (every row is analysed as from a sensor without one);
    else all of it, and the rows without are left out as gaps (:func:`_finite_rows`); the pipeline analyses
    the stretches of them lasting MIN_STRETCH_S or more again without it (gyro_stretches.py). Each with a note."""
    if gyr is None:
        return None
    missing = np.isnan(gyr).any(axis=1)
    if not missing.any():
        return gyr
    n, share = int(missing.sum()), float(missing.mean())
    seconds = n * float(np.median(np.diff(t))) if t.size > 1 else 0.0
    what = f"the gyroscope has no value at {n} samples ({seconds:.2f} s, {percent(share)})"
    if not covers_enough(np.asarray(missing, dtype=bool)):  # the import's and info's reading too (EDGE-242, REVIEW-187)
        notes.append(f"{what}: analysed without the gyroscope, as a sensor without one")
        return None
    stretches = no_gyro_stretches(t, np.asarray(missing, dtype=bool))
    if not stretches.size or not np.all(np.diff(t) > 0):  # the pipeline joins stretches of increasing times only
        notes.append(f"{what}: those samples are left out of the analysis as gaps (the session keeps them)")
        return gyr
    inside = int((stretches[:, 1] - stretches[:, 0]).sum())
    k = stretches.shape[0]
    rest = f"; the other {n - inside} are left out as gaps (the session keeps them)" if inside < n else ""
    notes.append(
        f"{what}: {k} stretch{'es' if k > 1 else ''} of {MIN_STRETCH_S:g} s or more ({inside} samples) "
        f"analysed without the gyroscope, as a sensor without one (their steps flagged {NO_GYRO_FLAG}){rest}"
    )
    return gyr


def _finite_rows(
    session: Session, notes: list[str]
) -> tuple[
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64] | None,
    NDArray[np.float64],
    NDArray[np.float64],
    SubRate | None,
]:
    """The rows with finite values (a lone missing acceleration or gyroscope value bridged first: bridge.py,
    EDGE-197, EDGE-212; of an acceleration at a lower rate than the rows, its own rows: acc_subrate.py, EDGE-222),
    the times (s) of the rows with a bridged acceleration value, then gyroscope value, and the acceleration's
    sub-rate (None where it has a value on every row or its missing values fall anywhere)."""
    t, acc, gyr = session.t_s, session.acc, session.gyr
    # a separate gyroscope's measured spans of its losses (EDGE-223, on every row a loss touches: EDGE-237)
    spans = lost_span_column(session.extra.get(GYR_LOST_SPAN_COLUMN), t.size) if gyr is not None else None
    if _every_value_measured(t, acc, gyr):  # a clean recording pays two reductions an array, not the passes below
        t, acc, gyr = _increasing(t, acc, gyr, notes)
        across = interpolated_rows(spans, session.gyr) if session.gyr is not None else None
        return t, acc, gyr, np.zeros(0), _across_lost(session.t_s, across, notes), None
    gyr_bridged_t, gyr_values, span_ms = np.zeros(0), 0, ""
    sub_rate, filled = None, np.zeros(0, dtype=bool)
    # an absurd value (beyond 1e7 in any unit, EDGE-36) is no measurement: no anchor to fill or bridge from (EDGE-225)
    acc, acc_absurd = absurd_as_missing(acc)
    gyr, gyr_absurd = absurd_as_missing(gyr) if gyr is not None else (None, np.zeros(t.size, dtype=bool))
    # a table's gyroscope at a steady fraction of the rows' rate, resampled (EDGE-217); a separate gyroscope's rows
    # without a value (its losses known: the header key or the column) are its losses, never a lower rate (REVIEW-161,
    # EDGE-238, REVIEW-177)
    if gyr is not None and spans is None and not knows_losses(session.extra, session.meta.extra):
        gyr, sub_rate, filled = filled_in(t, gyr)
    acc_missing = _missing_rows(acc)
    acc_rate, keep = own_rows(t, acc_missing)  # an accelerometer at a lower rate (EDGE-222)
    if acc_rate is not None:  # analysed on its own rows, the gyroscope read there
        notes.append(acc_rate_note(acc_rate, keep, acc_missing[keep]))
        t, acc = t[keep], acc[keep]
        gyr = gyr[keep] if gyr is not None else None
        filled = filled[keep] if filled.size else filled
        spans = spans[keep] if spans is not None and spans.size == keep.size else None
        acc_absurd, gyr_absurd = acc_absurd[keep], gyr_absurd[keep]
    across = interpolated_rows(spans, gyr) if gyr is not None else None  # before the bridge fills any row
    if gyr is not None:  # a lone missing gyroscope sample, bridged as the acceleration's (EDGE-212)
        gyr, gyr_bridged_t, gyr_values, span_ms = _bridge_gyro(t, gyr, gyr_absurd, sub_rate, spans, session)
    said = len(notes)
    gyr = _gyro_used(t, gyr, notes)
    if gyr is None:  # analysed without the gyroscope: its bridged values are used nowhere (REVIEW-90)
        gyr_bridged_t, gyr_values, sub_rate, across = np.zeros(0), 0, None, None
    if sub_rate is not None:
        notes.insert(said, sub_rate_note(sub_rate, int(filled.sum())))
        said += 1
    if gyr_values:
        notes.insert(
            said,
            f"{gyr_values} missing gyroscope values bridged (linear in time over at most {span_ms} ms between measured "
            f"values, in {gyr_bridged_t.size} samples): steps touching one are flagged bridged (their impact, read "
            "from the measured acceleration, is kept)",
        )
    if across is not None and across.any():  # interpolated by the import across a lost sample (EDGE-238)
        gyr_bridged_t = np.union1d(gyr_bridged_t, _across_lost(t, across, notes))
    acc, bridged_t, bridged_values = bridge_missing(t, acc)
    acc, bridged_t, bridged_values = _absurd_put_back(t, acc, acc_absurd, bridged_t, bridged_values)
    if bridged_values:
        notes.append(
            f"{bridged_values} missing acceleration values bridged (linear in time over at most "
            f"{BRIDGE_MAX_S * 1000:.0f} ms between measured values, in {bridged_t.size} samples): steps touching one "
            "are flagged bridged, and their impact peak and loading rates are left NaN"
        )
    ok = np.isfinite(t) & (np.abs(acc) < ANY_UNIT_LIMIT).all(axis=1)  # NaN compares False: dropped too
    no_gyro = np.zeros(t.size, dtype=bool)
    if gyr is not None:
        no_gyro = np.asarray(np.isnan(gyr).any(axis=1))  # noted by _gyro_used
        ok &= (np.abs(gyr) < ANY_UNIT_LIMIT).all(axis=1)
    if not ok.all():
        t, acc = t[ok], acc[ok]
        gyr = gyr[ok] if gyr is not None else None
    if not (ok | no_gyro).all():
        missing = int((~(ok | no_gyro)).sum())
        notes.append(f"{missing} samples with missing, infinite or absurd values (beyond 1e7 in any unit) dropped")
    t, acc, gyr = _increasing(t, acc, gyr, notes)
    return t, acc, gyr, bridged_t, gyr_bridged_t, acc_rate


def _bridge_gyro(
    t: NDArray[np.float64],
    gyr: NDArray[np.float64],
    absurd: NDArray[np.bool_],
    sub_rate: SubRate | None,
    spans: NDArray[np.float64] | None,
    session: Session,
) -> tuple[NDArray[np.float64], NDArray[np.float64], int, str]:
    """``(gyr, times, values, span)``: the gyroscope (n, 3) at times ``t`` (s) with its lone missing values bridged
    over 25 ms or, beside its ``sub_rate``, one lost sample of its own (EDGE-212/218) and a separate gyroscope's short
    losses (``spans``, EDGE-223) over its own span (``bridge.separate_bridge_s``, EDGE-239), the ``absurd`` rows put
    back (EDGE-225); the times (s) of the rows bridged, how many values, and the longest span a bridged value may lie
    in, in ms as the note writes it (``bridge.bridge_separate_gyro``: the one spelling ``retrogait info`` reads too)."""
    bridge_s = BRIDGE_MAX_S if sub_rate is None else sub_rate.bridge_s
    gyr, bridged_t, values, span_s = bridge_separate_gyro(t, gyr, bridge_s, spans, session.meta.extra, absurd)
    gyr, bridged_t, values = _absurd_put_back(t, gyr, absurd, bridged_t, values)
    return gyr, bridged_t, values, f"{span_s * 1000:.3g}" if span_s != bridge_s else f"{bridge_s * 1000:.0f}"


def _across_lost(t: NDArray[np.float64], across: NDArray[np.bool_] | None, notes: list[str]) -> NDArray[np.float64]:
    """The times (s) of the rows ``across`` (n,) whose gyroscope value the import interpolated across a lost sample of
    a separate gyroscope (``bridge.interpolated_rows``, EDGE-237), with a note: the steps over them are flagged
    ``bridged`` (EDGE-238), as a table's lost value bridged is; none without such rows."""
    if across is None or not across.any():
        return np.zeros(0)
    n = int(np.count_nonzero(across))
    notes.append(
        f"{n} gyroscope value{'s' * (n != 1)} interpolated by the import across a lost sample of the separate "
        "gyroscope (its measured samples around more than one of its steps apart, the session's gyr_lost_span_s): "
        "steps touching one are flagged bridged (their impact, read from the measured acceleration, is kept)"
    )
    return np.asarray(t[across], dtype=np.float64)


def _every_value_measured(t: NDArray[np.float64], acc: NDArray[np.float64], gyr: NDArray[np.float64] | None) -> bool:
    """True where every time is finite and every acceleration and gyroscope value is finite and within
    ``ANY_UNIT_LIMIT``: nothing to fill, bridge or drop. Two reductions an array (NaN fails both comparisons)."""
    arrays = (acc,) if gyr is None else (acc, gyr)
    return bool(np.isfinite(t).all()) and all(
        v.size == 0 or (float(v.max()) < ANY_UNIT_LIMIT and float(v.min()) > -ANY_UNIT_LIMIT) for v in arrays
    )


def _increasing(
    t: NDArray[np.float64], acc: NDArray[np.float64], gyr: NDArray[np.float64] | None, notes: list[str]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
    """The rows sorted by time with repeated times dropped (the first kept), with a note; as they are where the
    times increase already."""
    if t.size > 1 and np.any(np.diff(t) <= 0):
        order = np.argsort(t, kind="stable")
        keep = np.concatenate([[True], np.diff(t[order]) > 0])
        idx = order[keep]
        t, acc = t[idx], acc[idx]
        gyr = gyr[idx] if gyr is not None else None
        notes.append("timestamps were not increasing; sorted and duplicates dropped")
    return t, acc, gyr


def _missing_rows(values: NDArray[np.float64]) -> NDArray[np.bool_]:
    """(n,) the rows of ``values`` (n, 3) with a NaN; one pass where there is none."""
    if not np.isnan(values).any():
        return np.zeros(values.shape[0], dtype=bool)
    return np.asarray(np.isnan(values).any(axis=1), dtype=bool)


def _absurd_put_back(
    t: NDArray[np.float64],
    values: NDArray[np.float64],
    rows: NDArray[np.bool_],
    bridged_t: NDArray[np.float64],
    bridged_values: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    """``values`` with the absurd ``rows`` (``bridge.absurd_as_missing``) infinite again, so that they are dropped as
    absurd values were (EDGE-36), whatever a fill or the bridge wrote there; ``bridged_t`` (s) and
    ``bridged_values`` without them."""
    if not rows.any():
        return values, bridged_t, bridged_values
    written = int(np.count_nonzero(np.isfinite(values[rows])))
    out = values.copy()
    out[rows] = np.inf
    return out, bridged_t[~np.isin(bridged_t, t[rows])], max(0, bridged_values - written)


def acc_rate_note(sub: SubRate, keep: NDArray[np.bool_], lost: NDArray[np.bool_]) -> str:
    """The analysis' note on an acceleration found at a steady fraction of the rows' rate (EDGE-222): ``keep`` the
    rows analysed (n,), ``lost`` those of them without a value (samples lost off the pattern)."""
    n_lost = int(lost.sum())
    off = (
        f"; {n_lost} sample{'s' * (n_lost != 1)} lost off that pattern keep a row each, missing (bridged or left out "
        "as any missing value)"
        if n_lost
        else ""
    )
    return (
        f"the acceleration has {sub.words('an accelerometer')}: a stream measured at a lower rate, not values lost; "
        f"the analysis runs on the {int(keep.sum()) - n_lost} rows it was measured on (its own clock) with the "
        f"gyroscope read there, as a separate gyroscope stream is put on the accelerometer's times, and leaves out "
        f"the {int((~keep).sum())} rows between them (the session keeps them){off}"
    )


def sub_rate_note(sub: SubRate, filled: int) -> str:
    """The analysis' note on a gyroscope found at a steady fraction of the rows' rate (EDGE-217)."""
    return (
        f"the gyroscope has {sub.words()}: a stream measured at a lower rate, not values lost; it is interpolated "
        f"linearly in time onto the {filled} rows between its own samples, as a separate gyroscope stream is, and no "
        "step is flagged bridged for them (a value missing off that pattern is a value lost)"
    )


def _acc_scale(t: NDArray[np.float64], acc: NDArray[np.float64], fs_hz: float, where: str, notes: list[str]) -> float:
    """Factor to m/s^2 (:func:`_unit_scale`). Where the median |acc| gives no unit and an axis is stuck (stuck.py: an
    axis frozen at a swing value holds the |acc| of its rows away from gravity), the unit is read from the rows it
    leaves measured, and the stuck rows are then left out as gaps (:func:`_without_stuck_axis`, EDGE-194/201); where
    those give none either, refused naming the axis and when (``t``, s) it froze."""
    scale = _unit_scale(acc, fs_hz, notes)
    if scale is not None:
        return scale
    median = float(np.median(norm_rows(acc)))
    stuck = stuck_rows(acc, fs_hz)
    frozen = ""
    if stuck.any():
        scale = _measured_unit(acc[~stuck], fs_hz, notes)
        if scale is not None:
            return scale
        axis, start, stop = frozen_axis(acc, stuck)
        until = "on" if stop == t.size else f"to {t[stop - 1] - t[0]:.1f} s"
        runs = int(np.count_nonzero(np.diff(stuck.astype(np.int8), prepend=0) == 1))
        total = int(stuck.sum())
        every = (
            f" (the longest of {runs} stuck runs: {total} samples, {total / fs_hz:.1f} s in all)" if runs > 1 else ""
        )
        frozen = (  # every = EDGE-215
            f"; {ACC_COLUMNS[axis]} held one value from {t[start] - t[0]:.1f} s {until} ({stop - start} samples): a "
            f"stuck axis{every}, and the samples it leaves measured give no unit either"
        )
    raise RetrogaitError(
        f"{where}: median |acc| is {median:.3g}, which is not gravity in m/s^2, g or mg; "
        f"the acceleration units or axes are unknown{frozen}"
    )


def _measured_unit(measured: NDArray[np.float64], fs_hz: float, notes: list[str]) -> float | None:
    """:func:`_unit_scale` of the rows a stuck axis leaves ``measured``, or None. The median |acc| names a unit
    because gravity dominates it in a recording that rests; a few rows between frozen ones (an impact's 60 ms
    reads 5-7 g, which the rule takes for m/s^2) carry no such premise, so the unit is taken only where those rows
    hold at least one of the gravity estimate's 1 s windows and their quietest windows' mean |acc| is 1 g in it
    (``GRAVITY_MATCH[0]`` to ``MOVING_GRAVITY_MAX_G`` g, IMPORT-24's test of a limb that never rests) (REVIEW-77)."""
    from retrogait.imports.inference import GRAVITY_MATCH, MOVING_GRAVITY_MAX_G, gravity_estimate

    if measured.shape[0] < max(10.0, fs_hz):
        return None
    said: list[str] = []
    scale = _unit_scale(measured, fs_hz, said)
    if scale is None:
        return None
    quiet, _, _ = gravity_estimate(measured, fs_hz)
    if not GRAVITY_MATCH[0] <= quiet * scale / STANDARD_GRAVITY_MS2 <= MOVING_GRAVITY_MAX_G:
        return None
    notes.extend(said)
    return scale


def _unit_scale(acc: NDArray[np.float64], fs_hz: float, notes: list[str]) -> float | None:
    """Factor to m/s^2, from the median |acc| (gravity dominates it in any gait recording that rests), or None.

    A median above 1 g in m/s^2 but far below 1 g in mg is m/s^2 of a limb that never rests (a foot running
    without a stop: its swing adds to gravity in every sample) when the quietest 1 s windows' mean holds 1
    to MOVING_GRAVITY_MAX_G g in m/s^2, the importers' test for a recording that never rests (IMPORT-24)."""
    norm = norm_rows(acc)
    if median_within(norm, 4.9, 35.0):  # told by counting, else computed (PERF-54)
        return 1.0
    median = float(np.median(norm))
    if 4.9 <= median <= 35.0:
        return 1.0
    if 35.0 < median < 500.0:
        from retrogait.imports.inference import GRAVITY_MATCH, MOVING_GRAVITY_MAX_G, gravity_estimate

        quiet, _, _ = gravity_estimate(acc, fs_hz)
        if GRAVITY_MATCH[0] <= quiet / STANDARD_GRAVITY_MS2 <= MOVING_GRAVITY_MAX_G:
            notes.append(
                f"median |acc| {median:.3g} is above 1 g in m/s^2: the sensor never rests (its quietest 1 s "
                f"windows' mean |acc| is {quiet:.3g}); taken as m/s^2"
            )
            return 1.0
    if 0.5 <= median <= 3.5:
        notes.append(f"acceleration looked like g (median |acc| {median:.2f}); converted to m/s^2")
        return STANDARD_GRAVITY_MS2
    if 500.0 <= median <= 3500.0:
        notes.append(f"acceleration looked like mg (median |acc| {median:.0f}); converted to m/s^2")
        return STANDARD_GRAVITY_MS2 / 1000.0
    return None


def _gyr_scale(acc_ms2: NDArray[np.float64], gyr: NDArray[np.float64], notes: list[str]) -> float:
    """57.3 when the gyroscope looks like rad/s while the sensor clearly moves, else 1 (whether it moves is asked
    only of a gyroscope that looks like rad/s: PERF-54). Looks like rad/s: the 99th percentile of the rate each row
    and its two neighbours hold (:func:`_held_rates`) is under ``RADS_P99_DPS``; a rate one row alone holds (a spike)
    does not count, so spikes on 1 % of the rows or more cannot make a rad/s gyroscope read as deg/s (EDGE-266)."""
    rates = _held_rates(norm_rows(gyr))
    if quantile_at_least(rates, 99.0, RADS_P99_DPS):  # told by counting, else computed (PERF-54)
        return 1.0
    p99 = float(np.percentile(rates, 99))
    if not 0.0 < p99 < RADS_P99_DPS:  # the read's own rad/s bound (PERF-47), one value
        return 1.0
    if float(np.std(norm_rows(acc_ms2))) > 2.0:  # moving
        notes.append(f"angular rate looked like rad/s (99th percentile {p99:.2f}); converted to deg/s")
        return float(np.degrees(1.0))
    return 1.0


def _held_rates(rates: NDArray[np.float64]) -> NDArray[np.float64]:
    """|rate| (any unit) held by each row with its neighbours: the median of the row and the rows before and after it
    (the first and last rows with themselves twice), so a value one row alone reaches, no body segment's movement
    (a segment's rate rises and falls over tens of ms: several rows at 50 Hz and above), does not count. EDGE-266."""
    if rates.size < 3:
        return rates
    before = np.concatenate([rates[:1], rates[:-1]])
    after = np.concatenate([rates[1:], rates[-1:]])
    return np.maximum(np.minimum(before, rates), np.minimum(np.maximum(before, rates), after))


#: On a coarse signal (HONEST-8) a plateau at the extreme is clipping when its level is a sensor's full scale,
#: 2^m or 2^m - 1 steps from zero (within this many steps), or when rounding puts that many samples on its
#: level with a probability below CLIP_ROUNDING_ALPHA (HONEST-11).
FULL_SCALE_STEPS = 0.25
CLIP_ROUNDING_ALPHA = 0.01
#: sqrt(3) - 1: the two levels below a smooth maximum's top level hold at least this share of the top's samples
#: (time within d of the apex grows as sqrt(d); apex at the top level's upper edge), HONEST-29.
SMOOTH_MAXIMUM_SPREAD = float(np.sqrt(3.0) - 1.0)


def _impact_notes(
    acc_ms2: NDArray[np.float64], rest: NDArray[np.bool_], fs_hz: float, quantum_g: float | None, removed: bool
) -> list[str]:
    """The notes of what spoils impacts where they are measured: filtered before it was written (not told on a
    coarse signal, ``quantum_g`` g, HONEST-16), a gain off 1 g (not on gravity ``removed`` and put back,
    HONEST-35)."""
    return [
        *([] if is_coarse(quantum_g) else _smoothed_notes(acc_ms2, rest, fs_hz)),
        *([] if removed else _gain_notes(acc_ms2, rest, fs_hz, quantum_g)),
    ]


def _gain_notes(
    acc_ms2: NDArray[np.float64], rest: NDArray[np.bool_], fs_hz: float, quantum_g: float | None = None
) -> list[str]:
    """A note when the median |acc| (m/s^2) over the samples at ``rest`` (GAIN_MIN_REST_S or more) is further than
    GAIN_TOLERANCE from 1 g, plus what rounding to a grid of ``quantum_g`` g can put there (sqrt(3)/2 of a level:
    an 8-bit +-8 g part at rest reads up to 5.4 % off 1 g, calibrated, REVIEW-39): the accelerometer's gain is off,
    and every impact with it (HONEST-35)."""
    at = np.flatnonzero(rest)
    if at.size < GAIN_MIN_REST_S * fs_hz:
        return []
    at = at[:: max(1, at.size // GAIN_SAMPLES)]  # a median of this many tells 1 g to 0.01 %
    still_g = float(np.median(norm_rows(acc_ms2[at])))
    off = still_g / STANDARD_GRAVITY_MS2 - 1.0
    if abs(off) <= GAIN_TOLERANCE + 0.5 * np.sqrt(3.0) * (quantum_g or 0.0):
        return []
    return [
        f"at rest |acc| reads {still_g:.2f} m/s^2, {100 * off:+.1f} % off 1 g: the accelerometer is off its "
        f"calibration by more than a sensor's {100 * GAIN_TOLERANCE:g} %, and the impacts with it (the peak less "
        "1 g: on the lower back 2-3 times the error); calibrate the sensor or read impacts as relative (HONEST-35)"
    ]


def _clipped(
    acc_ms2: NDArray[np.float64],
    acc_range_g: float | None,
    settings: PreprocessSettings,
    quantum_g: float | None = None,
    notes: list[str] | None = None,
) -> NDArray[np.bool_]:
    """(n,) True where a sample sits at full scale: the declared range, or a plateau at an axis' extreme (the
    only test without a declared range; with one, a plateau below it is a sensor set to a smaller range than the
    header says, said in ``notes``, HONEST-34); on a coarse signal (``quantum_g`` g,
    :func:`retrogait.resolution.is_coarse`) only a plateau at a full scale of its grid (:func:`_full_scale`) or
    one holding more samples than rounding puts there (:func:`_piled_up`). Each axis' extreme is counted on that
    axis alone, and only where it can be a plateau (from 1.5 g; below a declared range)."""
    # each column reduced alone: max/min(axis=0) of an (n, 3) array runs 3 wide and costs 10 times as much
    high = np.array([acc_ms2[:, k].max() for k in range(acc_ms2.shape[1])])
    low = np.array([acc_ms2[:, k].min() for k in range(acc_ms2.shape[1])])
    peak = np.maximum(high, -low)
    full_scale = None if acc_range_g is None else CLIP_MARGIN * acc_range_g * STANDARD_GRAVITY_MS2
    candidate = peak >= MIN_FULL_SCALE_G * STANDARD_GRAVITY_MS2
    if full_scale is not None:
        candidate &= peak < full_scale  # at or beyond the declared range: clipped by it
    count = np.zeros(peak.shape, dtype=np.int64)
    level = peak * (1.0 - 1e-6)
    at_peak = {int(k): _at_level(acc_ms2[:, k], high[k], low[k], level[k]) for k in np.flatnonzero(candidate)}
    for axis, at in at_peak.items():
        count[axis] = np.count_nonzero(at)
    plateau = candidate & (count >= settings.clip_plateau_samples)
    if plateau.any() and quantum_g is not None and is_coarse(quantum_g):
        quantum_ms2 = quantum_g * STANDARD_GRAVITY_MS2
        plateau &= _full_scale(peak, quantum_ms2) | _piled_up(np.abs(acc_ms2), peak, count, quantum_ms2)
    clipped = np.zeros(acc_ms2.shape[0], dtype=bool)
    if full_scale is not None:
        for k in np.flatnonzero(peak >= full_scale):  # most recordings: no axis reaches it, no pass
            clipped |= _at_level(acc_ms2[:, k], high[k], low[k], full_scale)
    for k in np.flatnonzero(plateau):
        clipped |= at_peak[int(k)]
    if full_scale is not None and plateau.any() and notes is not None and acc_range_g is not None:
        notes.append(_clip_below_range_note(peak, count, plateau, acc_range_g))
    return clipped


def _at_level(column: NDArray[np.float64], high: float, low: float, level: float) -> NDArray[np.bool_]:
    """(n,) True where |``column``| >= ``level`` (> 0), comparing only the sides whose extreme (``high``, ``low``:
    the column's max and min) reaches it."""
    at = column >= level if high >= level else np.zeros(column.shape, dtype=bool)
    if -low >= level:
        at |= column <= -level
    return at


def declared_range_clipping(session: Session) -> tuple[float, str | None]:
    """The share of a session's samples (finite rows, acceleration in m/s^2) that ``analyze`` takes as clipped under
    a declared range (at it, or on a plateau at an axis' extreme below it), and the note of a plateau below it
    (HONEST-34), for ``info``; (0, None) without a declared range."""
    if session.meta.acc_range_g is None or session.n_samples == 0:
        return 0.0, None
    acc = session.acc[np.isfinite(session.acc).all(axis=1)]
    if acc.shape[0] == 0:
        return 0.0, None
    notes: list[str] = []
    settings = preset(session.meta.placement).preprocess
    clipped = _clipped(acc, session.meta.acc_range_g, settings, acc_quantum_g(acc), notes)
    return float(clipped.sum()) / session.n_samples, (notes[0] if notes else None)


def _clip_below_range_note(
    peak: NDArray[np.float64], count: NDArray[np.int64], below: NDArray[np.bool_], acc_range_g: float
) -> str:
    """The note of plateaus at axes' extremes ``peak`` (m/s^2; ``count`` samples each) below the declared range."""
    axes = ", ".join(
        f"{'xyz'[a]} at {peak[a] / STANDARD_GRAVITY_MS2:.3g} g ({count[a]} samples)" for a in np.flatnonzero(below)
    )
    return (
        f"acceleration flat at its extreme on {axes}, below the declared range of {acc_range_g:g} g: the sensor "
        "clipped there (set to a smaller range than the header says?); steps touching it are flagged clipped and "
        "their impact is a lower bound (HONEST-34)"
    )


def _full_scale(peak: NDArray[np.float64], quantum_ms2: float) -> NDArray[np.bool_]:
    """(axes,) True where the level ``peak`` (m/s^2) is 2^m or 2^m - 1 steps of ``quantum_ms2`` from zero,
    within FULL_SCALE_STEPS: where a sensor of that resolution reads its range (b bits over +-r g: steps of
    2r / 2^b, the range at 2^(b-1) of them, -2^(b-1) .. 2^(b-1) - 1 counts)."""
    steps = peak / quantum_ms2
    full = np.zeros(peak.shape, dtype=bool)
    for counts in (steps, steps + 1.0):
        power = np.exp2(np.round(np.log2(np.maximum(counts, 1.0))))
        full |= np.abs(counts - power) <= FULL_SCALE_STEPS
    return full


def _piled_up(
    mag: NDArray[np.float64], peak: NDArray[np.float64], count: NDArray[np.int64], quantum_ms2: float
) -> NDArray[np.bool_]:
    """(axes,) True where the ``count`` samples on an axis' largest level ``peak`` (m/s^2) of ``mag`` (n,
    axes; |acceleration|, m/s^2, on a grid of ``quantum_ms2``) are more than rounding puts there.

    Rounded to a step q, every value within q/2 of a level reads the level: a smooth peak of a coarse
    signal sits on its top level for several samples (8 bits over +-8 g, sacral running at 500 Hz: 2-9
    samples), as a clipped one does. A clip piles every value beyond the full scale on that one level;
    rounding gives the top level no more than the levels below it, where the values' density is higher.
    The top level's samples are taken as Poisson with the mean of the two levels below, and the plateau is
    clipping when that many or more has a chance below CLIP_ROUNDING_ALPHA.

    When the top level is one run of samples (one maximum above every other, a run's start from rest on
    the anterior axis: HONEST-29) its levels below hold only that peak's flanks: near a smooth maximum the
    time within d of the apex grows as sqrt(d), so the top level holds up to 1 / (sqrt(3) - 1) = 1.37 times
    the two levels below together (apex at the top level's upper edge), not half of them; the mean is that
    peak's own two levels below (the run's contiguous samples 0.5-2.5 steps under) times 1.37."""
    near = mag >= peak - 2.5 * quantum_ms2
    below = (near & (mag < peak - 0.5 * quantum_ms2)).sum(axis=0)
    rates = below / 2.0
    for axis in range(mag.shape[1]):
        top = np.flatnonzero(mag[:, axis] >= peak[axis] * (1.0 - 1e-6))
        if top.size and top[-1] - top[0] + 1 == top.size:  # one run: one smooth maximum
            far = np.flatnonzero(~near[:, axis])
            start = far[far < top[0]].max(initial=-1) + 1
            stop = far[far > top[-1]].min(initial=mag.shape[0])
            rates[axis] = (stop - start - top.size) / SMOOTH_MAXIMUM_SPREAD
    chance = [_poisson_tail(int(k), float(r)) for k, r in zip(count, rates, strict=True)]
    return np.asarray(chance) < CLIP_ROUNDING_ALPHA


def _poisson_tail(k: int, rate: float) -> float:
    """P(X >= k) for X Poisson with mean ``rate`` (k >= 0)."""
    if k <= 0:
        return 1.0
    if rate <= 0.0:
        return 0.0
    log_terms = -rate + np.concatenate([[0.0], np.cumsum(np.log(rate / np.arange(1, k)))])  # P(X = 0 .. k-1)
    return float(max(0.0, 1.0 - np.exp(log_terms).sum()))


def _uniform_grid(
    t: NDArray[np.float64],
    acc: NDArray[np.float64],
    gyr: NDArray[np.float64] | None,
    clipped: NDArray[np.bool_],
    fs_hz: float,
    by_order: bool = False,
) -> tuple[
    NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.bool_], NDArray[np.bool_], str
]:
    """Linear interpolation onto ``t0 + k / fs``; grid points inside a long time step are marked gap. The last
    item says how the samples were placed: ``uniform`` (already on the grid), ``slots`` (a uniform clock
    stamped with jitter, each sample on its own slot: _clock_slots), ``order`` (stamps too irregular for
    slots but no sample lost or added: one slot after the other, rate.order_slots; only with ``by_order``) or
    ``stamps`` (where stamped).

    A step is long when it exceeds GAP_FACTOR times the longer of the sample period and the longest
    regular interval (REGULAR_PERCENTILE): a phone that delivers its samples in bursts (Samsung: 1.5 to
    9 ms around 4.6 ms) has long intervals that lose no sample; a steady clock's longest regular
    interval is its period, so a single missing sample is a gap there as before."""
    period = 1.0 / fs_hz
    n = int(np.floor((t[-1] - t[0]) * fs_hz + 1e-6)) + 1
    if n == t.size and float(np.max(np.abs(t[0] + np.arange(n) * period - t))) < 0.1 * period:
        return t, acc, gyr, np.zeros(n, dtype=bool), clipped, "uniform"  # already uniform: no copy
    slots = _clock_slots(t, fs_hz)
    placed = "stamps" if slots is None else "slots"
    if slots is None and by_order:
        slots = order_slots(t, fs_hz)
        placed = "stamps" if slots is None else "order"
    if slots is not None:  # a uniform clock stamped with jitter: each sample on its own slot
        start, k = slots
        t = start + k.astype(np.float64) * period
        n = int(k[-1]) + 1
        runs = lost_slots(k) if n > t.size else None  # a few slots without their sample (PERF-149)
        del slots, k  # (samples,) int64: not held beside the grid's arrays (PERF-112)
        grid = np.asarray(start + np.arange(n) * period, dtype=np.float64)
    else:  # the grid made only now: not held beside the slots' fit above (PERF-112)
        grid, runs = t[0] + np.arange(n) * period, None
    # a steady clock's regular interval is its period: a stretch it delivered at a fraction of its rate (a phone's
    # screen off, power saving) is samples missing however long it lasts (HONEST-18)
    steady = placed in ("uniform", "slots") or steady_clock(t)
    longest_regular = period if steady or t.size < 2 else float(np.percentile(np.diff(t), REGULAR_PERCENTILE))
    longest = GAP_FACTOR * max(period, longest_regular)
    acc_u = np.empty((n, acc.shape[1]))
    gyr_u = np.empty((n, gyr.shape[1])) if gyr is not None else None
    gap, clipped_u = np.empty(n, dtype=bool), np.empty(n, dtype=bool)
    part = block_samples(n, GRID_BLOCK_SAMPLES)
    own = placed != "stamps" and n == t.size and n > 1 and np.array_equal(t, grid)  # t is the grid (PERF-138)
    if own and _onto_own_slots(t, longest, part, (acc, acc_u), (gyr, gyr_u), (clipped, clipped_u), gap):
        return grid, acc_u, gyr_u, gap, clipped_u, placed
    filled = (acc, acc_u), (gyr, gyr_u), (clipped, clipped_u), gap
    if runs is not None and t.size > 1 and onto_slots_with_holes(t, grid, runs, longest, part, filled):
        return grid, acc_u, gyr_u, gap, clipped_u, placed
    for first in range(0, n, part):  # a block of grid points at a time: no whole-recording index arrays (PERF-49)
        at = slice(first, first + part)
        right = np.clip(np.searchsorted(t, grid[at], side="right"), 1, t.size - 1)
        left = right - 1
        step = t[right] - t[left]
        gap[at] = step > longest
        w = np.clip((grid[at] - t[left]) / step, 0.0, 1.0)[:, None]
        acc_u[at] = acc[left] * (1.0 - w) + acc[right] * w
        if gyr_u is not None and gyr is not None:
            gyr_u[at] = gyr[left] * (1.0 - w) + gyr[right] * w
        clipped_u[at] = clipped[np.where(w[:, 0] < 0.5, left, right)]
    return grid, acc_u, gyr_u, gap, clipped_u, placed


def _onto_own_slots(
    t: NDArray[np.float64],
    longest: float,
    part: int,
    acc: tuple[NDArray[np.float64], NDArray[np.float64]],
    gyr: tuple[NDArray[np.float64] | None, NDArray[np.float64] | None],
    clipped: tuple[NDArray[np.bool_], NDArray[np.bool_]],
    gap: NDArray[np.bool_],
) -> bool:
    """:func:`_uniform_grid`'s interpolation where the grid is ``t`` itself (samples on their slots, one each): the
    same values without a search or gathered rows (PERF-138). At grid point i < n - 1 the interpolation's left
    sample is i at weight 0, so its sum is ``v[i] * 1.0 + v[i + 1] * 0.0`` (kept as a sum: a NaN or infinity beside
    it, a -0.0, give what they gave), at the last ``v[n - 2] * 0.0 + v[n - 1] * 1.0``; the step beside each point
    (s) tells the gap (over ``longest``); the clip flag is its own sample's. Fills the ``(source, out)`` pairs, a
    block of rows at a time (no whole-recording temporaries, PERF-49), and returns True; False where a step is not
    above 0 (two slots on one float: the general path, which writes every row again, keeps its 0 / 0)."""
    n = t.size
    for first in range(0, n - 1, part):
        end = min(first + part, n - 1)
        step = t[first + 1 : end + 1] - t[first:end]  # np.diff(t)'s values
        if not bool((step > 0.0).all()):
            return False
        gap[first:end] = step > longest
        for values, out in (acc, gyr):
            if values is not None and out is not None:
                out[first:end] = values[first:end] * _ONE + values[first + 1 : end + 1] * _ZERO
    gap[-1] = gap[-2]  # the last point's step is the one before it
    for values, out in (acc, gyr):
        if values is not None and out is not None:
            out[-1] = values[-2] * _ZERO + values[-1] * _ONE
    clipped[1][:] = clipped[0]
    return True


#: The interpolation's weights at a sample's own slot, as float64 whatever the values' type (the general path's
#: weights are float64 arrays).
_ONE, _ZERO = np.float64(1.0), np.float64(0.0)


def _timestamp_gaps(
    session: Session, t_grid: NDArray[np.float64], gap: NDArray[np.bool_], gyro_used: bool
) -> NDArray[np.bool_]:
    """The grid's gaps without those of rows left out for want of a gyroscope value (their note is
    _gyro_used's: the samples are there, GYRO-1), so the timing note counts only samples missing."""
    if not gap.any() or not gyro_used or session.gyr is None:
        return gap
    left_out = np.sort(session.t_s[session.gyro_missing])
    if not left_out.size:
        return gap
    period = float(t_grid[1] - t_grid[0]) if t_grid.size > 1 else 0.0
    at = np.searchsorted(left_out, t_grid)
    before, after = left_out[np.maximum(at - 1, 0)], left_out[np.minimum(at, left_out.size - 1)]
    nearest = np.minimum(np.abs(t_grid - before), np.abs(after - t_grid))
    return np.asarray(gap & ~(nearest < 1.5 * period))  # a grid point beside a left-out row: its slot


def _timing_notes(
    t: NDArray[np.float64], gap: NDArray[np.bool_], fs_hz: float, placement: str, placed: str
) -> list[str]:
    """What the timestamps cost (HONEST-4, HONEST-5): gaps (samples missing: a contact there is not found,
    and no note said so) and, where impact is measured, stamps too irregular to be put on the sensor's own
    clock (each sample more than SNAP_PERIODS from its slot, or two on one): interpolated between
    misplaced samples, a peak of one or two samples reads low and a landing can be missed (foot_walking,
    204.8 Hz: +-3 ms stamps moved impacts by 24 % median; bursts of 4 a quarter period apart by 43 %, and
    contact F1 0.991 -> 0.922)."""
    notes = []
    if gap.any():
        starts, ends = true_runs(gap)
        longest = float((ends - starts).max()) / fs_hz
        notes.append(
            f"{starts.size} gap{'s' if starts.size > 1 else ''} in the timestamps ({gap.sum() / fs_hz:.2f} s without "
            f"samples, the longest {longest:.2f} s): nothing is measured in a gap, so a contact there is not found, "
            "steps touching one are flagged gap and no step time spans one"
        )
    if placed == "order":
        notes.append(
            "the timestamps are too irregular to put each sample on its own slot of the sensor's clock (jitter or "
            "bursts of more than half a sample period), but none is lost or added: the samples were put on the "
            "clock one after the other, its phase the stamps' median"
        )
    if placed == "stamps" and placement not in STEP_COUNT_PLACEMENTS and not steady_clock(t):
        notes.append(
            "the timestamps are too irregular to put the samples on the sensor's clock (jitter or bursts of more "
            "than half a sample period): they were interpolated where stamped, so impact peaks can read low and "
            "contacts can be missed"
        )
    return notes


#: No accelerometer is quieter than this (g/sqrt(Hz)): half the noise density of the quietest MEMS parts (ADXL355,
#: 20-25 ug/sqrt(Hz); phones' and IMUs' 70-400). Acceleration below it over the top of its band was low-pass
#: filtered or smoothed before it was written (HONEST-16).
NOISE_FLOOR_G_PER_RTHZ = 10e-6
#: The top of the band, as fractions of the rate: above it the sensors' own anti-alias filters may act.
TOP_BAND = (0.3, 0.45)
#: Rest judged from still stretches this long (s) adding up to REST_FOR_BAND_S; else the whole recording.
REST_STRETCH_S = 1.0
REST_FOR_BAND_S = 2.0


def _smoothed_notes(acc_ms2: NDArray[np.float64], rest: NDArray[np.bool_], fs_hz: float) -> list[str]:
    """A note when the acceleration holds less than any accelerometer's own noise (NOISE_FLOOR_G_PER_RTHZ) over
    the top of its band (TOP_BAND of the rate): at rest where the recording rests long enough (noise is all a
    resting sensor gives), else over the whole recording (movement only adds). A phone or app that low-pass
    filters its accelerometer (a 2nd-order 20 Hz filter at 200 Hz: foot impacts -75 % median, sacral running
    at 500 Hz -13 %) or a resampling that smooths leaves exactly that, and nothing said so."""
    width = round(fs_hz)  # 1 Hz bins
    g = acc_ms2  # m/s^2, the densities in g below: the recording is not copied
    stretches = [(a, b) for a, b in zip(*true_runs(rest), strict=True)]
    stretches = [(a, b) for a, b in stretches if b - a >= REST_STRETCH_S * fs_hz]
    at_rest = sum(b - a for a, b in stretches) >= REST_FOR_BAND_S * fs_hz
    parts = stretches if at_rest else [(0, g.shape[0])]
    if not at_rest and g.shape[0] < 2 * width:
        return []
    total = np.zeros(width // 2 + 1)
    for a, b in parts:
        total += _psd(g[a:b], width, fs_hz).max(axis=1) * (b - a)
    freqs = np.fft.rfftfreq(width, 1.0 / fs_hz)
    density = np.sqrt(total / sum(b - a for a, b in parts)) / STANDARD_GRAVITY_MS2
    top = (freqs >= TOP_BAND[0] * fs_hz) & (freqs <= TOP_BAND[1] * fs_hz)
    if not top.any() or float(np.median(density[top])) >= NOISE_FLOOR_G_PER_RTHZ:
        return []
    above = np.flatnonzero((density >= NOISE_FLOOR_G_PER_RTHZ) & (freqs <= TOP_BAND[1] * fs_hz))
    upto = float(freqs[above.max()]) if above.size else 0.0
    where = "at rest" if at_rest else "over the recording"
    return [
        "the acceleration holds less than any accelerometer's own noise "
        f"({NOISE_FLOOR_G_PER_RTHZ * 1e6:g} ug/sqrt(Hz)) {where} above about {upto:.0f} Hz: it was low-pass "
        "filtered or smoothed before it was written (by the phone, the app or a resampling), so impact peaks "
        "and loading rates read low, and contacts, step times and "
        "contact times can be off"
    ]


def _clock_slots(t: NDArray[np.float64], fs_hz: float) -> tuple[float, NDArray[np.int64]] | None:
    """(start s, slot of each sample) when the timestamps ``t`` are a uniform ``fs_hz`` clock stamped with
    delivery jitter or in bursts: each within SNAP_PERIODS of its own slot ``start + k / fs_hz`` (``start``
    in the middle of the stamps' phases), no two on one slot; else None.

    A phone or BLE host stamps samples when they arrive, not when the sensor took them. Interpolated at
    their stamps, a landing's peak of one or two samples is read between misplaced samples: +-0.5 ms on a
    204.8 Hz foot lowered impact peaks by 4 % (median), +-1.5 ms by 12 %. On their slots the samples are
    the sensor's own, and the peak is its own again."""
    if t.size < 3:
        return None
    r = (t - t[0]) * fs_hz
    if _two_on_one_slot(r) or _off_every_pinned_line(r):  # None whatever the fits give: not fitted (PERF-146)
        return None
    slope, offset = 1.0, 0.0
    for _ in range(2):  # a rate measured from jittered stamps is off by ~1e-4: the slots' line is refitted
        x = r / slope
        slope, offset = line_fit(np.rint(x - _middle_phase(x)), r)  # np.polyfit's bits (PERF-137)
        if not slope > 0:
            return None
    exact = (r - offset) / slope
    k = np.rint(exact)
    if float(np.max(np.abs(exact - k))) > SNAP_PERIODS or bool(np.any(np.diff(k) < 1)):
        return None
    return float(t[0] + (offset + slope * k[0]) / fs_hz), (k - k[0]).astype(np.int64)


#: Clock periods: a step shorter than this puts two samples on one slot or one off its slot (PERF-146). Half the
#: least step two slots allow (1 - 2 SNAP_PERIODS): the margin holds the fitted slope's 1 % from 1 (below).
MIN_SLOT_STEP = 0.5 * (1.0 - 2.0 * SNAP_PERIODS)
#: Clock periods: a spread of the stamps' clock positions that pins both fitted slopes within 1 % of 1 (below).
SLOPE_PINNING_SPREAD = 100.0
#: Steps looked at a block at a time (no (n,) temporary; bursts show within the first block).
SLOT_STEP_BLOCK = 1 << 16


def _two_on_one_slot(r: NDArray[np.float64]) -> bool:
    """True where :func:`_clock_slots` returns None whatever its fits give, shown without fitting (PERF-146): the
    stamps ``r`` (clock periods from the first) hold a step shorter than MIN_SLOT_STEP and spread enough to pin the
    slope. False: not shown (the fits decide, as before).

    Why it holds: each fit regresses ``r`` on whole numbers ``y`` within 1 of ``r / slope`` less the phase, so
    ``y = r / slope + d`` with d spanning at most one period (its standard deviation at most 0.5). With ``q`` =
    0.5 / the standard deviation of ``r / slope``, the least-squares slope is the previous one times a factor in
    [1 / (1 + q), (1 - q) / (1 - 2 q)]. The standard deviation of ``r`` is at least the distance between its first
    and last values over sqrt(2 n) (those two alone deviate that much from the mean); at SLOPE_PINNING_SPREAD or
    more, q <= 0.005 for both fits (the first slope 1), and the second slope lies in [0.990, 1.011]. A step under
    MIN_SLOT_STEP (0.05) is then under 0.051 on the fitted clock: the two samples are on one slot (the slots do not
    increase) or on neighbouring slots with their distances from them adding to over 0.94, one over SNAP_PERIODS
    (0.45). Negative steps too (the slots do not increase). Stamps not all finite are not taken as shown (the fits
    raise there, as before; no caller passes one, EDGE-257)."""
    n = r.size
    spread = abs(float(r[-1] - r[0]))
    if not (np.isfinite(spread) and spread >= SLOPE_PINNING_SPREAD * np.sqrt(2.0 * n)):
        return False
    for first in range(0, n - 1, SLOT_STEP_BLOCK):
        end = min(first + SLOT_STEP_BLOCK, n - 1)
        with np.errstate(invalid="ignore"):  # inf - inf: a NaN step, not shown; no warning of its own (REVIEW-229)
            short = bool((r[first + 1 : end + 1] - r[first:end] < MIN_SLOT_STEP).any())
        if short:
            return bool(np.isfinite(r).all())  # a NaN: left to the fits, which raise as before
    return False


#: Stamps in the stretches of :func:`_off_every_pinned_line`, shortest first: a clock that drifts from the line
#: shows over a long stretch, one with long steps only over a short one, and the slope's slack grows with the length.
SLOT_BAND_SAMPLES = (1024, 4096, 16384)
#: Clock periods: a step shorter than this is one slot where the fits' slope lies within 1 % of 1 (it is under 1.1
#: slots, and two slots need 1 + 2 x (1 - SNAP_PERIODS) = 1.1 at least).
ONE_SLOT_STEP = 1.05


def _off_every_pinned_line(r: NDArray[np.float64]) -> bool:
    """True where :func:`_clock_slots` returns None whatever its fits give, shown without fitting (PERF-146): a
    stretch of m stamps ``r`` (clock periods from the first; m one of SLOT_BAND_SAMPLES), each step under
    ONE_SLOT_STEP, lies wider than 2 SNAP_PERIODS slots about every line of the slopes the fits can give. False:
    not shown.

    Why it holds (see :func:`_two_on_one_slot` for the slope): with ``q`` = 0.5 / the standard deviation of ``r``
    (itself over 100: ``q`` <= 0.005) the first fit's slope lies in [1 / (1 + q), (1 - q) / (1 - 2 q)] and the
    second's in that times the same interval of q x the first slope: [lo, hi], within 1 % of 1. Were the samples
    on their slots, each step of the stretch (under 1.05 / 0.99 < 1.1 slots) would be one slot, so ``r[i] - s i``
    would lie within a band 2 SNAP_PERIODS x s wide for the fitted slope s. Over m stamps ``r[i] - s i`` moves by
    at most (m - 1) |s - mid| from its value at the interval's middle, so a stretch wider than that plus 0.9 hi
    (1e-6 more for the roundings) at the middle is off every such line: a sample is over SNAP_PERIODS from its
    slot. Stamps not all finite: not shown (the standard deviation is NaN)."""
    n = r.size
    if n < SLOT_BAND_SAMPLES[0]:
        return False
    with np.errstate(invalid="ignore"):  # an infinite stamp: a NaN deviation, not shown, no warning (REVIEW-229)
        spread = float(np.std(r))
    if not (np.isfinite(spread) and spread >= SLOPE_PINNING_SPREAD):
        return False
    q = 0.5 / spread * (1.0 + 1e-6)  # the 1e-6: np.std's roundings
    first_lo, first_hi = 1.0 / (1.0 + q), (1.0 - q) / (1.0 - 2.0 * q)
    q2 = q * first_hi
    lo = first_lo / (1.0 + q2) * (1.0 - 1e-9)  # the 1e-9: the fits' roundings
    hi = first_hi * (1.0 - q2) / (1.0 - 2.0 * q2) * (1.0 + 1e-9)
    return any(_off_the_band(r, m, lo, hi) for m in SLOT_BAND_SAMPLES if m <= n)


def _off_the_band(r: NDArray[np.float64], m: int, lo: float, hi: float) -> bool:
    """:func:`_off_every_pinned_line` over the stretches of ``m`` stamps (``r[j m : (j + 1) m]``), the slopes in
    [``lo``, ``hi``]; SLOT_STEP_BLOCK stamps at a time (no (n,) temporary)."""
    mid, slack = 0.5 * (lo + hi), (m - 1) * 0.5 * (hi - lo)
    line = mid * np.arange(m)
    stretches = r[: (r.size // m) * m].reshape(-1, m)
    rows = max(1, SLOT_STEP_BLOCK // m)
    for first in range(0, stretches.shape[0], rows):
        part = stretches[first : first + rows]
        one_slot = (np.diff(part, axis=1) < ONE_SLOT_STEP).all(axis=1)
        off = part - line
        width = off.max(axis=1) - off.min(axis=1)
        if bool((one_slot & (width - slack > 2.0 * SNAP_PERIODS * hi + 1e-6)).any()):
            return True
    return False


def _middle_phase(x: NDArray[np.float64]) -> float:
    """The middle of the arc (in periods, [0, 1)) that the fractional parts of ``x`` occupy: opposite the
    widest empty arc between them, so that the largest distance from a slot is the smallest; NaN where a phase is
    not finite (as before PERF-130, whose buckets cannot hold one; no caller passes one: EDGE-257)."""
    with np.errstate(invalid="ignore"):  # an infinite x: a NaN phase
        f = x - np.floor(x)
    if np.isnan(f).any():  # ~0.35 ms for an hour's 720,000 stamps, 3 % of the call
        return float("nan")
    widest = _widest_empty_arc(f)
    if widest is None:  # the phases fill every stretch of 3 buckets: found from them all in order
        f = np.sort(f)
        empty = np.diff(np.concatenate([f, [f[0] + 1.0]]))
        i = int(np.argmax(empty))
        widest = float(f[i]), float(empty[i])
    start, empty_arc = widest
    return float((start + 0.5 * empty_arc + 0.5) % 1.0)


def _widest_empty_arc(f: NDArray[np.float64]) -> tuple[float, float] | None:
    """(start, length) of the widest empty arc between the phases ``f`` (in [0, 1], a circle), the same two floats
    the phases in order give (the first such arc in that order; the one across 1 last), or None where no stretch of
    3 of ``f.size`` equal buckets is empty. Without sorting them (PERF-130): an arc across r empty buckets is longer
    than r buckets and shorter than r + 2, so only those beside the longest run of empty buckets (less 2) can be
    the widest, and only their end buckets' phases are sorted."""
    buckets = f.size
    at = np.minimum((f * buckets).astype(np.int64), buckets - 1)
    full = np.flatnonzero(np.bincount(at, minlength=buckets))
    if full.size < 2:
        return None
    runs = np.diff(full) - 1
    longest = max(int(runs.max()), int(full[0] + buckets - full[-1] - 1))  # the run across 1 counts too
    if longest < 3:
        return None
    near = np.flatnonzero(runs >= longest - 2)
    ends = np.unique(np.concatenate([full[near], full[near + 1], full[[0, -1]]]))
    wanted = np.zeros(buckets, dtype=bool)
    wanted[ends] = True
    picked = wanted[at]
    values, where = f[picked], at[picked]
    order = np.lexsort((values, where))
    values, where = values[order], where[order]
    low = dict(zip(ends.tolist(), values[np.searchsorted(where, ends, side="left")].tolist(), strict=True))
    high = dict(zip(ends.tolist(), values[np.searchsorted(where, ends, side="right") - 1].tolist(), strict=True))
    starts = [high[int(full[i])] for i in near] + [high[int(full[-1])]]
    empties = [low[int(full[i + 1])] - high[int(full[i])] for i in near]
    empties.append((low[int(full[0])] + 1.0) - high[int(full[-1])])
    best = int(np.argmax(empties))
    return starts[best], empties[best]


def _unit(v: NDArray[np.float64]) -> NDArray[np.float64]:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def _rotating(gyr: NDArray[np.float64] | None, n: int, fs_hz: float, max_rate_dps: float) -> NDArray[np.bool_]:
    """(n,) True where the sensor turns faster than ``max_rate_dps`` (deg/s, |omega| averaged over 0.5 s);
    False without a gyroscope. A pivot on the spot barely changes |acc|, so the still mask takes it for
    standing, but its centripetal acceleration tilts a mean taken as the vertical (issue 17)."""
    if gyr is None:
        return np.zeros(n, dtype=bool)
    width = max(nearest_samples(0.5, fs_hz), 1)
    return np.asarray(moving_average(norm_rows(gyr), width) > max_rate_dps)


def _vertical(acc: NDArray[np.float64], still: NDArray[np.bool_], gap: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Up, in sensor coordinates: mean specific force over still samples (>= 1 s of them), else overall.

    Over whole strides the mean ground force balances gravity, so the mean specific force points up.
    """
    use = still & ~gap
    if use.sum() < 50:
        use = ~gap
    return _unit(acc[use].mean(axis=0))


@dataclass(frozen=True)
class YawCheck:
    """The declared anterior axis checked against the gait (see docs/analysis.md, "Anterior").

    Attributes:
        yaw_deg: angle (deg) from the declared anterior axis to the anterior line found from the gait,
            about body z (positive counter-clockwise seen from above), within +-90; None when not checked.
        applied: True when the found line replaced the declared axis (foot/shank with gyroscope).
    """

    yaw_deg: float | None = None
    applied: bool = False


@dataclass(frozen=True)
class AnteriorFrame:
    """The anterior axis an analysis found, handed to another analysis of the same sensor on the same
    mounting (GYRO-2: a stretch without gyroscope keeps the axis, its sign and the mounting yaw that the
    gyroscope analysis found; the acceleration alone may find another or none).

    Attributes:
        axis: anterior unit vector (sensor coordinates; zeros when none was found).
        source, sign_known, yaw: as BodySignals' ``anterior_source``, ``anterior_sign_known`` and
            ``anterior_yaw_deg`` / ``anterior_yaw_applied``.
    """

    axis: NDArray[np.float64]
    source: str
    sign_known: bool
    yaw: YawCheck

    @classmethod
    def of(cls, signals: BodySignals) -> AnteriorFrame | None:
        """The frame of ``signals`` (None without a rotation)."""
        if signals.sensor_to_body is None:
            return None
        yaw = YawCheck(signals.anterior_yaw_deg, signals.anterior_yaw_applied)
        return cls(signals.sensor_to_body[0].copy(), signals.anterior_source, signals.anterior_sign_known, yaw)

    def on(self, z: NDArray[np.float64]) -> tuple[NDArray[np.float64], str, bool, YawCheck] | None:
        """The axis put on the horizontal of the vertical ``z`` (sensor coordinates) with its source, sign and
        yaw, as :func:`_anterior` gives them; None when the axis is not horizontal there (more than 60 deg
        from it: the vertical found differs, the axis is found again)."""
        if not np.any(self.axis):
            return np.zeros(3), self.source, False, self.yaw
        horizontal = self.axis - (self.axis @ z) * z
        if np.linalg.norm(horizontal) < 0.5:
            return None
        return _unit(horizontal), self.source, self.sign_known, self.yaw


def _anterior(
    acc: NDArray[np.float64],
    gyr: NDArray[np.float64] | None,
    z: NDArray[np.float64],
    anterior_axis: str | None,
    fs_hz: float,
    placement: str,
    unused: NDArray[np.bool_],
    notes: list[str],
    settings: PreprocessSettings,
) -> tuple[NDArray[np.float64], str, bool, YawCheck]:
    """Anterior unit vector (sensor coordinates, horizontal), its source, whether its sign is known,
    and the check of a declared axis against the gait (from the samples not marked ``unused``: gaps
    and still stretches)."""
    declared: NDArray[np.float64] | None = None
    if anterior_axis is not None:
        a = axis_vector(anterior_axis)
        horizontal = a - (a @ z) * z
        if np.linalg.norm(horizontal) > 0.5:
            declared = _unit(horizontal)
        else:
            notes.append(f"anterior axis {anterior_axis} is nearly vertical; found the anterior axis from the signal")
    leg_gyro = gyr is not None and placement in ("foot", "shank")
    if declared is not None and not leg_gyro and placement != "lower_back":
        return declared, "header", True, YawCheck()  # no physics to check the declared axis against
    moving = ~unused
    if moving.sum() < fs_hz:
        if declared is not None:
            return declared, "header", True, YawCheck()
        if placement not in STEP_COUNT_PLACEMENTS:  # phones never read one: nothing to say (HONEST-30)
            notes.append("too little movement to find the anterior axis")
        return np.zeros(3), "none", False, YawCheck()
    if leg_gyro:
        assert gyr is not None
        # Foot and shank rotate mostly in the sagittal plane: the main rotation axis is left-right.
        left, dominance = _principal_horizontal(gyr, moving, z, centre=False)
        line = np.cross(left, z)
    else:
        # Trunk: the horizontal acceleration with the most power is antero-posterior (braking / propulsion
        # once per step); the medio-lateral sway repeats once per stride and is smaller in running.
        line, dominance = _principal_horizontal(acc, moving, z, centre=True)
    if declared is not None:
        assert anterior_axis is not None
        return _check_declared(declared, anterior_axis, line, dominance, z, leg_gyro, notes, settings)
    if placement not in STEP_COUNT_PLACEMENTS:  # phones use |a| only: their facing is never asked for
        notes.append("anterior axis found from the signal; which way the wearer faces is not known")
    return _unit(line), "signal", False, YawCheck()


#: Welch segments transformed at once (:func:`_psd`): their copies and spectra ~ 2 MB a 1,000 at 100 Hz, where a
#: stretch's all at once held ~180 bytes a sample of it (a night's rest: hundreds of MB; REVIEW-9).
PSD_SEGMENTS = 1024


def _psd(x: NDArray[np.float64], width: int, fs_hz: float) -> NDArray[np.float64]:
    """(width // 2 + 1, axes) one-sided power spectral density of ``x`` (n >= width, axes; unit^2/Hz): Welch's
    mean over Hann-windowed segments of ``width`` samples, half overlapping, each less its mean (numpy only:
    analyze loads no scipy)."""
    window = np.hanning(width)
    hop = max(width // 2, 1)
    count = (x.shape[0] - width) // hop + 1
    power = np.zeros((width // 2 + 1, x.shape[1]))
    for first in range(0, count, PSD_SEGMENTS):  # a block of segments at a time: a night's rest is not copied
        k = min(PSD_SEGMENTS, count - first)
        power += _segments_power(x[first * hop :], width, hop, k, window)
    power /= count * fs_hz * float(window @ window)
    power[1 : (width + 1) // 2] *= 2.0  # one-sided: every bin but DC (and Nyquist for an even width) twice
    return np.asarray(power)


def _segments_power(
    x: NDArray[np.float64], width: int, hop: int, k: int, window: NDArray[np.float64]
) -> NDArray[np.float64]:
    """(width // 2 + 1, axes) sum over ``k`` segments of ``x`` (``width`` samples every ``hop``) of |FFT|^2 of the
    segment less its mean, Hann-windowed: each sum added in the order numpy adds it over the segments laid out
    (k, width, axes) as they were until PERF-42, so the same bits.

    Laid out so, a segment's mean is a reduction whose inner loop is three values long and each FFT reads a stride
    of three values (most of the 24 ms of a 10-minute recording's spectrum at 200 Hz); here the mean adds the same
    samples in the same order with the segments as the inner loop, and each FFT runs along a contiguous row. Where
    that order would differ (one axis, whose mean numpy sums pairwise, a single segment, float32) the layout is the
    old one."""
    axes = x.shape[1]
    row, col = x.strides
    if axes < 2 or k < 2 or width < 2 or x.dtype != np.float64:
        segments = x[np.arange(k)[:, None] * hop + np.arange(width)]  # (k, width, axes)
        segments = (segments - segments.mean(axis=1, keepdims=True)) * window[None, :, None]
        return np.asarray((np.abs(np.fft.rfft(segments, axis=1)) ** 2).sum(axis=0))
    # (axes, width, k): sample j of every segment in one row, so each segment's sum adds sample after sample
    by_sample = as_strided(x, shape=(axes, width, k), strides=(col, row, hop * row), writeable=False).copy()
    mean = np.add.reduce(by_sample, axis=1)
    mean /= width  # np.mean's division
    del by_sample
    # (axes, k, width): each segment in a row of its own, the FFT's axis contiguous
    segments = as_strided(x, shape=(axes, k, width), strides=(col, hop * row, row), writeable=False).copy()
    segments -= mean[:, :, None]
    segments *= window
    return np.asarray((np.abs(np.fft.rfft(segments, axis=-1)) ** 2).sum(axis=1).T)


def _turned_over(session: Session, z: NDArray[np.float64], anterior_axis: str | None, notes: list[str]) -> bool:
    """True, with a note, when gravity points up along the sensor's declared ``vertical_axis`` reversed (more
    than 90 deg from it): the sensor is worn turned over against its declared mounting, a half turn about
    some horizontal axis. About the anterior axis forward stays where declared, about the lateral axis it is
    reversed, and gravity cannot tell the two apart: the declared anterior axis' sign says nothing (HONEST-15).
    A header with gravity removed has no gravity to check (its vertical is the declared one)."""
    declared = session.meta.vertical_axis
    if declared not in AXES or session.meta.gravity_removed or anterior_axis is None:
        return False
    cosine = float(axis_vector(str(declared)) @ z)
    if cosine >= 0.0:
        return False
    off_deg = float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))
    notes.append(
        f"up is along {_nearest_axis(z)} but the header declares {declared} up ({off_deg:.0f} deg off): the "
        f"sensor is worn turned over, so which end of the declared anterior axis {anterior_axis} is forward is not "
        "known; the gait decides where it can, other steps' direction stays unknown (declare the mounting as worn)"
    )
    return True


def _principal_horizontal(
    v: NDArray[np.float64], use: NDArray[np.bool_], z: NDArray[np.float64], centre: bool
) -> tuple[NDArray[np.float64], float]:
    """Unit horizontal axis (sensor coordinates) along which ``v`` (n, 3) has the most power over the
    samples ``use``, and its dominance: the ratio of the largest to the second horizontal eigenvalue
    (1 = no preferred axis). One pass over the data, no copy of the selected rows."""
    weighted = _weighted(v, use)  # (3, n)
    power = weighted @ v
    if centre:
        count = float(use.sum())
        mean = weighted.sum(axis=1) / count
        power = power - count * np.outer(mean, mean)
    flat = np.eye(3) - np.outer(z, z)  # projection on the horizontal plane
    vals, vecs = np.linalg.eigh(flat @ power @ flat)  # ascending; the smallest is the vertical (~0)
    axis = _unit(vecs[:, -1] - (vecs[:, -1] @ z) * z)
    return axis, float(vals[-1] / vals[-2]) if vals[-2] > 0 else float("inf")


def _weighted(v: NDArray[np.float64], use: NDArray[np.bool_]) -> NDArray[np.float64]:
    """``v.T * use`` ((3, n), ``v``'s unit; 0 where not ``use``), in the layout numpy gives it (C where ``v`` is
    F-ordered, so the product after it is the same BLAS call): for a float64 ``v``, the halves of its samples on two
    cores where one is free (PERF-158; an element-wise product, the same bits)."""
    if v.dtype != np.float64 or use.dtype != np.bool_:
        return np.asarray(v.T * use)
    out = np.empty_like(v.T)
    in_halves(
        lambda start, stop: np.multiply(v[start:stop].T, use[start:stop], out=out[:, start:stop]),
        v.shape[0],
        row_values=3,
    )
    return out


def _check_declared(
    declared: NDArray[np.float64],
    anterior_axis: str,
    line: NDArray[np.float64],
    dominance: float,
    z: NDArray[np.float64],
    leg_gyro: bool,
    notes: list[str],
    settings: PreprocessSettings,
) -> tuple[NDArray[np.float64], str, bool, YawCheck]:
    """The declared anterior axis against the anterior line found from the gait (docs/analysis.md).

    Foot/shank with gyroscope: the sagittal rotation dominates, so the line replaces the declared axis
    (mounting yaw) when they differ by more than ``refine_above_deg``, signed to agree with it; beyond
    ``max_declared_yaw_deg`` the declared sign says nothing and the sign becomes unknown. Lower back: the
    acceleration's main horizontal axis is a weaker cue (walking sway rivals braking), so a declared
    axis more than ``declared_sign_warning_deg`` from it only gets a note.
    """
    x = line if float(line @ declared) >= 0 else -line
    yaw = float(np.degrees(np.arctan2(float(np.cross(declared, x) @ z), float(declared @ x))))
    if not leg_gyro:
        if dominance >= settings.trunk_axis_dominance_ratio and abs(yaw) > settings.declared_sign_warning_deg:
            notes.append(
                f"the declared anterior axis {anterior_axis} is {abs(yaw):.0f} deg from the trunk's main "
                f"horizontal acceleration (braking and propulsion); if the sensor was worn turned, direction "
                f"is unreliable: pass --anterior-axis with the axis that points forward ({_nearest_axes(x)})"
            )
        return declared, "header", True, YawCheck(yaw_deg=yaw, applied=False)
    if dominance < settings.sagittal_dominance_ratio:
        notes.append(
            f"the gyroscope shows no dominant rotation axis (ratio {dominance:.1f}); "
            f"the declared anterior axis {anterior_axis} is used as given"
        )
        return declared, "header", True, YawCheck(yaw_deg=yaw, applied=False)
    if abs(yaw) > settings.max_declared_yaw_deg:
        notes.append(
            f"the declared anterior axis {anterior_axis} is {abs(yaw):.0f} deg from the swing direction found "
            f"from the gyroscope, so it does not say which way is forward; steps whose facing the gait itself "
            f"cannot tell stay unknown; pass --anterior-axis with the axis that points forward ({_nearest_axes(x)})"
        )
        return x, "signal", False, YawCheck(yaw_deg=yaw, applied=True)
    if abs(yaw) <= settings.refine_above_deg:
        return declared, "header", True, YawCheck(yaw_deg=yaw, applied=False)
    note = (
        f"anterior axis refined from the gyroscope: forward lies {yaw:+.0f} deg about the vertical "
        f"from the declared {anterior_axis} (the sensor is mounted turned)"
    )
    if abs(yaw) > settings.declared_sign_warning_deg:
        note += (
            "; which end is forward rests on the declared axis alone: if the directions read reversed, "
            f"pass --anterior-axis with the axis that points forward ({_nearest_axes(x)})"
        )
    notes.append(note)
    return x, "header", True, YawCheck(yaw_deg=yaw, applied=True)


def _nearest_axis(v: NDArray[np.float64]) -> str:
    """The signed sensor axis closest to the direction v ("-z")."""
    k = int(np.argmax(np.abs(v)))
    return f"{'+' if v[k] > 0 else '-'}{'xyz'[k]}"


def _nearest_axes(x: NDArray[np.float64]) -> str:
    """The sensor axis closest to the line x, both signs ("+y or -y")."""
    k = int(np.argmax(np.abs(x)))
    return f"+{'xyz'[k]} or -{'xyz'[k]}"
