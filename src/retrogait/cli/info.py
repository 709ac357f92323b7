"""``retrogait info``: a one-screen summary of recordings, read as ``analyze`` reads them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from retrogait.cli.app import app
from retrogait.cli.display import line_console, safe
from retrogait.cli.reader_options import reader_options

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from retrogait.gyro_subrate import SubRate
    from retrogait.imports.base import ReaderOptions
    from retrogait.session import Session


@app.command()
@reader_options
def info(
    files: Annotated[
        list[Path], typer.Argument(help="Recordings: session files or any export 'analyze' reads.", show_default=False)
    ],
    *,
    reader: ReaderOptions,
) -> None:
    """Summarise recordings, one line each: format, placement, duration, rate, gyro, gravity, gaps,
    |acc| median, clipping; then the sensor, what was inferred while reading (the inferred_* keys) and the reader's
    notes (what it inferred, converted or dropped: ``import_notes``, as analyze repeats them; EDGE-256).

    A file that cannot be read gets one error line; the others are still summarised.
    """

    from retrogait.analysis.preprocess import ANY_UNIT_LIMIT, declared_range_clipping
    from retrogait.conventions import BRIDGE_MAX_S
    from retrogait.errors import RetrogaitError
    from retrogait.imports import load_recording
    from retrogait.summary import absurd_samples, gyro_text, session_overview

    console = line_console(highlight=False)
    problems: list[str] = []
    for path in files:
        try:
            session = load_recording(path, **reader.load_kwargs()).session
            o = session_overview(session)
        except RetrogaitError as exc:
            problems.append(str(exc))
            continue
        meta = session.meta
        clipped, below_range = declared_range_clipping(session)  # the analysis' rule, a plateau too (HONEST-34)
        facts = [
            meta.extra.get("import_format", "native"),
            o.placement + (f" {o.side}" if o.side else ""),
            f"{o.duration_s:.1f} s",
            f"{o.measured_rate_hz:.1f} Hz",
            f"gyro {gyro_text(session)}",
            f"gravity {meta.acc_gravity or 'included'}",
            f"gaps {o.n_gaps} ({o.gap_total_s:.2f} s)" if o.n_gaps else "gaps 0",
            f"|acc| median {o.median_acc_norm_ms2:.2f} m/s²",
            f"clipped {100 * clipped:.2f} %" if o.clipped_fraction is not None else "range unknown",
        ]
        console.print(f"[bold]{safe(path.name)}[/bold]  {safe(' · '.join(facts))}")
        details = [("sensor", o.sensor)] if o.sensor else []
        if o.placement == "other":  # what an import without --placement gives: a default, not a finding (EDGE-186)
            details.append(("placement", "not given: `other` (steps and cadence only); give --placement"))
        details += [(k, v) for k, v in meta.extra.items() if k.startswith("inferred_")]
        details += [("import note", note) for note in import_notes(session)]
        if below_range:
            details.append(("clipping", below_range))
        if meta.extra.get("import_cut_short"):  # read up to where the file was cut off (EDGE-9)
            details.append(("cut short", meta.extra["import_cut_short"]))
        if meta.extra.get("import_gyro_left_out"):  # a gyroscope read but not used (EDGE-29)
            details.append(("gyroscope", meta.extra["import_gyro_left_out"]))
        missing = session.gyro_missing if session.gyr is not None else None
        keep = _kept_rows(session)  # read once for both gyroscope lines, where one needs it (EDGE-256)
        if missing is not None and missing.any():  # rows kept without a gyroscope value (EDGE-46)
            details.append(("gyroscope", _gyro_missing_detail(session, missing, keep)))
        details += [("gyroscope", line) for line in _separate_gyro_lines(session, keep)]
        own = _acc_own_rows_detail(session)  # an accelerometer at a lower rate than the rows (EDGE-222)
        if own is not None:
            details.append(("acceleration", own))
        for column, n_missing, bridged in [] if own else missing_cells(session):  # bridged or gaps (EDGE-197/199)
            details.append(
                (
                    column,
                    f"{n_missing} cell{'s' * (n_missing != 1)} empty or not finite: analyze bridges {bridged} (within "
                    f"{BRIDGE_MAX_S * 1000:.0f} ms), leaves {n_missing - bridged} out as gaps",
                )
            )
        if meta.extra.get("import_dropped_detail"):
            details.append(("dropped on import", meta.extra["import_dropped_detail"].replace(";", ", ")))
        absurd = absurd_samples(session, ANY_UNIT_LIMIT)
        if absurd:  # read as written, dropped by analyze (EDGE-36)
            limit = f"{ANY_UNIT_LIMIT:.0e}".replace("e+0", "e")
            details.append(("absurd values", f"{absurd} samples beyond {limit} in any unit: analyze drops them (gaps)"))
        for key, value in details:
            console.print(f"  {safe(key)}: {safe(value)}")
    for problem in problems:
        typer.echo(f"retrogait: error: {safe(problem, markup=False)}", err=True)
    if problems:
        raise typer.Exit(2)


def import_notes(session: Session) -> list[str]:
    """The reader's notes the session carries (``import_notes``, joined by " | "): what it inferred, converted or
    dropped, as analyze puts them among its notes (``preprocess._reading_notes``)."""
    told = session.meta.extra.get("import_notes", "")
    return [note.strip() for note in told.split(" | ") if note.strip()]


#: The accelerometer's own rows of a session (``bridge.acc_kept_rows``: where it is at a lower rate than the rows,
#: else None), read at the first call and kept: `info`'s two gyroscope lines read the same rows (EDGE-256).
KeptRows = Callable[[], "NDArray[np.bool_] | None"]


def _kept_rows(session: Session) -> KeptRows:
    """:data:`KeptRows` of ``session``, read once, at its first call (where a gyroscope line needs them)."""

    @functools.cache
    def kept() -> NDArray[np.bool_] | None:
        from retrogait.bridge import acc_kept_rows

        return acc_kept_rows(session.t_s, session.acc)

    return kept


def _gyro_missing_detail(session: Session, missing: NDArray[np.bool_], kept: KeptRows | None = None) -> str:
    """What analyze does with the samples without a gyroscope value (``missing``, EDGE-46): interpolates those between
    the samples of a gyroscope at a steady lower rate (EDGE-217), bridges the lone ones within ``BRIDGE_MAX_S`` of
    measured values (EDGE-212; said only where it is used, REVIEW-90), then analyses
    without the gyroscope where too few rows hold one, or the stretches of ``MIN_STRETCH_S`` or more (GYRO-1),
    leaving the rest out as gaps."""
    from retrogait.analysis.gyro_stretches import MIN_STRETCH_S, no_gyro_stretches
    from retrogait.conventions import GYR_LOST_SPAN_COLUMN
    from retrogait.session import covers_enough

    keep = (kept or _kept_rows(session))()  # an accelerometer at a lower rate: its rows (EDGE-222, REVIEW-204)
    left, sub, filled, bridge_s = _gyro_left(session, missing, keep)
    on, t_s = (missing, session.t_s) if keep is None else (missing[keep], session.t_s[keep])
    bridged = int(on.sum()) - int(filled.sum()) - int(left.sum())
    used = covers_enough(left)
    doing = "leaves those out as gaps" if used else "analyses without the gyroscope"
    stretches = no_gyro_stretches(t_s, left) if used else None
    if stretches is not None and stretches.size:  # GYRO-1
        inside = int((stretches[:, 1] - stretches[:, 0]).sum())
        doing = f"analyses {inside} in stretches of {MIN_STRETCH_S:g} s or more without the gyroscope" + (
            f", leaves the other {int(left.sum()) - inside} out as gaps" if inside < left.sum() else ""
        )
    if bridged and used:  # analysed without the gyroscope: nothing bridged is used (REVIEW-90)
        separate = GYR_LOST_SPAN_COLUMN in session.extra  # a separate gyroscope's span: 31.5 ms (EDGE-239)
        within = f"bridges {bridged} (within {bridge_s * 1000:{'.3g' if separate else '.0f'}} ms)"
        doing = f"{within}, {doing.replace('those', 'the other ' + str(int(left.sum())))}" if left.any() else within
    if sub is not None and used:  # the rows between its samples: a lower rate, not lost (EDGE-217)
        between = f"interpolates {int(filled.sum())} between its own samples ({sub.words()})"
        rest = bridged or left.any()
        doing = f"{between}, {doing.replace('those', 'the other ' + str(int(left.sum())))}" if rest else between
    off = int(missing.sum()) - int(on.sum())
    between = f" ({off} on the rows between the accelerometer's own, which analyze leaves out)" if off else ""
    doing = doing.replace("those", f"the other {int(left.sum())}") if off else doing
    return f"no value at {int(missing.sum())} of {missing.size} samples{between}: analyze {doing}"


def _gyro_left(
    session: Session, missing: NDArray[np.bool_], keep: NDArray[np.bool_] | None = None
) -> tuple[NDArray[np.bool_], SubRate | None, NDArray[np.bool_], float]:
    """``(left, sub_rate, filled, span)``: of the samples without a gyroscope value (``missing``), those analyze leaves
    without one after a table's sub-rate fill (EDGE-217; never where the session keeps a separate gyroscope's losses,
    REVIEW-161/EDGE-238) and the bridge (EDGE-212, a separate gyroscope's span EDGE-239), the sub-rate found, the rows
    it fills, and the longest span (s) bridged: the analysis' own functions, in its order; of the accelerometer's own
    rows ``keep`` where it has a lower rate (``bridge.acc_kept_rows``, EDGE-222, REVIEW-204)."""
    from retrogait.bridge import gyro_left

    assert session.gyr is not None
    return gyro_left(session.t_s, session.gyr, session.extra, session.meta.extra, missing, keep)


def _separate_gyro_lines(session: Session, kept: KeptRows | None = None) -> list[str]:
    """What analyze says of a separate gyroscope's losses beyond the rows without a value: the rows the import
    interpolated across a lost sample, whose steps it flags ``bridged`` (EDGE-238; said only where the gyroscope is
    used, as REVIEW-90), and an older session's note that its losses are not known (EDGE-240); the analysis' own
    functions, an absurd value no interpolated row (the analysis drops it, EDGE-225/246). One pass over the column where
    a session has one; ``kept``: the accelerometer's own rows, read once for both gyroscope lines."""
    from retrogait.bridge import absurd_as_missing, interpolated_rows, older_session_note
    from retrogait.conventions import GYR_LOST_SPAN_COLUMN
    from retrogait.session import covers_enough

    if session.gyr is None:
        return []
    older = older_session_note(session.t_s, session.gyr, session.extra, session.meta.extra)
    if older is not None:
        return [older]
    across = interpolated_rows(session.extra.get(GYR_LOST_SPAN_COLUMN), absurd_as_missing(session.gyr)[0])
    if across is None or not across.any():
        return []
    keep = (kept or _kept_rows(session))()  # an accelerometer at a lower rate: its rows (EDGE-222, REVIEW-204)
    across = across if keep is None else across[keep]
    if not across.any():
        return []
    missing = session.gyro_missing
    if missing.any() and not covers_enough(_gyro_left(session, missing, keep)[0]):
        return []  # analysed without the gyroscope: nothing flagged (REVIEW-90)
    n = int(across.sum())
    return [
        f"interpolated by the import across a lost sample of its own at {n} sample{'s' * (n != 1)}: analyze flags "
        "the steps touching them bridged"
    ]


def _acc_own_rows_detail(session: Session) -> str | None:
    """Where the rows without an acceleration value lie in a steady pattern (an accelerometer at a lower rate than the
    rows, acc_subrate.py, EDGE-222): what analyze does (its own rows, the rows between left out, the samples lost off
    the pattern bridged within ``BRIDGE_MAX_S`` or gaps); else None. One ``isnan`` pass where every value is there."""
    import numpy as np

    from retrogait.acc_subrate import own_rows
    from retrogait.bridge import bridge_missing
    from retrogait.conventions import BRIDGE_MAX_S

    missing = np.asarray(np.isnan(session.acc).any(axis=1), dtype=bool)
    if not missing.any():
        return None
    sub, keep = own_rows(session.t_s, missing)
    if sub is None:
        return None
    lost = missing[keep]
    doing = f"analyze runs on its {int((~lost).sum())} rows and leaves out the {int((~keep).sum())} between them"
    if lost.any():
        left = np.isnan(bridge_missing(session.t_s[keep], session.acc[keep])[0]).any(axis=1)
        n_lost, n_left = int(lost.sum()), int(left.sum())
        gaps = f", leaves {n_left} out as gaps" if n_left else ""
        doing += (
            f"; of {n_lost} samples lost off the pattern it bridges {n_lost - n_left} (within "
            f"{BRIDGE_MAX_S * 1000:.0f} ms){gaps}"
        )
    return f"no value at {int(missing.sum())} of {missing.size} rows, {sub.words('an accelerometer')}: {doing}"


def missing_cells(session: Session) -> list[tuple[str, int, int]]:
    """Per acceleration column with a missing value (an empty, NaN or infinite cell, read as NaN: EDGE-197/198):
    ``(column, missing, bridged)``, ``bridged`` how many of them the analysis bridges (``retrogait.bridge``: a lone
    one within ``BRIDGE_MAX_S`` of measured values); the others it leaves out as gaps. Vectorised: one ``isnan``
    pass, the bridge only where a value is missing."""
    import numpy as np

    from retrogait.bridge import bridge_missing
    from retrogait.conventions import ACC_COLUMNS

    missing = np.isnan(session.acc)
    if not missing.any():
        return []
    bridged = missing & ~np.isnan(bridge_missing(session.t_s, session.acc)[0])
    counts, kept = missing.sum(axis=0), bridged.sum(axis=0)
    return [(ACC_COLUMNS[k], int(counts[k]), int(kept[k])) for k in range(3) if counts[k]]
