"""A finished ``retrogait analyze`` ends without the interpreter's teardown, its ``atexit`` handlers run (PERF-35)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from retrogait.session import Session, write_session

#: The CLI as the ``retrogait`` program runs it (``main()`` reads sys.argv), with an ``atexit`` handler that leaves
#: an object in a reference cycle, whose ``__del__`` tells when the interpreter's teardown collects it. It is made in
#: the last ``atexit`` handler, after every ``gc.freeze`` of the command (PERF-18's ``resume``, PERF-15's handler):
#: an object made before is frozen, never collected, and freed at exit only where the teardown wipes ``__main__``,
#: which depended on the numpy release (2.4.6 kept ``__main__`` alive to be wiped, 2.0.2 did not; REVIEW-269).
PROBE = """
import atexit, os, sys
class Teardown:
    def __del__(self, write=os.write):  # bound now: the teardown clears the modules' names first
        write(2, b"TEARDOWN\\n")
def at_exit():
    sys.stderr.write("ATEXIT\\n")
    cycle = Teardown()
    cycle.itself = cycle  # only the collection of Python's teardown frees it
atexit.register(at_exit)
from retrogait.cli import main
sys.argv = ["retrogait", *sys.argv[1:]]
sys.stdout.write("BEFORE\\n")  # buffered: flushed before the process ends
sys.exit(main())
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False)


def test_a_finished_analyze_skips_the_teardown(small_session: Session, tmp_path: Path) -> None:
    path = write_session(small_session, tmp_path / "s.csv")
    out = tmp_path / "out"
    proc = _run("analyze", str(path), "--out", str(out), "--no-report")
    assert proc.returncode == 0, proc.stderr
    assert "ATEXIT" in proc.stderr  # the handlers ran (rich, logging, the command's own gc.freeze)
    assert "TEARDOWN" not in proc.stderr
    assert proc.stdout.startswith("BEFORE\n") and "wrote" in proc.stdout  # everything printed arrived
    assert json.loads((out / "summary.json").read_text())["placement"] == small_session.meta.placement
    assert (out / "steps.csv").read_text().endswith("\n")


@pytest.mark.parametrize("args", [["analyze", "missing.csv"], ["info", "missing.csv"]])
def test_other_ends_are_python_s_own(args: list[str], tmp_path: Path) -> None:
    """A refused input (status 2) and other commands exit as Python exits: teardown included."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert proc.returncode == 2
    assert "ATEXIT" in proc.stderr and "TEARDOWN" in proc.stderr


def test_main_called_from_python_returns(small_session: Session, tmp_path: Path) -> None:
    from retrogait.cli import main

    path = write_session(small_session, tmp_path / "s.csv")
    assert main(["analyze", str(path), "--out", str(tmp_path / "out"), "--no-report"]) == 0
