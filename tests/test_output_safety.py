"""No command writes over (or into) its input, and outputs are replaced atomically (issue 12 item 6)."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest

import import_samples as samples
from retrogait import outfiles
from retrogait.cli import main
from retrogait.errors import RetrogaitError
from retrogait.outfiles import one_set, refuse_writing_over_inputs, replacing, write_text
from retrogait.simulate import TRUTH_COLUMNS, Bout, SimulationConfig, simulate, write_simulation


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


@pytest.fixture(scope="module")
def compared(recording: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder `compare recording --out cmp --n-boot 200` writes into a new folder, written once (SUITE-2); a
    test that writes into it takes a copy (``_compared_copy``)."""
    out = tmp_path_factory.mktemp("compared") / "cmp"
    assert main(["compare", str(recording), "--out", str(out), "--n-boot", "200"]) == 0
    return out


def _compared_copy(compared: Path, tmp_path: Path) -> Path:
    """A copy of ``compared`` (every file, hidden ones too, with its times), as if this test had compared into it."""
    return Path(shutil.copytree(compared, tmp_path / "cmp"))


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err  # (batch's progress display may add an empty line)
    return err


@pytest.mark.parametrize("link", ["same", "symlink", "hardlink"])
def test_convert_refuses_to_write_over_its_input(link: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = samples.physics_toolbox(tmp_path / "pt.csv")
    before = src.read_bytes()
    out = src
    if link == "symlink":
        out = tmp_path / "alias.csv"
        out.symlink_to(src)
    elif link == "hardlink":
        out = tmp_path / "twin.csv"
        os.link(src, out)
    err = _refused(["convert", str(src), "--out", str(out), "--placement", "foot"], capsys)
    assert "is the input" in err and "overwritten" in err
    assert src.read_bytes() == before


def test_convert_refuses_to_write_into_an_export_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "export"
    samples.physics_toolbox(folder / "pt.csv")
    err = _refused(["convert", str(folder), "--out", str(folder / "native.csv"), "--placement", "foot"], capsys)
    assert "input folder" in err
    assert sorted(p.name for p in folder.iterdir()) == ["pt.csv"]


def test_analyze_refuses_output_over_its_input(
    recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a recording that happens to be called steps.csv, analysed into its own folder
    folder = tmp_path / "d"
    folder.mkdir()
    src = folder / "steps.csv"
    src.write_bytes(recording.read_bytes())
    err = _refused(["analyze", str(src), "--out", str(folder)], capsys)
    assert "steps.csv" in err
    assert src.read_bytes() == recording.read_bytes()
    err = _refused(["analyze", str(src), "--out", str(src)], capsys)  # a folder where the input file is
    assert "is the input" in err


def test_compare_refuses_to_write_into_the_analysis_folder(
    recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    analysis = tmp_path / "run_analysis"
    assert main(["analyze", str(recording), "--out", str(analysis)]) == 0
    capsys.readouterr()
    before = {p.name: p.read_bytes() for p in analysis.iterdir()}
    err = _refused(["compare", str(analysis), "--out", str(analysis)], capsys)
    assert "input folder" in err
    assert {p.name: p.read_bytes() for p in analysis.iterdir()} == before
    alias = tmp_path / "alias"
    alias.symlink_to(analysis)
    _refused(["compare", str(analysis), "--out", str(alias)], capsys)


def test_batch_refuses_its_input_folder_as_output(
    recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "run.csv").write_bytes(recording.read_bytes())
    err = _refused(["batch", str(data), "--out", str(data), "--jobs", "1"], capsys)
    assert "input folder" in err
    assert sorted(p.name for p in data.iterdir()) == ["run.csv"]


def test_new_outputs_beside_inputs_are_fine(tmp_path: Path) -> None:
    src = tmp_path / "a.csv"
    src.write_text("x")
    refuse_writing_over_inputs([tmp_path / "b.csv", tmp_path / "sub" / "c.csv"], [src, tmp_path / "absent.csv"])
    with pytest.raises(RetrogaitError, match="is the input"):
        refuse_writing_over_inputs([src], [tmp_path / "." / "a.csv"])


def test_a_failed_write_leaves_the_previous_file(tmp_path: Path) -> None:
    target = write_text(tmp_path / "table.csv", "good\n")
    with pytest.raises(OSError, match="disk full"), replacing(target) as tmp:
        tmp.write_text("half a ta")
        raise OSError("disk full")
    assert target.read_text() == "good\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]  # no temporary file left behind


def test_compare_table_is_replaced_atomically(
    recording: Path, compared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _compared_copy(compared, tmp_path)  # compare's own outputs
    good = (out / "compare.csv").read_bytes()

    def crash(self: pd.DataFrame, path: object = None, **kwargs: object) -> None:
        Path(str(path)).write_text("metric,lab")  # half written, then the disk is full
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", crash)
    assert main(["compare", str(recording), "--out", str(out), "--n-boot", "200"]) == 2
    assert (out / "compare.csv").read_bytes() == good
    assert not list(out.glob(".*partial"))


def test_a_set_s_files_are_synced_beside_the_next_ones_and_all_before_any_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PERF-73: each file of a set is synced on a thread of its own once written; the renames wait for all."""
    events: list[tuple[str, str, str]] = []
    fsync, rename = outfiles._fsync, os.replace

    def recorded_fsync(path: Path) -> None:
        fsync(path)
        events.append(("synced", Path(path).name.split(".")[1], threading.current_thread().name))

    def recorded_rename(src: object, dst: object) -> None:
        rename(src, dst)  # type: ignore[arg-type]
        events.append(("renamed", Path(str(dst)).name.split(".")[0], threading.current_thread().name))

    monkeypatch.setattr(outfiles, "_fsync", recorded_fsync)
    monkeypatch.setattr(outfiles.os, "replace", recorded_rename)
    write_text(tmp_path / "old.csv", "old\n")
    events.clear()
    with one_set([tmp_path / "old.csv"]):
        for name in ("a", "b", "c"):
            write_text(tmp_path / f"{name}.csv", f"{name}\n")
    synced = [e for e in events if e[0] == "synced"]
    assert sorted(e[1] for e in synced) == ["a", "b", "c"]
    assert {e[2] for e in synced} == {"retrogait-fsync"}
    assert [e[0] for e in events] == ["synced"] * 3 + ["renamed"] * 4
    assert [e[1] for e in events[3:]] == ["", "a", "b", "c"]  # the set's journal first (".retrogait-set...", EDGE-287)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv", "c.csv"]  # the stale one removed
    assert not [t for t in threading.enumerate() if t.name == "retrogait-fsync"]


def test_a_set_whose_file_cannot_be_synced_replaces_nothing_and_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b"):
        write_text(tmp_path / f"{name}.csv", "previous\n")
    fsync = outfiles._fsync

    def full_on_b(path: Path) -> None:
        if Path(path).name.startswith(".b.csv"):
            raise OSError(28, "No space left on device")
        fsync(path)

    monkeypatch.setattr(outfiles, "_fsync", full_on_b)
    with pytest.raises(OSError) as raised, one_set():
        for name in ("a", "b"):
            write_text(tmp_path / f"{name}.csv", "new\n")
    assert raised.value.filename == str(tmp_path / "b.csv")
    assert [(tmp_path / f"{name}.csv").read_text() for name in ("a", "b")] == ["previous\n"] * 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]  # no temporary file left behind


@pytest.mark.usefixtures("ctrl_c_as_from_a_terminal")
def test_a_ctrl_c_while_a_set_waits_for_its_syncs_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-106: ``one_set`` called from Python code (``main([...])``, a notebook) gets Ctrl-C as
    ``KeyboardInterrupt`` wherever it is; one that comes while the set, after an error, waits for a file's sync still
    removes every temporary file of the set. The Ctrl-C is Python's whatever the shell that started the tests does
    with it: a background job starts with SIGINT ignored, and ``interrupt_main`` then does nothing (EDGE-280)."""
    import _thread

    joining = threading.Event()
    fsync, join = outfiles._fsync, outfiles._Syncing.join

    def interrupted_once_joined(path: Path) -> None:
        if joining.wait(60):  # only while the main thread waits for this sync, never at another point
            _thread.interrupt_main()  # Ctrl-C, delivered to the main thread as it waits for this sync
        fsync(path)

    def joined(self: outfiles._Syncing, timeout: float | None = None) -> None:
        joining.set()
        join(self, timeout)

    monkeypatch.setattr(outfiles, "_fsync", interrupted_once_joined)
    monkeypatch.setattr(outfiles._Syncing, "join", joined)
    with pytest.raises(KeyboardInterrupt), one_set():
        write_text(tmp_path / "a.csv", "new\n")
        raise RuntimeError("the set's next file failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_set_s_file_is_still_syncing_while_the_next_one_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-109: PERF-73's overlap itself: the first file's sync waits until the second file is being written, which
    it can only see when the sync does not hold up the writing (a sync joined at once would wait here 10 s, then
    fail)."""
    second_written = threading.Event()
    fsync, replace = outfiles._fsync, outfiles.replacing
    seen: list[bool] = []

    def waits_for_the_next_file(path: Path) -> None:
        if Path(path).name.startswith(".a.csv"):
            seen.append(second_written.wait(10))
        fsync(path)

    def noted(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "b.csv":
            second_written.set()
        return replace(path)

    monkeypatch.setattr(outfiles, "_fsync", waits_for_the_next_file)
    monkeypatch.setattr(outfiles, "replacing", noted)
    with one_set():
        write_text(tmp_path / "a.csv", "a\n")
        write_text(tmp_path / "b.csv", "b\n")
    assert seen == [True]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


# A command never replaces a file it did not write (EDGE-267, EDGE-268): `analyze X --out .` in a data set's folder
# replaced the data set's own steps.csv; `simulate --out x.csv` replaced a recording named x_truth.csv.
#: A data set's own table, as /work/shared/data/phone_positions/steps.csv begins (the true step count per trace).
THEIR_STEPS = "trace,user,phone,position,duration_s,true_steps\nNexus_Jamie_Hard_InHand_1,Jamie,Nexus,InHand,152,305\n"


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
    name: str, recording: Path, compared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _compared_copy(compared, tmp_path)
    assert main(["compare", str(recording), "--out", str(out), "--n-boot", "200"]) == 0  # its own: replaced
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


def test_compare_replaces_its_compare_json_of_an_earlier_version(
    recording: Path, compared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # compare.json began with "level" (then "unit_of_analysis", "settings", "sources") until USER-1 put
    # "retrogait_version" first: a rerun into the same --out refused the user's own file (REVIEW-233)
    import json

    out = _compared_copy(compared, tmp_path)
    argv = ["compare", str(recording), "--out", str(out), "--n-boot", "200"]
    written = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    del written["retrogait_version"]
    (out / "compare.json").write_text(json.dumps(written, indent=2) + "\n", encoding="utf-8")
    assert main(argv) == 0, capsys.readouterr().err
    assert '"retrogait_version"' in (out / "compare.json").read_text(encoding="utf-8")
    (out / "compare.json").write_text('{\n  "level": 3, "mine": true\n}\n')  # "level" alone is not compare's
    _refused(argv, capsys)


@pytest.mark.parametrize(
    "resave",
    [
        {"sep": ";", "decimal": ","},  # a spreadsheet in a comma-decimal locale (German, French): ';' between cells
        {"quoting": 2},  # csv.QUOTE_NONNUMERIC: every text cell, the header too, in double quotes
        {"sep": ";", "decimal": ",", "quoting": 1},  # both, every cell quoted (csv.QUOTE_ALL)
        {"sep": "\t"},  # saved as tab-separated text under the same name
    ],
    ids=["semicolon", "quoted", "semicolon-quoted", "tab"],
)
def test_analyze_replaces_its_steps_table_re_saved_by_a_spreadsheet(
    resave: dict[str, object], recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the table opened and saved again, its columns in their order: the user's own run, replaced (REVIEW-234)
    out = tmp_path / "a"
    assert main(["analyze", str(recording), "--out", str(out), "--no-report"]) == 0
    steps = (out / "steps.csv").read_bytes()
    pd.read_csv(out / "steps.csv").to_csv(out / "steps.csv", index=False, **resave)  # type: ignore[call-overload]
    assert main(["analyze", str(recording), "--out", str(out), "--no-report"]) == 0, capsys.readouterr().err
    assert (out / "steps.csv").read_bytes() == steps
    (out / "steps.csv").write_text('"trace";"ic_time_s"\n"a";1\n')  # another table naming the column later: refused
    _refused(["analyze", str(recording), "--out", str(out), "--no-report"], capsys)


@pytest.mark.parametrize("command", ["analyze", "compare"])
def test_a_report_an_interrupted_earlier_run_left_half_written_is_replaced(
    command: str, recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # until f1e1d583 (2026-12-01) a report was written straight to report.html: a run stopped while writing it (Ctrl-C,
    # a full disk, a kill) left its first part, without the footer; the rerun refused it as someone else's (REVIEW-235)
    out = tmp_path / "out"
    argv = [command, str(recording), "--out", str(out), *(["--n-boot", "200"] if command == "compare" else [])]
    assert main(argv) == 0
    page = (out / "report.html").read_bytes()
    (out / "report.html").write_bytes(page[: len(page) // 2])
    assert main(argv) == 0, capsys.readouterr().err
    assert (out / "report.html").read_bytes().endswith(b"</html>\n")
    (out / "report.html").write_bytes(page[: len(page) // 2].replace(b"<title>", b"<title>My notes: "))
    _refused(argv, capsys)  # a page of another title, without the footer: not the report's


def test_simulate_does_not_replace_an_analysis_steps_table_named_as_its_truth_table(
    recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # EDGE-268's check looks at the truth table's first five columns: the analysis' steps.csv shares its first four
    # (`ic_time_s,to_time_s,side,direction,`); a check of the first one alone passed every test (review, REVIEW-235)
    assert main(["analyze", str(recording), "--out", str(tmp_path / "a"), "--no-report"]) == 0
    theirs = tmp_path / "x_truth.csv"
    (tmp_path / "a" / "steps.csv").rename(theirs)
    before = theirs.read_bytes()
    assert before.startswith(b"ic_time_s,to_time_s,side,direction,")
    err = _refused(["simulate", "--out", str(tmp_path / "x.csv"), "--bouts", "forward:running:3.0:4"], capsys)
    assert "not a ground-truth table that simulate wrote" in err and theirs.read_bytes() == before
