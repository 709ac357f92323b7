"""MbientLab MetaWear / MetaMotion: BMI160 and BMI270 accelerometer (and gyroscope decoding).

Commands and notifications are ``[module][register][data...]``; a read sets bit 7 of the register.
The accelerometer streams single samples (register 0x04) or packed triples (0x1C on BMI160, 0x05 on
BMI270) of int16 xyz. Notifications carry no timestamp: the collector stamps them on the host.
The gyroscope (module 0x13, packed register 0x07 on BMI160, 0x05 on BMI270) runs at the same rate;
the two packed streams are paired triple by triple (same chip, same data-ready clock) into one row
each. An acc triple whose twin was lost with the link, or was a damaged packet (keeping its time slot,
decision BLE-12), is written as rows with empty gyroscope cells (REC-20); such a gyro triple is handed
over as unpaired (never dropped).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from retrogait.ble.profiles.base import (
    Arrival,
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
#: Register of the synthetic packets ``03 FD stream triple(18 B)`` (stream 0 acc, 1 gyro, 2 neither): a
#: triple whose twin was a malformed packet, decoded with NaN for the missing half (both halves for 2),
#: so it keeps its place in time.
HALF = 0xFD
#: A packed notification: module, register and three int16 xyz samples.
PACKED_BYTES = 2 + 3 * 6


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
        self._acc_q: deque[tuple[float, bytes | None]] = deque()  # None: a hole (malformed packet)
        self._gyr_q: deque[tuple[float, bytes | None]] = deque()
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
        for stream, queue in (("acc", self._acc_q), ("gyr", self._gyr_q)):
            for t, triple in queue:
                self._keep_unpaired(stream, t, triple)
            queue.clear()

    def _keep_unpaired(self, stream: str, arrival_s: float, triple: bytes | None) -> None:
        """Hand one packed triple (18 bytes; None = a hole left by a malformed packet) over as unpaired."""
        if triple is None:
            return
        if stream == "acc":
            scale = self.range_g / 32768.0 * STANDARD_GRAVITY_MS2
        else:
            scale = 1.0 / GYRO_LSB_PER_DPS[int(self.gyr_range_dps)]
        counts = np.frombuffer(triple, dtype="<i2").reshape(-1, 3)
        self._unpaired.append(UnpairedSamples(stream, counts * scale, arrival_s=np.full(3, arrival_s)))

    def link_lost_packets(self) -> list[Arrival]:
        """Acc triples whose gyro twin was lost with the link, as ``03 FD`` acc halves (rows with NaN
        gyro, REC-20); gyro triples whose acc twin was lost become unpaired. Both queues restart."""
        out = [(t, bytes([ACC_MODULE, HALF, 0]) + triple) for t, triple in self._acc_q if triple is not None]
        self._acc_q.clear()
        self.reset_stream_state()
        return out

    def take_unpaired(self) -> list[UnpairedSamples]:
        out, self._unpaired = self._unpaired, []
        return out

    def reassemble(self, items: Sequence[Arrival]) -> list[Arrival]:
        """Pair packed acc and gyro triples, in arrival order, into ``03 FE`` packets (acc arrival time).

        A malformed packet whose header still names its stream (module and packed register) leaves a
        hole in that stream's queue, so its twin in the other stream becomes a ``03 FD`` half packet
        (unpaired, in its place in time) instead of shifting every later row by a triple; the
        malformed packet itself goes on to be counted as malformed.
        """
        if not self.with_gyro:
            return list(items)
        out: list[Arrival] = []
        acc_head = bytes([ACC_MODULE, int(self.chip["acc_packed_register"])])
        gyr_head = bytes([GYRO_MODULE, int(self.chip["gyro_packed_register"])])
        for t, p in items:
            queue = self._acc_q if p[:2] == acc_head else self._gyr_q if p[:2] == gyr_head else None
            if queue is not None and len(p) == PACKED_BYTES:
                queue.append((t, p[2:]))
                continue
            if queue is not None:
                queue.append((t, None))
            out.append((t, p))  # refused by decode and counted as malformed
        while self._acc_q and self._gyr_q:
            t, acc = self._acc_q.popleft()
            t_gyr, gyr = self._gyr_q.popleft()
            if acc is not None and gyr is not None:
                out.append((t, bytes([ACC_MODULE, PAIRED]) + acc + gyr))
            elif acc is not None:
                out.append((t, bytes([ACC_MODULE, HALF, 0]) + acc))
            elif gyr is not None:
                out.append((t_gyr, bytes([ACC_MODULE, HALF, 1]) + gyr))
            else:  # both damaged: the triple still took its time
                out.append((t, bytes([ACC_MODULE, HALF, 2]) + bytes(18)))
        return out

    def flush_pending(self) -> list[Arrival]:
        """The recording ends: triples still waiting for their twin are decided (:meth:`link_lost_packets`)."""
        return self.link_lost_packets()

    def packet_keys(self, packets: Sequence[bytes]) -> None:
        return None

    def decode(self, packets: Sequence[bytes], keys: NDArray[np.int64] | None = None) -> Decoded:
        acc_scale = self.range_g / 32768.0 * STANDARD_GRAVITY_MS2
        if self.with_gyro:
            return self._decode_pairs(packets, acc_scale)
        regs = (int(self.chip["acc_data_register"]), int(self.chip["acc_packed_register"]))
        counts, per, idx = decode_int16_xyz(packets, ACC_MODULE, regs)
        if idx.size == 0:
            return empty_decoded(False, False, len(packets))
        acc = counts.astype(np.float64) * acc_scale
        return Decoded(acc, None, None, per, idx, malformed=len(packets) - idx.size)

    def _decode_pairs(self, packets: Sequence[bytes], acc_scale: float) -> Decoded:
        """Rows of ``03 FE`` packets; ``03 FD`` half packets give samples with NaN in the missing half."""
        full_head, half_head = bytes([ACC_MODULE, PAIRED]), bytes([ACC_MODULE, HALF])
        keep = [
            i
            for i, p in enumerate(packets)
            if (len(p) == 38 and p[:2] == full_head) or (len(p) == 21 and p[:2] == half_head and p[2] in (0, 1, 2))
        ]
        if not keep:
            return empty_decoded(True, False, len(packets))
        gyr_scale = 1.0 / GYRO_LSB_PER_DPS[int(self.gyr_range_dps)]
        acc = np.full((3 * len(keep), 3), np.nan)
        gyr = np.full((3 * len(keep), 3), np.nan)
        # 0 acc only, 1 gyro only, 2 neither (03 FD), 3 both (03 FE)
        kind = np.asarray([3 if len(packets[i]) == 38 else packets[i][2] for i in keep])
        body = [packets[i][2:] if len(packets[i]) == 38 else packets[i][3:] for i in keep]
        for sel, dest, off, scale in (
            (3, acc, 0, acc_scale),
            (3, gyr, 18, gyr_scale),
            (0, acc, 0, acc_scale),
            (1, gyr, 0, gyr_scale),
        ):
            at = np.flatnonzero(kind == sel)
            if at.size:
                raw = b"".join(body[k][off : off + 18] for k in at)
                rows = (at[:, None] * 3 + np.arange(3)).ravel()
                dest[rows] = np.frombuffer(raw, dtype="<i2").reshape(-1, 3) * scale
        per = np.full(len(keep), 3, dtype=np.int64)
        return Decoded(acc, gyr, None, per, np.asarray(keep, dtype=np.int64), malformed=len(packets) - len(keep))
