"""Translate bleak / D-Bus / OS failures into one-line messages a user can act on."""

from __future__ import annotations

import os

from retrogait.errors import RetrogaitError


class DeviceNotFoundError(RetrogaitError):
    """No advertising device matched the address or name."""


def explain(exc: BaseException, device: str = "the sensor") -> RetrogaitError:
    """A :class:`RetrogaitError` saying what went wrong with ``device`` and what to do about it."""
    if isinstance(exc, RetrogaitError):
        return exc
    from bleak.exc import (
        BleakBluetoothNotAvailableError,
        BleakBluetoothNotAvailableReason,
        BleakDBusError,
        BleakDeviceNotFoundError,
    )

    text = " ".join(str(exc).split())
    if isinstance(exc, BleakBluetoothNotAvailableError):
        reason = exc.reason
        if reason == BleakBluetoothNotAvailableReason.POWERED_OFF:
            return RetrogaitError("Bluetooth is off: switch it on (Linux: 'bluetoothctl power on') and retry")
        if reason in (
            BleakBluetoothNotAvailableReason.DENIED_BY_USER,
            BleakBluetoothNotAvailableReason.DENIED_BY_SYSTEM,
            BleakBluetoothNotAvailableReason.DENIED_BY_UNKNOWN,
        ):
            return RetrogaitError(
                "permission to use Bluetooth was denied: allow it for this terminal "
                "(macOS: System Settings > Privacy > Bluetooth; Linux: add your user to the 'bluetooth' group)"
            )
        if reason == BleakBluetoothNotAvailableReason.NO_BLE_CENTRAL_ROLE:
            return RetrogaitError("the Bluetooth adapter cannot act as a BLE central: use a Bluetooth 4.0+ adapter")
        return RetrogaitError(f"no usable Bluetooth adapter ({text}): plug one in or enable it and retry")
    if isinstance(exc, BleakDeviceNotFoundError):
        return DeviceNotFoundError(
            f"{device} was not found: switch it on, bring it close, close phone apps that hold it, "
            "and check the address with 'retrogait scan'"
        )
    if isinstance(exc, BleakDBusError):
        name = exc.dbus_error
        if name.endswith(("NotPermitted", "NotAuthorized", "AuthenticationFailed", "AuthenticationRejected")):
            return RetrogaitError(
                f"{device} refused access ({name.rsplit('.', 1)[-1]}): it is probably paired with another "
                "phone or app; unpair it there, or pair it with this computer first"
            )
        if name.endswith(("InProgress", "Busy", "AlreadyConnected")) or "abort" in text:
            return RetrogaitError(
                f"{device} is busy (connected to another device or app): disconnect it there and retry"
            )
        if name.endswith(("ServiceUnknown", "NameHasNoOwner")):
            return RetrogaitError(
                "the Bluetooth service is not running: start it (Linux: 'sudo systemctl start bluetooth')"
            )
        if name.endswith("AccessDenied"):
            return RetrogaitError("permission denied by D-Bus: add your user to the 'bluetooth' group and log in again")
        return RetrogaitError(f"Bluetooth error from {device}: {text}")
    if isinstance(exc, OSError) and exc.filename is not None and exc.errno is not None:
        # a file of the recording (the session, its side files): not Bluetooth's to fix (USER-4)
        name = os.fspath(exc.filename)
        name = name[: -len(".partial")] if name.endswith(".partial") else name
        return RetrogaitError(f"{name}: cannot be written: {os.strerror(exc.errno)}")
    if isinstance(exc, PermissionError):
        return RetrogaitError(f"permission denied ({text}): add your user to the 'bluetooth' group and log in again")
    if isinstance(exc, (FileNotFoundError, ConnectionRefusedError)):
        return RetrogaitError(f"cannot reach the system D-Bus / Bluetooth service ({text}): is bluetoothd running?")
    if isinstance(exc, TimeoutError):
        return RetrogaitError(f"{device} did not answer in time: bring it closer, check its battery and retry")
    return RetrogaitError(f"Bluetooth failure with {device}: {type(exc).__name__}: {text}")
