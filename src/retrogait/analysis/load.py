"""Reading a recording for analysis, and the names of analyze's output files.

Light on purpose (no scipy): ``retrogait analyze`` reads its input with this while the analysis modules
are imported beside it (docs/decisions.md, PERF-7).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrogait.imports.base import ReaderOptions
    from retrogait.imports.part import Part
    from retrogait.session import Session

#: The files ``analyze`` writes into its output folder.
OUTPUT_FILES = {"steps": "steps.csv", "bouts": "bouts.csv", "summary": "summary.json", "report": "report.html"}


def load_input(
    path: str | os.PathLike[str],
    placement: str | None = None,
    side: str | None = None,
    anterior_axis: str | None = None,
    reader: ReaderOptions | None = None,
    *,
    header_wins: bool = False,
    part_s: Part | None = None,
    max_acc_g: float | None = None,
) -> Session:
    """Read a recording for analysis: a native session file or any export ``retrogait.imports`` knows
    (``reader``: the user's --format, --rate and column mapping). ``header_wins``: placement, side and
    anterior axis fill in only what a session file's header leaves open (batch, compare: EDGE-79); ``part_s``:
    only the part from ``start`` to ``end`` s after the first sample (LONG-2); ``max_acc_g``: a settings file's
    ``[preprocess] max_acc_g`` (g), for the units' check (EDGE-131).

    This is the single place where analysis reads input.
    """
    from retrogait.imports import load_session

    kwargs = reader.load_kwargs() if reader is not None else {}
    return load_session(
        path,
        placement=placement,
        side=side,
        anterior_axis=anterior_axis,
        header_wins=header_wins,
        part_s=part_s,
        max_acc_g=max_acc_g,
        **kwargs,
    )
