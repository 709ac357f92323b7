"""The ``retrogait`` Typer application object that every command module registers on.

Why Typer: commands are plain typed functions (the same signature a notebook user would call),
help pages are generated from them and rendered by rich, and it sits on click, the most used
Python CLI library. See docs/decisions.md.
"""

from __future__ import annotations

import typer

from retrogait.cli.coercion import install

install()  # option values without pydantic where Typer's outcome is known (PERF-17)

app = typer.Typer(
    name="retrogait",
    help=(
        "A wearable-IMU gait lab for forward and backward running: record from BLE sensors, import app "
        "exports, find every step, its direction, foot strike and impact, and compare run directions."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        from retrogait import __version__

        typer.echo(f"retrogait {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Show the version and exit.", is_eager=True, callback=_show_version
    ),
) -> None:
    """A wearable-IMU gait lab for forward and backward running."""
