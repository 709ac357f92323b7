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
    """A packed numpy dtype for a little-endian struct format with one field per name (ValueError if not)."""
    if not fmt.startswith("<"):
        raise ValueError(f"struct format {fmt!r} must be little-endian ('<...')")
    codes: list[str] = []
    for count, code in __import__("re").findall(r"(\d*)([bBhHiIqQef])", fmt[1:]):
        codes.extend([code] * int(count or 1))
    if len(codes) != len(names) or struct.calcsize(fmt) != sum(struct.calcsize("<" + c) for c in codes):
        raise ValueError(f"struct format {fmt!r} does not give one field for each of {list(names)}")
    return np.dtype([(n, "<" + c) for n, c in zip(names, codes, strict=True)])


_MISSING = object()


def _get(table: dict[str, Any], key: str, default: Any = _MISSING) -> Any:
    """The value of ``key`` (dotted: ``header.time_unit_s``) in its table; KeyError naming the whole key."""
    name = key.rsplit(".", 1)[-1]
    if name not in table and default is _MISSING:
        raise KeyError(key)
    return table.get(name, default)


def _table(config: dict[str, Any], key: str) -> dict[str, Any]:
    value = _get(config, key)
    if not isinstance(value, dict):
        raise TypeError(f"{key} must be a table ([{key}]), got {value!r}")
    return value


def _text(table: dict[str, Any], key: str) -> str:
    value = _get(table, key)
    if not isinstance(value, str):
        raise TypeError(f"{key} must be text, got {value!r}")
    return value


def _texts(table: dict[str, Any], key: str) -> list[str]:
    value = _get(table, key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{key} must be a list of names, got {value!r}")
    return value


def _positive(table: dict[str, Any], key: str, default: Any = _MISSING) -> float:
    value = _get(table, key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0 or value == float("inf"):
        raise ValueError(f"{key} must be a positive number, got {value!r}")
    return float(value)


def _wrap(table: dict[str, Any], key: str, default: int) -> int:
    """A counter's wrap: a whole number of at least 2 (``0.5`` became 0, a division by zero when decoding; a
    400-digit number an OverflowError: review of EDGE-103)."""
    value = _get(table, key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise ValueError(f"{key} must be a whole number of at least 2, got {value!r}")
    if value > 2**64:
        raise ValueError(f"{key} must be at most 2^64 (a 64-bit counter), got a number of {len(str(value))} digits")
    return value


class GenericProfile(Profile):
    """An IMU stream described entirely by a firmware config file."""

    name = "generic"
    config_name = "diy_nrf52_example"

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        try:
            self._read_config()
        except (KeyError, TypeError, ValueError, AttributeError, struct.error) as exc:
            # a key missing or a value of the wrong type: one line naming the key, never a traceback (EDGE-103)
            problem = f"lacks the key {exc.args[0]}" if isinstance(exc, KeyError) else str(exc)
            raise RetrogaitError(f"firmware config: {problem}") from None
        self._last_key: int | None = None
        self._last_raw: int | None = None
        self.lost_by_sequence = 0
        self._last_seq: int | None = None

    def _read_config(self) -> None:
        """Read and check every value the profile uses, so a wrong one is refused before any connection."""
        header, sample = _table(self.config, "header"), _table(self.config, "sample")
        self.header_dtype = _struct_dtype(_text(header, "header.format"), _texts(header, "header.fields"))
        channels = _texts(sample, "sample.channels")
        self.sample_dtype = _struct_dtype(_text(sample, "sample.format"), channels)
        self.time_field = _text(header, "header.time_field")
        self.seq_field = header.get("seq_field")
        fields = list(self.header_dtype.names or ())
        for key, name in (("header.time_field", self.time_field), ("header.seq_field", self.seq_field)):
            if name is not None and name not in fields:
                raise ValueError(f"{key} {name!r} is not one of header.fields {fields}")
        self.time_unit_s = _positive(header, "header.time_unit_s")
        self.clock_resolution_s = self.key_unit_s = self.time_unit_s
        self.time_wrap = _wrap(header, "header.time_wrap", 2**64)
        self.seq_wrap = _wrap(header, "header.seq_wrap", 65536)
        acc = [c for c in ("acc_x", "acc_y", "acc_z") if c in channels]
        if len(acc) != 3:
            raise ValueError("sample.channels must include acc_x, acc_y, acc_z")
        self.has_gyro = all(c in channels for c in ("gyr_x", "gyr_y", "gyr_z"))
        _positive(sample, "sample.acc_scale_g")
        if self.has_gyro:
            _positive(sample, "sample.gyr_scale_dps")
        _text(self.config, "data_uuid")
        _positive(self.config, "sample_rate_hz")

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
