"""CSV files a spreadsheet can open safely: text cells that would run as formulas are neutralised.

Spreadsheet programs treat a cell starting with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or
carriage return) as a formula, so a subject, sensor or folder name such as ``=HYPERLINK(...)`` copied
verbatim into ``sessions.csv`` would run when the file is opened ("CSV injection"). As OWASP
recommends, such a text cell gets a single quote in front (``'=HYPERLINK(...)``), which spreadsheets
show as text. Numbers are never touched: a number column stays a number, and a text cell that is a
plain number (``-0.24``) is not a formula either.

Every CSV retrogait writes goes through :func:`write_csv` (neutralised, written atomically).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Final

import pandas as pd

from retrogait.outfiles import replacing

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
    out = frame.rename(columns=safe_cell)
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
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


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str], **to_csv: Any) -> Path:
    """Write ``frame`` as CSV with its text cells neutralised, atomically; ``to_csv`` options pass on
    (``index=False`` unless given). Returns the path."""
    to_csv.setdefault("index", False)
    with replacing(path) as tmp:
        safe_frame(frame).to_csv(tmp, **to_csv)
    return Path(path)
