"""What the fork server imports (``pool.PRELOAD``): ``preload.py`` without cyclic garbage collection, then
frozen (BATCH-22, as PERF-18 does for ``analyze``).

The server's preload (numpy, pandas, pyarrow, the analysis) creates ~140,000 objects that live as long as
the server and every worker forked from it; with the collector on, it scans them again and again while
they are created. Frozen (``gc.freeze``), neither the server nor a forked worker scans them again, and a
worker's collections do not write to (and so copy) the pages they live in. Only the fork server imports
this module; a Dask worker's warm-up imports ``preload.py`` itself and keeps its collector as it is.
"""

from __future__ import annotations

from retrogait.gc_pause import pause, resume

pause()
try:
    import retrogait.batch.preload  # noqa: F401  (loads everything when imported; never raises)
finally:
    resume()
