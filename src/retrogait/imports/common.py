"""Helpers every importer shares: file access (plain, folder, zip), fast tolerant table reading,
bad-row dropping with counts, putting two streams on one timeline, unit factors and the final
checks that turn arrays into a native :class:`~retrogait.session.Session`.
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait import gyro_subrate
from retrogait.acc_subrate import own_rows
from retrogait.bridge import (
    MIN_LOSS_STAMPS,
    absurd_as_missing,
    gyro_left,
    losing_steps,
    separate_span_s,
    short_bridged,
)
from retrogait.conventions import (
    BRIDGE_MAX_S,
    GYR_LOST_SPAN_COLUMN,
    GYR_PERIOD_KEY,
    MAX_ACC_G,
    MIN_SAMPLE_RATE_HZ,
    SEPARATE_GYRO_WORDS,
    STANDARD_GRAVITY_MS2,
)
from retrogait.errors import InputFileError, RetrogaitError
from retrogait.imports import inference
from retrogait.imports.base import ImportOptions, ImportReport, ImportResult
from retrogait.imports.limits import (
    GYRO_LEFT_OUT_KEY,
    GYRO_MISSING_KEY,
    IMPORT_NOTES_KEY,
    SAMPLE_RATE_KEY,
    ZIP_ERRORS,
    LineIndex,
    bomb_error,
    check_header,
    drop_wide_rows,
    gunzip_bounded,
    header_names,
    line_bounds,
    read_bounded,
    refuse_named_twice,
    unpack_limit,
)
from retrogait.imports.sensor_tables import is_records_json, is_sqlite, json_tables, sqlite_tables
from retrogait.imports.textcoding import as_utf8
from retrogait.imports.workbook import Sheet, is_workbook, read_sheets, source_name
from retrogait.imports.zipped import member_is_content
from retrogait.rate import (
    Packets,
    delivery_packets,
    measured_rate,
    meets_rate,
    order_slots,
    packets_to_retime,
    retimed_packets,
    steady_clock,
)
from retrogait.resolution import acc_quantum_g, describe_quantum
from retrogait.session import MIN_GYRO_COVERAGE, Session, SessionMeta, covers_enough, session_problem
from retrogait.summary import percent

#: Multiply by these to get m/s^2 and deg/s.
ACC_TO_MS2 = {"ms2": 1.0, "g": STANDARD_GRAVITY_MS2, "mg": STANDARD_GRAVITY_MS2 / 1000.0}
GYR_TO_DPS = {"dps": 1.0, "rads": 180.0 / math.pi}
#: Bytes looked at by sniffers.
SNIFF_BYTES = 4096
#: The first bytes of a gzip stream.
GZIP_MAGIC = b"\x1f\x8b"
#: A second stream is interpolated only between its samples at most this many of its periods apart.
MERGE_MAX_GAP_PERIODS = 2.5
#: Median |acc| below this (m/s^2) cannot contain gravity.
MIN_GRAVITY_MS2 = 4.0

FloatArray = NDArray[np.float64]


# ------------------------------------------------------------------------------------ file access


@dataclass(frozen=True)
class Source:
    """One input file: on disk, in memory, or a member of a zip archive (read when needed)."""

    display: str
    path: Path | None = None
    data: bytes | None = None
    member: str | None = None
    sheet: Sheet | None = None  # a workbook's sheet (workbook.py): its table is read as it is

    @property
    def name(self) -> str:
        return self.display.replace("\\", "/").rsplit("/", 1)[-1]

    def read_bytes(self) -> bytes:
        return self._read(None)

    def head(self, n_bytes: int = SNIFF_BYTES) -> bytes:
        return self._read(n_bytes)

    def _read(self, n_bytes: int | None) -> bytes:
        """The content as UTF-8 (:func:`~retrogait.imports.textcoding.as_utf8`: UTF-16 decoded, a BOM removed;
        its first ``n_bytes``), gzip and zip members unpacked within the limits."""
        if n_bytes is None:
            return as_utf8(self._raw(None))
        return as_utf8(self._raw(2 * n_bytes))[:n_bytes]  # UTF-16 takes two bytes a character

    def _raw(self, n_bytes: int | None) -> bytes:
        """The bytes as stored (its first ``n_bytes``), gzip and zip members unpacked within the limits; a
        workbook sheet's as CSV text (its head: the header and first rows)."""
        if self.sheet is not None:  # its head stands for any head asked for (as a short file's would)
            return self.sheet.csv_text() if n_bytes is None else self.sheet.head[:n_bytes]
        if self.data is not None:
            return self.data if n_bytes is None else self.data[:n_bytes]
        assert self.path is not None
        try:
            if self.member is not None:
                with zipfile.ZipFile(self.path) as archive:
                    info = archive.getinfo(self.member)
                    limit = unpack_limit(info.compress_size)
                    if n_bytes is None and info.file_size > limit:  # says so itself: refused before unpacking
                        raise bomb_error(self.display, limit)
                    with archive.open(info) as fh:
                        return read_bounded(fh.read, limit, self.display, n_bytes)
            with open(self.path, "rb") as fh:
                if fh.read(2) == GZIP_MAGIC:
                    fh.seek(0)
                    packed = fh.read() if n_bytes is None else fh.read(max(65536, 4 * n_bytes))
                    return gunzip_bounded(packed, self.display, n_bytes)
                fh.seek(0)
                return fh.read() if n_bytes is None else fh.read(n_bytes)
        except ZIP_ERRORS + (KeyError,) as exc:
            raise InputFileError(self.display, f"cannot be read ({getattr(exc, 'strerror', None) or exc})") from None


def head_bytes(path: Path, n_bytes: int = SNIFF_BYTES) -> bytes:
    """The first bytes of a file (unpacked when it is gzip), or b'' when it is not a readable file (for sniffers)."""
    try:
        return Source(str(path), path=path).head(n_bytes) if path.is_file() else b""
    except (OSError, RetrogaitError):
        return b""


def head_text(data: bytes) -> str:
    """Bytes as text for sniffing: BOM and NULs removed; UTF-8, else Windows-1252 (Excel's "CSV" on a Western
    Windows: ``m/s²`` written as the byte B2, EDGE-117; a character cut at the end of ``data`` is no sign of it);
    undecodable bytes replaced."""
    data = data.replace(b"\x00", b"")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        cut_at_end = exc.start >= len(data) - 3 and exc.reason == "unexpected end of data"
        text = data.decode("utf-8" if cut_at_end else "cp1252", errors="replace")
    return text.lstrip("\ufeff")


def first_line(data: bytes) -> str:
    text = head_text(data)
    return re.split(r"\r\n|\r|\n", text, maxsplit=1)[0].strip()


def bundle_sources(path: Path) -> list[Source]:
    """The files of an export: a folder's files (and its ``meta/``), a zip's members, or a file and
    its siblings (apps write one file per sensor side by side); a workbook's sheets, the sensor tables of a
    records JSON or an SQLite export (``sensor_tables``) as the CSV files they stand for."""
    if is_workbook(path):
        return [Source(f"{path}/{source_name(s.name)}", sheet=s) for s in read_sheets(path)]
    tables = json_tables(path) if is_records_json(path) else sqlite_tables(path) if is_sqlite(path) else None
    if tables is not None:
        return [Source(f"{path}/{name}.csv", data=table) for name, table in tables.items()]
    if zipfile.is_zipfile(path) if path.is_file() else False:
        return _zip_sources(path)
    folder = path if path.is_dir() else path.parent
    try:
        files = sorted(folder.iterdir())
        if (folder / "meta").is_dir():
            files += sorted((folder / "meta").iterdir())
        return [Source(str(p), path=p) for p in files if p.is_file()]
    except OSError as exc:
        raise InputFileError(path, f"cannot be listed ({exc.strerror or exc})") from None


def zip_names(path: Path) -> list[str]:
    """Member names of a zip archive, or [] when it is not one (for sniffers)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return [n for n in archive.namelist() if not n.endswith("/")]
    except ZIP_ERRORS:
        return []


def _zip_sources(path: Path) -> list[Source]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
    except ZIP_ERRORS as exc:
        raise InputFileError(path, f"is not a readable zip archive ({exc})") from None
    _refuse_several_recordings(path, [i.filename for i in infos if member_is_content(i)])
    return [Source(f"{path}/{i.filename}", path=path, member=i.filename) for i in infos]


def _refuse_several_recordings(path: Path, names: list[str]) -> None:
    """Refuse a zip whose folders hold files of the same name (``run1/Accelerometer.csv``,
    ``run2/Accelerometer.csv``): several recordings, of which a reader would take the first file of each
    name, mixing them or leaving all but one out (EDGE-74)."""
    folders: dict[str, set[str]] = {}
    for name in names:
        folder, _, base = name.replace("\\", "/").rpartition("/")
        folders.setdefault(base.lower(), set()).add(folder)
    repeated = {f for held in folders.values() if len(held) > 1 for f in held}
    shared = sorted(f for f in repeated if not any(f.startswith(f"{o}/") for o in repeated if o))  # run1/meta: run1's
    if shared:
        shown = ", ".join(f"{f}/" if f else "(top level)" for f in shared[:4]) + (", ..." if len(shared) > 4 else "")
        raise InputFileError(
            path,
            f"is a zip of {len(shared)} recordings ({shown}), not one export: unpack it and give them one by one, "
            "or `retrogait batch` its folder",
        )


def find_source(sources: Sequence[Source], pattern: str) -> Source | None:
    """The first source whose file name matches the regular expression (case-insensitive)."""
    regex = re.compile(pattern, re.IGNORECASE)
    return next((s for s in sources if regex.fullmatch(s.name)), None)


def display_of(path: Path, source: Source) -> str:
    return source.display if source.display else str(path)


# --------------------------------------------------------------------------------- table reading


#: A quoted number with a decimal comma (``"0,103623047"``): a `,`-separated table saved by a spreadsheet in a
#: decimal-comma locale (Google Sheets' download, LibreOffice with `,` between fields) quotes its numbers so.
_QUOTED_DECIMAL_COMMA = re.compile(r'"\s*[+-]?(\d+),(\d+)([eE][+-]?\d+)?\s*"')


def quoted_decimal_commas(data: str) -> bool:
    """Whether the data line's quoted numbers are written with a decimal comma (EDGE-164): some hold a comma with
    other than 3 digits after it, or after a lone 0, or before an exponent (``"1,234"`` alone could be a thousand)."""
    found = _QUOTED_DECIMAL_COMMA.findall(data)
    return any(len(after) != 3 or whole == "0" or exponent for whole, after, exponent in found)


def detect_delimiter(text: str) -> tuple[str, str]:
    """``(delimiter, decimal)`` from the first lines of a table: tab, ';' or ','. With tab or ';'
    the decimal mark is ',' when the first data line holds commas (European-locale exports); where that line holds
    neither a comma nor a number with a point (a units row, ``"s";"m/s^2"``, or whole numbers), the next line
    decides (EDGE-275). With ',' when its quoted numbers hold a decimal comma (``"0,5"``, EDGE-164)."""
    lines = [line for line in re.split(r"\r\n|\r|\n", text) if line.strip()][:4]
    header = lines[0] if lines else ""
    data = lines[1] if len(lines) > 1 else ""
    if "\t" in header or header.count(";") > header.count(","):
        sep = "\t" if "\t" in header else ";"
        for line in lines[1:]:
            if "," in line or _POINT_DECIMAL.search(line):
                return sep, "," if "," in line else "."
        return sep, "."
    return ",", "," if quoted_decimal_commas(data) else "."


#: A number written with a decimal point (``0.5``): a line that holds one has its decimal mark.
_POINT_DECIMAL = re.compile(r"\d\.\d")


def csv_layout(source: Source) -> tuple[list[str], str, str]:
    """``(column names, delimiter, decimal)`` of a delimited file with a one-line header."""
    text = head_text(source.head())
    sep, decimal = detect_delimiter(text)
    return header_fields(first_line(source.head()), sep), sep, decimal


def read_table(
    source: Source,
    *,
    sep: str = ",",
    skiprows: int = 0,
    numeric: Sequence[str] = (),
    text: Sequence[str] = (),
    decimal: str = ".",
    names: Sequence[str] | None = None,
    report: ImportReport | None = None,
    lines: LineIndex | None = None,
    numbers_first: Sequence[str] = (),
) -> pd.DataFrame:
    """Read the columns ``numeric`` (as float64, NaN where a value is not a number) and ``text``
    (as str) of a delimited table (``sep`` ``\\s+`` = runs of whitespace). ``lines``: the
    :func:`~retrogait.imports.limits.line_bounds` of the source's bytes when the caller has them.
    ``numbers_first``: ``text`` columns (a time column written as numbers or as date-time text) read as float64
    where the C parser reads every cell of them as a number, at least half are finite (what :func:`text_time_s`
    calls ``number``) and no -0.0 is among whole numbers only (the same float64 values, PERF-127, REVIEW-212), else
    as str like the others.

    Before parsing, a header too wide for a sensor table is refused and rows with more fields than
    the header are dropped (``limits.drop_wide_rows``: a long one would cost rows x its width in memory; a short one
    whose extra fields hold a number cannot be matched to the columns, EDGE-255; one whose extra fields are empty
    is read by its first fields, and so is one whose extra fields hold text only, a marker, with a note, REVIEW-221).
    The fast
    path is pandas' C parser with float dtypes; only when it fails (text in a number column, ragged
    rows) is the table read again as text and converted value by value. Dropped rows (too many
    fields) are counted as ``malformed`` in ``report``.
    """
    numeric = list(dict.fromkeys(numeric))
    text = [c for c in dict.fromkeys(text) if c not in numeric]
    if source.sheet is not None:  # a workbook's sheet: its cells, without a trip through text
        return source.sheet.columns(numeric, text, source.display)
    raw = source.read_bytes()
    if not raw or raw.isspace():
        raise InputFileError(source.display, "is empty (no table)")
    whole = without_cut_last_line(raw, sep)
    if whole is not None:  # a file still being written, or cut off: its last value may be cut short (EDGE-12)
        raw = whole
        if report is not None:
            report.drop("last_line_cut_short", 1)
    if names is None:
        header = nth_line(raw, skiprows)
        width = check_header(header, sep, source.display)
        refuse_named_twice(
            header_names(header, sep), [*numeric, *text], source.display
        )  # the parser reads the first (EDGE-289)
    else:
        width = len(names)
    scan = drop_wide_rows(raw, sep, width, skip_lines=skiprows + (0 if names is not None else 1), lines=lines)
    if report is not None:
        report.drop("malformed", scan.dropped_rows)
        marked = (
            f"{scan.marked_rows} rows hold text beyond the header's {width} fields ('{scan.marker}'): read by their "
            f"first {width}"
        )
        if scan.marked_rows and marked not in report.notes:  # a marker the header does not name (REVIEW-221)
            report.notes.append(marked)
        unnamed = (
            f"{scan.unnamed_rows} rows hold numbers beyond the header's {width} fields ('{scan.unnamed_first}'): too "
            f"many to be damage, a column the header does not name; read by their first {width}"
        )
        if scan.unnamed_rows and unnamed not in report.notes:  # too many rows to be damage (EDGE-260)
            report.notes.append(unnamed)
    options: dict[str, Any] = {
        "sep": sep,
        "skiprows": skiprows,
        "usecols": [*numeric, *text],
        "decimal": decimal,
        "skip_blank_lines": True,
        "engine": "c",
        "index_col": False,  # rows one empty field wider than the header (a trailing separator): no index (EDGE-285)
    }
    if names is not None:
        options.update(header=None, names=list(names))
    dtypes = {**dict.fromkeys(numeric, np.float64), **dict.fromkeys(text, str)}
    first = [c for c in dict.fromkeys(numbers_first) if c in text]
    for attempt in ([{**dtypes, **dict.fromkeys(first, np.float64)}] if first else []) + [dtypes]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = pd.read_csv(io.BytesIO(scan.data), dtype=attempt, **options)
        except pd.errors.EmptyDataError:
            raise InputFileError(source.display, "is empty (no table)") from None
        except (ValueError, pd.errors.ParserError, UnicodeDecodeError, OverflowError):
            continue
        if attempt is dtypes or all(_as_text_gives(frame[c].to_numpy()) for c in first):
            return frame
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = pd.read_csv(
                io.BytesIO(scan.data),
                dtype=str,
                on_bad_lines="skip",
                encoding="latin-1",
                keep_default_na=False,
                **options,
            )
    except pd.errors.EmptyDataError:
        raise InputFileError(source.display, "is empty (no table)") from None
    except (ValueError, pd.errors.ParserError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputFileError(source.display, f"table cannot be parsed ({message})") from None
    if report is not None:
        data_rows = count_lines(scan.data, skiprows) - (1 if names is None else 0)
        report.drop("malformed", max(0, data_rows - len(frame)))
        # the header written again, a units row: dropped as before, counted as what they are (EDGE-263)
        frame = _without_header_rows(frame, numeric, text, report, decimal, units_row=names is None)
    for column in numeric:
        values = frame[column].str.strip()
        if decimal != ".":
            values = values.str.replace(decimal, ".", regex=False)
        frame[column] = pd.to_numeric(values, errors="coerce").astype(np.float64)
    return frame


#: A cell written as a value that is no finite number ("NaN", "-inf", "Infinity"): a sample's, not a unit.
_NOT_FINITE_WORD = re.compile(r"[+-]?(nan|inf|infinity)", re.IGNORECASE)


def _without_header_rows(
    frame: pd.DataFrame,
    numeric: Sequence[str],
    text: Sequence[str],
    report: ImportReport,
    decimal: str = ".",
    units_row: bool = True,
) -> pd.DataFrame:
    """``frame`` (a table read as text, its header's names) without the rows that are no sample, counted in ``report``
    as what they are (EDGE-263): ``header_repeated``, a row whose every cell read equals its column's name (a header
    written again, a second recording's start); ``units_row``, the first row when none of its ``numeric`` cells is
    empty or a number (units or labels written under the header). Any other text is left to the readers'
    ``<stream>_not_a_number``. ``decimal``: the table's decimal mark. ``units_row``: look for a
    units row (a table read by its own header line; not one read by names a reader gives it, whose first row is its
    first sample's)."""
    if frame.empty:
        return frame
    columns = [*numeric, *text]
    header = np.zeros(len(frame), dtype=bool)
    named = np.flatnonzero((frame[columns[0]].str.strip() == str(columns[0]).strip()).to_numpy())
    if named.size:  # the other columns asked only of the rows whose first cell is its name: one pass, not one a column
        rows = frame.iloc[named]
        same = np.ones(named.size, dtype=bool)
        for column in columns[1:]:
            same &= (rows[column].str.strip() == str(column).strip()).to_numpy()
        header[named[same]] = True
    units = np.zeros(len(frame), dtype=bool)
    if units_row and numeric and not header[0]:
        first = [str(frame[column].iloc[0]).strip().replace(decimal, ".") for column in numeric]  # as read below
        units[0] = all(first) and all(
            np.isnan(pd.to_numeric(pd.Series([cell]), errors="coerce").iloc[0]) and not _NOT_FINITE_WORD.fullmatch(cell)
            for cell in first
        )
    if not (header.any() or units[0]):
        return frame
    report.drop("header_repeated", int(header.sum()))
    report.drop("units_row", int(units[0]))
    return frame[~(header | units)].reset_index(drop=True)


def _as_text_gives(values: FloatArray) -> bool:
    """Whether ``values``, a column the C parser read as float64, are what :func:`text_time_s` gives from its text:
    at least half finite (or none: its ``number``), and no -0.0 among whole numbers only (``pd.to_numeric`` reads a
    column of integers as int64, its "-0" +0.0; such a column goes the text path, REVIEW-212)."""
    if values.size == 0:
        return True
    finite = np.isfinite(values)
    if float(finite.mean()) < 0.5:
        return False
    if not np.signbit(values[values == 0.0]).any():
        return True
    return not (finite.all() and bool((values == np.floor(values)).all()))  # a cell not a whole number: floats


#: How many lines before the last one tell how long a whole row is at least (EDGE-12).
CUT_LINE_LOOKBACK = 50


def without_cut_last_line(data: bytes, sep: str = ",") -> bytes | None:
    """``data`` without its last line when that line was cut short, else None (EDGE-12, EDGE-17, EDGE-26).

    App exports end with or without a line end (phyphox and MetaWear write none after the last row), so
    a missing line end alone says nothing. A last line without one was cut while being written or copied
    when it has fewer fields than each of the (up to) 50 lines before it, or when its last field is not
    whole as that column is written (:func:`_last_value_cut`): ``8.46190`` is what is left of
    ``8.461903381E-1``, a value ten times too large, or when it leaves a quote open. Needs 10 lines before it
    (but for the open quote)."""
    if data.endswith((b"\n", b"\r")):
        return None
    end = max(data.rfind(b"\n"), data.rfind(b"\r"))
    last = data[end + 1 :].strip()
    if end < 0 or not last:
        return None
    if last.count(b'"') % 2:  # a quoted field left open: cut inside it (``"0,9`` of ``"0,991"``, EDGE-164)
        return data[: end + 1]
    before = _lines_before(data, end)
    rows = [_fields(line, sep) for line in before if line.strip()]
    if len(rows) < 10:
        return None
    fields = _fields(last, sep)
    fewest = min(len(row) for row in rows)
    if len(fields) < fewest:
        return data[: end + 1]
    at = len(fields) - 1
    if len(fields) == fewest and _last_value_cut(fields[at].strip(), [row[at].strip() for row in rows]):
        return data[: end + 1]
    return None


#: A number as a table writes it: sign, digits with or without a fraction, an exponent.
_NUMBER = re.compile(rb"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class _Written:
    """How one number is written: exponent or not, digits after the point, significant digits (none for a
    zero), whether its fraction ends in 0 and whether it ends at its point."""

    exponent: bool
    decimals: int
    digits: int
    zero_ending: bool
    ends_at_point: bool


def _written(field: bytes) -> _Written | None:
    if not _NUMBER.fullmatch(field):
        return None
    mantissa, _, exponent = field.lstrip(b"+-").lower().partition(b"e")
    integer, _, fraction = mantissa.partition(b".")
    digits = len((integer + fraction).lstrip(b"0"))
    return _Written(bool(exponent), len(fraction), digits, fraction.endswith(b"0"), mantissa.endswith(b"."))


def _last_value_cut(field: bytes, column: list[bytes]) -> bool:
    """Whether ``field``, the last value of a line without a line end, was cut, judged by ``column``, that
    value in the lines before (EDGE-26).

    Text and whole numbers: narrower, its sign aside, than each before (EDGE-17). Numbers with a fraction:
    cut when not a number or ending at its point or sign (``1.``, ``-``, ``1e-``) or without the exponent
    each before has; with a fixed number of decimals, when it has fewer. Doubles written as short as they
    read back (JavaScript's and Python's shortest round trip: Sensor Logger; 15-17 significant digits, a
    few fewer now and then, so no width tells a whole one): cut when its fraction ends in a 0 (such a
    writer never writes one; ``0.0`` only where the column writes integers so), when it is a zero other
    than the zeros before it and ``0`` among float32 values (a quantized axis crossing zero), or when it
    has 3 significant digits fewer than each before and 6 fewer than the most of them. A cut these values
    pass keeps at least 10 significant digits, except one leaving ``0`` of ``0.xxx`` among float32 values
    (the app's own zero)."""
    shapes = [_written(value) for value in column]
    numbers = [shape for shape in shapes if shape is not None]
    if len(numbers) < len(shapes) or all(not shape.exponent and shape.decimals == 0 for shape in numbers):
        return _width(field) < min(_width(value) for value in column)
    shape = _written(field)
    if shape is None or shape.ends_at_point:
        return True
    if not shape.exponent and all(before.exponent for before in numbers):
        return True
    decimals = {before.decimals for before in numbers}
    if len(decimals) == 1:
        return shape.decimals < min(decimals)
    digits = [before.digits for before in numbers if before.digits]
    if not digits or max(digits) < 15:  # not doubles written to round trip: on a lattice (IMPORT-14), or by width
        on_lattice = _on_column_lattice(field, shape, column, numbers)
        if on_lattice is not None:
            return not on_lattice
        return _width(field) < min(_width(value) for value in column)
    if shape.digits == 0:  # a zero: "0" where the values are a sensor's float32 (exactly 0 at a crossing)
        integral_zero = field == b"0.0" and any(value.endswith(b".0") for value in column)
        return not (field in column or integral_zero or (field == b"0" and _single_precision(column)))
    if shape.zero_ending and not any(before.zero_ending for before in numbers if before.digits):
        return True
    return shape.digits < min(min(digits) - 3, max(digits) - 6)


def _on_column_lattice(field: bytes, shape: _Written, column: list[bytes], numbers: list[_Written]) -> bool | None:
    """For a column of a sensor's fixed-point readings scaled to a unit and written as decimal fractions
    (Polar's Java floats: multiples of 0.07 deg/s, 0.0015 G, written ``0.42000002``, ``2.1``): whether
    ``field`` is whole by the column's quantum (IMPORT-14). None where that test does not apply: a value
    without a point or with an exponent, no quantum that every value is a whole multiple of (found from
    the smallest difference between the column's values, or a half to a fifth of it), or one finer than
    the field's last decimal place over two (a cut value on the lattice could be further off than two
    quanta). Otherwise True when ``field`` is a whole multiple of it (within float32 precision): if it was
    cut, what was lost is at most two quanta, the sensor's own resolution; False when it is off it."""
    if shape.exponent or shape.decimals == 0 or any(n.exponent or n.decimals == 0 for n in numbers):
        return None
    values = np.unique(np.array([float(value) for value in column]))
    steps = np.diff(values)
    if steps.size < 2:
        return None
    smallest = float(steps.min())
    for divisor in range(1, 6):
        quantum = smallest / divisor
        if 10.0**-shape.decimals > 2.0 * quantum:
            return None
        if _multiples(values, quantum).all():
            return bool(_multiples(np.array([float(field)]), quantum)[0])
    return None


def _multiples(values: NDArray[np.float64], quantum: float) -> NDArray[np.bool_]:
    """Whether each of ``values`` is a whole multiple of ``quantum`` as float32 arithmetic writes it (to
    1e-6 of the value, and 1e-3 of the quantum)."""
    k = np.round(values / quantum)
    return np.abs(values - k * quantum) <= np.maximum(1e-6 * np.abs(values), 1e-3 * quantum)


def _fields(line: bytes, sep: str) -> list[bytes]:
    """The fields of one line split at ``sep`` (``\\s+``: runs of whitespace), quotes not understood."""
    return line.split() if sep == r"\s+" else line.strip().split(sep.encode())


def _single_precision(column: list[bytes]) -> bool:
    """Whether each of ``column``'s values is a float32 value written as a double (Sensor Logger on Android)."""
    values = np.array([float(value) for value in column])
    with np.errstate(over="ignore"):
        return bool(np.array_equal(values.astype(np.float32).astype(np.float64), values))


def _width(field: bytes) -> int:
    """A field's characters without surrounding blanks and its sign."""
    return len(field.strip().lstrip(b"+-"))


def _lines_before(data: bytes, end: int) -> list[bytes]:
    """The last :data:`CUT_LINE_LOOKBACK` lines before ``end`` of ``data``, without splitting all of a large text."""
    window = 4096
    while True:
        start = max(0, end - window)
        lines = data[start:end].splitlines()
        if start == 0 or len(lines) > CUT_LINE_LOOKBACK + 1:
            return lines[-CUT_LINE_LOOKBACK:]
        window *= 4


def nth_line(data: bytes, skip: int) -> str:
    """The first non-blank line after the first ``skip`` lines of ``data`` (decoded leniently), or ''."""
    lines = re.split(rb"\r\n|\r|\n", data[: (skip + 64) * 65536], maxsplit=skip + 64)[skip:]
    line = next((x for x in lines if x.strip()), b"")
    return head_text(line[: 4 * 65536])


def count_lines(data: bytes, skip: int = 0) -> int:
    """Non-blank lines of ``data`` after the first ``skip`` lines (vectorised)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    starts, ends = line_bounds(data)
    lengths = (ends - starts)[skip:]
    carriage = buf[np.minimum(starts[skip:], buf.size - 1)] == 13
    return int(((lengths > 1) | ((lengths == 1) & ~carriage)).sum())


def header_fields(line: str, sep: str) -> list[str]:
    """Column names of a header line, quotes and spaces removed."""
    return [f.strip().strip('"').strip() for f in line.split(sep)]


def require_columns(source: Source, columns: Sequence[str], wanted: Sequence[str]) -> None:
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise InputFileError(
            source.display, f"column(s) {', '.join(missing)} not found (columns: {', '.join(columns)[:200]})"
        )


# ------------------------------------------------------------------------------------ time parsing


def parse_datetime_s(values: pd.Series, fmt: str | None = None) -> FloatArray:
    """Date-time text to seconds since 1970 (as written; a zone given in the text is applied, each stamp's own:
    an offset that changes at a daylight-saving change is one clock, EDGE-134); NaN where unparseable. Without
    ``fmt`` the format of the first value is tried for all (fast), then each value on its own where that fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(values, format=fmt, errors="coerce", utc=True) if fmt else _any_datetime(values)
    if not isinstance(parsed, pd.Series):
        parsed = pd.Series(parsed)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    ns = parsed.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
    ns[parsed.isna().to_numpy()] = np.nan
    return ns / 1e9


_CLOCK = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})(?:[:.,](\d+))?$")


def text_time_s(values: pd.Series, decimal: str = ".") -> tuple[FloatArray, str]:
    """Seconds from a column of times written as text, and how they were written: ``number`` (with the
    table's ``decimal`` mark), ``clock`` (``hh:mm:ss[.:]SSS``, seconds of the day, a pass through midnight
    adds a day) or ``datetime`` (date-time text, seconds since 1970 as written); NaN where unreadable."""
    numbers = values.astype(str).str.replace(",", ".", regex=False) if decimal == "," else values
    as_number = pd.to_numeric(numbers, errors="coerce").to_numpy(dtype=np.float64)
    if as_number.size == 0 or np.isfinite(as_number).mean() >= 0.5:
        return as_number, "number"
    text = values.astype(str).str.strip()
    clock = text.str.extract(_CLOCK)
    if clock[[0, 1, 2]].notna().all(axis=1).mean() >= 0.5:
        parts = clock.apply(pd.to_numeric, errors="coerce")
        digits = clock[3].fillna("")
        fraction = (parts[3].fillna(0) / np.power(10.0, digits.str.len())).to_numpy(dtype=np.float64)
        seconds = (parts[0] * 3600 + parts[1] * 60 + parts[2]).to_numpy(dtype=np.float64) + fraction
        back = np.diff(seconds[np.isfinite(seconds)], prepend=np.nan) < -43200  # midnight
        days = np.zeros(seconds.size)
        days[np.isfinite(seconds)] = np.cumsum(np.nan_to_num(back.astype(float)))
        return seconds + 86400.0 * days, "clock"
    return parse_datetime_s(text), "datetime"


#: A daylight-saving change moves a local clock by this (s) ...
CLOCK_CHANGE_S = 3600.0
#: ... between 23:00 and 04:00 local time (s of the day: 02:00 in Europe and North America, 00:00 in Chile, 03:00
#: back in Europe and Australia) ...
CLOCK_CHANGE_HOURS_S = (23 * 3600.0, 4 * 3600.0)
#: ... in these months (north: March-April and October-November; south: September-October and April).
CLOCK_CHANGE_MONTHS = (3, 4, 9, 10, 11)
#: The step across it, less the hour, is a sample's: more than 0 and at most this many median steps (GAP_INTERVALS).
CLOCK_CHANGE_STEPS = 3.0


#: Date-time text that names its zone or offset at its end (its clock changes are said by it: EDGE-134).
ZONED_TEXT = re.compile(r"(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$")


def local_clock_change(seconds: FloatArray) -> tuple[FloatArray, str] | None:
    """Date-time text without a zone (``seconds`` as written, text_time_s) that jumps by exactly one hour once, at a
    daylight-saving change's hour and month, while its samples go on at their rate (the step across the jump, less
    the hour, one of theirs): ``(seconds`` with the hour taken out after the jump``, what was done)``; else None.
    A phone's local clock moves on 1 h in spring (the recording read with an hour's gap) and back 1 h in autumn
    (its times going back: refused as two recordings joined). Any other jump is left as it is (a pause, a restart)."""
    finite = np.flatnonzero(np.isfinite(seconds))
    if finite.size < 3:
        return None
    t = seconds[finite]
    steps = np.diff(t)
    big = np.flatnonzero(np.abs(steps) > CLOCK_CHANGE_S / 2)
    if big.size != 1:
        return None
    at = int(big[0])
    sign = 1.0 if steps[at] > 0 else -1.0
    rest = float(steps[at] - sign * CLOCK_CHANGE_S)
    moved = t.copy()
    moved[at + 1 :] -= sign * CLOCK_CHANGE_S
    packets = delivery_packets(moved)  # stamped per packet: a step is a packet's (EDGE-159)
    typical = float(np.median(steps))
    if packets is not None:
        typical = max(typical, float(np.median(np.diff(moved[packets.last]))))
    if not (typical > 0 and 0.0 < rest <= CLOCK_CHANGE_STEPS * typical):
        return None
    before = np.datetime64(int(np.rint(t[at] * 1e3)), "ms")
    hour_s = float(t[at] % 86400.0)
    month = int(before.astype("datetime64[M]").astype(np.int64) % 12) + 1
    lo, hi = CLOCK_CHANGE_HOURS_S
    if not (hour_s >= lo or hour_s < hi) or month not in CLOCK_CHANGE_MONTHS:
        return None
    out = seconds.copy()
    out[finite[at + 1 :]] -= sign * CLOCK_CHANGE_S
    after = np.datetime64(int(np.rint(t[at + 1] * 1e3)), "ms")
    said = (
        f"the local time (no zone in it) jumps {'on' if sign > 0 else 'back'} 1 h from {str(before)[:19]} to "
        f"{str(after)[:19]} while its samples go on at their rate (a daylight-saving change): read as one "
        f"recording, the times after it moved {'back' if sign > 0 else 'on'} 1 h"
    )
    return out, said


def _any_datetime(values: pd.Series) -> pd.Series:
    try:  # utc: text without a zone stays as written, with zones each its own (mixed offsets, EDGE-134)
        parsed = pd.to_datetime(values, errors="coerce", utc=True)
        if parsed.notna().mean() >= 0.9 or values.size == 0:
            return parsed
    except (ValueError, TypeError, OverflowError):
        pass
    return pd.to_datetime(values, format="mixed", errors="coerce", utc=True)


def iso_utc(epoch_s: float) -> str | None:
    """ISO 8601 UTC text of a time in seconds since 1970, or None when out of range."""
    if not math.isfinite(epoch_s) or not (0 < epoch_s < 4.1e9):
        return None
    return datetime.fromtimestamp(epoch_s, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# -------------------------------------------------------------------------------- stream cleaning


@dataclass
class Stream:
    """Samples of one sensor: times (s, any origin, float64) and three axes, already in SI-ish units."""

    t_s: FloatArray
    xyz: FloatArray

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    def period_s(self) -> float:
        steps = np.diff(self.t_s)
        return float(np.median(steps)) if steps.size else math.nan


def clean_rows(
    t_s: NDArray[Any],
    values: NDArray[Any],
    report: ImportReport,
    label: str,
    *,
    gyro_from: int | None = None,
    found: FoundOrder | None = None,
    retimed: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Drop rows with a missing/non-numeric value (``<label>_not_a_number``), an infinite one
    (``<label>_out_of_range``: call this after converting units, so a value the conversion overflows
    is caught; of the acceleration, ``MASTER_LABELS``, an infinite value is a missing one, EDGE-198) and rows
    whose time is not after every earlier time (``<label>_time_not_increasing``: duplicates, backwards jumps);
    each counted in ``report``.

    ``values`` is (n, m); returns the kept ``(t_s, values)``. With ``gyro_from``, columns from it on are a
    gyroscope in the same table: a row with a time and acceleration but a gyroscope value missing or not
    finite is kept, its gyroscope NaN (EDGE-50; :func:`table_gyro` says so). ``found``: the time order of
    ``t_s``'s finite times as a reader already worked it out (:class:`FoundOrder`), used where those are the rows
    kept here (no row dropped for a value), else worked out again. ``retimed``: the times were re-timed within
    delivery packets (EDGE-145/150), whose rule says what becomes of a row behind; else a row behind that is a sample
    of a steady clock written out of order is sorted into place (EDGE-224).
    """
    t = np.asarray(t_s, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    acc_note: tuple[int, str] | None = None  # where and what the note on missing acceleration values says
    # one finiteness pass over the acceleration cells; an infinite value is looked for only among those it finds
    # not finite, so a clean table pays nothing for EDGE-198 (REVIEW-75). NaN for inf leaves it as it is.
    acc_finite = np.isfinite(v[:, :gyro_from] if gyro_from is not None else v)
    inf = None
    if label in MASTER_LABELS and not acc_finite.all():  # an infinite value is no measurement: missing (EDGE-198)
        v, inf = _infinite_as_missing(v, values, gyro_from, acc_finite)
    finite = np.isfinite(t) & acc_finite.all(axis=1)
    if gyro_from is not None:
        no_gyro = ~np.isfinite(v[:, gyro_from:]).all(axis=1)
        if no_gyro.any():
            gyr_inf = np.isinf(v[no_gyro, gyro_from:]).sum(axis=1)  # counted for table_gyro's note (EDGE-214)
            v = v.copy() if v is values else v
            v[no_gyro, gyro_from:] = np.nan
        nan = np.isnan(t) | np.isnan(v[:, :gyro_from]).any(axis=1)
    else:
        nan = np.isnan(t) | np.isnan(v).any(axis=1)
    if label in MASTER_LABELS:  # a value missing beside a time and a value present: the row kept (EDGE-197)
        acc = v[:, :gyro_from] if gyro_from is not None else v
        missing = np.isfinite(t) & np.isnan(acc).any(axis=1) & ~np.isnan(v).all(axis=1)
        if missing.any():
            finite, nan = finite | missing, nan & ~missing
            infinite = int(inf[missing].sum()) if inf is not None else 0  # of the rows kept only (REVIEW-74)
            cells = f"empty, NaN or infinite cells, {infinite} of them infinite" if infinite else "empty or NaN cells"
            acc_note = (
                len(report.notes),  # its words are the rows' once in time order (EDGE-222): inserted at the end
                f"{int(np.isnan(acc[missing]).sum())} acceleration values missing ({cells}) in "
                f"{int(missing.sum())} rows: the rows are kept with their time and other values; ",
            )
        missed = _missed_samples(t, v, finite) if not finite.all() else None
        if missed is not None and missed.any():  # a sample on the clock whose every value was lost (EDGE-213)
            finite, nan = finite | missed, nan & ~missed
            infinite = int(np.isinf(np.asarray(np.asarray(values)[missed], dtype=np.float64)).sum())  # as read
            report.notes.append(
                f"{int(missed.sum())} row{'s' * (int(missed.sum()) != 1)} holding a time and no value"
                + (f" ({infinite} infinite values, read as missing)" if infinite else "")
                + " on the sampling clock (a period from the rows beside): samples whose values were all lost, kept "
                f"as missing (the analysis bridges a lone one over at most {BRIDGE_MAX_S * 1000:.0f} ms and leaves "
                "longer runs out as gaps)"
            )
    if gyro_from is not None and no_gyro.any():
        report.gyro_infinite_cells = int(gyr_inf[finite[no_gyro]].sum())  # of the rows kept only (REVIEW-74)
    if not finite.all():
        report.drop(f"{label}_not_a_number", int(nan.sum()))
        report.drop(f"{label}_out_of_range", int((~finite & ~nan).sum()))
        if label in MASTER_LABELS:  # an infinite value is a missing one there: a row of them is a row of none
            _say_infinite_in_dropped(values, nan, report, label)
        t, v = t[finite], v[finite]
    t, v = in_time_order(t, v, report, label, found=found if found is not None and found.holds(finite) else None)
    if t.size:
        previous_max = np.concatenate([[-np.inf], np.maximum.accumulate(t)[:-1]])
        forward = t > previous_max
        again = None if forward.all() or retimed else _written_again(t, v, forward, previous_max)
        as_written = (t, previous_max)  # the times as the file holds them: what a refusal names (REVIEW-230)
        if again is not None:  # rows already read, sent again: the same samples twice (EDGE-262)
            report.drop(f"{label}_written_twice", int(again.sum()))
            report.notes.append(
                f"{int(again.sum())} {_STREAM_WORDS.get(label, label + ' rows')} repeat the time and every value of "
                "rows already read (the same samples written twice, a buffer sent again): the repeats dropped"
            )
            t, v = t[~again], v[~again]
            previous_max = np.concatenate([[-np.inf], np.maximum.accumulate(t)[:-1]])
            forward = t > previous_max
        ahead = None if forward.all() or retimed else _stamped_ahead(t, forward, previous_max)
        if ahead is not None:  # a row whose stamp jumped ahead: it alone dropped, the rows after it read (EDGE-228)
            stray, past, steady = ahead
            report.drop(f"{label}_time_ahead", int(stray.sum()))
            report.notes.append(_ahead_words(t, stray, past, label, steady))
            t, v = t[~stray], v[~stray]
            previous_max = np.concatenate([[-np.inf], np.maximum.accumulate(t)[:-1]])
            forward = t > previous_max
        if not forward.all():
            kept = _ties_kept(t, v, forward)
            if kept is not None:
                t, v, duplicates, how = kept
                report.drop(f"{label}_time_not_increasing", duplicates)
                report.notes.append(
                    f"{int(np.sum(~forward)) - duplicates} {_STREAM_WORDS.get(label, label + ' rows')} carry the stamp "
                    f"of the row before with other values{how}"
                )
                _say_missing_acc(acc_note, t, v[:, :gyro_from] if gyro_from is not None else v, report)
                return t, v
            # samples of the clock written out of order: sorted in (EDGE-224); not where delivery packets were
            # re-timed (EDGE-145: their rows behind are that rule's, its note says what becomes of them)
            late = None if retimed else _late_samples(t, forward)
            if late is not None:
                t, v, forward, previous_max = _sorted_in(t, v, forward, late, report, label)
        if not forward.all():
            report.drop(f"{label}_time_not_increasing", int((~forward).sum()))
            behind = int((t < previous_max).sum())  # not duplicates: rows before a time already read
            if behind <= MAX_TIME_BACK_SHARE * t.size:  # more: EDGE-2's refusal names them
                report.notes.append(_dropped_behind_words(int((~forward).sum()), label))
            # the acceleration (the master clock) only: a second stream's rows are interpolated across, as gaps
            if behind and label in ("acc", "row") and (report.time_back is None or behind > report.time_back[0]):
                # refused (EDGE-2) though rows were taken as written twice: the time goes back to other values, so
                # the refusal speaks of the rows as written, where the time goes back in the file (REVIEW-230)
                tb, pm = (
                    as_written if again is not None and behind > MAX_TIME_BACK_SHARE * t.size else (t, previous_max)
                )
                behind = int((tb < pm).sum()) if tb is not t else behind
                first = int(np.argmax(tb < pm))
                steps_back = int(np.count_nonzero(np.diff(tb) < 0))
                report.time_back = (
                    behind,
                    int(tb.size),
                    float(pm[first] - tb[0]),
                    float(tb[first] - tb[0]),
                    steps_back,
                    int(np.count_nonzero(np.diff(np.sort(tb)) == 0)),  # times repeated: their rows' order lost
                )
            t, v = t[forward], v[forward]
    _say_missing_acc(acc_note, t, v[:, :gyro_from] if gyro_from is not None else v, report)
    return t, v


def _say_missing_acc(note: tuple[int, str] | None, t: FloatArray, acc: FloatArray, report: ImportReport) -> None:
    """Insert :func:`clean_rows`' note on missing acceleration values (``note``: where, and its count) with what the
    analysis does, read from the rows kept in time order (``t``, s; ``acc``): where they lie in a steady pattern, an
    accelerometer at a lower rate than the rows, analysed on its own rows (acc_subrate.py, EDGE-222); else the bridge
    (EDGE-197)."""
    if note is None:
        return
    at, head = note
    missing = np.asarray(np.isnan(acc).any(axis=1), dtype=bool)
    sub, keep = own_rows(t, missing) if missing.any() else (None, missing)
    bridge = (
        f"the analysis bridges a missing value over at most {BRIDGE_MAX_S * 1000:.0f} ms and leaves longer runs out as "
        "gaps"
    )
    if sub is None:
        report.notes.insert(at, head + bridge)
        return
    lost = int((missing & keep).sum())
    report.notes.insert(
        at,
        f"{head}the acceleration has {sub.words('an accelerometer')}: a stream measured at a lower rate, not values "
        f"lost; the analysis runs on the {int((keep & ~missing).sum())} rows it was measured on, with the gyroscope "
        f"read there, and leaves out the {int((~keep).sum())} rows between them"
        + (f"; {lost} sample{'s' * (lost != 1)} lost off that pattern keep a row each: {bridge}" if lost else ""),
    )


#: A row holding only a time is a sample of the table's clock when it lies more than this share of the measured rows'
#: median period from each neighbouring row (EDGE-213): a clock's samples lie one period apart (jitter far below
#: half of one), while a line squeezed between two samples (a marker, another stream's row) lies nearer one of them.
ON_CLOCK_MIN_SHARE: Final = 0.5


def _missed_samples(t: FloatArray, v: FloatArray, kept: NDArray[np.bool_]) -> NDArray[np.bool_] | None:
    """(n,) True at the rows with a finite time and no value (NaN throughout) lying more than ``ON_CLOCK_MIN_SHARE``
    of the median period of the ``kept`` rows from the row before and after them in time (both present, neither
    at the same time as a kept row), where the ``kept`` rows around them lie far enough apart for that many missed
    samples (REVIEW-91): a sample whose every value was lost (EDGE-213); None where there is none."""
    bare = np.isfinite(t) & np.isnan(v).all(axis=1)
    measured = np.sort(t[kept & np.isfinite(t)])
    if not bare.any() or measured.size < 3:
        return None
    period = float(np.median(np.diff(measured)))
    if not period > 0.0:
        return None
    clock = np.sort(t[(kept & np.isfinite(t)) | bare])
    at = t[bare]
    before, after = np.searchsorted(clock, at, "left"), np.searchsorted(clock, at, "right")
    inside = (before > 0) & (after < clock.size) & (after - before == 1)  # neighbours on both sides, no tie
    gap_before = at - clock[np.maximum(before - 1, 0)]
    gap_after = clock[np.minimum(after, clock.size - 1)] - at
    on = inside & (gap_before > ON_CLOCK_MIN_SHARE * period) & (gap_after > ON_CLOCK_MIN_SHARE * period)
    # room for them (REVIEW-91): the measured rows around hold at most as many samples missed (about two periods
    # apart for one) as there are such rows between them; on a clock with jitter, another stream's row between two
    # samples an interval longer than the median apart is more than half a median period from both
    interval = np.searchsorted(measured, at)  # the measured rows before and after: measured[interval - 1 : + 1]
    between = (interval > 0) & (interval < measured.size)
    edge = np.clip(interval, 1, measured.size - 1)
    room = np.rint((measured[edge] - measured[edge - 1]) / period) - 1.0  # samples the clock missed there
    crowd = np.bincount(interval, minlength=measured.size + 1)[interval]  # time-only rows in the same interval
    on &= between & (crowd <= room)
    out = np.zeros(t.size, dtype=bool)
    out[np.flatnonzero(bare)[on]] = True
    return out


def _infinite_as_missing(
    v: FloatArray, values: NDArray[Any], gyro_from: int | None, acc_finite: NDArray[np.bool_]
) -> tuple[FloatArray, NDArray[np.bool_] | None]:
    """``v`` (n, m) with each infinite acceleration value (the columns before ``gyro_from``, or all) NaN, a copy
    where ``v`` is ``values``; and which cells were infinite (None where none: EDGE-198: ``inf`` or an overflow in
    the unit conversion is no measurement, so it is a missing value, bridged or left out as a gap like an empty
    cell). ``acc_finite``: which acceleration cells are finite; the others not NaN are the infinite ones (REVIEW-75).
    The note counts those of the rows kept (REVIEW-74)."""
    acc = v[:, :gyro_from] if gyro_from is not None else v
    inf = ~acc_finite & ~np.isnan(acc)
    if not inf.any():
        return v, None
    v = v.copy() if v is values else v
    (v[:, :gyro_from] if gyro_from is not None else v)[inf] = np.nan
    return v, inf


def _say_infinite_in_dropped(
    values: NDArray[Any], dropped: NDArray[np.bool_], report: ImportReport, label: str
) -> None:
    """Note how many of the rows ``dropped`` with no number (``<label>_not_a_number``) held infinite values, counted
    in ``values`` as read (EDGE-208): an infinite value is read as a missing one (EDGE-198), so a row of them has no
    value left and is dropped as a row of empty cells is, but the count of ``<label>_not_a_number`` alone hid that
    they were infinite. Looks only at the dropped rows."""
    infinite = np.isinf(np.asarray(np.asarray(values)[dropped], dtype=np.float64))
    rows = int(infinite.any(axis=1).sum())
    if rows:
        report.notes.append(
            f"{rows} of the rows dropped with no number ({label}_not_a_number) held {int(infinite.sum())} infinite "
            "values: an infinite value is no measurement, read as a missing one, and a row with no value left is "
            "dropped as a row of empty cells is"
        )


#: clean_rows' labels of the acceleration (the master clock) and the table it shares with a gyroscope: a row there
#: with a time and a value present keeps them where another acceleration value is missing (EDGE-197).
MASTER_LABELS: Final = ("row", "acc")

#: How a note names the rows of a stream (clean_rows' ``label``).
_STREAM_WORDS = {"row": "rows", "acc": "accelerometer rows", "gyr": "gyroscope rows"}


def _written_again(
    t: FloatArray, v: FloatArray, forward: NDArray[np.bool_], previous_max: FloatArray
) -> NDArray[np.bool_] | None:
    """(n,) the rows not after every earlier time (``~forward``) whose time ``t`` and every value ``v`` (n, m) equal,
    bit for bit as parsed from the file's text (a missing value equal to a missing one), those of a row read before
    them: the same sample written again (a buffer re-sent), EDGE-262. Looked for only where some row lies *behind* a
    time already read; a row repeating the row just before it is HONEST-10's duplicate. None where none repeats. No
    tolerance: a sample taken again has its own noise and its own time, so the same text in every column is the same
    sample."""
    behind = t < previous_max
    if not behind.any():
        return None
    ahead_t = t[forward]  # strictly increasing: every row after every earlier time
    if ahead_t.size == 0:
        return None
    rows = np.flatnonzero(~forward)
    at = np.minimum(np.searchsorted(ahead_t, t[rows]), ahead_t.size - 1)
    first = np.flatnonzero(forward)[at]  # the row read before with the same time, where there is one
    same = (t[first] == t[rows]) & ((v[first] == v[rows]) | (np.isnan(v[first]) & np.isnan(v[rows]))).all(axis=1)
    same &= first != rows - 1  # a row repeating the row just before it is HONEST-10's duplicate, counted as before
    if not same.any():
        return None
    again = np.zeros(t.size, dtype=bool)
    again[rows[same]] = True
    return again


def _late_samples(t: FloatArray, forward: NDArray[np.bool_]) -> NDArray[np.bool_] | None:
    """(n,) the rows behind a time already read (``~forward``) that are samples of a steady clock written out of
    order (the rows sorted: ``rate.steady_clock``, no delivery packets; no time repeated within two rows of it,
    EDGE-229): times which, sorted among all the rows, lie more than ``ON_CLOCK_MIN_SHARE`` of the in-order rows'
    median period from the rows before and after them (a hole of the clock, EDGE-213's geometry), where the rows
    behind are at most ``MAX_TIME_BACK_SHARE`` of the rows (more is EDGE-2's clock reset or joined recordings); None
    where there is none. A BLE packet or a logger's thread delivering a sample late writes it so."""
    behind = np.flatnonzero(~forward)
    if behind.size > MAX_TIME_BACK_SHARE * t.size or forward.sum() < 3:
        return None
    order = np.argsort(t, kind="stable")
    ordered = t[order]
    if not steady_clock(ordered) or delivery_packets(ordered) is not None:
        return None  # bursts (delivery packets, EDGE-145): no hole to tell, their own rule
    period = float(np.median(np.diff(t[forward])))
    rank = np.empty(t.size, dtype=np.intp)
    rank[order] = np.arange(t.size)
    r = rank[behind]
    inside = (r > 0) & (r < t.size - 1)
    # a stamp repeated among the rows around it once sorted (two each side): samples stamped as they arrived, whose
    # jitter leaves no hole to tell there (EDGE-229; a repeat elsewhere in the file does not matter here)
    tied = np.flatnonzero(np.diff(ordered) == 0)  # ordered[k] == ordered[k + 1]
    if tied.size:
        near = np.searchsorted(tied, r - 2, side="left")
        inside &= ~((near < tied.size) & (tied[np.minimum(near, tied.size - 1)] <= r + 1))
    r = np.where(inside, r, 1)
    on = inside & (t[behind] - ordered[r - 1] > ON_CLOCK_MIN_SHARE * period)
    on &= ordered[np.minimum(r + 1, t.size - 1)] - t[behind] > ON_CLOCK_MIN_SHARE * period
    on &= ~_stamped_in_place(t, ordered, forward, behind, period)
    if not on.any():
        return None
    late = np.zeros(t.size, dtype=bool)
    late[behind[on]] = True
    return late


def _stamped_ahead(
    t: FloatArray, forward: NDArray[np.bool_], previous_max: FloatArray
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], bool] | None:
    """``(stray, past, steady)``: (n,) the rows whose stamp jumped ahead of the rows written after them (EDGE-228),
    (n,) those of them whose stamp lies past every other row (not near one, REVIEW-143), and whether the rows sorted
    tick steadily (``rate.steady_clock``: only then is the clock's geometry below a reason, EDGE-235); None where
    there is none.

    Such a row is in order (``forward``) and the row written after it lies behind it but after every time written
    before it (``previous_max``: the running maximum before each row, s): taken out, the rows after it go on from
    those before it (a later row behind among them is read as any such row, EDGE-224 or EDGE-2: nothing here checks
    their order). It is the stray, not a sample written early, where once sorted among all the rows it lies within
    ``ON_CLOCK_MIN_SHARE`` of the in-order rows' median period of another row (no hole of the clock there: EDGE-224's
    sample written early fills one), and at least as far off the clock's ticks (whole periods from the row written
    before it; for the file's first row, from a row written after it other than that row, REVIEW-144) as that row, so
    a marker line beside a sample is not taken for the sample; or where it lies past every
    other row by more than the clock's next tick and half a period. Its own sample's time is lost."""
    n = t.size
    i = np.flatnonzero(forward[:-1] & (t[1:] < t[:-1]) & (t[1:] > previous_max[:-1]))
    if not i.size or forward.sum() < 3:
        return None
    period = float(np.median(np.diff(t[forward])))
    if not period > 0.0:
        return None
    order = np.argsort(t, kind="stable")
    ordered = t[order]
    rank = np.empty(n, dtype=np.intp)
    rank[order] = np.arange(n)
    r = rank[i]
    before = np.where(r > 0, t[i] - ordered[np.maximum(r - 1, 0)], np.inf)
    after = np.where(r < n - 1, ordered[np.minimum(r + 1, n - 1)] - t[i], np.inf)
    near = np.where(before <= after, t[i] - before, t[i] + after)
    half = ON_CLOCK_MIN_SHARE * period
    # the row before gives the clock's ticks; before the file's first, a row after it that is not the one near it
    # (REVIEW-144: the rows after a stray first row are samples; a marker just under a first sample is not)
    near_row = np.where(before <= after, order[np.maximum(r - 1, 0)], order[np.minimum(r + 1, n - 1)])
    tick = np.where(i > 0, t[i - 1], np.where(near_row == i + 1, t[np.minimum(i + 2, n - 1)], t[i + 1]))

    def off_tick(x: FloatArray) -> FloatArray:  # periods from the nearest tick of the clock through ``tick``
        with np.errstate(over="ignore", invalid="ignore"):  # a stamp near the largest double: NaN, no tick (EDGE-278)
            k = (x - tick) / period
            return np.abs(k - np.rint(k))

    stray = (np.minimum(before, after) <= half) & (off_tick(t[i]) >= off_tick(near))
    last = (r == n - 1) & (before > period + half)  # past the end, off the clock's next tick
    if not (stray | last).any():
        return None
    out, past = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    out[i[stray | last]] = True
    past[i[last & ~stray]] = True
    return out, past, steady_clock(ordered)


def _ahead_words(
    t: FloatArray, stray: NDArray[np.bool_], past: NDArray[np.bool_], label: str, steady: bool = True
) -> str:
    """The note on the ``stray`` rows of a stream (``label``) stamped ahead and dropped (EDGE-228), naming the first
    by its time and the time of the row written before it, in s from the first row as EDGE-2's refusal does (a
    stamp as read, an epoch's, gives no row in six digits: REVIEW-142), and saying where the stamps lay: near
    another row's off the clock, or ``past`` every other row (REVIEW-143). The cause (a stamp off its sample's time,
    not a sample written early) is given on a ``steady`` clock only, whose ticks tell it; elsewhere the note says
    it is not known (EDGE-235)."""
    first = int(np.argmax(stray))
    n = int(stray.sum())
    words = _STREAM_WORDS.get(label, label + " rows")
    near = "within half a period of another row's" + (" and off the sampling clock" if steady else "")
    far = "past every other row by more than a period and a half"
    where = far if past[stray].all() else near if not past.any() else f"{near}, or {far}"

    def s_from(x: float, origin: float) -> str:  # to the microsecond, no trailing zeros
        return f"{round(float(x) - float(origin), 6):.12g}"  # Python's round: numpy's overflows by 1e308 (EDGE-278)

    named = (
        f"the first at {s_from(t[first], t[0])} s, written after a row at {s_from(t[first - 1], t[0])} s, from the "
        "first row"
        if first > 0  # the file's first row (REVIEW-144): from the row written after it, the first kept
        else f"the file's first row, at {s_from(t[0], t[1])} s from the row after it"
    )
    it = "it" if n == 1 else "them"
    why = (
        f"a stamp off its sample's time, {where}, not a sample written early"
        if steady  # the clock's ticks tell a stamp off its time from a sample written early (EDGE-228)
        else f"{where}; the stamps do not tick steadily, so whether a stamp is off its sample's time or a sample was "
        "written early is not known"
    )
    return (
        f"{n} {'row' if n == 1 else words} stamped ahead of the {words} written after {it} ({named}): {why}: dropped "
        f"({label}_time_ahead); the rows after {it} are read without {it}"
    )


def _stamped_in_place(
    t: FloatArray, ordered: FloatArray, forward: NDArray[np.bool_], behind: NDArray[np.intp], period: float
) -> NDArray[np.bool_]:
    """(k,) for the rows ``behind`` (indices of the ``~forward`` rows), True where the run of rows behind holding it
    is written in its place in time with times off it (REVIEW-126): between the rows in order around the run, the
    clock (``period``, s) lacks at least as many samples as the run has rows, no row of the file (``ordered``: every
    time, sorted) standing there, as where a clock jumped back; or no row in order follows it (nothing to tell). A
    sample delivered late leaves no such hole where it was written: its neighbours in writing are a period apart, or
    the samples between them are other late rows, written elsewhere (two swapped pairs in a row)."""
    in_order = np.flatnonzero(forward)
    before = np.cumsum(forward)[behind]  # the rows in order written before each (at least the first row)
    has_after = before < in_order.size
    a = in_order[before - 1]
    b = in_order[np.minimum(before, in_order.size - 1)]
    run = b - a - 1  # the rows between a and b: all behind
    there = np.searchsorted(ordered, t[b], side="left") - np.searchsorted(ordered, t[a], side="right")
    lacking = np.rint((t[b] - t[a]) / period) - 1 - there
    return ~has_after | (lacking >= run)


def _dropped_behind_words(n: int, label: str) -> str:
    """The note on ``n`` rows of a stream (``label``) dropped at or before a time already read, off the clock."""
    return (
        f"{n} of the {_STREAM_WORDS.get(label, label + ' rows')} at or before a time already read and not placed on "
        "the sampling clock (a time repeated, within half a period of a sample, stamps that are no steady clock once "
        "sorted, or rows that leave a hole of their own length where they were written: a clock that jumped back): "
        f"dropped ({label}_time_not_increasing)"
    )


def _sorted_in(
    t: FloatArray,
    v: FloatArray,
    forward: NDArray[np.bool_],
    late: NDArray[np.bool_],
    report: ImportReport,
    label: str,
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_], FloatArray]:
    """The rows in order with the ``late`` ones sorted into place (said in a note, EDGE-224); the other rows behind
    stay behind (``forward`` False) for :func:`clean_rows` to drop, named in a note of their own; and the new
    running maximum before each row."""
    keep = forward | late
    off = ~keep
    order = np.concatenate([np.flatnonzero(keep)[np.argsort(t[keep], kind="stable")], np.flatnonzero(off)])
    words = _STREAM_WORDS.get(label, label + " rows")
    n_late = int(late.sum())
    report.notes.append(
        f"{n_late} of the {words} stood out of time order (written after rows later in time, each at a time of the "
        "sampling clock between the rows around it: a sample delivered late): put back in the order of their time, "
        "nothing dropped"
    )
    t, v = t[order], v[order]
    placed = np.zeros(t.size, dtype=bool)
    placed[: int(keep.sum())] = True  # the dropped rows, last, compare against every earlier time
    previous_max = np.concatenate([[-np.inf], np.maximum.accumulate(t)[:-1]])
    return t, v, placed & (t > previous_max), previous_max


def _ties_kept(
    t: FloatArray, v: FloatArray, forward: NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray, int, str] | None:
    """``(t, v, exact duplicates dropped, how the rest were kept)`` where no row's time ``t`` (s) goes back and rows
    only repeat the stamp before (``~forward``): on a regular clock (:func:`_ties_on_clock`), else spaced after the
    stamp before (:func:`_ties_spread`); None where a time goes back (EDGE-2) or nothing but exact duplicates tie
    (the old rule drops them). A row with the same time and the same values as the row before (every column, a
    missing gyroscope value equal to a missing one) is a logger writing it twice."""
    if bool(np.any(np.diff(t) < 0)):
        return None
    same = np.concatenate([[False], ((v[1:] == v[:-1]) | (np.isnan(v[1:]) & np.isnan(v[:-1]))).all(axis=1)])
    duplicate = ~forward & same
    on_clock = _ties_on_clock(t, v, duplicate)
    if on_clock is not None:
        rate_hz = (on_clock[0].size - 1) / float(on_clock[0][-1] - on_clock[0][0])
        how = (
            " (samples stamped as they arrived): none was dropped, every row was put in file order on a regular "
            f"{rate_hz:.6g} Hz clock fitted to the stamps"
        )
        return (*on_clock, how)
    spread = _ties_spread(t, v, duplicate)
    if spread is not None:
        how = (
            ", and the stamps are too irregular for one clock: none was dropped, the rows sharing a stamp were spaced "
            "evenly after the stamp before, the last on its stamp (samples arriving late together: each within one "
            "interval between stamps of its time)"
        )
        return (*spread, how)
    return None


def _ties_on_clock(
    t: FloatArray, v: FloatArray, duplicate: NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray, int] | None:
    """``(t, v, exact duplicates dropped)`` with every row kept in file order on a regular clock when the rows
    whose time ``t`` (s, never going back) only equals the one before are samples stamped as they arrived; else
    None. ``duplicate``: the rows written twice (:func:`_ties_kept`).

    A phone or BLE host stamps a sample when it arrives: with jitter of more than half a period a sample
    can get the stamp of the one before (foot_walking, 204.8 Hz, +-3 ms: 1.7 % of the rows), and dropping
    it loses a sample and moves every later sample off its clock (impacts -24 %). A row written twice is dropped;
    one with other values is a sample. They are kept when the rows without the duplicates are a regular clock's
    samples in file order with none lost or added (:func:`retrogait.rate.order_slots`, HONEST-9, at the rate of
    the least-squares line through the stamps): then each is put on its slot of that clock. Where they are not,
    but all the rows are, the rows equal to the one before were samples too (a sensor at rest on a coarse grid
    repeats its values)."""
    keep = ~duplicate
    t_kept = t[keep]
    if t_kept.size < 2 or bool(np.all(t_kept[1:] > t_kept[:-1])):
        return None  # nothing but exact duplicates: the old rule drops them
    on_clock = _on_fitted_clock(t_kept)  # ties with other values: samples stamped as they arrived
    if on_clock is not None:
        return on_clock, v[keep], int(duplicate.sum())
    if not duplicate.any():
        return None
    # a sensor at rest on a coarse grid repeats its values: the tied rows equal to the one before may be samples too,
    # when with them (and only with them) the rows are a clock's samples in order (review)
    on_clock = _on_fitted_clock(t)
    return None if on_clock is None else (on_clock, v, 0)


def _ties_spread(
    t: FloatArray, v: FloatArray, duplicate: NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray, int] | None:
    """``(t, v, exact duplicates dropped)`` with every other row kept, where rows only repeat the stamp before
    (``t`` s, never going back) with other values but fit no regular clock (:func:`_ties_on_clock` found none):
    the rows sharing a stamp spaced evenly after the stamp before, the last on their stamp, over at most their
    count of median intervals between stamps (after a pause, their own span: not spread over the pause); else None.
    ``duplicate``: the rows written twice, dropped as before (:func:`_ties_kept`).

    Samples stamped as they arrive come in late, and a burst of them gets one stamp: they were sampled between
    the stamp before and theirs. Spaced there, every sample lies within one interval before its stamp, where
    dropping it loses the sample (fuzz_sessions seed 10: a 26 Hz export stamped in whole ms with +-2 periods of
    jitter lost 40 % of its rows and was refused as 15 Hz)."""
    t, v = t[~duplicate], v[~duplicate]
    lead = np.concatenate([[True], t[1:] > t[:-1]])
    starts = np.flatnonzero(lead)
    if lead.all() or starts.size < 3:
        # only exact duplicates, or one or two stamps for every row: no interval between stamps that a whole run of
        # samples fills, so the runs' spacing would be a guess (two minute stamps read a 48 s walk as 120 s, EDGE-135)
        return None
    group = np.cumsum(lead) - 1
    size = np.diff(np.append(starts, t.size))
    stamp = t[starts]
    interval = float(np.median(np.diff(stamp)))
    before = np.concatenate([[stamp[0] - interval], stamp[:-1]])
    before = np.maximum(before, stamp - size * interval)  # after a pause: a run's own span, not the pause's (review)
    position = np.arange(t.size) - starts[group] + 1  # 1..size within a run: the last on its stamp
    return before[group] + position * ((stamp - before) / size)[group], v, int(duplicate.sum())


def _on_fitted_clock(t: FloatArray) -> FloatArray | None:
    """The times (s) of the rows on the regular clock fitted to their stamps ``t`` (the least-squares line through
    them), when they are its samples in order with none lost or added (:func:`retrogait.rate.order_slots`); else
    None."""
    k = np.arange(t.size, dtype=np.float64)
    period, _ = np.polyfit(k, t - t[0], 1)
    if not period > 0:
        return None
    slots = order_slots(t, 1.0 / float(period))
    if slots is None:
        return None
    start, slot = slots
    return np.asarray(start + slot.astype(np.float64) * float(period))


#: More rows than this share of a stream lying before times already read are not dropped but refused
#: (EDGE-2): two recordings joined in one file, a clock reset, rows newest first.
MAX_TIME_BACK_SHARE = 0.01


#: A share of a table's rows at which its time steps back that no joined recordings nor clock resets make (they step
#: back at a few places): its rows are out of order, sorted by another column or shuffled (EDGE-165).
OUT_OF_ORDER_SHARE = 0.1


#: A sorted time column's steps lie within this factor of their median (either way) at this share of them or more: a
#: clock's steady spacing; an axis' sorted values crowd where it rests and spread in its tails (EDGE-172).
STEADY_STEP_FACTOR = 2.0
STEADY_STEP_SHARE = 0.9
#: ... and the column, as it stands, steps back at this share of its rows or more: a sort (on a column with ties, as
#: a sensor's quantised axis, a stable sort keeps the time order within each tie: the Pixel trace sorted by x steps
#: back at 9 % of its rows); a clock reset or joined recordings step back at a few places (EDGE-2).
SORTED_BACK_SHARE = 0.01
#: ... or at this many places (a long table sorted by a coarse axis: the Polar gyroscope sorted by X steps back at 247
#: of its 26,457 rows, 0.9 %), and at 3 places or more (joined recordings and clock resets step back at one or two).
SORTED_BACK_STEPS = 20
_SORTED_BACK_MIN = 3


def stepped_back_as_sorted(t: FloatArray) -> bool:
    """Whether ``t`` steps back at as many places as a sort by another column makes: ``SORTED_BACK_SHARE`` of its
    steps, at least ``_SORTED_BACK_MIN`` and at most ``SORTED_BACK_STEPS`` of them (EDGE-172, EDGE-177)."""
    steps = np.diff(t)
    needed = min(float(SORTED_BACK_STEPS), max(float(_SORTED_BACK_MIN), SORTED_BACK_SHARE * steps.size))
    return int(np.count_nonzero(steps < 0)) >= needed


#: Steps of a sorted time column judged together (EDGE-181): the span of this many is the clock's span give or take
#: two stamps' jitter, where one step is the period give or take two (a stamp's arrival jitter of 0.3 period put 12 %
#: of single sorted steps outside a factor 2 of their median and 11 % under half of it; spans of 4: none).
STEADY_SPAN_STEPS = 4
#: A sorted time column's spans of this many steps shorter than ``OVERLAP_SPAN_FACTOR`` times that many median steps
#: hold more rows than one clock gives: two stretches of a clock that went back, interleaved (EDGE-177, EDGE-181).
OVERLAP_SPAN_STEPS = 8
OVERLAP_SPAN_FACTOR = 0.75


def _spans(values: FloatArray, steps: int) -> FloatArray:
    """Each span of ``steps`` consecutive steps of ``values`` (in order), per step."""
    return np.asarray((values[steps:] - values[:-steps]) / steps)


def steady_when_sorted(values: FloatArray, in_order: bool = False) -> bool:
    """Whether ``values`` sorted hold one value a row stepping steadily (a clock's spacing): see STEADY_STEP_*, judged
    on spans of ``STEADY_SPAN_STEPS`` steps (a stamp's jitter moves one step by twice its size, a span's ends alike);
    ``in_order``: as they stand (a clock in order; a column the rows were sorted by increases, but not steadily)."""
    if in_order and not inference.is_clock(values):
        return False
    ordered = values[np.isfinite(values)] if in_order else np.sort(values)
    steps = np.diff(ordered)
    if steps.size < 20 or float(np.mean(steps > 0)) < 0.99:
        return False
    spans = _spans(ordered, STEADY_SPAN_STEPS)
    median = float(np.median(spans))
    steady = (spans >= median / STEADY_STEP_FACTOR) & (spans <= median * STEADY_STEP_FACTOR)
    return median > 0 and float(np.mean(steady)) >= STEADY_STEP_SHARE


class TimeOrder(NamedTuple):
    """How rows out of time order are put back (:func:`time_order_lost`)."""

    #: the order of the rows that puts them back in time
    order: NDArray[np.intp]
    #: the share of the steps where the time stepped back, as the rows stood
    back: float
    #: the median step of the time once in order (its unit)
    step: float
    #: the rows were newest first and are reversed (EDGE-180), not sorted by another column and sorted back
    newest_first: bool


@dataclass(frozen=True)
class FoundOrder:
    """:func:`time_order_lost`'s answer (``lost``, its step in s) for the finite times of a column (``rows``: which of
    its rows they are), found by a reader that needed it first (the generic reader tells a time column's unit in time
    order, EDGE-181) and passed to :func:`clean_rows`, so that a sorted table's order is worked out once."""

    lost: TimeOrder | None
    rows: NDArray[np.bool_]

    def holds(self, kept: NDArray[np.bool_]) -> bool:
        """Whether it was found for the rows ``kept`` (a mask of the same column's rows)."""
        return self.rows.shape == kept.shape and bool(np.array_equal(self.rows, kept))


def found_order(raw: FloatArray) -> FoundOrder:
    """:func:`time_order_lost` of the finite values of the time column ``raw`` (any unit: its step in that unit)."""
    rows = np.isfinite(raw)
    finite = raw[rows]
    return FoundOrder(time_order_lost(finite) if finite.size else None, rows)


#: Rows put back in time order by a sort whose values step further from one row to the next than across two (the
#: mean absolute step over two rows under this share of that over one, in the median column): two recordings
#: interleaved, each row's neighbour from the other one (REVIEW-30). One recording has the share at 1 for white
#: noise and up to 2 for a smooth movement; two recordings whose stamps overlap whole (one rate, another phase) give
#: no crowded span (their sorted steps alternate) but rows from two signals in turn (0.1-0.3 walking).
INTERLEAVED_STEP_SHARE = 0.5


def interleaved(values: FloatArray) -> bool:
    """Whether rows ``values`` (n, m: in the order a sort by time would give them) step more from one row to the next
    than across two: two recordings interleaved (``INTERLEAVED_STEP_SHARE``, REVIEW-30)."""
    v = np.asarray(values, dtype=np.float64).reshape(len(values), -1)
    if v.shape[0] < 3:
        return False

    def mean_step(steps: FloatArray) -> FloatArray:  # per column, over its finite steps (none: NaN, no warning)
        finite = np.isfinite(steps)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(np.where(finite, np.abs(steps), 0.0).sum(axis=0) / finite.sum(axis=0))

    with np.errstate(invalid="ignore", divide="ignore"):
        share = mean_step(v[2:] - v[:-2]) / mean_step(np.diff(v, axis=0))
    share = share[np.isfinite(share)]
    return bool(share.size) and float(np.median(share)) < INTERLEAVED_STEP_SHARE


def time_order_lost(t: FloatArray) -> TimeOrder | None:
    """How to put rows back in time order where they were written newest first or a sort by another column put them
    out of it (one rule for every table, EDGE-172, EDGE-177, EDGE-180); ``t`` finite, any unit.

    Newest first: ``t`` never steps forward and steps back at as many places as a sort makes
    (:func:`stepped_back_as_sorted`): the rows reversed, a stamp written twice and all (its rows keep their order as
    the clock wrote them; a stable sort would swap them). Else a sort: ``t`` steps back at as many places and forward
    at more than one (a newest-first table with a row out of place keeps EDGE-2's answer, REVIEW-18), and, sorted, is
    a steady clock (:func:`steady_when_sorted`: one time a row), with more than ``MAX_TIME_BACK_SHARE`` of its rows
    behind a time already read (fewer are dropped, EDGE-2) and at most that share of its sorted spans of
    ``OVERLAP_SPAN_STEPS`` steps under ``OVERLAP_SPAN_FACTOR`` of as many median steps (a clock, its stamps jittered
    or not, has none: the stretches of a clock that went back overlap, interleaved once sorted: twice the rows,
    EDGE-181). Else None: a clock reset or joined recordings (a few steps back, or times repeated or
    overlapping) keep EDGE-2's answer."""
    steps = np.diff(t)
    if not np.isfinite(t).all() or not stepped_back_as_sorted(t):
        return None
    back = float(np.mean(steps < 0))
    forward = int(np.count_nonzero(steps > 0))
    if forward == 0:  # newest first: reversed, lossless (EDGE-180)
        return TimeOrder(np.arange(t.size - 1, -1, -1, dtype=np.intp), back, float(np.median(-steps)), True)
    if forward <= 1 or steps.size < 20:  # newest first but for one place: not a clean reversal (REVIEW-18, EDGE-180)
        return None
    behind = int(np.count_nonzero(t[1:] < np.maximum.accumulate(t)[:-1]))
    if behind <= MAX_TIME_BACK_SHARE * t.size or not steady_when_sorted(t):  # a few rows behind: dropped (EDGE-2)
        return None
    order = np.argsort(t, kind="stable")
    ordered = t[order]
    median = float(np.median(np.diff(ordered)))
    crowded = _spans(ordered, OVERLAP_SPAN_STEPS) < OVERLAP_SPAN_FACTOR * median  # more rows than one clock gives
    if float(np.mean(crowded)) > MAX_TIME_BACK_SHARE:  # two stretches of a clock interleaved (not its jitter)
        return None
    return TimeOrder(order, back, median, False)


def newest_first_words(rows: int, back: float, time: str = "the time") -> str:
    """The words of a note on ``rows`` rows written newest first (``time``, their time, stepped back at ``back`` of
    their steps), put back by reversing them (EDGE-180)."""
    return (
        f"were written newest first ({time} stepped back at {back:.1%} of {rows:,} rows and never forward): put back "
        "in time order by reversing them, nothing else changed"
    )


def in_time_order(
    t: FloatArray,
    values: FloatArray,
    report: ImportReport,
    label: str,
    unit: str = " s",
    *,
    found: FoundOrder | None = None,
) -> tuple[FloatArray, FloatArray]:
    """``(t, values)`` with their rows put back in the order of ``t`` where they were newest first or a sort by another
    column lost it (:func:`time_order_lost`), said in a note naming the stream (``label``, as :func:`clean_rows`') and
    how (reversed; or sorted, with the step of ``t`` in ``unit``); else as given (EDGE-177, EDGE-180), as where the
    rows sorted would be two recordings interleaved (:func:`interleaved`, REVIEW-30: EDGE-2's refusal follows).
    ``found``: :func:`time_order_lost` of ``t`` as already worked out (:class:`FoundOrder`), else it is here."""
    lost = found.lost if found is not None else (time_order_lost(t) if t.size else None)
    if lost is None or (not lost.newest_first and interleaved(values[lost.order])):  # two recordings (REVIEW-30)
        return t, values
    words = _STREAM_WORDS.get(label, label + " rows")
    if lost.newest_first:
        report.notes.append(f"{words} {newest_first_words(t.size, lost.back)}")
        return t[lost.order], values[lost.order]
    places = round(lost.back * (t.size - 1))
    report.notes.append(
        f"{words} were not in time order (the time stepped back at {places:,} of {t.size:,} rows, {lost.back:.1%}: "
        f"sorted by another column?): put back in the order of their time, which steps by {lost.step:.6g}{unit}"
    )
    return t[lost.order], values[lost.order]


def refuse_time_going_back(display: str, report: ImportReport) -> None:
    """Raise when a stream's time went back for more than :data:`MAX_TIME_BACK_SHARE` of its rows: dropping
    them (as single out-of-order rows are dropped) would silently throw away a part of the recording."""
    if report.time_back is None:
        return
    behind, rows, before_s, after_s, steps_back, repeated = report.time_back
    if behind <= MAX_TIME_BACK_SHARE * rows:
        return
    if behind >= rows - 1:  # newest first, but not a clean reversal: a reversed one is read (EDGE-180)
        raise InputFileError(
            display,
            "rows are in reverse time order (newest first), but not one clean reversal (the time steps forward at some "
            "place too: reversed, it would step back there); sort the file by time",
        )
    if repeated and steps_back >= SORTED_BACK_STEPS:  # sorted by another column, its repeated times' order lost
        raise InputFileError(
            display,
            f"rows are not in time order: the time steps back at {steps_back} of {rows} rows (sorted by another "
            f"column?) and repeats at {repeated} of them, so the order of the rows sharing a time cannot be put back; "
            "export it again, or sort the file by time",
        )
    if steps_back >= OUT_OF_ORDER_SHARE * rows:  # not a few restarts: rows sorted by another column (EDGE-165)
        raise InputFileError(
            display,
            f"rows are not in time order: the time steps back at {steps_back} of {rows} rows, not at a few places "
            "as where two recordings were joined or a clock reset (sorted by another column?); sort the file by time",
        )
    raise InputFileError(
        display,
        f"time goes back from {before_s:.6g} s to {after_s:.6g} s (from the first row) and {behind} of {rows} rows "
        f"({100 * behind / rows:.0f} %) lie before times already read: two recordings joined in one file, or a "
        "clock reset? split the file where the time goes back",
    )


def clean_stream(
    t_s: NDArray[Any], xyz: NDArray[Any], report: ImportReport, label: str, retimed: bool = False
) -> Stream:
    """:func:`clean_rows` for one three-axis stream."""
    t, v = clean_rows(t_s, np.asarray(xyz, dtype=np.float64).reshape(-1, 3), report, label, retimed=retimed)
    return Stream(t, v)


def delivery_words(packets: Packets, factor: float) -> tuple[str, str]:
    """(``inferred_time_base``, note) for samples re-timed within their delivery packets; ``factor``: the stamps'
    unit in s (EDGE-145); rows out of the stamps' order (EDGE-157), an app's duplicated rows (EDGE-158) and stamps on
    each packet's first sample (EDGE-160) said too."""
    rate_hz = 1.0 / (packets.period * factor)
    sizes = f"{int(packets.size.min())}-{int(packets.size.max())} (median {float(np.median(packets.size)):g})"
    end = "first" if packets.stamp_first else "last"
    base = (
        f"stamped on delivery: {packets.size.size:,} packets of {sizes} samples, each packet's samples on (near) one "
        f"stamp; re-timed {1000.0 / rate_hz:.4g} ms apart ({rate_hz:.5g} Hz, the packets' rate) within each packet, "
        f"the {end} on its stamp ({100 * packets.steady_share:.0f} % of the packets give that rate)"
    )
    note = (
        f"the time stamps come in packets of {sizes} samples stamped on delivery: every sample kept, re-timed "
        f"evenly within its packet at the packets' rate ({rate_hz:.5g} Hz)"
    )
    said, headed = _delivery_extras(packets, factor)
    if packets.behind or packets.duplicates:
        note = note.replace("every sample kept", "every sample kept but the rows said below", 1)
    return base + "".join(f"; {h}" for h in headed), note + "".join(f"; {x}" for x in said)


def _rows(n: int) -> str:
    return f"{n} row{'s' if n > 1 else ''}"


def _delivery_extras(packets: Packets, factor: float) -> tuple[list[str], list[str]]:
    """(what the note adds, what ``inferred_time_base`` adds) for first-sample stamps (EDGE-160), rows out of the
    stamps' order and a clock's step back (EDGE-157), and repeated rows (EDGE-158)."""
    said: list[str] = []
    headed: list[str] = []
    if packets.stamp_first:
        said.append(
            "each packet's stamp is its first sample's (each step between stamps holds the samples of the packet "
            "before it, not after)"
        )
    if packets.behind:
        said.append(
            f"{_rows(packets.behind)} stamped before a time already read (up to {packets.back * factor * 1e3:.4g} ms "
            "back: a row written out of order, or the clock stepped back) put in the stamps' order and dropped where "
            "they fall behind, counted as time_not_increasing"
        )
        headed.append(f"{_rows(packets.behind)} out of the stamps' order")
    if packets.step_at >= 0:
        back = f"{packets.step_back * factor * 1e3:.4g} ms"
        said.append(
            f"the clock stepped back {back} between two packets (the packet after stamped before the one before it): "
            f"taken out, every time after it moved on {back}, the packet after put its samples' worth of periods "
            "after the one before (as if none was lost there)"
        )
        headed.append(f"the clock's step back of {back} taken out")
    if packets.undecided:
        said.append(
            f"{_rows(packets.undecided)} repeat the row before in the stamp and every value, but the steps between "
            "packets do not count their samples (arrival jitter of a large part of a period): kept as samples (a "
            "sensor at rest repeats its values; an app's duplicates would each add one)"
        )
    if packets.duplicates:
        said.append(
            f"{_rows(packets.duplicates)} written twice (the stamp and every value of the row before, in a packet "
            "holding that many samples more than its step gives) dropped, counted as time_not_increasing"
        )
        headed.append(f"{_rows(packets.duplicates)} written twice dropped")
    return said, headed


#: How a note names the stream whose stamps were re-timed (on_delivery's ``label``).
_STAMP_WORDS = {"acc": "", "row": "", "gyr": " (gyroscope)", "gravity": " (gravity)"}


def delivery_retimed(t: FloatArray, values: FloatArray | None = None) -> tuple[FloatArray, Packets | None]:
    """(the times ``t`` (any unit) with samples stamped on delivery re-timed within their packets, the packets) by
    :func:`retrogait.rate.packets_to_retime` (the generic reader's rule: EDGE-145, HONEST-27); ``(t, None)`` for
    any other clock (its repeats and bursts are clean_rows' and the analysis'). EDGE-150. ``values`` (rows, columns):
    the rows' values, which tell an app's duplicated row (EDGE-158)."""
    finite = np.isfinite(t)
    packets = packets_to_retime(t[finite], None if values is None else repeated_rows(t, values)[finite])
    if packets is None:
        return t, None
    out = t.copy()
    out[finite] = retimed_packets(t[finite], packets)
    return out, packets


def repeated_rows(t: FloatArray, values: FloatArray) -> NDArray[np.bool_]:
    """(n,) True for the rows whose time ``t`` and every value (``values`` (n, m); a missing one equal to a missing
    one) equal the row before's: a logger writing a row twice, or a sensor at rest on a coarse grid (EDGE-158)."""
    if t.size < 2:
        return np.zeros(t.size, dtype=bool)
    v = np.asarray(values, dtype=np.float64).reshape(t.size, -1)
    same = (t[1:] == t[:-1]) & ((v[1:] == v[:-1]) | (np.isnan(v[1:]) & np.isnan(v[:-1]))).all(axis=1)
    return np.concatenate([[False], same])


def say_delivery(packets: Packets, factor: float, report: ImportReport, label: str) -> None:
    """Say that a stream's samples were re-timed within ``packets`` (``factor``: the stamps' unit in s): a note
    naming the stream (``label``) and, for the acceleration (acc or row), ``report.time_base``. EDGE-150."""
    base, note = delivery_words(packets, factor)
    if label in ("acc", "row"):
        report.time_base = base
    report.notes.append(
        note.replace("the time stamps", f"the time stamps{_STAMP_WORDS.get(label, ' (' + label + ')')}", 1)
    )


def on_delivery(t_s: FloatArray, report: ImportReport, label: str, values: FloatArray | None = None) -> FloatArray:
    """An app's times ``t_s`` (s) with samples stamped on delivery re-timed within their packets and said
    (:func:`delivery_retimed`, :func:`say_delivery`); any other clock as given. EDGE-150."""
    out, packets = delivery_retimed(t_s, values)
    if packets is not None:
        say_delivery(packets, 1.0, report, label)
    return out


def read_stream(
    source: Source,
    time_column: str,
    columns: Sequence[str],
    report: ImportReport,
    label: str,
    *,
    time_to_s: float = 1.0,
    to_unit: float = 1.0,
    sep: str = ",",
    decimal: str = ".",
    stale: tuple[str, float] | None = None,
    text_time: str | None = None,
    text_time_forced: bool = False,
    table: pd.DataFrame | None = None,
) -> Stream:
    """One three-axis stream of a table: times (x ``time_to_s`` -> s) and ``columns`` (x ``to_unit``),
    bad rows dropped and counted under ``label``; the rows of the ``acc`` stream count as read.
    ``stale``: (column, s): rows whose value there is below -s are values from before the recording
    started (a sensor's cached last value), dropped and counted as ``{label}_before_recording_start``.
    ``text_time``: a column of date-time text on another clock that times the rows, with a note, where the time
    column's numbers were rounded by a spreadsheet (:func:`rounded_time`; Polar's phone timestamp, EDGE-141), or
    (``text_time_forced``) where another file of the recording is timed by it (its partner's were rounded).
    ``table``: the source's :func:`read_table` already read with these columns among its numeric ones (one file whose
    streams share a table is read and parsed once, PERF-128)."""
    if table is None:
        numeric = [time_column, *columns, *([stale[0]] if stale is not None else [])]
        table = read_table(source, sep=sep, decimal=decimal, numeric=numeric, report=report)
    if label == "acc":
        report.rows_read += len(table)
    elif table.empty:  # a second sensor that gave nothing (only its header): left out, the rest is read
        report.notes.append(f"{source.name} holds no samples: left out")
        return Stream(np.empty(0), np.empty((0, 3)))
    if stale is not None:
        early = table[stale[0]].to_numpy(dtype=np.float64) < -stale[1]
        if early.any():
            report.drop(f"{label}_before_recording_start", int(early.sum()))
            table = table[~early]
    values = to_si(table[list(columns)].to_numpy(dtype=np.float64), to_unit)
    raw_t = table[time_column].to_numpy(dtype=np.float64)
    t_s = _text_time_for_rounded(source, table, time_column, raw_t, text_time, sep, decimal, report, text_time_forced)
    if t_s is None:
        _refuse_rounded_time(source.display, time_column, raw_t)
        t_s = raw_t * time_to_s
    on_clock = on_delivery(t_s, report, label, values)
    stream = clean_stream(on_clock, values, report, label, retimed=on_clock is not t_s)
    if label == "gyr" and len(stream) < 2:  # a gyroscope file with under two usable rows: the rest is the recording
        refuse_time_going_back(source.display, report)
        why = ", ".join(f"{k}={v}" for k, v in report.dropped.items() if k.startswith(f"{label}_"))
        if len(stream) == 1:  # one row is no stream to interpolate (below EDGE-247's fewest stamps, REVIEW-205)
            dropped = f" ({why})" if why else ""
            report.notes.append(
                f"{source.name} has only 1 usable row{dropped}: a gyroscope needs two to be put on the accelerometer's "
                "clock; left out"
            )
        else:
            report.notes.append(f"{source.name} has no usable rows ({why or 'none'}): left out")
        return Stream(np.empty(0), np.empty((0, 3)))
    require_rows(stream, source.display, label, report=report)
    return stream


#: A time column with fewer distinct values than this share of its rows (of at least ROUNDED_TIME_MIN_ROWS) is
#: no clock: its numbers were written with too few digits (EDGE-115; a sensor stamping per packet of up to 30
#: samples still has 1 in 30).
ROUNDED_TIME_SHARE = 0.01
ROUNDED_TIME_MIN_ROWS = 200
#: ... and whose values are this large at least: stamps whose 6 digits lose the sample (epoch s, ms, ns; Polar's ns).
ROUNDED_TIME_MIN_VALUE = 1e8


def rounded_time(column: str, t: NDArray[np.float64], min_rows: int = ROUNDED_TIME_MIN_ROWS) -> str | None:
    """What is wrong with the time column ``column`` when its values ``t`` hold almost one value: a long stamp
    saved again by a spreadsheet as the 6 digits it shows (``7.04202E+17`` in every row), where dropping every row
    that repeats a time would only say "no usable rows" (EDGE-115); None otherwise."""
    finite = t[np.isfinite(t)]
    if finite.size < min_rows or float(np.abs(finite).max()) < ROUNDED_TIME_MIN_VALUE:
        return None  # a small time repeated (0.0 in every row) was not rounded: "no usable rows" says what is wrong
    if np.count_nonzero(np.diff(finite) == 0) < (1.0 - ROUNDED_TIME_SHARE) * (finite.size - 1):
        return None  # most rows advance the time: a clock (one pass, no sort of a long column)
    distinct = np.unique(finite)
    if distinct.size >= ROUNDED_TIME_SHARE * finite.size:
        return None
    return (
        f"its time column {column!r} holds {distinct.size} distinct value{'s' if distinct.size > 1 else ''} in "
        f"{finite.size:,} rows ({distinct[0]:.6g}): its numbers were written with too few digits (a spreadsheet "
        "saves a long time stamp as the 6 digits it shows); give the file as the app wrote it"
    )


def _text_time_for_rounded(
    source: Source,
    table: pd.DataFrame,
    column: str,
    raw_t: NDArray[np.float64],
    text_time: str | None,
    sep: str,
    decimal: str,
    report: ImportReport,
    forced: bool = False,
) -> NDArray[np.float64] | None:
    """The rows' times (s) from ``text_time`` where ``column``'s numbers were rounded by a spreadsheet
    (:func:`rounded_time`), or ``forced`` (the file beside it is timed so: one clock for both), and that text is
    date-time text advancing through the rows; else None. Read again only then (the text column costs nothing on a
    file as the app wrote it)."""
    rounded = text_time is not None and rounded_time(column, raw_t) is not None
    if text_time is None or not (rounded or forced):
        return None
    again = read_table(source, sep=sep, decimal=decimal, numeric=[column], text=[text_time])
    if len(again) != len(table):
        return None
    text = again[text_time].astype(str)
    seconds, kind = text_time_s(text)
    finite = seconds[np.isfinite(seconds)]
    if kind != "datetime" or finite.size < max(2, 0.9 * seconds.size):
        return None
    changed = None if ZONED_TEXT.search(str(text.iloc[0]).strip()) else local_clock_change(seconds)
    if changed is not None:  # the phone's local clock across a daylight-saving change (EDGE-159, as EDGE-151)
        seconds, finite = changed[0], changed[0][np.isfinite(changed[0])]
        report.notes.append(f"{source.name}: {text_time}: {changed[1]}")
    if np.mean(np.diff(finite) > 0) < 0.5 and packets_to_retime(finite) is None:
        return None  # no clock either: text a spreadsheet rounded to the minute too, or packets at no steady rate
    why = (
        f"its {column} column was saved with too few digits ({_distinct(raw_t)}; a spreadsheet's 6 digits)"
        if rounded
        else f"the file beside it is timed so (its {column} column was rounded by a spreadsheet)"
    )
    report.notes.append(f"{source.name}: {why}: timed by {text_time} instead (the phone's clock, to the ms it writes)")
    return np.asarray(seconds, dtype=np.float64)


def _distinct(values: NDArray[np.float64]) -> str:
    n = int(np.unique(values[np.isfinite(values)]).size)
    return f"{n} distinct value{'s' if n != 1 else ''}"


def _refuse_rounded_time(display: str, column: str, t: NDArray[np.float64]) -> None:
    """Raise :func:`rounded_time`'s line where it has one."""
    problem = rounded_time(column, t)
    if problem:
        raise InputFileError(display, problem)


#: The app writes its epoch clock and its elapsed seconds from one clock: they agree to this (s) after an offset.
CLOCKS_AGREE_S = 0.05
#: The rows compared (the first this many bytes: ~700 rows of a phone's table, 7 s at 100 Hz).
CLOCK_CHECK_BYTES = 65536


def clock_rewritten(
    source: Source, clock: str, clock_to_s: float, elapsed: str, sep: str = ",", decimal: str = "."
) -> bool:
    """True where the ``clock`` column (x ``clock_to_s`` -> s) does not advance with the ``elapsed`` column (s)
    over the first rows of ``source`` (EDGE-115). An app that writes both (Sensor Logger's ``time`` ns and
    ``seconds_elapsed``, MetaBase's ``epoc (ms)`` and ``elapsed (s)``) writes them from one clock, so the two
    differ by a constant; where they do not, the epoch column was rewritten: a spreadsheet saved it again with
    the 6 significant digits it shows (``1.70081E+18``: every row the same time), or a script wrote it in
    another unit. False where the rows cannot tell (fewer than 10, elapsed spanning under 0.2 s). ``sep``,
    ``decimal``: the table's (`;` and `,` saved in a decimal-comma locale, EDGE-163)."""
    lines = head_text(source.head(CLOCK_CHECK_BYTES)).splitlines()
    names = header_fields(lines[0], sep) if lines else []
    if clock not in names or elapsed not in names:
        return False
    i, j = names.index(clock), names.index(elapsed)
    pairs = []
    for line in lines[1:-1]:  # the last line of the head may be cut
        fields = next(csv.reader([line], delimiter=sep), []) if '"' in line else line.split(sep)
        try:
            a, b = (float(fields[k].strip().strip('"').replace(decimal, ".")) for k in (i, j))
            pairs.append((a, b))
        except (ValueError, IndexError):
            continue
    if len(pairs) < 10:
        return False
    values = np.asarray(pairs, dtype=np.float64)
    if not np.isfinite(values).all() or float(np.ptp(values[:, 1])) < 0.2:
        return False
    offset = values[:, 0] * clock_to_s - values[:, 1]
    return float(np.percentile(np.abs(offset - np.median(offset)), 90)) > CLOCKS_AGREE_S


def to_si(values: NDArray[Any], factor: float) -> FloatArray:
    """``values`` x ``factor`` (a unit conversion); a value it overflows becomes inf, which
    :func:`clean_rows` then drops and counts as out of range (so clean after converting)."""
    with np.errstate(over="ignore"):
        return np.asarray(values, dtype=np.float64) * factor


def require_rows(stream: Stream, display: str, what: str, minimum: int = 2, report: ImportReport | None = None) -> None:
    """Raise unless ``stream`` has ``minimum`` rows (after :func:`refuse_time_going_back` with ``report``)."""
    if report is not None:
        refuse_time_going_back(display, report)
    if len(stream) < minimum:
        if report is not None and not report.dropped and not len(stream) and what in ("acc", "accelerometer"):
            raise InputFileError(  # "0 after dropping bad rows" when none was dropped (EDGE-125)
                display, "holds its header and no samples (an export stopped before its first sample?)"
            )
        why = f": {report.dropped_detail().replace(';', ', ')}" if report is not None and report.dropped else ""
        raise InputFileError(display, f"has no usable {what} rows ({len(stream)} after dropping bad rows{why})")


def interpolate_onto(master_t: FloatArray, other: Stream, max_gap_s: float, edge_s: float) -> FloatArray:
    """``other`` linearly interpolated at ``master_t``; NaN where ``master_t`` falls in a gap of
    ``other`` (neighbours more than ``max_gap_s`` apart) or beyond its ends by more than ``edge_s``."""
    t, v = other.t_s, other.xyz
    out = np.full((master_t.size, 3), np.nan)
    if t.size == 0:
        return out
    if _own_clock(master_t, t):  # each master time is one of other's own: the same sums at weight 0 (PERF-129)
        own = np.flatnonzero(np.diff(t) <= max_gap_s)
        out[own] = v[own] * 1.0 + v[own + 1] * 0.0  # as below: -0.0 next to +0.0, or beside a non-finite value, alike
        out[-1] = v[-1]
        return out
    k = np.searchsorted(t, master_t, side="right") - 1
    inner = (k >= 0) & (k < t.size - 1)
    ki = k[inner]
    span = t[ki + 1] - t[ki]
    ok = span <= max_gap_s
    idx = np.flatnonzero(inner)[ok]
    ki = ki[ok]
    w = ((master_t[idx] - t[ki]) / (t[ki + 1] - t[ki]))[:, None]
    out[idx] = v[ki] * (1.0 - w) + v[ki + 1] * w
    before = (k < 0) & (t[0] - master_t <= edge_s)
    after = (k >= t.size - 1) & (master_t - t[-1] <= edge_s)
    out[before] = v[0]
    out[after] = v[-1]
    return out


def _own_clock(master_t: FloatArray, t: FloatArray) -> bool:
    """Whether ``master_t`` is ``t`` itself, strictly increasing (one time column of a table read for both); a single
    stamp only where it is finite (a NaN one is no clock: the search gives NaN there, as before PERF-129, EDGE-257)."""
    if master_t is not t and (master_t.shape != t.shape or not np.array_equal(master_t, t)):
        return False
    return bool(np.isfinite(t).all()) if t.size < 2 else bool((t[1:] > t[:-1]).all())


def _gyro_beyond_words(acc_t: FloatArray, gyr_t: FloatArray, period_s: float) -> str | None:
    """The note on a separate gyroscope's samples (times ``gyr_t``, s, sorted; ``period_s`` its period) more than
    ``MERGE_MAX_GAP_PERIODS`` periods before the accelerometer's first time or after its last (``acc_t``, s, sorted),
    counting all beyond half a period (the reach of :func:`interpolate_onto` at the ends): the session follows the
    accelerometer's clock, so they are left out (EDGE-258: an accelerometer that stopped
    while the gyroscope recorded on lost the gyroscope's rest unsaid); None where there are none (a sensor starting or
    stopping a sample apart from the other, as every real export does, is not one). The periods are the slower
    sensor's: an accelerometer's last stamp stands for its whole period, so a gyroscope 4 x faster recording the
    same span ends 3 of its periods after it (REVIEW-220)."""
    reach = MERGE_MAX_GAP_PERIODS * period_s
    if not (acc_t.size and gyr_t.size and np.isfinite(reach)):
        return None
    if gyr_t[0] >= acc_t[0] - reach and gyr_t[-1] <= acc_t[-1] + reach:
        return None
    if acc_t.size > 1:  # asked only here: the accelerometer's median period, where it is the slower (REVIEW-220)
        reach = MERGE_MAX_GAP_PERIODS * max(period_s, float(np.median(np.diff(acc_t))))
        if gyr_t[0] >= acc_t[0] - reach and gyr_t[-1] <= acc_t[-1] + reach:
            return None
    edge = 0.5 * period_s  # the samples beyond what interpolate_onto reaches: none of them is in the session
    before = int(np.searchsorted(gyr_t, acc_t[0] - edge, side="left"))
    after = gyr_t.size - int(np.searchsorted(gyr_t, acc_t[-1] + edge, side="right"))
    parts = [f"{before} before its first ({acc_t[0] - gyr_t[0]:.2f} s)"] if before else []
    parts += [f"{after} after its last ({gyr_t[-1] - acc_t[-1]:.2f} s)"] if after else []
    return (
        f"the gyroscope recorded {before + after} samples where the accelerometer has none, {' and '.join(parts)}: "
        "the session follows the accelerometer's clock, so they are left out"
    )


def align_gyro(acc: Stream, gyr: Stream | None, report: ImportReport) -> tuple[Stream, FloatArray | None]:
    """Put the gyroscope on the accelerometer's clock (the master).

    Gyro values are interpolated linearly at each accelerometer time that lies between two gyro
    samples at most ``MERGE_MAX_GAP_PERIODS`` gyro periods apart (or within half a period of its
    ends). Every accelerometer row is kept (EDGE-46): one with no gyro value there (a gap of the
    gyroscope, a gyroscope that starts late or stops early) gets NaN, written as empty gyroscope
    cells, and is noted in the report and the header (``import_gyro_missing``). A gyroscope that is
    at no accelerometer time (another clock) is left out (noted, EDGE-29).
    """
    if gyr is None or len(gyr) < 2:
        return acc, None
    period = gyr.period_s()
    values = interpolate_onto(acc.t_s, gyr, MERGE_MAX_GAP_PERIODS * period, 0.5 * period)
    covered = np.asarray(np.isfinite(values).all(axis=1))
    if not covered.any():
        report.gyro_left_out = "gyroscope covers only 0 % of the accelerometer time; it was left out"
        report.notes.append(report.gyro_left_out)
        return acc, None
    report.notes.append(
        f"{SEPARATE_GYRO_WORDS} "
        f"(gyro period {1000 * period:.2f} ms, no interpolation across gaps > {MERGE_MAX_GAP_PERIODS} periods)"
    )
    beyond = _gyro_beyond_words(acc.t_s, gyr.t_s, period)
    if beyond:  # recorded where the accelerometer has no sample: not in the session, said (EDGE-258)
        report.notes.append(beyond)
    if len(gyr) < MIN_LOSS_STAMPS:  # no rule can see a loss on so few stamps (EDGE-247)
        report.notes.append(_too_few_stamps_words(report, len(gyr)))
    # every row a loss touches gets its measured span (EDGE-237); the column is written where a loss exists, the
    # period (the header key: the import knew the losses) for every separate gyroscope (EDGE-239, REVIEW-177)
    spans = lost_spans(acc.t_s, gyr.t_s, covered, losing_steps(gyr.t_s))
    report.gyro_lost_span_s = spans if np.isfinite(spans).any() else None
    report.gyro_period_s = period
    values[~covered] = np.nan
    left = _left_after_bridge(acc.t_s, values, spans, period) if not covered.all() else ~covered
    used = covers_enough(left)  # else the analysis goes without it: nothing bridged or flagged (REVIEW-90, EDGE-242)
    absurd = absurd_as_missing(values)[1]  # no value: the analysis drops it, interpolated or not (EDGE-225, EDGE-246)
    across = int(np.count_nonzero(covered & np.isfinite(spans) & ~absurd))
    if across:  # interpolated across a lost sample: the analysis flags their steps (EDGE-238)
        report.notes.append(_across_words(across, used))
    if not covered.all():
        report.gyro_missing = gyro_missing_text(acc.t_s, covered)
        limit_s = separate_span_s(period)  # EDGE-239
        short = ~covered & np.isfinite(spans) & (spans <= limit_s * (1.0 + 1e-6))
        if not used:  # what the analysis does instead of any bridge (EDGE-242)
            report.gyro_missing += f"; {_without_gyro_words(report, left)}"
        elif short.any():  # EDGE-223: the analysis bridges those as a table's lost values
            held = np.cumsum(covered)  # rows with a value up to each: none before, or none after (REVIEW-162)
            edge = int(np.count_nonzero(short & ((held == 0) | (held == held[-1]))))
            bridged = short_bridged(acc.t_s, values, spans, limit_s)
            report.gyro_missing += _short_loss_words(int(short.sum()), bridged, edge, limit_s, bool(absurd.any()))
        report.notes.append(report.gyro_missing)
    return acc, values


def _too_few_stamps_words(report: ImportReport, stamps: int) -> str:
    """The import's note on a separate gyroscope of fewer than ``MIN_LOSS_STAMPS`` ``stamps``: whether it lost a
    sample cannot be judged (EDGE-247), naming its file (the last the import read)."""
    name = Path(report.files[-1]).name if report.files else "the gyroscope file"
    return (
        f"{name} holds {stamps} gyroscope samples: too few to judge whether it lost any (a lost sample shows only as a "
        f"step about twice the clock's own, which the stamps show where two of at least {MIN_LOSS_STAMPS - 1} steps "
        "agree), so no row is flagged for a loss of its own"
    )


def _across_words(rows: int, used: bool = True) -> str:
    """The import's note on ``rows`` accelerometer rows a separate gyroscope was interpolated onto across a lost sample
    of its own (EDGE-237): angular rate not measured there, which the analysis flags (EDGE-238) where it ``used`` the
    gyroscope (:func:`covers_enough`); else the gyroscope's missing-rows note says what it does (EDGE-242)."""
    doing = (
        "the analysis flags the steps over them bridged, as a table's lost values"
        if used
        else f"the analysis goes without the gyroscope (a value at under {percent(MIN_GYRO_COVERAGE)} of the rows), "
        "so none is flagged"
    )
    return (
        f"gyroscope interpolated across a lost sample of its own at {rows} accelerometer row{'s' * (rows != 1)} (its "
        f"measured samples around lie more than one of its steps apart, at most {MERGE_MAX_GAP_PERIODS} periods): "
        f"{doing} (the session's gyr_lost_span_s column keeps each span)"
    )


def _left_after_bridge(t_s: FloatArray, values: FloatArray, spans: FloatArray, period_s: float) -> NDArray[np.bool_]:
    """(n,) the accelerometer rows (times ``t_s``, s) a separate gyroscope (``values``, NaN where it has none; its
    losses' ``spans``, s; its median period ``period_s``, s, as the header will hold it) leaves without a value after
    the analysis' own fill and bridge (``bridge.gyro_left``, as the session will hold it): what its coverage rule
    counts (EDGE-242)."""
    header = {GYR_PERIOD_KEY: f"{period_s:.9g}"}  # as finish writes it, as the analysis reads it
    return gyro_left(t_s, values, {GYR_LOST_SPAN_COLUMN: spans}, header)[0]


def _without_gyro_words(report: ImportReport, left: NDArray[np.bool_], rows: str = "accelerometer ") -> str:
    """What the analysis does with a gyroscope that leaves the ``rows`` ``left`` (n,) without a value after its fill and
    bridge, more than ``1 - MIN_GYRO_COVERAGE`` of them: goes without it (EDGE-242), naming the gyroscope's file (a
    separate one's: the last read, else the table's)."""
    name = Path(report.files[-1]).name if report.files else "the gyroscope"
    return (
        f"{name} gives a gyroscope value at {percent(1.0 - float(left.mean()))} of the {rows}rows once the analysis "
        f"fills and bridges what it can, under {percent(MIN_GYRO_COVERAGE)}: the analysis goes without the gyroscope, "
        "as a sensor without one, and bridges or flags none of its losses"
    )


def _short_loss_words(
    short: int, bridged: int, edge: int = 0, limit_s: float = BRIDGE_MAX_S, absurd: bool = False
) -> str:
    """What :func:`align_gyro`'s note adds for ``short`` rows in a separate gyroscope's short losses, ``bridged`` of
    which the analysis' bridge takes (``bridge.short_bridged``, the analysis' own function: the note says what it
    does, EDGE-234), ``edge`` of them before the first or after the last row with a value (no row beyond them to
    bridge from: named so, not as rows too far apart, REVIEW-162); ``limit_s`` (s) the span of a short loss
    (EDGE-239); ``absurd``: the gyroscope holds a value beyond 1e7, no anchor of the bridge (EDGE-225/246)."""
    said = (
        f"; at {short} of them the gyroscope's measured samples around lie at most {limit_s * 1000:.3g} ms apart "
        "(a short loss)"
    )
    kept = "the session's gyr_lost_span_s column keeps each span"
    anchor = ", or a gyroscope value beyond 1e7 beside them (no anchor: the analysis drops it)" if absurd else ""
    if bridged == short:
        return f"{said}: the analysis bridges those, flagged bridged, as a table's lost values ({kept})"
    apart = short - bridged - edge
    gaps = [
        f"{k} {'stays a gap' if k == 1 else 'stay gaps'}{why}"
        for k, why in (
            (edge, " at the file's first or last rows, no row with a gyroscope value beyond them"),
            (
                apart,
                ", the accelerometer's rows around them further apart than the loss and a step each side that loses "
                f"no row{anchor}",
            ),
        )
        if k
    ]
    others = "; ".join(gaps)
    if bridged == 0:
        return f"{said}: {others} ({kept})"
    return (
        f"{said}: the analysis bridges {bridged} of those, flagged bridged, as a table's lost values; {others} ({kept})"
    )


def lost_spans(
    master_t: FloatArray, gyr_t: FloatArray, covered: NDArray[np.bool_], losing: NDArray[np.bool_] | None = None
) -> FloatArray:
    """(n,) per accelerometer row (times ``master_t``, s) between two of the gyroscope's own samples (times ``gyr_t``,
    s, increasing) that lose a sample, the time (s) between those two: a row without a value (``~covered``), and a row
    with one interpolated across a step of the gyroscope's that loses a sample (``losing``, per step of ``gyr_t``:
    ``bridge.losing_steps``, its grid's gap rule, EDGE-237, or a slot of its own grid skipped, EDGE-244); NaN
    elsewhere (a row between neighbouring samples, or before the gyroscope's first sample or after its last).
    Vectorised (one ``searchsorted``)."""
    spans = np.full(master_t.size, np.nan)
    k = np.searchsorted(gyr_t, master_t, side="right") - 1
    inside = np.flatnonzero((k >= 0) & (k < gyr_t.size - 1))
    span = gyr_t[k[inside] + 1] - gyr_t[k[inside]]
    lost = ~covered[inside] if losing is None else ~covered[inside] | losing[k[inside]]
    spans[inside[lost]] = span[lost]
    return spans


def table_gyro(t_s: FloatArray, gyr_dps: FloatArray, report: ImportReport) -> FloatArray | None:
    """The gyroscope columns of a table (after :func:`clean_rows` with ``gyro_from``): rows without a value
    are NaN and noted as :func:`align_gyro` notes them (EDGE-50); None, with a note, when no row has one."""
    covered = np.asarray(np.isfinite(gyr_dps).all(axis=1))
    if covered.all():
        return gyr_dps
    if not covered.any():
        report.gyro_left_out = "the gyroscope columns hold no number in any row; they were left out"
        report.notes.append(report.gyro_left_out)
        return None
    k = report.gyro_infinite_cells
    infinite = f" ({k} of the cells infinite in the file, read as missing)" if k else ""  # EDGE-214
    left = gyro_left(t_s, gyr_dps, {}, {}, ~covered)[0]  # the analysis' fill and bridge (EDGE-242)
    words = _sub_rate_words(t_s, gyr_dps, covered) if covers_enough(left) else _without_gyro_words(report, left, "")
    report.gyro_missing = f"{gyro_missing_text(t_s, covered)}{infinite}; {words}"
    report.notes.append(report.gyro_missing)
    return gyr_dps


#: What :func:`table_gyro`'s note adds for a table's gyroscope cells (EDGE-209), as the acceleration's note says what
#: becomes of its missing values (EDGE-197): the analysis' own note (``preprocess._gyro_used``) says which it did.
TABLE_GYRO_CELL_WORDS: Final = (
    "an empty, NaN or infinite gyroscope cell leaves its row's three gyroscope values missing, its time and "
    f"acceleration kept: the analysis bridges a lone one over at most {BRIDGE_MAX_S * 1000:.0f} ms between measured "
    "values (EDGE-212) and leaves longer runs out as gaps, or analyses a long stretch of them (or a recording with "
    f"a gyroscope value at fewer than {MIN_GYRO_COVERAGE:.0%} of its rows) as from a sensor without one, and its "
    "note says which"
)


def _sub_rate_words(t_s: FloatArray, gyr_dps: FloatArray, covered: NDArray[np.bool_]) -> str:
    """What the analysis does with a table's rows without a gyroscope value: where they lie in a steady pattern, a
    gyroscope sampled at a lower rate than the rows (gyro_subrate.py, EDGE-217), with how many values are missing off
    it; else :data:`TABLE_GYRO_CELL_WORDS`."""
    gyr, sub, _ = gyro_subrate.filled_in(t_s, gyr_dps, ~covered)
    if sub is None:
        return TABLE_GYRO_CELL_WORDS
    lost = int(np.isnan(gyr).any(axis=1).sum())
    off = (
        f"; {lost} row{'s' * (lost != 1)} missing a value off that pattern or beyond its ends are values lost: "
        if lost
        else "; "
    )
    return (
        f"the rows with one lie in a steady pattern ({sub.words()}): a gyroscope measured at a lower rate, not values "
        "lost; the analysis interpolates it linearly in time onto the rows between its own samples, as it does a "
        f"separate gyroscope stream, and flags no step bridged for them{off}{TABLE_GYRO_CELL_WORDS}"
    )


def gyro_missing_text(t_s: FloatArray, covered: NDArray[np.bool_]) -> str:
    """The note for accelerometer rows (times ``t_s``, s) without a gyroscope value (``~covered``)."""
    missing = int((~covered).sum())
    period = float(np.median(np.diff(t_s))) if t_s.size > 1 else 0.0
    return (
        f"gyroscope has no sample at {missing} of {covered.size} accelerometer rows "
        f"({missing * period:.2f} s, {percent(missing / covered.size)}): kept with empty gyroscope cells"
    )


def add_on_clock(base: Stream, other: Stream, report: ImportReport, label: str) -> Stream:
    """``base + other`` on ``base``'s clock (e.g. linear acceleration plus gravity); rows of ``base``
    with no ``other`` value near them are dropped and counted as ``no_<label>_at_time``."""
    period = other.period_s()
    values = interpolate_onto(base.t_s, other, MERGE_MAX_GAP_PERIODS * period, 0.5 * period)
    covered = np.isfinite(values).all(axis=1)
    report.drop(f"no_{label}_at_time", int((~covered).sum()))
    return Stream(base.t_s[covered], base.xyz[covered] + values[covered])


# ------------------------------------------------------------------------------------ to session


#: The most rows a sheet holds: Excel since 2007 and LibreOffice Calc, and Excel 97-2003's ``.xls``. A table saved
#: again by one is cut there without a word (EDGE-170).
SPREADSHEET_MAX_ROWS = (1_048_576, 65_536)
#: Lines above a table's rows (a header, GENEActiv's 100 header lines) for which a row count near a limit is checked.
SPREADSHEET_HEADER_LINES = 200


def spreadsheet_cut(report: ImportReport) -> str | None:
    """A note where the file read holds exactly as many lines as a spreadsheet's sheet holds rows (a workbook's sheet:
    its rows and header row): saved again by one, the rows after were cut off, and nothing else in the file says so
    (the cut falls between two rows). None otherwise, and for files far from the limits (not counted)."""
    rows = report.rows_read
    limit = next((m for m in SPREADSHEET_MAX_ROWS if m - SPREADSHEET_HEADER_LINES <= rows <= m), None)
    if limit is None or not report.files:
        return None
    first = Path(report.files[0])
    if first.is_file():
        try:
            lines = int(line_bounds(Source(str(first), path=first).read_bytes())[0].size)
        except (OSError, RetrogaitError):
            return None
    else:  # a workbook's sheet (or a zip's member): its header row and its rows
        lines = rows + 1
    if lines != limit:
        return None
    which = "Excel 97-2003's .xls" if limit == 65_536 else "Excel's and LibreOffice Calc's"
    return (
        f"{first.name} holds {limit:,} lines, the most rows a sheet holds in {which}: if a spreadsheet saved it "
        "again, the recording after that row was cut off (the app's own export holds the rest)"
    )


def finish(
    display: str,
    acc: Stream,
    gyr_dps: FloatArray | None,
    options: ImportOptions,
    report: ImportReport,
    *,
    device: str | None = None,
    stated_rate_hz: float | None = None,
    start_epoch_s: float | None = None,
    header: dict[str, str] | None = None,
    gravity: str = "included",
    inferred: dict[str, str] | None = None,
    still_check: bool = True,
    timed_by_rate: bool = False,
) -> ImportResult:
    """Check the converted arrays (enough rows, rate, gravity, units) and build the session.

    ``acc.t_s`` may have any origin; it is shifted to start at 0. The rate the user gave
    (``options.rate_hz``), else ``stated_rate_hz`` (what the file says), becomes the header rate
    when the timestamps agree within 25 %; otherwise the measured rate is used and the stated one
    kept as ``import_stated_rate_hz``. ``gravity`` is ``included`` or ``removed`` (``acc_gravity``
    in the header); acceleration said to include gravity whose median |acc| is below 4 m/s^2 is
    refused. ``inferred`` are the ``inferred_*`` header keys: what the reader decided from the data.
    The session is checked as the native reader would check it, so it can be written and read back; with
    ``still_check``, gravity included and a gyroscope, where it shows the sensor still the acceleration must read
    1 g (:func:`refuse_still_not_1_g`; the generic reader checks its inferred unit itself, HONEST-22).
    ``timed_by_rate``: the rows have no time of their own, ``acc.t_s`` was made from ``options.rate_hz``, so
    ``inferred_sample_rate`` names no stamps' rate beside it (REVIEW-46).
    """
    refuse_time_going_back(display, report)
    if len(acc) < 2:
        require_rows(acc, display, "acc", report=report)  # the same line as every reader's (EDGE-125)
    measured = measured_rate(acc.t_s)
    measured_hz = measured.hz
    if not math.isfinite(measured_hz) or measured_hz <= 0:
        raise InputFileError(display, "timestamps do not advance")
    tied = max(
        (n for reason, n in report.dropped.items() if reason in ("acc_time_not_increasing", "row_time_not_increasing")),
        default=0,
    )
    if tied > len(acc) and not meets_rate(measured_hz, MIN_SAMPLE_RATE_HZ):  # EDGE-135: not a slow sensor
        raise InputFileError(
            display,
            f"{tied:,} of {tied + len(acc):,} rows carry the time of the row before: its stamps are coarser than its "
            "samples (a time written to the whole second or minute); read it with --rate HZ (its sampling rate)",
        )
    if not meets_rate(measured_hz, MIN_SAMPLE_RATE_HZ):
        raise InputFileError(
            display,
            f"sample rate is {measured_hz:.3g} Hz, too low for gait analysis: steps need at least "
            f"{MIN_SAMPLE_RATE_HZ:g} Hz (a running contact lasts 0.2-0.3 s); record at 50 Hz or more",
        )
    if gravity == "included":
        with np.errstate(over="ignore", invalid="ignore"):
            median_norm = float(np.median(np.linalg.norm(acc.xyz, axis=1)))
        if median_norm < MIN_GRAVITY_MS2:
            raise InputFileError(
                display,
                f"acceleration has no gravity in it (median |acc| = {median_norm:.2f} m/s^2) although the file "
                "says it does: a unit mix-up, or linear acceleration (gravity removed) under another name",
            )
    sources = ", ".join(Path(f).name for f in report.files)
    extra: dict[str, str] = {"import_format": report.format, "import_source": sources}
    cut = spreadsheet_cut(report)
    if cut is not None:
        report.notes.append(cut)
    said = list(report.notes)  # before the stated-rate note below, which the analysis makes from its own key
    rate_hz = measured_hz
    rate_words = measured.words()
    stated_rate_hz = options.rate_hz if options.rate_hz is not None else stated_rate_hz
    if stated_rate_hz is not None and math.isfinite(stated_rate_hz) and stated_rate_hz > 0:
        if abs(measured_hz / stated_rate_hz - 1.0) <= 0.25:
            rate_hz = stated_rate_hz
            said_by = "--rate gives" if options.rate_hz is not None else "the file states"
            rate_words = f"{rate_hz:g} Hz as {said_by} (the mean rate of the stamps: {measured_hz:.6g} Hz)"
            if timed_by_rate and options.rate_hz is not None:  # its "stamps" are the rate's own (REVIEW-46)
                rate_words = f"{rate_hz:g} Hz as --rate gives (no time column: the rows are timed by it)"
        else:
            extra["import_stated_rate_hz"] = f"{stated_rate_hz:g}"
            report.notes.append(
                f"{'--rate' if options.rate_hz is not None else 'file'} states {stated_rate_hz:g} Hz but the "
                f"timestamps give {measured_hz:.4g} Hz; the measured rate is used"
            )
    if device:
        extra["import_device"] = device
    if report.gyro_left_out:
        extra[GYRO_LEFT_OUT_KEY] = report.gyro_left_out
    if report.gyro_missing:
        extra[GYRO_MISSING_KEY] = report.gyro_missing
    if gyr_dps is not None and report.gyro_period_s is not None:  # its losses' bridge span (EDGE-239), and the mark
        extra[GYR_PERIOD_KEY] = f"{report.gyro_period_s:.9g}"  # that the import knew them (REVIEW-177)
    report.rows_kept = len(acc)
    extra["import_dropped_rows"] = str(report.dropped_total)
    if report.dropped:
        extra["import_dropped_detail"] = report.dropped_detail()
    if report.time_base:
        extra["inferred_time_base"] = report.time_base
    extra.update(header or {})
    extra.update(inferred or {})
    extra[SAMPLE_RATE_KEY] = rate_words  # which rate the session holds and how it was taken (HONEST-32)
    quantum_g = acc_quantum_g(acc.xyz)
    if quantum_g is not None:  # the resolution the values show (HONEST-8); calibrated floats show none
        extra["inferred_acc_quantum_g"] = describe_quantum(quantum_g)
    told = [note for note in said if not any(note in value for value in extra.values())]
    if told:  # what only the import's report said: the analysis reads it from the header as notes (IMPORT-23)
        extra[IMPORT_NOTES_KEY] = " | ".join(note.replace("|", "/") for note in told)
    try:
        meta = SessionMeta(
            placement=options.placement or "other",
            sample_rate_hz=round(rate_hz, 6),
            side=options.side,
            sensor=options.sensor or device,
            anterior_axis=options.anterior_axis,
            vertical_axis=options.vertical_axis,
            start_time_utc=iso_utc(start_epoch_s) if start_epoch_s is not None else None,
            acc_gravity=gravity,
            extra={k: " ".join(v.split()) for k, v in extra.items()},
        )
    except ValueError as exc:
        raise RetrogaitError(str(exc)) from None
    spans = report.gyro_lost_span_s if gyr_dps is not None else None  # EDGE-223/237, where a loss exists: REVIEW-177
    columns = {GYR_LOST_SPAN_COLUMN: spans} if spans is not None and len(spans) == len(acc) else {}
    session = Session(t_s=acc.t_s - acc.t_s[0], acc=acc.xyz, gyr=gyr_dps, meta=meta, extra=columns, source=display)
    problem = session_problem(session, MAX_ACC_G if options.max_acc_g is None else options.max_acc_g)
    if problem:
        raise InputFileError(display, problem)
    if still_check and gravity == "included":
        refuse_still_not_1_g(display, session, report.format)
    return ImportResult(session=session, report=report)


def refuse_still_not_1_g(display: str, session: Session, fmt: str) -> None:
    """Refuse acceleration (m/s^2, gravity included, as the format says) that does not read 1 g where the
    gyroscope (deg/s, its unit the format's) shows the sensor still: a sensor that does not turn feels gravity
    and what translates it, which averages out (HONEST-22's rule and thresholds, applied where the gyroscope
    comes from a file of its own or a format's fixed units: HONEST-24)."""
    if session.gyr is None:
        return
    still = inference.still_reading(session.acc, session.gyr, session.meta.sample_rate_hz, STANDARD_GRAVITY_MS2)
    if still is None or inference.GRAVITY_MATCH[0] <= still[1] <= inference.GRAVITY_MATCH[1]:
        return
    why = (
        "gravity looks removed (linear acceleration under another name?)"
        if still[1] < inference.GRAVITY_MATCH[0]
        else f"{inference.SCALE_OFF} (counts converted with another range's factor?), {inference.GYRO_TOO_SMALL}"
    )
    raise InputFileError(
        display,
        f"acceleration read as m/s^2 with gravity, as the {fmt} export holds it, but over the {still[0]:.1f} s the "
        f"gyroscope shows the sensor still (under {inference.STILL_RATE_DPS:g} deg/s), where it feels 1 g, its "
        f"median |acc| is {still[1]:.2g} g: {why}",
    )


def snap_rate(stream: Stream, rates_hz: Sequence[float], tolerance: float = 0.05) -> float | None:
    """The device's nominal rate (Hz) nearest the measured one, if within ``tolerance`` (fraction)."""
    period = stream.period_s()
    if not (math.isfinite(period) and period > 0):
        return None
    measured = 1.0 / period
    best = min(rates_hz, key=lambda r: abs(r - measured))
    return float(best) if abs(measured / best - 1.0) <= tolerance else None
