"""Exports that hold every sensor's table in one file, given to the readers as the CSV files they stand for.

- **Records JSON** (Sensor Logger's "JSON" export): one array of flat objects, each a row of one sensor's table
  named by its ``"sensor"`` key, with that table's CSV columns as the other keys and the CSV's texts as string
  values (``{"sensor":"Accelerometer","time":"1698501144401773000","seconds_elapsed":"0.2167","z":"-0.10",...}``);
  the records of one sensor follow each other, and one record ``{"sensor":"Metadata",...}`` holds the
  ``Metadata.csv`` row (awesome-sensor-logger README, "JSON"; real exports compact, one record a line, or
  indented). Each sensor becomes ``run.json/Accelerometer.csv`` with the same header and texts as the zip
  export's file, so it is read by the same code, value for value.
- **SQLite** (Sensor Logger's "SQLite" export): one table per sensor (``SELECT * FROM Accelerometer``), its
  columns those of the CSV file; each table becomes ``run.sqlite/Accelerometer.csv``, its values as stored.

Only the sensors a reader can use are unpacked (:data:`WANTED`); the others are named (diagnose) but not read.
The JSON is scanned with regular expressions over a memory map, one pass per sensor's block of records,
not parsed into Python objects (an hour of a phone's sensors is hundreds of MB of JSON); a block whose
records do not all have its first record's shape (another key order, a value with a comma) is parsed record
by record instead (docs/decisions.md IMPORT-18).
"""

from __future__ import annotations

import csv
import io
import json
import mmap
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from retrogait.errors import InputFileError
from retrogait.imports.limits import MAX_JSON_BYTES, note_cut_short

#: Tables read from these exports (lower case): the motion sensors the readers use, and the metadata row.
WANTED = frozenset(
    {
        "accelerometer",
        "totalacceleration",
        "gravity",
        "accelerometeruncalibrated",
        "gyroscope",
        "gyroscopeuncalibrated",
        "wristmotion",
        "metadata",
    }
)
#: The first bytes of an SQLite 3 database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
#: More runs of one sensor's records than this (the app writes one run per sensor): parsed whole instead.
MAX_RUNS = 256
#: How far into a JSON file its first record's ``"sensor"`` key is looked for.
JSON_HEAD_BYTES = 4096

_SENSOR_KEY = re.compile(rb'"sensor"\s*:\s*"((?:[^"\\]|\\.)*)"')
_SENSOR_LITERAL = re.compile(rb'"sensor"')
_FIRST_RECORD = re.compile(rb'\A\s*\[\s*\{\s*"[^"]+"\s*:')


def is_records_json(path: Path) -> bool:
    """Whether ``path`` is an array of records with a ``"sensor"`` key (by its first bytes)."""
    head = _head(path, JSON_HEAD_BYTES).lstrip(b"\xef\xbb\xbf")
    if not _FIRST_RECORD.match(head):
        return False
    first = head[: head.find(b"}") if b"}" in head else len(head)]
    return _SENSOR_KEY.search(first) is not None and b'"time"' in first


def is_sqlite(path: Path) -> bool:
    """Whether ``path`` is an SQLite 3 database (by its first bytes)."""
    return _head(path, len(SQLITE_MAGIC)) == SQLITE_MAGIC


def _head(path: Path, n_bytes: int) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(n_bytes)
    except OSError:
        return b""


# ------------------------------------------------------------------------------------------ records JSON


def json_tables(path: Path) -> dict[str, bytes]:
    """The wanted sensors' tables of a records JSON file as CSV bytes, by sensor name (in file order).

    Raises:
        InputFileError: the file cannot be read, or a block of records is not valid JSON.
    """
    try:
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            runs: dict[str, list[tuple[int, int]]] = {}
            for count, (name, start, end) in enumerate(_blocks(data)):
                if count > MAX_RUNS:  # records not grouped by sensor: parsed whole instead
                    return _interleaved_tables(data, path)
                runs.setdefault(name, []).append((start, end))
            tables: dict[str, bytes] = {}
            for name, spans in runs.items():
                if name.lower() in WANTED:
                    parts = [_block_csv(data, start, end, name, path) for start, end in spans]
                    tables[name] = parts[0] + b"".join(part.split(b"\n", 1)[-1] for part in parts[1:] if part)
            if not data[max(0, len(data) - 64) :].rstrip().endswith(b"]"):
                lost = "" if any(n.lower() == "metadata" for n in tables) else " (no Metadata record before it)"
                what = f"the JSON ends early, after {len(data):,} bytes: the records before the cut were read{lost}"
                note_cut_short(str(path), what, line_left_out=True)
            return tables
    except (OSError, ValueError) as exc:  # ValueError: mmap of an empty file
        raise InputFileError(path, f"cannot be read ({getattr(exc, 'strerror', None) or exc})") from None


def _interleaved_tables(data: Any, path: Path) -> dict[str, bytes]:
    """The wanted sensors' tables of a records JSON whose sensors' records are interleaved, parsed whole."""
    if len(data) > MAX_JSON_BYTES:
        raise InputFileError(
            path,
            f"is {len(data) / 1024**2:.0f} MiB of JSON whose sensors' records are mixed together, more than the "
            f"{MAX_JSON_BYTES / 1024**2:.0f} MiB such a file may be",
        )
    by_sensor: dict[str, list[dict[str, Any]]] = {}
    for record in _records(data, 0, len(data), "", path):
        name = str(record.get("sensor", ""))
        if name.lower() in WANTED:
            by_sensor.setdefault(name, []).append(record)
    return {name: _records_csv(records[0], records) for name, records in by_sensor.items()}


def json_sensor_names(path: Path) -> list[str]:
    """Every sensor named in a records JSON file, in file order (for messages)."""
    try:
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return list(dict.fromkeys(name for name, _, _ in _blocks(data)))
    except (OSError, ValueError):
        return []


def _blocks(data: Any) -> Iterator[tuple[str, int, int]]:
    """(sensor, start, end) of each run of consecutive records of one sensor: ``start`` at the ``{`` of its
    first record, ``end`` at the ``{`` of the next run's first record (or the array's end)."""
    match = _SENSOR_KEY.search(data)
    while match is not None:
        name_bytes = match.group(1)
        start = data.rfind(b"{", 0, match.start())
        other = re.compile(rb'"sensor"\s*:\s*"(?!' + re.escape(name_bytes) + rb'")')
        following = other.search(data, match.end())
        end = data.rfind(b"{", match.end(), following.start()) if following is not None else len(data)
        yield _text(name_bytes), max(start, 0), end
        match = _SENSOR_KEY.search(data, following.start()) if following is not None else None


def _block_csv(data: Any, start: int, end: int, name: str, path: Path) -> bytes:
    """One run of records as a CSV table: its first record's keys (without ``sensor``) as the header."""
    first = _first_record(data, start, end, name, path)
    if first is None:
        return b""
    fast = _fast_rows(data, start, end, first, cut_ok=end == len(data))
    if fast is not None:
        return _records_csv(first, []) + fast
    return _records_csv(first, _records(data, start, end, name, path))


def _records_csv(first: dict[str, Any], records: Iterable[dict[str, Any]]) -> bytes:
    """``records`` as a CSV table under ``first``'s keys (without ``sensor``); a key a record lacks is empty."""
    keys = [k for k in first if k != "sensor"]
    return _csv_table(keys, ([record.get(k) for k in keys] for record in records))


def _first_record(data: Any, start: int, end: int, name: str, path: Path) -> dict[str, Any] | None:
    """The run's first record (None when it does not parse: the run is then read record by record)."""
    stop = data.find(b"}", start, end)
    try:
        record = json.loads(bytes(data[start : stop + 1]))
    except (ValueError, RecursionError):
        return next(_records(data, start, end, name, path), None)
    return record if isinstance(record, dict) else None


def _fast_rows(data: Any, start: int, end: int, first: dict[str, Any], *, cut_ok: bool) -> bytes | None:
    """The rows of a run whose records all have ``first``'s keys in its order, its kinds of value (string or
    number) and plain values (no quote, comma, backslash or space), as CSV lines; None when any record does
    not. Tried compact (as the app writes it) first, then with white space between the parts.
    ``cut_ok``: the run ends the file, whose last record may be cut off (left out, as the slow path does)."""
    if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in first.values()):
        return None
    records = len(_SENSOR_LITERAL.findall(data, start, end))
    last_cut = cut_ok and data.find(b"}", data.rfind(b'"sensor"', start, end)) < 0
    expected = records - (1 if last_cut else 0)
    for space in (b"", rb"\s*"):
        parts = []
        for key, value in first.items():
            text = rb'"' + re.escape(key.encode()) + rb'"' + space + b":" + space
            if key == "sensor":
                parts.append(text + rb'"' + re.escape(str(value).encode()) + rb'"')
            else:
                parts.append(text + (rb'"([^",\\\s]*)"' if isinstance(value, str) else rb"([^,}\s]+)"))
        pattern = rb"\{" + space + (space + b"," + space).join(parts) + space + rb"\}"
        rows = re.compile(pattern).findall(data, start, end)
        if len(rows) == expected:
            if rows and isinstance(rows[0], bytes):  # one key besides "sensor": findall gives the values
                return b"\n".join(rows) + b"\n"
            return b"\n".join(map(b",".join, rows)) + b"\n" if rows else b""
    return None


def _records(data: Any, start: int, end: int, name: str, path: Path) -> Iterator[dict[str, Any]]:
    """The records of ``data[start:end]`` parsed one by one; a record cut off at the end of the file ends
    the run (a copy cut short keeps what came before it)."""
    decoder = json.JSONDecoder()
    text = bytes(data[start:end]).decode("utf-8", "replace")
    at = 0
    while True:
        at = text.find("{", at)
        if at < 0:
            return
        try:
            record, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            if end == len(data) and text[at:].rstrip().rstrip("]").count("}") == 0:
                return  # cut short in its last record
            what = f"a {name} record" if name else "a record"
            raise InputFileError(path, f"has {what} that is not valid JSON ({exc.msg})") from None
        if isinstance(record, dict):
            yield record


def _text(value: bytes) -> str:
    try:
        return str(json.loads(b'"' + value + b'"'))
    except ValueError:
        return value.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------- SQLite


def sqlite_table_names(path: Path) -> list[str]:
    """The tables of an SQLite database, in the order it lists them.

    Raises:
        InputFileError: the file is not a readable SQLite database.
    """
    with _connected(path) as connection:
        try:
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid").fetchall()
        except sqlite3.Error as exc:
            raise InputFileError(path, f"is a damaged SQLite database ({exc})") from None
        except UnicodeDecodeError:  # SQLite's own message about it holds the damaged bytes (fuzz seed 4141)
            raise InputFileError(path, "is a damaged SQLite database (its schema is not readable)") from None
    return [str(row[0]) for row in rows]


def sqlite_tables(path: Path) -> dict[str, bytes]:
    """The wanted tables of an SQLite database as CSV bytes (its column names as the header; numbers in
    their shortest exact form, texts as stored), by table name.

    Raises:
        InputFileError: the file is not a readable SQLite database.
    """
    names = [n for n in sqlite_table_names(path) if n.lower() in WANTED]
    tables: dict[str, bytes] = {}
    with _connected(path) as connection:
        for name in names:
            quoted = '"' + name.replace('"', '""') + '"'
            try:
                cursor = connection.execute(f"SELECT * FROM {quoted}")  # a name it listed, quoted
                header = [str(d[0]) for d in cursor.description]
                rows = cursor.fetchall()
            except sqlite3.Error as exc:
                raise InputFileError(path, f"is a damaged SQLite database (table {name}: {exc})") from None
            except UnicodeDecodeError:
                raise InputFileError(path, f"is a damaged SQLite database (table {name} is not readable)") from None
            tables[name] = _csv_table(header, rows)
    return tables


def _csv_table(header: list[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV table (UTF-8): ``header``, then each row's values as text (:func:`_cell`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    """A value as a CSV cell: empty for None (JSON null, SQL NULL), a float in its shortest exact form."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _lenient_text(value: bytes) -> str:
    """An SQLite text as str, bytes that are no UTF-8 replaced (U+FFFD)."""
    return value.decode("utf-8", "replace")


class _connected:
    """A read-only connection to an SQLite file that is closed on leaving (sqlite3's own context manager
    only commits)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        except (sqlite3.Error, ValueError) as exc:
            raise InputFileError(self.path, f"cannot be opened as an SQLite database ({exc})") from None
        # a text that is no UTF-8 (a damaged page, a table name) read with U+FFFD for its bad bytes: sqlite3's own
        # decoding raised UnicodeDecodeError out of the import, or refused the whole export for one name
        self.connection.text_factory = _lenient_text
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()
