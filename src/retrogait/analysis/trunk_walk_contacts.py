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

The double-support hump holds a second upward kink: the trailing leg's toe-off, a double support
(0.1-0.2 s) after the contact, where its falling force stops falling. The step peak (the 0.3-4 Hz
band's maximum) is the hump's centre; in a fast walk, whose push-off rises as high as the loading, it
falls at or before the contact, and a window ending there holds neither kink: the largest left is the
single-support rise, 100-150 ms early. So where the kink before the peak is weak against the hump's
largest up to ``contacts.walk_after_fraction`` step periods after it, the contact is the hump's first
strong kink (at least ``contacts.walk_weak_kink_fraction`` of the largest): before the toe-off (CONTACT-1).
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
    after_fraction: float = 0.0,
    weak_fraction: float = 0.0,
    gap: NDArray[np.bool_] | None = None,
) -> NDArray[np.int64]:
    """Walking IC (sample index) around each step peak: the largest upward kink of the force before it,
    or, where that kink is weak, the first strong one of the whole double-support hump.

    ``edge_g``: (n,) vertical specific force (g), low-passed (contacts ``edge_cutoff_hz``);
    ``peaks``: (m,) step-peak sample indices; ``period_s``: (n,) local step period (s). The window
    runs from the single-support minimum (the lowest force within ``search_fraction`` step periods
    before the peak) to the peak; in it the contact is the largest second difference of the force less
    its sag (g per sample squared; the sag: ``edge_g`` low-passed at ``sag_cutoff_factor`` times the
    median step frequency of the peaks), the sample where its slope increases most. Where that kink is
    below ``weak_fraction`` of the largest one up to ``after_fraction`` step periods after the peak (the
    step peak fell at or before the contact), the contact is the first local maximum of the kink that
    reaches that fraction: the hump's earliest strong slope jump, before the trailing leg's toe-off
    (CONTACT-1). Past the peak the window holds only while the force stays above the single-support
    minimum (the hump: a fall back to it, the next single support or a sit-down, ends the step).
    ``weak_fraction`` = 0 or ``after_fraction`` = 0: the window ends at the peak. ``gap``: (n,) samples
    interpolated across a recording gap: a step whose window before its peak reaches one has its single
    support, and so its contact, unmeasured (the interpolation's edge reads as a kink) and gets -1.
    """
    n = edge_g.size
    if peaks.size == 0:
        return np.zeros(0, dtype=np.int64)
    collision = edge_g - lowpass(edge_g, sag_cutoff_factor / float(np.median(period_s[peaks])), fs_hz)
    kink = np.zeros(n)
    kink[1:-1] = collision[2:] - 2.0 * collision[1:-1] + collision[:-2]
    del collision
    back = np.maximum((search_fraction * period_s[peaks] * fs_hz).astype(np.int64), 2)
    fwd = np.maximum((after_fraction * period_s[peaks] * fs_hz).astype(np.int64), 0)
    offs = np.arange(int(back.max()) + int(fwd.max()) + 1)
    block = max(WINDOW_BLOCK_SAMPLES // offs.size, 1)
    out = np.empty(peaks.size, dtype=np.int64)
    for lo in range(0, peaks.size, block):  # a block of steps' windows at a time (PERF-20), not per sample
        p, b, f = peaks[lo : lo + block], back[lo : lo + block], fwd[lo : lo + block]
        rows = np.arange(p.size)
        pos = p[:, None] - b[:, None] + offs[None, :]
        idx = np.clip(np.minimum(pos, (p + f)[:, None]), 0, n - 1)
        before = pos <= p[:, None]
        force = edge_g[idx]
        low = np.argmin(np.where(before, force, np.inf), axis=1)  # single-support minimum
        in_hump = np.minimum.accumulate(np.where(before, np.inf, force), axis=1) > force[rows, low][:, None]
        kink_w = np.where((offs[None, :] >= low[:, None]) & (before | in_hump), kink[idx], -np.inf)
        best = np.argmax(np.where(before, kink_w, -np.inf), axis=1)
        top = kink_w.max(axis=1)
        strong = kink_w >= weak_fraction * top[:, None]
        weak = (weak_fraction > 0.0) & (top > 0.0) & (kink_w[rows, best] < weak_fraction * top)
        # the first strong sample, climbed to its local maximum (the kink stops rising)
        first = np.argmax(strong, axis=1)
        stops = np.append(kink_w[:, 1:] <= kink_w[:, :-1], np.ones((p.size, 1), dtype=bool), axis=1)
        crest = np.argmax(stops & (offs[None, :] >= first[:, None]), axis=1)
        out[lo : lo + block] = idx[rows, np.where(weak, crest, best)]
        if gap is not None:
            out[lo : lo + block][(gap[idx] & before).any(axis=1)] = -1
    return out
