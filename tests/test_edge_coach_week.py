"""A coach's week with the CLI (EDGE-95..): batch, then compare and analyze what batch and compare wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrogait.cli import main
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A batch output (`results/`) and a compare output (`cmp/`) of one simulated shank session."""
    root = tmp_path_factory.mktemp("week")
    bouts = [Bout("forward", "running", 3.0, 12.0), Bout("backward", "running", 2.5, 12.0)]
    session = simulate(SimulationConfig("shank", bouts, 200.0, seed=3)).session
    run = write_session(session, root / "squad" / "ann" / "run.csv")
    assert main(["batch", str(root / "squad"), "--out", str(root / "results"), "-j", "1"]) == 0
    assert main(["compare", str(run), "--out", str(root / "cmp"), "--n-boot", "200"]) == 0
    return root


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("results", "is the output folder of `retrogait batch`"),
        ("results/steps.parquet", "is a Parquet table written by `retrogait batch`"),
        ("results/sessions", "is the folder of per-session step tables in a `retrogait batch` output"),
        ("results/sessions.csv", "is the sessions table written by `retrogait batch`"),
        ("results/manifest.jsonl", "is the manifest written by `retrogait batch`"),
        ("cmp", "is a comparison written by `retrogait compare`"),
        ("cmp/compare.csv", "is the comparison table written by `retrogait compare`"),
        ("cmp/compare.json", "is the comparison written by `retrogait compare`"),
        ("cmp/report.html", "is an HTML page (a report)"),
        ("results/settings_shank.toml", "is a retrogait settings file"),
    ],
)
def test_what_batch_and_compare_wrote_is_named_when_given_as_a_recording(
    week: Path, given: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`retrogait compare results/` after a batch said "format not recognised (not a table of numbers nor a known
    folder)" and listed --time-column, --acc-columns ... to map its columns; sessions.csv "holds no three
    acceleration columns" (EDGE-96)."""
    assert main(["compare", str(week / given), "--out", str(week / "again")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{said}" in err and "not a recording" in err, err
    assert "--time-column" not in err
    if given.startswith("results") and not given.endswith(".toml"):
        assert f"comparisons are in {week / 'results' / 'cohort'}" in err
    assert not (week / "again").exists()


@pytest.mark.skipif(not hasattr(__import__("os"), "pread"), reason="POSIX file locks")
def test_a_second_batch_into_a_folder_being_written_is_refused(
    week: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A nightly batch still running when the next starts (or one started in a second terminal): both wrote
    `steps.parquet.partial`, the second to finish failed with "steps.parquet: No such file or directory" and the
    tables could mix the runs (EDGE-97). The lock is held here as the running batch holds it."""
    import fcntl
    import os
    import shutil

    out = tmp_path / "results"
    shutil.copytree(week / "results", out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != ".batch.lock"}
    fd = os.open(out / ".batch.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.ftruncate(fd, 0)
        os.write(fd, b"4242\n")
        code = main(["batch", str(week / "squad"), "--out", str(out), "-j", "1", "--force", "--no-compare"])
        err = capsys.readouterr().err
    finally:
        os.close(fd)
    assert code == 2
    assert err.count("\n") == 1 and "another `retrogait batch` is writing into this folder now (process 4242)" in err
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != ".batch.lock"} == before
    assert main(["batch", str(week / "squad"), "--out", str(out), "-j", "1", "--no-compare"]) == 0  # lock released


def test_a_folder_on_a_file_system_without_locks_is_batched_unlocked(
    week: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some NFS or CIFS mounts refuse `flock` (ENOLCK, EOPNOTSUPP): the batch runs without the lock; it ended in an
    internal error (review of EDGE-97)."""
    import errno
    import fcntl

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    assert main(["batch", str(week / "squad"), "--out", str(tmp_path / "nfs"), "-j", "1", "--no-compare"]) == 0
    assert (tmp_path / "nfs" / "sessions.csv").exists()


def test_a_cohort_with_one_direction_is_said_and_not_written(
    week: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A coach's folder with a forward-only session of another placement: batch printed "cohort foot/...: 1 sessions,
    level steps -> OUT/cohort/foot_..." like any comparison and wrote a report of "no forward or backward steps to
    compare" rows; a report an earlier batch wrote there stayed beside this batch's tables (EDGE-98)."""
    import shutil

    squad = tmp_path / "squad"
    shutil.copytree(week / "squad", squad)
    session = simulate(SimulationConfig("foot", [Bout("forward", "running", 3.0, 12.0)], 200.0, seed=4)).session
    write_session(session.with_meta(side="right"), squad / "bob" / "forward_only.csv")
    out = tmp_path / "results"
    stale = out / "cohort" / "foot_retrogait_simulator_v2_synthetic"
    stale.mkdir(parents=True)
    # an earlier batch's comparison: its report's title is the batch's (a user's own is refused, BATCH-56)
    (stale / "report.html").write_text("<html><head><title>Cohort: forward vs backward (foot, earlier)</title>\n")
    assert main(["batch", str(squad), "--out", str(out), "-j", "1"]) == 0
    printed = " ".join(capsys.readouterr().err.split())
    assert "cohort foot/retrogait simulator v2 (synthetic): 1 session, not compared: nothing to compare: " in printed
    assert "forward and 0 backward contacts entered the comparison" in printed
    assert "cohort shank/retrogait simulator v2 (synthetic): 1 session, level steps" in printed
    assert not stale.exists()
    assert (out / "cohort" / "shank_retrogait_simulator_v2_synthetic" / "report.html").is_file()


def _read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make writing and removing `.partial` files fail as a read-only file system does (EROFS, also for removing a
    file that is not there)."""
    import errno

    def refused(path: object) -> OSError:
        return OSError(errno.EROFS, "Read-only file system", str(path))

    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self.name.endswith(".partial"):
            raise refused(self)
        real_unlink(self, missing_ok=missing_ok)

    def write_text(self: Path, *args: object, **kwargs: object) -> int:
        raise refused(self)

    def open_(path: object, *args: object, **kwargs: object) -> object:
        raise refused(path)

    monkeypatch.setattr(Path, "unlink", unlink)
    monkeypatch.setattr(Path, "write_text", write_text)
    monkeypatch.setattr("retrogait.session.open", open_, raising=False)


def test_a_read_only_file_system_names_the_file_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`analyze run.csv --out /mnt/card/out` on a card mounted read-only said
    "/mnt/card/out/.steps.csv.1a2b3c4d.partial: Read-only file system" (convert: "run.csv.partial"): removing the
    temporary file that was never made failed too, and that error replaced the one naming the file asked for
    (EDGE-99)."""
    from retrogait.outfiles import write_text

    session = simulate(SimulationConfig("shank", [Bout("forward", "running", 3.0, 3.0)], 200.0, seed=1)).session
    _read_only(monkeypatch)
    with pytest.raises(OSError) as caught:
        write_text(tmp_path / "steps.csv", "x\n")
    assert caught.value.filename == str(tmp_path / "steps.csv")
    with pytest.raises(OSError) as caught:
        write_session(session, tmp_path / "run.csv")
    assert caught.value.filename == str(tmp_path / "run.csv")


def test_a_printed_settings_file_overrides_only_what_was_edited_in_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """README: `retrogait settings --placement shank > mine.toml`, edit it, `--settings mine.toml`. Given to a
    lower-back recording, or to a batch of several placements, every printed shank value replaced the other
    preset's (a bout broke at 3 s between contacts at the lower back, as for one leg's contacts), not only the
    edited one (EDGE-102)."""
    from retrogait.analysis.settings import AnalysisSettings
    from retrogait.analysis.settings_toml import read_settings_file

    assert main(["settings", "--placement", "shank"]) == 0
    printed = capsys.readouterr().out
    mine = tmp_path / "mine.toml"
    mine.write_text(printed.replace("flight_level_g = 0.4 ", "flight_level_g = 0.41 "), encoding="utf-8")
    settings = read_settings_file(mine)
    lower_back = settings.for_placement("lower_back")
    assert lower_back.contacts.flight_level_g == 0.41  # the edit
    preset = AnalysisSettings.for_placement("lower_back")
    assert lower_back.bouts.max_contact_gap_s == preset.bouts.max_contact_gap_s == 1.5  # not the shank's 3 s
    assert settings.for_placement("shank").contacts.flight_level_g == 0.41
    assert settings.for_placement("shank").bouts.max_contact_gap_s == 3.0
    # a file of its own keys (not printed) still sets what it says, on any placement
    own = tmp_path / "own.toml"
    own.write_text("[bouts]\nmax_contact_gap_s = 3.0\n", encoding="utf-8")
    assert read_settings_file(own).for_placement("lower_back").bouts.max_contact_gap_s == 3.0
