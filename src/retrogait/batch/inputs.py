"""Expand the user's INPUT arguments (files, folders, globs) into a sorted list of recordings."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from retrogait.batch.store import MANIFEST, RESULTS_DIR
from retrogait.errors import RetrogaitError
from retrogait.outfiles import RECORDING_SIDE_SUFFIXES

#: File endings that can hold a recording (native sessions and app exports).
RECORDING_SUFFIXES = (".csv", ".json", ".txt", ".zip", ".bin", ".gz")
#: Files that sit next to recordings but are not recordings (what compare and batch write, the side files
#: ``retrogait record`` writes next to a session), by ending.
NOT_RECORDINGS = ("_truth.csv", "steps.csv", "sessions.csv", "errors.csv", "compare.csv", *RECORDING_SIDE_SUFFIXES)
#: What analyze and compare also write (an analysis folder beside its recording is analyze's default), by whole
#: name: a recording may well be called ``walking_bouts.csv`` or ``week_summary.json``.
OUTPUT_NAMES = ("bouts.csv", "summary.json", "compare.json")
#: A folder holding both is the output of an earlier `retrogait batch` (``store.py``): nothing in it is a
#: recording. A manifest alone may be anything a user keeps beside recordings.
BATCH_MARK = (MANIFEST, RESULTS_DIR)


def _is_recording(path: Path) -> bool:
    name = path.name.lower()
    return (
        path.suffix.lower() in RECORDING_SUFFIXES
        and not name.endswith(NOT_RECORDINGS)
        and name not in OUTPUT_NAMES
        and not name.startswith(".")
    )


def _is_batch_output(manifest: Path) -> bool:
    """True when ``manifest`` is the manifest of an earlier batch's output folder (BATCH_MARK)."""
    name, results = BATCH_MARK
    return manifest.name == name and (manifest.parent / results).is_dir()


def discover_inputs(inputs: Iterable[str | Path], exclude: Iterable[Path] = ()) -> list[Path]:
    """Recordings named by ``inputs``: files as given, folders searched recursively, globs expanded.

    Args:
        inputs: paths, folders or glob patterns (``runs/**/*.csv``).
        exclude: folders whose contents are never inputs (the batch output folder).

    Raises:
        RetrogaitError: when an input matches nothing.
    """
    excluded = [p.resolve() for p in exclude]
    found: dict[Path, None] = {}
    for item in inputs:
        text = str(item)
        if any(ch in text for ch in "*?["):
            matches = [Path(m) for m in sorted(glob.glob(text, recursive=True))]
        else:
            matches = [Path(text)]
        if not matches or not any(m.exists() for m in matches):
            raise RetrogaitError(f"{text}: no such file or folder")
        for match in matches:
            candidates = sorted(match.rglob("*")) if match.is_dir() else [match]
            earlier_batches = [m.parent for m in candidates if _is_batch_output(m)] if match.is_dir() else []
            for path in candidates:
                resolved = _resolved_file(path)
                if (
                    resolved
                    and _is_recording(path)
                    and not any(resolved.is_relative_to(e) for e in excluded)
                    and not any(path.is_relative_to(b) for b in earlier_batches)
                ):
                    found[resolved] = None
    return sorted(found)


def _resolved_file(path: Path) -> Path | None:
    """The real path of a regular file, or None for folders, dangling links and link loops (issue 12
    item 12: a link to itself in an input folder used to abort the whole batch before any work)."""
    try:
        return path.resolve(strict=True) if path.is_file() else None
    except (OSError, RuntimeError):  # RuntimeError: "Symlink loop" on Python < 3.13
        return None
