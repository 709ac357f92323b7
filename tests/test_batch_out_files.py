"""A user's own file under a name a batch writes into `--out` (notes.csv, sessions.csv, settings_shank.toml...) is
not replaced or removed: only files an earlier batch wrote there, told by its manifest and their first line, are
(BATCH-52)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from retrogait.batch import run_batch
from retrogait.cli import main
from retrogait.errors import RetrogaitError
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

MINE = "my own notes, kept by hand\n"
#: The cohort group of the simulated shank run (placement_sensor): a forward-only group, whose earlier comparison a
#: batch removes (EDGE-98).
GROUP = "shank_retrogait_simulator_v2_synthetic"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one short shank run."""
    folder = tmp_path_factory.mktemp("out_files") / "in"
    bouts = [Bout("still", "still", 0.0, 2.0), Bout("forward", "running", 3.0, 10.0)]
    write_session(simulate(SimulationConfig("shank", bouts, 200.0, seed=2)).session, folder / "r.csv")
    return folder


@pytest.mark.parametrize("name", ["notes.csv", "sessions.csv", "errors.csv", "steps.parquet", "settings_shank.toml"])
def test_a_users_file_in_a_new_out_folder_is_not_replaced(run: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_text(MINE, encoding="utf-8")
    with pytest.raises(RetrogaitError) as caught:
        run_batch([run], out, jobs=1, compare=False)
    message = str(caught.value)
    assert message.startswith(f"{out / name}: ") and "\n" not in message and "not written by a batch" in message
    assert (out / name).read_text(encoding="utf-8") == MINE
    assert sorted(p.name for p in out.iterdir()) == [name]  # nothing written


def test_a_users_file_in_an_earlier_batchs_folder_is_not_replaced(run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch([run], out, jobs=1, compare=False)
    (out / "notes.csv").write_text(MINE, encoding="utf-8")
    with pytest.raises(RetrogaitError, match=r"notes\.csv: "):
        run_batch([run], out, jobs=1, compare=False)
    assert (out / "notes.csv").read_text(encoding="utf-8") == MINE
    (out / "notes.csv").unlink()
    again = run_batch([run], out, jobs=1, compare=False)  # its own tables are replaced as before
    assert (again.n_skipped, (out / "notes.csv").is_file()) == (1, True)
    assert run_batch([run], out, jobs=1, compare=False).n_skipped == 1


def test_a_users_settings_file_of_another_name_in_out_is_kept(run: Path, tmp_path: Path) -> None:
    """`settings_*.toml` of a placement no longer in the tables are removed (USER-3): a user's own `settings_lab.toml`
    in --out was removed with them."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "settings_lab.toml").write_text("[bouts]\nmax_contact_gap_s = 2.0\n", encoding="utf-8")
    run_batch([run], out, jobs=1, compare=False, overrides={"bouts": {"max_contact_gap_s": 2.0}})
    assert sorted(p.name for p in out.glob("settings_*.toml")) == ["settings_lab.toml", "settings_shank.toml"]


def test_the_cli_says_it_in_one_line(run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.csv").write_text(MINE, encoding="utf-8")
    code = main(["batch", str(run), "--out", str(out), "--jobs", "1", "--no-compare"])
    captured = capsys.readouterr()
    assert code != 0 and "Traceback" not in captured.err + captured.out
    assert f"{out / 'notes.csv'}: " in captured.err
    assert (out / "notes.csv").read_text(encoding="utf-8") == MINE


@pytest.mark.parametrize("first_without_pyarrow", [True, False])
def test_a_folder_a_batch_wrote_with_the_other_steps_format_is_run_again(
    run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_without_pyarrow: bool
) -> None:
    """REVIEW-86: an --out whose session step files a batch wrote as CSV (pyarrow missing), re-run once pyarrow is
    installed, ended in "internal error: ArrowInvalid: Parquet magic bytes not found" (its .csv step files were read
    as Parquet); and the other way round. Such a session is analysed again into this run's format."""
    import sys

    import pandas as pd

    from retrogait.batch.worker import steps_suffix

    def pyarrow(usable: bool) -> None:
        steps_suffix.cache_clear()
        if usable:
            monkeypatch.undo()
        else:
            monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # its import raises ImportError

    out = tmp_path / "out"
    try:
        pyarrow(not first_without_pyarrow)
        first = run_batch([run], out, jobs=1, compare=False)
        pyarrow(first_without_pyarrow)
        again = run_batch([run], out, jobs=1, compare=False)
        suffix = steps_suffix()
        third = run_batch([run], out, jobs=1, compare=False)  # then unchanged
    finally:
        pyarrow(True)
    assert (first.n_analysed, again.n_analysed, again.n_skipped, again.n_failed) == (1, 1, 0, 0)
    assert suffix == (".parquet" if first_without_pyarrow else ".csv")
    steps = pd.read_parquet(again.steps_path) if suffix == ".parquet" else pd.read_csv(again.steps_path)
    assert len(steps) > 0 and set(steps["session"]) == {str(run / "r.csv")}
    assert (third.n_analysed, third.n_skipped) == (0, 1)


def test_a_users_steps_file_of_the_format_a_batch_does_not_write_is_not_refused(run: Path, tmp_path: Path) -> None:
    """REVIEW-87: with pyarrow a batch writes `steps.parquet` and never touches `steps.csv`; a user's own `steps.csv`
    (an `analyze` export) in --out was refused as "where `retrogait batch` writes its steps.csv: it would be
    replaced"."""
    from retrogait.batch.worker import steps_suffix

    assert steps_suffix() == ".parquet"
    out = tmp_path / "out"
    out.mkdir()
    (out / "steps.csv").write_text(MINE, encoding="utf-8")
    result = run_batch([run], out, jobs=1, compare=False)
    assert (result.n_analysed, result.steps_path.name) == (1, "steps.parquet")
    assert (out / "steps.csv").read_text(encoding="utf-8") == MINE


def test_a_batch_table_resaved_with_a_byte_order_mark_is_still_the_batchs(run: Path, tmp_path: Path) -> None:
    """A spreadsheet re-saves a CSV as UTF-8 with a byte order mark before the header: the table is still the one the
    batch wrote (its header after the mark), replaced on the next run as before, not refused as a user's file."""
    out = tmp_path / "out"
    run_batch([run], out, jobs=1, compare=False)
    notes = out / "sessions.csv"
    notes.write_bytes(b"\xef\xbb\xbf" + notes.read_bytes())
    assert run_batch([run], out, jobs=1, compare=False).n_skipped == 1
    assert not notes.read_bytes().startswith(b"\xef\xbb\xbf")


def test_an_unreadable_file_under_an_output_name_is_refused_as_unreadable(
    run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the batch cannot read cannot be told to be a batch's: refused in one line saying it cannot be read, not
    that no batch wrote it (the read refused as for a file without read permission; root reads those)."""
    import builtins

    out = tmp_path / "out"
    out.mkdir()
    mine = out / "notes.csv"
    mine.write_text(MINE, encoding="utf-8")

    def refused(file: object, *args: object, **kwargs: object) -> object:
        if Path(str(file)) == mine:
            raise PermissionError(13, "Permission denied", str(file))
        return builtins.open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("retrogait.batch.store.open", refused, raising=False)
    with pytest.raises(RetrogaitError) as caught:
        run_batch([run], out, jobs=1, compare=False)
    message = str(caught.value)
    assert message.startswith(f"{mine}: ") and "\n" not in message and "cannot be read" in message
    assert "not written by a batch" not in message
    monkeypatch.undo()
    assert mine.read_text(encoding="utf-8") == MINE


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _users_comparison(folder: Path) -> None:
    """What `retrogait compare` writes, in a folder where a batch writes a cohort comparison."""
    folder.mkdir(parents=True)
    (folder / "compare.csv").write_text("metric,forward,backward\n", encoding="utf-8")
    (folder / "report.html").write_text("<html><head><title>Forward vs backward running</title>", encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "named", "make"),
    [
        ("manifest.jsonl", "", lambda out: (out / "manifest.jsonl").write_text('{"audio": "a.wav", "s": 1.2}\n')),
        (
            "sessions",
            "/alice.csv",
            lambda out: (out / "sessions").mkdir() or (out / "sessions/alice.csv").write_text(MINE),
        ),
        ("sessions", "", lambda out: (out / "sessions").write_text(MINE)),
        ("cohort", f"/{GROUP}", lambda out: _users_comparison(out / "cohort" / GROUP)),
        ("cohort", "", lambda out: (out / "cohort").write_text(MINE)),
        (".batch.lock", "", lambda out: (out / ".batch.lock").write_text(MINE)),
    ],
)
def test_what_a_batch_keeps_beside_its_tables_is_not_a_users(
    run: Path, tmp_path: Path, name: str, named: str, make: Any
) -> None:
    """BATCH-56: a user's own manifest.jsonl in --out was appended to (and read as a batch's), a `sessions/` folder of
    theirs got step files mixed in, a `cohort/` comparison of theirs was replaced, a `.batch.lock` emptied. Each is
    refused in one line naming it, before anything is written; nothing there is changed."""
    out = tmp_path / "out"
    out.mkdir()
    make(out)
    before = _tree(out)
    with pytest.raises(RetrogaitError) as caught:
        run_batch([run], out, jobs=1, compare=True)
    message = str(caught.value)
    assert message.startswith(f"{out / name}{named}: not written by a batch, where `retrogait batch` ")
    assert "\n" not in message
    assert message.endswith("(nothing was written)")
    assert _tree(out) == before and [p.name for p in out.iterdir()] == [name]


def test_a_users_comparison_is_no_matter_with_no_compare(run: Path, tmp_path: Path) -> None:
    """A batch that writes no comparison (`--no-compare`) touches no `cohort/`: a user's there is not refused."""
    out = tmp_path / "out"
    _users_comparison(out / "cohort" / "shank_Movesense")
    before = _tree(out / "cohort")
    assert run_batch([run], out, jobs=1, compare=False).n_analysed == 1
    assert _tree(out / "cohort") == before


def test_a_batchs_own_manifest_lock_sessions_and_cohort_are_used_as_before(tmp_path: Path) -> None:
    """An earlier batch's folder (its comparison too) is the batch's; so is a manifest whose first record a crash cut
    short, and an empty one."""
    run = tmp_path / "in"
    bouts = [Bout("forward", "running", 3.0, 10.0), Bout("backward", "running", 2.5, 10.0)]
    write_session(simulate(SimulationConfig("shank", bouts, 200.0, seed=3)).session, run / "r.csv")
    out = tmp_path / "out"
    first = run_batch([run], out, jobs=1, compare=True)
    assert first.n_analysed == 1 and (out / "cohort").is_dir() and (out / ".batch.lock").is_file()
    assert any((out / "cohort").rglob("report.html"))
    (out / "sessions" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # a Mac's Finder looked at the folder
    assert run_batch([run], out, jobs=1, compare=True).n_skipped == 1
    manifest = out / "manifest.jsonl"
    manifest.write_bytes(manifest.read_bytes()[:40])  # the first record cut short: analysed again, appended after it
    assert run_batch([run], out, jobs=1, compare=True).n_analysed == 1
    manifest.write_bytes(b"")
    assert run_batch([run], out, jobs=1, compare=True).n_analysed == 1


def test_the_cli_refuses_a_users_manifest_in_one_line_exit_2(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.jsonl").write_text('{"file": "a.csv"}\n', encoding="utf-8")
    code = main(["batch", str(run), "--out", str(out), "--jobs", "1"])
    captured = capsys.readouterr()
    assert code == 2 and "Traceback" not in captured.err + captured.out
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"retrogait: error: {out / 'manifest.jsonl'}: not written by a batch"
    )
    assert (out / "manifest.jsonl").read_text(encoding="utf-8") == '{"file": "a.csv"}\n'


def test_a_comparison_a_killed_batch_left_without_its_report_is_the_batchs(tmp_path: Path) -> None:
    """REVIEW-98: write_comparison writes report.html last, after the figures (seconds). A batch killed (kill -9, a
    power cut, the OOM killer) between its compare.csv and its report.html left a group folder without report.html,
    and every later batch into that folder was refused, its own folder named "not written by a batch". A group the
    batch's own sessions.csv names is the batch's; the same folder under another group's name is still refused."""
    run = tmp_path / "in"
    bouts = [Bout("forward", "running", 3.0, 10.0), Bout("backward", "running", 2.5, 10.0)]
    write_session(simulate(SimulationConfig("shank", bouts, 200.0, seed=3)).session, run / "r.csv")
    out = tmp_path / "out"
    run_batch([run], out, jobs=1, compare=True)
    (group,) = (out / "cohort").iterdir()
    (group / "report.html").unlink()  # killed before the comparison's last file
    (group / ".report.html.0a1b2c3d.partial").write_bytes(b"<!doctype html>")  # and while writing it
    assert run_batch([run], out, jobs=1, compare=True).n_skipped == 1
    assert (group / "report.html").is_file()
    (group / "report.html").unlink()
    group.rename(out / "cohort" / "shank_Movesense")  # no group of this batch's: a user's, refused
    with pytest.raises(RetrogaitError, match="shank_Movesense: not written by a batch"):
        run_batch([run], out, jobs=1, compare=True)


@pytest.mark.parametrize("kept", [1, 3, 8])
def test_a_first_record_cut_within_its_first_bytes_is_the_batchs(run: Path, tmp_path: Path, kept: int) -> None:
    """REVIEW-99: a first record cut short was recognised only once its first 9 bytes (`{"key": "`) were written; a
    full disk or a kill that left fewer refused the batch's own folder."""
    out = tmp_path / "out"
    run_batch([run], out, jobs=1)
    manifest = out / "manifest.jsonl"
    manifest.write_bytes(manifest.read_bytes()[:kept])
    assert run_batch([run], out, jobs=1).n_analysed == 1


def test_a_manifest_a_power_cut_left_zeros_in_is_the_batchs(run: Path, tmp_path: Path) -> None:
    """REVIEW-99: after a power cut, ext4 or XFS can leave the part of a file whose data never reached the disk as
    zero bytes. Such a first line was skipped as cut short before BATCH-56, and then refused."""
    out = tmp_path / "out"
    run_batch([run], out, jobs=1)
    manifest = out / "manifest.jsonl"
    manifest.write_bytes(b"\0" * 700)
    assert run_batch([run], out, jobs=1).n_analysed == 1
    manifest.write_bytes(b"\0" * 700 + manifest.read_bytes()[700:])  # the next run appended after the zeros
    assert run_batch([run], out, jobs=1).n_analysed == 1  # on the zeros' line: read as cut short, as before
    assert run_batch([run], out, jobs=1).n_skipped == 1
