"""Import the heavy modules a command will need in a thread while it does something else (PERF-7, BATCH-17).

Importing the analysis and report modules costs a good part of reading an hour of data; pandas parses
with the GIL released, so on two cores the two overlap. A batch imports its cohort comparison (pandas,
the statistics, matplotlib) while it waits for its workers. A failed import is not hidden: the command
imports the module again after :meth:`threading.Thread.join` and gets the error there.
"""

from __future__ import annotations

import importlib
import threading


def import_beside(modules: list[str]) -> threading.Thread:
    """Start a daemon thread importing ``modules`` (dotted names); join it before using them."""

    def run() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # re-raised by the caller's own import after join
                return

    thread = threading.Thread(target=run, name="retrogait-import", daemon=True)
    thread.start()
    return thread
