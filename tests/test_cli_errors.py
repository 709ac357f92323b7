"""The CLI turns bad input and file-system refusals into one line on stderr, exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrogait.cli import main
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate


def test_output_path_that_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = simulate(SimulationConfig("lower_back", [Bout("forward", "running", 3.0, 5.0)], 100.0)).session
    source = write_session(session, tmp_path / "run.csv")
    (tmp_path / "taken").mkdir()
    assert main(["convert", str(source), "--out", str(tmp_path / "taken")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("retrogait: error:") and "taken" in err and "\n" not in err


def test_info_reports_each_bad_file_and_summarises_the_rest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = simulate(SimulationConfig("shank", [Bout("still", "still", 0.0, 3.0)], 100.0)).session
    good = write_session(session, tmp_path / "good.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("not a session\n")
    assert main(["info", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert "good.csv" in captured.out
    assert captured.err.count("retrogait: error:") == 1 and "bad.csv" in captured.err


def test_version_and_light_import(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("retrogait ")
    import subprocess
    import sys

    # importing the CLI package (what batch workers do when they re-import the console script)
    # must not pull in Typer, bleak or matplotlib
    code = "import sys, retrogait.cli; print(sorted({'typer', 'bleak', 'matplotlib'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_batch_refuses_bad_settings_before_starting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = simulate(SimulationConfig("shank", [Bout("forward", "running", 3.0, 5.0)], 100.0)).session
    write_session(session, tmp_path / "in" / "run.csv")
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--placement", "knee"]) == 2
    err = capsys.readouterr().err
    assert "--placement must be one of" in err
    assert "analysing" not in err  # no progress bar before the refusal
    assert not (tmp_path / "out" / "errors.csv").exists()


def test_compare_needs_a_metric_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "steps.csv").write_text("ic_time_s,direction\n1,forward\n2,backward\n")
    assert main(["compare", str(tmp_path / "f"), "--out", str(tmp_path / "c")]) == 2
    assert "no metric column" in capsys.readouterr().err


def test_empty_folder_is_named_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["analyze", str(tmp_path / "empty"), "--out", str(tmp_path / "o")]) == 2
    assert "empty folder" in capsys.readouterr().err


def test_paths_handed_to_main_are_read_as_text_by_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``main([...])`` from a notebook with ``pathlib.Path`` items: ``convert`` and ``info`` ran into
    ``str.endswith`` on a Path (a traceback out of ``main``) or Typer's ``object of type 'PosixPath' has no len()``
    (status 70); now each reads the path it names (REVIEW-166)."""
    session = simulate(SimulationConfig("lower_back", [Bout("forward", "running", 3.0, 5.0)], 100.0)).session
    source = write_session(session, tmp_path / "run.csv")
    assert main(["convert", source, "--out", tmp_path / "copy.csv"]) == 0
    assert (tmp_path / "copy.csv").is_file()
    assert main(["info", tmp_path / "copy.csv"]) == 0
    assert "copy.csv" in capsys.readouterr().out
    assert main(["convert", source, "--out", tmp_path / "newdir" / ""]) == 0  # Path drops the trailing "/"
    assert main(["convert", source, "--out", str(tmp_path / "newdir") + "/"]) == 2
    assert "names a folder" in capsys.readouterr().err
