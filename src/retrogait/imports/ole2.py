"""The structure of an old binary Office file (``.xls``: an OLE2 compound document), checked before it is parsed.

A compound file is a FAT file system in one file: 512-byte (or 4096-byte) sectors, a table (the FAT) giving each
sector's next, and a directory naming each stream with its first sector and size ([MS-CFB]). A damaged file (bytes
inserted or lost, so that every sector after them is read shifted) can make a stream's chain of sectors run in a
loop or out of the file; python-calamine then grows its copy of the stream until the memory cap ends it: a damaged
80 KB ``.xls`` took 2 GiB and 5-14 s to be refused (EDGE-283). Here the header, the FAT and the chains of the
directory and of the workbook's stream are followed first (a few ms: one step a sector), and a file whose chains
loop, leave the file or hold less than their stream's declared size is refused in one line, before calamine.
"""

from __future__ import annotations

import struct

import numpy as np
from numpy.typing import NDArray

#: A chain's end, and the sector numbers that are no sector of a chain ([MS-CFB] 2.1).
END_OF_CHAIN = 0xFFFFFFFE
_SPECIAL = 0xFFFFFFFA
#: The header's own DIFAT entries, and its size.
_HEADER_DIFAT = 109
_HEADER_BYTES = 512
#: The streams python-calamine reads a workbook from (BIFF8 ``Workbook``, BIFF5 ``Book``).
WORKBOOK_STREAMS = ("Workbook", "Book")


class DamagedCompoundFile(ValueError):
    """The compound file's structure does not hold: the message says where."""


def check_compound_file(data: bytes) -> None:
    """Raise :class:`DamagedCompoundFile` where the compound file ``data`` (its bytes, the whole file) has a
    sector size other than 512 or 4096, a FAT or directory sector outside the file, a chain of sectors that
    loops or leaves the file, or a workbook stream (``Workbook``/``Book``) whose chain holds less than its declared
    size or whose size exceeds the file's."""
    if len(data) < _HEADER_BYTES:
        raise DamagedCompoundFile(f"its header is cut short ({len(data)} of {_HEADER_BYTES} bytes)")
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if shift not in (9, 12) or mini_shift != 6:
        raise DamagedCompoundFile(f"its sector size 2^{shift} is not 512 or 4096 bytes")
    size = 1 << shift
    n_fat, first_dir, _, cutoff, first_mini, n_mini, first_difat, _ = struct.unpack_from("<8I", data, 0x2C)
    sectors = (len(data) + size - 1) // size - 1  # after the header; a last sector cut short still counts

    def sector(index: int) -> bytes:
        return data[(index + 1) * size : (index + 2) * size]

    difat = list(struct.unpack_from(f"<{_HEADER_DIFAT}I", data, 0x4C))
    at, per = first_difat, size // 4 - 1
    seen: set[int] = set()
    # the DIFAT sectors beyond the header's 109 entries, each naming the next, to the chain's end as calamine follows
    # them (not the header's count, ``n_difat``): a loop is refused, and only the n_fat entries needed are kept
    # (REVIEW-256: a DIFAT sector naming itself took calamine to the 2 GiB cap; a count of 2**32 - 1 the check)
    while at < _SPECIAL:
        if at >= sectors:
            raise DamagedCompoundFile(f"its sector table's index points past the file's end (sector {at} of {sectors})")
        if at in seen:
            raise DamagedCompoundFile("its sector table's index (DIFAT) runs in a loop")
        seen.add(at)
        listed = struct.unpack(f"<{per + 1}I", sector(at).ljust(size, b"\xff"))
        if len(difat) < n_fat:
            difat.extend(listed[:per])
        at = listed[per]
    fat_sectors = difat[:n_fat]
    if len(fat_sectors) < n_fat or any(s >= sectors for s in fat_sectors):
        raise DamagedCompoundFile(f"its sector table ({n_fat} sectors) lies past the file's end ({sectors} sectors)")
    fat = np.frombuffer(b"".join(sector(s).ljust(size, b"\xff") for s in fat_sectors), dtype="<u4")
    directory = _chain(fat, first_dir, sectors, "directory")
    entries = b"".join(sector(s) for s in directory)
    mini_stream = np.zeros(0, dtype=np.int64)
    for offset in range(0, len(entries) - 127, 128):
        entry = entries[offset : offset + 128]
        name_bytes = min(struct.unpack_from("<H", entry, 64)[0], 64)
        name = entry[: max(name_bytes - 2, 0)].decode("utf-16-le", "replace")
        kind = entry[66]
        start, length = struct.unpack_from("<IQ", entry, 116)
        if shift == 9:  # version 3 files: the high half is not the size
            length &= 0xFFFFFFFF
        if kind == 5:  # the root: the mini stream, in sectors
            mini_stream = _chain(fat, start, sectors, "mini stream") if length else np.zeros(0, dtype=np.int64)
        if kind != 2 or name not in WORKBOOK_STREAMS:
            continue
        if length > len(data):
            raise DamagedCompoundFile(f"its stream '{name}' declares {length:,} bytes, more than the file's")
        if length >= cutoff:
            held = _chain(fat, start, sectors, f"stream '{name}'").size * size
        else:  # a small stream: in the mini stream, 64-byte sectors chained by the mini FAT
            minifat = np.frombuffer(
                b"".join(sector(s) for s in _chain(fat, first_mini, sectors, "mini sector table")[:n_mini]), "<u4"
            )
            held = _chain(minifat, start, int(mini_stream.size) * size // 64, f"stream '{name}'").size * 64
        if held < length:
            raise DamagedCompoundFile(f"its stream '{name}' declares {length:,} bytes, its sectors hold {held:,}")


def _chain(fat: NDArray[np.uint32], start: int, sectors: int, what: str) -> NDArray[np.int64]:
    """The sectors of the chain from ``start`` (``fat``: each sector's next); :class:`DamagedCompoundFile` where it
    leaves the ``sectors`` of the file or loops (more steps than sectors)."""
    out: list[int] = []
    at = start
    while at != END_OF_CHAIN:
        if at >= _SPECIAL or at >= sectors or at >= fat.size:
            raise DamagedCompoundFile(f"its {what}'s chain of sectors points past the file's end (sector {at:#x})")
        if len(out) >= sectors:
            raise DamagedCompoundFile(f"its {what}'s chain of sectors runs in a loop")
        out.append(at)
        at = int(fat[at])
    return np.array(out, dtype=np.int64)
