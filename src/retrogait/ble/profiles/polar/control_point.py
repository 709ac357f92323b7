"""Polar PMD control point: commands, responses, settings TLV and the feature bitmap.

Requests are written to the control point; responses arrive as its notifications
``F0 op type status more params...`` (continuations joined). Facts from polarofficial/polar-ble-sdk
(BlePMDClient.kt, PmdSetting.kt, PmdControlPointResponse.kt).
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass
from typing import Any

from retrogait.ble.profiles.base import GattLink, ProtocolError

MEAS_ECG, MEAS_PPG, MEAS_ACC, MEAS_PPI, MEAS_GYRO, MEAS_MAG, MEAS_SDK_MODE = 0, 1, 2, 3, 5, 6, 9
OP_GET_SETTINGS, OP_START, OP_STOP = 1, 2, 3
SETTING_NAMES = {
    0: "SAMPLE_RATE",
    1: "RESOLUTION",
    2: "RANGE",
    3: "RANGE_MILLIUNIT",
    4: "CHANNELS",
    5: "FACTOR",
    6: "SECURITY",
}
SETTING_SIZES = {0: 2, 1: 2, 2: 2, 3: 4, 4: 1, 5: 4, 6: 16}
STATUS_TEXT = {
    0: "success",
    1: "invalid op code",
    2: "invalid measurement type",
    3: "not supported",
    4: "invalid length",
    5: "invalid parameter",
    6: "already in state",
    7: "invalid resolution",
    8: "invalid sample rate",
    9: "invalid range",
    10: "invalid MTU",
    11: "invalid number of channels",
    12: "invalid state",
    13: "device in charger",
    14: "disk full",
}
FEATURE_BITS = {
    (1, 0): "ECG",
    (1, 1): "PPG",
    (1, 2): "ACC",
    (1, 3): "PPI",
    (1, 5): "GYRO",
    (1, 6): "MAG",
    (1, 7): "SKIN_TEMP",
    (2, 1): "SDK_MODE",
    (2, 2): "LOCATION",
    (2, 3): "PRESSURE",
    (2, 4): "TEMPERATURE",
    (2, 5): "OFFLINE_RECORDING",
    (2, 6): "OFFLINE_HR",
}


@dataclass(frozen=True)
class ControlPointResponse:
    """A parsed CP notification ``F0 op type status more params...``."""

    op_code: int
    meas_type: int
    status: int
    more: bool
    params: bytes

    @property
    def ok(self) -> bool:
        return self.status == 0


def parse_cp_response(data: bytes) -> ControlPointResponse:
    """Parse a control-point response; raises ProtocolError if it is not one."""
    if len(data) < 4 or data[0] != 0xF0:
        raise ProtocolError(f"Polar control point sent {data.hex()} where a response (F0 ...) was expected")
    more = bool(data[4]) if data[3] == 0 and len(data) > 4 else False
    return ControlPointResponse(data[1], data[2], data[3], more, bytes(data[5:]))


def parse_settings(data: bytes) -> dict[str, list[int] | list[float]]:
    """Parse a settings TLV ``[type][count][count x value]...`` into {name: values}."""
    out: dict[str, Any] = {}
    pos = 0
    while pos + 2 <= len(data):
        kind, count = data[pos], data[pos + 1]
        size = SETTING_SIZES.get(kind)
        if size is None or pos + 2 + size * count > len(data):
            raise ProtocolError(f"Polar settings are malformed at byte {pos}: {data.hex()}")
        raw = data[pos + 2 : pos + 2 + size * count]
        if kind == 5:
            values: list[Any] = list(struct.unpack(f"<{count}f", raw))
        elif kind == 3:
            values = list(struct.unpack(f"<{count}i", raw))
        elif kind == 6:
            values = [raw[i * 16 : (i + 1) * 16].hex() for i in range(count)]
        else:
            values = [int.from_bytes(raw[i * size : (i + 1) * size], "little") for i in range(count)]
        out[SETTING_NAMES[kind]] = values
        pos += 2 + size * count
    return out


def encode_start(meas_type: int, rate_hz: int, resolution: int, range_value: int, channels: int | None = 3) -> bytes:
    """A START request body ``02 type {setting 01 value}...`` (FACTOR is never sent).

    CHANNELS is sent only when the device listed it among its settings (H10 clients omit it).
    """
    body = bytes([OP_START, meas_type])
    body += bytes([0, 1]) + rate_hz.to_bytes(2, "little")
    body += bytes([1, 1]) + resolution.to_bytes(2, "little")
    body += bytes([2, 1]) + range_value.to_bytes(2, "little")
    if channels is not None:
        body += bytes([4, 1, channels])
    return body


def parse_features(data: bytes) -> set[str]:
    """Measurement types offered, from a CP read ``0F b1 b2 ...``."""
    if len(data) < 3 or data[0] != 0x0F:
        raise ProtocolError(f"Polar feature read returned {data[:8].hex()} (expected 0F ...)")
    return {name for (byte, bit), name in FEATURE_BITS.items() if data[byte] >> bit & 1}


def factor_of(resp: ControlPointResponse) -> float:
    """The FACTOR a start response carries (1.0 when absent)."""
    factors = parse_settings(resp.params).get("FACTOR", [1.0]) if resp.params else [1.0]
    return float(factors[0])


def status_text(status: int) -> str | int:
    """The SDK's name for a response status (the number when unknown)."""
    return STATUS_TEXT.get(status, status)


class ControlPoint:
    """Writes commands to the PMD control point and waits for their responses.

    Args:
        uuid: the control point characteristic.
        timeout_s: how long to wait for a response (s).
    """

    def __init__(self, uuid: str, timeout_s: float) -> None:
        self.uuid = uuid
        self.timeout_s = timeout_s
        self._responses: asyncio.Queue[bytes] = asyncio.Queue()

    async def subscribe(self, link: GattLink) -> None:
        """Start receiving responses (a fresh queue for each connection)."""
        self._responses = asyncio.Queue()
        await link.subscribe(self.uuid, self._on_notify)

    def _on_notify(self, data: bytes) -> None:
        self._responses.put_nowait(bytes(data))

    async def command(self, link: GattLink, body: bytes) -> ControlPointResponse:
        """Write a command and wait for its response (reassembling ``more`` continuations)."""
        await link.write(self.uuid, body, response=True)
        params = b""
        while True:
            try:
                raw = await asyncio.wait_for(self._responses.get(), self.timeout_s)
            except TimeoutError:
                raise ProtocolError(f"Polar did not answer command {body.hex()} within {self.timeout_s:g} s") from None
            if raw[:1] == b"\x01":
                continue  # unsolicited "measurement stopped"
            resp = parse_cp_response(raw)
            if resp.op_code != body[0]:
                continue
            params += resp.params
            if not resp.more:
                return ControlPointResponse(resp.op_code, resp.meas_type, resp.status, False, params)
