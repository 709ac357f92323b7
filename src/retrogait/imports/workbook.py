"""Spreadsheet workbooks (Excel ``.xlsx``/``.xlsm``/``.xls``, OpenDocument ``.ods``) as the tables they hold.

phyphox's default export is an Excel workbook (the first choice of its export dialog): one sheet per export
set (``Accelerometer``, ``Gyroscope``, ``Raw Data``, ...) whose first row is the header its CSV export
writes, then ``Metadata Device`` and ``Metadata Time`` (phyphox-android ``DataExport.ExcelFormat``; a
missing value is the text ``NaN``; older Android versions wrote ``.xls`` through Apache POI). Each sheet is
given to the readers as the CSV export's file would be, named as a zip's members are:
``run.xlsx/Accelerometer.csv``, ``run.xlsx/meta/device.csv``, ``run.xlsx/meta/time.csv``; its values are
the cells' (numbers as stored, not as shown), handed to ``common.read_table`` without a trip through text.

Read by python-calamine (Rust; xlsx, xls, ods; docs/decisions.md IMPORT-15). A zip-based workbook is
checked against the unpacking limits first (``limits``: a decompression bomb is refused before it is read).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from retrogait.errors import InputFileError
from retrogait.imports.limits import MAX_UNPACKED_BYTES, ZIP_ERRORS, bomb_error, unpack_limit

#: File endings of the workbooks read.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: The first bytes of an old binary Office file (``.xls``: an OLE2 compound document).
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: phyphox's metadata sheets and the file names its CSV export gives the same tables.
META_SHEETS = {"metadata device": "meta/device.csv", "metadata time": "meta/time.csv"}
#: Rows of a sheet shown to sniffers as CSV text (the header and the first rows).
HEAD_ROWS = 64


@dataclass(frozen=True)
class Sheet:
    """One sheet as a table: ``frame`` with the header row's texts as column names (float64 columns when
    every cell is a number or a number's text, else object), and ``head`` the header and first rows as
    CSV text (what a sniffer reads)."""

    name: str
    frame: pd.DataFrame = field(repr=False)
    head: bytes = field(repr=False)

    def columns(self, numeric: list[str], text: list[str], display: str) -> pd.DataFrame:
        """The columns ``numeric`` (float64, NaN where a cell is not a number) and ``text`` (str), as
        ``common.read_table`` gives a CSV file's."""
        names = list(self.frame.columns)
        missing = [c for c in [*numeric, *text] if c not in names]
        if missing:
            raise InputFileError(display, f"has no column {missing[0]!r}")
        if len(set(names)) != len(names):
            duplicated = sorted({c for c in names if names.count(c) > 1})
            raise InputFileError(display, f"duplicate column(s): {', '.join(duplicated)}")
        picked = self.frame[[*numeric, *text]]
        out = pd.DataFrame(index=pd.RangeIndex(len(picked)))
        for name in [*numeric, *text]:
            column = picked[name]
            if name in numeric:
                values = column.to_numpy() if column.dtype == np.float64 else pd.to_numeric(column, errors="coerce")
                out[name] = np.asarray(values, dtype=np.float64)
            else:
                out[name] = column.astype(str).to_numpy()
        return out

    def csv_text(self) -> bytes:
        """The whole sheet as CSV text (for a reader that wants a file's bytes)."""
        return str(self.frame.to_csv(index=False, lineterminator="\n")).encode("utf-8")


def is_workbook(path: Path) -> bool:
    """Whether ``path`` is a spreadsheet workbook (by its ending, and by its first bytes or zip members)."""
    if path.suffix.lower() not in WORKBOOK_SUFFIXES or not path.is_file():
        return False
    try:
        with open(path, "rb") as fh:
            magic = fh.read(8)
        if magic == OLE2_MAGIC:
            return True
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except ZIP_ERRORS:
        return False
    return "xl/workbook.xml" in names or "content.xml" in names


def sheet_names(path: Path) -> list[str]:
    """The names of the workbook's sheets, in order ([] when it cannot be read)."""
    try:
        return [sheet.name for sheet in read_sheets(path)]
    except InputFileError:
        return []


def source_name(sheet: str) -> str:
    """The file name the readers see for a sheet: phyphox's metadata sheets as its CSV export names them,
    any other sheet as ``SHEET.csv``."""
    return META_SHEETS.get(sheet.strip().lower(), f"{sheet.strip()}.csv")


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of the workbook ``path`` that has a header row (cached per file state).

    Raises:
        InputFileError: the workbook is damaged, protected, unpacks beyond the limits, or python-calamine
            is not installed.
    """
    try:
        st = path.stat()
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    return list(_read_sheets(str(path), str(path.resolve()), st.st_size, st.st_mtime_ns))


@lru_cache(maxsize=2)  # a file is sniffed, then read: loaded once
def _read_sheets(path: str, resolved: str, size: int, mtime_ns: int) -> tuple[Sheet, ...]:
    try:
        from python_calamine import CalamineError, CalamineWorkbook
    except ImportError:
        raise InputFileError(
            path, "is a spreadsheet workbook: reading one needs python-calamine (pip install python-calamine)"
        ) from None
    _refuse_bomb(Path(path))
    try:
        with CalamineWorkbook.from_path(resolved) as book:
            names = list(book.sheet_names)
            sheets = [_sheet(name, book.get_sheet_by_name(name).to_python()) for name in names]
    except (CalamineError, OSError, ValueError, RuntimeError) as exc:
        problem = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise InputFileError(path, f"is a damaged or protected spreadsheet workbook ({problem})") from None
    return tuple(sheet for sheet in sheets if sheet is not None)


def _refuse_bomb(path: Path) -> None:
    """Refuse a zip-based workbook whose parts unpack beyond the limits (``limits.unpack_limit``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except ZIP_ERRORS:
        return  # an .xls, or a damaged zip calamine names
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    for info in infos:
        if info.file_size > unpack_limit(info.compress_size):
            raise bomb_error(f"{path}/{info.filename}", unpack_limit(info.compress_size))
    if total > min(MAX_UNPACKED_BYTES, unpack_limit(packed)):
        raise bomb_error(str(path), min(MAX_UNPACKED_BYTES, unpack_limit(packed)))


def _sheet(name: str, rows: list[list[Any]]) -> Sheet | None:
    """A sheet's rows as a table under its first row's texts; None for an empty sheet."""
    if not rows or not any(_text(c) for c in rows[0]):
        return None
    header = [_text(c).strip() for c in rows[0]]
    body = rows[1:]
    try:
        values = np.array(body, dtype=np.float64).reshape(len(body), len(header))
        frame = pd.DataFrame(values, columns=header, copy=False)
    except (ValueError, TypeError):  # text in a cell (metadata, a label): as it is, converted when read
        body = [row for row in body if any(_text(c) for c in row)]  # an empty row: a CSV's blank line
        frame = pd.DataFrame([[_cell(c) for c in row] for row in body], columns=header, dtype=object)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_text(c) for c in row] for row in body[:HEAD_ROWS]])
    return Sheet(name, frame, buffer.getvalue().encode("utf-8"))


def _cell(value: Any) -> Any:
    """A cell as a table holds it: numbers as they are, everything else as its text ('' when empty)."""
    if isinstance(value, bool):
        return str(value)
    return value if isinstance(value, int | float) else _text(value)


def _text(value: Any) -> str:
    """A cell's text: a number in its shortest exact form (``repr``), a date or time in ISO form."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
