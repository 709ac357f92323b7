"""What a command starts before the CLI itself is loaded (standard library only; BATCH-14, PERF-12).

``retrogait batch`` with local workers starts its fork server first thing: the server's import of the
analysis (0.5-0.8 s) then runs beside this process' own start-up (Typer, pandas: ~0.7 s) instead of after
it. A command that analyses sets up how the process takes memory (``allocator.py``) before numpy is
imported. The arguments are read here by hand, before Typer parses them; a misreading only costs time (a fork
server started for nothing, or started later by the pool), never a result.
"""

from __future__ import annotations

import os

from retrogait.allocator import prepare_for_analysis
from retrogait.gc_pause import pause
from retrogait.library_threads import one_thread_each

#: Commands that analyse recordings in this process or its workers: freed memory reused, numpy on small
#: pages (PERF-12, ``allocator.py``).
ANALYSING_COMMANDS = ("analyze", "batch", "compare")


def local_workers(args: list[str]) -> int:
    """How many local workers ``retrogait batch ARGS`` will start: ``--jobs``/``-j`` or the cores; 0 when it
    runs on a Dask scheduler, only shows its help, or ``--jobs`` is not a number (Typer will refuse it)."""
    jobs = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg in ("-h", "--help") or arg.startswith("--scheduler"):
            return 0
        if arg in ("--jobs", "-j"):
            jobs = args[i + 1] if i + 1 < len(args) else ""
        elif arg.startswith("--jobs="):
            jobs = arg.removeprefix("--jobs=")
        elif arg.startswith("-j") and not arg.startswith("--"):
            jobs = arg.removeprefix("-j")
    if jobs is None:
        return os.cpu_count() or 1
    return int(jobs) if jobs.isdigit() else 0


def analyses_here(args: list[str]) -> bool:
    """True when the command ``args`` analyses recordings in this process or in local workers it starts; a
    batch on a Dask scheduler only hands out jobs (its workers are the cluster's)."""
    if not args or args[0] not in ANALYSING_COMMANDS:
        return False
    return not (args[0] == "batch" and any(arg.startswith("--scheduler") for arg in args[1:]))


def start_early(args: list[str], *, whole_process: bool) -> None:
    """Start what the command ``args`` (without the program name) will need, without waiting for it.

    ``whole_process``: this process runs just this command (the ``retrogait`` program), so settings that
    hold for the whole process (``allocator.py``) may be made; not when ``main([...])`` is called from
    Python code that goes on running (a test, a notebook). No default: it decides whether the garbage
    collector is paused process-wide (PERF-18), which a caller must ask for (REVIEW-6)."""
    if whole_process and analyses_here(args):  # first: the fork server below inherits the environment
        prepare_for_analysis()
    if whole_process and args[:1] == ["analyze"]:
        one_thread_each()  # no idle BLAS worker spinning beside the imports: the analysis uses one (PERF-34)
    if whole_process and (args[:1] == ["batch"] or (analyses_here(args) and args[0] == "analyze")):
        pause()  # no collections over the modules being imported (PERF-18, BATCH-22; a Dask client's: BATCH-29)
    if args[:1] == ["batch"] and local_workers(args[1:]) > 1:
        from retrogait.batch.pool import start_fork_server

        start_fork_server()
