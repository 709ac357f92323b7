"""The effort proxy: accumulated change of acceleration per minute (a proxy, not calories).

Definition (docs/compare.md): low-pass the acceleration vector (zero-phase Butterworth, 4th order,
``cutoff_hz``, default 20 Hz), then add up the length of its change from sample to sample,
``sum ||a[i+1] - a[i]||`` (in g), over a window and divide by the window's duration in minutes. The
result, in **g/min**, is the total variation of the acceleration: how much the body segment's
acceleration is pushed around per minute. It grows with impacts, cadence and vigorous swinging.

Why this definition: it needs only the accelerometer; it does not depend on the sensor's orientation
(a fixed rotation keeps vector lengths) nor on gravity being removed (a constant drops out of the
differences); and the low-pass makes it converge as the sample rate rises, so sessions from the same
sensor at the same rate are comparable. It is NOT energy expenditure: it has not been validated
against oxygen uptake, for backward running in particular (measured metabolic cost there is about
+35 % at the same speed; Wright & Weyand 2001). Compare it only within one placement and sensor.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.settings import EffortSettings
from retrogait.analysis.vectors import add_squared_differences
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.dsp import butter_sos, sosfiltfilt
from retrogait.rate import measured_rate_hz

#: Output column of the per-step effort proxy (g/min), as the analysis and compare use it.
EFFORT_COLUMN: Final = "effort_g_per_min"


def accumulated_change_g(
    t_s: NDArray[np.float64], acc_ms2: NDArray[np.float64], *, cutoff_hz: float, fs_hz: float | None = None
) -> NDArray[np.float64]:
    """Running total (g) of ``||a[i+1] - a[i]||`` of the low-passed acceleration, shape (n,), starting at 0.

    ``acc_ms2`` is (n, 3) in m/s^2 in any fixed frame; ``t_s`` (n,) in s. The sample rate is
    ``rate.measured_rate_hz(t_s)`` (``fs_hz``, where taken already: PERF-162); the cut-off is capped at 45 % of it.
    Another shape of ``acc_ms2`` is one ValueError.
    """
    n = t_s.shape[0]
    if n < 2:
        return np.zeros(n)
    if acc_ms2.shape != (n, 3):  # taken an axis at a time, other shapes would not fail by themselves (REVIEW-96)
        raise ValueError(f"acc_ms2 must be (n, 3) with n = {n} samples of t_s, not {acc_ms2.shape}")
    fs_hz = measured_rate_hz(t_s) if fs_hz is None else fs_hz
    sos = butter_sos(4, min(cutoff_hz, 0.45 * fs_hz), fs_hz, "low")
    padlen = min(3 * (2 * sos.shape[0] + 1), n - 1)
    # one low-passed axis at a time, its squared steps added in difference_norm_rows' order: the same numbers
    # as filtering the (n, 3) array and taking the norms of its differences, with one (n,) axis held instead of
    # the (n, 3) result (the lower back's peak at 26 Hz: PERF-65)
    smooth = np.empty(n)
    change_g = np.empty(n - 1)
    for axis in range(acc_ms2.shape[1]):
        sosfiltfilt(sos, acc_ms2[:, axis], padlen=padlen, out=smooth)
        add_squared_differences(smooth, change_g, first=axis == 0)
    del smooth
    np.sqrt(change_g, out=change_g)
    change_g /= STANDARD_GRAVITY_MS2
    total = np.empty(n)  # the running sum after a leading 0, filled in place
    total[0] = 0.0
    np.cumsum(change_g, out=total[1:])
    return total


def effort_per_minute(
    t_s: NDArray[np.float64],
    acc_ms2: NDArray[np.float64],
    start_s: NDArray[np.float64],
    end_s: NDArray[np.float64],
    *,
    cutoff_hz: float = EffortSettings.cutoff_hz,
    total: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Effort proxy (g/min) in each window ``[start_s[k], end_s[k]]``: accumulated change of the
    low-passed acceleration divided by the window length in minutes.

    Args:
        t_s: sample times (s), (n,), increasing.
        acc_ms2: acceleration (m/s^2, gravity included or not), (n, 3), any fixed frame.
        start_s, end_s: window bounds (s), (m,). NaN bounds, windows outside the signal or holding
            fewer than two samples give NaN.
        cutoff_hz: low-pass cut-off before differencing (Hz).
        total: :func:`accumulated_change_g` of ``t_s``, ``acc_ms2`` and ``cutoff_hz`` (g), (n,), when already
            computed (the pipeline computes it beside the contacts: PERF-36).

    Returns:
        (m,) effort proxy in g/min. Vectorised: one filter pass and a cumulative sum, then two look-ups
        per window.
    """
    start = np.asarray(start_s, dtype=np.float64)
    end = np.asarray(end_s, dtype=np.float64)
    out = np.full(start.shape, np.nan)
    if t_s.shape[0] < 2 or start.size == 0:
        return out
    if total is None:
        total = accumulated_change_g(t_s, acc_ms2, cutoff_hz=cutoff_hz)
    ok = np.isfinite(start) & np.isfinite(end) & (end > start)
    i0 = np.searchsorted(t_s, np.where(ok, start, 0.0), side="left")
    i1 = np.searchsorted(t_s, np.where(ok, end, 0.0), side="right") - 1
    ok &= (i0 < t_s.shape[0]) & (i1 > i0)
    i0c = np.clip(i0, 0, t_s.shape[0] - 1)
    i1c = np.clip(i1, 0, t_s.shape[0] - 1)
    minutes = (t_s[i1c] - t_s[i0c]) / 60.0
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (total[i1c] - total[i0c]) / minutes
    out[ok] = value[ok]
    return out


def step_windows(
    steps: pd.DataFrame, *, max_step_s: float = EffortSettings.max_step_window_s
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Window of each step (s): from its initial contact to the next contact of either foot in the same
    bout, NaN for the last step of a bout or when the next contact is more than ``max_step_s`` away.

    ``steps`` needs ``ic_time_s``; ``bout_id`` is honoured when present. Returned in the row order.
    """
    ic = steps["ic_time_s"].to_numpy(dtype=np.float64)
    order = np.argsort(ic, kind="stable")
    ic_sorted = ic[order]
    nxt = np.append(ic_sorted[1:], np.nan)
    if "bout_id" in steps.columns:
        bout = steps["bout_id"].to_numpy()[order]
        same_bout = np.append(bout[1:] == bout[:-1], False)
        nxt = np.where(same_bout, nxt, np.nan)
    nxt = np.where(nxt - ic_sorted <= max_step_s, nxt, np.nan)
    end = np.empty_like(ic)
    end[order] = nxt
    return ic.copy(), end


def effort_for_steps(
    steps: pd.DataFrame,
    t_s: NDArray[np.float64],
    acc_ms2: NDArray[np.float64],
    settings: EffortSettings = EffortSettings(),
    total: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Effort proxy (g/min) of every step of ``steps`` (see :func:`step_windows`) from the raw signal
    (``total``: its :func:`accumulated_change_g`, g, when already computed)."""
    start, end = step_windows(steps, max_step_s=settings.max_step_window_s)
    return effort_per_minute(t_s, acc_ms2, start, end, cutoff_hz=settings.cutoff_hz, total=total)
