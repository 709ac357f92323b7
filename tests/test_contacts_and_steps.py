"""Contacts (landings of the sensor's leg) and steps (landings of both legs) are named apart in every
console (issue 12 item 5): a shank sensor sees 83 contacts of a bout of 166 steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrogait.cli import main
from retrogait.conventions import landings_noun


def _plain(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("placement", "one_leg"), [("shank", True), ("lower_back", False)])
def test_simulate_and_analyze_name_contacts_and_steps(
    placement: str, one_leg: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rec = tmp_path / "run.csv"
    bouts = "still::0:2,forward:running:3.0:20,still::0:2"
    assert main(["simulate", "--out", str(rec), "--placement", placement, "--rate", "200", "--bouts", bouts]) == 0
    simulated = _plain(capsys.readouterr().out)
    truth_steps = int(simulated.split("steps of both legs)")[0].rsplit("(", 1)[1])
    assert ("contacts" in simulated) is one_leg and "steps: landings of both legs" in simulated
    assert main(["analyze", str(rec), "--out", str(tmp_path / "a")]) == 0
    analysed = _plain(capsys.readouterr().out)
    assert ("contacts" in analysed) is one_leg
    if one_leg:
        assert "steps: both legs (2 × contacts)" in analysed and "cadence: steps of both legs per minute" in analysed
        row = analysed.split("│ forward │")[1].split("│")
        contacts, steps = int(row[0]), int(row[1])
        assert steps == 2 * contacts and abs(steps - truth_steps) <= 4
    else:
        assert "steps: landings of either leg" in analysed


def test_landings_noun() -> None:
    assert [landings_noun(p) for p in ("foot", "shank", "lower_back", "wrist", None)] == [
        "contacts", "contacts", "steps", "steps", "landings",
    ]  # fmt: skip
