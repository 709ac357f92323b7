"""MbientLab MetaWear / MetaMotion: BMI160 and BMI270 accelerometer (and gyroscope decoding).

Commands and notifications are ``[module][register][data...]``; a read sets bit 7 of the register.
The accelerometer streams single samples (register 0x04) or packed triples (0x1C on BMI160, 0x05 on
BMI270) of int16 xyz. Notifications carry no timestamp: the collector stamps them on the host.
The gyroscope (module 0x13, packed register 0x07 on BMI160, 0x05 on BMI270) runs at the same rate;
the two packed streams are paired triple by triple (same chip, same data-ready clock) into one row
each. A triple whose twin was lost with the link is handed over as unpaired (never dropped).
"""

from __future__ import annotations

import asyncio
from collections import deque
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
    UnpairedSamples,
    empty_decoded,
    pick_nearest,
)
from retrogait.conventions import STANDARD_GRAVITY_MS2

ACC_MODULE, GYRO_MODULE = 0x03, 0x13
#: Register of the synthetic packets ``03 FE acc(18 B) gyro(18 B)`` made by pairing.
PAIRED = 0xFE


def decode_int16_xyz(
    packets: Sequence[bytes], module: int, registers: Sequence[int]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Counts (n, 3) from ``[module][register] + k x 6 bytes`` packets whose register is one of ``registers``.

    Returns counts, samples per accepted packet and the accepted packet indices.
    """
    keep = [
        i
        for i, p in enumerate(packets)
        if len(p) >= 8 and (len(p) - 2) % 6 == 0 and p[0] == module and p[1] in registers
    ]
    if not keep:
        return np.zeros((0, 3), dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    body = b"".join(packets[i][2:] for i in keep)
    counts = np.frombuffer(body, dtype="<i2").reshape(-1, 3).astype(np.int64)
    per = np.asarray([(len(packets[i]) - 2) // 6 for i in keep], dtype=np.int64)
    return counts, per, np.asarray(keep, dtype=np.int64)


def acc_g(
    packets: Sequence[bytes], range_g: float, registers: Sequence[int] = (0x04, 0x1C, 0x05)
) -> NDArray[np.float64]:
    """Acceleration (g) of MetaWear acc notifications at a given range (±g)."""
    counts, _, _ = decode_int16_xyz(packets, ACC_MODULE, registers)
    return counts / (32768.0 / range_g)


#: BMI160/BMI270 gyro sensitivity (LSB per deg/s) by range (±deg/s), as in the MetaWear SDK.
GYRO_LSB_PER_DPS = {2000: 16.4, 1000: 32.8, 500: 65.6, 250: 131.2, 125: 262.4}


def gyr_dps(
    packets: Sequence[bytes], range_dps: int, registers: Sequence[int] = (0x05, 0x07, 0x04)
) -> NDArray[np.float64]:
    """Angular rate (deg/s) of MetaWear gyro notifications at a given range (±deg/s)."""
    counts, _, _ = decode_int16_xyz(packets, GYRO_MODULE, registers)
    return counts / GYRO_LSB_PER_DPS[range_dps]


class MetaWear(Profile):
    """MetaWear / MetaMotion accelerometer stream, packed triples, host-timestamped."""

    name = "metawear"
    config_name = "metawear"

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.chip: dict[str, Any] = self.config["bmi160"]
        self.range_g = float(self.config["default_acc_range_g"])
        self.gyr_range_dps = float(self.config["default_gyr_range_dps"])
        self.with_gyro = False
        self._acc_q: deque[tuple[float, bytes]] = deque()
        self._gyr_q: deque[tuple[float, bytes]] = deque()
        self._unpaired: list[UnpairedSamples] = []
        self._notes: asyncio.Queue[bytes] = asyncio.Queue()
        self._sink: PacketSink | None = None

    def _on_notify(self, data: bytes) -> None:
        if len(data) >= 2 and data[1] & 0x80:
            self._notes.put_nowait(bytes(data))
        elif self._sink is not None:
            self._sink(data)

    async def start(self, link: GattLink, settings: StreamSettings, sink: PacketSink) -> StreamInfo:
        cmd, notify = str(self.config["command_uuid"]), str(self.config["notify_uuid"])
        for uuid in (cmd, notify):
            if not link.has_characteristic(uuid):
                raise ProtocolError(f"MetaWear characteristic {uuid} is missing: unsupported firmware")
        self._sink = sink
        self._notes = asyncio.Queue()
        await link.subscribe(notify, self._on_notify)
        await link.write(cmd, bytes([ACC_MODULE, 0x80]), response=False)
        try:
            info = await asyncio.wait_for(self._notes.get(), float(self.config["info_timeout_s"]))
        except TimeoutError:
            raise ProtocolError("MetaWear did not answer the accelerometer module query") from None
        impl = info[2] if len(info) > 2 else -1
        chips = {int(self.config[c]["implementation"]): c for c in ("bmi160", "bmi270")}
        if impl not in chips:
            raise ProtocolError(f"MetaWear accelerometer implementation {impl} is not supported (BMI160/BMI270 are)")
        self.chip = self.config[chips[impl]]
        rates = [float(r) for r in self.chip["acc_odr_code"]]
        rate = pick_nearest(settings.rate_hz, rates, self.config["default_rate_hz"], "MetaWear rate")
        ranges = [float(r) for r in self.chip["acc_range_code"]]
        self.range_g = pick_nearest(
            settings.acc_range_g, ranges, self.config["default_acc_range_g"], "MetaWear range (g)"
        )
        odr = int(self.chip["acc_odr_code"][f"{rate:g}"])
        rng = int(self.chip["acc_range_code"][f"{self.range_g:g}"])
        packed = int(self.chip["acc_packed_register"])
        gyro_codes = self.chip.get("gyro_odr_code", {})
        gyro_packed = int(self.chip.get("gyro_packed_register", 0))
        self.with_gyro = bool(self.config.get("record_gyro")) and f"{rate:g}" in gyro_codes
        commands = [[ACC_MODULE, 0x03, odr, rng], [ACC_MODULE, packed, 0x01]]  # configure, subscribe packed
        if self.with_gyro:
            self.gyr_range_dps = pick_nearest(
                settings.gyr_range_dps, list(GYRO_LSB_PER_DPS), self.config["default_gyr_range_dps"], "gyro range"
            )
            gyro_range = int(self.chip["gyro_range_code"][f"{self.gyr_range_dps:g}"])
            commands += [
                [GYRO_MODULE, 0x03, int(gyro_codes[f"{rate:g}"]), gyro_range],
                [GYRO_MODULE, gyro_packed, 0x01],
            ]
            commands += [[GYRO_MODULE, 0x02, 0x01, 0x00], [GYRO_MODULE, 0x01, 0x01]]  # enable, start
        commands += [[ACC_MODULE, 0x02, 0x01, 0x00], [ACC_MODULE, 0x01, 0x01]]  # enable, start
        for body in commands:
            await link.write(cmd, bytes(body), response=False)
        gyr_range = self.gyr_range_dps if self.with_gyro else None
        self.info = StreamInfo(rate, self.range_g, gyr_range, has_gyro=self.with_gyro, has_clock=False)
        return self.info

    async def stop(self, link: GattLink) -> None:
        cmd = str(self.config["command_uuid"])
        packed = int(self.chip["acc_packed_register"])
        commands = [[ACC_MODULE, 0x01, 0x00], [ACC_MODULE, 0x02, 0x00, 0x01], [ACC_MODULE, packed, 0x00]]
        if self.with_gyro:
            gyro_packed = int(self.chip["gyro_packed_register"])
            commands += [[GYRO_MODULE, 0x01, 0x00], [GYRO_MODULE, 0x02, 0x00, 0x01], [GYRO_MODULE, gyro_packed, 0x00]]
        for body in commands:
            await link.write(cmd, bytes(body), response=False)

    def reset_stream_state(self) -> None:
        """After a reconnect both streams restart: a triple whose twin was lost with the link becomes unpaired."""
        acc_scale = self.range_g / 32768.0 * STANDARD_GRAVITY_MS2
        gyr_scale = 1.0 / GYRO_LSB_PER_DPS[int(self.gyr_range_dps)]
        for stream, queue, scale in (("acc", self._acc_q, acc_scale), ("gyr", self._gyr_q, gyr_scale)):
            if queue:
                counts = np.frombuffer(b"".join(p for _, p in queue), dtype="<i2").reshape(-1, 3)
                arrival = np.repeat(np.asarray([t for t, _ in queue]), 3)
                self._unpaired.append(UnpairedSamples(stream, counts * scale, arrival_s=arrival))
                queue.clear()

    def take_unpaired(self) -> list[UnpairedSamples]:
        out, self._unpaired = self._unpaired, []
        return out

    def reassemble(self, items: Sequence[tuple[float, bytes]]) -> list[tuple[float, bytes]]:
        """Pair packed acc and gyro triples, in arrival order, into ``03 FE`` packets (acc arrival time)."""
        if not self.with_gyro:
            return list(items)
        out: list[tuple[float, bytes]] = []
        acc_head = bytes([ACC_MODULE, int(self.chip["acc_packed_register"])])
        gyr_head = bytes([GYRO_MODULE, int(self.chip["gyro_packed_register"])])
        for t, p in items:
            if len(p) == 20 and p[:2] == acc_head:
                self._acc_q.append((t, p[2:]))
            elif len(p) == 20 and p[:2] == gyr_head:
                self._gyr_q.append((t, p[2:]))
            else:
                out.append((t, p))  # refused by decode and counted as malformed
        while self._acc_q and self._gyr_q:
            t, acc = self._acc_q.popleft()
            out.append((t, bytes([ACC_MODULE, PAIRED]) + acc + self._gyr_q.popleft()[1]))
        return out

    def flush_pending(self) -> list[tuple[float, bytes]]:
        """The recording ends: triples still waiting for their twin become unpaired."""
        self.reset_stream_state()
        return []

    def packet_keys(self, packets: Sequence[bytes]) -> None:
        return None

    def decode(self, packets: Sequence[bytes]) -> Decoded:
        acc_scale = self.range_g / 32768.0 * STANDARD_GRAVITY_MS2
        if self.with_gyro:
            keep = [i for i, p in enumerate(packets) if len(p) == 38 and p[:2] == bytes([ACC_MODULE, PAIRED])]
            if not keep:
                return empty_decoded(True, False, len(packets))
            v = np.frombuffer(b"".join(packets[i][2:] for i in keep), dtype="<i2").reshape(-1, 2, 3, 3)
            acc = v[:, 0].reshape(-1, 3).astype(np.float64) * acc_scale
            gyr = v[:, 1].reshape(-1, 3).astype(np.float64) / GYRO_LSB_PER_DPS[int(self.gyr_range_dps)]
            per = np.full(len(keep), 3, dtype=np.int64)
            return Decoded(acc, gyr, None, per, np.asarray(keep, dtype=np.int64), malformed=len(packets) - len(keep))
        regs = (int(self.chip["acc_data_register"]), int(self.chip["acc_packed_register"]))
        counts, per, idx = decode_int16_xyz(packets, ACC_MODULE, regs)
        if idx.size == 0:
            return empty_decoded(False, False, len(packets))
        acc = counts.astype(np.float64) * acc_scale
        return Decoded(acc, None, None, per, idx, malformed=len(packets) - idx.size)
