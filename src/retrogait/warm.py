"""Import the heavy modules a command will need in a thread while it does something else (PERF-7, BATCH-17).

Importing the analysis and report modules costs a good part of reading an hour of data; pandas parses
with the GIL released, so on two cores the two overlap. A batch imports its cohort comparison (pandas,
the statistics, matplotlib) while it waits for its workers. A failed import is not hidden: the command
imports the module again after :meth:`threading.Thread.join` and gets the error there. A name ``module:function``
also calls that function once its module is in: a per-process cache the command would otherwise fill on its main
thread (``analyze``: threadpoolctl's view of the BLAS and the analysis version, PERF-106); a failed call is not
hidden either, the command calls it again and gets the error there.
"""

from __future__ import annotations

import importlib
import threading


def import_beside(modules: list[str]) -> threading.Thread:
    """Start a daemon thread importing ``modules`` (dotted names; ``module:function`` also calls the function, with no
    argument), in order; join it before using them."""

    def run() -> None:
        for name in modules:
            module, _, function = name.partition(":")
            try:
                imported = importlib.import_module(module)
                if function:
                    getattr(imported, function)()
            except Exception:  # re-raised by the caller's own import or call after join
                return

    thread = threading.Thread(target=run, name="retrogait-import", daemon=True)
    thread.start()
    return thread
