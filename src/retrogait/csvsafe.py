"""CSV files a spreadsheet can open safely: text cells that would run as formulas are neutralised.

Spreadsheet programs treat a cell starting with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or
carriage return) as a formula, so a subject, sensor or folder name such as ``=HYPERLINK(...)`` copied
verbatim into ``sessions.csv`` would run when the file is opened ("CSV injection"). As OWASP
recommends, such a text cell gets a single quote in front (``'=HYPERLINK(...)``), which spreadsheets
show as text. Numbers are never touched: a number column stays a number, and a text cell that is a
plain number (``-0.24``) is not a formula either.

Every CSV retrogait writes goes through :func:`write_csv` (a DataFrame) or :func:`write_records` (rows
as dicts, without pandas: the batch process writes its small tables with it, BATCH-17); both neutralise
and write atomically, and give the same text for the same rows.
"""

from __future__ import annotations

import csv
import math
import numbers
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

from retrogait.outfiles import replacing, writable_text

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
#: What spreadsheets show as text instead of evaluating it.
TEXT_PREFIX: Final = "'"
#: A cell that is only a decimal number (``-0.24``, ``+1e5``): not a formula, left as it is.
_PLAIN_NUMBER: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading single quote if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return TEXT_PREFIX + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised (:func:`safe_cell`).

    Only text (object/string) columns are looked at, vectorised per column; numbers stay numbers.
    Applying it twice changes nothing more (a neutralised cell starts with a quote).
    """
    import pandas as pd

    out = frame.rename(columns=safe_cell)
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        if _no_formula(column):  # the usual case, from its distinct values (labels: a handful)
            continue
        try:
            text = column.str
        except AttributeError:  # an object column holding no text at all (numbers, None)
            continue
        starts = text.startswith(FORMULA_STARTS, na=False).astype(bool)
        if starts.any():
            risky = starts & ~text.fullmatch(_PLAIN_NUMBER, na=False).astype(bool)
            out.isetitem(position, column.mask(risky, TEXT_PREFIX + column.astype(str)).array)
    return out


#: ``to_csv`` options under which :func:`write_csv` spells float columns itself (see :func:`floats_as_text`).
_PLAIN_OPTIONS: Final = frozenset({"index", "float_format", "na_rep", "header", "lineterminator", "encoding"})


def _no_formula(column: pd.Series) -> bool:
    """True when no cell of ``column`` is text :func:`safe_cell` would change (False when unsure)."""
    import pandas as pd

    try:
        distinct = pd.unique(column)
    except TypeError:  # unhashable cells: the caller looks at every cell
        return False
    return all(safe_cell(value) is value for value in distinct)


def write_csv(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    column_formats: Mapping[str, str] | None = None,
    **to_csv: Any,
) -> Path:
    """Write ``frame`` as CSV with its text cells neutralised, atomically; ``to_csv`` options pass on
    (``index=False`` unless given); ``column_formats``: a ``%`` format for named float columns instead of
    ``float_format`` (times of a long recording: ``%.6g`` writes 3600.12 s to 10 ms). Returns the path."""
    to_csv.setdefault("index", False)
    safe = safe_frame(frame)
    plain = isinstance(to_csv.get("float_format"), str) and set(to_csv) <= _PLAIN_OPTIONS
    if plain and to_csv["index"] is False:
        cells = _plain_cells(safe, to_csv, column_formats or {})
        if cells is not None:  # the text pandas would write, without its per-block formatting (PERF-30)
            terminator = to_csv.get("lineterminator") or os.linesep
            with replacing(path) as tmp, open(tmp, "w", encoding=to_csv.get("encoding") or "utf-8", newline="") as fh:
                writer = csv.writer(fh, lineterminator=terminator)
                if to_csv.get("header", True) is True:
                    writer.writerow([str(name) for name in safe.columns])
                if not _joined_rows(fh, cells, terminator):
                    writer.writerows(zip(*cells, strict=True) if cells else ([] for _ in range(len(safe))))
            return Path(path)
    if column_formats:
        named = [c for c in safe.columns if c in column_formats]
        formatted = {c: floats_as_text(safe[[c]], column_formats[c], to_csv.get("na_rep", ""))[c] for c in named}
        safe = safe.assign(**formatted) if formatted else safe
    if plain:
        safe = floats_as_text(safe, to_csv["float_format"], to_csv.get("na_rep", ""))
    with replacing(path) as tmp:
        safe.to_csv(tmp, **to_csv)
    return Path(path)


#: Characters that make ``csv.writer`` (the default dialect) quote a cell, beside those of the line end; NUL among
#: them, so that a cell holding one is the CSV module's to write however it writes it.
_QUOTED: Final = frozenset(',"\r\n\0')


def _joined_rows(fh: IO[str], cells: list[list[str]], terminator: str) -> bool:
    """Write the rows of ``cells`` (columns of text) to ``fh`` joined by commas, where that is the text ``csv.writer``
    writes, and return True; write nothing and return False where it may not be: a cell holding a character the
    writer quotes (:data:`_QUOTED`, the line end's), or fewer than two columns (a row of one empty cell is ``""``).
    One ``join`` a row instead of the writer's look at every character of every cell (PERF-107)."""
    special = _QUOTED | set(terminator)
    if len(cells) < 2 or any(char in text for text in map("".join, cells) for char in special):
        return False
    rows = len(cells[0])
    for lo in range(0, rows, _ROWS_AT_ONCE):
        part = zip(*(column[lo : lo + _ROWS_AT_ONCE] for column in cells), strict=True)
        fh.write(terminator.join(map(",".join, part)) + terminator)
    return True


#: Rows joined into one text at a time by :func:`_joined_rows` (its memory: ~150 bytes a row of an hour's steps).
_ROWS_AT_ONCE: Final = 1 << 16


def _plain_cells(
    frame: pd.DataFrame, to_csv: Mapping[str, Any], column_formats: Mapping[str, str] | None = None
) -> list[list[str]] | None:
    """Each column of ``frame`` as the text cells ``frame.to_csv(**to_csv)`` writes, or None where a column or
    option is one whose spelling is left to pandas (PERF-30).

    Covered: float64 (``float_format % value``, ``na_rep`` for NaN), int64 and bool (``str``), and object
    columns of text with gaps (None or NaN: ``na_rep``), under one level of plain column names. Anything
    else (dates, categories, nullable dtypes, objects holding numbers, a header given as a list) is None.
    ``column_formats``: a float column of any width named here is spelled with its own format, as
    :func:`write_csv` gives it (PERF-107: the text :func:`floats_as_text` made of it before, without the copies).
    """
    import numpy as np  # here: the batch process writes its tables without numpy (BATCH-17)
    import pandas as pd

    header = to_csv.get("header", True)
    if header is not True or frame.columns.nlevels != 1:
        return None
    float_format: str = to_csv["float_format"]
    na_rep = str(to_csv.get("na_rep", ""))
    named = column_formats or {}
    cells: list[list[str]] = []
    for position, (name, dtype) in enumerate(zip(frame.columns, frame.dtypes, strict=True)):
        column = frame.iloc[:, position]
        if isinstance(dtype, pd.StringDtype):  # pandas' text dtype (what safe_frame gives a neutralised column)
            values = column.to_numpy(dtype=object)  # gaps: NaN or pd.NA, by the dtype's variant
            dtype = values.dtype
        elif isinstance(dtype, np.dtype):
            values = column.to_numpy()
        else:
            return None
        if dtype.kind == "f" and name in named:
            text = float_texts(values.astype(np.float64, copy=False), named[name], na_rep)
        elif dtype.kind == "f" and dtype.itemsize == 8:
            text = float_texts(values, float_format, na_rep)
        elif dtype.kind in "iub":
            text = list(map(str, values.tolist()))
        elif dtype.kind == "O":
            objects = values.tolist()
            if set(map(type, objects)) <= {str}:  # text without gaps: the cells themselves
                text = objects
            elif all(type(value) is str or _gap(value) for value in objects):
                text = [value if type(value) is str else na_rep for value in objects]
            else:
                return None
        else:
            return None
        cells.append(text)
    return cells


def _gap(value: Any) -> bool:
    """A gap in a text column: None, a float NaN (Python's or numpy's) or ``pd.NA``."""
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def floats_as_text(frame: pd.DataFrame, float_format: str, na_rep: str = "") -> pd.DataFrame:
    """A copy of ``frame`` whose float columns are their text as ``to_csv(float_format=..., na_rep=...)``
    writes it: ``float_format % value``, ``na_rep`` for NaN (PERF-15).

    The same text, made by one ``%`` per value over the column's Python floats instead of pandas' formatter
    (a call, a missing-value check and a lambda per value: 0.09 s for an hour's steps.csv, now 0.03 s).
    Applied after :func:`safe_frame`: a number's text is never neutralised.
    """
    import numpy as np  # here: the batch process writes its tables without numpy (BATCH-17)

    out = frame.copy(deep=False)
    for position, dtype in enumerate(frame.dtypes):
        if not (isinstance(dtype, np.dtype) and dtype.kind == "f"):
            continue  # pandas' nullable Float64 (pd.NA) and every other kind: as pandas writes them
        values = frame.iloc[:, position].to_numpy()
        out.isetitem(
            position, np.array(float_texts(values.astype(np.float64, copy=False), float_format, na_rep), dtype=object)
        )
    return out


def float_texts(values: NDArray[np.float64], float_format: str, na_rep: str = "") -> list[str]:
    """The cells of a float64 column (either byte order): ``float_format % value`` per value, ``na_rep`` for NaN
    (PERF-53).

    Each distinct value (by its bits: -0.0 and 0.0 are spelled apart) is formatted once and its text shared by
    the rows that hold it: an hour's steps table repeats its step times, cadences, confidences and empty
    columns over 5,000 rows, and ``%`` costs ~0.2 us a value. The same text as one ``%`` per value.
    """
    import numpy as np  # here: the batch process writes its tables without numpy (BATCH-17)

    if not len(values):
        return []
    values = np.ascontiguousarray(values, dtype=np.float64)  # native order: a ">f8" column's bits read as its own
    distinct, rows = np.unique(values.view(np.int64), return_inverse=True)
    if 2 * distinct.size > len(values):  # mostly distinct: sharing saves less than it costs
        text = [float_format % value for value in values.tolist()]
        for row in np.flatnonzero(np.isnan(values)).tolist():
            text[row] = na_rep
        return text
    numbers = distinct.view(np.float64)
    spelled = [float_format % value for value in numbers.tolist()]
    for k in np.flatnonzero(np.isnan(numbers)).tolist():
        spelled[k] = na_rep
    return [spelled[k] for k in rows.tolist()]


def write_records(
    rows: Sequence[Mapping[str, Any]], path: str | os.PathLike[str], columns: Sequence[str] | None = None
) -> Path:
    """Write rows as CSV, byte for byte what :func:`write_csv` writes for ``pandas.DataFrame(rows,
    columns=columns)``, without importing pandas. Returns the path.

    Values: text, None, booleans, whole numbers within int64 and float64 numbers (Python's or numpy's),
    which is what a batch's summaries hold. Other kinds (float32, ``pd.NA``, dates, integers beyond int64
    beside fractions) are written as their ``str``/``repr``, where pandas may write them differently.

    Columns are ``columns`` or the keys in the order they first appear; a missing key or None is an empty
    cell. Each column is typed as pandas types it: whole numbers stay whole unless the column also holds
    fractions or gaps (then every value is written as a float, ``3.0``); floats are written as Python's
    ``repr`` (the shortest text that reads back the same double, which is what pandas writes).
    """
    names = list(columns) if columns is not None else list(dict.fromkeys(key for row in rows for key in row))
    cells = [_column_text([row.get(name, math.nan) for row in rows]) for name in names]
    with replacing(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator=os.linesep)
        writer.writerow([writable_text(safe_cell(name)) for name in names])
        writer.writerows(zip(*cells, strict=True) if cells else ([] for _ in rows))
    return Path(path)


def _column_text(values: list[Any]) -> list[str]:
    """One column's cells as pandas writes them (an int64, float64, bool or object column)."""
    given = [v for v in values if not _missing(v)]
    if given and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in given):
        if len(given) == len(values) and all(isinstance(v, numbers.Integral) for v in given):
            return [str(int(v)) for v in values]  # int64
        return ["" if _missing(v) else repr(float(v)) for v in values]  # float64: gaps are NaN
    # object, bool, or nothing given; a file name that is not UTF-8 spelt as \xNN (BATCH-18)
    return ["" if _missing(v) else writable_text(str(safe_cell(v))) for v in values]


def _missing(value: Any) -> bool:
    """None or NaN: an empty cell."""
    return value is None or (isinstance(value, numbers.Real) and math.isnan(value))
