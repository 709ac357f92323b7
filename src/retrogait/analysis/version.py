"""The analysis version: the package version plus a hash of the source that produces the results.

``analysis_version()`` is e.g. ``"0.1.0+3f2c9a1b7e04"``. The hash covers every file whose code can
change a result of ``retrogait.analyze`` (decision SETTINGS-2): ``analysis/`` (the stages and their
settings), ``dsp/`` (the filters and peak finding they run on), ``imports/``, ``session.py`` and
``rate.py`` (how a recording is read: units, time base, rate, placement), ``textparts.py`` and ``recording_part.py``
(which rows a part of a text file holds, LONG-6), ``resolution.py`` (the
acceleration's quantum: a note and flags), ``masks.py`` (runs of True in a mask), ``gyro_turning.py``
(a gyroscope's unit from gravity's turning), ``gyro_subrate.py`` (a gyroscope at a lower rate than the rows, EDGE-217),
``acc_subrate.py`` (an accelerometer at a lower rate, EDGE-222), ``conventions.py`` (gravity,
rate floors), ``summary.py`` (gap and clipping rules) and ``csvsafe.py`` / ``csvtext.py`` (the text of
the result files). ``tests/test_settings.py`` checks that every module these import is either listed
here or makes no result (:data:`NOT_RESULTS`). Any edit of
these files, comments included, gives a new version, so a cache keyed on it never keeps a result of
older code. Computed once per process (a few ms: the files are read as bytes, never imported).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

#: Paths (relative to the ``retrogait`` package) whose source makes up the analysis version.
ANALYSIS_SOURCES = (
    "analysis",
    "dsp",
    "imports",
    "session.py",
    "rate.py",
    "samples.py",
    "conventions.py",
    "summary.py",
    "csvsafe.py",
    "csvtext.py",
    "recordings.py",
    "resolution.py",
    "stuck.py",
    "masks.py",
    "gyro_turning.py",
    "gyro_subrate.py",
    "acc_subrate.py",
    "bridge.py",
    "textparts.py",
    "recording_part.py",
    "ranks.py",
)
#: Modules the analysis sources import that cannot change a result: messages, atomic file writes, the
#: package version (in the analysis version by itself), lazy attribute loading, Ctrl-C handling (EDGE-1), the
#: memory check (it refuses a recording or lets it through: LONG-2), what retrogait's own outputs look like (an input
#: that is one is refused, ARCH-10).
NOT_RESULTS = (
    "errors.py",
    "outfiles.py",
    "_version.py",
    "_lazy.py",
    "__init__.py",
    "interrupt.py",
    "memory.py",
    "own_outputs.py",
)

_PACKAGE = Path(__file__).resolve().parents[1]


def source_files(package: Path = _PACKAGE) -> list[Path]:
    """The ``.py`` files of :data:`ANALYSIS_SOURCES` under ``package``, sorted by relative path."""
    found: list[Path] = []
    for name in ANALYSIS_SOURCES:
        path = package / name
        if path.is_dir():
            found.extend(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
        elif path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(package).as_posix())


def source_digest(package: Path = _PACKAGE) -> str:
    """12 hex digits of sha256 over each source file's relative path and bytes."""
    digest = hashlib.sha256()
    for path in source_files(package):
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@functools.cache
def analysis_version() -> str:
    """``"<package version>+<source digest>"``: changes whenever the analysis code changes."""
    from retrogait import __version__  # at call time: retrogait/__init__ imports the pipeline

    return f"{__version__}+{source_digest()}"
