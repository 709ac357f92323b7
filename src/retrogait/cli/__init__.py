"""Command-line interface: thin wrappers that parse options, call the library and print.

Each command lives in its own module and registers itself on :data:`retrogait.cli.app.app`;
:func:`main` turns every :class:`~retrogait.errors.RetrogaitError` into one line on stderr.
The command modules are imported when :func:`main` runs, not when this package is imported: worker
processes of ``retrogait batch`` re-import the console script that started them and should not pay
for the whole CLI.

Start-up rule (issue 16; checked by tests/test_cli_startup.py, measured by scripts/bench_startup.py):
a command module imports at its top only Typer, the standard library and light retrogait modules
(``cli.app``, ``conventions``, ``errors``, option definitions). Everything a command needs to *run*
(rich, numpy, pandas, scipy, matplotlib, the analysis) is imported inside the command function, so
``--version`` and ``--help`` load none of it and each command loads only what it uses. ``analyze`` with a plain command
line does not load Typer either (``cli.analyze_line``, PERF-88): its options are declared for Typer in
``cli.analyze_command`` and the command itself is ``cli.analyze.analyze``.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from retrogait.errors import RetrogaitError

if TYPE_CHECKING:
    import typer

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 70
#: The reader of the output went away (``retrogait info *.csv | head -1``): 128 + SIGPIPE, as a shell reports a
#: program the closed pipe stopped (EDGE-89).
EXIT_BROKEN_PIPE = 141


def main(argv: Sequence[str | os.PathLike[str]] | None = None) -> int:
    """Run the CLI; returns the process exit status (0 ok, 2 bad input, 70 internal error, 130 Ctrl-C, 141 output
    pipe closed by its reader (EDGE-89); the
    ``retrogait`` program itself, ``argv`` None, exits with 130 on Ctrl-C at once: EDGE-1, and with 143 on
    SIGTERM: EDGE-95)."""
    args = sys.argv[1:]
    if argv is not None:
        args, refusal = _as_text(argv)
        if refusal is not None:
            print(f"retrogait: error: {refusal}", file=sys.stderr)
            return EXIT_USER_ERROR
    line = None if argv is None else args
    if args == ["--version"]:  # needs no command, so no Typer either
        from retrogait import __version__

        try:
            print(f"retrogait {__version__}", flush=True)
        except BrokenPipeError:
            return _output_closed(whole_process=argv is None)
        return 0
    if args[:1] == ["record"] or argv is not None:
        # record stops on Ctrl-C and finishes its files itself; main([...]) called from Python code that goes
        # on running (a notebook, a test) gets Ctrl-C as KeyboardInterrupt, like any other function
        return _run(args, line)
    from retrogait.interrupt import exit_on_interrupt

    # the retrogait program: Ctrl-C gives one line and status 130 at once, wherever it comes (EDGE-1); SIGTERM 143
    with exit_on_interrupt(whole_process=True):
        code = _run(args, line)
    if args[:1] == ["analyze"]:
        end_without_teardown(code)  # PERF-35
    return code


def _as_text(argv: Sequence[object]) -> tuple[list[str], str | None]:
    """``main([...])``'s arguments as text: a path (``pathlib.Path``, any ``os.PathLike`` of text) as the string it
    names, as a shell would hand it; the refusal of any other item that is not text (a number, None), which no
    command reads (REVIEW-166)."""
    args: list[str] = []
    for i, arg in enumerate(argv):
        if not isinstance(arg, str):
            text = os.fspath(arg) if isinstance(arg, os.PathLike) else None
            if not isinstance(text, str):
                return [], (
                    f"argument {i + 1} of main([...]) is {type(arg).__name__} {arg!r:.60}, not text: give each "
                    "argument as a str or a path"
                )
            arg = text
        args.append(arg)
    return args, None


def end_without_teardown(code: int) -> None:
    """End the ``retrogait`` program that has done its work (``code`` 0) without the interpreter's teardown:
    standard streams flushed, the ``atexit`` handlers run, then ``os._exit``. Python's finalization after a
    finished ``analyze`` deallocates every module and object one by one (0.02-0.025 s an hour) for a process
    whose memory the system takes back whole; every output file is closed before (``outfiles.replacing``).
    Returns (the normal exit follows) for any other status, while a thread that is not a daemon is still
    running (Python would wait for it), or when a stream cannot be flushed (Python reports that)."""
    import atexit
    import threading

    main_thread = threading.main_thread()
    if code != 0 or any(t is not main_thread and not t.daemon and t.is_alive() for t in threading.enumerate()):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        return
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        os._exit(120)  # what Python exits with when it cannot flush the standard output at exit
    os._exit(code)


#: Errors of a write that ran out of room: a full disk, a quota, a file size limit.
_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def os_error_text(exc: OSError) -> str:
    """``PATH: problem`` for an error of the file system, in words for a path that is not what an output needs
    (``File exists`` was all `--out FILE` got where a folder is written)."""
    where = f"{exc.filename}: " if exc.filename else ""
    if exc.errno == errno.EEXIST and exc.filename and os.path.exists(exc.filename) and not os.path.isdir(exc.filename):
        kind = "a file" if os.path.isfile(exc.filename) else "a device or a pipe"  # /dev/null (EDGE-62)
        return f"{where}is {kind}, not a folder (an output folder was expected)"
    if exc.errno == errno.ENOTDIR:  # which part: `batch -o FILE` failed on FILE/sessions, a name not given (EDGE-72)
        from pathlib import Path

        parents = Path(os.fsdecode(exc.filename)).parents if exc.filename else []
        part = next((p for p in parents if p.exists() and not p.is_dir()), None)
        if part is None:
            return f"{where}a part of this path is a file, not a folder"
        return f"{where}{part} is {'a file' if part.is_file() else 'a device or a pipe'}, not a folder"
    if exc.errno is not None and exc.errno in _FULL:  # the earlier file, if any, is kept (outfiles.replacing)
        return f"{where}cannot be written: {exc.strerror or os.strerror(exc.errno)} (disk full?)"
    return f"{where}{exc.strerror or exc}"


#: The module of ``retrogait.cli`` that registers each command (``formats`` lives beside ``convert``), in the order
#: ``retrogait --help`` lists them.
COMMAND_MODULES = {
    "analyze": "analyze_command",
    "batch": "batch",
    "compare": "compare",
    "convert": "convert",
    "formats": "convert",
    "info": "info",
    "record": "record",
    "scan": "scan",
    "settings": "settings",
    "simulate": "simulate",
}


def load_commands(args: list[str] | None = None) -> typer.Typer:
    """The Typer app with the command that ``args`` starts with registered (each module registers its own on import),
    or every command where ``args`` names none (``--help``, no command, a misspelt one: Typer lists them all).

    Typer inspects the signature of every registered command at each run, and each module is an import: one
    command instead of ten is ~10 ms less of every command's start (PERF-41)."""
    import importlib

    from retrogait.cli.app import app

    named = args[0] if args else None
    for module in [COMMAND_MODULES[named]] if named in COMMAND_MODULES else dict.fromkeys(COMMAND_MODULES.values()):
        importlib.import_module(f"retrogait.cli.{module}")
    return app


def empty_out(args: list[str]) -> str | None:
    """The refusal of an empty ``--out`` (``--out "$RESULTS"`` with the variable unset), else None: Typer reads
    ``""`` as the path ``.``, so analyze, compare and batch wrote their tables into the current folder and
    simulate failed with an internal error (EDGE-86). ``record`` is left to its own checks."""
    if args[:1] == ["record"]:
        return None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--out=" or (arg in ("--out", "-o") and i + 1 < len(args) and not args[i + 1].strip()):
            return "--out is empty (an unset shell variable?): give the output folder or file"
    return None


def _empty_argument(args: list[str], values: dict[str, int]) -> bool:
    """Whether one of a command's arguments (``args`` after its name) is ``""``; ``values``: each option that takes
    values -> how many (an option's own empty value is the option's). Items that are not text (a ``Path`` from
    Python) are arguments, never options."""
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            return "" in rest
        if isinstance(arg, str) and arg.startswith("-") and len(arg) > 1:
            for _ in range(0 if "=" in arg else values.get(arg, 0)):
                next(rest, None)  # its value
        elif arg == "":
            return True
    return False


def empty_recording(args: list[str]) -> str | None:
    """The refusal of an empty recording given to ``analyze`` (``analyze "$RUN"`` with the variable unset), else None:
    Typer and the light path (PERF-88) both read ``""`` as the path ``.``, so the current folder was analysed and, an
    export there, its tables written beside it (REVIEW-152; ``--out ""``: :func:`empty_out`). An option's empty value
    is the option's (``analyze_line``'s table says which options take one)."""
    if args[:1] != ["analyze"]:
        return None
    from retrogait.cli.analyze_line import TEXT_OPTIONS, TYPER_ONLY

    if _empty_argument(args[1:], dict.fromkeys([*TEXT_OPTIONS, *TYPER_ONLY], 1)):
        return "the recording is empty (an unset shell variable?): give the file to analyse"
    return None


#: The commands other than ``analyze`` whose arguments name recordings, exports or result folders.
PATH_ARGUMENT_COMMANDS = ("batch", "compare", "convert", "info")


def empty_path_argument(args: list[str]) -> str | None:
    """The refusal of an empty argument given to a command of :data:`PATH_ARGUMENT_COMMANDS` (``convert "$RUN"`` with
    the variable unset), else None: Typer reads ``""`` as the path ``.``, so ``convert`` converted the export in the
    current folder and ``info``/``compare`` read it (REVIEW-165, REVIEW-152's case for the other commands). Which
    options take a value is read from the command's own declaration (Typer is loaded for these commands anyway), so
    an option's empty value stays the option's."""
    if args[:1] not in ([c] for c in PATH_ARGUMENT_COMMANDS) or "" not in args[1:]:
        return None
    import typer.main

    group = typer.main.get_command(load_commands(args))
    commands = getattr(group, "commands", None)  # the app's own group (cli/app.py)
    command = commands.get(args[0]) if isinstance(commands, dict) else None
    if command is None:
        return None
    values = {
        name: param.nargs
        for param in command.params
        if param.param_type_name == "option"
        and not getattr(param, "is_flag", False)
        and not getattr(param, "count", False)
        for name in param.opts
    }
    if _empty_argument(args[1:], values):
        return "an argument is empty (an unset shell variable?): give the file or folder"
    return None


def _from_broken_pipe(exc: SystemExit) -> bool:
    """True when ``exc`` is how rich (``Console.on_broken_pipe``) or Typer (its ``EPIPE`` handler) stop on a
    write to a closed pipe: exit 1 raised while handling that error."""
    cause = exc.__context__
    return exc.code == 1 and isinstance(cause, OSError) and cause.errno == errno.EPIPE


def _output_closed(*, whole_process: bool) -> int:
    """The reader of the output went away (``| head``): nothing more to say and nowhere to say it, so a quiet
    :data:`EXIT_BROKEN_PIPE`. The ``retrogait`` program points its standard output at the null device first, as
    Python's documentation recommends (signal module, note on SIGPIPE): the flush at exit would fail again and
    print a traceback. Files already written are complete (each is replaced whole: ``outfiles``)."""
    if whole_process:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):  # no file descriptor behind sys.stdout
            pass
    return EXIT_BROKEN_PIPE


#: Commands whose ``--out`` is one file (a session file), not a folder.
FILE_OUT_COMMANDS = ("simulate", "convert", "record")


def folder_out(args: list[str]) -> str | None:
    """The refusal of a folder path (``newdir/``, a trailing ``/``) given as ``--out`` to a command that writes one
    file, else None: the path reaches the command without its ``/`` (``pathlib``), so ``simulate --out newdir/``
    wrote ``newdir.csv`` and ``convert`` a file called ``newdir`` (EDGE-93). An existing folder is refused by
    the command itself (``outfiles.refuse_replacing_a_recording``)."""
    if args[:1] not in ([c] for c in FILE_OUT_COMMANDS):
        return None
    separators = ("/", os.sep) if os.altsep is None else ("/", os.sep, os.altsep)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = arg.removeprefix("--out=") if arg.startswith("--out=") else None
        if arg in ("--out", "-o") and i + 1 < len(args):
            value = args[i + 1]
        if value and value.strip() and value.endswith(separators):
            return (
                f"--out {safe_text(value)}: names a folder (it ends in {value[-1]}); give the session file to "
                f"write, e.g. {safe_text(value)}run.csv"
            )
    return None


def safe_text(text: str) -> str:
    """``text`` as one printable line (``cli.display.safe`` without rich markup)."""
    from retrogait.cli.display import safe

    return safe(text, markup=False)


def _plain_analyze(args: list[str], argv: list[str] | None) -> Callable[[], None] | None:
    """``analyze`` run without Typer where its command line is a plain one (``analyze_line``, PERF-88); else None.
    ``argv`` None: the program's own command line, which Typer expands on Windows (REVIEW-149)."""
    if args[:1] != ["analyze"]:
        return None
    from retrogait.cli import analyze_line

    if argv is None and analyze_line.TYPER_EXPANDS_ARGS and analyze_line.typer_expands(args):
        return None
    given = analyze_line.plain_analyze(args[1:])
    return None if given is None else functools.partial(analyze_line.run_plain_analyze, given)


def _with_typer(args: list[str], argv: list[str] | None) -> Callable[[], None]:
    """The command ``args`` names, run by Typer: its usage errors printed by it, with status 2."""
    app = load_commands(args)
    return functools.partial(app, args=argv, prog_name="retrogait")


def _run(args: list[str], argv: list[str] | None) -> int:
    from retrogait.cli.early import start_early

    if (
        refusal := empty_out(args) or empty_recording(args) or folder_out(args) or empty_path_argument(args)
    ) is not None:
        print(f"retrogait: error: {refusal}", file=sys.stderr)
        return EXIT_USER_ERROR

    # a batch's fork server imports the analysis while Typer and pandas load here; the allocator is set up
    # only when this process is the `retrogait` program (PERF-12), not for main([...]) called from Python
    start_early(args, whole_process=argv is None)
    run = _plain_analyze(args, argv) or _with_typer(args, argv)

    from retrogait.cli.display import safe

    try:
        run()
    except RetrogaitError as exc:  # a name with a newline or a terminal escape shown, not obeyed (EDGE-72)
        print(f"retrogait: error: {safe(exc, markup=False)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:  # a write to a closed pipe that Typer left to us
        return _output_closed(whole_process=argv is None)
    except OSError as exc:  # the file system said no: a full disk, a folder where a file belongs, no permission
        print(f"retrogait: error: {safe(os_error_text(exc), markup=False)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("retrogait: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:
        if _from_broken_pipe(exc):  # rich and Typer turn a closed output pipe into exit 1 without a word
            return _output_closed(whole_process=argv is None)
        return exc.code if isinstance(exc.code, int) else 0
    except Exception as exc:  # a bug in retrogait: still one line, details on request
        if os.environ.get("RETROGAIT_DEBUG"):
            raise
        print(
            f"retrogait: internal error: {type(exc).__name__}: {safe(exc, markup=False)} "
            "(this is a bug; rerun with RETROGAIT_DEBUG=1 for details and report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR
    return 0
