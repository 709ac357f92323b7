"""What the fork server loads once for every local worker it forks (BATCH-13, BATCH-19).

A worker forked from the server starts with these modules and caches in memory, so its first session
costs what its later ones do: the analysis, the readers of every format, the worker's Arrow writer
(``pyarrow.parquet``, 0.05 s), threadpoolctl's view of the BLAS (PERF-4) and what pandas loads on the first
call of ``to_dict`` and ``to_parquet`` (BATCH-31). Imported only by the fork
server (``pool.PRELOAD``); a failure here must not stop the server, since each worker imports what it
needs again and reports a real failure with the session it belongs to.
"""

from __future__ import annotations

import contextlib
import importlib


def warm() -> None:
    """Import and cache what a worker's first session would otherwise load itself."""
    import encodings.ascii  # (a codec a session's reading looks up)
    import encodings.utf_8_sig  # noqa: F401  (the session reader's encoding)
    import tomllib  # noqa: F401  (settings_toml's reader)

    import numpy.char  # numpy loads these two on first use of np.char, np.fft
    import numpy.fft  # noqa: F401

    import retrogait.analysis.part_plan  # (whether a recording is analysed in parts)
    import retrogait.analysis.pipeline
    import retrogait.analysis.settings_toml  # (the user's max_acc_g for the units' check)
    import retrogait.imports.loading  # noqa: F401  (the readers of every format)
    from retrogait.analysis.blas import blas_controller
    from retrogait.batch.worker import steps_suffix

    blas_controller()
    # pandas' own modules loaded on the first call of DataFrame.to_dict and to_parquet (BATCH-31); private names,
    # so one that a pandas version moves is only not preloaded
    lazy = ["pandas.core.methods.to_dict"]
    if steps_suffix() == ".parquet":  # imports pyarrow.parquet where it works; the answer is cached
        lazy += ["pyarrow.pandas_compat", "pyarrow.vendored.version", "pandas.core.arrays.arrow.extension_types"]
    for name in lazy:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _quiet_when_batch_gone() -> None:
    from retrogait.batch.lifeline import quiet_when_batch_gone

    quiet_when_batch_gone()  # a worker forked while the batch ends on Ctrl-C: no traceback (EDGE-7)


with contextlib.suppress(Exception):
    _quiet_when_batch_gone()

with contextlib.suppress(Exception):  # an optimisation only: the worker meets and reports the same failure
    warm()
