"""Record from one or more BLE sensors through bleak into native session files.

Per sensor: scan for the device, connect, read device information and battery, run the profile's
start sequence, then stream. The notification callback only stamps the host time and appends the
bytes to a deque (held back while the stream is being set up: a profile decodes only once its start
sequence is complete, LIVE-19); a consumer task decodes in batches (:class:`StreamAssembler`), writes with
:class:`~retrogait.session.SessionWriter` in a worker thread (a slow disk never blocks reception)
and flushes at least every second. A dropped link is reconnected with exponential backoff
(tenacity), notifications are re-enabled and the same file continues; the gap shows in ``t_s``.
All sensors share one host clock (``time.monotonic``) with a common origin.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_exponential

from retrogait.ble.errors import DeviceNotFoundError, explain
from retrogait.ble.profiles import make_profile
from retrogait.ble.profiles.base import PacketSink, Profile, StreamInfo, StreamSettings, load_config
from retrogait.ble.profiles.sig import decode_heart_rate, decode_rsc
from retrogait.ble.sidefile import PlacedUnpaired, UnpairedWriter, unpaired_path
from retrogait.ble.stream import StreamAssembler
from retrogait.ble.timing import StreamStats, Timed
from retrogait.conventions import ACC_COLUMNS, GYR_COLUMNS, TIME_COLUMN
from retrogait.errors import RetrogaitError
from retrogait.jsontext import dumps
from retrogait.outfiles import DISK_FULL
from retrogait.session import SessionMeta, SessionWriter

log = logging.getLogger(__name__)
SIG = load_config("sig_reference")


@dataclass(frozen=True)
class SensorSpec:
    """One sensor to record: profile, which device (address or name), where it is worn, the output file."""

    profile: str
    placement: str
    out: Path
    address: str | None = None
    name: str | None = None
    side: str | None = None
    settings: StreamSettings = field(default_factory=StreamSettings)
    #: A phone running phyphox with remote access (``--sensor phyphox --url``) instead of a BLE device.
    url: str | None = None
    #: Sensor axis pointing anterior when standing (``+x`` ... ``-z``), written to the header; None: unknown.
    anterior_axis: str | None = None

    @property
    def label(self) -> str:
        return self.address or self.name or self.url or "?"


@dataclass(frozen=True)
class RecordOptions:
    """Timing knobs of a recording (all in seconds)."""

    duration_s: float | None = None
    scan_timeout_s: float = 10.0
    connect_timeout_s: float = 20.0
    reconnect_give_up_s: float = 120.0
    flush_every_s: float = 0.5
    consume_every_s: float = 0.1
    backoff_max_s: float = 5.0
    #: BlueZ only: receive notifications through AcquireNotify (a socket) instead of StartNotify.
    acquire_notify: bool = False
    #: How long keyed packets wait for an earlier one that may come late (s); see BLE-15 for live use.
    reorder_window_s: float = 0.3
    #: Wake the consumer as packets arrive (live feedback) instead of only every ``consume_every_s``.
    wake_on_arrival: bool = False
    #: phyphox: a new ``/get`` this often (s): a cue waiting for the samples after an impact's peak waits at most
    #: this long for them (docs/live.md, LIVE-52).
    poll_every_s: float = 0.025


@dataclass
class SensorStatus:
    """What the live view shows for one sensor."""

    label: str
    profile: str
    state: str = "scanning"
    battery_pct: int | None = None
    rate_hz: float | None = None
    stats: StreamStats = field(default_factory=StreamStats)
    samples_per_s: float = 0.0
    device_info: dict[str, str] = field(default_factory=dict)
    heart_rate_bpm: int | None = None
    rsc_cadence_per_min: int | None = None
    error: str | None = None


#: Called with each batch of samples as it is written (``Timed.arrival_s``: when the newest packet
#: they came from arrived). Runs in the event loop: must not block.
SampleListener = Callable[["SensorRecorder", Timed], None]


class BleakLink:
    """:class:`~retrogait.ble.profiles.base.GattLink` over a connected ``BleakClient``."""

    def __init__(self, client: Any, acquire_notify: bool = False) -> None:
        self.client = client
        self.uuids = {c.uuid.lower() for s in client.services for c in s.characteristics}
        # bleak >= 2.1 on BlueZ: StartNotify (default) or AcquireNotify (pitfall 5 in docs/ble.md)
        self.notify_args: dict[str, Any] = {"bluez": {"use_start_notify": not acquire_notify}}

    def has_characteristic(self, uuid: str) -> bool:
        return uuid.lower() in self.uuids

    async def read(self, uuid: str) -> bytes:
        return bytes(await self.client.read_gatt_char(uuid))

    async def write(self, uuid: str, data: bytes, *, response: bool = True) -> None:
        await self.client.write_gatt_char(uuid, data, response=response)

    async def subscribe(self, uuid: str, sink: PacketSink) -> None:
        await self.client.start_notify(uuid, lambda _char, data: sink(bytes(data)), **self.notify_args)

    async def unsubscribe(self, uuid: str) -> None:
        await self.client.stop_notify(uuid)


_SCAN_LOCK: dict[int, asyncio.Lock] = {}


def _spec_matches(spec: SensorSpec, device: Any, adv: Any) -> bool:
    if spec.address:
        return bool(device.address.upper() == spec.address.upper())
    name = adv.local_name or device.name or ""
    return bool(spec.name) and name.startswith(spec.name or "")


async def find_devices(specs: list[SensorSpec], timeout_s: float) -> list[Any]:
    """One scan for all sensors (BlueZ runs one discovery per client); raises DeviceNotFoundError.

    Scans are serialised, so a reconnecting sensor that must rescan never stops another's scan.
    """
    from bleak import BleakScanner

    found: list[Any] = [None] * len(specs)
    complete = asyncio.Event()

    def on_detect(device: Any, adv: Any) -> None:
        for i, spec in enumerate(specs):
            if found[i] is None and _spec_matches(spec, device, adv):
                found[i] = device
        if all(d is not None for d in found):
            complete.set()

    lock = _SCAN_LOCK.setdefault(id(asyncio.get_running_loop()), asyncio.Lock())
    async with lock:
        try:
            async with BleakScanner(detection_callback=on_detect):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(complete.wait(), timeout_s)
        except Exception as exc:
            raise explain(exc, specs[0].label) from None
    missing = [s for s, d in zip(specs, found, strict=True) if d is None]
    if missing:
        what = ", ".join(f"address {s.address}" if s.address else f"name {s.name!r}" for s in missing)
        raise DeviceNotFoundError(
            f"no sensor with {what} found within {timeout_s:g} s: switch it on, bring it close, close phone "
            "apps that hold it, and check with 'retrogait scan'"
        )
    return found


async def find_device(spec: SensorSpec, timeout_s: float) -> Any:
    """Scan for one sensor by address or name prefix; raises DeviceNotFoundError."""
    return (await find_devices([spec], timeout_s))[0]


def _split_at_link_loss(
    items: list[tuple[float, bytes | None]],
) -> list[tuple[list[tuple[float, bytes]], bool]]:
    """Runs of packets between link-loss marks: ``[(packets, link lost after them), ...]``."""
    runs: list[tuple[list[tuple[float, bytes]], bool]] = []
    current: list[tuple[float, bytes]] = []
    for t, data in items:
        if data is None:
            runs.append((current, True))
            current = []
        else:
            current.append((t, data))
    runs.append((current, False))
    return runs


def _is_transient(exc: BaseException) -> bool:
    return not isinstance(exc, RetrogaitError) or isinstance(exc, DeviceNotFoundError)


#: The most rows appended and flushed at once (REVIEW-274): a store's batch is a flush interval's rows (100 at 200 Hz
#: and 0.5 s); only rows a full disk held are more, and a try the disk refuses then costs the text of these
#: (20,000 rows of 7 columns: 0.05 s), not of every row held (1.4 s an hour at 200 Hz)
STORE_ROWS = 20_000


def _split(timed: Timed, n: int) -> tuple[Timed, Timed]:
    """``timed``'s first ``n`` rows and the rest."""

    def cut(a: np.ndarray | None, part: slice) -> np.ndarray | None:
        return None if a is None else a[part]

    def rows(part: slice) -> Timed:
        return Timed(
            timed.t_host_s[part],
            timed.acc_ms2[part],
            cut(timed.gyr_dps, part),
            timed.arrival_s,
            cut(timed.packet_arrival_s, part),
        )

    return rows(slice(None, n)), rows(slice(n, None))


class HeldElsewhere(RetrogaitError):
    """The recording's line saying where the rows a full disk refused to the end are, or that they are lost (EDGE-293):
    said for every sensor, not only the first that failed (REVIEW-272)."""


class SensorRecorder:
    """Connects, streams, reconnects and writes one sensor's session file."""

    #: The recording log next to the session (``NAME.ble.json``).
    log_suffix = ".ble.json"

    def __init__(
        self,
        spec: SensorSpec,
        options: RecordOptions,
        origin_s: float,
        start_time_utc: str,
        writer_factory: Callable[..., SessionWriter] = SessionWriter,
    ) -> None:
        self.spec = spec
        self.options = options
        self.origin_s = origin_s
        self.start_time_utc = start_time_utc
        self.writer_factory = writer_factory
        self.status = SensorStatus(spec.label, spec.profile)
        self.profile: Profile | None = None
        self.info: StreamInfo | None = None
        self.assembler: StreamAssembler | None = None
        self.writer: SessionWriter | None = None
        #: samples that cannot become rows (a lost acc/gyro twin), next to the session on its clock
        self.unpaired_writer = UnpairedWriter(unpaired_path(spec.out), origin_s)
        # notifications in arrival order; ``None`` instead of bytes marks where the link was lost
        self.inbox: deque[tuple[float, bytes | None]] = deque()
        # notifications that arrived while the stream was being set up (the profile's start sequence
        # runs, the assembler may not exist): handed to the inbox once it is set up, or the setup failed
        self._early: list[tuple[float, bytes | None]] | None = None
        self._received = 0  # notifications received, all connections
        self.ref_inbox: deque[tuple[float, str, bytes]] = deque()
        self.ref_rows: list[str] = []
        self.live_buffer: deque[Timed] = deque(maxlen=200)
        self.listeners: list[SampleListener] = []
        self._unstored: Timed | None = None  # batches the listeners have seen since the last store
        #: batches not yet flushed to disk, oldest first: one a store as a rule, more while a full disk refuses them
        #: (EDGE-293); kept apart, so that a batch the listeners get copies no more than itself (REVIEW-274)
        self._held: deque[Timed] = deque()
        #: why the file cannot be written now (the disk full, EDGE-293), or None
        self.disk_full: str | None = None
        self._writing_to: Path | None = None  # where the writer opened now writes, when not ``spec.out`` (EDGE-293)
        #: where the rows / unpaired samples the full disk held to the end were written, for the log (EDGE-303)
        self._moved: dict[str, Path] = {}
        self._arrived = asyncio.Event()
        self._device: Any = None

    # ------------------------------------------------------------------------------ connection

    def _reference_sink(self, kind: str) -> PacketSink:
        def sink(data: bytes) -> None:
            self.ref_inbox.append((time.monotonic(), kind, data))

        return sink

    def _sink(self, data: bytes) -> None:
        self._received += 1
        if self._early is not None:
            self._early.append((time.monotonic(), data))
            return
        self.inbox.append((time.monotonic(), data))
        if self.options.wake_on_arrival:
            self._arrived.set()

    def _hand_over_early(self) -> None:
        """The stream is set up (or its setup failed): what arrived meanwhile goes to the consumer, in order."""
        early, self._early = self._early, None
        if early:
            self.inbox.extend(early)
            if self.options.wake_on_arrival:
                self._arrived.set()

    async def run(self, stop: asyncio.Event, device: Any = None) -> None:
        """Record until ``stop`` is set; raises RetrogaitError for problems the user must fix.

        ``device`` is the scanned BLEDevice (scanned here when None).
        """
        sessions_over = asyncio.Event()  # the link is closed: nothing more can arrive
        consumer = asyncio.create_task(self._consume(sessions_over))
        try:
            self._device = device or await find_device(self.spec, self.options.scan_timeout_s)
            first = True
            while not stop.is_set():
                retrying = AsyncRetrying(
                    wait=wait_exponential(multiplier=0.2, max=self.options.backoff_max_s),
                    stop=stop_after_delay(
                        min(10.0, self.options.reconnect_give_up_s) if first else self.options.reconnect_give_up_s
                    ),
                    retry=retry_if_exception(_is_transient),
                    reraise=True,
                )
                async for attempt in retrying:
                    with attempt:
                        if stop.is_set():
                            break
                        await self._session(stop)
                first = False
        except Exception as exc:
            self.status.state = "failed"
            reason = explain(exc, self.spec.label)
            if self.writer is not None and not isinstance(exc, RetrogaitError):
                raise RetrogaitError(
                    f"{self.spec.label}: the link was lost and did not come back within "
                    f"{self.options.reconnect_give_up_s:g} s ({reason}); {self.spec.out} holds everything until then"
                ) from None
            raise reason from None
        finally:
            stop.set()
            sessions_over.set()
            await consumer

    async def _session(self, stop: asyncio.Event) -> None:
        """One connection: set up, stream until stop (returns) or link loss (returns to reconnect)."""
        from bleak import BleakClient

        lost = asyncio.Event()
        self.status.state = "connecting"
        if self._device is None:
            self._device = await find_device(self.spec, self.options.scan_timeout_s)
        try:
            client = BleakClient(
                self._device, disconnected_callback=lambda _c: lost.set(), timeout=self.options.connect_timeout_s
            )
            await client.connect()
            lost.clear()  # an aborted attempt that bleak retried internally may have set it
        except Exception as exc:
            from bleak.exc import BleakDeviceNotFoundError

            if isinstance(exc, BleakDeviceNotFoundError):
                self._device = None  # dropped by BlueZ: scan again on the next attempt
            raise
        received_before, failed = self._received, True
        try:
            link = BleakLink(client, self.options.acquire_notify)
            await self._setup(link)
            self.status.state = "streaming"
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(lost.wait())]
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()
            if stop.is_set() and not lost.is_set() and self.profile is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.profile.stop(link), 5.0)
            failed = False
        finally:
            with contextlib.suppress(Exception):
                await client.disconnect()
            self._hand_over_early()  # a setup that failed after packets came: they are kept too
            # the consumer restarts the stream state here: after a lost link, or a connection that failed
            # (in its setup) after packets came, so they are never taken for the next connection's
            came = self._received > received_before
            if (came if failed else lost.is_set()) and not stop.is_set():
                self.inbox.append((time.monotonic(), None))
        if lost.is_set() and not stop.is_set():
            self.status.state = "reconnecting"
            # returning (not raising) gives the next reconnect episode a fresh give-up budget

    async def _setup(self, link: BleakLink) -> None:
        first = self.profile is None
        if first:
            self.status.device_info = await self._device_info(link)
            self.profile = make_profile(self.spec.profile, device_name=self._device.name)
        assert self.profile is not None
        # packets that come before the start sequence is complete (the Polar sends acceleration while its
        # gyroscope is being started) wait until the profile knows its stream and the assembler exists
        self._early = []
        info = await self.profile.start(link, self.spec.settings, self._sink)
        if self.info is not None and info.rate_hz != self.info.rate_hz:
            raise RetrogaitError(
                f"{self.spec.label}: the rate changed from {self.info.rate_hz:g} to {info.rate_hz:g} Hz"
            )
        self.info = info
        self.status.rate_hz = info.rate_hz
        if self.assembler is None:
            self.assembler = StreamAssembler(self.profile, info, self.options.reorder_window_s)
            self.status.stats = self.assembler.stats
        self._hand_over_early()
        for uuid, kind in ((SIG["heart_rate_measurement_uuid"], "hr"), (SIG["rsc_measurement_uuid"], "rsc")):
            if link.has_characteristic(uuid):
                await link.subscribe(uuid, self._reference_sink(kind))
        if link.has_characteristic(SIG["battery_level_uuid"]):
            with contextlib.suppress(Exception):
                self.status.battery_pct = (await link.read(SIG["battery_level_uuid"]))[0]

    async def _device_info(self, link: BleakLink) -> dict[str, str]:
        out: dict[str, str] = {}
        for key in ("manufacturer", "model", "firmware"):
            uuid = SIG[f"{key}_uuid"]
            if link.has_characteristic(uuid):
                with contextlib.suppress(Exception):
                    out[key] = (await link.read(uuid)).decode("utf-8", "replace").strip("\x00 ")
        return out

    # ---------------------------------------------------------------------------------- writing

    def _open_writer(self) -> SessionWriter:
        assert self.profile is not None
        sensor = " ".join(x for x in (self.profile.name, self.status.device_info.get("model"), self.spec.address) if x)
        extra = {"ble_profile": self.profile.name, "ble_address": self.spec.address or ""}
        if "firmware" in self.status.device_info:
            extra["firmware"] = self.status.device_info["firmware"]
        return self._writer_for(sensor, extra)

    def _writer_for(self, sensor: str, extra: dict[str, str]) -> SessionWriter:
        """The session writer with this recording's header (empty ``extra`` values are left out)."""
        assert self.info is not None
        info = self.info
        meta = SessionMeta(
            placement=self.spec.placement,
            sample_rate_hz=info.rate_hz,
            side=self.spec.side,
            sensor=sensor,
            acc_range_g=info.acc_range_g,
            gyr_range_dps=info.gyr_range_dps,
            anterior_axis=self.spec.anterior_axis,
            start_time_utc=self.start_time_utc,
            extra={k: v for k, v in extra.items() if v},
        )
        if self.unpaired_writer.samples_written == 0:  # a side file left by an earlier recording of this name
            self.unpaired_writer.path.unlink(missing_ok=True)
        return self.writer_factory(self._writing_to or self.spec.out, meta, has_gyro=info.has_gyro)

    async def _consume(self, sessions_over: asyncio.Event) -> None:
        last_flush = time.monotonic()
        last_rate_t, last_rate_n = last_flush, 0
        while True:
            final = sessions_over.is_set()
            # packets wait in the inbox until a stream was set up (only then is there an assembler); a
            # recording that never set one up has nothing that could be decoded
            items = [self.inbox.popleft() for _ in range(len(self.inbox))] if self.assembler is not None else []
            self._consume_reference()
            if self.assembler is not None:
                for segment, link_lost in _split_at_link_loss(items):
                    last = final and not link_lost
                    if segment or last:
                        await self._write(self.assembler.push(segment, time.monotonic(), final=last))
                    if link_lost:  # acceleration whose gyro twin went with the link: rows now (REC-20)
                        await self._write(self.assembler.on_reconnect())
                    await self._write_unpaired(self.assembler.take_unpaired())
            now = time.monotonic()
            if now - last_flush >= self.options.flush_every_s or final:
                await self._store_and_flush()
                await self._flush_unpaired()
                last_flush = now
            if now - last_rate_t >= 1.0:
                n = self.status.stats.samples_written
                self.status.samples_per_s = (n - last_rate_n) / (now - last_rate_t)
                last_rate_t, last_rate_n = now, n
            if final:
                break
            await self._wait_for_packets()
        await asyncio.to_thread(self._close)

    async def _wait_for_packets(self) -> None:
        """Until the next consumer round: ``consume_every_s``, or the next packet when waking on arrival."""
        if not self.options.wake_on_arrival:
            await asyncio.sleep(self.options.consume_every_s)
            return
        with contextlib.suppress(TimeoutError):  # asyncio.timeout: no task per wait, as wait_for makes
            async with asyncio.timeout(self.options.consume_every_s):
                await self._arrived.wait()
        self._arrived.clear()

    async def _write(self, timed: Timed | None) -> None:
        """Hand a batch to the listeners at once; the file gets the batches with the next flush (every
        ``flush_every_s``, in one append: with wake-on-arrival a batch is one packet, and a thread hop
        plus the text of a few rows cost far more per row than a flush's hundred; a killed recorder
        still loses less than a second)."""
        self._deliver(timed)

    def _deliver(self, timed: Timed | None) -> None:
        """:meth:`_write` for a caller in the event loop that does not await (the phone's poll callback)."""
        if timed is not None:
            for listener in self.listeners:  # before the disk write: live feedback must not wait for it
                listener(self, timed)
            self._unstored = Timed.join(self._unstored, timed)
            self.live_buffer.append(timed)

    async def _store_and_flush(self) -> None:
        """Append the batches not yet written and flush them to disk (in the writer thread). A write the disk refuses
        (full: ENOSPC, a quota, a file size limit) loses nothing: the file is cut back to its last flush and every row
        after it is held in memory, written again at the next flush, said once on the status (EDGE-293). They are
        written in pieces of at most :data:`STORE_ROWS` rows, each flushed: a try the full disk refuses costs the
        text of one piece, not of every row held (REVIEW-274)."""
        if self._unstored is not None:
            self._held.append(self._unstored)
            self._unstored = None
        try:
            if self._held and self.writer is None:
                self.writer = await asyncio.to_thread(self._open_writer)
            stored = False
            while self._held:
                assert self.writer is not None
                piece = self._next_piece()
                try:
                    await asyncio.to_thread(self._append, piece)
                    await asyncio.to_thread(self.writer.flush)
                except BaseException:
                    self._held.appendleft(piece)
                    raise
                stored = True
            if not stored and self.writer is not None:
                await asyncio.to_thread(self.writer.flush)
        except OSError as exc:
            if exc.errno not in DISK_FULL:
                raise
            if self.writer is not None:
                await asyncio.to_thread(self.writer.rewind)
            if self.disk_full is None:
                self.disk_full = os.strerror(exc.errno)
                log.warning(
                    "%s: %s: %s; the samples are held in memory", self.spec.label, self.spec.out, self.disk_full
                )
            return
        self.disk_full = None

    def _next_piece(self) -> Timed:
        """The oldest held rows, at most :data:`STORE_ROWS` of them (whole batches, or the first's head), taken from
        :attr:`_held`."""
        first = self._held.popleft()
        if first.t_host_s.size > STORE_ROWS:
            head, rest = _split(first, STORE_ROWS)
            self._held.appendleft(rest)
            return head
        parts, n = [first], first.t_host_s.size
        while self._held and n + self._held[0].t_host_s.size <= STORE_ROWS:
            parts.append(self._held.popleft())
            n += parts[-1].t_host_s.size
        return Timed.join_all(parts)

    async def _flush_unpaired(self) -> None:
        """Write and flush the unpaired samples held (in the writer thread); a full disk holds them, said once on
        the status as the session file's is (EDGE-297)."""
        was = self.unpaired_writer.disk_full
        await asyncio.to_thread(self.unpaired_writer.flush)
        if self.unpaired_writer.disk_full is not None and was is None:
            log.warning(
                "%s: %s: %s; its samples are held in memory",
                self.spec.label,
                self.unpaired_writer.path,
                self.unpaired_writer.disk_full,
            )

    async def _write_unpaired(self, placed: list[PlacedUnpaired]) -> None:
        if placed:
            await asyncio.to_thread(self.unpaired_writer.append, placed)

    def _append(self, timed: Timed) -> None:
        assert self.writer is not None
        table: dict[str, Any] = {TIME_COLUMN: timed.t_host_s - self.origin_s}
        table.update(zip(ACC_COLUMNS, timed.acc_ms2.T, strict=True))
        if timed.gyr_dps is not None:
            table.update(zip(GYR_COLUMNS, timed.gyr_dps.T, strict=True))
        self.writer.append(table)

    def _consume_reference(self) -> None:
        while self.ref_inbox:
            t, kind, data = self.ref_inbox.popleft()
            try:
                if kind == "hr":
                    hr = decode_heart_rate(data)
                    self.status.heart_rate_bpm = hr.hr_bpm
                    rr = ";".join(f"{v:.4f}" for v in hr.rr_s)
                    self.ref_rows.append(f"{t - self.origin_s:.4f},{hr.hr_bpm},{rr},,")
                else:
                    rsc = decode_rsc(data)
                    self.status.rsc_cadence_per_min = rsc.cadence_per_min
                    self.ref_rows.append(f"{t - self.origin_s:.4f},,,{rsc.speed_mps:.4f},{rsc.cadence_per_min}")
            except RetrogaitError:
                self.status.stats.malformed += 1

    def _close(self) -> None:
        held = None  # the rows the disk, still full at the end, refused (EDGE-293)
        if self.disk_full is not None and (self._held or self._unstored is not None):
            held = Timed.join_all([*self._held, *([self._unstored] if self._unstored is not None else [])])
        if self.writer is not None:
            self.writer.close()
        self.unpaired_writer.close()  # samples its full disk refuses stay held (EDGE-297)
        self.status.state = "finished" if self.status.state != "failed" else "failed"
        # every part held is written elsewhere before anything is said: a log the full disk refuses too loses none,
        # and a log it takes names where they are (EDGE-303)
        said = [self._write_elsewhere(held)] if held is not None else []
        if self.unpaired_writer.samples_held:
            said.append(self._unpaired_elsewhere())
        log_refused = None
        try:
            if self.ref_rows:
                path = self.spec.out.with_name(self.spec.out.stem + ".reference.csv")
                header = "t_s,hr_bpm,rr_s,rsc_speed_mps,rsc_cadence_per_min\n"
                path.write_text(header + "\n".join(self.ref_rows) + "\n", encoding="utf-8")
            if self.writer is not None:
                log_path = self.spec.out.with_name(self.spec.out.stem + self.log_suffix)
                tmp = log_path.with_name(log_path.name + ".partial")
                try:
                    tmp.write_text(dumps(self._log_record(), indent=1) + "\n", encoding="utf-8")
                    os.replace(tmp, log_path)
                finally:
                    tmp.unlink(missing_ok=True)
        except OSError as exc:
            # another error (EIO; EROFS: a failing disk made read-only) raised bare only where nothing was written
            # elsewhere: else the line must still say where those rows and samples are (REVIEW-305)
            if exc.errno not in DISK_FULL and not said:
                raise
            log_refused = os.strerror(exc.errno) if exc.errno is not None else str(exc)
        logs = f"its log {self.spec.out.stem}{self.log_suffix} and reference file"
        if log_refused is not None and not said:
            self.disk_full = log_refused  # the samples are all in the file; its log is not
            raise RetrogaitError(
                f"{self.spec.out}: every sample is written, but the disk is full ({log_refused}): {logs} are not"
            )
        if log_refused is not None:
            said.append(f"{logs} are not written ({log_refused})")
        if said:
            raise HeldElsewhere("; ".join(said))

    def _write_elsewhere(self, held: Timed) -> str:
        """The rows the full disk refused until the end, in a session file of their own in the system's temporary
        folder (another file system, as a rule); returns the recording's words saying where they are, or that
        they could not be written anywhere."""
        n, kept = int(held.t_host_s.size), self.writer.rows_written if self.writer is not None else 0
        first_s = float(held.t_host_s[0] - self.origin_s)
        prefix = f"{self.spec.out.stem}.after-disk-full-{os.getpid()}-"
        elsewhere = Path(tempfile.gettempdir())  # the folder, in the line, where no file could be made there
        said = f"{self.spec.out}: the disk is full ({self.disk_full}): it holds the first {kept} rows"
        kept_writer, made = self.writer, False
        try:
            # a new file of its own, the user's alone: never another sensor's of the same name, nor one a PID used
            # again left there, and not readable by every user of the machine (REVIEW-272)
            fd, name = tempfile.mkstemp(prefix=prefix, suffix=".csv")
            os.close(fd)
            elsewhere, made = Path(name), True
            self._writing_to = elsewhere
            self.writer = self._open_writer()  # the recording's header, at ``elsewhere``
            self._append(held)
            self.writer.close()
            self._moved["rows"] = elsewhere
        except OSError as exc:
            if self.writer is not kept_writer and self.writer is not None:
                with contextlib.suppress(OSError, ValueError):
                    self.writer.close()
            if made:
                elsewhere.unlink(missing_ok=True)  # no part of them left there
            return (
                f"{said}; the {n} rows from t = {first_s:.3f} s on could not be written anywhere "
                f"({elsewhere}: {exc.strerror or exc}): they are lost"
            )
        finally:
            self.writer, self._writing_to = kept_writer, None
        return f"{said}; the {n} rows from t = {first_s:.3f} s on are in {elsewhere}"

    def _unpaired_elsewhere(self) -> str:
        """The unpaired samples the full disk refused until the end, in a file of their own in the system's
        temporary folder (as the rows', :meth:`_write_elsewhere`); the words saying where they are (EDGE-297)."""
        side = self.unpaired_writer
        n = side.samples_held
        said = f"{side.path}: the disk is full ({side.disk_full}): it holds the first {side.samples_on_disk} samples"
        try:
            elsewhere = side.write_elsewhere()
        except OSError as exc:
            return (
                f"{said}; the other {n} could not be written anywhere ({tempfile.gettempdir()}: "
                f"{exc.strerror or exc}): they are lost"
            )
        self._moved["unpaired"] = elsewhere
        return f"{said}; the other {n} samples are in {elsewhere}"

    def _log_record(self) -> dict[str, Any]:
        """What ``NAME.ble.json`` says about the recording."""
        return {
            "profile": self.spec.profile,
            "address": self.spec.address,
            "device_info": self.status.device_info,
            "battery_pct": self.status.battery_pct,
            "rate_hz": self.info.rate_hz if self.info else None,
            **asdict(self.status.stats),
            # gyroscope samples whose acceleration never came: kept in this file (acceleration whose
            # gyroscope never came is a row with empty gyroscope cells: acc_without_gyro, REC-20)
            # (named only where samples of it reached the disk: a full disk may have refused them all; EDGE-303)
            "unpaired_file": self.unpaired_writer.path.name if self.unpaired_writer.samples_on_disk else None,
            # where the rows / unpaired samples a disk full to the end refused are (absolute paths; null: none)
            "rows_elsewhere_file": _named(self._moved.get("rows")),
            "unpaired_elsewhere_file": _named(self._moved.get("unpaired")),
            # settings the protocol cannot apply (Movesense ranges: decision BLE-8)
            "range_note": self.profile.range_note if self.profile else None,
            # packets missing by the device's sequence counter (generic profiles with one)
            "lost_packets_by_sequence": self.profile.lost_by_sequence if self.profile else None,
        }


def _named(path: Path | None) -> str | None:
    """A path as the log names it (null where there is none)."""
    return None if path is None else str(path)


def recent_samples(recorder: SensorRecorder, seconds: float) -> Timed | None:
    """The last ``seconds`` of written samples of a sensor (for live read-outs)."""
    parts = list(recorder.live_buffer)
    if not parts:
        return None
    t = np.concatenate([p.t_host_s for p in parts])
    keep = t >= t[-1] - seconds
    acc = np.concatenate([p.acc_ms2 for p in parts])[keep]
    gyr_parts = [p.gyr_dps for p in parts if p.gyr_dps is not None]
    gyr = np.concatenate(gyr_parts)[keep] if len(gyr_parts) == len(parts) else None
    return Timed(t[keep], acc, gyr)
