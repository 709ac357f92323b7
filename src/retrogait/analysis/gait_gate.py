"""Not gait is not steps: the physical checks every run of detected contacts must pass (docs/analysis.md).

Contact detectors find landing-like events; noise, handling, vibration or a sensor put down can
produce such events too. Contacts are grouped into runs (consecutive contacts no further apart than a
bout allows). A run is gait only if

* **its cadence is plausible**: the median interval lies between the shortest and the longest step
  (one leg's contacts: stride);
* **it does not repeat faster than anyone steps**: a strong autocorrelation peak of its movement at a
  lag below the shortest step, stronger than the stride's own repetition, is shaking or vibration
  (``max_fast_correlation``);
* **consecutive cycles are alike**: the acceleration magnitude over the stride centred on each contact
  correlates with the same span around the contact one stride later (the same leg's next landing).
  A walk repeats itself, even through a turn; noise, handling and vibration do not. The median of
  these correlations must reach ``min_cycle_correlation`` over a run of at least ``long_run_strides``;
  a shorter run (a few steps between standing, a turn) cannot show its cycles firmly, so only a run
  whose cycles are plainly unalike (below ``min_short_cycle_correlation``) is dropped;
* standing still between two contacts (the still mask) ends a run;
* a run too short to hold one repeated stride is kept only next to a run that is gait (the landing a
  walker stops on after a pause), never on its own (a bump on a table).

Dropped contacts are counted in a note. The magnitude |a| is used, so no frame is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.filters import bandpass, in_g
from retrogait.analysis.preprocess import still_mask_of_norm
from retrogait.analysis.settings import ContactsSettings, GaitGateSettings, StillSettings, preset
from retrogait.analysis.signals import BodySignals, Contacts

#: The cycle correlation is computed on the step-band signal decimated to about this rate (Hz).
CYCLE_RATE_HZ = 50.0
#: Shortest lag (samples at CYCLE_RATE_HZ) searched for a repetition faster than any step.
FAST_MIN_LAG_SAMPLES = 3


@dataclass(frozen=True)
class GateResult:
    """Which contacts are gait.

    Attributes:
        keep: (m,) True for contacts in runs that pass every check.
        notes: one line per reason contacts were dropped (empty when none were).
    """

    keep: NDArray[np.bool_]
    notes: tuple[str, ...]


def gait_gate(
    signals: BodySignals,
    contacts: Contacts,
    *,
    one_leg: bool,
    max_gap_s: float,
    settings: GaitGateSettings | None = None,
    band: ContactsSettings | None = None,
    still: StillSettings | None = None,
) -> GateResult:
    """Keep the contacts of runs that are gait (see the module docstring).

    Args:
        signals: the session's body signals (only |a| is used).
        contacts: detected contacts, sorted.
        one_leg: contacts are one leg's (foot, shank): consecutive contacts are a stride apart.
        max_gap_s: contacts further apart start a new run (s): the bout limit of the placement.
        settings, band, still: the gate's settings, the step band and step bounds (contacts settings)
            and the still mask's; default: the placement's preset.
    """
    settings = settings or preset(signals.placement).gait_gate
    band = band or preset(signals.placement).contacts
    still = still or preset(signals.placement).still
    m = len(contacts)
    if m == 0:
        return GateResult(np.ones(0, dtype=bool), ())
    fs = signals.fs_hz
    dec = max(1, round(fs / CYCLE_RATE_HZ))
    rate = fs / dec
    used = signals.n_samples // dec * dec
    acc = signals.acc_ms2[:used]
    size = np.sqrt(np.einsum("ij,ij->i", acc, acc))  # |a| (m/s^2)
    norm = in_g(size.reshape(-1, dec).mean(axis=1))  # block means: decimated and anti-aliased (g)
    slow = bandpass(norm, band.step_band_low_hz, band.step_band_high_hz, rate)
    quick = bandpass(norm, band.step_band_low_hz, 0.45 * rate, rate)  # all the movement the samples hold
    ic = contacts.ic_idx.astype(np.int64)
    at = np.minimum(ic // dec, norm.size - 1)
    per_cycle = 1 if one_leg else 2  # contacts from one landing of a leg to its next
    scale = 2.0 if one_leg else 1.0
    lo_interval, hi_interval = band.min_step_s * scale * fs, band.max_step_s * scale * fs
    # a walk never holds still between two landings: standing between contacts ends a run (the still
    # mask from every dec-th sample of |a|: a standard deviation needs no anti-alias filter)
    standing = still_mask_of_norm(size[::dec], rate, still.window_s, still.std_ms2) & ~signals.gap[:used:dec]
    count = np.concatenate([[0], np.cumsum(standing)])
    paused = np.flatnonzero(count[at[1:]] - count[at[:-1]] > 0) + 1
    breaks = np.union1d(np.flatnonzero(np.diff(ic) > max_gap_s * fs) + 1, paused)
    starts, ends = np.r_[0, breaks], np.r_[breaks, m]
    verdict = np.full(starts.size, "", dtype="<U8")  # "" gait, "short" undecided, else the reason
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):  # one iteration per run
        run = ic[a:b]
        cycles = (run.size - 1) // per_cycle
        if cycles < 2:
            verdict[k] = "short"
            continue
        interval = float(np.median(np.diff(run)))
        if not lo_interval <= interval <= hi_interval:
            verdict[k] = "cadence"
            continue
        if _faster_than_steps(quick, at[a:b], per_cycle * interval / dec, band.min_step_s * rate, settings):
            verdict[k] = "fast"
            continue
        likeness = cycle_likeness(
            slow, at[a:b], max(2, round(per_cycle * interval / dec)), per_cycle, round(settings.cycle_shift_s * rate)
        )
        needed = (
            settings.min_cycle_correlation
            if cycles >= settings.long_run_strides
            else settings.min_short_cycle_correlation
        )
        verdict[k] = "" if likeness >= needed else "cycles"
    _settle_short_runs(verdict, ic[starts], ic[ends - 1], 2.0 * max_gap_s * fs)
    keep = np.repeat(verdict == "", ends - starts)
    return GateResult(keep, _notes(verdict, ends - starts))


def _settle_short_runs(
    verdict: NDArray[np.str_], first: NDArray[np.int64], last: NDArray[np.int64], reach: float
) -> None:
    """A run too short to show its cycles is gait when a gait run lies within ``reach`` samples."""
    gait = np.flatnonzero(verdict == "")
    for k in np.flatnonzero(verdict == "short"):
        near = (np.abs(first[gait] - last[k]) <= reach) | (np.abs(first[k] - last[gait]) <= reach)
        verdict[k] = "" if near.any() else "isolated"


def _notes(verdict: NDArray[np.str_], sizes: NDArray[np.int64]) -> tuple[str, ...]:
    texts = {
        "cycles": "consecutive strides are not alike (handling, vibration or noise, not gait)",
        "cadence": "the cadence is outside any gait's",
        "fast": "the movement repeats faster than anyone steps (shaking or vibration)",
        "isolated": "they stand alone, too few to be a stride (a bump, not a walk)",
    }
    notes = []
    for reason, text in texts.items():
        count = int(sizes[verdict == reason].sum())
        if count:
            notes.append(f"{count} contact{'s' if count > 1 else ''} dropped: {text}")
    return tuple(notes)


def fastest_repeat(x: NDArray[np.float64], shortest_step: int) -> float:
    """The highest autocorrelation peak of ``x`` at lags shorter than ``shortest_step`` samples (-1
    without one): gait repeats no faster than its steps."""
    if x.size < 4 * shortest_step or shortest_step < FAST_MIN_LAG_SAMPLES + 2:
        return -1.0
    x = x - x.mean()
    energy = float(x @ x)
    if energy <= 0.0:
        return -1.0
    first, last = FAST_MIN_LAG_SAMPLES - 1, shortest_step + 1  # a dozen lags at CYCLE_RATE_HZ
    lagged = np.lib.stride_tricks.sliding_window_view(x, last + 1)[:, first:]  # (n - last, lags): x[i + lag]
    r = (x[: lagged.shape[0]] @ lagged) / energy
    inner = r[1:-1]
    peak = (inner > r[:-2]) & (inner >= r[2:])
    return float(inner[peak].max()) if peak.any() else -1.0


def _faster_than_steps(
    quick: NDArray[np.float64],
    run: NDArray[np.int64],
    cycle: float,
    shortest_step: float,
    settings: GaitGateSettings,
) -> bool:
    """True when a run's movement is shaking or vibration: it repeats faster than the shortest step,
    strongly, and more than it repeats from one stride to the next. (A gait's impacts ring too, but
    only weakly: at most 0.36 on the phone traces, against 0.9 for a sensor shaken by hand.)"""
    span = quick[int(run[0]) : int(run[-1]) + 1]
    fast = fastest_repeat(span, round(shortest_step))
    return fast >= settings.max_fast_correlation and fast >= lagged_correlation(span, round(cycle))


def lagged_correlation(x: NDArray[np.float64], lag: int) -> float:
    """Pearson correlation of ``x`` with itself ``lag`` samples later (-1 when too short)."""
    if lag < 1 or x.size < lag + 4:
        return -1.0
    a, b = x[:-lag] - x[:-lag].mean(), x[lag:] - x[lag:].mean()
    return float(a @ b / np.sqrt(max(float(a @ a) * float(b @ b), 1e-30)))


def cycle_likeness(x: NDArray[np.float64], at: NDArray[np.int64], cycle: int, per_cycle: int, shift: int = 0) -> float:
    """Median Pearson correlation between the ``cycle`` samples centred on each contact in ``at`` and
    those centred on the contact ``per_cycle`` contacts later (the same leg, one stride on), each pair at
    its best alignment within ``shift`` samples: a detector's landing time jitters by a few tens of ms
    from stride to stride (a heel contact here, a flat-foot kink there), the stride's shape does not."""
    offs = np.arange(cycle) - cycle // 2
    lags = np.arange(-shift, shift + 1)
    a = x[np.clip(at[:-per_cycle, None] + offs, 0, x.size - 1)]  # (pairs, cycle)
    b = x[np.clip(at[per_cycle:, None, None] + lags[:, None] + offs, 0, x.size - 1)]  # (pairs, lags, cycle)
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=2, keepdims=True)
    dot = np.einsum("pc,plc->pl", a, b)
    den = np.sqrt(np.maximum((a * a).sum(axis=1)[:, None] * (b * b).sum(axis=2), 1e-30))
    return float(np.median((dot / den).max(axis=1)))
