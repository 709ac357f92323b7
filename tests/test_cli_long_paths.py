"""A line the CLI prints is one line off a terminal, whatever the length of the paths in it (EDGE-220).

rich wraps at 80 columns when it cannot ask a terminal for its width (a pipe, a file, a CI log) and ``COLUMNS`` is
unset, and folds a word longer than that: a note naming a file under a long folder came out as four lines, so a user's
``grep run.csv batch.log`` found pieces, and tests matching a path failed under a long temporary folder (macOS'
``/var/folders/...``, CI's). These run under a 200-character folder name with ``COLUMNS`` unset, and match whole lines.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from retrogait.cli import main
from retrogait.cli.display import line_console
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

#: A folder name as long as a file system allows a good share of (255 bytes).
LONG = "a_folder_name_as_long_as_a_ci_runners_temporary_folders_" + "x" * 144


@pytest.fixture
def deep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 200-character folder inside the test's temporary folder, with ``COLUMNS`` unset (rich's width off a
    terminal is then 80)."""
    assert len(LONG) == 200
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    folder = tmp_path / LONG
    folder.mkdir()
    return folder


def _run(folder: Path) -> Path:
    """A short shank recording of forward and backward running."""
    bouts = [Bout("forward", "running", 3.0, 10.0), Bout("backward", "running", 2.5, 10.0)]
    path = folder / "in" / "run.csv"
    write_session(simulate(SimulationConfig("shank", bouts, 200.0, seed=4)).session, path)
    return path


def test_batch_lines_name_long_paths_whole(deep: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _run(deep)
    copy = Path(shutil.copy(first, deep / "in" / "run_again.csv"))
    out = deep / "out"
    assert main(["batch", str(first.parent), "--out", str(out), "--jobs", "1"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert f"note: {copy} is the same recording as {first} (the same bytes): counted once" in lines
    for name in ("steps", "sessions", "errors"):
        suffix = ".parquet" if name == "steps" else ".csv"
        assert f"{name}: {out / (name + suffix)}" in lines
    assert f"notes: {out / 'notes.csv'} (0 sessions with notes, and 1 input not in sessions.csv)" in lines
    cohort = [line for line in lines if line.startswith("cohort ")]
    assert len(cohort) == 1 and cohort[0].endswith(f"-> {out / 'cohort' / 'shank_retrogait_simulator_v2_synthetic'}")
    assert all(len(line) > 200 for line in lines if str(deep) in line)


def test_analyze_and_compare_lines_name_long_paths_whole(deep: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recording = _run(deep)
    out = deep / "analysed"
    assert main(["analyze", str(recording), "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    wrote = [line for line in lines if line.startswith("wrote ")]
    assert wrote == [
        f"wrote {', '.join(str(out / n) for n in ('steps.csv', 'bouts.csv', 'summary.json', 'report.html'))}"
    ]
    assert main(["analyze", str(recording), "--out", str(out), "--no-report"]) == 0
    assert (
        f"removed {out / 'report.html'}: an earlier run's report, of other results"
        in capsys.readouterr().out.splitlines()
    )
    assert main(["compare", str(out / "steps.csv"), "--out", str(deep / "compared")]) == 0
    assert f"report: {deep / 'compared' / 'report.html'}" in capsys.readouterr().out.splitlines()


def test_simulate_and_info_lines_name_long_paths_whole(deep: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = deep / "sim.csv"
    assert (
        main(["simulate", "--out", str(session), "--seed", "3", "--bouts", "forward:running:3:6", "--rate", "200"]) == 0
    )
    said = [line for line in capsys.readouterr().out.splitlines() if line.startswith("wrote ")]
    assert len(said) == 1 and said[0].startswith(f"wrote {session} (") and f" and {deep / 'sim_truth.csv'} (" in said[0]
    assert main(["info", str(session)]) == 0
    assert any(line.startswith(f"{session.name}  ") for line in capsys.readouterr().out.splitlines())


@pytest.mark.parametrize(("variable", "value"), [("FORCE_COLOR", "1"), ("TTY_COMPATIBLE", "1")])
def test_lines_are_whole_in_a_coloured_log_too(
    deep: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    """REVIEW-100: rich takes FORCE_COLOR (set by many CI setups for coloured logs) and TTY_COMPATIBLE=1 as a
    terminal, so `line_console` folded the lines at 80 columns again in just the CI log EDGE-220 is for. Whether the
    output is a terminal is asked of the file itself; the colours stay."""
    monkeypatch.setenv(variable, value)
    session = deep / "sim.csv"
    assert (
        main(["simulate", "--out", str(session), "--seed", "3", "--bouts", "forward:running:3:6", "--rate", "200"]) == 0
    )
    shown = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    said = [line for line in shown.splitlines() if line.startswith("wrote ")]
    assert len(said) == 1 and said[0].startswith(f"wrote {session} (") and f" and {deep / 'sim_truth.csv'} (" in said[0]


def test_on_a_terminal_lines_wrap_at_its_width_as_before() -> None:
    """On a terminal (its file says so) nothing changes: rich wraps at the terminal's width; off one, lines are
    whole."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for file, wrapped in ((Terminal(), True), (io.StringIO(), False)):
        console = line_console(file=file, width=40)
        console.print("note: " + "/folder" * 20)
        assert (len(file.getvalue().splitlines()) > 1) is wrapped
