"""What a new user met first (EDGE-78..): a typo in an option, a mixed folder, an interrupted batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrogait.cli import main
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate


@pytest.fixture(scope="module")
def shank_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bouts = [Bout("forward", "running", 3.0, 12.0), Bout("backward", "running", 2.5, 12.0)]
    session = simulate(SimulationConfig("shank", bouts, 200.0, seed=3)).session
    return write_session(session, tmp_path_factory.mktemp("run") / "run.csv")


@pytest.mark.parametrize("word", ["jogging", "run"])
def test_compare_refuses_an_activity_no_step_has(
    word: str, shank_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cmp"
    assert main(["compare", str(shank_run), "--activity", word, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--activity '{word}'" in err and "running, walking" in err
    assert not out.exists()  # refused before anything was read or written


def test_compare_activity_in_capitals_is_the_activity(
    shank_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", str(shank_run), "--activity", "Running", "--out", str(tmp_path / "cmp")]) == 0
    assert "not Running" not in capsys.readouterr().out
