"""How an analysing process takes memory from the system: freed memory reused, one heap, small pages
for numpy (BATCH-11, PERF-12). Standard library only: the CLI calls :func:`prepare_for_analysis` before it
loads numpy or pandas or starts a thread.

Every page a process touches for the first time is faulted in and zeroed by the kernel. On this
project's development machine (a Firecracker VM that hands free memory back to its host) that costs up
to ~100-200 us per fault, and an hour's ``retrogait analyze`` spent 0.3-1.0 s of system time on it, for
three reasons addressed here (on Linux only; elsewhere nothing is set; glibc's settings only where glibc
runs; no output depends on any of it):

* glibc gives every allocation above its mmap threshold (128 KiB at start, raised adaptively up to 32
  MiB as large blocks are freed) its own ``mmap``, and returns free memory at the top of the heap to the
  system once more than the trim threshold is free, so the analysis' 1-40 MB temporaries kept arriving
  on fresh pages. With the mmap threshold at 32 MiB (glibc's adaptive ceiling; larger blocks are always
  mapped) and a high trim threshold, an array freed by one step is reused by the next.
* glibc gives each new thread a heap (arena) of its own: what ``analyze``'s import thread (``warm.py``)
  allocated and freed cannot serve the analysis on the main thread. One heap for all threads
  (``M_ARENA_MAX`` = 1) lowers the peak.
* numpy asks for transparent huge pages (2 MiB) on every array of 4 MiB or more. Here a huge page comes
  from the large free blocks the guest has handed back to its host, and its first touch costs more than
  the same memory in 4 KiB pages; the arrays are streamed, so the fewer TLB misses do not pay that back
  in a process that lives seconds. ``NUMPY_MADVISE_HUGEPAGE=0`` (numpy's documented switch, read when
  numpy is imported) turns it off unless the user set it. This part was measured on that VM only: on
  a Linux machine that does not hand memory back to a host a huge page may well be the cheaper fault,
  and ``NUMPY_MADVISE_HUGEPAGE=1`` gives numpy its default back.

What it costs: a process keeps the memory it freed, up to ``KEEP_FREED_BYTES``, instead of returning it;
it never holds more than its own peak. A command exits right after; a local batch worker keeps what its
largest session needed, which the next session reuses. A Dask worker, whose nanny watches its memory
and starts it with ``MALLOC_TRIM_THRESHOLD_=65536`` (which also switched the adaptive mmap threshold
off: BATCH-11), gets only :func:`reuse_freed_memory` and keeps at most ``DASK_KEEP_FREED_BYTES``.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable
from functools import cache

#: glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
#: Arrays up to this size (bytes) come from the heap and are reused; glibc's adaptive ceiling on 64 bits.
MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024
#: Freed memory an analysing command or local worker keeps before returning it to the system (bytes).
KEEP_FREED_BYTES = 1024 * 1024 * 1024
#: The same for a Dask worker, whose nanny pauses or restarts a worker that holds too much (bytes).
DASK_KEEP_FREED_BYTES = 128 * 1024 * 1024
#: numpy's switch for asking the kernel for huge pages on its large arrays (read at ``import numpy``).
NUMPY_HUGE_PAGES = "NUMPY_MADVISE_HUGEPAGE"


@cache
def prepare_for_analysis() -> bool:
    """All three settings for a process (and the worker processes it starts) about to analyse recordings;
    True where glibc took them. Call it before numpy is imported (or numpy keeps asking for huge pages in
    this process) and before the process starts threads (or they keep heaps of their own)."""
    if sys.platform.startswith("linux"):  # numpy asks for huge pages on Linux only
        os.environ.setdefault(NUMPY_HUGE_PAGES, "0")
    return _set({M_MMAP_THRESHOLD: MMAP_THRESHOLD_BYTES, M_TRIM_THRESHOLD: KEEP_FREED_BYTES, M_ARENA_MAX: 1})


@cache
def reuse_freed_memory() -> bool:
    """A Dask worker's setting (BATCH-11): glibc's mmap and trim thresholds only; True where glibc took them."""
    return _set({M_MMAP_THRESHOLD: MMAP_THRESHOLD_BYTES, M_TRIM_THRESHOLD: DASK_KEEP_FREED_BYTES})


def _set(parameters: dict[int, int]) -> bool:
    """``mallopt`` each parameter, each on its own (one refused, e.g. 32 MiB on a 32-bit glibc, does not
    keep the others from being set); True when glibc took them all, False without glibc (not Linux, musl)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt: Callable[[int, int], int] = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    taken = [bool(mallopt(parameter, value)) for parameter, value in parameters.items()]
    return all(taken)
