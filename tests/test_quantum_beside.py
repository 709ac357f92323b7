"""The acceleration's quantum found beside the range check where a core is free, of the rows it keeps (PERF-143)."""

from __future__ import annotations

import dataclasses
import os
import threading
from typing import Any

import numpy as np
import pytest

from retrogait.analysis import beside, preprocess
from retrogait.analysis.beside import second_thread
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, simulate

#: An accelerometer's step (g) the test's values are put on: the quantum the analysis must find.
STEP_G = 1.0 / 512
#: The rows from which the quantum is found beside (REVIEW-226), before the fixture below sets it to 0.
MIN_ROWS = getattr(preprocess, "QUANTUM_BESIDE_MIN_ROWS", 0)


@pytest.fixture(scope="module")
def quantised() -> Session:
    bouts = [Bout("still", "still", 0, 1.0), Bout("forward", "running", 3.0, 8.0), Bout("still", "still", 0, 1.0)]
    session = simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=4)).session
    step = STEP_G * STANDARD_GRAVITY_MS2
    return dataclasses.replace(session, acc=np.round(session.acc / step) * step)


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two cores, one of them free (this test's thread the only one runnable)."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(beside, "runnable_now", lambda: 1)
    monkeypatch.setattr(preprocess, "QUANTUM_BESIDE_MIN_ROWS", 0, raising=False)  # the test's 2000 rows beside too


def _quantum_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """(thread, rows) of each call of the quantum by preprocessing, recorded from now on."""
    calls: list[tuple[str, int]] = []
    original = preprocess.acc_quantum_g

    def recorded(acc: np.ndarray) -> float | None:
        calls.append((threading.current_thread().name, acc.shape[0]))
        return original(acc)

    monkeypatch.setattr(preprocess, "acc_quantum_g", recorded)
    return calls


def test_the_quantum_of_a_clean_recording_is_found_beside_and_is_the_serial_one(
    quantised: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = preprocess.preprocess(quantised)
    calls = _quantum_calls(monkeypatch)
    with second_thread():
        threaded = preprocess.preprocess(quantised)
    assert calls == [("retrogait-beside", quantised.n_samples)]
    assert threaded.acc_quantum_g == serial.acc_quantum_g == pytest.approx(STEP_G, rel=1e-6)
    assert np.array_equal(threaded.acc_ms2, serial.acc_ms2)


def test_a_row_the_range_check_drops_is_not_in_the_quantum(quantised: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The part beside read every row; once the check drops one, the quantum is of the rows kept, on this thread."""
    acc = quantised.acc.copy()
    acc[quantised.n_samples // 2, 0] = 1e4 * STANDARD_GRAVITY_MS2  # beyond any sensor's range
    messy = dataclasses.replace(quantised, acc=acc)
    calls = _quantum_calls(monkeypatch)
    with second_thread():
        found = preprocess.preprocess(messy)
    assert (threading.current_thread().name, quantised.n_samples - 1) in calls  # the part beside may still be running
    assert found.acc_quantum_g == pytest.approx(STEP_G, rel=1e-6)


def test_where_no_core_is_free_the_quantum_is_found_on_this_thread(
    quantised: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(beside, "runnable_now", lambda: 2)
    calls = _quantum_calls(monkeypatch)
    with second_thread():
        preprocess.preprocess(quantised)
    assert calls == [(threading.current_thread().name, quantised.n_samples)]


def test_a_bridged_value_is_not_in_the_quantum_serial_or_threaded(
    quantised: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lone missing value bridged between two levels lies half a step off them: no measurement. With a bridged
    sample the quantum is the measured rows', on this thread, never the part beside's of every row (REVIEW-224:
    the part taken with a bridged sample reads half the step on this recording)."""
    acc = quantised.acc.copy()
    rng = np.random.default_rng(0)
    for axis in range(3):  # lone missing values at irregular rows (a steady pattern reads as a lower rate, EDGE-222)
        rows = np.cumsum(rng.integers(2, 6, quantised.n_samples))
        acc[rows[rows < quantised.n_samples - 2], axis] = np.nan
    bridged = dataclasses.replace(quantised, acc=acc)
    serial = preprocess.preprocess(bridged)
    calls = _quantum_calls(monkeypatch)
    with second_thread():
        threaded = preprocess.preprocess(bridged)
    assert any("missing acceleration values bridged" in note for note in threaded.notes)
    assert [name for name, _ in calls] == [threading.current_thread().name]
    assert calls[0][1] < quantised.n_samples  # the rows with a bridged value left out
    assert threaded.acc_quantum_g == serial.acc_quantum_g == pytest.approx(STEP_G, rel=1e-6)


def test_the_range_check_runs_while_the_quantum_is_found_beside(
    quantised: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The part is started before the range check, so the two overlap (the gain, PERF-143): the check sees the
    quantum's part already running (REVIEW-224: the part started after the check passed every other test)."""
    begun = threading.Event()
    seen: list[bool] = []
    quantum, plausible_rows = preprocess.acc_quantum_g, preprocess._plausible_rows

    def found_beside(acc: np.ndarray) -> float | None:
        begun.set()
        return quantum(acc)

    def checked(*args: Any) -> Any:
        seen.append(begun.wait(timeout=10.0))  # set at once where the part runs beside; never where it runs after
        return plausible_rows(*args)

    monkeypatch.setattr(preprocess, "acc_quantum_g", found_beside)
    monkeypatch.setattr(preprocess, "_plausible_rows", checked)
    with second_thread():
        found = preprocess.preprocess(quantised)
    assert seen == [True]
    assert found.acc_quantum_g == pytest.approx(STEP_G, rel=1e-6)


def test_a_short_session_s_quantum_is_found_on_this_thread(quantised: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under QUANTUM_BESIDE_MIN_ROWS rows the range check is too short to hide the part (its ~11 ms is the same at
    any length), and the part's own arrays are a large share of the samples': where the check drops a row, the part
    left running beside the rows it copies took the threaded peak of a 26 Hz hour to 3.86-3.96 x (REVIEW-226)."""
    assert 52 * 3600 < MIN_ROWS <= 100 * 3600  # an hour at 26 or 52 Hz: serial; at 100 Hz beside
    monkeypatch.setattr(preprocess, "QUANTUM_BESIDE_MIN_ROWS", quantised.n_samples + 1, raising=False)
    calls = _quantum_calls(monkeypatch)
    with second_thread():
        found = preprocess.preprocess(quantised)
    assert calls == [(threading.current_thread().name, quantised.n_samples)]
    assert found.acc_quantum_g == pytest.approx(STEP_G, rel=1e-6)
