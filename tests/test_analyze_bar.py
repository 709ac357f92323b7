"""``analyze`` off a terminal draws no bar and leaves rich to its import thread (PERF-84)."""

from __future__ import annotations

import ast
import io
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from read_probe import modules_at_read_probe
from retrogait.cli import display
from retrogait.session import Session, write_session

#: Runs ``analyze`` as the ``retrogait`` program; prints at exit whether rich.console was imported when the read began.
PROBE = modules_at_read_probe("rich at the read", "rich.console")

#: The environment of a run: no variable by which rich takes any console for a terminal.
PLAIN = {k: v for k, v in os.environ.items() if k not in display.RICH_TERMINAL_VARIABLES}


def _run(args: list[str], env: dict[str, str], stderr: int | None = subprocess.PIPE) -> tuple[str, str, int]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], stdout=subprocess.PIPE, stderr=stderr, text=True, env=env, check=False
    )
    return proc.stdout, proc.stderr or "", proc.returncode


def _seen(text: str) -> dict[str, bool]:
    """The probe's line, after whatever a bar drew on the same line (its escapes end in the terminal's)."""
    found = re.search(r"SEEN (\{[^}]*\})", text)
    assert found, text
    seen: dict[str, bool] = ast.literal_eval(found.group(1))
    return seen


def test_off_a_terminal_rich_is_not_imported_before_the_read(small_session: Session, tmp_path: Path) -> None:
    """stderr a pipe, no FORCE_COLOR / TTY_COMPATIBLE: rich would disable the bar, so it is not made and rich is not
    imported before the read (it was on f17fdb5); the summary's table and lines are printed as before."""
    path = write_session(small_session, tmp_path / "s.csv")
    out, err, code = _run(["analyze", str(path), "--out", str(tmp_path / "o"), "--no-report"], PLAIN)
    assert code == 0, err
    assert _seen(err) == {"rich at the read": False}
    assert err.splitlines()[:-1] == []  # nothing but the probe's line: no bar, no blank line
    assert "┃ direction" in out and f"wrote {tmp_path / 'o' / 'steps.csv'}" in out


@pytest.mark.parametrize(("variable", "value"), [("FORCE_COLOR", "1"), ("TTY_COMPATIBLE", "1"), ("FORCE_COLOR", "")])
def test_a_variable_rich_reads_leaves_the_bar_to_rich(
    small_session: Session, tmp_path: Path, variable: str, value: str
) -> None:
    """FORCE_COLOR or TTY_COMPATIBLE set (to anything): rich decides about the bar as before, so rich is in before the
    read; the command's outputs are those of a run without the variable."""
    path = write_session(small_session, tmp_path / "s.csv")
    args = ["analyze", str(path), "--out", str(tmp_path / "o"), "--no-report"]
    out, err, code = _run(args, {**PLAIN, variable: value})
    assert code == 0, err
    assert _seen(err) == {"rich at the read": True}
    plain_out, _, _ = _run([*args[:3], str(tmp_path / "p"), "--no-report"], PLAIN)
    steps = (tmp_path / "o" / "steps.csv").read_bytes()
    assert steps == (tmp_path / "p" / "steps.csv").read_bytes()
    if variable == "FORCE_COLOR" and value == "":  # the same text, in colour where this rich reads "" as a terminal
        from rich.console import Console

        coloured = Console(file=io.StringIO(), _environ={variable: value}).is_terminal  # rich < 14 (REVIEW-141)
        shown = re.sub(r"\x1b\[[0-9;]*m", "", out) if coloured else out
        assert shown.replace(str(tmp_path / "o"), "X") == plain_out.replace(str(tmp_path / "p"), "X")


def test_on_a_terminal_the_bar_is_rich_s(small_session: Session, tmp_path: Path) -> None:
    """stderr a terminal (a pseudo-terminal here): rich is in before the read and draws its bar there."""
    path = write_session(small_session, tmp_path / "s.csv")
    args = ["analyze", str(path), "--out", str(tmp_path / "o"), "--no-report"]
    out, shown, code = _on_a_terminal([sys.executable, "-c", PROBE, *args], PLAIN)
    assert code == 0
    assert _seen(shown.decode(errors="replace")) == {"rich at the read": True}
    assert "wrote " in out


def _on_a_terminal(command: list[str], env: dict[str, str]) -> tuple[str, bytes, int]:
    """``command`` run with its standard error on a pseudo-terminal: its standard output, what it showed on the
    terminal, its exit status."""
    leader, follower = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:  # read while the command runs: a terminal holds only ~20 kB unread (REVIEW-139)
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end closed: all read
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        try:
            proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower, text=True, env=env, check=False)
        finally:
            os.close(follower)
            reader.join()
    finally:
        os.close(leader)
    return proc.stdout, b"".join(chunks), proc.returncode


@pytest.mark.timeout(60)
def test_a_terminal_s_output_is_read_while_the_command_runs() -> None:
    """A bar redrawn ten times a second for a slow run (a loaded machine) writes more than a pseudo-terminal holds
    unread (~20 kB): read only at the end, the command would block on its next write and the test hang
    (REVIEW-139)."""
    chatty = "import sys\nfor _ in range(2000): sys.stderr.write('x' * 99 + '\\n')\nprint('done')"
    out, shown, code = _on_a_terminal([sys.executable, "-c", chatty], PLAIN)
    assert code == 0
    assert out == "done\n"
    assert shown.count(b"x" * 99) == 2000


class _Tty(io.StringIO):
    def __init__(self, answer: bool | Exception) -> None:
        super().__init__()
        self.answer = answer

    def isatty(self) -> bool:
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.mark.parametrize(
    ("stderr", "surely"),
    [
        (_Tty(False), True),
        (_Tty(True), False),
        (_Tty(ValueError("I/O operation on closed file")), True),  # rich: no terminal
        (_Tty(OSError("odd")), False),  # rich would raise: left to it
        (None, True),  # rich writes to its null file
        (object(), True),  # no isatty: rich says no terminal
    ],
)
def test_stderr_surely_no_terminal_answers_as_rich_would(
    monkeypatch: pytest.MonkeyPatch, stderr: object, surely: bool
) -> None:
    for name in display.RICH_TERMINAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "stderr", stderr)
    assert display.stderr_surely_no_terminal() is surely
    if surely and stderr is not None:
        from rich.console import Console

        assert Console(stderr=True).is_terminal is False


def test_a_rich_proxy_is_asked_for_the_file_it_stands_for(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in display.RICH_TERMINAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    class Proxy(io.StringIO):
        rich_proxied_file = _Tty(True)

        def isatty(self) -> bool:
            return False

    monkeypatch.setattr(sys, "stderr", Proxy())
    assert display.stderr_surely_no_terminal() is False


@pytest.mark.parametrize("variable", display.RICH_TERMINAL_VARIABLES)
@pytest.mark.parametrize("value", ["", "0", "1"])
def test_any_variable_rich_reads_leaves_it_to_rich(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    for name in display.RICH_TERMINAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "stderr", _Tty(False))
    monkeypatch.setenv(variable, value)
    assert display.stderr_surely_no_terminal() is False


#: Runs ``analyze`` as the ``retrogait`` program with rich's console module broken (a damaged install).
BROKEN_RICH = """
import sys
class Broken:
    def find_spec(self, name, path=None, target=None):
        if name == "rich.console":
            raise ImportError("rich.console is damaged")
sys.meta_path.insert(0, Broken())
from retrogait.cli import main
sys.argv = ["retrogait", *sys.argv[1:]]
sys.exit(main())
"""


def test_a_broken_rich_off_a_terminal_stops_before_the_analysis(small_session: Session, tmp_path: Path) -> None:
    """rich failing to import on the import thread: one line and status 70 before the analysis and before any file is
    written, as f17fdb5 (rich imported before the read) did; not the whole analysis, its files written and then
    "internal error" where the summary would be printed (REVIEW-140)."""
    path = write_session(small_session, tmp_path / "s.csv")
    args = ["analyze", str(path), "--out", str(tmp_path / "o"), "--no-report"]
    proc = subprocess.run(
        [sys.executable, "-c", BROKEN_RICH, *args], capture_output=True, text=True, env=PLAIN, check=False
    )
    assert proc.returncode == 70
    assert proc.stderr.splitlines() == [
        "retrogait: internal error: ImportError: rich.console is damaged "
        "(this is a bug; rerun with RETROGAIT_DEBUG=1 for details and report it)"
    ]
    assert proc.stdout == ""
    assert not (tmp_path / "o").exists()
