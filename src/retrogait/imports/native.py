"""Native retrogait session files: read as they are (``read_session``), header and all."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from retrogait.conventions import MAX_ACC_G
from retrogait.errors import InputFileError, RetrogaitError
from retrogait.imports.base import ImportFormat, ImportOptions, ImportReport, ImportResult
from retrogait.imports.common import GZIP_MAGIC, Source, head_bytes
from retrogait.imports.textcoding import UTF16_PROBE_BYTES, utf16_encoding
from retrogait.recordings import without_gz
from retrogait.session import FORMAT_KEY, Session, read_session, read_session_part

NAME = "native"


def sniff(path: Path) -> float:
    return 1.0 if head_bytes(path, 64).lstrip(b"\xef\xbb\xbf").startswith(f"# {FORMAT_KEY}".encode()) else 0.0


def read(path: Path, options: ImportOptions) -> ImportResult:
    packed = _packed(path)
    max_acc_g = MAX_ACC_G if options.max_acc_g is None else options.max_acc_g  # the user's setting (EDGE-131)
    if options.part_s is not None and not packed:  # a part alone, found by its time (LONG-6)
        session = read_session_part(path, options.part_s, max_acc_g=max_acc_g)
    else:
        session = _read_packed(path, max_acc_g) if packed else read_session(path, max_acc_g=max_acc_g)
    changes = {
        key: value
        for key in ("placement", "side", "sensor", "anterior_axis", "vertical_axis")
        if (value := getattr(options, key)) is not None and not (options.header_wins and _stated(session, key))
    }
    if changes:
        try:
            session = replace(session, meta=replace(session.meta, **changes))
        except ValueError as exc:
            raise RetrogaitError(str(exc)) from None
    report = ImportReport(format=NAME, files=[str(path)], rows_read=session.n_samples, rows_kept=session.n_samples)
    report.part_read = options.part_s is not None and not packed
    return ImportResult(session=session, report=report)


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
    """A gzip-compressed session file (``run.csv.gz``; EDGE-11) or one saved again as UTF-16 (EDGE-33):
    unpacked within the limits (a stream cut off is read up to the cut, EDGE-9) and decoded into a temporary
    file that ``read_session`` reads; its messages name ``path``."""
    text = Source(str(path), path=path).read_bytes()
    with tempfile.TemporaryDirectory(prefix="retrogait-") as folder:
        unpacked = Path(folder) / without_gz(path.name)  # any case: pandas would unpack a `.GZ` again
        unpacked.write_bytes(text)
        del text
        try:
            session = read_session(unpacked, max_acc_g=max_acc_g)
        except InputFileError as exc:
            raise InputFileError(path, exc.problem, exc.line) from None
    return replace(session, source=str(path))


FORMAT = ImportFormat(
    name=NAME,
    description="native retrogait session CSV (passed through unchanged)",
    sniff=sniff,
    read=read,
)
