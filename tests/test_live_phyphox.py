"""The phone as the sensor: phyphox's documented remote-access API, against an emulated phone."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from full_disk import full_disk_writer, held_elsewhere
from retrogait.ble.collector import RecordOptions, SensorSpec
from retrogait.ble.sidefile import unpaired_path
from retrogait.errors import RetrogaitError
from retrogait.live.phyphox import PhyphoxBuffers, PhyphoxStream, buffers_from_config
from retrogait.live.phyphox_emulator import EmulatedPhyphox, PhyphoxFaults, index_of
from retrogait.live.recording import record

#: every emulated phone here stops without waiting out its server's 0.5 s poll (SUITE-8)
pytestmark = pytest.mark.usefixtures("phone_stops_at_once")

BUFFERS = PhyphoxBuffers(("accX", "accY", "accZ"), "acc_time", ("gyrX", "gyrY", "gyrZ"), "gyr_time")


def reply(mode: str, t: list[float], session: str = "s1", measuring: bool = True) -> dict:
    cols = {"acc_time": t, "accX": [1.0] * len(t), "accY": [2.0] * len(t), "accZ": [9.8] * len(t)}
    return {
        "buffer": {k: {"size": 0, "updateMode": mode, "buffer": v} for k, v in cols.items()},
        "status": {"session": session, "measuring": measuring, "timedRun": False, "countDown": 0},
    }


def test_incremental_queries_follow_the_documented_threshold_form() -> None:
    stream = PhyphoxStream(BUFFERS)
    assert stream.query()[:2] == [("acc_time", "full"), ("accX", "full")]
    got = stream.take(reply("full", [0.0, 0.005, 0.01]))
    assert got.acc_t.tolist() == [0.0, 0.005, 0.01] and not got.restarted
    q = dict(stream.query())
    assert (
        q["acc_time"] == "0.01"
        and q["accX"] == "0.01|acc_time"
        and q["gyrZ"] == "-inf|gyr_time".replace("-inf|gyr_time", q["gyrZ"])
    )
    assert stream.take(reply("partial", [0.015, 0.02])).acc_t.tolist() == [0.015, 0.02]


@pytest.mark.parametrize(
    "answer",
    [
        reply("full", [0.0, 0.005]),  # the data were cleared: the server answers the whole buffer
        reply("partial", [0.03], session="s2"),  # another experiment (session) was opened
        reply("partial", [0.001, 0.006]),  # experiment time ran backwards
    ],
)
def test_a_reset_of_the_experiment_is_recognised(answer: dict) -> None:
    stream = PhyphoxStream(BUFFERS)
    stream.take(reply("full", [0.0, 0.005, 0.01, 0.015, 0.02]))
    got = stream.take(answer)
    assert got.restarted and got.acc_t.size == len(answer["buffer"]["acc_time"]["buffer"])


def test_an_experiment_without_an_accelerometer_with_g_is_one_line() -> None:
    config = EmulatedPhyphox(faults=PhyphoxFaults(accelerometer=False)).config()
    with pytest.raises(RetrogaitError, match="only linear acceleration") as info:
        buffers_from_config(config, "http://phone:8080")
    assert "\n" not in str(info.value) and "Acceleration (with g)" in str(info.value)
    assert buffers_from_config(EmulatedPhyphox().config(), "u") == BUFFERS
    assert buffers_from_config(EmulatedPhyphox(with_gyro=False).config(), "u").gyr is None


async def _until_all_read(emu: EmulatedPhyphox, recorders: list) -> None:
    """Wait (on the data, never a fixed time; at most ~30 s) until the recorder has read every sample the phone
    measured since its last restart."""
    for _ in range(3000):
        with emu.lock:
            produced = emu._produced
        stream = recorders[0].stream if recorders else None
        if stream is not None and stream.acc_after >= (produced - 1) / emu.rate_hz - 1e-9:
            return
        await asyncio.sleep(0.01)


async def _record_while_feeding(emu: EmulatedPhyphox, out: Path, chunks: int, chunk: int) -> list:
    """Record the emulated phone while its experiment measures ``chunks`` x ``chunk`` samples; stop once
    the recorder has everything the phone measured (waiting on the data, never on a fixed time)."""
    url = emu.start()
    stop = asyncio.Event()
    options = RecordOptions(poll_every_s=0.01, reconnect_give_up_s=30.0, backoff_max_s=0.05)
    spec = SensorSpec(profile="phyphox", placement="shank", out=out, url=url, side="left")
    recorders: list = []
    task = asyncio.create_task(record([spec], options, stop=stop, on_start=recorders.extend))
    for _ in range(chunks):
        emu.advance(chunk)
        await asyncio.sleep(0.02)
    await _until_all_read(emu, recorders)
    stop.set()
    await task
    emu.stop()
    return recorders


def _indices_in(out: Path) -> np.ndarray:
    rows = pd.read_csv(out, comment="#")
    k = index_of(rows[["acc_x", "acc_y", "acc_z"]].to_numpy())
    side = unpaired_path(out)
    if side.exists():
        extra = pd.read_csv(side)
        k = np.concatenate([k, index_of(extra[["acc_x_ms2", "acc_y_ms2", "acc_z_ms2"]].to_numpy())])
    return k


@pytest.mark.parametrize("keep_alive", [False, True])
def test_dropped_connections_slow_answers_and_a_restart_lose_no_sample_that_arrived(
    keep_alive: bool, tmp_path: Path
) -> None:
    """Also over a kept-open connection (LIVE-60): a dropped answer closes it; the next poll opens a new one."""
    faults = PhyphoxFaults(drop_every=5, slow_every=7, slow_s=0.3, restart_at_sample=900)
    emu = EmulatedPhyphox(rate_hz=200.0, faults=faults, keep_alive=keep_alive)
    out = tmp_path / "phone.csv"
    recorders = asyncio.run(_record_while_feeding(emu, out, chunks=40, chunk=40))
    got = _indices_in(out)
    assert len(got) == len(set(got.tolist())), "no sample twice"
    assert set(got.tolist()) == emu.served, "every sample the phone sent is in the session or the side file"
    rec = recorders[0]
    assert rec.restarts == 1 and rec.status.stats.reconnects >= 1
    rows = pd.read_csv(out, comment="#")
    assert np.all(np.diff(rows["t_s"].to_numpy()) > 0)
    assert {"gyr_x", "gyr_y", "gyr_z"} <= set(rows.columns)
    assert (tmp_path / "phone.phyphox.json").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("keep_alive", [False, True])
@pytest.mark.parametrize(
    ("faults", "expected"),
    [
        (None, "does not answer"),
        (PhyphoxFaults(not_running=True), "press the play button"),
        (PhyphoxFaults(accelerometer=False), "only linear acceleration"),
    ],
)
def test_bad_phones_are_one_line(
    faults: PhyphoxFaults | None, expected: str, keep_alive: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from retrogait.cli import main

    emu = EmulatedPhyphox(faults=faults, keep_alive=keep_alive) if faults is not None else None
    url = emu.start() if emu is not None else f"http://127.0.0.1:{_free_port()}"
    try:
        status = main(
            [
                "record",
                "--sensor",
                "phyphox",
                "--url",
                url,
                "--placement",
                "shank",
                "--out",
                str(tmp_path / "a.csv"),
                "--quiet",
            ]
        )
    finally:
        if emu is not None:
            emu.stop()
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and expected in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--sensor", "phyphox", "--placement", "shank", "--out", "a.csv"], "--url"),
        (["--sensor", "phyphox", "--url", "ftp://x", "--placement", "shank", "--out", "a.csv"], "--url"),
        (
            ["--sensor", "phyphox", "--url", "http://x", "--placement", "shank", "--out", "a.csv", "--target-g", "3"],
            "need --feedback",
        ),
        (
            [
                "--sensor",
                "phyphox",
                "--url",
                "http://x",
                "--placement",
                "shank",
                "--out",
                "a.csv",
                "--feedback",
                "loud",
            ],
            "--feedback must be",
        ),
    ],
)
def test_live_arguments_fail_in_one_line(
    args: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from retrogait.cli import main

    monkeypatch.chdir(tmp_path)
    status = main(["record", *args, "--quiet"])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and expected in err


@pytest.mark.parametrize(
    ("faults", "without_gyro"),
    [
        # the gyroscope has nothing for 3 s (longer than GYRO_STALL_S): acceleration there is decided without it
        (PhyphoxFaults(gyro_gap=(400, 1000)), (400, 1000)),
        # ... and it lags 0.5 s behind the accelerometer: at the end, its last 0.5 s never came
        (PhyphoxFaults(gyro_gap=(400, 1000), gyro_lag=100, drop_every=6), (400, 1000)),
    ],
)
def test_acceleration_without_gyroscope_cover_is_a_session_row_with_empty_gyroscope_cells(
    faults: PhyphoxFaults, without_gyro: tuple[int, int], tmp_path: Path
) -> None:
    """REC-20: every acceleration sample the phone sent is a row of the session file (none in the side
    file), in time order; those the gyroscope does not cover have empty gyroscope cells."""
    from retrogait.cli import main
    from retrogait.session import read_session

    emu = EmulatedPhyphox(rate_hz=200.0, faults=faults)
    out = tmp_path / "phone.csv"
    recorders = asyncio.run(_record_while_feeding(emu, out, chunks=40, chunk=40))
    assert not unpaired_path(out).exists(), "nothing goes to the side file"
    session = read_session(out)
    assert np.all(np.diff(session.t_s) > 0)
    k = index_of(session.acc)
    assert k.size == len(set(k.tolist())) and set(k.tolist()) == emu.served, "every sample sent is a row, once"
    missing = session.gyro_missing
    a, b = without_gyro
    assert missing[(k >= a + 3) & (k < b - 3)].all(), "the gap's rows have empty gyroscope cells"
    lag = faults.gyro_lag
    tail = k >= max(emu.served) + 1 - lag - 3 if lag else np.zeros(k.size, dtype=bool)
    assert not missing[((k < a - 3) | (k >= b + 3)) & ~tail].any(), "rows with a gyroscope around keep it"
    if lag:
        assert missing[k > max(emu.served) - lag + 3].all(), "the end the gyroscope never covered"
    stats = recorders[0].status.stats
    assert stats.acc_without_gyro == int(missing.sum()) and stats.unpaired_kept == 0
    assert '"acc_without_gyro"' in (tmp_path / "phone.phyphox.json").read_text()
    assert main(["analyze", str(out), "--out", str(tmp_path / "analysis"), "--no-report"]) == 0


def test_what_the_phone_measured_since_its_last_poll_is_fetched_at_the_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LIVE-21: the stop comes right after a poll (forced with a hook on the recorder, not timing), while the
    phone has measured 100 samples more: one last poll fetches them, as a BLE sensor's last packets arrive
    during its stop sequence. They were left on the phone, the file ending up to a poll interval early."""
    from retrogait.live.phyphox import PhyphoxRecorder

    emu = EmulatedPhyphox(rate_hz=200.0)
    out = tmp_path / "phone.csv"
    take = PhyphoxRecorder._take
    stopped: list[int] = []

    async def main() -> None:
        url = emu.start()
        stop = asyncio.Event()

        def take_then_stop(rec: PhyphoxRecorder, samples: Any, arrival_s: float) -> None:
            take(rec, samples, arrival_s)
            with emu.lock:
                produced = emu._produced
            if not stopped and produced >= 400 and rec.stream.acc_after >= (produced - 1) / emu.rate_hz - 1e-9:
                emu.advance(100)  # measured after this poll; the stop follows before the next one
                stopped.append(produced + 100)
                stop.set()

        monkeypatch.setattr(PhyphoxRecorder, "_take", take_then_stop)
        options = RecordOptions(poll_every_s=0.01)
        spec = SensorSpec(profile="phyphox", placement="shank", out=out, url=url, side="left")
        task = asyncio.create_task(record([spec], options, stop=stop))
        while not stopped:
            emu.advance(40)
            await asyncio.sleep(0.02)
        await task
        emu.stop()

    asyncio.run(main())
    got = _indices_in(out)
    assert got.max() == stopped[0] - 1 and set(got.tolist()) == emu.served
    assert len(got) == len(set(got.tolist()))


def test_the_poll_loop_waits_at_most_the_poll_interval_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LIVE-52: ``RecordOptions.poll_every_s`` (``record --poll-ms``) is the loop's interval: every wait between two
    polls is what is left of the interval's grid (LIVE-64: the next poll due an interval after the one before was due;
    structural, not timed: at most the interval, whatever the load), so
    10 ms is never a wait of the 25 ms default. The stop comes after 6 polls (a hook, not a clock). The waits are the
    poll task's on the loop (LIVE-64)."""
    from retrogait.live import phyphox

    poll_every_s = 0.01  # below the default: a loop on the default would wait up to 25 ms
    assert poll_every_s < RecordOptions.poll_every_s
    emu = EmulatedPhyphox(rate_hz=200.0)
    waits: list[float] = []
    pause = phyphox.PhyphoxRecorder._pause

    async def spy(rec: phyphox.PhyphoxRecorder, stopping: Any, seconds: float) -> None:
        waits.append(seconds)
        await pause(rec, stopping, seconds)

    take = phyphox.PhyphoxRecorder._take

    async def main() -> None:
        url = emu.start()
        stop = asyncio.Event()

        def take_and_count(rec: phyphox.PhyphoxRecorder, samples: Any, arrival_s: float) -> None:
            take(rec, samples, arrival_s)
            emu.advance(5)
            if rec.polls >= 6:
                stop.set()

        monkeypatch.setattr(phyphox.PhyphoxRecorder, "_take", take_and_count)
        monkeypatch.setattr(phyphox.PhyphoxRecorder, "_pause", spy)
        spec = SensorSpec(profile="phyphox", placement="shank", out=tmp_path / "phone.csv", url=url, side="left")
        await record([spec], RecordOptions(poll_every_s=poll_every_s), stop=stop)
        emu.stop()

    asyncio.run(main())
    assert len(waits) >= 4  # the waits between the polls (the stop may cut the last one short)
    assert max(waits) <= poll_every_s


@pytest.mark.parametrize("keep_alive", [True, False])
def test_a_phone_that_keeps_its_connection_open_is_polled_over_that_one(keep_alive: bool, tmp_path: Path) -> None:
    """LIVE-60: phyphox on Android (JLHTTP) keeps a connection open between requests: the whole recording, its
    start included, goes over one. One that closes it after each answer (iOS) gets a new one per request. Every
    sample the phone sent is in the file, once, either way."""
    emu = EmulatedPhyphox(rate_hz=200.0, keep_alive=keep_alive)
    out = tmp_path / "phone.csv"
    recorders = asyncio.run(_record_while_feeding(emu, out, chunks=20, chunk=40))
    got = _indices_in(out)
    assert len(got) == len(set(got.tolist())) and set(got.tolist()) == emu.served
    requests = emu.gets + 2  # /config and /meta before the first /get
    assert emu.gets > 20
    assert emu.connections == (1 if keep_alive else requests)
    assert recorders[0].client.connections == emu.connections


def test_a_kept_connection_the_phone_closed_for_idling_is_replaced_before_the_next_request() -> None:
    """JLHTTP answers a connection idle for its socket timeout (10 s) with a 408 and closes it: the client sees
    that before it sends, opens a new connection and gets its answer (the 408 is not taken for it, no error).
    The wait is on the emulator's event, not a clock. The emulator's idle time counts from its accept, the first
    request's included: 1 s, not less, so that a busy machine's pause between the client's connect and its send is
    not taken for idling (REVIEW-117)."""
    from retrogait.live.phyphox import PhyphoxClient

    emu = EmulatedPhyphox(rate_hz=200.0, keep_alive=True, idle_close_s=1.0)
    client = PhyphoxClient(emu.start())

    async def main() -> None:
        try:
            assert (await client.request("/meta"))["deviceModel"] == "Phone"
            assert await asyncio.to_thread(emu.idle_closed.wait, 60.0)
            assert (await client.request("/meta"))["deviceModel"] == "Phone"
            assert client.connections == 2 and emu.connections == 2
        finally:
            client.close()

    try:
        asyncio.run(main())
    finally:
        emu.stop()


def test_a_kept_connection_idle_longer_than_the_phone_keeps_it_is_not_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection idle for ``KEEPALIVE_IDLE_S`` (half JLHTTP's 10 s) is replaced before a request: the phone may be
    closing it that moment. With the limit at 0 every request opens a new one."""
    from retrogait.live import phyphox

    emu = EmulatedPhyphox(rate_hz=200.0, keep_alive=True)
    client = phyphox.PhyphoxClient(emu.start())

    async def main() -> None:
        try:
            for _ in range(3):
                await client.request("/meta")
            assert client.connections == 1
            monkeypatch.setattr(phyphox, "KEEPALIVE_IDLE_S", 0.0)
            for _ in range(3):
                await client.request("/meta")
            assert client.connections == 4
        finally:
            client.close()

    try:
        asyncio.run(main())
    finally:
        emu.stop()


def test_a_phone_answering_something_that_is_not_http_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A server at the address that answers garbage (no HTTP status line): the phone's one error line, naming what
    came, not an internal error."""
    from retrogait.cli import main

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.05)  # accept wakes to see the end of the test: closing does not wake it (LIVE-67)
    port = server.getsockname()[1]
    over = threading.Event()

    def answer() -> None:
        while not over.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:  # closed: the test is over
                return
            conn.settimeout(10.0)
            with conn, suppress(OSError):
                conn.recv(4096)
                conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        status = main(
            ["record", "--sensor", "phyphox", "--url", f"http://127.0.0.1:{port}", "--placement", "shank"]
            + ["--out", str(tmp_path / "a.csv"), "--quiet"]
        )
    finally:
        over.set()
        thread.join(10.0)
        server.close()
    assert not thread.is_alive()
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "does not answer" in err and "SSH-2.0" in err, err
    assert not (tmp_path / "a.csv").exists()


async def _recording_with_all_read(
    emu: EmulatedPhyphox, url: str, options: RecordOptions, out: Path
) -> tuple[asyncio.Task[None], list[Any]]:
    """A left shank's phone recording started on the running loop, returned (its task and recorders) once the
    emulated phone has measured 400 samples (10 x 40) and the recorder has read all of them (on the data, not a
    clock)."""
    spec = SensorSpec(profile="phyphox", placement="shank", out=out, url=url, side="left")
    recorders: list[Any] = []
    task = asyncio.create_task(record([spec], options, on_start=recorders.extend))
    for _ in range(10):
        emu.advance(40)
        await asyncio.sleep(0.02)
    for _ in range(3000):
        stream = recorders[0].stream if recorders else None
        if stream is not None and stream.acc_after >= (400 - 1) / emu.rate_hz - 1e-9:
            break
        await asyncio.sleep(0.01)
    return task, recorders


@pytest.mark.parametrize("keep_alive", [False, True])
def test_a_phone_that_stops_answering_ends_the_recording_in_one_line_keeping_what_came(
    keep_alive: bool, tmp_path: Path
) -> None:
    """The give-up line (raised in the poll task on the loop, LIVE-64): the phone's server goes
    away after every sample measured so far was read; after ``reconnect_give_up_s`` of failed polls the recording
    ends with one line naming the phone and the file, which holds every sample read."""
    emu = EmulatedPhyphox(rate_hz=200.0, **({"keep_alive": True} if keep_alive else {}))
    out = tmp_path / "phone.csv"

    async def main() -> list:
        url = emu.start()
        options = RecordOptions(poll_every_s=0.01, reconnect_give_up_s=0.3, backoff_max_s=0.05)
        task, recorders = await _recording_with_all_read(emu, url, options, out)
        emu.stop()
        with pytest.raises(RetrogaitError) as info:
            await task
        message = str(info.value)
        assert "\n" not in message and "phyphox stopped answering for 0.3 s" in message
        assert "does not answer" in message and f"{out} holds everything until then" in message
        return recorders

    recorders = asyncio.run(main())
    assert recorders[0].status.state == "failed"
    got = _indices_in(out)
    assert len(got) == len(set(got.tolist())) and set(got.tolist()) == emu.served and max(emu.served) == 399


@pytest.mark.parametrize("keep_alive", [False, True])
def test_the_emulated_phone_stops_while_a_client_holds_a_connection_without_a_request(keep_alive: bool) -> None:
    """LIVE-67: ``stop()`` waits for the server's thread; a client connected that has not sent its request (a
    recorder on the loop that calls ``stop()`` between its connect and its request: the give-up test's hang under
    load) held it forever where the emulator closes connections per answer (iOS): the thread was in a blocking read
    of the request. Now every wait for a request watches the stop. Bounded: the stop runs in a thread joined 10 s."""
    emu = EmulatedPhyphox(keep_alive=keep_alive)
    port = int(emu.start().rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as client:
        deadline = time.monotonic() + 60  # a bound for a broken build only
        while emu.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.001)  # accepted: the server's thread now waits for this connection's request
        assert emu.connections == 1
        stopper = threading.Thread(target=emu.stop, daemon=True)
        stopper.start()
        stopper.join(10.0)
        assert not stopper.is_alive(), "stop() waits on a client that sends nothing"
        assert client.recv(1) == b""  # closed without an answer


def test_a_phone_stopped_between_a_polls_connect_and_its_request_ends_the_recording_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LIVE-67: the give-up test's interleaving forced, no load: the emulated phone (a connection per answer, iOS) is
    stopped on the loop, as that test does, once its server has accepted a poll's connection and before the GET is
    written. Before the fix the loop waited in ``stop()`` for the server's thread, which waited for that GET: the
    test hung (pytest-timeout's 300 s, twice at load 10-13). Here the stop runs in a thread the loop joins 10 s (it
    still cannot send meanwhile); then the give-up line, and the file holds every sample read.

    SUITE-5: the poll's connection is told by its client port among those the server's thread accepted (stdlib's
    ``verify_request``, called right after each accept), not by a count of connections taken when the test arms: a
    poll whose connection the server had accepted before that count waited out the bound for an accept that could
    not come (60.56 s in a full run under load) and passed without the interleaving. The bound is now a failure."""
    from http.server import HTTPServer

    from retrogait.live import http_wire

    emu = EmulatedPhyphox(rate_hz=200.0)
    out = tmp_path / "phone.csv"
    accepted: list[int] = []  # the client port of every connection the server's thread accepted, in order
    armed: list[bool] = []
    in_time: list[bool] = []
    stopped: list[bool] = []
    connect = http_wire.Connection.connect
    verify_request = HTTPServer.verify_request

    def verify_accepted(server: HTTPServer, request: Any, client_address: Any) -> bool:
        accepted.append(client_address[1])  # on the server's thread, once it has accepted the connection
        return verify_request(server, request, client_address)

    async def connect_then_stop(conn: http_wire.Connection) -> None:
        before = len(accepted)
        await connect(conn)
        if armed and not stopped:
            assert conn._wire is not None and conn._wire.transport is not None
            port = conn._wire.transport.get_extra_info("sockname")[1]
            deadline = time.monotonic() + 60  # a bound for a broken build only
            while port not in accepted[before:] and time.monotonic() < deadline:
                time.sleep(0.001)  # on the loop: the server's thread has accepted this connection
            in_time.append(port in accepted[before:])
            stopper = threading.Thread(target=emu.stop, daemon=True)
            stopper.start()
            stopper.join(10.0)  # on the loop: this connection's GET is not written meanwhile
            stopped.append(not stopper.is_alive())

    monkeypatch.setattr(HTTPServer, "verify_request", verify_accepted)
    monkeypatch.setattr(http_wire.Connection, "connect", connect_then_stop)

    async def main() -> str:
        url = emu.start()
        options = RecordOptions(poll_every_s=0.01, reconnect_give_up_s=0.3, backoff_max_s=0.05)
        task, _ = await _recording_with_all_read(emu, url, options, out)
        armed.append(True)  # the next poll's connect stops the phone
        with pytest.raises(RetrogaitError) as info:
            await task
        return str(info.value)

    try:
        message = asyncio.run(main())
    finally:
        emu.stop()
    assert in_time == [True], "the server did not accept the poll's connection within the bound: nothing was forced"
    assert stopped == [True], "stop() waited for the poll's request, which the loop could not send"
    assert "\n" not in message and "phyphox stopped answering for 0.3 s" in message and "does not answer" in message
    got = _indices_in(out)
    assert len(got) == len(set(got.tolist())) and set(got.tolist()) == emu.served and max(emu.served) == 399


@pytest.mark.parametrize("keep_alive", [False, True])
def test_a_phone_that_falls_silent_ends_the_recording_in_the_give_up_line(keep_alive: bool, tmp_path: Path) -> None:
    """LIVE-68: a phone that takes the requests and never answers (the app frozen, its Wi-Fi gone with the
    connection up): every wait on it has the poll's time-out (``connect_timeout_s / 10``, here 0.2 s; a read with no
    byte, a connect the listen queue does not complete), so the polls fail and after ``reconnect_give_up_s`` the
    recording ends in the give-up line, naming the time-out; the file holds every sample read. No load, no clock:
    the phone falls silent once everything it measured was read."""
    emu = EmulatedPhyphox(rate_hz=200.0, keep_alive=keep_alive)
    out = tmp_path / "phone.csv"

    async def main() -> str:
        url = emu.start()
        options = RecordOptions(poll_every_s=0.01, reconnect_give_up_s=0.3, backoff_max_s=0.05, connect_timeout_s=2.0)
        task, recorders = await _recording_with_all_read(emu, url, options, out)
        emu.fall_silent()
        with pytest.raises(RetrogaitError) as info:
            await task
        assert recorders[0].status.state == "failed"
        return str(info.value)

    try:
        message = asyncio.run(main())
    finally:
        emu.stop()
    assert "\n" not in message and "phyphox stopped answering for 0.3 s" in message, message
    assert "does not answer (timed out)" in message and f"{out} holds everything until then" in message, message
    got = _indices_in(out)
    assert len(got) == len(set(got.tolist())) and set(got.tolist()) == emu.served and max(emu.served) == 399


def test_a_recording_ended_by_an_error_on_the_loop_ends_its_poller_first(tmp_path: Path) -> None:
    """REVIEW-115: a listener that raises ends the recording on the loop (its one line) while a request may be in
    flight (here slow answers): ``record`` returns only once the polls have ended (LIVE-64: a task on the loop, no
    thread), and the phone's connection is closed, not opened again by a last request after the recorder closed it."""
    emu = EmulatedPhyphox(rate_hz=200.0, keep_alive=True, faults=PhyphoxFaults(slow_every=1, slow_s=0.5))
    out = tmp_path / "phone.csv"

    def broken(rec: Any, timed: Any) -> None:
        raise ValueError("listener broke")

    async def main() -> list:
        url = emu.start()
        spec = SensorSpec(profile="phyphox", placement="shank", out=out, url=url, side="left")
        recorders: list = []

        def started(recs: list) -> None:
            recorders.extend(recs)
            recs[0].listeners.append(broken)

        task = asyncio.create_task(record([spec], RecordOptions(poll_every_s=0.01), on_start=started))
        for _ in range(3000):  # until the recording ends (on its end, not a clock)
            if task.done():
                break
            emu.advance(40)
            await asyncio.sleep(0.01)
        with pytest.raises(RetrogaitError, match="listener broke"):
            await task
        assert recorders[0].client._conn is None  # closed by the recorder, after the poller's last request
        return recorders

    try:
        recorders = asyncio.run(main())
        assert not [t for t in threading.enumerate() if t.name.startswith("phyphox poll")]
        assert recorders[0].client._conn is None  # not opened again by polls that outlived the recording
    finally:
        emu.stop()


def test_a_proxy_in_the_environment_is_not_used_for_the_phone(monkeypatch: pytest.MonkeyPatch) -> None:
    """REVIEW-116: the phone is on the same network; an HTTP proxy set for the computer's web access (``http_proxy``,
    often without the phone's address in ``no_proxy``) cannot reach it, so requests go to the phone directly (urllib
    sent them to the proxy: "Connection refused" from a proxy that is not there)."""
    from retrogait.live.phyphox import PhyphoxClient

    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # the discard port: nothing listens
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    emu = EmulatedPhyphox(rate_hz=200.0)
    client = PhyphoxClient(emu.start())

    async def main() -> None:
        try:
            assert (await client.request("/meta"))["deviceModel"] == "Phone"
        finally:
            client.close()

    try:
        asyncio.run(main())
    finally:
        emu.stop()


@pytest.mark.parametrize("keep_alive", [False, True])
@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
@pytest.mark.usefixtures("ctrl_c_as_from_a_terminal")
def test_ctrl_c_or_sigterm_keeps_every_sample_the_phone_measured(keep_alive: bool, stop: str, tmp_path: Path) -> None:
    """REVIEW-117: ``retrogait record --sensor phyphox`` stopped by Ctrl-C or SIGTERM (another process) ends with
    status 0 and its file holds every sample the phone measured until the signal, each once: those of the polls
    and those the poll task fetches at the stop (LIVE-21, LIVE-64). The phone measures only when the test
    advances it, and the signal comes once the file has rows (on the data, not a clock)."""
    import os
    import signal
    import subprocess
    import sys

    cli = [sys.executable, "-c", "import sys; from retrogait.cli import main; sys.exit(main())"]
    emu = EmulatedPhyphox(rate_hz=200.0, keep_alive=keep_alive)
    out = tmp_path / "phone.csv"
    url = emu.start()
    args = ["record", "--sensor", "phyphox", "--url", url, "--placement", "shank", "--out", str(out), "--quiet"]
    proc = subprocess.Popen([*cli, *args], env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120  # a bound for a broken build only
        while time.monotonic() < deadline and not (out.exists() and out.stat().st_size > 2_000):
            assert proc.poll() is None, proc.communicate()
            if emu.gets > 0:  # measuring, polled: more samples
                emu.advance(20)
            time.sleep(0.05)
        emu.advance(30)  # measured after the last rows written: the stop's fetch takes them
        proc.send_signal(getattr(signal, stop))
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        emu.stop()
    assert proc.returncode == 0, stderr.decode()
    got = _indices_in(out)
    with emu.lock:
        produced = emu._produced
    assert len(got) == len(set(got.tolist())) and set(got.tolist()) == emu.served
    assert emu.served == set(range(produced))


@pytest.mark.parametrize("room_again_at", [6, None])
def test_a_full_disk_loses_no_sample_of_a_phone_either(
    room_again_at: int | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-273: EDGE-293 (a write the full disk refuses loses nothing: cut back, held, written again, at the end
    elsewhere) was built into the BLE recorder's flush only; a phyphox phone's recorder stores and flushes on its own
    path, so on edge60 its recording ended at the first refused append with the samples after the last flush lost
    (and the file with half a batch at its end). Now the phone's rows are each in the file once (room again), or in
    the file and the temporary folder's (full to the end), the line saying where."""
    elsewhere = held_elsewhere(tmp_path, monkeypatch)
    out = tmp_path / "phone.csv"
    FullDisk = full_disk_writer(out, room_again_at, rows_only=True)

    emu = EmulatedPhyphox(rate_hz=200.0)

    async def main() -> None:
        url = emu.start()
        stop = asyncio.Event()
        options = RecordOptions(poll_every_s=0.01, flush_every_s=0.05)
        spec = SensorSpec(profile="phyphox", placement="shank", out=out, url=url, side="left")
        recorders: list = []
        task = asyncio.create_task(
            record([spec], options, stop=stop, on_start=recorders.extend, writer_factory=FullDisk)
        )
        for _ in range(30):
            emu.advance(40)
            await asyncio.sleep(0.03)
        await _until_all_read(emu, recorders)
        stop.set()
        try:
            await task
        finally:
            emu.stop()

    if room_again_at is None:
        with pytest.raises(RetrogaitError, match=r"the disk is full \(No space left on device\): it holds the first"):
            asyncio.run(main())
    else:
        asyncio.run(main())
    assert FullDisk.appends >= (3 if room_again_at is None else room_again_at)
    got = _indices_in(out)
    for held in sorted(elsewhere.glob("phone.after-disk-full-*.csv")):
        got = np.concatenate([got, index_of(pd.read_csv(held, comment="#")[["acc_x", "acc_y", "acc_z"]].to_numpy())])
    assert len(got) == len(set(got.tolist())), "no sample twice"
    assert set(got.tolist()) == emu.served, "every sample the phone sent is in a file"
