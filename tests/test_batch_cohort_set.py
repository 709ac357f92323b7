"""A batch's tables, settings files and cohort comparisons are one set: a batch stopped while it compares leaves the
earlier run's, never its new tables beside the earlier comparisons, or a comparison half replaced (BATCH-59)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from retrogait.batch import run_batch
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

#: The cohort groups of the simulated runs (placement_sensor), in the order a batch compares them.
LOWER_BACK, SHANK = "lower_back_retrogait_simulator_v2_synthetic", "shank_retrogait_simulator_v2_synthetic"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A folder with a shank and a lower-back run (forward and backward), and a second shank run on its own."""
    folder = tmp_path_factory.mktemp("cohort_set")
    bouts = [Bout("forward", "running", 3.0, 10.0), Bout("backward", "running", 2.5, 10.0)]
    write_session(simulate(SimulationConfig("shank", bouts, 200.0, seed=3)).session, folder / "in" / "r1.csv")
    write_session(simulate(SimulationConfig("lower_back", bouts, 200.0, seed=3)).session, folder / "in" / "r2.csv")
    write_session(simulate(SimulationConfig("shank", bouts, 200.0, seed=4)).session, folder / "more" / "r3.csv")
    return folder / "in", folder / "more" / "r3.csv"


@pytest.fixture(scope="module")
def batched(runs: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The output folders of ``run_batch([in], out, jobs=1, compare=True)`` (key "in": the shank and lower-back runs)
    and of the same for in/r1.csv alone (key "r1"), each made once (SUITE-2); a test takes a copy (``_copy``)."""
    folder, _ = runs
    made = {}
    for key, source in (("in", folder), ("r1", folder / "r1.csv")):
        out = tmp_path_factory.mktemp(f"batched_{key}") / "out"
        run_batch([source], out, jobs=1, compare=True)
        made[key] = out
    return made


def _copy(out: Path, tmp_path: Path) -> Path:
    """A copy of a batch's output folder (every file, hidden ones too, with its times) as this test's ``out``: the
    folder as if this test's first run had written it."""
    return Path(shutil.copytree(out, tmp_path / "out"))


def outputs(out: Path) -> dict[str, bytes]:
    """The batch's tables, settings files and comparisons by relative path, with their bytes (the manifest and the
    step files are the resumable log, written as each job finishes, and left out)."""
    kept = (p for p in sorted(out.rglob("*")) if p.is_file() and p.name not in ("manifest.jsonl", ".batch.lock"))
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in kept if p.parent.name != "sessions"}


def one_run(out: Path) -> None:
    """The folder's comparisons are of the sessions its sessions.csv holds: each group's compare.json names the
    sessions of that group in the table, and no temporary file is left."""
    with open(out / "sessions.csv", encoding="utf-8", newline="") as fh:
        sessions = list(csv.DictReader(fh))
    for group, placement in ((LOWER_BACK, "lower_back"), (SHANK, "shank")):
        compared = json.loads((out / "cohort" / group / "compare.json").read_text(encoding="utf-8"))["sources"]
        tabled = {s["session"] for s in sessions if s["placement"] == placement}
        assert {s["session"] for s in compared} == tabled, group
    assert not [p for p in out.rglob("*") if p.name.endswith(".partial")]


def _failing_report(error: BaseException) -> Any:
    """compare.output.write_text that raises ``error`` when the shank group's report (its last file) is written."""
    from retrogait.compare import output

    write_text = output.write_text

    def failing(path: Path, text: str) -> Path:
        if Path(path).parent.name == SHANK and Path(path).name == "report.html":
            raise error
        return write_text(path, text)

    return failing


@pytest.mark.parametrize(
    "error", [OSError(28, "No space left on device"), KeyboardInterrupt()], ids=["disk full", "Ctrl-C in Python"]
)
def test_a_batch_stopped_while_it_compares_leaves_the_earlier_runs_outputs(
    runs: tuple[Path, Path],
    batched: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
) -> None:
    """The rerun adds a shank session: its tables were renamed into place before the comparisons were written, and
    the comparisons group by group and file by file, so a full disk at the shank group's report (or Ctrl-C there, in
    code calling retrogait from Python) left the new sessions.csv and steps table beside the shank comparison of the
    earlier run, its compare.csv and figures new, its report.html old."""
    folder, more = runs
    out = _copy(batched["in"], tmp_path)  # run_batch([folder], out, jobs=1, compare=True)
    one_run(out)
    before = outputs(out)
    monkeypatch.setattr("retrogait.compare.output.write_text", _failing_report(error))
    with pytest.raises(type(error)):
        run_batch([folder, more], out, jobs=1, compare=True)
    assert outputs(out) == before  # every table, settings file and comparison the earlier run's
    one_run(out)
    monkeypatch.undo()
    again = run_batch([folder, more], out, jobs=1, compare=True)  # the rerun: the finished jobs kept, all new
    assert (again.n_skipped, again.n_analysed) == (3, 0)
    one_run(out)
    assert outputs(out)["sessions.csv"] != before["sessions.csv"]


def test_a_group_no_longer_compared_is_removed_with_the_set(
    runs: tuple[Path, Path], batched: dict[str, Path], tmp_path: Path
) -> None:
    """A group this batch does not compare (a forward run only) has its earlier comparison removed (EDGE-98), only
    once the new tables are in place; a file of the user's in its folder keeps the folder."""
    folder, _ = runs
    out = _copy(batched["r1"], tmp_path)  # run_batch([folder / "r1.csv"], out, jobs=1, compare=True)
    (out / "cohort" / SHANK / "my_notes.txt").write_text("mine\n", encoding="utf-8")
    forward = tmp_path / "fwd" / "r1.csv"  # the same name, only forward running now: nothing to compare
    write_session(
        simulate(SimulationConfig("shank", [Bout("forward", "running", 3.0, 10.0)], 200.0, seed=3)).session, forward
    )
    result = run_batch([forward], out, jobs=1, compare=True)
    assert "not compared" in result.cohort[0]
    assert sorted(p.name for p in (out / "cohort" / SHANK).iterdir()) == ["my_notes.txt"]
    (out / "cohort" / SHANK / "my_notes.txt").unlink()
    run_batch([folder / "r1.csv"], out, jobs=1, compare=True)
    run_batch([forward], out, jobs=1, compare=True)
    assert not (out / "cohort" / SHANK).exists()


def test_a_group_of_an_earlier_run_that_this_one_has_no_session_of_is_removed(
    runs: tuple[Path, Path], batched: dict[str, Path], tmp_path: Path
) -> None:
    """BATCH-60: a rerun into the same --out with the shank run alone kept the earlier run's lower-back comparison in
    cohort/ beside tables that hold no lower-back session (EDGE-98 removed only the comparisons of groups this run has
    and does not compare). It goes with this run's set; a user's file in its folder keeps the folder."""
    folder, _ = runs
    out = _copy(batched["in"], tmp_path)  # run_batch([folder], out, jobs=1, compare=True)
    (out / "cohort" / LOWER_BACK / "my_notes.txt").write_text("mine\n", encoding="utf-8")
    result = run_batch([folder / "r1.csv"], out, jobs=1, compare=True)
    assert [line.split(":")[0] for line in result.cohort] == ["cohort shank/retrogait simulator v2 (synthetic)"]
    assert sorted(p.name for p in (out / "cohort").iterdir()) == [LOWER_BACK, SHANK]
    assert sorted(p.name for p in (out / "cohort" / LOWER_BACK).iterdir()) == ["my_notes.txt"]
    (out / "cohort" / LOWER_BACK / "my_notes.txt").unlink()
    run_batch([folder], out, jobs=1, compare=True)
    run_batch([folder / "r1.csv"], out, jobs=1, compare=True)
    assert [p.name for p in (out / "cohort").iterdir()] == [SHANK]


def test_a_set_that_fails_leaves_no_folder_it_made(
    runs: tuple[Path, Path], batched: dict[str, Path], tmp_path: Path, monkeypatch
) -> None:
    """REVIEW-240: the rerun adds a lower-back run, a group the earlier run had no comparison of; the set fails at the
    shank group's report (a full disk). Every file was the earlier run's, but the new group's folder, made for its
    staged files, stayed behind empty in cohort/."""
    folder, _ = runs
    out = _copy(batched["r1"], tmp_path)  # run_batch([folder / "r1.csv"], out, jobs=1, compare=True)
    folders = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_dir())
    monkeypatch.setattr("retrogait.compare.output.write_text", _failing_report(OSError(28, "No space left on device")))
    with pytest.raises(OSError):
        run_batch([folder], out, jobs=1, compare=True)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_dir()) == folders


@pytest.mark.parametrize("stop", [KeyboardInterrupt, MemoryError])
def test_a_batch_stopped_from_python_while_it_analyses_leaves_no_temporary_file(
    runs: tuple[Path, Path], tmp_path: Path, stop: type[BaseException]
) -> None:
    """BATCH-64: a KeyboardInterrupt raised in Python (``run_batch`` called from a script or a notebook, where the
    program's Ctrl-C handler that removes it is not there: EDGE-81) once the first session was in the combined steps
    table left ``steps.parquet.partial`` in the output folder; so did any other error raised between sessions."""
    folder, more = runs
    out = tmp_path / "out"
    seen: list[object] = []

    def stopping(outcome: object, skipped: bool) -> None:
        seen.append(outcome)
        if len(seen) == 3:  # two sessions are in the table: its temporary file is open
            raise stop

    with pytest.raises(stop):
        run_batch([folder, more], out, jobs=1, compare=False, on_done=stopping)
    assert not [p.name for p in out.rglob("*") if p.name.endswith(".partial")]
    assert not (out / "steps.parquet").exists() and not (out / "steps.csv").exists()
    assert run_batch([folder, more], out, jobs=1, compare=False).n_skipped == 3  # the finished ones kept
