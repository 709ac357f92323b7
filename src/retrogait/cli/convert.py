"""``retrogait convert``: any supported export -> native session file; ``retrogait formats``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from retrogait.cli.app import app
from retrogait.conventions import PLACEMENTS
from retrogait.errors import RetrogaitError
from retrogait.outfiles import refuse_writing_over_inputs

if TYPE_CHECKING:
    from retrogait.imports import GenericCsvOptions


def _triple(text: str | None, flag: str) -> tuple[str, str, str] | None:
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 3 or not all(parts):
        raise RetrogaitError(f"{flag} needs three comma-separated columns (x,y,z), got {text!r}")
    return parts[0], parts[1], parts[2]


def generic_options(
    time_column: str | None,
    time_unit: str | None,
    acc_columns: str | None,
    acc_unit: str | None,
    gyr_columns: str | None,
    gyr_unit: str | None,
    delimiter: str | None,
) -> GenericCsvOptions | None:
    """The generic CSV mapping from command-line flags, or None when no mapping flag was given."""
    from retrogait.imports import GenericCsvOptions

    given = (time_column, time_unit, acc_columns, acc_unit, gyr_columns, gyr_unit, delimiter)
    if all(v is None for v in given):
        return None
    options = GenericCsvOptions(
        time_column=time_column,
        time_unit=time_unit or "s",
        acc_columns=_triple(acc_columns, "--acc-columns"),
        acc_unit=acc_unit or "ms2",
        gyr_columns=_triple(gyr_columns, "--gyr-columns"),
        gyr_unit=gyr_unit or "dps",
        delimiter="\t" if delimiter in ("tab", "\\t") else delimiter,
    )
    problem = options.problem()
    if problem:
        raise RetrogaitError(problem)
    return options


@app.command()
def convert(
    input: Annotated[Path, typer.Argument(help="Export file, export folder or zip.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Native session file to write (.csv).", show_default=False)],
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="Force a format (see 'retrogait formats').")
    ] = None,
    placement: Annotated[str | None, typer.Option(help=f"{', '.join(PLACEMENTS)}.")] = None,
    side: Annotated[str | None, typer.Option(help="left or right (foot and shank).")] = None,
    sensor: Annotated[str | None, typer.Option(help="Sensor name (default: the device named in the file).")] = None,
    anterior_axis: Annotated[str | None, typer.Option(help="Sensor axis pointing forward: +x -x +y -y +z -z.")] = None,
    vertical_axis: Annotated[str | None, typer.Option(help="Sensor axis pointing up: +x -x +y -y +z -z.")] = None,
    time_column: Annotated[str | None, typer.Option(help="Generic CSV: time column (name or 0-based index).")] = None,
    time_unit: Annotated[
        str | None, typer.Option(help="Generic CSV: s, ms, us, ns, epoch_s, epoch_ms, epoch_us, epoch_ns, datetime.")
    ] = None,
    acc_columns: Annotated[str | None, typer.Option(help="Generic CSV: acceleration columns x,y,z.")] = None,
    acc_unit: Annotated[str | None, typer.Option(help="Generic CSV: ms2, g or mg (gravity included).")] = None,
    gyr_columns: Annotated[str | None, typer.Option(help="Generic CSV: gyroscope columns x,y,z.")] = None,
    gyr_unit: Annotated[str | None, typer.Option(help="Generic CSV: dps or rads.")] = None,
    delimiter: Annotated[str | None, typer.Option(help="Generic CSV: delimiter (',', ';', 'tab').")] = None,
) -> None:
    """Convert an app or logger export into a native retrogait session file."""
    from retrogait.imports import load_recording
    from retrogait.session import write_session

    refuse_writing_over_inputs([out], [input])
    generic = generic_options(time_column, time_unit, acc_columns, acc_unit, gyr_columns, gyr_unit, delimiter)
    result = load_recording(
        input,
        format,
        placement=placement,
        side=side,
        sensor=sensor,
        anterior_axis=anterior_axis,
        vertical_axis=vertical_axis,
        generic=generic,
    )
    write_session(result.session, out)
    s = result.session
    for line in result.report.lines():
        typer.echo(line)
    typer.echo(
        f"wrote {out}: {s.n_samples} samples, {s.duration_s:.2f} s at {s.meta.sample_rate_hz:g} Hz, "
        f"gyroscope {'yes' if s.has_gyro else 'no'}"
    )


@app.command()
def formats() -> None:
    """List the input formats 'retrogait convert' and 'retrogait analyze' read."""
    from rich.console import Console
    from rich.table import Table

    from retrogait.imports import FORMATS

    table = Table(title="supported input formats", title_justify="left")
    table.add_column("name")
    table.add_column("what it reads", overflow="fold")
    for fmt in FORMATS:
        table.add_row(fmt.name, fmt.description)
    Console().print(table)
