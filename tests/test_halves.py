"""Row-independent work in two halves of its rows on two threads where a core is free: the same bits (PERF-157);
pieces taken in turns by two threads (PERF-169)."""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray

from retrogait.analysis import beside, contacts, periodicity, pipeline, preprocess, vectors
from retrogait.analysis.beside import in_halves, in_turns, second_thread
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, simulate
from test_phone_speed import _periodicity


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two cores, one of them free (this test's thread the only one runnable)."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(beside, "runnable_now", lambda: 1)


def _calls(rows: int, align: int = 1) -> list[tuple[int, int, str]]:
    calls: list[tuple[int, int, str]] = []
    in_halves(lambda start, stop: calls.append((start, stop, threading.current_thread().name)), rows, align=align)
    return sorted(calls)


def test_one_call_outside_the_block_with_no_core_free_or_too_few_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    here = threading.current_thread().name
    rows = beside.HALVES_MIN_VALUES
    assert _calls(rows) == [(0, rows, here)]  # outside second_thread()
    with second_thread():
        assert _calls(rows - 1) == [(0, rows - 1, here)]
        assert _calls(rows, align=rows) == [(0, rows, here)]  # half rounded down to no row
        monkeypatch.setattr(beside, "runnable_now", lambda: 2)
        assert _calls(rows) == [(0, rows, here)]
        monkeypatch.setattr(beside, "runnable_now", lambda: 1)
        found: list[list[tuple[int, int, str]]] = []
        other = threading.Thread(target=lambda: found.append(_calls(rows)), name="other")  # not the block's thread
        other.start()
        other.join()
        assert found == [[(0, rows, "other")]]


def test_inside_the_block_the_second_half_runs_beside_from_a_multiple_of_align() -> None:
    here = threading.current_thread().name
    rows = 3 * beside.HALVES_MIN_VALUES + 5
    with second_thread():
        assert _calls(rows) == [(0, rows // 2, here), (rows // 2, rows, "retrogait-beside")]
        middle = rows // 2 // 8192 * 8192
        assert _calls(rows, align=8192) == [(0, middle, here), (middle, rows, "retrogait-beside")]


@pytest.mark.parametrize("failing", ["first", "second"])
def test_an_error_in_either_half_reaches_the_caller_after_the_thread_is_done(failing: str) -> None:
    rows = beside.HALVES_MIN_VALUES
    done: list[int] = []

    def part(start: int, stop: int) -> None:
        if (start == 0) == (failing == "first"):
            raise ValueError(failing)
        threading.Event().wait(0.05)  # the other half still running when the failing one raises
        done.append(start)

    with second_thread(), pytest.raises(ValueError, match=failing):
        in_halves(part, rows)
    assert len(done) == 1  # the other half finished before the caller saw the error


def _rows(n: int, order: str, dtype: type[np.floating], seed: int = 1) -> NDArray[np.floating]:
    rng = np.random.default_rng(seed)
    v = rng.normal(0.0, 9.81, size=(n, 3))
    if n > 4:  # NaN, infinities and -0.0 in some rows
        v[n // 3] = np.nan
        v[n // 2, 1] = np.inf
        v[n - 2, 2] = -np.inf
        v[1] = -0.0
    return np.asarray(v, dtype=dtype, order=order)


SIZES = [0, 1, 2, 3, 5, 8, 9, 17, 1001, 4099]


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_norms_in_halves_of_odd_sizes_are_the_whole_call_s_bits(
    order: str, dtype: type[np.floating], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks of 4 rows and halves from 2 rows, so that small odd sizes split; against numpy's own norm (PERF-4) and
    the gate's einsum (PERF-62), the whole call's numbers."""
    monkeypatch.setattr(vectors, "NORM_BLOCK_ROWS", 4)
    monkeypatch.setattr(beside, "HALVES_MIN_VALUES", 2)
    threads: list[str] = []
    for name in ("_norm_rows_into", "_norm_columns"):
        real = getattr(vectors, name)

        def recorded(*args: object, _real: object = real) -> object:
            threads.append(threading.current_thread().name)
            return _real(*args)  # type: ignore[operator]

        monkeypatch.setattr(vectors, name, recorded)
    for n in SIZES:
        v = _rows(n, order, dtype)
        with np.errstate(invalid="ignore", over="ignore"):
            whole = np.linalg.norm(v, axis=1)
            gate = np.sqrt(np.einsum("ij,ij->i", v, v))
            with second_thread():
                halves, gate_halves = vectors.norm_rows(v), vectors.gate_norm_rows(v)
        assert halves.tobytes() == whole.astype(halves.dtype).tobytes(), n
        assert gate_halves.tobytes() == gate.astype(gate_halves.dtype).tobytes(), n
    assert ("retrogait-beside" in threads) == (dtype == np.float64)  # float64 in halves, in blocks where C-ordered


@pytest.mark.parametrize("order", ["C", "F"])
def test_norms_in_halves_keep_each_nan_s_sign(order: str) -> None:
    """Rows of a NaN and a -NaN: numpy's add keeps one NaN's sign or the other's by the element's place in its call
    (REVIEW-243), so a half that ends where the whole call has no end gives some rows the other sign; the halves
    split at a multiple of NORM_BLOCK_ROWS end where the whole call's blocks do (REVIEW-249: the column path split
    anywhere, 85 of 100 sizes differed)."""
    nan = np.float64("nan")
    for n in (beside.HALVES_MIN_VALUES + 2, beside.HALVES_MIN_VALUES + 11, 3 * beside.HALVES_MIN_VALUES + 5):
        v = np.empty((n, 3), order=order)
        v[:, 0], v[:, 1], v[:, 2] = nan, -nan, 1.0
        v[::7, 2] = -nan
        whole = vectors.norm_rows(v)
        with second_thread():
            halves = vectors.norm_rows(v)
        assert halves.tobytes() == whole.tobytes(), n


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("n", [beside.HALVES_MIN_VALUES, 2 * beside.HALVES_MIN_VALUES + 1, 720_001])
def test_rotations_to_the_body_frame_in_halves_are_the_whole_product_s_bits(order: str, n: int) -> None:
    rng = np.random.default_rng(2)
    rot = np.linalg.qr(rng.normal(size=(3, 3)))[0]
    for dtype in (np.float64, np.float32):
        v = _rows(n, order, dtype)
        whole = v @ rot.T
        with second_thread():
            halves = preprocess._to_body(v, rot)
        assert halves.dtype == whole.dtype and halves.tobytes() == whole.tobytes()


def test_rotations_to_the_body_frame_split_at_a_single_row_would_differ() -> None:
    """Why the halves are split at a multiple of NORM_BLOCK_ROWS (never leaving one row): numpy multiplies a single row
    by another path, whose bits differ from the whole product's on some rows with OpenBLAS's FMA kernels (Haswell,
    Zen, SkylakeX, Cooperlake, SapphireRapids). Where this BLAS gives one row the same bits (OpenBLAS's SandyBridge,
    Nehalem, Core2, Prescott, Barcelona and Bulldozer kernels: ``OPENBLAS_CORETYPE``, or an older CPU) there is nothing
    to show, and the test skips rather than fail on the machine (REVIEW-248); the rule itself is tested on every BLAS
    by ``test_rotations_in_halves_never_multiply_a_single_row_apart``."""
    rng = np.random.default_rng(1)
    rot = np.linalg.qr(rng.normal(size=(3, 3)))[0]
    differ = 0
    for _ in range(50):
        v = rng.normal(0.0, 9.81, size=(8193, 3))
        whole = v @ rot.T
        out = np.empty_like(whole)
        np.matmul(v[:8192], rot.T, out=out[:8192])
        np.matmul(v[8192:], rot.T, out=out[8192:])
        differ += out.tobytes() != whole.tobytes()
    if differ == 0:
        pytest.skip("this BLAS multiplies one row to the whole product's bits: no reason to show here")
    assert differ > 0


def test_rotations_in_halves_never_multiply_a_single_row_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule that keeps the rotations' bits on every BLAS (REVIEW-248): a split never leaves a piece of one row
    (numpy multiplies one row by another path), whatever the bound: with halves from one value on, every
    ``np.matmul`` of ``_to_body`` is the whole call or a piece of at least NORM_BLOCK_ROWS rows, and the bits are
    the whole product's."""
    monkeypatch.setattr(beside, "HALVES_MIN_VALUES", 1)
    pieces: list[tuple[int, int]] = []
    real = np.matmul

    def recorded(a: NDArray[np.float64], b: NDArray[np.float64], **kwargs: object) -> object:
        pieces.append((a.shape[0], int(kwargs["out"].shape[0])))  # type: ignore[attr-defined]
        return real(a, b, **kwargs)

    rng = np.random.default_rng(4)
    rot = np.linalg.qr(rng.normal(size=(3, 3)))[0]
    sizes = [*range(0, 12), 8191, 8192, 8193, 16383, 16384, 16385, 16386, 24577]
    for n in sizes:
        v = _rows(n, "F", np.float64, seed=n)
        whole = v @ rot.T
        pieces.clear()
        monkeypatch.setattr(np, "matmul", recorded)
        with second_thread():
            halves = preprocess._to_body(v, rot)
        monkeypatch.setattr(np, "matmul", real)
        assert halves.tobytes() == whole.tobytes(), n
        assert len(pieces) == (2 if n >= 2 * vectors.NORM_BLOCK_ROWS else 1), n
        assert all(rows >= vectors.NORM_BLOCK_ROWS or rows == n for rows, _ in pieces), (n, pieces)


@pytest.fixture(scope="module")
def running() -> Session:
    bouts = [Bout("still", "still", 0, 1.0), Bout("forward", "running", 3.0, 20.0), Bout("still", "still", 0, 1.0)]
    return simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=5)).session


def test_the_pipeline_s_steps_are_the_same_with_halves_on_two_threads(
    running: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = pipeline.analyze(running).steps
    monkeypatch.setattr(beside, "HALVES_MIN_VALUES", 1000)
    monkeypatch.setattr(vectors, "NORM_BLOCK_ROWS", 64)
    monkeypatch.setattr(preprocess, "NORM_BLOCK_ROWS", 64)
    names = {"norm": [], "body": []}  # type: dict[str, list[str]]
    real_norm, real_body = vectors._norm_rows_into, preprocess.in_halves

    def norm(*args: object) -> None:
        names["norm"].append(threading.current_thread().name)
        real_norm(*args)  # type: ignore[arg-type]

    def body(part, rows, **kwargs):  # type: ignore[no-untyped-def]
        names["body"].append(threading.current_thread().name)
        real_body(lambda a, b: (names["body"].append(threading.current_thread().name), part(a, b))[1], rows, **kwargs)

    monkeypatch.setattr(vectors, "_norm_rows_into", norm)
    monkeypatch.setattr(preprocess, "in_halves", body)
    with second_thread():
        threaded = pipeline.analyze(running).steps
    assert "retrogait-beside" in names["norm"] and "retrogait-beside" in names["body"]
    assert len(threaded) > 20
    pd.testing.assert_frame_equal(serial, threaded, check_exact=True)


@pytest.mark.parametrize("count", [0, 1, 2, 7, 8, 9, 61])
def test_a_shank_s_swing_ways_in_halves_are_the_whole_call_s(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 4 windows (``WINDOW_BLOCK_SAMPLES`` cut to 4 of the widest window), halves from one value on: each
    window's way read from its own samples, the same with the second half on a thread of its own (PERF-159)."""
    rng = np.random.default_rng(count)
    fs, n = 200.0, 20_000
    sagittal = np.cumsum(rng.normal(0.0, 30.0, n))
    sagittal[n // 2 : n // 2 + 50] = np.nan
    at = np.sort(rng.choice(n, size=count, replace=False)).astype(np.int64)
    stride = rng.uniform(0.5, 1.4, n)
    whole = contacts._swing_way(sagittal, at, stride, fs)
    widest = 2 * int(np.maximum((stride[at] * fs / 2).astype(np.int64), 1).max(initial=1)) + 1
    monkeypatch.setattr(contacts, "WINDOW_BLOCK_SAMPLES", 4 * widest)
    monkeypatch.setattr(beside, "HALVES_MIN_VALUES", 1)
    threads = _threads_of_blocks(monkeypatch)
    with second_thread():
        halves = contacts._swing_way(sagittal, at, stride, fs)
    assert halves.tobytes() == whole.tobytes()
    assert ("retrogait-beside" in threads) == (count >= 8)  # two blocks of 4 at least


def _threads_of_blocks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The threads ``np.argmax`` runs on from now on in ``contacts`` (one call a block of windows)."""
    names: list[str] = []

    class Recorded:
        def __getattr__(self, name: str) -> object:
            if name == "argmax":

                def argmax(*args: object, **kwargs: object) -> object:
                    names.append(threading.current_thread().name)
                    return np.argmax(*args, **kwargs)  # type: ignore[call-overload]

                return argmax
            return getattr(np, name)

    monkeypatch.setattr(contacts, "np", Recorded())
    return names


@pytest.mark.parametrize("order", ["C", "F"])
def test_the_weighted_samples_in_halves_are_numpy_s_product_in_its_layout(
    order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(beside, "HALVES_MIN_VALUES", 1)
    rng = np.random.default_rng(3)
    for n in SIZES:
        v = _rows(n, order, np.float64)
        use = rng.random(n) > 0.4
        with second_thread(), np.errstate(invalid="ignore"):  # inf x 0
            whole = v.T * use
            halves = preprocess._weighted(v, use)
        assert halves.tobytes(order="A") == whole.tobytes(order="A"), n
        assert (halves.flags.c_contiguous, halves.flags.f_contiguous) == (
            whole.flags.c_contiguous,
            whole.flags.f_contiguous,
        )


def _turns(count: int) -> list[tuple[int, str]]:
    calls: list[tuple[int, str]] = []
    in_turns(lambda k: calls.append((k, threading.current_thread().name)), count)
    return calls


def test_pieces_in_turns_are_each_called_once_here_in_order_outside_the_block_or_with_no_core_free(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    here = threading.current_thread().name
    assert _turns(5) == [(k, here) for k in range(5)]  # outside second_thread()
    with second_thread():
        assert _turns(0) == []
        assert _turns(1) == [(0, here)]  # one piece: no thread
        monkeypatch.setattr(beside, "runnable_now", lambda: 2)
        assert _turns(5) == [(k, here) for k in range(5)]
        monkeypatch.setattr(beside, "runnable_now", lambda: 1)
        assert sorted(k for k, _ in _turns(40)) == list(range(40))


def test_a_piece_in_turns_that_raises_on_the_other_thread_is_raised_here_and_stops_the_pieces() -> None:
    """PERF-169: the other thread's piece raises while this thread holds one; this thread starts no piece after it
    and raises its error once the piece it holds is done."""
    here = threading.current_thread().name
    took, started = threading.Event(), threading.Event()
    other: list[threading.Thread] = []
    calls: list[tuple[int, str]] = []

    def piece(k: int) -> None:
        calls.append((k, threading.current_thread().name))
        if threading.current_thread().name != here:
            other.append(threading.current_thread())
            started.set()
            assert took.wait(30.0), "this thread took no piece"
            raise MemoryError(f"piece {k}")
        if not took.is_set():
            took.set()
            assert started.wait(30.0), "the other thread took no piece"
            other[0].join(30.0)  # it ends once its error is kept

    with second_thread(), pytest.raises(MemoryError, match="piece"):
        in_turns(piece, 10)
    assert len(calls) == 2 and {name for _, name in calls} == {here, "retrogait-beside"}


def _periodicity_in_turns(
    needed: bool, monkeypatch: pytest.MonkeyPatch, stall: bool
) -> tuple[tuple[NDArray[np.float64], ...], tuple[NDArray[np.float64], ...], list[str], int]:
    """(one pass outside second_thread(), the blocks in turns inside it, the thread of each block, the blocks) of a
    4 min phone-like signal at 50 Hz (2361 windows, 10 blocks; 4 of them asked with ``needed``). This thread's first
    block waits until the other thread has taken one, so both take blocks; with ``stall``, the other thread's first
    block waits until this thread has computed every other block (PERF-169)."""
    rng = np.random.default_rng(9)
    phase = np.cumsum(2 * np.pi / rng.uniform(18.0, 34.0, 50 * 60 * 4))
    x = np.sin(phase) ** 3 + 0.3 * rng.standard_normal(phase.size)
    x[3000:3400] = 0.0  # a still stretch
    centre = _periodicity(x, None)[0]
    needed_s = centre[[5, 2 * periodicity.CHUNK_WINDOWS + 7, 6 * periodicity.CHUNK_WINDOWS + 1, -1]] if needed else None
    one = _periodicity(x, needed_s)  # outside second_thread(): one pass on this thread
    blocks = 4 if needed else 10
    here = threading.current_thread().name
    names: list[str] = []
    other_took, rest_done = threading.Event(), threading.Event()
    chunk = periodicity._chunk

    def recorded(*args: Any, **kwargs: Any) -> tuple[NDArray[np.float64], ...]:
        name = threading.current_thread().name
        first = name not in names
        names.append(name)
        if name == here and first:
            assert other_took.wait(30.0), "the other thread took no block"
        elif name != here and first:
            other_took.set()
            if stall:
                assert rest_done.wait(30.0), "this thread left blocks to the stalled thread"
        out = chunk(*args, **kwargs)
        if name == here and names.count(here) == blocks - 1:
            rest_done.set()
        return out

    monkeypatch.setattr(periodicity, "_chunk", recorded)
    with second_thread():
        shared = _periodicity(x, needed_s)
    return one, shared, names, blocks


@pytest.mark.parametrize("needed", [False, True])
def test_periodicity_blocks_in_turns_on_two_threads_are_the_one_thread_s_bits(
    needed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A phone's windowed periodicity (PERF-169): the wanted blocks of windows taken one at a time by this thread and a
    thread of its own where a core is free; each block computed on its own, so the bits of one pass over them all."""
    one, shared, names, blocks = _periodicity_in_turns(needed, monkeypatch, stall=False)
    assert len(names) == blocks and set(names) == {threading.current_thread().name, "retrogait-beside"}
    for got, want in zip(shared, one, strict=True):
        assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("needed", [False, True])
def test_the_caller_never_waits_for_more_than_the_block_the_other_thread_holds(
    needed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PERF-169 (PERF-167 not taken): the other thread stalls in the first block it takes; this thread computes every
    other block itself instead of waiting for a share of them, and the result has the same bits."""
    one, shared, names, blocks = _periodicity_in_turns(needed, monkeypatch, stall=True)
    assert names.count("retrogait-beside") == 1 and names.count(threading.current_thread().name) == blocks - 1
    for got, want in zip(shared, one, strict=True):
        assert got.tobytes() == want.tobytes()


def test_an_interrupt_here_returns_only_once_the_other_thread_has_ended_its_piece(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """REVIEW-285: Ctrl-C in this thread's piece while the other thread holds one: ``in_turns`` raises it once the
    other thread has ended (it starts no piece after it), not leaving it running past the call. The other thread's
    piece is let go when this thread waits for that thread (no timing: an event set from ``Thread.join``)."""
    here = threading.current_thread().name
    holding, release = threading.Event(), threading.Event()
    calls: list[tuple[int, str]] = []
    join = threading.Thread.join

    def joined(thread: threading.Thread, timeout: float | None = None) -> None:
        if thread.name == "retrogait-beside":
            release.set()
        join(thread, timeout)

    def piece(k: int) -> None:
        calls.append((k, threading.current_thread().name))
        if threading.current_thread().name != here:
            holding.set()
            assert release.wait(30.0), "never waited for"
            return
        assert holding.wait(30.0), "the other thread took no piece"
        raise KeyboardInterrupt

    monkeypatch.setattr(threading.Thread, "join", joined)
    try:
        with second_thread(), pytest.raises(KeyboardInterrupt):
            in_turns(piece, 10)
        running = [t for t in threading.enumerate() if t.name == "retrogait-beside" and t.is_alive()]
        assert not running, "the other thread outlived in_turns"
        assert len(calls) == 2 and {name for _, name in calls} == {here, "retrogait-beside"}
    finally:  # a failing run lets the other thread go
        release.set()
        for thread in threading.enumerate():
            if thread.name == "retrogait-beside":
                join(thread, 30.0)


@pytest.mark.parametrize("threaded", [False, True])
def test_a_failed_periodicity_keeps_no_cycle_holding_its_signal(
    threaded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-286: a block that raises (on either thread) leaves no reference cycle through the kept error keeping
    the signal alive once the error is dropped, with the collector off (as before PERF-169's pieces)."""
    rng = np.random.default_rng(3)
    x = np.sin(np.cumsum(2 * np.pi / rng.uniform(18.0, 34.0, 50 * 60 * 4))) + 0.3 * rng.standard_normal(50 * 60 * 4)
    signal = weakref.ref(x)
    _fails_at(monkeypatch, periodicity, "_chunk", 3, "block")
    with _collector_off():
        with second_thread() if threaded else contextlib.nullcontext(), pytest.raises(MemoryError, match="block"):
            _periodicity(x)
        del x
        assert signal() is None, "a cycle keeps the signal"


def _fails_at(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, nth: int, message: str) -> list[str]:
    """``owner.name`` made to raise MemoryError(message) at its ``nth`` call; returns the calling threads' names."""
    real, calls = getattr(owner, name), []

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls.append(threading.current_thread().name)
        if len(calls) == nth:
            raise MemoryError(message)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)
    return calls


@contextlib.contextmanager
def _collector_off() -> Iterator[None]:
    """The cyclic garbage collector off within (on again after, where it was)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@pytest.mark.parametrize("path", ["local_period_s", "stride", "stride_threaded"])
def test_a_failed_local_period_keeps_no_cycle_holding_its_signal(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """EDGE-305 (REVIEW-286's "seen"): a chunk of `filters.LocalPeriod`'s windows that raises (its second) leaves no
    reference cycle through the kept error (its pieces', or the stride period's thread's) keeping the signal alive
    once the error is dropped, with the collector off: `local_period_s` alone, and the stride period's pieces shared
    with the thread beside (`contacts._StrideBeside`, one thread or two)."""
    from retrogait.analysis import filters
    from retrogait.analysis.settings import ContactsSettings

    rng = np.random.default_rng(5)
    n = 50 * 60 * 60  # an hour at 50 Hz: 57 chunks of windows
    x = 9.81 + np.sin(np.cumsum(2 * np.pi / rng.uniform(40.0, 60.0, n))) + 0.3 * rng.standard_normal(n)
    signal = weakref.ref(x)
    calls = _fails_at(monkeypatch, filters, "_first_period", 2, "chunk")
    with _collector_off():
        with second_thread() if path == "stride_threaded" else contextlib.nullcontext():
            with pytest.raises(MemoryError, match="chunk"):
                if path == "local_period_s":
                    filters.local_period_s(x, 50.0, 0.25, 0.8, 10.0, 1.0)
                else:
                    held = [x]
                    contacts._StrideBeside(held, 50.0, ContactsSettings()).result()
            held = []
        del x
        assert len(calls) >= 2, calls
        assert signal() is None, "a cycle keeps the signal"
