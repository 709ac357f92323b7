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


def test_each_latency_row_is_its_own_sensor_s_whichever_streamed_first(tmp_path: Path) -> None:
    """REVIEW-78: the runner keeps its sensors in the order their first samples came (a Movesense before the phone
    beside it, PHONE-19's mixed run); each row is the sensor of its spec, not of that order."""
    from types import SimpleNamespace

    from retrogait.ble.collector import SensorSpec

    phone = SensorSpec("phyphox", "shank", tmp_path / "phone.csv", url="http://127.0.0.1:1")
    movesense = SensorSpec("movesense", "shank", tmp_path / "movesense.csv", address="C0:FF:EE:00:0B:01")
    window = SimpleNamespace(max_time_s=0.0)
    cued = SimpleNamespace(cue=object(), window=window, step=object(), latency_s=0.001, peak_latency_s=0.02,
                           cue_time_s=0.03)  # fmt: skip
    streamed_first = SimpleNamespace(label=movesense.label, judged=[cued], analysis_cpu_s=[0.008])
    then = SimpleNamespace(label=phone.label, judged=[], analysis_cpu_s=[0.008])
    live = SimpleNamespace(sensors={1: streamed_first, 2: then})
    rows = BENCH._latency_rows(live, [phone, movesense])
    assert rows[0].split() == ["phyphox", "no", "cues"]
    assert rows[1].split()[:5] == ["movesense", "1", "contacts", "1", "cues"]
