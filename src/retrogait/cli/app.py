"""The ``retrogait`` Typer application object that every command module registers on.

Why Typer: commands are plain typed functions (the same signature a notebook user would call),
help pages are generated from them and rendered by rich, and it sits on click, the most used
Python CLI library. See docs/decisions.md.
"""

from __future__ import annotations

from typing import Any

import typer
import typer.core

from retrogait.cli.coercion import install

install()  # option values without pydantic where Typer's outcome is known (PERF-17)


class _HelpAsClickWrites:
    """Help written as click writes it, whatever Typer's release renders (EDGE-190): a flag takes no value, so its
    help row shows none (Typer 0.29 writes ``--report --no-report <bool>``, read as ``--report true``), and an
    argument is its name in capitals in the usage line (0.29 writes ``{input_file}``, read as a set of choices).
    Uses only click's public ``Command`` API (``get_params``, ``collect_usage_pieces``, a parameter's ``metavar``),
    which Typer before 0.29 renders the same way unasked."""

    options_metavar: str | None

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, each flag (``--help`` too) with an empty metavar: no value shown beside it."""
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
        return params

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``[OPTIONS]`` then each argument as ``NAME``, ``[NAME]`` when optional, ``...`` after one that takes
        several; a group keeps its own (``COMMAND [ARGS]...``)."""
        pieces: list[str] = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        arguments = [p for p in self.get_params(ctx) if p.param_type_name == "argument"]
        if not arguments:
            return pieces
        own = [self.options_metavar] if self.options_metavar else []
        for argument in arguments:
            name = (argument.metavar or argument.name or "").upper()
            own.append((name if argument.required else f"[{name}]") + ("..." if argument.nargs != 1 else ""))
        return own


class Command(_HelpAsClickWrites, typer.core.TyperCommand):
    """Every retrogait command (:class:`App` makes it the default)."""


class Group(_HelpAsClickWrites, typer.core.TyperGroup):
    """``retrogait`` itself: its ``--version`` and ``--help`` rows without a metavar."""


class App(typer.Typer):
    """A Typer app whose commands are :class:`Command` unless one names its own class."""

    def command(self, *args: Any, cls: Any = None, **kwargs: Any) -> Any:
        """Typer's ``command``, its class :class:`Command` unless ``cls`` names one."""
        return super().command(*args, cls=cls or Command, **kwargs)


app = App(
    cls=Group,
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
