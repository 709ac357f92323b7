"""Counts of True before given indices without the whole running count (masks.counts_before, PERF-164)."""

from __future__ import annotations

import numpy as np
import pytest

import retrogait
from retrogait.masks import counts_before, runs_mask, true_runs
from retrogait.simulate import Bout, SimulationConfig, simulate


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 100, 4097])
@pytest.mark.parametrize("share", [0.0, 0.02, 0.5, 0.51, 0.98, 1.0])
def test_counts_before_are_the_running_count_s(n: int, share: float) -> None:
    rng = np.random.default_rng(n + int(100 * share))
    mask = rng.random(n) < share
    if n > 20:
        mask[5:15] = not mask[4]  # runs and lone values both
    reference = np.concatenate([[0], np.cumsum(mask)])
    idx = np.concatenate([[0, n, n // 2], rng.integers(0, n + 1, 50), [n, 0]]).astype(np.int64)
    got = counts_before(mask, idx)
    assert got.dtype.kind == "i"
    assert np.array_equal(got, reference[idx])
    assert counts_before(mask, idx[:0]).size == 0
    pairs = np.stack([idx, idx[::-1]])  # several index arrays in one search
    assert np.array_equal(counts_before(mask, pairs), reference[pairs])


def test_the_count_s_callers_take_no_running_count_of_a_whole_recording(monkeypatch: pytest.MonkeyPatch) -> None:
    """The contacts' landing and rest checks, the standing between contacts and the bouts' pauses and bridged gaps
    read counts at a few indices: no cumsum of a whole recording's mask is left in the analysis (each was ~3 ms an
    hour at 200 Hz)."""
    still = Bout("still", "still", 0.0, 3.0)
    gait = [Bout("forward", "running", 3.0, 8.0), still, Bout("backward", "running", 2.5, 8.0)]
    session = simulate(SimulationConfig("shank", gait, sample_rate_hz=200.0, seed=9)).session
    whole: list[int] = []
    original = np.cumsum

    def counted(a: object, *args: object, **kwargs: object) -> object:
        values = np.asarray(a)
        if values.dtype == np.bool_ and values.size >= session.n_samples - 1:
            whole.append(values.size)
        return original(a, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(np, "cumsum", counted)
    steps = retrogait.analyze(session).steps
    monkeypatch.undo()
    assert len(steps) > 20
    assert whole == []


# ---- each caller reads the integers its running count read (REVIEW-277): the formulas of 952ac943 as references


def _running(mask: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])


def _runs_mask(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """A mask of runs (1-40 samples) and lone values, about ``share`` True."""
    mask = np.zeros(n, dtype=bool)
    at = 0
    while at < n:
        length = int(rng.integers(1, 40))
        mask[at : at + length] = rng.random() < share
        at += length
    mask[rng.integers(0, n, n // 50)] ^= True
    return mask


@pytest.mark.parametrize("seed", range(6))
def test_leaving_rest_reads_the_running_count_s_windows(seed: int) -> None:
    from retrogait.analysis.contacts import _leaving_rest
    from retrogait.analysis.settings import ContactsSettings
    from retrogait.samples import whole_samples

    rng = np.random.default_rng(seed)
    n, fs, s = 3000, 100.0, ContactsSettings()
    rate = np.where(_runs_mask(rng, n, [0.1, 0.5, 0.9][seed % 3]), 0.5, 2.0)
    quiet = np.unique(np.concatenate([[0, 1, n - 2, n - 1], rng.integers(0, n, 400)])).astype(np.int64)
    rest = rate < s.rest_level_score
    count = _running(rest)
    reach = max(1, whole_samples(2 * s.min_step_s, fs))
    soon = max(1, whole_samples(s.min_step_s, fs))
    recent = count[quiet] - count[np.maximum(quiet - reach, 0)] > 0
    settles = count[np.minimum(quiet + soon, n)] - count[quiet] > 0
    expected = recent & ~rest[quiet] & ~settles
    assert expected.any() and not expected.all()
    assert np.array_equal(_leaving_rest(rate, quiet, fs, s), expected)


@pytest.mark.parametrize("seed", range(6))
def test_bridged_and_pauses_and_standing_read_the_running_count_s_integers(seed: int) -> None:
    from types import SimpleNamespace

    from retrogait.analysis.bouts import _bridged, still_pauses
    from retrogait.analysis.direction import standing_between
    from retrogait.analysis.settings import preset

    rng = np.random.default_rng(10 + seed)
    n = 5000
    still, gap = _runs_mask(rng, n, 0.6), _runs_mask(rng, n, [0.05, 0.3, 0.7][seed % 3])
    for longest in (3, 20, 60):
        starts, ends = true_runs(~still)
        inside = (starts > 0) & (ends < n) & (ends - starts <= longest)
        gaps = _running(gap)
        joined = inside & (gaps[ends] - gaps[starts] == ends - starts)
        expected = still | runs_mask(n, starts[joined], ends[joined])
        assert np.array_equal(_bridged(still, gap, longest), expected)
    ic = np.unique(np.concatenate([[0, 1, n - 1, n], rng.integers(0, n, 300)]))
    contacts = SimpleNamespace(ic_idx=ic)
    count = _running(still)
    expected_pauses = np.flatnonzero(count[ic[1:]] - count[ic[:-1]] > 0) + 1
    assert 0 < expected_pauses.size < ic.size - 1
    got = still_pauses(SimpleNamespace(n_samples=n), contacts, still)  # type: ignore[arg-type]
    assert np.array_equal(got, expected_pauses)
    settings = preset("shank").direction
    signals = SimpleNamespace(n_samples=n, gap=gap, still_mask=lambda *_: still, placement="shank")
    standing = still & ~gap
    on = np.clip(ic, 0, n - 1)
    count = _running(standing)
    expected_standing = count[on[1:]] - count[on[:-1]] > 0
    assert expected_standing.any() and not expected_standing.all()
    assert np.array_equal(standing_between(signals, contacts, settings), expected_standing)  # type: ignore[arg-type]


def test_a_minimum_is_kept_where_the_stride_before_it_moved_its_ends_included() -> None:
    """The landing check of ``contacts._quiet_points``: moved somewhere from ``reach`` samples before a mid-stance
    minimum up to the minimum itself, both ends included (the running count read at ``q + 1`` and ``q - reach``)."""
    from retrogait.analysis.contacts import _quiet_points
    from retrogait.analysis.settings import ContactsSettings

    n, fs, s = 700, 100.0, ContactsSettings()
    rate = 3.0 - 1.5 * np.cos(2 * np.pi * np.arange(n) / 100.0)  # minima (1.5, never at rest) every 100 samples
    stride = np.full(n, 1.0)
    reach = int(s.landing_window_strides * 1.0 * fs)
    moving = np.zeros(n, dtype=bool)
    moving[100] = True  # at the minimum itself: kept
    moving[201] = True  # just after it: not
    moving[300 - reach] = True  # the window's first sample: kept
    moving[400 - reach - 1] = True  # just before it: not
    moving[600 - reach : 601] = True  # (500 never moved: not)
    quiet, _ = _quiet_points(rate, moving, stride, fs, s)
    assert [q for q in quiet.tolist() if 50 <= q <= 650] == [100, 300, 600]


@pytest.mark.parametrize("share", [0.1, 0.9])
@pytest.mark.parametrize("bad", [-1, -7, 11, 50])
def test_an_index_outside_0_to_n_is_an_index_error_not_a_count(share: float, bad: int) -> None:
    """The running count has n + 1 values: an index past n was an IndexError, and a negative one read it from its end
    (the total, not a count before a sample); searched, both gave a number silently (REVIEW-278)."""
    mask = np.random.default_rng(1).random(10) < share
    with pytest.raises(IndexError, match="0 to 10"):
        counts_before(mask, np.array([0, bad, 3]))
    with pytest.raises(IndexError):
        counts_before(mask, np.stack([np.array([0, 3]), np.array([bad, 4])]))
    assert counts_before(mask, np.array([0, 10])).tolist() == [0, int(mask.sum())]
