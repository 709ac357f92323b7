"""``retrogait analyze``: every step of a recording to steps.csv, summary.json and an HTML report.

The command itself, without Typer: ``cli.analyze_command`` declares its options for Typer, and a plain command line
(``cli.analyze_line``) reaches :func:`analyze` without Typer or click (PERF-88).
"""

from __future__ import annotations

import importlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from retrogait.cli.display import line_console, safe, stderr_surely_no_terminal
from retrogait.cli.part import checked_part, checked_part_hours
from retrogait.cli.reader_values import checked_axis, checked_place
from retrogait.conventions import ONE_LEG_PLACEMENTS
from retrogait.errors import RetrogaitError
from retrogait.gc_pause import freeze_imported, resume
from retrogait.outfiles import one_set, refuse_replacing_files_of_others, refuse_writing_over_inputs
from retrogait.warm import import_beside

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID
    from rich.table import Table

    from retrogait.analysis.pipeline import AnalysisResult
    from retrogait.analysis.settings import AnalysisSettings
    from retrogait.imports.base import ReaderOptions
    from retrogait.imports.part import Part
    from retrogait.session import Session


def _fmt(value: Any, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}g}"


def summary_table(summary: dict[str, Any]) -> Table:
    """One screen: per direction, the landings counted, the cadence (60 / mean step time, steps of both legs
    per minute) and the medians of the other metrics.

    A one-leg placement (foot, shank) counts contacts, the landings of the sensor's leg, and shows the steps of
    both legs they imply (twice as many); other placements count steps of either leg (docs/conventions.md).
    """
    from rich.table import Table

    one_leg = summary["placement"] in ONE_LEG_PLACEMENTS
    table = Table(
        title=f"{summary['placement']} · {summary['sample_rate_hz']:.0f} Hz · {summary['duration_s']:.0f} s",
        title_justify="left",
        caption=(
            f"contacts: landings of the {summary.get('side') or 'sensor'} leg; steps: both legs (2 × contacts); "
            "cadence: steps of both legs per minute"
            if one_leg
            else "steps: landings of either leg; cadence: steps per minute"
        ),
        caption_justify="left",
    )
    counts = ("contacts", "steps") if one_leg else ("steps",)
    vgrf = ("vGRF BW",) if not one_leg else ()  # vGRF is estimated at the lower back only
    for column in ("direction", *counts, "cadence spm", "contact s", "impact g", *vgrf, "flags"):
        table.add_column(column)
    for direction, agg in [*summary["per_direction"].items(), ("all", summary["all"])]:
        if not agg["n_steps"] and direction != "all":
            continue
        flags = ", ".join(f"{k} {v}" for k, v in agg["flagged_steps"].items() if v) or "-"
        n = agg["n_steps"]  # rows of steps.csv: contacts on a one-leg placement
        table.add_row(
            direction,
            *((str(n), str(2 * n)) if one_leg else (str(n),)),
            _fmt(agg["cadence_spm"]["value"], 4),
            _fmt(agg["contact_time_s"]["median"]),
            _fmt(agg["impact_peak_g"]["median"]),
            *((_fmt(agg["vgrf_peak_bw"]["median"]),) if vgrf else ()),
            flags,
        )
    return table


#: rich's modules that the end of ``analyze`` prints with (the summary's table, the lines after it): imported beside the
#: read where no progress bar imports them first (PERF-84).
RICH_FOR_THE_SUMMARY = ("rich.console", "rich.table")
#: What the analysis finds once a process, found on the import thread beside the read instead of on the main thread
#: (PERF-106): threadpoolctl's view of the BLAS (the analysis' one-thread limit, PERF-4: ~11 ms of CPU, every loaded
#: library inspected) once the analysis' modules are in, and the analysis version (summary.json's, a digest of its
#: ~100 source files, 106 at REVIEW-169: ~7 ms).
ANALYSIS_CACHES = ("retrogait.analysis.blas:blas_controller", "retrogait.analysis.version:analysis_version")


def _progress_bar() -> Progress:
    """The transient bar shown on standard error while a recording is read and analysed; disabled where rich finds no
    terminal (a transient bar on a console that is not a terminal leaves a blank line on stderr)."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


class _NoBar:
    """What ``analyze`` does with its bar where rich would have disabled it (no terminal): nothing, rich not imported
    for it (PERF-84)."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, description: str, total: float) -> TaskID:
        """A task's id, as rich gives one; nothing is shown."""
        return cast("TaskID", 0)

    def update(self, task: TaskID, *, advance: float, description: str) -> None:
        """Nothing to show."""


class _Digest(threading.Thread):
    """The recording's content digest (``imports.identity.recording_digest``), computed in a thread: hashing
    releases the GIL, so it runs beside the reading and the analysis (None when the file cannot be read
    again: the analysis does not depend on it)."""

    def __init__(self, path: Path) -> None:
        super().__init__(name="retrogait-source-digest", daemon=True)
        self.path = path
        self.digest: str | None = None
        self.start()

    def run(self) -> None:
        from retrogait.imports.identity import recording_digest

        if not (self.path.is_file() or self.path.is_dir()):  # a pipe would block this thread: refused anyway
            return
        try:
            self.digest = recording_digest(self.path)
        except OSError:
            self.digest = None

    def result(self) -> str | None:
        self.join()
        return self.digest


def _recording_stem(path: Path) -> str:
    """The recording's name without its ending, a compressed one's too (``run.csv.gz`` -> ``run``)."""
    from retrogait.recordings import without_gz

    return Path(without_gz(path.name)).stem


def _with_source_digest(summary: dict[str, Any], digest: str | None) -> None:
    """summary.json's ``source_digest`` right after ``source``: what ``compare`` links an analysis to its
    recording by (EDGE-8)."""
    items = list(summary.items())
    summary.clear()
    for key, value in items:
        summary[key] = value
        if key == "source":
            summary["source_digest"] = digest
    summary.setdefault("source_digest", digest)


def analyze(
    input_file: Path,
    placement: str | None = None,
    side: str | None = None,
    anterior_axis: str | None = None,
    out: Path | None = None,
    settings_file: Path | None = None,
    report: bool = True,
    start: float | None = None,
    end: float | None = None,
    part_hours: float | None = None,
    *,
    reader: ReaderOptions,
) -> None:
    """``retrogait analyze``, each argument as Typer hands it over (``cli.analyze_command``, whose options' help says
    what each is): every step of ``input_file`` to its output folder, the summary printed."""
    import atexit
    import gc

    from retrogait.analysis.load import OUTPUT_FILES, load_input

    placement, side = checked_place(placement, side)
    anterior_axis = checked_axis(anterior_axis, "--anterior-axis")  # before the recording is read (EDGE-75)
    overrides = None
    if settings_file is not None:  # refused before reading data; the settings' module is imported only for it
        from retrogait.analysis.settings_toml import read_settings_file

        overrides = read_settings_file(settings_file)
    # `analyze .` or `analyze ..` (an export folder): named after the folder itself, beside it
    named = input_file if input_file.name not in ("", ".", "..") else input_file.resolve()
    if out is None and not named.name:  # `analyze /`: "internal error: ValueError" (EDGE-72)
        raise RetrogaitError(f"{input_file}: has no name to name the output folder after: give --out")
    part = checked_part(start, end)
    parts_s = checked_part_hours(part_hours, part)
    if part is None and parts_s is None:  # too long to analyse whole: in parts, or refused before it is read
        from retrogait.analysis.part_plan import analysis_parts

        parts_s = analysis_parts(input_file)  # (LONG-2, LONG-4)
    out_dir = out or named.with_name(_recording_stem(named) + "_analysis")
    refuse_writing_over_inputs([out_dir / name for name in OUTPUT_FILES.values()], [input_file])
    refuse_replacing_files_of_others([out_dir / name for name in OUTPUT_FILES.values()], "analyze")  # (EDGE-267)
    # the process ends after the command: its last garbage collections over every loaded module and the
    # analysis' objects (0.2-0.3 s) are skipped; every output file is closed explicitly before (PERF-15)
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    # off a terminal rich would disable the bar: then neither it nor rich is made here, and rich (for the summary's
    # table and lines) is imported beside the read with the analysis (PERF-84)
    barless = stderr_surely_no_terminal()
    with _NoBar() if barless else _progress_bar() as bar:
        task = bar.add_task(f"analysing {safe(input_file.name)}", total=2)
        digest = _Digest(input_file)  # hashed while the recording is read and analysed (EDGE-8)
        # the readers load_input imports first (pandas is usually in already: `analysis_parts` above imports it through
        # the GENEActiv reader's size rule; --start/--end and --part-hours skip it: pandas comes in here; PERF-113)
        import retrogait.imports.loading  # noqa: F401

        resume()  # the modules imported so far are not scanned again; the read and analysis are collected (PERF-18)
        # the analysis' (and the report's) modules imported on a thread while the table is parsed: pandas' parser runs
        # without the GIL, its import and the other imports on this thread do not (PERF-72)
        warm = import_beside(
            ["retrogait.analysis.pipeline"]
            + (["retrogait.report.analysis_report"] if report else [])
            + (list(RICH_FOR_THE_SUMMARY) if barless else [])
            + list(ANALYSIS_CACHES)  # last: the BLAS seen with every module the analysis runs with loaded
        )

        def imported() -> None:
            """The analysis' modules in, and not scanned by the collector from now on (PERF-18)."""
            warm.join()
            if barless:  # rich too: a failed import stops here, before the analysis and its files (REVIEW-140)
                for name in RICH_FOR_THE_SUMMARY:
                    importlib.import_module(name)
            freeze_imported()

        def settings_for(session: Session) -> AnalysisSettings:
            from retrogait.analysis.pipeline import preset_settings

            resolved = placement or session.meta.placement
            return preset_settings(resolved) if overrides is None else overrides.for_placement(resolved)

        def analyse(session: Session, *, declared_facing_seen: bool = False) -> AnalysisResult:
            imported()
            from retrogait.analysis.beside import second_thread
            from retrogait.analysis.pipeline import analyze as run_analysis

            effective = settings_for(session)
            with second_thread():  # one recording in this process: a part on the second core (PERF-36)
                return run_analysis(
                    session,
                    placement=placement,
                    side=side,
                    anterior_axis=anterior_axis,
                    settings=effective,
                    declared_facing_seen=declared_facing_seen,  # from the part before (MOUNT-8)
                    say_no_steps=parts_s is None,  # parts: said of the joined whole below (IMPORT-29)
                )

        def read(part_s: Part | None) -> Session:
            try:
                return load_input(
                    input_file,
                    placement=placement,
                    side=side,
                    anterior_axis=anterior_axis,
                    reader=reader,
                    part_s=part_s,
                    max_acc_g=None if overrides is None else overrides.max_acc_g,  # (EDGE-131)
                )
            except Exception:  # a refused recording: the imports end before the interpreter does
                warm.join()
                raise

        # the recording (or its part --start/--end) as one, or in parts joined (LONG-4)
        if parts_s is None:
            result = analyse(read(part))
        else:
            imported()
            from retrogait.analysis.parts import analyze_file_in_parts
            from retrogait.analysis.pipeline import read_as_both_legs, said_if_no_steps

            result = said_if_no_steps(
                analyze_file_in_parts(input_file, read, analyse, settings_for, parts_s, both_legs=read_as_both_legs),
                None,
            )
        _with_source_digest(result.summary, digest.result())
        bar.update(task, advance=1, description="writing outputs")
        from retrogait.analysis.pipeline import write_outputs

        if report:
            from retrogait.report.analysis_report import write_analysis_report
        # an earlier run's report beside these tables would show other numbers: it goes with them (EDGE-23)
        stale = [] if report or not (out_dir / "report.html").is_file() else [out_dir / "report.html"]
        with one_set(stale):  # Ctrl-C or a full disk leaves the previous outputs or these, not a mix (EDGE-1, EDGE-10)
            paths = write_outputs(result, out_dir)
            if report:
                paths["report"] = write_analysis_report(result, out_dir / "report.html")
        bar.update(task, advance=1, description="done")
    from rich.console import Console

    Console().print(summary_table(result.summary))
    lines = line_console()
    provenance = result.summary["input_provenance"]
    inferred = [(k, v) for k, v in provenance.items() if k.startswith("inferred_")]
    for key, value in inferred:  # how the input was read, where that was found out from the data
        lines.print(f"input: {safe(key)}: {safe(value)}", highlight=False)
    for note in result.summary["notes"]:
        lines.print(f"note: {safe(note)}")
    lines.print(f"wrote {safe(', '.join(str(p) for p in paths.values()))}")
    for old in stale:
        lines.print(f"removed {safe(str(old))}: an earlier run's report, of other results")
