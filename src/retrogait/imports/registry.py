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
    if path.is_file() and path.stat().st_size == 0:
        raise InputFileError(path, "is empty")
    if path.is_dir() and not any(p.is_file() for p in path.iterdir()):
        raise InputFileError(path, "is an empty folder: no recording in it")
    scores = [(_safe_sniff(fmt, path), i) for i, fmt in enumerate(FORMATS)]
    best, index = max(scores, key=lambda s: (s[0], -s[1]))
    if best < MIN_CONFIDENCE:
        what = "folder" if path.is_dir() else "file"
        raise InputFileError(
            path, f"format not recognised (not a table of numbers nor a known {what}); {not_read_hint()}"
        )
    return FORMATS[index]


def _safe_sniff(fmt: ImportFormat, path: Path) -> float:
    try:
        return float(fmt.sniff(path))
    except (OSError, ValueError, UnicodeError, RetrogaitError):
        return 0.0
