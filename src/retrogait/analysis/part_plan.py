"""How a recording too long for the memory is cut into parts before it is read (LONG-4; the parts' analysis and
join are ``analysis/parts.py``). Light: the command plans before the analysis is imported."""

from __future__ import annotations

import math
import os

from retrogait.imports.file_size import analysis_fits, estimated_samples, gzip_estimate
from retrogait.memory import (
    ANALYSIS_BYTES_PER_SAMPLE,
    BIN_PARTS_TEXT_BYTES_PER_SAMPLE,
    GZIP_INSTEAD,
    READ_INSTEAD,
    TEXT_PART_BYTES_PER_SAMPLE,
    TEXT_PARTS_BESIDE_BYTES_PER_SAMPLE,
    available_bytes,
    check_fits,
)

#: The core of a part (s) by default: 4 h at 100 Hz is 1.44 M samples, ~290 MB to analyse (memory.py).
PART_S = 4 * 3600.0
#: The recording analysed beyond each seam on both sides (s): longer than any span the analysis reads across
#: samples or steps -- the bouts' largest contact gap (4 s on one leg), the still window (seconds), the filters
#: and period windows (seconds), the gyroscope stretches' margins (5 s) -- so the steps at a seam are found as in
#: the whole recording; the direction's chain over steps is the one span that can reach further (module doc).
OVERLAP_S = 120.0
#: The shortest core (s) a part may have: a part of less is mostly overlap, analysed twice over.
MIN_PART_S = OVERLAP_S


def analysis_parts(path: str | os.PathLike[str]) -> float | None:
    """The core of the parts (s) to analyse ``path`` in (LONG-4) where its size says it is too long to analyse whole
    in the memory available and its reader reads a part alone (a GENEActiv ``.bin``; a session file or GENEActiv
    CSV, LONG-6): the longest of at most ``PART_S`` whose part (its overlaps included) fits (beside a ``.bin``'s
    text); None where it fits whole. Refused in one line where it fits neither whole nor in parts of
    ``MIN_PART_S``, or cannot be read in parts (another text table is read whole)."""
    estimate = estimated_samples(path)
    if estimate is None:  # a gzip stream cannot be sought for a part: read whole, refused where it does not fit
        packed = gzip_estimate(path)
        if packed is not None:
            check_fits(path, packed.n, packed.rate_hz, packed.analysis_bytes_per_sample, "analyse", GZIP_INSTEAD, True)
        return None
    whole = estimate.n * estimate.analysis_bytes_per_sample
    available = available_bytes()
    if available is None or whole <= available:
        return None
    if not estimate.reads_part or not estimate.rate_hz:
        analysis_fits(path)  # refused: a text table is read whole before a part is cut
        return None
    bin_file = bool(estimate.whole_text_bytes)
    per_s = estimate.rate_hz * (ANALYSIS_BYTES_PER_SAMPLE if bin_file else TEXT_PART_BYTES_PER_SAMPLE)
    text = estimate.n * (BIN_PARTS_TEXT_BYTES_PER_SAMPLE if bin_file else TEXT_PARTS_BESIDE_BYTES_PER_SAMPLE)
    part_s = part_core_s(available - text, per_s)
    if part_s < MIN_PART_S:
        need = text + int((1.5 * MIN_PART_S + 2 * OVERLAP_S) * per_s)
        check_fits(path, estimate.n, estimate.rate_hz, 0, "analyse in parts", READ_INSTEAD, True, need_bytes=need)
    return part_s


def part_core_s(available: float, per_s: float) -> float:
    """The longest core (s) of at most ``PART_S`` whose part fits in ``available`` bytes at ``per_s`` bytes a second
    of it: the longest read is the last part, up to 1.5 cores (what remains), with an overlap either side
    (``parts.analyze_in_parts``); whole 10-minute steps from 10 minutes on."""
    part_s = min(PART_S, (available / per_s - 2 * OVERLAP_S) / 1.5)
    return math.floor(part_s / 600.0) * 600.0 if part_s >= 600.0 else part_s
