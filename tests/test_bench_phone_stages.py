"""scripts/bench_phone_stages.py: each input's phone stages timed per tree, a refused input its own row (REVIEW-246)."""

from __future__ import annotations

from pathlib import Path

from script_module import FOOT, load_script, refused_input

BENCH = load_script("bench_phone_stages")
SRC = Path(__file__).resolve().parents[1] / "src"


def test_each_input_is_a_row_with_its_stages_and_a_refused_one_says_so(tmp_path: Path) -> None:
    bad, foot = refused_input(tmp_path), FOOT
    found = BENCH._rows(str(SRC), [str(bad), str(foot)])
    assert [row[0] for row in found] == [str(bad), str(foot)]
    assert found[0][1] == "refused" and found[0][2].endswith("Error")
    total, periodicity, medians, even, stretches = (float(v) for v in found[1][1:])
    assert total >= periodicity > 0.0 and periodicity >= medians >= even >= 0.0 and total >= stretches > 0.0
