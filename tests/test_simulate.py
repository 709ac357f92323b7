"""Physical facts the simulator must reproduce (docs/simulator.md)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrogait.cli import main
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.errors import RetrogaitError
from retrogait.session import read_session
from retrogait.simulate import (
    SENSOR_NAME,
    TRUTH_COLUMNS,
    Bout,
    SimulationConfig,
    SimulationResult,
    parse_bouts,
    sensor_name,
    simulate,
    write_simulation,
)
from retrogait.simulate.assemble import physical_signals
from retrogait.simulate.grf import vgrf_shape
from retrogait.simulate.kinematics import stride_template
from retrogait.simulate.nominal import nominal_timing
from retrogait.simulate.sensor import lsb
from script_module import load_script

G = STANDARD_GRAVITY_MS2
CLEAN = {"acc_noise_ms2": 0.0, "gyr_noise_dps": 0.0, "acc_bias_ms2": 0.0, "gyr_bias_dps": 0.0}


def _run(placement: str, bouts: list[Bout], **kwargs: object) -> SimulationResult:
    return simulate(SimulationConfig(placement, bouts, **kwargs))  # type: ignore[arg-type]


def _lead_stances(result: SimulationResult, bout_id: int) -> pd.DataFrame:
    truth = result.truth
    return truth[(truth["bout_id"] == bout_id) & (truth["side"] == result.config.side)]


@pytest.mark.parametrize(
    ("direction", "activity", "speed", "cadence"),
    [
        ("forward", "running", 3.0, 172.0),
        ("backward", "running", 2.5, 190.0),
        ("forward", "walking", 1.3, 104.0),
        ("backward", "walking", 1.0, 121.0),
    ],
)
def test_requested_cadence_within_one_percent(direction: str, activity: str, speed: float, cadence: float) -> None:
    result = _run("lower_back", [Bout(direction, activity, speed, 30.0, cadence_spm=cadence)], sample_rate_hz=200.0)
    ic = result.truth["ic_time_s"].to_numpy()
    from_truth = 60.0 * (ic.size - 1) / (ic[-1] - ic[0])
    assert from_truth == pytest.approx(cadence, rel=0.01)
    # and in the signal itself: the dominant frequency of the vertical acceleration
    t, acc_z = result.session.t_s, result.session.acc[:, 2]
    gait = (t > ic[0]) & (t < ic[-1])
    x = acc_z[gait] - acc_z[gait].mean()
    n_fft = 1 << 20
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size), n_fft))
    freqs = np.fft.rfftfreq(n_fft, 1.0 / 200.0)
    band = (freqs > 1.0) & (freqs < 4.5)
    step_hz = freqs[band][np.argmax(spectrum[band])]
    assert 60.0 * step_hz == pytest.approx(cadence, rel=0.01)


@pytest.mark.parametrize("placement", ["foot", "shank", "lower_back"])
def test_gravity_magnitude_at_rest(placement: str) -> None:
    bouts = [Bout("still", "still", 0, 4.0), Bout("forward", "running", 3.0, 6.0), Bout("still", "still", 0, 4.0)]
    result = _run(placement, bouts, sample_rate_hz=200.0, mounting_rotation_deg=(10.0, -15.0, 30.0))
    t, acc = result.session.t_s, result.session.acc
    for lo, hi in ((0.0, 4.0), (10.5, 14.0)):
        still = (t >= lo) & (t < hi)
        assert np.linalg.norm(acc[still], axis=1).mean() == pytest.approx(9.81, abs=0.05)


def _shank_landing(direction: str, strike: str | None) -> tuple[float, float, float]:
    """Peak tibial-axis acceleration (g, gravity removed) and peak jerk (g/s) in the 30 ms after
    each contact, averaged over contacts; and the truth's mean impact_peak_g."""
    speed = 3.0
    result = _run(
        "shank",
        [Bout(direction, "running", speed, 12.0, foot_strike=strike)],
        sample_rate_hz=1000.0,
        acc_range_g=64.0,
        **CLEAN,
    )
    t, axial = result.session.t_s, result.session.acc[:, 2]
    stances = _lead_stances(result, 0)
    peaks, jerks = [], []
    for ic in stances["ic_time_s"]:
        w = (t >= ic) & (t < ic + 0.03)
        peaks.append((axial[w].max() - G) / G)
        jerks.append(np.max(np.diff(axial[w])) * 1000.0 / G)
    return float(np.mean(peaks)), float(np.mean(jerks)), float(stances["impact_peak_g"].mean())


def test_backward_forefoot_landing_has_no_heel_impact_transient() -> None:
    fwd_peak, fwd_jerk, fwd_truth = _shank_landing("forward", None)  # default: rearfoot
    bwd_peak, bwd_jerk, bwd_truth = _shank_landing("backward", None)  # default: forefoot
    assert 7.0 < fwd_truth < 14.0  # peak tibial acceleration of rearfoot running at 3 m/s (8-12 g)
    assert fwd_peak > 6.0 and fwd_jerk > 1000.0  # a sharp transient: > 1000 g/s
    assert bwd_truth < 0.5 * fwd_truth
    assert bwd_peak < 0.5 * fwd_peak
    assert bwd_jerk < 0.2 * fwd_jerk


def test_forward_forefoot_is_also_soft_and_midfoot_in_between() -> None:
    rear = _shank_landing("forward", "rearfoot")[2]
    mid = _shank_landing("forward", "midfoot")[2]
    fore = _shank_landing("forward", "forefoot")[2]
    assert rear > mid > fore


def test_impact_rises_with_speed() -> None:
    def pta(speed: float) -> float:
        result = _run("shank", [Bout("forward", "running", speed, 8.0)], sample_rate_hz=500.0, acc_range_g=64.0)
        return float(_lead_stances(result, 0)["impact_peak_g"].mean())

    ratio = pta(3.7) / pta(2.7)
    assert 1.2 < ratio < 1.6  # +38 % from 2.7 to 3.7 m/s in the literature


def test_clipping_exactly_at_range() -> None:
    result = _run(
        "foot", [Bout("forward", "running", 3.5, 6.0)], sample_rate_hz=500.0, acc_range_g=4.0, gyr_range_dps=250.0
    )
    acc, gyr = result.session.acc, result.session.gyr
    assert gyr is not None
    full_scale = round(4.0 * G, 4)
    assert np.abs(acc).max() == full_scale
    assert (np.abs(acc) == full_scale).sum() > 10
    assert np.abs(gyr).max() == 250.0
    assert (np.abs(gyr) == 250.0).sum() > 10
    assert result.truth["impact_peak_g"].max() > 4.0  # the truth is not clipped


@pytest.mark.parametrize("placement", ["shank", "foot"])
def test_mid_swing_rotation_flips_with_direction(placement: str) -> None:
    signs = {}
    for direction in ("forward", "backward"):
        result = _run(placement, [Bout(direction, "running", 3.0, 8.0)], sample_rate_hz=200.0)
        gyr_y = result.session.gyr[:, 1]  # type: ignore[index]
        stances = _lead_stances(result, 0)
        to, ic_next = stances["to_time_s"].to_numpy()[:-1], stances["ic_time_s"].to_numpy()[1:]
        mid_swing = np.round((to + ic_next) / 2 * 200.0).astype(int)
        window = np.concatenate([np.arange(i - 10, i + 11) for i in mid_swing])
        signs[direction] = np.mean(gyr_y[window])
    if placement == "shank":
        # forward: the distal shank swings forward (negative omega_y); backward: it swings backward
        assert signs["forward"] < -150 and signs["backward"] > 150
    else:
        assert np.sign(signs["forward"]) != np.sign(signs["backward"])


def test_backward_running_has_higher_cadence_shorter_contact_longer_flight() -> None:
    result = _run(
        "lower_back",
        [Bout("forward", "running", 3.0, 20.0), Bout("backward", "running", 3.0, 20.0)],
        sample_rate_hz=200.0,
    )
    by_bout = result.truth.groupby("bout_id")
    cadence = by_bout["cadence_spm"].first()
    contact = by_bout["contact_time_s"].mean()
    assert cadence[1] > 1.08 * cadence[0]
    assert contact[1] < 0.9 * contact[0]
    flight = 60.0 / cadence - contact
    assert flight[1] > flight[0]
    assert 0.22 < contact[0] < 0.31 and 160 < cadence[0] < 175
    # soft landing, hard take-off: no impact transient and a lower loading rate backward
    loading = by_bout["vgrf_loading_rate_bw_per_s"].mean()
    assert loading[1] < 0.5 * loading[0]
    assert (result.truth["foot_strike"] == np.where(result.truth["bout_id"] == 0, "rearfoot", "forefoot")).all()


def test_walking_has_double_support_running_has_flight() -> None:
    result = _run(
        "lower_back",
        [Bout("forward", "walking", 1.4, 15.0), Bout("forward", "running", 3.0, 15.0)],
        sample_rate_hz=200.0,
    )
    for bout_id, activity in ((0, "walking"), (1, "running")):
        rows = result.truth[result.truth["bout_id"] == bout_id]
        overlap = rows["to_time_s"].to_numpy()[:-1] - rows["ic_time_s"].to_numpy()[1:]
        assert (overlap > 0).all() if activity == "walking" else (overlap < 0).all()
        assert set(rows["side"]) == {"left", "right"}


def test_lower_back_vertical_force_averages_one_body_weight() -> None:
    result = _run(
        "lower_back",
        [Bout("forward", "running", 3.2, 20.0), Bout("backward", "walking", 1.0, 20.0)],
        sample_rate_hz=500.0,
        **CLEAN,
    )
    t, acc_z = result.session.t_s, result.session.acc[:, 2]
    for bout_id in (0, 1):
        ic = result.truth.loc[result.truth["bout_id"] == bout_id, "ic_time_s"].to_numpy()
        whole = (t >= ic[1]) & (t < ic[-3])  # whole steps only
        assert np.mean(acc_z[whole]) / G == pytest.approx(1.0, abs=0.01)


def test_lower_back_braking_sequence_reverses_with_direction() -> None:
    result = _run(
        "lower_back",
        [Bout("forward", "running", 3.0, 10.0), Bout("backward", "running", 3.0, 10.0)],
        sample_rate_hz=500.0,
        **CLEAN,
    )
    t, acc_x = result.session.t_s, result.session.acc[:, 0]
    early_mean = {}
    for bout_id in (0, 1):
        rows = result.truth[result.truth["bout_id"] == bout_id]
        early = np.zeros_like(t, dtype=bool)
        for ic, ct in zip(rows["ic_time_s"], rows["contact_time_s"], strict=True):
            early |= (t >= ic + 0.1 * ct) & (t < ic + 0.3 * ct)
        early_mean[bout_id] = acc_x[early].mean()
    assert early_mean[0] < -1.0  # forward: braking (force toward -x) early in stance
    assert early_mean[1] > 1.0  # backward: braking against travel = toward +x


def test_deterministic_for_a_seed() -> None:
    bouts = [Bout("forward", "running", 3.0, 5.0), Bout("backward", "walking", 1.0, 5.0)]
    a = _run("shank", bouts, sample_rate_hz=200.0, seed=3)
    b = _run("shank", bouts, sample_rate_hz=200.0, seed=3)
    c = _run("shank", bouts, sample_rate_hz=200.0, seed=4)
    np.testing.assert_array_equal(a.session.acc, b.session.acc)
    np.testing.assert_array_equal(a.session.gyr, b.session.gyr)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(a.truth, b.truth)
    assert not np.array_equal(a.session.acc, c.session.acc)
    assert not a.truth["ic_time_s"].equals(c.truth["ic_time_s"])


def test_mounting_rotation_preserves_magnitudes() -> None:
    bouts = [Bout("still", "still", 0, 1.0), Bout("forward", "running", 3.0, 5.0)]
    plain = _run("shank", bouts, sample_rate_hz=200.0, acc_range_g=64.0, **CLEAN)
    rotated = _run("shank", bouts, sample_rate_hz=200.0, acc_range_g=64.0, mounting_rotation_deg=(20, -35, 60), **CLEAN)
    for name, full_scale in (("acc", 64.0 * G), ("gyr", 2000.0)):
        x, y = getattr(plain.session, name), getattr(rotated.session, name)
        quantisation = 2 * np.sqrt(3) * lsb(full_scale)  # each axis is rounded to the sensor's LSB
        np.testing.assert_allclose(np.linalg.norm(x, axis=1), np.linalg.norm(y, axis=1), atol=quantisation)
        assert np.abs(x - y).max() > 1.0  # but the axes differ


def test_truth_table_and_header() -> None:
    bouts = [
        Bout("still", "still", 0, 2.0),
        Bout("forward", "running", 3.0, 6.0),
        Bout("backward", "running", 2.5, 6.0),
    ]
    result = _run("foot", bouts, sample_rate_hz=200.0, side="right", seed=11)
    truth = result.truth
    assert tuple(truth.columns) == TRUTH_COLUMNS
    assert truth["ic_time_s"].is_monotonic_increasing
    assert set(truth["bout_id"]) == {1, 2}  # still bouts have no rows
    both = truth["to_time_s"].notna()
    assert ((truth["contact_time_s"] - (truth["to_time_s"] - truth["ic_time_s"]))[both].abs() < 1e-9).all()
    assert truth.loc[~both, "contact_time_s"].isna().all()
    assert truth.loc[truth["side"] == "left", "impact_peak_g"].isna().all()  # the other leg carries no sensor
    assert truth.loc[truth["side"] == "right", "impact_peak_g"].notna().all()
    assert (truth.loc[truth["direction"] == "forward", "foot_strike_angle_deg"] > 7.4).all()
    assert (truth.loc[truth["direction"] == "backward", "foot_strike_angle_deg"] < -0.8).all()
    meta = result.session.meta
    assert (meta.placement, meta.side, meta.sensor) == ("foot", "right", SENSOR_NAME)
    assert meta.notes is not None and "SYNTHETIC" in meta.notes and "seed 11" in meta.notes
    assert (meta.anterior_axis, meta.vertical_axis) == ("+x", "+z")


def test_write_and_read_back(tmp_path: pytest.TempPathFactory) -> None:
    result = _run("lower_back", [Bout("forward", "running", 3.0, 5.0)], sample_rate_hz=208.0, with_gyro=False)
    session_path, truth_path = write_simulation(result, tmp_path / "lb.csv")  # type: ignore[operator]
    assert truth_path.name == "lb_truth.csv"
    back = read_session(session_path)
    assert back.gyr is None and back.meta.sample_rate_hz == 208.0
    np.testing.assert_array_equal(back.acc, result.session.acc)
    truth = pd.read_csv(truth_path)
    assert list(truth.columns) == list(TRUTH_COLUMNS)
    np.testing.assert_allclose(truth["ic_time_s"], result.truth["ic_time_s"], atol=1e-6)


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "forward:running:3",
        "forward:running:fast:60",
        "sideways:running:3:60",
        "forward:swimming:3:60",
        "forward:running:30:60",
        "forward:running:3:60:heel",
        "forward:running:3:-5",
        "still:running:0:5",
        "still::2:5",
        "forward:running:3:60,,",
    ],
)
def test_bad_bout_specs_give_one_line_errors(spec: str) -> None:
    with pytest.raises(RetrogaitError) as info:
        parse_bouts(spec)
    assert "\n" not in str(info.value) and str(info.value)


@pytest.mark.parametrize(
    ("spec", "rate", "expected"),
    [
        ("forward:running:3:1e9", 200.0, "a simulation is at most 86400 s (24 h)"),
        ("forward:running:3:80000", 1000.0, "80,000,000 samples; at most 50,000,000 are simulated at once"),
    ],
)
def test_a_simulation_too_long_for_memory_is_refused(spec: str, rate: float, expected: str) -> None:
    """`--bouts forward:running:3:1e9` ran until the kernel killed the process (status 137, no word);
    a day at 200 Hz (17.3 million samples) is still simulated (EDGE-61)."""
    with pytest.raises(RetrogaitError, match=re.escape(expected)):
        SimulationConfig("shank", parse_bouts(spec), sample_rate_hz=rate)
    SimulationConfig("shank", parse_bouts("forward:running:3:86400"), sample_rate_hz=200.0)


def test_a_negative_seed_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`simulate --seed -1` was an internal error (numpy's "expected non-negative integer", exit 70; EDGE-105)."""
    code = main(["simulate", "--seed", "-1", "--out", str(tmp_path / "s.csv")])
    err = capsys.readouterr().err
    assert code == 2 and err == "retrogait: error: simulation config: seed must be a whole number, 0 or more, got -1\n"
    assert not (tmp_path / "s.csv").exists()
    with pytest.raises(RetrogaitError, match="seed must be a whole number"):
        SimulationConfig("shank", parse_bouts("forward:running:3:5"), seed=1.5)  # type: ignore[arg-type]
    assert SimulationConfig("shank", parse_bouts("forward:running:3:5"), seed=np.int64(3)).seed == 3  # type: ignore[arg-type]


def test_parse_bouts_forms() -> None:
    bouts = parse_bouts("still::0:5, forward:running:3.0:60, backward:running:2.5:60:forefoot:190")
    assert bouts[0] == Bout("still", "still", 0.0, 5.0)
    assert bouts[2].foot_strike == "forefoot" and bouts[2].cadence_spm == 190.0
    assert bouts[1].resolved_foot_strike == "rearfoot" and bouts[2].resolved_foot_strike == "forefoot"


def test_cli_simulate(tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.csv"  # type: ignore[operator]
    code = main(
        [
            "simulate",
            "--placement",
            "shank",
            "--bouts",
            "still::0:2,forward:running:3:5",
            "--rate",
            "200",
            "--seed",
            "2",
            "--mount-rotation-deg",
            "5,0,-5",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "forward" in printed and "spm" in printed
    assert read_session(out).meta.placement == "shank"
    assert (tmp_path / "s_truth.csv").exists()  # type: ignore[operator]

    code = main(["simulate", "--bouts", "forward:running:3", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "forward:running:3" in err


@pytest.mark.parametrize(
    ("direction", "strike", "rate_sign"),
    [("forward", "rearfoot", 1.0), ("forward", "forefoot", -1.0), ("backward", "forefoot", -1.0)],
)
def test_foot_gyro_integrates_to_the_true_strike_angle(direction: str, strike: str, rate_sign: float) -> None:
    bouts = [Bout("still", "still", 0, 1.0), Bout(direction, "running", 3.0, 6.0, foot_strike=strike)]
    result = _run("foot", bouts, sample_rate_hz=1000.0, acc_range_g=64.0, **CLEAN)
    gyr_y = result.session.gyr[:, 1]  # type: ignore[index]
    stances = _lead_stances(result, 1)
    ic = np.round(stances["ic_time_s"].to_numpy() * 1000.0).astype(int)
    # integrate each swing from the flat foot of the stance before (true angle 0) to the contact
    before = stances.iloc[:-1]  # the last landing has no toe-off (the foot stays down)
    flat = np.round((before["ic_time_s"] + 0.36 * before["contact_time_s"]).to_numpy() * 1000.0).astype(int)
    theta_at_ic = [-gyr_y[start:end].sum() / 1000.0 for start, end in zip(flat, ic[1:], strict=True)]
    np.testing.assert_allclose(theta_at_ic, stances["foot_strike_angle_deg"].iloc[1:], atol=1.0)
    # heel landing: the foot slaps down (toes go down, omega_y > 0); ball landing: the heel drops
    after_contact = np.array([gyr_y[i : i + 10].mean() for i in ic])
    assert (np.sign(after_contact) == rate_sign).all()


def test_stride_to_stride_variability() -> None:
    result = _run("lower_back", [Bout("forward", "running", 3.0, 120.0)], sample_rate_hz=100.0, seed=5)
    lead = _lead_stances(result, 0)
    stride = np.diff(lead["ic_time_s"].to_numpy())
    contact = result.truth["contact_time_s"].dropna().to_numpy()  # the last landing has none
    assert np.std(stride) / np.mean(stride) == pytest.approx(0.02, abs=0.006)
    assert np.std(contact) / np.mean(contact) == pytest.approx(0.03, abs=0.008)


def test_sample_data_is_marked_synthetic_and_readable() -> None:
    """The committed sample data stays simulator version 1 (scripts/make_sample_data.py pins it; SIM-17)."""
    folder = Path(__file__).resolve().parents[1] / "sample_data"
    expected = {"shank_forward_backward_forward": "shank", "foot_mixed": "foot", "lower_back_mixed": "lower_back"}
    for name, placement in expected.items():
        session = read_session(folder / f"{name}.csv")
        assert session.meta.placement == placement and session.meta.sensor == sensor_name(1)
        assert session.meta.notes is not None and session.meta.notes.startswith("SYNTHETIC")
        truth = pd.read_csv(folder / f"{name}_truth.csv")
        assert list(truth.columns) == list(TRUTH_COLUMNS)
        assert set(truth["direction"]) == {"forward", "backward"}
    assert not read_session(folder / "lower_back_mixed.csv").has_gyro
    assert "SYNTHETIC" in (folder / "README.md").read_text(encoding="utf-8")


def test_the_sample_data_script_makes_version_1_whatever_the_default() -> None:
    """Regenerating sample_data/ gives its committed bytes although version 2 is the default (SIM-17)."""
    sessions = load_script("make_sample_data").SESSIONS
    assert {config.version for config in sessions.values()} == {1}


# ---------------------------------------------------------------- issue 2: physics fixes


@pytest.mark.parametrize(
    ("activity", "speed", "strike"),
    [("running", 2.5, "forefoot"), ("running", 3.5, "forefoot"), ("walking", 1.0, "forefoot")],
)
def test_backward_foot_is_not_braked_in_the_air_before_landing(activity: str, speed: float, strike: str) -> None:
    """The foot descends under control; the deceleration comes at and after contact."""
    config = SimulationConfig(
        "foot", [Bout("backward", activity, speed, 8.0, foot_strike=strike)], sample_rate_hz=1000.0, seed=2
    )
    t = np.arange(0.0, 8.0, 0.0005)
    vertical_g = physical_signals(config, t).impact_ms2 / G  # world vertical, gravity removed
    landings = _lead_stances(simulate(config), 0)["ic_time_s"].to_numpy()
    in_air = np.array([vertical_g[(t >= ic - 0.08) & (t < ic - 0.003)].max() for ic in landings])
    landing = np.array([vertical_g[(t >= ic) & (t < ic + 0.05)].max() for ic in landings])
    assert in_air.max() < 2.0
    if activity == "running":
        assert (landing > in_air).all()


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_swing_clearance_peak_is_mirrored_in_time(direction: str) -> None:
    """Backward gait is the forward stride reversed: the clearance peak sits at 1 - the forward fraction."""
    template = stride_template(Bout(direction, "running", 3.0, 10.0), 0.37, -9.0 if direction == "backward" else 14.0)
    w = np.linspace(0.0, 1.0, 2001)
    landing = tuple(np.full_like(w, v) for v in (0.11, -0.4, 0.0))
    height = template.swing_height(w, template.ankle_z_to, landing)  # type: ignore[arg-type]
    peak = w[np.argmax(height)]
    assert peak == pytest.approx(0.35 if direction == "forward" else 0.65, abs=0.01)
    assert height.max() < 0.5  # ankle height (m)


SHAPES = [
    ("running", "forward", "rearfoot", 3.0),
    ("running", "forward", "midfoot", 3.0),
    ("running", "forward", "forefoot", 3.0),
    ("running", "backward", "forefoot", 2.5),
    ("running", "backward", "forefoot", 3.5),
    ("walking", "forward", "rearfoot", 1.4),
    ("walking", "backward", "forefoot", 1.0),
]


@pytest.mark.parametrize(("activity", "direction", "strike", "speed"), SHAPES)
def test_vgrf_rises_near_linearly_from_contact(activity: str, direction: str, strike: str, speed: float) -> None:
    timing = nominal_timing(Bout(direction, activity, speed, 10.0, foot_strike=strike))
    step, contact = np.array([timing.step_time_s]), np.array([timing.contact_time_s])
    shape = vgrf_shape(activity, direction, strike, speed)
    s = np.linspace(0.0, 1.0, 20001)
    force = shape.vgrf_bw(s, step, contact)
    at = {f: float(force[round(f * 20000)]) for f in (0.01, 0.02, 0.05)}
    assert at[0.01] / at[0.02] == pytest.approx(0.5, abs=0.05)  # finite, near-linear initial slope
    # backward running lands softer (lower loading rate, later peak) but still not flat
    assert at[0.05] >= (0.15 if (activity, direction) == ("running", "backward") else 0.25) * force.max()
    # momentum balance: mean vertical force over a step is 1 BW; analytic centroid is exact
    assert float(np.trapezoid(force, s)) * contact[0] / step[0] == pytest.approx(1.0, abs=1e-4)
    centroid = float(np.trapezoid(s * force, s) / np.trapezoid(force, s))
    assert centroid == pytest.approx(float(shape.centroid_fraction(step, contact)[0]), abs=1e-4)


def test_backward_landing_is_softer_than_forward_forefoot() -> None:
    def initial_rate(direction: str, speed: float) -> float:
        timing = nominal_timing(Bout(direction, "running", speed, 10.0, foot_strike="forefoot"))
        shape = vgrf_shape("running", direction, "forefoot", speed)
        s = np.array([0.01])
        force = shape.vgrf_bw(s, np.array([timing.step_time_s]), np.array([timing.contact_time_s]))
        return float(force[0]) / (0.01 * timing.contact_time_s)

    assert 20.0 < initial_rate("backward", 3.0) < initial_rate("forward", 3.0) < 80.0  # BW/s


def test_truth_contains_the_landing_on_which_a_bout_stops() -> None:
    bouts = [
        Bout("still", "still", 0, 2.0),
        Bout("forward", "running", 3.0, 6.0),
        Bout("backward", "running", 2.5, 6.0),
        Bout("still", "still", 0, 2.0),
    ]
    for placement in ("foot", "lower_back"):
        result = _run(placement, bouts, sample_rate_hz=500.0, **CLEAN)
        truth = result.truth
        last = truth.groupby("bout_id").tail(1).set_index("bout_id")
        assert (last["side"] == result.config.side).all()  # the sensor leg lands last
        assert (last["ic_time_s"] < np.array([8.0, 14.0])).all()
        # forward stops and backward starts at once: that foot leaves with the backward bout's first
        # toe-off; the backward bout stops into standing: the foot stays down, no toe-off
        first_backward = truth[truth["bout_id"] == 2]["ic_time_s"].iloc[0]
        assert 8.0 < last.loc[1, "to_time_s"] < first_backward
        assert last.loc[1, "contact_time_s"] == pytest.approx(last.loc[1, "to_time_s"] - last.loc[1, "ic_time_s"])
        assert np.isnan(last.loc[2, "to_time_s"]) and np.isnan(last.loc[2, "contact_time_s"])
        assert last["vgrf_peak_bw"].notna().all()
        t, acc_z = result.session.t_s, result.session.acc[:, 2]
        for ic in last["ic_time_s"]:
            if placement == "lower_back":  # flight before, loading after: the landing is in the signal
                assert np.abs(acc_z[(t > ic - 0.03) & (t < ic - 0.002)]).max() < 0.05 * G
                assert acc_z[(t > ic) & (t < ic + 0.1)].max() > 1.5 * G
        if placement == "foot":  # the landing impact is there like on every other landing
            lead = truth[truth["side"] == result.config.side]
            for bout_id in (1, 2):
                peaks = lead.loc[lead["bout_id"] == bout_id, "impact_peak_g"]
                assert peaks.iloc[-1] > 0.6 * peaks.median()


# ---------------------------------------------------------------- issue 17: turns, side-steps, hard landings


@pytest.mark.parametrize(
    "spec",
    [
        "left:running:0.5:10",  # side-steps are walking
        "right:walking:2.0:10",  # beyond the side-step speeds
        "turn::180:0.2",  # too fast for a pivot
        "turn::720:8",  # more than one full turn
        "turn:walking:180:2",
        "forward:walking:1:10:forefoot+midfoot",
        "still::0:5:hard",
        "left:walking:0.5:10:turn90",  # side-steps do not turn
        "forward:walking:1.2:4:turn180@3.5",  # no straight stride after the stepping turn
        "forward:walking:1.2:10:turn180x12",  # more steps than a stepping turn takes
        "forward:walking:1.2:10:turnleft",
        "forward:walking:1.2:10:turn90+turn90",
        "forward:running:3:10:turn400",
    ],
)
def test_bad_turn_and_sidestep_specs(spec: str) -> None:
    with pytest.raises(RetrogaitError) as info:
        parse_bouts(spec)
    assert "\n" not in str(info.value) and str(info.value)


def test_parse_turns_sidesteps_and_hard_landings() -> None:
    bouts = parse_bouts(
        "turn::-180:1.5,backward:walking:1.8:20:forefoot+hard,left:walking:0.5:10,right:walking:0.6:10:hard"
    )
    assert bouts[0] == Bout("still", "still", 0.0, 1.5, turn_deg=-180.0)
    assert bouts[1].hard_landing and bouts[1].foot_strike == "forefoot"
    assert bouts[2].truth_direction == "sideways" and bouts[2].lateral_sign == 1.0
    assert bouts[3].hard_landing and bouts[3].lateral_sign == -1.0
    assert [parse_bouts(b.describe())[0] for b in bouts] == bouts


def _vertical_rate_integral_deg(result: SimulationResult, t0: float, t1: float) -> float:
    """Integral (deg) of the angular rate about the world vertical (the gravity direction of the
    clean, low-passed specific force) between t0 and t1 (s)."""
    t, acc, gyr = result.session.t_s, result.session.acc, result.session.gyr
    assert gyr is not None
    w = (t >= t0) & (t < t1)
    up = acc[w] / np.linalg.norm(acc[w], axis=1, keepdims=True)
    return float(np.sum(np.einsum("ij,ij->i", gyr[w], up)) / result.config.sample_rate_hz)


@pytest.mark.parametrize("placement", ["foot", "shank", "lower_back"])
@pytest.mark.parametrize("turn_deg", [180.0, -150.0])
def test_turn_is_a_pivot_about_the_vertical(placement: str, turn_deg: float) -> None:
    bouts = [Bout("forward", "walking", 1.3, 6.0), Bout("still", "still", 0, 1.6, turn_deg=turn_deg)]
    bouts += [Bout("backward", "walking", 1.0, 6.0)]
    turned = _run(placement, bouts, sample_rate_hz=500.0, seed=7, **CLEAN)
    assert _vertical_rate_integral_deg(turned, 6.0, 7.6) == pytest.approx(turn_deg, rel=0.03)
    # outside the pivot the signals are those of the same gait without the turn
    plain = _run(
        placement, [*bouts[:1], Bout("still", "still", 0, 1.6), *bouts[2:]], sample_rate_hz=500.0, seed=7, **CLEAN
    )
    t = turned.session.t_s
    away = (t < 5.9) | (t > 7.7)
    np.testing.assert_allclose(turned.session.acc[away], plain.session.acc[away], atol=1e-3)
    pd.testing.assert_frame_equal(turned.truth, plain.truth)
    # standing before and after: gravity only
    for t_still in (6.0, 7.6):
        near = np.abs(t - t_still) < 0.01
        assert np.linalg.norm(turned.session.acc[near], axis=1).mean() == pytest.approx(G, abs=0.05)


def test_turn_pivots_on_the_ball_with_the_heel_lifted() -> None:
    bouts = [
        Bout("still", "still", 0, 1.0),
        Bout("still", "still", 0, 2.0, turn_deg=180.0),
        Bout("still", "still", 0, 1.0),
    ]
    config = SimulationConfig("foot", bouts, sample_rate_hz=1000.0)
    t = np.arange(0.0, 4.0, 0.001)
    sig = physical_signals(config, t)
    # toes-down pitch halfway (positive omega_y tips the front down), back to flat at the end
    pitch = np.cumsum(sig.gyr_dps[:, 1]) * 0.001
    assert pitch[t.searchsorted(2.0)] == pytest.approx(15.0, abs=0.5)
    assert pitch[-1] == pytest.approx(0.0, abs=0.2)
    assert np.max(np.abs(sig.gyr_dps[:, 2])) > 150.0  # about 280 deg/s peak for 180 deg in 2 s


@pytest.mark.parametrize("placement", ["foot", "shank", "lower_back"])
@pytest.mark.parametrize("direction", ["left", "right"])
def test_sidesteps_travel_sideways_with_double_support(placement: str, direction: str) -> None:
    result = _run(placement, [Bout(direction, "walking", 0.6, 10.0)], sample_rate_hz=500.0, seed=3)
    truth = result.truth
    assert set(truth["direction"]) == {"sideways"} and set(truth["activity"]) == {"walking"}
    lead = _lead_stances(result, 0)
    assert (lead["contact_time_s"].dropna() > 0.5 * np.diff(lead["ic_time_s"]).mean()).all()
    # cadence from the side-step stride length (0.3 + 0.4 v = 0.54 m at 0.6 m/s)
    assert truth["cadence_spm"].iloc[0] == pytest.approx(120 * 0.6 / 0.54, rel=0.02)


@pytest.mark.parametrize("placement", ["foot", "shank"])
def test_sidestep_foot_path_is_lateral(placement: str) -> None:
    """The segment's sensor point moves one stride sideways per stride and returns along x."""
    config = SimulationConfig(placement, [Bout("left", "walking", 0.6, 8.0)], sample_rate_hz=1000.0, seed=2)
    from retrogait.simulate.assemble import _model, _plan

    moving, _ = _plan(config, np.random.default_rng(config.seed))
    model = _model(config, moving)
    lead = _lead_stances(simulate(config), 0)
    rest = lead["ic_time_s"].to_numpy() + 0.4 * lead["contact_time_s"].to_numpy()  # flat-foot, mid-stance
    pose = model.pose(rest[:-1])  # type: ignore[union-attr]
    stride_y = np.diff(pose.ankle_y)
    assert np.all(np.abs(np.diff(pose.ankle_x)) < 0.01)
    assert stride_y == pytest.approx(0.6 * np.diff(rest[:-1]), rel=0.05)


def test_sidestep_lower_back_sways_along_y_not_x() -> None:
    result = _run("lower_back", [Bout("right", "walking", 0.6, 10.0)], sample_rate_hz=200.0, **CLEAN)
    acc = result.session.acc[400:-400]
    assert np.std(acc[:, 1]) > 1.5 * np.std(acc[:, 0])  # x: the pelvis pitch mixes in gravity


def test_hard_toe_landing_is_hard_but_still_walking() -> None:
    soft = _run("foot", [Bout("backward", "walking", 1.8, 10.0)], sample_rate_hz=1000.0, seed=1)
    hard = _run("foot", [Bout("backward", "walking", 1.8, 10.0, hard_landing=True)], sample_rate_hz=1000.0, seed=1)
    soft_peak = _lead_stances(soft, 0)["impact_peak_g"].median()
    hard_peak = _lead_stances(hard, 0)["impact_peak_g"].median()
    assert hard_peak > 3.0 * soft_peak and hard_peak > 3.0
    lead = _lead_stances(hard, 0)
    # double support: each stance outlasts half the stride (no flight), though the cadence is high
    assert (lead["contact_time_s"].dropna() > np.diff(lead["ic_time_s"]).mean() / 2).all()
    assert hard.truth["cadence_spm"].iloc[0] > 140.0
    assert set(hard.truth["activity"]) == {"walking"}
    fast = [Bout("backward", "walking", 1.8, 10.0, hard_landing=True)]
    trunk = _run("lower_back", fast, sample_rate_hz=500.0, version=1)
    assert trunk.truth["vgrf_peak_bw"].median() > 1.4  # version 1: the landing pulse on top of the walking humps
    # version 2 (the default): the pulse comes while the landing leg's own force is still low and its impulse comes
    # out of the valley (SIM-15), so the leg's peak is not raised (1.20 BW against a soft walk's 1.28); its loading is
    # steeper: 51 against 13 BW/s, 19 since the soft walk's leading leg has its collision (SIM-18)
    trunk = _run("lower_back", fast, sample_rate_hz=500.0)
    soft_trunk = _run("lower_back", [Bout("backward", "walking", 1.8, 10.0)], sample_rate_hz=500.0)
    rate = "vgrf_loading_rate_bw_per_s"
    assert trunk.truth[rate].median() > 2.5 * soft_trunk.truth[rate].median()


# ------------------------------------------------------------------------- stepping turns (issue 17 item 4)


def test_a_still_bout_has_no_stepping_turn_time() -> None:
    with pytest.raises(RetrogaitError, match="turn_at_s"):
        Bout("still", "still", 0, 2.0, turn_deg=90.0, turn_at_s=1.0)


def test_parse_stepping_turns() -> None:
    bouts = parse_bouts("forward:walking:1.2:12:turn180@6x4,backward:running:2.5:10:forefoot+turn-150")
    assert bouts[0] == Bout("forward", "walking", 1.2, 12.0, turn_deg=180.0, turn_steps=4.0, turn_at_s=6.0)
    assert bouts[1].turn_deg == -150.0 and bouts[1].turn_at_s is None and bouts[1].foot_strike == "forefoot"
    assert [parse_bouts(b.describe())[0] for b in bouts] == bouts
    start, end = bouts[0].stepping_turn_s or (0.0, 0.0)
    assert (start + end) / 2 == pytest.approx(6.0) and end - start == pytest.approx(4 * 60 / (72 + 28 * 1.2))
    assert Bout("forward", "walking", 1.2, 12.0).stepping_turn_s is None


def _heading_change_deg(result: SimulationResult) -> float:
    """The wearer's heading change (deg) over a session: the trunk's yaw rate integrated (its pelvis
    pitches by 2 deg only), a leg's strapdown stride headings between the mid-stances of its leg."""
    gyr, fs = result.session.gyr, result.config.sample_rate_hz
    assert gyr is not None
    if result.config.placement == "lower_back":
        return float(np.sum(gyr[:, 2]) / fs)
    from retrogait.analysis.stride_vectors import stride_vectors

    lead = result.truth[result.truth["side"] == result.config.side]
    mid = lead["ic_time_s"].to_numpy()[:-1] + 0.4 * lead["contact_time_s"].to_numpy()[:-1]
    rest = np.round(mid * fs).astype(np.int64)
    return float(np.nansum(stride_vectors(result.session.acc, gyr, fs, rest).heading_change_deg))


@pytest.mark.parametrize("placement", ["foot", "shank", "lower_back"])
@pytest.mark.parametrize("turn_deg", [180.0, -120.0])
def test_stepping_turn_turns_the_heading_while_the_gait_goes_on(placement: str, turn_deg: float) -> None:
    walk = Bout("forward", "walking", 1.2, 12.0, turn_deg=turn_deg)
    bouts = [Bout("still", "still", 0, 1.0), walk, Bout("still", "still", 0, 1.0)]
    turned = _run(placement, bouts, sample_rate_hz=500.0, seed=4, **CLEAN)
    plain = _run(placement, [bouts[0], replace(walk, turn_deg=0.0), bouts[2]], sample_rate_hz=500.0, seed=4, **CLEAN)
    start, end = walk.stepping_turn_s or (0.0, 0.0)
    assert _heading_change_deg(turned) == pytest.approx(turn_deg, abs=4.0)
    assert _heading_change_deg(plain) == pytest.approx(0.0, abs=4.0)
    # before and after the turn (a stride of margin) the body-frame signals are those of the straight walk
    t = turned.session.t_s
    away = (t < 1.0 + start - 1.2) | (t > 1.0 + end + 1.2)
    np.testing.assert_allclose(turned.session.acc[away], plain.session.acc[away], atol=1e-3)
    assert turned.session.gyr is not None and plain.session.gyr is not None
    np.testing.assert_allclose(turned.session.gyr[away], plain.session.gyr[away], atol=1e-2)
    pd.testing.assert_frame_equal(turned.truth, plain.truth)  # the same steps, all forward


def test_a_planted_foot_does_not_turn_and_each_turning_stride_follows_its_middle_heading() -> None:
    walk = Bout("forward", "walking", 1.2, 12.0, turn_deg=180.0, turn_steps=3.0)
    config = SimulationConfig("foot", [walk], sample_rate_hz=1000.0, seed=5, **CLEAN)
    result = simulate(config)
    lead = _lead_stances(result, 0)
    flat = lead["ic_time_s"].to_numpy()[:-1] + 0.4 * lead["contact_time_s"].to_numpy()[:-1]
    t = np.arange(0.0, 12.0, 0.001)
    sig = physical_signals(config, t)
    straight = physical_signals(replace(config, bouts=[replace(walk, turn_deg=0.0)]), t)
    # every stance, turning or not: the foot is planted, it moves exactly as in the straight walk
    stance = np.zeros(t.size, dtype=bool)
    for ic, to in zip(lead["ic_time_s"], lead["to_time_s"], strict=True):
        stance |= (t > ic + 0.01) & (t < to - 0.01)
    np.testing.assert_allclose(sig.acc_ms2[stance], straight.acc_ms2[stance], atol=1e-6)
    np.testing.assert_allclose(sig.gyr_dps[stance], straight.gyr_dps[stance], atol=1e-6)
    # the strapdown stride between two flat feet: the heading changes add up to the turn, and each
    # turning stride's chord lies along the heading halfway between its stances (a curve)
    from retrogait.analysis.stride_vectors import stride_vectors

    rest = np.round(flat * config.sample_rate_hz).astype(np.int64)
    vectors = stride_vectors(result.session.acc, result.session.gyr, config.sample_rate_hz, rest)
    turn = vectors.heading_change_deg
    assert np.nansum(turn) == pytest.approx(180.0, abs=3.0)
    turning = np.abs(turn) > 20.0
    assert 1 <= turning.sum() <= 3
    half = np.radians(0.5 * turn[turning])
    along = np.cos(half) * vectors.dx_m[turning] + np.sin(half) * vectors.dy_m[turning]
    across = -np.sin(half) * vectors.dx_m[turning] + np.cos(half) * vectors.dy_m[turning]
    # the sensor sits 6 cm ahead of the ankle, so its chord also holds 2 x 6 cm x sin(turn / 2) across
    assert np.all(along > 0.5) and np.all(np.abs(across) < 0.03 * along + 0.12 * np.abs(np.sin(half)))
