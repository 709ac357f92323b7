"""Typer's option values without pydantic (PERF-17): the same values and the same refusals as Typer's own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from retrogait.cli.coercion import applies, install

# another Typer keeps its own coercion (CHECKED_TYPER): nothing here applies to it, and its private
# modules may not exist (Typer 0.18 has no typer._coercion), so the skip comes before their import
if not applies():
    pytest.skip("PERF-17 is only installed on the Typer releases it was checked on", allow_module_level=True)

from typer import _coercion, core
from typer.main import get_command

from retrogait.cli import load_commands

app = load_commands()


def parameters() -> list[tuple[Any, Any]]:
    """(command, parameter) for every Typer parameter of every retrogait command."""
    group = get_command(app)
    found = []
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):  # type: ignore[attr-defined]
        command = group.get_command(ctx, name)  # type: ignore[attr-defined]
        found.extend((command, p) for p in command.params if isinstance(p, core._TyperParameter))
    return found


def outcome(runtime: Any, value: Any, param: Any, command: Any) -> tuple[str, Any]:
    ctx = typer.Context(command)
    try:
        result = runtime.coerce(value, param=param, ctx=ctx)
    except Exception as exc:  # the refusal's kind and words are compared
        return "error", (type(exc).__name__, str(exc))
    return "value", (type(result), repr(result))  # repr: NaN equals NaN


def test_installed_once() -> None:
    assert install()
    assert install()
    assert getattr(core._TyperParameter, "_retrogait_lazy", False)


def test_every_option_coerces_as_typer_does(tmp_path: Path) -> None:
    afile = tmp_path / "a.csv"
    afile.write_text("t_s\n")
    locked = tmp_path / "locked.csv"
    locked.write_text("x")
    if os.name == "posix":
        locked.chmod(0)  # not readable (but by root)
    values: list[Any] = [
        None,
        "",
        "x",
        "12",
        "1e3",
        "nan",
        "-",
        "+x",
        " 5 ",
        "true",
        "caf\udce9.csv",
        "a\x00b.csv",  # main([...]) and CliRunner take any text: no path can hold it (REVIEW-3)
        "\ud800.csv",  # a lone surrogate that no file name encodes to
        str(afile),
        str(afile) + "/",
        str(tmp_path),
        str(tmp_path) + "//.",
        str(locked),
        str(tmp_path / "missing" / "x.csv"),
        "0",
        "1",
        "007",
        "-3",
        "1_000",
        "\u0663",
        "123456789012345678901",
        ("a", "b"),
        ("a", 7),
        ("caf\udce9.csv",),
        (),
        ["a"],
        7,
        2.5,
        True,
    ]
    checked = 0
    for command, param in parameters():
        for value in values:
            lazy = core._TyperParameter.get_runtime_param(_fresh(param))
            typer_own = _coercion.build_runtime_param(param.type_descriptor)
            assert outcome(lazy, value, param, command) == outcome(typer_own, value, param, command), (
                command.name,
                param.name,
                value,
            )
            checked += 1
    assert checked > 200


def _fresh(param: Any) -> Any:
    param._runtime_param = None
    return param


def test_no_pydantic_for_plain_options(tmp_path: Path) -> None:
    """Text and path options and options left out need no pydantic; a number builds Typer's adapter."""
    probe = (
        "import sys; from retrogait.cli import main; rc = main(sys.argv[1:]); "
        "print('PYDANTIC', 'pydantic' in sys.modules, file=sys.stderr)"
    )
    session = tmp_path / "missing.csv"

    def pydantic_loaded(*args: str) -> tuple[bool, str]:
        proc = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=False)
        return "PYDANTIC True" in proc.stderr, proc.stderr

    plain, _ = pydantic_loaded("analyze", str(session), "--format", "native", "--out", str(tmp_path / "o"))
    assert not plain
    listed, stderr = pydantic_loaded("batch", str(session), str(tmp_path), "--jobs", "2", "--out", str(tmp_path / "b"))
    assert not listed, stderr  # list[str] inputs and plain digits for an int (BATCH-22)
    paths, stderr = pydantic_loaded("info", str(session), str(tmp_path / "other.csv"))
    assert not paths, stderr  # list[Path] inputs (PERF-32)
    number, stderr = pydantic_loaded("analyze", str(session), "--rate", "abc")
    assert number and "valid number" in stderr


def test_a_path_no_file_can_have_is_a_usage_error(tmp_path: Path, capsys: Any) -> None:
    """Text with a NUL or a lone surrogate (main([...]) and CliRunner take any text): Typer's usage error, exit
    2, as without PERF-17; it was an internal error (exit 70: os.stat's ValueError escaped; REVIEW-3)."""
    from retrogait.cli import main

    for args in (["analyze", "a\x00b.csv"], ["analyze", str(tmp_path / "s.csv"), "--out", "\ud800"]):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert "internal error" not in err and "Invalid value" in err, err
