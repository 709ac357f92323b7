"""A test run killed with SIGTERM or SIGKILL (or a pytest-xdist worker its controller ends) leaves no emulated
BlueZ running: its ``dbus-daemon`` and ``retrogait.ble.emulator`` end with the process that started them (SUITE-14).
Before, no ``finally`` ran and both ran on, orphaned, until someone killed them."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from retrogait.ble.emulator.harness import dbus_daemon_path

pytestmark = [
    pytest.mark.ble,
    pytest.mark.skipif(dbus_daemon_path() is None, reason="dbus-daemon is not installed"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's"),
    pytest.mark.timeout(120),
]

#: A stand-in for a test process: it starts the emulated BlueZ, says so and waits inside the block to be killed.
CHILD = """
import sys
from pathlib import Path
from retrogait.ble.emulator.harness import emulated_bluez
with emulated_bluez(Path(sys.argv[1]), {"devices": []}):
    print("UP", flush=True)
    sys.stdin.read()
"""

#: How long the daemon and the emulator may take to end after their starter is killed: they get SIGTERM at once
#: and end in milliseconds; the bound is for a loaded machine, and on the code before they never ended.
GONE_WITHIN_S = 30.0


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_run_leaves_no_emulated_bluez(tmp_path: Path, how: signal.Signals) -> None:
    started: list[psutil.Process] = []
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path / "emu")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as child:
        try:
            assert child.stdout is not None and child.stdout.readline().strip() == "UP"
            started = psutil.Process(child.pid).children()
            names = sorted("dbus-daemon" if "dbus-daemon" in p.name() else "emulator" for p in started)
            assert names == ["dbus-daemon", "emulator"], [p.cmdline() for p in started]
            child.send_signal(how)
            child.wait(GONE_WITHIN_S)
            deadline = time.monotonic() + GONE_WITHIN_S
            while (left := _running(started)) and time.monotonic() < deadline:
                time.sleep(0.02)  # a poll for the event (both gone), bounded; not a wait standing in for it
            assert not left, f"left running after the {how.name} of their starter: {[p.cmdline() for p in left]}"
        finally:
            for proc in [*started, child]:
                with contextlib.suppress(ProcessLookupError, psutil.NoSuchProcess):
                    proc.kill()


def _running(procs: list[psutil.Process]) -> list[psutil.Process]:
    """The processes of ``procs`` still running (a zombie not yet reaped by whoever adopted it has ended)."""
    alive = []
    for proc in procs:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc)
        except psutil.NoSuchProcess:
            pass
    return alive
