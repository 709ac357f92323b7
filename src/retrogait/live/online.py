"""Online steps: a causal step detector that reuses the offline analysis stages.

Samples (host clock) go into a rolling window of ``OnlineSettings.window_s``. When it is due, the
window is handed to the very stages ``retrogait.analyze`` runs (preprocess -> contacts -> timing ->
impact -> direction), so every definition and setting is the offline one; only samples already
received are used. A contact found in the window is committed (final, reported once) when the
stance it starts is complete inside the window: its toe-off lies ``commit_after_toe_off_s`` before
the newest sample, or ``max_wait_s`` has passed without a toe-off. Contacts are committed in time
order; one within ``min_separation_s`` of a committed contact is that contact found again.

The body frame: preprocessing takes the vertical from still stretches of its input (the quiet
standing a recording starts with, docs/sensors.md), else from the mean over all of it. A window in
the middle of a run has no still stretch, and its mean tilts with the gait in it (backward running
reads ~10 % higher impacts in a window of its own than in the whole session). So the detector keeps
the latest still stretch it has seen (``still_reference_s`` of it) and puts it in front of a window
that has none: the window is analysed in the same standing frame as the whole recording.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.contacts import detect_contacts
from retrogait.analysis.direction import step_directions
from retrogait.analysis.filters import in_g
from retrogait.analysis.impact import impact_load, step_timing
from retrogait.analysis.preprocess import preprocess, still_mask
from retrogait.analysis.settings import AnalysisSettings
from retrogait.errors import RetrogaitError
from retrogait.live.settings import OnlineSettings
from retrogait.session import Session, SessionMeta

#: Placements whose sensor sees the landings of its own leg only (one contact per stride).
ONE_LEG = ("foot", "shank")
#: Committed contacts remembered for the step-time and scheduling estimates.
_HISTORY = 16


@dataclass(frozen=True)
class LiveStep:
    """One committed contact (all times on the recording's host clock, s).

    Attributes:
        ic_time_s: initial contact.
        to_time_s: toe-off (NaN when not found).
        peak_time_s: time of the impact peak sample (NaN without an impact).
        impact_peak_g: offline definition (impact.py): body-z acceleration minus 1 g, peak over the
            first half of stance (g).
        direction: ``forward``, ``backward`` or ``unknown`` (direction.py, over the window's steps).
        direction_confidence: posterior probability of that direction (0..1).
        side: ``left``, ``right`` or ``unknown``.
        step_time_s: time since the previous committed contact (one-leg placements: half the
            stride), NaN after a pause or for the first contact.
        ready_time_s: time of the newest sample when the contact became final.
    """

    ic_time_s: float
    to_time_s: float
    peak_time_s: float
    impact_peak_g: float
    direction: str
    direction_confidence: float
    side: str
    step_time_s: float
    ready_time_s: float

    @property
    def cadence_spm(self) -> float:
        """60 / this step's time (steps/min); NaN without a step time."""
        return 60.0 / self.step_time_s if np.isfinite(self.step_time_s) and self.step_time_s > 0 else float("nan")


def analyse_window(
    session: Session, placement: str, side: str | None, anterior_axis: str | None, settings: AnalysisSettings
) -> pd.DataFrame:
    """The offline stages, with the offline settings, on one window: ``ic_time_s, to_time_s,
    impact_peak_g, peak_time_s, direction, direction_confidence, side`` per contact (times on the
    window's clock); empty when the window cannot be analysed (too short, flat: the offline refusals)."""
    columns = ["ic_time_s", "to_time_s", "impact_peak_g", "peak_time_s", "direction", "direction_confidence", "side"]
    try:
        signals = preprocess(
            session, placement, side, anterior_axis, settings=settings.preprocess, still=settings.still
        )
    except RetrogaitError:
        return pd.DataFrame(columns=columns)
    contacts = detect_contacts(signals, settings.contacts, settings.still)
    if len(contacts) == 0:
        return pd.DataFrame(columns=columns)
    timing = step_timing(signals, contacts, settings.timing)
    load = impact_load(signals, contacts, timing, settings.impact)
    direction = step_directions(signals, contacts, settings.direction)
    peak = load["impact_peak_g"].to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            "ic_time_s": timing["ic_time_s"].to_numpy(dtype=float),
            "to_time_s": timing["to_time_s"].to_numpy(dtype=float),
            "impact_peak_g": peak,
            "peak_time_s": _peak_times(signals.t_s, in_g(signals.acc_ms2[:, 2]) - 1.0, contacts.ic_idx, peak),
            "direction": direction["direction"].to_numpy(),
            "direction_confidence": direction["direction_confidence"].to_numpy(dtype=float),
            "side": contacts.side.astype(object),
        }
    )
    return out


def _peak_times(
    t: NDArray[np.float64], axis_g: NDArray[np.float64], ic: NDArray[np.int64], peak: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Time of the first sample at or after each contact whose value is its reported impact peak."""
    out = np.full(ic.size, np.nan)
    for i, (start, value) in enumerate(zip(ic.tolist(), peak.tolist(), strict=True)):
        if np.isfinite(value):
            hit = np.flatnonzero(np.abs(axis_g[start:] - value) <= 1e-9 * max(1.0, abs(value)))
            if hit.size:
                out[i] = t[start + hit[0]]
    return out


class OnlineStepDetector:
    """Commits contacts from a live stream using only the samples received so far.

    Args:
        placement, side, anterior_axis: as the session header would give them.
        sample_rate_hz: nominal rate of the stream (Hz).
        acc_range_g: the sensor's range (±g), for the clipping flags, or None.
        settings: window and commit rule.
        analysis: the offline settings the stages run with (default: the placement's preset, as
            ``retrogait analyze`` uses).
    """

    def __init__(
        self,
        placement: str,
        sample_rate_hz: float,
        side: str | None = None,
        anterior_axis: str | None = None,
        acc_range_g: float | None = None,
        settings: OnlineSettings | None = None,
        analysis: AnalysisSettings | None = None,
    ) -> None:
        self.settings = settings or OnlineSettings()
        self.analysis = analysis or AnalysisSettings.for_placement(placement)
        self.placement = placement
        self.side = side
        self.anterior_axis = anterior_axis
        self.meta = SessionMeta(placement, sample_rate_hz, side=side, acc_range_g=acc_range_g)
        self._t = np.zeros(0)
        self._acc = np.zeros((0, 3))
        self._gyr: NDArray[np.float64] | None = None
        self._last_run_s = -np.inf
        self._committed: list[LiveStep] = []
        self._still: tuple[NDArray[np.float64], NDArray[np.float64] | None] | None = None
        self.runs = 0

    @property
    def newest_s(self) -> float:
        """Time of the newest sample received (s; -inf before any)."""
        return float(self._t[-1]) if self._t.size else -np.inf

    def feed(self, t_s: NDArray[np.float64], acc_ms2: NDArray[np.float64], gyr_dps: NDArray[np.float64] | None) -> None:
        """Append samples (host clock s, m/s^2 with gravity, deg/s or None), in time order."""
        if t_s.size == 0:
            return
        if self._t.size == 0:
            self._gyr = np.zeros((0, 3)) if gyr_dps is not None else None
        keep = self._t >= float(t_s[-1]) - self.settings.window_s
        self._t = np.concatenate([self._t[keep], t_s])
        self._acc = np.concatenate([self._acc[keep], acc_ms2])
        if self._gyr is not None:
            new_gyr = gyr_dps if gyr_dps is not None else np.full((t_s.size, 3), np.nan)
            self._gyr = np.concatenate([self._gyr[keep], new_gyr])

    def due(self) -> bool:
        """Whether the window should be analysed now (hop passed, or the next contact is expected ready)."""
        s = self.settings
        newest = self.newest_s
        since = newest - self._last_run_s
        if since < s.min_interval_s:
            return False
        expected = self._expected_ready_s()
        return since >= s.hop_s or self._last_run_s < expected <= newest

    def _expected_ready_s(self) -> float:
        """When the next contact should become final, from the recent committed ones (inf if unknown)."""
        recent = self._committed[-_HISTORY:]
        if len(recent) < 3:
            return np.inf
        ic = np.asarray([c.ic_time_s for c in recent])
        delay = np.median([c.ready_time_s - c.ic_time_s for c in recent])
        return float(ic[-1] + np.median(np.diff(ic)) + delay)

    def step(self, final: bool = False) -> list[LiveStep]:
        """Analyse the window and return the contacts that became final (oldest first).

        ``final``: the recording ended; every contact found is committed.
        """
        s = self.settings
        if self._t.size < 2:
            return []
        self._last_run_s = self.newest_s
        self.runs += 1
        gyr = self._gyr if self._gyr is not None and np.isfinite(self._gyr).all() else None
        t, acc, gyr = self._with_still_reference(self._t, self._acc, gyr)
        t0 = float(self._t[0])
        session = Session(t - t0, acc, gyr, self.meta)
        found = analyse_window(session, self.placement, self.side, self.anterior_axis, self.analysis)
        end = self.newest_s
        new: list[LiveStep] = []
        last_ic = self._committed[-1].ic_time_s if self._committed else -np.inf
        col = {c: found[c].to_numpy() for c in found.columns}
        for i in range(len(found)):
            ic, to = float(col["ic_time_s"][i]) + t0, float(col["to_time_s"][i]) + t0
            if ic <= last_ic + s.min_separation_s:
                continue  # committed already (or older than the newest committed contact)
            ready_at = to + s.commit_after_toe_off_s if np.isfinite(to) and to > ic else ic + s.max_wait_s
            if ready_at > end and not final:
                break  # later contacts wait as well: contacts are committed in order
            step = LiveStep(
                ic_time_s=ic,
                to_time_s=to,
                peak_time_s=float(col["peak_time_s"][i]) + t0,
                impact_peak_g=float(col["impact_peak_g"][i]),
                direction=str(col["direction"][i]),
                direction_confidence=float(col["direction_confidence"][i]),
                side=str(col["side"][i]),
                step_time_s=self._step_time(ic, last_ic),
                ready_time_s=min(ready_at, end),
            )
            new.append(step)
            self._committed.append(step)
            last_ic = ic
        del self._committed[:-_HISTORY]
        return new

    def _with_still_reference(
        self, t: NDArray[np.float64], acc: NDArray[np.float64], gyr: NDArray[np.float64] | None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
        """The window, with the latest still stretch seen before it in front when it has none itself."""
        rate = self.meta.sample_rate_hz
        need = round(self.settings.still_reference_s * rate)
        still = np.flatnonzero(still_mask(acc, rate, self.analysis.still.window_s, self.analysis.still.std_ms2))
        if still.size >= need:
            run_end = still[-1] + 1  # the latest still run of the window becomes the reference
            keep = still[(still >= run_end - need)]
            if keep.size == need and keep[-1] - keep[0] == need - 1:
                self._still = (acc[keep].copy(), gyr[keep].copy() if gyr is not None else None)
            return t, acc, gyr
        if self._still is None or (gyr is None) != (self._still[1] is None):
            return t, acc, gyr
        ref_acc, ref_gyr = self._still
        ref_t = t[0] - np.arange(ref_acc.shape[0], 0, -1) / rate
        joined_gyr = np.concatenate([ref_gyr, gyr]) if gyr is not None and ref_gyr is not None else None
        return np.concatenate([ref_t, t]), np.concatenate([ref_acc, acc]), joined_gyr

    def _step_time(self, ic: float, previous_ic: float) -> float:
        interval = ic - previous_ic
        timing = self.analysis.timing  # the offline step-time limits (impact.step_timing)
        if self.placement in ONE_LEG:
            return interval / 2.0 if interval <= timing.max_stride_time_s else float("nan")
        return interval if interval <= timing.max_step_time_s else float("nan")
