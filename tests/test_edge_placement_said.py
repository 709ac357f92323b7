"""What summary.json and the batch say of the placement: declared and analysed, given or not, an axis read or not
(EDGE-192, HONEST-33; EDGE-185's and PHONE-16's open ends)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrogait import analyze
from retrogait.analysis.result import AnalysisResult
from retrogait.session import Session, write_session
from retrogait.simulate import Bout, SimulationConfig, parse_bouts, simulate

NOT_GIVEN = "placement not given"


def _plain_table(tmp_path: Path) -> Path:
    """A simulated lower-back walk saved as a plain table (t, ax, ay, az in m/s^2): no placement anywhere."""
    bouts = parse_bouts("still::0:2,forward:walking:1.3:25,still::0:2")
    session = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=100.0, seed=5)).session
    path = tmp_path / "walk.csv"
    np.savetxt(path, np.column_stack([session.t_s, session.acc]), delimiter=",", header="time_s,ax,ay,az", comments="")
    return path


def _trunk_as_shank(seconds: float = 40.0, seed: int = 3) -> Session:
    """A lower-back walk without gyroscope declared on the left shank: PHONE-18 reads it as `other`."""
    bouts = [Bout("forward", "walking", 1.4, seconds)]
    session = simulate(SimulationConfig("lower_back", bouts, 100.0, with_gyro=False, seed=seed)).session
    return replace(session, meta=replace(session.meta, placement="shank", side="left"))


def _batch_notes(path: Path, settings: dict[str, Any], results: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The notes of the analysis the batch worker makes of ``path`` (batch writes no summary.json: its analysis
    is caught on its way out), and that the job went through."""
    from retrogait.analysis import pipeline
    from retrogait.batch.worker import analyze_one

    made: list[AnalysisResult] = []
    real = pipeline.analyze

    def caught(*args: Any, **kwargs: Any) -> AnalysisResult:
        result = real(*args, **kwargs)
        made.append(result)
        return result

    monkeypatch.setattr(pipeline, "analyze", caught)
    outcome = analyze_one(str(path), "k" * 24, settings, str(results))
    assert outcome.ok, outcome.error
    return list(made[-1].summary["notes"])


@pytest.mark.parametrize(("settings", "said"), [({}, True), ({"placement": "other"}, False)])
def test_batch_placement_other_given_is_not_told_it_was_not_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: dict[str, Any], said: bool
) -> None:
    """`batch --placement other` filled the header and analysed without a placement, so the analysis said
    "placement not given (--placement), so analysed as 'other'" to a user who had given it (EDGE-185's left)."""
    (tmp_path / "r").mkdir()
    notes = _batch_notes(_plain_table(tmp_path), settings, tmp_path / "r", monkeypatch)
    assert any(n.startswith(NOT_GIVEN) for n in notes) == said


def test_batch_placement_given_under_a_header_that_states_another_keeps_the_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session file whose header states its placement keeps it over `--placement` (EDGE-79): the option is not
    passed to the analysis as the placement, only where it is the session's."""
    from retrogait.batch.worker import analyze_one

    path = write_session(_trunk_as_shank(), tmp_path / "s.csv")
    (tmp_path / "r").mkdir()
    outcome = analyze_one(str(path), "k" * 24, {"placement": "other"}, str(tmp_path / "r"))
    assert outcome.ok and outcome.summary["declared_placement"] == "shank"


def test_a_shank_read_as_both_legs_says_what_was_declared() -> None:
    """PHONE-18 re-reads a foot or shank that sees both legs as `other`: summary.json said `placement: other` only,
    the declared placement in a note's words alone."""
    result = analyze(_trunk_as_shank())
    assert (result.summary["placement"], result.summary["declared_placement"]) == ("other", "shank")
    keys = list(result.summary)
    assert keys.index("declared_placement") == keys.index("placement") + 1
    as_declared = analyze(_trunk_as_shank(), placement="lower_back")
    assert (as_declared.summary["placement"], as_declared.summary["declared_placement"]) == ("lower_back",) * 2


def test_the_batch_row_says_what_was_declared_and_what_was_analysed(tmp_path: Path) -> None:
    from retrogait.batch.worker import analyze_one

    path = write_session(_trunk_as_shank(), tmp_path / "s.csv")
    (tmp_path / "r").mkdir()
    outcome = analyze_one(str(path), "k" * 24, {}, str(tmp_path / "r"))
    assert outcome.ok and (outcome.summary["placement"], outcome.summary["declared_placement"]) == ("other", "shank")


@pytest.mark.parametrize(
    ("placement", "source"),
    [("hand", "not_read"), ("wrist", "not_read"), ("other", "not_read"), ("thigh", "not_read"), ("lower_back", None)],
)
def test_summary_anterior_source_of_a_phone_says_no_axis_was_read(
    small_session: Session, placement: str, source: str | None
) -> None:
    """The placements that count steps from |a| read no anterior axis (HONEST-30, PHONE-16: their notes and report
    say nothing of one), but summary.json's `anterior_source` said "signal" (or "header") for them."""
    session = replace(small_session, meta=replace(small_session.meta, placement=placement, side=None))
    said = analyze(session).summary["anterior_source"]
    if source is None:
        assert said in ("header", "signal", "argument", "calibration", "none")
    else:
        assert said == source
