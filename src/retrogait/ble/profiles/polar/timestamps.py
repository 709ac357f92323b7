"""Per-sample timestamps of Polar PMD frames, as the SDK reconstructs them (PmdTimeStampUtils)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def sample_timestamps_ns(
    frame_ts_ns: NDArray[np.int64],
    samples_per_frame: NDArray[np.int64],
    prev_ts_ns: int | None,
    rate_hz: float,
    gap_factor: float = 1.5,
) -> NDArray[np.int64]:
    """Per-sample timestamps (ns) as the Polar SDK reconstructs them, vectorised over frames.

    The last sample of a frame has the frame time; earlier ones are spread evenly since the previous
    frame's time, or at the nominal period for the first frame and after a gap (lost frames: the
    spacing would exceed ``gap_factor`` nominal periods) so a gap stays a gap.
    """
    n = samples_per_frame.astype(np.int64)
    if n.size == 0:
        return np.zeros(0, dtype=np.int64)
    prev = np.empty_like(frame_ts_ns)
    prev[1:] = frame_ts_ns[:-1]
    prev[0] = -1 if prev_ts_ns is None or prev_ts_ns <= 0 else prev_ts_ns
    nominal_ns = 1e9 / rate_hz
    spacing = (frame_ts_ns - prev).astype(np.float64) / n
    use_prev = (prev > 0) & (spacing > 0) & (spacing <= gap_factor * nominal_ns)
    delta = np.where(use_prev, spacing, nominal_ns)
    k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)  # index within frame
    n_rep = np.repeat(n, n)
    d = np.repeat(delta, n)
    prev_mode = np.repeat(use_prev, n)
    out = np.repeat(frame_ts_ns, n)  # the last sample of each frame keeps the frame time
    a = prev_mode & (k < n_rep - 1)
    out[a] = np.repeat(prev, n)[a] + np.rint(d[a] * (k[a] + 1)).astype(np.int64)
    b = ~prev_mode & (k < n_rep - 1)
    out[b] -= np.rint(d[b] * (n_rep[b] - 1 - k[b])).astype(np.int64)
    return out
