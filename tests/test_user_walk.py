"""USER-*: what broke when the commands were used end to end as a runner, coach or physiotherapist would.

Fixtures are made here (tests/import_samples.py, tests/steps_factory.py); nothing depends on ../shared."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

import import_samples as samples
from retrogait.cli import main


def _sessions(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [row["session"] for row in csv.DictReader(fh)]


# ------------------------------------- USER-2: a copy of a recording is not analysed again, nor renamed


def test_batch_does_not_analyse_a_copy_again_and_keeps_the_first_name_on_a_rerun(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The copy was analysed a second time (to the same steps file, whose session column it then held), so
    a re-run of the unchanged folder put the copy's name in sessions.csv and steps.parquet, and with
    --jobs 2 the name depended on which worker finished last."""
    squad = tmp_path / "squad"
    first = samples.phyphox_classic(squad / "anna" / "run.csv")
    (squad / "ben").mkdir()
    again = Path(shutil.copy(first, squad / "ben" / "run.csv"))
    out = tmp_path / "out"
    for _ in range(2):  # the first run, then a re-run of the unchanged folder
        assert main(["batch", str(squad), "--out", str(out), "--jobs", "1", "--no-compare"]) == 0
        printed = "".join(capsys.readouterr().err.split())
        assert "2/2" in printed  # the copy is counted as done
        assert "".join(f"note: {again} is the same recording as {first}".split()) in printed
        assert _sessions(out / "sessions.csv") == [str(first)]
        records = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
        assert [r["path"] for r in records] == [str(first)]  # analysed once, never as the copy
    steps_file = out / "steps.parquet"
    if steps_file.exists():
        import pandas as pd

        assert set(pd.read_parquet(steps_file, columns=["session"])["session"]) == {str(first)}


# ------------------------------- USER-1: compare says when its inputs were analysed in different ways


def _analysis_folder(folder: Path, seed: int, **summary: object) -> Path:
    from steps_factory import make_steps

    folder.mkdir(parents=True)
    make_steps(n_forward=30, n_backward=30, seed=seed).to_csv(folder / "steps.csv", index=False)
    info = {"placement": "shank", "sample_rate_hz": 500.0, "source_digest": f"sha256:{seed}", **summary}
    (folder / "summary.json").write_text(json.dumps(info), encoding="utf-8")
    return folder


def test_compare_names_inputs_analysed_with_other_settings_or_versions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two sessions analysed with different --settings files (or by an older version) were pooled without a
    word, and compare.json recorded neither how each input was analysed nor its own version."""
    made = {"analysis_version": "0.1.0+aaaa", "settings_hash": "1111"}
    a = _analysis_folder(tmp_path / "monday", 1, **made)
    b = _analysis_folder(tmp_path / "tuesday", 2, **{**made, "settings_hash": "2222"})
    c = _analysis_folder(tmp_path / "old", 3, **{**made, "analysis_version": "0.0.9+bbbb"})
    d = _analysis_folder(tmp_path / "bare", 4)  # a summary without either
    same = _analysis_folder(tmp_path / "wednesday", 5, **made)
    out = tmp_path / "cmp"

    assert main(["compare", str(a), str(same), "--out", str(out), "--n-boot", "200"]) == 0
    assert "note:" not in capsys.readouterr().out  # analysed alike: nothing to say
    saved = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert saved["retrogait_version"]
    assert [(s["analysis_version"], s["settings_hash"]) for s in saved["sources"]] == [("0.1.0+aaaa", "1111")] * 2

    assert main(["compare", str(a), str(b), "--out", str(out), "--n-boot", "200"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert (
        "note: The inputs were analysed with different analysis settings (settings hash 1111: monday; 2222: tuesday)"
        in printed
    )
    saved = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert any("different analysis settings" in c for c in saved["caveats"])
    assert "different analysis settings" in (out / "report.html").read_text(encoding="utf-8")

    assert main(["compare", str(a), str(c), "--out", str(out), "--n-boot", "200"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "different versions of the analysis (version 0.1.0+aaaa: monday; 0.0.9+bbbb: old)" in printed
    assert "different analysis settings" not in printed

    assert main(["compare", str(a), str(d), "--out", str(out), "--n-boot", "200"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "note: How bare was analysed (settings, analysis version) is not recorded" in printed


# ------------------------------------ USER-3: a batch's outputs say with which settings they were made


def test_batch_writes_the_settings_it_analysed_with(tmp_path: Path) -> None:
    """`batch --settings FILE` wrote the settings nowhere but as a hash in manifest.jsonl: sessions.csv and
    the cohort did not say how the sessions were analysed, and a changed settings file was then lost."""
    from retrogait.analysis.settings_toml import read_settings_file

    squad = tmp_path / "squad"
    samples.phyphox_classic(squad / "anna" / "run.csv")
    mine = tmp_path / "mine.toml"
    mine.write_text("[still]\nstd_ms2 = 0.35\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", str(squad), "--out", str(out), "--jobs", "1", "--no-compare", "--placement", "shank"]
    assert main([*args, "--settings", str(mine)]) == 0
    written = out / "settings_shank.toml"
    settings = read_settings_file(written).for_placement("shank")
    assert settings.still.std_ms2 == 0.35
    with (out / "sessions.csv").open(encoding="utf-8") as fh:
        (row,) = csv.DictReader(fh)
    assert row["settings_hash"] == settings.digest()
    assert row["analysis_version"].startswith("0.")
    assert f"analysis version {row['analysis_version']}" in written.read_text(encoding="utf-8").splitlines()[0]
    assert main(args) == 0  # without the file: the preset's settings, the same file name, another hash
    assert read_settings_file(written).for_placement("shank").still.std_ms2 != 0.35


# -------------------------------- USER-4: a recording whose folder is removed while recording is kept


def _write_rows(writer: object, start: int, n: int) -> None:
    import numpy as np

    t = (start + np.arange(n)) / 100.0
    rows = {"t_s": t, "acc_x": t, "acc_y": 0 * t, "acc_z": 9.81 + 0 * t}
    writer.append(rows)  # type: ignore[attr-defined]


def test_a_recording_whose_folder_is_removed_is_written_again_at_its_end(tmp_path: Path) -> None:
    """`record --out day/run.csv` with day/ removed while recording (a sync client, a clean-up script): the
    rows went on into the removed file and were lost with its close, and the end of the recording said
    "cannot reach the system D-Bus / Bluetooth service (... run.ble.json.partial): is bluetoothd running?"."""
    from retrogait.ble.errors import explain
    from retrogait.ble.sidefile import UnpairedWriter
    from retrogait.live.outputs import FeedbackLog
    from retrogait.session import SessionMeta, SessionWriter, read_session

    folder = tmp_path / "day"
    writer = SessionWriter(folder / "run.csv", SessionMeta(placement="shank", sample_rate_hz=100.0), has_gyro=False)
    log = FeedbackLog(folder / "run.feedback.csv", origin_s=0.0)
    side = UnpairedWriter(folder / "run.unpaired.csv", origin_s=0.0)
    _write_rows(writer, 0, 150)
    writer.flush()
    shutil.rmtree(folder)
    _write_rows(writer, 150, 150)
    writer.close()
    log.close()
    side.close()
    assert writer.restored_to == folder / "run.csv"
    assert len(read_session(folder / "run.csv").t_s) == 300  # every row, before and after the removal
    assert log.restored_to == folder / "run.feedback.csv" and (folder / "run.feedback.csv").read_text()
    assert side.restored_to is None  # never created: nothing to restore

    taken = tmp_path / "taken" / "run.csv"  # another file took the name meanwhile: it is not written over
    writer = SessionWriter(taken, SessionMeta(placement="shank", sample_rate_hz=100.0), has_gyro=False)
    _write_rows(writer, 0, 120)
    taken.unlink()
    taken.write_text("someone else's\n", encoding="utf-8")
    writer.close()
    assert taken.read_text(encoding="utf-8") == "someone else's\n"
    assert writer.restored_to == taken.with_name("run.restored.csv")
    assert len(read_session(writer.restored_to).t_s) == 120

    kept = SessionWriter(tmp_path / "kept.csv", SessionMeta(placement="shank", sample_rate_hz=100.0), has_gyro=False)
    kept.close()
    assert kept.restored_to is None

    message = str(explain(FileNotFoundError(2, "No such file or directory", str(folder / "run.ble.json.partial"))))
    assert message == f"{folder / 'run.ble.json'}: cannot be written: No such file or directory"


def test_the_end_of_a_recording_says_its_file_was_written_again(tmp_path: Path) -> None:
    from retrogait.ble.collector import RecordOptions, SensorRecorder, SensorSpec
    from retrogait.ble.liveview import summary_lines
    from retrogait.session import SessionMeta, SessionWriter

    out = tmp_path / "day" / "run.csv"
    spec = SensorSpec(profile="movesense", placement="shank", out=out, address="AA", side="left")
    rec = SensorRecorder(spec, RecordOptions(), origin_s=0.0, start_time_utc="2026-01-01T00:00:00Z")
    rec.writer = SessionWriter(out, SessionMeta(placement="shank", sample_rate_hz=100.0), has_gyro=False)
    _write_rows(rec.writer, 0, 50)
    shutil.rmtree(out.parent)
    rec.writer.close()
    lines = summary_lines([rec])
    assert (
        lines[1]
        == f"note: {out} was removed while recording (its folder deleted?): every row was written again to {out}"
    )


# ------------------------------ USER-5: `record --feedback` into a folder that does not exist yet


@pytest.mark.usefixtures("phone_stops_at_once")  # SUITE-8
def test_record_with_feedback_makes_the_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`record --sensor phyphox ... --feedback impact --out day2/run.csv` with day2/ not made yet ended at once
    with "cannot reach the system D-Bus / Bluetooth service ([Errno 2] ... day2/run.feedback.csv): is
    bluetoothd running?": the feedback log was opened before the session file, which makes the folder."""
    from retrogait.live.phyphox_emulator import EmulatedPhyphox

    emu = EmulatedPhyphox(realtime=True)
    url = emu.start()
    out = tmp_path / "day2" / "deeper" / "run.csv"
    try:
        status = main(
            ["record", "--sensor", "phyphox", "--url", url, "--placement", "shank", "--side", "left"]
            + ["--out", str(out), "--feedback", "impact", "--cue", "bell", "--duration", "1", "--quiet"]
        )
    finally:
        emu.stop()
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert out.with_name("run.feedback.csv").is_file()  # made at the start (the session file: with its first rows)

    blocked = tmp_path / "a_file"
    blocked.write_text("", encoding="utf-8")
    status = main(
        ["record", "--sensor", "phyphox", "--url", url, "--placement", "shank", "--out", str(blocked / "r.csv")]
    )
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1
    assert f"{blocked / 'r.csv'}: cannot be written: its folder cannot be made" in err


# --------------------------- USER-6: a bootstrap p-value at the floor of its resamples is a bound


def test_a_block_bootstrap_p_value_no_resample_reaches_is_printed_as_a_bound() -> None:
    """`compare run/ --n-boot 200` of a clear difference printed "block-bootstrap test, p = 0.010": 0.010 is
    2 / (200 + 1), the smallest p 200 resamples can show (none was as extreme), not the p-value."""
    from retrogait.compare import CompareSettings, compare_directions
    from retrogait.compare.sentences import format_p, p_text
    from steps_factory import make_steps

    clear = make_steps(n_forward=60, n_backward=60, impact_ratio=0.5, impact_sd_g=0.5, seed=3)
    table = compare_directions(clear, settings=CompareSettings(n_boot=200)).table.set_index("metric")
    row = table.loc["impact_peak_g"]
    assert row["p_value"] == pytest.approx(2 / 201) and bool(row["p_value_is_bound"])
    assert p_text(row) == "p ≤ 0.010"
    assert "block-bootstrap test, p ≤ 0.010" in row["summary"]

    same = make_steps(n_forward=60, n_backward=60, impact_ratio=1.0, seed=4)  # no difference: a p-value proper
    row = compare_directions(same, settings=CompareSettings(n_boot=200)).table.set_index("metric").loc["impact_peak_g"]
    assert not bool(row["p_value_is_bound"]) and p_text(row).startswith("p = ")
    assert format_p(0.0004, True) == "p < 0.001"  # the bound below 0.001 (2000 resamples): true as before


# ----------------------- USER-7: an older steps table without `activity` compared with a newer one


def test_compare_keeps_the_steps_of_an_older_table_without_activity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`compare old/ new/` with old/steps.csv from before the `activity` column: all of old's steps were left
    out as "not running", and the unit said "One session of one person" though two were given. Alone,
    the same table was compared whole."""
    new = _analysis_folder(tmp_path / "new", 1)
    old = _analysis_folder(tmp_path / "old", 2)
    table = old / "steps.csv"
    import pandas as pd

    pd.read_csv(table).drop(columns=["activity"]).to_csv(table, index=False)
    out = tmp_path / "cmp"
    assert main(["compare", str(old), "--out", str(out), "--n-boot", "200"]) == 0
    alone = json.loads((out / "compare.json").read_text(encoding="utf-8"))["metrics"][0]
    assert main(["compare", str(old), str(new), "--out", str(out), "--n-boot", "200"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "not running" not in printed and "2 sessions" in printed
    both = json.loads((out / "compare.json").read_text(encoding="utf-8"))["metrics"][0]
    assert both["n_forward"] == 2 * alone["n_forward"] and both["n_backward"] == 2 * alone["n_backward"]


# ------------------ USER-8: a batch re-run from another folder, or of a moved output, skips unchanged work


def test_batch_rerun_from_another_folder_or_of_a_moved_output_skips_unchanged_sessions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest records each step file as the first batch was given --out (`results/sessions/...`,
    relative to where it ran): the nightly job run from another folder, with --out as an absolute path,
    or the output folder moved, found no step file and analysed every session again."""
    from retrogait.batch import run_batch

    squad = tmp_path / "squad"
    samples.phyphox_classic(squad / "anna" / "run.csv")
    samples.phyphox_classic(squad / "ben" / "run.csv", linear=True)
    monkeypatch.chdir(tmp_path)
    first = run_batch(["squad"], "results", jobs=1, compare=False)
    assert (first.n_analysed, first.n_skipped) == (2, 0)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    again = run_batch([str(squad)], str(tmp_path / "results"), jobs=1, compare=False)
    assert (again.n_analysed, again.n_skipped) == (0, 2)
    moved = Path(shutil.move(tmp_path / "results", tmp_path / "archive"))
    after_move = run_batch([str(squad)], str(moved), jobs=1, compare=False)
    assert (after_move.n_analysed, after_move.n_skipped) == (0, 2)
    assert [Path(s).parent.name for s in _sessions(moved / "sessions.csv")] == ["anna", "ben"]


# --------------------------- USER-9: `compare --match` that keeps nothing says so, not "no steps"


def test_compare_match_that_keeps_no_step_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`compare run/ --match cadence` of a run whose backward cadence never met the forward one printed
    "no forward or backward steps to compare" on every row, for a session of 41 and 45 contacts, and
    nowhere on the console how many steps the matching kept."""
    from steps_factory import make_steps

    folder = tmp_path / "run"
    folder.mkdir()
    make_steps(n_forward=40, n_backward=40, cadence_forward_spm=150, cadence_backward_spm=195, seed=1).to_csv(
        folder / "steps.csv", index=False
    )
    (folder / "summary.json").write_text(json.dumps({"placement": "shank"}), encoding="utf-8")
    out = tmp_path / "cmp"
    # nothing left to compare: one line, exit 2, nothing written (EDGE-92)
    assert main(["compare", str(folder), "--match", "cadence", "--out", str(out), "--n-boot", "200"]) == 2
    printed = capsys.readouterr().err
    assert printed.count("\n") == 1 and not out.exists()
    assert (
        "matched on cadence in bins of 5 within each session: kept 0 of 40 forward, 0 of 40 backward contacts"
        in printed
    )
