"""A part of a long recording: `analyze --start S --end S` (LONG-2)."""

from __future__ import annotations

import math

from retrogait.errors import RetrogaitError
from retrogait.imports.part import Part


def checked_part(start: float | None, end: float | None) -> Part | None:
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


def checked_part_hours(part_hours: float | None, part: Part | None) -> float | None:
    """``--part-hours`` as seconds (None when not given); refused in one line before anything is read when not a
    finite length of at least ``parts.MIN_PART_S`` or given with ``--start``/``--end`` (it analyses the whole)."""
    if part_hours is None:
        return None
    from retrogait.analysis.part_plan import MIN_PART_S

    if not (math.isfinite(part_hours) and part_hours * 3600.0 >= MIN_PART_S):
        raise RetrogaitError(f"--part-hours must be at least {MIN_PART_S / 3600.0:.3g} h, got {part_hours:g}")
    if part is not None:
        raise RetrogaitError("--part-hours analyses the whole recording in parts: not with --start/--end")
    return round(part_hours * 3600.0, 6)
