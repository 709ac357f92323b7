"""The landing's impact transient in the z acceleration: stance windows, prominence and duration.

Shared by foot-strike classification (footstrike.py), the direction module's facing check (a heel
landing is sharp whichever way the frame faces) and the reversed-axis check; the pipeline measures it
once per analysis (:class:`LandingTransients`) and hands it to all three. z is the segment's long axis
for the shank and the vertical for the lower back and foot.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from retrogait.analysis.settings import TransientSettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.stepwindows import FloatArray, IntArray, window_argmax, window_matrix
from retrogait.analysis.zupt import moving_average
from retrogait.samples import nearest_samples


@dataclass(frozen=True)
class LandingTransients:
    """The impact transient of every contact, each measure computed on first use and then kept.

    Attributes:
        signals, contacts: what the transients are measured in.
        settings: the transient settings (default: the placement's preset).
    """

    signals: BodySignals
    contacts: Contacts
    settings: TransientSettings | None = None

    @cached_property
    def prominence(self) -> FloatArray:
        """(m,) impact_transient_prominence (fraction of the active peak)."""
        prominence = impact_transient_prominence(self.signals, self.contacts, self.settings, self._landings)
        self._done_with_landings("width_ms")
        return prominence

    @cached_property
    def width_ms(self) -> FloatArray:
        """(m,) impact_transient_width_ms (ms)."""
        width = impact_transient_width_ms(self.signals, self.contacts, self.settings, self._landings)
        self._done_with_landings("prominence")
        return width

    @cached_property
    def _landings(self) -> _Landings:
        """What both measures start from, taken once (PERF-44); dropped once both are kept."""
        return _landings(self.signals, self.contacts, self.settings)

    def _done_with_landings(self, other: str) -> None:
        """Drop :attr:`_landings` (an (n,) signal) once the ``other`` measure is kept too."""
        if other in self.__dict__:
            self.__dict__.pop("_landings", None)


class _Landings(NamedTuple):
    """The z acceleration minus its 2 s mean (``dyn``, m/s^2, (n,)), each stance's [start, stop) sample and the
    highest sample of its first ``search_stance_fraction`` (``peak``, -1 where none): what the transient's
    prominence and width both measure from."""

    dyn: FloatArray
    start: IntArray
    stop: IntArray
    peak: IntArray


def _landings(signals: BodySignals, contacts: Contacts, settings: TransientSettings | None = None) -> _Landings:
    """:class:`_Landings` of these contacts."""
    settings = settings or preset(signals.placement).transient
    fs = signals.fs_hz
    z = signals.acc_ms2[:, 2]
    dyn = z - moving_average(z, nearest_samples(2.0, fs))
    start, stop = stance_windows(signals, contacts, settings)
    length = stop - start
    early_stop = start + np.maximum(np.round(settings.search_stance_fraction * length).astype(np.int64), 2)
    peak = window_argmax(dyn, start, early_stop, max_len=nearest_samples(0.2, fs))
    return _Landings(dyn, start, stop, peak)


def stance_windows(
    signals: BodySignals, contacts: Contacts, settings: TransientSettings | None = None
) -> tuple[IntArray, IntArray]:
    """[start, stop) sample of each stance: toe-off when known, else ``fallback_stance_s`` but never
    past 60 % of the way to the next contact of either leg."""
    settings = settings or preset(signals.placement).transient
    ic = contacts.ic_idx.astype(np.int64)
    to = contacts.to_idx.astype(np.int64)
    fallback = ic + nearest_samples(settings.fallback_stance_s, signals.fs_hz)
    nxt = np.append(ic[1:], np.iinfo(np.int64).max // 2)
    fallback = np.minimum(fallback, ic + (0.6 * (nxt - ic)).astype(np.int64))
    stop = np.where(to > ic, to, fallback)
    return ic, stop


def impact_transient_prominence(
    signals: BodySignals,
    contacts: Contacts,
    settings: TransientSettings | None = None,
    landings: _Landings | None = None,
) -> FloatArray:
    """Height of the impact transient over the smooth loading curve, as a fraction of the smooth
    active peak, per contact (NaN when the stance is too short to tell).

    The signal is the acceleration along z (shank: the tibial axis; lower back and foot: vertical)
    minus its 2 s mean (which removes gravity and any offset). The smooth curve is a moving average
    over a quarter of the typical stance; the transient is the highest raw sample in the first
    ``search_stance_fraction`` of stance. ``landings``: :func:`_landings` of the same, if already taken."""
    fs = signals.fs_hz
    dyn, start, stop, peak_idx = landings or _landings(signals, contacts, settings)
    length = stop - start
    typical = float(np.median(length)) if length.size else 0.0
    smooth = moving_average(dyn, max(round(0.25 * typical), 1))
    vals, mask = window_matrix(smooth, start, stop, fill=-np.inf, max_len=nearest_samples(0.6, fs))
    active = vals.max(axis=1) if vals.size else np.full(len(contacts), np.nan)
    ok = (peak_idx >= 0) & (length >= 5) & (active > 0) & mask.any(axis=1)
    safe = np.maximum(peak_idx, 0)
    prominence = (dyn[safe] - smooth[safe]) / np.where(active > 0, active, np.nan)
    return np.where(ok, prominence, np.nan)


def impact_transient_width_ms(
    signals: BodySignals,
    contacts: Contacts,
    settings: TransientSettings | None = None,
    landings: _Landings | None = None,
) -> FloatArray:
    """Full width at half maximum (ms) of the impact transient: the highest sample of the first
    ``search_stance_fraction`` of stance (z acceleration minus its 2 s mean) and the run of samples
    around it above half its height. How long the landing takes to stop the leg: the heel pad
    stops it in ~10 ms, a forefoot landing lets the ankle yield for ~30-40 ms. NaN without a
    positive transient. ``landings``: :func:`_landings` of the same, if already taken."""
    fs = signals.fs_hz
    dyn, _, _, peak = landings or _landings(signals, contacts, settings)
    safe = np.maximum(peak, 0)
    before, after = nearest_samples(0.06, fs), nearest_samples(0.1, fs)
    vals, mask = window_matrix(dyn, safe - before, safe + after + 1)
    centre = np.minimum(safe, before)  # column of the peak (windows clipped at the signal start)
    height = dyn[safe]
    above = mask & (vals > 0.5 * height[:, None])
    cols = np.arange(vals.shape[1])[None, :]
    below_right = ~above & (cols > centre[:, None])
    below_left = ~above & (cols < centre[:, None])
    right = np.where(below_right.any(axis=1), np.argmax(below_right, axis=1), vals.shape[1])
    left = np.where(below_left.any(axis=1), vals.shape[1] - 1 - np.argmax(below_left[:, ::-1], axis=1), -1)
    width = (right - left - 1) / fs * 1000.0
    return np.where((peak >= 0) & (height > 0), width, np.nan)
