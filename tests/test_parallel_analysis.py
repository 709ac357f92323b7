"""Two parts of an analysis at once (PERF-15): the same results as one after the other, deadlock-free."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrogait.analysis import parallel
from retrogait.analysis.parallel import analysis_threads, both
from retrogait.analysis.pipeline import analyze, write_outputs

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper thread is used whatever the test machine's affinity and load."""
    monkeypatch.setenv(parallel.THREADS_VARIABLE, "2")


def test_both_runs_in_turn_unless_threads_are_allowed() -> None:
    here = threading.get_ident()
    assert both(threading.get_ident, threading.get_ident) == (here, here)
    with analysis_threads():
        first, second = both(threading.get_ident, threading.get_ident)
        assert first == here and second != here
        with analysis_threads(False):
            assert both(threading.get_ident, threading.get_ident) == (here, here)
    assert both(threading.get_ident, threading.get_ident) == (here, here)


@pytest.mark.parametrize(
    ("variable", "cores", "load", "threads"),
    [("1", 2, 0.0, False), ("2", 1, 9.0, True), ("", 1, 0.0, False), ("", 2, 1.2, True), ("", 2, 1.6, False)],
)
def test_threads_only_where_a_core_is_free(
    monkeypatch: pytest.MonkeyPatch, variable: str, cores: int, load: float, threads: bool
) -> None:
    monkeypatch.setenv(parallel.THREADS_VARIABLE, variable)
    monkeypatch.setattr(parallel, "available_cores", lambda: cores)
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (load, load, load))
    here = threading.get_ident()
    with analysis_threads():
        assert (both(threading.get_ident, threading.get_ident)[1] != here) is threads


def test_a_part_on_the_helper_thread_runs_its_own_parts_in_turn() -> None:
    """Nested: the helper never waits for itself (one helper thread: this would hang)."""

    def nested() -> tuple[int, int, int]:
        inner = both(threading.get_ident, threading.get_ident)
        return threading.get_ident(), *inner

    with analysis_threads():
        _, (helper, first, second) = both(lambda: both(lambda: 1, lambda: 2), nested)
    assert helper == first == second != threading.get_ident()


def test_parts_see_the_callers_numpy_error_state() -> None:
    """numpy's errstate is a context variable: the part on the helper thread runs in the caller's context."""

    def divide() -> np.ndarray:
        return np.ones(3) / np.zeros(3)

    with analysis_threads(), np.errstate(divide="raise"), pytest.raises(FloatingPointError):
        both(lambda: None, divide)
    with analysis_threads(), np.errstate(divide="ignore"):
        assert np.isinf(both(lambda: None, divide)[1]).all()


def test_failures_are_raised_as_in_turn() -> None:
    ended = threading.Event()

    def slow() -> None:
        ended.wait(0.05)
        ended.set()

    def fail() -> None:
        raise ValueError("first")

    with analysis_threads():
        with pytest.raises(ValueError, match="first"):
            both(fail, slow)
        assert ended.is_set()  # raised only once the other part had ended
        with pytest.raises(KeyError):
            both(lambda: 1, lambda: {}["missing"])


def test_a_forked_process_makes_its_own_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    with analysis_threads():
        both(lambda: None, lambda: None)
    before = parallel._helper()
    monkeypatch.setattr(parallel.os, "getpid", lambda: -1)  # as in a forked batch worker
    with analysis_threads():
        assert both(lambda: 1, lambda: 2) == (1, 2)
    assert parallel._helper() is not before


@pytest.mark.parametrize("name", ["shank_forward_backward_forward.csv", "foot_mixed.csv", "lower_back_mixed.csv"])
def test_analyze_on_two_threads_gives_the_same_results(name: str, tmp_path: Path) -> None:
    serial = analyze(SAMPLES / name)
    with analysis_threads():
        threaded = analyze(SAMPLES / name)
    pd.testing.assert_frame_equal(threaded.steps, serial.steps, check_exact=True)
    pd.testing.assert_frame_equal(threaded.bouts, serial.bouts, check_exact=True)
    assert threaded.summary == serial.summary
    for run, result in (("serial", serial), ("threaded", threaded)):
        write_outputs(result, tmp_path / run)
    for file in ("steps.csv", "bouts.csv", "summary.json"):
        assert (tmp_path / "threaded" / file).read_bytes() == (tmp_path / "serial" / file).read_bytes()
