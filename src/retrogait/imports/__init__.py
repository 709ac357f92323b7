"""Import the exports people already have (phone apps, vendor loggers, generic CSV) as native sessions.

Public API::

    load_recording(path, format=None, *, placement=None, side=None, sensor=None,
                   anterior_axis=None, vertical_axis=None, generic=None, rate_hz=None) -> ImportResult
    load_session(path, ...same...) -> Session

``ImportResult.session`` is a native :class:`~retrogait.session.Session` (m/s^2 with gravity,
deg/s, t_s from 0); ``ImportResult.report`` says which files were read and which rows were
dropped and why (also in the session header as ``import_dropped_rows`` / ``import_dropped_detail``).
Every problem with the input raises a one-line :class:`~retrogait.errors.RetrogaitError`.
See ``docs/formats.md``.

Names are loaded on first use (PEP 562): ``retrogait.imports.base`` (the reader options) needs neither
numpy nor pandas, so a process that only passes options on, like the parent of ``retrogait batch``,
never loads them (BATCH-17).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from retrogait._lazy import lazy_dir, lazy_getattr

if TYPE_CHECKING:
    from retrogait.imports.base import (
        GenericCsvOptions,
        ImportFormat,
        ImportOptions,
        ImportReport,
        ImportResult,
        ReaderOptions,
    )
    from retrogait.imports.loading import load_recording, load_session
    from retrogait.imports.registry import FORMATS, detect_format, format_names, get_format

_LAZY = {
    **dict.fromkeys(
        ("GenericCsvOptions", "ImportFormat", "ImportOptions", "ImportReport", "ImportResult", "ReaderOptions"),
        "retrogait.imports.base",
    ),
    **dict.fromkeys(("FORMATS", "detect_format", "format_names", "get_format"), "retrogait.imports.registry"),
    **dict.fromkeys(("load_recording", "load_session"), "retrogait.imports.loading"),
}

__all__ = [
    "FORMATS",
    "GenericCsvOptions",
    "ImportFormat",
    "ImportOptions",
    "ImportReport",
    "ImportResult",
    "ReaderOptions",
    "detect_format",
    "format_names",
    "get_format",
    "load_recording",
    "load_session",
]

if not TYPE_CHECKING:  # for type checkers every name is imported above: a misspelt one is an error
    __getattr__ = lazy_getattr("retrogait.imports", _LAZY, globals())

__dir__ = lazy_dir(__all__, globals())
