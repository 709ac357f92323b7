"""An emulated phyphox phone, written from the documented remote-access API (phyphox-docs
``remote-interface/openapi.yaml``): ``/config``, ``/meta``, ``/get`` (single, ``full`` and threshold
reads, ``value|reference``, the threshold nudged by one unit of 8 significant digits, values as
``0.#######E0``), ``/control?cmd=start|stop|clear``. The server handles one connection at a time (the
app's serve several at once; a recorder holds one). Its connections (``keep_alive``; LIVE-60): kept open
between requests, as phyphox on Android (JLHTTP 3.2: HTTP/1.1 keep-alive, an idle connection answered 408
and closed after 10 s), or closed after each answer (``Connection: close``), as phyphox on iOS
(GCDWebServer).

It serves an "Acceleration (with g)" + gyroscope experiment (``accX/accY/accZ/acc_time``,
``gyrX/gyrY/gyrZ/gyr_time``, gyro in rad/s) whose samples are produced as time passes (real time) or
as a test calls :meth:`EmulatedPhyphox.advance` (deterministic). Values either encode the sample
index (``acc_x = (k % 1000 - 500) / 100``, ``acc_y = (k // 1000 % 1000 - 500) / 100`` m/s^2, so a test
can check that every sample served is in the file once) or replay a session. Faults: dropped connections, slow answers,
the experiment cleared and restarted, not running, no accelerometer, a gyroscope that lags or has a gap, and a phone
fallen silent (:meth:`EmulatedPhyphox.fall_silent`: requests read, never answered).

Every wait of the server's thread on a client watches :meth:`EmulatedPhyphox.stop` (LIVE-67): the stop waits for
that thread, and a client on the caller's own event loop cannot send while the caller is in ``stop()``.
"""

from __future__ import annotations

import json
import math
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import numpy as np
from numpy.typing import NDArray

from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.live.socket_wait import readable
from retrogait.session import Session

ACC = ("accX", "accY", "accZ")


def index_of(acc_ms2: NDArray[np.float64]) -> NDArray[np.int64]:
    """The sample indices encoded in index-encoding acceleration (inverse of :meth:`EmulatedPhyphox.values`)."""
    x, y = np.rint(acc_ms2[:, 0] * 100).astype(np.int64), np.rint(acc_ms2[:, 1] * 100).astype(np.int64)
    return (x + 500) + 1000 * (y + 500)


GYR = ("gyrX", "gyrY", "gyrZ")
#: A connection's wait for its next request (its first included, LIVE-67) looks at the emulator's stop this often (s).
IDLE_SLICE_S = 0.05
#: The server's loop looks at a :meth:`EmulatedPhyphox.stop` this often between connections (s; stdlib's
#: ``serve_forever`` default): a stop waits up to this long. A test hook (SUITE-8: the tests set it lower).
SERVE_POLL_S = 0.5


@dataclass
class PhyphoxFaults:
    """Faults of the emulated phone ("every N-th /get"; 0 = never)."""

    drop_every: int = 0  # the connection closes without an answer
    slow_every: int = 0  # the answer comes after slow_s
    slow_s: float = 1.0
    restart_at_sample: int = 0  # after this many samples the data are cleared and measuring restarts from t = 0
    not_running: bool = False  # not measuring, and cmd=start is refused
    accelerometer: bool = True  # False: the experiment has linear acceleration only
    gyro_lag: int = 0  # the gyroscope buffer holds this many samples fewer than the accelerometer's
    gyro_gap: tuple[int, int] = (0, 0)  # sample indices [a, b) the gyroscope has no sample for


class EmulatedPhyphox:
    """The phone. ``realtime``: samples appear at ``rate_hz``; otherwise only through :meth:`advance`."""

    def __init__(
        self,
        rate_hz: float = 200.0,
        faults: PhyphoxFaults | None = None,
        replay: Session | None = None,
        realtime: bool = False,
        with_gyro: bool = True,
        keep_alive: bool = False,
        idle_close_s: float = 10.0,
    ) -> None:
        """``keep_alive``: connections stay open between requests (Android) or close after each answer (iOS);
        ``idle_close_s``: a kept connection without a request this long (s) is answered 408 and closed (JLHTTP's)."""
        self.rate_hz = rate_hz
        self.keep_alive = keep_alive
        self.idle_close_s = idle_close_s
        self.connections = 0  # connections accepted
        self.idle_closed = threading.Event()  # set when a connection was closed for idling
        self._closing = threading.Event()  # set by stop(): every wait on a client ends
        self._silent = False  # fall_silent(): requests are read and never answered
        self.faults = faults or PhyphoxFaults()
        self.replay = replay
        self.realtime = realtime
        self.with_gyro = with_gyro
        self.session_id = "a1b2c3"
        self.measuring = not self.faults.not_running
        self.lock = threading.Lock()
        self._produced = 0  # samples measured since the experiment (re)started
        self._offset = 0  # sample index of the first sample after the last clear (indices never repeat)
        self._restarted = False
        self._force_full = False
        self._started_at = time.monotonic()
        self.gets = 0
        self.served: set[int] = set()  # acceleration sample indices sent in an answer
        self._server: HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------------------------- the data

    def advance(self, n_samples: int) -> None:
        """The experiment measures ``n_samples`` more (manual clock)."""
        with self.lock:
            self._advance(n_samples)

    def _advance(self, n: int) -> None:
        f = self.faults
        if not self.measuring:
            return
        if f.restart_at_sample and not self._restarted and self._produced + n >= f.restart_at_sample:
            first = f.restart_at_sample - self._produced
            self._produced += first
            self._offset += self._produced  # clear: buffers and experiment time restart
            self._produced = n - first
            self._restarted = True
            self._force_full = True
            return
        self._produced += n

    def _catch_up(self) -> None:
        if self.realtime and self.measuring:
            due = int((time.monotonic() - self._started_at) * self.rate_hz)
            total = self._offset + self._produced
            if due > total:
                self._advance(due - total)

    def values(self, k: NDArray[np.int64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Acceleration (m/s^2) and gyroscope (rad/s) of sample indices ``k``."""
        if self.replay is not None:
            i = k % self.replay.n_samples
            # a row without a gyroscope value (EDGE-46) is sent as 0: a stream has no empty value
            gyr = np.nan_to_num(self.replay.gyr[i]) if self.replay.gyr is not None else np.zeros((k.size, 3))
            return self.replay.acc[i], np.deg2rad(gyr)
        acc = np.column_stack(
            [(k % 1000 - 500) / 100, ((k // 1000) % 1000 - 500) / 100, np.full(k.size, STANDARD_GRAVITY_MS2)]
        )
        gyr = np.column_stack([np.sin(k / 30.0), np.cos(k / 30.0), np.zeros(k.size)])
        return acc.astype(np.float64), gyr

    def _buffers(self) -> dict[str, NDArray[np.float64]]:
        k = self._offset + np.arange(self._produced)
        acc, gyr = self.values(k)
        t = np.arange(self._produced) / self.rate_hz
        out = {"acc_time": t, "accX": acc[:, 0], "accY": acc[:, 1], "accZ": acc[:, 2], "_index": k.astype(float)}
        if self.with_gyro:  # its own clock, half a period after the accelerometer's
            a, b = self.faults.gyro_gap
            has = (np.arange(self._produced) < self._produced - self.faults.gyro_lag) & ~((k >= a) & (k < b))
            out.update(
                {"gyr_time": t[has] + 0.5 / self.rate_hz, "gyrX": gyr[has, 0], "gyrY": gyr[has, 1], "gyrZ": gyr[has, 2]}
            )
        return out

    def fall_silent(self) -> None:
        """From now on every request is read and not answered, its connection held open until :meth:`stop` (the app
        frozen, the phone's Wi-Fi gone with the connection up): a client sees no byte; new connections wait in the
        listen queue, unaccepted (the server handles one connection at a time), and once it is full are not
        completed."""
        self._silent = True

    # ------------------------------------------------------------------------------- the answers

    def config(self) -> dict[str, Any]:
        source = "accelerometer" if self.faults.accelerometer else "linear_acceleration"
        inputs: list[dict[str, Any]] = [
            {"source": source, "outputs": [{"x": "accX"}, {"y": "accY"}, {"z": "accZ"}, {"t": "acc_time"}]}
        ]
        if self.with_gyro:
            inputs.append(
                {"source": "gyroscope", "outputs": [{"x": "gyrX"}, {"y": "gyrY"}, {"z": "gyrZ"}, {"t": "gyr_time"}]}
            )
        names = [*ACC, "acc_time", *((*GYR, "gyr_time") if self.with_gyro else ())]
        return {
            "crc32": "5eed",
            "title": "Acceleration (with g)" if self.faults.accelerometer else "Acceleration (without g)",
            "localTitle": "Acceleration (with g)",
            "category": "Raw Sensors",
            "localCategory": "Raw Sensors",
            "buffers": [{"name": n, "size": 0} for n in names],
            "inputs": inputs,
            "export": [],
        }

    def get(self, params: list[tuple[str, str]]) -> dict[str, Any]:
        with self.lock:
            self._catch_up()
            buffers = self._buffers()
            force_full, self._force_full = self._force_full, False
            parts = []
            seen: set[str] = set()
            for name, value in params:
                if name in seen or name not in buffers or name.startswith("_"):
                    continue
                seen.add(name)
                parts.append(self._buffer(name, value, buffers, force_full))
            status = {"session": self.session_id, "measuring": self.measuring, "timedRun": False, "countDown": 0}
        return {"buffer": dict(parts), "status": status}

    def _buffer(
        self, name: str, value: str, buffers: dict[str, NDArray[np.float64]], force_full: bool
    ) -> tuple[str, dict[str, Any]]:
        data = buffers[name]
        if value == "" and not force_full:
            last = [_fmt(data[-1])] if data.size else [None]
            return name, {"size": 0, "updateMode": "single", "buffer": last}
        if value == "full" or force_full:
            selected = np.ones(data.size, dtype=bool)
            mode = "full"
        else:
            threshold_text, _, reference = value.partition("|")
            threshold = float(threshold_text)
            threshold += 10.0 ** math.floor(math.log10(abs(threshold) / 1e7)) if threshold != 0 else 1e-300
            ref = buffers[reference] if reference else data
            selected = ref > threshold  # the app compares its own (unrounded) values
            mode = "partial"
        if name == "acc_time":
            self.served.update(buffers["_index"][selected].astype(np.int64).tolist())
        return name, {"size": 0, "updateMode": mode, "buffer": [_fmt(v) for v in data[selected]]}

    def control(self, params: dict[str, str]) -> dict[str, Any]:
        cmd = params.get("cmd")
        with self.lock:
            if cmd == "start":
                if self.faults.not_running:
                    return {"result": False}
                if not self.measuring:
                    self.measuring = True
                    self._started_at = time.monotonic() - (self._offset + self._produced) / self.rate_hz
                return {"result": True}
            if cmd == "stop":
                self.measuring = False
                return {"result": True}
            if cmd == "clear":
                self._offset += self._produced
                self._produced = 0
                self._force_full = True
                return {"result": True}
        return {"result": False}

    # -------------------------------------------------------------------------------- the server

    def start(self) -> str:
        """Serve on a free port of 127.0.0.1; returns the URL."""
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                pass

            # kept open: the whole answer in one write, as JLHTTP's buffered stream (an unbuffered header write and
            # body write meet the client's delayed ACK: 40 ms an answer)
            wbufsize = -1 if emulator.keep_alive else 0

            def setup(self) -> None:
                super().setup()
                emulator.connections += 1

            def handle_one_request(self) -> None:
                if not self._next_request():
                    self.close_connection = True
                    return
                super().handle_one_request()

            def _next_request(self) -> bool:
                """Wait for the connection's next request, its first included: False when the emulator stops, or,
                kept open, after ``idle_close_s`` (answered 408 first, as JLHTTP's socket timeout). A blocking read
                here held ``stop()`` (which waits for this thread) for as long as the client sent nothing: forever
                for a client on the event loop that called ``stop()`` between its connect and its request (LIVE-67)."""
                deadline = time.monotonic() + emulator.idle_close_s if emulator.keep_alive else math.inf
                while True:
                    if emulator._closing.is_set():  # also between requests that follow each other at once
                        return False
                    if readable(self.connection, IDLE_SLICE_S):
                        return True
                    if time.monotonic() >= deadline:
                        self.wfile.write(
                            b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
                        )
                        self.wfile.flush()  # sent before it is told: kept, its answers are buffered (REVIEW-117)
                        emulator.idle_closed.set()
                        return False

            def do_GET(self) -> None:
                if emulator._silent:  # no answer until the stop; then the connection closes without one
                    emulator._closing.wait()
                    self.close_connection = True
                    return
                url = urllib.parse.urlsplit(self.path)
                params = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
                f = emulator.faults
                if url.path == "/get":
                    emulator.gets += 1
                    if f.drop_every and emulator.gets % f.drop_every == 0:
                        self.close_connection = True
                        return  # no answer at all: the client sees the connection close
                    if f.slow_every and emulator.gets % f.slow_every == 0:
                        time.sleep(f.slow_s)
                    body: Any = emulator.get(params)
                elif url.path == "/config":
                    body = emulator.config()
                elif url.path == "/meta":
                    body = {"version": "1.2.0", "build": "1020009", "deviceBrand": "Emulated", "deviceModel": "Phone"}
                elif url.path == "/control":
                    body = emulator.control(dict(params))
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Content-Length", str(len(data)))
                if not emulator.keep_alive:
                    self.send_header("Connection", "close")  # as GCDWebServer on every answer
                self.end_headers()
                self.wfile.write(data)

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(SERVE_POLL_S,), name="phyphox-emulator", daemon=True
        )
        self._thread.start()
        self._started_at = time.monotonic()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        """Stop serving; returns once the server's thread has ended (within ``IDLE_SLICE_S`` of a wait for a request,
        a slow answer's ``slow_s``, and the server's poll ``SERVE_POLL_S``), also called on the loop of a client that
        holds a connection without having sent its request."""
        self._closing.set()  # every wait on a client ends (the server handles one connection at a time)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> EmulatedPhyphox:
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()


def _fmt(value: float) -> float | None:
    """A value as the app sends it: 8 significant digits (``0.#######E0``); non-finite as null."""
    return float(f"{value:.7e}") if math.isfinite(value) else None
