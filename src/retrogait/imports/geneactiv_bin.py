"""GENEActiv's own raw file (``.bin``): what the device holds, before the PC software turns it into CSV.

Text throughout (ASCII, CRLF line ends; the GENEActiv instruction manual, "Decoding .bin files"; the layout
GENEAread, GGIR, actipy and other readers agree on). A header of ``Key:Value`` lines in sections
(``Device Identity`` first, ``Device Unique Serial Code``, ``Device Model``, ``Measurement Frequency:50 Hz``,
``Time Zone:GMT -05:00``, ``Device Location Code``, ``Calibration Data`` with ``x gain``/``x offset`` ... ``z
offset``, ``Memory Status`` with ``Number of Pages``), then pages of 10 lines each::

    Recorded Data
    Device Unique Serial Code:101774
    Sequence Number:0
    Page Time:2024-01-11 15:35:31:000        (local wall clock, of the page's first sample)
    Unassigned:
    Temperature:37.2
    Battery voltage:4.1400
    Device Status:Recording
    Measurement Frequency:50.0
    <3600 hex digits: 300 samples of 12 digits = 48 bits: x, y, z 12-bit two's complement,
     light 10 bits, button 1 bit, 1 bit reserved>

Calibrated acceleration (g) = (count * 100 - offset) / gain, per axis. Sample ``i`` of a page is at its
``Page Time + i / Measurement Frequency``; a page missing leaves a gap (nothing is invented).
Decoded with numpy on the hex digits of many pages at once.
"""

from __future__ import annotations

import binascii
import math
import re
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from retrogait.errors import InputFileError
from retrogait.imports.base import ImportOptions, ImportReport, ImportResult
from retrogait.imports.common import ACC_TO_MS2, FloatArray, Source, Stream, clean_rows, head_bytes
from retrogait.imports.geneactiv_common import finish_geneactiv, on_recording_time_line, stamps_s
from retrogait.imports.limits import note_cut_short
from retrogait.imports.part import Part, empty_part

#: Samples in one page, hex digits per sample, hex digits in one page's data line.
SAMPLES_PER_PAGE = 300
DIGITS_PER_SAMPLE = 12
PAGE_DIGITS = SAMPLES_PER_PAGE * DIGITS_PER_SAMPLE
#: Lines of a page: 9 of its header, then its data line.
PAGE_LINES = 10
#: Pages decoded at once (bounds the copies of their digits: ~15 MB).
_CHUNK_PAGES = 4096
#: Bytes scanned for line ends at once (bounds the temporary masks).
_SCAN_BYTES = 64 * 1024**2
#: A .bin's lines average ~380 bytes (a page: 10 lines, ~3,800 bytes); a file of much shorter ones is none.
MIN_BYTES_PER_LINE = 64
_RECORDED = b"Recorded Data"
_PAGE_TIME = b"Page Time:"
_FREQUENCY = b"Measurement Frequency:"
_CALIBRATION = tuple(f"{axis} {what}" for axis in "xyz" for what in ("gain", "offset"))

#: Hex digit value of each byte; 255 for a byte that is no hex digit.
_HEX = np.full(256, 255, dtype=np.uint8)
_HEX[np.frombuffer(b"0123456789", dtype=np.uint8)] = np.arange(10)
_HEX[np.frombuffer(b"ABCDEF", dtype=np.uint8)] = np.arange(10, 16)
_HEX[np.frombuffer(b"abcdef", dtype=np.uint8)] = np.arange(10, 16)


def is_bin(head: bytes) -> bool:
    """Whether a file's first bytes are a GENEActiv ``.bin`` header (``Device Identity`` then the serial)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"Device Identity") and b"Device Unique Serial Code:" in text[:512]


def sniff(path: Path) -> float:
    return 0.95 if is_bin(head_bytes(path, 1024)) else 0.0


def header_of(data: bytes) -> dict[str, str]:
    """The ``Key:Value`` lines of the header (before the first page), first of each key kept."""
    header: dict[str, str] = {}
    for line in re.split(rb"\r\n|\r|\n", data):
        key, sep, value = line.decode("latin-1").partition(":")
        if sep and key.strip() and key.strip() not in header:
            header[key.strip()] = value.strip()
    return header


def calibration(header: dict[str, str], display: str) -> tuple[FloatArray, FloatArray]:
    """(gain, offset) of x, y, z from the header's ``Calibration Data``; refused when missing or unusable."""
    missing = [key for key in _CALIBRATION if not header.get(key)]
    if missing:
        raise InputFileError(
            display,
            f"GENEActiv .bin header has no calibration ({', '.join(missing)} missing): its counts cannot be "
            "turned into g; extract the file again with the GENEActiv software",
        )
    try:
        values = np.array([float(header[key]) for key in _CALIBRATION]).reshape(3, 2)
    except ValueError:
        shown = ", ".join(f"{key}:{header[key]}" for key in _CALIBRATION)
        raise InputFileError(display, f"GENEActiv .bin calibration is not numbers ({shown})") from None
    gain, offset = values[:, 0], values[:, 1]
    if not (np.isfinite(values).all() and (gain != 0).all()):
        shown = ", ".join(f"{key}:{header[key]}" for key in _CALIBRATION)
        raise InputFileError(display, f"GENEActiv .bin calibration has a zero or infinite gain ({shown})")
    return gain, offset


def _line_bounds(buf: NDArray[np.uint8], display: str) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(start, end) of every line of ``buf`` (end excludes ``\\n`` and a ``\\r`` before it, or a lone ``\\r``),
    scanned in chunks so that no mask as large as the file is made (a week at 100 Hz is ~1 GB of text). More lines
    than :data:`MIN_BYTES_PER_LINE` allows are refused before the index (24 bytes a line) is made."""
    newline = 10 if 10 in buf[:65536] or 13 not in buf[:65536] else 13  # LF or CRLF; CR alone, as old Macs save
    count = sum(int(np.count_nonzero(buf[i : i + _SCAN_BYTES] == newline)) for i in range(0, buf.size, _SCAN_BYTES))
    if count > buf.size // MIN_BYTES_PER_LINE + 1024:
        raise InputFileError(
            display,
            f"has {count:,} lines in {buf.size:,} bytes: not a GENEActiv .bin (its pages are 10 lines of ~3,800 bytes)",
        )
    ends = [np.flatnonzero(buf[i : i + _SCAN_BYTES] == newline) + i for i in range(0, buf.size, _SCAN_BYTES)]
    newlines = np.concatenate([*ends, np.zeros(0, dtype=np.int64)]).astype(np.int64)
    if newlines.size == 0 or newlines[-1] != buf.size - 1:
        newlines = np.append(newlines, buf.size)
    starts = np.concatenate([[0], newlines[:-1] + 1]).astype(np.int64)
    stops = newlines.copy()
    has_cr = (stops > starts) & (buf[np.maximum(stops - 1, 0)] == 13)
    stops[has_cr] -= 1
    return starts, stops


def _starts_with(
    buf: NDArray[np.uint8], starts: NDArray[np.int64], lengths: NDArray[np.int64], text: bytes
) -> NDArray[np.bool_]:
    """Whether each line (``starts``, ``lengths``) begins with ``text``."""
    out = lengths >= len(text)
    idx = np.flatnonzero(out)
    block = buf[starts[idx, None] + np.arange(len(text))]
    out[idx] = (block == np.frombuffer(text, dtype=np.uint8)).all(axis=1)
    return out


def _frequencies(data: bytes, starts: NDArray[np.int64], stops: NDArray[np.int64]) -> FloatArray:
    """The number after ``Measurement Frequency:`` on each of the lines (Hz); NaN where there is none."""
    skip = len(_FREQUENCY)  # at most 32 characters of each (a number): a damaged line may be megabytes long
    texts = np.array(
        [data[a + skip : min(b, a + skip + 32)] for a, b in zip(starts.tolist(), stops.tolist(), strict=True)]
    )
    if texts.size == 0:
        return np.zeros(0)
    unique, inverse = np.unique(texts, return_inverse=True)  # one or a few distinct lines in a whole file

    def number(text: bytes) -> float:
        match = re.match(rb"\s*([0-9]+(?:\.[0-9]*)?)", text)
        value = float(match.group(1)) if match else math.nan
        return value if value > 0 else math.nan

    return np.array([number(bytes(u)) for u in unique])[inverse.ravel()]


def _orphan_data_lines(
    lengths: NDArray[np.int64], recorded: NDArray[np.int64], data_line: NDArray[np.int64], good: NDArray[np.bool_]
) -> int:
    """Data lines (3600 characters) that belong to no page: not a readable page's own, nor the first one after a
    page that could not be read (that page's own, counted with it). A page whose ``Recorded Data`` line is
    damaged leaves its data line here: counted, not lost without a word."""
    lines = np.flatnonzero(lengths == PAGE_DIGITS)
    owner = np.searchsorted(recorded, lines, side="right") - 1  # the page header above each (-1: none)
    page_good = np.zeros(recorded.size, dtype=bool)
    page_good[: good.size] = good
    own = np.isin(lines, data_line[good])
    after_bad = np.flatnonzero((owner >= 0) & ~page_good[np.maximum(owner, 0)])
    _, first = np.unique(owner[after_bad], return_index=True)
    own[after_bad[first]] = True
    return int(np.count_nonzero(~own))


def _decode(data: bytes, hex_starts: NDArray[np.int64]) -> tuple[NDArray[np.int16], NDArray[np.bool_]]:
    """The x, y, z counts of each page's samples, shape (pages, 300, 3), and whether each page's data line is all
    hex digits (a page with any other byte is not decoded). The digits of a block of pages are joined and
    unhexed by ``binascii`` (6 bytes a sample), the 12-bit fields taken out with numpy."""
    counts = np.zeros((hex_starts.size, SAMPLES_PER_PAGE, 3), dtype=np.int16)
    ok = np.ones(hex_starts.size, dtype=bool)
    for first in range(0, hex_starts.size, _CHUNK_PAGES):
        chunk = hex_starts[first : first + _CHUNK_PAGES].tolist()
        text = b"".join([data[start : start + PAGE_DIGITS] for start in chunk])
        try:
            raw = binascii.a2b_hex(text)
        except (binascii.Error, ValueError):  # a page holds a byte that is no hex digit: find which, skip them
            digits = np.frombuffer(text, dtype=np.uint8).reshape(len(chunk), PAGE_DIGITS)
            sound = (_HEX[digits] != 255).all(axis=1)
            ok[first : first + len(chunk)] = sound
            digits = digits.copy()
            digits[~sound] = ord("0")
            raw = binascii.a2b_hex(digits.tobytes())
        b = np.frombuffer(raw, dtype=np.uint8).reshape(len(chunk), SAMPLES_PER_PAGE, 6).astype(np.int16)
        out = counts[first : first + len(chunk)]
        out[..., 0] = (b[..., 0] << 4) | (b[..., 1] >> 4)
        out[..., 1] = ((b[..., 1] & 15) << 8) | b[..., 2]
        out[..., 2] = (b[..., 3] << 4) | (b[..., 4] >> 4)
        out -= (out >= 2048).astype(np.int16) << 12  # 12-bit two's complement
    return counts, ok


def read(path: Path, options: ImportOptions) -> ImportResult:
    """A GENEActiv ``.bin`` as a session: acceleration in m/s^2 (gravity included), no gyroscope; the header's
    device, location code, rate and time zone (the start as UTC) as the CSV export's reader carries them.

    With ``options.part_s`` only the pages of that part are decoded (a day of a week in a day's memory, LONG-2):
    the session holds the part's samples on the recording's time line (0 at its first sample, whose time the
    header's start stays) and says the part (``import_part_s``); what the import infers (the rate measured, the
    resolution) comes from the part."""
    acc, report, header, origin = _read_pages(path, options.part_s)
    result = finish_geneactiv(path, acc, header, options, report)
    if origin is None or options.part_s is None:
        return result
    return on_recording_time_line(result, acc.t_s, origin, options.part_s)


def _part_pages(
    page_t: FloatArray, frequency: FloatArray, sound: NDArray[np.bool_], part_s: Part
) -> tuple[NDArray[np.bool_], int, float, float, float] | None:
    """The pages that hold samples of ``part_s`` (True), the recording's first sound page, its time and the part's
    bounds on the device's clock (s); None where no page is sound."""
    first = np.flatnonzero(sound)
    if not first.size:
        return None
    origin = float(page_t[first[0]])
    start, end = part_s
    lo, hi = origin + (start or 0.0), origin + end if end is not None else math.inf
    with np.errstate(invalid="ignore"):
        outside = (page_t + SAMPLES_PER_PAGE / frequency <= lo) | (page_t >= hi)  # NaN: not outside (read, as now)
    return ~outside, int(first[0]), origin, lo, hi


def _read_pages(path: Path, part_s: Part | None = None) -> tuple[Stream, ImportReport, dict[str, str], float | None]:
    """The acceleration (m/s^2; seconds of the device's wall clock) of a GENEActiv ``.bin``, the report (pages
    that cannot be read dropped and counted in samples; a file cut short noted), its header, and with ``part_s``
    the time of the recording's first sample (None: the whole was read; the loader cuts the part)."""
    display = str(path)
    data = Source(display, path=path).read_bytes()  # a .gz, a zip member or UTF-16 text as any reader gets it
    if not is_bin(data[:1024]):
        raise InputFileError(path, "is not a GENEActiv .bin file (its first line must be 'Device Identity')")
    buf = np.frombuffer(data, dtype=np.uint8)
    starts, stops = _line_bounds(buf, display)
    lengths = stops - starts
    n_lines = starts.size
    recorded = np.flatnonzero(_starts_with(buf, starts, lengths, _RECORDED))
    if recorded.size == 0:
        raise InputFileError(
            path, f"holds no GENEActiv data page ('Recorded Data'): the file ends after {n_lines} lines of its header"
        )
    header = header_of(data[: int(starts[recorded[0]])])
    gain, offset = calibration(header, display)
    report = ImportReport(format="geneactiv", files=[display])
    # a page: "Recorded Data", 8 lines, its 3600 hex digits (the last page may be cut off before its end)
    whole = recorded[recorded + PAGE_LINES - 1 < n_lines]
    data_line, time_line, frequency_line = whole + PAGE_LINES - 1, whole + 3, whole + 8
    shaped = (
        (lengths[data_line] == PAGE_DIGITS)
        & _starts_with(buf, starts[time_line], lengths[time_line], _PAGE_TIME)
        & _starts_with(buf, starts[frequency_line], lengths[frequency_line], _FREQUENCY)
    )
    page_t = np.full(whole.size, np.nan)
    page_t[shaped] = stamps_s(buf, starts[time_line[shaped]] + len(_PAGE_TIME), b"\r\n")
    frequency = np.full(whole.size, np.nan)
    frequency[shaped] = _frequencies(data, starts[frequency_line[shaped]], stops[frequency_line[shaped]])
    wanted = np.ones(whole.size, dtype=bool)
    pages = None if part_s is None else _part_pages(page_t, frequency, shaped & np.isfinite(frequency), part_s)
    decode = shaped.copy()
    if pages is not None:  # a part: the pages outside it are not decoded (nor counted: not read, not lost)
        wanted, first_page = pages[0], pages[1]
        decode &= wanted
        decode[first_page] = True  # decoded to know it for the recording's first sample
    counts, hex_ok = _decode(data, starts[data_line[decode]])
    good = np.zeros(whole.size, dtype=bool)
    good[decode] = hex_ok
    good[shaped & ~decode] = True
    good &= np.isfinite(page_t) & np.isfinite(frequency)
    if pages is not None and not good[first_page]:  # the first page unreadable: the whole is read, then cut
        return _read_pages(path, None)
    # cut short: the last page's header lines, or its data line, end with the file
    cut_in_header = recorded.size > whole.size
    cut_in_data = (
        not cut_in_header and not good[-1] and data_line[-1] == n_lines - 1 and lengths[data_line[-1]] < PAGE_DIGITS
    )
    orphans = _orphan_data_lines(lengths, recorded, data_line, good)
    bad = int(np.count_nonzero(~good)) - int(cut_in_data) + orphans
    report.drop("bad_page_samples", SAMPLES_PER_PAGE * bad)
    if bad:
        report.notes.append(
            f"{bad} page(s) not read (a damaged page header, or data that is not hex digits): a gap each"
        )
    stated_pages = re.match(r"\s*(\d+)", header.get("Number of Pages", ""))
    stated = int(stated_pages.group(1)) if stated_pages else None
    of = f" of the {stated:,} its header states" if stated else ""
    if cut_in_header or cut_in_data:
        report.drop("last_page_cut_short", int(lengths[data_line[-1]]) // DIGITS_PER_SAMPLE if cut_in_data else 0)
        read = recorded.size - 1
        note_cut_short(
            display, f"the file ends inside page {recorded.size:,}{of}: the {read:,} pages before it were read", False
        )
    elif stated is not None and recorded.size < stated:
        note_cut_short(display, f"the file ends after page {recorded.size:,}{of}: those were read", False)
    keep = np.flatnonzero(good & wanted)
    if keep.size == 0 and pages is not None:
        ends = page_t + SAMPLES_PER_PAGE / frequency
        lasts = float(np.nanmax(ends[shaped])) - pages[2]
        raise empty_part(str(path), part_s or (None, None), lasts)
    if keep.size == 0:
        if (cut_in_header or cut_in_data) and recorded.size == 1:
            raise InputFileError(path, "is cut off inside its first GENEActiv page: no whole page to read")
        raise InputFileError(path, f"holds no readable GENEActiv page ({recorded.size} found, none whole and sound)")
    del data, buf  # the text is done with: a week of it is ~1 GB
    t = (page_t[keep, None] + np.arange(SAMPLES_PER_PAGE) / frequency[keep, None]).ravel()
    decoded = (good & wanted)[decode]
    xyz = (counts if decoded.all() else counts[decoded]).reshape(-1, 3).astype(np.float64)
    del counts
    xyz *= 100.0
    xyz -= offset
    xyz *= ACC_TO_MS2["g"] / gain
    report.rows_read = t.size + report.dropped_total
    t, xyz = clean_rows(t, xyz, report, "acc")
    if pages is None:
        return Stream(t, xyz), report, header, None
    start, end = part_s or (None, None)
    since = t - pages[2]  # as the whole reading's times are made (finish: from the first sample), compared alike
    inside = (since >= (start or 0.0)) & (since < (end if end is not None else math.inf))
    if np.count_nonzero(inside) < 2:
        raise empty_part(str(path), part_s or (None, None))
    return Stream(t[inside], xyz[inside]), report, header, pages[2]
