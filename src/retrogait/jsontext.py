"""JSON text every reader takes: NaN and infinities written as ``null`` (EDGE-90).

Python's ``json`` writes ``NaN``, ``Infinity`` and ``-Infinity``, which are not JSON: ``jq``, JavaScript's
``JSON.parse`` and most strict readers refuse the whole file. ``compare.json``, ``manifest.jsonl`` and the
recorder's ``.ble.json`` go through :func:`dumps`, which maps them to ``null`` and then lets ``json`` check that
none is left (``allow_nan=False``); ``summary.json`` holds only finite numbers and is written with
``allow_nan=False`` by the analysis itself (this module is not part of the analysis version).
Standard library only (imported by the batch's store and the recorder).
"""

from __future__ import annotations

import json
import math
from typing import Any


def finite(value: Any) -> Any:
    """``value`` with every non-finite float (in dicts, lists and tuples, numpy scalars too) made None, numpy
    scalars made Python numbers and dict keys text."""
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):  # a numpy scalar, without importing numpy
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(value: Any, **options: Any) -> str:
    """``json.dumps(value, **options)`` with NaN and infinities as ``null``: strict JSON."""
    return json.dumps(finite(value), allow_nan=False, **options)
