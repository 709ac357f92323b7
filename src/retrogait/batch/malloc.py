"""Let a Dask worker reuse the memory one session frees for the next (glibc ``mallopt``), BATCH-11.

Dask's nanny starts every worker with ``MALLOC_TRIM_THRESHOLD_=65536`` (returning freed memory to the
operating system at once). Setting it also switches off glibc's adaptive mmap threshold, so every array
above 128 KiB is a fresh ``mmap`` whose pages the kernel must fault in and zero: an analysis then costs
2.5x the CPU (0.24 -> 0.62 s per 10-minute session here, most of it system time). Setting the mmap
threshold to 32 MiB (glibc's own adaptive ceiling) and the trim threshold to 128 MiB restores the
speed; a worker keeps at most that much freed memory between sessions. Elsewhere than glibc on Linux
this does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache

#: glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: Arrays up to this size (bytes) come from the heap and are reused; glibc's adaptive ceiling on 64 bits.
MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024
#: Freed memory kept by the process before it is returned to the system (bytes).
TRIM_THRESHOLD_BYTES = 128 * 1024 * 1024


@cache
def reuse_freed_memory() -> bool:
    """Set the two thresholds once per process; True where glibc took them."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl or another C library: nothing to set
        return False
    mmap_set = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
    return mmap_set and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
