"""A zip archive or ``.xlsx`` workbook cut short (a download or copy interrupted, EDGE-173): it has no central
directory, so ``zipfile`` refuses it whole. Its members are read one after another from their local headers instead,
each inflated with zlib's streaming decompressor, up to the cut: the whole members are kept, the member cut is kept
up to its last whole row (a text's last line end, a sheet's last ``</row>``), and what came after it is lost. The
archive rebuilt so is read as any zip or workbook is, with the cut said in the report and the session header.
"""

from __future__ import annotations

import mmap
import re
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from retrogait.errors import InputFileError
from retrogait.imports.limits import MAX_UNPACKED_BYTES, CutShort, bomb_error, unpack_limit

_LOCAL = b"PK\x03\x04"
_CENTRAL_END = b"PK\x05\x06"
_DESCRIPTOR = b"PK\x07\x08"
_HEADER = struct.Struct("<4s5H3L2H")  # signature, version, flags, method, time, date, crc, sizes, name, extra
#: Packed bytes fed to the inflater at a time, and most unpacked bytes it gives back at a time.
_FEED_BYTES = 1 << 18
_OUT_BYTES = 1 << 22
_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: A zip's bytes: read (tests, the fuzzers) or mapped from its file (``rebuilt``: not read into memory).
Data = bytes | mmap.mmap


@dataclass(frozen=True)
class Member:
    """One member read from its local header: its name, the bytes unpacked, whether it ended before the cut."""

    name: str
    data: bytes
    whole: bool


def is_cut_zip(path: Path) -> bool:
    """Whether ``path`` is a file that starts as a zip archive (a local header) but has no end of its central
    directory: a zip or workbook cut short (a whole one, or any other file, is not)."""
    try:
        if not path.is_file():
            return False
        with open(path, "rb") as fh:
            if fh.read(4) != _LOCAL:
                return False
        return not zipfile.is_zipfile(path)
    except OSError:
        return False


def members_before_cut(data: Data, display: str) -> list[Member]:
    """The members of the zip ``data`` read sequentially from their local headers, up to and with the first that
    does not end (cut); each, and all together, within the unpacking limits (``limits.unpack_limit``).

    Raises:
        InputFileError: a member is encrypted, or unpacks beyond the limits.
    """
    found: list[Member] = []
    at, total = 0, 0
    while data[at : at + 4] == _LOCAL and at + _HEADER.size <= len(data):
        _, _, flags, method, _, _, _, packed, _, n_name, n_extra = _HEADER.unpack_from(data, at)
        start = at + _HEADER.size + n_name + n_extra
        if start > len(data):
            break
        raw_name = data[at + _HEADER.size : at + _HEADER.size + n_name]
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        if flags & 1:  # its bytes are ciphertext: no download mends it (REVIEW-14)
            raise InputFileError(f"{display}/{name}", "is encrypted (password-protected): export it without one")
        # over the packed bytes it can have: the header's size (none: in a descriptor, or zip64's) within those left
        there = len(data) - start if flags & 8 or packed == 0xFFFFFFFF else min(packed, len(data) - start)
        limit = min(unpack_limit(there), MAX_UNPACKED_BYTES - total)  # REVIEW-13
        if method == 0 and not flags & 8 and packed != 0xFFFFFFFF:  # stored, its size known
            content, end, whole = data[start : start + packed], start + packed, start + packed <= len(data)
        elif method == 0 and flags & 8:  # stored, its size in a descriptor after it (EDGE-182)
            content, end, whole = _stored_streamed(data, start)
        elif method == 8:
            content, end, whole = _inflated(data, start, limit, f"{display}/{name}")
        else:  # another method: where it ends is not known
            break
        if len(content) > limit:
            raise bomb_error(f"{display}/{name}", limit)
        found.append(Member(name, content, whole))
        total += len(content)
        if not whole:
            break
        at = _after_descriptor(data, end) if flags & 8 else end
    return found


def _inflated(data: Data, start: int, limit: int, display: str) -> tuple[bytes, int, bool]:
    """(unpacked bytes, the byte after the deflate stream, whether it ended) of the stream at ``start``."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pieces: list[bytes] = []
    got, fed = 0, start
    try:
        while fed < len(data) and not inflater.eof:
            pending = data[fed : fed + _FEED_BYTES]  # a copy: no view left on a mapped file
            fed += len(pending)
            while pending and not inflater.eof:
                piece = inflater.decompress(pending, _OUT_BYTES)
                got += len(piece)
                if got > limit:
                    raise bomb_error(display, limit)
                pieces.append(piece)
                pending = inflater.unconsumed_tail
    except zlib.error:  # damaged where it was cut: what came before is kept
        return b"".join(pieces), len(data), False
    end = fed - len(inflater.unused_data) if inflater.eof else len(data)
    return b"".join(pieces), end, inflater.eof


def _stored_streamed(data: Data, start: int) -> tuple[bytes, int, bool]:
    """(the bytes, the byte after them, whether they ended) of a stored member at ``start`` whose sizes follow it in a
    data descriptor (flag bit 3: Go's `archive/zip`, Python's `zipfile` writing to a stream): nothing in its header
    says where it ends, so it ends at the first descriptor signature after it whose CRC-32 is that of the bytes
    before it (and whose size, where it is there, their count, its low 4 bytes in a zip64 one: a signature's four
    bytes inside the data do not match). None so: :func:`_unmatched` (up to a signature whose CRC was cut: the
    descriptor's start, the member cut there)."""
    crc, done = 0, start
    at = data.find(_DESCRIPTOR, start)
    while at >= 0:
        crc = zlib.crc32(data[done:at], crc)  # the running CRC of the bytes up to this signature
        done = at
        if at + 8 > len(data):  # cut in this descriptor's CRC: the member may be whole, its check lost
            return data[start:at], at, False
        (said,) = struct.unpack_from("<L", data, at + 4)
        size_there = at + 12 <= len(data)
        if said == crc and (not size_there or struct.unpack_from("<L", data, at + 8)[0] == (at - start) & 0xFFFFFFFF):
            return data[start:at], at, True
        at = data.find(_DESCRIPTOR, at + 1)
    return _unmatched(data, start)


def _unmatched(data: Data, start: int) -> tuple[bytes, int, bool]:
    """(the bytes, the byte after them, whether they ended) of a stored member streamed at ``start`` with no
    descriptor signature whose CRC is its own after it: it ends before the next local header (or the central
    directory) where one follows, never taking that member's bytes as its own (REVIEW-29): whole at a descriptor
    written without its (optional) signature whose CRC and size are its bytes'; else damaged (its CRC differs): none
    of its bytes kept, read as cut there (the reading stops; a byte changed is not read as a value). No header after
    it: cut in it, its bytes up to the cut."""
    ends = [p for p in (data.find(_LOCAL, start), data.find(b"PK\x01\x02", start)) if p >= 0]
    if not ends:
        return data[start:], len(data), False
    header = min(ends)
    for size in (12, 20):  # a descriptor without its signature: CRC, then sizes of 4 or 8 bytes each
        at = header - size
        if at >= start:
            said, packed = struct.unpack_from("<2L", data, at)
            if said == zlib.crc32(data[start:at]) and packed == (at - start) & 0xFFFFFFFF:
                return data[start:at], at, True
    return b"", start, False


def _after_descriptor(data: Data, at: int) -> int:
    """The byte after the data descriptor at ``at`` (optional signature, CRC, sizes of 4 or 8 bytes each)."""
    at += 4 if data[at : at + 4] == _DESCRIPTOR else 0
    for after in (at + 12, at + 20):
        if data[after : after + 4] in (_LOCAL, b"PK\x01\x02", _CENTRAL_END) or after >= len(data):
            return after
    return at + 12


@contextmanager
def rebuilt(path: Path) -> Iterator[tuple[Path, CutShort]]:
    """The zip or workbook ``path`` cut short, rebuilt into a temporary folder (removed afterwards) from what it holds
    before the cut (:func:`members_before_cut`): ``(the rebuilt file, of the same name; the cut, in words)``.

    Raises:
        InputFileError: nothing usable remains (no whole member, nor a whole row of the one cut).
    """
    try:  # mapped, not read: only the members' bytes are held (EDGE-182)
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            size = len(data)
            members = members_before_cut(data, str(path))
    except (OSError, ValueError) as exc:  # ValueError: an empty file (is_cut_zip: never)
        raise InputFileError(path, f"cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    workbook = path.suffix.lower() in _WORKBOOK_SUFFIXES
    kept = [m for m in members if m.whole and not m.name.endswith("/")]
    cut = next((m for m in members if not m.whole), None)
    cut_kept, left_out = _whole_rows(cut, workbook) if cut is not None else (None, False)
    usable = [m for m in kept if not workbook or _SHEET.match(m.name)] + ([cut_kept] if cut_kept else [])
    if not any(m.data.strip() for m in usable):
        what = f"{size:,} bytes" + (f", in {cut.name}" if cut is not None else "")
        kind = "workbook" if workbook else "zip archive"
        raise InputFileError(
            path, f"is a {kind} cut short (after {what}) with no whole file or row before the cut: download it again"
        )
    files = [*kept, *([cut_kept] if cut_kept else [])]
    folder = Path(tempfile.mkdtemp(prefix="retrogait-cut-"))
    try:
        target = folder / path.name
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
            for member in files:
                archive.writestr(member.name, member.data)
            if workbook:
                _complete_workbook(archive, files)
        words = _words(size, kept, cut, cut_kept, left_out, "workbook" if workbook else "zip archive")
        yield target, CutShort(str(path), words, left_out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _whole_rows(member: Member, workbook: bool) -> tuple[Member | None, bool]:
    """The member cut, up to its last whole row (None: none whole), and whether a part row was left out."""
    if workbook and _SHEET.match(member.name):
        end = member.data.rfind(b"</row>")
        if end < 0:
            return None, bool(member.data)
        kept = member.data[: end + len(b"</row>")]
        return Member(member.name, kept + b"</sheetData></worksheet>", False), len(kept) < len(member.data)
    if workbook:
        return None, False
    end = member.data.rfind(b"\n") + 1
    if end == 0:
        return None, bool(member.data)
    return Member(member.name, member.data[:end], False), end < len(member.data)


def _complete_workbook(archive: zipfile.ZipFile, files: list[Member]) -> None:
    """Write the parts a workbook cut before them needs to be read (phyphox-android writes its sheets first, then
    the workbook, its relations and content types): the sheets named ``Sheet1``, ... as their names are lost."""
    names = {m.name.lower() for m in files}
    sheets = sorted((m.name for m in files if _SHEET.match(m.name)), key=lambda n: (len(n), n))
    if "xl/workbook.xml" in names and "xl/_rels/workbook.xml.rels" in names and "[content_types].xml" in names:
        return
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    listed = "".join(f'<sheet name="Sheet{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, len(sheets) + 1))
    targets = "".join(
        f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="{n.split("/", 1)[1]}"/>'
        for i, n in enumerate(sheets, 1)
    )
    sheet_kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    kinds = "".join(f'<Override PartName="/{n}" ContentType="{sheet_kind}"/>' for n in sheets)
    for name, text in (
        ("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>{listed}</sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{package}">{targets}</Relationships>'),
        (
            "_rels/.rels",
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        ),
        (
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{kinds}</Types>',
        ),
    ):
        if name.lower() not in names:
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + text)


def _words(
    size: int, kept: list[Member], cut: Member | None, cut_kept: Member | None, left_out: bool, kind: str
) -> str:
    """What was read of a zip (``kind``: "zip archive", "workbook") cut short, in words (no ``;``)."""
    shown = ", ".join(m.name for m in kept[:6]) + (", ..." if len(kept) > 6 else "")
    whole = f"{len(kept)} whole file{'s' if len(kept) != 1 else ''} ({shown})"
    words = f"{kind} cut short after {size:,} bytes (download interrupted?): {whole} read"
    if cut is not None and cut_kept is not None:
        rows = "rows" if not left_out else "rows (its unfinished last row left out)"
        words += f", {cut.name} cut after {len(cut.data):,} bytes unpacked: its whole {rows} read"
    elif cut is not None:
        words += f", {cut.name} cut with no whole row: left out"
    return (words + ", anything after the cut lost").replace(";", ",")  # the header joins several cuts with `;`
