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
