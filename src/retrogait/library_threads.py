"""The thread-count variables of the numeric libraries (standard library only; PERF-34, BATCH workers).

OpenBLAS, OpenMP, MKL and Accelerate read these when they are loaded (``import numpy``). A process that
only analyses needs none of their threads: the analysis multiplies with one BLAS thread (PERF-4,
``analysis/blas.py``), and OpenBLAS' idle worker, started at numpy's import, spins on the other core
while the process imports pandas (0.09-0.10 s of CPU in an hour's ``retrogait analyze``).
"""

from __future__ import annotations

import os

#: Thread-count variables of the numeric libraries.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def one_thread_each() -> None:
    """Each variable the user left unset set to 1 in this process' environment (so in the processes it starts
    too); call it before numpy is imported. A variable the user set is kept."""
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
