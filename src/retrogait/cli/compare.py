"""``retrogait compare``: forward vs backward running with honest statistics, as files and a report."""

from __future__ import annotations

import math
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from retrogait.cli.app import app
from retrogait.cli.display import line_console, safe
from retrogait.cli.reader_options import reader_options
from retrogait.conventions import ACTIVITIES, PLACEMENTS
from retrogait.outfiles import one_set, refuse_replacing_files_of_others, refuse_writing_over_inputs

if TYPE_CHECKING:
    from retrogait.imports.base import ReaderOptions


#: Most bootstrap resamples: 50 times the default; more moves no printed digit and a mistyped number of
#: resamples (10000000000) ran for hours (COMPARE-11).
MAX_N_BOOT = 100_000


class MatchOn(StrEnum):
    cadence = "cadence"
    speed = "speed"


class UnitChoice(StrEnum):
    auto = "auto"
    steps = "steps"
    sessions = "sessions"
    subjects = "subjects"


class FlaggedChoice(StrEnum):
    exclude = "exclude"
    separate = "separate"


PlacementChoice = Enum("PlacementChoice", {p: p for p in PLACEMENTS}, type=str)  # type: ignore[misc]


def checked_activity(activity: str) -> str:
    """``--activity`` as steps.csv spells it (any case, spaces around), checked before any input is read: a
    word steps are never labelled with (``jogging``, ``Running`` before EDGE-78) compared nothing and wrote
    an empty report over the previous one."""
    from retrogait.errors import RetrogaitError

    name = activity.strip().lower()
    if name not in (*ACTIVITIES, "any"):
        raise RetrogaitError(
            f"--activity {safe(activity, markup=False)!r}: steps are labelled {', '.join(ACTIVITIES)}; give one "
            "of those or 'any'"
        )
    return name


@app.command()
@reader_options
def compare(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Recordings (analysed on the fly) and/or analysis outputs (steps.csv, or a folder with steps.csv "
            "and summary.json).",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (created).")] = Path("compare_out"),
    match: Annotated[
        MatchOn | None, typer.Option("--match", help="Compare only steps of similar cadence (or speed), per session.")
    ] = None,
    unit: Annotated[
        UnitChoice,
        typer.Option(
            help="Unit of analysis; auto = subjects if several, else sessions if at least 6 per direction, else the "
            "steps of one person (block bootstrap over consecutive steps)."
        ),
    ] = UnitChoice.auto,
    flagged: Annotated[
        FlaggedChoice,
        typer.Option(
            help="Steps flagged clipped/low_rate/gap: left out of the metrics they spoil, or also reported separately."
        ),
    ] = FlaggedChoice.exclude,
    placement: Annotated[
        PlacementChoice | None,
        typer.Option(
            help="Placement of inputs that do not state one (a steps.csv without summary.json, an app export); "
            "an input that states another is refused."
        ),
    ] = None,
    subject: Annotated[str | None, typer.Option(help="Subject of inputs that do not name one.")] = None,
    activity: Annotated[
        str, typer.Option(help=f"Compare only steps of this activity ({', '.join(ACTIVITIES)}) or 'any'.")
    ] = "running",
    n_boot: Annotated[
        int, typer.Option(help="Bootstrap resamples for the confidence intervals.", min=200, max=MAX_N_BOOT)
    ] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap and of matching (0 or more).", min=0)] = 0,
    *,
    reader: ReaderOptions,
) -> None:
    """Compare forward with backward running: per metric n, mean ± SD, median, % difference with a 95 % bootstrap
    interval, Hedges' g and a test; writes compare.csv, compare.json, PNG figures and report.html."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from retrogait.compare.core import CompareSettings, compare_directions
    from retrogait.compare.design import FLAGGED_SUBSET
    from retrogait.compare.fairness import check_comparable, provenance_notes
    from retrogait.compare.inputs import analysis_folders_in, files_beside_analyses, load_inputs
    from retrogait.compare.output import OUTPUT_FILES, not_measured, write_comparison
    from retrogait.compare.sentences import left_out_text, nothing_to_compare, p_text
    from retrogait.errors import RetrogaitError
    from retrogait.interrupt import finishing, saying

    activity = checked_activity(activity)
    not_compared = [(given, files_beside_analyses(given)) for given in inputs]  # beside its analysis folders
    inputs = [Path(one) for given in inputs for one in analysis_folders_in(given)]  # a folder of analyses: each
    refuse_writing_over_inputs([out / name for name in OUTPUT_FILES], inputs)
    refuse_replacing_files_of_others([out / name for name in OUTPUT_FILES], "compare")  # (EDGE-267)
    with Progress(
        TextColumn("[bold]reading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not Console(stderr=True).is_terminal,  # else a blank line on stderr
    ) as progress:
        task = progress.add_task("inputs", total=len(inputs))
        steps, sources = load_inputs(
            inputs,
            subject=subject,
            placement=placement.value if placement else None,
            on_loaded=lambda _source: progress.advance(task),
            reader=reader,
        )
    sources = check_comparable(sources, placement=placement.value if placement else None)
    settings = CompareSettings(
        unit=unit.value,
        match=match.value if match else None,
        flagged=flagged.value,
        activity=None if activity == "any" else activity,
        n_boot=n_boot,
        seed=seed,
    )
    comparison = compare_directions(steps, sources=sources, settings=settings)
    if (refusal := nothing_to_compare(comparison)) is not None:  # before anything is written over (EDGE-92)
        raise RetrogaitError(refusal + "; nothing written")
    with (
        saying(f"the comparison is not written ({out} as it was, or with a set journal the next run finishes)") as left,
        finishing(f"writing the comparison to {out} first: its files are one set (seconds)"),
    ):
        with (
            one_set()
        ):  # Ctrl-C or a full disk leaves the earlier set of outputs or this one, not a mix (EDGE-1, EDGE-10)
            written = write_comparison(comparison, out)
        left.now(f"the comparison is written to {out}, every file of it this run's; its table is not printed")
    console = line_console()
    table = Table(title=f"forward vs backward (unit: {comparison.level})", title_justify="left")
    for column in ("metric", f"{comparison.noun} fwd/bwd", "difference", "95 % CI", "test"):
        table.add_column(column, overflow="fold")
    for r in comparison.table.to_dict(orient="records"):
        if not_measured(r):
            continue
        unit_text = " pp" if r["kind"] == "share" else " %"
        ci = f"{r['ci_low']:+.1f} to {r['ci_high']:+.1f}{unit_text}" if math.isfinite(r["ci_low"]) else "-"
        diff = f"{r['difference']:+.1f}{unit_text}" if math.isfinite(r["difference"]) else "-"
        test = f"{r['test']}, {p_text(r)}" if math.isfinite(r["p_value"]) else r["note"] or "-"
        name = r["metric"] + (" (flagged)" if r["subset"] == FLAGGED_SUBSET else "")
        table.add_row(name, f"{r['n_forward']}/{r['n_backward']}", diff, ci, test)
    console.print(table, soft_wrap=False)
    console.print(f"unit of analysis: {comparison.level}. {comparison.unit_reason}", soft_wrap=True)
    if comparison.noun == "contacts":
        console.print("contacts = landings of the leg wearing the sensor; cadence is in steps of both legs per minute")
    if comparison.match is not None:  # how many steps the matching kept (USER-9)
        m = comparison.match
        kept = ", ".join(f"{m.after.get(d, 0)} of {m.before.get(d, 0)} {d}" for d in ("forward", "backward"))
        console.print(
            f"matched on {m.on} in bins of {m.bin_width:g} within each session: kept {kept} {comparison.noun}",
            soft_wrap=True,
        )
    if left_out := left_out_text(comparison):
        console.print(f"left out: {left_out}")
    for folder, names in not_compared:
        if names:  # EDGE-16: only the analysis folders inside were compared
            shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            console.print(
                f"note: {safe(str(folder))} also holds {safe(shown)}, not compared (a folder of analysis folders "
                "stands for those folders): give them as inputs to compare them too",
                soft_wrap=True,
            )
    for line in provenance_notes(comparison.sources, comparison.steps):  # USER-1, COMPARE-13: made differently
        console.print(f"note: {safe(line)}", soft_wrap=True)
    console.print(f"report: {safe(written['report.html'])}")
