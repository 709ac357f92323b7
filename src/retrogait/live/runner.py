"""Live feedback during a recording: one online step detector per sensor, fed as samples are written;
each sensor's window is analysed in its own worker thread (so BLE reception never waits for it, and
one sensor's analysis never queues behind another's) and each committed contact is judged, sent to
the outputs, logged in ``NAME.feedback.csv`` and counted per direction.

Latency of a cue (``latency_ms`` in the log): from the arrival of the newest packet whose samples
the deciding analysis saw to the moment the cue was handed to the outputs.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from retrogait.ble.collector import RecordOptions, SensorRecorder, SensorSpec, record
from retrogait.ble.timing import Timed
from retrogait.live.feedback import ImpactFeedback, RunningStats
from retrogait.live.online import LiveStep, OnlineStepDetector
from retrogait.live.outputs import CueOutput, FeedbackLog, feedback_path
from retrogait.live.settings import FeedbackSettings, OnlineSettings


@dataclass
class SensorLive:
    """The live state of one sensor."""

    label: str
    detector: OnlineStepDetector
    feedback: ImpactFeedback
    log: FeedbackLog
    pool: ThreadPoolExecutor
    stats: RunningStats = field(default_factory=RunningStats)
    newest_arrival_s: float = float("nan")
    busy: bool = False
    latencies_s: list[float] = field(default_factory=list)
    #: CPU time of each window analysis (s), to tell computing from waiting for a core
    analysis_cpu_s: list[float] = field(default_factory=list)

    def analyse(self, final: bool) -> list[LiveStep]:
        """One window analysis (in the sensor's worker thread)."""
        cpu0 = time.thread_time()
        steps = self.detector.step(final)
        self.analysis_cpu_s.append(time.thread_time() - cpu0)
        return steps


class LiveFeedback:
    """Attach to recorders (before they stream) with :meth:`attach`; call :meth:`finish` at the end."""

    def __init__(
        self,
        outputs: list[CueOutput],
        feedback: FeedbackSettings | None = None,
        online: OnlineSettings | None = None,
    ) -> None:
        self.outputs = outputs
        self.feedback_settings = feedback or FeedbackSettings()
        self.online_settings = online or OnlineSettings()
        self.sensors: dict[int, SensorLive] = {}
        self._pending: set[asyncio.Future[list[LiveStep]]] = set()

    def attach(self, recorder: SensorRecorder) -> None:
        recorder.listeners.append(self._on_samples)

    def attach_all(self, recorders: list[SensorRecorder]) -> None:
        """Attach to every recorder (an ``on_start`` callback of :func:`~retrogait.ble.collector.record`)."""
        for rec in recorders:
            self.attach(rec)

    def readout(self, recorder: SensorRecorder) -> str | None:
        """The live view's column: running median impact and cadence per direction."""
        live = self.sensors.get(id(recorder))
        if live is None or not live.stats.n_steps:
            return None
        target = live.feedback.target_g
        if target is None:
            taken = min(live.stats.n_steps, self.feedback_settings.baseline_steps)
            return f"{live.stats.text()} · baseline {taken}/{self.feedback_settings.baseline_steps}"
        return f"{live.stats.text()} · target {target:.1f} g, {live.stats.n_cues} cues"

    def _sensor(self, rec: SensorRecorder) -> SensorLive | None:
        live = self.sensors.get(id(rec))
        if live is None and rec.info is not None:
            spec = rec.spec
            detector = OnlineStepDetector(
                spec.placement,
                rec.info.rate_hz,
                side=spec.side,
                anterior_axis=spec.anterior_axis,
                acc_range_g=rec.info.acc_range_g,
                settings=self.online_settings,
            )
            log = FeedbackLog(feedback_path(spec.out), rec.origin_s)
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"retrogait-live-{len(self.sensors)}")
            live = SensorLive(spec.label, detector, ImpactFeedback(self.feedback_settings), log, pool)
            self.sensors[id(rec)] = live
        return live

    def _on_samples(self, rec: SensorRecorder, timed: Timed) -> None:
        live = self._sensor(rec)
        if live is None:
            return
        live.detector.feed(timed.t_host_s, timed.acc_ms2, timed.gyr_dps)
        live.newest_arrival_s = timed.arrival_s
        if not live.busy and live.detector.due():
            self._analyse(live)

    def _analyse(self, live: SensorLive, final: bool = False) -> asyncio.Future[list[LiveStep]]:
        live.busy = True
        arrival = live.newest_arrival_s
        future = asyncio.get_running_loop().run_in_executor(live.pool, live.analyse, final)
        self._pending.add(future)

        def done(f: asyncio.Future[list[LiveStep]]) -> None:
            self._pending.discard(f)
            live.busy = False
            if not f.cancelled() and f.exception() is None:
                self._deliver(live, f.result(), arrival)

        future.add_done_callback(done)
        return future

    def _deliver(self, live: SensorLive, steps: list[LiveStep], arrival_s: float) -> None:
        for step in steps:
            cue = live.feedback.judge(step)
            for out in self.outputs:
                out.emit(live.label, step, cue)
            judged = time.monotonic()
            latency = judged - arrival_s if np.isfinite(arrival_s) else float("nan")
            live.latencies_s.append(latency)
            live.log.write(live.label, step, cue, judged, latency)
            live.stats.add(step, cue is not None)

    async def finish(self) -> None:
        """The recording ended: wait for running analyses, commit what is left, close everything."""
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        for live in self.sensors.values():
            await self._analyse(live, final=True)
        for live in self.sensors.values():
            live.log.close()
            live.pool.shutdown(wait=True)
        for out in self.outputs:
            out.close()


async def record_with_feedback(
    specs: list[SensorSpec], options: RecordOptions, live: LiveFeedback
) -> list[SensorRecorder]:
    """:func:`~retrogait.ble.collector.record` with ``live`` attached to every sensor and finished at the end."""
    try:
        return await record(specs, options, on_start=live.attach_all)
    finally:
        await live.finish()
