"""scripts/bench_funcs.py: the measuring script PERF-173..178's numbers came from, in the repository (REVIEW-282)."""

from __future__ import annotations

from retrogait import masks
from retrogait.analysis import contacts
from script_module import FOOT, load_script

BENCH = load_script("bench_funcs")


def test_named_functions_are_timed_where_defined_and_imported_and_unwrapped_after() -> None:
    spaced, run_starts_at, detect = contacts._spaced, masks.run_starts_at, contacts.detect_contacts
    names = [
        "retrogait.analysis.contacts:detect_contacts",
        "retrogait.analysis.contacts:_spaced",
        "retrogait.masks:run_starts_at",  # defined in masks, called from contacts' own name for it
    ]
    analysis_ms, named = BENCH.measure(FOOT, 1, names)
    assert list(named) == names
    assert analysis_ms >= named[names[0]] > 0.0
    assert named[names[0]] >= named[names[1]] > 0.0 and named[names[0]] >= named[names[2]] > 0.0
    assert contacts._spaced is spaced and contacts.detect_contacts is detect
    assert masks.run_starts_at is run_starts_at and contacts.run_starts_at is run_starts_at
