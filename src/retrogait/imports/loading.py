"""Read any supported recording as a native session: detect the format, read it, report what was dropped."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from retrogait.errors import InputFileError, RetrogaitError
from retrogait.imports.base import GenericCsvOptions, ImportOptions, ImportResult, ReaderOptions
from retrogait.imports.limits import CUT_SHORT_KEY, CutShort, recovering_cut_streams
from retrogait.imports.registry import detect_format, get_format
from retrogait.session import Session


def with_cut_streams_noted(result: ImportResult, cut: Iterable[CutShort]) -> ImportResult:
    """``result`` with each file read up to a cut (EDGE-9) in its report's notes and in the session header
    (``import_cut_short``; an unfinished last line left out is counted as ``last_line_cut_short``, as
    EDGE-3 counts it), so ``convert`` prints it and ``analyze`` notes it."""
    cut = list(cut)
    if not cut:
        return result
    extra = dict(result.session.meta.extra)
    words = [f"{Path(c.display).name}: {c.what}" for c in cut]
    result.report.notes.extend(words)
    extra[CUT_SHORT_KEY] = " / ".join(filter(None, [extra.get(CUT_SHORT_KEY, ""), *words]))
    left_out = sum(c.line_left_out for c in cut)
    if left_out:
        result.report.drop("last_line_cut_short", left_out)
        dropped = int(extra.get("import_dropped_rows", "0") or 0) + left_out
        detail = ";".join(filter(None, [extra.get("import_dropped_detail", ""), f"last_line_cut_short={left_out}"]))
        extra.update(import_dropped_rows=str(dropped), import_dropped_detail=detail)
    meta = replace(result.session.meta, extra={k: " ".join(v.split()) for k, v in extra.items()})
    return ImportResult(session=replace(result.session, meta=meta), report=result.report)


def load_recording(
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    placement: str | None = None,
    side: str | None = None,
    sensor: str | None = None,
    anterior_axis: str | None = None,
    vertical_axis: str | None = None,
    generic: GenericCsvOptions | None = None,
    rate_hz: float | None = None,
) -> ImportResult:
    """Read any supported recording (file, export folder or zip, also gzip-compressed) as a native
    session plus a report.

    Args:
        path: the export (a file, the folder of one export, or its zip).
        format: a name from :func:`format_names` to skip detection; ``None`` detects it (giving
            ``generic`` without a format selects ``generic_csv``; a table no app format knows is
            read by ``generic_csv`` too).
        placement, side, sensor, anterior_axis, vertical_axis: recorded in the session header
            (placement defaults to ``other``; ``sensor`` defaults to the device named in the file).
        generic: column mapping for ``generic_csv`` (``None`` fields are inferred).
        rate_hz: the sampling rate (Hz): the time base of a table without a time column, and the
            stated rate of any other recording.

    Raises:
        RetrogaitError: one line naming the file and the problem.
    """
    source = Path(path)
    problem = ReaderOptions(format, rate_hz, generic).problem()
    if problem:
        raise RetrogaitError(problem)
    if format is not None:
        fmt = get_format(format)
        if not source.exists():
            raise InputFileError(source, "no such file or folder")
    elif generic is not None and generic.given:
        fmt = get_format("generic_csv")
    else:
        fmt = detect_format(source)
    options = ImportOptions(
        placement=placement,
        side=side,
        sensor=sensor,
        anterior_axis=anterior_axis,
        vertical_axis=vertical_axis,
        generic=generic,
        rate_hz=rate_hz,
    )
    try:
        with recovering_cut_streams() as cut:
            result = fmt.read(source, options)
        return with_cut_streams_noted(result, cut.values())
    except RetrogaitError:
        raise
    except MemoryError:
        raise InputFileError(source, f"is too large to read as {fmt.name} in this machine's memory") from None
    except OSError as exc:
        raise InputFileError(source, f"cannot be read as {fmt.name} ({exc.strerror or exc})") from None


def load_session(
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    placement: str | None = None,
    side: str | None = None,
    sensor: str | None = None,
    anterior_axis: str | None = None,
    vertical_axis: str | None = None,
    generic: GenericCsvOptions | None = None,
    rate_hz: float | None = None,
) -> Session:
    """:func:`load_recording` without the report: just the native session."""
    return load_recording(
        path,
        format,
        placement=placement,
        side=side,
        sensor=sensor,
        anterior_axis=anterior_axis,
        vertical_axis=vertical_axis,
        generic=generic,
        rate_hz=rate_hz,
    ).session
