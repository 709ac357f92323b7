"""Numbers written with thousands separators (``"1,659,731,173,153"``): a spreadsheet's number format saved to CSV
(LibreOffice, Numbers, Google Sheets) quotes them. The readers do not read them (EDGE-288); a refusal of such a file
says so, instead of the words of the reader that met text where a number belongs.

Only a grouping that cannot be a decimal mark is taken as one: two or more groups of three digits
(``"1,234,567"``, ``"1.234.567"``), or groups followed by the other mark's decimals (``"1,234.5"``, ``"1.234,5"``).
``"1,234"`` alone is 1.234 in a decimal-comma file (EDGE-164): never taken.
"""

from __future__ import annotations

import re
from pathlib import Path

#: A quoted number grouped by ``,`` or ``.`` that no decimal mark could make.
_GROUPED = re.compile(rb'"[+-]?\d{1,3}(?:(?:,\d{3}){2,}(?:\.\d+)?|,\d{3}\.\d+|(?:\.\d{3}){2,}(?:,\d+)?|\.\d{3},\d+)"')
#: Bytes of a file looked at (the header and the first rows).
HEAD_BYTES = 65536


def grouped_number(path: Path) -> str | None:
    """The first quoted number with thousands separators in ``path``'s first :data:`HEAD_BYTES` (its text, quotes
    included), or None (none, or the file cannot be read: the refusal it had stands)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return None
    found = _GROUPED.search(head)
    return found.group(0).decode("ascii") if found else None


def grouped_words(found: str) -> str:
    """The refusal's words for a file whose numbers are written as ``found``."""
    return (
        f"writes its numbers with thousands separators ({found}: a spreadsheet's number format saved as text), "
        "which are not read; save it again with the numbers' format General (no separators)"
    )
