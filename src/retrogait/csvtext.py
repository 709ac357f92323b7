"""Numeric columns to CSV text fast, with every float written as its shortest round-trip decimal.

Why: pandas' ``to_csv`` formats each float in Python and wrote 1 h of 200 Hz 6-axis data in 4-5 s,
15 times slower than reading it back (issue 16). Here each value is turned into digits with numpy:

1. a column's common decimal places (a logger's 4 decimals) are tried first: ``m x 10^-k`` with
   ``m < 2^53`` and ``10^k <= 10^22`` exact doubles reads back as the value when the one correctly rounded
   IEEE operation ``m / 10^k`` gives it (what a correct parser, pandas >= 3 or Python, returns for that text;
   D2, docs/decisions.md PERF-3); such a decimal has at most 15 significant digits, and its shortest
   round-trip form is ``m`` without its trailing zeros;
2. every other value in ``[1e-4, 1e15)`` gets repr's own shortest decimal (15, 16 or 17 significant digits)
   in exact integer arithmetic (:func:`_shortest`, D3 below, PERF-33);
3. the digits are laid out in a byte matrix (one row per line, padding bytes 0) with the same
   fixed-point spelling as Python's ``repr`` (``9.8066``, ``3.0``, ``0.0005``), four digits at a time
   from a table of the text of 0..9999 (one uint32 gathered and stored per group), and the padding is
   dropped in one pass; long tables are written part by part on the machine's cores (numpy releases
   the GIL);
4. the few values left (scientific notation ``|x| < 1e-4`` or ``>= 1e16``, ``[1e15, 1e16)``, the undecided
   ones of D3) go through Python's ``repr``; NaN is written as an empty field and infinities as
   ``inf``/``-inf``, as pandas does.

D3, the shortest decimal, proved. ``repr`` writes the shortest decimal that reads back (a correctly
rounded parse, ties to the even significand) and, among several of that length, the one nearest the value.
Let ``a = n 2^(b-1075)`` (``n`` the 53-bit significand, ``b`` the biased exponent), ``e = floor(log10 a)``
(exact: a binade holds at most one power of ten, compared with the smallest double at or above it) and
``p = 16 - e`` (2..20), the places of a 17-digit decimal. ``a 10^p = P 2^-t`` with ``P = n 5^p < 2^100``
(a 128-bit product of two uint64) and ``t = 1075 - b - p`` (1..46 on ``[1e-4, 1e15)``), so
``z = floor(a 10^p)`` (``10^16 <= z < 10^17``) and ``rem = P mod 2^t`` are exact integers. A decimal
``D`` reads back when ``|D - a| < ulp/2 = 2^(b-1076)`` (equality: depends on ``n``'s parity) and ``n != 2^52``
(the interval is symmetric). The decimals of at most L digits (L = 15, 16, 17) are the points of the grid
``s 10^-p`` (``s = 10^(17-L)``) near ``a``: one of a higher decade is on that grid too, and one below ``10^e``
inside the interval would put ``10^e`` (a grid point, nearer) inside as well. So some decimal of at most L
digits reads back exactly when the grid point nearest ``a`` does; the first L for which it does is repr's
length, and that point (trailing zeros dropped) is repr's decimal unless two are equally near (a tie; at
L = 15 at most one point fits in the interval at all: 15 digits is DBL_DIG). In units of ``2^-t 10^-p``,
doubled, the distance to the nearest point ``d s`` is ``2 |P - d s 2^t|`` and ``ulp/2`` is ``5^p``:
integer comparisons, no rounding anywhere. At L = 17 the nearest point always reads back
(``ulp/2 > a 2^-54 >= 0.55 x 10^-p``, more than half the grid step ``10^-p``), and the 15-digit grid is part
of the 16's. Left to ``repr`` (undecided): a distance of exactly ``ulp/2``, a tie, ``n = 2^52`` (a power of
two: the interval below is half the one above). The text of every float is byte-identical to ``repr(float(x))``
(tests/test_csvtext.py checks it on random doubles of every decade, ties, powers of two and ten).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from functools import partial

import numpy as np
from numpy.typing import NDArray

#: At most this many significant digits for a column's common decimal places (d < 10^15 < 2^53 is exact).
DIGITS = 15
#: Decimal places tried for a whole column before the per-value shortest decimal.
MAX_PLACES = 9
#: Python's ``repr`` spells floats in fixed point inside [1e-4, 1e16).
_FIXED_LOW, _FIXED_HIGH = 1e-4, 1e16
_POW10 = 10.0 ** np.arange(23)
_POW10_INT = 10 ** np.arange(19, dtype=np.int64)
#: 10^places (0..20) to split a decimal m < 10^17: 10^18 stands for 10^19 and 10^20 (the quotient is 0 alike).
_DIVISOR = _POW10_INT[np.minimum(np.arange(21), 18)]
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


#: :func:`_shortest` spells ``[1e-4, 1e15)`` (there its shift t >= 1); ``[1e15, 1e16)``, no sensor's range, is repr's.
_SHORTEST_HIGH = 1e15
#: 5^p for the 17-digit decimal's places p = 2..20 (5^20 < 2^47), also split in 32-bit halves.
_POW5 = 5 ** np.arange(21, dtype=np.uint64)
_LOW32 = np.uint64(2**32 - 1)
_POW5_HIGH, _POW5_LOW = _POW5 >> np.uint64(32), _POW5 & _LOW32
_STORED, _LEADING, _ONE = np.uint64(2**52 - 1), np.uint64(2**52), np.uint64(1)


def _binade_tables() -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.uint64]]:
    """Per biased binary exponent ``b`` (values ``[2^(b-1023), 2^(b-1022))``, each holding at most one power of
    ten): the 17-digit places ``16 - floor(log10)`` of the binade's start, the smallest double ``>= 10^k`` of the
    power of ten inside it (from there on one place fewer; ``inf`` if none) and the shift ``t = 1075 - b - p``;
    exact (rational arithmetic), for the binades of ``[1e-4, 1e15)``."""
    places = np.zeros(2048, dtype=np.int64)
    threshold = np.full(2048, np.inf)
    shift = np.zeros(2048, dtype=np.uint64)
    for b in range(1023 - 14, 1023 + 50):
        start = Fraction(2) ** (b - 1023)
        k = 0
        while Fraction(10) ** k > start:
            k -= 1
        while Fraction(10) ** (k + 1) <= start:
            k += 1
        power = Fraction(10) ** (k + 1)
        if power < 2 * start:
            nearest = float(power)
            threshold[b] = nearest if Fraction(nearest) >= power else np.nextafter(nearest, np.inf)
        places[b] = 16 - k
        shift[b] = 1075 - b - places[b]
    return places, threshold, shift


_BINADE_PLACES, _BINADE_TEN, _BINADE_SHIFT = _binade_tables()


def _shortest(a: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """Per value ``1e-4 <= a < 1e15`` repr's shortest decimal ``m x 10^-places`` (15, 16 or 17 significant
    digits), and whether it is decided; exact integer arithmetic, no rounding anywhere (module doc, D3).

    ``a = n 2^(b-1075)`` (``n`` the 53-bit significand, ``b`` the biased exponent), ``p = 16 - floor(log10 a)``
    the places of its 17-digit decimal, so ``a 10^p = P / 2^t`` with ``P = n 5^p`` (a 128-bit product) and
    ``t = 1075 - b - p >= 0``; ``z = floor(P / 2^t)`` and ``rem = P mod 2^t``. On the grid of ``s`` = 100, 10, 1
    units of ``10^-p`` (15, 16, 17 digits) the nearest point ``d s`` is ``2 |P - d s 2^t|`` away (doubled, in
    units of ``2^-t 10^-p``) and the half-ulp ``2^(b-1076) 10^p`` is ``5^p`` in the same units.
    """
    bits = a.view(np.uint64)
    b = bits >> np.uint64(52)
    ten = a >= _BINADE_TEN[b]  # at or above the binade's power of ten: one place fewer
    p = _BINADE_PLACES[b] - ten  # places of the 17-digit decimal: 2..20
    t = _BINADE_SHIFT[b] + ten  # a 10^p = P 2^-t
    n = (bits & _STORED) | _LEADING
    n1, n0 = n >> np.uint64(32), n & _LOW32  # P = n 5^p as two uint64 (hi, lo)
    f1, f0 = _POW5_HIGH[p], _POW5_LOW[p]
    lo0 = n0 * f0
    mid = n1 * f0 + n0 * f1
    lo = lo0 + (mid << np.uint64(32))
    hi = n1 * f1 + (mid >> np.uint64(32)) + (lo < lo0)
    z = (lo >> t) | ((hi << _ONE) << (np.uint64(63) - t))  # floor(a 10^p): 17 digits
    unit = _ONE << t  # one unit of 10^-p, in units of 2^-t
    rem = lo & (unit - _ONE)  # a 10^p - z, in units of 2^-t
    twice_half_ulp = _POW5[p]
    levels = []
    for scale in (100, 10):  # 15 and 16 digits
        grid = z // np.uint64(scale)
        span = np.uint64(scale) << t
        twice = (((z - grid * np.uint64(scale)) << t) | rem) << _ONE  # 2 (P mod span)
        gap = np.minimum(twice, (span << _ONE) - twice)  # 2 x distance to the nearest grid point
        # settled: reads back or on the edge; decided: strictly inside and not a tie (gap == span)
        levels.append((grid + (twice > span), gap <= twice_half_ulp, gap < np.minimum(twice_half_ulp, span)))
    (d15, at15, ok15), (d16, at16, ok16) = levels  # at15 implies at16: the 15-digit grid is part of the 16's
    d17 = z + ((rem << _ONE) > unit)  # 17 digits always read back (module doc): only a tie is undecided
    d = np.where(at15, d15, np.where(at16, d16, d17)).astype(np.int64)
    decided = np.where(at15, ok15, np.where(at16, ok16, (rem << _ONE) != unit)) & ((bits & _STORED) != 0)
    return d, p - at15 - at16, decided


def _decimal(x: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """Per value ``|x| = m x 10^-places`` (m < 10^17, 0 <= places <= 20) and whether it is proved; the
    column's common decimal places first, repr's shortest decimal (:func:`_shortest`) for the others."""
    a = np.abs(x)
    places = np.zeros(x.shape, dtype=np.int64)
    m = np.zeros(x.shape, dtype=np.int64)
    ok = a == 0
    common = _column_places(a) if a.size >= _PLACES_FROM else None
    if common is not None:
        m, ok = _at_places(a, common)
        places[:] = common
    rest = np.flatnonzero(~ok & (a >= _FIXED_LOW) & (a < _SHORTEST_HIGH))
    for lo in range(0, rest.size, CHUNK):  # a chunk at a time: the work arrays stay in the processor's cache
        at = rest[lo : lo + CHUNK]
        m[at], places[at], ok[at] = _shortest(a[at])
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


def _fraction_values(frac: NDArray[np.int64], places: int | NDArray[np.int64], groups: int) -> list[NDArray[np.int64]]:
    """The fraction ``frac / 10^places`` (places <= 20, scalar or per value) as its first ``groups`` 4-digit
    values (0..9999 each), most significant first."""
    head_groups = min(groups, GROUP)  # up to 16 digits in one int64; digits 17-20 apart (10^20 > 2^63)
    spread = np.asarray(places)
    head = frac * _POW10_INT[np.maximum(GROUP * head_groups - spread, 0)]
    tail = None
    if groups > GROUP:
        spread = np.broadcast_to(spread, frac.shape)
        long = np.flatnonzero(spread > GROUP * GROUP)
        cut = spread[long] - GROUP * GROUP  # digits beyond the 16th: 1..4
        first = frac[long] // _POW10_INT[cut]
        tail = np.zeros_like(frac)
        tail[long] = (frac[long] - first * _POW10_INT[cut]) * _POW10_INT[GROUP - cut]
        head[long] = first
    values = []
    above = None
    for g in range(head_groups - 1, -1, -1):  # the group of 10^(4g) .. 10^(4g+3)
        digits = head // _POW10_INT[GROUP * g] if g else head
        values.append(digits if above is None else digits - above * _GROUP_SPAN)
        above = digits
    return values if tail is None else [*values, tail]


def _fraction_groups(values: list[NDArray[np.int64]]) -> list[NDArray[np.int64]]:
    """Rows of :data:`_FRACTION_TABLE` spelling the fraction's 4-digit groups left-aligned, trailing zeros as
    padding (the first digit always kept)."""
    rows: list[NDArray[np.int64]] = []
    later = None  # a nonzero digit after this group
    for h in range(len(values) - 1, -1, -1):
        value = values[h]
        last = value + (np.where(value == 0, _PADDING, _TRIMMED) if h else _TRIMMED)  # only zeros after it
        rows.append(last if later is None else np.where(later, value, last))
        if h:
            later = value != 0 if later is None else later | (value != 0)
    return rows[::-1]


class _FloatText:
    """How one float column is spelled: the decimal of every value (module doc) found once for the whole
    column, and its layout; any run of rows is then turned into rows of the 4-digit tables and written into a
    byte table (one line per row, 0 = padding) by a few strided stores.

    The field of a value is: sign, integer digits right-aligned in groups of 4, point, fraction digits in
    groups of 4 (trailing zeros as padding: repr is shortest, at least one fraction digit is kept). Values
    the vectorised path cannot prove are spelled by Python's ``repr``, once, up front.
    """

    def __init__(self, x: NDArray[np.float64]) -> None:
        self.m, self.places, fast = _decimal(x)
        self.minus = np.signbit(x).view(np.uint8) * np.uint8(_MINUS)
        self.size = x.size
        self.slow = np.flatnonzero(~fast)
        self.all_repr = 2 * self.slow.size > x.size  # mostly values repr spells anyway (NaN, < 1e-4, ...)
        self.fast_width = 0
        if self.all_repr:
            self.slow = np.arange(x.size)
        else:
            counts = np.bincount(self.places[fast], minlength=1)
            self.common, n_frac = int(counts.argmax()), max(counts.size - 1, 1)
            self.single = counts[self.common] == np.count_nonzero(fast)  # one number of places (a logger's)
            largest = int(np.argmax(np.where(fast, np.abs(x), -1.0))) if x.size else 0
            whole = int(self.m[largest]) // 10 ** int(self.places[largest]) if x.size else 0  # the longest
            self.integer_groups, self.fraction_groups = -(-len(str(whole)) // GROUP), -(-n_frac // GROUP)
            self.point = 1 + GROUP * self.integer_groups
            self.fast_width = self.point + 1 + GROUP * self.fraction_groups  # sign to the last fraction group
        self.slow_text = _repr_matrix(x[self.slow])
        self.width = max(self.fast_width, self.slow_text.shape[1])

    def _rows(self, lo: int, hi: int) -> list[tuple[int, NDArray[np.uint32], NDArray[np.int64]]]:
        """(offset in the field, table, its rows) of every group of digits of rows ``lo:hi``."""
        m = self.m[lo:hi]
        if self.single:  # scalar arithmetic
            whole = m // _DIVISOR[self.common]
            fraction = _fraction_values(m - whole * _DIVISOR[self.common], self.common, self.fraction_groups)
        else:
            scale = _DIVISOR[self.places[lo:hi]]
            whole = m // scale
            fraction = _fraction_values(m - whole * scale, self.places[lo:hi], self.fraction_groups)
        integer = _integer_groups(whole, self.integer_groups)
        groups = [(1 + GROUP * k, _INTEGER_TABLE, row) for k, row in enumerate(integer)]
        for k, row in enumerate(_fraction_groups(fraction)):
            groups.append((self.point + 1 + GROUP * k, _FRACTION_TABLE, row))
        return groups

    def write(self, lo: int, hi: int, table: NDArray[np.uint8], start: int) -> None:
        """The text of rows ``lo:hi`` into columns ``start : start + width`` of ``table`` (``hi - lo`` rows)."""
        if self.all_repr:
            table[:, start : start + self.width] = self.slow_text[lo:hi]
            return
        table[:, start] = self.minus[lo:hi]
        table[:, start + self.point] = _POINT
        for offset, digits, rows in self._rows(lo, hi):
            at = start + offset
            table[:, at : at + GROUP].view(np.uint32)[:, 0] = digits[rows]
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
