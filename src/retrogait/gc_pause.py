"""No cyclic garbage collection while a command imports its libraries (PERF-18). Standard library only.

Importing numpy, pandas (with pyarrow), rich and the analysis creates ~140,000 objects that live as long as
the process; Python's cyclic collector, triggered every 700 new objects, scans them again and again
while they are created (an hour's ``retrogait analyze``: ~190 young, ~18 middle and one full collection,
0.045-0.05 s, and 0.04-0.06 s of pandas' own import). Modules are not garbage: what an import leaves
unreachable is a few hundred functions, classes and tuples (879 objects, no arrays, in that run).

:func:`pause` (``cli/early.py``, for ``analyze`` and ``batch`` (BATCH-22), and only when the process is the
``retrogait`` program) turns the collector off before anything is imported; :func:`resume` (the command, once
pandas is imported and before the recording is read; a Dask client once it has imported Dask, BATCH-29) moves
every object alive to the permanent generation
(``gc.freeze``: later collections do not scan them) and turns it on again, so the reading and the
analysis are collected as before. Nothing a command computes depends on when garbage is collected.
"""

from __future__ import annotations

import gc

_paused = False
_resumed = False


def pause() -> None:
    """Turn the cyclic garbage collector off until :func:`resume` (nothing when it is already off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """After :func:`pause`: the objects alive now frozen (``gc.freeze``) and the collector on again; else
    nothing."""
    global _paused, _resumed
    if _paused:
        _paused, _resumed = False, True
        gc.freeze()
        gc.enable()


def freeze_imported() -> None:
    """Once after :func:`resume`: the objects alive now (the modules a thread imported beside the reading, PERF-72)
    frozen too, so later collections do not scan them; else nothing (a caller that did not :func:`pause`, or a
    second call: a recording analysed in parts freezes before its first part only)."""
    global _resumed
    if _resumed:
        _resumed = False
        gc.freeze()
