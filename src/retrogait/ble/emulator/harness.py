"""Start a private D-Bus daemon and the emulated BlueZ in subprocesses (for tests, benchmarks, demos)."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrogait.errors import RetrogaitError

#: Longest path a Unix socket may have, in bytes, with its terminating NUL left out: ``sun_path`` is 108 bytes on
#: Linux, 104 on macOS and the BSDs (the smaller is used).
UNIX_SOCKET_PATH_MAX = 103

#: Linux ``prctl`` option: the signal a process gets when the thread that started it ends (``<sys/prctl.h>``).
PR_SET_PDEATHSIG = 1

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
  </policy>
</busconfig>
"""


def dbus_daemon_path() -> str | None:
    """The ``dbus-daemon`` executable, or None when the system lacks it."""
    return shutil.which("dbus-daemon")


@dataclass
class EmulatedBluez:
    """A running private bus plus emulator."""

    bus_address: str
    sent_dir: Path
    workdir: Path

    def env(self) -> dict[str, str]:
        """Environment for a process that should talk to this BlueZ."""
        env = dict(os.environ)
        env["DBUS_SYSTEM_BUS_ADDRESS"] = self.bus_address
        return env


def _ended_with_this_process() -> Callable[[], None] | None:
    """A ``preexec_fn`` by which a child gets SIGTERM when this process ends, however it ends (Linux), else None.

    A SIGTERM'd or SIGKILL'd test run (or a pytest-xdist worker its controller kills) runs no ``finally``: without
    this its ``dbus-daemon`` and emulator ran on, orphaned (SUITE-14). The signal comes when the *thread* that
    started the child ends; the block of :func:`emulated_bluez` holds that thread until it stops them itself."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # this process ended before the prctl: nobody will send it
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


def _wait_for_line(proc: subprocess.Popen[str], want: str, timeout_s: float) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.strip() and want in line:
            return line.strip()
        if proc.poll() is not None:
            break
    raise RetrogaitError(f"emulator did not start ({want!r} not seen within {timeout_s:g} s)")


@contextmanager
def emulated_bluez(workdir: Path, scenario: dict[str, Any], timeout_s: float = 30.0) -> Iterator[EmulatedBluez]:
    """Run ``dbus-daemon`` and the emulator for ``scenario`` until the block ends (or this process does: on Linux
    both get SIGTERM when it ends without leaving the block, e.g. killed)."""
    daemon = dbus_daemon_path()
    if daemon is None:
        raise RetrogaitError("dbus-daemon is not installed (apt-get install dbus)")
    workdir.mkdir(parents=True, exist_ok=True)
    socket = workdir / "system_bus_socket"
    short_dir: str | None = None
    if len(os.fsencode(socket)) > UNIX_SOCKET_PATH_MAX:  # a long test or CI folder: the bus listens from a short one
        short_dir = tempfile.mkdtemp(prefix="rgbus-", dir=_short_temp_root())
        socket = Path(short_dir) / "bus"
    config = workdir / "bus.conf"
    config.write_text(BUS_CONFIG.format(socket=socket))
    sent_dir = workdir / "sent"
    sent_dir.mkdir(exist_ok=True)
    (workdir / "scenario.json").write_text(json.dumps(scenario))
    bus_log = open(workdir / "dbus-daemon.log", "w")  # noqa: SIM115  (closed with the daemon)
    orphaned = _ended_with_this_process()
    bus = subprocess.Popen(
        [daemon, f"--config-file={config}", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=bus_log,
        text=True,
        preexec_fn=orphaned,  # a prctl, getppid and kill: nothing that takes a lock
    )
    emulator: subprocess.Popen[str] | None = None
    try:
        address = _wait_for_line(bus, "unix:", timeout_s)
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address)
        emulator = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "retrogait.ble.emulator",
                str(workdir / "scenario.json"),
                "--sent-dir",
                str(sent_dir),
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            preexec_fn=orphaned,
        )
        _wait_for_line(emulator, "READY", timeout_s)
        yield EmulatedBluez(address, sent_dir, workdir)
    finally:
        for proc in (emulator, bus):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            if proc is not None and proc.stdout is not None:
                proc.stdout.close()
        bus_log.close()
        if short_dir is not None:
            shutil.rmtree(short_dir, ignore_errors=True)


def _short_temp_root() -> str | None:
    """The system's temporary folder, or ``/tmp`` where that is itself too long for a socket under it."""
    root = tempfile.gettempdir()
    if len(os.fsencode(root)) > UNIX_SOCKET_PATH_MAX - 20 and os.path.isdir("/tmp"):
        return "/tmp"
    return root
