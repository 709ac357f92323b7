"""Content hashes that decide whether a session must be analysed again (docs/decisions.md BATCH-3, BATCH-7)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retrogait.analysis.settings import AnalysisSettings

CHUNK_BYTES = 1 << 20
#: File endings that can hold a recording (native sessions and app exports).
RECORDING_SUFFIXES = (".csv", ".json", ".txt", ".zip", ".bin", ".gz")

#: ``{table: {key: value}}`` overrides of the analysis settings (a settings file's values).
Overrides = Mapping[str, Mapping[str, Any]]


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def recording_digest(path: Path) -> str:
    """``sha256:HEX``: the content of a recording as ``analyze`` and ``compare`` identify it (EDGE-8): a file's
    bytes (a zip or .gz as stored), or for an export folder the names and bytes of the files in it that can
    hold a recording (:data:`RECORDING_SUFFIXES`; hidden ones left out: a video or audio file an app saved
    beside the sensor tables would be hashed while ``analyze`` waits, EDGE-20), so a copy of a recording has
    the digest of its original. Raises OSError."""
    if not path.is_dir():
        return "sha256:" + file_digest(path)
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if _part_of_recording(p)):
        digest.update(f"{file.relative_to(path).as_posix()}\0{file_digest(file)}\n".encode())
    return "sha256:" + digest.hexdigest()


def _part_of_recording(path: Path) -> bool:
    return path.suffix.lower() in RECORDING_SUFFIXES and not path.name.startswith(".") and path.is_file()


def job_key(content_digest: str, settings: Mapping[str, Any], version: str) -> str:
    """Key of one analysis job: the input's content, the batch options (placement, side, anterior axis:
    they decide how the file is read) and the analysis version (``analysis.version.analysis_version``).

    The path is deliberately not part of it: a renamed or moved file is not analysed again. The analysis
    settings are checked apart (:func:`effective_settings`, ``settings_hash`` in the manifest) because
    they depend on the file's placement, which only the analysis reads.
    """
    blob = json.dumps({"content": content_digest, "settings": dict(settings), "version": version}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def effective_settings(overrides: Overrides | None, placement: str | None) -> AnalysisSettings:
    """The analysis settings a session of ``placement`` is analysed with: its preset with ``overrides``
    (as ``retrogait analyze --settings`` does); the stage defaults for a placement without a preset."""
    from retrogait.analysis.settings import PRESETS, AnalysisSettings

    base = PRESETS[placement] if placement in PRESETS else AnalysisSettings()
    return base.with_overrides(overrides) if overrides else base
