"""The list of supported formats and automatic detection.

Adding a format = one module with a ``FORMAT = ImportFormat(...)`` and one line in ``app_formats.APP_FORMATS``.
"""

from __future__ import annotations

from pathlib import Path

from retrogait.errors import InputFileError, RetrogaitError
from retrogait.imports import generic_csv
from retrogait.imports.app_formats import APP_FORMATS, format_names
from retrogait.imports.base import ImportFormat, format_key
from retrogait.imports.diagnose import refuse_analysis_output, refuse_unreadable, refuse_unrecognised
from retrogait.recordings import written_beside

FORMATS: tuple[ImportFormat, ...] = (*APP_FORMATS, generic_csv.FORMAT)

#: Below this sniff confidence a file is "unknown format".
MIN_CONFIDENCE = 0.5
#: The highest confidence a sniffer gives (``ImportFormat.sniff``: 0..1).
CERTAIN = 1.0


def get_format(name: str) -> ImportFormat:
    """The format called ``name`` (also accepts ``-`` for ``_`` and any case)."""
    key = format_key(name)
    for fmt in FORMATS:
        if fmt.name == key:
            return fmt
    raise RetrogaitError(f"unknown format {name!r}; supported formats: {', '.join(format_names())}")


def detect_format(path: Path) -> ImportFormat:
    """The format whose sniffer is most confident about ``path``.

    Raises:
        InputFileError: the path does not exist, cannot be read, is empty, or no format recognises it (the
            message says what the file is instead, or lists the supported formats and the generic CSV
            mapping flags).
    """
    refuse_unreadable(path)
    refuse_analysis_output(path)
    # the first format wins a tie, and no confidence is above 1 (``ImportFormat.sniff``): a file the first sniffer
    # claims fully (a session file's header) is its, the other sniffers' ~14 head reads not needed to say so (PERF-89)
    if _safe_sniff(FORMATS[0], path) >= CERTAIN:
        return FORMATS[0]
    # UTF-16 text (a spreadsheet's "Unicode text") is decoded for every reader (EDGE-33): sniffed as what it holds
    scores = [(_safe_sniff(fmt, path), i) for i, fmt in enumerate(FORMATS)]
    best, index = max(scores, key=lambda s: (s[0], -s[1]))
    if best < MIN_CONFIDENCE:
        if path.is_dir():
            _refuse_folder_of_recordings(path)
        refuse_unrecognised(path)
    return FORMATS[index]


def claimed(path: Path) -> bool:
    """Whether a format's sniffer claims ``path`` as it is (a zip no format claims is unpacked: EDGE-34)."""
    return max(_safe_sniff(fmt, path) for fmt in FORMATS) >= MIN_CONFIDENCE


#: How many of a folder's files are sniffed to tell a folder of recordings (EDGE-14): only so many are counted.
FOLDER_FILES_SNIFFED = 50


def _refuse_folder_of_recordings(path: Path) -> None:
    """A folder no format reads as one export but whose files are recordings one by one (EDGE-14): `compare
    data/` or `analyze data/` for a folder of runs said "format not recognised"."""
    try:
        files = sorted(p for p in path.iterdir() if p.is_file() and not written_beside(p.name))
    except OSError:
        return
    looked_at = files[:FOLDER_FILES_SNIFFED]
    recordings = [p.name for p in looked_at if max(_safe_sniff(fmt, p) for fmt in FORMATS) >= MIN_CONFIDENCE]
    if len(recordings) < 2:
        return
    shown = ", ".join(recordings[:4]) + (", ..." if len(recordings) > 4 else "")
    count = f"at least {len(recordings)}" if len(files) > len(looked_at) else str(len(recordings))
    raise InputFileError(
        path,
        f"is a folder of {count} recordings ({shown}), not one export: give them one by one "
        f"(e.g. {path / '*'}), or `retrogait batch` the folder",
    )


def _safe_sniff(fmt: ImportFormat, path: Path) -> float:
    try:
        return float(fmt.sniff(path))
    except (OSError, ValueError, UnicodeError, RetrogaitError):
        return 0.0
