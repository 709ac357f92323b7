"""Reading what ``retrogait compare`` is given: analysis outputs or recordings, into one steps table.

Accepted inputs:

* a folder holding ``steps.csv`` (and optionally ``summary.json``), as ``retrogait analyze`` writes it;
* a ``steps.csv``-style table (any name; recognised by its ``ic_time_s`` and ``direction`` columns),
  with the ``summary.json`` beside it read when present;
* a recording (native session file, or any app export ``retrogait.imports`` reads: file, folder or
  zip), analysed on the fly with :func:`retrogait.analyze` (whose steps carry the effort proxy
  ``effort_g_per_min``).

Every table gets two columns: ``session`` (a label unique per input) and ``subject`` (from the
summary or the session header, else ``unknown``, meaning "the one user running retrogait").
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pandas.api.types import is_numeric_dtype

from retrogait.analysis.pipeline import STEP_COLUMNS, TEXT_COLUMNS, analyze
from retrogait.analysis.pipeline import load_input as load_recording_session
from retrogait.compare.metrics import METRICS
from retrogait.compare.steps_cut import refuse_cut_last_row, refuse_missing_rows
from retrogait.conventions import DIRECTIONS
from retrogait.errors import InputFileError, RetrogaitError
from retrogait.outfiles import refuse_unfinished_set
from retrogait.session import Session

if TYPE_CHECKING:
    from retrogait.imports.base import ReaderOptions

#: Columns a steps table must have; all others are optional (a missing metric is reported as such).
REQUIRED_COLUMNS: Final = ("ic_time_s", "direction")
#: Numeric columns of the analysis-output contract (docs/conventions.md) that compare reads, plus an
#: optional ``speed_ms`` (treadmill speed) for ``--match speed``.
NUMERIC_COLUMNS: Final = (*(c for c in STEP_COLUMNS if c not in TEXT_COLUMNS and c != "bout_id"), "speed_ms")
UNKNOWN_SUBJECT: Final = "unknown"


@dataclass(frozen=True)
class SourceInfo:
    """Where one input's steps came from and how they were recorded (None where unknown)."""

    path: str
    session: str
    subject: str
    kind: str  # "analysis output" or "recording"
    placement: str | None
    sensor: str | None
    side: str | None
    sample_rate_hz: float | None
    acc_range_g: float | None
    n_steps: int
    #: How its steps were made (summary.json's ``analysis_version`` and ``settings_hash``; None when not
    #: recorded: a steps table without summary.json, a summary from before they were written) (USER-1).
    analysis_version: str | None = None
    settings_hash: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LoadedInput:
    """One input: its steps (with ``session`` and ``subject`` columns) and where they came from."""

    steps: pd.DataFrame
    source: SourceInfo


#: Field separators a steps table may use: ``,`` as ``retrogait analyze`` writes it; ``;`` or a tab as a spreadsheet
#: saves it again in a locale whose decimal mark is a comma (COMPARE-11).
SEPARATORS: Final = (",", ";", "\t")


def separator_of(header: str) -> str:
    """The field separator of a table whose header line is ``header``: the one it holds most of (column
    names hold none), ``,`` when it holds none."""
    counts = [header.count(sep) for sep in SEPARATORS]
    return SEPARATORS[counts.index(max(counts))] if max(counts) else ","


def _header_line(path: Path) -> str:
    """The header line of a CSV whose header may be preceded by ``#`` lines ("" when there is none)."""
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
            for line in fh:
                if line.strip() and not line.startswith("#"):
                    return line.strip()
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
    return ""


def _table_header(path: Path) -> list[str]:
    """Column names of a CSV whose header may be preceded by ``#`` lines (any of :data:`SEPARATORS`)."""
    line = _header_line(path)
    return [c.strip().lower() for c in line.split(separator_of(line))] if line else []


#: Columns only a steps table has (a recording has t_s and acc_*): one of them marks a steps table.
_STEPS_MARKERS: Final = ("ic_time_s", "direction", "step_time_s", "impact_peak_g", "quality_flags")


def is_steps_table(path: Path) -> bool:
    """True when ``path`` is a CSV table meant as a steps table (it has a steps-only column); whether it
    has all required columns is checked when it is read."""
    return path.suffix.lower() == ".csv" and bool(set(_STEPS_MARKERS) & set(_table_header(path)))


def read_summary(path: Path) -> dict[str, Any]:
    """The ``summary.json`` of an analysis output ({} when absent)."""
    if path.is_dir():  # not silently "no summary": its placement and step count would be lost unsaid
        raise InputFileError(path, "is a folder, not a file: an analysis folder's summary.json is a JSON file")
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(path, f"is not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise InputFileError(path, "must hold a JSON object (the analysis summary)")
    return data


def validate_steps(steps: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """Check and normalise a steps table: required columns, numeric columns, known direction labels.

    Returns a copy with numeric columns as float, ``direction``/``foot_strike`` as lower-case text and
    ``quality_flags`` as text ("" when clean). Raises :class:`InputFileError` naming the problem.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in steps.columns]
    if missing:
        raise InputFileError(
            path,
            f"missing column(s) {', '.join(missing)}; a steps table needs {', '.join(REQUIRED_COLUMNS)} "
            "(see docs/conventions.md, 'Analysis outputs')",
        )
    measured = [m.column for m in METRICS if m.column in steps.columns]
    if not measured:
        raise InputFileError(
            path,
            "has no metric column to compare (e.g. step_time_s, contact_time_s, impact_peak_g, foot_strike); "
            "see docs/conventions.md, 'Analysis outputs'",
        )
    out = steps.copy()
    for column in NUMERIC_COLUMNS:
        if column in out.columns:
            original = out[column]
            converted = original if is_numeric_dtype(original) else pd.to_numeric(original, errors="coerce")
            suspect = (converted.isna() & original.notna()).to_numpy()
            if suspect.any():  # only the cells that did not convert are looked at as text (300 inputs: COMPARE-11)
                bad = suspect.copy()
                bad[suspect] = (original[suspect].astype(str).str.strip() != "").to_numpy()
                if bad.any():
                    row = int(np.flatnonzero(bad)[0])
                    raise InputFileError(
                        path, f"column {column} holds {original.iloc[row]!r}, not a number (data row {row + 1})"
                    )
            out[column] = converted.astype(float)
            _refuse_beyond_measurement(out[column], column, path)
    _refuse_timeless_steps(out, path)
    out["direction"] = _text(out["direction"], "unknown").str.lower()
    bad_dirs = sorted(set(out["direction"]) - set(DIRECTIONS))
    if bad_dirs:
        raise InputFileError(path, f"direction must be one of {', '.join(DIRECTIONS)}, found {bad_dirs[0]!r}")
    if "foot_strike" in out.columns:
        out["foot_strike"] = _text(out["foot_strike"], "unknown").str.lower()
    flags = out["quality_flags"] if "quality_flags" in out.columns else pd.Series("", index=out.index)
    out["quality_flags"] = _text(flags, "")
    return out


def _text(column: pd.Series, empty: str) -> pd.Series:
    """A text column with ``empty`` in its empty cells, stripped; also when every cell is empty and pandas read
    it as numbers (a table whose column names were edited, so no text type was asked for it; COMPARE-11)."""
    return column.astype(object).where(column.notna(), empty).astype(str).str.strip()


#: A metric's magnitude no measurement reaches in any unit the steps table uses (g, BW, s, steps/min, BW/s,
#: g/s, g/min): as ``analysis.preprocess.ANY_UNIT_LIMIT`` for samples (EDGE-60).
METRIC_LIMIT: Final = 1e7
#: The columns held to it: the measured metrics (times of day may be large, e.g. a Unix clock).
_LIMITED_COLUMNS: Final = frozenset(m.column for m in METRICS)


#: Durations no step has: a step time must be above 0 s and a contact time not below it (COMPARE-11).
_DURATIONS: Final = {"step_time_s": "above 0", "contact_time_s": "0 or more"}


def _refuse_timeless_steps(steps: pd.DataFrame, path: str | Path) -> None:
    """Refuse a step time of 0 s or less, or a negative contact time: no analysis writes one (a gap is an empty
    cell), and cadence, 60 / step time, would divide by it (COMPARE-11)."""
    for column, rule in _DURATIONS.items():
        if column not in steps.columns:
            continue
        values = steps[column].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            bad = values <= 0 if column == "step_time_s" else values < 0
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputFileError(
                path, f"column {column} holds {values[row]:g}, not a duration of a step ({rule} s) (data row {row + 1})"
            )


def _refuse_beyond_measurement(values: pd.Series, column: str, path: str | Path) -> None:
    """Refuse a column holding an infinity, or a metric beyond :data:`METRIC_LIMIT`: no analysis writes one
    (a gap is empty), and the statistics would overflow on it (EDGE-60)."""
    numbers = values.to_numpy()
    with np.errstate(invalid="ignore"):
        bad = np.isinf(numbers)
        if column in _LIMITED_COLUMNS:
            bad |= np.abs(numbers) > METRIC_LIMIT
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        value = float(numbers[row])
        limit = f"{METRIC_LIMIT:.0e}".replace("e+0", "e")
        what = "not a finite number" if math.isinf(value) else f"beyond any measurement (|value| > {limit})"
        raise InputFileError(path, f"column {column} holds {value:g}, {what} (data row {row + 1})")


def _read_steps_csv(path: Path) -> pd.DataFrame:
    """A steps table, checked (:func:`validate_steps`); one cut off in a row is refused (EDGE-35). A table saved
    again by a spreadsheet is read as well: ``;`` or tab separated, decimal commas, a BOM, column names in
    capitals or with spaces around them (COMPARE-11)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not raw.strip():
        raise InputFileError(path, "is empty: a steps table needs a header line and one row per step")
    text_start = raw[:65536].decode("utf-8", errors="replace").lstrip("\ufeff")
    header = next((ln.strip() for ln in text_start.splitlines() if ln.strip() and not ln.startswith("#")), "")
    sep = separator_of(header)
    refuse_cut_last_row(path, raw, sep)
    names = [c.strip().lower() for c in next(csv.reader([header], delimiter=sep), [])]
    twice = sorted({c for c in names if c and names.count(c) > 1})
    if twice:  # which of the two to compare cannot be told (pandas would rename the second and leave it unsaid)
        raise InputFileError(path, f"has the column {twice[0]} twice: keep one of them")
    try:
        table = pd.read_csv(
            io.BytesIO(raw),
            comment="#",
            sep=sep,
            encoding="utf-8-sig",
            dtype=str if sep != "," else {"direction": str, "foot_strike": str, "quality_flags": str},
            skip_blank_lines=True,
        )
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputFileError(path, f"cannot be read as a steps table ({' '.join(str(exc).split())})") from exc
    table.columns = [str(c).strip().lower() for c in table.columns]
    if sep != ",":  # a comma inside a field of a ;- or tab-separated table is a decimal comma
        for column in NUMERIC_COLUMNS:
            if column in table.columns:
                table[column] = table[column].str.strip().str.replace(",", ".", regex=False)
    return validate_steps(table, path)


def _opt_float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def _opt_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _source(
    path: Path, label: str, kind: str, info: dict[str, Any], n_steps: int, subject_default: str | None
) -> SourceInfo:
    return SourceInfo(
        path=str(path),
        session=label,
        subject=_opt_str(info.get("subject")) or subject_default or UNKNOWN_SUBJECT,
        kind=kind,
        placement=_opt_str(info.get("placement")),
        sensor=_opt_str(info.get("sensor")),
        side=_opt_str(info.get("side")),
        sample_rate_hz=_opt_float(info.get("sample_rate_hz")),
        acc_range_g=_opt_float(info.get("acc_range_g")),
        n_steps=n_steps,
        analysis_version=_opt_str(info.get("analysis_version")),
        settings_hash=_opt_str(info.get("settings_hash")),
    )


def _session_info(session: Session) -> dict[str, Any]:
    m = session.meta
    return {
        "placement": m.placement,
        "sensor": m.sensor,
        "side": m.side,
        "sample_rate_hz": m.sample_rate_hz,
        "acc_range_g": m.acc_range_g,
        "subject": m.subject,
    }


def load_input(
    path: str | Path,
    *,
    label: str | None = None,
    subject: str | None = None,
    placement: str | None = None,
    reader: ReaderOptions | None = None,
) -> LoadedInput:
    """Read one input (analysis folder, steps table or recording) into a validated steps table.

    ``placement`` is handed to the importer for recordings whose file does not state it.
    """
    p = Path(path)
    if not p.exists():
        raise InputFileError(p, "does not exist")
    refuse_unfinished_set(p)  # an output folder whose set was stopped while renamed holds two runs (EDGE-287)
    if p.is_dir() and (p / "steps.csv").exists() and not (p / "steps.csv").is_file():
        raise InputFileError(p / "steps.csv", "is a folder, not a file: an analysis folder's steps table is a CSV file")
    if p.is_dir() and (p / "steps.csv").is_file():
        steps = _read_steps_csv(p / "steps.csv")
        info = read_summary(p / "summary.json")
        refuse_missing_rows(p / "steps.csv", len(steps), info)
        return _finish(steps, _source(p, label or p.name, "analysis output", info, len(steps), subject))
    if p.is_file() and is_steps_table(p):
        steps = _read_steps_csv(p)
        info = read_summary(p.with_name("summary.json"))
        if p.name == "steps.csv":
            refuse_missing_rows(p, len(steps), info)
        name = p.parent.name if p.name == "steps.csv" and p.parent.name else p.stem
        return _finish(steps, _source(p, label or name, "analysis output", info, len(steps), subject))
    if _holds_steps_table(p):
        return _zipped_analysis(p, label=label, subject=subject)
    return _load_recording(p, label=label, subject=subject, placement=placement, reader=reader)


def _holds_steps_table(path: Path) -> bool:
    """Whether ``path`` is a zip with a ``steps.csv`` in it (a zipped analysis folder; by the names only)."""
    from retrogait.imports.limits import ZIP_ERRORS
    from retrogait.imports.zipped import is_plain_zip

    if not is_plain_zip(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.replace("\\", "/").rsplit("/", 1)[-1] == "steps.csv" for name in archive.namelist())
    except ZIP_ERRORS:
        return False


def _zipped_analysis(p: Path, *, label: str | None, subject: str | None) -> LoadedInput:
    """The analysis folder a zip holds (a zipped ``retrogait analyze`` output), read as the folder would be
    (EDGE-49); every message names the zip and its members."""
    from retrogait.imports.zipped import in_zip_words, unpacked

    with unpacked(p) as (_, folder):
        found = sorted(table.parent for table in folder.rglob("steps.csv") if table.is_file())
        if len(found) != 1:
            names = ", ".join(in_zip_words(str(f), folder, p) for f in found[:3]) + (", ..." if len(found) > 3 else "")
            raise InputFileError(
                p, f"holds {len(found)} analysis folders ({names}): unzip it and give the folders (or their parent)"
            )
        try:
            steps = _read_steps_csv(found[0] / "steps.csv")
            info = read_summary(found[0] / "summary.json")
            refuse_missing_rows(found[0] / "steps.csv", len(steps), info)
        except InputFileError as exc:
            where = in_zip_words(exc.path, folder, p)
            raise InputFileError(where, in_zip_words(exc.problem, folder, p), exc.line) from None
    return _finish(steps, _source(p, label or p.stem, "analysis output", info, len(steps), subject))


def _load_recording(
    p: Path, *, label: str | None, subject: str | None, placement: str | None, reader: ReaderOptions | None = None
) -> LoadedInput:
    """Analyse a recording (native file, app export file, folder or zip); its steps carry the effort proxy."""
    session = load_recording_session(p, placement, reader=reader, header_wins=True)  # a file's own wins (EDGE-79)
    try:
        result = analyze(session)
    except RetrogaitError:
        raise
    except (ValueError, OSError) as exc:
        raise InputFileError(p, f"could not be analysed ({' '.join(str(exc).split())})") from exc
    steps = validate_steps(result.steps, p)
    info: dict[str, Any] = dict(result.summary)
    info.update({k: v for k, v in _session_info(session).items() if v is not None})
    return _finish(steps, _source(p, label or p.stem, "recording", info, len(steps), subject))


def _finish(steps: pd.DataFrame, source: SourceInfo) -> LoadedInput:
    steps = steps.copy()
    steps["session"] = source.session
    steps["subject"] = source.subject
    return LoadedInput(steps=steps, source=source)


def analysis_folders_in(path: str | Path) -> list[str | Path]:
    """``path``, or the analysis folders directly inside it (EDGE-6): a folder without a steps.csv of its own
    whose subfolders hold one (`compare results/` after `analyze ... --out results/NAME`)."""
    p = Path(path)
    if not p.is_dir() or (p / "steps.csv").is_file():
        return [path]
    try:
        inside = sorted(c for c in p.iterdir() if c.is_dir() and (c / "steps.csv").is_file())
    except OSError:
        return [path]
    return list(inside) or [path]


def files_beside_analyses(path: str | Path) -> list[str]:
    """The files directly in ``path`` that could be recordings (by name: ``recordings.is_recording``) when
    ``path`` stands for the analysis folders inside it (EDGE-6), so not compared (EDGE-16). A recording
    one of those folders was made from (its ``source_digest``, else its ``source`` file name, in the
    summary) is compared, through its analysis, and not named (EDGE-18)."""
    from retrogait.imports.identity import recording_digest
    from retrogait.recordings import is_recording

    p = Path(path)
    folders = analysis_folders_in(p)
    if folders == [path]:
        return []
    try:
        files = sorted((c for c in p.iterdir() if c.is_file() and is_recording(c)), key=lambda c: c.name)
    except OSError:
        return []
    digests: set[str] = set()
    names: set[str] = set()
    for folder in folders:
        try:
            summary = read_summary(Path(folder) / "summary.json")
        except RetrogaitError:
            continue
        if isinstance(summary.get("source_digest"), str):
            digests.add(summary["source_digest"])
        elif isinstance(summary.get("source"), str):
            names.add(Path(summary["source"]).name)

    def analysed(file: Path) -> bool:
        if file.name in names:
            return True
        try:
            return bool(digests) and recording_digest(file) in digests
        except OSError:
            return False

    return [c.name for c in files if not analysed(c)]


def _file_identity(path: str | Path) -> tuple[int, int] | None:
    """The file whose steps ``path`` gives (an analysis folder's steps.csv, else the path itself) as
    ``(device, inode)``, so a link or another spelling of it is the same; None when it cannot be looked at."""
    p = Path(path)
    target = p / "steps.csv" if p.is_dir() and (p / "steps.csv").is_file() else p
    try:
        info = os.stat(target)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _session_digest(path: str | Path) -> str | None:
    """The content digest of the recording ``path``'s steps come from (EDGE-8): a recording's own
    (``imports.identity.recording_digest``), an analysis output's ``source_digest`` from its summary.json;
    None when unknown (a summary written before EDGE-8, a file that cannot be read: reading it says why)."""
    from retrogait.imports.identity import recording_digest

    p = Path(path)
    if p.is_dir() and (p / "steps.csv").is_file():
        summary = p / "summary.json"
    elif p.is_file() and is_steps_table(p):
        summary = p.with_name("summary.json")
    else:
        try:
            return recording_digest(p)
        except OSError:
            return None
    try:
        digest = read_summary(summary).get("source_digest")
    except RetrogaitError:
        return None
    return digest if isinstance(digest, str) and digest else None


#: Fewest steps whose times and directions identify a session by its content (COMPARE-12): fewer could agree
#: with another session's by chance (and give no session mean anyway).
MIN_STEPS_FOR_IDENTITY: Final = 5
#: Share of an input's steps found, at the same time and direction, in an earlier input that makes it (part of)
#: the same session: a copy, or a copy with some rows removed. Different sessions share a step time to 0.1 ms
#: about 1 % of the time at 400 Hz, 11 % at 25 Hz (one sample in a step's duration).
SAME_STEPS_SHARE: Final = 0.9


def step_keys(steps: pd.DataFrame) -> NDArray[np.int64]:
    """One integer per step: its time to 0.1 ms and its direction (0-3), so that a step of one input can be
    looked up in another's whatever their file, name, separators or other columns (COMPARE-12)."""
    times = np.round(np.nan_to_num(steps["ic_time_s"].to_numpy(dtype=float), nan=-1.0) * 1e4)
    times = np.clip(times, -(2.0**58), 2.0**58).astype(np.int64)
    code = pd.Categorical(steps["direction"].astype(str), categories=list(DIRECTIONS)).codes.astype(np.int64)
    return times * 8 + (code + 1)


class _SeenSteps:
    """The steps of the inputs read so far, to find an input whose steps are (most of) an earlier one's."""

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.int64)  # sorted, unique: every step seen
        self._owner = np.empty(0, dtype=np.int64)  # the input that first held each
        self._paths: list[str | Path] = []

    def check(self, path: str | Path, steps: pd.DataFrame) -> None:
        """Raise :class:`RetrogaitError` when at least :data:`SAME_STEPS_SHARE` of ``steps`` (at least
        :data:`MIN_STEPS_FOR_IDENTITY`) are steps of one earlier input; else remember them."""
        keys = np.unique(step_keys(steps))
        if keys.size >= MIN_STEPS_FOR_IDENTITY and self._keys.size:
            at = np.minimum(np.searchsorted(self._keys, keys), self._keys.size - 1)
            found = self._keys[at] == keys
            counts = np.bincount(self._owner[at[found]], minlength=len(self._paths))
            if counts.size and counts.max() >= SAME_STEPS_SHARE * keys.size:
                first, shared = self._paths[int(counts.argmax())], int(counts.max())
                what = (
                    f"holds the same {keys.size} step times and directions as {first}"
                    if shared == keys.size
                    else f"holds {shared} of its {keys.size} step times and directions also in {first}"
                )
                raise RetrogaitError(
                    f"{path}: {what}: one session given twice (a copy under another name, or a part of it?); "
                    "its steps would count twice: give each session once"
                )
        merged = np.concatenate([self._keys, keys])
        owners = np.concatenate([self._owner, np.full(keys.size, len(self._paths), dtype=np.int64)])
        self._keys, first_at = np.unique(merged, return_index=True)  # the earlier input keeps a shared step
        self._owner = owners[first_at]
        self._paths.append(path)


def load_inputs(
    paths: Sequence[str | Path],
    *,
    subject: str | None = None,
    placement: str | None = None,
    on_loaded: Callable[[SourceInfo], None] | None = None,
    reader: ReaderOptions | None = None,
) -> tuple[pd.DataFrame, list[SourceInfo]]:
    """Read several inputs into one steps table (session labels made unique) and their sources.

    ``on_loaded`` is called after each input (for a progress bar); ``reader`` says how to read
    recordings (the user's --format, --rate and column mapping).
    """
    if not paths:
        raise RetrogaitError("nothing to compare: give at least one recording or analysis output")
    loaded: list[LoadedInput] = []
    seen: dict[str, int] = {}
    given: dict[tuple[int, int], str | Path] = {}
    sessions: dict[str, str | Path] = {}
    same_steps = _SeenSteps()
    for path in [one for given_path in paths for one in analysis_folders_in(given_path)]:
        identity = _file_identity(path)
        if identity is not None and identity in given:  # EDGE-5: its steps would count twice
            same = "is given twice" if str(given[identity]) == str(path) else f"is the same input as {given[identity]}"
            raise RetrogaitError(f"{path}: {same}; its steps would count twice: give each session once")
        if identity is not None:
            given[identity] = path
        item = load_input(path, subject=subject, placement=placement, reader=reader)
        digest = _session_digest(path)  # after reading: a folder is hashed only once it proved a recording
        if digest is not None and digest in sessions:  # EDGE-8: a recording and its analysis, or two copies
            same = f"is the same session as {sessions[digest]}"
            raise RetrogaitError(f"{path}: {same}; its steps would count twice: give each session once")
        if digest is not None:
            sessions[digest] = path
        same_steps.check(path, item.steps)  # COMPARE-12: a copy (or part) of a table, not linked by a digest
        count = seen.get(item.source.session, 0) + 1
        seen[item.source.session] = count
        if count > 1:
            item = _finish(item.steps, replace(item.source, session=f"{item.source.session}#{count}"))
        loaded.append(item)
        if on_loaded:
            on_loaded(item.source)
    steps = pd.concat([item.steps for item in loaded], ignore_index=True)
    return steps, [item.source for item in loaded]
