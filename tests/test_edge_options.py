"""Odd option values and paths for batch, convert, info and analyze: one clear line, never an internal
error, and a name from the file system is shown, never obeyed by the terminal (EDGE-71, EDGE-72)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from retrogait.batch import pool as batch_pool
from retrogait.cli import main
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate


@pytest.fixture
def run_csv(tmp_path: Path) -> Path:
    session = simulate(SimulationConfig("lower_back", [Bout("forward", "running", 3.0, 5.0)], 100.0)).session
    return write_session(session, tmp_path / "run.csv")


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("retrogait: error: "), err
    assert "\x1b" not in err
    return lines[0]


@pytest.mark.parametrize("name", ["bad\nname.csv", "bad\x1b[2Jname.csv"])
def test_a_refused_file_with_a_newline_or_an_escape_in_its_name_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    bad = tmp_path / name
    bad.write_text("x,y\n1,2\n")
    assert main(["analyze", str(bad), "--no-report"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "bad\\x0aname.csv" in line or "bad\\x1b[2Jname.csv" in line


def test_convert_shows_an_output_name_with_an_escape_as_text(
    tmp_path: Path, run_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", str(run_csv), "-o", str(tmp_path / "out\x1b[2J\n.csv")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "out\\x1b[2J\\x0a.csv" in out


@pytest.mark.parametrize("command", [["info"], ["analyze", "--no-report"], ["batch", "-j", "1", "-o", "OUT"]])
def test_a_symbolic_link_loop_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    argv = [*command[:1], str(tmp_path / "a.csv"), *(str(tmp_path / a) if a == "OUT" else a for a in command[1:])]
    assert main(argv) == 2
    assert "is a symbolic link that leads nowhere" in _one_error_line(capsys.readouterr().err)


def test_a_numeric_time_column_read_as_datetime_is_refused(run_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It was "internal error: KeyError: 'datetime'"."""
    assert main(["info", str(run_csv), "--time-unit", "datetime"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "time column 't_s' holds numbers, not date-time text" in line


def test_a_batch_whose_output_folder_holds_its_input_says_so(
    run_csv: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """It said "no recordings found in run.csv" of a recording."""
    monkeypatch.chdir(run_csv.parent)
    assert main(["batch", "run.csv", "-j", "1", "-o", "."]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "run.csv lies in the output folder ., which a batch never reads: give another --out" in line


def test_local_workers_are_at_most_four_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert batch_pool.local_workers(None) == 2
    assert batch_pool.local_workers(3) == 3
    assert batch_pool.local_workers(10000) == 8


def test_batch_with_ten_thousand_jobs_starts_a_few_workers(
    tmp_path: Path, run_csv: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--jobs 10000 started a process per input (thousands for a large cohort, each 0.2-0.3 GB)."""
    started: list[int] = []

    def threads(jobs: int) -> ThreadPoolExecutor:  # the workers' count, without processes
        started.append(jobs)
        return ThreadPoolExecutor(jobs)

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(batch_pool, "start_local_pool", threads)
    assert main(["batch", str(run_csv), "-o", str(tmp_path / "out"), "--jobs", "10000", "--no-compare"]) == 0
    assert started == [8]
    assert "note: --jobs 10000: 8 worker processes (4 per core" in capsys.readouterr().err


def test_analyze_of_the_root_folder_asks_for_out(capsys: pytest.CaptureFixture[str]) -> None:
    """Its output folder was named after it: "internal error: ValueError: PosixPath('/') has an empty name"."""
    assert main(["analyze", "/", "--no-report"]) == 2
    assert (
        _one_error_line(capsys.readouterr().err)
        == "retrogait: error: /: has no name to name the output folder after: give --out"
    )


@pytest.mark.parametrize("address", ["", "tcp://a\nb:8786", "junk"])
def test_batch_refuses_a_scheduler_that_is_no_address(
    tmp_path: Path, run_csv: Path, capsys: pytest.CaptureFixture[str], address: str
) -> None:
    """'' ran locally without a word; 'junk' was "internal error: ValueError: missing port number"."""
    if address == "junk":
        pytest.importorskip("distributed")
    assert main(["batch", str(run_csv), "-o", str(tmp_path / "out"), "--scheduler", address]) == 2
    err = capsys.readouterr().err  # 'junk' is refused by Dask once the batch has started: after its bar
    line = _one_error_line(err.strip().splitlines()[-1])
    assert line.startswith("retrogait: error: --scheduler ") and "address" in line


def test_batch_into_a_file_names_the_file(tmp_path: Path, run_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It said "FILE/sessions: a part of this path is a file", a folder the user never named."""
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine\n")
    assert main(["batch", str(run_csv), "-j", "1", "-o", str(a_file)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line == f"retrogait: error: {a_file / 'sessions'}: {a_file} is a file, not a folder"
    assert a_file.read_text() == "mine\n"


def test_simulate_and_compare_print_an_output_name_with_brackets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path holding "[/b]" (folder "a[", file "b]x.csv") was rich markup: "internal error: MarkupError"
    after the files were written."""
    (tmp_path / "a[").mkdir()
    out = tmp_path / "a[" / "b]x.csv"
    bouts = "forward:running:3:8,still::0:2,backward:running:2.5:8"  # both directions: something to compare
    assert main(["simulate", "-o", str(out), "--bouts", bouts, "--placement", "lower_back"]) == 0
    assert f"wrote {out}" in capsys.readouterr().out.replace("\n", "")
    assert main(["analyze", str(out), "--no-report", "--out", str(tmp_path / "an")]) == 0
    capsys.readouterr()
    assert main(["compare", str(tmp_path / "an"), "--out", str(tmp_path / "a[" / "b]c")]) == 0
    captured = capsys.readouterr()
    assert (
        "internal error" not in captured.err
        and f"report: {tmp_path / 'a[' / 'b]c' / 'report.html'}" in captured.out.replace("\n", "")
    )


@pytest.mark.parametrize("timeout", ["-1", "0", "nan", "inf"])
def test_scan_refuses_a_timeout_that_is_no_duration(timeout: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--timeout", timeout]) == 2
    assert "--timeout must be a positive number of seconds" in _one_error_line(capsys.readouterr().err)


def test_scan_lists_a_device_named_like_markup(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Anyone nearby names their device: "[/b]" was "internal error: MarkupError", an escape reached the terminal."""
    from retrogait.cli import scan

    async def seen(timeout_s: float) -> list[dict[str, object]]:
        return [{"name": "x[/b]\x1b[2J", "address": "AA:BB", "rssi_dbm": -50, "profile": ""}]

    monkeypatch.setattr(scan, "scan_devices", seen)
    assert main(["scan", "--all", "--timeout", "1"]) == 0
    out = capsys.readouterr().out
    assert "x[/b]\\x1b[2J" in out and "\x1b" not in out


@pytest.mark.parametrize(
    "command",
    [
        ["analyze", "{missing}", "--no-report"],
        ["convert", "{missing}", "--out", "{out}"],
        ["batch", "{missing}", "--out", "{out}", "--jobs", "1"],
        ["record", "--sensor", "movesense", "--address", "AA:BB", "--out", "{out}"],
    ],
)
def test_a_word_for_a_placement_is_answered_before_any_file_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """EDGE-75: `--placement pocket` was refused only after the recording was read (1-2 s), with no hint; the
    file here is empty, which reading it would say first."""
    (tmp_path / "empty.csv").write_text("")
    values = {"{missing}": str(tmp_path / "empty.csv"), "{out}": str(tmp_path / "out.csv")}
    assert main([values.get(a, a) for a in command] + ["--placement", "pocket"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line.endswith("got 'pocket'; for 'pocket' give --placement thigh"), line


def test_placement_and_side_in_another_spelling_are_taken(
    run_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "analysis"
    assert (
        main(["analyze", str(run_csv), "--placement", "Lower-Back", "--side", "L", "--out", str(out), "--no-report"])
        == 0
    )
    summary = (out / "summary.json").read_text()
    assert '"placement": "lower_back"' in summary and '"side": "left"' in summary
    assert main(["analyze", str(run_csv), "--side", "up", "--out", str(out), "--no-report"]) == 2
    assert _one_error_line(capsys.readouterr().err).endswith("--side must be one of left, right, got 'up'")


@pytest.mark.parametrize(
    ("option", "said"),
    [
        (["--format", "junk"], "unknown format 'junk'; supported formats: native, phyphox,"),
        (["--anterior-axis", "+q"], "--anterior-axis must be one of +x -x +y -y +z -z, got '+q'"),
    ],
)
def test_a_bad_format_or_axis_is_refused_before_any_file_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str], said: str
) -> None:
    """EDGE-75: both were refused only after the recording was read (3.7 s for an hour); the file here is
    empty, which reading it would say first."""
    (tmp_path / "empty.csv").write_text("")
    assert main(["analyze", str(tmp_path / "empty.csv"), *option, "--no-report"]) == 2
    assert said in _one_error_line(capsys.readouterr().err)


def test_the_format_names_checked_early_are_the_readers() -> None:
    from retrogait.imports import FORMATS
    from retrogait.imports.base import FORMAT_ALIASES, FORMAT_NAMES

    assert tuple(fmt.name for fmt in FORMATS) == FORMAT_NAMES
    assert set(FORMAT_ALIASES.values()) <= set(FORMAT_NAMES)
