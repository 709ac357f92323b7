"""A steps table cut off (a copy interrupted, a disk full while it was written): named, never read as if
whole (EDGE-35). `retrogait analyze` ends every row of steps.csv with a line end and counts its rows in
summary.json (``all.n_steps``), so a cut shows as a last line without one or as fewer rows than counted."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from retrogait.errors import InputFileError

#: What to do about a cut steps table.
_REMEDY = "copy it again, or run `retrogait analyze` on the recording again"


def refuse_cut_last_row(path: Path, raw: bytes, separator: str = ",") -> None:
    """Raise :class:`InputFileError` when the table in ``raw`` (the bytes of ``path``, fields separated by
    ``separator``) ends in a row with fewer fields than its header and no line end (cut in the middle of a
    row), or holds no whole header line."""
    if not raw.strip() or raw.endswith((b"\n", b"\r")):
        return
    text = raw.decode("utf-8", errors="replace")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if len(lines) < 2:
        raise InputFileError(
            path, f"is cut off in its header line (no line end after {len(text)} characters): {_REMEDY}"
        )
    header, last = (next(csv.reader(io.StringIO(line), delimiter=separator)) for line in (lines[0], lines[-1]))
    if len(last) < len(header):
        raise InputFileError(
            path,
            f"its last row (line {len(text.splitlines())}) is cut off: {len(last)} of {len(header)} fields and no "
            f"line end (the file was cut while copied or written): {_REMEDY}",
        )


def refuse_missing_rows(path: Path, n_rows: int, summary: dict[str, Any]) -> None:
    """Raise :class:`InputFileError` when ``path`` (an analysis folder's steps.csv) holds fewer or more rows
    than its ``summary.json`` counts (``all.n_steps``): cut off at a line end, or rows removed or added."""
    counted = summary.get("all", {}).get("n_steps") if isinstance(summary.get("all"), dict) else None
    if not isinstance(counted, int) or isinstance(counted, bool) or counted == n_rows:
        return
    raise InputFileError(
        path,
        f"holds {n_rows} steps but summary.json beside it counts {counted} (cut off while copied, or rows "
        f"removed or added since `retrogait analyze` wrote it): {_REMEDY}; to compare an edited table as it "
        "is, save it under another name",
    )
