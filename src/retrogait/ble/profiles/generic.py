"""A profile defined only by a TOML file (see ``firmware_configs/diy_nrf52_example.toml``).

Packet = header (struct format, with a sensor time field and optionally a sequence counter) +
N x sample (struct format of int channels named ``acc_*``/``gyr_*``), scaled by ``acc_scale_g`` and
``gyr_scale_dps``. Decoding groups packets by length and reads each group with one structured dtype.
"""

from __future__ import annotations

import struct
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
    unwrap_counter,
)
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.errors import RetrogaitError


def _struct_dtype(fmt: str, names: Sequence[str]) -> np.dtype[Any]:
    """A packed numpy dtype for a little-endian struct format with one field per name."""
    if not fmt.startswith("<"):
        raise RetrogaitError(f"struct format {fmt!r} must be little-endian ('<...')")
    codes: list[str] = []
    for count, code in __import__("re").findall(r"(\d*)([bBhHiIqQef])", fmt[1:]):
        codes.extend([code] * int(count or 1))
    if len(codes) != len(names) or struct.calcsize(fmt) != sum(struct.calcsize("<" + c) for c in codes):
        raise RetrogaitError(f"struct format {fmt!r} does not give one field for each of {list(names)}")
    return np.dtype([(n, "<" + c) for n, c in zip(names, codes, strict=True)])


class GenericProfile(Profile):
    """An IMU stream described entirely by a firmware config file."""

    name = "generic"
    config_name = "diy_nrf52_example"

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        try:
            self.header_dtype = _struct_dtype(self.config["header"]["format"], self.config["header"]["fields"])
            self.sample_dtype = _struct_dtype(self.config["sample"]["format"], self.config["sample"]["channels"])
            self.time_field = str(self.config["header"]["time_field"])
            self.time_unit_s = float(self.config["header"]["time_unit_s"])
            self.clock_resolution_s = self.key_unit_s = self.time_unit_s
            self.time_wrap = int(self.config["header"].get("time_wrap", 2**64))
            self.seq_field = self.config["header"].get("seq_field")
            self.seq_wrap = int(self.config["header"].get("seq_wrap", 65536))
            channels = list(self.config["sample"]["channels"])
        except KeyError as exc:
            raise RetrogaitError(f"generic firmware config lacks key {exc}") from None
        acc = [c for c in ("acc_x", "acc_y", "acc_z") if c in channels]
        if len(acc) != 3:
            raise RetrogaitError("generic firmware config: sample channels must include acc_x, acc_y, acc_z")
        self.has_gyro = all(c in channels for c in ("gyr_x", "gyr_y", "gyr_z"))
        self._last_key: int | None = None
        self._last_raw: int | None = None
        self.lost_by_sequence = 0
        self._last_seq: int | None = None

    async def start(self, link: GattLink, settings: StreamSettings, sink: PacketSink) -> StreamInfo:
        data = str(self.config["data_uuid"]).lower()
        if not link.has_characteristic(data):
            raise ProtocolError(f"data characteristic {data} from the firmware config is missing on the device")
        rate = float(self.config["sample_rate_hz"])
        if settings.rate_hz is not None and settings.rate_hz != rate:
            raise RetrogaitError(f"this firmware config streams at {rate:g} Hz; edit config_values to change it")
        cfg = self.config.get("config_uuid")
        if cfg and link.has_characteristic(str(cfg).lower()) and "config_format" in self.config:
            await link.write(str(cfg).lower(), struct.pack(self.config["config_format"], *self.config["config_values"]))
        await link.subscribe(data, sink)
        self.reset_stream_state()
        self.info = StreamInfo(
            rate,
            float(self.config.get("acc_range_g", 0)) or None,
            float(self.config.get("gyr_range_dps", 0)) or None,
            has_gyro=self.has_gyro,
            has_clock=True,
            has_sequence=self.seq_field is not None,
        )
        return self.info

    async def stop(self, link: GattLink) -> None:
        await link.unsubscribe(str(self.config["data_uuid"]).lower())

    def reset_stream_state(self) -> None:
        self._last_seq = None

    def _raw_times(self, packets: Sequence[bytes]) -> NDArray[np.int64]:
        hsize, ssize = self.header_dtype.itemsize, self.sample_dtype.itemsize
        ok = [len(p) >= hsize + ssize and (len(p) - hsize) % ssize == 0 for p in packets]
        heads = b"".join(p[:hsize] if good else bytes(hsize) for p, good in zip(packets, ok, strict=True))
        rec = np.frombuffer(heads, dtype=self.header_dtype)
        return np.where(ok, rec[self.time_field].astype(np.int64), -1)

    def packet_keys(self, packets: Sequence[bytes]) -> NDArray[np.int64]:
        """Sensor time of each packet, unwrapped across counter wrap-around (-1 if unreadable)."""
        raw = self._raw_times(packets)
        keys = np.full(raw.shape, -1, dtype=np.int64)
        good = raw >= 0
        if not good.any():
            return keys
        keys[good], self._last_raw, self._last_key = unwrap_counter(
            raw[good], self.time_wrap, self._last_raw, self._last_key
        )
        return keys

    def decode(self, packets: Sequence[bytes], keys: NDArray[np.int64] | None = None) -> Decoded:
        assert self.info is not None
        hsize, ssize = self.header_dtype.itemsize, self.sample_dtype.itemsize
        lengths = np.asarray([len(p) for p in packets], dtype=np.int64)
        valid = (lengths >= hsize + ssize) & ((lengths - hsize) % ssize == 0)
        idx = np.flatnonzero(valid)
        if idx.size == 0:
            return empty_decoded(self.has_gyro, True, len(packets))
        n_per = (lengths[idx] - hsize) // ssize
        total = int(n_per.sum())
        row0 = np.cumsum(n_per) - n_per
        samples = np.empty(total, dtype=self.sample_dtype)
        t_raw = np.empty(idx.size, dtype=np.int64)
        seq = np.empty(idx.size, dtype=np.int64)
        for length in np.unique(lengths[idx]):
            sel = np.flatnonzero(lengths[idx] == length)
            n = int((length - hsize) // ssize)
            dt = np.dtype([("h", self.header_dtype), ("s", self.sample_dtype, (n,))])
            rec = np.frombuffer(b"".join(packets[int(idx[k])] for k in sel), dtype=dt)
            samples[(row0[sel][:, None] + np.arange(n)).ravel()] = rec["s"].ravel()
            t_raw[sel] = rec["h"][self.time_field]
            if self.seq_field:
                seq[sel] = rec["h"][self.seq_field]
        if self.seq_field:
            prev = np.concatenate([[self._last_seq if self._last_seq is not None else seq[0] - 1], seq[:-1]])
            jumps = (seq - prev) % self.seq_wrap
            missing = int(np.clip(jumps - 1, 0, None)[jumps < self.seq_wrap // 2].sum())
            self.lost_by_sequence = (self.lost_by_sequence or 0) + missing
            self._last_seq = int(seq[-1])
        t_first = (keys[idx] if keys is not None else t_raw) * self.time_unit_s
        k = np.arange(total) - np.repeat(row0, n_per)
        t = np.repeat(t_first, n_per) + k / self.info.rate_hz
        acc_scale = float(self.config["sample"]["acc_scale_g"]) * STANDARD_GRAVITY_MS2
        acc = np.column_stack([samples[c].astype(np.float64) for c in ("acc_x", "acc_y", "acc_z")]) * acc_scale
        gyr = None
        if self.has_gyro:
            gyr_scale = float(self.config["sample"]["gyr_scale_dps"])
            gyr = np.column_stack([samples[c].astype(np.float64) for c in ("gyr_x", "gyr_y", "gyr_z")]) * gyr_scale
        return Decoded(acc, gyr, t, n_per, idx, malformed=int((~valid).sum()))
