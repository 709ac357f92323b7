"""What a long recording costs in memory, and the refusal of one that would not fit (LONG-2).

Reading and analysing keep the whole recording in memory as float64 arrays plus the analysis' own signals:
about :data:`READ_BYTES_PER_SAMPLE` bytes a sample to read a text table (:data:`BIN_READ_BYTES_PER_SAMPLE` a
GENEActiv ``.bin``) and :data:`ANALYSIS_BYTES_PER_SAMPLE` to analyse it
(measured with ``scripts/bench_long.py`` on 24 h at 100 Hz, the process' own ~150 MB aside). A recording that
needs more than the memory available is refused before the work starts, in one line naming the file, its length
and the memory it needs, and what to do instead (a part with ``--start``/``--end``): the alternative is a machine
that swaps for minutes or a MemoryError traceback.

The memory available is the operating system's "available" figure (Linux's ``/proc/meminfo``, else ``psutil``
where installed), or ``RETROGAIT_MEMORY_GB`` where set (a batch node's share, or a test's small limit). Where
none is known nothing is refused. What a file's size says of its samples, before it is read, is
``retrogait.imports.file_size``.
"""

from __future__ import annotations

import math
import os

from retrogait.errors import RetrogaitError

#: Peak bytes per sample of reading a text table (import to a session), beyond the process' own ...
READ_BYTES_PER_SAMPLE = 200
#: ... and of a GENEActiv ``.bin`` (its pages are decoded a few thousand at a time) ...
BIN_READ_BYTES_PER_SAMPLE = 100
#: ... of which its text and the bounds of its lines, held whole when only a part of it is decoded.
BIN_TEXT_BYTES_PER_SAMPLE = 20
#: What reading the parts of a ``.bin`` one at a time holds beside the part (bytes a sample of the file: its text,
#: its lines' bounds, the reader's temporaries; measured 25-27 on a week, LONG-4, the process' own ~140 MB aside).
BIN_PARTS_TEXT_BYTES_PER_SAMPLE = 30
#: Peak bytes a sample of analysing a GENEActiv CSV export whole, reading included: its timestamps' text decoded at
#: once (a day at 100 Hz: 2,940 MB peak, 324 a sample beyond the process' own; a session file's 174; LONG-6).
GENEACTIV_CSV_ANALYSIS_BYTES_PER_SAMPLE = 340
#: Peak bytes a sample of a part of a text table (a session file, a GENEActiv CSV) read alone and analysed (its
#: bytes, their parse and the analysis), and what analysing such parts one after another holds beside the part, a
#: sample of the file (the steps kept, the allocator's leftovers): measured on 4 h parts at 100 Hz, a day 494-659 MB
#: and a week 885-911 MB beyond the process' own ~140 MB (LONG-6), rounded up.
TEXT_PART_BYTES_PER_SAMPLE = 300
TEXT_PARTS_BESIDE_BYTES_PER_SAMPLE = 15
#: Peak bytes per sample of analysing one (reading included; the report adds little: its traces are decimated).
ANALYSIS_BYTES_PER_SAMPLE = 200
#: What to do when reading does not fit.
READ_INSTEAD = "close other programs or use a machine with more memory"
#: What to do when the analysis does not fit: a part, where the recording can be read (or is read) and cut ...
ANALYSIS_INSTEAD = "analyse it in parts with `retrogait analyze --start S --end S` (seconds from its start)"
#: ... and where even reading it whole would not fit (a text table is read whole before it is cut).
WHOLE_INSTEAD = (
    "it is read whole before a part is cut, so split it into files of fewer rows (each with the header lines), close "
    "other programs or use a machine with more memory"
)
#: ... and where it is gzip-compressed: a stream cannot be sought, so it is read whole (LONG-7).
GZIP_INSTEAD = "a gzip-compressed file is read whole: unzip it (gunzip) and analyse the text, read in parts"
#: The environment variable that sets the memory available (GB) instead of the operating system's figure.
MEMORY_ENV = "RETROGAIT_MEMORY_GB"


def available_bytes() -> int | None:
    """The memory a command may use (bytes): ``RETROGAIT_MEMORY_GB``, else the system's available memory, else
    None (unknown)."""
    said = os.environ.get(MEMORY_ENV, "").strip()
    if said:
        try:
            gb = float(said)
        except ValueError:
            gb = math.nan
        if not (math.isfinite(gb) and gb > 0):
            raise RetrogaitError(f"{MEMORY_ENV}={said!r}: not a positive number of GB")
        return int(gb * 1024**3)
    try:  # Linux: read directly (importing psutil costs ~30 ms a command)
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil
    except ImportError:
        return None
    return int(psutil.virtual_memory().available)


def _gb(n_bytes: float) -> str:
    return f"{n_bytes / 1024**3:.1f} GB" if n_bytes >= 1024**3 else f"{n_bytes / 1024**2:.3g} MB"


def _length(n_samples: int, rate_hz: float | None) -> str:
    if not rate_hz or rate_hz <= 0:
        return f"{n_samples:,} samples"
    seconds = n_samples / rate_hz
    for unit, size in (("days", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= (2 if unit == "days" else 1) * size:
            return f"{seconds / size:.1f} {unit} at {rate_hz:g} Hz ({n_samples:,} samples)"
    return f"{seconds:.0f} s at {rate_hz:g} Hz ({n_samples:,} samples)"


def check_fits(
    display: str | os.PathLike[str],
    n_samples: int,
    rate_hz: float | None,
    bytes_per_sample: int,
    doing: str,
    instead: str,
    about: bool = False,
    need_bytes: int | None = None,
) -> None:
    """Refuse (RetrogaitError, one line) ``doing`` ``n_samples`` of ``display`` when it needs more memory than is
    available, saying what to do ``instead``; ``about``: the count is an estimate from the file's size;
    ``need_bytes``: the memory needed where it is not ``n_samples * bytes_per_sample``."""
    available = available_bytes()
    need = n_samples * bytes_per_sample if need_bytes is None else need_bytes
    if available is None or need <= available:
        return
    length = ("about " if about else "") + _length(n_samples, rate_hz)
    raise RetrogaitError(
        f"{display}: {length} needs about {_gb(need)} of memory to {doing}, {_gb(available)} available: {instead}"
    )
