"""GENEActiv's own ``.bin`` file, read as the ``geneactiv`` format (IMPORT-21): decoding from the published layout,
gaps, a file cut short, damaged pages and a header without calibration."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.cli import main
from retrogait.conventions import STANDARD_GRAVITY_MS2 as G
from retrogait.errors import InputFileError
from retrogait.imports import detect_format, get_format, load_recording
from retrogait.imports.base import ImportOptions
from retrogait.imports.limits import CUT_SHORT_KEY

#: Half a count of the coarsest axis (m/s^2): what 12-bit quantisation may move a value.
QUANTUM_MS2 = 0.5 * 100 / min(samples.GENEACTIV_GAIN) * G + 1e-9


def test_bin_gives_back_the_recorded_motion_and_header(tmp_path: Path) -> None:
    """`retrogait analyze rec.bin` said "format not recognised": the device's file needed the vendor's Windows
    software to become a CSV first."""
    path = samples.geneactiv_bin(tmp_path / "rec.bin", rate_hz=75.0, pages=3)
    assert detect_format(path).name == "geneactiv"
    result = load_recording(path, placement="shank")
    session = result.session
    assert session.n_samples == 900 and result.report.dropped_total == 0
    np.testing.assert_allclose(session.t_s, np.arange(900) / 75.0, atol=1e-6)
    np.testing.assert_allclose(session.acc, samples.truth_acc_ms2(session.t_s), atol=QUANTUM_MS2)
    assert session.gyr is None
    meta = session.meta
    assert meta.sample_rate_hz == 75.0 and meta.sensor == "GENEActiv 1.1 046164"
    assert meta.start_time_utc == "2019-08-06T14:25:50.000Z"  # the first page's time at GMT -04:00
    assert meta.extra["import_format"] == "geneactiv"
    assert meta.extra["import_device_location"] == "right wrist"


def test_bin_reads_as_its_csv_export_does(tmp_path: Path) -> None:
    """The same recording as the PC software's CSV and as the device's .bin: the same header, the same motion
    (the CSV's 4 decimals of g against the .bin's counts)."""
    csv = load_recording(samples.geneactiv(tmp_path / "rec.csv", rate_hz=75.0)).session
    binary = load_recording(samples.geneactiv_bin(tmp_path / "rec.bin", rate_hz=75.0)).session
    n = csv.n_samples
    np.testing.assert_allclose(binary.t_s[:n], csv.t_s, atol=0.0005 + 1e-6)  # the CSV writes whole ms
    np.testing.assert_allclose(binary.acc[:n], csv.acc, atol=QUANTUM_MS2 + 0.00005 * G)
    for key in ("sample_rate_hz", "sensor", "start_time_utc"):
        assert getattr(binary.meta, key) == getattr(csv.meta, key)
    assert binary.meta.extra["import_device"] == csv.meta.extra["import_device"]


def test_counts_decode_as_twelve_bit_twos_complement(tmp_path: Path) -> None:
    """Hex digits written by hand from the manual's layout (x, y, z 12 bits each, then light, button, reserved):
    ``7FF`` = 2047, ``800`` = -2048, ``FFF`` = -1; light and button bits do not leak into z."""
    path = samples.geneactiv_bin(tmp_path / "rec.bin", rate_hz=100.0, pages=2)
    data = path.read_bytes()
    first = data.index(b"\r\n", data.index(b"Measurement Frequency:100.0")) + 2
    sample = b"7FF800FFF" + b"FFF"  # x = 2047, y = -2048, z = -1; light 1023, button 1, reserved 1
    path.write_bytes(data[:first] + sample + data[first + 12 :])
    session = load_recording(path).session
    gain, offset = np.array(samples.GENEACTIV_GAIN), np.array(samples.GENEACTIV_OFFSET)
    expected_g = (np.array([2047, -2048, -1]) * 100.0 - offset) / gain
    np.testing.assert_allclose(session.acc[0], expected_g * G, rtol=1e-12)


def test_a_missing_page_is_a_gap_not_invented_samples(tmp_path: Path) -> None:
    path = samples.geneactiv_bin(tmp_path / "rec.bin", rate_hz=100.0, pages=4, skip_pages=(2,))
    result = load_recording(path)
    session = result.session
    assert session.n_samples == 900 and result.report.dropped_total == 0
    steps = np.diff(session.t_s)
    assert np.count_nonzero(steps > 0.02) == 1
    assert steps.max() == pytest.approx(3.01, abs=1e-6)  # page 2 (3 s) is not there
    np.testing.assert_allclose(session.acc, samples.truth_acc_ms2(session.t_s), atol=QUANTUM_MS2)


@pytest.mark.parametrize(("cut_back", "left_out"), [(100 * 12 + 2, 200), (3602 + 30, 0)])
def test_a_file_cut_short_keeps_its_whole_pages_and_says_so(tmp_path: Path, cut_back: int, left_out: int) -> None:
    """Cut inside the last page's data (200 whole samples of it written) or inside its header lines: the whole
    pages before are read, the cut noted (EDGE-9's mechanism), the unfinished page's samples counted."""
    path = samples.geneactiv_bin(tmp_path / "rec.bin", rate_hz=100.0, pages=3)
    path.write_bytes(path.read_bytes()[:-cut_back])
    result = load_recording(path)
    session = result.session
    assert session.n_samples == 600
    cut = session.meta.extra[CUT_SHORT_KEY]
    assert cut.startswith("rec.bin: the file ends inside page 3 of the 3 its header states")
    assert result.report.dropped.get("last_page_cut_short", 0) == left_out
    assert session.meta.extra["import_dropped_rows"] == str(left_out)


def test_a_file_ending_after_fewer_pages_than_its_header_states_says_so(tmp_path: Path) -> None:
    path = samples.geneactiv_bin(tmp_path / "rec.bin", rate_hz=100.0, pages=3)
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"Recorded Data")])
    session = load_recording(path).session
    assert session.n_samples == 600
    assert "ends after page 2 of the 3 its header states" in session.meta.extra[CUT_SHORT_KEY]


@pytest.mark.parametrize("damage", ["hex", "page_time", "page_header", "extra_line", "data_twice"])
def test_a_damaged_page_is_dropped_counted_and_a_gap(tmp_path: Path, damage: str) -> None:
    path = samples.geneactiv_bin(tmp_path / "rec.bin", rate_hz=100.0, pages=3)
    data = path.read_bytes()
    second = data.index(b"Recorded Data", data.index(b"Recorded Data") + 1)
    if damage == "hex":  # a byte that is no hex digit in its data
        at = data.index(b"Measurement Frequency", second) + 30 + 1000
        data = data[:at] + b"G" + data[at + 1 :]
    elif damage == "page_time":
        data = data.replace(b"Page Time:2019-08-06 10:25:53:000", b"Page Time:2019-13-06 10:25:53:000")
    elif damage == "page_header":  # its "Recorded Data" line garbled: its data line has no page
        data = data[:second] + b"Rec?rded Data" + data[second + 13 :]
    elif damage == "extra_line":  # a line of its header twice: its data line is not where a page's is
        at = data.index(b"Temperature", second)
        data = data[:at] + b"Temperature:31.6\r\n" + data[at:]
    else:  # the first page's data line twice: the second copy is no page's (counted once, not read twice)
        second = data.index(b"Recorded Data")
        at = data.index(b"Measurement Frequency", second)
        line = data[data.index(b"\n", at) + 1 : data.index(b"Recorded Data", at)]
        data = data[: data.index(b"Recorded Data", at)] + line + data[data.index(b"Recorded Data", at) :]
    path.write_bytes(data)
    result = load_recording(path)
    read = 900 if damage == "data_twice" else 600
    assert result.session.n_samples == read
    assert result.report.dropped == {"bad_page_samples": 300}
    assert result.report.rows_read == read + 300
    if damage != "data_twice":
        assert np.diff(result.session.t_s).max() == pytest.approx(3.01, abs=1e-6)
    assert any("1 page(s) not read" in note for note in result.report.notes)


def test_a_header_without_calibration_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = samples.geneactiv_bin(tmp_path / "rec.bin", calibration=False)
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"retrogait: error: {path}: GENEActiv .bin header has no calibration (x gain, x offset, y gain, y offset, "
        "z gain, z offset missing): its counts cannot be turned into g; extract the file again with the GENEActiv "
        "software\n"
    )


def test_a_header_alone_and_a_zero_gain_are_refused(tmp_path: Path) -> None:
    path = samples.geneactiv_bin(tmp_path / "rec.bin")
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b"Recorded Data")])
    with pytest.raises(InputFileError, match="holds no GENEActiv data page"):
        load_recording(path)
    path.write_bytes(data.replace(b"y gain:24936", b"y gain:0"))
    with pytest.raises(InputFileError, match="zero or infinite gain"):
        load_recording(path)


def test_a_cut_file_read_directly_is_refused_not_silently_short(tmp_path: Path) -> None:
    """Outside `load_recording` (nothing to note the cut in), a cut file is refused, as a cut .gz is."""
    path = samples.geneactiv_bin(tmp_path / "rec.bin", pages=3)
    path.write_bytes(path.read_bytes()[:-500])
    with pytest.raises(InputFileError, match="is cut off"):
        get_format("geneactiv").read(path, ImportOptions())


@pytest.mark.parametrize("how", ["gzip", "lf", "cr"])
def test_a_gzipped_bin_or_other_line_ends_read_the_same(tmp_path: Path, how: str) -> None:
    """Compressed, or its CRLF line ends saved again as LF or CR alone (as GENEActiv's CSV is written)."""
    path = samples.geneactiv_bin(tmp_path / "rec.bin")
    other = tmp_path / ("rec.bin.gz" if how == "gzip" else f"{how}.bin")
    data = path.read_bytes()
    if how == "gzip":
        other.write_bytes(gzip.compress(data))
    else:
        other.write_bytes(data.replace(b"\r\n", b"\n" if how == "lf" else b"\r"))
    a, b = load_recording(path).session, load_recording(other).session
    assert np.array_equal(a.acc, b.acc) and np.array_equal(a.t_s, b.t_s)


def _lattice(values_g: np.ndarray) -> tuple[int, int, np.ndarray]:
    """(gain, offset, counts) such that ``values_g`` = (counts * 100 - offset) / gain within the CSV's rounding:
    the gain whose lattice the values' fractional counts agree on best (whole numbers 20000-30000, as real
    headers hold), the offset from their common fraction (known to a multiple of 100, i.e. a whole count: the
    one whose counts fit 12 bits with the smallest |offset|)."""
    distinct = np.unique(np.round(values_g, 4))
    gains = np.arange(20000, 30001)
    agreement = np.abs(np.exp(2j * np.pi * distinct[None, :] * gains[:, None] / 100).mean(axis=1))
    gain = int(gains[np.argmax(agreement)])
    fraction = np.angle(np.exp(2j * np.pi * distinct * gain / 100).mean()) / (2 * np.pi)
    choices = []
    for shift in range(-20, 21):
        offset = round(-fraction * 100) + 100 * shift
        counts = np.round((values_g * gain + offset) / 100).astype(np.int64)
        if counts.min() >= -2048 and counts.max() <= 2047:
            choices.append((abs(offset), offset, counts))
    assert choices, "no offset puts the counts in 12 bits"
    _, offset, counts = min(choices, key=lambda c: c[0])
    return gain, offset, counts


@pytest.mark.shared_data
def test_the_real_csv_is_the_bin_layout_and_reads_back_through_the_bin_reader(
    shared_data: Path, tmp_path: Path
) -> None:
    """No real .bin is at hand (gaitpy's demo is the PC software's CSV of one); what its values show about the
    device file: each axis is (12-bit count * 100 - offset) / gain to the CSV's 4 decimals (x spans exactly
    the 4096 counts -2048..2047: saturated at both ends), times step 1/50 s except between pages of 300 samples
    (each page starts at its own Page Time). The CSV written back as the .bin it came from reads the same."""
    csv = load_recording(shared_data / "formats/geneactiv_gaitpy/demo_data.csv").session
    acc_g = csv.acc / G
    calibrations = [_lattice(acc_g[:, axis]) for axis in range(3)]
    counts = np.column_stack([c for _, _, c in calibrations])
    gain = tuple(float(g) for g, _, _ in calibrations)
    offset = tuple(float(o) for _, o, _ in calibrations)
    np.testing.assert_allclose(acc_g, (counts * 100.0 - np.array(offset)) / np.array(gain), atol=0.51e-4, rtol=0)
    assert counts[:, 0].min() == -2048 and counts[:, 0].max() == 2047
    jumps = np.flatnonzero(np.abs(np.diff(csv.t_s) - 0.02) > 0.0015) + 1
    assert jumps.size and (jumps % 300 == 0).all()
    assert csv.n_samples % 300 == 0
    local_start = np.datetime64(csv.meta.start_time_utc.rstrip("Z")) - np.timedelta64(4, "h")  # GMT -04
    page_times = [local_start + np.timedelta64(round(csv.t_s[i] * 1000), "ms") for i in range(0, csv.n_samples, 300)]
    path = samples.write_geneactiv_bin(tmp_path / "demo.bin", counts, page_times, 50.0, gain, offset)
    back = load_recording(path).session
    assert back.n_samples == csv.n_samples and back.meta.start_time_utc == csv.meta.start_time_utc
    np.testing.assert_allclose(back.t_s, csv.t_s, atol=0.0005 + 1e-6)
    np.testing.assert_allclose(back.acc, csv.acc, atol=0.51e-4 * G, rtol=0)


def test_a_megabyte_frequency_line_costs_no_more_than_its_bytes(tmp_path: Path) -> None:
    """Each page's frequency is read from its first characters: 200 pages with a 1 MB frequency line made an
    array of 200 fixed-width strings of 1 MB each (200 MB; a longer line or more pages, gigabytes)."""
    import tracemalloc

    from retrogait.imports import geneactiv_bin

    line = b"Measurement Frequency:100.0" + b"0" * 1_000_000
    starts, stops = np.zeros(200, dtype=np.int64), np.full(200, len(line), dtype=np.int64)
    tracemalloc.start()
    try:
        rates = geneactiv_bin._frequencies(line, starts, stops)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    assert rates.shape == (200,) and np.isfinite(rates).all()
    path = samples.geneactiv_bin(tmp_path / "rec.bin", rate_hz=100.0, pages=4)
    path.write_bytes(path.read_bytes().replace(b"Measurement Frequency:100.0", line))
    result = load_recording(path)
    assert result.session.n_samples == 1200 and result.session.meta.sample_rate_hz == 100.0


def test_millions_of_short_lines_are_refused_before_their_index_is_made(tmp_path: Path) -> None:
    """A page and then 2 M empty lines: the line index costs 24 bytes a line (48 MB here; a gigabyte of line ends
    would cost 24 GB), where a .bin's lines average ~380 bytes."""
    path = samples.geneactiv_bin(tmp_path / "rec.bin", pages=2)
    path.write_bytes(path.read_bytes() + b"\n" * 2_000_000)
    with pytest.raises(InputFileError, match=r"has 2,000,\d+ lines in 2,0\d\d,\d+ bytes: not a GENEActiv .bin"):
        load_recording(path)
