"""Every gait stretch's ends trimmed with its first stride-likeness asks made for all stretches at once (PERF-153)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from retrogait.analysis import phone_steps as phone_steps_module
from retrogait.analysis.phone_steps import (
    EDGE_GOOD_PAIRS,
    EDGE_NEIGHBOURS,
    LIKENESS_SAMPLES_PER_STEP,
    _first_run,
    _inner_medians,
    _running_min_at,
    _segment_steps,
    _stretch_steps,
    in_rhythm,
    local_maxima,
    stride_likeness,
)
from retrogait.analysis.settings import PhoneStepSettings, preset
from retrogait.dsp import find_peaks


def _trim_edges_as_before(
    x: NDArray[np.float64], anchors: NDArray[np.int64], period: NDArray[np.float64], settings: PhoneStepSettings
) -> NDArray[np.int64]:
    """dd3875e3's ``_trim_edges``: one stretch, its likeness asked stretch end by stretch end (its ``_first_run``
    unchanged)."""
    if anchors.size < 2:
        return anchors
    p = period[anchors]
    width = max(3, int(np.median(p)) * 2 + 1)
    prominence = x[anchors] - _running_min_at(x, width, anchors)
    gap = np.diff(anchors) / period[(anchors[:-1] + anchors[1:]) // 2]
    dec = max(1, int(np.median(p) / LIKENESS_SAMPLES_PER_STEP))
    coarse, at, step = x[::dec], anchors // dec, p / dec

    def alike(i: NDArray[np.int64], ahead: bool) -> NDArray[np.bool_]:
        return np.asarray(stride_likeness(coarse, at[i], step[i], ahead) >= settings.edge_stride_correlation)

    inner_after, inner_before = _inner_medians(prominence, EDGE_NEIGHBOURS)
    big_start = prominence >= settings.edge_prominence_fraction * inner_after
    big_end = prominence >= settings.edge_prominence_fraction * inner_before
    rhythm = in_rhythm(gap, settings.rhythm_tolerance_fraction, big_start & big_end)
    run, pairs = EDGE_GOOD_PAIRS, gap.size
    first = _first_run(rhythm & (big_start[:-1] | big_start[1:]), lambda i: alike(i, True), run)
    back = _first_run((rhythm & (big_end[:-1] | big_end[1:]))[::-1], lambda j: alike(pairs - j, False), run)
    if first < 0 or back < 0:
        return anchors[:0]
    last = pairs - 1 - back if pairs >= run else run - 1
    if last < first:
        return anchors[:0]
    return anchors[first : last + 2]


def _session(seed: int) -> tuple[NDArray[np.float64], NDArray[np.float64], list[tuple[int, int]]]:
    """A step-like signal of many short stretches: walks of several step lengths (decimations 1-3), broken by
    handling (noise), strides that change shape, stray peaks; the per-sample step period and the stretches."""
    rng = np.random.default_rng(seed)
    parts, periods, stretches, n = [], [], [], 0
    for _ in range(60):
        step = rng.choice([22.0, 40.0, 57.0, 83.0]) * rng.uniform(0.9, 1.1)
        size = int(step * rng.integers(1, 25))
        phase = np.cumsum(np.full(size, 2 * np.pi / step) * rng.uniform(0.85, 1.15, size).clip(0.9, 1.1))
        legs = np.where(np.sin(phase / 2) > 0, 1.0, rng.uniform(0.2, 1.0))  # one leg's landings softer
        walk = legs * np.sin(phase) ** 5 + rng.uniform(0.02, 0.6) * rng.standard_normal(size)
        handling = rng.uniform(0.1, 1.5) * rng.standard_normal(int(rng.integers(0, 200)))
        start = n if rng.random() < 0.5 else n + handling.size  # half the stretches start in the handling
        stretches.append((start, n + handling.size + size))
        parts += [handling, walk]
        periods.append(np.full(handling.size + size, step))
        n += handling.size + size
    return np.concatenate(parts), np.concatenate(periods), stretches


@pytest.mark.parametrize("seed", range(6))
def test_every_stretch_keeps_the_anchors_and_steps_of_the_stretch_by_stretch_rule(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    x, period, stretches = _session(seed)
    settings = preset("thigh").phone_steps
    peaks = find_peaks(x, distance=5)
    calls: list[int] = []
    likeness = phone_steps_module.stride_likeness

    def counted(*args: object, **kwargs: object) -> NDArray[np.float64]:
        calls.append(1)
        return likeness(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(phone_steps_module, "stride_likeness", counted)
    got = _stretch_steps(x, peaks, stretches, period, settings)
    batched = len(calls)
    monkeypatch.setattr(phone_steps_module, "stride_likeness", likeness)
    kept = trimmed = 0
    for (a, b), (steps, cut) in zip(stretches, got, strict=True):
        own = peaks[(peaks >= a) & (peaks < b)]
        want_steps, want_cut = _segment_steps(x, own, period, settings)
        assert np.array_equal(steps, want_steps) and cut == want_cut
        if own.size >= 2:
            found = local_maxima(own, x[own], 0.5 * settings.anchor_periods * period[own])
            anchors = _trim_edges_as_before(x, found, period, settings)
            if anchors.size >= 2:  # the anchors kept are dd3875e3's
                assert np.array_equal(np.unique(steps[np.isin(steps, found)]), anchors)
            else:  # fewer than two anchors kept: no steps
                assert steps.size == 0
            kept += anchors.size >= 2
            trimmed += 0 < anchors.size < found.size
    assert kept >= 10 and trimmed >= 5  # stretches kept whole, trimmed and dropped alike
    assert batched < len(stretches)  # the first asks of all stretches together, not one call per stretch end


def _by_stretch(
    x: NDArray[np.float64], peaks: NDArray[np.int64], stretches: list[tuple[int, int]], period: NDArray[np.float64]
) -> list[tuple[NDArray[np.int64], int]]:
    settings = preset("thigh").phone_steps
    return [_segment_steps(x, peaks[(peaks >= a) & (peaks < b)], period, settings) for a, b in stretches]


@pytest.mark.parametrize(
    "case", ["none", "one", "no peaks", "touching", "tiny", "on peaks", "the ends", "NaN", "one decides"]
)
def test_stretches_of_every_shape_keep_the_stretch_by_stretch_steps(case: str) -> None:
    """REVIEW-246: the shapes the batched first asks could trip on (no stretch, one, stretches of 0-3 peaks,
    touching, bounded by a peak's own sample, reaching the recording's ends, NaN in the signal so the likeness is
    NaN, a first block that decides alone) give each stretch the steps and trimmed samples of the rule stretch by
    stretch."""
    rng = np.random.default_rng(246)
    n = 4000
    x = np.sin(np.arange(n) * 2 * np.pi / 27) ** 5 + 0.1 * rng.standard_normal(n)
    period = np.full(n, 27.0)
    peaks = find_peaks(x, distance=5)
    stretches = {
        "none": [],
        "one": [(0, n)],
        "no peaks": [(0, n)],
        "touching": [(0, 700), (700, 1500), (1500, n)],
        "tiny": [(0, 20), (20, 50), (50, 80), (80, 110), (110, 2500)],
        "on peaks": [(int(peaks[3]), int(peaks[10])), (int(peaks[10]), int(peaks[60])), (int(peaks[60]), n)],
        "the ends": [(0, 900), (3000, n)],
        "NaN": [(0, 1800), (1800, n)],
        "one decides": [(100, 3900)],
    }[case]
    if case == "no peaks":
        peaks = peaks[:0]
    if case == "NaN":
        x[1200:1300] = np.nan
    got = _stretch_steps(x, peaks, stretches, period, preset("thigh").phone_steps)
    want = _by_stretch(x, peaks, stretches, period)
    assert len(got) == len(want) == len(stretches)
    for (steps, cut), (want_steps, want_cut) in zip(got, want, strict=True):
        assert np.array_equal(steps, want_steps) and cut == want_cut
    if case in ("one", "one decides"):
        assert got[0][0].size > 100  # a walk's steps found
