"""Writing output files safely: never over (or into) an input, and atomically.

* :func:`refuse_writing_over_inputs` is called by every command before it writes: an output that is an
  input (the same file, also through a symbolic or hard link), or a file written straight into a folder
  given as input, is refused with one line naming both.
* :func:`replacing` writes through a temporary file in the target's folder and renames it over the
  target only when the writing has finished (``os.replace`` is atomic on one file system), so a crash,
  a full disk or Ctrl-C leaves the previous file or none, never a half-written one (Ctrl-C waits for
  the file: ``interrupt.uninterrupted``).
* :func:`one_set` writes several files as one set; from its first rename to its last removal a journal in their
  folder (:data:`JOURNAL`) names what is left to do, so a set stopped part way (an error in a rename, ``kill -9``, a
  power cut) is finished by the next set written there (:func:`finish_unfinished_set`) and refused by a reader
  meanwhile (:func:`refuse_unfinished_set`), never read as one run (EDGE-287).
* :func:`writable_text` makes a file name (or a message naming one) fit a UTF-8 table: a name in another
  system's encoding reaches Python with its bytes kept as surrogates, which no UTF-8 file can hold.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import socket
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path, PureWindowsPath
from typing import IO, Any

from retrogait.errors import RetrogaitError
from retrogait.interrupt import uninterrupted
from retrogait.own_outputs import (
    BOM,
    FIGURE_MARKS,
    JSON_KEYS,
    REPORT_FOOTER,
    json_of,
    report_titled,
    starts_as,
    table,
)

#: The errors of a write that found the disk (or the user's quota, or a file size limit) full (EDGE-292, EDGE-293).
DISK_FULL = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


def _same(a: Path, b: Path) -> bool:
    """True when both exist and are the same file or folder (links followed)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (or cannot be looked at): not the same existing file
        return False


def refuse_writing_over_inputs(
    outputs: Iterable[str | os.PathLike[str]], inputs: Iterable[str | os.PathLike[str]]
) -> None:
    """Raise :class:`RetrogaitError` when writing ``outputs`` (file paths) would touch an input.

    An output is refused when it is an input file, when its folder is an input folder (a recording
    export or an analysis folder gains or loses files it is read with) or when its folder is an input
    *file* (``--out run.csv`` for a command that writes a folder). Links are followed
    (:func:`os.path.samefile`), so a symbolic or hard link to an input counts as that input.
    """
    given = [Path(p) for p in inputs]
    for out in map(Path, outputs):
        for source in given:
            if _same(out, source):
                raise RetrogaitError(
                    f"{out}: is the input {source} (the same file); it would be overwritten, choose another output"
                )
            if _same(out.parent, source):
                if source.is_dir():
                    raise RetrogaitError(
                        f"{out}: would be written into the input folder {source}; choose an output folder elsewhere"
                    )
                raise RetrogaitError(f"{out.parent}: is the input file {source}, not a folder to write into")


#: The header line that marks a session file a command can make again, by command (EDGE-4).
_REMADE_MARK = {"convert": b"# import_format:", "simulate": b"# sensor: retrogait simulator"}


def _remade_session(path: Path, mark: bytes, source: str | None = None) -> bool:
    """True when ``path`` is a retrogait session file whose header has a line starting with ``mark`` (and,
    with ``source``, whose ``import_source`` is ``source``: the same export converted again)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
        if head.startswith(b"\x1f\x8b"):  # a session written compressed (EDGE-27)
            import gzip

            with gzip.open(path, "rb") as packed:
                head = packed.read(65536)
    except (OSError, EOFError):
        return False
    if not head.startswith(b"# retrogait-session:"):
        return False
    marked, same_source = False, source is None
    for line in head.splitlines():
        if not line.startswith(b"#"):
            break
        marked = marked or line.startswith(mark)
        if source is not None and line.startswith(b"# import_source:"):
            same_source = line.removeprefix(b"# import_source:").strip() == source.encode("utf-8", "surrogateescape")
    return marked and same_source


def refuse_replacing_a_recording(
    path: str | os.PathLike[str], *, remade_by: str | None = None, source: str | None = None
) -> None:
    """Raise :class:`RetrogaitError` when ``path``, the one file a command writes, is a folder or an existing
    file (EDGE-4): a recording is never overwritten. ``remade_by`` (``convert`` or ``simulate``): a session
    file that command wrote (synthetic, or converted from an export) may be written again; with ``source``
    (the ``import_source`` of what convert is about to write) only one converted from that same export,
    so converting another file onto it is refused (its export may be gone)."""
    target = Path(path)
    if target.is_dir():
        raise RetrogaitError(
            f"{target}: is a folder; give the name of the session file to write, e.g. {target / 'run.csv'}"
        )
    if not os.path.lexists(target) or (
        remade_by is not None and _remade_session(target, _REMADE_MARK[remade_by], source)
    ):
        return
    unlike = f" and is not a session file that {remade_by} wrote" if remade_by else ""
    if remade_by is not None and source is not None:
        unlike = f" and was converted from another export than {source}"
    raise RetrogaitError(
        f"{target}: exists{unlike}; it is not overwritten (it may be a recording): choose another name, "
        "or move it away first"
    )


#: The tables ``analyze`` and ``compare`` write into their output folder, by name: one is told to be theirs by its first
#: column's name, also as a spreadsheet saves it again (REVIEW-234).
_OUTPUT_TABLES = {
    name: table(command, name)
    for command, name in (("analyze", "steps.csv"), ("analyze", "bouts.csv"), ("compare", "compare.csv"))
}


def _an_output_of_ours(path: Path) -> bool:
    """True when ``path``, under the name of a file ``analyze`` or ``compare`` writes, is one they wrote (or empty,
    or not a file: writing it then fails with its own line): a steps or bouts table, summary.json, compare.csv or
    .json starting as they write them, a report whose end says retrogait made it, a figure Matplotlib drew
    (:mod:`retrogait.own_outputs` says how each looks)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(512).removeprefix(BOM)
            if path.suffix == ".html" and head:
                if not head.startswith(b"<!DOCTYPE html>"):
                    return False
                if report_titled(head):
                    return True
                fh.seek(max(0, os.fstat(fh.fileno()).st_size - 8192))
                return REPORT_FOOTER in fh.read()
    except IsADirectoryError:
        return True
    if not head:
        return True
    if path.suffix == ".png":
        return head.startswith(FIGURE_MARKS[0]) and FIGURE_MARKS[1] in head
    if path.name in JSON_KEYS:
        return json_of(head, path.name)
    known = _OUTPUT_TABLES.get(path.name)
    return known is not None and starts_as(head, known, leading=1)


#: How the ground-truth table ``retrogait simulate`` writes beside its session begins (``simulate.TRUTH_COLUMNS``), as
#: it writes it (a truth table a spreadsheet saved again is not told: REVIEW-234's "not changed").
_TRUTH_START = ",".join(table("simulate", "_truth.csv").columns).encode() + b","


def refuse_replacing_a_truth_table(path: str | os.PathLike[str]) -> None:
    """Raise :class:`RetrogaitError` when ``path``, the ``X_truth.csv`` simulate writes beside ``X.csv``, exists and is
    not a truth table simulate wrote (an empty file, or a folder, whose write fails with its own line, aside): a
    recording named ``run_truth.csv`` was replaced by ``simulate --out run.csv`` without a word (EDGE-268)."""
    target = Path(path)
    try:
        with open(target, "rb") as fh:
            head = fh.read(len(_TRUTH_START) + 3).removeprefix(BOM)
    except (FileNotFoundError, IsADirectoryError):
        return
    except OSError as error:
        head = f"({error.strerror})".encode()
    if head and not head.startswith(_TRUTH_START):
        raise RetrogaitError(
            f"{target}: exists and is not a ground-truth table that simulate wrote; it is not overwritten (it may be a "
            "recording): choose another --out, or move it away first"
        )


def refuse_replacing_files_of_others(outputs: Iterable[str | os.PathLike[str]], command: str) -> None:
    """Raise :class:`RetrogaitError` (one line naming the file) when one of ``outputs``, the files ``command``
    (``analyze`` or ``compare``) writes into its output folder, exists and is not one it wrote
    (:func:`_an_output_of_ours`): it would be replaced. ``analyze X --out .`` in a data set's folder replaced the
    data set's own ``steps.csv`` (its true step counts) without a word (EDGE-267)."""
    for out in map(Path, outputs):
        if not os.path.lexists(out):
            continue
        try:
            ours = _an_output_of_ours(out)
        except OSError as error:
            raise RetrogaitError(
                f"{out}: cannot be read ({error.strerror or error}), so whether retrogait wrote it cannot be told; "
                f"`retrogait {command}` writes its {out.name} there: move it or give another --out (nothing was "
                "written)"
            ) from None
        if not ours:
            raise RetrogaitError(
                f"{out}: a file not written by `retrogait {command}` is where it writes its {out.name}: it would be "
                "replaced; move it or give another --out (nothing was written)"
            )


#: What ``retrogait record`` writes beside a session file ``NAME.csv``, as ``NAME`` + suffix: the BLE log, the
#: reference channels, the unpaired samples and the live-feedback log. Recorded data too: a new recording of
#: the same name would replace (or, for unpaired samples, delete) them.
RECORDING_SIDE_SUFFIXES = (".ble.json", ".reference.csv", ".unpaired.csv", ".feedback.csv")


def recording_side_files(path: str | os.PathLike[str]) -> list[Path]:
    """The side files ``retrogait record`` writes beside the session file ``path`` (``run.csv`` -> ``run.ble.json``)."""
    target = Path(path)
    return [target.with_name(target.stem + suffix) for suffix in RECORDING_SIDE_SUFFIXES]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _Syncing(threading.Thread):
    """A staged file of a set (:func:`one_set`) synced to disk on a thread of its own while the set's next files are
    written (PERF-73): an ``fsync`` waits for the disk without the GIL, and a journaling file system commits the
    set's files together; the set renames nothing before every file is synced (:meth:`synced`)."""

    def __init__(self, tmp: Path, target: Path) -> None:
        super().__init__(name="retrogait-fsync", daemon=True)
        self.tmp, self.target = tmp, target
        self.error: OSError | None = None
        self.start()

    def run(self) -> None:
        try:
            _fsync(self.tmp)
        except OSError as exc:  # raised by synced(), naming the output
            self.error = exc

    def synced(self) -> None:
        """Wait for the sync; its error raised naming the output (:func:`naming_the_output`)."""
        self.join()
        if self.error is not None:
            raise naming_the_output(self.error, self.tmp, self.target) from None


#: A temporary file of a set left by a writer that died before its set's journal (``kill -9``, a power cut: EDGE-290)
#: is removed by a later set writing the same file in that folder once it is this old (s) and the process its name
#: carries runs no more: a live writer renames or removes its own within its run (EDGE-298).
LEFTOVER_AGE_S = 3600.0
#: The age (s) from which a temporary file named by an earlier release (``.TARGET.RANDOM.partial``: no process id, so
#: whether its writer runs cannot be told) is removed: a week, far beyond any set's staging (EDGE-302, REVIEW-292: an
#: earlier release's live writer with an hour-old staged set kept its files).
UNTAGGED_LEFTOVER_AGE_S = 7 * 86400.0
#: What follows ``.TARGET.`` in the name of a temporary file :func:`replacing` makes (:func:`temporary_name`): the
#: writer's process id and machine (from EDGE-298 and REVIEW-290; none before) and 8 random hex digits.
_TEMPORARY_TAIL = re.compile(r"(?:(?P<pid>[0-9]{1,10})-(?P<host>[0-9a-f]{6})\.)?[0-9a-f]{8}\.partial")


def _host_tag() -> str:
    """6 hex digits of this machine's name: a process id is told running or not only on the machine it runs on
    (REVIEW-290: a writer on another machine sharing the folder)."""
    return hashlib.sha256(socket.gethostname().encode("utf-8", "surrogateescape")).hexdigest()[:6]


def temporary_name(name: str) -> str:
    """The hidden temporary name of a file ``name`` being written: ``.NAME.PID-HOST.RANDOM.partial`` (the writer's
    process id and a tag of its machine's name, so that a later set on the same machine can tell a dead writer's
    left-over file from a live one's, EDGE-298, REVIEW-290)."""
    return f".{name}.{os.getpid()}-{_host_tag()}.{secrets.token_hex(4)}.partial"


def _running(pid: int) -> bool:
    """Whether a process ``pid`` may be running on this machine (True where it cannot be told: Windows, whose signal
    0 is a Ctrl-C; another user's process; this process)."""
    if os.name == "nt" or pid <= 0 or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):
        return True
    return True


def _leftover(name: str, targets: set[str]) -> tuple[str, str] | None:
    """For a file ``name`` of a folder whose files ``targets`` a set writes: None when it is not one of their
    temporary files (``.TARGET.[PID-HOST.]RANDOM.partial``), else the process id and machine tag its name carries
    (both "" where none)."""
    if not name.startswith(".") or not name.endswith(".partial"):
        return None
    for target in targets:
        head = f".{target}."
        if name.startswith(head) and (tail := _TEMPORARY_TAIL.fullmatch(name, len(head))) is not None:
            return tail["pid"] or "", tail["host"] or ""
    return None


def remove_leftovers(targets: dict[Path, set[str]], now_s: float) -> list[Path]:
    """Remove the temporary files that writers of ``targets`` (file names by folder) left behind when they died before
    their set's journal (EDGE-290): in each folder, a regular file named ``.TARGET.[PID-HOST.]RANDOM.partial`` for one
    of its targets, last changed :data:`LEFTOVER_AGE_S` or more before ``now_s`` (s since 1970) and whose process id
    runs no more on this machine (one its name says is another machine's stays: REVIEW-290), or, named by an earlier
    release without a process id, last changed :data:`UNTAGGED_LEFTOVER_AGE_S` or more before (EDGE-302).
    Never a folder's where a set journal is left (a set's renames in progress or stopped: its files are the
    journal's), never another name: a user's files and every file of a live writer stay.
    Errors are not raised (a clean-up). Returns the files removed (EDGE-298)."""
    removed: list[Path] = []
    for folder, names in targets.items():
        if any(os.path.lexists(above / JOURNAL) for above in (folder, *folder.parents)[: _JOURNAL_LEVELS + 1]):
            continue
        with suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                tagged = _leftover(entry.name, names)
                if tagged is None or not entry.is_file(follow_symlinks=False):
                    continue
                pid, host = tagged
                if host and host != _host_tag():  # another machine's writer: whether it runs cannot be told here
                    continue
                with suppress(OSError):
                    age_s = now_s - entry.stat(follow_symlinks=False).st_mtime
                    if age_s < (LEFTOVER_AGE_S if pid else UNTAGGED_LEFTOVER_AGE_S):
                        continue
                    if pid and _running(int(pid)):
                        continue
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _set_targets(staged: Sequence[_Syncing], stale: Sequence[Path], journal: Path | None) -> dict[Path, set[str]]:
    """The file names a set wrote (or removed as the earlier set's) by folder, its journal's with them."""
    targets: dict[Path, set[str]] = {}
    for path in [f.target for f in staged] + [p for p in stale if not p.is_dir()]:
        targets.setdefault(Path(os.path.abspath(path.parent)), set()).add(path.name)
    if journal is not None:
        targets.setdefault(Path(os.path.abspath(journal.parent)), set()).add(JOURNAL)
    return targets


@contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends without error, move it onto ``path``.

    The temporary file is hidden (``.NAME.<pid>-<host>.<random>.partial``, :func:`temporary_name`), created with the
    usual permissions, synced to disk before the rename, and removed when the block raises. The folder is created if
    needed. One a killed writer left is removed by a later set (:func:`remove_leftovers`, EDGE-298).
    """
    target = Path(path)
    staged = _set.get()
    made = _made.get()
    if made is not None:  # in a set: the folders made for it go again if it fails (REVIEW-240)
        made.extend(folder for folder in (target.parent, *target.parent.parents) if not folder.exists())
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(temporary_name(target.name))
    with uninterrupted():  # Ctrl-C waits for the rename or the clean-up (EDGE-1)
        done = False
        try:
            yield tmp
            if staged is None:
                _fsync(tmp)
                os.replace(tmp, target)
            else:  # synced beside the set's next files, renamed with the rest of its set (one_set)
                staged.append(_Syncing(tmp, target))
            done = True
        except OSError as exc:
            raise naming_the_output(exc, tmp, target) from None
        finally:
            if staged is None or not done:
                discard(tmp)


#: The files of the set being written (:func:`one_set`), each syncing to disk, renamed at its end.
_set: ContextVar[list[_Syncing] | None] = ContextVar("retrogait_output_set", default=None)
#: The folders :func:`replacing` made for the set being written, removed (when empty) if the set fails: a batch's
#: comparison of a group the earlier run had none of left its folder empty in ``cohort/`` (REVIEW-240).
_made: ContextVar[list[Path] | None] = ContextVar("retrogait_output_set_folders", default=None)


#: The journal of a set being renamed into place (:func:`one_set`), in the folder holding all its files: written (and
#: synced) once every file of the set is on disk under its temporary name, removed once the last is renamed and the
#: earlier set's files are gone (EDGE-287).
JOURNAL = ".retrogait-set.journal"
#: How many folders above a set's the journal of an earlier one is looked for: a batch's set spans ``cohort/GROUP/``.
_JOURNAL_LEVELS = 2


def _sync_folder(folder: Path) -> None:
    """Sync a folder's entries (a rename in it) to disk; where a folder cannot be opened (not POSIX) nothing."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_journal(staged: Sequence[_Syncing], stale: Sequence[Path]) -> tuple[Path, list[Path]]:
    """Write the journal of a set whose files are all synced under their temporary names: the renames left to do and
    the earlier set's files to remove, relative to the folder holding them all. Returns its path, and the files that
    finishing an earlier set stopped part way here put where there was none, in this set's folder, and that this set
    does not write: they are the earlier run's, and go with its other files (``stale`` was made before they were
    there, REVIEW-262)."""
    root = Path(os.path.commonpath([os.path.abspath(p.parent) for p in [f.target for f in staged] + list(stale)]))
    ours = {os.path.abspath(f.target) for f in staged} | {os.path.abspath(p) for p in stale}
    brought: list[Path] = []
    for above in (root, *root.parents)[: _JOURNAL_LEVELS + 1]:  # an earlier set stopped part way here: finished first
        for target in _finish(above) or ():
            whole = os.path.abspath(target)
            if whole not in ours and os.path.commonpath([root, whole]) == str(root):
                ours.add(whole)
                brought.append(Path(whole))
    stale = [*stale, *brought]
    entries = {
        "renames": [[os.path.relpath(f.tmp, root), os.path.relpath(f.target, root)] for f in staged],
        "stale": [os.path.relpath(p, root) for p in stale],
    }
    journal = root / JOURNAL
    tmp = root / temporary_name(JOURNAL)
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(entries, fh)  # a name that is not UTF-8 kept as its escaped surrogates (ensure_ascii)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, journal)
    except OSError as exc:
        discard(tmp)
        raise naming_the_output(exc, tmp, journal) from None
    _sync_folder(root)
    return journal, brought


def _journal_entries(folder: Path) -> dict[str, Any] | None:
    """The journal in ``folder`` (its entries), None when there is none; an unreadable one raises
    :class:`RetrogaitError` naming it."""
    journal = folder / JOURNAL
    try:
        text = journal.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise RetrogaitError(f"{journal}: cannot be read ({exc.strerror or exc})") from None
    try:
        entries = json.loads(text)
        if not isinstance(entries, dict) or set(entries) != {"renames", "stale"}:
            raise ValueError
        renames, stale = entries["renames"], entries["stale"]
        if not isinstance(renames, list) or not isinstance(stale, list):
            raise ValueError
        for pair in renames:  # a set's temporary file (`.NAME.[PID.]<hex>.partial`) onto a file of the folder
            if not (isinstance(pair, list) and len(pair) == 2 and all(_inside(name) for name in pair)):
                raise ValueError
            if not re.fullmatch(r"\..+\.[0-9a-f]{8}\.partial", Path(pair[0]).name, re.DOTALL):
                raise ValueError
        if not all(_inside(name) for name in stale):
            raise ValueError
        return entries
    except ValueError:  # not written by one_set (it is written whole, then renamed): damaged, crafted, another version
        raise RetrogaitError(
            f"{journal}: is not the journal of a set of outputs retrogait writes; move it away to write or read here"
        ) from None


def _inside(name: object) -> bool:
    """A journal's file name is relative to its folder and stays in it: never absolute, never through ``..`` (a
    journal is a file in a user's folder: it may make retrogait rename or remove nothing elsewhere, REVIEW-260)."""
    if not isinstance(name, str) or not name or "\0" in name:
        return False
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and not PureWindowsPath(name).drive and ".." not in parts


def finish_unfinished_set(folder: str | os.PathLike[str]) -> bool:
    """Finish the set of outputs whose renames were stopped part way in ``folder`` (its :data:`JOURNAL`): every file
    still under its temporary name renamed onto its target, the earlier set's files removed, the journal last. All
    the set's files were on disk before its journal was written, so the set is finished as it was meant to be.
    Returns True when there was one (EDGE-287)."""
    return _finish(Path(folder)) is not None


def _finish(root: Path) -> list[Path] | None:
    """:func:`finish_unfinished_set`: the files it put where there was none (None when there was no journal)."""
    entries = _journal_entries(root)
    if entries is None:
        return None
    created: list[Path] = []
    with uninterrupted():
        for tmp_name, target_name in entries["renames"]:
            tmp, target = root / str(tmp_name), root / str(target_name)
            if os.path.lexists(tmp):  # else renamed before the set stopped
                if not os.path.lexists(target):
                    created.append(target)
                try:
                    os.replace(tmp, target)
                except OSError as exc:
                    raise naming_the_output(exc, tmp, target) from None
        for name in entries["stale"]:
            old = root / str(name)
            if old.is_dir():
                with suppress(OSError):  # not empty: it holds a file of someone else's, and stays
                    old.rmdir()
            else:
                old.unlink(missing_ok=True)
        _sync_folder(root)
        (root / JOURNAL).unlink(missing_ok=True)
    return created


def refuse_unfinished_set(path: str | os.PathLike[str], levels: int = _JOURNAL_LEVELS) -> None:
    """Raise :class:`RetrogaitError` when ``path`` (an output folder, or a file in one) lies in a folder whose set of
    outputs was stopped part way while it was renamed into place (a :data:`JOURNAL` there or up to ``levels`` folders
    above, as a batch's ``cohort/GROUP/``) and that set has a file in that folder or below it: its files are of two
    runs (EDGE-287). A folder below a stopped set that holds none of its files (an analysis in ``runs/a1`` beside one
    stopped in ``runs``) is read (REVIEW-263); a journal that is not one_set's is refused as such."""
    p = Path(path)
    folder = Path(os.path.abspath(p if p.is_dir() else p.parent))  # "." too has folders above it
    for above in (folder, *folder.parents)[: levels + 1]:
        entries = _journal_entries(above)
        if entries is None:
            continue
        names = [target for _, target in entries["renames"]] + list(entries["stale"])
        inside = os.path.relpath(folder, above)
        if inside == "." or any(Path(name).parts[: len(Path(inside).parts)] == Path(inside).parts for name in names):
            raise RetrogaitError(
                f"{p}: the writing of {above}'s outputs stopped part way ({above / JOURNAL} is left): some files are "
                "of the earlier run and some of the new one; write into that folder again (the set is finished "
                "first) before reading it"
            )


@contextmanager
def one_set(stale: Sequence[Path] = ()) -> Iterator[None]:
    """The files written in the block (through :func:`replacing`) are one set: each goes to its temporary
    file, and only when all are written are they renamed onto their targets. Ctrl-C waits for the block
    (EDGE-1); a failure (a full disk) leaves every earlier file of the set as it was, none replaced (EDGE-10).
    ``stale``: files of an earlier set that this one does not write (a report left by a run with one),
    removed once the new set is in place, so that the folder never mixes two runs (EDGE-23); a list may grow in the
    block (a batch learns which comparisons it no longer writes as it compares), and a folder in it is removed when it
    is empty by then (BATCH-59). A folder made for the set's files is removed again when the set fails and it is
    empty (REVIEW-240). From the first rename to the last removal a journal beside the files says what is left to do:
    a set stopped there (an error, ``kill -9``) keeps its files and the journal, finished by the next set written
    there and refused by readers meanwhile (EDGE-287)."""
    staged: list[_Syncing] = []
    made: list[Path] = []
    whole = False
    journal: Path | None = None
    with uninterrupted():  # the clean-up too: a Ctrl-C held back exits when this block ends
        token, made_token = _set.set(staged), _made.set(made)
        try:
            yield
            for file in staged:  # every file on disk before any is renamed
                file.synced()
            if staged:  # from here the set is finished whatever stops it: by this block, or the next set here
                journal, brought = _write_journal(staged, stale)
                stale = [*stale, *brought]
            for file in staged:
                try:
                    os.replace(file.tmp, file.target)
                except OSError as exc:
                    raise naming_the_output(exc, file.tmp, file.target) from None
            whole = True
            for old in stale:
                if old.is_dir():
                    with suppress(OSError):  # not empty: it holds a file of someone else's, and stays
                        old.rmdir()
                else:
                    old.unlink(missing_ok=True)
            if journal is not None:
                journal.unlink()
            remove_leftovers(_set_targets(staged, stale, journal), time.time())  # a dead writer's (EDGE-298)
        finally:
            _set.reset(token)
            _made.reset(made_token)
            try:
                for file in staged:
                    file.join()
            finally:  # a KeyboardInterrupt in a wait (main([...]) from Python) still removes them all (REVIEW-106)
                for file in staged if journal is None else ():  # the journal's are kept to finish the set with
                    discard(file.tmp)
                if not whole and journal is None:  # the deepest first; one holding a file stays
                    for folder in sorted(set(made), key=lambda f: len(f.parts), reverse=True):
                        with suppress(OSError):
                            folder.rmdir()


def staging() -> bool:
    """True inside :func:`one_set`: a file written through :func:`replacing` is on disk under its temporary name until
    the set ends, its target still the earlier file (or none)."""
    return _set.get() is not None


def discard(tmp: Path) -> None:
    """Remove the temporary file ``tmp`` if it is there. An error doing so is not raised: it would replace the error
    that made the write fail (on a read-only file system removing a file that was never made fails too, ``EROFS``,
    so "OUT/.steps.csv.1a2b3c4d.partial: Read-only file system" named a file the user never heard of, EDGE-99)."""
    with suppress(OSError):
        tmp.unlink(missing_ok=True)


def naming_the_output(exc: OSError, tmp: Path, target: Path) -> OSError:
    """``exc`` naming ``target``, the file the user asked for, where it named the temporary file or nothing
    (a full disk fails a write, which names no file: "No space left on device" alone; EDGE-10)."""
    if exc.errno is not None and (exc.filename is None or os.fspath(exc.filename) == os.fspath(tmp)):
        exc.filename = os.fspath(target)
        exc.filename2 = None
    return exc


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`replacing`; a file name in it that is not UTF-8 is written
    as :func:`writable_text` spells it); returns the path."""
    with replacing(path) as tmp:
        tmp.write_text(writable_text(text), encoding="utf-8")
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write bytes atomically (see :func:`replacing`); returns the path."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def writable_text(text: str) -> str:
    """``text`` with the bytes of a name that is not UTF-8 written as ``\\xNN`` (``café`` in Latin-1 becomes
    ``caf\\xe9``), so a table can hold it; other text is returned unchanged."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def restore_if_removed(fh: IO[str], path: Path) -> Path | None:
    """Write the open file ``fh`` (opened for reading too, ``w+``) back to ``path`` when ``path`` no longer
    names it: its folder (or it) was removed while it was being written, so its bytes live only in the open
    file and would be lost with its close (USER-4). When another file has taken the name meanwhile, the
    bytes go beside it to ``NAME.restored.SUFFIX`` (that file is not written over). Returns where they were
    written, None when ``path`` is still the open file (or nothing could be checked)."""
    fh.flush()
    fd = fh.fileno()
    mine = os.fstat(fd)
    try:
        there = os.stat(path)
    except FileNotFoundError:
        target = path
    except OSError:
        return None
    else:
        if (there.st_dev, there.st_ino) == (mine.st_dev, mine.st_ino):
            return None
        target = path.with_name(f"{path.stem}.restored{path.suffix}")
    fh.seek(0)  # read back through the file itself (the writers here write UTF-8)
    with replacing(target) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as out:
        while chunk := fh.read(1 << 20):
            out.write(chunk)
    return target
