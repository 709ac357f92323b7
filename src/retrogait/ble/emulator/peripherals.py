"""Virtual peripherals: each speaks one profile's protocol and streams a simulated session.

Sample ``k`` (counted from power-on on the device clock) encodes its own index in the acceleration
counts, x = k mod 1000 - 500 and y = (k // 1000) mod 1000 - 500, with z about 1 g plus a running
bounce, so tests can tell exactly which samples reached a file. Every data packet actually notified
is logged as ``k_first n`` lines in the sent log. Faults (link loss, refusal, malformed, short,
duplicated and swapped packets, a missing characteristic) are switched on per device; a malformed or
short packet is an extra notification, except on devices whose damaged packet replaces the intact one
(``damage_replaces_packet``: MetaWear).
"""

from __future__ import annotations

import asyncio
import math
import struct
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np
from numpy.typing import NDArray

from retrogait.ble.emulator import encoders
from retrogait.ble.emulator.bluez import BluezTree, DBusFailure, GattChar, GattService
from retrogait.ble.profiles.base import load_config
from retrogait.conventions import STANDARD_GRAVITY_MS2

if TYPE_CHECKING:
    from retrogait.session import Session

SIG_BASE = "-0000-1000-8000-00805f9b34fb"


def sig(short: int) -> str:
    return f"0000{short:04x}{SIG_BASE}"


def write_notify_service(service_uuid: str, write_uuid: str, notify_uuid: str) -> GattService:
    """The common vendor layout: one service with a command characteristic and a data notification."""
    return GattService(
        service_uuid,
        [GattChar(write_uuid, ["write", "write-without-response"]), GattChar(notify_uuid, ["notify"])],
    )


@dataclass
class Faults:
    """Faults a virtual device injects (counts are "every N-th data packet"; 0 = never)."""

    disconnect_every_s: float = 0.0
    disconnect_times: int = 0
    down_s: float = 0.5
    refuse: str = ""  # "busy" or "not_permitted": every Connect fails
    malformed_every: int = 0
    short_every: int = 0
    duplicate_every: int = 0
    swap_every: int = 0
    missing_characteristic: str = ""
    clock_drift_ppm: float = 0.0
    #: Polar Verity Sense GYRO stream of each connection: starts this late (s), stops after this long (s;
    #: 0 = never), and every N-th of its frames is never sent (0 = none); acc goes on (REC-20)
    gyro_start_after_s: float = 0.0
    gyro_stop_after_s: float = 0.0
    gyro_drop_every: int = 0


@dataclass
class DeviceSpec:
    """One virtual device of a scenario."""

    kind: str  # polar_h10 | polar_verity | movesense | metawear | metawear_bmi270 | witmotion | thingy52 | diy_nrf52
    address: str
    name: str
    rssi: int = -60
    faults: Faults = field(default_factory=Faults)
    #: a native session file whose acceleration and angular rate the device streams (in a loop),
    #: instead of the index-encoding signal; "" for the index encoding
    replay: str = ""

    @staticmethod
    def from_dict(d: dict[str, Any]) -> DeviceSpec:
        return DeviceSpec(
            d["kind"], d["address"], d["name"], d.get("rssi", -60), Faults(**d.get("faults", {})), d.get("replay", "")
        )


#: g per acceleration count each kind uses in the file (for recovering sample indices).
ACC_G_PER_COUNT = {
    "polar_h10": 0.001,
    "polar_verity": 16 / 32768,
    "movesense": 1 / 2048,
    "metawear": 16 / 32768,
    "metawear_bmi270": 16 / 32768,
    "witmotion": 16 / 32768,
    "thingy52": 1 / 1024,
    "diy_nrf52": 16 / 32768,
}


#: Gyro counts per deg/s each kind streams (deg/s values for Movesense), to predict the file's gyro.
GYR_COUNTS_PER_DPS = {
    "polar_verity": 32768 / 2000,
    "movesense": 1.0,
    "metawear": 16.4,
    "metawear_bmi270": 16.4,
    "witmotion": 32768 / 2000,
    "thingy52": 32.0,
    "diy_nrf52": 32768 / 2000,
}


def acc_counts(k: NDArray[np.int64], counts_per_g: float) -> NDArray[np.int64]:
    """Index-encoding acceleration counts (n, 3) for sample indices ``k``."""
    z = counts_per_g * (1.0 + 0.6 * np.sin(2 * np.pi * k / 150.0) ** 2)
    return np.column_stack([k % 1000 - 500, (k // 1000) % 1000 - 500, np.rint(z)]).astype(np.int64)


def gyr_counts(k: NDArray[np.int64], counts_per_dps: float) -> NDArray[np.int64]:
    """A swinging-leg angular rate (about ±300 deg/s), counts (n, 3)."""
    phase = 2 * np.pi * k / 300.0
    dps = np.column_stack([40 * np.sin(phase), 300 * np.sin(phase + 1.0), 25 * np.cos(phase)])
    return np.rint(dps * counts_per_dps).astype(np.int64)


def index_from_counts(x: NDArray[np.int64], y: NDArray[np.int64]) -> NDArray[np.int64]:
    """Inverse of the index encoding, modulo 1e6 samples."""
    return (x + 500) + 1000 * (y + 500)


class VirtualPeripheral(ABC):
    """Common behaviour: connection state, faults, a device clock and a streaming task."""

    kind = ""
    samples_per_packet = 1
    #: whether one sample group goes out as several notifications (acc, then gyro) that a link loss can split
    splits_sample_groups = False
    #: whether a malformed or short packet is the damaged data packet itself (its samples are not sent)
    #: rather than an extra notification before the intact one
    damage_replaces_packet = False

    def __init__(self, spec: DeviceSpec, tree: BluezTree, sent_log: TextIO | None) -> None:
        self.spec = spec
        self.tree = tree
        self.address, self.name, self.rssi = spec.address, spec.name, spec.rssi
        self.faults = spec.faults
        self.sent_log = sent_log
        #: log of the second notification of each sample group (a separately streamed gyro), if any
        self.second_log: TextIO | None = None
        self._loss_due = False
        self.advertising = True
        self.connected = False
        self.down_until = 0.0
        self.rate_hz = 100.0
        self.power_on = time.monotonic()
        self.streaming = False
        self._task: asyncio.Task[None] | None = None
        self._loss_task: asyncio.Task[None] | None = None
        self._packet_no = 0
        self._held: tuple[str, bytes, int, int, TextIO | None] | None = None
        self.disconnects_done = 0
        self.replay = _replayed(spec.replay) if spec.replay else None
        self.services = [s for s in self.build_services() if s.chars]
        if self.faults.missing_characteristic:
            for s in self.services:
                s.chars = [c for c in s.chars if c.uuid != self.faults.missing_characteristic.lower()]
        self.advertised_uuids = [self.services[0].uuid]
        self.services += [
            GattService(sig(0x180F), [GattChar(sig(0x2A19), ["read"], bytes([87]))]),
            GattService(
                sig(0x180A),
                [
                    GattChar(sig(0x2A29), ["read"], b"retrogait emulator"),
                    GattChar(sig(0x2A24), ["read"], self.kind.encode()),
                    GattChar(sig(0x2A26), ["read"], b"1.0.0"),
                ],
            ),
        ]

    def acc_counts(self, k: NDArray[np.int64], counts_per_g: float) -> NDArray[np.int64]:
        """Acceleration counts (n, 3) of samples ``k``: the replayed session's, else the index encoding."""
        if self.replay is None:
            return acc_counts(k, counts_per_g)
        g = self.replay.acc[self._replay_rows(k)] / STANDARD_GRAVITY_MS2
        return np.clip(np.rint(g * counts_per_g), -32768, 32767).astype(np.int64)

    def gyr_counts(self, k: NDArray[np.int64], counts_per_dps: float) -> NDArray[np.int64]:
        """Angular-rate counts (n, 3) of samples ``k``: the replayed session's, else a swinging leg."""
        if self.replay is None or self.replay.gyr is None:
            return gyr_counts(k, counts_per_dps)
        dps = np.nan_to_num(self.replay.gyr[self._replay_rows(k)])  # no gyroscope value (EDGE-46): 0
        return np.clip(np.rint(dps * counts_per_dps), -32768, 32767).astype(np.int64)

    def _replay_rows(self, k: NDArray[np.int64]) -> NDArray[np.int64]:
        """Rows of the replayed session at device samples ``k`` (its own rate, nearest row, in a loop)."""
        assert self.replay is not None
        rows = np.floor(np.asarray(k) * self.replay.meta.sample_rate_hz / self.rate_hz).astype(np.int64)
        return rows % self.replay.n_samples

    # -------------------------------------------------------------- to be provided by each kind

    @abstractmethod
    def build_services(self) -> list[GattService]:
        """The device's own GATT services (battery and device information are added)."""

    @abstractmethod
    def data_packets(self, k0: int, n: int) -> list[tuple[str, bytes]]:
        """Notifications carrying samples k0..k0+n-1, as (characteristic uuid, payload)."""

    def handle_write(self, uuid: str, data: bytes) -> None:  # noqa: B027  (optional hook)
        """Protocol reaction to a write."""

    def handle_notify(self, uuid: str, enabled: bool) -> None:  # noqa: B027  (optional hook)
        """Protocol reaction to notifications being switched."""

    # -------------------------------------------------------------------------- tree callbacks

    def on_connect(self) -> None:
        if self.faults.refuse == "busy":
            raise DBusFailure("org.bluez.Error.InProgress", "Operation already in progress")
        if self.faults.refuse == "not_permitted":
            raise DBusFailure("org.bluez.Error.NotPermitted", "Not paired")
        if time.monotonic() < self.down_until:
            raise DBusFailure("org.bluez.Error.Failed", "le-connection-abort-by-local")
        self.connected = True
        self.advertising = False
        if self.faults.disconnect_every_s > 0 and self.disconnects_done < self.faults.disconnect_times:
            self._loss_task = asyncio.get_running_loop().create_task(self._lose_link_later())

    def on_disconnect(self) -> None:
        self.connected = False
        self.advertising = True
        self._held = None  # a notification held back for swapping dies with the link (it was never sent)
        self.stop_streaming()
        if self._loss_task is not None:
            self._loss_task.cancel()

    def on_read(self, uuid: str) -> bytes:
        for service in self.services:
            for char in service.chars:
                if char.uuid == uuid:
                    return self.read_value(uuid, char.value)
        return b""

    def read_value(self, uuid: str, stored: bytes) -> bytes:
        return stored

    def on_write(self, uuid: str, data: bytes) -> None:
        self.handle_write(uuid, data)

    def on_notify(self, uuid: str, enabled: bool) -> None:
        self.handle_notify(uuid, enabled)

    async def _lose_link_later(self) -> None:
        await asyncio.sleep(self.faults.disconnect_every_s)
        if self.streaming and self.splits_sample_groups:
            self._loss_due = True  # the stream loop drops the link between the notifications of one group
        else:
            self._lose_link_now()

    def _lose_link_now(self) -> None:
        self._loss_due = False
        self.disconnects_done += 1
        if self.sent_log is not None:  # what the tests compare the recorder's reconnects with: load-independent
            with open(Path(str(self.sent_log.name)).with_suffix(".disconnects"), "a") as log:
                log.write(f"{time.monotonic():.6f}\n")
        self.down_until = time.monotonic() + self.faults.down_s
        self.tree.disconnect(self.tree.device_path(self.address))

    # -------------------------------------------------------------------------------- streaming

    def device_sample_index(self) -> int:
        """Samples the device has taken since power-on (its clock may drift from the host's)."""
        elapsed = time.monotonic() - self.power_on
        return int(elapsed * self.rate_hz * (1.0 + self.faults.clock_drift_ppm * 1e-6))

    def start_streaming(self) -> None:
        if not self.streaming:
            self.streaming = True
            self._task = asyncio.get_running_loop().create_task(self._stream())

    def stop_streaming(self) -> None:
        self.streaming = False
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _stream(self) -> None:
        n = self.samples_per_packet
        k = self.device_sample_index()
        k -= k % n
        while self.streaming:
            now_k = self.device_sample_index()
            while k + n <= now_k and self.streaming:
                packets = self.data_packets(k, n)
                for i, (uuid, payload) in enumerate(packets):
                    if i == 1 and self.second_log is not None:
                        self._emit(uuid, payload, k, n, self.second_log)
                    else:
                        self._emit(uuid, payload, k, n if i == 0 else 0)  # log the samples once
                    if self._loss_due and i + 1 < len(packets):
                        self._lose_link_now()  # the group's later notifications are never sent
                        return
                k += n
            wait_s = (k + n - now_k) / (self.rate_hz * (1.0 + self.faults.clock_drift_ppm * 1e-6))
            await asyncio.sleep(max(wait_s, 0.001))

    def _emit(self, uuid: str, payload: bytes, k0: int, n: int, log: TextIO | None = None) -> None:
        f = self.faults
        self._packet_no += 1
        no = self._packet_no
        damaged = []
        if f.malformed_every and no % f.malformed_every == 0:
            damaged.append(self.malformed_packet(payload))
        if f.short_every and no % f.short_every == 0:
            damaged.append(payload[:3])
        if damaged and self.damage_replaces_packet:
            self._send(uuid, damaged[0])  # the packet itself, damaged: its samples are not logged as sent
            return
        for bad in damaged:
            self._send(uuid, bad)
        log = log or self.sent_log
        if f.swap_every and no % f.swap_every == 0 and self._held is None:
            self._held = (uuid, payload, k0, n, log)  # goes out after the next packet
            return
        self._send_data(uuid, payload, k0, n, log)
        if f.duplicate_every and no % f.duplicate_every == 0:
            self._send(uuid, payload)
        if self._held is not None:
            held, self._held = self._held, None
            self._send_data(*held)

    def malformed_packet(self, payload: bytes) -> bytes:
        return bytes([0xEE]) + payload[1:7]

    def _send_data(self, uuid: str, payload: bytes, k0: int, n: int, log: TextIO | None) -> None:
        if self._send(uuid, payload) and log is not None and n > 0:
            log.write(f"{k0} {n}\n")

    def _send(self, uuid: str, payload: bytes) -> bool:
        return self.tree.notify(self.address, uuid, payload)


class PolarPeripheral(VirtualPeripheral):
    """Polar H10 (raw int16 mG frames) or Verity Sense (SDK mode, delta frames with a factor)."""

    EPOCH_2000_START_NS = 800_000_000 * 10**9  # the device clock was set to some day in 2025

    def __init__(self, spec: DeviceSpec, tree: BluezTree, sent_log: TextIO | None) -> None:
        self.cfg = load_config("polar_pmd")
        self.verity = spec.kind == "polar_verity"
        self.kind = spec.kind
        self.samples_per_packet = 24 if self.verity else 36
        self.factor = 16 / 32768 if self.verity else 1.0
        self.cp_notify = False
        self.sdk_mode = False
        self.gyro_factor = 2000 / 32768  # deg/s per count, sent in the GYRO start response
        super().__init__(spec, tree, sent_log)
        self._hr_task: asyncio.Task[None] | None = None
        self._gyro_task: asyncio.Task[None] | None = None
        name = Path(sent_log.name).name.replace(".sent", ".gyro.sent") if sent_log is not None else None
        self.gyro_log: TextIO | None = None
        if name and sent_log is not None and self.verity:
            self.gyro_log = open(Path(str(sent_log.name)).with_name(name), "a", buffering=1)  # noqa: SIM115

    def build_services(self) -> list[GattService]:
        c = self.cfg
        return [
            GattService(
                c["service_uuid"],
                [
                    GattChar(c["control_point_uuid"], ["read", "write", "indicate", "notify"]),
                    GattChar(c["data_uuid"], ["notify"]),
                ],
            ),
            GattService(sig(0x180D), [GattChar(sig(0x2A37), ["notify"])]),
        ]

    def read_value(self, uuid: str, stored: bytes) -> bytes:
        if uuid == self.cfg["control_point_uuid"]:
            b1 = 0b0010_0100 if self.verity else 0b0000_0101  # ACC+GYRO / ECG+ACC
            b2 = 0b0000_0010 if self.verity else 0
            return bytes([0x0F, b1, b2]) + bytes(14)
        return stored

    def handle_notify(self, uuid: str, enabled: bool) -> None:
        if uuid == self.cfg["control_point_uuid"]:
            self.cp_notify = enabled
        if uuid == sig(0x2A37) and enabled and self._hr_task is None:
            self._hr_task = asyncio.get_running_loop().create_task(self._heart_rate())

    async def _heart_rate(self) -> None:
        while self.connected:
            self._send(sig(0x2A37), bytes([0x16, 150, 0x90, 0x01]))  # 150 bpm, contact, RR 400/1024 s
            await asyncio.sleep(1.0)
        self._hr_task = None

    def _respond(self, body: bytes) -> None:
        if self.cp_notify:
            self._send(self.cfg["control_point_uuid"], body)

    def handle_write(self, uuid: str, data: bytes) -> None:
        if uuid != self.cfg["control_point_uuid"] or len(data) < 2:
            return
        op, meas = data[0], data[1]
        ok = bytes([0xF0, op, meas, 0, 0])
        if op == 2 and meas == 9:
            self.sdk_mode = self.verity
            self._respond(ok if self.verity else bytes([0xF0, op, meas, 3]))
        elif op == 3 and meas == 9:
            self.sdk_mode = False
            self._respond(ok)
        elif op == 1 and meas == 2:
            if self.verity and self.sdk_mode:
                rates, ranges = [26, 52, 104, 208, 416], [2, 4, 8, 16]
            elif self.verity:
                rates, ranges = [52], [8]
            else:
                rates, ranges = [25, 50, 100, 200], [2, 4, 8]
            tlv = bytes([0, len(rates)]) + b"".join(r.to_bytes(2, "little") for r in rates)
            tlv += bytes([1, 1, 16, 0]) + bytes([2, len(ranges)]) + b"".join(r.to_bytes(2, "little") for r in ranges)
            tlv += bytes([4, 1, 3])
            self._respond(ok + tlv)
        elif op == 2 and meas == 2:
            rate = int.from_bytes(data[4:6], "little")
            self.rate_hz = float(rate)
            self._respond(ok + bytes([5, 1]) + struct.pack("<f", self.factor))
            self.start_streaming()
        elif op == 3 and meas == 2:
            self.stop_streaming()
            self._respond(ok)
        elif op == 1 and meas == 5 and self.verity:
            tlv = bytes([0, 5]) + b"".join(r.to_bytes(2, "little") for r in (26, 52, 104, 208, 416))
            tlv += bytes([1, 1, 16, 0, 2, 4]) + b"".join(r.to_bytes(2, "little") for r in (250, 500, 1000, 2000))
            self._respond(ok + tlv + bytes([4, 1, 3]))
        elif op == 2 and meas == 5 and self.verity:
            self._respond(ok + bytes([5, 1]) + struct.pack("<f", self.gyro_factor))
            if self._gyro_task is None:
                self._gyro_task = asyncio.get_running_loop().create_task(self._gyro_stream())
        elif op == 3 and meas == 5:
            self._stop_gyro()
            self._respond(ok)
        else:
            self._respond(bytes([0xF0, op, meas, 1]))

    def on_disconnect(self) -> None:
        super().on_disconnect()
        self._stop_gyro()

    def _stop_gyro(self) -> None:
        if self._gyro_task is not None:
            self._gyro_task.cancel()
            self._gyro_task = None

    async def _gyro_stream(self) -> None:
        """GYRO frames: the same sample clock as ACC (sample k at the same instant), own frame boundaries."""
        n = 20
        k = self.device_sample_index() + 7
        f = self.faults
        first_k = k + round(f.gyro_start_after_s * self.rate_hz)
        end_k = k + round(f.gyro_stop_after_s * self.rate_hz) if f.gyro_stop_after_s > 0 else None
        frame_no = 0
        while True:
            now_k = self.device_sample_index()
            while k + n <= now_k:
                frame_no += 1
                sent = k >= first_k and (end_k is None or k < end_k)
                if sent and not (f.gyro_drop_every and frame_no % f.gyro_drop_every == 0):
                    kk = np.arange(k, k + n)
                    last_ns = self.EPOCH_2000_START_NS + round((k + n - 1) * 1e9 / self.rate_hz)
                    counts = self.gyr_counts(kk, 1 / self.gyro_factor)
                    frame = encoders.polar_delta_frame(counts, last_ns, meas_type=5)
                    self._emit(self.cfg["data_uuid"], frame, k, n, self.gyro_log)
                k += n
            await asyncio.sleep(max((k + n - now_k) / self.rate_hz, 0.001))

    def data_packets(self, k0: int, n: int) -> list[tuple[str, bytes]]:
        k = np.arange(k0, k0 + n)
        last_ns = self.EPOCH_2000_START_NS + round((k0 + n - 1) * 1e9 / self.rate_hz)
        if self.verity:
            frame = encoders.polar_delta_frame(self.acc_counts(k, 1 / self.factor), last_ns)
        else:
            frame = encoders.polar_raw_frame(self.acc_counts(k, 1000.0), last_ns)
        return [(self.cfg["data_uuid"], frame)]

    def malformed_packet(self, payload: bytes) -> bytes:
        return payload[:9] + bytes([0x7F]) + payload[10:20]


class MovesensePeripheral(VirtualPeripheral):
    """Movesense with the GATT SensorData firmware: HELLO, SUBSCRIBE /Meas/IMU6/<rate> or /Meas/Acc/<rate>."""

    kind = "movesense"
    samples_per_packet = 8

    def __init__(self, spec: DeviceSpec, tree: BluezTree, sent_log: TextIO | None) -> None:
        self.cfg = load_config("movesense")
        self.imu6 = True
        self.ref = 0
        super().__init__(spec, tree, sent_log)

    def build_services(self) -> list[GattService]:
        return [write_notify_service(self.cfg["service_uuid"], self.cfg["command_uuid"], self.cfg["data_uuid"])]

    def handle_write(self, uuid: str, data: bytes) -> None:
        if uuid != self.cfg["command_uuid"] or len(data) < 2:
            return
        cmd, ref = data[0], data[1]
        if cmd == 0:
            self._send(self.cfg["data_uuid"], bytes([1, ref]) + b"Hello")
        elif cmd == 1:
            path = data[2:].decode()
            parts = path.strip("/").split("/")
            self.imu6 = parts[1] == "IMU6"
            self.rate_hz = float(parts[2])
            self.ref = ref
            self._send(self.cfg["data_uuid"], bytes([1, ref, 0x00, 0xC8]))
            self.start_streaming()
        elif cmd == 2:
            self.stop_streaming()

    def data_packets(self, k0: int, n: int) -> list[tuple[str, bytes]]:
        k = np.arange(k0, k0 + n)
        acc = self.acc_counts(k, 2048.0) / 2048.0 * 9.80665
        gyr = self.gyr_counts(k, 1.0).astype(np.float64) if self.imu6 else None
        t_ms = int(k0 * 1000 / self.rate_hz)
        return [(self.cfg["data_uuid"], encoders.movesense_data(self.ref, t_ms, acc, gyr))]

    def malformed_packet(self, payload: bytes) -> bytes:
        return payload[:-5]


class MetaWearPeripheral(VirtualPeripheral):
    """MetaMotion R (BMI160) or S (BMI270): module query, acc/gyro config, packed acc and gyro streams.

    Each group of 3 samples goes out as a packed acc notification, then (gyro on) a packed gyro one;
    a link loss falls between the two, so the collector sees acc triples whose gyro twin never came.
    """

    samples_per_packet = 3
    splits_sample_groups = True
    #: BLE delivers a notification whole or not at all: a damaged packed notification is the firmware's
    #: packet for that triple, so its twin in the other stream has no partner (tests the pairing holes)
    damage_replaces_packet = True

    def __init__(self, spec: DeviceSpec, tree: BluezTree, sent_log: TextIO | None) -> None:
        self.cfg = load_config("metawear")
        self.kind = spec.kind
        self.chip = self.cfg["bmi270" if spec.kind == "metawear_bmi270" else "bmi160"]
        self.counts_per_g = 2048.0
        self.gyro_on = False
        self.gyro_lsb_per_dps = 16.4
        super().__init__(spec, tree, sent_log)
        if sent_log is not None:
            self.second_log = open(Path(str(sent_log.name)).with_suffix(".gyro.sent"), "a", buffering=1)  # noqa: SIM115

    def build_services(self) -> list[GattService]:
        return [write_notify_service(self.cfg["service_uuid"], self.cfg["command_uuid"], self.cfg["notify_uuid"])]

    def handle_write(self, uuid: str, data: bytes) -> None:
        if uuid != self.cfg["command_uuid"] or len(data) < 2:
            return
        gyro_packed = int(self.chip["gyro_packed_register"])
        if data[:2] == bytes([0x03, 0x80]):
            self._send(self.cfg["notify_uuid"], bytes([0x03, 0x80, int(self.chip["implementation"]), 0x00]))
        elif data[:2] == bytes([0x03, 0x03]):
            odr = {v: float(k) for k, v in self.chip["acc_odr_code"].items()}[data[2]]
            rng = {v: float(k) for k, v in self.chip["acc_range_code"].items()}[data[3]]
            self.rate_hz, self.counts_per_g = odr, 32768.0 / rng
        elif data[:2] == bytes([0x13, 0x03]):
            gyro_odr = {v: float(k) for k, v in self.chip["gyro_odr_code"].items()}[data[2]]
            if gyro_odr != self.rate_hz:
                raise DBusFailure("org.bluez.Error.Failed", "emulated MetaWear: gyro and acc rates differ")
            self.gyro_lsb_per_dps = [16.4, 32.8, 65.6, 131.2, 262.4][data[3]]
        elif data == bytes([0x13, gyro_packed, 0x01]):
            self.gyro_on = True
        elif data == bytes([0x13, gyro_packed, 0x00]):
            self.gyro_on = False
        elif data == bytes([0x03, 0x01, 0x01]):
            self.start_streaming()
        elif data == bytes([0x03, 0x01, 0x00]):
            self.stop_streaming()

    def data_packets(self, k0: int, n: int) -> list[tuple[str, bytes]]:
        k = np.arange(k0, k0 + n)
        uuid = self.cfg["notify_uuid"]
        acc_register = int(self.chip["acc_packed_register"])
        packets = [(uuid, encoders.metawear_packed(self.acc_counts(k, self.counts_per_g), register=acc_register))]
        if self.gyro_on:
            gyro = self.gyr_counts(k, self.gyro_lsb_per_dps)
            register = int(self.chip["gyro_packed_register"])
            packets.append((uuid, encoders.metawear_packed(gyro, register=register, module=0x13)))
        return packets

    def malformed_packet(self, payload: bytes) -> bytes:
        return payload[:5]


class WitMotionPeripheral(VirtualPeripheral):
    """BWT901BLE: streams 20-byte 0x61 packets whenever notifications are on, at the configured rate."""

    kind = "witmotion"

    def __init__(self, spec: DeviceSpec, tree: BluezTree, sent_log: TextIO | None) -> None:
        self.cfg = load_config("witmotion")
        super().__init__(spec, tree, sent_log)
        self.rate_hz = 10.0

    def build_services(self) -> list[GattService]:
        return [write_notify_service(self.cfg["service_uuid"], self.cfg["write_uuid"], self.cfg["notify_uuid"])]

    def handle_write(self, uuid: str, data: bytes) -> None:
        if data[:3] == bytes([0xFF, 0xAA, 0x03]):
            codes = {v: float(k) for k, v in self.cfg["rate_code"].items()}
            self.rate_hz = codes.get(data[3], self.rate_hz)
            if self.streaming:
                self.stop_streaming()
                self.start_streaming()

    def handle_notify(self, uuid: str, enabled: bool) -> None:
        if enabled:
            self.start_streaming()
        else:
            self.stop_streaming()

    def data_packets(self, k0: int, n: int) -> list[tuple[str, bytes]]:
        k = np.arange(k0, k0 + n)
        acc = self.acc_counts(k, 2048.0)
        gyr = self.gyr_counts(k, 32768 / 2000)
        return [
            (self.cfg["notify_uuid"], encoders.witmotion_packet(acc[i], gyr[i], np.zeros(3, dtype=np.int64)))
            for i in range(n)
        ]


class ThingyPeripheral(VirtualPeripheral):
    """Thingy:52: motion config (rate) and the raw motion characteristic."""

    kind = "thingy52"

    def __init__(self, spec: DeviceSpec, tree: BluezTree, sent_log: TextIO | None) -> None:
        self.cfg = load_config("thingy52")
        self.config_values = list(self.cfg["config_defaults"])
        super().__init__(spec, tree, sent_log)
        self.rate_hz = float(self.config_values[3])

    def build_services(self) -> list[GattService]:
        c = self.cfg
        return [
            GattService(
                c["service_uuid"], [GattChar(c["config_uuid"], ["read", "write"]), GattChar(c["raw_uuid"], ["notify"])]
            )
        ]

    def read_value(self, uuid: str, stored: bytes) -> bytes:
        if uuid == self.cfg["config_uuid"]:
            return struct.pack("<HHHHB", *self.config_values)
        return stored

    def handle_write(self, uuid: str, data: bytes) -> None:
        if uuid == self.cfg["config_uuid"] and len(data) == 9:
            self.config_values = list(struct.unpack("<HHHHB", data))
            self.rate_hz = float(self.config_values[3])

    def handle_notify(self, uuid: str, enabled: bool) -> None:
        if uuid == self.cfg["raw_uuid"]:
            self.start_streaming() if enabled else self.stop_streaming()

    def data_packets(self, k0: int, n: int) -> list[tuple[str, bytes]]:
        k = np.arange(k0, k0 + n)
        acc, gyr = self.acc_counts(k, 1024.0), self.gyr_counts(k, 32.0)
        return [
            (self.cfg["raw_uuid"], encoders.thingy_raw(acc[i], gyr[i], np.zeros(3, dtype=np.int64))) for i in range(n)
        ]


class GenericPeripheral(VirtualPeripheral):
    """A DIY firmware as described by ``firmware_configs/diy_nrf52_example.toml``."""

    kind = "diy_nrf52"
    samples_per_packet = 10

    def __init__(self, spec: DeviceSpec, tree: BluezTree, sent_log: TextIO | None) -> None:
        self.cfg = load_config("diy_nrf52_example")
        super().__init__(spec, tree, sent_log)
        self.rate_hz = float(self.cfg["sample_rate_hz"])
        self.seq = 0

    def build_services(self) -> list[GattService]:
        c = self.cfg
        return [
            GattService(
                c["service_uuid"], [GattChar(c["data_uuid"], ["notify"]), GattChar(c["config_uuid"], ["write"])]
            )
        ]

    def handle_notify(self, uuid: str, enabled: bool) -> None:
        if uuid == self.cfg["data_uuid"]:
            self.start_streaming() if enabled else self.stop_streaming()

    def data_packets(self, k0: int, n: int) -> list[tuple[str, bytes]]:
        k = np.arange(k0, k0 + n)
        samples = np.column_stack([self.acc_counts(k, 2048.0), self.gyr_counts(k, 32768 / 2000)])
        t_us = math.floor(k0 * 1e6 / self.rate_hz) + 4_294_000_000  # the 32-bit counter wraps about 1 s in
        packet = encoders.generic_packet(self.cfg, t_us, k0 // n, samples)
        return [(self.cfg["data_uuid"], packet)]


KINDS: dict[str, type[VirtualPeripheral]] = {
    "polar_h10": PolarPeripheral,
    "polar_verity": PolarPeripheral,
    "movesense": MovesensePeripheral,
    "metawear": MetaWearPeripheral,
    "metawear_bmi270": MetaWearPeripheral,
    "witmotion": WitMotionPeripheral,
    "thingy52": ThingyPeripheral,
    "diy_nrf52": GenericPeripheral,
}


def build(spec: DeviceSpec, tree: BluezTree, sent_dir: Path | None) -> VirtualPeripheral:
    """Create a peripheral of ``spec.kind`` with its sent log in ``sent_dir``."""
    log = open(sent_dir / f"{spec.name}.sent", "a", buffering=1) if sent_dir else None  # noqa: SIM115
    return KINDS[spec.kind](spec, tree, log)


def _replayed(path: str) -> Session:
    """The native session a device replays (``retrogait.session``, and with it pandas, loaded only for a device that
    replays one: the emulator of a scenario without one starts ~0.3 s sooner; SUITE-9)."""
    from retrogait.session import read_session

    return read_session(path)
