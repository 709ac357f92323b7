"""The layout of a delimited text table nobody described: delimiter, decimal mark, header or none,
preamble lines, and the blocks of a file that holds several tables one after the other.

Decided from the text, never from the file name: the delimiter is the one (``,`` ``;`` tab ``|`` or
runs of spaces) that splits the data lines into the same number of fields, most of them numbers;
the decimal mark is ``,`` when the numbers only parse that way. The data start where such lines
begin; the line just before them is the header when it has the same number of fields and holds
names rather than numbers; anything above it is a preamble and is skipped. A new block starts
after a blank line or where the header line repeats (e.g. a RealSense CSV: one block per stream,
each with its own header).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

import numpy as np

from retrogait.errors import InputFileError
from retrogait.imports.limits import MAX_COLUMNS, LineIndex, line_bounds

#: Delimiters tried, in order of preference on a tie. ``\s+`` = runs of spaces or tabs.
DELIMITERS = (",", ";", "\t", "|", r"\s+")
#: Text looked at to decide the layout of a block (bytes).
LAYOUT_BYTES = 65536
#: Lines looked at to decide the layout of a block.
LAYOUT_LINES = 200
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")
_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'", r"\s+": "spaces"}


def delimiter_name(sep: str) -> str:
    """How a delimiter is said on the command line and in messages."""
    return _NAMES.get(sep, repr(sep))


def split_fields(line: str, sep: str) -> list[str]:
    """The fields of one line: quotes understood, spaces around fields removed."""
    if sep == r"\s+":  # runs of spaces or tabs; quotes still hold a field together
        line, sep = line.replace("\t", " ").strip(), " "
    try:
        fields = next(csv.reader([line], delimiter=sep, skipinitialspace=True), [])
    except csv.Error:
        fields = line.split(sep)
    return [f.strip() for f in fields]


def is_number(text: str, decimal: str = ".") -> bool:
    """True when ``text`` is a number written with ``decimal`` as the decimal mark (or an integer)."""
    text = text.strip().strip('"').strip()
    if not _NUMBER.match(text):
        return False
    other = "," if decimal == "." else "."
    return other not in text


@dataclass(frozen=True)
class Layout:
    """How one table is written.

    Attributes:
        sep: delimiter for pandas (``\\s+`` = whitespace runs).
        decimal: decimal mark, ``.`` or ``,``.
        skip_lines: lines before the header (or before the first data line when there is no header).
        names: the header's column names, or None when the table has no header.
        n_fields: fields per data line.
        headerless_skip: where the header was found above wider lines of numbers (EDGE-265), the lines to skip to
            read the table without it, the header and those lines a preamble (as before EDGE-265; EDGE-276).
    """

    sep: str
    decimal: str
    skip_lines: int
    names: tuple[str, ...] | None
    n_fields: int
    headerless_skip: int | None = None

    def headerless(self) -> Layout:
        """This table read without the header found above wider lines of numbers (``headerless_skip``)."""
        return Layout(self.sep, self.decimal, self.headerless_skip or 0, None, self.n_fields)

    def describe(self) -> str:
        """One phrase for the ``inferred_layout`` header key."""
        parts = [f"delimiter {delimiter_name(self.sep)}", f"decimal '{self.decimal}'"]
        parts.append("header line" if self.names is not None else "no header")
        if self.skip_lines:
            parts.append(f"{self.skip_lines} preamble line(s) skipped")
        return ", ".join(parts)


def _lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)[:LAYOUT_LINES]


def _score(lines: list[str], sep: str) -> tuple[float, int, str]:
    """(score, fields per data line, decimal) of splitting the data-looking tail of ``lines`` on ``sep``."""
    rows = [split_fields(line, sep) for line in lines if line.strip()]
    tail = rows[len(rows) // 3 :] or rows
    counts = [len(r) for r in tail]
    if not counts:
        return 0.0, 0, "."
    values, freq = np.unique(counts, return_counts=True)
    mode = int(values[int(np.argmax(freq))])
    if mode < 2:
        return 0.0, mode, "."
    consistent = float(freq.max()) / len(counts)
    same = [r for r in tail if len(r) == mode]
    best = (0.0, ".")
    for decimal in (".", ","):
        numbers = sum(is_number(f, decimal) for r in same for f in r)
        best = max(best, (numbers / (mode * len(same)), decimal))
    numeric, decimal = best
    return consistent * numeric * (1.0 + 0.01 * min(mode, 50)), mode, decimal


def _data_like(fields: list[str], n_fields: int, decimal: str) -> bool:
    numbers = sum(is_number(f, decimal) for f in fields)
    return len(fields) == n_fields and numbers >= max(1, min(3, n_fields // 2))


def _values_lost(fields: list[str], n_fields: int, decimal: str) -> bool:
    """A row of the table with values lost: the table's fields, each a number or empty, some empty (a time-only row,
    EDGE-213): no preamble, so passed over where the data's start is looked for (REVIEW-93)."""
    cells = [f.strip() for f in fields]
    return len(cells) == n_fields and "" in cells and all(not f or is_number(f, decimal) for f in cells)


def _above(lines: list[str], i: int) -> int:
    """The index of the last non-blank line before line ``i`` (-1: none)."""
    i -= 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    return i


def line_above_header(text: str, layout: Layout) -> list[str] | None:
    """The fields of the last non-blank line above ``layout``'s header in ``text`` (its block's start), or None where
    the table has no header or nothing above it (a line of sensor names over their columns, EDGE-296)."""
    if layout.names is None:
        return None
    lines = _lines(text)
    i = _above(lines, layout.skip_lines)
    return split_fields(lines[i], layout.sep) if i >= 0 else None


def _below(lines: list[str], i: int) -> int:
    """The index of the first non-blank line after line ``i``."""
    i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


#: A wide line on the table's clock lies at most this many of its first rows' steps before the next row.
CLOCK_STEPS = 2.0


def _clock_goes_on(rows: list[list[str]], lines: list[str], wide: int, first: int, decimal: str) -> bool:
    """Whether the wide lines from line ``wide`` to the table's first row ``first``, and the first three rows, start
    with numbers that increase, each step at most ``CLOCK_STEPS`` of the first rows' largest: the wide lines are rows
    of the table's clock with a field too many (damage, dropped as such), not metadata over the table (EDGE-276's
    preamble); EDGE-284."""
    firsts, i, rows_taken = [], wide, 0
    while i < len(lines) and rows_taken < 3:
        if lines[i].strip():
            firsts.append(rows[i][0].strip().strip('"').replace(decimal, ".") if rows[i] else "")
            rows_taken += i >= first
        i += 1
    try:
        values = np.array([float(f) for f in firsts])
    except ValueError:
        return False
    steps = np.diff(values)
    if values.size < 3 or not np.all(np.isfinite(values)) or not np.all(steps > 0):
        return False
    return bool(steps.max() <= CLOCK_STEPS * steps[-2:].max())  # on the clock: a sample lost beside it at most


def sniff_layout(text: str, display: str, sep: str | None = None) -> Layout:
    """The layout of the table at the start of ``text`` (``sep`` forces the delimiter).

    Raises:
        InputFileError: no delimiter splits the lines into a table of numbers.
    """
    lines = _lines(text)
    opening = next((line for line in lines if line.strip()), "")
    widest = max(len(split_fields(opening, d)) for d in ([sep] if sep else DELIMITERS))
    if widest > MAX_COLUMNS:
        raise InputFileError(display, f"has {widest:,} or more columns (a sensor table has at most {MAX_COLUMNS:,})")
    if sep is None:
        scored = [(_score(lines, d), -i, d) for i, d in enumerate(DELIMITERS)]
        (score, n_fields, decimal), _, sep = max(scored)
        if score <= 0.3:
            raise InputFileError(
                display, "is not a delimited table of numbers (no delimiter splits its lines into equal columns)"
            )
    else:
        _, n_fields, decimal = _score(lines, sep)
        if n_fields < 2:
            raise InputFileError(display, f"does not split into columns on {delimiter_name(sep)}")
    if n_fields > MAX_COLUMNS:
        raise InputFileError(display, f"has {n_fields:,} columns (a sensor table has at most {MAX_COLUMNS:,})")
    rows = [split_fields(line, sep) for line in lines]
    first = next(
        (
            i
            for i in range(len(rows))
            if _data_like(rows[i], n_fields, decimal)
            and all(
                _data_like(r, n_fields, decimal)
                for r in [r for r in rows[i + 1 : i + 7] if any(r) and not _values_lost(r, n_fields, decimal)][:2]
            )
        ),
        None,
    )
    if first is None:
        raise InputFileError(display, f"has no lines of numbers in {n_fields} columns split on {delimiter_name(sep)}")
    header = _above(lines, first)
    wide = header  # the first data rows may be wider than the header (a field it does not name): data, not preamble
    while wide >= 0 and len(rows[wide]) > n_fields and _data_like(rows[wide][:n_fields], n_fields, decimal):
        wide = _above(lines, wide)
    headerless_skip = None
    if wide != header and wide >= 0 and len(rows[wide]) == n_fields and not _data_like(rows[wide], n_fields, decimal):
        # rows of the table's clock with a field too many are damaged rows, no preamble (EDGE-284)
        headerless_skip = None if _clock_goes_on(rows, lines, _below(lines, wide), first, decimal) else first
        first, header = _below(lines, wide), wide  # the row screen reads or drops their extra fields (EDGE-265)
    if header >= 0 and len(rows[header]) == n_fields and not _data_like(rows[header], n_fields, decimal):
        names = tuple(f.strip().strip('"').strip() for f in rows[header])
        return Layout(sep, decimal, header, names, n_fields, headerless_skip)
    return Layout(sep, decimal, first, None, n_fields)


@dataclass(frozen=True)
class Block:
    """One table of a file: its bytes ``data[start:end]`` and its layout within them."""

    start: int
    end: int
    layout: Layout
    label: str


def split_blocks(data: bytes, head: Layout, display: str, lines: LineIndex | None = None) -> list[Block]:
    """The tables of ``data``: one, or several where a blank line is followed by a new header or the
    first header line repeats. Each block gets its own layout (its header may differ). A block's
    ``label`` is the text of a preamble line or of a text column in its first data line (e.g.
    ``Accel``), used to tell an accelerometer block from a gyroscope block. ``lines``: the
    :func:`~retrogait.imports.limits.line_bounds` of ``data`` when the caller has them."""
    cuts = _block_starts(data, head, lines if lines is not None else line_bounds(data))
    blocks: list[Block] = []
    for start, end in zip(cuts, [*cuts[1:], len(data)], strict=True):
        text = _decode(data[start : min(end, start + LAYOUT_BYTES)])
        if not text.strip():
            continue
        try:
            layout = sniff_layout(text, display, head.sep) if start else head
        except InputFileError:
            continue
        blocks.append(Block(start, end, layout, _label(text, layout)))
    return _joined(blocks) or [Block(0, len(data), head, _label(_decode(data[:LAYOUT_BYTES]), head))]


def _joined(blocks: list[Block]) -> list[Block]:
    """``blocks`` with each block that repeats the one before it (the same column names, delimiter, decimal
    mark and label, no title of its own) joined to it (EDGE-37): a header written again mid-file (a logger
    restarted, two files joined) continues the table; its header line is a row that is not a number,
    dropped and counted, and two recordings joined are refused by their times going back (EDGE-2)."""
    out: list[Block] = []
    for block in blocks:
        if out and _continues(out[-1], block):
            out[-1] = Block(out[-1].start, block.end, out[-1].layout, out[-1].label)
        else:
            out.append(block)
    return out


def _continues(before: Block, block: Block) -> bool:
    """Whether ``block`` is ``before``'s header written again, with no title of its own."""
    a, b = before.layout, block.layout
    same = (a.names, a.sep, a.decimal, a.n_fields, before.label) == (b.names, b.sep, b.decimal, b.n_fields, block.label)
    return a.names is not None and b.skip_lines == 0 and same


def _decode(data: bytes) -> str:
    return data.replace(b"\x00", b"").decode("utf-8", errors="replace").lstrip("\ufeff")


#: More blank lines than this are formatting (a double-spaced file), not block separators.
MAX_BLANK_SEPARATORS = 1000


def _block_starts(data: bytes, head: Layout, lines: LineIndex) -> list[int]:
    """Byte offsets where blocks start: 0, and where, after a blank line or at a repeated header
    line, the next line is not a data line of the first block's layout (a new header or title)."""
    starts, ends = lines
    lengths = ends - starts
    buf = np.frombuffer(data, dtype=np.uint8)
    blank = (lengths == 0) | ((lengths == 1) & (buf[np.minimum(starts, buf.size - 1)] == 13))
    after_blank = np.flatnonzero(blank[:-1] & ~blank[1:]) + 1  # the first line after a run of blank lines
    candidates: set[int] = set()
    if after_blank.size <= MAX_BLANK_SEPARATORS:
        candidates.update(int(x) for x in starts[after_blank])
    header_line, after_header = _header_bytes(data, head)
    if header_line:
        at = data.find(header_line, after_header)
        while at > 0 and len(candidates) < 2 * MAX_BLANK_SEPARATORS:
            if data[at - 1 : at] in (b"\n", b"\r"):
                candidates.add(at)
            at = data.find(header_line, at + len(header_line))
    cuts = [0]
    for at in sorted(candidates):
        following = re.split(r"\r\n|\r|\n", _decode(data[at : at + 4096]).lstrip("\r\n \t"))
        line = next((x for x in following if not _empty_row(x, head.sep)), "")  # a row of empty cells is blank
        if line.strip() and not _data_like(split_fields(line, head.sep), head.n_fields, head.decimal):
            cuts.append(at)
    return cuts


def _empty_row(line: str, sep: str | None) -> bool:
    """Whether ``line`` holds only separators and blanks: a spreadsheet's empty row, no header of a new table
    (EDGE-285: one under a blank line cut the table in two, its second part unread and untold)."""
    return not (line.replace(sep, "") if sep and len(sep) == 1 else line).strip(' \t"')


def _header_bytes(data: bytes, head: Layout) -> tuple[bytes, int]:
    """The first block's header line and the offset just after it (b"" when there is none)."""
    if head.names is None:
        return b"", 0
    lines = re.split(rb"\r\n|\r|\n", data[:LAYOUT_BYTES], maxsplit=head.skip_lines + 1)
    line = lines[head.skip_lines] if len(lines) > head.skip_lines else b""
    if len(line) < 3:
        return b"", 0
    return line, data.find(line) + len(line)


def _label(text: str, layout: Layout) -> str:
    """Words that say what a block holds: its preamble lines and the text fields of its first data line."""
    lines = _lines(text)
    words = [line.strip() for line in lines[: layout.skip_lines] if line.strip()]
    first_data = layout.skip_lines + (1 if layout.names is not None else 0)
    if first_data < len(lines):
        fields = split_fields(lines[first_data], layout.sep)
        words += [f for f in fields if f and not is_number(f, layout.decimal)]
    return " ".join(words)[:200]
