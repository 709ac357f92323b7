"""The Polar PMD profile: the start/stop state machine and the batch decoder that ties frames,
timestamps and ACC/GYRO pairing together.

Start: enable notifications on control point and data, read features, optionally SDK mode, GET
settings, START with the chosen settings, keep the FACTOR from the start response (and the same for
the gyroscope of a Verity Sense).
"""

from __future__ import annotations

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
from retrogait.ble.profiles.polar.control_point import (
    MEAS_ACC,
    MEAS_GYRO,
    MEAS_SDK_MODE,
    OP_GET_SETTINGS,
    OP_START,
    OP_STOP,
    ControlPoint,
    encode_start,
    factor_of,
    parse_features,
    parse_settings,
    status_text,
)
from retrogait.ble.profiles.polar.frames import (
    HEADER_BYTES,
    decode_frames,
    drop_frames,
    float_gyro_bits_to_dps,
    frame_samples,
)
from retrogait.ble.profiles.polar.pairing import AccGyroPairing
from retrogait.ble.profiles.polar.timestamps import sample_timestamps_ns
from retrogait.conventions import STANDARD_GRAVITY_MS2


class PolarPmd(Profile):
    """Polar PMD accelerometer stream (H10, Verity Sense incl. SDK mode, OH1)."""

    name = "polar"
    config_name = "polar_pmd"

    def __init__(self, config: dict[str, Any] | None = None, model: str = "h10") -> None:
        super().__init__(config)
        if model not in self.config["models"]:
            raise ProtocolError(f"unknown Polar model {model!r}; known: {', '.join(self.config['models'])}")
        self.model = model
        self.factor = 1.0
        self.resolution = int(self.config["default_resolution_bits"])
        self.prev_ts_ns: int | None = None
        self.sdk_mode = False
        self.with_gyro = False
        self.gyr_range_dps: float | None = None
        self.factor_gyr = 1.0
        self.prev_gyr_ts_ns: int | None = None
        self.pairing = AccGyroPairing()
        self.control = ControlPoint(self.cp_uuid, float(self.config["cp_timeout_s"]))

    @staticmethod
    def model_from_name(name: str | None) -> str:
        """Guess the model (``h10``, ``verity_sense``, ``oh1``) from the advertised name."""
        text = (name or "").lower()
        if "sense" in text or "verity" in text:
            return "verity_sense"
        if "oh1" in text:
            return "oh1"
        return "h10"

    @property
    def cp_uuid(self) -> str:
        return str(self.config["control_point_uuid"])

    @property
    def data_uuid(self) -> str:
        return str(self.config["data_uuid"])

    # ---------------------------------------------------------------------------------- start/stop

    async def start(self, link: GattLink, settings: StreamSettings, sink: PacketSink) -> StreamInfo:
        model = self.config["models"][self.model]
        for uuid in (self.cp_uuid, self.data_uuid):
            if not link.has_characteristic(uuid):
                raise ProtocolError(f"Polar characteristic {uuid} is missing: unsupported firmware or not a Polar")
        await self.control.subscribe(link)
        await link.subscribe(self.data_uuid, sink)
        features = parse_features(await link.read(self.cp_uuid))
        if "ACC" not in features:
            raise ProtocolError(f"this Polar offers {sorted(features)} but no accelerometer stream")
        rate = pick_nearest(settings.rate_hz, model["acc_rates_hz"], model["default_acc_rate_hz"], "Polar ACC rate")
        acc_range = pick_nearest(
            settings.acc_range_g, model["acc_ranges_g"], model["default_acc_range_g"], "Polar ACC range (g)"
        )
        if model.get("sdk_mode") and (rate != 52 or acc_range != 8) and "SDK_MODE" in features:
            resp = await self.control.command(link, bytes([OP_START, MEAS_SDK_MODE]))
            if not resp.ok and resp.status != 6:
                raise ProtocolError(f"Polar refused SDK mode: {status_text(resp.status)}")
            self.sdk_mode = True
        await self._start_acc(link, rate, acc_range)
        self.with_gyro = bool(model.get("gyro")) and "GYRO" in features
        if self.with_gyro:
            self.gyr_range_dps = pick_nearest(
                settings.gyr_range_dps, model["gyr_ranges_dps"], model["default_gyr_range_dps"], "Polar gyro range"
            )
            await self._start_gyro(link, rate, self.gyr_range_dps)
        self.key_streams = 2 if self.with_gyro else 1
        self.reset_stream_state()
        self.info = StreamInfo(rate, acc_range, self.gyr_range_dps, has_gyro=self.with_gyro, has_clock=True)
        return self.info

    async def _start_acc(self, link: GattLink, rate: float, acc_range: float) -> None:
        """GET the ACC settings, check the wanted ones are offered, START, keep the FACTOR."""
        resp = await self.control.command(link, bytes([OP_GET_SETTINGS, MEAS_ACC]))
        if not resp.ok:
            raise ProtocolError(f"Polar refused ACC settings query: {status_text(resp.status)}")
        offered = parse_settings(resp.params)
        if "SAMPLE_RATE" in offered and int(rate) not in offered["SAMPLE_RATE"]:
            raise ProtocolError(f"this Polar offers ACC rates {offered['SAMPLE_RATE']} Hz, not {rate:g}")
        if "RANGE" in offered and int(acc_range) not in offered["RANGE"]:
            raise ProtocolError(f"this Polar offers ACC ranges {offered['RANGE']} g, not {acc_range:g}")
        self.resolution = int(offered.get("RESOLUTION", [self.resolution])[0])
        channels = 3 if "CHANNELS" in offered else None
        start = encode_start(MEAS_ACC, int(rate), self.resolution, int(acc_range), channels)
        resp = await self.control.command(link, start)
        if not resp.ok and resp.status != 6:
            raise ProtocolError(f"Polar refused to start ACC: {status_text(resp.status)}")
        self.factor = factor_of(resp)

    async def _start_gyro(self, link: GattLink, rate: float, gyr_range_dps: float) -> None:
        """GET the GYRO settings, START it at the ACC rate, keep its FACTOR."""
        resp = await self.control.command(link, bytes([OP_GET_SETTINGS, MEAS_GYRO]))
        offered = parse_settings(resp.params) if resp.ok else {}
        if not resp.ok or int(rate) not in offered.get("SAMPLE_RATE", [int(rate)]):
            raise ProtocolError(f"this Polar cannot stream its gyroscope at {rate:g} Hz")
        channels = 3 if "CHANNELS" in offered else None
        resp = await self.control.command(link, encode_start(MEAS_GYRO, int(rate), 16, int(gyr_range_dps), channels))
        if not resp.ok and resp.status != 6:
            raise ProtocolError(f"Polar refused to start GYRO: {status_text(resp.status)}")
        self.factor_gyr = factor_of(resp)

    async def stop(self, link: GattLink) -> None:
        await self.control.command(link, bytes([OP_STOP, MEAS_ACC]))
        if self.with_gyro:
            await self.control.command(link, bytes([OP_STOP, MEAS_GYRO]))
        if self.sdk_mode:
            await self.control.command(link, bytes([OP_STOP, MEAS_SDK_MODE]))

    # ------------------------------------------------------------------------------------ decoding

    def reset_stream_state(self) -> None:
        """Frame-to-frame timestamp state restarts (unpaired samples stay until they can be decided)."""
        self.prev_ts_ns = None
        self.prev_gyr_ts_ns = None

    def packet_keys(self, packets: Sequence[bytes]) -> NDArray[np.int64]:
        top = 2**62 - 1
        valid_types = (0x00, 0x01, 0x02, 0x80, 0x81)
        n = self.key_streams
        return np.asarray(
            [
                min(int.from_bytes(p[1:9], "little"), top) * n + (n - 1) * (p[0] & 0x3F == MEAS_GYRO)
                if len(p) > HEADER_BYTES and p[9] in valid_types and p[0] & 0x3F in (MEAS_ACC, MEAS_GYRO)
                else -1
                for p in packets
            ],
            dtype=np.int64,
        )

    def sample_span_s(self, payload: bytes, key: int) -> tuple[float, float] | None:
        """A frame's timestamp is its last sample's (ns); its sample count is in its (block) headers."""
        if self.info is None or key < 0:
            return None
        gyro = payload[0] & 0x3F == MEAS_GYRO
        n = frame_samples(payload, 3, 16 if gyro else self.resolution)
        if n is None:
            return None
        last = (key // self.key_streams) * 1e-9
        return last - (n - 1) / self.info.rate_hz, last + 1.0 / self.info.rate_hz

    def acc_g_per_count(self, frame_type: NDArray[np.int64]) -> NDArray[np.float64]:
        """Scale (g per count) of each ACC frame type (raw 0x00-0x02, compressed 0x80/0x81)."""
        model = self.config["models"][self.model]
        scale = np.full(frame_type.shape, 1e-3)
        scale[frame_type == 0x00] = float(model["raw_int8_unit_g"])
        scale[frame_type == 0x80] = self.factor
        scale[frame_type == 0x81] = 1e-3 * self.factor
        return scale

    def decode(self, packets: Sequence[bytes], keys: NDArray[np.int64] | None = None) -> Decoded:
        assert self.info is not None
        acc_frames = [i for i, p in enumerate(packets) if len(p) > HEADER_BYTES and p[0] & 0x3F == MEAS_ACC]
        gyr_frames = [i for i, p in enumerate(packets) if len(p) > HEADER_BYTES and p[0] & 0x3F == MEAS_GYRO]
        used = acc_frames + gyr_frames if self.with_gyro else acc_frames
        malformed = len(packets) - len(used)
        batch = decode_frames([packets[i] for i in acc_frames], 3, self.resolution)
        if batch.frame_index.size and self.info.acc_range_g:
            # beyond the range the sensor saturates at: a damaged frame, refused whole (BLE-20)
            g = batch.counts * np.repeat(self.acc_g_per_count(batch.frame_type), batch.samples_per_frame)[:, None]
            n = batch.samples_per_frame
            bad = np.add.reduceat(~(np.abs(g) <= 1.05 * self.info.acc_range_g).all(axis=1), np.cumsum(n) - n) > 0
            if bad.any():
                batch = drop_frames(batch, bad)
        malformed += batch.malformed
        acc = t_ns = None
        if batch.frame_index.size:
            t_ns = sample_timestamps_ns(batch.frame_ts_ns, batch.samples_per_frame, self.prev_ts_ns, self.info.rate_hz)
            self.prev_ts_ns = int(batch.frame_ts_ns[-1])
            scale = np.repeat(self.acc_g_per_count(batch.frame_type), batch.samples_per_frame)
            acc = batch.counts * (scale * STANDARD_GRAVITY_MS2)[:, None]
        if not self.with_gyro:
            if acc is None or t_ns is None:
                return empty_decoded(False, True, malformed)
            return Decoded(
                acc_ms2=acc,
                gyr_dps=None,
                sensor_time_s=t_ns.astype(np.float64) * 1e-9,
                samples_per_packet=batch.samples_per_frame,
                packet_index=np.asarray(acc_frames, dtype=np.int64)[batch.frame_index],
                malformed=malformed,
            )
        gyro = decode_frames([packets[i] for i in gyr_frames], 3, 16)
        if gyro.frame_index.size and (gyro.frame_type == 0x81).any():
            # float frames: a damaged one can hold NaN, inf or 1e38 deg/s: refused whole (BLE-20)
            dps_f = float_gyro_bits_to_dps(gyro.counts, 1.0)
            limit = 1.05 * float(self.gyr_range_dps or 2000.0)
            bad_row = ~(np.abs(dps_f * self.factor_gyr) <= limit).all(axis=1)
            bad_row &= np.repeat(gyro.frame_type == 0x81, gyro.samples_per_frame)
            n = gyro.samples_per_frame
            bad = np.add.reduceat(bad_row, np.cumsum(n) - n) > 0
            if bad.any():
                gyro = drop_frames(gyro, bad)
        malformed += gyro.malformed
        rate = self.info.rate_hz
        if acc is not None and t_ns is not None:
            self.pairing.add_acc(t_ns, acc, float(batch.samples_per_frame.max()) / rate)
        if gyro.frame_index.size:
            g_ns = sample_timestamps_ns(gyro.frame_ts_ns, gyro.samples_per_frame, self.prev_gyr_ts_ns, rate)
            self.prev_gyr_ts_ns = int(gyro.frame_ts_ns[-1])
            is_float = np.repeat(gyro.frame_type == 0x81, gyro.samples_per_frame)
            dps = np.where(
                is_float[:, None],
                float_gyro_bits_to_dps(gyro.counts, self.factor_gyr),
                gyro.counts * self.factor_gyr,
            )
            self.pairing.add_gyr(g_ns, dps, float(gyro.samples_per_frame.max()) / rate)
        return self.pairing.pair(rate, len(packets) - 1, malformed)

    # ------------------------------------------------------------------ samples waiting for a partner

    def flush_pending(self) -> list[Arrival]:
        """The recording ends: pair everything still waiting (at the next decode)."""
        self.pairing.final = True
        return []

    def drain_pending(self) -> Decoded:
        """The sensor clock restarted: decide every waiting sample now on the old clock."""
        assert self.info is not None
        return self.pairing.drain(self.info.rate_hz)

    def has_pending(self) -> bool:
        return self.pairing.has_pending()

    def take_unpaired(self) -> list[UnpairedSamples]:
        return self.pairing.take_unpaired()
