"""``retrogait batch``: analyse many sessions on all cores or a Dask cluster."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from retrogait.cli.app import app
from retrogait.cli.display import line_console, safe
from retrogait.cli.reader_options import checked_axis, checked_place, reader_options
from retrogait.gc_pause import resume

#: Exit status when some inputs failed and the others were analysed (docs/batch.md, "Exit status").
EXIT_SOME_FAILED = 1

if TYPE_CHECKING:
    from collections.abc import Sequence
    from concurrent.futures import ProcessPoolExecutor

    from retrogait.batch.fingerprint import Overrides
    from retrogait.batch.worker import JobOutcome
    from retrogait.imports.base import ReaderOptions


@app.command()
@reader_options
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Recordings: files, folders (recursive) or globs.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Local worker processes \\[default: all cores].")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address (tcp://host:8786) to run on instead of locally.")
    ] = None,
    placement: Annotated[
        str | None, typer.Option(help="Placement for files whose header does not say (app exports; 'other').")
    ] = None,
    side: Annotated[str | None, typer.Option(help="left or right, for files whose header does not say.")] = None,
    anterior_axis: Annotated[
        str | None, typer.Option(help="Sensor axis pointing forward (+x ... -z), for files whose header does not say.")
    ] = None,
    settings_file: Annotated[
        Path | None,
        typer.Option(
            "--settings",
            help="TOML file overriding analysis settings of each file's placement preset (see `retrogait settings`).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Analyse again even when input and settings are unchanged.")] = False,
    compare: Annotated[
        bool, typer.Option(help="Also compare run directions across the cohort (per subject) into OUT/cohort/.")
    ] = True,
    *,
    reader: ReaderOptions,
) -> None:
    """Analyse every session; keep going past bad files; skip what is unchanged since the last run.

    Exit status: 0 every input analysed (or unchanged); 1 some inputs failed (listed in errors.csv; every
    other result and the combined tables are written); 2 nothing could be done (bad option, no inputs); 130 Ctrl-C,
    143 SIGTERM, 129 SIGHUP (the sessions finished so far are kept for the re-run).
    """
    import atexit
    import gc
    import os

    from retrogait.analysis.settings_toml import read_settings_file
    from retrogait.batch.inputs import discover_inputs
    from retrogait.batch.pool import local_workers, start_local_pool

    placement, side = checked_place(placement, side)
    anterior_axis = checked_axis(anterior_axis, "--anterior-axis")  # before any file is read (EDGE-75)
    overrides = None
    if settings_file is not None:  # refused before any file is read, naming the file and key
        from retrogait.analysis.settings import PRESETS

        settings_overrides = read_settings_file(settings_file)
        for preset_placement in PRESETS:
            settings_overrides.for_placement(preset_placement)
        overrides = settings_overrides.values
    discover_inputs(inputs, exclude=[out])  # a missing input is refused before any worker starts
    n_workers = local_workers(jobs)
    if scheduler is None and jobs is not None and jobs > n_workers:  # EDGE-71
        line_console(stderr=True).print(
            f"note: --jobs {jobs}: {n_workers} worker processes ({n_workers // (os.cpu_count() or 1)} per core; "
            "more only cost memory)"
        )
    # the process ends after the batch: its last garbage collections over every loaded module (0.2 s) are
    # skipped; every output file is closed explicitly before (BATCH-15)
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    # the workers import the analysis while this process imports what it needs (BATCH-10)
    pool = start_local_pool(n_workers) if scheduler is None and n_workers > 1 else None
    try:
        _run(inputs, out, overrides, placement, side, anterior_axis, jobs, scheduler, force, compare, pool, reader)
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)  # after a refusal; a finished batch shut it down


def _run(
    inputs: list[str],
    out: Path,
    overrides: Overrides | None,
    placement: str | None,
    side: str | None,
    anterior_axis: str | None,
    jobs: int | None,
    scheduler: str | None,
    force: bool,
    compare: bool,
    pool: ProcessPoolExecutor | None,
    reader: ReaderOptions,
) -> None:
    """The batch with its progress bar and summary lines (the options already checked)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from retrogait.batch import run_batch
    from retrogait.batch.worker import steps_suffix

    steps_suffix()  # pyarrow.parquet where it works (the combined steps' format); the answer is cached
    if pool is None and scheduler is None:  # --jobs 1: the sessions are analysed in this process
        import retrogait.analysis.pipeline
        import retrogait.imports.loading  # noqa: F401  (what the first session imports)
    if scheduler is None:  # a Dask client resumes once it has imported distributed (runner._dask_client, BATCH-29)
        resume()  # the modules imported so far are not scanned again; the sessions are collected (BATCH-22)
    settings: dict[str, object] = {
        k: v for k, v in {"placement": placement, "side": side, "anterior_axis": anterior_axis}.items() if v
    }
    if reader.as_dict():  # how to read the inputs changes the results: part of every job's key
        settings["reader"] = reader.as_dict()
    console = line_console(stderr=True)
    failures: list[JobOutcome] = []
    progress = Progress(
        TextColumn("[bold]analysing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    task = progress.add_task("batch", total=None, failed=0)

    def on_start(n_inputs: int) -> None:
        """The bar appears once the inputs and settings are accepted, not before a refusal."""
        progress.update(task, total=n_inputs)
        progress.start()

    def on_done(outcome: JobOutcome, skipped: bool) -> None:
        if not outcome.ok and not skipped:  # a copy of a failed input is named by the note, not failed twice
            failures.append(outcome)
        progress.update(task, advance=1, failed=len(failures))

    try:
        result = run_batch(
            inputs,
            out,
            settings=settings,
            overrides=overrides,
            jobs=jobs,
            scheduler=scheduler,
            force=force,
            compare=compare,
            on_start=on_start,
            on_done=on_done,
            pool=pool,
        )
    finally:
        if progress.live.is_started:  # stopping a bar never started printed a blank line before a refusal
            progress.stop()
    for outcome in failures[:10]:
        console.print(f"[red]failed[/red] {safe(outcome.error)}")
    if len(failures) > 10:
        console.print(f"... and {len(failures) - 10} more in {safe(result.errors_path)}")
    for line in result.cohort:
        console.print(safe(line))
    for again, earlier in result.same_as[:10]:  # EDGE-31; of a failed input: as notes.csv says (REVIEW-60, EDGE-210)
        counted = ", which failed: see errors.csv" if again in result.same_as_failed else ": counted once"
        console.print(f"note: {safe(again)} is the same recording as {safe(earlier)} (the same bytes){counted}")
    if len(result.same_as) > 10:
        console.print(f"... and {len(result.same_as) - 10} more inputs the same as an earlier one")
    for again, earlier in result.same_samples_as[:10]:  # EDGE-84
        console.print(
            f"note: {safe(again)} holds the same samples as {safe(earlier)} (one recording packed twice): counted once"
        )
    if len(result.same_samples_as) > 10:
        console.print(f"... and {len(result.same_samples_as) - 10} more inputs holding an earlier one's samples")
    if result.n_from_older_manifest:  # BATCH-50: why an unchanged session was analysed again, once
        n = result.n_from_older_manifest
        console.print(
            f"note: {n} session{'s' if n != 1 else ''} declared on one leg and read as both legs' (other) "
            f"{'were' if n != 1 else 'was'} analysed again: the manifest, written by an earlier retrogait, did not "
            "record the declared placement's settings that reading ran on"
        )
    if result.analysed_again_from:  # BATCH-57: results of another retrogait are made again, never silently
        console.print(safe(analysed_again_line(result.analysed_again_from, result.steps_path.parent)))
    # no rate when nothing was analysed: "0.0 sessions/min" for a re-run that skipped everything read as a stall
    rate = (
        f" ({60 * result.n_analysed / result.elapsed_s:.1f} sessions/min)"
        if result.n_analysed and result.elapsed_s > 0
        else " (nothing changed since the last run: nothing to analyse)"
        if result.n_skipped and not result.n_failed
        else ""
    )
    console.print(
        f"{result.n_inputs} session{'s' if result.n_inputs != 1 else ''}: {result.n_analysed} analysed, "
        f"{result.n_skipped} skipped, {result.n_failed} failed"
        + (f", {n_same} the same as another" if (n_same := len(result.same_as) + len(result.same_samples_as)) else "")
        + f" in {result.elapsed_s:.1f} s{rate}\n"
        f"steps: {safe(result.steps_path)}\nsessions: {safe(result.sessions_path)}\n"
        f"errors: {safe(result.errors_path)}\n"
        f"notes: {safe(result.notes_path)} ({result.n_noted} session{'s' if result.n_noted != 1 else ''} with notes"
        + (  # copies of another input: not in sessions.csv (EDGE-210)
            f", and {m} input{'s' if m != 1 else ''} not in sessions.csv)" if (m := result.n_noted_other) else ")"
        )
    )
    if result.n_failed:
        raise typer.Exit(EXIT_SOME_FAILED)


def analysed_again_line(again: Sequence[tuple[str, int]], out: Path) -> str:
    """The terminal's one line for sessions whose results another retrogait made (``BatchResult.analysed_again_from``:
    each analysis version with its count), analysed again by this one (BATCH-57). "a newer" or "an earlier" when every
    other package version is above or below this one's, else "another"."""
    from retrogait.analysis.version import analysis_version
    from retrogait.batch.store import MANIFEST, RESULTS_DIR

    this = analysis_version()
    n = sum(count for _, count in again)
    theirs = [_release(version) for version, _ in again]
    mine = _release(this)
    who = (
        "a newer"
        if mine is not None and all(v is not None and v > mine for v in theirs)
        else "an earlier"
        if mine is not None and all(v is not None and v < mine for v in theirs)
        else "another"
    )
    versions = (
        f"analysis version {again[0][0]}"
        if len(again) == 1
        else "analysis versions " + ", ".join(f"{version}: {count}" for version, count in again)
    )
    return (
        f"note: {n} session{'s' if n != 1 else ''} analysed by {who} retrogait ({versions}) "
        f"{'were' if n != 1 else 'was'} analysed again by this one ({this}); their earlier results stay in "
        f"{out / MANIFEST} and {out / RESULTS_DIR}"
    )


def _release(version: str) -> tuple[int, ...] | None:
    """The package part of an analysis version (``0.2.0`` of ``0.2.0+3f2c9a1b7e04``) as numbers, None when it is not
    plain numbers (a development build's ``0.2.0.dev3``)."""
    parts = version.split("+", 1)[0].split(".")
    return tuple(int(part) for part in parts) if all(part.isdigit() for part in parts) else None
