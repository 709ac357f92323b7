"""Numeric columns to CSV text fast, with every float written as its shortest round-trip decimal.

Why: pandas' ``to_csv`` formats each float in Python and wrote 1 h of 200 Hz 6-axis data in 4-5 s,
15 times slower than reading it back (issue 16). Here each value is turned into digits with numpy:

1. its 15-significant-digit decimal ``d x 10^p`` is computed and *proved* to read back as the same
   float64: ``d < 2^53`` and ``10^|p| <= 10^22`` are exact doubles, so the one correctly rounded
   IEEE operation ``d / 10^-p`` (or ``d * 10^p``) is exactly what a correct parser (pandas >= 3,
   Python) returns for that text; values that pass have at most 15 significant digits and their
   shortest round-trip form is ``d`` without its trailing zeros (D2, docs/decisions.md PERF-3);
2. the digits are laid out in a byte matrix (one row per line, padding bytes 0) with the same
   fixed-point spelling as Python's ``repr`` (``9.8066``, ``3.0``, ``0.0005``), four digits at a time
   from a table of the text of 0..9999 (one uint32 gathered and stored per group), and the padding is
   dropped in one pass; long tables are written part by part on the machine's cores (numpy releases
   the GIL);
3. values that need 16-17 digits, or a power of ten beyond 10^22, or scientific notation
   (``|x| < 1e-4`` or ``>= 1e16``), go through Python's ``repr`` (correct, slower); NaN is written
   as an empty field and infinities as ``inf``/``-inf``, as pandas does.

The text of every float is byte-identical to ``repr(float(x))`` (tests/test_session.py checks it).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial

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
#: Shorter columns skip the common decimal places (trying ten of them costs more than the per-value
#: path for a few hundred values, e.g. a live recording's appends); the text is the same either way.
_PLACES_FROM = 1024
#: Values turned into digits at once: the working arrays stay in the processor's cache.
CHUNK = 1 << 15
#: At most this many threads write one table.
MAX_THREADS = 4


def _spellable(a: NDArray[np.float64]) -> NDArray[np.bool_]:
    """|x| values that ``repr`` writes in fixed point (or zero)."""
    return (a == 0) | ((a >= _FIXED_LOW) & (a < _FIXED_HIGH))


def _at_places(a: NDArray[np.float64], places: int) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """``m = round(a * 10^places)`` and where ``m / 10^places`` provably reads back as ``a`` (module doc)."""
    with np.errstate(over="ignore", invalid="ignore"):
        m = np.rint(a * _POW10[places])
        ok = m / _POW10[places] == a
        ok &= m < 10.0**DIGITS
    if not ok.all():
        m[~ok] = 0
    return m.astype(np.int64), ok


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
    common = _column_places(a) if a.size >= _PLACES_FROM else None
    if common is not None:
        m, ok = _at_places(a, common)
        places[:] = common
    rest = np.flatnonzero(~ok & np.isfinite(a))
    if rest.size:
        m[rest], places[rest], ok[rest] = _fifteen_digits(a[rest])
    ok &= _spellable(a)
    return np.where(ok, m, 0), np.where(ok, places, 0), ok


def float_matrix(x: NDArray[np.float64]) -> NDArray[np.uint8]:
    """The text of every value as a row of bytes (0 = padding to drop), same spelling as ``repr``."""
    column = _FloatText(np.asarray(x, dtype=np.float64))
    out = np.empty((column.size, column.width), dtype=np.uint8)
    for lo in range(0, column.size, CHUNK):
        hi = min(lo + CHUNK, column.size)
        column.write(lo, hi, out[lo:hi], 0)
    return out


#: Digits per table look-up: a group of 4 decimal digits is one uint32, gathered and stored at once.
GROUP = 4
_GROUP_SPAN = 10**GROUP


def _group_tables() -> tuple[NDArray[np.uint32], NDArray[np.uint32]]:
    """The text of 0..9999 as 4 bytes in one uint32 each, for integer and for fraction digits.

    Integer table: rows 0..9999 every digit, row 10^4 all padding, then rows 10^4+1.. with leading zeros
    as padding (the last digit kept). Fraction table: the same with trailing zeros as padding (the first
    digit kept).
    """
    digits = np.arange(_GROUP_SPAN)[:, None] // 10 ** np.arange(GROUP - 1, -1, -1) % 10
    every = np.vstack([digits + _ZERO, np.zeros((1, GROUP), dtype=np.int64)]).astype(np.uint8)
    no_leading, no_trailing = every.copy(), every.copy()
    no_leading[:-1, :-1] *= np.cumsum(digits[:, :-1], axis=1) > 0
    no_trailing[:-1, 1:] *= np.cumsum(digits[:, ::-1], axis=1)[:, ::-1][:, 1:] > 0
    integer, fraction = np.vstack([every, no_leading]), np.vstack([every, no_trailing])
    return integer.view(np.uint32).ravel(), fraction.view(np.uint32).ravel()


_INTEGER_TABLE, _FRACTION_TABLE = _group_tables()
_PADDING, _TRIMMED = _GROUP_SPAN, _GROUP_SPAN + 1  # the all-padding row; where the trimmed rows start


def _integer_groups(whole: NDArray[np.int64], groups: int) -> list[NDArray[np.int64]]:
    """Rows of :data:`_INTEGER_TABLE` spelling ``whole`` (>= 0) right-aligned in ``groups`` x 4 characters,
    most significant group first, no leading zeros."""
    if groups == 1:
        return [whole + _TRIMMED]
    rows = []
    for g in range(groups - 1, -1, -1):  # the group of 10^(4g) .. 10^(4g+3)
        value = whole // _POW10_INT[GROUP * g] % _GROUP_SPAN
        row = np.where(whole < _POW10_INT[GROUP * (g + 1)], value + _TRIMMED, value)
        if g:
            row[whole < _POW10_INT[GROUP * g]] = _PADDING  # the number is shorter: padding
        rows.append(row)
    return rows


def _fraction_groups(frac: NDArray[np.int64], digits: int) -> list[NDArray[np.int64]]:
    """Rows of :data:`_FRACTION_TABLE` spelling the ``digits`` fraction digits of ``frac`` left-aligned in
    groups of 4 characters, trailing zeros as padding (the first digit always kept)."""
    groups = -(-digits // GROUP)
    shift = GROUP * groups - digits  # zeros that pad the last group
    if groups == 1:
        return [frac * _POW10_INT[shift] + _TRIMMED]
    rows = []
    for h in range(groups):
        after = GROUP * (groups - 1 - h) - shift  # digits of frac after this group
        if after > 0:
            value = frac // _POW10_INT[after] % _GROUP_SPAN
            row = np.where(frac % _POW10_INT[after] != 0, value, value + _TRIMMED)
        else:
            row = frac % _POW10_INT[GROUP - shift] * _POW10_INT[shift] + _TRIMMED
        if h:
            row[frac % _POW10_INT[after + GROUP] == 0] = _PADDING  # only zeros from here on: padding
        rows.append(row)
    return rows


class _FloatText:
    """How one float column is spelled: the decimal of every value (module doc) found once for the whole
    column, as rows of the 4-digit tables; any run of rows is then written into a byte table (one line per
    row, 0 = padding) by a few strided stores.

    The field of a value is: sign, integer digits right-aligned in groups of 4, point, fraction digits in
    groups of 4 (trailing zeros as padding: repr is shortest, at least one fraction digit is kept). Values
    the vectorised path cannot prove are spelled by Python's ``repr``, once, up front.
    """

    def __init__(self, x: NDArray[np.float64]) -> None:
        m, places, fast = _decimal(x)
        counts = np.bincount(places[fast], minlength=1)
        common, n_frac = int(counts.argmax()), max(counts.size - 1, 1)
        whole = m // _POW10_INT[common]
        if counts[common] == np.count_nonzero(fast):  # one number of places (a logger's): scalar arithmetic
            frac = (m - whole * _POW10_INT[common]) * _POW10_INT[n_frac - common]
        else:
            other = np.flatnonzero(places != common)
            whole[other] = m[other] // _POW10_INT[places[other]]
            frac = (m - whole * _POW10_INT[places]) * _POW10_INT[n_frac - places]  # n_frac digits each
        n_whole = len(str(int(whole[fast].max(initial=0))))
        self.minus = np.signbit(x).view(np.uint8) * np.uint8(_MINUS)
        self.size = x.size
        self.slow = np.flatnonzero(~fast)
        self.all_repr = 2 * self.slow.size > x.size  # full-precision data: digits of the few others not worth it
        if self.all_repr:
            self.slow = np.arange(x.size)
            self.groups: list[tuple[int, NDArray[np.uint32], NDArray[np.int64]]] = []
        else:
            integer = _integer_groups(whole, -(-n_whole // GROUP))
            self.point = 1 + GROUP * len(integer)
            fraction = _fraction_groups(frac, n_frac)
            self.groups = [(1 + GROUP * k, _INTEGER_TABLE, row) for k, row in enumerate(integer)]
            self.groups += [(self.point + 1 + GROUP * k, _FRACTION_TABLE, row) for k, row in enumerate(fraction)]
        self.slow_text = _repr_matrix(x[self.slow])
        self.fast_width = self.groups[-1][0] + GROUP if self.groups else 0  # sign to the last fraction group
        self.width = max(self.fast_width, self.slow_text.shape[1])

    def write(self, lo: int, hi: int, table: NDArray[np.uint8], start: int) -> None:
        """The text of rows ``lo:hi`` into columns ``start : start + width`` of ``table`` (``hi - lo`` rows)."""
        if self.all_repr:
            table[:, start : start + self.width] = self.slow_text[lo:hi]
            return
        table[:, start] = self.minus[lo:hi]
        table[:, start + self.point] = _POINT
        for offset, digits, rows in self.groups:
            at = start + offset
            table[:, at : at + GROUP].view(np.uint32)[:, 0] = digits[rows[lo:hi]]
        if self.fast_width < self.width:
            table[:, start + self.fast_width : start + self.width] = 0
        first, last = np.searchsorted(self.slow, [lo, hi])
        if last > first:
            rows = self.slow[first:last] - lo
            text = self.slow_text[first:last]
            table[rows, start : start + self.width] = 0
            table[rows, start : start + text.shape[1]] = text


#: A column of at least this many values needing ``repr`` is spelled by its distinct values when they are at
#: most a quarter of it (a 12-bit sensor's calibrated counts: 4,096 levels an axis; LONG-1).
DISTINCT_FROM = 4096


def _repr_matrix(values: NDArray[np.float64]) -> NDArray[np.uint8]:
    """Python's text of each value as a row of bytes (0-padded); NaN as an empty field, infinities as pandas
    writes them (``inf``, ``-inf``). Values are told apart by their bits (``-0.0`` is not ``0.0``)."""
    if values.size >= DISTINCT_FROM:
        bits, inverse = np.unique(values.view(np.uint64), return_inverse=True)
        if 4 * bits.size <= values.size:
            return _repr_matrix(bits.view(np.float64))[inverse.ravel()]
    texts = list(map(float.__repr__, values.tolist()))
    for k in np.flatnonzero(~np.isfinite(values)).tolist():
        texts[k] = "" if np.isnan(values[k]) else texts[k]
    raw = np.array(texts, dtype=np.bytes_) if texts else np.zeros(0, dtype="S1")
    return raw.view(np.uint8).reshape(values.size, raw.itemsize)


class _IntegerText:
    """An integer column's text (numpy's own spelling, as pandas writes integers), rows on request."""

    def __init__(self, column: NDArray[np.generic]) -> None:
        raw = column.astype(np.bytes_)
        self.text = raw.view(np.uint8).reshape(column.size, raw.itemsize)
        self.width = raw.itemsize

    def write(self, lo: int, hi: int, table: NDArray[np.uint8], start: int) -> None:
        table[:, start : start + self.width] = self.text[lo:hi]


def _column_text(column: NDArray[np.generic]) -> _FloatText | _IntegerText:
    """The spelling of a float or integer column."""
    if column.dtype.kind == "f":
        return _FloatText(column.astype(np.float64, copy=False))
    return _IntegerText(column)


def _threads() -> int:
    """Threads that write one long table: numpy releases the GIL while it formats, so they use the cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(MAX_THREADS, cores))


def csv_lines(columns: Sequence[NDArray[np.generic]]) -> bytes | None:
    """The lines ``a,b,c\n`` of equally long numeric columns (floats in shortest round-trip text),
    or None when a column is not numbers (the caller then writes that table another way)."""
    pieces = csv_pieces(columns)
    return None if pieces is None else b"".join(pieces)


def csv_pieces(columns: Sequence[NDArray[np.generic]]) -> list[bytes] | None:
    """:func:`csv_lines` as consecutive pieces of text (a file takes them without one more copy).

    CHUNK rows at a time, every column writes its characters into its span of one (rows, width) byte table,
    the separators stand in theirs; read row by row with the padding dropped, the table is the text of those
    rows. A chunk's arrays stay in the processor's cache. A table of several chunks is spelled column by
    column and written part by part on up to :data:`MAX_THREADS` threads (the text is the same).
    """
    arrays = [np.asarray(column) for column in columns]
    if any(a.dtype.kind not in "fiu" for a in arrays):
        return None
    if not arrays or not len(arrays[0]):
        return []
    n = len(arrays[0])
    chunks = -(-n // CHUNK)
    threads = min(_threads(), chunks)
    if threads == 1:
        return _rows_text([_column_text(a) for a in arrays], 0, n)
    with ThreadPoolExecutor(threads) as pool:
        texts = list(pool.map(_column_text, arrays))
        bounds = [min(n, CHUNK * (chunks * k // threads)) for k in range(threads + 1)]
        return [piece for part in pool.map(partial(_rows_text, texts), bounds[:-1], bounds[1:]) for piece in part]


def _rows_text(texts: Sequence[_FloatText | _IntegerText], lo: int, hi: int) -> list[bytes]:
    """The lines of rows ``lo:hi``, CHUNK rows at a time (:func:`csv_lines`)."""
    starts = np.cumsum([0] + [t.width + 1 for t in texts])
    table = np.empty((min(hi - lo, CHUNK), int(starts[-1])), dtype=np.uint8)
    table[:, starts[1:] - 1] = _COMMA
    table[:, -1] = _NEWLINE
    pieces = []
    for first in range(lo, hi, CHUNK):
        last = min(first + CHUNK, hi)
        rows = table[: last - first]
        for text, start in zip(texts, starts.tolist(), strict=False):
            text.write(first, last, rows, start)
        pieces.append(rows[rows != 0].tobytes())
    return pieces
