"""Parse a spreadsheet workbook with python-calamine in a child process whose memory is capped (workbook.py).

Run as ``python _workbook_child.py PATH MAX_BYTES MAX_COLUMNS`` (by file path: the package and pandas are not
imported).
A damaged workbook, or a stray cell far from the others, makes calamine ask for gigabytes for its dense
cell grid, and Rust ends the process on a failed allocation: the cap and the separate process turn that
into a refusal of the file instead of the end of the recording's analysis (IMPORT-16).

Writes to stdout a pickle of ``[(sheet name, rows), ...]``: ``rows`` is ``(header cells, float64 array)``
when every cell below the header is a number or a number's text, else ``(header cells, list of rows)``; for a sheet
wider than MAX_COLUMNS (``limits.MAX_COLUMNS``, as a CSV header) ``(header cells, its width)``: its first row only
(trailing empty cells left out), never its grid, which a damaged cell's column index far to the right makes millions
of empty cells that would cost seconds to hand over and convert (EDGE-294); the parent refuses it where it is read, a
notes sheet beside the sensor sheet is not (IMPORT-31).
Exit status 2 with a one-line message on stderr: calamine refused the file.
"""

from __future__ import annotations

import pickle
import resource
import sys
from typing import Any


def _rows(cells: list[list[Any]]) -> tuple[list[Any], Any]:
    import numpy as np

    header, body = (cells[0], cells[1:]) if cells else ([], [])
    try:
        return header, np.array(body, dtype=np.float64).reshape(len(body), len(header))
    except (ValueError, TypeError):
        return header, body


def _header(sheet: Any) -> list[Any]:
    """A sheet's first row, without its trailing empty cells (a row of calamine's grid: ``iter_rows`` converts only the
    rows taken)."""
    first = list(next(iter(sheet.iter_rows()), []))
    while first and first[-1] in (None, ""):
        first.pop()
    return first


def main() -> None:
    path, max_bytes, max_columns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, resource.getrlimit(resource.RLIMIT_AS)[1]))
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with CalamineWorkbook.from_path(path) as book:
            sheets = []
            for name in book.sheet_names:
                sheet = book.get_sheet_by_name(name)
                if sheet.width > max_columns and hasattr(sheet, "iter_rows"):  # its header row alone: refused where
                    sheets.append((name, (_header(sheet), int(sheet.width))))  # it is read (IMPORT-31)
                    continue
                if sheet.width > max_columns:  # a calamine without iter_rows: the workbook refused (EDGE-294)
                    sys.stderr.write(
                        f"its sheet '{name}' is {sheet.width:,} columns wide; a table has at most {max_columns:,}\n"
                    )
                    sys.exit(2)
                sheets.append((name, _rows(sheet.to_python())))
    except (CalamineError, OSError, ValueError, RuntimeError) as exc:
        sys.stderr.write((str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__) + "\n")
        sys.exit(2)
    pickle.dump(sheets, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()
