"""Vertical ground-reaction force from a lower-back sensor: peak and loading rate per step, with an
interval and a reason wherever a value cannot be measured (docs/analysis.md, "Lower-back vGRF").

Newton for the whole body: the vGRF in body weights is the mass-weighted mean specific force of all
segments in g. The sacrum follows the trunk, not the legs, and soft tissue under the sensor rings at
15-20 Hz, so its amplitude is not the force's (on the force-plate trials the sacral spike at a heel
strike reads 1.8 x the plate's impact peak). Timing is robust where amplitude is not:

* **Peak** (running steps: a flight before and after): the impulse over a step is one body weight x
  step time T, all of it delivered during the contact time t_c, so with a force of shape factor
  k = peak / mean during contact, ``vgrf_peak_bw = k T / t_c``; the point value takes the half-sine of
  the spring-mass model, k = pi / 2 (Morin et al. 2005). Interval: k between ``shape_factor_low`` and
  ``shape_factor_high`` (flat-topped, an impact peak merging into the active peak, to peaked) and t_c
  within +-``contact_time_uncertainty_s`` (the sacral contact edges' timing error).
* **Loading rate** (the average vertical loading rate, 20-80 % of the rise to the impact peak, or without
  one to the force at 50 % of stance): a heel strike's impact peak rises in 15-25 ms; below the
  soft-tissue band the trunk sees only its smeared area, and the sacral spike's size belongs to the
  attachment. So where the landing shows a heel-strike shock, or one cannot be excluded
  (trunk_strike.landing_shock_ratio above ``shock_ratio_none``), the loading rate is NaN with the
  reason ``heel_transient``. Without one the force rises smoothly with the body's own loading, which a
  sacral curve below the soft-tissue band resolves: the specific force low-passed at
  ``curve_cutoff_hz`` (the body's loading: a half-sine of 0.2 s holds its energy below 1 / t_c = 5 Hz;
  the tissue mode at 15-20 Hz is 40 dB down), its flight level removed and scaled so that the step's
  impulse is one body weight x T, gives the 20-80 % slope to its value at 50 % of stance. Interval:
  from that measured curve to the symmetric spring-mass curve's 2.596 x peak / t_c (the two differ by
  the skew of the loading: backward running lands soft and takes off hard).

Walking (no flight), steps without a contact or step time, rates below ``min_rate_hz`` (a 40-60 ms rise
needs samples in it) and peaks outside ``max_peak_bw`` give NaN with a reason in ``vgrf_flags``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.filters import in_g, lowpass
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.stepwindows import window_mean

FloatArray = NDArray[np.float64]

#: 20-80 % slope of a half-sine of unit peak over a contact of unit length: 0.6 / (asin(0.8) - asin(0.2)) * pi.
HALF_SINE_LOADING_FACTOR = 0.6 * np.pi / (np.arcsin(0.8) - np.arcsin(0.2))

VGRF_COLUMNS = (
    "vgrf_peak_bw",
    "vgrf_peak_bw_lo",
    "vgrf_peak_bw_hi",
    "vgrf_loading_rate_bw_per_s",
    "vgrf_loading_rate_bw_per_s_lo",
    "vgrf_loading_rate_bw_per_s_hi",
    "vgrf_flags",
)


@dataclass(frozen=True)
class VgrfSettings:
    """Parameters of the lower-back vGRF (physical quantities, see the module docstring)."""

    shape_factor_low: float = 1.4
    shape_factor_high: float = 1.75
    contact_time_uncertainty_s: float = 0.01
    curve_cutoff_hz: float = 5.0
    shock_ratio_none: float = 1.5
    min_rate_hz: float = 100.0
    max_peak_bw: float = 6.0


def sacral_vgrf(
    signals: BodySignals,
    contacts: Contacts,
    timing: pd.DataFrame,
    running: NDArray[np.bool_],
    shock_ratio: FloatArray,
    settings: VgrfSettings | None = None,
) -> pd.DataFrame:
    """Columns VGRF_COLUMNS (BW, BW/s; ``vgrf_flags`` ``;``-separated reasons for NaN values) per contact.

    ``running``: the contacts of running (a flight before and after, in a running bout); ``shock_ratio``:
    trunk_strike's habitual landing shock ratio per contact (NaN: unknown, treated as a possible heel
    transient).
    """
    settings = settings or VgrfSettings()
    m = len(contacts)
    out = {c: np.full(m, np.nan) for c in VGRF_COLUMNS[:-1]}
    flags: list[list[str]] = [[] for _ in range(m)]
    if m == 0:
        return pd.DataFrame({**out, "vgrf_flags": pd.Series([], dtype=object)})
    step = timing["step_time_s"].to_numpy(dtype=float)
    nxt = np.append(step[1:], np.nan)
    step_avg = np.where(np.isfinite(step) & np.isfinite(nxt), (step + nxt) / 2, np.where(np.isfinite(step), step, nxt))
    tc = timing["contact_time_s"].to_numpy(dtype=float)
    run = np.asarray(running, dtype=bool)
    timed = np.isfinite(step_avg) & np.isfinite(tc) & (step_avg > tc)
    rate_ok = signals.fs_hz >= settings.min_rate_hz
    peak = np.pi / 2 * step_avg / np.where(timed, tc, np.nan)
    plausible = peak <= settings.max_peak_bw
    valid = run & timed & plausible & rate_ok
    out["vgrf_peak_bw"] = np.where(valid, peak, np.nan)
    du = settings.contact_time_uncertainty_s
    out["vgrf_peak_bw_lo"] = np.where(valid, settings.shape_factor_low * step_avg / (tc + du), np.nan)
    out["vgrf_peak_bw_hi"] = np.where(valid, settings.shape_factor_high * step_avg / np.maximum(tc - du, du), np.nan)

    ratio = np.asarray(shock_ratio, dtype=float)
    smooth = valid & np.isfinite(ratio) & (ratio <= settings.shock_ratio_none)
    if smooth.any():
        curve = _loading_rate_of_curve(signals, contacts, step_avg, settings)
        spring = HALF_SINE_LOADING_FACTOR * peak / np.where(timed, tc, np.nan)
        ok = smooth & np.isfinite(curve)
        out["vgrf_loading_rate_bw_per_s"] = np.where(ok, curve, np.nan)
        out["vgrf_loading_rate_bw_per_s_lo"] = np.where(ok, np.minimum(curve, spring), np.nan)
        out["vgrf_loading_rate_bw_per_s_hi"] = np.where(ok, np.maximum(curve, spring), np.nan)
    for i in range(m):  # one pass over steps to spell the reasons
        if not run[i]:
            flags[i].append("walking")
        elif not rate_ok:
            flags[i].append("below_min_rate")
        elif not timed[i]:
            flags[i].append("no_contact_time")
        elif not plausible[i]:
            flags[i].append("implausible")
        elif not smooth[i]:
            flags[i].append("heel_transient")
    return pd.DataFrame({**out, "vgrf_flags": pd.Series([";".join(f) for f in flags], dtype=object)})


def _loading_rate_of_curve(
    signals: BodySignals, contacts: Contacts, step_s: FloatArray, settings: VgrfSettings
) -> FloatArray:
    """Average loading rate (BW/s) of the sacral force curve per contact: the vertical specific force
    low-passed at ``curve_cutoff_hz``, minus its mean over the flight after the contact, scaled so that
    its mean from this contact to the next is 1 BW (the impulse of a step); 20-80 % of the rise from its
    lowest value in the first quarter of stance to its value at 50 % of stance."""
    fs = signals.fs_hz
    z = in_g(signals.acc_ms2[:, 2])
    curve = lowpass(z, settings.curve_cutoff_hz, fs)
    ic = contacts.ic_idx.astype(np.int64)
    to = contacts.to_idx.astype(np.int64)
    nxt = np.append(ic[1:], -1)
    has = (to > ic) & (nxt > to)
    floor = window_mean(z, to, nxt)
    mean_step = window_mean(curve, ic, nxt)
    scale = np.where(has, 1.0 / (mean_step - floor), np.nan)
    half = np.maximum((to - ic) // 2, 2)
    offs = np.arange(int(half.max()) + 1)
    idx = np.clip(ic[:, None] + np.minimum(offs[None, :], half[:, None]), 0, z.size - 1)
    seg = (curve[idx] - floor[:, None]) * scale[:, None]
    rows = np.arange(ic.size)
    quarter = np.maximum(half // 2, 1)
    kb = np.argmin(np.where(offs[None, :] <= quarter[:, None], seg, np.inf), axis=1)
    base = seg[rows, kb]
    top = seg[rows, half]
    rise = top - base
    t20 = _crossing(seg, base + 0.2 * rise, kb, half)
    t80 = _crossing(seg, base + 0.8 * rise, kb, half)
    dt = (t80 - t20) / fs
    good = has & (rise > 0) & (dt > 0) & np.isfinite(scale) & (scale > 0)
    return np.where(good, 0.6 * rise / np.where(dt > 0, dt, 1.0), np.nan) * np.where(np.isfinite(step_s), 1.0, np.nan)


def _crossing(seg: FloatArray, level: FloatArray, first: NDArray[np.int64], last: NDArray[np.int64]) -> FloatArray:
    """Fractional column per row where ``seg`` first reaches ``level`` after ``first`` (up to ``last``)."""
    offs = np.arange(seg.shape[1])
    reached = (seg >= level[:, None]) & (offs[None, :] > first[:, None]) & (offs[None, :] <= last[:, None])
    j = np.where(reached.any(axis=1), np.argmax(reached, axis=1), last)
    rows = np.arange(seg.shape[0])
    before = seg[rows, np.maximum(j - 1, 0)]
    after = seg[rows, j]
    step = after - before
    fraction = np.where(step > 0, (level - before) / np.where(step > 0, step, 1.0), 1.0)
    return np.asarray(j - 1 + np.clip(fraction, 0.0, 1.0), dtype=np.float64)
