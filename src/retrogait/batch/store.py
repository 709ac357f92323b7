"""The batch output folder: a manifest of finished jobs, per-session step files, combined tables.

Layout of ``OUT``::

    manifest.jsonl        one JSON line per finished job (ok or failed), appended as jobs finish
    sessions/KEY.parquet  the steps of one session (CSV when pyarrow is absent)
    steps.parquet         all steps, with ``session`` and ``subject`` columns, in input order
    sessions.csv          one summary row per session
    errors.csv            one row per failed input: file and the one-line reason
    notes.csv             one row per line `analyze` says of a session (its inferences and notes) and per input
                          counted once with another: session, kind, note (BATCH-48)
    .batch.lock           held (``flock``) by the batch writing the folder: a second one is refused (EDGE-97)
    settings_*.toml       the settings each placement's sessions were analysed with (``runner._write_settings``)
    cohort/GROUP/         the cohort comparison of a placement and sensor (``cohort.cohort_comparisons``)

A file or folder under one of these names that no batch wrote is refused before anything is written
(:func:`refuse_replacing_foreign`, BATCH-52, BATCH-56).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

from retrogait.batch.worker import JobOutcome, read_table, steps_suffix
from retrogait.csvsafe import safe_frame, write_records
from retrogait.errors import RetrogaitError
from retrogait.interrupt import discard_on_interrupt, keep
from retrogait.jsontext import dumps
from retrogait.outfiles import discard, naming_the_output, replacing, staging
from retrogait.own_outputs import (
    PARQUET_MAGIC,
    REPORT_TITLES,
    SETTINGS_MARK,
    manifest_line,
    report_titled,
    starts_as,
    table,
)

MANIFEST = "manifest.jsonl"
RESULTS_DIR = "sessions"
#: The file a running batch holds locked in its output folder (EDGE-97).
LOCK = ".batch.lock"
#: The table of what the analysis said of each session (BATCH-48).
NOTES = "notes.csv"
#: Its columns: the session (input path), ``input`` / ``note`` (as ``analyze`` prints them) or ``batch``, the text.
NOTES_COLUMNS = ("session", "kind", "note")
#: The fields of a manifest's record this retrogait reads.
_OUTCOME_FIELDS = frozenset(f.name for f in fields(JobOutcome))


def output_files(out_dir: Path) -> list[Path]:
    """The files a batch writes straight into ``out_dir`` (checked against the inputs before it starts)."""
    names = (MANIFEST, f"steps{steps_suffix()}", "sessions.csv", "errors.csv", NOTES)
    return [out_dir / name for name in names]


#: The tables a batch writes into ``OUT`` (:mod:`retrogait.own_outputs`), each with how many of its first columns tell
#: it to be the batch's beside the folder's manifest (BATCH-52): an empty table is a batch's too.
_TABLES = {
    "sessions.csv": (table("batch", "sessions.csv"), 1),
    "errors.csv": (table("batch", "errors.csv"), 2),
    NOTES: (table("batch", NOTES), 3),
    "steps.csv": (table("batch", "steps.csv"), 1),
}


def written_by_a_batch(path: Path) -> bool:
    """True when ``path``, a file in an output folder under a name a batch writes, is one an earlier batch wrote: the
    folder holds its manifest and the file starts as a batch writes it (a table's header, Parquet's magic bytes, the
    settings files' mark). A user's own ``notes.csv`` or ``sessions.csv`` in a folder given as ``--out`` was
    replaced without a word, and a user's ``settings_*.toml`` there removed (BATCH-52)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(512).removeprefix(b"\xef\xbb\xbf")  # a table re-saved by a spreadsheet: its header after
    except OSError:
        return False  # a folder, or unreadable: writing it fails later with its own line
    if path.name.startswith("settings_") and path.suffix == ".toml":
        return head.startswith(SETTINGS_MARK.encode())
    if not (path.parent / MANIFEST).is_file():
        return False
    if path.suffix == ".parquet":
        return head.startswith(PARQUET_MAGIC)
    if head.split(b"\n", 1)[0].rstrip(b"\r") == b"":
        return True
    known, leading = _TABLES.get(path.name, (None, 0))
    return known is not None and starts_as(head, known, leading)


#: A session's step file in ``OUT/sessions/``: the first 24 hex digits of its job key (``worker.analyze_one``), and
#: its temporary name while written.
_STEP_FILE = re.compile(r"[0-9a-f]{24}\.(parquet|csv)(\.partial)?")
#: The title of a cohort comparison's report.html (``cohort.COHORT_TITLE``): how a comparison folder in ``OUT/cohort/``
#: is told to be a batch's (BATCH-56).
COHORT_TITLE = REPORT_TITLES["batch"]
#: The comparison's own files in a group's folder beside its figures (``*.png``).
_COMPARISON_FILES = ("compare.csv", "compare.json", "report.html")
#: Where the comparison of each placement and sensor goes: ``OUT/cohort/<placement>_<sensor>/``.
COHORT_DIR = "cohort"


def manifest_is_a_batchs(path: Path) -> bool:
    """True when ``path`` (an output folder's ``manifest.jsonl``) is one a batch keeps: empty, or its first line a
    job's record (a JSON object with ``key``, ``path`` and ``ok``, as :meth:`BatchStore.record` writes it), or a first
    record cut short by a crash (it starts ``{"key": "``, or is the start of that; zero bytes before it are a power
    cut's, REVIEW-99). A user's own ``manifest.jsonl`` (a data set's list of
    files) was appended to and read as a batch's (BATCH-56). Raises OSError when it cannot be read."""
    with open(path, "rb") as fh:
        return manifest_line(fh.readline(1 << 20))


def _foreign_lock(path: Path) -> Path | None:
    """``path`` (``OUT/.batch.lock``) unless it holds what a batch writes there (nothing, or a process id)."""
    with open(path, "rb") as fh:
        text = fh.read(64).strip()
    return None if not text or text.isdigit() else path


def _foreign_sessions(path: Path) -> Path | None:
    """The first entry of ``path`` (``OUT/sessions``) that is not a step file a batch names (:data:`_STEP_FILE`), or
    ``path`` itself when it is not a folder; None when all are a batch's. A user's own ``sessions/`` folder got step
    files mixed in among the user's files (BATCH-56)."""
    if not path.is_dir():
        return path
    return next((path / n for n in os.listdir(path) if not _STEP_FILE.fullmatch(n) and not _system(n)), None)


def _system(name: str) -> bool:
    """True for a file a file manager or file system leaves in any folder it shows (``.DS_Store``, ``._*``, ``.nfs*``,
    ``Thumbs.db``, ``desktop.ini``): hidden names, which a batch never writes over."""
    return name.startswith(".") or name in ("Thumbs.db", "desktop.ini")


def _foreign_cohort(path: Path) -> Path | None:
    """The first comparison in ``path`` (``OUT/cohort``: a sub-folder holding a file the comparison writes,
    compare.csv, compare.json, report.html or a figure) that no batch wrote (its report.html is not titled
    :data:`COHORT_TITLE`; one without report.html, written last, is the batch's when it is a group of the folder's
    sessions.csv, REVIEW-98), or ``path`` itself when it is not a folder; None when all are a batch's. A user's own
    ``retrogait compare`` output there was replaced, or removed as an earlier comparison (EDGE-98) (BATCH-56)."""
    if not path.is_dir():
        return path
    groups: frozenset[str] | None = None  # the batch's groups, read once and only where a report is missing
    for group in sorted(path.iterdir()):
        # the comparison's files (compare.output.OUTPUT_FILES: not imported, it imports pandas and matplotlib)
        if not group.is_dir() or not any(
            name in _COMPARISON_FILES or name.endswith(".png") for name in os.listdir(group)
        ):
            continue  # a file or folder no comparison is written over: left as it is
        report = group / "report.html"
        if not report.is_file():
            # written last: a batch killed while comparing left the group without it (REVIEW-98)
            groups = _cohort_groups(path.parent) if groups is None else groups
            if group.name in groups:
                continue
            return group
        with open(report, "rb") as fh:
            if not report_titled(fh.read(4096), "batch"):
                return group
    return None


def cohort_group(placement: object, sensor: object) -> str:
    """The name of the folder in ``OUT/cohort/`` of a placement's and sensor's comparison."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{placement}_{sensor}").strip("_")


def _cohort_groups(out_dir: Path) -> frozenset[str]:
    """The names of the comparison folders (``cohort.cohort_comparisons``: ``<placement>_<sensor>``) of the sessions in
    ``out_dir``'s sessions.csv, when a batch wrote it (:func:`written_by_a_batch`); none otherwise. The tables are
    written before the comparisons, so a batch killed while comparing left its groups there (REVIEW-98)."""
    import csv

    sessions = out_dir / "sessions.csv"
    if not sessions.is_file() or not written_by_a_batch(sessions):
        return frozenset()
    names = set()
    # a table no longer as a batch wrote it (csv.Error): its groups are not known
    with open(sessions, encoding="utf-8", errors="replace", newline="") as fh, suppress(csv.Error):
        for row in csv.DictReader(fh):
            placement, sensor = (row.get(k) or "unknown" for k in ("placement", "sensor"))
            names.add(cohort_group(placement, sensor))
    return frozenset(names)


def refuse_replacing_foreign(out_dir: Path, *, compare: bool = True) -> None:
    """Raise :class:`RetrogaitError` (one line naming the file) when ``out_dir`` holds a file under a name a batch
    writes (its tables, a placement's settings file) that no batch wrote there (:func:`written_by_a_batch`): it would
    be replaced. Nothing is written before this check (BATCH-52). The same for what a batch keeps or writes beside
    them (BATCH-56): a ``manifest.jsonl`` that is not a batch's (it would be appended to and read as one), a
    ``sessions/`` holding other files, a ``cohort/`` comparison not a batch's (with ``compare``), a ``.batch.lock``
    holding something else than a process id."""
    from retrogait.conventions import PLACEMENTS

    if not out_dir.is_dir():
        return
    kept: list[tuple[str, str, str, Callable[[Path], Path | None]]] = [
        (
            MANIFEST,
            "keeps its manifest.jsonl",
            "it would be appended to and read as a batch's",
            lambda path: None if manifest_is_a_batchs(path) else path,
        ),
        (LOCK, "holds its lock", "it would be emptied", _foreign_lock),
        (RESULTS_DIR, "writes each session's step file", "they would be mixed with what is there", _foreign_sessions),
    ]
    if compare:
        kept.append(
            (COHORT_DIR, "writes its cohort comparisons", "what is there would be replaced or removed", _foreign_cohort)
        )
    for name, doing, consequence, foreign_in in kept:  # the manifest first: the tables below are told by it
        path = out_dir / name
        if not os.path.lexists(path):
            continue
        remedy = (
            "move it, give another --out or --no-compare" if name == COHORT_DIR else "move it or give another --out"
        )
        try:
            foreign = foreign_in(path)
        except OSError as error:
            raise RetrogaitError(
                f"{error.filename or path}: cannot be read ({error.strerror or error}), so whether a batch wrote it "
                f"cannot be told; `retrogait batch` {doing} in {path}: {remedy} (nothing was written)"
            ) from None
        if foreign is not None:
            raise RetrogaitError(
                f"{foreign}: not written by a batch, where `retrogait batch` {doing}"
                + (f" ({path})" if foreign != path else "")
                + f": {consequence}; "
                f"{remedy} (nothing was written)"
            )
    settings = [f"settings_{p}.toml" for p in PLACEMENTS] + [f"settings_other_declared_{p}.toml" for p in PLACEMENTS]
    # the steps file in this run's format only: with pyarrow a user's steps.csv is not touched (REVIEW-87)
    names = [*(p.name for p in output_files(out_dir)[1:]), *settings]
    for name in dict.fromkeys(names):
        path = out_dir / name
        if not path.is_file():
            continue
        try:
            with open(path, "rb") as fh:
                fh.read(1)
        except OSError as error:  # not "not written by a batch": that cannot be told
            raise RetrogaitError(
                f"{path}: cannot be read ({error.strerror or error}), so whether a batch wrote it cannot be told; "
                f"`retrogait batch` writes its {name} there: move it or give another --out (nothing was written)"
            ) from None
        if not written_by_a_batch(path):
            raise RetrogaitError(
                f"{path}: a file not written by a batch is where `retrogait batch` writes its {name}: it would be "
                "replaced; move it or give another --out (nothing was written)"
            )


class BatchStore:
    """Reads and writes one batch output folder."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.results_dir = out_dir / RESULTS_DIR
        self.results_dir.mkdir(parents=True, exist_ok=True)
        self.manifest_path = out_dir / MANIFEST

    @contextmanager
    def only_writer(self) -> Iterator[None]:
        """Hold the folder's lock (:data:`LOCK`, an advisory ``flock`` the system releases when the process ends,
        also on ``kill -9``) while the block runs; raise :class:`RetrogaitError` when another batch holds it.

        Two batches writing one folder at once (a nightly job still running when the next starts, a second
        terminal) wrote one ``steps.parquet.partial``: the one that finished second failed with "steps.parquet:
        No such file or directory", and the tables could mix the two runs (EDGE-97). Where ``fcntl`` is missing
        (Windows) nothing is locked."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            yield
            return
        path = self.out_dir / LOCK
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise naming_the_output(exc, path, path) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                by = f" (process {holder})" if holder.isdigit() else ""
                raise RetrogaitError(
                    f"{self.out_dir}: another `retrogait batch` is writing into this folder now{by}; wait for it to "
                    "end, or give another --out"
                ) from None
            except OSError:  # a file system without locks (some NFS or CIFS mounts): the batch runs unlocked (review)
                pass
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            yield
        finally:
            os.close(fd)  # releases the lock

    def finished(self) -> dict[str, JobOutcome]:
        """Successful jobs already in the manifest whose step file still exists in this run's format, by key."""
        done: dict[str, JobOutcome] = {}
        if not self.manifest_path.exists():
            return done
        # a step file in the other format (written with pyarrow missing, read now with it, or the other way round)
        # cannot be appended to this run's steps table: that session is analysed again (REVIEW-86)
        suffix = steps_suffix()
        with open(self.manifest_path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    record = json.loads(line)
                    # a field this retrogait does not know is left out: a newer one's record is still read, its
                    # analysis version told (BATCH-57), not the line skipped as cut short
                    outcome = JobOutcome(**{k: v for k, v in record.items() if k in _OUTCOME_FIELDS})
                except (json.JSONDecodeError, TypeError, AttributeError):
                    continue  # a line cut short by a crash: that job simply runs again
                # the step file is looked for in this output folder by its name: the path recorded is as the
                # batch that wrote it was given --out (relative to its working directory), so a re-run from
                # elsewhere, or of a moved folder, found none and analysed everything again (USER-8)
                steps_file = self.results_dir / Path(outcome.steps_file).name if outcome.steps_file else None
                if outcome.ok and steps_file is not None and steps_file.suffix == suffix and steps_file.is_file():
                    done[outcome.key] = replace(outcome, steps_file=str(steps_file))
                else:
                    done.pop(outcome.key, None)
        return done

    def record(self, outcome: JobOutcome) -> None:
        """Append one finished job to the manifest (flushed at once: a crash loses no finished job)."""
        record = asdict(outcome)
        del record["disk_full"]  # a session whose result found the disk full is never recorded (EDGE-292)
        if record["earlier_version"] is None:  # written only where it says something: the retrogait before BATCH-57
            del record["earlier_version"]  # skips a record with a field it does not know (REVIEW-101)
        try:
            with open(self.manifest_path, "a", encoding="utf-8") as fh:
                fh.write(dumps(record, default=_json_default) + "\n")  # NaN as null (EDGE-90)
        except OSError as exc:  # a full disk names the manifest, not nothing (EDGE-21)
            raise naming_the_output(exc, self.manifest_path, self.manifest_path) from None

    def combined(self) -> CombinedTables:
        """A writer of the combined steps, sessions and errors tables of this folder."""
        return CombinedTables(self.out_dir)


def _named(table: Any, summary: dict[str, Any]) -> Any:
    """An Arrow steps table whose ``session`` and ``subject`` columns say the summary's: the input as this run is given
    it, where the session was analysed under another name and is skipped as unchanged (BATCH-51), and the subject
    of the folder it was moved to (REVIEW-89); the table itself otherwise."""
    for name in ("session", "subject"):
        value = summary.get(name)
        index = table.schema.get_field_index(name)
        if value is None or index < 0 or table.num_rows == 0 or table.column(index)[0].as_py() == value:
            continue
        import pyarrow as pa

        column = pa.array([value] * table.num_rows, type=pa.string()).cast(table.schema.field(index).type)
        table = table.set_column(index, table.schema.field(index), column)
    return table


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()  # numpy scalars
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class CombinedTables:
    """Streams finished jobs, in input order, into ``steps``, ``sessions.csv``, ``errors.csv`` and ``notes.csv``.

    Steps are appended one session at a time (pyarrow's ParquetWriter, or CSV appends) while the other
    jobs still run, so the combined table costs no time at the end and never holds more than one
    session in memory. Files are written under a temporary name and renamed by :meth:`close`. pandas is
    not needed with pyarrow (BATCH-17): Arrow tables are appended as they are, the small tables are
    written from their rows.
    """

    def __init__(self, out_dir: Path) -> None:
        self.steps_path = out_dir / f"steps{steps_suffix()}"
        self.sessions_path = out_dir / "sessions.csv"
        self.errors_path = out_dir / "errors.csv"
        self.notes_path = out_dir / NOTES
        self._tmp = self.steps_path.with_name(self.steps_path.name + ".partial")
        discard_on_interrupt(self._tmp)  # written over the whole batch: Ctrl-C removes it (EDGE-81)
        self._parquet: Any = None  # pyarrow.parquet.ParquetWriter, opened with the first table
        self._schema: Any = None  # its pyarrow schema
        self._csv_header = True
        self.summaries: list[dict[str, Any]] = []
        self.failures: list[dict[str, str | None]] = []
        self.notes: list[dict[str, str]] = []

    def add(self, outcome: JobOutcome) -> None:
        """Append one job's results (call in input order)."""
        if not outcome.ok or not outcome.steps_file:
            self.failures.append({"file": outcome.path, "reason": outcome.error})
            return
        self.summaries.append(outcome.summary)
        for kind, text in outcome.notes or ():
            self.note(outcome.summary["session"], kind, text)
        if self.steps_path.suffix == ".parquet":
            import pyarrow.parquet as pq

            # Arrow to Arrow: a session's table is appended without a round trip through pandas;
            # ParquetFile, not read_table, whose dataset layer would import pandas (BATCH-17)
            table = pq.ParquetFile(outcome.steps_file).read().replace_schema_metadata(None)
            table = _named(table, outcome.summary)
            with self._steps_written():
                if self._parquet is None:
                    self._schema = table.schema
                    self._parquet = pq.ParquetWriter(self._tmp, self._schema)
                self._parquet.write_table(table if table.schema == self._schema else table.cast(self._schema))
        else:
            frame = read_table(Path(outcome.steps_file))
            for name in ("session", "subject"):  # as this run is given it (BATCH-51, REVIEW-89)
                if name in frame.columns and outcome.summary.get(name) is not None:
                    frame[name] = outcome.summary[name]
            with (
                self._steps_written(),
                open(self._tmp, "w" if self._csv_header else "a", encoding="utf-8", newline="") as fh,
            ):
                safe_frame(frame).to_csv(fh, index=False, header=self._csv_header)
            self._csv_header = False

    def note(self, session: str, kind: str, text: str) -> None:
        """Add one row to ``notes.csv`` (call in input order)."""
        self.notes.append({"session": session, "kind": kind, "note": text})

    @property
    def n_noted(self) -> int:
        """How many sessions of ``sessions.csv`` have a row in ``notes.csv``."""
        return len({row["session"] for row in self.notes} & {str(s.get("session")) for s in self.summaries})

    @property
    def n_noted_other(self) -> int:
        """How many inputs that are not in ``sessions.csv`` (a copy of another, EDGE-31/84) have a row in
        ``notes.csv`` (EDGE-210)."""
        return len({row["session"] for row in self.notes} - {str(s.get("session")) for s in self.summaries})

    def close(self) -> Path:
        """Finish the steps file and write the sessions, errors and notes tables; returns where the steps table can be
        read now. Inside :func:`outfiles.one_set` they are renamed with the rest of its set (the cohort comparisons,
        BATCH-59), and until then the steps are read from their temporary name."""
        with self._steps_written():
            if self._parquet is not None:
                self._parquet.close()
            elif self.steps_path.suffix == ".parquet":  # nothing analysed: an empty table, as pandas writes one
                import pandas as pd

                pd.DataFrame().to_parquet(self._tmp, index=False)
            elif self._csv_header:
                self._tmp.write_text("", encoding="utf-8")
            if staging():
                with replacing(self.steps_path) as staged:  # synced beside the set's next files, renamed with them
                    os.replace(self._tmp, staged)
                readable = staged
            else:
                self._tmp.replace(self.steps_path)
                readable = self.steps_path
            keep(self._tmp)
        write_records(self.summaries, self.sessions_path)
        write_records(self.failures, self.errors_path, columns=["file", "reason"])
        write_records(self.notes, self.notes_path, columns=NOTES_COLUMNS)
        return readable

    def discard(self) -> None:
        """Remove the steps table's temporary file (closing its writer): the batch ends without its set, or after it
        (nothing is left to remove then). Errors doing so are not raised over the one that ended the batch."""
        if self._parquet is not None:
            with suppress(Exception):
                self._parquet.close()
            self._parquet = None
        discard(self._tmp)
        keep(self._tmp)

    @contextmanager
    def _steps_written(self) -> Iterator[None]:
        """A write of the combined steps that fails (a full disk) names the steps file, not nothing or its
        ``.partial``, and removes the ``.partial`` (EDGE-21); the batch ends with that one line."""
        try:
            yield
        except OSError as exc:
            self.discard()
            if exc.errno:  # pyarrow's words: "Error writing bytes to file. Detail: [errno 28] ..."
                exc.strerror = os.strerror(exc.errno)
            raise naming_the_output(exc, self._tmp, self.steps_path) from None
