"""Any delimited table with a time base (or a known rate) and three acceleration axes.

The catch-all behind the app formats: chosen when no app format recognises a file, or with
``--format generic_csv`` or any column-mapping option. What it finds out, and the evidence, goes
into the session header as ``inferred_*`` keys (docs/formats.md, "generic_csv"):

1. layout (``table_layout``): delimiter, decimal mark, header or none, preamble, blocks;
2. columns by name family (``column_names``), or for a table without a header by their values;
3. the time column by name, else by increasing values, its unit from the name or the data
   (``inference``), or times from ``--rate`` when there is none;
4. acceleration (linear acceleration plus gravity summed where both are there), its unit and
   whether gravity is in it from the data; angular rate and its unit likewise.

Everything the user maps (``--time-column``, ``--acc-columns`` ...) is taken as given.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.conventions import MIN_SAMPLE_RATE_HZ
from retrogait.errors import InputFileError, RetrogaitError
from retrogait.imports import column_names as names
from retrogait.imports import inference, side_by_side
from retrogait.imports.app_formats import GENERIC_NAME, MAPPING_FLAGS, not_read_hint
from retrogait.imports.base import GenericCsvOptions, ImportFormat, ImportOptions, ImportReport, ImportResult
from retrogait.imports.column_names import ColumnName, Triplet
from retrogait.imports.common import (
    OUT_OF_ORDER_SHARE,
    SORTED_BACK_SHARE,
    ZONED_TEXT,
    FloatArray,
    FoundOrder,
    Source,
    Stream,
    TimeOrder,
    align_gyro,
    clean_rows,
    delivery_words,
    finish,
    found_order,
    head_bytes,
    head_text,
    interleaved,
    local_clock_change,
    newest_first_words,
    read_table,
    repeated_rows,
    rounded_time,
    steady_when_sorted,
    table_gyro,
    text_time_s,
    time_order_lost,
)
from retrogait.imports.limits import LineIndex, line_bounds, named_twice, refuse_named_twice
from retrogait.imports.table_layout import (
    LAYOUT_BYTES,
    Block,
    Layout,
    delimiter_name,
    line_above_header,
    sniff_layout,
    split_blocks,
)
from retrogait.imports.workbook import Sheet, is_workbook, read_sheets
from retrogait.rate import Packets, delivery_packets, packets_on_a_grid, retimed_packets

NAME = GENERIC_NAME
#: Lines of each block read to decide which column is which (from at most SAMPLE_BYTES of it).
SAMPLE_LINES = 2000
SAMPLE_BYTES = 8 * 1024 * 1024
#: A table without a header may have at most this many columns (more: name them with the options).
MAX_HEADERLESS_COLUMNS = 32
#: Stems whose acceleration is CoreMotion's (iOS): the opposite sign of the native convention.
COREMOTION_STEMS = frozenset({"useracceleration", "motionuseracceleration", "accelerometeracceleration"})
#: Unit of gravity-free acceleration by family when the names do not say it.
_FAMILY_UNITS = {"useracceleration": "g", "motionuseracceleration": "g"}
#: The order of the header keys this reader writes (layout, time, acceleration, angular rate).
_KEY_ORDER = (
    "inferred_blocks",
    "inferred_layout",
    "inferred_time_column",
    "inferred_time_unit",
    "inferred_time_base",
    "import_start_time_local",
    "inferred_acc_columns",
    "inferred_acc_gravity",
    "inferred_acc_unit",
    "inferred_acc_sign",
    "inferred_gyr_columns",
    "inferred_gyr_unit",
)
#: Date-time text that says its zone (``Z``, ``+01:00``, ``-0500``).
_ZONED = ZONED_TEXT
#: The time of day in date-time text (``1:59:30.000 AM``, ``T01:59:30``): where no digit is left without it, the text
#: holds no date (parsed on the day it is read, EDGE-154).
_TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:[.,:]\d+)?)?")


def sniff(path: Path) -> float:
    """0.5 (below every app format) for a delimited text table of numbers (or a workbook holding one
    sheet that is one), else 0."""
    if path.is_dir():
        return 0.0
    if is_workbook(path):
        return 0.5 if len(_table_sheets(path)) == 1 else 0.0
    data = head_bytes(path, LAYOUT_BYTES)  # decoded from UTF-16 (EDGE-33): NUL bytes are a binary file's
    if not data or data.count(b"\x00") > 8 or data.lstrip()[:1] in (b"{", b"["):
        return 0.0
    try:
        sniff_layout(head_text(data), str(path))
    except RetrogaitError:
        return 0.0
    return 0.5


@dataclass
class _Table:
    """One block read: its columns by name, the parsed names, the rows read."""

    block: Block
    columns: list[str]
    parsed: list[ColumnName]
    sample: pd.DataFrame
    source: Source
    skip: int
    lines: LineIndex | None = None
    flags: list[str] = field(default_factory=list)
    #: Columns a user named by their position: told apart from one of the same name (EDGE-289).
    by_position: set[str] = field(default_factory=set)

    def column(self, wanted: str, display: str) -> str:
        """The column a user named (header text, any case, or a 0-based position)."""
        if wanted in self.columns:
            return wanted
        lowered = {c.strip().lower(): c for c in self.columns}
        if wanted.strip().lower() in lowered:
            return lowered[wanted.strip().lower()]
        if wanted.isdigit() and int(wanted) < len(self.columns):
            self.by_position.add(self.columns[int(wanted)])
            return self.columns[int(wanted)]
        raise InputFileError(display, f"column {wanted!r} not found (columns: {_listed(self.columns)})")


@dataclass
class _Plan:
    """Which columns to read and what was inferred, for the header."""

    time: str | None = None
    time_text: bool = False
    date: str | None = None
    acc: Triplet | None = None
    gravity: Triplet | None = None
    gyr: Triplet | None = None
    gyr_table: _Table | None = None
    inferred: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: why a numeric column named like time was not taken (HONEST-7), for the refusal
    time_rejected: str | None = None
    #: a column named like time whose rows are out of order (EDGE-165): the refusal says to sort them, not --rate
    unordered: str | None = None


#: Column names of gait events and features another tool computed (gaitpy, MetaWear's gait exports, ...), lower case:
#: a table holding two or more of them and no acceleration is a table of results, not a recording (EDGE-189).
GAIT_FEATURE_NAMES = frozenset(
    {
        "ic",
        "fc",
        "cadence",
        "gait_cycles",
        "stride_duration",
        "step_duration",
        "stance_duration",
        "swing_duration",
        "double_support",
        "stride_length",
        "step_length",
        "step_count",
        "bout_length_sec",
    }
)


def _gait_features(columns: list[str]) -> list[str]:
    """The names in ``columns`` that are gait events or features (:data:`GAIT_FEATURE_NAMES`), as written."""
    return [c for c in columns if c.strip().lower() in GAIT_FEATURE_NAMES]


def _listed(columns: list[str]) -> str:
    text = ", ".join(columns)
    return (text[:200] + "...") if len(text) > 200 else text


def read(path: Path, options: ImportOptions) -> ImportResult:
    mapping = options.generic or GenericCsvOptions()
    problem = mapping.problem()
    if problem:
        raise RetrogaitError(problem)
    display = str(path)
    if is_workbook(path):  # a table saved again as a workbook: its one sheet holding a table, as CSV text
        display, data = _workbook_table(path)
    else:
        data = Source(display, path=path).read_bytes()
    if not data or data.isspace():
        raise InputFileError(path, "is empty")
    if data[:LAYOUT_BYTES].count(b"\x00") > 8:
        raise InputFileError(path, f"is a binary file, not a text table; {not_read_hint()}")
    sep = {"tab": "\t", "space": r"\s+", " ": r"\s+"}.get(mapping.delimiter or "", mapping.delimiter)
    head = _layout(data, display, sep)
    try:
        planned = _planned(data, head, mapping, options, path, display)
    except InputFileError as refused:
        if head.headerless_skip is None or mapping.acc_columns is not None:
            raise
        try:  # the "header" above wider lines of numbers names no acceleration: a preamble, as before EDGE-265
            planned = _planned(data, head.headerless(), mapping, options, path, display)
            planned[2].notes.append(
                f"the line above the numbers ({', '.join(head.names or ())}) names no acceleration columns and the "
                f"line under it holds more numbers than it has fields: both read as a preamble ({head.headerless_skip} "
                "lines skipped), the table as having no header, its columns by position (EDGE-276)"
            )
            return _read_planned(planned, mapping, options, display)
        except InputFileError:  # read without it, refused too: the header's refusal names what the file holds
            raise refused from None  # (REVIEW-236)
    return _read_planned(planned, mapping, options, display)


def _read_planned(
    planned: tuple[bytes, list[_Table], _Plan, _Table], mapping: GenericCsvOptions, options: ImportOptions, display: str
) -> ImportResult:
    """The rows of the plan ``_planned`` made, read."""
    _, tables, plan, acc_table = planned
    report = ImportReport(format=NAME, files=[display])
    if len(tables) > 1:
        plan.inferred["inferred_blocks"] = "; ".join(
            f"{i + 1}: {t.block.label or 'unlabelled'} ({len(t.columns)} columns)" for i, t in enumerate(tables)
        )
    plan.inferred["inferred_layout"] = acc_table.block.layout.describe()
    return _read_plan(plan, acc_table, mapping, options, report, display)


def _planned(
    data: bytes, head: Layout, mapping: GenericCsvOptions, options: ImportOptions, path: Path, display: str
) -> tuple[bytes, list[_Table], _Plan, _Table]:
    """The file's ``data`` (put back in time order where a table without a header was sorted by another column,
    EDGE-172), its tables read with the layout ``head``, the plan of what to read and the acceleration's table;
    ``display``: the file (or workbook sheet) as messages name it."""
    lines = line_bounds(data)  # once: blank lines between blocks here, the row screen of read_table later
    blocks = split_blocks(data, head, display, lines)
    tables = [_table(data, b, display, lines if (b.start, b.end) == (0, len(data)) else None) for b in blocks]
    restored = _time_order_restored(data, tables, mapping, options, display)
    if restored is not None:  # a table without a header sorted by another column: put back in time order (EDGE-172)
        data, order_note = restored
        lines = line_bounds(data)
        blocks = split_blocks(data, head, display, lines)
        tables = [_table(data, b, display, lines if (b.start, b.end) == (0, len(data)) else None) for b in blocks]
    plan, acc_table = _plan(tables, mapping, options, path)
    if restored is not None:
        plan.notes.append(order_note)
    return data, tables, plan, acc_table


#: Rows gathered into their order at a time (bounds the index arrays: 8 bytes per byte of these rows).
_GATHER_ROWS = 1 << 16


def _time_order_restored(
    data: bytes, tables: list[_Table], mapping: GenericCsvOptions, options: ImportOptions, display: str
) -> tuple[bytes, str] | None:
    """A table without a header whose rows a sort by another column put out of time order (no column steps steadily
    forward; EDGE-165 left it refused as "none increasing"): ``(its text with the rows in the order of its time
    column, the note saying so)`` where exactly one order is a clock's: a column of one value a row (in its first
    rows and whole, where it steps back at as many places as a sort makes, ``stepped_back_as_sorted``) that, sorted,
    steps steadily (``steady_when_sorted``); numbers, or date-time text (EDGE-179). Else None (read, or refused, as
    before); two such columns that order the rows differently are refused (EDGE-172)."""
    if len(tables) != 1 or mapping.time_column is not None or options.rate_hz is not None:
        return None
    table = tables[0]
    layout = table.block.layout
    if layout.names is not None or any(steady_when_sorted(_numbers(table, c), in_order=True) for c in table.columns):
        return None
    numeric = [c for c in table.columns if _numeric(table, c)]
    if any(_text_times(table, c) for c in table.columns if c not in numeric):  # a date-time text clock in order
        return None
    shuffled = [c for c in numeric if _distinct(_numbers(table, c))]
    shuffled += [c for c in table.columns if c not in numeric and _date_texts(table, c)]  # EDGE-179
    if not shuffled:
        _refuse_text_times_out_of_order(table, numeric, display)
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = pd.read_csv(
                io.BytesIO(data),
                sep=layout.sep,
                decimal=layout.decimal,
                header=None,
                skiprows=table.skip,
                usecols=[int(c) for c in shuffled],
                dtype={int(c): np.float64 if c in numeric else str for c in shuffled},
                skip_blank_lines=False,
                encoding="latin-1",
            )
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    newline = b"\n" if b"\n" in data[:65536] or b"\r" not in data[:65536] else b"\r"  # as line_bounds takes it
    text = data if data.endswith(newline) else data + newline
    starts, ends = line_bounds(text)
    starts, ends = starts[table.skip :], ends[table.skip :]
    if len(frame) != starts.size:
        return None
    filled = np.flatnonzero(frame.notna().to_numpy().any(axis=1))  # a spreadsheet's empty rows after the table: kept
    rows = int(filled[-1]) + 1 if filled.size else 0
    frame, starts, ends = frame.iloc[:rows], starts[:rows], ends[:rows]
    orders, clocks = {}, {}
    for column in frame.columns:
        values = frame[column].to_numpy() if str(column) in numeric else text_time_s(frame[column])[0]
        if np.isfinite(values).all() and steady_when_sorted(values):
            orders[str(column)] = np.argsort(values, kind="stable")
            clocks[str(column)] = values
    if not orders:
        _refuse_text_times_out_of_order(table, numeric, display)
        return None
    first, *others = orders
    if any(not np.array_equal(orders[first], orders[o]) for o in others):
        raise InputFileError(
            display,
            f"has its rows out of time order (sorted by another column?), and columns {', '.join(orders)} each hold a "
            "steady clock in another order: sort the file by its time column",
        )
    lost = time_order_lost(clocks[first])
    if lost is None:  # a clock stepping back at a few places: EDGE-2's (one rule, EDGE-177)
        return None
    others_numeric = [c for c in frame.columns if str(c) in numeric and str(c) != first]
    if (  # two recordings whose stamps overlap, interleaved (REVIEW-30)
        not lost.newest_first
        and others_numeric
        and interleaved(frame[others_numeric].to_numpy(dtype=np.float64)[lost.order])
    ):
        return None
    restored = text[: int(starts[0])] + _gathered(text, starts, ends, lost.order) + text[int(ends[-1]) + 1 :]
    return restored, _order_note(first, lost, starts.size, "" if first in numeric else " s")


def _order_note(column: str, lost: TimeOrder, rows: int, unit: str) -> str:
    """The note on ``rows`` rows put back in the order of ``column``: reversed where they were newest first (EDGE-180),
    else sorted by it (EDGE-172, EDGE-177), its values stepping by ``lost.step`` (``unit``) once sorted."""
    if lost.newest_first:
        return f"rows {newest_first_words(rows, lost.back, f'column {column}')}"
    return (
        f"rows were not in time order (column {column} stepped back at {lost.back:.0%} of them: sorted by another "
        f"column?): put back in the order of column {column}, whose values step by {lost.step:.6g}{unit} once sorted"
    )


def _refuse_text_times_out_of_order(table: _Table, numeric: list[str], display: str) -> None:
    """Refuse a table without a header whose column of date or time-of-day text steps back at ``SORTED_BACK_SHARE``
    of its first rows or more and was not put back in its order (its stamps repeat, or a time of day without its
    date): one line naming it, not "no acceleration columns" (EDGE-179)."""
    for column in table.columns:
        if column in numeric:
            continue
        seconds, kind = text_time_s(table.sample[column])
        finite = seconds[np.isfinite(seconds)]
        if kind == "number" or finite.size < max(20, 0.9 * seconds.size):
            continue
        back = float(np.mean(np.diff(finite) < 0))
        if back >= SORTED_BACK_SHARE:
            what = "date-time" if kind == "datetime" else "time-of-day"
            raise InputFileError(
                display,
                f"has its rows out of time order: column {column} holds {what} text that steps back at {back:.0%} of "
                f"its first rows (sorted by another column?), and cannot be put back in its order (its times repeat, "
                f"or carry no date): sort the file by column {column}",
            )


def _date_texts(table: _Table, column: str) -> bool:
    """Whether a column's first rows are date-time text (with a date: a time of day sorted cannot tell its days), one
    time a row (EDGE-179)."""
    seconds, kind = text_time_s(table.sample[column])
    return kind == "datetime" and _distinct(seconds)


def _distinct(values: FloatArray) -> bool:
    """Whether a column's values (a sample of its rows) are all finite and one a row (99 %): a time column may be."""
    finite = values[np.isfinite(values)]
    return finite.size >= 20 and finite.size == values.size and np.unique(finite).size >= 0.99 * finite.size


def _gathered(text: bytes, starts: NDArray[np.int64], ends: NDArray[np.int64], order: NDArray[np.intp]) -> bytes:
    """The lines ``starts``..``ends`` (each with the one line end after it) of ``text`` in ``order``, gathered by
    numpy a block of rows at a time."""
    buffer = np.frombuffer(text, dtype=np.uint8)
    pieces = []
    for at in range(0, order.size, _GATHER_ROWS):
        chosen = order[at : at + _GATHER_ROWS]
        first, width = starts[chosen], ends[chosen] + 1 - starts[chosen]
        offsets = np.cumsum(width) - width
        index = np.repeat(first - offsets, width) + np.arange(int(width.sum()))
        pieces.append(buffer[index].tobytes())
    return b"".join(pieces)


def _table_sheets(path: Path) -> list[Sheet]:
    """The sheets of a workbook whose first rows read as a table of numbers."""
    found = []
    for sheet in read_sheets(path):
        try:
            sniff_layout(head_text(sheet.head), f"{path}/{sheet.name}")
        except RetrogaitError:
            continue
        found.append(sheet)
    return found


def _workbook_table(path: Path) -> tuple[str, bytes]:
    """(display, CSV text) of the one sheet of the workbook ``path`` that holds a table (IMPORT-17)."""
    sheets = _table_sheets(path)
    wide = [sheet for sheet in read_sheets(path) if sheet.width is not None]
    if not sheets and wide:  # its table may be the sheet too wide to be read (EDGE-294, IMPORT-31)
        raise wide[0].too_wide()
    if len(sheets) != 1:
        names = ", ".join(repr(s.name) for s in sheets) or "none"
        raise InputFileError(
            path,
            f"is a spreadsheet workbook with {len(sheets)} sheets of numbers ({names}): save the sensor "
            "sheet as CSV and give that file",
        )
    return f"{path}/{sheets[0].name}", sheets[0].csv_text()


def _layout(data: bytes, display: str, sep: str | None) -> Layout:
    text = head_text(data[:LAYOUT_BYTES])
    try:
        return sniff_layout(text, display, sep)
    except InputFileError as exc:
        if sep is None:
            raise InputFileError(display, f"{exc.problem}; {not_read_hint()}") from None
        try:
            found = sniff_layout(text, display).sep
        except InputFileError:
            raise exc from None
        raise InputFileError(
            display, f"does not split into columns on {delimiter_name(sep)}: pass --delimiter {delimiter_name(found)}"
        ) from None


def _table(data: bytes, block: Block, display: str, lines: LineIndex | None) -> _Table:
    """A block with its column names (positions for a table without a header) and a sample of rows."""
    layout = block.layout
    if layout.names is not None:
        columns = _unique(list(layout.names))
        skip = layout.skip_lines + 1
    else:
        if layout.n_fields > MAX_HEADERLESS_COLUMNS:
            raise InputFileError(
                display,
                f"has no header and {layout.n_fields} columns: name the columns to read with --time-column "
                "and --acc-columns (0-based positions)",
            )
        columns = [str(i) for i in range(layout.n_fields)]
        skip = layout.skip_lines
    body = data if (block.start, block.end) == (0, len(data)) else data[block.start : block.end]
    source = Source(display, data=body)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            sample = pd.read_csv(
                io.BytesIO(body[:SAMPLE_BYTES]),
                sep=layout.sep,
                header=None,
                names=columns,
                skiprows=skip,
                nrows=SAMPLE_LINES,
                dtype=str,
                keep_default_na=False,
                on_bad_lines="skip",
                encoding="latin-1",
                engine="c",
                skip_blank_lines=True,
                index_col=False,
            )
        except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputFileError(display, f"table cannot be parsed ({str(exc).splitlines()[0][:120]})") from None
    parsed = [names.parse(c) if layout.names is not None else ColumnName(c, "other", c, None, None) for c in columns]
    return _Table(block, columns, parsed, sample, source, skip, lines)


def _unique(columns: list[str]) -> list[str]:
    """Column names made unique in one pass (``x``, ``x.1``, ...), blanks named by position."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(columns):
        name = name or f"column_{i}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name}.{count}")
    return out


def _numbers(table: _Table, column: str) -> FloatArray:
    values = table.sample[column].str.strip().str.strip('"')
    if table.block.layout.decimal != ".":
        values = values.str.replace(table.block.layout.decimal, ".", regex=False)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)


def _numeric(table: _Table, column: str) -> bool:
    values = _numbers(table, column)
    return values.size > 0 and float(np.isfinite(values).mean()) >= 0.9


# ------------------------------------------------------------------------------------ the plan


def _plan(tables: list[_Table], mapping: GenericCsvOptions, options: ImportOptions, path: Path) -> tuple[_Plan, _Table]:
    """Decide the columns: the user's mapping first, then names, then values."""
    display = str(path)
    plan = _Plan()
    if mapping.acc_columns is not None:
        table = tables[0]
        cols = tuple(table.column(c, display) for c in mapping.acc_columns)
        named = names.parse(cols[0])  # the family and unit its name says still count (CoreMotion sign, "(g)")
        plan.acc = Triplet("acc", named.stem, (cols[0], cols[1], cols[2]), named.unit)
    else:
        found = _find_acc(tables, path)
        if found is None:
            features = _gait_features(tables[0].columns)
            if len(features) >= 2:
                raise InputFileError(
                    display,
                    f"is a table of gait events or features another tool computed (columns: {', '.join(features[:6])}"
                    "), not a recording of sensor samples: give retrogait the recording they were computed from",
                )
            columns = _listed(tables[0].columns)
            raise InputFileError(
                display,
                f"holds no three acceleration columns that can be told by name (columns: {columns}); "
                f"map them with --acc-columns X,Y,Z; {not_read_hint()}",
            )
        table, plan.acc, plan.gravity = found
        described = plan.acc.describe() + (f" + {plan.gravity.describe()}" if plan.gravity else "")
        if table.block.layout.names is None:
            described += " (no header: 0-based positions, by their values"
            described += "".join(f"; {c}: a status flag (whole numbers, few values), left out" for c in table.flags)
            described += ")"
        plan.inferred["inferred_acc_columns"] = described
    if mapping.gyr_columns is not None:
        cols = tuple(table.column(c, display) for c in mapping.gyr_columns)
        unit = names.parse(cols[0]).unit
        plan.gyr, plan.gyr_table = Triplet("gyro", "given", (cols[0], cols[1], cols[2]), unit), table
        taken = set(_columns_of(plan)) & set(cols)
        if taken:  # the inferred acceleration's columns read as the gyroscope too: one signal as two (EDGE-139)
            raise InputFileError(
                display,
                f"--gyr-columns {','.join(cols)} are read as the acceleration too (inferred: "
                f"{plan.inferred.get('inferred_acc_columns', '')}): name the acceleration with --acc-columns X,Y,Z",
            )
    elif mapping.acc_columns is None:
        gyro = _find_gyro(tables, table, path)
        if gyro is not None:
            plan.gyr_table, plan.gyr = gyro
            plan.inferred["inferred_gyr_columns"] = plan.gyr.describe() + (
                " (own block, own clock)" if plan.gyr_table is not table else ""
            )
    elif table.block.layout.names is not None:  # the gyroscope named beside the given acceleration columns
        given = set(plan.acc.columns)
        beside = [t for t in _triplets(table, path) if t.kind == "gyro" and not given & set(t.columns)]
        if beside:
            plan.gyr, plan.gyr_table = beside[0], table
            plan.inferred["inferred_gyr_columns"] = (
                f"{beside[0].describe()} (by name, beside --acc-columns; --gyr-columns to choose others)"
            )
    _plan_time(plan, table, mapping, options, display)
    return plan, table


def _kinds_by_words(table: _Table, path: Path) -> str | None:
    """acc, gyro, linear, gravity or other from a block's label (or the file name for one block)."""
    words = f"{table.block.label} {path.stem if table.block.start == 0 else ''}".lower()
    for kind, pattern in (
        ("other", r"magn|compass|orientation|attitude|pose|rotation vector|quaternion|gps|location"),
        ("linear", r"linear|user ?acc|without gravity"),
        ("gravity", r"gravity"),
        ("gyro", r"gyr|rotation ?rate|angular"),
        ("acc", r"acc"),
    ):
        if re.search(pattern, words):
            return kind
    return None


def _triplets(table: _Table, path: Path) -> list[Triplet]:
    """The table's triplets, plain ones given the kind its label or file name says."""
    found = names.triplets(table.parsed)
    kind = _kinds_by_words(table, path)
    return [Triplet(kind, t.stem, t.columns, t.unit) if t.kind == "plain" and kind else t for t in found]


def _find_acc(tables: list[_Table], path: Path) -> tuple[_Table, Triplet, Triplet | None] | None:
    for table in tables:
        if table.block.layout.names is None:
            headerless = _headerless(table)
            if headerless:
                return table, headerless[0], None
            continue
        found = _triplets(table, path)
        by_kind: dict[str, list[Triplet]] = {}
        for t in found:
            by_kind.setdefault(t.kind, []).append(t)
        if by_kind.get("acc"):
            return table, by_kind["acc"][0], None
        if by_kind.get("linear"):
            gravity = by_kind.get("gravity", [])
            return table, by_kind["linear"][0], gravity[0] if gravity else None
        plain = by_kind.get("plain", [])
        if plain:
            return table, Triplet("plain", plain[0].stem, plain[0].columns, plain[0].unit), None
    return None


def _find_gyro(tables: list[_Table], acc_table: _Table, path: Path) -> tuple[_Table, Triplet] | None:
    if acc_table.block.layout.names is None:
        headerless = _headerless(acc_table)
        return (acc_table, headerless[1]) if len(headerless) > 1 else None
    for table in [acc_table, *(t for t in tables if t is not acc_table)]:
        if table.block.layout.names is None:
            continue
        gyros = [t for t in _triplets(table, path) if t.kind == "gyro"]
        if gyros:
            return table, gyros[0]
    return None


def _headerless(table: _Table) -> list[Triplet]:
    """Triplets of a table without a header: runs of three number columns that are not the time
    (increasing) nor a status flag (whole numbers with few values); acceleration first. The flags
    left out are kept in ``table.flags``."""
    free = []
    table.flags = []
    for column in table.columns:
        values = _numbers(table, column)
        finite = values[np.isfinite(values)]
        if finite.size < max(3, 0.9 * values.size):
            continue
        if bool(np.all(finite == np.round(finite))) and np.unique(finite).size <= 8:
            table.flags.append(column)
        elif not inference.is_clock(values):
            free.append(column)
    return [Triplet("plain", "position", (free[i], free[i + 1], free[i + 2]), None) for i in range(0, len(free) - 2, 3)]


def _plan_time(plan: _Plan, table: _Table, mapping: GenericCsvOptions, options: ImportOptions, display: str) -> None:
    """The time column: as mapped, else by name, else by increasing values; None for ``--rate``."""
    if mapping.time_column is not None:
        plan.time = table.column(mapping.time_column, display)
        plan.time_text = mapping.time_unit == "datetime" or not _numeric(table, plan.time)
        return
    used = set(plan.acc.columns if plan.acc else ()) | set(plan.gyr.columns if plan.gyr else ())
    candidates = sorted(
        (c for c in table.parsed if c.kind == "time" and c.name not in used),
        key=lambda c: (c.stem not in names.TIME_NAMES, table.columns.index(c.name)),
    )
    for candidate in candidates:
        if _numeric(table, candidate.name):
            values = _numbers(table, candidate.name)
            if inference.is_increasing(values) or _packet_clock(values):
                plan.time = candidate.name
                plan.inferred["inferred_time_column"] = f"{candidate.name} (by its name)"
                return
            if plan.time_rejected is None and _out_of_order(values):
                plan.unordered = candidate.name
                finite = values[np.isfinite(values)]
                own = "each time its own" if _distinct(finite) else "its times repeating (their order within one lost)"
                plan.time_rejected = (
                    f"column {candidate.name} holds times whose rows are out of order: {own}, it steps back in "
                    f"{float(np.mean(np.diff(finite) < 0)):.0%} of its rows (the rows sorted by another column?)"
                )
            plan.time_rejected = plan.time_rejected or _why_not_a_clock(candidate.name, values)
        elif _text_times(table, candidate.name):
            plan.time, plan.time_text = candidate.name, True
            plan.date = _date_column(table, candidate.name, used)
            with_date = f" with the date from {plan.date}" if plan.date else ""
            plan.inferred["inferred_time_column"] = f"{candidate.name} (by its name; text{with_date})"
            return
        else:
            if plan.unordered is None and _out_of_order_text(table, candidate.name):
                plan.unordered = candidate.name
                plan.time_rejected = plan.time_rejected or (
                    f"column {candidate.name} holds date-time text whose rows are out of order (the rows sorted by "
                    "another column?)"
                )
            plan.time_rejected = plan.time_rejected or _why_not_a_text_clock(candidate.name, table)
    if options.rate_hz is not None:
        return
    for column in table.columns:
        named = table.block.layout.names is not None
        if column in used or (named and any(w in column.lower() for w in names.NOT_TIME_WORDS)):
            continue
        values = _numbers(table, column)
        if _numeric(table, column) and inference.is_clock(values) and not inference.is_counter(values):
            plan.time = column
            plan.inferred["inferred_time_column"] = f"{column} (its values increase)"
            return
        if _numeric(table, column) and not plan.time_rejected:  # a clock a spreadsheet rounded (EDGE-115)
            plan.time_rejected = (r := rounded_time(column, values)) and r.removeprefix("its time ")
        if not _numeric(table, column) and _text_times(table, column):
            plan.time, plan.time_text = column, True
            plan.inferred["inferred_time_column"] = f"{column} (date-time text)"
            return
    if plan.unordered is not None:  # put back in its order where it is a steady clock once sorted (EDGE-177)
        plan.time, plan.time_text = plan.unordered, not _numeric(table, plan.unordered)
        plan.inferred["inferred_time_column"] = f"{plan.unordered} (by its name; its rows out of order)"
        return
    mapped = [c.name for c in table.parsed if c.kind == "time" and c.name in used]
    if mapped and not plan.time_rejected:  # the refusal said "none named like time" (EDGE-139)
        plan.time_rejected = f"column {mapped[0]}, named like time, is read as a motion axis"


def _packet_clock(values: FloatArray) -> bool:
    """True for a column whose runs of equal stamps are packets stamped on delivery, their stamps off any grid
    (arrival times): re-timed when read where the packets give a steady rate, else refused naming the bursts
    (EDGE-145, HONEST-27). Runs of the same stamp on one grid at a steady rate are a clock coarser than its
    samples, refused by ``_why_not_a_clock``."""
    finite = values[np.isfinite(values)]
    packets = delivery_packets(finite)
    return packets is not None and (not packets.steady or packets_on_a_grid(finite, packets) is None)


def _out_of_order(values: FloatArray) -> bool:
    """Whether a column of times steps back at ``OUT_OF_ORDER_SHARE`` of its rows or more: no clock nor joined
    recordings do (they step back at a few places); its rows were sorted by another column or shuffled (EDGE-165; its
    times need not be one a row, EDGE-177: a sort of a clock coarser than its samples is refused saying so)."""
    finite = values[np.isfinite(values)]
    if finite.size < 20:
        return False
    return float(np.mean(np.diff(finite) < 0)) >= OUT_OF_ORDER_SHARE


def _out_of_order_text(table: _Table, column: str) -> bool:
    """Whether a column holds date-time text (with a date: a time of day sorted cannot tell its days) of one time a row
    stepping back at ``OUT_OF_ORDER_SHARE`` of its first rows or more (EDGE-165's rule for text, EDGE-177)."""
    seconds, kind = text_time_s(table.sample[column])
    return kind == "datetime" and float(np.isfinite(seconds).mean()) >= 0.9 and _out_of_order(seconds)


def _in_time_order(frame: pd.DataFrame, plan: _Plan, display: str) -> pd.DataFrame:
    """``frame`` whose named time column ``plan.unordered`` a sort by another column put out of order, its rows put back
    in the order of that column where it is a steady clock once sorted (``common.time_order_lost``, the rule of
    EDGE-172 for a table without a header), with a note; rows without a time last (dropped and counted when read).
    Else refused, saying to sort the rows by it (EDGE-165): its times repeat or step back at a few places."""
    assert plan.unordered is not None
    column = frame[plan.unordered]
    seconds = text_time_s(column)[0] if plan.time_text else column.to_numpy(dtype=np.float64)
    finite = np.isfinite(seconds)
    lost = time_order_lost(seconds[finite])
    if lost is not None and not lost.newest_first:  # two recordings whose stamps overlap, interleaved (REVIEW-30)
        numeric = frame.loc[finite].drop(columns=[plan.unordered]).apply(pd.to_numeric, errors="coerce")
        if interleaved(numeric.to_numpy(dtype=np.float64)[lost.order]):
            lost = None
    if lost is None:
        raise InputFileError(
            display, f"has no time column in order ({plan.time_rejected}): sort the rows by {plan.unordered}"
        )
    rows = np.concatenate([np.flatnonzero(finite)[lost.order], np.flatnonzero(~finite)])
    plan.notes.append(_order_note(plan.unordered, lost, int(finite.sum()), " s" if plan.time_text else ""))
    return frame.iloc[rows].reset_index(drop=True)


def _why_not_a_clock(name: str, values: FloatArray) -> str | None:
    """Why the numbers of a column named like time are no clock, when its steps repeat or go back (or it holds
    a long stamp rounded to a few values by a spreadsheet, EDGE-115)."""
    steps = np.diff(values[np.isfinite(values)])
    if steps.size < 2:
        return None
    rounded = rounded_time(name, values)
    if rounded:
        return rounded.removeprefix("its time ")
    same, back = float(np.mean(steps == 0)), float(np.mean(steps < 0))
    if same >= back and same > 0:
        finite = values[np.isfinite(values)]
        packets = delivery_packets(finite)
        grid = packets_on_a_grid(finite, packets) if packets is not None else None
        if grid is not None:  # every run's stamp on one grid: a clock coarser than its samples (HONEST-27)
            return (
                f"column {name} repeats the time before it in {same:.0%} of its rows (its times on one grid "
                f"{grid:.6g} apart: a clock coarser than its samples, or packets stamped without an arrival's "
                "jitter; where each sample lies in a step cannot be told)"
            )
        return (
            f"column {name} repeats the time before it in {same:.0%} of its rows (samples stamped per packet or "
            "burst, not per sample)"
        )
    return f"column {name} goes back in {back:.0%} of its rows" if back > 0 else None


def _why_not_a_text_clock(name: str, table: _Table) -> str | None:
    """Why a column named like time that holds text is no clock: its stamps repeat (written to the whole second or
    minute, coarser than the samples) or go back (EDGE-135), or the text is no time at all (EDGE-140); None when it
    holds numbers."""
    values = table.sample[name].head(200)
    seconds, kind = text_time_s(values)
    finite = seconds[np.isfinite(seconds)]
    if kind == "number":
        return None
    if finite.size < max(3, 0.9 * seconds.size):
        text = [str(v).strip() for v in values]
        bad = [t for t, ok in zip(text, np.isfinite(seconds), strict=True) if t and t.lower() != "nan" and not ok]
        share = 1.0 - finite.size / max(seconds.size, 1)
        if not finite.size and not bad:
            return f"column {name} is named like time, but it is empty"
        if not bad:  # a clock with blank cells (EDGE-149)
            return f"column {name} is named like time, but {share:.0%} of its first rows are blank"
        if finite.size < 0.5 * seconds.size:
            return f"column {name} is named like time, but its text ({bad[0][:40]!r}) reads as no date or time"
        return (  # a clock with rows of other text (EDGE-149)
            f"column {name} is named like time, but {share:.0%} of its first rows read as no date or time "
            f"(such as {bad[0][:40]!r})"
        )
    steps = np.diff(finite)
    same, back = float(np.mean(steps == 0)), float(np.mean(steps < 0))
    if back > 0 and back >= same:
        return f"column {name} holds date-time text that goes back in {back:.0%} of its rows"
    if same == 0:
        return None
    positive = steps[steps > 0]
    if not positive.size:
        written = f"one time in its first {finite.size} rows"
    elif positive.min() >= 59.5:
        written = "written to the whole minute"
    elif positive.min() >= 0.95:
        written = "written to the whole second"
    else:
        written = f"written to {positive.min():.3g} s"
    return (
        f"column {name} holds date-time text that repeats the time before it in {same:.0%} of its rows ({written}: "
        "coarser than the samples)"
    )


def _date_column(table: _Table, time_column: str, used: set[str]) -> str | None:
    """A column named like a date whose text is dates, to go with a time-of-day column."""
    if text_time_s(table.sample[time_column].head(200))[1] != "clock":
        return None
    for column in table.columns:
        if (
            column not in used
            and column != time_column
            and re.fullmatch(r"date|day|datum|fecha", column.strip().lower())
        ):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = pd.to_datetime(table.sample[column].head(200), errors="coerce", format="mixed", utc=True)
            if parsed.notna().mean() >= 0.9:
                return column
    return None


def _text_times(table: _Table, column: str) -> bool:
    """True for a column of time text: its first 200 rows read as times that increase, or whose runs of equal stamps
    are packets stamped on delivery, looked for in every sampled row (up to SAMPLE_LINES: 8 packets of up to 250
    samples, where 200 rows hold under 8 of Android's batches of 25 or more, EDGE-156)."""
    seconds, kind = text_time_s(table.sample[column].head(200))
    if kind == "number" or float(np.isfinite(seconds).mean()) < 0.9:
        return False
    if inference.is_increasing(seconds):
        return True
    every, _ = text_time_s(table.sample[column])
    return _packet_clock(every)


# ------------------------------------------------------------------------------------- reading


def _columns_of(plan: _Plan) -> list[str]:
    cols = list(plan.acc.columns if plan.acc else ())
    cols += list(plan.gravity.columns if plan.gravity else ())
    return cols


def _read_plan(
    plan: _Plan, table: _Table, mapping: GenericCsvOptions, options: ImportOptions, report: ImportReport, display: str
) -> ImportResult:
    same_gyro = plan.gyr is not None and plan.gyr_table is table
    numeric = _columns_of(plan) + (list(plan.gyr.columns) if same_gyro and plan.gyr else [])
    time_numeric = [plan.time] if plan.time and not plan.time_text else []
    text = [c for c in (plan.time, plan.date) if c] if plan.time_text else []
    frame = _read_columns(table, numeric + time_numeric, text, report, _side_by_side(plan, table, options))
    if plan.unordered is not None and plan.time == plan.unordered:  # a sort by another column undone (EDGE-177)
        frame = _in_time_order(frame, plan, display)
    report.rows_read = len(frame) + report.dropped_total
    t_s, start, found = _times(plan, frame, mapping, options, display)
    rate_hz = _rate(t_s, display)
    assert plan.acc is not None
    gyr_columns = list(plan.gyr.columns) if same_gyro and plan.gyr is not None else []
    values = frame[[*plan.acc.columns, *gyr_columns]].to_numpy(dtype=np.float64)  # one copy, converted in place
    if plan.gravity is not None:
        values[:, :3] += frame[list(plan.gravity.columns)].to_numpy(dtype=np.float64)
        plan.inferred["inferred_acc_gravity"] = f"added from {plan.gravity.describe()}"
    gyr_raw = values[:, 3:] if gyr_columns else None
    if gyr_raw is not None:
        _refuse_given_rads(gyr_raw, mapping, display)  # before the acceleration's check trusts it (EDGE-137)
    factor, gravity = _acc_factor(values[:, :3], rate_hz, plan, mapping, display, gyr_raw)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow becomes inf: a dropped out_of_range row
        values[:, :3] *= factor
        if gyr_columns:
            values[:, 3:] *= _gyr_factor(values[:, 3:], values[:, :3], rate_hz, plan, mapping, gravity)
    retimed = "inferred_time_base" in plan.inferred  # re-timed within delivery packets (EDGE-145)
    t, values = clean_rows(
        t_s, values, report, "row", gyro_from=3 if gyr_columns else None, found=found, retimed=retimed
    )
    acc = Stream(t, values[:, :3])
    gyr_dps = table_gyro(t, values[:, 3:6], report) if same_gyro else None
    if plan.gyr is not None and plan.gyr_table is not None and not same_gyro:
        acc, gyr_dps = align_gyro(acc, _other_gyro(plan, mapping, acc, report, display, options), report)
    report.notes.extend(plan.notes)
    inferred = {k: plan.inferred[k] for k in _KEY_ORDER if k in plan.inferred}
    inferred.update(plan.inferred)
    # its unit checked by inference.acc_units where the gyroscope's unit is known without it (HONEST-22)
    return finish(
        display,
        acc,
        gyr_dps,
        options,
        report,
        start_epoch_s=start,
        gravity=gravity,
        inferred=inferred,
        still_check=False,
        timed_by_rate=plan.time is None,  # times from --rate (REVIEW-46)
    )


def _read_columns(
    table: _Table,
    numeric: list[str],
    text: list[str],
    report: ImportReport,
    sides: Callable[[list[str]], str | None] | None = None,
) -> pd.DataFrame:
    """The whole block, only these columns (within the limits of ``read_table``); ``sides``: the words of a refusal
    of names read twice where sensors stand side by side under them (:func:`_side_by_side`), or None."""
    layout = table.block.layout
    if layout.names is not None:  # a name written twice is read from its first column: refused (EDGE-289)
        written = [name or f"column_{i}" for i, name in enumerate(layout.names)]
        named = [c for c in [*numeric, *text] if c not in table.by_position]  # a position is no name (EDGE-289)
        said = sides(written) if sides is not None and named_twice(written, named) else None
        if said is not None:  # each sensor's columns by position (EDGE-296)
            raise InputFileError(table.source.display, said)
        refuse_named_twice(written, named, table.source.display, by_position=True)
    return read_table(
        table.source,
        sep=layout.sep,
        decimal=layout.decimal,
        skiprows=table.skip,
        names=table.columns,
        numeric=numeric,
        text=text,
        report=report,
        lines=table.lines,
    )


def _side_by_side(plan: _Plan, table: _Table, options: ImportOptions) -> Callable[[list[str]], str | None]:
    """The words refusing a header ``written`` whose names ``plan`` reads twice where a line of sensor names above
    it tells them apart (``side_by_side``: each sensor's options), or None (EDGE-296)."""

    def said(written: list[str]) -> str | None:
        above = line_above_header(head_text(table.source.head(LAYOUT_BYTES)), table.block.layout)
        position = table.columns.index
        roles = {
            "--time-column": [position(plan.time)] if plan.time else [],
            "--acc-columns": [position(c) for c in plan.acc.columns] if plan.acc else [],
            "--gyr-columns": [position(c) for c in plan.gyr.columns] if plan.gyr and plan.gyr_table is table else [],
            side_by_side.UNNAMED_ROLE: [position(c) for c in (plan.gravity.columns if plan.gravity else ())]
            + ([position(plan.date)] if plan.date else []),
        }
        found = side_by_side.sensors(written, above or [], roles)
        typed = {str(p) for s in found for _, positions in s.options for p in positions}
        if not found or typed & {c.strip().lower() for c in table.columns}:  # a position read as a name: no advice
            return None
        rate = "" if plan.time else f"--rate {options.rate_hz:g}" if options.rate_hz else "--rate HZ"
        return side_by_side.refusal(found, rate)

    return said


def _times(
    plan: _Plan, frame: pd.DataFrame, mapping: GenericCsvOptions, options: ImportOptions, display: str
) -> tuple[FloatArray, float | None, FoundOrder | None]:
    """Seconds (any origin) of each row, the epoch start (s since 1970) when the times are absolute, and the time
    order of a numeric time column as worked out to tell its unit (``clean_rows`` takes it: worked out once)."""
    if plan.time is None:
        if options.rate_hz is None:
            why = plan.time_rejected or "none named like time/timestamp/t, none increasing"
            if plan.unordered is not None:  # --rate would time the rows in the order they stand (EDGE-165)
                raise InputFileError(display, f"has no time column in order ({why}): sort the rows by {plan.unordered}")
            raise InputFileError(
                display,
                f"has no time column ({why}): read it with --rate HZ (its sampling rate, where its rows are its "
                "samples in time order), or name the time column with --time-column NAME",
            )
        plan.inferred["inferred_time_column"] = f"none: times from --rate {options.rate_hz:g} Hz"
        if plan.unordered is not None:
            plan.notes.append(
                f"column {plan.unordered} holds times whose rows are out of order: the rows are timed by --rate in "
                "the order they stand, not by it"
            )
        return np.arange(len(frame), dtype=np.float64) / options.rate_hz, None, None
    if plan.time_text:
        text = frame[plan.time].astype(str)
        if plan.date is not None:  # date + time-of-day columns: one date-time text
            text = frame[plan.date].astype(str).str.strip() + " " + text.str.strip()
        seconds, kind = text_time_s(text)
        if mapping.time_unit is None:
            plan.inferred["inferred_time_unit"] = f"{kind} text"
        first_text = str(text.iloc[0]).strip()
        if kind == "datetime" and not _ZONED.search(first_text) and re.search(r"\d", _TIME_OF_DAY.sub("", first_text)):
            seconds = _clock_change_undone(seconds, plan)  # local text with a date: its month says (EDGE-154)
        seconds = _on_delivery(seconds, plan, display, _motion(frame, plan))
        finite = np.flatnonzero(np.isfinite(seconds))
        if kind != "datetime" or not finite.size:
            return seconds, None, None
        first = str(text.iloc[int(finite[0])]).strip()
        if _ZONED.search(first):
            return seconds, float(seconds[finite[0]]), None
        plan.inferred["import_start_time_local"] = first[:40]  # no zone in the text: not claimed as UTC
        return seconds, None, None
    raw = frame[plan.time].to_numpy(dtype=np.float64)
    packets = _packets(raw, plan.time, display, _motion(frame, plan))
    if packets is not None:
        raw = _retimed(raw, packets)
    t_s: FloatArray
    if mapping.time_unit == "datetime":  # EDGE-72: a KeyError, "internal error", for a column of numbers
        raise InputFileError(
            display,
            f"time column {plan.time!r} holds numbers, not date-time text: give the unit of its numbers with "
            "--time-unit s|ms|us|ns|epoch_s|epoch_ms|epoch_us|epoch_ns (datetime reads text like 2024-05-01 10:00:00)",
        )
    found = found_order(raw)  # its values in time order: its unit, rate and start told from them (EDGE-181, REVIEW-31)
    ordered = _in_order(raw, found)
    if mapping.time_unit is not None:
        unit = mapping.time_unit.removeprefix("epoch_")
        _refuse_given_time_unit(ordered, unit, mapping.time_unit, display)
        factor = inference.TIME_FACTORS[unit]
        t_s = raw * factor
        epoch = mapping.time_unit.startswith("epoch_")
    else:
        column = names.parse(plan.time)
        base = inference.time_base(
            ordered, names.time_unit(column), epoch_hint=column.stem in ("epoch", "epoc", "unixtime")
        )
        if base is None:
            raise InputFileError(
                display,
                f"time column {plan.time!r} has steps too small for any unit (s, ms, us, ns): pass --time-unit",
            )
        epoch = base.epoch
        factor = inference.TIME_FACTORS[base.unit.removeprefix("epoch_")]
        t_s = raw * factor
        plan.inferred["inferred_time_unit"] = base.evidence
    if packets is not None:
        _note_delivery(packets, factor, plan)
    starts = ordered[np.isfinite(ordered)][:1] * factor  # the earliest time's, not the row a sort put first
    lost = found.lost
    found = replace(found, lost=None if lost is None else lost._replace(step=lost.step * factor))  # its step in s
    return t_s, float(starts[0]) if epoch and starts.size else None, found


def _in_order(raw: FloatArray, found: FoundOrder) -> FloatArray:
    """A time column's finite values in the order ``clean_rows`` will put them back in where they were newest first or
    sorted by another column (``time_order_lost``), else as they stand: its unit is told from its steps in time order
    (a table sorted by a coarse column, under ``OUT_OF_ORDER_SHARE`` of its steps back, had its median step taken
    across the sort and its seconds read as ms, EDGE-181). ``found``: :func:`common.found_order` of ``raw``."""
    return raw if found.lost is None else raw[found.rows][found.lost.order]


def _clock_change_undone(seconds: FloatArray, plan: _Plan) -> FloatArray:
    """Local date-time text whose clock moved 1 h at a daylight-saving change: the hour taken out, said in a note and
    ``inferred_local_clock_change`` (common.local_clock_change, EDGE-151); else as read."""
    changed = local_clock_change(seconds)
    if changed is None:
        return seconds
    plan.inferred["inferred_local_clock_change"], said = changed[1], changed[1]
    plan.notes.append(said)
    return changed[0]


def _motion(frame: pd.DataFrame, plan: _Plan) -> FloatArray:
    """The rows' motion values (every numeric column read but the time): an app's duplicated row repeats them all."""
    columns = [c for c in frame.columns if c not in (plan.time, plan.date) and pd.api.types.is_numeric_dtype(frame[c])]
    return frame[columns].to_numpy(dtype=np.float64)


def _packets(values: FloatArray, column: str, display: str, motion: FloatArray | None = None) -> Packets | None:
    """The packets of the finite ``values`` (a time column, any unit) stamped on delivery, to re-time: the rule of
    ``rate.packets_to_retime`` (EDGE-150), whether the column was named or found; refused in one line where they give
    no steady rate (EDGE-145); None where their stamps all lie on one grid (HONEST-27: a coarser clock, which only a
    named column reaches here; its runs are HONEST-12's, EDGE-153). ``motion``: the rows' values, which tell an app's
    duplicated row (EDGE-158)."""
    keep = np.isfinite(values)
    finite = values[keep]
    packets = delivery_packets(finite, None if motion is None else repeated_rows(values, motion)[keep])
    if packets is None:
        return None
    if not packets.steady:
        raise InputFileError(display, _bursts_unclear(column, packets))
    if packets_on_a_grid(finite, packets) is not None:  # a coarser clock, named: its ties spaced (HONEST-12)
        return None
    return packets


def _retimed(values: FloatArray, packets: Packets) -> FloatArray:
    """``values`` with its finite stamps re-timed within their packets (rate.retimed_packets); the others stay."""
    out = values.copy()
    finite = np.isfinite(values)
    out[finite] = retimed_packets(values[finite], packets)
    return out


def _on_delivery(seconds: FloatArray, plan: _Plan, display: str, motion: FloatArray) -> FloatArray:
    """Date-time text stamped on delivery: re-timed within its packets and noted, refused where they give no steady
    rate (_packets)."""
    packets = _packets(seconds, str(plan.time), display, motion)
    if packets is None:
        return seconds
    _note_delivery(packets, 1.0, plan)
    return _retimed(seconds, packets)


def _note_delivery(packets: Packets, factor: float, plan: _Plan) -> None:
    """Say in the header (``inferred_time_base``) and a note that the samples were re-timed within their packets."""
    plan.inferred["inferred_time_base"], note = delivery_words(packets, factor)
    plan.notes.append(note)


def _bursts_unclear(column: str, packets: Packets) -> str:
    """The refusal of a time column stamped in bursts whose packets give no steady sample rate (EDGE-145)."""
    return (
        f"time column {column!r} is stamped in bursts ({packets.size.size:,} runs of {int(packets.size.min())}-"
        f"{int(packets.size.max())} equal or near-equal stamps) whose packets give no steady sample rate (only "
        f"{100 * packets.steady_share:.0f} % agree): the samples' times cannot be told from it; remove the time "
        "column and read the file with --rate HZ (its sampling rate)"
    )


#: A rate no wearable's samples reach (Hz): a ``--time-unit`` that makes one is the wrong unit (EDGE-138).
MAX_GIVEN_RATE_HZ = 20000.0
#: Between 2 and 20 kHz the given unit is wrong where the unit that fits gives at least this (Hz): the slowest
#: commodity sensors (MetaWear 12.5 Hz, Movesense 13 Hz) read one unit too fine land at 12.5-13 kHz, while a fast
#: research IMU timed in ms (3.2 kHz) would be 3.2 Hz in s (EDGE-147).
MIN_FITTING_RATE_HZ = 10.0


def _refuse_given_time_unit(raw: FloatArray, unit: str, given: str, display: str) -> None:
    """Refuse ``--time-unit`` where it makes the samples faster than any wearable's or slower than gait analysis
    needs while another unit makes a rate of 2 Hz - 2 kHz (a seconds column given as ms: a 40 min walk read as 2.4 s
    at 50 kHz, analysed to no step without a word, EDGE-138); between 2 and 20 kHz only where the unit that fits
    gives at least MIN_FITTING_RATE_HZ (a 12.5 Hz sensor's ms given as us read as 12.5 kHz; EDGE-147)."""
    step = inference.median_step(raw)
    if not (math.isfinite(step) and step > 0):
        return
    rate_hz = 1.0 / (step * inference.TIME_FACTORS[unit])
    if MIN_SAMPLE_RATE_HZ <= rate_hz <= inference.RATE_WINDOW_HZ[1]:
        return
    fits = inference.time_base(raw, None)
    if fits is None or fits.unit.removeprefix("epoch_") == unit:
        return
    fit_unit = fits.unit.removeprefix("epoch_")
    fit_hz = 1.0 / (step * inference.TIME_FACTORS[fit_unit])
    if rate_hz <= MAX_GIVEN_RATE_HZ and not fit_hz >= MIN_FITTING_RATE_HZ:
        return  # 2-20 kHz where the other unit gives under 10 Hz: a fast IMU (a 3.2 kHz one in ms), as given
    named = ("epoch_" if given.startswith("epoch_") else "") + fit_unit
    how = "faster than any wearable samples" if rate_hz > inference.RATE_WINDOW_HZ[1] else "too slow for gait analysis"
    raise InputFileError(
        display,
        f"--time-unit {given} makes the sample rate {rate_hz:.4g} Hz, {how}; in {fit_unit} it is {fit_hz:.4g} Hz: "
        f"give --time-unit {named}",
    )


def _rate(t_s: FloatArray, display: str) -> float:
    step = inference.median_step(t_s)
    if not (math.isfinite(step) and step > 0):
        raise InputFileError(display, "time values do not increase")
    return 1.0 / step


def _acc_factor(
    xyz: FloatArray,
    rate_hz: float,
    plan: _Plan,
    mapping: GenericCsvOptions,
    display: str,
    gyr_raw: FloatArray | None = None,
) -> tuple[float, str]:
    """The factor (sign included) that turns the raw acceleration into native m/s^2, and
    ``included`` / ``removed``; what was inferred is noted in ``plan``. ``gyr_raw``: the same rows' angular rate
    in its file unit, where the table has one (its stillness checks a unit inferred from a moving recording)."""
    assert plan.acc is not None
    gyr_dps = None
    if gyr_raw is not None and plan.gyr is not None:
        gyr_factor = inference.gyro_factor_alone(gyr_raw, names.gyro_unit(plan.gyr.unit), mapping.gyr_unit)
        with np.errstate(over="ignore"):  # a rate near the largest double: inf, a row dropped later (REVIEW-237)
            gyr_dps = gyr_raw * gyr_factor if gyr_factor is not None else None
    family = plan.acc.stem
    stated = names.acc_unit(plan.acc.unit) or ("g" if family in ("gf", "gforce") else None)
    units = inference.acc_units(
        xyz,
        rate_hz,
        stated,
        mapping.acc_unit,
        _FAMILY_UNITS.get(family, "ms2" if plan.acc.kind == "linear" else None),
        gyr_dps,
    )
    unmapped_removed = plan.acc.kind in ("plain", "acc") and mapping.acc_columns is None
    if isinstance(units, str) or (units.gravity == "removed" and unmapped_removed):
        evidence = units if isinstance(units, str) else units.evidence
        if evidence.endswith(inference.SCALE_OFF + ")"):  # a gain, not a unit or gravity: neither flag mends it
            raise InputFileError(
                display,
                f"{evidence}: its values are not in the unit their names say (counts converted with another range's "
                f"factor?); write them in m/s^2 or g, {inference.GYRO_TOO_SMALL}",
            )
        if isinstance(units, str) and mapping.acc_unit is not None and "--acc-unit" in units:
            raise InputFileError(display, units.removesuffix(" (EDGE-144)"))
        if unmapped_removed and not isinstance(units, str) and units.one_g_in is not None:
            raise InputFileError(display, _given_unit_reads_no_gravity(units, plan.acc.describe()))
        if unmapped_removed:
            what = "are not named as acceleration" if plan.acc.kind == "plain" else "hold no gravity"
            raise InputFileError(
                display,
                f"columns {plan.acc.describe()} {what} at rest ({evidence}): if they are acceleration with gravity "
                f"removed, read them with --acc-columns {plan.acc.describe()} --acc-unit ms2|g|mg",
            )
        raise InputFileError(display, f"{evidence}; say it with --acc-unit ms2|g|mg (and --acc-columns X,Y,Z)")
    if mapping.acc_unit is None:
        plan.inferred["inferred_acc_unit"] = units.evidence
    sign = 1.0
    if family in COREMOTION_STEMS or (plan.gravity is not None and plan.gravity.stem == "motiongravity"):
        sign = -1.0
        plan.inferred["inferred_acc_sign"] = "negated: CoreMotion (iOS) reports acceleration with the opposite sign"
    if units.gravity == "removed":
        other = f"; in {units.one_g_in} its quiet mean is 1 g: is --acc-unit right?" if units.one_g_in else ""
        plan.notes.append(f"acceleration has gravity removed ({units.evidence}{other}): acc_gravity: removed")
    return sign * units.factor, units.gravity


def _given_unit_reads_no_gravity(units: inference.AccUnits, columns: str) -> str:
    """The refusal of an ``--acc-unit`` in which the quiet mean is near 0 g while in another unit it is 1 g: the
    unit is more likely wrong than gravity removed (m/s^2 given as mg reads 1 g as 0.0098 g; EDGE-152)."""
    given, other, quiet = units.unit, units.one_g_in, units.quiet_mean
    return (
        f"--acc-unit {given} reads its gravity as {quiet / inference.GRAVITY_IN_UNIT[given]:.2g} g (|mean acc| over "
        f"the quietest 1 s windows = {quiet:.3g}), in {other} it is 1 g: give --acc-unit {other} (if it is "
        f"acceleration with gravity removed, in {inference.GIVEN_WORDS[given]}, read it with --acc-columns {columns} "
        f"--acc-unit {given})"
    )


def _refuse_given_rads(raw: FloatArray, mapping: GenericCsvOptions, display: str) -> None:
    """Refuse ``--gyr-unit rads`` for raw angular rate no body reaches in rad/s (deg/s read 57x too fast: a foot walk's
    cadence +84 %, 2 in 3 of its contacts lost, EDGE-137)."""
    if mapping.gyr_unit != "rads" or inference.gyro_factor_alone(raw, None, None) != 1.0:
        return
    with np.errstate(over="ignore", invalid="ignore"):
        rates = np.linalg.norm(raw, axis=1)
    p99 = float(np.percentile(rates[np.isfinite(rates)], 99))
    raise InputFileError(
        display,
        f"gyroscope looks like deg/s, not rad/s as --gyr-unit rads says (99th percentile |rate| = {p99:.3g}, beyond "
        f"{inference.RADS_MAX:g} rad/s no body turns): give --gyr-unit dps",
    )


def _gyr_factor(
    raw: FloatArray, acc_ms2: FloatArray, rate_hz: float, plan: _Plan, mapping: GenericCsvOptions, gravity: str
) -> float:
    """The factor that turns the raw angular rate into deg/s (given, stated by the names, or inferred; a unit given as
    rad/s is checked by the caller first, :func:`_refuse_given_rads`)."""
    assert plan.gyr is not None
    if mapping.gyr_unit is not None:
        return inference.GYR_FACTORS[mapping.gyr_unit]
    units = inference.gyro_units(raw, acc_ms2, rate_hz, names.gyro_unit(plan.gyr.unit), gravity == "removed")
    plan.inferred["inferred_gyr_unit"] = units.evidence
    return units.factor


def _other_gyro(
    plan: _Plan, mapping: GenericCsvOptions, acc: Stream, report: ImportReport, display: str, options: ImportOptions
) -> Stream | None:
    """The angular rate of a block of its own (RealSense: one block per stream), on its own clock,
    its time column found and read as the acceleration block's was."""
    assert plan.gyr is not None and plan.gyr_table is not None
    table = plan.gyr_table
    sub = _Plan(acc=None, gyr=plan.gyr)
    _plan_time(sub, table, GenericCsvOptions(), options, display)
    if sub.time is None and options.rate_hz is None:
        plan.notes.append("the gyroscope block has no time column; it was left out")
        return None
    frame = _read_columns(
        table,
        [*plan.gyr.columns] + ([sub.time] if sub.time and not sub.time_text else []),
        [sub.time] if sub.time and sub.time_text else [],
        report,
    )
    t_s, _, found = _times(sub, frame, GenericCsvOptions(), options, display)
    if "inferred_time_unit" in sub.inferred:
        plan.inferred["inferred_gyr_time_unit"] = sub.inferred["inferred_time_unit"]
    rate_hz = _rate(t_s, display)
    finite = np.isfinite(t_s)
    acc_at = np.column_stack([np.interp(t_s[finite], acc.t_s, acc.xyz[:, i]) for i in range(3)])  # for its unit only
    raw = frame[list(plan.gyr.columns)].to_numpy(dtype=np.float64)
    _refuse_given_rads(raw[finite], mapping, display)  # (EDGE-137)
    with np.errstate(over="ignore", invalid="ignore"):
        raw *= _gyr_factor(raw[finite], acc_at, rate_hz, plan, mapping, "included")
    t, values = clean_rows(t_s, raw, report, "gyr", found=found)
    return Stream(t, values)


FORMAT = ImportFormat(
    name=NAME,
    description="any CSV with a time column (or --rate) and three acceleration axes: delimiter, units, "
    "columns and gravity inferred and written to the header (or mapped: " + MAPPING_FLAGS + ")",
    sniff=sniff,
    read=read,
)
