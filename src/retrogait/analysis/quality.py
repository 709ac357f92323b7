"""Per-step quality flags: ``clipped``, ``low_rate``, ``gap``, ``bridged``, ``quantised`` (docs/conventions.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.settings import ImpactSettings, QualitySettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.conventions import IMPACT_MIN_SAMPLE_RATE_HZ, STEP_COUNT_PLACEMENTS
from retrogait.rate import meets_rate
from retrogait.samples import nearest_samples, whole_samples

#: A step over a sample interpolated from a missing acceleration (EDGE-197) or gyroscope (EDGE-212) value.
BRIDGED_FLAG = "bridged"
#: The columns a bridged sample in its step could move (an impact transient rises in 10-30 ms): NaN there.
BRIDGED_NAN_COLUMNS = (
    "impact_peak_g",
    "impact_loading_rate_g_per_s",
    "vgrf_loading_rate_bw_per_s",
    "vgrf_loading_rate_bw_per_s_lo",
    "vgrf_loading_rate_bw_per_s_hi",
)


def step_flags(signals: BodySignals, contacts: Contacts, settings: QualitySettings | None = None) -> NDArray[np.str_]:
    """(m,) ``;``-separated flags per contact, empty when clean: ``clipped``, ``gap`` and ``bridged`` over
    [IC - ``pre_contact_s``, TO] (IC + ``default_step_span_s`` without TO), ``low_rate`` below
    conventions.IMPACT_MIN_SAMPLE_RATE_HZ where impact is measured (not on phones, wrist, other: they
    give steps and cadence only). Settings default to the placement's preset."""
    settings = settings or preset(signals.placement).quality
    m = len(contacts)
    if m == 0:
        return np.zeros(0, dtype="<U32")
    fs = signals.fs_hz
    n = signals.n_samples
    start = np.clip(contacts.ic_idx - whole_samples(settings.pre_contact_s, fs), 0, n)
    default_end = contacts.ic_idx + whole_samples(settings.default_step_span_s, fs)
    end = np.clip(np.where(contacts.to_idx > contacts.ic_idx, contacts.to_idx, default_end) + 1, 0, n)
    bridged = signals.bridged if signals.bridged is not None else np.zeros(0, dtype=bool)  # EDGE-197
    if signals.gyr_bridged is not None:  # a bridged gyroscope value flags its step too (EDGE-212)
        bridged = signals.gyr_bridged | bridged if bridged.size else signals.gyr_bridged
    masks = (("clipped", signals.clipped), ("gap", signals.gap), (BRIDGED_FLAG, bridged))
    marks = [(name, mask) for name, mask in masks if mask.any()]  # most recordings: none, no running count
    # the text as wide as each flag's np.char.add made it, written once: only the steps hit are rewritten, no
    # (steps,) text array beside it per flag, no whole-signal count beside its copy (PERF-112)
    flags = np.full(m, "", dtype=f"<U{32 + sum(len(name) + 1 for name, _ in marks)}")
    for name, mask in marks:
        csum = np.zeros(mask.size + 1, dtype=np.int64)
        np.cumsum(mask, dtype=np.int64, out=csum[1:])
        hit = np.flatnonzero((csum[end] - csum[start]) > 0)
        del csum
        flags[hit] = np.char.add(flags[hit], name + ";")
    if signals.placement not in STEP_COUNT_PLACEMENTS and not meets_rate(fs, IMPACT_MIN_SAMPLE_RATE_HZ):
        flags = np.char.add(flags, "low_rate;")
    return np.char.rstrip(flags, ";")


def with_flag(flags: NDArray[np.str_], where: NDArray[np.bool_], name: str) -> NDArray[np.str_]:
    """``flags`` (step_flags) with ``name`` added to the steps ``where`` is True."""
    added = np.where(flags == "", name, np.char.add(np.char.add(flags.astype("<U64"), ";"), name))
    return np.asarray(np.where(where, added, flags.astype("<U64")))


def bridged_unmeasured(
    steps: pd.DataFrame,
    signals: BodySignals,
    contacts: Contacts,
    impact: ImpactSettings,
    settings: QualitySettings | None = None,
) -> pd.DataFrame:
    """``steps`` with the columns a bridged sample could move (BRIDGED_NAN_COLUMNS) NaN, and ``bridged`` added to
    their ``impact_flags`` and ``vgrf_flags``, on the steps with a bridged sample (EDGE-197) where those are read:
    from ``pre_contact_s`` before the contact to the longer of ``impact.window_s`` and
    ``impact.loading_stance_fraction`` of the contact time after it (``impact.window_s`` without a toe-off)."""
    bridged = signals.bridged
    if bridged is None or not bridged.any() or len(contacts) == 0:
        return steps
    settings = settings or preset(signals.placement).quality
    fs, n = signals.fs_hz, signals.n_samples
    ic = contacts.ic_idx
    contact = np.where(contacts.to_idx > ic, contacts.to_idx - ic, 0)
    reach = np.maximum(nearest_samples(impact.window_s, fs), np.ceil(impact.loading_stance_fraction * contact)).astype(
        np.int64
    )
    start = np.clip(ic - whole_samples(settings.pre_contact_s, fs), 0, n)
    end = np.clip(ic + reach + 1, 0, n)
    csum = np.concatenate([[0], np.cumsum(bridged, dtype=np.int64)])
    hit = (csum[end] - csum[start]) > 0
    if not hit.any():
        return steps
    steps = steps.copy()
    for column in BRIDGED_NAN_COLUMNS:
        if column in steps:
            steps.loc[hit, column] = np.nan
    for column in ("impact_flags", "vgrf_flags"):
        if column in steps:
            said = steps[column].astype(str).to_numpy().astype(np.str_)
            steps[column] = pd.Series(with_flag(said, hit, BRIDGED_FLAG), index=steps.index, dtype=object)
    return steps
