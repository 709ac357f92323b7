"""What a single `analyze` says of a session (its `input:` inferences and its notes) is in the batch's `notes.csv`,
counted in `sessions.csv`'s `n_notes`, also for a session skipped as unchanged (BATCH-48)."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from retrogait import analyze
from retrogait.batch import run_batch
from retrogait.cli import main
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, parse_bouts, simulate


def _said_by_analyze(path: Path) -> list[tuple[str, str]]:
    """(kind, text) of every line `retrogait analyze PATH` prints after its table but the files written: each
    `input: inferred_...: value` and each `note: ...`, in that order (cli/analyze.py)."""
    summary = analyze(path).summary
    inferred = [("input", f"{k}: {v}") for k, v in summary["input_provenance"].items() if k.startswith("inferred_")]
    return inferred + [("note", note) for note in summary["notes"]]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def noted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of three sessions: a plain table in m/s^2 (no header: units and rate inferred, placement not given),
    a trunk walk declared on the shank (read as both legs', PHONE-18) and a shank run (its own notes, if any)."""
    root = tmp_path_factory.mktemp("noted") / "in"
    root.mkdir()
    walk = simulate(
        SimulationConfig("lower_back", parse_bouts("still::0:2,forward:walking:1.3:25,still::0:2"), 100.0, seed=5)
    ).session
    np.savetxt(
        root / "a_plain.csv",
        np.column_stack([walk.t_s, walk.acc]),
        delimiter=",",
        header="time_s,ax,ay,az",
        comments="",
    )
    trunk = simulate(
        SimulationConfig("lower_back", [Bout("forward", "walking", 1.4, 40.0)], 100.0, with_gyro=False, seed=3)
    ).session
    write_session(replace(trunk, meta=replace(trunk.meta, placement="shank", side="left")), root / "b_as_other.csv")
    run = simulate(
        SimulationConfig("shank", [Bout("still", "still", 0.0, 2.0), Bout("forward", "running", 3.0, 12.0)], 200.0)
    ).session
    write_session(run, root / "c_shank.csv")
    return root


def test_the_batch_says_every_note_a_single_analyze_says(noted: Path, tmp_path: Path) -> None:
    """batch wrote no note at all: units inferred, a placement not given, a shank read as both legs' were said by
    `analyze` and lost in a batch (the last session's finding)."""
    out = tmp_path / "out"
    result = run_batch([noted], out, jobs=1, compare=False)
    assert (result.n_analysed, result.n_failed) == (3, 0)
    rows = _rows(out / "notes.csv")
    assert rows and list(rows[0]) == ["session", "kind", "note"]
    sessions = _rows(out / "sessions.csv")
    for session in sessions:
        path = Path(session["session"])
        said = [(r["kind"], r["note"]) for r in rows if r["session"] == session["session"]]
        assert said == _said_by_analyze(path), path.name
        assert int(session["n_notes"]) == len(said)
    by_name = {Path(s["session"]).name: int(s["n_notes"]) for s in sessions}
    assert by_name["a_plain.csv"] >= 2 and by_name["b_as_other.csv"] >= 1  # inferred units, PHONE-18's note
    assert [r["session"] for r in rows] == sorted(r["session"] for r in rows)  # input order (sorted paths)

    again = run_batch([noted], out, jobs=1, compare=False)  # skipped as unchanged: the same notes, from the manifest
    assert again.n_skipped == 3 and _rows(out / "notes.csv") == rows

    manifest = out / "manifest.jsonl"  # written before BATCH-48: no notes recorded, so analysed again once
    lines = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()]
    manifest.write_text("".join(json.dumps({k: v for k, v in m.items() if k != "notes"}) + "\n" for m in lines))
    older = run_batch([noted], out, jobs=1, compare=False)
    assert (older.n_analysed, older.n_skipped) == (3, 0) and _rows(out / "notes.csv") == rows


def test_an_input_counted_once_with_another_is_noted(noted: Path, tmp_path: Path) -> None:
    """EDGE-31's "B is the same recording as A" was said on the terminal only (the first ten)."""
    folder = tmp_path / "in"
    folder.mkdir()
    source = noted / "c_shank.csv"
    (folder / "one.csv").write_bytes(source.read_bytes())
    (folder / "two.csv").write_bytes(source.read_bytes())
    out = tmp_path / "out"
    run_batch([folder], out, jobs=1, compare=False)
    batch_rows = [r for r in _rows(out / "notes.csv") if r["kind"] == "batch"]
    assert batch_rows == [
        {
            "session": str(folder / "two.csv"),
            "kind": "batch",
            "note": f"the same recording as {folder / 'one.csv'} (the same bytes): counted once",
        }
    ]


def test_the_cli_names_the_notes_file(noted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["batch", str(noted / "a_plain.csv"), "--out", str(out), "--jobs", "1", "--no-compare"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert f"notes: {out / 'notes.csv'} (" in err and "1 session with notes" in err


def test_an_option_a_session_header_overrides_is_noted(noted: Path, tmp_path: Path) -> None:
    """EDGE-205: a session file's header wins over `--placement`, `--side` and `--anterior-axis` in a batch (EDGE-79);
    only sessions.csv's cells showed it, no line said the option was not applied to that session."""
    out = tmp_path / "out"
    settings = {"placement": "lower_back", "side": "right"}
    run_batch([noted / "c_shank.csv", noted / "a_plain.csv"], out, settings=settings, jobs=1, compare=False)
    rows = [r for r in _rows(out / "notes.csv") if r["kind"] == "batch"]
    shank = str(noted / "c_shank.csv")
    assert [r["session"] for r in rows] == [shank, shank]  # the plain table says nothing: the options fill it in
    assert rows[0]["note"].startswith("read with placement shank, as the session file's header says, not --placement")
    assert rows[1]["note"].startswith("read with side left, as the session file's header says, not --side right")
    sessions = {Path(s["session"]).name: s for s in _rows(out / "sessions.csv")}
    assert (sessions["c_shank.csv"]["placement"], sessions["a_plain.csv"]["placement"]) == ("shank", "lower_back")


def test_a_copy_of_a_failed_input_is_not_said_counted(tmp_path: Path) -> None:
    """REVIEW-60: a copy of an input that failed got the row "the same recording as A (the same bytes): counted once",
    though A is only in errors.csv and the copy nowhere else: neither was counted."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text("garbage\n1,2\n", encoding="utf-8")
    (folder / "b.csv").write_text("garbage\n1,2\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch([folder], out, jobs=1, compare=False)
    assert (result.n_analysed, result.n_failed) == (0, 1)
    assert [r["file"] for r in _rows(out / "errors.csv")] == [str(folder / "a.csv")]
    (row,) = _rows(out / "notes.csv")
    assert row["session"] == str(folder / "b.csv") and row["kind"] == "batch"
    assert "counted once" not in row["note"]
    assert row["note"] == f"the same recording as {folder / 'a.csv'} (the same bytes), which failed: see errors.csv"


def _steps_sessions(out: Path) -> list[str]:
    import pyarrow.parquet as pq

    return sorted(set(pq.ParquetFile(out / "steps.parquet").read(columns=["session"]).column(0).to_pylist()))


def test_a_renamed_input_skipped_as_unchanged_is_named_as_given_in_this_run(
    noted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BATCH-51: after `mv b_as_other.csv renamed.csv`, or reached by another relative path, the session is skipped as
    unchanged (same bytes), but sessions.csv, the steps and notes.csv still named it as the earlier run was given it."""
    pytest.importorskip("pyarrow.parquet")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "b.csv").write_bytes((noted / "b_as_other.csv").read_bytes())
    out = tmp_path / "out"
    run_batch([folder / "b.csv"], out, jobs=1, compare=False)
    (folder / "b.csv").rename(folder / "renamed.csv")
    monkeypatch.chdir(tmp_path)
    named = str((folder / "renamed.csv").resolve())  # a batch names its inputs by their resolved paths
    for given in (folder / "renamed.csv", Path("in") / "renamed.csv", Path("in") / ".." / "in" / "renamed.csv"):
        result = run_batch([given], out, jobs=1, compare=False)
        assert (result.n_analysed, result.n_skipped) == (0, 1)
        assert [s["session"] for s in _rows(out / "sessions.csv")] == [named]
        assert {n["session"] for n in _rows(out / "notes.csv")} == {named}
        assert _steps_sessions(out) == [named]


def test_the_terminal_says_a_copy_of_a_failed_input_failed_and_counts_sessions_with_notes_apart(
    noted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """EDGE-210: the terminal said "b.csv is the same recording as a.csv (the same bytes): counted once" of a copy of
    a failed input (notes.csv said it failed, REVIEW-60), and "N sessions with notes" counted copies, which are not in
    sessions.csv."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text("garbage\n1,2\n", encoding="utf-8")
    (folder / "b.csv").write_text("garbage\n1,2\n", encoding="utf-8")
    (folder / "c.csv").write_bytes((noted / "c_shank.csv").read_bytes())
    (folder / "d.csv").write_bytes((noted / "c_shank.csv").read_bytes())
    out = tmp_path / "out"
    main(["batch", str(folder), "--out", str(out), "--jobs", "1", "--no-compare"])
    err = " ".join(capsys.readouterr().err.split())
    assert f"{folder / 'b.csv'} is the same recording as {folder / 'a.csv'} (the same bytes), which failed" in err
    assert f"{folder / 'b.csv'} is the same recording as {folder / 'a.csv'} (the same bytes): counted once" not in err
    assert f"{folder / 'd.csv'} is the same recording as {folder / 'c.csv'} (the same bytes): counted once" in err
    in_sessions = {r["session"] for r in _rows(out / "sessions.csv")}
    noted_sessions = {r["session"] for r in _rows(out / "notes.csv")} & in_sessions
    n = len(noted_sessions)
    assert f"({n} session{'s' if n != 1 else ''} with notes, and 2 inputs not in sessions.csv)" in err


def test_a_recording_moved_to_another_subjects_folder_takes_that_folders_subject(tmp_path: Path) -> None:
    """REVIEW-89: after BATCH-51 a session skipped as unchanged is named by its new path, but its `subject`, taken from
    its folder's name (no subject in its header), stayed the old folder's: `alice/run.csv` and `bob/run.csv` swapped
    were named by their new paths with each other's subjects, in sessions.csv and the steps, and compared so by the
    cohort. A subject its header gives stays."""
    pytest.importorskip("pyarrow.parquet")
    import pandas as pd

    from retrogait.batch.worker import as_given

    bouts = [Bout("still", "still", 0.0, 2.0), Bout("forward", "running", 3.0, 10.0)]
    for name, seed in (("alice", 2), ("bob", 3)):
        write_session(simulate(SimulationConfig("shank", bouts, 200.0, seed=seed)).session, tmp_path / name / "run.csv")
    out = tmp_path / "out"
    first = run_batch([tmp_path / "alice", tmp_path / "bob"], out, jobs=1, compare=False)
    assert first.n_analysed == 2
    before = {Path(r["session"]).parent.name: r["subject"] for r in _rows(out / "sessions.csv")}
    assert before == {"alice": "alice", "bob": "bob"}
    (tmp_path / "alice" / "run.csv").rename(tmp_path / "run.csv")
    (tmp_path / "bob" / "run.csv").rename(tmp_path / "alice" / "run.csv")
    (tmp_path / "run.csv").rename(tmp_path / "bob" / "run.csv")
    again = run_batch([tmp_path / "alice", tmp_path / "bob"], out, jobs=1, compare=False)
    assert (again.n_analysed, again.n_skipped) == (0, 2)
    after = {Path(r["session"]).parent.name: r["subject"] for r in _rows(out / "sessions.csv")}
    assert after == {"alice": "alice", "bob": "bob"}
    steps = pd.read_parquet(out / "steps.parquet", columns=["session", "subject"]).drop_duplicates()
    assert {Path(s).parent.name: subject for s, subject in steps.itertuples(index=False)} == after
    # a subject its header gives is kept wherever the file goes
    from retrogait.batch.worker import JobOutcome

    said = JobOutcome("k", "/a/alice/run.csv", True, summary={"session": "/a/alice/run.csv", "subject": "S1"})
    assert as_given(said, "/a/bob/run.csv").summary["subject"] == "S1"  # a manifest before REVIEW-89: by the name
    header = replace(said, summary={**said.summary, "subject": "alice"}, subject_from_folder=False)
    assert as_given(header, "/a/bob/run.csv").summary["subject"] == "alice"  # the header said alice
    folder = replace(said, subject_from_folder=True)
    assert as_given(folder, "/a/bob/run.csv").summary["subject"] == "bob"
