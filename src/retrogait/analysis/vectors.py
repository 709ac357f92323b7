"""Row-wise helpers for (n, 3) signals: the same numbers as numpy's general functions, without their
overhead on a short last axis (docs/decisions.md PERF-4) and without (n, 3) temporaries (PERF-12)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.beside import in_halves

#: Rows of a C-ordered (n, 3) array squared at a time by :func:`norm_rows` (a scratch block that stays in
#: the processor's cache; changes no result).
NORM_BLOCK_ROWS = 8192


def norm_rows(v: NDArray[np.float64]) -> NDArray[np.float64]:
    """(n,) Euclidean norm of each row of ``v`` (n, 3), in ``v``'s unit.

    Bit-identical to ``np.linalg.norm(v, axis=1)`` (squares summed in the same order, x + y, then + z)
    and 4-6x faster: numpy reduces a length-3 axis of a C-ordered array one stride at a time. A C-ordered
    float64 array is squared NORM_BLOCK_ROWS rows at a time into a small scratch block (one contiguous multiply,
    which numpy vectorises; a column of it is strided), others a column at a time into one (n,) scratch
    array; never an (n, 3) temporary.
    """
    if v.dtype == np.float64 and v.flags.c_contiguous and v.ndim == 2 and v.shape[1] == 3:
        return _norm_rows_blocked(v)
    if v.dtype == np.float64 and v.ndim == 2:  # the halves of the rows on two cores where one is free (PERF-157)
        out = np.empty(v.shape[0])
        # split at a block's multiple: numpy's add keeps one NaN's sign or the other's by the element's place in its
        # call, so a half ending elsewhere than the whole call gives some NaN the other sign (REVIEW-249)
        in_halves(lambda start, stop: _norm_columns(v[start:stop], out[start:stop]), v.shape[0], align=NORM_BLOCK_ROWS)
        return out
    return _norm_columns(v)


def _norm_columns(v: NDArray[np.float64], out: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """:func:`norm_rows` a column at a time into one (n,) scratch array (into ``out`` where given)."""
    out = np.multiply(v[:, 0], v[:, 0], out=out)
    scratch = np.multiply(v[:, 1], v[:, 1])
    out += scratch
    out += np.multiply(v[:, 2], v[:, 2], out=scratch)
    return np.sqrt(out, out=out)


def _norm_rows_blocked(v: NDArray[np.float64], order: tuple[int, int, int] = (0, 1, 2)) -> NDArray[np.float64]:
    """:func:`norm_rows` of a C-ordered (n, 3) array, a block of rows at a time (PERF-22); the squares of the columns
    ``order`` summed as (first + second) + third."""
    out = np.empty(v.shape[0])
    # each row's norm reads only its own row: the halves of the rows on two cores where one is free (PERF-157)
    in_halves(lambda start, stop: _norm_rows_into(v, out, start, stop, order), v.shape[0], align=NORM_BLOCK_ROWS)
    return out


def _norm_rows_into(
    v: NDArray[np.float64], out: NDArray[np.float64], start: int, stop: int, order: tuple[int, int, int]
) -> None:
    """``out[start:stop]`` set to :func:`_norm_rows_blocked`'s norms of the rows ``start:stop`` of ``v``, in blocks
    of NORM_BLOCK_ROWS rows from ``start``."""
    first, second, third = order
    squares = np.empty((min(stop - start, NORM_BLOCK_ROWS), 3))
    for at in range(start, stop, NORM_BLOCK_ROWS):
        end = min(at + NORM_BLOCK_ROWS, stop)
        block = np.multiply(v[at:end], v[at:end], out=squares[: end - at])
        part = np.add(block[:, first], block[:, second], out=out[at:end])
        part += block[:, third]
    np.sqrt(out[start:stop], out=out[start:stop])


def gate_norm_rows(v: NDArray[np.float64]) -> NDArray[np.float64]:
    """(n,) Euclidean norm of each row of ``v`` (n, 3) with the squares summed as (x^2 + z^2) + y^2: the numbers of
    ``np.sqrt(np.einsum("ij,ij->i", v, v))`` that the gait gate took (numpy 2.4's einsum pairs the first and third
    products of a C-ordered row of three, then adds the second: identical on every row measured, PERF-62), 2-3x
    faster, a block of rows at a time as :func:`norm_rows`. Other layouts and dtypes: that einsum itself."""
    if not (v.dtype == np.float64 and v.flags.c_contiguous and v.ndim == 2 and v.shape[1] == 3):
        return np.asarray(np.sqrt(np.einsum("ij,ij->i", v, v)), dtype=np.float64)
    return _norm_rows_blocked(v, order=(0, 2, 1))


def difference_norm_rows(v: NDArray[np.float64]) -> NDArray[np.float64]:
    """(n - 1,) norm of each row of ``np.diff(v, axis=0)`` (``v`` (n, 3), in ``v``'s unit), bit-identical to
    ``norm_rows(np.diff(v, axis=0))``: the differences taken, squared and summed NORM_BLOCK_ROWS rows at a time
    in a small scratch block, never the (n - 1, 3) differences (PERF-50)."""
    n = max(v.shape[0] - 1, 0)
    out = np.empty(n)
    scratch = np.empty((min(n, NORM_BLOCK_ROWS), 3))
    for start in range(0, n, NORM_BLOCK_ROWS):
        stop = min(start + NORM_BLOCK_ROWS, n)
        block = np.subtract(v[start + 1 : stop + 1], v[start:stop], out=scratch[: stop - start])
        np.multiply(block, block, out=block)
        part = np.add(block[:, 0], block[:, 1], out=out[start:stop])
        part += block[:, 2]
    return np.sqrt(out, out=out)


def add_squared_differences(column: NDArray[np.float64], out: NDArray[np.float64], *, first: bool) -> None:
    """``out`` ((n - 1,)) set to (``first``) or increased by ``(column[1:] - column[:-1]) ** 2`` (``column`` (n,)),
    NORM_BLOCK_ROWS differences at a time in a small scratch block. Called for the columns 0, 1, 2 of an (n, 3)
    array in turn and followed by a square root, it gives :func:`difference_norm_rows`' numbers bit for bit
    (the same operations in the same order) without the whole (n, 3) array held at once (PERF-65)."""
    n = out.shape[0]
    scratch = np.empty(min(n, NORM_BLOCK_ROWS))
    for start in range(0, n, NORM_BLOCK_ROWS):
        stop = min(start + NORM_BLOCK_ROWS, n)
        step = np.subtract(column[start + 1 : stop + 1], column[start:stop], out=scratch[: stop - start])
        if first:
            np.multiply(step, step, out=out[start:stop])
        else:
            np.multiply(step, step, out=step)
            out[start:stop] += step


def gradient(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """(n,) ``np.gradient(x)`` of a 1-d ``x`` (n >= 2; per sample, in ``x``'s unit): for float64 the same numbers
    (the central differences halved inside, the one-sided differences at the ends, each by numpy's own operation)
    written into one new array, without numpy's (n,) temporaries and its general machinery, several times faster
    on an hour (PERF-175); a 1-d input of any other dtype or shorter than 2 is ``np.gradient``'s own (its array or its
    ValueError); any other number of dimensions a one-line ValueError (np.gradient's answer there is a tuple of
    arrays, not this one array: REVIEW-281)."""
    if x.ndim != 1:
        raise ValueError(f"gradient: a 1-d signal is needed, this one has {x.ndim} dimensions")
    if x.dtype != np.float64 or x.shape[0] < 2:
        return np.asarray(np.gradient(x))
    out = np.empty(x.shape[0])
    np.subtract(x[2:], x[:-2], out=out[1:-1])
    out[1:-1] /= 2.0
    out[0] = (x[1] - x[0]) / 1.0
    out[-1] = (x[-1] - x[-2]) / 1.0
    return out


def gradient_norm_rows(v: NDArray[np.float64]) -> NDArray[np.float64]:
    """(n,) norm of each row of ``np.gradient(v, axis=0)`` (``v`` (n, 3), n >= 2; per sample, in ``v``'s
    unit), bit-identical to ``norm_rows(np.gradient(v, axis=0))`` without the (n, 3) gradient and its
    (n, 3) temporary: each column's gradient is the same elementwise formula (central differences / 2
    inside, one-sided at the ends), taken and squared one column at a time."""
    out = gradient(v[:, 0])
    out *= out
    for axis in (1, 2):
        square = gradient(v[:, axis])
        square *= square
        out += square
        del square
    return np.sqrt(out, out=out)
