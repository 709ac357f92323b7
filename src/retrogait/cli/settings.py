"""``retrogait settings``: the effective analysis settings of a placement, as TOML (docs/analysis.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from retrogait.cli.app import app
from retrogait.conventions import PLACEMENTS


@app.command()
def settings(
    placement: Annotated[
        str | None,
        typer.Option(help=f"Placement preset: {', '.join(PLACEMENTS)} (default: the defaults)."),
    ] = None,
    settings_file: Annotated[
        str | None,
        typer.Option("--settings", help="TOML file of overrides to apply on top of the preset.", show_default=False),
    ] = None,
) -> None:
    """Print every analysis setting (unit, bounds, meaning) as TOML; edit a copy and pass it to
    `retrogait analyze --settings FILE.toml`."""
    from retrogait.analysis.settings import AnalysisSettings
    from retrogait.analysis.settings_toml import read_settings_file, settings_to_toml

    effective = AnalysisSettings.for_placement(placement) if placement is not None else AnalysisSettings()
    if settings_file is not None:
        effective = read_settings_file(settings_file).apply(effective)
    typer.echo(settings_to_toml(effective, preset=placement), nl=False)
