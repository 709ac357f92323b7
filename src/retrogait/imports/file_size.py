"""What a recording file's size says of it before it is read, and the refusal of one too long to analyse in the
memory available (LONG-2; the memory budget itself is ``retrogait.memory``)."""

from __future__ import annotations

import os
import re
import zlib
from pathlib import Path
from typing import NamedTuple

from retrogait.imports.geneactiv_bin import is_bin
from retrogait.imports.part import Part
from retrogait.memory import (
    ANALYSIS_BYTES_PER_SAMPLE,
    ANALYSIS_INSTEAD,
    BIN_READ_BYTES_PER_SAMPLE,
    BIN_TEXT_BYTES_PER_SAMPLE,
    GENEACTIV_CSV_ANALYSIS_BYTES_PER_SAMPLE,
    READ_BYTES_PER_SAMPLE,
    WHOLE_INSTEAD,
    check_fits,
)

#: Files smaller than this (bytes) are never estimated: they fit anywhere.
CHECK_FROM_BYTES = 64 * 1024**2
#: Bytes of the start of a text file whose lines give its bytes per line.
_HEAD_BYTES = 1024**2
#: A GENEActiv .bin spends ~3,800 bytes on a page of 300 samples.
_BIN_BYTES_PER_SAMPLE = 3800 / 300


class Estimate(NamedTuple):
    """What a file's size says of it: about ``n`` samples at ``rate_hz`` (None: not said), ``bytes_per_sample`` to
    read them, and whether its reader can read a part of it alone (a GENEActiv ``.bin``, page by page; a session
    file or GENEActiv CSV, its rows found by their time: LONG-6)."""

    n: int
    rate_hz: float | None
    bytes_per_sample: int
    reads_part: bool
    #: Peak bytes a sample of analysing it whole (reading included).
    analysis_bytes_per_sample: int = ANALYSIS_BYTES_PER_SAMPLE

    def read_bytes(self, part_s: Part | None = None) -> int:
        """The memory (bytes) reading it takes, or reading ``part_s`` of it ((start, end) s)."""
        if part_s is None or not self.reads_part or not self.rate_hz:
            return self.n * self.bytes_per_sample
        start, end = part_s
        span = (end if end is not None else self.n / self.rate_hz) - (start or 0.0)  # open: to its end
        part_n = min(self.n, max(int(span * self.rate_hz) + 1, 0))
        return self.n * self.whole_text_bytes + part_n * self.bytes_per_sample

    @property
    def whole_text_bytes(self) -> int:
        """Bytes a sample of the file that reading a part holds beside the part: a ``.bin``'s text and lines'
        bounds (read whole); none for a text table (only the part's bytes are read, LONG-6)."""
        return BIN_TEXT_BYTES_PER_SAMPLE if self.bytes_per_sample == BIN_READ_BYTES_PER_SAMPLE else 0


def estimated_samples(path: str | os.PathLike[str], any_size: bool = False) -> Estimate | None:
    """What a recording file's size says of it (:class:`Estimate`: a GENEActiv ``.bin`` by its pages, its rate from
    its header; a text table by its bytes per line at the start); None for folders, archives, compressed files and
    files under CHECK_FROM_BYTES unless ``any_size`` (those are checked by their real count once read)."""
    file = Path(path)
    try:
        if not file.is_file() or (file.stat().st_size < CHECK_FROM_BYTES and not any_size):
            return None
        size = file.stat().st_size
        with open(file, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return None
    if head[:2] == b"\x1f\x8b" or head[:4] == b"PK\x03\x04":
        return None
    if is_bin(head):
        rate = re.search(rb"Measurement Frequency:\s*([0-9.]+)", head)
        stated = float(rate.group(1)) if rate else None
        return Estimate(int(size / _BIN_BYTES_PER_SAMPLE), stated, BIN_READ_BYTES_PER_SAMPLE, True)
    lines = max(head.count(b"\n"), head.count(b"\r"))  # LF, CRLF or CR alone (an old GENEActiv export)
    if lines < 100:  # not a table of short lines (JSON, a workbook): read and checked by its count
        return None
    said = re.search(rb"^# sample_rate_hz: *([0-9.]+)", head, re.MULTILINE)  # a session file's header
    said = said or _GENEACTIV_RATE.search(head)  # a GENEActiv CSV's
    rate_hz = float(said.group(1)) if said else None
    n, part = int(size / (len(head) / lines)), reads_text_part(head)
    geneactiv = _geneactiv_csv(head)
    analysis = GENEACTIV_CSV_ANALYSIS_BYTES_PER_SAMPLE if geneactiv else ANALYSIS_BYTES_PER_SAMPLE
    return Estimate(n, rate_hz, READ_BYTES_PER_SAMPLE, part, analysis)


def gzip_estimate(path: str | os.PathLike[str]) -> Estimate | None:
    """What a gzip-compressed text table's size says of it (LONG-7): its first MiB unpacked gives its bytes per line
    and how much the text is packed; None for other files and files under CHECK_FROM_BYTES."""
    file = Path(path)
    try:
        size = file.stat().st_size if file.is_file() else 0
        if size < CHECK_FROM_BYTES:
            return None
        with open(file, "rb") as handle:
            packed = handle.read(_HEAD_BYTES)
            if packed[:2] != b"\x1f\x8b":
                return None
            unpack = zlib.decompressobj(16 + zlib.MAX_WBITS)
            head = unpack.decompress(packed, _HEAD_BYTES)
            while len(head) < _HEAD_BYTES and not unpack.eof and (more := handle.read(_HEAD_BYTES)):
                packed += more
                head += unpack.decompress(unpack.unconsumed_tail + more, _HEAD_BYTES - len(head))
    except (OSError, zlib.error):
        return None
    used = len(packed) - len(unpack.unconsumed_tail) - len(unpack.unused_data)
    lines = max(head.count(b"\n"), head.count(b"\r"))
    if lines < 100 or used <= 0:
        return None
    said = re.search(rb"^# sample_rate_hz: *([0-9.]+)", head, re.MULTILINE)
    said = said or _GENEACTIV_RATE.search(head)
    unpacked = size * len(head) / used
    analysis = GENEACTIV_CSV_ANALYSIS_BYTES_PER_SAMPLE if _geneactiv_csv(head) else ANALYSIS_BYTES_PER_SAMPLE
    rate_hz = float(said.group(1)) if said else None
    return Estimate(int(unpacked / (len(head) / lines)), rate_hz, READ_BYTES_PER_SAMPLE, False, analysis)


def reads_text_part(head: bytes) -> bool:
    """Whether a text file starting with ``head`` is read a part at a time (LONG-6): a native session file or a
    GENEActiv CSV export, plain UTF-8 (its rows found by their time; not UTF-16, not compressed: LONG-7)."""
    return head.removeprefix(b"\xef\xbb\xbf").startswith(b"# retrogait-session") or _geneactiv_csv(head)


#: A GENEActiv CSV's stated rate; ``;`` where a spreadsheet in a decimal-comma locale saved it again (EDGE-119).
_GENEACTIV_RATE = re.compile(rb"(?:^|\r)Measurement Frequency[,;]\s*([0-9.]+)", re.MULTILINE)


def _geneactiv_csv(head: bytes) -> bool:
    """Whether ``head`` starts a GENEActiv CSV export, ``,`` or ``;`` between its fields (EDGE-119), as its reader
    sniffs it."""
    return head.removeprefix(b"\xef\xbb\xbf").startswith((b"Device Type,GENEActiv", b"Device Type;GENEActiv"))


def analysis_fits(path: str | os.PathLike[str]) -> None:
    """Refuse, before it is read, a file whose size says it is too long to analyse in the memory available."""
    estimate = estimated_samples(path)
    if estimate is not None:
        instead = ANALYSIS_INSTEAD if estimate.reads_part else WHOLE_INSTEAD
        check_fits(path, estimate.n, estimate.rate_hz, estimate.analysis_bytes_per_sample, "analyse", instead, True)
