"""A column a reader reads, named twice in a table's header (EDGE-289): refused in one line naming both fields,
never read from one of the two with the other's values left out untold."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from import_samples import metabase_pair, physics_toolbox, physics_toolbox_linear, sensorlogger_folder
from retrogait.cli import main
from retrogait.errors import InputFileError
from retrogait.imports import GenericCsvOptions, load_recording


def _with_column_again(path: Path, column: int, first: bool, sep: str = ",") -> None:
    """``path``'s table with field ``column`` written again under the same name, its values all 7 (another sensor's,
    a user's copy changed), as the table's first field or its last."""
    rows = []
    for i, line in enumerate(path.read_text().splitlines()):
        fields = line.split(sep)
        extra = fields[column] if i == 0 else "7.0"
        rows.append(sep.join([extra, *fields] if first else [*fields, extra]))
    path.write_text("\n".join(rows) + "\n")


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("app", ["physics_toolbox", "metabase", "sensorlogger"])
def test_a_column_read_by_name_written_twice_is_refused_naming_both(tmp_path: Path, app: str, first: bool) -> None:
    """On 952ac943 each was read from one of the two columns (pandas' first), the other's values left out untold:
    Physics Toolbox's, Sensor Logger's and MetaBase's (where the copy came first, a reading of 7 g or a refusal for
    the wrong reason)."""
    if app == "physics_toolbox":
        path, column, name = physics_toolbox(tmp_path / "ptb.csv"), 1, "gFx"
    elif app == "metabase":
        path, column, name = metabase_pair(tmp_path / "mw"), 3, "x-axis (g)"
    else:
        path, column, name = sensorlogger_folder(tmp_path / "export") / "TotalAcceleration.csv", 2, "z"
    _with_column_again(path, column, first)
    with pytest.raises(InputFileError) as refused:
        load_recording(path)
    message = str(refused.value)
    assert "\n" not in message and str(path) in message and f"'{name}'" in message and "twice" in message


def test_physics_toolbox_s_name_twice_with_and_without_its_unit_is_refused(tmp_path: Path) -> None:
    """``ax`` beside ``ax (m/s^2)``: Physics Toolbox's reader maps names without their unit; it read the last and
    left the other out (952ac943)."""
    path = physics_toolbox_linear(tmp_path / "ptb.csv")
    _with_column_again(path, 1, first=False)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0].rsplit(",", 1)[0] + ",ax", *lines[1:]]) + "\n")
    with pytest.raises(
        InputFileError,
        match=r"names a column twice, units aside \('ax \(m/s\^2\)' \(column 1\) and 'ax' \(column 5\), 0-based\)",
    ):
        load_recording(path)


def test_the_generic_reader_refuses_a_name_it_would_read_twice_and_reads_one_it_leaves_out(tmp_path: Path) -> None:
    """The generic reader made the names unique (``x``, ``x.1``) and read ``x``, the first; now refused. A name
    written twice that it does not read (a ``note`` column) keeps the table read, the same samples."""
    t = np.arange(2000) / 100.0
    rows = [f"{x:.3f},{0.3 * np.sin(6 * x):.4f},0.2,{9.8 + 3 * np.sin(4 * np.pi * x):.4f},a,b" for x in t]
    clean = tmp_path / "clean.csv"
    clean.write_text("time,acc_x,acc_y,acc_z,note,note\n" + "\n".join(rows) + "\n")
    read = load_recording(clean)
    assert read.report.format == "generic_csv" and read.session.t_s.size == 2000
    twice = tmp_path / "twice.csv"
    twice.write_text("acc_x,time,acc_x,acc_y,acc_z\n" + "\n".join(f"7.0,{r.rsplit(',', 2)[0]}" for r in rows) + "\n")
    with pytest.raises(InputFileError, match=r"'acc_x' is columns 0 and 2, 0-based"):
        load_recording(twice)


def test_two_sensors_under_the_same_names_are_read_by_position_and_refused_by_name(tmp_path: Path) -> None:
    """A two-sensor table (``left_sensor``/``right_sensor`` over ``acc_x,acc_x,...``, as the foot_walking data): the
    generic reader read the left sensor's columns by name and left the right's out, untold (952ac943, with --rate);
    refused now, the refusal saying to name columns by position, and by position either sensor is read."""
    t = np.arange(2000) / 100.0
    left = np.column_stack([0.3 * np.sin(6 * t), 0.2 + 0 * t, 9.8 + 3 * np.sin(4 * np.pi * t)])
    right = left * [-1.0, -1.0, 1.0]
    both = np.column_stack([left[:, 0], right[:, 0], left[:, 1], right[:, 1], left[:, 2], right[:, 2]])
    rows = [",".join(f"{v:.4f}" for v in row) for row in both]
    path = tmp_path / "two.csv"
    path.write_text("acc_x,acc_x,acc_y,acc_y,acc_z,acc_z\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputFileError, match=r"'acc_x' is columns 0 and 1.*by their 0-based position"):
        load_recording(path, rate_hz=100.0)
    read = load_recording(path, rate_hz=100.0, generic=GenericCsvOptions(acc_columns=("1", "3", "5")))
    assert np.allclose(read.session.acc, right, atol=1e-4)


def _two_sensors(path: Path, interleaved: bool, with_time: bool) -> dict[str, np.ndarray]:
    """Two sensors' acceleration and rate (m/s^2, deg/s) side by side under the same names, a line of their names
    above the header (``imu,shin_a,shin_b,...`` as the foot_walking data's ``sensor,left_sensor,...``): each sensor's
    six columns by name, written ``a,b,a,b,...`` (``interleaved``) or ``a,a,...,b,b,...``; a shared time column
    first (its name-line field blank) or a sample index (``n``, not a clock's name). Returns each sensor's samples."""
    t = np.arange(3000) / 100.0
    a = np.column_stack(
        [0.3 * np.sin(6 * t), 0.2 + 0 * t, 9.8 + 3 * np.sin(4 * np.pi * t), 40 * np.sin(6 * t), 5 + 0 * t, 0 * t]
    )
    by = {"shin_a": a, "shin_b": a * [-1.0, -1.0, 1.0, 1.0, -1.0, 1.0] + 0.01}
    axes = ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"]
    order = [(s, i) for i in range(6) for s in by] if interleaved else [(s, i) for s in by for i in range(6)]
    first = ("", "time", t) if with_time else ("imu", "n", np.arange(t.size, dtype=float))
    above = ",".join([first[0], *(s for s, _ in order)])
    header = ",".join([first[1], *(axes[i] for _, i in order)])
    table = np.column_stack([first[2], *(by[s][:, i] for s, i in order)])
    path.write_text(f"{above}\n{header}\n" + "\n".join(",".join(f"{v:.4f}" for v in row) for row in table) + "\n")
    return by


def _advised(message: str) -> dict[str, tuple[GenericCsvOptions, float | None]]:
    """Each sensor the refusal names, with the options it says read it (as typed on the command line)."""
    out = {}
    for label, typed in re.findall(r"(\w+) with ((?:--[\w-]+ [\w.]+(?:,[\w.]+)* ?)+)", message):
        given = dict(zip(typed.split()[::2], typed.split()[1::2], strict=True))
        rate = given.pop("--rate", None)
        columns = {k: tuple(v.split(",")) for k, v in given.items()}
        options = GenericCsvOptions(acc_columns=columns["--acc-columns"], gyr_columns=columns["--gyr-columns"])
        out[label] = (options, None if rate is None else 100.0 if rate == "HZ" else float(rate))
    return out


@pytest.mark.parametrize(("interleaved", "with_time"), [(True, False), (False, True)])
def test_sensors_named_above_the_header_are_refused_with_each_one_s_options_and_those_options_read_it(
    tmp_path: Path, interleaved: bool, with_time: bool
) -> None:
    """A line of sensor names above a header that writes each sensor's names again (EDGE-296): the refusal names the
    sensors and, for each, the options that read it (and ``--rate HZ`` where the table has no time column); those
    very options read that sensor's samples. On 21199662 the refusal said only "name the columns to read by their
    0-based position (--acc-columns, --gyr-columns)"."""
    path = tmp_path / "two.csv"
    by = _two_sensors(path, interleaved, with_time)
    with pytest.raises(InputFileError) as refused:
        load_recording(path)
    message = str(refused.value)
    assert "\n" not in message and str(path) in message and "shin_a, shin_b" in message
    assert ("--rate HZ" in message) is (not with_time), message
    advised = _advised(message)
    assert sorted(advised) == ["shin_a", "shin_b"], message
    for label, (options, rate) in advised.items():
        read = load_recording(path, rate_hz=rate, generic=options)
        assert read.session.t_s.size == 3000
        assert np.allclose(read.session.acc, by[label][:, :3], atol=1e-3), label
        assert read.session.gyr is not None and np.allclose(read.session.gyr, by[label][:, 3:], atol=1e-3), label


def test_a_line_above_the_header_that_does_not_tell_the_sensors_apart_keeps_the_refusal_s_words(
    tmp_path: Path,
) -> None:
    """A line above the header that names one sensor over both columns of a name (a title, a unit line) gives no
    advice it cannot back: the refusal names the columns and says to give positions, as EDGE-289's."""
    path = tmp_path / "two.csv"
    _two_sensors(path, interleaved=True, with_time=True)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0].replace("shin_b", "shin_a"), *lines[1:]]) + "\n")
    with pytest.raises(InputFileError, match=r"'acc_x' is columns 1 and 2.*by their 0-based position"):
        load_recording(path)


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["imu_sample.csv", "imu_sample_not_rotated.csv"])
def test_the_real_two_sensor_table_s_refusal_gives_options_that_analyse_each_sensor(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """The foot_walking tables (``left_sensor``/``right_sensor`` over ``axis,acc_x,acc_x,...``, no time column,
    204.8 Hz): ``retrogait analyze`` refuses in one line giving each sensor's options and ``--rate HZ``, and those
    options, typed as printed with the rate filled in, analyse each foot (EDGE-296; 21199662 said only "name the
    columns to read by their 0-based position")."""
    path = shared_data / "foot_walking" / name
    assert main(["analyze", str(path), "--placement", "foot", "--no-report", "-o", str(tmp_path / "x")]) == 2
    message = capsys.readouterr().err.strip()
    assert "\n" not in message and "left_sensor, right_sensor" in message and "--rate HZ" in message
    advised = re.findall(r"(\w+) with ((?:--[\w-]+ [\w.]+(?:,[\w.]+)* ?)+)", message)
    assert [label for label, _ in advised] == ["left_sensor", "right_sensor"]
    for label, typed in advised:
        args = typed.replace("--rate HZ", "--rate 204.8").split()
        out = tmp_path / label
        assert main(["analyze", str(path), "--placement", "foot", "--no-report", "-o", str(out), *args]) == 0, label
        assert (out / "steps.csv").read_text().count("\n") > 20, label
