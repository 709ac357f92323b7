"""Shared test fixtures: the location of ../shared/data and small generated sessions."""

from __future__ import annotations

import gc
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from retrogait.session import Session, SessionMeta

# Tests never depend on timing: no per-example deadline and no "generation too slow" failure on a busy
# machine (a test's own @settings may still narrow this; keep deadline=None there too).
# Derandomized: the same examples on every run (CI is repeatable); scripts/fuzz_import.py explores further.
settings.register_profile("retrogait", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("retrogait")

#: ../shared/data beside the repository, or where RETROGAIT_SHARED_DATA points.
SHARED_DATA = Path(os.environ.get("RETROGAIT_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")


@pytest.fixture
def shared_data() -> Path:
    """Path to ../shared/data; tests using it carry the ``shared_data`` marker and skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present on this machine")
    return SHARED_DATA


@pytest.fixture
def small_session() -> Session:
    """Ten seconds of a still sensor with noise, 100 Hz, gyro and one extra column."""
    rng = np.random.default_rng(7)
    n = 1000
    t = np.arange(n) / 100.0
    acc = rng.normal(0.0, 0.05, (n, 3)) + [0.0, 0.0, 9.80665]
    gyr = rng.normal(0.0, 0.5, (n, 3))
    meta = SessionMeta(placement="shank", sample_rate_hz=100.0, side="left", acc_range_g=16.0, notes="line1\nline2")
    return Session(t_s=t, acc=acc, gyr=gyr, meta=meta, extra={"marker": np.where(t > 5, "b", "a")})


@pytest.fixture(autouse=True)
def _collector_left_on() -> Iterator[None]:
    """No test leaves Python's cyclic garbage collector off for the tests after it (``gc_pause.pause`` is
    for the ``retrogait`` program's own process; REVIEW-4)."""
    enabled = gc.isenabled()
    yield
    if enabled and not gc.isenabled():
        gc.enable()
        pytest.fail("the test left the cyclic garbage collector off")


@pytest.fixture(scope="session")
def analysis_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An analysis folder of a simulated shank recording (forward then backward running)."""
    from retrogait.cli import main
    from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

    folder = tmp_path_factory.mktemp("analysis")
    bouts = [Bout("forward", "running", 3.0, 12.0), Bout("backward", "running", 2.5, 12.0)]
    recording, _ = write_simulation(simulate(SimulationConfig("shank", bouts, seed=3)), folder / "run.csv")
    assert main(["analyze", str(recording), "--out", str(folder / "out"), "--no-report"]) == 0
    return folder / "out"


@pytest.fixture
def ctrl_c_as_from_a_terminal() -> Iterator[None]:
    """Programs a test starts (and the test process itself) take Ctrl-C as from a terminal, however the test run
    was started: a shell starts a background job ignoring SIGINT, a program inherits that and rightly keeps it, so
    from a background job an interrupted command ran on to the end and these tests failed. The same for the
    terminal's hang-up: a run under ``nohup`` ignores SIGHUP, its programs inherit that and a recording then rightly
    goes on after one (EDGE-100), so the SIGHUP tests timed out (LIVE-67)."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    hup = getattr(signal, "SIGHUP", None)
    ignored_hup = hup is not None and signal.getsignal(hup) == signal.SIG_IGN
    if ignored_hup:
        signal.signal(hup, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
        if ignored_hup:
            signal.signal(hup, signal.SIG_IGN)


@pytest.fixture
def phone_stops_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The emulated phone's server looks for its stop every 10 ms instead of stdlib's 0.5 s (SUITE-8): each
    ``EmulatedPhyphox.stop()`` waited up to 0.5 s for that poll; what the server does and answers is the same."""
    from retrogait.live import phyphox_emulator

    monkeypatch.setattr(phyphox_emulator, "SERVE_POLL_S", 0.01)
