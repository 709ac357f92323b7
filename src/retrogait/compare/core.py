"""Forward versus backward, metric by metric: the comparison table, its design and its caveats.

The unit of analysis (docs/compare.md, "Who is independent of whom"):

* one session: steps are the observations; the interval and the test describe this runner in this
  session (steps of one run are not independent people, and the report says so);
* several sessions of one subject (or of unnamed subjects): one value per session and direction (the
  mean of its valid steps); sessions holding both directions are paired;
* several subjects: one value per subject and direction (the mean of all its valid steps), paired.

Below ``MIN_STEPS_FOR_INFERENCE`` steps (or ``MIN_CLUSTERS_FOR_INFERENCE`` sessions/subjects) per
direction only descriptive numbers are given: no interval, no test, no p-value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.compare import stats
from retrogait.compare.fairness import MatchInfo, MatchOn, flag_counts, flag_matrix, match_steps
from retrogait.compare.inputs import SourceInfo
from retrogait.compare.metrics import METRICS, Metric
from retrogait.compare.sentences import caveats_for, metric_sentence

#: Fewest steps per direction for an interval and a test (single-session comparisons). Why 20: the
#: percentile bootstrap interval of a mean undercovers for small samples (about 93 % instead of 95 %
#: at n = 20, under 90 % below n = 10), a mean of fewer than ~10-20 steps of tibial acceleration is not
#: a stable within-runner value, and a test on a handful of steps answers nothing worth a p-value.
MIN_STEPS_FOR_INFERENCE: Final = 20
#: Fewest sessions/subjects (pairs) per direction for an interval and a test. Why 6: with 5 pairs the
#: exact Wilcoxon signed-rank test cannot reach p < 0.05 however large the effect, and a bootstrap over
#: fewer than 6 clusters has only a few hundred distinct resamples.
MIN_CLUSTERS_FOR_INFERENCE: Final = 6
#: A session's (subject's) mean of one direction needs at least this many valid steps to be used.
MIN_STEPS_PER_CLUSTER: Final = 5
#: Significance level of the tests and 1 - confidence of the intervals.
ALPHA: Final = 0.05

Unit = Literal["auto", "steps", "sessions", "subjects"]
FlaggedSteps = Literal["exclude", "separate"]
DIRECTION_PAIR: Final = ("forward", "backward")


@dataclass(frozen=True)
class CompareSettings:
    """How a comparison was made (all recorded in compare.json)."""

    unit: Unit = "auto"
    match: MatchOn | None = None
    flagged: FlaggedSteps = "exclude"
    activity: str | None = "running"
    n_boot: int = 2000
    confidence: float = 1.0 - ALPHA
    alpha: float = ALPHA
    seed: int = 0


@dataclass
class Comparison:
    """Result of :func:`compare_directions`.

    Attributes:
        table: one row per metric (and per subset when flagged steps are reported separately); columns
            in docs/compare.md.
        level: resolved unit of analysis: ``steps``, ``sessions`` or ``subjects``.
        flag_counts: steps per direction, clean and per quality flag (before any exclusion).
        excluded: steps left out before the comparison, by reason (direction sideways, direction unknown,
            not running).
        steps: the steps that entered the comparison (after activity filter and matching).
        sources, match, caveats, settings: provenance, matching summary, caveat sentences, settings.
    """

    table: pd.DataFrame
    level: str
    flag_counts: pd.DataFrame
    excluded: dict[str, int]
    steps: pd.DataFrame
    sources: list[SourceInfo] = field(default_factory=list)
    match: MatchInfo | None = None
    caveats: list[str] = field(default_factory=list)
    settings: CompareSettings = field(default_factory=CompareSettings)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (NaN becomes None)."""
        return _jsonable(
            {
                "level": self.level,
                "settings": self.settings.__dict__,
                "sources": [s.to_dict() for s in self.sources],
                "excluded_steps": self.excluded,
                "quality_flags": self.flag_counts.to_dict(orient="records"),
                "match": None if self.match is None else self.match.__dict__,
                "metrics": self.table.to_dict(orient="records"),
                "caveats": self.caveats,
            }
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def resolve_level(steps: pd.DataFrame, unit: Unit) -> str:
    """The unit of analysis for ``unit="auto"``: subjects if several, else sessions if several, else steps."""
    if unit != "auto":
        return unit
    if "subject" in steps.columns and steps["subject"].nunique() > 1:
        return "subjects"
    if "session" in steps.columns and steps["session"].nunique() > 1:
        return "sessions"
    return "steps"


def metric_values(steps: pd.DataFrame, metric: Metric) -> NDArray[np.float64]:
    """Per-step values of ``metric`` (NaN where missing); shares are 1/0 among steps of known strike."""
    if metric.column not in steps.columns:
        return np.full(len(steps), np.nan)
    if metric.kind == "share":
        strike = steps[metric.column].astype(str).to_numpy()
        known = np.isin(strike, ["rearfoot", "midfoot", "forefoot"])
        return np.where(known, (strike == metric.strike).astype(float), np.nan)
    return steps[metric.column].to_numpy(dtype=np.float64)


def _describe(x: NDArray[np.float64]) -> tuple[float, float, float]:
    if x.size == 0:
        return math.nan, math.nan, math.nan
    sd = float(np.std(x, ddof=1)) if x.size > 1 else math.nan
    return float(np.mean(x)), sd, float(np.median(x))


def _cluster_means(values: NDArray[np.float64], direction: NDArray[Any], cluster: NDArray[Any]) -> pd.DataFrame:
    """Mean per cluster and direction (clusters with fewer than MIN_STEPS_PER_CLUSTER valid steps dropped)."""
    frame = pd.DataFrame({"value": values, "direction": direction, "cluster": cluster}).dropna(subset=["value"])
    agg = frame.groupby(["cluster", "direction"])["value"].agg(["mean", "count"])
    agg = agg[agg["count"] >= MIN_STEPS_PER_CLUSTER]
    return agg["mean"].unstack("direction").reindex(columns=list(DIRECTION_PAIR))


def _infer(
    a: NDArray[np.float64], b: NDArray[np.float64], metric: Metric, *, paired: bool, settings: CompareSettings
) -> dict[str, Any]:
    kind: stats.DifferenceKind = "points" if metric.kind == "share" else "percent"
    interval = stats.bootstrap_difference(
        a, b, paired=paired, kind=kind, n_boot=settings.n_boot, confidence=settings.confidence, seed=settings.seed
    )
    out: dict[str, Any] = {
        "difference": float(interval.estimate),
        "ci_low": float(interval.low),
        "ci_high": float(interval.high),
    }
    if paired:
        test = stats.paired_test(a, b)
        out["effect_size"] = float(stats.hedges_g_paired(a, b))
        out["effect_size_name"] = "Hedges' g_av"
    else:
        test = stats.two_sample_test(a, b)
        out["effect_size"] = float(stats.hedges_g(a, b))
        out["effect_size_name"] = "Hedges' g"
    out["test"] = str(test.test)
    out["statistic"] = float(test.statistic)
    out["p_value"] = float(test.p_value)
    return out


def _infer_share_steps(a: NDArray[np.float64], b: NDArray[np.float64], settings: CompareSettings) -> dict[str, Any]:
    interval = stats.bootstrap_difference(
        a, b, paired=False, kind="points", n_boot=settings.n_boot, confidence=settings.confidence, seed=settings.seed
    )
    odds, p = stats.fisher_share_test(int(a.sum()), a.size, int(b.sum()), b.size)
    return {
        "difference": float(interval.estimate),
        "ci_low": float(interval.low),
        "ci_high": float(interval.high),
        "effect_size": stats.cohens_h(float(a.mean()), float(b.mean())),
        "effect_size_name": "Cohen's h",
        "test": stats.FISHER,
        "statistic": odds,
        "p_value": p,
    }


def compare_metric(
    steps: pd.DataFrame, metric: Metric, *, level: str, usable: NDArray[np.bool_], settings: CompareSettings
) -> dict[str, Any]:
    """One row of the comparison table for ``metric`` using the steps where ``usable`` is True."""
    values = metric_values(steps, metric)
    direction = steps["direction"].to_numpy()
    present = ~np.isnan(values)
    row: dict[str, Any] = {
        "metric": metric.name,
        "label": metric.label,
        "unit": metric.unit,
        "kind": metric.kind,
        "subset": "clean steps",
        "level": level,
    }
    groups: dict[str, NDArray[np.float64]] = {}
    for d in DIRECTION_PAIR:
        in_dir = direction == d
        groups[d] = values[in_dir & present & usable]
        row[f"n_{d}"] = int(groups[d].size)
        row[f"n_excluded_{d}"] = int(np.sum(in_dir & present & ~usable))
        mean, sd, median = _describe(groups[d])
        row[f"mean_{d}"], row[f"sd_{d}"], row[f"median_{d}"] = mean, sd, median
    kind: stats.DifferenceKind = "points" if metric.kind == "share" else "percent"
    row["difference_unit"] = "percentage points" if kind == "points" else "%"
    row.update(
        {
            "clusters_forward": math.nan,
            "clusters_backward": math.nan,
            "design": "descriptive",
            "difference": math.nan,
            "ci_low": math.nan,
            "ci_high": math.nan,
            "effect_size": math.nan,
            "effect_size_name": "",
            "test": "",
            "statistic": math.nan,
            "p_value": math.nan,
            "significant": None,
            "note": "",
        }
    )
    a, b = groups["forward"], groups["backward"]
    if len(steps) == 0:
        row["note"] = "no forward or backward steps to compare"
        return row
    if metric.column not in steps.columns or not present.any():
        row["note"] = f"not measured (no {metric.column} values in the steps)"
        return row
    if a.size == 0 or b.size == 0:
        missing = "backward" if b.size == 0 else "forward"
        row["note"] = f"no usable {missing} steps: nothing to compare"
        return row
    if level == "steps":
        row["difference"] = float(stats.difference(np.array(a.mean()), np.array(b.mean()), kind))
        if min(a.size, b.size) < MIN_STEPS_FOR_INFERENCE:
            row["note"] = (
                f"too few steps for an interval or a test ({min(a.size, b.size)} in one direction; "
                f"at least {MIN_STEPS_FOR_INFERENCE} needed)"
            )
            return row
        row["design"] = "steps, unpaired"
        row.update(
            _infer_share_steps(a, b, settings)
            if metric.kind == "share"
            else _infer(a, b, metric, paired=False, settings=settings)
        )
    else:
        cluster_col = "session" if level == "sessions" else "subject"
        keep = present & usable & np.isin(direction, DIRECTION_PAIR)
        means = _cluster_means(values[keep], direction[keep], steps[cluster_col].to_numpy()[keep])
        both = means.dropna()
        fa, fb = means["forward"].dropna().to_numpy(), means["backward"].dropna().to_numpy()
        row["clusters_forward"], row["clusters_backward"] = int(fa.size), int(fb.size)
        noun = "sessions" if level == "sessions" else "subjects"
        if len(both) >= MIN_CLUSTERS_FOR_INFERENCE:
            ca, cb = both["forward"].to_numpy(), both["backward"].to_numpy()
            row["clusters_forward"] = row["clusters_backward"] = len(both)
            row["design"] = f"{noun}, paired"
            row.update(_infer(ca, cb, metric, paired=True, settings=settings))
        elif min(fa.size, fb.size) >= MIN_CLUSTERS_FOR_INFERENCE:
            row["design"] = f"{noun}, unpaired"
            row.update(_infer(fa, fb, metric, paired=False, settings=settings))
        else:
            if fa.size and fb.size:
                row["difference"] = float(stats.difference(np.array(fa.mean()), np.array(fb.mean()), kind))
            row["note"] = (
                f"too few {noun} for an interval or a test ({min(fa.size, fb.size)} with at least "
                f"{MIN_STEPS_PER_CLUSTER} valid steps in one direction; at least {MIN_CLUSTERS_FOR_INFERENCE} needed)"
            )
            return row
    if math.isfinite(row["p_value"]):
        row["significant"] = bool(row["p_value"] < settings.alpha)
    elif not row["note"]:
        row["note"] = "no test: the values do not vary"
    return row


def compare_directions(
    steps: pd.DataFrame,
    *,
    sources: Sequence[SourceInfo] = (),
    settings: CompareSettings | None = None,
    metrics: Sequence[Metric] = METRICS,
) -> Comparison:
    """Compare forward with backward steps for every metric.

    ``steps`` follows the analysis-output contract (docs/conventions.md); optional ``session`` and
    ``subject`` columns say which steps belong together (added by :func:`~retrogait.compare.inputs.load_inputs`).
    Placement and sensor compatibility is checked on ``sources`` beforehand
    (:func:`~retrogait.compare.fairness.check_comparable`).
    """
    settings = settings or CompareSettings()
    steps = steps.copy()
    if "quality_flags" not in steps.columns:
        steps["quality_flags"] = ""
    if "session" not in steps.columns:
        steps["session"] = "session"
    if "subject" not in steps.columns:
        steps["subject"] = "unknown"
    counts = flag_counts(steps)
    # sideways steps travel neither way (issue 17); unknown (and anything else) is no direction
    sideways = steps["direction"] == "sideways"
    excluded: dict[str, int] = {
        "direction sideways": int(sideways.sum()),
        "direction unknown": int((~steps["direction"].isin(DIRECTION_PAIR) & ~sideways).sum()),
    }
    steps = steps[steps["direction"].isin(DIRECTION_PAIR)]
    if settings.activity and "activity" in steps.columns:
        not_activity = steps["activity"].astype(str) != settings.activity
        excluded[f"not {settings.activity}"] = int(not_activity.sum())
        steps = steps[~not_activity]
    match_info: MatchInfo | None = None
    if settings.match:
        steps, match_info = match_steps(steps, on=settings.match, seed=settings.seed)
    level = resolve_level(steps, settings.unit)
    flags = flag_matrix(steps)
    rows: list[dict[str, Any]] = []
    for metric in metrics:
        spoiled = flags[list(metric.spoiled_by)].any(axis=1).to_numpy()
        rows.append(compare_metric(steps, metric, level=level, usable=~spoiled, settings=settings))
        if settings.flagged == "separate" and spoiled.any():
            flagged_row = compare_metric(steps, metric, level=level, usable=spoiled, settings=settings)
            flagged_row["subset"] = "flagged steps only"
            rows.append(flagged_row)
    table = pd.DataFrame(rows)
    table["summary"] = [metric_sentence(r, settings.confidence) for r in rows]
    comparison = Comparison(
        table=table,
        level=level,
        flag_counts=counts,
        excluded=excluded,
        steps=steps,
        sources=list(sources),
        match=match_info,
        settings=settings,
    )
    comparison.caveats = caveats_for(comparison)
    return comparison
