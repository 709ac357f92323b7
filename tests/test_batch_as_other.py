"""A batch of a one-leg recording the analysis reads as both legs' (`other`, PHONE-18): unchanged, it is not analysed
again, and the settings file the batch writes is the one it was analysed with (BATCH-47)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from retrogait.analysis.settings import AnalysisSettings, settings_as_other
from retrogait.analysis.settings_toml import read_settings_file
from retrogait.batch import run_batch
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

#: A value of the shank's preset that `other`'s preset does not hold (other: 1.5 s, both legs' contacts).
SHANK_GAP = {"bouts": {"max_contact_gap_s": 3.0}}


@pytest.fixture(scope="module")
def shank_as_other(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a lower-back walk without gyroscope declared on the left shank: the analysis reads it as
    `other` (PHONE-18) on every run."""
    folder = tmp_path_factory.mktemp("as_other") / "in"
    bouts = [Bout("forward", "walking", 1.4, 40.0)]
    session = simulate(SimulationConfig("lower_back", bouts, 100.0, with_gyro=False, seed=3)).session
    write_session(replace(session, meta=replace(session.meta, placement="shank", side="left")), folder / "s.csv")
    return folder


@pytest.mark.parametrize("overrides", [None, SHANK_GAP, {"bouts": {"max_contact_gap_s": 2.0}}])
def test_an_unchanged_shank_read_as_other_is_not_analysed_again(
    shank_as_other: Path, tmp_path: Path, overrides: dict[str, dict[str, float]] | None
) -> None:
    """With `--settings` holding a shank-preset value, the up-to-date check compared the session's settings hash
    (other's preset with what the file changes in the shank's: nothing) with `other`'s preset with the file applied
    (1.5 -> 3.0 s), and analysed the unchanged session on every run (the last session's finding)."""
    out = tmp_path / "out"
    runs = [run_batch([shank_as_other], out, overrides=overrides, jobs=1, compare=False) for _ in range(2)]
    assert [(r.n_analysed, r.n_skipped, r.n_failed) for r in runs] == [(1, 0, 0), (0, 1, 0)]
    changed = {"bouts": {"max_contact_gap_s": 2.5}}  # a setting that applies: analysed again
    assert run_batch([shank_as_other], out, overrides=changed, jobs=1, compare=False).n_analysed == 1


def test_the_settings_file_of_a_shank_read_as_other_is_what_it_was_analysed_with(
    shank_as_other: Path, tmp_path: Path
) -> None:
    """`settings_other.toml` said `max_contact_gap_s = 3.0` (other's preset with the file applied) for a session
    analysed with 1.5 s; read back with `--settings`, it repeats the analysis (USER-3)."""
    out = tmp_path / "out"
    run_batch([shank_as_other], out, overrides=SHANK_GAP, jobs=1, compare=False)
    used = settings_as_other(AnalysisSettings.for_placement("shank", SHANK_GAP), "shank")
    assert used.bouts.max_contact_gap_s == 1.5
    written = out / "settings_other_declared_shank.toml"
    assert sorted(p.name for p in out.glob("settings_*.toml")) == [written.name]
    assert "declared shank" in written.read_text(encoding="utf-8").splitlines()[0]
    (row,) = (line for line in (out / "sessions.csv").read_text(encoding="utf-8").splitlines()[1:])
    assert used.digest() in row.split(",")
    again = read_settings_file(written).values
    repeat = run_batch([shank_as_other], out, overrides=again, jobs=1, compare=False)
    assert (repeat.n_analysed, repeat.n_skipped) == (0, 1)


def test_a_foot_read_as_other_has_its_own_settings_file(tmp_path: Path) -> None:
    """REVIEW-59: docs/batch.md names the file of a foot read as both legs' (`settings_other_declared_foot.toml`)."""
    bouts = [Bout("forward", "walking", 1.4, 40.0)]
    session = simulate(SimulationConfig("lower_back", bouts, 100.0, with_gyro=False, seed=3)).session
    foot = replace(session, meta=replace(session.meta, placement="foot", side="left"))
    path = write_session(foot, tmp_path / "f.csv")
    out = tmp_path / "out"
    run_batch([path], out, overrides=SHANK_GAP, jobs=1, compare=False)  # 3.0 s: the foot preset's gap too
    assert [p.name for p in out.glob("settings_*.toml")] == ["settings_other_declared_foot.toml"]
    assert run_batch([path], out, overrides=SHANK_GAP, jobs=1, compare=False).n_skipped == 1


def test_a_setting_of_the_declared_placement_that_reading_as_other_hides_runs_the_session_again(
    shank_as_other: Path, tmp_path: Path
) -> None:
    """BATCH-50: the decision to read a shank without gyroscope as `other` (PHONE-17) runs on the shank's settings.
    `max_contact_gap_s = 1.5` is other's own value, so the settings the session is analysed with are the same as
    without the file, but the decision ran on 1.5 s, not the shank's 3.0 s: it was skipped as unchanged."""
    out = tmp_path / "out"
    first = run_batch([shank_as_other], out, jobs=1, compare=False)
    other_gap = {"bouts": {"max_contact_gap_s": 1.5}}
    runs = [run_batch([shank_as_other], out, overrides=other_gap, jobs=1, compare=False) for _ in range(2)]
    assert [(r.n_analysed, r.n_skipped) for r in (first, *runs)] == [(1, 0), (1, 0), (0, 1)]


def test_a_manifest_without_the_declared_placements_digest_analyses_a_session_read_as_other_again(
    shank_as_other: Path, tmp_path: Path
) -> None:
    """A manifest written before BATCH-50 does not say what the PHONE-17 decision ran on: such a session is analysed
    again once, and the result says how many were (the terminal says why once)."""
    import json

    out = tmp_path / "out"
    run_batch([shank_as_other], out, jobs=1, compare=False)
    manifest = out / "manifest.jsonl"
    lines = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        del line["declared_settings_hash"]
    manifest.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    again = run_batch([shank_as_other], out, jobs=1, compare=False)
    assert (again.n_analysed, again.n_skipped, again.n_from_older_manifest) == (1, 0, 1)
    assert run_batch([shank_as_other], out, jobs=1, compare=False).n_skipped == 1


def test_the_cli_says_once_why_an_older_manifests_session_read_as_other_is_analysed_again(
    shank_as_other: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from retrogait.cli import main

    out = tmp_path / "out"
    argv = ["batch", str(shank_as_other), "--out", str(out), "--jobs", "1", "--no-compare"]
    assert main(argv) == 0
    manifest = out / "manifest.jsonl"
    lines = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()]
    manifest.write_text(
        "".join(json.dumps({k: v for k, v in line.items() if k != "declared_settings_hash"}) + "\n" for line in lines),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(argv) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert err.count("did not record the declared placement's settings") == 1
    assert "note: 1 session declared on one leg and read as both legs' (other) was analysed again" in err
    assert main(argv) == 0
    assert "did not record" not in capsys.readouterr().err
