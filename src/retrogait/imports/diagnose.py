"""What a path given as a recording is when it cannot be read, in one line (issue 12, EDGE review).

``registry.detect_format`` asks here before the sniffers run (a pipe, a file that cannot be opened, an
empty file or folder) and after none of them recognised the file (blank, binary, a zip that is damaged,
empty or holds no known export), so that the user reads what the file is instead of "format not
recognised".
"""

from __future__ import annotations

import re
from pathlib import Path

from retrogait.errors import InputFileError, RetrogaitError
from retrogait.imports.app_formats import not_read_hint
from retrogait.own_outputs import BOM, FIRST_RECORD, PARQUET_MAGIC, header, json_of, starts_as, table
from retrogait.recordings import not_found_text

#: How much of a file the checks look at (bytes).
HEAD_BYTES = 65536


def refuse_unreadable(path: Path) -> None:
    """Raise :class:`InputFileError` when ``path`` does not exist, is a pipe or a device, cannot be read, is
    an empty file, or a folder without files."""
    if not path.exists():
        raise InputFileError(path, not_found_text(path))
    if not path.is_file() and not path.is_dir():  # opening a pipe without a writer would wait for ever
        raise InputFileError(
            path, "is a pipe or a device, not a file (e.g. <(zcat ...)): a recording is read more than once; save it"
        )
    if path.is_file():  # the sniffers take an unreadable file for an unknown format
        try:
            with path.open("rb") as fh:
                fh.read(1)
        except OSError as exc:
            raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from None
        if path.stat().st_size == 0:
            raise InputFileError(path, "is empty")
    elif not any(p.is_file() for p in path.iterdir()):
        folders = sorted(p.name for p in path.iterdir() if p.is_dir())
        if folders:
            shown = ", ".join(folders[:5]) + (", ..." if len(folders) > 5 else "")
            raise InputFileError(
                path, f"holds folders ({shown}) but no recording file; give one, or `retrogait batch` the whole tree"
            )
        raise InputFileError(path, "is an empty folder: no recording in it")


#: Columns only analyze's steps table has (a recording has a time and acc columns): both mark one.
_STEPS_COLUMNS = ("ic_time_s", "direction")


def refuse_analysis_output(path: Path) -> None:
    """Raise :class:`InputFileError` when ``path`` is what ``retrogait analyze`` wrote (its output folder,
    or its steps table) rather than a recording (EDGE-14): read as a recording it was "format not
    recognised" or "holds no three acceleration columns"."""
    _refuse_other_output(path)
    compare = "; `retrogait compare` takes it as it is"
    if path.is_dir() and (path / "steps.csv").is_file() and (path / "summary.json").is_file():
        what = "an analysis folder written by `retrogait analyze` (steps.csv, summary.json)"
    elif path.is_file() and path.suffix.lower() == ".csv":
        text = head(path)
        columns = header(text)  # also as a spreadsheet saved it again (;, a tab, quoted names: EDGE-279)
        if starts_as(text, table("analyze", "bouts.csv")):
            what, compare = "the bouts table written by `retrogait analyze`", "; `retrogait compare` takes its folder"
        elif not all(column in columns for column in _STEPS_COLUMNS):
            return
        elif "speed_ms" in columns and "quality_flags" not in columns:  # EDGE-76: the simulator's truth
            recording = path.name[: -len("_truth.csv")] + ".csv" if path.name.endswith("_truth.csv") else "its session"
            raise InputFileError(
                path,
                f"is the ground truth `retrogait simulate` writes beside a recording, not a recording: "
                f"give {recording}",
            )
        else:
            what = "a steps table written by `retrogait analyze`"
    elif path.is_file() and path.name.lower() == "summary.json" and json_of(head(path)[:512], "summary.json"):
        what, compare = "the summary written by `retrogait analyze`", "; `retrogait compare` takes its folder"
    else:
        return
    raise InputFileError(path, f"is {what}, not a recording: give the recording it was made from{compare}")


def _batch_folder(path: Path) -> Path | None:
    """The output folder of ``retrogait batch`` that ``path`` is or lies in (up to two levels down), else None."""
    for folder in (path, *list(path.parents)[:2]):
        if (folder / "manifest.jsonl").is_file() and (folder / "sessions").is_dir():
            return folder
    return None


#: The tables ``batch`` and ``compare`` write, told by their first columns (:mod:`retrogait.own_outputs`).
_OUTPUT_TABLES = (table("batch", "sessions.csv"), table("batch", "errors.csv"), table("compare", "compare.csv"))


def _refuse_other_output(path: Path) -> None:
    """Raise :class:`InputFileError` when ``path`` is what ``retrogait batch`` or ``retrogait compare`` wrote (its
    folder or one of its files), a report or a settings file, given where a recording belongs (EDGE-96): each was
    "format not recognised" with the reader options to map its columns, or "holds no three acceleration columns"."""
    batch = _batch_folder(path)
    cohort = (
        f"; its forward/backward comparisons are in {batch / 'cohort'}"
        if batch is not None and (batch / "cohort").is_dir()
        else ""
    )
    give = "give the recordings it was made from"
    what: str | None = None
    if path.is_dir():
        if batch == path:
            what = "the output folder of `retrogait batch` (manifest.jsonl, sessions/)"
        elif batch is not None and path.name == "sessions":
            what = "the folder of per-session step tables in a `retrogait batch` output"
        elif (path / "compare.csv").is_file() and (path / "compare.json").is_file():
            what, give = (
                "a comparison written by `retrogait compare` (compare.csv, compare.json)",
                ("give the recordings or analysis folders it compared"),
            )
    elif path.is_file():
        text = head(path)
        name = path.name.lower()
        if text.startswith(PARQUET_MAGIC):
            what = "a Parquet table" + (" written by `retrogait batch`" if batch is not None else "")
        elif name.endswith(".csv"):
            known = next((t for t in _OUTPUT_TABLES if starts_as(text, t)), None)
            what = None if known is None else f"{known.what} written by `retrogait {known.command}`"
        # a batch's first record as written, not manifest_line's crash-cut starts (an empty line, "{"): a user's
        # own manifest.jsonl is not the batch's (REVIEW-239)
        elif name == "manifest.jsonl" and text.removeprefix(BOM).startswith(FIRST_RECORD):
            what = "the manifest written by `retrogait batch`"
        elif name == "compare.json" and json_of(text[:512], "compare.json"):
            what, give = "the comparison written by `retrogait compare`", "give the recordings it compared"
        elif name.endswith((".html", ".htm")) and b"<html" in text[:4096].lower():
            what = "an HTML page (a report)"
        elif name.endswith(".toml") and b"retrogait" in text[:4096] and b"settings" in text[:4096]:
            what, give, cohort = "a retrogait settings file", "give it as --settings FILE, and the recording", ""
    if what is not None:
        raise InputFileError(path, f"is {what}, not a recording: {give}{cohort}")


#: A line longer than this (bytes) without a line end, holding numbers between delimiters, is rows run together.
ONE_LINE_BYTES = 4096


def _refuse_one_long_line(path: Path, text: bytes) -> None:
    """Raise where ``text`` (a file's head) is one long line of numbers without a line end: a table whose line ends
    were lost (a copy through a tool that dropped them), which no delimiter splits into rows (EDGE-121: "format
    not recognised" with the reader options, none of which reads it)."""
    if len(text) < ONE_LINE_BYTES or b"\n" in text or b"\r" in text:
        return
    fields = re.split(rb"[,;\t]", text[:ONE_LINE_BYTES])
    numbers = sum(bool(re.fullmatch(rb"\s*[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?\s*", f)) for f in fields)
    if len(fields) > 50 and numbers > 0.8 * len(fields):
        raise InputFileError(
            path,
            f"is one line of numbers without a line end ({len(fields) - 1:,} delimiters in its first "
            f"{ONE_LINE_BYTES:,} bytes): its rows run together (line ends lost in a copy?); export it again",
        )


def _refuse_header_alone(path: Path, text: bytes) -> None:
    """Raise where ``text`` (a whole short file) is one line of names split by a delimiter: a table's header and no
    samples (EDGE-125: "format not recognised" with the reader options)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) != 1 or len(text) >= ONE_LINE_BYTES or text.startswith((b"\x1f\x8b", b"PK")):
        return
    line = lines[0].removeprefix(b"\xef\xbb\xbf").strip()
    fields = re.split(rb"[,;\t]", line)
    names = [f for f in fields if re.search(rb"[A-Za-z]", f) and not re.fullmatch(rb"\s*[-+0-9.eE]+\s*", f)]
    if len(fields) >= 3 and len(names) == len(fields):
        shown = line.decode("utf-8", "replace")[:80]
        raise InputFileError(path, f"holds one line ({shown}) and no samples: a header without rows")


def refuse_unrecognised(path: Path) -> None:
    """Raise :class:`InputFileError` for a file or folder no format recognised, saying what it is where
    that can be told (blank, binary, a zip that is damaged, empty or holds no known export)."""
    what = "folder" if path.is_dir() else "file"
    _refuse_other_workbook(path)
    _refuse_other_sqlite(path)
    if path.is_file():
        text = head(path)
        if not text.removeprefix(b"\xef\xbb\xbf").strip():  # a byte-order mark and line ends hold nothing either
            raise InputFileError(path, "is empty (blank lines only)")
        if text.startswith(b"\x1f\x8b"):  # EDGE-30
            _refuse_empty_gzip(path)
        if not text.startswith((b"\x1f\x8b", b"PK")) and text.count(b"\x00") > 0.6 * len(text):  # not UTF-16
            raise InputFileError(path, "is a binary file, not a table of numbers nor a known export")
        _refuse_one_long_line(path, text)
        _refuse_header_alone(path, text)
    zip_problem = _zip_problem(path)
    if zip_problem:  # the reader options only help with a zip that holds tables
        hint = f"; {not_read_hint()}" if zip_problem.startswith("is a zip archive holding") else ""
        raise InputFileError(path, zip_problem + hint)
    raise InputFileError(path, f"format not recognised (not a table of numbers nor a known {what}); {not_read_hint()}")


def _refuse_other_workbook(path: Path) -> None:
    """A spreadsheet workbook no reader claimed (only phyphox's Excel export is read as one: workbook.py)."""
    from retrogait.imports.workbook import is_workbook, read_sheets

    if not is_workbook(path):
        return
    sheets = read_sheets(path)  # a damaged workbook is refused here, saying so
    wide = [sheet for sheet in sheets if sheet.width is not None]
    if wide:  # no reader took it: a sheet too wide to be read may be its sensor sheet, damaged (EDGE-294, IMPORT-31)
        raise wide[0].too_wide()
    names = [sheet.name for sheet in sheets]
    shown = (
        ", ".join(repr(n) for n in names[:6]) + (", ..." if len(names) > 6 else "") if names else "none with a header"
    )
    raise InputFileError(
        path,
        f"is a spreadsheet workbook (sheets: {shown}) that is not a phyphox export: save the sheet that holds "
        "the sensor table as CSV and give that file",
    )


def _refuse_other_sqlite(path: Path) -> None:
    """An SQLite database no reader claimed (only Sensor Logger's SQLite export is read: sensor_tables.py)."""
    from retrogait.imports.sensor_tables import is_sqlite, sqlite_table_names

    if not path.is_file() or not is_sqlite(path):
        return
    names = sqlite_table_names(path)  # a damaged database is refused here, saying so
    shown = ", ".join(repr(n) for n in names[:6]) + (", ..." if len(names) > 6 else "") if names else "none"
    raise InputFileError(
        path,
        f"is an SQLite database (tables: {shown}) that is not a Sensor Logger export: export the table that "
        "holds the sensor samples as CSV and give that file",
    )


def _refuse_empty_gzip(path: Path) -> None:
    """Raise :class:`InputFileError` when the gzip file ``path`` is damaged at its start or unpacks to nothing
    or to blank lines (a logger that made the file and stopped): "format not recognised" said neither."""
    import gzip
    import zlib

    try:
        with gzip.open(path, "rb") as fh:
            start = fh.read(HEAD_BYTES)
    except EOFError:  # cut off: read up to the cut (EDGE-9), unless nothing is before it
        if not head(path, unpacked=True).strip():
            raise InputFileError(path, "is a gzip file cut off before any of its text") from None
        return
    except (OSError, zlib.error) as exc:
        raise InputFileError(path, f"is a damaged gzip file ({exc})") from None
    if not start.strip():
        raise InputFileError(path, "is empty (a gzip file that unpacks to nothing or to blank lines)")


def head(path: Path, unpacked: bool = False) -> bytes:
    """The first :data:`HEAD_BYTES` of ``path`` (``unpacked``: of its text when gzip-compressed); ``b"x"``
    (one byte that is no sign of anything) when it cannot be read."""
    try:
        if unpacked:
            from retrogait.imports.common import head_bytes

            return head_bytes(path)
        with open(path, "rb") as fh:
            return fh.read(HEAD_BYTES)
    except (OSError, RetrogaitError, EOFError, ValueError):
        return b"x"


def _zip_problem(path: Path) -> str | None:
    """Why a zip archive that no format recognised was not read (None when ``path`` is no zip): a zip cut
    short (its directory is at the end), an empty one, or one holding no known export."""
    import zipfile

    from retrogait.imports.limits import ZIP_ERRORS

    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError:
        return None
    if magic not in (b"PK\x03\x04", b"PK\x05\x06") and path.suffix.lower() != ".zip":
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
    except ZIP_ERRORS:
        return "is a damaged zip archive (cut short while copying or downloading?): copy or download it again"
    if not names:
        return "is an empty zip archive"
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    return f"is a zip archive holding no export a format knows (files: {shown})"
