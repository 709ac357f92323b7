"""``retrogait convert``: any supported export -> native session file; ``retrogait formats``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from retrogait.cli.app import app
from retrogait.cli.display import safe
from retrogait.cli.part import checked_part
from retrogait.cli.reader_options import checked_axis, checked_place, reader_options
from retrogait.conventions import PLACEMENTS
from retrogait.outfiles import refuse_replacing_a_recording, refuse_writing_over_inputs

if TYPE_CHECKING:
    from retrogait.imports.base import ReaderOptions


@app.command()
@reader_options
def convert(
    input: Annotated[Path, typer.Argument(help="Export file, export folder or zip.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Native session file to write (.csv).", show_default=False)],
    placement: Annotated[str | None, typer.Option(help=f"{', '.join(PLACEMENTS)}.")] = None,
    side: Annotated[str | None, typer.Option(help="left or right (foot and shank).")] = None,
    sensor: Annotated[str | None, typer.Option(help="Sensor name (default: the device named in the file).")] = None,
    anterior_axis: Annotated[str | None, typer.Option(help="Sensor axis pointing forward: +x -x +y -y +z -z.")] = None,
    vertical_axis: Annotated[str | None, typer.Option(help="Sensor axis pointing up: +x -x +y -y +z -z.")] = None,
    start: Annotated[
        float | None, typer.Option("--start", help="Write from this time on (s from the recording's start).")
    ] = None,
    end: Annotated[float | None, typer.Option("--end", help="Write up to this time (s from its start).")] = None,
    *,
    reader: ReaderOptions,
) -> None:
    """Convert an app or logger export into a native retrogait session file."""
    from retrogait.imports import load_recording
    from retrogait.session import write_session
    from retrogait.summary import gyro_text

    placement, side = checked_place(placement, side)  # before the export is read (EDGE-75)
    anterior_axis = checked_axis(anterior_axis, "--anterior-axis")
    vertical_axis = checked_axis(vertical_axis, "--vertical-axis")
    part = checked_part(start, end)  # a part of a long recording, e.g. one day of a week (LONG-2)
    refuse_writing_over_inputs([out], [input])
    refuse_replacing_a_recording(out, remade_by="convert")  # EDGE-4
    result = load_recording(
        input,
        placement=placement,
        side=side,
        sensor=sensor,
        anterior_axis=anterior_axis,
        vertical_axis=vertical_axis,
        part_s=part,
        **reader.load_kwargs(),
    )
    # the same export converted again may replace its earlier conversion, another export may not (EDGE-4)
    refuse_replacing_a_recording(out, remade_by="convert", source=result.session.meta.extra.get("import_source"))
    s = result.session
    write_session(s, out)
    for line in result.report.lines():  # names from the file system or the file: shown, not obeyed (EDGE-72)
        typer.echo(safe(line, markup=False))
    for key, value in s.meta.extra.items():
        if key.startswith("inferred_"):
            typer.echo(safe(f"{key}: {value}", markup=False))
    typer.echo(
        safe(f"wrote {out}", markup=False) + f": {s.n_samples} samples, {s.duration_s:.2f} s at "
        f"{s.meta.sample_rate_hz:g} Hz, gyroscope {gyro_text(s)}, gravity {s.meta.acc_gravity or 'included'}"
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
