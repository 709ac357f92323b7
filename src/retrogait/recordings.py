"""What counts as a recording file beside the files retrogait writes, and a file's digest (``batch``'s job
keys, BATCH-3). A recording's content digest, which knows what the readers unpack, is
``imports.identity.recording_digest`` (EDGE-8, ARCH-3)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from retrogait.outfiles import RECORDING_SIDE_SUFFIXES

CHUNK_BYTES = 1 << 20
#: File endings that can hold a recording (native sessions and app exports).
RECORDING_SUFFIXES = (
    *(".csv", ".json", ".txt", ".zip", ".bin", ".gz"),
    *(".xlsx", ".xlsm", ".xls", ".ods"),
    *(".sqlite", ".sqlite3", ".db"),
)


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def is_recording_part(path: Path) -> bool:
    """True for a file in an export folder that can hold part of its recording (a recording's ending, not hidden)."""
    return path.suffix.lower() in RECORDING_SUFFIXES and not path.name.startswith(".") and path.is_file()


def without_gz(name: str) -> str:
    """``name`` without a gzip ending, in any case (``run.csv.GZ`` -> ``run.csv``): the recording's own name."""
    return name[: -len(".gz")] if name.lower().endswith(".gz") else name


#: Files that sit next to recordings but are not recordings (what compare and batch write, the side files
#: ``retrogait record`` writes next to a session), by ending.
NOT_RECORDINGS = ("_truth.csv", "steps.csv", "sessions.csv", "errors.csv", "compare.csv", *RECORDING_SIDE_SUFFIXES)
#: What analyze and compare also write (an analysis folder beside its recording is analyze's default), by whole
#: name: a recording may well be called ``walking_bouts.csv`` or ``week_summary.json``.
OUTPUT_NAMES = ("bouts.csv", "summary.json", "compare.json")


def is_recording(path: Path) -> bool:
    """True when ``path``'s name can be a recording: a recording's ending, not hidden, and none of the
    files retrogait writes beside recordings (:data:`NOT_RECORDINGS`, :data:`OUTPUT_NAMES`)."""
    return path.suffix.lower() in RECORDING_SUFFIXES and not written_beside(path.name)


def written_beside(name: str) -> bool:
    """A hidden file, or one retrogait writes beside recordings (:data:`NOT_RECORDINGS`, :data:`OUTPUT_NAMES`:
    a simulator's truth, analyze's outputs): never a recording, whatever its ending."""
    low = name.lower()
    return low.startswith(".") or low.endswith(NOT_RECORDINGS) or low in OUTPUT_NAMES


def not_found_text(path: str | Path) -> str:
    """Why ``path`` names nothing: ``no such file or folder``, or a symbolic link that leads nowhere (a loop,
    or a target that is gone; EDGE-72: that one was "no such file" beside a link the user can see)."""
    if Path(path).is_symlink():
        return "is a symbolic link that leads nowhere (a loop of links, or its target is gone)"
    return "no such file or folder"
