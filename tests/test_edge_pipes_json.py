"""Output read by other programs (EDGE-89..): a pipe its reader closed, strict JSON readers, folder paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

#: The ``retrogait`` program as the console script runs it (``argv`` None: the whole process).
PROGRAM = "import sys; from retrogait.cli import main; sys.exit(main())"


@pytest.fixture(scope="module")
def shank_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bouts = [Bout("forward", "running", 3.0, 12.0), Bout("backward", "running", 2.5, 12.0)]
    session = simulate(SimulationConfig("shank", bouts, 200.0, seed=3)).session
    return write_session(session, tmp_path_factory.mktemp("run") / "run.csv")


def _into_closed_pipe(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``retrogait ARGS`` with its standard output a pipe whose reader is already gone (``| head`` after
    its lines): every write to it fails, deterministically."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-c", PROGRAM, *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            timeout=300,
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [["formats"], ["--version"], ["info", "RUN"], ["analyze", "RUN", "--out", "an"]])
def test_a_closed_output_pipe_is_a_quiet_exit(args: list[str], shank_run: Path, tmp_path: Path) -> None:
    """`retrogait info *.csv | head -1` exited 1 without a word (rich's handling) or with a traceback
    (--version): now the shell's status for a program the pipe stopped, 141, and nothing on stderr (EDGE-89)."""
    done = _into_closed_pipe([str(shank_run) if a == "RUN" else a for a in args], tmp_path)
    assert (done.returncode, done.stderr) == (141, "")
    if "analyze" in args:  # the files were written before the summary was printed: whole
        assert json.loads((tmp_path / "an" / "summary.json").read_text(encoding="utf-8"))["all"]["n_steps"] > 0
