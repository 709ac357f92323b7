"""A unit the user gives on the command line is checked against the data as a unit the file states is (EDGE-137).
Fixtures are generated here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.errors import InputFileError
from retrogait.imports import GenericCsvOptions, load_recording


def _with_gyro(path: Path, factor: float) -> Path:
    t = samples.times()
    table = np.column_stack([t, samples.truth_acc_ms2(t), samples.truth_gyr_dps(t) * factor])
    path.write_text(
        "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n"
        + "".join(",".join(f"{v:.7g}" for v in row) + "\n" for row in table)
    )
    return path


def test_a_deg_s_gyroscope_given_as_rad_s_is_refused(tmp_path: Path) -> None:
    """`--gyr-unit rads` on a gyroscope in deg/s was taken as given: every rate 57x too fast (validate_messy.py's
    foot walk: cadence +84 %, 2 in 3 contacts lost, only a note about samples beyond any sensor's range; EDGE-137).
    Refused, as a unit the column names state would be overruled by the same bound; rad/s given to rad/s reads."""
    with pytest.raises(InputFileError, match=r"gyroscope looks like deg/s, not rad/s as --gyr-unit rads says"):
        load_recording(_with_gyro(tmp_path / "dps.csv", 1.0), generic=GenericCsvOptions(gyr_unit="rads"))
    session = load_recording(
        _with_gyro(tmp_path / "rads.csv", np.pi / 180.0), generic=GenericCsvOptions(gyr_unit="rads")
    ).session
    assert session.gyr is not None
    np.testing.assert_allclose(session.gyr, samples.truth_gyr_dps(session.t_s), atol=1e-3)


def _seconds_table(path: Path, rate_hz: float = 50.0, seconds: float = 2400.0) -> Path:
    t = samples.times(rate_hz, duration_s=seconds)
    table = np.column_stack([t, samples.truth_acc_ms2(t)])
    np.savetxt(path, table, delimiter=",", fmt="%.5f", header="time,x,y,z", comments="")
    return path


@pytest.mark.parametrize(("given", "words"), [("ms", "faster than any wearable"), ("us", "faster than any wearable")])
def test_a_time_unit_given_that_makes_no_wearable_rate_is_refused(tmp_path: Path, given: str, words: str) -> None:
    """`--time-unit ms` on a column in seconds: a 40 min walk at 50 Hz read as 2.4 s at 50 kHz and analysed to no
    step without a word (EDGE-138). Refused, naming the unit that makes a sampling rate."""
    path = _seconds_table(tmp_path / "walk.csv")
    with pytest.raises(
        InputFileError, match=rf"--time-unit {given} makes the sample rate .* Hz, {words}.*give --time-unit s"
    ):
        load_recording(path, generic=GenericCsvOptions(time_unit=given))


@pytest.mark.parametrize(
    ("rate_hz", "scale", "given", "refused"),
    [(12.5, 1000.0, "us", True), (13.0, 1.0, "ms", True), (100.0, 1.0, "ms", True), (5.0, 1.0, "ms", False)],
)
def test_a_slow_sensor_given_one_unit_too_fine_is_refused_naming_the_unit_that_fits(
    tmp_path: Path, rate_hz: float, scale: float, given: str, refused: bool
) -> None:
    """Review of EDGE-138 (EDGE-147): a 12.5 Hz sensor's ms column given as us (or 13 Hz seconds as ms) read as 12.5
    (13) kHz, under EDGE-138's 20 kHz bound, with no refusal and no note. Between 2 and 20 kHz the given unit is
    refused, as too fast, where the unit that fits gives at least 10 Hz; a 5 Hz column keeps the given reading."""
    t = np.arange(2000) / rate_hz
    acc = samples.truth_acc_ms2(t)
    path = tmp_path / "slow.csv"
    np.savetxt(path, np.column_stack([t * scale, acc]), delimiter=",", fmt="%.6f", header="t,x,y,z", comments="")
    options = GenericCsvOptions(time_column="t", time_unit=given)
    if refused:
        fits = "ms" if scale == 1000.0 else "s"
        with pytest.raises(
            InputFileError, match=rf"--time-unit {given} makes .* faster than .* give --time-unit {fits}"
        ):
            load_recording(path, generic=options)
    else:
        assert load_recording(path, generic=options).session.meta.sample_rate_hz == pytest.approx(1000.0 * rate_hz)


def test_a_fast_imu_timed_in_ms_reads_as_given(tmp_path: Path) -> None:
    """A 3.2 kHz IMU timed in ms: in seconds it would be 3.2 Hz; the given ms stands (EDGE-147)."""
    t = np.arange(6400) / 3.2  # ms
    acc = samples.truth_acc_ms2(t / 1000.0)
    path = tmp_path / "fast.csv"
    np.savetxt(path, np.column_stack([t, acc]), delimiter=",", fmt="%.6f", header="t,x,y,z", comments="")
    session = load_recording(path, generic=GenericCsvOptions(time_column="t", time_unit="ms")).session
    assert session.meta.sample_rate_hz == pytest.approx(3200.0, rel=1e-3)


def test_a_time_unit_given_too_coarse_names_the_unit_that_fits(tmp_path: Path) -> None:
    """`--time-unit epoch_s` on epoch milliseconds was refused "sample rate is 0.05 Hz, too low for gait analysis ...
    record at 50 Hz or more", advice for a slow sensor; now the unit is named (EDGE-138). A unit that fits reads."""
    t = 1.7e12 + np.arange(1000) * 20.0
    acc = samples.truth_acc_ms2(np.arange(1000) / 50.0)
    path = tmp_path / "ms.csv"
    np.savetxt(path, np.column_stack([t, acc]), delimiter=",", fmt="%.6f", header="stamp,x,y,z", comments="")
    with pytest.raises(InputFileError, match=r"--time-unit epoch_s makes .* too slow .* give --time-unit epoch_ms"):
        load_recording(path, generic=GenericCsvOptions(time_column="stamp", time_unit="epoch_s"))
    session = load_recording(path, generic=GenericCsvOptions(time_column="stamp", time_unit="epoch_ms")).session
    assert session.meta.sample_rate_hz == pytest.approx(50.0)


def test_gyroscope_columns_given_that_are_the_inferred_acceleration_are_refused(tmp_path: Path) -> None:
    """`--gyr-columns acc_x,acc_y,acc_z` with the acceleration found by name: the same three columns were read as the
    acceleration and as the gyroscope, without a word (EDGE-139). Refused, asking for --acc-columns; a time column
    mapped as an axis is named in the refusal instead of "none named like time"."""
    path = _with_gyro(tmp_path / "t.csv", 1.0)
    with pytest.raises(InputFileError, match=r"--gyr-columns acc_x,acc_y,acc_z are read as the acceleration too"):
        load_recording(path, generic=GenericCsvOptions(gyr_columns=("acc_x", "acc_y", "acc_z")))
    with pytest.raises(InputFileError, match=r"column time_s, named like time, is read as a motion axis"):
        load_recording(path, generic=GenericCsvOptions(acc_columns=("time_s", "acc_x", "acc_y")))
    session = load_recording(path, generic=GenericCsvOptions(gyr_columns=("gyr_x", "gyr_y", "gyr_z"))).session
    assert session.gyr is not None


@pytest.mark.parametrize(("factor", "given", "fits"), [(1.0, "g", "ms2"), (1000.0 / 9.80665, "ms2", "mg")])
def test_an_acceleration_unit_given_that_reads_gravity_as_many_g_names_the_unit(
    tmp_path: Path, factor: float, given: str, fits: str
) -> None:
    """`--acc-unit g` on m/s^2 (a walk's quietest second 9.8 "g") was refused "acceleration looks like mg or raw
    counts, not m/s^2 (median |acc| = 97)", a unit the user did not give; `--acc-unit ms2` on mg likewise
    (EDGE-144). The refusal now names the given unit and the one in which the data read 1 g."""
    t = samples.times()
    path = tmp_path / "walk.csv"
    np.savetxt(
        path,
        np.column_stack([t, samples.truth_acc_ms2(t) * factor]),
        delimiter=",",
        fmt="%.6f",
        header="time,x,y,z",
        comments="",
    )
    words = {"g": "g", "ms2": "m/s\\^2"}[given]
    with pytest.raises(
        InputFileError, match=rf"is not in {words} as --acc-unit {given} says .* give --acc-unit {fits}"
    ):
        load_recording(path, generic=GenericCsvOptions(acc_unit=given))
    assert load_recording(path, generic=GenericCsvOptions(acc_unit=fits)).session.n_samples == t.size


@pytest.mark.parametrize(
    ("factor", "given", "fits", "reads"),
    [(1.0, "mg", "ms2", "0.0099"), (1.0 / 9.80665, "mg", "g", "0.001"), (1.0 / 9.80665, "ms2", "g", "0.1")],
)
def test_an_acceleration_unit_given_that_reads_gravity_as_near_0_g_names_the_unit(
    tmp_path: Path, factor: float, given: str, fits: str, reads: str
) -> None:
    """`--acc-unit mg` on m/s^2 (a walk's quietest second 9.8 "mg", 0.0098 g) was refused as if gravity had been
    removed: "columns acc_x,acc_y,acc_z hold no gravity at rest (mg (given); gravity removed: ...): if they are
    acceleration with gravity removed, read them with ... --acc-unit ms2|g|mg" (EDGE-152). The refusal now says
    what the given unit makes of gravity and names the unit in which it is 1 g."""
    t = samples.times()
    path = tmp_path / "walk.csv"
    table = np.column_stack([t, samples.truth_acc_ms2(t) * factor])
    path.write_text("time_s,acc_x,acc_y,acc_z\n" + "".join(",".join(f"{v:.7g}" for v in r) + "\n" for r in table))
    with pytest.raises(InputFileError) as refused:
        load_recording(path, generic=GenericCsvOptions(acc_unit=given))
    message = str(refused.value)
    assert f"--acc-unit {given} reads its gravity as {reads} g" in message
    assert f"give --acc-unit {fits}" in message and "hold no gravity" not in message
    assert load_recording(path, generic=GenericCsvOptions(acc_unit=fits)).session.n_samples == t.size


def test_gravity_removed_in_the_given_unit_is_still_refused_as_holding_no_gravity(tmp_path: Path) -> None:
    """Linear acceleration in mg (quiet mean near 0 in every unit): the refusal still says it holds no gravity."""
    t = samples.times()
    path = tmp_path / "linear.csv"
    linear_mg = (samples.truth_acc_ms2(t) - [0.0, 0.0, 9.80665]) / 9.80665 * 1000.0
    table = np.column_stack([t, linear_mg])
    path.write_text("time_s,acc_x,acc_y,acc_z\n" + "".join(",".join(f"{v:.7g}" for v in r) + "\n" for r in table))
    with pytest.raises(InputFileError, match="hold no gravity at rest"):
        load_recording(path, generic=GenericCsvOptions(acc_unit="mg"))


def test_columns_and_a_unit_given_that_reads_gravity_as_near_0_g_say_which_unit_reads_1_g(tmp_path: Path) -> None:
    """With --acc-columns too the columns are read as gravity removed in the given unit, as before; the note now
    says in which unit their quiet mean is 1 g (EDGE-152)."""
    t = samples.times()
    path = tmp_path / "walk.csv"
    table = np.column_stack([t, samples.truth_acc_ms2(t)])
    path.write_text("time_s,acc_x,acc_y,acc_z\n" + "".join(",".join(f"{v:.7g}" for v in r) + "\n" for r in table))
    options = GenericCsvOptions(acc_columns=("acc_x", "acc_y", "acc_z"), acc_unit="mg")
    result = load_recording(path, generic=options)
    assert result.session.meta.acc_gravity == "removed"
    assert any("in ms2 its quiet mean is 1 g" in note for note in result.report.notes)
