"""``retrogait scan``: list nearby BLE sensors with their recognised profile."""

from __future__ import annotations

from typing import Any

import typer

from retrogait.cli.app import app
from retrogait.cli.display import safe


async def scan_devices(timeout_s: float) -> list[dict[str, Any]]:
    """Advertising devices seen within ``timeout_s``: name, address, RSSI (dBm), UUIDs and profile."""
    from bleak import BleakScanner

    from retrogait.ble.errors import explain
    from retrogait.ble.profiles import recognise

    try:
        found = await BleakScanner.discover(timeout=timeout_s, return_adv=True)
    except Exception as exc:
        raise explain(exc, "the scanner") from None
    rows = []
    for device, adv in found.values():
        name = adv.local_name or device.name or ""
        rows.append(
            {
                "name": name,
                "address": device.address,
                "rssi_dbm": adv.rssi,
                "profile": recognise(name, list(adv.service_uuids)) or "",
            }
        )
    return sorted(rows, key=lambda r: (r["profile"] == "", -r["rssi_dbm"]))


@app.command()
def scan(
    timeout_s: float = typer.Option(5.0, "--timeout", help="How long to listen (s)."),
    all_devices: bool = typer.Option(False, "--all", help="Also list devices no profile recognises."),
) -> None:
    """List nearby BLE sensors: recognised profile, name, address and signal strength."""
    import asyncio
    import math

    from rich.console import Console
    from rich.table import Table

    from retrogait.errors import RetrogaitError

    if not (math.isfinite(timeout_s) and timeout_s > 0):  # EDGE-72: -1 and nan reached the BLE stack
        raise RetrogaitError(f"--timeout must be a positive number of seconds, got {timeout_s:g}")
    rows = asyncio.run(scan_devices(timeout_s))
    if not all_devices:
        rows = [r for r in rows if r["profile"]]
    table = Table(title=f"BLE sensors seen in {timeout_s:g} s")
    for col in ("profile", "name", "address", "RSSI dBm"):
        table.add_column(col)
    for r in rows:
        # a neighbour's device named "[/b]" was rich markup: an internal error (EDGE-72)
        table.add_row(r["profile"] or "-", safe(r["name"]), safe(r["address"]), str(r["rssi_dbm"]))
    Console().print(table)
    if not rows:
        typer.echo("no sensors found: switch them on, bring them close, and close phone apps that hold them")
