"""PHONE-17's check live (LIVE-46): a foot or shank streamed without gyroscope whose acceleration shows both legs'
steps is read as ``other`` from the window that decides it on, as the offline analysis reads the file."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from live_replay import replay
from retrogait import analyze
from retrogait.analysis.leg_rhythm import MIN_CONTACTS
from retrogait.live.online import LiveStep, OnlineStepDetector
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, SimulationResult, simulate
from script_module import load_script

PHONE = load_script("validate_phone")
PACKET = 8
NOTE = "declared shank without a gyroscope, but the acceleration rises and falls once per contact"


def _stream(session: Session, until_s: float = np.inf) -> tuple[OnlineStepDetector, list[LiveStep]]:
    """The live detector fed ``session`` (up to ``until_s``) in packets, and its committed steps."""
    m = session.meta
    det = OnlineStepDetector(m.placement, m.sample_rate_hz, m.side, m.anterior_axis, m.acc_range_g)
    steps: list[LiveStep] = []
    n = int(np.searchsorted(session.t_s, until_s, side="right"))
    for i in range(0, n, PACKET):
        j = min(i + PACKET, n)
        det.feed(session.t_s[i:j], session.acc[i:j], session.gyr[i:j] if session.gyr is not None else None)
        steps += det.step() if det.due() else []
    return det, steps + det.step(final=True)


def _trunk_as_shank(speed: float) -> SimulationResult:
    config = SimulationConfig(
        "lower_back", [Bout("forward", "walking", speed, 40)], sample_rate_hz=200.0, with_gyro=False, seed=3
    )
    sim = simulate(config)
    meta = replace(sim.session.meta, placement="shank", side="left")
    return replace(sim, session=replace(sim.session, meta=meta))


@pytest.mark.parametrize("speed", [1.0, 1.4])
def test_a_trunk_walking_streamed_as_a_shank_is_read_as_both_legs_live_as_offline(speed: float) -> None:
    """Before LIVE-46 every live step was a one-leg contact at twice the cadence (`running`, impacts, cues) while
    the offline analysis of the file read the steps of both legs (PHONE-18)."""
    sim = _trunk_as_shank(speed)
    offline = analyze(sim.session)
    assert offline.summary["placement"] == "other"
    det, steps = _stream(sim.session)
    assert det.note is not None and det.note.startswith(NOTE) and det.placement == "other"
    assert any(n.startswith(det.note.split(" (the contacts")[0]) for n in offline.summary["notes"])
    decided = det.both_legs_from_s
    before = [s for s in steps if s.ready_time_s <= decided]
    after = [s for s in steps if s.ready_time_s > decided]
    assert len(before) >= MIN_CONTACTS  # the offline check judges no fewer contacts
    truth = 60.0 * len(sim.truth) / 40.0  # steps of either leg per minute
    cadence = float(np.nanmedian([s.cadence_spm for s in after]))
    assert abs(cadence - truth) / truth < 0.1  # not doubled
    assert abs(len(after) - sum(offline.steps["ic_time_s"] > decided)) <= 3
    assert all(np.isnan(s.impact_peak_g) and s.direction == "unknown" and s.side == "unknown" for s in after)
    # causal: the samples up to the deciding window's end alone give the same verdict at the same point
    again, _ = _stream(sim.session, until_s=decided)
    assert again.both_legs_from_s == decided and again.note == det.note


@pytest.mark.parametrize(
    ("placement", "activity", "speed", "direction"),
    [
        ("shank", "walking", 1.4, "forward"),
        ("shank", "running", 3.5, "backward"),
        ("foot", "running", 3.0, "forward"),
        ("foot", "running", 1.6, "backward"),  # a slow backward jog: SD near 0.5 g (REVIEW-34)
    ],
)
def test_a_leg_streamed_without_gyroscope_stays_a_leg(
    placement: str, activity: str, speed: float, direction: str
) -> None:
    config = SimulationConfig(
        placement, [Bout(direction, activity, speed, 40)], sample_rate_hz=100.0, with_gyro=False, seed=3
    )
    session = simulate(config).session
    assert analyze(session).summary["placement"] == placement
    det, steps = _stream(session)
    assert det.note is None and det.placement == placement and np.isnan(det.both_legs_from_s)
    assert len(steps) > MIN_CONTACTS


def test_a_stream_with_a_gyroscope_is_not_checked() -> None:
    """With a gyroscope ANALYSIS-22 decides, offline and live: nothing kept for the check."""
    sim = _trunk_as_shank(1.4)
    session = replace(sim.session, gyr=np.zeros_like(sim.session.acc))
    det, _ = _stream(session, until_s=20.0)
    assert det.note is None and det._legs is not None and not det._legs.active


def _run_trunk_as_shank(tmp_path: Path, outputs: list[Any], origin_s: float = 0.0) -> tuple[Any, Any]:
    """The feedback runner fed a simulated trunk declared shank, without gyroscope, in batches of 40 samples on a
    recording clock whose zero is ``origin_s`` (host s); every landing of a leg above the target: (runner, recorder)."""
    from retrogait.ble.collector import RecordOptions, SensorRecorder, SensorSpec
    from retrogait.ble.profiles.base import StreamInfo
    from retrogait.ble.timing import Timed
    from retrogait.live.runner import LiveFeedback
    from retrogait.live.settings import FeedbackSettings

    session = _trunk_as_shank(1.4).session
    spec = SensorSpec("phyphox", "shank", tmp_path / "phone.csv", side="left")
    rec = SensorRecorder(spec, RecordOptions(), origin_s=origin_s, start_time_utc="2026-01-01T00:00:00Z")
    rec.info = StreamInfo(200.0, 16.0, None, has_gyro=False, has_clock=True)
    live = LiveFeedback(outputs, FeedbackSettings(target_g=0.05))  # every landing of a leg above it
    live.attach(rec)

    batches = (
        Timed(t, session.acc[i : i + 40], None, float(t[-1]), np.full(t.size, t[-1]))
        for i in range(0, session.n_samples, 40)
        for t in [session.t_s[i : i + 40] + origin_s]
    )
    replay(rec, live, batches)
    return live, rec


def test_the_runner_gives_no_cue_once_the_stream_is_read_as_both_legs(tmp_path: Path) -> None:
    """The cues are the impact's, which a sensor that sees both legs does not give (PHONE-18): the trigger is not fed
    from the verdict on; the contacts committed before it keep their log lines; the read-out says it."""
    from retrogait.live.outputs import BellOutput

    live, rec = _run_trunk_as_shank(tmp_path, [BellOutput(io.StringIO())])
    (sensor,) = live.sensors.values()
    decided = sensor.detector.both_legs_from_s
    assert np.isfinite(decided)
    log = np.genfromtxt(tmp_path / "phone.feedback.csv", delimiter=",", names=True, dtype=None, encoding="utf-8")
    cued = log[log["cued"] == 1]
    assert len(cued) > 0 and np.all(cued["landing_t_s"] <= decided + 0.5)  # cues only before the verdict
    assert np.sum(np.isfinite(log["ic_time_s"]) & (log["ic_time_s"] > decided)) > 20  # the steps after it logged
    text = live.readout(rec)
    assert text is not None and "both legs" in text
    # the log says where the cues stopped and why (LIVE-50): one line, after every contact reported as one leg's
    (at,) = np.flatnonzero(log["note"] != "")
    assert log["placement"][at] == "other" and log["cued"][at] == 0 and np.isnan(log["ic_time_s"][at])
    before = int(np.isfinite(log["ic_time_s"][:at]).sum())  # the contacts reported as one leg's
    # no cue since: a line after it may still carry a cue given before it, whose landing was committed after it
    assert before >= 20 and np.all(log["cue_t_s"][at:][log["cued"][at:] == 1] < log["t_s"][at])
    assert log["note"][at].startswith("read as other from here on: declared shank without a gyroscope")
    assert f"up to {decided:.2f} s after {before} contacts reported as one leg's" in log["note"][at]
    assert set(log["placement"][:at]) == {"shank"} and set(log["placement"][at:]) == {"other"}


def test_osc_says_what_the_contacts_are_analysed_as_and_today_s_step_receiver_still_reads(tmp_path: Path) -> None:
    """LIVE-54: a real python-osc server gets ``/retrogait/placement`` before the sensor's first ``/retrogait/step``
    (the declared placement) and at the LIVE-50 verdict (``other``, the log's note, from the log's time, after the
    contacts reported as one leg's), between the steps it separates; ``/retrogait/step`` is today's message, which a
    handler of exactly today's seven arguments reads every time; every time on the recording clock (the log's)."""
    import threading

    from pythonosc.dispatcher import Dispatcher
    from pythonosc.osc_server import BlockingOSCUDPServer

    from retrogait.live.outputs import OSC_CUE_ADDRESS, OSC_PLACEMENT_ADDRESS, OSC_STEP_ADDRESS, OscOutput

    got: list[tuple[str, tuple[Any, ...]]] = []
    cues: list[tuple[Any, ...]] = []  # /retrogait/cue's, apart: ``got``'s order is the steps' and placements'

    def todays_step(address: str, sensor: str, impact: float, direction: str, cadence: float, ic: float,
                    cued: int, pitch: float) -> None:  # fmt: skip
        got.append((address, (sensor, impact, direction, cadence, ic, cued, pitch)))

    def placement(address: str, *args: Any) -> None:
        got.append((address, args))

    dispatcher = Dispatcher()
    dispatcher.map(OSC_STEP_ADDRESS, todays_step)
    dispatcher.map(OSC_PLACEMENT_ADDRESS, placement)
    dispatcher.map(OSC_CUE_ADDRESS, lambda address, *args: cues.append(args))
    server = BlockingOSCUDPServer(("127.0.0.1", 0), dispatcher)  # one thread: handled in the order received
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    serving.start()
    origin = 1000.0
    try:
        live, _ = _run_trunk_as_shank(tmp_path, [OscOutput(f"127.0.0.1:{server.server_address[1]}")], origin)
        log = np.genfromtxt(tmp_path / "phone.feedback.csv", delimiter=",", names=True, dtype=None, encoding="utf-8")
        contacts = log[np.isfinite(log["ic_time_s"])]
        cued = log[log["cued"] == 1]
        for _ in range(500):  # until every message sent is handled (UDP on the loopback), at most 5 s
            if len(got) >= len(contacts) + 2 and len(cues) >= len(cued):
                break
            threading.Event().wait(0.01)
    finally:
        server.shutdown()
        server.server_close()
    steps = [args for address, args in got if address == OSC_STEP_ADDRESS]
    assert len(steps) == len(contacts) and len(got) == len(contacts) + 2  # every step read by today's handler
    np.testing.assert_allclose([s[4] for s in steps], contacts["ic_time_s"], atol=1e-3)  # the log's clock
    places = [(i, args) for i, (address, args) in enumerate(got) if address == OSC_PLACEMENT_ADDRESS]
    assert [i for i, _ in places] == [0, places[1][0]]
    (_, first), (at, verdict) = places
    assert first[1:3] == ("shank", "shank") and first[4:] == (0, "")  # declared, before any contact
    assert first[3] == pytest.approx(contacts["ic_time_s"][0], abs=1e-3)
    (line,) = np.flatnonzero(log["note"] != "")
    before = int(np.isfinite(log["ic_time_s"][:line]).sum())
    assert verdict[1:3] == ("other", "shank") and verdict[4] == before == at - 1  # between the steps it separates
    assert verdict[5] == log["note"][line] and verdict[0] == first[0] == steps[0][0]
    (sensor,) = live.sensors.values()
    assert verdict[3] == pytest.approx(sensor.detector.both_legs_from_s - origin, abs=1e-3)
    # /retrogait/cue's landing_t_s on the same clock (LIVE-55; REVIEW-80): each cue's landing as the log's line
    assert len(cued) > 0 and len(cues) == len(cued)
    np.testing.assert_allclose(sorted(c[3] for c in cues), np.sort(cued["landing_t_s"]), atol=1e-3)


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("trace", "both"), [("Pixel_Jamie_Hard_InHand_1", True), ("Samsung_Dario_Hard_BackPocket_1", False)]
)
def test_a_real_phone_streamed_as_a_shank_gets_the_offline_verdict(shared_data: Path, trace: str, both: bool) -> None:
    session = PHONE.read_trace(shared_data / "phone_positions" / f"{trace}.accelerometer.csv.gz", "shank")
    session = replace(session, gyr=None, meta=replace(session.meta, placement="shank", side="left"))
    offline = analyze(session)
    assert (offline.summary["placement"] == "other") is both
    det, steps = _stream(session)
    assert (det.note is not None) is both
    if both:
        after = [s.cadence_spm for s in steps if s.ready_time_s > det.both_legs_from_s]
        cadence = float(np.median(offline.steps["cadence_spm"].dropna()))
        assert abs(float(np.nanmedian(after)) - cadence) / cadence < 0.05  # 206.6 live before LIVE-46


def test_the_samples_a_check_reads_do_not_depend_on_how_far_the_stream_ran_past_its_window() -> None:
    """REVIEW-48: the samples were dropped by the newest sample received (older than it - SPAN_S), but the window a
    check goes with may end up to ``max_catch_up`` hops before it (a worker behind, a big packet): the check then read
    less than the SPAN_S up to its window's end, so the verdict depended on packet sizes and threads."""
    from retrogait.live.leg_check import SPAN_S, LegCheck
    from retrogait.live.settings import OnlineSettings

    s = OnlineSettings()
    behind_s = s.hop_s * s.max_catch_up
    t = np.arange(0.0, 200.0, 0.01)
    acc = np.zeros((t.size, 3))

    def kept_until(until_s: float) -> LegCheck:
        check = LegCheck("shank", False, behind_s)
        n = int(np.searchsorted(t, until_s, side="right"))
        for i in range(0, n, PACKET):
            check.keep(t[i : i + PACKET], acc[i : i + PACKET])
        return check

    end_s = 150.0
    read = kept_until(end_s).received(end_s)[0]
    assert read[0] - (end_s - SPAN_S) < 0.011 and read[-1] == end_s
    assert np.array_equal(kept_until(end_s + behind_s).received(end_s)[0], read)
