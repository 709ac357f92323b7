"""Whether a socket has something to read, for sockets numbered above ``select``'s limit too."""

from __future__ import annotations

import select
import socket


def readable(sock: socket.socket, timeout_s: float = 0.0) -> bool:
    """Whether ``sock`` has something to read within ``timeout_s`` (s): data, or its peer closed it (EOF).

    ``poll`` where the system has it: ``select`` raises ValueError for a socket numbered 1024 or above (a process with
    many files open), which a recording must not end on."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(max(0, round(1000 * timeout_s))))
    return bool(select.select([sock], [], [], timeout_s)[0])
