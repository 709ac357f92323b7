"""The unpaired-samples side file: incremental, on the session clock, ignored by batch discovery."""

from __future__ import annotations

import asyncio
import errno
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


def test_a_full_disk_after_the_side_file_s_folder_was_removed_still_restores_every_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-294: the side file's folder removed while recording (USER-4: its samples then live only in the open file,
    restored at close) and its next write refused by a full disk: edge61's cut back reopened the file by its name,
    raised FileNotFoundError out of ``flush`` with the open file already closed, and ``close`` then raised "I/O
    operation on closed file": every sample lost. Now it is cut back through its own descriptor: the disk free again,
    close restores all 20 samples, once and in order."""
    import errno
    import shutil
    from typing import Any

    from retrogait.ble import sidefile

    full = [False]

    class Full:
        def __init__(self, fh: Any) -> None:
            self._fh = fh

        def write(self, text: str) -> int:
            if full[0]:
                self._fh.write(text[:7])  # a short write, then the refusal
                self._fh.flush()
                raise OSError(errno.ENOSPC, "No space left on device")
            return int(self._fh.write(text))

        def __getattr__(self, name: str) -> Any:
            return getattr(self._fh, name)

    monkeypatch.setattr(sidefile, "open", lambda *a, **k: Full(open(*a, **k)), raising=False)  # noqa: SIM115
    writer = UnpairedWriter(unpaired_path(tmp_path / "rec" / "run.csv"), origin_s=0.0)
    writer.append([PlacedUnpaired("gyr", np.arange(10.0), np.ones((10, 3)))])
    writer.flush()
    shutil.rmtree(tmp_path / "rec")
    full[0] = True
    writer.append([PlacedUnpaired("gyr", np.arange(10.0, 20.0), np.ones((10, 3)))])
    writer.flush()
    assert writer.disk_full is not None and writer.samples_held == 10
    full[0] = False
    writer.close()
    assert writer.restored_to == writer.path and writer.samples_held == 0
    text = writer.path.read_text()
    assert text.startswith(UNPAIRED_HEADER)
    assert [float(line.split(",")[0]) for line in text.splitlines()[1:]] == list(np.arange(20.0))


@pytest.mark.parametrize("full_from", [1, 3])
def test_the_log_names_the_side_file_only_with_samples_on_disk_and_where_the_rest_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full_from: int
) -> None:
    """EDGE-303 (REVIEW-293 item 1): the disk refuses the side file's writes of samples from the ``full_from``-th to
    the end (its header taken, the log too). `NAME.ble.json` named `NAME.unpaired.csv` whenever a sample had been
    handed over, also where every one was refused (the file its header alone), and never named the file the held
    samples went to. Now `unpaired_file` names the side file only where samples of it are on disk, and
    `unpaired_elsewhere_file` names the file elsewhere: every sample in one of the files the log names, once."""
    import json

    from full_disk import full_disk_side_file, held_elsewhere
    from retrogait.ble.collector import HeldElsewhere, SensorRecorder
    from retrogait.ble.profiles.base import StreamInfo

    elsewhere = held_elsewhere(tmp_path, monkeypatch)
    writes = full_disk_side_file(monkeypatch, None, full_from=full_from)
    out = tmp_path / "rec" / "mw.csv"
    recorder = SensorRecorder(SensorSpec("metawear", "foot", out), RecordOptions(), 0.0, "2026-12-08T01:00:00Z")
    recorder.info = StreamInfo(rate_hz=100.0, acc_range_g=16.0, gyr_range_dps=2000.0, has_gyro=True, has_clock=True)
    recorder.writer = recorder._writer_for("MetaWear", {})
    side = recorder.unpaired_writer
    for k in range(4):  # four flushes of 5 samples each, the writer's own rounds
        side.append([PlacedUnpaired("gyr", np.arange(5.0 * k, 5.0 * k + 5.0), np.ones((5, 3)))])
        side.flush()
    with pytest.raises(HeldElsewhere) as caught:
        recorder._close()
    assert len(writes) >= 5, writes  # every write from full_from on refused, the close's too
    log = json.loads(out.with_name("mw.ble.json").read_text())
    kept = 5 * (full_from - 1)
    assert log["unpaired_file"] == ("mw.unpaired.csv" if kept else None), log
    moved = Path(log["unpaired_elsewhere_file"])
    assert moved.parent == elsewhere and str(moved) in str(caught.value)
    named = [out.parent / log["unpaired_file"]] if log["unpaired_file"] else []
    times = [float(line.split(",")[0]) for part in [*named, moved] for line in part.read_text().splitlines()[1:]]
    assert times == list(np.arange(20.0))
    assert log["rows_elsewhere_file"] is None  # the session file's rows all on its disk
    if not kept:  # the side file holds its header alone, or is absent
        assert not side.path.exists() or side.path.read_text() == UNPAIRED_HEADER


def test_a_log_refused_by_another_error_still_says_where_the_held_samples_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-305 (review of EDGE-303): the disk full to the end under the side file, then the log refused by another
    error (EIO, a disk gone read-only: EROFS). EDGE-303 writes the held samples elsewhere before the log, but an
    error other than a full disk's was raised bare: the samples in the temporary folder, no word saying so. Now the
    recording's one line names the file elsewhere and the log not written, as for a full disk."""
    from full_disk import full_disk_side_file, held_elsewhere
    from retrogait.ble import collector
    from retrogait.ble.collector import HeldElsewhere, SensorRecorder
    from retrogait.ble.profiles.base import StreamInfo

    elsewhere = held_elsewhere(tmp_path, monkeypatch)
    full_disk_side_file(monkeypatch, None, full_from=1)

    def refused(*args: object, **kwargs: object) -> str:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(collector, "dumps", refused)
    out = tmp_path / "rec" / "mw.csv"
    recorder = SensorRecorder(SensorSpec("metawear", "foot", out), RecordOptions(), 0.0, "2026-12-08T01:00:00Z")
    recorder.info = StreamInfo(rate_hz=100.0, acc_range_g=16.0, gyr_range_dps=2000.0, has_gyro=True, has_clock=True)
    recorder.writer = recorder._writer_for("MetaWear", {})
    side = recorder.unpaired_writer
    side.append([PlacedUnpaired("gyr", np.arange(5.0), np.ones((5, 3)))])
    side.flush()
    with pytest.raises(HeldElsewhere) as caught:
        recorder._close()
    line = str(caught.value)
    moved = sorted(elsewhere.glob("mw.unpaired.after-disk-full-*.csv"))
    assert len(moved) == 1 and str(moved[0]) in line, line
    assert "its log mw.ble.json and reference file are not written (Input/output error)" in line, line
    assert "\n" not in line
    assert [float(row.split(",")[0]) for row in moved[0].read_text().splitlines()[1:]] == list(np.arange(5.0))
