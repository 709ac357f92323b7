"""One BLAS thread while analysing (docs/decisions.md PERF-4).

The analysis multiplies long (n, 3) arrays by 3x3 rotations and builds 3x3 covariance matrices. A
multithreaded BLAS splits such products over its threads and then waits for them: on a busy 2-core
machine ``acc @ rot.T`` for 1 h at 200 Hz took 0.56 s with OpenBLAS's 2 threads and 0.014 s with one
(same bits: each output element is computed by the same kernel either way). ``threadpoolctl`` sets the
thread count of whichever BLAS numpy loaded (OpenBLAS, MKL, BLIS, Accelerate) for the duration of a
block and restores it afterwards, so a caller's own large matrix products keep their threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_lock = threading.Lock()
_depth = 0
_controller: Any = None  # threadpoolctl's view of the loaded libraries, found once per process
_limiter: Any = None  # its limiter while any analysis runs


def blas_controller() -> Any:
    """threadpoolctl's view of the BLAS libraries this process has loaded, found once (1-5 ms)."""
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller


@contextmanager
def single_blas_thread() -> Iterator[None]:
    """Limit BLAS to one thread inside the block; re-entrant and safe across threads (the limit is set
    by the first analysis to enter and restored by the last to leave)."""
    global _depth, _limiter
    with _lock:
        if _depth == 0:
            _limiter = blas_controller().limit(limits=1, user_api="blas")
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _limiter.restore_original_limits()
                _limiter = None
