"""`retrogait record` with its standard error in a file or a pipe (EDGE-104)."""

from __future__ import annotations

import asyncio
import io

from rich.console import Console

from retrogait.ble.liveview import live_view


def test_the_live_view_ends_its_last_frame_with_a_line_end_off_a_terminal() -> None:
    """`record ... 2> log`: rich ends a live display's last frame with a line end only on a terminal, so the error
    or the next line was glued to the table's bottom border (EDGE-104)."""
    out = io.StringIO()
    console = Console(file=out, width=80)
    assert not console.is_terminal

    async def view() -> None:
        stop = asyncio.Event()
        stop.set()
        await live_view([], stop, console, instant=lambda rec: None)

    asyncio.run(view())
    assert out.getvalue().endswith("┘\n")
