"""Batch analysis: local processes, a Dask LocalCluster and a plain loop give identical tables;
bad files are collected, unchanged sessions are skipped."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrogait
from retrogait.analysis.settings import AnalysisSettings
from retrogait.batch import discover_inputs, run_batch
from retrogait.batch.pool import worker_context
from retrogait.batch.runner import longest_first
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


def test_recordings_named_like_an_analysis_output_are_inputs(tmp_path: Path) -> None:
    """analyze's bouts.csv and summary.json beside a recording are skipped by name; a recording called
    walking_bouts.csv or week_summary.json was skipped too, without a word."""
    for name in ("walking_bouts.csv", "week_summary.json", "run.csv"):
        (tmp_path / name).write_text("t,x\n")
    analysis = tmp_path / "run_analysis"
    analysis.mkdir()
    for name in ("bouts.csv", "summary.json", "steps.csv"):
        (analysis / name).write_text("{}\n")
    found = [p.name for p in discover_inputs([tmp_path])]
    assert found == ["run.csv", "walking_bouts.csv", "week_summary.json"]


# Two UserWarnings of Dask (errors under our warnings policy) depend on the machine, not on the results: "port
# 8787 is already in use" when another user's cluster has the dashboard port (hence a free port, ":0"), and
# "creating scratch directories is taking a surprisingly long time" when creating its scratch folder took more
# than 1 s of wall time: on a loaded machine, or waiting for the lock of a /tmp/dask-scratch-space shared with
# other users' clusters (the test failed once under load 9). The cluster gets a scratch folder of its own, so
# no lock is shared, and that warning is ignored here.
@pytest.mark.filterwarnings("ignore:Creating scratch directories is taking a surprisingly long time:UserWarning")
def test_local_processes_equal_plain_loop_and_dask(squad: Path, tmp_path: Path) -> None:
    loop = run_batch([squad], tmp_path / "loop", jobs=1)
    local = run_batch([squad], tmp_path / "local", jobs=2, compare=False)
    assert (loop.n_inputs, loop.n_analysed, loop.n_failed) == (5, 4, 1)
    assert (local.n_analysed, local.n_failed) == (4, 1)

    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=40,
        local_directory=str(tmp_path / "dask-scratch"),
    ) as cluster:
        dask = run_batch([squad], tmp_path / "dask", scheduler=cluster.scheduler_address)
        # the client process of `retrogait batch --scheduler` loads no pandas (BATCH-17): what it imports, it
        # imports before its first task is submitted
        probe = (
            "import sys, json; from retrogait.cli import main; code = main(sys.argv[1:]); "
            "print('MODULES ' + json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)"
        )
        args = [str(squad), "--out", str(tmp_path / "client"), "--no-compare", "--scheduler", cluster.scheduler_address]
        client = subprocess.run([sys.executable, "-c", probe, "batch", *args], capture_output=True, text=True)
        loaded = json.loads(next(x for x in client.stderr.splitlines() if x.startswith("MODULES "))[8:])
    assert (dask.n_analysed, dask.n_failed) == (4, 1)
    assert len(dask.cohort) == 2, dask.cohort  # the cohort comparison, imported beside the Dask batch
    assert client.returncode == 0 and len(pd.read_csv(tmp_path / "client" / "sessions.csv")) == 4  # 1 bad input
    assert not {"pandas", "scipy", "matplotlib"} & set(loaded), loaded

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


def test_sessions_table_is_the_analysis_summary(squad: Path, tmp_path: Path) -> None:
    """One summary (issue 13 item 5): sessions.csv holds summary.json's numbers, not a second definition."""
    path = next(squad.rglob("run0.csv"))
    run_batch([path], tmp_path / "out", jobs=1, compare=False)
    row = pd.read_csv(tmp_path / "out" / "sessions.csv").iloc[0]
    summary = retrogait.analyze(path).summary
    assert (
        row["n_steps"] == summary["all"]["n_steps"]
        and row["n_forward"] == summary["per_direction"]["forward"]["n_steps"]
    )
    assert row["cadence_spm_all"] == pytest.approx(summary["all"]["cadence_spm"]["value"], rel=1e-12)
    forward = summary["per_direction"]["forward"]
    assert row["cadence_spm_forward"] == pytest.approx(forward["cadence_spm"]["value"], rel=1e-12)
    for metric in ("contact_time_s", "impact_peak_g", "impact_loading_rate_g_per_s", "vgrf_peak_bw"):
        median = forward[metric]["median"]  # None where the placement has no such measure (vGRF of a shank)
        expected = np.nan if median is None else median
        assert row[f"{metric}_median_forward"] == pytest.approx(expected, rel=1e-12, nan_ok=True), metric
    assert np.isnan(row["cadence_spm_backward"])  # a forward-only session has no backward cadence


def test_a_settings_change_or_new_analysis_code_reruns_and_nothing_else_does(
    squad: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 item 4: the re-run decision includes the effective settings' digest and the analysis version."""
    sources = sorted(p for p in squad.rglob("run*.csv") if not p.name.endswith("_truth.csv"))
    inputs = [tmp_path / "in" / p.relative_to(squad) for p in sources]
    for source, copy in zip(sources, inputs, strict=True):
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(source.read_bytes())
    out = tmp_path / "out"

    def analysed(overrides: dict[str, dict[str, float]] | None = None) -> int:
        result = run_batch(inputs, out, overrides=overrides, jobs=1, compare=False)
        assert result.n_failed == 0 and result.n_analysed + result.n_skipped == len(inputs)
        return result.n_analysed

    assert analysed() == len(inputs)
    assert analysed() == 0  # nothing changed
    for path in inputs:  # a new modification time (copied, synced, touched) is not a change
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert analysed() == 0
    defaults = AnalysisSettings()
    assert analysed({"still": {"std_ms2": defaults.still.std_ms2}}) == 0  # restating the preset changes nothing
    changed = {"quality": {"pre_contact_s": 0.08}}
    assert analysed(changed) == len(inputs)  # a setting changed: every session again
    assert analysed(changed) == 0
    assert analysed() == len(inputs)  # and back
    monkeypatch.setattr("retrogait.batch.runner.analysis_version", lambda: "0.1.0+simulated-new-code")
    assert analysed() == len(inputs)  # new analysis code: every session again
    assert analysed() == 0


def test_cli_batch_settings_file(squad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = str(next(squad.rglob("run0.csv")))
    bad = tmp_path / "bad.toml"
    bad.write_text("[contacts]\nflight_level = 0.3\n", encoding="utf-8")
    assert main(["batch", good, "--out", str(tmp_path / "x"), "--settings", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and "flight_level" in err and not (tmp_path / "x").exists()
    settings = tmp_path / "s.toml"
    settings.write_text("[quality]\npre_contact_s = 0.08\n", encoding="utf-8")
    out = tmp_path / "ok"
    assert main(["batch", good, "--out", str(out), "--jobs", "1", "--no-compare", "--settings", str(settings)]) == 0
    assert "1 session: 1 analysed, 0 skipped, 0 failed" in capsys.readouterr().err  # not "1 sessions"
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    expected = AnalysisSettings.for_placement("shank", {"quality": {"pre_contact_s": 0.08}}).digest()
    assert [m["settings_hash"] for m in manifest] == [expected]


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
    started = 3 + (worker_context().get_start_method() == "forkserver")  # two workers, the tracker, a fork server
    while len(children) < started:
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


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt only")
def test_dask_workers_reuse_freed_memory() -> None:
    """BATCH-11: the allocator setting that keeps a Dask worker at local speed is taken by glibc."""
    from retrogait.allocator import reuse_freed_memory

    assert reuse_freed_memory() is True
    assert reuse_freed_memory() is True  # once per process, then cached


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["in", "--out", "o", "--jobs", "2"], 2),
        (["in", "-j", "3", "--out", "o"], 3),
        (["in", "--jobs=1"], 1),
        (["in", "-j4"], 4),
        (["in", "--jobs", "many"], 0),  # Typer refuses it; nothing starts early
        (["in", "--scheduler", "tcp://h:8786"], 0),
        (["in", "--scheduler=tcp://h:8786", "--jobs", "2"], 0),
        (["--help"], 0),
        (["in", "--", "--jobs", "5"], os.cpu_count() or 1),  # after `--` it is a file name
        (["in", "--out", "o"], os.cpu_count() or 1),
    ],
)
def test_local_workers_read_from_the_raw_arguments(args: list[str], expected: int) -> None:
    """BATCH-14: the fork server is started before Typer parses; the hand reading must agree with it."""
    from retrogait.cli.early import local_workers

    assert local_workers(args) == expected


def test_a_batch_starts_its_fork_server_before_the_cli_loads(squad: Path, tmp_path: Path) -> None:
    """BATCH-14: with local workers the fork server (importing the analysis) is running before Typer and
    pandas are imported here; with --jobs 1 none is started."""
    if worker_context().get_start_method() != "forkserver":
        pytest.skip("no fork server on this platform")
    code = (
        "import sys, multiprocessing.forkserver as f; from retrogait.cli.early import start_early\n"
        "start_early(sys.argv[1:], whole_process=True)\n"
        "print(f._forkserver._forkserver_pid is not None, 'pandas' in sys.modules, 'typer' in sys.modules)"
    )
    for jobs, started in (("2", "True"), ("1", "False")):
        args = ["batch", str(squad), "--out", str(tmp_path / "o"), "--jobs", jobs]
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True).stdout
        assert out.split() == [started, "False", "False"]


def test_forked_workers_start_with_what_a_session_loads() -> None:
    """BATCH-19: the fork server loads the readers, the Arrow writer and threadpoolctl's view of the BLAS
    once; a worker forked from it has them before its first session instead of loading them itself."""
    if worker_context().get_start_method() != "forkserver":
        pytest.skip("no fork server on this platform")
    from retrogait.batch.pool import start_local_pool

    probe = (
        "[m in __import__('sys').modules for m in ('retrogait.imports.loading', 'retrogait.batch.worker')]"
        " + [__import__('retrogait.analysis.blas', fromlist=['_']).__dict__['_controller'] is not None]"
    )
    pool = start_local_pool(1)
    try:
        assert pool.submit(eval, probe).result(timeout=120) == [True, True, True]
    finally:
        pool.shutdown()


def test_a_forked_workers_first_session_imports_nothing_more(squad: Path, tmp_path: Path) -> None:
    """BATCH-31: what the fork server preloads is all a worker's sessions import (a shank and a lower-back
    session to Parquet): it imported the settings' TOML reader, the parts plan, pandas' `to_dict` and its
    Arrow extension types in every worker's first session, 5 ms of CPU each."""
    code = (
        "import sys\n"
        "import retrogait.batch.preload\n"
        "from retrogait.batch.worker import analyze_one\n"
        "before = set(sys.modules)\n"
        "for i, path in enumerate(sys.argv[2:]):\n"
        "    assert analyze_one(path, f'{i:024d}', {}, sys.argv[1]).ok\n"
        "print(' '.join(sorted(set(sys.modules) - before)))"
    )
    paths = [str(squad / "athlete0" / "run0.csv"), str(squad / "athlete2" / "run2.csv")]
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), *paths], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == []


def test_forked_workers_start_with_a_frozen_heap_and_the_collector_on() -> None:
    """BATCH-22: the fork server imports without cyclic collections and freezes what it loaded; a worker
    forked from it collects its own garbage as usual, without scanning the server's objects."""
    if worker_context().get_start_method() != "forkserver":
        pytest.skip("no fork server on this platform")
    from retrogait.batch.pool import start_local_pool

    probe = "(__import__('gc').isenabled(), __import__('gc').get_freeze_count())"
    pool = start_local_pool(1)
    try:
        enabled, frozen = pool.submit(eval, probe).result(timeout=120)
    finally:
        pool.shutdown()
    assert enabled and frozen > 10_000  # numpy, pandas, pyarrow and the analysis: ~120,000 objects


def test_forked_workers_start_with_the_first_jobs() -> None:
    """BATCH-20: with a fork server the pool is returned before any worker is forked (a fork waits for the
    server's preload, and the batch process prepares its first jobs meanwhile); the first submits fork them."""
    if worker_context().get_start_method() != "forkserver":
        pytest.skip("no fork server on this platform")
    from retrogait.batch.pool import start_local_pool

    pool = start_local_pool(2)
    try:
        assert not pool._processes  # no fork yet
        pids = {future.result(timeout=120) for future in [pool.submit(os.getpid) for _ in range(2)]}
        assert len(pool._processes) == 2 and pids <= set(pool._processes)
    finally:
        pool.shutdown()


def _digests_counted(n_inputs: int, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Path], threading.Event]:
    """The batch's content digests, recorded: the inputs hashed so far, in order, and an event set once all
    ``n_inputs`` are (BATCH-25, BATCH-28)."""
    from retrogait.batch import runner

    hashed: list[Path] = []
    all_hashed = threading.Event()
    real = runner._content_digest

    def digest(path: Path) -> str:
        value = real(path)
        hashed.append(path)
        if len(hashed) == n_inputs:
            all_hashed.set()
        return value

    monkeypatch.setattr(runner, "_content_digest", digest)
    return hashed, all_hashed


def test_inputs_are_hashed_while_the_workers_start(
    squad: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BATCH-25: with workers, every input is hashed while the first submit waits for a worker (a fork server still
    importing), not one input between two results on the workers' cores; the tables are those of a plain loop."""
    from concurrent.futures import ThreadPoolExecutor

    inputs = discover_inputs([squad])
    hashed, all_hashed = _digests_counted(len(inputs), monkeypatch)

    class SlowToStart(ThreadPoolExecutor):
        """Workers whose first submit returns once every input is hashed, or after 10 s (before BATCH-25: never)."""

        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            if not hasattr(self, "started"):
                self.started = all_hashed.wait(timeout=10)  # only a bound: the test waits for the state
            return super().submit(fn, *args, **kwargs)

    pool = SlowToStart(2)
    result = run_batch([squad], tmp_path / "pool", jobs=2, compare=False, force=True, pool=pool)  # type: ignore[arg-type]
    assert pool.started, "the inputs were not hashed while the first worker started"
    assert hashed == [inputs[i] for i in longest_first(inputs)]  # in the order handed out (BATCH-32)
    plain = run_batch([squad], tmp_path / "plain", jobs=1, compare=False, force=True)
    assert (result.n_analysed, result.n_failed) == (plain.n_analysed, plain.n_failed) == (4, 1)
    for name in ("steps.parquet", "sessions.csv", "errors.csv"):
        assert (tmp_path / "pool" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes()


def test_an_input_that_cannot_be_hashed_ends_a_batch_with_workers_as_before(
    squad: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BATCH-25: hashed ahead on a thread, an input that cannot be read still ends the batch with its own error
    (the file system's, naming it), and no input after it is hashed."""
    from concurrent.futures import ThreadPoolExecutor

    from retrogait.batch import runner

    inputs = discover_inputs([squad])
    handed_out = [inputs[i] for i in longest_first(inputs)]  # the order the workers get them (BATCH-32)
    hashed: list[Path] = []
    real = runner._content_digest

    def digest(path: Path) -> str:
        hashed.append(path)
        if path == handed_out[1]:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(runner, "_content_digest", digest)
    with pytest.raises(PermissionError) as raised:
        run_batch([squad], tmp_path / "out", jobs=2, compare=False, pool=ThreadPoolExecutor(2))  # type: ignore[arg-type]
    assert raised.value.filename == str(handed_out[1])
    assert hashed == handed_out[:2]


def test_workers_take_the_longest_recording_first_and_the_tables_keep_the_input_order(tmp_path: Path) -> None:
    """BATCH-32: handed out in input order, a long recording listed last started when every other was done, and the
    batch ended on it alone with the other workers idle; workers now take the largest files first. The tables, the
    notes of inputs with the same bytes and every other output are a plain loop's, in input order."""
    from concurrent.futures import ThreadPoolExecutor

    folder = tmp_path / "in"
    bouts = [Bout("forward", "running", 3.0, 10.0)]
    for i in range(3):
        write_simulation(simulate(SimulationConfig("shank", bouts, seed=i)), folder / f"a{i}.csv")
    long_bouts = [Bout("forward", "running", 3.0, 40.0)]
    write_simulation(simulate(SimulationConfig("shank", long_bouts, seed=9)), folder / "z_long.csv")
    (folder / "b_copy.csv").write_bytes((folder / "a1.csv").read_bytes())  # the same bytes as a1 (EDGE-31)
    submitted: list[str] = []

    class Recording(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            submitted.append(Path(args[0]).name)
            return super().submit(fn, *args, **kwargs)

    pooled = run_batch([folder], tmp_path / "pool", jobs=2, compare=False, pool=Recording(2))  # type: ignore[arg-type]
    assert submitted[0] == "z_long.csv" and sorted(submitted) == ["a0.csv", "a1.csv", "a2.csv", "z_long.csv"]
    plain = run_batch([folder], tmp_path / "plain", jobs=1, compare=False)
    assert pooled.same_as == plain.same_as == ((str(folder / "b_copy.csv"), str(folder / "a1.csv")),)
    for name in ("steps.parquet", "sessions.csv", "errors.csv"):
        assert (tmp_path / "pool" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes()
    assert pd.read_csv(tmp_path / "pool" / "sessions.csv")["session"].str.endswith("z_long.csv").tolist()[-1]


def test_inputs_of_about_one_size_are_handed_out_in_input_order(tmp_path: Path) -> None:
    """BATCH-39: sessions of one length differ by a few bytes, and largest first permuted them: the first input was
    often done last and every session's appends waited for it, at the end (BATCH-34). Sizes within an eighth of a
    doubling keep the input order; a file 10 % larger still goes first, an empty one and one missing last."""
    sizes = {
        "a.csv": 1_000_000,
        "b.csv": 1_000_400,
        "c.csv": 999_000,
        "d.csv": 1_100_000,
        "e.csv": 0,
        "f.csv": 1_000_200,
    }
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    paths = [tmp_path / name for name in sizes] + [tmp_path / "missing.csv"]
    assert [paths[i].name for i in longest_first(paths)] == [
        "d.csv",
        "a.csv",
        "b.csv",
        "c.csv",
        "f.csv",
        "e.csv",
        "missing.csv",
    ]


def test_inputs_a_byte_apart_keep_their_input_order_at_a_size_class_boundary(tmp_path: Path) -> None:
    """REVIEW-16: the size classes were fixed bins of log2(size), so two sessions a byte apart could lie in two bins:
    1 048 575 and 1 048 576 bytes (2^20) were handed out larger first, the permutation BATCH-39 meant to stop. Sizes are
    now grouped from the largest down (each group: within an eighth of a doubling of its largest), so near-equal sizes
    share a group wherever they lie; a file more than 9 % larger still goes first."""
    sizes = {"a.csv": 1_048_575, "b.csv": 1_048_576, "c.csv": 1_048_574, "d.csv": 1_200_000, "e.csv": 960_000}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    paths = [tmp_path / name for name in sizes]
    assert [paths[i].name for i in longest_first(paths)] == ["d.csv", "a.csv", "b.csv", "c.csv", "e.csv"]


def test_a_dask_batch_hashes_its_inputs_while_the_client_connects(
    squad: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BATCH-28: with a scheduler, the inputs are hashed on a thread from before the client imports Dask and
    connects (the cluster is idle then), not from the first submit on, beside the cluster's first sessions; a
    client that cannot connect stops the hashing, and nothing is made."""

    from retrogait.batch import runner

    inputs = discover_inputs([squad])
    hashed, all_hashed = _digests_counted(len(inputs), monkeypatch)

    def client(address: str) -> None:
        """A connect that takes a moment: every input is hashed meanwhile (before BATCH-28: none)."""
        seen.append(all_hashed.wait(timeout=10))  # only a bound: the test waits for the state
        raise RetrogaitError(f"cannot reach the Dask scheduler at {address}")

    seen: list[bool] = []
    monkeypatch.setattr(runner, "_dask_client", client)
    monkeypatch.setattr(runner, "_dask_installed", lambda: True)
    with pytest.raises(RetrogaitError, match="cannot reach"):
        run_batch([squad], tmp_path / "out", scheduler="tcp://127.0.0.1:1", compare=False)
    assert seen == [True], "the inputs were not hashed while the client connected"
    assert hashed == [inputs[i] for i in longest_first(inputs)]  # in the order handed out (BATCH-32)
    assert not (tmp_path / "out").exists()


def test_a_dask_client_imports_dask_without_cyclic_collections(squad: Path, tmp_path: Path) -> None:
    """BATCH-29: `retrogait batch --scheduler`, the program, imports Dask's client with the collector paused, as
    it imports everything else (BATCH-22), and turns it on again right after, also when the scheduler is not
    there; `main([...])` from Python code leaves the collector alone."""
    pytest.importorskip("distributed")
    probe = """
import gc, sys
seen = []
class Finder:
    def find_spec(self, name, path=None, target=None):
        if name == "distributed.client":  # imported with the package (a find_spec of it alone loads nothing)
            seen.append(gc.isenabled())
        return None
sys.meta_path.insert(0, Finder())
from retrogait.cli import main
args = ["batch", sys.argv[2], "--out", sys.argv[3], "--scheduler", "tcp://127.0.0.1:1"]
if sys.argv[1] == "program":
    sys.argv = ["retrogait", *args]
    rc = main()
else:
    rc = main(args)
print("SEEN", rc, seen, gc.isenabled(), gc.get_freeze_count() > 0)
"""
    # nothing listens on port 1: refused after the import, before anything is read or made (BATCH-23)
    for how, expected in (("program", "SEEN 2 [False] True True"), ("call", "SEEN 2 [True] True False")):
        proc = subprocess.run(
            [sys.executable, "-c", probe, how, str(squad), str(tmp_path / how)],
            capture_output=True,
            text=True,
            check=False,
        )
        line = next((x for x in proc.stdout.splitlines() if x.startswith("SEEN ")), proc.stdout + proc.stderr)
        assert line == expected, (how, proc.stderr)


def test_a_finished_batch_writes_its_tables_while_the_workers_exit(squad: Path, tmp_path: Path) -> None:
    """BATCH-26: once every session is back the workers are told to stop without waiting for them to exit (the
    process' exit joins them), so the combined tables are written meanwhile; a batch that fails still waits for
    the sessions in flight."""
    from concurrent.futures import ThreadPoolExecutor

    class Recorded(ThreadPoolExecutor):
        waits: list[bool]

        def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
            self.waits = [*getattr(self, "waits", []), wait]
            super().shutdown(wait=wait, cancel_futures=cancel_futures)

    pool = Recorded(2)
    result = run_batch([squad], tmp_path / "out", jobs=2, compare=False, pool=pool)  # type: ignore[arg-type]
    assert pool.waits == [False]
    assert (result.n_analysed, result.n_failed) == (4, 1) and result.steps_path.is_file()

    def stop(_outcome: object, _skipped: bool) -> None:
        raise RetrogaitError("stopped by the caller")

    failing = Recorded(2)
    with pytest.raises(RetrogaitError, match="stopped"):
        run_batch([squad], tmp_path / "bad", jobs=2, compare=False, pool=failing, on_done=stop)  # type: ignore[arg-type]
    assert failing.waits == [True]


def test_an_unusable_pyarrow_falls_back_to_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyarrow installed but not importable (built for another numpy, or without Parquet): CSV steps."""
    from retrogait.batch.worker import steps_suffix

    steps_suffix.cache_clear()
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # its import raises ImportError
    try:
        assert steps_suffix() == ".csv"
    finally:
        steps_suffix.cache_clear()
    monkeypatch.undo()
    assert steps_suffix() == ".parquet"


@pytest.mark.skipif(sys.platform != "linux", reason="a file name that is not UTF-8 needs a Linux file system")
def test_a_file_name_that_is_not_utf8_is_analysed_and_named(tmp_path: Path) -> None:
    """A name from another system's encoding (Latin-1 'café') is analysed; the tables name it with \\xNN."""
    from retrogait.outfiles import writable_text

    bouts = [Bout("forward", "running", 3.0, 20)]
    source, _truth = write_simulation(simulate(SimulationConfig("shank", bouts, seed=2)), tmp_path / "s.csv")
    folder = tmp_path / "in"
    folder.mkdir()
    os.rename(source, os.path.join(os.fsencode(folder), b"caf\xe9.csv"))
    result = run_batch([folder], tmp_path / "out", jobs=1, compare=False)
    assert (result.n_analysed, result.n_failed) == (1, 0)
    sessions = pd.read_csv(result.sessions_path)
    assert sessions["session"].iloc[0].endswith("caf\\xe9.csv")
    assert pd.read_parquet(result.steps_path)["session"].iloc[0] == sessions["session"].iloc[0]
    name = os.fsdecode(os.path.join(os.fsencode(folder), b"caf\xe9.csv"))  # as the shell hands it over
    assert main(["analyze", name, "--out", str(tmp_path / "one")]) == 0  # the report names it too
    assert "caf\\xe9.csv" in (tmp_path / "one" / "report.html").read_text(encoding="utf-8")
    assert writable_text("café ünïcode") == "café ünïcode"  # text that is UTF-8 stays as it is
    assert writable_text("\ud800") == "\\ud800"  # a lone surrogate that is no escaped byte


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux /proc")
def test_a_worker_takes_a_batch_that_has_exited_but_is_not_collected_for_gone() -> None:
    """Ctrl-C ends the batch at once (EDGE-1) and its workers ignore it, waiting for the lifeline; but a batch
    run by `subprocess.run(..., capture_output=True)` stays a zombie until its output ends, which the workers
    hold open: signal 0 still found it, and the batch's caller and its workers waited for each other for ever."""
    from retrogait.batch.lifeline import _parent_alive

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        assert _parent_alive(os.getpid(), os.getppid())
        deadline = time.monotonic() + 60  # only a bound: the test waits for the state, not for a time
        while Path(f"/proc/{child.pid}/stat").read_bytes().rsplit(b")", 1)[1][1:2] != b"Z":
            assert time.monotonic() < deadline, "the child did not exit"
            time.sleep(0.01)
        assert not _parent_alive(child.pid, os.getppid())
    finally:
        child.wait()
