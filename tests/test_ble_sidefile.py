"""The unpaired-samples side file: incremental, on the session clock, ignored by batch discovery."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from retrogait.batch.inputs import discover_inputs
from retrogait.ble.collector import RecordOptions, SensorSpec
from retrogait.ble.profiles.base import StreamSettings
from retrogait.ble.sidefile import UNPAIRED_HEADER, PlacedUnpaired, UnpairedWriter, unpaired_path
from retrogait.cli import main
from retrogait.errors import RetrogaitError
from retrogait.live.recording import record


def test_unpaired_rows_are_readable_after_each_flush_and_carry_units(tmp_path: Path) -> None:
    writer = UnpairedWriter(unpaired_path(tmp_path / "run.csv"), origin_s=100.0)
    assert writer.path.name == "run.unpaired.csv"
    writer.flush()  # nothing yet: no file
    assert not writer.path.exists()
    acc = PlacedUnpaired("acc", np.array([100.5, 100.51]), np.array([[0.1, -9.81, 1.5], [0.2, -9.8, 1.25]]))
    assert writer.append([acc, PlacedUnpaired("gyr", np.array([100.52]), np.array([[10.0, -250.5, 3.0]]))]) == 3
    writer.flush()
    text = writer.path.read_text()  # readable before close (a killed recorder keeps what was flushed)
    assert text.startswith(UNPAIRED_HEADER)
    assert text.splitlines()[1:] == [
        "0.500000,acc,0.1,-9.81,1.5,,,",
        "0.510000,acc,0.2,-9.8,1.25,,,",
        "0.520000,gyr,,,,10,-250.5,3",
    ]
    writer.close()
    assert writer.samples_written == 3


def test_batch_discovery_skips_recording_side_files(tmp_path: Path) -> None:
    for name in ("run.csv", "run.unpaired.csv", "run.reference.csv", "run.ble.json"):
        (tmp_path / name).write_text("x\n")
    assert [p.name for p in discover_inputs([tmp_path])] == ["run.csv"]


def test_movesense_range_is_refused_before_scanning_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["record", "--sensor", "movesense", "--address", "C0:FF:EE:00:00:01", "--placement", "shank",
            "--out", str(tmp_path / "m.csv"), "--range", "16", "--quiet"]  # fmt: skip
    assert main(args) == 2 and not (tmp_path / "m.csv").exists()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Movesense: --range/--gyro-range cannot be set" in err
    spec = SensorSpec("movesense", "shank", tmp_path / "m.csv", settings=StreamSettings(acc_range_g=16))
    with pytest.raises(RetrogaitError, match=r"no command to PUT /Meas/Acc/Config") as info:
        asyncio.run(record([spec], RecordOptions(scan_timeout_s=0.1)))
    assert "\n" not in str(info.value)
