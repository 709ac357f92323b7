"""The generic reader on every file family (issue 11 item 1): generated tables read back to the same
signal, with what was inferred said in the header."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import import_samples as samples
from import_samples import TableSpec
from retrogait.conventions import STANDARD_GRAVITY_MS2 as G
from retrogait.errors import InputFileError
from retrogait.imports import GenericCsvOptions, detect_format, load_recording
from retrogait.session import read_session, write_session

# acceleration name families: (names, the unit they state or None)
ACC_NAMES = [
    (("x", "y", "z"), None),
    (("accX", "accY", "accZ"), None),
    (("AccelerationX", "AccelerationY", "AccelerationZ"), None),
    (("acc_x", "acc_y", "acc_z"), None),
    (("Acceleration x (m/s^2)", "Acceleration y (m/s^2)", "Acceleration z (m/s^2)"), "ms2"),
    (("gFx", "gFy", "gFz"), "g"),
    (("ax", "ay", "az"), None),
    (("X [mg]", "Y [mg]", "Z [mg]"), "mg"),
    (("accelerometer.x", "accelerometer.y", "accelerometer.z"), None),
    (("x-axis (g)", "y-axis (g)", "z-axis (g)"), "g"),
]
LINEAR_NAMES = [
    (("linear_acc_x", "linear_acc_y", "linear_acc_z"), "ms2"),
    (("Linear Acceleration x (m/s^2)", "Linear Acceleration y (m/s^2)", "Linear Acceleration z (m/s^2)"), "ms2"),
    (("userAcceleration.x", "userAcceleration.y", "userAcceleration.z"), "g"),
]
GYR_NAMES = [
    (("gyrX", "gyrY", "gyrZ"), None),
    (("gyro_x", "gyro_y", "gyro_z"), None),
    (("rotationRate.x", "rotationRate.y", "rotationRate.z"), None),
    (("wx", "wy", "wz"), None),
    (("Gyroscope x (rad/s)", "Gyroscope y (rad/s)", "Gyroscope z (rad/s)"), "rads"),
    (("gx (deg/s)", "gy (deg/s)", "gz (deg/s)"), "dps"),
]
TIME_NAMES = ["t", "time", "timestamp", "Time (s)", "seconds_elapsed", "time_ms", "TimeStamp", "elapsed"]
TIME_UNITS = ["s", "ms", "us", "ns", "epoch_ms", "epoch_ns"]


def _ordered(names: tuple[str, str, str], order: list[int]) -> tuple[str, str, str]:
    return names[order[0]], names[order[1]], names[order[2]]


@st.composite
def specs(draw: st.DrawFn) -> TableSpec:
    sep = draw(st.sampled_from([",", ";", "\t", " ", "|"]))
    decimal = draw(st.sampled_from([".", ","])) if sep != "," else "."
    header = draw(st.booleans()) if sep != " " else True
    gravity = draw(st.sampled_from(["included", "included", "removed", "stream"])) if header else "included"
    order = draw(st.permutations([0, 1, 2])) if header else [0, 1, 2]  # without names, position is all there is
    if gravity == "included":
        names, stated = draw(st.sampled_from(ACC_NAMES))
        unit = stated or draw(st.sampled_from(["ms2", "g", "mg"]))
    elif gravity == "removed":
        names, unit = draw(st.sampled_from(LINEAR_NAMES))
    else:
        names, unit = LINEAR_NAMES[2]
    with_gyro = draw(st.booleans())
    gyr_names, gyr_stated = draw(st.sampled_from(GYR_NAMES))
    time: tuple[str, str] | None
    if not header:
        time = ("t", draw(st.sampled_from(TIME_UNITS)))
    elif draw(st.integers(0, 9)) == 0:
        time = None
    else:
        name = draw(st.sampled_from(TIME_NAMES))
        kind = draw(st.sampled_from([*TIME_UNITS, "datetime", "clock"]))
        time = (name, "ms" if name == "time_ms" else "s" if name in ("Time (s)", "seconds_elapsed") else kind)
    return TableSpec(
        time=time,
        acc=_ordered(names, order),
        acc_unit=unit,
        gravity=gravity,
        gyr=_ordered(gyr_names, order) if with_gyro else None,
        gyr_unit=gyr_stated or draw(st.sampled_from(["rads", "dps"])),
        sep=sep,
        decimal=decimal,
        quote=draw(st.booleans()),
        header=header,
        preamble=tuple(draw(st.lists(st.sampled_from(["Exported by SomeApp 2.1", "device;Pixel 7"]), max_size=2)))
        if header
        else (),
        # blocks of their own only for tables no app claims (an app reader reads its own layout as one table)
        blocks=with_gyro
        and header
        and time is not None
        and time[0] not in ("time", "Time (s)")
        and draw(st.booleans()),
        gzip=draw(st.booleans()),
        extra_text_column=draw(st.booleans()),
        negate=names[0].startswith("userAcceleration"),
        stream_label=False,
    )


@settings(max_examples=80, deadline=None)
@given(spec=specs())
def test_every_family_reads_back_to_the_same_signal(spec: TableSpec) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = samples.generic_table(Path(tmp) / "export.csv", spec)
        result = load_recording(path, rate_hz=samples.RATE_HZ if spec.time is None else None)
        session = result.session
        generic = session.meta.extra["import_format"] == "generic_csv"
        # "time,gFx,..." is Physics Toolbox's layout, "Time (s)","Acceleration x (m/s^2)" phyphox's: theirs
        assert generic or session.meta.extra["import_format"] in ("physics_toolbox", "phyphox")
        assert session.meta.sample_rate_hz == pytest.approx(samples.RATE_HZ, rel=1e-4)
        assert session.duration_s == pytest.approx(samples.DURATION_S - 1 / samples.RATE_HZ, abs=1e-3)
        expected = samples.truth_acc_ms2(session.t_s)
        if spec.gravity == "removed":
            assert session.meta.acc_gravity == "removed"
            expected = expected - [0.0, 0.0, G]
        else:
            assert session.meta.acc_gravity == "included"
        np.testing.assert_allclose(session.acc, expected, atol=2e-3)
        if spec.gyr is None:
            assert session.gyr is None
        else:
            assert session.gyr is not None
            np.testing.assert_allclose(session.gyr, samples.truth_gyr_dps(session.t_s), atol=0.02)
        extra = session.meta.extra
        if generic:
            assert "inferred_layout" in extra and "inferred_acc_unit" in extra and "inferred_acc_columns" in extra
            assert ("inferred_gyr_unit" in extra) is (spec.gyr is not None)
        back = read_session(write_session(session, Path(tmp) / "native.csv"))  # convert never writes what we refuse
        np.testing.assert_array_equal(back.acc, session.acc)
        assert back.meta == session.meta


def test_gravity_stream_is_summed_and_said(tmp_path: Path) -> None:
    path = samples.GENERIC_WRITERS["generic_coremotion"](tmp_path)  # userAcceleration + gravity, no time column
    session = load_recording(path, rate_hz=100.0).session
    extra = session.meta.extra
    assert extra["inferred_acc_gravity"] == "added from gravity.x,gravity.y,gravity.z"
    assert extra["inferred_acc_sign"].startswith("negated: CoreMotion")
    assert extra["inferred_time_column"] == "none: times from --rate 100 Hz"
    assert session.meta.acc_gravity == "included"
    np.testing.assert_allclose(session.acc, samples.truth_acc_ms2(session.t_s), atol=1e-3)


def test_realsense_blocks_each_with_its_own_header(tmp_path: Path) -> None:
    spec = TableSpec(
        time=("HW Timestamp (ms)", "ms"),
        acc=("3DOF_x", "3DOF_y", "3DOF_z"),
        gyr=("3DOF_x", "3DOF_y", "3DOF_z"),
        blocks=True,
        stream_label=True,
    )
    path = samples.generic_table(tmp_path / "realsense.csv", spec)
    assert detect_format(path).name == "generic_csv"
    session = load_recording(path).session
    assert session.meta.extra["inferred_blocks"] == "1: Accel (6 columns); 2: Gyro (6 columns)"
    assert session.gyr is not None
    np.testing.assert_allclose(session.gyr, samples.truth_gyr_dps(session.t_s), atol=0.02)


def test_time_unit_from_the_data_against_the_name(tmp_path: Path) -> None:
    """A column called time_ms that holds seconds: the data decide, and the header says both."""
    spec = TableSpec(time=("time_ms", "s"))
    session = load_recording(samples.generic_table(tmp_path / "t.csv", spec)).session
    unit = session.meta.extra["inferred_time_unit"]
    assert unit.startswith("s (median step 0.01 -> 100 Hz, the unit's evidence;") and "the column name says ms" in unit


def test_refusals_name_the_options_that_read_the_file(tmp_path: Path) -> None:
    no_time = samples.generic_table(tmp_path / "a.csv", TableSpec(time=None))
    with pytest.raises(InputFileError, match=r"has no time column.*--rate HZ.*--time-column"):
        load_recording(no_time)
    plain_no_gravity = samples.generic_table(tmp_path / "b.csv", TableSpec(gravity="removed"))
    with pytest.raises(InputFileError, match=r"x,y,z are not named as acceleration.*--acc-columns x,y,z --acc-unit"):
        load_recording(plain_no_gravity)
    mapped = load_recording(plain_no_gravity, generic=GenericCsvOptions(acc_columns=("x", "y", "z"), acc_unit="ms2"))
    assert mapped.session.meta.acc_gravity == "removed"
    names = tmp_path / "c.csv"
    names.write_text("when,p,q,r\n" + "".join(f"{i / 100},0.1,0.2,9.8\n" for i in range(300)))
    with pytest.raises(InputFileError, match=r"no three acceleration columns.*--acc-columns X,Y,Z.*--format NAME"):
        load_recording(names)
    mapped_names = load_recording(names, generic=GenericCsvOptions(acc_columns=("p", "q", "r"), acc_unit="ms2"))
    assert mapped_names.session.meta.extra["inferred_time_column"] == "when (its values increase)"


def test_a_named_gyroscope_is_read_beside_given_acceleration_columns(tmp_path: Path) -> None:
    """`--acc-columns p,q,r` on a table whose gyroscope is named (`gyr_x`...): the gyroscope was ignored without a
    word (found by HONEST-13's study); now read, and said how it was found."""
    path = tmp_path / "t.csv"
    rows = "".join(f"{i / 100},0.1,0.2,9.8,0.01,{0.02 * (i % 7)},0.03\n" for i in range(300))
    path.write_text("when,p,q,r,gyr_x,gyr_y,gyr_z\n" + rows)
    session = load_recording(path, generic=GenericCsvOptions(acc_columns=("p", "q", "r"), acc_unit="ms2")).session
    assert session.gyr is not None and np.isfinite(session.gyr).all()
    assert "gyr_x" in session.meta.extra["inferred_gyr_columns"]
    assert "beside --acc-columns" in session.meta.extra["inferred_gyr_columns"]


def test_date_and_time_columns_make_one_time(tmp_path: Path) -> None:
    """``Date;Time;...`` (date text and time-of-day text) across midnight: one clock, the local start said."""
    t = samples.times()
    stamps = np.datetime64("2024-03-09T23:59:58.000") + np.round(t * 1000).astype("timedelta64[ms]")
    acc = samples.truth_acc_ms2(t) / G
    rows = [
        f"{str(s)[:10]};{str(s)[11:23]};{x:.6f};{y:.6f};{z:.6f}"
        for s, (x, y, z) in zip(stamps, acc.tolist(), strict=True)
    ]
    path = tmp_path / "log.csv"
    path.write_text("Date;Time;AccX;AccY;AccZ\n" + "\n".join(rows) + "\n")
    session = load_recording(path).session
    extra = session.meta.extra
    assert extra["inferred_time_column"] == "Time (by its name; text with the date from Date)"
    assert extra["inferred_time_unit"] == "datetime text"
    assert extra["import_start_time_local"] == "2024-03-09 23:59:58.000"
    assert session.meta.start_time_utc is None  # no zone in the text: not claimed as UTC
    assert session.duration_s == pytest.approx(samples.DURATION_S - 0.01, abs=1e-6)
    np.testing.assert_allclose(session.acc, samples.truth_acc_ms2(session.t_s), atol=1e-4)


def test_coremotion_device_motion_export_without_time(tmp_path: Path) -> None:
    """``attitude.*, gravity.*, rotationRate.*, userAcceleration.*`` after a row index, no time column:
    neither the index (a counter) nor a drifting attitude angle is taken as the time."""
    t = samples.times(50.0, duration_s=8.0)
    total_g = samples.truth_acc_ms2(t) / G
    gravity = np.tile([0.0, 0.0, 1.0], (t.size, 1))
    attitude = np.column_stack([0.1 * np.sin(t), 0.2 * np.cos(t), 0.3 * t])  # yaw drifts up like a clock
    table = np.hstack([attitude, -gravity, np.radians(samples.truth_gyr_dps(t)), -(total_g - gravity)])
    header = ",attitude.roll,attitude.pitch,attitude.yaw," + ",".join(
        f"{q}.{a}" for q in ("gravity", "rotationRate", "userAcceleration") for a in "xyz"
    )
    path = tmp_path / "dm.csv"
    path.write_text(
        header + "\n" + "".join(f"{i}," + ",".join(f"{v:.6f}" for v in row) + "\n" for i, row in enumerate(table))
    )
    with pytest.raises(InputFileError, match=r"has no time column.*--rate HZ"):
        load_recording(path)
    session = load_recording(path, rate_hz=50.0).session
    np.testing.assert_allclose(session.acc, samples.truth_acc_ms2(session.t_s), atol=1e-4)
    np.testing.assert_allclose(session.gyr, samples.truth_gyr_dps(session.t_s), atol=1e-3)


def test_a_phyphox_named_table_with_columns_phyphox_does_not_read_goes_to_the_generic_reader(tmp_path: Path) -> None:
    """Formats claim only what they read: phyphox-style acceleration names next to a gyroscope phyphox
    does not name its way must not lose the gyroscope (found by the family round trip)."""
    t = np.arange(400) / 100.0
    rows = [
        "Time (s),Acceleration x (m/s^2),Acceleration y (m/s^2),Acceleration z (m/s^2),gx (deg/s),gy (deg/s),gz (deg/s)"
    ]
    rows += [f"{ti:.2f},{np.sin(ti):.4f},0.1000,9.8100,{100 * np.cos(ti):.3f},5.000,-5.000" for ti in t]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(rows) + "\n")
    session = load_recording(path, placement="shank").session
    assert session.meta.extra["import_format"] == "generic_csv"
    assert session.gyr is not None
    np.testing.assert_allclose(session.gyr[:, 0], 100 * np.cos(t), atol=1e-3)  # deg/s


def test_a_renamed_sensor_logger_table_with_reordered_axes_is_read(tmp_path: Path) -> None:
    """Issue 11: a Sensor Logger table saved under another name, its axes reordered (z, y, x), was
    claimed by the Sensor Logger reader and refused for its file name; the generic reader reads it."""
    t = np.arange(0.0, 20.0, 0.01)
    x, y, z = np.sin(2 * np.pi * 1.5 * t), 0.1 * np.cos(t), 9.81 + 0.3 * np.sin(2 * np.pi * 3 * t)
    rows = ["time,seconds_elapsed,z,y,x"]
    rows += [
        f"{int((1.7e9 + ti) * 1e9)},{ti:.3f},{zi:.4f},{yi:.4f},{xi:.4f}"
        for ti, xi, yi, zi in zip(t, x, y, z, strict=True)
    ]
    path = tmp_path / "my_walk.csv"
    path.write_text("\n".join(rows) + "\n")
    session = load_recording(path).session
    assert session.meta.extra["import_format"] == "generic_csv"
    assert session.meta.sample_rate_hz == pytest.approx(100.0, rel=1e-3)
    np.testing.assert_allclose(session.acc[:, 0], x, atol=1e-3)
    np.testing.assert_allclose(session.acc[:, 2], z, atol=1e-3)


def _running_export(tmp_path: Path, unit: str, factor: float, placement: str = "shank") -> tuple[Path, np.ndarray]:
    """A 20 s run that never stands (an export trimmed to the run) as an app writes it: acceleration named
    with its unit, in that unit. Returns the file and the acceleration written (m/s^2)."""
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    config = SimulationConfig(placement=placement, bouts=parse_bouts("forward:running:3.5:20"), sample_rate_hz=200.0)
    session = simulate(config).session
    path = tmp_path / f"run_{unit.replace('/', '')}.csv"
    lines = [f"time_s,acc_x ({unit}),acc_y ({unit}),acc_z ({unit})"]
    values = session.acc * factor
    lines += [f"{t:.4f},{x:.6g},{y:.6g},{z:.6g}" for t, (x, y, z) in zip(session.t_s, values, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, session.acc


@pytest.mark.parametrize(("unit", "factor"), [("g", 1 / G), ("m/s^2", 1.0), ("mg", 1000 / G)])
def test_a_run_that_never_rests_is_read_in_the_unit_its_names_state(tmp_path: Path, unit: str, factor: float) -> None:
    """A foot or shank never at rest has no quiet window: its quietest 1 s means hold the swing's centripetal
    acceleration on top of gravity (1.4-1.8 g). The unit in the names cannot be checked then, and is taken,
    said so; it was refused as "neither 1 g nor free of gravity at rest" (fuzz_sessions seed 8)."""
    path, written = _running_export(tmp_path, unit, factor)
    session = load_recording(path, placement="shank").session
    assert session.meta.acc_gravity != "removed"
    evidence = session.meta.extra["inferred_acc_unit"]
    assert "never rests" in evidence and "as the column names say" in evidence
    np.testing.assert_allclose(session.acc, written, rtol=1e-5, atol=1e-4)


def test_a_run_that_never_rests_without_a_unit_in_its_names_names_the_option(tmp_path: Path) -> None:
    """Without a unit in the names nothing says it (the quiet mean, 1.47 here, could be gravity removed in
    m/s^2): refused, naming the option; given, the file is read."""
    path, written = _running_export(tmp_path, "g", 1 / G)
    path.write_text(path.read_text(encoding="utf-8").replace(" (g)", ""), encoding="utf-8")
    with pytest.raises(InputFileError, match=r"--acc-unit"):
        load_recording(path, placement="shank")
    read = load_recording(path, placement="shank", generic=GenericCsvOptions(acc_unit="g")).session
    np.testing.assert_allclose(read.acc, written, rtol=1e-5, atol=1e-4)


def test_a_foot_run_whose_median_is_above_1_g_in_ms2_is_analysed(tmp_path: Path) -> None:
    """A foot running backward fast without a stop: its swing lifts the median |acc| to 3.9 g, which the
    analysis' unit check refused as "not gravity in m/s^2, g or mg" after the importer had read the file in
    the unit its names state (fuzz_sessions seed 9, case 51). The quietest windows hold 1-3 g: m/s^2, said."""
    from retrogait.analysis.pipeline import analyze
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    config = SimulationConfig(placement="foot", bouts=parse_bouts("backward:running:3.86:10"), sample_rate_hz=100.0)
    session = simulate(config).session
    assert np.median(np.linalg.norm(session.acc, axis=1)) > 35.0
    path = tmp_path / "run.csv"
    write_session(session, path)
    result = analyze(path)
    assert len(result.steps) >= 10
    assert (result.steps["direction"] == "backward").mean() > 0.8
    assert any("never rests" in note and "taken as m/s^2" in note for note in result.summary["notes"])


@pytest.mark.parametrize("placement", ["foot", "shank"])
def test_a_gyroscope_that_reads_nothing_is_not_evidence_and_a_refusal_names_the_gyroscope_too(
    tmp_path: Path, placement: str
) -> None:
    """HONEST-22's 1 g check takes the samples the gyroscope shows still; an all-zero gyroscope is "still" through a
    whole run, whose median |acc| there (2.2-2.6 g) blamed the acceleration's correct scale (review of HONEST-22/24):
    a gyroscope that never shows a turn is no evidence, and the zeros are refused naming the gyroscope. A gyroscope
    in rad/s under deg/s names does show turns (a foot's 99th percentile 18 "deg/s"): its refusal names it as the
    other possible cause (HONEST-25); a shank's (8.9 "deg/s") is refused as rad/s (HONEST-26)."""
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    config = SimulationConfig(placement=placement, bouts=parse_bouts("forward:running:3.2:30"), sample_rate_hz=100.0)
    session = simulate(config).session
    head = "time_s,acc_x_ms2,acc_y_ms2,acc_z_ms2,gyr_x_dps,gyr_y_dps,gyr_z_dps"
    for name, gyr in (("rads", np.deg2rad(session.gyr)), ("zeros", np.zeros_like(session.gyr))):
        path = tmp_path / f"{name}.csv"
        np.savetxt(path, np.column_stack([session.t_s, session.acc, gyr]), delimiter=",", header=head, comments="")
        if name == "zeros":
            with pytest.raises(InputFileError, match=r"gyroscope looks like rad/s") as refused:
                load_recording(path, placement=placement)
            assert "scale is off" not in str(refused.value)
            continue
        # the foot's refusal names the gyroscope; the shank's (99th percentile 8.9 "deg/s", once read silently) is
        # told by how gravity turns against the rate (HONEST-26)
        with pytest.raises(InputFileError, match=r"rad/s under deg/s names|gyroscope looks like rad/s"):
            load_recording(path, placement=placement)
