"""The unit of work of a batch: analyse one recording and write its steps next to the others.

Runs in a worker process (local pool or Dask worker), so it takes and returns only small, picklable
values; the steps table goes straight to disk and never travels back to the parent. pandas and the
analysis are imported where a table is made or read: the batch process that only hands out jobs and
collects their outcomes never loads them (BATCH-17).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrogait.batch.fingerprint import Overrides, declared_digest, effective_settings
from retrogait.errors import RetrogaitError
from retrogait.outfiles import DISK_FULL, discard, writable_text

if TYPE_CHECKING:
    import pandas as pd

    from retrogait.analysis.result import AnalysisResult
    from retrogait.analysis.settings import AnalysisSettings
    from retrogait.imports.part import Part
    from retrogait.session import Session, SessionMeta

#: Metrics of the analysis summary (``analysis.pipeline.summarize``) whose per-direction medians go into the
#: one-row-per-session table (cadence is 60 / mean step time instead, ``cadence_spm_<direction>``: ANALYSIS-16).
SUMMARY_METRICS = ("contact_time_s", "impact_peak_g", "impact_loading_rate_g_per_s", "vgrf_peak_bw")
#: The directions a session row reports.
DIRECTIONS = ("forward", "backward", "sideways", "unknown")


class DiskFull(RetrogaitError):
    """A session's result could not be written: the disk is full (:data:`DISK_FULL`)."""


@dataclass(frozen=True)
class JobOutcome:
    """What one job reports back: where its steps are and one summary row, or why it failed."""

    key: str
    path: str
    ok: bool
    error: str | None = None
    steps_file: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    settings_hash: str | None = None  # AnalysisSettings.digest() of the settings the session was analysed with
    #: SHA-256 of the samples as read (``samples_digest``): the same recording in another container (EDGE-84)
    samples: str | None = None
    #: (kind, text) of what ``retrogait analyze`` says of the session after its table (:func:`said_of`): ``input``
    #: (how the recording was read, found out from its data) and ``note``; None: not recorded (a manifest written
    #: before BATCH-48, whose session is analysed again)
    notes: list[tuple[str, str]] | None = None
    #: for a one-leg placement the analysis read as both legs' (``other``, PHONE-17/18): the digest of the declared
    #: placement's settings (its preset with the overrides), on which that decision ran; None: not read as other, or
    #: a manifest written before BATCH-50 (such a session is analysed again once)
    declared_settings_hash: str | None = None
    #: True when ``summary["subject"]`` is the input's folder's name (its header gives no subject), False when its
    #: header gives it; None: a manifest written before REVIEW-89 (``as_given`` then tells by the name)
    subject_from_folder: bool | None = None
    #: the analysis version of another retrogait whose results of this input the manifest held and this job made again
    #: (those stay in the manifest and ``OUT/sessions/``); None: no such results (BATCH-57)
    earlier_version: str | None = None
    #: the session's result could not be written for want of space (:class:`DiskFull`): the batch stops, nothing of it
    #: recorded (EDGE-292); never in the manifest
    disk_full: bool = False


def as_given(outcome: JobOutcome, path: str) -> JobOutcome:
    """A finished job's outcome named by ``path``, the input as this run is given it: a session skipped as unchanged
    after its file was renamed or moved, or reached by another relative path, kept the name it was analysed under
    in sessions.csv, the steps and notes.csv (BATCH-51). Its steps file keeps the old name; the combined steps table
    takes the summary's (``store.CombinedTables.add``). A ``subject`` that is the folder's name is the new folder's:
    moved from ``alice/`` to ``bob/``, the session is bob's, as analysing it again would say (REVIEW-89); a subject
    its header gives stays. A manifest written before that did not say which: a subject equal to the old folder's name
    is taken as the folder's."""
    if outcome.path == path:
        return outcome
    if not outcome.summary:
        return replace(outcome, path=path)
    summary = {**outcome.summary, "session": writable_text(path)}
    from_folder = outcome.subject_from_folder
    if from_folder is None:
        from_folder = summary.get("subject") == writable_text(Path(outcome.path).parent.name)
    if from_folder:
        summary["subject"] = writable_text(Path(path).parent.name)
    return replace(outcome, path=path, summary=summary)


def samples_digest(session: Session) -> str:
    """SHA-256 (hex) of a session's time, acceleration and angular-rate arrays as read: the same for one
    recording however it is packed (``run.csv``, ``run.csv.gz``, ``run.zip``, its export folder and that
    folder's zip, a session ``convert`` made of it), where the bytes of the files differ (EDGE-84)."""
    import hashlib

    import numpy as np

    digest = hashlib.sha256()
    for values in (session.t_s, session.acc, session.gyr):
        digest.update(b"-" if values is None else np.ascontiguousarray(values, dtype=np.float64).tobytes())
    return digest.hexdigest()


@cache
def steps_suffix() -> str:
    """``.parquet`` when pyarrow's Parquet module imports (it loads no pandas), else ``.csv``: an installed
    but unusable pyarrow (built for another numpy, or a build without Parquet) falls back to CSV."""
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return ".csv"
    return ".parquet"


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write atomically (temporary file, then rename) as Parquet or CSV by suffix."""
    from retrogait.csvsafe import safe_frame

    tmp = path.with_name(path.name + ".partial")
    try:
        if path.suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            safe_frame(frame).to_csv(tmp, index=False)
        os.replace(tmp, path)
    except OSError as exc:  # a full disk is the user's to fix, not an internal error (EDGE-10)
        problem = os.strerror(exc.errno) if exc.errno else " ".join(str(exc).split())
        # a full disk is the batch's, not the session's: the batch stops, no session is "failed" for it (EDGE-292)
        error = DiskFull if exc.errno in DISK_FULL else RetrogaitError
        raise error(f"{path}: cannot be written: {problem}") from None
    finally:
        discard(tmp)  # a failure to remove it would hide the error above (EDGE-99)


def read_table(path: Path) -> pd.DataFrame:
    import pandas as pd

    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


def said_of(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, text) of every line ``retrogait analyze`` prints of a session's summary after its table
    (cli/analyze.py), in its order: ``("input", "inferred_KEY: value")`` for each inference of the import
    (``input_provenance``'s ``inferred_*``), then ``("note", note)`` for each note (BATCH-48)."""
    provenance = summary.get("input_provenance") or {}
    inferred = [("input", f"{key}: {value}") for key, value in provenance.items() if key.startswith("inferred_")]
    return inferred + [("note", str(note)) for note in summary.get("notes", [])]


def options_not_applied(options: dict[str, Any], meta: SessionMeta) -> list[str]:
    """A sentence for each batch option (``--placement``, ``--side``, ``--anterior-axis``) that a session file's
    header overrode (a header that says wins in a batch, EDGE-79; EDGE-205)."""
    said = []
    for key in ("placement", "side", "anterior_axis"):
        given, stated = options.get(key), getattr(meta, key)
        if given is not None and stated is not None and given != stated:
            flag, name = "--" + key.replace("_", "-"), key.replace("_", " ")
            said.append(
                f"read with {name} {stated}, as the session file's header says, not {flag} {given}: a batch keeps what "
                f"a header says (EDGE-79); `retrogait analyze` of the file with {flag} {given} takes the option"
            )
    return said


def session_row(summary: dict[str, Any]) -> dict[str, Any]:
    """One flat row of the analysis summary (``summary.json``, made by ``analysis.pipeline.summarize``: the
    one definition of every aggregate): step counts, cadence (60 / mean step time within bouts) of all
    steps and per direction, and per-direction medians of :data:`SUMMARY_METRICS`; NaN where there is none."""

    def number(value: Any) -> float:
        return float("nan") if value is None else float(value)

    per_direction = summary["per_direction"]
    row: dict[str, Any] = {"n_steps": summary["all"]["n_steps"]}
    row.update({f"n_{name}": per_direction[name]["n_steps"] for name in DIRECTIONS})
    row["cadence_spm_all"] = number(summary["all"]["cadence_spm"]["value"])
    for name in ("forward", "backward"):
        row[f"cadence_spm_{name}"] = number(per_direction[name]["cadence_spm"]["value"])
    for metric in SUMMARY_METRICS:
        for name in ("forward", "backward"):
            row[f"{metric}_median_{name}"] = number(per_direction[name][metric]["median"])
    return row


def analyze_one(
    path: str, key: str, settings: dict[str, Any], results_dir: str, overrides: Overrides | None = None
) -> JobOutcome:
    """Analyse one recording; never raises (failures come back as ``ok=False`` with one line).

    ``settings``: placement, side, anterior_axis (as ``retrogait batch`` options); ``overrides``: analysis
    settings ``{table: {key: value}}`` applied on the placement's preset (``--settings FILE.toml``).
    """
    from retrogait.analysis.part_plan import analysis_parts
    from retrogait.analysis.pipeline import (  # imported in the worker
        analyze,
        load_input,
        read_as_both_legs,
        said_if_no_steps,
    )
    from retrogait.analysis.settings_toml import max_acc_g_set
    from retrogait.imports.base import ReaderOptions

    start = time.perf_counter()
    reader = ReaderOptions.from_dict(settings.get("reader") or {})
    settings = {k: v for k, v in settings.items() if k != "reader"}
    metas: list[SessionMeta] = []  # the header of what was read (a part's is the file's)

    def read(part: Part | None) -> Session:
        session = load_input(  # the options fill in what the file does not say (EDGE-79)
            path,
            settings.get("placement"),
            settings.get("side"),
            settings.get("anterior_axis"),
            reader=reader,
            header_wins=True,
            part_s=part,
            max_acc_g=max_acc_g_set(overrides),  # the user's setting, for the units' check (EDGE-131)
        )
        metas.append(session.meta)
        return session

    def settings_for(session: Session) -> AnalysisSettings:
        return effective_settings(overrides, session.meta.placement)

    def given(session: Session) -> str | None:  # --placement where the session's is it: given, not the import's
        placement = settings.get("placement")  # default (no "placement not given" note, EDGE-192)
        return placement if placement is not None and placement == session.meta.placement else None

    try:
        # too long to analyse whole: in parts as `analyze` does (LONG-4, LONG-6), or refused before it is read (LONG-2)
        parts_s = analysis_parts(path)
        samples = None  # the samples' digest (EDGE-84) where the recording was read whole
        if parts_s is None:
            session = read(None)
            result = analyze(session, given(session), settings=settings_for(session))
            samples = samples_digest(session)
            del session
        else:
            from retrogait.analysis.parts import analyze_file_in_parts

            def analyse(one: Session, *, declared_facing_seen: bool = False) -> AnalysisResult:
                return analyze(
                    one,
                    given(one),
                    settings=settings_for(one),
                    declared_facing_seen=declared_facing_seen,
                    say_no_steps=False,
                )

            joined = analyze_file_in_parts(path, read, analyse, settings_for, parts_s, both_legs=read_as_both_legs)
            result = said_if_no_steps(joined, None)  # the joined whole's steps (IMPORT-29)
        meta = metas[0]
        steps = result.steps.copy()
        # the session's name as the tables hold it (Arrow strings and UTF-8 files: BATCH-18), the same in each
        name = writable_text(path)
        subject = writable_text(meta.subject or Path(path).parent.name)
        steps.insert(0, "subject", subject)
        steps.insert(0, "session", name)
        steps_file = Path(results_dir) / f"{key[:24]}{steps_suffix()}"
        write_table(steps, steps_file)
        summary = {
            "session": name,
            "subject": subject,
            "placement": result.signals.placement,
            "declared_placement": result.summary["declared_placement"],  # EDGE-192
            "sensor": meta.sensor,
            "side": meta.side,
            "sample_rate_hz": meta.sample_rate_hz,
            "acc_range_g": meta.acc_range_g,
            **session_row(result.summary),
            # how its steps were made (USER-3): the whole settings are OUT/settings_<placement>.toml
            "analysis_version": result.summary["analysis_version"],
            "settings_hash": result.summary["settings_hash"],
        }
        notes = [(kind, writable_text(text)) for kind, text in said_of(result.summary)]
        notes += [("batch", writable_text(text)) for text in options_not_applied(settings, meta)]  # EDGE-205
        summary["n_notes"] = len(notes)  # the session's rows of OUT/notes.csv (BATCH-48)
    except RetrogaitError as exc:
        seconds = time.perf_counter() - start
        return JobOutcome(key, path, ok=False, error=str(exc), seconds=seconds, disk_full=isinstance(exc, DiskFull))
    except Exception as exc:  # a bug: keep the batch going, say which file triggered it
        message = f"{path}: internal error: {type(exc).__name__}: {exc}".replace("\n", " ")
        return JobOutcome(key, path, ok=False, error=message, seconds=time.perf_counter() - start)
    return JobOutcome(
        key,
        path,
        ok=True,
        steps_file=str(steps_file),
        summary=summary,
        seconds=time.perf_counter() - start,
        settings_hash=result.summary["settings_hash"],
        samples=samples,
        notes=notes,
        declared_settings_hash=declared_digest(overrides, summary["placement"], summary["declared_placement"]),
        subject_from_folder=not meta.subject,
    )
