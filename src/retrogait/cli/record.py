"""``retrogait record``: record BLE sensors and phyphox phones into native session files, optionally
with live impact feedback (docs/ble.md, docs/live.md)."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from retrogait.cli.app import app
from retrogait.conventions import AXES, PLACEMENTS, placement_named, side_named
from retrogait.errors import RetrogaitError
from retrogait.outfiles import recording_side_files, refuse_replacing_a_recording

if TYPE_CHECKING:  # asyncio is imported when recording starts, not at every command-line start
    import asyncio


def _pair_up(
    sensors: list[str], addresses: list[str], names: list[str], urls: list[str]
) -> list[tuple[str, str | None, str | None, str | None]]:
    """Match each BLE --sensor with its --address or --name, and each ``phyphox`` with its --url, in order."""
    if not sensors:
        raise RetrogaitError("give at least one --sensor PROFILE with its --address or --name")
    ble = [s for s in sensors if s != "phyphox"]
    phones = len(sensors) - len(ble)
    if len(urls) != phones:
        raise RetrogaitError(f"{phones} --sensor phyphox given but {len(urls)} --url: give one per phone")
    targets: list[tuple[str | None, str | None]] = [(a, None) for a in addresses] + [(None, n) for n in names]
    if addresses and names and len(ble) > 1:
        raise RetrogaitError("with several sensors use either --address for all or --name for all (order is ambiguous)")
    if len(targets) != len(ble):
        raise RetrogaitError(f"{len(ble)} --sensor given but {len(targets)} --address/--name: give one per sensor")
    ble_targets, url_iter = iter(targets), iter(urls)
    out: list[tuple[str, str | None, str | None, str | None]] = []
    for s in sensors:
        if s == "phyphox":
            out.append((s, None, None, next(url_iter)))
        else:
            a, n = next(ble_targets)
            out.append((s, a, n, None))
    return out


def _ignored(sig: int) -> bool:
    """True when ``sig`` is ignored (``nohup`` ignores SIGHUP), or cannot be looked at."""
    try:
        return signal.getsignal(sig) is signal.SIG_IGN
    except (ValueError, OSError):
        return True


@contextlib.contextmanager
def stop_on_signals(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> Iterator[None]:
    """Ctrl-C / SIGTERM / SIGHUP set ``stop`` so the recording finishes its files, on every operating system.

    Unix loops take ``add_signal_handler``; on Windows it is not implemented, so a plain
    ``signal.signal`` handler wakes the loop thread-safely instead of letting KeyboardInterrupt tear
    through the writer (which would lose the unflushed rows and the ``.ble.json`` log). SIGHUP (the terminal or
    the ssh connection gone) killed the recording with its unflushed rows and its log (EDGE-101); a signal ignored
    when the recording starts (``nohup``: SIGHUP) stays ignored, so such a recording goes on.
    """
    previous: dict[int, Any] = {}
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    signals = [s for s in (getattr(signal, n, None) for n in names) if s is not None and not _ignored(s)]
    # the handlers before (interrupt.py's: the files are finished, then one line and 130/143/129): the loop's removal
    # leaves the default ones, under which finishing the files and the summary could be killed outright (review)
    before = {sig: signal.getsignal(sig) for sig in signals}
    for sig in signals:
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:
            previous[sig] = signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
    try:
        yield
    finally:
        for sig in signals:
            if sig in previous:
                signal.signal(sig, previous[sig])
            else:
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(sig)
                if before[sig] is not None:
                    signal.signal(sig, before[sig])


#: ``--poll-ms`` bounds (ms): below 5 ms a poll cannot be answered by a phone over Wi-Fi before the next is due
#: (a GET takes some ms there, docs/live.md) and only keeps a thread busy; above 1 s a cue waits longer than a stride.
POLL_MIN_MS, POLL_MAX_MS = 5.0, 1000.0
#: ``RecordOptions.poll_every_s`` in ms, for the help text without importing the recorder at every start (a test
#: keeps the two equal)
POLL_DEFAULT_MS = 25.0


SENSOR_HELP = (
    "Profile: polar, movesense, metawear, witmotion, thingy52, diy_nrf52, a .toml file, or phyphox (a phone, "
    "with --url); repeatable."
)
CUE_HELP = "Where cues go: audio (needs the 'live' extra), bell, osc (with --osc); repeatable. Default: audio."
PLACEMENT_HELP = f"Where it is worn: {', '.join(PLACEMENTS)}; one, or one per sensor."


@app.command()
def record(
    sensor: Annotated[list[str], typer.Option("--sensor", help=SENSOR_HELP)],
    placement: Annotated[list[str], typer.Option("--placement", help=PLACEMENT_HELP)],
    out: Annotated[list[Path], typer.Option("--out", help="Session file to write (.csv), one per sensor.")],
    address: Annotated[list[str] | None, typer.Option("--address", help="Device address, one per --sensor.")] = None,
    name: Annotated[list[str] | None, typer.Option("--name", help="Device name prefix, instead of --address.")] = None,
    side: Annotated[list[str] | None, typer.Option("--side", help="left/right for foot or shank sensors.")] = None,
    duration_s: Annotated[
        float | None, typer.Option("--duration", help="Stop after this many s (default: Ctrl-C).")
    ] = None,
    rate_hz: Annotated[float | None, typer.Option("--rate", help="Sample rate (Hz); default: best for gait.")] = None,
    acc_range_g: Annotated[float | None, typer.Option("--range", help="Accelerometer range (±g).")] = None,
    gyr_range_dps: Annotated[float | None, typer.Option("--gyro-range", help="Gyroscope range (±deg/s).")] = None,
    scan_timeout_s: Annotated[float, typer.Option("--scan-timeout", help="How long to look for a sensor (s).")] = 10.0,
    reconnect_give_up_s: Annotated[float, typer.Option("--give-up", help="Stop reconnecting after (s).")] = 120.0,
    quiet: Annotated[bool, typer.Option("--quiet", help="No live view, only the summary.")] = False,
    url: Annotated[
        list[str] | None, typer.Option("--url", help="phyphox remote-access address, one per --sensor phyphox.")
    ] = None,
    feedback: Annotated[
        str | None, typer.Option("--feedback", help="Live feedback: 'impact' (a cue per contact above target).")
    ] = None,
    target_g: Annotated[
        float | None, typer.Option("--target-g", help="Impact target (g above 1 g); default: a drop from baseline.")
    ] = None,
    target_drop_pct: Annotated[
        float | None, typer.Option("--target-drop", help="Target as % below the baseline impact (default 10).")
    ] = None,
    baseline_steps: Annotated[
        int, typer.Option("--baseline-steps", help="Contacts whose median impact is the baseline.")
    ] = 20,
    cue: Annotated[list[str] | None, typer.Option("--cue", help=CUE_HELP)] = None,
    osc: Annotated[
        str | None, typer.Option("--osc", help="Send every step as OSC to HOST:PORT (implies --cue osc).")
    ] = None,
    anterior_axis: Annotated[
        list[str] | None,
        typer.Option("--anterior-axis", help="Sensor axis pointing forward when standing (+x ... -z), or per sensor."),
    ] = None,
    poll_ms: Annotated[
        float | None,
        typer.Option(
            "--poll-ms",
            help=f"phyphox: ask the phone for new samples this often (ms, {POLL_MIN_MS:g}-"
            f"{POLL_MAX_MS:g}; default {POLL_DEFAULT_MS:g}).",
        ),
    ] = None,
) -> None:
    """Record BLE sensors and phyphox phones, each to its own session file; optionally with live feedback."""
    import asyncio

    from retrogait.ble.collector import RecordOptions, SensorRecorder, SensorSpec
    from retrogait.ble.liveview import live_view, summary_lines
    from retrogait.ble.profiles.base import StreamSettings
    from retrogait.live.recording import record as run_record

    _refuse_impossible_numbers(
        {"--duration": duration_s, "--rate": rate_hz, "--range": acc_range_g, "--gyro-range": gyr_range_dps},
        scan_timeout_s,
        reconnect_give_up_s,
        baseline_steps,
    )
    pairs = _pair_up(sensor, address or [], name or [], url or [])
    n = len(pairs)
    poll_every_s = _poll_interval_s(poll_ms, "phyphox" in sensor)

    def per_sensor(values: list[str], what: str, allow_empty: bool = False) -> list[str | None]:
        if not values and allow_empty:
            return [None] * n
        if len(values) == 1:
            return [values[0]] * n
        if len(values) != n:
            raise RetrogaitError(f"give one {what} or one per --sensor ({n})")
        return list(values)

    if len(out) != n:
        raise RetrogaitError(f"give one --out per --sensor ({n})")
    if len({os.path.abspath(o) for o in out}) != n:
        raise RetrogaitError("give each --sensor its own --out file")
    for o in out:  # before looking for any sensor: a recording is never overwritten (EDGE-4), nor its side files
        for path in (o, *recording_side_files(o)):  # (moving run.csv away leaves run.unpaired.csv ... behind)
            refuse_replacing_a_recording(path)
        try:  # the folder of every file of the recording, before any sensor is looked for (USER-5)
            o.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RetrogaitError(f"{o}: cannot be written: its folder cannot be made ({exc.strerror or exc})") from None
    places, sides = per_sensor(placement, "--placement"), per_sensor(side or [], "--side", allow_empty=True)
    axes = per_sensor(anterior_axis or [], "--anterior-axis", allow_empty=True)
    for ax in axes:
        if ax is not None and ax not in AXES:
            raise RetrogaitError(f"--anterior-axis must be one of {' '.join(AXES)}, got {ax!r}")
    try:  # any case, "lower-back", "L"; a word for a placement is answered with it (EDGE-75)
        places = [placement_named(str(p)) for p in places]  # --placement is required: never None
        sides = [side_named(s) if s is not None else None for s in sides]
    except ValueError as exc:
        raise RetrogaitError(str(exc)) from None
    settings = StreamSettings(rate_hz=rate_hz, acc_range_g=acc_range_g, gyr_range_dps=gyr_range_dps)
    specs = [
        SensorSpec(
            profile=p, placement=str(pl), out=o, address=a, name=nm, side=sd, settings=settings, url=u, anterior_axis=ax
        )
        for (p, a, nm, u), pl, sd, o, ax in zip(pairs, places, sides, out, axes, strict=True)
    ]
    live = None
    if feedback is not None:
        live = _live_feedback(feedback, target_g, target_drop_pct, baseline_steps, cue or [], osc)
    elif target_g is not None or target_drop_pct is not None or cue or osc:
        raise RetrogaitError("--target-g, --target-drop, --cue and --osc need --feedback impact")
    options = RecordOptions(
        duration_s=duration_s,
        scan_timeout_s=scan_timeout_s,
        reconnect_give_up_s=reconnect_give_up_s,
        # live feedback: packets are handled as they arrive; keyed packets wait 30 ms, not 0.3 s, for an
        # earlier one (BLE delivers a connection's notifications in order; decision BLE-15)
        reorder_window_s=0.03 if live else 0.3,
        wake_on_arrival=live is not None,
        poll_every_s=poll_every_s,
    )
    from retrogait.cli.display import line_console

    console = line_console(stderr=True)
    if live is not None:
        for note in live.notes:
            console.print(f"note: {note}", markup=False, highlight=False)

    async def main() -> list[str]:
        stop = asyncio.Event()
        view: asyncio.Task[None] | None = None

        def on_start(recorders: list[SensorRecorder]) -> None:
            nonlocal view
            if live is not None:
                live.runner.attach_all(recorders)
            if not quiet:
                instant = live.runner.readout if live is not None else None
                view = asyncio.create_task(live_view(recorders, stop, console, instant=instant))
            holder.extend(recorders)

        holder: list[SensorRecorder] = []
        try:
            with stop_on_signals(asyncio.get_running_loop(), stop):
                await run_record(specs, options, stop=stop, on_start=on_start)
        finally:
            stop.set()
            if live is not None:
                await live.runner.finish()
            if view is not None:
                await view
        lines = summary_lines(holder)
        if live is not None:
            lines += live.summary_lines()
        return lines

    for line in asyncio.run(main()):
        typer.echo(line)


class _Live:
    """The feedback runner asked for on the command line, and the notes about outputs left out."""

    def __init__(self, runner: Any, notes: list[str]) -> None:
        self.runner = runner
        self.notes = notes

    def summary_lines(self) -> list[str]:
        out = []
        for live in self.runner.sensors.values():
            s = live.stats
            out.append(f"{live.log.path}: {s.n_steps} contacts, {s.n_cues} cues; {s.text()}")
            if live.detector.note is not None:  # PHONE-17 live (LIVE-46)
                out.append(f"note: {live.label}: {live.detector.note}")
            if live.log.restored_to is not None:  # USER-4
                out.append(
                    f"note: {live.log.path} was removed while recording (its folder deleted?): every line was "
                    f"written again to {live.log.restored_to}"
                )
        return out


def _live_feedback(
    kind: str,
    target_g: float | None,
    target_drop_pct: float | None,
    baseline_steps: int,
    cues: list[str],
    osc: str | None,
) -> _Live:
    """Live impact feedback from the options; outputs that cannot start are left out with a note."""
    from retrogait.live.outputs import make_outputs
    from retrogait.live.runner import LiveFeedback
    from retrogait.live.settings import FeedbackSettings

    if kind != "impact":
        raise RetrogaitError(f"--feedback must be 'impact', got {kind!r}")
    if target_g is not None and target_drop_pct is not None:
        raise RetrogaitError("give --target-g or --target-drop, not both")
    settings = FeedbackSettings(
        target_g=target_g if target_g is not None else 0.0,
        target_drop_pct=target_drop_pct if target_drop_pct is not None else 10.0,
        baseline_steps=baseline_steps,
    )  # a value outside its bounds is a one-line SettingsError naming the key
    names = list(dict.fromkeys([*(cues or ["audio"]), *(["osc"] if osc else [])]))
    outputs, notes = make_outputs(names, osc, settings.cue_duration_s)
    return _Live(LiveFeedback(outputs, settings), notes)


def _poll_interval_s(poll_ms: float | None, phone: bool) -> float:
    """``--poll-ms`` as the phyphox poll interval (s); the default (LIVE-52) when not given. One line for a value
    out of bounds, or for the option without a phone to poll."""
    import math

    if poll_ms is None:
        return POLL_DEFAULT_MS / 1000
    if not phone:
        raise RetrogaitError("--poll-ms is for --sensor phyphox (BLE sensors send as they measure)")
    if not (math.isfinite(poll_ms) and POLL_MIN_MS <= poll_ms <= POLL_MAX_MS):
        raise RetrogaitError(f"--poll-ms must be between {POLL_MIN_MS:g} and {POLL_MAX_MS:g} ms, got {poll_ms:g}")
    return poll_ms / 1000


def _refuse_impossible_numbers(
    positive: dict[str, float | None], scan_timeout_s: float, give_up_s: float, baseline_steps: int
) -> None:
    """One line for a time, rate or range no recording can have, before any sensor is looked for (EDGE-64):
    `--duration -1` looked for the sensors, connected and then stopped at once."""
    import math

    values = {**positive, "--scan-timeout": scan_timeout_s}
    for option, value in values.items():
        if value is not None and not (math.isfinite(value) and value > 0):
            raise RetrogaitError(f"{option} must be a positive number, got {value:g}")
    if not (math.isfinite(give_up_s) and give_up_s >= 0):
        raise RetrogaitError(f"--give-up must be zero or a positive number of s, got {give_up_s:g}")
    if baseline_steps < 1:
        raise RetrogaitError(f"--baseline-steps must be at least 1, got {baseline_steps}")
