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
from typing import Annotated, Any, TypeVar

import typer

from retrogait.cli.reader_values import build_reader, checked_axis, checked_place

__all__ = ["build_reader", "checked_axis", "checked_place", "reader_options"]

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
