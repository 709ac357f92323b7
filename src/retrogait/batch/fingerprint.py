"""Keys that decide whether a session must be analysed again: its content digest (``recordings.file_digest``),
the batch options and the analysis version (docs/decisions.md BATCH-3, BATCH-7)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retrogait.analysis.settings import AnalysisSettings

#: ``{table: {key: value}}`` overrides of the analysis settings (a settings file's values).
Overrides = Mapping[str, Mapping[str, Any]]


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


def analysed_settings(overrides: Overrides | None, placement: str | None, declared: str | None) -> AnalysisSettings:
    """The analysis settings a session declared ``declared`` and analysed as ``placement`` was analysed with: its
    placement's (:func:`effective_settings`); for a one-leg placement the analysis read as both legs' (``other``,
    PHONE-18, REVIEW-33) ``other``'s preset with what ``overrides`` change in the declared placement's
    (``settings_as_other``, REVIEW-32), as the analysis does (BATCH-47). ``declared`` None (a manifest written
    before EDGE-192): ``placement``."""
    if declared is None or declared == placement or placement != "other":
        return effective_settings(overrides, placement)
    from retrogait.analysis.settings import settings_as_other

    return settings_as_other(effective_settings(overrides, declared), declared)


def read_as_other(placement: str | None, declared: str | None) -> bool:
    """True for a session declared on one leg (shank, foot) that the analysis read as both legs' (``other``)."""
    return placement == "other" and declared is not None and declared != placement


def declared_digest(overrides: Overrides | None, placement: str | None, declared: str | None) -> str | None:
    """The digest of the settings the decision to read a one-leg session as ``other`` ran on (PHONE-17: the declared
    placement's preset with ``overrides``: its bouts and direction cues), for a session read so; else None. The
    analysed settings (``settings_as_other``) cannot tell a value left at the declared preset's from one set to
    other's, so they alone do not decide whether that decision would change (BATCH-50)."""
    return effective_settings(overrides, declared).digest() if read_as_other(placement, declared) else None
