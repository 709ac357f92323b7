"""Helper for the live runner's tests: batches fed to a recorder's listeners as the collector feeds them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any


def replay(rec: Any, live: Any, batches: Iterable[Any]) -> None:
    """Each of ``batches`` (``ble.timing.Timed``) to every listener of the recorder ``rec``, no faster than the runner
    ``live`` (``live.runner.LiveFeedback``, attached to ``rec``) analyses them (as in real time), then the runner
    finished: in one event loop, as ``record`` runs it."""

    async def feed() -> None:
        for batch in batches:
            for listener in rec.listeners:
                listener(rec, batch)
            while any(s.busy for s in live.sensors.values()):  # no faster than real time would be analysed
                await asyncio.sleep(0.001)
        await live.finish()

    asyncio.run(feed())
