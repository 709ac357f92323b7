"""Issue 12 items 4, 10, 11 and 14: reproducers built from the descriptions; each failed before its fix."""

from __future__ import annotations

import gzip
import json
import resource
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.errors import InputFileError, RetrogaitError
from retrogait.imports import GenericCsvOptions, load_recording
from retrogait.imports.limits import MAX_COLUMNS, MAX_UNPACK_RATIO
from retrogait.session import read_session, write_session


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------------------ item 4


def test_value_that_overflows_in_unit_conversion_is_missing(tmp_path: Path) -> None:
    """1e308 g is finite but inf in m/s^2: it was checked before converting and reached the session. It was then
    dropped with its row; an infinite acceleration value is now a missing one, its row kept (EDGE-198)."""
    path = samples.physics_toolbox(tmp_path / "pt.csv")
    lines = path.read_text().splitlines(keepends=True)
    fields = lines[30].split(",")
    fields[3] = "1e308"
    lines[30] = ",".join(fields)
    path.write_text("".join(lines))
    result = load_recording(path)
    assert result.report.dropped == {}
    assert not np.isinf(result.session.acc).any() and int(np.isnan(result.session.acc).sum()) == 1
    assert any("1 of them infinite" in note for note in result.report.notes)
    back = read_session(write_session(result.session, tmp_path / "out.csv"))  # convert writes what we read
    assert back.n_samples == result.session.n_samples


def test_generic_reader_takes_an_overflow_after_conversion_as_missing(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    t = samples.times()
    acc = samples.truth_acc_ms2(t) / samples.G
    acc[7, 0] = 1e308
    rows = zip(t.tolist(), acc.tolist(), strict=True)
    path.write_text("t,ax,ay,az\n" + "".join(f"{a!r},{x!r},{y!r},{z!r}\n" for a, (x, y, z) in rows))
    result = load_recording(path, generic=GenericCsvOptions(acc_unit="g"))
    assert result.report.dropped == {}  # EDGE-198: a missing value, its row kept
    assert np.isnan(result.session.acc[7, 0]) and np.isfinite(np.delete(result.session.acc, 7, axis=0)).all()


# ----------------------------------------------------------------------------------------- item 10


def test_column_mapped_twice_is_refused_with_the_column_named(tmp_path: Path) -> None:
    mapping = GenericCsvOptions(time_column="t", acc_columns=("ax", "ay", "az"), gyr_columns=("az", "gy", "gz"))
    with pytest.raises(RetrogaitError, match=r"column\(s\) az mapped twice"):
        load_recording(samples.generic(tmp_path / "g.csv"), generic=mapping)


def test_text_cell_in_a_column_used_twice_is_a_dropped_row(tmp_path: Path) -> None:
    """The same column in two roles plus one text cell was an AttributeError in read_table."""
    from retrogait.imports.common import Source, read_table

    path = tmp_path / "g.csv"
    path.write_text("t,ax,ay,az\n0,1,2,3\n1,abc,2,3\n2,1,2,3\n")
    frame = read_table(Source(str(path), path=path), numeric=["t", "ax", "ay", "az", "az", "t"])
    assert np.isnan(frame["ax"].iloc[1]) and frame["az"].tolist() == [3.0, 3.0, 3.0]


# ----------------------------------------------------------------------------------------- item 11


def _movesense(tmp_path: Path, packets: str) -> Path:
    path = tmp_path / "MovesenseLog.json"
    path.write_text('{"Meas": {"IMU6": [' + packets + "]}}")
    return path


@pytest.mark.parametrize(
    "packets",
    [
        '{"Timestamp": ' + "1" * 4400 + ', "ArrayAcc": [{"x": 1, "y": 2, "z": 9.8}]}',  # int beyond 4300 digits
        '{"Timestamp": 1, "ArrayAcc": 1.5}, {"Timestamp": 2, "ArrayAcc": [{"x": 1, "y": 2, "z": 9.8}]}',
        '{"Timestamp": 1, "ArrayAcc": [{"x": ' + "9" * 400 + ', "y": 2, "z": 9.8}]}',  # overflows a float
        '{"Timestamp": 1e999, "ArrayAcc": [{"x": 1, "y": 2, "z": 9.8}]}',
    ],
)
def test_movesense_hostile_numbers_are_one_line_refusals(tmp_path: Path, packets: str) -> None:
    with pytest.raises(InputFileError) as info:
        load_recording(_movesense(tmp_path, packets), "movesense")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("stream", ["IMU9", "IMU6"])
def test_an_empty_movesense_log_is_said_to_be_one(tmp_path: Path, stream: str) -> None:
    """A Movesense log with an empty packet list (the sensor logged nothing) was "format not recognised"."""
    path = tmp_path / "MovesenseLog_empty.json"
    path.write_text(json.dumps({"Meas": {stream: []}}))
    with pytest.raises(InputFileError, match=f"Movesense log with no samples \\(Meas/{stream} is an empty list\\)"):
        load_recording(path)


# ----------------------------------------------------------------------------------------- item 14


def test_one_very_wide_row_costs_its_bytes_not_rows_times_its_width(tmp_path: Path) -> None:
    """One 50,000-field row in a 20,000-row table cost 4.4 GB and 23 s (pandas: rows x widest row)."""
    t = np.arange(20000) / 100.0
    acc = samples.truth_acc_ms2(t)
    body = [f"{a!r},{x!r},{y!r},{z!r}\n" for a, (x, y, z) in zip(t.tolist(), acc.tolist(), strict=True)]
    body.insert(10000, ",".join(["1.5"] * 50000) + "\n")
    path = tmp_path / "wide.csv"
    path.write_text("t,x,y,z\n" + "".join(body))
    before, start = _peak_mb(), time.perf_counter()
    result = load_recording(path)
    assert time.perf_counter() - start < 20  # generous for a loaded CI machine; it was 23 s on a quiet one
    assert _peak_mb() - before < 500  # it was 4,400 MB
    assert result.report.dropped == {"malformed": 1}
    assert result.session.n_samples == t.size


def test_header_with_too_many_columns_is_refused(tmp_path: Path) -> None:
    """40,000 duplicate header names took 28 s (pandas renames duplicates in quadratic time)."""
    path = tmp_path / "dups.csv"
    path.write_text(",".join(["t"] + ["x"] * 40000) + "\n" + "\n".join(",".join(["1"] * 40001) for _ in range(3)))
    start = time.perf_counter()
    with pytest.raises(InputFileError, match=f"at most {MAX_COLUMNS:,}"):
        load_recording(path, generic=GenericCsvOptions(time_column="t", acc_columns=("x", "x.1", "x.2")))
    assert time.perf_counter() - start < 5


def test_decompression_bomb_is_refused(tmp_path: Path) -> None:
    """A 0.9 MB phyphox zip unpacked to 400 MB and peaked at 2 GB: members are bounded by their ratio."""
    folder = samples.phyphox_folder(tmp_path / "p")
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(folder / "meta" / "device.csv", "meta/device.csv")
        header = '"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"\n'
        zf.writestr("Accelerometer.csv", header + "0,0,0,9.8\n" * (60 * 1024 * 1024 // 10))
    assert archive.stat().st_size * MAX_UNPACK_RATIO < 60 * 1024 * 1024
    before = _peak_mb()
    with pytest.raises(InputFileError, match="decompression bomb"):
        load_recording(archive)
    assert _peak_mb() - before < 200
    bomb = tmp_path / "bomb.csv.gz"
    bomb.write_bytes(gzip.compress(b"t,x,y,z\n" + b"0,0,0,9.8\n" * (6 * 1024 * 1024)))
    with pytest.raises(InputFileError, match="decompression bomb"):
        load_recording(bomb)


def test_one_line_json_through_the_generic_reader_is_quick(tmp_path: Path) -> None:
    """A 2.2 MB one-line JSON took 176 s through the generic reader: one line, refused at once."""
    path = tmp_path / "log.json"
    packets = [{"Timestamp": i, "ArrayAcc": [{"x": 0.1, "y": 0.2, "z": 9.8}] * 8} for i in range(8000)]
    path.write_text(json.dumps({"Meas": {"IMU6": packets}}))
    assert path.stat().st_size > 1_000_000
    start = time.perf_counter()
    with pytest.raises(InputFileError):
        load_recording(path, generic=GenericCsvOptions(time_column="0", acc_columns=("1", "2", "3")))
    assert time.perf_counter() - start < 5
