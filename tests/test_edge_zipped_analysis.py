"""EDGE-49: `compare` reads a zipped analysis folder (a zip of what `retrogait analyze` wrote) as the folder.
Before, it was unpacked as a recording and refused with "is an analysis folder ...: `retrogait compare`
takes it as it is", said by compare itself."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from retrogait.cli import main
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def _zip(folder: Path, zip_path: Path, *folders: Path) -> Path:
    with zipfile.ZipFile(zip_path, "w") as archive:
        for f in folders:
            for file in sorted(f.rglob("*")):
                archive.write(file, file.relative_to(folder))
    return zip_path


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``run/``, the analysis of a simulated forward and backward run on the shank."""
    folder = tmp_path_factory.mktemp("zipped")
    bouts = [Bout("forward", "running", 3.0, 12), Bout("still", "still", 0, 2), Bout("backward", "running", 2.5, 12)]
    sim = simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, side="left", seed=4))
    recording = write_session(sim.session, folder / "run.csv")
    assert main(["analyze", str(recording), "--no-report", "--out", str(folder / "run")]) == 0
    return folder


def test_compare_reads_a_zipped_analysis_folder_as_the_folder(analysed: Path, tmp_path: Path) -> None:
    packed = _zip(analysed, tmp_path / "run.zip", analysed / "run")
    assert main(["compare", str(analysed / "run"), "--n-boot", "200", "--out", str(tmp_path / "a")]) == 0
    assert main(["compare", str(packed), "--n-boot", "200", "--out", str(tmp_path / "b")]) == 0
    assert (tmp_path / "a" / "compare.csv").read_text() == (tmp_path / "b" / "compare.csv").read_text()


def test_a_zip_of_two_analysis_folders_is_refused_in_one_line(
    analysed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    shutil.copytree(analysed / "run", tmp_path / "again")
    shutil.copytree(analysed / "run", tmp_path / "run")
    packed = _zip(tmp_path, tmp_path / "two.zip", tmp_path / "run", tmp_path / "again")
    capsys.readouterr()
    assert main(["compare", str(packed), "--n-boot", "200", "--out", str(tmp_path / "c")]) == 2
    line = _error(capsys)
    assert line.startswith(f"retrogait: error: {packed}: holds 2 analysis folders (")
    assert "unzip it" in line and "retrogait-zip-" not in line


def test_a_damaged_steps_table_in_a_zip_is_named_by_the_zip(
    analysed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    shutil.copytree(analysed / "run", tmp_path / "run")
    steps = tmp_path / "run" / "steps.csv"
    steps.write_text(steps.read_text().replace("ic_time_s", "ic_time", 1))
    packed = _zip(tmp_path, tmp_path / "bad.zip", tmp_path / "run")
    capsys.readouterr()
    assert main(["compare", str(packed), "--n-boot", "200", "--out", str(tmp_path / "d")]) == 2
    line = _error(capsys)
    assert line.startswith(f"retrogait: error: {packed}/run/steps.csv") and "retrogait-zip-" not in line
