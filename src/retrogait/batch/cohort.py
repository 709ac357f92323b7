"""Cohort comparison of run directions after a batch: one per placement and sensor, per subject."""

from __future__ import annotations

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
    """Only the wanted columns of a Parquet or CSV table (those it has)."""
    if path.suffix == ".parquet":
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


def cohort_comparisons(steps_path: Path, sessions: pd.DataFrame, out_dir: Path) -> list[str]:
    """Compare directions per placement/sensor group of sessions; returns one line per group written or skipped.

    A group without forward or without backward steps (phones, a run one way only) is not written: its line says
    why, as `retrogait compare` does (EDGE-98); it wrote a report of "no forward or backward steps to compare" rows
    and its line read like any comparison's.

    Steps of one subject are pooled into one mean per subject and direction (the comparison's
    ``subjects`` level), so a squad of 12 runners counts as 12 observations, not thousands of steps.
    """
    if sessions.empty:
        return []
    steps = _read_columns(steps_path, COMPARE_COLUMNS)
    lines = []
    keys = ["placement", "sensor"]
    groups = sessions.assign(**{k: sessions.get(k, pd.Series(dtype=object)).fillna("unknown") for k in keys})
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
            _remove_earlier(target)
            lines.append(f"cohort {placement}/{sensor}: {sessions_text}, not compared: {exc}")
            continue
        lines.append(f"cohort {placement}/{sensor}: {sessions_text}, level {comparison.level} -> {target}")
    return lines


def _remove_earlier(target: Path) -> None:
    """Remove the comparison an earlier batch wrote into ``target`` for a group this one does not compare: its
    report beside this batch's tables would show another run's numbers (EDGE-98)."""
    for name in OUTPUT_FILES:
        (target / name).unlink(missing_ok=True)
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
