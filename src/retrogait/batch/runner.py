"""Run many analyses: local worker processes by default, an existing Dask cluster on request.

Why a process pool and Dask rather than our own scheduler: ``concurrent.futures`` is the standard
library's pool and needs nothing installed; ``dask.distributed`` is what labs already run on their
clusters, and its futures API matches the pool's, so one loop drives both (docs/decisions.md).
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from retrogait.allocator import reuse_freed_memory
from retrogait.analysis.version import analysis_version
from retrogait.batch.fingerprint import Overrides, analysed_settings, declared_digest, effective_settings, job_key
from retrogait.batch.inputs import discover_inputs, export_companions
from retrogait.batch.pool import local_workers, start_local_pool
from retrogait.batch.store import SETTINGS_MARK, BatchStore, output_files, refuse_replacing_foreign, written_by_a_batch
from retrogait.batch.worker import JobOutcome, analyze_one, as_given
from retrogait.conventions import AXES, PLACEMENTS, SIDES
from retrogait.errors import RetrogaitError
from retrogait.gc_pause import resume
from retrogait.interrupt import finishing
from retrogait.outfiles import one_set, refuse_writing_over_inputs
from retrogait.recordings import file_digest
from retrogait.warm import import_beside

#: The cohort comparison (pandas, statistics, figures): imported beside the running batch (BATCH-17).
COHORT_MODULE = "retrogait.batch.cohort"

#: Jobs kept in flight per worker: enough to keep workers busy, few enough to keep memory flat.
IN_FLIGHT_PER_WORKER = 2

Task = tuple[str, str]  # (path, key)


@dataclass(frozen=True)
class BatchResult:
    """What a batch did and where its tables are."""

    n_inputs: int
    n_analysed: int
    n_skipped: int
    n_failed: int
    steps_path: Path
    sessions_path: Path
    errors_path: Path
    elapsed_s: float
    #: ``notes.csv``: what the analysis said of each session, and the inputs counted once with another (BATCH-48)
    notes_path: Path | None = None
    #: how many sessions of ``sessions.csv`` have a row there
    n_noted: int = 0
    cohort: tuple[str, ...] = ()
    #: (input, the earlier input with the same bytes) for each input counted once with another (EDGE-31)
    same_as: tuple[tuple[str, str], ...] = ()
    #: (input, the earlier input with the same samples in other bytes: a zip, a .gz, a converted copy) for each
    #: analysed but counted once with another (EDGE-84)
    same_samples_as: tuple[tuple[str, str], ...] = ()
    #: sessions read as ``other`` that a manifest written before BATCH-50 left to analyse again: it did not record
    #: the declared placement's settings their PHONE-17 decision ran on
    n_from_older_manifest: int = 0
    #: how many inputs not in ``sessions.csv`` (copies of another) have a row in ``notes.csv`` (EDGE-210)
    n_noted_other: int = 0
    #: the inputs of ``same_as`` whose earlier input failed: not counted once, not counted at all (EDGE-210)
    same_as_failed: tuple[str, ...] = ()
    #: (another analysis version, how many sessions whose results by it the manifest held were analysed again by this
    #: one), most first: results of another retrogait are made again, and said so (BATCH-57)
    analysed_again_from: tuple[tuple[str, int], ...] = ()


def run_batch(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    settings: Mapping[str, Any] | None = None,
    overrides: Overrides | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    compare: bool = True,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[JobOutcome, bool], None] | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> BatchResult:
    """Analyse every recording in ``inputs`` and write the combined tables to ``out_dir``.

    Args:
        inputs: files, folders (searched recursively) or glob patterns.
        out_dir: output folder (see :mod:`retrogait.batch.store` for its layout).
        settings: keyword arguments for :func:`retrogait.analyze` (placement, side, anterior_axis...).
        overrides: analysis settings ``{table: {key: value}}`` on top of each file's placement preset (a
            settings file's values, ``retrogait batch --settings``).
        jobs: local worker processes (default: all cores); ignored with ``scheduler``.
        scheduler: address of a running Dask scheduler (``tcp://host:8786``) to run on instead.
        force: analyse again even when input and settings are unchanged.
        compare: also write a cohort comparison of run directions per placement/sensor to ``OUT/cohort/``.
        on_start: called once with the number of inputs.
        on_done: called for every input as it is done, in completion order, with its outcome and whether
            it was skipped (unchanged, or the same bytes as an earlier input: then the earlier one's outcome).
        pool: local workers already started (``batch.pool.start_local_pool``, ``jobs`` of them); the batch
            uses and shuts them down. Ignored with ``scheduler``.

    Failures of single files never stop the batch; they land in ``errors.csv`` with one line each.
    """
    started = time.perf_counter()
    _check_settings(settings or {}, jobs, scheduler)
    overrides = _checked_overrides(overrides)
    out = Path(out_dir)
    refuse_writing_over_inputs(output_files(out), map(Path, inputs))
    paths = discover_inputs(inputs, exclude=[out])  # before the output folder is made: nothing to do, nothing made
    if not paths:
        given = [i for i in map(Path, inputs) if i.is_file() or (i.is_dir() and any(i.iterdir()))]
        inside = [i for i in given if i.resolve().is_relative_to(out.resolve())]
        raise RetrogaitError(
            f"no recordings found in {', '.join(map(str, inputs))}"
            + (
                f" ({inside[0]} lies in the output folder {out}, which a batch never reads: give another --out)"
                if inside
                else ""
            )
        )  # EDGE-72: "no recordings found in run.csv" of a recording, with --out .; EDGE-108: no folder left
    # with workers, the inputs are hashed on a thread from now on: while the fork server gets ready or the Dask
    # client imports and connects, not between the workers' results; in this process (--jobs 1) one by one,
    # before each (BATCH-25, BATCH-28)
    refuse_replacing_foreign(out, compare=compare)  # a user's own notes.csv there is not replaced (BATCH-52, BATCH-56)
    in_process = scheduler is None and pool is None and local_workers(jobs) <= 1
    # workers take the largest inputs first, so that the batch does not end on one long session with the other
    # workers idle; in this process the order changes nothing (BATCH-32). Hashed in the order handed out.
    order = list(range(len(paths))) if in_process else longest_first(paths)
    ahead = None if in_process else _DigestsAhead([paths[i] for i in order])
    digests = iter(_content_digest(paths[i]) for i in order) if ahead is None else ahead
    try:
        # the cluster is reached before the output folder, the lock or a progress bar is made: a scheduler that
        # is not there is one line and nothing left behind (BATCH-23)
        client = _dask_client(scheduler) if scheduler is not None else None
        try:
            store = BatchStore(out)
        except BaseException:
            if client is not None:
                client.close()
            raise
    except BaseException:
        if ahead is not None:
            ahead.stop()  # a batch that failed hashes no further
        raise
    # a second batch into this folder now would mix two runs (EDGE-97); the client is closed at the end, and a
    # batch that fails hashes no further
    with (
        ahead or nullcontext(),
        client if client is not None else nullcontext(),
        store.only_writer(),
        ExitStack() as cleanup,
    ):
        settings = dict(settings or {})

        previous = {} if force else store.finished()
        finished, older = _still_valid(previous, overrides)
        # results another retrogait made of an input (its analysis version is in their key): made again by this one,
        # and said so, never silently (BATCH-57); theirs stay in the manifest and sessions/
        elsewhere = _OtherVersions.of(previous)
        remade: dict[str, str] = {}  # key -> the other analysis version of that input's earlier results
        outcomes: dict[str, JobOutcome] = {}
        keys: list[str | None] = [None] * len(paths)  # by input, once hashed
        first: dict[str, str] = {}
        same_as: list[tuple[int, str, str]] = []  # (input index, input, the earlier input with its bytes)
        if on_start:
            on_start(len(paths))

        def todo() -> Iterator[Task]:
            """Inputs still to analyse, in the order handed out, each with its key (the digest of its content and
            the settings). Inputs with the same bytes have the same size: still met in input order."""
            for index, digest in zip(order, digests, strict=True):
                path = paths[index]
                key = job_key(digest, settings, analysis_version())
                keys[index] = key
                if key in first:  # the same bytes again: written once, and said so (EDGE-31)
                    same_as.append((index, str(path), first[key]))
                    continue  # not analysed again: its steps file is the earlier input's, under its name (USER-2)
                first[key] = str(path)
                if key in finished:  # unchanged: named as this run is given it (BATCH-51)
                    outcomes[key] = as_given(finished[key], str(path))
                    if on_done:
                        on_done(outcomes[key], True)
                else:
                    if elsewhere is not None and (version := elsewhere.version_of(digest, settings, str(path))):
                        remade[key] = version
                    yield str(path), key

        tables = store.combined()
        # a batch stopped before its set is in (an error, or KeyboardInterrupt from Python, where the program's Ctrl-C
        # handler is not there to remove it, EDGE-81) leaves no `.partial` of its combined steps (BATCH-64)
        cleanup.callback(tables.discard)
        written: set[str] = set()
        position = 0  # keys[:position] are written (or were duplicates of written ones)
        by_samples: dict[str, str] = {}  # samples digest -> the input whose steps are in the tables (EDGE-84)
        same_samples_as: list[tuple[str, str]] = []

        def write_ready() -> None:
            """Append, in input order, every job whose turn has come and whose outcome is known."""
            nonlocal position
            while position < len(keys) and (key := keys[position]) is not None and (key in written or key in outcomes):
                if key not in written:  # an input listed twice (same content) is written once
                    outcome = outcomes[key]
                    earlier = by_samples.get(outcome.samples) if outcome.ok and outcome.samples else None
                    if earlier is not None:  # the same recording packed otherwise: its steps are in once (EDGE-84)
                        same_samples_as.append((str(paths[position]), earlier))
                        said = f"holds the same samples as {earlier} (one recording packed twice): counted once"
                        tables.note(str(paths[position]), "batch", said)
                    else:
                        if outcome.ok and outcome.samples:
                            by_samples[outcome.samples] = str(paths[position])
                        tables.add(outcome)
                    written.add(key)
                else:  # the same bytes as an earlier input: done with it, not analysed again (USER-2)
                    said = f"the same recording as {first[key]} (the same bytes)" + (  # EDGE-31
                        ": counted once" if outcomes[key].ok else ", which failed: see errors.csv"  # REVIEW-60
                    )
                    tables.note(str(paths[position]), "batch", said)
                    if on_done:
                        on_done(outcomes[key], True)
                position += 1

        runner = _run_dask(client) if client is not None else _run_local(local_workers(jobs), pool)
        warming: threading.Thread | None = None
        for outcome in runner(todo(), settings, overrides, str(store.results_dir)):
            if compare and warming is None:  # the first session is back: import the comparison while waiting
                warming = import_beside([COHORT_MODULE])
            if outcome.disk_full:  # the disk's failure, not the session's: the earlier set stays whole (EDGE-292)
                raise RetrogaitError(
                    f"{outcome.error} (disk full?): the batch stopped before its tables; {out} keeps the earlier "
                    "run's tables and comparisons, and every session analysed before this one; free space and run it "
                    "again"
                )
            if outcome.key in remade:  # the manifest says which results this one makes again
                outcome = replace(outcome, earlier_version=remade[outcome.key])
            store.record(outcome)
            outcomes[outcome.key] = outcome
            if on_done:
                on_done(outcome, False)
            write_ready()
        write_ready()
        cohort: list[str] = []
        stale: list[Path] = []  # an earlier run's settings files and comparisons this one does not write
        # the tables, settings files and comparisons are one set: a batch stopped while it compares (Ctrl-C, a full
        # disk, an error) leaves the earlier run's, never the new tables beside earlier comparisons (BATCH-59)
        ending = "the batch's tables" + (" and cohort comparisons" if compare else "")
        with finishing(f"{ending} first: they are one set, never half of two runs (seconds)"), one_set(stale):
            steps_now = tables.close()
            _write_settings(out, tables.summaries, overrides, stale)
            if compare:  # imported here: worker processes import this package and need no plotting
                if warming is not None:
                    warming.join()
                import pandas as pd

                from retrogait.batch.cohort import cohort_comparisons

                cohort = cohort_comparisons(steps_now, pd.DataFrame(tables.summaries), out / "cohort", stale)

        ordered = [outcomes[k] for k in dict.fromkeys(keys) if k is not None]  # every input is hashed by now
        steps_path, sessions_path, errors_path = tables.steps_path, tables.sessions_path, tables.errors_path
        analysed = [o for o in ordered if o.key not in finished]
        return BatchResult(
            n_inputs=len(paths),
            n_analysed=sum(o.ok for o in analysed),
            n_skipped=len(ordered) - len(analysed),
            n_failed=sum(not o.ok for o in analysed),
            steps_path=steps_path,
            sessions_path=sessions_path,
            errors_path=errors_path,
            elapsed_s=time.perf_counter() - started,
            cohort=tuple(cohort),
            same_as=tuple((path, earlier) for _, path, earlier in sorted(same_as)),
            same_samples_as=tuple(same_samples_as),
            notes_path=tables.notes_path,
            n_noted=tables.n_noted,
            n_noted_other=tables.n_noted_other,
            same_as_failed=tuple(path for index, path, _ in sorted(same_as) if not outcomes[keys[index] or ""].ok),
            n_from_older_manifest=sum(o.key in older for o in analysed),
            analysed_again_from=tuple(Counter(remade[o.key] for o in analysed if o.key in remade).most_common()),
        )


@dataclass(frozen=True)
class _OtherVersions:
    """The manifest's results (``store.finished``) made by another analysis version than this one (BATCH-57)."""

    #: their keys, each to its analysis version
    by_key: dict[str, str]
    #: the inputs as the run that made them named them, each to its analysis version
    by_path: dict[str, str]
    #: the versions, each once
    versions: tuple[str, ...]

    @classmethod
    def of(cls, previous: Mapping[str, JobOutcome]) -> _OtherVersions | None:
        """Those of ``previous``; None when there are none."""
        this = analysis_version()
        by_key = {
            key: version
            for key, outcome in previous.items()
            if isinstance(version := outcome.summary.get("analysis_version"), str) and version != this
        }
        if not by_key:
            return None
        by_path = {previous[key].path: version for key, version in by_key.items()}
        return cls(by_key, by_path, tuple(dict.fromkeys(by_key.values())))

    def version_of(self, digest: str, settings: Mapping[str, Any], path: str) -> str | None:
        """The other analysis version whose results of this input the manifest holds: these bytes with these options
        (its key under that version), or, were that retrogait's keys made otherwise, this path; else None."""
        for version in self.versions:
            if job_key(digest, settings, version) in self.by_key:
                return version
        return self.by_path.get(path)


def _write_settings(
    out: Path, summaries: Sequence[Mapping[str, Any]], overrides: Overrides | None, stale: list[Path]
) -> None:
    """``OUT/settings_<placement>.toml``: every analysis setting the sessions of each placement in the tables
    were analysed with (their preset with the ``--settings`` file), readable again with ``--settings``;
    sessions of a one-leg placement the analysis read as both legs' (``other``, PHONE-18) have theirs in
    ``settings_other_declared_<placement>.toml`` (``analysed_settings``, BATCH-47). A file of a placement no longer
    in the tables is added to ``stale``, removed with the set's end (USER-3, BATCH-59). A session analysed earlier is
    in the tables only when its settings are these (``_still_valid``)."""
    from retrogait.analysis.settings_toml import settings_to_toml
    from retrogait.outfiles import write_text

    pairs = sorted(
        {
            (str(s["placement"]), str(s.get("declared_placement") or s["placement"]))
            for s in summaries
            if s.get("placement")
        }
    )
    names = []
    for placement, declared in pairs:
        if declared == placement:
            name, whose = f"settings_{placement}.toml", f"{placement} sessions"
        else:  # a one-leg placement the analysis read as both legs' (PHONE-18)
            name = f"settings_{placement}_declared_{declared}.toml"
            whose = f"sessions declared {declared} ({placement}: the analysis read both legs' steps, PHONE-18)"
        header = (
            f"{SETTINGS_MARK}: the settings its {whose} were analysed with (analysis version {analysis_version()})\n"
        )
        settings = analysed_settings(overrides, placement, declared)
        write_text(out / name, header + settings_to_toml(settings, preset=placement))
        names.append(name)
    for earlier in out.glob("settings_*.toml"):  # a batch's own only: a user's settings_lab.toml stays (BATCH-52)
        if earlier.name not in names and written_by_a_batch(earlier):
            stale.append(earlier)


_ALLOWED_SETTINGS = {"placement": PLACEMENTS, "side": SIDES, "anterior_axis": AXES}


def _check_settings(settings: Mapping[str, Any], jobs: int | None, scheduler: str | None = None) -> None:
    """Refuse bad batch-wide settings before any file is touched (they would fail every file)."""
    if jobs is not None and jobs < 1:
        raise RetrogaitError(f"--jobs must be at least 1, got {jobs}")
    if scheduler is not None and (not scheduler or any(ch.isspace() or not ch.isprintable() for ch in scheduler)):
        # an empty one ran the batch locally without a word (EDGE-72)
        raise RetrogaitError(f"--scheduler must be an address like tcp://host:8786, got {scheduler!r}")
    if scheduler is not None and not _dask_installed():  # said before a folder or a progress bar is made (EDGE-112)
        raise RetrogaitError("--scheduler needs Dask: pip install 'retrogait[dask]'")
    for name, allowed in _ALLOWED_SETTINGS.items():
        value = settings.get(name)
        if value is not None and value not in allowed:
            flag = "--" + name.replace("_", "-")
            raise RetrogaitError(f"{flag} must be one of {', '.join(allowed)}, got {value!r}")


def _dask_installed() -> bool:
    """True when Dask's distributed scheduler client can be imported (the ``dask`` extra), without importing it."""
    import importlib.util

    try:
        return importlib.util.find_spec("distributed") is not None
    except (ImportError, ValueError):  # a broken install, or a module set to None (tests)
        return False


def _checked_overrides(overrides: Overrides | None) -> dict[str, dict[str, Any]] | None:
    """The overrides as plain dicts (picklable for the workers), refused at once (one line naming the
    table and key) when they do not apply to some placement's preset."""
    if not overrides:
        return None
    from retrogait.analysis.settings import PRESETS

    plain = {table: dict(values) for table, values in overrides.items()}
    for placement in PRESETS:
        effective_settings(plain, placement)
    return plain


def _still_valid(
    finished: dict[str, JobOutcome], overrides: Overrides | None
) -> tuple[dict[str, JobOutcome], set[str]]:
    """The finished jobs whose analysis settings are the ones this run would use for their placement
    (``settings_hash``): a changed setting re-runs a session, a settings file restating the preset does not. A session
    the analysis read as ``other`` also needs its declared placement's settings unchanged (``declared_settings_hash``,
    BATCH-50). Also: the keys a manifest written before BATCH-50 leaves to analyse again (that digest missing)."""
    digests: dict[tuple[str | None, str | None], tuple[str, str | None]] = {}
    valid = {}
    older = set()
    for key, outcome in finished.items():
        # as analysed and as declared: a shank the analysis read as both legs' is analysed with other's preset and
        # what the settings change in the shank's, not other's preset with them (BATCH-47)
        placements = (outcome.summary.get("placement"), outcome.summary.get("declared_placement"))
        if placements not in digests:
            digests[placements] = (
                analysed_settings(overrides, *placements).digest(),
                declared_digest(overrides, *placements),
            )
        analysed, declared = digests[placements]
        if outcome.settings_hash != analysed or outcome.notes is None:  # notes: BATCH-48
            continue
        if declared is not None and outcome.declared_settings_hash is None:
            older.add(key)
        elif outcome.declared_settings_hash == declared:
            valid[key] = outcome
    return valid, older


Runner = Callable[[Iterable[Task], dict[str, Any], Overrides | None, str], Iterator[JobOutcome]]


def _run_local(jobs: int, pool: ProcessPoolExecutor | None = None) -> Runner:
    """Run in ``jobs`` local processes (``pool``, started early by the caller, or started here)."""

    def run(
        todo: Iterable[Task], settings: dict[str, Any], overrides: Overrides | None, results_dir: str
    ) -> Iterator[JobOutcome]:
        if jobs <= 1 and pool is None:
            for path, key in todo:
                yield analyze_one(path, key, settings, results_dir, overrides)
            return
        workers = pool or start_local_pool(jobs)
        try:
            yield from _bounded(
                lambda task: workers.submit(analyze_one, task[0], task[1], settings, results_dir, overrides),
                todo,
                limit=jobs * IN_FLIGHT_PER_WORKER,
            )
        except BaseException:
            workers.shutdown(wait=True)  # the sessions in flight end first, as before
            raise
        # every session is back: the workers end while this process writes the tables, not before (the
        # interpreter's exit joins them; BATCH-26)
        workers.shutdown(wait=False)

    return run


def _dask_client(address: str) -> Any:
    """A client of the Dask scheduler at ``address`` (needs ``retrogait[dask]``); one line when it cannot be
    reached. A ``tcp://`` address where nothing listens is said at once: Dask's own connect retries until its
    30 s timeout and said then "Timed out trying to connect" (BATCH-23)."""
    try:
        from distributed import Client
    except ImportError:
        raise RetrogaitError("--scheduler needs Dask: pip install 'retrogait[dask]'") from None
    finally:
        # `retrogait batch --scheduler` imports Dask with the collector paused by the program (cli/early.py): the
        # modules loaded so far are frozen now and collections go on; nothing when no caller paused it (BATCH-29)
        resume()
    refused = _refused(address)
    if refused is not None:
        raise RetrogaitError(f"cannot reach the Dask scheduler at {address} ({refused}): is it running?")
    try:
        return Client(address, timeout="30s")
    except (OSError, TimeoutError) as exc:
        raise RetrogaitError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    except ValueError as exc:  # not an address at all: it was "internal error: ValueError" (EDGE-72)
        raise RetrogaitError(f"--scheduler {address!r} is not a Dask scheduler address ({exc})") from None


def _refused(address: str) -> str | None:
    """Why a ``tcp://host:port`` address (or ``host:port``, which Dask reads as tcp) cannot be connected to right
    now (refused, no such host), or None when it can or when the address is of another kind (Dask's own connect
    decides those)."""
    import socket
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if parts.scheme != "tcp" or not host or port is None:
        return None
    try:
        with socket.create_connection((host, port), timeout=5.0):
            return None
    except ConnectionRefusedError:
        return f"nothing listens on {host} port {port}"
    except socket.gaierror as exc:
        return f"no host {host}: {exc.strerror}"
    except OSError:
        return None  # slow or filtered: Dask's connect and its timeout say what is wrong


def _run_dask(client: Any) -> Runner:
    """Run on the Dask cluster ``client`` is connected to (its caller closes it)."""

    def run(
        todo: Iterable[Task], settings: dict[str, Any], overrides: Overrides | None, results_dir: str
    ) -> Iterator[JobOutcome]:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        client.run(_warm_up)  # every worker imports the analysis now, in parallel, not on its first task
        yield from _bounded(
            lambda task: client.submit(
                _analyze_on_dask, task[0], task[1], settings, results_dir, overrides, pure=False
            ),
            todo,
            limit=n_workers * IN_FLIGHT_PER_WORKER,
        )

    return run


def _warm_up() -> None:
    """Load in a Dask worker, before its first session, what a local worker gets from the fork server
    (``preload.py``: the analysis, the readers, the Arrow writer); let it reuse freed memory."""
    import retrogait.batch.preload  # noqa: F401  (loads them when imported)

    reuse_freed_memory()


def _analyze_on_dask(
    path: str, key: str, settings: dict[str, Any], results_dir: str, overrides: Overrides | None
) -> JobOutcome:
    """:func:`analyze_one` in a Dask worker, whose allocator Dask sets up for returning memory (BATCH-11)."""
    reuse_freed_memory()  # also for a worker that joined after the warm-up
    return analyze_one(path, key, settings, results_dir, overrides)


def _bounded(submit: Callable[[Task], Any], todo: Iterable[Task], limit: int) -> Iterator[JobOutcome]:
    """Submit tasks keeping at most ``limit`` in flight; yield outcomes as they finish.

    A worker that dies (killed, out of memory) fails only its own file, with the reason.
    """
    pending: dict[Any, Task] = {}
    queue = iter(todo)
    for task in queue:
        pending[submit(task)] = task
        if len(pending) >= limit:
            break
    while pending:
        done = _wait_first(set(pending))
        for future in done:
            path, key = pending.pop(future)
            try:
                yield future.result()
            except Exception as exc:
                error = f"{path}: worker failed: {type(exc).__name__}: {exc}{_script_hint(exc)}"
                yield JobOutcome(key, path, ok=False, error=error)
            following = next(queue, None)
            if following is not None:
                pending[submit(following)] = following


class _DigestsAhead:
    """The content digests (:func:`_content_digest`) of ``paths`` in their order, computed on a daemon thread
    started at once; iterating waits for each in turn and raises where its digest failed, as hashing it there
    would have (BATCH-25).

    Reading and SHA-256 release the GIL, so the hashing runs beside the batch process' own work. With workers,
    the batch process otherwise waits for the fork server's imports (or the cluster's warm-up) with a core free,
    and then hashed each input between two results, on the cores the workers analyse on (20 ten-minute sessions:
    0.1 s of CPU). Every digest is still computed before its input is handed out, so a file changed meanwhile
    gets a key of its earlier bytes and is analysed again by the next run, never skipped as unchanged.
    """

    def __init__(self, paths: Sequence[Path]) -> None:
        self._count = len(paths)
        self._values: list[str | BaseException] = []
        self._ready = threading.Condition()
        self._stopped = False
        threading.Thread(target=self._hash, args=(list(paths),), name="retrogait-digests", daemon=True).start()

    def _hash(self, paths: list[Path]) -> None:
        for path in paths:
            if self._stopped:
                return
            try:
                value: str | BaseException = _content_digest(path)
            except BaseException as exc:  # raised where the batch reaches this input, as before
                value = exc
            with self._ready:
                self._values.append(value)
                self._ready.notify()
            if not isinstance(value, str):
                return

    def __iter__(self) -> Iterator[str]:
        for index in range(self._count):
            with self._ready:
                while len(self._values) <= index:
                    self._ready.wait()
                value = self._values[index]
            if not isinstance(value, str):
                raise value
            yield value

    def stop(self) -> None:
        """Hash no further input (the file being hashed is finished)."""
        self._stopped = True

    def __enter__(self) -> _DigestsAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


#: Inputs whose sizes lie in one class (an eighth of a doubling: at most 9 % apart) are handed out in input order:
#: their analyses take about as long, so their order leaves the workers' ends as even, while the tables (appended in
#: input order) take each session as it comes instead of all at the end (BATCH-39). The classes are formed from the
#: largest size down (each within this of its largest), not fixed bins, so sizes a byte apart share one (REVIEW-16).
SIZE_CLASSES_PER_DOUBLING = 8


def longest_first(paths: Sequence[Path]) -> list[int]:
    """The indices of ``paths`` by file size, largest first (sizes of one class, ``SIZE_CLASSES_PER_DOUBLING``, in
    input order, so that the same bytes twice are still met in input order): the size stands for a recording's
    duration (BATCH-32, BATCH-39); an empty file comes after every other, a file that cannot be examined last, where
    its digest reports it."""

    def size(index: int) -> int:
        try:
            return paths[index].stat().st_size
        except OSError:
            return -1

    sizes = [size(index) for index in range(len(paths))]
    ratio = 2.0 ** (1.0 / SIZE_CLASSES_PER_DOUBLING)
    classes = [0] * len(paths)
    anchor: int | None
    group, anchor = 0, None  # the current class and its largest size (bytes; -1: cannot be examined)
    for index in sorted(range(len(paths)), key=lambda i: -sizes[i]):  # stable: ties stay in input order
        here = sizes[index]
        if anchor is None or (here > 0 and anchor / here > ratio) or (here <= 0 and here != anchor):
            group, anchor = group + 1, here
        classes[index] = group
    return sorted(range(len(paths)), key=lambda index: classes[index])


def _content_digest(path: Path) -> str:
    """SHA-256 (hex) of what the job reads: the file's bytes, and for an export's accelerometer file also the
    names and bytes of the files its reader reads with it (EDGE-87); a file alone keeps its bytes' digest."""
    companions = export_companions(path)
    if not companions:
        return file_digest(path)
    import hashlib

    digest = hashlib.sha256(file_digest(path).encode())
    for companion in companions:
        digest.update(f"\0{companion.name}\0{file_digest(companion)}".encode())
    return digest.hexdigest()


def _script_hint(exc: BaseException) -> str:
    """Why a local worker died at once when a Python script called :func:`run_batch` (EDGE-82): a worker
    process starts by running the calling script again (multiprocessing's ``forkserver``, as ``spawn``), and a
    script whose call is not under ``if __name__ == "__main__":`` calls ``run_batch`` inside the worker, which
    multiprocessing refuses; every session failed as ``BrokenProcessPool`` and nothing said why."""
    from concurrent.futures.process import BrokenProcessPool

    main = sys.modules.get("__main__")
    if not isinstance(exc, BrokenProcessPool) or getattr(main, "__spec__", None) is not None:
        return ""
    script = getattr(main, "__file__", None)
    if script is None or getattr(main, "main", None) is getattr(sys.modules.get("retrogait.cli"), "main", False):
        return ""  # `python -c`, a notebook, or the retrogait program itself: nothing is run again
    return (
        f" (a worker process starts by running {script} again: a script that calls run_batch must call it under "
        '`if __name__ == "__main__":`)'
    )


#: How long the batch process waits for a local result before it looks at its signals again (s): a Ctrl-C caught by
#: another thread only sets a flag that the main thread reads between two steps of Python (BATCH-37).
SIGNAL_CHECK_S = 0.25


def _wait_first(pending: set[Any]) -> set[Any]:
    """The finished ones among local or Dask futures (waits for at least one).

    Local futures are waited for in steps of SIGNAL_CHECK_S: a wait without a timeout sleeps in a lock that a
    signal wakes only when it is delivered to this (the main) thread; one caught by another thread, or just before
    the wait began, was handled only when the next result came, and never when none came (BATCH-37)."""
    sample = next(iter(pending))
    if isinstance(sample, Future):
        while not (done := wait(pending, timeout=SIGNAL_CHECK_S, return_when=FIRST_COMPLETED).done):
            pass  # back in Python between the steps: a Ctrl-C's handler runs here (interrupt.py)
        return set(done)
    from distributed import wait as dask_wait

    return set(dask_wait(list(pending), return_when="FIRST_COMPLETED").done)
