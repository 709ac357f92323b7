"""Many sessions: analyse every input on local worker processes or a Dask cluster (docs/batch.md).

Names are loaded on first use (PEP 562): ``retrogait batch`` imports ``batch.pool`` (standard library only)
to start its workers before it loads pandas through the runner (BATCH-14).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from retrogait._lazy import lazy_dir, lazy_getattr

if TYPE_CHECKING:
    from retrogait.batch.inputs import discover_inputs
    from retrogait.batch.runner import BatchResult, run_batch

_LAZY = {
    "discover_inputs": "retrogait.batch.inputs",
    "BatchResult": "retrogait.batch.runner",
    "run_batch": "retrogait.batch.runner",
}

__all__ = ["BatchResult", "discover_inputs", "run_batch"]

if not TYPE_CHECKING:  # for type checkers every name is imported above: a misspelt one is an error
    __getattr__ = lazy_getattr("retrogait.batch", _LAZY, globals())

__dir__ = lazy_dir(__all__, globals())
