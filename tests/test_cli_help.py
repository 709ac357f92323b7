"""The rendered ``--help``: a flag shows no value to give, an argument is named as click writes it (EDGE-190)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer

from retrogait.cli import load_commands, main


def _command(name: str | None) -> tuple[Any, Any]:
    """The click command ``retrogait NAME`` (the group itself for None) and a context to read its parameters in."""
    group = typer.main.get_command(load_commands([name] if name else []))
    root = group.make_context("retrogait", [], resilient_parsing=True)
    if name is None:
        return group, root
    command = group.get_command(root, name)  # type: ignore[attr-defined]
    return command, command.make_context(name, [], parent=root, resilient_parsing=True)


def _help(name: str | None, capsys: pytest.CaptureFixture[str]) -> str:
    assert main([name, "--help"] if name else ["--help"]) == 0
    return capsys.readouterr().out


def _row_tokens(text: str, option: str) -> list[str]:
    """The words of the help row that names ``option``, without the table's borders."""
    for line in text.splitlines():
        tokens = [t for t in re.split(r"[\s│,]+", line) if t]
        if option in tokens:
            return tokens
    raise AssertionError(f"{option} not in the help:\n{text}")


@pytest.mark.parametrize("name", ["analyze", "batch", "record", None])
def test_a_flag_shows_no_value_to_give(name: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    """Typer 0.29 wrote ``--report --no-report <bool>`` and ``--help -h <bool>``: read as taking a value (``--report
    true`` is refused). Between a flag's names and its help there is nothing."""
    text = _help(name, capsys)
    command, ctx = _command(name)
    flags = [p for p in command.get_params(ctx) if getattr(p, "is_flag", False)]
    assert flags and any("--help" in p.opts for p in flags)  # click 8.5 names it _click_default_help
    for flag in flags:
        tokens = _row_tokens(text, flag.opts[0])
        first_word = flag.help.split()[0]
        before_help = tokens[tokens.index(flag.opts[0]) : tokens.index(first_word)]
        assert all(t.startswith("-") for t in before_help), (flag.opts, tokens)
    assert "<bool>" not in text


@pytest.mark.parametrize(
    ("name", "usage"),
    [
        ("analyze", "retrogait analyze [OPTIONS] INPUT_FILE"),
        ("batch", "retrogait batch [OPTIONS] INPUTS..."),
        ("record", "retrogait record [OPTIONS]"),
        (None, "retrogait [OPTIONS] COMMAND [ARGS]..."),
    ],
)
def test_the_usage_line_names_arguments_as_click_writes_them(
    name: str | None, usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Typer 0.29 wrote ``Usage: retrogait analyze [OPTIONS] {input_file}``: braces read as a set of choices."""
    text = _help(name, capsys)
    line = next(x for x in text.splitlines() if "Usage:" in x)
    assert line.split("Usage:")[1].strip() == usage


#: The oldest Typer the help and its errors were checked on with every click pip can give it (REVIEW-44): before
#: 0.18 a Typer with today's click fails (0.12-0.15: "Secondary flag is not valid for non-boolean flag" on every
#: help; 0.16-0.17: a missing argument reaches the command as None, an internal error, not click's refusal).
#: From PACKAGING-3 the floor is 0.29: 0.18-0.25 lack ``typer._click`` (analyze's end on an end of input or a closed
#: pipe) and import names click 8.5 deprecates; 0.26-0.28 are not the Typer PERF-17 was checked on (the empty line
#: before an error was rich's before 14.3, not theirs: REVIEW-270); CI tests it.
OLDEST_CHECKED_TYPER = (0, 29)


def test_pyproject_asks_for_a_typer_the_help_was_checked_on() -> None:
    """``typer>=0.12`` let pip keep a Typer 0.12-0.17 whose help or argument check breaks with click 8.5."""
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    typer_req = next(d for d in pyproject["project"]["dependencies"] if re.match(r"typer\b", d))
    floor = re.search(r">=\s*([0-9]+)\.([0-9]+)", typer_req)
    assert floor is not None, typer_req
    assert (int(floor[1]), int(floor[2])) >= OLDEST_CHECKED_TYPER, typer_req
