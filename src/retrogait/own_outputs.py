"""What the files retrogait writes look like, in one table: how a file is told to be one a command wrote (ARCH-10).

Three checks ask it, each for its own question: :func:`retrogait.imports.diagnose.refuse_analysis_output` (is an input
one of our outputs, not a recording?), :mod:`retrogait.batch.store` (is a file in a batch's ``--out`` the batch's?)
and :mod:`retrogait.outfiles` (is a file under analyze's or compare's output name theirs?). Each reads a file's first
bytes and asks here; how a table's header, a JSON file's first keys or a report's title read, across the versions
that wrote them (REVIEW-233, REVIEW-235) and a spreadsheet's re-saves (a byte order mark, ``;`` or a tab between the
names, names in double quotes: REVIEW-234, BATCH-55), is written down once. Nothing here opens a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The UTF-8 byte order mark a spreadsheet puts before a CSV file it saves (BATCH-55).
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Table:
    """A table a command writes: its file name, the command, its first columns (as every version wrote them) and
    what it is, in words."""

    name: str
    command: str
    columns: tuple[str, ...]
    what: str


#: The tables retrogait writes, by who writes them (a name two commands write, steps.csv, is in twice).
TABLES = (
    Table("steps.csv", "analyze", ("ic_time_s", "to_time_s", "side", "direction"), "a steps table"),
    Table("bouts.csv", "analyze", ("bout_id", "start_s", "end_s"), "the bouts table"),
    Table("compare.csv", "compare", ("metric", "label", "unit"), "the comparison table"),
    Table("sessions.csv", "batch", ("session", "subject", "placement"), "the sessions table"),
    Table("errors.csv", "batch", ("file", "reason"), "the table of failed inputs"),
    Table("notes.csv", "batch", ("session", "kind", "note"), "the table of notes"),
    Table("steps.csv", "batch", ("session",), "the combined steps table"),
    #: ``simulate.TRUTH_COLUMNS``' first five: the analysis' steps table shares the first four (EDGE-268)
    Table("_truth.csv", "simulate", ("ic_time_s", "to_time_s", "side", "direction", "activity"), "the ground truth"),
)


def table(command: str, name: str) -> Table:
    """The table ``command`` writes under ``name`` (KeyError when it writes none)."""
    for known in TABLES:
        if (known.command, known.name) == (command, name):
            return known
    raise KeyError(f"{command} writes no {name}")


#: A table's first name, in double quotes or not, and the separator after it.
_FIRST_NAME = re.compile(rb'("?)([^",;\t\r\n]*)\1([,;\t])')


def header(head: bytes) -> tuple[str, ...]:
    """The column names of the first line of ``head`` (a table's first bytes): after a byte order mark, split at the
    separator after the first name (``,``, or the ``;`` or tab a spreadsheet saves with), each name out of its double
    quotes; () when no separator follows the first name (one column, or not a table)."""
    found = _FIRST_NAME.match(head.removeprefix(BOM))
    if found is None:
        return ()
    line = head.removeprefix(BOM).split(b"\n", 1)[0].rstrip(b"\r")
    return tuple(name.strip().strip('"') for name in line.decode("utf-8", "replace").split(found[3].decode()))


def starts_as(head: bytes, known: Table, leading: int | None = None) -> bool:
    """True when the table whose first bytes are ``head`` starts with the first ``leading`` columns of ``known`` (all
    of them by default), as its command writes them or a spreadsheet saved them again."""
    wanted = known.columns[:leading]
    return header(head)[: len(wanted)] == wanted


#: A key each JSON file holds within its first 512 bytes: summary.json's first (every version), compare.json's since
#: USER-1 put it first.
JSON_KEYS = {"summary.json": b'"source":', "compare.json": b'"retrogait_version":'}
#: How a JSON file an earlier version wrote begins: compare.json with its unit of analysis, ``{"level": "steps"``,
#: until USER-1 (REVIEW-233).
JSON_EARLIER_STARTS = {"compare.json": re.compile(rb'\{\s*"level": "(steps|sessions|subjects)"')}


def json_of(head: bytes, name: str) -> bool:
    """True when ``head`` (the first 512 bytes of a file named ``name``) is how the JSON file of that name that
    analyze or compare writes begins, in this version or an earlier one."""
    text = head.removeprefix(BOM).lstrip()
    earlier = JSON_EARLIER_STARTS.get(name)
    return text.startswith(b"{") and (
        JSON_KEYS[name] in head[:512] or (earlier is not None and earlier.match(text) is not None)
    )


#: The title in the head of each command's report.html (within its first 512 bytes in every version).
REPORT_TITLES = {
    "analyze": "retrogait analysis",
    "compare": "Forward vs backward running",
    "batch": "Cohort: forward vs backward",
}
#: How a report ends: ``report.html.render_html``'s footer, near its end (the last 8 KB).
REPORT_FOOTER = b"Made with retrogait"
#: The title of any of them: a report an earlier version wrote straight to report.html, cut short by Ctrl-C or a full
#: disk, holds it but not its footer (REVIEW-235).
_ANY_TITLE = re.compile(b"<title>(" + b"|".join(re.escape(t.encode()) for t in REPORT_TITLES.values()) + b")")


def report_titled(head: bytes, command: str | None = None) -> bool:
    """True when ``head`` (a page's first bytes) holds the title of ``command``'s report (any command's: None)."""
    if command is None:
        return _ANY_TITLE.search(head) is not None
    return f"<title>{REPORT_TITLES[command]}".encode() in head


#: How a figure Matplotlib drew begins (a PNG whose ``Software`` text names Matplotlib, within its first 512 bytes).
FIGURE_MARKS = (b"\x89PNG", b"Matplotlib")
#: How a Parquet file begins (the batch's steps table, its sessions' step files).
PARQUET_MAGIC = b"PAR1"
#: The first line of the settings files a batch writes (``batch.runner._write_settings``).
SETTINGS_MARK = "# written by retrogait batch"
#: How the first record of a batch's manifest starts (``json.dumps`` of a ``JobOutcome``, ``key`` its first field).
FIRST_RECORD = b'{"key": "'


def manifest_line(first: bytes) -> bool:
    """True when ``first`` (a manifest.jsonl's first line) is what a batch writes there: nothing, a job's record (a
    JSON object with ``key``, ``path`` and ``ok``), or a first record a crash cut short (it starts ``{"key": "``, or
    is the start of that; zero bytes before it are a power cut's, REVIEW-99)."""
    import json  # not on `retrogait --version`'s path

    first = first.removeprefix(BOM).lstrip(b"\0").strip()
    if not first:
        return True
    try:
        record = json.loads(first)
    except ValueError:  # cut short anywhere, also within its first bytes (REVIEW-99)
        return first.startswith(FIRST_RECORD) or FIRST_RECORD.startswith(first)
    return isinstance(record, dict) and {"key", "path", "ok"} <= record.keys()
