"""What every sensor profile provides: a pure vectorised decoder and a protocol state machine.

A profile's state machine talks to the device through a :class:`GattLink` (implemented over bleak by
the collector and by fakes in tests); its decoder turns a batch of notification payloads into
samples in retrogait units (acceleration m/s^2 with gravity, angular rate deg/s).
"""

from __future__ import annotations

import os
import tomllib
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from retrogait.errors import RetrogaitError

#: A sync callback that receives one notification payload (called from the BLE event loop).
PacketSink = Callable[[bytes], None]
#: One notification as the collector received it: (host arrival time s, ``time.monotonic``; payload).
Arrival = tuple[float, bytes]

#: Shipped with the package (in the source tree a link to the repository's ``firmware_configs/``).
_PACKAGE_CONFIGS = Path(__file__).resolve().parents[2] / "firmware_configs"


def configs_dir() -> Path:
    """Folder holding ``firmware_configs/*.toml`` (``RETROGAIT_FIRMWARE_CONFIGS`` overrides)."""
    return Path(os.environ.get("RETROGAIT_FIRMWARE_CONFIGS") or _PACKAGE_CONFIGS)


def load_config(name_or_path: str) -> dict[str, Any]:
    """Read a firmware config by file name stem (``polar_pmd``) or by path to a ``.toml`` file."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = configs_dir() / f"{name_or_path}.toml"
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise RetrogaitError(f"{path}: firmware config not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise RetrogaitError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:  # a picture or a UTF-16 file saved as .toml was an internal error (EDGE-111)
        raise RetrogaitError(f"{path}: the firmware config is not UTF-8 text (save it as UTF-8)") from None


class GattLink(Protocol):
    """The GATT operations a profile state machine needs (all UUIDs are full 128-bit, lower case)."""

    def has_characteristic(self, uuid: str) -> bool: ...

    async def read(self, uuid: str) -> bytes: ...

    async def write(self, uuid: str, data: bytes, *, response: bool = True) -> None: ...

    async def subscribe(self, uuid: str, sink: PacketSink) -> None: ...

    async def unsubscribe(self, uuid: str) -> None: ...


class ProtocolError(RetrogaitError):
    """The device answered the protocol in a way this profile does not support."""


@dataclass
class Decoded:
    """Samples decoded from a batch of packets.

    Attributes:
        acc_ms2: acceleration (m/s^2, gravity included), sensor frame, shape (n, 3).
        gyr_dps: angular rate (deg/s), shape (n, 3), or None.
        sensor_time_s: sensor clock of every sample (s, arbitrary origin), or None when the device has none.
        samples_per_packet: how many samples each accepted packet gave, shape (n_packets,).
        packet_index: index (into the input batch) of each accepted packet.
        malformed: how many packets were refused as too short or malformed.

    A sample with NaN in all of ``gyr_dps`` is a row without a gyroscope value (its twin was lost or
    damaged; REC-20). One with NaN in all of ``acc_ms2`` is a gyroscope half (devices without a clock):
    the assembler places it in its time slot and keeps it as unpaired; NaN in both only holds the slot.
    """

    acc_ms2: NDArray[np.float64]
    gyr_dps: NDArray[np.float64] | None
    sensor_time_s: NDArray[np.float64] | None
    samples_per_packet: NDArray[np.int64]
    packet_index: NDArray[np.int64]
    malformed: int = 0
    extra: dict[str, NDArray[np.float64]] = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        return int(self.acc_ms2.shape[0])


@dataclass
class UnpairedSamples:
    """Samples of one stream whose partner in the other stream (acc/gyro) never came, that cannot be
    session rows: gyroscope samples (a row needs acceleration; acceleration without a gyroscope is a row
    with empty gyroscope cells, REC-20). The collector keeps them in a side file.

    Attributes:
        stream: ``"acc"`` (values in m/s^2, gravity included) or ``"gyr"`` (deg/s).
        values: shape (n, 3), sensor frame.
        sensor_time_s: sensor clock of every sample (s), for devices with a clock; else None.
        arrival_s: host arrival (s, ``time.monotonic``) of every sample's packet, for devices without a clock.
    """

    stream: str
    values: NDArray[np.float64]
    sensor_time_s: NDArray[np.float64] | None = None
    arrival_s: NDArray[np.float64] | None = None

    @property
    def n_samples(self) -> int:
        return int(self.values.shape[0])


def empty_decoded(has_gyro: bool, has_clock: bool, malformed: int = 0) -> Decoded:
    """A :class:`Decoded` without samples."""
    return Decoded(
        acc_ms2=np.zeros((0, 3)),
        gyr_dps=np.zeros((0, 3)) if has_gyro else None,
        sensor_time_s=np.zeros(0) if has_clock else None,
        samples_per_packet=np.zeros(0, dtype=np.int64),
        packet_index=np.zeros(0, dtype=np.int64),
        malformed=malformed,
    )


def unwrap_counter(
    raw: NDArray[np.int64], wrap: int, last_raw: int | None, last_key: int | None
) -> tuple[NDArray[np.int64], int, int]:
    """Unwrap a counter that wraps at ``wrap`` (a sensor clock of N bits): each value continues the one
    before by the signed modular difference, the first one the state ``(last_raw, last_key)`` of the
    batch before. Returns the unwrapped values and the new state. A damaged value jumps once and the
    next one jumps back, so it never shifts what follows. The first value ever starts one ``wrap`` up:
    when it is the damaged one (0, say) and the true values lie before it modulo the wrap, they stay
    positive (a negative key means an unreadable packet). Keys are only ever compared and differenced."""
    prev_raw = np.concatenate([[last_raw if last_raw is not None else raw[0]], raw[:-1]])
    half = wrap // 2
    step = (raw - prev_raw + half) % wrap - half  # signed modular difference
    base = last_key if last_key is not None else int(raw[0]) + wrap - int(step[0])
    keys = base + np.cumsum(step)
    return keys, int(raw[-1]), int(keys[-1])


def fixed_size_rows(packets: Sequence[bytes], size: int, prefix: bytes = b"") -> tuple[bytes, NDArray[np.int64], int]:
    """Join the packets of exactly ``size`` bytes starting with ``prefix``.

    Returns the joined bytes, the indices of the packets kept and the number refused.
    """
    keep = [i for i, p in enumerate(packets) if len(p) == size and p.startswith(prefix)]
    joined = b"".join(packets[i] for i in keep)
    return joined, np.asarray(keep, dtype=np.int64), len(packets) - len(keep)


@dataclass(frozen=True)
class StreamSettings:
    """What the user asked for: rate (Hz) and ranges (g, deg/s); None means the profile default."""

    rate_hz: float | None = None
    acc_range_g: float | None = None
    gyr_range_dps: float | None = None


@dataclass(frozen=True)
class StreamInfo:
    """What the device actually streams once started."""

    rate_hz: float
    acc_range_g: float | None
    gyr_range_dps: float | None
    has_gyro: bool
    has_clock: bool
    has_sequence: bool = False


class Profile(ABC):
    """A sensor family: its protocol state machine and its decoder.

    This is the whole contract the collector and :class:`~retrogait.ble.stream.StreamAssembler` use;
    the methods with a body are no-ops that profiles without such state keep.
    """

    #: Profile name used on the command line.
    name: str = ""
    #: Firmware config file stem in ``firmware_configs``.
    config_name: str = ""
    #: Resolution of the device's sample clock (s); timestamps within it count as on time.
    clock_resolution_s: float = 1e-9
    #: Sensor seconds per unit of :meth:`packet_keys` (after removing the stream number).
    key_unit_s: float = 1e-9
    #: Streams interleaved in the keys: ``key = time_key * key_streams + stream``.
    key_streams: int = 1
    #: Why asked-for settings cannot be applied by this protocol (written to ``NAME.ble.json``), or None.
    range_note: str | None = None
    #: Packets missing by the device's own sequence counter, or None when the device has none.
    lost_by_sequence: int | None = None

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = config if config is not None else load_config(self.config_name)
        self.info: StreamInfo | None = None

    @property
    def service_uuid(self) -> str:
        return str(self.config["service_uuid"]).lower()

    @property
    def name_prefixes(self) -> tuple[str, ...]:
        return tuple(self.config.get("name_prefixes", ()))

    @abstractmethod
    async def start(self, link: GattLink, settings: StreamSettings, sink: PacketSink) -> StreamInfo:
        """Configure the device, subscribe ``sink`` to its data and start streaming."""

    @abstractmethod
    async def stop(self, link: GattLink) -> None:
        """Stop streaming (devices such as the Polar H10 otherwise keep sampling)."""

    @abstractmethod
    def packet_keys(self, packets: Sequence[bytes]) -> NDArray[np.int64] | None:
        """A sort/dedupe key per packet (sensor time or sequence number; -1 if unreadable), or None."""

    def sample_span_s(self, payload: bytes, key: int) -> tuple[float, float] | None:
        """Sensor time (s) of a keyed packet's first sample and of the sample after its last, or None
        when the packet alone does not tell (then the reorder window decides when it is written).

        A packet that starts where the last one written of its stream ended leaves no hole that a late
        packet could fill, so the assembler writes it without waiting (BLE-17)."""
        return None

    @abstractmethod
    def decode(self, packets: Sequence[bytes], keys: NDArray[np.int64] | None = None) -> Decoded:
        """Decode a batch of data packets, in arrival (or key) order (pure; no I/O).

        ``keys`` are the packets' :meth:`packet_keys` after unwrapping, when the assembler has them;
        profiles whose keys are their sensor time (generic TOML profiles) take the time from them.
        """

    def check_settings(self, settings: StreamSettings) -> None:  # noqa: B027  (most profiles check in start)
        """Refuse settings the protocol can never apply, before any scanning (raises RetrogaitError)."""

    def reset_stream_state(self) -> None:  # noqa: B027  (most profiles keep no stream state)
        """Forget per-stream decoder state (called after a reconnect)."""

    def reassemble(self, items: Sequence[Arrival]) -> list[Arrival]:
        """Join notifications that continue one another into whole packets (identity by default)."""
        return list(items)

    def link_lost_packets(self) -> list[Arrival]:
        """The link was lost (profiles without a sensor clock): packets that can still become rows now,
        such as acceleration whose gyroscope twin was lost with the link (REC-20); what cannot goes to
        :meth:`take_unpaired`. None by default."""
        return []

    def flush_pending(self) -> list[Arrival]:
        """The recording ends: packets held back for :meth:`reassemble` (none by default); paired
        profiles also decide every sample still waiting for its partner at the next decode."""
        return []

    def has_pending(self) -> bool:
        """Whether decoded samples wait inside the profile (for a partner from another stream)."""
        return False

    def drain_pending(self) -> Decoded | None:
        """The sensor clock restarted: decide every waiting sample on the old clock now (rows are
        returned, the rest goes to :meth:`take_unpaired`); None when the profile keeps nothing waiting."""
        return None

    def take_unpaired(self) -> list[UnpairedSamples]:
        """Samples decided since the last call that cannot become rows (paired profiles only), oldest first."""
        return []


def pick_nearest(wanted: float | None, allowed: Sequence[float], default: float, what: str) -> float:
    """The allowed value equal to ``wanted`` (or the default); raises a one-line error otherwise."""
    if wanted is None:
        return float(default)
    for value in allowed:
        if abs(float(value) - wanted) < 1e-6 * max(1.0, wanted):
            return float(value)
    raise RetrogaitError(f"{what} {wanted:g} is not supported; choose one of {', '.join(f'{v:g}' for v in allowed)}")
