"""scripts/validate_pivot_drop.py (REVIEW-66): the drop probe behind DIRECTION-44/45's numbers, a repository command."""

from __future__ import annotations

import pytest

from script_module import load_script


def test_fresh_people_and_bad_ranges_are_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    probe = load_script("validate_pivot_drop")
    for argv in (["--seeds", "69-70"], ["--seeds", "x"], ["--seeds", "5-3"], ["--rate", "-1"]):
        with pytest.raises(SystemExit) as exit_info:
            probe.main(argv)
        assert exit_info.value.code == 2
        error = capsys.readouterr().err.strip().splitlines()[-1]
        assert error.startswith("validate_pivot_drop.py: error: ")


def test_person_2_at_200_hz_has_no_label_wrong_at_0_9(capsys: pytest.CaptureFixture[str]) -> None:
    """DIRECTION-44's person 2: on 2e4bf3c the contact after the missed pivot contact read `backward` 1.000."""
    probe = load_script("validate_pivot_drop")
    assert probe.main(["--seeds", "2", "--rate", "200"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("drop, foot stepturn v1 at 200 Hz, people 2-2: ")
    assert out.rstrip().endswith("wrong at >= 0.9: 0")


def test_sessions_without_a_turning_contact_say_so_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    probe = load_script("validate_pivot_drop")
    assert probe.main(["--seeds", "1", "--rate", "200", "--scenario", "protocol"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "validate_pivot_drop.py: no turning contact in these protocol sessions: nothing to change"


def test_an_added_contact_is_not_scored_as_a_wrong_step(capsys: pytest.CaptureFixture[str]) -> None:
    """``--mode extra``: the contact added mid-pivot has no true direction ("none"); it was counted wrong at >= 0.9
    wherever it read forward or backward (284 of 17,245 at 100 Hz, where DIRECTION-46 has 4)."""
    probe = load_script("validate_pivot_drop")
    assert probe.main(["--seeds", "2", "--rate", "200", "--mode", "extra"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("wrong at >= 0.9: 0")
