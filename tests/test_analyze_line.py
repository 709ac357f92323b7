"""``analyze``'s plain command line read without Typer (PERF-88): the same parameters as Typer's, the same ends, and
everything else left to Typer."""

from __future__ import annotations

import errno
import inspect
import subprocess
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import retrogait.cli as cli
from read_probe import modules_at_read_probe
from retrogait.cli import analyze as command
from retrogait.cli import analyze_line
from retrogait.errors import RetrogaitError
from retrogait.session import Session, write_session

HELP = {"--help", "-h"}


def _typer_params() -> list[Any]:
    """The parameters of Typer's click command ``analyze`` as ``retrogait analyze`` builds it, its help option too."""
    from typer.main import get_command

    group = get_command(cli.load_commands(["analyze"]))
    command_of_typer = group.commands["analyze"]  # type: ignore[attr-defined]
    with group.make_context("retrogait", ["analyze"], resilient_parsing=True) as parent:
        context = command_of_typer.make_context("analyze", ["run.csv"], parent=parent, resilient_parsing=True)
        return list(command_of_typer.get_params(context))


def _declared() -> dict[str, inspect.Parameter]:
    """The parameters of Typer's ``analyze`` (the reader options among them), their annotations and defaults."""
    from retrogait.cli import analyze_command

    return dict(inspect.signature(analyze_command.analyze).parameters)


def test_the_light_table_is_typer_s_declaration() -> None:
    """Every option Typer's ``analyze`` takes is known to the light path, with the same parameter, kind and default: an
    option added to or changed in the declaration fails here until the light path reads it as Typer does."""
    params = _typer_params()
    arguments = [p for p in params if p.param_type_name == "argument"]
    assert [(p.name, p.required, p.nargs) for p in arguments] == [("input_file", True, 1)]
    options = [p for p in params if p.param_type_name == "option"]
    names = {name for p in options for name in (*p.opts, *p.secondary_opts)}
    assert names == set(analyze_line.TEXT_OPTIONS) | set(analyze_line.FLAGS) | analyze_line.TYPER_ONLY | HELP
    declared = _declared()
    for p in options:
        if set(p.opts) & HELP:
            continue
        assert not p.multiple and p.nargs == 1 and p.envvar is None and not p.is_eager, p.name
        assert p.callback is None or p.name == "help", p.name
        annotation = typing.get_args(declared[p.name].annotation)[0]
        assert declared[p.name].default == analyze_line.DEFAULTS[p.name], p.name
        if p.is_flag:
            assert {name: (p.name, True) for name in p.opts} | {n: (p.name, False) for n in p.secondary_opts} == {
                k: v for k, v in analyze_line.FLAGS.items() if v[0] == p.name
            }
            assert annotation is bool
            continue
        assert not p.secondary_opts, p.name
        if set(p.opts) <= analyze_line.TYPER_ONLY:
            assert annotation == float | None, p.name
            continue
        assert {name: analyze_line.TEXT_OPTIONS[name] for name in p.opts} == dict.fromkeys(p.opts, p.name)
        wanted = Path | None if p.name in analyze_line.PATH_PARAMETERS else str | None
        assert annotation == wanted, p.name
    assert set(declared) == {"input_file", *analyze_line.DEFAULTS}
    assert set(analyze_line.READER_PARAMETERS) <= set(declared)


def test_typer_checks_and_reads_each_value_as_the_light_path_does() -> None:
    """What the light path assumes of each parameter beyond its name, kind and default: a path checked only for being
    readable where it is there (``_path_typer_takes``), no parser, prompt or file of Typer's, and a context that reads
    no variable, no default map and every option by its own name, arguments and options in any order (REVIEW-150:
    ``file_okay=False`` on ``--out`` or ``dir_okay=False`` on ``--settings`` passed the test above)."""
    from typer.main import get_command

    for p in _typer_params():
        if p.name == "help":
            continue
        info = p.type_descriptor.parameter_info
        assert {name: getattr(info, name) for name in analyze_line.PATH_CHECK} == analyze_line.PATH_CHECK, p.name
        assert info.parser is None and info.default_factory is None, p.name
        assert p.type_descriptor.file_annotation is None and p.expose_value, p.name
        assert not getattr(p, "prompt", None) and not getattr(p, "count", False), p.name
    group = get_command(cli.load_commands(["analyze"]))
    with group.make_context("retrogait", ["analyze"], resilient_parsing=True) as parent:
        context = group.commands["analyze"].make_context(  # type: ignore[attr-defined]
            "analyze", ["run.csv"], parent=parent, resilient_parsing=True
        )
        assert context.auto_envvar_prefix is None and context.default_map is None
        assert context.token_normalize_func is None
        assert context.allow_interspersed_args and not context.ignore_unknown_options and not context.allow_extra_args


def test_the_command_takes_what_typer_s_declaration_hands_it() -> None:
    """The command (``cli.analyze.analyze``) has Typer's parameters, the reader options as one ``reader``."""
    body = inspect.signature(command.analyze).parameters
    declared = _declared()
    assert list(body) == [n for n in declared if n not in analyze_line.READER_PARAMETERS] + ["reader"]
    assert all(body[n].default == declared[n].default for n in body if n != "reader")


def _recorder() -> tuple[list[dict[str, Any]], Callable[..., None]]:
    """A stand-in for the ``analyze`` command and the list of the arguments (defaults applied) it was called with."""
    got: list[dict[str, Any]] = []
    signature = inspect.signature(command.analyze)

    def record(*a: Any, **kw: Any) -> None:
        bound = signature.bind(*a, **kw)
        bound.apply_defaults()
        got.append(dict(bound.arguments))

    return got, record


def _recorded(monkeypatch: pytest.MonkeyPatch, args: list[str], *, plain: bool) -> tuple[int, dict[str, Any] | None]:
    """``main(["analyze", *args])`` with the command replaced by a recorder: its status and the arguments it got, by the
    light path (``plain``) or by Typer."""
    got, record = _recorder()
    with monkeypatch.context() as patched:  # undone alone: the test's folder and environment stay for both runs
        patched.setattr(command, "analyze", record)
        if not plain:
            patched.setattr(cli, "_plain_analyze", lambda *a: None)
        code = cli.main(["analyze", *args])
    return code, got[0] if got else None


#: Command lines the light path reads: each as Typer reads it.
PLAIN_LINES = [
    ["run.csv"],
    ["run.csv", "--no-report"],
    ["--no-report", "run.csv", "--report"],
    ["run.csv", "--report", "--no-report", "--report", "--no-report"],
    ["run.csv", "-o", "out"],
    ["run.csv", "--out=out/", "--out", "again"],
    ["run.csv", "--out", "a//b/./c"],
    ["--placement", "shank", "run.csv", "--side", "left", "--anterior-axis", "+x"],
    ["run.csv", "--placement=lower_back", "--placement", "foot"],
    ["run.csv", "--settings", "s.toml", "--out", "o"],
    ["run.csv", "-f", "phyphox", "--format=generic-csv"],
    ["run.csv", "--time-column", "0", "--time-unit", "ms", "--acc-columns", "ax,ay,az", "--acc-unit", "g"],
    ["run.csv", "--gyr-columns", "gx,gy,gz", "--gyr-unit", "dps", "--delimiter", ";"],
    ["run.csv", "--delimiter=\\t"],
    ["run.csv", "--placement", "a=b", "--side", "x y"],
    ["dir/"],
    ["..", "--out", "."],
    ["ünïcode run.csv", "--out", "résultats"],
    # there: Typer's path checks see a file and a folder (REVIEW-150)
    ["there.csv", "--out", "there", "--settings", "there.toml"],
    ["there", "--out", "there.csv", "--settings", "there"],
]


@pytest.mark.parametrize("args", PLAIN_LINES, ids=[" ".join(a) for a in PLAIN_LINES])
def test_a_plain_line_hands_the_command_what_typer_hands_it(
    args: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The same parameters (paths as ``Path``, the last of a repeated option, the reader options as one
    ``ReaderOptions``) and status, the light path taken."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "there").mkdir()
    (tmp_path / "there.csv").write_text("t_s\n")
    (tmp_path / "there.toml").write_text("")
    assert analyze_line.plain_analyze(args) is not None
    assert _recorded(monkeypatch, args, plain=True) == _recorded(monkeypatch, args, plain=False)


#: Command lines left to Typer.
TYPER_LINES = [
    [],
    ["--help"],
    ["run.csv", "-h"],
    ["run.csv", "--rate", "100"],
    ["run.csv", "--start=5"],
    ["run.csv", "--end", "9"],
    ["run.csv", "--part-hours", "1"],
    ["run.csv", "--bogus"],
    ["run.csv", "--no-report=1"],
    ["run.csv", "-ofolder"],
    ["run.csv", "-o=folder"],
    ["run.csv", "--out"],
    ["run.csv", "--out", "-x"],
    ["run.csv", "--placement", ""],
    ["run.csv", "--placement="],
    ["--", "run.csv"],
    ["-"],
    ["run.csv", "other.csv"],
    ["--out", "o"],
    ["run\0.csv"],
    ["run.csv", "--settings", "a\0b"],
    ["run.csv", "--version"],
    ["run.csv", "--Out", "o"],
]


@pytest.mark.parametrize("args", TYPER_LINES, ids=[" ".join(a) or "(none)" for a in TYPER_LINES])
def test_any_other_line_is_left_to_typer(args: list[str]) -> None:
    assert analyze_line.plain_analyze(args) is None


@pytest.mark.parametrize("variable", ["_RETROGAIT_COMPLETE", "RETROGAIT_DEBUG"])
def test_completion_and_debugging_are_typer_s(variable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert analyze_line.plain_analyze(["run.csv"]) is not None
    monkeypatch.setenv(variable, "1")
    assert analyze_line.plain_analyze(["run.csv"]) is None


def test_a_path_typer_s_check_refuses_is_typer_s(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An existing file or folder that cannot be read: Typer's "is not readable" usage error (root reads anything, so
    the check is made to fail)."""
    path = tmp_path / "run.csv"
    path.write_text("t_s\n")
    assert analyze_line.plain_analyze([str(path)]) is not None
    monkeypatch.setattr(analyze_line.os, "access", lambda *a, **k: False)
    assert analyze_line.plain_analyze([str(path)]) is None
    assert analyze_line.plain_analyze([str(tmp_path / "missing.csv")]) is not None  # nothing to check


def _ended(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], raised: BaseException, *, plain: bool
) -> tuple[int, str, str]:
    """``main(["analyze", "run.csv"])`` whose command raises ``raised``: status, stdout, stderr."""

    def fail(*a: Any, **kw: Any) -> None:
        raise raised

    with monkeypatch.context() as patched:  # undone alone: the test's environment stays for both runs
        patched.setattr(sys, "stdout", sys.stdout)  # Typer wraps both for a closed pipe: put back after
        patched.setattr(sys, "stderr", sys.stderr)
        patched.setattr(command, "analyze", fail)
        if not plain:
            patched.setattr(cli, "_plain_analyze", lambda *a: None)
        code = cli.main(["analyze", "run.csv", "--no-report"])
        out, err = capsys.readouterr()
    return code, out, err


ENDS = [
    KeyboardInterrupt(),
    EOFError("Compressed file ended before the end-of-stream marker was reached"),
    BrokenPipeError(errno.EPIPE, "Broken pipe"),
    OSError(errno.EPIPE, "Broken pipe"),
    OSError(errno.ENOSPC, "No space left on device", "out/steps.csv"),
    RetrogaitError("run.csv: no steps"),
    ValueError("a bug"),
]


@pytest.mark.parametrize("raised", ENDS, ids=[type(e).__name__ + str(getattr(e, "errno", "")) for e in ENDS])
def test_a_command_s_exception_ends_as_after_typer(
    raised: BaseException, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C, an end of input, a closed pipe, a full disk, a refusal and a bug: the same status, standard output and
    standard error by the light path as through Typer's run."""
    monkeypatch.delenv("RETROGAIT_DEBUG", raising=False)
    plain = _ended(monkeypatch, capsys, raised, plain=True)
    assert plain == _ended(monkeypatch, capsys, raised, plain=False)
    assert plain[0] != 0


#: Runs ``analyze`` as the ``retrogait`` program; prints at exit whether typer was imported when the read began.
PROBE = modules_at_read_probe("typer", "typer")


def test_the_program_reads_a_plain_line_without_typer(small_session: Session, tmp_path: Path) -> None:
    """Typer is not imported by ``retrogait analyze FILE --out D --no-report`` (it was on a9437db), and is by the same
    line with ``--start 0``; both analyse and write their files."""
    path = write_session(small_session, tmp_path / "s.csv")
    seen = []
    for extra in ([], ["--start", "0"]):
        out = tmp_path / f"o{len(seen)}"
        args = ["analyze", str(path), "--out", str(out), "--no-report", *extra]
        proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        assert (out / "summary.json").is_file() and "wrote" in proc.stdout
        seen.append(proc.stderr.strip().splitlines()[-1])
    assert seen == ["SEEN {'typer': False}", "SEEN {'typer': True}"]


def test_as_typer_runs_passes_what_typer_passes() -> None:
    """Any other exception leaves ``as_typer_runs`` as it was raised (``cli._run`` says it in one line)."""
    with pytest.raises(OSError, match="denied"):
        analyze_line.as_typer_runs(lambda: (_ for _ in ()).throw(PermissionError(errno.EACCES, "denied")))


class _WindowsOs:
    """The ``os`` module as ``typer.core`` sees it on Windows (``os.name`` "nt"), everything else the real one's."""

    name = "nt"

    def __getattr__(self, attribute: str) -> Any:
        import os

        return getattr(os, attribute)


def _program_run(monkeypatch: pytest.MonkeyPatch, args: list[str], *, plain: bool) -> tuple[int, Any]:
    """``cli._run`` as the ``retrogait`` program runs it (``argv`` None: Typer reads ``sys.argv``) with Typer's run as
    on Windows and the command replaced by a recorder: its status and what the command got."""
    import typer.core

    got, record = _recorder()
    with monkeypatch.context() as patched:
        patched.setattr(command, "analyze", record)
        patched.setattr("retrogait.cli.early.start_early", lambda *a, **k: None)  # no process-wide settings here
        patched.setattr(typer.core, "os", _WindowsOs())
        patched.setattr(analyze_line, "TYPER_EXPANDS_ARGS", True, raising=False)
        patched.setattr(sys, "argv", ["retrogait", "analyze", *args])
        patched.setattr(sys, "excepthook", sys.excepthook)  # Typer's run installs its own
        if not plain:
            patched.setattr(cli, "_plain_analyze", lambda *a: None)
        code = cli._run(["analyze", *args], None)
    return code, got[0] if got else None


@pytest.mark.parametrize(
    "line",
    [["*.csv"], ["r?n.csv", "--no-report"], ["~/run.csv"], ["$RUNS/run.csv"], ["run.csv", "--out", "$RUNS/o"]],
)
def test_the_program_s_line_on_windows_is_read_as_typer_expands_it(
    line: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On Windows Typer's run of the program's own command line expands ``~``, environment variables and wildcards in
    every argument (click's ``_expand_args``): ``retrogait analyze runs\\*.csv`` analysed the one file it matched
    through Typer, "no such file" through the light path (REVIEW-149)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "run.csv").write_text("t_s\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    monkeypatch.setenv("RUNS", str(tmp_path))
    typer_s = _program_run(monkeypatch, line, plain=False)
    assert typer_s[0] == 0 and typer_s[1] is not None
    assert _program_run(monkeypatch, line, plain=True) == typer_s


def test_a_line_typer_does_not_expand_stays_light_on_windows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A line that Windows' expansion leaves as it is, and any line handed to ``main([...])`` (Typer expands only
    ``sys.argv``), are still read by the light path (REVIEW-149)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "run.csv").write_text("t_s\n")
    monkeypatch.setattr(analyze_line, "TYPER_EXPANDS_ARGS", True, raising=False)
    assert not analyze_line.typer_expands(["analyze", "run.csv", "--out", "o", "--no-report"])
    assert analyze_line.typer_expands(["analyze", "*.csv"])
    assert cli._plain_analyze(["analyze", "*.csv"], ["analyze", "*.csv"]) is not None
    assert cli._plain_analyze(["analyze", "*.csv"], None) is None
    assert cli._plain_analyze(["analyze", "run.csv", "--out", "o"], None) is not None


@pytest.mark.parametrize(
    "arg", ["run.csv", "*.csv", "r[u]n.csv", "none*.csv", "~", "~/x", "$RUNS", "${RUNS}/x", "%RUNS%", "a$", "[", "**"]
)
def test_typer_expands_as_click_s_expand_args(arg: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``typer_expands`` is true exactly where click's own expansion (Typer's, on Windows) changes the argument."""
    from typer._click.utils import _expand_args

    monkeypatch.chdir(tmp_path)
    (tmp_path / "run.csv").write_text("t_s\n")
    monkeypatch.setenv("RUNS", str(tmp_path))
    assert analyze_line.typer_expands([arg]) == (_expand_args([arg]) != [arg])


def test_a_path_in_the_line_is_read_as_the_text_it_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``main(["analyze", Path(...)])`` from Python analyses the path, on the light path and through Typer alike, as
    ``main(["analyze", str(...)])`` does (REVIEW-166; REVIEW-151 had made it one line and status 70, not a
    traceback)."""
    monkeypatch.delenv("RETROGAIT_DEBUG", raising=False)
    args: list[Any] = [tmp_path / "run.csv", "--out", tmp_path / "out", "--no-report"]
    as_text = _recorded(monkeypatch, [str(a) for a in args], plain=True)
    assert as_text[0] == 0 and as_text[1] is not None and as_text[1]["input_file"] == tmp_path / "run.csv"
    assert _recorded(monkeypatch, args, plain=True) == as_text
    assert _recorded(monkeypatch, args, plain=False) == as_text
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("item", [3, None, b"run.csv", 2.5])
def test_an_item_of_the_line_that_is_neither_text_nor_a_path_is_refused_in_one_line(
    item: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Anything else in ``main([...])``'s list (a number, None, bytes) is a usage error naming its place and type,
    status 2, before any command runs; not Typer's ``internal error`` (REVIEW-166)."""
    called: list[Any] = []
    monkeypatch.setattr(command, "analyze", lambda *a, **k: called.append(a))
    assert cli.main(["analyze", item, "--no-report"]) == cli.EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("retrogait: error: argument 2 of main([...]) is ")
    assert type(item).__name__ in err and called == []


@pytest.mark.parametrize(
    "line", [[""], ["--out", "o", ""], ["--no-report", "--", ""], ["", "--placement", "shank"], ["-o", "o", "", "-h"]]
)
def test_an_empty_recording_is_refused_not_the_current_folder(
    line: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``retrogait analyze "$RUN"`` with the variable unset: ``""`` is the path ``.`` to Typer and to the light path
    alike, so the current folder was analysed (a Sensor Logger or phyphox export there: its tables written beside it
    as ``<folder>_analysis``), as ``--out ""`` wrote into it before EDGE-86 (REVIEW-152)."""
    monkeypatch.chdir(tmp_path)
    called: list[Any] = []
    monkeypatch.setattr(command, "analyze", lambda *a, **k: called.append(a))
    assert cli.main(["analyze", *line]) == 2
    assert capsys.readouterr().err == (
        "retrogait: error: the recording is empty (an unset shell variable?): give the file to analyse\n"
    )
    assert called == []


@pytest.mark.parametrize(
    "line",
    [
        ["run.csv", "--placement", ""],
        ["run.csv", "--start", ""],
        ["run.csv", "-f", ""],
        ["run.csv", "--time-column="],
        ["run.csv", "-o", "o", "--rate", ""],
        ["run.csv", " "],
    ],
)
def test_an_empty_option_value_is_not_an_empty_recording(line: list[str]) -> None:
    """An option's empty value is the option's (Typer's or the command's words), not the recording (REVIEW-152)."""
    assert cli.empty_recording(["analyze", *line]) is None
