"""scipy.signal and scipy.ndimage imported without scipy's import-time docstring rewriting (PERF-5).

scipy >= 1.15 decorates some 800 functions with ``xp_capabilities``, which parses each docstring with
numpydoc's ``FunctionDoc`` at import time only to append an array-API support table to its Notes:
a third of the cost of ``import scipy.signal, scipy.ndimage`` (1.1 s -> 0.78 s here; paid by every
``retrogait analyze`` and every batch worker). Here the parser is replaced by a stand-in that keeps the
docstring as it is while the two packages are imported, then put back. Nothing but those docstrings
changes (numbers, functions and their signatures are scipy's own). Should scipy rename or drop the
private name, the import simply happens the ordinary way. ``analysis/pipeline.py`` imports this module
first, before any analysis module imports scipy.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class _DocAsItIs:
    """Stands in for ``FunctionDoc``: no sections parsed; ``str()`` gives the docstring unchanged (after the
    signature line that scipy's decorator strips)."""

    def __init__(self, func: Any, *args: Any, **kwargs: Any) -> None:
        self._doc = getattr(func, "__doc__", None) or ""

    def __getitem__(self, section: str) -> list[str]:
        return []

    def __str__(self) -> str:
        return "\n" + self._doc


@contextmanager
def _docstrings_as_they_are() -> Iterator[None]:
    try:
        import scipy._lib._array_api as array_api

        original = array_api.FunctionDoc  # type: ignore[attr-defined]
    except (ImportError, AttributeError):  # another scipy: import as usual
        yield
        return
    array_api.FunctionDoc = _DocAsItIs  # type: ignore[attr-defined]
    try:
        yield
    finally:
        array_api.FunctionDoc = original  # type: ignore[attr-defined]


with _docstrings_as_they_are():
    import scipy.ndimage
    import scipy.signal  # noqa: F401
