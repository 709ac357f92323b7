"""The live view of a recording: elapsed time, samples/s, loss and battery per sensor, plus live
cadence and direction when the analysis package offers them (``retrogait.analysis.pipeline``)."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

from retrogait.ble.collector import SensorRecorder, recent_samples
from retrogait.summary import percent

#: A live read-out: (recorder) -> short text such as "172 spm forward", or None when unavailable.
LiveReadout = Callable[[SensorRecorder], str | None]


def analysis_readout() -> LiveReadout | None:
    """Cadence and direction from the analysis pipeline over the last 10 s, if it is installed."""
    try:
        from retrogait.analysis.pipeline import analyze  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    from retrogait.analysis.impact import mean_cadence_spm, step_times_within_bouts
    from retrogait.session import Session, SessionMeta

    def readout(rec: SensorRecorder) -> str | None:
        recent = recent_samples(rec, 10.0)
        if recent is None or rec.info is None or recent.t_host_s.size < 4 * rec.info.rate_hz:
            return None
        meta = SessionMeta(placement=rec.spec.placement, sample_rate_hz=rec.info.rate_hz, side=rec.spec.side)
        session = Session(recent.t_host_s - recent.t_host_s[0], recent.acc_ms2, recent.gyr_dps, meta)
        try:
            steps = analyze(session).steps
        except Exception:
            return None
        if len(steps) == 0:
            return "no steps"
        # the documented cadence of a group of steps (ANALYSIS-16): 60 / mean step time within bouts
        step_times = step_times_within_bouts(steps["step_time_s"].to_numpy(dtype=float), steps["bout_id"].to_numpy())
        cadence, n_times = mean_cadence_spm(step_times)
        direction = str(steps["direction"].mode().iloc[0]) if "direction" in steps else "?"
        return f"{cadence:.0f} spm {direction}" if n_times else f"- spm {direction}"

    return readout


def render(recorders: list[SensorRecorder], started_s: float, readouts: dict[str, str]) -> Table:
    table = Table(title=f"retrogait record — {time.monotonic() - started_s:6.1f} s", expand=False)
    for col in ("sensor", "state", "rate Hz", "samples/s", "samples", "lost", "gaps", "reconnects", "battery", "live"):
        table.add_column(col)
    for rec in recorders:
        st = rec.status
        table.add_row(
            f"{st.profile} {st.label}",
            st.state,
            f"{st.rate_hz:g}" if st.rate_hz else "-",
            f"{st.samples_per_s:.0f}",
            str(st.stats.samples_written),
            str(st.stats.lost_samples),
            str(st.stats.gaps),
            str(st.stats.reconnects),
            f"{st.battery_pct} %" if st.battery_pct is not None else "-",
            readouts.get(st.label, "-"),
        )
    return table


async def live_view(
    recorders: list[SensorRecorder],
    stop: asyncio.Event,
    console: Console,
    refresh_s: float = 0.5,
    instant: LiveReadout | None = None,
) -> None:
    """Redraw the table until ``stop``. ``instant`` (e.g. live feedback's running medians) is cheap and
    read at every refresh; without it the analysis read-out runs every 5 s in a worker thread."""
    started = time.monotonic()
    readout = analysis_readout() if instant is None else None
    readouts: dict[str, str] = {}
    last_readout = 0.0
    with Live(render(recorders, started, readouts), console=console, auto_refresh=False) as live:
        while not stop.is_set():
            if instant is not None:
                for rec in recorders:
                    text = instant(rec)
                    if text:
                        readouts[rec.status.label] = text
            if readout is not None and time.monotonic() - last_readout > 5.0:
                last_readout = time.monotonic()
                for rec in recorders:
                    with contextlib.suppress(Exception):
                        text = await asyncio.to_thread(readout, rec)
                        if text:
                            readouts[rec.status.label] = text
            live.update(render(recorders, started, readouts), refresh=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), refresh_s)
        live.update(render(recorders, started, readouts), refresh=True)
    if not console.is_terminal and not console.is_jupyter:
        # rich ends the last frame with a line end on a terminal only: in a log (`2> rec.log`) the next line,
        # an error or the next command's output, was glued to the table's bottom border (EDGE-104)
        console.line()


def summary_lines(recorders: list[SensorRecorder]) -> list[str]:
    """One line per sensor for the end of a recording."""
    out = []
    for rec in recorders:
        s: Any = rec.status.stats
        out.append(
            f"{rec.spec.out}: {s.samples_written} samples, {s.lost_samples} lost in {s.gaps} gap(s), "
            f"{s.reconnects} reconnect(s), {s.duplicates} duplicate(s) and {s.malformed} malformed packet(s) dropped"
        )
        missing = int(getattr(s, "acc_without_gyro", 0))
        if missing:  # REC-20: the note an import makes (import_gyro_missing)
            rate = rec.info.rate_hz if rec.info is not None else math.nan
            out.append(
                f"note: {rec.spec.out}: gyroscope has no sample at {missing} of {s.samples_written} accelerometer "
                f"rows ({missing / rate:.2f} s, {percent(missing / max(s.samples_written, 1))}): kept with empty "
                "gyroscope cells"
            )
        for writer in (getattr(rec, "writer", None), getattr(rec, "unpaired_writer", None)):
            restored = getattr(writer, "restored_to", None)
            if restored is not None:  # USER-4: the file or its folder was removed while recording
                out.append(
                    f"note: {getattr(writer, 'path', '')} was removed while recording (its folder deleted?): "
                    f"every row was written again to {restored}"
                )
    return out
