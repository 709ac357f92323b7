"""A command never replaces a file it did not write (EDGE-267, EDGE-268): `analyze X --out .` in a data set's folder
replaced the data set's own steps.csv; `simulate --out x.csv` replaced a recording named x_truth.csv."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrogait.cli import main
from retrogait.simulate import TRUTH_COLUMNS, Bout, SimulationConfig, simulate, write_simulation

#: A data set's own table, as /work/shared/data/phone_positions/steps.csv begins (the true step count per trace).
THEIR_STEPS = "trace,user,phone,position,duration_s,true_steps\nNexus_Jamie_Hard_InHand_1,Jamie,Nexus,InHand,152,305\n"


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short simulated shank session with forward and backward running."""
    config = SimulationConfig(
        placement="shank",
        bouts=[
            Bout("still", "still", 0.0, 2.0),
            Bout("forward", "running", 3.0, 8.0),
            Bout("backward", "running", 2.5, 8.0),
        ],
        sample_rate_hz=200.0,
        seed=3,
    )
    path, _ = write_simulation(simulate(config), tmp_path_factory.mktemp("rec") / "run.csv")
    return path


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("name", ["steps.csv", "bouts.csv", "summary.json", "report.html"])
def test_analyze_does_not_replace_a_file_it_did_not_write(
    name: str, recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    theirs = tmp_path / name
    text = THEIR_STEPS if name.endswith(".csv") else ('{"trace": 1}\n' if name.endswith(".json") else "<p>mine</p>\n")
    theirs.write_text(text)
    err = _refused(["analyze", str(recording), "--out", str(tmp_path)], capsys)
    assert str(theirs) in err and "not written by `retrogait analyze`" in err and "nothing was written" in err
    assert theirs.read_text() == text
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # nothing else written


def test_analyze_replaces_its_own_outputs_and_an_empty_file(
    recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "a"
    assert main(["analyze", str(recording), "--out", str(out)]) == 0
    steps = (out / "steps.csv").read_bytes()
    (out / "steps.csv").write_bytes(b"\xef\xbb\xbf" + steps.replace(b"\n", b"\r\n"))  # re-saved by a spreadsheet
    (out / "bouts.csv").write_bytes(b"")
    assert main(["analyze", str(recording), "--out", str(out)]) == 0
    assert main(["analyze", str(recording), "--out", str(out), "--no-report"]) == 0  # removes its own report
    assert (out / "steps.csv").read_bytes() == steps and not (out / "report.html").exists()


def test_analyze_with_no_report_does_not_remove_someone_else_s_report(
    recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "report.html").write_text("<!DOCTYPE html>\n<p>the physio's own notes</p>\n")
    _refused(["analyze", str(recording), "--out", str(tmp_path), "--no-report"], capsys)
    assert (tmp_path / "report.html").is_file()


@pytest.mark.parametrize("name", ["compare.csv", "compare.json", "report.html", "distributions.png"])
def test_compare_does_not_replace_a_file_it_did_not_write(
    name: str, recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cmp"
    assert main(["compare", str(recording), "--out", str(out), "--n-boot", "200"]) == 0  # its own: replaced
    assert main(["compare", str(recording), "--out", str(out), "--n-boot", "200"]) == 0
    theirs = out / name
    theirs.write_bytes(b"\x89PNG\r\n\x1a\n a photo" if name.endswith(".png") else b"metric_of_mine,1\n")
    before = theirs.read_bytes()
    err = _refused(["compare", str(recording), "--out", str(out), "--n-boot", "200"], capsys)
    assert str(theirs) in err and "not written by `retrogait compare`" in err
    assert theirs.read_bytes() == before


def test_simulate_does_not_replace_a_recording_named_as_its_truth_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    theirs = tmp_path / "x_truth.csv"
    theirs.write_text("time,ax,ay,az\n0.00,0.1,0.2,9.8\n")
    err = _refused(["simulate", "--out", str(tmp_path / "x.csv"), "--bouts", "forward:running:3.0:4"], capsys)
    assert str(theirs) in err and "not a ground-truth table that simulate wrote" in err
    assert theirs.read_text() == "time,ax,ay,az\n0.00,0.1,0.2,9.8\n" and not (tmp_path / "x.csv").exists()


def test_simulate_writes_its_own_truth_table_again(tmp_path: Path) -> None:
    argv = ["simulate", "--out", str(tmp_path / "x.csv"), "--bouts", "forward:running:3.0:4", "--rate", "100"]
    assert main(argv) == 0
    first = (tmp_path / "x_truth.csv").read_bytes()
    assert first.startswith(",".join(TRUTH_COLUMNS).encode())  # the start the check looks for is the table's
    assert main([*argv, "--seed", "1"]) == 0
    assert (tmp_path / "x_truth.csv").read_bytes() != first
