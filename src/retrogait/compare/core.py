"""Forward versus backward, metric by metric: the comparison table, its design and its caveats.

The unit of analysis (docs/compare.md, "Who is independent of whom"):

* one person (one session, or too few sessions to compare their means): the steps of each direction
  are the sample, and the result describes this person in these sessions. Consecutive steps are not
  independent, so intervals and tests resample blocks of consecutive steps
  (:mod:`retrogait.compare.blocks`);
* several sessions of one subject (or of unnamed subjects), at least ``MIN_CLUSTERS_FOR_INFERENCE``
  per direction: one value per session and direction (the mean of its valid steps); sessions holding
  both directions are paired;
* several subjects: one value per subject and direction (the mean of all its valid steps), paired.

Below ``MIN_STEPS_FOR_INFERENCE`` steps (or ``MIN_CLUSTERS_FOR_INFERENCE`` sessions/subjects) per
direction only descriptive numbers are given: no interval, no test, no p-value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.analysis.aggregate import cadence_aggregate, metric_aggregate, step_times_in_runs
from retrogait.compare import stats
from retrogait.compare.blocks import BlockInterval, block_bootstrap_difference
from retrogait.compare.design import (
    ALPHA,
    DIRECTION_PAIR,
    FLAGGED_SUBSET,
    MIN_CLUSTERS_FOR_INFERENCE,
    MIN_STEPS_FOR_INFERENCE,
    MIN_STEPS_PER_CLUSTER,
    USABLE_SUBSET,
    CompareSettings,
    Comparison,
    FlaggedSteps,
    Unit,
)
from retrogait.compare.fairness import MatchInfo, flag_bits, flag_counts, flags_of, match_steps
from retrogait.compare.inputs import UNKNOWN_SUBJECT, SourceInfo
from retrogait.compare.metrics import METRICS, Metric
from retrogait.compare.sentences import caveats_for, metric_sentence
from retrogait.conventions import landings_noun

__all__ = [
    "ALPHA",
    "MIN_CLUSTERS_FOR_INFERENCE",
    "MIN_STEPS_FOR_INFERENCE",
    "MIN_STEPS_PER_CLUSTER",
    "CompareSettings",
    "Comparison",
    "FlaggedSteps",
    "Unit",
    "compare_directions",
    "compare_metric",
    "resolve_level",
]

#: Each step's step time when its previous contact is of the same bout and direction (s; else NaN), added
#: before steps are filtered: the values of the cadence metric (``analysis.aggregate.step_times_in_runs``).
STEP_TIME_IN_RUN_COLUMN = "step_time_in_run_s"
#: Each step's quality flags as bits (``fairness.flag_bits``), read once per comparison and carried with the steps
#: through their filtering, matching and sorting: the flag table and every metric's exclusions use them (BATCH-53).
FLAG_BITS_COLUMN = "quality_flag_bits"
#: A direction's step times: timed from a contact of the same bout and the same direction (as summary.json).
RUN_KEYS = ("bout_id", "direction")

_BLOCKS = (
    "Consecutive steps are not independent (a runner drifts with fatigue, speed and surface), so intervals "
    "and tests resample blocks of consecutive steps (block bootstrap) instead of single steps."
)


def _sessions_per_direction(steps: pd.DataFrame, at_least: int = MIN_STEPS_PER_CLUSTER) -> tuple[int, int, int]:
    """Sessions with at least ``at_least`` (default MIN_STEPS_PER_CLUSTER) steps forward, backward, and both."""
    counts = steps.groupby(["session", "direction"]).size().unstack("direction")
    counts = counts.reindex(columns=list(DIRECTION_PAIR)).fillna(0) >= at_least
    return int(counts["forward"].sum()), int(counts["backward"].sum()), int(counts.all(axis=1).sum())


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _unnamed_subject(steps: pd.DataFrame) -> str:
    """A sentence when inputs that name no subject are taken as one subject beside named ones (COMPARE-13)."""
    if "subject" not in steps.columns or steps["subject"].nunique() < 2:
        return ""
    unnamed = steps.loc[steps["subject"] == UNKNOWN_SUBJECT, "session"].nunique() if "session" in steps else 0
    if not unnamed:
        return ""
    return (
        f" The {_plural(int(unnamed), 'input')} naming no subject {'is' if unnamed == 1 else 'are'} taken as one "
        f"subject, '{UNKNOWN_SUBJECT}', though {'it' if unnamed == 1 else 'they'} may be of other people: name "
        "the subject (summary.json's subject, or --subject)."
    )


def pooled_people(steps: pd.DataFrame, level: str) -> str:
    """Why no interval or test is given when the observations of ``level`` mix several subjects without
    keeping them apart (COMPARE-13), else "": ``--unit steps`` over several subjects (steps of different
    people are no one's sample), ``--unit sessions`` where a subject has several sessions (a runner's
    sessions are more alike than different runners', so they are not independent observations)."""
    if level not in ("steps", "sessions") or "subject" not in steps.columns or len(steps) == 0:
        return ""
    subjects = int(steps["subject"].nunique())
    if subjects < 2:
        return ""
    if level == "steps":
        return (
            f"no interval or test: the steps of {subjects} subjects are pooled, and steps of different people are "
            "not one sample (a difference may be who ran which direction); --unit subjects compares runners"
        )
    per_subject = steps.groupby("subject")["session"].nunique() if "session" in steps.columns else None
    if per_subject is None or int(per_subject.max()) < 2:
        return ""
    return (
        f"no interval or test: the sessions of {subjects} subjects are taken as independent, but a runner's "
        "sessions are more alike than different runners' (the interval would be too narrow, the p-value too "
        "small); --unit subjects compares runners"
    )


def resolve_level(steps: pd.DataFrame, unit: Unit) -> tuple[str, str]:
    """The unit of analysis and why, in words.

    ``auto``: subjects if several are named; else sessions if enough of them hold each direction
    (``MIN_CLUSTERS_FOR_INFERENCE`` pairs, or per direction); else the steps of the one person.
    """
    subjects = steps["subject"].nunique() if "subject" in steps.columns else 1
    sessions = steps["session"].nunique() if "session" in steps.columns else 1
    if unit == "subjects" or (unit == "auto" and subjects > 1):
        return "subjects", (
            f"{_plural(subjects, 'subject')}: one mean per subject and direction is one observation (subjects "
            "holding both directions compared in pairs), so the result is about runners, not about steps."
            + _unnamed_subject(steps)
        )
    n_fwd, n_bwd, n_both = _sessions_per_direction(steps) if len(steps) else (0, 0, 0)
    enough = n_both >= MIN_CLUSTERS_FOR_INFERENCE or min(n_fwd, n_bwd) >= MIN_CLUSTERS_FOR_INFERENCE
    if unit == "sessions" or (unit == "auto" and sessions > 1 and enough):
        whose = "one person" if subjects <= 1 else f"{subjects} subjects, as requested (--unit sessions)"
        return "sessions", (
            f"{_plural(sessions, 'session')} of {whose}: one mean per session and direction is one observation "
            "(sessions holding both directions compared in pairs), so the variation from day to day is in the error."
        )
    if unit == "steps":
        whose = "" if subjects <= 1 else f" of {subjects} subjects"
        return "steps", (f"Steps pooled over {sessions} session(s){whose} as requested (--unit steps). {_BLOCKS}")
    if sessions <= 1:
        return "steps", (
            f"One session of one person: the steps of each direction are the sample, so the result describes this "
            f"runner in this session. {_BLOCKS}"
        )
    confounded = ""
    if n_both == 0:  # a session with a few steps of each direction was not run one way only (HONEST-41)
        confounded = (
            " Each direction was run in its own session, so a difference may be the day as much as the direction."
            if _sessions_per_direction(steps, at_least=1)[2] == 0
            else f" No session holds {MIN_STEPS_PER_CLUSTER} or more steps of each direction, so a difference may be "
            "the day as much as the direction."
        )
    # the sessions counted are those holding MIN_STEPS_PER_CLUSTER steps of a direction: "0 with backward steps"
    # was said of sessions holding 2 (HONEST-41)
    return "steps", (
        f"One person, {sessions} sessions ({n_fwd} with {MIN_STEPS_PER_CLUSTER} or more forward and {n_bwd} with "
        f"{MIN_STEPS_PER_CLUSTER} or more backward steps; {MIN_CLUSTERS_FOR_INFERENCE} such per direction are needed "
        "to compare session means): the steps of each "
        f"direction are the sample for this person in these sessions, and differences between sessions are not "
        f"in the error.{confounded} {_BLOCKS}"
    )


def metric_values(steps: pd.DataFrame, metric: Metric) -> NDArray[np.float64]:
    """Per-step values of ``metric`` (NaN where missing); shares are 1/0 among steps of known strike; for
    cadence the step times within bouts (s), which :func:`group_value` turns into 60 / mean step time."""
    if metric.aggregate == "cadence":
        if STEP_TIME_IN_RUN_COLUMN in steps.columns:
            return steps[STEP_TIME_IN_RUN_COLUMN].to_numpy(dtype=np.float64)
        return step_times_in_runs(steps, RUN_KEYS)
    if metric.column not in steps.columns:
        return np.full(len(steps), np.nan)
    if metric.kind == "share":
        strike = steps[metric.column].astype(str).to_numpy()
        known = np.isin(strike, ["rearfoot", "midfoot", "forefoot"])
        return np.where(known, (strike == metric.strike).astype(float), np.nan)
    return steps[metric.column].to_numpy(dtype=np.float64)


def group_value(x: NDArray[np.float64], metric: Metric) -> float:
    """The one number of a group of finite values (``mean_<direction>`` in compare.csv, a session's or
    subject's value): the aggregates of summary.json (``retrogait.analysis.aggregate``), so cadence is
    60 / mean step time within bouts (steps/min) and every other metric the mean."""
    aggregate = cadence_aggregate(x)["value"] if metric.aggregate == "cadence" else metric_aggregate(x)["mean"]
    return math.nan if aggregate is None else float(aggregate)


def _describe(x: NDArray[np.float64], metric: Metric) -> tuple[float, float, float]:
    """The group's value, SD and median in the metric's unit. Cadence has no median (the summary's cadence is
    one number of the group); its SD is the spread of the per-step cadences 60 / step time."""
    if x.size == 0:
        return math.nan, math.nan, math.nan
    spread = 60.0 / x if metric.aggregate == "cadence" else x
    sd = float(np.std(spread, ddof=1)) if x.size > 1 else math.nan
    median = metric_aggregate(x)["median"] if metric.aggregate == "mean" else math.nan
    return group_value(x, metric), sd, float(median)


def _cluster_values(
    values: NDArray[np.float64], direction: NDArray[Any], cluster: NDArray[Any], metric: Metric
) -> pd.DataFrame:
    """:func:`group_value` per cluster and direction (clusters with fewer than MIN_STEPS_PER_CLUSTER valid
    steps dropped)."""
    frame = pd.DataFrame({"value": values, "direction": direction, "cluster": cluster}).dropna(subset=["value"])
    agg = frame.groupby(["cluster", "direction"])["value"].agg(
        value=lambda v: group_value(v.to_numpy(dtype=np.float64), metric), count="count"
    )
    agg = agg[agg["count"] >= MIN_STEPS_PER_CLUSTER]
    return agg["value"].unstack("direction").reindex(columns=list(DIRECTION_PAIR))


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


def _infer_steps(
    a: NDArray[np.float64], b: NDArray[np.float64], metric: Metric, settings: CompareSettings
) -> dict[str, Any]:
    """Step-level inference: block bootstrap over consecutive steps (steps in time order). Cadence is
    resampled as step times and its difference read through 60 / mean step time (:func:`_as_cadence`)."""
    share = metric.kind == "share"
    result = block_bootstrap_difference(
        a, b, kind="points" if share else "percent", n_boot=settings.n_boot, confidence=settings.confidence,
        seed=settings.seed,
    )  # fmt: skip
    effect = stats.cohens_h(float(a.mean()), float(b.mean())) if share else float(stats.hedges_g(a, b))
    if metric.aggregate == "cadence":
        result, effect = _as_cadence(result), -effect
    return {
        "difference": result.estimate,
        "ci_low": result.low,
        "ci_high": result.high,
        "effect_size": effect,
        "effect_size_name": "Cohen's h" if share else "Hedges' g",
        "test": result.test if math.isfinite(result.p_value) else "",
        "statistic": result.statistic,
        "p_value": result.p_value,
        "p_value_is_bound": result.p_is_bound,
        "block_steps_forward": result.block_a,
        "block_steps_backward": result.block_b,
    }


def _as_cadence(step_time: BlockInterval) -> BlockInterval:
    """A percent difference of mean step times as the percent difference of cadences (60 / mean step time):
    ``100 (100 / (100 + d) - 1)``, decreasing, so the interval's ends swap and the statistic (a difference
    of logs) changes sign; the p-value stays."""

    def cadence(d: float) -> float:
        return 100.0 * (100.0 / (100.0 + d) - 1.0) if d > -100.0 else math.nan

    return BlockInterval(
        cadence(step_time.estimate),
        cadence(step_time.high),
        cadence(step_time.low),
        -step_time.statistic,
        step_time.p_value,
        step_time.block_a,
        step_time.block_b,
        step_time.p_is_bound,
        step_time.test,
    )


#: The note of a row when no forward or backward step is left at all.
NOTHING_TO_COMPARE: Final = "no forward or backward steps to compare"


def compare_metric(
    steps: pd.DataFrame,
    metric: Metric,
    *,
    level: str,
    usable: NDArray[np.bool_],
    settings: CompareSettings,
    withhold: str = "",
) -> dict[str, Any]:
    """One row of the comparison table for ``metric`` using the steps where ``usable`` is True; ``withhold``
    (a reason) gives the description only (:func:`pooled_people`)."""
    values = metric_values(steps, metric)
    direction = steps["direction"].to_numpy()
    present = ~np.isnan(values)
    row: dict[str, Any] = {
        "metric": metric.name,
        "label": metric.label,
        "unit": metric.unit,
        "kind": metric.kind,
        "subset": USABLE_SUBSET,
        "level": level,
    }
    groups: dict[str, NDArray[np.float64]] = {}
    for d in DIRECTION_PAIR:
        in_dir = direction == d
        groups[d] = values[in_dir & present & usable]
        row[f"n_{d}"] = int(groups[d].size)
        row[f"n_excluded_{d}"] = int(np.sum(in_dir & present & ~usable))
        mean, sd, median = _describe(groups[d], metric)
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
            "p_value_is_bound": False,  # True: p_value is the smallest the resamples can show (USER-6)
            "significant": None,
            "block_steps_forward": math.nan,
            "block_steps_backward": math.nan,
            "note": "",
        }
    )
    a, b = groups["forward"], groups["backward"]
    if len(steps) == 0:
        row["note"] = NOTHING_TO_COMPARE
        return row
    if metric.column not in steps.columns or not present.any():
        row["note"] = f"not measured (no {metric.column} values in the steps)"
        return row
    if a.size == 0 or b.size == 0:
        missing = "backward" if b.size == 0 else "forward"
        row["note"] = f"no usable {missing} steps: nothing to compare"
        return row
    if withhold:
        row["difference"] = float(stats.difference(np.array(row["mean_forward"]), np.array(row["mean_backward"]), kind))
        row["note"] = withhold
        return row
    if level == "steps":
        row["difference"] = float(stats.difference(np.array(row["mean_forward"]), np.array(row["mean_backward"]), kind))
        if min(a.size, b.size) < MIN_STEPS_FOR_INFERENCE:
            row["note"] = (
                f"too few steps for an interval or a test ({min(a.size, b.size)} in one direction; "
                f"at least {MIN_STEPS_FOR_INFERENCE} needed)"
            )
            return row
        row["design"] = "steps, unpaired, blocks of consecutive steps"
        row.update(_infer_steps(a, b, metric, settings))
    else:
        cluster_col = "session" if level == "sessions" else "subject"
        keep = present & usable & np.isin(direction, DIRECTION_PAIR)
        means = _cluster_values(values[keep], direction[keep], steps[cluster_col].to_numpy()[keep], metric)
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
        row["note"] = "no test: the values do not vary within each direction"
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
    steps[STEP_TIME_IN_RUN_COLUMN] = step_times_in_runs(steps, RUN_KEYS)  # before filtering
    steps[FLAG_BITS_COLUMN] = flag_bits(steps)  # the flag texts are read once (BATCH-53)
    counts = flag_counts(steps, steps[FLAG_BITS_COLUMN].to_numpy())
    # sideways steps travel neither way (issue 17); unknown (and anything else) is no direction
    sideways = steps["direction"] == "sideways"
    excluded: dict[str, int] = {
        "direction sideways": int(sideways.sum()),
        "direction unknown": int((~steps["direction"].isin(DIRECTION_PAIR) & ~sideways).sum()),
    }
    steps = steps[steps["direction"].isin(DIRECTION_PAIR)]
    if settings.activity and "activity" in steps.columns:
        # a step whose activity is not recorded (a steps table from before the column, compared with newer
        # ones) is kept, as when no input has the column; it was dropped as "not running" (USER-7)
        activity = steps["activity"].astype("string").str.strip().fillna("")
        not_activity = (activity != "") & (activity != settings.activity)
        excluded[f"not {settings.activity}"] = int(not_activity.sum())
        steps = steps[~not_activity]
    match_info: MatchInfo | None = None
    if settings.match:
        steps, match_info = match_steps(steps, on=settings.match, seed=settings.seed)
    steps = steps.sort_values(["session", "ic_time_s"], kind="stable")  # time order: blocks of consecutive steps
    level, unit_reason = resolve_level(steps, settings.unit)
    placements = {s.placement for s in sources if s.placement}
    noun = landings_noun(placements.pop() if len(placements) == 1 else None)
    flags = flags_of(steps[FLAG_BITS_COLUMN].to_numpy(), steps.index)
    withhold = pooled_people(steps, level)  # COMPARE-13
    rows: list[dict[str, Any]] = []
    for metric in metrics:
        spoiled = flags[list(metric.spoiled_by)].any(axis=1).to_numpy()
        rows.append(compare_metric(steps, metric, level=level, usable=~spoiled, settings=settings, withhold=withhold))
        if settings.flagged == "separate" and spoiled.any():
            flagged_row = compare_metric(
                steps, metric, level=level, usable=spoiled, settings=settings, withhold=withhold
            )
            flagged_row["subset"] = FLAGGED_SUBSET
            rows.append(flagged_row)
    if match_info is not None and not any(match_info.after.values()):  # say why nothing is left (USER-9)
        before = ", ".join(f"{match_info.before.get(d, 0)} {d}" for d in DIRECTION_PAIR)
        for row in rows:
            if row["note"] == NOTHING_TO_COMPARE:
                row["note"] = (
                    f"no forward and backward {noun} of equal {match_info.on} to compare (--match {match_info.on} "
                    f"kept none of {before}: the directions never met in one bin of {match_info.bin_width:g})"
                )
    table = pd.DataFrame(rows)
    table["summary"] = [metric_sentence(r, settings.confidence, noun) for r in rows]
    comparison = Comparison(
        table=table,
        level=level,
        flag_counts=counts,
        excluded=excluded,
        steps=steps,
        sources=list(sources),
        match=match_info,
        settings=settings,
        unit_reason=unit_reason,
        noun=noun,
    )
    comparison.caveats = caveats_for(comparison)
    return comparison
