"""``retrogait info``: a one-screen summary of native session files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from retrogait.cli.app import app


@app.command()
def info(
    files: Annotated[list[Path], typer.Argument(help="Native session files (.csv).", show_default=False)],
) -> None:
    """Summarise native session files: placement, duration, rate, gaps, gravity, clipping.

    A file that cannot be read gets one error line; the others are still summarised.
    """
    from rich.console import Console
    from rich.table import Table

    from retrogait.errors import RetrogaitError
    from retrogait.session import read_session
    from retrogait.summary import session_overview

    table = Table(title="retrogait sessions", title_justify="left")
    for column in (
        "file",
        "placement",
        "side",
        "sensor",
        "duration",
        "rate",
        "gyro",
        "gaps",
        "|acc| median",
        "clipped",
    ):
        table.add_column(column, overflow="fold", no_wrap=column == "file")
    problems = []
    for path in files:
        try:
            o = session_overview(read_session(path))
        except RetrogaitError as exc:
            problems.append(str(exc))
            continue
        table.add_row(
            path.name,
            o.placement,
            o.side or "-",
            o.sensor or "-",
            f"{o.duration_s:.1f} s",
            f"{o.measured_rate_hz:.1f} Hz",
            "yes" if o.has_gyro else "no",
            f"{o.n_gaps} ({o.gap_total_s:.2f} s)" if o.n_gaps else "0",
            f"{o.median_acc_norm_ms2:.2f} m/s²",
            f"{100 * o.clipped_fraction:.2f} %" if o.clipped_fraction is not None else "range unknown",
        )
    if table.row_count:
        Console().print(table)
    for problem in problems:
        typer.echo(f"retrogait: error: {problem}", err=True)
    if problems:
        raise typer.Exit(2)
