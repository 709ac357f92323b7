"""The unpaired-samples side file: incremental, on the session clock, ignored by batch discovery."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrogait.batch.inputs import discover_inputs
from retrogait.ble.sidefile import UNPAIRED_HEADER, PlacedUnpaired, UnpairedWriter, unpaired_path


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
