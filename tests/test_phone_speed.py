"""The phone step path's vectorised pieces give the bits of the plain loops they replaced (PERF-123..125)."""

from __future__ import annotations

import gzip
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from retrogait.analysis import periodicity as periodicity_module
from retrogait.analysis import phone_steps as phone_steps_module
from retrogait.analysis.periodicity import (
    CHUNK_WINDOWS,
    Periodicity,
    pearson_by_lag,
    row_median,
    windowed_periodicity,
)
from retrogait.analysis.phone_steps import _all_in_run, _first_run, _running_min_at, stride_likeness
from retrogait.analysis.preprocess import preprocess
from retrogait.dsp import running_min
from retrogait.session import Session, SessionMeta


def _row_pearson(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    den = np.sqrt(np.maximum((a * a).sum(axis=1) * (b * b).sum(axis=1), 1e-30))
    out: NDArray[np.float64] = (a * b).sum(axis=1) / den
    return out


def likeness_lag_by_lag(
    x: NDArray[np.float64], at: NDArray[np.int64], period: NDArray[np.float64], ahead: bool
) -> NDArray[np.float64]:
    """The stride likeness as it was computed before PERF-123: one lag at a time, indices clipped at the ends."""
    n = x.size
    half = np.maximum(np.rint(period).astype(np.int64), 2)
    out = np.full(at.size, -1.0)
    for h in np.unique(half):
        sel = np.flatnonzero(half == h)
        offs = np.arange(2 * h)
        start = at[sel] if ahead else at[sel] - 2 * h
        a = x[np.clip(start[:, None] + offs, 0, n - 1)]
        for lag in range(int(1.8 * h), int(2.2 * h) + 1):
            shift = lag if ahead else -lag
            b = x[np.clip(start[:, None] + shift + offs, 0, n - 1)]
            out[sel] = np.maximum(out[sel], _row_pearson(a, b))
    return out


def _walk(n: int, seed: int) -> NDArray[np.float64]:
    """A step-like signal whose period drifts (many step lengths), with noise."""
    rng = np.random.default_rng(seed)
    phase = np.cumsum(2 * np.pi / rng.uniform(18.0, 34.0, n).clip(18.0, 34.0))
    return np.sin(phase) ** 3 + 0.3 * rng.standard_normal(n)


@pytest.mark.parametrize("ahead", [True, False])
def test_stride_likeness_has_the_bits_of_the_lag_by_lag_loop(ahead: bool) -> None:
    x = _walk(6000, 5)
    rng = np.random.default_rng(6)
    at = np.sort(rng.choice(x.size, 400, replace=False)).astype(np.int64)
    at[:2], at[-2:] = (0, 3), (x.size - 4, x.size - 1)  # strides reaching past both ends (clipped samples)
    period = rng.uniform(8.0, 30.0, at.size)
    got, want = stride_likeness(x, at, period, ahead), likeness_lag_by_lag(x, at, period, ahead)
    assert np.array_equal(got.view(np.uint64), want.view(np.uint64))
    assert (got > -1.0).all()
    order = rng.permutation(at.size)  # anchors in any order (a stretch's end asks them from the last one back)
    shuffled = stride_likeness(x, at[order], period[order], ahead)
    assert np.array_equal(shuffled.view(np.uint64), want[order].view(np.uint64))


def test_running_min_at_anchors_is_the_whole_running_min_there() -> None:
    x = _walk(3000, 7)
    for at in (np.array([0, 5, 40, 1200, 2990, 2999]), np.array([800, 801, 1500]), np.array([3, 2996])):
        for size in (3, 21, 64, 401):
            assert np.array_equal(_running_min_at(x, size, at), running_min(x, size)[at])


@pytest.mark.parametrize("k", [1, 2, 3, 8, 200, 405])
def test_row_median_has_the_bits_of_numpy_median(k: int) -> None:
    rng = np.random.default_rng(k)
    rows = [rng.standard_normal((7, k)), np.round(rng.standard_normal((7, k)), 1), -np.zeros((3, k))]
    nan = rng.standard_normal((4, k))
    nan[1, k // 2] = np.nan
    for x in [*rows, nan, np.full((2, k), np.inf)]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            want = np.median(x, axis=-1, keepdims=True)
        got = row_median(x)
        assert got.shape == want.shape and np.array_equal(got.view(np.uint64), want.view(np.uint64))


def test_pearson_by_lag_refuses_lags_longer_than_the_rows() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        pearson_by_lag(np.ones((2, 10)), 10)


def _periodicity(x: NDArray[np.float64], needed_s: NDArray[np.float64] | None = None) -> tuple[NDArray, ...]:
    per = windowed_periodicity(
        x,
        50.0,
        window_s=4.0,
        hop_s=0.1,
        min_step_s=0.25,
        max_step_s=1.0,
        strong_fraction=0.7,
        clip_mad=4.0,
        needed_s=needed_s,
    )
    return per.centre_s, per.step_s, per.stride_s, per.stride_r, per.step_r, per.rms_g, per.fast_r


def test_needed_windows_are_computed_in_their_whole_blocks_with_the_same_bits() -> None:
    x = _walk(50 * 60 * 3, 9) * 0.2  # 3 min at 50 Hz: 1761 windows, 7 blocks
    whole = _periodicity(x)
    centre = whole[0]
    needed = centre[[10, 3 * CHUNK_WINDOWS + 5]]  # one window of the first block, one of the fourth
    part = _periodicity(x, needed)
    assert np.array_equal(part[0], centre)
    computed = np.zeros(centre.size, dtype=bool)
    computed[:CHUNK_WINDOWS] = computed[3 * CHUNK_WINDOWS : 4 * CHUNK_WINDOWS] = True
    for got, want in zip(part[1:], whole[1:], strict=True):
        assert np.array_equal(got[computed].view(np.uint64), want[computed].view(np.uint64))
        assert np.isnan(got[~computed]).all()
    assert all(np.isnan(v).all() for v in _periodicity(x, np.zeros(0))[1:])


def test_first_good_run_is_found_asking_the_likeness_of_few_anchors() -> None:
    """A stretch end's first run of good pairs, the likeness asked lazily, is the run the whole arrays give."""
    rng = np.random.default_rng(12)
    asked_share = []
    for trial in range(400):
        n, run = int(rng.integers(1, 120)), int(rng.integers(1, 5))
        candidate = rng.random(n) < rng.uniform(0.5, 1.0)
        alike_all = rng.random(n) < rng.uniform(0.5, 1.0)
        asked: list[int] = []

        def alike(
            i: NDArray[np.int64], asked: list[int] = asked, alike_all: NDArray[np.bool_] = alike_all
        ) -> NDArray[np.bool_]:
            asked.extend(i.tolist())
            return alike_all[i]

        got = _first_run(candidate, alike, run)
        runs = np.flatnonzero(_all_in_run(candidate & alike_all, run))
        assert got == (int(runs[0]) if runs.size else -1), trial
        assert len(asked) == len(set(asked)) and all(candidate[asked]), trial  # each candidate once at most
        asked_share.append(len(asked) / n)
    assert min(asked_share) < 0.2  # an early run leaves most anchors unasked


def test_needed_windows_at_block_edges_compute_their_own_blocks() -> None:
    """REVIEW-207: a needed window at a block's first or last row, and the run's last (partial) block, computes its
    own block (the windows of the test above lie inside their blocks: a block read one off passed it)."""
    x = _walk(50 * 60 * 3, 9) * 0.2  # 1761 windows: six whole blocks and one of 225
    whole = _periodicity(x)
    centre = whole[0]
    last = centre.size - 1
    for index, block in ((CHUNK_WINDOWS - 1, 0), (CHUNK_WINDOWS, 1), (2 * CHUNK_WINDOWS - 1, 1), (last, 6)):
        part = _periodicity(x, centre[[index]])
        computed = np.zeros(centre.size, dtype=bool)
        computed[block * CHUNK_WINDOWS : (block + 1) * CHUNK_WINDOWS] = True
        for got, want in zip(part[1:], whole[1:], strict=True):
            assert np.array_equal(got[computed].view(np.uint64), want[computed].view(np.uint64)), index
            assert np.isnan(got[~computed]).all(), index


@pytest.mark.shared_data
def test_phone_steps_with_the_short_window_where_needed_equals_it_everywhere(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-207: PERF-125's rule pinned end to end. A purse's trace tiled three times (long walks: whole blocks the
    short window skips), where the short window does change the gait mask: the steps and the gait with the short
    window only where the long one neither starts nor keeps a stretch equal those with it everywhere."""
    path = shared_data / "phone_positions" / "Samsung_Carmelo_Hard_Purse_1.accelerometer.csv.gz"
    with gzip.open(path, "rt") as fh:
        values = np.loadtxt(fh, delimiter=",")
    t = (values[:, 0] - values[0, 0]) * 1e-9
    copies, span = 3, float(t[-1]) + 0.01
    t = np.concatenate([t + i * span for i in range(copies)])
    rate = round(float((t.size - 1) / t[-1]), 3)
    signals = preprocess(Session(t, np.tile(values[:, 2:5], (copies, 1)), None, SessionMeta("thigh", rate)))
    original = periodicity_module.windowed_periodicity
    skipped: list[int] = []

    def asked(*args: Any, needed_s: NDArray[np.float64] | None = None, **kwargs: Any) -> Periodicity:
        per = original(*args, needed_s=needed_s, **kwargs)
        if needed_s is not None:
            skipped.append(int(np.isnan(per.step_r).sum()))
        return per

    def run(needed: Callable[[NDArray[np.float64] | None], NDArray[np.float64] | None]) -> tuple[bytes, bytes]:
        def patched(*args: Any, needed_s: NDArray[np.float64] | None = None, **kwargs: Any) -> Periodicity:
            return asked(*args, needed_s=needed(needed_s), **kwargs)

        monkeypatch.setattr(phone_steps_module, "windowed_periodicity", patched)
        found = phone_steps_module.phone_steps(signals)
        return found.contacts.ic_idx.tobytes(), found.gait.tobytes()

    lazy = run(lambda needed_s: needed_s)
    assert skipped[0] >= CHUNK_WINDOWS  # at least one whole block of the short window not computed
    everywhere = run(lambda needed_s: None)
    never = run(lambda needed_s: None if needed_s is None else np.zeros(0))
    assert lazy == everywhere
    assert never != everywhere  # the short window changes this trace's gait: the comparison can fail


@given(
    n=st.integers(5, 400),
    seed=st.integers(0, 2**16),
    anchors=st.integers(1, 30),
    longest=st.floats(0.5, 80.0),
    ahead=st.booleans(),
)
def test_stride_likeness_has_the_loops_bits_on_any_signal_and_anchors(
    n: int, seed: int, anchors: int, longest: float, ahead: bool
) -> None:
    """REVIEW-207: any length (strides longer than the signal), anchors anywhere and in any order, with repeats,
    periods from 0.5 to 80 samples (LIKENESS_BLOCK's blocks of one anchor): the lag-by-lag loop's bits; and the
    running minimum at sorted anchors for any window size."""
    rng = np.random.default_rng(seed)
    x = _walk(n, seed)
    at = rng.integers(0, n, anchors)
    at[rng.random(anchors) < 0.2] = n - 1
    at[rng.random(anchors) < 0.2] = 0
    period = rng.uniform(0.5, longest, anchors)
    got, want = stride_likeness(x, at, period, ahead), likeness_lag_by_lag(x, at, period, ahead)
    assert np.array_equal(got.view(np.uint64), want.view(np.uint64))
    size = int(rng.integers(1, 2 * n + 3))
    order = np.unique(at)
    assert np.array_equal(_running_min_at(x, size, order), running_min(x, size)[order])


def _simulated_phone(placement: str, seed: int) -> Any:
    from retrogait.simulate import Bout, SimulationConfig, simulate

    bouts = [Bout("still", "still", 0.0, 3.0), Bout("forward", "walking", 1.3, 25.0), Bout("still", "still", 0.0, 3.0)]
    session = simulate(SimulationConfig(placement="lower_back", bouts=bouts, sample_rate_hz=100.0, seed=seed)).session
    return preprocess(Session(session.t_s, session.acc, None, SessionMeta(placement, 100.0)))


@pytest.mark.parametrize("placement", ["thigh", "hand"])
def test_phone_steps_takes_the_norm_of_the_acceleration_once_with_numpys_bits(
    monkeypatch: pytest.MonkeyPatch, placement: str
) -> None:
    """PERF-135: |a| is taken once for the step signal and standing, by ``norm_rows``, whose numbers are
    ``np.linalg.norm``'s, and once more by the landings, which let theirs go once low-passed (PERF-140: held through
    their search it cost 0.15 x the samples' array at 26 Hz): the steps and gait are those of numpy's norm at each
    use."""
    signals = _simulated_phone(placement, seed=4)
    calls: list[int] = []
    norm_rows = phone_steps_module.norm_rows

    def counted(v: NDArray[np.float64]) -> NDArray[np.float64]:
        calls.append(v.shape[0])
        return norm_rows(v)

    monkeypatch.setattr(phone_steps_module, "norm_rows", counted)
    found = phone_steps_module.phone_steps(signals)
    assert calls == [signals.n_samples, signals.n_samples]
    assert found.contacts.ic_idx.size > 20  # a walk: the landings were read

    fresh = _simulated_phone(placement, seed=4)
    monkeypatch.setattr(phone_steps_module, "norm_rows", lambda v: np.linalg.norm(v, axis=1))
    numpys = phone_steps_module.phone_steps(fresh)
    assert found.contacts.ic_idx.tobytes() == numpys.contacts.ic_idx.tobytes()
    assert found.gait.tobytes() == numpys.gait.tobytes()
    settings = phone_steps_module.preset(placement).phone_steps
    x = phone_steps_module.step_signal(signals, settings)
    assert (
        x.tobytes()
        == phone_steps_module.step_signal(signals, settings, np.linalg.norm(signals.acc_ms2, axis=1)).tobytes()
    )


@pytest.mark.parametrize("placement", ["thigh", "hand"])
def test_phone_steps_shared_norm_is_each_uses_own(monkeypatch: pytest.MonkeyPatch, placement: str) -> None:
    """REVIEW-219: the steps, landings and gait of ``phone_steps`` with its one |a| are those of ``phone_steps`` whose
    step signal, standing and landings each take their own ``np.linalg.norm`` of the acceleration (as before
    PERF-135), whatever array ``phone_steps`` hands them: an array other than |a| handed to one of them fails here
    (the test above compares two runs of the same sharing code)."""
    from retrogait.analysis.signals import BodySignals

    step_signal, landings, still_mask = (
        phone_steps_module.step_signal,
        phone_steps_module.landings,
        BodySignals.still_mask,
    )
    handed: dict[str, Any] = {}

    def keep(name: str, size: Any) -> Any:
        handed[name] = size
        return size

    with monkeypatch.context() as m:  # what phone_steps hands each use: |a| with numpy's bits
        m.setattr(phone_steps_module, "step_signal", lambda s, st, size=None: step_signal(s, st, keep("x", size)))
        m.setattr(
            phone_steps_module,
            "landings",
            lambda s, peaks, period, st, size=None: landings(s, peaks, period, st, keep("landings", size)),
        )
        m.setattr(
            BodySignals,
            "still_mask",
            lambda s, window_s, std, size=None: still_mask(s, window_s, std, keep("still", size)),
        )
        signals = _simulated_phone(placement, seed=4)
        found = phone_steps_module.phone_steps(signals)
    assert sorted(handed) == ["landings", "still", "x"]
    assert handed.pop("landings") is None  # they take their own |a| (PERF-140)
    for size in handed.values():
        assert size.tobytes() == np.linalg.norm(signals.acc_ms2, axis=1).tobytes()
    monkeypatch.setattr(phone_steps_module, "norm_rows", lambda v: np.linalg.norm(v, axis=1))
    monkeypatch.setattr(phone_steps_module, "step_signal", lambda s, settings, size=None: step_signal(s, settings))
    monkeypatch.setattr(
        phone_steps_module,
        "landings",
        lambda s, peaks, period, settings, size=None: landings(s, peaks, period, settings),
    )
    monkeypatch.setattr(BodySignals, "still_mask", lambda s, window_s, std, size=None: still_mask(s, window_s, std))
    own = phone_steps_module.phone_steps(_simulated_phone(placement, seed=4))
    assert found.contacts.ic_idx.size > 20
    assert found.contacts.ic_idx.tobytes() == own.contacts.ic_idx.tobytes()
    assert found.gait.tobytes() == own.gait.tobytes()
