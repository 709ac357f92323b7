"""retrogait: a wearable-IMU gait lab for forward and backward ("retro") running.

The names below are loaded on first use (PEP 562), so ``import retrogait`` (and every command-line
start, and every batch worker) costs no scipy, pandas or matplotlib until a name that needs them is
touched. ``from retrogait import analyze`` works as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from retrogait._lazy import lazy_dir, lazy_getattr
from retrogait._version import __version__

if TYPE_CHECKING:
    from retrogait.analysis.pipeline import AnalysisResult, analyze
    from retrogait.errors import InputFileError, RetrogaitError
    from retrogait.session import Session, SessionMeta, SessionWriter, read_session, write_session

#: Public name -> the module that defines it.
_LAZY = {
    "AnalysisResult": "retrogait.analysis.pipeline",
    "analyze": "retrogait.analysis.pipeline",
    "InputFileError": "retrogait.errors",
    "RetrogaitError": "retrogait.errors",
    "Session": "retrogait.session",
    "SessionMeta": "retrogait.session",
    "SessionWriter": "retrogait.session",
    "read_session": "retrogait.session",
    "write_session": "retrogait.session",
}

__all__ = [
    "AnalysisResult",
    "InputFileError",
    "RetrogaitError",
    "Session",
    "SessionMeta",
    "SessionWriter",
    "__version__",
    "analyze",
    "read_session",
    "write_session",
]


if not TYPE_CHECKING:  # for type checkers every name is imported above: a misspelt one is an error
    __getattr__ = lazy_getattr("retrogait", _LAZY, globals())

__dir__ = lazy_dir(__all__, globals())
