"""A clock with a few slots lost is put on the grid without the interpolation's search: the same arrays (PERF-149)."""

from __future__ import annotations

import numpy as np
import pytest

from retrogait.analysis import preprocess, slot_holes
from test_own_slots_grid import _as_bytes, _recording, spied

#: (seed, samples, lost rows): one lost row (the range check's case), a lost row beside the first and the last,
#: neighbouring lost rows, a long stretch lost (more empty slots than a block), lost rows in several blocks.
CASES = [
    (0, 70_001, [35_000]),
    (1, 70_001, [1, 69_998]),
    (2, 997, [400, 401, 402, 900]),
    (3, 70_001, list(range(20_000, 30_000)) + [50_000]),
    (4, 70_001, list(range(3, 70_000, 1_500))),
    (5, 2_000, [1_997]),
]


def _grids(seed: int, n: int, lost: list[int], monkeypatch: pytest.MonkeyPatch) -> tuple[list, list, list[bool]]:
    t, acc, gyr, clipped, fs = _recording(seed, n)
    keep = np.ones(n, dtype=bool)
    keep[lost] = False
    args = (t[keep], acc[keep], gyr[keep] if seed != 3 else None, clipped[keep], fs)
    taken = spied(monkeypatch, "onto_slots_with_holes")
    with np.errstate(invalid="ignore"):  # an infinity times the weight 0: NaN, as interpolated
        fast = preprocess._uniform_grid(*args)
    monkeypatch.setattr(preprocess, "onto_slots_with_holes", lambda *a, **kw: False)
    with np.errstate(invalid="ignore"):
        general = preprocess._uniform_grid(*args)
    return _as_bytes(fast), _as_bytes(general), taken


@pytest.mark.parametrize(("seed", "n", "lost"), CASES)
def test_slots_with_their_samples_lost_get_what_interpolation_gives(
    seed: int, n: int, lost: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, general, taken = _grids(seed, n, lost, monkeypatch)
    assert taken == [True] and fast[-1] == "slots"
    assert fast[0] == general[0]  # the grid: n points, the lost ones among them
    assert np.frombuffer(fast[0]).size == n
    assert fast == general


def test_a_recording_losing_samples_all_through_is_interpolated(monkeypatch: pytest.MonkeyPatch) -> None:
    lost = list(range(10, 60_000, 60_000 // (slot_holes.MAX_LOST_RUNS + 1)))
    assert len(lost) > slot_holes.MAX_LOST_RUNS
    fast, general, taken = _grids(6, 70_001, lost, monkeypatch)
    assert taken == [] and fast == general


def test_the_runs_between_lost_slots(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slot_holes, "SAMPLES_PER_LOST_RUN", 1)  # a few slots: the bound on short ones aside
    k = np.array([0, 1, 2, 4, 5, 9, 10], dtype=np.int64)
    samples, slots = slot_holes.lost_slots(k)  # type: ignore[misc]
    assert samples.tolist() == [0, 3, 5] and slots.tolist() == [0, 4, 9]
    assert slot_holes.lost_slots(np.arange(2 * slot_holes.MAX_LOST_RUNS + 4, dtype=np.int64) * 2) is None


def test_two_grid_points_on_one_float_leave_it_to_the_interpolation() -> None:
    n = 1_000
    grid = np.arange(n) / 100.0
    grid[600] = grid[599]  # two slots on one float: the search counts both samples there
    keep = np.ones(n, dtype=bool)
    keep[300] = False
    t, values = grid[keep], np.ones((keep.sum(), 3))
    out, gap = np.empty((n, 3)), np.empty(n, dtype=bool)
    clipped = np.zeros(t.size, dtype=bool)
    runs = slot_holes.lost_slots(np.flatnonzero(keep).astype(np.int64))
    assert runs is not None
    filled = (values, out), (None, None), (clipped, np.empty(n, dtype=bool)), gap
    assert slot_holes.onto_slots_with_holes(t, grid, runs, 0.015, 256, filled) is False


def test_a_short_recording_losing_samples_in_many_places_is_interpolated(monkeypatch: pytest.MonkeyPatch) -> None:
    """REVIEW-242: a run costs the fill a Python step (~20 us), the interpolation ~0.1 us a grid point: 32 runs on
    4,000 samples took 0.8 ms against the interpolation's 0.4 ms (64 on the real foot_walking left foot, 7,864
    samples: 2.4 against 1.4 ms). Fewer than SAMPLES_PER_LOST_RUN samples a run go to the interpolation."""
    lost = list(range(60, 3_940, 120))  # 33 runs of ~120 samples
    fast, general, taken = _grids(8, 4_000, lost, monkeypatch)
    assert taken == [] and fast == general


def test_slots_skipping_max_lost_runs_times_take_the_fill(monkeypatch: pytest.MonkeyPatch) -> None:
    """REVIEW-242: the bound itself: slots skipping exactly MAX_LOST_RUNS times are filled (65 runs), once more
    interpolated (test_a_recording_losing_samples_all_through_is_interpolated)."""
    lost = list(range(500, 64_500, 1_000))
    assert len(lost) == slot_holes.MAX_LOST_RUNS
    fast, general, taken = _grids(9, 70_001, lost, monkeypatch)
    assert taken == [True] and fast == general


def _canonical(out: tuple) -> list[bytes | str | None]:
    """The arrays' bytes with every NaN as numpy's own (REVIEW-243: where two NaN summands meet, numpy's add keeps
    the first one's sign in its vector lanes and the second one's in the rows left after them, so the sign of a NaN
    made of a NaN beside an infinity depends on where the row fell in the block, on either path)."""
    return _as_bytes(
        tuple(np.where(np.isnan(a), np.nan, a) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a for a in out)
    )


@pytest.mark.parametrize("seed", range(40))
def test_short_recordings_with_holes_get_what_interpolation_gives(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """REVIEW-243: 4-40 samples, 1-3 rows lost anywhere but the first (the last, beside one another), float32 or
    float64, NaN beside infinities, with and without a gyroscope: the fill's floats (NaN as NaN) are the
    interpolation's."""
    monkeypatch.setattr(slot_holes, "SAMPLES_PER_LOST_RUN", 1)  # the fill on a short recording
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 41))
    t, acc, gyr, clipped, fs = _recording(seed, n)
    if seed % 3 == 0:
        acc, gyr = acc.astype(np.float32), gyr.astype(np.float32)
    lost = sorted({int(i) for i in rng.integers(1, n, int(rng.integers(1, 4)))})
    keep = np.ones(n, dtype=bool)
    keep[lost] = False
    args = (t[keep], acc[keep], gyr[keep] if seed % 2 else None, clipped[keep], fs)
    taken = spied(monkeypatch, "onto_slots_with_holes")
    with np.errstate(invalid="ignore"):
        fast = preprocess._uniform_grid(*args)
    monkeypatch.setattr(preprocess, "onto_slots_with_holes", lambda *a, **kw: False)
    with np.errstate(invalid="ignore"):
        general = preprocess._uniform_grid(*args)
    holes = fast[-1] == "slots" and fast[0].size > keep.sum()  # rows lost at the end leave no empty slot
    assert taken == ([True] if holes else [])
    assert _canonical(fast) == _canonical(general)
