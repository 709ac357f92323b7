"""How an analysing process takes memory from the system: freed memory reused, small pages for numpy
(BATCH-11, PERF-12). Standard library only: the CLI calls :func:`prepare_for_analysis` before it loads
numpy or pandas.

Every page a process touches for the first time is faulted in and zeroed by the kernel. On this
project's development machine (a Firecracker VM that hands free memory back to its host) that costs
~100-200 us per fault, and an hour's ``retrogait analyze`` spent 0.3-0.9 s of system time on it, for
three reasons this module addresses:

* glibc gives every allocation above its mmap threshold (128 KiB at start, raised adaptively up to 32
  MiB as large blocks are freed) its own ``mmap``, and returns free memory at the top of the heap to the
  system once more than the trim threshold is free, so the analysis' 1-40 MB temporaries kept arriving
  on fresh pages. With the mmap threshold at 32 MiB (glibc's adaptive ceiling; larger blocks are always
  mapped) and a trim threshold of ``TRIM_THRESHOLD_BYTES``, an array freed by one step is reused by the
  next. Cost: up to ``TRIM_THRESHOLD_BYTES`` of freed memory stays resident (a command exits soon after;
  a batch worker keeps it for its next session). Dask's nanny starts workers with
  ``MALLOC_TRIM_THRESHOLD_=65536``, which also switches the adaptive threshold off: there it was needed
  most (BATCH-11).
* numpy asks for transparent huge pages (2 MiB) on every array of 4 MiB or more. On this machine a huge
  page comes from the large free blocks the guest has handed back to its host, and its first touch costs
  more than the same memory in 4 KiB pages from recently freed memory; the arrays are streamed, not
  randomly accessed, so the fewer TLB misses do not pay it back in a process that lives seconds.
  ``NUMPY_MADVISE_HUGEPAGE=0`` (numpy's documented switch, read when numpy is imported) turns that off
  unless the user set it.
* glibc gives each new thread a heap (arena) of its own: what pandas' parser threads free cannot serve
  the analysis on the main thread. One heap for all threads (``M_ARENA_MAX`` = 1) lowers the peak; the
  threads of an analysis allocate rarely (large arrays), so they hardly wait for its lock.

Elsewhere than glibc on Linux the allocator part does nothing; outputs never depend on either.
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
#: Freed memory kept by the process before it is returned to the system (bytes).
TRIM_THRESHOLD_BYTES = 128 * 1024 * 1024
#: numpy's switch for asking the kernel for huge pages on its large arrays (read at ``import numpy``).
NUMPY_HUGE_PAGES = "NUMPY_MADVISE_HUGEPAGE"


def prepare_for_analysis() -> None:
    """All three settings, for a process (and the worker processes it starts) about to analyse recordings;
    call it before numpy is imported (or numpy keeps asking for huge pages in this process) and before
    the process starts threads (or they keep their own heaps)."""
    os.environ.setdefault(NUMPY_HUGE_PAGES, "0")
    reuse_freed_memory()
    one_heap()


@cache
def reuse_freed_memory() -> bool:
    """Set glibc's two thresholds once per process; True where glibc took them."""
    mallopt = _mallopt()
    if mallopt is None:
        return False
    mmap_set = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
    return mmap_set and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))


@cache
def one_heap() -> bool:
    """Let every thread of this process allocate from the one main heap (glibc's ``M_ARENA_MAX`` = 1); True
    where glibc took it. Threads started afterwards (pandas' parallel CSV parser, the CLI's import thread)
    would each get a heap of their own, whose freed memory the analysis on the main thread cannot reuse."""
    mallopt = _mallopt()
    return mallopt is not None and bool(mallopt(M_ARENA_MAX, 1))


def _mallopt() -> Callable[[int, int], int] | None:
    """glibc's ``mallopt``, or None (not Linux, or another C library: musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        mallopt: Callable[[int, int], int] = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return None
    return mallopt
