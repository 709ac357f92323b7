"""Per-step quality flags: ``clipped``, ``low_rate``, ``gap``, ``quantised`` (see docs/conventions.md, Labels)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.settings import QualitySettings, preset
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.conventions import IMPACT_MIN_SAMPLE_RATE_HZ, STEP_COUNT_PLACEMENTS
from retrogait.rate import meets_rate


def step_flags(signals: BodySignals, contacts: Contacts, settings: QualitySettings | None = None) -> NDArray[np.str_]:
    """(m,) ``;``-separated flags per contact, empty when clean: ``clipped`` and ``gap`` over
    [IC - ``pre_contact_s``, TO] (IC + ``default_step_span_s`` without TO), ``low_rate`` below
    conventions.IMPACT_MIN_SAMPLE_RATE_HZ where impact is measured (not on phones, wrist, other: they
    give steps and cadence only). Settings default to the placement's preset."""
    settings = settings or preset(signals.placement).quality
    m = len(contacts)
    if m == 0:
        return np.zeros(0, dtype="<U32")
    fs = signals.fs_hz
    n = signals.n_samples
    start = np.clip(contacts.ic_idx - int(settings.pre_contact_s * fs), 0, n)
    default_end = contacts.ic_idx + int(settings.default_step_span_s * fs)
    end = np.clip(np.where(contacts.to_idx > contacts.ic_idx, contacts.to_idx, default_end) + 1, 0, n)
    flags = np.full(m, "", dtype="<U32")
    for name, mask in (("clipped", signals.clipped), ("gap", signals.gap)):
        if not mask.any():  # most recordings: no step to flag, no running count of the whole signal
            continue
        csum = np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])
        hit = (csum[end] - csum[start]) > 0
        flags = np.where(hit, np.char.add(flags, name + ";"), flags)
    if signals.placement not in STEP_COUNT_PLACEMENTS and not meets_rate(fs, IMPACT_MIN_SAMPLE_RATE_HZ):
        flags = np.char.add(flags, "low_rate;")
    return np.char.rstrip(flags, ";")


def with_flag(flags: NDArray[np.str_], where: NDArray[np.bool_], name: str) -> NDArray[np.str_]:
    """``flags`` (step_flags) with ``name`` added to the steps ``where`` is True."""
    added = np.where(flags == "", name, np.char.add(np.char.add(flags.astype("<U64"), ";"), name))
    return np.asarray(np.where(where, added, flags.astype("<U64")))
