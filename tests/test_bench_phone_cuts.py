"""scripts/bench_phone_cuts.py: each input's flat check and windows timed per tree, a refused input its own row
(PERF-145, PERF-147)."""

from __future__ import annotations

from pathlib import Path

from script_module import FOOT, load_script, refused_input

BENCH = load_script("bench_phone_cuts")
SRC = Path(__file__).resolve().parents[1] / "src"


def test_each_input_is_a_row_with_its_windows_and_a_refused_one_says_so(tmp_path: Path) -> None:
    bad, foot = refused_input(tmp_path), FOOT
    found = BENCH._rows(str(SRC), [str(bad), str(foot)])
    assert [row[0] for row in found] == [str(bad), str(foot)]
    assert found[0][1:3] == ["-", "-"] and found[0][4].endswith("Error")
    flat_ms, window_ms, samples, windows = found[1][1:]
    assert float(flat_ms) >= 0.0 <= float(window_ms) and int(samples) > 1000 and int(windows) > 10
