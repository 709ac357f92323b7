"""The options every command that reads a recording takes, defined once.

``@reader_options`` under ``@app.command()`` adds ``--format``, ``--rate`` and the column mapping
(``--time-column`` ... ``--delimiter``) to a command and hands them to it as one
``reader: ReaderOptions`` argument. Only Typer is imported here; the importers load when a command
runs.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from retrogait.imports.base import ReaderOptions

Command = TypeVar("Command", bound=Callable[..., Any])

_PANEL = "Reading the recording"
_OPTIONS: dict[str, Any] = {
    "format": Annotated[
        str | None,
        typer.Option("--format", "-f", help="Force a format (see 'retrogait formats').", rich_help_panel=_PANEL),
    ],
    "rate": Annotated[
        float | None,
        typer.Option(
            "--rate",
            help="Sampling rate (Hz): the time base of a table without a time column, else the stated rate.",
            rich_help_panel=_PANEL,
        ),
    ],
    "time_column": Annotated[
        str | None, typer.Option(help="Time column (name or 0-based index).", rich_help_panel=_PANEL)
    ],
    "time_unit": Annotated[
        str | None,
        typer.Option(
            help="s, ms, us, ns, epoch_s, epoch_ms, epoch_us, epoch_ns or datetime (default: inferred).",
            rich_help_panel=_PANEL,
        ),
    ],
    "acc_columns": Annotated[
        str | None, typer.Option(help="Acceleration columns x,y,z (names or 0-based indexes).", rich_help_panel=_PANEL)
    ],
    "acc_unit": Annotated[
        str | None, typer.Option(help="ms2, g or mg (default: inferred from gravity).", rich_help_panel=_PANEL)
    ],
    "gyr_columns": Annotated[str | None, typer.Option(help="Gyroscope columns x,y,z.", rich_help_panel=_PANEL)],
    "gyr_unit": Annotated[str | None, typer.Option(help="dps or rads (default: inferred).", rich_help_panel=_PANEL)],
    "delimiter": Annotated[
        str | None, typer.Option(help="Delimiter: ',', ';', tab or space (default: inferred).", rich_help_panel=_PANEL)
    ],
}


def reader_options(command: Command) -> Command:
    """Give a Typer command the reader options; it receives them as ``reader`` (a ReaderOptions)."""
    signature = inspect.signature(command)  # annotations still text: ``reader``'s type is not imported at run time
    kept = [
        p.replace(annotation=eval(p.annotation, command.__globals__)) if isinstance(p.annotation, str) else p
        for p in signature.parameters.values()
        if p.name != "reader"
    ]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
        for name, annotation in _OPTIONS.items()
    ]

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        given = {name: kwargs.pop(name, None) for name in _OPTIONS}
        return command(*args, reader=build_reader(**given), **kwargs)

    run.__signature__ = signature.replace(parameters=[*kept, *added], return_annotation=None)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in [*kept, *added]}
    return run  # type: ignore[return-value]


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
