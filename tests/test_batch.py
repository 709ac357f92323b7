"""Batch analysis: local processes, a Dask LocalCluster and a plain loop give identical tables;
bad files are collected, unchanged sessions are skipped."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from retrogait.batch import discover_inputs, run_batch
from retrogait.cli import main
from retrogait.errors import RetrogaitError
from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation


@pytest.fixture(scope="module")
def squad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three athletes' folders with short simulated sessions, plus one broken file."""
    root = tmp_path_factory.mktemp("squad")
    for i, (placement, direction) in enumerate(
        [("shank", "forward"), ("shank", "backward"), ("lower_back", "forward"), ("lower_back", "backward")]
    ):
        config = SimulationConfig(
            placement=placement,
            bouts=[Bout("still", "still", 0.0, 2.0), Bout(direction, "running", 3.0, 12.0)],
            sample_rate_hz=200.0,
            with_gyro=placement == "shank",
            seed=i,
        )
        write_simulation(simulate(config), root / f"athlete{i % 3}" / f"run{i}.csv")
    (root / "athlete0" / "broken.csv").write_text("# retrogait-session: 1\n# placement: shank\nnot,a,table\n")
    return root


def _tables(out: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    steps = pd.read_parquet(out / "steps.parquet")
    return steps, pd.read_csv(out / "sessions.csv"), pd.read_csv(out / "errors.csv")


def test_inputs_skip_truth_tables_and_output_folder(squad: Path, tmp_path: Path) -> None:
    found = discover_inputs([squad, str(squad / "athlete0" / "*.csv")])
    assert len(found) == 5
    assert not any(p.name.endswith("_truth.csv") for p in found)
    with pytest.raises(RetrogaitError, match="no such file"):
        discover_inputs([tmp_path / "absent"])


def test_local_processes_equal_plain_loop_and_dask(squad: Path, tmp_path: Path) -> None:
    loop = run_batch([squad], tmp_path / "loop", jobs=1)
    local = run_batch([squad], tmp_path / "local", jobs=2, compare=False)
    assert (loop.n_inputs, loop.n_analysed, loop.n_failed) == (5, 4, 1)
    assert (local.n_analysed, local.n_failed) == (4, 1)

    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    ) as cluster:
        dask = run_batch([squad], tmp_path / "dask", scheduler=cluster.scheduler_address, compare=False)
    assert (dask.n_analysed, dask.n_failed) == (4, 1)

    reference = _tables(tmp_path / "loop")
    for other in ("local", "dask"):
        for mine, theirs in zip(reference, _tables(tmp_path / other), strict=True):
            pd.testing.assert_frame_equal(mine, theirs)
    steps, sessions, errors = reference
    assert set(steps["session"]) == set(sessions["session"]) and len(sessions) == 4
    assert steps["subject"].isin(["athlete0", "athlete1", "athlete2"]).all()
    assert len(errors) == 1 and "broken.csv" in errors["file"].iloc[0]
    assert "\n" not in errors["reason"].iloc[0] and "broken.csv" in errors["reason"].iloc[0]
    # one cohort comparison per placement (shank, lower back), each with both directions
    assert len(loop.cohort) == 2 and all("not compared" not in line for line in loop.cohort), loop.cohort
    for placement in ("shank", "lower_back"):
        table = pd.read_csv(next((tmp_path / "loop" / "cohort").glob(f"{placement}_*")) / "compare.csv")
        assert {"metric", "n_forward", "n_backward"} <= set(table.columns)
        assert (table.loc[table["metric"] == "cadence_spm", ["n_forward", "n_backward"]] > 0).all(axis=None)


def test_rerun_skips_unchanged_and_redoes_changed(squad: Path, tmp_path: Path) -> None:
    out = tmp_path / "nightly"
    first = run_batch([squad], out, jobs=1, compare=False)
    again = run_batch([squad], out, jobs=1, compare=False)
    assert first.n_analysed == 4 and again.n_analysed == 0 and again.n_skipped == 4
    assert again.n_failed == 1  # a bad file is tried again: it may have been fixed
    pd.testing.assert_frame_equal(pd.read_parquet(first.steps_path), pd.read_parquet(again.steps_path))
    changed = run_batch([squad], out, jobs=1, settings={"placement": "shank"}, compare=False)
    assert changed.n_skipped == 0  # other settings, other results


def test_cli_batch(squad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", str(squad), "--out", str(tmp_path / "cli"), "--jobs", "1"]) == 1  # one input failed
    err = capsys.readouterr().err
    assert "5 sessions: 4 analysed, 0 skipped, 1 failed" in err
    assert len(pd.read_csv(tmp_path / "cli" / "errors.csv")) == 1 and (tmp_path / "cli" / "sessions.csv").exists()
    assert (tmp_path / "cli" / "cohort").is_dir()
    assert main(["batch", str(tmp_path / "nothing-here"), "--out", str(tmp_path / "x")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_cli_batch_exit_status_and_no_compare(squad: Path, tmp_path: Path) -> None:
    good = [str(p) for p in sorted(squad.rglob("run*.csv"))]
    out = tmp_path / "good"
    assert main(["batch", *good, "--out", str(out), "--jobs", "1", "--no-compare"]) == 0  # nothing failed
    assert not (out / "cohort").exists()  # --no-compare is honoured
    assert main(["batch", str(squad / "athlete0" / "broken.csv"), "--out", str(tmp_path / "bad")]) == 1


def test_a_link_to_itself_does_not_stop_the_batch(squad: Path, tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "run.csv").symlink_to(next(squad.rglob("run0.csv")))
    (folder / "loop.csv").symlink_to(folder / "loop.csv")
    (folder / "dangling.csv").symlink_to(folder / "gone.csv")
    assert discover_inputs([folder]) == [next(squad.rglob("run0.csv")).resolve()]


@pytest.mark.slow
def test_workers_die_with_a_killed_batch(squad: Path, tmp_path: Path) -> None:
    """kill -9 of `retrogait batch`: its worker processes and the resource tracker exit, no orphans."""
    import psutil

    many = tmp_path / "many"
    for i in range(12):  # enough work that the workers are still busy when the parent is killed
        (many / f"a{i}").mkdir(parents=True)
        (many / f"a{i}" / "run.csv").write_bytes(next(squad.rglob("run0.csv")).read_bytes() + b"\n" * i)
    code = "import sys; from retrogait.cli import main; sys.exit(main())"
    args = [sys.executable, "-c", code, "batch", str(many), "--out", str(tmp_path / "out"), "--jobs", "2"]
    parent = psutil.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: list[psutil.Process] = []
    deadline = time.monotonic() + 120
    while len(children) < 3:  # two workers and the resource tracker
        assert time.monotonic() < deadline and parent.poll() is None, "the batch never started its workers"
        time.sleep(0.2)
        children = parent.children(recursive=True)
    parent.kill()
    parent.wait()
    _gone, alive = psutil.wait_procs(children, timeout=60)
    alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    for orphan in alive:  # a failing run must not leave its orphans on the machine
        orphan.kill()
    assert not alive, "orphans outlived the killed batch"
