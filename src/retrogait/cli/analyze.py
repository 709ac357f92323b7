"""``retrogait analyze``: every step of a recording to steps.csv, summary.json and an HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from retrogait.cli.app import app
from retrogait.cli.display import safe
from retrogait.cli.reader_options import reader_options

if TYPE_CHECKING:
    from retrogait.imports.base import ReaderOptions


def _fmt(value: Any, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}g}"


def summary_table(summary: dict[str, Any]) -> Table:
    """One screen: per direction, the cadence (60 / mean step time) and the medians of the other metrics."""
    table = Table(
        title=f"{summary['placement']} · {summary['sample_rate_hz']:.0f} Hz · {summary['duration_s']:.0f} s",
        title_justify="left",
    )
    for column in ("direction", "steps", "cadence spm", "contact s", "impact g", "vGRF BW", "flags"):
        table.add_column(column)
    for direction, agg in [*summary["per_direction"].items(), ("all", summary["all"])]:
        if not agg["n_steps"] and direction != "all":
            continue
        flags = ", ".join(f"{k} {v}" for k, v in agg["flagged_steps"].items() if v) or "-"
        table.add_row(
            direction,
            str(agg["n_steps"]),
            _fmt(agg["cadence_spm"]["value"], 4),
            _fmt(agg["contact_time_s"]["median"]),
            _fmt(agg["impact_peak_g"]["median"]),
            _fmt(agg["vgrf_peak_bw"]["median"]),
            flags,
        )
    return table


@app.command()
@reader_options
def analyze(
    input_file: Annotated[
        Path, typer.Argument(help="Recording: session file or any export 'convert' reads.", show_default=False)
    ],
    placement: Annotated[str | None, typer.Option(help="foot, shank, lower_back, wrist or other.")] = None,
    side: Annotated[str | None, typer.Option(help="left or right (foot / shank).")] = None,
    anterior_axis: Annotated[
        str | None, typer.Option("--anterior-axis", help="Sensor axis pointing forward: +x -x +y -y +z -z.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: INPUT name + '_analysis').")] = None,
    *,
    reader: ReaderOptions,
) -> None:
    """Find every step: contacts, cadence, contact time, impact, direction, foot strike."""
    from retrogait.analysis.pipeline import analyze as run_analysis
    from retrogait.analysis.pipeline import load_input, write_outputs

    out_dir = out or input_file.with_name(input_file.stem + "_analysis")
    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task(f"analysing {safe(input_file.name)}", total=2)
        session = load_input(input_file, placement, side, anterior_axis, reader=reader)
        result = run_analysis(session, placement=placement, side=side, anterior_axis=anterior_axis)
        bar.update(task, advance=1, description="writing outputs")
        paths = write_outputs(result, out_dir)
        bar.update(task, advance=1, description="done")
    Console().print(summary_table(result.summary))
    for note in result.summary["notes"]:
        Console().print(f"note: {safe(note)}")
    Console().print(f"wrote {safe(', '.join(str(p) for p in paths.values()))}")
