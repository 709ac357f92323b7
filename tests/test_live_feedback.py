"""Impact feedback: target, baseline, pitch; the outputs and their fallbacks; the feedback log."""

from __future__ import annotations

import builtins
import io
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pythonosc.osc_message import OscMessage

import retrogait
from live_replay import replay
from retrogait.analysis.settings import SettingsError
from retrogait.live.feedback import ImpactFeedback, RunningStats
from retrogait.live.online import LiveStep
from retrogait.live.outputs import (
    FEEDBACK_HEADER,
    OSC_CUE_ADDRESS,
    OSC_STEP_ADDRESS,
    BellOutput,
    FeedbackLog,
    Judged,
    OscOutput,
    make_outputs,
)
from retrogait.live.settings import FeedbackSettings
from retrogait.live.trigger import ImpactWindow


def step(impact: float, direction: str = "forward", ic: float = 1.0, step_time: float = 0.35) -> LiveStep:
    return LiveStep(ic, ic + 0.25, ic + 0.02, impact, direction, 0.9, "left", step_time, ic + 0.3)


def test_baseline_then_a_drop_target_and_pitch_rising_with_the_excess() -> None:
    fb = ImpactFeedback(FeedbackSettings(target_drop_pct=20.0, baseline_steps=5))
    for v in (9.0, 11.0, 10.0, float("nan"), 10.5):
        assert fb.target_g is None and fb.cue_for(20.0) is None  # no cue while the baseline is taken
        fb.add_contact(step(v))
    fb.add_contact(step(9.5))
    assert fb.baseline_g == 10.0 and fb.target_g == pytest.approx(8.0)
    fb.add_contact(step(30.0))  # the baseline is taken once
    assert fb.target_g == pytest.approx(8.0)
    assert fb.cue_for(7.9) is None and fb.cue_for(8.0) is None  # at or below target: quiet
    low, high = fb.cue_for(8.8), fb.cue_for(12.0)
    assert low is not None and high is not None
    assert low.excess_pct == pytest.approx(10.0) and high.excess_pct == pytest.approx(50.0)
    assert low.value_g == 8.8 and low.target_g == pytest.approx(8.0)
    s = fb.settings
    assert low.pitch_hz == pytest.approx(s.base_pitch_hz * 2 ** (s.pitch_per_excess_pct * 10 / 12))
    assert s.base_pitch_hz < low.pitch_hz < high.pitch_hz <= s.max_pitch_hz


def test_absolute_target_cues_from_the_first_contact() -> None:
    fb = ImpactFeedback(FeedbackSettings(target_g=5.0))
    assert fb.cue_for(4.0) is None and fb.cue_for(6.0) is not None and fb.cue_for(float("nan")) is None


def test_bad_feedback_settings_are_refused_naming_the_key() -> None:
    with pytest.raises(SettingsError, match=r"\[feedback\] target_drop_pct = 120"):
        FeedbackSettings(target_drop_pct=120.0)
    with pytest.raises(SettingsError, match="target_g"):
        FeedbackSettings(target_g=-1.0)


def test_running_stats_per_direction_use_the_documented_cadence() -> None:
    stats = RunningStats()
    for i, t in enumerate([0.9, 0.30, 0.40, 0.32]):  # the first contact's step time reaches before the run
        stats.add(step(4.0 + i, "forward", step_time=t), cued=False)
    for t in (2.0, 0.5, 0.5):  # the first backward step is timed from a forward contact: it spans the turn
        stats.add(step(3.0, "backward", step_time=t), cued=True)
    per = stats.per_direction()
    assert per["forward"][0] == 5.5 and per["forward"][1] == pytest.approx(60 / 0.34)  # not the median cadence
    assert per["backward"][1] == pytest.approx(120.0)  # the turn's 2 s left out (aggregate.py, TRUST-4)
    assert stats.text().startswith("for 5.5 g 176 spm | bac 3.0 g 120 spm") and stats.n_cues == 3


def test_no_audio_falls_back_to_the_bell_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_sounddevice(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sounddevice)
    outputs, notes = make_outputs(["audio"], None, 0.08)
    assert [o.name for o in outputs] == ["bell"]
    assert len(notes) == 1 and "no audio output device" in notes[0] and "bell" in notes[0]
    outputs, notes = make_outputs(["audio", "osc"], None, 0.08)  # osc without --osc: left out, noted
    assert [o.name for o in outputs] == ["bell"] and len(notes) == 2


def test_bell_rings_for_each_cue_and_not_for_steps() -> None:
    out = io.StringIO()
    bell = BellOutput(out)
    fb = ImpactFeedback(FeedbackSettings(target_g=5.0))
    for v in (4.0, 6.0, 7.0):
        cue = fb.cue_for(v)
        if cue is not None:
            bell.cue("s", cue, 1.0)
        bell.step("s", Judged(step(v), cue, None))
    assert out.getvalue() == "\a\a"


def test_osc_carries_each_cue_when_it_fires_and_every_step_when_final() -> None:
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5.0)
    osc = OscOutput(f"127.0.0.1:{receiver.getsockname()[1]}")
    fb = ImpactFeedback(FeedbackSettings(target_g=5.0))
    cue = fb.cue_for(6.5)
    assert cue is not None
    osc.cue("shank-left", cue, 2.0)
    for v, d in ((4.0, "forward"), (6.5, "backward")):
        osc.step("shank-left", Judged(step(v, d), fb.cue_for(v), None))
    osc.step("shank-left", Judged(None, cue, None))  # a cue without a contact: no step message
    got = [OscMessage(receiver.recv(1024)) for _ in range(3)]
    receiver.close()
    osc.close()
    assert [m.address for m in got] == [OSC_CUE_ADDRESS, OSC_STEP_ADDRESS, OSC_STEP_ADDRESS]
    assert got[0].params[0] == "shank-left" and got[0].params[1] == pytest.approx(6.5) and got[0].params[3] == 2.0
    sensor, impact, direction, cadence, _ic, cued, pitch = got[2].params
    assert (sensor, direction, cued) == ("shank-left", "backward", 1)
    assert impact == pytest.approx(6.5) and cadence == pytest.approx(60 / 0.35, rel=1e-5) and pitch > 0
    assert got[1].params[5] == 0 and got[1].params[6] == 0.0


def test_bad_osc_target_is_one_line() -> None:
    outputs, notes = make_outputs(["osc"], "localhost", 0.08)
    assert outputs == [] and "HOST:PORT" in notes[0] and "\n" not in notes[0]


@pytest.mark.parametrize("target", ["127.0.0.1:99999", "127.0.0.1:0", "localhost:65536"])
def test_an_osc_port_out_of_range_is_left_out_at_the_start(target: str) -> None:
    """`--osc 127.0.0.1:99999` was taken, and every message then raised OverflowError ("port must be 0-65535") in
    the middle of the recording (EDGE-106)."""
    outputs, notes = make_outputs(["osc"], target, 0.08)
    assert outputs == [] and "port" in notes[0] and "1-65535" in notes[0] and "\n" not in notes[0]


def test_an_ipv6_osc_target_in_brackets_is_read() -> None:
    receiver = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        receiver.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback here")
    receiver.settimeout(5.0)
    outputs, notes = make_outputs(["osc"], f"[::1]:{receiver.getsockname()[1]}", 0.08)
    assert notes == [] and len(outputs) == 1
    fb = ImpactFeedback(FeedbackSettings(target_g=5.0))
    outputs[0].step("s", Judged(step(6.5, "forward"), fb.cue_for(6.5), None))
    assert OscMessage(receiver.recv(1024)).address == OSC_STEP_ADDRESS
    receiver.close()
    outputs[0].close()


def test_feedback_log_has_a_line_per_contact_and_per_cue_without_one(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "run.feedback.csv", origin_s=100.0)
    fb = ImpactFeedback(FeedbackSettings(target_g=5.0))
    window = ImpactWindow(101.0, 100.98, 101.1, max_g=6.0, max_arrival_s=101.05, cue_value_g=5.5, cue_arrival_s=101.03)
    log.write("a", Judged(step(4.0, ic=101.0), None, None), 101.5)
    log.write("a", Judged(step(6.0, ic=101.0), fb.cue_for(5.5), window, cue_time_s=101.042), 101.5)
    log.write("a", Judged(None, fb.cue_for(5.5), window, cue_time_s=101.042), 101.6)  # a false cue
    log.close()
    table = np.genfromtxt(log.path, delimiter=",", names=True, dtype=None, encoding="utf-8")
    assert table["cued"].tolist() == [0, 1, 1] and log.cues == 2
    assert table["ic_time_s"][:2].tolist() == [1.0, 1.0] and np.isnan(table["ic_time_s"][2])
    assert np.isnan(table["latency_ms"][0]) and table["latency_ms"][1] == pytest.approx(12.0)
    assert table["peak_latency_ms"][1] == pytest.approx(-8.0)  # the cue fired before the peak's packet came
    assert table["cue_impact_g"][1] == 5.5 and table["impact_peak_g"][1] == 6.0 and table["landing_t_s"][1] == 1.0
    assert np.isnan(table["pitch_hz"][0]) and table["pitch_hz"][1] > 0


def test_feedback_log_says_where_the_stream_was_read_as_both_legs(tmp_path: Path) -> None:
    """LIVE-50: the line where a foot or shank without gyroscope was read as both legs' steps (LIVE-46) says when and
    why, in the file's columns (``placement`` ``other``, the reason in ``note``, every other field empty, ``cued`` 0);
    the contacts before it are the declared placement's, those after it ``other``'s."""
    import csv

    from retrogait.analysis.leg_rhythm import LegRhythm

    log = FeedbackLog(tmp_path / "run.feedback.csv", origin_s=100.0, placement="shank")
    log.write("a", Judged(replace(step(4.0, ic=110.0), placement="shank"), None, None), 111.0)
    log.write("a", Judged(None, ImpactFeedback(FeedbackSettings(target_g=1.0)).cue_for(2.0), None, 111.1), 111.2)
    log.write_both_legs("a", LegRhythm(213.4, 0.314, 0.452, 21), decided_s=113.0, after=21, written_s=113.4)
    log.write("a", Judged(replace(step(float("nan"), "unknown", ic=112.9), placement="other"), None, None), 114.0)
    log.close()
    with open(log.path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert {len(r) for r in rows} == {19} and rows[0][-2:] == ["placement", "note"]
    table = np.genfromtxt(log.path, delimiter=",", names=True, dtype=None, encoding="utf-8")  # no field quoted
    assert table["placement"].tolist() == ["shank", "shank", "other", "other"]
    verdict = rows[3]
    assert verdict[0] == "13.4000" and verdict[1] == "a" and verdict[14] == "0"
    assert all(v == "" for i, v in enumerate(verdict[2:17], start=2) if i != 14)
    assert verdict[18] == (
        "read as other from here on: declared shank without a gyroscope but its acceleration shows both legs' steps"
        " (213 steps/min as one leg's strides; |a| SD 0.31 g; at half a contact r +0.45); decided on the samples up"
        " to 13.00 s after 21 contacts reported as one leg's; since: steps of both legs with no impact and no cue"
    )
    assert [r[18] for r in rows[1:] if r is not verdict] == ["", "", ""] and log.cues == 1


def test_a_sensor_named_with_a_comma_keeps_the_feedback_log_a_table(tmp_path: Path) -> None:
    """REVIEW-71: ``record --name "Polar H10, left"`` is the ``sensor`` field of every line: quoted (RFC 4180) where it
    holds a comma or a quote, so every line keeps its 19 fields and the name reads back whole."""
    import csv

    from retrogait.analysis.leg_rhythm import LegRhythm

    name = 'Polar H10, left "A"'
    log = FeedbackLog(tmp_path / "run.feedback.csv", origin_s=100.0, placement="shank")
    log.write(name, Judged(replace(step(4.0, ic=110.0), placement="shank"), None, None), 111.0)
    log.write_both_legs(name, LegRhythm(213.4, 0.314, 0.452, 21), decided_s=113.0, after=21, written_s=113.4)
    log.close()
    with open(log.path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [len(r) for r in rows] == [19, 19, 19]
    assert [r[1] for r in rows[1:]] == [name, name] and rows[2][17] == "other"


def test_the_feedback_log_s_header_is_on_disk_before_its_first_line(tmp_path: Path) -> None:
    """REVIEW-73: a run that dies before its first contact (the first window takes 4 s) leaves a log with its header,
    as the session file has (written and flushed at open), not an empty file a reader cannot tell."""
    log = FeedbackLog(tmp_path / "run.feedback.csv", origin_s=100.0, placement="shank")
    try:
        assert log.path.read_text(encoding="utf-8") == FEEDBACK_HEADER
    finally:
        log.close()


def test_runner_judges_logs_and_reads_out_per_direction(tmp_path: Path) -> None:
    """The feedback runner fed as a recorder writes (no BLE, no timing in the result)."""
    from retrogait.ble.collector import RecordOptions, SensorRecorder, SensorSpec
    from retrogait.ble.profiles.base import StreamInfo
    from retrogait.ble.timing import Timed
    from retrogait.live.runner import LiveFeedback
    from retrogait.simulate import Bout, SimulationConfig, simulate

    bouts = [Bout("still", "still", 0, 4), Bout("forward", "running", 3.0, 10), Bout("backward", "running", 2.5, 10)]
    session = simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=8)).session
    m = session.meta
    out = tmp_path / "run.csv"
    spec = SensorSpec("movesense", "shank", out, address="AA", side=m.side, anterior_axis=m.anterior_axis)
    rec = SensorRecorder(spec, RecordOptions(), origin_s=0.0, start_time_utc="2026-01-01T00:00:00Z")
    rec.info = StreamInfo(200.0, 16.0, 2000.0, has_gyro=True, has_clock=True)
    bell = io.StringIO()
    live = LiveFeedback([BellOutput(bell)], FeedbackSettings(target_drop_pct=10.0, baseline_steps=5))
    live.attach(rec)

    batches = (
        Timed(t, session.acc[i : i + 40], session.gyr[i : i + 40], float(t[-1]), np.full(t.size, t[-1]))
        for i in range(0, session.n_samples, 40)
        for t in [session.t_s[i : i + 40]]
    )
    replay(rec, live, batches)
    log = np.genfromtxt(tmp_path / "run.feedback.csv", delimiter=",", names=True, dtype=None, encoding="utf-8")
    contacts = log[np.isfinite(log["ic_time_s"])]
    offline = retrogait.analyze(session).steps
    assert len(contacts) >= 0.95 * len(offline) and np.all(np.diff(contacts["ic_time_s"]) > 0)
    assert contacts["cued"][:5].sum() == 0, "no cue while the baseline is taken"
    assert log["cued"].sum() > 0 and bell.getvalue() == "\a" * int(log["cued"].sum())
    cued = log[log["cued"] == 1]
    assert np.all(cued["cue_impact_g"] > cued["target_g"])
    # a cue is decided within its landing's impact window, long before the contact is final
    assert np.all(cued["cue_t_s"] < cued["t_s"])
    text = live.readout(rec)
    assert text is not None and "for " in text and "bac " in text and "target" in text
