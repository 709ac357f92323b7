"""Movesense GATT SensorData protocol (gatt_sensordata_app firmware): /Meas/Acc and /Meas/IMU6.

Commands ``[cmd][client_ref][payload]`` go to the command characteristic (HELLO 0, SUBSCRIBE 1 +
ASCII path, UNSUBSCRIBE 2); notifications ``[type][client_ref][payload]`` come from the data
characteristic: 1 command result, 2 DATA, 3 DATA_PART2 (continues the previous DATA). A DATA payload
is ``uint32 ms (first sample)`` + N x acc xyz float32 [+ N x gyro xyz float32 for IMU6].
"""

from __future__ import annotations

import asyncio
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
    empty_decoded,
    pick_nearest,
    unwrap_counter,
)
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.errors import RetrogaitError

CMD_HELLO, CMD_SUBSCRIBE, CMD_UNSUBSCRIBE = 0, 1, 2
RESP_RESULT, RESP_DATA, RESP_DATA_PART2 = 1, 2, 3
#: Beyond the largest full scale of the sensor (16 g, 2000 deg/s; 5 % for its calibration): a damaged value.
MAX_ACC_MS2 = 16 * STANDARD_GRAVITY_MS2 * 1.05
MAX_GYR_DPS = 2000 * 1.05


def decode_payloads(payloads: Sequence[bytes], imu6: bool, rate_hz: float) -> Decoded:
    """Decode reassembled DATA payloads (no type/ref bytes). Grouped by length, one frombuffer each."""
    per_sample = 24 if imu6 else 12
    lengths = np.asarray([len(p) for p in payloads], dtype=np.int64)
    valid = (lengths >= 4 + per_sample) & ((lengths - 4) % per_sample == 0)
    idx_valid = np.flatnonzero(valid)
    if idx_valid.size == 0:
        return empty_decoded(imu6, True, len(payloads))
    n_per = (lengths[idx_valid] - 4) // per_sample
    total = int(n_per.sum())
    acc = np.empty((total, 3))
    gyr = np.empty((total, 3)) if imu6 else None
    t_first = np.empty(idx_valid.size)
    row0 = np.cumsum(n_per) - n_per
    for length in np.unique(lengths[idx_valid]):
        sel = np.flatnonzero(lengths[idx_valid] == length)
        n = int((length - 4) // per_sample)
        fields: list[tuple[str, Any, tuple[int, ...]]] = [("t", "<u4", ()), ("acc", "<f4", (n, 3))]
        if imu6:
            fields.append(("gyr", "<f4", (n, 3)))
        rec = np.frombuffer(b"".join(payloads[int(idx_valid[k])] for k in sel), dtype=np.dtype(fields))
        dest = (row0[sel][:, None] + np.arange(n)).ravel()
        acc[dest] = rec["acc"].reshape(-1, 3)
        if gyr is not None:
            gyr[dest] = rec["gyr"].reshape(-1, 3)
        t_first[sel] = rec["t"] * 1e-3
    k = np.arange(total) - np.repeat(row0, n_per)
    t = np.repeat(t_first, n_per) + k / rate_hz
    # float32 values: a damaged packet can hold NaN, inf or 1e38: refused whole (BLE-20)
    sane = (np.abs(acc) <= MAX_ACC_MS2).all(axis=1)
    if gyr is not None:
        sane &= (np.abs(gyr) <= MAX_GYR_DPS).all(axis=1)
    packet_ok = np.add.reduceat(~sane, row0) == 0
    if packet_ok.all():
        return Decoded(acc, gyr, t, n_per, idx_valid, malformed=int((~valid).sum()))
    rows = np.repeat(packet_ok, n_per)
    return Decoded(
        acc[rows],
        gyr[rows] if gyr is not None else None,
        t[rows],
        n_per[packet_ok],
        idx_valid[packet_ok],
        malformed=int((~valid).sum()) + int((~packet_ok).sum()),
    )


#: Why ``--range`` cannot work (decision BLE-8): the GATT SensorData commands have no PUT.
RANGE_NOTE = (
    "the GATT SensorData protocol has no command to PUT /Meas/Acc/Config or /Meas/Gyro/Config "
    "(gatt_sensordata_app knows HELLO, SUBSCRIBE, UNSUBSCRIBE, FETCH_OFFLINE_DATA, INIT_OFFLINE), "
    "so the sensor keeps the ranges its firmware sets and does not report them over GATT"
)


class Movesense(Profile):
    """Movesense /Meas/IMU6 (acc + gyro) or /Meas/Acc stream, 13-1666 Hz."""

    name = "movesense"
    range_note = RANGE_NOTE
    config_name = "movesense"
    clock_resolution_s = 1e-3
    key_unit_s = 1e-3

    def __init__(self, config: dict[str, Any] | None = None, resource: str | None = None) -> None:
        super().__init__(config)
        self.resource = resource or str(self.config["default_resource"])
        if self.resource not in ("IMU6", "Acc"):
            raise ProtocolError(f"Movesense resource must be IMU6 or Acc, got {self.resource!r}")
        self.ref = int(self.config["client_reference"])
        self._results: asyncio.Queue[bytes] = asyncio.Queue()
        self._sink: PacketSink | None = None
        self._pending: Arrival | None = None
        self._whole_length = -1  # bytes of the stream's whole DATA packets (after joining), once seen
        self._last_raw: int | None = None  # the newest uint32 time (ms) and its unwrapped key
        self._last_key: int | None = None

    def check_settings(self, settings: StreamSettings) -> None:
        if settings.acc_range_g is not None or settings.gyr_range_dps is not None:
            raise RetrogaitError(
                f"Movesense: --range/--gyro-range cannot be set: {RANGE_NOTE}; record without them, "
                "or build the firmware with the range you need (impacts need ±16 g)"
            )

    @property
    def imu6(self) -> bool:
        return self.resource == "IMU6"

    def _on_data(self, data: bytes) -> None:
        if data[:1] == bytes([RESP_RESULT]):
            self._results.put_nowait(bytes(data))
        elif self._sink is not None:
            self._sink(data)

    async def _expect_result(self, what: str) -> bytes:
        timeout = float(self.config["command_timeout_s"])
        try:
            return await asyncio.wait_for(self._results.get(), timeout)
        except TimeoutError:
            raise ProtocolError(f"Movesense did not answer {what} within {timeout:g} s") from None

    async def start(self, link: GattLink, settings: StreamSettings, sink: PacketSink) -> StreamInfo:
        cmd, data = str(self.config["command_uuid"]), str(self.config["data_uuid"])
        for uuid in (cmd, data):
            if not link.has_characteristic(uuid):
                raise ProtocolError(
                    f"Movesense characteristic {uuid} is missing: flash firmware with the GATT SensorData module"
                )
        rate = pick_nearest(settings.rate_hz, self.config["rates_hz"], self.config["default_rate_hz"], "Movesense rate")
        self.check_settings(settings)
        self._sink = sink
        self._results = asyncio.Queue()
        await link.subscribe(data, self._on_data)
        await link.write(cmd, bytes([CMD_HELLO, self.ref]))
        hello = await self._expect_result("HELLO")
        if hello[2:7] != b"Hello":
            raise ProtocolError(f"Movesense HELLO answer {hello.hex()} is not 'Hello': unsupported firmware")
        await link.write(cmd, bytes([CMD_SUBSCRIBE, self.ref]) + f"/Meas/{self.resource}/{int(rate)}".encode())
        self.info = StreamInfo(rate, None, None, has_gyro=self.imu6, has_clock=True)  # range: set by firmware
        return self.info

    async def stop(self, link: GattLink) -> None:
        await link.write(str(self.config["command_uuid"]), bytes([CMD_UNSUBSCRIBE, self.ref]))

    def reset_stream_state(self) -> None:
        """Nothing to forget: a held-back DATA packet is complete (no continuation follows a reconnect)."""

    def reassemble(self, items: Sequence[Arrival]) -> list[Arrival]:
        """Join DATA_PART2 continuations onto their DATA packet, given (host time, payload) pairs.

        A DATA packet at the end of a batch is held back until the next batch shows whether a
        continuation follows -- unless it is as long as the stream's whole packets already are (the
        firmware sends a fixed number of samples per packet, and a packet split at the MTU starts
        shorter): then nothing follows it and it goes on at once (live feedback must not wait a packet
        period for it). :meth:`flush_pending` releases a held packet at the end.
        """
        out: list[Arrival] = []
        current = self._pending
        for t, p in items:
            if p[:1] == bytes([RESP_DATA_PART2]) and current is not None:
                current = (t, current[1] + p[2:])
                continue
            if current is not None:
                out.append(current)
                self._whole_length = len(current[1])
                current = None
            if p[:1] == bytes([RESP_DATA]) and len(p) != self._whole_length:
                current = (t, bytes(p))
            else:
                out.append((t, bytes(p)))  # a whole DATA packet, or malformed: counted by decode
        self._pending = current
        return out

    def flush_pending(self) -> list[Arrival]:
        """The held-back last DATA packet (at stop)."""
        pending, self._pending = self._pending, None
        return [pending] if pending is not None else []

    def packet_keys(self, packets: Sequence[bytes]) -> NDArray[np.int64]:
        """The first sample's time (ms, uint32), unwrapped across its wrap-around every 49.7 days of
        uptime (BLE-19); -1 for a packet that is not a whole DATA packet."""
        size = 24 if self.imu6 else 12
        raw = np.asarray(
            [
                int.from_bytes(p[2:6], "little")
                if len(p) >= 6 + size and (len(p) - 6) % size == 0 and p[0] == RESP_DATA
                else -1
                for p in packets
            ],
            dtype=np.int64,
        )
        good = raw >= 0
        if good.any():
            raw[good], self._last_raw, self._last_key = unwrap_counter(raw[good], 2**32, self._last_raw, self._last_key)
        return raw

    def sample_span_s(self, payload: bytes, key: int) -> tuple[float, float] | None:
        """The key is the first sample's time (ms); the samples follow at the stream's rate."""
        size = 24 if self.imu6 else 12
        if self.info is None or key < 0 or len(payload) < 6 + size or (len(payload) - 6) % size:
            return None
        first = key * self.key_unit_s
        return first, first + (len(payload) - 6) // size / self.info.rate_hz

    def decode(self, packets: Sequence[bytes], keys: NDArray[np.int64] | None = None) -> Decoded:
        assert self.info is not None
        ok = [i for i, p in enumerate(packets) if p[:1] == bytes([RESP_DATA])]
        out = decode_payloads([packets[i][2:] for i in ok], self.imu6, self.info.rate_hz)
        if keys is not None and out.n_samples and out.sensor_time_s is not None:  # the unwrapped clock
            n = out.samples_per_packet
            k = np.arange(out.n_samples) - np.repeat(np.cumsum(n) - n, n)
            first_ms = np.asarray(keys, dtype=np.int64)[np.asarray(ok, dtype=np.int64)[out.packet_index]]
            out.sensor_time_s = np.repeat(first_ms * 1e-3, n) + k / self.info.rate_hz
        out.packet_index = np.asarray(ok, dtype=np.int64)[out.packet_index]
        out.malformed += len(packets) - len(ok)
        return out
