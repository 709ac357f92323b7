"""A small HTTP/1.1 client on the event loop, for one phone's GET requests (LIVE-64).

One request at a time over one connection: the answer's status line, headers and body (``Content-Length``, chunked,
or to the end of the connection) are read from what the connection has received, no thread and no task per read.
Errors are the standard library's, as ``http.client`` raised them (PHONE-21's lines name them): an answer that is not
HTTP is a :class:`http.client.BadStatusLine`, one cut short an :class:`http.client.IncompleteRead`, a connection
closed before any answer a :class:`http.client.RemoteDisconnected`, a time-out ``TimeoutError("timed out")``, a
connect error the socket's ``OSError`` with the system's text. Headers and bodies are bounded
(:data:`MAX_HEADER_BYTES`, :data:`MAX_BODY_BYTES`): a server sending without end is an error, not memory.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import socket
from dataclasses import dataclass

#: Longest status line and headers an answer may have (bytes); http.client allows 100 lines of 64 KiB.
MAX_HEADER_BYTES = 64 * 1024
#: Longest body an answer may have (bytes): a poll's answer is ~1 KB; a phone's whole buffer after a restart
#: (8 buffers, an hour at 500 Hz, ~20 characters a value) is ~300 MB, far more than any restart leaves.
MAX_BODY_BYTES = 256 * 1024 * 1024
#: the empty line that ends a head (after a line's LF: CRLF, or LF alone as http.client also read it)
_BLANK_LINE = re.compile(rb"\n\r?\n")


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: status code, reason, body (bytes), and whether the server keeps the connection open."""

    status: int
    reason: str
    body: bytes
    keep_open: bool


class _Wire(asyncio.Protocol):
    """What a connection has received, and a future the reader waits on until more comes."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.eof = False
        #: the error that ended the connection (a reset), raised where the answer was cut short by it (REVIEW-118)
        self.error: Exception | None = None
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)


class Connection:
    """One TCP connection to ``host:port`` on the running loop; :meth:`get` sends a GET and reads its answer."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._wire: _Wire | None = None

    @property
    def is_open(self) -> bool:
        return self._wire is not None

    async def connect(self) -> None:
        """Open the connection (no time-out here: the caller bounds it); raises OSError."""
        loop = asyncio.get_running_loop()
        try:
            _, wire = await loop.create_connection(_Wire, self.host, self.port)
        except OSError as exc:  # the system's text, as a blocking connect gives it ("[Errno 111] Connection refused")
            if exc.errno is None or isinstance(exc, socket.gaierror):  # the resolver's own text (REVIEW-118)
                raise
            raise type(exc)(exc.errno, os.strerror(exc.errno)) from None
        self._wire = wire

    def stale(self) -> bool:
        """Whether the server closed the connection or sent something nobody asked for (JLHTTP's 408 for an idle
        connection): it cannot carry a request."""
        wire = self._wire
        return wire is None or wire.eof or bool(wire.buffer)

    async def get(self, target: str, timeout_s: float) -> Answer:
        """Send ``GET target`` and read its answer; ``timeout_s`` (s) bounds each wait for more bytes, as a socket
        time-out does. Raises OSError or an ``http.client.HTTPException``; the connection is closed then."""
        wire = self._wire
        assert wire is not None and wire.transport is not None
        host = self.host if ":" not in self.host else f"[{self.host}]"
        host += "" if self.port == 80 else f":{self.port}"  # as http.client names it
        try:
            host_bytes = host.encode("ascii")
        except UnicodeEncodeError:  # a name outside ASCII: in IDNA, as http.client sent it (REVIEW-119)
            host_bytes = host.encode("idna")
        wire.transport.write(
            f"GET {target} HTTP/1.1\r\nHost: ".encode("ascii") + host_bytes + b"\r\nAccept-Encoding: identity\r\n\r\n"
        )
        reader = _AnswerReader()
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout_at(loop.time() + timeout_s) as deadline:
                answer = _feed(reader, wire)
                while answer is None:
                    wire.waiter = loop.create_future()
                    await wire.waiter
                    wire.waiter = None
                    answer = _feed(reader, wire)
                    if answer is None:
                        deadline.reschedule(loop.time() + timeout_s)
        except TimeoutError:
            self.close()
            raise TimeoutError("timed out") from None
        except BaseException:
            self.close()
            raise
        if not answer.keep_open:
            self.close()
        return answer

    def close(self) -> None:
        wire, self._wire = self._wire, None
        if wire is not None and wire.transport is not None:
            wire.transport.close()


def _feed(reader: _AnswerReader, wire: _Wire) -> Answer | None:
    """``reader.feed`` on what ``wire`` received; an answer cut short by a connection error (a reset) raises that
    error with the system's text, as a blocking read did ("[Errno 104] Connection reset by peer", REVIEW-118)."""
    try:
        answer = reader.feed(wire.buffer, wire.eof)
    except http.client.HTTPException:
        if not isinstance(wire.error, OSError):
            raise
        answer = None
    error = wire.error
    if answer is None and isinstance(error, OSError):
        if error.errno is None:
            raise error
        raise type(error)(error.errno, os.strerror(error.errno)) from None
    return answer


class _AnswerReader:
    """Reads one answer from a connection's buffer as it grows (consumed bytes are removed from it)."""

    def __init__(self) -> None:
        self.head: tuple[int, str, dict[str, str], bool] | None = None  # status, reason, headers, HTTP/1.1
        self.body = bytearray()
        # chunked bodies: bytes left of the current chunk with its CRLF; None: a size line next; -1: trailer lines
        self.chunk_left: int | None = None
        #: bytes of interim (1xx) heads and of a chunked body's trailer read: bounded as a head (REVIEW-121)
        self.interim_bytes = 0
        self.trailer_bytes = 0
        self.head_bytes = 0  # the last head's

    def feed(self, buffer: bytearray, eof: bool) -> Answer | None:
        """The answer once complete (None: more bytes needed); raises for an answer that is not HTTP, too large, or
        cut short by ``eof``."""
        while self.head is None or (100 <= self.head[0] < 200 and self.head[0] != 101):
            # an interim answer (100 Continue, 103 Early Hints) comes before the answer: skipped (REVIEW-119)
            if self.head is not None:
                self.interim_bytes += self.head_bytes
                if self.interim_bytes > MAX_HEADER_BYTES:
                    raise http.client.LineTooLong("header line")
            before = len(buffer)
            self.head = _head(buffer, eof)
            if self.head is None:
                return None
            self.head_bytes = before - len(buffer)
        status, reason, headers, http11 = self.head
        closing = "close" in headers.get("connection", "").lower() or (
            not http11 and "keep-alive" not in headers.get("connection", "").lower()
        )
        if status in (204, 304) or 100 <= status < 200:
            return Answer(status, reason, b"", not closing)
        if "chunked" in headers.get("transfer-encoding", "").lower():
            done = self._chunks(buffer, eof)
            return Answer(status, reason, bytes(self.body), not closing) if done else None
        length = headers.get("content-length")
        if length is None:  # to the end of the connection
            self._take(buffer, len(buffer))
            return Answer(status, reason, bytes(self.body), False) if eof else None
        if not (length.isascii() and length.isdigit()) or len(length) > 12 or int(length) > MAX_BODY_BYTES:
            raise http.client.HTTPException(f"Content-Length {length[:40]!r} is not a body this client reads")
        need = int(length) - len(self.body)
        self._take(buffer, min(need, len(buffer)))
        if len(self.body) == int(length):
            return Answer(status, reason, bytes(self.body), not closing)
        if eof:
            raise http.client.IncompleteRead(bytes(self.body), int(length) - len(self.body))
        return None

    def _take(self, buffer: bytearray, n: int) -> None:
        if len(self.body) + n > MAX_BODY_BYTES:
            raise http.client.HTTPException(f"an answer longer than {MAX_BODY_BYTES} bytes")
        self.body += buffer[:n]
        del buffer[:n]

    def _chunks(self, buffer: bytearray, eof: bool) -> bool:
        """Chunks of a chunked body from ``buffer``; True once the last chunk and its trailer have come."""
        while True:
            if self.chunk_left is None or self.chunk_left < 0:  # a size line, or (-1) a trailer line
                end = buffer.find(b"\r\n")
                if end < 0:
                    if len(buffer) > MAX_HEADER_BYTES:
                        raise http.client.LineTooLong("chunk size")
                    break
                line = bytes(buffer[:end])
                del buffer[: end + 2]
                if self.chunk_left is not None:  # the trailer ends at an empty line
                    if not line:
                        return True
                    self.trailer_bytes += end + 2
                    if self.trailer_bytes > MAX_HEADER_BYTES:
                        raise http.client.LineTooLong("trailer line")
                    continue
                size = line.split(b";", 1)[0].strip()
                if not size or len(size) > 16 or any(c not in b"0123456789abcdefABCDEF" for c in size):
                    raise http.client.IncompleteRead(bytes(self.body))
                self.chunk_left = int(size, 16) + 2 if int(size, 16) else -1  # the data and its CRLF
                continue
            data = min(self.chunk_left - 2, len(buffer))
            if data > 0:
                self._take(buffer, data)
                self.chunk_left -= data
            if self.chunk_left > 2 or len(buffer) < 2:
                break
            del buffer[:2]  # the chunk's CRLF
            self.chunk_left = None
        if eof:
            raise http.client.IncompleteRead(bytes(self.body))
        return False


def _head(buffer: bytearray, eof: bool) -> tuple[int, str, dict[str, str], bool] | None:
    """Status, reason, headers (lower-case names) and whether HTTP/1.1, once the head has come; removed from
    ``buffer``. Lines end in CRLF or, as http.client read them, LF alone (REVIEW-119). Raises as http.client does
    for an answer that is not HTTP."""
    blank = _BLANK_LINE.search(buffer)
    if blank is None:
        first = buffer.find(b"\n")
        status_line = bytes(buffer if first < 0 else buffer[: first + 1])
        if first >= 0 or eof:  # the status line has come: is it HTTP at all?
            _status(status_line, eof and first < 0)
        if len(buffer) > MAX_HEADER_BYTES:
            raise http.client.LineTooLong("header line")
        if eof:
            raise http.client.IncompleteRead(bytes(buffer))
        return None
    end = blank.start() + 1  # the head's last line ends here
    if end > MAX_HEADER_BYTES:
        raise http.client.LineTooLong("header line")
    lines = [line.rstrip("\r") for line in bytes(buffer[:end]).decode("iso-8859-1").split("\n")[:-1]]
    del buffer[: blank.end()]
    status, reason, http11 = _status((lines[0] + "\r\n").encode("iso-8859-1"), False)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return status, reason, headers, http11


def _status(line: bytes, cut: bool) -> tuple[int, str, bool]:
    """Code, reason and whether HTTP/1.1 of a status line, as http.client reads it (its errors for one that is not)."""
    text = line.decode("iso-8859-1")
    if not text:
        raise http.client.RemoteDisconnected("Remote end closed connection without response")
    version, _, rest = text.partition(" ")
    code, _, reason = rest.partition(" ")
    if cut or not version.startswith("HTTP/") or len(code) != 3 or not code.isdigit():
        raise http.client.BadStatusLine(text)
    return int(code), reason.strip(), version.strip() == "HTTP/1.1"
