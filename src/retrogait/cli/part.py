"""A part of a long recording: `analyze --start S --end S` (LONG-2)."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from retrogait.errors import RetrogaitError

if TYPE_CHECKING:
    from retrogait.session import Session

#: The header key that says which part of the recording was read (s from its start; ``start-end``).
PART_KEY = "import_part_s"


def checked_part(start: float | None, end: float | None) -> tuple[float | None, float | None] | None:
    """``(start, end)`` (s) as given, None when neither is; refused in one line before anything is read when
    not finite, negative or empty."""
    if start is None and end is None:
        return None
    for flag, value in (("--start", start), ("--end", end)):
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise RetrogaitError(f"{flag} must be a time in seconds from the recording's start (>= 0), got {value:g}")
    if start is not None and end is not None and end <= start:
        raise RetrogaitError(f"--end ({end:g} s) must come after --start ({start:g} s)")
    return start, end


def part_of(session: Session, path: Path, start: float | None, end: float | None) -> Session:
    """The samples from ``start`` to ``end`` (s from the first sample), the part noted in the header; a part
    without two samples is refused naming the recording's length."""
    first = float(session.t_s[0]) if session.n_samples else 0.0
    part = session.between(None if start is None else first + start, None if end is None else first + end)
    said = f"{start or 0:g}-{'end' if end is None else f'{end:g}'}"
    if part.n_samples < 2:
        raise RetrogaitError(
            f"{path}: has no samples from {said} s: it lasts {session.duration_s:.1f} s (--start and --end count "
            "from its first sample)"
        )
    # copies, so that the whole recording's arrays are freed once the caller lets go of it: a day of a week
    # is analysed in a day's memory beside nothing more
    part = replace(
        part,
        t_s=part.t_s.copy(),
        acc=part.acc.copy(),
        gyr=None if part.gyr is None else part.gyr.copy(),
        extra={name: values.copy() for name, values in part.extra.items()},
    )
    return part.with_meta(extra={**session.meta.extra, PART_KEY: said})
