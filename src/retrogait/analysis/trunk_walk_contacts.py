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
    back = np.maximum((search_fraction * period_s[peaks] * fs_hz).astype(np.int64), 2)
    offs = np.arange(int(back.max()) + 1)
    idx = np.clip(np.minimum(peaks[:, None] - back[:, None] + offs[None, :], peaks[:, None]), 0, n - 1)
    rows = np.arange(peaks.size)
    low = np.argmin(edge_g[idx], axis=1)  # single-support minimum
    collision = edge_g - lowpass(edge_g, sag_cutoff_factor / float(np.median(period_s[peaks])), fs_hz)
    kink = np.zeros(n)
    kink[1:-1] = collision[2:] - 2.0 * collision[1:-1] + collision[:-2]
    kink_w = np.where(offs[None, :] >= low[:, None], kink[idx], -np.inf)
    return np.asarray(idx[rows, np.argmax(kink_w, axis=1)], dtype=np.int64)
