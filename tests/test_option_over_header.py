"""An option that replaces a value a session file's header states says so (EDGE-270): analyze's summary.json keeps the
note, and convert's copy keeps what the recording declared in its import notes."""

from __future__ import annotations

import json
from pathlib import Path

from retrogait.cli import main
from retrogait.imports.limits import IMPORT_NOTES_KEY
from retrogait.imports.loading import load_recording
from retrogait.session import read_session

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "shank_forward_backward_forward.csv"
SAID = "placement lower_back as given, over the session header's shank"


def test_a_placement_given_over_the_header_s_other_one_is_told() -> None:
    result = load_recording(SAMPLE, placement="lower_back", side="right")
    assert result.session.meta.placement == "lower_back"
    assert SAID in result.report.notes
    assert "side right as given, over the session header's left" in result.report.notes
    assert SAID in result.session.meta.extra[IMPORT_NOTES_KEY]


def test_the_header_s_own_value_given_again_or_left_to_the_header_is_not_told() -> None:
    assert not any("as given" in n for n in load_recording(SAMPLE, placement="shank", side="left").report.notes)
    kept = load_recording(SAMPLE, placement="lower_back", header_wins=True)  # batch: the header wins (EDGE-79)
    assert kept.session.meta.placement == "shank"
    assert IMPORT_NOTES_KEY not in kept.session.meta.extra


def test_analyze_and_convert_keep_what_the_header_declared(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["analyze", str(SAMPLE), "--placement", "lower_back", "--out", str(out), "--no-report"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["placement"] == "lower_back"
    assert any(SAID in note for note in summary["notes"])
    copy = tmp_path / "copy.csv"
    assert main(["convert", str(SAMPLE), "--placement", "lower_back", "--out", str(copy)]) == 0
    assert SAID in read_session(copy).meta.extra[IMPORT_NOTES_KEY]
