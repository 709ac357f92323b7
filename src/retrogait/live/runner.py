"""Live feedback during a recording. Per sensor, as each batch of samples is written:

* the impact trigger (live/trigger.py) sees it at once, on the recording's event loop, and a cue goes
  to the outputs in the same call when the landing's impact window passes the target;
* the online detector (live/online.py) keeps it; when an analysis grid time has passed, the window
  goes to the offline stages in the sensor's own worker thread (BLE reception never waits for it,
  one sensor's analysis never queues behind another's); the contacts that became final are matched to
  the trigger's windows, logged in ``NAME.feedback.csv``, sent to OSC and counted per direction, and the
  analysis hands the trigger the vertical and the gait's timing.

Latency of a cue (``latency_ms`` in the log): from the arrival of the packet that decided it to the
moment the cue was handed to the outputs; ``peak_latency_ms``: from the arrival of the packet holding
the window's peak (negative when the cue came earlier, from a sample above the target before the peak).
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from retrogait.ble.collector import RecordOptions, SensorRecorder, SensorSpec
from retrogait.ble.timing import Timed
from retrogait.live.feedback import Cue, ImpactFeedback, RunningStats
from retrogait.live.online import LiveStep, OnlineStepDetector, Window, WindowResult
from retrogait.live.outputs import CueOutput, FeedbackLog, Judged, OscOutput, feedback_path
from retrogait.live.recording import record
from retrogait.live.settings import FeedbackSettings, OnlineSettings, TriggerSettings
from retrogait.live.trigger import ImpactTrigger, ImpactWindow


@dataclass
class SensorLive:
    """The live state of one sensor."""

    label: str
    detector: OnlineStepDetector
    trigger: ImpactTrigger
    feedback: ImpactFeedback
    log: FeedbackLog
    pool: ThreadPoolExecutor
    stats: RunningStats = field(default_factory=RunningStats)
    busy: bool = False
    #: the cues of windows not yet matched to a contact: window id -> (cue, time handed to the outputs)
    cues: dict[int, tuple[Cue, float]] = field(default_factory=dict)
    judged: list[Judged] = field(default_factory=list)
    #: whether the outputs were told what this sensor's contacts are analysed as (LIVE-54)
    placed: bool = False
    #: CPU time of each window analysis (s), to tell computing from waiting for a core
    analysis_cpu_s: list[float] = field(default_factory=list)

    def analyse(self, windows: list[Window]) -> list[WindowResult]:
        """The window analyses due (in the sensor's worker thread)."""
        cpu0 = time.thread_time()
        results = [self.detector.analyse(w) for w in windows]
        self.analysis_cpu_s.append(time.thread_time() - cpu0)
        return results


class LiveFeedback:
    """Attach to recorders (before they stream) with :meth:`attach`; call :meth:`finish` at the end."""

    def __init__(
        self,
        outputs: list[CueOutput],
        feedback: FeedbackSettings | None = None,
        online: OnlineSettings | None = None,
        trigger: TriggerSettings | None = None,
    ) -> None:
        self.outputs = outputs
        self.feedback_settings = feedback or FeedbackSettings()
        self.online_settings = online or OnlineSettings()
        self.trigger_settings = trigger or TriggerSettings()
        self.sensors: dict[int, SensorLive] = {}
        self._pending: set[asyncio.Future[list[WindowResult]]] = set()
        self._finishing = False  # finish() hands out the last windows itself

    def attach(self, recorder: SensorRecorder) -> None:
        recorder.listeners.append(self._on_samples)

    def attach_all(self, recorders: list[SensorRecorder]) -> None:
        """Attach to every recorder (an ``on_start`` callback of :func:`~retrogait.live.recording.record`)."""
        for rec in recorders:
            self.attach(rec)

    def readout(self, recorder: SensorRecorder) -> str | None:
        """The live view's column: running median impact and cadence per direction."""
        live = self.sensors.get(id(recorder))
        if live is None or not live.stats.n_steps:
            return None
        if live.detector.note is not None:  # LIVE-46
            return f"{live.stats.text()} · both legs' steps (read as other): no cues"
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
                trigger=self.trigger_settings,
            )
            trigger = ImpactTrigger(spec.placement, rec.info.rate_hz, detector.analysis.impact, self.trigger_settings)
            log = FeedbackLog(feedback_path(spec.out), rec.origin_s, spec.placement)
            for out in self.outputs:  # OSC times on the recording clock, as the log (one origin; LIVE-55)
                if isinstance(out, OscOutput):
                    out.origin_s = rec.origin_s
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"retrogait-live-{len(self.sensors)}")
            feedback = ImpactFeedback(self.feedback_settings)
            live = SensorLive(spec.label, detector, trigger, feedback, log, pool)
            self.sensors[id(rec)] = live
        return live

    def _on_samples(self, rec: SensorRecorder, timed: Timed) -> None:
        live = self._sensor(rec)
        if live is None:
            return
        arrival = (
            timed.packet_arrival_s
            if timed.packet_arrival_s is not None
            else np.full(timed.t_host_s.size, timed.arrival_s)
        )
        if live.detector.note is None:  # a stream read as both legs' steps has no impact to cue (LIVE-46)
            for window in live.trigger.feed(
                timed.t_host_s, timed.acc_ms2, arrival, live.feedback.target_g, timed.gyr_dps
            ):
                self._sound(live, window)
        live.detector.feed(timed.t_host_s, timed.acc_ms2, timed.gyr_dps)
        self._next_window(live)

    def _next_window(self, live: SensorLive) -> None:
        """Hand the detector's next window (if one is due) to the sensor's worker, unless it is busy."""
        if not live.busy and not self._finishing and live.detector.due():
            windows = live.detector.windows_due()
            if windows:
                self._analyse(live, windows)

    def _sound(self, live: SensorLive, window: ImpactWindow) -> None:
        """A cue fired: to the outputs now (the log line follows when its contact is final)."""
        cue = live.feedback.cue_for(window.cue_value_g)
        if cue is None:
            return
        for out in self.outputs:
            out.cue(live.label, cue, window.onset_s)
        live.cues[id(window)] = (cue, time.monotonic())

    def _analyse(self, live: SensorLive, windows: list[Window]) -> asyncio.Future[list[WindowResult]]:
        live.busy = True
        future = asyncio.get_running_loop().run_in_executor(live.pool, live.analyse, windows)
        self._pending.add(future)

        def done(f: asyncio.Future[list[WindowResult]]) -> None:
            self._pending.discard(f)
            live.busy = False
            if not f.cancelled() and f.exception() is None:
                for result in f.result():
                    was_other = live.detector.note is not None
                    self._deliver(live, live.detector.commit(result))
                    if not was_other and live.detector.note is not None:
                        self._both_legs(live)
                live.trigger.update(live.detector.vertical, live.detector.rhythm)
                self._next_window(live)  # a detector behind does not wait for the next packet

        future.add_done_callback(done)
        return future

    def _deliver(self, live: SensorLive, steps: list[LiveStep]) -> None:
        for step in steps:
            window = live.trigger.take_matching(step.ic_time_s)
            for orphan in live.trigger.take_unmatched(step.ic_time_s):
                self._judge(live, None, orphan)
            live.feedback.add_contact(step)
            self._judge(live, step, window)

    def _both_legs(self, live: SensorLive) -> None:
        """The stream was just read as both legs' steps (LIVE-46): a line in the log says when and why (LIVE-50)."""
        rhythm = live.detector.both_legs_rhythm
        assert rhythm is not None
        decided, after, declared = live.detector.both_legs_from_s, live.detector.committed, live.log.placement
        note = live.log.write_both_legs(live.label, rhythm, decided, after, time.monotonic())
        live.placed = True
        for out in self.outputs:  # the same verdict to OSC (LIVE-54)
            out.placement(live.label, "other", declared, decided, after, note)

    def _judge(self, live: SensorLive, step: LiveStep | None, window: ImpactWindow | None) -> None:
        sounded = live.cues.pop(id(window), None) if window is not None else None
        if step is None and sounded is None:
            return  # a landing the trigger recognised but the analysis did not confirm, and no cue: nothing heard
        cue: Cue | None = sounded[0] if sounded is not None else None
        cue_time = sounded[1] if sounded is not None else float("nan")
        judged = Judged(step, cue, window, cue_time)
        live.judged.append(judged)
        if step is not None and not live.placed:  # before its first contact: what its contacts are analysed as
            live.placed = True
            for out in self.outputs:
                out.placement(
                    live.label, step.placement or live.log.placement, live.log.placement, step.ic_time_s, 0, ""
                )
        for out in self.outputs:
            out.step(live.label, judged)
        live.log.write(live.label, judged, time.monotonic())
        if step is not None:
            live.stats.add(step, cue is not None)

    async def finish(self) -> None:
        """The recording ended: wait for running analyses, commit what is left, close everything."""
        self._finishing = True
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        for live in self.sensors.values():
            while windows := live.detector.windows_due(final=True):
                await self._analyse(live, windows)
            for orphan in live.trigger.take_unmatched(np.inf):
                self._judge(live, None, orphan)
        for live in self.sensors.values():
            live.log.close()
            live.pool.shutdown(wait=True)
        for out in self.outputs:
            out.close()


async def record_with_feedback(
    specs: list[SensorSpec], options: RecordOptions, live: LiveFeedback
) -> list[SensorRecorder]:
    """:func:`~retrogait.live.recording.record` with ``live`` attached to every sensor and finished at the end."""
    try:
        return await record(specs, options, on_start=live.attach_all)
    finally:
        await live.finish()
