"""Cohort comparison of run directions after a batch: one per placement and sensor, per subject."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from retrogait.batch.store import COHORT_TITLE, cohort_group
from retrogait.compare import CompareSettings, SourceInfo, compare_directions
from retrogait.compare.metrics import METRICS
from retrogait.compare.output import OUTPUT_FILES, write_comparison
from retrogait.compare.sentences import nothing_to_compare
from retrogait.errors import RetrogaitError

#: Steps columns the comparison reads; the rest of the (possibly large) steps table is not loaded.
COMPARE_COLUMNS = tuple(
    dict.fromkeys(
        ["session", "subject", "ic_time_s", "direction", "activity", "quality_flags", *(m.column for m in METRICS)]
    )
)


def _read_columns(path: Path, wanted: tuple[str, ...]) -> pd.DataFrame:
    """Only the wanted columns of a Parquet or CSV table (those it has), told by its first bytes: the batch's steps
    table is read under its temporary name, before the set it belongs to is renamed into place (BATCH-59)."""
    with open(path, "rb") as fh:
        parquet = fh.read(4) == b"PAR1"
    if parquet:
        import pyarrow.parquet as pq

        names = set(pq.read_schema(path).names)
        return pd.read_parquet(path, columns=[c for c in wanted if c in names])
    return pd.read_csv(path, usecols=lambda c: c in wanted)


def _sources(sessions: pd.DataFrame) -> list[SourceInfo]:
    def text(value: object) -> str | None:
        return None if pd.isna(value) else str(value)  # type: ignore[call-overload]

    def number(value: object) -> float | None:
        return None if pd.isna(value) else float(value)  # type: ignore[arg-type, call-overload]

    return [
        SourceInfo(
            path=str(r["session"]),
            session=str(r["session"]),
            subject=str(r["subject"]),
            kind="analysis output",
            placement=text(r.get("placement")),
            sensor=text(r.get("sensor")),
            side=text(r.get("side")),
            sample_rate_hz=number(r.get("sample_rate_hz")),
            acc_range_g=number(r.get("acc_range_g")),
            n_steps=int(r["n_steps"]),
            analysis_version=text(r.get("analysis_version")),
            settings_hash=text(r.get("settings_hash")),
        )
        for r in sessions.to_dict(orient="records")
    ]


def cohort_comparisons(steps_path: Path, sessions: pd.DataFrame, out_dir: Path, stale: list[Path]) -> list[str]:
    """Compare directions per placement/sensor group of sessions; returns one line per group written or skipped.

    A group without forward or without backward steps (phones, a run one way only) is not written: its line says
    why, as `retrogait compare` does (EDGE-98); it wrote a report of "no forward or backward steps to compare" rows
    and its line read like any comparison's. An earlier batch's comparison of such a group, and of a group no session
    of this batch is in (BATCH-60), is added to ``stale``: called within :func:`outfiles.one_set` with the batch's
    tables, it goes when they are in place (BATCH-59).

    Steps of one subject are pooled into one mean per subject and direction (the comparison's
    ``subjects`` level), so a squad of 12 runners counts as 12 observations, not thousands of steps.
    """
    lines: list[str] = []
    keys = ["placement", "sensor"]
    groups = sessions.assign(**{k: sessions.get(k, pd.Series(dtype=object)).fillna("unknown") for k in keys})
    named = {cohort_group(placement, sensor) for placement, sensor in groups[keys].itertuples(index=False)}
    stale.extend(path for earlier in _other_groups(out_dir, named) for path in _earlier(earlier))
    if sessions.empty:
        return lines
    steps = _read_columns(steps_path, COMPARE_COLUMNS)
    for (placement, sensor), group in groups.groupby(keys, sort=True):
        target = out_dir / cohort_group(placement, sensor)
        group_steps = steps[steps["session"].isin(group["session"])]
        sessions_text = f"{len(group)} session{'s' if len(group) != 1 else ''}"
        try:
            comparison = compare_directions(group_steps, sources=_sources(group), settings=CompareSettings(unit="auto"))
            if (nothing := nothing_to_compare(comparison, options=False)) is not None:  # EDGE-98
                raise RetrogaitError(nothing)
            write_comparison(comparison, target, title=f"{COHORT_TITLE} ({placement}, {sensor})")
        except RetrogaitError as exc:
            stale.extend(_earlier(target))
            lines.append(f"cohort {placement}/{sensor}: {sessions_text}, not compared: {exc}")
            continue
        lines.append(f"cohort {placement}/{sensor}: {sessions_text}, level {comparison.level} -> {target}")
    return lines


def _other_groups(out_dir: Path, named: set[str]) -> list[Path]:
    """The comparison folders in ``out_dir`` (``OUT/cohort``) of no group in ``named``: an earlier batch compared
    sessions this one does not have, and its report beside this batch's tables showed another run's numbers
    (BATCH-60). Each is a batch's: the batch refused to start over a comparison in ``OUT/cohort`` no batch wrote
    (``store.refuse_replacing_foreign``, BATCH-56)."""
    if not out_dir.is_dir():
        return []
    return [
        folder
        for folder in sorted(out_dir.iterdir())
        if folder.name not in named
        and folder.is_dir()
        and any(name in OUTPUT_FILES or name.endswith(".png") for name in os.listdir(folder))
    ]


def _earlier(target: Path) -> list[Path]:
    """The files of the comparison an earlier batch wrote into ``target`` for a group this one does not compare, and
    the folder itself (removed when nothing else is in it): its report beside this batch's tables would show another
    run's numbers (EDGE-98)."""
    return [*(target / name for name in OUTPUT_FILES), target] if target.is_dir() else []
