"""Nordic Thingy:52 motion service, raw data characteristic (9 x int16: acc Q6.10 g, gyro Q11.5
deg/s, compass Q12.4 uT). The motion rate is set in the 9-byte config characteristic
(``<HHHHB``: pedometer, temperature, compass interval ms, motion rate Hz, wake on motion)."""

from __future__ import annotations

import struct
from collections.abc import Sequence

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
)
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.errors import RetrogaitError

CONFIG_FORMAT = "<HHHHB"


class Thingy52(Profile):
    """Thingy:52 raw motion stream (acc + gyro), host-timestamped."""

    name = "thingy52"
    config_name = "thingy52"

    async def start(self, link: GattLink, settings: StreamSettings, sink: PacketSink) -> StreamInfo:
        raw, cfg = str(self.config["raw_uuid"]), str(self.config["config_uuid"])
        for uuid in (raw, cfg):
            if not link.has_characteristic(uuid):
                raise ProtocolError(f"Thingy:52 characteristic {uuid} is missing: unsupported firmware")
        lo, hi = self.config["rates_hz"]
        rate = float(settings.rate_hz or self.config["default_rate_hz"])
        if not lo <= rate <= hi or rate != int(rate):
            raise RetrogaitError(f"Thingy:52 motion rate must be a whole number of Hz in {lo}..{hi}, got {rate:g}")
        current = await link.read(cfg)
        values = (
            list(struct.unpack(CONFIG_FORMAT, current)) if len(current) == 9 else list(self.config["config_defaults"])
        )
        values[3] = int(rate)
        await link.write(cfg, struct.pack(CONFIG_FORMAT, *values))
        await link.subscribe(raw, sink)
        self.info = StreamInfo(rate, None, None, has_gyro=True, has_clock=False)  # ranges: set by firmware
        return self.info

    async def stop(self, link: GattLink) -> None:
        await link.unsubscribe(str(self.config["raw_uuid"]))

    def packet_keys(self, packets: Sequence[bytes]) -> None:
        return None

    def decode(self, packets: Sequence[bytes], keys: NDArray[np.int64] | None = None) -> Decoded:
        size = int(self.config["packet_bytes"])
        joined, idx, refused = fixed_size_rows(packets, size)
        if idx.size == 0:
            return empty_decoded(True, False, refused)
        v = np.frombuffer(joined, dtype="<i2").reshape(-1, 9).astype(np.float64)
        acc = v[:, 0:3] / float(self.config["acc_lsb_per_g"]) * STANDARD_GRAVITY_MS2
        gyr = v[:, 3:6] / float(self.config["gyr_lsb_per_dps"])
        mag_ut = v[:, 6:9] / float(self.config["mag_lsb_per_ut"])
        extra = {"mag_x_ut": mag_ut[:, 0], "mag_y_ut": mag_ut[:, 1], "mag_z_ut": mag_ut[:, 2]}
        return Decoded(acc, gyr, None, np.ones(idx.size, dtype=np.int64), idx, refused, extra=extra)
