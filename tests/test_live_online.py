"""Online steps: the offline stages on short grid-aligned windows, committed causally with one stride of
look-ahead, agree with the offline analysis; the causal direction filter is the offline chain."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import retrogait
from retrogait.analysis.direction import direction_labels
from retrogait.analysis.settings import AnalysisSettings, DirectionSettings, SettingsError
from retrogait.analysis.travel import FORGET, smooth_states
from retrogait.live.direction_filter import OnlineDirection
from retrogait.live.online import EVIDENCE_COLUMNS, FACING_CUES, LiveStep, OnlineStepDetector, WindowResult
from retrogait.live.settings import OnlineSettings
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, parse_bouts, simulate
from script_module import load_script

RECORDINGS = load_script("shared_recordings")

PACKET = 8  # samples handed over at a time, as a BLE packet would
#: bench_live.py's session: a standing start, then running and walking each way, with no standing between them
BENCH_BOUTS = [
    Bout("still", "still", 0, 4),
    Bout("forward", "running", 3.0, 20),
    Bout("backward", "running", 2.5, 20),
    Bout("forward", "walking", 1.3, 10),
    Bout("backward", "walking", 0.8, 10),
]


def _run(
    session: Session,
    settings: OnlineSettings | None = None,
    analysis: AnalysisSettings | None = None,
    packet: int = PACKET,
) -> tuple[list[LiveStep], OnlineStepDetector]:
    m = session.meta
    det = OnlineStepDetector(
        m.placement,
        m.sample_rate_hz,
        side=m.side,
        anterior_axis=m.anterior_axis,
        acc_range_g=m.acc_range_g,
        settings=settings,
        analysis=analysis,
    )
    steps = []
    for i in range(0, session.n_samples, packet):
        gyr = session.gyr[i : i + packet] if session.gyr is not None else None
        det.feed(session.t_s[i : i + packet], session.acc[i : i + packet], gyr)
        if det.due():
            new = det.step()
            assert all(s.ready_time_s <= det.newest_s + 1e-9 for s in new), "only samples already received"
            steps += new
    return steps + det.step(final=True), det


def _matched(steps: list[LiveStep], offline: object) -> list[tuple[object, LiveStep]]:
    ic = np.asarray([s.ic_time_s for s in steps])
    pairs = []
    for row in offline.itertuples():  # type: ignore[attr-defined]
        j = int(np.argmin(np.abs(ic - row.ic_time_s)))
        if abs(ic[j] - row.ic_time_s) <= 0.02:
            pairs.append((row, steps[j]))
    return pairs


@pytest.mark.parametrize("placement", ["shank", "lower_back"])
def test_online_contacts_impacts_and_directions_match_offline(placement: str) -> None:
    bouts = [
        Bout("still", "still", 0, 4),
        Bout("forward", "running", 3.0, 12),
        Bout("backward", "running", 2.5, 12),
        Bout("forward", "walking", 1.3, 8),
    ]
    session = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=3)).session
    offline = retrogait.analyze(session).steps
    steps, det = _run(session)
    ic = np.asarray([s.ic_time_s for s in steps])
    assert np.all(np.diff(ic) > 0), "committed once each, in time order"
    pairs = _matched(steps, offline)
    assert len(pairs) >= 0.97 * len(offline)
    assert sum(abs(s.impact_peak_g - r.impact_peak_g) <= 0.05 * abs(r.impact_peak_g) for r, s in pairs) >= 0.95 * len(
        pairs
    )
    assert sum(s.direction == r.direction for r, s in pairs) >= 0.97 * len(pairs)
    # decided with one stride of look-ahead: after the next stride's contacts landed; at the latest
    # max_wait_s after the window first holds it (the next stride not found: a stop, a change of gait).
    # The gait gate may hold the first contacts of a new gait until the window shows a run of it, and a
    # contact leaves the window window_s after it: that bounds every delay.
    ahead = 1 if placement == "shank" else 2
    stride = 2.0 * np.nanmedian([s.step_time_s for s in steps])
    delay = np.asarray([s.ready_time_s - s.ic_time_s for s in steps[:-ahead]])
    seen = [steps[k + ahead].ic_time_s < steps[k].ready_time_s for k in range(len(steps) - ahead)]
    assert np.mean(seen) > 0.95
    s = det.settings
    assert np.median(delay) < 2 * stride and np.quantile(delay, 0.95) <= s.max_wait_s + s.hop_s
    assert delay.max() <= s.window_s + s.hop_s
    assert det.runs <= session.t_s[-1] / det.settings.hop_s + 2, "analysed on the hop grid, not per packet"


def test_what_is_committed_does_not_depend_on_how_the_samples_arrive() -> None:
    """Windows end on a grid counted from the first sample: packets of 8, 37 or 200 samples (a slow
    reader, a phone poll) give the same contacts, impacts and directions."""
    bouts = [Bout("still", "still", 0, 3), Bout("forward", "running", 3.0, 8), Bout("backward", "walking", 0.8, 8)]
    session = simulate(SimulationConfig("foot", bouts, sample_rate_hz=200.0, seed=11)).session
    runs = [_run(session, packet=p)[0] for p in (8, 37, 200)]
    assert len(runs[0]) > 15
    for other in runs[1:]:
        assert [(s.ic_time_s, s.impact_peak_g, s.direction) for s in other] == [
            (s.ic_time_s, s.impact_peak_g, s.direction) for s in runs[0]
        ]


def test_a_still_stretch_is_kept_so_a_late_window_has_the_standing_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    bouts = [Bout("still", "still", 0, 4), Bout("forward", "running", 3.0, 6), Bout("backward", "running", 2.5, 14)]
    session = simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=4)).session
    offline = retrogait.analyze(session).steps
    late = offline[offline["ic_time_s"] > 16.0]  # windows with backward running only
    with_ref, det = _run(session)
    monkeypatch.setattr(OnlineStepDetector, "_with_still_reference", lambda self, t, acc, gyr: (t, acc, gyr))
    without, _ = _run(session)  # each window alone: its vertical tilts with the gait in it
    assert det.vertical is not None and abs(float(np.linalg.norm(det.vertical)) - 1.0) < 1e-9

    def median_error(steps: list[LiveStep]) -> float:
        ic = np.asarray([s.ic_time_s for s in steps])
        errs = []
        for row in late.itertuples():
            j = int(np.argmin(np.abs(ic - row.ic_time_s)))
            errs.append(abs(steps[j].impact_peak_g - row.impact_peak_g) / row.impact_peak_g)
        return float(np.median(errs))

    assert median_error(with_ref) < 0.01 < median_error(without)


def _window_result(end_s: float, ic_s: list[float]) -> WindowResult:
    """A window's contacts (shank: 0.25 s stances, neutral direction evidence), as analyse_window gives them."""
    ic = np.asarray(ic_s, dtype=float)
    steps = {
        "ic_time_s": ic,
        "to_time_s": ic + 0.25,
        "impact_peak_g": np.full(ic.size, 3.0),
        "peak_time_s": ic + 0.02,
        "side": np.asarray(["left"] * ic.size, dtype=object),
        "landing_jerk_g_per_s": np.full(ic.size, 300.0),
        "switch_before": np.full(ic.size, 0.01),
        "bout_start": np.zeros(ic.size, dtype=bool),
        "standing_before": np.zeros(ic.size, dtype=bool),
        "walking_step_s": np.full(ic.size, np.nan),
    }
    for name in (*EVIDENCE_COLUMNS, *FACING_CUES):
        steps[name] = np.zeros(ic.size)
    return WindowResult(end_s, False, steps, True, None)


def test_a_waiting_contact_the_next_window_drops_is_final_after_max_wait_unless_superseded() -> None:
    """A stop: the last contacts wait for a next stride that never comes, and a later window may not hold
    them at all (the gait gate sees no run of gait in it): they are committed max_wait_s after they
    landed, decided on the last window that held them. A later window that commits a contact after a
    dropped one has superseded it (the landing was placed elsewhere with more context)."""
    det = OnlineStepDetector("shank", 200.0)
    wait = det.settings.max_wait_s
    assert [s.ic_time_s for s in det.commit(_window_result(10.0, [7.0, 8.0, 9.0]))] == [7.0, 8.0]
    assert det.commit(_window_result(10.5, [])) == []  # 9.0 is gone from the window, not yet due
    final = det.commit(_window_result(9.0 + wait, []))
    assert [(s.ic_time_s, s.ready_time_s, s.impact_peak_g) for s in final] == [(9.0, 9.0 + wait, 3.0)]

    det = OnlineStepDetector("shank", 200.0)
    det.commit(_window_result(10.0, [7.0, 8.0, 9.0]))
    later = det.commit(_window_result(9.0 + wait, [8.0, 9.3, 10.3]))  # 9.0 found at 9.3 instead
    assert [s.ic_time_s for s in later] == [9.3]  # 10.3 waits for its next stride


def test_a_landing_placed_elsewhere_by_a_later_window_supersedes_the_waiting_one() -> None:
    """The last landing before a stop, found by a later window within half a stride before where an earlier
    window put it, replaces it: the window with the gait on both sides of the stop decides."""
    det = OnlineStepDetector("shank", 200.0)
    wait = det.settings.max_wait_s
    det.commit(_window_result(10.0, [7.0, 8.0, 9.0]))
    later = det.commit(_window_result(8.7 + wait, [7.0, 8.0, 8.7]))  # 9.0 placed at 8.7
    assert [s.ic_time_s for s in later] == [8.7]
    assert det.commit(_window_result(9.0 + wait, [])) == []


def test_a_window_younger_than_window_s_commits_nothing() -> None:
    """At the start of a recording the window holds a stride or two: its stride estimate is not the
    offline one, so its contacts wait for the first full window."""
    det = OnlineStepDetector("shank", 200.0)
    det.feed(np.arange(0.0, 1.0, 0.005), np.tile([0.0, 0.0, 9.81], (200, 1)), None)
    full = det.settings.window_s
    assert det.commit(_window_result(full - 0.5, [0.5, 1.5, 2.5, 3.0])) == []
    assert [s.ic_time_s for s in det.commit(_window_result(full, [0.5, 1.5, 2.5, 3.5]))] == [0.5, 1.5, 2.5]


@pytest.mark.shared_data
def test_a_real_walk_is_found_online_from_its_first_to_its_last_contact(shared_data: Path) -> None:
    """foot_walking starts walking within a second and stops at the end: the first contacts (before a
    4 s window is full) and the last before the stop are found online as offline (windows holding the
    standing reach back transition_window_s)."""
    n_offline = n_found = 0
    for side, session in RECORDINGS.foot_walking_sessions(shared_data / "foot_walking").items():
        offline = retrogait.analyze(session).steps
        steps, _ = _run(session)
        pairs = _matched(steps, offline)
        n_offline, n_found = n_offline + len(offline), n_found + len(pairs)
        found = {r.ic_time_s for r, _ in pairs}
        ends = offline["ic_time_s"].iloc[[0, 1, -2, -1]]
        assert all(t in found for t in ends), side
    assert n_found >= 0.97 * n_offline


def test_settings_are_checked_naming_the_key() -> None:
    with pytest.raises(SettingsError, match=r"\[online\] window_s"):
        OnlineSettings(window_s=0.0)
    with pytest.raises(SettingsError, match="max_catch_up"):
        OnlineSettings(max_catch_up=0)


def test_the_stages_run_with_the_analysis_settings_given() -> None:
    bouts = [Bout("still", "still", 0, 3), Bout("forward", "running", 3.0, 8)]
    session = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=200.0, seed=6)).session
    default, _ = _run(session)
    preset = AnalysisSettings.for_placement("lower_back")
    few_steps, _ = _run(session, analysis=preset.with_overrides({"contacts": {"min_step_prominence_g": 2.0}}))
    no_times, _ = _run(session, analysis=preset.with_overrides({"timing": {"max_step_time_s": 0.3}}))
    assert len(default) > 10 and np.isfinite([s.step_time_s for s in default[1:]]).all()
    assert len(few_steps) < len(default) / 3  # few step peaks are that prominent
    assert len(no_times) > 10 and np.isnan([s.step_time_s for s in no_times]).all()  # every step is longer


def test_a_detector_that_falls_behind_skips_old_windows_and_counts_them() -> None:
    bouts = [Bout("still", "still", 0, 2), Bout("forward", "running", 3.0, 6)]
    session = simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=2)).session
    m = session.meta
    det = OnlineStepDetector(m.placement, m.sample_rate_hz, m.side, m.anterior_axis, settings=OnlineSettings())
    det.feed(session.t_s, session.acc, session.gyr)  # 8 s at once: 31 grid times passed
    passed = int((session.t_s[-1] - session.t_s[0]) / det.settings.hop_s)
    ends = []
    while windows := det.windows_due():  # one at a time, each committed before the next is cut
        ends.append(windows[0].end_s)
        det.commit(det.analyse(windows[0]))
    assert det.skipped == passed - det.settings.max_catch_up
    assert len(ends) + det.idle == det.settings.max_catch_up
    assert ends[-1] == pytest.approx(session.t_s[0] + passed * det.settings.hop_s)
    assert not det.due()


def test_windows_that_cannot_commit_anything_are_not_analysed() -> None:
    """Running: a grid time before the next stance's middle can enter the window changes nothing, so
    it is skipped; the contacts are those of analysing every grid time."""
    bouts = [Bout("still", "still", 0, 3), Bout("forward", "running", 3.0, 12)]
    session = simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=5)).session
    steps, det = _run(session)
    assert det.idle > 0.2 * det.runs
    offline = retrogait.analyze(session).steps
    assert len(_matched(steps, offline)) >= 0.97 * len(offline)


def test_the_causal_filter_is_the_offline_chain() -> None:
    """With every later contact as its lag, the forward filter plus the backward message is the offline
    smoother (travel.smooth_states, labelled by direction.direction_labels); with a lag of one, nothing
    after the next contact changes a decision."""
    rng = np.random.default_rng(5)
    m = 40
    evidence = np.column_stack([rng.normal(0.8, 1.5, m), rng.normal(0.0, 1.5, m), rng.normal(-0.5, 1.0, m)])
    evidence[25:, :2] = evidence[25:, 1::-1]  # a turn
    switch = np.full(m - 1, 0.01)
    switch[29] = FORGET  # a pause: the chain forgets
    settings = DirectionSettings()
    offline = direction_labels(smooth_states(evidence, switch), "foot", settings)
    no_cues = {"x_log_odds": 0.0, "free_log_odds": 0.0}

    def run(ev: np.ndarray, lag: int | None) -> list[tuple[str, float]]:
        filt = OnlineDirection(settings, "foot")
        out = []
        for i in range(m):
            later = list(range(i + 1, m if lag is None else min(m, i + 1 + lag)))
            before = float(switch[i - 1]) if i else FORGET
            lag_ev = [ev[j] for j in later]
            out.append(filt.decide(ev[i], before, lag_ev, [float(switch[j - 1]) for j in later], no_cues, False, True))
        return out

    full = run(evidence, None)
    assert [d for d, _ in full] == offline["direction"].tolist()
    np.testing.assert_allclose([c for _, c in full], offline["direction_confidence"], rtol=1e-9)
    lag1 = run(evidence, 1)
    for i in range(m - 2):
        changed = evidence.copy()
        changed[i + 2 :] = changed[i + 2 :, ::-1]
        assert run(changed, 1)[i] == lag1[i]


def test_the_facing_is_decided_over_every_contact_received_so_far() -> None:
    """Without an anterior axis, offline decides the facing over the session; live, over the committed
    contacts and the later ones the deciding window already holds: the first contact of a walk is not
    labelled from its own cues alone."""
    settings = DirectionSettings()
    evidence = np.array([0.0, -5.0, -5.0])  # travel along the sensor's +x
    own = {"x_log_odds": 2.0, "free_log_odds": -2.0}  # its own frame-free cue: +x points backward
    later = [{"x_log_odds": 1.0, "free_log_odds": 2.0}] * 3  # the next contacts: +x points forward
    alone = OnlineDirection(settings, "foot").decide(evidence, FORGET, [], [], own, True, False)
    seen = OnlineDirection(settings, "foot").decide(evidence, FORGET, [], [], own, True, False, later)
    assert alone[0] == "backward" and seen[0] == "forward"


def test_rows_without_a_gyroscope_value_are_analysed_without_it_and_give_no_nan() -> None:
    """REC-20: a live recording's rows whose gyroscope partner was lost have NaN gyro; the detector
    analyses windows holding them without the gyroscope (as a sensor without one), finds their contacts,
    and never hands NaN on in a contact's time, impact or direction."""
    bouts = [Bout("still", "still", 0, 3), Bout("forward", "running", 3.0, 14), Bout("backward", "running", 2.5, 10)]
    session = simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=7)).session
    assert session.gyr is not None
    gyr = session.gyr.copy()
    hole = (session.t_s > 6.0) & (session.t_s < 14.0)
    gyr[hole] = np.nan
    holed = Session(session.t_s, session.acc, gyr, session.meta)
    steps, _ = _run(holed)
    full, _ = _run(session)
    ic = np.asarray([s.ic_time_s for s in steps])
    assert np.all(np.isfinite(ic)) and np.all(np.diff(ic) > 0)
    in_hole = lambda x: (x > 7.0) & (x < 13.0)  # noqa: E731
    full_ic = np.asarray([s.ic_time_s for s in full])
    assert in_hole(ic).sum() >= 0.8 * in_hole(full_ic).sum() > 0, "contacts found where the gyro is missing"
    assert all(np.isfinite(s.impact_peak_g) for s in steps if np.isfinite(s.peak_time_s))
    assert sum(np.isfinite(s.impact_peak_g) for s in steps) >= 0.9 * len(steps)
    assert {s.direction for s in steps} <= {"forward", "backward", "sideways", "unknown"}
    assert all(np.isfinite(s.direction_confidence) for s in steps)


def test_the_first_contacts_of_a_bout_are_no_surer_than_the_bout_s_own_contacts() -> None:
    """LIVE-23: across the end of a bout (standing, a change of gait) the forward filter carries the previous
    bout's certainty at 1 - p; offline the whole new bout outweighs it, live the look-ahead is one stride. A
    walk's first contact with no evidence of its own after a backward run is not labelled backward at 0.95
    from the run: only as sure as its own bout's contacts make it. Inside a bout nothing changes."""
    settings = DirectionSettings()
    run = np.array([-3.0, 0.0, -3.0])  # log-likelihoods (+x, -x, lateral): travel along -x, backward
    none = np.zeros(3)  # the walk's first contact: no evidence either way
    lag = [np.zeros(3), np.array([-0.3, 0.0, -0.3])]  # the next stride: hardly any
    no_cues = {"x_log_odds": 0.0, "free_log_odds": 0.0}

    def first_of_walk(bout_start: bool) -> tuple[str, float]:
        filt = OnlineDirection(settings, "lower_back")
        for i in range(20):
            filt.decide(run, FORGET if i == 0 else 0.01, [run, run], [0.01, 0.01], no_cues, False, True)
        return filt.decide(none, 0.05, lag, [0.01, 0.01], no_cues, False, True, bout_start=bout_start)

    carried = first_of_walk(False)  # a link of 0.05 that is no bout end (e.g. a turn): the chain decides
    assert carried[0] == "backward" and carried[1] > 0.9
    own = first_of_walk(True)
    assert own[0] == "unknown" and own[1] < settings.unknown_below_confidence


def test_a_backward_run_turning_into_a_forward_walk_gets_no_sure_wrong_label() -> None:
    """LIVE-23, a simulated seam without standing (issue 17's bar: no label wrong at >= 0.9): the walk's first
    steps were labelled backward at 0.91-0.95 from the run's state; offline none is."""
    bouts = [
        Bout("still", "still", 0, 3),
        Bout("forward", "running", 3.0, 6),
        Bout("backward", "running", 2.5, 12),
        Bout("forward", "walking", 1.3, 6),
    ]
    sim = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=200.0, seed=3))
    steps, _ = _run(sim.session)
    truth_ic = sim.truth["ic_time_s"].to_numpy(dtype=float)
    truth_dir = sim.truth["direction"].to_numpy()
    wrong = []
    for s in steps:
        j = int(np.argmin(np.abs(truth_ic - s.ic_time_s)))
        if abs(truth_ic[j] - s.ic_time_s) <= 0.15 and s.direction_confidence >= 0.9 and s.direction != truth_dir[j]:
            wrong.append((round(s.ic_time_s, 2), s.direction, round(s.direction_confidence, 3)))
    assert wrong == []


def test_a_backward_walk_with_missed_contacts_reads_as_offline_once_the_walk_has_steps_measured() -> None:
    """LIVE-24 (issue 14): in seed 1's backward walk the detector misses every other contact; a 4 s window holds
    too few steps to see the double intervals and read them as one step each (the legs' sway: `unknown` at
    0.45-0.71 on six contacts). With the walking steps committed before the window, the window splits them as
    the offline analysis does over the session."""
    bouts = BENCH_BOUTS
    session = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=200.0, seed=1)).session
    offline = retrogait.analyze(session).steps
    steps, _ = _run(session)
    # from the backward walk's third stride: its first contacts, near the reversal, are the live look-ahead's
    # (LIVE-22; the second, 54.79 s, reads 0.70 online, across the label's threshold with DIRECTION-37; the third,
    # 55.37 s, read 0.70 and reads 0.68 since CADENCE-7, the online window seeing one contact at 54.2 s where the
    # session has two, 54.20 / 54.26 s, against one true at 54.24 s)
    walk = [(row, s) for row, s in _matched(steps, offline) if row.ic_time_s > 55.5]
    assert len(walk) >= 8
    differ = [(round(s.ic_time_s, 2), s.direction, row.direction) for row, s in walk if s.direction != row.direction]
    assert differ == []


@pytest.mark.parametrize("placement", ["foot", "lower_back"])
@pytest.mark.parametrize("declared", [True, False])
def test_a_half_turn_remount_at_a_stop_reverses_the_live_facing_once_the_new_stretch_is_firm(
    placement: str, declared: bool
) -> None:
    """LIVE-26 (MOUNT-1 live): the sensor turned half round about z while the wearer stands. One facing over every
    contact received labelled each backward step after it `forward` at >= 0.9 (foot 30 of 30, lower back 60 of
    61); per stretch between standings, as offline, only the stretch's first contacts, before its own facing cues
    are firm, are still wrong. Without declared axes the backward steps then read backward, with them (the
    declared sign contradicted) they make no claim."""
    bouts = parse_bouts("still::0:3,forward:running:3.0:20,remount::0/0/180:9,backward:running:2.5:20,still::0:3")
    session = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=5)).session
    if not declared:
        session = replace(session, meta=replace(session.meta, anterior_axis=None, vertical_axis=None))
    steps, _ = _run(session)
    forward = [s for s in steps if s.ic_time_s <= 27.5]
    backward = [s for s in steps if s.ic_time_s > 27.5]
    assert not any(s.direction_confidence >= 0.9 and s.direction != "forward" for s in forward)
    wrong = [k for k, s in enumerate(backward) if s.direction_confidence >= 0.9 and s.direction != "backward"]
    assert len(backward) >= 25 and max(wrong, default=0) < 2 * DirectionSettings().remount_min_steps
    right = sum(s.direction == "backward" for s in backward)
    assert right >= len(backward) // 2 if not declared else right == 0


@pytest.mark.parametrize("placement", ["foot", "lower_back"])
def test_after_a_live_facing_reversal_a_later_stop_keeps_the_facing_so_far(placement: str) -> None:
    """Review of LIVE-26: once two stretches were firm and opposite, a stretch after a later stop was read in the
    declared frame until firm itself (foot: 9 backward steps `forward` at 1.00, offline `unknown`); it now takes
    the last firm stretch's facing."""
    bouts = parse_bouts(
        "still::0:3,forward:running:3.0:20,remount::0/0/180:9,backward:running:2.5:20,still::0:9,"
        "backward:running:2.5:20,still::0:3"
    )
    session = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=5)).session
    steps, _ = _run(session)
    last = [s for s in steps if s.ic_time_s > 61.0]
    assert len(last) >= 25
    assert not any(s.direction_confidence >= 0.9 and s.direction != "backward" for s in last)


@pytest.mark.parametrize("seed", [1, 3])
def test_a_pause_before_a_walk_s_reversal_lets_the_live_chain_forget_as_the_offline_one(seed: int) -> None:
    """LIVE-41 (issue 14): the forward walk's last contacts are missed before it turns into the backward walk, a
    1.6 s interval. Offline it is a pause (over three median intervals of the session, whose running steps are
    short): the chain forgets there and the backward walk reads backward from its first contacts. A 4 s window
    holds walking intervals only, so it saw no pause and carried the forward walk across: the backward walk's
    second and third contacts read `unknown` (0.33-0.68) online, `backward` (0.98-1.00) offline. The pause's
    limit now takes the median over the committed contacts' intervals as well, as offline over the session's."""
    bouts = BENCH_BOUTS
    session = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=200.0, seed=seed)).session
    offline = retrogait.analyze(session).steps
    steps, _ = _run(session)
    # from the backward walk's second contact (its first, at the reversal, has no evidence of its own: LIVE-30)
    walk = [(row, s) for row, s in _matched(steps, offline) if 54.5 < row.ic_time_s < 57.0]
    assert len(walk) >= 4
    assert all(row.direction == "backward" for row, _ in walk)
    differ = [
        (round(s.ic_time_s, 2), s.direction, round(s.direction_confidence, 2))
        for row, s in walk
        if s.direction != row.direction
    ]
    assert differ == []


def test_a_run_turning_into_a_walk_has_its_walk_s_contacts_decided_on_a_window_that_holds_them() -> None:
    """LIVE-42 (issue 14): seed 6's backward run turns into the forward walk at 44.3 s
    without standing. The windows ending 46.5 and 47.0 s hold the run's last strides and the walk's first: the gait
    gate finds neither piece long enough to stand alone and drops every contact (`irregular`), so the walk's second
    contact (44.81 s) was decided at `max_wait_s` on the window ending 46.0 s, whose look-ahead had no evidence yet:
    `unknown` 0.33, offline `forward` 1.00 (the truth). Such a window is now analysed again reaching back over the
    run (`transition_window_s`), where the gate keeps the contacts."""
    bouts = BENCH_BOUTS
    session = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=200.0, seed=6)).session
    offline = retrogait.analyze(session).steps
    steps, det = _run(session, settings=OnlineSettings())
    walk = [(row, s) for row, s in _matched(steps, offline) if 44.5 < row.ic_time_s < 46.0]
    assert len(walk) >= 2
    late = [round(s.ic_time_s, 2) for _, s in walk if s.ready_time_s - s.ic_time_s > det.settings.max_wait_s]
    differ = [(round(s.ic_time_s, 2), s.direction, row.direction) for row, s in walk if s.direction != row.direction]
    assert (late, differ) == ([], [])


def test_a_window_reaching_back_at_a_change_of_gait_leaves_the_contacts_where_the_4_s_window_placed_them() -> None:
    """LIVE-42's placement: over 8 s the stride is estimated over two gaits, and a foot's first walking landing after
    the backward run (seed 1, 44.77 s) was found 0.12 s late when the longer window's contacts were taken whole.
    The waiting contacts keep the landing, impact and side of the last 4 s window that held them."""
    session = simulate(SimulationConfig("foot", BENCH_BOUTS, sample_rate_hz=200.0, seed=1)).session
    offline = retrogait.analyze(session).steps
    steps, _ = _run(session)
    seam = offline[(offline["ic_time_s"] > 43.0) & (offline["ic_time_s"] < 47.0)]
    assert len(seam) >= 4
    assert len([row for row, _ in _matched(steps, seam)]) == len(seam)


def test_a_walk_ending_in_handling_without_standing_commits_its_last_contacts_after_max_wait() -> None:
    """REVIEW-12: a walk that stops into handling the sensor (no standing, no gait: a slow wobble). The windows after
    the walk hold no contact while its last contacts wait, so each was analysed again reaching back (LIVE-42) and
    returned before the waiting contacts' `max_wait_s` was applied: the walk's last two contacts (19.09, 20.36 s)
    were committed at 24.0 s, 4-5 s after they landed, not `max_wait_s` (2 s) after. A window reaching back that
    does not decide them leaves them final at `max_wait_s`, as a window without contacts does."""
    bouts = [Bout("still", "still", 0, 3), Bout("forward", "walking", 1.3, 15), Bout("still", "still", 0, 12)]
    session = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=100.0, seed=2)).session
    t, acc = session.t_s, session.acc.copy()
    handled = t > 18.0
    for k, f in enumerate((0.37, 0.61, 0.93)):  # Hz: no rhythm of gait, never still
        acc[handled, k] += 1.5 * np.sin(2 * np.pi * f * t[handled] + k) + 0.8 * np.sin(2 * np.pi * 1.7 * f * t[handled])
    steps, det = _run(replace(session, acc=acc))
    s = det.settings
    walk = [x for x in steps if 17.0 < x.ic_time_s < 21.0]
    assert len(walk) >= 2
    due = s.max_wait_s + s.hop_s
    late = [(round(x.ic_time_s, 2), x.ready_time_s) for x in walk if x.ready_time_s > x.ic_time_s + due]
    assert late == []


def test_a_contact_before_a_bout_end_keeps_its_own_bout_s_reading_live() -> None:
    """LIVE-44, synthetic: a backward run's last contact (no evidence of its own) whose lag crosses a bout end into a
    firm forward walk. The lag lets the walk's evidence through the bout end's link: `unknown` 0.66 where its run
    alone reads `backward` 0.97. At the lower back its label is its own bout's reading (the lag stops at the bout
    end), as offline; elsewhere (the foot) nothing changes."""
    settings = DirectionSettings()
    run = np.array([-0.5, 0.0, -0.5])
    walk = np.array([0.0, -5.0, -2.5])
    no_cues = {"x_log_odds": 0.0, "free_log_odds": 0.0}

    def last_of_run(placement: str, ends: list[bool] | None) -> tuple[str, float]:
        filt = OnlineDirection(settings, placement)
        for i in range(20):
            filt.decide(run, FORGET if i == 0 else 0.01, [run, run], [0.01, 0.01], no_cues, False, True)
        return filt.decide(np.zeros(3), 0.01, [walk, walk], [0.05, 0.01], no_cues, False, True, lag_bout_start=ends)

    chain = last_of_run("foot", [True, False])
    assert chain[0] == "unknown"
    own = last_of_run("lower_back", [True, False])
    assert own[0] == "backward" and own[1] > 0.95
    assert last_of_run("lower_back", None) == chain  # no bout ends given: as before


def test_the_last_landing_of_a_run_turning_into_a_walk_reads_as_offline() -> None:
    """LIVE-44 (issue 14), simulator version 2 (the trunk carries its momentum): seed 3's backward run turns into the
    forward walk at 44 s without standing. Its last landing (43.56 s) has no evidence of its own; offline read it
    `unknown` 0.69, online `backward` 0.71 (the walk's evidence let through the change of gait's link, a knife edge
    either side of 0.7). Both now read it as its own bout does: `backward` (the truth)."""
    session = simulate(SimulationConfig("lower_back", BENCH_BOUTS, sample_rate_hz=200.0, seed=3, version=2)).session
    offline = retrogait.analyze(session).steps
    steps, _ = _run(session)
    seam = [(row, s) for row, s in _matched(steps, offline) if 42.5 < row.ic_time_s < 45.5]
    assert len(seam) >= 5
    differ = [(round(s.ic_time_s, 2), s.direction, row.direction) for row, s in seam if s.direction != row.direction]
    assert differ == []
    last = [(row.direction, s.direction) for row, s in seam if 43.4 < row.ic_time_s < 43.7]
    assert last == [("backward", "backward")]


@pytest.mark.parametrize("seed", [9, 20])
def test_the_pivot_stance_of_a_run_reversing_is_committed_once_on_one_leg(seed: int) -> None:
    """LIVE-47: at bench_live's forward-to-backward running change (24 s) the foot pivots on one stance of ~0.9 s.
    One window placed its landing 0.2 s early (a contact offline has too), a later one on the touch-down; both were
    committed, 0.13-0.27 s apart (a step time no foot makes: offline keeps two landings of one leg two `min_step_s`
    apart), and the second read `backward` at 1.000 where the stance began in the forward run (fresh seeds 9, 20,
    21: the 3 online labels of 1,791 wrong at >= 0.9). One leg's landings are now committed a stride apart."""
    sim = simulate(SimulationConfig("foot", BENCH_BOUTS, sample_rate_hz=200.0, seed=seed))
    steps, det = _run(sim.session)
    ic = np.asarray([s.ic_time_s for s in steps])
    assert np.all(np.diff(ic) > 2.0 * det.analysis.contacts.min_step_s)
    truth_ic = sim.truth["ic_time_s"].to_numpy(dtype=float)
    truth_dir = sim.truth["direction"].to_numpy()
    j = np.argmin(np.abs(truth_ic[None, :] - ic[:, None]), axis=1)
    sure = (np.abs(truth_ic[j] - ic) <= 0.15) & (np.asarray([s.direction_confidence for s in steps]) >= 0.9)
    assert not any(s.direction != truth_dir[k] for s, k, m in zip(steps, j, sure, strict=True) if m)


def test_a_landing_after_a_committed_contact_the_same_window_holds_is_not_taken_for_it_found_again() -> None:
    """REVIEW-49: LIVE-47 took every contact within two `min_step_s` after the newest committed one for that contact
    found again. At a sprint's start (foot without gyroscope, 7 m/s) a window holds a contact in the standing (2.685 s,
    impact 0.01 g, committed) and the run's first landing 0.385 s later (3.07 s, 13.5 g): offline has both, the base
    detector committed both, LIVE-47 dropped the landing. A window that still holds the committed contact where it was
    committed reads its other contacts as other landings (as the offline stages do); the pivot stance LIVE-47 is about
    is placed elsewhere by the later window (test above)."""
    bouts = [Bout("still", "still", 0, 3), Bout("forward", "running", 7.0, 25)]
    sim = simulate(SimulationConfig("foot", bouts, sample_rate_hz=200.0, seed=11, with_gyro=False))
    offline = retrogait.analyze(sim.session)
    first = offline.steps[offline.steps["impact_peak_g"] > 5.0]["ic_time_s"].iloc[0]  # the run's first landing
    steps, _ = _run(sim.session)
    assert any(abs(s.ic_time_s - first) < 0.02 and s.impact_peak_g > 5.0 for s in steps)
