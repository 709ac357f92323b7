"""A part of a long recording (LONG-2): the samples from ``start`` to ``end`` seconds after its first one."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from retrogait.errors import RetrogaitError

if TYPE_CHECKING:
    from retrogait.session import Session

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


def part_of(session: Session, display: str, part: Part) -> Session:
    """The samples from ``start`` to ``end`` (s after the first sample), with copies of their
    arrays (the whole recording's are freed once the caller lets go of it: a day of a week is analysed in a day's
    memory) and the part in the header; a part without two samples is refused naming the recording's length."""
    start, end = part
    first = float(session.t_s[0]) if session.n_samples else 0.0
    cut = session.between(None if start is None else first + start, None if end is None else first + end)
    if cut.n_samples < 2:
        raise empty_part(display, part, session.duration_s, first)
    cut = replace(
        cut,
        t_s=cut.t_s.copy(),
        acc=cut.acc.copy(),
        gyr=None if cut.gyr is None else cut.gyr.copy(),
        extra={name: values.copy() for name, values in cut.extra.items()},
    )
    return cut.with_meta(extra={**session.meta.extra, PART_KEY: part_text(part)})
