"""Numeric columns to CSV text fast, with every float written as its shortest round-trip decimal.

Why: pandas' ``to_csv`` formats each float in Python and wrote 1 h of 200 Hz 6-axis data in 4-5 s,
15 times slower than reading it back (issue 16). Here each value is turned into digits with numpy:

1. its 15-significant-digit decimal ``d x 10^p`` is computed and *proved* to read back as the same
   float64: ``d < 2^53`` and ``10^|p| <= 10^22`` are exact doubles, so the one correctly rounded
   IEEE operation ``d / 10^-p`` (or ``d * 10^p``) is exactly what a correct parser (pandas >= 3,
   Python) returns for that text; values that pass have at most 15 significant digits and their
   shortest round-trip form is ``d`` without its trailing zeros (D2, docs/decisions.md PERF-3);
2. the digits are laid out in a byte matrix (one row per line, padding bytes 0) with the same
   fixed-point spelling as Python's ``repr`` (``9.8066``, ``3.0``, ``0.0005``), and the padding is
   dropped in one pass;
3. values that need 16-17 digits, or a power of ten beyond 10^22, or scientific notation
   (``|x| < 1e-4`` or ``>= 1e16``), go through Python's ``repr`` (correct, slower); NaN is written
   as an empty field and infinities as ``inf``/``-inf``, as pandas does.

The text of every float is byte-identical to ``repr(float(x))`` (tests/test_session.py checks it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

#: At most this many significant digits on the vectorised path (d < 10^15 < 2^53 is exact).
DIGITS = 15
#: Decimal places tried for a whole column before the per-value 15-digit path.
MAX_PLACES = 9
#: Python's ``repr`` spells floats in fixed point inside [1e-4, 1e16).
_FIXED_LOW, _FIXED_HIGH = 1e-4, 1e16
_POW10 = 10.0 ** np.arange(23)
_POW10_INT = 10 ** np.arange(19, dtype=np.int64)
_ZERO, _POINT, _MINUS, _COMMA, _NEWLINE = (ord(c) for c in "0.-,\n")
#: Values checked to guess a column's decimal places before checking them all.
_SAMPLE = 2000


def _spellable(a: NDArray[np.float64]) -> NDArray[np.bool_]:
    """|x| values that ``repr`` writes in fixed point (or zero)."""
    return (a == 0) | ((a >= _FIXED_LOW) & (a < _FIXED_HIGH))


def _at_places(a: NDArray[np.float64], places: int) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """``m = round(a * 10^places)`` and where ``m / 10^places`` provably reads back as ``a`` (module doc)."""
    with np.errstate(over="ignore", invalid="ignore"):
        m = np.rint(a * _POW10[places])
        ok = (m / _POW10[places] == a) & (m < 10.0**DIGITS)
    return np.where(ok, m, 0).astype(np.int64), ok


def _column_places(a: NDArray[np.float64]) -> int | None:
    """The fewest decimal places (<= MAX_PLACES) that hold every value of a sample of the column, if any."""
    sample = a[:_SAMPLE]
    sample = sample[np.isfinite(sample)]
    for places in range(MAX_PLACES + 1):
        if _at_places(sample, places)[1].all():
            return places
    return None


def _fifteen_digits(a: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """Per value its 15-significant-digit decimal ``m x 10^-places`` and whether it provably reads back."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        e = np.floor(np.log10(np.where(a > 0, a, 1.0)))
        e = np.clip(np.nan_to_num(e), -30, 30).astype(np.int64)
        places = (DIGITS - 1) - e
        fits = np.abs(places) <= 22
        scale = _POW10[np.clip(np.abs(places), 0, 22)]
        m = np.rint(np.where(places >= 0, a * scale, a / scale))
        back = np.where(places >= 0, m / scale, m * scale)
        ok = fits & (back == a) & (m < 10.0**DIGITS) & (places >= 0)
    return np.where(ok, m, 0).astype(np.int64), np.where(ok, places, 0), ok


def _decimal(x: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """Per value ``|x| = m x 10^-places`` (m < 10^15, places >= 0) and whether it is proved; the column's
    common decimal places first, the per-value 15-digit decimal for the values they do not hold."""
    a = np.abs(x)
    places = np.zeros(x.shape, dtype=np.int64)
    m = np.zeros(x.shape, dtype=np.int64)
    ok = np.zeros(x.shape, dtype=bool)
    common = _column_places(a)
    if common is not None:
        m, ok = _at_places(a, common)
        places[:] = common
    rest = np.flatnonzero(~ok & np.isfinite(a))
    if rest.size:
        m[rest], places[rest], ok[rest] = _fifteen_digits(a[rest])
    ok &= _spellable(a)
    return np.where(ok, m, 0), np.where(ok, places, 0), ok


def float_matrix(x: NDArray[np.float64]) -> NDArray[np.uint8]:
    """The text of every value as a row of bytes (0 = padding to drop), same spelling as ``repr``.

    Digits come out of repeated ``divmod(., 10)`` by a scalar (numpy divides by a constant without a
    hardware division per element); the fraction is padded to the column's most decimal places and its
    trailing zeros are dropped from the text (repr is shortest), keeping at least one fraction digit.
    """
    x = np.asarray(x, dtype=np.float64)
    m, places, fast = _decimal(x)
    common = int(np.bincount(places[fast]).argmax()) if fast.any() else 0
    whole = m // _POW10_INT[common]
    other = np.flatnonzero(places != common)
    whole[other] = m[other] // _POW10_INT[places[other]]
    n_frac = max(int(places[fast].max(initial=1)), 1)
    frac = (m - whole * _POW10_INT[places]) * _POW10_INT[n_frac - places]  # n_frac digits each
    q_hi = len(str(int(whole[fast].max(initial=0)))) - 1
    point = q_hi + 2  # sign, integer digits 10^q_hi .. 10^0, then the point
    out = np.zeros((x.size, point + 1 + n_frac), dtype=np.uint8)
    out[:, 0] = np.where(np.signbit(x), _MINUS, 0)
    rest = whole
    for q in range(q_hi + 1):
        rest, digit = np.divmod(rest, 10)
        out[:, point - 1 - q] = np.where((whole >= _POW10_INT[q]) | (q == 0), _ZERO + digit, 0)
    out[:, point] = _POINT
    rest, trailing = frac, np.ones(x.size, dtype=bool)
    for j in range(n_frac, 0, -1):
        rest, digit = np.divmod(rest, 10)
        trailing &= digit == 0
        out[:, point + j] = np.where(~trailing | (j == 1), _ZERO + digit, 0)
    slow = np.flatnonzero(~fast)
    if slow.size:
        out = _with_slow(out, x, slow)
    return out


def _with_slow(out: NDArray[np.uint8], x: NDArray[np.float64], rows: NDArray[np.intp]) -> NDArray[np.uint8]:
    """Rows ``rows`` replaced by Python's text of their values (the matrix widens when needed)."""
    values = x[rows]
    texts = list(map(float.__repr__, values.tolist()))
    for k in np.flatnonzero(~np.isfinite(values)).tolist():  # NaN: an empty field; inf as pandas writes it
        texts[k] = "" if np.isnan(values[k]) else texts[k]
    raw = np.array(texts, dtype=np.bytes_)
    width = max(out.shape[1], raw.itemsize)
    if width > out.shape[1]:
        out = np.pad(out, ((0, 0), (0, width - out.shape[1])))
    out[rows] = 0
    out[rows, : raw.itemsize] = raw.view(np.uint8).reshape(rows.size, raw.itemsize)
    return out


def _matrix(column: NDArray[np.generic]) -> NDArray[np.uint8] | None:
    """Text rows of a float or integer column; None for any other kind (text, booleans, objects)."""
    if column.dtype.kind == "f":
        return float_matrix(column.astype(np.float64, copy=False))
    if column.dtype.kind in "iu":
        raw = column.astype(np.bytes_)
        return raw.view(np.uint8).reshape(column.size, raw.itemsize)
    return None


def csv_lines(columns: Sequence[NDArray[np.generic]]) -> bytes | None:
    """The lines ``a,b,c\n`` of equally long numeric columns (floats in shortest round-trip text),
    or None when a column is not numbers (the caller then writes that table another way)."""
    if not columns or not len(columns[0]):
        return b""
    blocks = []
    for k, column in enumerate(columns):
        block = _matrix(np.asarray(column))
        if block is None:
            return None
        blocks.append(block)
        sep = _NEWLINE if k == len(columns) - 1 else _COMMA
        blocks.append(np.full((len(column), 1), sep, dtype=np.uint8))
    table = np.hstack(blocks)
    return table[table != 0].tobytes()
