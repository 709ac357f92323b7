"""A zip no format reads as it is (a phone's "share" zips one CSV, a Polar pair, a GENEActiv file, a Sensor
Logger folder): unpacked within the limits into a temporary folder, and what it holds read from there
(EDGE-34). Every message and the report name the zip and its members, never the temporary folder."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from retrogait.errors import InputFileError
from retrogait.imports.limits import MAX_UNPACKED_BYTES, ZIP_ERRORS, bomb_error, read_bounded, unpack_limit

#: Files a zip holds that are no one's recording: macOS "Compress" adds ``__MACOSX/`` and ``.DS_Store``.
_NOT_CONTENT = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


def is_plain_zip(path: Path) -> bool:
    """Whether ``path`` is a readable zip archive (a file: a folder or a damaged zip is not)."""
    try:
        return path.is_file() and zipfile.is_zipfile(path)
    except OSError:
        return False


def member_is_content(info: zipfile.ZipInfo) -> bool:
    """Whether a zip member is a file of the recording (not a folder, not macOS's or Windows' own files)."""
    name = info.filename
    return not info.is_dir() and not any(name.startswith(p) or name.rsplit("/", 1)[-1] == p for p in _NOT_CONTENT)


def _safe_parts(name: str) -> tuple[str, ...] | None:
    """The member's path parts when it stays inside the folder it is unpacked into (no ``..``, not absolute)."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not parts or parts[0] == "/" or ".." in parts or ":" in parts[0]:
        return None
    return parts


@contextmanager
def unpacked(path: Path) -> Iterator[tuple[Path, Path]]:
    """``path``'s zip unpacked into a temporary folder (removed afterwards): ``(what to read, the folder)``.
    What to read is the one file it holds, the one folder all its files are in, or the folder itself.

    Raises:
        InputFileError: the zip is damaged, holds no file, a member leaves its folder, or it unpacks to more
            than the limits allow (``limits.unpack_limit``: a decompression bomb).
    """
    folder = Path(tempfile.mkdtemp(prefix="retrogait-zip-"))
    try:
        _unpack(path, folder)
        yield _what_to_read(folder), folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _unpack(path: Path, folder: Path) -> None:
    """Write the content members of the zip ``path`` into ``folder``, each and all within the limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if member_is_content(i)]
            if not infos:
                raise InputFileError(path, "is an empty zip archive")
            total = 0
            for info in infos:
                parts = _safe_parts(info.filename)
                if parts is None:
                    raise InputFileError(path, f"member {info.filename!r} lies outside the zip's folder")
                limit = min(unpack_limit(info.compress_size), MAX_UNPACKED_BYTES - total)
                display = f"{path}/{info.filename}"
                if info.file_size > limit:
                    raise bomb_error(display, limit)
                with archive.open(info) as fh:
                    data = read_bounded(fh.read, limit, display)
                total += len(data)
                target = folder.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    except OSError as exc:  # before the zip's own errors, which include OSError
        raise InputFileError(path, f"cannot be unpacked ({exc.strerror or exc})") from None
    except ZIP_ERRORS as exc:
        raise InputFileError(path, f"is a damaged zip archive ({exc})") from None


def _what_to_read(folder: Path) -> Path:
    """The one file in ``folder`` (at any depth), else the deepest folder holding all its files."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    if len(files) == 1:
        return files[0]
    common = folder
    while True:
        children = list(common.iterdir())
        if len(children) == 1 and children[0].is_dir():
            common = children[0]
        else:
            return common


def in_zip_words(text: str, folder: Path, path: Path) -> str:
    """``text`` with the temporary ``folder`` named as the zip ``path`` it was unpacked from."""
    return text.replace(str(folder), str(path))
