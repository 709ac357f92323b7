"""Record every sensor of one session on one host clock: BLE devices and phones running phyphox.

Each sensor gets its recorder (:class:`~retrogait.ble.collector.SensorRecorder` for BLE,
:class:`~retrogait.live.phyphox.PhyphoxRecorder` for a ``--url``), all with the same origin and start
time, each writing its own file. Kept apart from the BLE collector so that the phone recorder, which
builds on the BLE one, does not make the collector depend on it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime

from retrogait.ble.collector import HeldElsewhere, RecordOptions, SensorRecorder, SensorSpec, find_devices
from retrogait.ble.errors import DeviceNotFoundError, explain
from retrogait.ble.profiles import make_profile
from retrogait.errors import RetrogaitError
from retrogait.live.phyphox import PhyphoxRecorder
from retrogait.session import SessionWriter


async def record(
    specs: list[SensorSpec],
    options: RecordOptions,
    stop: asyncio.Event | None = None,
    on_start: Callable[[list[SensorRecorder]], None] | None = None,
    writer_factory: Callable[..., SessionWriter] = SessionWriter,
) -> list[SensorRecorder]:
    """Record every sensor until ``stop`` is set, ``options.duration_s`` elapses or a sensor fails.

    All sensors share one host clock; each writes its own file. Raises the first sensor's
    RetrogaitError after every file has been closed cleanly (with every other sensor's line saying where the rows a
    full disk refused are, :class:`HeldElsewhere`).
    """
    if len({s.out.resolve() for s in specs}) != len(specs):
        raise RetrogaitError("each sensor needs its own --out file")
    ble_specs = [s for s in specs if s.url is None]
    for s in ble_specs:  # unknown profiles, broken config files and impossible settings fail before any scanning
        make_profile(s.profile).check_settings(s.settings)
    stop = stop or asyncio.Event()
    origin = time.monotonic()
    start_utc = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    recorders = [_recorder_for(s, options, origin, start_utc, writer_factory) for s in specs]
    if on_start is not None:
        on_start(recorders)
    try:
        found = iter(await find_devices(ble_specs, options.scan_timeout_s) if ble_specs else [])
    except RetrogaitError as error:
        # "not found" only where a scan ran and missed the sensor: with no Bluetooth (no D-Bus, no adapter) nothing
        # was looked for, and a phone (--url) is not looked for by the scan at all (EDGE-269)
        missed = isinstance(error, DeviceNotFoundError)
        for spec, r in zip(specs, recorders, strict=True):
            r.status.state = "not started" if spec.url is not None else "not found" if missed else "scan failed"
        raise
    devices = [None if s.url is not None else next(found) for s in specs]
    tasks = [asyncio.create_task(r.run(stop, d)) for r, d in zip(recorders, devices, strict=True)]
    timer = None
    if options.duration_s is not None:
        timer = asyncio.get_running_loop().call_later(options.duration_s, stop.set)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    if timer is not None:
        timer.cancel()
    failures = [result for result in results if isinstance(result, BaseException)]
    if failures:
        failed = explain(failures[0])
        # every other sensor's rows a full disk sent elsewhere are said too, not only the first's (REVIEW-272)
        held = [str(f) for f in failures[1:] if isinstance(f, HeldElsewhere)]
        if held:
            raise RetrogaitError("; ".join([str(failed), *held])) from None
        raise failed
    return recorders


def _recorder_for(
    spec: SensorSpec,
    options: RecordOptions,
    origin_s: float,
    start_time_utc: str,
    writer_factory: Callable[..., SessionWriter],
) -> SensorRecorder:
    """A BLE recorder, or a phyphox one for a spec with a URL (same files, same clock)."""
    if spec.url is not None:
        return PhyphoxRecorder(spec, options, origin_s, start_time_utc, writer_factory)
    return SensorRecorder(spec, options, origin_s, start_time_utc, writer_factory)
