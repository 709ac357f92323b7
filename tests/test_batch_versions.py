"""Results another retrogait made (a newer one, then a batch run by an older or other one) are analysed again, and
the batch says so in one line with the count and the versions; the manifest records it; nothing of theirs is removed
(BATCH-57)."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from retrogait.analysis.version import analysis_version
from retrogait.batch import run_batch
from retrogait.batch.fingerprint import job_key
from retrogait.batch.runner import _content_digest
from retrogait.batch.worker import JobOutcome
from retrogait.cli import main
from retrogait.cli.batch import analysed_again_line
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

#: The analysis version of a retrogait newer than any this repository will be.
NEWER = "99.0.0+0123456789ab"


@pytest.fixture(scope="module")
def squad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two short shank runs."""
    folder = tmp_path_factory.mktemp("versions") / "squad"
    for seed, name in ((2, "anna.csv"), (3, "ben.csv")):
        bouts = [Bout("forward", "running", 3.0, 8.0)]
        write_session(simulate(SimulationConfig("shank", bouts, 200.0, seed=seed)).session, folder / name)
    return folder


def _as_written_by(out: Path, version: str, inputs: list[Path]) -> None:
    """Make ``out``'s manifest as another retrogait of analysis ``version`` would have written it: each record's key
    under that version (its steps file renamed to match), its summary's version, and a field this one does not
    know."""
    manifest = out / "manifest.jsonl"
    keys = {
        job_key(_content_digest(p), {}, analysis_version()): job_key(_content_digest(p), {}, version) for p in inputs
    }
    lines = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        new_key = keys[record["key"]]
        steps = Path(record["steps_file"])
        renamed = steps.with_name(new_key[:24] + steps.suffix)
        (out / "sessions" / steps.name).rename(out / "sessions" / renamed.name)
        record.update(key=new_key, steps_file=str(renamed), a_field_of_a_newer_retrogait={"x": 1})
        record["summary"]["analysis_version"] = version
        lines.append(json.dumps(record))
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_results_of_another_version_are_analysed_again_and_said(squad: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    inputs = sorted(squad.iterdir())
    assert run_batch([squad], out, jobs=1, compare=False).n_analysed == 2
    _as_written_by(out, NEWER, inputs)
    theirs = sorted(p.name for p in (out / "sessions").iterdir())
    before = (out / "manifest.jsonl").read_text(encoding="utf-8")

    again = run_batch([squad], out, jobs=1, compare=False)
    assert (again.n_analysed, again.n_skipped, again.analysed_again_from) == (2, 0, ((NEWER, 2),))
    text = (out / "manifest.jsonl").read_text(encoding="utf-8")
    assert text.startswith(before)  # their records kept, this run's appended
    added = [json.loads(line) for line in text[len(before) :].splitlines()]
    assert [r["earlier_version"] for r in added] == [NEWER, NEWER]
    assert {r["summary"]["analysis_version"] for r in added} == {analysis_version()}
    assert set(theirs) <= {p.name for p in (out / "sessions").iterdir()}  # their step files are still there

    third = run_batch([squad], out, jobs=1, compare=False)  # this version's results are there now
    assert (third.n_analysed, third.n_skipped, third.analysed_again_from) == (0, 2, ())


def test_going_back_to_the_other_version_redoes_nothing(
    squad: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other version's results stay: run by it again (here: its analysis version), nothing is analysed again."""
    out = tmp_path / "out"
    run_batch([squad], out, jobs=1, compare=False)
    _as_written_by(out, NEWER, sorted(squad.iterdir()))
    run_batch([squad], out, jobs=1, compare=False)
    monkeypatch.setattr("retrogait.batch.runner.analysis_version", lambda: NEWER)
    back = run_batch([squad], out, jobs=1, compare=False)
    assert (back.n_analysed, back.n_skipped, back.analysed_again_from) == (0, 2, ())


def test_with_force_nothing_is_said(squad: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch([squad], out, jobs=1, compare=False)
    _as_written_by(out, NEWER, sorted(squad.iterdir()))
    forced = run_batch([squad], out, jobs=1, compare=False, force=True)
    assert (forced.n_analysed, forced.analysed_again_from) == (2, ())


def test_the_cli_says_it_in_one_line(squad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["batch", str(squad), "--out", str(out), "--jobs", "1", "--no-compare"]) == 0
    _as_written_by(out, NEWER, sorted(squad.iterdir()))
    capsys.readouterr()
    assert main(["batch", str(squad), "--out", str(out), "--jobs", "1", "--no-compare"]) == 0
    said = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: ")]
    assert said == [
        f"note: 2 sessions analysed by a newer retrogait (analysis version {NEWER}) were analysed again by this one "
        f"({analysis_version()}); their earlier results stay in {out / 'manifest.jsonl'} and {out / 'sessions'}"
    ]


def test_the_line_names_each_version_and_which_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("retrogait.analysis.version.analysis_version", lambda: "1.2.0+aaaaaaaaaaaa")
    out = Path("out")
    one = analysed_again_line([("1.1.9+bbbbbbbbbbbb", 1)], out)
    assert one.startswith("note: 1 session analysed by an earlier retrogait (analysis version 1.1.9+bbbbbbbbbbbb) was ")
    both = analysed_again_line([("1.3.0+cccccccccccc", 3), ("1.1.0+dddddddddddd", 1)], out)
    assert both.startswith(
        "note: 4 sessions analysed by another retrogait "
        "(analysis versions 1.3.0+cccccccccccc: 3, 1.1.0+dddddddddddd: 1)"
    )
    same_release = analysed_again_line([("1.2.0+eeeeeeeeeeee", 2)], out)  # the same release, other analysis code
    assert " by another retrogait " in same_release and " by a newer " not in same_release
    dev = analysed_again_line([("1.3.0.dev1+ffffffffffff", 2)], out)
    assert " by another retrogait " in dev


def test_a_record_of_no_other_version_is_read_by_the_retrogait_before(squad: Path, tmp_path: Path) -> None:
    """REVIEW-101: every record carried `"earlier_version": null`, a field the retrogait before BATCH-57 (63a4863, the
    same analysis version) does not know: it skipped every record as cut short and analysed the whole folder again,
    silently, when a user went back to it. The field is written only where it says something."""
    out = tmp_path / "out"
    assert run_batch([squad], out, jobs=1, compare=False).n_analysed == 2
    records = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    before = {f.name for f in fields(JobOutcome)} - {"earlier_version"}  # the fields 63a4863 knows
    assert records and all(record.keys() <= before for record in records)
