"""``retrogait analyze FILE [options]`` read without Typer or click, where the command line is a plain one (PERF-88).

Typer, its click and the command's registration cost an hour's ``analyze`` ~35-45 ms of the main thread's CPU before
the recording is opened (PERF-87). :func:`plain_analyze` reads a command line made only of what it knows exactly as
Typer reads it: one recording (the argument), options that take a text or a path (``--out DIR``, ``--out=DIR``,
``-o DIR``, ``--placement shank`` ...; given twice, the last one counts, as click keeps it), and the flags
``--report`` / ``--no-report`` (the last one counts). Anything else is Typer's, which then reads the whole line itself,
so every help text, usage error and its status stay Typer's own: ``--help`` / ``-h``, an option it does not know or
one given a value where it takes none, a value starting with ``-`` or empty, an option at the end without its value,
``--``, a second argument or none, ``-oDIR``, the numbers (``--rate``, ``--start``, ``--end``, ``--part-hours``: their
text is read by Typer's pydantic), a path Typer's check would refuse (an unreadable file, a text no file name can
hold), a shell completion request, ``RETROGAIT_DEBUG`` (a traceback then comes through Typer as before), an argument
that is not text (``main([..., Path(...)])``: Typer's internal error, REVIEW-151), and on Windows the program's own
command line where Typer's run would expand ``~``, an environment variable or a wildcard in it (:func:`typer_expands`,
REVIEW-149).
tests/test_analyze_line.py keeps :data:`TEXT_OPTIONS`, :data:`FLAGS` and :data:`TYPER_ONLY` in step with the Typer
declaration (``cli.analyze_command``) and compares what both hand the command over many command lines.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

#: Each option taking a text or a path: its names -> the command's parameter.
TEXT_OPTIONS = {
    "--placement": "placement",
    "--side": "side",
    "--anterior-axis": "anterior_axis",
    "--out": "out",
    "-o": "out",
    "--settings": "settings_file",
    "--format": "format",
    "-f": "format",
    "--time-column": "time_column",
    "--time-unit": "time_unit",
    "--acc-columns": "acc_columns",
    "--acc-unit": "acc_unit",
    "--gyr-columns": "gyr_columns",
    "--gyr-unit": "gyr_unit",
    "--delimiter": "delimiter",
}
#: The parameters among :data:`TEXT_OPTIONS` that Typer hands over as a ``pathlib.Path``.
PATH_PARAMETERS = frozenset({"out", "settings_file"})
#: Typer's path check as :func:`_path_typer_takes` makes it (Typer's defaults; tests/test_analyze_line.py checks each
#: parameter's declaration against it).
PATH_CHECK = {
    "exists": False,
    "file_okay": True,
    "dir_okay": True,
    "writable": False,
    "readable": True,
    "resolve_path": False,
    "allow_dash": False,
    "path_type": None,
}
#: Each flag: its name -> (parameter, value).
FLAGS = {"--report": ("report", True), "--no-report": ("report", False)}
#: The options left to Typer whenever given (numbers: their text is read by Typer's pydantic, in its words).
TYPER_ONLY = frozenset({"--rate", "--start", "--end", "--part-hours"})
#: The reader options (``cli.reader_options``): handed to the command as one ``reader``.
READER_PARAMETERS = (
    "format",
    "rate",
    "time_column",
    "time_unit",
    "acc_columns",
    "acc_unit",
    "gyr_columns",
    "gyr_unit",
    "delimiter",
)
#: The command's parameters left out, as Typer gives them (the declaration's defaults).
DEFAULTS: dict[str, Any] = {
    "placement": None,
    "side": None,
    "anterior_axis": None,
    "out": None,
    "settings_file": None,
    "report": True,
    "start": None,
    "end": None,
    "part_hours": None,
    **dict.fromkeys(READER_PARAMETERS),
}
#: Whether Typer's run of the program's own command line (``sys.argv``, not a list handed to ``main``) expands each
#: argument as a Unix shell would (``typer.core._main`` on Windows: click's ``_expand_args``).
TYPER_EXPANDS_ARGS = os.name == "nt"
#: Typer's shell completion asks through this variable (``_{PROG}_COMPLETE``, the program ``retrogait``).
COMPLETION_VARIABLE = "_RETROGAIT_COMPLETE"


def _path_typer_takes(text: str) -> Path | None:
    """``Path(text)`` where Typer's path check (``coerce_cli_path``: no existence asked, readable) passes it; None
    where it would refuse it or pydantic would (Typer's words then)."""
    path = Path(text)  # what Typer checks: `dir/` as `dir`
    try:
        os.stat(path)
    except OSError:
        return path  # not there: no check asks (the command says what is wrong)
    except ValueError:  # a NUL or a text no file name can hold: pydantic's usage error
        return None
    return path if os.access(path, os.R_OK) else None


def typer_expands(args: list[str]) -> bool:
    """Whether click's expansion of the program's command line on Windows (``_expand_args``: ``~``, environment
    variables, then wildcards, an argument matching nothing kept as expanded) changes ``args``: Typer then reads
    another line than the one given (``analyze runs\\*.csv`` is the file it matches), so the line is Typer's."""
    from glob import glob

    for arg in args:
        expanded = os.path.expandvars(os.path.expanduser(arg))
        try:
            matches = glob(expanded, recursive=True)
        except re.error:
            matches = []
        if (matches or [expanded]) != [arg]:
            return True
    return False


def plain_analyze(args: list[str]) -> dict[str, Any] | None:
    """The parameters Typer would hand ``analyze`` for ``args`` (after ``analyze``), the reader options among them by
    name; None for a command line left to Typer (the module's docstring lists what)."""
    if COMPLETION_VARIABLE in os.environ or os.environ.get("RETROGAIT_DEBUG"):
        return None
    if not all(type(arg) is str for arg in args):  # Typer's internal error in one line, not a traceback (REVIEW-151)
        return None
    given: dict[str, Any] = {}
    arguments: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg in FLAGS:
            name, value = FLAGS[arg]
            given[name] = value
            continue
        if not arg.startswith("-"):
            arguments.append(arg)
            continue
        option, equals, text = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if option not in TEXT_OPTIONS:  # --help, --rate, an unknown option, --no-report=x, -oDIR, --, -
            return None
        if not equals:
            if i == len(args):
                return None
            text = args[i]
            i += 1
        if not text or text.startswith("-"):
            return None
        given[TEXT_OPTIONS[option]] = text
    if len(arguments) != 1:
        return None
    texts = {"input_file": arguments[0]} | {k: v for k, v in given.items() if k == "out" or k == "settings_file"}
    paths = {name: _path_typer_takes(text) for name, text in texts.items()}
    if any(path is None for path in paths.values()):
        return None
    return DEFAULTS | given | paths


def run_plain_analyze(given: dict[str, Any]) -> None:
    """``analyze`` with the parameters :func:`plain_analyze` read, ended as Typer's run ends it (``typer.core._main``):
    Ctrl-C as status 130, an end of input as Typer's "Aborted", a closed output pipe as status 1 raised from it."""
    from retrogait.cli.analyze import analyze
    from retrogait.cli.reader_values import build_reader

    def command() -> None:
        reader = build_reader(**{name: given[name] for name in READER_PARAMETERS})
        analyze(**{k: v for k, v in given.items() if k not in READER_PARAMETERS}, reader=reader)

    as_typer_runs(command)


def as_typer_runs(command: Callable[[], object]) -> None:
    """``command()`` with the ends Typer's standalone run gives the exceptions it handles; every other exception passes
    (``cli._run`` says it in one line, as after Typer)."""
    try:
        command()
    except (EOFError, KeyboardInterrupt) as exc:
        _typer_s_end(exc)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        _typer_s_end(exc)


def _typer_s_end(exc: BaseException) -> NoReturn:
    """What ``typer.core._main`` does with ``exc`` raised by a command (Typer imported for it: a rare end)."""
    if isinstance(exc, KeyboardInterrupt):
        sys.exit(130)
    from typer import _click, core

    if isinstance(exc, OSError):  # a closed pipe: no flush error at the interpreter's exit
        sys.stdout = _click.utils.PacifyFlushWrapper(sys.stdout)
        sys.stderr = _click.utils.PacifyFlushWrapper(sys.stderr)
        sys.exit(1)
    _click.echo(file=sys.stderr)  # an end of input: click's Abort
    from retrogait.cli.app import app

    if core.HAS_RICH and app.rich_markup_mode is not None:
        from typer import rich_utils

        rich_utils.rich_abort_error()
    else:
        _click.echo("Aborted!", file=sys.stderr)
    sys.exit(1)
