"""``retrogait analyze``'s options declared for Typer: their names, types, defaults and help. The command itself is
``cli.analyze.analyze``; a plain command line reaches it without Typer (``cli.analyze_line``, PERF-88), whose table of
these options a test keeps in step with this declaration (tests/test_analyze_line.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from retrogait.cli import analyze as command
from retrogait.cli.app import app
from retrogait.cli.reader_options import reader_options
from retrogait.conventions import PLACEMENTS

if TYPE_CHECKING:
    from retrogait.imports.base import ReaderOptions


@app.command()
@reader_options
def analyze(
    input_file: Annotated[
        Path, typer.Argument(help="Recording: session file or any export 'convert' reads.", show_default=False)
    ],
    placement: Annotated[str | None, typer.Option(help=f"{', '.join(PLACEMENTS)}.")] = None,
    side: Annotated[str | None, typer.Option(help="left or right (foot / shank).")] = None,
    anterior_axis: Annotated[
        str | None, typer.Option("--anterior-axis", help="Sensor axis pointing forward: +x -x +y -y +z -z.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder (default: INPUT name + '_analysis').")
    ] = None,
    settings_file: Annotated[
        Path | None,
        typer.Option(
            "--settings",
            help="TOML file overriding analysis settings of the placement's preset (see `retrogait settings`).",
            show_default=False,
        ),
    ] = None,
    report: Annotated[
        bool, typer.Option("--report/--no-report", help="Also write report.html (--no-report: tables only).")
    ] = True,
    start: Annotated[
        float | None,
        typer.Option("--start", help="Analyse from this time on (s from the recording's start; a long one's part)."),
    ] = None,
    end: Annotated[float | None, typer.Option("--end", help="Analyse up to this time (s from its start).")] = None,
    part_hours: Annotated[
        float | None,
        typer.Option(
            "--part-hours",
            help="Analyse in parts of this many hours joined into one result (done by itself for a GENEActiv .bin "
            "too long for the memory; this forces it, e.g. to check the join).",
            show_default=False,
        ),
    ] = None,
    *,
    reader: ReaderOptions,
) -> None:
    """Find every step: contacts, cadence, contact time, impact, direction, foot strike."""
    command.analyze(
        input_file,
        placement,
        side,
        anterior_axis,
        out,
        settings_file,
        report,
        start,
        end,
        part_hours,
        reader=reader,
    )
