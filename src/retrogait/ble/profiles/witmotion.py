"""WitMotion BWT901BLE / WT901BLECL: 20-byte ``55 61`` packets (acc, gyro, angle as int16).

acc = v / 32768 x 16 g, gyro = v / 32768 x 2000 deg/s, angle = v / 32768 x 180 deg. No timestamp,
no checksum. Whole packets (one per notification) are decoded in one frombuffer; notifications that
split or merge packets go through a byte resynchroniser on ``55 61`` / ``55 71``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from retrogait.ble.profiles.base import (
    Decoded,
    GattLink,
    PacketSink,
    Profile,
    ProtocolError,
    StreamInfo,
    StreamSettings,
    empty_decoded,
    fixed_size_rows,
    pick_nearest,
)
from retrogait.conventions import STANDARD_GRAVITY_MS2

PACKET = 20
SYNC, FLAG_DATA, FLAG_REGISTER = 0x55, 0x61, 0x71


def resync(buffer: bytes) -> tuple[list[bytes], bytes]:
    """Split a byte stream into 20-byte packets starting ``55 61|71``; returns packets and the rest."""
    out: list[bytes] = []
    pos = 0
    while len(buffer) - pos >= PACKET:
        if buffer[pos] == SYNC and buffer[pos + 1] in (FLAG_DATA, FLAG_REGISTER):
            out.append(buffer[pos : pos + PACKET])
            pos += PACKET
        else:
            nxt = buffer.find(bytes([SYNC]), pos + 1)
            pos = nxt if nxt >= 0 else len(buffer)
    return out, buffer[pos:]


def register_values(packet: bytes) -> tuple[int, NDArray[np.int64]]:
    """A ``55 71`` register reply: the first register address and its 8 int16 values."""
    if len(packet) != PACKET or packet[:2] != bytes([SYNC, FLAG_REGISTER]):
        raise ProtocolError(f"not a WitMotion register reply: {packet[:4].hex()}")
    return int.from_bytes(packet[2:4], "little"), np.frombuffer(packet[4:], dtype="<i2").astype(np.int64)


def decode_data_packets(
    joined: bytes, config: dict[str, Any]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """acc (g), gyro (deg/s) and angle (deg) of concatenated ``55 61`` packets."""
    v = np.frombuffer(joined, dtype="<i2").reshape(-1, 10)[:, 1:].astype(np.float64) / 32768.0
    return (
        v[:, 0:3] * float(config["acc_full_scale_g"]),
        v[:, 3:6] * float(config["gyr_full_scale_dps"]),
        v[:, 6:9] * float(config["angle_full_scale_deg"]),
    )


class WitMotion(Profile):
    """WitMotion BWT901BLE acc + gyro stream, host-timestamped."""

    name = "witmotion"
    config_name = "witmotion"

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self._rest = b""

    async def start(self, link: GattLink, settings: StreamSettings, sink: PacketSink) -> StreamInfo:
        notify, write = str(self.config["notify_uuid"]), str(self.config["write_uuid"])
        for uuid in (notify, write):
            if not link.has_characteristic(uuid):
                raise ProtocolError(f"WitMotion characteristic {uuid} is missing: unsupported firmware")
        codes = self.config["rate_code"]
        rate = pick_nearest(
            settings.rate_hz, [float(r) for r in codes], self.config["default_rate_hz"], "WitMotion rate"
        )
        await link.subscribe(notify, sink)
        await link.write(write, bytes([0xFF, 0xAA, 0x69, 0x88, 0xB5]))  # unlock
        await link.write(write, bytes([0xFF, 0xAA, 0x03, int(codes[f"{rate:g}"]), 0x00]))  # return rate
        self.reset_stream_state()
        acc_range = float(self.config["acc_full_scale_g"])
        self.info = StreamInfo(rate, acc_range, float(self.config["gyr_full_scale_dps"]), True, False)
        return self.info

    async def stop(self, link: GattLink) -> None:
        return None  # the module streams whenever it is powered; unsubscribing is enough

    def reset_stream_state(self) -> None:
        self._rest = b""

    def packet_keys(self, packets: Sequence[bytes]) -> None:
        return None

    def decode(self, packets: Sequence[bytes], keys: NDArray[np.int64] | None = None) -> Decoded:
        joined, idx, refused = fixed_size_rows(packets, PACKET, bytes([SYNC, FLAG_DATA]))
        odd = [bytes(p) for p in packets if not (len(p) == PACKET and p[:2] == bytes([SYNC, FLAG_DATA]))]
        malformed = 0
        if odd:
            pieces, self._rest = resync(self._rest + b"".join(odd))
            data = [p for p in pieces if p[1] == FLAG_DATA]
            # resynchronised packets are appended at the end of the batch (host time of the batch's last packet)
            joined += b"".join(data)
            idx = np.concatenate([idx, np.full(len(data), len(packets) - 1, dtype=np.int64)])
            malformed = refused if not data else 0
        if not joined:
            return empty_decoded(True, False, malformed)
        acc, gyr, _ = decode_data_packets(joined, self.config)
        return Decoded(acc * STANDARD_GRAVITY_MS2, gyr, None, np.ones(idx.size, dtype=np.int64), idx, malformed)
