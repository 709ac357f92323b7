"""One-line, actionable errors and the live read-out hook."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from bleak.exc import BleakBluetoothNotAvailableError, BleakBluetoothNotAvailableReason, BleakDBusError

from retrogait.ble.collector import RecordOptions, SensorRecorder, SensorSpec
from retrogait.ble.errors import explain
from retrogait.ble.liveview import analysis_readout, render, summary_lines
from retrogait.ble.profiles.base import StreamInfo
from retrogait.ble.timing import Timed


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (BleakBluetoothNotAvailableError("x", BleakBluetoothNotAvailableReason.POWERED_OFF), "Bluetooth is off"),
        (BleakBluetoothNotAvailableError("x", BleakBluetoothNotAvailableReason.DENIED_BY_USER), "permission"),
        (BleakDBusError("org.bluez.Error.NotPermitted", ["Not paired"]), "paired with another"),
        (BleakDBusError("org.bluez.Error.InProgress", []), "busy"),
        (BleakDBusError("org.freedesktop.DBus.Error.ServiceUnknown", []), "not running"),
        (PermissionError(13, "Permission denied"), "bluetooth' group"),
        (TimeoutError(), "did not answer"),
    ],
)
def test_errors_say_what_to_do(exc: BaseException, expected: str) -> None:
    message = str(explain(exc, "C0:FF:EE:00:00:01"))
    assert expected in message and "\n" not in message


def _recorder(tmp_path: Path) -> SensorRecorder:
    spec = SensorSpec(profile="movesense", placement="shank", out=tmp_path / "a.csv", address="AA", side="left")
    rec = SensorRecorder(spec, RecordOptions(), origin_s=0.0, start_time_utc="2026-01-01T00:00:00Z")
    rec.info = StreamInfo(100.0, 16.0, None, has_gyro=False, has_clock=True)
    t = np.arange(1200) / 100.0
    rec.live_buffer.append(Timed(t, np.tile([0.0, 0.0, 9.81], (t.size, 1)), None))
    return rec


def test_live_readout_uses_the_analysis_when_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}

    def analyze(session: object) -> types.SimpleNamespace:
        seen["n"] = session.n_samples  # type: ignore[attr-defined]
        # per-step cadences (median 187.5) differ from the group's 60 / mean step time (60 / 0.34 s)
        steps = pd.DataFrame(
            {
                "step_time_s": [np.nan, 0.30, 0.40, 0.32, 0.5],  # the step into bout 1 is not timed in it
                "cadence_spm": [np.nan, 200.0, 150.0, 187.5, 120.0],
                "bout_id": [0, 0, 0, 0, 1],
                "direction": ["backward"] * 5,
            }
        )
        return types.SimpleNamespace(steps=steps)

    fake = types.ModuleType("retrogait.analysis.pipeline")
    fake.analyze = analyze  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "retrogait.analysis.pipeline", fake)
    readout = analysis_readout()
    assert readout is not None
    rec = _recorder(tmp_path)
    assert readout(rec) == "176 spm backward"
    assert seen["n"] in (1000, 1001)  # the last 10 s at 100 Hz
    table = render([rec], 0.0, {"AA": "172 spm backward"})
    assert table.row_count == 1
    assert "0 lost" in summary_lines([rec])[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--sensor", "fitbit", "--address", "A", "--placement", "shank", "--out", "a.csv"], "unknown sensor profile"),
        (["--sensor", "polar", "--placement", "shank", "--out", "a.csv"], "--address/--name"),
        (["--sensor", "polar", "--address", "A", "--placement", "knee", "--out", "a.csv"], "--placement must be"),
        (
            [
                "--sensor",
                "polar",
                "--sensor",
                "movesense",
                "--address",
                "A",
                "--address",
                "B",
                "--placement",
                "shank",
                "--out",
                "a.csv",
            ],
            "one --out per --sensor",
        ),
        (["--sensor", "movesense", "--address", "A", "--placement", "foot", "--out", "a.csv"], "D-Bus"),
    ],
)
def test_record_arguments_fail_in_one_line(
    args: list[str],
    expected: str | None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from retrogait.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")  # never reaches a real bus
    status = main(["record", *args, "--quiet", "--scan-timeout", "0.5"])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1
    if expected:
        assert expected in err


class _LoopWithoutSignalHandlers(asyncio.SelectorEventLoop):
    """Stands in for the Windows event loop, which has no ``add_signal_handler``."""

    def add_signal_handler(self, sig: int, callback: Any, *args: Any) -> None:
        raise NotImplementedError


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to the test process")
@pytest.mark.parametrize("loop_type", [asyncio.SelectorEventLoop, _LoopWithoutSignalHandlers])
@pytest.mark.usefixtures("ctrl_c_as_from_a_terminal")
def test_ctrl_c_stops_the_recording_instead_of_tearing_through(loop_type: type[asyncio.AbstractEventLoop]) -> None:
    from retrogait.cli.record import stop_on_signals

    before = signal.getsignal(signal.SIGINT)

    async def interrupted() -> bool:
        stop = asyncio.Event()
        with stop_on_signals(asyncio.get_running_loop(), stop):
            os.kill(os.getpid(), signal.SIGINT)
            await asyncio.wait_for(stop.wait(), timeout=5.0)
        return stop.is_set()

    loop = loop_type()
    try:
        assert loop.run_until_complete(interrupted())
    finally:
        loop.close()
    assert signal.getsignal(signal.SIGINT) is before  # handlers restored


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_the_handlers_before_the_recording_are_back_after_it() -> None:
    """interrupt.py's handlers (finish the files, one line, 130/143/129) must hold again while the recording's files
    are finished and its summary printed: the loop's removal left the default ones, under which a SIGTERM or SIGHUP
    then killed the process outright (review of EDGE-95/101)."""
    from retrogait.cli.record import stop_on_signals

    def mine(signum: int, frame: Any) -> None:  # pragma: no cover - never called
        pass

    names = [n for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    saved = {n: signal.signal(getattr(signal, n), mine) for n in names}
    loop = asyncio.SelectorEventLoop()
    try:

        async def recording() -> None:
            with stop_on_signals(asyncio.get_running_loop(), asyncio.Event()):
                await asyncio.sleep(0)

        loop.run_until_complete(recording())
        assert all(signal.getsignal(getattr(signal, n)) is mine for n in names)
    finally:
        loop.close()
        for n, handler in saved.items():
            signal.signal(getattr(signal, n), handler)
