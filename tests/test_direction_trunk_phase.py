"""DIRECTION-16: a walking trunk's braking contrast is phase-bound; contacts off the gait's phase
(irregular step times) weaken its evidence instead of reversing the direction with confidence."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.analysis import direction
from retrogait.analysis.direction import (
    _contact_phase_error,
    _rhythm_share,
    _vertical_phase_offset,
    _windowed_components,
    direction_cues,
    phase_weight,
    step_directions,
)
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.settings import DirectionSettings
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.simulate import Bout, SimulationConfig, simulate


def _walking_trunk(direction: str) -> tuple[BodySignals, Contacts]:
    """A simulated lower back walking 12 s and its true contacts (no toe-off: walking)."""
    bouts = [Bout("still", "still", 0, 1.0), Bout(direction, "walking", 1.2, 12.0), Bout("still", "still", 0, 1.0)]
    result = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=100.0, seed=1))
    signals = preprocess(result.session)
    ic = np.round(result.truth["ic_time_s"].to_numpy() * signals.fs_hz).astype(np.int64)
    return signals, Contacts(ic, np.full(ic.size, -1, dtype=np.int64), result.truth["side"].to_numpy().astype(str))


def test_the_phase_error_is_the_share_of_a_step_a_contact_lies_off() -> None:
    fs, settings = 100.0, DirectionSettings()
    ic = np.arange(0, 1500, 50)  # 30 steps of 0.5 s
    walking = np.ones(ic.size, dtype=bool)
    regular = _contact_phase_error(ic, fs, settings, 2000, walking)
    assert np.nanmax(regular) == 0.0
    shifted = ic.copy()
    shifted[10] -= 15  # 0.3 step early: the steps around it are 0.7 and 1.3 steps long
    error = _contact_phase_error(shifted, fs, settings, 2000, walking)
    assert error[9] == pytest.approx(0.3) and error[10] == pytest.approx(0.3)  # the two steps it bounds
    # the contacts either side see a regular step and a shortened or lengthened one (which is off is not known)
    assert error[8] == pytest.approx(15 / 85) and error[11] == pytest.approx(15 / 115)
    assert error[7] == 0.0 and error[12] == 0.0
    missed = np.delete(ic, 12)  # a missed contact: an interval of two steps is two regular steps
    assert np.nanmax(_contact_phase_error(missed, fs, settings, 2000, np.ones(missed.size, dtype=bool))) == 0.0
    assert np.isnan(_contact_phase_error(ic, fs, settings, 2000, ~walking)).all()


def test_the_evidence_kept_is_the_mean_contrast_over_the_possible_shifts() -> None:
    settings = DirectionSettings()  # the contrast reverses at half a step
    d = np.array([0.0, 0.25, 0.5, 0.8, np.nan])
    shifts = np.linspace(0.0, 0.25, 100001)
    w = phase_weight(d, settings)
    assert w[0] == 1.0 and w[4] == 1.0  # none measured: kept
    assert w[1] == pytest.approx(np.mean(np.cos(2.0 * np.pi * shifts)), abs=1e-4)  # 2 / pi
    assert w[2] == pytest.approx(0.0, abs=1e-12) and w[3] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_a_walking_trunk_with_contacts_half_a_step_off_is_not_confidently_reversed(direction: str) -> None:
    """The held-out end-to-end pattern (simulated people 4-6): over 5 s two of every three contacts lie
    0.4 step early. Their braking contrast swapped braking and propulsion and the stretch read the
    opposite direction at up to 0.9999 (7 labels at >= 0.9); now it has no wrong label at >= 0.9."""
    signals, contacts = _walking_trunk(direction)
    ic = contacts.ic_idx.copy()
    step = int(np.median(np.diff(ic)))
    t = ic / signals.fs_hz
    stretch = np.flatnonzero((t > 4.0) & (t < 9.0))
    ic[stretch[np.arange(stretch.size) % 3 != 0]] -= int(0.4 * step)
    off = Contacts(ic, contacts.to_idx, contacts.side)
    out = step_directions(signals, off)
    labels, conf = out["direction"].to_numpy(), out["direction_confidence"].to_numpy()
    wrong = (labels != direction) & (labels != "unknown")
    assert not (wrong & (conf >= 0.9)).any()
    error = direction_cues(signals, off)["contact_phase_error_steps"].to_numpy()
    assert np.nanmin(error[stretch[1:-1]]) > 0.15 and np.nanmax(error[stretch]) > 0.35  # 0.6 and 1.4 steps
    # with the simulator's contacts the direction stays firm and the step times regular
    true_out = step_directions(signals, contacts)
    assert (true_out["direction"] == direction).all()
    assert np.nanmax(direction_cues(signals, contacts)["contact_phase_error_steps"]) < 0.1


def _early_stretch(direction: str, steps: float) -> tuple[BodySignals, Contacts, Contacts, np.ndarray, np.ndarray]:
    """:func:`_walking_trunk`, and its contacts with those of 4-8 s moved ``steps`` typical steps early: the
    signals, the true contacts, the moved ones, the indices of the moved and every contact's time (s)."""
    signals, contacts = _walking_trunk(direction)
    ic = contacts.ic_idx.copy()
    step = int(np.median(np.diff(ic)))
    t = ic / signals.fs_hz
    stretch = np.flatnonzero((t > 4.0) & (t < 8.0))
    ic[stretch] -= int(steps * step)
    return signals, contacts, Contacts(ic, contacts.to_idx, contacts.side), stretch, t


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_contacts_shifted_alike_are_seen_in_the_vertical_oscillation(direction: str) -> None:
    """DIRECTION-17 (issue 17, simulated person 9 end to end): over 4 s every contact lies 0.45 step early.
    Inside the stretch the step times stay regular, so the step-time measure sees only its two ends and
    the stretch read the opposite direction at up to 0.9999 (6-7 labels at >= 0.9). The vertical
    acceleration's step-frequency component is off the session's phase there by about the shift: the
    braking evidence goes and the stretch keeps its neighbours' direction."""
    signals, contacts, off, stretch, t = _early_stretch(direction, 0.45)
    cues = direction_cues(signals, off)
    out = step_directions(signals, off, cues=cues)
    labels, conf = out["direction"].to_numpy(), out["direction_confidence"].to_numpy()
    assert not ((labels != direction) & (labels != "unknown") & (conf >= 0.9)).any()
    assert np.nanmax(cues["contact_phase_error_steps"].to_numpy()[stretch[1:-2]]) < 0.05  # regular step times
    vertical = cues["vertical_phase_error_steps"].to_numpy()
    assert np.nanmin(vertical[stretch]) > 0.35
    assert np.nanmax(vertical[(t > 2.0) & (t < 11.0) & ~np.isin(np.arange(t.size), stretch)]) < 0.1
    # at the simulator's contacts every walking contact (the first and last aside: their window takes in
    # the standing) lies on the session's phase
    true_vertical = direction_cues(signals, contacts)["vertical_phase_error_steps"].to_numpy()
    assert np.nanmax(true_vertical[1:-1]) < 0.1


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_contacts_a_fifth_of_a_step_early_alike_do_not_reverse_the_braking(direction: str) -> None:
    """DIRECTION-20 (issue 17, simulated person 16 end to end: the steps after a stepping turn): over 4 s
    every contact lies 0.2 step early. The simulated trunk's braking contrast already reverses there (its
    zero lies nearer than DIRECTION-16's quarter step), the step times stay regular and the vertical phase
    reads only 0.17-0.18, so the phase weights kept most of the reversed evidence: 6-7 labels wrong (5 at
    >= 0.9 backward). Read again from the contacts moved to the vertical oscillation's phase, the contrast
    keeps its sign only where both readings give it: none reversed, no label wrong."""
    signals, contacts, off, stretch, _ = _early_stretch(direction, 0.2)
    cues = direction_cues(signals, off)
    braking = cues["braking_contrast_ms2"].to_numpy()[stretch]
    assert not (braking * (1.0 if direction == "forward" else -1.0) > 0).any()  # forward brakes: negative
    labels = step_directions(signals, off, cues=cues)["direction"].to_numpy()
    assert not ((labels != direction) & (labels != "unknown")).any()
    # at the simulator's contacts both readings agree: the contrasts are the detected contacts' own
    true_cues = direction_cues(signals, contacts)
    assert (step_directions(signals, contacts, cues=true_cues)["direction"] == direction).all()


def test_the_rhythm_share_is_the_step_frequency_part_of_the_window() -> None:
    """DIRECTION-18: 1 for a pure oscillation at the step frequency, 1 / sqrt(2) with a second harmonic as
    large (the two loads of fast walking); a train of one load per step (0.14 step after each contact, as
    the simulated trunk) well above a half, the same train with the load of the centre step missing (the
    first step of a change of direction) well below."""
    step = 50  # samples
    lag = np.arange(-step, step + 1)  # two steps
    taper = 0.5 * (1.0 + np.cos(np.pi * lag / (step + 1)))
    basis = taper[:, None] * np.stack([np.cos(2.0 * np.pi * lag / step), -np.sin(2.0 * np.pi * lag / step)], axis=1)

    def share(x: np.ndarray) -> float:
        rows = x[None, :]
        return float(_rhythm_share(np.hypot(*(rows @ basis).T), rows, taper)[0])

    def loads(missing: tuple[int, ...] = ()) -> np.ndarray:
        x = sum(
            np.exp(-0.5 * ((lag - (k + 0.14) * step) / (0.1 * step)) ** 2) for k in range(-3, 4) if k not in missing
        )
        return np.asarray(x - np.mean(x))

    phase = 2.0 * np.pi * lag / step
    assert share(3.0 * np.cos(phase + 0.7)) == pytest.approx(1.0, abs=0.02)
    assert share(np.cos(phase) + np.cos(2.0 * phase + 0.3)) == pytest.approx(np.sqrt(0.5), abs=0.03)
    assert share(loads()) > 0.8
    assert share(loads(missing=(0,))) < 0.25
    assert share(loads(missing=(-1,))) > 0.7  # a load missing at the window's edge barely counts
    assert share(np.zeros(lag.size)) == 0.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_window_without_a_step_rhythm_reads_no_phase(seed: int) -> None:
    """DIRECTION-18 (the cost of DIRECTION-17): where a walk turns straight into backward walking the
    simulated vertical force has one deep dip instead of a step rhythm around the first backward contact;
    its phase read 0.37-0.45 step off and took that step's right braking evidence (seed 3: `backward` ->
    `unknown`). The window's step-frequency share is below a half there: no phase, DIRECTION-16's weight."""
    bouts = [
        Bout("still", "still", 0, 1.0),
        Bout("forward", "walking", 1.2, 8.0),
        Bout("backward", "walking", 1.0, 8.0),
        Bout("still", "still", 0, 1.0),
    ]
    result = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=100.0, seed=seed))
    signals = preprocess(result.session)
    ic = np.round((result.truth["ic_time_s"].to_numpy() - signals.t_s[0]) * signals.fs_hz).astype(np.int64)
    contacts = Contacts(ic, np.full(ic.size, -1, dtype=np.int64), result.truth["side"].to_numpy().astype(str))
    cues = direction_cues(signals, contacts)
    out = step_directions(signals, contacts, cues=cues)
    truth = result.truth["direction"].to_numpy()
    first = int(np.flatnonzero(truth == "backward")[0])
    vertical = cues["vertical_phase_error_steps"].to_numpy()
    assert np.isnan(vertical[first])
    assert np.nanmax(vertical[first - 6 : first]) < 0.15 and np.nanmax(vertical[first + 1 : first + 7]) < 0.15
    labels = out["direction"].to_numpy()
    assert labels[first] == "backward"
    assert ((labels == truth) | (labels == "unknown")).all()


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_a_walking_trunk_below_its_rate_is_unknown_not_reversed(direction: str, version: int) -> None:
    """At 25 Hz (below `walking_min_rate_hz`, 30 Hz since RATE-2) the walking trunk's braking contrast is
    no evidence: before DIRECTION-19 nearly every step at 25-30 Hz was the wrong direction at >= 0.9.
    Simulator version 2's forward walk lost every contact here before CADENCE-7 (contacts on the valley
    and on the kink mixed: "their strides vary more than any walk's")."""
    import dataclasses

    from retrogait import analyze

    bouts = [Bout("still", "still", 0, 2.0), Bout(direction, "walking", 1.2, 20.0), Bout("still", "still", 0, 2.0)]
    session = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=200.0, seed=1, version=version)).session
    keep = slice(None, None, 8)  # 25 Hz; the simulated acceleration is smooth enough to be sampled so
    low = dataclasses.replace(
        session,
        t_s=session.t_s[keep],
        acc=session.acc[keep],
        gyr=None if session.gyr is None else session.gyr[keep],
        extra={},
    )
    steps = analyze(low).steps
    labels = steps["direction"].to_numpy()
    assert len(labels) >= 20
    assert not ((labels != direction) & (labels != "unknown")).any()
    assert np.mean(labels == "unknown") >= 0.9


def test_windows_taken_a_block_at_a_time_give_what_all_at_once_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """The contacts' windows are copied a block at a time (memory bounded at high rates): any block size
    gives the same components, rhythm shares and phase errors as one block holding every window."""
    rng = np.random.default_rng(3)
    a = rng.normal(size=5000)
    width = 121
    lag = np.arange(width) - width // 2
    taper = 0.5 * (1.0 + np.cos(np.pi * lag / (width // 2 + 1)))
    basis = taper[:, None] * np.stack([np.cos(2 * np.pi * lag / 60), -np.sin(2 * np.pi * lag / 60)], axis=1)
    starts = np.sort(rng.integers(0, a.size - width, size=37))
    rows = np.lib.stride_tricks.sliding_window_view(a, width)[starts]
    whole = rows @ basis
    share = _rhythm_share(np.hypot(whole[:, 0], whole[:, 1]), rows, taper)
    for block_samples in (1, width, 5 * width + 7, 10**9):
        monkeypatch.setattr(direction, "WINDOW_BLOCK_SAMPLES", block_samples)
        component, blocked_share = _windowed_components(a, starts, basis, taper)
        np.testing.assert_allclose(component, whole, rtol=1e-13, atol=1e-12)
        np.testing.assert_allclose(blocked_share, share, rtol=1e-13)
    signals, contacts = _walking_trunk("forward")
    walking = np.ones(len(contacts), dtype=bool)
    monkeypatch.setattr(direction, "WINDOW_BLOCK_SAMPLES", 10**9)
    at_once = np.abs(_vertical_phase_offset(signals, contacts.ic_idx, walking, DirectionSettings())[0])
    monkeypatch.setattr(direction, "WINDOW_BLOCK_SAMPLES", 100)
    blocked = np.abs(_vertical_phase_offset(signals, contacts.ic_idx, walking, DirectionSettings())[0])
    np.testing.assert_allclose(blocked, at_once, rtol=1e-12, atol=1e-12)
    assert np.isfinite(at_once).sum() > 10
