"""A part of the analysis on a second thread in ``retrogait analyze`` only; the same outputs either way (PERF-36)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrogait.analysis import beside, pipeline
from retrogait.analysis.beside import Beside, second_thread
from retrogait.session import Session, write_session
from retrogait.simulate import Bout, SimulationConfig, simulate


@pytest.fixture(scope="module")
def running() -> Session:
    bouts = [Bout("still", "still", 0, 1.0), Bout("forward", "running", 3.0, 10.0), Bout("still", "still", 0, 1.0)]
    return simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=3)).session


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two cores, one of them free (this test's thread the only one runnable)."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(beside, "runnable_now", lambda: 1)


@pytest.mark.parametrize("runnable", [2, 5])
def test_no_thread_where_no_core_is_free(runnable: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(beside, "runnable_now", lambda: runnable)
    with second_thread():
        assert Beside(lambda: threading.current_thread().name).result() == threading.current_thread().name


def test_runnable_now_counts_this_thread() -> None:
    runnable = beside.runnable_now()
    assert runnable is None or runnable >= 1


def test_one_core_computes_the_part_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    with second_thread():
        assert Beside(lambda: threading.current_thread().name).result() == threading.current_thread().name


def _threads_of(module: object, name: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads ``module.name`` is called on, recorded from now on."""
    names: list[str] = []
    original = getattr(module, name)

    def recorded(*args: object, **kwargs: object) -> object:
        names.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, recorded)
    return names


def _threads_of_effort(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The threads the pipeline computes the effort's running total on."""
    return _threads_of(pipeline, "accumulated_change_g", monkeypatch)


def test_a_part_waits_for_its_result_without_the_block() -> None:
    calls: list[str] = []
    part = Beside(lambda: calls.append(threading.current_thread().name) or 7)
    assert calls == []  # not started: computed when asked, on the caller's thread
    assert part.result() == 7 and part.result() == 7
    assert calls == [threading.current_thread().name]


def test_inside_the_block_a_part_runs_on_its_own_thread_and_its_error_reaches_the_caller() -> None:
    names: list[str] = []
    with second_thread():
        ok = Beside(lambda: names.append(threading.current_thread().name) or 1)
        failing = Beside(lambda: 1 // 0)
        assert ok.result() == 1
        with pytest.raises(ZeroDivisionError):
            failing.result()
    assert names == ["retrogait-beside"]


def test_a_part_s_thread_runs_under_the_caller_s_errstate() -> None:
    """The part's thread runs in a copy of the caller's context, which holds numpy's ``errstate`` from numpy 2.0 on
    (numpy 1.26 kept it per thread: a part's 1/0 warned, an error here; PACKAGING-2): the caller's ``errstate``."""

    def part() -> tuple[dict[str, str], float]:
        return np.geterr(), float((np.ones(1) / np.zeros(1))[0])

    with second_thread(), np.errstate(divide="ignore", over="raise", under="warn"):
        first = Beside(part)
        after = Beside(part, after=first)
        assert first.threaded and after.threaded
        results = [first.result(), after.result()]
    for errors, value in results:
        assert (errors["divide"], errors["over"], errors["under"]) == ("ignore", "raise", "warn")
        assert value == np.inf


def test_another_thread_inside_the_block_computes_its_part_itself() -> None:
    """A second thread's analysis (a caller's own thread pool) is not this block's to split."""
    names: list[str] = []
    with second_thread():
        other = threading.Thread(target=lambda: names.append(Beside(lambda: threading.current_thread().name).result()))
        other.start()
        other.join()
    assert names == [other.name]


def test_a_part_after_a_threaded_one_runs_on_its_core_once_that_part_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-96: the second part takes the first's core even where no other core is free now (the first's thread is
    runnable then, and counted), and never runs beside it; after a part computed by the caller, it is any part."""
    order: list[str] = []
    release = threading.Event()

    def first() -> int:
        release.wait(5.0)
        order.append("first")
        return 1

    with second_thread():
        one = Beside(first)
        monkeypatch.setattr(beside, "runnable_now", lambda: 2)  # the first's thread and this one: no core free
        two = Beside(lambda: order.append(threading.current_thread().name) or 2, after=one)
        assert one.threaded and two.threaded
        assert order == []  # waits for the first's part
        release.set()
        assert two.result() == 2 and one.result() == 1
        assert order == ["first", "retrogait-beside"]
        serial = Beside(lambda: 3)  # no core free: computed when asked
        after_serial = Beside(lambda: threading.current_thread().name, after=serial)
    assert not serial.threaded and not after_serial.threaded
    assert after_serial.result() == threading.current_thread().name


@pytest.mark.parametrize("threaded", [True, False])
def test_a_part_after_another_keeps_each_part_s_own_error(threaded: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """REVIEW-175: an error of the earlier part is raised by its own result only (the later part still runs and gives
    its value: nothing lost), an error of the later part by the later's; threaded or computed when asked. Fails where
    the later part waits through the earlier's ``result()`` (the earlier's error then taken for the later's)."""
    monkeypatch.setattr(beside, "runnable_now", lambda: 1 if threaded else 2)
    with second_thread():
        failing = Beside(lambda: 1 // 0)
        after_failing = Beside(lambda: "later", after=failing)
        fine = Beside(lambda: "earlier")
        failing_after = Beside(lambda: [][1], after=fine)
        assert after_failing.threaded is threaded and failing_after.threaded is threaded
        assert after_failing.result() == "later"
        with pytest.raises(IndexError):
            failing_after.result()
        assert fine.result() == "earlier"
        with pytest.raises(ZeroDivisionError):
            failing.result()


def test_the_pipeline_computes_the_effort_beside_the_contacts_with_the_same_steps(
    running: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _threads_of_effort(monkeypatch)
    alone = pipeline.analyze(running)
    with second_thread():
        split = pipeline.analyze(running)
    assert names == [threading.current_thread().name, "retrogait-beside"]
    assert len(alone.steps) > 10 and np.isfinite(alone.steps["effort_g_per_min"]).any()
    pd.testing.assert_frame_equal(alone.steps, split.steps, check_exact=True)


def test_the_stride_period_is_found_beside_the_sample_scores(running: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from retrogait.analysis import contacts

    names = _threads_of(contacts, "_step_period", monkeypatch)
    alone = pipeline.analyze(running)
    assert names and "retrogait-beside" not in names
    names.clear()
    with second_thread():
        split = pipeline.analyze(running)
    assert "retrogait-beside" in names
    pd.testing.assert_frame_equal(alone.steps, split.steps, check_exact=True)


def test_the_caller_takes_the_stride_period_s_windows_left_once_its_scores_are_done(
    running: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PERF-75: the thread beside holds its first chunk of windows until the caller has taken one, so both compute
    some (a window a chunk); the steps have the same bits as one thread's."""
    from retrogait.analysis import filters

    monkeypatch.setattr(filters, "PERIOD_CHUNK", 1)
    original = filters._first_period
    names: list[str] = []
    caller_took = threading.Event()

    def first_period(*args: object, **kwargs: object) -> object:
        name = threading.current_thread().name
        if name == "retrogait-beside" and "retrogait-beside" not in names and not caller_took.is_set():
            names.append(name)
            assert caller_took.wait(30.0), "the caller took no window"
        elif name != "retrogait-beside":
            caller_took.set()
        names.append(name)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    alone = pipeline.analyze(running)
    names.clear()
    monkeypatch.setattr(filters, "_first_period", first_period)
    with second_thread():
        split = pipeline.analyze(running)
    assert {"retrogait-beside", threading.current_thread().name} <= set(names)
    pd.testing.assert_frame_equal(alone.steps, split.steps, check_exact=True)


def test_preprocess_finds_the_still_samples_beside_the_gyroscope_s_checks(
    running: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PERF-77: the sensor-frame still mask on the second core while the gyroscope's lag and rotating test run;
    the same body signals, bit for bit, and the same notes."""
    from dataclasses import fields

    from retrogait.analysis import preprocess as pre

    names = _threads_of(pre, "still_mask", monkeypatch)
    alone = pre.preprocess(running)
    assert names == [threading.current_thread().name]
    names.clear()
    with second_thread():
        split = pre.preprocess(running)
    assert names == ["retrogait-beside"]
    for field in fields(alone):
        a, b = getattr(alone, field.name), getattr(split, field.name)
        if isinstance(a, np.ndarray):
            assert np.array_equal(a, b, equal_nan=True), field.name
        elif not field.name.startswith("_"):
            assert a == b, field.name


@pytest.mark.parametrize("mounting", [None, "0/0/90"])
def test_the_mounting_check_runs_beside_the_summary_with_the_same_result(
    mounting: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PERF-76: the re-mount check reads the final steps and bouts on the second core while the summary and the notes
    are written; the same steps, bouts and summary either way (a foot re-mounted with its swing axis turned while
    standing: cut into two mountings, each analysed alone, where the check is not run again)."""
    from retrogait.simulate import parse_bouts

    middle = f"remount::{mounting}:9" if mounting else "still::0:9"
    text = f"still::0:3,forward:running:3.0:20,{middle},backward:running:2.5:20,still::0:3"  # test_remount's B90
    session = simulate(SimulationConfig("foot", parse_bouts(text), sample_rate_hz=200.0, seed=5)).session
    names = _threads_of(pipeline, "changes_of_steps", monkeypatch)
    alone = pipeline.analyze(session)
    assert names == [threading.current_thread().name]
    names.clear()
    with second_thread():
        split = pipeline.analyze(session)
    assert names == ["retrogait-beside"]
    assert ("mountings" in alone.summary) == (mounting is not None)
    pd.testing.assert_frame_equal(alone.steps, split.steps, check_exact=True)
    pd.testing.assert_frame_equal(alone.bouts, split.bouts, check_exact=True)
    assert alone.summary == split.summary


@pytest.mark.parametrize(
    ("placement", "part"),
    [
        ("shank", "_limb_toe_offs"),
        ("foot", "_limb_toe_offs"),
        ("shank", "step_directions"),
        ("lower_back", "step_directions"),
        ("shank", "shank_rotation_cues"),
        ("shank", "impact_transient_width_ms"),
    ],
)
def test_toe_offs_and_directions_are_found_beside(placement: str, part: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-38: a limb's toe-offs on the second core while its landings are searched; PERF-40: the steps' directions
    while the bouts and strikes are found; PERF-96/97: a shank's rotation cues and its landings' transients after the
    effort, on its thread. Forward running, a stop, backward walking; the same steps either way."""
    from retrogait.analysis import contacts

    bouts = [Bout("forward", "running", 3.0, 8.0), Bout("still", "still", 0, 2.0), Bout("backward", "walking", 1, 8.0)]
    session = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=5)).session
    from retrogait.analysis import transient

    modules = {"_limb_toe_offs": contacts, "impact_transient_width_ms": transient}
    names = _threads_of(modules.get(part, pipeline), part, monkeypatch)
    alone = pipeline.analyze(session)
    assert names == [threading.current_thread().name]
    names.clear()
    with second_thread():
        split = pipeline.analyze(session)
    assert names == ["retrogait-beside"]
    assert set(alone.steps["direction"]) >= {"forward", "backward"} and (alone.steps["contact_time_s"] > 0).any()
    pd.testing.assert_frame_equal(alone.steps, split.steps, check_exact=True)


@pytest.mark.parametrize("command", ["analyze", "batch"])
def test_only_analyze_uses_the_second_core(
    command: str, running: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``batch --jobs 1`` analyses in its process as a worker does: one core each (``--jobs 2`` keeps two)."""
    from retrogait.cli import main

    names = _threads_of_effort(monkeypatch)
    path = write_session(running, tmp_path / "run.csv")
    out = tmp_path / "out"
    extra = ["--no-report"] if command == "analyze" else ["--jobs", "1", "--no-compare"]
    assert main([command, str(path), "--out", str(out), *extra]) == 0
    assert names == (["retrogait-beside"] if command == "analyze" else [threading.current_thread().name])


@pytest.mark.parametrize("threaded", [False, True])
def test_the_stride_period_s_helper_is_let_go_with_the_contacts(running: Session, threaded: bool) -> None:
    """PERF-75: nothing of the stride period outlives the contacts' search by a reference cycle, which the program's
    paused collector (PERF-18) would keep, with the (n,) period, to the end (a first build did: bench_memory +0.14x)."""
    import gc

    from retrogait.analysis import contacts
    from retrogait.analysis.preprocess import preprocess

    signals = preprocess(running)
    gc.collect()
    gc.disable()
    try:
        if threaded:
            with second_thread():
                contacts.detect_contacts(signals)
        else:
            contacts.detect_contacts(signals)
        alive = [o for o in gc.get_objects() if isinstance(o, contacts._StrideBeside)]
    finally:
        gc.enable()
    assert alive == []


@pytest.mark.parametrize("rate_hz", [200.0, 100.0])
def test_a_shank_s_landing_transients_are_joined_before_the_strikes_read_them(
    rate_hz: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-173 (PERF-97): at 200 Hz the transients' two measures are done when the strikes read them, measured
    once, on the beside thread, even where that thread is late (the strikes wait for it: on Python 3.11 a
    cached_property's lock would hide a missing join, from 3.12 on the caller would measure them a second time);
    below the rate whose strikes read them, never measured, threaded or not. Fails without ``_measured``'s join and
    without ``_transients_beside``'s rate test (at 100 Hz)."""
    import time

    from retrogait.analysis import transient

    bouts = [Bout("forward", "running", 3.0, 8.0), Bout("still", "still", 0, 2.0), Bout("backward", "walking", 1, 8.0)]
    session = simulate(SimulationConfig("shank", bouts, sample_rate_hz=rate_hz, seed=5)).session
    names: list[str] = []
    kept: list[list[str]] = []
    original, classes = transient.impact_transient_width_ms, pipeline.transient_strike_classes

    def late(*args: object, **kwargs: object) -> object:
        names.append(threading.current_thread().name)
        if threading.current_thread() is not threading.main_thread():
            time.sleep(0.5)  # the main thread reaches the strikes first
        return original(*args, **kwargs)  # type: ignore[arg-type]

    def strikes(signals: object, transients: object, *args: object) -> object:
        kept.append([name for name in ("prominence", "width_ms") if name in vars(transients)])
        return classes(signals, transients, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(transient, "impact_transient_width_ms", late)
    monkeypatch.setattr(pipeline, "transient_strike_classes", strikes)
    measured = ["prominence", "width_ms"] if rate_hz == 200.0 else []
    alone = pipeline.analyze(session)
    assert names == ([threading.current_thread().name] if measured else []) and kept == [measured]
    names.clear(), kept.clear()
    with second_thread():
        split = pipeline.analyze(session)
    assert names == (["retrogait-beside"] if measured else []) and kept == [measured]
    pd.testing.assert_frame_equal(alone.steps, split.steps, check_exact=True)


@pytest.mark.parametrize("threaded", [False, True])
def test_a_part_let_go_hands_back_no_value_afterwards(threaded: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """REVIEW-306 (review of EDGE-305): `Beside.let_go` dropped the part's error, so a `result()` asked for after it
    returned None (`_value`'s start) where the part had raised: a failed part read as a value. Now any `result()`
    after `let_go` raises, one way, on either thread."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(beside, "runnable_now", lambda: 1 if threaded else 2)

    def failing() -> int:
        raise MemoryError("part")

    with beside.second_thread():
        part = beside.Beside(failing)
    assert part.threaded == threaded
    with pytest.raises(MemoryError, match="part"):
        part.result()
    part.let_go()
    with pytest.raises(RuntimeError, match="let go"):
        part.result()
    done = beside.Beside(lambda: 3)
    assert done.result() == 3
    done.let_go()
    with pytest.raises(RuntimeError, match="let go"):
        done.result()


@pytest.mark.parametrize("threaded", [False, True])
def test_a_failed_part_keeps_no_cycle_holding_what_it_read(threaded: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """REVIEW-307 (review of EDGE-305): every `Beside` part that raises (the toe-offs beside the landings, the still
    mask, the quantum, the effort and rotation cues...), not only the stride period's, kept its error, whose
    traceback holds `Beside._run`'s frame (its `self`): a cycle keeping what the part read after the caller dropped
    the error, until a full collection. Now `result()` holds the error no more once it raises it."""
    import gc
    import weakref

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(beside, "runnable_now", lambda: 1 if threaded else 2)
    held = [np.ones(1000)]  # a list the part reads, as the analysis's (REVIEW-123)
    signal = weakref.ref(held[0])

    def failing(a: np.ndarray) -> float:
        raise MemoryError(f"part of {a.size}")

    collecting = gc.isenabled()
    gc.disable()
    try:
        with beside.second_thread():
            part = beside.Beside(lambda: failing(held[0]))
        assert part.threaded == threaded
        with pytest.raises(MemoryError, match="part of 1000"):
            part.result()
        del part
        held.clear()
        assert signal() is None, "a cycle keeps the signal"
    finally:
        if collecting:
            gc.enable()
