"""A part of a recording's time line (LONG-2, LONG-4, LONG-6): ``(start, end)`` s from its first sample, how the
header names it, and the refusals of a part without samples or of rows out of time order. Below the session file's
reader and the importers, which both read parts (``imports.part.part_of`` cuts one from a whole session)."""

from __future__ import annotations

from retrogait.errors import RetrogaitError

#: The header key that says which part of the recording was read (s from its first sample; ``start-end``).
PART_KEY = "import_part_s"

#: (start, end) s from a recording's first sample; None: from its first, or to its last.
Part = tuple[float | None, float | None]


def part_text(part: Part) -> str:
    """``start-end`` (``end`` where open), as the header says it."""
    start, end = part
    return f"{start or 0:g}-{'end' if end is None else f'{end:g}'}"


class EmptyPart(RetrogaitError):
    """A part that holds fewer than two samples of the recording; ``lasts_s``: the recording's length (s from its
    first sample to its last), where the reader knows it (analysing in parts skips a part inside a gap, LONG-4);
    ``first_s``: the time (s) of its first sample on the time line of the parts the reader gives, where it knows it
    (a first part with one stray sample before a gap of days is then skipped too, EDGE-116)."""

    def __init__(self, message: str, lasts_s: float | None, first_s: float | None = None) -> None:
        super().__init__(message)
        self.lasts_s = lasts_s
        self.first_s = first_s


class NotInTimeOrder(RetrogaitError):
    """A text table whose rows are not in time order: its parts cannot be found by their time (LONG-6); it is read
    whole where it fits, else refused with this line."""


def empty_part(display: str, part: Part, lasts_s: float | None = None, first_s: float | None = None) -> EmptyPart:
    """The one-line refusal of a part that holds fewer than two samples of the recording (``lasts_s`` s long; its
    first sample at ``first_s`` s)."""
    lasts = "" if lasts_s is None else f": it lasts {lasts_s:.1f} s (--start and --end count from its first sample)"
    return EmptyPart(f"{display}: has no samples from {part_text(part)} s{lasts}", lasts_s, first_s)
