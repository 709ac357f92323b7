"""scripts/bench_live.py's options (REVIEW-26): bad input is one error line, and no row is called fresh that is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrogait.simulate import SimulationConfig
from script_module import load_script

BENCH = load_script("bench_live")


@pytest.mark.parametrize("text", ["abc", "7-30-40", "-5", "7-x", "30-7", "", " "])
def test_a_malformed_fresh_seed_range_is_one_error_line(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        BENCH.main(["--skip-realtime", "--fresh-seeds", text])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert ": error: argument --fresh-seeds: " in err.strip().splitlines()[-1]


@pytest.mark.parametrize("text", ["1-6", "6-10", "3", "60-67", "67", "0-8"])
def test_fresh_seeds_are_neither_the_bench_s_own_nor_the_reserved_ones(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        BENCH.main(["--skip-realtime", "--fresh-seeds", text])
    assert "seeds 7-66" in capsys.readouterr().err


def test_fresh_seeds_in_range_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[tuple[int, tuple[int, ...]]] = []
    monkeypatch.setattr(BENCH, "bench_replays", lambda version, fresh: ran.append((version, fresh)))
    BENCH.main(["--skip-realtime", "--simulator-version", "1", "--fresh-seeds", "7-9"])
    BENCH.main(["--skip-realtime", "--fresh-seeds", "66"])
    assert ran == [(1, (7, 8, 9)), (2, (66,))]


def test_the_soft_landings_section_simulates_the_version_asked_for(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """2b follows ``--simulator-version`` as sections 1-2 do, and says so."""

    class Stop(Exception):
        pass

    def simulate(config: SimulationConfig) -> None:
        raise Stop(config.version)

    monkeypatch.setattr(BENCH, "simulate", simulate)
    with pytest.raises(Stop) as stop:
        BENCH.bench_soft_landings(1)
    assert stop.value.args == (1,)
    assert "simulator version 1" in capsys.readouterr().out


@pytest.mark.parametrize("rows", [0, 1, 200])
def test_a_recording_too_short_to_stream_is_one_error_line(
    rows: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-72: ``--stream`` of a recording no longer than the run's 4 s margin is refused in one line naming the file
    once, before anything is served (it printed a negative number of seconds and streamed nothing)."""
    path = tmp_path / "short.csv"
    path.write_text("time,ax,ay,az\n" + "".join(f"{i / 100:.2f},0.1,0.2,9.8\n" for i in range(rows)), encoding="utf-8")
    monkeypatch.setattr(BENCH, "bench_phyphox", lambda *a, **k: pytest.fail("streamed"))
    with pytest.raises(SystemExit) as exit_:
        BENCH.main(["--stream", str(path)])
    message = str(exit_.value.code)
    assert "\n" not in message and message.count(str(path)) == 1, message
