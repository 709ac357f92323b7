"""A part of a long recording (LONG-2): the samples from ``start`` to ``end`` seconds after its first one."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from retrogait.recording_part import PART_KEY, EmptyPart, NotInTimeOrder, Part, empty_part, part_text

if TYPE_CHECKING:
    from retrogait.session import Session

__all__ = ["PART_KEY", "EmptyPart", "NotInTimeOrder", "Part", "empty_part", "part_of", "part_text"]


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
