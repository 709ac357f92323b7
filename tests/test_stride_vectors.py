"""Strapdown stride vectors (analysis/stride_vectors.py), heading changes (turns.py) and the
three-state smoothing of travel direction (travel.py)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.stride_vectors import stride_vectors
from retrogait.analysis.travel import FORGET, axis_evidence, smooth_states, vector_evidence
from retrogait.analysis.turns import heading_changes_deg, turn_switch_probability
from retrogait.analysis.zupt import rest_indices
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.simulate import Bout, SimulationConfig, simulate


def _min_jerk(u: np.ndarray) -> np.ndarray:
    return u**3 * (10 - 15 * u + 6 * u * u)


def _synthetic_stride(
    fs: float, travel_m: tuple[float, float], tilt_deg: tuple[float, float], heading_deg: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Body-frame specific force and rate of a rigid sensor that rests, moves by ``travel_m`` (world
    x, y) while pitching 50 deg, rolling 12 deg and yawing 30 deg and back, and rests again. Its
    resting tilt is ``tilt_deg`` (roll, pitch) and its heading ``heading_deg``."""
    dt = 1.0 / fs
    t = np.arange(-0.3, 1.4 + 0.3, dt)
    u = np.clip(t / 1.4, 0.0, 1.0)
    bump = np.sin(np.pi * u) ** 2
    rest = Rotation.from_euler("ZYX", [heading_deg, tilt_deg[1], tilt_deg[0]], degrees=True)
    motion = Rotation.from_euler(
        "ZYX", np.column_stack([30 * bump, 50 * np.sin(2 * np.pi * u) * bump, 12 * bump]), degrees=True
    )
    rot = rest * motion  # world <- body
    pos = np.zeros((t.size, 3))
    pos[:, 0], pos[:, 1] = travel_m[0] * _min_jerk(u), travel_m[1] * _min_jerk(u)
    pos[:, 2] = 0.15 * bump
    acc_world = np.gradient(np.gradient(pos, dt, axis=0), dt, axis=0)
    acc_world[:, 2] += STANDARD_GRAVITY_MS2
    f_body = rot.inv().apply(acc_world)
    # body rate: R^T dR/dt from consecutive orientations
    rel = (rot[:-1].inv() * rot[1:]).as_rotvec() / dt
    gyr = np.degrees(np.vstack([rel, rel[-1:]]))
    rests = np.array([np.searchsorted(t, -0.15), np.searchsorted(t, 1.55)])
    return f_body, gyr, rests


@pytest.mark.parametrize("fs", [200.0, 800.0])
@pytest.mark.parametrize(
    ("travel", "tilt", "heading"),
    [((1.4, 0.0), (0.0, 0.0), 0.0), ((-1.1, 0.3), (4.0, -10.0), 40.0), ((0.1, -0.5), (-6.0, 8.0), -120.0)],
)
def test_stride_vector_of_a_known_motion(
    fs: float, travel: tuple[float, float], tilt: tuple[float, float], heading: float
) -> None:
    acc, gyr, rests = _synthetic_stride(fs, travel, tilt, heading)
    sv = stride_vectors(acc, gyr, fs, rests)
    # expected: the travel in the level frame of the first rest, x along the sensor's horizontal x
    rest = Rotation.from_euler("ZYX", [heading, tilt[1], tilt[0]], degrees=True)
    x_axis = rest.apply([1.0, 0.0, 0.0])
    h = np.arctan2(x_axis[1], x_axis[0])
    want = (np.cos(h) * travel[0] + np.sin(h) * travel[1], -np.sin(h) * travel[0] + np.cos(h) * travel[1])
    assert (sv.dx_m[0], sv.dy_m[0]) == pytest.approx(want, abs=0.01)
    assert sv.dz_m[0] == pytest.approx(0.0, abs=0.01)
    assert sv.heading_change_deg[0] == pytest.approx(0.0, abs=0.5)


def test_pairs_too_far_apart_or_missing_are_nan() -> None:
    acc, gyr, rests = _synthetic_stride(200.0, (1.0, 0.0), (0.0, 0.0), 0.0)
    sv = stride_vectors(acc, gyr, 200.0, np.array([rests[0], -1, rests[1]]))
    assert not sv.valid.any() and np.isnan(sv.dx_m).all()
    short = stride_vectors(acc, gyr, 200.0, rests, max_stride_s=1.0)
    assert np.isnan(short.dx_m[0])


def _sensor_strides(result, placement: str) -> tuple[np.ndarray, object]:  # type: ignore[no-untyped-def]
    signals = preprocess(result.session)
    truth = result.truth[result.truth["side"] == result.config.side].reset_index(drop=True)
    ic = np.round(truth["ic_time_s"].to_numpy() * signals.fs_hz).astype(np.int64)
    rest = rest_indices(signals.acc_ms2, signals.gyr_dps, signals.fs_hz, ic)
    return truth, stride_vectors(signals.acc_ms2, signals.gyr_dps, signals.fs_hz, rest)


@pytest.mark.parametrize(
    ("bout", "axis", "sign"),
    [
        (Bout("forward", "running", 3.5, 8.0), 0, 1.0),
        (Bout("backward", "walking", 1.7, 8.0, hard_landing=True), 0, -1.0),
        (Bout("left", "walking", 0.6, 8.0), 1, 1.0),
        (Bout("right", "walking", 0.6, 8.0), 1, -1.0),
    ],
)
def test_simulated_foot_strides_point_where_the_foot_went(bout: Bout, axis: int, sign: float) -> None:
    result = simulate(SimulationConfig("foot", [bout], sample_rate_hz=200.0, seed=4))
    truth, sv = _sensor_strides(result, "foot")
    stride_m = bout.speed_ms * np.diff(truth["ic_time_s"].to_numpy())
    along = (sv.dx_m, sv.dy_m)[axis][1:-1]
    across = (sv.dy_m, sv.dx_m)[axis][1:-1]
    assert np.all(sign * along > 0.9 * stride_m[1:-1])
    assert np.all(np.abs(across) < 0.15 * stride_m[1:-1])


def test_heading_change_of_a_pivot_and_of_straight_gait() -> None:
    bouts = [Bout("forward", "walking", 1.3, 8.0), Bout("still", "still", 0, 1.5, turn_deg=-180.0)]
    bouts.append(Bout("backward", "walking", 1.0, 8.0))
    for placement in ("foot", "lower_back"):
        result = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=2))
        signals = preprocess(result.session)
        truth = result.truth if placement == "lower_back" else result.truth[result.truth["side"] == "left"]
        ic = np.round(truth["ic_time_s"].to_numpy() * 200.0).astype(np.int64)
        change = heading_changes_deg(signals, ic)
        assert change is not None
        across = int(np.searchsorted(truth["ic_time_s"].to_numpy(), 8.0)) - 1
        assert change[across] == pytest.approx(-180.0, abs=8.0)
        assert np.all(np.abs(np.delete(change, across)) < 15.0)
    assert (
        heading_changes_deg(preprocess(simulate(SimulationConfig("foot", bouts, with_gyro=False)).session), ic) is None
    )


def test_turn_switch_probability_ramps_from_straight_to_turn() -> None:
    p = turn_switch_probability(np.array([0.0, 45.0, 90.0, -135.0, 200.0, np.nan]), 7, 45.0, 135.0)
    assert p == pytest.approx([0.0, 0.0, 0.5, 1.0, 1.0, 0.0])
    assert turn_switch_probability(None, 3).tolist() == [0.0, 0.0]


def test_vector_and_axis_evidence() -> None:
    ll = vector_evidence(np.array([1.2, -0.8, 0.02, np.nan]), np.array([0.1, 0.0, -0.5, 0.0]), 0.1, 6.0)
    assert ll.argmax(axis=1).tolist()[:3] == [0, 1, 2]
    assert ll.max(axis=1) == pytest.approx(0.0) and ll.min() >= -6.0
    assert ll[3].tolist() == [0.0, 0.0, 0.0]  # no vector, no evidence
    ax = axis_evidence(np.array([3.0, -2.0, np.nan]))
    assert ax.tolist() == [[3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]


def _brute_force(ll: np.ndarray, switch: np.ndarray) -> np.ndarray:
    m = ll.shape[0]
    post = np.zeros((m, 3))
    for path in itertools.product(range(3), repeat=m):
        w = np.exp(sum(ll[i, s] for i, s in enumerate(path)))
        for i in range(1, m):
            p = switch[i - 1]
            w *= (1 - p) if path[i] == path[i - 1] else p / 2
        for i, s in enumerate(path):
            post[i, s] += w
    return post / post.sum(axis=1, keepdims=True)


def test_smoothing_is_the_exact_three_state_posterior() -> None:
    rng = np.random.default_rng(3)
    ll = rng.normal(0.0, 2.0, (5, 3))
    switch = np.array([0.01, 0.3, FORGET, 0.05])
    np.testing.assert_allclose(smooth_states(ll, switch), _brute_force(ll, switch), rtol=1e-9, atol=1e-12)
    # no evidence: uniform; forgetting: a step keeps only its own side of the chain
    assert smooth_states(np.zeros((4, 3)), np.full(3, 0.01)) == pytest.approx(np.full((4, 3), 1 / 3))
    assert smooth_states(np.zeros((0, 3)), np.zeros(0)).shape == (0, 3)


def test_a_turning_stride_keeps_the_direction_it_cannot_have_gone() -> None:
    # a stride that turned 102 deg: the facing lies anywhere within +-51 deg of its middle heading
    straight = vector_evidence(np.array([0.6]), np.array([0.5]), 0.1, 6.0)
    turning = vector_evidence(np.array([0.6]), np.array([0.5]), 0.1, 6.0, np.radians(51.0))
    assert straight[0].argmax() == 0 and straight[0, 2] < 0.0  # straight: forward ahead of sideways
    assert turning[0, 0] == pytest.approx(0.0) and turning[0, 2] == pytest.approx(0.0)  # forward = sideways
    assert turning[0, 1] == pytest.approx(-6.0)  # but it did not go backward
    # no spread: the plain projections; a spread of 180 deg (or more): no evidence at all
    plain = vector_evidence(np.array([1.0, -0.3]), np.array([0.2, 0.4]), 0.1, 20.0, 0.0)
    expected = np.array([[10.0, -10.0, 2.0], [-3.0, 3.0, 4.0]])
    np.testing.assert_allclose(plain, expected - expected.max(axis=1, keepdims=True))
    np.testing.assert_allclose(vector_evidence(np.array([1.0]), np.array([0.2]), 0.1, 6.0, np.pi), 0.0, atol=1e-12)


@pytest.mark.parametrize(
    ("a", "b"),
    [([100, 400, 900], [400, 900, 1500]), ([100, 50, 900, 120], [400, 300, 1500, 200])],
    ids=["consecutive strides", "unsorted and overlapping"],
)
def test_block_sums_equal_the_samples_summed_per_block(a: list[int], b: list[int]) -> None:
    from retrogait.analysis.stride_vectors import _block_sums, _blocks

    x = np.random.default_rng(1).normal(size=(2000, 3))
    lo, hi = _blocks(np.array(a), np.array(b), 7)
    got = _block_sums(x, lo, hi)
    for s, j in itertools.product(range(lo.shape[0]), range(lo.shape[1])):
        np.testing.assert_allclose(got[:, s, j], x[lo[s, j] : hi[s, j]].sum(axis=0), atol=1e-12)
