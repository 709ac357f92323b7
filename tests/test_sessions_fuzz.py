"""Random physical sessions, damaged as real recordings are, analysed by path: refused in one line or
analysed with honest outputs, never a crash or a numpy warning (scripts/fuzz_sessions.py runs the long
version)."""

from __future__ import annotations

from script_module import load_script

F = load_script("fuzz_sessions")


def test_fuzz_slice_has_no_uncaught_case() -> None:
    """One case of each damage, fixed seed: every placement, rates from 20 Hz, with and without gyroscope."""
    counts, uncaught = F.run(cases=len(F.DAMAGES), seed=5)
    assert not uncaught, uncaught[:3]
    assert counts["accepted"] >= len(F.DAMAGES) - 3
