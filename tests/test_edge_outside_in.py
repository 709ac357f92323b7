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


def test_batch_placement_fills_in_only_what_a_header_leaves_open(
    shank_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A coach's folder: sessions that say where the sensor was, and one converted without (placement other).
    `--placement foot --side right` is for the one that does not say; it turned the shank session into a
    foot session, analysed with the foot's preset (EDGE-79)."""
    import csv
    import shutil

    folder = tmp_path / "squad"
    folder.mkdir()
    shutil.copy(shank_run, folder / "shank.csv")
    session = simulate(SimulationConfig("foot", [Bout("forward", "running", 3.0, 12.0)], 200.0, seed=4)).session
    write_session(session.with_meta(placement="other", side=None), folder / "unsaid.csv")
    out = tmp_path / "out"
    options = ["--placement", "foot", "--side", "right", "--no-compare", "-j", "1"]
    assert main(["batch", str(folder), "--out", str(out), *options]) == 0
    with open(out / "sessions.csv", encoding="utf-8") as fh:
        rows = {Path(r["session"]).name: (r["placement"], r["side"]) for r in csv.DictReader(fh)}
    assert rows == {"shank.csv": ("shank", "left"), "unsaid.csv": ("foot", "right")}


def test_compare_placement_is_checked_against_a_recordings_own(
    shank_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--placement` names inputs that do not state one and must agree with those that do: a shank recording
    was analysed as a foot one instead (EDGE-79)."""
    out = tmp_path / "cmp"
    assert main(["compare", str(shank_run), "--placement", "foot", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "run.csv: placement is shank, but --placement says foot" in err
    assert not out.exists()


def test_no_help_text_loses_brackets_to_rich_markup() -> None:
    """Typer renders help as rich markup: `[default: all cores]` (batch --jobs) and `[@S][xSTEPS]` (simulate
    --bouts) were taken for style tags and vanished from `--help` (EDGE-80)."""
    import typer.main
    from rich.text import Text

    from retrogait.cli import load_commands

    commands = getattr(typer.main.get_command(load_commands()), "commands", {})
    assert "simulate" in commands and "batch" in commands
    lost = []
    for name, command in commands.items():
        texts = [command.help or ""] + [getattr(p, "help", None) or "" for p in command.params]
        for text in texts:
            if Text.from_markup(text).plain != text.replace("\\[", "["):
                lost.append(f"{name}: {text[:60]}")
    assert lost == []


_SCRIPT = """
from retrogait.batch import run_batch

result = run_batch([{inputs!r}], {out!r}, jobs=2, compare=False)
print("analysed", result.n_analysed, "failed", result.n_failed)
"""


def test_a_script_calling_run_batch_unguarded_is_told_why_its_workers_died(shank_run: Path, tmp_path: Path) -> None:
    """docs/batch.md's example, saved as a script and run: each worker ran the script again and died, every
    session failed as `BrokenProcessPool` and nothing said why (EDGE-82). The example is now guarded; an
    unguarded script's failures say what to do."""
    import subprocess
    import sys

    script = tmp_path / "nightly.py"
    script.write_text(_SCRIPT.format(inputs=str(shank_run), out=str(tmp_path / "out")), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False)
    assert "analysed 0 failed 1" in done.stdout, done.stdout + done.stderr
    errors = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8")
    assert "BrokenProcessPool" in errors and 'under `if __name__ == ""__main__"":`' in errors


def _still(t_s: object) -> object:
    import numpy as np

    from retrogait.session import Session, SessionMeta

    t = np.asarray(t_s, dtype=np.float64)
    acc = np.tile([0.0, 0.0, 9.81], (t.size, 1))
    return Session(t, acc, None, SessionMeta(placement="thigh", sample_rate_hz=200.0))


def test_info_counts_gaps_as_analyze_does_on_a_bursty_phone_clock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Samsung phone delivers 200 Hz in bursts (1.5 to 9 ms apart): `info` said "gaps 1130 (3.45 s)" of a
    file `analyze` found 2 gaps in (phone_positions, Samsung_Carmelo_Hard_Armband_1); now both count the pause
    only (EDGE-83). A steady clock's single lost sample is still a gap."""
    import numpy as np

    from retrogait.summary import session_overview

    rng = np.random.default_rng(0)
    steps = rng.choice([0.0015, 0.004, 0.005, 0.009], size=4000, p=[0.25, 0.25, 0.3, 0.2])
    steps[2000] = 0.5  # one real pause: half a second without samples
    bursty = _still(np.concatenate([[0.0], np.cumsum(steps)]))
    overview = session_overview(bursty)  # type: ignore[arg-type]
    assert overview.n_gaps == 1 and 0.48 < overview.gap_total_s < 0.5
    write_session(bursty, tmp_path / "phone.csv")  # type: ignore[arg-type]
    assert main(["info", str(tmp_path / "phone.csv")]) == 0
    assert "gaps 1 (0.4" in " ".join(capsys.readouterr().out.split())

    steady = np.delete(np.arange(4000) / 200.0, [100, 900, 901, 2500])  # three losses: one of two samples
    assert session_overview(_still(steady)).n_gaps == 3  # type: ignore[arg-type]


def test_batch_counts_one_recording_once_however_it_is_packed(
    shank_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A download folder holds the export's zip beside the unpacked file, and a .gz copy: the bytes differ, so
    each was a session of its own, the cohort compared one run as three (two "subjects"; EDGE-84)."""
    import csv
    import gzip
    import zipfile

    folder = tmp_path / "downloads"
    (folder / "run").mkdir(parents=True)
    data = shank_run.read_bytes()
    (folder / "run" / "run.csv").write_bytes(data)
    with zipfile.ZipFile(folder / "run.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("run/run.csv", data)
    (folder / "copy.csv.gz").write_bytes(gzip.compress(data))
    out = tmp_path / "out"
    assert main(["batch", str(folder), "--out", str(out), "-j", "1"]) == 0
    captured = capsys.readouterr()
    printed = " ".join((captured.out + captured.err).split())
    with open(out / "sessions.csv", encoding="utf-8") as fh:
        assert [Path(r["session"]).name for r in csv.DictReader(fh)] == ["copy.csv.gz"]
    assert "run.zip holds the same samples as" in printed and "2 the same as another" in printed
    import json

    cohort = next((out / "cohort").iterdir())
    assert len(json.loads((cohort / "compare.json").read_text(encoding="utf-8"))["sources"]) == 1


def test_compare_of_a_phone_says_why_there_is_nothing_to_compare(
    shank_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A phone in the pocket (placement thigh, other, ...) gives every step direction unknown: compare printed
    a table of "no forward or backward steps to compare" and "left out: N steps direction unknown" and never
    said that the placement cannot tell directions (EDGE-85)."""
    from retrogait.session import read_session

    phone = write_session(read_session(shank_run).with_meta(placement="thigh", side=None), tmp_path / "pocket.csv")
    assert main(["compare", str(phone), "--out", str(tmp_path / "cmp")]) == 2  # nothing compared (EDGE-92)
    printed = capsys.readouterr().err
    assert printed.count("\n") == 1 and "steps direction unknown" in printed
    assert "placement thigh gives no run direction" in printed


@pytest.mark.parametrize("command", ["analyze", "compare", "batch", "convert", "simulate"])
def test_an_empty_out_is_refused_not_the_current_folder(
    command: str, shank_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--out "$RESULTS"` with the variable unset: Typer reads "" as `.`, so analyze, compare and batch wrote
    their tables into the current folder and simulate was an internal error (EDGE-86)."""
    monkeypatch.chdir(tmp_path)
    argv = [command] if command == "simulate" else [command, str(shank_run)]
    assert main([*argv, "--out", ""]) == 2
    assert capsys.readouterr().err.strip() == (
        "retrogait: error: --out is empty (an unset shell variable?): give the output folder or file"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "line",
    [
        ["convert", "", "--out", "OUT/run.csv"],
        ["convert", "--out", "OUT/run.csv", "--", ""],
        ["info", "RUN", ""],
        ["compare", "", "--out", "OUT/cmp"],
        ["batch", "", "--out", "OUT/b"],
    ],
)
def test_an_empty_argument_is_refused_not_the_current_folder(
    line: list[str],
    shank_run: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`convert "$RUN"` with the variable unset: Typer reads "" as `.`, so the export in the current folder was
    converted (a session file written) and info / compare / batch read it (REVIEW-165; analyze: REVIEW-152)."""
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "run.csv").write_bytes(shank_run.read_bytes())
    monkeypatch.chdir(folder)
    out = tmp_path / "out"
    out.mkdir()
    argv = [a.replace("OUT", str(out)).replace("RUN", str(shank_run)) for a in line]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "retrogait: error: an argument is empty (an unset shell variable?): give the file or folder\n"
    )
    assert list(out.iterdir()) == [] and sorted(p.name for p in folder.iterdir()) == ["run.csv"]


@pytest.mark.parametrize(
    "line", [["convert", "RUN", "--out", "OUT/run.csv", "--placement", ""], ["info", "RUN", "--sensor="]]
)
def test_an_option_s_empty_value_is_not_an_empty_argument(line: list[str], shank_run: Path, tmp_path: Path) -> None:
    """An option's empty value is the option's own to judge, not taken for an empty recording (REVIEW-165)."""
    from retrogait.cli import empty_path_argument

    argv = [a.replace("OUT", str(tmp_path)).replace("RUN", str(shank_run)) for a in line]
    assert empty_path_argument(argv) is None


@pytest.mark.parametrize("out", [".", "DIR/.."])
def test_simulate_into_a_folder_without_a_name_is_one_line(
    out: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`simulate --out .` was "internal error: ValueError: PosixPath('.') has an empty name"; `--out DIR/..`
    wrote `...csv` (EDGE-86)."""
    monkeypatch.chdir(tmp_path)
    assert main(["simulate", "--out", out.replace("DIR", str(tmp_path / "new")), "--bouts", "still::0:3"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("retrogait: error:") and "\n" not in err and "internal" not in err
    assert list(tmp_path.iterdir()) == []


def test_batch_analyses_again_when_an_exports_gyroscope_file_changes(tmp_path: Path) -> None:
    """The job key hashed the accelerometer file only: a phyphox or Sensor Logger folder whose Gyroscope.csv
    was exported again (or deleted) was skipped as unchanged, its old steps kept (EDGE-87)."""
    from import_samples import phyphox_folder

    folder = phyphox_folder(tmp_path / "export")
    out = tmp_path / "out"
    argv = ["batch", str(folder), "--out", str(out), "--no-compare", "-j", "1"]
    assert main(argv) == 0
    assert main(argv) == 0  # unchanged: skipped
    again = phyphox_folder(tmp_path / "again", gyro_offset_s=0.008)  # the gyroscope exported again
    (folder / "Gyroscope.csv").write_bytes((again / "Gyroscope.csv").read_bytes())
    finished = (out / "manifest.jsonl").read_text(encoding="utf-8").count("\n")
    assert main(argv) == 0
    assert (out / "manifest.jsonl").read_text(encoding="utf-8").count("\n") == finished + 1  # analysed again


def test_batch_of_a_phyphox_export_takes_its_meta_files_for_no_recordings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every phyphox export has meta/device.csv and meta/time.csv: each failed as "format not recognised", so a
    batch of phyphox exports always ended with exit 1 and two errors per export (EDGE-88)."""
    from import_samples import phyphox_folder

    phyphox_folder(tmp_path / "exports" / "monday")
    out = tmp_path / "out"
    assert main(["batch", str(tmp_path / "exports"), "--out", str(out), "--no-compare", "-j", "1"]) == 0
    assert (out / "errors.csv").read_text(encoding="utf-8").strip() == "file,reason"


def test_compare_of_a_recording_without_steps_says_no_steps_were_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A recording in which the analysis finds no step (the real Polar Verity Sense export, worn at rest): compare
    said only "nothing to compare: 0 forward and 0 backward steps entered the comparison; nothing written", no
    reason (EDGE-143)."""
    rest = [Bout("still", "still", 0.0, 12.0)]
    still = simulate(SimulationConfig("foot", rest, sample_rate_hz=100.0, seed=1)).session
    path = write_session(still, tmp_path / "rest.csv")
    assert main(["compare", str(path), "--out", str(tmp_path / "cmp")]) == 2
    printed = capsys.readouterr().err
    assert printed.count("\n") == 1 and "no steps were found in rest.csv" in printed


def test_compare_names_inputs_without_steps_apart_where_their_names_are_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Review of EDGE-143 (EDGE-148): two still recordings analysed into sub1/out and sub2/out were named "out, out"."""
    rest = [Bout("still", "still", 0.0, 12.0)]
    for seed, sub in enumerate(("monday_walk", "tuesday_walk"), start=1):
        (tmp_path / sub).mkdir()
        still = simulate(SimulationConfig("foot", rest, sample_rate_hz=100.0, seed=seed)).session
        write_session(still, tmp_path / sub / "rest.csv")
    paths = [str(tmp_path / sub / "rest.csv") for sub in ("monday_walk", "tuesday_walk")]
    assert main(["compare", *paths, "--out", str(tmp_path / "cmp")]) == 2
    said = capsys.readouterr().err.split("no steps were found in")[1]
    assert "monday_walk" in said and "tuesday_walk" in said
