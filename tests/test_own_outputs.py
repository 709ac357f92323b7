"""retrogait's own outputs are told alike by the three checks that ask (ARCH-10, EDGE-279): an input that is one of
them (imports.diagnose), a file in a batch's --out (batch.store), a file at analyze's or compare's output name
(outfiles). One table says how each looks (own_outputs); these tests hold it to what the writers write."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from retrogait.batch import run_batch
from retrogait.errors import InputFileError
from retrogait.imports.diagnose import refuse_analysis_output


def _semicolons(path: Path, to: Path) -> None:
    """Saved again as a spreadsheet in a comma-decimal locale saves a CSV: `;` between cells, `,` as decimal mark."""
    pd.read_csv(path).to_csv(to, sep=";", decimal=",", index=False)


def _quoted(path: Path, to: Path) -> None:
    """Saved again with its text cells quoted (LibreOffice's "quote all text cells", pandas' QUOTE_NONNUMERIC)."""
    pd.read_csv(path).to_csv(to, index=False, quoting=csv.QUOTE_NONNUMERIC)


def _tabs(path: Path, to: Path) -> None:
    pd.read_csv(path).to_csv(to, sep="\t", index=False)


def _earlier_compare_json(_: Path, to: Path) -> None:
    """compare.json as versions before USER-1 wrote it: its unit of analysis first, no retrogait_version
    (REVIEW-233)."""
    to.write_text('{\n  "level": "steps",\n  "unit_of_analysis": "steps",\n  "settings": {}\n}\n', encoding="utf-8")


def _summary_before_its_digest(path: Path, to: Path) -> None:
    """summary.json as versions before 9d5c0f95 (2026-12-01) wrote it: ``source`` first, no ``source_digest``."""
    summary = json.loads(path.read_text(encoding="utf-8"))
    del summary["source_digest"]
    to.parent.mkdir(parents=True, exist_ok=True)
    to.write_text(json.dumps(summary, indent=2), encoding="utf-8")


@pytest.mark.parametrize(
    ("source", "make", "name", "said"),
    [
        ("steps.csv", _semicolons, "steps.csv", "a steps table written by `retrogait analyze`"),
        ("steps.csv", _quoted, "mine.csv", "a steps table written by `retrogait analyze`"),
        ("steps.csv", _tabs, "steps.csv", "a steps table written by `retrogait analyze`"),
        ("bouts.csv", _semicolons, "bouts.csv", "the bouts table written by `retrogait analyze`"),
        ("steps.csv", _earlier_compare_json, "compare.json", "the comparison written by `retrogait compare`"),
        ("summary.json", _summary_before_its_digest, "summary.json", "the summary written by `retrogait analyze`"),
    ],
    ids=["steps ;", "steps quoted", "steps tab", "bouts ;", "compare.json before USER-1", "summary before digest"],
)
def test_an_output_given_as_a_recording_is_told_as_outfiles_tells_it(
    analysis_folder: Path, tmp_path: Path, source: str, make: Callable[[Path, Path], None], name: str, said: str
) -> None:
    """EDGE-279: what `analyze X --out` replaces as its own (REVIEW-233, REVIEW-234) was not known as an analysis
    output when given as the recording: a steps table re-saved with `;` was "holds no three acceleration columns" with
    the options to map them, an earlier compare.json or summary.json "format not recognised"."""
    given = tmp_path / "given" / name
    given.parent.mkdir(parents=True, exist_ok=True)
    make(analysis_folder / source, given)
    with pytest.raises(InputFileError) as refused:
        refuse_analysis_output(given)
    assert f"is {said}, not a recording" in str(refused.value)


@pytest.mark.parametrize("resave", [_semicolons, _quoted, _tabs], ids=["semicolons", "quoted", "tabs"])
@pytest.mark.parametrize("name", ["sessions.csv", "notes.csv", "errors.csv"])
def test_a_batch_table_a_spreadsheet_saved_again_is_the_batchs(
    analysis_folder: Path, tmp_path: Path, name: str, resave: Callable[[Path, Path], None]
) -> None:
    """EDGE-279: `analyze` and `compare` take their tables re-saved by a spreadsheet for theirs (REVIEW-234); a batch
    refused its own sessions.csv saved so, "a file not written by a batch", and the rerun into that --out ended."""
    run, out = analysis_folder.parent / "run.csv", tmp_path / "out"  # the simulated run analysis_folder holds
    run_batch([run], out, jobs=1, compare=False)
    written = (out / name).read_bytes()
    (out / "errors.csv").write_text("file,reason\nx.csv,is empty\n", encoding="utf-8")  # a table with a row to re-save
    (out / "notes.csv").write_text("session,kind,note\nx.csv,batch,a note\n", encoding="utf-8")
    resave(out / name, out / name)
    again = run_batch([run], out, jobs=1, compare=False)
    assert again.n_skipped == 1
    assert (out / name).read_bytes() == written  # replaced by the batch's own, as it writes it


def test_the_table_holds_the_columns_the_writers_write(analysis_folder: Path, tmp_path: Path) -> None:
    """Each table's first columns in own_outputs are those its command writes today (a writer that changes its
    first columns must change the table, or its files would no longer be told as its own)."""
    from retrogait.batch.store import NOTES_COLUMNS
    from retrogait.own_outputs import header, table
    from retrogait.simulate import TRUTH_COLUMNS

    out = tmp_path / "out"
    run_batch([analysis_folder.parent / "run.csv"], out, jobs=1, compare=False)
    written = {
        ("analyze", "steps.csv"): header((analysis_folder / "steps.csv").read_bytes()),
        ("analyze", "bouts.csv"): header((analysis_folder / "bouts.csv").read_bytes()),
        ("batch", "sessions.csv"): header((out / "sessions.csv").read_bytes()),
        ("batch", "errors.csv"): header((out / "errors.csv").read_bytes()),
        ("batch", "notes.csv"): tuple(NOTES_COLUMNS),
        ("simulate", "_truth.csv"): tuple(TRUTH_COLUMNS),
    }
    for (command, name), columns in written.items():
        known = table(command, name).columns
        assert columns[: len(known)] == known, (command, name)


@pytest.mark.parametrize(
    "text",
    ['{\n  "files": ["a.csv", "b.csv"]\n}\n', '\n{"file": "a.csv"}\n', '{"file": "a.csv", "subject": "S01"}\n'],
    ids=["pretty-printed JSON", "an empty first line", "a data set's list"],
)
def test_a_users_manifest_given_as_a_recording_is_not_called_a_batchs(tmp_path: Path, text: str) -> None:
    """REVIEW-239: diagnose asked own_outputs' manifest_line, the batch store's lenient test (a first record a crash
    cut short: an empty line, or any start of `{"key": "`, REVIEW-99) where it had asked for a batch's first record:
    a user's own manifest.jsonl (a data set's list of files, BATCH-56's example) given where a recording belongs was
    "the manifest written by `retrogait batch`"; it is left to the readers again ("format not recognised"), as before
    ARCH-10."""
    given = tmp_path / "data" / "manifest.jsonl"
    given.parent.mkdir()
    given.write_text(text, encoding="utf-8")
    refuse_analysis_output(given)  # not ours: left to the readers, which do not recognise it


def test_a_batchs_manifest_given_as_a_recording_is_still_named(analysis_folder: Path, tmp_path: Path) -> None:
    """REVIEW-239's other side: a batch's manifest.jsonl given as the recording is named as before."""
    out = tmp_path / "out"
    run_batch([analysis_folder.parent / "run.csv"], out, jobs=1, compare=False)
    with pytest.raises(InputFileError) as refused:
        refuse_analysis_output(out / "manifest.jsonl")
    assert "is the manifest written by `retrogait batch`, not a recording" in str(refused.value)


@pytest.mark.parametrize(
    ("name", "header"),
    [("errors.csv", "file,reasons"), ("notes.csv", "session,kind,notes"), ("notes.csv", "session;kind;notes")],
)
def test_a_table_naming_columns_the_batch_never_wrote_is_refused(
    analysis_folder: Path, tmp_path: Path, name: str, header: str
) -> None:
    """REVIEW-241: EDGE-279 says `file,reasons` and `session,kind,notes` (names no batch wrote: errors.csv has been
    `file,reason` since 98193f6e, notes.csv `session,kind,note` since 6b9930ab) are now refused where the prefix test
    took them; nothing tested it (the errors table told by its first column alone passed every test)."""
    from retrogait.errors import RetrogaitError

    run, out = analysis_folder.parent / "run.csv", tmp_path / "out"
    run_batch([run], out, jobs=1, compare=False)
    (out / name).write_text(f"{header}\nx.csv,mine\n", encoding="utf-8")
    with pytest.raises(RetrogaitError, match="not written by a batch"):
        run_batch([run], out, jobs=1, compare=False)
    assert (out / name).read_text(encoding="utf-8") == f"{header}\nx.csv,mine\n"
