"""One definition of each session fact (issue 13 item 5): summary.json, batch's sessions row and compare
give a group's cadence as 60 / mean step time of the steps timed within their bout and direction, never the
mean or median of per-step cadences, and the same medians and means of the other metrics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrogait.analysis.aggregate import StepArrays, cadence_of_steps, metric_aggregate, step_times_in_runs
from retrogait.analysis.pipeline import analyze
from retrogait.batch.worker import session_row
from retrogait.compare import CompareSettings, compare_directions
from steps_factory import make_steps

ROOT = Path(__file__).resolve().parents[1]
FAST = CompareSettings(n_boot=300)


def _row(comparison: object, metric: str) -> dict[str, object]:
    table = comparison.table  # type: ignore[attr-defined]
    return table[(table["metric"] == metric) & (table["subset"] == "usable steps")].iloc[0].to_dict()  # type: ignore[no-any-return]


def _limping(seed: int = 0) -> pd.DataFrame:
    """make_steps with left and right step times of different length (0.29 / 0.36 s forward, 0.27 / 0.33 s
    backward): the mean and the median of the per-step cadences 60 / step time are not 60 / mean step time."""
    steps = make_steps(n_forward=120, n_backward=120, seed=seed)
    left = np.arange(len(steps)) % 2 == 0
    forward = (steps["direction"] == "forward").to_numpy()
    step = np.where(forward, np.where(left, 0.29, 0.36), np.where(left, 0.27, 0.33))
    step = step * np.random.default_rng(seed).normal(1.0, 0.01, len(steps))
    steps["step_time_s"] = step
    steps["cadence_spm"] = 60.0 / step
    steps["ic_time_s"] = np.cumsum(step) + np.where(forward, 0.0, 5.0)
    return steps


def _documented_cadence(steps: pd.DataFrame, direction: str) -> float:
    """60 / mean step time over the direction's steps after its first (timed from the bout before)."""
    times = steps.loc[steps["direction"] == direction, "step_time_s"].to_numpy()[1:]
    return float(60.0 / times.mean())


def test_compare_cadence_is_60_over_the_mean_step_time_not_a_mean_of_per_step_cadences() -> None:
    steps = _limping()
    c = compare_directions(steps, settings=FAST)
    cad = _row(c, "cadence_spm")
    for d in ("forward", "backward"):
        per_step = steps.loc[steps["direction"] == d, "cadence_spm"].to_numpy()
        documented = _documented_cadence(steps, d)
        assert abs(per_step.mean() - documented) > 1.0 and abs(np.median(per_step) - documented) > 1.0
        assert cad[f"mean_{d}"] == pytest.approx(documented, rel=1e-12)
        assert cad[f"n_{d}"] == 119  # the first step of each direction is timed from elsewhere
        assert np.isnan(cad[f"median_{d}"])  # a group has one cadence, no median of per-step cadences
    truth = 100.0 * (cad["mean_backward"] / cad["mean_forward"] - 1.0)
    assert cad["difference"] == pytest.approx(truth, rel=1e-9)
    assert cad["ci_low"] < cad["difference"] < cad["ci_high"] and cad["significant"] is True
    assert cad["effect_size"] > 0  # shorter backward steps: higher cadence, a positive effect


def test_compare_uses_the_summarys_cadence_and_medians_on_the_same_steps() -> None:
    steps = _limping(seed=1)
    steps["effort_g_per_min"] = np.nan  # a column of analysis outputs that make_steps leaves out
    summary = StepArrays.of(steps)
    direction = steps["direction"].to_numpy()
    c = compare_directions(steps, settings=FAST)
    for d in ("forward", "backward"):
        aggregates = summary.aggregate(np.flatnonzero(direction == d))
        assert _row(c, "cadence_spm")[f"mean_{d}"] == pytest.approx(aggregates["cadence_spm"]["value"], rel=1e-12)
        assert _row(c, "cadence_spm")[f"n_{d}"] == aggregates["cadence_spm"]["n"]
        for metric in ("contact_time_s", "impact_peak_g"):
            assert _row(c, metric)[f"median_{d}"] == pytest.approx(aggregates[metric]["median"], rel=1e-12)
            assert _row(c, metric)[f"mean_{d}"] == pytest.approx(aggregates[metric]["mean"], rel=1e-12)


def test_session_values_of_compare_are_each_sessions_cadence() -> None:
    sessions = [_limping(seed=s).assign(session=f"s{s}", subject="me") for s in range(6)]
    for k, frame in enumerate(sessions):  # sessions differ in speed
        frame["step_time_s"] *= 1.0 + 0.02 * k
    steps = pd.concat(sessions, ignore_index=True)
    c = compare_directions(steps, settings=CompareSettings(n_boot=300, unit="sessions"))
    cad = _row(c, "cadence_spm")
    assert cad["design"] == "sessions, paired"
    per_session = [[_documented_cadence(s, d) for s in sessions] for d in ("forward", "backward")]
    expected = 100.0 * (np.mean(per_session[1]) / np.mean(per_session[0]) - 1.0)
    # the paired difference is of the session cadences' means; per-step cadences would give another number
    assert cad["difference"] == pytest.approx(expected, rel=1e-9)


def test_a_step_after_a_turn_is_not_a_step_of_the_new_direction() -> None:
    steps = pd.DataFrame(
        {
            "ic_time_s": [0.0, 0.3, 0.6, 1.5, 1.8, 2.1],
            "step_time_s": [np.nan, 0.3, 0.3, 0.9, 0.3, 0.3],
            "bout_id": [0, 0, 0, 0, 0, 0],
            "direction": ["forward"] * 3 + ["backward"] * 3,
        }
    )
    assert np.isnan(step_times_in_runs(steps, ("bout_id", "direction"))[3])
    assert step_times_in_runs(steps)[3] == 0.9  # a bout's rhythm keeps it
    assert cadence_of_steps(steps.iloc[3:], ("bout_id", "direction")) == {"value": 200.0, "n": 2}
    shuffled = steps.sample(frac=1.0, random_state=0)  # row order does not matter, time order does
    assert np.array_equal(
        step_times_in_runs(shuffled, ("bout_id", "direction")),
        step_times_in_runs(steps, ("bout_id", "direction"))[shuffled.index.to_numpy()],
        equal_nan=True,
    )


def test_the_summarys_direction_cadence_leaves_out_the_step_after_a_turn() -> None:
    steps = make_steps(n_forward=40, n_backward=40).assign(bout_id=0, effort_g_per_min=np.nan)  # one bout
    rows = np.flatnonzero(steps["direction"].to_numpy() == "backward")
    backward = StepArrays.of(steps).aggregate(rows)["cadence_spm"]
    assert backward["n"] == 39
    assert backward["value"] == pytest.approx(_documented_cadence(steps, "backward"), rel=1e-12)
    assert StepArrays.of(steps).aggregate(np.arange(len(steps)))["cadence_spm"]["n"] == 79  # the bout keeps it


def test_metric_aggregate_is_the_median_and_mean_of_finite_values() -> None:
    assert metric_aggregate(np.array([1.0, np.nan, 3.0, 2.0, 10.0])) == {"median": 2.5, "mean": 4.0, "n": 4}
    assert metric_aggregate(np.array([np.nan])) == {"median": None, "mean": None, "n": 0}


def test_summary_batch_and_compare_agree_on_an_analysed_session() -> None:
    result = analyze(ROOT / "sample_data" / "foot_mixed.csv")
    row = session_row(result.summary)
    c = compare_directions(result.steps, settings=CompareSettings(n_boot=200, activity=None))
    for d in ("forward", "backward"):
        value = result.summary["per_direction"][d]["cadence_spm"]["value"]
        assert row[f"cadence_spm_{d}"] == value
        assert _row(c, "cadence_spm")[f"mean_{d}"] == pytest.approx(value, rel=1e-12)
        assert row[f"contact_time_s_median_{d}"] == result.summary["per_direction"][d]["contact_time_s"]["median"]
