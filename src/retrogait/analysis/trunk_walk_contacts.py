"""Lower-back walking initial contacts: the onset of the leading leg's collision (issue 15, IMPACT-6).

In single support the trunk vaults over the stance leg and its vertical specific force falls to a
minimum; the trailing leg's push-off then lifts it gently. At initial contact a second force source
starts: the leading leg's ground force, which leaves zero with a finite slope (a heel strike steeply,
a flat or forefoot landing and a slow walker gently). So the total vertical force, and with it the
sacral vertical specific force, has a **kink** at initial contact: its slope jumps up by the landing
leg's loading rate. The kink is where the second derivative peaks. Unlike the steepest point of the
rise (the contact marker before IMPACT-6), it does not move later when the loading is slower (a gentle
rise peaks in slope half-way up, 10-40 ms after the contact) and a zero-phase filter leaves it where it
is; it is direction-free (vertical force only), so backward walking is covered.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.filters import lowpass

#: Step windows searched at once, times their length in samples (bounds the window matrices at high rates;
#: changes no result, so not an analysis setting; PERF-20).
WINDOW_BLOCK_SAMPLES = 1 << 17


def collision_onsets(
    edge_g: NDArray[np.float64],
    peaks: NDArray[np.int64],
    period_s: NDArray[np.float64],
    fs_hz: float,
    search_fraction: float,
    sag_cutoff_factor: float,
) -> NDArray[np.int64]:
    """Walking IC (sample index) before each step peak: the largest upward kink of the force.

    ``edge_g``: (n,) vertical specific force (g), low-passed (contacts ``edge_cutoff_hz``);
    ``peaks``: (m,) step-peak sample indices; ``period_s``: (n,) local step period (s). The window
    runs from the single-support minimum (the lowest force within ``search_fraction`` step periods
    before the peak) to the peak; in it the contact is the largest second difference of the force less
    its sag (g per sample squared; the sag: ``edge_g`` low-passed at ``sag_cutoff_factor`` times the
    median step frequency of the peaks), the sample where its slope increases most.
    """
    n = edge_g.size
    if peaks.size == 0:
        return np.zeros(0, dtype=np.int64)
    collision = edge_g - lowpass(edge_g, sag_cutoff_factor / float(np.median(period_s[peaks])), fs_hz)
    kink = np.zeros(n)
    kink[1:-1] = collision[2:] - 2.0 * collision[1:-1] + collision[:-2]
    del collision
    back = np.maximum((search_fraction * period_s[peaks] * fs_hz).astype(np.int64), 2)
    offs = np.arange(int(back.max()) + 1)
    block = max(WINDOW_BLOCK_SAMPLES // offs.size, 1)
    out = np.empty(peaks.size, dtype=np.int64)
    for lo in range(0, peaks.size, block):  # a block of steps' windows at a time (PERF-20), not per sample
        p, b = peaks[lo : lo + block], back[lo : lo + block]
        idx = np.clip(np.minimum(p[:, None] - b[:, None] + offs[None, :], p[:, None]), 0, n - 1)
        low = np.argmin(edge_g[idx], axis=1)  # single-support minimum
        kink_w = np.where(offs[None, :] >= low[:, None], kink[idx], -np.inf)
        out[lo : lo + block] = idx[np.arange(p.size), np.argmax(kink_w, axis=1)]
    return out
