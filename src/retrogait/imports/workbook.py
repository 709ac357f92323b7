"""Spreadsheet workbooks (Excel ``.xlsx``/``.xlsm``/``.xls``, OpenDocument ``.ods``) as the tables they hold.

phyphox's default export is an Excel workbook (the first choice of its export dialog): one sheet per export
set (``Accelerometer``, ``Gyroscope``, ``Raw Data``, ...) whose first row is the header its CSV export
writes, then ``Metadata Device`` and ``Metadata Time`` (phyphox-android ``DataExport.ExcelFormat``; a
missing value is the text ``NaN``; older Android versions wrote ``.xls`` through Apache POI). Each sheet is
given to the readers as the CSV export's file would be, named as a zip's members are:
``run.xlsx/Accelerometer.csv``, ``run.xlsx/meta/device.csv``, ``run.xlsx/meta/time.csv``; its values are
the cells' (numbers as stored, not as shown), handed to ``common.read_table`` without a trip through text.

Read by python-calamine (Rust; xlsx, xls, ods; docs/decisions.md IMPORT-15) in a child process whose
memory is capped (``_workbook_child.py``, IMPORT-16): a damaged workbook can make calamine ask for gigabytes,
and Rust ends a process whose allocation fails. A zip-based workbook is checked against the unpacking
limits first (``limits``: a decompression bomb is refused before it is read).
"""

from __future__ import annotations

import csv
import io
import os
import pickle
import signal
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from retrogait.errors import InputFileError
from retrogait.imports.limits import MAX_COLUMNS, MAX_UNPACKED_BYTES, ZIP_ERRORS, bomb_error, unpack_limit
from retrogait.imports.ole2 import DamagedCompoundFile, check_compound_file

#: File endings of the workbooks read.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: The first bytes of an old binary Office file (``.xls``: an OLE2 compound document).
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: phyphox's metadata sheets and the file names its CSV export gives the same tables.
META_SHEETS = {"metadata device": "meta/device.csv", "metadata time": "meta/time.csv"}
#: Rows of a sheet shown to sniffers as CSV text (the header and the first rows).
HEAD_ROWS = 64
#: The child parsing a workbook may take this much address space, plus PARSE_MEMORY_PER_BYTE per byte of
#: the file (IMPORT-16; 10 min of phyphox at 500 Hz, 20.6 MB, parses in 142 MB resident).
PARSE_MEMORY_FLOOR_BYTES = 2 * 1024**3
PARSE_MEMORY_PER_BYTE = 40
#: ... and this long (s), plus PARSE_SECONDS_PER_MB per MB of the file (that file: 3.4 s of CPU here).
PARSE_TIMEOUT_FLOOR_S = 60.0
PARSE_SECONDS_PER_MB = 5.0


@dataclass(frozen=True)
class Sheet:
    """One sheet as a table: ``frame`` with the header row's texts as column names (float64 columns when
    every cell is a number or a number's text, else object), and ``head`` the header and first rows as
    CSV text (what a sniffer reads). ``width``: a sheet wider than a table (``limits.MAX_COLUMNS``), its header
    row only (``frame`` has no rows): refused where it is read (:meth:`too_wide`), left alone where another sheet
    is (IMPORT-31); ``book``: the workbook's path, as its refusal names it."""

    name: str
    frame: pd.DataFrame = field(repr=False)
    head: bytes = field(repr=False)
    width: int | None = None
    book: str = ""

    def too_wide(self) -> InputFileError:
        """The refusal of reading this sheet where it is wider than a table (a damaged cell's index, EDGE-294)."""
        return InputFileError(
            self.book,
            f"is a damaged or protected spreadsheet workbook (its sheet '{self.name}' is {self.width or 0:,} columns "
            f"wide; a table has at most {MAX_COLUMNS:,})",
        )

    def columns(self, numeric: list[str], text: list[str], display: str) -> pd.DataFrame:
        """The columns ``numeric`` (float64, NaN where a cell is not a number) and ``text`` (str), as
        ``common.read_table`` gives a CSV file's."""
        if self.width is not None:
            raise self.too_wide()
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
        if self.width is not None:
            raise self.too_wide()
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
    sheets = _read_sheets(str(path), str(path.resolve()), st.st_size, st.st_mtime_ns)
    if isinstance(sheets, InputFileError):
        raise sheets.with_traceback(None)
    return list(sheets)


@lru_cache(maxsize=2)  # a file is sniffed, then read: parsed once
def _read_sheets(path: str, resolved: str, size: int, mtime_ns: int) -> tuple[Sheet, ...] | InputFileError:
    """The sheets of the workbook, or its refusal: kept as well, so that every reader's sniff does not parse a
    refused file again (7 parses of a damaged .xls, EDGE-294)."""
    try:
        return _sheets_of(path, resolved, size)
    except _NotKept:
        raise  # a parse cut short from outside: the next read of the file tries again
    except InputFileError as exc:
        return exc


class _NotKept(InputFileError):
    """A workbook's parse ended by time or by a signal from outside (load, a killed child): not a fact about the file,
    so not kept with its state as a refusal is."""


def _sheets_of(path: str, resolved: str, size: int) -> tuple[Sheet, ...]:
    """:func:`_read_sheets`' work: the checks, the child's parse, the sheets with a header."""
    try:
        import python_calamine  # noqa: F401  (the child parses; a missing library is said here, in one line)
    except ImportError:
        raise InputFileError(
            path, "is a spreadsheet workbook: reading one needs python-calamine (pip install python-calamine)"
        ) from None
    _refuse_bomb(Path(path))
    _refuse_damaged_compound_file(Path(path))
    sheets = [_sheet(name, header, body, path) for name, (header, body) in _parsed(path, resolved, size)]
    return tuple(sheet for sheet in sheets if sheet is not None)


def parse_memory_bytes(size: int) -> int:
    """The most address space the child parsing a workbook of ``size`` bytes may take."""
    return PARSE_MEMORY_FLOOR_BYTES + PARSE_MEMORY_PER_BYTE * size


def _parsed(path: str, resolved: str, size: int) -> list[tuple[str, tuple[list[Any], Any]]]:
    """The sheets as ``_workbook_child`` parses them, in a child process with its memory capped (IMPORT-16)."""
    limit = parse_memory_bytes(size)
    timeout_s = PARSE_TIMEOUT_FLOOR_S + PARSE_SECONDS_PER_MB * size / 1e6
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    try:
        done = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("_workbook_child.py")),
                resolved,
                str(limit),
                str(MAX_COLUMNS),
            ],
            capture_output=True,
            timeout=timeout_s,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise _NotKept(path, f"is a spreadsheet workbook that was not read within {timeout_s:.0f} s") from None
    if done.returncode in (-signal.SIGKILL, -signal.SIGTERM):  # killed from outside, not the cap's abort
        raise _NotKept(path, "is a spreadsheet workbook whose reading was stopped from outside; try again")
    if done.returncode == 2:
        problem = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["unreadable"]
        raise InputFileError(path, f"is a damaged or protected spreadsheet workbook ({problem[0]})")
    if done.returncode != 0:  # the cap reached (Rust aborts on a failed allocation), or killed
        raise InputFileError(
            path,
            f"is a damaged spreadsheet workbook: reading it took more than {limit / 1024**3:.1f} GiB "
            "(a cell far from the others, or a broken file); save its sensor sheet as CSV",
        )
    try:
        parsed: list[tuple[str, tuple[list[Any], Any]]] = pickle.loads(done.stdout)  # our own child's output
    except (pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise InputFileError(path, f"is a spreadsheet workbook that could not be read ({exc})") from None
    return parsed


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


def _refuse_damaged_compound_file(path: Path) -> None:
    """Refuse an ``.xls`` (an OLE2 compound file) whose chains of sectors loop, leave the file or hold less than its
    workbook stream's size, before calamine follows them into gigabytes (``ole2``, EDGE-283)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(len(OLE2_MAGIC)) != OLE2_MAGIC:
                return
            data = OLE2_MAGIC + fh.read()
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        check_compound_file(data)
    except DamagedCompoundFile as exc:
        problem = f"is a damaged spreadsheet workbook (.xls: {exc}); save its sensor sheet as CSV"
        raise InputFileError(path, problem) from None


def _sheet(name: str, header_cells: list[Any], body: Any, book: str) -> Sheet | None:
    """A sheet of the workbook ``book`` as a table under its first row's texts (``body``: a float64 array, the rows
    below the header as cells, or the width of a sheet too wide to be handed over); None for an empty sheet."""
    if not any(_text(c) for c in header_cells):
        return None
    header = [_text(c).strip() for c in header_cells]
    if isinstance(body, int):  # wider than a table: its header for the sniffers, refused if read (IMPORT-31)
        line = io.StringIO()
        csv.writer(line, lineterminator="\n").writerow(header)
        return Sheet(name, pd.DataFrame(columns=header), line.getvalue().encode("utf-8"), width=body, book=book)
    if isinstance(body, np.ndarray):
        frame = pd.DataFrame(body, columns=header, copy=False)
        shown: list[list[Any]] = body[:HEAD_ROWS].tolist()
    else:  # text in a cell (metadata, a label): as it is, converted when read
        body = [row for row in body if any(_text(c) for c in row)]  # an empty row: a CSV's blank line
        frame = pd.DataFrame([[_cell(c) for c in row] for row in body], columns=header, dtype=object)
        shown = body[:HEAD_ROWS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_text(c) for c in row] for row in shown])
    return Sheet(name, frame, buffer.getvalue().encode("utf-8"), book=book)


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
