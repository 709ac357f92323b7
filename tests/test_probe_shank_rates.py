"""scripts/probe_shank_rates.py's options (REVIEW-138): bad input is one error line before anything is simulated."""

from __future__ import annotations

import pytest

from script_module import load_script

PROBE = load_script("probe_shank_rates")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--seeds", "1-2-5"], "--seeds"),
        (["--seeds", "abc"], "--seeds"),
        (["--seeds", "3-1"], "--seeds"),
        (["--seeds", ""], "--seeds"),
        (["--seeds", "69-70"], "--seeds"),
        (["--rates", "0"], "--rates"),
        (["--rates", "200,x"], "--rates"),
        (["--rates", "nan"], "--rates"),
        (["--parts", "rate"], "--parts"),
        (["--parts", ""], "--parts"),
    ],
)
def test_bad_input_is_one_error_line_before_any_simulation(
    args: list[str], option: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_simulation(fs: float, seed: int) -> None:
        raise AssertionError("simulated before the options were checked")

    monkeypatch.setattr(PROBE, "shank_run", no_simulation)
    with pytest.raises(SystemExit) as exit_:
        PROBE.main(args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f": error: argument {option}: " in err.strip().splitlines()[-1]


def test_seeds_and_parts_are_read() -> None:
    assert PROBE.seeds_arg("1-3") == [1, 2, 3]
    assert PROBE.seeds_arg("1,2,5") == [1, 2, 5]
    assert PROBE.seeds_arg("1-2,5") == [1, 2, 5]
    assert PROBE.parts_arg("ties,phase") == ["ties", "phase"]
