"""What the live view says of each sensor when the scan for BLE sensors fails (EDGE-269): "not found" only where a
scan ran and missed the sensor; with no Bluetooth (no D-Bus, as on this machine) and for a phone, which the scan does
not look for, it said "not found" too."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import retrogait.live.recording as recording
from retrogait.ble.collector import RecordOptions, SensorRecorder, SensorSpec
from retrogait.ble.errors import DeviceNotFoundError
from retrogait.errors import RetrogaitError


def _states(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: RetrogaitError) -> list[str]:
    async def failing_scan(specs: list[SensorSpec], timeout_s: float) -> list[object]:
        raise error

    monkeypatch.setattr(recording, "find_devices", failing_scan)
    specs = [
        SensorSpec(profile="movesense", placement="shank", out=tmp_path / "ble.csv", address="AA:BB:CC:DD:EE:FF"),
        SensorSpec(profile="phyphox", placement="shank", out=tmp_path / "phone.csv", url="http://127.0.0.1:9"),
    ]
    seen: list[SensorRecorder] = []
    with pytest.raises(RetrogaitError) as raised:
        asyncio.run(recording.record(specs, RecordOptions(scan_timeout_s=0.01), on_start=seen.extend))
    assert raised.value is error
    assert not list(tmp_path.iterdir())  # nothing recorded, nothing written
    return [r.status.state for r in seen]


def test_no_bluetooth_is_not_a_sensor_not_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    error = RetrogaitError("cannot reach the system D-Bus / Bluetooth service ([Errno 2] No such file or directory)")
    assert _states(tmp_path, monkeypatch, error) == ["scan failed", "not started"]


def test_a_sensor_the_scan_missed_is_not_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    error = DeviceNotFoundError("no sensor with address AA:BB:CC:DD:EE:FF found within 0.01 s")
    assert _states(tmp_path, monkeypatch, error) == ["not found", "not started"]
