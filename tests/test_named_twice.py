"""A column a reader reads, named twice in a table's header (EDGE-289): refused in one line naming both fields,
never read from one of the two with the other's values left out untold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from import_samples import metabase_pair, physics_toolbox, physics_toolbox_linear, sensorlogger_folder
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
