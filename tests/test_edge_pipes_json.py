"""Output read by other programs (EDGE-89..): a pipe its reader closed, strict JSON readers, folder paths."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retrogait.cli import main
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


def _strict(text: str) -> object:
    """``text`` read as jq and JavaScript read JSON: NaN and Infinity are errors."""

    def refuse(word: str) -> object:
        raise ValueError(f"{word} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_batch_writes_strict_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A session run forward only has no backward medians: manifest.jsonl held NaN, which jq and JavaScript
    refuse (the whole file); now null, and every other JSON of the folder is strict too (EDGE-90)."""
    folder = tmp_path / "in"
    folder.mkdir()
    session = simulate(SimulationConfig("shank", [Bout("forward", "running", 3.0, 15.0)], 200.0, seed=5)).session
    write_session(session, folder / "fwd.csv")
    out = tmp_path / "out"
    assert main(["batch", str(folder), "--out", str(out), "-j", "1"]) == 0
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    records = [_strict(line) for line in lines]
    assert len(records) == 1
    summary = records[0]["summary"]  # type: ignore[index]
    assert summary["n_steps"] > 0 and summary["cadence_spm_backward"] is None
    for path in out.rglob("*.json"):
        _strict(path.read_text(encoding="utf-8"))
    sessions = (out / "sessions.csv").read_bytes()
    capsys.readouterr()
    assert main(["batch", str(folder), "--out", str(out), "-j", "1"]) == 0  # read back: null is a gap, as NaN was
    assert (out / "sessions.csv").read_bytes() == sessions
    said = " ".join(capsys.readouterr().err.split())  # a re-run with nothing new: no "0.0 sessions/min" (EDGE-91)
    assert "0 analysed, 1 skipped" in said and "sessions/min" not in said and "nothing to analyse" in said


def test_json_text_has_no_nan() -> None:
    import numpy as np

    from retrogait.jsontext import dumps

    value = {"a": math.nan, "b": [np.float64(math.inf), -math.inf, (1.5, np.float32(2.0))], "c": np.int64(3)}
    assert _strict(dumps(value)) == {"a": None, "b": [None, None, [1.5, 2.0]], "c": 3}
