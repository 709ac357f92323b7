"""What one input may cost: bounded unpacking and the checks that keep a hostile or broken file from
costing more memory or time than its samples need (docs/formats.md, "Limits").

A recording's samples need about 8 bytes per value; its text takes 2-3 times that. Reading may use a
small multiple of the text, so everything that could make it cost more is refused (or, for single
bad rows, dropped and counted) before the table parser sees it:

- an archive member or ``.gz`` stream that unpacks to more than ``MAX_UNPACK_RATIO`` times its packed
  size (a decompression bomb: real sensor text packs 2-10 times);
- a header with more than ``MAX_COLUMNS`` columns (name de-duplication is quadratic in pandas);
- a row with more fields than the header (pandas allocates rows x widest row when reading selected
  columns): such rows are dropped and counted as ``malformed``;
- a JSON document larger than ``MAX_JSON_BYTES`` (it becomes Python objects, ~10x its text).

A ``.gz`` stream that ends before its end (a download or copy cut off) is not refused while a recording
is read (:func:`recovering_cut_streams`): what it holds up to the cut is read, its last unfinished line
left out, and the cut is noted (EDGE-9).
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrogait.errors import InputFileError

#: Unpacked / packed size beyond which an archive member is a decompression bomb (real text: 2-10).
MAX_UNPACK_RATIO = 100
#: Members and streams that unpack to less than this (bytes) are never refused for their ratio.
UNPACK_RATIO_FLOOR_BYTES = 16 * 1024**2
#: No input unpacks to more than this (bytes), whatever its ratio.
MAX_UNPACKED_BYTES = 8 * 1024**3
#: A sensor table has at most this many columns.
MAX_COLUMNS = 1024
#: A header line longer than this (bytes) is not a sensor table's header.
MAX_HEADER_LINE_BYTES = 64 * 1024
#: Rows longer than this many times the median row are counted field by field.
LONG_ROW_FACTOR = 4
#: A JSON log larger than this (bytes) is refused: parsed, it costs about ten times its size.
MAX_JSON_BYTES = 512 * 1024**2

_CHUNK_BYTES = 1024**2

#: What reading a damaged zip archive (a copy cut short, flipped bytes) raises, besides ``zipfile``'s own
#: errors: a member that does not unpack (``zlib.error``), a header of an unknown zip version
#: (``NotImplementedError``), a directory that ends early (``EOFError``), and more.
ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    NotImplementedError,
    EOFError,
    RuntimeError,
    ValueError,
    OSError,
)


def unpack_limit(packed_bytes: int) -> int:
    """Most bytes an archive member or gzip stream of ``packed_bytes`` may unpack to."""
    return min(MAX_UNPACKED_BYTES, max(UNPACK_RATIO_FLOOR_BYTES, MAX_UNPACK_RATIO * packed_bytes))


def bomb_error(display: str, limit: int) -> InputFileError:
    """The refusal of an input that unpacks to more than ``limit`` bytes."""
    return InputFileError(
        display,
        f"unpacks to more than {limit / 1024**2:.0f} MiB ({MAX_UNPACK_RATIO}x its packed size or more): "
        "refused as a decompression bomb, not a recording",
    )


def read_bounded(read: Callable[[int], bytes], limit: int, display: str, n_bytes: int | None = None) -> bytes:
    """Read a decompressing stream (``read(size) -> bytes``) to its end or to ``n_bytes``, refusing
    it as soon as it unpacks to more than ``limit`` bytes."""
    parts: list[bytes] = []
    total = 0
    while n_bytes is None or total < n_bytes:
        chunk = read(_CHUNK_BYTES if n_bytes is None else min(_CHUNK_BYTES, n_bytes - total))
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise bomb_error(display, limit)
        parts.append(chunk)
    return b"".join(parts)


#: The session header key that says a file was cut short and what of it was read (EDGE-9).
CUT_SHORT_KEY = "import_cut_short"

#: The session header key that says a gyroscope was read but left out, and why (EDGE-29).
GYRO_LEFT_OUT_KEY = "import_gyro_left_out"

#: The session header key that says how many accelerometer rows have no gyroscope value (EDGE-46).
GYRO_MISSING_KEY = "import_gyro_missing"

#: The session header key that says which rate the session holds and how it was taken: the stamps' mean over their
#: regular steps, or the rate the file states or --rate gives where the stamps agree (HONEST-32).
SAMPLE_RATE_KEY = "inferred_sample_rate"

#: The session header key holding what the import said that no other key says, ``|``-separated (IMPORT-23).
IMPORT_NOTES_KEY = "import_notes"


@dataclass(frozen=True)
class CutShort:
    """A stream that ended before its end and was read up to the cut (EDGE-9)."""

    display: str
    #: what was read, in words (no ``;``: the header joins several with it), e.g. "gzip stream ends early ..."
    what: str
    #: an unfinished last line was left out (counted as ``last_line_cut_short``)
    line_left_out: bool


_cut_short: ContextVar[dict[str, CutShort] | None] = ContextVar("retrogait_cut_short", default=None)


@contextmanager
def recovering_cut_streams() -> Iterator[dict[str, CutShort]]:
    """While the block runs (reading one recording), a gzip stream cut off is read up to the cut instead of
    refused; the streams so read are in the dict yielded (by display name), for the import's report."""
    found: dict[str, CutShort] = {}
    token = _cut_short.set(found)
    try:
        yield found
    finally:
        _cut_short.reset(token)


def note_cut_short(display: str, what: str, line_left_out: bool) -> None:
    """Say that the stream ``display`` ended before its end and was read up to the cut (``what``: how, in
    words), when a recording is being read (:func:`recovering_cut_streams`); refused otherwise."""
    found = _cut_short.get()
    if found is None:
        raise InputFileError(display, f"is cut off ({what})")
    found[display] = CutShort(display, what, line_left_out)


def _recovered(display: str, unpacked: bytes, packed_bytes: int) -> bytes:
    """The content of a gzip stream cut off after ``unpacked``, when a recording is being read
    (:func:`recovering_cut_streams`): up to its last line end (the last line is unfinished; a text without
    any line end, such as a one-line JSON log, is kept whole for its reader to recover). Refused otherwise."""
    found = _cut_short.get()
    if found is None or not unpacked.strip():
        raise InputFileError(display, "gzip stream is truncated (the file was cut off)")
    end = unpacked.rfind(b"\n") + 1
    kept = unpacked[:end] if end else unpacked
    left_out = len(kept) < len(unpacked)
    what = (
        f"gzip stream ends early (cut off after {packed_bytes:,} bytes): the {len(kept):,} bytes of text "
        "before the cut were read" + (" (the unfinished last line left out)" if left_out else "")
    )
    found[display] = CutShort(display, what, left_out)
    return kept


def gunzip_bounded(data: bytes, display: str, n_bytes: int | None = None) -> bytes:
    """The unpacked content of gzip ``data`` (all of it, or its first ``n_bytes``: then a truncated
    stream is no error), bounded by :func:`unpack_limit`. Concatenated gzip members are one stream."""
    limit = unpack_limit(len(data))
    want = limit + 1 if n_bytes is None else min(n_bytes, limit + 1)
    parts: list[bytes] = []
    total = 0
    rest = data
    try:
        while rest and total < want:
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            pending = rest
            while total < want:
                piece = inflater.decompress(pending, want - total)
                parts.append(piece)
                total += len(piece)
                pending = inflater.unconsumed_tail
                if inflater.eof or not pending:
                    break
            if total > limit:
                raise bomb_error(display, limit)
            if total >= want:
                break
            if not inflater.eof:
                if n_bytes is not None:
                    break
                return _recovered(display, b"".join(parts), len(data))
            rest = inflater.unused_data.lstrip(b"\x00")
    except zlib.error as exc:
        if n_bytes is None or not parts:
            raise InputFileError(display, f"is not a readable gzip file ({exc})") from None
    return b"".join(parts)


@dataclass(frozen=True)
class RowScan:
    """Rows of a table text that would cost more than they hold, found before parsing."""

    data: bytes
    dropped_rows: int
    #: Rows kept whose fields beyond the header's hold text and no number (a marker), and the first such text
    #: (REVIEW-221).
    marked_rows: int = 0
    marker: str = ""
    #: Rows kept, read by their first fields, because more than UNNAMED_COLUMN_SHARE of the rows hold a number
    #: beyond the header's (a column it does not name), and the first such row's extra fields (EDGE-260).
    unnamed_rows: int = 0
    unnamed_first: str = ""


def check_header(line: str, sep: str, display: str) -> int:
    """Number of fields of a header line; refuses one too long or too wide to be a sensor table's."""
    if len(line) > MAX_HEADER_LINE_BYTES:
        raise InputFileError(display, f"header line is {len(line):,} characters long: not a sensor table")
    n = count_fields(line, sep)
    if n > MAX_COLUMNS:
        raise InputFileError(display, f"header has {n:,} columns (a sensor table has at most {MAX_COLUMNS:,})")
    return n


def header_names(line: str, sep: str) -> list[str]:
    """A header line's names as the table parser reads them (quotes understood, blanks kept)."""
    if sep is None or sep == r"\s+":
        return line.split()
    try:
        return next(csv.reader([line], delimiter=sep), [])
    except csv.Error:
        return line.split(sep)


def named_twice(fields: list[str], read: list[str]) -> list[str]:
    """The names of ``read`` that the header ``fields`` writes more than once, in the order read (EDGE-289)."""
    return [name for name in dict.fromkeys(read) if fields.count(name) > 1]


def refuse_named_twice(fields: list[str], read: list[str], display: str, by_position: bool = False) -> None:
    """Refuses a header (its names ``fields``) that names a column read (``read``) more than once: the table parser
    would read the first and leave the other's values out, untold (EDGE-289). ``by_position``: the reader takes
    columns by their 0-based position (the generic reader's ``--acc-columns``): the refusal says so."""
    twice = named_twice(fields, read)
    if twice:
        where = "; ".join(
            f"'{name}' is columns {' and '.join(str(i) for i, f in enumerate(fields) if f == name)}" for name in twice
        )
        raise InputFileError(
            display,
            f"names a column it reads twice ({where}, 0-based): which one holds the samples cannot be told; "
            + (
                "name the columns to read by their 0-based position (--acc-columns, --gyr-columns), or "
                if by_position
                else ""
            )
            + "rename or remove one",
        )


def count_fields(line: str, sep: str) -> int:
    """Fields of one delimited line, quotes understood (``sep`` None: runs of whitespace)."""
    if sep is None or sep == r"\s+":
        line, sep = line.replace("\t", " ").strip(), " "
    try:
        return len(next(csv.reader([line], delimiter=sep, skipinitialspace=True), []))
    except csv.Error:
        return line.count(sep) + 1


def line_bounds(data: bytes) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(start, end) byte offsets of every line of ``data`` (end excludes the newline; LF, CRLF or CR)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    newline = 10 if b"\n" in data[:65536] or b"\r" not in data[:65536] else 13
    ends = np.flatnonzero(buf == newline)
    if ends.size == 0 or ends[-1] != buf.size - 1:
        ends = np.append(ends, buf.size)
    starts = np.concatenate([[0], ends[:-1] + 1])
    return starts, ends


LineIndex = tuple[NDArray[np.int64], NDArray[np.int64]]


def _wide_short_rows(
    data: bytes, lines: LineIndex, sep: str | None, n_fields: int, first: int
) -> tuple[list[int], list[int], list[int]]:
    """The lines from ``first`` on with more than ``n_fields`` fields separated by ``sep`` (one character) and a
    field beyond them holding something (EDGE-255): those where one holds a number, and those where they hold
    text only (a marker: REVIEW-221), and, where more than ``UNNAMED_COLUMN_SHARE`` of the rows hold a number beyond
    the header's fields, those instead of the first (a column the header does not name, not damage: EDGE-260; the first
    then empty); ([], [], []) where ``sep`` is not one character or a line holds a quote (a quoted field may hold the
    separator: not counted here).

    One vectorised count of the separators (~1 ms per 10 MB): where the body holds exactly ``n_fields - 1`` per
    non-empty line, no line is asked; else each line's separators are counted (vectorised) and the wide lines' extra
    fields read. A wide line and narrow lines whose fields make up exactly the expected count are not seen."""
    starts, ends = lines
    spaces = sep == r"\s+"
    if sep is None or not (spaces or (len(sep) == 1 and ord(sep) < 128)) or first >= starts.size:
        return [], [], []
    begin = int(starts[first])
    buf = np.frombuffer(data, dtype=np.uint8)[begin:]
    is_sep = _whitespace_separators(buf, starts[first:] - begin) if spaces else buf == ord(sep)
    rows = int(np.count_nonzero(ends[first:] > starts[first:]))
    if int(np.count_nonzero(is_sep)) == (n_fields - 1) * rows:  # separators within quotes only add to the count:
        return [], [], []  # a wide line needs a short one to make it up, as without quotes (EDGE-265's fast path)
    if data.find(b'"', begin) >= 0:  # a quoted field may hold the separator: only those outside quotes (EDGE-265)
        outside = _outside_quotes(buf, ends[first:] - begin)
        if outside is None:
            return [], [], []
        is_sep &= outside
        if int(np.count_nonzero(is_sep)) == (n_fields - 1) * rows:
            return [], [], []
    within = int(np.searchsorted(starts, len(data)))  # the lines in ``data`` (an index of bytes cut after it: fewer)
    at = np.flatnonzero(is_sep)
    before = np.searchsorted(at, starts[first:within] - begin)  # separators before each line's first
    wide = np.flatnonzero(np.diff(before, append=at.size) > n_fields - 1)
    numbered: list[int] = []
    marked: list[int] = []
    if wide.size:  # where the fields beyond the header's begin: after the line's n_fields-th separator
        whole = np.frombuffer(data, dtype=np.uint8)
        cut = at[before[wide] + n_fields - 1] + begin + 1
        wide += first
        held = _holds_something(whole, cut, ends[wide], 32 if spaces else ord(sep))
        wide, cut = wide[held], cut[held]
        number, text = _tails_read(whole, cut, ends[wide], is_sep, begin)  # all at once (EDGE-264)
        numbered = wide[number].tolist()
        marked = wide[text & ~number].tolist()
    if len(numbered) > UNNAMED_COLUMN_SHARE * rows:  # a column the header does not name: read, told (EDGE-260)
        return [], marked, numbered
    return numbered, marked, []


#: Share of a table's rows above which rows holding a number beyond the header's fields are a column the header
#: does not name (an app or logger writing a field its header leaves out), read by their first fields and told, not
#: damage dropped row by row (EDGE-260): a lost line end or an edit touches a few rows; dropping most of a recording
#: (or refusing it: no row left) for a field nobody asked for would lose what was recorded. Not tuned: no real export
#: holds such a row.
UNNAMED_COLUMN_SHARE = 0.01

#: Bytes of the fields beyond a header's that hold nothing: space, tab, CR (a CRLF line's end), the separator.
_BLANKS = (32, 9, 13)
#: Extra bytes asked at once per line by :func:`_holds_something`; a longer tail is read by the line.
_TAIL_BYTES = 8


def _holds_something(
    buf: NDArray[np.uint8], cut: NDArray[np.int64], stop: NDArray[np.int64], sep: int
) -> NDArray[np.bool_]:
    """Per line, whether its bytes ``cut`` to ``stop`` hold anything but blanks and separators: where a tail is at most
    ``_TAIL_BYTES`` long (a trailing separator, CR, spaces), asked of its bytes at once, in blocks of 65,536 lines
    (bounded memory); a longer one True, for the line's own read (REVIEW-223: each row of a table written with
    trailing separators was split in Python, 0.3 s a 27 MB table)."""
    blank = np.zeros(256, dtype=bool)
    blank[[*_BLANKS, sep]] = True
    length = stop - cut
    held = length > _TAIL_BYTES
    ask = np.flatnonzero((length > 0) & ~held)  # an empty tail (the trailing separator itself) holds nothing
    if not ask.size:
        return held
    k = np.arange(int(length[ask].max()))
    for lo in range(0, ask.size, 1 << 16):
        rows = ask[lo : lo + (1 << 16)]
        at = np.minimum(cut[rows, None] + k, buf.size - 1)
        held[rows] = (~blank[buf[at]] & (k < length[rows, None])).any(axis=1)
    return held


#: Byte classes of :func:`_tails_read`'s number grammar: ASCII whitespace (what ``bytes.strip`` and ``float`` strip),
#: digit, sign, decimal point or comma, exponent mark, any other byte.
_WS, _DIGIT, _SIGN, _POINT, _EXP, _OTHER = range(6)
_CLASS = np.full(256, _OTHER, dtype=np.int8)
_CLASS[[32, 9, 10, 13, 11, 12]] = _WS
_CLASS[48:58] = _DIGIT
_CLASS[[43, 45]] = _SIGN
_CLASS[[46, 44]] = _POINT
_CLASS[[69, 101]] = _EXP
#: States of the grammar [ws] [sign] (digits [point [digits]] | point digits) [exp [sign] digits] [ws]: start, sign,
#: digits, a point without digits before it, a point after digits, fraction digits, exponent mark, its sign, its
#: digits, trailing whitespace, dead. A row per state, a column per byte class.
_DEAD = 10
_NEXT = np.array(
    [
        [0, 2, 1, 3, _DEAD, _DEAD],  # start
        [_DEAD, 2, _DEAD, 3, _DEAD, _DEAD],  # sign
        [9, 2, _DEAD, 4, 6, _DEAD],  # digits (a number)
        [_DEAD, 5, _DEAD, _DEAD, _DEAD, _DEAD],  # a point, no digit yet
        [9, 5, _DEAD, _DEAD, 6, _DEAD],  # digits and a point (a number)
        [9, 5, _DEAD, _DEAD, 6, _DEAD],  # fraction digits (a number)
        [_DEAD, 8, 7, _DEAD, _DEAD, _DEAD],  # exponent mark
        [_DEAD, 8, _DEAD, _DEAD, _DEAD, _DEAD],  # exponent sign
        [9, 8, _DEAD, _DEAD, _DEAD, _DEAD],  # exponent digits (a number)
        [9, _DEAD, _DEAD, _DEAD, _DEAD, _DEAD],  # trailing whitespace (after a number)
        [_DEAD] * 6,
    ],
    dtype=np.int8,
)
_NUMBER_STATES = np.array([False, False, True, False, True, True, False, False, True, True, False])
#: Bytes a field the grammar refuses may hold and still be a number to ``float`` (``nan``, ``inf``, ``infinity``,
#: ``1_000``): such fields are read one by one by :func:`_is_number`; a field with any other byte is no number.
_FLOAT_WORD = np.zeros(256, dtype=bool)
_FLOAT_WORD[[*b"nNaAiIfFtTyY_0123456789+-.,eE \t\n\r\x0b\x0c"]] = True
#: Fields longer than this (bytes) are read one by one (no number is; bounds the grammar's passes).
_FIELD_BYTES = 64


def _whitespace_separators(buf: NDArray[np.uint8], line_starts: NDArray[np.int64]) -> NDArray[np.bool_]:
    """(bytes,) True at the byte before each field of a table whose fields are separated by runs of spaces or tabs
    (``\\s+``) but the first field of its line (leading whitespace separates nothing, as for pandas): one mark per
    separation, as a one-character separator has (EDGE-265). ``line_starts``: the lines' first bytes in ``buf``."""
    blank = np.zeros(256, dtype=bool)
    blank[[32, 9, 13, 10]] = True
    ws = blank[buf]
    field = ~ws  # a field's first byte: not blank, first or after a blank
    field[1:] &= ws[:-1]
    at = np.flatnonzero(field)
    line_first = np.searchsorted(at, line_starts)  # each line's first field (where it lies in the line)
    field[at[line_first[line_first < at.size]]] = False
    out = np.zeros(buf.size, dtype=bool)
    out[:-1] = field[1:]
    return out


def _outside_quotes(buf: NDArray[np.uint8], line_ends: NDArray[np.int64]) -> NDArray[np.bool_] | None:
    """(bytes,) True at the bytes outside double quotes (an even count of quotes before them: ``""`` inside a field
    counts twice); None where a line ends inside quotes (a field holding a line end: not screened). EDGE-265."""
    parity = np.cumsum(buf == 34, dtype=np.uint8) & 1  # a uint8 count wraps at 256, an even number: parity holds
    inside_end = parity[line_ends[line_ends < buf.size]]
    if inside_end.any():
        return None
    return parity == 0


def _tails_read(
    buf: NDArray[np.uint8], cut: NDArray[np.int64], stop: NDArray[np.int64], is_sep: NDArray[np.bool_], begin: int
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Per line, whether a field of its bytes ``cut`` to ``stop`` (fields split where ``is_sep``, a mask of ``buf``'s
    bytes from ``begin`` on, is True) is a number to
    :func:`_is_number` (``float`` of the stripped field, a decimal comma read as a point), and whether one holds
    anything but whitespace: the decisions of splitting each line in Python (REVIEW-221), taken for all the lines at
    once (EDGE-264: ~0.3 s for an hour whose every row holds an unnamed number). Each field's bytes run through the
    number grammar (:data:`_NEXT`) one byte position at a time over all fields; a field it refuses that holds only
    bytes ``float`` could read as a number otherwise (:data:`_FLOAT_WORD`), or longer than ``_FIELD_BYTES``, is asked
    of :func:`_is_number` itself."""
    lines = cut.size
    length = np.maximum(stop - cut, 0)
    total = int(length.sum())
    if total == 0:
        return np.zeros(lines, dtype=bool), np.zeros(lines, dtype=bool)
    first = np.cumsum(length) - length  # each line's first byte among the tails' bytes
    pos = np.repeat(cut - first, length) + np.arange(total)
    tail = buf[pos]
    is_sep = is_sep[pos - begin]
    begins = np.zeros(total, dtype=bool)  # a field begins at a line's first byte and after each separator
    begins[1:] = is_sep[:-1]
    held = np.flatnonzero(length > 0)
    begins[first[held]] = True
    field_start = np.flatnonzero(begins)
    field_line = held[np.searchsorted(first[held], field_start, side="right") - 1]
    field_end = np.append(field_start[1:], total)
    field_len = field_end - field_start - is_sep[field_end - 1]  # its separator, where one ends it, not counted
    cls = _CLASS[tail]
    text = np.logical_or.reduceat((cls != _WS) & ~is_sep, field_start)
    state = np.zeros(field_start.size, dtype=np.int8)
    order = np.argsort(-np.minimum(field_len, _FIELD_BYTES), kind="stable")  # longest first: those still read
    passes = np.minimum(field_len[order], _FIELD_BYTES)
    for k in range(int(passes[0]) if passes.size else 0):
        active = order[: int(np.searchsorted(-passes, -k, side="left"))]
        state[active] = _NEXT[state[active], cls[field_start[active] + k]]
    number = _NUMBER_STATES[state] & (field_len <= _FIELD_BYTES)
    word = ~np.logical_or.reduceat(~_FLOAT_WORD[tail] & ~is_sep, field_start)
    ask = np.flatnonzero(~number & text & (word | (field_len > _FIELD_BYTES)))
    quoted = np.logical_or.reduceat((tail == 34) & ~is_sep, field_start)
    ask = np.union1d(ask, np.flatnonzero(quoted))
    for i in ask:  # "nan", "inf", "1_000", a long field, a quoted one: read one by one (rare)
        start = int(pos[field_start[i]])
        field = _unquoted(bytes(buf[start : start + int(field_len[i])]).strip()) if quoted[i] else None
        text[i] = bool(field) if field is not None else text[i]
        number[i] = _is_number(field if field is not None else bytes(buf[start : start + int(field_len[i])]).strip())
    return (
        np.bincount(field_line[number], minlength=lines) > 0,
        np.bincount(field_line[text], minlength=lines) > 0,
    )


def _unquoted(field: bytes) -> bytes:
    """A field's value within its double quotes (``""`` one quote), stripped; as written where it is not quoted."""
    if len(field) >= 2 and field[:1] == b'"' and field[-1:] == b'"':
        return field[1:-1].replace(b'""', b'"').strip()
    return field


def _is_number(field: bytes) -> bool:
    """Whether a field reads as a number, with a decimal point or a decimal comma (REVIEW-221)."""
    try:
        float(field.replace(b",", b"."))
    except ValueError:
        return False
    return True


def drop_wide_rows(
    data: bytes, sep: str | None, n_fields: int, skip_lines: int = 0, lines: LineIndex | None = None
) -> RowScan:
    """``data`` without the rows that have more than ``n_fields`` fields, and how many were removed.

    Rows are screened by length (newline positions, one vectorised pass); rows longer than
    ``LONG_ROW_FACTOR`` times the median row are counted field by field (they would cost rows x their width in
    memory). A shorter row wider than the header is found by its separators (:func:`_wide_short_rows`: a single
    character, rows without a quote) and removed where a field beyond ``n_fields`` holds something: its fields
    cannot be matched to the header's columns (EDGE-255); one whose extra fields are empty (a trailing separator)
    is kept, read by its first fields, and so is one whose extra fields hold text and no number (a marker the header
    does not name, written on the rows it marks: its fields are the header's, in order; counted in ``marked_rows``,
    REVIEW-221). Where more than ``UNNAMED_COLUMN_SHARE`` of the rows hold a number beyond the header's fields, none
    of them is dropped: a column the header does not name, read by the first fields (``unnamed_rows``, EDGE-260).
    The first ``skip_lines`` lines (header, preamble) are not checked.
    """
    if not data:
        return RowScan(data, 0)
    starts, ends = lines if lines is not None else line_bounds(data)
    lengths = ends - starts
    body = slice(min(skip_lines, lengths.size), None)
    sample = lengths[body][:10000]
    if sample.size == 0:
        return RowScan(data, 0)
    typical = max(float(np.median(sample)), 16.0)
    long_rows = np.flatnonzero(lengths[body] > LONG_ROW_FACTOR * typical) + body.start
    wide = [
        int(i)
        for i in long_rows
        if count_fields(data[starts[i] : ends[i]].decode("latin-1").rstrip("\r"), sep or r"\s+") > n_fields
    ]
    short, marked, unnamed = _wide_short_rows(data, (starts, ends), sep, n_fields, body.start)
    wide = sorted(set(wide) | set(short)) if short else wide
    marked = sorted(set(marked) - set(wide)) if marked and wide else marked
    unnamed = sorted(set(unnamed) - set(wide)) if unnamed and wide else unnamed
    mark = _first_marker(data, (starts, ends), sep, n_fields, marked)
    extra = _first_marker(data, (starts, ends), sep, n_fields, unnamed)
    if not wide:
        return RowScan(data, 0, len(marked), mark, len(unnamed), extra)
    keep: list[bytes] = []
    previous = 0
    for i in wide:
        keep.append(data[previous : starts[i]])
        previous = min(int(ends[i]) + 1, len(data))
    keep.append(data[previous:])
    return RowScan(b"".join(keep), len(wide), len(marked), mark, len(unnamed), extra)


def _first_marker(data: bytes, lines: LineIndex, sep: str | None, n_fields: int, marked: list[int]) -> str:
    """The text beyond the header's fields of the first of the ``marked`` lines ("" where there is none)."""
    if not marked or sep is None:
        return ""
    starts, ends = lines
    line = data[starts[marked[0]] : ends[marked[0]]].decode("latin-1")
    if sep == r"\s+":
        extra = line.split()[n_fields:]
        return " ".join(extra)[:40]
    fields = next(csv.reader([line], delimiter=sep), []) if '"' in line else line.split(sep)
    return sep.join(f.strip() for f in fields[n_fields:]).strip(sep)[:40]
