"""Commands import only what they use (issue 16): no scipy or matplotlib to print a version or read a file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from retrogait.session import Session, write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

#: Runs the CLI in a fresh interpreter and prints the modules it loaded, as JSON, on stderr.
PROBE = (
    "import sys, json; from retrogait.cli import main; rc = main(sys.argv[1:]); "
    "print('MODULES ' + json.dumps(sorted(sys.modules)), file=sys.stderr)"
)


def modules_of(*args: str) -> set[str]:
    """Every module a command loads."""
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False)
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def loaded(*args: str) -> set[str]:
    """The top-level packages a command loads."""
    return {m.split(".")[0] for m in modules_of(*args)}


def test_version_and_help_load_no_numeric_library() -> None:
    for args in (["--version"], ["--help"], ["analyze", "--help"], ["batch", "--help"]):
        assert not loaded(*args) & {"numpy", "pandas", "scipy", "matplotlib"}, args


def test_info_and_convert_load_no_scipy_or_matplotlib(small_session: Session, tmp_path: Path) -> None:
    path = write_session(small_session, tmp_path / "s.csv")
    for args in (["info", str(path)], ["convert", str(path), "--out", str(tmp_path / "c.csv")]):
        assert not loaded(*args) & {"scipy", "matplotlib"}, args


@pytest.mark.parametrize("report", [True, False])
def test_analyze_loads_neither_compare_nor_matplotlib(small_session: Session, tmp_path: Path, report: bool) -> None:
    path = write_session(small_session, tmp_path / "s.csv")
    args = ["analyze", str(path), "--out", str(tmp_path / "out"), "--report" if report else "--no-report"]
    modules = modules_of(*args)
    assert (tmp_path / "out" / "summary.json").exists()
    assert (tmp_path / "out" / "report.html").exists() == report
    assert "matplotlib" not in modules
    assert not {m for m in modules if m.startswith("retrogait.compare")}


@pytest.fixture(scope="module")
def one_minute(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated minute of running forward and backward, shank at 200 Hz, as a native file."""
    bouts = [Bout("still", "still", 0.0, 5), Bout("forward", "running", 3.0, 30), Bout("backward", "running", 2.5, 25)]
    session = simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=5)).session
    return write_session(session, tmp_path_factory.mktemp("minute") / "minute.csv")


def _loaded_by(code: str, *args: str) -> set[str]:
    """Every module a snippet of Python loaded (it must print nothing else on stderr's last line)."""
    probe = f"{code}\nimport sys, json; print('MODULES ' + json.dumps(sorted(sys.modules)), file=sys.stderr)"
    proc = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


@pytest.mark.parametrize("report", [True, False])
def test_analyze_loads_no_scipy(one_minute: Path, tmp_path: Path, report: bool) -> None:
    """The analysis runs on retrogait.dsp (PERF-8): scipy is not imported by analyze, with or without report."""
    args = ["analyze", str(one_minute), "--out", str(tmp_path / "out"), "--report" if report else "--no-report"]
    modules = modules_of(*args)
    assert len(pd.read_csv(tmp_path / "out" / "steps.csv")) > 50
    assert not {m for m in modules if m.split(".")[0] == "scipy"}


def test_batch_worker_and_live_detector_load_no_scipy(one_minute: Path, tmp_path: Path) -> None:
    worker = (
        "import os, sys\n"
        "from retrogait.batch.lifeline import start_worker\n"
        "from retrogait.batch.worker import analyze_one\n"
        "start_worker(os.getppid())\n"
        "outcome = analyze_one(sys.argv[1], 'k' * 24, {}, sys.argv[2])\n"
        "assert outcome.ok and outcome.summary['n_steps'] > 50, outcome"
    )
    assert not {m for m in _loaded_by(worker, str(one_minute), str(tmp_path)) if m.startswith("scipy")}
    live = (
        "import sys\n"
        "from retrogait.live.online import OnlineStepDetector\n"
        "from retrogait.session import read_session\n"
        "s = read_session(sys.argv[1])\n"
        "det = OnlineStepDetector('shank', s.meta.sample_rate_hz, side=s.meta.side)\n"
        "steps = []\n"
        "for i in range(0, s.n_samples, 50):\n"
        "    det.feed(s.t_s[i : i + 50], s.acc[i : i + 50], s.gyr[i : i + 50])\n"
        "    steps += det.step() if det.due() else []\n"
        "assert len(steps + det.step(final=True)) > 50"
    )
    assert not {m for m in _loaded_by(live, str(one_minute)) if m.startswith("scipy")}


def test_import_retrogait_is_light() -> None:
    code = "import sys, retrogait; print(retrogait.__version__); assert 'numpy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    code = "import retrogait; print(retrogait.analyze.__module__, retrogait.Session.__name__)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.split() == ["retrogait.analysis.pipeline", "Session"]


def test_batch_process_loads_no_pandas_while_workers_analyse(one_minute: Path, tmp_path: Path) -> None:
    """With workers (and without the cohort comparison) the batch process only hands out jobs and writes the
    combined tables: it never imports pandas, whose import the Dask client paid in series (BATCH-17)."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.csv").write_bytes(one_minute.read_bytes())
    bouts = [Bout("forward", "running", 3.0, 30), Bout("backward", "running", 2.5, 30)]
    write_session(simulate(SimulationConfig("shank", bouts, seed=6)).session, tmp_path / "in" / "b.csv")
    out = tmp_path / "out"
    modules = modules_of("batch", str(tmp_path / "in"), "--out", str(out), "--jobs", "2", "--no-compare")
    sessions = pd.read_csv(out / "sessions.csv")
    assert len(sessions) == 2 and (sessions["n_steps"] > 50).all()
    assert pd.read_parquet(out / "steps.parquet")["session"].nunique() == 2
    assert not {m.split(".")[0] for m in modules} & {"pandas", "scipy", "matplotlib"}


def test_a_command_registers_only_its_own_module() -> None:
    """PERF-41: Typer inspects every registered command at each run; `analyze` registers analyze alone, `formats` the
    convert module, `--help` and a misspelt command every one (Typer lists them all)."""
    commands = {m for m in modules_of("analyze", "--help") if m.startswith("retrogait.cli.")}
    assert "retrogait.cli.analyze" in commands
    assert not commands & {"retrogait.cli.batch", "retrogait.cli.compare", "retrogait.cli.record"}
    assert "retrogait.cli.convert" in modules_of("formats")
    for args in (["--help"], ["analyse", "x"]):
        every = {f"retrogait.cli.{m}" for m in ("analyze", "batch", "compare", "convert", "record", "simulate")}
        assert every <= modules_of(*args), args
