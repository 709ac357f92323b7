"""GENEActiv PC-software CSV exports (raw data, not the 60 s epoch summaries).

About 100 header lines (``Key,Value``; CR or CRLF line endings; some values padded with NUL bytes)
with ``Device Model``, ``Device Unique Serial Code``, ``Measurement Frequency,50.0 Hz``,
``Time Zone,GMT -04``, ``Device Location Code``; then rows
``YYYY-MM-DD HH:MM:SS:mmm,x,y,z,lux,button,temperature`` with x, y, z in g (gravity included).
Times are local wall-clock; with the time zone the start is carried over as UTC. No gyroscope.
The device's own ``.bin`` file (the same header keys, ``Key:Value``) is read by ``geneactiv_bin``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

from retrogait.errors import InputFileError
from retrogait.imports import geneactiv_bin
from retrogait.imports.base import ImportFormat, ImportOptions, ImportReport, ImportResult
from retrogait.imports.common import (
    ACC_TO_MS2,
    GZIP_MAGIC,
    MAX_TIME_BACK_SHARE,
    FloatArray,
    Source,
    Stream,
    clean_rows,
    head_bytes,
    parse_datetime_s,
    quoted_decimal_commas,
    read_table,
    to_si,
)
from retrogait.imports.geneactiv_bin import is_bin
from retrogait.imports.geneactiv_common import finish_geneactiv, on_recording_time_line, stamps_s
from retrogait.imports.limits import LineIndex, line_bounds
from retrogait.imports.part import empty_part
from retrogait.imports.textcoding import UTF8_BOM, UTF16_PROBE_BYTES, utf16_encoding
from retrogait.recording_part import NotInTimeOrder
from retrogait.textparts import PROBE_BYTES, TIME_BACK_S, RowsInTime, check_order, complete_lines, line_starts

NAME = "geneactiv"
#: Bytes searched for the end of the header.
HEADER_BYTES = 65536
_DATA_LINE = re.compile(rb'(?:^|[\r\n])("?)(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}:\d{3})\1([,;])')
#: A data row whose time a spreadsheet wrote as a locale date (``06/08/2019 10:25:50.000``, ``6.8.2019 10:25:50``).
_LOCALE_DATE = re.compile(
    rb'(?:^|[\r\n])"?(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4} \d{1,2}:\d{2}(?::\d{2}(?:[.:,]\d+)?)?)"?[,;]'
)
#: The first line: ``Device Type,GENEActiv``, its cells quoted where a spreadsheet quoted text cells (EDGE-277).
_FIRST_LINE = re.compile(rb'"?Device Type"?[,;]"?GENEActiv')
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S:%f"
_COLUMNS = ("time", "x", "y", "z", "lux", "button", "temperature_c")


def sniff(path: Path) -> float:
    """The PC software's CSV (``Device Type,GENEActiv``) or the device's own ``.bin`` (``Device Identity``)."""
    head = head_bytes(path, 1024)
    start = head.lstrip(b"\xef\xbb\xbf")
    return 0.95 if _FIRST_LINE.match(start) or is_bin(head) else 0.0


def _header(block: bytes, sep: str = ",") -> dict[str, str]:
    """The ``Key,Value`` lines above the rows; the commas a spreadsheet pads each line with to the table's
    width (``Units,g,,,,,``, as Excel saves it) are not part of the value (EDGE-40); ``sep``: ``;`` where a
    spreadsheet in a decimal-comma locale saved it (EDGE-119); the quotes a spreadsheet puts round text cells are not
    part of a key or a value (EDGE-277)."""
    text = block.replace(b"\x00", b"").decode("latin-1")
    header: dict[str, str] = {}
    for line in re.split(r"\r\n|\r|\n", text):
        key, found, value = line.partition(sep)
        key = key.strip().strip('"').strip()
        if found and key and key not in header:
            header[key] = re.sub(rf"[\s{sep}]+$", "", value).strip().strip('"').strip()
    return header


def line_times_s(
    data: bytes, starts: NDArray[np.int64] | None = None, sep: bytes = b",", quoted: bool = False
) -> FloatArray:
    """Seconds since 1970 of the timestamp that starts each non-blank line of ``data``, decoded
    from the fixed-width bytes with numpy (no per-row text objects); NaN where a line does not
    start with a valid ``YYYY-MM-DD HH:MM:SS:mmm,``. ``starts``: the lines' first bytes, if known. ``quoted``: the
    stamps written ``"YYYY-MM-DD HH:MM:SS:mmm",`` (a spreadsheet quoting text cells, EDGE-277)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    starts = line_bounds(data)[0] if starts is None else starts
    rows = starts[_rows_among(buf, starts)]
    if quoted:  # the stamp after the opening quote, the closing quote after it; a row without them has none
        times = np.full(rows.size, np.nan)
        opened = np.flatnonzero(buf[rows] == ord('"'))
        times[opened] = stamps_s(buf, rows[opened] + 1, b'"')
        return times
    return stamps_s(buf, rows, sep)


def _first_fields(
    raw: bytes, lines: tuple[NDArray[np.int64], NDArray[np.int64]], sep: str, rows: NDArray[np.intp]
) -> list[object]:
    """The first field of the rows ``rows`` (counted among the non-blank lines of ``raw``, whose bounds are
    ``lines``), out of its quotes."""
    at = _rows_among(np.frombuffer(raw, dtype=np.uint8), lines[0])[rows]
    return [
        raw[a:b].decode("latin-1").split(sep, 1)[0].strip().strip('"')
        for a, b in zip(lines[0][at], lines[1][at], strict=True)
    ]


def _rows_among(buf: NDArray[np.uint8], starts: NDArray[np.int64]) -> NDArray[np.int64]:
    """Which of the lines starting at ``starts`` are rows: not blank (as pandas skips them)."""
    inside = np.flatnonzero(starts < buf.size)
    first = buf[starts[inside]]
    return inside[(first != 10) & (first != 13)]


def read(path: Path, options: ImportOptions) -> ImportResult:
    block = head_bytes(path, HEADER_BYTES)
    if not block.strip():
        raise InputFileError(path, "is empty")
    if is_bin(block):
        return geneactiv_bin.read(path, options)
    match = _DATA_LINE.search(block)
    if match is None:
        local = _LOCALE_DATE.search(block)
        if local is not None:  # a spreadsheet's re-save: day and month cannot be told apart everywhere (EDGE-288)
            raise InputFileError(
                path,
                f"writes its times as a locale date ('{local.group(1).decode('ascii')}', a spreadsheet's re-save), not "
                "as GENEActiv's 'YYYY-MM-DD HH:MM:SS:mmm': day and month cannot be told apart; export it again from "
                "GENEActiv's software",
            )
        raise InputFileError(path, "has no GENEActiv data rows ('YYYY-MM-DD HH:MM:SS:mmm,x,y,z,...') after the header")
    offset = match.start(1)
    sep = match.group(3).decode()  # ``;`` (with decimal commas): saved again by a spreadsheet in such a locale
    quoted = bool(match.group(1))  # the times in quotes: a spreadsheet quoting text cells (EDGE-277)
    header = _header(block[:offset], sep)
    if header.get("Device Type", "").split(" ")[0] != "GENEActiv":
        raise InputFileError(path, "is not a GENEActiv CSV export (first line must be 'Device Type,GENEActiv')")
    units = {v.strip().lower() for k, v in header.items() if k == "Units"}
    if units and units != {"g"}:
        raise InputFileError(path, f"acceleration units {', '.join(sorted(units))} are not g")
    report = ImportReport(format=NAME, files=[str(path)])
    keys = _keys(block[:offset], sep)
    if options.part_s is not None and _plain(path) and not quoted:  # a part alone, found by its time (LONG-6)
        return _read_part(path, offset, header, options, report, sep, keys)
    t, xyz = _samples(_rows(path, offset), report, sep, keys, quoted)[1:]
    return finish_geneactiv(path, Stream(t, xyz), header, options, report)


def _keys(block: bytes, sep: str = ",") -> frozenset[str]:
    """The first field of each non-blank line of the header ``block`` (``Device Type``, ``Additional information``):
    a row starting with one is that header's line written again (EDGE-274)."""
    text = block.replace(b"\x00", b"").decode("latin-1")
    lines = re.split(r"\r\n|\r|\n", text)
    return frozenset(key for line in lines if (key := line.split(sep, 1)[0].strip().strip('"').strip()))


def _samples(
    data: Source, report: ImportReport, sep: str = ",", keys: frozenset[str] = frozenset(), quoted: bool = False
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The rows of ``data`` (from a data row on) as times (s, the device's wall clock) and acceleration (m/s^2),
    rows that cannot be read dropped and counted in ``report``; first, the times of the rows as they stand.
    ``sep``: ``;`` where a spreadsheet in a decimal-comma locale saved the file (EDGE-119), or ``,`` with its numbers
    quoted (``"-0,0195"``, EDGE-164). ``keys``: the header's first fields (:func:`_keys`); a row starting with one is
    the header written again (a second export appended): dropped as ``header_repeated`` (EDGE-263, EDGE-274).
    ``quoted``: each row's time in double quotes (EDGE-277)."""
    raw = data.read_bytes()
    lines = line_bounds(raw)  # once, for the quote screen, the row screen and the timestamps
    raw, unclosed = _without_unclosed_quotes(raw, sep, lines)
    if unclosed:  # the rows after such a row read as written, not merged into it (EDGE-281)
        data = Source(data.display, data=raw)
        lines = line_bounds(raw)
    first = data.head(4096).split(b"\n", 1)[0].decode("latin-1")
    decimal = "," if sep == ";" or quoted_decimal_commas(first) else "."
    axes = ["x", "y", "z"]
    trailing = _trailing_empty_column(raw, lines, sep)
    names = _COLUMNS + (("trailing_empty",) if trailing is not None else ())
    table = read_table(data, names=names, numeric=axes, sep=sep, decimal=decimal, report=report, lines=lines)
    t = line_times_s(raw, lines[0], sep.encode(), quoted)
    if t.size != len(table) or report.dropped:  # ragged rows were skipped: align by parsing the text
        report.dropped.clear()
        table = read_table(data, names=names, numeric=axes, sep=sep, decimal=decimal, text=["time"], report=report)
        t = parse_datetime_s(table["time"], _TIME_FORMAT)
        texts = table["time"].to_numpy()
    else:
        texts = None
    again = np.zeros(t.size, dtype=bool)
    untimed = np.flatnonzero(np.isnan(t)) if keys else np.zeros(0, dtype=np.intp)
    if untimed.size:  # each row's first field, of the rows without a time only (rare): the header's lines among them
        firsts = texts[untimed].tolist() if texts is not None else _first_fields(raw, lines, sep, untimed)
        again[untimed] = [str(f).replace("\x00", "").strip() in keys for f in firsts]
    if again.any():  # the header written again (a second export appended): no sample (EDGE-274)
        report.drop("header_repeated", int(again.sum()))
        t, table = t[~again], table[~again].reset_index(drop=True)
    if trailing:  # a cell in the empty column after the seven: said, as a field beyond them is (REVIEW-221)
        report.notes.append(
            f"{len(trailing)} rows hold a cell in the empty column after GENEActiv's 7 ('{trailing[0][:40]}'): read by "
            "their first 7 (EDGE-282)"
        )
    if unclosed:
        report.drop("row_quote_unclosed", len(unclosed))
        report.notes.append(
            f"{len(unclosed)} rows hold a double quote that is not closed in the row (the first: "
            f"'{unclosed[0][:60]}'): dropped; the rows after each read as written, not merged into it (EDGE-281)"
        )
    report.rows_read = len(table) + report.dropped_total
    return t, *clean_rows(t, to_si(table[["x", "y", "z"]].to_numpy(), ACC_TO_MS2["g"]), report, "row")


def _without_unclosed_quotes(raw: bytes, sep: str, lines: LineIndex | None = None) -> tuple[bytes, list[str]]:
    """``raw`` (its line bounds ``lines`` where known) without its lines that end inside a quoted field, and those
    lines' text: a quote opened in one row and closed rows later (a stray quote in each) would make the rows between
    one field of one row, lost with one count (EDGE-281). GENEActiv's rows hold no line end within quotes; a clean
    file (no quote, or two a row round its time, EDGE-277) is returned as it is (the same object).

    A line is judged as the parser reads it (REVIEW-257): a quote opens a field only at the field's start (the
    line's start or after ``sep``); one inside or at the end of a field is text (``31.6"``: the row read as before
    EDGE-281). Where every quote of a line alternates between a field's start and a field's end (opening, then
    closing before ``sep`` or the line's end), the line is closed, vectorised; the few other lines holding a quote
    at a field's start are read byte by byte (:func:`_ends_in_quotes`). The lines are cut out by slices."""
    if b'"' not in raw:
        return raw, []
    buf = np.frombuffer(raw, dtype=np.uint8)
    starts, ends = lines if lines is not None else line_bounds(raw)
    at = np.flatnonzero(buf == 34)
    line = np.searchsorted(starts, at, side="right") - 1
    mark = ord(sep) if len(sep) == 1 else 44
    opener = (at == starts[line]) | (buf[np.maximum(at - 1, 0)] == mark)
    after = np.minimum(at + 1, buf.size - 1)
    closer = (at + 1 >= ends[line]) | (buf[after] == mark) | (buf[after] == 13)
    counts = np.bincount(line, minlength=starts.size)
    rank = np.arange(at.size) - (np.cumsum(counts) - counts)[line]  # each quote's place among its line's
    regular = np.where(rank % 2 == 0, opener, closer)
    odd = counts % 2 == 1
    irregular = np.zeros(starts.size, dtype=bool)
    irregular[line[~regular]] = True
    has_opener = np.zeros(starts.size, dtype=bool)
    has_opener[line[opener]] = True
    candidates = np.flatnonzero((irregular | odd) & has_opener)  # a line whose quotes are all text is closed
    open_lines = [i for i in candidates.tolist() if _ends_in_quotes(raw[starts[i] : ends[i]], mark)]
    if not open_lines:
        return raw, []
    lost = [raw[starts[i] : ends[i]].decode("latin-1").strip().replace("\x00", "") for i in open_lines]
    pieces, kept_from = [], 0
    for i in open_lines:
        pieces.append(raw[kept_from : starts[i]])
        kept_from = min(int(ends[i]) + 1, len(raw))
    pieces.append(raw[kept_from:])
    return b"".join(pieces), lost


def _ends_in_quotes(line: bytes, sep: int) -> bool:
    """Whether the parser, reading ``line`` (without its line end), ends it inside a quoted field: a quote opens
    one only at a field's start; within it a quote doubled is text, one before ``sep`` ends the field, one before
    other text leaves the field unquoted (as pandas' C parser reads them)."""
    state = 0  # 0: a field's start; 1: in an unquoted field; 2: in a quoted field; 3: a quote in a quoted field
    for c in line:
        if state == 1:
            state = 0 if c == sep else 1
        elif state == 2:
            state = 3 if c == 34 else 2
        else:  # a field's start, or just after a quote in a quoted field
            state = 2 if c == 34 else 0 if c == sep else 1
    return state == 2


def _trailing_empty_column(raw: bytes, lines: LineIndex, sep: str) -> list[str] | None:
    """Where the first row of ``raw`` (line bounds ``lines``) ends with ``sep`` (an empty column after the seven, as
    a spreadsheet saves a sheet with one more column in use: EDGE-282), the rows holding something in that column
    (its cell, read by none: told); None where the first row does not."""
    first = raw[:65536].lstrip(b"\r\n").split(b"\n", 1)[0].split(b"\r", 1)[0]  # the first row
    if not first.endswith(sep.encode()):
        return None
    buf = np.frombuffer(raw, dtype=np.uint8)
    starts, ends = lines
    last = ends - 1 - (buf[np.maximum(ends - 1, 0)] == 13).astype(np.int64)
    full = np.flatnonzero(last >= starts)
    at = np.searchsorted(starts, np.flatnonzero(buf == ord(sep)), side="right") - 1
    seps = np.bincount(at, minlength=starts.size)
    held = full[(seps[full] == len(_COLUMNS)) & (buf[last[full]] != ord(sep))]
    return [raw[starts[i] : last[i] + 1].decode("latin-1").rsplit(sep, 1)[-1] for i in held.tolist()]


def _plain(path: Path) -> bool:
    """Whether ``path`` is plain UTF-8 text, whose bytes can be sought (not gzip: LONG-7; not UTF-16)."""
    try:
        with open(path, "rb") as fh:
            start = fh.read(UTF16_PROBE_BYTES)
    except OSError:
        return False
    return start[:2] != GZIP_MAGIC and utf16_encoding(start) is None


def _line_times(block: bytes, sep: str = ",") -> tuple[NDArray[np.int64], FloatArray]:
    """Each line's first byte in ``block`` and its row's time (s; NaN: not a row), for :class:`RowsInTime`."""
    newline = 10 if b"\n" in block or b"\r" not in block else 13
    starts = line_starts(block, newline)
    return starts, stamps_s(np.frombuffer(block, dtype=np.uint8), starts, sep.encode())


def _read_part(
    path: Path,
    offset: int,
    header: dict[str, str],
    options: ImportOptions,
    report: ImportReport,
    sep: str = ",",
    keys: frozenset[str] = frozenset(),
) -> ImportResult:
    """The rows of ``options.part_s`` (s from the recording's first row) read alone: their bytes found by their time
    (``textparts``), the rest of the file not read (LONG-6); on the recording's time line, as the ``.bin``'s. Rows
    less than ``textparts.TIME_BACK_S`` behind a row before them (a clock glitch) are dropped as whole (LONG-9)."""
    part = options.part_s or (None, None)
    display = str(path)
    with open(path, "rb") as fh:
        bom = len(UTF8_BOM) if fh.read(len(UTF8_BOM)) == UTF8_BOM else 0
        newline = 10 if b"\n" in head_bytes(path, HEADER_BYTES) else 13
        rows = RowsInTime(fh, offset + bom, newline, lambda block: _line_times(block, sep), display, TIME_BACK_S)
        a, b = rows.part_bytes(*part)
        origin = _first_sample_s(fh, rows, sep)
        fh.seek(a)
        block = fh.read(b - a)
    starts, stamps = _line_times(block, sep)  # its rows in time order, after those of the parts before
    check_order(display, path, a, b, stamps, a + starts, TIME_BACK_S)
    del starts, stamps
    if not block:
        raise empty_part(display, part, rows.length_s, 0.0)  # 0: the time line's
    t, xyz = _samples(Source(display, data=block), report, sep, keys)[1:]
    del block
    behind = report.time_back  # EDGE-2 judges the whole recording's share: where a part's is over, read it whole
    if behind is not None and behind[0] > MAX_TIME_BACK_SHARE * behind[1]:
        raise NotInTimeOrder(
            f"{display}: its time goes back for {behind[0]} of the {behind[1]} rows of bytes {a:,}-{b:,} (more than "
            f"{100 * MAX_TIME_BACK_SHARE:g} %): it is not read in parts"
        )
    start, end = part
    since = t - origin  # as the whole reading's times are made (finish: from the first sample), compared alike
    inside = (since >= (start or 0.0)) & (since < (end if end is not None else math.inf))
    if np.count_nonzero(inside) < 2:
        raise empty_part(display, part, rows.length_s, 0.0)  # 0: the time line's
    acc = Stream(t[inside], xyz[inside])
    result = finish_geneactiv(path, acc, header, options, report)
    return on_recording_time_line(result, acc.t_s, origin, part)


def _first_sample_s(fh: BinaryIO, rows: RowsInTime, sep: str) -> float:
    """The time (s) of the recording's first sample as its whole reading has it, which its time line starts at: the
    first row whose values can be read (a row that cannot is dropped there; REVIEW-9), from the first rows' bytes."""
    fh.seek(rows.data_start)
    head = complete_lines(fh.read(PROBE_BYTES), rows.newline, rows.data_start + PROBE_BYTES >= rows.size)
    t = _samples(Source("", data=head), ImportReport(format=NAME), sep)[1]
    return float(t[0]) if t.size else rows.first[1]


def _rows(path: Path, offset: int) -> Source:
    """The file's text from ``offset`` of its decoded text on (the first data row): read from there when the file
    is plain UTF-8 (a GENEActiv CSV can be gigabytes: not read twice over), else unpacked and decoded first, as
    its header was (a ``.gz`` or UTF-16 text: EDGE-33)."""
    if _plain(path):
        try:
            with open(path, "rb") as fh:
                fh.seek(offset + (len(UTF8_BOM) if fh.read(len(UTF8_BOM)) == UTF8_BOM else 0))
                return Source(str(path), data=fh.read())
        except OSError as exc:
            raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    whole = Source(str(path), path=path).read_bytes()
    return Source(str(path), data=whole[offset:])


FORMAT = ImportFormat(
    name=NAME,
    description="GENEActiv: the PC software's CSV (metadata header, x/y/z in g) or the device's own .bin",
    sniff=sniff,
    read=read,
)
