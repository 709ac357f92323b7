"""scripts/floor_analyze.py (PERF-109): the floor is the read's end plus the CPU after it spread over the cores."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from script_module import load_script


def test_the_floor_spreads_the_cpu_after_the_read_over_the_cores(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    floor = load_script("floor_analyze")
    monkeypatch.setattr(floor, "compile_package", lambda: "compiled")
    monkeypatch.setattr(floor, "simulated_shank", lambda minutes, data: tmp_path / "hour.csv")
    monkeypatch.setattr(floor, "_once", lambda command, cwd: (0.8, 0.0, 0.0, 0.0))
    # stamps: (wall, main CPU, process CPU, waited) s; 0.6 s of every thread's CPU after a read ending at 0.7 s
    stamps = {"read <": (0.7, 0.5, 0.9, 0.0), "exit": (1.4, 0.9, 1.5, 0.0)}

    def one_run(*args: Any, **kwargs: Any) -> dict[str, tuple[float, ...]]:
        return stamps

    monkeypatch.setattr(floor, "one_run", one_run)
    monkeypatch.setattr(sys, "argv", ["floor_analyze.py", "--runs", "3"])
    floor.main()
    out = capsys.readouterr().out
    assert "exits 1.400 s = 1.75x" in out
    assert "floor on 2 cores 1.000 s =\n1.25x" in out  # 0.7 + 0.6 / 2
    assert "1.5x leaves 1.000 s of CPU after the read on 2 cores, 167% of today's" in out  # 2 x (1.2 - 0.7)
    monkeypatch.setattr(sys, "argv", ["floor_analyze.py", "--runs", "1", "--cores", "1"])
    floor.main()
    assert "floor on 1 cores 1.300 s" in capsys.readouterr().out
