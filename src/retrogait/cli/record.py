"""``retrogait record``: record one or more BLE sensors into native session files."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from retrogait.cli.app import app
from retrogait.conventions import PLACEMENTS, SIDES
from retrogait.errors import RetrogaitError

if TYPE_CHECKING:  # asyncio is imported when recording starts, not at every command-line start
    import asyncio


def _pair_up(sensors: list[str], addresses: list[str], names: list[str]) -> list[tuple[str, str | None, str | None]]:
    """Match each --sensor with its --address or --name, in order."""
    targets: list[tuple[str | None, str | None]] = [(a, None) for a in addresses] + [(None, n) for n in names]
    if not sensors:
        raise RetrogaitError("give at least one --sensor PROFILE with its --address or --name")
    if addresses and names and len(sensors) > 1:
        raise RetrogaitError("with several sensors use either --address for all or --name for all (order is ambiguous)")
    if len(targets) != len(sensors):
        raise RetrogaitError(f"{len(sensors)} --sensor given but {len(targets)} --address/--name: give one per sensor")
    return [(s, a, n) for s, (a, n) in zip(sensors, targets, strict=True)]


@contextlib.contextmanager
def stop_on_signals(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> Iterator[None]:
    """Ctrl-C / SIGTERM set ``stop`` so the recording finishes its files, on every operating system.

    Unix loops take ``add_signal_handler``; on Windows it is not implemented, so a plain
    ``signal.signal`` handler wakes the loop thread-safely instead of letting KeyboardInterrupt tear
    through the writer (which would lose the unflushed rows and the ``.ble.json`` log).
    """
    previous: dict[int, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:
            previous[sig] = signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
    try:
        yield
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            if sig in previous:
                signal.signal(sig, previous[sig])
            else:
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(sig)


SENSOR_HELP = "Profile: polar, movesense, metawear, witmotion, thingy52, diy_nrf52 or a .toml file; repeatable."
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
) -> None:
    """Record BLE sensors: connect, configure, stream and write each to its own session file."""
    import asyncio

    from rich.console import Console

    from retrogait.ble.collector import RecordOptions, SensorRecorder, SensorSpec
    from retrogait.ble.collector import record as run_record
    from retrogait.ble.liveview import live_view, summary_lines
    from retrogait.ble.profiles.base import StreamSettings

    pairs = _pair_up(sensor, address or [], name or [])
    n = len(pairs)

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
    places, sides = per_sensor(placement, "--placement"), per_sensor(side or [], "--side", allow_empty=True)
    for p in places:
        if p not in PLACEMENTS:
            raise RetrogaitError(f"--placement must be one of {', '.join(PLACEMENTS)}, got {p!r}")
    for s in sides:
        if s is not None and s not in SIDES:
            raise RetrogaitError(f"--side must be one of {', '.join(SIDES)}, got {s!r}")
    settings = StreamSettings(rate_hz=rate_hz, acc_range_g=acc_range_g, gyr_range_dps=gyr_range_dps)
    specs = [
        SensorSpec(profile=p, placement=str(pl), out=o, address=a, name=nm, side=sd, settings=settings)
        for (p, a, nm), pl, sd, o in zip(pairs, places, sides, out, strict=True)
    ]
    options = RecordOptions(
        duration_s=duration_s, scan_timeout_s=scan_timeout_s, reconnect_give_up_s=reconnect_give_up_s
    )
    console = Console(stderr=True)

    async def main() -> list[str]:
        stop = asyncio.Event()
        view: asyncio.Task[None] | None = None

        def on_start(recorders: list[SensorRecorder]) -> None:
            nonlocal view
            if not quiet:
                view = asyncio.create_task(live_view(recorders, stop, console))
            holder.extend(recorders)

        holder: list[SensorRecorder] = []
        try:
            with stop_on_signals(asyncio.get_running_loop(), stop):
                await run_record(specs, options, stop=stop, on_start=on_start)
        finally:
            stop.set()
            if view is not None:
                await view
        return summary_lines(holder)

    for line in asyncio.run(main()):
        typer.echo(line)
