"""What phones and cheap sensors do to a recording keeps the numbers honest (HONEST-13..; scripts/validate_messy.py
measures it on real data): the same numbers, or a flag or a note that says why not."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrogait
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, simulate

STILL = Bout("still", "still", 0.0, 2.0)


@pytest.fixture(scope="module")
def foot_run() -> Session:
    """A foot sensor at 200 Hz: 2 s still, 10 s of forward running, 2 s still."""
    config = SimulationConfig("foot", [STILL, Bout("forward", "running", 3.0, 10.0), STILL], sample_rate_hz=200.0)
    return simulate(config).session


def _moved_unflagged(clean: retrogait.AnalysisResult, run: retrogait.AnalysisResult, share: float = 0.10) -> int:
    """Steps found again within 20 ms whose impact moved by more than ``share`` without a quality flag."""
    moved = 0
    ic = run.steps["ic_time_s"].to_numpy()
    for t, peak in zip(clean.steps["ic_time_s"], clean.steps["impact_peak_g"], strict=True):
        j = int(np.argmin(np.abs(ic - t)))
        if abs(ic[j] - t) < 0.02 and abs(run.steps["impact_peak_g"].iloc[j] / peak - 1.0) > share:
            moved += not run.steps["quality_flags"].iloc[j]
    return moved


def test_a_2_g_sensor_s_clip_is_flagged_without_a_declared_range(foot_run: Session) -> None:
    """A +-2 g accelerometer on a running foot (its range not declared): every sample beyond it reads 2 g, and the
    steps whose impact that cuts are flagged clipped; the plateau rule started above 2 g and missed it."""
    limit = 2.0 * STANDARD_GRAVITY_MS2
    session = replace(foot_run, acc=np.clip(foot_run.acc, -limit, limit), meta=replace(foot_run.meta, acc_range_g=None))
    clean, run = retrogait.analyze(foot_run), retrogait.analyze(session)
    assert run.steps["quality_flags"].str.contains("clipped").sum() >= 10
    assert _moved_unflagged(clean, run) == 0


@pytest.mark.parametrize("range_g", [2.0, 8.0])
def test_a_clip_below_the_declared_range_is_flagged_and_said(foot_run: Session, range_g: float) -> None:
    """A sensor set to +-2 g or +-8 g in a file whose header declares 16 g (a firmware set lower than the header
    says, or a range typed in by hand): every sample beyond it reads the range, a flat top at each impact. The
    declared range alone was checked, so no step was flagged and the impacts were silently low (foot 2 g: -90 %).
    The plateau at the extreme flags them, and a note says the sensor clipped below the declared range."""
    assert foot_run.meta.acc_range_g == 16.0
    limit = range_g * STANDARD_GRAVITY_MS2
    session = replace(foot_run, acc=np.clip(foot_run.acc, -limit, limit))
    clean, run = retrogait.analyze(foot_run), retrogait.analyze(session)
    assert run.steps["quality_flags"].str.contains("clipped").sum() >= 10
    assert _moved_unflagged(clean, run) == 0
    assert any(f"{range_g:g} g" in n and "declared range of 16 g" in n for n in run.summary["notes"])
    assert not any("declared range" in n for n in clean.summary["notes"])


def test_info_counts_a_clip_below_the_declared_range(
    foot_run: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`info` said "clipped 0.00 %" of a 16 g file clipped at 2 g; now the analysis' rule: the share and the note."""
    from retrogait.cli import main

    limit = 2.0 * STANDARD_GRAVITY_MS2
    clipped, clean = tmp_path / "clipped.csv", tmp_path / "clean.csv"
    retrogait.write_session(replace(foot_run, acc=np.clip(foot_run.acc, -limit, limit)), clipped)
    retrogait.write_session(foot_run, clean)
    assert main(["info", str(clipped), str(clean)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    shown = out.split("clean.csv")
    assert "below the declared range of 16 g" in shown[0] and "clipped 0.00 %" not in shown[0]
    assert "below the declared range" not in shown[1]


@pytest.mark.parametrize("gravity_ms2", [9.3, 10.4])
def test_an_accelerometer_off_its_gain_is_said_where_impact_is_measured(gravity_ms2: float) -> None:
    """An accelerometer whose gain is off (|g| at rest read 9.3 or 10.4 m/s^2, an uncalibrated phone or pod) scales
    every impact; on the lower back, whose impact is the peak less 1 g, by 2-3 times the gain's error (validated on
    lower_back_mixed: -14 % / +16 %) with nothing said. The standing at rest shows it: a note. Clean: none."""
    bouts = [STILL, Bout("forward", "running", 3.0, 12.0), STILL]
    session = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=200.0, with_gyro=False)).session
    off = replace(session, acc=session.acc * (gravity_ms2 / STANDARD_GRAVITY_MS2))
    clean, run = retrogait.analyze(session), retrogait.analyze(off)
    assert not any("off its calibration" in n for n in clean.summary["notes"])
    assert any(f"{gravity_ms2:.2f} m/s^2" in n and "off its calibration" in n for n in run.summary["notes"])


def test_a_coarse_accelerometer_s_rounding_at_rest_is_not_a_gain_off_1_g() -> None:
    """An 8-bit +-8 g accelerometer (levels 0.0625 g apart), calibrated, worn turned so that gravity reads
    (-0.650, -0.648, -0.398) g: its components round to (-0.625, -0.625, -0.375) g (each 6 mg or more from the
    next level's edge: a real part's 2 mg noise stays on them), |acc| 0.960 g, 4.0 % off 1 g by rounding alone, and
    HONEST-35 said the sensor is off its calibration. A grid's rounding puts |acc| up to sqrt(3)/2 of a level off:
    beyond that the note, within it none (REVIEW-39). The same sensor with its gain at 8.8 m/s^2 gets the note."""
    bouts = [STILL, Bout("forward", "running", 3.0, 12.0), STILL]
    session = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=200.0, with_gyro=False)).session
    up = np.array([-0.64956289, -0.64775753, -0.39809324])
    axis = np.cross([0.0, 0.0, 1.0], up)
    sin, cos = float(np.linalg.norm(axis)), float(up[2])
    k = np.array([[0.0, -axis[2], axis[1]], [axis[2], 0.0, -axis[0]], [-axis[1], axis[0], 0.0]]) / sin
    turn = np.eye(3) + sin * k + (1.0 - cos) * (k @ k)  # +z onto up (Rodrigues)
    rest = (session.t_s < 1.8) | (session.t_s > session.t_s[-1] - 1.8)
    noise = np.random.default_rng(0).normal(0.0, 0.02, (int(rest.sum()), 3))  # 2 mg
    step = 0.0625 * STANDARD_GRAVITY_MS2

    def coarse(gravity_ms2: float) -> Session:
        acc = session.acc @ turn.T
        acc[rest] = up * STANDARD_GRAVITY_MS2 + noise
        acc *= gravity_ms2 / STANDARD_GRAVITY_MS2
        return replace(session, acc=np.clip(np.round(acc / step), -128, 127) * step)

    calibrated, off = coarse(STANDARD_GRAVITY_MS2), coarse(8.8)
    at_rest = np.linalg.norm(calibrated.acc[rest], axis=1) / STANDARD_GRAVITY_MS2
    assert np.median(at_rest) < 0.97  # the rounding alone, beyond the 3 %
    assert not any("off its calibration" in n for n in retrogait.analyze(calibrated).summary["notes"])
    assert any("off its calibration" in n for n in retrogait.analyze(off).summary["notes"])


def test_a_sensor_worn_turned_over_against_its_declared_vertical_does_not_keep_the_declared_facing() -> None:
    """A lower-back sensor declared +x anterior, +z up, worn turned over about its y axis (+x points back, +z
    down): gravity shows the turn, and the declared +x then says nothing about facing. Forward running read
    backward on every step with nothing said before; now a note, and no step reads backward."""
    bouts = [STILL, Bout("forward", "running", 3.0, 12.0), STILL]
    session = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=200.0, with_gyro=False)).session
    assert (session.meta.anterior_axis, session.meta.vertical_axis) == ("+x", "+z")
    turned = replace(session, acc=session.acc * np.array([-1.0, 1.0, -1.0]))
    clean, run = retrogait.analyze(session), retrogait.analyze(turned)
    assert (clean.steps["direction"] == "forward").mean() > 0.9
    assert not (run.steps["direction"] == "backward").any()
    assert any("worn turned over" in note for note in run.summary["notes"])


def test_an_accelerometer_low_passed_on_the_phone_is_a_note(foot_run: Session) -> None:
    """A phone or app that low-pass filters its accelerometer (2nd order, 20 Hz, causal) shrinks the foot's
    impact peaks by half and more with nothing said; at rest the filtered signal holds less than any
    accelerometer's own noise above the filter, which says so. The clean recording gets no such note."""
    from scipy.signal import butter, lfilter, lfilter_zi

    b, a = butter(2, 20.0 / 100.0)
    acc = lfilter(b, a, foot_run.acc, axis=0, zi=lfilter_zi(b, a)[:, None] * foot_run.acc[0])[0]
    clean, run = retrogait.analyze(foot_run), retrogait.analyze(replace(foot_run, acc=acc))
    assert np.median(run.steps["impact_peak_g"]) < 0.7 * np.median(clean.steps["impact_peak_g"])
    assert not any("own noise" in note for note in clean.summary["notes"])
    assert any("low-pass filtered" in note and "impact peaks" in note for note in run.summary["notes"])


def test_gravity_put_back_says_what_a_tilting_sensor_costs(foot_run: Session) -> None:
    """An app's linear acceleration (gravity tracked as the foot turns, then taken out) analysed with gravity put
    back along one axis: a foot tilts at every landing, so contacts, contact times and impacts move (validate_messy:
    real foot impacts 64 % median); the note on gravity put back says so, not only that direction needs the
    gyroscope."""
    g = foot_run.acc[: int(foot_run.meta.sample_rate_hz)].mean(axis=0)
    omega = np.radians(foot_run.gyr) / foot_run.meta.sample_rate_hz
    gravity = np.empty_like(foot_run.acc)
    for k in range(foot_run.n_samples):  # gravity seen from the turning sensor (the sensor's own rotation)
        g = g - np.cross(omega[k], g)
        g = 0.995 * g + 0.005 * foot_run.acc[k]
        gravity[k] = g * STANDARD_GRAVITY_MS2 / np.linalg.norm(g)
    meta = replace(foot_run.meta, acc_gravity="removed")
    run = retrogait.analyze(replace(foot_run, acc=foot_run.acc - gravity, meta=meta))
    note = next(n for n in run.summary["notes"] if "gravity was put back" in n)
    assert "impact peaks" in note and "contact times" in note


def test_a_stretch_delivered_at_a_quarter_of_the_rate_is_gaps(foot_run: Session) -> None:
    """A phone that delivers every fourth sample for a while (screen off, power saving) on a steady 200 Hz clock:
    three samples of four are missing there. Over 5 % of the intervals then span four periods, the 95th
    percentile the gap rule took as the longest regular one, and the landings there were measured between
    samples 20 ms apart with no flag. Now a steady clock's regular interval is its period: the stretch is a gap,
    said in a note, and no step's impact is taken from it."""
    n = foot_run.n_samples
    i = np.arange(n)
    keep = ~((i >= int(0.3 * n)) & (i < int(0.6 * n))) | (i % 4 == 0)
    sparse = replace(foot_run, t_s=foot_run.t_s[keep], acc=foot_run.acc[keep], gyr=foot_run.gyr[keep])
    clean, run = retrogait.analyze(foot_run), retrogait.analyze(sparse)
    assert run.summary["sample_rate_hz"] == 200.0
    assert any("gap in the timestamps" in note for note in run.summary["notes"])
    assert _moved_unflagged(clean, run) == 0


def test_gravity_removed_with_the_unit_given_is_told_by_the_nearer_of_0_and_1_g() -> None:
    """Running without a rest, gravity removed by the app, the unit given (``--acc-unit g``): over the 1 s windows
    (a stride and a part) the mean is 0.1-0.4 g, not the 0 of whole strides. Taken as gravity included above 0.15 g,
    the sacral trials' impacts read 40 % off with nothing said; nearer 0 than 1 g is gravity removed."""
    from retrogait.imports.inference import acc_units

    t = np.arange(2500) / 500.0
    vertical = 1.2 * np.sin(2 * np.pi * 2.8 * t) + 0.3 * (t < 2.5)  # a residual of a part stride in half the windows
    xyz = np.column_stack([0.4 * np.sin(2 * np.pi * 1.4 * t), np.zeros_like(t), vertical])
    units = acc_units(xyz, 500.0, None, "g", None)
    assert not isinstance(units, str) and units.gravity == "removed"
    with_gravity = acc_units(xyz + np.array([0.0, 0.0, 1.0]), 500.0, None, "g", None)
    assert not isinstance(with_gravity, str) and with_gravity.gravity == "included"


def test_the_low_pass_check_does_not_copy_a_long_rest_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """HONEST-16's Welch spectrum copied every segment of a still stretch at once (~180 bytes a sample of it: a 3 h
    rest raised `analyze`'s peak by ~100 MB, REVIEW-9); a block of segments at a time holds a few MB, the density
    the same (here over 3 blocks against all segments at once)."""
    import tracemalloc

    import retrogait.analysis.preprocess as preprocess

    rng = np.random.default_rng(3)
    acc = rng.normal(0.0, 0.004, (600_000, 3)) + [0.0, 0.0, STANDARD_GRAVITY_MS2]  # 100 min at rest, 100 Hz
    rest = np.ones(acc.shape[0], dtype=bool)
    tracemalloc.start()
    preprocess._smoothed_notes(acc, rest, 100.0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * acc.shape[0]  # bytes a sample (all at once: 176)
    short = acc[:5000]
    whole = preprocess._psd(short, 100, 100.0)
    monkeypatch.setattr(preprocess, "PSD_SEGMENTS", 40)  # 99 segments: 3 blocks
    np.testing.assert_allclose(preprocess._psd(short, 100, 100.0), whole, rtol=1e-12)


def _late(gyr: np.ndarray, samples: int) -> np.ndarray:
    """Each row carries the gyroscope sample taken ``samples`` rows before (separate files, late stamps)."""
    return np.vstack([np.repeat(gyr[:1], samples, axis=0), gyr[: gyr.shape[0] - samples]])


@pytest.mark.shared_data
def test_a_gyroscope_stamped_late_is_put_back_on_the_accelerometer_s_time_with_a_note(shared_data: Path) -> None:
    """The real foot walk (204.8 Hz) with its gyroscope 20 ms late, as Sensor Logger's separate files give it:
    the jolt each landing gives both sensors finds the lag, the gyroscope is moved back with a note naming it, and
    contacts and contact times are the clean run's; before, 6 steps' numbers moved with nothing said."""
    from retrogait.session import SessionMeta

    data = pd.read_csv(shared_data / "foot_walking" / "imu_sample_not_rotated.csv", header=[0, 1], index_col=0)
    sensor = data["left_sensor"]
    acc, gyr = sensor[["acc_x", "acc_y", "acc_z"]].to_numpy(), sensor[["gyr_x", "gyr_y", "gyr_z"]].to_numpy()
    t, meta = np.arange(len(sensor)) / 204.8, SessionMeta("foot", 204.8, side="left")
    clean = retrogait.analyze(Session(t, acc, gyr, meta))
    run = retrogait.analyze(Session(t, acc, _late(gyr, 4), meta))
    notes = [n for n in run.summary["notes"] if "gyroscope's stamps" in n]
    assert len(notes) == 1 and "about 19 ms late" in notes[0]  # 4 samples: 19.5 ms
    assert not any("gyroscope's stamps" in n for n in clean.summary["notes"])
    for column in ("ic_time_s", "contact_time_s"):
        np.testing.assert_allclose(run.steps[column].to_numpy(), clean.steps[column].to_numpy(), atol=1e-9)


def test_a_lag_is_found_only_where_the_landings_jolt_both_sensors() -> None:
    """The rigid-board physics: a landing jolts the accelerometer and the gyroscope in the same sample. The
    simulator's landing shock does not turn its foot, so its lag cannot be told: nothing is said (no false
    alarm). With a landing jolt shared by both (a 10 ms ringing at each contact), a gyroscope 30 ms late is
    found to the sample, 10 ms late and on time are not said, nor a lag in 8 s (a live window) or 18 s of data."""
    from retrogait.analysis.gyro_lag import gyro_lag

    fs = 200.0
    sim = simulate(SimulationConfig("foot", [STILL, Bout("forward", "running", 3.0, 25.0), STILL], sample_rate_hz=fs))
    session, truth = sim.session, sim.truth
    gap = np.zeros(session.t_s.size, dtype=bool)
    assert gyro_lag(session.acc, _late(session.gyr, 6), gap, fs) is None  # no shared jolt: not identifiable
    ring = np.zeros(session.t_s.size)
    kernel = np.exp(-np.arange(8) / 2.0) * np.cos(np.arange(8) * 1.3)
    for ic in truth["ic_time_s"].to_numpy():
        i = round(ic * fs)
        ring[i : i + 8] += kernel[: ring[i : i + 8].size]
    acc = session.acc + 60.0 * ring[:, None] * np.array([0.3, 0.1, 1.0])
    gyr = session.gyr + 400.0 * ring[:, None] * np.array([0.1, 1.0, 0.2])
    found = gyro_lag(acc, _late(gyr, 6), gap, fs)
    assert found is not None and found.samples == 6 and abs(found.lag_s - 0.030) < 0.0025
    assert gyro_lag(acc, _late(gyr, 2), gap, fs) is None  # 10 ms: within the sensors' own filter delays
    assert gyro_lag(acc, gyr, gap, fs) is None
    assert gyro_lag(acc, gyr[np.clip(np.arange(gyr.shape[0]) + 6, 0, gyr.shape[0] - 1)], gap, fs).samples == -6
    window = slice(round(2.0 * fs), round(10.0 * fs))  # a live feedback window: too few landings to trust a peak
    assert gyro_lag(acc[window], _late(gyr, 6)[window], gap[window], fs) is None
    few = gap.copy()
    few[round(18.0 * fs) :] = True  # 18 s outside gaps
    assert gyro_lag(acc, _late(gyr, 6), few, fs) is None


def _fusion_removed(acc: np.ndarray, gyr_dps: np.ndarray, fs_hz: float) -> np.ndarray:
    """``acc`` (m/s^2) less gravity as a phone's fusion tracks it: turned with the gyroscope, pulled towards the
    acceleration with a 1 s time constant, 1 g long (validate_messy's "gravity removed")."""
    omega = np.radians(gyr_dps) / fs_hz
    gravity = np.empty_like(acc)
    g = acc[: int(fs_hz)].mean(axis=0)
    for k in range(acc.shape[0]):  # a test's reference, not a hot path
        g = g - np.cross(omega[k], g)
        g = (1.0 - 1.0 / fs_hz) * g + acc[k] / fs_hz
        g *= STANDARD_GRAVITY_MS2 / np.linalg.norm(g)
        gravity[k] = g
    return acc - gravity


@pytest.mark.shared_data
def test_a_walking_foot_s_gravity_removed_is_not_read_as_1_g_where_the_gyroscope_shows_it_still(
    shared_data: Path, tmp_path: Path
) -> None:
    """The real right foot's walk (204.8 Hz, m/s^2) with its gravity taken out as a fusion does and no unit named:
    its fusion's leftover makes the quietest 1 s windows average 1.02, "1 g in g", and the walk was read x9.8 with
    nothing said. Where the gyroscope shows the foot still a sensor with gravity reads 1 g; this one reads 0.2: refused
    in one line asking for the unit, and with --acc-unit ms2 read as gravity removed. The walk with its gravity,
    written in g, is read as before (HONEST-22)."""
    from retrogait.analysis.load import load_input
    from retrogait.errors import InputFileError
    from retrogait.imports.base import GenericCsvOptions, ReaderOptions

    data = pd.read_csv(shared_data / "foot_walking" / "imu_sample_not_rotated.csv", header=[0, 1], index_col=0)
    sensor = data["right_sensor"]
    acc = sensor[["acc_x", "acc_y", "acc_z"]].to_numpy()
    gyr = sensor[["gyr_x", "gyr_y", "gyr_z"]].to_numpy()
    t = np.arange(len(sensor)) / 204.8

    def written(values: np.ndarray, name: str) -> Path:
        frame = pd.DataFrame({"time_s": t})
        for k, axis in enumerate("xyz"):
            frame[f"acc_{axis}"] = values[:, k]
        for k, axis in enumerate("xyz"):
            frame[f"gyr_{axis}"] = gyr[:, k]
        frame.to_csv(tmp_path / name, index=False, float_format="%.9g")
        return tmp_path / name

    linear = written(_fusion_removed(acc, gyr, 204.8), "linear.csv")
    with pytest.raises(InputFileError, match=r"linear\.csv: .*gyroscope shows the sensor still.*--acc-unit"):
        load_input(linear, placement="foot")
    given = ReaderOptions(mapping=GenericCsvOptions(acc_columns=("acc_x", "acc_y", "acc_z"), acc_unit="ms2"))
    assert load_input(linear, placement="foot", reader=given).meta.acc_gravity == "removed"
    in_g = load_input(written(acc / STANDARD_GRAVITY_MS2, "in_g.csv"), placement="foot")
    assert in_g.meta.acc_gravity != "removed"
    assert np.allclose(in_g.acc, acc, rtol=1e-6, atol=1e-6)


@pytest.mark.shared_data
def test_a_moving_recording_s_named_unit_is_checked_where_its_gyroscope_shows_it_still(
    shared_data: Path, tmp_path: Path
) -> None:
    """The real right foot's walk in m/s^2, named so, its values 1.5x (counts converted with another range's factor;
    scripts/fuzz_sessions.py --seed 3434 case 87): a walk never rests, so a quiet mean of 1.5 g in the named unit was
    taken unchecked. Where the gyroscope shows the foot still it reads 1.5 g, not the 1 g a still sensor feels:
    refused in one line saying the scale is off; the walk as recorded is read as before (HONEST-22)."""
    from retrogait.analysis.load import load_input
    from retrogait.errors import InputFileError

    data = pd.read_csv(shared_data / "foot_walking" / "imu_sample_not_rotated.csv", header=[0, 1], index_col=0)
    sensor = data["right_sensor"]
    acc = sensor[["acc_x", "acc_y", "acc_z"]].to_numpy()

    def written(scale: float) -> Path:
        frame = pd.DataFrame({"time_s": np.arange(len(sensor)) / 204.8})
        for k, axis in enumerate("xyz"):
            frame[f"acc_{axis} (m/s^2)"] = scale * acc[:, k]
        for axis in "xyz":
            frame[f"gyr_{axis} (deg/s)"] = sensor[f"gyr_{axis}"].to_numpy()
        path = tmp_path / f"x{scale:g}.csv"
        frame.to_csv(path, index=False, float_format="%.9g")
        return path

    scale_off = r"x1\.5\.csv: .*the median is 1\.5 g: not 1 g in ms2: its scale is off\): its values are not in"
    with pytest.raises(InputFileError, match=scale_off):
        load_input(written(1.5), placement="foot")
    assert np.allclose(load_input(written(1.0), placement="foot").acc, acc, rtol=1e-6, atol=1e-6)


def test_a_sample_lost_while_standing_does_not_split_the_still_segment() -> None:
    """A foot standing 8 s, walking 20 s, standing 8 s, one row lost in each stand (a BLE packet, a row a clock
    glitch dropped): each still segment was cut in two at the gap (5 bouts for 3); a gap too short for a step does
    not end standing (HONEST-23). The walk and its steps are untouched."""
    bouts = [Bout("still", "still", 0.0, 8.0), Bout("forward", "walking", 1.3, 20.0), Bout("still", "still", 0.0, 8.0)]
    session = simulate(SimulationConfig("foot", bouts, sample_rate_hz=100.0, seed=4)).session
    assert session.gyr is not None
    keep = np.ones(session.t_s.size, dtype=bool)
    keep[[400, 3200]] = False
    lost = replace(session, t_s=session.t_s[keep], acc=session.acc[keep], gyr=session.gyr[keep])
    clean, run = retrogait.analyze(session), retrogait.analyze(lost)
    assert list(run.bouts["activity"]) == list(clean.bouts["activity"]) == ["still", "walking", "still"]
    assert np.allclose(run.bouts[["start_s", "end_s"]], clean.bouts[["start_s", "end_s"]], atol=0.011)
    assert len(run.steps) == len(clean.steps)


def test_a_phyphox_export_s_acceleration_is_checked_where_its_own_gyroscope_file_shows_it_still(
    shared_data: Path, tmp_path: Path
) -> None:
    """The real right foot's walk as phyphox writes it, Accelerometer.csv (m/s^2) beside Gyroscope.csv (rad/s), its
    acceleration 1.5x (counts converted with another range's factor): HONEST-22 checked a moving recording's 1 g only
    against a gyroscope in the same table, so the walk was read 1.5x. Where the gyroscope file shows the foot still
    it reads 1.5 g: refused in one line; the walk as recorded is read as before (HONEST-24)."""
    from retrogait.errors import InputFileError
    from retrogait.imports import load_recording

    data = pd.read_csv(shared_data / "foot_walking" / "imu_sample_not_rotated.csv", header=[0, 1], index_col=0)
    sensor = data["right_sensor"]
    acc = sensor[["acc_x", "acc_y", "acc_z"]].to_numpy()
    gyr_rads = np.radians(sensor[["gyr_x", "gyr_y", "gyr_z"]].to_numpy())
    t = np.arange(len(sensor)) / 204.8

    def written(scale: float) -> Path:
        folder = tmp_path / f"phyphox{scale:g}"
        folder.mkdir()
        for name, unit, values in (("Accelerometer", "m/s^2", scale * acc), ("Gyroscope", "rad/s", gyr_rads)):
            frame = pd.DataFrame(np.column_stack([t, values]), columns=["Time (s)", *(f"{a} ({unit})" for a in "XYZ")])
            frame.to_csv(folder / f"{name}.csv", index=False, float_format="%.9E")
        return folder

    scale_off = r"phyphox1\.5/Accelerometer\.csv: .*the gyroscope shows the sensor still .*\|acc\| is 1\.5 g: its scale"
    with pytest.raises(InputFileError, match=scale_off):
        load_recording(written(1.5))
    session = load_recording(written(1.0)).session
    assert session.meta.extra["import_format"] == "phyphox"
    assert np.allclose(session.acc, acc, rtol=1e-6, atol=1e-6)
