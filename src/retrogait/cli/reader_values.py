"""The reader options' values checked and made into one ``ReaderOptions`` (no Typer here: ``analyze``'s plain command
line reaches them without it, PERF-88); ``cli.reader_options`` declares the options for Typer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrogait.imports.base import ReaderOptions


def checked_place(placement: str | None, side: str | None) -> tuple[str | None, str | None]:
    """``--placement`` and ``--side`` as the names retrogait uses (any case; ``lower-back``; ``L``), checked
    before any file is read: a word for a placement is answered with it (EDGE-75)."""
    from retrogait.conventions import placement_named, side_named
    from retrogait.errors import RetrogaitError

    try:
        return (
            placement_named(placement) if placement is not None else None,
            side_named(side) if side is not None else None,
        )
    except ValueError as exc:
        raise RetrogaitError(str(exc)) from None


def checked_axis(axis: str | None, flag: str) -> str | None:
    """A sensor axis option (``--anterior-axis``, ``--vertical-axis``) as retrogait names it (``+x``; any
    case; ``x`` for ``+x``), checked before any file is read (EDGE-75)."""
    from retrogait.conventions import axis_named
    from retrogait.errors import RetrogaitError

    try:
        return axis_named(axis, flag) if axis is not None else None
    except ValueError as exc:
        raise RetrogaitError(str(exc)) from None


def _triple(text: str | None, flag: str) -> tuple[str, str, str] | None:
    from retrogait.errors import RetrogaitError

    if text is None:
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 3 or not all(parts):
        raise RetrogaitError(f"{flag} needs three comma-separated columns (x,y,z), got {text!r}")
    return parts[0], parts[1], parts[2]


def build_reader(
    format: str | None = None,
    rate: float | None = None,
    time_column: str | None = None,
    time_unit: str | None = None,
    acc_columns: str | None = None,
    acc_unit: str | None = None,
    gyr_columns: str | None = None,
    gyr_unit: str | None = None,
    delimiter: str | None = None,
) -> ReaderOptions:
    """The reader options from the command-line values (checked: a bad one is one line, exit 2)."""
    from retrogait.errors import RetrogaitError
    from retrogait.imports.base import GenericCsvOptions, ReaderOptions

    words = {"\\t": "tab", "\t": "tab", " ": "space", r"\s+": "space"}
    mapping = GenericCsvOptions(
        time_column=time_column,
        time_unit=time_unit,
        acc_columns=_triple(acc_columns, "--acc-columns"),
        acc_unit=acc_unit,
        gyr_columns=_triple(gyr_columns, "--gyr-columns"),
        gyr_unit=gyr_unit,
        delimiter=words.get(delimiter, delimiter) if delimiter is not None else None,
    )
    reader = ReaderOptions(format=format, rate_hz=rate, mapping=mapping if mapping.given else None)
    problem = reader.problem()
    if problem:
        raise RetrogaitError(problem)
    return reader
