"""A short, fixed slice of scripts/fuzz_compare.py: damaged analysis outputs end as a result or one line, never
an internal error, a traceback, a warning or a session counted twice (COMPARE-11)."""

from __future__ import annotations

from script_module import load_script

F = load_script("fuzz_compare")


def test_fuzz_slice_has_no_bug() -> None:
    counts, bugs, seen, _ = F.run(cases=14, seed=11, timeout=120.0, many=20)
    assert not bugs, [(case.done, detail) for case, detail in bugs[:3]]
    assert counts["ok"] >= 3 and counts["refused"] >= 3
    assert len(seen) >= 8  # the slice reaches most mutation families
