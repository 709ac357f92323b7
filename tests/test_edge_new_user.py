"""What a new user following the docs ran into (EDGE-107..): small fixes with a test each."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retrogait.cli import main
from retrogait.session import Session
from retrogait.summary import gyro_text, percent


def test_a_gyroscope_missing_at_a_few_samples_is_not_said_to_cover_100_percent(small_session: Session) -> None:
    """`convert` of the Polar Sensor Logger export said "gyroscope 100 %" and `info` "gyro 100 %" with 69 of 26,526
    samples (0.26 %) without a gyroscope value (EDGE-107)."""
    assert small_session.gyr is not None
    gyr = small_session.gyr.copy()
    gyr[:3] = np.nan  # 3 of 1000 samples
    session = Session(t_s=small_session.t_s, acc=small_session.acc, gyr=gyr, meta=small_session.meta)
    assert gyro_text(session) == "99.7 %"
    assert percent(0.99999) == "99.9 %" and percent(1.0) == "100 %" and percent(0.67) == "67 %"
    assert percent(0.0003) == "0.03 %" and percent(0.0) == "0 %"


def test_a_batch_with_no_recordings_makes_no_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`batch notes/ --out results` (a folder, or a glob, holding no recording) said "no recordings found" with exit
    2, "nothing could be done" (docs/batch.md), and left results/ with an empty sessions/ and a .batch.lock
    (EDGE-108)."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "readme.md").write_text("not a recording\n", encoding="utf-8")
    out = tmp_path / "results"
    assert main(["batch", str(notes), "-j", "1", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"retrogait: error: no recordings found in {notes}\n"
    assert not out.exists()


def _doc_commands(doc: str, command: str) -> list[list[str]]:
    """The ``retrogait COMMAND ...`` lines of a doc's first code block, continuation lines joined, comments cut."""
    import shlex

    text = (Path(__file__).resolve().parents[1] / "docs" / doc).read_text(encoding="utf-8")
    block = text.split("```", 2)[1]
    joined = block.replace("\\\n", " ")
    lines = [line.split("  #", 1)[0].strip() for line in joined.splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith(f"retrogait {command} ")]


def test_the_record_examples_of_the_docs_are_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/ble.md's "two at once" example mixed --name and --address, which `record` refuses ("use either --address
    for all or --name for all"): a user copying it got that error (EDGE-110). Each example's options must reach the
    recording (stopped there: no Bluetooth in a test)."""
    import retrogait.live.recording

    class Reached(Exception):
        pass

    async def reached(*args: object, **kwargs: object) -> None:
        raise Reached

    monkeypatch.setattr(retrogait.live.recording, "record", reached)
    monkeypatch.setenv("RETROGAIT_DEBUG", "1")  # the stand-in's exception through, not as an internal error
    monkeypatch.chdir(tmp_path)
    examples = [args for doc in ("ble.md", "live.md") for args in _doc_commands(doc, "record") if "..." not in args]
    assert len(examples) >= 4
    for args in examples:
        with pytest.raises(Reached):
            assert main(args) == 0, (args, capsys.readouterr().err)


def test_a_scheduler_without_dask_is_refused_before_anything_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`batch squad --out results --scheduler tcp://...` on the README's install (no `[dask]` extra) drew the
    progress bar, made results/ with sessions/ and a lock, then said "--scheduler needs Dask" (EDGE-112)."""
    import sys

    from retrogait.simulate import SimulationConfig, parse_bouts, simulate, write_simulation

    squad = tmp_path / "squad"
    squad.mkdir()
    config = SimulationConfig("shank", parse_bouts("still::0:2,forward:running:3:6"), sample_rate_hz=100.0)
    write_simulation(simulate(config), squad / "run.csv")
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if Dask were not installed
    out = tmp_path / "results"
    assert main(["batch", str(squad), "-o", str(out), "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert capsys.readouterr().err == "retrogait: error: --scheduler needs Dask: pip install 'retrogait[dask]'\n"
    assert not out.exists()


def test_simulate_writes_a_gzip_session_for_csv_gz(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`simulate --out run.csv.gz` wrote run.csv.gz.csv (plain text) and run.csv.gz_truth.csv, where `convert --out
    run.csv.gz` writes a gzip session (EDGE-113)."""
    import gzip

    from retrogait.imports import load_session

    out = tmp_path / "run.csv.gz"
    assert main(["simulate", "--bouts", "still::0:2,forward:running:3:5", "--rate", "100", "--out", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.csv.gz", "run_truth.csv"]
    assert gzip.decompress(out.read_bytes()).startswith(b"# retrogait-session: 1\n")
    assert load_session(out).meta.placement == "shank"
    assert f"wrote {out} " in capsys.readouterr().out.replace("\n", " ")


def test_analyze_takes_o_for_out_as_every_other_command_that_writes_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`compare`, `batch`, `convert` and `simulate` take `-o`; `analyze run.csv -o out` was "No such option: -o"
    (EDGE-114). An empty `-o ""` is refused as `--out ""` is (EDGE-86)."""
    run = tmp_path / "run.csv"
    assert main(["simulate", "--bouts", "still::0:2,forward:running:3:6", "--rate", "100", "-o", str(run)]) == 0
    assert main(["analyze", str(run), "-o", str(tmp_path / "out"), "--no-report"]) == 0
    assert (tmp_path / "out" / "steps.csv").is_file()
    capsys.readouterr()
    assert main(["analyze", str(run), "-o", ""]) == 2
    assert "--out is empty" in capsys.readouterr().err


@pytest.mark.parametrize("scheme", ["tcp://", ""])
def test_a_scheduler_nothing_listens_on_is_refused_at_once_leaving_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], scheme: str
) -> None:
    """`batch squad -o results --scheduler tcp://127.0.0.1:PORT` with no scheduler there drew the progress bar, made
    results/ with sessions/ and a lock, and said after Dask's 30 s connect timeout "Timed out trying to connect"
    (BATCH-23): now one line at once and no folder. `127.0.0.1:PORT` (Dask reads it as tcp) still waited the 30 s
    (REVIEW-9)."""
    pytest.importorskip("distributed")
    import socket

    from retrogait.simulate import SimulationConfig, parse_bouts, simulate, write_simulation

    squad = tmp_path / "squad"
    squad.mkdir()
    config = SimulationConfig("shank", parse_bouts("still::0:2,forward:running:3:6"), sample_rate_hz=100.0)
    write_simulation(simulate(config), squad / "run.csv")
    with socket.socket() as probe:  # a port nothing listens on: bound, never listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        out = tmp_path / "results"
        assert main(["batch", str(squad), "-o", str(out), "--scheduler", f"{scheme}127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"retrogait: error: cannot reach the Dask scheduler at {scheme}127.0.0.1:{port} "
        f"(nothing listens on 127.0.0.1 port {port}): is it running?\n"
    )
    assert not out.exists()


def _plain_table(tmp_path: Path) -> Path:
    """A simulated lower-back walk saved as a plain table (t, ax, ay, az in m/s^2): no placement anywhere."""
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    bouts = parse_bouts("still::0:2,forward:walking:1.3:25,still::0:2")
    session = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=100.0, seed=5)).session
    path = tmp_path / "walk.csv"
    rows = np.column_stack([session.t_s, session.acc])
    np.savetxt(path, rows, delimiter=",", header="time_s,ax,ay,az", comments="", fmt="%.6f")
    return path


@pytest.mark.parametrize(
    ("options", "said"), [([], True), (["--placement", "other"], False), (["--placement", "lower_back"], False)]
)
def test_a_recording_analysed_as_other_because_no_placement_was_given_says_so(
    tmp_path: Path, options: list[str], said: bool
) -> None:
    """A table with no placement was analysed as `other` (steps and cadence only, every direction `unknown`) with
    no word that the placement was the import's default, nor what gives the rest (EDGE-185)."""
    out = tmp_path / "out"
    assert main(["analyze", str(_plain_table(tmp_path)), "-o", str(out), "--no-report", *options]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    told = [n for n in summary["notes"] if n.startswith("placement not given")]
    assert len(told) == int(said)
    if said:
        assert summary["placement"] == "other" and "--placement foot, shank or lower_back" in told[0]


@pytest.mark.parametrize(("placement", "said"), [("hand", False), ("other", False), ("lower_back", True)])
def test_a_phone_that_barely_moved_is_not_told_its_anterior_axis_was_not_found(
    small_session: Session, placement: str, said: bool
) -> None:
    """A phone (any placement that counts steps from |a|) never reads an anterior axis, yet a still one was told
    "too little movement to find the anterior axis", as a trunk sensor is (HONEST-30; the found-axis note was
    already kept from phones)."""
    from dataclasses import replace

    from retrogait.analysis.preprocess import preprocess

    session = replace(small_session, gyr=None, meta=replace(small_session.meta, placement=placement, side=None))
    notes = preprocess(session, placement).notes
    assert any("too little movement to find the anterior axis" in n for n in notes) == said


def test_info_says_a_placement_of_other_was_not_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`info` showed "generic_csv · other · ..." for a table with no placement, as if `other` had been found in it
    (EDGE-186); a placement given is shown as before, with no such line."""
    path = _plain_table(tmp_path)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "generic_csv · other · " in out
    assert "  placement: not given: `other` (steps and cadence only); give --placement" in out
    converted = tmp_path / "thigh.csv"
    assert main(["convert", str(path), "--out", str(converted), "--placement", "thigh"]) == 0
    capsys.readouterr()
    assert main(["info", str(converted)]) == 0
    out = capsys.readouterr().out
    assert "· thigh · " in out and "not given" not in out


@pytest.mark.parametrize(("placement", "said"), [("thigh", False), ("other", False), ("lower_back", True)])
def test_the_report_of_a_phone_claims_no_anterior_axis(tmp_path: Path, placement: str, said: bool) -> None:
    """The report of a phone trace said "placement other, 405.7 Hz, ...; anterior axis from signal." while the
    phone placements read |a| only, no axis (PHONE-16); a lower-back sensor keeps the fact."""
    from retrogait.analysis.load import load_input
    from retrogait.analysis.pipeline import analyze
    from retrogait.report.analysis_report import build_analysis_html

    session = load_input(_plain_table(tmp_path), placement=placement)
    page = build_analysis_html(analyze(session, placement=placement))
    assert f"placement {placement}, 100.0 Hz" in page
    assert ("anterior axis from" in page) == said


def test_a_table_of_gait_features_is_refused_as_one_not_as_missing_acceleration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """EDGE-189: a table of gait events and features another tool computed (gaitpy's columns) was refused as one
    without acceleration columns, "map them with --acc-columns": a cure that cannot apply."""
    path = tmp_path / "gait_features.csv"
    rows = [f"{i},1,14.66,{8140 + 680 * i},{8960 + 680 * i},16,1.2,0.6,{100 + i}" for i in range(6)]
    header = "bout_number,bout_length_sec,bout_start,IC,FC,gait_cycles,stride_duration,step_duration,cadence"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    assert main(["info", str(path)]) != 0
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "gait_features.csv" in err
    assert "a table of gait events or features" in err and "--acc-columns" not in err
    # a recording with one such column beside its acceleration is read as before
    rec = tmp_path / "rec.csv"
    t = np.arange(400) / 100.0
    acc = np.c_[np.sin(t), np.cos(t), 9.81 + 0.1 * np.sin(3 * t)]
    lines = [f"{a:.3f},{b:.3f},{c:.3f},{d:.3f},100" for a, b, c, d in zip(t, *acc.T, strict=True)]
    rec.write_text("\n".join(["time_s,acc_x,acc_y,acc_z,cadence", *lines]) + "\n", encoding="utf-8")
    assert main(["info", str(rec)]) == 0
