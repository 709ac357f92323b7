"""A kept phone connection is checked for EOF with ``poll``, which, unlike ``select``, takes a socket numbered 1024 or
above (a process with many files open); and the phone's error line quotes at most REASON_MAX_CHARS of an answer."""

from __future__ import annotations

import os
import resource
import socket

import pytest

from retrogait.live.phyphox import REASON_MAX_CHARS, unreachable
from retrogait.live.socket_wait import readable

HIGH_FD = 1500


def test_a_socket_numbered_above_select_s_limit_is_checked() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard <= HIGH_FD:
        pytest.skip(f"the hard limit of open files ({hard}) is below {HIGH_FD}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, HIGH_FD + 1), hard))
    ours, peer = socket.socketpair()
    try:
        high = socket.socket(fileno=os.dup2(ours.fileno(), HIGH_FD))
        try:
            assert not readable(high)  # open, nothing sent
            peer.sendall(b"x")
            assert readable(high, 1.0)
            assert high.recv(1) == b"x"
            peer.close()
            assert readable(high, 1.0)  # EOF
        finally:
            high.close()
    finally:
        ours.close()
        peer.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_long_answer_is_quoted_short_on_one_line() -> None:
    line = str(unreachable("http://phone:8080", OSError("BadStatusLine: " + "garbage\n" * 8000)))
    quoted = line.split("does not answer (", 1)[1].split("): put the phone", 1)[0]
    assert len(quoted) == REASON_MAX_CHARS and quoted.endswith("…")
    assert "\n" not in line
    assert (
        str(unreachable("http://phone:8080", OSError("BadStatusLine: SSH-2.0-OpenSSH_9.6"))).count(
            "(BadStatusLine: SSH-2.0-OpenSSH_9.6)"
        )
        == 1
    )
