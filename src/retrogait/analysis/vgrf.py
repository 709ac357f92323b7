"""Vertical ground-reaction force from a lower-back sensor: peak and loading rate per step, with an
interval and a reason wherever a value cannot be measured (docs/analysis.md, "Lower-back vGRF").

Newton for the whole body: the vGRF in body weights is the mass-weighted mean specific force of all
segments in g. The sacrum follows the trunk, not the legs, and soft tissue under the sensor rings at
15-20 Hz, so its amplitude is not the force's (on the force-plate trials the sacral spike at a heel
strike reads 1.8 x the plate's impact peak). Timing is robust where amplitude is not:

* **Peak** (running steps: a flight before and after): the impulse over a step is one body weight x
  step time T, all of it delivered during the contact time t_c, so with a force of shape factor
  k = peak / mean during contact, ``vgrf_peak_bw = k T / t_c``; the point value takes the half-sine of
  the spring-mass model, k = pi / 2 (Morin et al. 2005). Interval: k between ``flat_shape_factor`` and
  ``peaked_shape_factor`` (flat-topped, an impact peak merging into the active peak, to peaked) and t_c
  within +-``contact_time_uncertainty_s`` (the sacral contact edges' timing error).
* **Loading rate** (the average vertical loading rate, 20-80 % of the rise to the impact peak, or without
  one to the force at 50 % of stance): a heel strike's impact peak rises in 15-25 ms; below the
  soft-tissue band the trunk sees only its smeared area, and the sacral spike's size belongs to the
  attachment. So where the landing shows a heel-strike shock, or one cannot be excluded
  (trunk_strike: the landing's shock ratio above ``trunk_strike.no_shock_ratio``), the loading rate is NaN with the
  reason ``heel_transient``. Without one the force rises with the body's own spring-mass loading; the
  same half-sine that gives the peak gives its rate, ``2.596 x peak / t_c`` (= 4.08 T / t_c^2): timing
  only, so the sacrum's amplitude errors (pelvis ahead of the centre of mass at landing, the tissue
  mode, the sensor's gain) do not enter it. Interval: from the symmetric half-sine to a half-sine
  skewed to peak where the sacral force curve (low-passed at ``bounce_cutoff_hz``, a time and not an
  amplitude) peaks -- backward running lands soft and takes off hard, which slows the rise -- each
  with t_c +-``contact_time_uncertainty_s``.

Walking (no flight), steps without a contact or step time, rates below ``min_rate_hz`` (a 40-60 ms rise
needs samples in it) and peaks outside ``max_peak_bw`` give NaN with a reason in ``vgrf_flags``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.filters import in_g, lowpass
from retrogait.analysis.settings import VgrfSettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.stepwindows import window_argmax

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


def sacral_vgrf(
    signals: BodySignals,
    contacts: Contacts,
    timing: pd.DataFrame,
    running: NDArray[np.bool_],
    no_heel_shock: NDArray[np.bool_],
    settings: VgrfSettings | None = None,
) -> pd.DataFrame:
    """Columns VGRF_COLUMNS (BW, BW/s; ``vgrf_flags`` ``;``-separated reasons for NaN values) per contact.

    ``running``: the contacts of running (a flight before and after, in a running bout); ``no_heel_shock``:
    the landings that show no heel-strike shock (trunk_strike.no_heel_shock; the others may hide a heel
    transient the sacrum cannot resolve). Settings default to the placement's preset.
    """
    settings = settings or preset(signals.placement).vgrf
    m = len(contacts)
    out = {c: np.full(m, np.nan) for c in VGRF_COLUMNS[:-1]}
    flags: list[list[str]] = [[] for _ in range(m)]
    if m == 0 or signals.placement != "lower_back":  # the force is estimated from the trunk only
        return pd.DataFrame({**out, "vgrf_flags": pd.Series([""] * m, dtype=object)})
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
    out["vgrf_peak_bw_lo"] = np.where(valid, settings.flat_shape_factor * step_avg / (tc + du), np.nan)
    out["vgrf_peak_bw_hi"] = np.where(valid, settings.peaked_shape_factor * step_avg / np.maximum(tc - du, du), np.nan)

    smooth = valid & np.asarray(no_heel_shock, dtype=bool)
    if smooth.any():
        skewed = loading_factor(np.nan_to_num(peak_fraction(signals, contacts, settings), nan=0.5))
        rate = HALF_SINE_LOADING_FACTOR * step_avg / tc**2 * np.pi / 2
        rates = np.vstack([rate, skewed * step_avg / tc**2 * np.pi / 2])
        widen = (tc / (tc + du)) ** 2, (tc / np.maximum(tc - du, du)) ** 2
        out["vgrf_loading_rate_bw_per_s"] = np.where(smooth, rate, np.nan)
        out["vgrf_loading_rate_bw_per_s_lo"] = np.where(smooth, rates.min(axis=0) * widen[0], np.nan)
        out["vgrf_loading_rate_bw_per_s_hi"] = np.where(smooth, rates.max(axis=0) * widen[1], np.nan)
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


def loading_factor(peak_fraction: FloatArray) -> FloatArray:
    """20-80 % slope (per unit peak, per unit contact time) of the rise to the force at 50 % of stance of a
    stance whose force is a half-sine rising to its peak at ``peak_fraction`` of stance and a half-sine
    falling from it (area 2/pi of peak x contact, whatever the fraction); 2.596 for a symmetric stance."""
    s = (np.arange(_MODEL_POINTS) + 0.5) / _MODEL_POINTS
    phi = np.clip(np.asarray(peak_fraction, dtype=float), 0.05, 0.95)[:, None]
    force = np.where(s < phi, np.sin(np.pi / 2 * s / phi), np.sin(np.pi / 2 * (1 - s) / (1 - phi)))
    half = _MODEL_POINTS // 2
    target = force[:, half : half + 1]
    rise = force[:, : half + 1]
    i20 = np.argmax(rise >= 0.2 * target, axis=1)
    i80 = np.argmax(rise >= 0.8 * target, axis=1)
    return np.asarray(0.6 * target[:, 0] / np.maximum(s[i80] - s[i20], 1.0 / _MODEL_POINTS), dtype=np.float64)


def peak_fraction(signals: BodySignals, contacts: Contacts, settings: VgrfSettings) -> FloatArray:
    """Per contact: where in stance (0..1) the sacral vertical force, low-passed at ``bounce_cutoff_hz``,
    is largest -- the bottom of the body's bounce. A time, not an amplitude: the soft tissue's and the
    sensor's gain do not move it. NaN without a toe-off."""
    z = lowpass(in_g(signals.acc_ms2[:, 2]), settings.bounce_cutoff_hz, signals.fs_hz)
    ic = contacts.ic_idx.astype(np.int64)
    to = contacts.to_idx.astype(np.int64)
    has = to > ic
    top = window_argmax(z, ic, np.where(has, to, ic + 1))
    return np.where(has & (top >= 0), (top - ic + 0.5) / np.maximum(to - ic, 1), np.nan)


_MODEL_POINTS = 400
