"""scripts/same_analysis.py takes its files on either side of its options (REVIEW-247)."""

from __future__ import annotations

from pathlib import Path

import pytest

from script_module import load_script


def test_files_after_bench_hour_are_compared_not_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """REVIEW-247: ``same_analysis.py BASE --bench-hour FILE ...`` (the order the review of perf58a was asked to run)
    stopped on "unrecognized arguments": argparse gives a positional list after an option nothing. The files are
    compared, and the hour after them."""
    same = load_script("same_analysis")
    compared: list[str] = []
    hour = tmp_path / "shank_60min.csv"
    monkeypatch.setattr(same, "simulated_shank", lambda minutes, data: hour)
    monkeypatch.setattr(
        same, "outputs", lambda src, recording, out, options: compared.append(recording.name) or {"refused": b"2 x"}
    )
    files = [tmp_path / "a.csv", tmp_path / "b.csv"]
    monkeypatch.setattr("sys.argv", ["same_analysis.py", str(tmp_path / "base"), "--bench-hour", *map(str, files)])
    with pytest.raises(SystemExit) as stop:
        same.main()
    assert stop.value.code == 0
    assert compared == ["a.csv", "a.csv", "b.csv", "b.csv", hour.name, hour.name]
