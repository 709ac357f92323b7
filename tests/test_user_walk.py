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
