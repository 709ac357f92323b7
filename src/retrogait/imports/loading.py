"""Read any supported recording as a native session: detect the format, read it, report what was dropped."""

from __future__ import annotations

import os
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import replace
from pathlib import Path

from retrogait.errors import InputFileError, RetrogaitError
from retrogait.imports.base import GenericCsvOptions, ImportOptions, ImportResult, ReaderOptions
from retrogait.imports.cutzip import is_cut_zip, rebuilt
from retrogait.imports.diagnose import refuse_unrecognised
from retrogait.imports.file_size import estimated_samples
from retrogait.imports.grouped_numbers import grouped_number, grouped_words
from retrogait.imports.limits import CUT_SHORT_KEY, CutShort, recovering_cut_streams
from retrogait.imports.part import NotInTimeOrder, Part, part_of
from retrogait.imports.registry import claimed, detect_format, get_format
from retrogait.imports.workbook import is_workbook
from retrogait.imports.zipped import in_zip_words, is_plain_zip, unpacked
from retrogait.memory import READ_INSTEAD, check_fits
from retrogait.recordings import not_found_text
from retrogait.session import Session
from retrogait.textparts import reading_parts


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
    header_wins: bool = False,
    part_s: Part | None = None,
    max_acc_g: float | None = None,
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
        header_wins: ``placement``, ``side`` and the axes only fill in what a session file's header leaves
            open (``ImportOptions.header_wins``; EDGE-79); else they replace it.
        part_s: (start, end) s from the first sample: only that part (``import_part_s`` in the header; LONG-2).
        max_acc_g: the analysis' ``[preprocess] max_acc_g`` (g) of a settings file: rows beyond it are no movement
            to the units' check (EDGE-131); None: its default.

    Raises:
        RetrogaitError: one line naming the file and the problem.
    """
    source = Path(path)
    problem = ReaderOptions(format, rate_hz, generic).problem()
    if problem:
        raise RetrogaitError(problem)
    options = ImportOptions(
        placement=placement,
        side=side,
        sensor=sensor,
        anterior_axis=anterior_axis,
        vertical_axis=vertical_axis,
        generic=generic,
        rate_hz=rate_hz,
        header_wins=header_wins,
        part_s=part_s,
        max_acc_g=max_acc_g,
    )
    return _recording(source, format, options)


def _recording(source: Path, format: str | None, options: ImportOptions) -> ImportResult:
    """:func:`load_recording` of ``source`` with its options gathered."""
    part_s, rate_hz = options.part_s, options.rate_hz
    if not _UNPACKING.get() and is_cut_zip(source):  # a zip or workbook cut short: what it holds before the cut
        with rebuilt(source) as (kept_zip, cut):
            try:
                result = _recording(kept_zip, format, options)
            except InputFileError as exc:
                problem = f"{in_zip_words(exc.problem, kept_zip, source)} ({cut.what})"
                raise InputFileError(in_zip_words(exc.path, kept_zip, source), problem, exc.line) from None
            except RetrogaitError as exc:
                raise RetrogaitError(f"{in_zip_words(str(exc), kept_zip, source)} ({cut.what})") from None
            return with_cut_streams_noted(_named_as_zip(result, kept_zip, source), [cut])
    estimate = estimated_samples(source)  # a file too long for the memory: refused before it is read (LONG-2)
    if estimate is not None:
        need = estimate.read_bytes(part_s)
        check_fits(source, estimate.n, estimate.rate_hz or rate_hz, 0, "read", READ_INSTEAD, True, need)
    if not _UNPACKING.get() and is_plain_zip(source) and not is_workbook(source) and not claimed(source):
        result = _load_zip(source, format, options)
    else:
        try:
            result = _load(source, format, options)
        except NotInTimeOrder as exc:  # one part (--start/--end) cannot be found by its time: read whole and cut
            if reading_parts():
                raise  # parts one after another: their caller reads it whole where it fits (analyze_file_in_parts)
            if estimate is not None:
                try:
                    whole = estimate.read_bytes()
                    check_fits(source, estimate.n, estimate.rate_hz or rate_hz, 0, "read", READ_INSTEAD, True, whole)
                except RetrogaitError:
                    raise RetrogaitError(
                        f"{exc}, and it is too long to read whole in the memory available: sort its rows by time"
                    ) from None
            result = _load(source, format, replace(options, part_s=None))
    if part_s is None or result.report.part_read:  # none wanted, or the reader read only the part
        return result
    return replace(result, session=part_of(result.session, str(source), part_s))


#: True while what a zip holds is read: a zip inside it is not unpacked again (a zip quine would never end).
_UNPACKING: ContextVar[bool] = ContextVar("retrogait_unpacking_zip", default=False)


def _load_zip(source: Path, format: str | None, options: ImportOptions) -> ImportResult:
    """A zip no format reads as it is (EDGE-34): what it holds, unpacked, read as a file or folder would be;
    the result and any refusal name the zip and its members."""
    token = _UNPACKING.set(True)
    try:
        with unpacked(source) as (target, folder):
            if is_plain_zip(target):
                shown = in_zip_words(str(target), folder, source)
                raise InputFileError(shown, "is a zip inside a zip archive: unpack the outer one, then give this one")
            try:
                result = _load(target, format, options)
            except InputFileError as exc:
                if exc.problem.startswith("format not recognised"):
                    refuse_unrecognised(source)  # "is a zip archive holding no export a format knows (files: ...)"
                problem = in_zip_words(exc.problem, folder, source)
                if problem.startswith("is a folder of "):  # EDGE-14's refusal, for a zip
                    problem = "is a zip of " + problem.removeprefix("is a folder of ").split(", not one export")[0]
                    problem += ", not one export: unpack it and give them one by one, or `retrogait batch` its folder"
                raise InputFileError(in_zip_words(exc.path, folder, source), problem, exc.line) from None
            except RetrogaitError as exc:
                raise RetrogaitError(in_zip_words(str(exc), folder, source)) from None
            return _named_as_zip(result, folder, source)
    finally:
        _UNPACKING.reset(token)


def _named_as_zip(result: ImportResult, folder: Path, source: Path) -> ImportResult:
    """``result`` read from ``folder`` with its report, header and source naming the zip ``source``."""
    report = result.report
    report.files = [in_zip_words(f, folder, source) for f in report.files]
    report.notes = [in_zip_words(n, folder, source) for n in report.notes]
    session = result.session
    extra = {k: in_zip_words(v, folder, source) for k, v in session.meta.extra.items()}
    session = replace(session, meta=replace(session.meta, extra=extra), source=str(source))
    return ImportResult(session=session, report=report)


def _load(source: Path, format: str | None, options: ImportOptions) -> ImportResult:
    """Read ``source`` with the format ``format`` (None: detected, or ``generic_csv`` when a mapping is given)."""
    generic = options.generic
    if format is not None:
        fmt = get_format(format)
        if not source.exists():
            raise InputFileError(source, not_found_text(source))
    elif generic is not None and generic.given:
        fmt = get_format("generic_csv")
    else:
        fmt = detect_format(source)
    try:
        with recovering_cut_streams() as cut:
            result = fmt.read(source, options)
        return with_cut_streams_noted(result, cut.values())
    except InputFileError as exc:  # a refusal of a table whose numbers carry thousands separators says so (EDGE-288)
        found = grouped_number(Path(exc.path))
        if found is None:
            raise
        # after the refusal's own words, which may name another problem (a table of gait features, not a recording):
        # the separators' alone sent the user to save it again, to be refused for what it is (REVIEW-275)
        raise InputFileError(exc.path, f"{exc.problem}; it also {grouped_words(found)}", exc.line) from None
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
    header_wins: bool = False,
    part_s: Part | None = None,
    max_acc_g: float | None = None,
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
        header_wins=header_wins,
        part_s=part_s,
        max_acc_g=max_acc_g,
    ).session
