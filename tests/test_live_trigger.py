"""The live impact trigger against the offline impact (live/trigger.py, LIVE-7, LIVE-29)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray

import retrogait
import retrogait.live.trigger as trigger_module
from live_replay import replay
from retrogait.analysis.contacts import stance_score
from retrogait.analysis.impact import impact_peaks
from retrogait.analysis.settings import preset
from retrogait.analysis.signals import Contacts
from retrogait.live.online import OnlineStepDetector
from retrogait.live.trigger import ImpactTrigger, ImpactWindow, LandingRhythm, peak_times
from retrogait.samples import nearest_samples
from retrogait.simulate import Bout, SimulationConfig, simulate
from script_module import load_script

RECORDINGS = load_script("shared_recordings")
PHONE = load_script("validate_phone")

PACKET = 8  # samples a packet, as a Movesense sends them


def replayed(placement: str) -> tuple[list[ImpactWindow], np.ndarray, np.ndarray, float]:
    """A simulated backward walk (0.8 m/s, soft toe landings) in packets of 8 samples through the detector and
    the trigger, with the target at the median offline impact: the trigger's windows, the offline contacts' times
    and impacts, and the target."""
    bouts = [Bout("still", "still", 0, 4), Bout("backward", "walking", 0.8, 24)]
    session = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=4)).session
    offline = retrogait.analyze(session).steps
    impact = offline["impact_peak_g"].to_numpy()
    target = float(np.nanmedian(impact))
    m = session.meta
    det = OnlineStepDetector(m.placement, m.sample_rate_hz, m.side, m.anterior_axis, m.acc_range_g)
    trig = ImpactTrigger(m.placement, m.sample_rate_hz, det.analysis.impact)
    for i in range(0, session.n_samples, PACKET):
        t, acc = session.t_s[i : i + PACKET], session.acc[i : i + PACKET]
        gyr = session.gyr[i : i + PACKET] if session.gyr is not None else None
        trig.feed(t, acc, np.full(t.size, t[-1]), target, gyr)
        det.feed(t, acc, gyr)
        if det.due():
            det.step()
            trig.update(det.vertical, det.rhythm)
    return list(trig.windows), offline["ic_time_s"].to_numpy(), impact, target


@pytest.mark.parametrize("placement", ["foot", "shank"])
def test_a_soft_toe_landing_s_cue_is_decided_on_the_offline_impact_not_the_braking_in_the_air(placement: str) -> None:
    """In backward walking the trigger recognised the landing by the jerk of the late-swing braking, ~100 ms
    before the touch, and its window held the braking (foot ~1.2 g, shank ~1.8 g) instead of the soft landing
    the offline analysis commits (IMPACT-9: 0.2-0.5 g): every landing was cued against a target at the walk's
    median impact (LIVE-28). Now the window is judged by the offline rule and holds the committed impact."""
    windows, ic, impact, target = replayed(placement)
    pairs = []
    for w in windows:
        j = int(np.argmin(np.abs(ic - w.onset_s)))
        if abs(ic[j] - w.onset_s) <= 0.15 and np.isfinite(impact[j]) and ic[j] > 8.0:
            pairs.append((w, impact[j]))
    assert len(pairs) >= 10
    values = np.array([w.max_g for w, _ in pairs])
    committed = np.array([v for _, v in pairs])
    # a few offline contacts lie on the event from the air itself (the detector's, not the trigger's, choice)
    assert (np.abs(values - committed) <= 0.05 * committed).mean() >= 0.75, (values, committed)
    cued = np.array([w.cued for w, _ in pairs])
    assert (cued == (committed > target)).mean() >= 0.75


def _foot_trigger_and_a_transient(
    recent_air: bool, first: int
) -> tuple[ImpactTrigger, NDArray[np.float64], NDArray[np.float64]]:
    """A foot's trigger at 200 Hz, vertical along z, whose recent windows held an event from the air or not, and 1 s
    of vertical acceleration at rest but a transient of 2, 4, 2.5 and 1.5 g from sample ``first`` (t s, acc m/s^2)."""
    trig = ImpactTrigger("foot", 200.0, OnlineStepDetector("foot", 200.0).analysis.impact)
    trig.vertical = np.array([0.0, 0.0, 1.0])
    trig._recent_air.append(recent_air)
    n = 200
    t = np.arange(n) / 200.0
    axis = np.zeros(n)
    axis[first : first + 4] = [1.0, 3.0, 1.5, 0.5]
    acc = np.zeros((n, 3))
    acc[:, 2] = (axis + 1.0) * 9.80665
    return trig, t, acc


def heel_strike_cue(recent_air: bool) -> ImpactWindow:
    """A heel transient peaking at 0.515 s, the last sample of its packet, through a trigger whose recent
    windows held an event from the air or not; the window, with a target of 2 g."""
    trig, t, acc = _foot_trigger_and_a_transient(recent_air, first=102)
    n = t.size
    window = ImpactWindow(0.51, 0.49, 0.61)
    cued = []
    for i in range(0, n, PACKET):
        if i == 96:  # the landing recognised at 0.51 s, in this packet
            trig._open = window
            trig._windows.append(window)
        cued += trig.feed(t[i : i + PACKET], acc[i : i + PACKET], np.full(PACKET, t[min(i + PACKET, n) - 1]), 2.0)
    assert cued == [window]
    assert window.max_g == pytest.approx(3.0)
    assert window.max_arrival_s == pytest.approx(0.515)
    return window


def test_a_foot_s_cue_window_counts_its_samples_as_impact_py_at_a_rate_a_hair_off_a_tie(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cue's window is judged by the offline rule (touchdown_peaks, LIVE-29) over as many samples as impact.py
    gives it: at 94.99999 Hz the 0.1 s window is 9.4999999 samples, the tie 9.5 (10) offline and 9 by the trigger's
    own ``round`` (CONTACT-15)."""
    fs = 94.99999
    trig = ImpactTrigger("foot", fs, OnlineStepDetector("foot", fs).analysis.impact)
    trig.vertical = np.array([0.0, 0.0, 1.0])
    n = 95
    t = np.arange(n) / fs
    axis = np.zeros(n)
    axis[49:53] = [1.0, 3.0, 1.5, 0.5]
    acc = np.zeros((n, 3))
    acc[:, 2] = (axis + 1.0) * 9.80665
    windows: list[int] = []
    real = trigger_module.touchdown_peaks

    def spy(x, ic, window, lead, rise):  # type: ignore[no-untyped-def]
        windows.extend(window.tolist())
        return real(x, ic, window, lead, rise)

    monkeypatch.setattr(trigger_module, "touchdown_peaks", spy)
    window = ImpactWindow(t[48], t[48] - 0.02, t[48] + 0.1)
    for i in range(0, n, PACKET):
        if i == 48:
            trig._open = window
            trig._windows.append(window)
        trig.feed(
            t[i : i + PACKET], acc[i : i + PACKET], np.full(t[i : i + PACKET].size, t[min(i + PACKET, n) - 1]), 2.0
        )
    offline = max(2, nearest_samples(trig.impact.window_s, fs))  # impact.impact_peaks' count for a foot
    assert windows and set(windows) == {offline}


@pytest.mark.parametrize(
    ("lead_s", "early", "expected"),
    [(0.15, None, -12), (0.2, None, -12), (0.02, -8, 2)],
    ids=["lead-0.15-s", "lead-0.2-s", "clipped-before-the-window"],
)
def test_a_step_s_peak_time_is_its_reported_peak_s_sample_in_the_impact_window(
    lead_s: float, early: int | None, expected: int
) -> None:
    """``peak_times`` reads the reported impact peak's sample from the impact window's start, ``loading_lead_s``
    before the contact, as impact.py does (REVIEW-136): it reached a fixed 0.1 s back, so with a lead set within its
    bounds (0-0.2 s) a peak more than 0.1 s before the contact had no time (NaN beside a finite impact_peak_g), and a
    sample of the same value before a 20 ms window (a clipped sensor's plateau) was taken for the peak."""
    fs, n, ic = 100.0, 200, 100
    axis = np.zeros(n)
    if early is None:
        axis[ic - 13 : ic - 8] = [0.5, 3.0, 2.0, 1.0, 0.5]  # the landing's transient 0.12 s before the contact
    else:
        axis[ic + early] = 3.0  # clipped in the swing, before the window
        axis[ic : ic + 4] = [1.0, 2.0, 3.0, 1.0]
    acc = np.zeros((n, 3))
    acc[:, 2] = (axis + 1.0) * 9.80665
    signals = SimpleNamespace(placement="shank", fs_hz=fs, t_s=np.arange(n) / fs, acc_ms2=acc, n_samples=n)
    contacts = Contacts(np.array([ic]), np.array([ic + 25]), np.array(["left"]))
    settings = replace(preset("shank").impact, loading_lead_s=lead_s)
    peak, _ = impact_peaks(signals, contacts, np.array([0.25]), settings)  # type: ignore[arg-type]
    assert peak[0] == pytest.approx(3.0)
    lead = nearest_samples(lead_s, fs)
    found = peak_times(signals, contacts.ic_idx, peak, lead)  # type: ignore[arg-type]
    assert found[0] == pytest.approx((ic + expected) / fs)


def _peak_times_per_step(
    axis: np.ndarray, t: np.ndarray, ic_idx: np.ndarray, peak: np.ndarray, lead: int
) -> np.ndarray:
    """REVIEW-136's ``peak_times``, one search per step to the end of the samples: LIVE-70's reference."""
    out = np.full(ic_idx.size, np.nan)
    for i, (start, value) in enumerate(zip(ic_idx.tolist(), peak.tolist(), strict=True)):
        if np.isfinite(value):
            lo = max(start - lead, 0)
            hit = np.flatnonzero(np.abs(axis[lo:] - value) <= 1e-9 * max(1.0, abs(value)))
            if hit.size:
                out[i] = t[lo + hit[0]]
    return out


@pytest.mark.parametrize("seed", range(8))
def test_peak_times_vectorised_gives_the_per_step_search_s_times_on_random_windows(seed: int) -> None:
    """LIVE-70: ``peak_times`` searches every step at once, a block of samples at a time, where it searched each
    step's samples to the end in a Python loop; on random windows (values on a coarse grid so that equal samples
    repeat, peaks taken from the samples, from none, or NaN; contacts anywhere, the last samples and 0 included;
    leads 0-40 samples) the times are those of the per-step search, NaN where it found none."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    axis = np.round(rng.normal(0.0, 1.0, n), 1)  # a coarse grid: many equal samples
    fs = float(rng.choice([26.0, 100.0, 200.0, 416.0]))
    t = 3.0 + np.arange(n) / fs
    m = int(rng.integers(0, 200))
    ic = rng.integers(0, n, m)
    ic[: min(m, 2)] = [n - 1, 0][: min(m, 2)]
    peak = axis[np.clip(ic + rng.integers(-45, 200, m), 0, n - 1)]
    peak[rng.random(m) < 0.15] = np.nan
    peak[rng.random(m) < 0.1] = 7.77  # on no sample
    lead = int(rng.integers(0, 41))
    acc = np.zeros((n, 3))
    acc[:, 2] = (axis + 1.0) * 9.80665
    signals = SimpleNamespace(t_s=t, acc_ms2=acc)
    axis_read = trigger_module.impact_axis_g(acc)
    expected = _peak_times_per_step(axis_read, t, ic, peak, lead)
    found = peak_times(signals, ic, peak, lead)  # type: ignore[arg-type]
    assert np.array_equal(found, expected, equal_nan=True)
    assert np.isfinite(expected).sum() > 0 or m == 0 or np.isnan(peak).all() or (peak == 7.77).all()


def test_a_heel_strike_s_cue_fires_on_the_rise_unless_the_gait_has_soft_landings() -> None:
    """A landing's own transient is cued by the first sample above the target, with the peak's packet, while no
    recent window held an event from the air; in a gait with soft landings (LIVE-29) a braking's onset looks the
    same until its peak, so the cue waits for the sample after the peak: here the next packet."""
    assert heel_strike_cue(recent_air=False).cue_arrival_s == pytest.approx(0.515)
    waited = heel_strike_cue(recent_air=True)
    assert waited.cue_arrival_s == pytest.approx(0.555)
    assert not waited.from_air


def test_a_cue_is_decided_no_earlier_than_the_packet_whose_jerk_recognised_the_landing() -> None:
    """A transient peaking (0.505 s) before the jerk on its fall that recognised the landing (0.52 s, the next
    packet): its cue can fire only with that packet, and ``cue_arrival_s`` (the log's ``latency_ms``) counts from its
    arrival, not from the peak's packet one period earlier (LIVE-51: 7 of 97 cues of a real pocket trace streamed at
    405 Hz read one poll, ~50 ms, of decision latency that was the landing not yet recognised)."""
    # a gait with soft landings: judged by the offline rule (LIVE-29)
    trig, t, acc = _foot_trigger_and_a_transient(True, first=100)
    n = t.size
    window = ImpactWindow(0.52, 0.50, 0.62)
    cued, fired_with = [], []
    for i in range(0, n, PACKET):
        if i == 104:  # the landing recognised at 0.52 s, in this packet (the peak's packet arrived at 0.515 s)
            trig._open = window
            trig._windows.append(window)
        arrival = t[min(i + PACKET, n) - 1]
        now = trig.feed(t[i : i + PACKET], acc[i : i + PACKET], np.full(PACKET, arrival), 2.0)
        cued += now
        fired_with += [arrival] * len(now)
    assert cued == [window] and fired_with == [pytest.approx(0.555)]
    assert window.max_arrival_s == pytest.approx(0.515)  # the peak's packet: the cue came one packet after it
    assert window.cue_arrival_s == pytest.approx(0.555)  # was 0.515: a decision "latency" of one packet


@pytest.mark.shared_data
@pytest.mark.parametrize("trace", ["Pixel_Jamie_Hard_FrontPocket_1", "Samsung_Carmelo_Hard_FrontPocket_1"])
def test_every_cue_of_a_real_phone_counts_its_latency_from_the_packet_it_fired_with(
    shared_data: Path, tmp_path: Path, trace: str
) -> None:
    """A real ~405 Hz pocket trace declared shank (no gyroscope) in polls of 20 samples through the runner, with the
    documented target: each cue's ``cue_arrival_s`` (the log's ``latency_ms`` counts from it) is the arrival of the
    poll whose samples fired it. Before LIVE-51, 7 of 97 and 1 of 17 cues counted from the poll before (a landing
    recognised by the jerk on its transient's fall, after the peak; a peak of two equal samples, known only with the
    lower one after it): one poll period, ~50 ms, read as decision latency."""
    from retrogait.ble.collector import RecordOptions, SensorRecorder, SensorSpec
    from retrogait.ble.profiles.base import StreamInfo
    from retrogait.ble.timing import Timed
    from retrogait.live.feedback import Cue
    from retrogait.live.outputs import BellOutput
    from retrogait.live.runner import LiveFeedback
    from retrogait.live.settings import FeedbackSettings

    session = PHONE.read_trace(shared_data / "phone_positions" / f"{trace}.accelerometer.csv.gz", "shank")
    poll = {"arrival": math.nan}
    fired_with: dict[float, float] = {}  # landing (s) -> arrival of the poll whose feed fired its cue

    class Heard(BellOutput):  # the bell's quiet step, placement and close
        name = "heard"

        def cue(self, sensor: str, cue: Cue, landing_s: float) -> None:
            fired_with[landing_s] = poll["arrival"]

    spec = SensorSpec("phyphox", "shank", tmp_path / "phone.csv", side="left")
    rec = SensorRecorder(spec, RecordOptions(), origin_s=0.0, start_time_utc="2026-01-01T00:00:00Z")
    rec.info = StreamInfo(round(session.meta.sample_rate_hz), None, None, has_gyro=False, has_clock=True)
    live = LiveFeedback([Heard()], FeedbackSettings())
    live.attach(rec)

    def polls() -> Iterator[Timed]:
        for k, i in enumerate(range(0, session.n_samples, 20)):
            t = session.t_s[i : i + 20]
            poll["arrival"] = float(k)  # set as the poll is fed
            yield Timed(t, session.acc[i : i + 20], None, float(k), np.full(t.size, float(k)))

    replay(rec, live, polls())
    (sensor,) = live.sensors.values()
    cued = [j.window for j in sensor.judged if j.cue is not None and j.window is not None]
    assert len(cued) >= 15 and len(cued) == len(fired_with)
    assert [w.cue_arrival_s for w in cued] == [fired_with[w.onset_s] for w in cued]


def test_a_window_is_matched_to_its_contact_by_the_landing_it_was_judged_at() -> None:
    """A soft toe landing is recognised up to ~130 ms before the contact the detector commits (the braking's
    onset), beyond the matching tolerance (impact window + lead, 0.12 s): its cue was logged as one without a
    contact and the contact as quiet. The window's judged contact is matched instead (LIVE-29)."""
    trig = ImpactTrigger("foot", 200.0, OnlineStepDetector("foot", 200.0).analysis.impact)
    window = ImpactWindow(10.0, 9.98, 10.3, contact_s=10.18, cue_value_g=0.5)
    trig._windows.append(window)
    assert trig.take_matching(10.13) is window
    assert trig.windows == ()


def walked_forward_then_backward(placement: str, seed: int) -> tuple[ImpactTrigger, pd.DataFrame]:
    """bench_live's 2b walk (4 s standing, forward 1.2 m/s 20 s, backward 0.8 m/s 20 s, 200 Hz) in packets of 8
    samples through the detector and a trigger (target 1 g): the trigger and the offline steps."""
    bouts = [Bout("still", "still", 0, 4), Bout("forward", "walking", 1.2, 20), Bout("backward", "walking", 0.8, 20)]
    session = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=seed)).session
    m = session.meta
    det = OnlineStepDetector(m.placement, m.sample_rate_hz, m.side, m.anterior_axis, m.acc_range_g)
    trig = ImpactTrigger(m.placement, m.sample_rate_hz, det.analysis.impact)
    for i in range(0, session.n_samples, PACKET):
        t, acc, gyr = session.t_s[i : i + PACKET], session.acc[i : i + PACKET], session.gyr[i : i + PACKET]
        trig.feed(t, acc, np.full(t.size, t[-1]), 1.0, gyr)
        det.feed(t, acc, gyr)
        if det.due():
            det.step()
            trig.update(det.vertical, det.rhythm)
    return trig, retrogait.analyze(session).steps


def test_a_foot_s_toe_off_is_not_taken_for_its_landing() -> None:
    """The foot's toe-off is a jerk as sharp as a soft landing's (the push leaves the ground): recognised as a
    landing once, the gate ran from it and ended a swing later at the next toe-off, stride after stride (seed 2's
    walk: 2 of 18 backward landings had a window within 0.25 s; every window ~15 ms after an offline toe-off).
    A landing comes at least the typical swing after the foot's last rest, a toe-off less than that (LIVE-31)."""
    trig, offline = walked_forward_then_backward("foot", seed=2)
    landing = np.array([w.landing_s for w in trig.windows])
    onset = np.array([w.onset_s for w in trig.windows])
    to = offline["to_time_s"].dropna().to_numpy()
    at_toe_off = np.min(np.abs(onset[:, None] - to[None, :]), axis=1) <= 0.03
    assert at_toe_off.sum() <= 2, onset[at_toe_off]
    for direction, least in (("forward", 12), ("backward", 15)):
        ic = offline.loc[offline["direction"] == direction, "ic_time_s"].to_numpy()
        near = np.min(np.abs(ic[:, None] - landing[None, :]), axis=1) <= 0.25
        assert near.sum() >= least, (direction, near.sum(), ic.size)


def test_the_rhythm_s_swing_and_interval_run_between_a_contact_and_the_very_next() -> None:
    """A stance found without its toe-off is not whole; taking the swing and the interval between the whole ones
    added a stride to them (here 0.95 s of swing, 1.65 s a stride, for 0.4 and 1.1 s), and the trigger's gate and
    its swing test ran a stride late (LIVE-31)."""
    steps = {
        "ic_time_s": np.array([0.0, 1.1, 2.2, 3.3]),
        "to_time_s": np.array([0.7, 1.8, np.nan, 4.0]),
        "landing_jerk_g_per_s": np.full(4, 50.0),
    }
    r = LandingRhythm.of(steps, np.array([True, True, False, True]), 8)
    assert r is not None
    assert r.interval_s == pytest.approx(1.1)
    assert r.airborne_s == pytest.approx(0.4)
    assert r.shortest_airborne_s == pytest.approx(0.4)
    assert r.contact_s == pytest.approx(0.7)


@pytest.mark.shared_data
def test_a_real_foot_s_rhythm_holds_no_stance_found_at_the_still_reference_s_seam(shared_data: Path) -> None:
    """The detector puts the latest still samples in front of a window without any; on foot_walking each window
    found a stance at that seam (its toe-off at the window's own first sample), which the rhythm took for the gait:
    a 1.4-1.5 s stride and a 0.7-0.94 s swing for 1.1 and 0.4 s in a quarter of the windows, so the trigger's
    gate and swing test skipped real landings (LIVE-31)."""
    for side, session in RECORDINGS.foot_walking_sessions(shared_data / "foot_walking").items():
        m = session.meta
        det = OnlineStepDetector(m.placement, m.sample_rate_hz, m.side)
        swings, strides = [], []
        for i in range(0, session.n_samples, PACKET):
            det.feed(session.t_s[i : i + PACKET], session.acc[i : i + PACKET], session.gyr[i : i + PACKET])
            if det.due():
                det.step()
                if det.rhythm is not None and det.newest_s > 8.0:
                    swings.append(det.rhythm.airborne_s)
                    strides.append(det.rhythm.interval_s)
        assert max(swings) < 0.55 and max(strides) < 1.3, (side, max(swings), max(strides))


def test_the_last_rest_is_the_offline_rest_score_s_whatever_the_packets() -> None:
    """The trigger's last rest (LIVE-31) is the offline rest score's, known half a score window after the sample,
    and the same whatever the packets the samples came in."""
    bouts = [Bout("still", "still", 0, 2), Bout("backward", "walking", 0.8, 6)]
    session = simulate(SimulationConfig("foot", bouts, sample_rate_hz=200.0, seed=1)).session
    rested = []
    for packet in (8, 5):
        trig = ImpactTrigger("foot", 200.0, OnlineStepDetector("foot", 200.0).analysis.impact)
        trig.vertical = np.array([0.0, 0.0, 1.0])
        for i in range(0, session.n_samples, packet):
            s = slice(i, i + packet)
            trig.feed(session.t_s[s], session.acc[s], np.full(session.t_s[s].size, 0.0), None, session.gyr[s])
        rested.append(trig._rested.copy())
    np.testing.assert_array_equal(rested[0], rested[1])
    score = stance_score(session.acc, session.gyr, 200.0, trig.contacts)
    last = np.maximum.accumulate(np.where(score < trig.contacts.rest_level_score, session.t_s, -np.inf))
    known = np.arange(session.n_samples - rested[0].size, session.n_samples) - 4  # half of the 40 ms window
    np.testing.assert_array_equal(rested[0], last[known])


def test_the_last_rest_counts_its_window_as_the_offline_rest_score_at_a_rate_a_hair_off_a_tie() -> None:
    """The trigger's rest score window (40 ms) is the offline score's at any rate: at 87.49999 Hz it is 3.4999996
    samples, which the offline score counts as the tie 3.5 (4 samples, CONTACT-12) and the trigger cut to 3 by its
    own ``round`` (CONTACT-15: live/ was not audited), so its last rest was not the offline score's."""
    fs = 87.49999
    bouts = [Bout("still", "still", 0, 2), Bout("backward", "walking", 0.8, 6)]
    session = simulate(SimulationConfig("foot", bouts, sample_rate_hz=87.5, seed=1)).session
    trig = ImpactTrigger("foot", fs, OnlineStepDetector("foot", fs).analysis.impact)
    trig.vertical = np.array([0.0, 0.0, 1.0])
    for i in range(0, session.n_samples, 8):
        s = slice(i, i + 8)
        trig.feed(session.t_s[s], session.acc[s], np.full(session.t_s[s].size, 0.0), None, session.gyr[s])
    score = stance_score(session.acc, session.gyr, fs, trig.contacts)
    last = np.maximum.accumulate(np.where(score < trig.contacts.rest_level_score, session.t_s, -np.inf))
    half = nearest_samples(trig.contacts.rest_window_s, fs) // 2
    known = np.arange(session.n_samples - trig._rested.size, session.n_samples) - half
    np.testing.assert_array_equal(trig._rested, last[known])


@pytest.mark.parametrize("placement", ["foot", "shank"])
def test_a_backward_walk_s_first_soft_landings_after_a_forward_walk_get_their_windows(placement: str) -> None:
    """A forward walk turning into a backward walk without a stop: the landing level was the heel strikes' until
    the detector's windows held three whole stances of the new walk (seed 4: 0.8 x 349 g/s; its windows at the
    change hold no contacts for 2.5 s), so the first four soft toe landings got no window. A stride that comes to
    rest with no landing recognised since the previous rest sets the level from its own landing (LIVE-33)."""
    trig, offline = walked_forward_then_backward(placement, seed=4)
    landing = np.array([w.landing_s for w in trig.windows])
    first = offline.loc[offline["direction"] == "backward", "ic_time_s"].to_numpy()[:4]
    near = np.min(np.abs(first[:, None] - landing[None, :]), axis=1) <= 0.25
    assert near.sum() >= 2, first[~near]


def test_a_walk_s_first_landings_from_standing_get_their_windows() -> None:
    """Before the detector's windows hold three whole stances of a walk (~5 s into it) the trigger had no rhythm,
    so no landing level and no gate: each walk's first four landings got no window (seed 1: 1 of the first five
    within 0.25 s). Before a rhythm the foot's own strides tell it: the first stride's landing is the first jerk
    sharper than any since the foot left its rest, a stride that came to rest with no landing recognised sets the
    level (LIVE-33), and a landing comes at least the shortest stride (two ``min_step_s``) after the foot's last
    rest and after the last landing (LIVE-36)."""
    trig, offline = walked_forward_then_backward("foot", seed=1)
    landing = np.array([w.landing_s for w in trig.windows])
    first = offline.loc[offline["direction"] == "forward", "ic_time_s"].to_numpy()[:5]
    near = np.min(np.abs(first[:, None] - landing[None, :]), axis=1) <= 0.25
    assert near.sum() >= 4, first[~near]
    every = offline["ic_time_s"].to_numpy()
    alone = np.min(np.abs(landing[:, None] - every[None, :]), axis=1) > 0.25
    assert not alone[landing < first[-1] + 0.25].any(), landing[alone]


def test_a_run_s_first_landings_from_standing_get_their_windows() -> None:
    """The run from standing (the probe's ``run`` session, seed 2): 2 of its first five landings had a window within
    0.25 s before the analysis had a rhythm; the first stride's landing, the first jerk sharper than any since the
    foot left its rest, sets the level for the next (LIVE-36)."""
    probe = load_script("probe_live_trigger")
    run = probe.replayed("foot", "run", 2)["running forward"]
    assert run.first_near >= 4 and run.false == 0, run


@pytest.mark.parametrize("seed", [1, 2])
def test_a_run_after_a_stop_is_not_gated_by_the_walk_before_it(seed: int) -> None:
    """The probe's session with stops: a forward walk, 6 s standing, a forward run. The run's second landing came
    0.7 s after its first, within the gate the walk's rhythm set (the walk's contact time and 0.7 of its swing after
    the trigger's last landing: ~1 s), so it got no window (3 of the run's first five within 0.25 s). A rest as long
    as the longest step period is a pause: the rhythm before it no longer times the gate (LIVE-38)."""
    probe = load_script("probe_live_trigger")
    run = probe.replayed("foot", "pause", seed)["running forward"]
    assert run.first_near >= 4, run


def test_a_backward_walk_after_a_run_and_a_stop_waits_for_its_first_soft_landings_peaks() -> None:
    """The probe's session with stops (a forward walk, a forward run, a backward walk): after the run (every landing
    its own transient) the backward walk's first soft toe landing was cued on the rise, on the late-swing braking
    (LIVE-29's rise cue while no recent window had an event from the air; seed 2: 1.40 g cued against the committed
    0.52 g, the target 0.54 g). A stride that comes to rest with its landing below the gait's level is a softer
    landing: until this gait's own windows are seen, the cue waits for the event's peak (LIVE-37). The case as found,
    on simulator version 1 (SIM-17: on version 2 the same session cues 1 below the target, as here, but agrees on 5 of
    10 with 2 cues: its stances follow their steps, SIM-16, and landings near the median target fall on its other
    side)."""
    probe = load_script("probe_live_trigger")
    walk = probe.replayed("foot", "pause", 2, version=1)["walking backward"]
    assert walk.above <= 1 and walk.agree >= 7, walk  # before: 2 cued below the target, 6 agreeing of 10


def test_a_dropout_while_standing_is_no_stride_whose_landing_was_missed() -> None:
    """A gap in the stream (a reconnect, lost packets) while the foot stands still made the rest score jump from
    before the gap to after it, as after a stride; no landing had been recognised in it, so LIVE-33 set the
    landing level from the jerk at the seam (0.0-0.1 g/s against 367) and the next walk's first four windows opened
    mid-swing (seed 3, 0.6-2 s gaps). A stride is one the segment was seen moving for at least the shortest swing
    between its two rests (LIVE-34). The case as found, on simulator version 1 (SIM-17: on version 2 the four windows
    after the gap are as close, but the walk's last, stopping step is found offline at 27.47 s, 37 ms after its true
    contact, and its window at 27.35 s, as on version 1, lies 0.12 s from it; the same without the gap)."""
    bouts = [Bout("still", "still", 0, 4), Bout("forward", "walking", 1.2, 10), Bout("still", "still", 0, 8)]
    bouts.append(Bout("forward", "walking", 1.2, 6))
    session = simulate(SimulationConfig("foot", bouts, sample_rate_hz=200.0, seed=3, version=1)).session
    ic = retrogait.analyze(session).steps["ic_time_s"].to_numpy()
    keep = (session.t_s < 17.0) | (session.t_s >= 18.0)  # a second lost while standing
    t, acc, gyr = session.t_s[keep], session.acc[keep], session.gyr[keep]
    m = session.meta
    det = OnlineStepDetector(m.placement, m.sample_rate_hz, m.side, m.anterior_axis, m.acc_range_g)
    trig = ImpactTrigger(m.placement, m.sample_rate_hz, det.analysis.impact)
    for i in range(0, t.size, PACKET):
        s = slice(i, i + PACKET)
        trig.feed(t[s], acc[s], np.full(t[s].size, t[s][-1]), 1.0, gyr[s])
        det.feed(t[s], acc[s], gyr[s])
        if det.due():
            det.step()
            trig.update(det.vertical, det.rhythm)
    landing = np.array([w.landing_s for w in trig.windows])
    second = landing[landing > 22.0]
    off = np.min(np.abs(second[:, None] - ic[None, :]), axis=1)
    assert second.size >= 4 and (off <= 0.1).all(), second[off > 0.1]


def test_the_last_rest_from_the_stream_s_first_sample_is_the_same_whatever_the_packets() -> None:
    """A foot at rest from its first sample: fed one sample at a time, the trigger never counted the rest score of the
    stream's first score window (8 samples at 200 Hz: the first rest known at 60 ms instead of 20 ms), as it did fed
    in one batch: each batch left out the first score window of the samples kept from the batch before, which at the
    stream's start had not been counted yet (LIVE-35)."""
    session = simulate(SimulationConfig("foot", [Bout("still", "still", 0, 1)], sample_rate_hz=200.0, seed=1)).session
    rested = []
    for packet in (1, 2, session.n_samples):
        trig = ImpactTrigger("foot", 200.0, OnlineStepDetector("foot", 200.0).analysis.impact)
        trig.vertical = np.array([0.0, 0.0, 1.0])
        got = []
        for i in range(0, session.n_samples, packet):
            s = slice(i, i + packet)
            trig.feed(session.t_s[s], session.acc[s], np.full(session.t_s[s].size, 0.0), None, session.gyr[s])
            got.append(trig._rested[-session.t_s[s].size :].copy())
        rested.append(np.concatenate(got))
    np.testing.assert_array_equal(rested[0], rested[2])
    np.testing.assert_array_equal(rested[1], rested[2])


@pytest.mark.parametrize("rate_hz", [52.0, 100.0])
def test_a_pause_is_seen_on_a_phone_s_uneven_sample_clock(rate_hz: float) -> None:
    """A phone's sensor times (phyphox) come up to half a sample period early or late. A run of rest was cut wherever
    two rest samples lay more than 1.5 sample periods apart, so 4 s of standing on such a clock never made a pause
    and the walk before it went on timing the gate (LIVE-38 undone). No stride fits between two rests less than the
    shortest step apart: a rest run goes on across such a step (LIVE-39)."""
    session = simulate(SimulationConfig("foot", [Bout("still", "still", 0, 4)], sample_rate_hz=rate_hz, seed=1)).session
    t = session.t_s + np.random.default_rng(0).uniform(-0.45, 0.45, session.n_samples) / rate_hz
    trig = ImpactTrigger("foot", rate_hz, OnlineStepDetector("foot", rate_hz).analysis.impact)
    trig.update(np.array([0.0, 0.0, 1.0]), LandingRhythm(0.2, 0.5, 1.1, 0.6, 0.45, 300.0, 0.4))
    for i in range(0, session.n_samples, 5):
        s = slice(i, i + 5)
        trig.feed(t[s], session.acc[s], np.full(t[s].size, t[s][-1]), 1.0, session.gyr[s])
    assert trig.gate_s() == -np.inf  # paused: the walk's rhythm no longer times the gate (it said 0.815 s)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_forefoot_run_from_standing_cues_no_toe_off(seed: int) -> None:
    """A forefoot run (4 m/s) from standing: its stances show no rest (the rest score stays above its level), so
    before the analysis has a rhythm LIVE-36's level (the largest jerk since the foot's last rest: the standing
    before the run) held the toe-off's jerk, two to three times a forefoot landing's; the next landings fell below
    it, and a toe-off was taken for a landing and cued (71a0c10..c161c15: seed 1 at 6.23 s, toe-off 6.21 s; seed 2
    at 5.50 s, toe-off 5.48 s). After a landing whose stance did not rest, the level is at most
    ``landing_jerk_fraction`` of that landing's jerk (LIVE-40)."""
    bouts = [Bout("still", "still", 0, 4), Bout("forward", "running", 4.0, 12, foot_strike="forefoot")]
    session = simulate(SimulationConfig("foot", bouts, sample_rate_hz=200.0, seed=seed)).session
    ic = retrogait.analyze(session).steps["ic_time_s"].to_numpy()
    m = session.meta
    det = OnlineStepDetector(m.placement, m.sample_rate_hz, m.side, m.anterior_axis, m.acc_range_g)
    trig = ImpactTrigger(m.placement, m.sample_rate_hz, det.analysis.impact)
    for i in range(0, session.n_samples, PACKET):
        s = slice(i, i + PACKET)
        t, acc, gyr = session.t_s[s], session.acc[s], session.gyr[s]
        trig.feed(t, acc, np.full(t.size, t[-1]), 1.5, gyr)
        det.feed(t, acc, gyr)
        if det.due():
            det.step()
            trig.update(det.vertical, det.rhythm)
    cued = np.array([w.landing_s for w in trig.windows if w.cued])
    alone = cued[np.min(np.abs(cued[:, None] - ic[None, :]), axis=1) > 0.25]
    assert alone.size == 0, alone
