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


@pytest.mark.parametrize("bouts", ["forward:running:3.0:15", "backward:running:2.5:15"])
def test_compare_with_nothing_to_compare_is_refused(
    bouts: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One direction only: compare printed a table of "nothing to compare" rows, exited 0 and replaced the
    previous comparison in --out; now one line, exit 2 (nothing could be done), the earlier files kept (EDGE-92)."""
    run = tmp_path / "one_way.csv"
    assert main(["simulate", "--out", str(run), "--bouts", f"still::0:3,{bouts},still::0:3", "--rate", "200"]) == 0
    out = tmp_path / "cmp"
    out.mkdir()
    (out / "compare.csv").write_text("metric,earlier\n", encoding="utf-8")  # as compare writes it (EDGE-267)
    capsys.readouterr()
    assert main(["compare", str(run), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing to compare" in err and " 0 " in err and "nothing written" in err
    assert [p.name for p in out.iterdir()] == ["compare.csv"]
    assert (out / "compare.csv").read_text(encoding="utf-8") == "metric,earlier\n"


@pytest.mark.parametrize(
    "args",
    [
        ["simulate", "--out", "newdir/"],
        ["simulate", "-o", "newdir/", "--rate", "100"],
        ["simulate", "--out=newdir/"],
        ["convert", "RUN", "--out", "newdir/"],
    ],
)
def test_a_folder_path_as_the_session_file_is_refused(
    args: list[str],
    shank_run: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`simulate --out newdir/` wrote newdir.csv beside the folder meant, `convert` a file called newdir
    (pathlib drops the trailing /): now one line naming a file to give, exit 2, nothing written (EDGE-93)."""
    monkeypatch.chdir(tmp_path)
    assert main([str(shank_run) if a == "RUN" else a for a in args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "names a folder" in err and "newdir/run.csv" in err
    assert list(tmp_path.iterdir()) == []


def test_the_simulator_refuses_a_folder_path() -> None:
    from retrogait.errors import RetrogaitError
    from retrogait.simulate.assemble import simulation_paths

    with pytest.raises(RetrogaitError, match="names a folder"):
        simulation_paths("newdir/")
    assert simulation_paths("newdir/run")[0] == Path("newdir/run.csv")


@pytest.mark.parametrize("beside", [False, True])
def test_a_sensor_logger_magnetometer_alone_points_to_the_accelerometer(
    beside: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sensor Logger (iOS) Magnetometer.csv given alone was "no three acceleration columns" (the generic reader's
    words); now the file to give, as Polar's MAGN file is answered (EDGE-94)."""
    rows = "".join(f"{1_700_000_000_000_000_000 + i * 10_000_000},{i / 100},1,2,3\n" for i in range(50))
    magnetometer = tmp_path / "Magnetometer.csv"
    magnetometer.write_text("time,seconds_elapsed,z,y,x\n" + rows, encoding="utf-8")
    if beside:
        (tmp_path / "Accelerometer.csv").write_text("time,seconds_elapsed,z,y,x\n" + rows, encoding="utf-8")
    assert main(["info", str(magnetometer)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Sensor Logger Magnetometer table without acceleration" in err
    assert ("pass Accelerometer.csv beside it" if beside else "pass the export's Accelerometer.csv") in err
