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
#: Shorter columns skip the common decimal places (trying ten of them costs more than the per-value
#: path for a few hundred values, e.g. a live recording's appends); the text is the same either way.
_PLACES_FROM = 1024
#: Values turned into digits at once: the working arrays stay in the processor's cache.
CHUNK = 1 << 15


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
    out = np.empty((column.width, column.size), dtype=np.uint8)
    for lo in range(0, column.size, CHUNK):
        hi = min(lo + CHUNK, column.size)
        column.write(lo, hi, out[:, lo:hi])
    return out.T


class _FloatText:
    """How one float column is spelled: the decimal of every value (module doc) found once for the whole
    column; the digits written for any run of rows into a (width, rows) byte matrix, one row per character
    position ("plane", 0 = padding), so that each plane is written in one contiguous pass.

    The fraction is padded to the column's most decimal places and its trailing zeros are dropped from the
    text (repr is shortest), keeping at least one fraction digit; values the vectorised path cannot prove
    are spelled by Python's ``repr``, once, up front.
    """

    def __init__(self, x: NDArray[np.float64]) -> None:
        m, places, fast = _decimal(x)
        common = int(np.bincount(places[fast]).argmax()) if fast.any() else 0
        whole = m // _POW10_INT[common]
        other = np.flatnonzero(places != common)
        whole[other] = m[other] // _POW10_INT[places[other]]
        self.n_frac = max(int(places[fast].max(initial=1)), 1)
        self.frac = (m - whole * _POW10_INT[places]) * _POW10_INT[self.n_frac - places]  # n_frac digits each
        self.whole = whole
        self.minus = np.signbit(x)
        self.point = len(str(int(whole[fast].max(initial=0)))) + 1  # sign, integer digits, then the point
        self.size = x.size
        self.slow = np.flatnonzero(~fast)
        self.all_repr = 2 * self.slow.size > x.size  # full-precision data: digits of the few others not worth it
        if self.all_repr:
            self.slow = np.arange(x.size)
        self.slow_text = _repr_matrix(x[self.slow])
        self.width = (
            self.slow_text.shape[1] if self.all_repr else max(self.point + 1 + self.n_frac, self.slow_text.shape[1])
        )

    def write(self, lo: int, hi: int, out: NDArray[np.uint8]) -> None:
        """The text of rows ``lo:hi`` into ``out`` (``width`` x ``hi - lo``)."""
        if self.all_repr:
            out[:] = self.slow_text[lo:hi].T
            return
        point, end = self.point, self.point + 1 + self.n_frac
        np.multiply(self.minus[lo:hi], _MINUS, out=out[0], casting="unsafe")
        _integer_digits(self.whole[lo:hi], out[1:point])
        out[point] = _POINT
        _fraction_digits(self.frac[lo:hi], out[point + 1 : end])
        out[end:] = 0
        first, last = np.searchsorted(self.slow, [lo, hi])
        if last > first:
            rows = self.slow[first:last] - lo
            out[:, rows] = 0
            text = self.slow_text[first:last]
            out[: text.shape[1], rows] = text.T


def _integer_digits(whole: NDArray[np.int64], planes: NDArray[np.uint8]) -> None:
    """Decimal digits of ``whole`` (>= 0) right-aligned in ``planes`` (one row per digit), no leading zeros."""
    rest, digit = whole.copy(), np.empty_like(whole)
    for q in range(planes.shape[0]):
        np.divmod(rest, 10, out=(rest, digit))
        plane = planes[planes.shape[0] - 1 - q]
        np.add(digit, _ZERO, out=plane, casting="unsafe")
        if q:
            np.multiply(plane, whole >= _POW10_INT[q], out=plane, casting="unsafe")


def _fraction_digits(frac: NDArray[np.int64], planes: NDArray[np.uint8]) -> None:
    """The ``len(planes)`` fraction digits of ``frac``, trailing zeros dropped (the first digit always kept)."""
    rest, digit = frac.copy(), np.empty_like(frac)
    kept = np.zeros(frac.size, dtype=bool)
    for j in range(planes.shape[0] - 1, -1, -1):
        np.divmod(rest, 10, out=(rest, digit))
        plane = planes[j]
        np.add(digit, _ZERO, out=plane, casting="unsafe")
        if j:
            kept |= digit != 0
            np.multiply(plane, kept, out=plane, casting="unsafe")


def _repr_matrix(values: NDArray[np.float64]) -> NDArray[np.uint8]:
    """Python's text of each value as a row of bytes (0-padded); NaN as an empty field, infinities as pandas
    writes them (``inf``, ``-inf``)."""
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

    def write(self, lo: int, hi: int, out: NDArray[np.uint8]) -> None:
        out[:] = self.text[lo:hi].T


def _column_text(column: NDArray[np.generic]) -> _FloatText | _IntegerText | None:
    """The spelling of a float or integer column; None for any other kind (text, booleans, objects)."""
    if column.dtype.kind == "f":
        return _FloatText(column.astype(np.float64, copy=False))
    if column.dtype.kind in "iu":
        return _IntegerText(column)
    return None


def csv_lines(columns: Sequence[NDArray[np.generic]]) -> bytes | None:
    """The lines ``a,b,c\n`` of equally long numeric columns (floats in shortest round-trip text),
    or None when a column is not numbers (the caller then writes that table another way).

    CHUNK rows at a time, every column writes its characters into its span of one (rows, width) byte table
    (each character position a strided column of it), the separators stand in theirs; read row by row with
    the padding dropped, the table is the text of those rows. A chunk's arrays stay in the processor's
    cache.
    """
    if not columns or not len(columns[0]):
        return b""
    texts = []
    for column in columns:
        text = _column_text(np.asarray(column))
        if text is None:
            return None
        texts.append(text)
    n = len(columns[0])
    starts = np.cumsum([0] + [t.width + 1 for t in texts])
    table = np.empty((min(n, CHUNK), int(starts[-1])), dtype=np.uint8)
    table[:, starts[1:] - 1] = _COMMA
    table[:, -1] = _NEWLINE
    pieces = []
    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        rows = table[: hi - lo]
        for text, start in zip(texts, starts.tolist(), strict=False):
            text.write(lo, hi, rows[:, start : start + text.width].T)  # planes are strided views of the rows
        pieces.append(rows[rows != 0].tobytes())
    return b"".join(pieces)
