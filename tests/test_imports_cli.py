"""Every command that reads a recording takes the same reader options; info reads what analyze reads
(issue 12 item 18) and prints user text safely (item 13)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.cli import main
from retrogait.session import read_session, write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

READER_FLAGS = (
    "--format",
    "--rate",
    "--time-column",
    "--time-unit",
    "--acc-columns",
    "--acc-unit",
    "--gyr-columns",
    "--gyr-unit",
    "--delimiter",
)


@pytest.mark.parametrize("command", ["analyze", "compare", "batch", "info", "convert"])
def test_every_reading_command_takes_the_reader_options(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    for flag in READER_FLAGS:
        assert flag in text, f"{command} lacks {flag}"


def _no_time_column(tmp_path: Path, seconds: float = 12.0) -> Path:
    """A simulated shank run written as a table with no time column (CoreMotion-export style)."""
    config = SimulationConfig("shank", [Bout("forward", "running", 3.0, seconds)], 100.0)
    session = simulate(config).session
    assert session.gyr is not None
    g = samples.G
    path = tmp_path / "device_motion.csv"
    rows = np.hstack([session.acc / g, np.radians(session.gyr)])
    header = "acc_x_g,acc_y_g,acc_z_g,rotationRate.x,rotationRate.y,rotationRate.z\n"
    path.write_text(header + "".join(",".join(f"{v:.7g}" for v in row) + "\n" for row in rows))
    return path


def test_no_time_column_is_read_with_rate_by_every_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _no_time_column(tmp_path)
    out = tmp_path / "s.csv"
    assert main(["convert", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "has no time column" in err and "--rate HZ" in err and err.count("\n") == 1
    assert main(["convert", str(path), "--out", str(out), "--rate", "100"]) == 0
    session = read_session(out)
    assert session.meta.sample_rate_hz == 100.0 and session.meta.extra["inferred_acc_unit"].startswith("g:")
    assert main(["info", str(path), "--rate", "100"]) == 0
    assert "inferred_time_column: none: times from --rate 100 Hz" in capsys.readouterr().out
    assert main(["analyze", str(path), "--rate", "100", "--placement", "shank", "--out", str(tmp_path / "a")]) == 0
    assert "input: inferred_acc_unit: g:" in capsys.readouterr().out  # what was inferred is said
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["sample_rate_hz"] == pytest.approx(100.0)
    assert main(["analyze", str(path), "--out", str(tmp_path / "b")]) == 2
    assert "--rate HZ" in capsys.readouterr().err


def test_batch_and_compare_pass_the_reader_options_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _no_time_column(folder)
    argv = ["batch", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1", "--placement", "shank"]
    main([*argv, "--no-compare"])
    assert "--rate HZ" in (tmp_path / "out" / "errors.csv").read_text()
    capsys.readouterr()
    main([*argv, "--no-compare", "--rate", "100"])
    assert (tmp_path / "out" / "errors.csv").read_text().count("\n") <= 1  # header only: nothing failed
    recording = folder / "device_motion.csv"
    compare_out = tmp_path / "c"
    assert main(["compare", str(recording), "--out", str(compare_out), "--placement", "shank"]) == 2
    assert "--rate HZ" in capsys.readouterr().err


def test_info_reads_what_analyze_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12 item 18: a CR-terminated GENEActiv export was 'a binary file' to info."""
    path = samples.geneactiv(tmp_path / "ga.csv", newline="\r")
    assert main(["info", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "ga.csv" in printed and "geneactiv" in printed and "50.0 Hz" in printed
    gz = samples.generic_table(tmp_path / "phone.csv", samples.TableSpec(time=("t", "ns"), header=False, gzip=True))
    assert main(["info", str(gz)]) == 0
    printed = capsys.readouterr().out
    assert "generic_csv" in printed and "inferred_time_unit: ns" in printed and "inferred_acc_unit: ms2" in printed


HOSTILE = ("Polar [/b] H10", "evil \x1b[31mRED\x1b[0m \x07 bell", "[link=file:///etc/passwd]x[/link]")


def _hostile_sessions(folder: Path) -> list[Path]:
    base = simulate(SimulationConfig("shank", [Bout("forward", "running", 3.0, 6.0)], 200.0)).session
    return [
        write_session(base.with_meta(sensor=text, subject=text), folder / f"run{i}.csv")
        for i, text in enumerate(HOSTILE)
    ]


def test_info_prints_header_text_verbatim_and_never_obeys_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 12 item 13: rich markup in a header crashed info; escape bytes were printed raw."""
    paths = _hostile_sessions(tmp_path)
    assert main(["info", *map(str, paths)]) == 0
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\x07" not in printed
    assert "Polar [/b] H10" in printed and "\\x1b[31mRED" in printed and "[link=file:///etc/passwd]x[/link]" in printed


def test_batch_prints_header_text_verbatim(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12 item 13: batch crashed with a MarkupError after writing everything."""
    folder = tmp_path / "in"
    folder.mkdir()
    _hostile_sessions(folder)
    assert main(["batch", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "internal error" not in err and "\x1b" not in err


def test_analyze_prints_paths_verbatim(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "[bold]runs[red]"
    folder.mkdir()
    path = _hostile_sessions(folder)[0]
    assert main(["analyze", str(path)]) == 0
    assert "[bold]runs[red]" in capsys.readouterr().out.replace("\n", "")


def test_convert_never_writes_what_analyze_refuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12 item 4: 1e308 g became inf in the session; convert wrote it, our reader refused the file
    and analyze exited 0 on the export. Now the value is missing (said; EDGE-198: no longer its row dropped), the
    file reads back, and a session file holding an infinite time is refused by analyze with exit 2."""
    config = SimulationConfig("shank", [Bout("forward", "running", 3.0, 8.0)], 100.0)
    session = simulate(config).session
    g = samples.G
    samples_xyz = zip(session.t_s.tolist(), session.acc.tolist(), strict=True)
    rows = [f"{t!r},{x / g!r},{y / g!r},{z / g!r}" for t, (x, y, z) in samples_xyz]
    rows[100] = rows[100].rsplit(",", 1)[0] + ",1e308"
    export = tmp_path / "ptss.csv"
    export.write_text("time,gFx,gFy,gFz\n" + "\n".join(rows) + "\n")
    out = tmp_path / "s.csv"
    assert main(["convert", str(export), "--out", str(out)]) == 0
    assert "1 of them infinite" in capsys.readouterr().out.replace("\n", " ")
    assert read_session(out).n_samples == len(rows)
    bad = tmp_path / "bad.csv"
    lines = out.read_text().splitlines()
    first_row = next(i for i, line in enumerate(lines) if line.startswith("t_s")) + 5
    fields = lines[first_row].split(",")
    fields[0] = "inf"
    lines[first_row] = ",".join(fields)
    bad.write_text("\n".join(lines) + "\n")
    assert main(["analyze", str(bad), "--out", str(tmp_path / "a")]) == 2
    assert "t_s is infinite" in capsys.readouterr().err
