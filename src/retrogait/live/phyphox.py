"""The phone as the sensor: phyphox's remote-access REST API (documented in phyphox-docs
``remote-interface/openapi.yaml``; the app serves it on port 8080 on Android, 80 on iOS).

* ``GET /config``: the experiment's ``inputs`` name the buffers each sensor writes
  (``{"source": "accelerometer", "outputs": [{"x": "accX"}, {"y": "accY"}, {"z": "accZ"}, {"t": "acc_time"}]}``).
  Only ``accelerometer`` (acceleration with gravity) will do: ``linear_acceleration`` has gravity
  removed. ``gyroscope`` (rad/s) is used when present.
* ``GET /get?acc_time=T&accX=T%7Cacc_time&...``: incremental reads, every value whose ``acc_time`` is
  above T (the server nudges T up by one unit of its 8 significant digits, so nothing comes twice).
  The reply carries ``status`` (``session``, ``measuring``). After the experiment's data were
  cleared the server answers the next request ``updateMode: "full"``: that, a new ``session``, or
  experiment time running backwards, is a restart.
* ``GET /control?cmd=start``: ``{"result": true}`` when the measurement began.

Requests go one at a time over one kept-open connection (LIVE-4, LIVE-60) on the event loop itself, through a
small HTTP/1.1 client (:mod:`retrogait.live.http_wire`, LIVE-64); each answer is taken as it arrives.
Experiment time (s since the measurement started, pauses skipped)
is the sensor clock: it is mapped to the recording's host clock by the same :class:`ClockMap` as a
BLE sensor's; a restart or a resumed pause starts the map again (a gap in ``t_s``). Acceleration is
the master clock; the gyroscope is interpolated onto it (as the phyphox importer does) once it has
passed an acceleration sample; one without gyroscope cover (the gyroscope lags, stalled or has not
started) is a row with empty gyroscope cells (decision REC-20), in its place in time.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import math
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from retrogait.ble.collector import SensorRecorder
from retrogait.ble.profiles.base import StreamInfo
from retrogait.ble.timing import ClockMap, Timed
from retrogait.errors import RetrogaitError
from retrogait.imports.common import MERGE_MAX_GAP_PERIODS, Stream, interpolate_onto
from retrogait.live.http_wire import Connection

#: phyphox's gyroscope is in rad/s.
DPS_PER_RAD_S = 180.0 / math.pi
#: A gyroscope that has sent nothing for this long (s of experiment time) while acceleration goes on
#: has stalled: acceleration samples older than this are decided without it (as BLE-11).
GYRO_STALL_S = 2.0
#: The gyroscope's period is the median of its last this many sample steps.
GYRO_PERIOD_STEPS = 64
#: Rates a phone's sensor is reported at are rounded to this (Hz) in the header.
RATE_ROUND_HZ = 1.0
#: Beyond any phone's accelerometer (32 g) and gyroscope (4000 deg/s) range: a damaged value (BLE-22).
MAX_ACC_MS2 = 32 * 9.80665
MAX_GYR_RAD_S = 4000 / DPS_PER_RAD_S
#: A kept-open connection idle this long (s) is replaced before the next request: phyphox on Android (JLHTTP)
#: closes a connection after 10 s without a request, answering 408 (LIVE-60).
KEEPALIVE_IDLE_S = 5.0


@dataclass(frozen=True)
class PhyphoxBuffers:
    """Buffer names of the experiment's accelerometer (with g) and gyroscope."""

    acc: tuple[str, str, str]
    acc_time: str
    gyr: tuple[str, str, str] | None = None
    gyr_time: str | None = None


def buffers_from_config(config: dict[str, Any], url: str) -> PhyphoxBuffers:
    """The sensor buffers an experiment's ``/config`` names; a one-line error when it has no accelerometer."""
    found: dict[str, dict[str, str]] = {}
    for entry in config.get("inputs", []) or []:
        outputs = {k: v for item in entry.get("outputs", []) or [] for k, v in item.items()}
        found.setdefault(str(entry.get("source")), outputs)

    def names(source: str) -> tuple[tuple[str, str, str], str] | None:
        out = found.get(source, {})
        if all(k in out for k in ("x", "y", "z", "t")):
            return (out["x"], out["y"], out["z"]), out["t"]
        return None

    acc = names("accelerometer")
    if acc is None:
        title = config.get("title", "?")
        why = "only linear acceleration (gravity removed)" if "linear_acceleration" in found else "no accelerometer"
        raise RetrogaitError(
            f"phyphox at {url}: the experiment '{title}' has {why}: open 'Acceleration (with g)' "
            "(or an experiment of your own with the accelerometer and gyroscope) and enable remote access"
        )
    gyr = names("gyroscope")
    return PhyphoxBuffers(acc[0], acc[1], gyr[0] if gyr else None, gyr[1] if gyr else None)


class PhyphoxClient:
    """JSON requests to one phone over one HTTP/1.1 connection kept open (LIVE-60), on the event loop (LIVE-64).

    One request at a time, on one loop. phyphox on Android (JLHTTP) keeps a connection open between requests; on
    iOS (GCDWebServer) it closes it after each answer, and the next request opens a new one. A connection
    the server has closed, or one idle for ``KEEPALIVE_IDLE_S``, is replaced before a request is sent; a
    request that fails once sent is not sent again (it raises, and the connection is closed)."""

    def __init__(self, url: str, timeout_s: float = 2.0) -> None:
        usage = f"--url {url!r}: give the address phyphox shows, e.g. http://192.168.0.42:8080"
        try:
            parsed = urllib.parse.urlparse(url if "://" in url else f"http://{url}")
            port = parsed.port  # a port that is not a number (":80a") raises here, not at the first request
        except ValueError:  # "Invalid IPv6 URL" (an unclosed bracket), "Port could not be cast" (EDGE-63)
            raise RetrogaitError(usage) from None
        if parsed.scheme != "http" or not parsed.hostname:
            raise RetrogaitError(usage)
        self.base = f"http://{parsed.netloc}"
        self.host, self.port = parsed.hostname, port or 80
        self.timeout_s = timeout_s
        self._conn: Connection | None = None
        self._last_used_s = -math.inf
        #: connections opened (the first included): 1 for a phone that keeps its connection, one per request else
        self.connections = 0

    async def request(self, path: str, params: list[tuple[str, str]] | None = None) -> Any:
        """The JSON answer of ``path?params``; raises OSError when the phone does not answer."""
        query = urllib.parse.urlencode(params or [], safe="", quote_via=urllib.parse.quote)
        try:
            conn = await self._connection()
            answer = await conn.get(path + (f"?{query}" if query else ""), self.timeout_s)
        except OSError:
            self.close()
            raise
        except http.client.HTTPException as exc:  # not an HTTP answer (a bad status line), or one cut short
            self.close()
            raise OSError(" ".join(f"{type(exc).__name__}: {exc}".split())) from None
        self._last_used_s = time.monotonic()
        if not conn.is_open:
            self._conn = None  # the phone closes it after each answer (iOS)
        if not 200 <= answer.status < 300:  # as urllib's HTTPError, whose reason the error line names
            self.close()
            raise OSError(answer.reason or f"HTTP {answer.status}")
        try:
            return json.loads(answer.body)
        except ValueError:
            raise OSError(f"{path} answered something that is not JSON") from None

    async def _connection(self) -> Connection:
        """The open connection, or a new one where the server closed it or it idled too long."""
        conn = self._conn
        if conn is not None and (time.monotonic() - self._last_used_s > KEEPALIVE_IDLE_S or conn.stale()):
            # closed by the server (EOF, or JLHTTP's 408 for an idle connection) or about to be
            self.close()
            conn = None
        if conn is None:
            conn = Connection(self.host, self.port)
            try:
                async with asyncio.timeout(self.timeout_s):
                    await conn.connect()
            except TimeoutError:
                raise TimeoutError("timed out") from None
            self._conn = conn
            self.connections += 1
        return conn

    def close(self) -> None:
        """Close the connection (on the loop that opened it)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


#: Longest reason an error line quotes from a phone's answer (characters): a server that answers something else
#: (PHONE-21) may send a line of kilobytes.
REASON_MAX_CHARS = 200


def unreachable(url: str, exc: BaseException) -> RetrogaitError:
    """One line for a phone that does not answer."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if len(text) > REASON_MAX_CHARS:
        text = text[: REASON_MAX_CHARS - 1] + "…"
    return RetrogaitError(
        f"phyphox at {url} does not answer ({text}): "
        "put the phone and this computer on the same network, open the experiment in phyphox, enable "
        "'Allow remote access' in its menu and use the address it shows"
    )


@dataclass
class Samples:
    """New samples of one poll, on experiment time (s): acceleration (m/s^2) and gyroscope (deg/s)."""

    acc_t: NDArray[np.float64]
    acc: NDArray[np.float64]
    gyr_t: NDArray[np.float64]
    gyr: NDArray[np.float64]
    restarted: bool = False
    #: damaged parts of the reply (not an object, a buffer of the wrong type, values that are not
    #: numbers or beyond any phone's range): counted as malformed (BLE-22)
    malformed: int = 0


class PhyphoxStream:
    """Incremental reads: the next ``/get`` query and what each answer adds (pure; no I/O)."""

    def __init__(self, buffers: PhyphoxBuffers) -> None:
        self.buffers = buffers
        self.acc_after = -math.inf  # experiment time of the newest sample received, per sensor
        self.gyr_after = -math.inf
        self.session: str | None = None
        self.measuring = False

    def query(self) -> list[tuple[str, str]]:
        b = self.buffers
        params = _incremental(b.acc_time, b.acc, self.acc_after)
        if b.gyr is not None and b.gyr_time is not None:
            params += _incremental(b.gyr_time, b.gyr, self.gyr_after)
        return params

    def take(self, reply: dict[str, Any]) -> Samples:
        """The new samples of an answer to :meth:`query`; ``restarted`` when the experiment's data
        were reset (cleared, switched, or its time ran backwards): they start a new clock."""
        b = self.buffers
        if not isinstance(reply, dict) or not isinstance(reply.get("buffer", {}), dict):
            return Samples(np.zeros(0), np.zeros((0, 3)), np.zeros(0), np.zeros((0, 3)), malformed=1)
        status = reply.get("status", {})
        damaged = not isinstance(status, dict)
        status = dict(status) if isinstance(status, dict) else {}
        if "session" not in status and self.session is not None:  # an answer without it changes nothing
            status["session"] = self.session
        session = str(status.get("session", ""))
        self.measuring = bool(status.get("measuring", False))
        buffers = reply.get("buffer", {}) or {}
        restarted = self.session is not None and session != self.session
        self.session = session
        acc_t, acc, full_a, bad_a = _columns(buffers, b.acc_time, b.acc, MAX_ACC_MS2)
        gyr_t, gyr, full_g, bad_g = (np.zeros(0), np.zeros((0, 3)), False, 0)
        if b.gyr is not None and b.gyr_time is not None:
            gyr_t, gyr, full_g, bad_g = _columns(buffers, b.gyr_time, b.gyr, MAX_GYR_RAD_S)
        # a "full" answer to an incremental request: the server reset its buffers (cleared data)
        restarted |= (full_a and math.isfinite(self.acc_after)) or (full_g and math.isfinite(self.gyr_after))
        restarted |= bool(acc_t.size) and acc_t[0] < self.acc_after
        if restarted:
            self.acc_after = self.gyr_after = -math.inf
        acc_t, acc = _after(acc_t, acc, self.acc_after)
        gyr_t, gyr = _after(gyr_t, gyr, self.gyr_after)
        if acc_t.size:
            self.acc_after = float(acc_t[-1])
        if gyr_t.size:
            self.gyr_after = float(gyr_t[-1])
        malformed = int(damaged or bad_a > 0 or bad_g > 0)
        return Samples(acc_t, acc, gyr_t, gyr * DPS_PER_RAD_S, restarted, malformed)


def _incremental(time_buffer: str, axes: tuple[str, str, str], after: float) -> list[tuple[str, str]]:
    if not math.isfinite(after):
        return [(time_buffer, "full"), *((a, "full") for a in axes)]
    threshold = repr(after)
    return [(time_buffer, threshold), *((a, f"{threshold}|{time_buffer}") for a in axes)]


def _numbers(values: Any) -> tuple[NDArray[np.float64], int]:
    """A JSON array as floats (``null`` and anything not a number: NaN) and how many were not numbers."""
    if not isinstance(values, list):
        return np.zeros(0), int(values is not None)
    try:
        out = np.array(values, dtype=float)  # numpy makes null (None) NaN
        if out.ndim == 1:  # arrays of arrays of one length would be a table (REVIEW-114)
            return out, 0
    except (TypeError, ValueError, OverflowError):  # strings that are not numbers, lists, objects (BLE-22)
        pass  # an integer no float holds (400 digits): OverflowError (REVIEW-114)
    out = np.array([_number(v) for v in values], dtype=float).reshape(-1)
    return out, sum(1 for v, x in zip(values, out, strict=True) if v is not None and np.isnan(x))


def _number(value: Any) -> float:
    """One JSON value as a float: NaN for anything that is not a number a float holds."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except OverflowError:
        return math.nan


def _columns(
    buffers: dict[str, Any], time_buffer: str, axes: tuple[str, str, str], limit: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], bool, int]:
    """Times and xyz of one sensor (rows with a missing value dropped: gaps stay gaps), whether the
    server answered with the full buffer, and how many entries or rows were damaged (BLE-22): not an
    object, not numbers, or values beyond ``limit`` (dropped with their row)."""
    raw = [buffers.get(name) for name in (time_buffer, *axes)]
    entries = [e if isinstance(e, dict) else {} for e in raw]
    damaged = sum(1 for e in raw if e is not None and not isinstance(e, dict))
    columns = []
    for e in entries:
        values, bad = _numbers(e.get("buffer", []))
        columns.append(values)
        damaged += bad
    n = min(c.size for c in columns)
    table = np.column_stack([c[:n] for c in columns]) if n else np.zeros((0, 4))
    finite = np.asarray(np.isfinite(table).all(axis=1), dtype=bool)
    sane = finite & (np.abs(np.where(finite[:, None], table[:, 1:], 0.0)) <= limit).all(axis=1)
    damaged += int((finite & ~sane).sum())
    table = table[sane]
    full = any(e.get("updateMode") == "full" for e in entries)
    return table[:, 0], table[:, 1:], full, damaged


def _after(
    t: NDArray[np.float64], v: NDArray[np.float64], after: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    # strictly increasing: after everything before (a time that runs back and forth keeps its first pass)
    keep = t > np.maximum.accumulate(np.concatenate([[after], t]))[:-1]
    return t[keep], v[keep]


class GyroAligner:
    """Holds acceleration until the gyroscope has passed it, then interpolates the gyroscope onto it."""

    def __init__(self, with_gyro: bool) -> None:
        self.with_gyro = with_gyro
        self._acc_t = np.zeros(0)
        self._acc = np.zeros((0, 3))
        self._gyr_t = np.zeros(0)
        self._gyr = np.zeros((0, 3))
        # the gyroscope's latest sample steps (s), as received: its period, also when few samples are kept
        self._gyr_steps = np.zeros(0)

    def add(self, s: Samples) -> None:
        if s.gyr_t.size:
            steps = np.diff(np.concatenate([self._gyr_t[-1:], s.gyr_t]))
            self._gyr_steps = np.concatenate([self._gyr_steps, steps[steps > 0]])[-GYRO_PERIOD_STEPS:]
        self._acc_t = np.concatenate([self._acc_t, s.acc_t])
        self._acc = np.concatenate([self._acc, s.acc])
        self._gyr_t = np.concatenate([self._gyr_t, s.gyr_t])
        self._gyr = np.concatenate([self._gyr, s.gyr])

    def take(
        self, final: bool = False
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.bool_]]:
        """Decided acceleration samples: times, acc, gyro (or None), and which of them have a gyro value."""
        t, acc = self._acc_t, self._acc
        if not self.with_gyro:
            self._acc_t, self._acc = np.zeros(0), np.zeros((0, 3))
            return t, acc, None, np.ones(t.size, dtype=bool)
        gt = self._gyr_t
        # from the steps as received, not the samples kept: one kept sample before a gap is not "period inf"
        # (which held its value over the whole gap; REC-20)
        period = float(np.median(self._gyr_steps)) if self._gyr_steps.size else math.inf
        horizon = (
            math.inf
            if final
            else max(gt[-1] if gt.size else -math.inf, (t[-1] if t.size else -math.inf) - GYRO_STALL_S)
        )
        decided = t <= horizon
        gyr = interpolate_onto(t[decided], Stream(gt, self._gyr), MERGE_MAX_GAP_PERIODS * period, 0.5 * period)
        self._acc_t, self._acc = t[~decided], acc[~decided]
        if self._acc_t.size and gt.size:  # keep the gyro that later samples interpolate between
            keep = gt >= (self._acc_t[0] - MERGE_MAX_GAP_PERIODS * period)
            keep[max(int(np.argmax(keep)) - 1, 0)] = True
            self._gyr_t, self._gyr = gt[keep], self._gyr[keep]
        elif not final and gt.size:
            self._gyr_t, self._gyr = gt[-2:], self._gyr[-2:]
        return t[decided], acc[decided], gyr, np.asarray(np.isfinite(gyr).all(axis=1))


class PhyphoxRecorder(SensorRecorder):
    """Polls a phone running phyphox into the same session writer, side files and clock as BLE sensors."""

    log_suffix = ".phyphox.json"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert self.spec.url is not None
        self.url = self.spec.url
        self.client = PhyphoxClient(self.url, self.options.connect_timeout_s / 10)
        self.stream: PhyphoxStream | None = None
        self.aligner = GyroAligner(False)
        self.clock = ClockMap(max_drift=2e-3)
        self._last_host_s = -math.inf
        self._last_sensor_s = math.inf  # experiment time of the newest sample placed (inf: none on this clock)
        self._clock_restart = False
        self.polls = 0
        self.restarts = 0
        self.status.device_info = {}
        self._rate_probe: list[float] = []
        self._measuring = False  # the latest answer taken: the experiment is measuring

    async def _call(self, path: str, params: list[tuple[str, str]] | None = None) -> Any:
        return await self.client.request(path, params)

    async def run(self, stop: asyncio.Event, device: Any = None) -> None:
        """Connect (check the experiment, start it), then poll until ``stop``; raises RetrogaitError."""
        try:
            await self._connect()
            await self._poll(stop)
        except RetrogaitError:
            self.status.state = "failed"
            raise
        finally:
            stop.set()
            self._drain(final=True)
            await self._store_and_flush()  # a full disk's refusal: cut back, the rows held (EDGE-293, REVIEW-273)
            self.client.close()  # on the loop, which owns the connection
            await asyncio.to_thread(self._close)

    async def _connect(self) -> None:
        self.status.state = "connecting"
        try:
            config = await self._call("/config")
            meta = await self._call("/meta")
        except OSError as exc:
            raise unreachable(self.url, exc) from None
        buffers = buffers_from_config(config, self.url)
        self.stream = PhyphoxStream(buffers)
        self.aligner = GyroAligner(buffers.gyr is not None)
        model = (
            " ".join(str(meta.get(k) or "") for k in ("deviceBrand", "deviceModel")).strip()
            if isinstance(meta, dict)
            else ""
        )
        self.status.device_info = {
            "model": model or "phone",
            "firmware": f"phyphox {meta.get('version', '?')}" if isinstance(meta, dict) else "",
        }
        self.status.device_info["experiment"] = str(config.get("title", ""))
        try:
            reply = await self._call("/get", [(buffers.acc_time, "")])
            if not reply.get("status", {}).get("measuring", False):
                started = await self._call("/control", [("cmd", "start")])
                if not (isinstance(started, dict) and started.get("result")):
                    raise RetrogaitError(
                        f"phyphox at {self.url}: the experiment is not running and did not start: press the "
                        "play button in phyphox (one with a Bluetooth sensor starts only once that is connected)"
                    )
        except OSError as exc:
            raise unreachable(self.url, exc) from None
        # take what is measured from now on
        last = (reply.get("buffer", {}).get(buffers.acc_time, {}) or {}).get("buffer", [None])
        if last and last[-1] is not None:
            self.stream.acc_after = float(last[-1])
            self.stream.gyr_after = float(last[-1])
        self.stream.session = str(reply.get("status", {}).get("session", ""))
        self.status.state = "streaming"

    async def _poll(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` (:meth:`_poll_until`, a task on this loop: LIVE-64); here: the files' flush every
        ``flush_every_s``, which the polls do not wait for."""
        poller = asyncio.ensure_future(self._poll_until(stop))
        last_flush = time.monotonic()
        try:
            while not poller.done():
                await asyncio.wait({poller}, timeout=self.options.flush_every_s)
                now = time.monotonic()
                if now - last_flush >= self.options.flush_every_s and not poller.done():
                    await self._store_and_flush()  # as the BLE recorder's: a full disk loses nothing (REVIEW-273)
                    if self.writer is not None:
                        await self._flush_unpaired()
                    last_flush = now
        finally:
            # cancelled: the poller fetches once more, takes that and ends (LIVE-21); the recorder closes the
            # connection after its last use (REVIEW-115)
            stop.set()
            if not poller.done():
                await asyncio.wait({poller})
        poller.result()  # the give-up line, or an error taking an answer

    async def _poll_until(self, stop: asyncio.Event) -> None:
        """A ``/get`` every ``poll_every_s`` over the client's kept-open connection until ``stop``, then one more
        (LIVE-21); each answer taken as it arrives."""
        assert self.stream is not None
        interval = self.options.poll_every_s
        failing_since: float | None = None
        backoff = interval
        stopping = asyncio.ensure_future(stop.wait())
        due = time.monotonic()  # when this poll was due: the next is an interval later (or at once, when late)
        try:
            while not stop.is_set():
                try:
                    reply = await self.client.request("/get", self.stream.query())
                except OSError as exc:
                    now = time.monotonic()
                    failing_since = failing_since or now
                    self.status.state = "reconnecting"
                    if now - failing_since > self.options.reconnect_give_up_s:
                        raise RetrogaitError(
                            f"{self.url}: phyphox stopped answering for {self.options.reconnect_give_up_s:g} s "
                            f"({unreachable(self.url, exc)}); {self.spec.out} holds everything until then"
                        ) from None
                    backoff = min(backoff * 2, self.options.backoff_max_s)
                    await self._pause(stopping, backoff)
                    due = time.monotonic()
                    continue
                self._on_poll(reply, time.monotonic(), reconnected=failing_since is not None)
                failing_since, backoff = None, interval
                # on the interval's grid from when this poll was due, not from when the loop woke for it: the
                # selector's wake-ups (whole ms, late) do not add up to a longer interval
                now = time.monotonic()
                due = max(due + interval, now)
                await self._pause(stopping, due - now)
        finally:
            stopping.cancel()
        # the recording stops: what the phone measured since the last poll is fetched once more, as a BLE
        # sensor's last packets arrive during its stop sequence (LIVE-21); a phone that does not answer now
        # keeps them (the file holds everything until the last poll)
        try:
            reply = await self.client.request("/get", self.stream.query())
        except OSError:
            return
        self._on_poll(reply, time.monotonic())

    async def _pause(self, stopping: asyncio.Future[Any], seconds: float) -> None:
        """The wait between two requests (s); ends early at the stop."""
        await asyncio.wait({stopping}, timeout=seconds)

    def _on_poll(self, reply: Any, arrival_s: float, reconnected: bool = False) -> None:
        """One poll's answer (arrived at host time ``arrival_s``, s): its new samples into the session."""
        assert self.stream is not None
        samples = self.stream.take(reply)
        if reconnected:
            self.status.stats.reconnects += 1
        self.status.state = "streaming" if self.stream.measuring else "paused"
        self._measuring = self.stream.measuring
        self.polls += 1
        self.status.stats.malformed += samples.malformed
        self._take(samples, arrival_s)

    def _take(self, samples: Samples, arrival_s: float) -> None:
        """Place a poll's samples on the host clock and write the decided ones."""
        paused = not self._measuring  # experiment time stops, host time not
        if samples.restarted or (paused and not self._clock_restart):
            self._drain(final=True)  # what waits belongs to the old clock
            self.restarts += int(samples.restarted)
            self._clock_restart = True
        if samples.acc_t.size:
            if self._clock_restart:
                self.clock = ClockMap(max_drift=2e-3)
                self._clock_restart = False
                self._last_sensor_s = math.inf
            if not self.clock.started:
                self.clock.start(float(samples.acc_t[-1]), arrival_s)
                first = float(self.clock.map(samples.acc_t[:1])[0])
                if first <= self._last_host_s:  # a new clock never maps before what is written
                    self.clock.anchor_host_s += self._last_host_s - first + 1.0 / (self.status.rate_hz or 100.0)
            self.clock.observe(samples.acc_t[-1:], np.array([arrival_s]))
            self._probe_rate(samples.acc_t)
        self.aligner.add(samples)
        self._drain(final=paused, arrival_s=arrival_s)

    def _probe_rate(self, t: NDArray[np.float64]) -> None:
        if self.info is None:
            self._rate_probe.extend(t.tolist())
            if len(self._rate_probe) >= 50:
                rate = RATE_ROUND_HZ * round(1.0 / float(np.median(np.diff(self._rate_probe))) / RATE_ROUND_HZ)
                self.info = StreamInfo(rate, None, None, has_gyro=self.aligner.with_gyro, has_clock=True)
                self.status.rate_hz = rate

    def _drain(self, final: bool, arrival_s: float = math.nan) -> None:
        if self.info is None and not final:
            return  # the rate (for the header) is not known yet: samples wait
        t, acc, gyr, paired = self.aligner.take(final)
        if t.size == 0 or not self.clock.started:
            return
        if self.info is None:
            self._rate_probe.extend(t.tolist())
            steps = np.diff(self._rate_probe)
            rate = 1.0 / float(np.median(steps)) if steps.size else 1.0
            self.info = StreamInfo(rate, None, None, has_gyro=self.aligner.with_gyro, has_clock=True)
        host = self.clock.map(t)
        self._count_gaps(t)
        keep = host > np.maximum.accumulate(np.concatenate([[self._last_host_s], host]))[:-1]
        self.status.stats.duplicates += int((~keep).sum())
        host, acc, paired = host[keep], acc[keep], paired[keep]
        gyr = gyr[keep] if gyr is not None else None
        if host.size:
            self._last_host_s = float(host[-1])
        if gyr is not None and not paired.all():  # rows with empty gyroscope cells (REC-20), never dropped
            gyr = np.where(paired[:, None], gyr, np.nan)
            self.status.stats.acc_without_gyro += int((~paired).sum())
        if host.size:
            self.status.stats.samples_written += int(host.size)
            self.status.stats.packets += 1
            self._deliver(Timed(host, acc, gyr, arrival_s, np.full(host.size, arrival_s)))  # the releasing poll

    def _count_gaps(self, t: NDArray[np.float64]) -> None:
        """Steps over 1.5 periods of experiment time are gaps (the phone lost samples, a pause)."""
        assert self.info is not None
        steps = np.diff(np.concatenate([[self._last_sensor_s], t])) * self.info.rate_hz
        big = steps > 1.5
        self.status.stats.gaps += int(big.sum())
        self.status.stats.lost_samples += int(np.rint(steps[big] - 1).sum())
        self._last_sensor_s = float(t[-1])

    def _open_writer(self) -> Any:
        extra = {"phyphox_url": self.url, "phyphox_experiment": self.status.device_info.get("experiment", "")}
        return self._writer_for(f"phyphox {self.status.device_info.get('model', '')}".strip(), extra)

    def _log_record(self) -> dict[str, Any]:
        record = super()._log_record()
        record.update(
            {
                "url": self.url,
                "polls": self.polls,
                "restarts": self.restarts,
                "range_note": None,
                "lost_packets_by_sequence": None,
            }
        )
        return record
