"""DIRECTION-44/45 (issue 17, DIRECTION-43): a foot contact missed in a stepping turn's pivot. The contact after
the gap is no first contact after a pause: it keeps the stride landing on it, not the next contact's (DIRECTION-44);
and a stride turning more than half a turn keeps its turn, not the angle 360 deg the other way (DIRECTION-45)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from direction_sessions import stepturn_bouts
from retrogait.analysis.direction import step_directions
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.stride_vectors import stride_vectors
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.simulate import SimulationConfig, simulate
from stepturn_people import stepturn


def _turning_stride(fs: float, turn_deg: float, pitch_deg: float = 40.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Body-frame specific force (m/s^2) and rate (deg/s) of a level sensor that rests, yaws by ``turn_deg`` while
    it moves 0.6 m along a half circle and pitches by ``pitch_deg`` and back, and rests again; its two rest samples."""
    dt = 1.0 / fs
    t = np.arange(-0.3, 1.2 + 0.3, dt)
    u = np.clip(t / 1.2, 0.0, 1.0)
    s = u**3 * (10 - 15 * u + 6 * u * u)  # minimum jerk
    bump = np.sin(np.pi * u) ** 2
    rot = Rotation.from_euler("ZY", np.column_stack([turn_deg * s, pitch_deg * bump]), degrees=True)
    arc = np.radians(np.sign(turn_deg) * 180.0) * s  # along a half circle to the turn's side
    pos = np.column_stack([0.3 * np.sin(np.abs(arc)), 0.3 * np.sign(turn_deg) * (1 - np.cos(arc)), 0.1 * bump])
    acc = np.gradient(np.gradient(pos, dt, axis=0), dt, axis=0)
    acc[:, 2] += STANDARD_GRAVITY_MS2
    rel = (rot[:-1].inv() * rot[1:]).as_rotvec() / dt
    gyr = np.degrees(np.vstack([rel, rel[-1:]]))
    return rot.inv().apply(acc), gyr, np.array([np.searchsorted(t, -0.15), np.searchsorted(t, 1.35)])


@pytest.mark.parametrize("fs", [200.0, 800.0])
@pytest.mark.parametrize("turn_deg", [-190.0, 190.0, -170.0, 120.0, 250.0])
def test_a_stride_keeps_a_turn_beyond_half_a_turn(fs: float, turn_deg: float) -> None:
    """A stride turning 190 deg to the right turned 190 deg to the right, not 170 deg to the left: its heading change
    is followed through the stride (read from its end heading alone it was wrapped into +-180 deg, and the frame
    halfway between its two headings, in which its vector is read, lay 180 deg off). Fails before for +-190 and 250."""
    acc, gyr, rests = _turning_stride(fs, turn_deg)
    sv = stride_vectors(acc, gyr, fs, rests)
    assert sv.heading_change_deg[0] == pytest.approx(turn_deg, abs=3.0)


@pytest.mark.parametrize("turn_deg", [0.0, 20.0])
def test_a_sensor_axis_passing_the_vertical_adds_no_turn(turn_deg: float) -> None:
    """A shank's x axis points near the vertical in a sprint's swing (pitched past 90 deg): the heading of that axis
    jumps there, but the sensor turned no more about the vertical than it did (simulated shank sprints read a
    360 deg turn where the turn was followed by the axis' heading)."""
    acc, gyr, rests = _turning_stride(400.0, turn_deg, pitch_deg=110.0)
    sv = stride_vectors(acc, gyr, 400.0, rests)
    assert sv.heading_change_deg[0] == pytest.approx(turn_deg, abs=3.0)


def _person_2_stepturn() -> tuple[BodySignals, np.ndarray, np.ndarray, np.ndarray]:
    """Simulated person 2 (issue 17's `stepturn`, foot, left, 800 Hz, simulator version 1, in-sample for DIRECTION-44):
    the walk turns round 183.8 deg in three steps at 46.1-47.8 s, walks on and turns into a backward walk at 49.4 s
    without standing. Its preprocessed signals and its foot's true contact samples, directions and times (s)."""
    bouts = stepturn_bouts((1.0857, 0.9267, 3.2561, 1.2753, 1.0196), (-170.496, 150.768, -170.882, 183.764), (3.0, 2.0))
    config = SimulationConfig(
        "foot",
        bouts,
        sample_rate_hz=800.0,
        side="left",
        mounting_rotation_deg=(-3.173, 3.959, -1.397),
        seed=2,
        version=1,
    )
    result = simulate(config)
    truth = result.truth[result.truth["side"] == "left"].reset_index(drop=True)
    signals = preprocess(result.session)
    ic = np.round((truth["ic_time_s"].to_numpy() - signals.t_s[0]) * signals.fs_hz).astype(np.int64)
    to_s = truth["to_time_s"].to_numpy()
    to = np.where(np.isfinite(to_s), np.round((np.nan_to_num(to_s) - signals.t_s[0]) * signals.fs_hz), -1)
    to = to.astype(np.int64)
    return signals, np.column_stack([ic, to]), truth["direction"].to_numpy().astype(str), truth["ic_time_s"].to_numpy()


def test_the_contact_after_one_missed_in_a_pivot_keeps_its_own_stride() -> None:
    """With the foot's contact of the turn's last step (47.62 s) missed, the next one (48.70 s, the last forward
    stride before the backward walk) lies two strides after the one before it and passed for the first contact
    after a pause: it took the stride leaving it -- the next contact's, the first backward stride (-1.06 m) --
    and read `backward` at 1.000. Its own stride (two strides, 2.7 m forward) was measured. Fails before."""
    signals, ic_to, truth, t = _person_2_stepturn()
    missed = int(np.argmin(np.abs(t - 47.619)))
    keep = np.arange(t.size) != missed
    contacts = Contacts(ic_to[keep, 0], ic_to[keep, 1], np.full(int(keep.sum()), "left"))
    steps = step_directions(signals, contacts)
    label, conf = steps["direction"].to_numpy(), steps["direction_confidence"].to_numpy()
    after = int(np.argmin(np.abs(t[keep] - 48.702)))
    assert truth[keep][after] == "forward" and label[after] == "forward"
    wrong = (label != truth[keep]) & (label != "unknown") & (conf >= 0.9)
    assert not wrong.any()


def test_a_swing_across_a_gap_in_the_data_is_not_measured() -> None:
    """REVIEW-67: simulated person 22 (`stepturn`, foot, v1, 200 Hz, in-sample), the pivot contact at 46.30 s missed
    and 0.6 s of data lost up to 0.1 s before the next contact (47.34 s; preprocess interpolates a gap and marks it in
    ``BodySignals.gap``). DIRECTION-44 integrated that contact's own swing across the interpolated samples and read
    the forward contact `backward` 0.909; a swing holding a gap is not measured."""
    scored, t = stepturn(22)  # validate_reliability's person 22
    signals, c = scored.signals, scored.contacts
    keep = np.abs(t - 46.295) > 0.01
    lo, hi = np.searchsorted(signals.t_s, [46.645, 47.245])
    w = ((np.arange(lo, hi) - (lo - 1)) / (hi - (lo - 1)))[:, None]
    acc, gyr = signals.acc_ms2.copy(), np.array(signals.gyr_dps)
    acc[lo:hi] = acc[lo - 1] * (1 - w) + acc[hi] * w
    gyr[lo:hi] = gyr[lo - 1] * (1 - w) + gyr[hi] * w
    gap = signals.gap.copy()
    gap[lo:hi] = True
    gapped = replace(signals, acc_ms2=acc, gyr_dps=gyr, gap=gap)
    steps = step_directions(gapped, Contacts(c.ic_idx[keep], c.to_idx[keep], c.side[keep]))
    label, conf = steps["direction"].to_numpy(), steps["direction_confidence"].to_numpy()
    true = np.asarray(scored.truth)[keep]
    wrong = (label != true) & (label != "unknown") & (conf >= 0.9)
    assert not wrong.any(), t[keep][wrong]


def test_the_motion_energy_is_computed_once_per_limb_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """REVIEW-69: DIRECTION-44's own swings took the quietest sample of a second whole-recording motion energy, the
    same numbers `rest_indices` had just made (13 ms per hour of 200 Hz data, 6-9 % of a foot's or shank's
    `step_directions`, on any recording with a stop: bench_direction's has none)."""
    import retrogait.analysis.direction as direction
    import retrogait.analysis.zupt as zupt

    calls: list[int] = []
    original = zupt.motion_energy

    def counted(*args: object, **kwargs: object) -> np.ndarray:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zupt, "motion_energy", counted)
    monkeypatch.setattr(direction, "motion_energy", counted)
    signals, ic_to, _, _ = _person_2_stepturn()
    keep = np.arange(ic_to.shape[0]) != 30  # a contact missed: the one after it is taken for one after a pause
    contacts = Contacts(ic_to[keep, 0], ic_to[keep, 1], np.full(int(keep.sum()), "left"))
    step_directions(signals, contacts)
    assert len(calls) == 1
