"""A recording's content digest, as ``analyze`` and ``compare`` identify a recording (EDGE-8, EDGE-32,
EDGE-41): in the imports package because it hashes what the readers read (a gzip unpacked, a zip no
format reads as it is unpacked), which only they know (ARCH-3)."""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from retrogait.recordings import CHUNK_BYTES, RECORDING_SUFFIXES, file_digest, is_recording_part

if TYPE_CHECKING:
    import zipfile


def recording_digest(path: Path) -> str:
    """``sha256:HEX``: the content of a recording as ``analyze`` and ``compare`` identify it (EDGE-8): a file's
    bytes (a zip as stored, a whole gzip file unpacked: EDGE-32), or for an export folder the names and bytes
    of the files in it that can hold a recording (:data:`RECORDING_SUFFIXES`; hidden ones left out: a video
    or audio file an app saved beside the sensor tables would be hashed while ``analyze`` waits, EDGE-20),
    so a copy of a recording, compressed or not, has the digest of its original. Raises OSError."""
    if not path.is_dir():
        return "sha256:" + (_unpacked_digest(path) or _zip_digest(path) or file_digest(path))
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if is_recording_part(p)):
        digest.update(f"{file.relative_to(path).as_posix()}\0{file_digest(file)}\n".encode())
    return "sha256:" + digest.hexdigest()


def _unpacked_digest(path: Path) -> str | None:
    """SHA-256 (hex) of the unpacked bytes of a whole gzip file, so ``run.csv.gz`` is the same recording as
    ``run.csv`` (EDGE-32); None for any other file, and for a .gz cut off or damaged (hashed as stored)."""
    import gzip
    import zlib

    with open(path, "rb") as fh:
        if fh.read(2) != b"\x1f\x8b":
            return None
    digest = hashlib.sha256()
    try:
        with gzip.open(path, "rb") as fh:
            while chunk := fh.read(CHUNK_BYTES):
                digest.update(chunk)
    except (EOFError, zlib.error, gzip.BadGzipFile):
        return None
    return digest.hexdigest()


def _zip_digest(path: Path) -> str | None:
    """SHA-256 (hex) of what a zip that no format reads as it is holds (EDGE-34 unpacks it; EDGE-41): of its one
    file's bytes, or hashed as the folder it unpacks to would be, so ``run.zip`` holding ``run.csv`` is the
    same recording as ``run.csv``. None for any other file, a zip a format reads as it is (its digest stays
    that of its bytes, as analyses made before this hold it), and a damaged zip."""
    import zipfile

    from retrogait.imports.limits import ZIP_ERRORS
    from retrogait.imports.registry import claimed
    from retrogait.imports.workbook import is_workbook
    from retrogait.imports.zipped import is_plain_zip, member_is_content

    if not is_plain_zip(path) or is_workbook(path) or claimed(path):  # a workbook is hashed as stored
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if member_is_content(i)]
            if len(infos) == 1:
                return _member_digest(archive, infos[0])
            parts = [PurePosixPath(i.filename).parts for i in infos]
            top = 1 if parts and all(len(p) > 1 and p[0] == parts[0][0] for p in parts) else 0
            digest = hashlib.sha256()
            for rel, info in sorted(zip(parts, infos, strict=True), key=lambda pair: pair[0]):
                name = PurePosixPath(*rel[top:])
                if name.suffix.lower() in RECORDING_SUFFIXES and not name.name.startswith("."):
                    digest.update(f"{name.as_posix()}\0{_member_digest(archive, info)}\n".encode())
            return digest.hexdigest()
    except ZIP_ERRORS:
        return None


def _member_digest(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """SHA-256 (hex) of one zip member's unpacked bytes, read in chunks."""
    digest = hashlib.sha256()
    with archive.open(info) as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()
