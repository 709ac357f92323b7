"""Native retrogait session files: read as they are (``read_session``), header and all."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from retrogait.conventions import MAX_ACC_G
from retrogait.errors import InputFileError, RetrogaitError
from retrogait.imports.base import ImportFormat, ImportOptions, ImportReport, ImportResult
from retrogait.imports.common import GZIP_MAGIC, Source, head_bytes
from retrogait.imports.limits import IMPORT_NOTES_KEY
from retrogait.imports.textcoding import UTF16_PROBE_BYTES, utf16_encoding
from retrogait.recordings import without_gz
from retrogait.session import CORE_COLUMNS, FORMAT_KEY, GYR_COLUMNS, Session, read_session, read_session_part

NAME = "native"
#: The start of the note on a session file a spreadsheet saved with ``;`` between its columns (EDGE-174), or with
#: ``,`` and quoted decimal-comma numbers (EDGE-178).
_RESAVED = "saved again with"


def sniff(path: Path) -> float:
    return 1.0 if head_bytes(path, 64).lstrip(b"\xef\xbb\xbf").startswith(f"# {FORMAT_KEY}".encode()) else 0.0


def read(path: Path, options: ImportOptions) -> ImportResult:
    packed = _packed(path) or _resaved_layout(head_bytes(path, 65536), path) is not None
    max_acc_g = MAX_ACC_G if options.max_acc_g is None else options.max_acc_g  # the user's setting (EDGE-131)
    if options.part_s is not None and not packed:  # a part alone, found by its time (LONG-6)
        session = read_session_part(path, options.part_s, max_acc_g=max_acc_g)
    else:
        session = _read_packed(path, max_acc_g) if packed else read_session(path, max_acc_g=max_acc_g)
    changes: dict[str, Any] = {
        key: value
        for key in ("placement", "side", "sensor", "anterior_axis", "vertical_axis")
        if (value := getattr(options, key)) is not None and not (options.header_wins and _stated(session, key))
    }
    replaced = _replaced_words(session, changes)
    if replaced:  # kept with the session's own notes: analyze and summary.json say them, convert's header keeps them
        extra = dict(session.meta.extra)
        extra[IMPORT_NOTES_KEY] = " | ".join(filter(None, [extra.get(IMPORT_NOTES_KEY, ""), *replaced]))
        changes = {**changes, "extra": extra}
    if changes:
        try:
            session = session.with_meta(**changes)  # the read's measured rate kept (REVIEW-279)
        except ValueError as exc:
            raise RetrogaitError(str(exc)) from None
    report = ImportReport(format=NAME, files=[str(path)], rows_read=session.n_samples, rows_kept=session.n_samples)
    report.part_read = options.part_s is not None and not packed
    report.notes.extend(n for n in session.meta.extra.get(IMPORT_NOTES_KEY, "").split(" | ") if n.startswith(_RESAVED))
    report.notes.extend(replaced)
    return ImportResult(session=session, report=report)


def _replaced_words(session: Session, changes: dict[str, Any]) -> list[str]:
    """One note for each value the header states that an option replaces with another ("placement lower_back as
    given, over the session header's shank"), so that what the recording declared is not lost unsaid (EDGE-270)."""
    words = []
    for key, value in changes.items():
        stated = getattr(session.meta, key)
        if _stated(session, key) and str(stated) != str(value):
            words.append(f"{key} {value} as given, over the session header's {stated}")
    return words


def _stated(session: Session, key: str) -> bool:
    """Whether the header of ``session`` says ``key`` (a placement of ``other`` is "not known", EDGE-79)."""
    value = getattr(session.meta, key)
    return value is not None and not (key == "placement" and value == "other")


def _packed(path: Path) -> bool:
    """Whether ``path`` is gzip-compressed or UTF-16 text: read through :func:`_read_packed`."""
    try:
        with open(path, "rb") as fh:
            start = fh.read(UTF16_PROBE_BYTES)
    except OSError:
        return False  # read_session says why
    return start[:2] == GZIP_MAGIC or utf16_encoding(start) is not None


def _read_packed(path: Path, max_acc_g: float = MAX_ACC_G) -> Session:
    """A gzip-compressed session file (``run.csv.gz``; EDGE-11), one saved again as UTF-16 (EDGE-33) or by a
    spreadsheet with ``;`` between columns (EDGE-174): unpacked within the limits (a stream cut off is read up to
    the cut, EDGE-9), decoded and put back in the session's own layout into a temporary file that ``read_session``
    reads (line for line: its messages' lines are the file's); its messages name ``path``."""
    text = Source(str(path), path=path).read_bytes()
    layout = _resaved_layout(text[:65536], path)
    note = None
    if layout is not None:
        sep, decimal = layout
        text = _comma_separated(text, decimal, path, sep)
        if sep == ",":
            note = f"{_RESAVED} quoted numbers with ',' for their decimal point (by a spreadsheet): read as such"
        else:
            in_numbers = " and ',' in numbers" if decimal == "," else ""
            note = f"{_RESAVED} ';' between columns{in_numbers} (by a spreadsheet): read as such"
    with tempfile.TemporaryDirectory(prefix="retrogait-") as folder:
        unpacked = Path(folder) / without_gz(path.name)  # any case: pandas would unpack a `.GZ` again
        unpacked.write_bytes(text)
        del text
        try:
            session = read_session(unpacked, max_acc_g=max_acc_g)
        except InputFileError as exc:
            raise InputFileError(path, exc.problem, exc.line) from None
    if note is not None:
        extra = dict(session.meta.extra)
        extra[IMPORT_NOTES_KEY] = " | ".join(filter(None, [extra.get(IMPORT_NOTES_KEY, ""), note]))
        session = replace(session, meta=replace(session.meta, extra=extra))
    return replace(session, source=str(path))


def _header_and_table(text: bytes) -> tuple[list[bytes], bytes]:
    """The ``#`` header lines of a session file's text (without their line ends) and the rest (the column line on)."""
    lines: list[bytes] = []
    at = 0
    while text.startswith((b"#", b'"#', b"\xef\xbb\xbf#"), at):  # a header cell holding `;` is quoted
        end = text.find(b"\n", at)
        end = len(text) if end < 0 else end + 1
        lines.append(text[at:end].rstrip(b"\r\n"))
        at = end
    return lines, text[at:]


def _column_names(head: bytes, sep: str) -> tuple[list[str], bytes]:
    """The column line's names of a session file's text split at ``sep``, and the rows after it."""
    _, table = _header_and_table(head)
    column_line, _, rows = table.partition(b"\n")
    return [n.strip().strip('"') for n in column_line.decode("utf-8", "replace").strip().split(sep)], rows


def _semicolon_table(head: bytes) -> str | None:
    """The decimal mark (``.`` or ``,``) of a session file a spreadsheet saved again with ``;`` between its columns
    (its column line splits into the session's columns at ``;``, not at ``,``), else None (EDGE-174)."""
    names, rows = _column_names(head, ";")
    if len(names) < len(CORE_COLUMNS) or not set(CORE_COLUMNS) <= set(names):
        return None
    return "," if b"," in rows[:4096] else "."


#: A number with a decimal comma (``1,23``, ``-0,5``, ``9,8E-05``): a cell a spreadsheet quoted in a ``,`` file.
_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d+(?:[eE][-+]?\d+)?")
#: The table's first rows looked at for a spreadsheet's layout (a whole number, as t_s = 0, needs no quote).
_LAYOUT_ROWS = 20


def _resaved_layout(head: bytes, path: Path) -> tuple[str, str] | None:
    """``(separator, decimal mark)`` of a session file a spreadsheet saved again: with ``;`` (EDGE-174), or with ``,``
    and its numbers quoted with a decimal comma (``"1,23"``, EDGE-178; whole numbers as ``0`` unquoted, REVIEW-19),
    found in a core column of the first ``_LAYOUT_ROWS`` rows; else None (read as written). A ``,``-separated file with
    unquoted decimal-comma numbers (a row with more cells than the header has names) is refused: its columns cannot be
    told apart."""
    decimal = _semicolon_table(head)
    if decimal is not None:
        return ";", decimal
    names, rows = _column_names(head, ",")
    if not set(CORE_COLUMNS) <= set(names):
        return None
    lines = rows.split(b"\n")[:-1][:_LAYOUT_ROWS]  # whole lines only: the head may cut the last
    core = [names.index(c) for c in CORE_COLUMNS]
    try:
        parsed = list(csv.reader(line.decode("utf-8", "replace").rstrip("\r") for line in lines))
    except csv.Error:
        parsed = []
    if any(_DECIMAL_COMMA.fullmatch(row[i].strip()) for row in parsed for i in core if i < len(row)):
        return ",", ","
    named = sum(1 for name in names if name)
    for line in lines:
        cells = [cell.strip() for cell in line.rstrip(b"\r").split(b",")]
        if (
            b'"' not in line
            and len(cells) >= 2 * len(CORE_COLUMNS) - 1
            and all(re.fullmatch(rb"[-+]?\d+", cell) for cell in cells[:2])
            and sum(1 for cell in cells if cell) > named
        ):  # each number split at its decimal comma: more cells than names (a row of whole numbers has as many)
            raise InputFileError(
                path,
                "was saved again with ',' between columns and ',' for the decimal point, unquoted (by a spreadsheet in "
                "a decimal-comma locale): its columns cannot be told apart; save it again with ';' between columns "
                "(CSV with ';'), or with '.' for the decimal point",
            )
    return None


def _comma_separated(text: bytes, decimal: str, path: Path, sep: str = ";") -> bytes:
    """The session file ``text`` saved by a spreadsheet with ``sep`` (``;``, or ``,`` with quoted numbers; and a
    decimal comma) in the session's own layout: each header line's fields joined again with ``,`` (the spreadsheet split
    it at its commas) without the ``sep`` the spreadsheet padded it with; the table with ``,`` between columns and ``.``
    in numbers. A table of numbers alone (no quote, only the session's numeric columns) is rewritten byte for byte; else
    parsed (its text columns kept)."""
    header, table = _header_and_table(text)
    fixed = []
    for line in header:  # a few lines: the header
        try:
            fields = next(csv.reader([line.decode("utf-8", "replace")], delimiter=sep), [])
        except csv.Error:
            fields = line.decode("utf-8", "replace").split(sep)
        while fields and not fields[-1].strip():
            fields.pop()
        fixed.append(",".join(fields).encode())
    column_line = table.split(b"\n", 1)[0].decode("utf-8", "replace")
    names = [n.strip().strip('"') for n in column_line.strip().split(sep)]
    numeric = {*CORE_COLUMNS, *GYR_COLUMNS}
    if sep == ";" and b'"' not in table and set(names) <= numeric:  # no padding either: the table is the widest
        body = table.replace(b",", b".").replace(b";", b",") if decimal == "," else table.replace(b";", b",")
    else:
        try:
            frame = pd.read_csv(io.BytesIO(table), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=False)
        except (ValueError, pd.errors.ParserError) as exc:
            why = str(exc).splitlines()[0]
            raise InputFileError(path, f"table saved with {sep!r} cannot be parsed ({why})") from None
        frame.columns = [str(c).strip() for c in frame.columns]
        padding = [c for c in frame.columns if c.startswith("Unnamed: ") and not frame[c].str.strip().any()]
        frame = frame.drop(columns=padding)
        for name in frame.columns:
            if name in numeric and decimal == ",":
                frame[name] = frame[name].str.replace(",", ".", regex=False)
        body = frame.to_csv(index=False, lineterminator="\n").encode()
    return b"".join(line + b"\n" for line in fixed) + body


FORMAT = ImportFormat(
    name=NAME,
    description="native retrogait session CSV (passed through unchanged)",
    sniff=sniff,
    read=read,
)
