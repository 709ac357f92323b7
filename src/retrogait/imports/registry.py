"""The list of supported formats and automatic detection.

Adding a format = one module with a ``FORMAT = ImportFormat(...)`` and one line in ``app_formats.APP_FORMATS``.
"""

from __future__ import annotations

from pathlib import Path

from retrogait.errors import InputFileError, RetrogaitError
from retrogait.imports import generic_csv
from retrogait.imports.app_formats import APP_FORMATS, format_names, not_read_hint
from retrogait.imports.base import ImportFormat

FORMATS: tuple[ImportFormat, ...] = (*APP_FORMATS, generic_csv.FORMAT)

#: Below this sniff confidence a file is "unknown format".
MIN_CONFIDENCE = 0.5


def get_format(name: str) -> ImportFormat:
    """The format called ``name`` (also accepts ``-`` for ``_`` and any case)."""
    key = name.strip().lower().replace("-", "_")
    aliases = {"generic": "generic_csv", "polar": "polar_logger", "physicstoolbox": "physics_toolbox"}
    key = aliases.get(key, key)
    for fmt in FORMATS:
        if fmt.name == key:
            return fmt
    raise RetrogaitError(f"unknown format {name!r}; supported formats: {', '.join(format_names())}")


def detect_format(path: Path) -> ImportFormat:
    """The format whose sniffer is most confident about ``path``.

    Raises:
        InputFileError: the path does not exist, is empty, or no format recognises it (the message
            lists the supported formats and the generic CSV mapping flags).
    """
    if not path.exists():
        raise InputFileError(path, "no such file or folder")
    if not path.is_file() and not path.is_dir():  # opening a pipe without a writer would wait for ever
        raise InputFileError(
            path, "is a pipe or a device, not a file (e.g. <(zcat ...)): a recording is read more than once; save it"
        )
    if path.is_file():  # the sniffers take an unreadable file for an unknown format
        try:
            with path.open("rb") as fh:
                fh.read(1)
        except OSError as exc:
            raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    if path.is_file() and path.stat().st_size == 0:
        raise InputFileError(path, "is empty")
    if path.is_dir() and not any(p.is_file() for p in path.iterdir()):
        folders = sorted(p.name for p in path.iterdir() if p.is_dir())
        if folders:
            shown = ", ".join(folders[:5]) + (", ..." if len(folders) > 5 else "")
            raise InputFileError(
                path, f"holds folders ({shown}) but no recording file; give one, or `retrogait batch` the whole tree"
            )
        raise InputFileError(path, "is an empty folder: no recording in it")
    utf16 = path.is_file() and generic_csv.utf16_encoding(_head(path, unpacked=True)) is not None
    # UTF-16 text (a spreadsheet's "Unicode text"): only the generic reader decodes it; the app readers read
    # UTF-8 and would take it for their own export, then fail on it
    scores = [
        (_safe_sniff(fmt, path) if fmt is generic_csv.FORMAT or not utf16 else 0.0, i) for i, fmt in enumerate(FORMATS)
    ]
    best, index = max(scores, key=lambda s: (s[0], -s[1]))
    if best < MIN_CONFIDENCE:
        what = "folder" if path.is_dir() else "file"
        if path.is_file():
            head = _head(path)
            if not head.strip():
                raise InputFileError(path, "is empty (blank lines only)")
            if not head.startswith((b"\x1f\x8b", b"PK")) and head.count(b"\x00") > 0.6 * len(head):  # not UTF-16
                raise InputFileError(path, "is a binary file, not a table of numbers nor a known export")
        zip_problem = _zip_problem(path)
        if zip_problem:  # the reader options only help with a zip that holds tables
            hint = f"; {not_read_hint()}" if zip_problem.startswith("is a zip archive holding") else ""
            raise InputFileError(path, zip_problem + hint)
        raise InputFileError(
            path, f"format not recognised (not a table of numbers nor a known {what}); {not_read_hint()}"
        )
    return FORMATS[index]


def _head(path: Path, unpacked: bool = False) -> bytes:
    """The first 64 KiB of ``path`` (``unpacked``: of its text when gzip-compressed), or ``b"x"`` unreadable."""
    try:
        if unpacked:
            from retrogait.imports.common import head_bytes

            return head_bytes(path)
        with open(path, "rb") as fh:
            return fh.read(65536)
    except (OSError, RetrogaitError, EOFError, ValueError):
        return b"x"


def _zip_problem(path: Path) -> str | None:
    """Why a zip archive that no format recognised was not read (None when ``path`` is no zip): a zip cut
    short (its directory is at the end), an empty one, or one holding no known export."""
    import zipfile

    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError:
        return None
    if magic not in (b"PK\x03\x04", b"PK\x05\x06") and path.suffix.lower() != ".zip":
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
        return "is a damaged zip archive (cut short while copying or downloading?): copy or download it again"
    if not names:
        return "is an empty zip archive"
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    return f"is a zip archive holding no export a format knows (files: {shown})"


def _safe_sniff(fmt: ImportFormat, path: Path) -> float:
    try:
        return float(fmt.sniff(path))
    except (OSError, ValueError, UnicodeError, RetrogaitError):
        return 0.0
